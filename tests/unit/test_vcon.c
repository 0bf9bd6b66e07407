/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the emulated virtio console (core/vdev/vcon.c): configuration
 * space, BAR0 registers, the driver bring-up sequence, transmit and receive through
 * split rings, MSI-X masking, and hostile ring contents (addresses outside RAM,
 * loops, huge lengths, wrong directions, avail.idx far ahead) that must set
 * NEEDS_RESET and never touch memory outside the partition's RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/vdev/vcon.h"

#define RAM_GPA   0x80000000ULL
#define RAM_SIZE  0x10000ULL
#define QSZ       8
/* Guest physical layout inside the fake RAM. */
#define DESC_GPA  (RAM_GPA + 0x1000)
#define AVAIL_GPA (RAM_GPA + 0x2000)
#define USED_GPA  (RAM_GPA + 0x3000)
#define BUF_GPA   (RAM_GPA + 0x8000)
#define BAR_GPA   0x7ffff000ULL

/* The owner: guest RAM (with guard bytes around it), console output and input, MSIs sent. */
static struct {
	uint8_t guard_lo[64];
	uint8_t ram[RAM_SIZE];
	uint8_t guard_hi[64];
} mem;
static char out[KiB(64)];
static size_t nout;
static const char *input;
static size_t ninput;
static unsigned nmsi;
static uint64_t msi_addr;
static uint32_t msi_data;
static struct vcon dev;

static void *g2h(void *ctx, gpa_t g, uint64_t len)
{
	uint64_t off = g.v - RAM_GPA;

	(void)ctx;
	if (g.v < RAM_GPA || off >= RAM_SIZE || len > RAM_SIZE - off)
		return NULL;
	return mem.ram + off;
}

static void msi(void *ctx, uint64_t addr, uint32_t data)
{
	(void)ctx;
	nmsi++;
	msi_addr = addr;
	msi_data = data;
}

static void tx(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	assert_true(nout + len <= sizeof(out));
	memcpy(out + nout, buf, len);
	nout += len;
}

static size_t rx(void *ctx, char *buf, size_t max)
{
	size_t n = ninput < max ? ninput : max;

	(void)ctx;
	memcpy(buf, input, n);
	input += n;
	ninput -= n;
	return n;
}

static const struct vcon_ops ops = { g2h, msi, tx, rx, NULL };

static uint8_t *ram(uint64_t g) { return mem.ram + (g - RAM_GPA); }
static void w16(uint64_t g, uint16_t v) { memcpy(ram(g), &v, 2); }
static void w32(uint64_t g, uint32_t v) { memcpy(ram(g), &v, 4); }
static void w64(uint64_t g, uint64_t v) { memcpy(ram(g), &v, 8); }
static uint16_t r16(uint64_t g) { uint16_t v; memcpy(&v, ram(g), 2); return v; }
static uint32_t r32(uint64_t g) { uint32_t v; memcpy(&v, ram(g), 4); return v; }

static uint64_t qdesc(unsigned q) { return DESC_GPA + q * 0x400; }
static uint64_t qavail(unsigned q) { return AVAIL_GPA + q * 0x400; }
static uint64_t qused(unsigned q) { return USED_GPA + q * 0x400; }

/* virtio_pci_common_cfg offsets [virtio 1.2 §4.1.4.3] (cw/cr: BAR0's common configuration). */
#define CC_DFSELECT    0x00   /* device_feature_select */
#define CC_DF          0x04   /* device_feature */
#define CC_GFSELECT    0x08   /* driver_feature_select */
#define CC_GF          0x0c   /* driver_feature */
#define CC_MSIX_CONFIG 0x10   /* config_msix_vector */
#define CC_STATUS      0x14   /* device_status (1 byte) */
#define CC_Q_SELECT    0x16   /* queue_select */
#define CC_Q_SIZE      0x18   /* queue_size */
#define CC_Q_MSIX      0x1a   /* queue_msix_vector */
#define CC_Q_ENABLE    0x1c   /* queue_enable */
#define CC_Q_DESC      0x20   /* queue_desc (low half; CC_Q_DESC_HI the high one) */
#define CC_Q_DESC_HI   0x24
#define CC_Q_DRIVER    0x28   /* queue_driver: the available ring */
#define CC_Q_DEVICE    0x30   /* queue_device: the used ring */

static void cw(unsigned off, unsigned width, uint64_t v) { vcon_bar_write(&dev, VCON_BAR_COMMON + off, width, v); }
static uint64_t cr(unsigned off, unsigned width) { return vcon_bar_read(&dev, VCON_BAR_COMMON + off, width); }

/* MSI-X vector @vec: address 0x28000000 + vec pages, data 10 + vec, unmasked. */
static void msix_program(unsigned vec)
{
	uint64_t e = VCON_BAR_MSIX + 16 * vec;

	vcon_bar_write(&dev, e, 4, 0x28000000 + vec * 0x1000);
	vcon_bar_write(&dev, e + 4, 4, 0);
	vcon_bar_write(&dev, e + 8, 4, 10 + vec);
	vcon_bar_write(&dev, e + 12, 4, 0);
}

/*
 * What Linux's virtio-pci does: Memory Space + Bus Master, MSI-X on, features, fresh
 * (zeroed) rings, then DRIVER_OK if @ok.
 */
static void bring_up_to(bool ok)
{
	vcon_cfg_write(&dev, 0x04, 2, 0x0006);
	vcon_cfg_write(&dev, 0x86, 2, 0x8000);   /* MSI-X Enable (capability at 0x84) */
	for (unsigned i = 0; i < 3; i++)
		msix_program(i);
	cw(CC_STATUS, 1, 0);
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE);
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER);
	cw(CC_GFSELECT, 4, 1);
	cw(CC_GF, 4, 1);                          /* VERSION_1 (bit 32) */
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER | VCON_S_FEATURES_OK);
	assert_true(cr(CC_STATUS, 1) & VCON_S_FEATURES_OK);
	cw(CC_MSIX_CONFIG, 2, 0);
	assert_int_equal(cr(CC_MSIX_CONFIG, 2), 0);
	for (unsigned q = 0; q < 2; q++) {
		memset(ram(qavail(q)), 0, 0x40);
		memset(ram(qused(q)), 0, 0x80);
		cw(CC_Q_SELECT, 2, q);
		assert_int_equal(cr(CC_Q_SIZE, 2), VCON_QUEUE_MAX);
		cw(CC_Q_SIZE, 2, QSZ);
		cw(CC_Q_MSIX, 2, q + 1);
		cw(CC_Q_DESC, 4, (uint32_t)qdesc(q));
		cw(CC_Q_DESC_HI, 4, qdesc(q) >> 32);
		cw(CC_Q_DRIVER, 8, qavail(q));
		cw(CC_Q_DEVICE, 8, qused(q));
		cw(CC_Q_ENABLE, 2, 1);
		assert_int_equal(cr(CC_Q_ENABLE, 2), 1);
	}
	if (ok)
		cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER | VCON_S_FEATURES_OK | VCON_S_DRIVER_OK);
	assert_int_equal(cr(CC_STATUS, 1) & VCON_S_NEEDS_RESET, 0);
}

static void bring_up(void)
{
	bring_up_to(true);
}

static int setup(void **state)
{
	(void)state;
	memset(&mem, 0, sizeof(mem));
	nout = ninput = 0;
	nmsi = 0;
	vcon_init(&dev, &ops, gpa(BAR_GPA));
	bring_up();
	return 0;
}

static void set_desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t d = qdesc(q) + 16 * i;

	w64(d, addr);
	w32(d + 8, len);
	w16(d + 12, flags);
	w16(d + 14, next);
}

/* Make descriptor @head available on queue @q and notify. */
static void offer(unsigned q, uint16_t head)
{
	uint16_t idx = r16(qavail(q) + 2);

	w16(qavail(q) + 4 + 2 * (idx % QSZ), head);
	w16(qavail(q) + 2, (uint16_t)(idx + 1));
	vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, q);
}

static bool needs_reset(void)
{
	return cr(CC_STATUS, 1) & VCON_S_NEEDS_RESET;
}

static void test_config_space(void **state)
{
	(void)state;
	assert_int_equal(vcon_cfg_read(&dev, 0, 2), VCON_PCI_VENDOR);
	assert_int_equal(vcon_cfg_read(&dev, 2, 2), VCON_PCI_DEVICE);
	assert_int_equal(vcon_cfg_read(&dev, 0x08, 1), 1);                 /* revision >= 1: modern */
	assert_int_equal(vcon_cfg_read(&dev, 0x06, 2) & 0x10, 0x10);       /* capability list */
	assert_int_equal(vcon_cfg_read(&dev, 0x3d, 1), 0);                 /* no INTx pin */
	assert_int_equal(vcon_cfg_read(&dev, 0x0e, 1), 0);                 /* type 0, single function */
	/* Walk the capability list: four virtio structures (types 1-4) in BAR 0, and MSI-X. */
	unsigned seen = 0, p = vcon_cfg_read(&dev, 0x34, 1), steps = 0, pcicfg = 0;
	bool msix = false;

	while (p && steps++ < 48) {
		unsigned id = vcon_cfg_read(&dev, p, 1);

		if (id == 0x09) {
			unsigned type = vcon_cfg_read(&dev, p + 3, 1);
			uint32_t off = vcon_cfg_read(&dev, p + 8, 4), len = vcon_cfg_read(&dev, p + 12, 4);

			assert_int_equal(vcon_cfg_read(&dev, p + 4, 1), 0);
			if (type != 5)                                         /* 5: the driver sets the window */
				assert_true(off + len <= VCON_BAR_SIZE && len > 0);
			else
				pcicfg = p;
			seen |= 1U << type;
			if (type == 2)
				assert_int_equal(vcon_cfg_read(&dev, p + 2, 1), 20);
		} else if (id == 0x11) {
			msix = true;
			assert_int_equal(vcon_cfg_read(&dev, p + 2, 2) & 0x7ff, VCON_MSIX_VECTORS - 1);
			assert_int_equal(vcon_cfg_read(&dev, p + 4, 4), VCON_BAR_MSIX);
			assert_int_equal(vcon_cfg_read(&dev, p + 8, 4), VCON_BAR_PBA);
		}
		p = vcon_cfg_read(&dev, p + 1, 1);
	}
	assert_int_equal(seen, 0x3e);
	assert_true(msix);
	/* VIRTIO_PCI_CAP_PCI_CFG: BAR accesses through pci_cfg_data (num_queues; queue_select). */
	vcon_cfg_write(&dev, pcicfg + 4, 1, 0);
	vcon_cfg_write(&dev, pcicfg + 8, 4, VCON_BAR_COMMON + 0x12);
	vcon_cfg_write(&dev, pcicfg + 12, 4, 2);
	assert_int_equal(vcon_cfg_read(&dev, pcicfg + 16, 4), VCON_NR_QUEUES);
	vcon_cfg_write(&dev, pcicfg + 8, 4, VCON_BAR_COMMON + 0x16);
	vcon_cfg_write(&dev, pcicfg + 16, 4, 1);
	assert_int_equal(cr(CC_Q_SELECT, 2), 1);
	vcon_cfg_write(&dev, pcicfg + 12, 4, 3);                           /* bad length: nothing */
	vcon_cfg_write(&dev, pcicfg + 16, 4, 0);
	assert_int_equal(cr(CC_Q_SELECT, 2), 1);
	vcon_cfg_write(&dev, pcicfg + 4, 1, 2);                            /* no BAR 2 */
	vcon_cfg_write(&dev, pcicfg + 12, 4, 2);
	vcon_cfg_write(&dev, pcicfg + 16, 4, 0);
	assert_int_equal(cr(CC_Q_SELECT, 2), 1);
	cw(CC_Q_SELECT, 2, 0);
	/* BAR sizing: all ones reads the size mask; the BAR still decodes where it was put. */
	assert_int_equal(vcon_cfg_read(&dev, 0x10, 4), (uint32_t)BAR_GPA);
	vcon_cfg_write(&dev, 0x10, 4, 0xffffffff);
	assert_int_equal(vcon_cfg_read(&dev, 0x10, 4), (uint32_t)~(VCON_BAR_SIZE - 1));
	vcon_cfg_write(&dev, 0x10, 4, (uint32_t)BAR_GPA);
	assert_int_equal(vcon_cfg_read(&dev, 0x10, 4), (uint32_t)BAR_GPA);
	/* Read-only fields stay; bad accesses read 0; the extended space is empty. */
	vcon_cfg_write(&dev, 0x00, 4, 0x12345678);
	assert_int_equal(vcon_cfg_read(&dev, 0, 2), VCON_PCI_VENDOR);
	assert_int_equal(vcon_cfg_read(&dev, 1, 2), 0);
	assert_int_equal(vcon_cfg_read(&dev, 0x100, 4), 0);
	/* Memory Space off: BAR reads all ones, writes dropped. */
	vcon_cfg_write(&dev, 0x04, 2, 0x0004);
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_COMMON + 0x12, 2), 0xffff);
	vcon_cfg_write(&dev, 0x04, 2, 0x0006);
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_COMMON + 0x12, 2), VCON_NR_QUEUES);
}

static void test_features(void **state)
{
	(void)state;
	cw(CC_DFSELECT, 4, 1);
	assert_int_equal(cr(CC_DF, 4), 1);                                 /* VERSION_1 */
	cw(CC_DFSELECT, 4, 0);
	assert_int_equal(cr(CC_DF, 4), 0);                                 /* nothing else */
	cw(CC_STATUS, 1, 0);                                                   /* reset */
	assert_int_equal(cr(CC_STATUS, 1), 0);
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER);
	cw(CC_GFSELECT, 4, 0);
	cw(CC_GF, 4, 1U << 28);                                            /* not offered */
	cw(CC_GFSELECT, 4, 1);
	cw(CC_GF, 4, 1);
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER | VCON_S_FEATURES_OK);
	assert_int_equal(cr(CC_STATUS, 1) & VCON_S_FEATURES_OK, 0);            /* refused */
	/* A vector the table does not have reads back as NO_VECTOR. */
	cw(CC_MSIX_CONFIG, 2, 7);
	assert_int_equal(cr(CC_MSIX_CONFIG, 2), VCON_NO_VECTOR);
}

static void test_tx(void **state)
{
	(void)state;
	memcpy(ram(BUF_GPA), "hello ", 6);
	memcpy(ram(BUF_GPA + 0x100), "world\n", 6);
	set_desc(VCON_TXQ, 0, BUF_GPA, 6, 1, 3);
	set_desc(VCON_TXQ, 3, BUF_GPA + 0x100, 6, 0, 0);
	offer(VCON_TXQ, 0);
	assert_int_equal(nout, 12);
	assert_memory_equal(out, "hello world\n", 12);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), 1);
	assert_int_equal(r32(qused(VCON_TXQ) + 4), 0);                    /* id = head */
	assert_int_equal(nmsi, 1);
	assert_int_equal(msi_addr, 0x28002000);                           /* queue 1 -> vector 2 */
	assert_int_equal(msi_data, 12);
	/* Suppressed: VIRTQ_AVAIL_F_NO_INTERRUPT. */
	w16(qavail(VCON_TXQ), 1);
	offer(VCON_TXQ, 3);
	assert_int_equal(nout, 18);
	assert_int_equal(nmsi, 1);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), 2);
	/* A notify with nothing new does nothing. */
	vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, VCON_TXQ);
	assert_int_equal(nout, 18);
	assert_false(needs_reset());
}

/* Many full chains in one notify: VCON_TX_NOTIFY_MAX bytes go out, the rest waits for the next notify. */
static void test_tx_notify_budget(void **state)
{
	(void)state;
	for (unsigned i = 0; i < QSZ; i++)
		set_desc(VCON_TXQ, i, RAM_GPA, (uint32_t)VCON_TX_CHAIN_MAX, 0, 0);
	for (unsigned i = 0; i < QSZ; i++)
		w16(qavail(VCON_TXQ) + 4 + 2 * i, (uint16_t)i);
	w16(qavail(VCON_TXQ) + 2, QSZ);
	vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, VCON_TXQ);
	assert_int_equal(nout, VCON_TX_NOTIFY_MAX);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), VCON_TX_NOTIFY_MAX / VCON_TX_CHAIN_MAX);
	vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, VCON_TXQ);
	assert_int_equal(nout, QSZ * VCON_TX_CHAIN_MAX);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), QSZ);
	assert_false(needs_reset());
}

static void test_tx_huge_length_capped(void **state)
{
	(void)state;
	/* A chain of the whole RAM: at most VCON_TX_CHAIN_MAX bytes are written, the chain is still used. */
	set_desc(VCON_TXQ, 0, RAM_GPA, (uint32_t)RAM_SIZE, 1, 1);
	set_desc(VCON_TXQ, 1, RAM_GPA, (uint32_t)RAM_SIZE, 0, 0);
	offer(VCON_TXQ, 0);
	assert_int_equal(nout, VCON_TX_CHAIN_MAX);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), 1);
	assert_false(needs_reset());
}

/* Each case: a bad chain on the transmit queue -> NEEDS_RESET, no byte written, no used entry. */
static void expect_broken_tx(void)
{
	offer(VCON_TXQ, 0);
	assert_true(needs_reset());
	assert_int_equal(nout, 0);
	assert_int_equal(r16(qused(VCON_TXQ) + 2), 0);
	assert_int_equal(nmsi, 1);                                        /* the configuration-change vector */
	assert_int_equal(msi_addr, 0x28000000);
	/* Stays broken: further notifies do nothing until a reset; a reset clears it. */
	memcpy(ram(BUF_GPA), "x", 1);
	set_desc(VCON_TXQ, 1, BUF_GPA, 1, 0, 0);
	offer(VCON_TXQ, 1);
	assert_int_equal(nout, 0);
	cw(CC_STATUS, 1, 0);
	assert_false(needs_reset());
	bring_up();
	offer(VCON_TXQ, 1);
	assert_int_equal(nout, 1);
	assert_false(needs_reset());
}

static void test_bad_out_of_ram(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, RAM_GPA + RAM_SIZE - 4, 8, 0, 0);    /* crosses the end of RAM */
	expect_broken_tx();
}

static void test_bad_wrapping_addr(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, ~0ULL - 2, 0xffffffff, 0, 0);       /* address + length wraps */
	expect_broken_tx();
}

static void test_bad_below_ram(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, 0x1000, 16, 0, 0);                   /* not RAM (e.g. hypervisor memory) */
	expect_broken_tx();
}

static void test_bad_loop(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 1, 1);
	set_desc(VCON_TXQ, 1, BUF_GPA, 1, 1, 0);                   /* 0 -> 1 -> 0 -> ... */
	expect_broken_tx();
}

static void test_bad_self_loop(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 1, 0);
	expect_broken_tx();
}

static void test_bad_next_index(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 1, QSZ);                 /* next beyond the table */
	expect_broken_tx();
}

static void test_bad_head(void **state)
{
	(void)state;
	offer(VCON_TXQ, 0xffff);
	assert_true(needs_reset());
	assert_int_equal(nout, 0);
}

static void test_bad_direction(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 4, 2, 0);                   /* device-writable on transmitq */
	expect_broken_tx();
}

static void test_bad_indirect(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 16, 4, 0);                  /* INDIRECT, not offered */
	expect_broken_tx();
}

static void test_bad_avail_idx(void **state)
{
	(void)state;
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 0, 0);
	w16(qavail(VCON_TXQ) + 2, QSZ + 1);                        /* more than the queue holds */
	vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, VCON_TXQ);
	assert_true(needs_reset());
	assert_int_equal(nout, 0);
}

/* Select queue @q and try to enable it with size @size and the three ring addresses; returns queue_enable read back. */
static uint64_t queue_try(unsigned q, unsigned size, uint64_t desc, uint64_t avail, uint64_t used)
{
	cw(CC_STATUS, 1, 0);
	cw(CC_Q_SELECT, 2, q);
	cw(CC_Q_SIZE, 2, size);
	cw(CC_Q_DESC, 8, desc);
	cw(CC_Q_DRIVER, 8, avail);
	cw(CC_Q_DEVICE, 8, used);
	cw(CC_Q_ENABLE, 2, 1);
	return cr(CC_Q_ENABLE, 2);
}

static void test_bad_queue_setup(void **state)
{
	(void)state;
	assert_int_equal(queue_try(0, 6, qdesc(0), qavail(0), qused(0)), 0);   /* not a power of two */
	assert_true(needs_reset());
	assert_int_equal(dev.broken, VCON_BAD_QUEUE);
	assert_int_equal(queue_try(0, QSZ, RAM_GPA + RAM_SIZE - 16, qavail(0), qused(0)), 0);   /* table runs out of RAM */
	assert_true(needs_reset());
	assert_int_equal(dev.broken, VCON_BAD_RING_ADDR);
	/* Queue index out of range: reads 0, writes ignored. */
	cw(CC_STATUS, 1, 0);
	cw(CC_Q_SELECT, 2, 5);
	assert_int_equal(cr(CC_Q_SIZE, 2), 0);
	cw(CC_Q_ENABLE, 2, 1);
	assert_false(needs_reset());
}

static void test_rx(void **state)
{
	(void)state;
	/* No buffer yet: input waits with the owner. */
	input = "ls\r";
	ninput = 3;
	assert_false(vcon_rx_kick(&dev));
	assert_int_equal(ninput, 3);
	/* Two device-writable buffers: the input goes into the first, the second stays available. */
	set_desc(VCON_RXQ, 0, BUF_GPA, 2, 3, 1);                   /* WRITE | NEXT: a 2+16 byte chain */
	set_desc(VCON_RXQ, 1, BUF_GPA + 0x10, 16, 2, 0);
	set_desc(VCON_RXQ, 2, BUF_GPA + 0x40, 16, 2, 0);
	offer(VCON_RXQ, 0);
	assert_int_equal(ninput, 0);
	assert_memory_equal(ram(BUF_GPA), "ls", 2);
	assert_memory_equal(ram(BUF_GPA + 0x10), "\r", 1);
	assert_int_equal(r16(qused(VCON_RXQ) + 2), 1);
	assert_int_equal(r32(qused(VCON_RXQ) + 8), 3);              /* used len */
	assert_int_equal(nmsi, 1);
	assert_int_equal(msi_addr, 0x28001000);
	offer(VCON_RXQ, 2);                                         /* no input: not used */
	assert_int_equal(r16(qused(VCON_RXQ) + 2), 1);
	input = "x";
	ninput = 1;
	assert_true(vcon_rx_kick(&dev));
	assert_memory_equal(ram(BUF_GPA + 0x40), "x", 1);
	assert_int_equal(r16(qused(VCON_RXQ) + 2), 2);
	/* A device-readable buffer on receiveq is refused. */
	set_desc(VCON_RXQ, 3, BUF_GPA, 16, 0, 0);
	input = "y";
	ninput = 1;
	offer(VCON_RXQ, 3);
	assert_true(needs_reset());
	assert_int_equal(ninput, 1);
}

static void test_msix_mask_pending(void **state)
{
	(void)state;
	vcon_bar_write(&dev, VCON_BAR_MSIX + 16 * 2 + 12, 4, 1);   /* mask the transmit vector */
	memcpy(ram(BUF_GPA), "a", 1);
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 0, 0);
	offer(VCON_TXQ, 0);
	assert_int_equal(nmsi, 0);
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_PBA, 4), 1U << 2);
	vcon_bar_write(&dev, VCON_BAR_MSIX + 16 * 2 + 12, 4, 0);   /* unmask: the pending one goes out */
	assert_int_equal(nmsi, 1);
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_PBA, 4), 0);
	/* Function Mask, then MSI-X off: nothing is sent while off. */
	vcon_cfg_write(&dev, 0x86, 2, 0xc000);
	offer(VCON_TXQ, 0);
	assert_int_equal(nmsi, 1);
	vcon_cfg_write(&dev, 0x86, 2, 0x8000);
	assert_int_equal(nmsi, 2);
	vcon_cfg_write(&dev, 0x86, 2, 0);
	offer(VCON_TXQ, 0);
	assert_int_equal(nmsi, 2);
	/* ISR: set by the queue interrupt, cleared by reading it. */
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_ISR, 1) & 1, 1);
	assert_int_equal(vcon_bar_read(&dev, VCON_BAR_ISR, 1), 0);
}

static void test_not_before_driver_ok(void **state)
{
	(void)state;
	cw(CC_STATUS, 1, 0);
	bring_up_to(false);
	memcpy(ram(BUF_GPA), "z", 1);
	set_desc(VCON_TXQ, 0, BUF_GPA, 1, 0, 0);
	offer(VCON_TXQ, 0);
	assert_int_equal(nout, 0);                                 /* no DRIVER_OK: buffers are not used */
	cw(CC_STATUS, 1, VCON_S_ACKNOWLEDGE | VCON_S_DRIVER | VCON_S_FEATURES_OK | VCON_S_DRIVER_OK);
	assert_int_equal(nout, 1);                                 /* DRIVER_OK processes what is pending */
	/* Bus Master off: no ring access. */
	vcon_cfg_write(&dev, 0x04, 2, 0x0002);
	offer(VCON_TXQ, 0);
	assert_int_equal(nout, 1);
}

/* Random ring contents: whatever the guest writes, nothing outside RAM is touched and nothing crashes. */
static void test_random_rings(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (unsigned round = 0; round < 2000; round++) {
		for (unsigned i = 0; i < 2 * 0x400 / 8; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			/* descriptors point into or near RAM: addresses RAM_GPA +- 64 KiB, random lengths */
			w64(DESC_GPA + 8 * i, i % 2 ? x : (RAM_GPA - 0x10000 + (x & 0x3ffff)));
		}
		for (unsigned q = 0; q < 2; q++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			memcpy(ram(qavail(q)), &x, 8);
			vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, q);
		}
		input = "abc";
		ninput = 3;
		vcon_rx_kick(&dev);
		if (needs_reset()) {
			cw(CC_STATUS, 1, 0);
			bring_up();
		}
	}
	for (unsigned i = 0; i < sizeof(mem.guard_lo); i++)
		assert_int_equal(mem.guard_lo[i] | mem.guard_hi[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_space, setup),
		cmocka_unit_test_setup(test_features, setup),
		cmocka_unit_test_setup(test_tx, setup),
		cmocka_unit_test_setup(test_tx_huge_length_capped, setup),
		cmocka_unit_test_setup(test_tx_notify_budget, setup),
		cmocka_unit_test_setup(test_bad_out_of_ram, setup),
		cmocka_unit_test_setup(test_bad_wrapping_addr, setup),
		cmocka_unit_test_setup(test_bad_below_ram, setup),
		cmocka_unit_test_setup(test_bad_loop, setup),
		cmocka_unit_test_setup(test_bad_self_loop, setup),
		cmocka_unit_test_setup(test_bad_next_index, setup),
		cmocka_unit_test_setup(test_bad_head, setup),
		cmocka_unit_test_setup(test_bad_direction, setup),
		cmocka_unit_test_setup(test_bad_indirect, setup),
		cmocka_unit_test_setup(test_bad_avail_idx, setup),
		cmocka_unit_test_setup(test_bad_queue_setup, setup),
		cmocka_unit_test_setup(test_rx, setup),
		cmocka_unit_test_setup(test_msix_mask_pending, setup),
		cmocka_unit_test_setup(test_not_before_driver_ok, setup),
		cmocka_unit_test_setup(test_random_rings, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
