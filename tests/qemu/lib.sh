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
# expect_line LINE WHAT: the log has exactly this line (fixed string).
expect_line() {
  if grep -Fxq -- "$1" "$LOG"; then pass "$2"; else fail "$2 (no line '$1' in $LOG)"; fi
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

# after REGEX1 REGEX2: some line matching REGEX2 comes after the first line matching REGEX1.
after() {
  A="$1" B="$2" awk 'seen && $0 ~ ENVIRON["B"] { found = 1; exit }
                     !seen && $0 ~ ENVIRON["A"] { seen = 1 }
                     END { exit !found }' "$LOG"
}

# _boot_poll IMAGE TIMEOUT CHECK [QEMU args...]: boots in the background and stops QEMU as soon
# as the command CHECK (a function name; it reads $LOG) succeeds. QEMU_RC is 0 when it did, 124
# on timeout.
_boot_poll() {
  local img=$1 t=$2 check=$3 pid i
  shift 3
  : >"$LOG"
  bash platform/qemu-virt/run.sh "$img" "$@" </dev/null >"$LOG" 2>&1 &
  pid=$!
  QEMU_RC=124
  for ((i = 0; i < t * 2; i++)); do
    if $check; then QEMU_RC=0; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  pkill -P $pid 2>/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null
  sed -i 's/\r$//' "$LOG"
  $check && QEMU_RC=0
}
_until_line() { grep -Eq -- "$_UNTIL_RE" "$LOG"; }
_until_after() { after "$_UNTIL_FIRST" "$_UNTIL_RE"; }

# boot_until IMAGE TIMEOUT REGEX [QEMU args...]: like boot, but stops QEMU as soon as a line
# matching REGEX appears (for configs whose other partitions run forever). QEMU_RC is 0 when
# the line appeared, 124 on timeout.
boot_until() {
  local img=$1 t=$2
  _UNTIL_RE=$3
  shift 3
  _boot_poll "$img" "$t" _until_line "$@"
}

# boot_until_after IMAGE TIMEOUT REGEX1 REGEX2 [QEMU args...]: like boot_until, but waits for a
# line matching REGEX2 that comes after the first line matching REGEX1.
boot_until_after() {
  local img=$1 t=$2
  _UNTIL_FIRST=$3 _UNTIL_RE=$4
  shift 4
  _boot_poll "$img" "$t" _until_after "$@"
}

# build_config NAME DTS [make variables...]: build the firmware with config DTS into $BUILD/cfg-NAME
# (extra arguments go to make, e.g. IMAGES=...); prints the .bin path. Called as img=$(...):
# the FAIL line goes to stderr, since stdout (and the subshell's failure count) is captured;
# tests/run-tests.sh counts it from the test's output either way.
build_config() {
  local out=$BUILD/cfg-$1 dts=$2
  shift 2
  # CHECK_CONFIGS=no: the shipped configs are checked by the main build, not by every test's
  if ! make -s BUILD="$out" CONFIG_DTS="$dts" CHECK_CONFIGS=no "$@" all >"$LOGDIR/$TEST.build.log" 2>&1; then
    fail "build with $dts (see $LOGDIR/$TEST.build.log)" >&2
    return 1
  fi
  echo "$out/partvisor.bin"
}
