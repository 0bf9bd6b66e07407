/* SPDX-License-Identifier: MIT */
/*
 * MSI isolation per device: which guest interrupt files each PCI function of a
 * partition may reach. With MSI_FLAT they are the entries of that function's own
 * IOMMU MSI page table [RISC-V IOMMU spec §2.3.3 "MSI page tables", flat PTEs];
 * without, the leaf G-stage PTEs of the guest IMSIC pages in that function's own
 * second-stage table [§2.1.3 iohgatp] (core/passthrough.c builds both). Policy
 * "open": every vCPU's file; "composed": only the files an MSI_COMPOSE hypercall
 * opened for the function (docs/hypercall.md). Pure logic: a change reaches the
 * IOMMU through the owner's sync callback (invalidation and fence).
 */
#ifndef PV_VMSI_H
#define PV_VMSI_H

#include "arch/riscv/lock.h"
#include "core/config.h"
#include "types.h"

/** Identities 0..VMSI_MAX_IDS-1 can be tracked (AIA allows up to 2047 per file). */
#define VMSI_MAX_IDS 2048
#define VMSI_ID_WORDS (VMSI_MAX_IDS / 64)

/** How a partition's functions reach guest interrupt files (the IOMMU's capability). */
enum vmsi_mode {
	VMSI_NONE,    /**< no function, or no IOMMU */
	VMSI_FLAT,    /**< per-function MSI page tables, flat PTEs (capabilities.MSI_FLAT) */
	VMSI_GSTAGE,  /**< per-function second stage mapping only the reachable guest IMSIC pages */
};

/** One function's table of reachable interrupt files and what has been composed for it. */
struct vmsi_dev {
	/**
	 * vCPU k's entry is table[k * stride]: the MSI page table (stride 2: a PTE is
	 * two dwords, dword 1 kept 0) or the function's leaf G-stage slots of the guest
	 * IMSIC pages (stride 1).
	 */
	uint64_t *table;
	unsigned stride;
	uint64_t ids[PV_MAX_VCPUS][VMSI_ID_WORDS];       /**< identities composed, per vCPU */
	uint16_t nr[PV_MAX_VCPUS];                       /**< how many, per vCPU */
};

/** A partition's MSI state. */
struct vmsi {
	enum pv_msi_policy policy;
	enum vmsi_mode mode;
	unsigned nr_devs;                  /**< functions: guest 00:i.0 is devs[i] */
	unsigned nr_vcpus;
	uint32_t nr_ids;                   /**< identities per guest interrupt file (1..nr_ids) */
	uint64_t pte[PV_MAX_VCPUS];        /**< entry that opens vCPU k's guest interrupt file (flat MSI PTE dword 0, or G-stage leaf PTE) */
	struct vmsi_dev devs[PV_MAX_PCI];
	/** Make a change of devs[@dev].table visible to the IOMMU; 0 or a PV_E* code. */
	int (*sync)(void *ctx, unsigned dev);
	void *sync_ctx;
	spinlock_t lock;
};

/**
 * Start over (partition start): every function's vCPU entries as the policy
 * says (open: every vCPU's PTE; composed: none), nothing composed. Entries are
 * written, not synced: call before the devices may send MSIs.
 */
void vmsi_reset(struct vmsi *m);

/**
 * MSI_COMPOSE: let function @dev send identity @id to vCPU @vcpu's interrupt file
 * and return the guest physical MSI address in *@addr (the data is @id). In policy
 * "composed" the first identity composed for (@dev, @vcpu) writes that vCPU's PTE
 * into the function's table and syncs it before returning. Composing twice is
 * allowed (no count). Returns 0, -PV_ENOENT (no such function), -PV_EINVAL (vCPU
 * or identity out of range) or the sync callback's error.
 */
int vmsi_compose(struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id, gpa_t *addr);

/**
 * MSI_RELEASE: undo vmsi_compose(@dev, @vcpu, @id). In policy "composed" the last
 * identity released for (@dev, @vcpu) clears that PTE (synced): the function's
 * MSIs to that file are blocked again. Returns 0, -PV_ENOENT (no such function),
 * -PV_EINVAL (out of range), -PV_EALREADY (not composed), or the sync error.
 */
int vmsi_release(struct vmsi *m, unsigned dev, unsigned vcpu, uint32_t id);

#endif
