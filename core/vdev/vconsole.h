/* SPDX-License-Identifier: MIT */
/*
 * A partition's virtio console (the vcon model, vcon.h) as function 00:<slot>.0 of
 * its virtual PCIe host bridge: configuration space through the bridge's ECAM
 * window (vpci.h, struct vpci_emul), BAR0 through an MMIO window (mmio.h), output
 * on a console stream, input from the partition's console client, delivered when
 * the console reports it (con_client.input_ready): nothing polls.
 *
 * Locking: one lock per device. Console input that arrives while another hart holds
 * it (e.g. a vCPU transmitting) is left to the holder, which delivers it before it
 * lets go, so the hart taking console interrupts never waits on a guest's output.
 */
#ifndef PV_VCONSOLE_H
#define PV_VCONSOLE_H

#include "arch/riscv/lock.h"
#include "core/console.h"
#include "core/vdev/mmio.h"
#include "core/vdev/vcon.h"
#include "core/vdev/vpci.h"

/** What the partition provides: its RAM and its interrupt files (the device knows neither). */
struct vconsole_owner {
	/** Host pointer to [@g, @g + @len) if inside the partition's RAM, else NULL. */
	void *(*gpa_to_host)(void *ctx, gpa_t g, uint64_t len);
	/** Deliver an MSI the guest programmed (32-bit @data to guest physical @addr); the owner checks the address. */
	void (*msi)(void *ctx, uint64_t addr, uint32_t data);
	/** The other stream of the writer now (the running vCPU's DBCN), or NULL: its partial line is ended first. */
	struct con_stream *(*other)(void);
	/** The device set NEEDS_RESET because of @why (a guest error: the owner reports it rate-limited). */
	void (*fault)(void *ctx, enum vcon_fault why);
	void *ctx;
};

/** One emulated virtio console. */
struct vconsole {
	struct vcon dev;
	struct vcon_ops ops;
	struct vconsole_owner owner;
	spinlock_t lock;
	volatile uint32_t kick;      /**< input arrived while the lock was held */
	struct con_stream out;       /**< transmitted bytes, a line at a time */
	struct con_client *in;
	unsigned faults_seen;        /**< dev.faults already reported */
};

/**
 * Set up @c as guest function 00:@slot.0 of @pci with BAR0 decoding at @bar
 * (VCON_BAR_SIZE bytes, 4 KiB aligned) through @bus, its output and input on
 * client @in, and make @in report input to it. Returns 0, -PV_EINVAL for a slot
 * outside 0..31 or one taken by a passed-through function, or mmio_add()'s error.
 */
int vconsole_attach(struct vconsole *c, struct mmio_bus *bus, struct vpci_bus *pci, unsigned slot, gpa_t bar,
		    struct con_client *in, const struct vconsole_owner *owner);

/** Back to the power-on state (PCI and virtio reset, partial output line dropped): the partition stopped or restarts. */
void vconsole_reset(struct vconsole *c);

/** Console input is waiting for @c's client: deliver it into posted receive buffers. Any hart. */
void vconsole_input(struct vconsole *c);

/** Queue the partial output line of @c now (another stream of the same writer follows). */
void vconsole_break(struct vconsole *c);

/** Write out what @c's stream holds (at stop). */
void vconsole_flush(struct vconsole *c);

#endif
