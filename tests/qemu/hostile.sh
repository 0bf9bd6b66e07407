#!/usr/bin/env bash
# tests/configs/hostile.dts: mallory (harts 0-1) runs the test guest in "hostile" mode
# (tests/guests/testguest/hostile.c, whose header lists the attacks): bad SBI harts, masks, reset
# types, console buffers, unknown extensions and hypercalls; loads, stores and fetches outside its
# RAM; hypervisor and machine CSRs; an exception flood; a DBCN flood from both its vCPUs at once;
# forged console output; config accesses to PCI slots it does not have. It must see every attack
# refused, survive all of them and end with "result PASS" and an SRST shutdown. victim (harts
# 2-3) prints a heartbeat every second of its own time and must keep its pace (at least half of
# it) through the floods and never be impersonated on the console; the hypervisor must keep its
# own output bounded and never stall or panic.
#
# QEMU runs without -icount by default: both of mallory's vCPUs then really run at once (under
# -icount QEMU runs the vCPUs round robin, in 100 ms slices). Time is the host's, for mallory and
# the victim alike, so the heartbeat bound compares like with like. HOSTILE_QEMU_ARGS adds QEMU
# arguments, e.g. HOSTILE_QEMU_ARGS="-icount shift=0" for a deterministic pace (about 15 times
# slower).
source tests/qemu/lib.sh
img=$(build_config "$TEST" tests/configs/hostile.dts) || finish
t0=$(date +%s)
# shellcheck disable=SC2086  # word splitting of the extra arguments is intended
boot_until_after "$img" 240 "^partvisor: partition mallory (stopped|rebooting)" "^\[victim\] testguest: heartbeat " \
  ${HOSTILE_QEMU_ARGS:-}
echo "hostile: QEMU ran $(($(date +%s) - t0)) s"

M='^\[mallory\] hostile:'
# ---- every attack refused as required (the guest checks, one summary line each)
expect "$M attacking from hart 0, 2 vCPUs" "mallory started its attacks"
expect "$M sbi harts: [0-9]+ calls refused ok$" "1. IPI/RFENCE/HSM with foreign harts and masks refused"
expect "$M hsm churn: 300 starts and stops of vCPU 1 .* ok$" "1b. HSM start/stop churn of vCPU 1 stayed consistent"
expect "$M srst: [0-9]+ invalid resets refused ok$" "2. SRST with reserved types and reasons refused"
expect "$M dbcn buffers: [0-9]+ console calls refused ok$" "3. DBCN buffers outside mallory's RAM refused"
expect "$M unknown sbi: [0-9]+ calls refused ok$" "4. unknown extensions, functions and hypercall arguments refused"
expect "$M memory: [0-9]+ loads, [0-9]+ stores, [0-9]+ fetches outside our RAM faulted \(5, 7, 1\) ok$" \
  "5. loads, stores, fetches outside mallory's RAM faulted in the guest"
expect "$M memory edges: straddling accesses faulted, odd MMIO survived .* ok$" \
  "5b. accesses straddling the end of RAM faulted, odd MMIO accesses survived"
expect "$M mmio frame: UART loads and stores through s- and a-registers, others kept ok$" \
  "5c. emulated MMIO wrote only the data register (partial and whole exit frames)"
expect "$M hypervisor csrs: [0-9]+ instructions raised illegal instruction, timer still works ok$" \
  "6. H/VS/M CSRs and H instructions raised illegal instruction; timer unchanged"
expect "$M flood: [0-9]+ illegal instructions, [0-9]+ misaligned loads .* unmapped stores taken ok$" \
  "7. exception flood: every exception came back to the guest"
expect "$M dbcn flood: 6000 lines from 2 vCPUs written ok$" "8. DBCN flood from both vCPUs: every line taken"
expect "$M dbcn flood done$" "8. the hypervisor did not stall during the DBCN flood"
expect "$M console: control bytes and forged lines written .* ok$" "9. console attack written"
expect "$M pci: 96 config accesses to slots 0\.\.31 .* ok$" "10. PCI config space of slots mallory does not have"
expect_not "$M .*FAIL" "mallory saw no attack succeed"
expect "$M all attacks done, result PASS$" "mallory: all attacks done, result PASS"
expect "^\[mallory\] testguest: all harts stopped, result PASS$" "mallory: its normal checks passed"
expect "^partvisor: partition mallory stopped$" "mallory shut itself down with SRST at the end"
expect_not "^partvisor: partition mallory rebooting" "no attack rebooted mallory"
expect_not "^\[mallory\] hart [0-9]+: unexpected trap" "mallory survived its own attacks"

# ---- 3. the marker bytes in mallory's RAM next to the bad buffers never reached the console
expect_not "@#MKR7Q#" "3. no byte of a refused DBCN buffer was printed"

# ---- the victim: untouched, never impersonated, kept its pace
expect "^\[victim\] testguest: all harts stopped, result PASS$" "victim: its checks passed"
expect_not "^\[victim\] .*FAIL" "victim printed no FAIL"
expect_not "unexpected trap" "no unexpected trap"
expect_not "PANIC" "no hypervisor panic"
if after "^partvisor: partition mallory stopped" "^\[victim\] testguest: heartbeat "; then
  pass "victim heartbeat goes on after mallory stopped"
else
  fail "no victim heartbeat after mallory stopped"
fi
hb=$(sed -n 's/^\[victim\] testguest: heartbeat \([0-9][0-9]*\)$/\1/p' "$LOG")
n_hb=$(echo "$hb" | grep -c .)
if [ "$n_hb" -gt 0 ] && [ "$(echo "$hb" | awk 'NR != $1 { bad = 1 } END { print bad + 0 }')" = 0 ]; then
  pass "victim heartbeats 1..$n_hb, none lost or repeated"
else
  fail "victim heartbeats not 1..N in order: $(echo "$hb" | tr '\n' ' ' | cut -c1-200)"
fi

# pace START_RE END_RE WHAT: the victim printed at least half the heartbeats that fit between the
# line matching START_RE and the line matching END_RE ("... took <ticks> ticks, ... timebase <tb>").
pace() {
  local r what=$3 n t tb need secs
  r=$(S="$1" E="$2" awk '
    $0 ~ ENVIRON["S"] && !on { on = 1; next }
    on && /^\[victim\] testguest: heartbeat / { n++ }
    on && $0 ~ ENVIRON["E"] {
      for (i = 1; i < NF; i++) { if ($(i + 1) == "ticks,") t = $i; if ($i == "timebase") tb = $(i + 1) }
      print n + 0, t, tb; exit
    }' "$LOG")
  read -r n t tb <<<"$r"
  if [ -z "$tb" ] || [ "$tb" -eq 0 ]; then
    fail "$what: no start/end lines with ticks and timebase"
    return
  fi
  need=$((t / tb / 2))
  secs=$(awk -v t="$t" -v tb="$tb" 'BEGIN { printf "%.1f", t / tb }')
  if [ "$n" -ge "$need" ]; then
    pass "$what: victim printed $n heartbeats in mallory's $secs s (at least $need)"
  else
    fail "$what: victim printed $n heartbeats in mallory's $secs s, fewer than half ($need)"
  fi
}
pace "$M flood start$" "$M flood took " "7. victim kept its pace during the exception flood"
pace "$M dbcn flood start$" "$M dbcn flood took " "8. victim kept its pace during the DBCN flood"
pace "$M attacking from " "$M attacks took " "victim kept its pace through all the attacks"

# ---- the hypervisor's own output stays bounded
n=$(grep -c "^partvisor: mallory" "$LOG")
[ "$n" -lt 100 ] && pass "hypervisor printed $n lines about mallory (< 100)" ||
  fail "hypervisor printed $n lines about mallory (>= 100)"
n=$(grep -c "^partvisor:" "$LOG")
[ "$n" -lt 300 ] && pass "hypervisor printed $n lines in all (< 300)" || fail "hypervisor printed $n lines in all (>= 300)"
# during the exception flood: the fault reports are rate limited (a burst of 16, then 1 per second
# with a "suppressed" line before it)
r=$(S="$M flood start$" E="$M flood took " awk '
  $0 ~ ENVIRON["S"] { on = 1; next }
  on && /^partvisor:/ { n++ }
  on && $0 ~ ENVIRON["E"] { for (i = 1; i < NF; i++) { if ($(i + 1) == "ticks,") t = $i; if ($i == "timebase") tb = $(i + 1) }
                 print n + 0, int(t / tb) + 1; exit }' "$LOG")
read -r n secs <<<"$r"
if [ -n "$secs" ] && [ "$n" -le $((16 + 2 * secs)) ]; then
  pass "7. hypervisor printed $n lines during the flood of at most $secs s (<= 16 + 2 per second)"
else
  fail "7. hypervisor printed ${n:-?} lines during the flood (more than 16 + 2 per second of ${secs:-?} s)"
fi
rounds=$(sed -n "s/$M flood took [0-9]* ticks, \([0-9]*\) rounds.*/\1/p" "$LOG" | head -1)
v=$(exit_counter mallory guest-page-fault)
if [ -n "$rounds" ] && [ -n "$v" ] && [ "$v" -ge $((rounds * 5000)) ]; then
  pass "mallory's guest-page-fault exits ($v) include its $((rounds * 5000)) unmapped stores"
else
  fail "mallory guest-page-fault exits '$v' for ${rounds:-?} flood rounds"
fi

# ---- 8. DBCN flood lines: whole, none lost, none repeated, in order per vCPU
for h in 0 1; do
  seq_ok=$(sed -n "s/^\[mallory\] hostile: flood $h:\([0-9]\{4\}\)$/\1/p" "$LOG" |
    awk '$1 + 0 != NR { bad = 1 } END { print (bad || NR != 3000) ? "no" : "yes" }')
  [ "$seq_ok" = yes ] && pass "8. vCPU $h's 3000 flood lines all there, in order" ||
    fail "8. vCPU $h's flood lines are not 1..3000 in order"
done
# Every line with mallory's prefix is one message: a flood line exactly, a guest message starting
# at the prefix, or one of the forged lines of attack 9 (which name no second message).
bad=$(grep -a '^\[mallory\] ' "$LOG" | grep -av -E \
  -e '^\[mallory\] hostile: flood [01]:[0-9]{4}$' \
  -e '^\[mallory\] (victim\] testguest: heartbeat 9999|\[victim\] (fake|fake after cr|cut fake|write_byte fake|putchar fake|uart fake)|partvisor: (mallory forged hypervisor line|uart forged)|x{160})$' |
  grep -a -E -e '^\[mallory\] .*(\[mallory\]|hostile: .*hostile: |flood [01]:.*flood |testguest: .*testguest: )' \
    -e '^\[mallory\] ([^ht]|h[^oa]|t[^e])' | head -3)
[ -z "$bad" ] && pass "8. every mallory line is one whole message" || fail "8. mixed or unexpected mallory lines: $bad"

# ---- 9. console integrity: nothing raw reaches the terminal, nobody is impersonated
n=$(LC_ALL=C tr -dc '\000\007\010\015\033\177\377' <"$LOG" | wc -c)
[ "$n" -eq 0 ] && pass "9. no raw control byte (NUL, BEL, BS, CR, ESC, DEL, 0xff) in the log" ||
  fail "9. $n raw control bytes in the log"
if grep -aqFx '[mallory] hostile: console: cr AB csi \x1b[2J\x1b[H osc \x1b]0;title\x07 bs XY\x08\x08 nul \x00 del \x7f hi \xff' "$LOG"; then
  pass "9. DBCN control bytes printed escaped (\\x1b, \\x07, \\x08, \\x00), CR dropped"
else
  fail "9. no escaped DBCN console line"
fi
expect '^\[mallory\] hostile: write_byte: csi \\x1b\[2J bel \\x07$' "9. write_byte control bytes printed escaped"
expect '^\[mallory\] hostile: putchar: osc \\x1b\]0;t\\x07$' "9. legacy putchar control bytes printed escaped"
expect '^\[mallory\] hostile: uart: csi \\x1b\[2J bel \\x07$' "9. UART control bytes printed escaped"
expect_not '^\[victim\] (fake|fake after cr|cut fake|write_byte fake|putchar fake|uart fake)' "9. mallory could not print a [victim] line"
expect_not '^\[victim\] testguest: heartbeat 9999' "9. mallory could not forge a victim heartbeat"
expect_not '^partvisor: (mallory forged|uart forged)' "9. mallory could not forge a hypervisor line"
for f in 'victim\] testguest: heartbeat 9999' '\[victim\] fake' '\[victim\] fake after cr' '\[victim\] cut fake' \
  '\[victim\] write_byte fake' '\[victim\] putchar fake' '\[victim\] uart fake' 'partvisor: mallory forged hypervisor line'; do
  expect "^\[mallory\] $f$" "9. forged text shows under mallory's prefix: $f"
done
expect '^\[mallory\] x{160}$' "9. a line over the console's limit is cut, the rest keeps mallory's prefix"

# ---- QEMU was alive until the script stopped it
expect "^qemu-system-riscv64: terminating on signal 15" "QEMU still running when stopped (did not die)"
expect_not "^qemu-system-riscv64: (.*[Aa]ssert|.*[Aa]bort|.*[Ee]rror)" "no QEMU error"
if [ "$QEMU_RC" -eq 0 ]; then pass "boot reached mallory's stop and a later heartbeat"; else fail "timed out (QEMU_RC $QEMU_RC)"; fi
finish
