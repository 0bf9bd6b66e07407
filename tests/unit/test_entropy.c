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

/*
 * The output follows the host seed: two machines with the same time but different seeds give
 * different bytes, the same seed the same bytes (so the difference is the seed's, not a counter's).
 */
static void test_follows_host_seed(void **state UNUSED)
{
	uint8_t a[32], b[32], c[32];

	entropy_reset();
	entropy_add("seed A", 6, 5);
	entropy_fill(a, sizeof(a), 9);
	entropy_reset();
	entropy_add("seed B", 6, 5);
	entropy_fill(b, sizeof(b), 9);
	entropy_reset();
	entropy_add("seed A", 6, 5);
	entropy_fill(c, sizeof(c), 9);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_equal(a, c, sizeof(a));
	/* one byte of seed differs: every output word differs */
	entropy_reset();
	entropy_add("seed a", 6, 5);
	entropy_fill(b, sizeof(b), 9);
	for (unsigned w = 0; w < 4; w++)
		assert_memory_not_equal(a + 8 * w, b + 8 * w, 8);
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
