/* SPDX-License-Identifier: MIT */
/* Guest seed material: a splitmix64-mixed pool with a draw counter. See entropy.h. */
#include "lib/entropy.h"

static uint64_t pool[4];
static uint64_t draws;
static volatile uint32_t lock;

/* splitmix64 finaliser: spreads every input bit over the output. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void take(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void give(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void entropy_reset(void)
{
	take();
	for (unsigned k = 0; k < 4; k++)
		pool[k] = 0;
	draws = 0;
	give();
}

void entropy_add(const void *seed, size_t len, uint64_t salt)
{
	const uint8_t *s = seed;

	take();
	pool[0] = mix64(pool[0] ^ salt);
	for (size_t i = 0; s && i < len; i++)
		pool[i / 8 % 4] = mix64(pool[i / 8 % 4] ^ ((uint64_t)s[i] << (8 * (i % 8))) ^ i);
	for (unsigned k = 1; k < 4; k++)
		pool[k] = mix64(pool[k] ^ pool[k - 1]);
	give();
}

void entropy_fill(void *buf, size_t len, uint64_t salt)
{
	uint8_t *b = buf;

	take();
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = mix64(pool[(i / 8) % 4] ^ mix64(++draws ^ salt));

		for (unsigned k = 0; k < 8 && i + k < len; k++)
			b[i + k] = (uint8_t)(v >> (8 * k));
	}
	/* Move the pool on, so an output never tells an earlier or a later one. */
	for (unsigned k = 0; k < 4; k++)
		pool[k] = mix64(pool[k] ^ draws ^ k);
	give();
}
