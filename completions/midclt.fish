# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_midclt_global_optspecs
    string join \n u/uri= p/profile= inventory= limit= parallel= U/username= P/password= password-file= K/api-key= token= otp= t/timeout= connect-timeout= insecure pin= ca-cert= plain no-channel-binding v/verbose no-session c/command= bool-style= dry-run o/output= pretty select= h/help V/version
end

function __fish_midclt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_midclt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_midclt_using_subcommand
    set -l cmd (__fish_midclt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c midclt -n "__fish_midclt_needs_command" -s u -l uri -d 'Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT] meaning wss://HOST/api/current [default: the local middleware socket]' -r
complete -c midclt -n "__fish_midclt_needs_command" -s p -l profile -d 'Connection profile from the config file (`midclt config path`) [default: the profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run on each host in parallel, printing one JSON line per host' -r
complete -c midclt -n "__fish_midclt_needs_command" -l inventory -d 'A fleet from an Ansible inventory (INI or YAML; `-` reads stdin): its hosts, with the variables midclt_uri, midclt_profile, midclt_username, ... or ansible_host' -r -F
complete -c midclt -n "__fish_midclt_needs_command" -l limit -d 'With --inventory, only these hosts: group or host names separated by `,` or `:`; `*` and `?` match like shell wildcards, `&NAME` keeps only hosts also in NAME, `!NAME` leaves NAME\'s hosts out' -r
complete -c midclt -n "__fish_midclt_needs_command" -l parallel -d 'How many hosts of a fleet are worked on at once' -r
complete -c midclt -n "__fish_midclt_needs_command" -s U -l username -d 'User to log in as (with a password, or as the owner of the -K API key)' -r
complete -c midclt -n "__fish_midclt_needs_command" -s P -l password -d 'Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the prompt: argv is visible to other users' -r
complete -c midclt -n "__fish_midclt_needs_command" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c midclt -n "__fish_midclt_needs_command" -s K -l api-key -d 'API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner' -r
complete -c midclt -n "__fish_midclt_needs_command" -l token -d 'Session token from `auth.generate_token` (or `midclt token`)' -r
complete -c midclt -n "__fish_midclt_needs_command" -l otp -d 'One-time password for two-factor accounts (else asked on the terminal)' -r
complete -c midclt -n "__fish_midclt_needs_command" -s t -l timeout -d 'Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)' -r
complete -c midclt -n "__fish_midclt_needs_command" -l connect-timeout -d 'Timeout for connecting and the WebSocket/TLS handshakes, in seconds' -r
complete -c midclt -n "__fish_midclt_needs_command" -l pin -d 'Accept exactly the server certificate with this fingerprint (sha256:HEX), self-signed included, and no other; no CA store is used. `midclt trust HOST` records one for good' -r
complete -c midclt -n "__fish_midclt_needs_command" -l ca-cert -d 'Trust this PEM certificate (e.g. the NAS\'s self-signed one) in addition to the system store' -r -F
complete -c midclt -n "__fish_midclt_needs_command" -s c -l command -d 'Run one TrueNAS CLI command line, parsed as the TrueNAS CLI\'s prompt would (like `cli -c`), e.g. -c \'auth api_key create name=ci username=root\'' -r
complete -c midclt -n "__fish_midclt_needs_command" -l bool-style -d 'How `call` prints a boolean result: json (true/false) or python (True/False, as the official midclt prints it, for scripts that compare with \'True\')' -r -f -a "json\t'true / false'
python\t'True / False'"
complete -c midclt -n "__fish_midclt_needs_command" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_needs_command" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_needs_command" -l insecure -d 'Do not verify the server\'s TLS certificate'
complete -c midclt -n "__fish_midclt_needs_command" -l plain -d 'Send the API key itself (API_KEY_PLAIN) instead of SCRAM; required before TrueNAS 26.0'
complete -c midclt -n "__fish_midclt_needs_command" -l no-channel-binding -d 'SCRAM without TLS channel binding (needed over plain ws://)'
complete -c midclt -n "__fish_midclt_needs_command" -s v -l verbose -d 'Print the wire traffic to stderr (secrets are redacted)'
complete -c midclt -n "__fish_midclt_needs_command" -l no-session -d 'Connect directly even when a session agent (`midclt session start`) serves this server and user; MIDCLT_NO_SESSION=1 does the same'
complete -c midclt -n "__fish_midclt_needs_command" -l dry-run -d 'Print the call a TrueNAS CLI command would make ({"method": ..., "params": [...]}) instead of making it'
complete -c midclt -n "__fish_midclt_needs_command" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c midclt -n "__fish_midclt_needs_command" -s V -l version -d 'Print version'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "call" -d 'Call a middleware method and print its result'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "batch" -d 'Run many calls from a file or stdin over one connection, one JSON result line each'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "ping" -d 'Check that the middleware answers (core.ping)'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "waitready" -d 'Wait until the middleware answers (for boot scripts), at most -t SECONDS'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "subscribe" -d 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "token" -d 'Print a new session token (auth.generate_token) for scripts'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "job" -d 'Jobs on the server: list, show, wait for, logs, abort'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "session" -d 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "key" -d 'Work with API key files'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "complete" -d 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "completions" -d 'Print the shell completion script for SHELL (see README for where to put it)'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "doctor" -d 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "config" -d 'Named connection profiles: list, show, set, unset, path'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "trust" -d 'Show a server\'s TLS certificate and trust exactly that one from now on (like ssh\'s known_hosts); --list shows the trusted servers, --remove forgets one'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "mock-server" -d 'Run the built-in TrueNAS API emulator'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "cache" -d 'Manage the cached method catalogues of TrueNAS CLI commands'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "render" -d 'Render a JSON value from stdin as a command result would be rendered'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "shell" -d 'The TrueNAS CLI\'s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script'
complete -c midclt -n "__fish_midclt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c midclt -n "__fish_midclt_using_subcommand call" -l job-print -d 'How to show job progress on stderr (also `-jp`)' -r -f -a "progressbar\t'A progress bar with percent and description (only when stderr is a terminal)'
description\t'Each new progress description on its own line (suits logs)'"
complete -c midclt -n "__fish_midclt_using_subcommand call" -l download -d 'Run METHOD, a job that produces a file, through core.download and save the file as FILE (`-`: write it to stdout, which must not be a terminal)' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand call" -l upload -d 'Send FILE to METHOD, a job that takes a file (config.upload, filesystem.put, ...), through POST /_upload (`-`: stdin, redirected from a file)' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand call" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand call" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand call" -s q -l quiet -d 'Print only the error\'s one-line message (no traceback, no extra data)'
complete -c midclt -n "__fish_midclt_using_subcommand call" -s j -l job -d 'The method is a job: wait for it to finish and print its result'
complete -c midclt -n "__fish_midclt_using_subcommand call" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand call" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c midclt -n "__fish_midclt_using_subcommand batch" -l in-flight -d 'Calls (and running jobs) in flight at once. The server takes 20 calls of a connection in flight at most and refuses more; refused calls are sent again and the number adapts' -r
complete -c midclt -n "__fish_midclt_using_subcommand batch" -l unordered -d 'Write each result as soon as it is known instead of in input order'
complete -c midclt -n "__fish_midclt_using_subcommand batch" -l fail-fast -d 'Send nothing more after the first failed line (calls already sent are still followed and written; with --in-flight 1 no line after the failed one runs)'
complete -c midclt -n "__fish_midclt_using_subcommand batch" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand ping" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand ping" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand ping" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand ping" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand waitready" -s t -l timeout -d 'Give up (exit 6) after SECONDS' -r
complete -c midclt -n "__fish_midclt_using_subcommand waitready" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -s n -l number -d 'Exit after N events' -r
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -s t -l timeout -d 'Exit with status 6 when no event arrives within SECONDS (total)' -r
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand subscribe" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand token" -l ttl -d 'Token lifetime in seconds (refreshed while the token\'s session is used)' -r
complete -c midclt -n "__fish_midclt_using_subcommand token" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand token" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand token" -l single-use -d 'The token may be used only once'
complete -c midclt -n "__fish_midclt_using_subcommand token" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand token" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -f -a "list" -d 'The server\'s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -f -a "show" -d 'One job, whole (result unredacted)'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -f -a "wait" -d 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -f -a "logs" -d 'Print a job\'s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does'
complete -c midclt -n "__fish_midclt_using_subcommand job; and not __fish_seen_subcommand_from list show wait logs abort" -f -a "abort" -d 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -l state -d 'Only jobs in this state: WAITING, RUNNING, SUCCESS, FAILED or ABORTED' -r -f -a "WAITING\t''
RUNNING\t''
SUCCESS\t''
FAILED\t''
ABORTED\t''"
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -l method -d 'Only jobs of this method (e.g. pool.scrub.run)' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from show" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from show" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from wait" -l job-print -d 'How to show progress on stderr' -r -f -a "progressbar\t'A progress bar with percent and description (only when stderr is a terminal)'
description\t'Each new progress description on its own line (suits logs)'"
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from wait" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from wait" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from wait" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Keep printing what the job adds to its log until it ends'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from abort" -l wait -d 'Wait until the job has ended'
complete -c midclt -n "__fish_midclt_using_subcommand job; and __fish_seen_subcommand_from abort" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand session; and not __fish_seen_subcommand_from start status stop serve" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand session; and not __fish_seen_subcommand_from start status stop serve" -f -a "start" -d 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle'
complete -c midclt -n "__fish_midclt_using_subcommand session; and not __fish_seen_subcommand_from start status stop serve" -f -a "status" -d 'List this user\'s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)'
complete -c midclt -n "__fish_midclt_using_subcommand session; and not __fish_seen_subcommand_from start status stop serve" -f -a "stop" -d 'Stop the agent of the selected server and user (-u or -p, -U), or all of them'
complete -c midclt -n "__fish_midclt_using_subcommand session; and not __fish_seen_subcommand_from start status stop serve" -f -a "serve" -d 'The agent process itself, which `session start` runs (reads its settings on stdin)'
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from start" -l idle -d 'Exit after SECONDS in which no command used the agent (0: never)' -r
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from stop" -l all -d 'Stop every agent of this user'
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand session; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand key; and not __fish_seen_subcommand_from precompute" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand key; and not __fish_seen_subcommand_from precompute" -f -a "precompute" -d 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)'
complete -c midclt -n "__fish_midclt_using_subcommand key; and __fish_seen_subcommand_from precompute" -s o -l output -d 'Where to write the key file (JSON)' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand key; and __fish_seen_subcommand_from precompute" -l force -d 'Replace FILE if it exists'
complete -c midclt -n "__fish_midclt_using_subcommand key; and __fish_seen_subcommand_from precompute" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand complete" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand completions" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand doctor" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand doctor" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand doctor" -l json -d 'A machine-readable report (one JSON object); the same as -o json'
complete -c midclt -n "__fish_midclt_using_subcommand doctor" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -f -a "list" -d 'The profile names'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -f -a "show" -d 'One profile\'s settings (secrets hidden)'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -f -a "set" -d 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -f -a "unset" -d 'Remove a setting'
complete -c midclt -n "__fish_midclt_using_subcommand config; and not __fish_seen_subcommand_from list show set unset path" -f -a "path" -d 'Print the config file\'s path'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from list" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from list" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from show" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from show" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand trust" -l remove -d 'Forget a trusted server' -r
complete -c midclt -n "__fish_midclt_using_subcommand trust" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand trust" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand trust" -s y -l yes -d 'Record the certificate without asking (check the fingerprint first)'
complete -c midclt -n "__fish_midclt_using_subcommand trust" -l list -d 'List the trusted servers and their fingerprints'
complete -c midclt -n "__fish_midclt_using_subcommand trust" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand trust" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l listen -d 'Where to listen: ws://ADDR:PORT, wss://ADDR:PORT, ws+unix:///PATH (repeatable; port 0 picks a free port). Each listener serves /api/current, /api/vX.Y.Z and /websocket' -r
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l tls-cert -d 'PEM certificate for wss:// (default: a fresh self-signed one for localhost)' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l tls-key -d 'PEM private key (PKCS#8) for --tls-cert' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l write-cert -d 'Write the certificate in use (PEM) to FILE, e.g. for --ca-cert' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l password -d 'Password of the emulated `root` and `admin` accounts' -r
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l scram-iterations -d 'PBKDF2 iterations for new API keys\' SCRAM data (the real server uses 500000)' -r
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l catalog -d 'Serve this recorded `core.get_methods` answer (JSON) as the method catalogue' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l services -d 'Serve this recorded `core.get_services` answer (JSON) with --catalog' -r -F
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l server-version -d 'What system.version answers (e.g. to match a served catalogue)' -r
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l loopback-is-remote -d 'Treat TCP clients on loopback as remote (insecure transport), as a NAS sees clients on the network; plain API keys sent over ws:// then get revoked'
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l no-unix-auth -d 'Do not authenticate UNIX-socket clients automatically as root'
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l no-rate-limit -d 'Do not rate-limit unauthenticated calls (the server allows 20 per minute per method and client address)'
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -l legacy-only -d 'Emulate TrueNAS 24.10 and earlier: only the legacy /websocket protocol, no auth.login_ex (logins use auth.login / auth.login_with_api_key)'
complete -c midclt -n "__fish_midclt_using_subcommand mock-server" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand cache; and not __fish_seen_subcommand_from clear path" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand cache; and not __fish_seen_subcommand_from clear path" -f -a "clear" -d 'Remove every cached catalogue (they are rebuilt on the next command)'
complete -c midclt -n "__fish_midclt_using_subcommand cache; and not __fish_seen_subcommand_from clear path" -f -a "path" -d 'Print the cache directory'
complete -c midclt -n "__fish_midclt_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand cache; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand render" -s o -l output -d 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list\'s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt\'s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]' -r
complete -c midclt -n "__fish_midclt_using_subcommand render" -l select -d 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`' -r
complete -c midclt -n "__fish_midclt_using_subcommand render" -l pretty -d 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt\'s own commands (call, subscribe, doctor, ...) print it on one line'
complete -c midclt -n "__fish_midclt_using_subcommand render" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand shell" -l keep-going -d 'In a script, carry on after a failed line; the exit code is the first failure\'s'
complete -c midclt -n "__fish_midclt_using_subcommand shell" -s h -l help -d 'Print help'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "call" -d 'Call a middleware method and print its result'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "batch" -d 'Run many calls from a file or stdin over one connection, one JSON result line each'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "ping" -d 'Check that the middleware answers (core.ping)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "waitready" -d 'Wait until the middleware answers (for boot scripts), at most -t SECONDS'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "subscribe" -d 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "token" -d 'Print a new session token (auth.generate_token) for scripts'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "job" -d 'Jobs on the server: list, show, wait for, logs, abort'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "session" -d 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "key" -d 'Work with API key files'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "complete" -d 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "completions" -d 'Print the shell completion script for SHELL (see README for where to put it)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "doctor" -d 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "config" -d 'Named connection profiles: list, show, set, unset, path'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "trust" -d 'Show a server\'s TLS certificate and trust exactly that one from now on (like ssh\'s known_hosts); --list shows the trusted servers, --remove forgets one'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "mock-server" -d 'Run the built-in TrueNAS API emulator'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "cache" -d 'Manage the cached method catalogues of TrueNAS CLI commands'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "render" -d 'Render a JSON value from stdin as a command result would be rendered'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "shell" -d 'The TrueNAS CLI\'s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script'
complete -c midclt -n "__fish_midclt_using_subcommand help; and not __fish_seen_subcommand_from call batch ping waitready subscribe token job session key complete completions doctor config trust mock-server cache render shell help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "list" -d 'The server\'s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "show" -d 'One job, whole (result unredacted)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "wait" -d 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "logs" -d 'Print a job\'s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "abort" -d 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "start" -d 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "status" -d 'List this user\'s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "stop" -d 'Stop the agent of the selected server and user (-u or -p, -U), or all of them'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "serve" -d 'The agent process itself, which `session start` runs (reads its settings on stdin)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "precompute" -d 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'The profile names'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'One profile\'s settings (secrets hidden)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a setting'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove every cached catalogue (they are rebuilt on the next command)'
complete -c midclt -n "__fish_midclt_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "path" -d 'Print the cache directory'

function __midclt_dynamic
    set -l words (commandline -opc)
    set -e words[1]
    midclt complete -- $words (commandline -ct) 2>/dev/null
end
complete -c midclt -f -n 'not string match -q -- "-*" (commandline -ct)' -a '(__midclt_dynamic)'
