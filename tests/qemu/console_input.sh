#!/usr/bin/env bash
# Default config (make run): typed commands reach the Linux shell through the emulated UART,
# and Ctrl-a three times moves console input to the next partition and back.
source tests/qemu/lib.sh
img=$BUILD/partvisor.bin
fifo=$LOGDIR/$TEST.in
rm -f "$fifo"; mkfifo "$fifo"
bash platform/qemu-virt/run.sh "$img" $(make -s run-args) <"$fifo" >"$LOG" 2>&1 &
qpid=$!
exec 3>"$fifo"
# wait_for REGEX SECONDS
wait_for() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    grep -Eq -- "$1" "$LOG" && return 0
    sleep 0.5
  done
  return 1
}
if wait_for "^\[linux\] .*Enter 'help'" 400; then
  pass "Linux shell started on the partition console"
  sleep 3
  printf 'echo typed-$((6*7))\r' >&3
  if wait_for "^\[linux\] typed-42" 60; then pass "a typed command ran in the Linux shell"; else fail "typed command produced no output"; fi
  printf '\001\001\001' >&3
  if wait_for "console input goes to partition bare" 30; then pass "Ctrl-a x3 moves input to bare"; else fail "no switch to bare"; fi
  printf 'echo lost-$((2*3))\r' >&3
  sleep 5
  printf '\001\001\001' >&3
  wait_for "console input goes to partition linux \(" 30 && pass "Ctrl-a x3 again moves input back to linux" || fail "no switch back to linux"
  printf 'echo back-$((7*6))\r' >&3
  if wait_for "^\[linux\] back-42" 60; then pass "input reaches linux again after switching back"; else fail "no output after switching back"; fi
  expect_not "^\[linux\] lost-6" "input typed while bare had the focus did not reach linux"
  printf 'poweroff -f\r' >&3
  wait_for "^partvisor: partition linux stopped" 60 && pass "poweroff stops the linux partition" || fail "linux did not stop"
  expect "^\[bare\] testguest: heartbeat" "bare keeps printing its heartbeat"
else
  fail "no Linux shell prompt (see $LOG)"
fi
exec 3>&-
pkill -P $qpid 2>/dev/null; kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
rm -f "$fifo"
finish
