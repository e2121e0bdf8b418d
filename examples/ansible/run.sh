#!/usr/bin/env bash
# Run the example playbook against local emulators (CI runs this after the tests):
# install ansible-core into target/ansible-venv unless it is there, start an emulator per
# host of inventory.yml on free ports, stop nas3's (a host that is down), and run
# playbook.yml against them. Exits with the playbook's status.
#
#   examples/ansible/run.sh [PATH-TO-MIDCLT]     (default: target/debug/midclt, built if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
started=$SECONDS

ANSIBLE_CORE=2.19.14   # the newest ansible-core that runs on Python 3.11
venv="$root/target/ansible-venv"
installed=$("$venv/bin/ansible-playbook" --version 2>/dev/null || true)
if [[ "$installed" != *"[core $ANSIBLE_CORE]"* ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "ansible-core==$ANSIBLE_CORE"
fi

midclt=${1:-$root/target/debug/midclt}
if [ ! -x "$midclt" ]; then
    (cd "$root" && cargo build --locked --quiet)
fi
midclt=$(cd "$(dirname "$midclt")" && pwd)/$(basename "$midclt")

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# midclt and the emulators see only this directory: no profiles, caches or trusted hosts
# of the user's, and no MIDCLT_* variables.
for var in $(env | sed -n 's/^\(MIDCLT_[A-Z_]*\)=.*/\1/p'); do unset "$var"; done
export MIDCLT_CONFIG="$work/config.toml" MIDCLT_CACHE_DIR="$work/cache" \
    MIDCLT_KNOWN_HOSTS="$work/known_hosts" MIDCLT_MOCK_PASSWORD="example-$RANDOM$RANDOM"
printf '%s\n' "$MIDCLT_MOCK_PASSWORD" >"$work/root.pass"
chmod 600 "$work/root.pass"

# One emulator per host, each on a free port; its port replaces the inventory's.
cp "$here/inventory.yml" "$work/inventory.yml"
for n in 1 2 3; do
    "$midclt" mock-server --listen ws://127.0.0.1:0 >"$work/nas$n.out" &
    pids+=("$!")
    for _ in $(seq 200); do
        grep -q '^accounts:' "$work/nas$n.out" && break
        sleep 0.05
    done
    port=$(sed -n 's|^listening on ws://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/nas$n.out")
    if [ -z "$port" ]; then
        echo "run.sh: the emulator for nas$n did not start" >&2
        exit 1
    fi
    sed -i "s|127.0.0.1:1600$n/|127.0.0.1:$port/|" "$work/inventory.yml"
done
# nas3 goes down: its port is closed now.
kill "${pids[2]}"
wait "${pids[2]}" 2>/dev/null || true

cd "$here"
ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_RETRY_FILES_ENABLED=false \
    "$venv/bin/ansible-playbook" -i "$work/inventory.yml" playbook.yml -e "midclt=$midclt"
echo "run.sh: the playbook passed in $((SECONDS - started)) s"
