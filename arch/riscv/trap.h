/* SPDX-License-Identifier: MIT */
/*
 * Trap dispatch: trap_entry.S saves the guest frame (only what C may clobber,
 * except for load/store guest-page faults: see struct guest_regs.partial) and
 * calls vcpu_handle_ecall() for an ecall, else guest_trap(), which reads the trap
 * CSRs the cause defines once (before anything can clobber them), decodes the
 * trap into a struct arch_exit and hands it to vcpu_handle_exit() (load and store
 * guest-page faults, in registers, to vcpu_handle_guest_page_fault()). Those three
 * are the entry points the layer above implements (core/exit.c). Traps taken in HS-mode itself
 * resume at a guest-probe fixup or panic.
 */
#ifndef PV_ARCH_TRAP_H
#define PV_ARCH_TRAP_H

#include "arch/riscv/hart.h"
#include "types.h"

/** What made the guest exit, as decoded from scause (an ecall goes to vcpu_handle_ecall instead). */
enum arch_exit_kind {
	ARCH_EXIT_GUEST_PAGE_FAULT, /**< instruction guest-page fault at @gpa (loads/stores: vcpu_handle_guest_page_fault) */
	ARCH_EXIT_VIRTUAL_INSN,     /**< an instruction VS-mode may not execute */
	ARCH_EXIT_IRQ_EXT,          /**< S-level external interrupt (the hypervisor's IMSIC file) */
	ARCH_EXIT_IRQ_OTHER,        /**< any other HS interrupt */
	ARCH_EXIT_EXCEPTION,        /**< any other exception not delegated to VS-mode */
};

/**
 * One guest exit: the trap CSRs as they were at trap entry. Only the fields the
 * kind defines are read from the CSRs (the others hold stale values).
 */
struct arch_exit {
	enum arch_exit_kind kind;
	uint64_t cause;     /**< scause without the interrupt bit */
	uint64_t tval;      /**< stval (guest-page faults, virtual instructions, exceptions) */
	gpa_t gpa;          /**< instruction guest-page faults: the faulting guest physical address (htval << 2 | stval's low bits) */
};

/**
 * Handle guest exit @e of the vCPU running on hart @h. Implemented by the layer
 * above (core/exit.c); returns when the guest is to resume with @h->regs. Unless
 * @e is an exception, @h->regs holds only what C may clobber
 * (struct guest_regs.partial): no register but ra, sp, tp, t0-t6 and a0-a7 may be
 * read or written there.
 */
void vcpu_handle_exit(struct arch_hart *h, const struct arch_exit *e);

/**
 * Handle an ecall from VS-mode (an SBI call) of the vCPU running on hart @h:
 * trap_entry.S calls it directly, since an ecall needs no trap CSR but scause.
 * Implemented by core/exit.c; returns when the guest is to resume with @h->regs
 * (only a0-a7 and sepc of which are read or written: struct guest_regs.partial).
 */
void vcpu_handle_ecall(struct arch_hart *h);

/**
 * Handle a load (@write false) or store/AMO (@write true) guest-page fault of the
 * vCPU running on hart @h at guest physical address @g [Priv ISA "Hypervisor
 * Extension", guest-page faults]: @tval is stval (the guest virtual address),
 * @htinst the transformed instruction or 0. The frame is partial (struct
 * guest_regs.partial) when @htinst is a transformed load or store whose data register
 * is one C may clobber (then only that register and sepc may be touched, and an
 * injected fault goes through arch_inject_exception); else it is whole.
 * Implemented by core/exit.c (MMIO emulation, else an access fault is injected); called
 * by trap_entry.S directly, with the CSRs of the fault read there.
 */
void vcpu_handle_guest_page_fault(struct arch_hart *h, gpa_t g, uint64_t tval, uint64_t htinst, bool write);

/** Name of exception cause @cause, for messages ("load guest-page fault", ...; "unknown"). */
const char *arch_cause_name(uint64_t cause);

/** Restore the guest frame of @h and sret into VS-mode (trap.S). Never returns. */
void guest_enter(struct arch_hart *h) __attribute__((noreturn));

/** The HS trap vector (trap.S). */
void trap_entry(void);

#endif
