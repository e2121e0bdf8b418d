// placeholder until the query engine lands
use serde_json::Value;
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    Invalid(Vec<(String, String)>),
    MatchNotFound,
}
pub fn run_query(
    rows: Vec<Value>,
    _filters: &Value,
    _options: &Value,
) -> Result<Value, QueryError> {
    Ok(Value::Array(rows))
}
pub fn validate(_filters: &Value, _options: &Value) -> Result<(), QueryError> {
    Ok(())
}
pub fn matches(_row: &Value, _filters: &Value) -> Result<bool, QueryError> {
    Ok(true)
}
