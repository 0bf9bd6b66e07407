/* SPDX-License-Identifier: MIT */
/*
 * HS-mode trap vector and guest entry.
 *
 * sscratch holds the current hart's struct pcpu pointer while a guest runs and 0
 * while the hypervisor runs. A trap from the guest (V=1) saves the guest's
 * registers into pcpu->regs, switches to the hart's HS stack and calls
 * guest_trap(pcpu); returning from it re-enters the guest. A trap taken in HS
 * itself goes to hs_trap(), which panics, or resumes at a fixup address for a
 * guest memory probe that faulted.
 */
#include "arch/riscv/asm_offsets.h"

/* Store / load x1 and x3..x31 (not sp) at \base + 8 * n. */
.macro SAVE_GPRS_BUT_SP base
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(\base)
	.endr
.endm
.macro LOAD_GPRS_BUT_SP base
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(\base)
	.endr
.endm

#define HS_FRAME_SIZE 256

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, from_hs
	SAVE_GPRS_BUT_SP sp
	csrr	t0, sscratch
	sd	t0, 16(sp)
	csrw	sscratch, zero
	csrr	t0, sepc
	sd	t0, REGS_SEPC_OFF(sp)
	csrr	t0, sstatus
	sd	t0, REGS_SSTATUS_OFF(sp)
	csrr	t0, hstatus
	sd	t0, REGS_HSTATUS_OFF(sp)
	mv	a0, sp
	ld	tp, PCPU_TP_OFF(a0)
	ld	sp, PCPU_STACK_TOP_OFF(a0)
	call	guest_trap		/* returns the pcpu to resume */
	/* fall through */

/* void guest_enter(struct pcpu *pc): restore the guest frame and sret (V=1 via hstatus.SPV). */
	.globl guest_enter
guest_enter:
	ld	t0, REGS_SEPC_OFF(a0)
	csrw	sepc, t0
	ld	t0, REGS_SSTATUS_OFF(a0)
	csrw	sstatus, t0
	ld	t0, REGS_HSTATUS_OFF(a0)
	csrw	hstatus, t0
	csrw	sscratch, a0
	/* every register but a0, which is the base: it goes last */
	.irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(a0)
	.endr
	ld	a0, 80(a0)
	sret

from_hs:
	csrrw	sp, sscratch, sp	/* back to the HS stack, sscratch = 0 again */
	addi	sp, sp, -HS_FRAME_SIZE
	SAVE_GPRS_BUT_SP sp
	addi	t0, sp, HS_FRAME_SIZE
	sd	t0, 16(sp)
	mv	a0, sp
	call	hs_trap			/* panics, or returns after setting sepc to a fixup */
	LOAD_GPRS_BUT_SP sp
	addi	sp, sp, HS_FRAME_SIZE	/* sscratch is still 0 */
	sret
