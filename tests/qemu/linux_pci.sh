#!/usr/bin/env bash
# PCI passthrough with Linux, tests/configs/linux-pci.dts: two Linux partitions, each owning a
# virtio-net-pci on one QEMU network hub (linux0 also a virtio-serial-pci console), QEMU arguments
# PCI_ARGS of platform/qemu-virt/platform.mk. From inside each guest (tests/linux/init): it sees
# exactly its own functions from 00:00.0 on, bound to virtio-pci; virtio_net loads, the two ping
# each other; the PCI MSI-X interrupt counts grow; linux0 writes a line to /dev/hvc0, which must
# land in the console's chardev file. Both stay up until the other has finished pinging, then power
# off, which stops the machine. The hypervisor's exit counters must show no interrupt exits: the
# devices' MSIs go straight into the guests' interrupt files.
#   linux_pci.sh [sys|pci] [flat|nomsi]
#     sys: the platform IOMMU (-M virt,iommu-sys=on, the default)
#     pci: the IOMMU as PCI function 00:01.0 (-device riscv-iommu-pci)
#     flat (default): MSIs through per-device MSI page tables; nomsi: an IOMMU without MSI_FLAT
#       (QEMU intremap=false): MSIs through per-device second stages. Linux sees no difference.
variant=${1:-sys}
msimode=${2:-flat}
TEST=linux_pci_$variant${2:+_$msimode}
source tests/qemu/lib.sh
case $variant in
  sys | pci) ;;
  *) fail "unknown IOMMU variant '$variant' (sys or pci)"; finish ;;
esac
case $msimode in
  flat) intremap=on ;;
  nomsi) intremap=off ;;
  *) fail "unknown MSI mode '$msimode' (flat or nomsi)"; finish ;;
esac
export MEM=2G
# PCI_IOMMU=$variant: platform.mk adds -device riscv-iommu-pci,addr=1 for pci; iommu-sys=on is a
# machine option, which run.sh takes from the environment.
if [ "$variant" = sys ]; then export MACHINE_OPTS=iommu-sys=on; else unset MACHINE_OPTS; fi
hvc=$LOGDIR/$TEST.hvc0
rm -f "$hvc"
out=$BUILD/cfg-$TEST
img=$(build_config "$TEST" tests/configs/linux-pci.dts) || finish
# shellcheck disable=SC2207  # word splitting of make's output is intended (no spaces in paths)
args=($(make -s BUILD="$out" PCI_IOMMU="$variant" HVC_CHARDEV="file,path=$hvc" run-args))
# Both partitions power off at the end: the machine stops and QEMU exits.
boot "$img" 900 "${args[@]}" -global riscv-iommu.intremap=$intremap
if [ "$msimode" = nomsi ]; then
  expect "^partvisor: iommu: .*no MSI_FLAT: MSIs through the second stage" "the IOMMU has no MSI_FLAT"
  expect_count "^partvisor: pci .*MSIs through its own second stage \(no MSI_FLAT\), policy open" 3 \
    "each of the 3 passed-through functions gets its own second stage for MSIs"
else
  expect_count "^partvisor: pci .*MSIs through its own MSI page table, policy open" 3 \
    "each of the 3 passed-through functions gets its own MSI page table"
fi

# func P BDF ID: regex of P's /init line for guest PCI function BDF with vendor:device ID, bound.
func() { echo "^\[$1\] LINUX-INFO: pci 0000:$2 $3 0x[0-9a-f]{6} virtio-pci$"; }
for p in linux0 linux1; do
  expect "^\[$p\] LINUX-TEST: done" "$p reached /init and finished its checks"
  for t in cpus mem timer ipi; do
    expect "^\[$p\] LINUX-TEST: $t PASS" "$p: guest check '$t' passes"
  done
  expect "^\[$p\] LINUX-TEST: pci PASS" "$p sees exactly its own PCI functions (vendor:device, in order)"
  expect "^\[$p\] LINUX-INFO: net: eth0 10\.0\.0\.[12]/24 up, driver virtio_net" "$p: virtio_net loaded, eth0 up"
  expect "^\[$p\] LINUX-TEST: msix PASS" "$p: PCI MSI-X interrupt counts grew while pinging"
  expect "^\[$p\] LINUX-INFO: +[0-9]+:( +[0-9]+)+ +[A-Z-]*PCI-MSIX-0000:00:00\.0 .*virtio[0-9]+-input" \
    "$p: the net function's MSI-X vectors are in /proc/interrupts"
  expect "^\[$p\] LINUX-TEST: net-serve PASS" "$p stayed up until its peer had finished pinging it"
done
expect "$(func linux0 00:00.0 1af4:1041)" "linux0 sees its virtio-net at 00:00.0"
expect "$(func linux0 00:01.0 1af4:1043)" "linux0 sees its virtio-serial at 00:01.0"
expect "^\[linux0\] LINUX-INFO: pci count 2$" "linux0 sees 2 PCI functions"
expect "$(func linux1 00:00.0 1af4:1041)" "linux1 sees its virtio-net at 00:00.0"
expect "^\[linux1\] LINUX-INFO: pci count 1$" "linux1 sees 1 PCI function"
expect "^\[linux0\] LINUX-TEST: net PASS ping 10\.0\.0\.2 ok" "linux0 pings linux1"
expect "^\[linux1\] LINUX-TEST: net PASS ping 10\.0\.0\.1 ok" "linux1 pings linux0"
expect "^\[linux0\] LINUX-TEST: hvc0 PASS" "linux0 wrote to /dev/hvc0"
# (the guest's tty writes CR LF)
if tr -d '\r' <"$hvc" 2>/dev/null | grep -qx "pvtest: hello from linux0 on hvc0"; then
  pass "linux0's hvc0 line arrived in the virtio console's chardev file"
else
  fail "no 'pvtest: hello from linux0 on hvc0' in $hvc ($(head -c 200 "$hvc" 2>/dev/null | tr '\n' '|'))"
fi
expect_not "^\[linux[01]\] LINUX-TEST: .* FAIL" "no guest check failed"

# MSIs must not cause exits: a device's MSI is written into the guest interrupt file of the vCPU's
# hart by the IOMMU (MSI page table) and reaches the guest as VSEIP. An "interrupt" exit is an HS
# external interrupt while the guest ran.
for p in linux0 linux1; do
  line=$(grep -E "^partvisor: $p exits:" "$LOG" | tail -1)
  if [ -z "$line" ]; then
    fail "$p: no exit counters reported (did it stop?)"
    continue
  fi
  echo "INFO: $p exits: ${line#*exits: }"
  v=$(exit_counter "$p" interrupt)
  if [ "$v" = 0 ]; then pass "$p: zero interrupt exits (MSIs delivered without the hypervisor)"; else fail "$p: interrupt exits = '$v' (expected 0)"; fi
  expect "^partvisor: partition $p stopped" "$p stopped by poweroff"
done
expect_not "^partvisor: iommu: fault" "no IOMMU fault"
expect_not "PANIC|unexpected trap|Kernel panic" "no panic"
expect_qemu_exit0
finish
