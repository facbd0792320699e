#!/usr/bin/env bash
# The performance table of issue 11: one Markdown table on stdout (progress
# goes to stderr), each row a measured figure, its target and whether it is
# met. How each figure is measured: docs/performance.md, section "Measuring".
#
#   scripts/bench.sh [--quick] [OPTIONS]
#
# Options (defaults of the full run; --quick in brackets):
#   --quick                 smoke run with small sizes (a few minutes)
#   --runs K                repeats of each timed run; the median is quoted   3 [3]
#   --replications N        replications of the throughput runs          10000 [1000]
#   --rss-sizes "A B ..."   replications of the peak-RSS runs  "1000 10000 100000"
#                                                                   ["1000 2000 4000"]
#   --probe-replications R  single-thread replications timed by the probe  2000 [300]
#   --callgrind-replications C   replications counted under callgrind      20 [5]
#   --england-replications E     England replications (probe)              50 [5]
#   --england-callgrind C        England replications under callgrind       3 [1]
#   --mesa-replications M   replications of the Mesa port                  20 [3]
#   --rss-limit-mb L        address-space limit of a peak-RSS run (ulimit -v),
#                           so that an engine that holds every replication in
#                           memory fails instead of exhausting the machine  8192
#   --england FILE          the England scenario         scenarios/england.toml
#   --no-build              use the binaries already in target/release
#   --out FILE              also write the table to FILE
#   -h, --help              this help
#
# The full run takes tens of minutes on a 2-core machine (100,000
# replications for the peak-RSS row, Mesa, callgrind); --quick takes a few.
#
# Needs: cargo, GNU time (/usr/bin/time; `apt-get install time`), awk.
# Optional, reported as n/a with the reason when missing: valgrind (for the
# instruction counts; `apt-get install valgrind`), the Mesa port's virtual
# environment benches/mesa/.venv (see benches/mesa/), scenarios/england.toml.
# Installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
runs=3
throughput_n=10000
rss_sizes="1000 10000 100000"
probe_reps=2000
cg_reps=20
eng_reps=50
eng_cg_reps=3
mesa_reps=20
rss_limit_mb=8192
out_file=""
england=scenarios/england.toml
build=1
set_quick() {
  quick=1
  throughput_n=1000
  rss_sizes="1000 2000 4000"
  probe_reps=300
  cg_reps=5
  eng_reps=5
  eng_cg_reps=1
  mesa_reps=3
}
# --quick first, so that explicit sizes given with it win.
for a in "$@"; do [ "$a" = "--quick" ] && set_quick; done
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ;;
    --runs) runs=$2; shift ;;
    --replications) throughput_n=$2; shift ;;
    --rss-sizes) rss_sizes=$2; shift ;;
    --probe-replications) probe_reps=$2; shift ;;
    --callgrind-replications) cg_reps=$2; shift ;;
    --england-replications) eng_reps=$2; shift ;;
    --england-callgrind) eng_cg_reps=$2; shift ;;
    --mesa-replications) mesa_reps=$2; shift ;;
    --rss-limit-mb) rss_limit_mb=$2; shift ;;
    --england) england=$2; shift ;;
    --no-build) build=0 ;;
    --out) out_file=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench.sh: $*" >&2; }
[ -x /usr/bin/time ] || { echo "bench.sh: GNU time is required: apt-get install time" >&2; exit 1; }

# ---------------------------------------------------------------- build
if [ "$build" = 1 ]; then
  log "building (release): pioneer and examples/bench_probe"
  nice cargo build --release --quiet --bin pioneer --example bench_probe
fi
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/pioneer
probe=$target/release/examples/bench_probe
mesa_py=benches/mesa/.venv/bin/python

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------- helpers
# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# awk arithmetic: calc 'EXPR' -> formatted number
calc() { awk "BEGIN { OFMT = \"%.10g\"; print $1 }"; }
# value of key=value line $2 in file $1
kv() { sed -n "s/^$2=//p" "$1" | head -n1; }
# status: ok EXPR -> "met" or "**not met**" (EXPR is an awk condition)
status() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**not met**"; fi; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }
na_row() { row "$1" "n/a" "$2" "n/a" "$3"; }

# /usr/bin/time -f '%e %U %S %M' of a command into $work/time; returns its status
timed() { /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/cmd.out" 2> "$work/cmd.err"; }

# probe SCENARIO|"" REPS -> key=value file $work/probe.out (single thread)
run_probe() {
  local scen=$1 reps=$2
  if [ -n "$scen" ]; then RAYON_NUM_THREADS=1 "$probe" "$scen" "$reps" > "$work/probe.out"
  else RAYON_NUM_THREADS=1 "$probe" "$reps" > "$work/probe.out"; fi
}

# instructions (Ir) counted by callgrind for: probe SCENARIO|"" REPS
callgrind_ir() {
  local scen=$1 reps=$2 args=()
  [ -n "$scen" ] && args+=("$scen")
  args+=("$reps")
  RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$probe" "${args[@]}" > /dev/null 2> "$work/cg.err"
  sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/cg.err" | tail -n1
}

# ---------------------------------------------------------------- 1. single-thread cost (probe)
# NWL: K probe runs of R replications; CPU seconds of the replication loop.
measure_cost() { # SCENARIO|"" REPS -> sets cost_ms, cost_ns, cost_aw
  local scen=$1 reps=$2 cpus=() i
  for i in $(seq "$runs"); do
    run_probe "$scen" "$reps" || return 1
    cpus+=("$(kv "$work/probe.out" cpu_seconds)")
  done
  cost_aw=$(kv "$work/probe.out" agent_weeks_per_replication)
  cost_agents=$(kv "$work/probe.out" agents)
  cost_weeks=$(kv "$work/probe.out" weeks)
  local cpu
  cpu=$(median "${cpus[@]}")
  cost_ms=$(calc "$cpu / $reps * 1e3")
  cost_ns=$(calc "$cpu / ($reps * $cost_aw) * 1e9")
}

log "NWL single-thread cost: $runs × $probe_reps replications (probe)"
measure_cost "" "$probe_reps"
nwl_ms=$cost_ms nwl_ns=$cost_ns nwl_aw=$cost_aw
nwl_agents=$cost_agents nwl_weeks=$cost_weeks
# Targets: ≤ 0.5 ms per replication; the ns figure this implies for this plan.
nwl_ns_target=$(calc "0.5e-3 / $nwl_aw * 1e9")
row "NWL CPU time per replication, 1 thread" "$(printf '%.3f ms' "$nwl_ms")" "≤ 0.5 ms" \
  "$(status "$nwl_ms <= 0.5")" "probe, median of $runs × $probe_reps reps"
row "NWL ns per agent-week, 1 thread" "$(printf '%.1f ns' "$nwl_ns")" \
  "$(printf '≤ %.1f ns (0.5 ms)' "$nwl_ns_target")" "$(status "$nwl_ns <= $nwl_ns_target")" \
  "$nwl_agents agents × $nwl_weeks weeks from the plan"

# ---------------------------------------------------------------- 2. instructions (callgrind)
nwl_ir=""
if command -v valgrind > /dev/null; then
  log "NWL instructions: callgrind, $cg_reps replications minus 0"
  ir0=$(callgrind_ir "" 0)
  irk=$(callgrind_ir "" "$cg_reps")
  if [ -n "$ir0" ] && [ -n "$irk" ]; then
    nwl_ir=$(calc "($irk - $ir0) / ($cg_reps * $nwl_aw)")
    row "NWL instructions per agent-week" "$(printf '%.0f' "$nwl_ir")" "≤ 100" \
      "$(status "$nwl_ir <= 100")" \
      "$(printf 'callgrind, (%s reps − 0 reps) ÷ reps; %.1f M per rep' "$cg_reps" "$(calc "($irk - $ir0) / $cg_reps / 1e6")")"
  else
    na_row "NWL instructions per agent-week" "≤ 100" "callgrind gave no total: $(tail -n1 "$work/cg.err" | cut -c1-100)"
  fi
else
  na_row "NWL instructions per agent-week" "≤ 100" "valgrind missing: apt-get install valgrind"
fi

# ---------------------------------------------------------------- 3. Mesa ratio
if [ ! -f benches/mesa/run.py ]; then
  na_row "Mesa CPU per replication ÷ pioneer" "≥ 300×" "benches/mesa/run.py missing"
elif [ ! -x "$mesa_py" ]; then
  na_row "Mesa CPU per replication ÷ pioneer" "≥ 300×" "no $mesa_py (set up the venv: see benches/mesa/)"
elif ! "$mesa_py" -c 'import mesa' 2> /dev/null; then
  na_row "Mesa CPU per replication ÷ pioneer" "≥ 300×" "mesa not importable in benches/mesa/.venv"
else
  log "Mesa port: $mesa_reps replications"
  if "$mesa_py" benches/mesa/run.py --replications "$mesa_reps" --json > "$work/mesa.json" 2> "$work/mesa.err"; then
    read -r mesa_cpu mesa_version mesa_aw < <("$mesa_py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["cpu_seconds_per_replication"], d["mesa_version"], d["agent_weeks"])' "$work/mesa.json")
    ratio=$(calc "$mesa_cpu / ($nwl_ms / 1e3)")
    row "Mesa CPU per replication ÷ pioneer" "$(printf '%.0f×' "$ratio")" "≥ 300×" \
      "$(status "$ratio >= 300")" \
      "$(printf 'Mesa %s: %.3f s/rep, %s agent-weeks; pioneer %.3f ms, %s agent-weeks; 1 thread' "$mesa_version" "$mesa_cpu" "$mesa_aw" "$nwl_ms" "$nwl_aw")"
  else
    na_row "Mesa CPU per replication ÷ pioneer" "≥ 300×" "run.py failed: $(tail -n1 "$work/mesa.err")"
  fi
fi

# ---------------------------------------------------------------- 4. throughput and speed-up
log "NWL throughput: pioneer run -n $throughput_n, 1 and 2 threads interleaved, $runs rounds"
walls1=() walls2=() cpus1=() cpus2=()
fail=""
for i in $(seq "$runs"); do
  for t in 1 2; do
    if timed "$bin" run -n "$throughput_n" --threads "$t" --out "$work/run" --force --quiet; then
      read -r e u s _ < "$work/time"
      if [ "$t" = 1 ]; then walls1+=("$e"); cpus1+=("$(calc "$u + $s")")
      else walls2+=("$e"); cpus2+=("$(calc "$u + $s")"); fi
    else
      fail="pioneer run failed: $(tail -n1 "$work/cmd.err")"
    fi
  done
done
rate_target=$(calc "10000 / 6")
if [ -z "$fail" ]; then
  w1=$(median "${walls1[@]}") w2=$(median "${walls2[@]}")
  c1=$(median "${cpus1[@]}") c2=$(median "${cpus2[@]}")
  r1=$(calc "$throughput_n / $w1") r2=$(calc "$throughput_n / $w2")
  speedup=$(calc "$w1 / $w2")
  row "NWL replications/s, all outputs, 1 thread" "$(printf '%.0f /s' "$r1")" "—" "—" \
    "$(printf 'n = %s; median wall %.2f s, CPU %.2f s' "$throughput_n" "$w1" "$c1")"
  row "NWL replications/s, all outputs, 2 threads" "$(printf '%.0f /s' "$r2")" \
    "$(printf '≥ %.0f /s (10,000 in ≤ 6 s)' "$rate_target")" "$(status "$r2 >= $rate_target")" \
    "$(printf 'n = %s; median wall %.2f s, CPU %.2f s' "$throughput_n" "$w2" "$c2")"
  row "2-thread speed-up (wall, 1 ÷ 2 threads)" "$(printf '%.2f×' "$speedup")" "≥ 1.9×" \
    "$(status "$speedup >= 1.9")" "ratio of medians, runs interleaved"
else
  na_row "NWL replications/s, all outputs, 2 threads" "≥ 1667 /s" "$fail"
  na_row "2-thread speed-up (wall, 1 ÷ 2 threads)" "≥ 1.9×" "$fail"
fi

# ---------------------------------------------------------------- 5. peak RSS
# Target: flat in the number of replications, ≤ 64 MB (the issue states it
# at 10,000 and 100,000; a smaller run above it cannot be flat either).
rss_first=""
for n in $rss_sizes; do
  log "peak RSS: pioneer run -n $n (all threads, limit ${rss_limit_mb} MB address space)"
  if (ulimit -v $((rss_limit_mb * 1024)) && timed "$bin" run -n "$n" --out "$work/run" --force --quiet); then
    read -r e _ _ kib < "$work/time"
    mb=$(calc "$kib * 1024 / 1e6")  # %M is in KiB; MB = 10^6 bytes
    [ -z "$rss_first" ] && rss_first=$mb
    row "Peak RSS, pioneer run -n $n" "$(printf '%.1f MB' "$mb")" "≤ 64 MB, flat" "$(status "$mb <= 64")" \
      "$(printf '/usr/bin/time %%M, all cores; %.2f× the first size; wall %.1f s' "$(calc "$mb / $rss_first")" "$e")"
  else
    row "Peak RSS, pioneer run -n $n" "failed" "≤ 64 MB, flat" "**not met**" \
      "exceeded the ${rss_limit_mb} MB address-space limit or failed: $(tail -n1 "$work/cmd.err" | cut -c1-80)"
  fi
  rm -rf "$work/run"
done

# ---------------------------------------------------------------- 6. England
if [ ! -f "$england" ]; then
  for f in "England CPU time per replication, 1 thread|≤ 15 ms" \
           "England ns per agent-week ÷ NWL|≤ 1.2×" \
           "England instructions per agent-week ÷ NWL|≤ 1.2×"; do
    na_row "${f%%|*}" "${f##*|}" "$england missing"
  done
else
  log "England single-thread cost: $runs × $eng_reps replications (probe)"
  if measure_cost "$england" "$eng_reps" 2> "$work/eng.err"; then
    eng_ns=$cost_ns eng_aw=$cost_aw
    row "England CPU time per replication, 1 thread" "$(printf '%.2f ms' "$cost_ms")" "≤ 15 ms" \
      "$(status "$cost_ms <= 15")" "probe, median of $runs × $eng_reps reps; $cost_agents agents × $cost_weeks weeks"
    rel=$(calc "$eng_ns / $nwl_ns")
    row "England ns per agent-week ÷ NWL" "$(printf '%.2f× (%.1f ns)' "$rel" "$eng_ns")" "≤ 1.2×" \
      "$(status "$rel <= 1.2")" "CPU time, 1 thread"
    if command -v valgrind > /dev/null && [ -n "$nwl_ir" ]; then
      log "England instructions: callgrind, $eng_cg_reps replications minus 0"
      ir0=$(callgrind_ir "$england" 0)
      irk=$(callgrind_ir "$england" "$eng_cg_reps")
      if [ -n "$ir0" ] && [ -n "$irk" ]; then
        eng_ir=$(calc "($irk - $ir0) / ($eng_cg_reps * $eng_aw)")
        rel=$(calc "$eng_ir / $nwl_ir")
        row "England instructions per agent-week ÷ NWL" "$(printf '%.2f× (%.0f)' "$rel" "$eng_ir")" "≤ 1.2×" \
          "$(status "$rel <= 1.2")" "callgrind, ($eng_cg_reps reps − 0 reps) ÷ reps"
      else
        na_row "England instructions per agent-week ÷ NWL" "≤ 1.2×" "callgrind gave no total: $(tail -n1 "$work/cg.err" | cut -c1-100)"
      fi
    else
      na_row "England instructions per agent-week ÷ NWL" "≤ 1.2×" "no NWL or England callgrind count (valgrind missing?)"
    fi
  else
    for f in "England CPU time per replication, 1 thread|≤ 15 ms" \
             "England ns per agent-week ÷ NWL|≤ 1.2×" \
             "England instructions per agent-week ÷ NWL|≤ 1.2×"; do
      na_row "${f%%|*}" "${f##*|}" "probe failed: $(head -n1 "$work/eng.err" | cut -c1-100)"
    done
  fi
fi

# ---------------------------------------------------------------- the table
commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
git diff --quiet HEAD 2> /dev/null || commit="$commit (uncommitted changes)"
{
  echo "## pioneer performance ($([ "$quick" = 1 ] && echo "quick run: small sizes" || echo "full run"))"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $commit"
  echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(rustc --version); $(command -v valgrind > /dev/null && valgrind --version || echo 'valgrind missing')"
  echo "- CPU times are user + system seconds; medians of $runs runs; see docs/performance.md (Measuring)"
  if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo "- **load average above the number of cores**: the wall-time rows (replications/s, speed-up) say more about the load than about pioneer; rerun on a quiet machine"
  fi
  echo
  echo "| Figure | Measured | Target | Status | How |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$work/table.md"
cat "$work/table.md"
if [ -n "$out_file" ]; then cp "$work/table.md" "$out_file"; log "table written to $out_file"; fi
