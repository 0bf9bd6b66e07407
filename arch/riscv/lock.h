/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks: ticket locks, so harts get the lock in the order they asked for it
 * and no hart can be starved by faster ones [RVWMO; A extension amoadd.w].
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

/** Take @l, waiting in ticket order. */
void spin_lock(spinlock_t *l);
/** Take @l if it is free right now; returns true if taken. */
bool spin_trylock(spinlock_t *l);
/** Release @l (taken with spin_lock or spin_trylock). */
void spin_unlock(spinlock_t *l);

#endif
