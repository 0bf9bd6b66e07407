#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the committed seed corpora of the libFuzzer harnesses (tests/fuzz/corpus/<name>/):
#   config       the repository's partition configs (tests/configs/*.dts, platform/qemu-virt/
#                partitions.dts) through cpp and dtc, as the Makefile's $(BUILD)/config.dtb rule does
#   platform     QEMU virt host device trees (dumpdtb; /chosen/rng-seed dropped so the output is
#                stable; one with a partition config in /chosen) when qemu-system-riscv64 is
#                installed, and hand-written trees (dtc) always
#   guest_fdt, mmio_decode, vpci, vsbi, vcon
#                hand-made binary inputs in each harness's input format (python3, below)
# Files named regress-* (inputs that once crashed a harness) are left alone.
# Usage: bash tools/fuzz-seeds.sh   (from anywhere; writes into the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
C=tests/fuzz/corpus
HOSTCC=${HOSTCC:-gcc}
DTC=${DTC:-dtc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p $C/config $C/platform $C/guest_fdt $C/mmio_decode $C/vpci $C/vsbi $C/vcon

# ---- config: the repository's configs ------------------------------------------------------------
# The LINUX_* macros stand for the kernel and initramfs of platform/qemu-virt/platform.mk (sizes
# fixed here, so the seeds do not depend on the downloaded kernel).
DEFS="-DLINUX_KERNEL_ADDR=0xb0000000 -DLINUX_INITRD_ADDR=0xb4000000 -DLINUX_KERNEL_SIZE=0x1a00000 -DLINUX_INITRD_SIZE=0x300000"
for src in tests/configs/*.dts platform/qemu-virt/partitions.dts; do
  name=$(basename "$src" .dts)
  [ "$src" = platform/qemu-virt/partitions.dts ] && name=qemu-virt-partitions
  $HOSTCC -E -P -nostdinc -undef -x assembler-with-cpp $DEFS -o "$TMP/$name.pp.dts" "$src"
  $DTC -q -I dts -O dtb -o "$C/config/$name" "$TMP/$name.pp.dts"
done
# a few of the checker's bad configs (tests/configs/bad/; dtc -f keeps duplicate properties);
# "linux" is the fuzz harness's image with a Linux header
for n in many-errors property-duplicate-harts image-initrd-overlap initrd-over-other-image name-100-chars; do
  $DTC -q -f -I dts -O dtb -o "$C/config/checker-$n" "tests/configs/bad/$n.dts" 2>/dev/null
done
sed 's/"fatlinux"/"linux"/' tests/configs/bad/linux-header-past-fdt.dts | $DTC -q -I dts -O dtb -o "$C/config/checker-linux-header"

# ---- platform: host device trees -------------------------------------------------------------------
if command -v qemu-system-riscv64 >/dev/null 2>&1; then
  dump() { # name machine-options qemu-args...
    local name=$1 mopts=$2; shift 2
    qemu-system-riscv64 -M "virt,$mopts,dumpdtb=$TMP/$name.dtb" -nographic "$@" >/dev/null 2>&1
    $DTC -q -I dtb -O dts "$TMP/$name.dtb" | grep -v 'rng-seed' > "$TMP/$name.dts"
    $DTC -q -I dts -O dtb -o "$C/platform/$name" "$TMP/$name.dts"
  }
  dump virt-aia3-smp4 aia=aplic-imsic,aia-guests=3 -cpu max -smp 4 -m 2G
  dump virt-aia3-smp2 aia=aplic-imsic,aia-guests=3 -cpu max -smp 2 -m 2G
  dump virt-aia3-smp4-iommu aia=aplic-imsic,aia-guests=3,iommu-sys=on -cpu max -smp 4 -m 2G
  dump virt-aia1-smp4 aia=aplic-imsic,aia-guests=1 -cpu max -smp 4 -m 2G
  dump virt-noaia-smp1 aia=none -cpu rv64 -smp 1 -m 1G
  # a host tree that carries its partition config (/chosen/partvisor-config, as make host-dtb)
  bash tools/host-dtb.sh dtbo "$C/config/chosen-split" "$TMP/chosen-split.dtbo"
  bash tools/host-dtb.sh merge "$C/platform/virt-aia3-smp4-iommu" "$TMP/chosen-split.dtbo" \
    "$C/config/chosen-split" "$C/platform/virt-aia3-smp4-iommu-chosen-config"
else
  echo "fuzz-seeds: qemu-system-riscv64 not installed: hand-written platform trees only" >&2
fi
# What OpenSBI hands on (reserved memory, /memreserve/), riscv,isa strings only, two memory
# ranges, nested simple-bus, a disabled hart and the PCIe host bridge.
cat > "$TMP/handmade-opensbi.dts" <<'DTS'
/dts-v1/;
/memreserve/ 0x80000000 0x40000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "riscv-virtio";
	memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>, <0x1 0x0 0x0 0x10000000>; };
	memory@c0000000 { device_type = "memory"; reg = <0x0 0xc0000000 0x0 0x40000000>; status = "okay"; };
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		mmode_resv1@80000000 { reg = <0x0 0x80000000 0x0 0x40000>; no-map; };
		mmode_resv0@80040000 { reg = <0x0 0x80040000 0x0 0x20000>; no-map; };
	};
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		timebase-frequency = <10000000>;
		cpu0: cpu@0 { device_type = "cpu"; reg = <0>; status = "okay"; riscv,isa = "rv64imafdch_zicsr_zifencei_sstc_ssaia_svpbmt_zicboz";
			cpu0_intc: interrupt-controller { #interrupt-cells = <1>; interrupt-controller; compatible = "riscv,cpu-intc"; }; };
		cpu1: cpu@1 { device_type = "cpu"; reg = <1>; riscv,isa = "rv64imafdch_zicsr_sstc_smaia";
			cpu1_intc: interrupt-controller { #interrupt-cells = <1>; interrupt-controller; compatible = "riscv,cpu-intc"; }; };
		cpu@2 { device_type = "cpu"; reg = <2>; status = "disabled"; riscv,isa = "rv64imafdc"; };
		cpu3: cpu@3 { device_type = "cpu"; reg = <3>; riscv,isa = "rv64imac_zicsr";
			cpu3_intc: interrupt-controller { #interrupt-cells = <1>; interrupt-controller; compatible = "riscv,cpu-intc"; }; };
	};
	soc {
		#address-cells = <2>;
		#size-cells = <2>;
		compatible = "simple-bus";
		ranges;
		serial@10000000 { compatible = "ns16550a"; reg = <0x0 0x10000000 0x0 0x100>; };
		bus@11000000 {
			#address-cells = <2>;
			#size-cells = <2>;
			compatible = "simple-bus";
			ranges;
			timer@11000000 { compatible = "x,timer"; reg = <0x0 0x11000000 0x0 0x1000>; };
		};
		imsics@28000000 {
			compatible = "riscv,imsics";
			reg = <0x0 0x28000000 0x0 0x10000>;
			interrupts-extended = <&cpu0_intc 9>, <&cpu1_intc 9>, <&cpu3_intc 9>;
			riscv,num-ids = <255>;
			riscv,guest-index-bits = <2>;
			riscv,hart-index-bits = <2>;
			msi-controller;
			interrupt-controller;
		};
		pci@30000000 {
			compatible = "pci-host-ecam-generic";
			device_type = "pci";
			#address-cells = <3>;
			#size-cells = <2>;
			reg = <0x0 0x30000000 0x0 0x1000000>;
			ranges = <0x1000000 0x0 0x0 0x0 0x3000000 0x0 0x10000>,
				 <0x2000000 0x0 0x40000000 0x0 0x40000000 0x0 0x40000000>,
				 <0x43000000 0x4 0x0 0x4 0x0 0x4 0x0>;
		};
		iommu@3010000 { compatible = "riscv,iommu"; reg = <0x0 0x3010000 0x0 0x1000>; };
	};
};
DTS
# A machine without H, Sstc or guest interrupt files: discovery works, no hart can run a partition.
cat > "$TMP/handmade-no-h.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	memory@80000000 { device_type = "memory"; reg = <0x80000000 0x10000000>; };
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		timebase-frequency = <0x0 1000000>;
		cpu@0 { device_type = "cpu"; reg = <0>; riscv,isa-extensions = "i", "m", "a", "c", "zicsr";
			intc0: interrupt-controller { interrupt-controller; }; };
	};
	imsics@24000000 { compatible = "riscv,imsics"; reg = <0x24000000 0x1000>; interrupts-extended = <&intc0 9>; riscv,num-ids = <63>; };
};
DTS
for n in handmade-opensbi handmade-no-h; do
  $DTC -q -I dts -O dtb -o "$C/platform/$n" "$TMP/$n.dts"
done

# ---- binary seeds ------------------------------------------------------------------------------------
python3 - "$C" <<'PY'
import struct, sys
C = sys.argv[1]

def u8(v): return struct.pack('<B', v & 0xff)
def u16(v): return struct.pack('<H', v & 0xffff)
def u32(v): return struct.pack('<I', v & 0xffffffff)
def u64(v): return struct.pack('<Q', v & 0xffffffffffffffff)
def put(d, name, data):
    assert len(data) < 16384, name
    open(f'{C}/{d}/{name}', 'wb').write(data)

# -- guest_fdt: flags, harts, num-ids, [raw list], [raw string], vcpus, picks, buffer, RAM, name,
#    bootargs, boot count, [initrd], [PCIe windows] (tests/fuzz/fuzz_guest_fdt.c)
UART, PCIE, INITRD, NO_LIST, NO_STRING, RAW_LIST, RAW_STRING, SMALL = (1 << i for i in range(8))
FIRST = 'abcdefghijklmnopqrstuvwxyz'
REST = 'abcdefghijklmnopqrstuvwxyz0123456789-'
def gname(s): return u8(len(s) - 1) + bytes([FIRST.index(s[0])] + [REST.index(c) for c in s[1:]])
def gfdt(flags, harts, vcpus, picks, name, bootargs, mem_mib=256, gpa=0x80000000, ids=255, buf=0,
         raw_list=None, raw_string=None, boot=1, initrd=(0, 0), pcie=None):
    b = u8(flags) + u8(harts - 1) + u16(ids - 63)
    if flags & RAW_LIST: b += u16(len(raw_list)) + raw_list
    if flags & RAW_STRING: b += u16(len(raw_string)) + raw_string
    b += u8(vcpus - 1) + bytes(picks) + u16(buf) + u16(mem_mib // 2 - 1) + u64(gpa)
    b += gname(name) + u8(len(bootargs)) + bootargs + u32(boot)
    if flags & INITRD: b += u64(initrd[0]) + u64(initrd[1])
    if flags & PCIE:
        for w in pcie: b += u64(w[0]) + u64(w[1]) + u64(w[2])
    return b
QEMU_WINDOWS = [(0x40000000, 0x40000000, 0x40000000), (0x400000000, 0x400000000, 0x400000000)]
put('guest_fdt', 'linux0-pcie', gfdt(UART | PCIE | INITRD, 4, 2, [0, 0], 'linux0',
    b'console=ttyS0 earlycon=sbi rdinit=/init', initrd=(0x8fc00000, 0x300000), pcie=QEMU_WINDOWS))
put('guest_fdt', 'testguest-1vcpu', gfdt(UART, 4, 1, [2], 'alpha', b'', mem_mib=64))
put('guest_fdt', 'eight-harts-small-buffer', gfdt(UART | SMALL, 8, 8, [7, 6, 5, 4, 3, 2, 1, 0], 'big-one',
    b'x' * 255, mem_mib=8192, gpa=0x100000000, buf=3000, ids=2047, boot=0xffffffff))
put('guest_fdt', 'pcie-mem32-only', gfdt(PCIE, 2, 2, [1, 0], 'p', b'quiet', pcie=[QEMU_WINDOWS[0], (0, 0, 0)]))
put('guest_fdt', 'raw-isa-list', gfdt(UART | RAW_LIST, 4, 2, [0, 1], 'rawlist', b'',
    raw_list=b'i\0m\0a\0f\0d\0c\0v\0h\0zicsr\0smaia\0ssaia\0sstc\0svpbmt\0zve64d\0zkr\0sscofpmf\0', ids=63))
put('guest_fdt', 'isa-string-only', gfdt(UART | NO_LIST | RAW_STRING, 2, 1, [1], 'isa-string', b'console=hvc0',
    raw_string=b'rv64imafdcvh_zicsr_zifencei_smaia_ssaia_sstc_svpbmt_zba_zbb', ids=511))
put('guest_fdt', 'no-isa', gfdt(NO_LIST | NO_STRING, 1, 1, [0], 'z', b'', mem_mib=2, gpa=(1 << 50) - (2 << 20)))

# -- mmio_decode: header (extra windows, UART), windows, records (tests/fuzz/fuzz_mmio_decode.c)
def dec(ht, insn): return u8(0) + u64(ht) + u32(insn)
def emu(kind, sel, off, ht, insn, memoff=0, seed=1, devval=0x1122334455667788):
    return u8(kind | 1) + u8(sel) + u64(off) + u64(ht) + u64(seed) + u32(insn) + u16(memoff) + u64(devval)
STORE, FALLBACK, TRANSFORM = 2, 4, 8
LOADS = [0x00058503, 0x00059503, 0x0045a503, 0x0085b503, 0x0005c503, 0x0005d503, 0x0005e503]  # lb..lwu a0
STORES = [0x00a58023, 0x00a59023, 0x00a5a223, 0x00a5b423]  # sb sh sw sd a0
RVC = [0x4188, 0x6188, 0xc188, 0xe188, 0x4502, 0x6502, 0xc02a, 0xe02a, 0x2188, 0xa188, 0x0000, 0x4002,
       0x833c, 0x873c, 0x877c, 0x8b3c, 0x933c, 0x9f7c]  # ... Zcb c.lbu c.lhu c.lh c.sb, reserved 100100 / 100111
OTHER = [0x0005a507, 0x0005a527, 0x00b5a52f, 0x0000007f, 0x00000013, 0xffffffff, 0x0007f503, 0x00a5c023]
rec = b''.join(dec(i, i) for i in LOADS + STORES + OTHER)
rec += b''.join(dec(i & 0xffff | 1, i) for i in RVC)
rec += dec(0x00002000, 0) + dec(0x00003000, 0) + dec(0x00002020, 0x00003020) + dec(0x100000003, 0)
put('mmio_decode', 'decode-table', u8(0) + rec)
uart = u8(4) + emu(TRANSFORM, 1, 5, 0, 0x0055c503) + emu(TRANSFORM | STORE, 1, 0, 0, 0x00a58023, seed=0x41)
uart += emu(FALLBACK, 1, 2, 0, 0x0025c503, memoff=0x100) + emu(FALLBACK | STORE, 1, 3, 0, 0xc188, memoff=0x10)
uart += emu(TRANSFORM, 1, 0, 0, 0x0005c503) + emu(0, 0, 0xfc, 0x0085b503 & ~(31 << 15), 0)
put('mmio_decode', 'uart-console', uart)
win = u8(3) + u64(0x30000000) + u64(0x1000) + u64(0x30000800) + u64(0x100) + u64(0xfffffffffffff000) + u64(0x1000)
win += emu(FALLBACK, 1, 0xffc, 0, 0x0085b503, memoff=4094) + emu(FALLBACK, 2, 0xff8, 0, 0x0085b503, memoff=4092)
win += emu(TRANSFORM | STORE, 0, 0xfc, 0, 0x00a5b423) + emu(0, 0x80, 0x40000000, 0x3, 0)
win += emu(FALLBACK | STORE, 0, 0x10, 0, 0xe02a, memoff=4094)
put('mmio_decode', 'windows-edges', win)

# -- vpci: header (functions, lock), per function 6 BAR descriptors + 256 bytes + pattern seed,
#    then guest accesses (tests/fuzz/fuzz_vpci.c)
def bar_mem32(log2): return 1 | (log2 - 4) << 3
def bar_mem64(log2, pref=True): return 2 | (4 if pref else 0) | (log2 - 4) << 3
def bar_io(log2): return 3 | (log2 - 2) << 3
def cfgspace(vendor, device, cls, caps, cmd=0, pin=1, mf=False, extra=()):
    c = bytearray(256)
    struct.pack_into('<HHHH', c, 0, vendor, device, cmd, 0x10 if caps else 0)
    struct.pack_into('<I', c, 8, cls << 8 | 1)
    c[0x0e] = 0x80 if mf else 0
    c[0x3c], c[0x3d] = 0x0b, pin
    struct.pack_into('<I', c, 0x30, 0xfeb80001)      # an option ROM the guest must never see
    if caps: c[0x34] = caps[0][0]
    for i, (off, cid, ctl) in enumerate(caps):
        nxt = caps[i + 1][0] if i + 1 < len(caps) else 0
        struct.pack_into('<BBH', c, off, cid, nxt, ctl)
    for off, val in extra: struct.pack_into('<I', c, off, val)
    return bytes(c)
def fn(bars, cfg, seed=0x12345678): return bytes(bars) + cfg + u32(seed)
R, W, ER, EW = 0, 1, 2, 3
WID = {1: 0, 2: 1, 4: 2, 3: 3, 8: 7}
def op(kind, width, func, off, val=0): return u8(kind | WID[width] << 2 | func << 5) + u16(off) + u32(val)
VIRTIO_CAPS = [(0x40, 0x01, 0x0003), (0x50, 0x05, 0x0180), (0x68, 0x10, 0x0002), (0x98, 0x11, 0x0002), (0x84, 0x09, 0x1014)]
virtio = fn([0, bar_mem32(12), 0, 0, bar_mem64(14), 0],
            cfgspace(0x1af4, 0x1041, 0x020000, VIRTIO_CAPS, extra=[(0x68 + 8, 0x00107810), (0x68 + 0x28, 0x0000ffff)]))
ops = [op(R, 4, 0, 0)]
ops += [op(R, 4, 0, 0x10 + 4 * i) for i in range(6)]
ops += [op(W, 4, 0, 0x14, 0xffffffff), op(R, 4, 0, 0x14), op(W, 4, 0, 0x20, 0xffffffff), op(W, 4, 0, 0x24, 0xffffffff),
        op(R, 4, 0, 0x20), op(R, 4, 0, 0x24), op(W, 4, 0, 0x14, 0x40000000)]
ops += [op(R, 2, 0, 0x04), op(W, 2, 0, 0x04, 0x0547), op(R, 2, 0, 0x04), op(W, 4, 0, 0x04, 0xffff0000), op(R, 1, 0, 0x0e),
        op(R, 1, 0, 0x3d), op(W, 4, 0, 0x30, 0xffffffff), op(R, 4, 0, 0x30), op(W, 1, 0, 0x34, 0x40), op(W, 1, 0, 0x0c, 0x10),
        op(W, 1, 0, 0x0f, 0x40)]
ops += [op(R, 2, 0, 0x52), op(W, 2, 0, 0x52, 0x0181), op(W, 4, 0, 0x54, 0xfee00000), op(W, 4, 0, 0x58, 0), op(W, 2, 0, 0x5c, 0x21),
        op(W, 4, 0, 0x60, 0xffffffff), op(W, 4, 0, 0x64, 0xffffffff), op(W, 2, 0, 0x9a, 0xc002), op(R, 2, 0, 0x9a),
        op(W, 2, 0, 0x68 + 8, 0xf8ff), op(R, 2, 0, 0x68 + 8), op(W, 2, 0, 0x68 + 10, 0xffff), op(W, 2, 0, 0x68 + 0x28, 0xffff),
        op(R, 2, 0, 0x68 + 0x28), op(W, 2, 0, 0x44, 0x8103), op(R, 2, 0, 0x44), op(W, 4, 0, 0x84, 0xffffffff),
        op(W, 4, 0, 0x100, 0xffffffff), op(R, 4, 0, 0x100), op(W, 4, 0, 0xffc, 1), op(R, 4, 0, 0x1000), op(R, 3, 0, 0x4),
        op(R, 2, 0, 0x3), op(W, 2, 0, 0x5, 0xffff)]
ops += [op(ER, 4, 0, 0), op(ER, 8, 0, 0), op(ER, 4, 1, 0), op(ER, 4, 0, 0x8000), op(ER, 4, 0, 0x4000),
        op(EW, 2, 0, 0x04, 0x0006), op(ER, 2, 0, 0x04), op(EW, 4, 0, 0x10, 0xffffffff), op(ER, 1, 0, 0x11)]
put('vpci', 'virtio-net', u8(0) + virtio + b''.join(ops))
edu = fn([bar_mem32(20), 0, 0, 0, 0, 0], cfgspace(0x1234, 0x11e8, 0x00ff00, [(0x40, 0x05, 0x0000)], mf=True))
net2 = fn([bar_io(5), bar_mem32(12), bar_mem64(14, False), 0, bar_mem32(4), 0],
          cfgspace(0x8086, 0x100e, 0x020000, [(0x40, 0x01, 0x0003), (0x48, 0x11, 0x0000)]), seed=7)
ops2 = [op(R, 4, f, 0) for f in range(3)] + [op(W, 4, 1, 0x10, 0xffffffff), op(R, 4, 1, 0x10), op(W, 2, 0, 0x42, 0x0001),
        op(W, 4, 0, 0x44, 0xfee01000), op(W, 4, 0, 0x48, 0x22), op(ER, 4, 1, 0x8000 | 0x0), op(EW, 4, 1, 0x04, 0x7),
        op(ER, 4, 2, 0), op(W, 2, 1, 0x4a, 0xc000), op(R, 4, 1, 0x48)]
put('vpci', 'edu-e1000-locked', u8(1 | 4) + edu + net2 + b''.join(ops2))
iommu = fn([bar_mem32(12), 0, 0, 0, 0, 0], cfgspace(0x1efd, 0x0008, 0x080600, []))
put('vpci', 'iommu-and-virtio', u8(1) + iommu + virtio + b''.join([op(R, 4, 0, 0), op(W, 2, 0, 0x04, 0x0006), op(ER, 4, 1, 0)]))
overlap = fn([bar_mem64(12), 0, bar_mem64(16), 0, 0, 0],
             cfgspace(0x1b36, 0x0010, 0x010802, [(0x40, 0x05, 0x0180), (0x48, 0x10, 0x0002), (0xfc, 0x01, 0x0003)]))
put('vpci', 'overlapping-caps', u8(0) + overlap + b''.join([op(W, 4, 0, 0x50, 0xffffffff), op(W, 4, 0, 0x54, 0xffffffff),
    op(W, 4, 0, 0x48 + 0x28, 0xffffffff), op(R, 4, 0, 0x50), op(W, 2, 0, 0x100, 0xffff), op(W, 4, 0, 0xfc, 0xffffffff)]))

# -- vsbi: vCPUs + fence mode, states, guest ids, console input, then calls (tests/fuzz/fuzz_vsbi.c)
BASE, TIME, IPI, RFNC, HSM, SRST, DBCN, L_TIMER, L_PUT, L_GET, L_SHUT, PV = range(12)
RAM = 0x80000000
def small(v): return u8(0) + u8(v)
def ram(off): return u8(1) + u16(off)
def big(v): return u8(3) + u64(v)
MINUS1 = u8(2 | 4)
def hi16(v): return u8(2) + u16(v)
def call(eid, fid, *args, who=0):
    args = list(args) + [small(0)] * (6 - len(args))
    return u8(eid) + u8(who) + u8(fid) + b''.join(args)
def setup(nr, states, ids=0, inp=b'', fence_stop=False, devs=0, composed=False):
    st = 0
    for k, s in enumerate(states): st |= s << (2 * k)
    hdr = (nr - 1) | (4 if fence_stop else 0) | devs << 3 | (0x20 if composed else 0)
    return u8(hdr) + u8(st) + u8(ids) + u8(len(inp)) + inp
STARTED, STOPPED, PENDING, SUSP = 0, 1, 2, 3
boot = setup(4, [STARTED, STOPPED, STOPPED, STOPPED], inp=b'ls -l\n\x01\x01\x01x')
boot += call(BASE, 0) + call(BASE, 3, big(0x54494D45)) + call(BASE, 3, big(0x12345678)) + call(BASE, 4)
boot += call(HSM, 0, small(1), ram(0x1000), big(0xfeedface)) + call(HSM, 2, small(1))
boot += call(IPI, 0, small(3), small(0), who=0x80) + call(RFNC, 0, small(0), MINUS1) + call(RFNC, 1, small(2), small(0), ram(0), ram(0x1000))
boot += call(TIME, 0, big(0x1234567)) + call(DBCN, 0, small(13), ram(0x100), small(0)) + call(DBCN, 1, small(8), ram(0x200))
boot += call(DBCN, 2, small(0x41)) + call(L_PUT, 0, small(0x0a)) + call(L_GET, 0) + call(L_TIMER, 0, MINUS1)
boot += call(PV, 0, small(1), small(5)) + call(PV, 0, small(1), small(0)) + call(HSM, 3, small(0)) + call(HSM, 3, hi16(0x8000), ram(0x2000), small(7))
boot += call(HSM, 1, who=1) + call(HSM, 2, small(1)) + call(SRST, 0, small(1), small(0)) + call(HSM, 0, small(3), ram(0x3000), small(0))
put('vsbi', 'linux-boot', boot)
fence = setup(2, [STARTED, STARTED], fence_stop=True) + call(RFNC, 1, small(3), small(0)) + call(IPI, 0, MINUS1, MINUS1)
fence += call(HSM, 1, who=1) + call(HSM, 1) + call(L_SHUT, 0)
put('vsbi', 'fence-stop', fence)
odd = setup(3, [STARTED, SUSP, PENDING], ids=63) + u8(0xe0) + u8(0) + u8(0) + u64(0xdeadbeefcafe1234) + b''.join([small(0)] * 6)
odd += u8(0xc1) + u8(0) + u8(0xff) + b''.join([small(0)] * 6) + u8(0) + u8(0) + u8(0xf0) + u64(1 << 40) + b''.join([small(0)] * 6)
odd += call(DBCN, 0, small(0x20), ram(0xfff0)) + call(DBCN, 0, big(1 << 63), ram(0)) + call(DBCN, 1, big(0xffff), ram(0), small(1))
odd += call(SRST, 0, hi16(0xf000), small(0)) + call(SRST, 0, small(0), hi16(0x1000)) + call(SRST, 0, big(0x100000002), small(1))
odd += call(IPI, 0, big(1 << 63), small(0)) + call(IPI, 0, small(1), small(2)) + call(IPI, 0, small(1), small(64))
odd += call(HSM, 0, small(2), ram(0xfffe)) + call(HSM, 0, small(2), big(RAM - 4)) + call(PV, 0, small(2), small(63))
put('vsbi', 'edges', odd)
MSI_ADDR, GET_INFO, COMPOSE, RELEASE = 0, 1, 2, 3
msi = setup(2, [STARTED, STARTED], ids=64, devs=2, composed=True)
msi += b''.join(call(PV, GET_INFO, small(i)) for i in range(6))
msi += call(PV, COMPOSE, small(0x00), small(1), small(5)) + call(PV, COMPOSE, small(0x08), small(0), small(64))
msi += call(PV, COMPOSE, small(0x10), small(0), small(1)) + call(PV, COMPOSE, small(0x01), small(0), small(1))
msi += call(PV, COMPOSE, small(0x00), small(2), small(1)) + call(PV, COMPOSE, small(0x00), small(1), small(65))
msi += call(PV, RELEASE, small(0x00), small(1), small(5)) + call(PV, RELEASE, small(0x00), small(1), small(5))
msi += call(PV, RELEASE, small(0x08), small(0), small(63)) + call(PV, MSI_ADDR, small(1), small(64))
put('vsbi', 'msi-compose', msi)
put('vsbi', 'msi-open', setup(4, [STARTED] * 4, devs=3) + call(PV, COMPOSE, small(0x10), small(3), small(255)) +
    call(PV, RELEASE, small(0x10), small(3), small(255)) + call(PV, GET_INFO, small(4)))

# -- vcon: byte 0 bit 0 = replay the driver bring-up, then (kind | width code << 4, u16 offset,
#    u64 value) operations (tests/fuzz/fuzz_vcon.c): 0/1 config read/write, 2/3 BAR read/write,
#    4/5 guest RAM write, 6 console input, 7 notify
def vop(kind, w, off, val):
    return struct.pack('<BHQ', kind | ({1: 0, 2: 1, 4: 2, 8: 3}[w] << 4), off, val)
vram = lambda off, v: vop(5, 8, off, v)
put('vcon', 'tx-one-chain', b'\x01' + vram(0x1400, 0x80008000) + vram(0x1408, 0x10) + vram(0x2400, 0x10000) +
    vram(0x2408, 0) + vop(7, 2, 0, 1))
put('vcon', 'tx-loop', b'\x01' + vram(0x1400, 0x80008000) + vram(0x1408, 0x0001000100000010) + vop(5, 8, 0x2400, 0x10000) +
    vop(7, 2, 0, 1))
put('vcon', 'rx-input', b'\x01' + vram(0x1000, 0x80009000) + vram(0x1008, 0x0000000200000100) + vram(0x2000, 0x10000) +
    vop(6, 2, 0, 5) + vop(7, 2, 0, 0))
put('vcon', 'cfg-bar', b'\x00' + vop(0, 4, 0, 0) + vop(1, 4, 0x10, 0xffffffff) + vop(0, 4, 0x10, 0) + vop(1, 2, 0x86, 0xc000) +
    vop(3, 4, 0x80c, 0))
PY
echo "fuzz-seeds: $(find $C -type f | wc -l) files in $C"
