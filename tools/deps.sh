#!/usr/bin/env bash
# Installs everything partvisor needs to build, run and test, from Debian's archive only.
# Idempotent: a second run with everything present does nothing but a few checks.
#   host packages (bookworm): cross GCC, picolibc, dtc, dt-schema, cmocka, libfdt-dev, cpio
#   bookworm-backports:       QEMU 10 (RISC-V IOMMU model, AIA guest files) and OpenSBI 1.5
#   riscv64 (trixie):         libfdt.a for the firmware image, fetched with a private apt state
#                             (never `dpkg --add-architecture riscv64` on a bookworm host)
# Downloaded riscv64 packages are cached outside git in $PARTVISOR_CACHE (default ~/.cache/partvisor).
set -euo pipefail

CACHE=${PARTVISOR_CACHE:-$HOME/.cache/partvisor}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

log() { printf 'deps: %s\n' "$*"; }

host_pkgs=(gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf device-tree-compiler dt-schema gnuplot-nox
           libcmocka-dev libfdt-dev cpio make gcc xz-utils clang libclang-rt-dev)
bpo_pkgs=(qemu-system-riscv opensbi)

need_host=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_host+=("$p")
done

qemu_ok=0
if command -v qemu-system-riscv64 >/dev/null 2>&1; then
  v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
  [ "${v:-0}" -ge 10 ] && qemu_ok=1
fi
[ -f /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin ] || qemu_ok=0

if [ ${#need_host[@]} -gt 0 ] || [ $qemu_ok -eq 0 ]; then
  if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    log "adding bookworm-backports"
    $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  log "apt-get update"
  $SUDO apt-get update -qq
  if [ ${#need_host[@]} -gt 0 ]; then
    log "installing ${need_host[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${need_host[@]}" >/dev/null
  fi
  if [ $qemu_ok -eq 0 ]; then
    log "installing ${bpo_pkgs[*]} from bookworm-backports"
    $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports "${bpo_pkgs[@]}" >/dev/null
  fi
fi

# riscv64 packages through a private apt state (trixie riscv64 archive).
D=$CACHE/apt-riscv64
O=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$D/sources -o Dir::State::Lists=$D/lists
   -o Dir::State::status=$D/status -o Dir::Cache=$D/cache -o APT::Architecture=riscv64 -o APT::Architectures=riscv64 -o APT::Sandbox::User=root)
rv_update() {
  mkdir -p "$D/lists/partial" "$D/cache/archives/partial" "$D/sources" "$D/debs"
  touch "$D/status"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nArchitectures: riscv64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    > "$D/sources/trixie-riscv64.sources"
  [ -n "$(ls "$D/lists" 2>/dev/null | grep -v partial)" ] || apt-get "${O[@]}" update -qq
}
# rv_fetch PKG DEST: download PKG's riscv64 .deb (cached) and unpack it into DEST.
rv_fetch() {
  local pkg=$1 dest=$2
  [ -f "$dest/.done" ] && return 0
  rv_update
  local deb
  deb=$(ls "$D/debs/${pkg}_"*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    log "downloading riscv64 $pkg"
    (cd "$D/debs" && apt-get "${O[@]}" download "$pkg" >/dev/null)
    deb=$(ls "$D/debs/${pkg}_"*.deb | head -1)
  fi
  rm -rf "$dest"; mkdir -p "$dest"
  dpkg-deb -x "$deb" "$dest"
  touch "$dest/.done"
}

rv_fetch libfdt-dev "$CACHE/sysroot/libfdt"

if [ "${PARTVISOR_LINUX:-1}" = 1 ]; then  # the default config boots Debian Linux
  rv_update
  kpkg=$(apt-cache "${O[@]}" depends linux-image-riscv64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*\)/\1/p' | head -1)
  [ -n "$kpkg" ] || { echo "deps: cannot resolve linux-image-riscv64" >&2; exit 1; }
  rv_fetch "$kpkg" "$CACHE/sysroot/linux"
  rv_fetch busybox-static "$CACHE/sysroot/busybox"
fi

log "ok (cache: $CACHE)"
