/* SPDX-License-Identifier: MIT */
/*
 * The RISC-V half of a physical hart: the guest register frame trap.S saves and
 * restores, the HS stack and thread pointer, per-hart CSR setup, and the vCPU
 * state operations the layer above uses (reset, load, quiesce, timer, software
 * interrupt, fences, exception injection) [Priv ISA "Hypervisor Extension"].
 * Everything that touches an H-extension CSR is in arch/riscv/.
 */
#ifndef PV_ARCH_HART_H
#define PV_ARCH_HART_H

#include "arch/riscv/csr.h"
#include "types.h"

/** Guest general-purpose registers and the CSRs saved on every exit (layout used by trap.S). */
struct guest_regs {
	uint64_t x[32];     /**< x0..x31; x[0] is unused */
	uint64_t sepc;      /**< guest pc */
	uint64_t sstatus;   /**< HS sstatus at the trap (SPP, SPIE) */
	uint64_t hstatus;   /**< hstatus at the trap (SPV, SPVP, GVA, VGEIN) */
	/**
	 * Non-zero while the exit being handled (an ecall or an interrupt) saved only
	 * what C may clobber: gp, s0-s11, sstatus and hstatus stay live in the hart, and
	 * x[3], x[8], x[9], x[18..27], sstatus and hstatus here are stale. trap_entry.S
	 * saves everything (0) for exceptions, whose handling may read or write any
	 * register (MMIO emulation) or inject an exception. Whoever rewrites the whole
	 * frame sets it to 0, so the way back restores it all.
	 */
	uint64_t partial;
};

/**
 * Per-hart state trap.S and the arch layer own. It is the first member of the
 * core's struct pcpu, so a pointer to one is a pointer to the other (trap.S
 * offsets in asm_offsets.h, checked in hart.c).
 */
struct arch_hart {
	struct guest_regs regs;     /**< saved guest registers while in HS */
	uint64_t stack_top;         /**< HS stack (offset used by trap.S) */
	uint64_t tp;                /**< HS thread pointer (picolibc TLS) */
	uint64_t fixup;             /**< if non-zero, an HS trap resumes here (guest memory probes) */
};

/** Physical hart id of the running hart (per-hart TLS, valid from early_init on). */
extern __thread uint32_t hv_hartid;
/** The running hart's arch state (per-hart TLS; NULL on the boot hart until its pcpu runs). */
extern __thread struct arch_hart *arch_this_hart;

/** What the boot hart read at its first instructions in partvisor (_start, arch/riscv/entry.S). */
struct arch_boot_stamp {
	uint64_t time;      /**< time CSR (platform timebase ticks since reset) */
	uint64_t instret;   /**< instret CSR of the boot hart */
};
/** The boot hart's entry stamp: the "hypervisor entry" milestone. */
extern struct arch_boot_stamp arch_boot_stamp;

/** ISA features of a hart that decide its CSR setup (from the host device tree). */
struct arch_hart_features {
	bool zicbom;      /**< henvcfg.CBIE/CBCFE */
	bool zicboz;      /**< henvcfg.CBZE */
	bool svpbmt;      /**< henvcfg.PBMTE */
	bool smstateen;   /**< hstateen0 exists */
	bool v;           /**< V extension: guest vector state is reset at every vCPU load */
};

/**
 * Per-hart CSR setup [Priv ISA "hedeleg", "hideleg", "henvcfg", "hcounteren";
 * Smstateen]: trap delegation to VS-mode, no VS interrupt trapping to HS,
 * counters and Sstc for the guest, stateen access to AIA/IMSIC CSRs, no HS timer,
 * hgatp Bare. The S-level IMSIC file is set up by its driver.
 */
void arch_hart_init(const struct arch_hart_features *f);

/** Make @h the running hart's arch state (after its stack and TLS are live). */
void arch_hart_set_current(struct arch_hart *h);

/** The time CSR (ticks of the platform timebase). Inline in the firmware; host tests fake it. */
#ifdef PV_HOST_TEST
uint64_t arch_time(void);
#else
static inline uint64_t arch_time(void)
{
	return csr_read(time);
}
#endif

/** @ticks of a @hz timebase in nanoseconds (no overflow for ticks < 2^64 / 10^9 * hz). */
static inline uint64_t arch_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

/**
 * The hypervisor's own timer (stimecmp, Sstc): an S-level timer interrupt at
 * time @when (ticks), which wakes wfi and traps from a running guest; -1 = none.
 */
void arch_hv_timer_set(uint64_t when);

/** Wait for an interrupt (wfi; wakes on a pending S-level external interrupt even with SIE = 0). */
void arch_wait_for_interrupt(void);

/** Copy the TLS template (.tdata, zeroed .tbss) into @block of HV_TLS_SIZE bytes, to be used as a hart's tp. */
void tls_init_block(uint8_t *block);
/** Bytes of TLS every hart gets. */
#define HV_TLS_SIZE 256

/* ---- vCPU state on this hart ---- */

/**
 * Reset @r to enter VS-mode at guest address @pc with a0 = @a0, a1 = @a1, guest
 * interrupt file @guest_file (hstatus.VGEIN), VSXL = 64, FPU (and vector if
 * @has_v) usable, guest interrupts off; every other register 0. The whole frame
 * is then current (@r->partial = 0): the way back into the guest restores it all,
 * also at the end of an exit that had saved only part of it.
 */
void arch_vcpu_regs_reset(struct guest_regs *r, uint64_t pc, uint64_t a0, uint64_t a1, unsigned guest_file,
			  bool has_v);

/**
 * The G-stage modes this hart implements, found by writing hgatp and reading it
 * back (MODE is WARL: an unsupported value leaves the previous one) [Priv ISA
 * "hgatp"]: bit HGATP_MODE_SV39X4 / bit HGATP_MODE_SV48X4 of the result.
 * Leaves hgatp Bare.
 */
uint32_t arch_probe_gstage_modes(void);

/**
 * Load a vCPU from its reset state onto this hart: FP/vector registers zeroed,
 * the CSRs VS-mode shares with HS (senvcfg and sstateen0 cleared, scounteren =
 * CY|TM|IR as firmware hands S-mode over) and the AIA
 * injection controls (hvictl, hviprio1/2) cleared where they exist, VS-level
 * CSRs cleared, vstimecmp off, no injected interrupt, hgatp = @hgatp, then the
 * fences a new VMID needs (hfence.gvma, hfence.vvma, fence.i). Returns false,
 * with hgatp back to Bare, if this hart did not take @hgatp's mode (the vCPU must
 * not run: its G-stage would be Bare).
 */
bool arch_vcpu_load(uint64_t hgatp);

/**
 * Quiesce the vCPU of this hart (stop, reboot): vstimecmp off, no injected
 * interrupt, hgatp Bare and hfence.gvma, so nothing of the guest stays live here.
 */
void arch_vcpu_quiesce(void);

/** Program the guest's timer: vstimecmp = @when (time ticks; -1 = never) [Sstc]. */
void arch_vcpu_set_timer(uint64_t when);

/** Raise the guest's supervisor software interrupt (hvip.VSSIP), as an SBI IPI does. */
void arch_vcpu_raise_ssip(void);

/**
 * Whether an interrupt the guest has enabled in vsie is pending in vsip (timer,
 * software, or its guest interrupt file): what ends an HSM suspend, like wfi.
 */
bool arch_vcpu_irq_pending(void);

/**
 * Wait on this hart for a guest interrupt (arch_vcpu_irq_pending) or a
 * hypervisor interrupt (wfi: the guest's vsie is hie's VS bits, so what it
 * enabled wakes the hart; delegated VS interrupts are never taken in HS-mode).
 */
void arch_vcpu_wait_irq(void);

/** Guest state on resume from a non-retentive suspend [SBI ext-hsm]: vsatp = 0, vsstatus.SIE = 0. */
void arch_vcpu_resume_nonretentive(void);

/** Flush this hart's VS-stage TLB for the current VMID and its instruction cache (remote fences). */
void arch_vcpu_local_fence(void);

/**
 * Make the guest take exception @cause with @tval in VS-mode as the hardware would
 * [Priv ISA "Trap entry"]: vsepc = @r->sepc, vscause, vstval, vsstatus SPP/SPIE/SIE,
 * and @r resumes at vstvec (direct mode) in VS-mode. With a partial frame
 * (@r->partial non-zero) the live sstatus and hstatus are read and written instead of
 * @r's.
 */
void arch_inject_exception(struct guest_regs *r, uint64_t cause, uint64_t tval);

/**
 * Read 16 bits of guest memory at guest virtual address @gva with the guest's
 * translation and execute permission (HLVX.HU); a fault resumes at a fixup and
 * leaves sstatus and hstatus as they were (the exit being handled returns with
 * them). Returns 0, or -PV_EINVAL if the access faulted.
 */
int arch_guest_read_u16(uint64_t gva, uint16_t *out);

#endif
