/* SPDX-License-Identifier: MIT */
/*
 * PCI passthrough policy: which host function goes to which partition. Finds
 * the host bridge and the IOMMU, checks every partition's partvisor,pci-devices
 * (core/assign.c), and gives each partition its functions: BARs in its G-stage,
 * a device context in the IOMMU, a virtual host bridge (core/vdev/vpci.c).
 * See docs/architecture.md "PCI passthrough".
 */
#ifndef PV_PASSTHROUGH_H
#define PV_PASSTHROUGH_H

#include "core/model.h"
#include "core/platform.h"

/** Right after platform discovery: switch a platform IOMMU Off, so no DMA passes untranslated meanwhile. */
void passthrough_early(const struct pv_platform *plat);

/**
 * Enumerate the host PCIe bridge of @plat, bring up the IOMMU, check the
 * assignments of the @nr partitions @parts and give each its functions. Call
 * after partition_setup() and before partition_load(). @boot_hart_index is the
 * platform index of the hart that takes IOMMU fault interrupts (one that runs no
 * guest if there is one; the caller starts it).
 * Returns 0 or a negative PV_E* code with @diag set.
 */
int passthrough_init(const struct pv_platform *plat, struct partition *parts, unsigned nr,
		     unsigned boot_hart_index, struct pv_diag *diag);

/** Before (re)starting @p: reset its functions on a reboot (FLR if supported); Memory Space on, Bus Master off (the guest driver sets it). */
void passthrough_partition_start(struct partition *p);

/** After @p stopped: turn off Bus Master and Memory Space of its functions (no DMA, no MSIs). */
void passthrough_partition_stop(struct partition *p);

#endif
