/* SPDX-License-Identifier: MIT */
/*
 * Guest exits: the policy above the arch trap dispatcher (arch/riscv/trap.c
 * calls vcpu_handle_exit). SBI calls go to core/vsbi, guest-page faults to the
 * MMIO emulation of core/vdev or become access faults, hart requests to the
 * mailbox; every exit is counted by cause and every guest-triggered message is
 * limited per partition boot. The hot paths (SBI calls, emulated MMIO) keep no
 * state on the stack here; reporting is out of line.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/trap.h"
#include "core/hv.h"
#include "core/partition.h"
#include "core/run.h"
#include "core/vsbi/vsbi.h"
#include "lib/log.h"

/*
 * Guest-triggered fault reports per partition: a burst of 16, then one per second
 * (the budget is the partition's for the life of the system: a reboot does not refill it).
 * The exits are always counted.
 */
#define FAULT_REPORT_BURST 16

/* Whether @p may print one more guest-triggered fault report; notes how many were suppressed. */
static bool may_report(struct partition *p)
{
	uint32_t dropped = 0;

	if (!ratelimit_allow(&p->fault_rl, arch_time(), hv_plat.timebase_hz, FAULT_REPORT_BURST, &dropped))
		return false;
	if (dropped)
		pr("partvisor: %s: %u fault reports suppressed\n", p->cfg->name, dropped);
	return true;
}

/* A guest-page fault (@cause) at @g not emulated: report (rate-limited) and inject the access fault. */
static __attribute__((noinline, cold)) void guest_access_fault(struct pcpu *pc, uint64_t cause, gpa_t g, uint64_t tval)
{
	struct vcpu *v = pc->vcpu;
	struct partition *p = v->part;
	uint64_t inject = cause == CAUSE_FETCH_GUEST_PAGE_FAULT ? CAUSE_FETCH_ACCESS :
			  cause == CAUSE_STORE_GUEST_PAGE_FAULT ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;

	if (may_report(p))
		pr("partvisor: %s vcpu %u: %s at gpa 0x%llx (pc 0x%llx): injecting %s\n", p->cfg->name,
		   v->vhartid, arch_cause_name(cause), (ull)g.v, (ull)pc->arch.regs.sepc,
		   arch_cause_name(inject));
	arch_inject_exception(&pc->arch.regs, inject, tval);
}

/* A virtual instruction (illegal for the guest) or any other exception not delegated: injected back. */
static __attribute__((noinline, cold)) void guest_exception(struct pcpu *pc, const struct arch_exit *e)
{
	struct vcpu *v = pc->vcpu;
	struct partition *p = v->part;

	if (e->kind == ARCH_EXIT_VIRTUAL_INSN) {
		partition_count_exit(p, EXIT_VIRTUAL_INSN);
		arch_inject_exception(&pc->arch.regs, CAUSE_ILLEGAL_INSN, e->tval);
		return;
	}
	/* Anything else (e.g. access faults OpenSBI redirected) goes back to the guest. */
	partition_count_exit(p, EXIT_OTHER);
	if (may_report(p))
		pr("partvisor: %s vcpu %u: %s (scause %llu) at pc 0x%llx stval 0x%llx: injected\n",
		   p->cfg->name, v->vhartid, arch_cause_name(e->cause), (ull)e->cause,
		   (ull)pc->arch.regs.sepc, (ull)e->tval);
	arch_inject_exception(&pc->arch.regs, e->cause, e->tval);
}

/* A load or store to an unmapped guest physical address: emulated MMIO, or the guest gets an access fault. */
void vcpu_handle_guest_page_fault(struct arch_hart *h, gpa_t g, uint64_t tval, uint64_t htinst, bool write)
{
	struct pcpu *pc = pcpu_of(h);
	struct partition *p = pc->vcpu->part;

	partition_count_exit(p, EXIT_GUEST_PAGE_FAULT);
	/*
	 * Without htinst the instruction at sepc is decoded, which is only right for an
	 * explicit access: an implicit one (the guest's page-table walk) has a guest-virtual
	 * address (stval) whose page offset differs from the faulting guest-physical one.
	 */
	if ((htinst || (tval & (PAGE_SIZE - 1)) == (g.v & (PAGE_SIZE - 1))) &&
	    mmio_emulate(&p->mmio, &h->regs, g, htinst, write))
		return;
	guest_access_fault(pc, write ? CAUSE_STORE_GUEST_PAGE_FAULT : CAUSE_LOAD_GUEST_PAGE_FAULT, g, tval);
}

/* Carry out what SBI call result @r asked for (anything but VSBI_RESUME). Returns only if the guest resumes. */
static __attribute__((noinline)) void sbi_action(struct pcpu *pc, const struct vsbi_ret *r)
{
	enum vsbi_action a = r->action;

	switch (a) {
	case VSBI_RESUME:
		return;
	case VSBI_SUSPEND:
		if (!vcpu_suspend(pc, r->suspend.non_retentive, r->suspend.resume_addr, r->suspend.opaque))
			vcpu_stop_here(pc);
		return;
	case VSBI_STOP_VCPU:
		vcpu_stop_here(pc);
	case VSBI_SHUTDOWN:
	case VSBI_REBOOT:
		partition_stop(pc->vcpu->part, pc->vcpu, a == VSBI_REBOOT);
	}
}

/* An SBI call (a7/a6/a0-a5; nothing else of the frame is read). */
void vcpu_handle_ecall(struct arch_hart *h)
{
	const struct vsbi_ret *r = vsbi_handle(pcpu_of(h)->vcpu, &h->regs);

	if (r->action != VSBI_RESUME)
		sbi_action(this_pcpu(), r);  /* @h is this hart's: not kept across the call */
}

/* A hypervisor interrupt: hart requests, registered devices, a paused identity due again. */
static void hv_interrupt(struct pcpu *pc, enum exit_cause cause)
{
	partition_count_exit(pc->vcpu->part, cause);
	if (pcpu_handle_mailbox(pc))
		vcpu_stop_here(pc);
}

/*
 * Every handler below is reached by a tail call and returns straight to
 * trap_entry.S. No mailbox check on the way back: a request is always posted
 * with an IPI (pcpu_send), which is pending in the S-level file and traps as
 * soon as the guest resumes (HS interrupts are enabled in VS-mode).
 */
void vcpu_handle_exit(struct arch_hart *h, const struct arch_exit *e)
{
	struct pcpu *pc = pcpu_of(h);

	switch (e->kind) {
	case ARCH_EXIT_GUEST_PAGE_FAULT:
		/* an instruction fetch (loads and stores go to vcpu_handle_guest_page_fault) */
		partition_count_exit(pc->vcpu->part, EXIT_GUEST_PAGE_FAULT);
		guest_access_fault(pc, e->cause, e->gpa, e->tval);
		return;
	case ARCH_EXIT_IRQ_EXT:
		/* The only HS interrupt enabled is the S-level IMSIC file: hart requests and registered devices. */
		hv_interrupt(pc, EXIT_HV_REQUEST);
		return;
	case ARCH_EXIT_IRQ_OTHER:
		/* The hypervisor's timer: a paused interrupt identity is due again (core/irq.c). */
		hv_interrupt(pc, EXIT_INTERRUPT);
		return;
	case ARCH_EXIT_VIRTUAL_INSN:
	case ARCH_EXIT_EXCEPTION:
		guest_exception(pc, e);
		return;
	}
}
