#!/usr/bin/env bash
# Installs the Debian packages given as arguments, non-interactively and only when needed:
# when every package is already installed it does not touch apt at all.
#   usage: scripts/deps.sh PACKAGE...
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 PACKAGE..." >&2
    exit 2
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "error: dpkg-query not found: 'make deps' supports Debian and its derivatives only." >&2
    echo "       Install these packages (or their equivalents) yourself: $*" >&2
    exit 1
fi

missing=()
for package in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    if [ "${status:0:2}" != "ii" ]; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#} Debian packages are installed."
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: not root and sudo is not installed; as root, run:" >&2
        echo "       apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    # Without a terminal a password prompt could never be answered: fail instead of hanging.
    if [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
fi

echo "deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
