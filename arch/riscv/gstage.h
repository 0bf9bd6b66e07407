/* SPDX-License-Identifier: MIT */
/*
 * G-stage (guest physical -> host physical) page tables, Sv39x4 and Sv48x4
 * [RISC-V Privileged ISA, "Hypervisor Extension", "Two-Stage Address Translation",
 * "Guest Physical Address Translation"]. Pure logic: the table memory comes from a
 * caller-supplied page allocator, so the builder runs the same on the host.
 *
 * Table pages are addressed through their host physical address; the firmware
 * runs with satp = Bare, so a table's host physical address equals its pointer.
 */
#ifndef PV_GSTAGE_H
#define PV_GSTAGE_H

#include "types.h"

/* G-stage PTE bits [Priv ISA, Sv39 PTE format]. */
#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)   /* required in every G-stage leaf: all G-stage accesses are U-mode accesses */
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_PPN_SHIFT 10

/** hgatp / iohgatp MODE values. */
#define HGATP_MODE_BARE   0ULL
#define HGATP_MODE_SV39X4 8ULL
#define HGATP_MODE_SV48X4 9ULL
#define HGATP_MODE_SHIFT  60
#define HGATP_VMID_SHIFT  44

/** Access permissions for gstage_map(). */
#define GS_R PTE_R
#define GS_W PTE_W
#define GS_X PTE_X
#define GS_RWX (PTE_R | PTE_W | PTE_X)

/** Page allocator for table pages: returns a zeroed, @size-aligned block of @size bytes, or NULL. */
typedef void *(*gstage_alloc_fn)(void *ctx, size_t size);

/** One G-stage address space. */
struct gstage {
	uint64_t *root;            /**< 16 KiB root table (2048 PTEs), 16 KiB aligned */
	unsigned levels;           /**< 3 for Sv39x4, 4 for Sv48x4 */
	gstage_alloc_fn alloc;
	void *alloc_ctx;
	unsigned nr_tables;        /**< table pages allocated, root counted as 4 (statistics) */
};

/**
 * Initialise @gs. @gpa_limit is the highest guest physical address + 1 that will be
 * mapped: <= 2^41 selects Sv39x4, <= 2^50 Sv48x4, more is -PV_ERANGE.
 * Allocates the root (16 KiB) from @alloc; -PV_ENOMEM if that fails.
 */
int gstage_init(struct gstage *gs, uint64_t gpa_limit, gstage_alloc_fn alloc, void *ctx);

/**
 * Map [@g, @g + @size) to [@h, @h + @size) with permissions @perm (GS_R/GS_W/GS_X).
 * Leaves get U=A=D=1. Uses 1 GiB and 2 MiB superpages wherever both addresses are
 * aligned and the remaining size allows, 4 KiB pages elsewhere.
 * @g, @h and @size must be 4 KiB aligned (-PV_EINVAL); the range must fit the mode
 * (-PV_ERANGE); an overlap with an existing mapping is -PV_EEXIST and leaves the
 * tables unchanged (the whole range is checked before anything is written);
 * -PV_ENOMEM when a table page cannot be allocated (intermediate tables may stay).
 * W without R is -PV_EINVAL (reserved encoding). A @size of 0 maps nothing.
 */
int gstage_map(struct gstage *gs, gpa_t g, hpa_t h, uint64_t size, uint64_t perm);

/**
 * Translate @g. Returns 0 and sets *@h and *@perm (leaf R/W/X bits; may be NULL)
 * and *@page_size (bytes of the leaf, may be NULL), or -PV_ENOENT for an unmapped
 * address (a hole) and -PV_ERANGE for one beyond the mode.
 */
int gstage_translate(const struct gstage *gs, gpa_t g, hpa_t *h, uint64_t *perm, uint64_t *page_size);

/** hgatp/iohgatp value for @gs with VMID/GSCID @vmid [Priv ISA "hgatp"; IOMMU spec "iohgatp"]. */
uint64_t gstage_hgatp(const struct gstage *gs, uint16_t vmid);

#endif
