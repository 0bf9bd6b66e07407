/* SPDX-License-Identifier: MIT */
/*
 * Host platform description, discovered from the device tree OpenSBI passes
 * to the hypervisor (libfdt only). Pure logic: no CSR or MMIO access, so it is
 * also built for the host and unit-tested there.
 */
#ifndef PV_PLATFORM_H
#define PV_PLATFORM_H

#include "drivers/imsic/imsic.h"
#include "drivers/pci/pci_regs.h"
#include "lib/diag.h"
#include "types.h"

#define PV_MAX_HARTS     16  /**< physical harts the hypervisor can manage */
#define PV_MAX_MEM        8  /**< /memory ranges */
#define PV_MAX_RESERVED  16  /**< /reserved-memory regions */
#define PV_MAX_MMIO      64  /**< device register windows (reg of non-memory nodes) */

/** One physical hart as described by a /cpus/cpu@N node. */
struct pv_hart_info {
	uint32_t hartid;      /**< hart id: the cpu node's `reg` (what SBI HSM takes) */
	int imsic_index;      /**< hart index inside the S-level IMSIC (order of interrupts-extended), -1 if none */
	int fdt_node;         /**< offset of the cpu node in the host FDT */
	bool has_h;           /**< H extension (required) */
	bool has_sstc;        /**< Sstc: stimecmp/vstimecmp (required) */
	bool has_ssaia;       /**< Ssaia/Smaia (S-level AIA CSRs) */
	bool has_smstateen;   /**< Smstateen: hstateen0 exists */
	bool has_svpbmt;      /**< Svpbmt: henvcfg.PBMTE may be set */
	bool has_zicbom;      /**< Zicbom: henvcfg.CBIE/CBCFE */
	bool has_zicboz;      /**< Zicboz: henvcfg.CBZE */
	uint32_t cboz_block;  /**< Zicboz cache-block size in bytes (riscv,cboz-block-size: a power of two, 8..4096), 0 = none or malformed */
	bool has_v;           /**< V extension */
	bool has_f;           /**< F/D extensions */
};


/** A device register window found in the host device tree. */
struct pv_mmio {
	struct hpa_range r;
	char node[64];              /**< node name, for messages */
};


/** What the hypervisor knows about the machine. */
struct pv_platform {
	unsigned nr_harts;
	struct pv_hart_info harts[PV_MAX_HARTS];
	unsigned nr_mem;
	struct hpa_range mem[PV_MAX_MEM];           /**< /memory `reg` ranges */
	unsigned nr_reserved;
	struct hpa_range reserved[PV_MAX_RESERVED]; /**< /reserved-memory children and /memreserve/ entries */
	char reserved_name[PV_MAX_RESERVED][48];
	unsigned nr_mmio;
	struct pv_mmio mmio[PV_MAX_MMIO];
	uint64_t timebase_hz;                       /**< /cpus timebase-frequency */
	bool has_imsic;
	struct imsic_geom imsic;
	struct {
		bool present;
		hpa_t base;
		uint64_t size;
		int fdt_node;
	} iommu;                                    /**< platform ("riscv,iommu") IOMMU, recorded for the IOMMU driver */
	struct {
		bool present;
		hpa_t ecam_base;
		uint64_t ecam_size;
		uint32_t bus_start, bus_end;
		struct pci_window mem32;        /**< first 32-bit memory window of `ranges` */
		struct pci_window mem64;        /**< first 64-bit memory window of `ranges` */
		int fdt_node;
	} pcie;                                     /**< "pci-host-ecam-generic" host bridge, recorded for PCI passthrough */
	struct {
		bool present;
		hpa_t uart;                 /**< the stdout-path 16550 */
		uint32_t reg_shift, io_width;
		uint32_t source;            /**< its wired interrupt: APLIC source number */
		bool level;                 /**< level-high (else rising edge) */
		hpa_t aplic;                /**< the APLIC domain (MSI mode) the source goes to */
		uint64_t aplic_size;
	} con_irq;                                  /**< the physical console's receive interrupt, if it can be used */
};

/**
 * Fill @plat from the host FDT @fdt (libfdt only).
 * Returns 0, or a negative PV_E* code with @diag naming the node/property.
 * Missing H, Sstc or an IMSIC with guest interrupt files is reported by
 * platform_check_hart(), not here, so discovery can describe any machine.
 */
int platform_discover(const void *fdt, struct pv_platform *plat, struct pv_diag *diag);

/** Find the hart with id @hartid; returns its index in plat->harts or -1. */
int platform_hart_index(const struct pv_platform *plat, uint32_t hartid);

/**
 * Check that hart @hartid can run a partition vCPU: it exists, has H and Sstc,
 * and an S-level IMSIC with at least one guest interrupt file.
 * Returns 0 or -PV_ENOENT / -PV_EINVAL with @diag set.
 */
int platform_check_hart(const struct pv_platform *plat, uint32_t hartid, struct pv_diag *diag);

#endif
