/* SPDX-License-Identifier: MIT */
/*
 * Trap-and-emulate of guest MMIO windows [Priv ISA "Hypervisor Extension",
 * guest-page faults, htinst]. A window is left unmapped in the G-stage; a load
 * or store there takes a guest-page fault, which is decoded from htinst (or,
 * when the hardware leaves htinst 0, from the instruction itself read with
 * HLVX.HU) and handed to the window's handler. Users: the console UART, the
 * virtual PCIe host bridge.
 */
#ifndef PV_MMIO_H
#define PV_MMIO_H

#include "arch/riscv/hart.h"
#include "types.h"

/** Emulated windows one partition can have. */
#define MMIO_MAX_REGIONS 4

/**
 * An emulated MMIO window in a partition's guest physical space: accesses to it
 * are forwarded to @read/@write (offset in bytes from @base, width in bytes 1/2/4/8;
 * a store passes the whole source register, the device uses its low @width bytes).
 */
struct mmio_region {
	gpa_t base;
	uint64_t size;     /**< bytes */
	uint64_t (*read)(void *ctx, uint64_t offset, unsigned width);
	void (*write)(void *ctx, uint64_t offset, unsigned width, uint64_t val);
	void *ctx;
};

/** The emulated windows of one partition. */
struct mmio_bus {
	unsigned nr;
	struct mmio_region regions[MMIO_MAX_REGIONS];
};

/** Add window @r to @bus. Returns 0, -PV_ENOMEM when the table is full, -PV_EEXIST if it overlaps a window, -PV_EINVAL if it is empty. */
int mmio_add(struct mmio_bus *bus, const struct mmio_region *r);

/** The window of @bus that contains @g, or NULL. */
const struct mmio_region *mmio_find(const struct mmio_bus *bus, gpa_t g);

/**
 * Emulate the guest load/store that faulted at guest physical address @g with
 * registers @r, if a window of @bus covers it: decode @htinst (when 0, the
 * instruction at @r->sepc read with HLVX), check that its direction matches the
 * fault (@write: a store/AMO guest-page fault) and that the access stays inside
 * the window, perform it, write back rd, advance sepc. Returns true if handled;
 * false (nothing changed) otherwise, and the caller injects an access fault.
 */
bool mmio_emulate(const struct mmio_bus *bus, struct guest_regs *r, gpa_t g, uint64_t htinst, bool write);

#endif
