/* SPDX-License-Identifier: MIT */
/*
 * Entry from OpenSBI [OpenSBI payload contract]: HS-mode, satp = 0, a0 = hart id,
 * a1 = physical address of the host FDT. Only one hart (the winner of OpenSBI's
 * cold-boot lottery, any hart id) enters here; the others stay in OpenSBI in HSM
 * STOPPED state until hv_main starts them at secondary_entry.
 */
#include "arch/riscv/asm_offsets.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	/* The "hypervisor entry" milestone: time and instret before anything else (s2, s3). */
	csrr	s2, time
	csrr	s3, instret
	/* Defensive: should a platform enter more than one hart here, park all but the first. */
	lla	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, park

	csrw	sie, zero
	csrw	sscratch, zero
	lla	t0, trap_entry
	csrw	stvec, t0

	/* Clear BSS (16-byte aligned): 64 bytes per iteration, then doublewords. */
	lla	t0, __bss_start
	lla	t1, __bss_end
	addi	t2, t1, -64
1:	bgtu	t0, t2, 2f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	sd	zero, 16(t0)
	sd	zero, 24(t0)
	sd	zero, 32(t0)
	sd	zero, 40(t0)
	sd	zero, 48(t0)
	sd	zero, 56(t0)
	addi	t0, t0, 64
	j	1b
2:	bgeu	t0, t1, 3f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	2b
3:	lla	t0, arch_boot_stamp
	sd	s2, 0(t0)
	sd	s3, 8(t0)
	lla	sp, boot_stack_top
	lla	tp, boot_tls
	mv	s0, a0
	mv	s1, a1
	call	early_init		/* stack guard, TLS; built without stack protector */
	mv	a0, s0
	mv	a1, s1
	call	hv_main
park:
	wfi
	j	park

/* Secondary harts, started through SBI HSM hart_start: a0 = hart id, a1 = struct arch_hart *. */
	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	lla	t0, trap_entry
	csrw	stvec, t0
	ld	sp, PCPU_STACK_TOP_OFF(a1)
	ld	tp, PCPU_TP_OFF(a1)
	mv	a0, a1
	call	hart_main
	j	park

/* void hart_switch(struct arch_hart *h): the boot hart leaves the boot stack/TLS for its own. */
	.globl hart_switch
hart_switch:
	ld	sp, PCPU_STACK_TOP_OFF(a0)
	ld	tp, PCPU_TP_OFF(a0)
	call	hart_main
	j	park

	.section .data
	.balign 4
boot_claimed:
	.word	0

	.section .bss
	.balign 16
	.globl boot_tls
boot_tls:
	.space	256
	.balign 16
boot_stack:
	.space	16384
boot_stack_top:
