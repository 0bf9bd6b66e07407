/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU 1.0 data-structure encoding: registers, device contexts, MSI page
 * tables, commands and fault records [RISC-V IOMMU spec v1.0.1, §2, §3, §5].
 * Pure logic (no MMIO): built into the firmware and into the host unit tests.
 * The register-level driver that uses it is drivers/iommu/iommu.c; the register
 * offsets and every field mask are in drivers/iommu/iommu_bits.h. Section numbers (§)
 * are those of the ratified 1.0 document (see iommu_bits.h for the 1.0.1 numbering).
 * G-stage modes are hgatp's, HGATP_MODE_* from arch/riscv/gstage.h.
 */
#ifndef PV_IOMMU_HW_H
#define PV_IOMMU_HW_H

#include "arch/riscv/gstage.h"
#include "lib/diag.h"
#include "types.h"

/** Size of the register file, bytes: a platform or PCI BAR0 must provide this much [§5.1 "Register layout"]. */
#define IOMMU_REG_SIZE      0x1000

/** capabilities.IGS value: MSI generation only [§5.3]. */
#define IOMMU_IGS_MSI  0
/** capabilities.IGS value: wired interrupts only [§5.3]. */
#define IOMMU_IGS_WSI  1
/** capabilities.IGS value: both, chosen by fctl.WSI [§5.3]. */
#define IOMMU_IGS_BOTH 2

/** ddtp.iommu_mode value: no inbound transaction is allowed [§5.5]. */
#define IOMMU_DDTP_MODE_OFF  0
/** ddtp.iommu_mode value: no translation, no protection [§5.5]. */
#define IOMMU_DDTP_MODE_BARE 1
/** ddtp.iommu_mode value: 1-level device directory [§5.5]. */
#define IOMMU_DDTP_MODE_1LVL 2
/** ddtp.iommu_mode value: 2-level device directory [§5.5]. */
#define IOMMU_DDTP_MODE_2LVL 3
/** ddtp.iommu_mode value: 3-level device directory [§5.5]. */
#define IOMMU_DDTP_MODE_3LVL 4

/* ---- device context [spec §2.1.3]; field masks IOMMU_DC_* in iommu_bits.h ---- */
/**
 * Extended-format device context (64 bytes; used when capabilities.MSI_FLAT = 1)
 * [§2.1.2, §2.1.3]. Without MSI_FLAT the IOMMU uses the base format: the first
 * 32 bytes (tc, iohgatp, ta, fsc) only, with msiptp and the MSI address fields absent.
 */
struct iommu_dc {
	uint64_t tc;
	uint64_t iohgatp;
	uint64_t ta;
	uint64_t fsc;
	uint64_t msiptp;
	uint64_t msi_addr_mask;
	uint64_t msi_addr_pattern;
	uint64_t reserved;
};

/** What a partition's device context is made of, for iommu_dc_encode() [§2.1.3]. */
struct iommu_dc_params {
	hpa_t gstage_root;      /**< root of the partition's G-stage table (16 KiB, 16 KiB-aligned) */
	uint64_t gstage_mode;   /**< iohgatp.MODE: HGATP_MODE_SV39X4 or _SV48X4 (iohgatp uses hgatp's encoding) */
	uint16_t gscid;         /**< guest soft-context id (the partition's VMID) */
	hpa_t msipt;            /**< MSI page table (4 KiB-aligned), or 0 for none (msiptp Off) */
	uint64_t msi_addr_mask;    /**< page-number bits (address >> 12), from iommu_msi_window() */
	uint64_t msi_addr_pattern; /**< page-number bits (address >> 12), from iommu_msi_window() */
};

/**
 * Encode a valid extended device context for a passed-through device: G-stage
 * translation only (fsc = Bare, no first stage, no ATS/PRI), GADE = SADE = 0,
 * iohgatp = @p->gstage_mode/@p->gscid/@p->gstage_root, and MSI translation in
 * flat mode through @p->msipt when non-zero [spec §2.1.3, §2.3.3].
 * Returns 0, or -PV_EINVAL if the root is not 16 KiB-aligned, the MSI table not
 * 4 KiB-aligned, either address above 56 bits, the mode not Sv39x4/Sv48x4, or
 * mask/pattern wider than 52 bits; on error *@dc is all zeroes (not valid).
 * Mask and pattern are only stored when @p->msipt is non-zero.
 */
int iommu_dc_encode(struct iommu_dc *dc, const struct iommu_dc_params *p);

/** Bytes of one device context: 64 in the extended format (capabilities.MSI_FLAT = 1), 32 in the base format [§2.1]. */
#define IOMMU_DC_SIZE(extended) ((extended) ? 64u : 32u)

/**
 * Pick the device-directory mode for device_ids of @devid_bits bits, with extended
 * (64-byte, @extended) or base (32-byte) device contexts [spec §2.1: extended 1LVL up
 * to 6 bits, 2LVL up to 15; base 1LVL up to 7, 2LVL up to 16; 3LVL up to 24 in both].
 * Returns IOMMU_DDTP_MODE_1LVL/2LVL/3LVL, or -PV_ERANGE above 24 bits.
 */
int iommu_ddt_mode(unsigned devid_bits, bool extended);

/** Number of directory levels of ddtp mode @mode (1LVL -> 1 ... 3LVL -> 3), 0 for others [§5.5]. */
unsigned iommu_ddt_levels(int mode);

/**
 * Index into the directory page of @level (0 = leaf page of device contexts,
 * 1 and 2 = non-leaf pages) for @devid. Extended format (@extended): DDI[0] =
 * devid[5:0], DDI[1] = devid[14:6], DDI[2] = devid[23:15]; base format: DDI[0] =
 * devid[6:0], DDI[1] = devid[15:7], DDI[2] = devid[23:16] [spec §2.1 "Device-directory table"].
 */
unsigned iommu_ddi(uint32_t devid, unsigned level, bool extended);

/** Non-leaf device-directory entry pointing at the 4 KiB page @next (V = 1) [§2.1.1]. */
uint64_t iommu_ddt_nonleaf(hpa_t next);

/* ---- MSI page table [spec §2.3.3, AIA IOMMU.adoc]; PTE fields IOMMU_MSI_PTE_* in iommu_bits.h ---- */
/** MSI page-table entries one 4 KiB table holds (16 bytes each; also QEMU's limit) [§2.3.3]. */
#define IOMMU_MSI_TABLE_MAX    256

/**
 * Compute msi_addr_mask and msi_addr_pattern (page numbers, address >> 12) for a
 * guest whose virtual interrupt files are the @nr_files consecutive 4 KiB pages
 * from @base (file k at @base + k * 4 KiB). The mask covers the smallest power of
 * two >= @nr_files, so file k has MSI page-table index k.
 * Returns 0, or -PV_EINVAL if @nr_files is 0 or above IOMMU_MSI_TABLE_MAX, or if
 * @base is not aligned to that power of two times 4 KiB.
 */
int iommu_msi_window(gpa_t base, unsigned nr_files, uint64_t *mask, uint64_t *pattern);

/**
 * Whether a device write to @addr is an MSI to a virtual interrupt file under
 * @mask/@pattern, and if so its MSI page-table index in *@index (the bits of
 * address >> 12 selected by @mask, packed towards bit 0) [spec §2.3.3 steps 1-3].
 * @index may be NULL; it is set to 0 when there is no match.
 */
bool iommu_msi_match(gpa_t addr, uint64_t mask, uint64_t pattern, uint64_t *index);

/** Flat (basic translate mode, M = 3) MSI PTE dword 0 sending to the interrupt file page at @file [§2.3.3]. */
uint64_t iommu_msi_pte_flat(hpa_t file);

/* ---- commands [spec §3.1]; field masks IOMMU_CMD_* in iommu_bits.h ---- */
/** One command-queue entry (16 bytes) [§3.1]. */
struct iommu_cmd {
	uint64_t dw0;
	uint64_t dw1;
};
/** IOFENCE.C with AV = 1: on completion the IOMMU stores the 32-bit @data at @addr (4-byte aligned) [§3.1.2]. */
struct iommu_cmd iommu_cmd_iofence(hpa_t addr, uint32_t data);
/** IODIR.INVAL_DDT for one device_id @devid (DV = 1) [§3.1.3]. */
struct iommu_cmd iommu_cmd_inval_ddt(uint32_t devid);
/** IODIR.INVAL_DDT for all device contexts (DV = 0) [§3.1.3]. */
struct iommu_cmd iommu_cmd_inval_ddt_all(void);
/** IOTINVAL.GVMA for everything cached for guest soft-context @gscid (GV = 1, AV = 0) [§3.1.1]. */
struct iommu_cmd iommu_cmd_inval_gvma(uint16_t gscid);
/** IOTINVAL.VMA for everything cached for guest soft-context @gscid (GV = 1, AV = 0, PSCV = 0) [§3.1.1]. */
struct iommu_cmd iommu_cmd_inval_vma(uint16_t gscid);

/* ---- fault records [spec §3.2]; field masks IOMMU_FQ_* in iommu_bits.h ---- */
/** A decoded 32-byte fault-queue record [§3.2]. */
struct iommu_fault {
	unsigned cause;      /**< CAUSE[11:0] */
	unsigned ttyp;       /**< transaction type TTYP[5:0] */
	uint32_t did;        /**< device_id (PCIe: requester id, bus << 8 | dev << 3 | fn) */
	uint32_t pid;        /**< process_id, valid if pv */
	bool pv;
	bool priv;
	uint64_t iotval;     /**< faulting IOVA (for untranslated requests without first stage: the GPA) */
	uint64_t iotval2;    /**< guest-page faults: GPA information */
};
/** Decode fault record @rec (4 little-endian doublewords as read from the queue) [§3.2]. */
void iommu_fault_decode(const uint64_t rec[4], struct iommu_fault *f);
/** Name of fault cause @cause, e.g. "DDT entry not valid"; "reserved" / "custom" otherwise [§3.2 CAUSE table]. */
const char *iommu_cause_name(unsigned cause);
/** Name of transaction type @ttyp, e.g. "untranslated write/AMO"; "reserved" otherwise [§3.2 TTYP table]. */
const char *iommu_ttyp_name(unsigned ttyp);

/* ---- capability check [spec §5.3]; field masks IOMMU_CAP_* in iommu_bits.h ---- */
/** What the hypervisor needs of an IOMMU, found by iommu_caps_check() [§5.3]. */
struct iommu_caps_info {
	unsigned version;      /**< capabilities.version (0x10 = 1.0) */
	bool sv39x4, sv48x4;
	bool msi_flat;
	unsigned igs;          /**< IOMMU_IGS_* */
	unsigned pas;          /**< physical address bits */
};
/**
 * Check that an IOMMU with capabilities @caps can be used: version 1.x, the
 * G-stage mode @gstage_mode (HGATP_MODE_SV39X4/_SV48X4) the harts use, MSI
 * interrupt generation (IGS = MSI or BOTH), and PAS at least @pa_bits [§5.3].
 * MSI_FLAT is optional: @info->msi_flat says whether MSIs can be translated by
 * MSI page tables (extended device contexts) or only by the second stage.
 * Fills @info. Returns 0 or -PV_EINVAL with @diag naming node @node (for messages), property
 * "capabilities" and what is missing.
 */
int iommu_caps_check(uint64_t caps, uint64_t gstage_mode, unsigned pa_bits, const char *node,
		     struct iommu_caps_info *info, struct pv_diag *diag);

#endif
