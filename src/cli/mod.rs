//! The command-line model. One clap definition generates `--help`, the man pages and
//! the shell completions (see `tests/generated_assets.rs`).

// The doc comments here are the user's help text, not rustdoc: plain words and URLs.
#![allow(clippy::doc_markdown)]
#![allow(rustdoc::bare_urls)]

mod pages;

pub(crate) use pages::{BASH_DYNAMIC, FISH_DYNAMIC, ZSH_DYNAMIC};
// Only the page generator (tests/generated_assets.rs, which includes this file) reads it.
#[allow(unused_imports)]
pub(crate) use pages::MAN_SECTIONS;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The emulated accounts' password unless `--password` says otherwise.
pub(crate) const DEFAULT_MOCK_PASSWORD: &str = "truenas";

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 the server reported an error, 2 usage error, 3 connection failed,
4 TLS failure, 5 login failed, 6 timeout, 7 local input/output failure, 130 Ctrl-C; for a
fleet or a batch 8 some hosts or lines failed, 9 all failed.

TrueNAS CLI commands: any other first word starts a command path from the server's
catalogue, e.g. `midclt auth api_key query`, `midclt ls` (the namespaces), `midclt help
auth api_key` (or `midclt auth api_key --help`), `midclt -c 'LINE'`; `midclt shell` (or
`midclt` alone on a terminal) stays connected and navigates like the TrueNAS CLI.

Examples:
  midclt call system.info
  midclt -u mock:// call api_key.query '[[\"name\", \"^\", \"ci\"]]' '{\"select\": [\"id\", \"name\"]}'
  midclt -u wss://nas.example.com -U admin --password-file ~/.nas-pass call -j core.bulk core.ping '[[], []]'
  midclt subscribe -n 1 core.get_jobs
  midclt call --download debug.tgz system.debug
  midclt call --upload backup.tar config.upload
  midclt -p nas1,nas2,nas3 call system.info   # a fleet: a JSON line per host
  midclt --inventory hosts.yml --limit lab -o table ping";

/// A fast, safe client for the TrueNAS middleware API (compatible with midclt).
#[derive(Debug, Parser)]
#[command(
    name = "midclt",
    version,
    about,
    after_help = AFTER_HELP,
    allow_external_subcommands = true
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct GlobalArgs {
    /// Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy
    /// protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT]
    /// meaning wss://HOST/api/current [default: the local middleware socket]
    #[arg(short = 'u', long = "uri", value_name = "URI", env = "MIDCLT_URI")]
    pub uri: Option<String>,

    /// Connection profile from the config file (`midclt config path`) [default: the
    /// profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of
    /// them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run
    /// on each host in parallel, printing one JSON line per host
    #[arg(
        short = 'p',
        long = "profile",
        value_name = "NAME[,NAME...]",
        env = "MIDCLT_PROFILE"
    )]
    pub profile: Option<String>,

    /// A fleet from an Ansible inventory (INI or YAML; `-` reads stdin): its hosts, with
    /// the variables midclt_uri, midclt_profile, midclt_username, ... or ansible_host
    #[arg(long = "inventory", value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// With --inventory, only these hosts: group or host names separated by `,` or `:`;
    /// `*` and `?` match like shell wildcards, `&NAME` keeps only hosts also in NAME,
    /// `!NAME` leaves NAME's hosts out
    #[arg(long = "limit", value_name = "PATTERN", requires = "inventory")]
    pub limit: Option<String>,

    /// How many hosts of a fleet are worked on at once
    #[arg(
        long = "parallel",
        value_name = "N",
        default_value_t = 8,
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub parallel: u16,

    /// --uri came from MIDCLT_URI, not the command line (a fleet ignores it).
    #[arg(skip)]
    pub uri_from_env: bool,

    /// -p came from MIDCLT_PROFILE, not the command line (--inventory ignores it).
    #[arg(skip)]
    pub profile_from_env: bool,

    /// User to log in as (with a password, or as the owner of the -K API key)
    #[arg(
        short = 'U',
        long = "username",
        value_name = "USER",
        env = "MIDCLT_USERNAME"
    )]
    pub username: Option<String>,

    /// Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the
    /// prompt: argv is visible to other users
    #[arg(short = 'P', long = "password", value_name = "PASSWORD")]
    pub password: Option<String>,

    /// Read the password from the first line of FILE
    #[arg(
        long = "password-file",
        value_name = "FILE",
        conflicts_with = "password"
    )]
    pub password_file: Option<PathBuf>,

    /// API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner
    #[arg(short = 'K', long = "api-key", value_name = "KEY|FILE")]
    pub api_key: Option<String>,

    /// Session token from `auth.generate_token` (or `midclt token`)
    #[arg(long = "token", value_name = "TOKEN")]
    pub token: Option<String>,

    /// One-time password for two-factor accounts (else asked on the terminal)
    #[arg(long = "otp", value_name = "CODE")]
    pub otp: Option<String>,

    /// Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)
    #[arg(short = 't', long = "timeout", value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// Timeout for connecting and the WebSocket/TLS handshakes, in seconds
    #[arg(long = "connect-timeout", value_name = "SECONDS", default_value_t = 10)]
    pub connect_timeout: u64,

    /// Do not verify the server's TLS certificate
    #[arg(long = "insecure")]
    pub insecure: bool,

    /// Accept exactly the server certificate with this fingerprint (sha256:HEX), self-signed
    /// included, and no other; no CA store is used. `midclt trust HOST` records one for good
    #[arg(long = "pin", value_name = "sha256:HEX", conflicts_with_all = ["insecure", "ca_cert"])]
    pub pin: Option<String>,

    /// Trust this PEM certificate (e.g. the NAS's self-signed one) in addition to the system store
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Send the API key itself (API_KEY_PLAIN) instead of SCRAM; required before TrueNAS 26.0
    #[arg(long = "plain")]
    pub plain: bool,

    /// SCRAM without TLS channel binding (needed over plain ws://)
    #[arg(long = "no-channel-binding")]
    pub no_channel_binding: bool,

    /// Print the wire traffic to stderr (secrets are redacted)
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// Connect directly even when a session agent (`midclt session start`) serves this
    /// server and user; MIDCLT_NO_SESSION=1 does the same
    #[arg(long = "no-session")]
    pub no_session: bool,

    /// Run one TrueNAS CLI command line, parsed as the TrueNAS CLI's prompt would
    /// (like `cli -c`), e.g. -c 'auth api_key create name=ci username=root'
    #[arg(short = 'c', long = "command", value_name = "LINE")]
    pub command_line: Option<String>,

    /// How `call` prints a boolean result: json (true/false) or python (True/False, as the
    /// official midclt prints it, for scripts that compare with 'True')
    #[arg(
        long = "bool-style",
        value_name = "STYLE",
        value_enum,
        env = "MIDCLT_BOOL_STYLE",
        default_value_t = BoolStyle::Json
    )]
    pub bool_style: BoolStyle,

    /// Print the call a TrueNAS CLI command would make ({"method": ..., "params": [...]})
    /// instead of making it
    #[arg(long = "dry-run")]
    pub dry_run: bool,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// How a command prints its result; accepted before the subcommand (for every command) and
/// after it (for the commands that print a result).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Output")]
pub(crate) struct OutputArgs {
    /// Output format: table, csv, json, jsonl (one compact JSON value per line, a list's
    /// elements on lines of their own), yaml, or raw (strings bare, other values as one line
    /// of JSON, a list one element per line) [default: for `call`, midclt's own output;
    /// for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for
    /// a fleet, table on a terminal and jsonl when piped]
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

    /// Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands
    /// and `render`; midclt's own commands (call, subscribe, doctor, ...) print it on one line
    #[arg(long = "pretty")]
    pub pretty: bool,

    /// Keep only these fields of the result (of each object in a list), in this order;
    /// `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep
    /// the nesting; table and CSV columns are named `a.b`
    #[arg(long = "select", value_name = "FIELD,...")]
    pub select: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Call a middleware method and print its result
    Call(CallArgs),
    /// Run many calls from a file or stdin over one connection, one JSON result line each
    Batch(BatchArgs),
    /// Check that the middleware answers (core.ping)
    Ping(OutputOnly),
    /// Wait until the middleware answers (for boot scripts), at most -t SECONDS
    Waitready(WaitreadyArgs),
    /// Print events of one or more subscriptions, one JSON object per line; a dropped
    /// connection is opened again and the subscriptions renewed
    Subscribe(SubscribeArgs),
    /// Print a new session token (auth.generate_token) for scripts
    Token(TokenArgs),
    /// Jobs on the server: list, show, wait for, logs, abort
    #[command(subcommand)]
    Job(JobCommand),
    /// Keep one logged-in connection in a background agent that later commands for the
    /// same server and user go through (no TLS handshake, no login): start, status, stop
    #[command(subcommand)]
    Session(SessionCommand),
    /// Work with API key files
    #[command(subcommand)]
    Key(KeyCommand),
    /// Completion candidates for WORDS (the last one being typed) from the cached catalogue
    /// of the selected server, one per line; no network
    Complete {
        /// The words after `midclt` and its options
        #[arg(last = true, allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Print the shell completion script for SHELL (see README for where to put it)
    Completions {
        /// bash, zsh, fish, powershell or elvish
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say
    /// how to fix the first failing step
    Doctor(DoctorArgs),
    /// Named connection profiles: list, show, set, unset, path
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Show a server's TLS certificate and trust exactly that one from now on (like ssh's
    /// known_hosts); --list shows the trusted servers, --remove forgets one
    Trust(TrustArgs),
    /// Run the built-in TrueNAS API emulator
    MockServer(MockServerArgs),
    /// Manage the cached method catalogues of TrueNAS CLI commands
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Render a JSON value from stdin as a command result would be rendered
    Render(RenderArgs),
    /// The TrueNAS CLI's interactive shell over one connection (also `midclt` with no
    /// command on a terminal); with stdin not a terminal, runs its lines as a script
    Shell(ShellArgs),
    /// A TrueNAS CLI command path: `midclt auth api_key query`, `midclt account user create ...`
    #[command(external_subcommand)]
    External(Vec<String>),
}

impl Command {
    /// The subcommand's name as typed.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Command::Call(_) => "call",
            Command::Batch(_) => "batch",
            Command::Ping(_) => "ping",
            Command::Waitready(_) => "waitready",
            Command::Subscribe(_) => "subscribe",
            Command::Token(_) => "token",
            Command::Job(_) => "job",
            Command::Session(_) => "session",
            Command::Key(_) => "key",
            Command::Complete { .. } => "complete",
            Command::Completions { .. } => "completions",
            Command::Doctor(_) => "doctor",
            Command::Config(_) => "config",
            Command::Trust(_) => "trust",
            Command::MockServer(_) => "mock-server",
            Command::Cache(_) => "cache",
            Command::Render(_) => "render",
            Command::Shell(_) => "shell",
            Command::External(_) => "",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Inside: a namespace's name enters it, `..` goes up, `/` to the top, `ls` lists, `man
COMMAND` explains, `help` lists the built-ins, `exit` or Ctrl-D leaves. Tab completes
namespaces, commands, argument names and values. Ctrl-C cancels the line being typed, or
the running call; for a running job it asks whether to abort it or leave it running.
History: $XDG_STATE_HOME/midclt/history (lines that may hold secrets are not kept).

As a script: `midclt shell < commands.txt` runs one command line per line (blank lines
and lines starting with # are skipped), stopping at the first failure with its exit code.")]
pub(crate) struct ShellArgs {
    /// In a script, carry on after a failed line; the exit code is the first failure's
    #[arg(long = "keep-going")]
    pub keep_going: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    #[command(flatten)]
    pub out: OutputArgs,
}

/// A command whose only options are the output options.
#[derive(Debug, Args)]
pub(crate) struct OutputOnly {
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum CacheCommand {
    /// Remove every cached catalogue (they are rebuilt on the next command)
    Clear,
    /// Print the cache directory
    Path,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Each ARG is sent as JSON when it parses as JSON, else as a string.\n\
An ARG of `-` reads one JSON value (or text) from stdin.\n\n\
Files: --download FILE runs a job that produces a file (core.download, then GET\n\
/_download/ID) and saves it: written to a temporary file beside FILE (mode 0600) and\n\
renamed to FILE only when the job succeeded. --upload FILE sends FILE to a job that\n\
takes one (POST /_upload, e.g. config.upload) with a single-use token of this login.\n\
Both use the connection's server, TLS trust and login, and imply -j."
)]
pub(crate) struct CallArgs {
    /// Print only the error's one-line message (no traceback, no extra data)
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// The method is a job: wait for it to finish and print its result
    #[arg(short = 'j', long = "job")]
    pub job: bool,
    /// How to show job progress on stderr (also `-jp`)
    #[arg(long = "job-print", value_name = "MODE", value_enum, default_value_t = JobPrint::Progressbar)]
    pub job_print: JobPrint,
    /// Run METHOD, a job that produces a file, through core.download and save the file
    /// as FILE (`-`: write it to stdout, which must not be a terminal)
    #[arg(long = "download", value_name = "FILE", conflicts_with = "upload")]
    pub download: Option<PathBuf>,
    /// Send FILE to METHOD, a job that takes a file (config.upload, filesystem.put, ...),
    /// through POST /_upload (`-`: stdin, redirected from a file)
    #[arg(long = "upload", value_name = "FILE")]
    pub upload: Option<PathBuf>,
    /// Method name, e.g. system.info
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// Positional parameters (JSON, else string; `-` reads stdin)
    #[arg(value_name = "ARGS", allow_negative_numbers = true)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
#[command(after_help = BATCH_HELP)]
pub(crate) struct BatchArgs {
    /// The requests, one a line [default: stdin]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Write each result as soon as it is known instead of in input order
    #[arg(long = "unordered")]
    pub unordered: bool,
    /// Send nothing more after the first failed line (calls already sent are still
    /// followed and written; with --in-flight 1 no line after the failed one runs)
    #[arg(long = "fail-fast")]
    pub fail_fast: bool,
    /// Calls (and running jobs) in flight at once. The server takes 20 calls of a connection
    /// in flight at most and refuses more; refused calls are sent again and the number adapts
    #[arg(
        long = "in-flight",
        value_name = "N",
        default_value_t = 20,
        value_parser = clap::value_parser!(u16).range(1..=1000)
    )]
    pub in_flight: u16,
}

const BATCH_HELP: &str = "\
Input, one request a line (blank lines and lines starting with # are skipped):
  {\"method\": \"pool.query\", \"params\": [[]], \"id\": \"any JSON\", \"job\": false}
  METHOD ARG...            each ARG JSON else a string, split and quoted as in sh
  -j METHOD ARG...         a job: follow it and report its result
Output, one JSON line a request (the id is the line's own, else its line number):
  {\"id\": ID, \"result\": ...}
  {\"id\": ID, \"error\": {\"code\": C, \"errname\": E, \"message\": M, \"extra\": X}}
  (job lines also carry \"job_id\"; code is null when midclt gave up on the line itself:
  malformed, -t timeout, connection lost)
Each call has -t SECONDS (default 60) for its answer; a job's run is not bounded. A dropped
connection is opened again: calls awaiting an answer are reported failed (never sent twice),
running jobs are followed on, the rest is sent on the new connection.

Exit codes: 0 every line succeeded (or there was none), 8 some lines failed, 9 every
line failed; 3 the connection was lost for good (lines not sent get no result line),
2 usage, 5 login, 7 reading the input or writing the results failed, 130 Ctrl-C.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum BoolStyle {
    /// true / false
    #[default]
    Json,
    /// True / False
    Python,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum JobPrint {
    /// A progress bar with percent and description (only when stderr is a terminal)
    Progressbar,
    /// Each new progress description on its own line (suits logs)
    Description,
}

#[derive(Debug, Args)]
pub(crate) struct SubscribeArgs {
    /// Exit after N events
    #[arg(short = 'n', long = "number", value_name = "N")]
    pub number: Option<u64>,
    /// Exit with status 6 when no event arrives within SECONDS (total)
    #[arg(short = 't', long = "timeout", value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Event names (core.get_jobs, alert.list, ...), event sources with a JSON-object
    /// argument (reporting.realtime:{"interval": 2}), or `*`; events of all of them are
    /// printed as they come
    #[arg(value_name = "EVENT", required = true)]
    pub events: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum ConfigCommand {
    /// The profile names
    List(OutputOnly),
    /// One profile's settings (secrets hidden)
    Show {
        /// Profile name
        name: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout,
    /// output, channel_binding, plain, protocol (secrets themselves are never written)
    Set {
        /// Profile name (created if new)
        name: String,
        /// Setting
        key: String,
        /// Value
        value: String,
    },
    /// Remove a setting
    Unset {
        /// Profile name
        name: String,
        /// Setting
        key: String,
    },
    /// Print the config file's path
    Path,
}

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// A machine-readable report (one JSON object); the same as -o json
    #[arg(long = "json")]
    pub json: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// HOST, HOST:PORT or wss://HOST[:PORT] (port 443 unless given)
    #[arg(
        value_name = "HOST[:PORT]",
        required_unless_present_any = ["list", "remove"],
        conflicts_with_all = ["list", "remove"]
    )]
    pub target: Option<String>,
    /// Record the certificate without asking (check the fingerprint first)
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
    /// List the trusted servers and their fingerprints
    #[arg(long = "list", conflicts_with = "remove")]
    pub list: bool,
    /// Forget a trusted server
    #[arg(long = "remove", value_name = "HOST[:PORT]")]
    pub remove: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WaitreadyArgs {
    /// Give up (exit 6) after SECONDS
    #[arg(
        short = 't',
        long = "timeout",
        value_name = "SECONDS",
        default_value_t = 300
    )]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Token lifetime in seconds (refreshed while the token's session is used)
    #[arg(long = "ttl", value_name = "SECONDS", default_value_t = 600)]
    pub ttl: u64,
    /// The token may be used only once
    #[arg(long = "single-use")]
    pub single_use: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum JobCommand {
    /// The server's jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)
    List(JobListArgs),
    /// One job, whole (result unredacted)
    Show {
        /// The job's id
        id: i64,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Follow a running job to its end, with progress, and print its result as `call -j`
    /// does (reconnecting if the connection drops)
    Wait(JobWaitArgs),
    /// Print a job's log (core.job_download_logs); --follow prints it as it grows until
    /// the job ends, and exits as `job wait` does
    Logs {
        /// The job's id
        id: i64,
        /// Keep printing what the job adds to its log until it ends
        #[arg(short = 'f', long = "follow")]
        follow: bool,
    },
    /// Ask the server to abort a job (core.job_abort); --wait also waits for it to end
    Abort {
        /// The job's id
        id: i64,
        /// Wait until the job has ended
        #[arg(long = "wait")]
        wait: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum SessionCommand {
    /// Start an agent for the selected server and user (-u or -p, and the credentials as
    /// for any command), logged in once; later commands with the same server and user
    /// go through it until it is stopped or idle
    #[command(after_help = "\
The agent listens on a socket in $XDG_RUNTIME_DIR/midclt (else /tmp/midclt-UID), a
directory only this user may enter; it serves only this user (and root), checked by the
kernel's peer credentials. The credentials reach it over a pipe: never argv, the
environment or the disk. If the server drops the connection, the agent logs in again.
`midclt --no-session ...` (or MIDCLT_NO_SESSION=1) connects directly instead.")]
    Start(SessionStartArgs),
    /// List this user's running agents: server, user, process id, idle time, calls relayed
    /// (a table on a terminal, JSON otherwise; -o to choose)
    Status,
    /// Stop the agent of the selected server and user (-u or -p, -U), or all of them
    Stop {
        /// Stop every agent of this user
        #[arg(long = "all")]
        all: bool,
    },
    /// The agent process itself, which `session start` runs (reads its settings on stdin)
    #[command(hide = true)]
    Serve,
}

#[derive(Debug, Args)]
pub(crate) struct SessionStartArgs {
    /// Exit after SECONDS in which no command used the agent (0: never)
    #[arg(long = "idle", value_name = "SECONDS", default_value_t = 900)]
    pub idle: u64,
}

#[derive(Debug, Args)]
pub(crate) struct JobListArgs {
    /// Only jobs in this state: WAITING, RUNNING, SUCCESS, FAILED or ABORTED
    #[arg(long = "state", value_name = "STATE", ignore_case = true, value_parser = ["WAITING", "RUNNING", "SUCCESS", "FAILED", "ABORTED"])]
    pub state: Option<String>,
    /// Only jobs of this method (e.g. pool.scrub.run)
    #[arg(long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct JobWaitArgs {
    /// The job's id
    pub id: i64,
    /// How to show progress on stderr
    #[arg(long = "job-print", value_name = "MODE", value_enum, default_value_t = JobPrint::Progressbar)]
    pub job_print: JobPrint,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum KeyCommand {
    /// Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)
    Precompute(PrecomputeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PrecomputeArgs {
    /// Where to write the key file (JSON)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace FILE if it exists
    #[arg(long = "force")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MockServerArgs {
    /// Where to listen: ws://ADDR:PORT, wss://ADDR:PORT, ws+unix:///PATH (repeatable;
    /// port 0 picks a free port). Each listener serves /api/current, /api/vX.Y.Z and /websocket
    #[arg(long = "listen", value_name = "URI", action = ArgAction::Append, default_value = "ws://127.0.0.1:6000")]
    pub listen: Vec<String>,
    /// PEM certificate for wss:// (default: a fresh self-signed one for localhost)
    #[arg(long = "tls-cert", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8) for --tls-cert
    #[arg(long = "tls-key", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Write the certificate in use (PEM) to FILE, e.g. for --ca-cert
    #[arg(long = "write-cert", value_name = "FILE")]
    pub write_cert: Option<PathBuf>,
    /// Password of the emulated `root` and `admin` accounts
    #[arg(
        long = "password",
        value_name = "PASSWORD",
        default_value = DEFAULT_MOCK_PASSWORD,
        env = "MIDCLT_MOCK_PASSWORD"
    )]
    pub password: String,
    /// Treat TCP clients on loopback as remote (insecure transport), as a NAS sees
    /// clients on the network; plain API keys sent over ws:// then get revoked
    #[arg(long = "loopback-is-remote")]
    pub loopback_is_remote: bool,
    /// PBKDF2 iterations for new API keys' SCRAM data (the real server uses 500000)
    #[arg(long = "scram-iterations", value_name = "N", default_value_t = 500_000)]
    pub scram_iterations: u32,
    /// Do not authenticate UNIX-socket clients automatically as root
    #[arg(long = "no-unix-auth")]
    pub no_unix_auth: bool,
    /// Do not rate-limit unauthenticated calls (the server allows 20 per minute per
    /// method and client address)
    #[arg(long = "no-rate-limit")]
    pub no_rate_limit: bool,
    /// Emulate TrueNAS 24.10 and earlier: only the legacy /websocket protocol, no
    /// auth.login_ex (logins use auth.login / auth.login_with_api_key)
    #[arg(long = "legacy-only")]
    pub legacy_only: bool,
    /// Serve this recorded `core.get_methods` answer (JSON) as the method catalogue
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Serve this recorded `core.get_services` answer (JSON) with --catalog
    #[arg(long = "services", value_name = "FILE", requires = "catalog")]
    pub services: Option<PathBuf>,
    /// What system.version answers (e.g. to match a served catalogue)
    #[arg(long = "server-version", value_name = "VERSION")]
    pub server_version: Option<String>,
}

/// `ARGS... help WORDS...` as `ARGS... WORDS... --help` when WORDS are not midclt's own
/// subcommands (they are a TrueNAS CLI path); `None` when there is no such `help`.
pub(crate) fn help_as_flag(args: &[std::ffi::OsString]) -> Option<Vec<std::ffi::OsString>> {
    use clap::CommandFactory as _;
    let at = args.iter().skip(1).position(|a| a == "help")? + 1;
    let next = args.get(at + 1)?.to_str()?;
    if Cli::command().find_subcommand(next).is_some() {
        return None;
    }
    let mut out: Vec<std::ffi::OsString> = args.to_vec();
    out.remove(at);
    out.push("--help".into());
    Some(out)
}

/// The official midclt spells `--job-print` as `-jp`, which clap cannot express as a
/// short option; translate it before parsing.
pub(crate) fn normalize_args<I: IntoIterator<Item = std::ffi::OsString>>(
    args: I,
) -> Vec<std::ffi::OsString> {
    let mut after_dashdash = false;
    args.into_iter()
        .map(|a| {
            if a == "--" {
                after_dashdash = true;
            }
            if !after_dashdash && a == "-jp" {
                "--job-print".into()
            } else {
                a
            }
        })
        .collect()
}
