/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for host platform discovery, platform_discover() and
 * platform_check_hart() (core/platform.c).
 *
 * The input is a host FDT blob as OpenSBI would pass it. Like hv_main() (core/main.c)
 * the harness only goes on with a blob that passes fdt_check_header() and
 * fdt_open_into() (a header claiming more bytes than the input is clamped to the
 * input first: the firmware's blob is always whole; a reservation map without a
 * terminator is refused first, see below, and so is a property length that sends host
 * libfdt 1.6.1 into an endless loop, fz_fdt_prop_lengths_ok()); the opened copy is packed and
 * moved into a heap block of exactly its size, so ASan reports any read past it.
 * Then platform_check_hart() runs for every hart found and for one absent hart id,
 * and config_parse() parses a fixed two-partition config against the discovered
 * platform (the code that consumes discovery's output), and, like hv_main, the host
 * tree's own /chosen/partvisor-config when it has one (config_host_node()).
 *
 * Invariants checked:
 *  - failure: a PV_E* error with a non-empty, terminated diagnostic;
 *  - success: counts within their arrays (harts 1..PV_MAX_HARTS, memory ranges
 *    1..PV_MAX_MEM, reserved regions, MMIO windows), names terminated; the IMSIC
 *    geometry within the ranges discovery checks (num-ids 63..2047, guest index bits
 *    <= 6, hart index bits <= 15, group shift 24..55, window large enough) and every
 *    hart's IMSIC index -1 or below the IMSIC's hart count; platform_hart_index()
 *    finds every hart;
 *  - platform_check_hart(): 0 only for a hart with H, Sstc and an S-level IMSIC
 *    index on an IMSIC with guest files, else -PV_ENOENT / -PV_EINVAL with a message;
 *    -PV_ENOENT for an absent hart id;
 *  - config_parse() on the result returns 0 or a PV_E* error and, on success, puts
 *    partition RAM inside a discovered /memory range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "core/config.h"
#include "core/platform.h"
#include "fuzz_util.h"

#define OPEN_MAX KiB(128)  /* hv_main's host_fdt_copy */

static uint8_t opened[OPEN_MAX] __attribute__((aligned(8)));
static uint8_t cfg_blob[4096] __attribute__((aligned(8)));
static struct pv_platform plat;

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, 0, cap) != NULL;
}

static bool pv_error(int rc)
{
	return rc == -PV_EINVAL || rc == -PV_ENOMEM || rc == -PV_EEXIST || rc == -PV_ENOENT || rc == -PV_ERANGE;
}

static void check_diag(const struct pv_diag *d, int rc)
{
	FUZZ_CHECK(pv_error(rc), "rc %d", rc);
	FUZZ_CHECK(terminated(d->node, sizeof(d->node)) && terminated(d->prop, sizeof(d->prop)) &&
		   terminated(d->msg, sizeof(d->msg)), "diag strings");
	FUZZ_CHECK(d->msg[0], "rc %d without a message", rc);
}

/* A config with alpha on harts 0 and 1 (embedded image) and beta on hart 2 (boot-loader regions). */
static void build_config(void)
{
	const fdt32_t h01[2] = { 0, cpu_to_fdt32(1) }, h2[1] = { cpu_to_fdt32(2) };
	const fdt64_t img[2] = { cpu_to_fdt64(0xb0000000ULL), cpu_to_fdt64(0x1000000) };
	const fdt64_t ird[2] = { cpu_to_fdt64(0xb4000000ULL), cpu_to_fdt64(0x400000) };
	void *f = cfg_blob;
	int rc = 0;

	rc |= fdt_create(f, sizeof(cfg_blob));
	rc |= fdt_finish_reservemap(f);
	rc |= fdt_begin_node(f, "");
	rc |= fdt_property_string(f, "compatible", "partvisor,config");
	rc |= fdt_begin_node(f, "partitions");
	rc |= fdt_begin_node(f, "alpha");
	rc |= fdt_property_string(f, "compatible", "partvisor,partition");
	rc |= fdt_property(f, "partvisor,harts", h01, sizeof(h01));
	rc |= fdt_property_u64(f, "partvisor,mem-size", MiB(64));
	rc |= fdt_property_string(f, "partvisor,image", "testguest");
	rc |= fdt_end_node(f);
	rc |= fdt_begin_node(f, "beta");
	rc |= fdt_property_string(f, "compatible", "partvisor,partition");
	rc |= fdt_property(f, "partvisor,harts", h2, sizeof(h2));
	rc |= fdt_property_u64(f, "partvisor,mem-size", MiB(256));
	rc |= fdt_property(f, "partvisor,image-reg", img, sizeof(img));
	rc |= fdt_property(f, "partvisor,initrd-reg", ird, sizeof(ird));
	rc |= fdt_end_node(f);
	rc |= fdt_end_node(f);
	rc |= fdt_end_node(f);
	rc |= fdt_finish(f);
	FUZZ_CHECK(rc == 0, "config blob");
}

static void check_platform(void)
{
	FUZZ_CHECK(plat.nr_harts >= 1 && plat.nr_harts <= PV_MAX_HARTS, "%u harts", plat.nr_harts);
	FUZZ_CHECK(plat.nr_mem >= 1 && plat.nr_mem <= PV_MAX_MEM, "%u memory ranges", plat.nr_mem);
	FUZZ_CHECK(plat.nr_reserved <= PV_MAX_RESERVED, "%u reserved", plat.nr_reserved);
	FUZZ_CHECK(plat.nr_mmio <= PV_MAX_MMIO, "%u mmio", plat.nr_mmio);
	for (unsigned i = 0; i < plat.nr_reserved; i++)
		FUZZ_CHECK(terminated(plat.reserved_name[i], sizeof(plat.reserved_name[i])), "reserved name %u", i);
	for (unsigned i = 0; i < plat.nr_mmio; i++) {
		FUZZ_CHECK(terminated(plat.mmio[i].node, sizeof(plat.mmio[i].node)), "mmio name %u", i);
		FUZZ_CHECK(plat.mmio[i].r.size, "mmio window %u of size 0", i);
	}
	if (plat.has_imsic) {
		const struct imsic_geom *im = &plat.imsic;

		FUZZ_CHECK(im->num_ids >= 63 && im->num_ids <= 2047, "num_ids %u", im->num_ids);
		FUZZ_CHECK(im->guest_index_bits <= 6 && im->hart_index_bits <= 15 && im->group_index_bits <= 7,
			   "index bits %u %u %u", im->guest_index_bits, im->hart_index_bits, im->group_index_bits);
		FUZZ_CHECK(im->group_index_shift >= 24 && im->group_index_shift <= 55, "group shift %u",
			   im->group_index_shift);
		FUZZ_CHECK(im->nr_harts >= 1 && im->nr_harts <= IMSIC_MAX_HARTS &&
			   im->nr_harts <= (1u << (im->hart_index_bits + im->group_index_bits)), "imsic harts %u",
			   im->nr_harts);
		/* every entry's pages (S file and guest files) are page-aligned, distinct and below end */
		for (unsigned i = 0; i < im->nr_harts; i++) {
			uint64_t f = imsic_s_file_hpa(im, i).v, span = 1ULL << (12 + im->guest_index_bits);

			FUZZ_CHECK(!(f & 0xfff) && f + span <= im->end.v, "imsic file %u at 0x%llx", i, (ull)f);
			for (unsigned j = 0; j < i; j++) {
				uint64_t g = imsic_s_file_hpa(im, j).v;

				FUZZ_CHECK(f + span <= g || g + span <= f, "imsic files %u and %u overlap", i, j);
			}
		}
	}
	for (unsigned i = 0; i < plat.nr_harts; i++) {
		const struct pv_hart_info *h = &plat.harts[i];
		int idx = platform_hart_index(&plat, h->hartid);

		FUZZ_CHECK(idx >= 0 && (unsigned)idx <= i && plat.harts[idx].hartid == h->hartid, "hart index %d", idx);
		if (plat.has_imsic)
			FUZZ_CHECK(h->imsic_index >= -1 && h->imsic_index < (int)plat.imsic.nr_harts,
				   "hart %u imsic index %d", h->hartid, h->imsic_index);
		else
			FUZZ_CHECK(h->imsic_index == -1, "hart %u imsic index %d without IMSIC", h->hartid,
				   h->imsic_index);
	}
}

static void check_harts(void)
{
	struct pv_diag d;
	uint32_t absent = 0;
	int rc;

	for (unsigned i = 0; i < plat.nr_harts; i++) {
		const struct pv_hart_info *h = &plat.harts[platform_hart_index(&plat, plat.harts[i].hartid)];

		memset(&d, 0x5a, sizeof(d));
		rc = platform_check_hart(&plat, plat.harts[i].hartid, &d);
		if (rc == 0) {
			FUZZ_CHECK(h->has_h && h->has_sstc && plat.has_imsic && h->imsic_index >= 0 &&
				   plat.imsic.guest_index_bits >= 1, "hart %u accepted", h->hartid);
		} else {
			FUZZ_CHECK(rc == -PV_EINVAL, "hart %u: rc %d", h->hartid, rc);
			check_diag(&d, rc);
		}
	}
	/* some hart id that is not present: past the largest one, or the first gap from 0 */
	for (unsigned i = 0; i < plat.nr_harts; i++)
		if (plat.harts[i].hartid > absent)
			absent = plat.harts[i].hartid;
	if (absent < UINT32_MAX) {
		absent++;
	} else {
		absent = 0;
		while (platform_hart_index(&plat, absent) >= 0)
			absent++;
	}
	rc = platform_check_hart(&plat, absent, &d);
	FUZZ_CHECK(rc == -PV_ENOENT, "absent hart %u: rc %d", absent, rc);
	check_diag(&d, rc);
}

/* Parse the config under node @root of @fdt against the discovered platform and check the result. */
static void check_config(const void *fdt, int root)
{
	static const struct pv_image images[] = { { "testguest", NULL, 123456 } };
	static struct pv_config cfg;
	struct hpa_range hv = { hpa(0x80200000ULL), MiB(2) };
	struct pv_diag d;
	int rc = config_parse(fdt, fdt_totalsize(fdt), root, &plat, hv, images, 1, &cfg, &d);

	if (rc) {
		check_diag(&d, rc);
		return;
	}
	for (unsigned i = 0; i < cfg.nr_parts; i++) {
		const struct pv_part_config *p = &cfg.parts[i];
		bool in = false;

		for (unsigned k = 0; k < plat.nr_mem; k++)
			in |= p->mem_hpa.v >= plat.mem[k].base.v &&
			      p->mem_size <= plat.mem[k].size &&
			      p->mem_hpa.v - plat.mem[k].base.v <= plat.mem[k].size - p->mem_size;
		FUZZ_CHECK(in, "%s RAM 0x%llx outside /memory", p->name, (ull)p->mem_hpa.v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct pv_diag d;
	uint8_t *in, *blob;
	int rc;

	if (!ready) {
		build_config();
		ready = true;
	}
	if (size < sizeof(struct fdt_header))
		return 0;
	in = fz_dup_exact(data, size);
	if (fdt_magic(in) == FDT_MAGIC && fdt_totalsize(in) > size)
		fdt_set_totalsize(in, (uint32_t)size);
	/*
	 * What hv_main does before discovery. fdt_open_into() of libfdt 1.6.1 (host) and
	 * 1.7.2 (firmware) does not check fdt_num_mem_rsv() and memmoves a negative size
	 * when the reservation map has no terminator before the end of the blob
	 * (corpus/platform/regress-libfdt-open-into-rsvmap): such blobs are left out.
	 */
	rc = fdt_check_header(in);
	if (!rc && !fz_fdt_prop_lengths_ok(in, size))
		rc = -FDT_ERR_BADSTRUCTURE;  /* host libfdt 1.6.1 would loop forever (fuzz_util.h) */
	if (!rc && fdt_num_mem_rsv(in) < 0)
		rc = -FDT_ERR_TRUNCATED;
	if (!rc)
		rc = fdt_open_into(in, opened, sizeof(opened));
	free(in);
	if (rc || fdt_pack(opened))
		return 0;
	blob = fz_dup_exact(opened, fdt_totalsize(opened));

	memset(&plat, 0xa5, sizeof(plat));
	memset(&d, 0x5a, sizeof(d));
	rc = platform_discover(blob, &plat, &d);
	if (rc) {
		check_diag(&d, rc);
	} else {
		check_platform();
		check_harts();
		check_config(cfg_blob, 0);
		if ((rc = config_host_node(blob)) >= 0)
			check_config(blob, rc);
		else
			FUZZ_CHECK(rc == -PV_ENOENT, "config_host_node %d", rc);
	}
	free(blob);
	return 0;
}
