#!/usr/bin/env bash
# Runs the benchmark module (benchmarks/): the SDK against hand-written
# net/http, go-retryablehttp used directly and go-resty v2; prints the
# benchstat table and the performance targets as ratios of medians.
#
#   scripts/bench.sh                      # the full run: COUNT=6, 1s per benchmark
#   COUNT=3 BENCHTIME=200ms scripts/bench.sh   # a quick check
#
# Environment (all optional):
#   COUNT      rounds of the main run (default 6); the rounds are
#              interleaved (every benchmark once per round) so that drifting
#              machine load hits every benchmark alike
#   BENCHTIME  -benchtime of the main run (default 1s)
#   BENCH      -bench regexp of the main run (default .)
#   MEMCOUNT   rounds of the memory runs (default 3); 0 skips them
#   MEM_SMALL, MEM_LARGE  their -benchtime (default 1000x and 100000x)
#   PROFILE=1  also profile BenchmarkSDKCreate and print pprof's top lists
#   STRICT=1   exit 1 when a target fails
#
# Raw output goes to benchmarks/results/<UTC time>/ (gitignored);
# benchmarks/results/latest points at the newest run.
set -euo pipefail

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
MEMCOUNT=${MEMCOUNT:-3}
MEM_SMALL=${MEM_SMALL:-1000x}
MEM_LARGE=${MEM_LARGE:-100000x}
PROFILE=${PROFILE:-0}
STRICT=${STRICT:-0}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
MEM_BENCH='^Benchmark(HandwrittenCreate|SDKCreate|SDKCreateDelete|SDKSteadyState)$'

cd "$(dirname "$0")/../benchmarks"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=results/$stamp
mkdir -p "$out/bin"
ln -sfn "$stamp" results/latest

step() { printf '\n== %s\n' "$*" >&2; }

step "environment"
{
  echo "date:       $stamp"
  echo "go:         $(go version)"
  echo "cores:      $(nproc)  GOMAXPROCS=${GOMAXPROCS:-default}"
  echo "load:       $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "git:        $(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C .. diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
  echo "settings:   COUNT=$COUNT BENCHTIME=$BENCHTIME BENCH=$BENCH MEMCOUNT=$MEMCOUNT MEM_SMALL=$MEM_SMALL MEM_LARGE=$MEM_LARGE"
} | tee "$out/env.txt" >&2

step "build test binaries"
go test -c -o "$out/bin/benchmarks.test" .
bins=("$out/bin/benchmarks.test")
if go build ../loremuptest && go test -c -o "$out/bin/fakecost.test" ./fakecost; then
  bins+=("$out/bin/fakecost.test")
else
  echo "WARNING: loremuptest does not build: the fake-server cost is not measured" >&2
fi

# run_round FILE BENCHTIME REGEXP: every binary once, appended to FILE.
run_round() {
  local file=$1 benchtime=$2 regexp=$3 bin
  for bin in "${bins[@]}"; do
    "$bin" -test.run '^$' -test.bench "$regexp" -test.benchmem -test.count 1 \
      -test.benchtime "$benchtime" -test.timeout 0 >>"$file"
  done
}

step "main run: $COUNT round(s), -benchtime $BENCHTIME"
: >"$out/bench.txt"
for i in $(seq 1 "$COUNT"); do
  echo "round $i/$COUNT" >&2
  run_round "$out/bench.txt" "$BENCHTIME" "$BENCH"
done

mem_args=()
if [ "$MEMCOUNT" -gt 0 ]; then
  step "memory runs: $MEMCOUNT round(s) at $MEM_SMALL and $MEM_LARGE"
  : >"$out/mem-small.txt"
  : >"$out/mem-large.txt"
  for i in $(seq 1 "$MEMCOUNT"); do
    echo "round $i/$MEMCOUNT" >&2
    "${bins[0]}" -test.run '^$' -test.bench "$MEM_BENCH" -test.benchmem -test.count 1 \
      -test.benchtime "$MEM_SMALL" -test.timeout 0 >>"$out/mem-small.txt"
    "${bins[0]}" -test.run '^$' -test.bench "$MEM_BENCH" -test.benchmem -test.count 1 \
      -test.benchtime "$MEM_LARGE" -test.timeout 0 >>"$out/mem-large.txt"
  done
  mem_args=(-mem-small "$out/mem-small.txt" -mem-large "$out/mem-large.txt"
    -small-label "$MEM_SMALL" -large-label "$MEM_LARGE")
fi

if [ "$PROFILE" = 1 ]; then
  step "profile BenchmarkSDKCreate"
  # Two runs: recording every allocation (memprofilerate 1) would skew
  # the CPU profile.
  (cd "$out" && ./bin/benchmarks.test -test.run '^$' -test.bench '^BenchmarkSDKCreate$' -test.benchmem \
    -test.benchtime "${PROFILE_BENCHTIME:-3s}" -test.cpuprofile cpu.prof >profile.txt &&
    ./bin/benchmarks.test -test.run '^$' -test.bench '^BenchmarkSDKCreate$' -test.benchmem \
      -test.benchtime 20000x -test.memprofile mem.prof -test.memprofilerate 1 >>profile.txt)
  go tool pprof -top -nodecount 40 -sample_index=alloc_objects "$out/bin/benchmarks.test" "$out/mem.prof" \
    >"$out/pprof-alloc-objects.txt" 2>/dev/null
  go tool pprof -top -cum -nodecount 60 "$out/bin/benchmarks.test" "$out/cpu.prof" \
    >"$out/pprof-cpu-cum.txt" 2>/dev/null
  echo "profiles: $out/cpu.prof $out/mem.prof; top lists in $out/pprof-*.txt" >&2
fi

step "benchstat (main run)"
go run "$BENCHSTAT" "$stamp=$out/bench.txt" | tee "$out/benchstat.txt"
if [ "$MEMCOUNT" -gt 0 ]; then
  step "benchstat (B/op at $MEM_SMALL vs $MEM_LARGE)"
  go run "$BENCHSTAT" "$MEM_SMALL=$out/mem-small.txt" "$MEM_LARGE=$out/mem-large.txt" |
    tee "$out/benchstat-mem.txt"
fi

step "targets (benchmarks/cmd/ratios)"
strict=()
[ "$STRICT" = 1 ] && strict=(-strict)
go run ./cmd/ratios -bench "$out/bench.txt" "${mem_args[@]}" "${strict[@]}" | tee "$out/targets.txt"

# The test binaries are only needed to read the profiles.
[ "$PROFILE" = 1 ] || rm -rf "$out/bin"
echo >&2
echo "raw output and tables: benchmarks/$out" >&2
