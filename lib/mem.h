/* SPDX-License-Identifier: MIT */
/*
 * Bulk memory operations for partition RAM (megabytes at every partition start):
 * 64-byte unrolled doubleword loops where the C library's size-optimised ones go a
 * byte at a time. Pure C; any alignment (the unaligned head and tail are done bytewise).
 */
#ifndef PV_MEM_H
#define PV_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Set @n bytes at @p to zero. */
void mem_zero(void *p, size_t n);

/** Copy @n bytes from @src to @dst (the ranges must not overlap). */
void mem_copy(void *dst, const void *src, size_t n);

/*
 * A memory job: up to MEM_JOB_MAX_SEGS segments to zero or copy, cut into chunks that
 * several harts take and finish concurrently (lock-free: 64-bit atomics). A job is
 * (re)built by one hart with mem_job_begin / mem_job_add / mem_job_publish while no
 * other hart works on it (the previous job is done); workers loop on mem_job_take and
 * call mem_job_finish after each piece; mem_job_done tells when every piece is finished.
 */
#define MEM_JOB_MAX_SEGS 8

/** One segment: @len bytes at @dst, copied from @src, or zeroed when @src is NULL. */
struct mem_seg {
	void *dst;
	const void *src;
	uint64_t len;
	uint32_t first_chunk;   /**< index of its first chunk in the job */
};

/** A piece of work handed to one hart (part of one segment, at most one chunk long). */
struct mem_piece {
	void *dst;
	const void *src;        /**< NULL: zero @len bytes at @dst */
	uint64_t len;
};

/** The job. Zero-initialised it is an empty, done job. */
struct mem_job {
	struct mem_seg seg[MEM_JOB_MAX_SEGS];
	unsigned nr_seg;
	uint64_t chunk;         /**< bytes per chunk */
	uint32_t nr_chunks;
	uint32_t done;          /**< chunks finished (atomic) */
	uint64_t next;          /**< generation << 32 | next chunk index (atomic); index ~0: closed */
};

/** Start rebuilding @j with chunks of @chunk bytes (> 0): closed to takers until mem_job_publish. */
void mem_job_begin(struct mem_job *j, uint64_t chunk);

/** Add a segment (@src NULL: zero). Empty ones are skipped. Returns 0, or -1 if @j has no segment left. */
int mem_job_add(struct mem_job *j, void *dst, const void *src, uint64_t len);

/** Open @j to takers (release: the segments are visible to whoever takes a piece). */
void mem_job_publish(struct mem_job *j);

/** Claim the next piece of @j into @out. Returns false when every piece is taken (or the job is closed). */
bool mem_job_take(struct mem_job *j, struct mem_piece *out);

/** Report a taken piece finished (release). Returns true if it was the job's last one. */
bool mem_job_finish(struct mem_job *j);

/** Whether every piece of @j is finished (acquire: their stores are visible to the caller). */
bool mem_job_done(const struct mem_job *j);

/** Total bytes of @j's segments (for messages). */
uint64_t mem_job_bytes(const struct mem_job *j);

#endif
