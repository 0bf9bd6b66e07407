/* SPDX-License-Identifier: MIT */
/*
 * Partition configuration parser (binding: docs/config.md,
 * docs/bindings/partvisor-config.yaml).
 *
 * Reads the config device tree with libfdt only, validates every partition
 * against the discovered platform and places the partitions whose host RAM
 * is not fixed. Fails closed: the first problem stops parsing, is described in
 * the pv_diag (node, property, reason with the numbers involved) and leaves
 * the output config empty.
 *
 * Pure logic: no CSR or MMIO access, built for the firmware and for the host
 * unit tests (tests/unit/test_config.c).
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "core/config.h"
#include "core/guest_layout.h"

#define ROOT_COMPATIBLE  "partvisor,config"
#define PART_COMPATIBLE  "partvisor,partition"

#define P_HARTS      "partvisor,harts"
#define P_MEM_SIZE   "partvisor,mem-size"
#define P_GUEST_BASE "partvisor,mem-guest-base"
#define P_HOST_BASE  "partvisor,mem-host-base"
#define P_IMAGE      "partvisor,image"
#define P_IMAGE_REG  "partvisor,image-reg"
#define P_INITRD_REG "partvisor,initrd-reg"
#define P_LOAD_OFF   "partvisor,load-offset"
#define P_BOOTARGS   "partvisor,bootargs"
#define P_PCI        PV_PROP_PCI_DEVICES
#define P_MSI_POLICY "partvisor,msi-policy"

#define MEM_ALIGN            MiB(2)       /* guest and host RAM granularity */
#define LOAD_OFFSET_DEFAULT  MiB(2)
#define LOAD_OFFSET_ALIGN    KiB(4)
#define BOOTARGS_MAX         255u         /* characters, without the terminating NUL */


/* ---- ranges (overflow-safe) -------------------------------------------------------------- */

/* Last byte of [base, base + size); saturates at UINT64_MAX. @size must be non-zero. */
static uint64_t last_byte(uint64_t base, uint64_t size)
{
	return size - 1 > UINT64_MAX - base ? UINT64_MAX : base + (size - 1);
}

/* True when the two ranges share a byte; empty ranges never overlap. No wraparound. */
static bool overlaps(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	if (!asz || !bsz)
		return false;
	return a <= last_byte(b, bsz) && b <= last_byte(a, asz);
}

/* True when [a, a + asz) lies entirely inside [b, b + bsz). */
static bool contained(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	if (!asz || !bsz)
		return false;
	return a >= b && last_byte(a, asz) <= last_byte(b, bsz);
}

/* True when [base, base + size) lies entirely inside one /memory range of @plat. */
static bool in_memory(const struct pv_platform *plat, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < plat->nr_mem && i < PV_MAX_MEM; i++)
		if (contained(base, size, plat->mem[i].base.v, plat->mem[i].size))
			return true;
	return false;
}

/* ---- property readers --------------------------------------------------------------------- */

/*
 * Look up optional property @prop: *@v is its value (NULL when absent) and *@len its
 * length in bytes. Returns 0, or an error when libfdt cannot read the node.
 */
static int find_prop(const void *fdt, int node, const char *path, const char *prop,
		     const void **v, int *len, struct pv_diag *diag)
{
	*v = fdt_getprop(fdt, node, prop, len);
	if (!*v && *len != -FDT_ERR_NOTFOUND)
		return diag_set(diag, PV_EINVAL, path, prop, "cannot read: %s", fdt_strerror(*len));
	return 0;
}

/*
 * Read an optional 64-bit property (/bits/ 64 <x>, or two u32 cells).
 * Returns 0 with *present false when absent; an error when the length is not 8.
 */
static int get_u64(const void *fdt, int node, const char *path, const char *prop,
		   uint64_t *out, bool *present, struct pv_diag *diag)
{
	const void *v;
	int len, rc;

	*present = false;
	rc = find_prop(fdt, node, path, prop, &v, &len, diag);
	if (rc || !v)
		return rc;
	if (len != (int)sizeof(uint64_t))
		return diag_set(diag, PV_EINVAL, path, prop, "expected 8 bytes (/bits/ 64), got %d", len);
	*out = fdt64_ld(v);
	*present = true;
	return 0;
}

/*
 * Read an optional single string property. Returns 0 with *out NULL when absent;
 * an error when the value is not exactly one NUL-terminated string.
 */
static int get_string(const void *fdt, int node, const char *path, const char *prop,
		      const char **out, struct pv_diag *diag)
{
	const void *pv;
	const char *v;
	int len, rc;

	*out = NULL;
	rc = find_prop(fdt, node, path, prop, &pv, &len, diag);
	if (rc || !pv)
		return rc;
	v = pv;
	if (len < 1 || v[len - 1] != '\0' || strlen(v) != (size_t)len - 1)
		return diag_set(diag, PV_EINVAL, path, prop,
				"expected a single NUL-terminated string, got %d bytes", len);
	*out = v;
	return 0;
}

/* Check the node's compatible contains @compat. */
static int check_compatible(const void *fdt, int node, const char *path, const char *compat,
			    struct pv_diag *diag)
{
	int rc = fdt_node_check_compatible(fdt, node, compat);

	if (rc == 0)
		return 0;
	if (rc == -FDT_ERR_NOTFOUND)
		return diag_set(diag, PV_ENOENT, path, "compatible", "missing (must be \"%s\")", compat);
	return diag_set(diag, PV_EINVAL, path, "compatible", "must contain \"%s\"", compat);
}

/* ---- partition fields --------------------------------------------------------------------- */

/* Node name rule: [a-z][a-z0-9-]*, at most PV_NAME_MAX - 1 characters. */
static bool name_ok(const char *name, int len)
{
	if (len < 1 || len > PV_NAME_MAX - 1 || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (int i = 1; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* Partition name = node name: syntax, length, uniqueness among the partitions parsed so far. */
static int parse_name(const void *fdt, int node, struct pv_config *cfg, struct pv_part_config *p,
		      struct pv_diag *diag)
{
	int len;
	const char *name = fdt_get_name(fdt, node, &len);

	if (!name)
		return diag_set(diag, PV_EINVAL, p->node_path, NULL, "cannot read node name: %s",
				fdt_strerror(len));
	if (!name_ok(name, len))
		return diag_set(diag, PV_EINVAL, p->node_path, NULL,
				"partition name '%s' must match [a-z][a-z0-9-]* and have at most %d characters",
				name, PV_NAME_MAX - 1);
	memcpy(p->name, name, (size_t)len);
	p->name[len] = '\0';
	for (unsigned i = 0; i < cfg->nr_parts; i++)
		if (!strcmp(cfg->parts[i].name, p->name))
			return diag_set(diag, PV_EEXIST, p->node_path, NULL,
					"partition name '%s' is used twice", p->name);
	return 0;
}

/*
 * partvisor,harts: 1..PV_MAX_VCPUS u32 hart ids, each usable (platform_check_hart),
 * listed once and not owned by an earlier partition.
 */
static int parse_harts(const void *fdt, int node, const struct pv_platform *plat,
		       const struct pv_config *cfg, struct pv_part_config *p, struct pv_diag *diag)
{
	const fdt32_t *cells;
	int len;
	unsigned n;

	cells = fdt_getprop(fdt, node, P_HARTS, &len);
	if (!cells) {
		if (len == -FDT_ERR_NOTFOUND)
			return diag_set(diag, PV_ENOENT, p->node_path, P_HARTS, "missing");
		return diag_set(diag, PV_EINVAL, p->node_path, P_HARTS, "cannot read: %s", fdt_strerror(len));
	}
	if (len % 4)
		return diag_set(diag, PV_EINVAL, p->node_path, P_HARTS,
				"expected a list of u32 cells, got %d bytes", len);
	n = (unsigned)len / 4;
	if (n < 1 || n > PV_MAX_VCPUS)
		return diag_set(diag, PV_ERANGE, p->node_path, P_HARTS,
				"lists %u harts, must list 1 to %d", n, PV_MAX_VCPUS);

	for (unsigned i = 0; i < n; i++) {
		uint32_t h = fdt32_ld(&cells[i]);
		struct pv_diag why;
		int rc;

		memset(&why, 0, sizeof(why));
		rc = platform_check_hart(plat, h, &why);
		if (rc)
			/* keep the platform's reason, but point at the config property */
			return diag_set(diag, rc < 0 ? -rc : PV_EINVAL, p->node_path, P_HARTS, "%s",
					why.msg[0] ? why.msg : "hart cannot run a partition");
		for (unsigned j = 0; j < i; j++)
			if (p->hartids[j] == h)
				return diag_set(diag, PV_EEXIST, p->node_path, P_HARTS,
						"hart %u is listed twice", h);
		for (unsigned k = 0; k < cfg->nr_parts; k++)
			for (unsigned j = 0; j < cfg->parts[k].nr_vcpus; j++)
				if (cfg->parts[k].hartids[j] == h)
					return diag_set(diag, PV_EEXIST, p->node_path, P_HARTS,
							"hart %u is already owned by partition %s",
							h, cfg->parts[k].name);
		p->hartids[i] = h;
	}
	p->nr_vcpus = n;
	return 0;
}

/* Guest windows every partition has (guest_layout.h); guest RAM must avoid them. */
static const struct {
	uint64_t base, size;
	const char *what;
} guest_windows[] = {
	{ GUEST_UART_GPA, GUEST_UART_SIZE, "the guest UART" },
	{ GUEST_IMSIC_GPA, GUEST_IMSIC_SIZE, "the guest IMSIC window" },
	{ GUEST_PCIE_ECAM_GPA, GUEST_PCIE_ECAM_SIZE, "the guest PCIe ECAM window" },
	{ GUEST_PCIE_MMIO_GPA, GUEST_PCIE_MMIO_SIZE, "the guest PCIe MMIO window" },
};

/*
 * partvisor,mem-size (required, multiple of 2 MiB) and partvisor,mem-guest-base
 * (2 MiB aligned, below GUEST_GPA_LIMIT without overflow, clear of the guest windows).
 */
static int parse_memory(const void *fdt, int node, struct pv_part_config *p, struct pv_diag *diag)
{
	uint64_t size = 0, base = GUEST_RAM_DEFAULT_GPA;
	bool present;
	const char *blame;
	int rc;

	rc = get_u64(fdt, node, p->node_path, P_MEM_SIZE, &size, &present, diag);
	if (rc)
		return rc;
	if (!present)
		return diag_set(diag, PV_ENOENT, p->node_path, P_MEM_SIZE, "missing");
	if (!size || !IS_ALIGNED(size, MEM_ALIGN))
		return diag_set(diag, PV_EINVAL, p->node_path, P_MEM_SIZE,
				"0x%llx must be a non-zero multiple of 2 MiB", (ull)size);
	p->mem_size = size;

	rc = get_u64(fdt, node, p->node_path, P_GUEST_BASE, &base, &present, diag);
	if (rc)
		return rc;
	blame = present ? P_GUEST_BASE : P_MEM_SIZE;
	if (!IS_ALIGNED(base, MEM_ALIGN))
		return diag_set(diag, PV_EINVAL, p->node_path, P_GUEST_BASE,
				"0x%llx must be a multiple of 2 MiB", (ull)base);
	if (size > GUEST_GPA_LIMIT || base > GUEST_GPA_LIMIT - size)
		return diag_set(diag, PV_ERANGE, p->node_path, blame,
				"guest RAM at 0x%llx of 0x%llx bytes does not end below the guest limit 0x%llx",
				(ull)base, (ull)size, (ull)GUEST_GPA_LIMIT);
	for (size_t i = 0; i < ARRAY_SIZE(guest_windows); i++)
		if (overlaps(base, size, guest_windows[i].base, guest_windows[i].size))
			return diag_set(diag, PV_EEXIST, p->node_path, blame,
					"guest RAM 0x%llx-0x%llx overlaps %s at 0x%llx-0x%llx",
					(ull)base, (ull)(base + size - 1), guest_windows[i].what,
					(ull)guest_windows[i].base,
					(ull)(guest_windows[i].base + guest_windows[i].size - 1));
	p->mem_gpa = gpa(base);
	return 0;
}

/*
 * Optional region property @prop = /bits/ 64 <base size> (host physical, bytes) into @r;
 * absent leaves @r zero. Wrong length, zero size or an end past 2^64 are errors.
 */
static int get_reg(const void *fdt, int node, const char *path, const char *prop, struct hpa_range *r,
		   struct pv_diag *diag)
{
	const void *v;
	int len, rc;

	memset(r, 0, sizeof(*r));
	rc = find_prop(fdt, node, path, prop, &v, &len, diag);
	if (rc || !v)
		return rc;
	if (len != 2 * (int)sizeof(uint64_t))
		return diag_set(diag, PV_EINVAL, path, prop, "expected 16 bytes (/bits/ 64 <base size>), got %d", len);
	r->base = hpa(fdt64_ld(v));
	r->size = fdt64_ld((const fdt64_t *)v + 1);
	if (!r->size || r->size > UINT64_MAX - r->base.v)
		return diag_set(diag, PV_ERANGE, path, prop, "size 0x%llx at 0x%llx is empty or overflows",
				(ull)r->size, (ull)r->base.v);
	return 0;
}

/*
 * partvisor,image (must name an entry of @images) and partvisor,load-offset (4 KiB
 * aligned); the image must end before the last GUEST_FDT_RESERVE bytes of RAM.
 */
static int parse_image(const void *fdt, int node, const struct pv_image *images, unsigned nr_images,
		       struct pv_part_config *p, struct pv_diag *diag)
{
	const char *name;
	uint64_t off = LOAD_OFFSET_DEFAULT, avail, isize;
	bool present;
	int rc;

	rc = get_string(fdt, node, p->node_path, P_IMAGE, &name, diag);
	if (!rc)
		rc = get_reg(fdt, node, p->node_path, P_IMAGE_REG, &p->image_reg, diag);
	if (!rc)
		rc = get_reg(fdt, node, p->node_path, P_INITRD_REG, &p->initrd_reg, diag);
	if (rc)
		return rc;
	p->image = -1;
	if (name && p->image_reg.size)
		return diag_set(diag, PV_EINVAL, p->node_path, P_IMAGE_REG, "give either %s or %s, not both",
				P_IMAGE, P_IMAGE_REG);
	if (!name && !p->image_reg.size)
		return diag_set(diag, PV_ENOENT, p->node_path, P_IMAGE, "missing (or %s)", P_IMAGE_REG);
	if (!name)
		name = "(image-reg)";
	for (unsigned i = 0; i < nr_images && images && !p->image_reg.size; i++)
		if (images[i].name && !strcmp(images[i].name, name)) {
			p->image = (int)i;
			break;
		}
	if (p->image < 0 && !p->image_reg.size)
		return diag_set(diag, PV_ENOENT, p->node_path, P_IMAGE,
				"unknown image '%s' (%u images available)", name, nr_images);

	rc = get_u64(fdt, node, p->node_path, P_LOAD_OFF, &off, &present, diag);
	if (rc)
		return rc;
	if (!IS_ALIGNED(off, LOAD_OFFSET_ALIGN))
		return diag_set(diag, PV_EINVAL, p->node_path, P_LOAD_OFF,
				"0x%llx must be a multiple of 4 KiB", (ull)off);
	p->load_offset = off;

	/* mem_size >= 2 MiB > GUEST_FDT_RESERVE, so no underflow here */
	avail = p->mem_size - GUEST_FDT_RESERVE;
	isize = p->image_reg.size ? p->image_reg.size : images[p->image].size;
	if (p->initrd_reg.size > avail)
		return diag_set(diag, PV_ERANGE, p->node_path, P_INITRD_REG,
				"initrd of %llu bytes does not fit in 0x%llx bytes of RAM", (ull)p->initrd_reg.size,
				(ull)p->mem_size);
	avail -= ALIGN_UP(p->initrd_reg.size, LOAD_OFFSET_ALIGN);  /* the initrd sits just below the FDT */
	if (off > avail || isize > avail - off)
		return diag_set(diag, PV_ERANGE, p->node_path, present ? P_LOAD_OFF : p->image_reg.size ? P_IMAGE_REG : P_IMAGE,
				"image '%s' (%llu bytes) at offset 0x%llx does not fit in 0x%llx bytes of RAM "
				"(the last %llu KiB hold the device tree%s)",
				name, (ull)isize, (ull)off, (ull)p->mem_size,
				(ull)(GUEST_FDT_RESERVE >> 10), p->initrd_reg.size ? " and the initrd below it" : "");
	return 0;
}

/* partvisor,bootargs: optional single string of at most BOOTARGS_MAX characters. */
static int parse_bootargs(const void *fdt, int node, struct pv_part_config *p, struct pv_diag *diag)
{
	const char *s;
	size_t n;
	int rc = get_string(fdt, node, p->node_path, P_BOOTARGS, &s, diag);

	if (rc)
		return rc;
	if (!s)
		return 0;
	n = strlen(s);
	if (n > BOOTARGS_MAX)
		return diag_set(diag, PV_ERANGE, p->node_path, P_BOOTARGS,
				"%u characters, at most %u are supported", (unsigned)n, BOOTARGS_MAX);
	memcpy(p->bootargs, s, n + 1);
	return 0;
}

/* partvisor,msi-policy: optional "open" (default) or "composed". */
static int parse_msi_policy(const void *fdt, int node, struct pv_part_config *p, struct pv_diag *diag)
{
	const char *s;
	int rc = get_string(fdt, node, p->node_path, P_MSI_POLICY, &s, diag);

	if (rc)
		return rc;
	if (!s || !strcmp(s, "open"))
		p->msi_policy = PV_MSI_OPEN;
	else if (!strcmp(s, "composed"))
		p->msi_policy = PV_MSI_COMPOSED;
	else
		return diag_set(diag, PV_EINVAL, p->node_path, P_MSI_POLICY,
				"must be \"open\" or \"composed\"");
	return 0;
}

/*
 * partvisor,pci-devices: optional list (possibly empty) of at most PV_MAX_PCI u32
 * functions <= 0xffff, each listed once across all partitions.
 */
static int parse_pci(const void *fdt, int node, const struct pv_config *cfg, struct pv_part_config *p,
		     struct pv_diag *diag)
{
	const fdt32_t *cells;
	int len;
	unsigned n;

	cells = fdt_getprop(fdt, node, P_PCI, &len);
	if (!cells) {
		if (len == -FDT_ERR_NOTFOUND)
			return 0;
		return diag_set(diag, PV_EINVAL, p->node_path, P_PCI, "cannot read: %s", fdt_strerror(len));
	}
	if (len % 4)
		return diag_set(diag, PV_EINVAL, p->node_path, P_PCI,
				"expected a list of u32 cells, got %d bytes", len);
	n = (unsigned)len / 4;
	if (n > PV_MAX_PCI)
		return diag_set(diag, PV_ERANGE, p->node_path, P_PCI,
				"lists %u PCI functions, at most %d are supported", n, PV_MAX_PCI);
	for (unsigned i = 0; i < n; i++) {
		uint32_t bdf = fdt32_ld(&cells[i]);

		if (bdf > 0xffff)
			return diag_set(diag, PV_ERANGE, p->node_path, P_PCI,
					"0x%x is not a PCI function (bus << 8 | dev << 3 | fn, at most 0xffff)",
					bdf);
		for (unsigned j = 0; j < i; j++)
			if (p->pci_bdf[j] == bdf)
				return diag_set(diag, PV_EEXIST, p->node_path, P_PCI,
						"PCI function %02x:%02x.%x is listed twice",
						bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
		for (unsigned k = 0; k < cfg->nr_parts; k++)
			for (unsigned j = 0; j < cfg->parts[k].nr_pci; j++)
				if (cfg->parts[k].pci_bdf[j] == bdf)
					return diag_set(diag, PV_EEXIST, p->node_path, P_PCI,
							"PCI function %02x:%02x.%x is already assigned to partition %s",
							bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, cfg->parts[k].name);
		p->pci_bdf[i] = (uint16_t)bdf;
	}
	p->nr_pci = n;
	return 0;
}

/* ---- host placement ------------------------------------------------------------------------ */

/* Store in @end the first address after the obstacle [b, b + s) (saturated); returns true. */
static bool obstacle_end(uint64_t b, uint64_t s, uint64_t *end)
{
	*end = last_byte(b, s);
	*end = *end == UINT64_MAX ? UINT64_MAX : *end + 1;
	return true;
}

/*
 * Find the first thing of the machine [base, base + size) of host memory collides
 * with: the hypervisor, a reserved region or an MMIO window. Writes a description
 * "... at 0x..-0x.." into @what and the obstacle's end (saturated) into @end.
 * Returns false if none.
 */
static bool platform_obstacle(const struct pv_platform *plat, struct hpa_range hv,
			      uint64_t base, uint64_t size, struct pv_diag *what, uint64_t *end)
{
	uint64_t b, s;

	if (overlaps(base, size, hv.base.v, hv.size)) {
		b = hv.base.v, s = hv.size;
		diag_set(what, 0, NULL, NULL, "the hypervisor at 0x%llx-0x%llx", (ull)b, (ull)last_byte(b, s));
		goto found;
	}
	for (unsigned i = 0; i < plat->nr_reserved && i < PV_MAX_RESERVED; i++) {
		b = plat->reserved[i].base.v, s = plat->reserved[i].size;
		if (overlaps(base, size, b, s)) {
			diag_set(what, 0, NULL, NULL, "reserved-memory %.48s at 0x%llx-0x%llx",
				 plat->reserved_name[i][0] ? plat->reserved_name[i] : "(unnamed)",
				 (ull)b, (ull)last_byte(b, s));
			goto found;
		}
	}
	for (unsigned i = 0; i < plat->nr_mmio && i < PV_MAX_MMIO; i++) {
		b = plat->mmio[i].r.base.v, s = plat->mmio[i].r.size;
		if (overlaps(base, size, b, s)) {
			diag_set(what, 0, NULL, NULL, "MMIO %.64s at 0x%llx-0x%llx",
				 plat->mmio[i].node[0] ? plat->mmio[i].node : "(unnamed)",
				 (ull)b, (ull)last_byte(b, s));
			goto found;
		}
	}
	return false;
found:
	return obstacle_end(b, s, end);
}

/*
 * As platform_obstacle(), and also the boot-loader image regions of every partition
 * and the RAM of partitions whose host placement is already known (placed[] set;
 * @self is skipped).
 */
static bool find_obstacle(const struct pv_platform *plat, struct hpa_range hv,
			  const struct pv_config *cfg, const bool *placed, unsigned self,
			  uint64_t base, uint64_t size, struct pv_diag *what, uint64_t *end)
{
	uint64_t b, s;

	if (platform_obstacle(plat, hv, base, size, what, end))
		return true;
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		const struct hpa_range *regs[2] = { &cfg->parts[i].image_reg, &cfg->parts[i].initrd_reg };

		for (int k = 0; k < 2; k++) {
			b = regs[k]->base.v, s = regs[k]->size;
			if (s && overlaps(base, size, b, s)) {
				diag_set(what, 0, NULL, NULL, "the %s of partition %s at 0x%llx-0x%llx",
					 k ? "initrd" : "image", cfg->parts[i].name, (ull)b, (ull)last_byte(b, s));
				goto found;
			}
		}
	}
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		if (i == self || !placed[i])
			continue;
		b = cfg->parts[i].mem_hpa.v, s = cfg->parts[i].mem_size;
		if (overlaps(base, size, b, s)) {
			diag_set(what, 0, NULL, NULL, "the RAM of partition %s at 0x%llx-0x%llx",
				 cfg->parts[i].name, (ull)b, (ull)last_byte(b, s));
			goto found;
		}
	}
	return false;
found:
	return obstacle_end(b, s, end);
}

/* Validate a fixed partvisor,mem-host-base against the platform and earlier fixed partitions. */
static int check_fixed(const struct pv_platform *plat, struct hpa_range hv, const struct pv_config *cfg,
		       const bool *placed, unsigned self, struct pv_diag *diag)
{
	const struct pv_part_config *p = &cfg->parts[self];
	uint64_t base = p->mem_hpa.v, size = p->mem_size, end;
	struct pv_diag what;

	if (!IS_ALIGNED(base, MEM_ALIGN))
		return diag_set(diag, PV_EINVAL, p->node_path, P_HOST_BASE,
				"0x%llx must be a multiple of 2 MiB", (ull)base);
	if (size > UINT64_MAX - base)  /* the end address base + size must be representable */
		return diag_set(diag, PV_ERANGE, p->node_path, P_HOST_BASE,
				"0x%llx + 0x%llx bytes overflows the address space", (ull)base, (ull)size);
	if (!in_memory(plat, base, size))
		return diag_set(diag, PV_ERANGE, p->node_path, P_HOST_BASE,
				"RAM 0x%llx-0x%llx is not inside any /memory range", (ull)base,
				(ull)(base + size - 1));
	memset(&what, 0, sizeof(what));
	if (find_obstacle(plat, hv, cfg, placed, self, base, size, &what, &end))
		return diag_set(diag, PV_EEXIST, p->node_path, P_HOST_BASE, "RAM 0x%llx-0x%llx overlaps %s",
				(ull)base, (ull)(base + size - 1), what.msg);
	return 0;
}

/*
 * Regions the boot loader filled (image-reg, initrd-reg) must be RAM that nothing
 * else uses: inside /memory, clear of the hypervisor, reserved memory and MMIO.
 * (Partition RAM is kept off them by find_obstacle.) They stay untouched so a
 * reboot can reload the pristine images.
 */
static int check_loaded(const struct pv_platform *plat, struct hpa_range hv, const struct pv_part_config *p,
			struct pv_diag *diag)
{
	const struct hpa_range *regs[2] = { &p->image_reg, &p->initrd_reg };
	const char *props[2] = { P_IMAGE_REG, P_INITRD_REG };

	for (int k = 0; k < 2; k++) {
		uint64_t b = regs[k]->base.v, sz = regs[k]->size, end;
		struct pv_diag what;

		if (!sz)
			continue;
		if (!in_memory(plat, b, sz))
			return diag_set(diag, PV_ERANGE, p->node_path, props[k],
					"0x%llx-0x%llx is not inside any /memory range", (ull)b, (ull)last_byte(b, sz));
		memset(&what, 0, sizeof(what));
		if (platform_obstacle(plat, hv, b, sz, &what, &end))
			return diag_set(diag, PV_EEXIST, p->node_path, props[k], "0x%llx-0x%llx overlaps %s",
					(ull)b, (ull)last_byte(b, sz), what.msg);
	}
	return 0;
}

/*
 * First fit for partition @self: the lowest 2 MiB aligned address in the /memory
 * ranges (visited in ascending base order) where its RAM collides with nothing.
 */
static int place(const struct pv_platform *plat, struct hpa_range hv, struct pv_config *cfg,
		 const bool *placed, unsigned self, struct pv_diag *diag)
{
	struct pv_part_config *p = &cfg->parts[self];
	unsigned order[PV_MAX_MEM], n = plat->nr_mem < PV_MAX_MEM ? plat->nr_mem : PV_MAX_MEM;
	struct pv_diag what;

	for (unsigned i = 0; i < n; i++) {  /* insertion sort by base */
		unsigned j = i;

		while (j && plat->mem[order[j - 1]].base.v > plat->mem[i].base.v) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (unsigned k = 0; k < n; k++) {
		const struct hpa_range *m = &plat->mem[order[k]];
		uint64_t c, end;

		if (!m->size || m->base.v > UINT64_MAX - (MEM_ALIGN - 1))
			continue;
		c = ALIGN_UP(m->base.v, MEM_ALIGN);
		while (c <= UINT64_MAX - p->mem_size && contained(c, p->mem_size, m->base.v, m->size)) {
			if (!find_obstacle(plat, hv, cfg, placed, self, c, p->mem_size, &what, &end)) {
				p->mem_hpa = hpa(c);
				return 0;
			}
			if (end > UINT64_MAX - (MEM_ALIGN - 1))
				break;
			c = ALIGN_UP(end, MEM_ALIGN);  /* > c: the obstacle ends past c */
		}
	}
	return diag_set(diag, PV_ENOMEM, p->node_path, P_MEM_SIZE,
			"no free host RAM for 0x%llx bytes", (ull)p->mem_size);
}

/* ---- top level ----------------------------------------------------------------------------- */

/* Parse partition node @node into cfg->parts[cfg->nr_parts] and count it on success. */
static int parse_partition(const void *fdt, int node, const struct pv_platform *plat,
			   const struct pv_image *images, unsigned nr_images,
			   struct pv_config *cfg, struct pv_diag *diag)
{
	struct pv_part_config *p = &cfg->parts[cfg->nr_parts];
	uint64_t host_base = 0;
	int rc;

	rc = fdt_get_path(fdt, node, p->node_path, sizeof(p->node_path));
	if (rc)
		return diag_set(diag, PV_EINVAL, "/partitions", NULL, "cannot get a partition's path: %s",
				fdt_strerror(rc));
	rc = check_compatible(fdt, node, p->node_path, PART_COMPATIBLE, diag);
	if (!rc)
		rc = parse_name(fdt, node, cfg, p, diag);
	if (!rc)
		rc = parse_harts(fdt, node, plat, cfg, p, diag);
	if (!rc)
		rc = parse_memory(fdt, node, p, diag);
	if (!rc)
		rc = parse_image(fdt, node, images, nr_images, p, diag);
	if (!rc)
		rc = parse_bootargs(fdt, node, p, diag);
	if (!rc)
		rc = parse_pci(fdt, node, cfg, p, diag);
	if (!rc)
		rc = parse_msi_policy(fdt, node, p, diag);
	if (!rc)
		rc = get_u64(fdt, node, p->node_path, P_HOST_BASE, &host_base, &p->mem_hpa_fixed, diag);
	if (rc)
		return rc;
	p->mem_hpa = hpa(host_base);
	cfg->nr_parts++;
	return 0;
}

/* True when @off is the offset of a node of @fdt (found by walking the nodes, so any int is safe). */
static bool is_node(const void *fdt, int off)
{
	int node, depth = 0;

	for (node = 0; node >= 0 && node < off; node = fdt_next_node(fdt, node, &depth))
		;
	return node == off;
}

/* Whole-tree checks, then the config under @root: every partition, then fixed placements, then automatic ones. */
static int parse_all(const void *fdt, int root, const struct pv_platform *plat, struct hpa_range hv,
		     const struct pv_image *images, unsigned nr_images,
		     struct pv_config *cfg, struct pv_diag *diag)
{
	bool placed[PV_MAX_PARTITIONS] = { false };
	char root_path[96], parts_path[sizeof(root_path) + 12];
	int rc, parts, node, count = 0;

	rc = fdt_check_header(fdt);
	/* dtc writes version 17; older layouts (no size_dt_struct) are refused before any walk. */
	if (!rc && fdt_version(fdt) < 17)
		return diag_set(diag, PV_EINVAL, "/", NULL, "device tree blob version %u, version 17 is needed",
				fdt_version(fdt));
	if (!rc)
		rc = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (rc)
		return diag_set(diag, PV_EINVAL, "/", NULL, "not a valid device tree blob: %s", fdt_strerror(rc));
	/* the config node: the root of an embedded blob, /chosen/partvisor-config of a host tree */
	rc = is_node(fdt, root) ? fdt_get_path(fdt, root, root_path, sizeof(root_path)) : -FDT_ERR_BADOFFSET;
	if (rc)
		return diag_set(diag, PV_EINVAL, "/", NULL, "no config node at offset %d: %s", root, fdt_strerror(rc));
	snprintf(parts_path, sizeof(parts_path), "%s/partitions", root ? root_path : "");
	rc = check_compatible(fdt, root, root_path, ROOT_COMPATIBLE, diag);
	if (rc)
		return rc;

	parts = fdt_subnode_offset(fdt, root, "partitions");
	if (parts < 0)
		return diag_set(diag, PV_ENOENT, parts_path, NULL, "missing");
	fdt_for_each_subnode(node, fdt, parts)
		count++;
	if (node != -FDT_ERR_NOTFOUND)
		return diag_set(diag, PV_EINVAL, parts_path, NULL, "cannot read: %s", fdt_strerror(node));
	if (count < 1 || count > PV_MAX_PARTITIONS)
		return diag_set(diag, PV_ERANGE, parts_path, NULL,
				"has %d partitions, must have 1 to %d", count, PV_MAX_PARTITIONS);

	fdt_for_each_subnode(node, fdt, parts) {
		rc = parse_partition(fdt, node, plat, images, nr_images, cfg, diag);
		if (rc)
			return rc;
	}

	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		rc = check_loaded(plat, hv, &cfg->parts[i], diag);
		if (rc)
			return rc;
	}

	/* fixed placements first (in config order), so automatic ones can avoid all of them */
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		if (!cfg->parts[i].mem_hpa_fixed)
			continue;
		rc = check_fixed(plat, hv, cfg, placed, i, diag);
		if (rc)
			return rc;
		placed[i] = true;
	}
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		if (placed[i])
			continue;
		rc = place(plat, hv, cfg, placed, i, diag);
		if (rc)
			return rc;
		placed[i] = true;
	}
	return 0;
}

/*
 * Public entry point (contract in config.h): 0, or a negative PV_E* code with
 * @diag set; on failure *cfg is zeroed so nothing half-parsed can be used.
 */
int config_parse(const void *cfg_fdt, size_t cfg_size, int cfg_root, const struct pv_platform *plat,
		 struct hpa_range hv, const struct pv_image *images, unsigned nr_images,
		 struct pv_config *cfg, struct pv_diag *diag)
{
	int rc;

	if (diag)
		memset(diag, 0, sizeof(*diag));
	if (!cfg)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "no output config");
	memset(cfg, 0, sizeof(*cfg));
	if (!cfg_fdt || !plat)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "no config device tree or no platform");
	rc = parse_all(cfg_fdt, cfg_root, plat, hv, images, nr_images, cfg, diag);
	if (rc)
		memset(cfg, 0, sizeof(*cfg));  /* fail closed: nothing half-parsed survives */
	return rc;
}

/* Contract in config.h. */
int config_host_node(const void *host_fdt)
{
	int node = fdt_path_offset(host_fdt, PV_CONFIG_HOST_NODE);

	return node >= 0 ? node : -PV_ENOENT;
}
