#!/usr/bin/env bash
# PCI passthrough through the RISC-V IOMMU, tests/configs/iommu-edu.dts: QEMU's edu device (00:05.0)
# belongs to alpha, whose test guest ("edu" mode) finds it on its virtual host bridge at 00:00.0,
# DMAs between its RAM and the device, takes the device's MSIs in its own interrupt file, then aims
# DMA (writes and reads) and MSIs at what it does not own: past its RAM, the hypervisor's load
# address, beta's RAM and beta's interrupt files. The guest sees no foreign data and no interrupt;
# the hypervisor reports each blocked transaction naming alpha and the device; beta (heartbeat)
# keeps running after alpha has finished and stopped.
#   iommu_edu.sh [sys|pci] [flat|nomsi]
#     sys: the platform IOMMU (-M virt,iommu-sys=on, the default)
#     pci: the IOMMU as PCI function 00:01.0 (-device riscv-iommu-pci)
#     flat: MSIs through per-device MSI page tables (the default); nomsi: an IOMMU without
#           MSI_FLAT (QEMU intremap=false), MSIs through per-device second-stage tables. The
#           guest sees the same; GET_INFO's feature bit and the boot log say which.
variant=${1:-sys}
msimode=${2:-flat}
TEST=iommu_edu_$variant${2:+_$msimode}
source tests/qemu/lib.sh
# shellcheck disable=SC2054  # the comma is part of the QEMU option
case $msimode in
  flat) intremap=on ;;
  nomsi) intremap=off ;;
  *) fail "unknown MSI mode '$msimode' (flat or nomsi)"; finish ;;
esac
# shellcheck disable=SC2054
case $variant in
  sys) export MACHINE_OPTS=iommu-sys=on; iommu=(-global riscv-iommu.intremap=$intremap) ;;
  pci) unset MACHINE_OPTS; iommu=(-device riscv-iommu-pci,addr=1,intremap=$intremap) ;;  # never both IOMMUs (facts §2.4.9)
  *) fail "unknown IOMMU variant '$variant' (sys or pci)"; finish ;;
esac
# alpha runs the test guest linked for guest RAM at 4 GiB: the firmware embeds both images.
# edu's dma_mask defaults to 28 bits (QEMU ANDs DMA addresses with it): alpha's RAM is above 4 GiB.
# shellcheck disable=SC2016  # $(BUILD) is for make
img=$(build_config "$TEST" tests/configs/iommu-edu.dts \
  'IMAGES=testguest=$(BUILD)/guests/testguest.bin testguest-4g=$(BUILD)/guests/testguest-4g.bin') || finish
boot_until_after "$img" 120 "^partvisor: partition alpha stopped" "^\[beta\] testguest: heartbeat" \
  "${iommu[@]}" -device edu,addr=5,dma_mask=0xffffffffff

a='^\[alpha\] edu:'
# fault CAUSE IOVA: regex of the hypervisor's report of a transaction of alpha's edu that the IOMMU blocked.
fault() {
  echo "^partvisor: iommu: fault: partition alpha device 00:05\.0 cause $1 ttyp [0-9]+ \([^)]*\) iova $2( |$)"
}
write_fault='23 \(write/AMO guest-page fault\)'
read_fault='21 \(read guest-page fault\)'

if [ "$msimode" = nomsi ]; then
  expect "^partvisor: iommu: .*base device contexts\), no MSI_FLAT: MSIs through the second stage" "the IOMMU has no MSI_FLAT: base device contexts"
  expect "^partvisor: pci 00:05\.0 .*-> partition alpha .*MSIs through its own second stage" "the boot log gives alpha's edu its own second stage for MSIs"
  feat_want=4; feat_name=PARTVISOR_FEAT_MSI_GSTAGE
else
  expect "^partvisor: pci 00:05\.0 .*-> partition alpha .*MSIs through its own MSI page table" "the boot log gives alpha's edu its own MSI page table"
  feat_want=1; feat_name=PARTVISOR_FEAT_MSI_FLAT
fi
expect "$a bus 0 shows 1 function\(s\)" "alpha's bus shows only its own function"
expect "$a found 00:00\.0 1234:11e8 bar0 0x[0-9a-f]+$" "alpha finds the edu at 00:00.0 with BAR0 assigned"
expect "$a ident 0x010000ed, liveness ok" "alpha reaches the edu's registers through BAR0"
expect "$a dma own RAM ok" "DMA from alpha's RAM to the device and back"
expect "$a msi_compose\(vcpu 0, identity 3\) = 0x28000000$" "MSI_COMPOSE gives vCPU 0's interrupt file"
expect "$a msi own file ok \(4 interrupts\)" "MSIs reach alpha's interrupt file (3 raised, 1 DMA completion)"
# hypercall ABI v1 (include/partvisor/hypercall.h): GET_INFO; policy "open" (the default): MSIs reach
# vCPU 0's file without MSI_COMPOSE (the line above) and after MSI_RELEASE; MSI_COMPOSE works too.
info_re="$a get_info version 0x10000 features 0x([0-9a-f]+) vcpus 2 ids ([0-9]+) devices 1 ok$"
expect "$info_re" "GET_INFO: version 1.0, alpha's 2 vCPUs, at least 63 identities, 1 device"
info=$(grep -E -m1 -- "$info_re" "$LOG")
features=$(sed -E "s/.* features 0x([0-9a-f]+) .*/\1/" <<<"$info")
ids=$(sed -E "s/.* ids ([0-9]+) .*/\1/" <<<"$info")
if [ -n "$info" ] && (( (0x$features & 2) == 0 )); then
  pass "GET_INFO features 0x$features: no PARTVISOR_FEAT_COMPOSED (policy open)"
else
  fail "GET_INFO features '${features}' has PARTVISOR_FEAT_COMPOSED or no GET_INFO line"
fi
if [ -n "$info" ] && (( (0x$features & 5) == feat_want )); then
  pass "GET_INFO features 0x$features: $feat_name (the IOMMU's MSI mode), not the other"
else
  fail "GET_INFO features '${features}': want $feat_name only of bits 0 and 2"
fi
expect "$a get_info refuses unknown items ok" "GET_INFO refuses unknown items"
expect "$a policy open: every vCPU file reachable" "alpha's guest sees policy open"
expect "$a composed msi vcpu 0 identity 3 ok \(4 interrupts\)" "MSI_COMPOSE(00:00.0, vCPU 0, 3) gives 0x28000000 and the MSIs arrive"
expect "$a msi_compose refuses device 0x0008 ok" "MSI_COMPOSE refuses 00:01.0 (not alpha's device)"
expect "$a msi_compose refuses device 0x0100 ok" "MSI_COMPOSE refuses 01:00.0 (no such bus)"
expect "$a msi_compose refuses device -1 ok" "MSI_COMPOSE refuses device -1"
expect "$a msi_compose refuses vcpu 2 ok" "MSI_COMPOSE refuses vCPU 2 (alpha has 2)"
expect "$a msi_compose refuses identity 0 ok" "MSI_COMPOSE refuses identity 0"
if [ -n "$ids" ]; then
  expect "$a msi_compose refuses identity $((ids + 1)) ok" "MSI_COMPOSE refuses identity nr_ids + 1 = $((ids + 1))"
else
  fail "MSI_COMPOSE refuses identity nr_ids + 1 (no GET_INFO line, so no nr_ids)"
fi
expect "$a msi_release refuses vcpu 0 identity 7 never composed ok" "MSI_RELEASE refuses what was never composed"
expect "$a policy open: msi after release still delivered ok" "policy open: MSIs reach vCPU 0's file after MSI_RELEASE"
expect "$a msi_release refuses a second release ok" "MSI_RELEASE refuses a second release"
expect_not "$a (policy composed|msi to vcpu 1 not composed|msi after release blocked)" "no composed-policy checks under policy open"

# DMA: just past alpha's RAM (guest 0x100000000 + 64 MiB), the hypervisor's load address, beta's image
for t in 0x104000000 0x80200000 0x90200000; do
  expect "$a dma to $t issued" "alpha's device wrote to $t"
  expect "$(fault "$write_fault" $t)" "IOMMU blocked and reported the DMA write to $t"
  expect "$a dma from $t blocked \(device buffer (got zeros|unchanged)\)" "the DMA read from $t brought no data"
  expect "$(fault "$read_fault" $t)" "IOMMU blocked and reported the DMA read from $t"
done
expect "$a dma own RAM ok after blocked DMA" "the device still DMAs to alpha's RAM after its faults"

# MSI: beta's vCPU 0 and 1 guest interrupt files (host addresses: harts 2 and 3, guest file 1), and
# the guest IMSIC page past alpha's 2 vCPUs. With 2 vCPUs alpha's MSI window is 2 pages, so all three
# miss it and go through the G-stage, where they are not mapped: write guest-page faults.
for t in 0x28009000 0x2800d000 0x28002000; do
  expect "$a msi to $t blocked \(no interrupt\)" "alpha's device MSI to $t did not interrupt alpha"
  expect "$(fault "$write_fault" $t)" "IOMMU blocked and reported the MSI to $t"
done
expect "$a msi own file ok after blocked MSIs" "MSIs still reach alpha's interrupt file after the faults"
expect "$a msi_compose refuses vcpu 2 and identity 0 ok" "MSI_COMPOSE refuses a vCPU and an identity alpha does not have"

expect "^\[alpha\] testguest: all harts stopped, result PASS" "alpha's test guest reports PASS"
expect_not "^\[alpha\].*FAIL" "no failure in alpha"
expect "^partvisor: partition alpha stopped" "alpha stopped through SRST"
expect "^\[beta\] testguest: all harts stopped, result PASS" "beta's test guest reports PASS"
if after "$(fault '[0-9]+ \([^)]*\)' '0x[0-9a-f]+')" "^\[beta\] testguest: heartbeat" &&
   after "^partvisor: partition alpha stopped" "^\[beta\] testguest: heartbeat"; then
  pass "beta's heartbeat went on after alpha's faults and after alpha stopped"
else
  fail "no beta heartbeat after alpha's faults and stop (QEMU_RC $QEMU_RC)"
fi
expect_not "partition \(none\)" "no faults from devices nobody owns"
# Until the flood every fault is reported; the flood (one blocked 4 KiB DMA = 1024 faults) overflows
# the 64-record fault queue: reported, then the device, the partition and beta go on.
if sed -n "/$a fault flood/q;p" "$LOG" | grep -Eq "further faults|fault records were lost"; then
  fail "faults before the flood were not all reported"
else
  pass "every fault before the flood reported"
fi
expect "$a fault flood" "alpha floods the IOMMU with faults"
expect "^partvisor: iommu: fault queue overflow: fault records were lost" "fault-queue overflow reported"
expect "^partvisor: iommu: further faults of partition alpha device 00:05\.0 are not reported" \
  "fault reports of the device are limited"
expect "$a dma own RAM ok after a fault flood" "the device still works after the flood"
expect_not "PANIC|unexpected trap" "no panic or unexpected trap"
finish
