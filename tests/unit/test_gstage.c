/* SPDX-License-Identifier: MIT */
/* Host unit tests for the G-stage page-table builder (arch/riscv/gstage.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arch/riscv/gstage.h"

#define SV39X4_TOP   (1ULL << 41)
#define SV48X4_TOP   (1ULL << 50)
#define ROOT_BYTES   KiB(16)
#define ROOT_PAGES   4U
#define MAX_BLOCKS   64
#define PPN_MASK     ((1ULL << 44) - 1)
#define LEAF_FLAGS   (PTE_V | PTE_U | PTE_A | PTE_D)
#define PTE_FLAGS    0xffULL               /* V R W X U G A D */
#define PTE_HIGH     (~0ULL << 54)         /* reserved / PBMT / N: never set here */

/* Test allocator: zeroed aligned blocks, optional page budget (0 = unlimited). */
struct talloc {
	unsigned limit_pages;
	unsigned used_pages;
	unsigned nr_blocks;
	void *blocks[MAX_BLOCKS];
};

struct fixture {
	struct talloc a;
	struct gstage gs;
};

static void *talloc_fn(void *ctx, size_t size)
{
	struct talloc *a = ctx;
	unsigned pages = (unsigned)(size / PAGE_SIZE);
	void *p;

	assert_true(size == PAGE_SIZE || size == ROOT_BYTES);
	if (a->limit_pages && a->used_pages + pages > a->limit_pages)
		return NULL;
	assert_true(a->nr_blocks < MAX_BLOCKS);
	p = aligned_alloc(size, size);
	assert_non_null(p);
	memset(p, 0, size);
	a->blocks[a->nr_blocks++] = p;
	a->used_pages += pages;
	return p;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (unsigned i = 0; i < f->a.nr_blocks; i++)
		free(f->a.blocks[i]);
	free(f);
	return 0;
}

/* Initialise the fixture's gstage for @limit; asserts success. */
static struct gstage *init(void **state, uint64_t limit)
{
	struct fixture *f = *state;

	assert_int_equal(gstage_init(&f->gs, limit, talloc_fn, &f->a), 0);
	return &f->gs;
}

static uint64_t *pte_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)(((pte >> PTE_PPN_SHIFT) & PPN_MASK) << PAGE_SHIFT);
}

/*
 * Independent raw walk: the PTE for @g at level @level (0 = 4K, 1 = 2M, 2 = 1G),
 * asserting every entry above it is a valid pointer.
 */
static uint64_t raw_pte(const struct gstage *gs, uint64_t g, unsigned level)
{
	uint64_t *t = gs->root;
	unsigned l = gs->levels - 1;
	uint64_t idx = (g >> (12 + 9 * l)) & 0x7ff;

	while (l > level) {
		uint64_t pte = t[idx];

		assert_int_equal(pte & PTE_FLAGS, PTE_V);
		t = pte_table(pte);
		l--;
		idx = (g >> (12 + 9 * l)) & 0x1ff;
	}
	return t[idx];
}

/* Expected leaf PTE for @h with @perm. */
static uint64_t leaf(uint64_t h, uint64_t perm)
{
	return (h >> 12) << 10 | perm | LEAF_FLAGS;
}

/* Assert @g translates to @h with @perm and @size. */
static void expect_map(const struct gstage *gs, uint64_t g, uint64_t h, uint64_t perm, uint64_t size)
{
	hpa_t oh = hpa(0);
	uint64_t operm = 0, osize = 0;

	assert_int_equal(gstage_translate(gs, gpa(g), &oh, &operm, &osize), 0);
	assert_int_equal(oh.v, h);
	assert_int_equal(operm, perm);
	assert_int_equal(osize, size);
}

static void expect_unmapped(const struct gstage *gs, uint64_t g)
{
	hpa_t oh = hpa(0x1234);

	assert_int_equal(gstage_translate(gs, gpa(g), &oh, NULL, NULL), -PV_ENOENT);
	assert_int_equal(oh.v, 0x1234);
}

static void test_mode_selection(void **state)
{
	struct fixture *f = *state;
	struct gstage gs;

	assert_int_equal(gstage_init(&gs, GiB(4), talloc_fn, &f->a), 0);
	assert_int_equal(gs.levels, 3);
	assert_int_equal(gs.nr_tables, ROOT_PAGES);
	assert_int_equal(gstage_init(&gs, SV39X4_TOP, talloc_fn, &f->a), 0);
	assert_int_equal(gs.levels, 3);
	assert_int_equal(gstage_init(&gs, SV39X4_TOP + 1, talloc_fn, &f->a), 0);
	assert_int_equal(gs.levels, 4);
	assert_int_equal(gstage_init(&gs, SV48X4_TOP, talloc_fn, &f->a), 0);
	assert_int_equal(gs.levels, 4);
	assert_int_equal(gs.nr_tables, ROOT_PAGES);
	assert_int_equal(f->a.used_pages, 4 * ROOT_PAGES);

	assert_int_equal(gstage_init(&gs, SV48X4_TOP + 1, talloc_fn, &f->a), -PV_ERANGE);
	assert_int_equal(gstage_init(&gs, UINT64_MAX, talloc_fn, &f->a), -PV_ERANGE);
	assert_int_equal(f->a.used_pages, 4 * ROOT_PAGES);     /* nothing allocated */
}

static void test_root_and_hgatp(void **state)
{
	struct gstage *gs = init(state, GiB(8));
	uint64_t root = (uintptr_t)gs->root;
	uint64_t v;

	assert_true(root != 0 && (root & (ROOT_BYTES - 1)) == 0);
	v = gstage_hgatp(gs, 5);
	assert_int_equal(v >> 60, HGATP_MODE_SV39X4);
	assert_int_equal((v >> 44) & 0xffff, 5);               /* VMID[57:44], bits 59:58 zero */
	assert_int_equal(v & PPN_MASK, root >> 12);
	assert_int_equal(v, 8ULL << 60 | 5ULL << 44 | root >> 12);
	/* Root is 16 KiB aligned, so PPN[1:0] of hgatp are zero. */
	assert_int_equal(v & 3, 0);

	v = gstage_hgatp(gs, 0x3fff);
	assert_int_equal((v >> 44) & 0xffff, 0x3fff);
	v = gstage_hgatp(gs, 0xffff);                          /* masked to 14 bits */
	assert_int_equal((v >> 44) & 0xffff, 0x3fff);
	assert_int_equal(v >> 60, HGATP_MODE_SV39X4);
	v = gstage_hgatp(gs, 0x4001);
	assert_int_equal((v >> 44) & 0xffff, 1);

	gs = init(state, SV48X4_TOP);
	v = gstage_hgatp(gs, 0);
	assert_int_equal(v, 9ULL << 60 | (uint64_t)(uintptr_t)gs->root >> 12);
}

static void test_init_enomem(void **state)
{
	struct fixture *f = *state;
	struct gstage gs;

	f->a.limit_pages = ROOT_PAGES - 1;
	assert_int_equal(gstage_init(&gs, GiB(1), talloc_fn, &f->a), -PV_ENOMEM);
	assert_int_equal(f->a.used_pages, 0);
}

static void test_map_4k_roundtrip(void **state)
{
	struct gstage *gs = init(state, GiB(4));
	uint64_t g = 0x80001000ULL, h = 0x123456000ULL;

	assert_int_equal(gstage_map(gs, gpa(g), hpa(h), KiB(4), GS_R | GS_X), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 2);      /* one 2M-level and one 4K-level table */
	expect_map(gs, g, h, GS_R | GS_X, KiB(4));
	expect_map(gs, g + 0xabc, h + 0xabc, GS_R | GS_X, KiB(4));
	expect_map(gs, g + 0xfff, h + 0xfff, GS_R | GS_X, KiB(4));
	expect_unmapped(gs, g - KiB(4));
	expect_unmapped(gs, g + KiB(4));
	assert_int_equal(raw_pte(gs, g, 0), leaf(h, PTE_R | PTE_X));
	assert_int_equal(raw_pte(gs, g, 0), 0x48d15800ULL | 0xdb); /* hand-encoded: V R X U A D */

	/* R/W on the neighbour page shares the tables. */
	assert_int_equal(gstage_map(gs, gpa(g + KiB(4)), hpa(0x5000), KiB(4), GS_R | GS_W), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 2);
	expect_map(gs, g + KiB(4) + 8, 0x5008, GS_R | GS_W, KiB(4));
	assert_int_equal(raw_pte(gs, g + KiB(4), 0), leaf(0x5000, PTE_R | PTE_W));
	assert_int_equal(raw_pte(gs, g + KiB(4), 0) & (PTE_X | PTE_G), 0);

	/* NULL out-parameters are allowed. */
	assert_int_equal(gstage_translate(gs, gpa(g), NULL, NULL, NULL), 0);
}

static void test_map_2m_superpage(void **state)
{
	struct gstage *gs = init(state, GiB(8));
	uint64_t g = GiB(2) + MiB(2), h = GiB(4) + MiB(4);

	assert_int_equal(gstage_map(gs, gpa(g), hpa(h), MiB(4), GS_RWX), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 1);      /* only the 2M-level table */
	expect_map(gs, g, h, GS_RWX, MiB(2));
	expect_map(gs, g + MiB(2) + 0x12345, h + MiB(2) + 0x12345, GS_RWX, MiB(2));
	expect_map(gs, g + MiB(4) - 1, h + MiB(4) - 1, GS_RWX, MiB(2));
	expect_unmapped(gs, g + MiB(4));
	expect_unmapped(gs, g - 1);
	assert_int_equal(raw_pte(gs, g, 1), leaf(h, PTE_R | PTE_W | PTE_X));
	assert_int_equal(raw_pte(gs, g + MiB(2), 1), leaf(h + MiB(2), PTE_R | PTE_W | PTE_X));
}

static void test_map_1g_superpage(void **state)
{
	struct gstage *gs = init(state, GiB(16));

	assert_int_equal(gstage_map(gs, gpa(GiB(1)), hpa(GiB(3)), GiB(1), GS_R), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES);          /* leaf in the Sv39x4 root */
	expect_map(gs, GiB(1) + 0x3456789, GiB(3) + 0x3456789, GS_R, GiB(1));
	assert_int_equal(gs->root[1], leaf(GiB(3), PTE_R));
	expect_unmapped(gs, GiB(2));

	/* Sv48x4: the 1 GiB leaf sits one level below the root. */
	gs = init(state, SV48X4_TOP);
	assert_int_equal(gstage_map(gs, gpa(GiB(1024)), hpa(GiB(5)), GiB(2), GS_R | GS_X), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 1);
	expect_map(gs, GiB(1025) + 4, GiB(6) + 4, GS_R | GS_X, GiB(1));
	assert_int_equal(raw_pte(gs, GiB(1024), 2), leaf(GiB(5), PTE_R | PTE_X));
	assert_int_equal(gs->root[2] & PTE_FLAGS, PTE_V);       /* GPA[49:39] = 2 */
}

static void test_misaligned_hpa_forces_4k(void **state)
{
	struct gstage *gs = init(state, GiB(4));
	uint64_t g = MiB(2), h = MiB(64) + KiB(4);

	assert_int_equal(gstage_map(gs, gpa(g), hpa(h), MiB(2), GS_R | GS_W), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 2);
	expect_map(gs, g, h, GS_R | GS_W, KiB(4));
	expect_map(gs, g + MiB(2) - 8, h + MiB(2) - 8, GS_R | GS_W, KiB(4));
	for (uint64_t off = 0; off < MiB(2); off += KiB(4))
		assert_int_equal(raw_pte(gs, g + off, 0), leaf(h + off, PTE_R | PTE_W));

	/* And the other way round: hpa 2M aligned, gpa not. */
	assert_int_equal(gstage_map(gs, gpa(MiB(8) + KiB(4)), hpa(MiB(128)), MiB(2), GS_R), 0);
	expect_map(gs, MiB(8) + KiB(4), MiB(128), GS_R, KiB(4));
	expect_map(gs, MiB(10), MiB(130) - KiB(4), GS_R, KiB(4));
}

static void test_mixed_sizes(void **state)
{
	struct gstage *gs = init(state, GiB(8));
	uint64_t g = MiB(2) - KiB(8), h = GiB(1) + MiB(2) - KiB(8);
	uint64_t size = KiB(8) + MiB(4) + KiB(12);

	/* 4K head (2 pages), 2M middle (2 pages), 4K tail (3 pages). */
	assert_int_equal(gstage_map(gs, gpa(g), hpa(h), size, GS_R | GS_W), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 3);      /* 2M table + head and tail 4K tables */
	expect_map(gs, g, h, GS_R | GS_W, KiB(4));
	expect_map(gs, g + KiB(4), h + KiB(4), GS_R | GS_W, KiB(4));
	expect_map(gs, MiB(2), h + KiB(8), GS_R | GS_W, MiB(2));
	expect_map(gs, MiB(4) + 0x777, h + KiB(8) + MiB(2) + 0x777, GS_R | GS_W, MiB(2));
	expect_map(gs, MiB(6), h + KiB(8) + MiB(4), GS_R | GS_W, KiB(4));
	expect_map(gs, MiB(6) + KiB(8), h + size - KiB(4), GS_R | GS_W, KiB(4));
	expect_unmapped(gs, g - KiB(4));
	expect_unmapped(gs, g + size);

	/* 2M head, 1G middle, 2M tail. */
	g = GiB(3) - MiB(2);
	h = GiB(5) - MiB(2);
	assert_int_equal(gstage_map(gs, gpa(g), hpa(h), GiB(1) + MiB(4), GS_X), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 5);
	expect_map(gs, g, h, GS_X, MiB(2));
	expect_map(gs, GiB(3), GiB(5), GS_X, GiB(1));
	expect_map(gs, GiB(4) + MiB(2) - 1, GiB(6) + MiB(2) - 1, GS_X, MiB(2));
	expect_unmapped(gs, GiB(4) + MiB(2));
}

static void test_holes(void **state)
{
	struct gstage *gs = init(state, GiB(4));

	assert_int_equal(gstage_map(gs, gpa(0x80000000ULL), hpa(0x80000000ULL), MiB(2), GS_RWX), 0);
	assert_int_equal(gstage_map(gs, gpa(0x80400000ULL + KiB(4)), hpa(0x90000000ULL), KiB(8), GS_R), 0);
	expect_map(gs, 0x80000000ULL + 0x10, 0x80000010ULL, GS_RWX, MiB(2));
	expect_map(gs, 0x80401000ULL + KiB(4), 0x90001000ULL, GS_R, KiB(4));
	expect_unmapped(gs, 0x80200000ULL);                     /* gap: absent 2M entry */
	expect_unmapped(gs, 0x80400000ULL);                     /* gap: absent 4K entry */
	expect_unmapped(gs, 0x80403000ULL);                     /* just after the second */
	expect_unmapped(gs, 0x7ffff000ULL);                     /* just before the first */
	expect_unmapped(gs, 0);                                 /* absent root entry */
	expect_unmapped(gs, SV39X4_TOP - 1);
}

static void test_bad_alignment(void **state)
{
	struct gstage *gs = init(state, GiB(4));

	assert_int_equal(gstage_map(gs, gpa(0x1800), hpa(0x2000), KiB(4), GS_R), -PV_EINVAL);
	assert_int_equal(gstage_map(gs, gpa(0x1000), hpa(0x2010), KiB(4), GS_R), -PV_EINVAL);
	assert_int_equal(gstage_map(gs, gpa(0x1000), hpa(0x2000), KiB(4) + 1, GS_R), -PV_EINVAL);
	assert_int_equal(gs->nr_tables, ROOT_PAGES);
	expect_unmapped(gs, 0x1000);
	for (unsigned i = 0; i < ROOT_BYTES / 8; i++)
		assert_int_equal(gs->root[i], 0);
}

static void test_overlap(void **state)
{
	struct gstage *gs = init(state, GiB(4));
	uint64_t g = MiB(2) + KiB(12);
	unsigned tables;

	assert_int_equal(gstage_map(gs, gpa(g), hpa(0x40000000ULL), KiB(4), GS_R), 0);
	tables = gs->nr_tables;

	/* Exactly the same page. */
	assert_int_equal(gstage_map(gs, gpa(g), hpa(0x50000000ULL), KiB(4), GS_RWX), -PV_EEXIST);
	/* A 2M superpage where a 4K table already exists. */
	assert_int_equal(gstage_map(gs, gpa(MiB(2)), hpa(MiB(32)), MiB(2), GS_RWX), -PV_EEXIST);
	/* Free head, overlapping tail: nothing of this call is mapped. */
	assert_int_equal(gstage_map(gs, gpa(MiB(2)), hpa(MiB(32)), KiB(16), GS_RWX), -PV_EEXIST);
	expect_unmapped(gs, MiB(2));
	expect_unmapped(gs, MiB(2) + KiB(8));
	/* A free 2M head, then 4K pages running into the mapped one. */
	assert_int_equal(gstage_map(gs, gpa(0), hpa(MiB(32)), MiB(2) + KiB(16), GS_R), -PV_EEXIST);
	expect_unmapped(gs, 0);
	assert_int_equal(gs->nr_tables, tables);
	expect_map(gs, g, 0x40000000ULL, GS_R, KiB(4));
	assert_int_equal(raw_pte(gs, g, 0), leaf(0x40000000ULL, PTE_R));

	/* A 4K page inside an existing 2M leaf, and a range hitting a 1G leaf. */
	assert_int_equal(gstage_map(gs, gpa(MiB(8)), hpa(MiB(64)), MiB(2), GS_R | GS_W), 0);
	assert_int_equal(gstage_map(gs, gpa(MiB(9)), hpa(0), KiB(4), GS_R), -PV_EEXIST);
	expect_map(gs, MiB(9), MiB(65), GS_R | GS_W, MiB(2));
	assert_int_equal(gstage_map(gs, gpa(GiB(2)), hpa(GiB(2)), GiB(1), GS_R), 0);
	tables = gs->nr_tables;
	assert_int_equal(gstage_map(gs, gpa(GiB(2) - KiB(4)), hpa(0), KiB(8), GS_R), -PV_EEXIST);
	assert_int_equal(gs->nr_tables, tables);
	expect_unmapped(gs, GiB(2) - KiB(4));
	expect_map(gs, GiB(2), GiB(2), GS_R, GiB(1));
}

static void test_perm(void **state)
{
	struct gstage *gs = init(state, GiB(4));
	static const uint64_t bad[] = { GS_W, GS_W | GS_X, 0, PTE_U | PTE_R, PTE_V | PTE_R, PTE_D | GS_RWX };
	static const uint64_t good[] = { GS_R, GS_X, GS_R | GS_X, GS_R | GS_W, GS_RWX };

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(gstage_map(gs, gpa(0), hpa(0), KiB(4), bad[i]), -PV_EINVAL);
	assert_int_equal(gs->nr_tables, ROOT_PAGES);
	expect_unmapped(gs, 0);

	for (unsigned i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t g = KiB(4) * i;

		assert_int_equal(gstage_map(gs, gpa(g), hpa(MiB(1) + g), KiB(4), good[i]), 0);
		expect_map(gs, g, MiB(1) + g, good[i], KiB(4));
		assert_int_equal(raw_pte(gs, g, 0), leaf(MiB(1) + g, good[i]));
	}
}

/* Recursively check a table at @level; returns the number of 4 KiB table pages below it. */
static unsigned check_table(const uint64_t *t, size_t entries, unsigned level, unsigned *leaves)
{
	unsigned pages = 0;

	for (size_t i = 0; i < entries; i++) {
		uint64_t pte = t[i];

		if (!(pte & PTE_V)) {
			assert_int_equal(pte, 0);
			continue;
		}
		assert_int_equal(pte & PTE_HIGH, 0);
		if (pte & (PTE_R | PTE_W | PTE_X)) {
			assert_true(level <= 2);
			assert_int_equal(pte & (PTE_U | PTE_A | PTE_D | PTE_G), PTE_U | PTE_A | PTE_D);
			(*leaves)++;
		} else {
			/* Pointer: V only, no U/G/A/D, never at the leaf level. */
			assert_int_equal(pte & PTE_FLAGS, PTE_V);
			assert_true(level > 0);
			pages += 1 + check_table(pte_table(pte), 512, level - 1, leaves);
		}
	}
	return pages;
}

static void test_nonleaf_entries(void **state)
{
	struct gstage *gs = init(state, SV48X4_TOP);
	unsigned leaves = 0, pages;

	assert_int_equal(gstage_map(gs, gpa(MiB(2) - KiB(4)), hpa(MiB(66) - KiB(4)), MiB(2) + KiB(8), GS_RWX), 0);
	assert_int_equal(gstage_map(gs, gpa(GiB(1)), hpa(GiB(1)), GiB(1), GS_R), 0);
	assert_int_equal(gstage_map(gs, gpa(SV48X4_TOP - KiB(4)), hpa(KiB(4)), KiB(4), GS_X), 0);
	pages = check_table(gs->root, 2048, gs->levels - 1, &leaves);
	assert_int_equal(leaves, 1 + 1 + 1 + 1 + 1);           /* 4K, 2M, 4K, 1G, 4K */
	assert_int_equal(pages + ROOT_PAGES, gs->nr_tables);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 1 + 1 + 2 + 3);
	expect_map(gs, SV48X4_TOP - 1, KiB(8) - 1, GS_X, KiB(4));
	assert_int_equal(gs->root[2047] & PTE_FLAGS, PTE_V);
}

static void test_map_enomem(void **state)
{
	struct fixture *f = *state;
	struct gstage *gs = init(state, GiB(4));

	f->a.limit_pages = ROOT_PAGES + 1;                      /* room for one more table */
	assert_int_equal(gstage_map(gs, gpa(GiB(1)), hpa(0), KiB(4), GS_R), -PV_ENOMEM);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 1);        /* intermediate table kept */
	assert_int_equal(f->a.used_pages, ROOT_PAGES + 1);
	expect_unmapped(gs, GiB(1));
	/* A 2M mapping under the kept table needs no new page. */
	assert_int_equal(gstage_map(gs, gpa(GiB(1) + MiB(2)), hpa(MiB(4)), MiB(2), GS_R), 0);
	expect_map(gs, GiB(1) + MiB(2), MiB(4), GS_R, MiB(2));

	f->a.limit_pages = 0;
	assert_int_equal(gstage_map(gs, gpa(GiB(1)), hpa(0), KiB(4), GS_R), 0);
	assert_int_equal(gs->nr_tables, ROOT_PAGES + 2);
	expect_map(gs, GiB(1) + 4, 4, GS_R, KiB(4));
}

/*
 * A device's second stage (IOMMU without MSI_FLAT): shares the partition's RAM and
 * BAR subtables, has private tables along the guest IMSIC window, where only the
 * slots the caller fills are mapped; the partition's own tables are not changed.
 */
static void test_clone_window(void **state)
{
	struct fixture *f = *state;
	struct gstage *src = init(state, GiB(4)), dst;
	const uint64_t win = 0x28000000, imsic_h = 0x24000000, ram_g = 0x80000000, ram_h = 0x90000000;
	uint64_t *slots, perm, sz;
	hpa_t h;

	assert_int_equal(gstage_map(src, gpa(ram_g), hpa(ram_h), MiB(256), GS_RWX), 0);
	assert_int_equal(gstage_map(src, gpa(0x40000000), hpa(0x40000000), KiB(16), GS_R | GS_W), 0);  /* a BAR */
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(gstage_map(src, gpa(win + k * KiB(4)), hpa(imsic_h + k * KiB(32)), KiB(4), GS_R | GS_W), 0);
	/* a neighbour inside the same 2 MiB leaf table, outside the window */
	assert_int_equal(gstage_map(src, gpa(win + KiB(64)), hpa(0x30000000), KiB(4), GS_R), 0);

	assert_int_equal(gstage_clone_window(&dst, src, gpa(win), KiB(16), &slots), 0);
	assert_int_equal(dst.levels, src->levels);
	assert_int_equal(dst.nr_tables, ROOT_PAGES + 2);          /* root + the 1 GiB and 2 MiB tables on the path */
	assert_true(IS_ALIGNED((uintptr_t)dst.root, ROOT_BYTES));
	/* RAM and the BAR: the very same subtables */
	assert_int_equal(dst.root[2], src->root[2]);
	assert_int_equal(gstage_translate(&dst, gpa(ram_g + MiB(3)), &h, &perm, NULL), 0);
	assert_int_equal(h.v, ram_h + MiB(3));
	assert_int_equal(gstage_translate(&dst, gpa(0x40000000), &h, NULL, NULL), 0);
	/* the window is empty in the clone, the neighbour is kept, the source still maps everything */
	for (unsigned k = 0; k < 4; k++) {
		assert_int_equal(gstage_translate(&dst, gpa(win + k * KiB(4)), NULL, NULL, NULL), -PV_ENOENT);
		assert_int_equal(gstage_translate(src, gpa(win + k * KiB(4)), &h, NULL, NULL), 0);
		assert_int_equal(h.v, imsic_h + k * KiB(32));
	}
	assert_int_equal(gstage_translate(&dst, gpa(win + KiB(64)), &h, &perm, &sz), 0);
	assert_int_equal(h.v, 0x30000000);
	assert_int_equal(sz, KiB(4));
	assert_int_not_equal(dst.root[0], src->root[0]);          /* the path is private */
	/* opening one slot maps exactly that page, with the leaf bits gstage_map writes */
	slots[2] = gstage_leaf_pte(hpa(imsic_h + 2 * KiB(32)), GS_R | GS_W);
	assert_int_equal(slots[2], raw_pte(src, win + 2 * KiB(4), 0));
	assert_int_equal(gstage_translate(&dst, gpa(win + 2 * KiB(4)), &h, &perm, NULL), 0);
	assert_int_equal(h.v, imsic_h + 2 * KiB(32));
	assert_int_equal(perm, GS_R | GS_W);
	assert_int_equal(gstage_translate(&dst, gpa(win + KiB(4)), NULL, NULL, NULL), -PV_ENOENT);

	/* a window with nothing mapped in the source gets fresh empty tables */
	{
		struct gstage d2;

		assert_int_equal(gstage_clone_window(&d2, src, gpa(GiB(3)), KiB(8), &slots), 0);
		assert_int_equal(slots[0] | slots[1], 0);
		assert_int_equal(gstage_translate(&d2, gpa(ram_g), NULL, NULL, NULL), 0);
	}
	/* errors: unaligned, empty, across two leaf tables, under a superpage, out of pages */
	assert_int_equal(gstage_clone_window(&dst, src, gpa(win + 8), KiB(4), &slots), -PV_EINVAL);
	assert_int_equal(gstage_clone_window(&dst, src, gpa(win), 0, &slots), -PV_EINVAL);
	assert_int_equal(gstage_clone_window(&dst, src, gpa(win + MiB(2) - KiB(4)), KiB(8), &slots), -PV_EINVAL);
	assert_int_equal(gstage_clone_window(&dst, src, gpa(ram_g), KiB(4), &slots), -PV_EEXIST);
	f->a.limit_pages = f->a.used_pages + ROOT_PAGES;           /* the root fits, the first path table does not */
	assert_int_equal(gstage_clone_window(&dst, src, gpa(win), KiB(4), &slots), -PV_ENOMEM);
}

static void test_range(void **state)
{
	struct gstage *gs = init(state, GiB(4));

	/* Sv39x4: 41-bit GPAs, the mode's limit, not the init limit, applies. */
	assert_int_equal(gstage_translate(gs, gpa(SV39X4_TOP), NULL, NULL, NULL), -PV_ERANGE);
	assert_int_equal(gstage_translate(gs, gpa(UINT64_MAX), NULL, NULL, NULL), -PV_ERANGE);
	expect_unmapped(gs, SV39X4_TOP - KiB(4));
	assert_int_equal(gstage_map(gs, gpa(SV39X4_TOP - KiB(4)), hpa(0), KiB(8), GS_R), -PV_ERANGE);
	assert_int_equal(gstage_map(gs, gpa(SV39X4_TOP), hpa(0), KiB(4), GS_R), -PV_ERANGE);
	assert_int_equal(gstage_map(gs, gpa(~0ULL << 12), hpa(0), KiB(8), GS_R), -PV_ERANGE);
	/* Host side: 56-bit PAs. */
	assert_int_equal(gstage_map(gs, gpa(0), hpa(1ULL << 56), KiB(4), GS_R), -PV_ERANGE);
	assert_int_equal(gs->nr_tables, ROOT_PAGES);
	assert_int_equal(gstage_map(gs, gpa(SV39X4_TOP - KiB(4)), hpa((1ULL << 56) - KiB(4)), KiB(4), GS_R), 0);
	expect_map(gs, SV39X4_TOP - 1, (1ULL << 56) - 1, GS_R, KiB(4));
	assert_int_equal(gs->root[2047] & PTE_FLAGS, PTE_V);    /* GPA[40:30] = 2047 */

	gs = init(state, SV48X4_TOP);
	assert_int_equal(gstage_translate(gs, gpa(SV48X4_TOP), NULL, NULL, NULL), -PV_ERANGE);
	expect_unmapped(gs, SV48X4_TOP - KiB(4));
	expect_unmapped(gs, SV39X4_TOP);
	assert_int_equal(gstage_map(gs, gpa(SV48X4_TOP - GiB(1)), hpa(GiB(1)), GiB(2), GS_R), -PV_ERANGE);
	assert_int_equal(gstage_map(gs, gpa(SV39X4_TOP), hpa(GiB(1)), GiB(1), GS_R), 0);
	expect_map(gs, SV39X4_TOP + 5, GiB(1) + 5, GS_R, GiB(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_and_hgatp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_enomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_4k_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_2m_superpage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_1g_superpage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned_hpa_forces_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonleaf_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_enomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_window, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
