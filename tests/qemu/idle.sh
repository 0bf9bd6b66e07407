#!/usr/bin/env bash
# No polling console (tests/configs/linux-idle.dts, QEMU -smp 3): a Linux partition whose console
# is partvisor's virtio console sits at its shell prompt. Console input arrives by the physical
# UART's interrupt on hart 2 (no guest there) and goes into the guest's receive buffers with an
# MSI into its interrupt file; output is one notify per write. Checked, from the hypervisor's exit
# counters (printed with the hypervisor's time after each Ctrl-a x3 focus switch):
#  - an idle window of at least 30 s of guest time (time CSR ticks between two reports) costs the
#    partition no exit at all;
#  - a typed command reaches the shell through hvc0 and its output appears;
#  - a 200-character line and the prompt after it cost at most a few exits (the 16550 would cost
#    two per character).
source tests/qemu/lib.sh
img=$(build_config idle tests/configs/linux-idle.dts) || finish
fifo=$LOGDIR/$TEST.in
rm -f "$fifo"; mkfifo "$fifo"
# shellcheck disable=SC2046  # make prints words to split
SMP=3 timeout -k 5 600 bash platform/qemu-virt/run.sh "$img" $(make -s BUILD="$BUILD/cfg-idle" run-args) \
  <"$fifo" >"$LOG" 2>&1 &
qpid=$!
exec 3>"$fifo"
# log: the log so far without CRs (QEMU still writes it: not edited in place)
log() { tr -d '\r' <"$LOG"; }
# wait_for REGEX SECONDS
wait_for() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    log | grep -Eq -- "$1" && return 0
    sleep 0.5
  done
  return 1
}
# snapshot: press Ctrl-a x3 and wait for the next exit report; sets T (ticks), HZ and EXITS.
nsnap=0
snapshot() {
  nsnap=$((nsnap + 1))
  printf '\001\001\001' >&3
  local i line
  for ((i = 0; i < 60; i++)); do
    [ "$(log | grep -c '^partvisor: exit counters at time')" -ge $nsnap ] &&
      [ "$(log | grep -c '^partvisor: linux exits:')" -ge $nsnap ] && break
    sleep 0.5
  done
  line=$(log | grep '^partvisor: exit counters at time' | sed -n "${nsnap}p")
  T=$(echo "$line" | sed -n 's/.* at time \([0-9]*\) .*/\1/p')
  HZ=$(echo "$line" | sed -n 's/.*timebase \([0-9]*\) Hz.*/\1/p')
  EXITS=$(log | grep '^partvisor: linux exits:' | sed -n "${nsnap}p" | sed 's/^partvisor: linux exits: //')
  [ -n "$T" ] && [ -n "$HZ" ] && [ "$HZ" -gt 0 ] && [ -n "$EXITS" ]
}
# total EXITS-LINE: sum of every per-cause counter (the leading sbi= sum left out).
total() { echo "$1" | tr ' ' '\n' | grep -v '^sbi=' | sed 's/.*=//' | paste -sd+ | bc; }

if wait_for "^\[linux\] .*Enter 'help'" 400; then
  pass "Linux shell started on the virtio console"
  sed 's/\r$//' "$LOG" >"$LOG.now"; LOG0=$LOG; LOG=$LOG.now
  expect "^partvisor: console input by interrupt: APLIC source [0-9]+ -> hart 2" "console input is an interrupt to hart 2, which runs no guest"
  expect "^\[linux\] .*printk: .*console \[hvc0\] enabled" "the kernel console is hvc0"
  LOG=$LOG0
  sleep 3
  # ---- idle window ----
  if snapshot; then
    t0=$T e0=$EXITS
    echo "INFO: idle window start at $t0 ticks: $e0"
    sleep 31
    ok=0
    for ((k = 0; k < 10; k++)); do
      snapshot || break
      if [ $(((T - t0) / HZ)) -ge 30 ]; then ok=1; break; fi
      sleep 5
    done
    echo "INFO: idle window end at $T ticks ($(((T - t0) / HZ)) s of guest time): $EXITS"
    if [ $ok = 1 ]; then
      pass "idle window covers $(((T - t0) / HZ)) s (>= 30) of guest time"
      d=$(($(total "$EXITS") - $(total "$e0")))
      if [ "$d" -eq 0 ]; then pass "idle partition: 0 exits in the window"; else fail "idle partition: $d exits in the window (before: $e0; after: $EXITS)"; fi
    else
      fail "no exit report 30 s of guest time after the first"
    fi
  else
    fail "Ctrl-a x3 printed no exit counters"
  fi
  # ---- input and one output burst ----
  printf 'sleep 8; printf "%%0200d\\n" 7\r' >&3
  # The kernel's line discipline echoes it; behind the prompt "linux# " unless a late kernel
  # message ended that prompt's line first.
  if wait_for '^\[linux\] .*sleep 8; printf' 60; then
    pass "typed command echoed by the shell on hvc0"
    snapshot || fail "Ctrl-a x3 printed no exit counters before the output burst"
    t1=$T e1=$EXITS
    # the console cuts lines at 160 characters: 160 zeros, then 39 zeros and the 7
    line0='0{39}7'
    if wait_for "^\[linux\] $line0\$" 60 && log | grep -Eq '^\[linux\] 0{160}$'; then
      pass "the command ran: its 200-character line appeared"
      sleep 2   # the prompt follows the line
      snapshot
      d=$(($(total "$EXITS") - $(total "$e1")))
      echo "INFO: exits for one 200-character line and the prompt: $d ($e1 -> $EXITS)"
      na=$(log | grep -n "^partvisor: exit counters at time $t1 " | head -1 | cut -d: -f1)
      nb=$(log | grep -En "^\[linux\] $line0\$" | head -1 | cut -d: -f1)
      if [ -n "$na" ] && [ -n "$nb" ] && [ "$na" -lt "$nb" ]; then
        if [ "$d" -ge 1 ] && [ "$d" -le 6 ]; then
          pass "a 200-character line and the prompt cost $d exits (1..6)"
        else
          fail "a 200-character line and the prompt cost $d exits (expected 1..6)"
        fi
      else
        fail "the report meant to come before the output came after it (host too slow?)"
      fi
    else
      fail "no 200-character output line"
    fi
  else
    fail "typed command not echoed"
    # what the guest and the hypervisor did meanwhile (a report from the console's hart shows
    # whether its receive interrupt still comes)
    snapshot && echo "INFO: exits now: $EXITS"
    echo "INFO: the log's last lines:"; log | tail -n 12 | sed 's/^/INFO:   /'
  fi
  log >"$LOG.now"; LOG=$LOG.now
  expect_not "virtio console: .*needs reset" "the virtio console was never marked NEEDS_RESET"
  expect_not "PANIC|unexpected trap|Kernel panic" "no panic"
else
  fail "no Linux shell prompt (see $LOG)"
fi
exec 3>&-
pkill -P $qpid 2>/dev/null; kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
rm -f "$fifo" "$LOG0.now"
finish
