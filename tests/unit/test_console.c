/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the console (core/console.c) and pr() (lib/log.c):
 * messages reaching the firmware console through the sink, partition line
 * assembly with "[name] " prefixes, and console input with the Ctrl-a focus
 * switch. The firmware console is the fake in fake_arch.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/console.h"
#include "fakes.h"
#include "lib/log.h"

#define UNUSED __attribute__((unused))
#define CTRL_A "\x01"

static struct con_client cl_a, cl_b, cl_c;

static int setup(void **state UNUSED)
{
	fake_reset();
	console_reset();
	console_init();
	memset(&cl_a, 0, sizeof(cl_a));
	memset(&cl_b, 0, sizeof(cl_b));
	memset(&cl_c, 0, sizeof(cl_c));
	cl_a.name = "A";
	cl_b.name = "B";
	cl_c.name = "C";
	return 0;
}

static int teardown(void **state UNUSED)
{
	/* Every test leaves the locks balanced. */
	return fake.locks_held == 0 ? 0 : -1;
}

/* Make @s the next console input (a C string: it cannot contain NUL). */
static void feed(const char *s)
{
	fake.in = s;
	fake.in_pos = 0;
}

/* Forget the console output recorded so far. */
static void clear_out(void)
{
	fake.out[0] = 0;
	fake.out_len = 0;
	fake.out_calls = 0;
}

static void register_abc(void)
{
	assert_int_equal(console_register(&cl_a), 0);
	assert_int_equal(console_register(&cl_b), 0);
	assert_int_equal(console_register(&cl_c), 0);
	assert_int_equal(fake.locks_held, 0);
}

/* ---- pr() and the sink ------------------------------------------------------------------- */

static void test_pr_one_write(void **state UNUSED)
{
	pr("hello %d %s\n", 42, "world");
	assert_string_equal(fake.out, "hello 42 world\n");
	assert_int_equal(fake.out_len, strlen("hello 42 world\n"));
	assert_int_equal(fake.out_calls, 1);

	/* Several lines in one message are still one write. */
	pr("one\ntwo\nthree\n");
	assert_string_equal(fake.out, "hello 42 world\none\ntwo\nthree\n");
	assert_int_equal(fake.out_calls, 2);
	assert_int_equal(fake.locks_held, 0);
}

static void test_pr_dropped_without_sink(void **state UNUSED)
{
	log_set_sink(NULL);
	pr("dropped %d\n", 1);
	pr("also dropped\n");
	assert_int_equal(fake.out_calls, 0);
	assert_int_equal(fake.out_len, 0);
	assert_string_equal(fake.out, "");

	console_init();
	pr("kept\n");
	assert_string_equal(fake.out, "kept\n");
	assert_int_equal(fake.out_calls, 1);
}

static void test_pr_long_message_cut(void **state UNUSED)
{
	char big[LOG_LINE_MAX * 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	pr("%s", big);
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(fake.out_len, LOG_LINE_MAX - 1);
	for (size_t i = 0; i < LOG_LINE_MAX - 1; i++)
		assert_int_equal(fake.out[i], 'x');

	/* Exactly LOG_LINE_MAX - 1 bytes fit whole. */
	clear_out();
	big[LOG_LINE_MAX - 2] = '\n';
	big[LOG_LINE_MAX - 1] = 0;
	pr("%s", big);
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(fake.out_len, LOG_LINE_MAX - 1);
	assert_int_equal(fake.out[LOG_LINE_MAX - 2], '\n');
}

/* ---- output line assembly ---------------------------------------------------------------- */

static void test_write_line(void **state UNUSED)
{
	struct con_client c = { .name = "name" };
	struct con_stream s;

	assert_int_equal(console_register(&c), 0);   /* only registered clients' lines are drained */
	console_stream_init(&s, &c);
	console_write(&s, "hello\n", 6);
	assert_string_equal(fake.out, "[name] hello\n");
	assert_int_equal(fake.out_len, strlen("[name] hello\n"));
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(s.len, 0);
	assert_int_equal(fake.locks_held, 0);

	/* Several lines in one write: one firmware write per line. */
	clear_out();
	console_write(&s, "a\nbb\n", 5);
	assert_string_equal(fake.out, "[name] a\n[name] bb\n");
	assert_int_equal(fake.out_calls, 2);
}

static void test_write_held_until_newline_or_flush(void **state UNUSED)
{
	struct con_client c = { .name = "p" };
	struct con_stream s;

	assert_int_equal(console_register(&c), 0);   /* only registered clients' lines are drained */
	console_stream_init(&s, &c);
	console_write(&s, "ab", 2);
	console_write(&s, "c", 1);
	assert_int_equal(fake.out_calls, 0);
	assert_int_equal(fake.out_len, 0);
	console_write(&s, "d\nef", 4);
	assert_string_equal(fake.out, "[p] abcd\n");
	assert_int_equal(fake.out_calls, 1);

	/* "ef" waits; flush emits it with a newline appended. */
	console_write(&s, "g", 1);
	assert_int_equal(fake.out_calls, 1);
	console_flush(&s);
	assert_string_equal(fake.out, "[p] abcd\n[p] efg\n");
	assert_int_equal(fake.out_calls, 2);
	assert_int_equal(s.len, 0);

	/* The stream is empty again: a second flush prints nothing. */
	console_flush(&s);
	assert_int_equal(fake.out_calls, 2);
	assert_int_equal(fake.locks_held, 0);
}

static void test_write_drops_cr(void **state UNUSED)
{
	struct con_client c = { .name = "p" };
	struct con_stream s;

	assert_int_equal(console_register(&c), 0);   /* only registered clients' lines are drained */
	console_stream_init(&s, &c);
	console_write(&s, "a\r\nb\r\r\n", 7);
	assert_string_equal(fake.out, "[p] a\n[p] b\n");
	assert_int_equal(fake.out_calls, 2);

	/* A lone '\r' leaves nothing to flush. */
	console_write(&s, "\r", 1);
	assert_int_equal(s.len, 0);
	console_flush(&s);
	assert_int_equal(fake.out_calls, 2);

	/* '\r' in the middle of a line vanishes. */
	console_write(&s, "x\ry\n", 4);
	assert_string_equal(fake.out, "[p] a\n[p] b\n[p] xy\n");
}

static void test_write_long_line_cut(void **state UNUSED)
{
	struct con_client c = { .name = "p" };
	struct con_stream s;
	char line[CON_LINE_MAX];
	char expect[CON_LINE_MAX + 32];

	assert_int_equal(console_register(&c), 0);   /* only registered clients' lines are drained */
	console_stream_init(&s, &c);
	memset(line, 'a', sizeof(line));
	/* One byte short of a full line: held. */
	console_write(&s, line, CON_LINE_MAX - 1);
	assert_int_equal(fake.out_calls, 0);
	/* The CON_LINE_MAX-th byte emits the line at once, with a newline. */
	console_write(&s, "a", 1);
	assert_int_equal(fake.out_calls, 1);
	strcpy(expect, "[p] ");
	memcpy(expect + 4, line, CON_LINE_MAX);
	expect[4 + CON_LINE_MAX] = '\n';
	expect[5 + CON_LINE_MAX] = 0;
	assert_string_equal(fake.out, expect);
	assert_int_equal(s.len, 0);

	/* The rest continues on a new prefixed line. */
	console_write(&s, "bc\n", 3);
	assert_int_equal(fake.out_calls, 2);
	strcat(expect, "[p] bc\n");
	assert_string_equal(fake.out, expect);

	/* Same in one write of CON_LINE_MAX + 3 bytes. */
	{
		char big[CON_LINE_MAX + 3];

		clear_out();
		memset(big, 'z', CON_LINE_MAX);
		memcpy(big + CON_LINE_MAX, "yy\n", 3);
		console_write(&s, big, sizeof(big));
		assert_int_equal(fake.out_calls, 2);
		assert_int_equal(fake.out_len, 4 + CON_LINE_MAX + 1 + 4 + 3);
		assert_memory_equal(fake.out, "[p] zzzz", 8);
		assert_int_equal(fake.out[4 + CON_LINE_MAX], '\n');
		assert_string_equal(fake.out + 4 + CON_LINE_MAX + 1, "[p] yy\n");
	}

	/* A line of CON_LINE_MAX bytes ending in '\n' is one line, no extra newline. */
	clear_out();
	memset(line, 'q', sizeof(line));
	line[CON_LINE_MAX - 1] = '\n';
	console_write(&s, line, CON_LINE_MAX);
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(fake.out_len, 4 + CON_LINE_MAX);
	assert_int_equal(fake.out[fake.out_len - 1], '\n');
	assert_int_equal(fake.out[fake.out_len - 2], 'q');
}

static void test_interleaved_streams(void **state UNUSED)
{
	struct con_stream sa, sb;

	register_abc();
	console_stream_init(&sa, &cl_a);
	console_stream_init(&sb, &cl_b);
	console_write(&sa, "hel", 3);
	console_write(&sb, "wor", 3);
	console_write(&sa, "l", 1);
	console_write(&sb, "ld", 2);
	assert_int_equal(fake.out_calls, 0);
	console_write(&sb, "!\nnext", 6);
	assert_string_equal(fake.out, "[B] world!\n");
	console_write(&sa, "o\n", 2);
	assert_string_equal(fake.out, "[B] world!\n[A] hello\n");
	/* A hypervisor message between partial lines does not split them. */
	pr("hv\n");
	console_write(&sa, "x", 1);
	console_flush(&sb);
	console_flush(&sa);
	assert_string_equal(fake.out, "[B] world!\n[A] hello\nhv\n[B] next\n[A] x\n");
	assert_int_equal(fake.out_calls, 5);
	assert_int_equal(fake.locks_held, 0);
}

static void test_flush_empty_stream(void **state UNUSED)
{
	struct con_stream s;

	register_abc();
	console_stream_init(&s, &cl_a);
	console_flush(&s);
	assert_int_equal(fake.out_calls, 0);
	assert_int_equal(fake.out_len, 0);

	/* Nor after a complete line. */
	console_write(&s, "x\n", 2);
	console_flush(&s);
	assert_string_equal(fake.out, "[A] x\n");
	assert_int_equal(fake.out_calls, 1);

	/* console_stream_init empties a stream with a partial line. */
	console_write(&s, "partial", 7);
	console_stream_init(&s, &cl_a);
	console_flush(&s);
	assert_int_equal(fake.out_calls, 1);
}

static void test_null_name(void **state UNUSED)
{
	struct con_client c = { .name = NULL };
	struct con_stream s;

	assert_int_equal(console_register(&c), 0);   /* only registered clients' lines are drained */
	console_stream_init(&s, &c);
	console_write(&s, "x\n", 2);
	assert_string_equal(fake.out, "[?] x\n");

	/* No client at all: the same. */
	clear_out();
	console_stream_init(&s, NULL);
	console_write(&s, "y", 1);
	console_flush(&s);
	assert_string_equal(fake.out, "[?] y\n");
	assert_int_equal(fake.out_calls, 1);
}

/* core/console.c, host builds only: its output lock. */
extern spinlock_t *const console_test_out_lock_ptr;

/* ---- integrity, fairness, backpressure ----------------------------------------------------- */

/* Control bytes, escape sequences and bytes >= 0x7f are shown as \xNN: no forged lines, no terminal control. */
static void test_escape(void **state UNUSED)
{
	struct con_stream s;

	register_abc();
	console_stream_init(&s, &cl_a);
	static const char in[] = "a\x1b]52;c;QQ==\x07" "b\tc\x08\x7f\xff\n";

	console_write(&s, in, sizeof(in) - 1);
	assert_string_equal(fake.out, "[A] a\\x1b]52;c;QQ==\\x07b\tc\\x08\\x7f\\xff\n");
	/* a forged hypervisor line stays inside this partition's prefixed line */
	clear_out();
	console_write(&s, "ok\rpartvisor: all partitions stopped\n", 38);
	assert_string_equal(fake.out, "[A] okpartvisor: all partitions stopped\n");
	assert_int_equal(fake.out_calls, 1);
}

/* With the output lock taken by another hart, lines queue per client and are then written round robin. */
static void test_drain_round_robin(void **state UNUSED)
{
	struct con_stream sa, sb;

	register_abc();
	console_stream_init(&sa, &cl_a);
	console_stream_init(&sb, &cl_b);
	spin_lock(console_test_out_lock_ptr);          /* another hart is writing */
	console_write(&sa, "a1\na2\na3\n", 9);
	console_write(&sb, "b1\n", 3);
	assert_int_equal(fake.out_calls, 0);         /* nobody waited for the lock */
	spin_unlock(console_test_out_lock_ptr);
	console_flush(&sb);
	assert_string_equal(fake.out, "[A] a1\n[B] b1\n[A] a2\n[A] a3\n");
	assert_int_equal(fake.locks_held, 0);
}

/* A client whose ring is full is told fewer bytes were written; other clients are unaffected. */
static void test_backpressure(void **state UNUSED)
{
	static char line[CON_LINE_MAX];
	struct con_stream sa, sb;
	size_t total = 0, n;

	register_abc();
	console_stream_init(&sa, &cl_a);
	console_stream_init(&sb, &cl_b);
	memset(line, 'f', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	spin_lock(console_test_out_lock_ptr);
	while ((n = console_write(&sa, line, sizeof(line))) == sizeof(line))
		total += n;
	assert_true(total + n < CON_OUT_SIZE);       /* stopped before the ring overflowed */
	assert_true(total >= CON_OUT_SIZE / 2);
	assert_int_equal(console_write(&sb, "victim\n", 7), 7);
	spin_unlock(console_test_out_lock_ptr);
	console_flush(&sb);
	assert_non_null(strstr(fake.out, "[B] victim\n"));
	/* everything A had queued came out too, in whole lines */
	assert_int_equal(fake.out[fake.out_len - 1], '\n');
	assert_int_equal(fake.locks_held, 0);
}

/* console_write_some (SBI DBCN write): a full ring gets one drain turn, then bytes are taken. */
static void test_write_some_progress(void **state UNUSED)
{
	static char line[CON_LINE_MAX];
	struct con_stream sa;
	size_t n;

	register_abc();
	console_stream_init(&sa, &cl_a);
	memset(line, 'g', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	spin_lock(console_test_out_lock_ptr);   /* another hart prints: console_write cannot drain */
	while (console_write(&sa, line, sizeof(line)) == sizeof(line))
		;
	assert_int_equal(console_write(&sa, "x\n", 2), 0);   /* full, and nobody drained */
	clear_out();
	n = console_write_some(&sa, "x\n", 2);
	spin_unlock(console_test_out_lock_ptr);
	assert_int_equal(n, 2);
	assert_true(fake.out_len > 0);                         /* the drain turn wrote A's lines */
	assert_non_null(strstr(fake.out, "[A] ggg"));
	assert_int_equal(console_write_some(&sa, "", 0), 0);  /* nothing to write: no drain */
	console_flush(&sa);
	assert_int_equal(fake.locks_held, 0);
}

/* ---- input focus ------------------------------------------------------------------------- */

static void test_input_to_first_client(void **state UNUSED)
{
	register_abc();
	feed("xy");
	assert_int_equal(console_getc(&cl_a), 'x');
	assert_int_equal(console_getc(&cl_a), 'y');
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(console_getc(&cl_c), -1);
	assert_int_equal(fake.out_calls, 0);
	assert_int_equal(fake.locks_held, 0);

	/* Bytes above 0x7f come back unsigned. */
	feed("\xff");
	assert_int_equal(console_getc(&cl_a), 0xff);
}

static void test_focus_switch_cycles(void **state UNUSED)
{
	register_abc();

	feed(CTRL_A CTRL_A CTRL_A);
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(fake.in_pos, 3);
	assert_int_equal(fake.out_calls, 1);
	assert_non_null(strstr(fake.out, "console input goes to partition B"));
	assert_int_equal(fake.locks_held, 0);
	/* The Ctrl-a presses that switched are not input to anybody. */
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(console_getc(&cl_b), -1);

	feed("b");
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(console_getc(&cl_b), 'b');

	clear_out();
	feed(CTRL_A CTRL_A CTRL_A "c");
	assert_int_equal(console_getc(&cl_c), 'c');
	assert_non_null(strstr(fake.out, "console input goes to partition C"));
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(console_getc(&cl_b), -1);

	/* From the last client back to the first. */
	clear_out();
	feed(CTRL_A CTRL_A CTRL_A "a");
	assert_int_equal(console_getc(&cl_b), -1);
	assert_non_null(strstr(fake.out, "console input goes to partition A"));
	assert_int_equal(console_getc(&cl_a), 'a');
	assert_int_equal(console_getc(&cl_c), -1);

	/* Six presses in one poll move the focus twice. */
	clear_out();
	feed(CTRL_A CTRL_A CTRL_A CTRL_A CTRL_A CTRL_A "z");
	assert_int_equal(console_getc(&cl_c), 'z');
	assert_int_equal(fake.out_calls, 2);
	assert_non_null(strstr(fake.out, "partition B"));
	assert_non_null(strstr(fake.out, "partition C"));
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(fake.locks_held, 0);
}

static void test_ctrl_a_passed_on(void **state UNUSED)
{
	register_abc();

	feed(CTRL_A "x");
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 'x');
	assert_int_equal(console_getc(&cl_a), -1);

	feed(CTRL_A CTRL_A "y");
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 'y');
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(fake.out_calls, 0);

	/* The count restarted after 'y': two more presses and a byte do not switch. */
	feed(CTRL_A CTRL_A "w" CTRL_A);
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 'w');
	/* A trailing press is held (it may be the start of a switch)... */
	assert_int_equal(console_getc(&cl_a), -1);
	/* ...and counts together with presses in later polls. */
	feed(CTRL_A CTRL_A);
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(fake.out_calls, 1);
	assert_non_null(strstr(fake.out, "partition B"));
	assert_int_equal(fake.locks_held, 0);
}

static void test_input_queued_for_focus(void **state UNUSED)
{
	register_abc();

	/* B polls while A has the focus: B gets nothing, A gets the bytes later. */
	feed("pq");
	assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(fake.in_pos, 2);
	assert_int_equal(console_getc(&cl_c), -1);
	assert_int_equal(console_getc(&cl_a), 'p');
	assert_int_equal(console_getc(&cl_a), 'q');
	assert_int_equal(console_getc(&cl_a), -1);

	/* A client not registered can poll too: the input still goes to the focus. */
	{
		struct con_client other = { .name = "other" };

		feed("r");
		assert_int_equal(console_getc(&other), -1);
		assert_int_equal(console_getc(&cl_a), 'r');
	}
	assert_int_equal(fake.locks_held, 0);
}

static void test_input_queue_full(void **state UNUSED)
{
	static char in[CON_INPUT_SIZE + 50];
	int n = 0, ch;

	register_abc();
	for (size_t i = 0; i < sizeof(in) - 1; i++)
		in[i] = (char)(' ' + i % 90);
	in[sizeof(in) - 1] = 0;

	feed(in);
	/* The physical console is read at most 64 bytes per poll: poll until all is consumed. */
	for (unsigned k = 0; k < 16 && fake.in_pos < sizeof(in) - 1; k++)
		assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(fake.in_pos, sizeof(in) - 1);   /* all consumed */
	while ((ch = console_getc(&cl_a)) >= 0) {
		assert_true(n < CON_INPUT_SIZE);
		assert_int_equal(ch, (unsigned char)in[n]);
		n++;
	}
	assert_int_equal(n, CON_INPUT_SIZE - 1);

	/* Drained, the queue takes input again (and wraps correctly). */
	feed("ok");
	assert_int_equal(console_getc(&cl_a), 'o');
	assert_int_equal(console_getc(&cl_a), 'k');
	assert_int_equal(console_getc(&cl_a), -1);
	assert_int_equal(fake.locks_held, 0);
}

static void test_input_clear(void **state UNUSED)
{
	register_abc();

	feed("abc");
	assert_int_equal(console_getc(&cl_b), -1);   /* queue "abc" for A */
	assert_int_equal(cl_a.input.head != cl_a.input.tail, 1);
	console_input_clear(&cl_a);
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(console_getc(&cl_a), -1);

	/* Only the one queue is cleared; later input arrives normally. */
	feed(CTRL_A CTRL_A CTRL_A "bb");
	assert_int_equal(console_getc(&cl_a), -1);
	console_input_clear(&cl_a);
	assert_int_equal(console_getc(&cl_b), 'b');
	assert_int_equal(console_getc(&cl_b), 'b');
	feed("z");
	console_input_clear(&cl_b);   /* nothing polled yet: clears nothing of "z" */
	assert_int_equal(console_getc(&cl_b), 'z');
}

static void test_register_full(void **state UNUSED)
{
	static struct con_client many[CON_MAX_CLIENTS + 1];
	static char names[CON_MAX_CLIENTS + 1][8];

	for (int i = 0; i <= CON_MAX_CLIENTS; i++) {
		names[i][0] = (char)('0' + i);
		names[i][1] = 0;
		many[i].name = names[i];
	}
	for (int i = 0; i < CON_MAX_CLIENTS; i++)
		assert_int_equal(console_register(&many[i]), 0);
	assert_int_equal(console_register(&many[CON_MAX_CLIENTS]), -PV_ENOMEM);
	assert_int_equal(console_register(&cl_a), -PV_ENOMEM);
	assert_int_equal(fake.locks_held, 0);

	/* The focus cycles through the CON_MAX_CLIENTS registered ones only. */
	for (int i = 1; i <= CON_MAX_CLIENTS; i++) {
		char want[64];

		clear_out();
		feed(CTRL_A CTRL_A CTRL_A);
		assert_int_equal(console_getc(&many[0]), -1);
		snprintf(want, sizeof(want), "partition %s ", names[i % CON_MAX_CLIENTS]);
		assert_non_null(strstr(fake.out, want));
	}
	feed("x");
	assert_int_equal(console_getc(&many[0]), 'x');
	assert_int_equal(console_getc(&many[CON_MAX_CLIENTS]), -1);

	/* console_reset forgets them all. */
	console_reset();
	assert_int_equal(console_register(&many[CON_MAX_CLIENTS]), 0);
	feed("y");
	assert_int_equal(console_getc(&many[CON_MAX_CLIENTS]), 'y');
}

static void test_input_without_clients(void **state UNUSED)
{
	struct con_client lone = { .name = "lone" };

	feed("ab" CTRL_A CTRL_A CTRL_A "c");
	assert_int_equal(console_getc(&lone), -1);
	assert_int_equal(fake.in_pos, 6);         /* consumed */
	assert_int_equal(fake.out_calls, 0);      /* no banner */
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(lone.input.head, lone.input.tail);

	/* The dropped presses did not count towards a switch. */
	assert_int_equal(console_register(&cl_a), 0);
	assert_int_equal(console_register(&cl_b), 0);
	feed(CTRL_A "d");
	assert_int_equal(console_getc(&cl_a), 0x01);
	assert_int_equal(console_getc(&cl_a), 'd');
	assert_int_equal(fake.out_calls, 0);
}

static void test_banner(void **state UNUSED)
{
	console_input_banner();
	assert_int_equal(fake.out_calls, 0);   /* nobody to name */

	register_abc();
	console_input_banner();
	assert_string_equal(fake.out,
			    "partvisor: console input goes to partition A (press Ctrl-a three times to switch)\n");
	assert_int_equal(fake.out_calls, 1);
	assert_int_equal(fake.locks_held, 0);
}

static void test_locks_balanced(void **state UNUSED)
{
	struct con_stream s;

	assert_int_equal(console_register(&cl_a), 0);
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(console_register(&cl_b), 0);
	assert_int_equal(fake.locks_held, 0);
	console_stream_init(&s, &cl_a);
	console_write(&s, "ab", 2);
	assert_int_equal(fake.locks_held, 0);
	console_write(&s, "c\n", 2);
	assert_int_equal(fake.locks_held, 0);
	console_write(&s, "d", 1);
	console_flush(&s);
	assert_int_equal(fake.locks_held, 0);
	pr("msg\n");
	assert_int_equal(fake.locks_held, 0);
	console_input_banner();
	assert_int_equal(fake.locks_held, 0);
	feed("x" CTRL_A CTRL_A CTRL_A "y" CTRL_A CTRL_A CTRL_A);
	assert_int_equal(console_getc(&cl_a), 'x');   /* banner printed inside, twice */
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(console_getc(&cl_b), 'y');
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(console_getc(&cl_b), -1);
	assert_int_equal(fake.locks_held, 0);
	console_input_clear(&cl_a);
	assert_int_equal(fake.locks_held, 0);
	assert_int_equal(console_register(&cl_c), 0);
	assert_int_equal(fake.locks_held, 0);
	assert_string_equal(fake.out,
			    "[A] abc\n[A] d\nmsg\n"
			    "partvisor: console input goes to partition A (press Ctrl-a three times to switch)\n"
			    "partvisor: console input goes to partition B (press Ctrl-a three times to switch)\n"
			    "partvisor: console input goes to partition A (press Ctrl-a three times to switch)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pr_one_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_some_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pr_dropped_without_sink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pr_long_message_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_held_until_newline_or_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_drops_cr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_long_line_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interleaved_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_empty_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_to_first_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_focus_switch_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctrl_a_passed_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_queued_for_focus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_without_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locks_balanced, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
