#!/usr/bin/env bash
# Boot partvisor on QEMU virt as the OpenSBI payload.
#   run.sh [IMAGE] [extra QEMU args...]
# Environment: SMP (default 4), MEM (default 1G), BIOS (default: QEMU's own fw_dynamic;
# set to /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin for Debian's fw_jump),
# AIA_GUESTS (guest interrupt files per hart, default 3), MACHINE_OPTS (more -M virt options,
# e.g. iommu-sys=on), QEMU (binary).
# The console is QEMU's stdio multiplexer with Ctrl-] as its escape key (Ctrl-] x quits QEMU),
# so Ctrl-a (partvisor's console switch) and Ctrl-c reach the hypervisor and the guests.
set -euo pipefail
img=${1:-build/partvisor.bin}
shift || true
exec ${QEMU:-qemu-system-riscv64} \
  -M virt,aia=aplic-imsic,aia-guests=${AIA_GUESTS:-3}${MACHINE_OPTS:+,$MACHINE_OPTS} \
  -cpu max -smp "${SMP:-4}" -m "${MEM:-1G}" \
  -nographic -echr 0x1d \
  -bios "${BIOS:-default}" \
  -kernel "$img" "$@"
