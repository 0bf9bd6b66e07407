/* SPDX-License-Identifier: MIT */
/*
 * PCI: enumeration of the physical host bridge, BAR assignment and the guest's
 * filtered view of an assigned function's configuration space [PCI Local Bus 3.0
 * ch. 6, PCI-to-PCI Bridge 1.2 ch. 3, PCIe Base 6 ch. 7]. Pure logic; see pci.h.
 *
 * Configuration space is only reached as aligned dwords through struct
 * pci_cfg_ops; byte and halfword guest accesses are shifted and merged here.
 *
 * Enumeration runs in two passes per bus: first every function of the bus is
 * recorded and quiesced (decoding off, stale bridge bus numbers cleared so no
 * two bridges claim the same bus), then BARs are assigned in function order and
 * each bridge is numbered, recursed into and given its window (depth first).
 * Memory is handed out by bump allocators on PCI bus addresses.
 */
#include <string.h>

#include "pci.h"

#define NODE              "pci"          /* diag node of enumeration errors */

#define NR_DEVS           32
#define NR_FNS            8
#define MAX_BUS           0xff
#define VENDOR_ABSENT     0xffff
#define HDR_ENDPOINT      0
#define HDR_BRIDGE        1
#define HDR_LAYOUT        0x7f           /* header type without the MF bit */
#define BARS_ENDPOINT     6
#define BARS_BRIDGE       2
#define BARS_END          (PCI_BAR0 + 4 * BARS_ENDPOINT)

#define BAR_SPACE_IO      0x1u           /* bit 0 */
#define BAR_MEM_TYPE      0x6u           /* bits 2:1 */
#define BAR_MEM_TYPE_64   0x4u
#define BAR_MEM_PREFETCH  0x8u           /* bit 3 */
#define BAR_MEM_FLAGS     0xfu           /* read-only low bits of a memory BAR */
#define BAR_IO_FLAGS      0x3u           /* read-only low bits of an I/O BAR */
#define BAR_MIN_ALIGN     KiB(4)         /* one page per BAR: functions never share a page */
#define BRIDGE_ALIGN      MiB(1)         /* memory window granularity [PCI-PCI 1.2 §3.2.5.8] */
#define MEM32_TOP         GiB(4)
#define MAX_DEPTH         16             /* bridges nested deeper are refused (~180 bytes of stack each) */

#define WIN_CLOSED        0x0000fff0u    /* memory base/limit dword: base 0xfff0 > limit 0 */
#define IO_CLOSED         0x000000f0u    /* I/O base 0xf0 > limit 0, secondary status untouched */
#define BUS_LATENCY       0xff000000u    /* secondary latency timer byte of PCI_PRIMARY_BUS */
#define BUS_SEC_SHIFT     8
#define BUS_SUB_SHIFT     16

#define CAP_FIRST         0x40           /* standard capabilities live in 0x40..0xff */
#define CAP_PTR_MASK      0xfcu
#define CAP_MAX_HOPS      48
#define CFG_STD_END       0x100          /* end of the PCI-compatible space */

#define STATUS_HALF       0xffff0000u    /* Status (RW1C) in the dword at PCI_COMMAND */
#define CMD_DECODE        (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER)
#define CMD_GUEST         (PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_PARITY | PCI_CMD_SERR | \
			   PCI_CMD_INTX_DISABLE)
#define BIST_START        (1U << 30)     /* BIST bit 6 in the dword at PCI_CACHE_LINE */
#define HDR_MF_BIT        ((uint32_t)PCI_HEADER_MF << 16)  /* in the dword at PCI_CACHE_LINE */
#define PIN_BYTE          0x0000ff00u    /* Interrupt Pin in the dword at PCI_INTERRUPT_LINE */

#define MSI_FLAGS_64BIT   (1U << 7)      /* Message Control bits */
#define MSI_FLAGS_MASKBIT (1U << 8)
#define MSI_MAX_SIZE      24U
#define EXP_DEVCTL        0x08U          /* PCIe capability: Device Control, Device Status at 0x0a */
#define EXP_DEVCTL_FLR    (1U << 15)
#define EXP_DEVCTL2       0x28U
#define PM_CTRL           0x04U          /* PM capability: Control/Status */
#define PM_CTRL_PME_STATUS (1U << 15)
#define PM_CTRL_STATE     0x3U           /* PowerState D0..D3hot */
#define LOW_HALF          0x0000ffffu

static uint32_t rd(const struct pci_cfg_ops *ops, uint16_t bdf, unsigned off)
{
	return ops->read32(ops->ctx, bdf, off);
}

static void wr(const struct pci_cfg_ops *ops, uint16_t bdf, unsigned off, uint32_t val)
{
	ops->write32(ops->ctx, bdf, off, val);
}

/* Write Command = @cmd with zeros in Status, so no RW1C status bit is cleared. */
static void set_command(const struct pci_cfg_ops *ops, uint16_t bdf, uint32_t cmd)
{
	wr(ops, bdf, PCI_COMMAND, cmd & LOW_HALF);
}

/* ---- enumeration ---------------------------------------------------------------------------- */

/* A bump allocator on PCI bus addresses [next, end) of one host bridge window. */
struct bump {
	const struct pv_pcie_window *w;
	uint64_t next, end;
};

struct scan {
	struct pci_host *h;
	const struct pci_cfg_ops *ops;
	struct pv_diag *diag;
	struct bump mem32, mem64;
	unsigned next_bus;       /* next free bus number */
};

/* Allocator over window @w, clipped below @top. */
static struct bump bump_init(const struct pv_pcie_window *w, uint64_t top)
{
	struct bump b = { w, w->pci_base, w->pci_base };

	if (w->size && w->pci_base < top)
		b.end = w->size > top - w->pci_base ? top : w->pci_base + w->size;
	return b;
}

/* Take @align bytes aligned to @align (a power of two); false when the window is full. */
static bool bump_alloc(struct bump *b, uint64_t align, uint64_t *pci)
{
	uint64_t a = b->next;

	if (a & (align - 1)) {
		a |= align - 1;
		if (a == UINT64_MAX)
			return false;
		a++;
	}
	if (a > b->end || b->end - a < align)
		return false;
	*pci = a;
	b->next = a + align;
	return true;
}

/*
 * Size the BAR at @off holding @lo (and the upper register at @off + 4 when @is64)
 * by the standard procedure: write all-ones, read back, restore. Returns the
 * read-back, the upper half 0 unless @is64.
 */
static uint64_t bar_probe(const struct pci_cfg_ops *ops, uint16_t bdf, unsigned off, uint32_t lo,
			  bool is64)
{
	uint32_t hi = is64 ? rd(ops, bdf, off + 4) : 0, mlo, mhi = 0;

	wr(ops, bdf, off, ~0U);
	if (is64)
		wr(ops, bdf, off + 4, ~0U);
	mlo = rd(ops, bdf, off);
	if (is64)
		mhi = rd(ops, bdf, off + 4);
	wr(ops, bdf, off, lo);
	if (is64)
		wr(ops, bdf, off + 4, hi);
	return (uint64_t)mhi << 32 | mlo;
}

/*
 * Size and assign the @nr BARs of @f. Memory BARs come from mem32, 64-bit ones of
 * a function on the root bus (@root) from mem64 when mem32 is full; I/O BARs are
 * only sized. A 64-bit type in the last register has no upper half: sized as 32-bit.
 */
static __attribute__((noinline)) int assign_bars(struct scan *s, struct pci_func *f, unsigned nr,
						 bool root)
{
	const struct pci_cfg_ops *ops = s->ops;
	uint16_t bdf = f->bdf;

	for (unsigned i = 0; i < nr; i++) {
		unsigned n = i, off = PCI_BAR0 + 4 * i;
		uint32_t lo = rd(ops, bdf, off);
		bool io = lo & BAR_SPACE_IO;
		bool is64 = !io && (lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_64 && i + 1 < nr;
		uint64_t mask = bar_probe(ops, bdf, off, lo, is64);
		struct pci_bar *b = &f->bar[i];
		struct bump *a = &s->mem32;
		uint64_t pci, align;

		mask &= ~(uint64_t)(io ? BAR_IO_FLAGS : BAR_MEM_FLAGS);
		b->size = mask & (~mask + 1);     /* lowest writable address bit, 0 if none */
		if (io) {
			b->flags = PCI_BAR_IO;
			continue;
		}
		b->flags = (is64 ? PCI_BAR_64 : 0) | (lo & BAR_MEM_PREFETCH ? PCI_BAR_PREFETCH : 0);
		if (is64)
			f->bar[++i].flags = PCI_BAR_UPPER;
		if (!b->size)
			continue;
		align = b->size > BAR_MIN_ALIGN ? b->size : BAR_MIN_ALIGN;
		if (!bump_alloc(a, align, &pci)) {
			a = &s->mem64;
			if (!is64 || !root || !s->h->mem64.size || !bump_alloc(a, align, &pci))
				return diag_set(s->diag, PV_ENOMEM, NODE, NULL,
						"PCI function " BDF_FMT ": BAR%u (0x%llx bytes) does not fit the host bridge memory windows",
						BDF_ARGS(bdf), n, (unsigned long long)b->size);
		}
		wr(ops, bdf, off, (uint32_t)pci);
		if (is64)
			wr(ops, bdf, off + 4, (uint32_t)(pci >> 32));
		b->base = hpa(pci - a->w->pci_base + a->w->cpu_base.v);
	}
	return 0;
}

/* Record function @bdf (@id = vendor/device dword, @hdr = header type) and quiesce it. */
static int record(struct scan *s, uint16_t bdf, uint32_t id, uint8_t hdr)
{
	const struct pci_cfg_ops *ops = s->ops;
	struct pci_host *h = s->h;
	struct pci_func *f;

	if (h->nr_funcs >= PCI_MAX_FUNCS)
		return diag_set(s->diag, PV_ENOMEM, NODE, NULL,
				"PCI function " BDF_FMT ": more than %d functions on the host bridge",
				BDF_ARGS(bdf), PCI_MAX_FUNCS);
	f = &h->funcs[h->nr_funcs++];
	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	f->class_rev = rd(ops, bdf, PCI_CLASS_REVISION);
	f->hdr_type = hdr & HDR_LAYOUT;
	set_command(ops, bdf, rd(ops, bdf, PCI_COMMAND) & ~CMD_DECODE);
	if (f->hdr_type == HDR_BRIDGE)
		wr(ops, bdf, PCI_PRIMARY_BUS, rd(ops, bdf, PCI_PRIMARY_BUS) & BUS_LATENCY);
	f->cap_msi = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_MSI);
	f->cap_msix = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_MSIX);
	f->cap_exp = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_EXP);
	f->cap_pm = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_PM);
	return 0;
}

/*
 * First pass over @bus: record every function present. Not inlined, like
 * assign_bars(), to keep the recursive frames of scan_bus() small.
 */
static __attribute__((noinline)) int probe_bus(struct scan *s, unsigned bus)
{
	for (unsigned dev = 0; dev < NR_DEVS; dev++) {
		for (unsigned fn = 0; fn < NR_FNS; fn++) {
			uint16_t bdf = PCI_BDF(bus, dev, fn);
			uint32_t id = rd(s->ops, bdf, PCI_VENDOR_ID);
			uint8_t hdr;
			int rc;

			if ((id & LOW_HALF) == VENDOR_ABSENT) {
				if (fn == 0)
					break;
				continue;
			}
			hdr = (uint8_t)(rd(s->ops, bdf, PCI_CACHE_LINE) >> 16);
			rc = record(s, bdf, id, hdr);
			if (rc)
				return rc;
			if (fn == 0 && !(hdr & PCI_HEADER_MF))
				break;
		}
	}
	return 0;
}

static int scan_bus(struct scan *s, unsigned bus, unsigned depth);

/* Memory base/limit dword for the window [start, end) (both 1 MiB-aligned, PCI addresses). */
static uint32_t mem_window(uint64_t start, uint64_t end)
{
	return (uint32_t)((start >> 16) & 0xfff0) | (uint32_t)(((end - 1) >> 16) & 0xfff0) << 16;
}

/*
 * Bridge @f on @bus: secondary bus = next free number, recurse, subordinate = last
 * number used, memory window around what was assigned behind it (closed if
 * nothing), I/O and prefetchable windows closed, then Memory and Bus Master on.
 */
static int setup_bridge(struct scan *s, struct pci_func *f, unsigned bus, unsigned depth)
{
	const struct pci_cfg_ops *ops = s->ops;
	uint16_t bdf = f->bdf;
	uint32_t latency = rd(ops, bdf, PCI_PRIMARY_BUS) & BUS_LATENCY;
	uint64_t saved = s->mem32.next, start = ALIGN_UP(saved, BRIDGE_ALIGN), end;
	unsigned sec = s->next_bus;
	int rc;

	if (sec > s->h->bus_end)
		return diag_set(s->diag, PV_ERANGE, NODE, NULL,
				"PCI bridge " BDF_FMT ": no bus number left for its secondary bus (bus-range ends at 0x%02x)",
				BDF_ARGS(bdf), s->h->bus_end);
	if (depth >= MAX_DEPTH)
		return diag_set(s->diag, PV_ERANGE, NODE, NULL,
				"PCI bridge " BDF_FMT ": bridges nested more than %d deep",
				BDF_ARGS(bdf), MAX_DEPTH);
	s->next_bus++;
	wr(ops, bdf, PCI_PRIMARY_BUS,
	   latency | s->h->bus_end << BUS_SUB_SHIFT | sec << BUS_SEC_SHIFT | bus);
	wr(ops, bdf, PCI_IO_BASE, IO_CLOSED);
	wr(ops, bdf, PCI_IO_BASE_UPPER, 0);
	wr(ops, bdf, PCI_MEMORY_BASE, WIN_CLOSED);
	wr(ops, bdf, PCI_PREF_BASE, WIN_CLOSED);
	wr(ops, bdf, PCI_PREF_BASE_UPPER, 0);
	wr(ops, bdf, PCI_PREF_LIMIT_UPPER, 0);

	s->mem32.next = start;
	rc = scan_bus(s, sec, depth + 1);
	if (rc)
		return rc;
	wr(ops, bdf, PCI_PRIMARY_BUS,
	   latency | (s->next_bus - 1) << BUS_SUB_SHIFT | sec << BUS_SEC_SHIFT | bus);
	if (s->mem32.next == start) {
		s->mem32.next = saved;            /* nothing behind: window stays closed */
	} else {
		end = ALIGN_UP(s->mem32.next, BRIDGE_ALIGN);
		if (end > s->mem32.end)
			return diag_set(s->diag, PV_ENOMEM, NODE, NULL,
					"PCI bridge " BDF_FMT ": its 1 MiB-aligned memory window ends beyond the host bridge window",
					BDF_ARGS(bdf));
		wr(ops, bdf, PCI_MEMORY_BASE, mem_window(start, end));
		s->mem32.next = end;
	}
	set_command(ops, bdf, (rd(ops, bdf, PCI_COMMAND) & ~PCI_CMD_IO) | PCI_CMD_MEM | PCI_CMD_MASTER);
	return 0;
}

/* Enumerate @bus: record its functions, then assign BARs and descend bridges in order. */
static int scan_bus(struct scan *s, unsigned bus, unsigned depth)
{
	unsigned first = s->h->nr_funcs, last;
	int rc = probe_bus(s, bus);

	if (rc)
		return rc;
	last = s->h->nr_funcs;
	for (unsigned i = first; i < last; i++) {
		struct pci_func *f = &s->h->funcs[i];
		unsigned nr = f->hdr_type == HDR_ENDPOINT ? BARS_ENDPOINT :
			      f->hdr_type == HDR_BRIDGE ? BARS_BRIDGE : 0;

		rc = assign_bars(s, f, nr, bus == s->h->bus_start);
		if (!rc && f->hdr_type == HDR_BRIDGE)
			rc = setup_bridge(s, f, bus, depth);
		if (rc)
			return rc;
	}
	return 0;
}

int pci_enumerate(struct pci_host *h, const struct pci_cfg_ops *ops, struct pv_diag *diag)
{
	struct scan s = {
		.h = h, .ops = ops, .diag = diag,
		.mem32 = bump_init(&h->mem32, MEM32_TOP),
		.mem64 = bump_init(&h->mem64, UINT64_MAX),
		.next_bus = h->bus_start + 1,
	};
	int rc;

	h->nr_funcs = 0;
	h->max_bus = h->bus_start;
	if (h->bus_start > h->bus_end || h->bus_end > MAX_BUS)
		return diag_set(diag, PV_ERANGE, NODE, "bus-range",
				"bus range 0x%x-0x%x is not within 0x00-0xff", h->bus_start, h->bus_end);
	rc = scan_bus(&s, h->bus_start, 0);
	h->max_bus = s.next_bus - 1;
	return rc;
}

int pci_find(const struct pci_host *h, uint16_t bdf)
{
	for (unsigned i = 0; i < h->nr_funcs && i < PCI_MAX_FUNCS; i++)
		if (h->funcs[i].bdf == bdf)
			return (int)i;
	return -1;
}

unsigned pci_find_cap(const struct pci_cfg_ops *ops, uint16_t bdf, uint8_t cap_id)
{
	unsigned ptr;

	if (!(rd(ops, bdf, PCI_COMMAND) & (PCI_STATUS_CAP_LIST << 16)))
		return 0;
	ptr = rd(ops, bdf, PCI_CAP_PTR) & CAP_PTR_MASK;
	for (unsigned hops = 0; ptr >= CAP_FIRST && hops < CAP_MAX_HOPS; hops++) {
		uint32_t hdr = rd(ops, bdf, ptr);

		if ((hdr & 0xff) == cap_id)
			return ptr;
		ptr = (hdr >> 8) & CAP_PTR_MASK;
	}
	return 0;
}

void pci_set_command(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t set, uint16_t clear)
{
	set_command(ops, bdf, (rd(ops, bdf, PCI_COMMAND) & ~(uint32_t)clear) | set);
}

void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf)
{
	pci_set_command(ops, bdf, PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE, 0);
}

int pci_check_assignments(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf,
			  struct pv_diag *diag)
{
	for (unsigned k = 0; k < cfg->nr_parts && k < PV_MAX_PARTITIONS; k++) {
		const struct pv_part_config *p = &cfg->parts[k];

		for (unsigned i = 0; i < p->nr_pci && i < PV_MAX_PCI; i++) {
			uint16_t bdf = p->pci_bdf[i];
			int idx = pci_find(h, bdf);

			if (idx < 0)
				return diag_set(diag, PV_ENOENT, p->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " is not present on the host bridge",
						BDF_ARGS(bdf));
			if (h->funcs[idx].hdr_type != HDR_ENDPOINT)
				return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " is a PCI bridge; only endpoints can be assigned",
						BDF_ARGS(bdf));
			if (bdf == iommu_bdf)
				return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " is the IOMMU, which the hypervisor owns",
						BDF_ARGS(bdf));
			/* Another IOMMU's own DMA (queues, IOFENCE.C stores) is not translated: never give one out. */
			if ((h->funcs[idx].class_rev >> 16) == PCI_CLASS_IOMMU)
				return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " is an IOMMU; its own DMA bypasses translation",
						BDF_ARGS(bdf));
		}
	}
	return 0;
}

/* ---- guest view ----------------------------------------------------------------------------- */

void pci_vfunc_init(struct pci_vfunc *v, const struct pci_func *f)
{
	memset(v, 0, sizeof(*v));
	v->f = f;
	for (unsigned i = 0; i < BARS_ENDPOINT; i++) {
		const struct pci_bar *b = &f->bar[i];

		if (b->flags & PCI_BAR_UPPER)
			v->bar_shadow[i] = i ? (uint32_t)(f->bar[i - 1].base.v >> 32) : 0;
		else if (b->size && !(b->flags & PCI_BAR_IO))
			v->bar_shadow[i] = (uint32_t)b->base.v;
	}
}

static bool access_ok(unsigned off, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && !(off & (width - 1)) &&
	       off < PCI_CFG_SPACE_SIZE;
}

/* Bits of an access of @width bytes at byte @off within its dword. */
static uint32_t lane_mask(unsigned off, unsigned width)
{
	return (width == 4 ? ~0U : (1U << (8 * width)) - 1) << (8 * (off & 3));
}

/* Bits of the dword at @d that lie in configuration space bytes [@lo, @hi). */
static uint32_t span_mask(unsigned d, unsigned lo, unsigned hi)
{
	uint32_t m = 0;

	for (unsigned b = 0; b < 4; b++)
		if (d + b >= lo && d + b < hi)
			m |= 0xffU << (8 * b);
	return m;
}

/* BAR register @i as the guest sees it: the shadow, cut to the BAR's size. */
static uint32_t vbar_read(const struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned i)
{
	const struct pci_bar *b = &v->f->bar[i];

	if (b->flags & PCI_BAR_UPPER) {
		uint64_t size = i ? v->f->bar[i - 1].size : 0;

		return v->bar_shadow[i] & ~(uint32_t)((size - 1) >> 32);
	}
	if (!b->size || (b->flags & PCI_BAR_IO))
		return 0;
	return (v->bar_shadow[i] & ~(uint32_t)(b->size - 1) & ~BAR_MEM_FLAGS) |
	       (rd(ops, v->f->bdf, PCI_BAR0 + 4 * i) & BAR_MEM_FLAGS);
}

/* The dword at @d as the guest sees it. */
static uint32_t vdword(const struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned d)
{
	uint32_t val;

	if (d >= CFG_STD_END || d == PCI_ROM_ADDRESS)
		return 0;
	if (d >= PCI_BAR0 && d < BARS_END)
		return vbar_read(v, ops, (d - PCI_BAR0) / 4);
	val = rd(ops, v->f->bdf, d);
	if (d == PCI_CACHE_LINE)
		val &= ~HDR_MF_BIT;
	else if (d == PCI_INTERRUPT_LINE)
		val &= ~PIN_BYTE;
	return val;
}

uint32_t pci_vcfg_read(const struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width)
{
	if (!access_ok(off, width))
		return 0;
	return (vdword(v, ops, off & ~3U) & lane_mask(off, width)) >> (8 * (off & 3));
}

/*
 * What a guest write may change in the dword at @d: @allow are the bits it may
 * write, @zero the bits written as 0 unless the guest targets them and they are
 * allowed (RW1C status bits, which a written-back 1 would clear, and FLR).
 */
struct wrule {
	uint32_t allow, zero;
};

/* Bytes of the MSI capability with Message Control @ctl: 10, 14, 20 or 24. */
static unsigned msi_size(uint32_t ctl)
{
	return 10 + (ctl & MSI_FLAGS_64BIT ? 4 : 0) + (ctl & MSI_FLAGS_MASKBIT ? 10 : 0);
}

static struct wrule write_rule(const struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned d)
{
	const struct pci_func *f = v->f;
	struct wrule r = { 0, 0 };

	if (d == PCI_COMMAND) {
		r.allow = CMD_GUEST | STATUS_HALF;
		r.zero = STATUS_HALF;
	} else if (d == PCI_CACHE_LINE) {
		r.allow = 0xff;
		r.zero = BIST_START;
	}
	if (f->cap_msi && d >= f->cap_msi && d < f->cap_msi + MSI_MAX_SIZE) {
		uint32_t ctl = rd(ops, f->bdf, f->cap_msi) >> 16;

		r.allow |= span_mask(d, f->cap_msi + 2, f->cap_msi + msi_size(ctl));
	}
	if (f->cap_msix && d == f->cap_msix)
		r.allow |= (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) << 16;
	if (f->cap_exp && d == f->cap_exp + EXP_DEVCTL) {
		r.allow |= (LOW_HALF & ~EXP_DEVCTL_FLR) | STATUS_HALF;
		r.zero |= EXP_DEVCTL_FLR | STATUS_HALF;
	}
	if (f->cap_exp && d == f->cap_exp + EXP_DEVCTL2)
		r.allow |= LOW_HALF;
	if (f->cap_pm && d == f->cap_pm + PM_CTRL) {
		/* Not PowerState (bits 1:0): D3hot -> D0 may reset the BARs, which the guest cannot restore. */
		r.allow |= LOW_HALF & ~PM_CTRL_STATE;
		r.zero |= PM_CTRL_PME_STATUS;
	}
	return r;
}

void pci_vcfg_write(struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width,
		    uint32_t val)
{
	unsigned d = off & ~3U;
	uint32_t lanes, gval, t, hw;
	struct wrule r;

	if (!access_ok(off, width))
		return;
	lanes = lane_mask(off, width);
	gval = (val << (8 * (off & 3))) & lanes;
	if (d >= PCI_BAR0 && d < BARS_END) {
		uint32_t *sh = &v->bar_shadow[(d - PCI_BAR0) / 4];

		*sh = (*sh & ~lanes) | gval;
		return;
	}
	if (d >= CFG_STD_END)
		return;
	r = write_rule(v, ops, d);
	t = r.allow & lanes;
	if (!t)
		return;
	hw = rd(ops, v->f->bdf, d);
	wr(ops, v->f->bdf, d, (hw & ~t & ~r.zero) | (gval & t));
}
