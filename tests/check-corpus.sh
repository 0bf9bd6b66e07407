#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# partvisor-check (tools/partvisor-check.c) on the bad-config corpus and on the shipped configs.
#   1. every tests/configs/bad/*.dts: its first lines state the error(s) it must produce
#      ("// expect: <node>: <property>: <reason>", one line each); partvisor-check must exit 1
#      and print each of them exactly. "// machine: none" checks it without --platform;
#      "// args: ..." adds arguments.
#   2. broken blobs made from a good one by tests/configs/bad/mkblobs.py (truncated, header
#      pointing outside, bad magic, bad structure, control bytes in a name, ...): the same.
#      No raw control byte may appear in the checker's output.
#   3. every shipped config (make check-configs: tools/check-configs.sh) must exit 0 on the
#      QEMU machine it boots on.
# The machine for 1 and 2: QEMU virt as make run starts it (-smp 4 -m 2G, aia-guests=3,
# iommu-sys=on), the hypervisor at 0x80200000 (2 MiB), OpenSBI's RAM below it reserved, and an
# image table of fixed sizes (so the expected numbers never depend on a build): testguest
# (131072 bytes), big (62 MiB), fatlinux and hugelinux (4 KiB files with a Linux Image header
# whose image_size is 62 MiB / 128 MiB).
# Prints "PASS: check-corpus: <name>" / "FAIL: ..." per config; exit 1 on any FAIL. Host only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
OUT=$BUILD/check-corpus
CHECK=$BUILD/partvisor-check
rm -rf "$OUT"; mkdir -p "$OUT"
passed=0 failed=0
pass() { echo "PASS: check-corpus: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: check-corpus: $*"; failed=$((failed + 1)); }

if ! make -s BUILD="$BUILD" "$CHECK" >"$OUT/build.log" 2>&1; then
  cat "$OUT/build.log"; fail "build $CHECK"; exit 1
fi
host=$OUT/host.dtb
if ! qemu-system-riscv64 -M virt,aia=aplic-imsic,aia-guests=3,iommu-sys=on,dumpdtb="$host" -cpu max -smp 4 -m 2G \
     -nographic >"$OUT/qemu.log" 2>&1; then
  cat "$OUT/qemu.log"; fail "QEMU could not dump its device tree"; exit 1
fi
# Linux Image headers (Documentation/arch/riscv/boot-image-header.rst): image_size at byte 16, magic2 at 56
python3 - "$OUT" <<'PY'
import struct, sys
for name, isz in (('fatlinux', 0x3e00000), ('hugelinux', 0x8000000)):
    h = bytearray(4096)
    h[16:24] = struct.pack('<Q', isz)
    h[56:60] = b'RSC\x05'
    open(f'{sys.argv[1]}/{name}.bin', 'wb').write(h)
PY
# shellcheck disable=SC2054  # the commas are part of the arguments
machine_args=(--platform "$host" --hv 0x80200000,0x200000 --reserve 0x80000000,0x200000)
image_args=(--image testguest:131072 --image big:65011712 --image "fatlinux=$OUT/fatlinux.bin"
            --image "hugelinux=$OUT/hugelinux.bin")

# host_dtb QEMU-ARGS: QEMU's device tree for those arguments (dumped once), its path on stdout.
host_dtb() {
  local dtb m
  dtb=$OUT/host-$(echo "$1" | md5sum | cut -c1-12).dtb
  if [ ! -s "$dtb" ]; then
    # shellcheck disable=SC2086  # the arguments split on purpose
    set -- $1
    m=$2; shift 2
    qemu-system-riscv64 -M "$m,dumpdtb=$dtb" "$@" -nographic >"$dtb.log" 2>&1 || return 1
  fi
  echo "$dtb"
}

# check NAME FILE WITH_MACHINE EXTRA_ARGS EXPECT_FILE [HOST-QEMU-ARGS]: run the checker, compare.
check() {
  local name=$1 file=$2 machine=$3 extra=$4 expect=$5 log=$OUT/$1.log rc line missing=0 dtb
  local margs=()
  [ "$machine" = yes ] && margs=("${machine_args[@]}")
  if [ -n "${6:-}" ]; then
    dtb=$(host_dtb "$6") || { fail "$name: QEMU could not dump a device tree for '$6'"; return; }
    margs=(--platform "$dtb" "${machine_args[@]:2}")
  fi
  # shellcheck disable=SC2086  # extra arguments split on purpose
  timeout 20 "$CHECK" "${margs[@]}" "${image_args[@]}" $extra "$file" >"$log" 2>&1
  rc=$?
  if [ "$rc" -ne 1 ]; then
    fail "$name: exit status $rc, expected 1"; sed 's/^/    | /' "$log"; return
  fi
  while IFS= read -r line; do
    grep -Fxq -- "$line" "$log" || { fail "$name: no line '$line'"; missing=1; }
  done <"$expect"
  if LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d '\n' <"$log"); then
    fail "$name: raw control bytes in the output"; missing=1
  fi
  if [ "$missing" -eq 0 ]; then pass "$name"; else sed 's/^/    | /' "$log"; fi
}

echo "== bad configs (tests/configs/bad/*.dts)"
n=0
for f in tests/configs/bad/*.dts; do
  name=bad-$(basename "$f" .dts)
  sed -n 's|^// expect: ||p' "$f" >"$OUT/$name.expect"
  if [ ! -s "$OUT/$name.expect" ] || ! head -1 "$f" | grep -q '^// expect: '; then
    fail "$name: no '// expect:' first line"; continue
  fi
  machine=yes; grep -q '^// machine: none' "$f" && machine=no
  check "$name" "$f" "$machine" "$(sed -n 's|^// args: ||p' "$f")" "$OUT/$name.expect" \
    "$(sed -n 's|^// host: ||p' "$f")"
  n=$((n + 1))
done

echo "== broken blobs (tests/configs/bad/mkblobs.py)"
sed 's/beta {/alphz {/' tests/configs/two-testguests.dts >"$OUT/twin.dts"
if dtc -q -I dts -O dtb -o "$OUT/good.dtb" tests/configs/two-testguests.dts &&
   dtc -q -I dts -O dtb -o "$OUT/twin.dtb" "$OUT/twin.dts" &&
   python3 tests/configs/bad/mkblobs.py "$OUT/good.dtb" "$OUT/twin.dtb" "$OUT/blobs"; then
  for b in "$OUT"/blobs/*.dtb; do
    check "blob-$(basename "$b" .dtb)" "$b" yes "" "${b%.dtb}.expect"
    n=$((n + 1))
  done
else
  fail "making the broken blobs"
fi
# the good blob itself passes (so the blob checks above fail for their own reason)
if "$CHECK" "${machine_args[@]}" "${image_args[@]}" "$OUT/good.dtb" >"$OUT/good.log" 2>&1; then
  pass "the good blob the broken ones come from is accepted"
else
  fail "the good blob is refused"; sed 's/^/    | /' "$OUT/good.log"
fi
echo "INFO: check-corpus: $n bad configs"

echo "== shipped configs (make check-configs)"
make -s BUILD="$BUILD" check-configs >"$OUT/check-configs.log" 2>&1
cat "$OUT/check-configs.log"
passed=$((passed + $(grep -c '^PASS: ' "$OUT/check-configs.log")))
failed=$((failed + $(grep -c '^FAIL: ' "$OUT/check-configs.log")))
grep -q '^PASS: ' "$OUT/check-configs.log" || fail "make check-configs checked nothing"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
