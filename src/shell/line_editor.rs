//! Tab completion in the shell: the same engine as `midclt complete` and the shells'
//! scripts, asked with the current namespace in front of the typed words.

use crate::truenas_cli::catalog::Catalog;
use crate::truenas_cli::complete;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Context;
use std::cell::RefCell;
use std::rc::Rc;

/// What completion needs to know, updated by the shell as it moves and reconnects.
#[derive(Default)]
pub(crate) struct Place {
    pub catalog: Option<Rc<Catalog>>,
    pub namespace: Vec<String>,
}

pub(crate) struct Helper {
    pub place: Rc<RefCell<Place>>,
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        let start = before.rfind(char::is_whitespace).map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
        let place = self.place.borrow();
        let mut words: Vec<String> = place.namespace.clone();
        words.extend(before.split_whitespace().map(str::to_string));
        if start == before.len() {
            // The cursor is after whitespace: a new, empty word is being typed.
            words.push(String::new());
        }
        let candidates = complete::candidates(place.catalog.as_deref(), &[], &words);
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                // A finished name is followed by a space; `name=` waits for its value.
                replacement: if c.ends_with('=') { c } else { c + " " },
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Helper {
    type Hint = String;
}

impl Highlighter for Helper {}

impl Validator for Helper {}

impl rustyline::Helper for Helper {}
