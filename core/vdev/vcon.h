/* SPDX-License-Identifier: MIT */
/*
 * Emulated virtio console [Virtio 1.2 §5.3 "Console Device"], one port, no
 * MULTIPORT/SIZE/EMERG_WRITE, over the virtio-pci modern transport [Virtio 1.2
 * §4.1]: a type 0 PCI function (vendor 0x1af4, device 0x1043) whose one 4 KiB
 * memory BAR holds the common, notify, ISR and device configuration structures and
 * the MSI-X table and PBA [PCI Local Bus 3.0 §6.8.2]. Split virtqueues [§2.7]:
 * queue 0 receiveq (device writes console input), queue 1 transmitq (console output).
 *
 * Pure logic: guest memory, console bytes and MSI delivery are reached through
 * struct vcon_ops, so the model runs unchanged in host tests. The caller serialises
 * every call on one struct vcon (no locking inside).
 *
 * Trust: nothing the guest writes is believed. Ring and buffer addresses are turned
 * into host pointers only through vcon_ops.gpa_to_host (which checks that the whole
 * range lies in the partition's RAM); a descriptor chain is walked at most queue-size
 * steps; every field is read once from guest memory. A malformed ring (index out of
 * range, loop, address outside RAM, wrong direction, INDIRECT) sets DEVICE_NEEDS_RESET
 * in device_status [§2.1.2] and the device stops using its queues until the driver
 * resets it.
 */
#ifndef PV_VCON_H
#define PV_VCON_H

#include "types.h"

/** PCI IDs [Virtio 1.2 §4.1.2.1]: modern device id = 0x1040 + virtio device type 3 (console). */
#define VCON_PCI_VENDOR      0x1af4
#define VCON_PCI_DEVICE      0x1043
/** Bytes of BAR0 (a 32-bit non-prefetchable memory BAR). */
#define VCON_BAR_SIZE        0x1000
/** Layout of BAR0 (byte offsets). */
#define VCON_BAR_COMMON      0x000   /**< struct virtio_pci_common_cfg [§4.1.4.3] */
#define VCON_COMMON_LEN      0x38
#define VCON_BAR_ISR         0x100   /**< ISR status byte [§4.1.4.5] */
#define VCON_BAR_DEVCFG      0x200   /**< struct virtio_console_config [§5.3.4] */
#define VCON_DEVCFG_LEN      12
#define VCON_BAR_NOTIFY      0x300   /**< queue notify, notify_off_multiplier 0: one address for both queues [§4.1.4.4] */
#define VCON_NOTIFY_LEN      4
#define VCON_BAR_MSIX        0x800   /**< MSI-X table, 16 bytes per vector */
#define VCON_BAR_PBA         0xc00   /**< MSI-X pending bit array */
/** MSI-X vectors: config change + one per queue, one spare. */
#define VCON_MSIX_VECTORS    4
/** Virtqueues: 0 receiveq, 1 transmitq (port 0 only). */
#define VCON_NR_QUEUES       2
#define VCON_RXQ             0
#define VCON_TXQ             1
/** Largest queue size offered (queue_size reads this until the driver writes a smaller power of two). */
#define VCON_QUEUE_MAX       64
/** Bytes of one transmit chain written to the console at most; the rest is dropped (the chain is still used). */
#define VCON_TX_CHAIN_MAX    KiB(4)
/**
 * Bytes one notify transmits at most (bounds how long the notifying vCPU's exit may
 * wait for the console): chains left over stay available until the next notify.
 */
#define VCON_TX_NOTIFY_MAX   KiB(16)
/** Bytes of console input put into one receive buffer at most per pass. */
#define VCON_RX_CHUNK        256
/** "No vector" value of config_msix_vector / queue_msix_vector [§4.1.4.3]. */
#define VCON_NO_VECTOR       0xffff

/** device_status bits [Virtio 1.2 §2.1]. */
#define VCON_S_ACKNOWLEDGE   0x01
#define VCON_S_DRIVER        0x02
#define VCON_S_DRIVER_OK     0x04
#define VCON_S_FEATURES_OK   0x08
#define VCON_S_NEEDS_RESET   0x40
#define VCON_S_FAILED        0x80

/** Feature bits offered: VIRTIO_F_VERSION_1 (bit 32) only [§6]. */
#define VCON_F_VERSION_1     (1ULL << 32)
#define VCON_FEATURES        VCON_F_VERSION_1

/** Why the device set NEEDS_RESET (vcon.broken), for the owner's rate-limited report. */
enum vcon_fault {
	VCON_OK = 0,
	VCON_BAD_QUEUE,     /**< queue_enable with a size that is not a power of two <= VCON_QUEUE_MAX, or a misaligned ring */
	VCON_BAD_RING_ADDR, /**< descriptor table, avail or used ring not inside the partition's RAM */
	VCON_BAD_AVAIL_IDX, /**< avail.idx ran more than queue-size entries ahead of the device */
	VCON_BAD_HEAD,      /**< a descriptor index >= queue size */
	VCON_BAD_CHAIN,     /**< a chain longer than the queue (a loop) */
	VCON_BAD_DESC,      /**< a buffer outside the partition's RAM, or INDIRECT (not offered) */
	VCON_BAD_DIRECTION, /**< a device-writable buffer on transmitq or a device-readable one on receiveq */
};

/** What the device model needs from its owner. Every callback gets @ctx. */
struct vcon_ops {
	/** Host pointer to guest physical range [@g, @g + @len) if it lies in the partition's RAM, else NULL. */
	void *(*gpa_to_host)(void *ctx, gpa_t g, uint64_t len);
	/** Deliver the MSI the guest programmed: 32-bit write of @data to guest physical @addr. */
	void (*msi)(void *ctx, uint64_t addr, uint32_t data);
	/** Console output: write all @len bytes (may wait for the console). */
	void (*tx)(void *ctx, const char *buf, size_t len);
	/** Console input: take up to @max bytes waiting for this device into @buf; returns how many (0: none). */
	size_t (*rx)(void *ctx, char *buf, size_t max);
	void *ctx;
};

/** One split virtqueue as the driver configured it [§2.7, §4.1.4.3]. */
struct vcon_queue {
	uint16_t size;          /**< entries (queue_size) */
	uint16_t msix_vector;   /**< queue_msix_vector */
	bool enabled;           /**< queue_enable was written 1 and the rings checked out */
	uint64_t desc, avail, used; /**< guest physical addresses of the three areas */
	volatile uint8_t *hdesc, *havail, *hused; /**< host pointers, valid while enabled */
	uint16_t last_avail;    /**< next avail.ring slot the device consumes (free-running) */
	uint16_t used_idx;      /**< the device's used.idx (free-running) */
};

/** One MSI-X table entry [PCI 3.0 §6.8.2.6-9]. */
struct vcon_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;   /**< ctrl bit 0: masked */
};

/** The whole device: PCI function, virtio transport and console state. */
struct vcon {
	const struct vcon_ops *ops;
	gpa_t bar_gpa;          /**< where BAR0 decodes (fixed: guest writes only reach bar_shadow) */
	uint32_t bar_shadow;    /**< what the guest last wrote to BAR0 (sizing reads the size mask) */
	uint16_t command;       /**< PCI Command: Memory Space, Bus Master, Interrupt Disable */
	uint16_t msix_ctrl;     /**< MSI-X Message Control: Enable (15), Function Mask (14) */
	struct vcon_msix_entry msix[VCON_MSIX_VECTORS];
	uint32_t pba;           /**< pending vectors (masked when signalled) */
	uint8_t pcicfg_bar;     /**< VIRTIO_PCI_CAP_PCI_CFG window: cap.bar, cap.offset, cap.length, pci_cfg_data */
	uint32_t pcicfg_off, pcicfg_len, pcicfg_data;
	/* virtio common configuration */
	uint32_t dev_feat_sel, drv_feat_sel;
	uint64_t drv_features;
	uint16_t config_vector;
	uint8_t status;
	uint8_t isr;            /**< bit 0 queue interrupt, bit 1 configuration change; read clears */
	uint8_t generation;
	uint16_t queue_sel;
	struct vcon_queue q[VCON_NR_QUEUES];
	enum vcon_fault broken; /**< VCON_OK, or why NEEDS_RESET is set */
	unsigned faults;        /**< times the device was marked NEEDS_RESET (never reset) */
};

/** Power-on state (a PCI reset: also the MSI-X table, BAR and Command) with BAR0 at @bar_gpa (4 KiB aligned). */
void vcon_init(struct vcon *v, const struct vcon_ops *ops, gpa_t bar_gpa);

/**
 * Configuration space read of @width bytes (1, 2 or 4, naturally aligned) at @off
 * (0..4095): the type 0 header, the virtio vendor capabilities (common, notify, ISR,
 * device, PCI configuration access) and the MSI-X capability. Bad widths and the
 * extended space 0x100.. read 0. Reading pci_cfg_data of the PCI configuration access
 * capability performs the BAR read it describes [Virtio 1.2 §4.1.4.9] (hence not const).
 */
uint32_t vcon_cfg_read(struct vcon *v, unsigned off, unsigned width);

/**
 * Configuration space write: Command (Memory Space, Bus Master, Interrupt Disable),
 * BAR0 (shadow only: the BAR keeps decoding at bar_gpa), MSI-X Message Control
 * (Enable, Function Mask) and the PCI configuration access capability's bar, offset,
 * length and pci_cfg_data (a write of the latter performs the BAR write) are writable;
 * everything else is read-only.
 */
void vcon_cfg_write(struct vcon *v, unsigned off, unsigned width, uint32_t val);

/**
 * Guest read of @width bytes (1, 2, 4 or 8) at offset @off of BAR0. All ones while
 * Memory Space is off; 0 outside the structures. Reading the ISR byte clears it.
 */
uint64_t vcon_bar_read(struct vcon *v, uint64_t off, unsigned width);

/**
 * Guest write to BAR0. A write to the notify address (the queue index) processes
 * that queue: every available transmit buffer goes to the console, receive buffers
 * are filled with waiting input; used entries are added and the queue's vector is
 * signalled unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
 */
void vcon_bar_write(struct vcon *v, uint64_t off, unsigned width, uint64_t val);

/**
 * Console input is waiting: fill available receive buffers (if the driver is
 * running and has posted any) and signal the receive queue. Input stays with the
 * owner (vcon_ops.rx) while there is no buffer. Returns true if bytes were delivered.
 */
bool vcon_rx_kick(struct vcon *v);

#endif
