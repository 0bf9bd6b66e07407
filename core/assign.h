/* SPDX-License-Identifier: MIT */
/* Which PCI function may go to which partition: the assignment policy, checked at boot. Pure logic. */
#ifndef PV_ASSIGN_H
#define PV_ASSIGN_H

#include "core/config.h"
#include "drivers/pci/pci.h"
#include "lib/diag.h"

/**
 * Check the PCI functions the partitions of @cfg list in `partvisor,pci-devices`
 * against the enumeration @h: each must be present, be an endpoint (not a bridge),
 * not be @iommu_bdf (the IOMMU, owned by the hypervisor; pass -1 if it is
 * not a PCI function), not be any other IOMMU (class 0x0806, whose own DMA is untranslated)
 * and not use Enhanced Allocation (PCIe Base 6.0 §7.8.5; its BARs are fixed, never placed). Returns 0 or -PV_ENOENT / -PV_EINVAL with @diag naming
 * the partition node, the property and the function (bus:dev.fn).
 */
int assign_check(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf,
			  struct pv_diag *diag);

/** assign_check() for one partition @p. */
int assign_check_partition(const struct pci_host *h, const struct pv_part_config *p, int iommu_bdf,
			   struct pv_diag *diag);

#endif
