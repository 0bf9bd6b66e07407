/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the guest's view of passed-through PCI functions,
 * vpci_cfg_read() / vpci_cfg_write() and the ECAM window vpci_ecam_read() /
 * vpci_ecam_write() (core/vdev/vpci.c), behind a fake host configuration space.
 *
 * Setup from the input: 1..4 endpoints at 00:00.0..00:03.0, each a 4 KiB
 * configuration space whose first 256 bytes come from the input (vendor id made
 * present, header layout forced to endpoint, BAR flag bits and writable masks from
 * six BAR descriptor bytes) and whose extended space 0x100..0xfff is a pattern
 * seeded from the input. pci_enumerate() (drivers/pci/pci.c) sizes and assigns the
 * BARs and finds the capabilities, assign_check_partition() (core/assign.c) decides
 * which functions a partition may get, and those form a vpci_bus (optionally with a
 * lock). As in hardware, the IDs, class, Status (error bits RW1C), BAR address bits
 * below the size and MSI Message Control's capability bits are read-only in the
 * fake; every other register is fully writable, so anything the filter lets
 * through shows. Then a sequence of guest accesses from the input: (kind, width,
 * function, offset, value) for cfg and ECAM reads and writes.
 *
 * Invariants checked (vpci.h's contract, modelled independently):
 *  - a guest write changes in the device only what vpci.h lets through: Command
 *    Memory Space and Bus Master, with Interrupt Disable always left set and I/O Space
 *    clear (Parity/SERR# go to a shadow, never to the device); Status; Cache Line Size
 *    (BIST start may only be cleared); the MSI capability after its header up to its
 *    size; MSI-X Enable and Function Mask; PCIe Device Control only in
 *    Max_Read_Request_Size, never above PCI_HV_DEVCTL_READRQ_MAX, with Max_Payload_Size
 *    at PCI_HV_DEVCTL_PAYLOAD and Phantom Functions / Initiate FLR clear, and Device
 *    Status; Device Control 2 bits 4:0; PM Control/Status without PowerState; nothing of
 *    another (or an unassigned) function, nothing in 0x100..0xfff;
 *  - so the IDs, class, BARs, expansion ROM, capability pointer and extended space
 *    are unchanged after the whole sequence (compared with a snapshot);
 *  - reads never write the device and return the documented view: 0 for bad width,
 *    alignment or offset, the extended space and the ROM register; header type
 *    without the multi-function bit; interrupt pin 0; BARs from shadow registers
 *    (the assigned address, size-masked after an all-ones write, with the device's
 *    flag bits); the shadowed Command / Device Control / Device Control 2 bits as the
 *    guest last wrote them (the device's until the first write); Initiate FLR 0;
 *    everything else passed through; ECAM reads of absent functions, functions other
 *    than 0, wider than 4 bytes or misaligned read all ones;
 *  - enumeration sized every BAR as the fake decodes it (functions without Enhanced
 *    Allocation); the assignment policy only hands out endpoints that are neither an
 *    IOMMU nor use Enhanced Allocation (drivers/pci/pci.h);
 *  - the configuration ops only ever see aligned dwords below 4096; no lock held
 *    after an access.
 */
#include <stdint.h>
#include <string.h>

#include "arch/riscv/lock.h"
#include "core/assign.h"
#include "core/vdev/vpci.h"
#include "drivers/pci/pci.h"
#include "fakes.h"
#include "fuzz_util.h"

#define NF_MAX  4
#define DWORDS  (PCI_CFG_SPACE_SIZE / 4)

struct ffn {
	uint32_t cfg[DWORDS], wm[DWORDS], w1c[DWORDS], snap[DWORDS];
	uint64_t bar_size[6];       /* what the descriptor made the BAR decode */
	int vidx;                   /* index in the vpci bus, -1 if not assigned */
	uint32_t msi_ctl;           /* Message Control at the end of setup */
};

static struct {
	unsigned nf;
	bool guest;                 /* the guest phase: writes are checked */
	bool reading;               /* inside a guest read: no write may happen */
	unsigned writes;
	struct ffn f[NF_MAX];
} fk;

static struct pci_host host;
static struct vpci_bus vbus;
/* The harness's own model of the guest-visible shadows of each function of the vpci bus. */
static struct {
	uint32_t bar[6];
	bool loaded[3];             /* Command, Device Control, Device Control 2 */
	uint16_t reg[3];
} model[VPCI_MAX_FUNCS];
static spinlock_t vlock;

static int lookup(uint16_t bdf)
{
	return PCI_BUS(bdf) == 0 && PCI_FN(bdf) == 0 && PCI_DEV(bdf) < fk.nf ? (int)PCI_DEV(bdf) : -1;
}

static uint32_t fk_read(void *ctx, uint16_t bdf, unsigned off)
{
	int i = lookup(bdf);

	FUZZ_CHECK(off % 4 == 0 && off < PCI_CFG_SPACE_SIZE, "config read at 0x%x", off);
	return i < 0 ? 0xffffffffU : fk.f[i].cfg[off / 4];
}

/* What a guest write may do to dword @d (byte offset) of function @i. */
struct rule {
	uint32_t may;         /* bits it may change */
	uint32_t clear_only;  /* bits it may only clear */
	uint32_t must_set, must_clear;  /* bits every write of the dword leaves set / clear */
	bool devctl;          /* the low half is PCIe Device Control */
};

static struct rule allowed(int i, unsigned d)
{
	const struct pci_func *f = vbus.funcs[fk.f[i].vidx].f;
	struct rule r = { 0, 0, 0, 0, false };

	if (d >= PCI_CFG_STD_END)
		return r;
	if (d == PCI_COMMAND) {
		r.may |= PCI_CMD_MEM | PCI_CMD_MASTER | PCI_STATUS_HALF;
		r.must_set |= PCI_CMD_INTX_DISABLE;
		r.must_clear |= PCI_CMD_IO;
	}
	if (d == PCI_CACHE_LINE) {
		r.may |= 0xff;
		r.clear_only |= PCI_BIST_START;
	}
	if (f->cap_msi && d >= f->cap_msi && d < f->cap_msi + PCI_MSI_MAX_SIZE) {
		uint32_t ctl = fk.f[i].msi_ctl;
		unsigned end = f->cap_msi + 10 + (ctl & PCI_MSI_FLAGS_64BIT ? 4 : 0) + (ctl & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);

		for (unsigned b = 0; b < 4; b++)
			if (d + b >= f->cap_msi + 2u && d + b < end)
				r.may |= 0xffU << (8 * b);
	}
	if (f->cap_msix && d == f->cap_msix)
		r.may |= (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) << 16;
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL) {
		r.may |= PCI_EXP_DEVCTL_READRQ | PCI_EXP_DEVCTL_PAYLOAD | PCI_STATUS_HALF;
		r.clear_only |= PCI_EXP_DEVCTL_PHANTOM;
		r.must_clear |= PCI_EXP_DEVCTL_FLR | PCI_EXP_DEVCTL_PHANTOM;
		r.devctl = true;
	}
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL2)
		r.may |= PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS;
	if (f->cap_pm && d == f->cap_pm + PCI_PM_CTRL)
		r.may |= PCI_LOW_HALF & ~PCI_PM_CTRL_STATE;
	return r;
}

static void fk_write(void *ctx, uint16_t bdf, unsigned off, uint32_t val)
{
	int i = lookup(bdf);
	struct ffn *x;
	unsigned d = off / 4;

	FUZZ_CHECK(off % 4 == 0 && off < PCI_CFG_SPACE_SIZE, "config write at 0x%x", off);
	if (i < 0)
		return;
	x = &fk.f[i];
	if (fk.guest) {
		uint32_t old = x->cfg[d];
		struct rule r;

		FUZZ_CHECK(!fk.reading, "a guest read wrote 0x%x to %02x.0 0x%x", val, i, off);
		FUZZ_CHECK(x->vidx >= 0, "a guest write reached unassigned function %02x.0 (0x%x)", i, off);
		r = allowed(i, off);
		FUZZ_CHECK(!((old ^ val) & ~(r.may | r.clear_only | r.must_set | r.must_clear)),
			   "guest write to %02x.0 0x%x: 0x%08x -> 0x%08x, only 0x%08x may change", i, off, old, val,
			   r.may | r.clear_only | r.must_set | r.must_clear);
		FUZZ_CHECK(!(val & ~old & r.clear_only), "guest write to %02x.0 0x%x sets 0x%08x", i, off,
			   val & ~old & r.clear_only);
		FUZZ_CHECK((val & r.must_set) == r.must_set && !(val & r.must_clear),
			   "guest write to %02x.0 0x%x: 0x%08x, forced bits 0x%x set / 0x%x clear", i, off, val,
			   r.must_set, r.must_clear);
		if (r.devctl)
			FUZZ_CHECK((val & PCI_EXP_DEVCTL_READRQ) <= PCI_HV_DEVCTL_READRQ_MAX &&
				   (val & PCI_EXP_DEVCTL_PAYLOAD) == PCI_HV_DEVCTL_PAYLOAD,
				   "Device Control of %02x.0 written as 0x%04x", i, val & 0xffff);
	}
	x->cfg[d] = (x->cfg[d] & ~x->wm[d]) | (val & x->wm[d]);
	x->cfg[d] &= ~(val & x->w1c[d]);
	fk.writes++;
}

static const struct pci_cfg_ops ops = { fk_read, fk_write, NULL };

/* Function @i from the input: 6 BAR descriptors, 256 bytes of header and capabilities, a pattern seed. */
static void make_function(struct fz *f, unsigned i)
{
	struct ffn *x = &fk.f[i];
	uint8_t desc[6];
	uint32_t seed;

	fz_bytes(f, desc, sizeof(desc));
	fz_bytes(f, x->cfg, 256);
	seed = fz_u32(f) | 1;
	for (unsigned d = 0x100 / 4; d < DWORDS; d++) {
		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		x->cfg[d] = seed;
	}
	for (unsigned d = 0; d < DWORDS; d++)
		x->wm[d] = 0xffffffffU;
	memset(x->w1c, 0, sizeof(x->w1c));
	x->wm[PCI_VENDOR_ID / 4] = 0;
	x->wm[PCI_CLASS_REVISION / 4] = 0;
	/* Status as in hardware: Capabilities List and the rest read-only, the error bits RW1C */
	x->wm[PCI_COMMAND / 4] = PCI_LOW_HALF;
	x->w1c[PCI_COMMAND / 4] = 0xf9000000U;
	if ((x->cfg[0] & 0xffff) == PCI_VENDOR_ABSENT)
		x->cfg[0] = (x->cfg[0] & 0xffff0000U) | 0x1af4;
	/* header type: endpoint, multi-function bit from the input */
	x->cfg[PCI_CACHE_LINE / 4] &= ~((uint32_t)PCI_HDR_LAYOUT << 16);
	for (unsigned b = 0; b < 6; b++) {
		unsigned d = PCI_BAR0 / 4 + b, type = desc[b] & 3, shift = desc[b] >> 3;
		uint32_t pref = desc[b] & 4 ? PCI_BAR_MEM_PREFETCH : 0;
		uint64_t sz;

		x->bar_size[b] = 0;
		if (type == 0) {                                   /* not implemented */
			x->cfg[d] = 0;
			x->wm[d] = 0;
		} else if (type == 3) {                            /* I/O */
			sz = 1ULL << (2 + shift % 14);
			x->wm[d] = (uint32_t)~(sz - 1) & 0xfffcU;
			x->cfg[d] = (x->cfg[d] & x->wm[d]) | PCI_BAR_SPACE_IO;
		} else if (type == 1 || b == 5) {                  /* 32-bit memory (64-bit type in BAR5: no upper) */
			sz = 1ULL << (4 + shift % 28);
			x->wm[d] = (uint32_t)~(sz - 1) & ~PCI_BAR_MEM_FLAGS;
			x->cfg[d] = (x->cfg[d] & x->wm[d]) | pref | (type == 2 ? PCI_BAR_MEM_TYPE_64 : 0);
			x->bar_size[b] = sz;
		} else {                                           /* 64-bit memory, the next register is its upper half */
			sz = 1ULL << (4 + shift);
			x->wm[d] = (uint32_t)~(sz - 1) & ~PCI_BAR_MEM_FLAGS;
			x->wm[d + 1] = (uint32_t)(~(sz - 1) >> 32);
			x->cfg[d] = (x->cfg[d] & x->wm[d]) | pref | PCI_BAR_MEM_TYPE_64;
			x->cfg[d + 1] &= x->wm[d + 1];
			x->bar_size[b] = sz;
			x->bar_size[++b] = 0;
		}
	}
}

static uint32_t lanes(unsigned off, unsigned width)
{
	return (width == 4 ? ~0U : (1U << (8 * width)) - 1) << (8 * (off & 3));
}

/* The shadowed register (0 Command, 1 Device Control, 2 Device Control 2) of dword @d with its bits, or -1. */
static int shadowed(const struct pci_func *pf, unsigned d, uint32_t *mask)
{
	if (d == PCI_COMMAND) {
		*mask = PCI_CMD_PARITY | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE;
		return 0;
	}
	if (pf->cap_exp && d == pf->cap_exp + PCI_EXP_DEVCTL) {
		*mask = PCI_LOW_HALF & ~PCI_EXP_DEVCTL_FLR;
		return 1;
	}
	if (pf->cap_exp && d == pf->cap_exp + PCI_EXP_DEVCTL2) {
		*mask = PCI_LOW_HALF & ~(PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS);
		return 2;
	}
	*mask = 0;
	return -1;
}

/* What a guest read of function @vi (vpci bus index) must return, from the device and the shadow model. */
static uint32_t expect_read(unsigned vi, unsigned off, unsigned width)
{
	const struct pci_func *pf = vbus.funcs[vi].f;
	const struct ffn *x = &fk.f[PCI_DEV(pf->bdf)];
	unsigned d = off & ~3U;
	uint32_t v;

	if ((width != 1 && width != 2 && width != 4) || (off & (width - 1)) || off >= PCI_CFG_SPACE_SIZE)
		return 0;
	if (d >= PCI_CFG_STD_END || d == PCI_ROM_ADDRESS) {
		v = 0;
	} else if (d >= PCI_BAR0 && d < PCI_BARS_END) {
		unsigned b = (d - PCI_BAR0) / 4;
		const struct pci_bar *bar = &pf->bar[b];

		if (bar->flags & PCI_BAR_UPPER)
			v = model[vi].bar[b] & ~(uint32_t)((pf->bar[b - 1].size - 1) >> 32);
		else if (!bar->size || (bar->flags & PCI_BAR_IO))
			v = 0;
		else
			v = (model[vi].bar[b] & ~(uint32_t)(bar->size - 1) & ~PCI_BAR_MEM_FLAGS) |
			    (x->cfg[d / 4] & PCI_BAR_MEM_FLAGS);
	} else {
		uint32_t m;
		int sr = shadowed(pf, d, &m);

		v = x->cfg[d / 4];
		if (d == PCI_CACHE_LINE)
			v &= ~PCI_HDR_MF_BIT;
		if (d == PCI_INTERRUPT_LINE)
			v &= ~PCI_PIN_BYTE;
		if (sr >= 0 && model[vi].loaded[sr])
			v = (v & ~m) | (model[vi].reg[sr] & m);
		if (sr == 1)
			v &= ~PCI_EXP_DEVCTL_FLR;
	}
	return (v & lanes(off, width)) >> (8 * (off & 3));
}

/* Keep the shadow model in step with a guest write of function @vi (before the write reaches vpci). */
static void shadow_write(unsigned vi, unsigned off, unsigned width, uint32_t val)
{
	const struct pci_func *pf = vbus.funcs[vi].f;
	unsigned d = off & ~3U;
	uint32_t gval = (val << (8 * (off & 3))) & lanes(off, width), m, sbits;
	int sr;

	if ((width != 1 && width != 2 && width != 4) || (off & (width - 1)) || off >= PCI_CFG_SPACE_SIZE)
		return;
	if (d >= PCI_BAR0 && d < PCI_BARS_END) {
		uint32_t *sh = &model[vi].bar[(d - PCI_BAR0) / 4];

		*sh = (*sh & ~lanes(off, width)) | gval;
		return;
	}
	if (d >= PCI_CFG_STD_END)
		return;
	sr = shadowed(pf, d, &m);
	sbits = m & lanes(off, width);
	if (sr < 0 || !sbits)
		return;
	if (!model[vi].loaded[sr]) {   /* the first write starts from the device's value */
		model[vi].reg[sr] = (uint16_t)(fk.f[PCI_DEV(pf->bdf)].cfg[d / 4] & m);
		model[vi].loaded[sr] = true;
	}
	model[vi].reg[sr] = (uint16_t)((model[vi].reg[sr] & ~sbits) | (gval & sbits));
}

static void guest_op(struct fz *f)
{
	static const unsigned widths[8] = { 1, 2, 4, 3, 1, 2, 4, 8 };
	uint8_t op = fz_u8(f);
	uint16_t off16 = fz_u16(f);
	uint32_t val = fz_u32(f);
	unsigned kind = op & 3, width = widths[(op >> 2) & 7], fi = (op >> 5) & 7;
	unsigned off = off16 & 0x1fff;   /* up to 8 KiB: past the configuration space too */
	uint32_t got, want;

	if (kind < 2) {                      /* vpci_cfg_read / vpci_cfg_write on assigned function fi */
		if (!vbus.nr)
			return;
		fi %= vbus.nr;
		if (width == 8)
			width = 4;
		if (kind == 0) {
			want = expect_read(fi, off, width);
			fk.reading = true;
			got = vpci_cfg_read(&vbus.funcs[fi], vbus.ops, off, width);
			fk.reading = false;
			FUZZ_CHECK(got == want, "cfg read %02x.0 0x%x/%u: 0x%x, expected 0x%x", fi, off, width, got, want);
		} else {
			shadow_write(fi, off, width, val);
			vpci_cfg_write(&vbus.funcs[fi], vbus.ops, off, width, val);
		}
	} else {                             /* the ECAM window: device fi, function from the offset's bit 12 */
		uint64_t eoff = (uint64_t)fi << 15 | (off16 & 0x8000 ? 1ULL << 12 : 0) | (off & 0xfff);
		bool present = fi < vbus.nr && !(eoff & (7 << 12)) && width <= 4 && !(eoff & (width - 1));
		uint64_t ones = width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1, r;

		if (off16 & 0x4000)
			eoff |= 1ULL << 20;      /* past the 1 MiB of bus 0 */
		present = present && eoff < MiB(1);
		if (kind == 2) {
			fk.reading = true;
			r = vpci_ecam_read(&vbus, eoff, width);
			fk.reading = false;
			FUZZ_CHECK(r == (present ? expect_read(fi, off & 0xfff, width) : ones),
				   "ECAM read 0x%llx/%u: 0x%llx", (ull)eoff, width, (ull)r);
		} else {
			if (present)
				shadow_write(fi, off & 0xfff, width, val);
			vpci_ecam_write(&vbus, eoff, width, (uint64_t)val << 32 | val);
		}
	}
	FUZZ_CHECK(fake.locks_held == 0, "locks held: %d", fake.locks_held);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t hdr = fz_u8(&f);
	struct pv_part_config part;
	struct pv_diag diag;

	fake_reset();
	memset(&fk, 0, sizeof(fk));
	fk.nf = 1 + (hdr & 3);
	for (unsigned i = 0; i < fk.nf; i++)
		make_function(&f, i);

	/* the host side: enumeration and BAR assignment in QEMU virt's windows */
	memset(&host, 0, sizeof(host));
	host.bus_start = 0;
	host.bus_end = 0xff;
	host.mem32 = (struct pci_window){ hpa(0x40000000ULL), 0x40000000ULL, 0x40000000ULL };
	host.mem64 = (struct pci_window){ hpa(0x400000000ULL), 0x400000000ULL, 0x400000000ULL };
	if (pci_enumerate(&host, &ops, &diag))
		return 0;  /* e.g. BARs larger than the windows */
	FUZZ_CHECK(host.nr_funcs == fk.nf, "%u functions enumerated, %u present", host.nr_funcs, fk.nf);
	for (unsigned i = 0; i < fk.nf; i++)
		for (unsigned b = 0; b < 6; b++)
			if (fk.f[i].bar_size[b] && !host.funcs[i].has_ea)
				FUZZ_CHECK(host.funcs[i].bar[b].size == fk.f[i].bar_size[b], "%02x.0 BAR%u sized 0x%llx, is 0x%llx",
					   i, b, (ull)host.funcs[i].bar[b].size, (ull)fk.f[i].bar_size[b]);

	/* the partition gets every function the assignment policy allows */
	memset(&vbus, 0, sizeof(vbus));
	memset(&part, 0, sizeof(part));
	strcpy(part.node_path, "/partitions/fz");
	part.nr_pci = 1;
	vbus.ops = &ops;
	vbus.lock = hdr & 4 ? &vlock : NULL;
	for (unsigned i = 0; i < fk.nf; i++) {
		fk.f[i].vidx = -1;
		part.pci_bdf[0] = host.funcs[i].bdf;
		if (assign_check_partition(&host, &part, -1, &diag))
			continue;
		FUZZ_CHECK(host.funcs[i].hdr_type == PCI_HDR_ENDPOINT && !host.funcs[i].has_ea &&
			   (host.funcs[i].class_rev >> 16) != PCI_CLASS_IOMMU,
			   "assigned %02x.0: header %u, Enhanced Allocation %d, class 0x%06x", i, host.funcs[i].hdr_type,
			   host.funcs[i].has_ea, host.funcs[i].class_rev >> 8);
		fk.f[i].vidx = (int)vbus.nr;
		vpci_func_init(&vbus.funcs[vbus.nr], &host.funcs[i]);
		memset(&model[vbus.nr], 0, sizeof(model[0]));
		for (unsigned b = 0; b < 6; b++) {  /* the assigned addresses (vpci.h) */
			const struct pci_bar *bar = &host.funcs[i].bar[b];

			if (bar->flags & PCI_BAR_UPPER)
				model[vbus.nr].bar[b] = (uint32_t)(host.funcs[i].bar[b - 1].base.v >> 32);
			else if (bar->size && !(bar->flags & PCI_BAR_IO))
				model[vbus.nr].bar[b] = (uint32_t)bar->base.v;
		}
		vbus.nr++;
	}
	for (unsigned i = 0; i < fk.nf; i++) {
		struct ffn *x = &fk.f[i];
		unsigned msi = host.funcs[i].cap_msi;

		if (msi) {  /* capability id, next pointer and the capability bits of Message Control are read-only */
			x->wm[msi / 4] &= ~(0xffffU | (uint32_t)(0x018eU << 16));
			x->msi_ctl = x->cfg[msi / 4] >> 16;
		}
		memcpy(x->snap, x->cfg, sizeof(x->cfg));
	}

	fk.guest = true;
	while (f.n)
		guest_op(&f);
	fk.guest = false;

	for (unsigned i = 0; i < fk.nf; i++) {
		const struct ffn *x = &fk.f[i];

		FUZZ_CHECK(x->cfg[0] == x->snap[0] && x->cfg[2] == x->snap[2], "%02x.0 ids or class changed", i);
		FUZZ_CHECK(!memcmp(&x->cfg[PCI_BAR0 / 4], &x->snap[PCI_BAR0 / 4], 24), "%02x.0 BARs changed", i);
		FUZZ_CHECK(x->cfg[PCI_ROM_ADDRESS / 4] == x->snap[PCI_ROM_ADDRESS / 4], "%02x.0 ROM changed", i);
		FUZZ_CHECK((x->cfg[PCI_CAP_PTR / 4] & 0xff) == (x->snap[PCI_CAP_PTR / 4] & 0xff),
			   "%02x.0 capability pointer changed", i);
		FUZZ_CHECK(!memcmp(&x->cfg[0x100 / 4], &x->snap[0x100 / 4], PCI_CFG_SPACE_SIZE - 0x100),
			   "%02x.0 extended configuration space changed", i);
		if (x->vidx < 0)
			FUZZ_CHECK(!memcmp(x->cfg, x->snap, sizeof(x->cfg)), "unassigned %02x.0 changed", i);
	}
	return 0;
}
