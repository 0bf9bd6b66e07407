/* SPDX-License-Identifier: MIT */
/*
 * IMSIC [AIA IMSIC.adoc]: the geometry of the interrupt files (pure: file
 * addresses from the device-tree parameters) and the hypervisor's use of its
 * own S-level file (enable, claim, send) and of guest files (reset).
 */
#ifndef PV_IMSIC_H
#define PV_IMSIC_H

#include "types.h"

/**
 * S-level IMSIC geometry [AIA IMSIC.adoc "Interrupt files", binding riscv,imsics.yaml].
 * The S file of hart index h in group g is at
 *   s_base + (g << group_index_shift) + (h << (12 + guest_index_bits)),
 * and guest interrupt file i (1..2^guest_index_bits - 1) of that hart is the S file + i * 4 KiB.
 */
struct imsic_geom {
	hpa_t s_base;               /**< base of group 0's S-level region */
	uint64_t s_size;            /**< size of group 0's `reg` window, bytes */
	unsigned guest_index_bits;  /**< riscv,guest-index-bits */
	unsigned hart_index_bits;   /**< riscv,hart-index-bits (binding default applied) */
	unsigned group_index_bits;  /**< riscv,group-index-bits (default 0) */
	unsigned group_index_shift; /**< riscv,group-index-shift (default 24) */
	uint32_t num_ids;           /**< riscv,num-ids: interrupt identities 1..num_ids */
	unsigned nr_harts;          /**< entries of interrupts-extended */
	int fdt_node;               /**< offset of the IMSIC node in the host FDT */
};

/**
 * Host physical address of guest interrupt file @guest (1-based, as in hstatus.VGEIN)
 * of the hart with IMSIC hart index @hart_index (group 0). [AIA IMSIC.adoc]
 */
hpa_t imsic_guest_file_hpa(const struct imsic_geom *im, unsigned hart_index, unsigned guest);

/** Host physical address of the S-level interrupt file of IMSIC hart index @hart_index. */
hpa_t imsic_s_file_hpa(const struct imsic_geom *im, unsigned hart_index);
/* hart_index counts interrupts-extended entries: group = index >> hart_index_bits, hart = the low bits. */

/** Turn on delivery in this hart's S-level interrupt file (threshold 0, nothing enabled) and set sie.SEIE. */
void imsic_hv_init(void);
/** Enable identity @id (1..63) in this hart's S-level interrupt file. */
void imsic_hv_enable(uint32_t id);
/** Disable identity @id (1..63) in this hart's S-level interrupt file (it stays pending if raised). */
void imsic_hv_disable(uint32_t id);
/** Make identity @id (1..63) pending in this hart's S-level interrupt file (eip0). */
void imsic_hv_set_pending(uint32_t id);
/** Claim the highest pending identity of this hart's S-level file (stopei); 0 if none. */
uint32_t imsic_hv_claim(void);
/** Raise identity @id in the interrupt file at host physical address @file (seteipnum_le). */
void imsic_send(hpa_t file, uint32_t id);
/**
 * Reset guest interrupt file @guest_file (1-based) of this hart to its power-on
 * state: delivery off, threshold 0, no enabled or pending identity among
 * 1..@num_ids. Used before a partition (re)starts so nothing leaks from a previous run.
 */
void imsic_guest_file_reset(unsigned guest_file, uint32_t num_ids);

#endif
