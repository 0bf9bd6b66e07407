/* SPDX-License-Identifier: MIT */
/*
 * Non-retentive HSM suspend for the test guest [SBI ext-hsm "hart_suspend"]: the hart
 * resumes at nonret_resume with a0 = hart id, a1 = opaque, satp = 0, SIE = 0 and every
 * other register undefined, so the caller's callee-saved state is kept in memory.
 *
 * long nonret_suspend(struct nonret_ctx *c): 1 after a resume through nonret_resume,
 * else the SBI error hart_suspend returned.
 * struct nonret_ctx: ra, sp, tp, s0..s11 (15 dwords), then resumed a0, a1, sstatus.
 */
	.text
	.globl	nonret_suspend
nonret_suspend:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	tp, 16(a0)
	sd	s0, 24(a0)
	sd	s1, 32(a0)
	sd	s2, 40(a0)
	sd	s3, 48(a0)
	sd	s4, 56(a0)
	sd	s5, 64(a0)
	sd	s6, 72(a0)
	sd	s7, 80(a0)
	sd	s8, 88(a0)
	sd	s9, 96(a0)
	sd	s10, 104(a0)
	sd	s11, 112(a0)
	mv	a2, a0			/* opaque = the context */
	li	a0, 0x80000000		/* default non-retentive suspend */
	la	a1, nonret_resume
	li	a6, 3			/* HSM hart_suspend */
	li	a7, 0x48534D		/* HSM */
	ecall
	ret				/* a0 = the error: the suspend did not happen */

	.balign	4
nonret_resume:
	sd	a0, 120(a1)		/* what we resumed with */
	sd	a1, 128(a1)
	csrr	t0, sstatus
	sd	t0, 136(a1)
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	tp, 16(a1)
	ld	s0, 24(a1)
	ld	s1, 32(a1)
	ld	s2, 40(a1)
	ld	s3, 48(a1)
	ld	s4, 56(a1)
	ld	s5, 64(a1)
	ld	s6, 72(a1)
	ld	s7, 80(a1)
	ld	s8, 88(a1)
	ld	s9, 96(a1)
	ld	s10, 104(a1)
	ld	s11, 112(a1)
	la	t0, trap_entry
	csrw	stvec, t0
	li	a0, 1
	ret
