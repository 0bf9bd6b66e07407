/* SPDX-License-Identifier: MIT */
/*
 * Register-field helpers: every field is one mask, defined where the register
 * is (GENMASK_ULL(hi, lo) or BIT_ULL(n)), read with FIELD_GET and built with
 * FIELD_PREP. The shift is derived from the mask, so no field needs a second
 * _SHIFT constant. Compile-time constants only for @mask.
 */
#ifndef PV_BITS_H
#define PV_BITS_H

#include <stdint.h>

/** Bit @n (0..63) as a 64-bit value. */
#define BIT_ULL(n) (1ULL << (n))
/** Bits @hi..@lo (inclusive, 0 <= lo <= hi <= 63) set, as a 64-bit value. */
#define GENMASK_ULL(hi, lo) ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))
/** Lowest set bit position of non-zero @mask. */
#define FIELD_SHIFT(mask) ((unsigned)__builtin_ctzll((uint64_t)(mask)))
/** Field @mask of register value @reg, moved down to bit 0. */
#define FIELD_GET(mask, reg) (((uint64_t)(reg) & (uint64_t)(mask)) >> FIELD_SHIFT(mask))
/** Value @val placed into field @mask (bits of @val beyond the field are dropped). */
#define FIELD_PREP(mask, val) (((uint64_t)(val) << FIELD_SHIFT(mask)) & (uint64_t)(mask))

#endif
