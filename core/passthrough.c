/* SPDX-License-Identifier: MIT */
/*
 * PCI passthrough: enumerate the physical host bridge (ECAM), bring up the
 * IOMMU (platform device from the DT, or a PCI function of class 0x0806), give
 * each partition its functions (BARs mapped in its G-stage, a device context
 * with iohgatp = its G-stage and msiptp = its own MSI page table; without
 * MSI_FLAT, iohgatp = a second stage of its own that shares the partition's
 * tables but maps only the guest IMSIC pages it may reach), and emulate one
 * virtual PCIe host bridge per partition through the MMIO layer.
 * See docs/architecture.md "PCI passthrough".
 */
#include <stdio.h>
#include <string.h>

#include "core/assign.h"
#include "core/guest_layout.h"
#include "core/irq.h"
#include "core/passthrough.h"
#include "drivers/imsic/imsic.h"
#include "drivers/iommu/iommu.h"
#include "drivers/pci/pci.h"
#include "lib/log.h"

_Static_assert(PV_MAX_PCI <= VPCI_MAX_FUNCS, "a partition's functions fit its virtual host bridge");

static const struct pv_platform *plat;
static struct pci_host host;
static struct pci_ecam ecam;
static struct pci_cfg_ops ecam_ops;
static int iommu_bdf = -1;
/* With MSI_FLAT: one 4 KiB MSI page table per assigned function (flat entries, one per vCPU) [IOMMU spec §2.3.3]. */
static uint64_t msi_tables[PV_MAX_PARTITIONS][PV_MAX_PCI][512] __attribute__((aligned(4096)));
/*
 * Without MSI_FLAT: one second stage per assigned function, sharing the partition's
 * G-stage subtables except for the guest IMSIC pages, of which it maps only those
 * the function may reach (gstage_clone_window) [IOMMU spec §2.1.3 iohgatp].
 */
static struct gstage dev_gs[PV_MAX_PARTITIONS][PV_MAX_PCI];
/* GSCIDs of those per-function second stages: above every partition's VMID (1 .. PV_MAX_PARTITIONS). */
#define DEV_GSCID_BASE (PV_MAX_PARTITIONS + 1)

/* ---- IOMMU discovery ---- */

static unsigned bits_for(unsigned v)
{
	unsigned b = 0;

	while (v >> b)
		b++;
	return b;
}

/* The first of the @nr partitions @parts that is assigned PCI functions, or NULL. */
static const struct partition *first_with_pci(const struct partition *parts, unsigned nr)
{
	for (unsigned i = 0; i < nr; i++)
		if (parts[i].cfg->nr_pci)
			return &parts[i];
	return NULL;
}

/* The IOMMU's fault-queue interrupt (IRQ_ID_IOMMU); true while records are left. */
static bool iommu_irq(void *ctx)
{
	(void)ctx;
	return iommu_handle_irq();
}

static struct partition *all_parts;
static unsigned nr_all_parts;

/*
 * The IOMMU quarantined @devid (it kept faulting): Bus Master off at the source.
 * If a partition owns it, its guest cannot turn Bus Master on again until the
 * partition restarts; a function nobody owns is simply turned off.
 */
static void quarantine(uint32_t devid, void *ctx)
{
	(void)ctx;
	for (unsigned i = 0; i < nr_all_parts; i++) {
		struct partition *p = &all_parts[i];

		bool found = false;

		/* @devid may be a requester ID several functions share (an alias): stop all of them. */
		for (unsigned k = 0; k < p->vpci.nr; k++) {
			const struct pci_func *f = p->vpci.funcs[k].f;

			if (f->bdf != devid && f->rid != devid && f->rid_dma != devid)
				continue;
			spin_lock(&p->vpci_lock);
			p->vpci.funcs[k].quarantined = true;
			pci_set_command(&ecam_ops, f->bdf, 0, PCI_CMD_MASTER);
			spin_unlock(&p->vpci_lock);
			found = true;
		}
		if (found)
			return;
	}
	if (devid <= 0xffff && pci_find(&host, (uint16_t)devid) >= 0)
		pci_set_command(&ecam_ops, (uint16_t)devid, 0, PCI_CMD_MASTER);
}

/* Bits needed to address @v (the highest address + 1 of something a device must reach). */
static unsigned addr_bits(uint64_t v)
{
	unsigned b = 0;

	while (b < 64 && (v - 1) >> b)
		b++;
	return b;
}

void passthrough_early(const struct pv_platform *pl)
{
	if (pl->iommu.present && iommu_off(pl->iommu.base, pl->timebase_hz) < 0)
		pr("partvisor: iommu@%llx does not turn Off\n", (ull)pl->iommu.base.v);
}

/* Bring up the IOMMU: the DT's "riscv,iommu" node, else a PCI function of class IOMMU. Its fault interrupt goes to @boot_hart. */
static int iommu_bringup(struct partition *parts, unsigned nr, unsigned boot_hart, struct pv_diag *diag)
{
	static char name[40];
	struct iommu_desc d = { 0 };
	int ret;

	d.devid_bits = 8 + bits_for(plat->pcie.present ? plat->pcie.bus_end : 0);
	d.gstage_mode = HGATP_MODE_SV39X4;
	for (unsigned i = 0; i < nr; i++)
		if (parts[i].cfg->nr_pci && parts[i].gs.levels == 4)
			d.gstage_mode = HGATP_MODE_SV48X4;
	d.msi_target = imsic_s_file_hpa(&plat->imsic, (unsigned)plat->harts[boot_hart].imsic_index);
	d.msi_id = IRQ_ID_IOMMU;
	d.timebase_hz = plat->timebase_hz;
	d.quarantine = quarantine;
	/* The physical addresses a device may reach: RAM, the IMSIC files, the PCI windows. */
	{
		uint64_t top = plat->imsic.end.v;

		for (unsigned i = 0; i < plat->nr_mem; i++)
			if (plat->mem[i].base.v + plat->mem[i].size > top)
				top = plat->mem[i].base.v + plat->mem[i].size;
		if (plat->pcie.mem64.size && plat->pcie.mem64.cpu_base.v + plat->pcie.mem64.size > top)
			top = plat->pcie.mem64.cpu_base.v + plat->pcie.mem64.size;
		d.pa_bits = addr_bits(top);
	}
	d.pci_bdf = -1;
	d.name = name;
	if (plat->iommu.present) {
		d.base = plat->iommu.base;
		snprintf(name, sizeof(name), "iommu@%llx", (ull)d.base.v);
	} else if ((ret = iommu_pci_find(&host, &ecam_ops, &d, name, sizeof(name), diag)) <= 0) {
		return ret;  /* no IOMMU (0), or an unusable one */
	}
	iommu_bdf = d.pci_bdf;
	if ((ret = iommu_init(&d, diag)) < 0)
		return ret;
	return irq_register(IRQ_ID_IOMMU, iommu_irq, NULL);
}

/* ---- assignment ---- */

/* GSCID of function @i of partition @p's device context: the partition's VMID, or its own second stage's. */
static uint16_t dev_gscid(const struct partition *p, unsigned i)
{
	return p->msi.mode == VMSI_GSTAGE ? (uint16_t)(DEV_GSCID_BASE + p->index * PV_MAX_PCI + i) : p->vmid;
}

/* vmsi sync callback: function @dev of partition @ctx changed what it may reach; flush the IOMMU's caches of it. */
static int msi_sync(void *ctx, unsigned dev)
{
	struct partition *p = ctx;

	return iommu_inval_gscid(dev_gscid(p, dev));
}

/* Whether an earlier function (before index @i) of partition config @c has device_id @id (own, requester ID or DMA). */
static bool id_taken(const struct pv_part_config *c, unsigned i, uint16_t id)
{
	for (unsigned k = 0; k < i; k++) {
		const struct pci_func *e = &host.funcs[pci_find(&host, c->pci_bdf[k])];

		if (e->bdf == id || e->rid == id || e->rid_dma == id)
			return true;
	}
	return false;
}

/* Map every memory BAR of partition @p's functions into its G-stage, at their host addresses. */
static int map_bars(struct partition *p, struct pv_diag *diag)
{
	const struct pv_part_config *c = p->cfg;

	for (unsigned i = 0; i < c->nr_pci; i++) {
		const struct pci_func *f = &host.funcs[pci_find(&host, c->pci_bdf[i])];

		for (unsigned b = 0; b < 6; b++) {
			const struct pci_bar *bar = &f->bar[b];
			int ret;

			if (!bar->size || (bar->flags & PCI_BAR_IO))
				continue;
			if (!bar->base.v)
				return diag_set(diag, PV_ENOMEM, c->node_path, PV_PROP_PCI_DEVICES, "PCI function " BDF_FMT " BAR%u has no address", BDF_ARGS(f->bdf), b);
			ret = gstage_map(&p->gs, gpa(bar->base.v), bar->base, ALIGN_UP(bar->size, PAGE_SIZE), GS_R | GS_W);
			if (ret < 0)
				return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " BAR%u at 0x%llx overlaps the partition's guest memory map",
						BDF_ARGS(f->bdf), b,
						(ull)bar->base.v);
		}
	}
	return 0;
}

/*
 * Give partition @p its functions: G-stage BAR mappings, per-function MSI isolation (an
 * MSI page table with MSI_FLAT, else a second stage of its own), device contexts, virtual bridge.
 */
static int assign_partition(struct partition *p, struct pv_diag *diag)
{
	const struct pv_part_config *c = p->cfg;
	struct vmsi *m = &p->msi;
	struct iommu_dc_params dp;
	bool flat = iommu_msi_flat();
	int ret;

	m->policy = c->msi_policy;
	m->mode = flat ? VMSI_FLAT : VMSI_GSTAGE;
	m->nr_vcpus = p->nr_vcpus;
	m->nr_ids = p->guest_ids;
	m->nr_devs = c->nr_pci;
	m->sync = msi_sync;
	m->sync_ctx = p;
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		int h = platform_hart_index(plat, p->vcpus[k].hartid);
		hpa_t file = imsic_guest_file_hpa(&plat->imsic, (unsigned)plat->harts[h].imsic_index,
						  p->vcpus[k].guest_file);

		/* The entry that opens vCPU k's file: a flat MSI PTE, or the G-stage leaf of its guest IMSIC page. */
		m->pte[k] = flat ? iommu_msi_pte_flat(file) : gstage_leaf_pte(file, GS_R | GS_W);
	}
	memset(&dp, 0, sizeof(dp));
	dp.gstage_mode = p->gs.levels == 4 ? HGATP_MODE_SV48X4 : HGATP_MODE_SV39X4;
	if (flat && (ret = iommu_msi_window(gpa(GUEST_IMSIC_GPA), p->nr_vcpus, &dp.msi_addr_mask, &dp.msi_addr_pattern)) < 0)
		return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES, "no MSI window for %u vCPUs", p->nr_vcpus);

	/* The guest is told about the host bridge windows (identity-mapped): its RAM must stay clear of them. */
	for (const struct pci_window *w = &plat->pcie.mem32; w <= &plat->pcie.mem64; w++)
		if (w->size && c->mem_gpa.v < w->cpu_base.v + w->size && w->cpu_base.v < c->mem_gpa.v + c->mem_size)
			return diag_set(diag, PV_EEXIST, c->node_path, PV_PROP_PCI_DEVICES,
					"guest RAM 0x%llx-0x%llx overlaps the PCI window 0x%llx-0x%llx",
					(ull)c->mem_gpa.v, (ull)(c->mem_gpa.v + c->mem_size - 1),
					(ull)w->cpu_base.v,
					(ull)(w->cpu_base.v + w->size - 1));
	/* Every BAR first: the per-function second stages share the partition's tables as they are then. */
	if ((ret = map_bars(p, diag)) < 0)
		return ret;
	for (unsigned i = 0; i < c->nr_pci; i++) {
		struct vmsi_dev *d = &m->devs[i];

		if (flat) {
			d->table = msi_tables[p->index][i];
			d->stride = 2;
			continue;
		}
		ret = gstage_clone_window(&dev_gs[p->index][i], &p->gs, gpa(GUEST_IMSIC_GPA),
					  (uint64_t)p->nr_vcpus * PAGE_SIZE, &d->table);
		if (ret < 0)
			return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES,
					"no second stage for PCI function " BDF_FMT " (%s)", BDF_ARGS(c->pci_bdf[i]),
					ret == -PV_ENOMEM ? "out of table pages" : "guest IMSIC pages not separable");
		d->stride = 1;
	}
	vmsi_reset(m);  /* before any device context is valid */
	for (unsigned i = 0; i < c->nr_pci; i++) {
		const struct pci_func *f = &host.funcs[pci_find(&host, c->pci_bdf[i])];

		vpci_func_init(&p->vpci.funcs[i], f);
		dp.gscid = dev_gscid(p, i);
		dp.gstage_root = hpa_of(flat ? p->gs.root : dev_gs[p->index][i].root);
		dp.msipt = flat ? hpa_of(m->devs[i].table) : hpa(0);
		if ((ret = iommu_attach(f->bdf, &dp, c->name)) < 0)
			return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES, "device context for " BDF_FMT " not accepted", BDF_ARGS(f->bdf));
		/*
		 * The other device_ids its DMA and MSIs reach the IOMMU with (a bridge's alias; QEMU's
		 * bus-0 DMA device_ids): the same context. The first function of the partition with such
		 * an ID owns it (its MSI page table); its whole group is this partition's
		 * (assign_check_groups()), so no other partition's function shares it.
		 */
		for (unsigned k = 0; k < 2; k++) {
			uint16_t id = k ? f->rid_dma : f->rid;

			if (id == f->bdf || (k && id == f->rid) || id_taken(c, i, id))
				continue;
			if ((ret = iommu_attach(id, &dp, c->name)) < 0)
				return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES,
						"device context for requester ID " BDF_FMT " of " BDF_FMT " not accepted",
						BDF_ARGS(id), BDF_ARGS(f->bdf));
			pr("partvisor: pci " BDF_FMT " %s " BDF_FMT "%s: that device_id gets its device context\n",
			   BDF_ARGS(f->bdf), k ? "DMA is seen as device_id" : "requests carry requester ID", BDF_ARGS(id),
			   k ? " (QEMU)" : " (a bridge's alias)");
		}
		pr("partvisor: pci " BDF_FMT " [%04x:%04x] -> partition %s as 00:%02x.0, DMA through G-stage (GSCID %u), "
		   "MSIs through %s, policy %s (%s)\n", BDF_ARGS(f->bdf), f->vendor, f->device, c->name, i, dp.gscid,
		   flat ? "its own MSI page table" : "its own second stage (no MSI_FLAT)",
		   m->policy == PV_MSI_COMPOSED ? "composed" : "open",
		   m->policy == PV_MSI_COMPOSED ? "no interrupt file until MSI_COMPOSE" : "every vCPU's interrupt file");
	}
	p->vpci.nr = c->nr_pci;
	p->vpci.ops = &ecam_ops;
	p->vpci.lock = &p->vpci_lock;
	return mmio_add(&p->mmio, &(struct mmio_region){ gpa(GUEST_PCIE_ECAM_GPA), MiB(1), vpci_ecam_read,
							 vpci_ecam_write, &p->vpci });
}

/* Stop boot for the first partition with PCI functions: @why. */
static int refuse(const struct partition *p, int err, const char *why, struct pv_diag *diag)
{
	return diag_set(diag, err, p->cfg->node_path, PV_PROP_PCI_DEVICES, "%s", why);
}

int passthrough_init(const struct pv_platform *pl, struct partition *parts, unsigned nr, unsigned boot_hart_index,
		     struct pv_diag *diag)
{
	const struct partition *need = first_with_pci(parts, nr);
	int ret;

	plat = pl;
	all_parts = parts;
	nr_all_parts = nr;
	if (plat->pcie.present) {
		ecam = (struct pci_ecam){ plat->pcie.ecam_base, plat->pcie.bus_start, plat->pcie.bus_end };
		ecam_ops = pci_ecam_ops(&ecam);
		host.bus_start = plat->pcie.bus_start;
		host.bus_end = plat->pcie.bus_end;
		host.mem32 = plat->pcie.mem32;
		host.mem64 = plat->pcie.mem64;
		/* Guests see BARs at their host addresses: the windows must be identity-mapped. */
		if ((host.mem32.size && host.mem32.cpu_base.v != host.mem32.pci_base) ||
		    (host.mem64.size && host.mem64.cpu_base.v != host.mem64.pci_base)) {
			if (need)
				return diag_set(diag, PV_EINVAL, "pci", "ranges",
						"host bridge windows translate addresses; not supported");
			host.mem32.size = host.mem64.size = 0;
		}
		if ((ret = pci_enumerate(&host, &ecam_ops, diag)) < 0)
			return ret;
		for (unsigned i = 0; i < host.nr_funcs; i++) {
			const struct pci_func *f = &host.funcs[i];

			char sec[24] = "";

			if (f->hdr_type == PCI_HDR_BRIDGE)
				snprintf(sec, sizeof(sec), " secondary bus %02x", f->sec_bus);
			pr("partvisor: pci " BDF_FMT " [%04x:%04x] class %06x%s%s%s, requester ID " BDF_FMT " (DMA " BDF_FMT "), group " BDF_FMT "\n",
			   BDF_ARGS(f->bdf), f->vendor, f->device, f->class_rev >> 8, f->hdr_type == 1 ? " (bridge)" : "",
			   f->acs_cap ? " ACS" : "", sec, BDF_ARGS(f->rid), BDF_ARGS(f->rid_dma),
			   BDF_ARGS(host.funcs[f->group].bdf));
		}
		if (host.rid_bus0_quirk)
			pr("partvisor: pci: QEMU host bridge: its IOMMU sees DMA from behind bridges on bus 0\n");
	} else if (need) {
		return refuse(need, PV_ENOENT, "the machine has no PCIe host bridge (pci-host-ecam-generic)", diag);
	}
	if ((ret = iommu_bringup(parts, nr, boot_hart_index, diag)) < 0)
		return ret;
	if (need && !iommu_present())
		return refuse(need, PV_ENOENT, "the machine has no RISC-V IOMMU: devices cannot be confined to a partition",
			      diag);
	{
		const struct pv_part_config *cfgs[PV_MAX_PARTITIONS];

		for (unsigned i = 0; i < nr && i < PV_MAX_PARTITIONS; i++) {
			cfgs[i] = parts[i].cfg;
			if ((ret = assign_check_partition(&host, parts[i].cfg, iommu_bdf, diag)) < 0)
				return ret;
		}
		if ((ret = assign_check_groups(&host, cfgs, nr < PV_MAX_PARTITIONS ? nr : PV_MAX_PARTITIONS, diag)) < 0)
			return ret;
	}
	for (unsigned i = 0; i < nr; i++)
		if (parts[i].cfg->nr_pci && (ret = assign_partition(&parts[i], diag)) < 0)
			return ret;
	return 0;
}

void passthrough_partition_start(struct partition *p)
{
	vmsi_reset(&p->msi);  /* before any function may send an MSI (Bus Master is off) */
	for (unsigned i = 0; i < p->vpci.nr; i++)
		if (i == 0 || p->msi.mode == VMSI_GSTAGE)
			iommu_inval_gscid(dev_gscid(p, i));
	for (unsigned i = 0; i < p->vpci.nr; i++) {
		const struct pci_func *f = p->vpci.funcs[i].f;

		if (p->boots)
			pci_flr(&ecam_ops, f, plat->timebase_hz / 1000);  /* a reboot: reset what can be reset */
		vpci_func_init(&p->vpci.funcs[i], f);
		/*
		 * Memory Space on, Bus Master off: the guest's driver turns Bus Master on once it has
		 * set the device up (Linux: pci_set_master), so a device that kept state from a previous
		 * run (no FLR) cannot DMA into the freshly loaded images before that.
		 */
		pci_set_command(&ecam_ops, f->bdf, PCI_CMD_MEM | PCI_CMD_INTX_DISABLE, PCI_CMD_MASTER | PCI_CMD_IO);
		iommu_unquarantine(f->bdf);  /* a fresh start for the device, not for its report budget */
		if (f->rid != f->bdf)
			iommu_unquarantine(f->rid);
		if (f->rid_dma != f->bdf && f->rid_dma != f->rid)
			iommu_unquarantine(f->rid_dma);
	}
}

void passthrough_partition_stop(struct partition *p)
{
	/*
	 * Stop its DMA and MSIs (MSIs are memory writes too: Bus Master), turn MSI and MSI-X
	 * off (a device without FLR keeps them otherwise), then wait for DMA already on its
	 * way, so nothing lands in the partition's RAM after this (it is cleared next).
	 */
	for (unsigned i = 0; i < p->vpci.nr; i++) {
		const struct pci_func *f = p->vpci.funcs[i].f;

		pci_set_command(&ecam_ops, f->bdf, 0, PCI_CMD_MASTER | PCI_CMD_MEM);
		pci_msi_disable(&ecam_ops, f);
	}
	if (p->vpci.nr && iommu_fence_dma() < 0)
		pr("partvisor: partition %s: the IOMMU did not confirm that its DMA is complete\n", p->cfg->name);
}
