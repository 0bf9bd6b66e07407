/* SPDX-License-Identifier: MIT */
/*
 * Per-hart H-extension CSR setup and the vCPU state operations on this hart
 * [Priv ISA "Hypervisor Extension"; Sstc; Smstateen; AIA].
 */
#include <stddef.h>
#include <string.h>

#include "arch/riscv/asm_offsets.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/gstage.h"
#include "arch/riscv/hart.h"
#include "bits.h"

_Static_assert(offsetof(struct arch_hart, regs) == 0, "trap.S: regs first");
_Static_assert(offsetof(struct guest_regs, sepc) == REGS_SEPC_OFF, "trap.S offset");
_Static_assert(offsetof(struct guest_regs, sstatus) == REGS_SSTATUS_OFF, "trap.S offset");
_Static_assert(offsetof(struct guest_regs, hstatus) == REGS_HSTATUS_OFF, "trap.S offset");
_Static_assert(offsetof(struct guest_regs, partial) == REGS_PARTIAL_OFF, "trap.S offset");
_Static_assert(offsetof(struct arch_hart, stack_top) == PCPU_STACK_TOP_OFF, "trap.S offset");
_Static_assert(offsetof(struct arch_hart, tp) == PCPU_TP_OFF, "trap.S offset");

__thread struct arch_hart *arch_this_hart;

/* Optional CSRs this hart has, probed once by arch_hart_init (writing one it lacks would trap). */
static __thread bool has_senvcfg, has_sstateen0, has_hvictl, hart_has_v;

/*
 * Exceptions the guest handles itself (hedeleg) [Priv ISA "hedeleg"]: misaligned
 * accesses, access faults, illegal instructions, breakpoints, ecalls from VU and
 * VS-stage page faults go straight to VS-mode (OpenSBI also redirects those it
 * takes from a guest there when hedeleg has them), so a guest can cause neither
 * an exit nor a message with them. Guest-page faults (MMIO emulation), virtual
 * instructions and VS ecalls (SBI) come to the hypervisor.
 */
#define HEDELEG_GUEST ((1ULL << CAUSE_MISALIGNED_FETCH) | (1ULL << CAUSE_FETCH_ACCESS) | \
		       (1ULL << CAUSE_ILLEGAL_INSN) | (1ULL << CAUSE_BREAKPOINT) | \
		       (1ULL << CAUSE_MISALIGNED_LOAD) | (1ULL << CAUSE_LOAD_ACCESS) | \
		       (1ULL << CAUSE_MISALIGNED_STORE) | (1ULL << CAUSE_STORE_ACCESS) | \
		       (1ULL << CAUSE_USER_ECALL) | (1ULL << CAUSE_FETCH_PAGE_FAULT) | \
		       (1ULL << CAUSE_LOAD_PAGE_FAULT) | (1ULL << CAUSE_STORE_PAGE_FAULT))
/* VS-level software, timer and external interrupts go straight to the guest (hideleg). */
#define HIDELEG_GUEST ((1ULL << IRQ_VS_SOFT) | (1ULL << IRQ_VS_TIMER) | (1ULL << IRQ_VS_EXT))

/*
 * Write 0 to CSR @csr, or find that it does not exist: a trap while doing so
 * resumes at the fixup (hs_trap). Returns whether the write happened.
 */
#define CSR_PROBE_ZERO(csr) ({ \
	uint64_t err_, fix_; \
	__asm__ volatile("lla	%[fix], 1f\n" \
			 "sd	%[fix], %[slot]\n" \
			 "csrw	" #csr ", zero\n" \
			 "li	%[err], 0\n" \
			 "j	2f\n" \
			 "1:	li	%[err], 1\n" \
			 "2:	sd	zero, %[slot]\n" \
			 : [err] "=&r"(err_), [fix] "=&r"(fix_), [slot] "=m"(arch_this_hart->fixup) :: "memory"); \
	err_ == 0; })

void arch_hart_init(const struct arch_hart_features *f)
{
	uint64_t envcfg = ENVCFG_STCE;

	hart_has_v = f->v;
	has_senvcfg = CSR_PROBE_ZERO(senvcfg);
	has_sstateen0 = f->smstateen && CSR_PROBE_ZERO(sstateen0);
	has_hvictl = CSR_PROBE_ZERO(hvictl);

	csr_write(hedeleg, HEDELEG_GUEST);
	csr_write(hideleg, HIDELEG_GUEST);
	csr_write(hvip, 0);
	csr_write(hie, 0);        /* no SGEI; the VS bits are the guest's vsie (reset here) */
	csr_write(hgeie, 0);
	/* The guest reads time/cycle/instret directly; vstimecmp needs hcounteren.TM. */
	csr_write(hcounteren, HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR);
	if (f->zicbom)
		envcfg |= ENVCFG_CBIE_FLUSH | ENVCFG_CBCFE;
	if (f->zicboz)
		envcfg |= ENVCFG_CBZE;
	if (f->svpbmt)
		envcfg |= ENVCFG_PBMTE;
	csr_write(henvcfg, envcfg);
	if (f->smstateen)
		csr_write(hstateen0, HSTATEEN0_SE0 | HSTATEEN0_ENVCFG | HSTATEEN0_CSRIND |
				     HSTATEEN0_AIA | HSTATEEN0_IMSIC);
	csr_write(htimedelta, 0);
	csr_write(stimecmp, -1ULL); /* the hypervisor uses no timer of its own */
	csr_write(hgatp, 0);
}

void arch_hart_set_current(struct arch_hart *h)
{
	arch_this_hart = h;
}


void arch_hv_timer_set(uint64_t when)
{
	csr_write(stimecmp, when);
	if (when == -1ULL)
		csr_clear(sie, 1ULL << IRQ_S_TIMER);
	else
		csr_set(sie, 1ULL << IRQ_S_TIMER);
}

void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi");
}

void arch_vcpu_regs_reset(struct guest_regs *r, uint64_t pc, uint64_t a0, uint64_t a1, unsigned guest_file,
			  bool has_v)
{
	memset(r, 0, sizeof(*r));   /* partial = 0: the way back restores every register */
	r->x[10] = a0;
	r->x[11] = a1;
	r->sepc = pc;
	/* sret lands in VS-mode: SPP = S, SPV = 1; guest interrupts off; FPU/vector usable. */
	r->sstatus = SSTATUS_SPP | SSTATUS_FS_INITIAL | (has_v ? SSTATUS_VS_INITIAL : 0);
	r->hstatus = HSTATUS_SPV | HSTATUS_SPVP | ((uint64_t)guest_file << HSTATUS_VGEIN_SHIFT) | HSTATUS_VSXL_64;
}

/* Zero the FP (and vector) registers and their status, so no value of a previous guest survives. */
static void fp_vector_reset(void)
{
	uint64_t sstatus = csr_read(sstatus);

	csr_set(sstatus, SSTATUS_FS_INITIAL);
	__asm__ volatile(
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"fmv.d.x f\\n, zero\n"
		".endr\n"
		"csrw fcsr, zero" ::: "memory");
	if (hart_has_v) {
		csr_set(sstatus, SSTATUS_VS_INITIAL);
		__asm__ volatile(
			".option push\n.option arch,+v\n"
			"vsetvli t0, zero, e8, m8, ta, ma\n"
			"vmv.v.i v0, 0\nvmv.v.i v8, 0\nvmv.v.i v16, 0\nvmv.v.i v24, 0\n"
			"vsetvli t0, zero, e8, m1, ta, ma\n"
			"csrw vxrm, zero\ncsrw vxsat, zero\n"
			".option pop" ::: "t0", "memory");
	}
	csr_write(sstatus, sstatus);
}

uint32_t arch_probe_gstage_modes(void)
{
	static const uint64_t modes[] = { HGATP_MODE_SV39X4, HGATP_MODE_SV48X4 };
	uint32_t found = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
		csr_write(hgatp, FIELD_PREP(HGATP_MODE, modes[i]));
		if (FIELD_GET(HGATP_MODE, csr_read(hgatp)) == modes[i])
			found |= 1u << modes[i];
		csr_write(hgatp, 0);
	}
	hfence_gvma_all();
	return found;
}

bool arch_vcpu_load(uint64_t hgatp)
{
	/* State that VS-mode shares with HS (not banked) or that a previous guest left. */
	fp_vector_reset();
	if (has_senvcfg)
		csr_write(senvcfg, 0);
	/* As an SBI implementation hands S-mode over (OpenSBI): U-mode may read cycle, time, instret. */
	csr_write(scounteren, HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR);
	if (has_sstateen0)
		csr_write(sstateen0, 0);
	if (has_hvictl) {
		csr_write(hvictl, 0);
		csr_write(hviprio1, 0);
		csr_write(hviprio2, 0);
	}
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
	csr_write(hgatp, hgatp);
	if (FIELD_GET(HGATP_MODE, csr_read(hgatp)) != FIELD_GET(HGATP_MODE, hgatp) ||
	    FIELD_GET(HGATP_PPN, csr_read(hgatp)) != FIELD_GET(HGATP_PPN, hgatp)) {
		csr_write(hgatp, 0);  /* the mode did not take: never run a guest with a Bare G-stage */
		hfence_gvma_all();
		return false;
	}
	hfence_gvma_all();  /* required after hgatp changes for a VMID [Priv ISA "hfence.gvma"] */
	hfence_vvma_all();
	__asm__ volatile("fence.i" ::: "memory");
	return true;
}

void arch_vcpu_quiesce(void)
{
	csr_write(vstimecmp, -1ULL);
	csr_write(hvip, 0);
	csr_write(hgatp, 0);
	hfence_gvma_all();
}

bool arch_vcpu_irq_pending(void)
{
	return (csr_read(vsip) & csr_read(vsie)) != 0;
}

void arch_vcpu_wait_irq(void)
{
	/*
	 * The guest's vsie is hie's VS bits (hideleg delegates them), so wfi here wakes on
	 * the interrupts the guest enabled; delegated, they are never taken in HS-mode.
	 */
	if (!arch_vcpu_irq_pending())
		__asm__ volatile("wfi");
}

void arch_vcpu_resume_nonretentive(void)
{
	csr_write(vsatp, 0);
	csr_clear(vsstatus, SSTATUS_SIE);
	hfence_vvma_all();
}

void arch_vcpu_set_timer(uint64_t when)
{
	csr_write(vstimecmp, when);
}

void arch_vcpu_raise_ssip(void)
{
	csr_set(hvip, 1ULL << IRQ_VS_SOFT);
}

void arch_vcpu_local_fence(void)
{
	__asm__ volatile("fence.i" ::: "memory");
	hfence_vvma_all();
}

void arch_inject_exception(struct guest_regs *r, uint64_t cause, uint64_t tval)
{
	uint64_t old = csr_read(vsstatus), vsstatus = old;
	/* A partial frame (struct guest_regs.partial): sstatus and hstatus are the live ones. */
	uint64_t hstatus = r->partial ? csr_read(hstatus) : r->hstatus;

	/* Take the trap in VS-mode as the hardware would [Priv ISA "Trap entry"]: SPP/SPIE/SIE. */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (hstatus & HSTATUS_SPVP)
		vsstatus |= SSTATUS_SPP;
	if (old & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	csr_write(vsstatus, vsstatus);
	csr_write(vscause, cause);
	csr_write(vstval, tval);
	csr_write(vsepc, r->sepc);
	r->sepc = csr_read(vstvec) & ~3ULL;
	/* return to VS-mode (the handler runs in VS) */
	if (r->partial) {
		csr_set(sstatus, SSTATUS_SPP);
		csr_set(hstatus, HSTATUS_SPVP);
	} else {
		r->sstatus |= SSTATUS_SPP;
		r->hstatus |= HSTATUS_SPVP;
	}
}

int arch_guest_read_u16(uint64_t gva, uint16_t *out)
{
	/* A fault traps to HS again, which rewrites sstatus.SPP/SPIE and hstatus.SPV/GVA: put them back. */
	uint64_t val = 0, err, fix, sstatus = csr_read(sstatus), hstatus = csr_read(hstatus);

	__asm__ volatile(
		"lla	%[fix], 1f\n"
		"sd	%[fix], %[slot]\n"
		".option push\n.option arch,+h\n"
		"hlvx.hu %[val], (%[a])\n"
		".option pop\n"
		"li	%[err], 0\n"
		"j	2f\n"
		"1:	li	%[err], 1\n"
		"2:	sd	zero, %[slot]\n"
		: [val] "+&r"(val), [err] "=&r"(err), [fix] "=&r"(fix), [slot] "=m"(arch_this_hart->fixup)
		: [a] "r"(gva)
		: "memory");
	if (err) {
		csr_write(sstatus, sstatus);
		csr_write(hstatus, hstatus);
	}
	*out = (uint16_t)val;
	return err ? -PV_EINVAL : 0;
}
