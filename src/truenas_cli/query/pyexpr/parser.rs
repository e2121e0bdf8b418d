//! Python's expression grammar (`eval_input`), recursive descent over the tokens, with the
//! error positions and hints of Python 3.11's parser.

use super::lexer::{StrPiece, Tok, Token};
use super::{
    err, is_keyword, BoolKind, CmpOp, Const, Expr, SeqKind, SyntaxErr, UnaryKind, MAX_DEPTH,
};

/// Parse the tokens of a whole condition (ending with `Eof`).
pub(super) fn eval_input(source: &[char], toks: &[Token]) -> Result<Expr, SyntaxErr> {
    let mut parser = Parser {
        src: source,
        toks,
        i: 0,
        depth: 0,
        last_disjunction: (0, usize::MAX),
        eof: Token {
            tok: Tok::Eof,
            pos: source.len(),
            depth: 0,
        },
    };
    parser.eval_input()
}

struct Parser<'a> {
    src: &'a [char],
    toks: &'a [Token],
    i: usize,
    depth: usize,
    eof: Token,
    /// Start position and end token index of the latest (outermost) disjunction parsed,
    /// for Python's "Perhaps you forgot a comma?" hint.
    last_disjunction: (usize, usize),
}

type R<T> = Result<T, SyntaxErr>;

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.toks.get(self.i).unwrap_or(&self.eof)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.toks.get(self.i + n).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn bump(&mut self) {
        self.i += 1;
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Name(n) if n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = self.is_op(op);
        if found {
            self.bump();
        }
        found
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let found = self.is_kw(kw);
        if found {
            self.bump();
        }
        found
    }

    fn expect_op(&mut self, op: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> SyntaxErr {
        let token = self.peek();
        // Inside brackets, Python suggests `==` for `NAME = ...`, pointing at the name.
        if token.tok == Tok::Op("=") && token.depth > 0 {
            let back = |n: usize| self.i.checked_sub(n).and_then(|i| self.toks.get(i));
            let name = back(1).filter(|t| matches!(&t.tok, Tok::Name(n) if !is_keyword(n)));
            if let Some(name) = name {
                if !back(2).is_some_and(|t| t.tok == Tok::Op(".")) {
                    return err(
                        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                        name.pos,
                    );
                }
            }
        }
        // Two expressions side by side inside brackets.
        let (start, end) = self.last_disjunction;
        let name_string = matches!(
            (
                self.toks.get(end.wrapping_sub(1)).map(|t| &t.tok),
                &token.tok
            ),
            (Some(Tok::Name(_)), Tok::Str(_))
        );
        if end == self.i && token.depth > 0 && self.starts_expression() && !name_string {
            return err("invalid syntax. Perhaps you forgot a comma?", start);
        }
        err("invalid syntax", token.pos)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err("expression too deeply nested", self.peek().pos));
        }
        Ok(())
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        self.enter()?;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn name_token(&self) -> Option<String> {
        match &self.peek().tok {
            Tok::Name(n) if !is_keyword(n) => Some(n.clone()),
            _ => None,
        }
    }

    fn expect_name(&mut self) -> R<String> {
        let name = self.name_token().ok_or_else(|| self.unexpected())?;
        self.bump();
        Ok(name)
    }

    fn starts_expression(&self) -> bool {
        match &self.peek().tok {
            Tok::Name(n) => {
                !is_keyword(n)
                    || matches!(
                        n.as_str(),
                        "not" | "lambda" | "await" | "True" | "False" | "None"
                    )
            }
            Tok::Num(_) | Tok::Str(_) => true,
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "..."),
            Tok::Newline | Tok::Eof => false,
        }
    }

    fn at_comprehension(&self) -> bool {
        self.is_kw("for") || self.is_kw("async")
    }

    // eval_input: expressions NEWLINE* ENDMARKER
    fn eval_input(&mut self) -> R<Expr> {
        let expr = self.expressions()?;
        let mut new_line = false;
        while self.peek().tok == Tok::Newline {
            self.bump();
            new_line = true;
        }
        let token = self.peek();
        if token.tok != Tok::Eof {
            // A further logical line: Python's tokenizer complains about its indentation
            // before the parser sees it.
            let before = self.src.get(..token.pos).unwrap_or_default();
            let indent = before.iter().rev().take_while(|c| **c != '\n').count();
            if new_line && indent > 0 {
                return Err(err("unexpected indent", token.pos));
            }
            return Err(self.unexpected());
        }
        Ok(expr)
    }

    fn expressions(&mut self) -> R<Expr> {
        let first = self.expression()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if !self.starts_expression() {
                break;
            }
            items.push(self.expression()?);
        }
        Ok(Expr::Seq(SeqKind::Tuple, items))
    }

    fn expression(&mut self) -> R<Expr> {
        if self.eat_kw("lambda") {
            self.lambda_rest()?;
            return Ok(Expr::Other("Lambda"));
        }
        let body = self.disjunction()?;
        if self.eat_kw("if") {
            self.disjunction()?;
            if !self.eat_kw("else") {
                return Err(err(
                    "expected 'else' after 'if' expression",
                    self.peek().pos,
                ));
            }
            self.nested(Self::expression)?;
            return Ok(Expr::Other("IfExp"));
        }
        Ok(body)
    }

    fn lambda_rest(&mut self) -> R<()> {
        while !self.is_op(":") {
            if self.eat_op("*") {
                if self.name_token().is_some() {
                    self.bump();
                }
            } else if self.eat_op("**") {
                self.expect_name()?;
            } else if !self.eat_op("/") {
                self.expect_name()?;
                if self.eat_op("=") {
                    self.nested(Self::expression)?;
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(":")?;
        self.nested(Self::expression)?;
        Ok(())
    }

    fn named_expression(&mut self) -> R<Expr> {
        if self.name_token().is_some() && *self.peek_at(1) == Tok::Op(":=") {
            self.i += 2;
            self.expression()?;
            return Ok(Expr::Other("NamedExpr"));
        }
        self.expression()
    }

    fn star_named_expression(&mut self) -> R<Expr> {
        if self.eat_op("*") {
            self.bitwise_or()?;
            return Ok(Expr::Other("Starred"));
        }
        self.named_expression()
    }

    fn disjunction(&mut self) -> R<Expr> {
        let start = self.peek().pos;
        let first = self.conjunction()?;
        let result = if self.is_kw("or") {
            let mut values = vec![first];
            while self.eat_kw("or") {
                values.push(self.conjunction()?);
            }
            Expr::BoolOp(BoolKind::Or, values)
        } else {
            first
        };
        self.last_disjunction = (start, self.i);
        Ok(result)
    }

    fn conjunction(&mut self) -> R<Expr> {
        let first = self.inversion()?;
        if !self.is_kw("and") {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_kw("and") {
            values.push(self.inversion()?);
        }
        Ok(Expr::BoolOp(BoolKind::And, values))
    }

    fn inversion(&mut self) -> R<Expr> {
        if self.eat_kw("not") {
            let operand = self.nested(Self::inversion)?;
            return Ok(Expr::Unary(UnaryKind::Not, Box::new(operand)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> R<Expr> {
        let left = self.bitwise_or()?;
        let mut pairs = Vec::new();
        loop {
            let (op, width) = match (&self.peek().tok, self.peek_at(1)) {
                (Tok::Op("=="), _) => (CmpOp::Eq, 1),
                (Tok::Op("!="), _) => (CmpOp::NotEq, 1),
                (Tok::Op("<"), _) => (CmpOp::Lt, 1),
                (Tok::Op("<="), _) => (CmpOp::LtE, 1),
                (Tok::Op(">"), _) => (CmpOp::Gt, 1),
                (Tok::Op(">="), _) => (CmpOp::GtE, 1),
                (Tok::Name(n), _) if n == "in" => (CmpOp::In, 1),
                (Tok::Name(n), Tok::Name(m)) if n == "not" && m == "in" => (CmpOp::NotIn, 2),
                (Tok::Name(n), Tok::Name(m)) if n == "is" && m == "not" => (CmpOp::IsNot, 2),
                (Tok::Name(n), _) if n == "is" => (CmpOp::Is, 1),
                _ => break,
            };
            self.i += width;
            pairs.push((op, self.bitwise_or()?));
        }
        if pairs.is_empty() {
            Ok(left)
        } else {
            Ok(Expr::Compare(Box::new(left), pairs))
        }
    }

    fn bitwise_or(&mut self) -> R<Expr> {
        self.binary(1)
    }

    /// Python's binary operators from `|` (1) to `*` `/` `//` `%` `@` (6), all
    /// left-associative, by precedence climbing.
    fn binary(&mut self, min_precedence: u8) -> R<Expr> {
        let mut left = self.factor()?;
        loop {
            let precedence = match &self.peek().tok {
                Tok::Op("|") => 1,
                Tok::Op("^") => 2,
                Tok::Op("&") => 3,
                Tok::Op("<<" | ">>") => 4,
                Tok::Op("+" | "-") => 5,
                Tok::Op("*" | "/" | "//" | "%" | "@") => 6,
                _ => break,
            };
            if precedence < min_precedence {
                break;
            }
            self.bump();
            self.binary(precedence + 1)?;
            left = Expr::Other("BinOp");
        }
        Ok(left)
    }

    fn factor(&mut self) -> R<Expr> {
        let kind = match &self.peek().tok {
            Tok::Op("-") => UnaryKind::USub,
            Tok::Op("+") => UnaryKind::UAdd,
            Tok::Op("~") => UnaryKind::Invert,
            _ => return self.power(),
        };
        self.bump();
        let operand = self.nested(Self::factor)?;
        Ok(Expr::Unary(kind, Box::new(operand)))
    }

    fn power(&mut self) -> R<Expr> {
        let base = if self.eat_kw("await") {
            self.primary()?;
            Expr::Other("Await")
        } else {
            self.primary()?
        };
        if self.eat_op("**") {
            self.nested(Self::factor)?;
            return Ok(Expr::Other("BinOp"));
        }
        Ok(base)
    }

    fn primary(&mut self) -> R<Expr> {
        let mut expr = self.atom()?;
        loop {
            if self.eat_op(".") {
                let attr = self.expect_name()?;
                expr = Expr::Attribute(Box::new(expr), attr);
            } else if self.eat_op("(") {
                let (args, keywords) = self.nested(Self::call_arguments)?;
                expr = Expr::Call {
                    func: Box::new(expr),
                    args,
                    keywords,
                };
            } else if self.eat_op("[") {
                self.nested(Self::subscript)?;
                expr = Expr::Other("Subscript");
            } else {
                return Ok(expr);
            }
        }
    }

    /// After `(`: positional and keyword arguments up to `)`.
    fn call_arguments(&mut self) -> R<(Vec<Expr>, usize)> {
        let mut args = Vec::new();
        let mut keywords = 0;
        let mut seen_keyword = false;
        let mut seen_double_star = false;
        while !self.is_op(")") {
            let pos = self.peek().pos;
            if self.eat_op("*") {
                if seen_double_star {
                    return Err(err(
                        "iterable argument unpacking follows keyword argument unpacking",
                        pos,
                    ));
                }
                self.expression()?;
                args.push(Expr::Other("Starred"));
            } else if self.eat_op("**") {
                self.expression()?;
                keywords += 1;
                seen_double_star = true;
            } else if self.name_token().is_some() && *self.peek_at(1) == Tok::Op("=") {
                self.i += 2;
                self.expression()?;
                keywords += 1;
                seen_keyword = true;
            } else {
                let mut arg = self.named_expression()?;
                if self.is_op("=") {
                    return Err(err(
                        "expression cannot contain assignment, perhaps you meant \"==\"?",
                        pos,
                    ));
                }
                if self.at_comprehension() {
                    self.comprehension()?;
                    if !args.is_empty() || keywords > 0 || !self.is_op(")") {
                        return Err(err("Generator expression must be parenthesized", pos));
                    }
                    arg = Expr::Other("GeneratorExp");
                }
                if seen_double_star {
                    return Err(err(
                        "positional argument follows keyword argument unpacking",
                        pos,
                    ));
                }
                if seen_keyword {
                    return Err(err("positional argument follows keyword argument", pos));
                }
                args.push(arg);
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok((args, keywords))
    }

    /// After `[`: slices or indexes up to `]`.
    fn subscript(&mut self) -> R<()> {
        loop {
            if self.eat_op("*") {
                self.bitwise_or()?;
            } else {
                if !self.is_op(":") {
                    self.named_expression()?;
                }
                if self.eat_op(":") {
                    if !(self.is_op(":") || self.is_op(",") || self.is_op("]")) {
                        self.expression()?;
                    }
                    if self.eat_op(":") && !(self.is_op(",") || self.is_op("]")) {
                        self.expression()?;
                    }
                }
            }
            if !self.eat_op(",") || self.is_op("]") {
                break;
            }
        }
        self.expect_op("]")
    }

    /// `for targets in disjunction [if disjunction]...`, repeated.
    fn comprehension(&mut self) -> R<()> {
        loop {
            self.eat_kw("async");
            if !self.eat_kw("for") {
                return Err(self.unexpected());
            }
            loop {
                self.eat_op("*");
                self.bitwise_or()?;
                if !self.eat_op(",") || self.is_kw("in") {
                    break;
                }
            }
            if !self.eat_kw("in") {
                return Err(self.unexpected());
            }
            self.disjunction()?;
            while self.eat_kw("if") {
                self.disjunction()?;
            }
            if !self.at_comprehension() {
                return Ok(());
            }
        }
    }

    fn atom(&mut self) -> R<Expr> {
        match &self.peek().tok {
            Tok::Name(name) => {
                let expr = match name.as_str() {
                    "True" => Expr::Const(Const::Bool(true)),
                    "False" => Expr::Const(Const::Bool(false)),
                    "None" => Expr::Const(Const::None),
                    _ if is_keyword(name) => return Err(self.unexpected()),
                    _ => Expr::Name(name.clone()),
                };
                self.bump();
                Ok(expr)
            }
            Tok::Num(c) => {
                let expr = Expr::Const(c.clone());
                self.bump();
                Ok(expr)
            }
            Tok::Str(_) => self.strings(),
            Tok::Op("...") => {
                self.bump();
                Ok(Expr::Const(Const::Ellipsis))
            }
            Tok::Op("(") => {
                self.bump();
                self.nested(Self::group)
            }
            Tok::Op("[") => {
                self.bump();
                self.nested(Self::list)
            }
            Tok::Op("{") => {
                self.bump();
                self.nested(Self::braces)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// Adjacent string literals make one constant.
    fn strings(&mut self) -> R<Expr> {
        let start = self.peek().pos;
        let (mut text, mut bytes) = (String::new(), Vec::new());
        let (mut has_text, mut has_bytes, mut has_formatted) = (false, false, false);
        while let Tok::Str(piece) = &self.peek().tok {
            match piece {
                StrPiece::Text(t) => {
                    text.push_str(t);
                    has_text = true;
                }
                StrPiece::Bytes(b) => {
                    bytes.extend_from_slice(b);
                    has_bytes = true;
                }
                StrPiece::Formatted => has_formatted = true,
            }
            self.bump();
        }
        if has_bytes && (has_text || has_formatted) {
            return Err(err("cannot mix bytes and nonbytes literals", start));
        }
        Ok(if has_formatted {
            Expr::Other("JoinedStr")
        } else if has_bytes {
            Expr::Const(Const::Bytes(bytes))
        } else {
            Expr::Const(Const::Str(text))
        })
    }

    /// After `(`: a parenthesized expression, tuple, generator or yield.
    fn group(&mut self) -> R<Expr> {
        if self.eat_op(")") {
            return Ok(Expr::Seq(SeqKind::Tuple, Vec::new()));
        }
        if self.eat_kw("yield") {
            let class = if self.eat_kw("from") {
                self.expression()?;
                "YieldFrom"
            } else {
                if self.starts_expression() || self.is_op("*") {
                    self.star_named_expression()?;
                    while self.eat_op(",") && !self.is_op(")") {
                        self.star_named_expression()?;
                    }
                }
                "Yield"
            };
            self.expect_op(")")?;
            return Ok(Expr::Other(class));
        }
        let first_pos = self.peek().pos;
        let first = self.star_named_expression()?;
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op(")")?;
            return Ok(Expr::Other("GeneratorExp"));
        }
        if self.eat_op(")") {
            if first == Expr::Other("Starred") {
                return Err(err("cannot use starred expression here", first_pos));
            }
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op(")") {
                break;
            }
            items.push(self.star_named_expression()?);
        }
        self.expect_op(")")?;
        Ok(Expr::Seq(SeqKind::Tuple, items))
    }

    /// After `[`: a list display or comprehension.
    fn list(&mut self) -> R<Expr> {
        if self.eat_op("]") {
            return Ok(Expr::Seq(SeqKind::List, Vec::new()));
        }
        let first = self.star_named_expression()?;
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op("]")?;
            return Ok(Expr::Other("ListComp"));
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op("]") {
                break;
            }
            items.push(self.star_named_expression()?);
        }
        self.expect_op("]")?;
        Ok(Expr::Seq(SeqKind::List, items))
    }

    /// After `{`: a dict or set display or comprehension.
    fn braces(&mut self) -> R<Expr> {
        if self.eat_op("}") {
            return Ok(Expr::Other("Dict"));
        }
        if self.eat_op("**") {
            self.bitwise_or()?;
            return self.dict_rest();
        }
        let first = self.star_named_expression()?;
        if self.eat_op(":") {
            self.expression()?;
            if self.at_comprehension() {
                self.comprehension()?;
                self.expect_op("}")?;
                return Ok(Expr::Other("DictComp"));
            }
            return self.dict_rest();
        }
        if self.at_comprehension() {
            self.comprehension()?;
            self.expect_op("}")?;
            return Ok(Expr::Other("SetComp"));
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op("}") {
                break;
            }
            items.push(self.star_named_expression()?);
        }
        self.expect_op("}")?;
        Ok(Expr::Seq(SeqKind::Set, items))
    }

    fn dict_rest(&mut self) -> R<Expr> {
        while self.eat_op(",") {
            if self.is_op("}") {
                break;
            }
            if self.eat_op("**") {
                self.bitwise_or()?;
                continue;
            }
            self.expression()?;
            self.expect_op(":")?;
            self.expression()?;
        }
        self.expect_op("}")?;
        Ok(Expr::Other("Dict"))
    }
}
