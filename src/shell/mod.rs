//! `midclt shell`: the TrueNAS CLI's interactive shell over one logged-in connection, or
//! a script of command lines read from stdin. Every line goes through the same
//! dispatcher, grammar, editor and renderers as `midclt -c LINE`; this layer adds only
//! what a session has: a current namespace, history, completion, reconnection and the
//! handling of Ctrl-C.

mod history;
mod line_editor;

use crate::client::rpc::Client;
use crate::error::{Error, ExitCode, Result};
use crate::render::{self, print_line, report, Format, Spec};
use crate::session::{self, ConnectConfig};
use crate::truenas_cli::catalog::{Catalog, Child, Resolved};
use crate::truenas_cli::{self, Flags, Input, Outcome};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _};
use std::rc::Rc;

/// How the shell runs.
pub(crate) struct Options {
    /// In a script, carry on after a failed line (the exit code still reports it).
    pub keep_going: bool,
    /// `-o`, `--pretty`, `--select` for every command (`.mode` changes the format).
    pub output: Spec,
    /// The profile's `output`: the format when none is asked for.
    pub profile_format: Option<Format>,
    /// `--dry-run`: print the calls instead of making them.
    pub dry_run: bool,
    /// Show server tracebacks (`-v`, `.stacks on`).
    pub verbose: bool,
}

/// Run the shell: interactive when stdin is a terminal, else a script read from stdin.
/// Returns the exit code: a script's first failure's, else success.
pub(crate) fn run(cfg: &ConnectConfig, opts: &Options) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    let mut conn = Connection::open(cfg, interactive)?;
    let mut shell = Shell {
        flags: Flags {
            output: opts.output.clone(),
            profile_format: opts.profile_format,
            dry_run: opts.dry_run,
            help: false,
            in_shell: true,
        },
        style: report::Style {
            official: false,
            quiet: false,
            verbose: opts.verbose,
        },
        namespace: Vec::new(),
    };
    let code = if interactive {
        shell.interactive(&mut conn)?
    } else {
        shell.script(&mut conn, opts.keep_going)?
    };
    conn.close();
    Ok(code)
}

/// The logged-in connection and what belongs to it; it is opened again, with the same
/// credentials, when the server or the network dropped it between commands.
struct Connection {
    opener: session::Opener,
    client: Option<Client>,
    catalog: Rc<Catalog>,
    host: String,
}

impl Connection {
    fn open(cfg: &ConnectConfig, interactive: bool) -> Result<Connection> {
        // Credentials are asked for once at most (a prompt, a file, stdin; not at all while
        // a session agent serves): reconnecting must not ask again. A script on stdin
        // leaves no stdin for a password.
        let mut opener = session::Opener::new(cfg.clone(), !interactive);
        let (client, catalog, host) = Connection::connect(&mut opener)?;
        Ok(Connection {
            opener,
            client: Some(client),
            catalog: Rc::new(catalog),
            host,
        })
    }

    fn connect(opener: &mut session::Opener) -> Result<(Client, Catalog, String)> {
        let mut client = opener.open()?;
        let cfg = opener.config();
        let key = truenas_cli::server_key(&client.info().endpoint, cfg);
        let catalog = Catalog::load(&mut client, &key, cfg.verbose)?;
        let host = client
            .call("system.hostname", vec![])
            .ok()
            .and_then(|h| h.as_str().map(str::to_string))
            .unwrap_or_else(|| client.info().endpoint.display());
        // The prompt shows the host as the TrueNAS CLI does: up to the first dot.
        let host = host.split('.').next().unwrap_or_default().to_string();
        Ok((client, catalog, host))
    }

    /// Connect again when the connection went away since the last command.
    fn ensure_connected(&mut self) -> Result<()> {
        let alive = self.client.as_mut().is_some_and(Client::is_alive);
        if !alive {
            if let Some(old) = self.client.take() {
                drop(old);
                eprintln!("midclt: the connection to the server was lost; connecting again");
            }
            let (client, catalog, host) = Connection::connect(&mut self.opener)?;
            self.catalog = Rc::new(catalog);
            self.host = host;
            self.client = Some(client);
        }
        Ok(())
    }

    fn close(self) {
        if let Some(c) = self.client {
            c.close();
        }
    }
}

struct Shell {
    flags: Flags,
    style: report::Style,
    namespace: Vec<String>,
}

/// What became of one line.
enum Step {
    Continue,
    Failed(anyhow::Error),
    Exit,
}

impl Shell {
    fn interactive(&mut self, conn: &mut Connection) -> anyhow::Result<ExitCode> {
        let history = history::History::open();
        let place = Rc::new(RefCell::new(line_editor::Place {
            catalog: Some(Rc::clone(&conn.catalog)),
            namespace: Vec::new(),
        }));
        let config = rustyline::Config::builder()
            .auto_add_history(false)
            .completion_type(rustyline::CompletionType::List)
            .build();
        let mut editor: rustyline::Editor<line_editor::Helper, rustyline::history::MemHistory> =
            rustyline::Editor::with_history(config, rustyline::history::MemHistory::new())
                .map_err(|e| Error::io(format!("cannot use the terminal: {e}")))?;
        editor.set_helper(Some(line_editor::Helper {
            place: Rc::clone(&place),
        }));
        // Only now: the line editor takes SIGINT over for as long as it lives, and a
        // handler installed after it runs first and then hands the signal on.
        crate::interrupt::catch();
        for line in history.load() {
            let _ = editor.add_history_entry(line);
        }
        print_line(&format!(
            "Connected to {}. Type \"ls\" to list what is here, \"help\" for the built-ins, Ctrl-D to leave.",
            conn.host
        ))?;
        loop {
            {
                let mut p = place.borrow_mut();
                p.namespace.clone_from(&self.namespace);
                p.catalog = Some(Rc::clone(&conn.catalog));
            }
            let prompt = self.prompt(&conn.host);
            crate::interrupt::clear();
            let line = match editor.readline(&prompt) {
                Ok(line) => line,
                // Ctrl-C at the prompt discards the line.
                Err(rustyline::error::ReadlineError::Interrupted) => continue,
                Err(rustyline::error::ReadlineError::Eof) => return Ok(ExitCode::Success),
                Err(e) => {
                    return Err(Error::io(format!("cannot read from the terminal: {e}")).into())
                }
            };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if history.add(line) {
                let _ = editor.add_history_entry(line);
            }
            match self.line(conn, line, true) {
                Step::Continue => {}
                Step::Exit => return Ok(ExitCode::Success),
                Step::Failed(e) => {
                    report::report(&e, self.style);
                    // The TrueNAS CLI leaves an empty line after an error.
                    eprintln!();
                }
            }
        }
    }

    fn script(&mut self, conn: &mut Connection, keep_going: bool) -> anyhow::Result<ExitCode> {
        let mut first_failure = None;
        for (number, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.map_err(|e| Error::io(format!("cannot read stdin: {e}")))?;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match self.line(conn, line, false) {
                Step::Continue => {}
                Step::Exit => break,
                Step::Failed(e) => {
                    let e = e.context(format!("line {}", number + 1));
                    report::report(&e, self.style);
                    let code = report::exit_code(&e);
                    if !keep_going {
                        return Ok(code);
                    }
                    first_failure.get_or_insert(code);
                }
            }
        }
        Ok(first_failure.unwrap_or(ExitCode::Success))
    }

    fn prompt(&self, host: &str) -> String {
        if self.namespace.is_empty() {
            format!("[{host}]> ")
        } else {
            format!("[{host}] {}> ", self.namespace.join(" "))
        }
    }

    /// Run one line: the shell's own dot-commands here, everything else through the
    /// TrueNAS CLI dispatcher.
    fn line(&mut self, conn: &mut Connection, line: &str, interactive: bool) -> Step {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(".mode"), value, None) => return self.mode(value),
            (Some(".stacks"), value, None) => return self.stacks(value),
            _ => {}
        }
        if let Err(e) = conn.ensure_connected() {
            return Step::Failed(e.into());
        }
        let catalog = Rc::clone(&conn.catalog);
        let Connection { opener, client, .. } = conn;
        let Some(client) = client.as_mut() else {
            return Step::Failed(Error::connection("not connected").into());
        };
        let mut reconnect = || opener.open();
        let outcome = truenas_cli::run_in(
            client,
            &mut reconnect,
            &catalog,
            &self.namespace,
            Input::Line(line.to_string()),
            &self.flags,
        );
        match outcome {
            Ok(Outcome::Done) => {
                if interactive && matches!(line, "help" | "?") {
                    let _ = print_line(BUILTINS);
                }
                Step::Continue
            }
            Ok(Outcome::Exit) => Step::Exit,
            Ok(Outcome::Enter(path)) => {
                self.namespace = path;
                if interactive {
                    let _ = print_line(&banner(&catalog, &self.namespace));
                }
                Step::Continue
            }
            // A broken connection is noticed, and opened again, before the next line.
            Err(e) => Step::Failed(e),
        }
    }

    fn mode(&mut self, value: Option<&str>) -> Step {
        match value {
            None => {
                let current = self
                    .flags
                    .output
                    .format
                    .or(self.flags.profile_format)
                    .map_or("table on a terminal, json otherwise", Format::as_str);
                let _ = print_line(&format!("Output: {current}"));
                Step::Continue
            }
            Some(v) => match render::parse_format(v) {
                Ok(f) => {
                    self.flags.output.format = Some(f);
                    Step::Continue
                }
                Err(e) => Step::Failed(e.into()),
            },
        }
    }

    fn stacks(&mut self, value: Option<&str>) -> Step {
        match value.map(str::to_ascii_lowercase).as_deref() {
            None => {}
            Some("1" | "yes" | "on") => self.style.verbose = true,
            Some("0" | "no" | "off") => self.style.verbose = false,
            Some(other) => {
                return Step::Failed(
                    Error::usage(format!("Invalid value: '{other}'. Should be 'on' or 'off'"))
                        .into(),
                )
            }
        }
        let state = if self.style.verbose {
            "enabled"
        } else {
            "disabled"
        };
        let _ = print_line(&format!("Errors stack trace display: {state}"));
        Step::Continue
    }
}

const BUILTINS: &str = "\nBuilt-ins: ..  (up one namespace)   /  (to the top)   ls   man COMMAND   help   exit\n\
           .mode [table|csv|json|yaml]   .stacks [on|off]   Tab completes, Ctrl-C cancels, Ctrl-D leaves";

/// What the TrueNAS CLI prints on entering a namespace.
fn banner(catalog: &Catalog, path: &[String]) -> String {
    if path.is_empty() {
        return "Type \"ls\" (followed by Enter) to list available configuration options".into();
    }
    let mut s = format!(
        "Type \"ls\" (followed by Enter) to list available {} configuration options",
        path.join(" ")
    );
    if let Resolved::Namespace(ns) = catalog.resolve(path) {
        let commands: Vec<&str> = ns
            .children()
            .filter(|(_, c)| matches!(c, Child::Command(_)))
            .map(|(n, _)| n)
            .collect();
        if let Some(first) = commands
            .iter()
            .find(|n| **n == "create")
            .or(commands.first())
        {
            let _ = write!(
                s,
                "\nType \"man\" (followed by Action) to get help on how to use the specific Action.\n\ni.e.\n\tman {first}"
            );
        }
    }
    s
}
