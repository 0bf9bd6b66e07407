/* SPDX-License-Identifier: MIT */
/*
 * partvisor's own hypercalls (SBI_EXT_PARTVISOR, SBI experimental range):
 * FID 0 MSI_COMPOSE(a0 = vCPU, a1 = identity) -> a1 = the MSI address (guest
 * physical) of that vCPU's interrupt file; the MSI data is the identity.
 */
#include "core/guest_layout.h"
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void partvisor_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	const struct partition *p = v->part;
	unsigned long vcpu = c->a[0], id = c->a[1];

	if (c->fid != SBI_PARTVISOR_MSI_COMPOSE)
		return;
	if (vcpu >= p->nr_vcpus || id == 0 || id > p->guest_ids) {
		r->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	r->error = SBI_SUCCESS;
	r->value = (long)(GUEST_IMSIC_GPA + vcpu * PAGE_SIZE);
}

const struct vsbi_ext vsbi_ext_partvisor = { SBI_EXT_PARTVISOR, SBI_EXT_PARTVISOR, EXIT_SBI_OTHER,
					     partvisor_handle };
