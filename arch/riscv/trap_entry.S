/* SPDX-License-Identifier: MIT */
/*
 * HS-mode trap vector and guest entry.
 *
 * sscratch holds the current hart's struct pcpu pointer while a guest runs and 0
 * while the hypervisor runs. A trap from the guest (V=1) saves the guest's
 * registers into pcpu->regs, switches to the hart's HS stack and calls
 * vcpu_handle_ecall(pcpu) for an ecall, guest_trap(pcpu, scause) for anything
 * else; returning from them re-enters the guest. A trap taken
 * in HS itself goes to hs_trap(), which panics, or resumes at a fixup address for
 * a guest memory probe that faulted.
 *
 * What is saved (docs/architecture.md "Exit cost"): every exit saves the registers
 * the C calling convention lets a callee clobber (ra, t0-t6, a0-a7), the guest's
 * sp and tp (the hypervisor loads its own) and sepc. An ecall or an interrupt
 * saves nothing else: the C code preserves the callee-saved registers s0-s11,
 * nothing in the hypervisor writes gp (the link script defines no
 * __global_pointer$), and nothing on those paths changes sstatus or hstatus (a
 * faulting guest memory probe puts them back itself), so they stay live in the
 * hart for the whole exit; regs->partial is then non-zero and the frame's gp,
 * s0-s11, sstatus and hstatus are stale. So does a load or store guest-page fault
 * with a transformed instruction in htinst whose data register is among the saved
 * ones (the MMIO emulation touches only that register and sepc; an injected access
 * fault then rewrites the live sstatus and hstatus, arch_inject_exception). Any
 * other exception (virtual instruction, a fault without htinst, ...) saves the
 * whole frame: its handling may read or write any register. The way back
 * restores gp, s0-s11, sstatus and hstatus from the frame exactly when
 * regs->partial is 0: after a full save, or when C rewrote the whole frame
 * (arch_vcpu_regs_reset clears it).
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

/* The registers C preserves and the hypervisor never writes: gp, s0-s11. */
#define CALLEE_REGS 3,8,9,18,19,20,21,22,23,24,25,26,27
/* What every exit saves at entry: ra, tp, t0-t6, a0-a7 (sp goes in separately). */
#define SAVED_REGS 1,4,5,6,7,10,11,12,13,14,15,16,17,28,29,30,31
/* Bit n set: xn is in SAVED_REGS, sp or x0 (bits 0, 1, 2, 4-7, 10-17, 28-31). */
#define CALLER_MASK 0xf003fcf7

#define HS_FRAME_SIZE 256

/* The rest of a whole frame: gp, s0-s11, sstatus, hstatus (a0 = frame); t1 = 0 (partial). */
.macro SAVE_WHOLE
	.irp n, CALLEE_REGS
	sd	x\n, (\n * 8)(a0)
	.endr
	csrr	t0, sstatus
	sd	t0, REGS_SSTATUS_OFF(a0)
	csrr	t0, hstatus
	sd	t0, REGS_HSTATUS_OFF(a0)
	li	t1, 0
.endm

/*
 * Back from C: a0 = the hart's struct arch_hart (tp is the hypervisor's again, C
 * does not change it); a partial frame resumes with the live callee-saved
 * registers, a whole one (guest_enter, next) restores them.
 */
.macro RESUME_AFTER_C
	lui	a0, %tprel_hi(arch_this_hart)
	add	a0, a0, tp, %tprel_add(arch_this_hart)
	ld	a0, %tprel_lo(arch_this_hart)(a0)
	ld	t0, REGS_PARTIAL_OFF(a0)
	bnez	t0, guest_resume
.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, from_hs
	/* ra, tp, t0-t6, a0-a7 */
	.irp n, SAVED_REGS
	sd	x\n, (\n * 8)(sp)
	.endr
	csrrw	t0, sscratch, zero	/* the guest's sp; sscratch = 0 while in HS */
	sd	t0, 16(sp)
	csrr	t0, sepc
	sd	t0, REGS_SEPC_OFF(sp)
	csrr	a1, scause
	mv	a0, sp
	ld	tp, PCPU_TP_OFF(a0)
	ld	sp, PCPU_STACK_TOP_OFF(a0)
	/* An ecall (10) needs no other trap CSR: straight to the SBI dispatch, partial frame. */
	li	t0, SCAUSE_VS_ECALL
	bne	a1, t0, 1f
	sd	t0, REGS_PARTIAL_OFF(a0)
	call	vcpu_handle_ecall	/* vcpu_handle_ecall(h) */
	RESUME_AFTER_C
	j	guest_enter
1:	mv	t1, a1			/* an interrupt: partial frame (partial = scause, non-zero) */
	bltz	a1, 2f
	andi	t0, a1, -3		/* 23 -> 21 */
	li	t3, SCAUSE_LOAD_GPF
	bne	t0, t3, 4f		/* not a load (21) or store (23) guest-page fault */
	/*
	 * A load or store guest-page fault whose htinst is a transformed load or store (bit 0
	 * set; bit 1 is 0 for a compressed one) whose data register (rd of a load, rs2 of a
	 * store) is one saved above or x0: the MMIO emulation reads or writes only that
	 * register and sepc, so a partial frame (partial = scause) serves. Straight to
	 * vcpu_handle_guest_page_fault(h, gpa, stval, htinst, write).
	 */
	csrr	t2, htinst
	andi	t0, t2, HTINST_OPC_MASK
	li	t3, HTINST_OPC_LOAD
	srli	t4, t2, HTINST_RD_SHIFT
	beq	t0, t3, 5f
	li	t3, HTINST_OPC_STORE
	srli	t4, t2, HTINST_RS2_SHIFT
	bne	t0, t3, 7f
5:	andi	t4, t4, 31
	li	t3, CALLER_MASK
	srl	t3, t3, t4
	andi	t3, t3, 1
	bnez	t3, 6f			/* t1 = scause: partial */
7:	SAVE_WHOLE
6:	sd	t1, REGS_PARTIAL_OFF(a0)
	addi	a4, a1, -SCAUSE_LOAD_GPF	/* write: a store guest-page fault */
	snez	a4, a4
	mv	a3, t2
	csrr	a2, stval
	csrr	t0, htval
	slli	t0, t0, 2		/* gpa = htval << 2 | the page offset's low bits from stval */
	andi	t3, a2, 3
	or	a1, t0, t3
	call	vcpu_handle_guest_page_fault
	RESUME_AFTER_C
	j	guest_enter
4:	/* any other exception: the whole frame (partial = 0) */
	SAVE_WHOLE
2:	sd	t1, REGS_PARTIAL_OFF(a0)
	call	guest_trap		/* guest_trap(h, scause) */
	RESUME_AFTER_C

/* void guest_enter(struct pcpu *pc): restore the whole guest frame and sret (V=1 via hstatus.SPV). */
	.globl guest_enter
guest_enter:
	.irp n, CALLEE_REGS
	ld	x\n, (\n * 8)(a0)
	.endr
	ld	t0, REGS_SSTATUS_OFF(a0)
	csrw	sstatus, t0
	ld	t0, REGS_HSTATUS_OFF(a0)
	csrw	hstatus, t0
/* gp, s0-s11, sstatus and hstatus are the guest's already: restore the rest. */
guest_resume:
	ld	t0, REGS_SEPC_OFF(a0)
	csrw	sepc, t0
	csrw	sscratch, a0
	/* ra, sp, tp, t0-t6, a1-a7; a0 is the base: it goes last */
	.irp n, 1,2,4,5,6,7,11,12,13,14,15,16,17,28,29,30,31
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
