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
#include "sbi.h"

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

/* Write one complete line of partition @p, with its prefix. */
static void emit_line(struct partition *p, const char *s, size_t len)
{
	char buf[PV_NAME_MAX + sizeof(((struct con_line *)0)->buf) + 4];
	int n = snprintf(buf, sizeof(buf), "[%s] ", p->cfg->name);

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

void console_guest_write(struct partition *p, struct con_line *l, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		l->buf[l->len++] = c;
		if (c == '\n' || l->len == sizeof(l->buf)) {
			emit_line(p, l->buf, l->len);
			l->len = 0;
		}
	}
}

void console_guest_flush(struct partition *p, struct con_line *l)
{
	if (l->len) {
		emit_line(p, l->buf, l->len);
		l->len = 0;
	}
}

/* ---- console input ---- */

#define CTRL_A 0x01
#define SWITCH_PRESSES 3

static volatile uint32_t input_lock;
static unsigned input_focus;     /* index of the partition that gets console input */
static unsigned ctrl_a_count;

void console_input_banner(void)
{
	if (hv_nr_parts)
		pr("partvisor: console input goes to partition %s (press Ctrl-a three times to switch)\n",
		   hv_parts[input_focus].cfg->name);
}

/* Read one byte from the physical console through OpenSBI, or -1. */
static int sbi_getc(void)
{
	char c;

	if (sbi_has_dbcn()) {
		struct sbiret r = sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_READ, 1, (uintptr_t)&c, 0, 0, 0, 0);

		return r.error || r.value != 1 ? -1 : (unsigned char)c;
	}
	long v = sbi_ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
	return v < 0 ? -1 : (int)(v & 0xff);
}

static void queue_put(struct con_input *q, char c)
{
	unsigned next = (q->head + 1) % CON_INPUT_SIZE;

	if (next != q->tail) {   /* drop input when the guest does not read it */
		q->buf[q->head] = c;
		q->head = next;
	}
}

int console_getc(struct partition *p)
{
	int c, ret = -1;

	spin_lock(&input_lock);
	while ((c = sbi_getc()) >= 0) {
		if (c == CTRL_A && ++ctrl_a_count == SWITCH_PRESSES) {
			ctrl_a_count = 0;
			input_focus = (input_focus + 1) % hv_nr_parts;
			spin_unlock(&input_lock);
			console_input_banner();
			spin_lock(&input_lock);
			continue;
		}
		if (c != CTRL_A) {
			/* Ctrl-a presses that did not switch are passed on. */
			for (; ctrl_a_count; ctrl_a_count--)
				queue_put(&hv_parts[input_focus].input, CTRL_A);
			queue_put(&hv_parts[input_focus].input, (char)c);
		}
	}
	if (p->input.tail != p->input.head) {
		ret = (unsigned char)p->input.buf[p->input.tail];
		p->input.tail = (p->input.tail + 1) % CON_INPUT_SIZE;
	}
	spin_unlock(&input_lock);
	return ret;
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
