#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-configs: partvisor-check on every shipped partition config (platform/*/partitions.dts
# and the good configs of tests/configs/) against the device tree QEMU gives the machine that
# config boots on (qemu-system-riscv64 ... dumpdtb=FILE, with the -smp/-m/-M options and extra
# arguments its boot test uses, tests/qemu/*.sh), with the hypervisor's real range (from
# $BUILD/partvisor.elf) and the images the firmware embeds for it. Configs that do not boot
# to a running system by design (tests/configs/bad-*.dts) are skipped with the reason.
# Prints "PASS: check-configs: <config> ..." / "FAIL: ..." / "SKIP: ..." per config; exit 1 on a FAIL.
# Environment (set by the Makefile): BUILD, NM (cross nm), CPP_DEFS (CONFIG_DEFS of platform.mk),
# CHECK_ARGS (CHECK_PLATFORM_ARGS of platform.mk).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
NM=${NM:-riscv64-unknown-elf-nm}
CHECK=$BUILD/partvisor-check
OUT=$BUILD/check-configs
mkdir -p "$OUT"
failed=0

start=$($NM "$BUILD/partvisor.elf" | awk '$3 == "__hv_start" { print $1 }')
end=$($NM "$BUILD/partvisor.elf" | awk '$3 == "__hv_end" { print $1 }')
if [ -z "$start" ] || [ -z "$end" ]; then
  echo "FAIL: check-configs: no __hv_start/__hv_end in $BUILD/partvisor.elf"
  exit 1
fi
hv="0x$start,$((0x$end - 0x$start))"
tg="--image testguest=$BUILD/guests/testguest.bin"
tg4="$tg --image testguest-4g=$BUILD/guests/testguest-4g.bin"
numa8="-numa node,cpus=0-3,memdev=m0 -numa node,cpus=4-7,memdev=m1 -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G"
numa6="-numa node,cpus=0-2,memdev=m0 -numa node,cpus=3-5,memdev=m1 -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G"

# config | -smp | -m | extra -M options | extra QEMU arguments | images   (as the boot tests run them)
table="
platform/qemu-virt/partitions.dts|4|2G|iommu-sys=on||$tg
tests/configs/good.dts|4|1G|||$tg
tests/configs/hcall-bench.dts|4|1G|iommu-sys=on||$tg
tests/configs/hostile.dts|4|1G|||$tg
tests/configs/iommu-edu.dts|4|1G|iommu-sys=on||$tg4
tests/configs/iommu-edu-composed.dts|4|1G|iommu-sys=on||$tg4
tests/configs/iommu-storm.dts|4|1G|iommu-sys=on||$tg4
tests/configs/iommu-virtio.dts|5|1G|iommu-sys=on||$tg4
tests/configs/iommu-virtio-composed.dts|5|1G|iommu-sys=on||$tg4
tests/configs/pci-topo-rp.dts|4|1G|iommu-sys=on||$tg4
tests/configs/pci-topo-rp-noacs.dts|4|1G|iommu-sys=on||$tg4
tests/configs/pci-topo-switch.dts|4|1G|iommu-sys=on||$tg4
tests/configs/pci-topo-pcipci.dts|4|1G|iommu-sys=on||$tg4
tests/configs/pci-topo-multifn.dts|4|1G|iommu-sys=on||$tg4
tests/configs/isolation.dts|4|1G|||$tg
tests/configs/linux-idle.dts|3|1G|||$tg
tests/configs/chosen-split.dts|4|2G|iommu-sys=on||$tg
tests/configs/linux-bench.dts|4|1G|||$tg
tests/configs/linux-pci.dts|4|2G|iommu-sys=on||$tg
tests/configs/linux-test.dts|4|1G|||$tg
tests/configs/msi-bench.dts|2|512M|iommu-sys=on|-device edu,addr=5|$tg
tests/configs/suspend.dts|4|1G|||$tg
tests/configs/sv48-guest.dts|4|1G|||$tg
tests/configs/two-sockets.dts|8,sockets=2|2G|iommu-sys=on|$numa8|$tg
tests/configs/two-testguests.dts|4|1G|||$tg
tests/configs/uneven-sockets.dts|6,sockets=2|2G||$numa6|$tg
"

# every shipped config is checked: one not in the table on the default machine (-smp 4 -m 1G,
# the platform IOMMU, both test-guest images), which is what most boot tests use
for f in platform/*/partitions*.dts tests/configs/*.dts; do
  case $(basename "$f") in
    bad-*) echo "SKIP: check-configs: $f (a bad config: its boot test checks the error; the corpus tests/configs/bad/ has the checker's)"; continue ;;
  esac
  grep -q "^$f|" <<<"$table" || table+="$f|4|1G|iommu-sys=on||$tg4
"
done

while IFS='|' read -r cfg smp mem mopts qargs imgs; do
  [ -n "$cfg" ] || continue
  name=$(basename "$cfg" .dts)
  machine="virt,aia=aplic-imsic,aia-guests=3${mopts:+,$mopts}"
  dtb=$OUT/host-$(echo "$machine-$smp-$mem-$qargs" | md5sum | cut -c1-12).dtb
  if [ ! -s "$dtb" ]; then
    # shellcheck disable=SC2086  # word splitting of the extra arguments is intended
    if ! qemu-system-riscv64 -M "$machine,dumpdtb=$dtb" -cpu max -smp "$smp" -m "$mem" $qargs -nographic \
         >"$OUT/$name.qemu.log" 2>&1; then
      echo "FAIL: check-configs: $cfg: QEMU could not dump its device tree (see $OUT/$name.qemu.log)"
      failed=1; continue
    fi
  fi
  # shellcheck disable=SC2086  # CPP_DEFS holds several -D options
  if ! gcc -E -P -nostdinc -undef -x assembler-with-cpp ${CPP_DEFS:-} -o "$OUT/$name.pp.dts" "$cfg" \
       >"$OUT/$name.log" 2>&1; then
    echo "FAIL: check-configs: $cfg: the C preprocessor failed"; sed 's/^/    | /' "$OUT/$name.log"; failed=1; continue
  fi
  # shellcheck disable=SC2086
  if "$CHECK" --platform "$dtb" --hv "$hv" ${CHECK_ARGS:-} $imgs "$OUT/$name.pp.dts" >"$OUT/$name.log" 2>&1; then
    echo "PASS: check-configs: $cfg (machine -smp $smp -m $mem${mopts:+ -M $mopts})"
  else
    echo "FAIL: check-configs: $cfg (machine -smp $smp -m $mem${mopts:+ -M $mopts})"; sed 's/^/    | /' "$OUT/$name.log"
    failed=1
  fi
done <<<"$table"
exit $failed
