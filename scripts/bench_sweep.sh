#!/usr/bin/env bash
# Sweep throughput (runs per second) and peak memory (maximum resident set
# size) of `pioneer sweep` for 10,000 and 100,000 runs of the default North
# West London scenario (Latin hypercube over two parameters, 10 replications
# per point). Peak memory should stay flat as the number of runs grows:
# results stream to disk.
#
#   scripts/bench_sweep.sh [RUNS ...]      (default: 10000 100000)
#
# Needs GNU time (`apt-get install time`) for the memory figure.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/pioneer
[ -n "${CARGO_TARGET_DIR:-}" ] && bin="$CARGO_TARGET_DIR/release/pioneer"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs_list=("$@")
[ ${#runs_list[@]} -eq 0 ] && runs_list=(10000 100000)
printf '%10s %10s %12s %14s\n' runs seconds runs_per_s peak_rss_mib
for runs in "${runs_list[@]}"; do
  points=$((runs / 10))
  cat > "$work/bench.toml" <<TOML
[sweep]
name = "bench"
replications = 10
seed = 1
[design]
kind = "latin_hypercube"
samples = $points
[[parameters]]
path = "replanning.optimism"
min = 0.1
max = 0.7
[[parameters]]
path = "effort.support_leverage"
min = 1.0
max = 6.0
TOML
  rm -rf "$work/out"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" sweep "$work/bench.toml" --out "$work/out" --quiet > /dev/null
    read -r secs kib < "$work/time"
  else
    start=$(date +%s.%N)
    "$bin" sweep "$work/bench.toml" --out "$work/out" --quiet > /dev/null
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    kib=0
  fi
  awk -v r="$runs" -v s="$secs" -v k="$kib" 'BEGIN { printf "%10d %10.1f %12.0f %14.1f\n", r, s, r / s, k / 1024 }'
done
