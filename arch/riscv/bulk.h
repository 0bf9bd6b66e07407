/* SPDX-License-Identifier: MIT */
/*
 * Bulk zeroing and copying of partition RAM with the widest stores the hart has:
 * Zicboz cbo.zero (one cache block per instruction) [Zicboz "cbo.zero"], or whole
 * vector register groups (vs8r.v / vl8re8.v: 8 x VLEN bits per instruction) [V spec
 * "Vector Load/Store Whole Register Instructions"], else lib/mem.c's doubleword loops.
 * Each hart probes what works for it (arch_bulk_hart_init); the choice is per hart.
 */
#ifndef PV_ARCH_BULK_H
#define PV_ARCH_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a hart may use, from the host device tree (platform discovery). */
struct arch_bulk_features {
	uint32_t cboz_block;   /**< Zicboz cache-block size in bytes (riscv,cboz-block-size), 0 = none */
	bool v;                /**< V extension (riscv,isa-extensions has "v") */
};

/** How a hart zeroes (arch_bulk_zero_method); copying uses BULK_VECTOR or BULK_SCALAR. */
enum arch_bulk_method {
	BULK_SCALAR,     /**< doubleword stores (and loads), 8 bytes an instruction */
	BULK_CBO_ZERO,   /**< Zicboz cbo.zero, one cache block an instruction */
	BULK_VECTOR,     /**< whole-register vector stores (and loads) of 8 registers, 8 * vlenb bytes */
};

/**
 * Probe on the running hart (after arch_hart_set_current: a trap resumes at the
 * probe's fixup) whether cbo.zero executes (M-mode must have set menvcfg.CBZE;
 * OpenSBI does when the DT announces Zicboz) and whether vector instructions do
 * (sstatus.VS can be turned on), then choose per operation the method that
 * stores the most bytes per instruction: cbo.zero writes one block, a vector
 * whole-register store of 8 registers writes 8 * vlenb bytes; a tie goes to
 * cbo.zero (no read for ownership on real caches).
 */
void arch_bulk_hart_init(const struct arch_bulk_features *f);

/**
 * Set @n bytes at @p to zero on this hart. Uses the vector registers when that
 * is the method (their previous contents are lost: only while no guest state
 * lives in them, i.e. before a vCPU load, which resets them).
 */
void arch_bulk_zero(void *p, size_t n);

/** Copy @n bytes from @src to @dst (not overlapping) on this hart; vector registers as arch_bulk_zero. */
void arch_bulk_copy(void *dst, const void *src, size_t n);

/** The method this hart uses for zeroing. */
enum arch_bulk_method arch_bulk_zero_method(void);

/** Name of @m for messages: "doubleword stores", "cbo.zero", "vector". */
const char *arch_bulk_method_name(enum arch_bulk_method m);

#endif
