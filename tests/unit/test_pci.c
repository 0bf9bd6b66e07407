/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for PCI enumeration, BAR assignment and the guest's view of
 * configuration space (core/pci.c), against a fake host bridge: functions with
 * 4 KiB configuration spaces, per-bit writable and RW1C masks (so BARs answer an
 * all-ones write with their size mask and keep their read-only flag bits), and
 * configuration routing through the bridges' secondary/subordinate bus numbers
 * like real hardware (a bus claimed by two bridges is counted as a conflict).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/assign.h"
#include "core/vdev/vpci.h"
#include "drivers/pci/pci.h"

#define UNUSED __attribute__((unused))

#define FK_MAX   80
#define DWORDS   (PCI_CFG_SPACE_SIZE / 4)
#define NONE     (-1)

/* Raw BAR flag bits as the hardware shows them. */
#define RAW_MEM32  0x0u
#define RAW_IO     0x1u
#define RAW_MEM64  0x4u
#define RAW_PREF   0x8u

/* Capability register offsets used by the tests [PCI 3.0 §6.8, PCIe 6 §7.5.3, PM 1.2]. */
#define MSI_ADDR_LO  0x04
#define MSI_ADDR_HI  0x08
#define MSI64_DATA   0x0c
#define MSI64_MASK   0x10
#define MSI64_PEND   0x14
#define MSI32_DATA   0x08
#define EXP_DEVCTL   0x08
#define EXP_DEVSTA   0x0a
#define EXP_LNKCTL   0x10
#define EXP_DEVCTL2  0x28
#define PM_CTRL      0x04

/* ---- fake host bridge ------------------------------------------------------------------------ */

struct fake_fn {
	int parent;                /* index of the bridge above, NONE = root bus */
	unsigned dev, fn;
	uint32_t cfg[DWORDS];
	uint32_t wm[DWORDS];       /* writable bits */
	uint32_t w1c[DWORDS];      /* write-1-to-clear bits */
	unsigned writes;
	bool alias;                /* answers for every function number (single-function device) */
};

static struct fake {
	unsigned nr, root_bus, conflicts;
	struct fake_fn f[FK_MAX];
} fk;

static struct pci_host h;
static struct pv_diag diag;
static struct pv_config cfg;

static uint32_t cfg32(int i, unsigned off) { return fk.f[i].cfg[off / 4]; }
static uint16_t cfg16(int i, unsigned off) { return (uint16_t)(cfg32(i, off & ~3U) >> (8 * (off & 2))); }

static bool fk_is_bridge(const struct fake_fn *x) { return ((x->cfg[PCI_HEADER_TYPE / 4] >> 16) & 0x7f) == 1; }
static unsigned fk_sec(const struct fake_fn *x) { return (x->cfg[PCI_PRIMARY_BUS / 4] >> 8) & 0xff; }
static unsigned fk_sub(const struct fake_fn *x) { return (x->cfg[PCI_PRIMARY_BUS / 4] >> 16) & 0xff; }

/* Route a configuration access like the bridges would; index of the function or NONE. */
static int fk_route(int parent, unsigned parent_bus, unsigned bus, unsigned dev, unsigned fn)
{
	int hit = NONE;

	for (unsigned i = 0; i < fk.nr; i++) {
		const struct fake_fn *x = &fk.f[i];

		if (x->parent != parent)
			continue;
		if (bus == parent_bus) {
			if (x->dev == dev && (x->fn == fn || x->alias))
				return (int)i;
		} else if (fk_is_bridge(x) && fk_sec(x) <= bus && bus <= fk_sub(x)) {
			if (hit != NONE)
				fk.conflicts++;
			else
				hit = (int)i;
		}
	}
	if (hit == NONE || bus == parent_bus)
		return NONE;
	return fk_route(hit, fk_sec(&fk.f[hit]), bus, dev, fn);
}

static int fk_lookup(uint16_t bdf)
{
	if (PCI_BUS(bdf) < fk.root_bus)
		return NONE;
	return fk_route(NONE, fk.root_bus, PCI_BUS(bdf), PCI_DEV(bdf), PCI_FN(bdf));
}

static uint32_t fk_read(void *ctx UNUSED, uint16_t bdf, unsigned off)
{
	int i = fk_lookup(bdf);

	assert_true(off % 4 == 0 && off < PCI_CFG_SPACE_SIZE);
	return i == NONE ? 0xffffffffU : fk.f[i].cfg[off / 4];
}

static void fk_write(void *ctx UNUSED, uint16_t bdf, unsigned off, uint32_t val)
{
	int i = fk_lookup(bdf);
	struct fake_fn *x;
	unsigned d = off / 4;

	assert_true(off % 4 == 0 && off < PCI_CFG_SPACE_SIZE);
	if (i == NONE)
		return;
	x = &fk.f[i];
	x->cfg[d] = (x->cfg[d] & ~x->wm[d]) | (val & x->wm[d]);
	x->cfg[d] &= ~(val & x->w1c[d]);
	x->writes++;
}

static const struct pci_cfg_ops ops = { fk_read, fk_write, NULL };

static unsigned total_writes(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fk.nr; i++)
		n += fk.f[i].writes;
	return n;
}

/* Add a function with header type @hdr (MF bit included) below bridge @parent. */
static int fk_add(int parent, unsigned dev, unsigned fn, uint32_t id, uint32_t class_rev, uint8_t hdr)
{
	struct fake_fn *x;

	assert_true(fk.nr < FK_MAX);
	x = &fk.f[fk.nr];
	memset(x, 0, sizeof(*x));
	x->parent = parent;
	x->dev = dev;
	x->fn = fn;
	x->cfg[PCI_VENDOR_ID / 4] = id;
	x->cfg[PCI_CLASS_REVISION / 4] = class_rev;
	x->cfg[PCI_CACHE_LINE / 4] = (uint32_t)hdr << 16 | 0x2000;  /* latency timer 0x20 */
	x->wm[PCI_CACHE_LINE / 4] = 0x4000ffff;                      /* cache line, latency, start BIST */
	x->wm[PCI_COMMAND / 4] = 0x000007ff;
	x->w1c[PCI_COMMAND / 4] = 0xf9000000;                          /* status bits 8, 11-15 */
	x->cfg[PCI_INTERRUPT_LINE / 4] = 0x010b;                       /* pin INTA, line 11 */
	x->wm[PCI_INTERRUPT_LINE / 4] = 0xff;
	if ((hdr & 0x7f) == 1) {
		x->wm[PCI_PRIMARY_BUS / 4] = 0xffffffff;
		x->wm[PCI_IO_BASE / 4] = 0x0000f0f0;
		x->w1c[PCI_IO_BASE / 4] = 0xf9000000;                  /* secondary status */
		x->wm[PCI_MEMORY_BASE / 4] = 0xfff0fff0;
		x->wm[PCI_PREF_BASE / 4] = 0xfff0fff0;
		x->cfg[PCI_PREF_BASE / 4] = 0x00010001;                /* 64-bit capable (read-only) */
		x->wm[PCI_PREF_BASE_UPPER / 4] = 0xffffffff;
		x->wm[PCI_PREF_LIMIT_UPPER / 4] = 0xffffffff;
		x->wm[PCI_IO_BASE_UPPER / 4] = 0xffffffff;
		x->wm[PCI_INTERRUPT_LINE / 4] |= 0xffff0000;            /* bridge control */
	}
	return (int)fk.nr++;
}

/* Give @i a BAR at register @bar of @size bytes with raw flags @raw, holding @init. */
static void fk_bar(int i, unsigned bar, uint64_t size, uint32_t raw, uint64_t init)
{
	struct fake_fn *x = &fk.f[i];
	unsigned d = PCI_BAR0 / 4 + bar;
	uint64_t m = ~(size - 1);

	if (raw & RAW_IO)
		x->wm[d] = (uint32_t)m & 0x0000fffc;                   /* 16-bit I/O decode */
	else
		x->wm[d] = (uint32_t)m & ~0xfU;
	x->cfg[d] = ((uint32_t)init & x->wm[d]) | raw;
	if (!(raw & RAW_IO) && (raw & 0x6) == RAW_MEM64) {
		x->wm[d + 1] = (uint32_t)(m >> 32);
		x->cfg[d + 1] = (uint32_t)(init >> 32) & x->wm[d + 1];
	}
}

/* Put capability @id at @off of @i and link it after the previous one (@prev, 0 = first). */
static void fk_cap(int i, unsigned prev, unsigned off, uint8_t id, uint16_t ctl)
{
	struct fake_fn *x = &fk.f[i];

	x->cfg[off / 4] = (uint32_t)ctl << 16 | id;
	if (prev)
		x->cfg[prev / 4] |= off << 8;
	else
		x->cfg[PCI_CAP_PTR / 4] = off | 0x3;   /* low bits are reserved: must be masked */
	x->cfg[PCI_COMMAND / 4] |= PCI_STATUS_CAP_LIST << 16;
}

static void fk_reset(unsigned root_bus)
{
	memset(&fk, 0, sizeof(fk));
	fk.root_bus = root_bus;
	memset(&h, 0, sizeof(h));
	memset(&diag, 0, sizeof(diag));
	memset(&cfg, 0, sizeof(cfg));
}

/* ---- the main topology ----------------------------------------------------------------------- */

/*
 *  00:00.0 A  endpoint: BAR0 mem32 16K, BAR1 I/O 32, BAR2/3 mem64 pref 1M, BAR4 mem32 256, caps
 *  00:01.0 B  bridge (BAR0 mem32 4K, stale bus numbers) -> bus 1
 *    01:00.0 C  multi-function endpoint, BAR0 mem64 16K
 *    01:00.1 D  BAR0 mem32 1M, 32-bit MSI then a vendor capability
 *    01:00.3 E  no BARs (fn 2 absent)
 *    01:02.0 F  bridge -> bus 2
 *      02:00.0 G  BAR0 8K
 *    01:03.0 H  bridge -> bus 3, empty
 *  00:02.0 I  endpoint, BAR0 4K, capability list looping on itself, answers for all 8 functions
 *  00:1f.0 J  bridge with stale numbers 1-1 (would collide with B) -> bus 4
 *    04:00.0 K  BAR0 2M
 */
enum { A, B, C, D, E, F, G, H, I, J, K };
static int ix[K + 1];

#define A_PM    0x40
#define A_MSI   0x50
#define A_EXP   0x70
#define A_MSIX  0xb0
#define A_VNDR  0xc0
#define D_MSI   0x40
#define D_VNDR  0x4c

#define MEM32_CPU 0x40000000ULL
#define MEM32_PCI 0xc0000000ULL
#define CPU(pci)  ((pci) - MEM32_PCI + MEM32_CPU)

static void build_main(void)
{
	struct fake_fn *x;

	fk_reset(0);
	ix[A] = fk_add(NONE, 0, 0, 0x10421af4, 0x01080202, 0x00);
	fk_bar(ix[A], 0, KiB(16), RAW_MEM32, 0xfebf0000);
	fk_bar(ix[A], 1, 32, RAW_IO, 0xc040);
	fk_bar(ix[A], 2, MiB(1), RAW_MEM64 | RAW_PREF, 0xfe000000);
	fk_bar(ix[A], 4, 256, RAW_MEM32, 0xfebf4000);
	x = &fk.f[ix[A]];
	x->cfg[PCI_COMMAND / 4] = 0x80000107;          /* IO|MEM|MASTER|SERR, Detected Parity Error */
	x->cfg[PCI_ROM_ADDRESS / 4] = 0xfeb80001;           /* ROM decoding at 0xfeb80000 */
	x->wm[PCI_ROM_ADDRESS / 4] = 0xffff8001;             /* 32 KiB ROM: address and Enable writable */
	x->cfg[PCI_ROM_ADDRESS1 / 4] = 0x12345678;           /* reserved in a type 0 header: not the ROM */
	x->wm[PCI_ROM_ADDRESS1 / 4] = 0xffffffff;
	x->cfg[0x100 / 4] = 0x00010001;                /* AER extended capability */
	/* PM: PMCSR power state and PME_En writable, PME_Status RW1C (set). */
	fk_cap(ix[A], 0, A_PM, PCI_CAP_ID_PM, 0x0003);
	x->cfg[(A_PM + PM_CTRL) / 4] = 0x8000;
	x->wm[(A_PM + PM_CTRL) / 4] = 0x0103;
	x->w1c[(A_PM + PM_CTRL) / 4] = 0x8000;
	/* MSI: 64-bit, per-vector masking, 4 vectors; Enable and MME writable. */
	fk_cap(ix[A], A_PM, A_MSI, PCI_CAP_ID_MSI, 0x0184);
	x->wm[A_MSI / 4] = 0x0071U << 16;
	x->wm[(A_MSI + MSI_ADDR_LO) / 4] = 0xfffffffc;
	x->wm[(A_MSI + MSI_ADDR_HI) / 4] = 0xffffffff;
	x->wm[(A_MSI + MSI64_DATA) / 4] = 0x0000ffff;
	x->wm[(A_MSI + MSI64_MASK) / 4] = 0x0000000f;
	x->cfg[(A_MSI + MSI64_PEND) / 4] = 0x1;
	/* PCIe endpoint: Device Control fully writable here (so a passed FLR would stick),
	 * Device Status error bits RW1C with Fatal Error Detected set, Link Control writable. */
	fk_cap(ix[A], A_MSI, A_EXP, PCI_CAP_ID_EXP, 0x0002);
	x->cfg[(A_EXP + EXP_DEVCTL) / 4] = 0x0004U << 16 | 0x2810;
	x->wm[(A_EXP + EXP_DEVCTL) / 4] = 0x0000ffff;
	x->w1c[(A_EXP + EXP_DEVCTL) / 4] = 0x004fU << 16;
	x->wm[(A_EXP + EXP_LNKCTL) / 4] = 0x0000ffff;
	x->wm[(A_EXP + EXP_DEVCTL2) / 4] = 0x0000ffff;
	/* MSI-X: 8 entries; the fake lets every Message Control bit be written. */
	fk_cap(ix[A], A_EXP, A_MSIX, PCI_CAP_ID_MSIX, 0x0007);
	x->wm[A_MSIX / 4] = 0xffffU << 16;
	x->cfg[(A_MSIX + 4) / 4] = 0x00002000;
	x->cfg[(A_MSIX + 8) / 4] = 0x00003000;
	/* Vendor-specific, writable in the fake: the guest must not reach it. */
	fk_cap(ix[A], A_MSIX, A_VNDR, PCI_CAP_ID_VNDR, 0x0010);
	x->wm[(A_VNDR + 4) / 4] = 0xffffffff;

	ix[B] = fk_add(NONE, 1, 0, 0x7450104c, 0x06040000, 0x01);
	fk_bar(ix[B], 0, KiB(4), RAW_MEM32, 0);
	fk.f[ix[B]].cfg[PCI_PRIMARY_BUS / 4] = 0x40050500;
	fk.f[ix[B]].cfg[PCI_IO_BASE / 4] = 0x80000000;   /* secondary status: Detected Parity Error */
	fk.f[ix[B]].cfg[PCI_COMMAND / 4] = 0x0001;
	fk.f[ix[B]].cfg[PCI_ROM_ADDRESS1 / 4] = 0xfebe0001;  /* bridge ROM, 2 KiB, enabled */
	fk.f[ix[B]].wm[PCI_ROM_ADDRESS1 / 4] = 0xfffff801;

	ix[C] = fk_add(ix[B], 0, 0, 0x00011b36, 0x02000000, 0x80);
	fk_bar(ix[C], 0, KiB(16), RAW_MEM64, 0);
	ix[D] = fk_add(ix[B], 0, 1, 0x00021b36, 0x02000000, 0x80);
	fk_bar(ix[D], 0, MiB(1), RAW_MEM32, 0);
	x = &fk.f[ix[D]];
	fk_cap(ix[D], 0, D_MSI, PCI_CAP_ID_MSI, 0x0000);      /* 32-bit, no masking: 10 bytes */
	x->wm[D_MSI / 4] = 0x0001U << 16;
	x->wm[(D_MSI + MSI_ADDR_LO) / 4] = 0xfffffffc;
	x->wm[(D_MSI + MSI32_DATA) / 4] = 0xffffffff;         /* bytes 0x4a-0x4b: beyond the capability */
	x->cfg[(D_MSI + MSI32_DATA) / 4] = 0x55660000;
	fk_cap(ix[D], D_MSI, D_VNDR, PCI_CAP_ID_VNDR, 0x0004);
	x->wm[D_VNDR / 4] = 0xffff0000;
	ix[E] = fk_add(ix[B], 0, 3, 0x00031b36, 0x02000000, 0x80);
	ix[F] = fk_add(ix[B], 2, 0, 0x00011af5, 0x06040000, 0x01);
	ix[G] = fk_add(ix[F], 0, 0, 0x00051b36, 0x01060100, 0x00);
	fk_bar(ix[G], 0, KiB(8), RAW_MEM32, 0);
	ix[H] = fk_add(ix[B], 3, 0, 0x00021af5, 0x06040000, 0x01);

	ix[I] = fk_add(NONE, 2, 0, 0x00061b36, 0x08800000, 0x00);
	fk.f[ix[I]].alias = true;                           /* only function 0 may be recorded */
	fk_bar(ix[I], 0, KiB(4), RAW_MEM32, 0);
	fk_cap(ix[I], 0, 0x40, PCI_CAP_ID_VNDR, 0);
	fk.f[ix[I]].cfg[0x40 / 4] |= 0x40 << 8;             /* points to itself */

	ix[J] = fk_add(NONE, 31, 0, 0x00031af5, 0x06040000, 0x01);
	fk.f[ix[J]].cfg[PCI_PRIMARY_BUS / 4] = 0x00010100;
	ix[K] = fk_add(ix[J], 0, 0, 0x00071b36, 0x02000000, 0x00);
	fk_bar(ix[K], 0, MiB(2), RAW_MEM32, 0);

	h.bus_start = 0;
	h.bus_end = 0x0f;
	h.mem32 = (struct pci_window){ hpa(MEM32_CPU), MEM32_PCI, MiB(256) };
	h.mem64 = (struct pci_window){ hpa(0x400000000ULL), 0x400000000ULL, GiB(4) };
}

static int setup_main(void **state UNUSED)
{
	build_main();
	return 0;
}

static const struct pci_func *func(uint16_t bdf)
{
	int i = pci_find(&h, bdf);

	assert_true(i >= 0);
	return &h.funcs[i];
}

static void enumerate_ok(void)
{
	assert_int_equal(pci_enumerate(&h, &ops, &diag), 0);
	assert_int_equal(fk.conflicts, 0);
}

/* ---- enumeration ----------------------------------------------------------------------------- */

static void test_enum_functions(void **state UNUSED)
{
	static const uint16_t order[] = {
		PCI_BDF(0, 0, 0), PCI_BDF(0, 1, 0), PCI_BDF(0, 2, 0), PCI_BDF(0, 31, 0),
		PCI_BDF(1, 0, 0), PCI_BDF(1, 0, 1), PCI_BDF(1, 0, 3), PCI_BDF(1, 2, 0), PCI_BDF(1, 3, 0),
		PCI_BDF(2, 0, 0), PCI_BDF(4, 0, 0),
	};
	const struct pci_func *f;

	enumerate_ok();
	assert_int_equal(h.nr_funcs, ARRAY_SIZE(order));
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		assert_int_equal(h.funcs[i].bdf, order[i]);
	assert_int_equal(h.max_bus, 4);
	f = func(PCI_BDF(0, 0, 0));
	assert_int_equal(f->vendor, 0x1af4);
	assert_int_equal(f->device, 0x1042);
	assert_int_equal(f->class_rev, 0x01080202);
	assert_int_equal(f->hdr_type, 0);
	assert_int_equal(func(PCI_BDF(1, 0, 0))->hdr_type, 0);   /* MF bit removed */
	assert_int_equal(func(PCI_BDF(1, 0, 1))->device, 0x0002);
	assert_int_equal(func(PCI_BDF(0, 1, 0))->hdr_type, 1);
	assert_int_equal(pci_find(&h, PCI_BDF(1, 0, 2)), -1);
	assert_int_equal(pci_find(&h, PCI_BDF(0, 3, 0)), -1);
	assert_int_equal(pci_find(&h, PCI_BDF(4, 0, 0)), 10);
}

static void test_enum_bus_numbers(void **state UNUSED)
{
	enumerate_ok();
	/* primary | secondary << 8 | subordinate << 16, latency byte kept */
	assert_int_equal(cfg32(ix[B], PCI_PRIMARY_BUS), 0x40030100);
	assert_int_equal(cfg32(ix[F], PCI_PRIMARY_BUS), 0x00020201);
	assert_int_equal(cfg32(ix[H], PCI_PRIMARY_BUS), 0x00030301);
	assert_int_equal(cfg32(ix[J], PCI_PRIMARY_BUS), 0x00040400);
}

static void expect_bar(const struct pci_func *f, unsigned i, uint64_t base, uint64_t size, unsigned flags)
{
	assert_int_equal(f->bar[i].base.v, base);
	assert_int_equal(f->bar[i].size, size);
	assert_int_equal(f->bar[i].flags, flags);
}

static void test_enum_bars(void **state UNUSED)
{
	const struct pci_func *a, *b;

	enumerate_ok();
	a = func(PCI_BDF(0, 0, 0));
	expect_bar(a, 0, CPU(0xc0000000), KiB(16), 0);
	expect_bar(a, 1, 0, 32, PCI_BAR_IO);
	expect_bar(a, 2, CPU(0xc0100000), MiB(1), PCI_BAR_64 | PCI_BAR_PREFETCH);  /* aligned to its size */
	expect_bar(a, 3, 0, 0, PCI_BAR_UPPER);
	expect_bar(a, 4, CPU(0xc0200000), 256, 0);
	expect_bar(a, 5, 0, 0, 0);
	/* The hardware holds PCI addresses; the I/O BAR is restored. */
	assert_int_equal(cfg32(ix[A], PCI_BAR0), 0xc0000000);
	assert_int_equal(cfg32(ix[A], PCI_BAR0 + 4), 0xc041);
	assert_int_equal(cfg32(ix[A], PCI_BAR0 + 8), 0xc010000c);
	assert_int_equal(cfg32(ix[A], PCI_BAR0 + 12), 0);
	assert_int_equal(cfg32(ix[A], PCI_BAR0 + 16), 0xc0200000);
	/* 256 bytes still take a whole page: the bridge's BAR is on the next one. */
	b = func(PCI_BDF(0, 1, 0));
	expect_bar(b, 0, CPU(0xc0201000), KiB(4), 0);
	expect_bar(b, 1, 0, 0, 0);
	assert_int_equal(cfg32(ix[B], PCI_BAR0), 0xc0201000);
	/* Behind bridge B: its window starts at the next 1 MiB boundary. */
	expect_bar(func(PCI_BDF(1, 0, 0)), 0, CPU(0xc0300000), KiB(16), PCI_BAR_64);
	expect_bar(func(PCI_BDF(1, 0, 0)), 1, 0, 0, PCI_BAR_UPPER);
	assert_int_equal(cfg32(ix[C], PCI_BAR0), 0xc0300004);
	assert_int_equal(cfg32(ix[C], PCI_BAR0 + 4), 0);
	expect_bar(func(PCI_BDF(1, 0, 1)), 0, CPU(0xc0400000), MiB(1), 0);
	for (unsigned i = 0; i < 6; i++)
		expect_bar(func(PCI_BDF(1, 0, 3)), i, 0, 0, 0);
	expect_bar(func(PCI_BDF(2, 0, 0)), 0, CPU(0xc0500000), KiB(8), 0);
	expect_bar(func(PCI_BDF(0, 2, 0)), 0, CPU(0xc0600000), KiB(4), 0);
	expect_bar(func(PCI_BDF(4, 0, 0)), 0, CPU(0xc0800000), MiB(2), 0);
	assert_int_equal(cfg32(ix[K], PCI_BAR0), 0xc0800000);
	/* Every memory BAR is naturally aligned and on its own 4 KiB page. */
	for (unsigned n = 0; n < h.nr_funcs; n++)
		for (unsigned i = 0; i < 6; i++) {
			const struct pci_bar *bar = &h.funcs[n].bar[i];

			if (bar->size && !(bar->flags & PCI_BAR_IO)) {
				assert_true(IS_ALIGNED(bar->base.v - MEM32_CPU, bar->size));
				assert_true(IS_ALIGNED(bar->base.v, KiB(4)));
			}
		}
}

static void test_enum_bridge_windows(void **state UNUSED)
{
	static const int bridges[] = { B, F, H, J };

	enumerate_ok();
	assert_int_equal(cfg32(ix[B], PCI_MEMORY_BASE), 0xc050c030);   /* 0xc0300000-0xc05fffff */
	assert_int_equal(cfg32(ix[F], PCI_MEMORY_BASE), 0xc050c050);   /* 0xc0500000-0xc05fffff */
	assert_int_equal(cfg32(ix[H], PCI_MEMORY_BASE), 0x0000fff0);   /* nothing behind: closed */
	assert_int_equal(cfg32(ix[J], PCI_MEMORY_BASE), 0xc090c070);   /* 0xc0700000-0xc09fffff */
	for (unsigned i = 0; i < ARRAY_SIZE(bridges); i++) {
		int n = ix[bridges[i]];

		assert_int_equal(cfg32(n, PCI_PREF_BASE) & 0xfff0fff0, 0x0000fff0);
		assert_int_equal(cfg32(n, PCI_PREF_BASE_UPPER), 0);
		assert_int_equal(cfg32(n, PCI_PREF_LIMIT_UPPER), 0);
		assert_int_equal(cfg32(n, PCI_IO_BASE) & 0xffff, 0x00f0);
		assert_int_equal(cfg32(n, PCI_IO_BASE_UPPER), 0);
		assert_int_equal(cfg16(n, PCI_COMMAND), PCI_CMD_MEM | PCI_CMD_MASTER);
	}
	/* Secondary status (RW1C) was not cleared by the I/O window write. */
	assert_int_equal(cfg32(ix[B], PCI_IO_BASE) >> 16, 0x8000);
}

static void test_enum_command(void **state UNUSED)
{
	static const int endpoints[] = { A, C, D, E, G, I, K };

	fk.f[ix[G]].cfg[PCI_COMMAND / 4] = 0x0006;
	enumerate_ok();
	for (unsigned i = 0; i < ARRAY_SIZE(endpoints); i++)
		assert_int_equal(cfg16(ix[endpoints[i]], PCI_COMMAND) &
				 (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER), 0);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), PCI_CMD_SERR);      /* other bits kept */
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x8010);             /* RW1C bit survives */
}

static void test_enum_caps(void **state UNUSED)
{
	const struct pci_func *f;

	enumerate_ok();
	f = func(PCI_BDF(0, 0, 0));
	assert_int_equal(f->cap_pm, A_PM);
	assert_int_equal(f->cap_msi, A_MSI);
	assert_int_equal(f->cap_exp, A_EXP);
	assert_int_equal(f->cap_msix, A_MSIX);
	f = func(PCI_BDF(1, 0, 1));
	assert_int_equal(f->cap_msi, D_MSI);
	assert_int_equal(f->cap_msix | f->cap_exp | f->cap_pm, 0);
	f = func(PCI_BDF(0, 2, 0));                                     /* looping list */
	assert_int_equal(f->cap_msi | f->cap_msix | f->cap_exp | f->cap_pm, 0);
	f = func(PCI_BDF(1, 0, 0));                                     /* no list */
	assert_int_equal(f->cap_msi | f->cap_msix | f->cap_exp | f->cap_pm, 0);
	for (unsigned i = 0; i < h.nr_funcs; i++)
		assert_false(h.funcs[i].has_ea);
}

/* Expansion ROMs are disabled (no address, Enable clear): 0x30 for endpoints, 0x38 for bridges. */
static void test_enum_rom(void **state UNUSED)
{
	assert_int_equal(cfg32(ix[A], PCI_ROM_ADDRESS), 0xfeb80001);
	assert_int_equal(cfg32(ix[B], PCI_ROM_ADDRESS1), 0xfebe0001);
	enumerate_ok();
	assert_int_equal(cfg32(ix[A], PCI_ROM_ADDRESS), 0);
	assert_int_equal(cfg32(ix[A], PCI_ROM_ADDRESS1), 0x12345678);   /* reserved in type 0: untouched */
	assert_int_equal(cfg32(ix[B], PCI_ROM_ADDRESS1), 0);
}

/*
 * Device Control of every function with a PCIe capability [PCIe Base 6.0 §7.5.3.4]: Max_Payload_Size
 * 128 bytes, Max_Read_Request_Size at most 512, Phantom Functions off, Initiate FLR 0 for endpoints;
 * the other bits and Device Status (RW1C) kept.
 */
static void test_enum_devctl(void **state UNUSED)
{
	struct fake_fn *x = &fk.f[ix[A]];
	struct vpci_func v;

	/* FLR, MRRS 4096, Phantom, Extended Tag, MPS 111b (reserved), Relaxed Ordering, error enables. */
	x->cfg[(A_EXP + EXP_DEVCTL) / 4] = 0x0004U << 16 | 0xd3ff;
	/* A bridge with a PCIe capability (a switch downstream port): MPS 256, MRRS 4096, and bit 15
	 * (Bridge Configuration Retry Enable for a bridge) kept. */
	fk_cap(ix[F], 0, 0x40, PCI_CAP_ID_EXP, 0x0062);
	fk.f[ix[F]].cfg[(0x40 + EXP_DEVCTL) / 4] = 0xd02f;
	fk.f[ix[F]].wm[(0x40 + EXP_DEVCTL) / 4] = 0x0000ffff;
	/* MRRS 128 stays 128. */
	fk_cap(ix[K], 0, 0x40, PCI_CAP_ID_EXP, 0x0002);
	fk.f[ix[K]].cfg[(0x40 + EXP_DEVCTL) / 4] = 0x0810;
	fk.f[ix[K]].wm[(0x40 + EXP_DEVCTL) / 4] = 0x0000ffff;
	enumerate_ok();
	assert_int_equal(cfg32(ix[A], A_EXP + EXP_DEVCTL), 0x0004U << 16 | 0x211f);
	assert_int_equal(func(PCI_BDF(1, 2, 0))->cap_exp, 0x40);
	assert_int_equal(cfg16(ix[F], 0x40 + EXP_DEVCTL), 0xa00f);
	assert_int_equal(cfg16(ix[K], 0x40 + EXP_DEVCTL), 0x0810);
	assert_int_equal(pci_devctl_limit(0x00e0 | 0x6000), PCI_EXP_DEVCTL_READRQ_512);
	/* The guest sees what enumeration left. */
	vpci_func_init(&v, func(PCI_BDF(0, 0, 0)));
	assert_int_equal(vpci_cfg_read(&v, &ops, A_EXP + EXP_DEVCTL, 2), 0x211f);
}

/* A function with Enhanced Allocation is flagged; its BARs are left alone (not sized, not assigned). */
static void part(unsigned k, const char *name, unsigned n, const uint16_t *bdf);

static void test_enum_ea(void **state UNUSED)
{
	int ea, ep;

	fk_reset(0);
	ea = fk_add(NONE, 0, 0, 0x00011b36, 0x02000000, 0x00);
	fk_bar(ea, 0, KiB(16), RAW_MEM32, 0xfe000000);
	fk_cap(ea, 0, 0x40, PCI_CAP_ID_MSI, 0);
	fk_cap(ea, 0x40, 0x50, PCI_CAP_ID_EA, 0x0001);                 /* second in the list, one entry */
	fk.f[ea].cfg[PCI_COMMAND / 4] |= PCI_CMD_MEM;
	ep = fk_add(NONE, 1, 0, 0x00021b36, 0x02000000, 0x00);
	fk_bar(ep, 0, KiB(4), RAW_MEM32, 0);
	h.bus_end = 0;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, MiB(16) };
	enumerate_ok();
	assert_int_equal(h.nr_funcs, 2);
	assert_true(h.funcs[0].has_ea);
	assert_int_equal(h.funcs[0].cap_msi, 0x40);
	for (unsigned b = 0; b < PCI_BARS_ENDPOINT; b++)
		expect_bar(&h.funcs[0], b, 0, 0, 0);
	assert_int_equal(cfg32(ea, PCI_BAR0), 0xfe000000);
	assert_int_equal(cfg16(ea, PCI_COMMAND) & (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER), 0);
	/* The next function gets the start of the window: the EA function took no address space. */
	assert_false(h.funcs[1].has_ea);
	expect_bar(&h.funcs[1], 0, 0x40000000, KiB(4), 0);
	/* ... and such a function is never assigned */
	{
		static const uint16_t a[] = { PCI_BDF(0, 1, 0) };
		uint16_t bdf = PCI_BDF(0, 0, 0);

		part(0, "alpha", 1, a);
		part(1, "beta", 1, &bdf);
		assert_int_equal(assign_check(&h, &cfg, -1, &diag), -PV_EINVAL);
		assert_string_equal(diag.node, "/partitions/beta");
		assert_string_equal(diag.msg, "PCI function 00:00.0 uses Enhanced Allocation, which partvisor does not support");
	}
}

static void test_find_cap(void **state UNUSED)
{
	enumerate_ok();
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 0, 0), PCI_CAP_ID_VNDR), A_VNDR);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 0, 0), 0x12), 0);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 2, 0), PCI_CAP_ID_VNDR), 0x40);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 2, 0), PCI_CAP_ID_MSI), 0);  /* loop ends */
	/* A pointer into the header ends the walk. */
	fk.f[ix[A]].cfg[A_PM / 4] = (fk.f[ix[A]].cfg[A_PM / 4] & ~0xff00U) | 0x3c << 8;
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 0, 0), PCI_CAP_ID_MSI), 0);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 0, 0), PCI_CAP_ID_PM), A_PM);
	/* Without the Capabilities List status bit there is no list. */
	fk.f[ix[A]].cfg[PCI_COMMAND / 4] &= ~(PCI_STATUS_CAP_LIST << 16);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(0, 0, 0), PCI_CAP_ID_PM), 0);
	assert_int_equal(pci_find_cap(&ops, PCI_BDF(9, 0, 0), PCI_CAP_ID_PM), 0);    /* absent */
}

static void test_enable(void **state UNUSED)
{
	enumerate_ok();
	pci_enable(&ops, PCI_BDF(0, 0, 0));
	assert_int_equal(cfg16(ix[A], PCI_COMMAND),
			 PCI_CMD_SERR | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x8010);
	pci_enable(&ops, PCI_BDF(2, 0, 0));
	assert_int_equal(cfg16(ix[G], PCI_COMMAND), PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
}

static void test_enum_bus_start(void **state UNUSED)
{
	int br;

	fk_reset(0x20);
	br = fk_add(NONE, 0, 0, 0x00011af5, 0x06040000, 0x01);
	fk_bar(fk_add(br, 0, 0, 0x00011b36, 0x02000000, 0x00), 0, KiB(4), RAW_MEM32, 0);
	h.bus_start = 0x20;
	h.bus_end = 0x2f;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, MiB(16) };
	enumerate_ok();
	assert_int_equal(h.nr_funcs, 2);
	assert_int_equal(h.funcs[1].bdf, PCI_BDF(0x21, 0, 0));
	assert_int_equal(h.max_bus, 0x21);
	assert_int_equal(cfg32(br, PCI_PRIMARY_BUS), 0x00212120);
	expect_bar(&h.funcs[1], 0, 0x40000000, KiB(4), 0);
	assert_int_equal(cfg32(br, PCI_MEMORY_BASE), 0x40004000);
}

/* Small BARs still get a page each; an empty bridge costs no address space. */
static void test_enum_small_bars_empty_bridge(void **state UNUSED)
{
	int ep, br;

	fk_reset(0);
	ep = fk_add(NONE, 0, 0, 0x00011b36, 0x02000000, 0x00);
	fk_bar(ep, 0, 256, RAW_MEM32, 0);
	fk_bar(ep, 1, 128, RAW_MEM32, 0);
	br = fk_add(NONE, 1, 0, 0x00011af5, 0x06040000, 0x01);
	fk_bar(fk_add(NONE, 2, 0, 0x00021b36, 0x02000000, 0x00), 0, KiB(4), RAW_MEM32, 0);
	h.bus_end = 0xff;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, MiB(16) };
	enumerate_ok();
	expect_bar(&h.funcs[0], 0, 0x40000000, 256, 0);
	expect_bar(&h.funcs[0], 1, 0x40001000, 128, 0);
	expect_bar(&h.funcs[2], 0, 0x40002000, KiB(4), 0);
	assert_int_equal(cfg32(br, PCI_MEMORY_BASE), 0x0000fff0);
	assert_int_equal(cfg32(br, PCI_PRIMARY_BUS), 0x00010100);
	assert_int_equal(h.max_bus, 1);
}

static void test_enum_no_bridges(void **state UNUSED)
{
	fk_reset(0);
	fk_add(NONE, 5, 0, 0x00011b36, 0x02000000, 0x00);
	h.bus_end = 0xff;
	enumerate_ok();
	assert_int_equal(h.nr_funcs, 1);
	assert_int_equal(h.max_bus, 0);
	fk_reset(0);
	h.bus_end = 0xff;
	enumerate_ok();                               /* empty host bridge */
	assert_int_equal(h.nr_funcs, 0);
	h.bus_start = 3;
	h.bus_end = 2;
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ERANGE);
	h.bus_start = 0;
	h.bus_end = 0x100;
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ERANGE);
}

/* ---- mem64 fallback and exhaustion ----------------------------------------------------------- */

static void test_mem64_fallback(void **state UNUSED)
{
	const struct pci_func *f;
	struct vpci_func v;
	int n;

	fk_reset(0);
	n = fk_add(NONE, 0, 0, 0x00011b36, 0x02000000, 0x00);
	fk_bar(n, 0, KiB(4), RAW_MEM32, 0);
	fk_bar(n, 2, MiB(1), RAW_MEM64, 0);
	fk_bar(n, 4, GiB(8), RAW_MEM64 | RAW_PREF, 0);
	h.bus_end = 0;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, KiB(64) };
	h.mem64 = (struct pci_window){ hpa(0x400000000ULL), 0x1000000000ULL, GiB(16) };
	enumerate_ok();
	f = &h.funcs[0];
	expect_bar(f, 0, 0x40000000, KiB(4), 0);
	expect_bar(f, 2, 0x400000000ULL, MiB(1), PCI_BAR_64);
	expect_bar(f, 3, 0, 0, PCI_BAR_UPPER);
	expect_bar(f, 4, 0x600000000ULL, GiB(8), PCI_BAR_64 | PCI_BAR_PREFETCH);
	assert_int_equal(cfg32(n, PCI_BAR0 + 8), 0x00000004);
	assert_int_equal(cfg32(n, PCI_BAR0 + 12), 0x10);
	assert_int_equal(cfg32(n, PCI_BAR0 + 16), 0x0000000c);
	assert_int_equal(cfg32(n, PCI_BAR0 + 20), 0x12);
	/* The guest sizes the 8 GiB BAR: the size bits reach into the upper register. */
	vpci_func_init(&v, f);
	assert_int_equal(vpci_cfg_read(&v, &ops, PCI_BAR0 + 16, 4), 0x0000000c);
	assert_int_equal(vpci_cfg_read(&v, &ops, PCI_BAR0 + 20, 4), 0x6);
	vpci_cfg_write(&v, &ops, PCI_BAR0 + 20, 4, 0xffffffff);
	assert_int_equal(vpci_cfg_read(&v, &ops, PCI_BAR0 + 20, 4), 0xfffffffe);
}

static void test_exhausted_mem32(void **state UNUSED)
{
	int n;

	fk_reset(0);
	fk_bar(fk_add(NONE, 0, 0, 0x00011b36, 0x02000000, 0x00), 0, KiB(32), RAW_MEM32, 0);
	n = fk_add(NONE, 1, 0, 0x00021b36, 0x02000000, 0x00);
	fk_bar(n, 0, KiB(4), RAW_MEM32, 0);
	fk_bar(n, 1, KiB(64), RAW_MEM32, 0);          /* 32-bit: never from mem64 */
	h.bus_end = 0;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, KiB(64) };
	h.mem64 = (struct pci_window){ hpa(0x400000000ULL), 0x400000000ULL, GiB(4) };
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ENOMEM);
	assert_string_equal(diag.node, "pci");
	assert_string_equal(diag.prop, "");
	assert_non_null(strstr(diag.msg, "00:01.0"));
	assert_non_null(strstr(diag.msg, "BAR1"));
}

static void test_exhausted_no_mem64(void **state UNUSED)
{
	fk_reset(0);
	fk_bar(fk_add(NONE, 3, 0, 0x00011b36, 0x02000000, 0x00), 2, MiB(1), RAW_MEM64, 0);
	h.bus_end = 0;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, KiB(64) };
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ENOMEM);
	assert_non_null(strstr(diag.msg, "00:03.0"));
}

static void test_exhausted_behind_bridge(void **state UNUSED)
{
	int br;

	fk_reset(0);
	br = fk_add(NONE, 0, 0, 0x00011af5, 0x06040000, 0x01);
	fk_bar(fk_add(br, 0, 0, 0x00011b36, 0x02000000, 0x00), 0, MiB(1), RAW_MEM64, 0);
	h.bus_end = 0xff;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, KiB(64) };
	h.mem64 = (struct pci_window){ hpa(0x400000000ULL), 0x400000000ULL, GiB(4) };
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ENOMEM);  /* bridges have no 64-bit window */
	assert_non_null(strstr(diag.msg, "01:00.0"));
}

static void test_exhausted_window_end(void **state UNUSED)
{
	int br;

	fk_reset(0);
	br = fk_add(NONE, 0, 0, 0x00011af5, 0x06040000, 0x01);
	fk_bar(fk_add(br, 0, 0, 0x00011b36, 0x02000000, 0x00), 0, KiB(4), RAW_MEM32, 0);
	h.bus_end = 0xff;
	h.mem32 = (struct pci_window){ hpa(0x40000000), 0x40000000, KiB(512) };
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ENOMEM);  /* window would end at +1 MiB */
	assert_non_null(strstr(diag.msg, "00:00.0"));
}

static void test_too_many_functions(void **state UNUSED)
{
	fk_reset(0);
	for (unsigned dev = 0; dev < 9; dev++)
		for (unsigned fn = 0; fn < 8; fn++)
			fk_add(NONE, dev, fn, 0x00011b36, 0x02000000, 0x80);
	h.bus_end = 0;
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ENOMEM);
	assert_string_equal(diag.node, "pci");
	assert_non_null(strstr(diag.msg, "00:08.0"));
	assert_int_equal(h.nr_funcs, PCI_MAX_FUNCS);
}

static void test_out_of_bus_numbers(void **state UNUSED)
{
	fk_reset(0);
	fk_add(NONE, 1, 0, 0x00011af5, 0x06040000, 0x01);
	fk_add(NONE, 2, 0, 0x00021af5, 0x06040000, 0x01);
	h.bus_end = 1;
	assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ERANGE);
	assert_string_equal(diag.node, "pci");
	assert_non_null(strstr(diag.msg, "00:02.0"));
	assert_int_equal(cfg32(0, PCI_PRIMARY_BUS), 0x00010100);
}

static void test_nesting_limit(void **state UNUSED)
{
	for (unsigned depth = 16; depth <= 17; depth++) {
		int parent = NONE;

		fk_reset(0);
		for (unsigned i = 0; i < depth; i++)
			parent = fk_add(parent, 0, 0, 0x00011af5, 0x06040000, 0x01);
		h.bus_end = 0xff;
		if (depth == 16) {
			enumerate_ok();
			assert_int_equal(h.max_bus, 16);
			assert_int_equal(cfg32(0, PCI_PRIMARY_BUS), 0x00100100);
		} else {
			assert_int_equal(pci_enumerate(&h, &ops, &diag), -PV_ERANGE);
			assert_non_null(strstr(diag.msg, "10:00.0"));
		}
	}
}

/* ---- assignment checks ----------------------------------------------------------------------- */

static void part(unsigned k, const char *name, unsigned n, const uint16_t *bdf)
{
	struct pv_part_config *p = &cfg.parts[k];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->node_path, sizeof(p->node_path), "/partitions/%s", name);
	p->nr_pci = n;
	memcpy(p->pci_bdf, bdf, n * sizeof(*bdf));
	if (cfg.nr_parts <= k)
		cfg.nr_parts = k + 1;
}

/* Everything below the conventional bridge B (C, D, E and G) is one group: beta has it whole. */
static void test_check_ok(void **state UNUSED)
{
	static const uint16_t a[] = { PCI_BDF(0, 0, 0), PCI_BDF(4, 0, 0) },
			      b[] = { PCI_BDF(1, 0, 1), PCI_BDF(2, 0, 0), PCI_BDF(1, 0, 0), PCI_BDF(1, 0, 3) };

	enumerate_ok();
	part(0, "alpha", 2, a);
	part(1, "beta", 4, b);
	assert_int_equal(assign_check(&h, &cfg, PCI_BDF(0, 2, 0), &diag), 0);
	assert_int_equal(assign_check(&h, &cfg, -1, &diag), 0);
}

static void check_one(int iommu, uint16_t bdf, int err, const char *msg)
{
	static const uint16_t a[] = { PCI_BDF(0, 0, 0) };

	part(0, "alpha", 1, a);
	part(1, "beta", 1, &bdf);
	assert_int_equal(assign_check(&h, &cfg, iommu, &diag), -err);
	assert_string_equal(diag.node, "/partitions/beta");
	assert_string_equal(diag.prop, "partvisor,pci-devices");
	assert_string_equal(diag.msg, msg);
}

static void test_check_absent(void **state UNUSED)
{
	enumerate_ok();
	check_one(-1, PCI_BDF(5, 0, 0), PV_ENOENT,
		     "PCI function 05:00.0 is not present on the host bridge");
	check_one(-1, PCI_BDF(1, 0, 2), PV_ENOENT,
		     "PCI function 01:00.2 is not present on the host bridge");
}

static void test_check_bridge(void **state UNUSED)
{
	enumerate_ok();
	check_one(-1, PCI_BDF(0, 1, 0), PV_EINVAL,
		     "PCI function 00:01.0 is a PCI bridge; only endpoints can be assigned");
}

static void test_check_iommu(void **state UNUSED)
{
	enumerate_ok();
	check_one(PCI_BDF(0, 2, 0), PCI_BDF(0, 2, 0), PV_EINVAL,
		     "PCI function 00:02.0 is the IOMMU, which the hypervisor owns");
}

/* An IOMMU that is not the one in use (class 0x0806) is refused too: its own DMA is untranslated. */
static void test_check_other_iommu(void **state UNUSED)
{
	enumerate_ok();
	h.funcs[pci_find(&h, PCI_BDF(0, 2, 0))].class_rev = 0x08060001;
	check_one(-1, PCI_BDF(0, 2, 0), PV_EINVAL,
		     "PCI function 00:02.0 is an IOMMU; its own DMA bypasses translation");
}

/* ---- guest reads ----------------------------------------------------------------------------- */

static struct vpci_func va;

/* Enumerate and give the guest function A (00:00.0). */
static void guest_a(void)
{
	enumerate_ok();
	vpci_func_init(&va, func(PCI_BDF(0, 0, 0)));
}

static uint32_t gr(unsigned off, unsigned width) { return vpci_cfg_read(&va, &ops, off, width); }
#define A_DEVCTL  (A_EXP + EXP_DEVCTL)
#define A_DEVCTL2 (A_EXP + EXP_DEVCTL2)
static uint16_t devctl_a(void) { return cfg16(ix[A], A_DEVCTL); }
static uint16_t devctl2_a(void) { return cfg16(ix[A], A_DEVCTL2); }
static void gw(unsigned off, unsigned width, uint32_t val) { vpci_cfg_write(&va, &ops, off, width, val); }

/* Size BAR register @off the way Linux does; returns the read-back, checks the restore. */
static uint32_t linux_size(unsigned off)
{
	uint32_t orig = gr(off, 4), sz;

	gw(off, 4, 0xffffffff);
	sz = gr(off, 4);
	gw(off, 4, orig);
	assert_int_equal(gr(off, 4), orig);
	return sz;
}

static void test_vread_bars(void **state UNUSED)
{
	uint32_t hw[6];
	unsigned writes;

	guest_a();
	memcpy(hw, &fk.f[ix[A]].cfg[PCI_BAR0 / 4], sizeof(hw));
	writes = total_writes();
	assert_int_equal(gr(PCI_BAR0, 4), CPU(0xc0000000));
	assert_int_equal(gr(PCI_BAR0 + 8, 4), CPU(0xc0100000) | 0xc);
	assert_int_equal(gr(PCI_BAR0 + 12, 4), 0);
	assert_int_equal(gr(PCI_BAR0 + 16, 4), CPU(0xc0200000));

	assert_int_equal(linux_size(PCI_BAR0), 0xffffc000);          /* 16 KiB */
	assert_int_equal(linux_size(PCI_BAR0 + 4), 0);               /* I/O: hidden */
	assert_int_equal(linux_size(PCI_BAR0 + 8), 0xfff0000c);      /* 1 MiB, 64-bit prefetchable */
	assert_int_equal(linux_size(PCI_BAR0 + 12), 0xffffffff);     /* upper half below 4 GiB */
	assert_int_equal(linux_size(PCI_BAR0 + 16), 0xffffff00);     /* the device's own 256 bytes */
	assert_int_equal(linux_size(PCI_BAR0 + 20), 0);              /* not implemented */

	/* The hardware never saw any of it. */
	assert_memory_equal(hw, &fk.f[ix[A]].cfg[PCI_BAR0 / 4], sizeof(hw));
	assert_int_equal(total_writes(), writes);
	assert_int_equal(hw[0], 0xc0000000);
}

static void test_vread_bar_subword(void **state UNUSED)
{
	guest_a();
	assert_int_equal(gr(PCI_BAR0 + 2, 2), CPU(0xc0000000) >> 16);
	assert_int_equal(gr(PCI_BAR0 + 8, 1), 0x0c);
	gw(PCI_BAR0 + 2, 2, 0xffff);                                  /* merged into the shadow */
	assert_int_equal(gr(PCI_BAR0, 4), 0xffff0000);
	assert_int_equal(gr(PCI_BAR0 + 3, 1), 0xff);
	gw(PCI_BAR0, 1, 0xff);
	gw(PCI_BAR0 + 1, 1, 0xff);
	assert_int_equal(gr(PCI_BAR0, 4), 0xffffc000);
	assert_int_equal(cfg32(ix[A], PCI_BAR0), 0xc0000000);
}

static void test_vread_hidden(void **state UNUSED)
{
	guest_a();
	assert_int_equal(gr(PCI_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(gr(PCI_DEVICE_ID, 2), 0x1042);
	assert_int_equal(gr(PCI_VENDOR_ID, 4), 0x10421af4);
	assert_int_equal(gr(PCI_CLASS_REVISION + 3, 1), 0x01);
	assert_int_equal(gr(PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(gr(PCI_STATUS, 2), 0x8010);
	assert_int_equal(gr(PCI_CAP_PTR, 1), A_PM | 0x3);             /* passed through as is */
	assert_int_equal(gr(A_MSI + 2, 2), 0x0184);
	assert_int_equal(cfg32(ix[A], PCI_ROM_ADDRESS), 0);           /* disabled at enumeration */
	fk.f[ix[A]].cfg[PCI_ROM_ADDRESS / 4] = 0xfeb80001;            /* and even if it were not: */
	assert_int_equal(gr(PCI_ROM_ADDRESS, 4), 0);
	assert_int_equal(gr(PCI_ROM_ADDRESS + 2, 2), 0);
	assert_int_equal(gr(PCI_INTERRUPT_LINE, 1), 0x0b);
	assert_int_equal(gr(PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(gr(PCI_INTERRUPT_LINE, 4), 0x0000000b);
	assert_int_equal(cfg32(ix[A], 0x100), 0x00010001);
	assert_int_equal(gr(0x100, 4), 0);
	assert_int_equal(gr(0xffc, 4), 0);
	assert_int_equal(gr(0xfff, 1), 0);

	/* The multi-function bit of the header type is hidden. */
	vpci_func_init(&va, func(PCI_BDF(1, 0, 0)));
	assert_int_equal(cfg16(ix[C], PCI_HEADER_TYPE) & 0xff, 0x80);
	assert_int_equal(gr(PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(gr(PCI_HEADER_TYPE, 2), 0);
	assert_int_equal(gr(PCI_CACHE_LINE, 4), 0x00002000);
	/* 64-bit non-prefetchable BAR of 16 KiB. */
	assert_int_equal(linux_size(PCI_BAR0), 0xffffc004);
	assert_int_equal(linux_size(PCI_BAR0 + 4), 0xffffffff);
}

static void test_vaccess_invalid(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	writes = total_writes();
	assert_int_equal(gr(PCI_VENDOR_ID + 1, 2), 0);                /* misaligned */
	assert_int_equal(gr(PCI_VENDOR_ID, 3), 0);
	assert_int_equal(gr(PCI_CFG_SPACE_SIZE, 4), 0);
	gw(PCI_COMMAND + 1, 2, 0xffff);
	gw(PCI_COMMAND, 8, 0xffff);
	gw(PCI_CFG_SPACE_SIZE, 1, 0xff);
	assert_int_equal(total_writes(), writes);
}

/* ---- guest writes ---------------------------------------------------------------------------- */

/*
 * Command [PCI 3.0 §6.2.2]: Memory Space and Bus Master reach the device; Parity Error Response,
 * SERR# Enable and Interrupt Disable read back from the shadow while the device keeps its own
 * Parity/SERR# and has Interrupt Disable forced on; I/O Space never; Status RW1C passed.
 */
static void test_vwrite_command(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	assert_int_equal(cfg32(ix[A], PCI_COMMAND), 0x80100100);
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_SERR);           /* nothing written: the device's value */
	gw(PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
	/* I/O Space dropped, SERR# kept although the guest cleared it, INTx Disable forced on,
	 * RW1C status not clobbered. */
	assert_int_equal(cfg16(ix[A], PCI_COMMAND),
			 PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x8010);
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_MEM | PCI_CMD_MASTER);
	/* Bits outside the allowed set keep their hardware value. */
	fk.f[ix[A]].cfg[PCI_COMMAND / 4] |= 0x0080;
	gw(PCI_COMMAND, 2, 0xffff);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND),
			 0x0080 | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 2),
			 0x0080 | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_PARITY | PCI_CMD_SERR |
			 PCI_CMD_INTX_DISABLE);
	gw(PCI_COMMAND, 2, 0);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), 0x0080 | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 2), 0x0080);
	/* High byte alone: SERR# and INTx Disable, shadow only (nothing written to the device). */
	writes = total_writes();
	gw(PCI_COMMAND + 1, 1, PCI_CMD_INTX_DISABLE >> 8);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), 0x0080 | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 2), 0x0080 | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND + 1, 1), PCI_CMD_INTX_DISABLE >> 8);
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x8010);
	/* The guest clears a status bit by writing it; Command stays. */
	gw(PCI_STATUS, 2, 0x8000);
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x0010);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), 0x0080 | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 4), 0x00100080 | PCI_CMD_INTX_DISABLE);
	/* A dword write covers Command and Status: both rules at once. */
	fk.f[ix[A]].cfg[PCI_COMMAND / 4] |= 0x8000U << 16;
	gw(PCI_COMMAND, 4, 0x80000006);
	assert_int_equal(cfg32(ix[A], PCI_COMMAND), 0x00100086 | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 4), 0x00100086);
}

/* The device's Parity/SERR# are the hypervisor's; lost forced bits are put right by any write of the dword. */
static void test_vcommand_forced(void **state UNUSED)
{
	const uint16_t hv = PCI_CMD_PARITY | PCI_CMD_SERR;
	unsigned writes;

	guest_a();
	fk.f[ix[A]].cfg[PCI_COMMAND / 4] |= PCI_CMD_PARITY;           /* the hypervisor's Parity on */
	gw(PCI_COMMAND, 1, PCI_CMD_MEM);                               /* low byte: Parity written 0 */
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), PCI_CMD_MEM | hv | PCI_CMD_INTX_DISABLE);
	/* The shadow started from the device (SERR# 1, INTx Disable 0 then), Parity from the write. */
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_MEM | PCI_CMD_SERR);
	gw(PCI_COMMAND, 1, PCI_CMD_MEM | PCI_CMD_PARITY);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), PCI_CMD_MEM | hv | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 1), PCI_CMD_MEM | PCI_CMD_PARITY);
	gw(PCI_COMMAND + 1, 1, 0);                                      /* SERR# off for the guest only */
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), PCI_CMD_MEM | hv | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_MEM | PCI_CMD_PARITY);
	/* The device lost Interrupt Disable and has I/O Space on: a shadow-only write puts them right. */
	fk.f[ix[A]].cfg[PCI_COMMAND / 4] = (fk.f[ix[A]].cfg[PCI_COMMAND / 4] & ~PCI_CMD_INTX_DISABLE) | PCI_CMD_IO;
	writes = total_writes();
	gw(PCI_COMMAND + 1, 1, PCI_CMD_SERR >> 8);
	assert_int_equal(total_writes(), writes + 1);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), PCI_CMD_MEM | hv | PCI_CMD_INTX_DISABLE);
	assert_int_equal(cfg16(ix[A], PCI_STATUS), 0x8010);
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_MEM | hv);
	/* Status high byte alone: one status bit cleared, Command as it was. */
	gw(PCI_STATUS + 1, 1, 0x80);
	assert_int_equal(cfg32(ix[A], PCI_COMMAND), 0x00100000 | PCI_CMD_MEM | hv | PCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(PCI_COMMAND, 4), 0x00100000 | PCI_CMD_MEM | hv);
}

static void test_vwrite_header(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	gw(PCI_CACHE_LINE, 1, 0x10);
	assert_int_equal(cfg32(ix[A], PCI_CACHE_LINE), 0x00002010);
	gw(PCI_CACHE_LINE, 4, 0xffffff08);                             /* only the cache line size */
	assert_int_equal(cfg32(ix[A], PCI_CACHE_LINE), 0x00002008);
	/* A running BIST is not restarted by writing its start bit back. */
	fk.f[ix[A]].cfg[PCI_CACHE_LINE / 4] |= 0xc0000000;
	gw(PCI_CACHE_LINE, 1, 0x10);
	assert_int_equal(cfg32(ix[A], PCI_CACHE_LINE), 0x80002010);
	writes = total_writes();
	gw(PCI_CACHE_LINE + 1, 1, 0xff);                               /* latency timer */
	gw(PCI_CACHE_LINE + 3, 1, 0x40);                               /* BIST */
	gw(PCI_HEADER_TYPE, 1, 0xff);
	gw(PCI_VENDOR_ID, 4, 0);
	gw(PCI_CLASS_REVISION, 4, 0);
	gw(PCI_SUBSYSTEM, 4, 0);
	gw(PCI_CAP_PTR, 1, 0);
	gw(PCI_ROM_ADDRESS, 4, 0xffffffff);
	gw(PCI_INTERRUPT_LINE, 1, 0x05);
	gw(PCI_INTERRUPT_PIN, 1, 0x02);
	gw(0x100, 4, 0);
	gw(0x104, 2, 0xffff);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(cfg32(ix[A], PCI_ROM_ADDRESS), 0);              /* stays disabled */
	assert_int_equal(cfg32(ix[A], PCI_INTERRUPT_LINE), 0x010b);
}

static void test_vwrite_msi(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	gw(A_MSI + MSI_ADDR_LO, 4, 0x28001000);
	gw(A_MSI + MSI_ADDR_HI, 4, 0x1);
	gw(A_MSI + MSI64_DATA, 2, 0x0042);
	gw(A_MSI + MSI64_MASK, 4, 0x3);
	gw(A_MSI + 2, 2, 0x0001);
	assert_int_equal(cfg32(ix[A], A_MSI + MSI_ADDR_LO), 0x28001000);
	assert_int_equal(cfg32(ix[A], A_MSI + MSI_ADDR_HI), 0x1);
	assert_int_equal(cfg32(ix[A], A_MSI + MSI64_DATA), 0x0042);
	assert_int_equal(cfg32(ix[A], A_MSI + MSI64_MASK), 0x3);
	assert_int_equal(cfg16(ix[A], A_MSI + 2), 0x0185);
	assert_int_equal(gr(A_MSI + MSI_ADDR_LO, 4), 0x28001000);
	assert_int_equal(cfg16(ix[A], A_MSI) & 0xff, PCI_CAP_ID_MSI);
	writes = total_writes();
	gw(A_MSI, 1, 0x09);                                          /* capability id */
	gw(A_MSI + 1, 1, 0x00);                                      /* next pointer */
	assert_int_equal(total_writes(), writes);
	assert_int_equal(gr(A_MSI + 1, 1), A_EXP);

	/* 32-bit MSI without masking is 10 bytes: Message Data ends at cap + 0x0a. */
	vpci_func_init(&va, func(PCI_BDF(1, 0, 1)));
	gw(D_MSI + MSI_ADDR_LO, 4, 0x28002000);
	gw(D_MSI + MSI32_DATA, 4, 0xabcd1234);
	assert_int_equal(cfg32(ix[D], D_MSI + MSI_ADDR_LO), 0x28002000);
	assert_int_equal(cfg32(ix[D], D_MSI + MSI32_DATA), 0x55661234);
	writes = total_writes();
	gw(D_MSI + MSI32_DATA + 2, 2, 0xffff);
	gw(D_VNDR, 4, 0xffffffff);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(cfg32(ix[D], D_VNDR), 0x0004U << 16 | PCI_CAP_ID_VNDR);
}

static void test_vwrite_msix(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	gw(A_MSIX + 2, 2, 0xffff);
	assert_int_equal(cfg16(ix[A], A_MSIX + 2), PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 0x0007);
	gw(A_MSIX + 3, 1, PCI_MSIX_FLAGS_ENABLE >> 8);
	assert_int_equal(cfg16(ix[A], A_MSIX + 2), PCI_MSIX_FLAGS_ENABLE | 0x0007);
	gw(A_MSIX, 4, 0);
	assert_int_equal(cfg32(ix[A], A_MSIX), 0x0007U << 16 | A_VNDR << 8 | PCI_CAP_ID_MSIX);
	writes = total_writes();
	gw(A_MSIX + 2, 1, 0xff);                                     /* table size byte: nothing writable */
	gw(A_MSIX + 4, 4, 0);                                        /* table offset / BIR */
	gw(A_VNDR + 4, 4, 0xdeadbeef);                               /* vendor capability */
	gw(A_VNDR + 4, 1, 0xef);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(cfg32(ix[A], A_VNDR + 4), 0);
}

/* Link Control and the PCIe Capabilities register are not the guest's; Device Status is RW1C, passed. */
static void test_vwrite_exp(void **state UNUSED)
{
	unsigned writes;

	guest_a();
	gw(A_EXP + EXP_DEVSTA, 2, 0x0004);
	assert_int_equal(cfg16(ix[A], A_EXP + EXP_DEVSTA), 0);
	assert_int_equal(cfg16(ix[A], A_EXP + EXP_DEVCTL), 0x2810);
	fk.f[ix[A]].cfg[A_DEVCTL / 4] |= 0x0005U << 16;                 /* Correctable and Fatal Error Detected */
	gw(A_EXP + EXP_DEVSTA, 1, 0x01);                                /* byte: Correctable only */
	assert_int_equal(cfg16(ix[A], A_EXP + EXP_DEVSTA), 0x0004);
	assert_int_equal(gr(A_EXP + EXP_DEVSTA, 2), 0x0004);
	writes = total_writes();
	gw(A_EXP + EXP_LNKCTL, 2, 0x0010);                           /* Link Disable */
	gw(A_EXP + 2, 2, 0xffff);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(cfg16(ix[A], A_EXP + EXP_LNKCTL), 0);
}

/*
 * Device Control bits the guest only sees [PCIe Base 6.0 §7.5.3.4]: the error reporting enables,
 * Relaxed Ordering, Max_Payload_Size, Extended Tag, Phantom Functions, Aux Power PM and No Snoop.
 * The device keeps its values (0x2810: No Snoop, Relaxed Ordering, MPS 128, MRRS 512).
 */
static void test_vdevctl_shadowed(void **state UNUSED)
{
	static const uint16_t bits[] = {
		PCI_EXP_DEVCTL_ERR_REPORT, PCI_EXP_DEVCTL_RELAX_EN, PCI_EXP_DEVCTL_PAYLOAD,
		PCI_EXP_DEVCTL_EXT_TAG, PCI_EXP_DEVCTL_PHANTOM, PCI_EXP_DEVCTL_AUX_PME,
		PCI_EXP_DEVCTL_NOSNOOP_EN, 0,
	};
	unsigned writes;

	guest_a();
	assert_int_equal(devctl_a(), 0x2810);
	assert_int_equal(gr(A_DEVCTL, 2), 0x2810);                  /* nothing written: the device's value */
	for (unsigned i = 0; i < ARRAY_SIZE(bits); i++) {
		uint16_t g = PCI_EXP_DEVCTL_READRQ_512 | bits[i];     /* each bit alone, others cleared */

		gw(A_DEVCTL, 2, g);
		assert_int_equal(gr(A_DEVCTL, 2), g);
		assert_int_equal(cfg32(ix[A], A_DEVCTL), 0x0004U << 16 | 0x2810);
	}
	/* A byte not holding Max_Read_Request_Size does not reach the device at all. */
	writes = total_writes();
	gw(A_DEVCTL, 1, 0xbf);                                       /* error enables, RO, MPS 4096 */
	assert_int_equal(total_writes(), writes);
	assert_int_equal(devctl_a(), 0x2810);
	assert_int_equal(gr(A_DEVCTL, 1), 0xbf);
	assert_int_equal(gr(A_DEVCTL, 2), 0x20bf);
	/* Phantom Functions set by the guest: shadow only, the device's stays off. */
	gw(A_DEVCTL + 1, 1, (PCI_EXP_DEVCTL_READRQ_512 | PCI_EXP_DEVCTL_PHANTOM | PCI_EXP_DEVCTL_EXT_TAG) >> 8);
	assert_int_equal(devctl_a(), 0x2810);
	assert_int_equal(gr(A_DEVCTL, 2), 0x23bf);
	assert_int_equal(gr(A_DEVCTL + 1, 1), 0x23);
	/* A device found with Phantom Functions on and MPS 256 is put right by any write of the dword. */
	fk.f[ix[A]].cfg[A_DEVCTL / 4] |= PCI_EXP_DEVCTL_PHANTOM | 0x0020;
	writes = total_writes();
	gw(A_DEVCTL, 1, 0x00);
	assert_int_equal(total_writes(), writes + 1);
	assert_int_equal(cfg32(ix[A], A_DEVCTL), 0x0004U << 16 | 0x2810);   /* Device Status not cleared */
	assert_int_equal(gr(A_DEVCTL, 2), 0x2300);
}

/* Max_Read_Request_Size: the guest may lower it, the device gets at most 512 bytes, the guest reads its own. */
static void test_vdevctl_readrq(void **state UNUSED)
{
	static const struct { uint8_t guest, dev; } rq[] = {     /* byte 1 of Device Control: bits 6:4 */
		{ 0x00, 0x00 }, { 0x10, 0x10 }, { 0x20, 0x20 }, { 0x30, 0x20 },
		{ 0x40, 0x20 }, { 0x50, 0x20 }, { 0x60, 0x20 }, { 0x70, 0x20 },   /* 6, 7 reserved */
	};
	uint32_t v;

	guest_a();
	for (unsigned i = 0; i < ARRAY_SIZE(rq); i++) {
		gw(A_DEVCTL + 1, 1, 0x08 | rq[i].guest);          /* No Snoop kept set */
		assert_int_equal(devctl_a(), (uint16_t)(rq[i].dev << 8) | 0x0810);
		assert_int_equal(gr(A_DEVCTL + 1, 1), 0x08 | rq[i].guest);
		assert_int_equal(gr(A_DEVCTL, 2), (uint16_t)((0x08 | rq[i].guest) << 8) | 0x10);
		assert_int_equal(cfg16(ix[A], A_EXP + EXP_DEVSTA), 0x0004);
	}
	/* Linux pcie_set_readrq(4096): read-modify-write of the halfword; pcie_get_readrq() reads 4096. */
	v = gr(A_DEVCTL, 2);
	gw(A_DEVCTL, 2, (v & ~PCI_EXP_DEVCTL_READRQ) | 0x5000);
	assert_int_equal(gr(A_DEVCTL, 2) & PCI_EXP_DEVCTL_READRQ, 0x5000);
	assert_int_equal(devctl_a() & PCI_EXP_DEVCTL_READRQ, PCI_EXP_DEVCTL_READRQ_512);
	gw(A_DEVCTL, 2, (v & ~PCI_EXP_DEVCTL_READRQ) | 0x1000);      /* lowered to 256 */
	assert_int_equal(devctl_a(), 0x1810);
	/* A dword write of Device Control and Device Status: MRRS limited, Fatal Error Detected cleared. */
	gw(A_DEVCTL, 4, 0x0004U << 16 | 0x7fff);
	assert_int_equal(cfg32(ix[A], A_DEVCTL), 0x2810);
	assert_int_equal(gr(A_DEVCTL, 4), 0x7fff);
}

/* Initiate FLR never reaches the device and always reads 0 (the hypervisor does FLRs). */
static void test_vdevctl_flr(void **state UNUSED)
{
	guest_a();
	gw(A_DEVCTL, 2, PCI_EXP_DEVCTL_FLR | 0x2810);
	assert_int_equal(devctl_a(), 0x2810);
	assert_int_equal(cfg16(ix[A], A_EXP + EXP_DEVSTA), 0x0004);   /* RW1C not clobbered */
	assert_int_equal(gr(A_DEVCTL, 2), 0x2810);
	gw(A_DEVCTL + 1, 1, 0x80);                                   /* FLR alone (and MRRS 128) */
	assert_int_equal(devctl_a(), 0x0810);
	assert_int_equal(gr(A_DEVCTL + 1, 1), 0);
	assert_int_equal(gr(A_DEVCTL, 2), 0x0010);
	/* Even a device that reads FLR back as 1 gets 0 written there, and the guest reads 0. */
	fk.f[ix[A]].cfg[A_DEVCTL / 4] |= PCI_EXP_DEVCTL_FLR;
	assert_int_equal(gr(A_DEVCTL, 2), 0x0010);
	gw(A_DEVCTL, 1, 0x30);
	assert_int_equal(devctl_a(), 0x0810);
	assert_int_equal(gr(A_DEVCTL, 2), 0x0030);
	fk.f[ix[A]].cfg[A_DEVCTL / 4] |= PCI_EXP_DEVCTL_FLR;
	vpci_func_init(&va, func(PCI_BDF(0, 0, 0)));                  /* shadow not loaded: still 0 */
	assert_int_equal(gr(A_DEVCTL, 2), 0x0810);
	assert_int_equal(gr(A_DEVCTL + 1, 1), 0x08);
}

/* Device Control 2 [PCIe Base 6.0 §7.5.3.16]: only Completion Timeout Value/Disable reach the device. */
static void test_vdevctl2(void **state UNUSED)
{
	static const uint16_t bits[] = {
		PCI_EXP_DEVCTL2_ARI, PCI_EXP_DEVCTL2_ATOMIC_REQ, PCI_EXP_DEVCTL2_ATOMIC_EGRESS_BLOCK,
		PCI_EXP_DEVCTL2_IDO_REQ_EN, PCI_EXP_DEVCTL2_IDO_CMP_EN, PCI_EXP_DEVCTL2_LTR_EN,
		PCI_EXP_DEVCTL2_EMERG_PWR_REQ, PCI_EXP_DEVCTL2_10BIT_TAG_REQ, PCI_EXP_DEVCTL2_OBFF,
		PCI_EXP_DEVCTL2_EETLP_PREFIX_BLOCK,
	};
	unsigned writes;

	guest_a();
	fk.f[ix[A]].cfg[A_DEVCTL2 / 4] = PCI_EXP_DEVCTL2_LTR_EN;      /* firmware left LTR on */
	assert_int_equal(gr(A_DEVCTL2, 2), PCI_EXP_DEVCTL2_LTR_EN);
	gw(A_DEVCTL2, 2, PCI_EXP_DEVCTL2_COMP_TMOUT_DIS | 0x5);
	assert_int_equal(devctl2_a(), PCI_EXP_DEVCTL2_LTR_EN | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS | 0x5);
	assert_int_equal(gr(A_DEVCTL2, 2), PCI_EXP_DEVCTL2_COMP_TMOUT_DIS | 0x5);
	for (unsigned i = 0; i < ARRAY_SIZE(bits); i++) {
		gw(A_DEVCTL2, 2, bits[i] | 0x3);
		assert_int_equal(devctl2_a(), PCI_EXP_DEVCTL2_LTR_EN | 0x3);
		assert_int_equal(gr(A_DEVCTL2, 2), bits[i] | 0x3);
	}
	gw(A_DEVCTL2, 2, 0xffff);
	assert_int_equal(devctl2_a(), PCI_EXP_DEVCTL2_LTR_EN | 0x1f);
	assert_int_equal(gr(A_DEVCTL2, 2), 0xffff);
	/* The high byte holds no passed bit: shadow only. */
	writes = total_writes();
	gw(A_DEVCTL2 + 1, 1, 0x00);
	assert_int_equal(total_writes(), writes);
	assert_int_equal(gr(A_DEVCTL2, 2), 0x00ff);
	gw(A_DEVCTL2, 1, 0x02);
	assert_int_equal(devctl2_a(), PCI_EXP_DEVCTL2_LTR_EN | 0x2);
	assert_int_equal(gr(A_DEVCTL2, 2), 0x0002);
	/* Device Status 2 is not writable; a dword write reaches only bits 4:0. */
	gw(A_DEVCTL2 + 2, 2, 0xffff);
	assert_int_equal(total_writes(), writes + 1);
	gw(A_DEVCTL2, 4, 0xffff0000 | PCI_EXP_DEVCTL2_10BIT_TAG_REQ | 0x8);
	assert_int_equal(cfg32(ix[A], A_DEVCTL2), PCI_EXP_DEVCTL2_LTR_EN | 0x8);
	assert_int_equal(gr(A_DEVCTL2, 4), PCI_EXP_DEVCTL2_10BIT_TAG_REQ | 0x8);
}

/* vpci_func_init() (every partition start) drops the shadows: the guest reads the device again. */
static void test_vshadow_reboot(void **state UNUSED)
{
	const uint16_t dev_cmd = PCI_CMD_MEM | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE;

	guest_a();
	gw(PCI_COMMAND, 2, PCI_CMD_PARITY | PCI_CMD_MEM);
	gw(A_DEVCTL, 2, 0x00ff);
	gw(A_DEVCTL2, 2, 0xf000);
	assert_int_equal(gr(PCI_COMMAND, 2), PCI_CMD_PARITY | PCI_CMD_MEM);
	assert_int_equal(gr(A_DEVCTL, 2), 0x00ff);
	assert_int_equal(gr(A_DEVCTL2, 2), 0xf000);
	assert_int_equal(cfg16(ix[A], PCI_COMMAND), dev_cmd);
	assert_int_equal(devctl_a(), 0x0810);
	assert_int_equal(devctl2_a(), 0);
	vpci_func_init(&va, func(PCI_BDF(0, 0, 0)));
	assert_int_equal(gr(PCI_COMMAND, 2), dev_cmd);
	assert_int_equal(gr(A_DEVCTL, 2), 0x0810);
	assert_int_equal(gr(A_DEVCTL2, 2), 0);
	/* The first write after that starts again from the device's value. */
	gw(PCI_COMMAND, 1, PCI_CMD_MEM);
	assert_int_equal(gr(PCI_COMMAND, 2), dev_cmd);
	gw(A_DEVCTL2, 1, 0x01);
	assert_int_equal(gr(A_DEVCTL2, 2), 0x0001);
	/* Another function's view is separate. */
	vpci_func_init(&va, func(PCI_BDF(1, 0, 1)));                  /* D: no PCIe capability */
	assert_int_equal(gr(PCI_COMMAND, 2), cfg16(ix[D], PCI_COMMAND));
}

static void test_vwrite_pm(void **state UNUSED)
{
	guest_a();
	gw(A_PM + PM_CTRL, 1, 0x03);                                 /* D3hot: PowerState is not the guest's */
	assert_int_equal(cfg16(ix[A], A_PM + PM_CTRL), 0x8000);       /* still D0, PME_Status kept */
	gw(A_PM + PM_CTRL, 2, 0x0100);
	assert_int_equal(cfg16(ix[A], A_PM + PM_CTRL), 0x8100);
	gw(A_PM + PM_CTRL, 2, 0x8000);
	assert_int_equal(cfg16(ix[A], A_PM + PM_CTRL), 0x0000);
}

/* ---- isolation groups ------------------------------------------------------------------------ */

#define EXP_CAP  0x40
#define ACS_OFF  0x100
#define ACS_ALL  (PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/* Give @i a PCIe capability of Device/Port Type @type, and an ACS capability with @acs (0: none). */
static void fk_pcie(int i, unsigned type, uint16_t acs)
{
	struct fake_fn *x = &fk.f[i];

	fk_cap(i, 0, EXP_CAP, PCI_CAP_ID_EXP, (uint16_t)(type << 4 | 2));
	if (acs) {
		x->cfg[ACS_OFF / 4] = PCI_EXT_CAP_ID_ACS | 1U << 16;   /* version 1, last */
		x->cfg[(ACS_OFF + 4) / 4] = acs;                      /* capability; control 0 */
		x->wm[(ACS_OFF + 4) / 4] = 0x007fU << 16;
	}
}

static int fk_port(int parent, unsigned dev, unsigned fn, unsigned type, uint16_t acs)
{
	int i = fk_add(parent, dev, fn, 0x000c1b36, 0x06040000, 0x01);

	fk_pcie(i, type, acs);
	return i;
}

static int fk_ep(int parent, unsigned dev, unsigned fn, bool mf, int type, uint16_t acs)
{
	int i = fk_add(parent, dev, fn, 0x11e81234, 0x00ff0000, mf ? 0x80 : 0x00);

	fk_bar(i, 0, KiB(4), RAW_MEM32, 0);
	if (type >= 0)
		fk_pcie(i, (unsigned)type, acs);
	return i;
}

/*
 *  00:00.0 HB   host bridge (QEMU's 1b36:0008 when @qemu)
 *  00:01.0 RP1  root port, ACS                         -> 01:00.0 E1
 *  00:02.0 RP2  root port, no ACS                      -> 02:00.0 E2, 02:00.1 E3 (multi-function, no ACS)
 *  00:03.0 RP3  root port, ACS -> 03:00.0 USP -> 04:00.0 DSP1 (no ACS) -> 05:00.0 E4
 *                                             -> 04:01.0 DSP2 (ACS)    -> 06:00.0 E5
 *  00:04.0 RP4  root port, ACS -> 07:00.0 USP2 -> 08:00.0 DSP3 (ACS) -> 09:00.0 E6
 *                                              -> 08:01.0 DSP4 (ACS) -> 0a:00.0 E7
 *  00:05.0 RP5  root port, ACS -> 0b:00.0 PB (PCIe-to-PCI) -> 0c:01.0 E8, 0c:02.0 E9 (conventional)
 *  00:06.0/.1 MF1 multi-function endpoint, no ACS
 *  00:07.0/.1 MF2 multi-function endpoint, ACS RR/CR on both
 *  00:08.0 EC   root complex event collector (type 0 header)
 */
enum { HB, RP1, E1, RP2, E2, E3, RP3, USP, DSP1, E4, DSP2, E5, RP4, USP2, DSP3, E6, DSP4, E7, RP5, PB, E8, E9,
       MF1A, MF1B, MF2A, MF2B, EC, NG };
static int gx[NG];

static void build_groups(bool qemu)
{
	fk_reset(0);
	gx[HB] = fk_add(NONE, 0, 0, qemu ? 0x00081b36 : 0x0001abcd, 0x06000000, 0x00);
	gx[RP1] = fk_port(NONE, 1, 0, PCI_EXP_TYPE_ROOT_PORT, ACS_ALL);
	gx[E1] = fk_ep(gx[RP1], 0, 0, false, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[RP2] = fk_port(NONE, 2, 0, PCI_EXP_TYPE_ROOT_PORT, 0);
	gx[E2] = fk_ep(gx[RP2], 0, 0, true, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[E3] = fk_ep(gx[RP2], 0, 1, true, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[RP3] = fk_port(NONE, 3, 0, PCI_EXP_TYPE_ROOT_PORT, ACS_ALL);
	gx[USP] = fk_port(gx[RP3], 0, 0, PCI_EXP_TYPE_UPSTREAM, 0);
	gx[DSP1] = fk_port(gx[USP], 0, 0, PCI_EXP_TYPE_DOWNSTREAM, 0);
	gx[E4] = fk_ep(gx[DSP1], 0, 0, false, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[DSP2] = fk_port(gx[USP], 1, 0, PCI_EXP_TYPE_DOWNSTREAM, ACS_ALL);
	gx[E5] = fk_ep(gx[DSP2], 0, 0, false, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[RP4] = fk_port(NONE, 4, 0, PCI_EXP_TYPE_ROOT_PORT, ACS_ALL);
	gx[USP2] = fk_port(gx[RP4], 0, 0, PCI_EXP_TYPE_UPSTREAM, 0);
	gx[DSP3] = fk_port(gx[USP2], 0, 0, PCI_EXP_TYPE_DOWNSTREAM, ACS_ALL);
	gx[E6] = fk_ep(gx[DSP3], 0, 0, false, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[DSP4] = fk_port(gx[USP2], 1, 0, PCI_EXP_TYPE_DOWNSTREAM, ACS_ALL);
	gx[E7] = fk_ep(gx[DSP4], 0, 0, false, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[RP5] = fk_port(NONE, 5, 0, PCI_EXP_TYPE_ROOT_PORT, ACS_ALL);
	gx[PB] = fk_port(gx[RP5], 0, 0, PCI_EXP_TYPE_PCI_BRIDGE, 0);
	gx[E8] = fk_ep(gx[PB], 1, 0, false, -1, 0);
	gx[E9] = fk_ep(gx[PB], 2, 0, false, -1, 0);
	gx[MF1A] = fk_ep(NONE, 6, 0, true, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[MF1B] = fk_ep(NONE, 6, 1, true, PCI_EXP_TYPE_ENDPOINT, 0);
	gx[MF2A] = fk_ep(NONE, 7, 0, true, PCI_EXP_TYPE_ENDPOINT, PCI_ACS_RR | PCI_ACS_CR);
	gx[MF2B] = fk_ep(NONE, 7, 1, true, PCI_EXP_TYPE_ENDPOINT, PCI_ACS_RR | PCI_ACS_CR);
	gx[EC] = fk_ep(NONE, 8, 0, false, PCI_EXP_TYPE_RC_EC, 0);
	h.bus_start = 0;
	h.bus_end = 0x1f;
	h.mem32 = (struct pci_window){ hpa(MEM32_CPU), MEM32_PCI, MiB(256) };
	enumerate_ok();
}

/* Bus:dev.fn of fake function @i after enumeration (its bus from the bridge above). */
static uint16_t fk_bdf(int i)
{
	const struct fake_fn *x = &fk.f[i];

	return PCI_BDF(x->parent == NONE ? fk.root_bus : fk_sec(&fk.f[x->parent]), x->dev, x->fn);
}

static const struct pci_func *gf(int k) { return &h.funcs[pci_find(&h, fk_bdf(gx[k]))]; }
static int group_of(int k) { return gf(k)->group; }

static void test_group_bus_numbers(void **state UNUSED)
{
	build_groups(false);
	assert_int_equal(h.nr_funcs, NG);
	assert_false(h.rid_bus0_quirk);
	assert_int_equal(gf(E4)->bdf, PCI_BDF(5, 0, 0));
	assert_int_equal(gf(E7)->bdf, PCI_BDF(0x0a, 0, 0));
	assert_int_equal(gf(E9)->bdf, PCI_BDF(0x0c, 2, 0));
	assert_int_equal(gf(PB)->sec_bus, 0x0c);
	assert_int_equal(gf(E4)->parent, pci_find(&h, PCI_BDF(4, 0, 0)));
	assert_int_equal(gf(RP1)->parent, -1);
	assert_int_equal(gf(USP)->pcie_type, PCI_EXP_TYPE_UPSTREAM);
	assert_int_equal(gf(E8)->pcie_type, PCI_EXP_TYPE_NONE);
	assert_true(gf(E2)->multifunction);
	assert_false(gf(E1)->multifunction);
}

/* ACS controls are enabled where implemented: SV, TB, RR, CR, UF (never EC or DT). */
static void test_group_acs_enabled(void **state UNUSED)
{
	build_groups(false);
	fk.f[gx[RP1]].cfg[(ACS_OFF + 4) / 4] = ACS_ALL | PCI_ACS_EC | PCI_ACS_DT;
	fk.f[gx[RP1]].cfg[(ACS_OFF + 4) / 4] &= 0xffff;
	enumerate_ok();
	assert_int_equal(cfg32(gx[RP1], ACS_OFF + 4) >> 16, ACS_ALL);
	assert_int_equal(gf(RP1)->acs_cap, ACS_ALL | PCI_ACS_EC | PCI_ACS_DT);
	assert_int_equal(cfg32(gx[MF2A], ACS_OFF + 4) >> 16, PCI_ACS_RR | PCI_ACS_CR);
	assert_int_equal(cfg32(gx[RP2], ACS_OFF + 4), 0);     /* no ACS capability: nothing written */
	/* after an FLR (which clears ACS Control) pci_flr() enables them again */
	fk.f[gx[MF2A]].cfg[(ACS_OFF + 4) / 4] &= 0xffff;
	pci_acs_enable(&ops, gf(MF2A));
	assert_int_equal(cfg32(gx[MF2A], ACS_OFF + 4) >> 16, PCI_ACS_RR | PCI_ACS_CR);
}

static void test_group_root_ports(void **state UNUSED)
{
	build_groups(false);
	/* a root port with ACS: its endpoint alone, requester ID its own */
	assert_int_equal(group_of(E1), pci_find(&h, PCI_BDF(1, 0, 0)));
	assert_int_equal(gf(E1)->group_why, PCI_GROUP_ALONE);
	assert_int_equal(gf(E1)->rid, PCI_BDF(1, 0, 0));
	assert_int_not_equal(group_of(E1), group_of(RP1));
	/* without ACS: the port and everything below */
	assert_int_equal(group_of(E2), group_of(RP2));
	assert_int_equal(group_of(E3), group_of(RP2));
	assert_int_not_equal(group_of(E2), group_of(E1));
	/* ACS without one of the four controls isolates nothing; the others are still enabled */
	fk.f[gx[RP1]].cfg[(ACS_OFF + 4) / 4] = ACS_ALL & ~PCI_ACS_UF;
	enumerate_ok();
	assert_int_equal(group_of(E1), group_of(RP1));
	assert_int_equal(gf(E1)->group_why, PCI_GROUP_NO_ACS);
	assert_int_equal(cfg32(gx[RP1], ACS_OFF + 4) >> 16, ACS_ALL & ~PCI_ACS_UF);
}

static void test_group_switch(void **state UNUSED)
{
	build_groups(false);
	/* DSP1 lacks ACS: the whole switch (both downstream ports' endpoints) is one group */
	assert_int_equal(group_of(E4), group_of(E5));
	assert_int_equal(group_of(E4), group_of(USP));
	assert_int_not_equal(group_of(E4), group_of(RP3));
	assert_int_equal(gf(E5)->group_why, PCI_GROUP_NO_ACS);
	assert_int_equal(h.funcs[gf(E5)->group_via].bdf, PCI_BDF(4, 0, 0));
	/* every downstream port with ACS: each endpoint alone */
	assert_int_not_equal(group_of(E6), group_of(E7));
	assert_int_equal(gf(E6)->group_why, PCI_GROUP_ALONE);
}

static void test_group_pcie_to_pci_alias(void **state UNUSED)
{
	build_groups(false);
	assert_int_equal(gf(E8)->rid, PCI_BDF(0x0c, 0, 0));   /* secondary bus, device 0, function 0 */
	assert_int_equal(gf(E9)->rid, PCI_BDF(0x0c, 0, 0));
	assert_int_equal(gf(E9)->rid_dma, gf(E9)->rid);       /* no QEMU quirk */
	assert_int_equal(group_of(E8), group_of(E9));
	assert_int_equal(group_of(E8), group_of(PB));
	assert_int_equal(gf(E8)->group_why, PCI_GROUP_ALIAS);
	assert_int_equal(h.funcs[gf(E9)->group_via].bdf, PCI_BDF(0x0b, 0, 0));
	assert_int_not_equal(group_of(E8), group_of(RP5));
}

static void test_group_multifunction(void **state UNUSED)
{
	build_groups(false);
	assert_int_equal(group_of(MF1A), group_of(MF1B));
	assert_int_equal(gf(MF1B)->group_why, PCI_GROUP_MULTIFN);
	assert_int_not_equal(group_of(MF2A), group_of(MF2B));
	/* one function with ACS is not enough: its sibling can still reach it */
	fk.f[gx[MF2B]].cfg[ACS_OFF / 4] = 0;
	enumerate_ok();
	assert_int_equal(group_of(MF2A), group_of(MF2B));
}

/* QEMU's riscv-iommu: device_ids behind bridges use bus 0; coinciding ones join groups. */
static void test_group_qemu_rids(void **state UNUSED)
{
	build_groups(true);
	assert_true(h.rid_bus0_quirk);
	assert_int_equal(gf(E1)->rid, PCI_BDF(1, 0, 0));       /* its MSIs */
	assert_int_equal(gf(E1)->rid_dma, PCI_BDF(0, 0, 0));   /* its DMA */
	assert_int_equal(gf(E3)->rid_dma, PCI_BDF(0, 0, 1));
	assert_int_equal(gf(E8)->rid, PCI_BDF(0x0c, 0, 0));
	assert_int_equal(gf(E8)->rid_dma, PCI_BDF(0, 0, 0));
	assert_int_equal(gf(MF1B)->rid_dma, PCI_BDF(0, 6, 1)); /* the root bus keeps its numbers */
	assert_int_equal(group_of(E1), group_of(HB));
	assert_int_equal(group_of(E1), group_of(E4));
	assert_int_equal(group_of(E1), group_of(E3));          /* E3 = 00:00.1 = E2's sibling ... */
	assert_int_equal(group_of(E1), group_of(E2));          /* ... and E2 is 00:00.0 too */
}

static void expect_refused(int err, const char *node, const char *msg)
{
	assert_int_equal(assign_check(&h, &cfg, -1, &diag), -err);
	assert_string_equal(diag.node, node);
	assert_string_equal(diag.prop, "partvisor,pci-devices");
	assert_string_equal(diag.msg, msg);
}

static void test_check_not_endpoint(void **state UNUSED)
{
	uint16_t b;

	build_groups(false);
	b = PCI_BDF(0, 0, 0);
	part(0, "alpha", 1, &b);
	expect_refused(PV_EINVAL, "/partitions/alpha",
		       "PCI function 00:00.0 is the host bridge (class 06 00); only endpoints can be assigned");
	b = PCI_BDF(0, 8, 0);
	part(0, "alpha", 1, &b);
	expect_refused(PV_EINVAL, "/partitions/alpha",
		       "PCI function 00:08.0 is a root complex event collector (header type 0, PCIe type 10); only endpoints can be assigned");
	b = PCI_BDF(3, 0, 0);
	part(0, "alpha", 1, &b);
	expect_refused(PV_EINVAL, "/partitions/alpha",
		       "PCI function 03:00.0 is a PCI bridge; only endpoints can be assigned");
	/* a type 0 header that claims to be a port */
	fk.f[gx[E1]].cfg[EXP_CAP / 4] = (uint32_t)(PCI_EXP_TYPE_DOWNSTREAM << 4 | 2) << 16 | PCI_CAP_ID_EXP;
	enumerate_ok();
	b = PCI_BDF(1, 0, 0);
	part(0, "alpha", 1, &b);
	expect_refused(PV_EINVAL, "/partitions/alpha",
		       "PCI function 01:00.0 is a PCIe switch downstream port (header type 0, PCIe type 6); only endpoints can be assigned");
}

static void test_check_split_groups(void **state UNUSED)
{
	static const uint16_t e2[] = { PCI_BDF(2, 0, 0) }, e3[] = { PCI_BDF(2, 0, 1) }, e4[] = { PCI_BDF(5, 0, 0) },
			      e8[] = { PCI_BDF(0x0c, 1, 0) }, e9[] = { PCI_BDF(0x0c, 2, 0) }, mf1a[] = { PCI_BDF(0, 6, 0) };

	build_groups(false);
	part(0, "alpha", 1, e2);
	part(1, "beta", 1, e3);
	expect_refused(PV_EEXIST, "/partitions/alpha",
		       "PCI function 02:00.0 shares its isolation group with 02:00.1 (port 00:02.0 lacks ACS SV/RR/CR/UF: peer-to-peer), which is assigned to partition beta");
	part(0, "alpha", 1, e4);
	part(1, "beta", 0, e3);
	expect_refused(PV_EEXIST, "/partitions/alpha",
		       "PCI function 05:00.0 shares its isolation group with 06:00.0 (port 04:00.0 lacks ACS SV/RR/CR/UF: peer-to-peer), which is assigned to no partition");
	part(0, "alpha", 1, e8);
	part(1, "beta", 1, e9);
	expect_refused(PV_EEXIST, "/partitions/alpha",
		       "PCI function 0c:01.0 shares its isolation group with 0c:02.0 (bridge 0b:00.0 issues their DMA as 0c:00.0), which is assigned to partition beta");
	part(0, "alpha", 0, e2);
	part(1, "beta", 1, mf1a);
	expect_refused(PV_EEXIST, "/partitions/beta",
		       "PCI function 00:06.0 shares its isolation group with 00:06.1 (one multi-function device, 00:06.0 without ACS RR/CR), which is assigned to no partition");
}

static void test_check_whole_groups(void **state UNUSED)
{
	static const uint16_t a[] = { PCI_BDF(5, 0, 0), PCI_BDF(6, 0, 0) }, b[] = { PCI_BDF(0x0c, 2, 0), PCI_BDF(0x0c, 1, 0) },
			      c[] = { PCI_BDF(1, 0, 0), PCI_BDF(0, 7, 0), PCI_BDF(9, 0, 0) },
			      d[] = { PCI_BDF(0, 7, 1), PCI_BDF(0x0a, 0, 0), PCI_BDF(2, 0, 1), PCI_BDF(2, 0, 0) };

	build_groups(false);
	part(0, "alpha", 2, a);
	part(1, "beta", 2, b);
	part(2, "gamma", 3, c);
	part(3, "delta", 4, d);
	assert_int_equal(assign_check(&h, &cfg, -1, &diag), 0);
	/* QEMU's device_ids: 01:00.0 (gamma) and 05:00.0 (alpha) are both 00:00.0 to the IOMMU */
	build_groups(true);
	part(0, "alpha", 2, a);
	part(1, "beta", 2, b);
	part(2, "gamma", 3, c);
	part(3, "delta", 4, d);
	expect_refused(PV_EEXIST, "/partitions/alpha",
		       "PCI function 05:00.0 shares its isolation group with 01:00.0 (the IOMMU sees both as 00:00.0), which is assigned to partition gamma");
}

/* An emulated function on the virtual bridge: its slot's configuration accesses go to it, nothing else does. */
static unsigned emul_reads, emul_writes, emul_last_off, emul_last_width;
static uint32_t emul_last_val;

static uint32_t emul_read(void *ctx, unsigned off, unsigned width)
{
	(void)ctx;
	emul_reads++;
	emul_last_off = off;
	emul_last_width = width;
	return 0x10431af4u >> (8 * (off & 3)) & (width == 4 ? ~0u : (1u << (8 * width)) - 1);
}

static void emul_write(void *ctx, unsigned off, unsigned width, uint32_t val)
{
	(void)ctx;
	emul_writes++;
	emul_last_off = off;
	emul_last_width = width;
	emul_last_val = val;
}

static void test_ecam_emulated_slot(void **state UNUSED)
{
	static struct vpci_bus b;

	enumerate_ok();
	memset(&b, 0, sizeof(b));
	b.nr = 1;
	b.ops = &ops;
	vpci_func_init(&b.funcs[0], func(PCI_BDF(0, 0, 0)));
	b.emul = (struct vpci_emul){ .slot = 1, .read = emul_read, .write = emul_write };
	emul_reads = emul_writes = 0;
	assert_int_equal(vpci_ecam_read(&b, 1 << 15, 4), 0x10431af4u);               /* 00:01.0 */
	assert_int_equal(vpci_ecam_read(&b, (1 << 15) | 2, 2), 0x1043);
	assert_int_equal(emul_last_off, 2);
	assert_int_equal(emul_last_width, 2);
	vpci_ecam_write(&b, (1 << 15) | 0x04, 2, 0x0006);
	assert_int_equal(emul_writes, 1);
	assert_int_equal(emul_last_off, 4);
	assert_int_equal(emul_last_val, 6);
	/* Not the emulated function: other functions of the slot, slot 2, misaligned or 8-byte accesses. */
	assert_int_equal(vpci_ecam_read(&b, (1 << 15) | (1 << 12), 4), 0xffffffffu);
	assert_int_equal(vpci_ecam_read(&b, 2 << 15, 4), 0xffffffffu);
	assert_int_equal(vpci_ecam_read(&b, (1 << 15) | 1, 2), 0xffff);
	assert_int_equal(vpci_ecam_read(&b, 1 << 15, 8), ~0ULL);
	vpci_ecam_write(&b, (1 << 15) | (3 << 12), 4, 0);
	assert_int_equal(emul_reads, 2);
	assert_int_equal(emul_writes, 1);
	/* The passed-through function at 00:00.0 is still the device. */
	assert_int_equal(vpci_ecam_read(&b, 0, 2), vpci_cfg_read(&b.funcs[0], &ops, 0, 2));
	assert_int_equal(emul_reads, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_enum_functions, setup_main),
		cmocka_unit_test_setup(test_enum_bus_numbers, setup_main),
		cmocka_unit_test_setup(test_enum_bars, setup_main),
		cmocka_unit_test_setup(test_enum_bridge_windows, setup_main),
		cmocka_unit_test_setup(test_enum_command, setup_main),
		cmocka_unit_test_setup(test_enum_caps, setup_main),
		cmocka_unit_test_setup(test_enum_rom, setup_main),
		cmocka_unit_test_setup(test_enum_devctl, setup_main),
		cmocka_unit_test(test_enum_ea),
		cmocka_unit_test_setup(test_find_cap, setup_main),
		cmocka_unit_test_setup(test_enable, setup_main),
		cmocka_unit_test(test_enum_bus_start),
		cmocka_unit_test(test_enum_small_bars_empty_bridge),
		cmocka_unit_test(test_enum_no_bridges),
		cmocka_unit_test(test_mem64_fallback),
		cmocka_unit_test(test_exhausted_mem32),
		cmocka_unit_test(test_exhausted_no_mem64),
		cmocka_unit_test(test_exhausted_behind_bridge),
		cmocka_unit_test(test_exhausted_window_end),
		cmocka_unit_test(test_too_many_functions),
		cmocka_unit_test(test_out_of_bus_numbers),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test_setup(test_check_ok, setup_main),
		cmocka_unit_test_setup(test_check_absent, setup_main),
		cmocka_unit_test_setup(test_check_bridge, setup_main),
		cmocka_unit_test_setup(test_check_iommu, setup_main),
		cmocka_unit_test_setup(test_check_other_iommu, setup_main),
		cmocka_unit_test(test_group_bus_numbers),
		cmocka_unit_test(test_group_acs_enabled),
		cmocka_unit_test(test_group_root_ports),
		cmocka_unit_test(test_group_switch),
		cmocka_unit_test(test_group_pcie_to_pci_alias),
		cmocka_unit_test(test_group_multifunction),
		cmocka_unit_test(test_group_qemu_rids),
		cmocka_unit_test(test_check_not_endpoint),
		cmocka_unit_test(test_check_split_groups),
		cmocka_unit_test(test_check_whole_groups),
		cmocka_unit_test_setup(test_vread_bars, setup_main),
		cmocka_unit_test_setup(test_vread_bar_subword, setup_main),
		cmocka_unit_test_setup(test_vread_hidden, setup_main),
		cmocka_unit_test_setup(test_vaccess_invalid, setup_main),
		cmocka_unit_test_setup(test_vwrite_command, setup_main),
		cmocka_unit_test_setup(test_vcommand_forced, setup_main),
		cmocka_unit_test_setup(test_vwrite_header, setup_main),
		cmocka_unit_test_setup(test_vwrite_msi, setup_main),
		cmocka_unit_test_setup(test_vwrite_msix, setup_main),
		cmocka_unit_test_setup(test_vwrite_exp, setup_main),
		cmocka_unit_test_setup(test_vdevctl_shadowed, setup_main),
		cmocka_unit_test_setup(test_vdevctl_readrq, setup_main),
		cmocka_unit_test_setup(test_vdevctl_flr, setup_main),
		cmocka_unit_test_setup(test_vdevctl2, setup_main),
		cmocka_unit_test_setup(test_vshadow_reboot, setup_main),
		cmocka_unit_test_setup(test_vwrite_pm, setup_main),
		cmocka_unit_test_setup(test_ecam_emulated_slot, setup_main),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
