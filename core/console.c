/* SPDX-License-Identifier: MIT */
/*
 * Console: hypervisor messages and partition output through the firmware console
 * (SBI DBCN to OpenSBI). Every line is written whole under one lock, so output of
 * different harts never interleaves inside a line. Partition lines are prefixed
 * with "[name] ".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csr.h"
#include "hv.h"

static volatile uint32_t console_lock;

void pr(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock(&console_lock);
	sbi_console_write(buf, (size_t)n);
	spin_unlock(&console_lock);
}

/* Write one complete line of @v's partition, with its prefix. */
static void emit_line(struct vcpu *v, const char *s, size_t len)
{
	char buf[PV_NAME_MAX + sizeof(v->line) + 4];
	int n = snprintf(buf, sizeof(buf), "[%s] ", v->part->cfg->name);

	if (n < 0)
		return;
	memcpy(buf + n, s, len);
	n += (int)len;
	if (!len || s[len - 1] != '\n')
		buf[n++] = '\n';
	spin_lock(&console_lock);
	sbi_console_write(buf, (size_t)n);
	spin_unlock(&console_lock);
}

void console_guest_write(struct vcpu *v, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		v->line[v->line_len++] = c;
		if (c == '\n' || v->line_len == sizeof(v->line)) {
			emit_line(v, v->line, v->line_len);
			v->line_len = 0;
		}
	}
}

void console_guest_flush(struct vcpu *v)
{
	if (v->line_len) {
		emit_line(v, v->line, v->line_len);
		v->line_len = 0;
	}
}

void panic(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr("partvisor: PANIC on hart %u: %s; hart stopped\n", hv_hartid, buf);
	for (;;)
		__asm__ volatile("wfi");
}
