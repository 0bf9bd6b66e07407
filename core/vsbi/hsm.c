/* SPDX-License-Identifier: MIT */
/* SBI Hart State Management extension [SBI ext-hsm.adoc] over the partition's vCPUs. */
#include "core/run.h"
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static long hsm_start(struct vcpu *v, unsigned long vhartid, unsigned long addr, unsigned long opaque)
{
	struct partition *p = v->part;
	struct vcpu *t;
	long ret = SBI_SUCCESS;

	if (vhartid >= p->nr_vcpus)
		return SBI_ERR_INVALID_PARAM;
	if (!partition_gpa_to_host(p, gpa(addr), 4))
		return SBI_ERR_INVALID_ADDRESS;
	t = &p->vcpus[vhartid];
	spin_lock(&p->lock);
	if (t->state != VCPU_STOPPED) {
		ret = SBI_ERR_ALREADY_AVAILABLE;
	} else {
		t->start_pc = gpa(addr);
		t->start_arg = opaque;
		t->state = VCPU_START_PENDING;
	}
	spin_unlock(&p->lock);
	if (ret == SBI_SUCCESS)
		pcpu_send(t->pcpu, REQ_WAKE);
	return ret;
}

static void hsm_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	struct partition *p = v->part;

	switch (c->fid) {
	case SBI_HSM_HART_START:
		r->error = hsm_start(v, c->a[0], c->a[1], c->a[2]);
		break;
	case SBI_HSM_HART_STOP:
		r->error = SBI_SUCCESS;
		r->action = VSBI_STOP_VCPU;  /* does not return to the guest */
		break;
	case SBI_HSM_HART_GET_STATUS:
		if (c->a[0] >= p->nr_vcpus) {
			r->error = SBI_ERR_INVALID_PARAM;
		} else {
			r->error = SBI_SUCCESS;
			r->value = p->vcpus[c->a[0]].state;
		}
		break;
	case SBI_HSM_HART_SUSPEND:
		/* Default retentive suspend may resume at once; non-retentive is not offered. */
		r->error = c->a[0] == SBI_HSM_SUSPEND_RET_DEFAULT ? SBI_SUCCESS :
			   c->a[0] == SBI_HSM_SUSPEND_NON_RET_DEFAULT ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM;
		break;
	}
}

const struct vsbi_ext vsbi_ext_hsm = { SBI_EXT_HSM, SBI_EXT_HSM, EXIT_SBI_HSM, hsm_handle };
