/* SPDX-License-Identifier: MIT */
/*
 * PCI passthrough: enumerate the physical host bridge (ECAM), bring up the
 * IOMMU (platform device from the DT, or a PCI function of class 0x0806), give
 * each partition its functions (BARs mapped in its G-stage, a device context
 * with iohgatp = its G-stage and msiptp = its MSI page table), and emulate one
 * virtual PCIe host bridge per partition through the MMIO layer.
 * See docs/architecture.md "PCI passthrough".
 */
#include <stdio.h>
#include <string.h>

#include "csr.h"
#include "guest_layout.h"
#include "hv.h"
#include "imsic.h"
#include "iommu.h"
#include "pci.h"

#define PCI_EXP_DEVCAP 4           /* PCIe Device Capabilities, offset in the capability */
#define PCI_EXP_DEVCAP_FLR (1U << 28)
#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_FLR (1U << 15)
#define FLR_WAIT_MS 100            /* PCIe Base 6.0 §6.6.2: wait 100 ms after an FLR */

static struct pci_host host;
static int iommu_bdf = -1;
/* One 4 KiB MSI page table per partition (flat entries, one per vCPU) [IOMMU spec §2.3.3]. */
static uint64_t msi_tables[PV_MAX_PARTITIONS][512] __attribute__((aligned(4096)));

/* ---- physical configuration space (ECAM) [PCIe Base 6.0 §7.2.2] ---- */

static volatile uint32_t *ecam_ptr(uint16_t bdf, unsigned off)
{
	uint64_t rel = ((uint64_t)bdf << 12) - ((uint64_t)hv_plat.pcie.bus_start << 20);

	return (volatile uint32_t *)(uintptr_t)(hv_plat.pcie.ecam_base.v + rel + (off & 0xffc));
}

static bool ecam_ok(uint16_t bdf)
{
	return PCI_BUS(bdf) >= hv_plat.pcie.bus_start && PCI_BUS(bdf) <= hv_plat.pcie.bus_end;
}

static uint32_t ecam_read32(void *ctx, uint16_t bdf, unsigned off)
{
	(void)ctx;
	return ecam_ok(bdf) ? *ecam_ptr(bdf, off) : 0xffffffffu;
}

static void ecam_write32(void *ctx, uint16_t bdf, unsigned off, uint32_t val)
{
	(void)ctx;
	if (ecam_ok(bdf)) {
		__asm__ volatile("fence rw, o" ::: "memory");
		*ecam_ptr(bdf, off) = val;
	}
}

static const struct pci_cfg_ops ecam_ops = { ecam_read32, ecam_write32, NULL };

/* ---- the guest's virtual host bridge ---- */

static uint64_t ones(unsigned width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* The virtual function at ECAM offset @off of @p's window (bus 0, function 0 of slot i = i-th function), or NULL. */
static struct pci_vfunc *vpci_func(struct partition *p, uint64_t off, unsigned width)
{
	unsigned dev = (off >> 15) & 31, fn = (off >> 12) & 7;

	if (off >= MiB(1) || fn || dev >= p->nr_vpci || width > 4 || (off & (width - 1)))
		return NULL;
	return &p->vpci[dev];
}

static uint64_t vpci_read(void *ctx, uint64_t off, unsigned width)
{
	struct partition *p = ctx;
	struct pci_vfunc *v = vpci_func(p, off, width);
	uint32_t val;

	if (!v)
		return ones(width);  /* no function there: all ones [PCIe Base 6.0 §2.3.2] */
	spin_lock(&p->vpci_lock);
	val = pci_vcfg_read(v, &ecam_ops, off & 0xfff, width);
	spin_unlock(&p->vpci_lock);
	return val;
}

static void vpci_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct partition *p = ctx;
	struct pci_vfunc *v = vpci_func(p, off, width);

	if (!v)
		return;
	spin_lock(&p->vpci_lock);
	pci_vcfg_write(v, &ecam_ops, off & 0xfff, width, (uint32_t)val);
	spin_unlock(&p->vpci_lock);
}

/* ---- IOMMU discovery ---- */

static unsigned bits_for(unsigned v)
{
	unsigned b = 0;

	while (v >> b)
		b++;
	return b;
}

static bool any_pci_assigned(void)
{
	for (unsigned i = 0; i < hv_cfg.nr_parts; i++)
		if (hv_cfg.parts[i].nr_pci)
			return true;
	return false;
}

/* Find the IOMMU: the DT's "riscv,iommu" node, else a PCI function of class IOMMU. */
static int iommu_bringup(struct pv_diag *diag)
{
	static char name[40];
	struct iommu_desc d = { 0 };
	int boot = platform_hart_index(&hv_plat, hv_hartid);

	d.devid_bits = 8 + bits_for(hv_plat.pcie.present ? hv_plat.pcie.bus_end : 0);
	d.gstage_mode = IOMMU_IOHGATP_MODE_SV39X4;
	for (unsigned i = 0; i < hv_nr_parts; i++)
		if (hv_parts[i].cfg->nr_pci && hv_parts[i].gs.levels == 4)
			d.gstage_mode = IOMMU_IOHGATP_MODE_SV48X4;
	d.msi_target = imsic_s_file_hpa(&hv_plat.imsic, (unsigned)hv_plat.harts[boot].imsic_index);
	d.msi_id = IMSIC_HV_IOMMU_ID;
	d.pci_bdf = -1;
	if (hv_plat.iommu.present) {
		d.base = hv_plat.iommu.base;
		snprintf(name, sizeof(name), "iommu@%llx", (unsigned long long)d.base.v);
	} else {
		for (unsigned i = 0; i < host.nr_funcs; i++) {
			const struct pci_func *f = &host.funcs[i];

			if (f->hdr_type != 0 || (f->class_rev >> 16) != PCI_CLASS_IOMMU)
				continue;
			if (!f->bar[0].base.v || f->bar[0].size < IOMMU_REG_SIZE)
				return diag_set(diag, PV_EINVAL, "pci", NULL, "IOMMU " BDF_FMT " has no usable BAR0",
						BDF_ARGS(f->bdf));
			d.base = f->bar[0].base;
			d.pci_bdf = f->bdf;
			snprintf(name, sizeof(name), "pci iommu " BDF_FMT, BDF_ARGS(f->bdf));
			pci_enable(&ecam_ops, f->bdf);
			/* Its interrupts are MSI-X; the table is its msi_cfg_tbl. Enable, unmask the function. */
			if (f->cap_msix) {
				uint32_t mc = ecam_read32(NULL, f->bdf, f->cap_msix);

				mc |= (uint32_t)PCI_MSIX_FLAGS_ENABLE << 16;
				mc &= ~((uint32_t)PCI_MSIX_FLAGS_MASKALL << 16);
				ecam_write32(NULL, f->bdf, f->cap_msix, mc);
			}
			break;
		}
		if (!d.base.v)
			return 0;  /* no IOMMU */
	}
	d.name = name;
	iommu_bdf = d.pci_bdf;
	return iommu_init(&d, diag);
}

/* ---- assignment ---- */

/* Issue a Function Level Reset if @f supports it, then restore its BARs [PCIe Base 6.0 §6.6.2]. */
static void function_reset(const struct pci_func *f)
{
	uint64_t t0;

	if (!f->cap_exp || !(ecam_read32(NULL, f->bdf, f->cap_exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR))
		return;
	ecam_write32(NULL, f->bdf, f->cap_exp + PCI_EXP_DEVCTL,
		     (ecam_read32(NULL, f->bdf, f->cap_exp + PCI_EXP_DEVCTL) & 0xffff) | PCI_EXP_DEVCTL_FLR);
	t0 = csr_read(time);
	while (csr_read(time) - t0 < hv_plat.timebase_hz / 1000 * FLR_WAIT_MS)
		;
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *bar = &f->bar[b];
		uint64_t pci;

		if (!bar->size || (bar->flags & PCI_BAR_IO) || !bar->base.v)
			continue;
		pci = bar->base.v;  /* the windows are identity-mapped on the buses we support (checked at init) */
		ecam_write32(NULL, f->bdf, PCI_BAR0 + 4 * b,
			     (uint32_t)pci | (ecam_read32(NULL, f->bdf, PCI_BAR0 + 4 * b) & 0xf));
		if (bar->flags & PCI_BAR_64)
			ecam_write32(NULL, f->bdf, PCI_BAR0 + 4 * (b + 1), (uint32_t)(pci >> 32));
	}
}

/* Give partition @p its functions: G-stage BAR mappings, MSI page table, device contexts, virtual bridge. */
static int assign_partition(struct partition *p, struct pv_diag *diag)
{
	const struct pv_part_config *c = p->cfg;
	uint64_t *msipt = msi_tables[p->index];
	struct iommu_dc_params dp;
	int ret;

	memset(msipt, 0, PAGE_SIZE);
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		int h = platform_hart_index(&hv_plat, p->vcpus[k].hartid);

		msipt[2 * k] = iommu_msi_pte_flat(imsic_guest_file_hpa(&hv_plat.imsic,
			(unsigned)hv_plat.harts[h].imsic_index, p->vcpus[k].guest_file));
		msipt[2 * k + 1] = 0;
	}
	memset(&dp, 0, sizeof(dp));
	dp.gstage_root = hpa((uintptr_t)p->gs.root);
	dp.gstage_mode = p->gs.levels == 4 ? IOMMU_IOHGATP_MODE_SV48X4 : IOMMU_IOHGATP_MODE_SV39X4;
	dp.gscid = p->vmid;
	dp.msipt = hpa((uintptr_t)msipt);
	if ((ret = iommu_msi_window(gpa(GUEST_IMSIC_GPA), p->nr_vcpus, &dp.msi_addr_mask, &dp.msi_addr_pattern)) < 0)
		return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES, "no MSI window for %u vCPUs", p->nr_vcpus);

	/* The guest is told about the host bridge windows (identity-mapped): its RAM must stay clear of them. */
	for (const struct pv_pcie_window *w = &hv_plat.pcie.mem32; w <= &hv_plat.pcie.mem64; w++)
		if (w->size && c->mem_gpa.v < w->cpu_base.v + w->size && w->cpu_base.v < c->mem_gpa.v + c->mem_size)
			return diag_set(diag, PV_EEXIST, c->node_path, PV_PROP_PCI_DEVICES,
					"guest RAM 0x%llx-0x%llx overlaps the PCI window 0x%llx-0x%llx",
					(unsigned long long)c->mem_gpa.v, (unsigned long long)(c->mem_gpa.v + c->mem_size - 1),
					(unsigned long long)w->cpu_base.v,
					(unsigned long long)(w->cpu_base.v + w->size - 1));
	for (unsigned i = 0; i < c->nr_pci; i++) {
		const struct pci_func *f = &host.funcs[pci_find(&host, c->pci_bdf[i])];

		for (unsigned b = 0; b < 6; b++) {
			const struct pci_bar *bar = &f->bar[b];

			if (!bar->size || (bar->flags & PCI_BAR_IO))
				continue;
			if (!bar->base.v)
				return diag_set(diag, PV_ENOMEM, c->node_path, PV_PROP_PCI_DEVICES, "PCI function " BDF_FMT " BAR%u has no address", BDF_ARGS(f->bdf), b);
			ret = gstage_map(&p->gs, gpa(bar->base.v), bar->base, ALIGN_UP(bar->size, PAGE_SIZE), GS_R | GS_W);
			if (ret < 0)
				return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES,
						"PCI function " BDF_FMT " BAR%u at 0x%llx overlaps the partition's guest memory map",
						BDF_ARGS(f->bdf), b,
						(unsigned long long)bar->base.v);
		}
		pci_vfunc_init(&p->vpci[i], f);
		if ((ret = iommu_attach(f->bdf, &dp, c->name)) < 0)
			return diag_set(diag, -ret, c->node_path, PV_PROP_PCI_DEVICES, "device context for " BDF_FMT " not accepted", BDF_ARGS(f->bdf));
		pr("partvisor: pci " BDF_FMT " [%04x:%04x] -> partition %s as 00:%02x.0, DMA through G-stage (GSCID %u), "
		   "MSIs to %u guest interrupt files\n", BDF_ARGS(f->bdf), f->vendor, f->device, c->name, i, p->vmid, p->nr_vcpus);
	}
	p->nr_vpci = c->nr_pci;
	return partition_add_mmio(p, &(struct mmio_region){ gpa(GUEST_PCIE_ECAM_GPA), MiB(1), vpci_read, vpci_write, p });
}

int passthrough_init(struct pv_diag *diag)
{
	bool need = any_pci_assigned();
	int ret;

	if (hv_plat.pcie.present) {
		host.bus_start = hv_plat.pcie.bus_start;
		host.bus_end = hv_plat.pcie.bus_end;
		host.mem32 = hv_plat.pcie.mem32;
		host.mem64 = hv_plat.pcie.mem64;
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

			pr("partvisor: pci " BDF_FMT " [%04x:%04x] class %06x%s\n", BDF_ARGS(f->bdf), f->vendor,
			   f->device, f->class_rev >> 8, f->hdr_type == 1 ? " (bridge)" : "");
		}
	} else if (need) {
		for (unsigned i = 0; i < hv_cfg.nr_parts; i++)
			if (hv_cfg.parts[i].nr_pci)
				return diag_set(diag, PV_ENOENT, hv_cfg.parts[i].node_path, PV_PROP_PCI_DEVICES,
						"the machine has no PCIe host bridge (pci-host-ecam-generic)");
	}
	if ((ret = iommu_bringup(diag)) < 0)
		return ret;
	if (need && !iommu_present()) {
		for (unsigned i = 0; i < hv_cfg.nr_parts; i++)
			if (hv_cfg.parts[i].nr_pci)
				return diag_set(diag, PV_ENOENT, hv_cfg.parts[i].node_path, PV_PROP_PCI_DEVICES,
						"the machine has no RISC-V IOMMU: devices cannot be confined to a partition");
	}
	if ((ret = pci_check_assignments(&host, &hv_cfg, iommu_bdf, diag)) < 0)
		return ret;
	for (unsigned i = 0; i < hv_nr_parts; i++)
		if (hv_parts[i].cfg->nr_pci && (ret = assign_partition(&hv_parts[i], diag)) < 0)
			return ret;
	return 0;
}

void passthrough_partition_start(struct partition *p)
{
	for (unsigned i = 0; i < p->nr_vpci; i++) {
		const struct pci_func *f = p->vpci[i].f;

		if (p->boots)
			function_reset(f);  /* a reboot: reset what can be reset */
		pci_vfunc_init(&p->vpci[i], f);
		/*
		 * Memory Space on, Bus Master off: the guest's driver turns Bus Master on once it has
		 * set the device up (Linux: pci_set_master), so a device that kept state from a previous
		 * run (no FLR) cannot DMA into the freshly loaded images before that.
		 */
		pci_set_command(&ecam_ops, f->bdf, PCI_CMD_MEM | PCI_CMD_INTX_DISABLE, PCI_CMD_MASTER | PCI_CMD_IO);
		iommu_fault_reports_reset(f->bdf);
	}
}

void passthrough_partition_stop(struct partition *p)
{
	/* Stop its DMA and MSIs (MSIs are memory writes too: Bus Master). */
	for (unsigned i = 0; i < p->nr_vpci; i++)
		pci_set_command(&ecam_ops, p->vpci[i].f->bdf, 0, PCI_CMD_MASTER | PCI_CMD_MEM);
}

int passthrough_msi_address(struct partition *p, unsigned vcpu, uint32_t id, gpa_t *addr)
{
	if (vcpu >= p->nr_vcpus || id == 0 || id > hv_plat.imsic.num_ids)
		return -PV_EINVAL;
	*addr = gpa(GUEST_IMSIC_GPA + (uint64_t)vcpu * PAGE_SIZE);
	return 0;
}
