/* SPDX-License-Identifier: MIT */
/* testguest: host bridge discovery (libfdt) and ECAM configuration access; see ecam.h. */
#include <libfdt.h>

#include "ecam.h"
#include "testguest.h"

bool ecam_find(const void *fdt, struct ecam *e)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "pci-host-ecam-generic")) >= 0) {
		struct range reg;
		int len, pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
		int sc = fdt_size_cells(fdt, node);
		const fdt32_t *br = fdt_getprop(fdt, node, "bus-range", &len);
		const fdt32_t *rg;

		if (!node_okay(fdt, node) || node_ranges(fdt, node, &reg, 1) != 1)
			continue;
		e->base = reg.base;
		e->bus = br && len >= 8 ? fdt32_to_cpu(br[0]) : 0;
		e->nwin = 0;
		rg = fdt_getprop(fdt, node, "ranges", &len);
		if (rg && pac >= 1 && pac <= 2 && sc >= 1 && sc <= 2) {
			int step = 3 + pac + sc;   /* a PCI address is 3 cells: space code, then 64 bits */
			for (int i = 0; (i + step) * 4 <= len && e->nwin < 4; i += step) {
				unsigned space = (fdt32_to_cpu(rg[i]) >> 24) & 3;
				if (space != 2 && space != 3)   /* 32- or 64-bit memory */
					continue;
				e->win[e->nwin].pci = cells(rg + i + 1, 2);
				e->win[e->nwin].cpu = cells(rg + i + 3, pac);
				e->win[e->nwin].size = cells(rg + i + 3 + pac, sc);
				e->win[e->nwin].space = space;
				e->nwin++;
			}
		}
		return true;
	}
	return false;
}

/* ECAM: bus << 20 | dev << 15 | fn << 12 | offset; only the first bus (offset 0) is used. */
static uintptr_t cfg_addr(const struct ecam *e, unsigned dev, unsigned fn, unsigned off)
{
	return (uintptr_t)(e->base + ((uint64_t)(dev & 31) << 15 | (uint64_t)(fn & 7) << 12 | (off & 0xfff)));
}

uint32_t ecam_read(const struct ecam *e, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	uintptr_t a = cfg_addr(e, dev, fn, off);

	if (width == 1)
		return *(volatile uint8_t *)a;
	if (width == 2)
		return *(volatile uint16_t *)a;
	return *(volatile uint32_t *)a;
}

void ecam_write(const struct ecam *e, unsigned dev, unsigned fn, unsigned off, unsigned width, uint32_t v)
{
	uintptr_t a = cfg_addr(e, dev, fn, off);

	if (width == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else
		*(volatile uint32_t *)a = v;
}

int ecam_each(const struct ecam *e, ecam_visit_fn *visit, void *ctx)
{
	int n = 0;

	for (unsigned d = 0; d < 32; d++)
		for (unsigned f = 0; f < 8; f++) {
			uint32_t v = ecam_read(e, d, f, PCI_ID, 4);
			if ((v & 0xffff) == 0xffff) {   /* no function here */
				if (f == 0)
					break;
				continue;
			}
			n++;
			visit(ctx, d, f, v);
			if (f == 0 && !(ecam_read(e, d, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MF))
				break;
		}
	return n;
}

struct scan_ctx {
	uint32_t id;
	unsigned *dev, *fn;
	bool *found;
};

static void scan_visit(void *ctx, unsigned dev, unsigned fn, uint32_t id)
{
	struct scan_ctx *s = ctx;

	if (id == s->id && !*s->found) {
		*s->found = true;
		*s->dev = dev;
		*s->fn = fn;
	}
}

int ecam_scan(const struct ecam *e, uint32_t id, unsigned *dev, unsigned *fn, bool *found)
{
	struct scan_ctx s = { id, dev, fn, found };

	*found = false;
	return ecam_each(e, scan_visit, &s);
}

unsigned ecam_find_cap(const struct ecam *e, unsigned dev, unsigned fn, unsigned cap, unsigned after)
{
	unsigned off;

	if (!(ecam_read(e, dev, fn, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	off = after ? ecam_read(e, dev, fn, after + 1, 1) & 0xfc : ecam_read(e, dev, fn, PCI_CAP_PTR, 1) & 0xfc;
	/* 48 capabilities fill the 192 bytes after the header: a longer list is a loop */
	for (int guard = 0; off >= 0x40 && guard < 48; guard++) {
		if (ecam_read(e, dev, fn, off, 1) == cap)
			return off;
		off = ecam_read(e, dev, fn, off + 1, 1) & 0xfc;
	}
	return 0;
}

uint64_t ecam_bar(const struct ecam *e, unsigned dev, unsigned fn, unsigned i)
{
	uint32_t lo;
	uint64_t a;

	if (i >= PCI_BARS)
		return 0;
	lo = ecam_read(e, dev, fn, PCI_BAR0 + 4 * i, 4);
	if (lo & 1)   /* I/O space */
		return 0;
	a = lo & ~0xfULL;
	if (((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS)   /* 64-bit memory BAR */
		a |= (uint64_t)ecam_read(e, dev, fn, PCI_BAR0 + 4 * (i + 1), 4) << 32;
	return a;
}

uint64_t ecam_assign_bar(const struct ecam *e, unsigned dev, unsigned fn, unsigned i)
{
	unsigned reg = PCI_BAR0 + 4 * i;
	uint32_t cmd, lo, mask;
	bool is64;
	uint64_t size, a = 0;

	if (i >= PCI_BARS)
		return 0;
	lo = ecam_read(e, dev, fn, reg, 4);
	is64 = ((lo >> 1) & 3) == 2;
	if ((lo & 1) || (is64 && i + 1 >= PCI_BARS))
		return 0;
	cmd = ecam_read(e, dev, fn, PCI_COMMAND, 2);
	ecam_write(e, dev, fn, PCI_COMMAND, 2, cmd & ~PCI_CMD_MEM);   /* no decoding while sizing */
	ecam_write(e, dev, fn, reg, 4, ~0U);
	mask = ecam_read(e, dev, fn, reg, 4) & ~0xfU;
	size = mask ? (uint64_t)(~mask) + 1 : 0;   /* BARs above 4 GiB in size are not handled */
	for (int w = 0; size && w < e->nwin && !a; w++) {
		uint64_t base = (e->win[w].pci + size - 1) & ~(size - 1);

		if (e->win[w].space == 2 && base >= e->win[w].pci &&
		    base + size <= e->win[w].pci + e->win[w].size && base + size <= 1ULL << 32)
			a = base;
	}
	ecam_write(e, dev, fn, reg, 4, (uint32_t)a);
	if (is64)
		ecam_write(e, dev, fn, reg + 4, 4, 0);
	ecam_write(e, dev, fn, PCI_COMMAND, 2, cmd);
	return a;
}

uint64_t ecam_to_cpu(const struct ecam *e, uint64_t a)
{
	for (int i = 0; i < e->nwin; i++)
		if (a >= e->win[i].pci && a - e->win[i].pci < e->win[i].size)
			return e->win[i].cpu + (a - e->win[i].pci);
	return 0;
}
