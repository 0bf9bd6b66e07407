/* SPDX-License-Identifier: MIT */
/* The per-hart run loop, mailbox and vCPU start/stop on the hart. See run.h. */
#include "arch/riscv/bulk.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/trap.h"
#include "core/guest_layout.h"
#include "core/hv.h"
#include "core/irq.h"
#include "core/run.h"
#include "lib/log.h"

struct pcpu hv_pcpus[PV_MAX_HARTS];

/* Longest sleep (us) of a hart whose vCPU waits for its partition's load. */
#define LOAD_WAIT_US 50

void pcpu_send(struct pcpu *target, enum pcpu_req req)
{
	__atomic_fetch_or(&target->mailbox, 1u << req, __ATOMIC_SEQ_CST);
	irq_send_ipi(target->ipi_file);
}

void pcpu_send_hold(struct pcpu *target)
{
	__atomic_fetch_add(&target->senders, 1, __ATOMIC_SEQ_CST);
}

void pcpu_send_release(struct pcpu *target, enum pcpu_req req)
{
	pcpu_send(target, req);
	__atomic_fetch_sub(&target->senders, 1, __ATOMIC_SEQ_CST);
}

void pcpu_send_drop(struct pcpu *target)
{
	__atomic_fetch_sub(&target->senders, 1, __ATOMIC_SEQ_CST);
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

/*
 * Take pieces of @p's RAM load (partition_load's memory job) until none is left, with
 * the widest stores this hart has. Whoever finishes the last piece wakes vCPU 0's hart;
 * each finish is held (pcpu_send_hold), so that hart, seeing the load done, waits for
 * the wake-up to be sent and takes it before it enters the guest.
 */
static void partition_help_load(struct pcpu *pc, struct partition *p)
{
	struct pcpu *first = p->vcpus[0].pcpu;
	struct mem_piece piece;

	while (mem_job_take(&p->load, &piece)) {
		if (piece.src)
			arch_bulk_copy(piece.dst, piece.src, piece.len);
		else
			arch_bulk_zero(piece.dst, piece.len);
		if (first == pc) {
			mem_job_finish(&p->load);
			continue;
		}
		pcpu_send_hold(first);
		if (mem_job_finish(&p->load))
			pcpu_send_release(first, REQ_WAKE);
		else
			pcpu_send_drop(first);
	}
}

/* Flush @v's console line, quiesce this hart's guest state and mark @v STOPPED (unless restarting). */
static void vcpu_mark_stopped(struct vcpu *v)
{
	console_flush(&v->dbcn);
	arch_vcpu_quiesce();
	/* A partition reboot may have made it START_PENDING meanwhile: keep that. */
	spin_lock(&v->part->lock);
	if (v->state != VCPU_START_PENDING)
		v->state = VCPU_STOPPED;
	spin_unlock(&v->part->lock);
}

/*
 * Before this hart enters a guest: wait until no hart is between publishing a change for
 * it and sending the IPI that goes with it, then take that IPI and the requests here.
 * Returns false if a stop request came (the vCPU is then marked stopped).
 */
static bool pcpu_settle(struct pcpu *pc)
{
	/* Short: a hold spans a few instructions (a load piece's finish, an HSM start) or, on a
	 * reboot, partition_load, which waits for no hart; none is taken while waiting for us. */
	while (__atomic_load_n(&pc->senders, __ATOMIC_SEQ_CST))
		;
	if (!pcpu_handle_mailbox(pc))
		return true;
	vcpu_mark_stopped(pc->vcpu);
	return false;
}

/*
 * Boot milestone of @p (vCPU 0, first entry after a load), printed before it enters:
 * the time (ns since reset) and how long since the hypervisor was entered (first
 * boot) or since its reload began, with what its harts did to its RAM. Under QEMU
 * -icount shift=0 a nanosecond is one instruction of any hart.
 */
static void report_guest_entry(struct partition *p)
{
	uint64_t hz = hv_plat.timebase_hz, now = arch_time();
	uint64_t since = p->boots == 1 ? arch_boot_stamp.time : p->load_time;
	uint64_t copied = 0, zeroed;

	for (unsigned i = 0; i < p->load.nr_seg; i++)
		if (p->load.seg[i].src)
			copied += p->load.seg[i].len;
	zeroed = mem_job_bytes(&p->load) - copied;
	p->entry_pending = false;
	pr("partvisor: milestone: %s boot %u guest entry at %llu ns, %llu ns after %s; RAM: %llu bytes copied, "
	   "%llu bytes zeroed (%s) by %u harts, %llu bytes of device tree area\n", p->cfg->name, p->boots,
	   (ull)arch_ticks_to_ns(now, hz), (ull)arch_ticks_to_ns(now - since, hz),
	   p->boots == 1 ? "hypervisor entry" : "its reload began", (ull)copied, (ull)zeroed,
	   arch_bulk_method_name(arch_bulk_zero_method()), p->nr_vcpus, (ull)GUEST_FDT_RESERVE);
}

void pcpu_run(struct pcpu *pc)
{
	struct vcpu *v = pc->vcpu;

	for (;;) {
		pcpu_handle_mailbox(pc);
		if (v)
			partition_help_load(pc, v->part);
		if (v && v->state == VCPU_START_PENDING) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);  /* see the load partition_load published */
			if (mem_job_done(&v->part->load) && vcpu_claim_start(v) && vcpu_load(pc, v) && pcpu_settle(pc)) {
				if (v->vhartid == 0 && v->part->entry_pending)
					report_guest_entry(v->part);
				guest_enter(&pc->arch);
			}
		}
		/* wfi wakes on the pending S-level external interrupt even with sstatus.SIE = 0. */
		if (__atomic_load_n(&pc->mailbox, __ATOMIC_SEQ_CST))
			continue;
		if (v && v->state == VCPU_START_PENDING && !mem_job_done(&v->part->load))
			/* The last pieces are on other harts; the one finishing them sends the wake-up.
			 * Bounded: QEMU running one hart at a time (-icount) would let it wait behind
			 * another partition's time slice (a timer deadline ends that slice). */
			irq_wait_bounded(hv_plat.timebase_hz / (1000000 / LOAD_WAIT_US) + 1);
		else
			arch_wait_for_interrupt();
	}
}

void vcpu_stop_here(struct pcpu *pc)
{
	vcpu_mark_stopped(pc->vcpu);
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
