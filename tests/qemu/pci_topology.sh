#!/usr/bin/env bash
# PCI topologies and isolation groups (docs/architecture.md "Isolation groups"): QEMU's edu devices
# (conventional PCI, DMA + plain MSI) behind bridges, with the platform IOMMU (iommu-sys=on).
#   pci_topology.sh CASE [flat|nomsi]   CASE: rp | rp-noacs | switch | pcipci | multifn
#     nomsi: the IOMMU without MSI_FLAT (QEMU intremap=false): each function's own second stage
#     (alias device_ids share the owner's) instead of MSI page tables; the same checks hold.
# Two short boots per case:
#   1. tests/configs/pci-topo-CASE.dts: alpha owns the whole group. Checked: the enumeration
#      (bridges, secondary bus numbers, requester IDs, groups), alpha's guest finds every function
#      with a BAR (reached through the bridges' windows), DMAs within its RAM and takes MSIs with
#      each of them; DMA and MSIs aimed outside are blocked and reported by the IOMMU under the
#      requester ID QEMU's riscv-iommu sees; beta keeps running.
#   2. tests/configs/bad-pci-topo-CASE.dts: a config that splits the group (or, for rp, assigns the
#      host bridge) stops boot with the named PCI passthrough error, nothing started (bad_config.sh).
# QEMU 10.0's riscv-iommu takes a device's device_id when the machine is created, before any bus
# number is programmed: DMA from behind a bridge is seen on bus 0; writes to the MSI window carry the
# requester ID of the moment (a PCIe-to-PCI bridge's alias included). Both get the device context.
case=${1:-}
msimode=${2:-flat}
TEST=pci_topology_$case${2:+_$msimode}
source tests/qemu/lib.sh
export MACHINE_OPTS=iommu-sys=on
dm=dma_mask=0xffffffffff   # edu's default 28-bit DMA mask cannot reach alpha's RAM above 4 GiB
# shellcheck disable=SC2054  # the commas are part of the QEMU options
# per case: QEMU devices; "bdf requester-ID DMA-device_id" of each edu in alpha's order; bridge lines;
# the bad config's message
case $case in
  rp)
    qemu=(-device pcie-root-port,id=rp1,addr=2,chassis=1 -device "edu,bus=rp1,$dm")
    funcs=("01:00.0 01:00.0 00:00.0")
    bridges=("00:02\.0 \[1b36:000c\] class 060400 \(bridge\) ACS secondary bus 01")
    bad="PCI function 00:00\.0 is the host bridge \(class 06 00\); only endpoints can be assigned" ;;
  rp-noacs)
    qemu=(-device pcie-root-port,id=rp1,addr=2,chassis=1,disable-acs=on
          -device "edu,bus=rp1,addr=0.0,multifunction=on,$dm" -device "edu,bus=rp1,addr=0.1,$dm")
    funcs=("01:00.0 01:00.0 00:00.0" "01:00.1 01:00.1 00:00.1")
    bridges=("00:02\.0 \[1b36:000c\] class 060400 \(bridge\) secondary bus 01")
    bad="PCI function 01:00\.0 shares its isolation group with 01:00\.1 \(port 00:02\.0 lacks ACS SV/RR/CR/UF: peer-to-peer\), which is assigned to partition beta" ;;
  switch)
    qemu=(-device pcie-root-port,id=rp1,addr=2,chassis=1 -device x3130-upstream,id=up,bus=rp1
          -device xio3130-downstream,id=dn1,bus=up,addr=0,chassis=2 -device "edu,bus=dn1,$dm"
          -device xio3130-downstream,id=dn2,bus=up,addr=1,chassis=3 -device "edu,bus=dn2,$dm")
    funcs=("03:00.0 03:00.0 00:00.0" "04:00.0 04:00.0 00:00.0")
    bridges=("00:02\.0 \[1b36:000c\] class 060400 \(bridge\) ACS secondary bus 01"
             "01:00\.0 \[104c:8232\] class 060400 \(bridge\) secondary bus 02"
             "02:00\.0 \[104c:8233\] class 060400 \(bridge\) secondary bus 03"
             "02:01\.0 \[104c:8233\] class 060400 \(bridge\) secondary bus 04")
    bad="PCI function 03:00\.0 shares its isolation group with 04:00\.0 \(port 02:00\.0 lacks ACS SV/RR/CR/UF: peer-to-peer\), which is assigned to partition beta" ;;
  pcipci)
    qemu=(-device pcie-pci-bridge,id=br,addr=3 -device "edu,bus=br,addr=1,$dm" -device "edu,bus=br,addr=2,$dm")
    # the bridge's alias is 01:00.0 (secondary bus, device 0): QEMU's MSIs use it, its DMA the bus-0 00:00.0
    funcs=("01:01.0 01:00.0 00:00.0" "01:02.0 01:00.0 00:00.0")
    bridges=("00:03\.0 \[1b36:000e\] class 060400 \(bridge\) secondary bus 01")
    bad="PCI function 01:01\.0 shares its isolation group with 01:02\.0 \(bridge 00:03\.0 issues their DMA as 01:00\.0 \(QEMU: 00:00\.0\)\), which is assigned to partition beta" ;;
  multifn)
    qemu=(-device "edu,addr=4.0,multifunction=on,$dm" -device "edu,addr=4.1,$dm")
    funcs=("00:04.0 00:04.0 00:04.0" "00:04.1 00:04.1 00:04.1")
    bridges=()
    bad="PCI function 00:04\.0 shares its isolation group with 00:04\.1 \(one multi-function device, 00:04\.0 without ACS RR/CR\), which is assigned to no partition" ;;
  *) fail "unknown case '$case' (rp, rp-noacs, switch, pcipci, multifn)"; finish ;;
esac
case $msimode in
  flat) ;;
  nomsi) qemu+=(-global riscv-iommu.intremap=false) ;;
  *) fail "unknown MSI mode '$msimode' (flat or nomsi)"; finish ;;
esac
# shellcheck disable=SC2016  # $(BUILD) is for make
images='IMAGES=testguest=$(BUILD)/guests/testguest.bin testguest-4g=$(BUILD)/guests/testguest-4g.bin'

# ---- 1. alpha owns the whole group -----------------------------------------------------------------
img=$(build_config "$TEST" "tests/configs/pci-topo-$case.dts" "$images") || finish
boot_until_after "$img" 90 "^partvisor: partition alpha stopped" "^\[beta\] testguest: heartbeat" "${qemu[@]}"
re() { echo "${1//./\\.}"; }
a='^\[alpha\] edu:'
first_rid=${funcs[0]##* }
for b in "${bridges[@]}"; do
  expect "^partvisor: pci $b, requester ID" "enumeration: bridge $(cut -d' ' -f1 <<<"${b//\\/}")"
done
n=0
for f in "${funcs[@]}"; do
  read -r bdf rid dma <<<"$f"
  expect "^partvisor: pci $(re "$bdf") \[1234:11e8\] class 00ff00, requester ID $(re "$rid") \(DMA $(re "$dma")\), group " \
    "enumeration: edu $bdf, requester ID $rid, DMA as $dma"
  expect "^partvisor: pci $(re "$bdf") \[1234:11e8\] -> partition alpha as 00:0$n\.0" "edu $bdf assigned to alpha as 00:0$n.0"
  n=$((n + 1))
done
# every function of alpha is in one group: the same "group" on every edu line
groups=$(grep -E "^partvisor: pci [0-9a-f:.]+ \[1234:11e8\] class" "$LOG" | sed -E 's/.*, group //' | sort -u | wc -l)
if [ "${#funcs[@]}" -gt 1 ] && [ "$groups" -eq 1 ]; then pass "the edus are one isolation group"
elif [ "${#funcs[@]}" -eq 1 ] && [ "$groups" -eq 1 ]; then pass "one edu, one group"
else fail "the edus are in $groups groups"; fi
# the MSI mode as the guest sees it (GET_INFO features: bit 0 MSI page tables, bit 2 second stage)
if [ "$msimode" = nomsi ]; then feat_want=4; else feat_want=1; fi
features=$(sed -nE "s/^\[alpha\] edu: get_info version 0x10000 features 0x([0-9a-f]+) .* ok$/\1/p" "$LOG" | head -1)
if [ -n "$features" ] && (( (0x$features & 5) == feat_want )); then
  pass "GET_INFO features 0x$features: the MSI mode of this IOMMU ($msimode)"
else
  fail "GET_INFO features '${features}': want bit $((feat_want == 4 ? 2 : 0)) only of bits 0 and 2 ($msimode)"
fi
expect "$a bus 0 shows ${#funcs[@]} function\(s\)" "alpha's bus shows its ${#funcs[@]} function(s)"
expect "$a found 00:00\.0 1234:11e8 bar0 0x[0-9a-f]+$" "alpha finds its first edu with BAR0 assigned"
expect "$a ident 0x010000ed, liveness ok" "alpha reaches the first edu's registers through the bridges"
expect "$a dma own RAM ok" "DMA from alpha's RAM to the first edu and back"
expect "$a msi own file ok \(4 interrupts\)" "the first edu's MSIs reach alpha's interrupt file"
expect "$a dma own RAM ok after blocked DMA" "the first edu still DMAs after its blocked DMA"
expect "$a msi own file ok after blocked MSIs" "the first edu's MSIs still arrive after blocked ones"
fault() { echo "^partvisor: iommu: fault: partition alpha device $(re "$1") cause 23 \(write/AMO guest-page fault\) ttyp [0-9]+ \([^)]*\) iova $2( |$)"; }
for t in 0x80200000 0x90200000 0x28009000 0x2800d000; do
  expect "$(fault "$first_rid" $t)" "IOMMU blocked and reported the first edu's write to $t as device $first_rid"
done
expect "$a dma from 0x90200000 blocked \(device buffer (got zeros|unchanged)\)" "the first edu read nothing of beta's RAM"
for ((k = 1; k < ${#funcs[@]}; k++)); do
  g="00:0$k\.0"
  expect "$a function $g found bar0 0x[0-9a-f]+$" "alpha finds edu ${funcs[k]%% *} as 00:0$k.0 with BAR0"
  expect "$a function $g dma own RAM ok" "DMA within alpha's RAM with edu ${funcs[k]%% *}"
  expect "$a function $g msi own file ok \(4 interrupts\)" "edu ${funcs[k]%% *}'s MSIs reach alpha's interrupt file"
  expect "$a function $g dma to 0x104000000 issued" "edu ${funcs[k]%% *} wrote past alpha's RAM"
done
# writes past alpha's RAM (0x104000000): one per function, each reported under its requester ID
rids=()
for f in "${funcs[@]}"; do rids+=("${f##* }"); done
for rid in $(printf '%s\n' "${rids[@]}" | sort -u); do
  want=$(printf '%s\n' "${rids[@]}" | grep -c "^$rid$")
  expect_count "$(fault "$rid" 0x104000000)" "$want" "IOMMU blocked and reported $want write(s) past alpha's RAM as device $rid"
done
expect_not "partition \(none\)" "no faults from devices nobody owns"
bars=$(grep -Eo "$a (function 00:0[0-9]\.0 )?found .*bar0 0x[0-9a-f]+" "$LOG" | grep -Eo '0x[0-9a-f]+$' | sort -u)
if [ "$(wc -l <<<"$bars")" -eq "${#funcs[@]}" ] && ! grep -Evq '^0x[4-7][0-9a-f]{4}000$' <<<"$bars"; then
  pass "every edu has its own page-aligned BAR0 in the 32-bit window ($(tr '\n' ' ' <<<"$bars"))"
else
  fail "BAR0s not distinct, page-aligned and in 0x40000000-0x7fffffff: $(tr '\n' ' ' <<<"$bars")"
fi
expect "^\[alpha\] testguest: all harts stopped, result PASS" "alpha's test guest reports PASS"
expect_not "^\[alpha\].*FAIL" "no failure in alpha"
if after "^partvisor: partition alpha stopped" "^\[beta\] testguest: heartbeat"; then
  pass "beta's heartbeat went on after alpha stopped"
else
  fail "no beta heartbeat after alpha stopped (QEMU_RC $QEMU_RC)"
fi
expect_not "PANIC|unexpected trap" "no panic or unexpected trap"

# ---- 2. the group split (bad_config.sh's checks) --------------------------------------------------
LOG=$LOGDIR/$TEST.bad.log
img=$(build_config "$TEST-bad" "tests/configs/bad-pci-topo-$case.dts" "$images") || finish
boot "$img" 60 "${qemu[@]}"
expect "^partvisor: PCI passthrough error: /partitions/alpha: partvisor,pci-devices: $bad" "bad config: boot stops naming alpha, partvisor,pci-devices and why"
expect "^partvisor: boot stopped, no partition started" "bad config: no partition started"
expect_not "^\[" "bad config: no partition printed anything"
expect_qemu_exit0
finish
