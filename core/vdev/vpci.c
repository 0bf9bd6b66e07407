/* SPDX-License-Identifier: MIT */
/*
 * Guest view of an assigned function's configuration space: BARs from shadows,
 * no expansion ROM, no INTx, no extended capabilities, writes filtered, and the
 * Command / Device Control / Device Control 2 bits the hypervisor owns answered
 * from per-function shadows [PCI Local Bus 3.0 ch. 6, PCIe Base 6.0 ch. 7].
 * Pure logic; see vpci.h.
 */
#include <string.h>

#include "arch/riscv/lock.h"
#include "core/vdev/vpci.h"

/* Register bits (low half of their dword) the guest writes to the device (PASS) or to a shadow. */
#define CMD_PASS          (PCI_CMD_MEM | PCI_CMD_MASTER)
#define CMD_SHADOW        (PCI_CMD_PARITY | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE)
#define DEVCTL_SHADOW     (PCI_LOW_HALF & ~PCI_EXP_DEVCTL_FLR)
#define DEVCTL2_PASS      (PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS)
#define DEVCTL2_SHADOW    (PCI_LOW_HALF & ~DEVCTL2_PASS)

static uint32_t rd(const struct pci_cfg_ops *ops, uint16_t bdf, unsigned off)
{
	return ops->read32(ops->ctx, bdf, off);
}

static void wr(const struct pci_cfg_ops *ops, uint16_t bdf, unsigned off, uint32_t val)
{
	ops->write32(ops->ctx, bdf, off, val);
}

void vpci_func_init(struct vpci_func *v, const struct pci_func *f)
{
	memset(v, 0, sizeof(*v));
	v->f = f;
	for (unsigned i = 0; i < PCI_BARS_ENDPOINT; i++) {
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
static uint32_t vbar_read(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned i)
{
	const struct pci_bar *b = &v->f->bar[i];

	if (b->flags & PCI_BAR_UPPER) {
		uint64_t size = i ? v->f->bar[i - 1].size : 0;

		return v->bar_shadow[i] & ~(uint32_t)((size - 1) >> 32);
	}
	if (!b->size || (b->flags & PCI_BAR_IO))
		return 0;
	return (v->bar_shadow[i] & ~(uint32_t)(b->size - 1) & ~PCI_BAR_MEM_FLAGS) |
	       (rd(ops, v->f->bdf, PCI_BAR0 + 4 * i) & PCI_BAR_MEM_FLAGS);
}

/*
 * The register (enum vpci_shadow) of which some bits of the dword at @d read from a
 * shadow, with those bits in *@mask; -1 if none.
 */
static int shadow_reg(const struct pci_func *f, unsigned d, uint32_t *mask)
{
	if (d == PCI_COMMAND) {
		*mask = CMD_SHADOW;
		return VPCI_SH_COMMAND;
	}
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL) {
		*mask = DEVCTL_SHADOW;
		return VPCI_SH_DEVCTL;
	}
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL2) {
		*mask = DEVCTL2_SHADOW;
		return VPCI_SH_DEVCTL2;
	}
	*mask = 0;
	return -1;
}

/* The dword at @d as the guest sees it. */
static uint32_t vdword(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned d)
{
	uint32_t val, m;
	int sr;

	if (d >= PCI_CFG_STD_END || d == PCI_ROM_ADDRESS)
		return 0;
	if (d >= PCI_BAR0 && d < PCI_BARS_END)
		return vbar_read(v, ops, (d - PCI_BAR0) / 4);
	val = rd(ops, v->f->bdf, d);
	if (d == PCI_CACHE_LINE)
		val &= ~PCI_HDR_MF_BIT;
	else if (d == PCI_INTERRUPT_LINE)
		val &= ~PCI_PIN_BYTE;
	sr = shadow_reg(v->f, d, &m);
	if (sr >= 0 && (v->reg_loaded & (1U << sr)))
		val = (val & ~m) | (v->reg_shadow[sr] & m);
	if (sr == VPCI_SH_DEVCTL)
		val &= ~PCI_EXP_DEVCTL_FLR;   /* the hypervisor does FLRs: never in progress for the guest */
	return val;
}

uint32_t vpci_cfg_read(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width)
{
	if (!access_ok(off, width))
		return 0;
	return (vdword(v, ops, off & ~3U) & lane_mask(off, width)) >> (8 * (off & 3));
}

/*
 * What a guest write may change in the dword at @d: @allow are the bits it may
 * write, @zero the bits written as 0 unless the guest targets them and they are
 * allowed (RW1C status bits, which a written-back 1 would clear); @set and @clear
 * are forced to 1 and 0 whenever the device is written; @devctl: the low half is
 * Device Control, written through pci_devctl_limit().
 */
struct wrule {
	uint32_t allow, zero, set, clear;
	bool devctl;
};

/* Bytes of the MSI capability with Message Control @ctl: 10, 14, 20 or 24. */
static unsigned msi_size(uint32_t ctl)
{
	return 10 + (ctl & PCI_MSI_FLAGS_64BIT ? 4 : 0) + (ctl & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);
}

static struct wrule write_rule(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned d)
{
	const struct pci_func *f = v->f;
	struct wrule r = { 0, 0, 0, 0, false };

	if (d == PCI_COMMAND) {
		r.allow = CMD_PASS | PCI_STATUS_HALF;
		r.zero = PCI_STATUS_HALF;
		r.set = PCI_CMD_INTX_DISABLE;  /* no INTx: MSI/MSI-X only (interrupt pin reads 0) */
		r.clear = PCI_CMD_IO;
		if (v->quarantined) {
			r.allow &= ~PCI_CMD_MASTER;
			r.clear |= PCI_CMD_MASTER;
		}
	} else if (d == PCI_CACHE_LINE) {
		r.allow = 0xff;
		r.zero = PCI_BIST_START;
	}
	if (f->cap_msi && d >= f->cap_msi && d < f->cap_msi + PCI_MSI_MAX_SIZE) {
		uint32_t ctl = rd(ops, f->bdf, f->cap_msi) >> 16;

		r.allow |= span_mask(d, f->cap_msi + 2, f->cap_msi + msi_size(ctl));
	}
	if (f->cap_msix && d == f->cap_msix)
		r.allow |= (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) << 16;
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL) {
		r.allow |= PCI_EXP_DEVCTL_READRQ | PCI_STATUS_HALF;
		r.zero |= PCI_STATUS_HALF;
		r.clear |= PCI_EXP_DEVCTL_FLR;
		r.devctl = true;
	}
	if (f->cap_exp && d == f->cap_exp + PCI_EXP_DEVCTL2)
		r.allow |= DEVCTL2_PASS;
	if (f->cap_pm && d == f->cap_pm + PCI_PM_CTRL) {
		/* Not PowerState (bits 1:0): D3hot -> D0 may reset the BARs, which the guest cannot restore. */
		r.allow |= PCI_LOW_HALF & ~PCI_PM_CTRL_STATE;
		r.zero |= PCI_PM_CTRL_PME_STATUS;
	}
	return r;
}

void vpci_cfg_write(struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width,
		    uint32_t val)
{
	unsigned d = off & ~3U;
	uint32_t lanes, gval, t, hw, m, sbits, dev;
	struct wrule r;
	int sr;

	if (!access_ok(off, width))
		return;
	lanes = lane_mask(off, width);
	gval = (val << (8 * (off & 3))) & lanes;
	if (d >= PCI_BAR0 && d < PCI_BARS_END) {
		uint32_t *sh = &v->bar_shadow[(d - PCI_BAR0) / 4];

		*sh = (*sh & ~lanes) | gval;
		return;
	}
	if (d >= PCI_CFG_STD_END)
		return;
	r = write_rule(v, ops, d);
	t = r.allow & lanes;
	sr = shadow_reg(v->f, d, &m);
	sbits = m & lanes;
	if (!t && !sbits)
		return;
	hw = rd(ops, v->f->bdf, d);
	if (sbits) {
		uint16_t *reg = &v->reg_shadow[sr];

		if (!(v->reg_loaded & (1U << sr))) {     /* first write: start from the device's value */
			*reg = (uint16_t)(hw & m);
			v->reg_loaded |= (uint8_t)(1U << sr);
		}
		*reg = (uint16_t)((*reg & ~sbits) | (gval & sbits));
	}
	dev = (hw & ~t & ~r.zero) | (gval & t);
	dev = (dev | r.set) & ~r.clear;
	if (r.devctl)
		dev = (dev & ~PCI_LOW_HALF) | pci_devctl_limit((uint16_t)dev);
	if (!t && !((dev ^ hw) & ~r.zero))
		return;                          /* shadow only, forced bits already as forced */
	wr(ops, v->f->bdf, d, dev);
}

/* ---- the ECAM window [PCIe Base 6.0 §7.2.2] ---- */

static uint64_t ones(unsigned width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* The function at ECAM offset @off of @b (bus 0, function 0 of slot i = i-th function), or NULL. */
static struct vpci_func *ecam_func(struct vpci_bus *b, uint64_t off, unsigned width)
{
	unsigned dev = (off >> 15) & 31, fn = (off >> 12) & 7;

	if (off >= MiB(1) || fn || dev >= b->nr || width > 4 || (off & (width - 1)))
		return NULL;
	return &b->funcs[dev];
}

/* Whether @off is a valid access to the emulated function of @b. */
static bool ecam_emul(const struct vpci_bus *b, uint64_t off, unsigned width)
{
	return b->emul.read && off < MiB(1) && ((off >> 15) & 31) == b->emul.slot && !((off >> 12) & 7) &&
	       (width == 1 || width == 2 || width == 4) && !(off & (width - 1));
}

uint64_t vpci_ecam_read(void *bus, uint64_t off, unsigned width)
{
	struct vpci_bus *b = bus;
	struct vpci_func *v = ecam_func(b, off, width);
	uint32_t val;

	if (ecam_emul(b, off, width))
		return b->emul.read(b->emul.ctx, off & 0xfff, width);
	if (!v)
		return ones(width);  /* no function there: all ones [PCIe Base 6.0 §2.3.2] */
	if (b->lock)
		spin_lock(b->lock);
	val = vpci_cfg_read(v, b->ops, off & 0xfff, width);
	if (b->lock)
		spin_unlock(b->lock);
	return val;
}

void vpci_ecam_write(void *bus, uint64_t off, unsigned width, uint64_t val)
{
	struct vpci_bus *b = bus;
	struct vpci_func *v = ecam_func(b, off, width);

	if (ecam_emul(b, off, width)) {
		b->emul.write(b->emul.ctx, off & 0xfff, width, (uint32_t)val);
		return;
	}
	if (!v)
		return;
	if (b->lock)
		spin_lock(b->lock);
	vpci_cfg_write(v, b->ops, off & 0xfff, width, (uint32_t)val);
	if (b->lock)
		spin_unlock(b->lock);
}
