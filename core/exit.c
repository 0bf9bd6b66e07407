/* SPDX-License-Identifier: MIT */
/*
 * Guest exits: the policy above the arch trap dispatcher (arch/riscv/trap.c
 * calls vcpu_handle_exit). SBI calls go to core/vsbi, guest-page faults to the
 * MMIO emulation of core/vdev or become access faults, hart requests to the
 * mailbox; every exit is counted by cause and every guest-triggered message is
 * limited per partition boot.
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

/* A guest access to an unmapped guest physical address: emulated MMIO, or the guest gets an access fault. */
static void guest_page_fault(struct pcpu *pc, const struct arch_exit *e)
{
	struct vcpu *v = pc->vcpu;
	struct partition *p = v->part;
	uint64_t inject = e->fetch ? CAUSE_FETCH_ACCESS : e->write ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;

	partition_count_exit(p, EXIT_GUEST_PAGE_FAULT);
	/*
	 * Without htinst the instruction at sepc is decoded, which is only right for an
	 * explicit access: an implicit one (the guest's page-table walk) has a guest-virtual
	 * address (stval) whose page offset differs from the faulting guest-physical one.
	 */
	if (!e->fetch && (e->htinst || (e->tval & (PAGE_SIZE - 1)) == (e->gpa.v & (PAGE_SIZE - 1))) &&
	    mmio_emulate(&p->mmio, &pc->arch.regs, e->gpa, e->htinst, e->write))
		return;
	if (may_report(p))
		pr("partvisor: %s vcpu %u: %s at gpa 0x%llx (pc 0x%llx): injecting %s\n", p->cfg->name,
		   v->vhartid, arch_cause_name(e->cause), (ull)e->gpa.v, (ull)pc->arch.regs.sepc,
		   arch_cause_name(inject));
	arch_inject_exception(&pc->arch.regs, inject, e->tval);
}

/* Carry out what SBI call result @r asked for. Returns only if the guest resumes. */
static void sbi_action(struct pcpu *pc, const struct vsbi_ret *r)
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

void vcpu_handle_exit(struct arch_hart *h, const struct arch_exit *e)
{
	struct pcpu *pc = pcpu_of(h);
	struct vcpu *v = pc->vcpu;
	struct partition *p = v->part;

	switch (e->kind) {
	case ARCH_EXIT_IRQ_EXT:
		/* The only HS interrupt enabled is the S-level IMSIC file: hart requests and registered devices. */
		partition_count_exit(p, EXIT_HV_REQUEST);
		if (pcpu_handle_mailbox(pc))
			vcpu_stop_here(pc);
		return;
	case ARCH_EXIT_IRQ_OTHER:
		/* The hypervisor's timer: a paused interrupt identity is due again (core/irq.c). */
		partition_count_exit(p, EXIT_INTERRUPT);
		if (pcpu_handle_mailbox(pc))
			vcpu_stop_here(pc);
		return;
	case ARCH_EXIT_ECALL:
		{
			struct vsbi_ret r;

			vsbi_handle(v, &h->regs, &r);
			sbi_action(pc, &r);
		}
		break;
	case ARCH_EXIT_GUEST_PAGE_FAULT:
		guest_page_fault(pc, e);
		break;
	case ARCH_EXIT_VIRTUAL_INSN:
		/* An instruction VS-mode may not execute: it is illegal for the guest. */
		partition_count_exit(p, EXIT_VIRTUAL_INSN);
		arch_inject_exception(&h->regs, CAUSE_ILLEGAL_INSN, e->tval);
		break;
	case ARCH_EXIT_EXCEPTION:
		/* Anything else (e.g. access faults OpenSBI redirected) goes back to the guest. */
		partition_count_exit(p, EXIT_OTHER);
		if (may_report(p))
			pr("partvisor: %s vcpu %u: %s (scause %llu) at pc 0x%llx stval 0x%llx: injected\n",
			   p->cfg->name, v->vhartid, arch_cause_name(e->cause), (ull)e->cause,
			   (ull)h->regs.sepc, (ull)e->tval);
		arch_inject_exception(&h->regs, e->cause, e->tval);
		break;
	}
	if (pc->mailbox && pcpu_handle_mailbox(pc))
		vcpu_stop_here(pc);
}
