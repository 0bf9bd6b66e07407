/* SPDX-License-Identifier: MIT */
/* Guest SBI: the extension table and the dispatcher [SBI binary-encoding.adoc]. See vsbi.h. */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

const struct vsbi_ext *const vsbi_exts[] = {
	&vsbi_ext_base, &vsbi_ext_time, &vsbi_ext_ipi, &vsbi_ext_rfence, &vsbi_ext_hsm, &vsbi_ext_srst,
	&vsbi_ext_dbcn, &vsbi_ext_legacy_set_timer, &vsbi_ext_legacy_putchar, &vsbi_ext_legacy_getchar,
	&vsbi_ext_legacy_shutdown, &vsbi_ext_partvisor, NULL,
};

/*
 * Direct dispatch: the extension of EID e sits in slot VSBI_SLOT(e), a hash that
 * keeps every EID offered apart (a collision is an "initialized field overwritten"
 * error, -Werror); tests/unit/test_vsbi.c checks that the slots hold exactly the
 * extensions of vsbi_exts[]. Every extension offered has a single EID.
 */
#define VSBI_SLOTS 32
#define VSBI_SLOT(eid) ((unsigned)(((eid) ^ ((eid) >> 19)) & (VSBI_SLOTS - 1)))

static const struct vsbi_ext *const vsbi_slots[VSBI_SLOTS] = {
	[VSBI_SLOT(SBI_EXT_BASE)] = &vsbi_ext_base,
	[VSBI_SLOT(SBI_EXT_TIME)] = &vsbi_ext_time,
	[VSBI_SLOT(SBI_EXT_IPI)] = &vsbi_ext_ipi,
	[VSBI_SLOT(SBI_EXT_RFNC)] = &vsbi_ext_rfence,
	[VSBI_SLOT(SBI_EXT_HSM)] = &vsbi_ext_hsm,
	[VSBI_SLOT(SBI_EXT_SRST)] = &vsbi_ext_srst,
	[VSBI_SLOT(SBI_EXT_DBCN)] = &vsbi_ext_dbcn,
	[VSBI_SLOT(SBI_EXT_LEGACY_SET_TIMER)] = &vsbi_ext_legacy_set_timer,
	[VSBI_SLOT(SBI_EXT_LEGACY_PUTCHAR)] = &vsbi_ext_legacy_putchar,
	[VSBI_SLOT(SBI_EXT_LEGACY_GETCHAR)] = &vsbi_ext_legacy_getchar,
	[VSBI_SLOT(SBI_EXT_LEGACY_SHUTDOWN)] = &vsbi_ext_legacy_shutdown,
	[VSBI_SLOT(SBI_EXT_PARTVISOR)] = &vsbi_ext_partvisor,
};

const struct vsbi_ext *vsbi_find(unsigned long eid)
{
	const struct vsbi_ext *e = vsbi_slots[VSBI_SLOT(eid)];

	return e && eid >= e->eid_min && eid <= e->eid_max ? e : NULL;
}

bool vsbi_hart_in_mask(unsigned long mask, unsigned long base, unsigned vhartid)
{
	if (base == -1UL)
		return true;
	return vhartid >= base && vhartid - base < 64 && (mask >> (vhartid - base)) & 1;
}

bool vsbi_mask_valid(const struct partition *p, unsigned long mask, unsigned long base)
{
	if (base == -1UL)
		return true;
	if (base >= p->nr_vcpus)
		return false;
	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b) & 1 && base + b >= p->nr_vcpus)
			return false;
	return true;
}

/* The call being handled on this hart and its result (no stack copies on the exit path). */
static __thread struct {
	struct vsbi_call call;
	struct vsbi_ret ret;
} this_sbi;

const struct vsbi_ret *vsbi_handle(struct vcpu *v, struct guest_regs *r)
{
	struct vsbi_call *c = &this_sbi.call;
	struct vsbi_ret *ret = &this_sbi.ret;
	const struct vsbi_ext *e = vsbi_find(r->x[17]);

	c->eid = r->x[17];
	c->fid = r->x[16];
	c->a = &r->x[10];
	ret->error = SBI_ERR_NOT_SUPPORTED;
	ret->value = 0;
	ret->legacy = false;
	ret->action = VSBI_RESUME;
	r->sepc += 4;  /* ecall is always 4 bytes */
	partition_count_exit(v->part, e ? e->cause : EXIT_SBI_OTHER);
	if (e)
		e->handle(v, c, ret);
	r->x[10] = (uint64_t)ret->error;
	if (!ret->legacy)
		r->x[11] = (uint64_t)ret->value;
	return ret;
}
