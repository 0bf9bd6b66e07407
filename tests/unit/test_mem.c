/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/mem.c: mem_zero and mem_copy against memset/memcpy at every alignment and length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/mem.h"

#define UNUSED __attribute__((unused))
#define BUF 512

static uint8_t a[BUF], b[BUF], src[BUF];

static void fill(uint8_t *p, unsigned seed)
{
	for (unsigned i = 0; i < BUF; i++)
		p[i] = (uint8_t)(i * 37 + seed);
}

static void test_zero(void **state UNUSED)
{
	for (unsigned off = 0; off < 16; off++)
		for (unsigned n = 0; n < 300; n++) {
			fill(a, off);
			fill(b, off);
			memset(a + off, 0, n);
			mem_zero(b + off, n);
			assert_memory_equal(a, b, BUF);   /* the bytes around are untouched too */
		}
}

static void test_copy(void **state UNUSED)
{
	fill(src, 99);
	for (unsigned doff = 0; doff < 16; doff++)
		for (unsigned soff = 0; soff < 16; soff++)
			for (unsigned n = 0; n < 200; n += 7) {
				fill(a, doff);
				fill(b, doff);
				memcpy(a + doff, src + soff, n);
				mem_copy(b + doff, src + soff, n);
				assert_memory_equal(a, b, BUF);
			}
}

/* Take every piece of @j and do it; returns how many pieces there were. */
static unsigned run_job(struct mem_job *j)
{
	struct mem_piece pc;
	unsigned n = 0;

	while (mem_job_take(j, &pc)) {
		assert_true(pc.len > 0 && pc.len <= j->chunk);
		if (pc.src)
			memcpy(pc.dst, pc.src, pc.len);
		else
			memset(pc.dst, 0, pc.len);
		n++;
		{
			bool last = mem_job_finish(j);

			assert_int_equal(last, mem_job_done(j));   /* the last finish makes it done */
		}
	}
	return n;
}

static void test_job(void **state UNUSED)
{
	static struct mem_job j;   /* zero-initialised: an empty job, done */
	struct mem_piece pc;

	assert_true(mem_job_done(&j));
	assert_false(mem_job_take(&j, &pc));
	fill(src, 5);
	for (unsigned chunk = 1; chunk < 80; chunk += 13) {
		fill(a, 1);
		fill(b, 1);
		/* zero 0..99, copy 100..299 from src, a gap 300..309 left alone, zero 310..511 */
		memset(a, 0, 100);
		memcpy(a + 100, src, 200);
		memset(a + 310, 0, BUF - 310);
		mem_job_begin(&j, chunk);
		assert_false(mem_job_take(&j, &pc));    /* closed while it is being built */
		assert_int_equal(mem_job_add(&j, b, NULL, 100), 0);
		assert_int_equal(mem_job_add(&j, b + 100, src, 200), 0);
		assert_int_equal(mem_job_add(&j, b + 300, NULL, 0), 0);   /* empty: skipped */
		assert_int_equal(mem_job_add(&j, b + 310, NULL, BUF - 310), 0);
		assert_int_equal(j.nr_seg, 3);
		assert_int_equal(mem_job_bytes(&j), BUF - 10);
		assert_false(mem_job_done(&j));
		mem_job_publish(&j);
		assert_int_equal(run_job(&j), (100 + chunk - 1) / chunk + (200 + chunk - 1) / chunk +
					      (BUF - 310 + chunk - 1) / chunk);
		assert_true(mem_job_done(&j));
		assert_false(mem_job_take(&j, &pc));    /* nothing left once done */
		assert_memory_equal(a, b, BUF);
	}
	/* Too many segments: refused. */
	mem_job_begin(&j, 64);
	for (unsigned i = 0; i < MEM_JOB_MAX_SEGS; i++)
		assert_int_equal(mem_job_add(&j, b + i, NULL, 1), 0);
	assert_int_equal(mem_job_add(&j, b, NULL, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_job),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
