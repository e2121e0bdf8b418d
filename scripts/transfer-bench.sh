#!/usr/bin/env bash
# Figures for 1 GiB file transfers: `midclt call --download` and `--upload` against the
# built-in emulator (`midclt mock-server`) over its UNIX socket and over wss://, with the
# client's peak resident memory (/usr/bin/time's maximum RSS), the time, the rate, and
# whether the SHA-256 of the file matches the one the server's job computed.
#
# Usage: scripts/transfer-bench.sh [BYTES]   (default 1073741824; build with
#        `cargo build --release` first, or set MIDCLT=/path/to/midclt)
set -euo pipefail

size=${1:-1073741824}
bin=${MIDCLT:-$(dirname "$0")/../target/release/midclt}
[[ -x $bin ]] || { echo "no midclt at $bin: run cargo build --release" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

dir=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$bin" mock-server --listen "ws+unix://$dir/mw.sock" --listen wss://127.0.0.1:0 \
    --write-cert "$dir/cert.pem" --password bench >"$dir/server.out" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q '^accounts:' "$dir/server.out" && break; sleep 0.1; done
wss=$(sed -n 's/^listening on \(wss:.*\)$/\1/p' "$dir/server.out")

export MIDCLT_NO_ARGV_WARNING=1
printf '%-6s %-9s %12s %9s %10s %13s  %s\n' transport direction bytes seconds MiB/s "peak RSS" "SHA-256"

# run LABEL DIRECTION URI-ARGS... -- CALL-ARGS...: one timed transfer.
run() {
    local transport=$1 direction=$2; shift 2
    /usr/bin/time -f '%M %e' -o "$dir/time" "$bin" "$@" >"$dir/result" 2>"$dir/err" || {
        echo "$transport $direction failed:" >&2; cat "$dir/err" >&2; exit 1; }
    read -r rss secs <"$dir/time"
    local want got
    want=$(sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' "$dir/result")
    got=$(sha256sum "$dir/file.bin" | cut -d' ' -f1)
    local verdict="match"
    [[ $want == "$got" ]] || verdict="MISMATCH ($want vs $got)"
    awk -v t="$transport" -v d="$direction" -v b="$size" -v s="$secs" -v r="$rss" -v v="$verdict" \
        'BEGIN { printf "%-6s %-9s %12d %9.2f %10.1f %9.1f MiB  %s\n", t, d, b, s, (s > 0 ? b / 1048576 / s : 0), r / 1024, v }'
}

for transport in unix wss; do
    if [[ $transport == unix ]]; then
        conn=(-u "ws+unix://$dir/mw.sock")
    else
        conn=(-u "$wss" --ca-cert "$dir/cert.pem" -U root -P bench)
    fi
    rm -f "$dir/file.bin"
    run "$transport" download "${conn[@]}" call --download "$dir/file.bin" mock.download_bytes "$size"
    run "$transport" upload "${conn[@]}" call --upload "$dir/file.bin" mock.upload_sha256
done
