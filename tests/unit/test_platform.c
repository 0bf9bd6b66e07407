/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for host platform discovery (core/platform.c: platform_discover,
 * platform_check_hart) and the IMSIC file addresses derived from it
 * (drivers/imsic/imsic_geom.c: imsic_s_file_hpa, imsic_guest_file_hpa).
 * The host device trees are built here with libfdt's sequential-write API:
 * QEMU-virt-like /cpus, /memory and a /soc with an M-level IMSIC (which discovery
 * must skip) followed by the S-level IMSIC under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/platform.h"
#include "drivers/imsic/imsic.h"

#define UNUSED __attribute__((unused))

#define FDT_BUF    (64 * 1024)
#define IMSIC_BASE 0x28000000ULL
#define GROUP1     0x29000000ULL          /* IMSIC_BASE + (1 << 24) */
#define HART_16K   KiB(16)                /* one hart's S file + 3 guest files (guest-index-bits 2) */
#define S_PATH     "/soc/imsics@28000000"
#define OMIT       (-1)                   /* leave the property out */
#define PH(i)      (0x100u + (i))         /* phandle of cpu@i's interrupt-controller */

static struct pv_platform plat;
static struct pv_diag diag;
static int s_node;                         /* offset of S_PATH in the last built tree */

/* What the built host device tree looks like. */
struct host {
	unsigned nr_harts;                 /* /cpus/cpu@0 .. cpu@(nr_harts-1), reg = index */
	unsigned nr_ie;                    /* entries of the S-level IMSIC's interrupts-extended */
	uint32_t ie[PV_MAX_HARTS];         /* hart id each entry points at */
	unsigned nr_win;                   /* S-level `reg` entries; 0: one window at IMSIC_BASE for nr_ie harts */
	uint64_t win[4][2];                /* base, size */
	int guest_bits, hart_bits, group_bits, group_shift, num_ids;  /* riscv,* values or OMIT */
	bool chosen_decoys;                /* a /chosen/partvisor-config with device-like nodes, before /soc */
	const char *isa[PV_MAX_HARTS];     /* NULL: full riscv,isa-extensions; "rv...": riscv,isa; */
	                                   /* else space-separated riscv,isa-extensions */
	/* console UART + APLIC (QEMU virt's layout): 0 none; else which variant (enum con_variant) */
	int con;
	uint32_t cboz[PV_MAX_HARTS];       /* riscv,cboz-block-size, 0: no such property */
	unsigned filler;                   /* empty nodes in a /filler node before /soc (large trees) */
};

/* Variants of the stdout UART and its interrupt controller. */
enum con_variant {
	CON_NONE, CON_QEMU, CON_OPTIONS, CON_EDGE, CON_NO_MSI, CON_APLIC_OFF, CON_BAD_FLAGS, CON_NOT_16550,
	CON_NO_PARENT,
};
#define APLIC_PH 0x200u

/* @n harts, interrupts-extended in hart order, guest-index-bits 2, hart-index-bits 2, 255 ids. */
static struct host host_default(unsigned n)
{
	struct host h = {
		.nr_harts = n, .nr_ie = n,
		.guest_bits = 2, .hart_bits = 2, .group_bits = OMIT, .group_shift = OMIT, .num_ids = 255,
	};

	for (unsigned i = 0; i < n; i++)
		h.ie[i] = i;
	return h;
}

#define ok(x) assert_int_equal((x), 0)

/* Property @prop = the words of @s (space-separated) as a NUL-separated string list. */
static void str_list(void *fdt, const char *prop, const char *s)
{
	char buf[256];
	int len = (int)strlen(s) + 1;

	assert_true(len <= (int)sizeof(buf));
	memcpy(buf, s, len);
	for (int i = 0; i < len; i++)
		if (buf[i] == ' ')
			buf[i] = '\0';
	ok(fdt_property(fdt, prop, buf, len));
}

/* Property @prop = @n (base, size) pairs of 2 + 2 cells. */
static void reg2(void *fdt, uint64_t (*w)[2], unsigned n)
{
	fdt64_t cells[8];

	for (unsigned i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt64(w[i][0]);
		cells[2 * i + 1] = cpu_to_fdt64(w[i][1]);
	}
	ok(fdt_property(fdt, "reg", cells, (int)(n * 16)));
}

static void opt_u32(void *fdt, const char *prop, int v)
{
	if (v != OMIT)
		ok(fdt_property_u32(fdt, prop, (uint32_t)v));
}

/* An IMSIC node's interrupts-extended: <PH(ids[i]) @irq> for each entry. */
static void imsic_ie(void *fdt, const uint32_t *ids, unsigned n, uint32_t irq)
{
	fdt32_t cells[2 * PV_MAX_HARTS];

	for (unsigned i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt32(PH(ids[i]));
		cells[2 * i + 1] = cpu_to_fdt32(irq);
	}
	ok(fdt_property(fdt, "interrupts-extended", cells, (int)(n * 8)));
}

/* Build the host device tree described by @h (free() it). Sets s_node. */
static void *build(const struct host *h)
{
	void *fdt = calloc(1, FDT_BUF);
	char name[32];
	uint64_t win[4][2], mwin[1][2] = { { 0x24000000ULL, KiB(4) * h->nr_harts } };
	uint64_t mem[1][2] = { { 0x80000000ULL, GiB(1) } };
	unsigned nr_win = h->nr_win;
	unsigned gib = h->guest_bits == OMIT ? 0 : (unsigned)h->guest_bits;

	assert_non_null(fdt);
	assert_true(h->nr_harts <= PV_MAX_HARTS && h->nr_ie <= PV_MAX_HARTS && nr_win <= 4);
	memcpy(win, h->win, sizeof(win));
	if (!nr_win) {
		nr_win = 1;
		win[0][0] = IMSIC_BASE;
		win[0][1] = (uint64_t)h->nr_ie << (12 + (gib > 6 ? 6 : gib));
	}

	ok(fdt_create(fdt, FDT_BUF));
	ok(fdt_finish_reservemap(fdt));
	ok(fdt_begin_node(fdt, ""));
	ok(fdt_property_u32(fdt, "#address-cells", 2));
	ok(fdt_property_u32(fdt, "#size-cells", 2));
	ok(fdt_property_string(fdt, "compatible", "riscv-virtio"));

	ok(fdt_begin_node(fdt, "cpus"));
	ok(fdt_property_u32(fdt, "#address-cells", 1));
	ok(fdt_property_u32(fdt, "#size-cells", 0));
	ok(fdt_property_u32(fdt, "timebase-frequency", 10000000));
	for (unsigned i = 0; i < h->nr_harts; i++) {
		const char *isa = h->isa[i];

		snprintf(name, sizeof(name), "cpu@%u", i);
		ok(fdt_begin_node(fdt, name));
		ok(fdt_property_string(fdt, "device_type", "cpu"));
		ok(fdt_property_u32(fdt, "reg", i));
		ok(fdt_property_string(fdt, "compatible", "riscv"));
		ok(fdt_property_string(fdt, "status", "okay"));
		if (isa && !strncmp(isa, "rv", 2))
			ok(fdt_property_string(fdt, "riscv,isa", isa));
		else
			str_list(fdt, "riscv,isa-extensions",
				 isa ? isa : "i m a f d c h zicsr zifencei sstc smaia ssaia smstateen");
		if (h->cboz[i])
			ok(fdt_property_u32(fdt, "riscv,cboz-block-size", h->cboz[i]));
		ok(fdt_begin_node(fdt, "interrupt-controller"));
		ok(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		ok(fdt_property_u32(fdt, "#interrupt-cells", 1));
		ok(fdt_property(fdt, "interrupt-controller", NULL, 0));
		ok(fdt_property_u32(fdt, "phandle", PH(i)));
		ok(fdt_end_node(fdt));
		ok(fdt_end_node(fdt));
	}
	ok(fdt_end_node(fdt));

	ok(fdt_begin_node(fdt, "memory@80000000"));
	ok(fdt_property_string(fdt, "device_type", "memory"));
	reg2(fdt, mem, 1);
	ok(fdt_end_node(fdt));

	if (h->chosen_decoys) {
		/* a partition config in /chosen, with nodes that look like an S-level IMSIC, an IOMMU, a PCIe host */
		uint64_t dwin[1][2] = { { 0x3c000000ULL, MiB(16) } };

		ok(fdt_begin_node(fdt, "chosen"));
		ok(fdt_begin_node(fdt, "partvisor-config"));
		ok(fdt_property_string(fdt, "compatible", "partvisor,config"));
		ok(fdt_property_u32(fdt, "#address-cells", 2));
		ok(fdt_property_u32(fdt, "#size-cells", 2));
		ok(fdt_begin_node(fdt, "imsics@3c000000"));
		ok(fdt_property_string(fdt, "compatible", "riscv,imsics"));
		imsic_ie(fdt, h->ie, h->nr_ie, 9);
		reg2(fdt, dwin, 1);
		ok(fdt_property_u32(fdt, "riscv,num-ids", 255));
		ok(fdt_end_node(fdt));
		ok(fdt_begin_node(fdt, "iommu@3c000000"));
		ok(fdt_property_string(fdt, "compatible", "riscv,iommu"));
		reg2(fdt, dwin, 1);
		ok(fdt_end_node(fdt));
		ok(fdt_begin_node(fdt, "pci@3c000000"));
		ok(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
		reg2(fdt, dwin, 1);
		ok(fdt_end_node(fdt));
		ok(fdt_end_node(fdt));
		ok(fdt_end_node(fdt));
	}

	if (h->filler) {
		ok(fdt_begin_node(fdt, "filler"));
		for (unsigned i = 0; i < h->filler; i++) {
			char fname[16];

			snprintf(fname, sizeof(fname), "f@%u", i);
			ok(fdt_begin_node(fdt, fname));
			ok(fdt_end_node(fdt));
		}
		ok(fdt_end_node(fdt));
	}

	ok(fdt_begin_node(fdt, "soc"));
	ok(fdt_property_string(fdt, "compatible", "simple-bus"));
	ok(fdt_property_u32(fdt, "#address-cells", 2));
	ok(fdt_property_u32(fdt, "#size-cells", 2));
	ok(fdt_property(fdt, "ranges", NULL, 0));

	/* M-level IMSIC (machine external interrupt 11) first: discovery must skip it */
	ok(fdt_begin_node(fdt, "imsics@24000000"));
	ok(fdt_property_string(fdt, "compatible", "riscv,imsics"));
	ok(fdt_property(fdt, "interrupt-controller", NULL, 0));
	ok(fdt_property(fdt, "msi-controller", NULL, 0));
	imsic_ie(fdt, h->ie, h->nr_ie, 11);
	reg2(fdt, mwin, 1);
	ok(fdt_property_u32(fdt, "riscv,num-ids", 255));
	ok(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "imsics@%llx", (ull)win[0][0]);
	ok(fdt_begin_node(fdt, name));
	ok(fdt_property_string(fdt, "compatible", "riscv,imsics"));
	ok(fdt_property(fdt, "interrupt-controller", NULL, 0));
	ok(fdt_property(fdt, "msi-controller", NULL, 0));
	imsic_ie(fdt, h->ie, h->nr_ie, 9);
	reg2(fdt, win, nr_win);
	opt_u32(fdt, "riscv,num-ids", h->num_ids);
	opt_u32(fdt, "riscv,guest-index-bits", h->guest_bits);
	opt_u32(fdt, "riscv,hart-index-bits", h->hart_bits);
	opt_u32(fdt, "riscv,group-index-bits", h->group_bits);
	opt_u32(fdt, "riscv,group-index-shift", h->group_shift);
	ok(fdt_end_node(fdt));
	if (h->con) {
		uint64_t ar[1][2] = { { 0x0d000000ULL, KiB(32) } }, ur[1][2] = { { 0x10000000ULL, 0x100 } };
		fdt32_t irq[2] = { cpu_to_fdt32(10), cpu_to_fdt32(h->con == CON_EDGE ? 1 : h->con == CON_BAD_FLAGS ? 8 : 4) };

		ok(fdt_begin_node(fdt, "interrupt-controller@d000000"));
		ok(fdt_property_string(fdt, "compatible", "riscv,aplic"));
		reg2(fdt, ar, 1);
		if (h->con != CON_NO_MSI)
			ok(fdt_property_u32(fdt, "msi-parent", 0x300));
		if (h->con == CON_APLIC_OFF)
			ok(fdt_property_string(fdt, "status", "disabled"));
		ok(fdt_property_u32(fdt, "phandle", APLIC_PH));
		ok(fdt_end_node(fdt));
		ok(fdt_begin_node(fdt, "serial@10000000"));
		ok(fdt_property_string(fdt, "compatible", h->con == CON_NOT_16550 ? "sifive,uart0" : "ns16550a"));
		reg2(fdt, ur, 1);
		ok(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
		if (h->con != CON_NO_PARENT)
			ok(fdt_property_u32(fdt, "interrupt-parent", APLIC_PH));
		ok(fdt_end_node(fdt));
	}
	ok(fdt_end_node(fdt));
	if (h->con) {
		ok(fdt_begin_node(fdt, "chosen"));
		ok(fdt_property_string(fdt, "stdout-path",
				       h->con == CON_OPTIONS ? "/soc/serial@10000000:115200n8" : "/soc/serial@10000000"));
		ok(fdt_end_node(fdt));
	}

	ok(fdt_end_node(fdt));
	ok(fdt_finish(fdt));
	ok(fdt_check_header(fdt));
	s_node = fdt_path_offset(fdt, S_PATH);
	return fdt;
}

/* Build @h and run platform_discover() on it. */
static int discover(const struct host *h)
{
	void *fdt = build(h);
	int rc = platform_discover(fdt, &plat, &diag);

	free(fdt);
	return rc;
}

static int setup(void **state UNUSED)
{
	memset(&plat, 0xa5, sizeof(plat));   /* garbage: platform_discover must clear it */
	memset(&diag, 0, sizeof(diag));
	s_node = -1;
	return 0;
}

#define assert_ok(rc_) do {                                                                  \
		int rc__ = (rc_);                                                              \
		if (rc__)                                                                      \
			fail_msg("rc %d: %s %s: %s", rc__, diag.node, diag.prop, diag.msg);    \
	} while (0)

/* Assert -@err_ with the diagnostic naming @node_, @prop_ and a message starting with @prefix_. */
#define assert_diag(rc_, err_, node_, prop_, prefix_) do {                                   \
		int rc__ = (rc_);                                                              \
		if (rc__ != -(err_))                                                           \
			fail_msg("rc %d, expected %d (diag: %s %s: %s)", rc__, -(err_),        \
				 diag.node, diag.prop, diag.msg);                              \
		assert_string_equal(diag.node, node_);                                         \
		assert_string_equal(diag.prop, prop_);                                         \
		if (strncmp(diag.msg, prefix_, strlen(prefix_)))                               \
			fail_msg("message '%s' does not start with '%s'", diag.msg, prefix_);  \
	} while (0)

/* Assert the S file and guest files 1..3 of IMSIC hart index @idx are at @s (16 KiB per hart). */
static void assert_files(unsigned idx, uint64_t s)
{
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, idx).v, s);
	for (unsigned g = 1; g < 4; g++)
		assert_int_equal(imsic_guest_file_hpa(&plat.imsic, idx, g).v, s + g * KiB(4));
}

/* ---- geometry ------------------------------------------------------------------------------ */

/* One group, 4 harts, interrupts-extended in the order 2 0 3 1. */
static void test_one_group(void **state UNUSED)
{
	struct host h = host_default(4);
	static const uint32_t order[] = { 2, 0, 3, 1 };
	static const int want_index[] = { 1, 3, 0, 2 };   /* by hart id */

	memcpy(h.ie, order, sizeof(order));
	assert_ok(discover(&h));

	assert_int_equal(plat.nr_harts, 4);
	assert_int_equal(plat.timebase_hz, 10000000);
	assert_int_equal(plat.nr_mem, 1);
	assert_int_equal(plat.mem[0].base.v, 0x80000000ULL);
	assert_int_equal(plat.mem[0].size, GiB(1));
	assert_true(plat.has_imsic);
	assert_int_equal(plat.imsic.fdt_node, s_node);   /* the S-level node, not the M-level one */
	assert_int_equal(plat.imsic.s_base.v, IMSIC_BASE);
	assert_int_equal(plat.imsic.s_size, 4 * HART_16K);
	assert_int_equal(plat.imsic.nr_harts, 4);
	assert_int_equal(plat.imsic.guest_index_bits, 2);
	assert_int_equal(plat.imsic.hart_index_bits, 2);
	assert_int_equal(plat.imsic.group_index_bits, 0);
	assert_int_equal(plat.imsic.group_index_shift, 24);
	assert_int_equal(plat.imsic.num_ids, 255);
	for (unsigned i = 0; i < 4; i++) {
		const struct pv_hart_info *hi = &plat.harts[i];

		assert_int_equal(hi->hartid, i);
		assert_true(hi->has_h && hi->has_sstc && hi->has_ssaia && hi->has_smstateen && hi->has_f);
		assert_false(hi->has_v || hi->has_svpbmt || hi->has_zicbom || hi->has_zicboz);
		assert_int_equal(hi->imsic_index, want_index[i]);
		assert_int_equal(platform_hart_index(&plat, i), (int)i);
	}
	/* hart 2 is entry 0, hart 0 entry 1, hart 3 entry 2, hart 1 entry 3 */
	assert_files((unsigned)plat.harts[2].imsic_index, 0x28000000ULL);
	assert_files((unsigned)plat.harts[0].imsic_index, 0x28004000ULL);
	assert_files((unsigned)plat.harts[3].imsic_index, 0x28008000ULL);
	assert_files((unsigned)plat.harts[1].imsic_index, 0x2800c000ULL);
	assert_int_equal(imsic_guest_file_hpa(&plat.imsic, 1, 3).v, 0x28007000ULL);
}

/* riscv,cboz-block-size is taken only with Zicboz and only as a power of two in 8..4096. */
static void test_cboz_block(void **state UNUSED)
{
	struct host h = host_default(4);
	static const char zicboz[] = "i m a f d c h zicsr zifencei sstc smaia ssaia smstateen zicboz";
	static const uint32_t want[] = { 64, 0, 0, 0 };

	h.isa[0] = h.isa[1] = h.isa[2] = zicboz;   /* hart 3: no Zicboz, but the property */
	h.cboz[0] = 64;
	h.cboz[1] = 48;
	h.cboz[2] = 8192;
	h.cboz[3] = 64;
	assert_ok(discover(&h));
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(plat.harts[i].has_zicboz, i < 3);
		assert_int_equal(plat.harts[i].cboz_block, want[i]);
	}
	h.cboz[0] = 0;   /* Zicboz without a block size: not used either */
	assert_ok(discover(&h));
	assert_int_equal(plat.harts[0].cboz_block, 0);
}

/* QEMU virt -smp 8,sockets=2: two groups, one window each at 0x28000000 and 0x29000000. */
static struct host two_groups(void)
{
	struct host h = host_default(8);

	h.group_bits = 1;
	h.group_shift = 24;
	return h;
}

static void test_two_groups(void **state UNUSED)
{
	struct host h = two_groups();

	h.nr_win = 2;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 4 * HART_16K;
	h.win[1][0] = GROUP1, h.win[1][1] = 4 * HART_16K;
	assert_ok(discover(&h));

	assert_int_equal(plat.nr_harts, 8);
	assert_true(plat.has_imsic);
	assert_int_equal(plat.imsic.nr_harts, 8);
	assert_int_equal(plat.imsic.hart_index_bits, 2);
	assert_int_equal(plat.imsic.group_index_bits, 1);
	assert_int_equal(plat.imsic.group_index_shift, 24);
	assert_int_equal(plat.imsic.s_base.v, IMSIC_BASE);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(plat.harts[i].imsic_index, (int)i);
	/* index 5: group 1, hart 1 */
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 5).v, GROUP1 + HART_16K);
	assert_int_equal(imsic_guest_file_hpa(&plat.imsic, 5, 2).v, GROUP1 + HART_16K + 2 * KiB(4));
	/* index 3: group 0, hart 3; index 4: group 1, hart 0 */
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 3).v, IMSIC_BASE + 3 * HART_16K);
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 4).v, GROUP1);
	assert_files(7, GROUP1 + 3 * HART_16K);
}

/*
 * One window holding all 8 harts' files back to back: the entries take it in order (as
 * Linux's IMSIC driver reads a window), whatever the group bits say.
 */
static void test_two_groups_one_window(void **state UNUSED)
{
	struct host h = two_groups();

	h.nr_win = 1;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 8 * HART_16K;
	assert_ok(discover(&h));
	assert_int_equal(plat.imsic.nr_harts, 8);
	assert_int_equal(plat.imsic.s_size, 8 * HART_16K);
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 5).v, IMSIC_BASE + 5 * HART_16K);
	assert_int_equal(plat.imsic.end.v, IMSIC_BASE + 8 * HART_16K);

	/* one page short of the last hart's files */
	setup(NULL);
	h.win[0][1] = 8 * HART_16K - 0x1000;
	assert_diag(discover(&h), PV_EINVAL, S_PATH, "reg", "no window left for interrupt file entry 7");
	/* a window that is not page-aligned (the files would not be) */
	setup(NULL);
	h.win[0][0] = IMSIC_BASE + 0x10, h.win[0][1] = 8 * HART_16K;
	assert_diag(discover(&h), PV_EINVAL, "/soc/imsics@28000010", "reg", "window 0x28000010+0x20000 is not 4 KiB aligned");
}

/* Uneven sockets (QEMU -smp 6,sockets=2: 3 harts each, hart-index-bits 2): each window holds 3. */
static void test_uneven_groups(void **state UNUSED)
{
	struct host h = two_groups();

	h.nr_harts = 6;
	h.nr_ie = 6;
	h.nr_win = 2;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 3 * HART_16K;
	h.win[1][0] = GROUP1, h.win[1][1] = 3 * HART_16K;
	assert_ok(discover(&h));
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 2).v, IMSIC_BASE + 2 * HART_16K);
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 3).v, GROUP1);
	assert_int_equal(imsic_guest_file_hpa(&plat.imsic, 5, 1).v, GROUP1 + 2 * HART_16K + 0x1000);
	assert_int_equal(plat.imsic.end.v, GROUP1 + 3 * HART_16K);
}

/* Two groups but only group 0's window. */
static void test_two_groups_missing_window(void **state UNUSED)
{
	struct host h = two_groups();

	h.nr_win = 1;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 4 * HART_16K;
	assert_diag(discover(&h), PV_EINVAL, S_PATH, "reg", "no window left for interrupt file entry 4");
	assert_false(plat.has_imsic);
}

/* A window with room for 3 of group 0's 4 harts. */
static void test_window_too_small(void **state UNUSED)
{
	struct host h = host_default(4);

	h.nr_win = 1;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 3 * HART_16K;
	assert_diag(discover(&h), PV_EINVAL, S_PATH, "reg", "no window left for interrupt file entry 3");
	assert_false(plat.has_imsic);
}

/* 5 harts cannot be numbered with hart-index-bits 2 and group-index-bits 0; with 1 group bit they can. */
static void test_too_many_harts_for_index_bits(void **state UNUSED)
{
	struct host h = host_default(5);

	h.group_bits = 0;
	assert_diag(discover(&h), PV_EINVAL, S_PATH, "interrupts-extended", "5 harts");

	/* one group bit: the fifth hart is group 1, hart 0 */
	setup(NULL);
	h.group_bits = 1;
	h.nr_win = 2;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 4 * HART_16K;
	h.win[1][0] = GROUP1, h.win[1][1] = HART_16K;
	assert_ok(discover(&h));
	assert_int_equal(plat.harts[4].imsic_index, 4);
	assert_files(4, GROUP1);
}

/* riscv,guest-index-bits: at most 6. */
static void test_guest_index_bits_limit(void **state UNUSED)
{
	struct host h = host_default(4);

	h.guest_bits = 7;
	h.nr_win = 1;
	h.win[0][0] = IMSIC_BASE, h.win[0][1] = 4 * KiB(4) << 7;   /* big enough: only the limit fails */
	assert_diag(discover(&h), PV_EINVAL, S_PATH, "riscv,guest-index-bits", "");

	setup(NULL);
	h.guest_bits = 6;
	assert_ok(discover(&h));
	assert_int_equal(plat.imsic.guest_index_bits, 6);
	assert_int_equal(imsic_s_file_hpa(&plat.imsic, 1).v, IMSIC_BASE + KiB(256));
	assert_int_equal(imsic_guest_file_hpa(&plat.imsic, 1, 63).v, IMSIC_BASE + KiB(256) + 63 * KiB(4));
}

/* riscv,num-ids: 63..2047. */
static void test_num_ids_limits(void **state UNUSED)
{
	static const struct { int ids; bool good; } cases[] = {
		{ 62, false }, { 2048, false }, { 63, true }, { 2047, true },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct host h = host_default(4);
		int rc;

		setup(NULL);
		h.num_ids = cases[i].ids;
		rc = discover(&h);
		if (cases[i].good) {
			assert_ok(rc);
			assert_int_equal(plat.imsic.num_ids, (uint32_t)cases[i].ids);
		} else {
			assert_diag(rc, PV_EINVAL, S_PATH, "riscv,num-ids", "");
		}
	}
}

/* ---- platform_check_hart ------------------------------------------------------------------- */

/* The console's receive interrupt: recorded only for a 16550 wired to an enabled APLIC in MSI mode. */
static void test_console_irq(void **state UNUSED)
{
	struct host h = host_default(2);

	assert_ok(discover(&h));
	assert_false(plat.con_irq.present);                   /* no /chosen/stdout-path */
	h.con = CON_QEMU;
	assert_ok(discover(&h));
	assert_true(plat.con_irq.present);
	assert_int_equal(plat.con_irq.uart.v, 0x10000000ULL);
	assert_int_equal(plat.con_irq.reg_shift, 0);
	assert_int_equal(plat.con_irq.io_width, 1);
	assert_int_equal(plat.con_irq.source, 10);
	assert_true(plat.con_irq.level);
	assert_int_equal(plat.con_irq.aplic.v, 0x0d000000ULL);
	assert_int_equal(plat.con_irq.aplic_size, KiB(32));
	h.con = CON_OPTIONS;                                  /* "path:options" */
	assert_ok(discover(&h));
	assert_true(plat.con_irq.present);
	h.con = CON_EDGE;
	assert_ok(discover(&h));
	assert_true(plat.con_irq.present);
	assert_false(plat.con_irq.level);
	/* Anything unusual: not used (the machine still boots, discovery does not fail). */
	for (int v = CON_NO_MSI; v <= CON_NO_PARENT; v++) {
		h.con = v;
		assert_ok(discover(&h));
		assert_false(plat.con_irq.present);
	}
}

static void test_check_hart(void **state UNUSED)
{
	struct host h = host_default(5);

	h.isa[0] = "i m a f d c sstc smaia ssaia";       /* no h */
	/* hart 1: the full default list */
	h.isa[2] = "rv64imafdch_zicsr_zifencei_sstc";    /* riscv,isa fallback with H and Sstc */
	h.isa[3] = "rv64imafdch_zicsr_sstcx";            /* H, but no Sstc (sstcx is another name) */
	h.nr_ie = 4;                                     /* hart 4 has no S-level IMSIC file */
	h.hart_bits = 2;
	assert_ok(discover(&h));
	assert_int_equal(plat.nr_harts, 5);
	assert_int_equal(plat.imsic.nr_harts, 4);
	assert_int_equal(plat.harts[4].imsic_index, -1);

	memset(&diag, 0, sizeof(diag));
	assert_diag(platform_check_hart(&plat, 0, &diag), PV_EINVAL, "", "", "hart 0 has no H extension");
	assert_ok(platform_check_hart(&plat, 1, &diag));
	assert_ok(platform_check_hart(&plat, 2, &diag));
	assert_diag(platform_check_hart(&plat, 3, &diag), PV_EINVAL, "", "", "hart 3 has no Sstc extension");
	assert_diag(platform_check_hart(&plat, 4, &diag), PV_EINVAL, "", "", "hart 4 has no S-level IMSIC");
	assert_diag(platform_check_hart(&plat, 9, &diag), PV_ENOENT, "", "", "hart 9 is not present");

	/* an IMSIC without guest interrupt files */
	setup(NULL);
	h = host_default(2);
	h.guest_bits = 0;
	assert_ok(discover(&h));
	assert_true(plat.harts[1].has_h && plat.harts[1].has_sstc);
	assert_diag(platform_check_hart(&plat, 1, &diag), PV_EINVAL, "", "",
		    "the IMSIC has no guest interrupt files");
}

/* Nodes inside /chosen (a partition config) are never taken for devices. */
static void test_chosen_is_not_hardware(void **state UNUSED)
{
	struct host h = host_default(4);

	h.chosen_decoys = true;
	assert_ok(discover(&h));
	assert_int_equal(plat.nr_harts, 4);
	assert_int_equal(plat.imsic.s_base.v, IMSIC_BASE);   /* /soc's, not the decoy at 0x3c000000 */
	assert_int_equal(plat.imsic.nr_harts, 4);
	assert_false(plat.iommu.present);
	assert_false(plat.pcie.present);
	for (unsigned i = 0; i < plat.nr_mmio; i++)
		assert_true(plat.mmio[i].r.base.v != 0x3c000000ULL);
	assert_int_equal(plat.nr_mem, 1);
}

/*
 * Discovery indexes the tree in one walk; a tree with more nodes than the index holds is
 * read with libfdt's own lookups. Both ways find the same platform.
 */
static void test_large_tree(void **state UNUSED)
{
	static struct pv_platform small;
	struct host h = host_default(4);

	h.chosen_decoys = true;
	for (unsigned filler = 0; filler <= 600; filler += 600) {
		h.filler = filler;
		assert_ok(discover(&h));
		assert_int_equal(plat.nr_harts, 4);
		assert_int_equal(plat.imsic.s_base.v, IMSIC_BASE);   /* /soc's, not the decoy in /chosen */
		assert_int_equal(plat.imsic.nr_harts, 4);
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(plat.harts[i].imsic_index, (int)i);
		assert_false(plat.iommu.present);
		assert_false(plat.pcie.present);
		for (unsigned i = 0; i < plat.nr_mmio; i++)
			assert_true(plat.mmio[i].r.base.v != 0x3c000000ULL);
		if (!filler) {
			small = plat;
			continue;
		}
		assert_int_equal(plat.nr_mmio, small.nr_mmio);
		for (unsigned i = 0; i < plat.nr_mmio; i++) {
			assert_int_equal(plat.mmio[i].r.base.v, small.mmio[i].r.base.v);
			assert_int_equal(plat.mmio[i].r.size, small.mmio[i].r.size);
			assert_string_equal(plat.mmio[i].node, small.mmio[i].node);
		}
	}
	h = host_default(2);
	h.con = CON_QEMU;
	h.filler = 600;
	assert_ok(discover(&h));
	assert_true(plat.con_irq.present);
	assert_int_equal(plat.con_irq.uart.v, 0x10000000ULL);
	assert_int_equal(plat.con_irq.aplic.v, 0x0d000000ULL);
	assert_int_equal(plat.harts[1].imsic_index, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_group, setup),
		cmocka_unit_test_setup(test_cboz_block, setup),
		cmocka_unit_test_setup(test_two_groups, setup),
		cmocka_unit_test_setup(test_two_groups_one_window, setup),
		cmocka_unit_test_setup(test_uneven_groups, setup),
		cmocka_unit_test_setup(test_two_groups_missing_window, setup),
		cmocka_unit_test_setup(test_window_too_small, setup),
		cmocka_unit_test_setup(test_too_many_harts_for_index_bits, setup),
		cmocka_unit_test_setup(test_guest_index_bits_limit, setup),
		cmocka_unit_test_setup(test_num_ids_limits, setup),
		cmocka_unit_test_setup(test_check_hart, setup),
		cmocka_unit_test_setup(test_console_irq, setup),
		cmocka_unit_test_setup(test_chosen_is_not_hardware, setup),
		cmocka_unit_test_setup(test_large_tree, setup),
	};

	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
