/* SPDX-License-Identifier: MIT */
/*
 * virtio console over virtio-pci modern: configuration space, BAR0 registers,
 * split virtqueues [Virtio 1.2 §2.7, §4.1, §5.3]. Pure logic; see vcon.h.
 */
#include <string.h>

#include "core/vdev/vcon.h"

/* Configuration space layout (byte offsets) [PCI 3.0 §6.1, Virtio 1.2 §4.1.4]. */
#define CFG_VENDOR     0x00
#define CFG_COMMAND    0x04
#define CFG_STATUS     0x06
#define CFG_REVISION   0x08
#define CFG_BAR0       0x10
#define CFG_SUBSYS     0x2c
#define CFG_CAP_PTR    0x34
#define CAP_COMMON     0x40   /* virtio_pci_cap, 16 bytes */
#define CAP_NOTIFY     0x50   /* virtio_pci_notify_cap, 20 bytes */
#define CAP_ISR        0x64
#define CAP_DEVCFG     0x74
#define CAP_MSIX       0x84   /* 12 bytes */
#define CAP_PCICFG     0x90   /* virtio_pci_cfg_cap, 20 bytes: BAR access through configuration space */
#define CFG_STD_END    0x100

#define CMD_WRITABLE   0x0406  /* Memory Space (1), Bus Master (2), Interrupt Disable (10) */
#define CMD_MEM        0x0002
#define CMD_MASTER     0x0004
#define MSIX_ENABLE    0x8000
#define MSIX_MASKALL   0x4000

/* virtio_pci_cap cfg_type values [§4.1.4]. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5

/* Descriptor flags [§2.7.5], ring flags [§2.7.6, §2.7.8]. */
#define VIRTQ_DESC_F_NEXT      1
#define VIRTQ_DESC_F_WRITE     2
#define VIRTQ_DESC_F_INDIRECT  4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* ---- little-endian helpers (the model's guests and hosts are little-endian) ---- */

static void put(uint8_t *b, unsigned off, uint32_t val, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		b[off + i] = (uint8_t)(val >> (8 * i));
}

static uint64_t ones(unsigned width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* Single reads of guest ring memory: each field is loaded once, at its natural alignment. */
static uint16_t ld16(const volatile uint8_t *p) { return __atomic_load_n((const volatile uint16_t *)p, __ATOMIC_RELAXED); }
static uint32_t ld32(const volatile uint8_t *p) { return __atomic_load_n((const volatile uint32_t *)p, __ATOMIC_RELAXED); }
static uint64_t ld64(const volatile uint8_t *p) { return __atomic_load_n((const volatile uint64_t *)p, __ATOMIC_RELAXED); }
static void st16(volatile uint8_t *p, uint16_t v) { __atomic_store_n((volatile uint16_t *)p, v, __ATOMIC_RELEASE); }
static void st32(volatile uint8_t *p, uint32_t v) { __atomic_store_n((volatile uint32_t *)p, v, __ATOMIC_RELAXED); }

/* ---- reset ---- */

static void virtio_reset(struct vcon *v)
{
	v->dev_feat_sel = v->drv_feat_sel = 0;
	v->drv_features = 0;
	v->config_vector = VCON_NO_VECTOR;
	v->status = 0;
	v->isr = 0;
	v->queue_sel = 0;
	v->broken = VCON_OK;
	for (unsigned i = 0; i < VCON_NR_QUEUES; i++) {
		memset(&v->q[i], 0, sizeof(v->q[i]));
		v->q[i].size = VCON_QUEUE_MAX;
		v->q[i].msix_vector = VCON_NO_VECTOR;
	}
}

void vcon_init(struct vcon *v, const struct vcon_ops *ops, gpa_t bar_gpa)
{
	memset(v, 0, sizeof(*v));
	v->ops = ops;
	v->bar_gpa = bar_gpa;
	v->bar_shadow = (uint32_t)bar_gpa.v;
	for (unsigned i = 0; i < VCON_MSIX_VECTORS; i++)
		v->msix[i].ctrl = 1;   /* vectors come up masked [PCI 3.0 §6.8.2.9] */
	virtio_reset(v);
}

/* Mark the device NEEDS_RESET [§2.1.2]: queues are no longer used; the driver is told by a configuration change. */
static void mark_broken(struct vcon *v, enum vcon_fault why);

/* ---- MSI-X ---- */

static void msix_fire(struct vcon *v, unsigned vec)
{
	const struct vcon_msix_entry *e = &v->msix[vec];

	v->pba &= ~(1U << vec);
	v->ops->msi(v->ops->ctx, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

/* Signal @vec: sent now, held pending while masked, dropped without MSI-X (there is no INTx). */
static void msix_signal(struct vcon *v, uint16_t vec)
{
	if (vec >= VCON_MSIX_VECTORS || !(v->msix_ctrl & MSIX_ENABLE))
		return;
	if ((v->msix_ctrl & MSIX_MASKALL) || (v->msix[vec].ctrl & 1))
		v->pba |= 1U << vec;
	else
		msix_fire(v, vec);
}

/* Send what became deliverable after an unmask. */
static void msix_unmasked(struct vcon *v)
{
	if (!(v->msix_ctrl & MSIX_ENABLE) || (v->msix_ctrl & MSIX_MASKALL))
		return;
	for (unsigned i = 0; i < VCON_MSIX_VECTORS; i++)
		if ((v->pba & (1U << i)) && !(v->msix[i].ctrl & 1))
			msix_fire(v, i);
}

static void mark_broken(struct vcon *v, enum vcon_fault why)
{
	if (v->broken)
		return;
	v->broken = why;
	v->faults++;
	v->status |= VCON_S_NEEDS_RESET;
	v->generation++;
	v->isr |= 2;
	msix_signal(v, v->config_vector);
}

/* ---- configuration space ---- */

static void put_vcap(uint8_t *b, unsigned at, unsigned next, unsigned len, unsigned type, uint32_t off, uint32_t length)
{
	put(b, at + 0, 0x09, 1);          /* cap_vndr: vendor specific */
	put(b, at + 1, next, 1);
	put(b, at + 2, len, 1);
	put(b, at + 3, type, 1);
	put(b, at + 4, 0, 1);             /* bar 0 */
	put(b, at + 8, off, 4);
	put(b, at + 12, length, 4);
}

/* The dword at @d of the configuration space. */
static uint32_t cfg_dword(const struct vcon *v, unsigned d)
{
	uint8_t b[CFG_STD_END];

	if (d >= CFG_STD_END)
		return 0;
	if (d == CFG_BAR0)
		return v->bar_shadow & ~(uint32_t)(VCON_BAR_SIZE - 1);  /* 32-bit, non-prefetchable memory */
	memset(b, 0, sizeof(b));
	put(b, CFG_VENDOR, VCON_PCI_VENDOR, 2);
	put(b, CFG_VENDOR + 2, VCON_PCI_DEVICE, 2);
	put(b, CFG_COMMAND, v->command, 2);
	put(b, CFG_STATUS, 0x0010, 2);                      /* Capabilities List */
	put(b, CFG_REVISION, 0x01, 1);                      /* revision 1: a non-transitional device [§4.1.2.1] */
	put(b, CFG_REVISION + 1, 0x078000, 3);              /* communication controller, other */
	put(b, CFG_SUBSYS, VCON_PCI_VENDOR, 2);
	put(b, CFG_SUBSYS + 2, 0x1100, 2);
	put(b, CFG_CAP_PTR, CAP_COMMON, 1);
	put_vcap(b, CAP_COMMON, CAP_NOTIFY, 16, VIRTIO_PCI_CAP_COMMON_CFG, VCON_BAR_COMMON, VCON_COMMON_LEN);
	put_vcap(b, CAP_NOTIFY, CAP_ISR, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, VCON_BAR_NOTIFY, VCON_NOTIFY_LEN);
	put(b, CAP_NOTIFY + 16, 0, 4);                      /* notify_off_multiplier */
	put_vcap(b, CAP_ISR, CAP_DEVCFG, 16, VIRTIO_PCI_CAP_ISR_CFG, VCON_BAR_ISR, 1);
	put_vcap(b, CAP_DEVCFG, CAP_MSIX, 16, VIRTIO_PCI_CAP_DEVICE_CFG, VCON_BAR_DEVCFG, VCON_DEVCFG_LEN);
	put(b, CAP_MSIX, 0x11, 1);                          /* MSI-X [PCI 3.0 §6.8.2] */
	put(b, CAP_MSIX + 1, CAP_PCICFG, 1);
	put(b, CAP_MSIX + 2, (VCON_MSIX_VECTORS - 1) | v->msix_ctrl, 2);
	put(b, CAP_MSIX + 4, VCON_BAR_MSIX | 0, 4);         /* table offset, BIR 0 */
	put(b, CAP_MSIX + 8, VCON_BAR_PBA | 0, 4);          /* PBA offset, BIR 0 */
	put_vcap(b, CAP_PCICFG, 0, 20, VIRTIO_PCI_CAP_PCI_CFG, v->pcicfg_off, v->pcicfg_len);
	put(b, CAP_PCICFG + 4, v->pcicfg_bar, 1);
	put(b, CAP_PCICFG + 16, v->pcicfg_data, 4);
	return (uint32_t)b[d] | (uint32_t)b[d + 1] << 8 | (uint32_t)b[d + 2] << 16 | (uint32_t)b[d + 3] << 24;
}

/*
 * VIRTIO_PCI_CAP_PCI_CFG [Virtio 1.2 §4.1.4.9]: an access of cap.length (1, 2, 4) bytes
 * at cap.offset of BAR cap.bar through pci_cfg_data. Anything else does nothing.
 */
static void pcicfg_access(struct vcon *v, bool write)
{
	unsigned len = v->pcicfg_len;

	if (v->pcicfg_bar != 0 || (len != 1 && len != 2 && len != 4) || (v->pcicfg_off & (len - 1)) ||
	    v->pcicfg_off >= VCON_BAR_SIZE)
		return;
	if (write)
		vcon_bar_write(v, v->pcicfg_off, len, v->pcicfg_data & ones(len));
	else
		v->pcicfg_data = (uint32_t)vcon_bar_read(v, v->pcicfg_off, len);
}

static bool cfg_access_ok(unsigned off, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && !(off & (width - 1)) && off < 4096;
}

uint32_t vcon_cfg_read(struct vcon *v, unsigned off, unsigned width)
{
	if (!cfg_access_ok(off, width))
		return 0;
	if ((off & ~3U) == CAP_PCICFG + 16)
		pcicfg_access(v, false);   /* a read of pci_cfg_data reads the BAR */
	return (uint32_t)((cfg_dword(v, off & ~3U) >> (8 * (off & 3))) & ones(width));
}

void vcon_cfg_write(struct vcon *v, unsigned off, unsigned width, uint32_t val)
{
	unsigned d = off & ~3U, sh = 8 * (off & 3);
	uint32_t lanes, w;

	if (!cfg_access_ok(off, width))
		return;
	lanes = (uint32_t)ones(width) << sh;
	w = (val << sh) & lanes;
	if (d == CFG_COMMAND && (lanes & 0xffff)) {
		v->command = (uint16_t)((v->command & ~(lanes & CMD_WRITABLE)) | (w & CMD_WRITABLE));
	} else if (d == CFG_BAR0) {
		v->bar_shadow = (v->bar_shadow & ~lanes) | w;
	} else if (d == CAP_PCICFG + 4) {
		if (lanes & 0xff)
			v->pcicfg_bar = (uint8_t)w;
	} else if (d == CAP_PCICFG + 8) {
		v->pcicfg_off = (v->pcicfg_off & ~lanes) | w;
	} else if (d == CAP_PCICFG + 12) {
		v->pcicfg_len = (v->pcicfg_len & ~lanes) | w;
	} else if (d == CAP_PCICFG + 16) {
		v->pcicfg_data = (v->pcicfg_data & ~lanes) | w;
		pcicfg_access(v, true);
	} else if (d == CAP_MSIX && (lanes & 0xffff0000U)) {
		uint32_t m = (uint32_t)(MSIX_ENABLE | MSIX_MASKALL) << 16 & lanes;

		v->msix_ctrl = (uint16_t)(((((uint32_t)v->msix_ctrl << 16) & ~m) | (w & m)) >> 16);
		msix_unmasked(v);
	}
}

/* ---- virtqueues ---- */

/* One buffer of a chain: host pointer and bytes. */
struct seg {
	volatile uint8_t *p;
	uint32_t len;
};

/*
 * Walk the chain starting at descriptor @head of @q into @segs (q->size entries at
 * most), checking every descriptor: index < size, at most size steps, no INDIRECT,
 * direction @writable, buffer inside RAM. Returns the number of segments, or a
 * negative enum vcon_fault.
 */
static int walk_chain(struct vcon *v, struct vcon_queue *q, uint16_t head, bool writable, struct seg *segs,
		      uint64_t *total)
{
	uint16_t idx = head;

	*total = 0;
	for (unsigned n = 0; n < q->size; n++) {
		volatile uint8_t *d;
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;

		if (idx >= q->size)
			return -VCON_BAD_HEAD;
		d = q->hdesc + 16U * idx;
		addr = ld64(d);
		len = ld32(d + 8);
		flags = ld16(d + 12);
		next = ld16(d + 14);
		if (flags & VIRTQ_DESC_F_INDIRECT)
			return -VCON_BAD_DESC;
		if (!!(flags & VIRTQ_DESC_F_WRITE) != writable)
			return -VCON_BAD_DIRECTION;
		segs[n].len = len;
		segs[n].p = NULL;
		if (len && !(segs[n].p = v->ops->gpa_to_host(v->ops->ctx, gpa(addr), len)))
			return -VCON_BAD_DESC;
		*total += len;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return (int)n + 1;
		idx = next;
	}
	return -VCON_BAD_CHAIN;
}

static void used_add(struct vcon_queue *q, uint16_t head, uint32_t len)
{
	volatile uint8_t *e = q->hused + 4 + 8U * (q->used_idx % q->size);

	st32(e, head);
	st32(e + 4, len);
	q->used_idx++;
	st16(q->hused + 2, q->used_idx);   /* release: the entry is visible before the index */
}

static bool running(const struct vcon *v)
{
	return (v->status & VCON_S_DRIVER_OK) && !v->broken && (v->command & CMD_MASTER);
}

/*
 * Process the available buffers of queue @qi: transmit chains to the console, or
 * (receive) fill chains with waiting input until there is none. Returns true if used
 * entries were added (the queue was signalled unless the driver suppressed it).
 */
static bool process(struct vcon *v, unsigned qi)
{
	struct vcon_queue *q = &v->q[qi];
	struct seg segs[VCON_QUEUE_MAX];
	bool added = false;
	uint64_t budget = VCON_TX_NOTIFY_MAX;
	uint16_t avail_idx;

	if (!running(v) || !q->enabled)
		return false;
	avail_idx = ld16(q->havail + 2);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);   /* ring entries after the index [§2.7.13] */
	if ((uint16_t)(avail_idx - q->last_avail) > q->size) {
		mark_broken(v, VCON_BAD_AVAIL_IDX);
		return false;
	}
	while (q->last_avail != avail_idx && budget) {
		uint16_t head = ld16(q->havail + 4 + 2U * (q->last_avail % q->size));
		uint64_t total;
		int n = walk_chain(v, q, head, qi == VCON_RXQ, segs, &total);
		uint32_t used_len = 0;

		if (n < 0) {
			mark_broken(v, (enum vcon_fault)-n);
			break;
		}
		if (qi == VCON_TXQ) {
			uint64_t left = VCON_TX_CHAIN_MAX;

			for (int i = 0; i < n && left; i++) {
				uint32_t k = segs[i].len < left ? segs[i].len : (uint32_t)left;
				char buf[VCON_RX_CHUNK];

				/* Copied out first: the guest may change the buffer while it is written. */
				for (uint32_t o = 0; o < k; o += sizeof(buf)) {
					uint32_t c = k - o < sizeof(buf) ? k - o : (uint32_t)sizeof(buf);

					for (uint32_t j = 0; j < c; j++)
						buf[j] = (char)segs[i].p[o + j];
					v->ops->tx(v->ops->ctx, buf, c);
				}
				left -= k;
			}
			budget -= VCON_TX_CHAIN_MAX - left > budget ? budget : VCON_TX_CHAIN_MAX - left;
		} else {
			char buf[VCON_RX_CHUNK];
			size_t got = v->ops->rx(v->ops->ctx, buf, total < sizeof(buf) ? (size_t)total : sizeof(buf));
			size_t o = 0;

			if (!got)
				break;          /* no input: the buffer stays available */
			for (int i = 0; i < n && o < got; i++)
				for (uint32_t j = 0; j < segs[i].len && o < got; j++)
					segs[i].p[j] = (uint8_t)buf[o++];
			used_len = (uint32_t)got;
		}
		q->last_avail++;
		used_add(q, head, used_len);
		added = true;
	}
	if (added) {
		v->isr |= 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);  /* used.idx before reading the driver's flags */
		if (!(ld16(q->havail) & VIRTQ_AVAIL_F_NO_INTERRUPT))
			msix_signal(v, q->msix_vector);
	}
	return added;
}

bool vcon_rx_kick(struct vcon *v)
{
	return process(v, VCON_RXQ);
}

/* queue_enable = 1: check the size and the three areas; they must lie in RAM, naturally aligned [§2.7]. */
static void queue_enable(struct vcon *v, struct vcon_queue *q)
{
	uint64_t n = q->size;

	if (q->enabled)
		return;
	if (!n || n > VCON_QUEUE_MAX || (n & (n - 1)) || (q->desc & 15) || (q->avail & 1) || (q->used & 3)) {
		mark_broken(v, VCON_BAD_QUEUE);
		return;
	}
	q->hdesc = v->ops->gpa_to_host(v->ops->ctx, gpa(q->desc), 16 * n);
	q->havail = v->ops->gpa_to_host(v->ops->ctx, gpa(q->avail), 6 + 2 * n);
	q->hused = v->ops->gpa_to_host(v->ops->ctx, gpa(q->used), 6 + 8 * n);
	if (!q->hdesc || !q->havail || !q->hused) {
		q->hdesc = q->havail = q->hused = NULL;
		mark_broken(v, VCON_BAD_RING_ADDR);
		return;
	}
	q->last_avail = q->used_idx = 0;
	q->enabled = true;
}

/* ---- BAR0 ---- */

static struct vcon_queue *sel_queue(struct vcon *v)
{
	return v->queue_sel < VCON_NR_QUEUES ? &v->q[v->queue_sel] : NULL;
}

static uint64_t common_read(struct vcon *v, unsigned off, unsigned width)
{
	struct vcon_queue *q = sel_queue(v);
	uint64_t val;

	if (off >= 0x20 && off < 0x38) {                  /* queue_desc / driver / device: 4 or 8 bytes */
		uint64_t a;

		if (!q || (width != 4 && width != 8) || (off & (width - 1)))
			return 0;
		a = off < 0x28 ? q->desc : off < 0x30 ? q->avail : q->used;
		return width == 8 ? a : (uint32_t)(a >> (off & 4 ? 32 : 0));
	}
	switch (off) {
	case 0x00: val = v->dev_feat_sel; break;
	case 0x04: val = v->dev_feat_sel < 2 ? (uint32_t)(VCON_FEATURES >> (32 * v->dev_feat_sel)) : 0; break;
	case 0x08: val = v->drv_feat_sel; break;
	case 0x0c: val = v->drv_feat_sel < 2 ? (uint32_t)(v->drv_features >> (32 * v->drv_feat_sel)) : 0; break;
	case 0x10: val = v->config_vector; break;
	case 0x12: val = VCON_NR_QUEUES; break;
	case 0x14: val = v->status; break;
	case 0x15: val = v->generation; break;
	case 0x16: val = v->queue_sel; break;
	case 0x18: val = q ? q->size : 0; break;
	case 0x1a: val = q ? q->msix_vector : VCON_NO_VECTOR; break;
	case 0x1c: val = q ? q->enabled : 0; break;
	case 0x1e: val = 0; break;                           /* queue_notify_off */
	default: return 0;
	}
	return val & ones(width);
}

static uint16_t vector_or_none(uint64_t val)
{
	return val < VCON_MSIX_VECTORS ? (uint16_t)val : VCON_NO_VECTOR;
}

static void write_status(struct vcon *v, uint8_t s)
{
	if (!s) {
		virtio_reset(v);
		return;
	}
	/* FEATURES_OK only for a subset of what is offered that includes VERSION_1 [§2.2, §6.1]. */
	if ((s & VCON_S_FEATURES_OK) && !(v->status & VCON_S_FEATURES_OK) &&
	    ((v->drv_features & ~VCON_FEATURES) || !(v->drv_features & VCON_F_VERSION_1)))
		s &= (uint8_t)~VCON_S_FEATURES_OK;
	s &= (uint8_t)~VCON_S_NEEDS_RESET;
	v->status = s | (v->broken ? VCON_S_NEEDS_RESET : 0);
	if (s & VCON_S_DRIVER_OK) {
		process(v, VCON_TXQ);
		process(v, VCON_RXQ);
	}
}

static void common_write(struct vcon *v, unsigned off, unsigned width, uint64_t val)
{
	struct vcon_queue *q = sel_queue(v);

	if (off >= 0x20 && off < 0x38) {
		uint64_t *a;

		if (!q || q->enabled || (width != 4 && width != 8) || (off & (width - 1)))
			return;
		a = off < 0x28 ? &q->desc : off < 0x30 ? &q->avail : &q->used;
		if (width == 8)
			*a = val;
		else if (off & 4)
			*a = (*a & 0xffffffffULL) | (uint64_t)(uint32_t)val << 32;
		else
			*a = (*a & ~0xffffffffULL) | (uint32_t)val;
		return;
	}
	switch (off) {
	case 0x00: if (width == 4) v->dev_feat_sel = (uint32_t)val; break;
	case 0x08: if (width == 4) v->drv_feat_sel = (uint32_t)val; break;
	case 0x0c:
		if (width == 4 && v->drv_feat_sel < 2 && !(v->status & VCON_S_FEATURES_OK)) {
			unsigned sh = 32 * v->drv_feat_sel;

			v->drv_features = (v->drv_features & ~(0xffffffffULL << sh)) | (uint64_t)(uint32_t)val << sh;
		}
		break;
	case 0x10: if (width == 2) v->config_vector = vector_or_none(val & 0xffff); break;
	case 0x14: if (width == 1) write_status(v, (uint8_t)val); break;
	case 0x16: if (width == 2) v->queue_sel = (uint16_t)val; break;
	case 0x18: if (width == 2 && q && !q->enabled) q->size = (uint16_t)val; break;
	case 0x1a: if (width == 2 && q) q->msix_vector = vector_or_none(val & 0xffff); break;
	case 0x1c: if (width == 2 && q && (val & 0xffff) == 1) queue_enable(v, q); break;
	default: break;
	}
}

static uint32_t msix_read32(const struct vcon *v, unsigned off)
{
	const struct vcon_msix_entry *e = &v->msix[off / 16];

	switch (off & 15) {
	case 0: return e->addr_lo;
	case 4: return e->addr_hi;
	case 8: return e->data;
	default: return e->ctrl;
	}
}

static void msix_write32(struct vcon *v, unsigned off, uint32_t val)
{
	struct vcon_msix_entry *e = &v->msix[off / 16];

	switch (off & 15) {
	case 0: e->addr_lo = val & ~3U; break;   /* DWORD aligned [PCI 3.0 §6.8.2.6] */
	case 4: e->addr_hi = val; break;
	case 8: e->data = val; break;
	default:
		e->ctrl = val & 1;
		msix_unmasked(v);
		break;
	}
}

uint64_t vcon_bar_read(struct vcon *v, uint64_t off, unsigned width)
{
	if (!(v->command & CMD_MEM) || off >= VCON_BAR_SIZE || (off & (width - 1)) || width > 8)
		return ones(width);
	if (off < VCON_BAR_COMMON + VCON_COMMON_LEN)
		return common_read(v, (unsigned)off, width);
	if (off == VCON_BAR_ISR && width == 1) {
		uint8_t isr = v->isr;

		v->isr = 0;
		return isr;
	}
	if (off >= VCON_BAR_MSIX && off < VCON_BAR_MSIX + 16 * VCON_MSIX_VECTORS && width >= 4) {
		uint64_t lo = msix_read32(v, (unsigned)(off - VCON_BAR_MSIX));

		return width == 8 ? lo | (uint64_t)msix_read32(v, (unsigned)(off - VCON_BAR_MSIX + 4)) << 32 : lo;
	}
	if (off == VCON_BAR_PBA && width >= 4)
		return v->pba;
	return 0;   /* device configuration (no SIZE/MULTIPORT/EMERG_WRITE: zeros), notify, holes */
}

void vcon_bar_write(struct vcon *v, uint64_t off, unsigned width, uint64_t val)
{
	if (!(v->command & CMD_MEM) || off >= VCON_BAR_SIZE || (off & (width - 1)) || width > 8)
		return;
	val &= ones(width);
	if (off < VCON_BAR_COMMON + VCON_COMMON_LEN) {
		common_write(v, (unsigned)off, width, val);
	} else if (off == VCON_BAR_NOTIFY && (width == 2 || width == 4)) {
		if ((val & 0xffff) < VCON_NR_QUEUES)
			process(v, (unsigned)(val & 0xffff));
	} else if (off >= VCON_BAR_MSIX && off < VCON_BAR_MSIX + 16 * VCON_MSIX_VECTORS && width >= 4) {
		msix_write32(v, (unsigned)(off - VCON_BAR_MSIX), (uint32_t)val);
		if (width == 8)
			msix_write32(v, (unsigned)(off - VCON_BAR_MSIX + 4), (uint32_t)(val >> 32));
	}
}
