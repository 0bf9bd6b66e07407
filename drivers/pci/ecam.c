/* SPDX-License-Identifier: MIT */
/*
 * Host configuration space through the ECAM window [PCIe Base 6.0 §7.2.2], and
 * Function Level Reset [§6.6.2]. Firmware only (MMIO).
 */
#include "arch/riscv/hart.h"
#include "drivers/pci/pci.h"

#define FLR_WAIT_MS 100            /* PCIe Base 6.0 §6.6.2: wait 100 ms after an FLR */

static volatile uint32_t *ecam_ptr(const struct pci_ecam *e, uint16_t bdf, unsigned off)
{
	uint64_t rel = ((uint64_t)bdf << 12) - ((uint64_t)e->bus_start << 20);

	return (volatile uint32_t *)hpa_ptr(hpa_add(e->base, rel + (off & 0xffc)));
}

static bool ecam_ok(const struct pci_ecam *e, uint16_t bdf)
{
	return PCI_BUS(bdf) >= e->bus_start && PCI_BUS(bdf) <= e->bus_end;
}

static uint32_t ecam_read32(void *ctx, uint16_t bdf, unsigned off)
{
	const struct pci_ecam *e = ctx;

	return ecam_ok(e, bdf) ? *ecam_ptr(e, bdf, off) : 0xffffffffu;
}

static void ecam_write32(void *ctx, uint16_t bdf, unsigned off, uint32_t val)
{
	const struct pci_ecam *e = ctx;

	if (ecam_ok(e, bdf)) {
		__asm__ volatile("fence rw, o" ::: "memory");
		*ecam_ptr(e, bdf, off) = val;
	}
}

struct pci_cfg_ops pci_ecam_ops(const struct pci_ecam *e)
{
	return (struct pci_cfg_ops){ ecam_read32, ecam_write32, (void *)e };
}

bool pci_flr(const struct pci_cfg_ops *ops, const struct pci_func *f, uint64_t ticks_per_ms)
{
	uint32_t devctl;
	uint64_t t0;

	if (!f->cap_exp || !(ops->read32(ops->ctx, f->bdf, f->cap_exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR))
		return false;
	devctl = ops->read32(ops->ctx, f->bdf, f->cap_exp + PCI_EXP_DEVCTL) & PCI_LOW_HALF;
	ops->write32(ops->ctx, f->bdf, f->cap_exp + PCI_EXP_DEVCTL, devctl | PCI_EXP_DEVCTL_FLR);
	t0 = arch_time();
	while (arch_time() - t0 < ticks_per_ms * FLR_WAIT_MS)
		;
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *bar = &f->bar[b];
		unsigned off = PCI_BAR0 + 4 * b;
		uint64_t pci;

		if (!bar->size || (bar->flags & PCI_BAR_IO) || !bar->base.v)
			continue;
		pci = bar->base.v;  /* the windows are identity-mapped on the buses we support (checked at init) */
		ops->write32(ops->ctx, f->bdf, off, (uint32_t)pci | (ops->read32(ops->ctx, f->bdf, off) & 0xf));
		if (bar->flags & PCI_BAR_64)
			ops->write32(ops->ctx, f->bdf, off + 4, (uint32_t)(pci >> 32));
	}
	pci_acs_enable(ops, f);   /* an isolation group may rely on it (multi-function devices) */
	return true;
}
