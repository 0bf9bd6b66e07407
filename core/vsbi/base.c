/* SPDX-License-Identifier: MIT */
/* SBI Base extension [SBI ext-base.adoc]: versions, implementation, probe, machine ids. */
#include "arch/riscv/sbi_call.h"
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void base_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	r->error = SBI_SUCCESS;
	switch (c->fid) {
	case SBI_BASE_GET_SPEC_VERSION: r->value = PV_SBI_SPEC_VERSION; break;
	case SBI_BASE_GET_IMPL_ID: r->value = PV_SBI_IMPL_ID; break;
	case SBI_BASE_GET_IMPL_VERSION: r->value = PV_SBI_IMPL_VERSION; break;
	case SBI_BASE_PROBE_EXT: r->value = vsbi_find(c->a[0]) != NULL; break;
	case SBI_BASE_GET_MVENDORID: case SBI_BASE_GET_MARCHID: case SBI_BASE_GET_MIMPID:
		r->value = sbi_ecall(SBI_EXT_BASE, c->fid, 0, 0, 0, 0, 0, 0).value;  /* the machine's own ids */
		break;
	default: r->error = SBI_ERR_NOT_SUPPORTED; break;
	}
}

const struct vsbi_ext vsbi_ext_base = { SBI_EXT_BASE, SBI_EXT_BASE, EXIT_SBI_BASE, base_handle };
