/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU 1.0 in-memory data structures: encoding and decoding only
 * [RISC-V IOMMU spec v1.0.1]. Pure logic (no MMIO, no CSR); see iommu_hw.h. Field
 * masks are in iommu_bits.h; section numbers are the 1.0 document's.
 *
 * Spec sections used:
 *   - §5.3   capabilities                      -> iommu_caps_check()
 *   - §2.1   device-directory table (extended 64-byte device contexts with MSI_FLAT, base
 *            32-byte ones without), §2.1.1 non-leaf entries
 *   - §2.1.3 device context fields (tc, iohgatp, msiptp, msi_addr_*)
 *   - §2.3.3 MSI address recognition, index extraction, flat MSI PTEs
 *            (also AIA spec, IOMMU.adoc)
 *   - §3.1   command-queue encodings (IOTINVAL, IOFENCE.C, IODIR)
 *   - §3.2   fault-record layout and the CAUSE / TTYP tables
 */
#include "drivers/iommu/iommu_hw.h"
#include "drivers/iommu/iommu_bits.h"

/* device directory [§2.1]: DDI[0] is 6 bits with extended (64-byte) contexts, 7 with base (32-byte) ones */
#define DDI0_BITS_EXT  6
#define DDI0_BITS_BASE 7
#define DDIN_BITS      9
#define DDT_MAX_BITS   24                                /* 3LVL, either format */

/* fault-record CAUSE values designated for custom use [§3.2] */
#define CAUSE_CUSTOM_FIRST 2048
#define CAUSE_CUSTOM_LAST  4095


/* ---- device context ---------------------------------------------------------------------- */

int iommu_dc_encode(struct iommu_dc *dc, const struct iommu_dc_params *p)
{
	uint64_t root = p->gstage_root.v, msipt = p->msipt.v;

	*dc = (struct iommu_dc){ 0 };   /* on error: an invalid (V = 0) context */
	if (p->gstage_mode != HGATP_MODE_SV39X4 && p->gstage_mode != HGATP_MODE_SV48X4)
		return -PV_EINVAL;
	if (!IS_ALIGNED(root, GSTAGE_ROOT_SIZE) || root >> HPA_BITS)
		return -PV_EINVAL;
	if (!IS_ALIGNED(msipt, PAGE_SIZE) || msipt >> HPA_BITS)
		return -PV_EINVAL;
	if ((p->msi_addr_mask & ~IOMMU_DC_MSI_MASK) | (p->msi_addr_pattern & ~IOMMU_DC_MSI_PATTERN))
		return -PV_EINVAL;

	dc->iohgatp = FIELD_PREP(IOMMU_IOHGATP_MODE, p->gstage_mode) |
		      FIELD_PREP(IOMMU_IOHGATP_GSCID, p->gscid) |
		      FIELD_PREP(IOMMU_IOHGATP_PPN, root >> PAGE_SHIFT);
	if (msipt) {
		dc->msiptp = FIELD_PREP(IOMMU_MSIPTP_MODE, IOMMU_MSIPTP_MODE_FLAT) |
			     FIELD_PREP(IOMMU_MSIPTP_PPN, msipt >> PAGE_SHIFT);
		dc->msi_addr_mask = FIELD_PREP(IOMMU_DC_MSI_MASK, p->msi_addr_mask);
		dc->msi_addr_pattern = FIELD_PREP(IOMMU_DC_MSI_PATTERN, p->msi_addr_pattern);
	}
	/* ta = 0 (no PSCID), fsc = 0 (Bare: no first stage), GADE = SADE = 0 */
	dc->tc = IOMMU_DC_TC_V;
	return 0;
}

/* ---- device directory -------------------------------------------------------------------- */

static unsigned ddi0_bits(bool extended)
{
	return extended ? DDI0_BITS_EXT : DDI0_BITS_BASE;
}

int iommu_ddt_mode(unsigned devid_bits, bool extended)
{
	unsigned d0 = ddi0_bits(extended);

	if (devid_bits <= d0)
		return IOMMU_DDTP_MODE_1LVL;
	if (devid_bits <= d0 + DDIN_BITS)
		return IOMMU_DDTP_MODE_2LVL;
	if (devid_bits <= DDT_MAX_BITS)
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

unsigned iommu_ddi(uint32_t devid, unsigned level, bool extended)
{
	unsigned d0 = ddi0_bits(extended);

	if (level == 0)
		return devid & ((1U << d0) - 1);
	if (level == 1)
		return (devid >> d0) & ((1U << DDIN_BITS) - 1);
	if (level == 2)   /* DDI[2] is what is left of the 24 bits: 9 bits extended, 8 base */
		return (devid >> (d0 + DDIN_BITS)) & ((1U << (DDT_MAX_BITS - d0 - DDIN_BITS)) - 1);
	return 0;
}

uint64_t iommu_ddt_nonleaf(hpa_t next)
{
	return FIELD_PREP(IOMMU_DDTE_PPN, next.v >> PAGE_SHIFT) | IOMMU_DDTE_V;
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

	mask &= IOMMU_DC_MSI_MASK;
	match = (page & ~mask) == (pattern & IOMMU_DC_MSI_PATTERN & ~mask);
	if (index)
		*index = match ? bit_extract(page, mask) : 0;
	return match;
}

uint64_t iommu_msi_pte_flat(hpa_t file)
{
	return FIELD_PREP(IOMMU_MSI_PTE_PPN, file.v >> PAGE_SHIFT) |
	       FIELD_PREP(IOMMU_MSI_PTE_M, IOMMU_MSI_PTE_M_BASIC) | IOMMU_MSI_PTE_V;
}

/* ---- commands ---------------------------------------------------------------------------- */

static uint64_t cmd_op(uint64_t opcode, uint64_t func3)
{
	return FIELD_PREP(IOMMU_CMD_OPCODE, opcode) | FIELD_PREP(IOMMU_CMD_FUNC3, func3);
}

struct iommu_cmd iommu_cmd_iofence(hpa_t addr, uint32_t data)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(IOMMU_CMD_IOFENCE, IOMMU_CMD_IOFENCE_C) | IOMMU_CMD_IOFENCE_AV |
		       FIELD_PREP(IOMMU_CMD_IOFENCE_DATA, data),
		.dw1 = FIELD_PREP(IOMMU_CMD_IOFENCE_ADDR, addr.v >> 2),
	};
}

struct iommu_cmd iommu_cmd_inval_ddt(uint32_t devid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(IOMMU_CMD_IODIR, IOMMU_CMD_IODIR_INVAL_DDT) | IOMMU_CMD_IODIR_DV |
		       FIELD_PREP(IOMMU_CMD_IODIR_DID, devid),
	};
}

struct iommu_cmd iommu_cmd_inval_ddt_all(void)
{
	return (struct iommu_cmd){ .dw0 = cmd_op(IOMMU_CMD_IODIR, IOMMU_CMD_IODIR_INVAL_DDT) };
}

struct iommu_cmd iommu_cmd_inval_gvma(uint16_t gscid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(IOMMU_CMD_IOTINVAL, IOMMU_CMD_IOTINVAL_GVMA) | IOMMU_CMD_IOTINVAL_GV |
		       FIELD_PREP(IOMMU_CMD_IOTINVAL_GSCID, gscid),
	};
}

struct iommu_cmd iommu_cmd_inval_vma(uint16_t gscid)
{
	return (struct iommu_cmd){
		.dw0 = cmd_op(IOMMU_CMD_IOTINVAL, IOMMU_CMD_IOTINVAL_VMA) | IOMMU_CMD_IOTINVAL_GV |
		       FIELD_PREP(IOMMU_CMD_IOTINVAL_GSCID, gscid),
	};
}

/* ---- fault records ----------------------------------------------------------------------- */

void iommu_fault_decode(const uint64_t rec[4], struct iommu_fault *f)
{
	uint64_t dw0 = rec[0];

	f->cause = (unsigned)FIELD_GET(IOMMU_FQ_CAUSE, dw0);
	f->pid = (uint32_t)FIELD_GET(IOMMU_FQ_PID, dw0);
	f->pv = dw0 & IOMMU_FQ_PV;
	f->priv = dw0 & IOMMU_FQ_PRIV;
	f->ttyp = (unsigned)FIELD_GET(IOMMU_FQ_TTYP, dw0);
	f->did = (uint32_t)FIELD_GET(IOMMU_FQ_DID, dw0);
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
		.version = (unsigned)FIELD_GET(IOMMU_CAP_VERSION, caps),
		.sv39x4 = caps & IOMMU_CAP_SV39X4,
		.sv48x4 = caps & IOMMU_CAP_SV48X4,
		.msi_flat = caps & IOMMU_CAP_MSI_FLAT,
		.igs = (unsigned)FIELD_GET(IOMMU_CAP_IGS, caps),
		.pas = (unsigned)FIELD_GET(IOMMU_CAP_PAS, caps),
	};
	unsigned major = (unsigned)FIELD_GET(IOMMU_VERSION_MAJOR, ci.version);

	if (info)
		*info = ci;
	if (major != 1)
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"IOMMU version %u.%u not supported (need 1.x), capabilities 0x%llx",
				major, (unsigned)FIELD_GET(IOMMU_VERSION_MINOR, ci.version), (ull)caps);
	if (gstage_mode == HGATP_MODE_SV39X4) {
		if (!ci.sv39x4)
			return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
					"IOMMU lacks Sv39x4 G-stage translation, capabilities 0x%llx", (ull)caps);
	} else if (gstage_mode == HGATP_MODE_SV48X4) {
		if (!ci.sv48x4)
			return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
					"IOMMU lacks Sv48x4 G-stage translation, capabilities 0x%llx", (ull)caps);
	} else {
		return diag_set(diag, PV_EINVAL, node, CAPS_PROP,
				"G-stage mode %llu is neither Sv39x4 nor Sv48x4, capabilities 0x%llx",
				(ull)gstage_mode, (ull)caps);
	}
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
