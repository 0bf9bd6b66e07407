/* SPDX-License-Identifier: MIT */
/*
 * The SBI partvisor offers its guests [SBI spec v2.0]: one table of extensions,
 * each {extension id range, exit counter, handler} in a file of its own
 * (base.c, time.c, ipi.c, rfence.c, hsm.c, srst.c, dbcn.c, legacy.c,
 * partvisor.c). Hart ids a guest passes are its own vCPU ids (0..nr_vcpus-1);
 * nothing a guest asks for reaches a hart of another partition.
 * Naming rule: vsbi_* is what guests get; sbi_* (arch/riscv/sbi_call.h) calls
 * down into the firmware.
 */
#ifndef PV_VSBI_H
#define PV_VSBI_H

#include "core/model.h"
#include "sbi.h"

/** What the caller must do after a call, besides returning a0/a1 to the guest. */
enum vsbi_action {
	VSBI_RESUME,          /**< return to the guest */
	VSBI_STOP_VCPU,       /**< HSM hart_stop (or a stop request arrived while waiting): stop this vCPU */
	VSBI_SHUTDOWN,        /**< SRST shutdown / legacy shutdown: stop the partition */
	VSBI_REBOOT,          /**< SRST cold/warm reboot: restart the partition from its images */
	VSBI_SUSPEND,         /**< HSM hart_suspend: wait for an interrupt (see struct vsbi_ret.suspend) */
};

/** One SBI call as the guest made it: a7 = eid, a6 = fid, a0..a5. */
struct vsbi_call {
	unsigned long eid, fid;
	const uint64_t *a;    /**< a[0..5]: the guest's a0..a5 (in its register frame, not copied) */
};

/** The result of a call: a0 = error, a1 = value (left alone for legacy calls), and the action. */
struct vsbi_ret {
	long error;
	long value;
	bool legacy;          /**< legacy extension: only a0 is written */
	enum vsbi_action action;
	struct {
		bool non_retentive;   /**< resume at @resume_addr instead of after the ecall */
		gpa_t resume_addr;
		uint64_t opaque;      /**< a1 on a non-retentive resume */
	} suspend;                    /**< VSBI_SUSPEND only */
};

/** One SBI extension: the ids it answers, the exit counter it feeds, and its handler. */
struct vsbi_ext {
	unsigned long eid_min, eid_max;      /**< inclusive */
	enum exit_cause cause;               /**< counted once per call */
	/** Handle call @c from vCPU @v; @r arrives as {SBI_ERR_NOT_SUPPORTED, 0, false, VSBI_RESUME}. */
	void (*handle)(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r);
};

/** Every extension offered (vsbi.c), ordered by nothing in particular, terminated by NULL. */
extern const struct vsbi_ext *const vsbi_exts[];

/*
 * Direct dispatch: the extension of EID e sits in vsbi_slots[VSBI_SLOT(e)], a hash
 * that keeps every EID offered apart (vsbi.c; two in one slot do not compile);
 * tests/unit/test_vsbi.c checks that the slots hold exactly the extensions of
 * vsbi_exts[]. Every extension offered has a single EID.
 */
#define VSBI_SLOTS 32
#define VSBI_SLOT(eid) ((unsigned)(((eid) ^ ((eid) >> 19)) & (VSBI_SLOTS - 1)))
/** The extensions by slot (NULL: no extension hashes there). */
extern const struct vsbi_ext *const vsbi_slots[VSBI_SLOTS];

/**
 * The extension that answers @eid, or NULL (probe_extension reports it as absent):
 * one slot of vsbi_slots[], then a range check (no search).
 */
static inline const struct vsbi_ext *vsbi_find(unsigned long eid)
{
	const struct vsbi_ext *e = vsbi_slots[VSBI_SLOT(eid)];

	return e && eid >= e->eid_min && eid <= e->eid_max ? e : NULL;
}

/** One call being handled and its result. */
struct vsbi_frame {
	struct vsbi_call call;
	struct vsbi_ret ret;
};

/** The call being handled on this hart (vsbi.c): no stack copies on the exit path. */
extern __thread struct vsbi_frame vsbi_this_call;

/**
 * Handle the ecall of vCPU @v whose registers are @r (only a0-a7 and sepc are
 * used: see struct guest_regs.partial): dispatch on a7/a6, count the exit, write
 * a0 (and a1 unless legacy), advance sepc past the ecall. Returns the result:
 * the action the caller must carry out and, for VSBI_SUSPEND, its parameters.
 * It is this hart's, valid until its next call (never NULL). Inline, so that
 * the exit path (core/exit.c) has a single C frame.
 */
static inline const struct vsbi_ret *vsbi_handle(struct vcpu *v, struct guest_regs *r)
{
	struct vsbi_call *c = &vsbi_this_call.call;
	struct vsbi_ret *ret = &vsbi_this_call.ret;
	const struct vsbi_ext *e = vsbi_find(r->x[17]);

	c->eid = r->x[17];
	c->fid = r->x[16];
	c->a = &r->x[10];
	*ret = (struct vsbi_ret){ .error = SBI_ERR_NOT_SUPPORTED, .action = VSBI_RESUME };  /* nothing of the last call */
	r->sepc += 4;  /* ecall is always 4 bytes */
	partition_count_exit(v->part, e ? e->cause : EXIT_SBI_OTHER);
	if (e)
		e->handle(v, c, ret);
	r->x[10] = (uint64_t)ret->error;
	if (!ret->legacy)
		r->x[11] = (uint64_t)ret->value;
	return ret;
}

/* The extensions. */
extern const struct vsbi_ext vsbi_ext_base, vsbi_ext_time, vsbi_ext_ipi, vsbi_ext_rfence, vsbi_ext_hsm,
	vsbi_ext_srst, vsbi_ext_dbcn, vsbi_ext_legacy_set_timer, vsbi_ext_legacy_putchar,
	vsbi_ext_legacy_getchar, vsbi_ext_legacy_shutdown, vsbi_ext_partvisor;

/* ---- helpers shared by the extensions ---- */

/** Whether vCPU @vhartid falls into hart mask (@mask, @base); base == -1 means every hart [SBI "Hart list"]. */
bool vsbi_hart_in_mask(unsigned long mask, unsigned long base, unsigned vhartid);

/** Whether every hart named by (@mask, @base) is a vCPU of @p. */
bool vsbi_mask_valid(const struct partition *p, unsigned long mask, unsigned long base);

#endif
