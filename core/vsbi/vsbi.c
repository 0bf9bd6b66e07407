/* SPDX-License-Identifier: MIT */
/* Guest SBI: the extension table and the dispatcher [SBI binary-encoding.adoc]. See vsbi.h. */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

const struct vsbi_ext *const vsbi_exts[] = {
	&vsbi_ext_base, &vsbi_ext_time, &vsbi_ext_ipi, &vsbi_ext_rfence, &vsbi_ext_hsm, &vsbi_ext_srst,
	&vsbi_ext_dbcn, &vsbi_ext_legacy_set_timer, &vsbi_ext_legacy_putchar, &vsbi_ext_legacy_getchar,
	&vsbi_ext_legacy_shutdown, &vsbi_ext_partvisor, NULL,
};

const struct vsbi_ext *vsbi_find(unsigned long eid)
{
	for (const struct vsbi_ext *const *e = vsbi_exts; *e; e++)
		if (eid >= (*e)->eid_min && eid <= (*e)->eid_max)
			return *e;
	return NULL;
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

enum vsbi_action vsbi_handle(struct vcpu *v, struct guest_regs *r, struct vsbi_ret *out)
{
	struct vsbi_call c = { .eid = r->x[17], .fid = r->x[16],
			       .a = { r->x[10], r->x[11], r->x[12], r->x[13], r->x[14], r->x[15] } };
	struct vsbi_ret ret = { .error = SBI_ERR_NOT_SUPPORTED, .action = VSBI_RESUME };
	const struct vsbi_ext *e = vsbi_find(c.eid);

	r->sepc += 4;  /* ecall is always 4 bytes */
	if (e)
		e->handle(v, &c, &ret);
	partition_count_exit(v->part, e ? e->cause : EXIT_SBI_OTHER);
	r->x[10] = (uint64_t)ret.error;
	if (!ret.legacy)
		r->x[11] = (uint64_t)ret.value;
	if (out)
		*out = ret;
	return ret.action;
}
