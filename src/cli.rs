//! The command-line model. One clap definition generates `--help`, the man pages and
//! the shell completions (see `tests/generated_assets.rs`).

// The doc comments here are the user's help text, not rustdoc: plain words and URLs.
#![allow(clippy::doc_markdown)]
#![allow(rustdoc::bare_urls)]

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The emulated accounts' password unless `--password` says otherwise.
pub(crate) const DEFAULT_MOCK_PASSWORD: &str = "truenas";

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 the server reported an error, 2 usage error, 3 connection failed,
4 TLS failure, 5 login failed, 6 timeout, 7 local input/output failure, 8 some lines of a
batch failed, 130 Ctrl-C.

TrueNAS CLI commands: any other first word starts a command path from the server's
catalogue, e.g. `midclt auth api_key query`, `midclt ls` (the namespaces), `midclt help
auth api_key` (or `midclt auth api_key --help`), `midclt -c 'LINE'`; `midclt shell` (or
`midclt` alone on a terminal) stays connected and navigates like the TrueNAS CLI.

Examples:
  midclt call system.info
  midclt -u mock:// call api_key.query '[[\"name\", \"^\", \"ci\"]]' '{\"select\": [\"id\", \"name\"]}'
  midclt -u wss://nas.example.com -U admin --password-file ~/.nas-pass call -j core.bulk core.ping '[[], []]'
  midclt subscribe -n 1 core.get_jobs";

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
    /// profile named `default`, if there is one]
    #[arg(
        short = 'p',
        long = "profile",
        value_name = "NAME",
        env = "MIDCLT_PROFILE"
    )]
    pub profile: Option<String>,

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

    /// Run one TrueNAS CLI command line, parsed as the TrueNAS CLI's prompt would
    /// (like `cli -c`), e.g. -c 'auth api_key create name=ci username=root'
    #[arg(short = 'c', long = "command", value_name = "LINE")]
    pub command_line: Option<String>,

    /// Output of TrueNAS CLI commands and `render`: table, csv, json or yaml
    /// [default: table on a terminal, json when piped]
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

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
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Call a middleware method and print its result
    Call(CallArgs),
    /// Run many calls from a file or stdin over one connection, one JSON result line each
    Batch(BatchArgs),
    /// Check that the middleware answers (core.ping)
    Ping,
    /// Wait until the middleware answers (for boot scripts), at most -t SECONDS
    Waitready(WaitreadyArgs),
    /// Print events of a subscription, one JSON object per line
    Subscribe(SubscribeArgs),
    /// Print a new session token (auth.generate_token) for scripts
    Token(TokenArgs),
    /// Jobs on the server: list, show, wait for, abort
    #[command(subcommand)]
    Job(JobCommand),
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
    /// table, csv, json or yaml [default: table on a terminal, json when piped]
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,
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
An ARG of `-` reads one JSON value (or text) from stdin."
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
    /// Method name, e.g. system.info
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// Positional parameters (JSON, else string; `-` reads stdin)
    #[arg(value_name = "ARGS", allow_negative_numbers = true)]
    pub args: Vec<String>,
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
    /// followed and written)
    #[arg(long = "fail-fast")]
    pub fail_fast: bool,
    /// Calls (and running jobs) in flight at once. The server runs 20 calls of a connection
    /// at most and refuses more; refused calls are sent again and the number adapts
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

Exit codes: 0 every line succeeded (or there was none), 8 some lines failed, 1 every
line failed; 3 the connection was lost for good (lines not sent get no result line),
2 usage, 5 login, 7 writing the results failed, 130 Ctrl-C.";

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
    /// Event name (core.get_jobs, alert.list, ...), an event source with a JSON argument
    /// (reporting.realtime:{"interval": 2}), or `*`
    #[arg(value_name = "EVENT")]
    pub event: String,
}

#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub(crate) enum ConfigCommand {
    /// The profile names
    List,
    /// One profile's settings (secrets hidden)
    Show {
        /// Profile name
        name: String,
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
    /// A machine-readable report (one JSON object)
    #[arg(long = "json")]
    pub json: bool,
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
    },
    /// Follow a running job to its end, with progress, and print its result as `call -j`
    /// does (reconnecting if the connection drops)
    Wait(JobWaitArgs),
    /// Ask the server to abort a job (core.job_abort); --wait also waits for it to end
    Abort {
        /// The job's id
        id: i64,
        /// Wait until the job has ended
        #[arg(long = "wait")]
        wait: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct JobListArgs {
    /// Only jobs in this state: WAITING, RUNNING, SUCCESS, FAILED or ABORTED
    #[arg(long = "state", value_name = "STATE", ignore_case = true, value_parser = ["WAITING", "RUNNING", "SUCCESS", "FAILED", "ABORTED"])]
    pub state: Option<String>,
    /// Only jobs of this method (e.g. pool.scrub.run)
    #[arg(long = "method", value_name = "METHOD")]
    pub method: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct JobWaitArgs {
    /// The job's id
    pub id: i64,
    /// How to show progress on stderr
    #[arg(long = "job-print", value_name = "MODE", value_enum, default_value_t = JobPrint::Progressbar)]
    pub job_print: JobPrint,
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

/// The sections of `midclt(1)` that are not about options: what the environment, files and
/// exit codes mean, and the TrueNAS CLI commands (roff, appended by the page generator).
#[allow(dead_code)]
pub(crate) const MAN_SECTIONS: &str = r#".SH "TRUENAS CLI COMMANDS"
Any first word that is not a midclt subcommand starts a TrueNAS CLI command path, built
from the server's own method catalogue (cached per server and user):
.B midclt auth api_key create name=ci username=admin\fR,
.B midclt auth api_key query\fR,
.B midclt \-c \(aqLINE\(aq
(one line, exactly as the TrueNAS CLI prompt parses it). A namespace alone lists its
commands;
.B COMMAND \-\-help
shows a command's arguments.
.PP
Queries take
.B [COLUMN,...|*] [WHERE CONDITION] [ORDER BY FIELD [ASC|DESC] [NULLS FIRST|NULLS LAST]] [LIMIT N] [OFFSET N]\fR,
where CONDITION is a Python expression: ==, !=, <, <=, >, >=, in, not in, and, or, not,
and the methods .match(), .startswith(), .endswith(). Quote it for the shell
(\(aqWHERE uid > 1000\(aq: an unquoted > is a redirection).
.SH "EXIT STATUS"
.TP
0
success
.TP
1
the server reported an error (method or validation error, unknown method, failed job)
.TP
2
usage error: bad options or arguments, unreadable key or password file, a refused unsafe request
.TP
3
connection failed, or the connection broke
.TP
4
TLS failure: certificate not trusted, changed, or not the pinned one
.TP
5
login failed
.TP
6
timeout
.TP
7
local input/output failure (writing output, a key file, the editor)
.TP
8
batch: some lines failed and some succeeded (1: every line failed)
.TP
130
interrupted by Ctrl\-C while waiting for a call or a job (a job goes on running; its id is printed)
.SH "INTERACTIVE SHELL"
.B midclt shell
(or
.B midclt
alone on a terminal) keeps one logged\-in connection and reads TrueNAS CLI command lines:
a namespace's name enters it, .. goes up, / to the top, ls lists, man COMMAND explains,
exit or Ctrl\-D leaves; Tab completes. With standard input not a terminal it runs one
command line per line and stops at the first failure (\-\-keep\-going carries on).
.SH ENVIRONMENT
.TP
.B MIDCLT_URI\fR, \fBMIDCLT_USERNAME
as \-\-uri and \-U
.TP
.B MIDCLT_PASSWORD
the password (instead of \-P)
.TP
.B MIDCLT_API_KEY\fR, \fBMIDCLT_API_KEY_FILE
an API key, or the path of a key file (instead of \-K)
.TP
.B MIDCLT_TOKEN
a session token (instead of \-\-token)
.TP
.B MIDCLT_OTP
a one\-time password for two\-factor accounts
.TP
.B MIDCLT_PROFILE
the profile to use (as \-p)
.TP
.B MIDCLT_CONFIG
the config file (profiles)
.TP
.B MIDCLT_KNOWN_HOSTS
the file of trusted server certificates
.TP
.B MIDCLT_CACHE_DIR
the catalogue cache directory
.TP
.B MIDCLT_HISTORY
the interactive shell's history file
.TP
.B MIDCLT_BOOL_STYLE
python: print top\-level boolean results of call as True/False
.TP
.B MIDCLT_NO_ARGV_WARNING
1: no warning about secrets given on the command line
.TP
.B MIDCLT_MOCK_PASSWORD
the password of the emulator's accounts (mock\-server)
.TP
.B MIDCLT_REQUIRE_SHARED
1: tests that replay recorded server data fail instead of skipping when it is absent
.TP
.B CALL_TIMEOUT
the default per\-call timeout in seconds (60), as for the official client
.TP
.B XDG_CONFIG_HOME\fR, \fBXDG_DATA_HOME\fR, \fBXDG_CACHE_HOME\fR, \fBXDG_STATE_HOME\fR, \fBHOME
where the files below live
.TP
.B SSL_CERT_FILE\fR, \fBSSL_CERT_DIR
OpenSSL's trust store
.SH FILES
.TP
.I $XDG_CONFIG_HOME/midclt/config.toml
profiles (~/.config/midclt/config.toml), mode 0600
.TP
.I $XDG_DATA_HOME/midclt/known_hosts
servers trusted with midclt trust (~/.local/share/midclt/known_hosts), mode 0600
.TP
.I $XDG_STATE_HOME/midclt/history
the interactive shell's history (~/.local/state/midclt/history), mode 0600; lines that may
hold a secret (password, key, token, ...) are never written
.TP
.I $XDG_CACHE_HOME/midclt/
cached method catalogues (~/.cache/midclt/, or a per\-user directory in the temporary
directory), directories 0700, files 0600
"#;

/// Appended to clap's bash script: outside options, words come from `midclt complete`,
/// which knows the server's namespaces, methods and arguments (from its cached catalogue).
#[allow(dead_code)]
pub(crate) const BASH_DYNAMIC: &str = r#"
_midclt_dynamic() {
    # Words from the line itself: bash's own split breaks URIs at ':'.
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -ra words <<< "$line"
    [[ "$line" == *" " ]] && words+=("")
    local n=${#words[@]}
    local cur="${words[n-1]}" prev="${words[n-2]}"
    if [[ "$cur" != -* && "$prev" != -* ]]; then
        local IFS=$'\n'
        COMPREPLY=($(midclt complete -- "${words[@]:1}" 2>/dev/null))
        if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
            [[ "${COMPREPLY[0]}" == *= ]] && compopt -o nospace 2>/dev/null
            return 0
        fi
    fi
    _midclt "$@"
}
complete -F _midclt_dynamic -o bashdefault -o default midclt
"#;

/// Appended to clap's zsh script, for the same reason as [`BASH_DYNAMIC`].
#[allow(dead_code)]
pub(crate) const ZSH_DYNAMIC: &str = r#"
_midclt_dynamic() {
    if [[ "${words[CURRENT]}" != -* && "${words[CURRENT-1]}" != -* ]]; then
        local -a found
        found=("${(@f)$(midclt complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
        found=(${found:#})
        if (( ${#found} )); then
            compadd -Q -S '' -- "${found[@]}"
            return 0
        fi
    fi
    _midclt "$@"
}
compdef _midclt_dynamic midclt
"#;
