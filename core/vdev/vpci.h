/* SPDX-License-Identifier: MIT */
/*
 * The guest's virtual PCIe host bridge: a filtered view of the configuration
 * space of each function assigned to the partition (pure: the device is reached
 * through struct pci_cfg_ops), and the ECAM window glue that exposes function i
 * of the partition as 00:i.0 through the MMIO layer.
 */
#ifndef PV_VPCI_H
#define PV_VPCI_H

#include "drivers/pci/pci.h"

/**
 * A guest's view of one assigned function. The guest sees it at its own
 * virtual BDF (see core/passthrough.c); BARs show the host addresses (the partition's
 * PCI MMIO window is identity-mapped) and are read-only: sizing writes are
 * answered from shadow registers and never reach the device.
 */
struct vpci_func {
	const struct pci_func *f;  /**< the physical function */
	uint32_t bar_shadow[6];    /**< last value the guest wrote to each BAR register */
};

/** Prepare @v for endpoint @f (shadow BARs = the assigned addresses). */
void vpci_func_init(struct vpci_func *v, const struct pci_func *f);

/**
 * Guest read of @width bytes (1, 2 or 4, naturally aligned) at @off (0..4095) of
 * the configuration space of @v. Passed through from the device except: header
 * type without the multi-function bit, BARs from the shadows (size masks after
 * an all-ones write), expansion ROM absent (0), interrupt pin 0 (no INTx:
 * MSI/MSI-X only), and the extended space 0x100.. reads 0 (no extended capabilities).
 */
uint32_t vpci_cfg_read(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width);

/**
 * Guest write of @width bytes (1, 2 or 4, naturally aligned) at @off. Only these
 * reach the device: Command bits Memory Space, Bus Master, Parity, SERR and
 * INTx Disable (never I/O Space); Status (RW1C); Cache Line Size; the MSI
 * capability (Message Control, Address, Data, Mask); MSI-X Message Control
 * (Enable, Function Mask); PCIe Device Control (without Initiate FLR), Device
 * Status and Device Control 2; PM Control/Status (not PowerState). BAR writes update the shadows
 * only; everything else is dropped.
 */
void vpci_cfg_write(struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width,
		    uint32_t val);

/** The functions one partition's virtual host bridge shows, in guest slot order. */
/** Functions one virtual host bridge can show. */
#define VPCI_MAX_FUNCS 8

struct vpci_bus {
	unsigned nr;                        /**< functions: guest 00:i.0 is funcs[i], i < nr */
	struct vpci_func funcs[VPCI_MAX_FUNCS];
	const struct pci_cfg_ops *ops;      /**< host configuration space */
	void *lock;                         /**< serialises accesses (a spinlock_t, NULL in host tests) */
};

/**
 * Guest ECAM read of @width bytes at offset @off of @bus's window (bus 0 only:
 * offset = dev << 15 | fn << 12 | register). Absent functions, functions other
 * than 0, accesses wider than 4 bytes or misaligned ones read as all ones.
 */
uint64_t vpci_ecam_read(void *bus, uint64_t off, unsigned width);
/** Guest ECAM write; dropped where vpci_ecam_read() would return all ones. */
void vpci_ecam_write(void *bus, uint64_t off, unsigned width, uint64_t val);

#endif
