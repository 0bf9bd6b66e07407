/* SPDX-License-Identifier: MIT */
/*
 * HSM hart_suspend tests ("suspend" in bootargs) [SBI v2.0 ext-hsm "hart_suspend"]. The boot
 * hart suspends three times with interrupts globally off (sstatus.SIE = 0), so what wakes it is
 * seen as a pending bit in sip, never taken:
 *   1. retentive, woken by an SBI IPI that a sibling sends once hart_get_status shows the boot
 *      hart SUSPENDED (a 2 s timer is armed as a fallback, and failing);
 *   2. retentive with bit 63 of the type set (the type is 32 bits), woken by a 10 ms timer no
 *      earlier than its deadline;
 *   3. non-retentive, woken by a 10 ms timer: resumes at nonret_resume (suspend_asm.S) with
 *      a0 = its hart id, a1 = the opaque value and SIE = 0.
 * A reserved suspend type must be refused with SBI_ERR_INVALID_PARAM.
 */
#include "hw.h"
#include "testguest.h"

#define SBI_EXT_IPI        0x735049UL
#define SBI_HSM_SUSPEND    3
#define SBI_HSM_SUSPENDED  4
#define SIP_SSIP           (1UL << 1)
#define SIP_STIP           (1UL << IRQ_S_TIMER)
#define NO_TARGET          (~0UL)

/** Callee-saved state kept across a non-retentive suspend, and what the hart resumed with. */
struct nonret_ctx {
	unsigned long regs[15];      /* ra, sp, tp, s0..s11 */
	unsigned long a0, a1, sstatus;
};
long nonret_suspend(struct nonret_ctx *c);

static volatile unsigned long target = NO_TARGET;   /* hart id of the suspending boot hart */
static volatile int helper_saw_suspended;

static struct sbiret hsm_suspend(unsigned long type)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_SUSPEND, type, 0, 0);
}

void suspend_helper(uint64_t tb)
{
	uint64_t deadline = rdtime() + TIMEOUT_S * tb;
	struct sbiret r = { 0, 0 };
	unsigned long t;

	while ((t = target) == NO_TARGET && rdtime() < deadline)
		;
	if (t == NO_TARGET)
		return;
	do
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, t, 0, 0);
	while ((r.error || r.value != SBI_HSM_SUSPENDED) && rdtime() < deadline);
	if (!r.error && r.value == SBI_HSM_SUSPENDED)
		helper_saw_suspended = 1;
	/* send_ipi(hart_mask = 1, hart_mask_base = t): wakes it in any case */
	r = sbi_call(SBI_EXT_IPI, 0, 1, t, 0);
	if (r.error)
		fail("suspend: send_ipi to hart %lu FAIL error %ld", t, r.error);
}

void suspend_test(unsigned long hartid, uint64_t tb)
{
	struct nonret_ctx ctx = { 0 };
	struct sbiret r;
	uint64_t deadline;
	long v;

	csr_clear(sstatus, SSTATUS_SIE);

	/* 1: retentive, woken by the sibling's SBI IPI */
	csr_write(sie, (1UL << 1) | (1UL << IRQ_S_TIMER));
	csr_write(stimecmp, rdtime() + 2 * tb);
	target = hartid;
	r = hsm_suspend(0);
	if (r.error)
		fail("suspend: retentive suspend FAIL error %ld", r.error);
	else if (!(csr_read(sip) & SIP_SSIP))
		fail("suspend: FAIL not woken by the IPI (sip 0x%lx)", csr_read(sip));
	else if (!helper_saw_suspended)
		fail("suspend: FAIL the sibling never saw this hart SUSPENDED");
	else
		say("suspend: retentive, SUSPENDED seen by the sibling, woken by its IPI ok");
	csr_clear(sip, SIP_SSIP);
	csr_write(stimecmp, -1UL);

	/* 2: retentive, woken by the timer; bit 63 of the type is ignored */
	csr_write(sie, 1UL << IRQ_S_TIMER);
	deadline = rdtime() + tb / 100;
	csr_write(stimecmp, deadline);
	r = hsm_suspend(1UL << 63);
	if (r.error)
		fail("suspend: retentive suspend (type with bit 63) FAIL error %ld", r.error);
	else if (rdtime() < deadline || !(csr_read(sip) & SIP_STIP))
		fail("suspend: FAIL resumed before the timer (sip 0x%lx)", csr_read(sip));
	else
		say("suspend: retentive woken by the timer ok");
	csr_write(stimecmp, -1UL);

	/* a reserved type */
	r = hsm_suspend(1);
	if (r.error != SBI_ERR_INVALID_PARAM)
		fail("suspend: reserved type 1 FAIL error %ld", r.error);
	else
		say("suspend: reserved type refused ok");

	/* 3: non-retentive, woken by the timer */
	deadline = rdtime() + tb / 100;
	csr_write(stimecmp, deadline);
	v = nonret_suspend(&ctx);
	if (v != 1)
		fail("suspend: non-retentive suspend FAIL error %ld", v);
	else if (ctx.a0 != hartid || ctx.a1 != (unsigned long)&ctx || (ctx.sstatus & SSTATUS_SIE) ||
		 rdtime() < deadline)
		fail("suspend: FAIL non-retentive resume with a0 0x%lx a1 0x%lx sstatus 0x%lx", ctx.a0, ctx.a1,
		     ctx.sstatus);
	else
		say("suspend: non-retentive resumed at its address with a0 = hart id, a1 = opaque ok");
	csr_write(stimecmp, -1UL);
	csr_write(sie, 0);
}
