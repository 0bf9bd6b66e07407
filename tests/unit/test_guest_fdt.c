/* SPDX-License-Identifier: MIT */
/* Host tests for the guest device tree generator (core/guest_fdt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/guest_fdt.h"
#include "core/guest_layout.h"

#define BUF 8192
static char host[BUF], guest[BUF];
static struct pv_platform plat;
static struct pv_part_config pc;

static bool host_chosen;  /* make_host: give the host a /chosen with boot parameters and a partition config */

/* A host FDT with one cpu@0 carrying @exts (NUL-separated, @len bytes) and mmu-type sv57. */
static void make_host(const char *exts, int len)
{
	static const fdt32_t harts[] = { 0 };

	assert_int_equal(fdt_create(host, BUF), 0);
	fdt_finish_reservemap(host);
	fdt_begin_node(host, "");
	if (host_chosen) {
		fdt_begin_node(host, "chosen");
		fdt_property_string(host, "bootargs", "host-bootargs");
		fdt_property_u64(host, "linux,initrd-start", 0xb4000000ULL);
		fdt_begin_node(host, "partvisor-config");
		fdt_property_string(host, "compatible", "partvisor,config");
		fdt_begin_node(host, "partitions");
		fdt_begin_node(host, "other");
		fdt_property_string(host, "compatible", "partvisor,partition");
		fdt_property(host, "partvisor,harts", harts, sizeof(harts));
		fdt_property_string(host, "partvisor,bootargs", "secret=other-partition");
		fdt_end_node(host);
		fdt_end_node(host);
		fdt_end_node(host);
		fdt_end_node(host);
	}
	fdt_begin_node(host, "cpus");
	fdt_begin_node(host, "cpu@0");
	fdt_property(host, "riscv,isa-extensions", exts, len);
	fdt_property_string(host, "mmu-type", "riscv,sv57");
	fdt_property_u32(host, "riscv,cboz-block-size", 64);
	fdt_end_node(host);
	fdt_end_node(host);
	fdt_end_node(host);
	assert_int_equal(fdt_finish(host), 0);

	memset(&plat, 0, sizeof(plat));
	plat.nr_harts = 2;
	plat.harts[0] = (struct pv_hart_info){ .hartid = 2, .fdt_node = fdt_path_offset(host, "/cpus/cpu@0") };
	plat.harts[1] = (struct pv_hart_info){ .hartid = 3, .fdt_node = fdt_path_offset(host, "/cpus/cpu@0") };
	plat.timebase_hz = 10000000;
	plat.imsic.num_ids = 255;

	memset(&pc, 0, sizeof(pc));
	strcpy(pc.name, "linux");
	pc.nr_vcpus = 2;
	pc.hartids[0] = 2;
	pc.hartids[1] = 3;
	pc.mem_gpa = gpa(0x80000000ULL);
	pc.mem_size = 0x20000000ULL;
	strcpy(pc.bootargs, "console=ttyS0");
}

/* Is @ext in the NUL-separated list property @prop of @node? */
static bool has(int node, const char *prop, const char *ext)
{
	int len;
	const char *l = fdt_getprop(guest, node, prop, &len);

	for (int off = 0; l && off < len; off += strlen(l + off) + 1)
		if (!strcmp(l + off, ext))
			return true;
	return false;
}

static void test_cpus_and_isa(void **state)
{
	static const char exts[] = "i\0m\0a\0f\0d\0c\0h\0zicsr\0smaia\0ssaia\0sstc\0sscofpmf\0svadu\0zkr\0smstateen\0zba";
	struct guest_fdt_info info = { .boot_count = 1, .uart = true };
	int cpu1, intc;

	(void)state;
	make_host(exts, sizeof(exts));
	assert_int_equal(guest_fdt_build(guest, BUF, host, &plat, &pc, &info, NULL), 0);
	assert_int_equal(fdt_check_header(guest), 0);
	cpu1 = fdt_path_offset(guest, "/cpus/cpu@1");
	assert_true(cpu1 >= 0);
	assert_int_equal(fdt32_ld(fdt_getprop(guest, cpu1, "reg", NULL)), 1);  /* vCPU ids, not host hart ids */
	assert_true(fdt_path_offset(guest, "/cpus/cpu@2") < 0);
	assert_string_equal(fdt_getprop(guest, cpu1, "riscv,isa", NULL), "rv64imafdc_zicsr_ssaia_sstc_zba");
	assert_true(has(cpu1, "riscv,isa-extensions", "sstc"));
	assert_true(has(cpu1, "riscv,isa-extensions", "ssaia"));
	for (const char *const *x = (const char *const[]){ "h", "smaia", "sscofpmf", "svadu", "zkr", "smstateen", NULL }; *x; x++)
		assert_false(has(cpu1, "riscv,isa-extensions", *x));
	assert_non_null(fdt_getprop(guest, cpu1, "riscv,cboz-block-size", NULL));
	intc = fdt_subnode_offset(guest, cpu1, "interrupt-controller");
	assert_true(intc >= 0);
	assert_int_equal(fdt_get_phandle(guest, intc), 2);
}

static void test_memory_imsic_chosen(void **state)
{
	static const char exts[] = "i\0m\0a\0sstc";
	struct guest_fdt_info info = { .initrd_start = gpa(0x9f000000ULL), .initrd_size = 0x100000, .boot_count = 3,
				       .uart = true };
	const fdt32_t *ie;
	int node, len;

	(void)state;
	make_host(exts, sizeof(exts));
	assert_int_equal(guest_fdt_build(guest, BUF, host, &plat, &pc, &info, NULL), 0);
	node = fdt_path_offset(guest, "/memory@80000000");
	assert_true(node >= 0);
	assert_int_equal(fdt64_ld(fdt_getprop(guest, node, "reg", NULL)), 0x80000000ULL);
	assert_int_equal(fdt64_ld((const fdt64_t *)fdt_getprop(guest, node, "reg", NULL) + 1), 0x20000000ULL);

	node = fdt_node_offset_by_compatible(guest, -1, "riscv,imsics");
	assert_true(node >= 0);
	assert_int_equal(fdt64_ld((const fdt64_t *)fdt_getprop(guest, node, "reg", NULL) + 1), 2 * 4096);
	ie = fdt_getprop(guest, node, "interrupts-extended", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_ld(&ie[0]), 1);  /* cpu@0's interrupt controller */
	assert_int_equal(fdt32_ld(&ie[1]), 9);  /* supervisor external interrupt */
	assert_int_equal(fdt32_ld(&ie[2]), 2);

	node = fdt_path_offset(guest, "/chosen");
	assert_string_equal(fdt_getprop(guest, node, "bootargs", NULL), "console=ttyS0");
	assert_string_equal(fdt_getprop(guest, node, "stdout-path", NULL), "/soc/serial@10000000");
	assert_int_equal(fdt64_ld(fdt_getprop(guest, node, "linux,initrd-start", NULL)), 0x9f000000ULL);
	assert_int_equal(fdt64_ld(fdt_getprop(guest, node, "linux,initrd-end", NULL)), 0x9f100000ULL);
	assert_int_equal(fdt32_ld(fdt_getprop(guest, node, "partvisor,boot-count", NULL)), 3);
	assert_true(fdt_node_offset_by_compatible(guest, -1, "ns16550a") >= 0);
}

/* Nothing of the host's /chosen reaches a guest: not its bootargs or initrd, not the partition config. */
static void test_host_chosen_not_copied(void **state)
{
	static const char exts[] = "i\0m\0a\0sstc";
	struct guest_fdt_info info = { .boot_count = 1, .uart = true };
	int node, depth = 0, len;

	(void)state;
	host_chosen = true;
	make_host(exts, sizeof(exts));
	host_chosen = false;
	assert_true(fdt_path_offset(host, "/chosen/partvisor-config/partitions/other") >= 0);
	assert_int_equal(guest_fdt_build(guest, BUF, host, &plat, &pc, &info, NULL), 0);
	node = fdt_path_offset(guest, "/chosen");
	assert_true(node >= 0);
	assert_string_equal(fdt_getprop(guest, node, "bootargs", NULL), "console=ttyS0");  /* the partition's own */
	assert_null(fdt_getprop(guest, node, "linux,initrd-start", NULL));
	assert_int_equal(fdt_first_subnode(guest, node), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_node_offset_by_compatible(guest, -1, "partvisor,config"), -FDT_ERR_NOTFOUND);
	/* no node other than the root says partvisor,partition, and no property holds the other config */
	for (node = fdt_next_node(guest, 0, &depth); node >= 0; node = fdt_next_node(guest, node, &depth)) {
		int prop;

		assert_int_not_equal(fdt_node_check_compatible(guest, node, "partvisor,partition"), 0);
		fdt_for_each_property_offset(prop, guest, node) {
			const char *name, *v = fdt_getprop_by_offset(guest, prop, &name, &len);

			assert_null(strstr(name, "partvisor,harts"));
			for (int i = 0; i + 22 <= len; i++)
				assert_int_not_equal(memcmp(v + i, "secret=other-partition", 22), 0);
		}
	}
}

/* A partition with PCI functions gets the virtual host bridge; one without gets none. */
static void test_pcie(void **state)
{
	static const char exts[] = "i\0m\0a\0sstc";
	struct guest_fdt_info info = { .boot_count = 1, .uart = true, .pcie = true,
				       .pci_mem32 = { hpa(0x40000000ULL), 0x40000000ULL, 0x40000000ULL } };
	const fdt32_t *r;
	int node, imsic, len;

	(void)state;
	make_host(exts, sizeof(exts));
	assert_int_equal(guest_fdt_build(guest, BUF, host, &plat, &pc, &info, NULL), 0);
	node = fdt_node_offset_by_compatible(guest, -1, "pci-host-ecam-generic");
	assert_true(node >= 0);
	assert_int_equal(fdt64_ld(fdt_getprop(guest, node, "reg", NULL)), 0x30000000ULL);
	assert_int_equal(fdt64_ld((const fdt64_t *)fdt_getprop(guest, node, "reg", NULL) + 1), 0x100000ULL);
	r = fdt_getprop(guest, node, "bus-range", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_ld(&r[0]), 0);
	assert_int_equal(fdt32_ld(&r[1]), 0);
	r = fdt_getprop(guest, node, "ranges", &len);
	assert_int_equal(len, 7 * 4);  /* only the 32-bit window: no 64-bit one was given */
	assert_int_equal(fdt32_ld(&r[0]), 0x02000000);
	assert_int_equal(fdt32_ld(&r[2]), 0x40000000);
	assert_int_equal(fdt32_ld(&r[4]), 0x40000000);
	assert_int_equal(fdt32_ld(&r[6]), 0x40000000);
	imsic = fdt_node_offset_by_compatible(guest, -1, "riscv,imsics");
	assert_int_equal(fdt32_ld(fdt_getprop(guest, node, "msi-parent", NULL)), fdt_get_phandle(guest, imsic));
	assert_non_null(fdt_getprop(guest, node, "dma-coherent", NULL));
	assert_int_equal(fdt32_ld(fdt_getprop(guest, fdt_path_offset(guest, "/chosen"), "linux,pci-probe-only", NULL)), 1);

	info.pcie = false;
	assert_int_equal(guest_fdt_build(guest, BUF, host, &plat, &pc, &info, NULL), 0);
	assert_true(fdt_node_offset_by_compatible(guest, -1, "pci-host-ecam-generic") < 0);
	assert_null(fdt_getprop(guest, fdt_path_offset(guest, "/chosen"), "linux,pci-probe-only", NULL));
}

static void test_too_small(void **state)
{
	static const char exts[] = "i\0m";
	struct guest_fdt_info info = { .boot_count = 1 };
	struct pv_diag d;

	(void)state;
	make_host(exts, sizeof(exts));
	assert_int_equal(guest_fdt_build(guest, 256, host, &plat, &pc, &info, &d), -PV_ENOMEM);
	assert_non_null(strstr(d.msg, "does not fit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_and_isa),
		cmocka_unit_test(test_memory_imsic_chosen),
		cmocka_unit_test(test_pcie),
		cmocka_unit_test(test_host_chosen_not_copied),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests_name("guest_fdt", tests, NULL, NULL);
}
