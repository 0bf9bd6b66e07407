/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU 1.0 in-memory data structures: encoding and decoding only
 * [RISC-V IOMMU spec v1.0.1]. Pure logic (no MMIO, no CSR); see iommu_hw.h.
 *
 * Spec sections used:
 *   - "Register layout", "capabilities"        -> iommu_caps_check()
 *   - §2.1   device-directory table (extended 64-byte device contexts)
 *   - §2.1.3 device context fields (tc, iohgatp, msiptp, msi_addr_*)
 *   - §2.3.3 MSI address recognition, index extraction, flat MSI PTEs
 *            (also AIA spec, IOMMU.adoc)
 *   - §3.1   command-queue encodings (IOTINVAL, IOFENCE.C, IODIR)
 *   - §3.2   fault-record layout and the CAUSE / TTYP tables
 */
#include "drivers/iommu/iommu_hw.h"

#define PPN_BITS        44                              /* iohgatp/msiptp PPN[43:0], PTE PPN[53:10] */
#define PPN_MASK        ((1ULL << PPN_BITS) - 1)
#define PA_BITS         (PAGE_SHIFT + PPN_BITS)          /* 56-bit physical addresses */
#define PTE_PPN_SHIFT   10
#define GSTAGE_ROOT_ALIGN KiB(16)

/* device context fields [§2.1.3] */
#define IOHGATP_MODE_SHIFT  60
#define IOHGATP_GSCID_SHIFT 44
#define MSIPTP_MODE_SHIFT   60
#define MSI_ADDR_BITS       52                           /* msi_addr_mask/pattern[51:0] */
#define MSI_ADDR_MASK       ((1ULL << MSI_ADDR_BITS) - 1)

/* device directory, extended format [§2.1] */
#define DDI0_BITS      6
#define DDIN_BITS      9
#define DDT_1LVL_BITS  DDI0_BITS                         /* 6 */
#define DDT_2LVL_BITS  (DDI0_BITS + DDIN_BITS)           /* 15 */
#define DDT_3LVL_BITS  (DDI0_BITS + 2 * DDIN_BITS)       /* 24 */
#define DDTE_V         (1ULL << 0)

/* commands [§3.1] */
#define CMD_FUNC3_SHIFT    7
#define CMD_AV             (1ULL << 10)
#define CMD_GV             (1ULL << 33)                  /* IOTINVAL */
#define CMD_DV             (1ULL << 33)                  /* IODIR */
#define CMD_GSCID_SHIFT    44
#define CMD_DATA_SHIFT     32                            /* IOFENCE.C DATA[63:32] */
#define CMD_DID_SHIFT      40
#define CMD_DID_MASK       ((1ULL << 24) - 1)
#define OP_IOTINVAL        1ULL
#define OP_IOFENCE         2ULL
#define OP_IODIR           3ULL
#define F3_IOTINVAL_VMA    0ULL
#define F3_IOTINVAL_GVMA   1ULL
#define F3_IOFENCE_C       0ULL
#define F3_IODIR_INVAL_DDT 0ULL

/* fault record dword 0 [§3.2] */
#define FR_CAUSE_MASK  0xfffULL
#define FR_PID_SHIFT   12
#define FR_PID_MASK    0xfffffULL
#define FR_PV          (1ULL << 32)
#define FR_PRIV        (1ULL << 33)
#define FR_TTYP_SHIFT  34
#define FR_TTYP_MASK   0x3fULL
#define FR_DID_SHIFT   40
#define FR_DID_MASK    0xffffffULL

#define CAUSE_CUSTOM_FIRST 2048
#define CAUSE_CUSTOM_LAST  4095


/* ---- device context ---------------------------------------------------------------------- */

int iommu_dc_encode(struct iommu_dc *dc, const struct iommu_dc_params *p)
{
	uint64_t root = p->gstage_root.v, msipt = p->msipt.v;

	*dc = (struct iommu_dc){ 0 };   /* on error: an invalid (V = 0) context */
	if (p->gstage_mode != IOMMU_IOHGATP_MODE_SV39X4 && p->gstage_mode != IOMMU_IOHGATP_MODE_SV48X4)
		return -PV_EINVAL;
	if (!IS_ALIGNED(root, GSTAGE_ROOT_ALIGN) || root >> PA_BITS)
		return -PV_EINVAL;
	if (!IS_ALIGNED(msipt, PAGE_SIZE) || msipt >> PA_BITS)
		return -PV_EINVAL;
	if ((p->msi_addr_mask | p->msi_addr_pattern) & ~MSI_ADDR_MASK)
		return -PV_EINVAL;

	dc->iohgatp = p->gstage_mode << IOHGATP_MODE_SHIFT |
		      (uint64_t)p->gscid << IOHGATP_GSCID_SHIFT |
		      root >> PAGE_SHIFT;
	if (msipt) {
		dc->msiptp = IOMMU_MSIPTP_MODE_FLAT << MSIPTP_MODE_SHIFT | msipt >> PAGE_SHIFT;
		dc->msi_addr_mask = p->msi_addr_mask;
		dc->msi_addr_pattern = p->msi_addr_pattern;
	}
	/* ta = 0 (no PSCID), fsc = 0 (Bare: no first stage), GADE = SADE = 0 */
	dc->tc = IOMMU_DC_TC_V;
	return 0;
}

/* ---- device directory -------------------------------------------------------------------- */

int iommu_ddt_mode(unsigned devid_bits)
{
	if (devid_bits <= DDT_1LVL_BITS)
		return IOMMU_DDTP_MODE_1LVL;
	if (devid_bits <= DDT_2LVL_BITS)
		return IOMMU_DDTP_MODE_2LVL;
	if (devid_bits <= DDT_3LVL_BITS)
		return IOMMU_DDTP_MODE_3LVL;
	return -PV_ERANGE;
}

unsigned iommu_ddt_levels(int mode)
{
	switch (mode) {
	case IOMMU_DDTP_MODE_1LVL:
		return 1;
	case IOMMU_DDTP_MODE_2LVL:
		return 2;
	case IOMMU_DDTP_MODE_3LVL:
		return 3;
	default:
		return 0;
	}
}

unsigned iommu_ddi(uint32_t devid, unsigned level)
{
	if (level == 0)
		return devid & ((1U << DDI0_BITS) - 1);
	if (level <= 2)
		return (devid >> (DDI0_BITS + DDIN_BITS * (level - 1))) & ((1U << DDIN_BITS) - 1);
	return 0;
}

uint64_t iommu_ddt_nonleaf(hpa_t next)
{
	return ((next.v >> PAGE_SHIFT) & PPN_MASK) << PTE_PPN_SHIFT | DDTE_V;
}

/* ---- MSI page table ---------------------------------------------------------------------- */

int iommu_msi_window(gpa_t base, unsigned nr_files, uint64_t *mask, uint64_t *pattern)
{
	uint64_t n = 1;

	if (nr_files == 0 || nr_files > IOMMU_MSI_TABLE_MAX)
		return -PV_EINVAL;
	while (n < nr_files)
		n <<= 1;
	if (!IS_ALIGNED(base.v, n * PAGE_SIZE))
		return -PV_EINVAL;
	*mask = n - 1;
	*pattern = (base.v >> PAGE_SHIFT) & ~(n - 1);
	return 0;
}

/* Gather the bits of @v selected by @mask into the low bits, in order (PEXT). */
static uint64_t bit_extract(uint64_t v, uint64_t mask)
{
	uint64_t out = 0;
	unsigned pos = 0;

	for (; mask; mask &= mask - 1) {
		uint64_t low = mask & -mask;

		if (v & low)
			out |= 1ULL << pos;
		pos++;
	}
	return out;
}

bool iommu_msi_match(gpa_t addr, uint64_t mask, uint64_t pattern, uint64_t *index)
{
	uint64_t page = addr.v >> PAGE_SHIFT;
	bool match;

	mask &= MSI_ADDR_MASK;
	match = (page & ~mask) == (pattern & MSI_ADDR_MASK & ~mask);
	if (index)
		*index = match ? bit_extract(page, mask) : 0;
	return match;
}

uint64_t iommu_msi_pte_flat(hpa_t file)
{
	return ((file.v >> PAGE_SHIFT) & PPN_MASK) << PTE_PPN_SHIFT | IOMMU_MSI_PTE_M_FLAT | IOMMU_MSI_PTE_V;
}

/* ---- commands ---------------------------------------------------------------------------- */

static uint64_t cmd_op(uint64_t opcode, uint64_t func3)
{
	return opcode | func3 << CMD_FUNC3_SHIFT;
}

struct iommu_cmd iommu_cmd_iofence(hpa_t addr, uint32_t data)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(OP_IOFENCE, F3_IOFENCE_C) | CMD_AV | (uint64_t)data << CMD_DATA_SHIFT,
		.dw1 = addr.v >> 2,
	};
}

struct iommu_cmd iommu_cmd_inval_ddt(uint32_t devid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(OP_IODIR, F3_IODIR_INVAL_DDT) | CMD_DV |
		       ((uint64_t)devid & CMD_DID_MASK) << CMD_DID_SHIFT,
	};
}

struct iommu_cmd iommu_cmd_inval_ddt_all(void)
{
	return (struct iommu_cmd){ .dw0 = cmd_op(OP_IODIR, F3_IODIR_INVAL_DDT) };
}

struct iommu_cmd iommu_cmd_inval_gvma(uint16_t gscid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(OP_IOTINVAL, F3_IOTINVAL_GVMA) | CMD_GV | (uint64_t)gscid << CMD_GSCID_SHIFT,
	};
}

struct iommu_cmd iommu_cmd_inval_vma(uint16_t gscid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(OP_IOTINVAL, F3_IOTINVAL_VMA) | CMD_GV | (uint64_t)gscid << CMD_GSCID_SHIFT,
	};
}

/* ---- fault records ----------------------------------------------------------------------- */

void iommu_fault_decode(const uint64_t rec[4], struct iommu_fault *f)
{
	uint64_t dw0 = rec[0];

	f->cause = (unsigned)(dw0 & FR_CAUSE_MASK);
	f->pid = (uint32_t)((dw0 >> FR_PID_SHIFT) & FR_PID_MASK);
	f->pv = dw0 & FR_PV;
	f->priv = dw0 & FR_PRIV;
	f->ttyp = (unsigned)((dw0 >> FR_TTYP_SHIFT) & FR_TTYP_MASK);
	f->did = (uint32_t)((dw0 >> FR_DID_SHIFT) & FR_DID_MASK);
	f->iotval = rec[2];
	f->iotval2 = rec[3];
}

struct code_name {
	unsigned code;
	const char *name;
};

/* Fault-record CAUSE encodings [§3.2]. */
static const struct code_name causes[] = {
	{ 1, "instruction access fault" },
	{ 4, "read address misaligned" },
	{ 5, "read access fault" },
	{ 6, "write/AMO address misaligned" },
	{ 7, "write/AMO access fault" },
	{ 12, "instruction page fault" },
	{ 13, "read page fault" },
	{ 15, "write/AMO page fault" },
	{ 20, "instruction guest-page fault" },
	{ 21, "read guest-page fault" },
	{ 23, "write/AMO guest-page fault" },
	{ 256, "all inbound transactions disallowed" },
	{ 257, "DDT entry load access fault" },
	{ 258, "DDT entry not valid" },
	{ 259, "DDT entry misconfigured" },
	{ 260, "transaction type disallowed" },
	{ 261, "MSI PTE load access fault" },
	{ 262, "MSI PTE not valid" },
	{ 263, "MSI PTE misconfigured" },
	{ 264, "MRIF access fault" },
	{ 265, "PDT entry load access fault" },
	{ 266, "PDT entry not valid" },
	{ 267, "PDT entry misconfigured" },
	{ 268, "DDT data corruption" },
	{ 269, "PDT data corruption" },
	{ 270, "MSI PT data corruption" },
	{ 271, "MSI MRIF data corruption" },
	{ 272, "internal datapath error" },
	{ 273, "IOMMU MSI write access fault" },
	{ 274, "first/second-stage PT data corruption" },
};

/* Fault-record TTYP encodings [§3.2]. */
static const struct code_name ttyps[] = {
	{ 0, "none" },
	{ 1, "untranslated instruction fetch" },
	{ 2, "untranslated read" },
	{ 3, "untranslated write/AMO" },
	{ 5, "translated instruction fetch" },
	{ 6, "translated read" },
	{ 7, "translated write/AMO" },
	{ 8, "PCIe ATS translation request" },
	{ 9, "PCIe message request" },
};

static const char *lookup(const struct code_name *t, size_t n, unsigned code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *iommu_cause_name(unsigned cause)
{
	const char *name = lookup(causes, ARRAY_SIZE(causes), cause);

	if (name)
		return name;
	if (cause >= CAUSE_CUSTOM_FIRST && cause <= CAUSE_CUSTOM_LAST)
		return "custom";
	return "reserved";
}

const char *iommu_ttyp_name(unsigned ttyp)
{
	const char *name = lookup(ttyps, ARRAY_SIZE(ttyps), ttyp);

	return name ? name : "reserved";
}

/* ---- capabilities ------------------------------------------------------------------------ */

#define CAPS_PROP "capabilities"

int iommu_caps_check(uint64_t caps, uint64_t gstage_mode, unsigned pa_bits, const char *node,
		     struct iommu_caps_info *info, struct pv_diag *diag)
{
	struct iommu_caps_info ci = {
		.version = (unsigned)(caps & IOMMU_CAP_VERSION_MASK),
		.sv39x4 = caps & IOMMU_CAP_SV39X4,
		.sv48x4 = caps & IOMMU_CAP_SV48X4,
		.msi_flat = caps & IOMMU_CAP_MSI_FLAT,
		.igs = (unsigned)((caps & IOMMU_CAP_IGS_MASK) >> IOMMU_CAP_IGS_SHIFT),
		.pas = (unsigned)((caps & IOMMU_CAP_PAS_MASK) >> IOMMU_CAP_PAS_SHIFT),
	};

	if (info)
		*info = ci;
	if (ci.version >> 4 != 1)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU version %u.%u not supported (need 1.x), capabilities 0x%llx",
				ci.version >> 4, ci.version & 0xf, (ull)caps);
	if (gstage_mode == IOMMU_IOHGATP_MODE_SV39X4) {
		if (!ci.sv39x4)
			return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
					"IOMMU lacks Sv39x4 G-stage translation, capabilities 0x%llx", (ull)caps);
	} else if (gstage_mode == IOMMU_IOHGATP_MODE_SV48X4) {
		if (!ci.sv48x4)
			return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
					"IOMMU lacks Sv48x4 G-stage translation, capabilities 0x%llx", (ull)caps);
	} else {
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"G-stage mode %llu is neither Sv39x4 nor Sv48x4, capabilities 0x%llx",
				(ull)gstage_mode, (ull)caps);
	}
	if (!ci.msi_flat)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU lacks MSI_FLAT (MSI page tables, extended device contexts), capabilities 0x%llx",
				(ull)caps);
	if (ci.igs == IOMMU_IGS_WSI)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU signals wired interrupts only (IGS=WSI): wired-only interrupts are not supported, "
				"capabilities 0x%llx", (ull)caps);
	if (ci.igs != IOMMU_IGS_MSI && ci.igs != IOMMU_IGS_BOTH)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU interrupt generation IGS=%u is reserved, capabilities 0x%llx", ci.igs, (ull)caps);
	if (ci.pas < pa_bits)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU physical address width %u bits is below the %u bits needed, capabilities 0x%llx",
				ci.pas, pa_bits, (ull)caps);
	return 0;
}
