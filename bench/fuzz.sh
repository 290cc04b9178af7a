#!/usr/bin/env bash
# Fuzzes the parsers that read what the outside world sends: bench/fuzz.sh [SECONDS] [TARGET...]
# runs each target (all of fuzz/fuzz_targets/ unless some are named) for SECONDS (default
# 600) from the committed seeds in fuzz/seeds/<target>/, and prints for each the executions,
# the executions per second and any crash. A crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script fail at the end; new inputs libFuzzer finds
# are kept in fuzz/corpus/<target>/ (not committed) for the next run.
#
# Engine: libFuzzer through the libfuzzer-sys crate, built on the STABLE toolchain, with no
# nightly and no RUSTC_BOOTSTRAP. These are the flags `cargo fuzz build --sanitizer none`
# passes (cargo-fuzz 0.12/0.13), all of them stable codegen options: -Cpasses=sancov-module,
# -Cllvm-args=-sanitizer-coverage-{level=4,inline-8bit-counters,pc-table,trace-compares,
# stack-depth}, -Cllvm-args=-simplifycfg-branch-fold-threshold=0, --cfg fuzzing,
# -Clink-dead-code. They are set here so that cargo-fuzz need not be installed (`cargo fuzz
# run --sanitizer none <target>` works as well). What is left out: AddressSanitizer
# (-Zsanitizer=address is nightly-only); all of the code fuzzed is safe Rust (unsafe_code is
# forbidden in the workspace), so what libFuzzer catches here is panics (with
# overflow checks and debug assertions on), aborts, timeouts (-timeout) and memory blow-ups
# (-rss_limit_mb, -malloc_limit_mb).
#
# Inputs are capped at -max_len=65536 bytes; an input that takes longer than -timeout
# (default 10 s, FUZZ_TIMEOUT) is a finding like a crash.
# CARGO_TARGET_DIR for the instrumented build: FUZZ_TARGET_DIR (default fuzz/target); the
# cargo profile: FUZZ_PROFILE (default release; CI's short smoke run uses smoke, see
# fuzz/Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
timeout_s=${FUZZ_TIMEOUT:-10}
triple=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$PWD/fuzz/target}
profile=${FUZZ_PROFILE:-release}

if (($#)); then
  targets=("$@")
else
  targets=()
  for f in fuzz/fuzz_targets/*.rs; do
    targets+=("$(basename "$f" .rs)")
  done
fi

flags=(
  -Cpasses=sancov-module
  -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
  -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares
  -Cllvm-args=-simplifycfg-branch-fold-threshold=0
  -Cllvm-args=-sanitizer-coverage-stack-depth
  --cfg fuzzing
  -Clink-dead-code
)
# The search targets bring in tantivy, most of the build: without them it is left out.
features=()
[[ " ${targets[*]}" == *" search_"* ]] || features=(--no-default-features)
echo "== fuzz build (stable, libFuzzer, no sanitizer)"
start=$(date +%s)
# --target keeps the instrumentation off build scripts and proc macros, as cargo-fuzz does.
RUSTFLAGS="${flags[*]} ${RUSTFLAGS:-}" \
  cargo build --manifest-path fuzz/Cargo.toml --locked --profile "$profile" --target "$triple" "${features[@]}" \
  $(printf -- '--bin %s ' "${targets[@]}")
echo "built in $(($(date +%s) - start)) s"
((seconds > 0)) || exit 0

failed=()
printf '%-16s %12s %10s %8s  %s\n' target executions exec/s seconds result
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" "fuzz/seeds/$t"
  log="fuzz/artifacts/$t/last-run.log"
  set +e
  "$CARGO_TARGET_DIR/$triple/$profile/$t" \
    -max_total_time="$seconds" -max_len=65536 -timeout="$timeout_s" \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" \
    "fuzz/corpus/$t" "fuzz/seeds/$t" >"$log" 2>&1
  status=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if ((status == 0)); then
    result=ok
  else
    found=$(grep -o "fuzz/artifacts/$t/[a-z]*-[0-9a-f]*" "$log" | tail -1)
    result="FAILED (exit $status) ${found:-see $log}"
    failed+=("$t")
    grep -m1 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" || true
  fi
  printf '%-16s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$seconds" "$result"
done
if ((${#failed[@]})); then
  echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/; reproduce with the binary and the file)"
  exit 1
fi
