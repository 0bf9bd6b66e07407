/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU driver (drivers/iommu/iommu.c): the hypervisor owns the IOMMU,
 * gives each assigned PCI function a device context that translates its DMA
 * with its partition's G-stage table and its MSIs with the partition's MSI
 * page table, and reports faults [RISC-V IOMMU spec v1.0.1].
 * Encoding of the in-memory structures is in include/iommu_hw.h (pure).
 */
#ifndef PV_IOMMU_H
#define PV_IOMMU_H

#include "lib/diag.h"
#include "drivers/iommu/iommu_hw.h"
#include "types.h"

/** Where the IOMMU is: a platform device from the DT, or a PCI function. */
struct iommu_desc {
	hpa_t base;            /**< register page (4 KiB) */
	int pci_bdf;           /**< PCI function of the IOMMU (-1: platform device) */
	const char *name;      /**< for messages: DT node path or "pci bb:dd.f" */
	unsigned devid_bits;   /**< width of the device_ids it must translate (PCI: 8 + bus bits) */
	uint64_t gstage_mode;  /**< G-stage mode the partitions use (IOMMU_IOHGATP_MODE_SV39X4/SV48X4) */
	hpa_t msi_target;      /**< S-level interrupt file that receives fault-queue interrupts */
	uint32_t msi_id;       /**< interrupt identity used there */
	uint64_t timebase_hz;  /**< time CSR ticks per second (for command and register timeouts) */
};

struct pci_host;
struct pci_cfg_ops;

/**
 * Look for an IOMMU among the functions @h enumerated (class 0x0806, type 0
 * header): if there is one, fill @d->base (its BAR0), @d->pci_bdf and @d->name
 * (written into @name of @len bytes), enable its Memory Space, Bus Master and
 * MSI-X (its interrupts). Returns 1 if found, 0 if there is none, or -PV_EINVAL
 * with @diag set if the function has no usable BAR0.
 */
int iommu_pci_find(const struct pci_host *h, const struct pci_cfg_ops *ops, struct iommu_desc *d, char *name,
		   unsigned len, struct pv_diag *diag);

/**
 * Bring the IOMMU up [spec "Guidelines for initialization"]: check capabilities,
 * select MSI interrupt generation, program the fault-queue vector to
 * @d->msi_target/@d->msi_id, enable the command queue and the fault queue (with
 * interrupts), and switch the device directory on with every device context
 * invalid, so all DMA and MSIs from every device fault until a device is attached.
 * Returns 0 or a negative PV_E* code with @diag naming the IOMMU and the reason.
 */
int iommu_init(const struct iommu_desc *d, struct pv_diag *diag);

/** Whether iommu_init() succeeded. */
bool iommu_present(void);

/**
 * Make device_id @devid translate through a valid device context built from @p
 * [spec §2.1.3] and invalidate what the IOMMU may have cached for it and for
 * @p->gscid (IODIR.INVAL_DDT, IOTINVAL.VMA, IOTINVAL.GVMA, then IOFENCE.C).
 * @owner names the partition in fault reports.
 * Returns 0 or a negative PV_E* code (bad parameters, a G-stage mode the IOMMU
 * lacks, directory pages exhausted, command queue error) with the reason printed.
 */
int iommu_attach(uint32_t devid, const struct iommu_dc_params *p, const char *owner);

/** Start counting fault reports of @devid afresh (its partition restarted): the per-device report limit applies per boot. */
void iommu_fault_reports_reset(uint32_t devid);

/**
 * Fault-queue interrupt: drain the fault queue (at most one queue's worth per call) and print each record once,
 * decoded (partition, device, cause, transaction type, address); report and
 * clear fault-queue overflow or memory faults. Safe to call when nothing is pending.
 */
void iommu_handle_irq(void);

#endif
