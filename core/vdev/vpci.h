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
 * Registers of which the guest reads some bits back from a shadow in struct vpci_func
 * (index into reg_shadow[]) instead of from the device.
 */
enum vpci_shadow {
	VPCI_SH_COMMAND,   /**< Command: Parity Error Response, SERR# Enable, Interrupt Disable [PCI 3.0 §6.2.2] */
	VPCI_SH_DEVCTL,    /**< PCIe Device Control: every bit but Initiate FLR [PCIe Base 6.0 §7.5.3.4] */
	VPCI_SH_DEVCTL2,   /**< PCIe Device Control 2: bits 15:5 [PCIe Base 6.0 §7.5.3.16] */
	VPCI_NR_SHADOW
};

/**
 * A guest's view of one assigned function. The guest sees it at its own
 * virtual BDF (see core/passthrough.c); BARs show the host addresses (the partition's
 * PCI MMIO window is identity-mapped) and are read-only: sizing writes are
 * answered from shadow registers and never reach the device. The bits of Command,
 * Device Control and Device Control 2 that the device must keep at the hypervisor's
 * value read back from reg_shadow[] (see vpci_cfg_write()).
 */
struct vpci_func {
	const struct pci_func *f;  /**< the physical function */
	uint32_t bar_shadow[6];    /**< last value the guest wrote to each BAR register */
	/**
	 * The guest's value of the shadowed bits of each enum vpci_shadow register (other
	 * bits of an entry are unused). Valid only where reg_loaded has bit 1 << index.
	 */
	uint16_t reg_shadow[VPCI_NR_SHADOW];
	/**
	 * Bit 1 << i: reg_shadow[i] holds the guest's view. Clear after vpci_func_init():
	 * until the guest first writes one of the register's shadowed bits, they read as the
	 * device's current value; that write first copies the device's value into the
	 * shadow, then merges the written bytes.
	 */
	uint8_t reg_loaded;
	/** The IOMMU quarantined the function (it kept faulting): Bus Master stays off until the partition restarts. */
	volatile bool quarantined;
};

/**
 * Prepare @v for endpoint @f: shadow BARs = the assigned addresses, no register shadow
 * loaded (the shadowed Command/Device Control bits read as the device's values until the
 * guest writes them). Called at every partition start, so a reboot starts clean.
 */
void vpci_func_init(struct vpci_func *v, const struct pci_func *f);

/**
 * Guest read of @width bytes (1, 2 or 4, naturally aligned) at @off (0..4095) of
 * the configuration space of @v. Passed through from the device except: header
 * type without the multi-function bit, BARs from the shadows (size masks after
 * an all-ones write), expansion ROM absent (0), interrupt pin 0 (no INTx:
 * MSI/MSI-X only), the extended space 0x100.. reads 0 (no extended capabilities),
 * the shadowed bits of Command, Device Control and Device Control 2 (enum vpci_shadow)
 * from reg_shadow[] once loaded, and Initiate FLR always 0 [PCIe Base 6.0 §7.5.3.4].
 */
uint32_t vpci_cfg_read(const struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width);

/**
 * Guest write of @width bytes (1, 2 or 4, naturally aligned) at @off. Only the bytes
 * written count; per register:
 * - Command [PCI 3.0 §6.2.2]: Memory Space and Bus Master reach the device. Parity Error
 *   Response, SERR# Enable and Interrupt Disable go to the shadow only; the device keeps
 *   its Parity/SERR# value and has Interrupt Disable forced on, I/O Space forced off,
 *   whenever this dword is written. Other bits are dropped. Status: RW1C, passed.
 * - PCIe Device Control [PCIe Base 6.0 §7.5.3.4]: every bit but Initiate FLR goes to the
 *   shadow. Only Max_Read_Request_Size reaches the device, limited to
 *   PCI_HV_DEVCTL_READRQ_MAX; the device keeps Max_Payload_Size = PCI_HV_DEVCTL_PAYLOAD, has
 *   Phantom Functions Enable and Initiate FLR written 0, and keeps its own error-reporting
 *   enables, Relaxed Ordering, Extended Tag, Aux Power PM and No Snoop bits (pci_devctl_limit()).
 *   Device Status: RW1C, passed.
 * - PCIe Device Control 2 [§7.5.3.16]: Completion Timeout Value and Disable (bits 4:0)
 *   reach the device; bits 15:5 (ARI Forwarding, AtomicOp, IDO, LTR, Emergency Power
 *   Reduction, 10-Bit Tag Requester, OBFF, End-End TLP Prefix Blocking) go to the shadow only.
 * - Cache Line Size; the MSI capability (Message Control, Address, Data, Mask); MSI-X
 *   Message Control (Enable, Function Mask); PM Control/Status (not PowerState): passed.
 * BAR writes update the BAR shadows only; everything else is dropped. The device is
 * written only when a passed bit was written or a forced bit is not yet as forced.
 */
void vpci_cfg_write(struct vpci_func *v, const struct pci_cfg_ops *ops, unsigned off, unsigned width,
		    uint32_t val);

/** Functions one virtual host bridge can show. */
#define VPCI_MAX_FUNCS 8

/**
 * A function the hypervisor emulates on the bridge (the virtio console, vconsole.h):
 * configuration accesses to 00:slot.0 go to @read / @write (offset 0..4095, width
 * 1/2/4, naturally aligned), which serialise themselves.
 */
struct vpci_emul {
	unsigned slot;
	uint32_t (*read)(void *ctx, unsigned off, unsigned width);   /**< NULL: no emulated function */
	void (*write)(void *ctx, unsigned off, unsigned width, uint32_t val);
	void *ctx;
};

/** The functions one partition's virtual host bridge shows, in guest slot order. */
struct vpci_bus {
	unsigned nr;                        /**< functions: guest 00:i.0 is funcs[i], i < nr */
	struct vpci_func funcs[VPCI_MAX_FUNCS];
	struct vpci_emul emul;              /**< an emulated function at a slot >= nr, if emul.read */
	const struct pci_cfg_ops *ops;      /**< host configuration space */
	void *lock;                         /**< serialises accesses (a spinlock_t, NULL in host tests) */
};

/**
 * Guest ECAM read of @width bytes at offset @off of @bus's window (bus 0 only:
 * offset = dev << 15 | fn << 12 | register). Absent functions, functions other
 * than 0, accesses wider than 4 bytes or misaligned ones read as all ones. The
 * emulated function's slot goes to its struct vpci_emul.
 */
uint64_t vpci_ecam_read(void *bus, uint64_t off, unsigned width);
/** Guest ECAM write; dropped where vpci_ecam_read() would return all ones. */
void vpci_ecam_write(void *bus, uint64_t off, unsigned width, uint64_t val);

#endif
