/* SPDX-License-Identifier: MIT */
/*
 * Guest physical address map every partition sees (modelled on QEMU virt,
 * so unmodified guests find familiar addresses). Partition RAM may be placed
 * anywhere that does not overlap these windows.
 */
#ifndef PV_GUEST_LAYOUT_H
#define PV_GUEST_LAYOUT_H

#include "types.h"

/** Virtual IMSIC S-level window: vCPU k's interrupt file at GUEST_IMSIC_GPA + k * 4 KiB. */
#define GUEST_IMSIC_GPA      0x28000000ULL
#define GUEST_IMSIC_SIZE     0x01000000ULL   /* window reserved in the guest map */
/** Emulated 16550 console UART (one 4 KiB page). */
#define GUEST_UART_GPA       0x10000000ULL
#define GUEST_UART_SIZE      0x1000ULL
/** Virtual PCIe ECAM window and MMIO windows (PCI passthrough). */
#define GUEST_PCIE_ECAM_GPA  0x30000000ULL
#define GUEST_PCIE_ECAM_SIZE 0x10000000ULL
#define GUEST_PCIE_MMIO_GPA  0x40000000ULL
#define GUEST_PCIE_MMIO_SIZE 0x40000000ULL
/** Default guest RAM base when the config does not name one. */
#define GUEST_RAM_DEFAULT_GPA 0x80000000ULL
/** Bytes at the top of guest RAM that hold the generated guest device tree. */
#define GUEST_FDT_RESERVE    KiB(64)
/** Highest guest physical address + 1 the G-stage supports (Sv48x4: 50 bits). */
#define GUEST_GPA_LIMIT      (1ULL << 50)

#endif
