/* SPDX-License-Identifier: MIT */
/*
 * Partitions: G-stage address space, image loading, guest device tree, and
 * stop / reboot. A partition's RAM is host RAM that no other partition and not
 * the hypervisor owns (checked by config_parse), mapped 1:1 in size at its
 * guest base; vCPU k's virtual IMSIC page maps to its hart's guest interrupt file.
 */
#ifndef PV_PARTITION_H
#define PV_PARTITION_H

#include "core/model.h"

/** Every partition, in config order, and how many there are. */
extern struct partition hv_parts[PV_MAX_PARTITIONS];
extern unsigned hv_nr_parts;

/**
 * Build partition @p number @index from @cfg: G-stage (RAM, guest interrupt
 * files), vCPUs pinned to their pcpus, console client and UART.
 * Returns 0 or a negative PV_E* code (G-stage pool exhausted, overlap).
 */
int partition_setup(struct partition *p, unsigned index, const struct pv_part_config *cfg);

/** Bytes of G-stage table pages handed out so far, for every partition together (footprint report). */
size_t partition_gstage_bytes(void);

/**
 * (Re)load @p: write the guest device tree, reset its vCPUs and PCI functions,
 * and publish the memory job (p->load) that clears its RAM and copies the image
 * (and initrd) into it, which the partition's own harts carry out in parallel
 * in their run loop (core/run.c) before vCPU 0, now START_PENDING, enters the
 * guest. Bytes the images overwrite are not cleared first; everything else below
 * the device tree is zeroed. Returns 0 or a negative PV_E* code with the reason
 * printed.
 */
int partition_load(struct partition *p);

/**
 * Stop partition @p from its vCPU @caller (SRST, legacy shutdown): stop every
 * other vCPU, quiesce its devices, print its exit counters; if @reboot, load and
 * start it again. The machine powers off when every partition has stopped.
 * Does not return to the guest.
 */
void partition_stop(struct partition *p, struct vcpu *caller, bool reboot) __attribute__((noreturn));

/**
 * Guest (= host, the window is identity-mapped) physical address of the virtio
 * console's BAR0: the top VCON_BAR_SIZE bytes of the host bridge's 32-bit window,
 * which pci_enumerate (it allocates from the bottom) leaves free; without a usable
 * host window, the top of the guest's own GUEST_PCIE_MMIO window.
 */
gpa_t partition_vcon_bar(void);

/**
 * Print the time (time CSR ticks) and the exit counters of every running
 * partition: the console's status report after each input focus switch.
 */
void partition_print_exits(void);

#endif
