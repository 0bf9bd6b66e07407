#!/usr/bin/env bash
# Builds the busybox initramfs for the Linux test guest from the riscv64 packages that
# tools/deps.sh (PARTVISOR_LINUX=1) unpacked into $PARTVISOR_CACHE/sysroot/{busybox,linux}.
#
#   tools/mkinitramfs.sh OUT.cpio       newc cpio, uncompressed (the hypervisor copies it as is)
#   tools/mkinitramfs.sh OUT.cpio.gz    the same, gzip -9 (slower to unpack under emulation)
#   tools/mkinitramfs.sh --kernel-path  print the path of the kernel Image in the cache
#
# Contents: /bin/busybox, /bin/sh -> busybox, /bin/rdtime if PARTVISOR_RDTIME names it (the other applet links are made by /init with
# `busybox --install -s`), /init from tests/linux/init, /dev/console, empty /proc /sys /tmp /root
# /mnt /sbin /usr/{bin,sbin}, a minimal /etc, kernel modules under /lib/modules/<ver>. All files root:root with a fixed mtime
# (SOURCE_DATE_EPOCH, default 0) and a sorted file list: the output is reproducible.
# Kernel modules: PARTVISOR_INITRAMFS_MODULES (module names, default "virtio_net"; empty for
# none) and everything they depend on go to lib/modules/<ver>/ at their path in the kernel
# package, decompressed (.ko.xz -> .ko, module signature kept: busybox insmod/modprobe load
# plain .ko only), with a generated modules.dep (busybox modprobe). Debian's package ships no
# modules.dep (depmod writes it at install time), so the dependencies come from each module's
# .modinfo "depends=" (readelf). Default: virtio_net (CONFIG_VIRTIO_NET=m) -> net_failover ->
# failover; virtio_pci and virtio_console are built in.
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
# PARTVISOR_RDTIME: /bin/rdtime (tests/linux/rdtime.S, built by make), for the boot milestones.
if [ -n "${PARTVISOR_RDTIME:-}" ]; then
  [ -f "$PARTVISOR_RDTIME" ] || die "no $PARTVISOR_RDTIME"
  install -m 0755 "$PARTVISOR_RDTIME" "$R/bin/rdtime"
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
printf 'partvisor-linux\n' > "$R/etc/hostname"
: > "$R/etc/fstab"

# Kernel modules and their dependencies (see the header).
MODULES=${PARTVISOR_INITRAMFS_MODULES-virtio_net}
if [ -n "$MODULES" ]; then
  command -v xz >/dev/null || die "xz not installed"
  command -v readelf >/dev/null || die "readelf (binutils) not installed"
  mods=("$SYSROOT"/linux/usr/lib/modules/* "$SYSROOT"/linux/lib/modules/*)
  moddir=""
  for m in "${mods[@]}"; do [ -d "$m" ] && { moddir=$m; break; }; done
  [ -n "$moddir" ] || die "no lib/modules/<version> in $SYSROOT/linux ($hint)"
  ver=$(basename "$moddir")
  declare -A modpath=()        # module name (dashes as underscores) -> path below $moddir
  while IFS= read -r f; do
    n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
    modpath[$n]=$f
  done < <(cd "$moddir" && find kernel updates extra -name '*.ko' -o -name '*.ko.xz' 2>/dev/null | LC_ALL=C sort)
  declare -A moddeps=() done_=()
  # add_module NAME: copy NAME (decompressed) and, first, its dependencies.
  add_module() {
    local n=${1//-/_} src rel info d m
    [ -z "${done_[$n]:-}" ] || return 0
    done_[$n]=busy
    if [ -z "${modpath[$n]:-}" ]; then
      grep -q "/${n//_/[-_]}\.ko" "$moddir/modules.builtin" 2>/dev/null && { done_[$n]=builtin; return 0; }
      die "no module $n in $moddir (nor built in)"
    fi
    src=$moddir/${modpath[$n]}
    rel=${modpath[$n]%.xz}
    mkdir -p "$R/lib/modules/$ver/$(dirname "$rel")"
    case $src in
      *.xz) xz -dc "$src" > "$R/lib/modules/$ver/$rel" ;;
      *)    cat "$src" > "$R/lib/modules/$ver/$rel" ;;
    esac
    chmod 0644 "$R/lib/modules/$ver/$rel"
    info=$(readelf -p .modinfo "$R/lib/modules/$ver/$rel" | sed -n 's/^ *\[ *[0-9a-f]*\]  //p')
    # a here-string, not a pipe: grep -q stops reading early and, with pipefail, a SIGPIPE of
    # the writer would fail the check although the name was found
    grep -q "^name=$n\$" <<<"$info" || die "$src: .modinfo has no name=$n"
    d=$(printf '%s\n' "$info" | sed -n 's/^depends=//p' | tr ',' ' ')
    moddeps[$n]=""
    for m in $d; do
      [ "${done_[${m//-/_}]:-}" != busy ] || die "module dependency loop at $n -> $m"
      add_module "$m"
      [ "${done_[${m//-/_}]}" = builtin ] || moddeps[$n]="${moddeps[$n]} ${m//-/_}"
    done
    done_[$n]=copied
  }
  # load_order NAME: NAME's dependencies, transitively, each once, in load order (post-order:
  # a module after everything it needs). modules.dep lists them the other way round (modprobe
  # loads the list from its end).
  load_order() {
    local m
    for m in ${moddeps[$1]}; do
      case " $seen " in *" $m "*) continue ;; esac
      seen="$seen $m"
      load_order "$m"
      printf '%s\n' "$m"
    done
  }
  for m in $MODULES; do add_module "$m"; done
  for n in $(printf '%s\n' "${!moddeps[@]}" | LC_ALL=C sort); do
    seen=""
    line="${modpath[$n]%.xz}:"
    for m in $(load_order "$n" | tac); do line="$line ${modpath[$m]%.xz}"; done
    printf '%s\n' "$line"
  done > "$R/lib/modules/$ver/modules.dep"
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
