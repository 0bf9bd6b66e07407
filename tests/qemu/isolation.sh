#!/usr/bin/env bash
# tests/configs/isolation.dts: the test guest in alpha stores outside its RAM (just past it, to the
# host address of beta's RAM, far away) and to an IMSIC page of a vCPU it does not own, and asks
# SBI for a console write from outside its RAM and to start a hart it does not have. What the guest
# observed: every store comes back as a store access fault, the SBI calls fail; the hypervisor
# reports each fault naming the partition; beta runs to PASS untouched.
source tests/qemu/lib.sh
img=$(build_config "$TEST" tests/configs/isolation.dts) || finish
boot "$img" 120
for a in 0x84000000 0x84400000 0x100000000 0x28002000; do
  expect "^\[alpha\] hart 0: isolation: store to $a -> store access fault ok" "alpha's store to $a faulted in the guest"
  expect "^partvisor: alpha vcpu 0: store/AMO guest-page fault at gpa $a .*injecting store access fault" \
    "hypervisor reported alpha's fault at $a"
done
expect "^\[alpha\] hart 0: isolation probes ok" "alpha's SBI calls outside its partition were refused"
expect "^\[alpha\] testguest: all harts stopped, result PASS" "alpha kept running after its faults"
expect "^\[beta\] testguest: all harts stopped, result PASS" "beta unaffected"
v=$(exit_counter alpha guest-page-fault); [ "$v" = 4 ] && pass "alpha: 4 guest-page-fault exits" || fail "alpha guest-page-fault = '$v'"
v=$(exit_counter beta guest-page-fault); [ "$v" = 0 ] && pass "beta: no guest-page-fault exits" || fail "beta guest-page-fault = '$v'"
expect_not "PANIC|unexpected trap" "no panic"
expect_qemu_exit0
finish
