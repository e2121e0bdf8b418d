//! A tokenizer and parser for Python expressions (what `ast.parse(text, mode="eval")`
//! accepts), producing only what the translation needs: other node kinds keep just their
//! `ast` class name for midcli's error messages.

mod lexer;
mod literals;
mod parser;

use lexer::{tokenize, Tok};

/// Bracket nesting Python's tokenizer accepts.
const MAX_BRACKETS: usize = 200;
/// Nesting of brackets and unary/lambda/ternary/power chains the parser follows. Bounds
/// recursion on any input: 100 levels need about 1.2 MiB of stack unoptimised, far less
/// optimised. (Python itself allows 200 brackets; no real condition gets near 100.)
const MAX_DEPTH: usize = 100;

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct SyntaxErr {
    pub(super) msg: String,
    /// Index into the source characters.
    pub(super) pos: usize,
}

fn err(msg: impl Into<String>, pos: usize) -> SyntaxErr {
    SyntaxErr {
        msg: msg.into(),
        pos,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Const {
    Str(String),
    Bytes(Vec<u8>),
    /// Decimal digits, with a leading `-` when negated.
    Int(String),
    Float(f64),
    /// The imaginary part of a complex literal (`2j`).
    Complex(f64),
    Bool(bool),
    None,
    Ellipsis,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum SeqKind {
    List,
    Tuple,
    Set,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum BoolKind {
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum UnaryKind {
    Not,
    USub,
    UAdd,
    Invert,
}

impl UnaryKind {
    pub(super) fn class(self) -> &'static str {
        match self {
            UnaryKind::Not => "Not",
            UnaryKind::USub => "USub",
            UnaryKind::UAdd => "UAdd",
            UnaryKind::Invert => "Invert",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub(super) fn class(self) -> &'static str {
        match self {
            CmpOp::Eq => "Eq",
            CmpOp::NotEq => "NotEq",
            CmpOp::Lt => "Lt",
            CmpOp::LtE => "LtE",
            CmpOp::Gt => "Gt",
            CmpOp::GtE => "GtE",
            CmpOp::Is => "Is",
            CmpOp::IsNot => "IsNot",
            CmpOp::In => "In",
            CmpOp::NotIn => "NotIn",
        }
    }

    pub(super) fn filter_op(self) -> Option<&'static str> {
        Some(match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "nin",
            CmpOp::Is | CmpOp::IsNot => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Name(String),
    Const(Const),
    Seq(SeqKind, Vec<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    BoolOp(BoolKind, Vec<Expr>),
    Unary(UnaryKind, Box<Expr>),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: usize,
    },
    Attribute(Box<Expr>, String),
    /// Any other node, by its `ast` class name.
    Other(&'static str),
}

impl Expr {
    pub(super) fn class(&self) -> &'static str {
        match self {
            Expr::Name(_) => "Name",
            Expr::Const(_) => "Constant",
            Expr::Seq(SeqKind::List, _) => "List",
            Expr::Seq(SeqKind::Tuple, _) => "Tuple",
            Expr::Seq(SeqKind::Set, _) => "Set",
            Expr::Compare(..) => "Compare",
            Expr::BoolOp(..) => "BoolOp",
            Expr::Unary(..) => "UnaryOp",
            Expr::Call { .. } => "Call",
            Expr::Attribute(..) => "Attribute",
            Expr::Other(class) => class,
        }
    }
}

/// Parse a whole condition the way `ast.parse(text, mode="eval")` would.
pub(super) fn parse(source: &[char]) -> Result<Expr, SyntaxErr> {
    let lexed = tokenize(source);
    // Python reports tokenizer errors even when parsing failed earlier (3.10+ scans the
    // rest of the source for them), so they come first.
    if let Some(error) = lexed.error {
        return Err(error);
    }
    match (parser::eval_input(source, &lexed.toks), lexed.unclosed) {
        (Err(e), Some(unclosed)) if e.pos >= source.len() => Err(unclosed),
        (Ok(_), Some(unclosed)) => Err(unclosed),
        (result, _) => result,
    }
}

/// Names outside brackets, with their positions, up to any tokenizer error.
pub(super) fn top_level_names(source: &[char]) -> Vec<(usize, String)> {
    tokenize(source)
        .toks
        .into_iter()
        .filter_map(|t| match t.tok {
            Tok::Name(name) if t.depth == 0 => Some((t.pos, name)),
            _ => None,
        })
        .collect()
}
