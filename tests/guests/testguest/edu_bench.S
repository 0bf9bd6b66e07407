/* SPDX-License-Identifier: MIT */
/*
 * testguest "edu-bench" (edu.c): the trap vector installed while MSI delivery is timed. Its
 * first instruction reads instret into t6; then it claims the interrupt from stopei (the IMSIC
 * identity in bits 26:16 goes to t5) and returns. Only edu.c's timed loop runs under it, which
 * gives up t4..t6 to it (inline asm clobbers). Anything that is not an interrupt (scause bit 63
 * clear) goes on to the normal trap_entry, which reports it and shuts down.
 */
#include "hw.h"

	.text
	.balign	4
	.globl	edu_bench_vector
edu_bench_vector:
	csrr	t6, instret		/* first instruction of the handler: the figure */
	csrr	t4, scause
	bgez	t4, 1f			/* an exception: the ordinary handler reports it */
	csrrw	t5, stopei, zero	/* claim the highest pending identity */
	sret
1:	j	trap_entry
