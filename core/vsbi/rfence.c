/* SPDX-License-Identifier: MIT */
/*
 * SBI RFENCE extension [SBI ext-rfence.adoc]: remote fence.i / sfence.vma. Each
 * target hart flushes its VS-stage TLB for the partition's VMID and its
 * instruction cache; the caller waits for every acknowledgement.
 */
#include "core/run.h"
#include "core/vsbi/vsbi.h"
#include "sbi.h"

/*
 * Wait until @target acknowledged a REQ_FENCE (its ack count passed @want).
 * Serves requests aimed at this hart meanwhile; returns false if this vCPU must stop.
 */
static bool wait_fence_ack(struct pcpu *self, struct pcpu *target, uint32_t want)
{
	while ((int32_t)(__atomic_load_n(&target->fence_ack, __ATOMIC_SEQ_CST) - want) < 0) {
		if (!vcpu_is_running(target->vcpu))
			return true; /* it no longer runs the guest: nothing stale to flush there */
		if (self->mailbox && pcpu_handle_mailbox(self))
			return false;
	}
	return true;
}

static void rfence_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	struct partition *p = v->part;
	unsigned long mask = c->a[0], base = c->a[1];
	uint32_t want[PV_MAX_VCPUS];
	bool wait[PV_MAX_VCPUS] = { false };

	if (c->fid > SBI_RFNC_SFENCE_VMA_ASID)
		return; /* hfence.* need H in the caller, which guests do not have: NOT_SUPPORTED */
	if (!vsbi_mask_valid(p, mask, base)) {
		r->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *t = &p->vcpus[k];

		if (!vsbi_hart_in_mask(mask, base, k))
			continue;
		if (t == v) {
			arch_vcpu_local_fence();
		} else if (vcpu_is_running(t)) {
			want[k] = __atomic_load_n(&t->pcpu->fence_ack, __ATOMIC_SEQ_CST) + 1;  /* may wrap to 0 */
			wait[k] = true;
			pcpu_send(t->pcpu, REQ_FENCE);
		}
	}
	r->error = SBI_SUCCESS;
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		if (wait[k] && !wait_fence_ack(v->pcpu, p->vcpus[k].pcpu, want[k])) {
			r->action = VSBI_STOP_VCPU;
			break;
		}
}

const struct vsbi_ext vsbi_ext_rfence = { SBI_EXT_RFNC, SBI_EXT_RFNC, EXIT_SBI_RFENCE, rfence_handle };
