/* SPDX-License-Identifier: MIT */
/*
 * testguest "virtio" mode: MSI-X of a passed-through virtio 1.x PCI function aimed at each vCPU
 * of the partition in turn through the partvisor MSI hypercalls (ABI v1,
 * include/partvisor/hypercall.h, docs/hypercall.md). The function is QEMU's virtio-rng-pci
 * (disable-legacy=on, iommu_platform=on): one virtqueue; the driver posts a device-writable
 * buffer and notifies the queue, the device fills it with random bytes, puts it in the used ring
 * and signals the queue's MSI-X vector [virtio 1.2 2.7 (split virtqueues), 4.1 (virtio over
 * PCI), 5.4 (entropy device)].
 *
 * vCPU 0, once its siblings have stopped: finds the function, reads GET_INFO (policy, vCPUs),
 * sets the device up [virtio 1.2 3.1.1]: reset, ACKNOWLEDGE | DRIVER, features VERSION_1 and
 * ACCESS_PLATFORM (the device's DMA goes through the IOMMU), FEATURES_OK, MSI-X on with every
 * table entry masked, queue 0 with MSI-X vector 0 and a split ring in our RAM, DRIVER_OK.
 * Then every vCPU k runs one round (vCPU 0 itself, the others restarted with HSM hart_start;
 * one round at a time, so only vCPU k is running): its own interrupt file takes identity
 * VIRTIO_ID(k) only, and
 *   a) before MSI_COMPOSE: vector 0 aimed at vCPU k's file (from the FDT): policy "open"
 *      delivers it, policy "composed" blocks it (the hypervisor reports an IOMMU fault);
 *   b) MSI_COMPOSE(device, k, VIRTIO_ID(k)) must give that file; vector 0 programmed with it:
 *      ROUNDS requests each fill their buffer and interrupt vCPU k with that identity;
 *   c) MSI_RELEASE: "composed" blocks the next interrupt (the buffer is still filled), "open"
 *      still delivers it (releasing only keeps count); a second MSI_RELEASE is refused.
 * Every blocked MSI is reported by the hypervisor, which tests/qemu/iommu_virtio.sh checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ecam.h"
#include "hw.h"
#include "partvisor/hypercall.h"
#include "testguest.h"

#define PCI_CAP_VNDR    0x09   /* vendor-specific: the virtio structures [virtio 1.2 4.1.4] */
#define PCI_CAP_MSIX    0x11
#define MSIX_CTRL       0x02   /* Message Control [PCI Local Bus 3.0 6.8.2] */
#define MSIX_TABLE      0x04   /* Table Offset / BIR */
#define MSIX_CTRL_SIZE  0x7ffU /* table size - 1 */
#define MSIX_CTRL_MASK  (1U << 14)
#define MSIX_CTRL_EN    (1U << 15)
#define MSIX_ENTRY      16     /* bytes: address low, address high, data, vector control */
#define MSIX_VEC_MASKED 1U

/* virtio_pci_cap [virtio 1.2 4.1.4] */
#define VCAP_CFG_TYPE   3
#define VCAP_BAR        4
#define VCAP_OFFSET     8
#define VCAP_LENGTH     12
#define VCAP_NOTIFY_MUL 16     /* notify capability only */
#define VCFG_COMMON     1
#define VCFG_NOTIFY     2

/* virtio_pci_common_cfg [virtio 1.2 4.1.4.3] */
#define VC_DFSELECT     0x00
#define VC_DF           0x04
#define VC_GFSELECT     0x08
#define VC_GF           0x0c
#define VC_MSIX_CONFIG  0x10
#define VC_STATUS       0x14
#define VC_Q_SELECT     0x16
#define VC_Q_SIZE       0x18
#define VC_Q_MSIX       0x1a
#define VC_Q_ENABLE     0x1c
#define VC_Q_NOTIFY_OFF 0x1e
#define VC_Q_DESC       0x20
#define VC_Q_DRIVER     0x28
#define VC_Q_DEVICE     0x30
#define VC_COMMON_LEN   0x38
#define VIRTIO_NO_VECTOR 0xffff

/* device status [virtio 1.2 2.1] and feature bits of the upper feature dword [6] */
#define ST_ACKNOWLEDGE  1U
#define ST_DRIVER       2U
#define ST_DRIVER_OK    4U
#define ST_FEATURES_OK  8U
#define F_HI_VERSION_1  (1U << 0)   /* bit 32 */
#define F_HI_ACCESS_PLATFORM (1U << 1)   /* bit 33 */

#define VIRTIO_RNG_ID   0x10441af4U  /* modern virtio-rng: device 0x1040 + 4, vendor 0x1af4 */
#define QSZ             4      /* our queue size (a power of two; QEMU's virtio-rng offers 8) */
#define BUF_LEN         64     /* bytes per request */
#define SENTINEL        0xa5   /* what a buffer holds before the device fills it */
#define DESC_F_WRITE    2      /* device-writable buffer */
#define VIRTIO_ID(k)    (8U + (unsigned)(k))   /* identity of vCPU k's MSIs: 8..15, in eie0, distinct */
#define ROUNDS          2

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* The split virtqueue, in our RAM: descriptor table, driver area (avail), device area (used). */
static struct vq_desc vq_desc[QSZ] __attribute__((aligned(16)));
static struct {
	uint16_t flags, idx, ring[QSZ], used_event;
} vq_avail __attribute__((aligned(2)));
static volatile struct {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[QSZ];
	uint16_t avail_event;
} vq_used __attribute__((aligned(4)));
static uint8_t bufs[QSZ][BUF_LEN] __attribute__((aligned(64)));
static uint16_t avail_next, used_seen;   /* our copies of the two ring indexes */

static struct ecam host;
static unsigned vdev, vfn;
static unsigned long device;            /* BDF on our virtual host bridge, for the hypercalls */
static volatile uint8_t *common;        /* common configuration structure */
static volatile uint16_t *notify0;      /* queue 0's notification address */
static volatile uint32_t *msix;         /* MSI-X table */
static unsigned msix_cap;
static bool composed;                   /* policy "composed" (PARTVISOR_FEAT_COMPOSED) */
static uint64_t tb_hz;
static struct imsic im;

/* Per vCPU (guest hart id): VIRTIO_ID(k) interrupts taken on it, whether they are expected. */
static unsigned irqs[MAX_HARTS];
static bool armed[MAX_HARTS];
static unsigned long round_vcpu = -1UL; /* the vCPU whose round a restart is for */
static bool round_done;

static inline void fence_io(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

/* Common configuration fields by width (little-endian, as RISC-V) [virtio 1.2 4.1.3]. */
static uint32_t c32(unsigned off) { return *(volatile uint32_t *)(common + off); }
static uint16_t c16(unsigned off) { return *(volatile uint16_t *)(common + off); }
static uint8_t c8(unsigned off) { return common[off]; }
static void w32(unsigned off, uint32_t v) { *(volatile uint32_t *)(common + off) = v; }
static void w16(unsigned off, uint16_t v) { *(volatile uint16_t *)(common + off) = v; }
static void w8(unsigned off, uint8_t v) { common[off] = v; }

/* A 64-bit common configuration field, as two 32-bit writes [virtio 1.2 4.1.3.1]. */
static void w64(unsigned off, uint64_t v)
{
	w32(off, (uint32_t)v);
	w32(off + 4, (uint32_t)(v >> 32));
}

/* Configuration space of our function. */
static uint32_t cfg(unsigned off, unsigned width) { return ecam_read(&host, vdev, vfn, off, width); }
static void cfg_w(unsigned off, unsigned width, uint32_t v) { ecam_write(&host, vdev, vfn, off, width, v); }

bool virtio_take_irq(unsigned long hartid, unsigned long id)
{
	if (hartid >= MAX_HARTS || id != VIRTIO_ID(hartid) || !__atomic_load_n(&armed[hartid], __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_add(&irqs[hartid], 1, __ATOMIC_RELEASE);
	return true;
}

/* ---- setup (vCPU 0) -------------------------------------------------------------------- */

/* CPU address of the structure a virtio capability at @cap points to, at least @need bytes; 0 if
 * its BAR is unassigned or the structure is shorter or outside the host bridge's windows. */
static uint64_t vcap_addr(unsigned cap, uint32_t need)
{
	uint64_t bar = ecam_bar(&host, vdev, vfn, cfg(cap + VCAP_BAR, 1));
	uint32_t off = cfg(cap + VCAP_OFFSET, 4), len = cfg(cap + VCAP_LENGTH, 4);

	if (!bar || len < need)
		return 0;
	return ecam_to_cpu(&host, bar + off);
}

/* Find the common and notify structures and the MSI-X table; false (reported) if one is missing. */
static bool find_structures(void)
{
	unsigned cap = 0, ncap = 0, notify_cap = 0;
	uint64_t c = 0, tbl;

	while ((cap = ecam_find_cap(&host, vdev, vfn, PCI_CAP_VNDR, cap)) && ncap++ < 16) {
		unsigned type = cfg(cap + VCAP_CFG_TYPE, 1);
		if (type == VCFG_COMMON && !c)
			c = vcap_addr(cap, VC_COMMON_LEN);
		else if (type == VCFG_NOTIFY && !notify_cap)
			notify_cap = cap;
	}
	msix_cap = ecam_find_cap(&host, vdev, vfn, PCI_CAP_MSIX, 0);
	if (!c || !notify_cap || !msix_cap) {
		fail("virtio: FAIL structures: common 0x%lx, notify capability 0x%x, MSI-X capability 0x%x",
		     (unsigned long)c, notify_cap, msix_cap);
		return false;
	}
	common = (volatile uint8_t *)(uintptr_t)c;

	/* queue 0's notify address: structure + queue_notify_off * notify_off_multiplier */
	w16(VC_Q_SELECT, 0);
	uint32_t qoff = c16(VC_Q_NOTIFY_OFF) * cfg(notify_cap + VCAP_NOTIFY_MUL, 4);
	uint64_t n = vcap_addr(notify_cap, qoff + 2);
	uint32_t t = cfg(msix_cap + MSIX_TABLE, 4);
	uint64_t bar = ecam_bar(&host, vdev, vfn, t & 7);

	tbl = bar ? ecam_to_cpu(&host, bar + (t & ~7U)) : 0;
	if (!n || !tbl) {
		fail("virtio: FAIL notify address 0x%lx (queue offset 0x%x), MSI-X table 0x%lx (BIR %u)",
		     (unsigned long)n, qoff, (unsigned long)tbl, t & 7);
		return false;
	}
	notify0 = (volatile uint16_t *)(uintptr_t)(n + qoff);
	msix = (volatile uint32_t *)(uintptr_t)tbl;
	say("virtio: common 0x%lx, queue 0 notify 0x%lx, MSI-X table 0x%lx (%u vectors)", (unsigned long)c,
	    (unsigned long)(n + qoff), (unsigned long)tbl, (cfg(msix_cap + MSIX_CTRL, 2) & MSIX_CTRL_SIZE) + 1);
	return true;
}

/* MSI-X table entry @v: masked while its address and data change, then @unmask-ed; false if the
 * entry does not read back what was written. */
static bool msix_set(unsigned v, uint64_t addr, uint32_t data, bool unmask)
{
	volatile uint32_t *e = msix + v * (MSIX_ENTRY / 4);

	e[3] = MSIX_VEC_MASKED;
	e[0] = (uint32_t)addr;
	e[1] = (uint32_t)(addr >> 32);
	e[2] = data;
	fence_io();
	if (unmask)
		e[3] = 0;
	return e[0] == (uint32_t)addr && e[1] == (uint32_t)(addr >> 32) && e[2] == data &&
	       (e[3] & MSIX_VEC_MASKED) == (unmask ? 0 : MSIX_VEC_MASKED);
}

/* Device initialization [virtio 1.2 3.1.1, 4.1.5]; false (reported) on the first failure. */
static bool device_init(void)
{
	uint64_t deadline = rdtime() + TIMEOUT_S * tb_hz;
	uint32_t hi;
	uint16_t qmax;
	unsigned nvec;

	w8(VC_STATUS, 0);   /* reset: done when it reads back 0 */
	while (c8(VC_STATUS) != 0)
		if (rdtime() >= deadline) {
			fail("virtio: FAIL reset: status 0x%x", c8(VC_STATUS));
			return false;
		}
	w8(VC_STATUS, ST_ACKNOWLEDGE);
	w8(VC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
	w32(VC_DFSELECT, 1);
	hi = c32(VC_DF);
	if ((hi & (F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM)) != (F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM)) {
		fail("virtio: FAIL features 63:32 0x%08x lack VERSION_1 or ACCESS_PLATFORM (iommu_platform=on?)", hi);
		return false;
	}
	w32(VC_GFSELECT, 0);
	w32(VC_GF, 0);
	w32(VC_GFSELECT, 1);
	w32(VC_GF, F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM);
	w8(VC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
	if (!(c8(VC_STATUS) & ST_FEATURES_OK)) {
		fail("virtio: FAIL FEATURES_OK not accepted (status 0x%x)", c8(VC_STATUS));
		return false;
	}

	/* MSI-X on, every entry masked (the function mask covers the change) */
	nvec = (cfg(msix_cap + MSIX_CTRL, 2) & MSIX_CTRL_SIZE) + 1;
	cfg_w(msix_cap + MSIX_CTRL, 2, MSIX_CTRL_EN | MSIX_CTRL_MASK);
	for (unsigned v = 0; v < nvec; v++)
		msix_set(v, 0, 0, false);
	cfg_w(msix_cap + MSIX_CTRL, 2, MSIX_CTRL_EN);
	if ((cfg(msix_cap + MSIX_CTRL, 2) & (MSIX_CTRL_EN | MSIX_CTRL_MASK)) != MSIX_CTRL_EN) {
		fail("virtio: FAIL MSI-X control 0x%04x: enable does not stick", cfg(msix_cap + MSIX_CTRL, 2));
		return false;
	}
	w16(VC_MSIX_CONFIG, VIRTIO_NO_VECTOR);   /* no configuration-change interrupts */

	/* queue 0: QSZ entries, MSI-X vector 0, the rings in our RAM (guest physical = virtual) */
	w16(VC_Q_SELECT, 0);
	qmax = c16(VC_Q_SIZE);
	if (qmax < QSZ) {
		fail("virtio: FAIL queue 0 size %u (need %d)", qmax, QSZ);
		return false;
	}
	memset(vq_desc, 0, sizeof(vq_desc));
	memset(&vq_avail, 0, sizeof(vq_avail));
	memset((void *)&vq_used, 0, sizeof(vq_used));
	avail_next = used_seen = 0;
	w16(VC_Q_SIZE, QSZ);
	w16(VC_Q_MSIX, 0);
	if (c16(VC_Q_MSIX) != 0) {
		fail("virtio: FAIL queue 0 MSI-X vector 0 not accepted (reads 0x%x)", c16(VC_Q_MSIX));
		return false;
	}
	w64(VC_Q_DESC, (uintptr_t)vq_desc);
	w64(VC_Q_DRIVER, (uintptr_t)&vq_avail);
	w64(VC_Q_DEVICE, (uintptr_t)&vq_used);
	fence_io();   /* the zeroed rings before the device looks at them */
	w16(VC_Q_ENABLE, 1);
	w8(VC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	say("virtio: device ready: features VERSION_1 ACCESS_PLATFORM, queue 0 size %d of %u, MSI-X vector 0 of %u",
	    QSZ, qmax, nvec);
	return true;
}

/* ---- one request ------------------------------------------------------------------------ */

/* Post buffer avail_next % QSZ (filled with SENTINEL) as device-writable and notify queue 0;
 * returns its slot (descriptor index). */
static unsigned post(void)
{
	unsigned slot = avail_next % QSZ;

	memset(bufs[slot], SENTINEL, BUF_LEN);
	vq_desc[slot] = (struct vq_desc){ (uintptr_t)bufs[slot], BUF_LEN, DESC_F_WRITE, 0 };
	vq_avail.ring[slot] = (uint16_t)slot;
	__asm__ volatile("fence rw, w" ::: "memory");   /* descriptor and ring entry before the index */
	avail_next++;
	*(volatile uint16_t *)&vq_avail.idx = avail_next;
	fence_io();   /* the index before the notification */
	*notify0 = 0;
	return slot;
}

/* Wait until the device returned the buffer of @slot and check it: used element id, length
 * BUF_LEN, contents no longer the sentinel. False (reported as "virtio: vcpu k: <what> FAIL"). */
static bool returned(unsigned long k, unsigned slot, const char *what)
{
	uint64_t deadline = rdtime() + TIMEOUT_S * tb_hz;
	uint16_t want = (uint16_t)(used_seen + 1);
	unsigned changed = 0;

	while (vq_used.idx != want && rdtime() < deadline)
		;
	if (vq_used.idx != want) {
		fail("virtio: vcpu %lu: %s FAIL: the device did not return the buffer (used idx %u, want %u)", k, what,
		     vq_used.idx, want);
		return false;
	}
	__asm__ volatile("fence r, r" ::: "memory");   /* the index before the element and the data */
	used_seen = want;
	uint32_t id = vq_used.ring[(want - 1) % QSZ].id, len = vq_used.ring[(want - 1) % QSZ].len;
	for (unsigned i = 0; i < BUF_LEN; i++)
		changed += bufs[slot][i] != SENTINEL;
	/* random bytes: each equals the sentinel with probability 1/256 */
	if (id != slot || len != BUF_LEN || changed < BUF_LEN / 2) {
		fail("virtio: vcpu %lu: %s FAIL: used element id %u len %u (want %u, %d), %u of %d bytes filled", k, what,
		     id, len, slot, BUF_LEN, changed, BUF_LEN);
		return false;
	}
	return true;
}

static unsigned irq_count(unsigned long k)
{
	return __atomic_load_n(&irqs[k], __ATOMIC_ACQUIRE);
}

/*
 * One request on vCPU @k: post, the device fills the buffer and signals vector 0. @deliver: the
 * MSI must arrive (within 0.5 s) as exactly one VIRTIO_ID(k) interrupt on vCPU k; otherwise none
 * may arrive within 0.1 s of the buffer's return. False (reported) if not.
 */
static bool request(unsigned long k, bool deliver, const char *what)
{
	unsigned before = irq_count(k);
	unsigned slot = post();
	uint64_t deadline;
	bool ok;

	if (!returned(k, slot, what))
		return false;
	deadline = rdtime() + (deliver ? tb_hz / 2 : tb_hz / 10);
	csr_write(stimecmp, deadline);   /* the timer ends the wait */
	ok = wait_irq(&irqs[k], before + 1, deadline);
	csr_write(stimecmp, -1UL);
	if (deliver && (!ok || irq_count(k) != before + 1)) {
		fail("virtio: vcpu %lu: %s FAIL: %u interrupts with identity %u, expected 1", k, what,
		     irq_count(k) - before, VIRTIO_ID(k));
		return false;
	}
	if (!deliver && ok) {
		fail("virtio: vcpu %lu: %s FAIL: the MSI was delivered (identity %u)", k, what, VIRTIO_ID(k));
		return false;
	}
	return true;
}

/* ---- one round (vCPU k, alone) ------------------------------------------------------------ */

static struct sbiret pv_call(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	return sbi_call(PARTVISOR_EID, fid, a0, a1, a2);
}

/* Guest physical address of vCPU @k's interrupt file, from the FDT's IMSIC; 0 if none. */
static uint64_t vcpu_file(unsigned long k)
{
	for (int h = 0; h < im.n; h++)
		if (im.hart[h] == k)
			return im.base + (uint64_t)h * im.stride;
	return 0;
}

/* Steps a) to c) of the file comment, on vCPU @k, which must be the calling hart. */
static void round_on(unsigned long k)
{
	unsigned id = VIRTIO_ID(k);
	uint64_t file = vcpu_file(k);
	struct sbiret r;
	bool ok = true;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the ring state of the previous round */
	if (!file) {
		fail("virtio: vcpu %lu: FAIL no interrupt file in the FDT", k);
		return;
	}
	imsic_write(ISEL_EIDELIVERY, 1);
	imsic_write(ISEL_EITHRESHOLD, 0);
	imsic_write(ISEL_EIP0, imsic_read(ISEL_EIP0) & ~(1UL << id));
	imsic_write(ISEL_EIE0, imsic_read(ISEL_EIE0) | 1UL << id);
	__atomic_store_n(&armed[k], true, __ATOMIC_RELEASE);
	csr_write(sie, (1UL << IRQ_S_EXT) | (1UL << IRQ_S_TIMER));
	csr_set(sstatus, SSTATUS_SIE);

	/* a) */
	if (!msix_set(0, file, id, true))
		fail("virtio: vcpu %lu: FAIL MSI-X entry 0 does not read back", k);
	else if (request(k, !composed, composed ? "msi before compose" : "policy open: msi before compose"))
		say("virtio: vcpu %lu: %s", k, composed ? "msi before compose blocked ok"
							 : "policy open: msi before compose delivered ok");
	/* b) */
	r = pv_call(PARTVISOR_FID_MSI_COMPOSE, device, k, id);
	if (r.error || (uint64_t)r.value != file) {
		fail("virtio: vcpu %lu: FAIL msi_compose(device 0x%04lx, vcpu %lu, identity %u) error %ld value 0x%lx, "
		     "expected 0x%lx", k, device, k, id, r.error, (unsigned long)r.value, (unsigned long)file);
		ok = false;
	} else if (!msix_set(0, (uint64_t)r.value, id, true)) {
		fail("virtio: vcpu %lu: FAIL MSI-X entry 0 does not read back the composed address", k);
		ok = false;
	}
	for (unsigned i = 0; ok && i < ROUNDS; i++)
		ok = request(k, true, "composed msi-x");
	if (ok)
		say("virtio: vcpu %lu: composed msi-x 0x%lx identity %u ok (%d interrupts, %d bytes each)", k,
		    (unsigned long)file, id, ROUNDS, BUF_LEN);
	/* c) */
	r = pv_call(PARTVISOR_FID_MSI_RELEASE, device, k, id);
	if (r.error)
		fail("virtio: vcpu %lu: FAIL msi_release(device 0x%04lx, vcpu %lu, identity %u) error %ld", k, device, k,
		     id, r.error);
	else if (request(k, !composed, composed ? "msi after release" : "policy open: msi after release"))
		say("virtio: vcpu %lu: %s", k, composed ? "msi after release blocked ok"
							 : "policy open: msi after release still delivered ok");
	r = pv_call(PARTVISOR_FID_MSI_RELEASE, device, k, id);
	if (r.error == SBI_ERR_INVALID_PARAM)
		say("virtio: vcpu %lu: msi_release refuses a second release ok", k);
	else
		fail("virtio: vcpu %lu: FAIL second msi_release error %ld (expected %ld)", k, r.error,
		     SBI_ERR_INVALID_PARAM);

	msix_set(0, 0, 0, false);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
	imsic_write(ISEL_EIE0, imsic_read(ISEL_EIE0) & ~(1UL << id));
	__atomic_store_n(&armed[k], false, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* our ring state for the next round */
}

bool virtio_secondary(unsigned long hartid)
{
	if (__atomic_load_n(&round_vcpu, __ATOMIC_ACQUIRE) != hartid)
		return false;   /* the first start: the normal checks */
	round_on(hartid);   /* everything it needs (tb_hz too) was set up by vCPU 0 */
	__atomic_store_n(&round_done, true, __ATOMIC_RELEASE);
	return true;
}

/* Run vCPU @k's round there: hart_start at _start (virtio_secondary), wait until it stopped. */
static void round_remote(const void *fdt, unsigned long k)
{
	uint64_t deadline = rdtime() + 10 * TIMEOUT_S * tb_hz;
	struct sbiret r;

	__atomic_store_n(&round_done, false, __ATOMIC_RELEASE);
	__atomic_store_n(&round_vcpu, k, __ATOMIC_RELEASE);
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, k, (uintptr_t)_start, (uintptr_t)fdt);
	if (r.error) {
		fail("virtio: FAIL hart_start of vCPU %lu error %ld", k, r.error);
		return;
	}
	while (!__atomic_load_n(&round_done, __ATOMIC_ACQUIRE) && rdtime() < deadline)
		;   /* memory only: no exits while vCPU k works */
	do
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, k, 0, 0);
	while ((r.error || r.value != SBI_HSM_STOPPED) && rdtime() < deadline);
	if (!__atomic_load_n(&round_done, __ATOMIC_ACQUIRE) || r.error || r.value != SBI_HSM_STOPPED)
		fail("virtio: FAIL vCPU %lu: round %s, HSM status %ld error %ld", k,
		     __atomic_load_n(&round_done, __ATOMIC_ACQUIRE) ? "done" : "not done", r.value, r.error);
	__atomic_store_n(&round_vcpu, -1UL, __ATOMIC_RELEASE);
}

void virtio_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb)
{
	bool found;
	int nf;

	tb_hz = tb;
	if (fdt_node_check_compatible(fdt, 0, "partvisor,partition") != 0) {
		say("virtio: not under partvisor: skipped");
		return;
	}
	/* each restarted vCPU takes one more of start.S's MAX_HARTS stack slots */
	if (nharts < 1 || 2 * nharts - 1 > MAX_HARTS || !fdt_imsic(fdt, &im) || !ecam_find(fdt, &host)) {
		fail("virtio: FAIL %d vCPUs (at most %d), or no IMSIC or PCIe host in the FDT", nharts, (MAX_HARTS + 1) / 2);
		return;
	}
	nf = ecam_scan(&host, VIRTIO_RNG_ID, &vdev, &vfn, &found);
	if (!found) {
		fail("virtio: FAIL no virtio-rng (1af4:1044) among %d function(s) on bus %u", nf, host.bus);
		return;
	}
	device = (unsigned long)host.bus << 8 | vdev << 3 | vfn;
	say("virtio: found %02x:%02x.%x 1af4:1044 (%d function(s) on the bus)", host.bus, vdev, vfn, nf);

	struct sbiret f = pv_call(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_FEATURES, 0, 0);
	struct sbiret v = pv_call(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_NR_VCPUS, 0, 0);
	if (f.error || v.error || v.value != nharts) {
		fail("virtio: FAIL get_info features error %ld, vcpus %ld error %ld (expected %d)", f.error, v.value,
		     v.error, nharts);
		return;
	}
	composed = (unsigned long)f.value & PARTVISOR_FEAT_COMPOSED;
	say("virtio: get_info features 0x%lx (policy %s, msi_flat %s), %ld vcpus", (unsigned long)f.value,
	    composed ? "composed" : "open", (unsigned long)f.value & PARTVISOR_FEAT_MSI_FLAT ? "yes" : "no", v.value);

	/* partvisor leaves Bus Master to the driver */
	cfg_w(PCI_COMMAND, 2, cfg(PCI_COMMAND, 2) | PCI_CMD_MEM | PCI_CMD_MASTER);
	if ((cfg(PCI_COMMAND, 2) & (PCI_CMD_MEM | PCI_CMD_MASTER)) != (PCI_CMD_MEM | PCI_CMD_MASTER)) {
		fail("virtio: FAIL command 0x%04x: memory space or bus master does not turn on", cfg(PCI_COMMAND, 2));
		return;
	}
	if (!find_structures() || !device_init())
		return;

	unsigned failed = failure_count();

	for (unsigned long k = 0; k < (unsigned long)nharts; k++) {
		if (k == hartid)
			round_on(k);
		else
			round_remote(fdt, k);
	}
	if (failure_count() == failed)
		say("virtio: msi-x rounds done on %d vCPUs", nharts);
	else
		fail("virtio: FAIL msi-x rounds on %d vCPUs: %u failures", nharts, failure_count() - failed);

	w8(VC_STATUS, 0);   /* reset: the device forgets the queue and its vectors */
	cfg_w(msix_cap + MSIX_CTRL, 2, 0);
	say("virtio: done");
}
