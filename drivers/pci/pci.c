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
 * Quiescing also disables expansion ROMs and sets the hypervisor's Device Control
 * limits. Memory is handed out by bump allocators on PCI bus addresses.
 */
#include <string.h>

#include "drivers/pci/pci.h"

#define NODE              "pci"          /* diag node of enumeration errors */

#define NR_DEVS           32
#define NR_FNS            8
#define MAX_BUS           0xff

#define BAR_MIN_ALIGN     KiB(4)         /* one page per BAR: functions never share a page */
#define BRIDGE_ALIGN      MiB(1)         /* memory window granularity [PCI-PCI 1.2 §3.2.5.8] */
#define MEM32_TOP         GiB(4)
#define MAX_DEPTH         16             /* bridges nested deeper are refused (~180 bytes of stack each) */

#define WIN_CLOSED        0x0000fff0u    /* memory base/limit dword: base 0xfff0 > limit 0 */
#define IO_CLOSED         0x000000f0u    /* I/O base 0xf0 > limit 0, secondary status untouched */

#define CAP_MAX_HOPS      48
#define EXT_CAP_MAX_HOPS  ((PCI_CFG_SPACE_SIZE - PCI_EXT_CAP_FIRST) / 4)
/* ACS controls partvisor enables where the port or function implements them [PCIe Base 6.0 §7.7.8.3]. */
#define ACS_ENABLE        (PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

#define CMD_DECODE        (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER)

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
	wr(ops, bdf, PCI_COMMAND, cmd & PCI_LOW_HALF);
}

/* ---- enumeration ---------------------------------------------------------------------------- */

/* A bump allocator on PCI bus addresses [next, end) of one host bridge window. */
struct bump {
	const struct pci_window *w;
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
static struct bump bump_init(const struct pci_window *w, uint64_t top)
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
		bool io = lo & PCI_BAR_SPACE_IO;
		bool is64 = !io && (lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64 && i + 1 < nr;
		uint64_t mask = bar_probe(ops, bdf, off, lo, is64);
		struct pci_bar *b = &f->bar[i];
		struct bump *a = &s->mem32;
		uint64_t pci, align;

		mask &= ~(uint64_t)(io ? PCI_BAR_IO_FLAGS : PCI_BAR_MEM_FLAGS);
		b->size = mask & (~mask + 1);     /* lowest writable address bit, 0 if none */
		if (io) {
			b->flags = PCI_BAR_IO;
			continue;
		}
		b->flags = (is64 ? PCI_BAR_64 : 0) | (lo & PCI_BAR_MEM_PREFETCH ? PCI_BAR_PREFETCH : 0);
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

uint16_t pci_devctl_limit(uint16_t ctl)
{
	uint16_t rq = ctl & PCI_EXP_DEVCTL_READRQ;

	if (rq > PCI_HV_DEVCTL_READRQ_MAX)
		rq = PCI_HV_DEVCTL_READRQ_MAX;
	return (uint16_t)((ctl & ~(PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ | PCI_EXP_DEVCTL_PHANTOM)) |
			  PCI_HV_DEVCTL_PAYLOAD | rq);
}

/*
 * The hypervisor's settings of a function being recorded: expansion ROM off (no address,
 * Enable clear), Device Control limited (pci_devctl_limit(); endpoints: Initiate FLR 0).
 * Device Status (RW1C) is written as 0, so no status bit is cleared.
 */
static void set_defaults(const struct pci_cfg_ops *ops, const struct pci_func *f)
{
	if (f->hdr_type == PCI_HDR_ENDPOINT)
		wr(ops, f->bdf, PCI_ROM_ADDRESS, 0);
	else if (f->hdr_type == PCI_HDR_BRIDGE)
		wr(ops, f->bdf, PCI_ROM_ADDRESS1, 0);
	if (f->cap_exp) {
		unsigned off = f->cap_exp + PCI_EXP_DEVCTL;
		uint16_t ctl = pci_devctl_limit((uint16_t)rd(ops, f->bdf, off));

		if (f->hdr_type == PCI_HDR_ENDPOINT)
			ctl &= (uint16_t)~PCI_EXP_DEVCTL_FLR;
		wr(ops, f->bdf, off, ctl);
	}
}

/*
 * Offset of the extended capability @id of @bdf (PCIe extended space 0x100..0xfff), 0 if
 * none. Only for functions with a PCIe capability: a conventional function has no
 * extended space. Stops at a zero or all-ones header and after EXT_CAP_MAX_HOPS.
 */
static unsigned find_ext_cap(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t id)
{
	unsigned off = PCI_EXT_CAP_FIRST;

	for (unsigned hops = 0; off >= PCI_EXT_CAP_FIRST && off < PCI_CFG_SPACE_SIZE && hops < EXT_CAP_MAX_HOPS;
	     hops++) {
		uint32_t hdr = rd(ops, bdf, off);

		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if ((hdr & PCI_LOW_HALF) == id)
			return off;
		off = (hdr >> 20) & 0xffc;
	}
	return 0;
}

/*
 * PCIe port type and ACS of @f: reads the Device/Port Type, and enables the ACS controls
 * in ACS_ENABLE that its ACS capability implements (Source Validation, Translation
 * Blocking, P2P Request/Completion Redirect, Upstream Forwarding) [PCIe Base 6.0 §7.7.8].
 */
static void record_pcie(const struct pci_cfg_ops *ops, struct pci_func *f)
{
	unsigned acs;

	f->pcie_type = PCI_EXP_TYPE_NONE;
	if (!f->cap_exp)
		return;
	f->pcie_type = (uint8_t)((rd(ops, f->bdf, f->cap_exp) >> PCI_EXP_FLAGS_TYPE_SHIFT) & 0xf);
	acs = find_ext_cap(ops, f->bdf, PCI_EXT_CAP_ID_ACS);
	if (!acs)
		return;
	f->acs_off = (uint16_t)acs;
	f->acs_cap = (uint16_t)rd(ops, f->bdf, acs + PCI_ACS_CAP);
	pci_acs_enable(ops, f);
}

void pci_acs_enable(const struct pci_cfg_ops *ops, const struct pci_func *f)
{
	uint32_t v;

	if (!f->acs_off)
		return;
	v = rd(ops, f->bdf, f->acs_off + PCI_ACS_CAP);   /* Capability (read-only) | Control << 16 */
	wr(ops, f->bdf, f->acs_off + PCI_ACS_CAP, (v & PCI_LOW_HALF) | ((v >> 16) | (f->acs_cap & ACS_ENABLE)) << 16);
}

/* Record function @bdf (@id = vendor/device dword, @hdr = header type, @mf = its device is
 * multi-function, @parent = index of the bridge above, -1 on the root bus) and quiesce it. */
static int record(struct scan *s, uint16_t bdf, uint32_t id, uint8_t hdr, bool mf, int parent)
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
	f->hdr_type = hdr & PCI_HDR_LAYOUT;
	set_command(ops, bdf, rd(ops, bdf, PCI_COMMAND) & ~CMD_DECODE);
	if (f->hdr_type == PCI_HDR_BRIDGE)
		wr(ops, bdf, PCI_PRIMARY_BUS, rd(ops, bdf, PCI_PRIMARY_BUS) & PCI_BUS_LATENCY);
	f->cap_msi = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_MSI);
	f->cap_msix = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_MSIX);
	f->cap_exp = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_EXP);
	f->cap_pm = (uint8_t)pci_find_cap(ops, bdf, PCI_CAP_ID_PM);
	f->has_ea = pci_find_cap(ops, bdf, PCI_CAP_ID_EA) != 0;
	f->parent = (int8_t)parent;
	f->multifunction = mf;
	f->group = (int8_t)(f - h->funcs);
	f->group_via = -1;
	f->rid = f->rid_dma = bdf;
	record_pcie(ops, f);
	set_defaults(ops, f);
	return 0;
}

/*
 * First pass over @bus: record every function present. Not inlined, like
 * assign_bars(), to keep the recursive frames of scan_bus() small.
 */
static __attribute__((noinline)) int probe_bus(struct scan *s, unsigned bus, int parent)
{
	for (unsigned dev = 0; dev < NR_DEVS; dev++) {
		bool mf = false;

		for (unsigned fn = 0; fn < NR_FNS; fn++) {
			uint16_t bdf = PCI_BDF(bus, dev, fn);
			uint32_t id = rd(s->ops, bdf, PCI_VENDOR_ID);
			uint8_t hdr;
			int rc;

			if ((id & PCI_LOW_HALF) == PCI_VENDOR_ABSENT) {
				if (fn == 0)
					break;
				continue;
			}
			hdr = (uint8_t)(rd(s->ops, bdf, PCI_CACHE_LINE) >> 16);
			if (fn == 0)
				mf = hdr & PCI_HEADER_MF;
			rc = record(s, bdf, id, hdr, mf, parent);
			if (rc)
				return rc;
			if (fn == 0 && !(hdr & PCI_HEADER_MF))
				break;
		}
	}
	return 0;
}

static int scan_bus(struct scan *s, unsigned bus, unsigned depth, int parent);

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
	uint32_t latency = rd(ops, bdf, PCI_PRIMARY_BUS) & PCI_BUS_LATENCY;
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
	   latency | s->h->bus_end << PCI_BUS_SUB_SHIFT | sec << PCI_BUS_SEC_SHIFT | bus);
	wr(ops, bdf, PCI_IO_BASE, IO_CLOSED);
	wr(ops, bdf, PCI_IO_BASE_UPPER, 0);
	wr(ops, bdf, PCI_MEMORY_BASE, WIN_CLOSED);
	wr(ops, bdf, PCI_PREF_BASE, WIN_CLOSED);
	wr(ops, bdf, PCI_PREF_BASE_UPPER, 0);
	wr(ops, bdf, PCI_PREF_LIMIT_UPPER, 0);

	s->mem32.next = start;
	f->sec_bus = (uint8_t)sec;
	rc = scan_bus(s, sec, depth + 1, (int)(f - s->h->funcs));
	if (rc)
		return rc;
	wr(ops, bdf, PCI_PRIMARY_BUS,
	   latency | (s->next_bus - 1) << PCI_BUS_SUB_SHIFT | sec << PCI_BUS_SEC_SHIFT | bus);
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

/* Enumerate @bus (below bridge @parent, -1 for the root bus): record its functions, then assign BARs and descend bridges in order. */
static int scan_bus(struct scan *s, unsigned bus, unsigned depth, int parent)
{
	unsigned first = s->h->nr_funcs, last;
	int rc = probe_bus(s, bus, parent);

	if (rc)
		return rc;
	last = s->h->nr_funcs;
	for (unsigned i = first; i < last; i++) {
		struct pci_func *f = &s->h->funcs[i];
		unsigned nr = f->has_ea ? 0 :              /* fixed resources: BARs left alone */
			      f->hdr_type == PCI_HDR_ENDPOINT ? PCI_BARS_ENDPOINT :
			      f->hdr_type == PCI_HDR_BRIDGE ? PCI_BARS_BRIDGE : 0;

		rc = assign_bars(s, f, nr, bus == s->h->bus_start);
		if (!rc && f->hdr_type == PCI_HDR_BRIDGE)
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
	rc = scan_bus(&s, h->bus_start, 0, -1);
	h->max_bus = s.next_bus - 1;
	if (rc == 0)
		pci_groups(h);
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
	ptr = rd(ops, bdf, PCI_CAP_PTR) & PCI_CAP_PTR_MASK;
	for (unsigned hops = 0; ptr >= PCI_CAP_FIRST && hops < CAP_MAX_HOPS; hops++) {
		uint32_t hdr = rd(ops, bdf, ptr);

		if ((hdr & 0xff) == cap_id)
			return ptr;
		ptr = (hdr >> 8) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

void pci_set_command(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t set, uint16_t clear)
{
	set_command(ops, bdf, (rd(ops, bdf, PCI_COMMAND) & ~(uint32_t)clear) | set);
}

void pci_msi_disable(const struct pci_cfg_ops *ops, const struct pci_func *f)
{
	/* Message Control is the upper half of the capability's first dword: write only it. */
	if (f->cap_msi)
		wr(ops, f->bdf, f->cap_msi, rd(ops, f->bdf, f->cap_msi) & ~(1U << 16));
	if (f->cap_msix)
		wr(ops, f->bdf, f->cap_msix, rd(ops, f->bdf, f->cap_msix) & ~((uint32_t)PCI_MSIX_FLAGS_ENABLE << 16));
	(void)rd(ops, f->bdf, PCI_VENDOR_ID);  /* the config writes are done before what follows */
}

void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf)
{
	pci_set_command(ops, bdf, PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE, 0);
}
