//! Python's `str.expandtabs()`, which midcli's pyparsing grammars apply to the whole input
//! before matching and prettytable applies to every cell.

/// `str.expandtabs()`: tab stops every 8 columns, columns restart after `\n` and `\r`.
pub(crate) fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    expand_into(text.chars(), &mut out);
    out
}

/// [`expand_tabs`] for parsers that index the text by character.
pub(crate) fn expand_tabs_chars(chars: impl IntoIterator<Item = char>) -> Vec<char> {
    let mut out = Vec::new();
    expand_into(chars, &mut out);
    out
}

fn expand_into(chars: impl IntoIterator<Item = char>, out: &mut impl Extend<char>) {
    let mut column = 0usize;
    for c in chars {
        if c == '\t' {
            let n = 8 - column % 8;
            out.extend(std::iter::repeat_n(' ', n));
            column += n;
        } else {
            out.extend([c]);
            column = if c == '\n' || c == '\r' {
                0
            } else {
                column + 1
            };
        }
    }
}
