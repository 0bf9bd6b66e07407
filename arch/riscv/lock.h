/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks: ticket locks, so harts get the lock in the order they asked for it
 * and no hart can be starved by faster ones [RVWMO; A extension amoadd.w].
 * Inline in the firmware (they sit on every emulated access); host unit tests
 * link their own counting versions (tests/unit/fake_arch.c).
 */
#ifndef PV_ARCH_LOCK_H
#define PV_ARCH_LOCK_H

#include <stdbool.h>
#include <stdint.h>

/** A ticket lock; zero-initialised means unlocked. */
typedef struct {
	volatile uint32_t next;    /**< next ticket to hand out */
	volatile uint32_t owner;   /**< ticket now served */
} spinlock_t;

#ifdef PV_HOST_TEST
void spin_lock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
#else
/** Take @l, waiting in ticket order. */
static inline void spin_lock(spinlock_t *l)
{
	uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		;
}

/** Take @l if it is free right now; returns true if taken. */
static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t t = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	/* Free when the next ticket is the one being served: take it only then. */
	return __atomic_compare_exchange_n(&l->next, &t, t + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/** Release @l (taken with spin_lock or spin_trylock). */
static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}
#endif

#endif
