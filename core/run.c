/* SPDX-License-Identifier: MIT */
/* The per-hart run loop, mailbox and vCPU start/stop on the hart. See run.h. */
#include "arch/riscv/trap.h"
#include "core/irq.h"
#include "core/run.h"
#include "lib/log.h"

struct pcpu hv_pcpus[PV_MAX_HARTS];

void pcpu_send(struct pcpu *target, enum pcpu_req req)
{
	__atomic_fetch_or(&target->mailbox, 1u << req, __ATOMIC_SEQ_CST);
	irq_send_ipi(target->ipi_file);
}

bool pcpu_handle_mailbox(struct pcpu *pc)
{
	uint32_t req;

	irq_dispatch();
	req = __atomic_exchange_n(&pc->mailbox, 0, __ATOMIC_SEQ_CST);
	if (req & (1u << REQ_VSSIP))
		arch_vcpu_raise_ssip();
	if (req & (1u << REQ_FENCE)) {
		arch_vcpu_local_fence();
		__atomic_fetch_add(&pc->fence_ack, 1, __ATOMIC_SEQ_CST);
	}
	return req & (1u << REQ_STOP);
}

/*
 * Move @v from START_PENDING to STARTED unless its partition is stopping. Under
 * the partition lock, so partition_stop() sees every vCPU that can still run.
 */
static bool vcpu_claim_start(struct vcpu *v)
{
	bool go;

	spin_lock(&v->part->lock);
	go = v->part->state == PART_RUNNING && v->state == VCPU_START_PENDING;
	if (go)
		v->state = VCPU_STARTED;
	spin_unlock(&v->part->lock);
	return go;
}

/*
 * Prepare this hart to run @v from its reset state: VS CSRs, guest file, G-stage,
 * registers. Returns false if the hart cannot run it (its G-stage mode did not take).
 */
static bool vcpu_load(struct pcpu *pc, struct vcpu *v)
{
	irq_guest_file_reset(v->guest_file, v->part->guest_ids);
	if (!arch_vcpu_load(v->part->hgatp)) {
		pr("partvisor: hart %u cannot run %s vcpu %u: hgatp 0x%llx did not take (G-stage mode not implemented); "
		   "the vCPU stays stopped\n", pc->hartid, v->part->cfg->name, v->vhartid, (ull)v->part->hgatp);
		spin_lock(&v->part->lock);
		v->state = VCPU_STOPPED;
		spin_unlock(&v->part->lock);
		return false;
	}
	arch_vcpu_regs_reset(&pc->arch.regs, v->start_pc.v, v->vhartid, v->start_arg, v->guest_file, pc->has_v);
	return true;
}

void pcpu_run(struct pcpu *pc)
{
	struct vcpu *v = pc->vcpu;

	for (;;) {
		pcpu_handle_mailbox(pc);
		if (v && v->state == VCPU_START_PENDING && vcpu_claim_start(v) && vcpu_load(pc, v))
			guest_enter(&pc->arch);
		/* wfi wakes on the pending S-level external interrupt even with sstatus.SIE = 0. */
		if (!__atomic_load_n(&pc->mailbox, __ATOMIC_SEQ_CST))
			arch_wait_for_interrupt();
	}
}

void vcpu_stop_here(struct pcpu *pc)
{
	struct vcpu *v = pc->vcpu;

	console_flush(&v->dbcn);
	arch_vcpu_quiesce();
	/* A partition reboot may have made it START_PENDING meanwhile: keep that. */
	spin_lock(&v->part->lock);
	if (v->state != VCPU_START_PENDING)
		v->state = VCPU_STOPPED;
	spin_unlock(&v->part->lock);
	pcpu_run(pc);
}

bool vcpu_suspend(struct pcpu *pc, bool non_retentive, gpa_t resume_addr, uint64_t opaque)
{
	struct vcpu *v = pc->vcpu;
	bool go_on = false;

	spin_lock(&v->part->lock);
	if (v->state == VCPU_STARTED) {
		v->state = VCPU_SUSPENDED;
		go_on = true;
	}
	spin_unlock(&v->part->lock);
	if (!go_on)
		return false;
	for (;;) {
		if (pc->mailbox && pcpu_handle_mailbox(pc))
			return false;
		if (arch_vcpu_irq_pending())
			break;
		arch_vcpu_wait_irq();
	}
	spin_lock(&v->part->lock);
	if (v->state == VCPU_SUSPENDED)
		v->state = VCPU_STARTED;
	else
		go_on = false;  /* a stop is on its way */
	spin_unlock(&v->part->lock);
	if (go_on && non_retentive) {
		arch_vcpu_regs_reset(&pc->arch.regs, resume_addr.v, v->vhartid, opaque, v->guest_file, pc->has_v);
		arch_vcpu_resume_nonretentive();
	}
	return go_on;
}
