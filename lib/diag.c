/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"

int diag_set(struct pv_diag *d, int err, const char *node, const char *prop, const char *fmt, ...)
{
	if (d) {
		va_list ap;

		snprintf(d->node, sizeof(d->node), "%s", node ? node : "");
		snprintf(d->prop, sizeof(d->prop), "%s", prop ? prop : "");
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return -err;
}
