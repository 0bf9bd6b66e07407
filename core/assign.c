/* SPDX-License-Identifier: MIT */
/* PCI assignment policy: present, an endpoint, not an IOMMU. Pure; see assign.h. */
#include "core/assign.h"

int assign_check_partition(const struct pci_host *h, const struct pv_part_config *p, int iommu_bdf,
			   struct pv_diag *diag)
{
	for (unsigned i = 0; i < p->nr_pci && i < PV_MAX_PCI; i++) {
		uint16_t bdf = p->pci_bdf[i];
		int idx = pci_find(h, bdf);

		if (idx < 0)
			return diag_set(diag, PV_ENOENT, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is not present on the host bridge",
					BDF_ARGS(bdf));
		if (h->funcs[idx].hdr_type != PCI_HDR_ENDPOINT)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is a PCI bridge; only endpoints can be assigned",
					BDF_ARGS(bdf));
		if (bdf == iommu_bdf)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is the IOMMU, which the hypervisor owns",
					BDF_ARGS(bdf));
		/* Enhanced Allocation BARs are fixed by the hardware and were not placed: they could overlap anything. */
		if (h->funcs[idx].has_ea)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " uses Enhanced Allocation, which partvisor does not support",
					BDF_ARGS(bdf));
		/* Another IOMMU's own DMA (queues, IOFENCE.C stores) is not translated: never give one out. */
		if ((h->funcs[idx].class_rev >> 16) == PCI_CLASS_IOMMU)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is an IOMMU; its own DMA bypasses translation",
					BDF_ARGS(bdf));
	}
	return 0;
}

int assign_check(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf, struct pv_diag *diag)
{
	int ret;

	for (unsigned k = 0; k < cfg->nr_parts && k < PV_MAX_PARTITIONS; k++)
		if ((ret = assign_check_partition(h, &cfg->parts[k], iommu_bdf, diag)) < 0)
			return ret;
	return 0;
}
