/* SPDX-License-Identifier: MIT */
/*
 * Hostile guest ("hostile" in bootargs, tests/qemu/hostile.sh, tests/configs/hostile.dts): once
 * its normal checks are done, the boot hart of the attacking partition attacks the hypervisor,
 * one attack after the other, and checks what it observes. Each attack prints one line
 * "hostile: <attack>: <result> ok", or "hostile: <attack>: FAIL <what happened>" per failure:
 *   1. sbi harts: IPI and RFENCE with hart_mask_base = nr_vcpus, 2^63, -2 and masks naming
 *      vCPUs it does not have -> SBI_ERR_INVALID_PARAM (mask 0 with base -1 is "all": success);
 *      HSM hart_start of harts 2, 3, 1000, -1 -> INVALID_PARAM, of its own stopped vCPU 1 at
 *      addresses outside its RAM -> SBI_ERR_INVALID_ADDRESS, of itself -> ALREADY_AVAILABLE;
 *      hart_get_status of 2, -1 -> INVALID_PARAM; hart_suspend with reserved and
 *      platform-specific types -> INVALID_PARAM, non-retentive with a resume address outside
 *      its RAM -> INVALID_ADDRESS.
 *  1b. hsm churn: vCPU 1 started 300 times at a stub that calls hart_stop at once; each start of
 *      the stopped vCPU succeeds, a second start meanwhile gets ALREADY_AVAILABLE, every state
 *      read is valid and vCPU 1 is STOPPED again within 1 s.
 *   2. srst: reserved reset types and reasons -> INVALID_PARAM, vendor types -> NOT_SUPPORTED,
 *      an unknown function -> NOT_SUPPORTED (never a valid shutdown/reboot: it would end us).
 *   3. dbcn buffers: console write/read with buffers outside, straddling the end of, far from
 *      its RAM, wrapping around the address space, and with base_addr_hi != 0 ->
 *      INVALID_PARAM; marker bytes sit in the in-RAM part (the script checks they never print).
 *   4. unknown sbi: unknown EIDs and FIDs -> NOT_SUPPORTED; BASE probe_extension of unknown EIDs
 *      -> 0; partvisor's EID 0x08505600 FID 0 (the v0 MSI address call) with a vCPU or identity
 *      it does not have -> INVALID_PARAM; FIDs 1..5, 0xdead, -1 with arguments no call accepts,
 *      GET_INFO of unknown items, MSI_COMPOSE / MSI_RELEASE of devices it does not have ->
 *      INVALID_PARAM or NOT_SUPPORTED (a hypervisor without ABI v1); what GET_INFO answers
 *      (vCPUs, devices) must be true.
 *   5. memory: loads, stores and instruction fetches at guest physical addresses that are not
 *      its RAM: the host addresses where the other partition's RAM may be (0x84000000 ..
 *      0x8c000000 in 4 MiB steps), 4 GiB, 0, CLINT, PLIC, IMSIC pages of vCPUs it does not
 *      have, a PCIe ECAM slot, PCIe MMIO, 2^52 - 4 KiB; a fetch from its own IMSIC page (not
 *      executable) -> access faults (load 5, store 7, fetch 1), survived; AMOs there -> store
 *      access faults.
 *  5b. memory edges: a load, store and fetch straddling the end of its RAM -> access faults;
 *      odd MMIO (straddling the UART and IMSIC pages, misaligned UART registers, an AMO, fld,
 *      fsd, lw into x0 and c.lw on the UART) -> survived, whatever it does.
 *   6. hypervisor csrs: reads and writes of H, VS and M CSRs by number, hfence.*, hlv.d and
 *      mret from VS-mode -> illegal instruction (2) each; then 3 timer interrupts on time and
 *      its own S CSRs unchanged.
 *   7. exception flood: rounds of 20000 illegal instructions (.word 0), 20000 misaligned loads,
 *      5000 stores to an unmapped guest physical address (4 GiB), for at least FLOOD_MIN_S
 *      seconds; every exception counted; "hostile: flood took <ticks> ticks" lets the script
 *      check the hypervisor printed a bounded number of lines and the victim's heartbeat kept
 *      its pace meanwhile.
 *   8. dbcn flood: vCPU 1, restarted with HSM hart_start, and the boot hart each write
 *      DBCN_FLOOD_LINES lines "hostile: flood <hart>:<n>" with raw DBCN calls (no guest console
 *      lock), then "hostile: dbcn flood done"; the script checks every line is whole, none is
 *      lost and the victim's heartbeat went on.
 *   9. console: DBCN write, DBCN write_byte, legacy putchar and UART output with CR, ESC
 *      sequences (CSI, OSC), BEL, backspaces, NUL, a line longer than the console's limit and
 *      forged "[victim] ..." / "partvisor: ..." lines (the script checks they are escaped and
 *      carry our prefix).
 *  10. pci: with no PCI function, config reads of slots 0..31 of the virtual ECAM
 *      (0x30000000) read as absent (all ones) and writes are ignored; with no host bridge in
 *      its device tree at all, the accesses fault like any unmapped address.
 * Then "hostile: all attacks done, result PASS" (or FAIL with the count); main.c prints its
 * result line and shuts the partition down with SRST.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"
#include "testguest.h"

#define SBI_EXT_BASE       0x10UL
#define SBI_EXT_TIME       0x54494D45UL
#define SBI_EXT_IPI        0x735049UL
#define SBI_EXT_RFNC       0x52464E43UL
#define SBI_BASE_PROBE_EXT 3
#define SBI_HSM_SUSPEND    3
#define SBI_DBCN_READ      1
#define SBI_ERR_INVALID_ADDRESS   (-5L)
#define SBI_ERR_ALREADY_AVAILABLE (-6L)

/* partvisor's hypercalls (include/partvisor/hypercall.h: v0 has FID 0 only, v1 adds 1..3) */
#define HC_EID             0x08505600UL
#define HC_FID_MSI_ADDR    0
#define HC_FID_GET_INFO    1
#define HC_FID_MSI_COMPOSE 2
#define HC_FID_MSI_RELEASE 3

#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSN 2
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS  5
#define CAUSE_STORE_ACCESS 7
#define NO_FAULT (~0UL)

#define GUEST_UART      0x10000000UL
#define GUEST_IMSIC     0x28000000UL
#define GUEST_ECAM      0x30000000UL
#define VICTIM_LO       0x84000000UL   /* where the other partition's RAM may be in host memory */
#define VICTIM_HI       0x8c000000UL
#define UNMAPPED_GPA    0x100000000UL

#define FLOOD_ILLEGAL   20000
#define FLOOD_MISALIGN  20000
#define FLOOD_STORES    5000
#define FLOOD_MIN_S     4      /* the exception flood lasts at least this long (our time) */
#define FLOOD_MAX_ROUNDS 400
#define DBCN_FLOOD_LINES 3000

static const void *hostile_fdt_for_secondary;   /* vCPU 1's opaque when restarted for the DBCN flood */
static unsigned failures;      /* this file's FAIL lines */
static unsigned checks;        /* checks of the current attack */
static unsigned attack_fails;  /* failures of the current attack */

#define hfail(...) do { failures++; attack_fails++; fail(__VA_ARGS__); } while (0)

static void attack_begin(void)
{
	checks = 0;
	attack_fails = 0;
}

/* The attack's summary line, if nothing failed. */
static void attack_end(const char *attack, const char *what)
{
	if (!attack_fails)
		say("hostile: %s: %u %s ok", attack, checks, what);
}

/* ---- SBI -------------------------------------------------------------------------------- */

static struct sbiret ecall6(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1,
			    unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a5 __asm__("a5") = arg5;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

/* One SBI call that must fail with @want (or @want2, if not 0). */
static struct sbiret sbi_expect(const char *attack, const char *what, long want, long want2, unsigned long eid,
				unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
				unsigned long a3)
{
	struct sbiret r = ecall6(eid, fid, a0, a1, a2, a3, 0, 0);

	checks++;
	if (r.error != want && (!want2 || r.error != want2))
		hfail("hostile: %s: FAIL %s (eid 0x%lx fid 0x%lx a0 0x%lx a1 0x%lx) -> error %ld value %ld, want %ld",
		      attack, what, eid, fid, a0, a1, r.error, r.value, want);
	return r;
}

/* ---- probes (main.c's trap handler records the fault and resumes) ---------------------- */

/* 8-byte load from @a; returns the cause or NO_FAULT, *val the value (0 if it faulted). */
static unsigned long probe_ld(uint64_t a, uint64_t *val)
{
	uint64_t v;

	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "li	%[v], 0\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	ld	%[v], 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc), [v] "=&r"(v)
			 : [a] "r"(a)
			 : "t0", "memory");
	expect_fault_pc = 0;
	if (val)
		*val = v;
	return fault_cause;
}

/* 4-byte load from @a. */
static unsigned long probe_lw(uint64_t a, uint32_t *val)
{
	uint32_t v;

	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "li	%[v], 0\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	lwu	%[v], 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc), [v] "=&r"(v)
			 : [a] "r"(a)
			 : "t0", "memory");
	expect_fault_pc = 0;
	*val = v;
	return fault_cause;
}

/* 8-byte store of @v to @a. */
static unsigned long probe_sd(uint64_t a, uint64_t v)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	sd	%[v], 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc)
			 : [a] "r"(a), [v] "r"(v)
			 : "t0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

/* 4-byte store of @v to @a. */
static unsigned long probe_sw(uint64_t a, uint32_t v)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	sw	%[v], 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc)
			 : [a] "r"(a), [v] "r"(v)
			 : "t0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

/* amoadd.d to @a. */
static unsigned long probe_amo(uint64_t a)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	amoadd.d t1, zero, (%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc)
			 : [a] "r"(a)
			 : "t0", "t1", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

/* Jump to @a: the fetch fault's sepc is @a, the handler resumes at the return label. */
static unsigned long probe_fetch(uint64_t a)
{
	fault_cause = NO_FAULT;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 2f\n"
			 "sd	t0, %[rp]\n"
			 "sd	%[a], %[pc]\n"
			 "jalr	t1, 0(%[a])\n"
			 "2:\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc), [rp] "=m"(expect_resume_pc)
			 : [a] "r"(a)
			 : "t0", "t1", "memory");
	expect_fault_pc = 0;
	expect_resume_pc = 0;
	return fault_cause;
}

/* One illegal instruction (.word 0: two c.unimp halfwords; resumes after the word). */
static unsigned long probe_word0(void)
{
	fault_cause = NO_FAULT;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 2f\n"
			 "sd	t0, %[rp]\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	.word	0\n"
			 "2:\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc), [rp] "=m"(expect_resume_pc)
			 :
			 : "t0", "memory");
	expect_fault_pc = 0;
	expect_resume_pc = 0;
	return fault_cause;
}

/* ---- 1. SBI with foreign and absurd harts and masks ------------------------------------- */

static void attack_sbi_harts(const struct range *ram, unsigned nv)
{
	static const char A[] = "sbi harts";
	const long P = SBI_ERR_INVALID_PARAM;
	struct {
		unsigned long mask, base;
	} bad[] = {
		{ 1, nv }, { 1, 1UL << 63 }, { 1, -2UL }, { 0, nv }, { ~0UL, 0 }, { 1UL << nv, 0 },
		{ 1UL << 63, 0 }, { 2, nv - 1 }, { 1, 1000 }, { 3, -3UL },
	};
	unsigned long in_ram = ram->base + 0x200000;

	attack_begin();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sbi_expect(A, "ipi", P, 0, SBI_EXT_IPI, 0, bad[i].mask, bad[i].base, 0, 0);
		sbi_expect(A, "remote_fence_i", P, 0, SBI_EXT_RFNC, 0, bad[i].mask, bad[i].base, 0, 0);
		sbi_expect(A, "remote_sfence_vma", P, 0, SBI_EXT_RFNC, 1, bad[i].mask, bad[i].base, 0, -1UL);
		sbi_expect(A, "remote_sfence_vma_asid", P, 0, SBI_EXT_RFNC, 2, bad[i].mask, bad[i].base, 0, -1UL);
	}
	/* base -1 is "all harts" whatever the mask: allowed (only we run: a self IPI, cleared) */
	sbi_expect(A, "ipi to all", 0, 0, SBI_EXT_IPI, 0, 0, -1UL, 0, 0);
	sbi_expect(A, "remote_fence_i to all", 0, 0, SBI_EXT_RFNC, 0, 0, -1UL, 0, 0);
	sbi_expect(A, "ipi to self", 0, 0, SBI_EXT_IPI, 0, 1, 0, 0, 0);
	csr_clear(sip, 1UL << 1);   /* SSIP */

	static const unsigned long harts[] = { 2, 3, 1000, -1UL, 1UL << 63 };
	for (unsigned i = 0; i < sizeof(harts) / sizeof(harts[0]); i++) {
		sbi_expect(A, "hart_start", P, 0, SBI_EXT_HSM, SBI_HSM_START, harts[i], in_ram, 0, 0);
		if (harts[i] != 3 && harts[i] != 1000)
			sbi_expect(A, "hart_get_status", P, 0, SBI_EXT_HSM, SBI_HSM_STATUS, harts[i], 0, 0, 0);
	}
	/* vCPU 1 is stopped: a start address outside our RAM (or straddling its end) */
	static const unsigned long bad_addr[] = { VICTIM_LO, VICTIM_LO - 2, 0, 0x1000, UNMAPPED_GPA, -4UL,
						  GUEST_IMSIC, GUEST_UART };
	for (unsigned i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++)
		sbi_expect(A, "hart_start outside RAM", SBI_ERR_INVALID_ADDRESS, 0, SBI_EXT_HSM, SBI_HSM_START,
			   1, bad_addr[i] == VICTIM_LO ? ram->base + ram->size : bad_addr[i], 0, 0);
	sbi_expect(A, "hart_start of itself", SBI_ERR_ALREADY_AVAILABLE, 0, SBI_EXT_HSM, SBI_HSM_START, 0,
		   in_ram, 0, 0);
	struct sbiret r = sbi_expect(A, "hart_get_status of vCPU 1", 0, 0, SBI_EXT_HSM, SBI_HSM_STATUS, 1, 0, 0, 0);
	if (!r.error && r.value != SBI_HSM_STOPPED)
		hfail("hostile: %s: FAIL vCPU 1 is in state %ld after the bad hart_starts", A, r.value);
	sbi_expect(A, "hsm unknown fid", SBI_ERR_NOT_SUPPORTED, 0, SBI_EXT_HSM, 7, 0, 0, 0, 0);

	/* Reserved and platform-specific suspend types. Should one suspend us, the 50 ms timer
	 * (enabled in sie, SIE off) wakes us and the test goes on to report it. */
	static const unsigned long types[] = { 1, 0x0fffffff, 0x10000000, 0x7fffffff, 0x80000001, 0x8fffffff,
					       0x90000000, 0xffffffff, 0x100000001 };
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, 1UL << IRQ_S_TIMER);
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		csr_write(stimecmp, rdtime() + 500000);
		sbi_expect(A, "hart_suspend reserved type", P, 0, SBI_EXT_HSM, SBI_HSM_SUSPEND, types[i], in_ram, 0, 0);
	}
	csr_write(stimecmp, rdtime() + 500000);
	sbi_expect(A, "non-retentive suspend resuming outside RAM", SBI_ERR_INVALID_ADDRESS, 0, SBI_EXT_HSM,
		   SBI_HSM_SUSPEND, 0x80000000, ram->base + ram->size, 0, 0);
	csr_write(stimecmp, -1UL);
	csr_clear(sie, 1UL << IRQ_S_TIMER);
	attack_end(A, "calls refused");
}

/* vCPU 1's entry for the HSM churn: hart_stop at once (no stack, no trap vector needed). */
void hostile_stop_entry(void);
__asm__(".pushsection .text\n"
	".balign 4\n"
	".globl hostile_stop_entry\n"
	"hostile_stop_entry:\n"
	"	li	a7, 0x48534D\n"   /* HSM */
	"	li	a6, 1\n"          /* hart_stop */
	"	ecall\n"
	"1:	wfi\n"
	"	j	1b\n"
	".popsection");

/*
 * HSM churn: start vCPU 1 at hostile_stop_entry, which stops at once, HSM_CHURN times; each
 * start must succeed once vCPU 1 is STOPPED, a second start meanwhile must fail with
 * ALREADY_AVAILABLE, and every state read must be a valid one.
 */
#define HSM_CHURN 300
static void attack_hsm_churn(uint64_t tb)
{
	static const char A[] = "hsm churn";
	unsigned again = 0, bad_state = 0;

	attack_begin();
	for (unsigned i = 0; i < HSM_CHURN && !attack_fails; i++) {
		uint64_t deadline = rdtime() + tb;
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, 1, (uintptr_t)hostile_stop_entry, i);

		checks++;
		if (r.error) {
			hfail("hostile: %s: FAIL start %u of stopped vCPU 1 -> error %ld", A, i, r.error);
			break;
		}
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, 1, (uintptr_t)hostile_stop_entry, i);
		if (r.error == SBI_ERR_ALREADY_AVAILABLE)
			again++;
		else if (r.error)
			hfail("hostile: %s: FAIL second start %u -> error %ld", A, i, r.error);
		/* (error 0: vCPU 1 had stopped already, and runs once more) */
		do {
			r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, 1, 0, 0);
			if (r.error || r.value < 0 || r.value > 3)
				bad_state++;
		} while (!r.error && r.value != SBI_HSM_STOPPED && rdtime() < deadline);
		if (r.error || r.value != SBI_HSM_STOPPED)
			hfail("hostile: %s: FAIL vCPU 1 not stopped 1 s after start %u (error %ld state %ld)", A, i,
			      r.error, r.value);
	}
	if (bad_state)
		hfail("hostile: %s: FAIL %u invalid states read", A, bad_state);
	if (!attack_fails)
		say("hostile: %s: %u starts and stops of vCPU 1 (%u second starts refused) ok", A, checks, again);
}

/* ---- 2. SRST with invalid types and reasons ---------------------------------------------- */

static void attack_srst(void)
{
	static const char A[] = "srst";
	const long P = SBI_ERR_INVALID_PARAM, N = SBI_ERR_NOT_SUPPORTED;

	attack_begin();
	/* reset_type, reset_reason: never a valid pair, it would end (or restart) us */
	sbi_expect(A, "reserved type 3", P, 0, SBI_EXT_SRST, 0, 3, 0, 0, 0);
	sbi_expect(A, "reserved type 0xefffffff", P, 0, SBI_EXT_SRST, 0, 0xefffffff, 0, 0, 0);
	sbi_expect(A, "reserved type 0x10000000", P, 0, SBI_EXT_SRST, 0, 0x10000000, 0, 0, 0);
	sbi_expect(A, "vendor type 0xf0000000", N, 0, SBI_EXT_SRST, 0, 0xf0000000, 0, 0, 0);
	sbi_expect(A, "vendor type 0xffffffff", N, 0, SBI_EXT_SRST, 0, 0xffffffff, 0, 0, 0);
	sbi_expect(A, "shutdown with reserved reason 2", P, 0, SBI_EXT_SRST, 0, 0, 2, 0, 0);
	sbi_expect(A, "shutdown with reserved reason 0xdfffffff", P, 0, SBI_EXT_SRST, 0, 0, 0xdfffffff, 0, 0);
	sbi_expect(A, "shutdown with reserved reason 2 in 64 bits", P, 0, SBI_EXT_SRST, 0, 0, 0xffffffff00000002,
		   0, 0);
	sbi_expect(A, "unknown fid 1", N, 0, SBI_EXT_SRST, 1, 0, 0, 0, 0);
	sbi_expect(A, "unknown fid -1", N, 0, SBI_EXT_SRST, -1UL, 0, 0, 0, 0);
	attack_end(A, "invalid resets refused");
}

/* ---- 3. DBCN with buffers outside the partition's RAM ---------------------------------- */

/* 8 bytes the script looks for in [mallory] lines: must never be printed. */
static const char marker[8] = { '@', '#', 'M', 'K', 'R', '7', 'Q', '#' };
static char marker_buf[64] __attribute__((aligned(8)));

static void attack_dbcn(const void *fdt, const struct range *ram)
{
	static const char A[] = "dbcn buffers";
	const long P = SBI_ERR_INVALID_PARAM;
	uint64_t end = ram->base + ram->size, fdt_end = (uintptr_t)fdt + fdt_totalsize(fdt);
	unsigned long mb = (uintptr_t)marker_buf;

	attack_begin();
	memcpy(marker_buf, marker, sizeof(marker));
	memcpy(marker_buf + 8, marker, sizeof(marker));
	/* marker bytes in the last 8 bytes of our RAM, unless the FDT is there */
	bool tail = fdt_end <= end - 8;
	if (tail)
		memcpy((void *)(uintptr_t)(end - 8), marker, sizeof(marker));

	for (unsigned long fid = SBI_DBCN_WRITE; fid <= SBI_DBCN_READ; fid++) {
		const char *w = fid == SBI_DBCN_WRITE ? "write" : "read";
		unsigned long b = fid == SBI_DBCN_READ ? mb + 32 : mb;   /* don't read over the marker */
		struct {
			const char *what;
			unsigned long len, lo, hi;
		} bad[] = {
			{ "just past RAM", 8, end, 0 },
			{ "straddling the end of RAM", 16, end - 8, 0 },
			{ "one byte past RAM", 9, end - 8, 0 },
			{ "victim's host address", 16, VICTIM_LO + 0x400000, 0 },
			{ "at 4 GiB", 16, UNMAPPED_GPA, 0 },
			{ "at 0", 16, 0, 0 },
			{ "at the UART", 8, GUEST_UART, 0 },
			{ "at the IMSIC", 8, GUEST_IMSIC, 0 },
			{ "wrapping around", 32, -16UL, 0 },
			{ "of length -1", -1UL, b, 0 },
			{ "of length 2^63", 1UL << 63, b, 0 },
			{ "of length 2^40", 1UL << 40, b, 0 },
			{ "with base_addr_hi 1", 8, b, 1 },
			{ "with base_addr_hi 0xffffffff", 8, b, 0xffffffff },
			{ "with base_addr_hi -1", 8, b, -1UL },
		};
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char what[64];

			if (!tail && bad[i].lo == end - 8)
				continue;
			snprintf(what, sizeof(what), "%s %s", w, bad[i].what);
			struct sbiret r = sbi_expect(A, what, P, 0, SBI_EXT_DBCN, fid, bad[i].len, bad[i].lo,
						     bad[i].hi, 0);
			if (r.value)
				hfail("hostile: %s: FAIL %s returned value %ld", A, what, r.value);
		}
	}
	if (tail)
		memset((void *)(uintptr_t)(end - 8), 0, 8);
	attack_end(A, "console calls refused");
}

/* ---- 4. unknown extensions and functions -------------------------------------------------- */

static void attack_unknown(void)
{
	static const char A[] = "unknown sbi";
	const long N = SBI_ERR_NOT_SUPPORTED, P = SBI_ERR_INVALID_PARAM;
	/* never 0x0..0x2 (legacy timer/putchar/getchar) or 0x8 (legacy shutdown); EIDs are 32-bit
	 * values, sign-extended in a7, so none with other upper bits (an implementation may drop them) */
	static const unsigned long eids[] = {
		0x3, 0x4, 0x5, 0x6, 0x7, 0x9, 0xf, 0x11, 0x12345678, 0xdeadbeef, 0x08505601, 0x085055ff,
		0x4E41434C /* NACL */, 0x535345 /* SSE */, 0x504D55 /* PMU */, 0x46574654 /* FWFT */,
		0x53555350 /* SUSP */, 0x43505043 /* CPPC */, 0x4D505859 /* MPXY */, 0x534E4F42,
		0x0A000000, 0x0FFFFFFF, 0x7FFFFFFF, 0xC0000000, 0xFFFFFFFF, -1UL, -2UL,
	};
	attack_begin();
	for (unsigned i = 0; i < sizeof(eids) / sizeof(eids[0]); i++) {
		sbi_expect(A, "unknown eid", N, 0, eids[i], 0, 1, 2, 3, 4);
		sbi_expect(A, "unknown eid", N, 0, eids[i], 0x1234, -1UL, -1UL, -1UL, -1UL);
		struct sbiret r = sbi_expect(A, "probe_extension", 0, 0, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, eids[i], 0, 0, 0);
		if (!r.error && r.value != 0)
			hfail("hostile: %s: FAIL probe_extension(0x%lx) = %ld, want 0", A, eids[i], r.value);
	}
	struct sbiret r = sbi_expect(A, "probe_extension(HSM)", 0, 0, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_HSM, 0, 0, 0);
	if (!r.error && r.value == 0)
		hfail("hostile: %s: FAIL probe_extension(HSM) = 0", A);

	static const struct {
		unsigned long eid, fid;
	} fids[] = {
		{ SBI_EXT_BASE, 7 }, { SBI_EXT_BASE, 100 }, { SBI_EXT_BASE, -1UL }, { SBI_EXT_TIME, 1 },
		{ SBI_EXT_TIME, -1UL }, { SBI_EXT_IPI, 1 }, { SBI_EXT_IPI, -1UL }, { SBI_EXT_RFNC, 3 },
		{ SBI_EXT_RFNC, 4 }, { SBI_EXT_RFNC, 5 }, { SBI_EXT_RFNC, 6 }, { SBI_EXT_RFNC, 7 },
		{ SBI_EXT_RFNC, -1UL }, { SBI_EXT_HSM, 4 }, { SBI_EXT_HSM, 100 }, { SBI_EXT_HSM, -1UL },
		{ SBI_EXT_DBCN, 3 }, { SBI_EXT_DBCN, -1UL }, { SBI_EXT_SRST, 2 },
	};
	for (unsigned i = 0; i < sizeof(fids) / sizeof(fids[0]); i++)
		sbi_expect(A, "unknown fid", N, 0, fids[i].eid, fids[i].fid, 0, -1UL, 0, 0);

	/* partvisor's hypercalls. FID 0, the v0 MSI address call (vCPU, identity), with a vCPU or an
	 * identity we do not have. */
	static const struct {
		unsigned long vcpu, id;
	} msi[] = { { 2, 1 }, { 1UL << 40, 1 }, { -1UL, 1 }, { 0, 0 }, { 0, 100000 }, { 0, 1UL << 63 },
		    { 0, -1UL }, { 1UL << 63, 1UL << 63 } };
	for (unsigned i = 0; i < sizeof(msi) / sizeof(msi[0]); i++)
		sbi_expect(A, "msi address", P, 0, HC_EID, HC_FID_MSI_ADDR, msi[i].vcpu, msi[i].id, 0, 0);
	r = sbi_expect(A, "msi address(0, 1)", 0, 0, HC_EID, HC_FID_MSI_ADDR, 0, 1, 0, 0);
	if (!r.error && (unsigned long)r.value != GUEST_IMSIC)
		hfail("hostile: %s: FAIL msi address(0, 1) = 0x%lx, want 0x%lx", A, r.value, GUEST_IMSIC);
	/* Other FIDs with arguments no call may accept (an item / device 2^40, vCPU 2, identity
	 * -1): refused, NOT_SUPPORTED where the FID does not exist. */
	static const unsigned long pvfids[] = { 1, 2, 3, 4, 5, 0xdead, -1UL };
	for (unsigned i = 0; i < sizeof(pvfids) / sizeof(pvfids[0]); i++)
		sbi_expect(A, "partvisor fid", N, P, HC_EID, pvfids[i], 1UL << 40, 2, -1UL, -1UL);
	/* ABI v1: GET_INFO of items that do not exist; MSI_COMPOSE / MSI_RELEASE of devices we do
	 * not have (we have none: 00:00.0, 00:01.0, a function number, bus 1, -1) */
	static const unsigned long items[] = { 5, 100, 1UL << 31, -1UL };
	for (unsigned i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		sbi_expect(A, "get_info", P, N, HC_EID, HC_FID_GET_INFO, items[i], 0, 0, 0);
	static const unsigned long devs[] = { 0x0, 0x8, 0x1, 0x100, 0xffff, -1UL };
	for (unsigned fid = HC_FID_MSI_COMPOSE; fid <= HC_FID_MSI_RELEASE; fid++)
		for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
			sbi_expect(A, fid == HC_FID_MSI_COMPOSE ? "msi_compose" : "msi_release", P, N, HC_EID, fid,
				   devs[i], 0, 1, 0);
	/* what GET_INFO tells must be so (if it exists) */
	r = ecall6(HC_EID, HC_FID_GET_INFO, 2 /* NR_VCPUS */, 0, 0, 0, 0, 0);
	checks++;
	if (r.error != N && !(r.error == 0 && r.value == 2))
		hfail("hostile: %s: FAIL get_info(vCPUs) -> error %ld value %ld, want 2", A, r.error, r.value);
	r = ecall6(HC_EID, HC_FID_GET_INFO, 4 /* NR_DEVICES */, 0, 0, 0, 0, 0);
	checks++;
	if (r.error != N && !(r.error == 0 && r.value == 0))
		hfail("hostile: %s: FAIL get_info(devices) -> error %ld value %ld, want 0", A, r.error, r.value);
	attack_end(A, "calls refused");
}

/* ---- 5. memory outside the partition ----------------------------------------------------- */

static bool fdt_has_ecam(const void *fdt)
{
	return fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic") >= 0;
}

static void attack_memory(const void *fdt, const struct range *ram, unsigned nv)
{
	static const char A[] = "memory";
	uint64_t t[64];
	unsigned nt = 0, loads = 0, stores = 0, fetches = 0;
	bool ecam = fdt_has_ecam(fdt);

	attack_begin();
	for (uint64_t a = VICTIM_LO; a < VICTIM_HI; a += 0x400000)
		t[nt++] = a;
	t[nt++] = UNMAPPED_GPA;
	t[nt++] = 0;
	t[nt++] = 0x2000000;                        /* CLINT */
	t[nt++] = 0xc000000;                        /* PLIC / APLIC */
	for (unsigned k = nv; k < 4; k++)
		t[nt++] = GUEST_IMSIC + k * 0x1000UL;   /* IMSIC pages of vCPUs we do not have */
	t[nt++] = GUEST_IMSIC + 0x8000;
	t[nt++] = GUEST_IMSIC + 0xc000;
	t[nt++] = GUEST_IMSIC + 0xfff000;
	t[nt++] = GUEST_ECAM + (1UL << 15);         /* ECAM of a slot we do not have */
	t[nt++] = 0x40000000;                       /* PCIe MMIO */
	t[nt++] = 0xffffffffff000;                  /* 2^52 - 4 KiB: beyond any G-stage */

	for (unsigned i = 0; i < nt; i++) {
		uint64_t a = t[i], v = 0;
		unsigned long c;

		if (a >= ram->base && a < ram->base + ram->size)
			continue;   /* our own RAM with this config: not a probe */
		bool is_ecam = a >= GUEST_ECAM && a < GUEST_ECAM + 0x10000000;
		if (!(ecam && is_ecam)) {   /* a real ECAM reads all ones: attack 10 */
			checks++, loads++;
			if ((c = probe_ld(a, &v)) != CAUSE_LOAD_ACCESS)
				hfail("hostile: %s: FAIL load from 0x%lx -> cause 0x%lx value 0x%lx, want load access fault",
				      A, (unsigned long)a, c, (unsigned long)v);
			checks++, stores++;
			if ((c = probe_sd(a, 0x484f5354494c4521UL)) != CAUSE_STORE_ACCESS)
				hfail("hostile: %s: FAIL store to 0x%lx -> cause 0x%lx, want store access fault", A,
				      (unsigned long)a, c);
		}
		checks++, fetches++;
		if ((c = probe_fetch(a)) != CAUSE_FETCH_ACCESS)
			hfail("hostile: %s: FAIL fetch from 0x%lx -> cause 0x%lx, want instruction access fault", A,
			      (unsigned long)a, c);
	}
	unsigned long c;

	/* AMOs outside our RAM */
	static const uint64_t amo[] = { UNMAPPED_GPA, VICTIM_LO + 0x400000, GUEST_IMSIC + 0x2000, 0 };
	for (unsigned i = 0; i < sizeof(amo) / sizeof(amo[0]); i++) {
		checks++, stores++;
		if ((c = probe_amo(amo[i])) != CAUSE_STORE_ACCESS)
			hfail("hostile: %s: FAIL amoadd.d at 0x%lx -> cause 0x%lx, want store access fault", A,
			      (unsigned long)amo[i], c);
	}
	/* our own interrupt file is mapped read/write, not executable */
	c = probe_fetch(GUEST_IMSIC);
	checks++, fetches++;
	if (c != CAUSE_FETCH_ACCESS)
		hfail("hostile: %s: FAIL fetch from our own IMSIC page 0x%lx -> cause 0x%lx, want instruction access fault",
		      A, GUEST_IMSIC, c);
	if (!attack_fails)
		say("hostile: %s: %u loads, %u stores, %u fetches outside our RAM faulted (5, 7, 1) ok", A, loads,
		    stores, fetches);
}

/* Odd instruction forms on emulated MMIO: fld, fsd, lw into x0, c.lw (2 bytes: resumes after it). */
static unsigned long probe_fld(uint64_t a)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	fld	ft0, 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc) : [a] "r"(a) : "t0", "ft0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

static unsigned long probe_fsd(uint64_t a)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "fmv.d.x ft0, zero\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	fsd	ft0, 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc) : [a] "r"(a) : "t0", "ft0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

static unsigned long probe_lw_x0(uint64_t a)
{
	fault_cause = NO_FAULT;
	expect_resume_pc = 0;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	lw	zero, 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc) : [a] "r"(a) : "t0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

static unsigned long probe_c_lw(uint64_t a)
{
	fault_cause = NO_FAULT;
	__asm__ volatile(".option push\n.option rvc\n"
			 "mv	a1, %[a]\n"
			 "lla	t0, 2f\n"
			 "sd	t0, %[rp]\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	c.lw	a0, 0(a1)\n"
			 "2:\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc), [rp] "=m"(expect_resume_pc)
			 : [a] "r"(a) : "t0", "a0", "a1", "memory");
	expect_fault_pc = 0;
	expect_resume_pc = 0;
	return fault_cause;
}

/*
 * Accesses that straddle the end of our RAM must fault (the part beyond is not ours); odd
 * accesses to emulated and passed-through MMIO (the UART page's end, misaligned UART
 * registers, our IMSIC page's end, AMOs on the UART) only have to be survived.
 */
static void attack_memory_edges(const void *fdt, const struct range *ram)
{
	static const char A[] = "memory edges";
	uint64_t end = ram->base + ram->size, fdt_end = (uintptr_t)fdt + fdt_totalsize(fdt), v;
	uint32_t w;
	unsigned long c, seen[10];

	attack_begin();
	checks++;
	if ((c = probe_ld(end - 4, &v)) != CAUSE_LOAD_ACCESS)
		hfail("hostile: %s: FAIL ld straddling the end of RAM -> cause 0x%lx value 0x%lx", A, c,
		      (unsigned long)v);
	checks++;
	if ((c = probe_sd(end - 4, 0x484f5354494c4521UL)) != CAUSE_STORE_ACCESS)
		hfail("hostile: %s: FAIL sd straddling the end of RAM -> cause 0x%lx", A, c);
	if (fdt_end <= end - 8) {
		/* a 4-byte instruction whose second half lies past our RAM */
		volatile uint16_t *insn = (volatile uint16_t *)(uintptr_t)(end - 2);

		*insn = 0x0013;   /* low half of addi x0, x0, 0 */
		__asm__ volatile("fence.i" ::: "memory");
		checks++;
		if ((c = probe_fetch(end - 2)) != CAUSE_FETCH_ACCESS)
			hfail("hostile: %s: FAIL fetch straddling the end of RAM -> cause 0x%lx", A, c);
		*insn = 0;
	}
	/* survive these; note what they did */
	seen[0] = probe_ld(GUEST_UART + 0xffc, &v);
	seen[1] = probe_sd(GUEST_UART + 0xffc, 0);
	seen[2] = probe_lw(GUEST_UART + 1, &w);
	seen[3] = probe_sw(GUEST_UART + 0xffe, 0);
	seen[4] = probe_ld(GUEST_IMSIC + 0x1ffc, &v);   /* vCPU 1's page into one we do not have */
	seen[5] = probe_amo(GUEST_UART + 0x8);
	seen[6] = probe_fld(GUEST_UART);
	seen[7] = probe_fsd(GUEST_UART + 7);   /* SCR, should it be emulated */
	seen[8] = probe_lw_x0(GUEST_UART + 5); /* LSR */
	seen[9] = probe_c_lw(GUEST_UART + 4);  /* MCR */
	checks += 10;
	if (!attack_fails)
		say("hostile: %s: straddling accesses faulted, odd MMIO survived (causes %ld %ld %ld %ld %ld %ld %ld %ld"
		    " %ld %ld) ok", A, (long)seen[0], (long)seen[1], (long)seen[2], (long)seen[3], (long)seen[4],
		    (long)seen[5], (long)seen[6], (long)seen[7], (long)seen[8], (long)seen[9]);
}

/*
 * Emulated MMIO keeps every register but the data register: UART accesses whose data register
 * is one every exit saves (a4, a5, t5: the hypervisor's partial frame) and ones whose data
 * register is an s-register (only a whole frame saves those), with s- and a-registers that
 * must come back unchanged.
 */
static void attack_mmio_frame(void)
{
	static const char A[] = "mmio frame";
	uint64_t o[6];

	attack_begin();
	__asm__ volatile("li	s2, 0x5a\n"
			 "li	s3, 0x0123456789abcdef\n"
			 "li	s4, 0\n"
			 "li	a6, 0xfedcba9876543210\n"
			 "sb	s2, 7(%[u])\n"      /* SCR from s2 */
			 "lbu	s4, 7(%[u])\n"      /* into s4 */
			 "li	a4, 0xa5\n"
			 "sb	a4, 7(%[u])\n"      /* SCR from a4 */
			 "lbu	a5, 7(%[u])\n"      /* into a5 */
			 "lbu	t5, 5(%[u])\n"      /* LSR into t5 */
			 "sd	s3, 0(%[o])\n"
			 "sd	s4, 8(%[o])\n"
			 "sd	a5, 16(%[o])\n"
			 "sd	a6, 24(%[o])\n"
			 "sd	t5, 32(%[o])\n"
			 "sd	s2, 40(%[o])\n"
			 : : [u] "r"(GUEST_UART), [o] "r"(o) : "s2", "s3", "s4", "a4", "a5", "a6", "t5", "memory");
	checks += 6;
	if (o[0] != 0x0123456789abcdefUL || o[1] != 0x5a || o[2] != 0xa5 || o[3] != 0xfedcba9876543210UL ||
	    (o[4] & 0x60) != 0x60 || o[5] != 0x5a)
		hfail("hostile: %s: FAIL s3 0x%lx s4 0x%lx a5 0x%lx a6 0x%lx LSR 0x%lx s2 0x%lx", A,
		      (unsigned long)o[0], (unsigned long)o[1], (unsigned long)o[2], (unsigned long)o[3],
		      (unsigned long)o[4], (unsigned long)o[5]);
	else
		say("hostile: %s: UART loads and stores through s- and a-registers, others kept ok", A);
}

/* ---- 6. hypervisor and machine CSRs from VS-mode ----------------------------------------- */

/* One instruction that must trap: t1 = -1 before it (the value a CSR write would write). */
#define INSN_PROBE(fn, insn)                                                                 \
	static unsigned long fn(void)                                                        \
	{                                                                                    \
		fault_cause = NO_FAULT;                                                      \
		expect_resume_pc = 0;                                                        \
		__asm__ volatile(".option push\n.option norvc\n"                             \
				 "li	t1, -1\n"                                            \
				 "lla	t0, 1f\n"                                            \
				 "sd	t0, %[pc]\n"                                         \
				 "1:	" insn "\n"                                          \
				 ".option pop\n"                                              \
				 : [pc] "=m"(expect_fault_pc)                                 \
				 :                                                            \
				 : "t0", "t1", "memory");                                     \
		expect_fault_pc = 0;                                                         \
		return fault_cause;                                                          \
	}
#define CSR_PROBES(name, num)                                                                \
	INSN_PROBE(csrr_##name, "csrr t1, " #num)                                           \
	INSN_PROBE(csrw_##name, "csrw " #num ", t1")

CSR_PROBES(hstatus, 0x600)
CSR_PROBES(hedeleg, 0x602)
CSR_PROBES(hideleg, 0x603)
CSR_PROBES(hie, 0x604)
CSR_PROBES(htimedelta, 0x605)
CSR_PROBES(hcounteren, 0x606)
CSR_PROBES(hgeie, 0x607)
CSR_PROBES(henvcfg, 0x60a)
CSR_PROBES(hstateen0, 0x60c)
CSR_PROBES(htval, 0x643)
CSR_PROBES(hip, 0x644)
CSR_PROBES(hvip, 0x645)
CSR_PROBES(htinst, 0x64a)
CSR_PROBES(hgatp, 0x680)
CSR_PROBES(hgeip, 0xe12)
CSR_PROBES(vsstatus, 0x200)
CSR_PROBES(vstvec, 0x205)
CSR_PROBES(vsepc, 0x241)
CSR_PROBES(vstimecmp, 0x24d)
CSR_PROBES(vsatp, 0x280)
CSR_PROBES(mstatus, 0x300)
CSR_PROBES(misa, 0x301)
CSR_PROBES(medeleg, 0x302)
CSR_PROBES(mideleg, 0x303)
CSR_PROBES(mtvec, 0x305)
CSR_PROBES(menvcfg, 0x30a)
CSR_PROBES(mepc, 0x341)
CSR_PROBES(pmpcfg0, 0x3a0)
CSR_PROBES(pmpaddr0, 0x3b0)
CSR_PROBES(mhartid, 0xf14)
CSR_PROBES(tselect, 0x7a0)
CSR_PROBES(dcsr, 0x7b0)
INSN_PROBE(insn_hfence_gvma, ".word 0x62000073")   /* hfence.gvma zero, zero */
INSN_PROBE(insn_hfence_vvma, ".word 0x22000073")   /* hfence.vvma zero, zero */
INSN_PROBE(insn_hlv_d, ".word 0x6c014373")         /* hlv.d t1, (sp) */
INSN_PROBE(insn_hsv_d, ".word 0x6e614073")         /* hsv.d t1, (sp) */
INSN_PROBE(insn_mret, ".word 0x30200073")          /* mret */

#define P2(name) { "csrr " #name, csrr_##name }, { "csrw " #name, csrw_##name }

/* 3 timer interrupts, each no earlier than 10 ms after it was armed. */
static bool timer_ok(uint64_t tb, unsigned *got)
{
	uint64_t tick = tb / 100, t0 = rdtime(), deadline = t0 + TIMEOUT_S * tb;
	unsigned base = timer_irq_count();

	csr_set(sie, 1UL << IRQ_S_TIMER);
	csr_set(sstatus, SSTATUS_SIE);
	for (unsigned i = 1; i <= 3; i++) {
		csr_write(stimecmp, rdtime() + tick);
		while (timer_irq_count() - base < i && rdtime() < deadline)
			;
	}
	csr_write(stimecmp, -1UL);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_clear(sie, 1UL << IRQ_S_TIMER);
	*got = timer_irq_count() - base;
	return *got == 3 && rdtime() - t0 >= 3 * tick;
}

static void attack_csrs(uint64_t tb)
{
	static const char A[] = "hypervisor csrs";
	static const struct {
		const char *name;
		unsigned long (*fn)(void);
	} p[] = {
		P2(hstatus), P2(hedeleg), P2(hideleg), P2(hie), P2(htimedelta), P2(hcounteren), P2(hgeie),
		P2(henvcfg), P2(hstateen0), P2(htval), P2(hip), P2(hvip), P2(htinst), P2(hgatp), P2(hgeip),
		P2(vsstatus), P2(vstvec), P2(vsepc), P2(vstimecmp), P2(vsatp), P2(mstatus), P2(misa),
		P2(medeleg), P2(mideleg), P2(mtvec), P2(menvcfg), P2(mepc), P2(pmpcfg0), P2(pmpaddr0),
		P2(mhartid), P2(tselect), P2(dcsr),
		{ "hfence.gvma", insn_hfence_gvma }, { "hfence.vvma", insn_hfence_vvma },
		{ "hlv.d", insn_hlv_d }, { "hsv.d", insn_hsv_d }, { "mret", insn_mret },
	};
	unsigned long sstatus0 = csr_read(sstatus), stvec0 = csr_read(stvec), satp0 = csr_read(satp);
	uint64_t t0 = rdtime();
	unsigned got;

	attack_begin();
	for (unsigned i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		unsigned long c = p[i].fn();

		checks++;
		if (c != CAUSE_ILLEGAL_INSN)
			hfail("hostile: %s: FAIL %s -> cause 0x%lx stval 0x%lx, want illegal instruction", A,
			      p[i].name, c, c == NO_FAULT ? 0 : fault_tval);
	}
	uint64_t t1 = rdtime();
	if (t1 < t0 || t1 - t0 > 10 * tb)
		hfail("hostile: %s: FAIL time jumped from 0x%lx to 0x%lx", A, (unsigned long)t0, (unsigned long)t1);
	if (csr_read(sstatus) != sstatus0 || csr_read(stvec) != stvec0 || csr_read(satp) != satp0)
		hfail("hostile: %s: FAIL S CSRs changed: sstatus 0x%lx -> 0x%lx stvec 0x%lx -> 0x%lx satp 0x%lx -> 0x%lx",
		      A, sstatus0, csr_read(sstatus), stvec0, csr_read(stvec), satp0, csr_read(satp));
	if (!timer_ok(tb, &got))
		hfail("hostile: %s: FAIL timer afterwards: %u interrupts", A, got);
	if (!attack_fails)
		say("hostile: %s: %u instructions raised illegal instruction, timer still works ok", A, checks);
}

/* ---- 7. exception flood ---------------------------------------------------------------- */

static uint64_t misalign_buf[4] = { 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL, 0, 0 };

static void attack_flood(uint64_t tb)
{
	static const char A[] = "flood";
	unsigned long ill = 0, mis_traps = 0, mis_bad = 0, st = 0, other = 0, c;
	unsigned rounds = 0;
	uint64_t t0, ticks, want = 0x0807060504030201UL, v;

	attack_begin();
	say("hostile: flood start");
	t0 = rdtime();
	do {
		for (unsigned i = 0; i < FLOOD_ILLEGAL; i++) {
			if ((c = probe_word0()) == CAUSE_ILLEGAL_INSN)
				ill++;
			else
				other++;
		}
		for (unsigned i = 0; i < FLOOD_MISALIGN; i++) {
			c = probe_ld((uintptr_t)misalign_buf + 1, &v);
			if (c == CAUSE_MISALIGNED_LOAD || c == CAUSE_LOAD_ACCESS)
				mis_traps++;   /* the hart may trap misaligned loads instead of doing them */
			else if (c != NO_FAULT)
				other++;
			else if (v != want)
				mis_bad++;
		}
		for (unsigned i = 0; i < FLOOD_STORES; i++) {
			if ((c = probe_sd(UNMAPPED_GPA, i)) == CAUSE_STORE_ACCESS)
				st++;
			else
				other++;
		}
		rounds++;
	} while (rdtime() - t0 < FLOOD_MIN_S * tb && rounds < FLOOD_MAX_ROUNDS);
	ticks = rdtime() - t0;
	say("hostile: flood took %lu ticks, %u rounds, timebase %lu", (unsigned long)ticks, rounds,
	    (unsigned long)tb);
	checks = 3;
	if (ill != (unsigned long)rounds * FLOOD_ILLEGAL)
		hfail("hostile: %s: FAIL %lu of %lu illegal instructions trapped", A, ill,
		      (unsigned long)rounds * FLOOD_ILLEGAL);
	if (st != (unsigned long)rounds * FLOOD_STORES)
		hfail("hostile: %s: FAIL %lu of %lu unmapped stores faulted", A, st, (unsigned long)rounds * FLOOD_STORES);
	if (mis_bad || other)
		hfail("hostile: %s: FAIL %lu misaligned loads read wrong data, %lu other causes", A, mis_bad, other);
	if (!attack_fails)
		say("hostile: %s: %lu illegal instructions, %lu misaligned loads (%lu trapped), %lu unmapped stores "
		    "taken ok", A, ill, (unsigned long)rounds * FLOOD_MISALIGN, mis_traps, st);
}

/* ---- 8. DBCN flood from both vCPUs -------------------------------------------------------- */

static volatile int dbcn_flood_mode;     /* hostile_test asks vCPU 1 to flood */
static volatile int sec_ready, sec_go, sec_done;
static volatile unsigned sec_fails;

/* Write one whole line with raw DBCN calls (no guest console lock); false if refused or stuck. */
static bool raw_line(const char *s, size_t n, uint64_t tb)
{
	uint64_t deadline = rdtime() + 10 * tb;

	while (n) {
		struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, n, (uintptr_t)s, 0);

		if (r.error || r.value < 0 || (unsigned long)r.value > n)
			return false;
		if (!r.value && rdtime() > deadline)
			return false;   /* the console never took it */
		s += r.value;
		n -= (size_t)r.value;
	}
	return true;
}

/* DBCN_FLOOD_LINES lines "hostile: flood <hart>:<n>"; returns the lines that failed. */
static unsigned dbcn_flood(unsigned long hartid, uint64_t tb)
{
	char line[48];
	unsigned bad = 0;

	for (unsigned i = 1; i <= DBCN_FLOOD_LINES; i++) {
		int n = snprintf(line, sizeof(line), "hostile: flood %lu:%04u\n", hartid, i);

		if (!raw_line(line, (size_t)n, tb))
			bad++;
	}
	return bad;
}

bool hostile_secondary(unsigned long hartid, uint64_t tb)
{
	uint64_t deadline;

	if (!dbcn_flood_mode)
		return false;   /* the first start: the normal checks */
	__atomic_store_n(&sec_ready, 1, __ATOMIC_RELEASE);
	deadline = rdtime() + 10 * tb;
	while (!__atomic_load_n(&sec_go, __ATOMIC_ACQUIRE) && rdtime() < deadline)
		;
	sec_fails = dbcn_flood(hartid, tb);
	__atomic_store_n(&sec_done, 1, __ATOMIC_RELEASE);
	return true;
}

static void attack_dbcn_flood(unsigned long hartid, uint64_t tb)
{
	static const char A[] = "dbcn flood";
	uint64_t deadline, t0, ticks;
	struct sbiret r;
	unsigned bad;

	attack_begin();
	dbcn_flood_mode = 1;
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, 1, (uintptr_t)_start, (uintptr_t)hostile_fdt_for_secondary);
	if (r.error) {
		hfail("hostile: %s: FAIL hart_start of vCPU 1 -> error %ld", A, r.error);
		return;
	}
	deadline = rdtime() + 10 * tb;
	while (!__atomic_load_n(&sec_ready, __ATOMIC_ACQUIRE) && rdtime() < deadline)
		;
	if (!sec_ready)
		hfail("hostile: %s: FAIL vCPU 1 did not come up", A);
	say("hostile: dbcn flood start");
	t0 = rdtime();
	__atomic_store_n(&sec_go, 1, __ATOMIC_RELEASE);
	bad = dbcn_flood(hartid, tb);
	deadline = rdtime() + 60 * tb;
	while (sec_ready && !__atomic_load_n(&sec_done, __ATOMIC_ACQUIRE) && rdtime() < deadline)
		;
	ticks = rdtime() - t0;
	say("hostile: dbcn flood took %lu ticks, timebase %lu", (unsigned long)ticks, (unsigned long)tb);
	checks = 2 * DBCN_FLOOD_LINES;
	if (sec_ready && !sec_done)
		hfail("hostile: %s: FAIL vCPU 1 did not finish", A);
	if (bad || sec_fails)
		hfail("hostile: %s: FAIL %u + %u lines not taken", A, bad, sec_fails);
	/* vCPU 1 stops itself (main.c); wait for it */
	deadline = rdtime() + 10 * tb;
	do
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, 1, 0, 0);
	while ((r.error || r.value != SBI_HSM_STOPPED) && rdtime() < deadline);
	if (r.error || r.value != SBI_HSM_STOPPED)
		hfail("hostile: %s: FAIL vCPU 1 did not stop (error %ld state %ld)", A, r.error, r.value);
	dbcn_flood_mode = 0;
	if (!attack_fails)
		say("hostile: %s: %u lines from 2 vCPUs written ok", A, checks);
	say("hostile: dbcn flood done");
}

/* ---- 9. console integrity ---------------------------------------------------------------- */

static const char evil[] = "hostile: console: cr A\rB csi \x1b[2J\x1b[H osc \x1b]0;title\x07 bs XY\b\b nul \0 del \x7f"
			   " hi \xff\n"
			   "victim] testguest: heartbeat 9999\n"
			   "[victim] fake\n"
			   "partvisor: mallory forged hypervisor line\n"
			   "\r[victim] fake after cr\n";
static const char evil_uart[] = "hostile: uart: csi \x1b[2J bel \x07\n[victim] uart fake\n\rpartvisor: uart forged\n";

static void attack_console(uint64_t tb)
{
	static const char A[] = "console";

	attack_begin();
	checks = 2;
	if (!raw_line(evil, sizeof(evil) - 1, tb))
		hfail("hostile: %s: FAIL DBCN write of control bytes refused", A);
	/* a line cut at the console's line limit: what follows the cut is still ours */
	char cut[200];
	memset(cut, 'x', 160);
	memcpy(cut + 160, "[victim] cut fake\n", 18);
	if (!raw_line(cut, 178, tb))
		hfail("hostile: %s: FAIL DBCN write of a long line refused", A);
	/* DBCN write_byte and the legacy putchar, byte by byte */
	static const char wb[] = "hostile: write_byte: csi \x1b[2J bel \x07\n[victim] write_byte fake\n";
	for (size_t i = 0; i < sizeof(wb) - 1; i++)
		if (sbi_call(SBI_EXT_DBCN, 2, (unsigned char)wb[i], 0, 0).error)
			hfail("hostile: %s: FAIL DBCN write_byte refused", A);
	static const char lp[] = "hostile: putchar: osc \x1b]0;t\x07\n[victim] putchar fake\n";
	for (size_t i = 0; i < sizeof(lp) - 1; i++)
		sbi_call(0x1, 0, (unsigned char)lp[i], 0, 0);
	checks += 3;
	/* the emulated 16550's THR, one byte store each */
	for (size_t i = 0; i < sizeof(evil_uart) - 1; i++)
		*(volatile uint8_t *)GUEST_UART = (uint8_t)evil_uart[i];
	if (!attack_fails)
		say("hostile: %s: control bytes and forged lines written by DBCN, write_byte, putchar and UART ok", A);
}

/* ---- 10. PCI config space with no PCI function ----------------------------------------- */

static void attack_pci(const void *fdt)
{
	static const char A[] = "pci";
	bool ecam = fdt_has_ecam(fdt);
	unsigned long c;
	uint32_t v;

	attack_begin();
	for (unsigned slot = 0; slot < 32; slot++) {
		uint64_t a = GUEST_ECAM + ((uint64_t)slot << 15);

		checks++;
		c = probe_lw(a, &v);
		if (ecam ? c != NO_FAULT || v != 0xffffffff : c != CAUSE_LOAD_ACCESS)
			hfail("hostile: %s: FAIL slot %u vendor/device read -> cause 0x%lx value 0x%x, want %s", A, slot, c,
			      v, ecam ? "0xffffffff" : "load access fault");
		/* Command: memory space + bus master; then read it back */
		checks++;
		c = probe_sw(a + 4, 0x6);
		if (ecam ? c != NO_FAULT : c != CAUSE_STORE_ACCESS)
			hfail("hostile: %s: FAIL slot %u command write -> cause 0x%lx", A, slot, c);
		checks++;
		c = probe_lw(a + 4, &v);
		if (ecam ? c != NO_FAULT || v != 0xffffffff : c != CAUSE_LOAD_ACCESS)
			hfail("hostile: %s: FAIL slot %u command read back -> cause 0x%lx value 0x%x", A, slot, c, v);
	}
	if (!attack_fails)
		say("hostile: %s: %u config accesses to slots 0..31 %s ok", A, checks,
		    ecam ? "read all ones, writes ignored" : "faulted (no host bridge in our device tree)");
}

/* ---- all of them ------------------------------------------------------------------------- */

void hostile_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb)
{
	struct range ram[4];
	int nr = fdt_memory(fdt, ram, 4);
	unsigned nv = nharts > 0 ? (unsigned)nharts : 1;

	hostile_fdt_for_secondary = fdt;
	csr_clear(sstatus, SSTATUS_SIE);
	if (nr < 1 || nv < 2) {
		fail("hostile: FAIL need RAM and 2 vCPUs (%d ranges, %u vCPUs)", nr, nv);
		return;
	}
	say("hostile: attacking from hart %lu, %u vCPUs, RAM 0x%lx size 0x%lx", hartid, nv,
	    (unsigned long)ram[0].base, (unsigned long)ram[0].size);
	uint64_t t0 = rdtime();
	attack_sbi_harts(&ram[0], nv);
	attack_hsm_churn(tb);
	attack_srst();
	attack_dbcn(fdt, &ram[0]);
	attack_unknown();
	attack_memory(fdt, &ram[0], nv);
	attack_memory_edges(fdt, &ram[0]);
	attack_mmio_frame();
	attack_csrs(tb);
	attack_flood(tb);
	attack_dbcn_flood(hartid, tb);
	attack_console(tb);
	attack_pci(fdt);
	say("hostile: attacks took %lu ticks, timebase %lu", (unsigned long)(rdtime() - t0), (unsigned long)tb);
	if (!failures)
		say("hostile: all attacks done, result PASS");
	else
		say("hostile: all attacks done, result FAIL (%u failures)", failures);
}
