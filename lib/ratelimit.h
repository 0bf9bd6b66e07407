/* SPDX-License-Identifier: MIT */
/*
 * Rate limits for messages a guest or its device can trigger: a token bucket of
 * @burst messages refilled by one token every @interval ticks. The state is kept
 * by its owner for the whole life of the system (a partition rebooting does not
 * reset it). Pure: the caller passes the time.
 */
#ifndef PV_RATELIMIT_H
#define PV_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/** One rate limit; zero-initialised it is full (the first call fills it). */
struct ratelimit {
	uint32_t tokens;          /**< messages that may still be printed now */
	uint32_t suppressed;      /**< messages refused since the last one printed */
	uint64_t last;            /**< time of the last refill, ticks */
	bool primed;              /**< the bucket was filled once */
	volatile uint32_t lock;   /**< test-and-set, held only inside ratelimit_allow() */
};

/**
 * Whether one more message may be printed at time @now (ticks): refills one token
 * per @interval ticks elapsed, up to @burst, then takes one. Returns false when
 * none is left; *@suppressed (may be NULL) gets the count of refused messages
 * before this allowed one (so the caller can say "N messages suppressed"), and
 * is reset. Safe to call from several harts at once.
 */
bool ratelimit_allow(struct ratelimit *r, uint64_t now, uint64_t interval, uint32_t burst, uint32_t *suppressed);

#endif
