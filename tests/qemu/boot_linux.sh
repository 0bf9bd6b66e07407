#!/usr/bin/env bash
# Linux partition (tests/configs/linux-test.dts): the unmodified Debian kernel boots to the
# busybox /init, which checks from inside the guest (2 CPUs online, RAM size, timer and IPI
# counts growing in /proc/interrupts) and reboots once; the partition restarts from pristine
# images while the bare partition keeps printing its heartbeat; the second boot checks again
# and powers off. The hypervisor's exit counters must show no exits for timer or IPI delivery.
source tests/qemu/lib.sh
img=$(build_config linux tests/configs/linux-test.dts) || finish
boot_until "$img" 600 "^partvisor: partition linux stopped" $(make -s BUILD="$BUILD/cfg-linux" run-args)

expect_count "^\[linux\] LINUX-TEST: done" 2 "Linux reached /init and finished its checks on both boots"
expect "^\[linux\] LINUX-TEST: boot-count 1" "first boot sees boot-count 1"
expect "^\[linux\] LINUX-TEST: boot-count 2" "after reboot the partition sees boot-count 2"
for t in cpus mem timer ipi; do
  expect_count "^\[linux\] LINUX-TEST: $t PASS" 2 "guest check '$t' passes on both boots"
done
expect_not "^\[linux\] LINUX-TEST: .* FAIL" "no guest check failed"
expect "^\[linux\] .*Linux version" "Linux boot log on the console"
expect "^partvisor: partition linux rebooting" "reboot restarts only the linux partition"
# the other partition keeps running across the reboot: heartbeats between reboot and the second boot's end
hb=$(sed -n '/^partvisor: partition linux rebooting/,/LINUX-TEST: boot-count 2/p' "$LOG" | grep -c '^\[bare\] testguest: heartbeat')
if [ "$hb" -ge 1 ]; then pass "bare partition printed $hb heartbeats while linux rebooted"; else fail "no heartbeat from bare during the linux reboot"; fi
# exit counters of each Linux boot (printed at reboot and at stop)
n=0
while read -r line; do
  n=$((n + 1))
  for c in interrupt virtual-instruction sbi-time sbi-ipi; do
    v=$(echo "$line" | tr ' ' '\n' | sed -n "s/^$c=//p")
    if [ "$v" = 0 ]; then pass "linux boot $n: zero $c exits"; else fail "linux boot $n: $c exits = '$v' (expected 0)"; fi
  done
  echo "INFO: linux boot $n exits: ${line#*exits: }"
done < <(grep -E "^partvisor: linux exits:" "$LOG")
[ "$n" -eq 2 ] && pass "exit counters reported for both boots" || fail "expected 2 exit reports, got $n"
expect_not "PANIC|unexpected trap|Kernel panic" "no panic"
if [ "$QEMU_RC" -eq 0 ]; then pass "linux partition stopped by poweroff"; else fail "timed out (see $LOG)"; fi
finish
