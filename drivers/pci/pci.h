/* SPDX-License-Identifier: MIT */
/*
 * PCI host bridge driver: enumeration of the physical hierarchy and BAR
 * assignment [PCI Local Bus 3.0 ch. 6, PCI-to-PCI Bridge 1.2 ch. 3, PCIe Base 6 ch. 7],
 * host ECAM access (ecam.c) and Function Level Reset.
 * Pure logic: configuration space is reached through struct pci_cfg_ops, so the
 * same code runs on ECAM in the firmware and on a fake in the host unit tests.
 */
#ifndef PV_PCI_H
#define PV_PCI_H

#include "drivers/pci/pci_regs.h"
#include "lib/diag.h"
#include "types.h"

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
	/**
	 * Has an Enhanced Allocation capability (PCI_CAP_ID_EA) [PCIe Base 6.0]: some of its
	 * resources sit at fixed addresses given in that capability and decode whenever Memory
	 * Space is on, whatever its BARs say, so they cannot be placed, sized or confined
	 * through the BARs. pci_enumerate() leaves all its BARs alone (bar[] empty, nothing
	 * assigned). core/assign.c must refuse to assign such a function to a partition.
	 */
	bool has_ea;

	/* Topology, recorded by pci_enumerate() (pci.c). */
	int8_t parent;           /**< index in pci_host.funcs of the bridge above it, -1 = on the root bus */
	uint8_t sec_bus;         /**< bridges: the secondary bus number pci_enumerate() gave it */
	uint8_t pcie_type;       /**< PCIe Device/Port Type (PCI_EXP_TYPE_*), PCI_EXP_TYPE_NONE without a PCIe capability */
	bool multifunction;      /**< its device's function 0 has the Multi-Function header bit */
	uint16_t acs_cap;        /**< ACS Capability register (PCI_ACS_*), 0 if it has no ACS extended capability */
	uint16_t acs_off;        /**< offset of its ACS extended capability, 0 if none */

	/* Isolation group, computed by pci_groups() (pci_group.c). */
	uint16_t rid;            /**< requester ID of its requests at the root complex: its own, or a bridge's alias */
	/**
	 * device_id QEMU's riscv-iommu translates its DMA with (pci_host.rid_bus0_quirk: @rid with
	 * bus 0 behind bridges); = @rid without the quirk. Its MSIs to the MSI window use @rid.
	 */
	uint16_t rid_dma;
	int8_t group;            /**< index in pci_host.funcs of the first function of its isolation group */
	uint8_t group_why;       /**< enum pci_group_why: why it is in a group with others (PCI_GROUP_ALONE if not) */
	int8_t group_via;        /**< index of the function that causes group_why (a bridge, port, sibling), -1 */
};

/**
 * Why a function shares an isolation group with other functions (struct pci_func.group_why):
 * they can reach each other without the IOMMU, or the IOMMU cannot tell their DMA apart.
 */
enum pci_group_why {
	PCI_GROUP_ALONE,      /**< its own group */
	PCI_GROUP_ALIAS,      /**< below a PCIe-to-PCI/PCI-X or conventional PCI bridge (group_via), whose requester ID it DMAs with */
	PCI_GROUP_BRIDGE,     /**< below such a bridge, sharing its conventional bus, DMAing with its own requester ID */
	PCI_GROUP_NO_ACS,     /**< below a root port or switch downstream port (group_via) without ACS SV/RR/CR/UF */
	PCI_GROUP_MULTIFN,    /**< a function of a multi-function device (group_via: a function without ACS RR/CR) */
	PCI_GROUP_SAME_RID,   /**< the IOMMU sees the same requester ID for it and group_via */
};


#define PCI_MAX_FUNCS 64

/** The physical host bridge and what enumeration found behind it. */
struct pci_host {
	unsigned bus_start, bus_end;     /**< ECAM bus range (from the DT bus-range) */
	struct pci_window mem32;     /**< non-prefetchable window below 4 GiB (from the DT) */
	struct pci_window mem64;     /**< 64-bit prefetchable window, size 0 if none */
	unsigned nr_funcs;
	struct pci_func funcs[PCI_MAX_FUNCS];
	unsigned max_bus;                /**< highest bus number in use after bridge numbering */
	/**
	 * Requester IDs as QEMU's riscv-iommu sees them (QEMU 10.0, host bridge 1b36:0008 at
	 * 00:00.0): it takes a device's DMA device_id when the machine is created, before any bus
	 * number is programmed, so every function behind a bridge DMAs as bus 0 (its devfn, or
	 * 00.0 below a PCIe-to-PCI bridge); writes to the MSI window use the requester ID of the
	 * moment (pci_func.rid). Set by pci_groups(); see docs/architecture.md.
	 */
	bool rid_bus0_quirk;
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
 * Every function's expansion ROM is disabled (its ROM Base Address register, 0x30 or
 * 0x38 for bridges, written 0: no address, ROM Enable clear [PCI 3.0 §6.2.5.2]), and
 * every function with a PCIe capability gets pci_devctl_limit() applied to its Device
 * Control (endpoints also with Initiate FLR written 0). A function with Enhanced
 * Allocation gets its has_ea flag and no BAR sizing or assignment.
 * Fills @h->funcs, @h->nr_funcs and @h->max_bus.
 * Returns 0, or -PV_ENOMEM (windows too small, more than PCI_MAX_FUNCS functions)
 * or -PV_ERANGE (out of bus numbers, bridges nested more than 16 deep) with @diag
 * naming the function.
 */
int pci_enumerate(struct pci_host *h, const struct pci_cfg_ops *ops, struct pv_diag *diag);

/**
 * The hypervisor's Max_Payload_Size, one value for every function of the hierarchy
 * (root ports and switch ports included) [PCIe Base 6.0 §7.5.3.4]: 128 bytes, which every
 * function supports (Device Capabilities bits 2:0, PCI_EXP_DEVCAP_PAYLOAD, are at least 000b),
 * so no transmitter on any link sends a TLP larger than its receiver accepts, whichever
 * functions end up in which partition. FLR does not change it [§6.6.2].
 */
#define PCI_HV_DEVCTL_PAYLOAD PCI_EXP_DEVCTL_PAYLOAD_128
/**
 * The largest Max_Read_Request_Size the device gets: 512 bytes (the reset default), so one
 * function's read requests cannot hold the shared link and root complex for long.
 */
#define PCI_HV_DEVCTL_READRQ_MAX PCI_EXP_DEVCTL_READRQ_512

/**
 * Device Control value @ctl with the hypervisor's limits applied [PCIe Base 6.0 §7.5.3.4]:
 * Max_Payload_Size = PCI_HV_DEVCTL_PAYLOAD, Max_Read_Request_Size at most
 * PCI_HV_DEVCTL_READRQ_MAX (reserved encodings 110b/111b included), Phantom Functions Enable
 * clear (phantom functions issue requests under other function numbers, which the IOMMU would
 * see as other devices). Every other bit, bit 15 included, as in @ctl.
 */
uint16_t pci_devctl_limit(uint16_t ctl);

/**
 * Compute the isolation groups of the functions @h enumerated [PCIe Base 6.0 §6.12 (ACS),
 * PCIe-to-PCI/PCI-X Bridge 1.0 §2.3 (requester IDs of bridged requests)]: sets every
 * function's rid, rid_dma, group, group_why and group_via, and @h->rid_bus0_quirk. Two functions are
 * in one group when the IOMMU cannot keep their DMA apart:
 * - everything below a PCIe-to-PCI/PCI-X bridge or a conventional PCI-to-PCI bridge: they
 *   share its bus, and the bridge issues their requests with one requester ID (PCIe-to-PCI:
 *   its secondary bus, device 0, function 0; conventional: the bridge's own);
 * - everything below a root port, or below the switch (the upstream port's subtree) of a
 *   downstream port, that lacks ACS Source Validation, P2P Request Redirect, P2P Completion
 *   Redirect and Upstream Forwarding: requests can be routed peer to peer there;
 * - the functions of a multi-function device when one of them lacks ACS P2P Request and
 *   Completion Redirect (and for its bridge functions, what lies below them);
 * - functions whose requester IDs (own, aliased, or as QEMU's IOMMU sees DMA) coincide.
 * Pure; call after pci_enumerate() (which calls it).
 */
void pci_groups(struct pci_host *h);

/**
 * Enable in @f's ACS Control the controls of Source Validation, Translation Blocking, P2P
 * Request Redirect, P2P Completion Redirect and Upstream Forwarding that its ACS capability
 * implements (never Egress Control or Direct Translated P2P) [PCIe Base 6.0 §7.7.8.3]; no-op
 * without one. pci_enumerate() does it for every function, pci_flr() again after the reset.
 */
void pci_acs_enable(const struct pci_cfg_ops *ops, const struct pci_func *f);

/** Index of function @bdf in @h->funcs, or -1. */
int pci_find(const struct pci_host *h, uint16_t bdf);

/** Offset of the first capability with id @cap_id of @bdf (standard list, 0x40..0xff), 0 if none. */
unsigned pci_find_cap(const struct pci_cfg_ops *ops, uint16_t bdf, uint8_t cap_id);

/**
 * Set the Command bits @set and clear @clear (PCI_CMD_*) of @bdf, leaving the others;
 * the RW1C Status half of the dword is written as 0, so no status bit is cleared.
 */
void pci_set_command(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t set, uint16_t clear);

/** Turn off MSI Enable and MSI-X Enable of @f (if it has the capabilities) [PCI 3.0 §6.8]. */
void pci_msi_disable(const struct pci_cfg_ops *ops, const struct pci_func *f);

/** Enable Memory Space and Bus Master (and disable INTx) of endpoint @bdf. */
void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf);

/** Host ECAM window: configuration space of buses @bus_start..@bus_end [PCIe Base 6.0 §7.2.2]. */
struct pci_ecam {
	hpa_t base;                /**< ECAM base (bus @bus_start at offset 0) */
	unsigned bus_start, bus_end;
};

/**
 * Configuration-space operations over host ECAM window @e (kept as the ops'
 * context: @e must outlive them). Accesses outside the bus range read all ones
 * and drop writes.
 */
struct pci_cfg_ops pci_ecam_ops(const struct pci_ecam *e);

/**
 * Function Level Reset of @f if it supports it (PCIe Device Capabilities FLR),
 * waiting 100 ms [PCIe Base 6.0 §6.6.2] (@ticks_per_ms from the timebase), then
 * restoring its BARs and its ACS controls (pci_acs_enable(); an FLR clears them). Returns true if an FLR was done, false if @f has none.
 */
bool pci_flr(const struct pci_cfg_ops *ops, const struct pci_func *f, uint64_t ticks_per_ms);

#endif
