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
 * Each hart has 2^guest_index_bits consecutive 4 KiB pages: its S file, then guest
 * interrupt file i (1..2^guest_index_bits - 1) at S file + i * 4 KiB. The harts of the
 * interrupts-extended list take the `reg` windows in order, each window holding as
 * many harts as fit (as Linux's IMSIC driver reads it): one window per group (socket)
 * at base + (group << group_index_shift), groups of any size.
 */
/** Interrupt-file entries (harts) one IMSIC description can have. */
#define IMSIC_MAX_HARTS 16

struct imsic_geom {
	hpa_t s_base;               /**< base of the first `reg` window (group 0) */
	uint64_t s_size;            /**< size of the first `reg` window, bytes */
	hpa_t files[IMSIC_MAX_HARTS]; /**< S-level file of interrupts-extended entry i */
	hpa_t end;                  /**< one past the highest file of any entry (guest files included) */
	unsigned guest_index_bits;  /**< riscv,guest-index-bits */
	unsigned hart_index_bits;   /**< riscv,hart-index-bits (binding default applied) */
	unsigned group_index_bits;  /**< riscv,group-index-bits (default 0) */
	unsigned group_index_shift; /**< riscv,group-index-shift (default 24) */
	uint32_t num_ids;           /**< riscv,num-ids: interrupt identities 1..num_ids of the S files */
	uint32_t num_guest_ids;     /**< riscv,num-guest-ids (default num_ids): identities of guest files */
	unsigned nr_harts;          /**< entries of interrupts-extended */
	int fdt_node;               /**< offset of the IMSIC node in the host FDT */
};

/**
 * Host physical address of guest interrupt file @guest (1-based, as in hstatus.VGEIN)
 * of the hart that is entry @hart_index of the IMSIC's interrupts-extended. [AIA IMSIC.adoc]
 */
hpa_t imsic_guest_file_hpa(const struct imsic_geom *im, unsigned hart_index, unsigned guest);

/** Host physical address of the S-level interrupt file of interrupts-extended entry @hart_index. */
hpa_t imsic_s_file_hpa(const struct imsic_geom *im, unsigned hart_index);

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
