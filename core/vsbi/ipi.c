/* SPDX-License-Identifier: MIT */
/* SBI IPI extension [SBI ext-ipi.adoc]: send_ipi to vCPUs of the caller's partition. */
#include "core/run.h"
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void ipi_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	struct partition *p = v->part;
	unsigned long mask = c->a[0], base = c->a[1];

	if (c->fid != 0)
		return;
	if (!vsbi_mask_valid(p, mask, base)) {
		r->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *t = &p->vcpus[k];

		if (!vsbi_hart_in_mask(mask, base, k))
			continue;
		if (t == v)
			arch_vcpu_raise_ssip();
		else if (vcpu_is_running(t))
			pcpu_send(t->pcpu, REQ_VSSIP);
	}
	r->error = SBI_SUCCESS;
}

const struct vsbi_ext vsbi_ext_ipi = { SBI_EXT_IPI, SBI_EXT_IPI, EXIT_SBI_IPI, ipi_handle };
