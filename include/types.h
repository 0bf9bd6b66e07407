/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by the firmware and the host unit tests.
 *
 * Host physical and guest physical addresses have distinct struct types so the
 * compiler rejects passing one where the other is meant. Use hpa()/gpa() to
 * make one from a number and .v to read the number back.
 */
#ifndef PV_TYPES_H
#define PV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A host (supervisor) physical address, in bytes. */
typedef struct { uint64_t v; } hpa_t;
/** A guest physical address (the input of G-stage translation), in bytes. */
typedef struct { uint64_t v; } gpa_t;

/** Make a host physical address from a byte value. */
static inline hpa_t hpa(uint64_t v) { return (hpa_t){ v }; }
/** Make a guest physical address from a byte value. */
static inline gpa_t gpa(uint64_t v) { return (gpa_t){ v }; }
/** @a plus @off bytes. */
static inline hpa_t hpa_add(hpa_t a, uint64_t off) { return (hpa_t){ a.v + off }; }
/** @a plus @off bytes. */
static inline gpa_t gpa_add(gpa_t a, uint64_t off) { return (gpa_t){ a.v + off }; }
/** Bytes from @base up to @a (caller ensures @a >= @base). */
static inline uint64_t gpa_diff(gpa_t a, gpa_t base) { return a.v - base.v; }
/** Whether [@base, @base + @size) contains @a (no overflow for any input). */
static inline _Bool gpa_in(gpa_t a, gpa_t base, uint64_t size) { return a.v >= base.v && a.v - base.v < size; }
/** A host pointer for host physical address @a (the hypervisor runs with satp = Bare). */
static inline void *hpa_ptr(hpa_t a) { return (void *)(uintptr_t)a.v; }
/** The host physical address of hypervisor pointer @p (satp = Bare: identity). */
static inline hpa_t hpa_of(const void *p) { return (hpa_t){ (uint64_t)(uintptr_t)p }; }

/** For printing 64-bit values with %llx/%llu on every target. */
typedef unsigned long long ull;

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)

/** Element count of array @a. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
/** The struct of type @type whose member @member is at @ptr. */
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - __builtin_offsetof(type, member)))

/** A half-open byte range [base, base + size) of host physical memory. */
struct hpa_range {
	hpa_t base;
	uint64_t size;
};

/* Error codes returned (negated) by partvisor functions. */
#define PV_OK      0
#define PV_EINVAL  22  /* bad argument (alignment, range) */
#define PV_ENOMEM  12  /* allocator exhausted */
#define PV_EEXIST  17  /* something is already mapped there */
#define PV_ENOENT   2  /* not found */
#define PV_ERANGE  34  /* value out of the supported range */
#define PV_EALREADY 114 /* nothing to undo: not done before */

#endif
