/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the partition config parser, config_parse() (core/config.c).
 *
 * The input is a config DTB blob (possibly garbage or truncated), copied into a heap
 * block of exactly the input's size so that ASan reports any read past it. It is
 * parsed against a fixed realistic platform: platform_discover() on a QEMU-virt-like
 * host tree (fuzz_host.h: 4 harts, 2 GiB at 0x80000000, OpenSBI's reserved memory,
 * IMSIC with 3 guest files, IOMMU, PCIe), the hypervisor at 0x80200000 (2 MiB) and a
 * table of images like the unit tests'.
 *
 * Precondition kept by the harness: a blob whose header has the FDT magic never
 * claims more bytes than the input has; a larger fdt_totalsize is clamped to the
 * input size (a truncated blob then fails the header checks). The firmware's config
 * is built by dtc and embedded whole; config_parse() has no size argument and
 * trusts the header. Blobs with a property length that sends host libfdt 1.6.1 into an
 * endless loop (fz_fdt_prop_lengths_ok(); fixed in libfdt 1.7.0, which the firmware
 * links; corpus/config/regress-libfdt-prop-length-wrap) are skipped.
 *
 * Invariants checked:
 *  - failure: a PV_E* error, a non-empty diagnostic, and the output config all zero
 *    (fail closed);
 *  - success: 1..PV_MAX_PARTITIONS partitions with valid unique names, 1..PV_MAX_VCPUS
 *    harts each, every hart usable (platform_check_hart) and owned once; guest RAM
 *    2 MiB aligned, below the guest limit, clear of the guest device windows; host
 *    RAM 2 MiB aligned, inside one /memory range, clear of the hypervisor, reserved
 *    memory, MMIO windows, other partitions' RAM and every boot-loader region; an
 *    image (embedded or image-reg) that fits below the device tree and initrd at a
 *    4 KiB aligned load offset; bootargs terminated; PCI functions unique overall;
 *    all diagnostic and name strings NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "core/config.h"
#include "core/guest_layout.h"
#include "fuzz_host.h"
#include "fuzz_util.h"

#define HV_BASE 0x80200000ULL
#define HV_SIZE MiB(2)

static const uint8_t dummy[16];
static const struct pv_image images[] = {
	{ "testguest", dummy, 123456 },
	{ "testguest-4g", dummy, 200000 },
	{ "big", dummy, MiB(62) },
	{ "exact", dummy, MiB(62) - KiB(64) },
	{ NULL, dummy, 1 },
};

static struct pv_platform plat;
static struct hpa_range hv = { { HV_BASE }, HV_SIZE };
static struct pv_config cfg;
static struct pv_diag diag;

static void setup(void)
{
	static uint8_t host[32768] __attribute__((aligned(8)));
	static int done;
	struct fuzz_host_opts o = fuzz_host_default();
	struct pv_diag d;

	if (done)
		return;
	done = 1;
	FUZZ_CHECK(fuzz_host_build(host, sizeof(host), &o) == 0, "host tree");
	FUZZ_CHECK(platform_discover(host, &plat, &d) == 0, "%s %s: %s", d.node, d.prop, d.msg);
}

/* Last byte of [b, b + s), saturated; s > 0. */
static uint64_t last(uint64_t b, uint64_t s)
{
	return s - 1 > UINT64_MAX - b ? UINT64_MAX : b + (s - 1);
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a <= last(b, bs) && b <= last(a, as);
}

static bool inside(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a >= b && last(a, as) <= last(b, bs) && as - 1 <= UINT64_MAX - a;
}

static bool in_some_memory(uint64_t b, uint64_t s)
{
	for (unsigned i = 0; i < plat.nr_mem; i++)
		if (inside(b, s, plat.mem[i].base.v, plat.mem[i].size))
			return true;
	return false;
}

/* Host range [b, b + s) is clear of the hypervisor, reserved memory and MMIO. */
static bool clear_of_machine(uint64_t b, uint64_t s)
{
	if (overlap(b, s, hv.base.v, hv.size))
		return false;
	for (unsigned i = 0; i < plat.nr_reserved; i++)
		if (overlap(b, s, plat.reserved[i].base.v, plat.reserved[i].size))
			return false;
	for (unsigned i = 0; i < plat.nr_mmio; i++)
		if (overlap(b, s, plat.mmio[i].r.base.v, plat.mmio[i].r.size))
			return false;
	return true;
}

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, 0, cap) != NULL;
}

static bool name_valid(const char *n)
{
	size_t len = strnlen(n, PV_NAME_MAX);

	if (len < 1 || len >= PV_NAME_MAX || n[0] < 'a' || n[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '-'))
			return false;
	return true;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void check_failure(int rc)
{
	FUZZ_CHECK(rc == -PV_EINVAL || rc == -PV_ENOMEM || rc == -PV_EEXIST || rc == -PV_ENOENT ||
		   rc == -PV_ERANGE, "rc %d", rc);
	FUZZ_CHECK(terminated(diag.node, sizeof(diag.node)) && terminated(diag.prop, sizeof(diag.prop)) &&
		   terminated(diag.msg, sizeof(diag.msg)), "diag strings");
	FUZZ_CHECK(diag.msg[0], "rc %d without a message", rc);
	FUZZ_CHECK(all_zero(&cfg, sizeof(cfg)), "config not cleared after rc %d (%s)", rc, diag.msg);
}

static void check_partition(unsigned i)
{
	static const struct { uint64_t base, size; } windows[] = {
		{ GUEST_UART_GPA, GUEST_UART_SIZE }, { GUEST_IMSIC_GPA, GUEST_IMSIC_SIZE },
		{ GUEST_PCIE_ECAM_GPA, GUEST_PCIE_ECAM_SIZE }, { GUEST_PCIE_MMIO_GPA, GUEST_PCIE_MMIO_SIZE },
	};
	const struct pv_part_config *p = &cfg.parts[i];
	uint64_t isize, avail;

	FUZZ_CHECK(terminated(p->name, sizeof(p->name)) && name_valid(p->name), "partition %u name", i);
	FUZZ_CHECK(terminated(p->node_path, sizeof(p->node_path)), "partition %u path", i);
	FUZZ_CHECK(terminated(p->bootargs, sizeof(p->bootargs)), "%s bootargs", p->name);
	for (unsigned j = 0; j < i; j++)
		FUZZ_CHECK(strcmp(cfg.parts[j].name, p->name), "name %s twice", p->name);

	/* harts */
	FUZZ_CHECK(p->nr_vcpus >= 1 && p->nr_vcpus <= PV_MAX_VCPUS, "%s: %u vcpus", p->name, p->nr_vcpus);
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		FUZZ_CHECK(platform_check_hart(&plat, p->hartids[k], NULL) == 0, "%s: hart %u unusable", p->name,
			   p->hartids[k]);
		for (unsigned j = 0; j <= i; j++)
			for (unsigned l = 0; l < cfg.parts[j].nr_vcpus; l++)
				FUZZ_CHECK((j == i && l == k) || cfg.parts[j].hartids[l] != p->hartids[k],
					   "hart %u owned twice", p->hartids[k]);
	}

	/* guest RAM */
	FUZZ_CHECK(p->mem_size && IS_ALIGNED(p->mem_size, MiB(2)), "%s: mem size 0x%llx", p->name,
		   (ull)p->mem_size);
	FUZZ_CHECK(IS_ALIGNED(p->mem_gpa.v, MiB(2)), "%s: guest base", p->name);
	FUZZ_CHECK(p->mem_size <= GUEST_GPA_LIMIT && p->mem_gpa.v <= GUEST_GPA_LIMIT - p->mem_size,
		   "%s: guest RAM beyond the limit", p->name);
	for (size_t w = 0; w < ARRAY_SIZE(windows); w++)
		FUZZ_CHECK(!overlap(p->mem_gpa.v, p->mem_size, windows[w].base, windows[w].size),
			   "%s: guest RAM over a device window", p->name);

	/* host RAM */
	FUZZ_CHECK(IS_ALIGNED(p->mem_hpa.v, MiB(2)), "%s: host base 0x%llx", p->name, (ull)p->mem_hpa.v);
	FUZZ_CHECK(in_some_memory(p->mem_hpa.v, p->mem_size), "%s: host RAM 0x%llx+0x%llx not in /memory",
		   p->name, (ull)p->mem_hpa.v, (ull)p->mem_size);
	FUZZ_CHECK(clear_of_machine(p->mem_hpa.v, p->mem_size), "%s: host RAM over the machine", p->name);
	for (unsigned j = 0; j < cfg.nr_parts; j++) {
		const struct pv_part_config *q = &cfg.parts[j];

		if (j != i)
			FUZZ_CHECK(!overlap(p->mem_hpa.v, p->mem_size, q->mem_hpa.v, q->mem_size),
				   "%s and %s share host RAM", p->name, q->name);
		FUZZ_CHECK(!overlap(p->mem_hpa.v, p->mem_size, q->image_reg.base.v, q->image_reg.size) &&
			   !overlap(p->mem_hpa.v, p->mem_size, q->initrd_reg.base.v, q->initrd_reg.size),
			   "%s RAM over the boot-loader regions of %s", p->name, q->name);
	}

	/* image */
	if (p->image_reg.size) {
		FUZZ_CHECK(p->image == -1, "%s: image %d and image-reg", p->name, p->image);
		FUZZ_CHECK(in_some_memory(p->image_reg.base.v, p->image_reg.size) &&
			   clear_of_machine(p->image_reg.base.v, p->image_reg.size), "%s: image-reg", p->name);
		isize = p->image_reg.size;
	} else {
		FUZZ_CHECK(p->image >= 0 && (unsigned)p->image < ARRAY_SIZE(images) && images[p->image].name,
			   "%s: image %d", p->name, p->image);
		isize = images[p->image].size;
	}
	if (p->initrd_reg.size)
		FUZZ_CHECK(in_some_memory(p->initrd_reg.base.v, p->initrd_reg.size) &&
			   clear_of_machine(p->initrd_reg.base.v, p->initrd_reg.size), "%s: initrd-reg", p->name);
	FUZZ_CHECK(IS_ALIGNED(p->load_offset, KiB(4)), "%s: load offset", p->name);
	avail = p->mem_size - GUEST_FDT_RESERVE;
	FUZZ_CHECK(p->initrd_reg.size <= avail, "%s: initrd too big", p->name);
	avail -= ALIGN_UP(p->initrd_reg.size, KiB(4));
	FUZZ_CHECK(p->load_offset <= avail && isize <= avail - p->load_offset, "%s: image does not fit", p->name);

	/* PCI functions */
	FUZZ_CHECK(p->nr_pci <= PV_MAX_PCI, "%s: %u PCI functions", p->name, p->nr_pci);
	for (unsigned k = 0; k < p->nr_pci; k++)
		for (unsigned j = 0; j <= i; j++)
			for (unsigned l = 0; l < cfg.parts[j].nr_pci; l++)
				FUZZ_CHECK((j == i && l == k) || cfg.parts[j].pci_bdf[l] != p->pci_bdf[k],
					   "PCI function 0x%x assigned twice", p->pci_bdf[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob;
	int rc;

	setup();
	if (size < 4)
		return 0;
	blob = fz_dup_exact(data, size);
	if (fdt_magic(blob) == FDT_MAGIC) {
		if (size < sizeof(struct fdt_header)) {
			free(blob);  /* libfdt reads the whole header of anything with the magic */
			return 0;
		}
		if (fdt_totalsize(blob) > size)
			fdt_set_totalsize(blob, (uint32_t)size);
		if (!fz_fdt_prop_lengths_ok(blob, size)) {
			free(blob);  /* host libfdt 1.6.1 would never return (fuzz_util.h) */
			return 0;
		}
	}
	memset(&cfg, 0xa5, sizeof(cfg));    /* garbage: config_parse must not rely on it */
	memset(&diag, 0x5a, sizeof(diag));
	rc = config_parse(blob, size, 0, &plat, hv, images, ARRAY_SIZE(images), &cfg, &diag);
	if (rc) {
		check_failure(rc);
	} else {
		FUZZ_CHECK(cfg.nr_parts >= 1 && cfg.nr_parts <= PV_MAX_PARTITIONS, "%u partitions", cfg.nr_parts);
		for (unsigned i = 0; i < cfg.nr_parts; i++)
			check_partition(i);
		FUZZ_CHECK(all_zero(&cfg.parts[cfg.nr_parts], sizeof(cfg.parts[0]) * (PV_MAX_PARTITIONS - cfg.nr_parts)),
			   "unused partition slots not cleared");
	}
	free(blob);
	return 0;
}
