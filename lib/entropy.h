/* SPDX-License-Identifier: MIT */
/*
 * Seed material for guests (/chosen/rng-seed): a pool mixed once from what the
 * boot chain gives (the host device tree's /chosen/rng-seed) and the time, then
 * drawn from with a counter, so no two partitions and no two boots get the same
 * bytes. Not a cryptographic RNG of its own: its strength is the host seed's.
 */
#ifndef PV_ENTROPY_H
#define PV_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

/** Mix @len bytes of @seed (may be NULL) and @salt (e.g. the time) into the pool. */
void entropy_add(const void *seed, size_t len, uint64_t salt);

/** Empty the pool (host tests: start from a known state). */
void entropy_reset(void);

/** Fill @buf with @len bytes drawn from the pool (never the same bytes twice); @salt is mixed in too. */
void entropy_fill(void *buf, size_t len, uint64_t salt);

#endif
