#!/usr/bin/env bash
# tests/configs/suspend.dts. alpha: HSM hart_suspend as the guest sees it: retentive suspend ends on
# its sibling's SBI IPI (sent once hart_get_status showed SUSPENDED) and on the timer (not before
# its deadline), a reserved type is refused, non-retentive suspend resumes at the given address
# with a0 = hart id and a1 = opaque. beta: hart_stop of its last running vCPU stops the partition
# (devices quiesced, exit counters printed), and the machine powers off once alpha is done too.
source tests/qemu/lib.sh
img=$(build_config "$TEST" tests/configs/suspend.dts) || finish
boot "$img" 120
expect "^\[alpha\] suspend: retentive, SUSPENDED seen by the sibling, woken by its IPI ok" \
  "alpha: retentive suspend is SUSPENDED to its sibling and ends on an SBI IPI"
expect "^\[alpha\] suspend: retentive woken by the timer ok" "alpha: retentive suspend ends on the timer"
expect "^\[alpha\] suspend: reserved type refused ok" "alpha: reserved suspend type refused"
expect "^\[alpha\] suspend: non-retentive resumed at its address" "alpha: non-retentive suspend resumes at its address"
expect "^\[alpha\] testguest: all harts stopped, result PASS" "alpha: PASS"
expect "^\[beta\] testguest: last hart stopping with hart_stop" "beta: last vCPU calls hart_stop"
expect "^partvisor: partition beta stopped" "beta: hart_stop of the last vCPU stopped the partition"
expect "^partvisor: beta exits:" "beta: exit counters printed at its stop"
expect_not "^\[beta\] hart [0-9]+: hart_stop FAIL" "beta: hart_stop did not return"
expect "^partvisor: all partitions stopped, powering off" "machine powered off after both partitions"
expect_not "PANIC|unexpected trap" "no panic"
expect_qemu_exit0
finish
