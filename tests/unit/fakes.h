/* SPDX-License-Identifier: MIT */
/*
 * Fakes for host unit tests: the narrow arch interface (arch/riscv/hart.h,
 * lock.h, sbi_call.h) in fake_arch.c and the run loop's mailbox (core/run.h) in
 * fake_run.c. What the code under test did is recorded here; tests read and
 * reset it with fake_reset().
 */
#ifndef PV_TEST_FAKES_H
#define PV_TEST_FAKES_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_OUT_SIZE 8192
#define FAKE_MEM_SIZE 4096

/** What the fakes recorded. */
struct fake_state {
	/* firmware console (sbi_console_write / sbi_console_getc) */
	char out[FAKE_OUT_SIZE];     /**< everything written, NUL-terminated */
	size_t out_len;
	unsigned out_calls;          /**< sbi_console_write calls (one per whole line or message) */
	const char *in;              /**< bytes sbi_console_getc returns, then -1 */
	size_t in_pos;
	/* arch vCPU operations */
	uint64_t timer;              /**< last arch_vcpu_set_timer value */
	unsigned timer_sets;
	unsigned ssip_raised;        /**< arch_vcpu_raise_ssip calls */
	unsigned local_fences;       /**< arch_vcpu_local_fence calls */
	/* guest memory for arch_guest_read_u16: bytes at guest virtual fake_mem_base.. */
	uint64_t mem_base;
	uint8_t mem[FAKE_MEM_SIZE];
	unsigned guest_reads;
	/* locks */
	int locks_held;              /**< spin_lock minus spin_unlock calls */
	/* sbi_ecall down into the firmware */
	unsigned ecalls;
	unsigned long last_eid, last_fid;
	/* run loop (fake_run.c) */
	unsigned sent[8][4];         /**< pcpu_send(target, req): count per pcpu index (0..7) and request */
	unsigned mailbox_polls;      /**< pcpu_handle_mailbox calls */
	int stop_on_poll;            /**< pcpu_handle_mailbox returns true when this is set */
	int ack_fences;              /**< REQ_FENCE is acknowledged at once by the target (default 1) */
};

extern struct fake_state fake;

/** Clear everything recorded; fences are acknowledged at once again. */
void fake_reset(void);

#endif
