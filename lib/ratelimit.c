/* SPDX-License-Identifier: MIT */
/* Token-bucket rate limits for guest-triggered messages. See ratelimit.h. */
#include "lib/ratelimit.h"

bool ratelimit_allow(struct ratelimit *r, uint64_t now, uint64_t interval, uint32_t burst, uint32_t *suppressed)
{
	bool ok;

	while (__atomic_exchange_n(&r->lock, 1, __ATOMIC_ACQUIRE))
		;
	if (!r->primed) {
		r->primed = true;
		r->tokens = burst;
		r->last = now;
	} else if (interval && now - r->last >= interval) {
		uint64_t add = (now - r->last) / interval;

		r->tokens = r->tokens >= burst || add >= burst - r->tokens ? burst : r->tokens + (uint32_t)add;
		r->last += add * interval;
	}
	ok = r->tokens > 0;
	if (ok) {
		r->tokens--;
		if (suppressed)
			*suppressed = r->suppressed;
		r->suppressed = 0;
	} else {
		r->suppressed++;
	}
	__atomic_store_n(&r->lock, 0, __ATOMIC_RELEASE);
	return ok;
}
