#!/usr/bin/env bash
# IOMMU fault storm, tests/configs/iommu-storm.dts: alpha's edu (00:05.0) makes blocked 4 KiB DMA
# writes again and again. The boot hart, which takes the IOMMU's fault interrupts, runs beta's
# vCPU 0. What must hold: the hypervisor quarantines the device once (DMA blocked, faults no
# longer reported, Bus Master off), so alpha's guest sees its DMA stop reaching even its own RAM;
# beta's heartbeat keeps its pace through the storm; the hypervisor's output stays bounded.
source tests/qemu/lib.sh
export MACHINE_OPTS=iommu-sys=on
# shellcheck disable=SC2016  # $(BUILD) is for make
img=$(build_config "$TEST" tests/configs/iommu-storm.dts \
  'IMAGES=testguest=$(BUILD)/guests/testguest.bin testguest-4g=$(BUILD)/guests/testguest-4g.bin') || finish
boot_until_after "$img" 180 "^\[alpha\] testguest: all harts stopped" "^\[beta\] testguest: heartbeat" \
  -device edu,addr=5,dma_mask=0xffffffffff

expect "^\[alpha\] edu: storm: [0-9]+ blocked DMAs over [0-9]+ ticks" "alpha's device faulted again and again"
expect "^partvisor: iommu: partition alpha device 00:05\.0 keeps faulting \([0-9]+ faults in a second\): quarantined \(DMA blocked, faults not reported\), Bus Master off" \
  "the hypervisor quarantined the device"
expect_count "keeps faulting .*quarantined" 1 "quarantined once"
expect "^\[alpha\] edu: storm: device quarantined: its DMA no longer reaches our RAM ok" \
  "alpha's guest sees its device stopped"
# beta's pace: heartbeats printed between the storm's start and end lines, against the storm's length.
ticks=$(sed -n 's/^\[alpha\] edu: storm: [0-9]* blocked DMAs over \([0-9]*\) ticks$/\1/p' "$LOG")
beats=$(awk '/^\[alpha\] edu: storm: blocked DMA writes/ { on = 1 } on && /^\[beta\] testguest: heartbeat/ { n++ }
             /^\[alpha\] edu: storm: [0-9]+ blocked DMAs over/ { on = 0 } END { print n + 0 }' "$LOG")
want=$(( ${ticks:-0} / 10000000 / 2 ))   # timebase 10 MHz: at least half a heartbeat per second of storm
if [ "${ticks:-0}" -gt 0 ] && [ "$beats" -ge "$want" ]; then
  pass "beta kept its pace during the storm ($beats heartbeats in $ticks ticks, bar $want)"
else
  fail "beta's heartbeat during the storm: $beats in ${ticks:-?} ticks (bar $want)"
fi
n=$(grep -c "^partvisor: iommu:" "$LOG")
if [ "$n" -lt 60 ]; then pass "bounded IOMMU output ($n lines)"; else fail "IOMMU printed $n lines"; fi
expect_not "PANIC|unexpected trap" "no panic"
expect_not "^\[beta\].*FAIL" "beta never failed"
finish
