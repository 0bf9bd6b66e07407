#!/usr/bin/env bash
# Interrupt topologies other than the default: two sockets (two IMSIC groups; one partition per
# socket and one spanning both, tests/configs/two-sockets.dts, 8 harts), uneven sockets (3 + 3
# harts, tests/configs/uneven-sockets.dts) and 1 or 7 guest
# interrupt files per hart (aia-guests=1/7, tests/configs/two-testguests.dts). What each test
# guest observed: 3 timer interrupts and 3 IMSIC IPIs per vCPU, result PASS, with zero
# interrupt and hv-request exits.
source tests/qemu/lib.sh
# check_partition NAME: the guest's own results and no exit for timer or IPIs.
check_partition() {
  expect "^\[$1\] testguest: all harts stopped, result PASS" "$2: $1 reports PASS"
  for h in 0 1; do
    expect "^\[$1\] hart $h: ipi irqs 3 ok" "$2: $1 vCPU $h took 3 IMSIC IPIs"
  done
  for c in interrupt hv-request sbi-ipi sbi-time; do
    v=$(exit_counter "$1" $c)
    if [ "$v" = 0 ]; then pass "$2: $1: zero $c exits"; else fail "$2: $1: $c exits = '$v' (expected 0)"; fi
  done
}

img=$(build_config "$TEST-sockets" tests/configs/two-sockets.dts) || finish
LOG=$LOGDIR/$TEST-sockets.log
# shellcheck disable=SC2054  # the commas are part of the QEMU option
MACHINE_OPTS=iommu-sys=on SMP=8,sockets=2 MEM=2G boot "$img" 120 -numa node,cpus=0-3,memdev=m0 \
  -numa node,cpus=4-7,memdev=m1 -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G \
  -device virtio-rng-pci,addr=5,disable-legacy=on,iommu_platform=on
expect "^partvisor: 8 harts" "two sockets: all 8 harts discovered"
for p in alpha beta gamma; do check_partition $p "two sockets"; done
# gamma spans the sockets: its device's MSI-X, composed for each vCPU, lands in either IMSIC group.
for k in 0 1; do
  expect "^\[gamma\] virtio: vcpu $k: composed msi-x 0x2800${k}000 identity $((8 + k)) ok \(2 interrupts, 64 bytes each\)" \
    "two sockets: gamma's virtio-rng MSI-X composed for vCPU $k (socket $k) arrives there"
  expect "^\[gamma\] virtio: vcpu $k: msi after release blocked ok" "two sockets: after MSI_RELEASE gamma's vCPU $k gets no MSI-X"
done
expect "^partvisor: all partitions stopped, powering off" "two sockets: machine powers off"
expect_not "PANIC|unexpected trap|error" "two sockets: no error"

img=$(build_config "$TEST-uneven" tests/configs/uneven-sockets.dts) || finish
LOG=$LOGDIR/$TEST-uneven.log
SMP=6,sockets=2 MEM=2G boot "$img" 120 -numa node,cpus=0-2,memdev=m0 -numa node,cpus=3-5,memdev=m1 \
  -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G
expect "^partvisor: 6 harts" "uneven sockets: all 6 harts discovered"
for p in alpha beta gamma; do check_partition $p "uneven sockets"; done
expect_not "PANIC|unexpected trap|error" "uneven sockets: no error"

img=$(build_config "$TEST-files" tests/configs/two-testguests.dts) || finish
for g in 1 7; do
  LOG=$LOGDIR/$TEST-aia$g.log
  AIA_GUESTS=$g boot "$img" 120
  expect "guest-index-bits $( [ $g = 1 ] && echo 1 || echo 3 )," "aia-guests=$g: guest-index-bits from the IMSIC node"
  for p in alpha beta; do check_partition $p "aia-guests=$g"; done
  expect_not "PANIC|unexpected trap" "aia-guests=$g: no panic"
done
finish
