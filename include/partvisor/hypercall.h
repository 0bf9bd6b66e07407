/* SPDX-License-Identifier: MIT */
/*
 * partvisor hypercall ABI v1, for guest authors (include or copy this file; it
 * depends on nothing else). An SBI extension in the experimental range
 * [SBI binary-encoding.adoc "SBI Extension ID (EID) ranges"]: a7 = EID, a6 = FID,
 * arguments in a0..a2, result a0 = SBI error code, a1 = value. Present when SBI
 * probe_extension(PARTVISOR_EID) returns non-zero. docs/hypercall.md documents
 * every call, its errors and the MSI policies.
 */
#ifndef PARTVISOR_HYPERCALL_H
#define PARTVISOR_HYPERCALL_H

/** Extension ID ("PV" in the SBI experimental space 0x08000000-0x08FFFFFF). */
#define PARTVISOR_EID 0x08505600UL

/* Function IDs. */
/** v0, deprecated: a0 = vCPU, a1 = identity -> a1 = the vCPU's MSI address. Opens nothing. */
#define PARTVISOR_FID_MSI_ADDR    0
/** GET_INFO(a0 = item) -> a1 = value (PARTVISOR_INFO_*). The null hypercall. */
#define PARTVISOR_FID_GET_INFO    1
/**
 * MSI_COMPOSE(a0 = device, a1 = vCPU, a2 = identity) -> a1 = MSI address.
 * device = the function's BDF on the partition's virtual host bridge
 * (bus << 8 | dev << 3 | fn); the MSI data is the identity itself. On return
 * the device can deliver that MSI.
 */
#define PARTVISOR_FID_MSI_COMPOSE 2
/** MSI_RELEASE(a0 = device, a1 = vCPU, a2 = identity): undoes one MSI_COMPOSE. */
#define PARTVISOR_FID_MSI_RELEASE 3

/* GET_INFO items. */
#define PARTVISOR_INFO_VERSION    0   /**< ABI version: major << 16 | minor (1.0 = 0x10000) */
#define PARTVISOR_INFO_FEATURES   1   /**< PARTVISOR_FEAT_* bits */
#define PARTVISOR_INFO_NR_VCPUS   2   /**< vCPUs of the partition (hart ids 0..n-1) */
#define PARTVISOR_INFO_NR_IDS     3   /**< interrupt identities per guest interrupt file (1..n) */
#define PARTVISOR_INFO_NR_DEVICES 4   /**< functions on the virtual host bridge (00:00.0 .. 00:n-1.0) */

#define PARTVISOR_VERSION         0x00010000UL

/* Feature bits. */
#define PARTVISOR_FEAT_MSI_FLAT   (1UL << 0) /**< MSIs are translated by per-device IOMMU MSI page tables */
#define PARTVISOR_FEAT_COMPOSED   (1UL << 1) /**< policy "composed": a device reaches only what MSI_COMPOSE opened */
#define PARTVISOR_FEAT_MSI_GSTAGE (1UL << 2) /**< no MSI page tables: MSIs go through per-device second-stage tables */

#endif
