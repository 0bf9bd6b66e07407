/* SPDX-License-Identifier: MIT */
/*
 * MSI isolation per device: which guest interrupt files each PCI function of a
 * partition may reach, kept in that function's own IOMMU MSI page table
 * [RISC-V IOMMU spec §2.3.3 "MSI page tables", flat PTEs]. Policy "open": every
 * vCPU's file; "composed": only the files an MSI_COMPOSE hypercall opened for the
 * function (docs/hypercall.md). Pure logic: a change reaches the IOMMU through the
 * owner's sync callback (invalidation and fence).
 */
#ifndef PV_VMSI_H
#define PV_VMSI_H

#include "arch/riscv/lock.h"
#include "core/config.h"
#include "types.h"

/** Identities 0..VMSI_MAX_IDS-1 can be tracked (AIA allows up to 2047 per file). */
#define VMSI_MAX_IDS 2048
#define VMSI_ID_WORDS (VMSI_MAX_IDS / 64)

/** One function's MSI page table and what has been composed for it. */
struct vmsi_dev {
	uint64_t *table;                                 /**< its MSI page table: 2 dwords per vCPU */
	uint64_t ids[PV_MAX_VCPUS][VMSI_ID_WORDS];       /**< identities composed, per vCPU */
	uint16_t nr[PV_MAX_VCPUS];                       /**< how many, per vCPU */
};

/** A partition's MSI state. */
struct vmsi {
	enum pv_msi_policy policy;
	unsigned nr_devs;                  /**< functions: guest 00:i.0 is devs[i] */
	unsigned nr_vcpus;
	uint32_t nr_ids;                   /**< identities per guest interrupt file (1..nr_ids) */
	uint64_t pte[PV_MAX_VCPUS];        /**< flat MSI PTE (dword 0) of vCPU k's guest interrupt file */
	struct vmsi_dev devs[PV_MAX_PCI];
	/** Make a change of devs[@dev].table visible to the IOMMU; 0 or a PV_E* code. */
	int (*sync)(void *ctx, unsigned dev);
	void *sync_ctx;
	spinlock_t lock;
};

/**
 * Start over (partition start): every table as the policy says (open: every
 * vCPU's PTE; composed: none), nothing composed. Tables are written, not synced:
 * call before the devices may send MSIs.
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
