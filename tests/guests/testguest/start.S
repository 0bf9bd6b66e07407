/* SPDX-License-Identifier: MIT */
/*
 * testguest entry. Every hart enters _start in S-mode (VS-mode in a partition) with
 * a0 = hart id, a1 = FDT address, satp = 0, interrupts off: the boot hart from the
 * firmware/hypervisor, the others through SBI HSM hart_start(hartid, _start, opaque = FDT).
 */
#include "hw.h"

	.section .text.start, "ax"
	.globl	_start
_start:
	csrw	sie, zero		/* stimecmp is reset in C, once traps can be reported */
	la	t0, trap_entry
	csrw	stvec, t0		/* direct mode: stvec[1:0] = 0 */
	li	t0, SSTATUS_FS_INIT
	csrs	sstatus, t0		/* libc/libfdt code may save FP registers */

	/* Claim a stack slot. Slot 0 (first hart in = boot hart) zeroes .bss; the
	 * others start only later, when the boot hart calls hart_start. */
	la	t0, next_slot
	li	t1, 1
	amoadd.w t2, t1, (t0)
	li	t1, MAX_HARTS
	bgeu	t2, t1, park
	bnez	t2, 2f
	la	t3, __bss_start
	la	t4, __bss_end
1:	bgeu	t3, t4, 2f
	sd	zero, 0(t3)
	addi	t3, t3, 8
	j	1b

	/* Stack top of this slot; the TLS block sits just below it and sp below that.
	 * RISC-V TLS (variant I, no TCB): tp = start of a copy of .tdata + zeroed .tbss. */
2:	addi	t3, t2, 1
	li	t4, STACK_SIZE
	mul	t3, t3, t4
	la	sp, hart_stacks
	add	sp, sp, t3
	la	t3, __tls_start
	la	t4, __tls_end
	sub	t5, t4, t3		/* TLS block size */
	sub	tp, sp, t5
	andi	tp, tp, -TLS_ALIGN
	mv	sp, tp
	la	t4, __tdata_end
	mv	t6, tp
3:	bgeu	t3, t4, 4f		/* copy .tdata */
	lbu	t0, 0(t3)
	sb	t0, 0(t6)
	addi	t3, t3, 1
	addi	t6, t6, 1
	j	3b
4:	add	t5, tp, t5
5:	bgeu	t6, t5, 6f		/* zero the rest (.tbss) */
	sb	zero, 0(t6)
	addi	t6, t6, 1
	j	5b

6:	mv	a2, t2			/* hart_main(hartid, fdt, slot) */
	call	hart_main
park:
	wfi
	j	park

/* Traps come only from our own S-mode code: stay on the current stack, save the
 * caller-saved integer registers, let C do the rest. (The C handler uses no FP.) */
	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t1, 16(sp)
	sd	t2, 24(sp)
	sd	t3, 32(sp)
	sd	t4, 40(sp)
	sd	t5, 48(sp)
	sd	t6, 56(sp)
	sd	a0, 64(sp)
	sd	a1, 72(sp)
	sd	a2, 80(sp)
	sd	a3, 88(sp)
	sd	a4, 96(sp)
	sd	a5, 104(sp)
	sd	a6, 112(sp)
	sd	a7, 120(sp)
	call	trap_handler
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t1, 16(sp)
	ld	t2, 24(sp)
	ld	t3, 32(sp)
	ld	t4, 40(sp)
	ld	t5, 48(sp)
	ld	t6, 56(sp)
	ld	a0, 64(sp)
	ld	a1, 72(sp)
	ld	a2, 80(sp)
	ld	a3, 88(sp)
	ld	a4, 96(sp)
	ld	a5, 104(sp)
	ld	a6, 112(sp)
	ld	a7, 120(sp)
	addi	sp, sp, 128
	sret

	.data
	.balign	4
next_slot:
	.word	0			/* in .data: must survive the .bss clear */

	.section .bss.stacks, "aw", @nobits
	.balign	TLS_ALIGN
hart_stacks:
	.space	MAX_HARTS * STACK_SIZE
