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

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

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

#endif
