#!/usr/bin/env bash
# One firmware for every config: the stock $BUILD/partvisor.bin (default config embedded) takes
# its config from the host device tree's /chosen/partvisor-config when there is one
# (docs/config.md). Host trees come from `make host-dtb` (QEMU's own tree for make run's
# machine, dumped, with the config applied as an overlay) and reach the firmware through -dtb.
#   a. tests/configs/chosen-split.dts in the tree: the guests see its partitions (names, hart
#      counts, RAM sizes differ from the default config) and the log names the config source;
#      the firmware file is not rebuilt.
#   b. the dumped tree without a config: the embedded default config (linux0, linux1) boots.
#   c. a bad config in the tree: boot stops naming the /chosen/... node, QEMU exits by itself.
#   d. a host tree larger than the hypervisor's copy: boot stops naming the size.
source tests/qemu/lib.sh
BASE_TEST=$TEST
img=$BUILD/partvisor.bin
hvc=$LOGDIR/$TEST.hvc0
run_env=$(make -s BUILD="$BUILD" run-env)
# shellcheck disable=SC2207
run_args=($(make -s BUILD="$BUILD" HVC_CHARDEV="file,path=$hvc" run-args))
if [ ! -f "$img" ]; then fail "no stock firmware $img (make all first)"; finish; fi

# host_dtb DTS: make host-dtb for DTS; sets DTB to the .dtb path (fails the test if make does).
host_dtb() {
  local name
  name=$(basename "$1" .dts)
  DTB=$BUILD/host-$name.dtb
  if make -s BUILD="$BUILD" CONFIG_DTS="$1" host-dtb >"$LOGDIR/$BASE_TEST.host-$name.log" 2>&1 && [ -f "$DTB" ]; then
    return 0
  fi
  fail "make host-dtb CONFIG_DTS=$1 (see $LOGDIR/$BASE_TEST.host-$name.log)"
  return 1
}
# run_boot FN ARGS...: lib.sh's FN (boot or _boot_poll) for the stock firmware, on make run's
# machine (run-env: machine options and RAM size), ARGS then make run's QEMU arguments.
run_boot() {
  local fn=$1
  shift
  # shellcheck disable=SC2086
  (export $run_env; "$fn" "$img" "$@"; exit "$QEMU_RC")
  QEMU_RC=$?
}

# both Linux partitions of the default config have printed their kernel banner
both_banners() { grep -q '^\[linux0\] .*Linux version' "$LOG" && grep -q '^\[linux1\] .*Linux version' "$LOG"; }

sum_before=$(sha256sum <"$img")

# a. a different config through the device tree
TEST=${BASE_TEST}_split LOG=$LOGDIR/$BASE_TEST.split.log
if host_dtb tests/configs/chosen-split.dts; then
  if [ "$(sha256sum <"$img")" = "$sum_before" ]; then pass "make host-dtb left the stock firmware as it was"
  else fail "make host-dtb changed $img"; fi
  run_boot boot 120 "${run_args[@]}" -dtb "$DTB"
  expect "^partvisor: config: host device tree /chosen/partvisor-config$" "log names the host device tree as the config source"
  expect "^partvisor: partition south: 3 vcpus, RAM gpa 0x80000000 host 0x[0-9a-f]+ size 0x6000000" "hypervisor set up south (3 vCPUs, 96 MiB)"
  expect "^\[south\] testguest: hart 0 booted, 3 harts in fdt" "south's guest sees 3 harts"
  expect "^\[south\] hart 0: ram 0x80000000 size 0x6000000 ok" "south's guest sees 96 MiB of RAM"
  expect "^\[north\] testguest: hart 0 booted, 1 harts in fdt" "north's guest sees 1 hart"
  expect "^\[north\] hart 0: ram 0x80000000 size 0x2000000 ok" "north's guest sees 32 MiB of RAM"
  for h in 0 1 2; do expect "^\[south\] hart $h: ipi irqs 3 ok" "south vCPU $h took its IPIs"; done
  for p in south north; do expect "^\[$p\] testguest: all harts stopped, result PASS" "$p guest reports PASS"; done
  expect_not "^\[linux[01]\]|partition linux" "nothing of the embedded config ran"
  expect "^partvisor: all partitions stopped, powering off" "machine powers off after the last partition"
  expect_qemu_exit0
fi

# b. the machine's own tree without a config: the embedded default config
TEST=${BASE_TEST}_fallback LOG=$LOGDIR/$BASE_TEST.fallback.log
if make -s BUILD="$BUILD" "$BUILD/host-machine.dtb" >"$LOGDIR/$BASE_TEST.host-machine.log" 2>&1; then
  if fdtget -l "$BUILD/host-machine.dtb" /chosen | grep -qx partvisor-config; then
    fail "$BUILD/host-machine.dtb has a /chosen/partvisor-config"
  fi
  run_boot _boot_poll 120 both_banners "${run_args[@]}" -dtb "$BUILD/host-machine.dtb"
  expect "^partvisor: config: embedded \(no /chosen/partvisor-config in the host device tree\)$" "log names the embedded config"
  expect "^partvisor: partition linux0: 2 vcpus" "embedded linux0 set up"
  expect "^partvisor: partition linux1: 2 vcpus" "embedded linux1 set up"
  expect "^\[linux0\] .*Linux version" "linux0's kernel runs"
  expect "^\[linux1\] .*Linux version" "linux1's kernel runs"
  [ "$QEMU_RC" -eq 0 ] && pass "both Linux partitions printed their banner" || fail "timed out (see $LOG)"
else
  fail "make $BUILD/host-machine.dtb (see $LOGDIR/$BASE_TEST.host-machine.log)"
fi

# c. a bad config in the tree stops boot, naming the node by its host path
TEST=${BASE_TEST}_bad LOG=$LOGDIR/$BASE_TEST.bad.log
if host_dtb tests/configs/bad-hart-twice.dts; then
  run_boot boot 60 "${run_args[@]}" -dtb "$DTB"
  expect "^partvisor: config: host device tree /chosen/partvisor-config$" "log names the host device tree"
  expect "^partvisor: config error: /chosen/partvisor-config/partitions/beta: partvisor,harts: hart 1 is already owned by partition alpha" \
    "boot stops naming /chosen/partvisor-config/partitions/beta, the property and why"
  expect "^partvisor: boot stopped, no partition started" "no partition started"
  expect_not "^\[" "no partition printed anything"
  expect_qemu_exit0
fi

# d. a host tree too large for the hypervisor's copy (128 KiB): refused with its size
TEST=${BASE_TEST}_large LOG=$LOGDIR/$BASE_TEST.large.log
big=$LOGDIR/$BASE_TEST.large
head -c 200000 /dev/zero >"$big.pad"
{ dtc -q -I dtb -O dts "$BUILD/host-machine.dtb"; printf '/ {\n\tchosen {\n\t\tpadding = /incbin/("%s");\n\t};\n};\n' "$(basename "$big.pad")"; } >"$big.dts"
if (cd "$LOGDIR" && dtc -q -I dts -O dtb -o "$(basename "$big.dtb")" "$(basename "$big.dts")"); then
  rm -f "$big.pad"
  run_boot boot 60 "${run_args[@]}" -dtb "$big.dtb"
  expect "^partvisor: host device tree at 0x[0-9a-f]+ \([0-9]+ bytes\) does not fit the 131072-byte copy" "boot stops naming the tree's size and the limit"
  expect "^partvisor: boot stopped, no partition started" "no partition started"
  expect_qemu_exit0
else
  fail "dtc could not build the large host tree"
fi
finish
