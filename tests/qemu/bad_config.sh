#!/usr/bin/env bash
# A firmware built with an invalid partition config must stop boot with a message naming
# the node, the property and the reason, start no partition, and power off.
#   bad_config.sh NAME DTS NODE PROPERTY REASON-REGEX
# Environment: STAGE (the message's "<stage> error:", default config), QEMU_ARGS (extra QEMU
# arguments), MACHINE_OPTS (extra -M options, see run.sh).
source tests/qemu/lib.sh
name=$1 dts=$2 node=$3 prop=$4 why=$5
TEST=bad_config_$name
LOG=$LOGDIR/$TEST.log
img=$(build_config "$name" "$dts") || finish
# shellcheck disable=SC2086
boot "$img" 60 ${QEMU_ARGS:-}
expect "^partvisor: ${STAGE:-config} error: $node: $prop: $why" "boot stops naming $node, $prop and why"
expect "^partvisor: boot stopped, no partition started" "no partition started"
expect_not "^\[" "no partition printed anything"
expect_not "starting .* partitions" "hypervisor did not start partitions"
expect_qemu_exit0
finish
