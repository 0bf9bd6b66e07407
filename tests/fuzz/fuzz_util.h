/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer harnesses in tests/fuzz/: a reader that takes
 * numbers and bytes off the fuzzer's input (zeros once it is used up, so every
 * input is a valid run) and FUZZ_CHECK, which reports a broken invariant and
 * aborts (libFuzzer then saves the input as a crash).
 */
#ifndef PV_FUZZ_UTIL_H
#define PV_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Abort with a message when invariant @cond does not hold. */
#define FUZZ_CHECK(cond, ...) do {                                                           \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                        \
			fputc('\n', stderr);                                                 \
			abort();                                                             \
		}                                                                            \
	} while (0)

/** The part of the input not consumed yet. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	return (struct fz){ data, size };
}

/** Copy up to @len bytes into @out, zero-filling what the input lacks; returns the bytes taken. */
static inline size_t fz_bytes(struct fz *f, void *out, size_t len)
{
	size_t k = len < f->n ? len : f->n;

	if (k)
		memcpy(out, f->p, k);
	if (k < len)
		memset((uint8_t *)out + k, 0, len - k);
	f->p += k;
	f->n -= k;
	return k;
}

/** Little-endian numbers off the input (0 when it is used up). */
static inline uint8_t fz_u8(struct fz *f)
{
	uint8_t v;

	fz_bytes(f, &v, 1);
	return v;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint8_t b[2];

	fz_bytes(f, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint8_t b[4];

	fz_bytes(f, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/** A private copy of @size input bytes in a heap block of exactly that size (ASan sees overreads). */
static inline uint8_t *fz_dup_exact(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);

	if (!b)
		abort();
	if (size)
		memcpy(b, data, size);
	return b;
}

#endif
