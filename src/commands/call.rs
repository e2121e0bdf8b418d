//! `midclt call METHOD [ARGS...]`, as the official midclt does it.

use crate::cli::{CallArgs, GlobalArgs, JobPrint};
use crate::error::Result;
use crate::jobs;
use crate::render::{self, midclt, progress};
use crate::session;
use serde_json::Value;
use std::io::IsTerminal;

pub fn run(g: &GlobalArgs, args: &CallArgs) -> anyhow::Result<()> {
    let format = g.output.as_deref().map(render::parse_format).transpose()?;
    let params = params(&args.args)?;
    let stdin_taken = args.args.iter().any(|a| a == "-");
    let mut client = session::open(&super::config(g), stdin_taken)?;
    let result = if args.job {
        let mut progress: Box<dyn jobs::Progress> = match args.job_print {
            JobPrint::Progressbar if std::io::stderr().is_terminal() => {
                Box::new(progress::Bar::new())
            }
            JobPrint::Progressbar => Box::new(jobs::Silent),
            JobPrint::Description => Box::<progress::Descriptions>::default(),
        };
        jobs::run(&mut client, &args.method, params, progress.as_mut())
    } else {
        client.call(&args.method, params)
    };
    client.close();
    let result = result?;
    match format {
        Some(format) => render::print_rendered(&result, format)?,
        None => render::print_line(&midclt::result_text(&result))?,
    }
    Ok(())
}

/// Each argument is JSON when it parses as JSON, else a string; `-` is stdin's content.
pub fn params(args: &[String]) -> Result<Vec<Value>> {
    let mut stdin: Option<Value> = None;
    args.iter()
        .map(|a| {
            if a == "-" {
                if stdin.is_none() {
                    let text = crate::auth::credentials::read_stdin_payload()?;
                    stdin = Some(json_or_string(text.trim_end_matches(['\n', '\r'])));
                }
                Ok(stdin.clone().unwrap_or(Value::Null))
            } else {
                Ok(json_or_string(a))
            }
        })
        .collect()
}

fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}
