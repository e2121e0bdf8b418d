//! TrueNAS CLI commands (`midclt auth api_key query`, `midclt -c 'LINE'`): resolve words
//! in the server's command tree, turn the arguments into call parameters the way midcli
//! does, make the call (following jobs), and render the result.

pub(crate) mod args;
pub(crate) mod catalog;
pub(crate) mod complete;
mod download;
pub(crate) mod editor;
pub(crate) mod query;

use crate::client::rpc::Client;
use crate::error::{Error, Result};
use crate::jobs;
use crate::render::{self, print_line, Format, Output, Spec};
use crate::session::{self, Attendance, ConnectConfig};
use args::{Mapped, Mode, ParsedArgs};
use catalog::{Catalog, Child, CommandInfo, MethodDetail, Namespace, Resolved, ServiceType};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;

/// Options of this mode that may also appear after the command path in argv form.
#[derive(Debug, Default, Clone)]
pub(crate) struct Flags {
    /// `-o`, `--pretty`, `--select`.
    pub output: Spec,
    /// The profile's `output`: the format when none is asked for.
    pub profile_format: Option<Format>,
    pub dry_run: bool,
    pub help: bool,
    /// Lines come from midclt's shell, relative to its namespace: hints name the shell's
    /// built-ins rather than midclt commands.
    pub in_shell: bool,
}

/// What the user typed after `midclt` (argv) or in `-c`.
#[derive(Clone)]
pub(crate) enum Input {
    Argv(Vec<String>),
    Line(String),
}

/// Pull `-o FMT`, `--output FMT`, `--pretty`, `--select FIELDS`, `--dry-run`,
/// `-h`/`--help` out of argv words (before any `--`), so they work after the command path
/// as well as before it.
pub(crate) fn extract_flags(words: Vec<String>, flags: &mut Flags) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(words.len());
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let (name, inline) = match w.split_once('=') {
            Some((name @ ("--output" | "--select"), value)) => (name, Some(value.to_string())),
            _ => (w.as_str(), None),
        };
        match name {
            "--" => {
                out.push(w);
                out.extend(it.by_ref());
            }
            "--dry-run" => flags.dry_run = true,
            "--pretty" => flags.output.pretty = true,
            "-h" | "--help" => flags.help = true,
            "-o" | "--output" => {
                let v = inline.or_else(|| it.next()).ok_or_else(|| {
                    Error::usage(format!("{name} needs a format: {}", render::FORMAT_NAMES))
                })?;
                flags.output.format = Some(render::parse_format(&v)?);
            }
            "--select" => {
                let v = inline
                    .or_else(|| it.next())
                    .ok_or_else(|| Error::usage("--select needs FIELD,FIELD,..."))?;
                flags.output.select = Some(render::Selection::parse(&v)?);
            }
            _ => out.push(w),
        }
    }
    Ok(out)
}

/// Which catalogue cache belongs to a server and user.
pub(crate) fn server_key(endpoint: &crate::client::uri::Endpoint, cfg: &ConnectConfig) -> String {
    format!(
        "{}\u{0}{}",
        endpoint.display(),
        cfg.login.username.as_deref().unwrap_or("")
    )
}

/// What a command line asks of the session it runs in.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The command ran (or printed what was asked).
    Done,
    /// The line named a namespace (or `..`, `/`): the shell goes there; one-shot mode
    /// lists it.
    Enter(Vec<String>),
    /// `exit` / `quit`.
    Exit,
}

/// Run a TrueNAS CLI command.
pub(crate) fn run(cfg: &ConnectConfig, input: Input, flags: &Flags) -> anyhow::Result<()> {
    // A contradiction among the output options stops before anything is called.
    flags.output.output(Format::Json, true)?;
    let mut opener = session::Opener::new(cfg.clone(), false);
    let mut client = opener.open()?;
    let key = server_key(&client.info().endpoint, cfg);
    let cat = Catalog::load(&mut client, &key, cfg.verbose)?;
    let mut reconnect = || opener.open();
    let result = run_in(&mut client, &mut reconnect, &cat, &[], input, flags);
    client.close();
    if let Outcome::Enter(path) = result? {
        if let Resolved::Namespace(ns) = cat.resolve(&path) {
            print_line(&listing(ns))?;
        }
    }
    Ok(())
}

/// Run one command relative to the namespace `base` (the shell's current one; empty for
/// the root) over an open connection.
pub(crate) fn run_in(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    cat: &Catalog,
    base: &[String],
    input: Input,
    flags: &Flags,
) -> anyhow::Result<Outcome> {
    let (words, line_rest) = words_of(base, input);
    match cat.resolve(&words) {
        Resolved::Namespace(ns) => {
            if flags.help {
                print_line(&namespace_help(ns))?;
                return Ok(Outcome::Done);
            }
            Ok(Outcome::Enter(ns.path.clone()))
        }
        Resolved::Unknown { namespace, index } => {
            let typed = if flags.in_shell {
                Typed::Shell { base: base.len() }
            } else {
                Typed::CommandLine
            };
            Ok(builtin(cat, namespace, &words, index, typed)?)
        }
        Resolved::Command(cmd, used) => {
            let detail = cat.method(&cmd.method)?;
            if flags.help {
                print_line(&command_help(cmd, &detail))?;
                return Ok(Outcome::Done);
            }
            let args = args_of(&words, line_rest.as_ref(), used, base.len());
            let call = build_call(client, cmd, &detail, args, Attendance::Interactive)?;
            execute(client, reconnect, cmd, &detail, call, flags)?;
            Ok(Outcome::Done)
        }
    }
}

/// A command's result on one host of a fleet: resolved in that server's own catalogue,
/// run without prompts, an editor or progress, and returned instead of printed.
pub(crate) fn result(cfg: &ConnectConfig, input: Input, flags: &Flags) -> anyhow::Result<Value> {
    let login = crate::auth::credentials::resolve_unattended(&cfg.login)?;
    let mut client = session::open_attended(cfg, &login, Attendance::Unattended)?;
    let key = server_key(&client.info().endpoint, cfg);
    let cat = Catalog::load(&mut client, &key, cfg.verbose)?;
    let mut reconnect = || session::open_attended(cfg, &login, Attendance::Unattended);
    let result = result_in(&mut client, &mut reconnect, &cat, input, flags);
    client.close();
    result
}

fn result_in(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    cat: &Catalog,
    input: Input,
    flags: &Flags,
) -> anyhow::Result<Value> {
    let (words, line_rest) = words_of(&[], input);
    let (cmd, used) = match cat.resolve(&words) {
        Resolved::Command(cmd, used) => (cmd, used),
        Resolved::Namespace(ns) => {
            return Err(Error::usage(format!(
                "`{}` is a namespace; a fleet runs commands, not listings",
                ns.path.join(" ")
            ))
            .hint("list it with one profile: `midclt -p NAME ...`")
            .into())
        }
        Resolved::Unknown { namespace, index } => {
            let word = words.get(index).map_or("", String::as_str);
            return Err(match word {
                "ls" | "man" | "?" | "help" | ".." | "/" | "exit" | "quit" => {
                    Error::usage(format!("`{word}` is for one host; a fleet runs commands"))
                }
                _ => unknown(namespace, &words, index, Typed::CommandLine),
            }
            .into());
        }
    };
    let detail = cat.method(&cmd.method)?;
    let args = args_of(&words, line_rest.as_ref(), used, 0);
    let call = build_call(client, cmd, &detail, args, Attendance::Unattended)?;
    if let Some(file) = &call.output_file {
        return Err(Error::usage(format!(
            "`> {file}`: the hosts of a fleet would all write that file"
        ))
        .hint("redirect midclt's output instead")
        .into());
    }
    if flags.dry_run {
        return Ok(dry_run(&call));
    }
    Ok(perform(
        client,
        reconnect,
        cmd,
        &detail,
        call,
        Attendance::Unattended,
    )?)
}

/// The words to resolve: the namespace `base` and what was typed, and for a `-c` line
/// the line itself, whose text the arguments keep.
fn words_of(base: &[String], input: Input) -> (Vec<String>, Option<LineWords>) {
    let (words, line_rest) = match input {
        Input::Argv(w) => (w, None),
        Input::Line(l) => {
            let lw = LineWords::new(&l);
            (lw.words.iter().map(|(w, _)| w.clone()).collect(), Some(lw))
        }
    };
    (base.iter().cloned().chain(words).collect(), line_rest)
}

/// The arguments after the command path: the rest of a command line verbatim (its
/// quoting and spacing matter), else the remaining words.
fn args_of<'a>(
    words: &'a [String],
    line: Option<&'a LineWords>,
    used: usize,
    base: usize,
) -> Args<'a> {
    match line {
        Some(lw) => Args::Text(lw.rest_after(used - base)),
        None => Args::Words(&words[used..]),
    }
}

/// The words of a `-c` line with their byte offsets, so the command receives the rest of
/// the line verbatim (its grammar cares about spacing and quotes).
struct LineWords {
    line: String,
    words: Vec<(String, usize)>,
}

impl LineWords {
    fn new(line: &str) -> LineWords {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in line.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    words.push((line[s..i].to_string(), s));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((line[s..].to_string(), s));
        }
        LineWords {
            line: line.to_string(),
            words,
        }
    }

    /// The text after the first `n` words (leading whitespace dropped, as midcli does).
    fn rest_after(&self, n: usize) -> &str {
        match self.words.get(n) {
            Some((_, off)) => &self.line[*off..],
            None => "",
        }
    }
}

/// midcli's built-ins, children of every namespace: `ls`, `man`, `?`/`help`, `..`, `/`,
/// `exit`/`quit`.
fn builtin(
    cat: &Catalog,
    ns: &Namespace,
    words: &[String],
    index: usize,
    typed: Typed,
) -> Result<Outcome> {
    let word = words.get(index).map_or("", String::as_str);
    match word {
        "ls" => print_line(&listing(ns)),
        "?" | "help" => print_line(&namespace_help(ns)),
        ".." => {
            let mut parent = ns.path.clone();
            parent.pop();
            return Ok(Outcome::Enter(parent));
        }
        "/" => return Ok(Outcome::Enter(Vec::new())),
        "exit" | "quit" => return Ok(Outcome::Exit),
        "man" => {
            let target: Vec<String> = ns
                .path
                .iter()
                .chain(words.get(index + 1..).unwrap_or(&[]))
                .cloned()
                .collect();
            if target.len() == ns.path.len() {
                return Err(Error::usage("usage: man COMMAND"));
            }
            match cat.resolve(&target) {
                Resolved::Command(cmd, _) => {
                    print_line(&command_help(cmd, &cat.method(&cmd.method)?))
                }
                Resolved::Namespace(n) => print_line(&namespace_help(n)),
                Resolved::Unknown { namespace, index } => {
                    Err(unknown(namespace, &target, index, typed))
                }
            }
        }
        _ => Err(unknown(ns, words, index, typed)),
    }
    .map(|()| Outcome::Done)
}

/// Where a word that names nothing was typed, for the hints of [`unknown`].
#[derive(Clone, Copy)]
enum Typed {
    /// A midclt command line (argv, `-c`, a fleet's command).
    CommandLine,
    /// A line of midclt's shell, whose current namespace is `base` words deep.
    Shell { base: usize },
}

fn unknown(ns: &Namespace, words: &[String], index: usize, typed: Typed) -> Error {
    let word = words.get(index).map_or("", String::as_str);
    let place = if ns.path.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{}`", ns.path.join(" "))
    };
    let mut e = Error::usage(format!("`{word}` is not a command or namespace in {place}"));
    // The shell takes paths relative to where it is, so its suggestions are too.
    let from = match typed {
        Typed::CommandLine => 0,
        Typed::Shell { base } => base.min(ns.path.len()),
    };
    let names: Vec<&str> = ns.children().map(|(n, _)| n).collect();
    let close = catalog::suggestions(word, names.iter().copied());
    if !close.is_empty() {
        let full: Vec<String> = close
            .iter()
            .map(|c| {
                ns.path[from..]
                    .iter()
                    .map(String::as_str)
                    .chain([*c])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        e = e.hint(format!("did you mean: {}?", full.join(", ")));
    }
    match typed {
        Typed::Shell { .. } => e.hint(
            "`ls` lists what is here, `..` and `/` go up, `help` shows the shell's own commands",
        ),
        Typed::CommandLine => {
            let list = if ns.path.is_empty() {
                "midclt ls".to_string()
            } else {
                format!("midclt {}", ns.path.join(" "))
            };
            e.hint(format!(
                "`{list}` lists what is there; `midclt call METHOD` calls any method directly"
            ))
        }
    }
}

/// `ls`: children sorted by name, `name - description`, names padded (midcli's layout).
pub(crate) fn listing(ns: &Namespace) -> String {
    let mut rows: Vec<(String, String)> = ns
        .children()
        .map(|(name, c)| {
            let d = match c {
                Child::Namespace(n) => n.description.clone().unwrap_or_default(),
                Child::Command(cmd) => cmd.description.clone(),
            };
            (name.to_string(), d)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.dedup_by(|a, b| a.0 == b.0);
    let width = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(n, d)| {
            if d.is_empty() {
                n.clone()
            } else {
                format!("{n:<width$} - {}", d.replace('\n', " "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn namespace_help(ns: &Namespace) -> String {
    let title = if ns.path.is_empty() {
        "midclt".to_string()
    } else {
        format!("midclt {}", ns.path.join(" "))
    };
    let mut s = title.clone();
    if let Some(d) = &ns.description {
        let _ = write!(s, " — {d}");
    }
    s.push_str("\n\n");
    s.push_str(&listing(ns));
    let _ = write!(
        s,
        "\n\nRun `{title} COMMAND --help` for a command's arguments."
    );
    s
}

/// How this command maps its arguments: midcli treats `create`, `update` and `delete`
/// (and job-less `do_`-style calls) differently.
pub(crate) fn mode(cmd: &CommandInfo) -> Mode {
    // midcli's interface override is not the generic update command: it splices at 1
    // but has no `id=` convention and no automatic editor.
    if cmd.cli_key() == "network.interface.update" {
        return Mode::Splice(1);
    }
    match (cmd.service_type, cmd.name()) {
        (ServiceType::Crud, "create") | (ServiceType::Config, "update") => Mode::Splice(0),
        (ServiceType::Crud, "update") => Mode::Update,
        _ => Mode::PositionalKeyword,
    }
}

/// Create/update/delete print nothing on success in midcli (table and csv).
fn output_off(cmd: &CommandInfo) -> bool {
    matches!(
        (cmd.service_type, cmd.name()),
        (ServiceType::Crud, "create" | "update" | "delete") | (ServiceType::Config, "update")
    )
}

fn is_query(cmd: &CommandInfo) -> bool {
    cmd.filterable
}

#[derive(Clone, Copy)]
enum Args<'a> {
    Text(&'a str),
    Words(&'a [String]),
}

/// A prepared call.
pub(crate) struct Call {
    pub method: String,
    pub params: Vec<Value>,
    /// Client-side column selection of a query.
    pub columns: Option<Vec<String>>,
    /// `> FILE`: where the rendered output goes instead of stdout.
    pub output_file: Option<String>,
}

/// A query, and the file of a trailing `> FILE`. `>` is also a comparison, so the file is
/// split off only when the whole text is no valid query and the text before it is.
fn parse_query_to_file(text: &str) -> Result<(query::Query, Option<String>)> {
    let whole = query::parse(text);
    if whole.is_err() {
        if let Some((left, file)) = text.rsplit_once('>') {
            let file = file.trim();
            if !file.is_empty() && !file.contains(char::is_whitespace) {
                if let Ok(q) = query::parse(left) {
                    return Ok((q, Some(file.to_string())));
                }
            }
        }
    }
    whole
        .map(|q| (q, None))
        .map_err(|e| Error::usage(e.to_string()))
}

fn build_call(
    client: &mut Client,
    cmd: &CommandInfo,
    detail: &MethodDetail,
    args: Args<'_>,
    attendance: Attendance,
) -> anyhow::Result<Call> {
    if is_query(cmd) {
        let text = match args {
            Args::Text(t) => t.to_string(),
            Args::Words(w) => w.join(" "),
        };
        let (q, output_file) = parse_query_to_file(&text)?;
        return Ok(Call {
            method: cmd.method.clone(),
            params: vec![Value::Array(q.filters), Value::Object(q.options)],
            columns: q.columns,
            output_file,
        });
    }
    let parsed: ParsedArgs = match args {
        Args::Text(t) => args::parse(t, true),
        Args::Words(w) => args::parse_argv(w),
    }
    .map_err(|e| Error::usage(e.to_string()))?;
    let mode = mode(cmd);
    let nothing_given = parsed.positional.is_empty() && parsed.keywords.is_empty();
    let needs_input = nothing_given
        && detail
            .accepts
            .first()
            .is_some_and(|p| p.get("_required_") == Some(&json!(true)));
    let wants_editor = parsed.interactive
        || (needs_input && std::io::stdin().is_terminal() && std::io::stdout().is_terminal());
    let editor_refused = || {
        Error::usage(format!(
            "`{} --` opens an editor, which the hosts of a fleet cannot share",
            cmd.path.join(" ")
        ))
        .hint("give the arguments on the command line (NAME=VALUE)")
    };
    if parsed.interactive && attendance == Attendance::Unattended {
        return Err(editor_refused().into());
    }
    let params = if wants_editor && attendance == Attendance::Interactive {
        // `update ID --` edits that object, as midcli does.
        let key = match args::map_params(&parsed, &detail.accepts, mode) {
            Ok(Mapped::Editor(key)) if mode == Mode::Update => Some(key),
            _ => None,
        };
        editor::edit(client, cmd, detail, mode, key)?
    } else {
        match args::map_params(&parsed, &detail.accepts, mode).map_err(Error::usage)? {
            Mapped::Params(p) => p,
            Mapped::Editor(_) if attendance == Attendance::Unattended => {
                return Err(editor_refused().into())
            }
            Mapped::Editor(key) => editor::edit(client, cmd, detail, mode, Some(key))?,
        }
    };
    let mut params = interface_aliases(cmd, params)?;
    args::dates::convert(&mut params, &detail.accepts);
    Ok(Call {
        method: cmd.method.clone(),
        params,
        columns: None,
        output_file: parsed.output_file.clone(),
    })
}

/// midcli's `network interface create|update` override: aliases written in CIDR
/// notation become `{"type": "INET"|"INET6", "address": ..., "netmask": N}`.
fn interface_aliases(cmd: &CommandInfo, mut params: Vec<Value>) -> Result<Vec<Value>> {
    let (index, schema) = match cmd.cli_key().as_str() {
        "network.interface.create" => (0, "interface_create"),
        "network.interface.update" => (1, "interface_update"),
        _ => return Ok(params),
    };
    let Some(Value::Array(aliases)) = params.get_mut(index).and_then(|p| p.get_mut("aliases"))
    else {
        return Ok(params);
    };
    for (i, alias) in aliases.iter_mut().enumerate() {
        let Value::String(text) = alias else { continue };
        let Some((address, mask)) = text.split_once('/') else {
            return Err(Error::usage(format!(
                "{schema}.aliases.{i}: Please specify the IP address in CIDR notation"
            )));
        };
        let netmask: u64 = mask
            .parse()
            .map_err(|_| Error::usage(format!("{schema}.aliases.{i}: invalid netmask '{mask}'")))?;
        let kind = if address.contains(':') {
            "INET6"
        } else {
            "INET"
        };
        *alias = json!({"type": kind, "address": address, "netmask": netmask});
    }
    Ok(params)
}

fn execute(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    cmd: &CommandInfo,
    detail: &MethodDetail,
    call: Call,
    flags: &Flags,
) -> Result<()> {
    if let (Some(file), true) = (&call.output_file, detail.downloadable) {
        if flags.dry_run {
            return print_line(&download::dry_run(&call.method, &call.params, file).to_string());
        }
        let saved = download::save(client, reconnect, &call.method, call.params, file)?;
        return print_line(&saved);
    }
    if flags.dry_run {
        return print_line(&dry_run(&call).to_string());
    }
    let output_file = call.output_file.clone();
    let result = perform(
        client,
        reconnect,
        cmd,
        detail,
        call,
        Attendance::Interactive,
    )?;
    let to_terminal = output_file.is_none() && std::io::stdout().is_terminal();
    let default = flags.profile_format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let output = flags.output.output(default, true)?;
    let out = Destination(output_file.as_deref());
    if !output.format.has_columns() {
        // Scripts get the whole result, even where the table view prints nothing.
        return out.rendered(&result, &output);
    }
    // midcli prints only the new key for `auth api_key create`; it forgets it on
    // `update ... reset=true`, which we show too.
    if cmd.method.starts_with("api_key.") && matches!(cmd.name(), "create" | "update") {
        if let Some(k) = result.get("key").and_then(Value::as_str) {
            return out.line(&format!("API Key: {k}"));
        }
    }
    if output_off(cmd) {
        return Ok(());
    }
    out.rendered(&result, &output)
}

/// A job that writes a file, run without `> FILE`: the server's refusal says which pipe
/// is missing; the TrueNAS CLI says what to type.
fn needs_file(e: Error, detail: &MethodDetail) -> Error {
    if detail.downloadable && e.message.contains("Pipe 'output' is not open") {
        return e.hint("this command writes a file: end the line with `> FILE`");
    }
    e
}

/// What `--dry-run` shows instead of making the call.
fn dry_run(call: &Call) -> Value {
    json!({"method": call.method, "params": call.params})
}

/// Make the call (following a job to its end) and keep the selected columns, which are
/// the answer in every format. Attended, a job shows a progress bar on a terminal and
/// Ctrl-C detaches from it.
fn perform(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    cmd: &CommandInfo,
    detail: &MethodDetail,
    call: Call,
    attendance: Attendance,
) -> Result<Value> {
    let result = if detail.job || cmd.job {
        let attended = attendance == Attendance::Interactive;
        if attended {
            // Ctrl-C then detaches from the job (or asks), instead of leaving it unnamed.
            crate::interrupt::catch();
        }
        let mut progress: Box<dyn jobs::Progress> = if attended && std::io::stderr().is_terminal() {
            Box::new(crate::render::progress::Bar::new())
        } else {
            Box::new(jobs::Silent)
        };
        jobs::run_reconnecting(
            client,
            reconnect,
            &call.method,
            call.params,
            progress.as_mut(),
        )
        .map_err(|e| needs_file(e, detail))?
    } else {
        client.call(&call.method, call.params)?
    };
    Ok(match &call.columns {
        Some(cols) => query::select_columns(&result, cols),
        None => result,
    })
}

/// Where a command's output goes: stdout, or the file named by `> FILE`.
struct Destination<'a>(Option<&'a str>);

impl Destination<'_> {
    fn line(&self, text: &str) -> Result<()> {
        match self.0 {
            None => print_line(text),
            Some(path) => write_file(path, &format!("{text}\n")),
        }
    }

    fn rendered(&self, value: &Value, output: &Output) -> Result<()> {
        match self.0 {
            None => output.print(value),
            Some(path) => write_file(path, &output.file_text(value)),
        }
    }
}

fn write_file(path: &str, text: &str) -> Result<()> {
    crate::transfer::write_file(std::path::Path::new(path), text)
}

/// `COMMAND --help`: the method's description and arguments from its schema.
pub(crate) fn command_help(cmd: &CommandInfo, detail: &MethodDetail) -> String {
    let mut s = format!("midclt {}  (method {})\n", cmd.path.join(" "), cmd.method);
    if let Some(d) = detail
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        s.push('\n');
        s.push_str(d.trim_end());
        s.push('\n');
    } else if !cmd.description.is_empty() {
        let _ = write!(s, "\n{}\n", cmd.description);
    }
    if detail.job {
        s.push_str("\nThis is a job: progress is shown while it runs.\n");
    }
    if is_query(cmd) {
        let _ = write!(s, "\nUsage: midclt {} [COLUMN,...|*] [WHERE CONDITION] [ORDER BY FIELD [DESC]] [LIMIT N] [OFFSET N]\n",
            cmd.path.join(" "));
        s.push_str("  CONDITION: Python-style, e.g. uid > 1000 and username.startswith('a')\n");
        return s;
    }
    let rows = argument_rows(detail, mode(cmd));
    if rows.is_empty() {
        s.push_str("\nNo arguments.\n");
    } else {
        s.push_str("\nArguments:\n");
        let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let tw = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        for (name, ty, desc) in &rows {
            let line = format!("  {name:<w$}  {ty:<tw$}  {desc}");
            s.push_str(line.trim_end());
            s.push('\n');
        }
    }
    let usage: Vec<String> = rows
        .iter()
        .map(|(n, ty, _)| {
            if ty.contains("required") {
                format!("{n}=VALUE")
            } else {
                format!("[{n}=VALUE]")
            }
        })
        .collect();
    let _ = write!(
        s,
        "\nUsage: midclt {} {}\n",
        cmd.path.join(" "),
        usage.join(" ")
    );
    s.push_str(
        "Values: JSON (\"text\", 1, true, null, [..], {..}), bare words, or comma lists (a,b,c).\n",
    );
    s.push_str("Add -- to edit the arguments in $EDITOR.");
    s
}

/// `(name, "type, required|default X", description)` for each argument a user types.
pub(crate) fn argument_rows(detail: &MethodDetail, mode: Mode) -> Vec<(String, String, String)> {
    let row = |s: &Value| -> (String, String, String) {
        let name = s
            .get("_name_")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut ty = type_name(s);
        if s.get("_required_") == Some(&json!(true)) {
            ty.push_str(", required");
        } else if let Some(d) = s.get("default") {
            let _ = write!(ty, ", default {}", crate::py::json::dumps(d));
        }
        let desc = s
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .replace('\n', " ");
        (name, ty, desc)
    };
    let props = |s: &Value| -> Vec<(String, String, String)> {
        let order: Vec<String> = s
            .get("_attrs_order_")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        order
            .iter()
            .filter_map(|k| s.get("properties")?.get(k))
            .map(row)
            .collect()
    };
    match mode {
        Mode::Splice(i) => {
            let mut out: Vec<_> = detail.accepts.iter().take(i).map(row).collect();
            if let Some(obj) = detail.accepts.get(i) {
                out.extend(props(obj));
            }
            out
        }
        Mode::Update => {
            let mut out: Vec<_> = detail.accepts.iter().take(1).map(row).collect();
            if let Some(obj) = detail.accepts.get(1) {
                out.extend(props(obj));
            }
            out
        }
        Mode::PositionalKeyword => detail.accepts.iter().map(row).collect(),
    }
}

/// A short human name of a schema's type.
pub(crate) fn type_name(s: &Value) -> String {
    if let Some(Value::Array(options)) = s.get("anyOf").or_else(|| s.get("oneOf")) {
        let mut names: Vec<String> = options.iter().map(type_name).collect();
        names.dedup();
        return names.join(" or ");
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        let v: Vec<String> = values.iter().map(crate::py::json::dumps).collect();
        return format!("one of {}", v.join(", "));
    }
    if s.get("const").is_some() {
        return format!("constant {}", crate::py::json::dumps(&s["const"]));
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") if s.get("format") == Some(&json!("date-time")) => "datetime".into(),
        Some("array") => match s.get("items").and_then(|i| i.get(0)) {
            Some(item) if item.as_object().is_some_and(|o| !o.is_empty()) => {
                format!("list of {}", type_name(item))
            }
            _ => "list".into(),
        },
        Some("null") => "null".into(),
        Some(t) => t.to_string(),
        None => "any".into(),
    }
}
