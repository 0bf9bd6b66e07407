/* SPDX-License-Identifier: MIT */
/*
 * PCI: enumeration of the physical host bridge, BAR assignment, and the
 * guest's filtered view of an assigned function's configuration space
 * [PCI Local Bus 3.0 ch. 6, PCI-to-PCI Bridge 1.2 ch. 3, PCIe Base 6 ch. 7].
 * Pure logic: configuration space is reached through struct pci_cfg_ops, so the
 * same code runs on ECAM in the firmware and on a fake in the host unit tests.
 */
#ifndef PV_PCI_H
#define PV_PCI_H

#include "config.h"
#include "diag.h"
#include "types.h"

/** Make a PCI function number (requester id / device_id): bus << 8 | dev << 3 | fn. */
#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BUS(bdf)  (((bdf) >> 8) & 0xff)
#define PCI_DEV(bdf)  (((bdf) >> 3) & 0x1f)
#define PCI_FN(bdf)   ((bdf) & 7)
/** printf format and arguments for a function as bus:dev.fn, e.g. "00:05.0". */
#define BDF_FMT       "%02x:%02x.%x"
#define BDF_ARGS(bdf) PCI_BUS(bdf), PCI_DEV(bdf), PCI_FN(bdf)

/* Type 0/1 header offsets and bits used here [PCI 3.0 §6.2]. */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_CACHE_LINE     0x0c
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_PRIMARY_BUS    0x18   /* type 1: primary, secondary, subordinate bus, latency */
#define PCI_IO_BASE        0x1c   /* type 1: I/O base/limit (8 bits each), secondary status */
#define PCI_MEMORY_BASE    0x20   /* type 1: memory base/limit (16 bits each) */
#define PCI_PREF_BASE      0x24   /* type 1: prefetchable base/limit */
#define PCI_PREF_BASE_UPPER 0x28
#define PCI_PREF_LIMIT_UPPER 0x2c
#define PCI_SUBSYSTEM      0x2c   /* type 0 */
#define PCI_ROM_ADDRESS    0x30   /* type 0 (type 1: 0x38) */
#define PCI_IO_BASE_UPPER  0x30   /* type 1: I/O base/limit upper 16 bits */
#define PCI_CAP_PTR        0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define PCI_CMD_IO         (1U << 0)
#define PCI_CMD_MEM        (1U << 1)
#define PCI_CMD_MASTER     (1U << 2)
#define PCI_CMD_PARITY     (1U << 6)
#define PCI_CMD_SERR       (1U << 8)
#define PCI_CMD_INTX_DISABLE (1U << 10)
#define PCI_STATUS_CAP_LIST (1U << 4)
#define PCI_HEADER_MF      0x80
#define PCI_CAP_ID_PM      0x01
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_VNDR    0x09
#define PCI_CAP_ID_EXP     0x10
#define PCI_CAP_ID_MSIX    0x11
#define PCI_MSIX_FLAGS_ENABLE (1U << 15)  /* in Message Control (cap + 2) */
#define PCI_MSIX_FLAGS_MASKALL (1U << 14)
#define PCI_CLASS_IOMMU    0x0806        /* base class 08 (system peripheral), subclass 06 (IOMMU) */
#define PCI_CFG_SPACE_SIZE 4096          /* PCIe extended configuration space per function, bytes */

/**
 * Access to one configuration space: aligned 32-bit dword at byte offset @off
 * (0..4092, multiple of 4) of function @bdf. Reads of absent functions return 0xffffffff.
 */
struct pci_cfg_ops {
	uint32_t (*read32)(void *ctx, uint16_t bdf, unsigned off);
	void (*write32)(void *ctx, uint16_t bdf, unsigned off, uint32_t val);
	void *ctx;
};

#define PCI_BAR_IO       (1U << 0)  /**< I/O space BAR (never assigned: no I/O window is used) */
#define PCI_BAR_64       (1U << 1)  /**< 64-bit memory BAR (uses this and the next BAR register) */
#define PCI_BAR_PREFETCH (1U << 2)  /**< prefetchable memory */
#define PCI_BAR_UPPER    (1U << 3)  /**< this register is the upper half of the previous 64-bit BAR */

/** One base address register as sized and assigned by pci_enumerate(). */
struct pci_bar {
	hpa_t base;        /**< host physical (CPU) address assigned; 0 if not assigned */
	uint64_t size;     /**< bytes (power of two); 0 = register not implemented or PCI_BAR_UPPER */
	unsigned flags;    /**< PCI_BAR_* */
};

/** One function found on the host bridge. */
struct pci_func {
	uint16_t bdf;
	uint16_t vendor, device;
	uint32_t class_rev;      /**< class code << 8 | revision id (dword at 0x08) */
	uint8_t hdr_type;        /**< header layout (0 endpoint, 1 PCI-to-PCI bridge), MF bit removed */
	struct pci_bar bar[6];   /**< type 0: BAR0..5; type 1: BAR0..1 used */
	uint8_t cap_msi, cap_msix, cap_exp, cap_pm; /**< capability offsets, 0 = absent */
};


#define PCI_MAX_FUNCS 64

/** The physical host bridge and what enumeration found behind it. */
struct pci_host {
	unsigned bus_start, bus_end;     /**< ECAM bus range (from the DT bus-range) */
	struct pv_pcie_window mem32;     /**< non-prefetchable window below 4 GiB (from the DT, see platform.h) */
	struct pv_pcie_window mem64;     /**< 64-bit prefetchable window, size 0 if none */
	unsigned nr_funcs;
	struct pci_func funcs[PCI_MAX_FUNCS];
	unsigned max_bus;                /**< highest bus number in use after bridge numbering */
};

/**
 * Enumerate the hierarchy below @h->bus_start (depth first; PCI-to-PCI bridges,
 * including PCIe root ports, get secondary/subordinate bus numbers in order and
 * a 1 MiB-aligned non-prefetchable memory window covering the BARs behind them,
 * with Memory Space and Bus Master enabled and no I/O or prefetchable window).
 * Every memory BAR of every function is sized and assigned naturally aligned, at
 * least 4 KiB (so functions never share a page): from @h->mem32, or, for 64-bit
 * BARs of functions on the root bus when mem32 is full, from @h->mem64. I/O BARs
 * are recorded with their size but not assigned. Endpoints are left with Memory
 * Space, I/O Space and Bus Master disabled: only pci_enable() turns them on.
 * Fills @h->funcs, @h->nr_funcs and @h->max_bus.
 * Returns 0, or -PV_ENOMEM (windows too small, more than PCI_MAX_FUNCS functions)
 * or -PV_ERANGE (out of bus numbers, bridges nested more than 16 deep) with @diag
 * naming the function.
 */
int pci_enumerate(struct pci_host *h, const struct pci_cfg_ops *ops, struct pv_diag *diag);

/** Index of function @bdf in @h->funcs, or -1. */
int pci_find(const struct pci_host *h, uint16_t bdf);

/** Offset of the first capability with id @cap_id of @bdf (standard list, 0x40..0xff), 0 if none. */
unsigned pci_find_cap(const struct pci_cfg_ops *ops, uint16_t bdf, uint8_t cap_id);

/**
 * Set the Command bits @set and clear @clear (PCI_CMD_*) of @bdf, leaving the others;
 * the RW1C Status half of the dword is written as 0, so no status bit is cleared.
 */
void pci_set_command(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t set, uint16_t clear);

/** Enable Memory Space and Bus Master (and disable INTx) of endpoint @bdf. */
void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf);

/**
 * Check the PCI functions the partitions of @cfg list in `partvisor,pci-devices`
 * against the enumeration @h: each must be present, be an endpoint (not a bridge),
 * not be @iommu_bdf (the IOMMU, owned by the hypervisor; pass -1 if it is
 * not a PCI function) and not be any other IOMMU (class 0x0806, whose own DMA is untranslated). Returns 0 or -PV_ENOENT / -PV_EINVAL with @diag naming
 * the partition node, the property and the function (bus:dev.fn).
 */
int pci_check_assignments(const struct pci_host *h, const struct pv_config *cfg, int iommu_bdf,
			  struct pv_diag *diag);

/**
 * A guest's view of one assigned function. The guest sees it at its own
 * virtual BDF (see core/passthrough.c); BARs show the host addresses (the partition's
 * PCI MMIO window is identity-mapped) and are read-only: sizing writes are
 * answered from shadow registers and never reach the device.
 */
struct pci_vfunc {
	const struct pci_func *f;  /**< the physical function */
	uint32_t bar_shadow[6];    /**< last value the guest wrote to each BAR register */
};

/** Prepare @v for endpoint @f (shadow BARs = the assigned addresses). */
void pci_vfunc_init(struct pci_vfunc *v, const struct pci_func *f);

/**
 * Guest read of @width bytes (1, 2 or 4, naturally aligned) at @off (0..4095) of
 * the configuration space of @v. Passed through from the device except: header
 * type without the multi-function bit, BARs from the shadows (size masks after
 * an all-ones write), expansion ROM absent (0), interrupt pin 0 (no INTx:
 * MSI/MSI-X only), and the extended space 0x100.. reads 0 (no extended capabilities).
 */
uint32_t pci_vcfg_read(const struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width);

/**
 * Guest write of @width bytes (1, 2 or 4, naturally aligned) at @off. Only these
 * reach the device: Command bits Memory Space, Bus Master, Parity, SERR and
 * INTx Disable (never I/O Space); Status (RW1C); Cache Line Size; the MSI
 * capability (Message Control, Address, Data, Mask); MSI-X Message Control
 * (Enable, Function Mask); PCIe Device Control (without Initiate FLR), Device
 * Status and Device Control 2; PM Control/Status (not PowerState). BAR writes update the shadows
 * only; everything else is dropped.
 */
void pci_vcfg_write(struct pci_vfunc *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width,
		    uint32_t val);

#endif
