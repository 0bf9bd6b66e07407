/* SPDX-License-Identifier: MIT */
/*
 * Console output (whole lines under one ticket lock, through the firmware
 * console) and input focus. See console.h.
 */
#include <stdio.h>
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/lock.h"
#include "arch/riscv/sbi_call.h"
#include "core/console.h"
#include "lib/log.h"

#define CTRL_A 0x01
#define SWITCH_PRESSES 3
#define PREFIX_MAX 40

static spinlock_t out_lock;
static spinlock_t input_lock;
static struct con_client *clients[CON_MAX_CLIENTS];
static unsigned nr_clients;
static unsigned input_focus;     /* index in clients[] of the client that gets console input */
static unsigned ctrl_a_count;

/* Write @len bytes to the firmware console, whole, under the output lock. */
static void out(const char *s, size_t len)
{
	spin_lock(&out_lock);
	sbi_console_write(s, len);
	spin_unlock(&out_lock);
}

void console_init(void)
{
	log_set_sink(out);
}

int console_register(struct con_client *c)
{
	int ret = 0;

	spin_lock(&input_lock);
	if (nr_clients == CON_MAX_CLIENTS)
		ret = -PV_ENOMEM;
	else
		clients[nr_clients++] = c;
	spin_unlock(&input_lock);
	return ret;
}

void console_reset(void)
{
	nr_clients = input_focus = ctrl_a_count = 0;
}

void console_stream_init(struct con_stream *s, struct con_client *c)
{
	s->client = c;
	s->len = 0;
}

/* Write one complete line of @s's client, with its prefix. */
static void emit_line(struct con_stream *s)
{
	char buf[PREFIX_MAX + CON_LINE_MAX + 1];
	int n = snprintf(buf, PREFIX_MAX, "[%s] ", s->client && s->client->name ? s->client->name : "?");

	if (n < 0)
		return;
	if (n >= PREFIX_MAX)
		n = PREFIX_MAX - 1;
	memcpy(buf + n, s->buf, s->len);
	n += (int)s->len;
	if (!s->len || s->buf[s->len - 1] != '\n')
		buf[n++] = '\n';
	out(buf, (size_t)n);
	s->len = 0;
}

void console_write(struct con_stream *s, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		s->buf[s->len++] = c;
		if (c == '\n' || s->len == sizeof(s->buf))
			emit_line(s);
	}
}

void console_flush(struct con_stream *s)
{
	if (s->len)
		emit_line(s);
}

/* ---- input ---- */

void console_input_banner(void)
{
	if (nr_clients)
		pr("partvisor: console input goes to partition %s (press Ctrl-a three times to switch)\n",
		   clients[input_focus]->name ? clients[input_focus]->name : "?");
}

static void queue_put(struct con_input *q, char c)
{
	unsigned next = (q->head + 1) % CON_INPUT_SIZE;

	if (next != q->tail) {   /* drop input when the guest does not read it */
		q->buf[q->head] = c;
		q->head = next;
	}
}

int console_getc(struct con_client *c)
{
	int ch, ret = -1;

	spin_lock(&input_lock);
	while ((ch = sbi_console_getc()) >= 0) {
		if (!nr_clients)
			continue;
		if (ch == CTRL_A && ++ctrl_a_count == SWITCH_PRESSES) {
			ctrl_a_count = 0;
			input_focus = (input_focus + 1) % nr_clients;
			spin_unlock(&input_lock);
			console_input_banner();
			spin_lock(&input_lock);
			continue;
		}
		if (ch != CTRL_A) {
			/* Ctrl-a presses that did not switch are passed on. */
			for (; ctrl_a_count; ctrl_a_count--)
				queue_put(&clients[input_focus]->input, CTRL_A);
			queue_put(&clients[input_focus]->input, (char)ch);
		}
	}
	if (c->input.tail != c->input.head) {
		ret = (unsigned char)c->input.buf[c->input.tail];
		c->input.tail = (c->input.tail + 1) % CON_INPUT_SIZE;
	}
	spin_unlock(&input_lock);
	return ret;
}

void console_input_clear(struct con_client *c)
{
	spin_lock(&input_lock);
	c->input.head = c->input.tail = 0;
	spin_unlock(&input_lock);
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
		arch_wait_for_interrupt();
}
