/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"

int diag_vset(struct pv_diag *d, int err, const char *node, const char *prop, const char *fmt, va_list ap)
{
	if (d) {
		snprintf(d->node, sizeof(d->node), "%s", node ? node : "");
		snprintf(d->prop, sizeof(d->prop), "%s", prop ? prop : "");
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	}
	return -err;
}

int diag_set(struct pv_diag *d, int err, const char *node, const char *prop, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_vset(d, err, node, prop, fmt, ap);
	va_end(ap);
	return rc;
}

size_t diag_escape(char *out, size_t cap, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch >= 0x20 && ch < 0x7f) {
			if (n + 1 >= cap)
				break;
			out[n++] = (char)ch;
		} else {
			if (n + 4 >= cap)
				break;
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	out[n] = '\0';
	return n;
}

void diag_format(const struct pv_diag *d, char *out, size_t cap)
{
	const char *parts[3] = { d->node, d->prop, d->msg };
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < 3; i++) {
		if (!parts[i][0])
			continue;
		if (n && n + 2 < cap) {
			memcpy(out + n, ": ", 3);
			n += 2;
		}
		if (n + 1 < cap)
			n += diag_escape(out + n, cap - n, parts[i]);
	}
}
