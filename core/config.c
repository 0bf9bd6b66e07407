/* SPDX-License-Identifier: MIT */
/*
 * Partition configuration parser (binding: docs/config.md,
 * docs/bindings/partvisor-config.yaml).
 *
 * Reads the config device tree with libfdt only, validates every partition
 * against the discovered platform and places the partitions whose host RAM
 * is not fixed. config_parse() fails closed: the first problem stops parsing, is
 * described in the pv_diag (node, property, reason with the numbers involved)
 * and leaves the output config empty. config_check() runs the same checks in the
 * same order but goes on after an error where that is safe, for the host tool
 * partvisor-check.
 *
 * Pure logic: no CSR or MMIO access, built for the firmware, for the host
 * unit tests (tests/unit/test_config.c) and for tools/partvisor-check.c.
 */
#include <stdarg.h>
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
#define P_CONSOLE "partvisor,console"

#define MEM_ALIGN            MiB(2)       /* guest and host RAM granularity */
#define LOAD_OFFSET_DEFAULT  MiB(2)
#define LOAD_OFFSET_ALIGN    KiB(4)
#define BOOTARGS_MAX         255u         /* characters, without the terminating NUL */
#define NAME_SHOWN           40           /* characters of a bad node name put into a path */

/* Offsets in a RISC-V Linux Image header [Linux Documentation/arch/riscv/boot-image-header.rst]. */
#define IMAGE_HDR_SIZE       64
#define IMAGE_HDR_IMAGE_SIZE 16   /* u64 little endian: bytes the kernel occupies in memory, BSS included */
#define IMAGE_HDR_MAGIC2     56   /* u32 little endian: "RSC\x05" */
#define IMAGE_MAGIC2         0x05435352u

/* One parse: inputs, mode, and where errors go. */
struct cctx {
	const void *fdt;
	size_t size;                   /* bytes present at fdt */
	int root;                      /* parent of "partitions" */
	const struct pv_platform *plat;/* NULL: no machine (config_check only) */
	struct hpa_range hv;
	const struct pv_image *images;
	unsigned nr_images;
	bool images_known;             /* false: image names and sizes not checked */
	bool keep_going;               /* config_check: go on after an error */
	pv_diag_sink_fn sink;
	void *sink_ctx;
	struct pv_diag *first;         /* the first error (config_parse's @diag), may be NULL */
	unsigned nerr;
	bool bad[PV_MAX_PARTITIONS];   /* partition had an error: not placed */
	char parts_path[112];           /* path of the partitions node */
};

/* Record an error: the first goes to c->first, every one to the sink. Returns -@err. */
static int __attribute__((format(printf, 5, 6)))
cfail(struct cctx *c, int err, const char *node, const char *prop, const char *fmt, ...)
{
	struct pv_diag d;
	va_list ap;

	va_start(ap, fmt);
	diag_vset(&d, err, node, prop, fmt, ap);
	va_end(ap);
	if (!c->nerr && c->first)
		*c->first = d;
	c->nerr++;
	if (c->sink)
		c->sink(c->sink_ctx, &d);
	return -err;
}

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
static int find_prop(struct cctx *c, int node, const char *path, const char *prop,
		     const void **v, int *len)
{
	*v = fdt_getprop(c->fdt, node, prop, len);
	if (!*v && *len != -FDT_ERR_NOTFOUND)
		return cfail(c, PV_EINVAL, path, prop, "cannot read: %s", fdt_strerror(*len));
	return 0;
}

/*
 * Read an optional 64-bit property (/bits/ 64 <x>, or two u32 cells).
 * Returns 0 with *present false when absent; an error when the length is not 8.
 */
static int get_u64(struct cctx *c, int node, const char *path, const char *prop,
		   uint64_t *out, bool *present)
{
	const void *v;
	int len, rc;

	*present = false;
	rc = find_prop(c, node, path, prop, &v, &len);
	if (rc || !v)
		return rc;
	if (len != (int)sizeof(uint64_t))
		return cfail(c, PV_EINVAL, path, prop, "expected 8 bytes (/bits/ 64), got %d", len);
	*out = fdt64_ld(v);
	*present = true;
	return 0;
}

/*
 * Read an optional single string property. Returns 0 with *out NULL when absent;
 * an error when the value is not exactly one NUL-terminated string.
 */
static int get_string(struct cctx *c, int node, const char *path, const char *prop, const char **out)
{
	const void *pv;
	const char *v;
	int len, rc;

	*out = NULL;
	rc = find_prop(c, node, path, prop, &pv, &len);
	if (rc || !pv)
		return rc;
	v = pv;
	if (len < 1 || v[len - 1] != '\0' || strlen(v) != (size_t)len - 1)
		return cfail(c, PV_EINVAL, path, prop,
			     "expected a single NUL-terminated string, got %d bytes", len);
	*out = v;
	return 0;
}

/* Check the node's compatible contains @compat. */
static int check_compatible(struct cctx *c, int node, const char *path, const char *compat)
{
	int rc = fdt_node_check_compatible(c->fdt, node, compat);

	if (rc == 0)
		return 0;
	if (rc == -FDT_ERR_NOTFOUND)
		return cfail(c, PV_ENOENT, path, "compatible", "missing (must be \"%s\")", compat);
	return cfail(c, PV_EINVAL, path, "compatible", "must contain \"%s\"", compat);
}

/*
 * No property may appear twice in one node (dtc -f, or a hand-made blob, keeps both,
 * and libfdt would silently read the first). Each duplicated name is reported once.
 */
static int check_duplicates(struct cctx *c, int node, const char *path)
{
	int off, rc = 0;

	fdt_for_each_property_offset(off, c->fdt, node) {
		const char *name, *other;
		int len, off2, seen = 0, count = 1;

		if (!fdt_getprop_by_offset(c->fdt, off, &name, &len) || !name)
			return cfail(c, PV_EINVAL, path, NULL, "cannot read a property: %s", fdt_strerror(len));
		fdt_for_each_property_offset(off2, c->fdt, node) {
			if (off2 == off)
				break;
			if (fdt_getprop_by_offset(c->fdt, off2, &other, &len) && other && !strcmp(other, name))
				seen = 1;
		}
		if (seen)
			continue;  /* reported at its first occurrence */
		for (off2 = fdt_next_property_offset(c->fdt, off); off2 >= 0;
		     off2 = fdt_next_property_offset(c->fdt, off2))
			if (fdt_getprop_by_offset(c->fdt, off2, &other, &len) && other && !strcmp(other, name))
				count++;
		if (count > 1) {
			rc = cfail(c, PV_EEXIST, path, name, "duplicate property (given %d times)", count);
			if (!c->keep_going)
				return rc;
		}
	}
	if (off != -FDT_ERR_NOTFOUND)
		return cfail(c, PV_EINVAL, path, NULL, "cannot read the properties: %s", fdt_strerror(off));
	return rc;
}

/* ---- partition fields --------------------------------------------------------------------- */

/* Node name rule: [a-z][a-z0-9-]*, at most PV_NAME_MAX - 1 characters. */
static bool name_ok(const char *name, int len)
{
	if (len < 1 || len > PV_NAME_MAX - 1 || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (int i = 1; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/*
 * Partition name = node name: syntax, length, uniqueness among the partitions parsed so
 * far. Also builds p->node_path from the partitions node's path and the name (a name too
 * long for it is cut to NAME_SHOWN characters and "..."), so any name gets its rule error.
 */
static int parse_name(struct cctx *c, int node, struct pv_config *cfg, struct pv_part_config *p)
{
	int len;
	const char *name = fdt_get_name(c->fdt, node, &len);
	char shown[NAME_SHOWN + 4];

	if (!name) {
		snprintf(p->node_path, sizeof(p->node_path), "%s/?", c->parts_path);
		return cfail(c, PV_EINVAL, p->node_path, NULL, "cannot read node name: %s", fdt_strerror(len));
	}
	if (len > NAME_SHOWN)
		snprintf(shown, sizeof(shown), "%.*s...", NAME_SHOWN, name);
	else
		snprintf(shown, sizeof(shown), "%.*s", len, name);
	snprintf(p->node_path, sizeof(p->node_path), "%s/%s", c->parts_path, shown);
	if (!name_ok(name, len))
		return cfail(c, PV_EINVAL, p->node_path, NULL,
			     "partition name '%s' must match [a-z][a-z0-9-]* and have at most %d characters",
			     shown, PV_NAME_MAX - 1);
	memcpy(p->name, name, (size_t)len);
	p->name[len] = '\0';
	for (unsigned i = 0; i < cfg->nr_parts; i++)
		if (!strcmp(cfg->parts[i].name, p->name))
			return cfail(c, PV_EEXIST, p->node_path, NULL, "partition name '%s' is used twice", p->name);
	return 0;
}

/*
 * partvisor,harts: 1..PV_MAX_VCPUS u32 hart ids, each usable (platform_check_hart),
 * listed once and not owned by an earlier partition.
 */
static int parse_harts(struct cctx *c, int node, const struct pv_config *cfg, struct pv_part_config *p)
{
	const fdt32_t *cells;
	int len, rc = 0;
	unsigned n, got = 0;

	cells = fdt_getprop(c->fdt, node, P_HARTS, &len);
	if (!cells) {
		if (len == -FDT_ERR_NOTFOUND)
			return cfail(c, PV_ENOENT, p->node_path, P_HARTS, "missing");
		return cfail(c, PV_EINVAL, p->node_path, P_HARTS, "cannot read: %s", fdt_strerror(len));
	}
	if (len % 4)
		return cfail(c, PV_EINVAL, p->node_path, P_HARTS, "expected a list of u32 cells, got %d bytes", len);
	n = (unsigned)len / 4;
	if (n < 1 || n > PV_MAX_VCPUS)
		return cfail(c, PV_ERANGE, p->node_path, P_HARTS, "lists %u harts, must list 1 to %d", n, PV_MAX_VCPUS);

	for (unsigned i = 0; i < n; i++) {
		uint32_t h = fdt32_ld(&cells[i]);
		int e = 0;

		if (c->plat) {
			struct pv_diag why;
			int prc;

			memset(&why, 0, sizeof(why));
			prc = platform_check_hart(c->plat, h, &why);
			if (prc)
				/* keep the platform's reason, but point at the config property */
				e = cfail(c, prc < 0 ? -prc : PV_EINVAL, p->node_path, P_HARTS, "%s",
					  why.msg[0] ? why.msg : "hart cannot run a partition");
		}
		for (unsigned j = 0; !e && j < i; j++)
			if (fdt32_ld(&cells[j]) == h)
				e = cfail(c, PV_EEXIST, p->node_path, P_HARTS, "hart %u is listed twice", h);
		for (unsigned k = 0; !e && k < cfg->nr_parts; k++)
			for (unsigned j = 0; !e && j < cfg->parts[k].nr_vcpus; j++)
				if (cfg->parts[k].hartids[j] == h)
					e = cfail(c, PV_EEXIST, p->node_path, P_HARTS,
						  "hart %u is already owned by partition %s", h, cfg->parts[k].name);
		if (e) {
			rc = e;
			if (!c->keep_going)
				return rc;
			continue;
		}
		p->hartids[got++] = h;
	}
	p->nr_vcpus = got;
	return rc;
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
 * p->mem_size stays 0 when the size is bad (later checks that need it are skipped).
 */
static int parse_memory(struct cctx *c, int node, struct pv_part_config *p)
{
	uint64_t size = 0, base = GUEST_RAM_DEFAULT_GPA;
	bool present, size_ok = false;
	const char *blame;
	int rc, rc2;

	rc = get_u64(c, node, p->node_path, P_MEM_SIZE, &size, &present);
	if (!rc && !present)
		rc = cfail(c, PV_ENOENT, p->node_path, P_MEM_SIZE, "missing");
	else if (!rc && (!size || !IS_ALIGNED(size, MEM_ALIGN)))
		rc = cfail(c, PV_EINVAL, p->node_path, P_MEM_SIZE,
			   "0x%llx must be a non-zero multiple of 2 MiB", (ull)size);
	else if (!rc)
		size_ok = true;
	if (rc && !c->keep_going)
		return rc;

	rc2 = get_u64(c, node, p->node_path, P_GUEST_BASE, &base, &present);
	if (rc2)
		return rc ? rc : rc2;
	blame = present ? P_GUEST_BASE : P_MEM_SIZE;
	if (!IS_ALIGNED(base, MEM_ALIGN))
		return cfail(c, PV_EINVAL, p->node_path, P_GUEST_BASE, "0x%llx must be a multiple of 2 MiB", (ull)base);
	if (!size_ok)
		return rc;
	if (size > GUEST_GPA_LIMIT || base > GUEST_GPA_LIMIT - size)
		return cfail(c, PV_ERANGE, p->node_path, blame,
			     "guest RAM at 0x%llx of 0x%llx bytes does not end below the guest limit 0x%llx",
			     (ull)base, (ull)size, (ull)GUEST_GPA_LIMIT);
	for (size_t i = 0; i < ARRAY_SIZE(guest_windows); i++)
		if (overlaps(base, size, guest_windows[i].base, guest_windows[i].size))
			return cfail(c, PV_EEXIST, p->node_path, blame,
				     "guest RAM 0x%llx-0x%llx overlaps %s at 0x%llx-0x%llx",
				     (ull)base, (ull)(base + size - 1), guest_windows[i].what,
				     (ull)guest_windows[i].base,
				     (ull)(guest_windows[i].base + guest_windows[i].size - 1));
	p->mem_size = size;
	p->mem_gpa = gpa(base);
	return 0;
}

/*
 * Optional region property @prop = /bits/ 64 <base size> (host physical, bytes) into @r;
 * absent leaves @r zero. Wrong length, zero size or an end past 2^64 are errors (@r zero).
 */
static int get_reg(struct cctx *c, int node, const char *path, const char *prop, struct hpa_range *r)
{
	const void *v;
	int len, rc;
	uint64_t base, size;

	memset(r, 0, sizeof(*r));
	rc = find_prop(c, node, path, prop, &v, &len);
	if (rc || !v)
		return rc;
	if (len != 2 * (int)sizeof(uint64_t))
		return cfail(c, PV_EINVAL, path, prop, "expected 16 bytes (/bits/ 64 <base size>), got %d", len);
	base = fdt64_ld(v);
	size = fdt64_ld((const fdt64_t *)v + 1);
	if (!size || size > UINT64_MAX - base)
		return cfail(c, PV_ERANGE, path, prop, "size 0x%llx at 0x%llx is empty or overflows",
			     (ull)size, (ull)base);
	r->base = hpa(base);
	r->size = size;
	return 0;
}

uint64_t config_image_footprint(const void *data, uint64_t size)
{
	const uint8_t *b = data;
	uint32_t magic = 0;
	uint64_t isz = 0;

	if (!data || size < IMAGE_HDR_SIZE)
		return size;
	for (int i = 3; i >= 0; i--)
		magic = magic << 8 | b[IMAGE_HDR_MAGIC2 + i];
	for (int i = 7; i >= 0; i--)
		isz = isz << 8 | b[IMAGE_HDR_IMAGE_SIZE + i];
	return magic == IMAGE_MAGIC2 && isz > size ? isz : size;
}

int config_image_fit(const struct pv_part_config *p, const char *name, const void *data, uint64_t size,
		     struct pv_diag *diag)
{
	const char *blame = p->load_offset_given ? P_LOAD_OFF : p->image_reg.size ? P_IMAGE_REG : P_IMAGE;
	uint64_t off = p->load_offset, foot = config_image_footprint(data, size), avail, fdt;

	if (p->mem_size <= GUEST_FDT_RESERVE)
		return diag_set(diag, PV_ERANGE, p->node_path, P_MEM_SIZE, "0x%llx bytes of RAM leave no room",
				(ull)p->mem_size);
	fdt = p->mem_size - GUEST_FDT_RESERVE;
	if (p->initrd_reg.size > fdt)
		return diag_set(diag, PV_ERANGE, p->node_path, P_INITRD_REG,
				"initrd of %llu bytes does not fit in 0x%llx bytes of RAM", (ull)p->initrd_reg.size,
				(ull)p->mem_size);
	avail = fdt - ALIGN_UP(p->initrd_reg.size, LOAD_OFFSET_ALIGN);  /* the initrd sits just below the FDT */
	if (off > avail || size > avail - off)
		return diag_set(diag, PV_ERANGE, p->node_path, blame,
				"image '%s' (%llu bytes) at offset 0x%llx does not fit in 0x%llx bytes of RAM "
				"(the last %llu KiB hold the device tree%s)",
				name, (ull)size, (ull)off, (ull)p->mem_size,
				(ull)(GUEST_FDT_RESERVE >> 10), p->initrd_reg.size ? " and the initrd below it" : "");
	if (foot > p->mem_size - off)
		return diag_set(diag, PV_ERANGE, p->node_path, blame,
				"image '%s' needs 0x%llx bytes (Linux header image_size) from offset 0x%llx: "
				"runs past the end of RAM (0x%llx bytes)",
				name, (ull)foot, (ull)off, (ull)p->mem_size);
	if (foot > avail - off)
		return diag_set(diag, PV_ERANGE, p->node_path, blame,
				"image '%s' needs 0x%llx bytes (Linux header image_size) from offset 0x%llx: "
				"runs into the %s at offset 0x%llx",
				name, (ull)foot, (ull)off, p->initrd_reg.size ? "initrd" : "guest device tree", (ull)avail);
	return 0;
}

/*
 * partvisor,image (must name an entry of the image table), partvisor,image-reg and
 * partvisor,initrd-reg (regions the boot loader filled; an image region must not
 * overlap an initrd region of any partition parsed so far, nor its own), and
 * partvisor,load-offset (4 KiB aligned); the image must end before the initrd and
 * the last GUEST_FDT_RESERVE bytes of RAM.
 */
static int parse_image(struct cctx *c, int node, const struct pv_config *cfg, struct pv_part_config *p)
{
	const char *name;
	uint64_t off = LOAD_OFFSET_DEFAULT;
	bool present, image_known = false;
	int rc, e;

	rc = get_string(c, node, p->node_path, P_IMAGE, &name);
	if (rc && !c->keep_going)
		return rc;
	e = get_reg(c, node, p->node_path, P_IMAGE_REG, &p->image_reg);
	if (e && (rc = rc ? rc : e) && !c->keep_going)
		return rc;
	e = get_reg(c, node, p->node_path, P_INITRD_REG, &p->initrd_reg);
	if (e && (rc = rc ? rc : e) && !c->keep_going)
		return rc;
	p->image = -1;
	if (name && p->image_reg.size) {
		e = cfail(c, PV_EINVAL, p->node_path, P_IMAGE_REG, "give either %s or %s, not both", P_IMAGE, P_IMAGE_REG);
		if ((rc = rc ? rc : e) && !c->keep_going)
			return rc;
	} else if (!rc && !name && !p->image_reg.size) {
		e = cfail(c, PV_ENOENT, p->node_path, P_IMAGE, "missing (or %s)", P_IMAGE_REG);
		if ((rc = rc ? rc : e) && !c->keep_going)
			return rc;
	} else if (p->image_reg.size) {
		image_known = true;
	} else if (name && c->images_known) {
		for (unsigned i = 0; i < c->nr_images && c->images; i++)
			if (c->images[i].name && !strcmp(c->images[i].name, name)) {
				p->image = (int)i;
				image_known = true;
				break;
			}
		if (p->image < 0) {
			e = cfail(c, PV_ENOENT, p->node_path, P_IMAGE, "unknown image '%s' (%u images available)",
				  name, c->nr_images);
			if ((rc = rc ? rc : e) && !c->keep_going)
				return rc;
		}
	}

	/* boot-loader regions: an image region never overlaps an initrd region */
	for (unsigned k = 0; k <= cfg->nr_parts; k++) {
		const struct pv_part_config *q = k < cfg->nr_parts ? &cfg->parts[k] : p;
		const struct hpa_range *pairs[2][2] = { { &p->image_reg, &q->initrd_reg }, { &q->image_reg, &p->initrd_reg } };

		for (int t = 0; t < 2; t++) {
			const struct hpa_range *a = pairs[t][0], *b = pairs[t][1];

			if (k == cfg->nr_parts && t == 1)
				break;  /* own pair: checked once */
			if (!overlaps(a->base.v, a->size, b->base.v, b->size))
				continue;
			e = cfail(c, PV_EEXIST, p->node_path, t ? P_INITRD_REG : P_IMAGE_REG,
				  "%s 0x%llx-0x%llx overlaps the %s of %s%s at 0x%llx-0x%llx",
				  t ? "initrd" : "image", (ull)(t ? b : a)->base.v,
				  (ull)last_byte((t ? b : a)->base.v, (t ? b : a)->size), t ? "image" : "initrd",
				  q == p ? "this partition" : "partition ", q == p ? "" : q->name,
				  (ull)(t ? a : b)->base.v, (ull)last_byte((t ? a : b)->base.v, (t ? a : b)->size));
			if ((rc = rc ? rc : e) && !c->keep_going)
				return rc;
		}
	}

	e = get_u64(c, node, p->node_path, P_LOAD_OFF, &off, &present);
	if (e)
		return rc ? rc : e;
	if (!IS_ALIGNED(off, LOAD_OFFSET_ALIGN)) {
		e = cfail(c, PV_EINVAL, p->node_path, P_LOAD_OFF, "0x%llx must be a multiple of 4 KiB", (ull)off);
		return rc ? rc : e;
	}
	p->load_offset = off;
	p->load_offset_given = present;

	if (!p->mem_size || !image_known)
		return rc;  /* RAM size or image unknown: nothing to fit */
	{
		struct pv_diag d;
		const struct pv_image *img = p->image >= 0 ? &c->images[p->image] : NULL;

		/* boot-loader images: their header is checked when loaded (partition_load) */
		if (config_image_fit(p, img ? img->name : "(image-reg)", img ? img->data : NULL,
				     img ? img->size : p->image_reg.size, &d))
			e = cfail(c, PV_ERANGE, d.node, d.prop, "%s", d.msg);
		else
			e = 0;
	}
	return rc ? rc : e;
}

/* partvisor,bootargs: optional single string of at most BOOTARGS_MAX characters. */
static int parse_bootargs(struct cctx *c, int node, struct pv_part_config *p)
{
	const char *s;
	size_t n;
	int rc = get_string(c, node, p->node_path, P_BOOTARGS, &s);

	if (rc)
		return rc;
	if (!s)
		return 0;
	n = strlen(s);
	if (n > BOOTARGS_MAX)
		return cfail(c, PV_ERANGE, p->node_path, P_BOOTARGS,
			     "%u characters, at most %u are supported", (unsigned)n, BOOTARGS_MAX);
	memcpy(p->bootargs, s, n + 1);
	return 0;
}

/*
 * Optional string property @prop naming one of @n choices @names (absent: the first);
 * the index goes to *@out. Anything else is refused with the choices listed.
 */
static int get_choice(struct cctx *c, int node, struct pv_part_config *p, const char *prop,
		      const char *const *names, unsigned n, unsigned *out)
{
	const char *s;
	int rc = get_string(c, node, p->node_path, prop, &s);

	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++)
		if (!s || !strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	{
		char list[96];
		size_t o = 0;

		for (unsigned i = 0; i < n && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"%s\"", i == 0 ? "" : i + 1 < n ? ", " : " or ",
					      names[i]);
		return cfail(c, PV_EINVAL, p->node_path, prop, "must be %s", list);
	}
}

/* partvisor,console: optional "uart" (default, the emulated 16550) or "virtio" (the virtio console). */
static int parse_console(struct cctx *c, int node, struct pv_part_config *p)
{
	static const char *const names[] = { [PV_CONSOLE_UART] = "uart", [PV_CONSOLE_VIRTIO] = "virtio" };
	unsigned v = 0;
	int rc = get_choice(c, node, p, P_CONSOLE, names, ARRAY_SIZE(names), &v);

	p->console = (enum pv_console)v;
	return rc;
}

/* partvisor,msi-policy: optional "open" (default) or "composed". */
static int parse_msi_policy(struct cctx *c, int node, struct pv_part_config *p)
{
	static const char *const names[] = { [PV_MSI_OPEN] = "open", [PV_MSI_COMPOSED] = "composed" };
	unsigned v = 0;
	int rc = get_choice(c, node, p, P_MSI_POLICY, names, ARRAY_SIZE(names), &v);

	p->msi_policy = (enum pv_msi_policy)v;
	return rc;
}

/*
 * partvisor,pci-devices: optional list (possibly empty) of at most PV_MAX_PCI u32
 * functions <= 0xffff, each listed once across all partitions.
 */
static int parse_pci(struct cctx *c, int node, const struct pv_config *cfg, struct pv_part_config *p)
{
	const fdt32_t *cells;
	int len, rc = 0;
	unsigned n, got = 0;

	cells = fdt_getprop(c->fdt, node, P_PCI, &len);
	if (!cells) {
		if (len == -FDT_ERR_NOTFOUND)
			return 0;
		return cfail(c, PV_EINVAL, p->node_path, P_PCI, "cannot read: %s", fdt_strerror(len));
	}
	if (len % 4)
		return cfail(c, PV_EINVAL, p->node_path, P_PCI, "expected a list of u32 cells, got %d bytes", len);
	n = (unsigned)len / 4;
	if (n > PV_MAX_PCI)
		return cfail(c, PV_ERANGE, p->node_path, P_PCI,
			     "lists %u PCI functions, at most %d are supported", n, PV_MAX_PCI);
	for (unsigned i = 0; i < n; i++) {
		uint32_t bdf = fdt32_ld(&cells[i]);
		int e = 0;

		if (bdf > 0xffff)
			e = cfail(c, PV_ERANGE, p->node_path, P_PCI,
				  "0x%x is not a PCI function (bus << 8 | dev << 3 | fn, at most 0xffff)", bdf);
		for (unsigned j = 0; !e && j < i; j++)
			if (fdt32_ld(&cells[j]) == bdf)
				e = cfail(c, PV_EEXIST, p->node_path, P_PCI, "PCI function %02x:%02x.%x is listed twice",
					  bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
		for (unsigned k = 0; !e && k < cfg->nr_parts; k++)
			for (unsigned j = 0; !e && j < cfg->parts[k].nr_pci; j++)
				if (cfg->parts[k].pci_bdf[j] == bdf)
					e = cfail(c, PV_EEXIST, p->node_path, P_PCI,
						  "PCI function %02x:%02x.%x is already assigned to partition %s",
						  bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, cfg->parts[k].name);
		if (e) {
			rc = e;
			if (!c->keep_going)
				return rc;
			continue;
		}
		p->pci_bdf[got++] = (uint16_t)bdf;
	}
	p->nr_pci = got;
	return rc;
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
 * with: the hypervisor, a reserved region or an MMIO window (none without a machine).
 * Writes a description "... at 0x..-0x.." into @what and the obstacle's end
 * (saturated) into @end. Returns false if none.
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
	if (!plat)
		return false;
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
static int check_fixed(struct cctx *c, const struct pv_config *cfg, const bool *placed, unsigned self)
{
	const struct pv_part_config *p = &cfg->parts[self];
	uint64_t base = p->mem_hpa.v, size = p->mem_size, end;
	struct pv_diag what;

	if (!IS_ALIGNED(base, MEM_ALIGN))
		return cfail(c, PV_EINVAL, p->node_path, P_HOST_BASE, "0x%llx must be a multiple of 2 MiB", (ull)base);
	if (size > UINT64_MAX - base)  /* the end address base + size must be representable */
		return cfail(c, PV_ERANGE, p->node_path, P_HOST_BASE,
			     "0x%llx + 0x%llx bytes overflows the address space", (ull)base, (ull)size);
	if (c->plat && !in_memory(c->plat, base, size))
		return cfail(c, PV_ERANGE, p->node_path, P_HOST_BASE,
			     "RAM 0x%llx-0x%llx is not inside any /memory range", (ull)base, (ull)(base + size - 1));
	memset(&what, 0, sizeof(what));
	if (find_obstacle(c->plat, c->hv, cfg, placed, self, base, size, &what, &end))
		return cfail(c, PV_EEXIST, p->node_path, P_HOST_BASE, "RAM 0x%llx-0x%llx overlaps %s",
			     (ull)base, (ull)(base + size - 1), what.msg);
	return 0;
}

/*
 * Regions the boot loader filled (image-reg, initrd-reg) must be RAM that nothing
 * else uses: inside /memory, clear of the hypervisor, reserved memory and MMIO.
 * (Partition RAM is kept off them by find_obstacle.) They stay untouched so a
 * reboot can reload the pristine images.
 */
static int check_loaded(struct cctx *c, const struct pv_part_config *p)
{
	const struct hpa_range *regs[2] = { &p->image_reg, &p->initrd_reg };
	const char *props[2] = { P_IMAGE_REG, P_INITRD_REG };
	int rc = 0;

	for (int k = 0; k < 2; k++) {
		uint64_t b = regs[k]->base.v, sz = regs[k]->size, end;
		struct pv_diag what;

		if (!sz)
			continue;
		memset(&what, 0, sizeof(what));
		if (c->plat && !in_memory(c->plat, b, sz))
			rc = cfail(c, PV_ERANGE, p->node_path, props[k], "0x%llx-0x%llx is not inside any /memory range",
				   (ull)b, (ull)last_byte(b, sz));
		else if (platform_obstacle(c->plat, c->hv, b, sz, &what, &end))
			rc = cfail(c, PV_EEXIST, p->node_path, props[k], "0x%llx-0x%llx overlaps %s",
				   (ull)b, (ull)last_byte(b, sz), what.msg);
		if (rc && !c->keep_going)
			return rc;
	}
	return rc;
}

/*
 * First fit for partition @self: the lowest 2 MiB aligned address in the /memory
 * ranges (visited in ascending base order) where its RAM collides with nothing.
 */
static int place(struct cctx *c, struct pv_config *cfg, const bool *placed, unsigned self)
{
	const struct pv_platform *plat = c->plat;
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
		uint64_t a, end;

		if (!m->size || m->base.v > UINT64_MAX - (MEM_ALIGN - 1))
			continue;
		a = ALIGN_UP(m->base.v, MEM_ALIGN);
		while (a <= UINT64_MAX - p->mem_size && contained(a, p->mem_size, m->base.v, m->size)) {
			if (!find_obstacle(plat, c->hv, cfg, placed, self, a, p->mem_size, &what, &end)) {
				p->mem_hpa = hpa(a);
				return 0;
			}
			if (end > UINT64_MAX - (MEM_ALIGN - 1))
				break;
			a = ALIGN_UP(end, MEM_ALIGN);  /* > a: the obstacle ends past a */
		}
	}
	return cfail(c, PV_ENOMEM, p->node_path, P_MEM_SIZE, "no free host RAM for 0x%llx bytes", (ull)p->mem_size);
}

/* ---- top level ----------------------------------------------------------------------------- */

/*
 * Parse partition node @node into cfg->parts[cfg->nr_parts] and count it. In
 * keep-going mode a partition with errors is counted too (so the next ones are checked
 * against what it claimed) but marked bad: it takes no part in placement.
 */
static int parse_partition(struct cctx *c, int node, struct pv_config *cfg)
{
	unsigned idx = cfg->nr_parts;
	struct pv_part_config *p = &cfg->parts[idx];
	uint64_t host_base = 0;
	int rc = 0, e;

	e = parse_name(c, node, cfg, p);
#define STEP(call) do { \
		if (e) { rc = rc ? rc : e; if (!c->keep_going) return rc; } \
		e = (call); \
	} while (0)
	STEP(check_duplicates(c, node, p->node_path));
	STEP(check_compatible(c, node, p->node_path, PART_COMPATIBLE));
	STEP(parse_harts(c, node, cfg, p));
	STEP(parse_memory(c, node, p));
	STEP(parse_image(c, node, cfg, p));
	STEP(parse_bootargs(c, node, p));
	STEP(parse_pci(c, node, cfg, p));
	STEP(parse_msi_policy(c, node, p));
	STEP(parse_console(c, node, p));
	STEP(get_u64(c, node, p->node_path, P_HOST_BASE, &host_base, &p->mem_hpa_fixed));
	STEP(0);
#undef STEP
	p->mem_hpa = hpa(host_base);
	c->bad[idx] = rc != 0 || !p->mem_size;
	cfg->nr_parts++;
	return rc;
}

/*
 * The blob against the bytes really present, before anything else is read: header
 * size, magic, version, totalsize and every block inside both, then libfdt's full
 * structure check over exactly those bytes.
 */
static int check_blob(struct cctx *c)
{
	const struct fdt_header *h = c->fdt;
	uint32_t total, off_struct, sz_struct, off_strings, sz_strings, off_rsv;
	int rc;

	if (c->size < sizeof(struct fdt_header))
		return cfail(c, PV_EINVAL, "/", NULL, "config blob of %zu bytes is shorter than a device tree header (%zu bytes)",
			     c->size, sizeof(struct fdt_header));
	if (fdt32_ld(&h->magic) != FDT_MAGIC)
		return cfail(c, PV_EINVAL, "/", NULL, "config blob has no device tree magic (0x%08x, not 0x%08x)",
			     fdt32_ld(&h->magic), FDT_MAGIC);
	/* dtc writes version 17; older layouts (no size_dt_struct) are refused before any walk. */
	if (fdt32_ld(&h->version) < 17)
		return cfail(c, PV_EINVAL, "/", NULL, "device tree blob version %u, version 17 is needed",
			     fdt32_ld(&h->version));
	total = fdt32_ld(&h->totalsize);
	off_struct = fdt32_ld(&h->off_dt_struct);
	sz_struct = fdt32_ld(&h->size_dt_struct);
	off_strings = fdt32_ld(&h->off_dt_strings);
	sz_strings = fdt32_ld(&h->size_dt_strings);
	off_rsv = fdt32_ld(&h->off_mem_rsvmap);
	if (total > c->size)
		return cfail(c, PV_EINVAL, "/", NULL,
			     "config blob cut short: its header says 0x%x bytes, 0x%zx are there", total, c->size);
	if (total < sizeof(struct fdt_header))
		return cfail(c, PV_EINVAL, "/", NULL, "config blob header: totalsize 0x%x is smaller than the header", total);
	if (off_struct > total || sz_struct > total - off_struct)
		return cfail(c, PV_EINVAL, "/", NULL,
			     "config blob header: structure block 0x%x+0x%x runs past totalsize 0x%x",
			     off_struct, sz_struct, total);
	if (off_strings > total || sz_strings > total - off_strings)
		return cfail(c, PV_EINVAL, "/", NULL,
			     "config blob header: strings block 0x%x+0x%x runs past totalsize 0x%x",
			     off_strings, sz_strings, total);
	if (off_rsv < sizeof(struct fdt_header) || off_rsv > total - 16)
		return cfail(c, PV_EINVAL, "/", NULL,
			     "config blob header: memory reservation map at 0x%x outside 0x%zx..0x%x",
			     off_rsv, sizeof(struct fdt_header), total - 16);
	rc = fdt_check_header(c->fdt);
	if (!rc && fdt_num_mem_rsv(c->fdt) < 0)
		return cfail(c, PV_EINVAL, "/", NULL, "not a valid device tree blob: the memory reservation map has no end");
	if (rc)
		return cfail(c, PV_EINVAL, "/", NULL, "not a valid device tree blob: %s", fdt_strerror(rc));
	rc = fdt_check_full(c->fdt, c->size);
	if (rc == -FDT_ERR_TRUNCATED || rc == -FDT_ERR_BADOFFSET)
		return cfail(c, PV_EINVAL, "/", NULL,
			     "not a valid device tree blob: the structure block ends inside the tree (%s)", fdt_strerror(rc));
	if (rc)
		return cfail(c, PV_EINVAL, "/", NULL, "not a valid device tree blob: %s", fdt_strerror(rc));
	if (!fdt_get_name(c->fdt, 0, &rc))  /* fdt_check_full accepts an empty structure block */
		return cfail(c, PV_EINVAL, "/", NULL, "not a valid device tree blob: no root node (%s)", fdt_strerror(rc));
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

/* Whole-tree checks, every partition, then fixed placements, then automatic ones. */
static int parse_all(struct cctx *c, struct pv_config *cfg)
{
	bool placed[PV_MAX_PARTITIONS] = { false };
	char root_path[96];
	int rc, e, parts, node, count = 0;

	rc = check_blob(c);
	if (rc)
		return rc;
	/* the config node: the root of an embedded blob, /chosen/partvisor-config of a host tree */
	e = is_node(c->fdt, c->root) ? fdt_get_path(c->fdt, c->root, root_path, sizeof(root_path)) : -FDT_ERR_BADOFFSET;
	if (e)
		return cfail(c, PV_EINVAL, "/", NULL, "no config node at offset %d: %s", c->root, fdt_strerror(e));
	e = check_duplicates(c, c->root, root_path);
	if (e && (rc = e) && !c->keep_going)
		return rc;
	e = check_compatible(c, c->root, root_path, ROOT_COMPATIBLE);
	if (e && (rc = rc ? rc : e) && !c->keep_going)
		return rc;

	snprintf(c->parts_path, sizeof(c->parts_path), "%s%spartitions", root_path,
		 root_path[1] ? "/" : "");
	parts = fdt_subnode_offset(c->fdt, c->root, "partitions");
	if (parts < 0)
		return parts == -FDT_ERR_NOTFOUND ? cfail(c, PV_ENOENT, c->parts_path, NULL, "missing")
						  : cfail(c, PV_EINVAL, c->parts_path, NULL, "cannot read: %s",
							  fdt_strerror(parts));
	e = check_duplicates(c, parts, c->parts_path);
	if (e && (rc = rc ? rc : e) && !c->keep_going)
		return rc;
	fdt_for_each_subnode(node, c->fdt, parts)
		count++;
	if (node != -FDT_ERR_NOTFOUND)
		return cfail(c, PV_EINVAL, c->parts_path, NULL, "cannot read: %s", fdt_strerror(node));
	if (count < 1 || count > PV_MAX_PARTITIONS) {
		e = cfail(c, PV_ERANGE, c->parts_path, NULL, "has %d partitions, must have 1 to %d", count,
			  PV_MAX_PARTITIONS);
		if (!c->keep_going || count < 1)
			return rc ? rc : e;
		rc = rc ? rc : e;  /* go on with the first PV_MAX_PARTITIONS */
	}

	fdt_for_each_subnode(node, c->fdt, parts) {
		if (cfg->nr_parts == PV_MAX_PARTITIONS)
			break;
		e = parse_partition(c, node, cfg);
		if (e && (rc = rc ? rc : e) && !c->keep_going)
			return rc;
	}

	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		e = check_loaded(c, &cfg->parts[i]);
		if (e && (rc = rc ? rc : e) && !c->keep_going)
			return rc;
	}

	/* fixed placements first (in config order), so automatic ones can avoid all of them */
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		if (!cfg->parts[i].mem_hpa_fixed || c->bad[i])
			continue;
		e = check_fixed(c, cfg, placed, i);
		if (e && (rc = rc ? rc : e) && !c->keep_going)
			return rc;
		placed[i] = !e;
	}
	if (!c->plat)
		return rc;  /* no machine: nothing to place into */
	for (unsigned i = 0; i < cfg->nr_parts; i++) {
		if (placed[i] || c->bad[i] || cfg->parts[i].mem_hpa_fixed)
			continue;
		e = place(c, cfg, placed, i);
		if (e && (rc = rc ? rc : e) && !c->keep_going)
			return rc;
		placed[i] = !e;
	}
	return rc;
}

/*
 * Public entry point (contract in config.h): 0, or a negative PV_E* code with
 * @diag set; on failure *cfg is zeroed so nothing half-parsed can be used.
 */
int config_parse(const void *cfg_fdt, size_t cfg_size, int cfg_root, const struct pv_platform *plat,
		 struct hpa_range hv, const struct pv_image *images, unsigned nr_images,
		 struct pv_config *cfg, struct pv_diag *diag)
{
	struct cctx c;
	int rc;

	if (diag)
		memset(diag, 0, sizeof(*diag));
	if (!cfg)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "no output config");
	memset(cfg, 0, sizeof(*cfg));
	if (!cfg_fdt || !plat)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "no config device tree or no platform");
	memset(&c, 0, sizeof(c));
	c.fdt = cfg_fdt;
	c.size = cfg_size;
	c.root = cfg_root;
	c.plat = plat;
	c.hv = hv;
	c.images = images;
	c.nr_images = images ? nr_images : 0;
	c.images_known = true;
	c.first = diag;
	rc = parse_all(&c, cfg);
	if (rc)
		memset(cfg, 0, sizeof(*cfg));  /* fail closed: nothing half-parsed survives */
	return rc;
}

unsigned config_check(const void *cfg_fdt, size_t cfg_size, int cfg_root, const struct pv_platform *plat,
		      struct hpa_range hv, const struct pv_image *images, unsigned nr_images,
		      struct pv_config *cfg, pv_diag_sink_fn sink, void *sink_ctx)
{
	struct cctx c;

	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.sink_ctx = sink_ctx;
	if (!cfg) {
		cfail(&c, PV_EINVAL, NULL, NULL, "no output config");
		return c.nerr;
	}
	memset(cfg, 0, sizeof(*cfg));
	if (!cfg_fdt) {
		cfail(&c, PV_EINVAL, NULL, NULL, "no config device tree");
		return c.nerr;
	}
	c.fdt = cfg_fdt;
	c.size = cfg_size;
	c.root = cfg_root;
	c.plat = plat;
	c.hv = hv;
	c.images = images;
	c.nr_images = images ? nr_images : 0;
	c.images_known = images != NULL;
	c.keep_going = true;
	parse_all(&c, cfg);
	if (c.nerr)
		memset(cfg, 0, sizeof(*cfg));
	return c.nerr;
}

/* Contract in config.h. */
int config_host_node(const void *host_fdt)
{
	int node = fdt_path_offset(host_fdt, PV_CONFIG_HOST_NODE);

	return node >= 0 ? node : -PV_ENOENT;
}
