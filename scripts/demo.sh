#!/usr/bin/env bash
# Runs the demo kiosk in the foreground: `kioskd --demo` draws the kiosk's screen on this terminal
# and reads keys and mouse taps from it.
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

binary=.build/release/kioskd
if [ ! -x "$binary" ]; then
    echo "error: $binary is missing: run 'make build' (or 'make demo') first." >&2
    exit 1
fi
exec "$binary" --demo "$@"
