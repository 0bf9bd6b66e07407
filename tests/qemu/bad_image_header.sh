#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/configs/bad-linux-header.dts: a boot-loader image (QEMU -device loader at 0xb0000000) of
# 4 KiB whose Linux Image header claims image_size 62 MiB, in a 64 MiB partition without an
# initrd. config_parse() cannot see the header (the image is not in the firmware); the load must
# refuse it with a config error naming the node and property, start nothing, and power off.
source tests/qemu/lib.sh
TEST=bad_image_header
LOG=$LOGDIR/$TEST.log
img_file=$LOGDIR/$TEST.Image
python3 - "$img_file" <<'PY'
import struct, sys
h = bytearray(4096)
h[16:24] = struct.pack('<Q', 0x3e00000)   # image_size (Documentation/arch/riscv/boot-image-header.rst)
h[56:60] = b'RSC\x05'                      # magic2
open(sys.argv[1], 'wb').write(h)
PY
img=$(build_config "$TEST" tests/configs/bad-linux-header.dts) || finish
boot "$img" 60 -device loader,file="$img_file",addr=0xb0000000,force-raw=on
expect_line "partvisor: config error: /partitions/alpha: partvisor,image-reg: image '(image-reg)' needs 0x3e00000 bytes (Linux header image_size) from offset 0x200000: runs into the guest device tree at offset 0x3ff0000" \
  "the load refuses the image's header image_size, as a config error"
expect "^partvisor: boot stopped, no partition started" "no partition started"
expect_not "^\[" "no partition printed anything"
expect_not "starting .* partitions" "hypervisor did not start partitions"
expect_qemu_exit0
finish
