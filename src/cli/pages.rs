//! Text the generators append to what clap writes: the man page's sections beyond the
//! options, and the shell functions that complete from the server's catalogue.

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
the server reported an error (method or validation error, unknown method, failed job, a
refused file transfer: HTTP 404, 410, upload errors)
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
login failed, or a file transfer's token was refused (HTTP 401, 403)
.TP
6
timeout
.TP
7
local input/output failure (writing output, a downloaded file, reading a file to upload, a
key file, the editor)
.TP
8
a fleet or a batch: some hosts or lines succeeded, some failed (each host's or line's
output says how)
.TP
9
a fleet or a batch: no host or line succeeded
.TP
130
interrupted by Ctrl\-C while waiting for a call or a job (a job goes on running; its id is
printed), or during a file transfer (the partial file is removed, the job aborted)
.SH FLEETS
.B \-p a,b,c\fR,
.B \-p GROUP
(a group of profiles in the config file:
.B [groups]
with
.BR "lab = [\(dqa\(dq, \(dqb\(dq]" )
or
.B \-\-inventory FILE
(an Ansible inventory, INI or YAML, narrowed with
.BR "\-\-limit PATTERN" )
run
.BR call ,
.B ping
or a TrueNAS CLI command on every host,
.B \-\-parallel N
at a time (8), each with its own connection, credentials and timeouts; nobody is asked
for a password. Each host gives one JSON line as it finishes:
.B {\(dqhost\(dq: NAME, \(dqresult\(dq: ...}
or
.B {\(dqhost\(dq: NAME, \(dqerror\(dq: {\(dqkind\(dq: ..., \(dqexit_code\(dq: N, \(dqmessage\(dq: ..., \(dqhints\(dq: [...]}}\fR;
that is
.B \-o jsonl\fR,
the default when standard output is not a terminal;
.B \-o table
(the default on a terminal), csv, json and yaml print all hosts at the end, in the order
named, tables with a host column. An inventory host reads the variables midclt_profile, midclt_uri, midclt_username,
midclt_password_file, midclt_api_key_file, midclt_timeout (every profile setting as
midclt_SETTING, secrets excepted) and ansible_host (the address when no uri is given:
wss://ADDRESS/api/current). MIDCLT_URI does not apply to a fleet, and \-u is refused.
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
the profile to use (as \-p; a,b,c or a group makes a fleet)
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
.B MIDCLT_NO_SESSION
1: connect directly, never through a session agent (as \-\-no\-session)
.TP
.B XDG_RUNTIME_DIR
where session agents listen (in its midclt directory; else /tmp/midclt\-UID)
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
.B NO_COLOR
set to anything but the empty string: no colour (progress bar, help, errors)
.TP
.B COLUMNS
the terminal width that wide tables are fitted to (default: the terminal's own)
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
.TP
.I $XDG_RUNTIME_DIR/midclt/*.sock
session agents' sockets (midclt session start; /tmp/midclt\-UID/ without XDG_RUNTIME_DIR),
directory 0700, sockets 0600; no secret is ever written
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

/// Appended to clap's fish script: words from the server's catalogue (namespaces, commands,
/// methods after `call`, argument names and values) from `midclt complete`, which reads
/// only its cache.
#[allow(dead_code)]
pub(crate) const FISH_DYNAMIC: &str = r#"
function __midclt_dynamic
    set -l words (commandline -opc)
    set -e words[1]
    midclt complete -- $words (commandline -ct) 2>/dev/null
end
complete -c midclt -f -n 'not string match -q -- "-*" (commandline -ct)' -a '(__midclt_dynamic)'
"#;
