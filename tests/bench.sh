#!/usr/bin/env bash
# make bench: deterministic figures for docs/benchmarks.md.
#  - firmware image size (text/data/bss, .bin bytes)
#  - hypervisor exits by cause: test guest partitions, and one Linux boot to /init and poweroff
#  - exit cost: null hypercall and emulated 16550 register accesses, guest-observed instructions
#  - Linux guest time at /init under QEMU -icount shift=0 (virtual time advances 1 ns per
#    instruction, so it counts instructions), under partvisor and natively (the baseline:
#    the same kernel, initramfs and command line booted directly by OpenSBI).
set -uo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export LOGDIR=$BUILD/bench
mkdir -p "$LOGDIR"
TEST=bench
source tests/qemu/lib.sh
ICOUNT="-icount shift=0"

echo "== image"
riscv64-unknown-elf-size "$BUILD/partvisor.elf" | tail -1 | awk '{ printf "partvisor.elf: text %d, data %d, bss %d bytes\n", $1, $2, $3 }'
echo "partvisor.bin: $(stat -c %s "$BUILD/partvisor.bin") bytes"

echo "== test guests (tests/configs/two-testguests.dts, -icount shift=0)"
TEST=bench_testguests; LOG=$LOGDIR/$TEST.log
img=$(build_config bench-testguests tests/configs/two-testguests.dts) && boot "$img" 120 $ICOUNT
grep -E "^partvisor: (alpha|beta) exits:" "$LOG"

echo "== hypercall round trips (tests/configs/hcall-bench.dts, guest-observed instret, -icount shift=0)"
TEST=bench_hcall; LOG=$LOGDIR/$TEST.log
img=$(build_config bench-hcall tests/configs/hcall-bench.dts) &&
  MACHINE_OPTS=iommu-sys=on boot "$img" 300 -device edu,addr=5 -device edu,addr=6 $ICOUNT
grep -E "hcallbench:" "$LOG"

echo "== emulated 16550 register access (tests/configs/uart-bench.dts, guest-observed instret, -icount shift=0)"
TEST=bench_uart; LOG=$LOGDIR/$TEST.log
img=$(build_config bench-uart tests/configs/uart-bench.dts) && boot "$img" 120 $ICOUNT
grep -E "uartbench:" "$LOG"

echo "== Linux under partvisor (tests/configs/linux-bench.dts, -icount shift=0)"
TEST=bench_linux; LOG=$LOGDIR/$TEST.log
img=$(build_config bench-linux tests/configs/linux-bench.dts) &&
  boot_until "$img" 900 "^partvisor: partition linux stopped" $(make -s BUILD="$BUILD/cfg-bench-linux" run-args) $ICOUNT
pv_up=$(sed -n 's/.*LINUX-INFO: .*uptime \([0-9.]*\)s.*/\1/p' "$LOG" | head -1)
grep -E "^partvisor: linux exits:" "$LOG"
echo "guest time at /init under partvisor: ${pv_up:-?} s"

echo "== Linux native baseline (same kernel, initramfs, command line; -icount shift=0)"
TEST=bench_native; LOG=$LOGDIR/$TEST.log
kernel=$(bash tools/mkinitramfs.sh --kernel-path)
timeout 900 qemu-system-riscv64 -M virt,aia=aplic-imsic -cpu max -smp 2 -m 512M -nographic -monitor none \
  -bios default -kernel "$kernel" -initrd "$BUILD/linux/initramfs.cpio" $ICOUNT \
  -append "console=ttyS0 earlycon=sbi pvtest=check pvtest.cpus=2 pvtest.mem_mib=512" </dev/null >"$LOG" 2>&1
nat_up=$(sed -n 's/.*LINUX-INFO: .*uptime \([0-9.]*\)s.*/\1/p' "$LOG" | head -1)
echo "guest time at /init natively: ${nat_up:-?} s"
echo
echo "| measure | native | partvisor |"
echo "|---|---|---|"
echo "| Linux guest time at /init (-icount shift=0) | ${nat_up:-?} s | ${pv_up:-?} s |"
