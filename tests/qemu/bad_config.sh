#!/usr/bin/env bash
# A firmware built with an invalid partition config must stop boot with a message naming
# the node, the property and the reason, start no partition, and power off.
#   bad_config.sh NAME DTS NODE PROPERTY REASON-REGEX
#   bad_config.sh NAME tests/configs/bad/X.dts      the corpus config (compiled with dtc -f, so
#                                                   duplicate properties stay); the expected line
#                                                   is its first "// expect:" line
#   bad_config.sh NAME blob:X                       the broken blob X of tests/configs/bad/mkblobs.py,
#                                                   embedded as it is (CONFIG_DTB), with its .expect line
# The build's own check (partvisor-check) is off (CONFIG_CHECK=no): the firmware must refuse it.
# Environment: STAGE (the message's "<stage> error:", default config), QEMU_ARGS (extra QEMU
# arguments), MACHINE_OPTS (extra -M options, see run.sh).
source tests/qemu/lib.sh
name=$1 src=$2 node=${3:-} prop=${4:-} why=${5:-}
TEST=bad_config_$name
LOG=$LOGDIR/$TEST.log
line=
make_args=(CONFIG_CHECK=no)
case $src in
  blob:*)
    dir=$BUILD/bad-blobs/$name
    mkdir -p "$dir"
    sed 's/beta {/alphz {/' tests/configs/two-testguests.dts >"$dir/twin.dts"
    if ! dtc -q -I dts -O dtb -o "$dir/good.dtb" tests/configs/two-testguests.dts ||
       ! dtc -q -I dts -O dtb -o "$dir/twin.dtb" "$dir/twin.dts" ||
       ! python3 tests/configs/bad/mkblobs.py "$dir/good.dtb" "$dir/twin.dtb" "$dir" ||
       [ ! -e "$dir/${src#blob:}.dtb" ]; then
      fail "making blob ${src#blob:}"; finish
    fi
    src=$(realpath "$dir/${src#blob:}.dtb")
    line=$(cat "${src%.dtb}.expect")
    make_args+=(CONFIG_DTB="$src")
    ;;
  tests/configs/bad/*.dts)
    mkdir -p "$BUILD/bad-blobs"
    dtb=$(realpath -m "$BUILD/bad-blobs/$name.dtb")
    dtc -q -f -I dts -O dtb -o "$dtb" "$src" 2>/dev/null || { fail "dtc -f $src"; finish; }
    line=$(sed -n '1s|^// expect: ||p' "$src")
    make_args+=(CONFIG_DTB="$dtb")
    src=$dtb
    ;;
esac
img=$(build_config "$name" "$src" "${make_args[@]}") || finish
# shellcheck disable=SC2086
boot "$img" 60 ${QEMU_ARGS:-}
if [ -n "$line" ]; then
  expect_line "partvisor: ${STAGE:-config} error: $line" "boot stops with: $line"
else
  expect "^partvisor: ${STAGE:-config} error: $node: ${prop:+$prop: }$why" "boot stops naming $node, ${prop:+$prop and }why"
fi
expect "^partvisor: boot stopped, no partition started" "no partition started"
expect_not "^\[" "no partition printed anything"
expect_not "starting .* partitions" "hypervisor did not start partitions"
expect_not $'\x1b' "no raw escape byte reached the console"
expect_qemu_exit0
finish
