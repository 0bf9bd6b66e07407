/* SPDX-License-Identifier: MIT */
/* Bulk zeroing and copying with doubleword stores, and memory jobs shared by harts. See mem.h. */
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

#define JOB_CLOSED 0xffffffffu

void mem_job_begin(struct mem_job *j, uint64_t chunk)
{
	uint64_t gen = (__atomic_load_n(&j->next, __ATOMIC_RELAXED) >> 32) + 1;

	/* Closed first: a taker still holding the old value fails its compare-and-swap. */
	__atomic_store_n(&j->next, (gen << 32) | JOB_CLOSED, __ATOMIC_SEQ_CST);
	j->nr_seg = 0;
	j->nr_chunks = 0;
	j->chunk = chunk ? chunk : 1;
	__atomic_store_n(&j->done, 0, __ATOMIC_RELAXED);
}

int mem_job_add(struct mem_job *j, void *dst, const void *src, uint64_t len)
{
	struct mem_seg *s;

	if (!len)
		return 0;
	if (j->nr_seg >= MEM_JOB_MAX_SEGS)
		return -1;
	s = &j->seg[j->nr_seg++];
	s->dst = dst;
	s->src = src;
	s->len = len;
	s->first_chunk = j->nr_chunks;
	j->nr_chunks += (uint32_t)((len + j->chunk - 1) / j->chunk);
	return 0;
}

void mem_job_publish(struct mem_job *j)
{
	uint64_t gen = __atomic_load_n(&j->next, __ATOMIC_RELAXED) >> 32;

	__atomic_store_n(&j->next, gen << 32, __ATOMIC_RELEASE);
}

bool mem_job_take(struct mem_job *j, struct mem_piece *out)
{
	uint64_t v = __atomic_load_n(&j->next, __ATOMIC_ACQUIRE);
	uint32_t idx;
	const struct mem_seg *s;

	do {
		idx = (uint32_t)v;
		if (idx == JOB_CLOSED || idx >= j->nr_chunks)
			return false;
	} while (!__atomic_compare_exchange_n(&j->next, &v, v + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	/* The job cannot be rebuilt before this piece is finished: its segments stay as they are. */
	s = &j->seg[0];
	while (s + 1 < j->seg + j->nr_seg && s[1].first_chunk <= idx)
		s++;
	{
		uint64_t off = (uint64_t)(idx - s->first_chunk) * j->chunk;
		uint64_t len = s->len - off < j->chunk ? s->len - off : j->chunk;

		out->dst = (uint8_t *)s->dst + off;
		out->src = s->src ? (const uint8_t *)s->src + off : NULL;
		out->len = len;
	}
	return true;
}

bool mem_job_finish(struct mem_job *j)
{
	return __atomic_add_fetch(&j->done, 1, __ATOMIC_RELEASE) == j->nr_chunks;
}

bool mem_job_done(const struct mem_job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE) >= j->nr_chunks;
}

uint64_t mem_job_bytes(const struct mem_job *j)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < j->nr_seg; i++)
		n += j->seg[i].len;
	return n;
}
