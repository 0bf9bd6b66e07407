/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer harnesses in tests/fuzz/: a reader that takes
 * numbers and bytes off the fuzzer's input (zeros once it is used up, so every
 * input is a valid run) and FUZZ_CHECK, which reports a broken invariant and
 * aborts (libFuzzer then saves the input as a crash).
 */
#ifndef PV_FUZZ_UTIL_H
#define PV_FUZZ_UTIL_H

#include <stdbool.h>
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

/*
 * Whether every property length in the structure block of FDT blob @b (@size bytes,
 * with the FDT magic) leaves the tag walk moving forward. libfdt before 1.7.0 (Debian
 * bookworm's 1.6.1, which the harnesses link) loops forever on a length that wraps the
 * offset around (fixed upstream by "libfdt: prevent integer overflow in fdt_next_tag";
 * the firmware links 1.7.2): harnesses skip such blobs instead of hanging. Walks the
 * tags the way fdt_next_tag() does and stops, answering true, wherever libfdt would stop.
 */
static inline bool fz_fdt_prop_lengths_ok(const uint8_t *b, size_t size)
{
#define FZ_BE32(p) ((uint32_t)(p)[0] << 24 | (uint32_t)(p)[1] << 16 | (uint32_t)(p)[2] << 8 | (p)[3])
	uint32_t off, len, ver, o = 0;

	if (size < 40)
		return true;
	off = FZ_BE32(b + 8);
	ver = FZ_BE32(b + 20);
	len = ver >= 17 ? FZ_BE32(b + 36) : (uint32_t)size;
	if (off >= size)
		return true;
	if (len > size - off)
		len = (uint32_t)(size - off);
	b += off;
	while (o + 4 <= len) {
		uint32_t tag = FZ_BE32(b + o);

		if (tag == 3) {                     /* FDT_PROP: len, nameoff, value */
			uint32_t plen, sum;

			if (o + 8 > len)
				return true;
			plen = FZ_BE32(b + o + 4);
			sum = plen + (o + 4);
			if (sum >= 0x7fffffffU || sum < o + 4)
				return false;
			o = (o + 12 + plen + 3) & ~3U;
		} else if (tag == 1) {              /* FDT_BEGIN_NODE: name */
			o += 4;
			while (o < len && b[o])
				o++;
			o = (o + 1 + 3) & ~3U;
		} else if (tag == 2 || tag == 4) {  /* FDT_END_NODE, FDT_NOP */
			o += 4;
		} else {                            /* FDT_END or garbage: libfdt stops here */
			return true;
		}
	}
	return true;
#undef FZ_BE32
}

#endif
