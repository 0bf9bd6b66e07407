/* SPDX-License-Identifier: MIT */
/* IMSIC helpers for the hypervisor's own S-level interrupt file and for guest files [AIA IMSIC.adoc]. */
#ifndef PV_IMSIC_H
#define PV_IMSIC_H

#include "types.h"

/** Interrupt identity the hypervisor uses for hart-to-hart requests in S-level files. */
#define IMSIC_HV_IPI_ID 1
/** Identity of the IOMMU fault-queue interrupt in the boot hart's S-level file. */
#define IMSIC_HV_IOMMU_ID 2
#define ISELECT_EIP0 0x80

/** Enable this hart's S-level interrupt file for hypervisor IPIs and set sie.SEIE. */
void imsic_hv_init(void);
/** Claim the highest pending identity of this hart's S-level file (stopei); 0 if none. */
uint32_t imsic_hv_claim(void);
/** Raise identity @id in the interrupt file at host physical address @file (seteipnum_le). */
void imsic_send(hpa_t file, uint32_t id);
/**
 * Reset guest interrupt file @guest_file (1-based) of this hart to its power-on
 * state: delivery off, threshold 0, no enabled or pending identities. Used
 * before a partition (re)starts so nothing leaks from a previous run.
 */
void imsic_guest_file_reset(unsigned guest_file);

#endif
