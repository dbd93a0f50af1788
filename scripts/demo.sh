#!/usr/bin/env bash
# Runs the demo kiosk in the foreground: `kioskd --demo` draws the kiosk's screen on this terminal
# and reads keys and mouse taps from it, and uploads to the platform stand-in (`kiosk-platform`),
# started here on a free loopback port with the demo's pickups and stopped when the kiosk stops.
# A hall operator's remote window listens on 127.0.0.1:$KIOSK_DEMO_REMOTE_PORT (default 8470) with a
# fresh token for the demo's operator; the line to attach from another terminal is printed first.
#   scripts/demo.sh --check-terminal   only check that stdin and stdout are a terminal
#   scripts/demo.sh [ARG...]           run .build/release/kioskd --demo ARG...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -t 0 ] || [ ! -t 1 ]; then
    if [ ! -t 0 ]; then what="standard input"; else what="standard output"; fi
    cat >&2 <<MESSAGE
make demo: $what is not a terminal.

The demo draws the kiosk's screen on the terminal it is started from and reads your keys and taps
from it, so it has to run in an interactive terminal:

    make demo

To run the kiosk without a screen of its own and look at it from another terminal instead:

    make build
    .build/release/kioskd --demo &        # the daemon needs no terminal
    .build/release/kioskctl console       # attach a viewer (from a terminal)
MESSAGE
    exit 1
fi

if [ "${1:-}" = "--check-terminal" ]; then
    exit 0
fi

kioskd=.build/release/kioskd
platform=.build/release/kiosk-platform
for binary in "$kioskd" "$platform"; do
    if [ ! -x "$binary" ]; then
        echo "error: $binary is missing: run 'make build' (or 'make demo') first." >&2
        exit 1
    fi
done

# The stand-in: tokens made up for this run, its data in a folder removed at exit.
work=$(mktemp -d /tmp/kiosk-demo-platform.XXXXXX)
trap 'kill "$platform_pid" 2>/dev/null; wait "$platform_pid" 2>/dev/null; rm -rf "$work"' EXIT
umask 077
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/kiosk-token"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/admin-token"
salt=$(sed -n 's/^holder-key-salt: *//p' Kiosk/kiosk.yaml)
"$platform" serve --listen 127.0.0.1:0 --data "$work/data" --kiosk "HK-DEMO-01=$work/kiosk-token" \
    --admin-token-file "$work/admin-token" --seed-demo Kiosk/demo --salt "$salt" \
    > "$work/listening" 2> "$work/platform.log" &
platform_pid=$!
url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$work/listening")
    [ -n "$url" ] && break
    if ! kill -0 "$platform_pid" 2>/dev/null; then
        echo "error: the platform stand-in did not start:" >&2
        cat "$work/platform.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "error: the platform stand-in did not say where it listens" >&2
    exit 1
fi
echo "platform stand-in at $url (admin token in $work/admin-token while the demo runs)" >&2

# The remote window: a fresh token for the demo's operator, its hash in a throw-away operators file.
remote_port=${KIOSK_DEMO_REMOTE_PORT:-8470}
{ echo "operators:"; "$kioskd" operator-token --name "值班员 Demo" --role technician --token-file "$work/operator-token"; } \
    > "$work/operators.yaml"
echo "remote window: .build/release/kioskctl remote attach ws://127.0.0.1:$remote_port --token-file $work/operator-token" >&2
sleep 2
"$kioskd" --demo --platform "$url" --platform-token-file "$work/kiosk-token" \
    --remote-listen "127.0.0.1:$remote_port" --remote-operators "$work/operators.yaml" "$@"
