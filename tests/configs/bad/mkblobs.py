#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Broken config blobs made from a good one (no binaries in git):
#   mkblobs.py GOOD.dtb TWIN.dtb OUTDIR
# GOOD.dtb: a valid config with partitions alpha and beta (tests/configs/two-testguests.dts);
# TWIN.dtb: the same with beta renamed alphz (patched to a second alpha here).
# Writes OUTDIR/<name>.dtb and OUTDIR/<name>.expect (the line partvisor-check and the firmware
# must print, without the "partvisor: config error: " prefix) for each case below.
import os
import struct
import sys

good = open(sys.argv[1], 'rb').read()
twin = open(sys.argv[2], 'rb').read()
out = sys.argv[3]
os.makedirs(out, exist_ok=True)
total = len(good)
hdr = lambda b, i: struct.unpack('>I', b[4 * i:4 * i + 4])[0]   # header field i (u32 big endian)
assert hdr(good, 1) == total


def put(b, i, v):
    b = bytearray(b)
    b[4 * i:4 * i + 4] = struct.pack('>I', v)
    return bytes(b)


def case(name, blob, expect):
    open(os.path.join(out, name + '.dtb'), 'wb').write(blob)
    open(os.path.join(out, name + '.expect'), 'w').write(expect + '\n')


off_struct, off_strings, off_rsv, size_strings, size_struct = hdr(good, 2), hdr(good, 3), hdr(good, 4), hdr(good, 8), hdr(good, 9)
case('empty', b'', '/: config blob of 0 bytes is shorter than a device tree header (40 bytes)')
case('short-header', good[:20], '/: config blob of 20 bytes is shorter than a device tree header (40 bytes)')
case('text', b'not a device tree, just some text that is long enough\n',
     '/: config blob has no device tree magic (0x6e6f7420, not 0xd00dfeed)')
case('bad-magic', b'\x00' + good[1:], '/: config blob has no device tree magic (0x000dfeed, not 0xd00dfeed)')
case('version-16', put(good, 5, 16), '/: device tree blob version 16, version 17 is needed')
case('truncated-half', good[:total // 2],
     '/: config blob cut short: its header says 0x%x bytes, 0x%x are there' % (total, total // 2))
case('truncated-one-byte', good[:-1],
     '/: config blob cut short: its header says 0x%x bytes, 0x%x are there' % (total, total - 1))
case('totalsize-tiny', put(good, 1, 16), '/: config blob header: totalsize 0x10 is smaller than the header')
case('struct-outside', put(good, 2, 0x10000),
     '/: config blob header: structure block 0x10000+0x%x runs past totalsize 0x%x' % (size_struct, total))
case('struct-size-huge', put(good, 9, 0xfffffff0),
     '/: config blob header: structure block 0x%x+0xfffffff0 runs past totalsize 0x%x' % (off_struct, total))
case('strings-outside', put(good, 8, 0x100000),
     '/: config blob header: strings block 0x%x+0x100000 runs past totalsize 0x%x' % (off_strings, total))
case('rsvmap-outside', put(good, 4, total),
     '/: config blob header: memory reservation map at 0x%x outside 0x28..0x%x' % (total, total - 16))
# the reservation map moved onto the structure block: no 16 zero bytes end it inside the blob
case('rsvmap-unterminated', put(good, 4, off_struct), '/: not a valid device tree blob: the memory reservation map has no end')
# the first structure token (FDT_BEGIN_NODE of the root) replaced by FDT_END
b = bytearray(good)
b[off_struct:off_struct + 4] = struct.pack('>I', 9)
case('bad-structure', bytes(b), '/: not a valid device tree blob: no root node (FDT_ERR_BADOFFSET)')
# the root node's FDT_END_NODE and FDT_END cut off: totalsize and the block sizes shrunk to match
cut = off_struct + size_struct - 8
b = bytearray(good[:cut])
b = put(put(put(b, 1, cut), 9, size_struct - 8), 3, cut)
b = put(b, 8, 0)
case('structure-cut', b, '/: not a valid device tree blob: the structure block ends inside the tree (FDT_ERR_BADOFFSET)')
# control bytes in a node name: printed escaped, never raw
assert good.count(b'alpha\0') == 1
case('name-control-bytes', good.replace(b'alpha\0', b'al\x1b\na\0'),
     "/partitions/al\\x1b\\x0aa: partition name 'al\\x1b\\x0aa' must match [a-z][a-z0-9-]* and have at most 31 characters")
assert twin.count(b'alphz\0') == 1
case('name-twice', twin.replace(b'alphz\0', b'alpha\0'), "/partitions/alpha: partition name 'alpha' is used twice")
