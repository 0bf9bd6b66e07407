/* SPDX-License-Identifier: MIT */
/*
 * PCI and PCIe configuration-space layout: function numbers, type 0/1 header
 * offsets and bits, capability ids and the capability fields partvisor uses
 * [PCI Local Bus 3.0 ch. 6, PCI-to-PCI Bridge 1.2 ch. 3, PCIe Base 6.0 ch. 7].
 * Definitions only; shared by the host enumeration (drivers/pci) and the guest's
 * virtual host bridge (core/vdev/vpci).
 */
#ifndef PV_PCI_REGS_H
#define PV_PCI_REGS_H

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
#define PCI_ROM_ADDRESS    0x30   /* type 0 Expansion ROM Base Address, bit 0 ROM Enable [PCI 3.0 §6.2.5.2] */
#define PCI_ROM_ADDRESS1   0x38   /* the same register in a type 1 (bridge) header */
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
#define PCI_CAP_ID_EA      0x14   /* Enhanced Allocation: fixed resources, not programmed through BARs */
#define PCI_MSIX_FLAGS_ENABLE (1U << 15)  /* in Message Control (cap + 2) */
#define PCI_MSIX_FLAGS_MASKALL (1U << 14)
#define PCI_CLASS_IOMMU    0x0806        /* base class 08 (system peripheral), subclass 06 (IOMMU) */
#define PCI_CFG_SPACE_SIZE 4096          /* PCIe extended configuration space per function, bytes */

/* Fields inside header dwords and capabilities. */
#define PCI_VENDOR_ABSENT     0xffff
#define PCI_HDR_ENDPOINT      0
#define PCI_HDR_BRIDGE        1
#define PCI_HDR_LAYOUT        0x7f           /* header type without the MF bit */
#define PCI_BARS_ENDPOINT     6
#define PCI_BARS_BRIDGE       2
#define PCI_BARS_END          (PCI_BAR0 + 4 * PCI_BARS_ENDPOINT)
#define PCI_BAR_SPACE_IO      0x1u           /* bit 0 */
#define PCI_BAR_MEM_TYPE      0x6u           /* bits 2:1 */
#define PCI_BAR_MEM_TYPE_64   0x4u
#define PCI_BAR_MEM_PREFETCH  0x8u           /* bit 3 */
#define PCI_BAR_MEM_FLAGS     0xfu           /* read-only low bits of a memory BAR */
#define PCI_BAR_IO_FLAGS      0x3u           /* read-only low bits of an I/O BAR */
#define PCI_BUS_LATENCY       0xff000000u    /* secondary latency timer byte of PCI_PRIMARY_BUS */
#define PCI_BUS_SEC_SHIFT     8
#define PCI_BUS_SUB_SHIFT     16
#define PCI_CAP_FIRST         0x40           /* standard capabilities live in 0x40..0xff */
#define PCI_CAP_PTR_MASK      0xfcu
#define PCI_CFG_STD_END       0x100          /* end of the PCI-compatible space */
#define PCI_STATUS_HALF       0xffff0000u    /* Status (RW1C) in the dword at PCI_COMMAND */
#define PCI_BIST_START        (1U << 30)     /* BIST bit 6 in the dword at PCI_CACHE_LINE */
#define PCI_HDR_MF_BIT        ((uint32_t)PCI_HEADER_MF << 16)  /* in the dword at PCI_CACHE_LINE */
#define PCI_PIN_BYTE          0x0000ff00u    /* Interrupt Pin in the dword at PCI_INTERRUPT_LINE */
#define PCI_MSI_FLAGS_64BIT   (1U << 7)      /* Message Control bits */
#define PCI_MSI_FLAGS_MASKBIT (1U << 8)
#define PCI_MSI_MAX_SIZE      24U
/* PCIe capability: Device Control [PCIe Base 6.0 §7.5.3.4], Device Status (RW1C) at 0x0a. */
#define PCI_EXP_DEVCTL        0x08U
#define PCI_EXP_DEVCTL_ERR_REPORT 0x000fU    /* bits 3:0 Correctable, Non-Fatal, Fatal, Unsupported Request Reporting Enable */
#define PCI_EXP_DEVCTL_RELAX_EN (1U << 4)    /* Enable Relaxed Ordering */
#define PCI_EXP_DEVCTL_PAYLOAD 0x00e0U       /* bits 7:5 Max_Payload_Size, 128 << n bytes */
#define PCI_EXP_DEVCTL_PAYLOAD_128 0x0000U
#define PCI_EXP_DEVCTL_EXT_TAG (1U << 8)     /* Extended Tag Field Enable */
#define PCI_EXP_DEVCTL_PHANTOM (1U << 9)     /* Phantom Functions Enable */
#define PCI_EXP_DEVCTL_AUX_PME (1U << 10)    /* Aux Power PM Enable */
#define PCI_EXP_DEVCTL_NOSNOOP_EN (1U << 11) /* Enable No Snoop */
#define PCI_EXP_DEVCTL_READRQ 0x7000U        /* bits 14:12 Max_Read_Request_Size, 128 << n bytes */
#define PCI_EXP_DEVCTL_READRQ_512 0x2000U
#define PCI_EXP_DEVCTL_FLR    (1U << 15)     /* Initiate FLR (bridges: Bridge Configuration Retry Enable) */
/* PCIe capability: Device Control 2 [PCIe Base 6.0 §7.5.3.16], Device Status 2 at 0x2a. */
#define PCI_EXP_DEVCTL2       0x28U
#define PCI_EXP_DEVCTL2_COMP_TIMEOUT 0x000fU /* bits 3:0 Completion Timeout Value */
#define PCI_EXP_DEVCTL2_COMP_TMOUT_DIS (1U << 4)
#define PCI_EXP_DEVCTL2_ARI   (1U << 5)      /* ARI Forwarding Enable */
#define PCI_EXP_DEVCTL2_ATOMIC_REQ (1U << 6)
#define PCI_EXP_DEVCTL2_ATOMIC_EGRESS_BLOCK (1U << 7)
#define PCI_EXP_DEVCTL2_IDO_REQ_EN (1U << 8)
#define PCI_EXP_DEVCTL2_IDO_CMP_EN (1U << 9)
#define PCI_EXP_DEVCTL2_LTR_EN (1U << 10)
#define PCI_EXP_DEVCTL2_EMERG_PWR_REQ (1U << 11)
#define PCI_EXP_DEVCTL2_10BIT_TAG_REQ (1U << 12)
#define PCI_EXP_DEVCTL2_OBFF  0x6000U        /* bits 14:13 OBFF Enable */
#define PCI_EXP_DEVCTL2_EETLP_PREFIX_BLOCK (1U << 15)
#define PCI_PM_CTRL           0x04U          /* PM capability: Control/Status */
#define PCI_PM_CTRL_PME_STATUS (1U << 15)
#define PCI_PM_CTRL_STATE     0x3U           /* PowerState D0..D3hot */
#define PCI_LOW_HALF          0x0000ffffu
#define PCI_EXP_DEVCAP        0x04U          /* PCIe capability: Device Capabilities [PCIe Base 6.0 §7.5.3.3] */
#define PCI_EXP_DEVCAP_PAYLOAD 0x7U          /* bits 2:0 Max_Payload_Size Supported (000b = 128 bytes: every function) */
#define PCI_EXP_DEVCAP_FLR    (1U << 28)     /* Function Level Reset capable */
/* PCIe Capabilities register (cap + 2) bits 7:4, Device/Port Type [PCIe Base 6.0 §7.5.3.2]. */
#define PCI_EXP_FLAGS_TYPE_SHIFT 20           /* in the capability's first dword */
#define PCI_EXP_TYPE_ENDPOINT  0x0           /* PCI Express Endpoint */
#define PCI_EXP_TYPE_LEG_END   0x1           /* Legacy PCI Express Endpoint */
#define PCI_EXP_TYPE_ROOT_PORT 0x4           /* Root Port of a Root Complex */
#define PCI_EXP_TYPE_UPSTREAM  0x5           /* Upstream Port of a Switch */
#define PCI_EXP_TYPE_DOWNSTREAM 0x6          /* Downstream Port of a Switch */
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7          /* PCI Express to PCI/PCI-X Bridge */
#define PCI_EXP_TYPE_PCIE_BRIDGE 0x8         /* PCI/PCI-X to PCI Express Bridge */
#define PCI_EXP_TYPE_RC_END    0x9           /* Root Complex Integrated Endpoint */
#define PCI_EXP_TYPE_RC_EC     0xa           /* Root Complex Event Collector */
#define PCI_EXP_TYPE_NONE      0xff          /* partvisor: no PCIe capability (conventional PCI function) */
/* Extended capabilities [PCIe Base 6.0 §7.6]: header dword = id 15:0, version 19:16, next 31:20. */
#define PCI_EXT_CAP_FIRST      0x100
#define PCI_EXT_CAP_ID_ACS     0x000d        /* Access Control Services [§7.7.8] */
/* ACS Capability (16 bits at cap + 4) and ACS Control (16 bits at cap + 6): the same bit positions. */
#define PCI_ACS_CAP            0x04
#define PCI_ACS_SV             (1U << 0)     /* Source Validation */
#define PCI_ACS_TB             (1U << 1)     /* Translation Blocking */
#define PCI_ACS_RR             (1U << 2)     /* P2P Request Redirect */
#define PCI_ACS_CR             (1U << 3)     /* P2P Completion Redirect */
#define PCI_ACS_UF             (1U << 4)     /* Upstream Forwarding */
#define PCI_ACS_EC             (1U << 5)     /* P2P Egress Control */
#define PCI_ACS_DT             (1U << 6)     /* Direct Translated P2P */
#define PCI_CLASS_HOST_BRIDGE  0x0600        /* base class 06 (bridge), subclass 00 (host bridge) */

/** A memory window of a PCI host bridge: CPU (host physical) base, PCI bus base, size in bytes. */
struct pci_window {
	hpa_t cpu_base;
	uint64_t pci_base;
	uint64_t size;                              /**< 0 = no such window */
};

#endif
