#!/usr/bin/env bash
# The same default boot with Debian's OpenSBI fw_jump.bin instead of QEMU's fw_dynamic
# (FDT at 0x82200000, inside what becomes partition RAM: the hypervisor must copy it first).
export BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
export TEST=boot_fwjump
exec bash tests/qemu/boot_testguest.sh
