
use builtin;
use str;

set edit:completion:arg-completer[midclt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'midclt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'midclt'= {
            cand -u 'Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT] meaning wss://HOST/api/current [default: the local middleware socket]'
            cand --uri 'Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT] meaning wss://HOST/api/current [default: the local middleware socket]'
            cand -p 'Connection profile from the config file (`midclt config path`) [default: the profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run on each host in parallel, printing one JSON line per host'
            cand --profile 'Connection profile from the config file (`midclt config path`) [default: the profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run on each host in parallel, printing one JSON line per host'
            cand --inventory 'A fleet from an Ansible inventory (INI or YAML; `-` reads stdin): its hosts, with the variables midclt_uri, midclt_profile, midclt_username, ... or ansible_host'
            cand --limit 'With --inventory, only these hosts: group or host names separated by `,` or `:`; `*` and `?` match like shell wildcards, `&NAME` keeps only hosts also in NAME, `!NAME` leaves NAME''s hosts out'
            cand --parallel 'How many hosts of a fleet are worked on at once'
            cand -U 'User to log in as (with a password, or as the owner of the -K API key)'
            cand --username 'User to log in as (with a password, or as the owner of the -K API key)'
            cand -P 'Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the prompt: argv is visible to other users'
            cand --password 'Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the prompt: argv is visible to other users'
            cand --password-file 'Read the password from the first line of FILE'
            cand -K 'API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner'
            cand --api-key 'API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner'
            cand --token 'Session token from `auth.generate_token` (or `midclt token`)'
            cand --otp 'One-time password for two-factor accounts (else asked on the terminal)'
            cand -t 'Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)'
            cand --timeout 'Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)'
            cand --connect-timeout 'Timeout for connecting and the WebSocket/TLS handshakes, in seconds'
            cand --pin 'Accept exactly the server certificate with this fingerprint (sha256:HEX), self-signed included, and no other; no CA store is used. `midclt trust HOST` records one for good'
            cand --ca-cert 'Trust this PEM certificate (e.g. the NAS''s self-signed one) in addition to the system store'
            cand -c 'Run one TrueNAS CLI command line, parsed as the TrueNAS CLI''s prompt would (like `cli -c`), e.g. -c ''auth api_key create name=ci username=root'''
            cand --command 'Run one TrueNAS CLI command line, parsed as the TrueNAS CLI''s prompt would (like `cli -c`), e.g. -c ''auth api_key create name=ci username=root'''
            cand --bool-style 'How `call` prints a boolean result: json (true/false) or python (True/False, as the official midclt prints it, for scripts that compare with ''True'')'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --insecure 'Do not verify the server''s TLS certificate'
            cand --plain 'Send the API key itself (API_KEY_PLAIN) instead of SCRAM; required before TrueNAS 26.0'
            cand --no-channel-binding 'SCRAM without TLS channel binding (needed over plain ws://)'
            cand -v 'Print the wire traffic to stderr (secrets are redacted)'
            cand --verbose 'Print the wire traffic to stderr (secrets are redacted)'
            cand --no-session 'Connect directly even when a session agent (`midclt session start`) serves this server and user; MIDCLT_NO_SESSION=1 does the same'
            cand --dry-run 'Print the call a TrueNAS CLI command would make ({"method": ..., "params": [...]}) instead of making it'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand call 'Call a middleware method and print its result'
            cand batch 'Run many calls from a file or stdin over one connection, one JSON result line each'
            cand ping 'Check that the middleware answers (core.ping)'
            cand waitready 'Wait until the middleware answers (for boot scripts), at most -t SECONDS'
            cand subscribe 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed'
            cand token 'Print a new session token (auth.generate_token) for scripts'
            cand job 'Jobs on the server: list, show, wait for, logs, abort'
            cand session 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop'
            cand key 'Work with API key files'
            cand complete 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network'
            cand completions 'Print the shell completion script for SHELL (see README for where to put it)'
            cand doctor 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step'
            cand config 'Named connection profiles: list, show, set, unset, path'
            cand trust 'Show a server''s TLS certificate and trust exactly that one from now on (like ssh''s known_hosts); --list shows the trusted servers, --remove forgets one'
            cand mock-server 'Run the built-in TrueNAS API emulator'
            cand cache 'Manage the cached method catalogues of TrueNAS CLI commands'
            cand render 'Render a JSON value from stdin as a command result would be rendered'
            cand shell 'The TrueNAS CLI''s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'midclt;call'= {
            cand --job-print 'How to show job progress on stderr (also `-jp`)'
            cand --download 'Run METHOD, a job that produces a file, through core.download and save the file as FILE (`-`: write it to stdout, which must not be a terminal)'
            cand --upload 'Send FILE to METHOD, a job that takes a file (config.upload, filesystem.put, ...), through POST /_upload (`-`: stdin, redirected from a file)'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand -q 'Print only the error''s one-line message (no traceback, no extra data)'
            cand --quiet 'Print only the error''s one-line message (no traceback, no extra data)'
            cand -j 'The method is a job: wait for it to finish and print its result'
            cand --job 'The method is a job: wait for it to finish and print its result'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'midclt;batch'= {
            cand --in-flight 'Calls (and running jobs) in flight at once. The server takes 20 calls of a connection in flight at most and refuses more; refused calls are sent again and the number adapts'
            cand --unordered 'Write each result as soon as it is known instead of in input order'
            cand --fail-fast 'Send nothing more after the first failed line (calls already sent are still followed and written; with --in-flight 1 no line after the failed one runs)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;ping'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;waitready'= {
            cand -t 'Give up (exit 6) after SECONDS'
            cand --timeout 'Give up (exit 6) after SECONDS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;subscribe'= {
            cand -n 'Exit after N events'
            cand --number 'Exit after N events'
            cand -t 'Exit with status 6 when no event arrives within SECONDS (total)'
            cand --timeout 'Exit with status 6 when no event arrives within SECONDS (total)'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;token'= {
            cand --ttl 'Token lifetime in seconds (refreshed while the token''s session is used)'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --single-use 'The token may be used only once'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;job'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'The server''s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)'
            cand show 'One job, whole (result unredacted)'
            cand wait 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)'
            cand logs 'Print a job''s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does'
            cand abort 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end'
        }
        &'midclt;job;list'= {
            cand --state 'Only jobs in this state: WAITING, RUNNING, SUCCESS, FAILED or ABORTED'
            cand --method 'Only jobs of this method (e.g. pool.scrub.run)'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;job;show'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;job;wait'= {
            cand --job-print 'How to show progress on stderr'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'midclt;job;logs'= {
            cand -f 'Keep printing what the job adds to its log until it ends'
            cand --follow 'Keep printing what the job adds to its log until it ends'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;job;abort'= {
            cand --wait 'Wait until the job has ended'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;session'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand start 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle'
            cand status 'List this user''s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)'
            cand stop 'Stop the agent of the selected server and user (-u or -p, -U), or all of them'
            cand serve 'The agent process itself, which `session start` runs (reads its settings on stdin)'
        }
        &'midclt;session;start'= {
            cand --idle 'Exit after SECONDS in which no command used the agent (0: never)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;session;status'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;session;stop'= {
            cand --all 'Stop every agent of this user'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;session;serve'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;key'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand precompute 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)'
        }
        &'midclt;key;precompute'= {
            cand -o 'Where to write the key file (JSON)'
            cand --output 'Where to write the key file (JSON)'
            cand --force 'Replace FILE if it exists'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;complete'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;doctor'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --json 'A machine-readable report (one JSON object); the same as -o json'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;config'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'The profile names'
            cand show 'One profile''s settings (secrets hidden)'
            cand set 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)'
            cand unset 'Remove a setting'
            cand path 'Print the config file''s path'
        }
        &'midclt;config;list'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;config;show'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;config;set'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;config;unset'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;config;path'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;trust'= {
            cand --remove 'Forget a trusted server'
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand -y 'Record the certificate without asking (check the fingerprint first)'
            cand --yes 'Record the certificate without asking (check the fingerprint first)'
            cand --list 'List the trusted servers and their fingerprints'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;mock-server'= {
            cand --listen 'Where to listen: ws://ADDR:PORT, wss://ADDR:PORT, ws+unix:///PATH (repeatable; port 0 picks a free port). Each listener serves /api/current, /api/vX.Y.Z and /websocket'
            cand --tls-cert 'PEM certificate for wss:// (default: a fresh self-signed one for localhost)'
            cand --tls-key 'PEM private key (PKCS#8) for --tls-cert'
            cand --write-cert 'Write the certificate in use (PEM) to FILE, e.g. for --ca-cert'
            cand --password 'Password of the emulated `root` and `admin` accounts'
            cand --scram-iterations 'PBKDF2 iterations for new API keys'' SCRAM data (the real server uses 500000)'
            cand --catalog 'Serve this recorded `core.get_methods` answer (JSON) as the method catalogue'
            cand --services 'Serve this recorded `core.get_services` answer (JSON) with --catalog'
            cand --server-version 'What system.version answers (e.g. to match a served catalogue)'
            cand --loopback-is-remote 'Treat TCP clients on loopback as remote (insecure transport), as a NAS sees clients on the network; plain API keys sent over ws:// then get revoked'
            cand --no-unix-auth 'Do not authenticate UNIX-socket clients automatically as root'
            cand --no-rate-limit 'Do not rate-limit unauthenticated calls (the server allows 20 per minute per method and client address)'
            cand --legacy-only 'Emulate TrueNAS 24.10 and earlier: only the legacy /websocket protocol, no auth.login_ex (logins use auth.login / auth.login_with_api_key)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;cache'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand clear 'Remove every cached catalogue (they are rebuilt on the next command)'
            cand path 'Print the cache directory'
        }
        &'midclt;cache;clear'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;cache;path'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;render'= {
            cand -o 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --output 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]'
            cand --select 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`'
            cand --pretty 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;shell'= {
            cand --keep-going 'In a script, carry on after a failed line; the exit code is the first failure''s'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'midclt;help'= {
            cand call 'Call a middleware method and print its result'
            cand batch 'Run many calls from a file or stdin over one connection, one JSON result line each'
            cand ping 'Check that the middleware answers (core.ping)'
            cand waitready 'Wait until the middleware answers (for boot scripts), at most -t SECONDS'
            cand subscribe 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed'
            cand token 'Print a new session token (auth.generate_token) for scripts'
            cand job 'Jobs on the server: list, show, wait for, logs, abort'
            cand session 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop'
            cand key 'Work with API key files'
            cand complete 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network'
            cand completions 'Print the shell completion script for SHELL (see README for where to put it)'
            cand doctor 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step'
            cand config 'Named connection profiles: list, show, set, unset, path'
            cand trust 'Show a server''s TLS certificate and trust exactly that one from now on (like ssh''s known_hosts); --list shows the trusted servers, --remove forgets one'
            cand mock-server 'Run the built-in TrueNAS API emulator'
            cand cache 'Manage the cached method catalogues of TrueNAS CLI commands'
            cand render 'Render a JSON value from stdin as a command result would be rendered'
            cand shell 'The TrueNAS CLI''s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'midclt;help;call'= {
        }
        &'midclt;help;batch'= {
        }
        &'midclt;help;ping'= {
        }
        &'midclt;help;waitready'= {
        }
        &'midclt;help;subscribe'= {
        }
        &'midclt;help;token'= {
        }
        &'midclt;help;job'= {
            cand list 'The server''s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)'
            cand show 'One job, whole (result unredacted)'
            cand wait 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)'
            cand logs 'Print a job''s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does'
            cand abort 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end'
        }
        &'midclt;help;job;list'= {
        }
        &'midclt;help;job;show'= {
        }
        &'midclt;help;job;wait'= {
        }
        &'midclt;help;job;logs'= {
        }
        &'midclt;help;job;abort'= {
        }
        &'midclt;help;session'= {
            cand start 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle'
            cand status 'List this user''s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)'
            cand stop 'Stop the agent of the selected server and user (-u or -p, -U), or all of them'
            cand serve 'The agent process itself, which `session start` runs (reads its settings on stdin)'
        }
        &'midclt;help;session;start'= {
        }
        &'midclt;help;session;status'= {
        }
        &'midclt;help;session;stop'= {
        }
        &'midclt;help;session;serve'= {
        }
        &'midclt;help;key'= {
            cand precompute 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)'
        }
        &'midclt;help;key;precompute'= {
        }
        &'midclt;help;complete'= {
        }
        &'midclt;help;completions'= {
        }
        &'midclt;help;doctor'= {
        }
        &'midclt;help;config'= {
            cand list 'The profile names'
            cand show 'One profile''s settings (secrets hidden)'
            cand set 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)'
            cand unset 'Remove a setting'
            cand path 'Print the config file''s path'
        }
        &'midclt;help;config;list'= {
        }
        &'midclt;help;config;show'= {
        }
        &'midclt;help;config;set'= {
        }
        &'midclt;help;config;unset'= {
        }
        &'midclt;help;config;path'= {
        }
        &'midclt;help;trust'= {
        }
        &'midclt;help;mock-server'= {
        }
        &'midclt;help;cache'= {
            cand clear 'Remove every cached catalogue (they are rebuilt on the next command)'
            cand path 'Print the cache directory'
        }
        &'midclt;help;cache;clear'= {
        }
        &'midclt;help;cache;path'= {
        }
        &'midclt;help;render'= {
        }
        &'midclt;help;shell'= {
        }
        &'midclt;help;help'= {
        }
    ]
    $completions[$command]
}
