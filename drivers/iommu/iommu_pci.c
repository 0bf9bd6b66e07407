/* SPDX-License-Identifier: MIT */
/* Discovery of a RISC-V IOMMU that is a PCI function (class 0x0806) [IOMMU spec §7 "PCIe IOMMU"]. */
#include <stdio.h>

#include "drivers/iommu/iommu.h"
#include "drivers/pci/pci.h"

int iommu_pci_find(const struct pci_host *h, const struct pci_cfg_ops *ops, struct iommu_desc *d, char *name,
		   unsigned len, struct pv_diag *diag)
{
	for (unsigned i = 0; i < h->nr_funcs; i++) {
		const struct pci_func *f = &h->funcs[i];

		if (f->hdr_type != 0 || (f->class_rev >> 16) != PCI_CLASS_IOMMU)
			continue;
		if (!f->bar[0].base.v || f->bar[0].size < IOMMU_REG_SIZE)
			return diag_set(diag, PV_EINVAL, "pci", NULL, "IOMMU " BDF_FMT " has no usable BAR0",
					BDF_ARGS(f->bdf));
		d->base = f->bar[0].base;
		d->pci_bdf = f->bdf;
		snprintf(name, len, "pci iommu " BDF_FMT, BDF_ARGS(f->bdf));
		d->name = name;
		pci_enable(ops, f->bdf);
		/* Its interrupts are MSI-X; the table is its msi_cfg_tbl. Enable, unmask the function. */
		if (f->cap_msix) {
			uint32_t mc = ops->read32(ops->ctx, f->bdf, f->cap_msix);

			mc |= (uint32_t)PCI_MSIX_FLAGS_ENABLE << 16;
			mc &= ~((uint32_t)PCI_MSIX_FLAGS_MASKALL << 16);
			ops->write32(ops->ctx, f->bdf, f->cap_msix, mc);
		}
		return 1;
	}
	return 0;
}
