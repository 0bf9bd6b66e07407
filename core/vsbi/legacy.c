/* SPDX-License-Identifier: MIT */
/*
 * SBI v0.1 legacy extensions [SBI ext-legacy.adoc]: set_timer, console_putchar,
 * console_getchar, shutdown. They return only a0.
 */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

static void legacy_handle(struct vcpu *v, const struct vsbi_call *c, struct vsbi_ret *r)
{
	r->legacy = true;
	switch (c->eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		arch_vcpu_set_timer(c->a[0]);
		r->error = 0;
		break;
	case SBI_EXT_LEGACY_PUTCHAR: {
		char ch = (char)c->a[0];

		console_write_all(&v->dbcn, &ch, 1);
		r->error = 0;
		break;
	}
	case SBI_EXT_LEGACY_GETCHAR:
		r->error = console_getc(&v->part->con);  /* -1 when there is no input */
		break;
	case SBI_EXT_LEGACY_SHUTDOWN:
		r->error = 0;
		r->action = VSBI_SHUTDOWN;
		break;
	}
}

/* One entry per legacy extension: 0x3..0x7 (v0.1 IPIs and remote fences) are not offered. */
const struct vsbi_ext vsbi_ext_legacy_set_timer = { SBI_EXT_LEGACY_SET_TIMER, SBI_EXT_LEGACY_SET_TIMER,
						    EXIT_SBI_LEGACY, legacy_handle };
const struct vsbi_ext vsbi_ext_legacy_putchar = { SBI_EXT_LEGACY_PUTCHAR, SBI_EXT_LEGACY_PUTCHAR, EXIT_SBI_LEGACY,
						  legacy_handle };
const struct vsbi_ext vsbi_ext_legacy_getchar = { SBI_EXT_LEGACY_GETCHAR, SBI_EXT_LEGACY_GETCHAR, EXIT_SBI_LEGACY,
						  legacy_handle };
const struct vsbi_ext vsbi_ext_legacy_shutdown = { SBI_EXT_LEGACY_SHUTDOWN, SBI_EXT_LEGACY_SHUTDOWN,
						   EXIT_SBI_LEGACY, legacy_handle };
