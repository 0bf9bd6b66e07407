/* SPDX-License-Identifier: MIT */
/* Fake run loop for host unit tests: pcpu_send and the mailbox record into `fake` (fakes.h). */
#include "core/run.h"
#include "fakes.h"

struct pcpu hv_pcpus[PV_MAX_HARTS];

void pcpu_send(struct pcpu *target, enum pcpu_req req)
{
	if (target->index < 8 && req < 4)
		fake.sent[target->index][req]++;
	if (req == REQ_FENCE && fake.ack_fences)
		__atomic_fetch_add(&target->fence_ack, 1, __ATOMIC_SEQ_CST);
}

bool pcpu_handle_mailbox(struct pcpu *pc)
{
	fake.mailbox_polls++;
	pc->mailbox = 0;
	return fake.stop_on_poll;
}

void pcpu_send_hold(struct pcpu *target)
{
	target->senders++;
}

void pcpu_send_release(struct pcpu *target, enum pcpu_req req)
{
	pcpu_send(target, req);
	target->senders--;
}

void pcpu_send_drop(struct pcpu *target)
{
	target->senders--;
}
