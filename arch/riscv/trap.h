/* SPDX-License-Identifier: MIT */
/*
 * Trap dispatch: trap.S saves the guest frame and calls guest_trap(), which
 * reads the trap CSRs once (before anything can clobber them), decodes the trap
 * into a struct arch_exit and hands it to vcpu_handle_exit(), the one entry
 * point the layer above implements (core/exit.c). Traps taken in HS-mode itself
 * resume at a guest-probe fixup or panic.
 */
#ifndef PV_ARCH_TRAP_H
#define PV_ARCH_TRAP_H

#include "arch/riscv/hart.h"
#include "types.h"

/** What made the guest exit, as decoded from scause. */
enum arch_exit_kind {
	ARCH_EXIT_ECALL,            /**< ecall from VS-mode: an SBI call */
	ARCH_EXIT_GUEST_PAGE_FAULT, /**< fetch/load/store guest-page fault at @gpa */
	ARCH_EXIT_VIRTUAL_INSN,     /**< an instruction VS-mode may not execute */
	ARCH_EXIT_IRQ_EXT,          /**< S-level external interrupt (the hypervisor's IMSIC file) */
	ARCH_EXIT_IRQ_OTHER,        /**< any other HS interrupt */
	ARCH_EXIT_EXCEPTION,        /**< any other exception not delegated to VS-mode */
};

/** One guest exit: the trap CSRs as they were at trap entry. */
struct arch_exit {
	enum arch_exit_kind kind;
	uint64_t cause;     /**< scause without the interrupt bit */
	uint64_t tval;      /**< stval */
	uint64_t htval;     /**< htval (guest physical address >> 2 for guest-page faults) */
	uint64_t htinst;    /**< htinst (transformed instruction, or 0) */
	gpa_t gpa;          /**< guest-page faults: the faulting guest physical address */
	bool fetch;         /**< guest-page faults: an instruction fetch */
	bool write;         /**< guest-page faults: a store/AMO */
};

/**
 * Handle guest exit @e of the vCPU running on hart @h. Implemented by the layer
 * above (core/exit.c); returns when the guest is to resume with @h->regs.
 */
void vcpu_handle_exit(struct arch_hart *h, const struct arch_exit *e);

/** Name of exception cause @cause, for messages ("load guest-page fault", ...; "unknown"). */
const char *arch_cause_name(uint64_t cause);

/** Restore the guest frame of @h and sret into VS-mode (trap.S). Never returns. */
void guest_enter(struct arch_hart *h) __attribute__((noreturn));

/** The HS trap vector (trap.S). */
void trap_entry(void);

#endif
