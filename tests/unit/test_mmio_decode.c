/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for guest MMIO access decoding (core/mmio_decode.c).
 * Raw encodings below were checked with riscv64-unknown-elf-as -march=rv64gc
 * and riscv64-unknown-elf-objdump -d.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/vdev/mmio_decode.h"

#define UNUSED __attribute__((unused))

/* Expected decoding of one encoding. */
struct expect {
	uint32_t insn;
	bool write;
	unsigned width;
	bool sign_extend;
	unsigned reg;
	unsigned insn_len;
};

static void check_access(const struct mmio_access *a, const struct expect *e)
{
	assert_int_equal(a->write, e->write);
	assert_int_equal(a->width, e->width);
	assert_int_equal(a->sign_extend, e->sign_extend);
	assert_int_equal(a->reg, e->reg);
	assert_int_equal(a->insn_len, e->insn_len);
}

/* A poisoned access, to see that failed decodes leave it alone. */
static const struct mmio_access poison = { true, 77, true, 99, 13 };

static void assert_untouched(const struct mmio_access *a)
{
	assert_int_equal(a->write, poison.write);
	assert_int_equal(a->width, poison.width);
	assert_int_equal(a->sign_extend, poison.sign_extend);
	assert_int_equal(a->reg, poison.reg);
	assert_int_equal(a->insn_len, poison.insn_len);
}

/* ---- mmio_decode_htinst ------------------------------------------------------------------ */

/* Build a transformed load/store: funct3, rd (loads) or rs2 (stores), address offset. */
static uint32_t tinst_load(unsigned f3, unsigned rd, unsigned off, bool rvc)
{
	return (off << 15) | (f3 << 12) | (rd << 7) | (rvc ? 0x01U : 0x03U);
}

static uint32_t tinst_store(unsigned f3, unsigned rs2, unsigned off, bool rvc)
{
	return (rs2 << 20) | (off << 15) | (f3 << 12) | (rvc ? 0x21U : 0x23U);
}

static void test_htinst_loads_all(void **state UNUSED)
{
	static const unsigned width[7] = { 1, 2, 4, 8, 1, 2, 4 };
	static const bool sext[7] = { true, true, true, false, false, false, false };
	unsigned f3, rd, len;

	for (f3 = 0; f3 < 7; f3++) {
		for (rd = 0; rd < 32; rd++) {
			for (len = 2; len <= 4; len += 2) {
				struct mmio_access a;
				uint32_t v = tinst_load(f3, rd, rd & 0x1f, len == 2);
				struct expect e = { v, false, width[f3], sext[f3], rd, len };

				memset(&a, 0xa5, sizeof(a));
				assert_int_equal(mmio_decode_htinst(v, &a), PV_OK);
				check_access(&a, &e);
			}
		}
	}
}

static void test_htinst_stores_all(void **state UNUSED)
{
	unsigned f3, rs2, len;

	for (f3 = 0; f3 < 4; f3++) {
		for (rs2 = 0; rs2 < 32; rs2++) {
			for (len = 2; len <= 4; len += 2) {
				struct mmio_access a;
				uint32_t v = tinst_store(f3, rs2, 31 - rs2, len == 2);
				struct expect e = { v, true, 1U << f3, false, rs2, len };

				memset(&a, 0xa5, sizeof(a));
				assert_int_equal(mmio_decode_htinst(v, &a), PV_OK);
				check_access(&a, &e);
			}
		}
	}
}

/* Concrete transformed values for common instructions. */
static void test_htinst_examples(void **state UNUSED)
{
	static const struct expect ex[] = {
		{ 0x00002503, false, 4, true,  10, 4 },  /* lw a0, 0(a1): imm and rs1 cleared */
		{ 0x00002501, false, 4, true,  10, 2 },  /* c.lw a0, 0(a1): bit 1 cleared */
		{ 0x00a02023, true,  4, false, 10, 4 },  /* sw a0, 4(a1) */
		{ 0x00a02021, true,  4, false, 10, 2 },  /* c.sw a0, 0(a1) */
		{ 0x00003283, false, 8, false,  5, 4 },  /* ld t0, 8(sp) */
		{ 0x00003401, false, 8, false,  8, 2 },  /* c.ld s0, 8(a5) */
		{ 0x00d03021, true,  8, false, 13, 2 },  /* c.sd a3, 16(s1) */
		{ 0x00000023, true,  1, false,  0, 4 },  /* sb zero, 0(a0) */
		{ 0x000a6903, false, 4, false, 18, 4 },  /* lwu s2 with address offset 20 */
		{ 0x0001d803, false, 2, false, 16, 4 },  /* lhu a6 with address offset 3 */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		struct mmio_access a;

		assert_int_equal(mmio_decode_htinst(ex[i].insn, &a), PV_OK);
		check_access(&a, &ex[i]);
	}
}

static void test_htinst_zero_is_enoent(void **state UNUSED)
{
	struct mmio_access a = poison;

	assert_int_equal(mmio_decode_htinst(0, &a), -PV_ENOENT);
	assert_untouched(&a);
}

static void test_htinst_pseudo_rejected(void **state UNUSED)
{
	static const uint64_t pseudo[] = { 0x00002000, 0x00003000, 0x00002020, 0x00003020 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pseudo); i++) {
		struct mmio_access a = poison;

		assert_int_equal(mmio_decode_htinst(pseudo[i], &a), -PV_EINVAL);
		assert_untouched(&a);
	}
}

static void test_htinst_unsupported_rejected(void **state UNUSED)
{
	static const uint64_t bad[] = {
		0x00002007,           /* flw */
		0x00003005,           /* c.fld (transformed, bit 1 clear) */
		0x00a03027,           /* fsd */
		0x00a03025,           /* c.fsd */
		0x00b0252f,           /* amoadd.w a0, a1 (transformed, rs1 = offset 0) */
		0x1000352f,           /* lr.d a0 */
		0x18b0352f,           /* sc.d a0, a1 */
		0x00007003,           /* LOAD funct3 7: reserved */
		0x00004023,           /* STORE funct3 4: reserved */
		0x00007023,           /* STORE funct3 7: reserved */
		0x00000513,           /* addi: not a load/store */
		0x00002502,           /* bit 0 clear, not a known pseudoinstruction */
		0x00002500,           /* bit 0 clear */
		0x100002503ULL,       /* bits above 31 set */
		0xffffffff00002503ULL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mmio_access a = poison;

		assert_int_equal(mmio_decode_htinst(bad[i], &a), -PV_EINVAL);
		assert_untouched(&a);
	}
}

/* ---- mmio_decode_insn -------------------------------------------------------------------- */

static void test_insn_standard(void **state UNUSED)
{
	static const struct expect ex[] = {
		{ 0x0005a503, false, 4, true,  10, 4 },  /* lw a0, 0(a1) */
		{ 0x00a5a223, true,  4, false, 10, 4 },  /* sw a0, 4(a1) */
		{ 0x00813283, false, 8, false,  5, 4 },  /* ld t0, 8(sp) */
		{ 0x00050023, true,  1, false,  0, 4 },  /* sb zero, 0(a0) */
		{ 0xfff60483, false, 1, true,   9, 4 },  /* lb s1, -1(a2) */
		{ 0x00239303, false, 2, true,   6, 4 },  /* lh t1, 2(t2) */
		{ 0x00374783, false, 1, false, 15, 4 },  /* lbu a5, 3(a4) */
		{ 0x0008d803, false, 2, false, 16, 4 },  /* lhu a6, 0(a7) */
		{ 0x0109e903, false, 4, false, 18, 4 },  /* lwu s2, 16(s3) */
		{ 0x00119323, true,  2, false,  1, 4 },  /* sh ra, 6(gp) */
		{ 0xfffdbc23, true,  8, false, 31, 4 },  /* sd t6, -8(s11) */
		{ 0x00053003, false, 8, false,  0, 4 },  /* ld zero, 0(a0): result discarded */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		struct mmio_access a;

		memset(&a, 0xa5, sizeof(a));
		assert_int_equal(mmio_decode_insn(ex[i].insn, &a), PV_OK);
		check_access(&a, &ex[i]);
	}
}

static void test_insn_compressed(void **state UNUSED)
{
	static const struct expect ex[] = {
		{ 0x4188, false, 4, true,  10, 2 },  /* c.lw a0, 0(a1) */
		{ 0xc188, true,  4, false, 10, 2 },  /* c.sw a0, 0(a1) */
		{ 0x6780, false, 8, false,  8, 2 },  /* c.ld s0, 8(a5) */
		{ 0xe894, true,  8, false, 13, 2 },  /* c.sd a3, 16(s1) */
		{ 0x40b2, false, 4, true,   1, 2 },  /* c.lwsp ra, 12(sp) */
		{ 0x6de2, false, 8, false, 27, 2 },  /* c.ldsp s11, 24(sp) */
		{ 0xc27e, true,  4, false, 31, 2 },  /* c.swsp t6, 4(sp) */
		{ 0xe42a, true,  8, false, 10, 2 },  /* c.sdsp a0, 8(sp) */
		{ 0x5f7c, false, 4, true,  15, 2 },  /* c.lw a5, 124(a4) */
		{ 0xc002, true,  4, false,  0, 2 },  /* c.swsp zero, 0(sp): rs2 = x0 is fine */
		/* Zcb [Zc v1.0 "Zcb"; riscv-opcodes rv_zcb] */
		{ 0x833c, false, 1, false, 15, 2 },  /* c.lbu a5, 2(a4) */
		{ 0x873c, false, 2, false, 15, 2 },  /* c.lhu a5, 2(a4) */
		{ 0x877c, false, 2, true,  15, 2 },  /* c.lh a5, 2(a4) */
		{ 0x8b3c, true,  1, false, 15, 2 },  /* c.sb a5, 2(a4) */
		{ 0x8f3c, true,  2, false, 15, 2 },  /* c.sh a5, 2(a4) */
		{ 0x8188, false, 1, false, 10, 2 },  /* c.lbu a0, 0(a1) */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		struct mmio_access a;

		memset(&a, 0xa5, sizeof(a));
		assert_int_equal(mmio_decode_insn(ex[i].insn, &a), PV_OK);
		check_access(&a, &ex[i]);
	}
}

/* A 16-bit instruction ignores whatever follows it in the upper half of the word. */
static void test_insn_compressed_upper_half_ignored(void **state UNUSED)
{
	struct mmio_access a;
	struct expect e = { 0, false, 4, true, 10, 2 };

	assert_int_equal(mmio_decode_insn(0xdead4188U, &a), PV_OK);
	check_access(&a, &e);
	assert_int_equal(mmio_decode_insn(0x0005a503U << 16 | 0x4188U, &a), PV_OK);
	check_access(&a, &e);
}

/* Every compressed rd'/rs2' field value maps to x8..x15. */
static void test_insn_compressed_regs(void **state UNUSED)
{
	unsigned r;

	for (r = 0; r < 8; r++) {
		struct mmio_access a;

		assert_int_equal(mmio_decode_insn(0x4000U | (r << 2), &a), PV_OK);  /* c.lw */
		assert_int_equal(a.reg, 8 + r);
		assert_false(a.write);
		assert_int_equal(mmio_decode_insn(0xe000U | (r << 2), &a), PV_OK);  /* c.sd */
		assert_int_equal(a.reg, 8 + r);
		assert_true(a.write);
	}
	for (r = 1; r < 32; r++) {
		struct mmio_access a;

		assert_int_equal(mmio_decode_insn(0x6002U | (r << 7), &a), PV_OK);  /* c.ldsp */
		assert_int_equal(a.reg, r);
		assert_int_equal(mmio_decode_insn(0xc002U | (r << 2), &a), PV_OK);  /* c.swsp */
		assert_int_equal(a.reg, r);
	}
}

static void test_insn_rejected(void **state UNUSED)
{
	static const uint32_t bad[] = {
		0x0005a507,  /* flw fa0, 0(a1) */
		0x00a5b027,  /* fsd fa0, 0(a1) */
		0x00b6252f,  /* amoadd.w a0, a1, (a2) */
		0x1005b52f,  /* lr.d a0, (a1) */
		0x00158513,  /* addi a0, a1, 1 */
		0x0005f503,  /* LOAD funct3 7: reserved */
		0x00a5c023,  /* STORE funct3 4: reserved */
		0x0000001f,  /* 48-bit instruction prefix */
		0x0000003f,  /* 64-bit instruction prefix */
		0x2188,      /* c.fld fa0, 0(a1) */
		0xa188,      /* c.fsd fa0, 0(a1) */
		0x2502,      /* c.fldsp fa0, 0(sp) */
		0xa02a,      /* c.fsdsp fa0, 0(sp) */
		0x0048,      /* c.addi4spn a0, sp, 4 */
		0x0001,      /* c.nop */
		0x0000,      /* defined illegal instruction */
		0x4002,      /* c.lwsp x0: reserved */
		0x6002,      /* c.ldsp x0: reserved */
		0x8082,      /* c.jr ra (ret) */
		0x8f7c,      /* Zcb funct6 100011 with bit 6 set: reserved */
		0x933c,      /* quadrant 0, funct3 100, bits 12:10 = 100: reserved */
		0x9f7c,      /* ... = 111: reserved */
		0xffffffff,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mmio_access a = poison;

		assert_int_equal(mmio_decode_insn(bad[i], &a), -PV_EINVAL);
		assert_untouched(&a);
	}
}

/* htinst and the raw instruction agree, for 32-bit and compressed encodings. */
static void test_htinst_matches_insn(void **state UNUSED)
{
	static const struct { uint64_t tinst; uint32_t insn; } pairs[] = {
		{ 0x00002503, 0x0005a503 },  /* lw a0, 0(a1) */
		{ 0x00a02023, 0x00a5a223 },  /* sw a0, 4(a1) */
		{ 0x00003283, 0x00813283 },  /* ld t0, 8(sp) */
		{ 0x00000023, 0x00050023 },  /* sb zero, 0(a0) */
		{ 0x00002501, 0x4188 },      /* c.lw a0, 0(a1) */
		{ 0x00a02021, 0xc188 },      /* c.sw a0, 0(a1) */
		{ 0x00003081, 0x60a2 },      /* c.ldsp ra, 8(sp) */
		{ 0x00a03021, 0xe42a },      /* c.sdsp a0, 8(sp) */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		struct mmio_access a, b;

		assert_int_equal(mmio_decode_htinst(pairs[i].tinst, &a), PV_OK);
		assert_int_equal(mmio_decode_insn(pairs[i].insn, &b), PV_OK);
		assert_int_equal(a.write, b.write);
		assert_int_equal(a.width, b.width);
		assert_int_equal(a.sign_extend, b.sign_extend);
		assert_int_equal(a.reg, b.reg);
		assert_int_equal(a.insn_len, b.insn_len);
	}
}

/* ---- mmio_load_extend -------------------------------------------------------------------- */

static uint64_t ext(uint64_t raw, unsigned width, bool sext)
{
	struct mmio_access a = { false, width, sext, 10, 4 };

	return mmio_load_extend(raw, &a);
}

static void test_load_extend(void **state UNUSED)
{
	/* Sign-extending loads: lb, lh, lw. */
	assert_int_equal(ext(0x80, 1, true), 0xffffffffffffff80ULL);
	assert_int_equal(ext(0x7f, 1, true), 0x7fULL);
	assert_int_equal(ext(0x12345680, 1, true), 0xffffffffffffff80ULL);
	assert_int_equal(ext(0x8000, 2, true), 0xffffffffffff8000ULL);
	assert_int_equal(ext(0xabcd7fff, 2, true), 0x7fffULL);
	assert_int_equal(ext(0x80000000, 4, true), 0xffffffff80000000ULL);
	assert_int_equal(ext(0xffffffff7fffffffULL, 4, true), 0x7fffffffULL);
	/* Zero-extending loads: lbu, lhu, lwu. */
	assert_int_equal(ext(0xffffffffffffff80ULL, 1, false), 0x80ULL);
	assert_int_equal(ext(0xffffffffffff8000ULL, 2, false), 0x8000ULL);
	assert_int_equal(ext(0xffffffff80000000ULL, 4, false), 0x80000000ULL);
	/* ld: 8 bytes, nothing to do. */
	assert_int_equal(ext(0x8000000000000001ULL, 8, false), 0x8000000000000001ULL);
	assert_int_equal(ext(0x8000000000000001ULL, 8, true), 0x8000000000000001ULL);
}

/* The decoder's sign_extend flag drives the extension: lw/c.lw/c.lwsp vs lwu. */
static void test_load_extend_decoded(void **state UNUSED)
{
	static const uint32_t sext_w[] = { 0x0005a503, 0x4188, 0x40b2 };  /* lw, c.lw, c.lwsp */
	struct mmio_access a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sext_w); i++) {
		assert_int_equal(mmio_decode_insn(sext_w[i], &a), PV_OK);
		assert_int_equal(mmio_load_extend(0xdeadbeefcafef00dULL, &a), 0xffffffffcafef00dULL);
	}
	assert_int_equal(mmio_decode_insn(0x0109e903, &a), PV_OK);          /* lwu */
	assert_int_equal(mmio_load_extend(0xdeadbeefcafef00dULL, &a), 0xcafef00dULL);
	assert_int_equal(mmio_decode_insn(0xfff60483, &a), PV_OK);          /* lb */
	assert_int_equal(mmio_load_extend(0x1ff, &a), 0xffffffffffffffffULL);
	assert_int_equal(mmio_decode_insn(0x00374783, &a), PV_OK);          /* lbu */
	assert_int_equal(mmio_load_extend(0x1ff, &a), 0xffULL);
	assert_int_equal(mmio_decode_htinst(0x00001303, &a), PV_OK);        /* lh t1 */
	assert_int_equal(mmio_load_extend(0x18000, &a), 0xffffffffffff8000ULL);
	assert_int_equal(mmio_decode_htinst(0x00005303, &a), PV_OK);        /* lhu t1 */
	assert_int_equal(mmio_load_extend(0x18000, &a), 0x8000ULL);
	assert_int_equal(mmio_decode_htinst(0x00003283, &a), PV_OK);        /* ld t0 */
	assert_int_equal(mmio_load_extend(0xdeadbeefcafef00dULL, &a), 0xdeadbeefcafef00dULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_htinst_loads_all),
		cmocka_unit_test(test_htinst_stores_all),
		cmocka_unit_test(test_htinst_examples),
		cmocka_unit_test(test_htinst_zero_is_enoent),
		cmocka_unit_test(test_htinst_pseudo_rejected),
		cmocka_unit_test(test_htinst_unsupported_rejected),
		cmocka_unit_test(test_insn_standard),
		cmocka_unit_test(test_insn_compressed),
		cmocka_unit_test(test_insn_compressed_upper_half_ignored),
		cmocka_unit_test(test_insn_compressed_regs),
		cmocka_unit_test(test_insn_rejected),
		cmocka_unit_test(test_htinst_matches_insn),
		cmocka_unit_test(test_load_extend),
		cmocka_unit_test(test_load_extend_decoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
