/* SPDX-License-Identifier: MIT */
/* SBI Timer extension [SBI ext-time.adoc]: set_timer programs the guest's own vstimecmp (Sstc). */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void time_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	if (c->fid == 0) {
		arch_vcpu_set_timer(c->a[0]);
		r->error = SBI_SUCCESS;
	}
}

const struct vsbi_ext vsbi_ext_time = { SBI_EXT_TIME, SBI_EXT_TIME, EXIT_SBI_TIME, time_handle };
