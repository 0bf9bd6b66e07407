/* SPDX-License-Identifier: MIT */
/* Ticket spinlocks [A extension "amoadd.w"; RVWMO acquire/release]. */
#include "arch/riscv/lock.h"

void spin_lock(spinlock_t *l)
{
	uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		;
}

bool spin_trylock(spinlock_t *l)
{
	uint32_t t = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	/* Free when the next ticket is the one being served: take it only then. */
	return __atomic_compare_exchange_n(&l->next, &t, t + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}
