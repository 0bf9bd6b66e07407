/* SPDX-License-Identifier: MIT */
/*
 * Physical harts and the vCPUs pinned to them: per-hart CSR setup, the run
 * loop, hart-to-hart requests, and dispatch of guest exits.
 */
#include <stddef.h>
#include <string.h>

#include "asm_offsets.h"
#include "csr.h"
#include "hv.h"
#include "imsic.h"
#include "iommu.h"

_Static_assert(offsetof(struct pcpu, regs) == 0, "trap.S: regs first");
_Static_assert(offsetof(struct guest_regs, sepc) == REGS_SEPC_OFF, "trap.S offset");
_Static_assert(offsetof(struct guest_regs, sstatus) == REGS_SSTATUS_OFF, "trap.S offset");
_Static_assert(offsetof(struct guest_regs, hstatus) == REGS_HSTATUS_OFF, "trap.S offset");
_Static_assert(offsetof(struct pcpu, stack_top) == PCPU_STACK_TOP_OFF, "trap.S offset");
_Static_assert(offsetof(struct pcpu, tp) == PCPU_TP_OFF, "trap.S offset");

/*
 * Exceptions the guest handles itself (hedeleg) [Priv ISA "hedeleg"]: misaligned
 * fetch, breakpoint, ecall from VU, and VS-stage page faults. Guest-page faults,
 * virtual instructions and VS ecalls (SBI) come to the hypervisor.
 */
#define HEDELEG_GUEST ((1ULL << CAUSE_MISALIGNED_FETCH) | (1ULL << CAUSE_BREAKPOINT) | \
		       (1ULL << CAUSE_USER_ECALL) | (1ULL << CAUSE_FETCH_PAGE_FAULT) | \
		       (1ULL << CAUSE_LOAD_PAGE_FAULT) | (1ULL << CAUSE_STORE_PAGE_FAULT))
/* VS-level software, timer and external interrupts go straight to the guest (hideleg). */
#define HIDELEG_GUEST ((1ULL << IRQ_VS_SOFT) | (1ULL << IRQ_VS_TIMER) | (1ULL << IRQ_VS_EXT))

void pcpu_init_csrs(struct pcpu *pc)
{
	const struct pv_hart_info *h = &hv_plat.harts[pc->index];
	uint64_t envcfg = ENVCFG_STCE;

	csr_write(hedeleg, HEDELEG_GUEST);
	csr_write(hideleg, HIDELEG_GUEST);
	csr_write(hvip, 0);
	csr_write(hie, 0);        /* no VS interrupt or SGEI ever traps to HS */
	csr_write(hgeie, 0);
	/* The guest reads time/cycle/instret directly; vstimecmp needs hcounteren.TM. */
	csr_write(hcounteren, HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR);
	if (h->has_zicbom)
		envcfg |= ENVCFG_CBIE_FLUSH | ENVCFG_CBCFE;
	if (h->has_zicboz)
		envcfg |= ENVCFG_CBZE;
	if (h->has_svpbmt)
		envcfg |= ENVCFG_PBMTE;
	csr_write(henvcfg, envcfg);
	if (h->has_smstateen)
		csr_write(hstateen0, HSTATEEN0_SE0 | HSTATEEN0_ENVCFG | HSTATEEN0_CSRIND |
				     HSTATEEN0_AIA | HSTATEEN0_IMSIC);
	csr_write(htimedelta, 0);
	csr_write(stimecmp, -1ULL); /* the hypervisor uses no timer of its own */
	csr_write(hgatp, 0);
	imsic_hv_init();
}

void pcpu_send(struct pcpu *target, enum pcpu_req req)
{
	__atomic_fetch_or(&target->mailbox, 1u << req, __ATOMIC_SEQ_CST);
	imsic_send(imsic_s_file_hpa(&hv_plat.imsic, (unsigned)hv_plat.harts[target->index].imsic_index),
		   IMSIC_HV_IPI_ID);
}

bool pcpu_handle_mailbox(struct pcpu *pc)
{
	uint32_t req;
	bool stop = false;

	for (uint32_t id; (id = imsic_hv_claim()) != 0;)
		if (id == IMSIC_HV_IOMMU_ID)
			iommu_handle_irq();
	req = __atomic_exchange_n(&pc->mailbox, 0, __ATOMIC_SEQ_CST);
	if (req & (1u << REQ_VSSIP))
		csr_set(hvip, 1ULL << IRQ_VS_SOFT);
	if (req & (1u << REQ_FENCE)) {
		__asm__ volatile("fence.i" ::: "memory");
		hfence_vvma_all();
		__atomic_fetch_add(&pc->fence_ack, 1, __ATOMIC_SEQ_CST);
	}
	if (req & (1u << REQ_STOP))
		stop = true;
	return stop;
}

void vcpu_reset(struct vcpu *v, uint64_t pc_gpa, uint64_t arg)
{
	struct guest_regs *r = &v->pcpu->regs;

	memset(r, 0, sizeof(*r));
	r->x[10] = v->vhartid;
	r->x[11] = arg;
	r->sepc = pc_gpa;
	/* sret lands in VS-mode: SPP = S, SPV = 1; guest interrupts off; FPU/vector usable. */
	r->sstatus = SSTATUS_SPP | SSTATUS_FS_INITIAL |
		     (hv_plat.harts[v->pcpu->index].has_v ? SSTATUS_VS_INITIAL : 0);
	r->hstatus = HSTATUS_SPV | HSTATUS_SPVP | ((uint64_t)v->guest_file << HSTATUS_VGEIN_SHIFT) |
		     HSTATUS_VSXL_64;
}

/* Prepare this hart to run @v from its reset state: VS CSRs, guest file, G-stage. */
static void vcpu_load(struct pcpu *pc, struct vcpu *v)
{
	struct partition *p = v->part;

	csr_write(vsstatus, 0);
	csr_write(vsie, 0);
	csr_write(vstvec, 0);
	csr_write(vsscratch, 0);
	csr_write(vsepc, 0);
	csr_write(vscause, 0);
	csr_write(vstval, 0);
	csr_write(vsatp, 0);
	csr_write(vstimecmp, -1ULL);
	csr_write(hvip, 0);
	imsic_guest_file_reset(v->guest_file);
	csr_write(hgatp, p->hgatp);
	hfence_gvma_all();  /* required after hgatp changes for a VMID [Priv ISA "hfence.gvma"] */
	hfence_vvma_all();
	__asm__ volatile("fence.i" ::: "memory");
	vcpu_reset(v, v->start_pc, v->start_arg);
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

void pcpu_run(struct pcpu *pc)
{
	struct vcpu *v = pc->vcpu;

	for (;;) {
		pcpu_handle_mailbox(pc);
		if (v && v->state == VCPU_START_PENDING && vcpu_claim_start(v)) {
			vcpu_load(pc, v);
			guest_enter(pc);
		}
		/* wfi wakes on the pending S-level external interrupt even with sstatus.SIE = 0. */
		if (!__atomic_load_n(&pc->mailbox, __ATOMIC_SEQ_CST))
			__asm__ volatile("wfi");
	}
}

void vcpu_inject_exception(struct pcpu *pc, uint64_t cause, uint64_t tval)
{
	struct guest_regs *r = &pc->regs;
	uint64_t vsstatus = csr_read(vsstatus);

	/* Take the trap in VS-mode as the hardware would [Priv ISA "Trap entry"]: SPP/SPIE/SIE. */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (r->hstatus & HSTATUS_SPVP)
		vsstatus |= SSTATUS_SPP;
	if (csr_read(vsstatus) & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	csr_write(vsstatus, vsstatus);
	csr_write(vscause, cause);
	csr_write(vstval, tval);
	csr_write(vsepc, r->sepc);
	r->sepc = csr_read(vstvec) & ~3ULL;
	r->sstatus |= SSTATUS_SPP;  /* return to VS-mode (the handler runs in VS) */
	r->hstatus |= HSTATUS_SPVP;
}

void vcpu_stop_here(struct pcpu *pc)
{
	struct vcpu *v = pc->vcpu;

	console_guest_flush(v->part, &v->dbcn);
	csr_write(vstimecmp, -1ULL);
	csr_write(hvip, 0);
	csr_write(hgatp, 0);
	hfence_gvma_all();
	v->state = VCPU_STOPPED;
	pcpu_run(pc);
}

static const char *const cause_names[] = {
	[CAUSE_MISALIGNED_FETCH] = "instruction address misaligned",
	[CAUSE_FETCH_ACCESS] = "instruction access fault",
	[CAUSE_ILLEGAL_INSN] = "illegal instruction",
	[CAUSE_BREAKPOINT] = "breakpoint",
	[4] = "load address misaligned",
	[CAUSE_LOAD_ACCESS] = "load access fault",
	[6] = "store address misaligned",
	[CAUSE_STORE_ACCESS] = "store access fault",
	[CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
	[CAUSE_LOAD_PAGE_FAULT] = "load page fault",
	[CAUSE_STORE_PAGE_FAULT] = "store page fault",
	[CAUSE_FETCH_GUEST_PAGE_FAULT] = "instruction guest-page fault",
	[CAUSE_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
	[CAUSE_VIRTUAL_INSN] = "virtual instruction",
	[CAUSE_STORE_GUEST_PAGE_FAULT] = "store/AMO guest-page fault",
};

/** Name of exception cause @c, for messages. */
static const char *cause_name(uint64_t c)
{
	return c < ARRAY_SIZE(cause_names) && cause_names[c] ? cause_names[c] : "unknown";
}

/* Unhandled guest faults reported per partition boot; the rest are only counted. */
#define MAX_FAULT_REPORTS 16

/* A guest access to an unmapped guest physical address: the guest gets an access fault. */
static void handle_guest_page_fault(struct pcpu *pc, uint64_t cause)
{
	struct vcpu *v = pc->vcpu;
	uint64_t gpa_addr = (csr_read(htval) << 2) | (csr_read(stval) & 3);
	uint64_t inject = cause == CAUSE_FETCH_GUEST_PAGE_FAULT ? CAUSE_FETCH_ACCESS :
			  cause == CAUSE_LOAD_GUEST_PAGE_FAULT  ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;

	partition_count_exit(v->part, EXIT_GUEST_PAGE_FAULT);
	if (cause != CAUSE_FETCH_GUEST_PAGE_FAULT && mmio_emulate(pc, gpa_addr))
		return;
	if (__atomic_fetch_add(&v->part->fault_reports, 1, __ATOMIC_RELAXED) < MAX_FAULT_REPORTS)
		pr("partvisor: %s vcpu %u: %s at gpa 0x%llx (pc 0x%llx): injecting %s\n", v->part->cfg->name,
		   v->vhartid, cause_name(cause), (unsigned long long)gpa_addr,
		   (unsigned long long)pc->regs.sepc, cause_name(inject));
	vcpu_inject_exception(pc, inject, csr_read(stval));
}

struct pcpu *guest_trap(struct pcpu *pc);

/** Called by trap.S for every trap from the guest. Returns @pc to resume the guest. */
struct pcpu *guest_trap(struct pcpu *pc)
{
	uint64_t cause = csr_read(scause);
	struct vcpu *v = pc->vcpu;

	if (cause & CAUSE_IRQ_FLAG) {
		/* The only HS interrupt enabled is the S-level IMSIC file, which carries hart requests. */
		bool req = (cause & ~CAUSE_IRQ_FLAG) == IRQ_S_EXT;

		partition_count_exit(v->part, req ? EXIT_HV_REQUEST : EXIT_INTERRUPT);
		if (req && pcpu_handle_mailbox(pc))
			vcpu_stop_here(pc);
		return pc;
	}
	switch (cause) {
	case CAUSE_VS_ECALL:
		if (!sbi_handle_guest(pc))
			vcpu_stop_here(pc);
		break;
	case CAUSE_FETCH_GUEST_PAGE_FAULT:
	case CAUSE_LOAD_GUEST_PAGE_FAULT:
	case CAUSE_STORE_GUEST_PAGE_FAULT:
		handle_guest_page_fault(pc, cause);
		break;
	case CAUSE_VIRTUAL_INSN:
		/* An instruction VS-mode may not execute: it is illegal for the guest. */
		partition_count_exit(v->part, EXIT_VIRTUAL_INSN);
		vcpu_inject_exception(pc, CAUSE_ILLEGAL_INSN, csr_read(stval));
		break;
	default:
		/* Anything else (e.g. access faults OpenSBI redirected) goes back to the guest. */
		partition_count_exit(v->part, EXIT_OTHER);
		pr("partvisor: %s vcpu %u: %s (scause %llu) at pc 0x%llx stval 0x%llx: injected\n",
		   v->part->cfg->name, v->vhartid, cause_name(cause), (unsigned long long)cause,
		   (unsigned long long)pc->regs.sepc, (unsigned long long)csr_read(stval));
		vcpu_inject_exception(pc, cause, csr_read(stval));
		break;
	}
	if (pc->mailbox && pcpu_handle_mailbox(pc))
		vcpu_stop_here(pc);
	return pc;
}

/** Saved HS registers of a trap taken in the hypervisor itself (trap.S from_hs). */
struct hs_frame { uint64_t x[32]; };
void hs_trap(struct hs_frame *f);

/** A trap in HS-mode is a hypervisor bug: report it and stop this hart. */
void hs_trap(struct hs_frame *f)
{
	uint64_t cause = csr_read(scause);

	/* A guest memory probe that faulted (see guest_read_u16): resume at its fixup. */
	if (hv_pcpu && hv_pcpu->fixup && !(cause & CAUSE_IRQ_FLAG)) {
		csr_write(sepc, hv_pcpu->fixup);
		hv_pcpu->fixup = 0;
		return;
	}

	pr("partvisor: PANIC on hart %u: trap in HS-mode: scause 0x%llx (%s) sepc 0x%llx stval 0x%llx "
	   "htval 0x%llx ra 0x%llx sp 0x%llx\n", hv_hartid, (unsigned long long)cause,
	   cause & CAUSE_IRQ_FLAG ? "interrupt" : cause_name(cause), (unsigned long long)csr_read(sepc),
	   (unsigned long long)csr_read(stval), (unsigned long long)csr_read(htval),
	   (unsigned long long)f->x[1], (unsigned long long)f->x[2]);
	pr("partvisor: hart %u stopped\n", hv_hartid);
	for (;;)
		__asm__ volatile("wfi");
}
