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

#include "bits.h"
#include "types.h"

/* G-stage PTE fields [Priv ISA, "Sv39" PTE format; "Guest Physical Address Translation"]. */
#define PTE_V BIT_ULL(0)      /**< valid */
#define PTE_R BIT_ULL(1)      /**< readable */
#define PTE_W BIT_ULL(2)      /**< writable */
#define PTE_X BIT_ULL(3)      /**< executable */
#define PTE_U BIT_ULL(4)      /**< required in every G-stage leaf: all G-stage accesses are U-mode accesses */
#define PTE_G BIT_ULL(5)      /**< global */
#define PTE_A BIT_ULL(6)      /**< accessed */
#define PTE_D BIT_ULL(7)      /**< dirty */
/** PTE.PPN[43:0] (bits 53:10) [Priv ISA "Sv39"]; the IOMMU's PPN fields have this layout too (iommu_bits.h). */
#define PTE_PPN GENMASK_ULL(53, 10)
/** Position of PTE_PPN, derived from it (tests/unit/test_gstage.c shifts by hand; prefer FIELD_GET/FIELD_PREP). */
#define PTE_PPN_SHIFT FIELD_SHIFT(PTE_PPN)

/** Width of a host physical address: 12 offset bits + the 44 PPN bits of a PTE, hgatp or iohgatp (56). */
#define HPA_BITS 56
/** Size and alignment of a G-stage root table: 2048 PTEs, 16 KiB [Priv ISA "hgatp"; IOMMU spec §2.1.3 iohgatp]. */
#define GSTAGE_ROOT_SIZE KiB(16)

/* hgatp (RV64) [Priv ISA "Hypervisor Guest Address Translation and Protection (hgatp) Register"]. The IOMMU's
 * iohgatp has the same MODE and PPN fields and MODE encoding, and a 16-bit GSCID in 59:44 [IOMMU spec §2.1.3]. */
#define HGATP_MODE GENMASK_ULL(63, 60)   /**< translation scheme, HGATP_MODE_* */
#define HGATP_VMID GENMASK_ULL(57, 44)   /**< virtual machine id (14 bits) */
#define HGATP_PPN  GENMASK_ULL(43, 0)    /**< PPN of the 16 KiB root table */

/** hgatp.MODE / iohgatp.MODE value: no translation [Priv ISA "hgatp"; IOMMU spec §2.1.3]. */
#define HGATP_MODE_BARE   0ULL
/** hgatp.MODE / iohgatp.MODE value: Sv39x4, 41-bit guest physical addresses. */
#define HGATP_MODE_SV39X4 8ULL
/** hgatp.MODE / iohgatp.MODE value: Sv48x4, 50-bit guest physical addresses. */
#define HGATP_MODE_SV48X4 9ULL

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

/**
 * A 4 KiB leaf PTE as gstage_map() writes it: @h with permissions @perm
 * (GS_R/GS_W/GS_X) and V=U=A=D=1 [Priv ISA "Guest Physical Address Translation"].
 * For code that edits one leaf slot itself (gstage_clone_window()).
 */
uint64_t gstage_leaf_pte(hpa_t h, uint64_t perm);

/**
 * Build @dst as a second G-stage address space for a device: its root copies
 * every root entry of @src, so it shares @src's subtables (RAM, BARs), except
 * along the path to the 4 KiB pages [@g, @g + @size), where @dst gets private
 * copies of the tables down to the leaf table, with the window's own entries
 * cleared. *@slots is set to the leaf slot of @g in that private table: the
 * caller fills slot k (page @g + k * 4 KiB) with gstage_leaf_pte() to open a page
 * [IOMMU spec §2.1.3 iohgatp; used for MSIs without MSI page tables].
 * @src must be complete: later changes to it above the window are seen by @dst
 * only where they edit shared subtables, not where they add root entries.
 * @g and @size must be 4 KiB aligned and the window must lie inside one leaf table
 * (one 2 MiB region): -PV_EINVAL; a superpage of @src covering it: -PV_EEXIST;
 * -PV_ENOMEM when a table cannot be allocated (from @src's allocator).
 * Table pages used: 4 (root) + one per level below it on the path.
 */
int gstage_clone_window(struct gstage *dst, const struct gstage *src, gpa_t g, uint64_t size, uint64_t **slots);

/** hgatp/iohgatp value for @gs with VMID/GSCID @vmid [Priv ISA "hgatp"; IOMMU spec "iohgatp"]. */
uint64_t gstage_hgatp(const struct gstage *gs, uint16_t vmid);

#endif
