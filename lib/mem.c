/* SPDX-License-Identifier: MIT */
/* Bulk zeroing and copying with doubleword stores. See mem.h. */
#include <stdint.h>

#include "lib/mem.h"

void mem_zero(void *p, size_t n)
{
	uint8_t *b = p;

	for (; n && ((uintptr_t)b & 7); n--)
		*b++ = 0;
	for (uint64_t *w = (uint64_t *)(void *)b; n >= 64; n -= 64, w += 8, b += 64) {
		w[0] = 0; w[1] = 0; w[2] = 0; w[3] = 0;
		w[4] = 0; w[5] = 0; w[6] = 0; w[7] = 0;
	}
	for (; n >= 8; n -= 8, b += 8)
		*(uint64_t *)(void *)b = 0;
	while (n--)
		*b++ = 0;
}

void mem_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
		for (; n && ((uintptr_t)d & 7); n--)
			*d++ = *s++;
		for (; n >= 64; n -= 64, d += 64, s += 64) {
			const uint64_t *sw = (const void *)s;
			uint64_t *dw = (void *)d;

			dw[0] = sw[0]; dw[1] = sw[1]; dw[2] = sw[2]; dw[3] = sw[3];
			dw[4] = sw[4]; dw[5] = sw[5]; dw[6] = sw[6]; dw[7] = sw[7];
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
}
