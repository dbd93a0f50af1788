#!/usr/bin/env bash
# Builds one libFuzzer target and runs it.
#   usage: scripts/fuzz.sh NAME [RUNS]      e.g. scripts/fuzz.sh ga467-frame 1000000
# NAME is a folder under Fuzz/: an executable target `fuzz-NAME` whose main is FuzzSupport's
# fuzzMain: libFuzzer's driver when built with -DFUZZING, and without it a replay of the files named
# on its command line, so the target builds and runs in the ordinary build too. Corpus and crashes go to .build-fuzz/corpus/NAME and
# .build-fuzz/crashes/NAME; a crash exits non-zero with the input's path.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -lt 1 ] || [ ! -d "Fuzz/$1" ]; then
    echo "usage: $0 NAME [RUNS]; NAME is one of: $(cd Fuzz 2>/dev/null && ls -d */ | tr -d / | tr '\n' ' ')" >&2
    exit 2
fi
name=$1
runs=${2:-1000000}
export PATH=${SWIFT_BIN:-/opt/swift/usr/bin}:$PATH

# lld: gold fails on the sanitizer build (an internal error in its DWARF reader).
swift build -c release --scratch-path .build-fuzz --product "fuzz-$name" \
    -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2

corpus=.build-fuzz/corpus/$name
crashes=.build-fuzz/crashes/$name
mkdir -p "$corpus" "$crashes"
# Seeds kept in the repository start the corpus, so the fuzzer begins from valid inputs.
seeds=()
[ -d "Fuzz/$name/seeds" ] && seeds=("Fuzz/$name/seeds")
exec ".build-fuzz/release/fuzz-$name" -runs="$runs" -artifact_prefix="$crashes/" -print_final_stats=1 \
    "$corpus" "${seeds[@]}"
