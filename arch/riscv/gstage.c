/* SPDX-License-Identifier: MIT */
/*
 * G-stage page-table builder, Sv39x4 and Sv48x4 [Priv ISA, Hypervisor Extension,
 * "Guest Physical Address Translation"]. Pure logic; see gstage.h.
 *
 * Levels are numbered from the leaves: level 0 maps 4 KiB pages, level 1 2 MiB,
 * level 2 1 GiB, and the root is level gs->levels - 1. The root is widened by
 * two index bits (the "x4"): 2048 PTEs in 16 KiB.
 */
#include "arch/riscv/gstage.h"

#define LEVEL_BITS        9                        /* index bits of a 4 KiB table */
#define ROOT_EXTRA_BITS   2                        /* "x4": the root has 4x the entries */
#define TABLE_ENTRIES     (1ULL << LEVEL_BITS)
#define ROOT_ENTRIES      (TABLE_ENTRIES << ROOT_EXTRA_BITS)
#define ROOT_SIZE         GSTAGE_ROOT_SIZE         /* PAGE_SIZE << ROOT_EXTRA_BITS, also its alignment */
#define ROOT_PAGES        (1U << ROOT_EXTRA_BITS)
#define SV39X4_LEVELS     3
#define SV48X4_LEVELS     4
#define MAX_LEAF_LEVEL    2                        /* largest leaf used: 1 GiB */
#define PTE_PERM          (PTE_R | PTE_W | PTE_X)
#define PTE_LEAF_FLAGS    (PTE_V | PTE_U | PTE_A | PTE_D)

_Static_assert(ROOT_SIZE == (PAGE_SIZE << ROOT_EXTRA_BITS), "G-stage root: 2048 PTEs");

/* GPA width of a mode: 41 bits for Sv39x4, 50 for Sv48x4. */
static unsigned gpa_bits(unsigned levels)
{
	return PAGE_SHIFT + LEVEL_BITS * levels + ROOT_EXTRA_BITS;
}

/* Bytes covered by one PTE at @level. */
static uint64_t level_size(unsigned level)
{
	return 1ULL << (PAGE_SHIFT + LEVEL_BITS * level);
}

/* Index of @g's PTE in the table at @level (the root has the wider index). */
static size_t pte_index(const struct gstage *gs, uint64_t g, unsigned level)
{
	uint64_t entries = level == gs->levels - 1 ? ROOT_ENTRIES : TABLE_ENTRIES;

	return (size_t)((g >> (PAGE_SHIFT + LEVEL_BITS * level)) & (entries - 1));
}

static uint64_t pa_to_pte(uint64_t pa)
{
	return FIELD_PREP(PTE_PPN, pa >> PAGE_SHIFT);
}

static uint64_t pte_to_pa(uint64_t pte)
{
	return FIELD_GET(PTE_PPN, pte) << PAGE_SHIFT;
}

static uint64_t *pte_to_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)pte_to_pa(pte);
}

/* Largest leaf level usable at @g -> @h with @left bytes still to map. */
static unsigned chunk_level(uint64_t g, uint64_t h, uint64_t left)
{
	unsigned level = MAX_LEAF_LEVEL;

	while (level > 0 && !(IS_ALIGNED(g | h, level_size(level)) && left >= level_size(level)))
		level--;
	return level;
}

/*
 * Find the PTE slot for @g at @level. With @alloc, missing tables on the way are
 * allocated; without, *@slot is set to NULL when one is missing (the range is free).
 * -PV_EEXIST when a leaf sits above @level, -PV_ENOMEM when allocation fails.
 */
static int walk(struct gstage *gs, uint64_t g, unsigned level, bool alloc, uint64_t **slot)
{
	uint64_t *table = gs->root;

	for (unsigned l = gs->levels - 1; l > level; l--) {
		uint64_t *pte = &table[pte_index(gs, g, l)];

		if (!(*pte & PTE_V)) {
			uint64_t *next;

			if (!alloc) {
				*slot = NULL;
				return PV_OK;
			}
			next = gs->alloc(gs->alloc_ctx, PAGE_SIZE);
			if (!next)
				return -PV_ENOMEM;
			gs->nr_tables++;
			*pte = pa_to_pte((uintptr_t)next) | PTE_V;
		} else if (*pte & PTE_PERM) {
			return -PV_EEXIST;
		}
		table = pte_to_table(*pte);
	}
	*slot = &table[pte_index(gs, g, level)];
	return PV_OK;
}

int gstage_init(struct gstage *gs, uint64_t gpa_limit, gstage_alloc_fn alloc, void *ctx)
{
	unsigned levels;

	if (gpa_limit <= 1ULL << gpa_bits(SV39X4_LEVELS))
		levels = SV39X4_LEVELS;
	else if (gpa_limit <= 1ULL << gpa_bits(SV48X4_LEVELS))
		levels = SV48X4_LEVELS;
	else
		return -PV_ERANGE;

	*gs = (struct gstage){ .levels = levels, .alloc = alloc, .alloc_ctx = ctx };
	gs->root = alloc(ctx, ROOT_SIZE);
	if (!gs->root)
		return -PV_ENOMEM;
	if (!IS_ALIGNED((uintptr_t)gs->root, ROOT_SIZE))
		return -PV_EINVAL;      /* allocator broke its contract: hgatp cannot encode it */
	gs->nr_tables = ROOT_PAGES;
	return PV_OK;
}

int gstage_map(struct gstage *gs, gpa_t g, hpa_t h, uint64_t size, uint64_t perm)
{
	uint64_t glimit = 1ULL << gpa_bits(gs->levels);
	uint64_t hlimit = 1ULL << HPA_BITS;

	if (!IS_ALIGNED(g.v | h.v | size, PAGE_SIZE))
		return -PV_EINVAL;
	if (!(perm & PTE_PERM) || (perm & ~PTE_PERM) || (perm & (PTE_R | PTE_W)) == PTE_W)
		return -PV_EINVAL;
	if (size > glimit || g.v > glimit - size || size > hlimit || h.v > hlimit - size)
		return -PV_ERANGE;

	/* Pass 0 only checks the whole range is free, so -PV_EEXIST changes nothing. */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t off, step;

		for (off = 0; off < size; off += step) {
			unsigned level = chunk_level(g.v + off, h.v + off, size - off);
			uint64_t *slot;
			int rc = walk(gs, g.v + off, level, pass == 1, &slot);

			step = level_size(level);
			if (rc)
				return rc;
			if (slot && (*slot & PTE_V))
				return -PV_EEXIST;
			if (pass == 1)
				*slot = pa_to_pte(h.v + off) | perm | PTE_LEAF_FLAGS;
		}
	}
	return PV_OK;
}

int gstage_translate(const struct gstage *gs, gpa_t g, hpa_t *h, uint64_t *perm, uint64_t *page_size)
{
	const uint64_t *table = gs->root;

	if (g.v >> gpa_bits(gs->levels))
		return -PV_ERANGE;

	for (unsigned l = gs->levels; l-- > 0;) {
		uint64_t pte = table[pte_index(gs, g.v, l)];

		if (!(pte & PTE_V))
			return -PV_ENOENT;
		if (pte & PTE_PERM) {
			uint64_t sz = level_size(l);

			if (h)
				*h = hpa(pte_to_pa(pte) + (g.v & (sz - 1)));
			if (perm)
				*perm = pte & PTE_PERM;
			if (page_size)
				*page_size = sz;
			return PV_OK;
		}
		table = pte_to_table(pte);
	}
	return -PV_ENOENT;      /* pointer PTE at level 0: malformed, never built here */
}

uint64_t gstage_hgatp(const struct gstage *gs, uint16_t vmid)
{
	uint64_t mode = gs->levels == SV39X4_LEVELS ? HGATP_MODE_SV39X4 : HGATP_MODE_SV48X4;

	return FIELD_PREP(HGATP_MODE, mode) | FIELD_PREP(HGATP_VMID, vmid) |
	       FIELD_PREP(HGATP_PPN, (uintptr_t)gs->root >> PAGE_SHIFT);
}

uint64_t gstage_leaf_pte(hpa_t h, uint64_t perm)
{
	return pa_to_pte(h.v) | (perm & PTE_PERM) | PTE_LEAF_FLAGS;
}

int gstage_clone_window(struct gstage *dst, const struct gstage *src, gpa_t g, uint64_t size, uint64_t **slots)
{
	uint64_t *table;
	const uint64_t *from;

	if (!size || !IS_ALIGNED(g.v | size, PAGE_SIZE) || (g.v >> gpa_bits(src->levels)) ||
	    (g.v >> (PAGE_SHIFT + LEVEL_BITS)) != ((g.v + size - 1) >> (PAGE_SHIFT + LEVEL_BITS)))
		return -PV_EINVAL;
	*dst = (struct gstage){ .levels = src->levels, .alloc = src->alloc, .alloc_ctx = src->alloc_ctx };
	dst->root = src->alloc(src->alloc_ctx, ROOT_SIZE);
	if (!dst->root || !IS_ALIGNED((uintptr_t)dst->root, ROOT_SIZE))
		return -PV_ENOMEM;
	dst->nr_tables = ROOT_PAGES;
	for (size_t i = 0; i < ROOT_ENTRIES; i++)
		dst->root[i] = src->root[i];

	/* Down the window's path: replace each shared table by a private copy. */
	table = dst->root;
	from = src->root;
	for (unsigned l = src->levels - 1; l > 0; l--) {
		uint64_t *pte = &table[pte_index(src, g.v, l)];
		uint64_t *copy;

		if ((*pte & PTE_V) && (*pte & PTE_PERM))
			return -PV_EEXIST;          /* a superpage covers the window */
		copy = src->alloc(src->alloc_ctx, PAGE_SIZE);
		if (!copy)
			return -PV_ENOMEM;
		dst->nr_tables++;
		if (from && (*pte & PTE_V)) {
			from = pte_to_table(*pte);
			for (size_t i = 0; i < TABLE_ENTRIES; i++)
				copy[i] = from[i];
		} else {
			from = NULL;                /* nothing mapped below: the copy stays empty */
		}
		*pte = pa_to_pte((uintptr_t)copy) | PTE_V;
		table = copy;
	}
	*slots = &table[pte_index(src, g.v, 0)];
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		(*slots)[off >> PAGE_SHIFT] = 0;
	return PV_OK;
}
