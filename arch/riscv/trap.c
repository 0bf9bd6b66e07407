/* SPDX-License-Identifier: MIT */
/*
 * Trap dispatch [Priv ISA "Hypervisor Extension", "Trap Cause Codes"]: guest
 * traps are decoded into a struct arch_exit (the trap CSRs the cause defines,
 * read once, at entry) and handed to vcpu_handle_exit(); traps in HS-mode resume
 * at a probe fixup or panic.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/asm_offsets.h"
#include "arch/riscv/trap.h"
#include "lib/log.h"

static const char *const cause_names[] = {
	[CAUSE_MISALIGNED_FETCH] = "instruction address misaligned",
	[CAUSE_FETCH_ACCESS] = "instruction access fault",
	[CAUSE_ILLEGAL_INSN] = "illegal instruction",
	[CAUSE_BREAKPOINT] = "breakpoint",
	[CAUSE_MISALIGNED_LOAD] = "load address misaligned",
	[CAUSE_LOAD_ACCESS] = "load access fault",
	[CAUSE_MISALIGNED_STORE] = "store address misaligned",
	[CAUSE_STORE_ACCESS] = "store access fault",
	[CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
	[CAUSE_LOAD_PAGE_FAULT] = "load page fault",
	[CAUSE_STORE_PAGE_FAULT] = "store page fault",
	[CAUSE_FETCH_GUEST_PAGE_FAULT] = "instruction guest-page fault",
	[CAUSE_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
	[CAUSE_VIRTUAL_INSN] = "virtual instruction",
	[CAUSE_STORE_GUEST_PAGE_FAULT] = "store/AMO guest-page fault",
};

const char *arch_cause_name(uint64_t c)
{
	return c < ARRAY_SIZE(cause_names) && cause_names[c] ? cause_names[c] : "unknown";
}

_Static_assert(CAUSE_LOAD_GUEST_PAGE_FAULT == SCAUSE_LOAD_GPF && CAUSE_STORE_GUEST_PAGE_FAULT == (SCAUSE_LOAD_GPF | 2),
	       "trap_entry.S hands these two causes to vcpu_handle_guest_page_fault");
_Static_assert(CAUSE_VS_ECALL == SCAUSE_VS_ECALL, "trap_entry.S calls vcpu_handle_ecall for this cause");

/* The exit being handled on this hart (no stack copy, no address of a local on the hot path). */
static __thread struct arch_exit this_exit;

void guest_trap(struct arch_hart *h, uint64_t scause);

/**
 * Called by trap_entry.S for every trap from the guest but an ecall (vcpu_handle_ecall)
 * and a load or store guest-page fault (vcpu_handle_guest_page_fault, with the fault's
 * CSRs read there), with scause as read at entry. Reads the other trap CSRs the cause
 * defines (before anything can clobber them: a guest memory probe's fault in HS
 * rewrites them), decodes, and hands the exit to vcpu_handle_exit(); returning resumes
 * the guest with @h->regs.
 */
void guest_trap(struct arch_hart *h, uint64_t scause)
{
	struct arch_exit *e = &this_exit;

	e->cause = scause & ~CAUSE_IRQ_FLAG;
	if (scause & CAUSE_IRQ_FLAG) {
		e->kind = e->cause == IRQ_S_EXT ? ARCH_EXIT_IRQ_EXT : ARCH_EXIT_IRQ_OTHER;
	} else {
		switch (e->cause) {
		case CAUSE_FETCH_GUEST_PAGE_FAULT: {
			uint64_t tval = csr_read(stval), htval = csr_read(htval);

			e->kind = ARCH_EXIT_GUEST_PAGE_FAULT;   /* an instruction fetch: loads and stores do not come here */
			e->tval = tval;
			e->gpa = gpa((htval << 2) | (tval & 3));
			break;
		}
		case CAUSE_VIRTUAL_INSN:
			e->kind = ARCH_EXIT_VIRTUAL_INSN;
			e->tval = csr_read(stval);
			break;
		default:
			e->kind = ARCH_EXIT_EXCEPTION;
			e->tval = csr_read(stval);
			break;
		}
	}
	vcpu_handle_exit(h, e);
}

/** Saved HS registers of a trap taken in the hypervisor itself (trap.S from_hs). */
struct hs_frame { uint64_t x[32]; };
void hs_trap(struct hs_frame *f);

/** A trap in HS-mode is a hypervisor bug: report it and stop this hart. */
void hs_trap(struct hs_frame *f)
{
	uint64_t cause = csr_read(scause);

	/* A guest memory probe that faulted (see arch_guest_read_u16): resume at its fixup. */
	if (arch_this_hart && arch_this_hart->fixup && !(cause & CAUSE_IRQ_FLAG)) {
		csr_write(sepc, arch_this_hart->fixup);
		arch_this_hart->fixup = 0;
		return;
	}

	pr("partvisor: PANIC on hart %u: trap in HS-mode: scause 0x%llx (%s) sepc 0x%llx stval 0x%llx "
	   "htval 0x%llx ra 0x%llx sp 0x%llx\n", hv_hartid, (ull)cause,
	   cause & CAUSE_IRQ_FLAG ? "interrupt" : arch_cause_name(cause), (ull)csr_read(sepc),
	   (ull)csr_read(stval), (ull)csr_read(htval), (ull)f->x[1], (ull)f->x[2]);
	pr("partvisor: hart %u stopped\n", hv_hartid);
	for (;;)
		__asm__ volatile("wfi");
}
