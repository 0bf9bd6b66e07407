/* SPDX-License-Identifier: MIT */
/* SBI System Reset extension [SBI ext-sys-reset.adoc]: resets only the calling partition. */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void srst_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	if (c->fid != SBI_SRST_RESET)
		return;
	if (c->a[0] > SBI_SRST_TYPE_WARM || c->a[1] > SBI_SRST_REASON_FAILURE) {
		r->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	r->error = SBI_SUCCESS;
	r->action = c->a[0] == SBI_SRST_TYPE_SHUTDOWN ? VSBI_SHUTDOWN : VSBI_REBOOT;
}

const struct vsbi_ext vsbi_ext_srst = { SBI_EXT_SRST, SBI_EXT_SRST, EXIT_SBI_SRST, srst_handle };
