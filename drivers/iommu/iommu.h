/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU driver (drivers/iommu/iommu.c): the hypervisor owns the IOMMU,
 * gives each assigned PCI function a device context that translates its DMA
 * with a G-stage table and, with MSI_FLAT, its MSIs with its own MSI page table,
 * and reports faults [RISC-V IOMMU spec v1.0.1].
 * Encoding of the in-memory structures is in iommu_hw.h (pure); register fields in iommu_bits.h.
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
	uint64_t gstage_mode;  /**< G-stage mode the partitions use (HGATP_MODE_SV39X4/SV48X4) */
	hpa_t msi_target;      /**< S-level interrupt file that receives fault-queue interrupts */
	uint32_t msi_id;       /**< interrupt identity used there */
	uint64_t timebase_hz;  /**< time CSR ticks per second (for command and register timeouts) */
	unsigned pa_bits;      /**< physical address bits the IOMMU must handle (0: 56) */
	/** Called (fault-interrupt context) when a device is quarantined, to stop it at the source (Bus Master off). */
	void (*quarantine)(uint32_t devid, void *ctx);
	void *quarantine_ctx;
};

/**
 * Switch the IOMMU at @base to Off (ddtp.iommu_mode = Off, PPN kept, waiting for
 * busy to clear) so that no DMA passes untranslated, as an earlier boot stage may
 * have left it Bare [spec §5.3, "Guidelines for initialization"]. Call as early as
 * possible at boot; iommu_init() does it again. Returns 0 or -PV_EINVAL if it stays busy.
 */
int iommu_off(hpa_t base, uint64_t timebase_hz);

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
 * Whether the IOMMU translates MSIs through MSI page tables (capabilities.MSI_FLAT,
 * extended device contexts) [spec §2.3.3]. false: no msiptp, an MSI is an ordinary
 * write translated by the device's second stage (iohgatp), and iommu_attach() must
 * be given no MSI page table. false also when there is no IOMMU.
 */
bool iommu_msi_flat(void);

/**
 * Make device_id @devid translate through a valid device context built from @p
 * [spec §2.1.3] and invalidate what the IOMMU may have cached for it and for
 * @p->gscid (IODIR.INVAL_DDT, IOTINVAL.VMA, IOTINVAL.GVMA, then IOFENCE.C).
 * @owner names the partition in fault reports.
 * Returns 0 or a negative PV_E* code (bad parameters, a G-stage mode the IOMMU
 * lacks, directory pages exhausted, command queue error) with the reason printed.
 */
int iommu_attach(uint32_t devid, const struct iommu_dc_params *p, const char *owner);

/**
 * Invalidate everything the IOMMU caches for guest soft-context @gscid: G-stage
 * and MSI page-table entries (IOTINVAL.GVMA, then IOFENCE.C) [spec §3.1.1].
 * Returns 0 or a PV_E* code.
 */
int iommu_inval_gscid(uint16_t gscid);

/**
 * Wait until every DMA request the IOMMU received so far is complete
 * (IOFENCE.C with PR = PW = 1) [spec §3.1.2]. Returns 0 or a PV_E* code.
 */
int iommu_fence_dma(void);

/**
 * Give @devid its attached device context back if it was quarantined, and start
 * counting its faults afresh (its partition restarted). Its report budget is not
 * refilled: a partition cannot reset that by rebooting. Returns 0 or a PV_E* code.
 */
int iommu_unquarantine(uint32_t devid);

/**
 * Fault-queue interrupt: handle at most 64 records, each reported decoded
 * (partition, device, cause, transaction type, address) within its device's
 * budget (16, then one per second, kept across reboots); a device with 512
 * faults within one second is quarantined (blocking context with DTF, then the quarantine
 * callback); overflow and memory faults are reported (rate-limited) and
 * cleared. Returns true if records are left: the caller should pause this
 * interrupt for a while instead of taking it again at once.
 */
bool iommu_handle_irq(void);

#endif
