/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the partition config parser (core/config.c).
 * Config blobs are built in C with libfdt's sequential-write API (fixtures.h);
 * the dts files under tests/configs and platform/qemu-virt are also compiled
 * with dtc and parsed when dtc and the sources are reachable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/guest_layout.h"
#include "fixtures.h"

#define UNUSED __attribute__((unused))

static struct pv_platform plat;
static struct pv_config cfg;
static struct pv_diag diag;
static struct hpa_range hv;

/* Sizes only (data NULL: no Linux header to read); test_linux_header has images with data. */
static const struct pv_image images[] = {
	{ "testguest", NULL, 123456 },
	{ "big", NULL, MiB(62) },                /* 64 KiB too big for 64 MiB at offset 2 MiB */
	{ "exact", NULL, MiB(62) - KiB(64) },    /* fits 64 MiB at offset 2 MiB exactly */
};

static const uint32_t h0[] = { 0 }, h1[] = { 1 }, h2[] = { 2 }, h3[] = { 3 };
static const uint32_t h01[] = { 0, 1 }, h23[] = { 2, 3 };

static int setup(void **state UNUSED)
{
	fixture_platform(&plat);
	hv = (struct hpa_range){ hpa(FIX_HV_BASE), FIX_HV_SIZE };
	memset(&cfg, 0xa5, sizeof(cfg));  /* garbage: config_parse must not rely on it */
	memset(&diag, 0, sizeof(diag));
	return 0;
}

/* Parse @fdt against the fixture platform and free it. */
static int parse(void *fdt)
{
	int rc = config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);

	free(fdt);
	return rc;
}

/* Root and /partitions open, ready for partitions. */
static void *begin_parts(void)
{
	void *fdt = tb_begin("partvisor,config");

	tb_node(fdt, "partitions");
	return fdt;
}

/* Close /partitions and the root. */
static void *end_parts(void *fdt)
{
	tb_end(fdt);
	return tb_finish(fdt);
}

/* A config with one partition "alpha" (harts 0 1, 64 MiB) plus the property @prop = @val/@len. */
static void *one_with(const char *prop, const void *val, int len)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	if (prop)
		tb_raw(fdt, prop, val, len);
	tb_end(fdt);
	return end_parts(fdt);
}

/* As one_with() for a /bits/ 64 value. */
static void *one_with_u64(const char *prop, uint64_t v)
{
	fdt64_t be = cpu_to_fdt64(v);

	return one_with(prop, &be, sizeof(be));
}

/* Assert the result is -@err_ and the diagnostic names @node_, @prop_ and contains @phrase_. */
#define assert_diag(rc_, err_, node_, prop_, phrase_) do {                                   \
		int rc__ = (rc_);                                                              \
		if (rc__ != -(err_))                                                           \
			fail_msg("rc %d, expected %d (diag: %s %s: %s)", rc__, -(err_),        \
				 diag.node, diag.prop, diag.msg);                              \
		assert_string_equal(diag.node, node_);                                         \
		assert_string_equal(diag.prop, prop_);                                         \
		if (!strstr(diag.msg, phrase_))                                                \
			fail_msg("message '%s' lacks '%s'", diag.msg, phrase_);                \
		assert_int_equal(cfg.nr_parts, 0);  /* fail closed */                          \
	} while (0)

#define assert_ok(rc_) do {                                                                  \
		int rc__ = (rc_);                                                              \
		if (rc__)                                                                      \
			fail_msg("rc %d: %s %s: %s", rc__, diag.node, diag.prop, diag.msg);    \
	} while (0)

#define ALPHA "/partitions/alpha"
#define BETA  "/partitions/beta"

/* ---- good configs -------------------------------------------------------------------------- */

static void test_good_two(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(64));
	tb_end(fdt);
	assert_ok(parse(end_parts(fdt)));

	assert_int_equal(cfg.nr_parts, 2);
	assert_string_equal(cfg.parts[0].name, "alpha");
	assert_string_equal(cfg.parts[0].node_path, ALPHA);
	assert_string_equal(cfg.parts[1].name, "beta");
	assert_string_equal(cfg.parts[1].node_path, BETA);
	assert_int_equal(cfg.parts[0].nr_vcpus, 2);
	assert_int_equal(cfg.parts[0].hartids[0], 0);
	assert_int_equal(cfg.parts[0].hartids[1], 1);
	assert_int_equal(cfg.parts[1].nr_vcpus, 2);
	assert_int_equal(cfg.parts[1].hartids[0], 2);
	assert_int_equal(cfg.parts[1].hartids[1], 3);
	for (int i = 0; i < 2; i++) {
		const struct pv_part_config *p = &cfg.parts[i];

		assert_int_equal(p->mem_size, MiB(64));
		assert_int_equal(p->mem_gpa.v, GUEST_RAM_DEFAULT_GPA);
		assert_false(p->mem_hpa_fixed);
		assert_int_equal(p->image, 0);
		assert_int_equal(p->load_offset, 0x200000);
		assert_string_equal(p->bootargs, "");
		assert_int_equal(p->nr_pci, 0);
	}
	/* first fit: past the reserved regions (end 0x8005ffff -> 0x80200000), past the hypervisor */
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x80600000ULL);
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x84600000ULL);
}

static void test_good_optional(void **state UNUSED)
{
	void *fdt = begin_parts();
	static const char *args = "console=hvc0 quiet";
	const uint32_t pci[] = { 0x0008, 0x0100 };

	tb_part(fdt, "alpha", h0, 1, MiB(32));
	tb_u64(fdt, "partvisor,mem-guest-base", 0x100000000ULL);
	tb_u64(fdt, "partvisor,mem-host-base", 0x80600000ULL);
	tb_u64(fdt, "partvisor,load-offset", 0x1000);
	tb_str(fdt, "partvisor,bootargs", args);
	tb_u32s(fdt, "partvisor,pci-devices", pci, 2);
	tb_u32(fdt, "partvisor,unknown-property", 7);  /* ignored */
	tb_end(fdt);
	tb_part(fdt, "b-2", h3, 1, MiB(64));
	tb_u32s(fdt, "partvisor,pci-devices", pci, 0);  /* empty is fine */
	tb_end(fdt);
	assert_ok(parse(end_parts(fdt)));

	assert_int_equal(cfg.nr_parts, 2);
	assert_int_equal(cfg.parts[0].mem_gpa.v, 0x100000000ULL);
	assert_true(cfg.parts[0].mem_hpa_fixed);
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x80600000ULL);
	assert_int_equal(cfg.parts[0].load_offset, 0x1000);
	assert_string_equal(cfg.parts[0].bootargs, args);
	assert_int_equal(cfg.parts[0].nr_pci, 2);
	assert_int_equal(cfg.parts[0].pci_bdf[0], 0x0008);
	assert_int_equal(cfg.parts[0].pci_bdf[1], 0x0100);
	assert_string_equal(cfg.parts[1].name, "b-2");
	assert_int_equal(cfg.parts[1].nr_pci, 0);
	/* the automatic one avoids the fixed one, which sits at the first free address */
	assert_false(cfg.parts[1].mem_hpa_fixed);
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x80600000ULL + MiB(32));
}

static void test_good_limits(void **state UNUSED)
{
	void *fdt = begin_parts();
	char name[PV_NAME_MAX];
	char args[256];

	memset(name, 'a', sizeof(name) - 1);  /* 31 characters: allowed */
	name[sizeof(name) - 1] = '\0';
	memset(args, 'x', 255);
	args[255] = '\0';
	tb_part(fdt, name, h0, 1, MiB(64));
	tb_u64(fdt, "partvisor,mem-guest-base", GUEST_GPA_LIMIT - MiB(64));  /* ends exactly at the limit */
	tb_str(fdt, "partvisor,bootargs", args);
	tb_end(fdt);
	tb_node(fdt, "z");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h1, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_str(fdt, "partvisor,image", "exact");  /* image + offset == RAM - 64 KiB */
	tb_end(fdt);
	assert_ok(parse(end_parts(fdt)));
	assert_string_equal(cfg.parts[0].name, name);
	assert_int_equal(strlen(cfg.parts[0].bootargs), 255);
	assert_int_equal(cfg.parts[1].image, 2);
}

static void test_placement_avoids_fixed_and_gaps(void **state UNUSED)
{
	void *fdt = begin_parts();

	/* two RAM ranges given out of order; the low one has a 2 MiB hole free before the fixed partition */
	plat.nr_mem = 2;
	plat.mem[1] = plat.mem[0];
	plat.mem[0] = (struct hpa_range){ hpa(0x100000000ULL), GiB(1) };
	tb_part(fdt, "auto-a", h0, 1, MiB(64));
	tb_end(fdt);
	tb_part(fdt, "fixed", h1, 1, MiB(64));
	tb_u64(fdt, "partvisor,mem-host-base", 0x80800000ULL);
	tb_end(fdt);
	tb_part(fdt, "auto-b", h2, 1, MiB(960));  /* does not fit in the first range any more */
	tb_end(fdt);
	tb_part(fdt, "auto-c", h3, 1, MiB(2));
	tb_u64(fdt, "partvisor,load-offset", 0);
	tb_end(fdt);
	assert_ok(parse(end_parts(fdt)));
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x84800000ULL);   /* after the fixed one */
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x80800000ULL);
	assert_int_equal(cfg.parts[2].mem_hpa.v, 0x100000000ULL);  /* second range */
	assert_int_equal(cfg.parts[3].mem_hpa.v, 0x80600000ULL);   /* the 2 MiB hole */
}

/* ---- structure ------------------------------------------------------------------------------ */

static void test_bad_blob(void **state UNUSED)
{
	static char junk[64] = "this is not a device tree";
	int rc = config_parse(junk, sizeof(junk), 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);

	assert_diag(rc, PV_EINVAL, "/", "", "no device tree magic");
}

static void test_root_compatible(void **state UNUSED)
{
	void *fdt = tb_begin(NULL);

	tb_node(fdt, "partitions");
	tb_part(fdt, "alpha", h0, 1, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, "/", "compatible", "missing");

	fdt = tb_begin("vendor,board");
	tb_node(fdt, "partitions");
	tb_part(fdt, "alpha", h0, 1, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, "/", "compatible", "partvisor,config");
}

static void test_partitions_node(void **state UNUSED)
{
	void *fdt = tb_begin("partvisor,config");

	assert_diag(parse(tb_finish(fdt)), PV_ENOENT, "/partitions", "", "missing");

	assert_diag(parse(end_parts(begin_parts())), PV_ERANGE, "/partitions", "", "has 0 partitions");

	fdt = begin_parts();
	for (int i = 0; i < PV_MAX_PARTITIONS + 1; i++) {
		char name[16];
		const uint32_t h = (uint32_t)i % 4;

		snprintf(name, sizeof(name), "p%d", i);
		tb_part(fdt, name, &h, 1, MiB(2));
		tb_end(fdt);
	}
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, "/partitions", "", "has 9 partitions, must have 1 to 8");
}

static void test_partition_compatible(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_node(fdt, "alpha");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "compatible", "missing");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,vm");
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "compatible", "partvisor,partition");
}

static void test_bad_names(void **state UNUSED)
{
	static const char *bad[] = {
		"Alpha", "1st", "a_b", "alpha@1", "-x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 32 */,
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		void *fdt = begin_parts();
		char path[96];

		tb_part(fdt, bad[i], h0, 1, MiB(64));
		tb_end(fdt);
		snprintf(path, sizeof(path), "/partitions/%s", bad[i]);
		assert_diag(parse(end_parts(fdt)), PV_EINVAL, path, "", "must match [a-z][a-z0-9-]*");
	}
}

static void test_duplicate_name(void **state UNUSED)
{
	void *fdt = begin_parts();  /* dtc would refuse this, but a blob can hold it */

	tb_part(fdt, "alpha", h0, 1, MiB(64));
	tb_end(fdt);
	tb_part(fdt, "alpha", h1, 1, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, ALPHA, "", "'alpha' is used twice");
}

/* ---- harts ---------------------------------------------------------------------------------- */

static void test_harts_missing(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_str(fdt, "partvisor,image", "testguest");
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "partvisor,harts", "missing");
}

static void test_harts_count_and_length(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t nine[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t six[6] = { 0 };

	tb_part(fdt, "alpha", h0, 0, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, ALPHA, "partvisor,harts", "lists 0 harts");

	fdt = begin_parts();
	tb_part(fdt, "alpha", nine, 9, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, ALPHA, "partvisor,harts", "lists 9 harts, must list 1 to 8");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_raw(fdt, "partvisor,harts", six, 6);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,harts", "got 6 bytes");
}

static void test_hart_not_present(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t h[] = { 0, 7 };

	tb_part(fdt, "alpha", h, 2, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "partvisor,harts", "hart 7 is not present");
}

static void test_hart_not_capable(void **state UNUSED)
{
	void *fdt = begin_parts();

	plat.harts[1].has_h = false;
	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,harts", "hart 1 has no H extension");

	fixture_platform(&plat);
	plat.harts[2].has_sstc = false;
	fdt = begin_parts();
	tb_part(fdt, "alpha", h23, 2, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,harts", "hart 2 has no Sstc");
}

static void test_hart_twice_across(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t h[] = { 2, 1 };

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	tb_part(fdt, "beta", h, 2, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, BETA, "partvisor,harts",
		    "hart 1 is already owned by partition alpha");
}

static void test_hart_twice_within(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t h[] = { 2, 3, 2 };

	tb_part(fdt, "alpha", h, 3, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, ALPHA, "partvisor,harts", "hart 2 is listed twice");
}

/* ---- guest memory --------------------------------------------------------------------------- */

static void test_mem_size(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t small = 0x4000000;

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_str(fdt, "partvisor,image", "testguest");
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "partvisor,mem-size", "missing");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u32s(fdt, "partvisor,mem-size", &small, 1);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,mem-size",
		    "expected 8 bytes (/bits/ 64), got 4");

	fdt = begin_parts();
	tb_part(fdt, "alpha", h0, 1, 0);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,mem-size", "multiple of 2 MiB");

	fdt = begin_parts();
	tb_part(fdt, "alpha", h0, 1, MiB(64) + KiB(4));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,mem-size",
		    "0x4001000 must be a non-zero multiple of 2 MiB");
}

static void test_guest_base(void **state UNUSED)
{
	const uint32_t four = 0x80000000u;

	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0x80100000ULL)), PV_EINVAL, ALPHA,
		    "partvisor,mem-guest-base", "0x80100000 must be a multiple of 2 MiB");
	assert_diag(parse(one_with("partvisor,mem-guest-base", &four, 4)), PV_EINVAL, ALPHA,
		    "partvisor,mem-guest-base", "expected 8 bytes (/bits/ 64), got 4");
	/* 0x26000000 + 64 MiB runs into the IMSIC window at 0x28000000 */
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0x26000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-guest-base",
		    "guest RAM 0x26000000-0x29ffffff overlaps the guest IMSIC window at 0x28000000-0x28ffffff");
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0x0e000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-guest-base", "overlaps the guest UART at 0x10000000-0x10000fff");
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0x40000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-guest-base", "guest PCIe MMIO window");
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0x2e000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-guest-base", "guest PCIe ECAM window");
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", GUEST_GPA_LIMIT - MiB(2))), PV_ERANGE,
		    ALPHA, "partvisor,mem-guest-base", "does not end below the guest limit 0x4000000000000");
	/* base + size overflows 64 bits: an error, not a wrap to a small address */
	assert_diag(parse(one_with_u64("partvisor,mem-guest-base", 0xffffffffffe00000ULL)), PV_ERANGE,
		    ALPHA, "partvisor,mem-guest-base", "guest limit");
}

static void test_guest_size_overflow_default_base(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h0, 1, 0xffffffffffe00000ULL);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, ALPHA, "partvisor,mem-size", "guest limit");
}

/* ---- image, load offset, bootargs ----------------------------------------------------------- */

static void test_image(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "partvisor,image", "missing");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_str(fdt, "partvisor,image", "linux");
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOENT, ALPHA, "partvisor,image", "unknown image 'linux'");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_u32(fdt, "partvisor,image", 0x74657374);  /* "test" without NUL */
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,image", "expected a single");

	fdt = begin_parts();
	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_raw(fdt, "partvisor,image", "testguest\0big", 14);  /* a string list */
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, ALPHA, "partvisor,image", "expected a single");
}

static void test_image_too_big(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h0, 1);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	tb_str(fdt, "partvisor,image", "big");
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, ALPHA, "partvisor,image",
		    "image 'big' (65011712 bytes) at offset 0x200000 does not fit in 0x4000000 bytes of RAM "
		    "(the last 64 KiB hold the device tree)");

	/* testguest (123456 bytes) at 0x1e0000 would run into the FDT at 0x1f0000 */
	fdt = begin_parts();
	tb_part(fdt, "alpha", h0, 1, MiB(2));
	tb_u64(fdt, "partvisor,load-offset", 0x1e0000);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ERANGE, ALPHA, "partvisor,load-offset",
		    "at offset 0x1e0000 does not fit in 0x200000 bytes");
}


/* A partition "alpha" (harts 0 1, 64 MiB) booting a boot-loader image at @ib/@isz, initrd @rb/@rsz (0: none). */
static void *loaded_part(uint64_t ib, uint64_t isz, uint64_t rb, uint64_t rsz, bool also_embedded,
			 uint64_t host_base)
{
	void *fdt = begin_parts();
	fdt64_t reg[2];

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h01, 2);
	tb_u64(fdt, "partvisor,mem-size", MiB(64));
	if (host_base)
		tb_u64(fdt, "partvisor,mem-host-base", host_base);
	if (also_embedded)
		tb_str(fdt, "partvisor,image", "testguest");
	reg[0] = cpu_to_fdt64(ib);
	reg[1] = cpu_to_fdt64(isz);
	tb_raw(fdt, "partvisor,image-reg", reg, sizeof(reg));
	if (rsz) {
		reg[0] = cpu_to_fdt64(rb);
		reg[1] = cpu_to_fdt64(rsz);
		tb_raw(fdt, "partvisor,initrd-reg", reg, sizeof(reg));
	}
	tb_end(fdt);
	return end_parts(fdt);
}

static void test_image_reg(void **state UNUSED)
{
	fdt64_t one = cpu_to_fdt64(0xb0000000ULL);

	/* good: boot-loader image and initrd, partition placed clear of them */
	assert_ok(parse(loaded_part(0xb0000000ULL, MiB(16), 0xb4000000ULL, MiB(1), false, 0)));
	assert_int_equal(cfg.parts[0].image, -1);
	assert_int_equal(cfg.parts[0].image_reg.base.v, 0xb0000000ULL);
	assert_int_equal(cfg.parts[0].image_reg.size, MiB(16));
	assert_int_equal(cfg.parts[0].initrd_reg.size, MiB(1));

	setup(NULL);
	assert_diag(parse(loaded_part(0xb0000000ULL, MiB(16), 0, 0, true, 0)), PV_EINVAL, ALPHA,
		    "partvisor,image-reg", "either partvisor,image or partvisor,image-reg");
	setup(NULL);
	assert_diag(parse(one_with("partvisor,image-reg", &one, sizeof(one))), PV_EINVAL, ALPHA,
		    "partvisor,image-reg", "expected 16 bytes");
	setup(NULL);
	assert_diag(parse(loaded_part(0x1000000000ULL, MiB(16), 0, 0, false, 0)), PV_ERANGE, ALPHA,
		    "partvisor,image-reg", "is not inside any /memory range");
	setup(NULL);
	assert_diag(parse(loaded_part(FIX_HV_BASE, MiB(1), 0, 0, false, 0)), PV_EEXIST, ALPHA,
		    "partvisor,image-reg", "overlaps the hypervisor");
	setup(NULL);
	assert_diag(parse(loaded_part(0xb0000000ULL, MiB(16), 0xb0800000ULL, 0, false, 0xb0000000ULL)),
		    PV_EEXIST, ALPHA, "partvisor,mem-host-base", "overlaps the image of partition alpha");
	setup(NULL);
	assert_diag(parse(loaded_part(0xb0000000ULL, MiB(16), 0xb4000000ULL, MiB(65), false, 0)), PV_ERANGE,
		    ALPHA, "partvisor,initrd-reg", "does not fit");
	setup(NULL);
	assert_diag(parse(loaded_part(0xb0000000ULL, MiB(40), 0xb4000000ULL, MiB(30), false, 0)), PV_ERANGE,
		    ALPHA, "partvisor,image-reg", "and the initrd below it");
	setup(NULL);
	assert_diag(parse(loaded_part(0xb0000000ULL, 0, 0, 0, false, 0)), PV_ERANGE, ALPHA,
		    "partvisor,image-reg", "empty or overflows");
}

static void test_load_offset(void **state UNUSED)
{
	assert_diag(parse(one_with_u64("partvisor,load-offset", 0x200800)), PV_EINVAL, ALPHA,
		    "partvisor,load-offset", "0x200800 must be a multiple of 4 KiB");
	/* offset + image size overflows: must still be rejected */
	assert_diag(parse(one_with_u64("partvisor,load-offset", 0xfffffffffffff000ULL)), PV_ERANGE, ALPHA,
		    "partvisor,load-offset", "does not fit");
	assert_diag(parse(one_with("partvisor,load-offset", "\0\0\0\0\0\0\0\0\0\0\0\0", 12)), PV_EINVAL,
		    ALPHA, "partvisor,load-offset", "expected 8 bytes (/bits/ 64), got 12");
}

static void test_bootargs(void **state UNUSED)
{
	char args[257];

	memset(args, 'x', 256);
	args[256] = '\0';
	assert_diag(parse(one_with("partvisor,bootargs", args, 257)), PV_ERANGE, ALPHA,
		    "partvisor,bootargs", "256 characters, at most 255");
	assert_diag(parse(one_with("partvisor,bootargs", "abc", 3)), PV_EINVAL, ALPHA,
		    "partvisor,bootargs", "NUL-terminated");
}

static void test_console(void **state UNUSED)
{
	assert_int_equal(parse(one_with("partvisor,msi-policy", "open", 5)), 0);
	assert_int_equal(cfg.parts[0].console, PV_CONSOLE_UART);            /* the default */
	assert_int_equal(parse(one_with("partvisor,console", "uart", 5)), 0);
	assert_int_equal(cfg.parts[0].console, PV_CONSOLE_UART);
	assert_int_equal(parse(one_with("partvisor,console", "virtio", 7)), 0);
	assert_int_equal(cfg.parts[0].console, PV_CONSOLE_VIRTIO);
	assert_diag(parse(one_with("partvisor,console", "hvc", 4)), PV_EINVAL, ALPHA,
		    "partvisor,console", "must be \"uart\" or \"virtio\"");
	assert_diag(parse(one_with("partvisor,console", "virtio\0x", 9)), PV_EINVAL, ALPHA,
		    "partvisor,console", "expected a single NUL-terminated string");
}

static void test_msi_policy(void **state UNUSED)
{
	assert_int_equal(parse(one_with("partvisor,bootargs", "x", 2)), 0);
	assert_int_equal(cfg.parts[0].msi_policy, PV_MSI_OPEN);              /* the default */
	assert_int_equal(parse(one_with("partvisor,msi-policy", "open", 5)), 0);
	assert_int_equal(cfg.parts[0].msi_policy, PV_MSI_OPEN);
	assert_int_equal(parse(one_with("partvisor,msi-policy", "composed", 9)), 0);
	assert_int_equal(cfg.parts[0].msi_policy, PV_MSI_COMPOSED);
	assert_diag(parse(one_with("partvisor,msi-policy", "closed", 7)), PV_EINVAL, ALPHA,
		    "partvisor,msi-policy", "must be \"open\" or \"composed\"");
	assert_diag(parse(one_with("partvisor,msi-policy", "Open", 5)), PV_EINVAL, ALPHA,
		    "partvisor,msi-policy", "must be");
	assert_diag(parse(one_with("partvisor,msi-policy", "open", 4)), PV_EINVAL, ALPHA,
		    "partvisor,msi-policy", "NUL-terminated");
}

/* ---- PCI -------------------------------------------------------------------------------------- */

static void *pci_prop(const uint32_t *v, int n)
{
	fdt32_t cells[16];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return one_with("partvisor,pci-devices", cells, n * 4);
}

static void test_pci(void **state UNUSED)
{
	const uint32_t big[] = { 0x10000 };
	const uint32_t dup[] = { 0x0008, 0x0109, 0x0008 };
	const uint32_t many[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	void *fdt;

	assert_diag(parse(pci_prop(big, 1)), PV_ERANGE, ALPHA, "partvisor,pci-devices",
		    "0x10000 is not a PCI function");
	assert_diag(parse(pci_prop(dup, 3)), PV_EEXIST, ALPHA, "partvisor,pci-devices",
		    "PCI function 00:01.0 is listed twice");
	assert_diag(parse(pci_prop(many, 9)), PV_ERANGE, ALPHA, "partvisor,pci-devices",
		    "lists 9 PCI functions, at most 8");
	assert_diag(parse(one_with("partvisor,pci-devices", "\0\0\0\x08\0", 5)), PV_EINVAL, ALPHA,
		    "partvisor,pci-devices", "got 5 bytes");

	fdt = begin_parts();
	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_u32s(fdt, "partvisor,pci-devices", dup + 1, 1);
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(64));
	tb_u32s(fdt, "partvisor,pci-devices", dup, 2);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, BETA, "partvisor,pci-devices",
		    "PCI function 01:01.1 is already assigned to partition alpha");
}

/* ---- host placement --------------------------------------------------------------------------- */

static void test_host_base_checks(void **state UNUSED)
{
	const uint32_t four = 0x90000000u;

	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x90100000ULL)), PV_EINVAL, ALPHA,
		    "partvisor,mem-host-base", "0x90100000 must be a multiple of 2 MiB");
	assert_diag(parse(one_with("partvisor,mem-host-base", &four, 4)), PV_EINVAL, ALPHA,
		    "partvisor,mem-host-base", "expected 8 bytes (/bits/ 64), got 4");
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0xffffffffffe00000ULL)), PV_ERANGE, ALPHA,
		    "partvisor,mem-host-base", "overflows");
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x40000000ULL)), PV_ERANGE, ALPHA,
		    "partvisor,mem-host-base", "RAM 0x40000000-0x43ffffff is not inside any /memory range");
	/* straddles the end of RAM (0xbfffffff) */
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0xbe000000ULL)), PV_ERANGE, ALPHA,
		    "partvisor,mem-host-base", "is not inside any /memory range");
}

static void test_host_base_overlaps_platform(void **state UNUSED)
{
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x80400000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-host-base",
		    "RAM 0x80400000-0x843fffff overlaps the hypervisor at 0x80200000-0x805fffff");

	/* with the hypervisor out of the way, the reserved regions are named */
	hv = (struct hpa_range){ hpa(0xb0000000ULL), MiB(4) };
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x80000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-host-base",
		    "RAM 0x80000000-0x83ffffff overlaps reserved-memory mmode_resv1@80000000 at 0x80000000-0x8003ffff");
	plat.reserved[0].size = 0;  /* an empty region never overlaps */
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x80000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-host-base",
		    "overlaps reserved-memory mmode_resv0@80040000 at 0x80040000-0x8005ffff");
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0xae000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-host-base", "overlaps the hypervisor at 0xb0000000-0xb03fffff");

	/* a board with RAM around a device window */
	plat.mem[0] = (struct hpa_range){ hpa(0), GiB(4) };
	assert_diag(parse(one_with_u64("partvisor,mem-host-base", 0x0e000000ULL)), PV_EEXIST, ALPHA,
		    "partvisor,mem-host-base", "overlaps MMIO uart@10000000 at 0x10000000-0x100000ff");
}

static void test_fixed_overlap(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_u64(fdt, "partvisor,mem-host-base", 0x90000000ULL);
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(64));
	tb_u64(fdt, "partvisor,mem-host-base", 0x93e00000ULL);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, BETA, "partvisor,mem-host-base",
		    "RAM 0x93e00000-0x97dfffff overlaps the RAM of partition alpha at 0x90000000-0x93ffffff");
}

static void test_no_room(void **state UNUSED)
{
	void *fdt = begin_parts();

	/* 1 GiB - 6 MiB usable: 512 MiB fits once, the second 512 MiB does not */
	tb_part(fdt, "alpha", h01, 2, MiB(512));
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(512));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOMEM, BETA, "partvisor,mem-size",
		    "no free host RAM for 0x20000000 bytes");

	/* a fixed partition in the middle leaves no room for the automatic one */
	fdt = begin_parts();
	tb_part(fdt, "alpha", h01, 2, MiB(512));
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(64));
	tb_u64(fdt, "partvisor,mem-host-base", 0xa0000000ULL);
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_ENOMEM, ALPHA, "partvisor,mem-size", "no free host RAM");
}

static void test_null_args(void **state UNUSED)
{
	assert_int_equal(config_parse(NULL, 0, 0, &plat, hv, images, 1, &cfg, &diag), -PV_EINVAL);
	assert_int_equal(config_parse(NULL, 0, 0, &plat, hv, images, 1, NULL, NULL), -PV_EINVAL);
}

/* ---- blob bounds, duplicates, regions, Linux header, names, config_check ------------------- */

/* A good two-partition blob (caller frees). */
static void *good_blob(void)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	tb_part(fdt, "beta", h23, 2, MiB(64));
	tb_end(fdt);
	return end_parts(fdt);
}

static void test_blob_bounds(void **state UNUSED)
{
	uint8_t *fdt = good_blob();
	uint32_t total = fdt_totalsize(fdt);
	struct fdt_header *h = (struct fdt_header *)fdt;
	int rc;

	rc = config_parse(fdt, total - 1, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	assert_diag(rc, PV_EINVAL, "/", "", "cut short");
	rc = config_parse(fdt, 39, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	assert_diag(rc, PV_EINVAL, "/", "", "shorter than a device tree header");
	h->off_dt_struct = cpu_to_fdt32(total);  /* points past the end, size non-zero */
	rc = config_parse(fdt, total, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	assert_diag(rc, PV_EINVAL, "/", "", "structure block");
	free(fdt);
	fdt = good_blob();
	h = (struct fdt_header *)fdt;
	h->size_dt_strings = cpu_to_fdt32(0x7fffffff);
	rc = config_parse(fdt, TB_SIZE, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	assert_diag(rc, PV_EINVAL, "/", "", "strings block");
	free(fdt);
	assert_ok(parse(good_blob()));  /* the same blob with a good header is fine */
}

static void test_duplicate_property(void **state UNUSED)
{
	void *fdt = begin_parts();

	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_u32s(fdt, "partvisor,harts", h23, 2);  /* libfdt would read the first one */
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, ALPHA, "partvisor,harts", "duplicate property (given 2 times)");

	fdt = tb_begin("partvisor,config");
	tb_str(fdt, "compatible", "partvisor,config");
	tb_node(fdt, "partitions");
	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	assert_diag(parse(end_parts(fdt)), PV_EEXIST, "/", "compatible", "duplicate property");
}

/* A partition "alpha" with image-reg and initrd-reg regions (0 size: left out). */
static void *regions(uint64_t ib, uint64_t is, uint64_t rb, uint64_t rs, uint64_t mem)
{
	void *fdt = begin_parts();
	fdt64_t v[2];

	tb_node(fdt, "alpha");
	tb_str(fdt, "compatible", "partvisor,partition");
	tb_u32s(fdt, "partvisor,harts", h01, 2);
	tb_u64(fdt, "partvisor,mem-size", mem);
	v[0] = cpu_to_fdt64(ib), v[1] = cpu_to_fdt64(is);
	tb_raw(fdt, "partvisor,image-reg", v, sizeof(v));
	if (rs) {
		v[0] = cpu_to_fdt64(rb), v[1] = cpu_to_fdt64(rs);
		tb_raw(fdt, "partvisor,initrd-reg", v, sizeof(v));
	}
	tb_end(fdt);
	return end_parts(fdt);
}

static void test_image_initrd_overlap(void **state UNUSED)
{
	assert_diag(parse(regions(0xb0000000ULL, MiB(16), 0xb0ff0000ULL, MiB(1), MiB(256))), PV_EEXIST, ALPHA,
		    "partvisor,image-reg", "overlaps the initrd of this partition at 0xb0ff0000-0xb10effff");
	assert_ok(parse(regions(0xb0000000ULL, MiB(16), 0xb1000000ULL, MiB(1), MiB(256))));  /* adjacent is fine */
}

static void test_linux_header(void **state UNUSED)
{
	static uint8_t hdr[4096];
	const struct pv_image limg[] = { { "testguest", hdr, sizeof(hdr) } };
	void *fdt;
	int rc;

	hdr[16] = 0x00, hdr[17] = 0x00, hdr[18] = 0xe0, hdr[19] = 0x03;   /* image_size 0x3e00000 */
	memcpy(hdr + 56, "RSC\x05", 4);
	assert_int_equal(config_image_footprint(hdr, sizeof(hdr)), 0x3e00000ULL);
	assert_int_equal(config_image_footprint(NULL, 100), 100);
	fdt = one_with(NULL, NULL, 0);  /* 64 MiB: 0x3e00000 from 2 MiB reaches the device tree */
	rc = config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, limg, 1, &cfg, &diag);
	free(fdt);
	assert_diag(rc, PV_ERANGE, ALPHA, "partvisor,image", "runs into the guest device tree at offset 0x3ff0000");
	hdr[19] = 0x08;                                                    /* 0x8e00000: past RAM */
	fdt = one_with(NULL, NULL, 0);
	rc = config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, limg, 1, &cfg, &diag);
	free(fdt);
	assert_diag(rc, PV_ERANGE, ALPHA, "partvisor,image", "runs past the end of RAM");
	hdr[19] = 0x01;                                                    /* 0x1e00000 fits */
	fdt = one_with(NULL, NULL, 0);
	assert_ok(config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, limg, 1, &cfg, &diag));
	free(fdt);
	/* the load-time check of boot-loader images: the same rule, the image-reg property blamed */
	cfg.parts[0].image_reg = (struct hpa_range){ hpa(0xb0000000ULL), sizeof(hdr) };
	hdr[19] = 0x08;
	assert_int_equal(config_image_fit(&cfg.parts[0], "(image-reg)", hdr, sizeof(hdr), &diag), -PV_ERANGE);
	assert_string_equal(diag.prop, "partvisor,image-reg");
}

static void test_long_name(void **state UNUSED)
{
	void *fdt = begin_parts();
	char name[101], path[128];

	memset(name, 'n', 100);
	name[100] = '\0';
	tb_part(fdt, name, h01, 2, MiB(64));
	tb_end(fdt);
	snprintf(path, sizeof(path), "/partitions/%.40s...", name);
	assert_diag(parse(end_parts(fdt)), PV_EINVAL, path, "", "must match [a-z][a-z0-9-]*");
}

static void test_config_root(void **state UNUSED)
{
	void *fdt = tb_begin(NULL);
	int root;

	tb_node(fdt, "chosen");
	tb_node(fdt, "partvisor-config");
	tb_str(fdt, "compatible", "partvisor,config");
	tb_node(fdt, "partitions");
	tb_part(fdt, "alpha", h01, 2, MiB(64));
	tb_end(fdt);
	tb_end(fdt);
	tb_end(fdt);
	tb_end(fdt);
	fdt = tb_finish(fdt);
	root = fdt_path_offset(fdt, "/chosen/partvisor-config");
	assert_true(root > 0);
	assert_ok(config_parse(fdt, fdt_totalsize(fdt), root, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag));
	assert_string_equal(cfg.parts[0].node_path, "/chosen/partvisor-config/partitions/alpha");
	/* the blob's root is not a config */
	assert_diag(config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag),
		    PV_ENOENT, "/", "compatible", "missing");
	free(fdt);
}

static struct {
	unsigned n;
	struct pv_diag d[8];
} got;

static void collect(void *ctx UNUSED, const struct pv_diag *d)
{
	if (got.n < 8)
		got.d[got.n] = *d;
	got.n++;
}

static void test_check_keeps_going(void **state UNUSED)
{
	void *fdt = begin_parts();
	const uint32_t h17[] = { 1, 7 }, pci[] = { 0x10, 0x10 };
	unsigned n;
	int rc;

	tb_part(fdt, "alpha", h01, 2, MiB(64) + KiB(4));       /* 1: mem-size */
	tb_end(fdt);
	tb_part(fdt, "beta", h17, 2, MiB(64));                  /* 2, 3: hart 1 owned, hart 7 absent */
	tb_u32s(fdt, "partvisor,pci-devices", pci, 2);          /* 4: listed twice */
	tb_str(fdt, "partvisor,msi-policy", "never");           /* 5 */
	tb_end(fdt);
	fdt = end_parts(fdt);
	memset(&got, 0, sizeof(got));
	n = config_check(fdt, fdt_totalsize(fdt), 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, collect, NULL);
	assert_int_equal(n, 5);
	assert_int_equal(got.n, 5);
	assert_int_equal(cfg.nr_parts, 0);
	assert_string_equal(got.d[1].msg, "hart 1 is already owned by partition alpha");
	assert_string_equal(got.d[2].msg, "hart 7 is not present on this machine");
	assert_string_equal(got.d[3].prop, "partvisor,pci-devices");
	assert_string_equal(got.d[4].prop, "partvisor,msi-policy");
	/* the firmware stops at the first, the same one */
	rc = config_parse(fdt, fdt_totalsize(fdt), 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	assert_int_equal(rc, -PV_EINVAL);
	assert_string_equal(diag.msg, got.d[0].msg);
	assert_string_equal(diag.prop, "partvisor,mem-size");
	/* without the machine and the image table: hart 7 and an unknown image pass */
	memset(&got, 0, sizeof(got));
	n = config_check(fdt, fdt_totalsize(fdt), 0, NULL, hv, NULL, 0, &cfg, collect, NULL);
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_null(strstr(got.d[i].msg, "hart 7"));
	free(fdt);
	fdt = good_blob();
	assert_int_equal(config_check(fdt, fdt_totalsize(fdt), 0, NULL, hv, NULL, 0, &cfg, collect, NULL), 0);
	assert_int_equal(cfg.nr_parts, 2);
	free(fdt);
}

static void test_diag_escape(void **state UNUSED)
{
	struct pv_diag d;
	char out[4 * sizeof(d)], small[8];

	diag_set(&d, PV_EINVAL, "/partitions/a\x1b[2J", "p\n", "name '%s'", "x\x7f\xff");
	diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "/partitions/a\\x1b[2J: p\\x0a: name 'x\\x7f\\xff'");
	diag_escape(small, sizeof(small), "ab\x01" "cd");  /* never cuts an escape in half */
	assert_string_equal(small, "ab\\x01c");
	diag_escape(small, 6, "ab\x01");
	assert_string_equal(small, "ab");
	memset(&d, 0, sizeof(d));
	diag_set(&d, PV_EINVAL, NULL, NULL, "why");
	diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "why");
}

/* ---- config in the host device tree (/chosen/partvisor-config) -------------------------------- */

#define HOST_CFG "/chosen/partvisor-config"

/*
 * A host-like tree (root "riscv-virtio", a /cpus decoy-free skeleton) whose /chosen holds the
 * config node with compatible @compat (NULL: none) and, if @with_parts, partitions
 * "north" (hart 0, 32 MiB) and "south" (harts 1-3, 96 MiB; @south_harts overrides its harts).
 * With @decoy, the host root also has a /partitions node of its own (must never be read).
 */
static void *host_tree(const char *compat, bool with_parts, const uint32_t *south_harts, bool decoy)
{
	static const uint32_t h123[] = { 1, 2, 3 };
	void *fdt = tb_begin("riscv-virtio");

	if (decoy) {
		tb_node(fdt, "partitions");
		tb_part(fdt, "decoy", h0, 1, MiB(2));
		tb_end(fdt);
		tb_end(fdt);
	}
	tb_node(fdt, "chosen");
	tb_str(fdt, "stdout-path", "/soc/serial@10000000");
	tb_node(fdt, "partvisor-config");
	if (compat)
		tb_str(fdt, "compatible", compat);
	if (with_parts) {
		tb_node(fdt, "partitions");
		tb_part(fdt, "north", h0, 1, MiB(32));
		tb_end(fdt);
		tb_part(fdt, "south", south_harts ? south_harts : h123, 3, MiB(96));
		tb_end(fdt);
		tb_end(fdt);
	}
	tb_end(fdt);  /* partvisor-config */
	tb_end(fdt);  /* chosen */
	return tb_finish(fdt);
}

/* Parse the config under the host tree's /chosen/partvisor-config (found with config_host_node). */
static int parse_host(void *fdt)
{
	int root = config_host_node(fdt), rc;

	assert_true(root > 0);
	rc = config_parse(fdt, fdt_totalsize(fdt), root, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	free(fdt);
	return rc;
}

static void test_host_node_lookup(void **state UNUSED)
{
	void *fdt = host_tree("partvisor,config", true, NULL, false);
	int node = config_host_node(fdt);
	char path[64];

	assert_true(node > 0);
	assert_int_equal(fdt_get_path(fdt, node, path, sizeof(path)), 0);
	assert_string_equal(path, HOST_CFG);
	free(fdt);

	/* no /chosen at all, and a /chosen without the node: the embedded config is used */
	fdt = tb_begin("riscv-virtio");
	assert_int_equal(config_host_node(tb_finish(fdt)), -PV_ENOENT);
	free(fdt);
	fdt = tb_begin("riscv-virtio");
	tb_node(fdt, "chosen");
	tb_node(fdt, "opensbi-domains");  /* someone else's config under /chosen is not ours */
	tb_end(fdt);
	tb_end(fdt);
	assert_int_equal(config_host_node(tb_finish(fdt)), -PV_ENOENT);
	free(fdt);
}

static void test_host_config_good(void **state UNUSED)
{
	/* the root's own /partitions (decoy) is not the config: only the node's child counts */
	assert_ok(parse_host(host_tree("partvisor,config", true, NULL, true)));
	assert_int_equal(cfg.nr_parts, 2);
	assert_string_equal(cfg.parts[0].name, "north");
	assert_string_equal(cfg.parts[0].node_path, HOST_CFG "/partitions/north");
	assert_int_equal(cfg.parts[0].nr_vcpus, 1);
	assert_int_equal(cfg.parts[0].mem_size, MiB(32));
	assert_string_equal(cfg.parts[1].name, "south");
	assert_int_equal(cfg.parts[1].nr_vcpus, 3);
	assert_int_equal(cfg.parts[1].hartids[2], 3);
	assert_int_equal(cfg.parts[1].mem_size, MiB(96));
}

static void test_host_config_errors(void **state UNUSED)
{
	static const uint32_t h012[] = { 0, 1, 2 };

	/* errors name the node by its path in the host tree */
	assert_diag(parse_host(host_tree("partvisor,config", true, h012, false)), PV_EEXIST,
		    HOST_CFG "/partitions/south", "partvisor,harts", "hart 0 is already owned by partition north");
	setup(NULL);
	assert_diag(parse_host(host_tree(NULL, true, NULL, false)), PV_ENOENT, HOST_CFG, "compatible", "missing");
	setup(NULL);
	assert_diag(parse_host(host_tree("opensbi,domain,config", true, NULL, false)), PV_EINVAL, HOST_CFG,
		    "compatible", "must contain \"partvisor,config\"");
	setup(NULL);
	assert_diag(parse_host(host_tree("partvisor,config", false, NULL, true)), PV_ENOENT,
		    HOST_CFG "/partitions", "", "missing");
}

static void test_host_config_root_offsets(void **state UNUSED)
{
	void *fdt = host_tree("partvisor,config", true, NULL, false);
	size_t size = fdt_totalsize(fdt);

	/* root 0 of a host tree is not a config (its compatible is the board's) */
	assert_diag(config_parse(fdt, size, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag), PV_EINVAL,
		    "/", "compatible", "must contain");
	/* no node at these offsets: refused, not parsed */
	assert_diag(config_parse(fdt, size, -1, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag), PV_EINVAL,
		    "/", "", "no config node at offset -1");
	assert_diag(config_parse(fdt, size, 3, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag), PV_EINVAL,
		    "/", "", "no config node at offset 3");
	assert_diag(config_parse(fdt, size, (int)size, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag),
		    PV_EINVAL, "/", "", "no config node");
	free(fdt);
}

/* ---- the dts files in the tree ---------------------------------------------------------------- */

/* Repository root derived from this file's path; "" when compiled from the root. */
static void repo_path(char *buf, size_t len, const char *rel)
{
	const char *me = __FILE__, *tail = strstr(me, "tests/unit/test_config.c");
	int n = tail ? (int)(tail - me) : 0;

	snprintf(buf, len, "%.*s%s", n, me, rel);
}

/* Compile @rel with dtc; NULL (and the test is skipped) when dtc or the file is not reachable. */
static void *dtc_compile(const char *rel)
{
	char path[512], cmd[1024];
	FILE *f;
	void *blob;
	size_t n;

	repo_path(path, sizeof(path), rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fclose(f);
	/* configs go through cpp like in the Makefile; sample values for the platform's macros */
	snprintf(cmd, sizeof(cmd), "gcc -E -P -nostdinc -undef -x assembler-with-cpp "
		 "-DLINUX_KERNEL_ADDR=0xb0000000 -DLINUX_KERNEL_SIZE=0x1000000 "
		 "-DLINUX_INITRD_ADDR=0xb4000000 -DLINUX_INITRD_SIZE=0x100000 '%s' | "
		 "dtc -q -I dts -O dtb -o - 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	blob = calloc(1, TB_SIZE);
	assert_non_null(blob);
	n = fread(blob, 1, TB_SIZE, f);
	if (pclose(f) != 0 || n == 0) {
		free(blob);
		return NULL;
	}
	return blob;
}

static void test_dts_default(void **state UNUSED)
{
	void *fdt = dtc_compile("platform/qemu-virt/partitions.dts");

	assert_non_null(fdt);  /* dtc and cpp are build dependencies: no skipping */
	assert_ok(parse(fdt));
	assert_int_equal(cfg.nr_parts, 2);
	assert_string_equal(cfg.parts[0].name, "linux0");
	assert_string_equal(cfg.parts[1].name, "linux1");
	assert_int_equal(cfg.parts[0].image, -1);
	assert_int_equal(cfg.parts[0].image_reg.base.v, 0xb0000000ULL);
	assert_int_equal(cfg.parts[0].image_reg.size, 0x1000000ULL);
	assert_int_equal(cfg.parts[0].initrd_reg.base.v, 0xb4000000ULL);
	assert_int_equal(cfg.parts[0].initrd_reg.size, 0x100000ULL);
	assert_int_equal(cfg.parts[0].mem_size, 0x10000000ULL);
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x80600000ULL);
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x90600000ULL);
	/* linux0: virtio-net 00:02.0; linux1: virtio-net 00:03.0; both partvisor's virtio console */
	assert_int_equal(cfg.parts[0].nr_pci, 1);
	assert_int_equal(cfg.parts[0].pci_bdf[0], 0x10);
	assert_int_equal(cfg.parts[1].nr_pci, 1);
	assert_int_equal(cfg.parts[1].pci_bdf[0], 0x18);
	assert_int_equal(cfg.parts[0].console, PV_CONSOLE_VIRTIO);
	assert_int_equal(cfg.parts[1].console, PV_CONSOLE_VIRTIO);
}

static void test_dts_two_testguests(void **state UNUSED)
{
	void *fdt = dtc_compile("tests/configs/two-testguests.dts");

	assert_non_null(fdt);
	assert_ok(parse(fdt));
	assert_int_equal(cfg.nr_parts, 2);
	assert_string_equal(cfg.parts[0].name, "alpha");
	assert_string_equal(cfg.parts[1].name, "beta");
	assert_int_equal(cfg.parts[0].nr_vcpus, 2);
	assert_int_equal(cfg.parts[1].hartids[1], 3);
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x80600000ULL);
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x84600000ULL);
}

static void test_dts_good(void **state UNUSED)
{
	void *fdt = dtc_compile("tests/configs/good.dts");

	assert_non_null(fdt);
	assert_ok(parse(fdt));
	assert_int_equal(cfg.nr_parts, 3);
	assert_true(cfg.parts[0].mem_hpa_fixed);
	assert_int_equal(cfg.parts[0].mem_hpa.v, 0x88000000ULL);
	assert_false(cfg.parts[1].mem_hpa_fixed);
	assert_int_equal(cfg.parts[1].mem_hpa.v, 0x80600000ULL);
	assert_true(cfg.parts[2].mem_hpa_fixed);
	assert_int_equal(cfg.parts[2].mem_hpa.v, 0x90000000ULL);
}

static void test_dts_bad(void **state UNUSED)
{
	void *fdt = dtc_compile("tests/configs/bad-overlap.dts");

	assert_non_null(fdt);
	assert_diag(parse(fdt), PV_EEXIST, BETA, "partvisor,mem-host-base", "overlaps the RAM of partition alpha");
	fdt = dtc_compile("tests/configs/bad-hart-twice.dts");
	assert_non_null(fdt);
	assert_diag(parse(fdt), PV_EEXIST, BETA, "partvisor,harts", "hart 1 is already owned by partition alpha");
	fdt = dtc_compile("tests/configs/bad-schema.dts");
	assert_non_null(fdt);
	assert_int_not_equal(parse(fdt), 0);
	assert_int_equal(cfg.nr_parts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_two, setup),
		cmocka_unit_test_setup(test_good_optional, setup),
		cmocka_unit_test_setup(test_good_limits, setup),
		cmocka_unit_test_setup(test_placement_avoids_fixed_and_gaps, setup),
		cmocka_unit_test_setup(test_bad_blob, setup),
		cmocka_unit_test_setup(test_root_compatible, setup),
		cmocka_unit_test_setup(test_partitions_node, setup),
		cmocka_unit_test_setup(test_partition_compatible, setup),
		cmocka_unit_test_setup(test_bad_names, setup),
		cmocka_unit_test_setup(test_duplicate_name, setup),
		cmocka_unit_test_setup(test_harts_missing, setup),
		cmocka_unit_test_setup(test_harts_count_and_length, setup),
		cmocka_unit_test_setup(test_hart_not_present, setup),
		cmocka_unit_test_setup(test_hart_not_capable, setup),
		cmocka_unit_test_setup(test_hart_twice_across, setup),
		cmocka_unit_test_setup(test_hart_twice_within, setup),
		cmocka_unit_test_setup(test_mem_size, setup),
		cmocka_unit_test_setup(test_guest_base, setup),
		cmocka_unit_test_setup(test_guest_size_overflow_default_base, setup),
		cmocka_unit_test_setup(test_image, setup),
		cmocka_unit_test_setup(test_image_too_big, setup),
		cmocka_unit_test_setup(test_image_reg, setup),
		cmocka_unit_test_setup(test_load_offset, setup),
		cmocka_unit_test_setup(test_bootargs, setup),
		cmocka_unit_test_setup(test_msi_policy, setup),
		cmocka_unit_test_setup(test_console, setup),
		cmocka_unit_test_setup(test_pci, setup),
		cmocka_unit_test_setup(test_host_base_checks, setup),
		cmocka_unit_test_setup(test_host_base_overlaps_platform, setup),
		cmocka_unit_test_setup(test_fixed_overlap, setup),
		cmocka_unit_test_setup(test_no_room, setup),
		cmocka_unit_test_setup(test_null_args, setup),
		cmocka_unit_test_setup(test_blob_bounds, setup),
		cmocka_unit_test_setup(test_duplicate_property, setup),
		cmocka_unit_test_setup(test_image_initrd_overlap, setup),
		cmocka_unit_test_setup(test_linux_header, setup),
		cmocka_unit_test_setup(test_long_name, setup),
		cmocka_unit_test_setup(test_config_root, setup),
		cmocka_unit_test_setup(test_check_keeps_going, setup),
		cmocka_unit_test_setup(test_diag_escape, setup),
		cmocka_unit_test_setup(test_host_node_lookup, setup),
		cmocka_unit_test_setup(test_host_config_good, setup),
		cmocka_unit_test_setup(test_host_config_errors, setup),
		cmocka_unit_test_setup(test_host_config_root_offsets, setup),
		cmocka_unit_test_setup(test_dts_two_testguests, setup),
		cmocka_unit_test_setup(test_dts_default, setup),
		cmocka_unit_test_setup(test_dts_good, setup),
		cmocka_unit_test_setup(test_dts_bad, setup),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
