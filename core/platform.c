/* SPDX-License-Identifier: MIT */
/*
 * Host platform discovery from the device tree OpenSBI hands to the payload.
 * libfdt only; no CSR or MMIO access (also built for host unit tests).
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "core/platform.h"
#include "drivers/iommu/iommu.h"

/* Read an @n-cell big-endian number (n = 1 or 2) from @p. */
static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* The path of the node being checked, for a message: computed only when one is printed. */
#define PATH() node_path(fdt, node, path, sizeof(path))

/* Full path of @node into @buf (for messages). */
static const char *node_path(const void *fdt, int node, char *buf, int len)
{
	if (fdt_get_path(fdt, node, buf, len) < 0)
		snprintf(buf, len, "<node %d>", node);
	return buf;
}

/*
 * String property @prop of @node, or NULL when absent or not a NUL-terminated
 * string (a malformed one must never be read past its end).
 */
static const char *prop_string(const void *fdt, int node, const char *prop, int *lenp)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (!s || len <= 0 || s[len - 1] != '\0')
		return NULL;
	if (lenp)
		*lenp = len;
	return s;
}

/* True if @node has status "okay"/"ok" or no status property (a malformed status is not okay). */
static bool node_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s)
		return true;
	s = prop_string(fdt, node, "status", NULL);
	return s && (!strcmp(s, "okay") || !strcmp(s, "ok"));
}

/*
 * One walk over the host tree (platform_discover builds it first): every node's offset in
 * tree order, its parent's offset, whether it lies inside /chosen, and which of the
 * compatibles discovery searches for it lists. The lookups below then cost a binary search
 * instead of a libfdt walk from the root per question (fdt_parent_offset,
 * fdt_supernode_atdepth_offset, fdt_node_offset_by_compatible and fdt_path_offset all walk
 * the tree from its start). A tree with more nodes than the index holds is handled by the
 * same libfdt calls as before (index not used).
 */
#define NODE_INDEX_MAX 512

enum node_compat {
	NC_IMSICS = 1u << 0,     /* "riscv,imsics" */
	NC_IOMMU = 1u << 1,      /* "riscv,iommu" */
	NC_ECAM = 1u << 2,       /* "pci-host-ecam-generic" */
	NC_SBUS = 1u << 3,       /* "simple-bus" */
	NC_CHOSEN = 1u << 7,     /* the node is /chosen or inside it */
};

static const struct {
	const char *compat;
	unsigned bit;
} node_compats[] = {
	{ "riscv,imsics", NC_IMSICS },
	{ "riscv,iommu", NC_IOMMU },
	{ "pci-host-ecam-generic", NC_ECAM },
	{ "simple-bus", NC_SBUS },
};

static struct node_index {
	const void *fdt;         /* the tree indexed; NULL: no index (too many nodes) */
	int n;
	int chosen;              /* offset of /chosen, or a libfdt error */
	int off[NODE_INDEX_MAX]; /* ascending (tree order) */
	int parent[NODE_INDEX_MAX];
	int16_t pidx[NODE_INDEX_MAX];     /* the parent's index (-1 for the root) */
	uint32_t phandle[NODE_INDEX_MAX]; /* fdt_get_phandle's answer (0: none) */
	uint8_t flags[NODE_INDEX_MAX];
} nidx;

/* What node_index_build reads of a property, by name. */
enum { PK_OTHER, PK_COMPATIBLE, PK_PHANDLE, PK_LINUX_PHANDLE };

/*
 * The kind of the property whose name is at @nameoff in the strings block. A tree written
 * by dtc or libfdt stores each name once, so the few names are compared once each and then
 * found by offset in a small cache (a tree that repeats names only misses the cache).
 */
static struct {
	int nameoff;   /* + 1; 0: empty */
	int kind;
} prop_kinds[64];  /* boot hart only; emptied for every tree */

static int prop_kind(const void *fdt, int nameoff)
{
	unsigned slot = (unsigned)nameoff % 64;
	const char *name;
	int len, kind = PK_OTHER;

	if (prop_kinds[slot].nameoff == nameoff + 1)
		return prop_kinds[slot].kind;
	name = fdt_get_string(fdt, nameoff, &len);
	if (name && len == 10 && !memcmp(name, "compatible", 10))
		kind = PK_COMPATIBLE;
	else if (name && len == 7 && !memcmp(name, "phandle", 7))
		kind = PK_PHANDLE;
	else if (name && len == 13 && !memcmp(name, "linux,phandle", 13))
		kind = PK_LINUX_PHANDLE;
	prop_kinds[slot].nameoff = nameoff + 1;
	prop_kinds[slot].kind = kind;
	return kind;
}

/* Build nidx for @fdt (already checked by fdt_check_full). */
static void node_index_build(const void *fdt)
{
	int stack[64], depth = 0, node = 0, chosen_depth = -1, prop;

	nidx.fdt = NULL;
	nidx.n = 0;
	nidx.chosen = -FDT_ERR_NOTFOUND;
	memset(prop_kinds, 0, sizeof(prop_kinds));
	for (; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int len;
		const char *c, *name;

		if (depth >= (int)(sizeof(stack) / sizeof(stack[0])) || nidx.n == NODE_INDEX_MAX)
			return;   /* fall back to libfdt's own lookups */
		if (chosen_depth >= depth)
			chosen_depth = -1;   /* left /chosen */
		name = fdt_get_name(fdt, node, &len);
		/* the node fdt_path_offset(fdt, "/chosen") finds: the first "chosen" or "chosen@..." under / */
		if (depth == 1 && nidx.chosen < 0 && name && len >= 6 && !memcmp(name, "chosen", 6) &&
		    (len == 6 || name[6] == '@')) {
			nidx.chosen = node;
			chosen_depth = 1;
		}
		nidx.off[nidx.n] = node;
		nidx.parent[nidx.n] = depth ? nidx.off[stack[depth - 1]] : -FDT_ERR_NOTFOUND;
		nidx.pidx[nidx.n] = (int16_t)(depth ? stack[depth - 1] : -1);
		stack[depth] = nidx.n;
		nidx.flags[nidx.n] = chosen_depth >= 1 ? NC_CHOSEN : 0;
		nidx.phandle[nidx.n] = 0;
		/* One pass over the properties: compatible, and the phandle as fdt_get_phandle reads it. */
		fdt_for_each_property_offset(prop, fdt, node) {
			const struct fdt_property *fp = fdt_get_property_by_offset(fdt, prop, &len);
			const fdt32_t *v;
			int kind;

			if (!fp)
				continue;
			kind = prop_kind(fdt, fdt32_to_cpu(fp->nameoff));
			if (kind == PK_OTHER)
				continue;
			v = (const fdt32_t *)(const void *)fp->data;
			c = fp->data;
			if (kind == PK_COMPATIBLE && len > 0 && c[len - 1] == '\0') {
				for (int o = 0; o < len; o += (int)strlen(c + o) + 1)
					for (unsigned k = 0; k < sizeof(node_compats) / sizeof(node_compats[0]); k++)
						if (!strcmp(c + o, node_compats[k].compat))
							nidx.flags[nidx.n] |= node_compats[k].bit;
			} else if (kind == PK_PHANDLE && len == 4) {
				nidx.phandle[nidx.n] = fdt32_to_cpu(*v);
			} else if (kind == PK_LINUX_PHANDLE && len == 4 && !nidx.phandle[nidx.n]) {
				nidx.phandle[nidx.n] = fdt32_to_cpu(*v);
			}
		}
		nidx.n++;
	}
	if (node >= 0 || node == -FDT_ERR_NOTFOUND)   /* past the root's end, or at the tree's end */
		nidx.fdt = fdt;
}

/* Index of @node in nidx, or -1 (not indexed). */
static int node_index_of(const void *fdt, int node)
{
	int lo = 0, hi = nidx.n - 1;

	if (nidx.fdt != fdt)
		return -1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (nidx.off[mid] == node)
			return mid;
		if (nidx.off[mid] < node)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* fdt_parent_offset through the index. */
static int parent_of(const void *fdt, int node)
{
	int i = node_index_of(fdt, node);

	return i >= 0 ? nidx.parent[i] : fdt_parent_offset(fdt, node);
}

/* fdt_node_offset_by_phandle through the index (the first node with @phandle, as libfdt). */
static int phandle_node(const void *fdt, uint32_t phandle)
{
	if (nidx.fdt != fdt)
		return fdt_node_offset_by_phandle(fdt, phandle);
	if (phandle == 0 || phandle == (uint32_t)-1)
		return -FDT_ERR_BADPHANDLE;
	for (int i = 0; i < nidx.n; i++)
		if (nidx.phandle[i] == phandle)
			return nidx.off[i];
	return -FDT_ERR_NOTFOUND;
}

/* fdt_path_offset(fdt, "/<name>") through the index (@name without '@'). */
static int top_node(const void *fdt, const char *name)
{
	size_t n = strlen(name);

	if (nidx.fdt != fdt) {
		char path[40];

		snprintf(path, sizeof(path), "/%s", name);
		return fdt_path_offset(fdt, path);
	}
	for (int i = 1; i < nidx.n; i++) {
		int len;
		const char *nm;

		if (nidx.pidx[i] != 0)
			continue;
		nm = fdt_get_name(fdt, nidx.off[i], &len);
		if (nm && (size_t)len >= n && !memcmp(nm, name, n) && ((size_t)len == n || nm[n] == '@'))
			return nidx.off[i];
	}
	return -FDT_ERR_NOTFOUND;
}

/* fdt_first_subnode(fdt, 0) / fdt_next_subnode(fdt, @node) through the index (the root's children). */
static int first_top(const void *fdt)
{
	int i;

	if (nidx.fdt != fdt)
		return fdt_first_subnode(fdt, 0);
	for (i = 1; i < nidx.n && nidx.pidx[i] != 0; i++)
		;
	return i < nidx.n ? nidx.off[i] : -FDT_ERR_NOTFOUND;
}

static int next_top(const void *fdt, int node)
{
	int i = node_index_of(fdt, node);

	if (i < 0)
		return fdt_next_subnode(fdt, node);
	for (i++; i < nidx.n && nidx.pidx[i] != 0; i++)
		;
	return i < nidx.n ? nidx.off[i] : -FDT_ERR_NOTFOUND;
}

/* fdt_path_offset(fdt, "/chosen") through the index. */
static int chosen_of(const void *fdt)
{
	return nidx.fdt == fdt ? nidx.chosen : fdt_path_offset(fdt, "/chosen");
}

/*
 * fdt_node_offset_by_compatible through the index: the first node after @start (-1: from the
 * start) whose compatible list has @compat, which must be one of node_compats[].
 */
static int next_compatible(const void *fdt, int start, const char *compat)
{
	unsigned bit = 0;
	int i;

	for (unsigned k = 0; k < sizeof(node_compats) / sizeof(node_compats[0]); k++)
		if (!strcmp(node_compats[k].compat, compat))
			bit = node_compats[k].bit;
	if (nidx.fdt != fdt || !bit)
		return fdt_node_offset_by_compatible(fdt, start, compat);
	i = start < 0 ? 0 : node_index_of(fdt, start) + 1;
	if (start >= 0 && i == 0)
		return fdt_node_offset_by_compatible(fdt, start, compat);   /* @start is no node offset */
	for (; i < nidx.n; i++)
		if (nidx.flags[i] & bit)
			return nidx.off[i];
	return -FDT_ERR_NOTFOUND;
}

/*
 * True if @node describes a device: enabled, and not inside /chosen, which holds boot
 * parameters (e.g. /chosen/partvisor-config, docs/config.md), never devices. Whole-tree
 * searches by compatible go through this, so nothing in a config can pose as hardware.
 */
static bool device_node(const void *fdt, int node)
{
	int i = node_index_of(fdt, node), chosen;

	if (!node_enabled(fdt, node))
		return false;
	if (i >= 0)
		return !(nidx.flags[i] & NC_CHOSEN);
	chosen = fdt_path_offset(fdt, "/chosen");
	return chosen < 0 || fdt_supernode_atdepth_offset(fdt, node, 1, NULL) != chosen;
}

/*
 * Read entry @idx of @node's `reg` using the #address-cells/#size-cells of its parent
 * @parent (the caller knows it when walking subnodes: no tree walk per entry).
 * Returns 0, -PV_ENOENT when there is no such entry, -PV_EINVAL for a malformed reg.
 */
static int read_reg_in(const void *fdt, int parent, int node, int idx, uint64_t *base, uint64_t *size)
{
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return -PV_EINVAL;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -PV_EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -PV_ENOENT;
	if (len % ((ac + sc) * 4))
		return -PV_EINVAL;
	if ((idx + 1) * (ac + sc) * 4 > len)
		return -PV_ENOENT;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

/* read_reg_in with @node's parent looked up (through the node index). */
static int read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	return read_reg_in(fdt, parent_of(fdt, node), node, idx, base, size);
}

static int read_u32_default(const void *fdt, int node, const char *prop, uint32_t def, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p) {
		*out = def;
		return 0;
	}
	if (len != 4)
		return -PV_EINVAL;
	*out = fdt32_to_cpu(*p);
	return 0;
}

/* Does the ISA description of cpu @node name extension @ext (lower case)? */
static bool cpu_has_ext(const void *fdt, int node, const char *ext)
{
	int len;
	const char *list = prop_string(fdt, node, "riscv,isa-extensions", &len);

	if (list) {
		for (int off = 0; off < len; off += strlen(list + off) + 1)
			if (!strcmp(list + off, ext))
				return true;
		return false;
	}
	/* Fallback: "rv64imafdch_zicsr_sstc..." */
	const char *isa = prop_string(fdt, node, "riscv,isa", &len);
	if (!isa || len < 5 || strncmp(isa, "rv", 2))
		return false;
	const char *p = isa + 4; /* after "rv64" / "rv32" */
	size_t n = strlen(ext);
	if (n == 1) {
		for (; *p && *p != '_'; p++)
			if (*p == ext[0])
				return true;
		return false;
	}
	while ((p = strchr(p, '_')) != NULL) {
		p++;
		if (!strncmp(p, ext, n) && (p[n] == '_' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* The extensions discovery records, as bits of cpu_exts()'s mask. */
static const char *const cpu_ext_names[] = { "h", "sstc", "ssaia", "smaia", "smstateen", "svpbmt",
					     "zicbom", "zicboz", "v", "f" };
enum { EXT_H, EXT_SSTC, EXT_SSAIA, EXT_SMAIA, EXT_SMSTATEEN, EXT_SVPBMT, EXT_ZICBOM, EXT_ZICBOZ, EXT_V, EXT_F };

/*
 * Which of cpu_ext_names cpu @node has (bit k: cpu_ext_names[k]): one pass over its
 * riscv,isa-extensions list, else cpu_has_ext's parse of riscv,isa per name.
 */
static unsigned cpu_exts(const void *fdt, int node)
{
	const unsigned nr = sizeof(cpu_ext_names) / sizeof(cpu_ext_names[0]);
	int len;
	const char *list = prop_string(fdt, node, "riscv,isa-extensions", &len);
	unsigned mask = 0;

	if (list) {
		for (int off = 0; off < len; off += strlen(list + off) + 1)
			for (unsigned k = 0; k < nr; k++)
				if (list[off] == cpu_ext_names[k][0] && !strcmp(list + off, cpu_ext_names[k]))
					mask |= 1u << k;
		return mask;
	}
	for (unsigned k = 0; k < nr; k++)
		if (cpu_has_ext(fdt, node, cpu_ext_names[k]))
			mask |= 1u << k;
	return mask;
}

static int discover_cpus(const void *fdt, struct pv_platform *plat, struct pv_diag *diag)
{
	char path[128];
	int cpus = top_node(fdt, "cpus");
	int node, len;
	const fdt32_t *tb;

	if (cpus < 0)
		return diag_set(diag, PV_ENOENT, "/cpus", NULL, "missing");
	tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!tb || (len != 4 && len != 8))
		return diag_set(diag, PV_EINVAL, "/cpus", "timebase-frequency", "missing or not 1-2 cells");
	plat->timebase_hz = read_cells(tb, len / 4);
	if (!plat->timebase_hz)
		return diag_set(diag, PV_EINVAL, "/cpus", "timebase-frequency", "is 0");

	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = prop_string(fdt, node, "device_type", NULL);
		uint64_t hartid, unused;
		struct pv_hart_info *h;
		unsigned exts;

		if (!type || strcmp(type, "cpu") || !node_enabled(fdt, node))
			continue;
		if (read_reg_in(fdt, cpus, node, 0, &hartid, &unused) < 0 || hartid > UINT32_MAX)
			return diag_set(diag, PV_EINVAL, node_path(fdt, node, path, sizeof(path)), "reg",
					"missing or malformed hart id");
		if (plat->nr_harts == PV_MAX_HARTS)
			return diag_set(diag, PV_ERANGE, node_path(fdt, node, path, sizeof(path)), NULL,
					"more than %d harts", PV_MAX_HARTS);
		h = &plat->harts[plat->nr_harts++];
		h->hartid = (uint32_t)hartid;
		h->imsic_index = -1;
		h->fdt_node = node;
		exts = cpu_exts(fdt, node);
		h->has_h = exts & (1u << EXT_H);
		h->has_sstc = exts & (1u << EXT_SSTC);
		h->has_ssaia = exts & (1u << EXT_SSAIA | 1u << EXT_SMAIA);
		h->has_smstateen = exts & (1u << EXT_SMSTATEEN);
		h->has_svpbmt = exts & (1u << EXT_SVPBMT);
		h->has_zicbom = exts & (1u << EXT_ZICBOM);
		h->has_zicboz = exts & (1u << EXT_ZICBOZ);
		if (h->has_zicboz) {
			/* Only used to clear partition RAM faster: a malformed size means "do not use cbo.zero". */
			const fdt32_t *bs = fdt_getprop(fdt, node, "riscv,cboz-block-size", &len);
			uint32_t b = bs && len == 4 ? fdt32_to_cpu(*bs) : 0;

			h->cboz_block = b >= 8 && b <= 4096 && !(b & (b - 1)) ? b : 0;
		}
		h->has_v = exts & (1u << EXT_V);
		h->has_f = exts & (1u << EXT_F);
	}
	if (!plat->nr_harts)
		return diag_set(diag, PV_ENOENT, "/cpus", NULL, "no enabled cpu nodes");
	return 0;
}

static int discover_memory(const void *fdt, struct pv_platform *plat, struct pv_diag *diag)
{
	char path[128];
	int node, rsv, n;

	for (node = first_top(fdt); node >= 0; node = next_top(fdt, node)) {
		const char *type = prop_string(fdt, node, "device_type", NULL);
		uint64_t base, size;

		if (!type || strcmp(type, "memory") || !node_enabled(fdt, node))
			continue;
		for (int i = 0; read_reg_in(fdt, 0, node, i, &base, &size) == 0; i++) {
			if (plat->nr_mem == PV_MAX_MEM)
				return diag_set(diag, PV_ERANGE, node_path(fdt, node, path, sizeof(path)), "reg",
						"more than %d memory ranges", PV_MAX_MEM);
			plat->mem[plat->nr_mem++] = (struct hpa_range){ hpa(base), size };
		}
	}
	if (!plat->nr_mem)
		return diag_set(diag, PV_ENOENT, "/memory", "reg", "no memory node");

	rsv = top_node(fdt, "reserved-memory");
	if (rsv >= 0) {
		fdt_for_each_subnode(node, fdt, rsv) {
			uint64_t base, size;

			for (int i = 0; read_reg_in(fdt, rsv, node, i, &base, &size) == 0; i++) {
				if (plat->nr_reserved == PV_MAX_RESERVED)
					return diag_set(diag, PV_ERANGE, node_path(fdt, node, path, sizeof(path)),
							"reg", "more than %d reserved regions", PV_MAX_RESERVED);
				snprintf(plat->reserved_name[plat->nr_reserved], sizeof(plat->reserved_name[0]),
					 "%s", fdt_get_name(fdt, node, NULL));
				plat->reserved[plat->nr_reserved++] = (struct hpa_range){ hpa(base), size };
			}
		}
	}
	n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t base, size;

		if (fdt_get_mem_rsv(fdt, i, &base, &size) < 0 || !size)
			continue;
		if (plat->nr_reserved == PV_MAX_RESERVED)
			return diag_set(diag, PV_ERANGE, "/memreserve/", NULL, "too many reserved regions");
		snprintf(plat->reserved_name[plat->nr_reserved], sizeof(plat->reserved_name[0]), "/memreserve/ %d", i);
		plat->reserved[plat->nr_reserved++] = (struct hpa_range){ hpa(base), size };
	}
	return 0;
}

/* Is @node one discover_mmio_under skips (with its subtree)? */
static bool mmio_skip(const void *fdt, int node, const char *name)
{
	const char *type = prop_string(fdt, node, "device_type", NULL);

	return !strcmp(name, "cpus") || !strcmp(name, "reserved-memory") || !strcmp(name, "chosen") ||
	       (type && !strcmp(type, "memory"));
}

/* Record @node's `reg` windows (@parent: its parent) as device register windows. */
static void mmio_add(const void *fdt, struct pv_platform *plat, int parent, int node, const char *name)
{
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent), len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	/* read_reg_in's checks, the cells counted once for all entries */
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len % ((ac + sc) * 4))
		return;
	for (int i = 0; (i + 1) * (ac + sc) * 4 <= len; i++) {
		uint64_t base = read_cells(reg + i * (ac + sc), ac);
		uint64_t size = sc ? read_cells(reg + i * (ac + sc) + ac, sc) : 0;

		if (plat->nr_mmio == PV_MAX_MMIO || !size)
			break;
		plat->mmio[plat->nr_mmio].r = (struct hpa_range){ hpa(base), size };
		snprintf(plat->mmio[plat->nr_mmio].node, sizeof(plat->mmio[0].node), "%s", name);
		plat->nr_mmio++;
	}
}

/* Device register windows: nodes with `reg` directly under / or under a simple-bus. */
static void discover_mmio_under(const void *fdt, struct pv_platform *plat, int parent)
{
	int node;

	fdt_for_each_subnode(node, fdt, parent) {
		const char *name = fdt_get_name(fdt, node, NULL);

		if (mmio_skip(fdt, node, name))
			continue;
		if (!fdt_node_check_compatible(fdt, node, "simple-bus")) {
			discover_mmio_under(fdt, plat, node);
			continue;
		}
		mmio_add(fdt, plat, parent, node, name);
	}
}

/*
 * discover_mmio_under(fdt, plat, 0) through the node index: the same nodes in the same
 * (tree) order, found in one pass. A node counts if its parent is the root or a simple-bus
 * that was itself descended into; a simple-bus is descended into instead of recorded.
 */
static void discover_mmio(const void *fdt, struct pv_platform *plat)
{
	static bool walked[NODE_INDEX_MAX];   /* boot hart only */

	if (nidx.fdt != fdt) {
		discover_mmio_under(fdt, plat, 0);
		return;
	}
	walked[0] = true;   /* the root */
	for (int i = 1; i < nidx.n; i++) {
		int p = nidx.pidx[i];
		const char *name;

		walked[i] = false;
		if (p < 0 || !walked[p])
			continue;
		name = fdt_get_name(fdt, nidx.off[i], NULL);
		if (!name || mmio_skip(fdt, nidx.off[i], name))
			continue;
		if (nidx.flags[i] & NC_SBUS)
			walked[i] = true;
		else
			mmio_add(fdt, plat, nidx.off[p], nidx.off[i], name);
	}
}

/* ceil(log2(n)) for n >= 1 */
static unsigned ceil_log2(unsigned n)
{
	unsigned b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/*
 * Index in plat->harts[] of the hart whose cpu node has the interrupt controller with
 * @phandle as a child; -1 if it is a cpu node that discover_cpus skipped (disabled), -2
 * if @phandle is no cpu's interrupt controller. The enabled harts' own subnodes are
 * tried first: fdt_node_offset_by_phandle and fdt_parent_offset each walk the whole tree.
 */
static int hart_of_intc(const void *fdt, const struct pv_platform *plat, uint32_t phandle)
{
	int intc, cpu, cpus;
	uint64_t hartid, unused;

	for (unsigned h = 0; h < plat->nr_harts; h++)
		fdt_for_each_subnode(intc, fdt, plat->harts[h].fdt_node)
			if (fdt_get_phandle(fdt, intc) == phandle)
				return (int)h;
	intc = phandle_node(fdt, phandle);
	cpu = intc >= 0 ? parent_of(fdt, intc) : -1;
	cpus = cpu >= 0 ? parent_of(fdt, cpu) : -1;
	if (cpus < 0 || read_reg_in(fdt, cpus, cpu, 0, &hartid, &unused) < 0)
		return -2;
	return platform_hart_index(plat, (uint32_t)hartid);
}

/*
 * The S-level IMSIC: a "riscv,imsics" node whose interrupts-extended entries
 * name supervisor external interrupt 9 [binding riscv,imsics.yaml].
 */
static int discover_imsic(const void *fdt, struct pv_platform *plat, struct pv_diag *diag)
{
	char path[128];
	int node = -1;

	while ((node = next_compatible(fdt, node, "riscv,imsics")) >= 0) {
		struct imsic_geom *im = &plat->imsic;
		const fdt32_t *ie;
		int len, parent;
		uint32_t v;
		uint64_t base, size;

		ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
		if (!ie || len < 8 || len % 8)
			continue;
		if (fdt32_to_cpu(ie[1]) != 9 || !device_node(fdt, node))
			continue; /* M-level file (interrupt 11), disabled, or not a device */
		parent = parent_of(fdt, node);
		if (read_reg_in(fdt, parent, node, 0, &base, &size) < 0)
			return diag_set(diag, PV_EINVAL, PATH(), "reg", "missing or malformed");
		memset(im, 0, sizeof(*im));
		im->s_base = hpa(base);
		im->s_size = size;
		im->fdt_node = node;
		im->nr_harts = len / 8;
		if (read_u32_default(fdt, node, "riscv,num-ids", 0, &im->num_ids) < 0 || im->num_ids < 63 ||
		    im->num_ids > 2047)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,num-ids", "missing or not in 63..2047");
		if (read_u32_default(fdt, node, "riscv,num-guest-ids", im->num_ids, &im->num_guest_ids) < 0 ||
		    im->num_guest_ids < 63 || im->num_guest_ids > 2047)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,num-guest-ids", "malformed or not in 63..2047");
		if (read_u32_default(fdt, node, "riscv,guest-index-bits", 0, &v) < 0 || v > 6)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,guest-index-bits", "malformed or > 6");
		im->guest_index_bits = v;
		if (read_u32_default(fdt, node, "riscv,hart-index-bits", ceil_log2(im->nr_harts), &v) < 0 || v > 15)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,hart-index-bits", "malformed or > 15");
		im->hart_index_bits = v;
		if (read_u32_default(fdt, node, "riscv,group-index-bits", 0, &v) < 0 || v > 7)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,group-index-bits", "malformed or > 7");
		im->group_index_bits = v;
		if (read_u32_default(fdt, node, "riscv,group-index-shift", 24, &v) < 0 || v < 24 || v > 55)
			return diag_set(diag, PV_EINVAL, PATH(), "riscv,group-index-shift", "malformed or not in 24..55");
		im->group_index_shift = v;
		if (im->nr_harts > (1u << (im->hart_index_bits + im->group_index_bits)))
			return diag_set(diag, PV_EINVAL, PATH(), "interrupts-extended",
					"%u harts, more than riscv,hart-index-bits and riscv,group-index-bits can number",
					im->nr_harts);
		if (im->nr_harts > IMSIC_MAX_HARTS)
			return diag_set(diag, PV_ERANGE, PATH(), "interrupts-extended", "%u harts, at most %d are supported",
					im->nr_harts, IMSIC_MAX_HARTS);
		/*
		 * The entries take the `reg` windows in order, each holding as many harts' pages as
		 * fit: one window per group (socket), groups of any size (QEMU virt gives each socket
		 * its own window at base + (socket << group-index-shift)).
		 */
		{
			uint64_t stride = 1ULL << (12 + im->guest_index_bits), wb = base, ws = size, used = 0;
			int w = 0;

			if ((wb | ws) & (PAGE_SIZE - 1))
				return diag_set(diag, PV_EINVAL, PATH(), "reg", "window 0x%llx+0x%llx is not 4 KiB aligned",
						(unsigned long long)wb, (unsigned long long)ws);
			for (unsigned i = 0; i < im->nr_harts; i++) {
				while (used + stride > ws) {
					int rc = read_reg_in(fdt, parent, node, ++w, &wb, &ws);

					if (rc == -PV_ENOENT)
						return diag_set(diag, PV_EINVAL, PATH(), "reg",
								"no window left for interrupt file entry %u (%u harts need "
								"0x%llx bytes each)", i, im->nr_harts, (unsigned long long)stride);
					if (rc < 0)
						return diag_set(diag, PV_EINVAL, PATH(), "reg", "malformed");
					if ((wb | ws) & (PAGE_SIZE - 1))
						return diag_set(diag, PV_EINVAL, PATH(), "reg",
								"window 0x%llx+0x%llx is not 4 KiB aligned",
								(unsigned long long)wb, (unsigned long long)ws);
					used = 0;
				}
				im->files[i] = hpa(wb + used);
				used += stride;
				if (wb + used > im->end.v)
					im->end = hpa(wb + used);
			}
		}

		for (unsigned i = 0; i < im->nr_harts; i++) {
			int h = hart_of_intc(fdt, plat, fdt32_to_cpu(ie[2 * i]));

			if (h == -2)
				return diag_set(diag, PV_EINVAL, PATH(), "interrupts-extended",
						"entry %u does not point at a cpu interrupt controller", i);
			if (h >= 0)
				plat->harts[h].imsic_index = (int)i;
		}
		plat->has_imsic = true;
		return 0;
	}
	return 0;
}

/*
 * Memory windows of a PCI host bridge from its `ranges` [PCI Bus Binding to IEEE 1275,
 * "ranges"; Documentation/devicetree/bindings/pci]: each entry is a 3-cell PCI address
 * (phys.hi bits 25:24 = space code: 2 = 32-bit memory, 3 = 64-bit memory; bit 30 =
 * prefetchable), a CPU address of the parent's #address-cells, and a 2-cell size.
 * The first 32-bit and the first 64-bit memory window are kept; I/O space is ignored.
 */
static void discover_pcie_windows(const void *fdt, int node, struct pv_platform *plat)
{
	int parent = parent_of(fdt, node);
	int pac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	const fdt32_t *c;
	int len;
	unsigned stride;

	c = fdt_getprop(fdt, node, "ranges", &len);
	if (!c || pac < 1 || pac > 2)
		return;
	stride = 3 + (unsigned)pac + 2;
	for (unsigned i = 0; (i + 1) * stride * 4 <= (unsigned)len; i++) {
		const fdt32_t *e = c + i * stride;
		uint32_t hi = fdt32_to_cpu(e[0]);
		uint64_t pci = (uint64_t)fdt32_to_cpu(e[1]) << 32 | fdt32_to_cpu(e[2]);
		uint64_t cpu = pac == 2 ? (uint64_t)fdt32_to_cpu(e[3]) << 32 | fdt32_to_cpu(e[4])
					: fdt32_to_cpu(e[3]);
		uint64_t sz = (uint64_t)fdt32_to_cpu(e[3 + pac]) << 32 | fdt32_to_cpu(e[4 + pac]);
		unsigned space = (hi >> 24) & 3;
		struct pci_window *w = space == 2 ? &plat->pcie.mem32 : space == 3 ? &plat->pcie.mem64 : NULL;

		if (!w || w->size || !sz)
			continue;
		w->cpu_base = hpa(cpu);
		w->pci_base = pci;
		w->size = sz;
	}
}

static int discover_iommu_pcie(const void *fdt, struct pv_platform *plat, struct pv_diag *diag)
{
	char path[128];
	int node = next_compatible(fdt, -1, "riscv,iommu");
	uint64_t base, size;

	while (node >= 0 && !device_node(fdt, node))
		node = next_compatible(fdt, node, "riscv,iommu");
	if (node >= 0 && read_reg(fdt, node, 0, &base, &size) == 0) {
		if (size < IOMMU_REG_SIZE)
			return diag_set(diag, PV_EINVAL, node_path(fdt, node, path, sizeof(path)), "reg",
					"0x%llx bytes, the IOMMU register file is 4 KiB", (unsigned long long)size);
		plat->iommu.present = true;
		plat->iommu.base = hpa(base);
		plat->iommu.size = size;
		plat->iommu.fdt_node = node;
	}
	node = next_compatible(fdt, -1, "pci-host-ecam-generic");
	while (node >= 0 && !device_node(fdt, node))
		node = next_compatible(fdt, node, "pci-host-ecam-generic");
	if (node >= 0 && read_reg(fdt, node, 0, &base, &size) == 0) {
		const fdt32_t *br;
		int len;

		if (size < MiB(1))
			return diag_set(diag, PV_EINVAL, PATH(), "reg", "ECAM window of 0x%llx bytes, less than one bus",
					(unsigned long long)size);
		br = fdt_getprop(fdt, node, "bus-range", &len);
		plat->pcie.bus_start = br && len == 8 ? fdt32_to_cpu(br[0]) : 0;
		plat->pcie.bus_end = br && len == 8 ? fdt32_to_cpu(br[1]) : (uint32_t)(size >> 20) - 1;
		/* ECAM: 1 MiB per bus [PCIe Base 6.0 §7.2.2]; the window must hold every bus of bus-range. */
		if (plat->pcie.bus_end > 255 || plat->pcie.bus_start > plat->pcie.bus_end ||
		    ((uint64_t)(plat->pcie.bus_end - plat->pcie.bus_start) + 1) << 20 > size)
			return diag_set(diag, PV_EINVAL, PATH(), "bus-range",
					"buses %u-%u do not fit the 0x%llx-byte ECAM window", plat->pcie.bus_start,
					plat->pcie.bus_end, (unsigned long long)size);
		plat->pcie.present = true;
		plat->pcie.ecam_base = hpa(base);
		plat->pcie.ecam_size = size;
		plat->pcie.fdt_node = node;
		discover_pcie_windows(fdt, node, plat);
	}
	return 0;
}

/*
 * The physical console's receive interrupt: /chosen/stdout-path names a "ns16550a"
 * whose `interrupts` (source, flags) go to an enabled "riscv,aplic" domain in MSI
 * mode (it has msi-parent). Anything missing or unusual: not recorded (the console
 * is then polled). Never an error: the machine boots either way.
 */
static void discover_console_irq(const void *fdt, struct pv_platform *plat)
{
	int chosen = chosen_of(fdt), node, ic, len, plen;
	const char *path = chosen >= 0 ? prop_string(fdt, chosen, "stdout-path", &plen) : NULL;
	const fdt32_t *irq, *ph;
	uint64_t base, size, abase, asize;
	uint32_t shift, width, flags;

	if (!path)
		return;
	for (len = 0; path[len] && path[len] != ':'; len++)
		;   /* the path ends at the options (":115200") */
	node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0 || !node_enabled(fdt, node) || fdt_node_check_compatible(fdt, node, "ns16550a") ||
	    read_reg(fdt, node, 0, &base, &size) < 0 ||
	    read_u32_default(fdt, node, "reg-shift", 0, &shift) < 0 ||
	    read_u32_default(fdt, node, "reg-io-width", 1, &width) < 0)
		return;
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	ph = fdt_getprop(fdt, node, "interrupt-parent", &plen);
	if (!irq || len != 8 || !ph || plen != 4)
		return;
	ic = phandle_node(fdt, fdt32_to_cpu(*ph));
	if (ic < 0 || !node_enabled(fdt, ic) || fdt_node_check_compatible(fdt, ic, "riscv,aplic") ||
	    !fdt_getprop(fdt, ic, "msi-parent", NULL) || read_reg(fdt, ic, 0, &abase, &asize) < 0)
		return;
	flags = fdt32_to_cpu(irq[1]);
	if (flags != 1 && flags != 4)   /* IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH */
		return;
	plat->con_irq.present = true;
	plat->con_irq.uart = hpa(base);
	plat->con_irq.reg_shift = shift;
	plat->con_irq.io_width = width;
	plat->con_irq.source = fdt32_to_cpu(irq[0]);
	plat->con_irq.level = flags == 4;
	plat->con_irq.aplic = hpa(abase);
	plat->con_irq.aplic_size = asize;
}

int platform_discover(const void *fdt, struct pv_platform *plat, struct pv_diag *diag)
{
	int ret;

	memset(plat, 0, sizeof(*plat));
	nidx.fdt = NULL;
	if (fdt_check_header(fdt))
		return diag_set(diag, PV_EINVAL, "/", NULL, "host device tree has a bad header");
	if (fdt_version(fdt) < 17)
		return diag_set(diag, PV_EINVAL, "/", NULL, "host device tree version %u, version 17 is needed",
				fdt_version(fdt));
	/* libfdt's walks (fdt_get_path above all) are memory-safe only on a well-formed structure */
	ret = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (ret)
		return diag_set(diag, PV_EINVAL, "/", NULL, "host device tree is malformed: %s", fdt_strerror(ret));
	node_index_build(fdt);
	if ((ret = discover_cpus(fdt, plat, diag)) < 0 || (ret = discover_memory(fdt, plat, diag)) < 0 ||
	    (ret = discover_imsic(fdt, plat, diag)) < 0)
		return ret;
	discover_mmio(fdt, plat);
	if ((ret = discover_iommu_pcie(fdt, plat, diag)) < 0)
		return ret;
	discover_console_irq(fdt, plat);
	return 0;
}

int platform_hart_index(const struct pv_platform *plat, uint32_t hartid)
{
	for (unsigned i = 0; i < plat->nr_harts; i++)
		if (plat->harts[i].hartid == hartid)
			return (int)i;
	return -1;
}

int platform_check_hart(const struct pv_platform *plat, uint32_t hartid, struct pv_diag *diag)
{
	int i = platform_hart_index(plat, hartid);
	const struct pv_hart_info *h;

	if (i < 0)
		return diag_set(diag, PV_ENOENT, NULL, NULL, "hart %u is not present on this machine", hartid);
	h = &plat->harts[i];
	if (!h->has_h)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "hart %u has no H extension", hartid);
	if (!h->has_sstc)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "hart %u has no Sstc extension", hartid);
	if (!plat->has_imsic || h->imsic_index < 0)
		return diag_set(diag, PV_EINVAL, NULL, NULL, "hart %u has no S-level IMSIC", hartid);
	if (plat->imsic.guest_index_bits < 1)
		return diag_set(diag, PV_EINVAL, NULL, NULL,
				"the IMSIC has no guest interrupt files (riscv,guest-index-bits is 0)");
	return 0;
}
