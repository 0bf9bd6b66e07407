/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the emulated virtio console (core/vdev/vcon.c): a guest
 * that writes anything to the configuration space, BAR0 and its own RAM.
 *
 * The fake partition RAM (64 KiB at guest 0x80000000) sits between two guard areas;
 * gpa_to_host only hands out ranges inside it. The input is a sequence of operations
 * (kind, width, offset, value): configuration and BAR reads and writes (a short
 * driver bring-up is sometimes replayed to reach DRIVER_OK), RAM writes (rings and
 * descriptors pointing anywhere, with any length and flags), notifies, and console
 * input arriving.
 *
 * Invariants checked:
 *  - the guard areas are never written, and every MSI sent is one the guest programmed
 *    into an unmasked MSI-X entry while MSI-X was enabled and not function-masked;
 *  - one notify transmits at most VCON_TX_NOTIFY_MAX + VCON_TX_CHAIN_MAX bytes (receive
 *    cannot take more input than is waiting: rx() below hands out only that);
 *  - a device marked NEEDS_RESET keeps reading it until the driver writes status 0;
 *  - reads of the configuration space never exceed the access width.
 * ASan/UBSan catch any access outside the model's own state.
 */
#include <stdint.h>
#include <string.h>

#include "core/vdev/vcon.h"
#include "fuzz_util.h"

#define RAM_GPA  0x80000000ULL
#define RAM_SIZE 0x10000ULL

static struct {
	uint8_t lo[256];
	uint8_t ram[RAM_SIZE];
	uint8_t hi[256];
} mem;
static size_t tx_bytes, input_left;
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
	FUZZ_CHECK(dev.msix_ctrl & 0x8000, "MSI with MSI-X disabled");
	FUZZ_CHECK(!(dev.msix_ctrl & 0x4000), "MSI while function-masked");
	for (unsigned i = 0; i < VCON_MSIX_VECTORS; i++) {
		const struct vcon_msix_entry *e = &dev.msix[i];

		if (!(e->ctrl & 1) && ((uint64_t)e->addr_hi << 32 | e->addr_lo) == addr && e->data == data)
			return;
	}
	FUZZ_CHECK(0, "MSI 0x%llx/0x%x matches no unmasked entry", (unsigned long long)addr, data);
}

static void tx(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	tx_bytes += len;
}

static size_t rx(void *ctx, char *buf, size_t max)
{
	size_t n = input_left < max ? input_left : max;

	(void)ctx;
	memset(buf, 'k', n);
	input_left -= n;
	return n;
}

static const struct vcon_ops ops = { g2h, msi, tx, rx, NULL };

static void bring_up(void)
{
	vcon_cfg_write(&dev, 0x04, 2, 0x0006);
	vcon_cfg_write(&dev, 0x86, 2, 0x8000);
	vcon_bar_write(&dev, 0x14, 1, 0);
	vcon_bar_write(&dev, 0x14, 1, 3);
	vcon_bar_write(&dev, 0x08, 4, 1);
	vcon_bar_write(&dev, 0x0c, 4, 1);
	vcon_bar_write(&dev, 0x14, 1, 0xb);
	for (unsigned q = 0; q < 2; q++) {
		vcon_bar_write(&dev, 0x16, 2, q);
		vcon_bar_write(&dev, 0x18, 2, 8);
		vcon_bar_write(&dev, 0x1a, 2, q + 1);
		vcon_bar_write(&dev, 0x20, 8, RAM_GPA + 0x1000 + q * 0x400);
		vcon_bar_write(&dev, 0x28, 8, RAM_GPA + 0x2000 + q * 0x400);
		vcon_bar_write(&dev, 0x30, 8, RAM_GPA + 0x3000 + q * 0x400);
		vcon_bar_write(&dev, 0x1c, 2, 1);
	}
	vcon_bar_write(&dev, 0x14, 1, 0xf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	static const unsigned widths[4] = { 1, 2, 4, 8 };

	memset(&mem, 0, sizeof(mem));
	tx_bytes = input_left = 0;
	vcon_init(&dev, &ops, gpa(0x7ffff000));
	if (fz_u8(&f) & 1)
		bring_up();
	for (unsigned step = 0; step < 512 && f.n; step++) {
		uint8_t kind = fz_u8(&f);
		unsigned w = widths[(kind >> 4) & 3];
		uint16_t off = fz_u16(&f);
		uint64_t val = fz_u64(&f);
		bool was_broken = dev.broken;

		switch (kind & 7) {
		case 0: {
			uint32_t v = vcon_cfg_read(&dev, off & 0xfff, w);

			FUZZ_CHECK(w >= 4 || v < (1U << (8 * w)), "config read wider than %u bytes", w);
			break;
		}
		case 1: vcon_cfg_write(&dev, off & 0xfff, w, (uint32_t)val); break;
		case 2: (void)vcon_bar_read(&dev, off & 0x1fff, w); break;
		case 3: {
			size_t before = tx_bytes;

			vcon_bar_write(&dev, off & 0x1fff, w, val);
			FUZZ_CHECK(tx_bytes - before <= VCON_TX_NOTIFY_MAX + VCON_TX_CHAIN_MAX, "one write sent %zu bytes",
				   tx_bytes - before);
			break;
		}
		case 4: case 5: {          /* guest RAM: mostly the ring area 0x1000..0x3fff */
			uint64_t o = (kind & 1 ? off & 0x3fff : off) & ~7ULL;

			memcpy(mem.ram + o, &val, 8);
			break;
		}
		case 6: {
			size_t n = val & 0x3ff;

			input_left += n;
			(void)vcon_rx_kick(&dev);
			break;
		}
		default:
			vcon_bar_write(&dev, VCON_BAR_NOTIFY, 2, val & 1);
			break;
		}
		if (was_broken && (kind & 7) != 1 && (kind & 7) != 3)
			FUZZ_CHECK(dev.broken && (dev.status & VCON_S_NEEDS_RESET), "NEEDS_RESET lost without a write");
		if (dev.broken)
			FUZZ_CHECK(dev.status & VCON_S_NEEDS_RESET, "broken without NEEDS_RESET");
	}
	for (unsigned i = 0; i < sizeof(mem.lo); i++)
		FUZZ_CHECK(!mem.lo[i] && !mem.hi[i], "guard byte %u written", i);
	return 0;
}
