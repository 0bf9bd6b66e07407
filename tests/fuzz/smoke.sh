#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fuzz smoke test: builds the libFuzzer harnesses (make fuzz-build) and runs each once over every
# input of its committed seed corpus tests/fuzz/corpus/<name>/ (no fuzzing, nothing written there).
# Prints one line per harness, "PASS: fuzz smoke: <name> (<N> inputs)" or "FAIL: fuzz smoke: <name>",
# for tests/run-tests.sh's PASS/FAIL count; exits 0 only when every harness passed.
# Environment: BUILD (default build), output in $BUILD/fuzz/smoke/.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NAMES="config platform guest_fdt mmio_decode vpci vsbi vcon"
OUT=$BUILD/fuzz/smoke
mkdir -p "$OUT"

if ! make -s BUILD="$BUILD" fuzz-build >"$OUT/build.log" 2>&1; then
  cat "$OUT/build.log"
  for n in $NAMES; do echo "FAIL: fuzz smoke: $n (build failed)"; done
  exit 1
fi

failed=0
for n in $NAMES; do
  inputs=(tests/fuzz/corpus/"$n"/*)
  log=$OUT/$n.log
  if [ ! -e "${inputs[0]}" ]; then
    echo "FAIL: fuzz smoke: $n (no seed inputs)"
    failed=1
    continue
  fi
  mkdir -p "$OUT/artifacts-$n"
  if "$BUILD/fuzz/fuzz_$n" -artifact_prefix="$OUT/artifacts-$n/" "${inputs[@]}" >"$log" 2>&1 &&
     [ "$(grep -c '^Executed ' "$log")" -eq "${#inputs[@]}" ]; then
    echo "PASS: fuzz smoke: $n (${#inputs[@]} inputs)"
  else
    echo "FAIL: fuzz smoke: $n"
    grep -m5 -E 'invariant failed|ERROR: |runtime error|^Running: ' "$log" | tail -5
    failed=1
  fi
done
exit $failed
