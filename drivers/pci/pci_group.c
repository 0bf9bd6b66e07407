/* SPDX-License-Identifier: MIT */
/*
 * PCI isolation groups: which functions the IOMMU cannot keep apart, computed from the
 * hierarchy pci_enumerate() recorded [PCIe Base 6.0 §6.12 Access Control Services,
 * PCIe-to-PCI/PCI-X Bridge 1.0 §2.3]. Pure; see pci_groups() in pci.h.
 *
 * A union-find over the indexes of pci_host.funcs. Each rule first marks "domains":
 * bridges whose whole subtree is one group (a PCIe-to-PCI or conventional bridge, a root
 * port without ACS, the upstream port of a switch with a downstream port without ACS, a
 * bridge function of a multi-function device without ACS); then every function joins the
 * group of its topmost domain ancestor. Functions of a multi-function device without ACS
 * are joined with each other, and functions whose requester IDs collide with each other.
 */
#include "drivers/pci/pci.h"

_Static_assert(PCI_MAX_FUNCS <= 127, "function indexes fit int8_t");

/* ACS controls a root or switch downstream port needs to isolate what is below it [§6.12.1.1]. */
#define ACS_PORT  (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)
/* ACS controls each function of a multi-function device needs [§6.12.1.2]. */
#define ACS_MULTI (PCI_ACS_RR | PCI_ACS_CR)

#define QEMU_VENDOR      0x1b36
#define QEMU_HOST_BRIDGE 0x0008   /* QEMU's generic PCIe host bridge (gpex) */

struct groups {
	struct pci_host *h;
	int8_t up[PCI_MAX_FUNCS];          /* union-find parent */
	int8_t domain_why[PCI_MAX_FUNCS];  /* bridges: why its subtree is one group, -1 if it is not */
	int8_t domain_via[PCI_MAX_FUNCS];  /* ... and which function causes it */
	int8_t alias[PCI_MAX_FUNCS];       /* the bridge whose requester ID a function's requests carry, -1 */
};

static int find(struct groups *g, int i)
{
	while (g->up[i] != i) {
		g->up[i] = g->up[g->up[i]];
		i = g->up[i];
	}
	return i;
}

/* Join @i into the group of @j; @i records @why and @via unless it already has a reason. */
static void join(struct groups *g, int i, int j, unsigned why, int via)
{
	struct pci_func *f = &g->h->funcs[i];
	int a = find(g, i), b = find(g, j);

	if (a != b)
		g->up[a > b ? a : b] = (int8_t)(a < b ? a : b);   /* the lower index leads */
	if (f->group_why == PCI_GROUP_ALONE && i != j) {
		f->group_why = (uint8_t)why;
		f->group_via = (int8_t)via;
	}
}

static bool is_bridge(const struct pci_func *f)
{
	return f->hdr_type == PCI_HDR_BRIDGE;
}

/* A bridge that makes a conventional PCI bus: PCIe-to-PCI/PCI-X, or a PCI-to-PCI bridge without a PCIe capability. */
static bool is_conventional_bridge(const struct pci_func *f)
{
	return is_bridge(f) && (f->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE || f->pcie_type == PCI_EXP_TYPE_NONE);
}

/* Mark bridge @b's subtree as one group (if it is not already), because of function @via. */
static void mark(struct groups *g, int b, unsigned why, int via)
{
	if (b >= 0 && g->domain_why[b] < 0) {
		g->domain_why[b] = (int8_t)why;
		g->domain_via[b] = (int8_t)via;
	}
}

static bool same_device(const struct pci_func *a, const struct pci_func *b)
{
	return a->parent == b->parent && PCI_BUS(a->bdf) == PCI_BUS(b->bdf) && PCI_DEV(a->bdf) == PCI_DEV(b->bdf);
}

/* A function of a multi-function device without ACS P2P Request and Completion Redirect. */
static bool multi_no_acs(const struct pci_func *f)
{
	return f->multifunction && (f->acs_cap & ACS_MULTI) != ACS_MULTI;
}

/* The bridges whose subtrees are one group (bridge functions of multi-function devices without ACS included). */
static void mark_domains(struct groups *g)
{
	struct pci_host *h = g->h;

	for (unsigned i = 0; i < h->nr_funcs; i++) {
		const struct pci_func *f = &h->funcs[i];

		if (is_conventional_bridge(f))
			mark(g, (int)i, PCI_GROUP_BRIDGE, (int)i);
		else if (f->pcie_type == PCI_EXP_TYPE_ROOT_PORT && (f->acs_cap & ACS_PORT) != ACS_PORT)
			mark(g, (int)i, PCI_GROUP_NO_ACS, (int)i);
		else if (f->pcie_type == PCI_EXP_TYPE_DOWNSTREAM && (f->acs_cap & ACS_PORT) != ACS_PORT)
			/* peers below the other downstream ports of the switch are reachable: the whole switch */
			mark(g, f->parent >= 0 ? f->parent : (int)i, PCI_GROUP_NO_ACS, (int)i);
	}
	for (unsigned i = 0; i < h->nr_funcs; i++) {
		const struct pci_func *f = &h->funcs[i];

		if (!multi_no_acs(f))
			continue;
		for (unsigned j = 0; j < h->nr_funcs; j++) {
			if (j == i || !same_device(f, &h->funcs[j]))
				continue;
			if (is_bridge(&h->funcs[j]))
				mark(g, (int)j, PCI_GROUP_MULTIFN, (int)i);
			if (is_bridge(f))
				mark(g, (int)i, PCI_GROUP_MULTIFN, (int)i);
		}
	}
}

/* Functions of a multi-function device where one lacks ACS: one group (after the domains, so a reason found there comes first). */
static void join_multifunction(struct groups *g)
{
	struct pci_host *h = g->h;

	for (unsigned i = 0; i < h->nr_funcs; i++) {
		const struct pci_func *f = &h->funcs[i];

		if (!multi_no_acs(f))
			continue;
		for (unsigned j = 0; j < h->nr_funcs; j++) {
			if (j == i || !same_device(f, &h->funcs[j]))
				continue;
			join(g, (int)j, (int)i, PCI_GROUP_MULTIFN, (int)i);
			join(g, (int)i, (int)j, PCI_GROUP_MULTIFN, (int)j);
		}
	}
}

/*
 * The requester ID of @f's requests as they reach the root complex: below a PCIe-to-PCI/PCI-X
 * bridge, its secondary bus with device 0, function 0; below a conventional PCI-to-PCI bridge,
 * that bridge's own [PCIe-to-PCI/PCI-X Bridge 1.0 §2.3]; the topmost such bridge wins. Sets
 * *@alias to that bridge's index (-1 if none).
 */
static uint16_t requester_id(const struct pci_host *h, const struct pci_func *f, int8_t *alias)
{
	uint16_t rid = f->bdf;

	*alias = -1;
	for (int b = f->parent, hops = 0; b >= 0 && hops < PCI_MAX_FUNCS; b = h->funcs[b].parent, hops++) {
		const struct pci_func *br = &h->funcs[b];

		if (br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE)
			rid = PCI_BDF(br->sec_bus, 0, 0);
		else if (br->pcie_type == PCI_EXP_TYPE_NONE && is_bridge(br))
			rid = br->bdf;
		else
			continue;
		*alias = (int8_t)b;
	}
	return rid;
}

/* Whether the device_ids of @a (own, requester ID, DMA) and @b's overlap. */
static bool ids_overlap(const struct pci_func *a, const struct pci_func *b)
{
	const uint16_t x[3] = { a->bdf, a->rid, a->rid_dma }, y[3] = { b->bdf, b->rid, b->rid_dma };

	for (unsigned i = 0; i < 3; i++)
		for (unsigned j = 0; j < 3; j++)
			if (x[i] == y[j])
				return true;
	return false;
}

void pci_groups(struct pci_host *h)
{
	static struct groups g;   /* about 270 bytes: off the (small) hypervisor stack; boot only */
	unsigned n = h->nr_funcs < PCI_MAX_FUNCS ? h->nr_funcs : PCI_MAX_FUNCS;

	g.h = h;
	h->rid_bus0_quirk = false;
	for (unsigned i = 0; i < n; i++) {
		const struct pci_func *f = &h->funcs[i];

		if (f->bdf == PCI_BDF(h->bus_start, 0, 0) && f->vendor == QEMU_VENDOR && f->device == QEMU_HOST_BRIDGE)
			h->rid_bus0_quirk = true;
	}
	for (unsigned i = 0; i < n; i++) {
		g.up[i] = (int8_t)i;
		g.domain_why[i] = -1;
		g.domain_via[i] = -1;
		h->funcs[i].group_why = PCI_GROUP_ALONE;
		h->funcs[i].group_via = -1;
	}
	mark_domains(&g);

	/* Every function joins its topmost domain ancestor. */
	for (unsigned i = 0; i < n; i++) {
		int top = -1;

		for (int b = h->funcs[i].parent, hops = 0; b >= 0 && hops < PCI_MAX_FUNCS;
		     b = h->funcs[b].parent, hops++)
			if (g.domain_why[b] >= 0)
				top = b;
		if (top >= 0)
			join(&g, (int)i, top, (unsigned)g.domain_why[top], g.domain_via[top]);
	}
	join_multifunction(&g);

	/* Requester IDs; below a bridge that takes over the requests the reason is the alias. */
	for (unsigned i = 0; i < n; i++) {
		struct pci_func *f = &h->funcs[i];

		f->rid = requester_id(h, f, &g.alias[i]);
		f->rid_dma = h->rid_bus0_quirk ? PCI_BDF(h->bus_start, PCI_DEV(f->rid), PCI_FN(f->rid)) : f->rid;
		if (g.alias[i] >= 0 && f->rid != f->bdf &&
		    (f->group_why == PCI_GROUP_ALONE || f->group_why == PCI_GROUP_BRIDGE)) {
			f->group_why = PCI_GROUP_ALIAS;
			f->group_via = g.alias[i];
		}
	}

	/* device_ids (own, aliased, QEMU's DMA ones) that coincide: the IOMMU sees one device. */
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++) {
			const struct pci_func *a = &h->funcs[i], *b = &h->funcs[j];

			if (ids_overlap(a, b))
				join(&g, (int)i, (int)j, PCI_GROUP_SAME_RID, (int)j);
		}

	for (unsigned i = 0; i < n; i++)
		h->funcs[i].group = (int8_t)find(&g, (int)i);
}
