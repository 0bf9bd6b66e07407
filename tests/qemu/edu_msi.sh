#!/usr/bin/env bash
# MSI delivery costs no exit, and the native baseline of make bench works (tests/configs/msi-bench.dts,
# test guest "edu-bench"): the same machine (-M virt,...,iommu-sys=on -smp 2 -m 512M, QEMU's edu at
# 00:05.0) boots
#   native:    OpenSBI -> the test guest, which puts the IOMMU (reset: Off) into Bare mode, assigns
#              BAR0 in the host bridge's 32-bit window and aims the MSI at its S-level file;
#   partvisor: one partition owning the edu, MSIs through its MSI page table into its guest file.
# Each time the guest takes 1000 MSIs raised by a store to BAR0. Under partvisor that must cost no
# interrupt or virtual-instruction exit, and fewer guest-page faults than the loop's 1000 raising
# stores to BAR0 (of its 2000, raise and acknowledge): BAR0 is mapped in the G-stage, not trapped
# (were only the raises trapped, that would be 1000 at least).
source tests/qemu/lib.sh
# shellcheck disable=SC2054  # the commas are part of the QEMU options
machine=(-M virt,aia=aplic-imsic,aia-guests=3,iommu-sys=on -cpu max -smp 2 -m 512M -device edu,addr=5)
img=$(build_config "$TEST" tests/configs/msi-bench.dts) || finish
deliveries='edubench: (native|partvisor) msi 0x28000000: 1000 deliveries, instructions raise -> handler min [0-9]+ median [0-9]+ max [0-9]+'

main_log=$LOG
LOG=$LOGDIR/$TEST.native.log
timeout --foreground -k 5 60 nice -n 5 "${QEMU:-qemu-system-riscv64}" "${machine[@]}" -nographic -monitor none \
  -bios default -kernel "$BUILD/cfg-$TEST/guests/testguest.bin" -append edu-bench </dev/null >"$LOG" 2>&1
sed -i 's/\r$//' "$LOG"
expect "^edu: native: iommu at 0x3010000 in mode 1 \(1 = Bare\)$" "native: the guest put the IOMMU into Bare mode"
expect "^edu: native: bar0 assigned 0x40000000 in the host bridge's 32-bit window$" "native: the guest assigned BAR0 at the window's start"
expect "^edu: ident 0x010000ed, liveness ok$" "native: the edu answers at the assigned BAR0"
expect "^edu: no MSI_COMPOSE \(native\): msi address 0x28000000, our S-level file$" "native: MSIs aimed at hart 0's S-level file"
expect "^${deliveries/(native|partvisor)/native}" "native: 1000 MSIs delivered"
expect "^testguest: all harts stopped, result PASS" "native: the test guest reports PASS"

LOG=$main_log
SMP=2 MEM=512M MACHINE_OPTS=iommu-sys=on boot "$img" 60 -device edu,addr=5
expect "^partvisor: pci 00:05\.0 .*-> partition alpha .*MSIs through its own MSI page table" "the edu goes to alpha with an MSI page table"
expect "^\[alpha\] edu: found 00:00\.0 1234:11e8 bar0 0x[0-9a-f]+$" "alpha finds BAR0 assigned by the hypervisor"
expect "^\[alpha\] ${deliveries/(native|partvisor)/partvisor}" "alpha took 1000 MSIs"
expect "^\[alpha\] testguest: all harts stopped, result PASS" "alpha's test guest reports PASS"
for c in interrupt virtual-instruction hv-request; do
  v=$(exit_counter alpha $c)
  if [ "$v" = 0 ]; then pass "alpha: zero $c exits over 1000 MSIs"; else fail "alpha: $c exits = '${v}' (expected 0)"; fi
done
v=$(exit_counter alpha guest-page-fault)
if [ -n "$v" ] && [ "$v" -lt 1000 ]; then
  pass "alpha: $v guest-page faults in the whole run, fewer than the loop's 1000 raising stores to BAR0"
else
  fail "alpha: guest-page-fault exits = '${v}' (1000 or more: BAR0 stores trapped?)"
fi
expect_not "FAIL|PANIC|unexpected trap" "no failure, panic or unexpected trap"
expect_qemu_exit0
finish
