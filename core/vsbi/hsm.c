/* SPDX-License-Identifier: MIT */
/*
 * SBI Hart State Management extension [SBI v2.0 ext-hsm.adoc] over the
 * partition's vCPUs: start, stop (the last running vCPU stopping is a partition
 * shutdown), status, and retentive / non-retentive default suspend (the wait
 * itself is done by the caller, core/exit.c -> vcpu_suspend in core/run.c).
 */
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
	pcpu_send_hold(t->pcpu);   /* its hart takes the wake-up before it enters the guest */
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
		pcpu_send_release(t->pcpu, REQ_WAKE);
	else
		pcpu_send_drop(t->pcpu);
	return ret;
}

/*
 * hart_stop of @v: STOP_PENDING under the partition lock, so of two vCPUs that
 * stop at once exactly one sees itself as the last. The last one stops the
 * whole partition instead (its devices quiesced, the machine may power off).
 */
static enum vsbi_action hsm_stop(struct vcpu *v)
{
	struct partition *p = v->part;
	bool last = true;

	spin_lock(&p->lock);
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		if (&p->vcpus[k] != v && p->vcpus[k].state != VCPU_STOPPED && p->vcpus[k].state != VCPU_STOP_PENDING)
			last = false;
	if (!last)
		v->state = VCPU_STOP_PENDING;
	spin_unlock(&p->lock);
	return last ? VSBI_SHUTDOWN : VSBI_STOP_VCPU;
}

/* hart_suspend(suspend_type, resume_addr, opaque): the type is 32 bits, the upper bits of a0 are ignored. */
static void hsm_suspend(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	uint32_t type = (uint32_t)c->a[0];

	if (type == SBI_HSM_SUSPEND_RET_DEFAULT) {
		r->error = SBI_SUCCESS;  /* what the guest sees when it resumes */
		r->action = VSBI_SUSPEND;
	} else if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT) {
		if (!partition_gpa_to_host(v->part, gpa(c->a[1]), 4)) {
			r->error = SBI_ERR_INVALID_ADDRESS;
			return;
		}
		r->error = SBI_SUCCESS;
		r->action = VSBI_SUSPEND;
		r->suspend.non_retentive = true;
		r->suspend.resume_addr = gpa(c->a[1]);
		r->suspend.opaque = c->a[2];
	} else {
		/* Reserved types and platform-specific ones (none is implemented). */
		r->error = SBI_ERR_INVALID_PARAM;
	}
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
		r->action = hsm_stop(v);  /* does not return to the guest */
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
		hsm_suspend(v, c, r);
		break;
	}
}

const struct vsbi_ext vsbi_ext_hsm = { SBI_EXT_HSM, SBI_EXT_HSM, EXIT_SBI_HSM, hsm_handle };
