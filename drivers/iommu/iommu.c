/* SPDX-License-Identifier: MIT */
/*
 * RISC-V IOMMU register-level driver [RISC-V IOMMU spec v1.0.1]:
 *  - initialisation per "Guidelines for initialization" (iommu_sw_guidelines.adoc);
 *  - command queue (§3.1) with IOFENCE.C completion to a memory flag, and errors
 *    (cmd_ill, cmd_to, cqmf) reported instead of waiting forever;
 *  - fault queue (§3.2) with an MSI into the hypervisor's S-level interrupt file;
 *  - device directory (§2.1) with as many levels as the device_id width needs,
 *    pages from a static pool.
 * The hypervisor runs with satp = Bare, so physical addresses are used directly
 * (hpa_of() / hpa_ptr()). Registers and fields: iommu_bits.h (1.0 section numbers).
 */
#include <stdio.h>
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/lock.h"
#include "drivers/iommu/iommu.h"
#include "drivers/iommu/iommu_bits.h"
#include "drivers/pci/pci.h"
#include "lib/log.h"
#include "lib/ratelimit.h"

#define CQ_LOG2    6                  /* 64 commands, 1 KiB */
#define FQ_LOG2    6                  /* 64 fault records, 2 KiB */
#define CQ_ENTRIES (1u << CQ_LOG2)
#define FQ_ENTRIES (1u << FQ_LOG2)
#define DDT_PAGES  16                 /* device-directory pages (root included) */
#define VEC_CQ     0                  /* icvec vectors (msi_cfg_tbl indexes) */
#define VEC_FQ     1
#define VEC_PM     2
#define VEC_PQ     3
#define MAX_OWNERS 64                 /* device_ids remembered: attached ones and faulting strangers */
#define FAULT_REPORT_BURST 16         /* reports per device, then one per second (never refilled by a reboot) */
#define FQ_BUDGET 64                  /* fault records handled per interrupt; the rest after a pause */
#define QUARANTINE_FAULTS 512         /* faults seen within one second after which a device is blocked */
#define POLL_TIMEOUT_MS 1000

static struct iommu_cmd cq[CQ_ENTRIES] __attribute__((aligned(4096)));
static uint64_t fq[FQ_ENTRIES][4] __attribute__((aligned(4096)));
static uint64_t ddt_pages[DDT_PAGES][512] __attribute__((aligned(4096)));
static volatile uint32_t fence_flag __attribute__((aligned(8)));

static struct {
	bool on;
	hpa_t regs;              /* register file */
	const char *name;
	int mode;                /* ddtp.iommu_mode */
	struct iommu_caps_info caps;
	unsigned ddt_used;       /* pages of ddt_pages[] in use */
	uint32_t cq_tail;
	uint32_t fence_seq;
	uint64_t timebase_hz;
	spinlock_t lock;         /* command queue and directory */
	spinlock_t fq_lock;
	unsigned nr_owners;
	struct owner {
		uint32_t devid;
		const char *owner;          /* partition name, NULL for a device nobody owns */
		struct iommu_dc_params dc;  /* its device context (attached devices) */
		uint32_t faults;            /* seen in the current one-second window */
		uint64_t window;            /* start of that window, time ticks */
		bool quarantined;
		bool noted;                 /* "further faults are not reported" printed */
		struct ratelimit rl;
	} owners[MAX_OWNERS];
	struct ratelimit overflow_rl;
	void (*quarantine)(uint32_t devid, void *ctx);
	void *quarantine_ctx;
} io;

/* An all-invalid G-stage root: a device context using it blocks every DMA and MSI. */
static uint64_t blocked_root[2048] __attribute__((aligned(16384)));
/* GSCID of the blocked context (partitions use their VMID, 1 and up). */
#define BLOCKED_GSCID 0

/* ---- register access (4- and 8-byte aligned only [spec §5.1 "Register layout"]) ---- */
static uint32_t rd32(unsigned off) { return *(volatile uint32_t *)hpa_ptr(hpa_add(io.regs, off)); }
static uint64_t rd64(unsigned off) { return *(volatile uint64_t *)hpa_ptr(hpa_add(io.regs, off)); }
static void wr32(unsigned off, uint32_t v)
{
	__asm__ volatile("fence rw, o" ::: "memory");
	*(volatile uint32_t *)hpa_ptr(hpa_add(io.regs, off)) = v;
}
static void wr64(unsigned off, uint64_t v)
{
	__asm__ volatile("fence rw, o" ::: "memory");
	*(volatile uint64_t *)hpa_ptr(hpa_add(io.regs, off)) = v;
}

static uint64_t now_ticks(void) { return arch_time(); }
static uint64_t ms_ticks(unsigned ms) { return io.timebase_hz / 1000 * ms; }

/* Poll until (reg & mask) == want; false on timeout. */
static bool poll32(unsigned off, uint32_t mask, uint32_t want)
{
	uint64_t t0 = now_ticks();

	while ((rd32(off) & mask) != want)
		if (now_ticks() - t0 > ms_ticks(POLL_TIMEOUT_MS))
			return false;
	return true;
}

/* ---- command queue [spec §3.1] ---- */

/* Report and clear command-queue errors; returns true if there was one. */
static bool cq_error(void)
{
	uint32_t csr = rd32(IOMMU_REG_CQCSR);
	uint32_t err = csr & (IOMMU_QCSR_MF | IOMMU_CQCSR_CMD_TO | IOMMU_CQCSR_CMD_ILL);

	if (!err)
		return false;
	pr("partvisor: iommu: command queue error%s%s%s at cqh %u; queue restarted, batch dropped\n",
	   err & IOMMU_CQCSR_CMD_ILL ? " illegal-command" : "", err & IOMMU_CQCSR_CMD_TO ? " timeout" : "",
	   err & IOMMU_QCSR_MF ? " memory-fault" : "", rd32(IOMMU_REG_CQH));
	/*
	 * cqh still points at the failing command, which would run again once the error bits are
	 * cleared. Turn the queue off and on instead: cqen 0 -> 1 empties it (cqh = 0) and clears
	 * the error bits [spec §5.15 cqcsr]; the caller reports the batch as failed.
	 */
	wr32(IOMMU_REG_CQCSR, 0);
	poll32(IOMMU_REG_CQCSR, IOMMU_QCSR_ON | IOMMU_QCSR_BUSY, 0);
	wr32(IOMMU_REG_CQT, 0);
	io.cq_tail = 0;
	wr32(IOMMU_REG_CQCSR, IOMMU_QCSR_EN);
	poll32(IOMMU_REG_CQCSR, IOMMU_QCSR_ON, IOMMU_QCSR_ON);
	return true;
}

/* Append @n commands and ring the doorbell. Caller holds io.lock. */
static int cq_push(const struct iommu_cmd *cmds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t next = (io.cq_tail + 1) & (CQ_ENTRIES - 1);
		uint64_t t0 = now_ticks();

		/* Full when tail + 1 == head. */
		while (rd32(IOMMU_REG_CQH) == next) {
			if (cq_error())
				return -PV_EINVAL;
			if (now_ticks() - t0 > ms_ticks(POLL_TIMEOUT_MS)) {
				pr("partvisor: iommu: command queue full and not advancing\n");
				return -PV_EINVAL;
			}
		}
		cq[io.cq_tail] = cmds[i];
		io.cq_tail = next;
	}
	wr32(IOMMU_REG_CQT, io.cq_tail);
	return 0;
}

/*
 * Submit @n commands followed by IOFENCE.C and wait for the fence's completion
 * store, which says the IOMMU has executed everything before it [spec §3.1.2].
 * Caller holds io.lock.
 */
static int cq_run(const struct iommu_cmd *cmds, unsigned n)
{
	struct iommu_cmd fence;
	uint64_t t0;
	uint32_t seq = ++io.fence_seq;
	int ret;

	if ((ret = cq_push(cmds, n)) < 0)
		return ret;
	fence = iommu_cmd_iofence(hpa_of((const void *)&fence_flag), seq);
	/* PR/PW: device reads and writes before it are complete too [§3.1.2] (DMA fence at partition stop). */
	fence.dw0 |= IOMMU_CMD_IOFENCE_PR | IOMMU_CMD_IOFENCE_PW;
	if ((ret = cq_push(&fence, 1)) < 0)
		return ret;
	t0 = now_ticks();
	while (fence_flag != seq) {
		if (cq_error())
			return -PV_EINVAL;
		if (now_ticks() - t0 > ms_ticks(POLL_TIMEOUT_MS)) {
			pr("partvisor: iommu: IOFENCE.C did not complete (cqh %u cqt %u cqcsr 0x%x)\n", rd32(IOMMU_REG_CQH),
			   io.cq_tail, rd32(IOMMU_REG_CQCSR));
			return -PV_EINVAL;
		}
	}
	return 0;
}

/* ---- device directory [spec §2.1] ---- */

static uint64_t *ddt_alloc(void)
{
	if (io.ddt_used >= DDT_PAGES)
		return NULL;
	memset(ddt_pages[io.ddt_used], 0, PAGE_SIZE);
	return ddt_pages[io.ddt_used++];
}

/*
 * The device context of @devid (IOMMU_DC_SIZE(io.caps.msi_flat) bytes: extended or
 * base format), allocating directory pages on the way. Caller holds io.lock.
 */
static uint64_t *ddt_lookup(uint32_t devid)
{
	bool ext = io.caps.msi_flat;
	uint64_t *page = ddt_pages[0];

	for (unsigned level = iommu_ddt_levels(io.mode) - 1; level > 0; level--) {
		uint64_t *e = &page[iommu_ddi(devid, level, ext)];

		if (!(*e & IOMMU_DDTE_V)) {
			uint64_t *next = ddt_alloc();

			if (!next)
				return NULL;
			__asm__ volatile("fence w, w" ::: "memory");
			*e = iommu_ddt_nonleaf(hpa_of(next));
		}
		page = hpa_ptr(hpa(FIELD_GET(IOMMU_DDTE_PPN, *e) << PAGE_SHIFT));
	}
	return page + iommu_ddi(devid, 0, ext) * (IOMMU_DC_SIZE(ext) / sizeof(uint64_t));
}

/* ---- public API ---- */

bool iommu_present(void)
{
	return io.on;
}

bool iommu_msi_flat(void)
{
	return io.on && io.caps.msi_flat;
}

int iommu_off(hpa_t base, uint64_t timebase_hz)
{
	uint64_t v;

	io.regs = base;
	io.timebase_hz = timebase_hz;
	if (!poll32(IOMMU_REG_DDTP, IOMMU_DDTP_BUSY, 0))
		return -PV_EINVAL;
	v = rd64(IOMMU_REG_DDTP);
	if (FIELD_GET(IOMMU_DDTP_MODE, v) != IOMMU_DDTP_MODE_OFF) {
		/* From Bare or a directory mode: keep the PPN [spec §5.3 ddtp], mode Off. */
		wr64(IOMMU_REG_DDTP, (v & ~(IOMMU_DDTP_MODE | IOMMU_DDTP_BUSY)) |
				     FIELD_PREP(IOMMU_DDTP_MODE, IOMMU_DDTP_MODE_OFF));
		if (!poll32(IOMMU_REG_DDTP, IOMMU_DDTP_BUSY, 0))
			return -PV_EINVAL;
	}
	return FIELD_GET(IOMMU_DDTP_MODE, rd64(IOMMU_REG_DDTP)) == IOMMU_DDTP_MODE_OFF ? 0 : -PV_EINVAL;
}

int iommu_init(const struct iommu_desc *d, struct pv_diag *diag)
{
	struct iommu_caps_info caps;
	uint64_t v;
	int ret;

	io.regs = d->base;
	io.name = d->name;
	io.timebase_hz = d->timebase_hz;
	io.quarantine = d->quarantine;
	io.quarantine_ctx = d->quarantine_ctx;
	/* Before anything else: no DMA passes untranslated (an earlier stage may have left Bare). */
	if ((ret = iommu_off(d->base, d->timebase_hz)) < 0)
		return diag_set(diag, PV_EINVAL, d->name, "ddtp", "does not turn Off (stays busy)");
	v = rd64(IOMMU_REG_CAPS);
	ret = iommu_caps_check(v, d->gstage_mode, d->pa_bits ? d->pa_bits : HPA_BITS, d->name, &caps, diag);
	if (ret < 0)
		return ret;
	if ((ret = iommu_ddt_mode(d->devid_bits, caps.msi_flat)) < 0)
		return diag_set(diag, PV_ERANGE, d->name, NULL, "device_ids of %u bits are wider than 24", d->devid_bits);
	io.mode = ret;
	io.caps = caps;

	/* All three queues off (the page-request queue is never used). */
	wr32(IOMMU_REG_CQCSR, 0);
	wr32(IOMMU_REG_FQCSR, 0);
	wr32(IOMMU_REG_PQCSR, 0);
	if (!poll32(IOMMU_REG_CQCSR, IOMMU_QCSR_ON | IOMMU_QCSR_BUSY, 0) ||
	    !poll32(IOMMU_REG_FQCSR, IOMMU_QCSR_ON | IOMMU_QCSR_BUSY, 0) ||
	    !poll32(IOMMU_REG_PQCSR, IOMMU_QCSR_ON | IOMMU_QCSR_BUSY, 0))
		return diag_set(diag, PV_EINVAL, d->name, "cqcsr", "queues do not turn off");

	/* Little-endian, MSI interrupt generation (fctl.WSI = 0; IGS is MSI or BOTH). */
	wr32(IOMMU_REG_FCTL, 0);
	if (rd32(IOMMU_REG_FCTL) & (IOMMU_FCTL_BE | IOMMU_FCTL_WSI))
		return diag_set(diag, PV_EINVAL, d->name, "fctl", "cannot select little-endian MSI mode (fctl 0x%x)",
				rd32(IOMMU_REG_FCTL));

	/* Vectors: fault queue -> msi_cfg_tbl[VEC_FQ] = our S-level file; the others stay masked. */
	wr64(IOMMU_REG_ICVEC, FIELD_PREP(IOMMU_ICVEC_PIV, VEC_PQ) | FIELD_PREP(IOMMU_ICVEC_PMIV, VEC_PM) |
			      FIELD_PREP(IOMMU_ICVEC_FIV, VEC_FQ) | FIELD_PREP(IOMMU_ICVEC_CIV, VEC_CQ));
	if (FIELD_GET(IOMMU_ICVEC_FIV, rd64(IOMMU_REG_ICVEC)) != VEC_FQ)
		return diag_set(diag, PV_EINVAL, d->name, "icvec", "fault-queue vector %u not supported", VEC_FQ);
	for (unsigned vec = 0; vec < 4; vec++) {
		wr64(IOMMU_REG_MSI_ADDR(vec), vec == VEC_FQ ? FIELD_PREP(IOMMU_MSI_ADDR, d->msi_target.v >> 2) : 0);
		wr32(IOMMU_REG_MSI_DATA(vec), vec == VEC_FQ ? FIELD_PREP(IOMMU_MSI_DATA, d->msi_id) : 0);
		wr32(IOMMU_REG_MSI_VEC_CTL(vec), vec == VEC_FQ ? 0 : IOMMU_MSI_VEC_CTL_M);
	}

	/* Command queue [guidelines step 5]. */
	memset(cq, 0, sizeof(cq));
	wr64(IOMMU_REG_CQB, FIELD_PREP(IOMMU_CQB_PPN, hpa_of(cq).v >> PAGE_SHIFT) |
			    FIELD_PREP(IOMMU_CQB_LOG2SZ_1, CQ_LOG2 - 1));
	wr32(IOMMU_REG_CQT, 0);
	io.cq_tail = 0;
	wr32(IOMMU_REG_CQCSR, IOMMU_QCSR_EN);
	if (!poll32(IOMMU_REG_CQCSR, IOMMU_QCSR_ON, IOMMU_QCSR_ON))
		return diag_set(diag, PV_EINVAL, d->name, "cqcsr", "command queue does not turn on (cqcsr 0x%x)",
				rd32(IOMMU_REG_CQCSR));

	/* Fault queue with interrupts [step 6]. */
	memset(fq, 0, sizeof(fq));
	wr64(IOMMU_REG_FQB, FIELD_PREP(IOMMU_FQB_PPN, hpa_of(fq).v >> PAGE_SHIFT) |
			    FIELD_PREP(IOMMU_FQB_LOG2SZ_1, FQ_LOG2 - 1));
	wr32(IOMMU_REG_FQH, 0);
	wr32(IOMMU_REG_FQCSR, IOMMU_QCSR_EN | IOMMU_QCSR_IE);
	if (!poll32(IOMMU_REG_FQCSR, IOMMU_QCSR_ON, IOMMU_QCSR_ON))
		return diag_set(diag, PV_EINVAL, d->name, "fqcsr", "fault queue does not turn on (fqcsr 0x%x)",
				rd32(IOMMU_REG_FQCSR));
	wr32(IOMMU_REG_IPSR, IOMMU_IPSR_CIP | IOMMU_IPSR_FIP | IOMMU_IPSR_PMIP | IOMMU_IPSR_PIP);

	/* Device directory, every entry invalid [step 7]. */
	io.ddt_used = 0;
	ddt_alloc();
	__asm__ volatile("fence rw, rw" ::: "memory");
	if (!poll32(IOMMU_REG_DDTP, IOMMU_DDTP_BUSY, 0))
		return diag_set(diag, PV_EINVAL, d->name, "ddtp", "stays busy");
	wr64(IOMMU_REG_DDTP, FIELD_PREP(IOMMU_DDTP_PPN, hpa_of(ddt_pages[0]).v >> PAGE_SHIFT) |
			     FIELD_PREP(IOMMU_DDTP_MODE, io.mode));
	if (!poll32(IOMMU_REG_DDTP, IOMMU_DDTP_BUSY, 0) ||
	    (int)FIELD_GET(IOMMU_DDTP_MODE, rd64(IOMMU_REG_DDTP)) != io.mode)
		return diag_set(diag, PV_EINVAL, d->name, "ddtp", "%u-level device directory not accepted (ddtp 0x%llx)",
				iommu_ddt_levels(io.mode), (ull)rd64(IOMMU_REG_DDTP));

	spin_lock(&io.lock);
	{
		struct iommu_cmd c = iommu_cmd_inval_ddt_all();

		ret = cq_run(&c, 1);
	}
	spin_unlock(&io.lock);
	if (ret < 0)
		return diag_set(diag, PV_EINVAL, d->name, "cqcsr", "the command queue does not execute commands");
	io.on = true;
	pr("partvisor: iommu: %s: version %u.%u, %u-level device directory (%u-bit device_ids, %s device contexts), "
	   "%s, fault interrupts to 0x%llx id %u\n", d->name, (unsigned)FIELD_GET(IOMMU_VERSION_MAJOR, caps.version),
	   (unsigned)FIELD_GET(IOMMU_VERSION_MINOR, caps.version),
	   iommu_ddt_levels(io.mode), d->devid_bits, caps.msi_flat ? "extended" : "base",
	   caps.msi_flat ? "MSI_FLAT: MSIs through MSI page tables" : "no MSI_FLAT: MSIs through the second stage",
	   (ull)d->msi_target.v, d->msi_id);
	return 0;
}

/* The remembered entry of @devid, added (as a device nobody owns) if new; NULL when the table is full. */
static struct owner *owner_of(uint32_t devid, bool add)
{
	for (unsigned i = 0; i < io.nr_owners; i++)
		if (io.owners[i].devid == devid)
			return &io.owners[i];
	if (!add || io.nr_owners == MAX_OWNERS)
		return NULL;
	io.owners[io.nr_owners] = (struct owner){ .devid = devid };
	return &io.owners[io.nr_owners++];
}

/*
 * Make @dc the device context of @devid and invalidate what the IOMMU may have
 * cached for it and for @gscid. Caller holds io.lock.
 */
static int dc_write(uint32_t devid, const struct iommu_dc *dc, uint16_t gscid)
{
	const uint64_t *src = (const uint64_t *)dc;
	unsigned n = IOMMU_DC_SIZE(io.caps.msi_flat) / sizeof(uint64_t);
	struct iommu_cmd cmds[3];
	uint64_t *slot;

	slot = ddt_lookup(devid);
	if (!slot) {
		pr("partvisor: iommu: device " BDF_FMT ": out of device-directory pages\n", BDF_ARGS(devid));
		return -PV_ENOMEM;
	}
	/* Invalidate, fill everything but tc, make it visible, then set tc.V [spec §2.1.3 / guidelines]. */
	slot[0] = 0;
	__asm__ volatile("fence w, w" ::: "memory");
	for (unsigned i = 1; i < n; i++)
		slot[i] = src[i];
	__asm__ volatile("fence w, w" ::: "memory");
	slot[0] = dc->tc;
	__asm__ volatile("fence rw, rw" ::: "memory");
	cmds[0] = iommu_cmd_inval_ddt(devid);
	cmds[1] = iommu_cmd_inval_vma(gscid);
	cmds[2] = iommu_cmd_inval_gvma(gscid);
	return cq_run(cmds, 3);
}

int iommu_attach(uint32_t devid, const struct iommu_dc_params *p, const char *owner)
{
	struct iommu_dc dc;
	struct owner *o;
	int ret;

	if (!io.on)
		return -PV_ENOENT;
	if ((p->gstage_mode == HGATP_MODE_SV39X4 && !io.caps.sv39x4) ||
	    (p->gstage_mode == HGATP_MODE_SV48X4 && !io.caps.sv48x4)) {
		pr("partvisor: iommu: device " BDF_FMT ": the IOMMU does not support the partition's G-stage mode %llu\n",
		   BDF_ARGS(devid), (ull)p->gstage_mode);
		return -PV_EINVAL;
	}
	if (p->msipt.v && !io.caps.msi_flat) {
		pr("partvisor: iommu: device " BDF_FMT ": MSI page table given, but the IOMMU has no MSI_FLAT\n",
		   BDF_ARGS(devid));
		return -PV_EINVAL;
	}
	if ((ret = iommu_dc_encode(&dc, p)) < 0) {
		pr("partvisor: iommu: device " BDF_FMT ": bad device-context parameters\n", BDF_ARGS(devid));
		return ret;
	}
	spin_lock(&io.lock);
	ret = dc_write(devid, &dc, p->gscid);
	if (ret == 0 && (o = owner_of(devid, true))) {
		o->owner = owner;
		o->dc = *p;
		o->faults = 0;
		o->quarantined = false;
	}
	spin_unlock(&io.lock);
	return ret;
}

/* Block @devid: a context whose G-stage has no mapping and whose faults are not reported (DTF). Caller holds io.lock. */
static int block_device(uint32_t devid)
{
	struct iommu_dc_params p = { .gstage_root = hpa_of(blocked_root), .gstage_mode = HGATP_MODE_SV39X4,
				     .gscid = BLOCKED_GSCID };
	struct iommu_dc dc;
	int ret = iommu_dc_encode(&dc, &p);

	if (ret < 0)
		return ret;
	dc.tc |= IOMMU_DC_TC_DTF;
	return dc_write(devid, &dc, BLOCKED_GSCID);
}

int iommu_inval_gscid(uint16_t gscid)
{
	struct iommu_cmd c = iommu_cmd_inval_gvma(gscid);
	int ret;

	if (!io.on)
		return -PV_ENOENT;
	spin_lock(&io.lock);
	ret = cq_run(&c, 1);
	spin_unlock(&io.lock);
	return ret;
}

int iommu_fence_dma(void)
{
	int ret;

	if (!io.on)
		return 0;
	spin_lock(&io.lock);
	ret = cq_run(NULL, 0);
	spin_unlock(&io.lock);
	return ret;
}

int iommu_unquarantine(uint32_t devid)
{
	struct owner *o;
	struct iommu_dc dc;
	int ret = 0;

	spin_lock(&io.fq_lock);
	spin_lock(&io.lock);
	o = owner_of(devid, false);
	if (o && o->owner) {
		o->faults = 0;
		if (o->quarantined && (ret = iommu_dc_encode(&dc, &o->dc)) == 0 &&
		    (ret = dc_write(devid, &dc, o->dc.gscid)) == 0)
			o->quarantined = false;
	}
	spin_unlock(&io.lock);
	spin_unlock(&io.fq_lock);
	return ret;
}

/* ---- fault queue [spec §3.2] ---- */

/*
 * Account one fault record: report it within the device's budget, and quarantine
 * a device that keeps faulting. Caller holds io.fq_lock.
 */
static void account_fault(const uint64_t rec[4])
{
	struct iommu_fault f;
	struct owner *o;
	const char *name;
	uint32_t dropped = 0;

	iommu_fault_decode(rec, &f);
	spin_lock(&io.lock);
	o = owner_of(f.did, true);
	spin_unlock(&io.lock);
	if (!o) {
		/* The table is full of strangers: report within a shared budget. */
		if (ratelimit_allow(&io.overflow_rl, arch_time(), 10 * io.timebase_hz, 4, NULL))
			pr("partvisor: iommu: fault of device " BDF_FMT " cause %u (%s); too many faulting devices to track\n",
			   BDF_ARGS(f.did), f.cause, iommu_cause_name(f.cause));
		return;
	}
	name = o->owner ? o->owner : "(none)";
	if (o->quarantined)
		return;
	/* A device that keeps faulting: QUARANTINE_FAULTS records within one second (more were lost if the queue overflowed). */
	if (arch_time() - o->window >= io.timebase_hz) {
		o->window = arch_time();
		o->faults = 0;
	}
	if (++o->faults >= QUARANTINE_FAULTS) {
		int ret;

		spin_lock(&io.lock);
		ret = block_device(f.did);
		spin_unlock(&io.lock);
		o->quarantined = ret == 0;
		if (io.quarantine)
			io.quarantine(f.did, io.quarantine_ctx);
		pr("partvisor: iommu: partition %s device " BDF_FMT " keeps faulting (%u faults in a second): quarantined%s, Bus Master off\n",
		   name, BDF_ARGS(f.did), o->faults, ret == 0 ? " (DMA blocked, faults not reported)" : " FAILED");
		return;
	}
	if (!ratelimit_allow(&o->rl, arch_time(), io.timebase_hz, FAULT_REPORT_BURST, &dropped)) {
		if (!o->noted)
			pr("partvisor: iommu: further faults of partition %s device " BDF_FMT " are not reported\n", name,
			   BDF_ARGS(f.did));
		o->noted = true;
		return;
	}
	if (dropped)
		pr("partvisor: iommu: %u faults of partition %s device " BDF_FMT " not reported\n", dropped, name,
		   BDF_ARGS(f.did));
	pr("partvisor: iommu: fault: partition %s device " BDF_FMT " cause %u (%s) ttyp %u (%s) iova 0x%llx iotval2 0x%llx\n",
	   name, BDF_ARGS(f.did), f.cause, iommu_cause_name(f.cause), f.ttyp, iommu_ttyp_name(f.ttyp),
	   (ull)f.iotval, (ull)f.iotval2);
}

bool iommu_handle_irq(void)
{
	uint32_t head, tail, csr;
	unsigned n = 0;

	if (!io.on)
		return false;
	spin_lock(&io.fq_lock);
	/*
	 * Clear FIP first, then drain: a record written after the clear raises FIP (and the
	 * MSI) again, so nothing is left behind [spec §5.18 ipsr; QEMU rewrites ipsr from its
	 * state on every write, see riscv-platform-facts §2.4.6].
	 */
	wr32(IOMMU_REG_IPSR, IOMMU_IPSR_FIP);
	csr = rd32(IOMMU_REG_FQCSR);
	if (csr & (IOMMU_FQCSR_OF | IOMMU_QCSR_MF)) {
		if (ratelimit_allow(&io.overflow_rl, arch_time(), 10 * io.timebase_hz, 4, NULL))
			pr("partvisor: iommu: fault queue %s: fault records were lost\n",
			   csr & IOMMU_FQCSR_OF ? "overflow" : "memory fault");
		/* RW1C: records are dropped until the bit is cleared. */
		wr32(IOMMU_REG_FQCSR, IOMMU_QCSR_EN | IOMMU_QCSR_IE | (csr & (IOMMU_FQCSR_OF | IOMMU_QCSR_MF)));
	}
	head = rd32(IOMMU_REG_FQH) & (FQ_ENTRIES - 1);
	tail = rd32(IOMMU_REG_FQT) & (FQ_ENTRIES - 1);
	__asm__ volatile("fence i, r" ::: "memory");
	/* At most FQ_BUDGET records per interrupt: the caller pauses this interrupt if more are left. */
	for (; head != tail && n < FQ_BUDGET; n++) {
		account_fault(fq[head]);
		head = (head + 1) & (FQ_ENTRIES - 1);
		wr32(IOMMU_REG_FQH, head);
		tail = rd32(IOMMU_REG_FQT) & (FQ_ENTRIES - 1);
		__asm__ volatile("fence i, r" ::: "memory");
	}
	spin_unlock(&io.fq_lock);
	return head != tail;
}
