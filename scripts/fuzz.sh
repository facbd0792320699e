#!/usr/bin/env bash
# Runs every fuzz target (fuzz/, cargo-fuzz + libFuzzer, nightly toolchain)
# for N seconds each, one after the other, then prints one table: target,
# executions, seconds, exec/s, corpus size, crashes.
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     (default: 600 s, every target)
#   FUZZ_ARGS="-fork=1 -ignore_crashes=1" scripts/fuzz.sh 600
#                                               (keep going after a crash)
#   scripts/fuzz.sh dict                        (regenerate fuzz/pioneer.dict)
#
# New inputs go to fuzz/corpus/<target>/ (minimise before committing:
# `cargo +nightly fuzz cmin -O --fuzz-dir fuzz <target>`); crashes, timeouts
# and out-of-memory inputs to fuzz/artifacts/<target>/ (not committed: minimise
# each with `cargo +nightly fuzz tmin`, then see fuzz/crashes/README.md). The
# full libFuzzer log of each target is fuzz/artifacts/<target>.log. Runs under
# `nice -n 19`.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(scenario sweep targets priors)

if [ "${1:-}" = dict ]; then
    # Every key of the scenario schema, the keys and enum values of the seed
    # files of every format, and TOML tokens.
    cargo build --release --quiet
    ./target/release/pioneer schema --json | python3 -c '
import json, re, sys, glob
schema = json.load(sys.stdin)
keys, words = set(), set()
def walk(n):
    if isinstance(n, dict):
        keys.update(n.get("properties", {}).keys())
        words.update(e for e in n.get("enum", []) or [] if isinstance(e, str))
        for v in n.values(): walk(v)
    elif isinstance(n, list):
        for v in n: walk(v)
walk(schema)
for f in glob.glob("scenarios/**/*.toml", recursive=True) + glob.glob("tests/fixtures/**/*.toml", recursive=True):
    for line in open(f, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*\[*\s*([A-Za-z_][A-Za-z0-9_.]*)\s*[\]=]", line)
        if m: keys.update(m.group(1).split("."))
        words.update(re.findall(r"\"([a-z_]+)\"", line))
tokens = ["=", " = ", "[", "]", "[[", "]]", "{", "}", ",", "\"", "\n", "#", "true", "false",
          "nan", "inf", "-inf", "1e308", "-1", "0", "4294967295", "18446744073709551615",
          "9999-12-31", "0001-01-01", "2013-06-01", "\"\"\"", "'"'"'", "builtin:nwl_wsic_2013",
          "../nwl_wsic_2013.toml", "extends", ":", "."]
esc = lambda s: s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\x0A")
print("# libFuzzer dictionary: every key of the scenario schema (pioneer schema --json),")
print("# the keys of the sweep, targets and priors files, enum values and TOML tokens.")
print("# Regenerate: scripts/fuzz.sh dict")
for k in sorted(keys): print("\"%s\"" % esc(k))
for w in sorted(words - keys): print("\"%s\"" % esc(w))
for t in tokens: print("\"%s\"" % esc(t))
' > fuzz/pioneer.dict
    echo "wrote fuzz/pioneer.dict ($(wc -l < fuzz/pioneer.dict) lines)"
    exit 0
fi

SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")

nice -n 19 cargo +nightly fuzz build -O --fuzz-dir fuzz

# Crash, timeout, out-of-memory and leak inputs libFuzzer saved for a target.
found() {
    find "fuzz/artifacts/$1" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l
}

rows=()
for t in "${TARGETS[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    before=$(found "$t")
    log="fuzz/artifacts/$t.log"
    echo "fuzzing $t for ${SECONDS_EACH}s (log: $log)" >&2
    start=$(date +%s)
    # -timeout: an input running longer than 30 s is a hang; -rss_limit_mb:
    # more than 2 GB is an out-of-memory bug.
    nice -n 19 cargo +nightly fuzz run -O --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 -dict=fuzz/pioneer.dict \
        -timeout=30 -rss_limit_mb=2048 -max_len=65536 ${FUZZ_ARGS:-} >"$log" 2>&1 || true
    secs=$(( $(date +%s) - start ))
    after=$(found "$t")
    # Executions: libFuzzer's final stats, or (fork mode) its last status line.
    execs=$(awk '/stat::number_of_executed_units:/ {n=$2} END {print n+0}' "$log")
    if [ "$execs" = 0 ]; then
        execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
        execs=${execs:-0}
    fi
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    rows+=("$t $execs $secs $(( execs / (secs > 0 ? secs : 1) )) $corpus $(( after - before ))")
done

printf '\n%-10s %12s %8s %8s %8s %8s\n' target executions seconds exec/s corpus crashes
for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%-10s %12s %8s %8s %8s %8s\n' $r
done
