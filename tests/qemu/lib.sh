# Helpers for QEMU boot tests (sourced). Each check prints "PASS: <test>: <what>" or
# "FAIL: <test>: <what>"; tests/run-tests.sh counts them.
# shellcheck shell=bash
set -uo pipefail

TEST=${TEST:-$(basename "$0" .sh)}
BUILD=${BUILD:-build}
LOGDIR=${LOGDIR:-$BUILD/test-logs}
mkdir -p "$LOGDIR"
LOG=$LOGDIR/$TEST.log
failures=0

pass() { echo "PASS: $TEST: $*"; }
fail() { echo "FAIL: $TEST: $*"; failures=$((failures + 1)); }

# boot IMAGE TIMEOUT [QEMU args...]: boots the firmware with platform/qemu-virt/run.sh, output in $LOG,
# exit status in $QEMU_RC (124 = timed out).
boot() {
  local img=$1 t=$2
  shift 2
  timeout --foreground -k 5 "$t" bash platform/qemu-virt/run.sh "$img" "$@" </dev/null >"$LOG" 2>&1
  QEMU_RC=$?
  # keep the log readable: drop CRs
  sed -i 's/\r$//' "$LOG"
}

# expect REGEX WHAT: the log has a line matching REGEX (extended regex).
expect() {
  if grep -Eq -- "$1" "$LOG"; then pass "$2"; else fail "$2 (no line matching /$1/ in $LOG)"; fi
}
# expect_not REGEX WHAT: no line matches.
expect_not() {
  if grep -Eq -- "$1" "$LOG"; then fail "$2 (found: $(grep -Em1 -- "$1" "$LOG"))"; else pass "$2"; fi
}
# expect_count REGEX N WHAT: exactly N lines match.
expect_count() {
  local n
  n=$(grep -Ec -- "$1" "$LOG")
  if [ "$n" -eq "$2" ]; then pass "$3"; else fail "$3 (expected $2 lines matching /$1/, got $n)"; fi
}
# exit_counter PARTITION NAME: value of counter NAME in the partition's last exit report.
exit_counter() {
  grep -E "^partvisor: $1 exits:" "$LOG" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
expect_qemu_exit0() {
  if [ "$QEMU_RC" -eq 0 ]; then pass "QEMU exited 0"; else fail "QEMU exit status $QEMU_RC (124 = timeout)"; fi
}
finish() { exit $((failures > 0)); }

# boot_until IMAGE TIMEOUT REGEX [QEMU args...]: like boot, but stops QEMU as soon as a line
# matching REGEX appears (for configs whose other partitions run forever). QEMU_RC is 0 when
# the line appeared, 124 on timeout.
boot_until() {
  local img=$1 t=$2 re=$3 pid i
  shift 3
  : >"$LOG"
  bash platform/qemu-virt/run.sh "$img" "$@" </dev/null >"$LOG" 2>&1 &
  pid=$!
  QEMU_RC=124
  for ((i = 0; i < t * 2; i++)); do
    if grep -Eq -- "$re" "$LOG"; then QEMU_RC=0; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  pkill -P $pid 2>/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null
  sed -i 's/\r$//' "$LOG"
  grep -Eq -- "$re" "$LOG" && QEMU_RC=0
}

# build_config NAME DTS: build the firmware with config DTS into $BUILD/cfg-NAME; prints the .bin path.
build_config() {
  local out=$BUILD/cfg-$1
  if ! make -s BUILD="$out" CONFIG_DTS="$2" all >"$LOGDIR/$TEST.build.log" 2>&1; then
    fail "build with $2 (see $LOGDIR/$TEST.build.log)"
    return 1
  fi
  echo "$out/partvisor.bin"
}
