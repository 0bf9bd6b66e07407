/* SPDX-License-Identifier: MIT */
/*
 * Shared host-test fixtures: a hand-built QEMU-virt-like platform and a small
 * builder for config FDT blobs on top of libfdt's sequential-write API.
 * Include after <cmocka.h> (the builder asserts on libfdt errors).
 */
#ifndef PV_TEST_FIXTURES_H
#define PV_TEST_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "core/platform.h"

/** Hypervisor range used by the fixtures: 0x80200000-0x805fffff (QEMU virt payload address, 4 MiB). */
#define FIX_HV_BASE 0x80200000ULL
#define FIX_HV_SIZE MiB(4)

/**
 * Fill @p like QEMU virt -smp 4 -m 1G with AIA: harts 0..3 with H, Sstc and Ssaia,
 * IMSIC with 2 guest index bits, RAM 0x80000000 (1 GiB), OpenSBI's two reserved
 * regions (0x80000000-0x8005ffff) and a few MMIO windows.
 */
static inline void fixture_platform(struct pv_platform *p)
{
	static const struct { uint64_t base, size; const char *name; } mmio[] = {
		{ 0x00101000, 0x1000, "rtc@101000" },
		{ 0x02000000, 0x10000, "clint@2000000" },
		{ 0x0c000000, 0x600000, "plic@c000000" },
		{ 0x10000000, 0x100, "uart@10000000" },
		{ 0x24000000, 0x4000, "imsics@24000000" },
		{ 0x28000000, 0x4000, "imsics@28000000" },
		{ 0x30000000, 0x10000000, "pci@30000000" },
	};

	memset(p, 0, sizeof(*p));
	p->nr_harts = 4;
	for (unsigned i = 0; i < 4; i++) {
		p->harts[i].hartid = i;
		p->harts[i].imsic_index = (int)i;
		p->harts[i].fdt_node = -1;
		p->harts[i].has_h = true;
		p->harts[i].has_sstc = true;
		p->harts[i].has_ssaia = true;
		p->harts[i].has_f = true;
	}
	p->nr_mem = 1;
	p->mem[0] = (struct hpa_range){ hpa(0x80000000ULL), GiB(1) };
	p->nr_reserved = 2;
	p->reserved[0] = (struct hpa_range){ hpa(0x80000000ULL), 0x40000 };
	snprintf(p->reserved_name[0], sizeof(p->reserved_name[0]), "mmode_resv1@80000000");
	p->reserved[1] = (struct hpa_range){ hpa(0x80040000ULL), 0x20000 };
	snprintf(p->reserved_name[1], sizeof(p->reserved_name[1]), "mmode_resv0@80040000");
	for (unsigned i = 0; i < sizeof(mmio) / sizeof(mmio[0]); i++) {
		p->mmio[i].r = (struct hpa_range){ hpa(mmio[i].base), mmio[i].size };
		snprintf(p->mmio[i].node, sizeof(p->mmio[i].node), "%s", mmio[i].name);
	}
	p->nr_mmio = sizeof(mmio) / sizeof(mmio[0]);
	p->timebase_hz = 10000000;
	p->has_imsic = true;
	p->imsic.s_base = hpa(0x28000000ULL);
	p->imsic.s_size = 0x4000;
	p->imsic.guest_index_bits = 2;
	p->imsic.hart_index_bits = 2;
	p->imsic.group_index_shift = 24;
	p->imsic.num_ids = 255;
	p->imsic.nr_harts = 4;
	p->imsic.fdt_node = -1;
}

/* ---- config FDT builder -------------------------------------------------------------------- */

#define TB_SIZE 16384  /**< bytes reserved for one built blob */

/** Start a blob: header, empty reserve map, root node with @root_compat (NULL: no compatible). */
static inline void *tb_begin(const char *root_compat)
{
	void *fdt = calloc(1, TB_SIZE);

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, TB_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	if (root_compat)
		assert_int_equal(fdt_property_string(fdt, "compatible", root_compat), 0);
	return fdt;
}

/** Open child node @name of the current node. */
static inline void tb_node(void *fdt, const char *name)
{
	assert_int_equal(fdt_begin_node(fdt, name), 0);
}

/** Close the current node. */
static inline void tb_end(void *fdt)
{
	assert_int_equal(fdt_end_node(fdt), 0);
}

/** Add property @prop with @len raw bytes (big-endian data is the caller's job). */
static inline void tb_raw(void *fdt, const char *prop, const void *val, int len)
{
	assert_int_equal(fdt_property(fdt, prop, val, len), 0);
}

/** Add property @prop as a list of @n u32 cells (n may be 0: empty property). */
static inline void tb_u32s(void *fdt, const char *prop, const uint32_t *v, int n)
{
	fdt32_t cells[64];

	assert_true(n >= 0 && n <= 64);
	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	tb_raw(fdt, prop, cells, n * 4);
}

/** Add property @prop as one u32 cell. */
static inline void tb_u32(void *fdt, const char *prop, uint32_t v)
{
	assert_int_equal(fdt_property_u32(fdt, prop, v), 0);
}

/** Add property @prop as /bits/ 64 <v>. */
static inline void tb_u64(void *fdt, const char *prop, uint64_t v)
{
	assert_int_equal(fdt_property_u64(fdt, prop, v), 0);
}

/** Add string property @prop. */
static inline void tb_str(void *fdt, const char *prop, const char *s)
{
	assert_int_equal(fdt_property_string(fdt, prop, s), 0);
}

/**
 * Open a partition node @name under the current node with the required properties:
 * compatible, partvisor,harts (@harts, @n cells), partvisor,mem-size (@mem bytes) and
 * partvisor,image "testguest". The node stays open for more properties; close with tb_end().
 */
static inline void tb_part(void *fdt, const char *name, const uint32_t *harts, int n, uint64_t mem)
{
	tb_node(fdt, name);
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", harts, n);
	tb_u64(fdt, "partvisor,mem-size", mem);
	tb_str(fdt, "partvisor,image", "testguest");
}

/** Close the root node and finish the blob; returns it (free() when done). */
static inline void *tb_finish(void *fdt)
{
	tb_end(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(fdt_check_header(fdt), 0);
	return fdt;
}

#endif
