
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'midclt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'midclt'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'midclt' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT] meaning wss://HOST/api/current [default: the local middleware socket]')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'Server to talk to: wss://HOST[:PORT]/api/current, ws://..., .../websocket (legacy protocol), ws+unix:///PATH, mock:// (built-in emulator), or a bare HOST[:PORT] meaning wss://HOST/api/current [default: the local middleware socket]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file (`midclt config path`) [default: the profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run on each host in parallel, printing one JSON line per host')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file (`midclt config path`) [default: the profile named `default`, if there is one]. Several (`-p a,b,c`) or a group of them (`[groups]` in the file) make a fleet: call, ping and TrueNAS CLI commands run on each host in parallel, printing one JSON line per host')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'A fleet from an Ansible inventory (INI or YAML; `-` reads stdin): its hosts, with the variables midclt_uri, midclt_profile, midclt_username, ... or ansible_host')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'With --inventory, only these hosts: group or host names separated by `,` or `:`; `*` and `?` match like shell wildcards, `&NAME` keeps only hosts also in NAME, `!NAME` leaves NAME''s hosts out')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many hosts of a fleet are worked on at once')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User to log in as (with a password, or as the owner of the -K API key)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User to log in as (with a password, or as the owner of the -K API key)')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the prompt: argv is visible to other users')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password; `-` reads it from stdin. Prefer --password-file, MIDCLT_PASSWORD or the prompt: argv is visible to other users')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key (`ID-KEY`) or the path of a key file (raw key, JSON or INI); -U names its owner')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Session token from `auth.generate_token` (or `midclt token`)')
            [CompletionResult]::new('--otp', '--otp', [CompletionResultType]::ParameterName, 'One-time password for two-factor accounts (else asked on the terminal)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout for each call in seconds (0 = the default, 60; env CALL_TIMEOUT)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Timeout for connecting and the WebSocket/TLS handshakes, in seconds')
            [CompletionResult]::new('--pin', '--pin', [CompletionResultType]::ParameterName, 'Accept exactly the server certificate with this fingerprint (sha256:HEX), self-signed included, and no other; no CA store is used. `midclt trust HOST` records one for good')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM certificate (e.g. the NAS''s self-signed one) in addition to the system store')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Run one TrueNAS CLI command line, parsed as the TrueNAS CLI''s prompt would (like `cli -c`), e.g. -c ''auth api_key create name=ci username=root''')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Run one TrueNAS CLI command line, parsed as the TrueNAS CLI''s prompt would (like `cli -c`), e.g. -c ''auth api_key create name=ci username=root''')
            [CompletionResult]::new('--bool-style', '--bool-style', [CompletionResultType]::ParameterName, 'How `call` prints a boolean result: json (true/false) or python (True/False, as the official midclt prints it, for scripts that compare with ''True'')')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Send the API key itself (API_KEY_PLAIN) instead of SCRAM; required before TrueNAS 26.0')
            [CompletionResult]::new('--no-channel-binding', '--no-channel-binding', [CompletionResultType]::ParameterName, 'SCRAM without TLS channel binding (needed over plain ws://)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the wire traffic to stderr (secrets are redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the wire traffic to stderr (secrets are redacted)')
            [CompletionResult]::new('--no-session', '--no-session', [CompletionResultType]::ParameterName, 'Connect directly even when a session agent (`midclt session start`) serves this server and user; MIDCLT_NO_SESSION=1 does the same')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the call a TrueNAS CLI command would make ({"method": ..., "params": [...]}) instead of making it')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Call a middleware method and print its result')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Run many calls from a file or stdin over one connection, one JSON result line each')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Check that the middleware answers (core.ping)')
            [CompletionResult]::new('waitready', 'waitready', [CompletionResultType]::ParameterValue, 'Wait until the middleware answers (for boot scripts), at most -t SECONDS')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a new session token (auth.generate_token) for scripts')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'Jobs on the server: list, show, wait for, logs, abort')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work with API key files')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (see README for where to put it)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Named connection profiles: list, show, set, unset, path')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Show a server''s TLS certificate and trust exactly that one from now on (like ssh''s known_hosts); --list shows the trusted servers, --remove forgets one')
            [CompletionResult]::new('mock-server', 'mock-server', [CompletionResultType]::ParameterValue, 'Run the built-in TrueNAS API emulator')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Manage the cached method catalogues of TrueNAS CLI commands')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render a JSON value from stdin as a command result would be rendered')
            [CompletionResult]::new('shell', 'shell', [CompletionResultType]::ParameterValue, 'The TrueNAS CLI''s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'midclt;call' {
            [CompletionResult]::new('--job-print', '--job-print', [CompletionResultType]::ParameterName, 'How to show job progress on stderr (also `-jp`)')
            [CompletionResult]::new('--download', '--download', [CompletionResultType]::ParameterName, 'Run METHOD, a job that produces a file, through core.download and save the file as FILE (`-`: write it to stdout, which must not be a terminal)')
            [CompletionResult]::new('--upload', '--upload', [CompletionResultType]::ParameterName, 'Send FILE to METHOD, a job that takes a file (config.upload, filesystem.put, ...), through POST /_upload (`-`: stdin, redirected from a file)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the error''s one-line message (no traceback, no extra data)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the error''s one-line message (no traceback, no extra data)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'The method is a job: wait for it to finish and print its result')
            [CompletionResult]::new('--job', '--job', [CompletionResultType]::ParameterName, 'The method is a job: wait for it to finish and print its result')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'midclt;batch' {
            [CompletionResult]::new('--in-flight', '--in-flight', [CompletionResultType]::ParameterName, 'Calls (and running jobs) in flight at once. The server takes 20 calls of a connection in flight at most and refuses more; refused calls are sent again and the number adapts')
            [CompletionResult]::new('--unordered', '--unordered', [CompletionResultType]::ParameterName, 'Write each result as soon as it is known instead of in input order')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Send nothing more after the first failed line (calls already sent are still followed and written; with --in-flight 1 no line after the failed one runs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;ping' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;waitready' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up (exit 6) after SECONDS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (exit 6) after SECONDS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;subscribe' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Exit after N events')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'Exit after N events')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Exit with status 6 when no event arrives within SECONDS (total)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit with status 6 when no event arrives within SECONDS (total)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;token' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime in seconds (refreshed while the token''s session is used)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--single-use', '--single-use', [CompletionResultType]::ParameterName, 'The token may be used only once')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;job' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The server''s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One job, whole (result unredacted)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a job''s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end')
            break
        }
        'midclt;job;list' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only jobs in this state: WAITING, RUNNING, SUCCESS, FAILED or ABORTED')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only jobs of this method (e.g. pool.scrub.run)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;job;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;job;wait' {
            [CompletionResult]::new('--job-print', '--job-print', [CompletionResultType]::ParameterName, 'How to show progress on stderr')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'midclt;job;logs' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing what the job adds to its log until it ends')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing what the job adds to its log until it ends')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;job;abort' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the job has ended')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;session' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List this user''s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent of the selected server and user (-u or -p, -U), or all of them')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The agent process itself, which `session start` runs (reads its settings on stdin)')
            break
        }
        'midclt;session;start' {
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Exit after SECONDS in which no command used the agent (0: never)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;session;status' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;session;stop' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Stop every agent of this user')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;session;serve' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;key' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('precompute', 'precompute', [CompletionResultType]::ParameterValue, 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)')
            break
        }
        'midclt;key;precompute' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the key file (JSON)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the key file (JSON)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;complete' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;doctor' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'A machine-readable report (one JSON object); the same as -o json')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;config' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The profile names')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One profile''s settings (secrets hidden)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            break
        }
        'midclt;config;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;config;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;config;set' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;config;unset' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;config;path' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;trust' {
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Forget a trusted server')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Record the certificate without asking (check the fingerprint first)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Record the certificate without asking (check the fingerprint first)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the trusted servers and their fingerprints')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;mock-server' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen: ws://ADDR:PORT, wss://ADDR:PORT, ws+unix:///PATH (repeatable; port 0 picks a free port). Each listener serves /api/current, /api/vX.Y.Z and /websocket')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM certificate for wss:// (default: a fresh self-signed one for localhost)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key (PKCS#8) for --tls-cert')
            [CompletionResult]::new('--write-cert', '--write-cert', [CompletionResultType]::ParameterName, 'Write the certificate in use (PEM) to FILE, e.g. for --ca-cert')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password of the emulated `root` and `admin` accounts')
            [CompletionResult]::new('--scram-iterations', '--scram-iterations', [CompletionResultType]::ParameterName, 'PBKDF2 iterations for new API keys'' SCRAM data (the real server uses 500000)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'Serve this recorded `core.get_methods` answer (JSON) as the method catalogue')
            [CompletionResult]::new('--services', '--services', [CompletionResultType]::ParameterName, 'Serve this recorded `core.get_services` answer (JSON) with --catalog')
            [CompletionResult]::new('--server-version', '--server-version', [CompletionResultType]::ParameterName, 'What system.version answers (e.g. to match a served catalogue)')
            [CompletionResult]::new('--loopback-is-remote', '--loopback-is-remote', [CompletionResultType]::ParameterName, 'Treat TCP clients on loopback as remote (insecure transport), as a NAS sees clients on the network; plain API keys sent over ws:// then get revoked')
            [CompletionResult]::new('--no-unix-auth', '--no-unix-auth', [CompletionResultType]::ParameterName, 'Do not authenticate UNIX-socket clients automatically as root')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Do not rate-limit unauthenticated calls (the server allows 20 per minute per method and client address)')
            [CompletionResult]::new('--legacy-only', '--legacy-only', [CompletionResultType]::ParameterName, 'Emulate TrueNAS 24.10 and earlier: only the legacy /websocket protocol, no auth.login_ex (logins use auth.login / auth.login_with_api_key)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;cache' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached catalogue (they are rebuilt on the next command)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache directory')
            break
        }
        'midclt;cache;clear' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;cache;path' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;render' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, csv, json, jsonl (one compact JSON value per line, a list''s elements on lines of their own), yaml, or raw (strings bare, other values as one line of JSON, a list one element per line) [default: for `call`, midclt''s own output; for TrueNAS CLI commands and `render`, table on a terminal and json when piped; for a fleet, table on a terminal and jsonl when piped]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Keep only these fields of the result (of each object in a list), in this order; `a.b` reaches into nested objects (and each element of a list). JSON and YAML keep the nesting; table and CSV columns are named `a.b`')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indented JSON (implies -o json). JSON is indented anyway for TrueNAS CLI commands and `render`; midclt''s own commands (call, subscribe, doctor, ...) print it on one line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;shell' {
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'In a script, carry on after a failed line; the exit code is the first failure''s')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'midclt;help' {
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Call a middleware method and print its result')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Run many calls from a file or stdin over one connection, one JSON result line each')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Check that the middleware answers (core.ping)')
            [CompletionResult]::new('waitready', 'waitready', [CompletionResultType]::ParameterValue, 'Wait until the middleware answers (for boot scripts), at most -t SECONDS')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Print events of one or more subscriptions, one JSON object per line; a dropped connection is opened again and the subscriptions renewed')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a new session token (auth.generate_token) for scripts')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'Jobs on the server: list, show, wait for, logs, abort')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'Keep one logged-in connection in a background agent that later commands for the same server and user go through (no TLS handshake, no login): start, status, stop')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work with API key files')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Completion candidates for WORDS (the last one being typed) from the cached catalogue of the selected server, one per line; no network')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (see README for where to put it)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the connection step by step (DNS, TCP, TLS, WebSocket, login, roles) and say how to fix the first failing step')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Named connection profiles: list, show, set, unset, path')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Show a server''s TLS certificate and trust exactly that one from now on (like ssh''s known_hosts); --list shows the trusted servers, --remove forgets one')
            [CompletionResult]::new('mock-server', 'mock-server', [CompletionResultType]::ParameterValue, 'Run the built-in TrueNAS API emulator')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Manage the cached method catalogues of TrueNAS CLI commands')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render a JSON value from stdin as a command result would be rendered')
            [CompletionResult]::new('shell', 'shell', [CompletionResultType]::ParameterValue, 'The TrueNAS CLI''s interactive shell over one connection (also `midclt` with no command on a terminal); with stdin not a terminal, runs its lines as a script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'midclt;help;call' {
            break
        }
        'midclt;help;batch' {
            break
        }
        'midclt;help;ping' {
            break
        }
        'midclt;help;waitready' {
            break
        }
        'midclt;help;subscribe' {
            break
        }
        'midclt;help;token' {
            break
        }
        'midclt;help;job' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The server''s jobs, newest last (a table on a terminal, JSON otherwise; -o to choose)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One job, whole (result unredacted)')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Follow a running job to its end, with progress, and print its result as `call -j` does (reconnecting if the connection drops)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a job''s log (core.job_download_logs); --follow prints it as it grows until the job ends, and exits as `job wait` does')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Ask the server to abort a job (core.job_abort); --wait also waits for it to end')
            break
        }
        'midclt;help;job;list' {
            break
        }
        'midclt;help;job;show' {
            break
        }
        'midclt;help;job;wait' {
            break
        }
        'midclt;help;job;logs' {
            break
        }
        'midclt;help;job;abort' {
            break
        }
        'midclt;help;session' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start an agent for the selected server and user (-u or -p, and the credentials as for any command), logged in once; later commands with the same server and user go through it until it is stopped or idle')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List this user''s running agents: server, user, process id, idle time, calls relayed (a table on a terminal, JSON otherwise; -o to choose)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent of the selected server and user (-u or -p, -U), or all of them')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The agent process itself, which `session start` runs (reads its settings on stdin)')
            break
        }
        'midclt;help;session;start' {
            break
        }
        'midclt;help;session;status' {
            break
        }
        'midclt;help;session;stop' {
            break
        }
        'midclt;help;session;serve' {
            break
        }
        'midclt;help;key' {
            [CompletionResult]::new('precompute', 'precompute', [CompletionResultType]::ParameterValue, 'Write a key file with precomputed SCRAM keys so logins skip PBKDF2 (mode 0600)')
            break
        }
        'midclt;help;key;precompute' {
            break
        }
        'midclt;help;complete' {
            break
        }
        'midclt;help;completions' {
            break
        }
        'midclt;help;doctor' {
            break
        }
        'midclt;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The profile names')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One profile''s settings (secrets hidden)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting: uri, username, password_file, api_key_file, ca_cert, pin, timeout, output, channel_binding, plain, protocol (secrets themselves are never written)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            break
        }
        'midclt;help;config;list' {
            break
        }
        'midclt;help;config;show' {
            break
        }
        'midclt;help;config;set' {
            break
        }
        'midclt;help;config;unset' {
            break
        }
        'midclt;help;config;path' {
            break
        }
        'midclt;help;trust' {
            break
        }
        'midclt;help;mock-server' {
            break
        }
        'midclt;help;cache' {
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached catalogue (they are rebuilt on the next command)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache directory')
            break
        }
        'midclt;help;cache;clear' {
            break
        }
        'midclt;help;cache;path' {
            break
        }
        'midclt;help;render' {
            break
        }
        'midclt;help;shell' {
            break
        }
        'midclt;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
