/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/entropy.c: guest seed material never repeats and follows the host seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/entropy.h"

#define UNUSED __attribute__((unused))

/* Draws never repeat, whatever the salt (same salt, same time, same partition). */
static void test_no_repeat(void **state UNUSED)
{
	static uint8_t seen[256][64];

	entropy_add("host seed bytes", 15, 1);
	for (unsigned i = 0; i < 256; i++) {
		entropy_fill(seen[i], sizeof(seen[i]), 42);
		for (unsigned j = 0; j < i; j++)
			assert_memory_not_equal(seen[i], seen[j], sizeof(seen[i]));
	}
	/* bytes are spread: no draw is all zeros, and a draw's 8-byte words differ */
	for (unsigned i = 0; i < 256; i++)
		for (unsigned w = 1; w < 8; w++)
			assert_memory_not_equal(seen[i], seen[i] + 8 * w, 8);
}

/* An odd length is filled exactly, nothing past it. */
static void test_length(void **state UNUSED)
{
	uint8_t buf[13];

	memset(buf, 0xee, sizeof(buf));
	entropy_fill(buf, 11, 7);
	assert_int_equal(buf[11], 0xee);
	assert_int_equal(buf[12], 0xee);
}

/* Two machines with different host seeds and the same time give different guests different seeds. */
static void test_follows_host_seed(void **state UNUSED)
{
	uint8_t a[32], b[32];

	/* the pool is global: compare the effect of two different additions on copies of the output */
	entropy_add("seed A", 6, 5);
	entropy_fill(a, sizeof(a), 9);
	entropy_add("seed B", 6, 5);
	entropy_fill(b, sizeof(b), 9);
	assert_memory_not_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_repeat),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_follows_host_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
