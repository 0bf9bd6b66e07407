#!/usr/bin/env bash
# The README's test command (make test): build, host unit tests (cmocka), config schema
# checks (dt-validate), and QEMU boot tests (two at a time). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export LOGDIR=$BUILD/test-logs
# Each test picks its own QEMU machine options and RAM size (platform/qemu-virt/run.sh).
unset MACHINE_OPTS MEM QEMU_ARGS STAGE
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
passed=0 failed=0
count() { # count PASS/FAIL lines of a log
  local p f
  p=$(grep -c '^PASS: ' "$1"); f=$(grep -c '^FAIL: ' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

echo "== build"
if ! make -s -j2 all unit >"$LOGDIR/build.log" 2>&1; then
  cat "$LOGDIR/build.log"
  echo "FAIL: build"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== layering (tools/check-layers.py)"
python3 tools/check-layers.py "$BUILD" >"$LOGDIR/layers.log" 2>&1
cat "$LOGDIR/layers.log"; count "$LOGDIR/layers.log"

echo "== host unit tests (cmocka)"
for t in "$BUILD"/host/test_*; do
  out=$LOGDIR/unit-$(basename "$t").log
  "$t" >"$out" 2>&1
  rc=$?
  cat "$out"
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then echo "FAIL: $(basename "$t") exited $rc"; failed=$((failed + 1)); fi
done

echo "== fuzz smoke (each libFuzzer harness over its committed seeds, tests/fuzz/smoke.sh)"
bash tests/fuzz/smoke.sh >"$LOGDIR/fuzz-smoke.log" 2>&1
cat "$LOGDIR/fuzz-smoke.log"; count "$LOGDIR/fuzz-smoke.log"

echo "== config checker (partvisor-check on tests/configs/bad/ and the shipped configs, tests/check-corpus.sh)"
bash tests/check-corpus.sh >"$LOGDIR/check-corpus.log" 2>&1
cat "$LOGDIR/check-corpus.log"; count "$LOGDIR/check-corpus.log"

echo "== config schema (dt-validate)"
bash tests/dtcheck.sh >"$LOGDIR/dtcheck.log" 2>&1
cat "$LOGDIR/dtcheck.log"; count "$LOGDIR/dtcheck.log"

echo "== QEMU boot tests"
jobs_file=$LOGDIR/jobs
cat >"$jobs_file" <<'JOBS'
boot_linux|bash tests/qemu/boot_linux.sh
console_input|bash tests/qemu/console_input.sh
idle|bash tests/qemu/idle.sh
boot_testguest|bash tests/qemu/boot_testguest.sh
config_chosen|bash tests/qemu/config_chosen.sh
ramclean|bash tests/qemu/ramclean.sh
isolation|bash tests/qemu/isolation.sh
hostile|bash tests/qemu/hostile.sh
suspend|bash tests/qemu/suspend.sh
topology|bash tests/qemu/topology.sh
bad_overlap|bash tests/qemu/bad_config.sh overlap tests/configs/bad-overlap.dts /partitions/beta partvisor,mem-host-base "RAM 0x93e00000-0x97dfffff overlaps the RAM of partition alpha"
bad_sv48|QEMU_ARGS="-cpu max,sv48=false" bash tests/qemu/bad_config.sh sv48 tests/configs/sv48-guest.dts /partitions/alpha partvisor,mem-guest-base "guest RAM up to 0x40004000000 needs Sv48x4, which this hart does not implement"
bad_hart_twice|bash tests/qemu/bad_config.sh hart_twice tests/configs/bad-hart-twice.dts /partitions/beta partvisor,harts "hart 1 is already owned by partition alpha"
iommu_edu_sys|bash tests/qemu/iommu_edu.sh sys
iommu_edu_pci|bash tests/qemu/iommu_edu.sh pci
iommu_edu_composed|bash tests/qemu/iommu_edu_composed.sh
iommu_edu_sys_nomsi|bash tests/qemu/iommu_edu.sh sys nomsi
iommu_edu_composed_nomsi|bash tests/qemu/iommu_edu_composed.sh nomsi
edu_msi|bash tests/qemu/edu_msi.sh
iommu_storm|bash tests/qemu/iommu_storm.sh
iommu_virtio_open|bash tests/qemu/iommu_virtio.sh open
iommu_virtio_composed|bash tests/qemu/iommu_virtio.sh composed
iommu_virtio_composed_nomsi|bash tests/qemu/iommu_virtio.sh composed nomsi
linux_pci_sys|bash tests/qemu/linux_pci.sh sys
linux_pci_pci|bash tests/qemu/linux_pci.sh pci
linux_pci_sys_nomsi|bash tests/qemu/linux_pci.sh sys nomsi
bad_truncated|bash tests/qemu/bad_config.sh truncated blob:truncated-half
bad_struct_outside|bash tests/qemu/bad_config.sh struct_outside blob:struct-outside
bad_name_control|bash tests/qemu/bad_config.sh name_control blob:name-control-bytes
bad_dup_property|bash tests/qemu/bad_config.sh dup_property tests/configs/bad/property-duplicate-harts.dts
bad_image_initrd|bash tests/qemu/bad_config.sh image_initrd tests/configs/bad/image-initrd-overlap.dts
bad_image_header|bash tests/qemu/bad_image_header.sh
bad_pci_absent|MACHINE_OPTS=iommu-sys=on STAGE="PCI passthrough" bash tests/qemu/bad_config.sh pci_absent tests/configs/bad-pci-absent.dts /partitions/alpha partvisor,pci-devices "PCI function 00:07.0 is not present on the host bridge"
bad_pci_noiommu|STAGE="PCI passthrough" bash tests/qemu/bad_config.sh pci_noiommu tests/configs/bad-pci-absent.dts /partitions/alpha partvisor,pci-devices "the machine has no RISC-V IOMMU"
pci_topology_rp|bash tests/qemu/pci_topology.sh rp
pci_topology_rp_noacs|bash tests/qemu/pci_topology.sh rp-noacs
pci_topology_switch|bash tests/qemu/pci_topology.sh switch
pci_topology_pcipci|bash tests/qemu/pci_topology.sh pcipci
pci_topology_pcipci_nomsi|bash tests/qemu/pci_topology.sh pcipci nomsi
pci_topology_multifn|bash tests/qemu/pci_topology.sh multifn
bad_pci_iommu|QEMU_ARGS="-device riscv-iommu-pci,addr=1" STAGE="PCI passthrough" bash tests/qemu/bad_config.sh pci_iommu tests/configs/bad-pci-iommu.dts /partitions/alpha partvisor,pci-devices "PCI function 00:01.0 is the IOMMU, which the hypervisor owns"
JOBS
export -f count 2>/dev/null
while IFS='|' read -r name cmd; do
  echo "$name|$cmd"
done <"$jobs_file" | xargs -d '\n' -P 2 -I{} bash -c 'n=${1%%|*}; c=${1#*|}; eval "$c" >"$LOGDIR/$n.out" 2>&1; echo "-- $n done"' _ {}
# fw_jump runs alone: Debian's OpenSBI 1.5.1 fw_jump can lose a secondary hart when the machine
# is saturated (see tests/qemu/boot_testguest.sh); the other tests load both cores.
echo "boot_fwjump|bash tests/qemu/boot_fwjump.sh" >>"$jobs_file"
bash tests/qemu/boot_fwjump.sh >"$LOGDIR/boot_fwjump.out" 2>&1; echo "-- boot_fwjump done"
while IFS='|' read -r name _; do
  cat "$LOGDIR/$name.out"; count "$LOGDIR/$name.out"
  grep -q '^\(PASS\|FAIL\|SKIP\): ' "$LOGDIR/$name.out" || { echo "FAIL: $name printed no result"; failed=$((failed + 1)); }
done <"$jobs_file"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
