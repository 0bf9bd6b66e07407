/* SPDX-License-Identifier: MIT */
/*
 * Bulk memory operations for partition RAM (megabytes at every partition start):
 * 64-byte unrolled doubleword loops where the C library's size-optimised ones go a
 * byte at a time. Pure C; any alignment (the unaligned head and tail are done bytewise).
 */
#ifndef PV_MEM_H
#define PV_MEM_H

#include <stddef.h>

/** Set @n bytes at @p to zero. */
void mem_zero(void *p, size_t n);

/** Copy @n bytes from @src to @dst (the ranges must not overlap). */
void mem_copy(void *dst, const void *src, size_t n);

#endif
