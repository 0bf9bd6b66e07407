/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for guest MMIO decoding and emulation: mmio_decode_htinst(),
 * mmio_decode_insn(), mmio_load_extend() (core/vdev/mmio_decode.c) and mmio_add(),
 * mmio_find(), mmio_emulate() (core/vdev/mmio.c), the latter on a small mmio_bus with
 * a dummy device window (0x20000000, 256 bytes), up to three more dummy windows from
 * the input and optionally the partition console UART (core/vdev/uart.c) at
 * GUEST_UART_GPA. Instruction bytes for the htinst = 0 fallback come from fake.mem
 * (tests/unit/fake_arch.c), which the input fills.
 *
 * Input: a header byte (extra windows, UART), the extra windows (base, size), then
 * records until the input ends: decode records (htinst, raw instruction) and emulate
 * records (window, offset, htinst, instruction and where it lies in fake.mem,
 * direction, register seed, device value).
 *
 * Invariants checked:
 *  - decoders: 0, -PV_ENOENT (htinst 0 only) or -PV_EINVAL, the output untouched on
 *    error; on success width in {1,2,4,8}, reg < 32, insn_len in {2,4} (htinst: 4 iff
 *    bit 1, raw: 2 iff the low bits are not 11), sign extension only for loads
 *    narrower than 8 bytes; both agree with a table decoder written from the ISA
 *    manuals (RV64I, C, and Zcb as in riscv-opcodes' rv_zcb), and with each other on
 *    32-bit encodings;
 *  - mmio_load_extend(): the low width bytes kept, the rest copies of the top bit
 *    (sign) or zero;
 *  - mmio_add(): -PV_EINVAL for an empty window, -PV_EEXIST for an overlap,
 *    -PV_ENOMEM when full, else 0 and mmio_find() finds the window;
 *  - mmio_emulate(): handled exactly when a window covers the address and the
 *    decoded access has the fault's direction and stays inside the window; if not,
 *    registers unchanged and no device access; if so, exactly one device access at
 *    the fault's offset with the decoded width, sepc advanced by insn_len, a store
 *    passes x[rs2] (0 for x0) and changes no register but sepc, a load writes only
 *    rd (never x0) with the extended device value; no lock left held.
 */
#include <stdint.h>
#include <string.h>

#include "core/console.h"
#include "core/guest_layout.h"
#include "core/vdev/mmio.h"
#include "core/vdev/mmio_decode.h"
#include "core/vdev/uart.h"
#include "fakes.h"
#include "fuzz_util.h"

#define DEV_BASE 0x20000000ULL
#define DEV_SIZE 0x100ULL
#define MEM_BASE 0x80200000ULL   /* guest virtual address of fake.mem[0] */

/* ---- reference decoder (RISC-V Unprivileged ISA, RV64I and C load/store tables) ---- */

struct ref { int ok; bool write; unsigned width; bool sx; unsigned reg; };

static struct ref ref32(uint32_t i)
{
	static const struct { unsigned width; bool sx; } loads[8] = {
		{ 1, true }, { 2, true }, { 4, true }, { 8, false },        /* lb lh lw ld */
		{ 1, false }, { 2, false }, { 4, false }, { 0, false },     /* lbu lhu lwu (reserved) */
	};
	static const unsigned stores[8] = { 1, 2, 4, 8, 0, 0, 0, 0 }; /* sb sh sw sd */
	unsigned opcode = i & 0x7f, f3 = (i >> 12) & 7;

	if (opcode == 0x03 && loads[f3].width)
		return (struct ref){ 1, false, loads[f3].width, loads[f3].sx, (i >> 7) & 31 };
	if (opcode == 0x23 && stores[f3])
		return (struct ref){ 1, true, stores[f3], false, (i >> 20) & 31 };
	return (struct ref){ 0 };
}

static struct ref ref16(uint16_t i)
{
	unsigned q = i & 3, f3 = i >> 13, rdp = 8 + ((i >> 2) & 7), rd = (i >> 7) & 31, rs2 = (i >> 2) & 31;

	if (q == 0) {
		unsigned f12_10 = (i >> 10) & 7, b6 = (i >> 6) & 1;

		switch (f3) {
		case 2: return (struct ref){ 1, false, 4, true, rdp };   /* c.lw */
		case 3: return (struct ref){ 1, false, 8, false, rdp };  /* c.ld */
		case 6: return (struct ref){ 1, true, 4, false, rdp };   /* c.sw */
		case 7: return (struct ref){ 1, true, 8, false, rdp };   /* c.sd */
		case 4:  /* Zcb (riscv-opcodes rv_zcb): funct6 100 0xx */
			switch (f12_10) {
			case 0: return (struct ref){ 1, false, 1, false, rdp };     /* c.lbu */
			case 1: return (struct ref){ 1, false, 2, b6 != 0, rdp };   /* c.lhu (6=0), c.lh (6=1) */
			case 2: return (struct ref){ 1, true, 1, false, rdp };      /* c.sb */
			case 3: return (struct ref){ !b6, true, 2, false, rdp };    /* c.sh (6=0); 6=1 reserved */
			}
			break;
		}
	} else if (q == 2) {
		switch (f3) {
		case 2: return (struct ref){ rd != 0, false, 4, true, rd };   /* c.lwsp, rd = 0 reserved */
		case 3: return (struct ref){ rd != 0, false, 8, false, rd };  /* c.ldsp, rd = 0 reserved */
		case 6: return (struct ref){ 1, true, 4, false, rs2 };        /* c.swsp */
		case 7: return (struct ref){ 1, true, 8, false, rs2 };        /* c.sdsp */
		}
	}
	return (struct ref){ 0 };
}

/*
 * What the hardware writes to htinst for load/store @insn [Priv ISA "Transformed
 * Instruction"]: the 32-bit form with rs1 (address offset) cleared, bit 1 clear when
 * the original was compressed. 0 if @insn is no load/store.
 */
static uint32_t transform(uint32_t insn)
{
	static const unsigned f3_of[2][9] = { { 0, 4, 5, 0, 6, 0, 0, 0, 3 }, { 0, 0, 1, 0, 2, 0, 0, 0, 3 } };
	struct ref r;

	if ((insn & 3) == 3)
		return ref32(insn).ok ? insn & ~(31U << 15) : 0;
	r = ref16((uint16_t)insn);
	if (!r.ok)
		return 0;
	if (r.write)
		return r.reg << 20 | f3_of[1][r.width] << 12 | 0x21;
	return (r.sx ? f3_of[1][r.width] : f3_of[0][r.width]) << 12 | r.reg << 7 | 0x01;
}

static const struct mmio_access sentinel = { true, 77, true, 99, 13 };

static void check_access(const struct mmio_access *a, const struct ref *r, unsigned len, const char *what,
			 uint64_t v)
{
	FUZZ_CHECK(a->width == 1 || a->width == 2 || a->width == 4 || a->width == 8, "%s 0x%llx: width %u", what,
		   (ull)v, a->width);
	FUZZ_CHECK(a->reg < 32, "%s 0x%llx: reg %u", what, (ull)v, a->reg);
	FUZZ_CHECK(a->insn_len == len, "%s 0x%llx: insn_len %u, expected %u", what, (ull)v, a->insn_len, len);
	FUZZ_CHECK(!a->sign_extend || (!a->write && a->width < 8), "%s 0x%llx: sign extension", what, (ull)v);
	FUZZ_CHECK(r->ok && a->write == r->write && a->width == r->width && a->sign_extend == r->sx &&
		   a->reg == r->reg, "%s 0x%llx: decoded (w%d %u sx%d x%u), reference (ok%d w%d %u sx%d x%u)", what,
		   (ull)v, a->write, a->width, a->sign_extend, a->reg, r->ok, r->write, r->width, r->sx, r->reg);
}

static void check_extend(const struct mmio_access *a, uint64_t raw)
{
	uint64_t got = mmio_load_extend(raw, a);
	unsigned bits = 8 * a->width;
	uint64_t low;

	if (a->width >= 8) {
		FUZZ_CHECK(got == raw, "8-byte extend changed the value");
		return;
	}
	low = (1ULL << bits) - 1;
	FUZZ_CHECK((got & low) == (raw & low), "extend lost the low bytes");
	if (a->sign_extend && (raw >> (bits - 1)) & 1)
		FUZZ_CHECK((got | low) == UINT64_MAX, "sign extension of 0x%llx/%u: 0x%llx", (ull)raw, a->width,
			   (ull)got);
	else
		FUZZ_CHECK((got & ~low) == 0, "zero extension of 0x%llx/%u: 0x%llx", (ull)raw, a->width, (ull)got);
}

static void decode_record(struct fz *f)
{
	uint64_t ht = fz_u64(f);
	uint32_t insn = fz_u32(f), t;
	struct mmio_access a = sentinel, b = sentinel;
	struct ref r;
	int rc;

	/* often make htinst a 32-bit transformed value so that the decoder gets past the first checks */
	if (ht & (1ULL << 63))
		ht = (uint32_t)ht | 1;
	rc = mmio_decode_htinst(ht, &a);
	t = (uint32_t)ht | 2;
	r = ref32(t);
	if (ht == 0) {
		FUZZ_CHECK(rc == -PV_ENOENT, "htinst 0: rc %d", rc);
	} else if (rc == 0) {
		FUZZ_CHECK(ht & 1 && !(ht >> 32), "htinst 0x%llx accepted", (ull)ht);
		check_access(&a, &r, (ht & 2) ? 4 : 2, "htinst", ht);
		check_extend(&a, insn * 0x9e3779b97f4a7c15ULL);
	} else {
		FUZZ_CHECK(rc == -PV_EINVAL, "htinst 0x%llx: rc %d", (ull)ht, rc);
		FUZZ_CHECK(!memcmp(&a, &sentinel, sizeof(a)), "htinst 0x%llx: output changed on error", (ull)ht);
		FUZZ_CHECK(!(ht & 1) || (ht >> 32) || !r.ok, "htinst 0x%llx refused", (ull)ht);
	}

	rc = mmio_decode_insn(insn, &b);
	r = (insn & 3) == 3 ? ref32(insn) : ref16((uint16_t)insn);
	if (rc == 0) {
		check_access(&b, &r, (insn & 3) == 3 ? 4 : 2, "insn", insn);
		check_extend(&b, ht);
		if ((insn & 3) == 3) {  /* a raw 32-bit load/store is also a valid transformed htinst */
			struct mmio_access c = sentinel;

			FUZZ_CHECK(mmio_decode_htinst(insn, &c) == 0 && !memcmp(&c, &b, sizeof(c)),
				   "insn 0x%x: htinst decode differs", insn);
		}
	} else {
		FUZZ_CHECK(rc == -PV_EINVAL, "insn 0x%x: rc %d", insn, rc);
		FUZZ_CHECK(!memcmp(&b, &sentinel, sizeof(b)), "insn 0x%x: output changed on error", insn);
		FUZZ_CHECK(!r.ok, "insn 0x%x refused", insn);
	}
}

/* ---- the bus: counting wrappers around every window's device ---- */

struct win {
	uint64_t (*read)(void *ctx, uint64_t off, unsigned width);
	void (*write)(void *ctx, uint64_t off, unsigned width, uint64_t val);
	void *ctx;
	unsigned reads, writes;
	uint64_t off, val;
	unsigned width;
};

static struct mmio_bus bus;
static struct win wins[MMIO_MAX_REGIONS];
static struct uart_port uart;
static struct con_client client = { .name = "fz" };
static uint64_t dev_value;

static uint64_t dummy_read(void *ctx, uint64_t off, unsigned width)
{
	return dev_value;
}

static void dummy_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
}

static uint64_t win_read(void *ctx, uint64_t off, unsigned width)
{
	struct win *w = ctx;

	w->reads++;
	w->off = off;
	w->width = width;
	w->val = w->read(w->ctx, off, width);
	return w->val;
}

static void win_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct win *w = ctx;

	w->writes++;
	w->off = off;
	w->width = width;
	w->val = val;
	w->write(w->ctx, off, width, val);
}

/* Put the counting wrapper in front of window @i of the bus. */
static void wrap(unsigned i)
{
	struct mmio_region *r = &bus.regions[i];

	wins[i] = (struct win){ r->read, r->write, r->ctx, 0, 0, 0, 0, 0 };
	r->read = win_read;
	r->write = win_write;
	r->ctx = &wins[i];
}

static bool overlaps_bus(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < bus.nr; i++) {
		uint64_t b = bus.regions[i].base.v, s = bus.regions[i].size;

		if ((base >= b && base - b < s) || (b >= base && b - base < size))
			return true;
	}
	return false;
}

static void add_window(uint64_t base, uint64_t size)
{
	struct mmio_region r = { gpa(base), size, dummy_read, dummy_write, NULL };
	unsigned before = bus.nr;
	int expect = bus.nr == MMIO_MAX_REGIONS ? -PV_ENOMEM : !size ? -PV_EINVAL :
		     overlaps_bus(base, size) ? -PV_EEXIST : 0;
	int rc = mmio_add(&bus, &r);

	FUZZ_CHECK(rc == expect, "mmio_add(0x%llx, 0x%llx) = %d, expected %d", (ull)base, (ull)size, rc, expect);
	if (rc == 0) {
		FUZZ_CHECK(bus.nr == before + 1 && mmio_find(&bus, gpa(base)) == &bus.regions[before], "mmio_find");
		wrap(before);
	} else {
		FUZZ_CHECK(bus.nr == before, "failed mmio_add changed the bus");
	}
}

static void emulate_record(struct fz *f, uint8_t kind)
{
	uint8_t sel = fz_u8(f);
	uint64_t off = fz_u64(f), ht = fz_u64(f), seed = fz_u64(f);
	uint32_t insn = fz_u32(f);
	uint16_t memoff = fz_u16(f);
	bool write = kind & 2;
	struct guest_regs r, before;
	const struct mmio_region *m = NULL;
	struct win snap[MMIO_MAX_REGIONS];
	struct mmio_access a;
	bool handled, expect;
	gpa_t g;
	int rc;

	dev_value = fz_u64(f);
	/* the fault address: inside or just past a window, or anywhere */
	if (sel & 0x80 || !bus.nr) {
		g = gpa(off);
	} else {
		const struct mmio_region *w = &bus.regions[sel % bus.nr];

		g = gpa(w->base.v + off % (w->size < UINT64_MAX - 8 ? w->size + 8 : w->size));
	}
	/* htinst: as given, 0 (decode from memory), or the instruction transformed */
	if (kind & 4)
		ht = 0;
	else if (kind & 8)
		ht = transform(insn);
	/* the instruction in guest memory at sepc */
	for (unsigned i = 0; i < 4; i++)
		if ((size_t)memoff + i < FAKE_MEM_SIZE)
			fake.mem[memoff + i] = (uint8_t)(insn >> (8 * i));
	memset(&r, 0, sizeof(r));
	for (unsigned i = 1; i < 32; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		r.x[i] = seed ^ (seed >> 29);
	}
	r.x[0] = 0;
	r.sepc = MEM_BASE + memoff;
	r.sstatus = 0x1234;
	r.hstatus = 0x5678;
	before = r;
	memcpy(snap, wins, sizeof(snap));

	/* what should happen (mmio.h's contract) */
	for (unsigned i = 0; i < bus.nr && !m; i++)
		if (g.v >= bus.regions[i].base.v && g.v - bus.regions[i].base.v < bus.regions[i].size)
			m = &bus.regions[i];
	expect = m != NULL;
	if (expect) {
		rc = mmio_decode_htinst(ht, &a);
		if (rc == -PV_ENOENT) {
			uint32_t lo = memoff + 2u <= FAKE_MEM_SIZE ?
				      (uint32_t)(fake.mem[memoff] | fake.mem[memoff + 1] << 8) : 0;
			uint32_t hi = memoff + 4u <= FAKE_MEM_SIZE ?
				      (uint32_t)(fake.mem[memoff + 2] | fake.mem[memoff + 3] << 8) : 0;

			if (memoff + 2u > FAKE_MEM_SIZE || ((lo & 3) == 3 && memoff + 4u > FAKE_MEM_SIZE))
				rc = -PV_EINVAL;
			else
				rc = mmio_decode_insn(lo | hi << 16, &a);
		}
		expect = rc == 0 && a.write == write && g.v - m->base.v <= m->size - a.width &&
			 a.width <= m->size;
	}

	handled = mmio_emulate(&bus, &r, g, ht, write);
	FUZZ_CHECK(handled == expect, "mmio_emulate(0x%llx, htinst 0x%llx, %s) = %d, expected %d", (ull)g.v,
		   (ull)ht, write ? "store" : "load", handled, expect);
	FUZZ_CHECK(fake.locks_held == 0, "locks held: %d", fake.locks_held);
	if (!handled) {
		FUZZ_CHECK(!memcmp(&r, &before, sizeof(r)), "registers changed by an unhandled access");
		FUZZ_CHECK(!memcmp(snap, wins, sizeof(snap)), "device accessed by an unhandled access");
		return;
	}
	{
		struct win *w = &wins[m - bus.regions];
		struct win *s = &snap[m - bus.regions];

		FUZZ_CHECK(r.sepc == before.sepc + a.insn_len, "sepc advanced by %lld",
			   (long long)(r.sepc - before.sepc));
		FUZZ_CHECK(w->reads + w->writes == s->reads + s->writes + 1, "not exactly one device access");
		for (unsigned i = 0; i < bus.nr; i++)
			if (&wins[i] != w)
				FUZZ_CHECK(!memcmp(&wins[i], &snap[i], sizeof(wins[i])), "another window accessed");
		FUZZ_CHECK(w->off == g.v - m->base.v && w->width == a.width, "device access at 0x%llx/%u",
			   (ull)w->off, w->width);
		FUZZ_CHECK(w->width == 1 || w->width == 2 || w->width == 4 || w->width == 8, "width %u", w->width);
		FUZZ_CHECK(w->off + w->width <= m->size, "access past the window");
		r.sepc = before.sepc;
		if (a.write) {
			FUZZ_CHECK(w->writes == s->writes + 1, "store did not write");
			FUZZ_CHECK(w->val == (a.reg ? before.x[a.reg] : 0), "store of the wrong register value");
			FUZZ_CHECK(!memcmp(&r, &before, sizeof(r)), "a store changed registers");
		} else {
			FUZZ_CHECK(w->reads == s->reads + 1, "load did not read");
			FUZZ_CHECK(r.x[0] == 0, "x0 written");
			if (a.reg) {
				FUZZ_CHECK(r.x[a.reg] == mmio_load_extend(w->val, &a), "loaded value");
				r.x[a.reg] = before.x[a.reg];
			}
			FUZZ_CHECK(!memcmp(&r, &before, sizeof(r)), "a load changed other registers");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t hdr = fz_u8(&f);
	struct mmio_region dev = { gpa(DEV_BASE), DEV_SIZE, dummy_read, dummy_write, NULL };

	fake_reset();
	fake.mem_base = MEM_BASE;
	console_init();
	console_reset();
	memset(&client, 0, sizeof(client));  /* empty rings: console_reset() forgets what was queued */
	client.name = "fz";
	memset(&bus, 0, sizeof(bus));
	memset(wins, 0, sizeof(wins));
	FUZZ_CHECK(mmio_add(&bus, &dev) == 0, "dummy window");
	wrap(0);
	if (hdr & 4) {
		FUZZ_CHECK(uart_port_attach(&uart, &bus, gpa(GUEST_UART_GPA), GUEST_UART_SIZE, &client) == 0, "uart");
		wrap(bus.nr - 1);
		FUZZ_CHECK(console_register(&client) == 0, "console client");
		fake.in = "partvisor fuzz input";
	}
	for (unsigned i = 0; i < (hdr & 3u); i++) {
		uint64_t base = fz_u64(&f);

		add_window(base, fz_u64(&f));
	}
	while (f.n) {
		uint8_t kind = fz_u8(&f);

		if (kind & 1)
			emulate_record(&f, kind);
		else
			decode_record(&f);
		fake.out_len = 0;  /* UART output: keep room in the fake console */
	}
	return 0;
}
