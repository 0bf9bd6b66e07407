/* SPDX-License-Identifier: MIT */
/*
 * /bin/rdtime of the Linux test initramfs: prints the time CSR (timebase ticks since the
 * machine's reset; partvisor sets htimedelta = 0, so a partition reads the same clock as the
 * host) in decimal and a newline on stdout, then exits 0. A static riscv64 Linux executable
 * without libc [Linux RISC-V syscall ABI: a7 = number, write = 64, exit = 93]; /init uses it
 * for the boot milestones of make bench ("LINUX-TIME:" lines).
 */
	.text
	.globl	_start
_start:
	rdtime	a0
	addi	sp, sp, -32
	addi	t1, sp, 31		/* t1: where the newline goes */
	li	t2, 10
	sb	t2, 0(t1)		/* '\n' == 10 */
	mv	t4, t1
1:	remu	t5, a0, t2
	divu	a0, a0, t2
	addi	t5, t5, '0'
	addi	t4, t4, -1
	sb	t5, 0(t4)
	bnez	a0, 1b
	li	a0, 1			/* write(1, t4, t1 + 1 - t4) */
	mv	a1, t4
	addi	a2, t1, 1
	sub	a2, a2, t4
	li	a7, 64
	ecall
	li	a0, 0			/* exit(0) */
	li	a7, 93
	ecall
