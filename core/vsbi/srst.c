/* SPDX-License-Identifier: MIT */
/* SBI System Reset extension [SBI ext-sys-reset.adoc]: resets only the calling partition. */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void srst_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	if (c->fid != SBI_SRST_RESET)
		return;
	/* reset_type and reset_reason are 32 bits: the upper bits of a0/a1 are ignored. */
	uint32_t type = (uint32_t)c->a[0], reason = (uint32_t)c->a[1];

	if (type >= SBI_SRST_TYPE_VENDOR) {
		r->error = SBI_ERR_NOT_SUPPORTED;  /* vendor or platform specific: none is implemented */
		return;
	}
	if (type > SBI_SRST_TYPE_WARM || (reason > SBI_SRST_REASON_FAILURE && reason < SBI_SRST_REASON_VENDOR)) {
		r->error = SBI_ERR_INVALID_PARAM;  /* reserved type or reason */
		return;
	}
	r->error = SBI_SUCCESS;
	r->action = type == SBI_SRST_TYPE_SHUTDOWN ? VSBI_SHUTDOWN : VSBI_REBOOT;
}

const struct vsbi_ext vsbi_ext_srst = { SBI_EXT_SRST, SBI_EXT_SRST, EXIT_SBI_SRST, srst_handle };
