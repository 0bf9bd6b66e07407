#!/usr/bin/env bash
# A firmware built with an invalid partition config must stop boot with a message naming
# the node, the property and the reason, start no partition, and power off.
#   bad_config.sh NAME DTS NODE PROPERTY REASON-REGEX
source tests/qemu/lib.sh
name=$1 dts=$2 node=$3 prop=$4 why=$5
TEST=bad_config_$name
LOG=$LOGDIR/$TEST.log
img=$(build_config "$name" "$dts") || finish
boot "$img" 60
expect "^partvisor: config error: $node: $prop: $why" "boot stops naming $node, $prop and why"
expect "^partvisor: boot stopped, no partition started" "no partition started"
expect_not "^\[" "no partition printed anything"
expect_not "starting .* partitions" "hypervisor did not start partitions"
expect_qemu_exit0
finish
