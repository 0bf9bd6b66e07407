#!/usr/bin/env bash
# tests/configs/two-testguests.dts: two partitions of two harts each run the test guest. Checks what each
# guest observed (RAM where its FDT says, 3 timer interrupts and 3 IMSIC IPIs per vCPU) and
# that none of that cost a hypervisor exit: timer (Sstc/vstimecmp) and IPIs (guest
# interrupt files mapped into the guest) must show zero interrupt and virtual-instruction exits.
# BIOS=... selects the OpenSBI firmware (QEMU's fw_dynamic by default).
source tests/qemu/lib.sh
img=$(build_config "$TEST" tests/configs/two-testguests.dts) || finish
boot "$img" 120
# Seen only with Debian's OpenSBI 1.5.1 fw_jump: a secondary hart never leaves OpenSBI although
# hart_start succeeded (HSM status stays START_PENDING; SBI IPIs do not wake it). With
# `-accel tcg,thread=single` it happens every time, and the test guest booted directly by fw_jump
# (no partvisor) loses its harts the same way. partvisor detects it and stops with a message.
# The boot is tried up to 5 times; if every try hits it, a native control run decides: when
# OpenSBI also loses harts without partvisor, the test is skipped (not counted) with that reason.
for attempt in 2 3 4 5; do
  grep -q "does not start through SBI HSM" "$LOG" || break
  echo "INFO: $TEST: $(grep -m1 'not up yet' "$LOG"); boot attempt $attempt"
  boot "$img" 120
done
if grep -q "does not start through SBI HSM" "$LOG"; then
  ctl=$LOGDIR/$TEST.native.log
  timeout 60 ${QEMU:-qemu-system-riscv64} -M virt,aia=aplic-imsic,aia-guests=3 -cpu max -smp 4 -m 1G -nographic \
    -bios "${BIOS:-default}" -kernel "$BUILD/cfg-$TEST/guests/testguest.bin" </dev/null >"$ctl" 2>&1
  if grep -q "did not stop (error 0 status 2)" "$ctl"; then
    echo "SKIP: $TEST: OpenSBI ($BIOS) lost a secondary hart in all 5 boots, and also natively without partvisor ($ctl)"
    exit 0
  fi
  fail "secondary harts do not start under partvisor, but do natively ($ctl)"
fi

for p in alpha beta; do
  expect "^\[$p\] testguest: hart 0 booted, 2 harts in fdt" "$p booted with 2 vCPUs in its FDT"
  expect "^\[$p\] hart 0: ram 0x80000000 size 0x4000000 ok" "$p RAM is where its FDT says"
  for h in 0 1; do
    expect "^\[$p\] hart $h: timer irqs 3 ok" "$p vCPU $h took 3 timer interrupts"
    expect "^\[$p\] hart $h: ipi irqs 3 ok" "$p vCPU $h took 3 IPIs from its sibling"
  done
  expect "^\[$p\] testguest: all harts stopped, result PASS" "$p guest reports PASS"
  expect "^partvisor: partition $p stopped" "$p stopped through SRST"
  for c in interrupt hv-request virtual-instruction guest-page-fault sbi-time sbi-ipi; do
    v=$(exit_counter $p $c)
    if [ "$v" = 0 ]; then pass "$p: zero $c exits"; else fail "$p: $c exits = '${v}' (expected 0)"; fi
  done
  v=$(exit_counter $p sbi-dbcn)
  if [ "${v:-0}" -ge 10 ]; then pass "$p: console output counted as DBCN exits ($v)"; else fail "$p: sbi-dbcn = '$v'"; fi
done
# Entropy: every partition's device tree has its own /chosen/rng-seed.
sa=$(sed -n 's/^\[alpha\] testguest: rng-seed 64 bytes \([0-9a-f]*\)$/\1/p' "$LOG")
sb=$(sed -n 's/^\[beta\] testguest: rng-seed 64 bytes \([0-9a-f]*\)$/\1/p' "$LOG")
if [ -n "$sa" ] && [ -n "$sb" ] && [ "$sa" != "$sb" ]; then
  pass "each partition has its own 64-byte /chosen/rng-seed ($sa, $sb)"
else
  fail "rng-seed: alpha '$sa' beta '$sb' (expected two different 64-byte seeds)"
fi
expect_not "FAIL|PANIC|unexpected trap" "no failure, panic or unexpected trap"
expect "^partvisor: all partitions stopped, powering off" "machine powers off after the last partition"
expect_qemu_exit0
finish
