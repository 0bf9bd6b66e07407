/* SPDX-License-Identifier: MIT */
/*
 * Console output (escaped, prefixed lines in per-client rings, drained fairly
 * under one ticket lock) and input focus. See console.h.
 */
#include <stdio.h>
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/sbi_call.h"
#include "core/console.h"
#include "lib/log.h"

#define CTRL_A 0x01
#define SWITCH_PRESSES 3
#define PREFIX_MAX 40
/* One formatted line at most: prefix, every byte escaped (4 bytes), '\n'. */
#define EMIT_MAX (PREFIX_MAX + 4 * CON_LINE_MAX + 1)
/* Bytes read from the physical console per poll. */
#define POLL_MAX CON_POLL_MAX

static spinlock_t out_lock;      /* the firmware console and the round-robin position */
#ifdef PV_HOST_TEST
/* Host tests take the output lock to play "another hart is writing". */
spinlock_t *const console_test_out_lock_ptr = &out_lock;
#endif
static spinlock_t input_lock;    /* input queues, focus */
static spinlock_t poll_lock;     /* one hart polls the firmware console at a time */
static struct con_client *clients[CON_MAX_CLIENTS];
static unsigned nr_clients;
static unsigned input_focus;     /* index in clients[] of the client that gets console input */
static unsigned ctrl_a_count;
static unsigned rr;              /* next client to drain */
static uint32_t pending;         /* bytes queued in all rings (atomic) */
static uint64_t poll_interval, last_poll;
static bool polled_once;
static void (*switch_hook)(void);

/* ---- output rings ---- */

static unsigned ring_used(const struct con_client *c)
{
	return (c->out_head - c->out_tail) % CON_OUT_SIZE;
}

static unsigned ring_free(const struct con_client *c)
{
	return CON_OUT_SIZE - 1 - ring_used(c);
}

/* Append @len bytes (room checked by the caller) to @c's ring. Caller holds c->out_lock. */
static void ring_put(struct con_client *c, const char *s, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		c->out[c->out_head] = s[i];
		c->out_head = (c->out_head + 1) % CON_OUT_SIZE;
	}
	__atomic_fetch_add(&pending, len, __ATOMIC_RELEASE);
}

/* Take one line (up to and including '\n') of @c's ring into @buf (EMIT_MAX bytes); returns its length. */
static unsigned ring_take_line(struct con_client *c, char *buf)
{
	unsigned n = 0;

	spin_lock(&c->out_lock);
	while (c->out_tail != c->out_head && n < EMIT_MAX) {
		char ch = c->out[c->out_tail];

		c->out_tail = (c->out_tail + 1) % CON_OUT_SIZE;
		buf[n++] = ch;
		if (ch == '\n')
			break;
	}
	spin_unlock(&c->out_lock);
	__atomic_fetch_sub(&pending, n, __ATOMIC_RELEASE);
	return n;
}

/* Write up to CON_DRAIN_BUDGET queued lines, one per client per turn; returns how many. Caller holds out_lock. */
static unsigned drain_locked(void)
{
	char line[EMIT_MAX];
	unsigned idle = 0;

	unsigned lines = 0;

	while (lines < CON_DRAIN_BUDGET && nr_clients && idle < nr_clients) {
		struct con_client *c = clients[rr % nr_clients];
		unsigned n = ring_used(c) ? ring_take_line(c, line) : 0;

		rr = (rr + 1) % nr_clients;
		if (!n) {
			idle++;
			continue;
		}
		idle = 0;
		sbi_console_write(line, n);
		lines++;
	}
	return lines;
}

/*
 * Drain the rings if the output lock is free (@wait: wait for it). A writer that
 * finds the lock taken leaves its line to the holder, which checks again after
 * releasing, so no line is left behind while another hart drains.
 */
static void drain(bool wait)
{
	for (unsigned round = 0; wait || round < 2; round++) {
		unsigned lines;

		if (wait)
			spin_lock(&out_lock);
		else if (!spin_trylock(&out_lock))
			return;
		lines = drain_locked();
		spin_unlock(&out_lock);
		if (!lines || !__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
			return;
	}
}

/* pr() sink: the hypervisor's own message, whole, after a turn of queued guest lines. */
static void out(const char *s, size_t len)
{
	spin_lock(&out_lock);
	drain_locked();
	sbi_console_write(s, len);
	spin_unlock(&out_lock);
}

void console_init(void)
{
	log_set_sink(out);
}

void console_set_poll_interval(uint64_t ticks)
{
	poll_interval = ticks;
}

int console_register(struct con_client *c)
{
	int ret = 0;

	spin_lock(&input_lock);
	if (nr_clients == CON_MAX_CLIENTS)
		ret = -PV_ENOMEM;
	else
		clients[nr_clients++] = c;
	c->out_head = c->out_tail = 0;
	spin_unlock(&input_lock);
	return ret;
}

void console_reset(void)
{
	nr_clients = input_focus = ctrl_a_count = rr = 0;
	pending = 0;
	poll_interval = last_poll = 0;
	polled_once = false;
	switch_hook = NULL;
}

void console_stream_init(struct con_stream *s, struct con_client *c)
{
	s->client = c;
	s->len = 0;
	s->cut = false;
}

/* Queue the line in @s with its client's prefix, escaping what is not printable. Room was checked. */
static void emit_line(struct con_stream *s)
{
	static const char hex[] = "0123456789abcdef";
	char buf[EMIT_MAX];
	struct con_client *c = s->client;
	int n = snprintf(buf, PREFIX_MAX, "[%s] ", c && c->name ? c->name : "?");

	if (n < 0)
		n = 0;
	if (n >= PREFIX_MAX)
		n = PREFIX_MAX - 1;
	for (unsigned i = 0; i < s->len; i++) {
		unsigned char ch = (unsigned char)s->buf[i];

		if ((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\t') {
			buf[n++] = (char)ch;
		} else {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[ch >> 4];
			buf[n++] = hex[ch & 15];
		}
	}
	if (!s->len || s->buf[s->len - 1] != '\n')
		buf[n++] = '\n';
	s->len = 0;
	if (!c) {
		out(buf, (size_t)n);  /* a stream of no client: written at once */
		return;
	}
	spin_lock(&c->out_lock);
	ring_put(c, buf, (unsigned)n);
	spin_unlock(&c->out_lock);
}

/* Whether @s's client has room for one more formatted line. */
static bool room(const struct con_stream *s)
{
	return !s->client || ring_free(s->client) >= EMIT_MAX;
}

size_t console_write(struct con_stream *s, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\r')
			continue;
		if (ch == '\n' && s->cut && !s->len) {
			s->cut = false;   /* the line was already ended when it was cut */
			continue;
		}
		if (!room(s)) {
			drain(false);
			if (!room(s))
				break;
		}
		s->cut = false;
		s->buf[s->len++] = ch;
		if (ch == '\n') {
			emit_line(s);
		} else if (s->len == sizeof(s->buf)) {
			emit_line(s);
			s->cut = true;
		}
	}
	drain(false);
	return i;
}

/* Write out one turn of queued lines, waiting for the output lock (a writer whose ring is full). */
static void console_drain(void)
{
	spin_lock(&out_lock);
	drain_locked();
	spin_unlock(&out_lock);
}

size_t console_write_some(struct con_stream *s, const char *buf, size_t len)
{
	size_t n = console_write(s, buf, len);

	if (!n && len) {
		console_drain();
		n = console_write(s, buf, len);
	}
	return n;
}

void console_write_all(struct con_stream *s, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n = console_write(s, buf + done, len - done);

		done += n;
		if (done < len && !n) {
			drain(true);
			if (!room(s))
				return;  /* a client nobody drains (not registered): drop rather than hang */
		}
	}
}

void console_break(struct con_stream *s)
{
	if (s->len) {
		if (!room(s))
			drain(true);
		if (room(s))
			emit_line(s);
	}
}

void console_flush(struct con_stream *s)
{
	console_break(s);
	drain(true);
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

/*
 * Read what the physical console has (at most POLL_MAX bytes) into the focused client's
 * queue; tell clients that want to know. Returns how many bytes were read.
 */
static unsigned poll_input(void)
{
	int ch;
	bool banner = false;
	struct con_client *told = NULL;
	unsigned k;

	for (k = 0; k < POLL_MAX && (ch = sbi_console_getc()) >= 0; k++) {
		struct con_client *got = NULL;

		spin_lock(&input_lock);
		if (nr_clients && ch == CTRL_A && ++ctrl_a_count == SWITCH_PRESSES) {
			ctrl_a_count = 0;
			input_focus = (input_focus + 1) % nr_clients;
			banner = true;
		} else if (nr_clients && ch != CTRL_A) {
			/* Ctrl-a presses that did not switch are passed on. */
			for (; ctrl_a_count; ctrl_a_count--)
				queue_put(&clients[input_focus]->input, CTRL_A);
			queue_put(&clients[input_focus]->input, (char)ch);
			got = clients[input_focus];
		}
		spin_unlock(&input_lock);
		if (told && told != got && told->input_ready)
			told->input_ready(told, told->input_ctx);
		told = got ? got : told;
		if (banner) {
			if (told && told->input_ready)
				told->input_ready(told, told->input_ctx);
			told = NULL;
			console_input_banner();
			if (switch_hook)
				switch_hook();
			banner = false;
		}
	}
	if (told && told->input_ready)
		told->input_ready(told, told->input_ctx);
	return k;
}

bool console_poll_now(void)
{
	unsigned n;

	if (!spin_trylock(&poll_lock))
		return true;   /* another hart polls right now: look again after the pause */
	polled_once = true;
	last_poll = arch_time();
	n = poll_input();
	spin_unlock(&poll_lock);
	return n == POLL_MAX;
}

void console_set_switch_hook(void (*fn)(void))
{
	switch_hook = fn;
}

size_t console_read(struct con_client *c, char *buf, size_t max)
{
	size_t n = 0;

	spin_lock(&input_lock);
	while (n < max && c->input.tail != c->input.head) {
		buf[n++] = c->input.buf[c->input.tail];
		c->input.tail = (c->input.tail + 1) % CON_INPUT_SIZE;
	}
	spin_unlock(&input_lock);
	return n;
}

/* Whether a poll of the physical console is due at @now (an unlocked look; poll_lock decides). */
static bool poll_due(uint64_t now)
{
	return !__atomic_load_n(&polled_once, __ATOMIC_RELAXED) ||
	       now - __atomic_load_n(&last_poll, __ATOMIC_RELAXED) >= poll_interval;
}

/* Whether @c's input queue is empty (an unlocked look, as the locked one would say a moment earlier). */
static bool queue_empty(const struct con_client *c)
{
	return __atomic_load_n(&c->input.tail, __ATOMIC_RELAXED) == __atomic_load_n(&c->input.head, __ATOMIC_ACQUIRE);
}

bool console_input_waiting(const struct con_client *c)
{
	return !queue_empty(c) || poll_due(arch_time());
}

int console_getc(struct con_client *c)
{
	uint64_t now = arch_time();
	char ch;

	/*
	 * One hart polls at a time, at most once per poll interval: guests polling their
	 * UART cannot hog the firmware. The unlocked look only skips the lock when no
	 * poll is due; the decision is taken again under it.
	 */
	if (poll_due(now) && spin_trylock(&poll_lock)) {
		if (!polled_once || now - last_poll >= poll_interval) {
			polled_once = true;
			last_poll = now;
			poll_input();
		}
		spin_unlock(&poll_lock);
	}
	if (queue_empty(c) || console_read(c, &ch, 1) != 1)
		return -1;
	return (unsigned char)ch;
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
