/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the MMIO window registry and trap-and-emulate dispatch
 * (core/vdev/mmio.c, with the real decoder core/vdev/mmio_decode.c) and for the
 * console UART glue (core/vdev/uart.c) driven through it. Guest memory for the
 * htinst = 0 fallback and the firmware console are the fakes in fake_arch.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/console.h"
#include "core/vdev/mmio.h"
#include "core/vdev/uart.h"
#include "core/vdev/vuart.h"
#include "fakes.h"

#define UNUSED __attribute__((unused))

#define DEV_BASE  0x10000000ULL
#define DEV_SIZE  0x100ULL
#define MEM_BASE  0x80200000ULL   /* guest virtual address of fake.mem[0] */

/* A fake device: records the last access, counts calls, returns @read_val on reads. */
struct fdev {
	unsigned reads, writes;
	uint64_t off;
	unsigned width;
	uint64_t val;
	uint64_t read_val;
};

static uint64_t fdev_read(void *ctx, uint64_t off, unsigned width)
{
	struct fdev *d = ctx;

	d->reads++;
	d->off = off;
	d->width = width;
	return d->read_val;
}

static void fdev_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct fdev *d = ctx;

	d->writes++;
	d->off = off;
	d->width = width;
	d->val = val;
}

static struct mmio_region region(uint64_t base, uint64_t size, struct fdev *d)
{
	return (struct mmio_region){ .base = gpa(base), .size = size, .read = fdev_read, .write = fdev_write,
				     .ctx = d };
}

/* Transformed htinst values [Priv ISA, "Transformed Instruction or Pseudoinstruction"]. */
static uint64_t ht_load(unsigned f3, unsigned rd, bool len32)
{
	return (f3 << 12) | (rd << 7) | (len32 ? 0x03U : 0x01U);
}

static uint64_t ht_store(unsigned f3, unsigned rs2, bool len32)
{
	return (rs2 << 20) | (f3 << 12) | (len32 ? 0x23U : 0x21U);
}

enum { LB = 0, LH = 1, LW = 2, LD = 3, LBU = 4, LHU = 5, LWU = 6 };
enum { SB = 0, SH = 1, SW = 2, SD = 3 };

/* Raw instructions (little-endian in guest memory). */
#define INSN_LW_A0_4_A1   0x0045a503U   /* lw a0, 4(a1) */
#define INSN_CSW_A0_0_A1  0xc188U       /* c.sw a0, 0(a1) */
#define INSN_SD_A2_8_A1   0x00c5b423U   /* sd a2, 8(a1) */

static void put_insn(size_t at, uint32_t insn, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		fake.mem[at + i] = (uint8_t)(insn >> (8 * i));
}

static struct mmio_bus bus;
static struct fdev dev;
static struct guest_regs regs;

static int setup(void **state UNUSED)
{
	fake_reset();
	console_reset();
	console_init();
	fake.mem_base = MEM_BASE;
	memset(&bus, 0, sizeof(bus));
	memset(&dev, 0, sizeof(dev));
	memset(&regs, 0, sizeof(regs));
	for (unsigned i = 1; i < 32; i++)
		regs.x[i] = 0x1111111111111111ULL * (i & 0xf) + i;
	regs.sepc = MEM_BASE + 0x100;
	return 0;
}

static int teardown(void **state UNUSED)
{
	return fake.locks_held == 0 ? 0 : -1;
}

/* Add the fake device at [DEV_BASE, DEV_BASE + DEV_SIZE). */
static void add_dev(void)
{
	struct mmio_region r = region(DEV_BASE, DEV_SIZE, &dev);

	assert_int_equal(mmio_add(&bus, &r), 0);
}

/* regs as they were before an access that must change nothing. */
static void assert_regs_equal(const struct guest_regs *a, const struct guest_regs *b)
{
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(a->x[i], b->x[i]);
	assert_int_equal(a->sepc, b->sepc);
	assert_int_equal(a->sstatus, b->sstatus);
	assert_int_equal(a->hstatus, b->hstatus);
}

/* ---- mmio_add / mmio_find ---------------------------------------------------------------- */

static void test_add_full(void **state UNUSED)
{
	struct fdev d[MMIO_MAX_REGIONS + 1];

	for (unsigned i = 0; i < MMIO_MAX_REGIONS; i++) {
		struct mmio_region r = region(0x1000 * (i + 1), 0x1000, &d[i]);

		assert_int_equal(mmio_add(&bus, &r), 0);
		assert_int_equal(bus.nr, i + 1);
	}
	/* Table full, even for a window that overlaps nothing. */
	{
		struct mmio_region r = region(0x100000, 0x1000, &d[MMIO_MAX_REGIONS]);

		assert_int_equal(mmio_add(&bus, &r), -PV_ENOMEM);
		assert_int_equal(bus.nr, MMIO_MAX_REGIONS);
		assert_null(mmio_find(&bus, gpa(0x100000)));
	}
	/* Every window is found and is a copy of what was added. */
	for (unsigned i = 0; i < MMIO_MAX_REGIONS; i++) {
		const struct mmio_region *m = mmio_find(&bus, gpa(0x1000 * (i + 1) + 0x10));

		assert_non_null(m);
		assert_int_equal(m->base.v, 0x1000 * (i + 1));
		assert_int_equal(m->size, 0x1000);
		assert_ptr_equal(m->ctx, &d[i]);
		assert_ptr_equal(m->read, fdev_read);
		assert_ptr_equal(m->write, fdev_write);
	}
}

static void test_add_overlap(void **state UNUSED)
{
	static const struct { uint64_t base, size; } bad[] = {
		{ 0x1000, 0x1000 },   /* the same */
		{ 0x1800, 0x1000 },   /* overlaps the end */
		{ 0x0800, 0x1000 },   /* overlaps the start */
		{ 0x1fff, 0x1 },      /* last byte */
		{ 0x0fff, 0x2 },      /* first byte */
		{ 0x1100, 0x10 },     /* inside */
		{ 0x0, 0x10000 },     /* around */
	};
	struct fdev d2;
	struct mmio_region r = region(0x1000, 0x1000, &dev);

	assert_int_equal(mmio_add(&bus, &r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mmio_region o = region(bad[i].base, bad[i].size, &d2);

		assert_int_equal(mmio_add(&bus, &o), -PV_EEXIST);
		assert_int_equal(bus.nr, 1);
	}
	/* Adjacent windows are fine on both sides. */
	{
		struct mmio_region below = region(0x0, 0x1000, &d2);
		struct mmio_region above = region(0x2000, 0x1000, &d2);

		assert_int_equal(mmio_add(&bus, &below), 0);
		assert_int_equal(mmio_add(&bus, &above), 0);
		assert_int_equal(bus.nr, 3);
		assert_ptr_equal(mmio_find(&bus, gpa(0xfff))->ctx, &d2);
		assert_ptr_equal(mmio_find(&bus, gpa(0x1000))->ctx, &dev);
		assert_ptr_equal(mmio_find(&bus, gpa(0x1fff))->ctx, &dev);
		assert_ptr_equal(mmio_find(&bus, gpa(0x2000))->ctx, &d2);
	}
}

static void test_find_bounds(void **state UNUSED)
{
	const struct mmio_region *m;

	assert_null(mmio_find(&bus, gpa(DEV_BASE)));   /* empty bus */
	add_dev();
	m = mmio_find(&bus, gpa(DEV_BASE));
	assert_non_null(m);
	assert_int_equal(m->base.v, DEV_BASE);
	assert_ptr_equal(mmio_find(&bus, gpa(DEV_BASE + DEV_SIZE - 1)), m);
	assert_null(mmio_find(&bus, gpa(DEV_BASE + DEV_SIZE)));
	assert_null(mmio_find(&bus, gpa(DEV_BASE - 1)));
	assert_null(mmio_find(&bus, gpa(0)));
	assert_null(mmio_find(&bus, gpa(0x4000000000ULL)));
	assert_null(mmio_find(&bus, gpa(0xffffffffffffffffULL)));
	assert_null(mmio_find(&bus, gpa(DEV_BASE + DEV_SIZE + 0xffffffff00000000ULL)));
}

static void test_find_top_of_space(void **state UNUSED)
{
	struct mmio_region top = region(0xfffffffffffff000ULL, 0x1000, &dev);
	const struct mmio_region *m;

	assert_int_equal(mmio_add(&bus, &top), 0);
	m = mmio_find(&bus, gpa(0xffffffffffffffffULL));
	assert_non_null(m);
	assert_int_equal(m->base.v, 0xfffffffffffff000ULL);
	assert_ptr_equal(mmio_find(&bus, gpa(0xfffffffffffff000ULL)), m);
	assert_null(mmio_find(&bus, gpa(0xffffffffffffefffULL)));
	assert_null(mmio_find(&bus, gpa(0)));        /* base + size wraps to 0: still outside */
	assert_null(mmio_find(&bus, gpa(0x800)));
}

/* ---- mmio_emulate: stores ---------------------------------------------------------------- */

static void test_store_htinst(void **state UNUSED)
{
	static const struct { unsigned f3, width; uint64_t val; } st[] = {
		{ SB, 1, 0x5a }, { SH, 2, 0xbeef }, { SW, 4, 0xdeadbeef }, { SD, 8, 0x0123456789abcdefULL },
	};

	add_dev();
	for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
		struct guest_regs before;
		uint64_t pc = regs.sepc;

		regs.x[12] = st[i].val;
		before = regs;
		assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 0x18), ht_store(st[i].f3, 12, true), true));
		assert_int_equal(dev.writes, i + 1);
		assert_int_equal(dev.reads, 0);
		assert_int_equal(dev.off, 0x18);
		assert_int_equal(dev.width, st[i].width);
		assert_int_equal(dev.val, st[i].val);
		assert_int_equal(regs.sepc, pc + 4);
		before.sepc = pc + 4;
		assert_regs_equal(&regs, &before);   /* nothing else changed */
	}
	assert_int_equal(fake.guest_reads, 0);   /* htinst was enough */
}

static void test_store_htinst_compressed(void **state UNUSED)
{
	uint64_t pc = regs.sepc;

	add_dev();
	regs.x[9] = 0x77665544;
	/* Transformed c.sw: bit 1 clear, the original was 16 bits. */
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 4), ht_store(SW, 9, false), true));
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.off, 4);
	assert_int_equal(dev.width, 4);
	assert_int_equal(dev.val, 0x77665544);
	assert_int_equal(regs.sepc, pc + 2);

	/* Transformed c.ld: load, 16-bit. */
	dev.read_val = 0x1122334455667788ULL;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 8), ht_load(LD, 8, false), false));
	assert_int_equal(regs.x[8], 0x1122334455667788ULL);
	assert_int_equal(dev.width, 8);
	assert_int_equal(regs.sepc, pc + 4);
}

static void test_store_from_x0(void **state UNUSED)
{
	add_dev();
	regs.x[0] = 0xdeadbeef;   /* x[0] is unused: never read as the store value */
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE), ht_store(SW, 0, true), true));
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.val, 0);
	assert_int_equal(dev.width, 4);
}

/* ---- mmio_emulate: loads ----------------------------------------------------------------- */

static uint64_t do_load(unsigned f3, uint64_t raw)
{
	uint64_t pc = regs.sepc;

	dev.read_val = raw;
	regs.x[5] = 0xa5a5a5a5a5a5a5a5ULL;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 0x20), ht_load(f3, 5, true), false));
	assert_int_equal(dev.off, 0x20);
	assert_int_equal(regs.sepc, pc + 4);
	return regs.x[5];
}

static void test_load_extend(void **state UNUSED)
{
	add_dev();
	assert_int_equal(do_load(LB, 0x80), 0xffffffffffffff80ULL);
	assert_int_equal(dev.width, 1);
	assert_int_equal(do_load(LBU, 0x80), 0x80);
	assert_int_equal(dev.width, 1);
	assert_int_equal(do_load(LB, 0x7f), 0x7f);
	/* Device bits above the access width are dropped. */
	assert_int_equal(do_load(LBU, 0x12345680), 0x80);
	assert_int_equal(do_load(LH, 0x8001), 0xffffffffffff8001ULL);
	assert_int_equal(dev.width, 2);
	assert_int_equal(do_load(LHU, 0xffff8001), 0x8001);
	assert_int_equal(do_load(LW, 0x80000000), 0xffffffff80000000ULL);
	assert_int_equal(dev.width, 4);
	assert_int_equal(do_load(LWU, 0xffffffff80000000ULL), 0x80000000);
	assert_int_equal(do_load(LD, 0x8000000000000001ULL), 0x8000000000000001ULL);
	assert_int_equal(dev.width, 8);
	assert_int_equal(dev.reads, 9);
	assert_int_equal(dev.writes, 0);
}

static void test_load_rd_x0(void **state UNUSED)
{
	struct guest_regs before;

	add_dev();
	dev.read_val = 0x42;
	regs.x[0] = 0;
	before = regs;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 1), ht_load(LBU, 0, true), false));
	assert_int_equal(dev.reads, 1);     /* the read happens (it may have side effects) */
	assert_int_equal(dev.off, 1);
	assert_int_equal(regs.x[0], 0);      /* the result is discarded */
	before.sepc += 4;
	assert_regs_equal(&regs, &before);
}

/* ---- mmio_emulate: htinst = 0, the instruction from guest memory -------------------------- */

static void test_fallback_insn(void **state UNUSED)
{
	add_dev();
	put_insn(0x100, INSN_LW_A0_4_A1, 4);
	put_insn(0x104, INSN_CSW_A0_0_A1, 2);
	put_insn(0x106, INSN_SD_A2_8_A1, 4);   /* at a 2-byte boundary, as after a compressed one */
	regs.sepc = MEM_BASE + 0x100;

	/* lw a0, 4(a1) */
	dev.read_val = 0x80000000;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 4), 0, false));
	assert_int_equal(fake.guest_reads, 2);   /* both halves of a 32-bit instruction */
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.off, 4);
	assert_int_equal(dev.width, 4);
	assert_int_equal(regs.x[10], 0xffffffff80000000ULL);
	assert_int_equal(regs.sepc, MEM_BASE + 0x104);

	/* c.sw a0, 0(a1) */
	regs.x[10] = 0xcafef00d;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 0x10), 0, true));
	assert_int_equal(fake.guest_reads, 3);   /* one halfword for a compressed one */
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.off, 0x10);
	assert_int_equal(dev.width, 4);
	assert_int_equal(dev.val, 0xcafef00d);
	assert_int_equal(regs.sepc, MEM_BASE + 0x106);

	/* sd a2, 8(a1) */
	regs.x[12] = 0x0102030405060708ULL;
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + 0x40), 0, true));
	assert_int_equal(dev.writes, 2);
	assert_int_equal(dev.width, 8);
	assert_int_equal(dev.val, 0x0102030405060708ULL);
	assert_int_equal(regs.sepc, MEM_BASE + 0x10a);
}

static void test_fallback_unreadable(void **state UNUSED)
{
	struct guest_regs before;

	add_dev();
	/* sepc below and above fake.mem */
	regs.sepc = MEM_BASE - 0x1000;
	before = regs;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, false));
	assert_int_equal(fake.guest_reads, 1);
	regs.sepc = MEM_BASE + FAKE_MEM_SIZE;
	before.sepc = regs.sepc;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, true));
	assert_regs_equal(&regs, &before);

	/* A 32-bit instruction whose second half is not readable. */
	put_insn(FAKE_MEM_SIZE - 2, INSN_LW_A0_4_A1 & 0xffff, 2);
	regs.sepc = MEM_BASE + FAKE_MEM_SIZE - 2;
	before = regs;
	fake.guest_reads = 0;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, false));
	assert_int_equal(fake.guest_reads, 2);
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads + dev.writes, 0);

	/* Readable but not a load or store (addi a0, a0, 1; c.nop). */
	put_insn(0x200, 0x00150513U, 4);
	regs.sepc = MEM_BASE + 0x200;
	before = regs;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, false));
	put_insn(0x204, 0x0001U, 2);
	regs.sepc = MEM_BASE + 0x204;
	before = regs;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, false));
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads + dev.writes, 0);
}

/* ---- mmio_emulate: refusals -------------------------------------------------------------- */

static void test_no_region(void **state UNUSED)
{
	struct guest_regs before = regs;

	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), ht_store(SW, 10, true), true));   /* empty bus */
	add_dev();
	before = regs;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE), ht_store(SW, 10, true), true));
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE - 4), ht_load(LW, 10, true), false));
	assert_false(mmio_emulate(&bus, &regs, gpa(0xffffffffffffffffULL), ht_load(LB, 10, true), false));
	/* htinst 0 with an unmapped address: the instruction is not even read. */
	assert_false(mmio_emulate(&bus, &regs, gpa(0x1234), 0, false));
	assert_int_equal(fake.guest_reads, 0);
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads + dev.writes, 0);
}

static void test_past_window_end(void **state UNUSED)
{
	struct guest_regs before;

	add_dev();
	before = regs;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 2), ht_store(SW, 10, true), true));
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 1), ht_load(LH, 10, true), false));
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 4), ht_load(LD, 10, true), false));
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads + dev.writes, 0);

	/* The last bytes that fit are fine. */
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 4), ht_store(SW, 10, true), true));
	assert_int_equal(dev.off, DEV_SIZE - 4);
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 8), ht_load(LD, 10, true), false));
	assert_int_equal(dev.off, DEV_SIZE - 8);
	assert_true(mmio_emulate(&bus, &regs, gpa(DEV_BASE + DEV_SIZE - 1), ht_store(SB, 10, true), true));
	assert_int_equal(dev.off, DEV_SIZE - 1);
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.writes, 2);
}

static void test_direction_mismatch(void **state UNUSED)
{
	struct guest_regs before;

	add_dev();
	put_insn(0x100, INSN_LW_A0_4_A1, 4);
	put_insn(0x104, INSN_CSW_A0_0_A1, 2);
	before = regs;
	/* A load reported as a store fault, and the reverse. */
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), ht_load(LW, 10, true), true));
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), ht_store(SW, 10, true), false));
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), ht_load(LBU, 10, false), true));
	/* The same from guest memory. */
	regs.sepc = MEM_BASE + 0x100;
	before.sepc = regs.sepc;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, true));
	regs.sepc = MEM_BASE + 0x104;
	before.sepc = regs.sepc;
	assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), 0, false));
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads, 0);
	assert_int_equal(dev.writes, 0);
}

static void test_undecodable_htinst(void **state UNUSED)
{
	static const uint64_t bad[] = {
		0x0800202fU | (10U << 20) | (11U << 7),   /* amoswap.w */
		0x0000202fU | (10U << 20) | (11U << 7),   /* amoadd.w */
		0x00002027U | (10U << 20),                /* fsw */
		0x00003027U | (10U << 20),                /* fsd */
		0x00002007U | (10U << 7),                 /* flw */
		0x00002000U,                              /* pseudoinstruction: VS-stage PTE read, 32-bit */
		0x00003000U,                              /* 64-bit */
		0x00002020U,                              /* PTE write, 32-bit */
		0x00003020U,                              /* 64-bit */
		0x00007003U,                              /* load funct3 7: reserved */
		0x00004023U,                              /* store funct3 4: reserved */
		0x100002023ULL,                           /* bits above 31 */
		0x00000013U,                              /* addi (no load or store) */
	};
	struct guest_regs before;

	add_dev();
	before = regs;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), bad[i], true));
		assert_false(mmio_emulate(&bus, &regs, gpa(DEV_BASE), bad[i], false));
	}
	assert_regs_equal(&regs, &before);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(fake.guest_reads, 0);   /* no fallback for a non-zero htinst */
}

/* ---- the console UART glue --------------------------------------------------------------- */

#define UART_BASE 0x10000000ULL
#define UART_SIZE 0x100ULL

static struct uart_port port;
static struct con_client ucl;

static void uart_setup_port(void)
{
	memset(&ucl, 0, sizeof(ucl));
	ucl.name = "ttyS";
	assert_int_equal(console_register(&ucl), 0);
	assert_int_equal(uart_port_attach(&port, &bus, gpa(UART_BASE), UART_SIZE, &ucl), 0);
	assert_int_equal(fake.locks_held, 0);
}

static void uart_sb(unsigned off, uint8_t c)
{
	uint64_t pc = regs.sepc;

	regs.x[10] = c;
	assert_true(mmio_emulate(&bus, &regs, gpa(UART_BASE + off), ht_store(SB, 10, true), true));
	assert_int_equal(regs.sepc, pc + 4);
	assert_int_equal(fake.locks_held, 0);
}

static uint64_t uart_lbu(unsigned off)
{
	uint64_t pc = regs.sepc;

	regs.x[11] = 0xffffffffffffffffULL;
	assert_true(mmio_emulate(&bus, &regs, gpa(UART_BASE + off), ht_load(LBU, 11, true), false));
	assert_int_equal(regs.sepc, pc + 4);
	assert_int_equal(fake.locks_held, 0);
	return regs.x[11];
}

static void test_uart_attach(void **state UNUSED)
{
	const struct mmio_region *m;
	struct uart_port other;

	uart_setup_port();
	assert_int_equal(bus.nr, 1);
	m = mmio_find(&bus, gpa(UART_BASE));
	assert_non_null(m);
	assert_int_equal(m->base.v, UART_BASE);
	assert_int_equal(m->size, UART_SIZE);
	assert_ptr_equal(m->ctx, &port);
	assert_ptr_equal(mmio_find(&bus, gpa(UART_BASE + UART_SIZE - 1)), m);
	assert_null(mmio_find(&bus, gpa(UART_BASE + UART_SIZE)));
	assert_ptr_equal(port.in, &ucl);
	assert_ptr_equal(port.out.client, &ucl);

	/* A second port over the same window is refused. */
	assert_int_equal(uart_port_attach(&other, &bus, gpa(UART_BASE + 8), 8, &ucl), -PV_EEXIST);
	assert_int_equal(bus.nr, 1);
	assert_int_equal(fake.out_calls, 0);
}

static void test_uart_transmit(void **state UNUSED)
{
	uart_setup_port();
	uart_sb(UART_THR, 'A');
	assert_int_equal(fake.out_calls, 0);   /* held until the end of the line */
	uart_sb(UART_THR, '\n');
	assert_string_equal(fake.out, "[ttyS] A\n");
	assert_int_equal(fake.out_calls, 1);

	/* A 4-byte store to THR is not a 16550 access: ignored. */
	regs.x[10] = 'B';
	assert_true(mmio_emulate(&bus, &regs, gpa(UART_BASE + UART_THR), ht_store(SW, 10, true), true));
	uart_sb(UART_THR, '\n');
	assert_string_equal(fake.out, "[ttyS] A\n[ttyS] \n");
	assert_int_equal(fake.locks_held, 0);
}

static void test_uart_lsr(void **state UNUSED)
{
	uint64_t lsr;

	uart_setup_port();
	lsr = uart_lbu(UART_LSR);
	assert_int_equal(lsr & (UART_LSR_THRE | UART_LSR_TEMT), 0x60);
	assert_int_equal(lsr & UART_LSR_DR, 0);
	assert_true(lsr <= 0xff);
	/* Scratch register round trip through the window. */
	uart_sb(UART_SCR, 0x5c);
	assert_int_equal(uart_lbu(UART_SCR), 0x5c);
	assert_int_equal(fake.out_calls, 0);
}

static void test_uart_receive(void **state UNUSED)
{
	uart_setup_port();
	assert_int_equal(uart_lbu(UART_LSR) & UART_LSR_DR, 0);
	fake.in = "k";
	fake.in_pos = 0;
	assert_int_equal(uart_lbu(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(fake.in_pos, 1);
	assert_int_equal(uart_lbu(UART_RBR), 'k');
	assert_int_equal(uart_lbu(UART_LSR) & UART_LSR_DR, 0);

	/* Input for another client's focus does not reach this port. */
	{
		struct con_client other = { .name = "other" };

		assert_int_equal(console_register(&other), 0);
		fake.in = "\x01\x01\x01" "z";
		fake.in_pos = 0;
		assert_int_equal(uart_lbu(UART_LSR) & UART_LSR_DR, 0);
		assert_int_equal(console_getc(&other), 'z');
	}
	assert_int_equal(fake.locks_held, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_top_of_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_htinst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_htinst_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_from_x0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rd_x0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_insn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_region, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_window_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direction_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undecodable_htinst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_transmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_lsr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_receive, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
