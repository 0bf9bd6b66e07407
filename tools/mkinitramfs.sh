#!/usr/bin/env bash
# Builds the busybox initramfs for the Linux test guest from the riscv64 packages that
# tools/deps.sh (PARTVISOR_LINUX=1) unpacked into $PARTVISOR_CACHE/sysroot/{busybox,linux}.
#
#   tools/mkinitramfs.sh OUT.cpio       newc cpio, uncompressed (the hypervisor copies it as is)
#   tools/mkinitramfs.sh OUT.cpio.gz    the same, gzip -9 (slower to unpack under emulation)
#   tools/mkinitramfs.sh --kernel-path  print the path of the kernel Image in the cache
#
# Contents: /bin/busybox, /bin/sh -> busybox (the other applet links are made by /init with
# `busybox --install -s`), /init from tests/linux/init, /dev/console, empty /proc /sys /tmp /root
# /mnt /sbin /usr/{bin,sbin}, a minimal /etc. All files root:root with a fixed mtime
# (SOURCE_DATE_EPOCH, default 0) and a sorted file list: the output is reproducible.
# Hook: PARTVISOR_INITRAMFS_MODULES="rel/path/a.ko.xz ..." copies those files from
# lib/modules/<ver>/ of the kernel package into the same place in the image.
# Prints nothing on success.
set -euo pipefail

CACHE=${PARTVISOR_CACHE:-$HOME/.cache/partvisor}
SYSROOT=$CACHE/sysroot
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INIT=$ROOT/tests/linux/init
BUSYBOX=$SYSROOT/busybox/usr/bin/busybox
EPOCH=${SOURCE_DATE_EPOCH:-0}

die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }
hint="run: PARTVISOR_LINUX=1 bash tools/deps.sh"

kernel_path() {
  local k=("$SYSROOT"/linux/boot/vmlinux-*)
  [ -e "${k[0]}" ] || die "no kernel Image $SYSROOT/linux/boot/vmlinux-* ($hint)"
  [ ${#k[@]} -eq 1 ] || die "expected one kernel Image, found: ${k[*]}"
  printf '%s\n' "${k[0]}"
}

[ $# -eq 1 ] || die "usage: $0 OUT.cpio[.gz] | --kernel-path"
if [ "$1" = --kernel-path ]; then
  kernel_path
  exit 0
fi
OUT=$1
[ -f "$BUSYBOX" ] || die "no busybox at $BUSYBOX ($hint)"
[ -f "$INIT" ] || die "no $INIT"
command -v cpio >/dev/null || die "cpio not installed"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
R=$STAGE/root
umask 022
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mnt,etc,lib}
chmod 1777 "$R/tmp"
chmod 0700 "$R/root"
install -m 0755 "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
install -m 0755 "$INIT" "$R/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
printf 'partvisor-linux\n' > "$R/etc/hostname"
: > "$R/etc/fstab"

# Optional kernel modules (none needed by the tests today).
if [ -n "${PARTVISOR_INITRAMFS_MODULES:-}" ]; then
  mods=("$SYSROOT"/linux/usr/lib/modules/* "$SYSROOT"/linux/lib/modules/*)
  moddir=""
  for m in "${mods[@]}"; do [ -d "$m" ] && { moddir=$m; break; }; done
  [ -n "$moddir" ] || die "no lib/modules/<version> in $SYSROOT/linux"
  ver=$(basename "$moddir")
  for m in $PARTVISOR_INITRAMFS_MODULES; do
    [ -f "$moddir/$m" ] || die "no module $moddir/$m"
    install -D -m 0644 "$moddir/$m" "$R/lib/modules/$ver/$m"
  done
  for f in modules.order modules.builtin modules.builtin.modinfo; do
    [ -f "$moddir/$f" ] && install -m 0644 "$moddir/$f" "$R/lib/modules/$ver/$f"
  done
fi

find "$R" -exec touch -h -d "@$EPOCH" {} +

# newc entry written by hand: a device node needs no root privileges this way.
# newc_entry NAME MODE(octal) RDEVMAJOR RDEVMINOR INO
newc_entry() {
  local name=$1 mode=$2 maj=$3 min=$4 ino=$5 namesize hdr pad
  namesize=$(( ${#name} + 1 ))
  hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$ino" "$((8#$mode))" 0 0 1 "$EPOCH" 0 0 0 "$maj" "$min" "$namesize" 0)
  pad=$(( (4 - (110 + namesize) % 4) % 4 ))
  printf '%s%s\0' "$hdr" "$name"
  head -c "$pad" /dev/zero
}

CPIO=$STAGE/initramfs.cpio
# Archive 1: the tree, sorted, root-owned, inode/device numbers normalized.
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' |
   cpio --quiet -o -H newc -R 0:0 --reproducible) > "$CPIO"
# Archive 2 (Linux unpacks concatenated archives): /dev/console, so that the kernel can open
# the initial console for /init even without devtmpfs.
{
  newc_entry dev/console 020600 5 1 100000
  newc_entry 'TRAILER!!!' 0 0 0 0
} >> "$CPIO"

mkdir -p "$(dirname "$OUT")"
case $OUT in
  *.gz) gzip -9 -n -c "$CPIO" > "$OUT.tmp" ;;
  *)    cp "$CPIO" "$OUT.tmp" ;;
esac
mv -f "$OUT.tmp" "$OUT"
