#!/usr/bin/env bash
# Default config (make run: two Linux partitions, linux0 and linux1): typed commands reach
# linux0's shell through partvisor's virtio console (hvc0, input by the physical UART's
# interrupt), Ctrl-a three times moves console input to linux1 and back; input typed for one
# partition never reaches the other. Both have their network up. The shell prompts without
# terminal queries (tests/linux/init).
source tests/qemu/lib.sh
img=$BUILD/partvisor.bin
fifo=$LOGDIR/$TEST.in
rm -f "$fifo"; mkfifo "$fifo"
# shellcheck disable=SC2046  # make prints words to split
env $(make -s run-env) bash platform/qemu-virt/run.sh "$img" \
  $(make -s HVC_CHARDEV="file,path=$LOGDIR/$TEST.hvc0" run-args) <"$fifo" >"$LOG" 2>&1 &
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
if wait_for "^\[linux0\] .*Enter 'help'" 400 && wait_for "^\[linux1\] .*Enter 'help'" 200; then
  pass "Linux shells started on both partition consoles"
  expect "^partvisor: console input by interrupt" "console input arrives by interrupt (no polling)"
  for p in linux0 linux1; do
    expect "^\[$p\] .*printk: .*console \[hvc0\] enabled" "$p's kernel console is hvc0 (the virtio console)"
  done
  sleep 3
  printf 'echo typed-$((6*7))\r' >&3
  if wait_for "^\[linux0\] typed-42" 60; then pass "a typed command ran in linux0's shell"; else fail "typed command produced no output"; fi
  printf '\001\001\001' >&3
  if wait_for "console input goes to partition linux1" 30; then pass "Ctrl-a x3 moves input to linux1"; else fail "no switch to linux1"; fi
  printf 'echo other-$((2*3))\r' >&3
  if wait_for "^\[linux1\] other-6" 60; then pass "input reaches linux1 after switching"; else fail "no output from linux1"; fi
  printf '\001\001\001' >&3
  wait_for "console input goes to partition linux0 \(" 30 && pass "Ctrl-a x3 again moves input back to linux0" || fail "no switch back to linux0"
  printf 'echo back-$((7*6))\r' >&3
  if wait_for "^\[linux0\] back-42" 60; then pass "input reaches linux0 again after switching back"; else fail "no output after switching back"; fi
  # the console is no terminal: the shell prompts without asking it anything (ESC[6n, printed escaped)
  expect "^\[linux0\] linux0# echo typed-" "linux0's prompt, then the typed command echoed"
  expect_not '\\x1b\[6n|\^\[\[[0-9]+;[0-9]+R' "no terminal query (ESC[6n) nor a cursor report on the console"
  expect_not "^\[linux0\] other-6" "input typed while linux1 had the focus did not reach linux0"
  expect_not "^\[linux1\] (typed|back)-42" "input typed for linux0 did not reach linux1"
  printf 'ping -c 2 10.0.0.2\r' >&3
  if wait_for "^\[linux0\] 2 packets transmitted, 2 packets received" 60; then pass "linux0 pings linux1 from its shell"; else fail "ping from the linux0 shell failed"; fi
  # Ctrl-C reaches the foreground job: a long sleep is interrupted and the next command runs
  printf 'sleep 600\r' >&3; sleep 2; printf '\003' >&3; sleep 1
  printf 'echo after-ctrl-c-$((40+2))\r' >&3
  if wait_for "^\[linux0\] after-ctrl-c-42" 30; then pass "Ctrl-C stopped the shell's foreground job"; else fail "Ctrl-C did not stop 'sleep 600'"; fi
  # plain reboot / poweroff (busybox signals /init, which restarts or stops only this partition)
  printf 'reboot\r' >&3
  if wait_for "^partvisor: partition linux0 rebooting" 60; then pass "reboot restarts the linux0 partition"; else fail "reboot did nothing"; fi
  if wait_for "^\[linux0\] partvisor Linux guest: .*boot-count 2" 400; then pass "linux0 booted again (boot-count 2)"; else fail "linux0 did not come back"; fi
  expect_not "^partvisor: partition linux1 (stopped|rebooting)" "linux1 kept running through linux0's reboot"
  wait_for "^\[linux0\] .*Enter 'help'" 200; sleep 3
  printf 'poweroff\r' >&3
  wait_for "^partvisor: partition linux0 stopped" 60 && pass "poweroff stops the linux0 partition" || fail "linux0 did not stop"
else
  fail "no Linux shell prompts (see $LOG)"
fi
exec 3>&-
pkill -P $qpid 2>/dev/null; kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
rm -f "$fifo"
finish
