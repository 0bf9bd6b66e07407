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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
