/* SPDX-License-Identifier: MIT */
/* Which PCI function may go to which partition: the assignment policy, checked at boot. Pure logic. */
#ifndef PV_ASSIGN_H
#define PV_ASSIGN_H

#include "core/config.h"
#include "drivers/pci/pci.h"
#include "lib/diag.h"

/**
 * Check the PCI functions the partitions of @cfg list in `partvisor,pci-devices`
 * against the enumeration @h: assign_check_partition() for each partition, then
 * assign_check_groups(). Each must be present, be an endpoint (not a bridge, not the host
 * bridge, no PCIe port),
 * not be @iommu_bdf (the IOMMU, owned by the hypervisor; pass -1 if it is
 * not a PCI function), not be any other IOMMU (class 0x0806, whose own DMA is untranslated)
 * and not use Enhanced Allocation (PCIe Base 6.0 §7.8.5; its BARs are fixed, never placed). Returns 0 or -PV_ENOENT / -PV_EINVAL with @diag naming
 * the partition node, the property and the function (bus:dev.fn).
 */
int assign_check(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf,
			  struct pv_diag *diag);

/**
 * The per-function checks of assign_check() for one partition @p: present; a type 0 header
 * that is not the host bridge (class 06 00) and, by its PCIe Device/Port Type [PCIe Base 6.0
 * §7.5.3.2], an Endpoint, Legacy Endpoint or Root Complex Integrated Endpoint, or a
 * conventional PCI function (no PCIe capability); not the IOMMU, not any IOMMU, no Enhanced
 * Allocation. Returns 0, -PV_ENOENT or -PV_EINVAL with @diag naming the function.
 */
int assign_check_partition(const struct pci_host *h, const struct pv_part_config *p, int iommu_bdf,
			   struct pv_diag *diag);

/**
 * Isolation groups (pci_groups(), drivers/pci/pci_group.c) go whole to one partition, as
 * VFIO requires of a user: for every function a partition of @parts (@nr of them, in config
 * order) lists, every other endpoint of its group (bridges and the host bridge do not count)
 * must be listed by the same partition. Returns 0 or -PV_EEXIST with @diag naming the first
 * such partition, both functions, why they are one group and who has the other one ("no
 * partition" or "partition <name>").
 */
int assign_check_groups(const struct pci_host *h, const struct pv_part_config *const *parts, unsigned nr,
			struct pv_diag *diag);

#endif
