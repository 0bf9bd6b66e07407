#!/usr/bin/env bash
# Stale data (tests/configs/ramclean.dts): the test guest finds its RAM outside its image and
# device tree all zero at boot 1, fills it with 0xa5 and reboots with SRST; at boot 2 the same
# RAM reads as zero again. partvisor's boot milestones account for every byte of the
# partition's RAM (copied + zeroed + the 64 KiB device-tree area = its size) on both boots.
source tests/qemu/lib.sh
img=$(build_config ramclean tests/configs/ramclean.dts) || finish
boot "$img" 120

expect "^\[alpha\] testguest: ramclean: boot 1: [0-9]+ bytes outside image and device tree, 0 non-zero doublewords" \
  "boot 1: the guest's free RAM reads as zero"
expect "^\[alpha\] testguest: ramclean: RAM filled with 0xa5, rebooting" "boot 1 dirtied its RAM and rebooted"
expect "^\[alpha\] testguest: ramclean: boot 2: [0-9]+ bytes outside image and device tree, 0 non-zero doublewords" \
  "boot 2: the RAM boot 1 dirtied reads as zero again"
expect_not "ramclean FAIL" "no stale data reported"
expect "^\[alpha\] testguest: all harts stopped, result PASS" "boot 2 passes its checks"
# milestones: copied + zeroed + the device-tree area = 64 MiB, for both boots
for b in 1 2; do
  line=$(grep -E "^partvisor: milestone: alpha boot $b guest entry" "$LOG" | head -1)
  c=$(echo "$line" | sed -n 's/.*RAM: \([0-9]*\) bytes copied.*/\1/p')
  z=$(echo "$line" | sed -n 's/.* \([0-9]*\) bytes zeroed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) bytes of device tree area.*/\1/p')
  if [ -n "$c" ] && [ -n "$z" ] && [ -n "$f" ] && [ $((c + z + f)) -eq $((64 << 20)) ]; then
    pass "boot $b: $c bytes copied + $z zeroed + $f of device tree area = the partition's 64 MiB"
  else
    fail "boot $b: milestone line missing or RAM not fully accounted for: '$line'"
  fi
done
expect_qemu_exit0
finish
