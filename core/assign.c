/* SPDX-License-Identifier: MIT */
/*
 * PCI assignment policy: present, an endpoint, not the host bridge, not an IOMMU, and
 * isolation groups (drivers/pci/pci_group.c) assigned whole to one partition. Pure; see assign.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/assign.h"

/* Whether @f can be assigned at all by its kind: a type 0 header that is not the host bridge and is a
 * PCIe Endpoint, Legacy Endpoint, Root Complex Integrated Endpoint or a conventional PCI function. */
static bool endpoint_kind(const struct pci_func *f)
{
	if (f->hdr_type != PCI_HDR_ENDPOINT || (f->class_rev >> 16) == PCI_CLASS_HOST_BRIDGE)
		return false;
	return f->pcie_type == PCI_EXP_TYPE_NONE || f->pcie_type == PCI_EXP_TYPE_ENDPOINT ||
	       f->pcie_type == PCI_EXP_TYPE_LEG_END || f->pcie_type == PCI_EXP_TYPE_RC_END;
}

static const char *port_type_name(unsigned t)
{
	switch (t) {
	case PCI_EXP_TYPE_ROOT_PORT: return "a PCIe root port";
	case PCI_EXP_TYPE_UPSTREAM: return "a PCIe switch upstream port";
	case PCI_EXP_TYPE_DOWNSTREAM: return "a PCIe switch downstream port";
	case PCI_EXP_TYPE_PCI_BRIDGE: return "a PCIe-to-PCI bridge";
	case PCI_EXP_TYPE_PCIE_BRIDGE: return "a PCI-to-PCIe bridge";
	case PCI_EXP_TYPE_RC_EC: return "a root complex event collector";
	default: return "not an endpoint";
	}
}

int assign_check_partition(const struct pci_host *h, const struct pv_part_config *p, int iommu_bdf,
			   struct pv_diag *diag)
{
	for (unsigned i = 0; i < p->nr_pci && i < PV_MAX_PCI; i++) {
		uint16_t bdf = p->pci_bdf[i];
		int idx = pci_find(h, bdf);
		const struct pci_func *f;

		if (idx < 0)
			return diag_set(diag, PV_ENOENT, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is not present on the host bridge",
					BDF_ARGS(bdf));
		f = &h->funcs[idx];
		if (f->hdr_type == PCI_HDR_BRIDGE)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is a PCI bridge; only endpoints can be assigned",
					BDF_ARGS(bdf));
		if ((f->class_rev >> 16) == PCI_CLASS_HOST_BRIDGE)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is the host bridge (class 06 00); only endpoints can be assigned",
					BDF_ARGS(bdf));
		if (!endpoint_kind(f))
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is %s (header type %u, PCIe type %u); only endpoints can be assigned",
					BDF_ARGS(bdf), port_type_name(f->pcie_type), f->hdr_type,
					f->pcie_type == PCI_EXP_TYPE_NONE ? 0 : f->pcie_type);
		if (bdf == iommu_bdf)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is the IOMMU, which the hypervisor owns",
					BDF_ARGS(bdf));
		/* Enhanced Allocation BARs are fixed by the hardware and were not placed: they could overlap anything. */
		if (f->has_ea)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " uses Enhanced Allocation, which partvisor does not support",
					BDF_ARGS(bdf));
		/* Another IOMMU's own DMA (queues, IOFENCE.C stores) is not translated: never give one out. */
		if ((f->class_rev >> 16) == PCI_CLASS_IOMMU)
			return diag_set(diag, PV_EINVAL, p->node_path, PV_PROP_PCI_DEVICES,
					"PCI function " BDF_FMT " is an IOMMU; its own DMA bypasses translation",
					BDF_ARGS(bdf));
	}
	return 0;
}

/* Index of the partition among @parts that lists function @bdf, or -1. */
static int owner_of(const struct pv_part_config *const *parts, unsigned nr, uint16_t bdf)
{
	for (unsigned k = 0; k < nr; k++)
		for (unsigned i = 0; i < parts[k]->nr_pci && i < PV_MAX_PCI; i++)
			if (parts[k]->pci_bdf[i] == bdf)
				return (int)k;
	return -1;
}

/* Why @a (assigned) and @b are one group, into @buf: @b's reason if it has one, else @a's. */
static void group_reason(const struct pci_host *h, const struct pci_func *a, const struct pci_func *b, char *buf,
			 unsigned len)
{
	const uint16_t ida[3] = { a->bdf, a->rid, a->rid_dma }, idb[3] = { b->bdf, b->rid, b->rid_dma };
	bool same_rid = false;
	uint16_t shared = 0;

	for (unsigned i = 0; i < 3 && !same_rid; i++)
		for (unsigned j = 0; j < 3 && !same_rid; j++)
			if (ida[i] == idb[j]) {
				same_rid = true;
				shared = ida[i];
			}
	const struct pci_func *f = b;
	unsigned why;
	uint16_t via;

	/* The topology's reason first (it holds on any machine), then coinciding requester IDs. */
	if (b->group_why == PCI_GROUP_ALONE || b->group_why == PCI_GROUP_SAME_RID)
		f = same_rid ? b : a;
	why = f->group_why;
	if (same_rid && (why == PCI_GROUP_ALONE || why == PCI_GROUP_SAME_RID))
		why = PCI_GROUP_SAME_RID;
	via = f->group_via >= 0 ? h->funcs[f->group_via].bdf : f->bdf;
	switch (why) {
	case PCI_GROUP_ALIAS:
		snprintf(buf, len, "bridge " BDF_FMT " issues their DMA as " BDF_FMT, BDF_ARGS(via), BDF_ARGS(f->rid));
		if (f->rid_dma != f->rid)
			snprintf(buf + strlen(buf), len - strlen(buf), " (QEMU: " BDF_FMT ")", BDF_ARGS(f->rid_dma));
		break;
	case PCI_GROUP_BRIDGE:
		snprintf(buf, len, "one conventional PCI bus below bridge " BDF_FMT, BDF_ARGS(via));
		break;
	case PCI_GROUP_NO_ACS:
		snprintf(buf, len, "port " BDF_FMT " lacks ACS SV/RR/CR/UF: peer-to-peer", BDF_ARGS(via));
		break;
	case PCI_GROUP_MULTIFN:
		snprintf(buf, len, "one multi-function device, " BDF_FMT " without ACS RR/CR", BDF_ARGS(via));
		break;
	case PCI_GROUP_SAME_RID:
		snprintf(buf, len, "the IOMMU sees both as " BDF_FMT, BDF_ARGS(shared));
		break;
	default:
		snprintf(buf, len, "one isolation group");
		break;
	}
}

int assign_check_groups(const struct pci_host *h, const struct pv_part_config *const *parts, unsigned nr,
			struct pv_diag *diag)
{
	for (unsigned k = 0; k < nr; k++) {
		const struct pv_part_config *p = parts[k];

		for (unsigned i = 0; i < p->nr_pci && i < PV_MAX_PCI; i++) {
			int idx = pci_find(h, p->pci_bdf[i]);
			const struct pci_func *a;

			if (idx < 0)
				continue;   /* assign_check_partition() refuses it */
			a = &h->funcs[idx];
			for (unsigned j = 0; j < h->nr_funcs && j < PCI_MAX_FUNCS; j++) {
				const struct pci_func *b = &h->funcs[j];
				char why[80];
				int o;

				/* Bridges and the host bridge carry requests and DMA nothing of their own: not counted. */
				if ((int)j == idx || b->group != a->group || b->hdr_type != PCI_HDR_ENDPOINT ||
				    (b->class_rev >> 16) == PCI_CLASS_HOST_BRIDGE)
					continue;
				o = owner_of(parts, nr, b->bdf);
				if (o == (int)k)
					continue;
				group_reason(h, a, b, why, sizeof(why));
				return diag_set(diag, PV_EEXIST, p->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " shares its isolation group with " BDF_FMT
						" (%s), which is assigned to %s%s",
						BDF_ARGS(a->bdf), BDF_ARGS(b->bdf), why, o < 0 ? "no partition" : "partition ",
						o < 0 ? "" : parts[o]->name);
			}
		}
	}
	return 0;
}

int assign_check(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf, struct pv_diag *diag)
{
	const struct pv_part_config *parts[PV_MAX_PARTITIONS];
	unsigned nr = cfg->nr_parts < PV_MAX_PARTITIONS ? cfg->nr_parts : PV_MAX_PARTITIONS;
	int ret;

	for (unsigned k = 0; k < nr; k++) {
		parts[k] = &cfg->parts[k];
		if ((ret = assign_check_partition(h, parts[k], iommu_bdf, diag)) < 0)
			return ret;
	}
	return assign_check_groups(h, parts, nr, diag);
}
