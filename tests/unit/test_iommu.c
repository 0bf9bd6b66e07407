/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the RISC-V IOMMU encoding library (drivers/iommu/iommu_hw.c).
 * Expected values are written out from the spec's bit layouts [RISC-V IOMMU
 * spec v1.0.1 §2.1, §2.3.3, §3.1, §3.2] and the QEMU 10.0.2 capabilities read
 * back on this machine (docs: riscv-platform-facts.md §1, §2.2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "drivers/iommu/iommu_hw.h"
#include "drivers/iommu/iommu_bits.h"

#define CAPS_QEMU_SYS      0x00000078E2CF0F10ULL   /* iommu-sys=on: IGS = BOTH */
#define CAPS_QEMU_PCI      0x00000078C2CF0F10ULL   /* riscv-iommu-pci: IGS = MSI */
#define CAPS_QEMU_NO_GS    0x00000078E2000F10ULL   /* intremap=false,g-stage=false */
#define CAPS_WSI_ONLY      0x00000078D2CF0F10ULL   /* iommu-sys with IGS = WSI */
#define CAPS_NO_MSI_FLAT   0x00000078E28F0F10ULL   /* iommu-sys without bit 22 */
#define CAPS_IGS_RESERVED  0x00000078F2CF0F10ULL   /* IGS = 3 */
#define CAPS_V2            0x00000078E2CF0F20ULL   /* version 2.0 */

#define NODE "/soc/iommu@3010000"

/* The realistic device context of the brief: guest with two IMSIC files at GPA 0x28000000. */
static struct iommu_dc_params realistic_params(void)
{
	return (struct iommu_dc_params){
		.gstage_root = hpa(0x80404000),
		.gstage_mode = HGATP_MODE_SV39X4,
		.gscid = 2,
		.msipt = hpa(0x80500000),
		.msi_addr_mask = 1,
		.msi_addr_pattern = 0x28000,
	};
}

static void expect_dc_zero(const struct iommu_dc *dc)
{
	static const struct iommu_dc zero;

	assert_memory_equal(dc, &zero, sizeof(zero));
}

/* ---- device context ---------------------------------------------------------------------- */

static void test_dc_layout(void **state)
{
	(void)state;
	/* the hardware reads the 64-byte extended format at these offsets [§2.1.3] */
	assert_int_equal(sizeof(struct iommu_dc), 64);
	assert_int_equal(offsetof(struct iommu_dc, tc), 0x00);
	assert_int_equal(offsetof(struct iommu_dc, iohgatp), 0x08);
	assert_int_equal(offsetof(struct iommu_dc, ta), 0x10);
	assert_int_equal(offsetof(struct iommu_dc, fsc), 0x18);
	assert_int_equal(offsetof(struct iommu_dc, msiptp), 0x20);
	assert_int_equal(offsetof(struct iommu_dc, msi_addr_mask), 0x28);
	assert_int_equal(offsetof(struct iommu_dc, msi_addr_pattern), 0x30);
	assert_int_equal(offsetof(struct iommu_dc, reserved), 0x38);
}

static void test_dc_encode_realistic(void **state)
{
	struct iommu_dc_params p = realistic_params();
	struct iommu_dc dc;

	(void)state;
	memset(&dc, 0xa5, sizeof(dc));
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);
	assert_int_equal(dc.tc, 0x1);
	/* MODE 8 << 60 | GSCID 2 << 44 | PPN 0x80404 */
	assert_int_equal(dc.iohgatp, 0x8000200000080404ULL);
	assert_int_equal(dc.ta, 0);
	assert_int_equal(dc.fsc, 0);
	/* MODE Flat (1) << 60 | PPN 0x80500 */
	assert_int_equal(dc.msiptp, 0x1000000000080500ULL);
	assert_int_equal(dc.msi_addr_mask, 0x1);
	assert_int_equal(dc.msi_addr_pattern, 0x28000);
	assert_int_equal(dc.reserved, 0);
}

static void test_dc_encode_sv48x4_max_gscid(void **state)
{
	struct iommu_dc_params p = realistic_params();
	struct iommu_dc dc;

	(void)state;
	p.gstage_mode = HGATP_MODE_SV48X4;
	p.gscid = 0xffff;
	p.gstage_root = hpa(0xffffffffffc000ULL);   /* highest 16 KiB-aligned 56-bit root */
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);
	assert_int_equal(dc.iohgatp, 0x9ffffffffffffffcULL);
	assert_int_equal(dc.iohgatp >> 60, 9);
	assert_int_equal((dc.iohgatp >> 44) & 0xffff, 0xffff);
	assert_int_equal(dc.iohgatp & ((1ULL << 44) - 1), 0xffffffffffcULL);
	p.gscid = 0x0123;
	p.gstage_root = hpa(0x80404000);
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);
	assert_int_equal(dc.iohgatp, 0x9012300000080404ULL);
}

static void test_dc_encode_no_msi(void **state)
{
	struct iommu_dc_params p = realistic_params();
	struct iommu_dc dc;

	(void)state;
	p.msipt = hpa(0);   /* msiptp Off: mask and pattern are not stored */
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);
	assert_int_equal(dc.tc, IOMMU_DC_TC_V);
	assert_int_equal(dc.iohgatp, 0x8000200000080404ULL);
	assert_int_equal(dc.msiptp, 0);
	assert_int_equal(dc.msi_addr_mask, 0);
	assert_int_equal(dc.msi_addr_pattern, 0);
}

static void test_dc_encode_errors(void **state)
{
	struct iommu_dc_params p;
	struct iommu_dc dc;

	(void)state;
	/* root only 4 KiB-aligned */
	p = realistic_params();
	p.gstage_root = hpa(0x80405000);
	memset(&dc, 0xa5, sizeof(dc));
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	expect_dc_zero(&dc);
	p.gstage_root = hpa(0x80408000);   /* 32 KiB-aligned is fine */
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);

	/* root above 56 bits */
	p = realistic_params();
	p.gstage_root = hpa(1ULL << 56);
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);

	/* MSI table not 4 KiB-aligned, or above 56 bits */
	p = realistic_params();
	p.msipt = hpa(0x80500800);
	memset(&dc, 0xa5, sizeof(dc));
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	expect_dc_zero(&dc);
	p.msipt = hpa(1ULL << 56);
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);

	/* modes other than Sv39x4 / Sv48x4 */
	p = realistic_params();
	p.gstage_mode = HGATP_MODE_BARE;
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	p.gstage_mode = 10;   /* Sv57x4 */
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	p.gstage_mode = 1ULL << 60;
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	expect_dc_zero(&dc);

	/* mask / pattern wider than 52 bits */
	p = realistic_params();
	p.msi_addr_mask = 1ULL << 52;
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	p = realistic_params();
	p.msi_addr_pattern = 1ULL << 63;
	assert_int_equal(iommu_dc_encode(&dc, &p), -PV_EINVAL);
	p.msi_addr_pattern = (1ULL << 52) - 1;
	assert_int_equal(iommu_dc_encode(&dc, &p), 0);
}

/* ---- device directory -------------------------------------------------------------------- */

static void test_ddt_mode(void **state)
{
	(void)state;
	assert_int_equal(iommu_ddt_mode(0, true), IOMMU_DDTP_MODE_1LVL);
	assert_int_equal(iommu_ddt_mode(6, true), IOMMU_DDTP_MODE_1LVL);
	assert_int_equal(iommu_ddt_mode(7, true), IOMMU_DDTP_MODE_2LVL);
	assert_int_equal(iommu_ddt_mode(15, true), IOMMU_DDTP_MODE_2LVL);
	assert_int_equal(iommu_ddt_mode(16, true), IOMMU_DDTP_MODE_3LVL);   /* PCIe RID */
	assert_int_equal(iommu_ddt_mode(24, true), IOMMU_DDTP_MODE_3LVL);
	assert_int_equal(iommu_ddt_mode(25, true), -PV_ERANGE);
	assert_int_equal(iommu_ddt_mode(32, true), -PV_ERANGE);
	assert_int_equal(IOMMU_DDTP_MODE_1LVL, 2);
	assert_int_equal(IOMMU_DDTP_MODE_3LVL, 4);
	/* base (32-byte) contexts, no MSI_FLAT: DDI[0] has 7 bits, so 1LVL up to 7, 2LVL up to 16 */
	assert_int_equal(iommu_ddt_mode(7, false), IOMMU_DDTP_MODE_1LVL);
	assert_int_equal(iommu_ddt_mode(8, false), IOMMU_DDTP_MODE_2LVL);
	assert_int_equal(iommu_ddt_mode(16, false), IOMMU_DDTP_MODE_2LVL);   /* a PCIe RID: 2 levels, not 3 */
	assert_int_equal(iommu_ddt_mode(17, false), IOMMU_DDTP_MODE_3LVL);
	assert_int_equal(iommu_ddt_mode(24, false), IOMMU_DDTP_MODE_3LVL);
	assert_int_equal(iommu_ddt_mode(25, false), -PV_ERANGE);
	assert_int_equal(IOMMU_DC_SIZE(true), 64);
	assert_int_equal(IOMMU_DC_SIZE(false), 32);
}

static void test_ddt_levels(void **state)
{
	(void)state;
	assert_int_equal(iommu_ddt_levels(IOMMU_DDTP_MODE_1LVL), 1);
	assert_int_equal(iommu_ddt_levels(IOMMU_DDTP_MODE_2LVL), 2);
	assert_int_equal(iommu_ddt_levels(IOMMU_DDTP_MODE_3LVL), 3);
	assert_int_equal(iommu_ddt_levels(IOMMU_DDTP_MODE_OFF), 0);
	assert_int_equal(iommu_ddt_levels(IOMMU_DDTP_MODE_BARE), 0);
	assert_int_equal(iommu_ddt_levels(5), 0);
	assert_int_equal(iommu_ddt_levels(-PV_ERANGE), 0);
}

static void test_ddi(void **state)
{
	(void)state;
	/* 08:03.0 -> RID 0x0818 */
	assert_int_equal(iommu_ddi(0x0818, 0, true), 0x18);
	assert_int_equal(iommu_ddi(0x0818, 1, true), 0x20);
	assert_int_equal(iommu_ddi(0x0818, 2, true), 0);
	/* 00:01.0 (QEMU's riscv-iommu-pci) */
	assert_int_equal(iommu_ddi(0x0008, 0, true), 0x08);
	assert_int_equal(iommu_ddi(0x0008, 1, true), 0);
	/* all 24 bits: [5:0], [14:6], [23:15] */
	assert_int_equal(iommu_ddi(0xabcdef, 0, true), 0x2f);
	assert_int_equal(iommu_ddi(0xabcdef, 1, true), 0x137);
	assert_int_equal(iommu_ddi(0xabcdef, 2, true), 0x157);
	assert_int_equal(iommu_ddi(0xffffff, 0, true), 0x3f);
	assert_int_equal(iommu_ddi(0xffffff, 1, true), 0x1ff);
	assert_int_equal(iommu_ddi(0xffffff, 2, true), 0x1ff);
	/* bits above 23 are not part of any index */
	assert_int_equal(iommu_ddi(0xff000000, 2, true), 0);
	/* base format: [6:0], [15:7], [23:16] */
	assert_int_equal(iommu_ddi(0x0818, 0, false), 0x18);
	assert_int_equal(iommu_ddi(0x0818, 1, false), 0x10);
	assert_int_equal(iommu_ddi(0xabcdef, 0, false), 0x6f);
	assert_int_equal(iommu_ddi(0xabcdef, 1, false), 0x19b);
	assert_int_equal(iommu_ddi(0xabcdef, 2, false), 0xab);
	assert_int_equal(iommu_ddi(0xffffff, 0, false), 0x7f);
	assert_int_equal(iommu_ddi(0xffffff, 1, false), 0x1ff);
	assert_int_equal(iommu_ddi(0xffffff, 2, false), 0xff);
	assert_int_equal(iommu_ddi(0xff000000, 2, false), 0);
}

static void test_ddt_nonleaf(void **state)
{
	(void)state;
	assert_int_equal(iommu_ddt_nonleaf(hpa(0x80401000)), (0x80401ULL << 10) | 1);
	assert_int_equal(iommu_ddt_nonleaf(hpa(0x80401000)), 0x20100401ULL);
	assert_int_equal(iommu_ddt_nonleaf(hpa(0)), 1);
	/* PPN is 53:10; bits 63:54 stay clear */
	assert_int_equal(iommu_ddt_nonleaf(hpa(0xfffffffffff000ULL)), 0x003ffffffffffc01ULL);
}

/* ---- MSI page table ---------------------------------------------------------------------- */

static void expect_window(uint64_t base, unsigned nr, uint64_t mask, uint64_t pattern)
{
	uint64_t m = ~0ULL, p = ~0ULL;

	assert_int_equal(iommu_msi_window(gpa(base), nr, &m, &p), 0);
	assert_int_equal(m, mask);
	assert_int_equal(p, pattern);
}

static void expect_window_fails(uint64_t base, unsigned nr)
{
	uint64_t m = 0x1234, p = 0x5678;

	assert_int_equal(iommu_msi_window(gpa(base), nr, &m, &p), -PV_EINVAL);
	assert_int_equal(m, 0x1234);   /* outputs untouched */
	assert_int_equal(p, 0x5678);
}

static void test_msi_window(void **state)
{
	(void)state;
	expect_window(0x28000000, 1, 0x0, 0x28000);
	expect_window(0x28000000, 2, 0x1, 0x28000);
	expect_window(0x28000000, 3, 0x3, 0x28000);
	expect_window(0x28000000, 4, 0x3, 0x28000);
	expect_window(0x28000000, 5, 0x7, 0x28000);
	expect_window(0x28000000, 8, 0x7, 0x28000);
	expect_window(0x28000000, 256, 0xff, 0x28000);
	/* a single file needs only 4 KiB alignment */
	expect_window(0x28003000, 1, 0x0, 0x28003);
	expect_window(0x28004000, 4, 0x3, 0x28004);
	expect_window(0x28008000, 8, 0x7, 0x28008);

	expect_window_fails(0x28000000, 0);
	expect_window_fails(0x28000000, 257);
	expect_window_fails(0x28000800, 1);    /* not page-aligned */
	expect_window_fails(0x28001000, 2);    /* needs 8 KiB */
	expect_window_fails(0x28002000, 3);    /* needs 16 KiB */
	expect_window_fails(0x28004000, 8);    /* needs 32 KiB */
	expect_window_fails(0x28080000, 256);  /* needs 1 MiB */
}

static void test_msi_match_contiguous(void **state)
{
	uint64_t idx;

	(void)state;
	/* the facts doc example: up to 8 vCPU files at 0x28000000 + k * 4 KiB */
	for (unsigned k = 0; k < 8; k++) {
		idx = ~0ULL;
		assert_true(iommu_msi_match(gpa(0x28000000 + k * 0x1000ULL), 0x7, 0x28000, &idx));
		assert_int_equal(idx, k);
	}
	/* the page offset does not matter (seteipnum_le at +0, _be at +4) */
	assert_true(iommu_msi_match(gpa(0x28003004), 0x7, 0x28000, &idx));
	assert_int_equal(idx, 3);
	/* outside the window */
	idx = 99;
	assert_false(iommu_msi_match(gpa(0x28008000), 0x7, 0x28000, &idx));
	assert_int_equal(idx, 0);
	assert_false(iommu_msi_match(gpa(0x27fff000), 0x7, 0x28000, &idx));
	assert_false(iommu_msi_match(gpa(0x128000000ULL), 0x7, 0x28000, &idx));
	assert_false(iommu_msi_match(gpa(0x80000000), 0x7, 0x28000, NULL));
	/* pattern bits under the mask are ignored */
	assert_true(iommu_msi_match(gpa(0x28001000), 0x3, 0x28003, &idx));
	assert_int_equal(idx, 1);
	/* mask 0: exactly one page, index 0 */
	assert_true(iommu_msi_match(gpa(0x28005000), 0x0, 0x28005, &idx));
	assert_int_equal(idx, 0);
	assert_false(iommu_msi_match(gpa(0x28004000), 0x0, 0x28005, &idx));
	/* NULL index is allowed */
	assert_true(iommu_msi_match(gpa(0x28002000), 0x7, 0x28000, NULL));
}

/*
 * Index extraction over a host IMSIC layout with guest, hart and group bits: the
 * two-socket QEMU virt (riscv,guest-index-bits 2, hart-index-bits 2, group-index-bits 1,
 * group-index-shift 24): file (group g, hart h, guest file f) is at
 * 0x28000000 | g << 24 | h << 14 | f << 12, so the page-number mask is 0x100f
 * (page bits 0-1 guest, 2-3 hart, 12 group) and index = f | h << 2 | g << 4.
 */
static void test_msi_match_group_bits(void **state)
{
	const uint64_t mask = 0x100f, pattern = 0x28000;
	uint64_t idx;

	(void)state;
	for (unsigned g = 0; g < 2; g++)
		for (unsigned h = 0; h < 4; h++)
			for (unsigned f = 0; f < 4; f++) {
				uint64_t a = 0x28000000ULL | (uint64_t)g << 24 | (uint64_t)h << 14 | (uint64_t)f << 12;

				idx = ~0ULL;
				assert_true(iommu_msi_match(gpa(a), mask, pattern, &idx));
				assert_int_equal(idx, f | h << 2 | g << 4);
			}
	/* between the groups (page bit 4..11 set) and past group 1: no match */
	assert_false(iommu_msi_match(gpa(0x28010000), mask, pattern, &idx));
	assert_false(iommu_msi_match(gpa(0x28800000), mask, pattern, &idx));
	assert_false(iommu_msi_match(gpa(0x2a000000), mask, pattern, &idx));
	/* the same with the mask from iommu_msi_window() for the guest's contiguous pages: group bits never leak in */
	{
		uint64_t m, pt;

		assert_int_equal(iommu_msi_window(gpa(0x28000000), 8, &m, &pt), 0);
		assert_false(iommu_msi_match(gpa(0x29000000), m, pt, &idx));
	}
}

static void test_msi_match_noncontiguous(void **state)
{
	uint64_t idx;

	(void)state;
	/*
	 * mask 0b1011 (page bits 0, 1 and 3): e.g. two guest files per hart with a
	 * hart stride of 32 KiB. Index = page bit 0 | bit 1 << 1 | bit 3 << 2.
	 */
	assert_true(iommu_msi_match(gpa(0x28000000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 0);
	assert_true(iommu_msi_match(gpa(0x28001000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 1);
	assert_true(iommu_msi_match(gpa(0x28003000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 3);
	assert_true(iommu_msi_match(gpa(0x28008000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 4);
	assert_true(iommu_msi_match(gpa(0x28009000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 5);
	assert_true(iommu_msi_match(gpa(0x2800a000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 6);
	assert_true(iommu_msi_match(gpa(0x2800b000), 0xb, 0x28000, &idx));
	assert_int_equal(idx, 7);
	/* page bit 2 is not in the mask and must equal the pattern's (0) */
	assert_false(iommu_msi_match(gpa(0x28004000), 0xb, 0x28000, &idx));
	assert_false(iommu_msi_match(gpa(0x2800f000), 0xb, 0x28000, &idx));

	/* sparse high bits: mask bits 4 and 8 -> index bits 0 and 1 */
	assert_true(iommu_msi_match(gpa(0x28110000), 0x110, 0x28000, &idx));
	assert_int_equal(idx, 3);
	assert_true(iommu_msi_match(gpa(0x28100000), 0x110, 0x28000, &idx));
	assert_int_equal(idx, 2);
	assert_false(iommu_msi_match(gpa(0x28120000), 0x110, 0x28000, &idx));
}

static void test_msi_window_then_match(void **state)
{
	uint64_t mask, pattern, idx;

	(void)state;
	/* what iommu_msi_window() produces gives file k index k, and nothing past n files */
	assert_int_equal(iommu_msi_window(gpa(0x28000000), 3, &mask, &pattern), 0);
	for (unsigned k = 0; k < 4; k++) {
		assert_true(iommu_msi_match(gpa(0x28000000 + k * 0x1000ULL), mask, pattern, &idx));
		assert_int_equal(idx, k);
	}
	assert_false(iommu_msi_match(gpa(0x28004000), mask, pattern, &idx));
}

static void test_msi_pte_flat(void **state)
{
	(void)state;
	/* PPN 0x28009 in 53:10, M = 3 in 2:1, V */
	assert_int_equal(iommu_msi_pte_flat(hpa(0x28009000)), 0xa002407ULL);
	assert_int_equal(iommu_msi_pte_flat(hpa(0x28009000)), (0x28009ULL << 10) | (3 << 1) | 1);
	/* the facts doc helper: (pa >> 2) | 0x7 */
	assert_int_equal(iommu_msi_pte_flat(hpa(0x28009000)), (0x28009000ULL >> 2) | 0x7);
	/* a page offset never leaks into the low bits */
	assert_int_equal(iommu_msi_pte_flat(hpa(0x28009ffc)), 0xa002407ULL);
	/* bits 63:54 stay clear */
	assert_int_equal(iommu_msi_pte_flat(hpa(0xfffffffffff000ULL)), 0x003ffffffffffc07ULL);
	assert_int_equal(IOMMU_MSI_PTE_V | FIELD_PREP(IOMMU_MSI_PTE_M, IOMMU_MSI_PTE_M_BASIC), 0x7);
}

/* ---- commands ---------------------------------------------------------------------------- */

static void test_cmd_iofence(void **state)
{
	struct iommu_cmd c;

	(void)state;
	assert_int_equal(sizeof(struct iommu_cmd), 16);
	c = iommu_cmd_iofence(hpa(0x80600000), 0x1234);
	/* opcode 2, func3 0, AV (bit 10), DATA in 63:32; facts doc: 0x2 | 1 << 10 | data << 32 */
	assert_int_equal(c.dw0, 0x0000123400000402ULL);
	assert_int_equal(c.dw0, 0x2 | 1ULL << 10 | 0x1234ULL << 32);
	assert_int_equal(c.dw1, 0x20180000ULL);   /* ADDR[63:2] */
	c = iommu_cmd_iofence(hpa(0x80600004), 0xffffffff);
	assert_int_equal(c.dw0, 0xffffffff00000402ULL);
	assert_int_equal(c.dw1, 0x20180001ULL);
	/* WSI, PR, PW (bits 11-13) clear */
	assert_int_equal(c.dw0 & (7ULL << 11), 0);
}

static void test_cmd_inval_ddt(void **state)
{
	struct iommu_cmd c;

	(void)state;
	c = iommu_cmd_inval_ddt(0x0818);
	/* opcode 3, func3 0, DV (bit 33), DID in 63:40; facts doc: 0x3 | 1 << 33 | devid << 40 */
	assert_int_equal(c.dw0, 0x0008180200000003ULL);
	assert_int_equal(c.dw0, 0x3 | 1ULL << 33 | 0x818ULL << 40);
	assert_int_equal(c.dw1, 0);
	c = iommu_cmd_inval_ddt(0xffffff);
	assert_int_equal(c.dw0, 0xffffff0200000003ULL);
	/* device_id is 24 bits */
	c = iommu_cmd_inval_ddt(0xff000818);
	assert_int_equal(c.dw0, 0x0008180200000003ULL);

	c = iommu_cmd_inval_ddt_all();
	assert_int_equal(c.dw0, 0x3);
	assert_int_equal(c.dw1, 0);
}

static void test_cmd_iotinval(void **state)
{
	struct iommu_cmd c;

	(void)state;
	c = iommu_cmd_inval_gvma(2);
	/* opcode 1, func3 1, GV (bit 33), GSCID 59:44; facts doc: 0x81 | 1 << 33 | gscid << 44 */
	assert_int_equal(c.dw0, 0x0000200200000081ULL);
	assert_int_equal(c.dw0, 0x81 | 1ULL << 33 | 2ULL << 44);
	assert_int_equal(c.dw1, 0);
	c = iommu_cmd_inval_gvma(0xffff);
	assert_int_equal(c.dw0, 0x0ffff00200000081ULL);
	/* AV (10) and PSCV (32) clear: PSCV with GVMA is an illegal command */
	assert_int_equal(c.dw0 & (1ULL << 10 | 1ULL << 32), 0);

	c = iommu_cmd_inval_vma(2);
	/* opcode 1, func3 0, GV, GSCID; PSCV = 0, AV = 0 */
	assert_int_equal(c.dw0, 0x0000200200000001ULL);
	assert_int_equal(c.dw1, 0);
	c = iommu_cmd_inval_vma(0xffff);
	assert_int_equal(c.dw0, 0x0ffff00200000001ULL);
	assert_int_equal(c.dw0 & (1ULL << 10 | 1ULL << 32 | 0xfffffULL << 12), 0);
}

/* ---- fault records ----------------------------------------------------------------------- */

static void test_fault_decode(void **state)
{
	struct iommu_fault f;
	/* write/AMO guest-page fault from RID 0x0818, PID 0x12345 (PV), untranslated write */
	const uint64_t rec[4] = {
		23 | 0x12345ULL << 12 | 1ULL << 32 | 3ULL << 34 | 0x818ULL << 40,
		0xdeadbeef,                 /* custom / reserved: ignored */
		0x10002000,
		0x10002000ULL >> 2 << 2 | 2,
	};

	(void)state;
	assert_int_equal(rec[0], 0x0008180d12345017ULL);
	memset(&f, 0xa5, sizeof(f));
	iommu_fault_decode(rec, &f);
	assert_int_equal(f.cause, 23);
	assert_int_equal(f.pid, 0x12345);
	assert_true(f.pv);
	assert_false(f.priv);
	assert_int_equal(f.ttyp, 3);
	assert_int_equal(f.did, 0x818);
	assert_int_equal(f.iotval, 0x10002000);
	assert_int_equal(f.iotval2, 0x10002002);
	assert_string_equal(iommu_cause_name(f.cause), "write/AMO guest-page fault");
	assert_string_equal(iommu_ttyp_name(f.ttyp), "untranslated write/AMO");
}

static void test_fault_decode_all_ones(void **state)
{
	struct iommu_fault f;
	/* every field at its maximum, PV clear, PRIV set */
	const uint64_t rec[4] = { ~0ULL & ~(1ULL << 32), ~0ULL, ~0ULL, 0 };

	(void)state;
	iommu_fault_decode(rec, &f);
	assert_int_equal(f.cause, 0xfff);
	assert_int_equal(f.pid, 0xfffff);
	assert_false(f.pv);
	assert_true(f.priv);
	assert_int_equal(f.ttyp, 0x3f);
	assert_int_equal(f.did, 0xffffff);
	assert_int_equal(f.iotval, ~0ULL);
	assert_int_equal(f.iotval2, 0);

	/* DDT entry not valid for a device, nothing else */
	const uint64_t rec2[4] = { 258 | 2ULL << 34 | 0x0008ULL << 40, 0, 0x80001000, 0 };

	iommu_fault_decode(rec2, &f);
	assert_int_equal(f.cause, 258);
	assert_int_equal(f.pid, 0);
	assert_false(f.pv);
	assert_false(f.priv);
	assert_int_equal(f.ttyp, 2);
	assert_int_equal(f.did, 0x8);
	assert_int_equal(f.iotval, 0x80001000);
}

static void test_cause_names(void **state)
{
	static const struct { unsigned cause; const char *name; } t[] = {
		/* spot checks of the causes partvisor's reports and tests rely on (not a copy of the table) */
		{ 7, "write/AMO access fault" },
		{ 21, "read guest-page fault" },
		{ 23, "write/AMO guest-page fault" },
		{ 256, "all inbound transactions disallowed" },
		{ 258, "DDT entry not valid" },
		{ 259, "DDT entry misconfigured" },
		{ 262, "MSI PTE not valid" },
		{ 274, "first/second-stage PT data corruption" },
		/* reserved */
		{ 0, "reserved" }, { 2, "reserved" }, { 3, "reserved" }, { 8, "reserved" },
		{ 14, "reserved" }, { 22, "reserved" }, { 24, "reserved" }, { 255, "reserved" },
		{ 275, "reserved" }, { 1000, "reserved" }, { 2047, "reserved" },
		/* custom */
		{ 2048, "custom" }, { 3000, "custom" }, { 4095, "custom" },
		/* not a 12-bit cause */
		{ 4096, "reserved" }, { ~0U, "reserved" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_string_equal(iommu_cause_name(t[i].cause), t[i].name);
}

static void test_ttyp_names(void **state)
{
	static const char *const names[] = {
		"none", "untranslated instruction fetch", "untranslated read", "untranslated write/AMO",
		"reserved", "translated instruction fetch", "translated read", "translated write/AMO",
		"PCIe ATS translation request", "PCIe message request",
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		assert_string_equal(iommu_ttyp_name(i), names[i]);
	assert_string_equal(iommu_ttyp_name(10), "reserved");
	assert_string_equal(iommu_ttyp_name(0x3f), "reserved");
	assert_string_equal(iommu_ttyp_name(1000), "reserved");
}

/* ---- capabilities ------------------------------------------------------------------------ */

static void test_caps_qemu_sys(void **state)
{
	struct iommu_caps_info info;
	struct pv_diag d = { 0 };

	(void)state;
	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(iommu_caps_check(CAPS_QEMU_SYS, HGATP_MODE_SV39X4, 56, NODE, &info, &d), 0);
	assert_int_equal(info.version, 0x10);
	assert_true(info.sv39x4);
	assert_true(info.sv48x4);
	assert_true(info.msi_flat);
	assert_int_equal(info.igs, IOMMU_IGS_BOTH);
	assert_int_equal(info.pas, 56);
	assert_string_equal(d.msg, "");

	assert_int_equal(iommu_caps_check(CAPS_QEMU_SYS, HGATP_MODE_SV48X4, 56, NODE, &info, &d), 0);
	assert_int_equal(iommu_caps_check(CAPS_QEMU_SYS, HGATP_MODE_SV39X4, 40, NODE, NULL, NULL), 0);
}

static void test_caps_qemu_pci(void **state)
{
	struct iommu_caps_info info;
	struct pv_diag d = { 0 };

	(void)state;
	assert_int_equal(iommu_caps_check(CAPS_QEMU_PCI, HGATP_MODE_SV39X4, 56, NODE, &info, &d), 0);
	assert_int_equal(info.igs, IOMMU_IGS_MSI);
	assert_true(info.msi_flat);
	assert_int_equal(info.pas, 56);
	assert_int_equal(iommu_caps_check(CAPS_QEMU_PCI, HGATP_MODE_SV48X4, 56, NODE, &info, &d), 0);
}

/* Check fails with -PV_EINVAL, names node and property, and the message holds @needle and the caps. */
static void expect_caps_fail(uint64_t caps, uint64_t mode, unsigned pa_bits, const char *needle,
			     const char *caps_hex)
{
	struct iommu_caps_info info;
	struct pv_diag d = { 0 };

	assert_int_equal(iommu_caps_check(caps, mode, pa_bits, NODE, &info, &d), -PV_EINVAL);
	assert_string_equal(d.node, NODE);
	assert_string_equal(d.prop, "capabilities");
	if (!strstr(d.msg, needle) || !strstr(d.msg, caps_hex))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", d.msg, needle, caps_hex);
	/* NULL diag and info are fine too */
	assert_int_equal(iommu_caps_check(caps, mode, pa_bits, NODE, NULL, NULL), -PV_EINVAL);
}

static void test_caps_no_gstage(void **state)
{
	struct iommu_caps_info info;

	(void)state;
	/* intremap=false,g-stage=false */
	expect_caps_fail(CAPS_QEMU_NO_GS, HGATP_MODE_SV39X4, 56, "Sv39x4", "0x78e2000f10");
	expect_caps_fail(CAPS_QEMU_NO_GS, HGATP_MODE_SV48X4, 56, "Sv48x4", "0x78e2000f10");
	/* info is still filled */
	assert_int_equal(iommu_caps_check(CAPS_QEMU_NO_GS, HGATP_MODE_SV39X4, 56, NODE, &info, NULL),
			 -PV_EINVAL);
	assert_false(info.sv39x4);
	assert_false(info.sv48x4);
	assert_false(info.msi_flat);
	assert_int_equal(info.version, 0x10);
	/* Sv39x4 only: Sv48x4 is refused, Sv39x4 accepted */
	expect_caps_fail(CAPS_QEMU_SYS & ~IOMMU_CAP_SV48X4, HGATP_MODE_SV48X4, 56, "Sv48x4",
			 "0x78e2cb0f10");
	assert_int_equal(iommu_caps_check(CAPS_QEMU_SYS & ~IOMMU_CAP_SV48X4, HGATP_MODE_SV39X4, 56,
					  NODE, NULL, NULL), 0);
}

/* Without MSI_FLAT (QEMU intremap=false) the IOMMU is usable: MSIs then go through the second stage. */
static void test_caps_no_msi_flat(void **state)
{
	struct iommu_caps_info info;
	struct pv_diag d = { 0 };

	(void)state;
	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(iommu_caps_check(CAPS_NO_MSI_FLAT, HGATP_MODE_SV39X4, 56, NODE, &info, &d), 0);
	assert_false(info.msi_flat);
	assert_true(info.sv39x4);
	assert_string_equal(d.msg, "");
}

static void test_caps_other_failures(void **state)
{
	(void)state;
	expect_caps_fail(CAPS_WSI_ONLY, HGATP_MODE_SV39X4, 56, "wired-only", "0x78d2cf0f10");
	expect_caps_fail(CAPS_IGS_RESERVED, HGATP_MODE_SV39X4, 56, "IGS=3", "0x78f2cf0f10");
	expect_caps_fail(CAPS_V2, HGATP_MODE_SV39X4, 56, "version 2.0", "0x78e2cf0f20");
	expect_caps_fail(CAPS_QEMU_SYS & ~0xffULL, HGATP_MODE_SV39X4, 56, "version 0.0",
			 "0x78e2cf0f00");
	expect_caps_fail(CAPS_QEMU_SYS, HGATP_MODE_SV39X4, 57, "57", "0x78e2cf0f10");
	expect_caps_fail(CAPS_QEMU_SYS, HGATP_MODE_BARE, 56, "Sv39x4", "0x78e2cf0f10");
	expect_caps_fail(CAPS_QEMU_SYS, 10, 56, "mode 10", "0x78e2cf0f10");
	/* version 1.1 is still 1.x */
	assert_int_equal(iommu_caps_check(CAPS_QEMU_SYS | 0x1, HGATP_MODE_SV39X4, 56, NODE, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dc_layout),
		cmocka_unit_test(test_dc_encode_realistic),
		cmocka_unit_test(test_dc_encode_sv48x4_max_gscid),
		cmocka_unit_test(test_dc_encode_no_msi),
		cmocka_unit_test(test_dc_encode_errors),
		cmocka_unit_test(test_ddt_mode),
		cmocka_unit_test(test_caps_no_msi_flat),
		cmocka_unit_test(test_msi_match_group_bits),
		cmocka_unit_test(test_ddt_levels),
		cmocka_unit_test(test_ddi),
		cmocka_unit_test(test_ddt_nonleaf),
		cmocka_unit_test(test_msi_window),
		cmocka_unit_test(test_msi_match_contiguous),
		cmocka_unit_test(test_msi_match_noncontiguous),
		cmocka_unit_test(test_msi_window_then_match),
		cmocka_unit_test(test_msi_pte_flat),
		cmocka_unit_test(test_cmd_iofence),
		cmocka_unit_test(test_cmd_inval_ddt),
		cmocka_unit_test(test_cmd_iotinval),
		cmocka_unit_test(test_fault_decode),
		cmocka_unit_test(test_fault_decode_all_ones),
		cmocka_unit_test(test_cause_names),
		cmocka_unit_test(test_ttyp_names),
		cmocka_unit_test(test_caps_qemu_sys),
		cmocka_unit_test(test_caps_qemu_pci),
		cmocka_unit_test(test_caps_no_gstage),
		cmocka_unit_test(test_caps_other_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
