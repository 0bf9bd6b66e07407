/* SPDX-License-Identifier: MIT */
/* Guest device tree generation with libfdt's sequential-write API. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "core/guest_fdt.h"
#include "core/guest_layout.h"

/* Multi-letter extensions a VS-mode guest gets as the hardware provides them. */
static const char *const vs_exts[] = {
	"zicbom", "zicboz", "zicbop", "zicntr", "zicsr", "zifencei", "zihintpause", "zihintntl",
	"zicond", "zawrs", "zacas", "zabha", "zaamo", "zalrsc", "zfa", "zfh", "zfhmin", "zba", "zbb",
	"zbc", "zbs", "zbkb", "zbkc", "zbkx", "zknd", "zkne", "zknh", "zksed", "zksh", "zkt", "zca",
	"zcb", "zcd", "zcf", "zcmop", "zimop", "ztso", "sstc", "ssaia", "svinval", "svnapot", "svpbmt",
	"svvptc",
};

bool guest_isa_allowed(const char *ext, const struct pv_hart_info *h)
{
	if (ext[0] && !ext[1])
		return strchr("imafdc", ext[0]) || (ext[0] == 'v' && h->has_v);
	if (!strncmp(ext, "zv", 2) || !strncmp(ext, "zve", 3))
		return h->has_v;
	for (size_t i = 0; i < sizeof(vs_exts) / sizeof(vs_exts[0]); i++)
		if (!strcmp(ext, vs_exts[i]))
			return strcmp(ext, "svpbmt") || h->has_svpbmt;
	return false;
}

/* The guest's extension list (NUL-separated) and riscv,isa string, as they are built. */
struct ext_out {
	char list[1024];
	size_t len;              /* bytes used of list */
	uint16_t off[512];       /* where each entry of list starts (an entry takes 2 bytes or more) */
	unsigned nr;
	char isa[1024];
	size_t isalen;           /* strlen(isa) */
};

/* Append @n bytes of @s to o->isa, truncated as snprintf would (o->isa stays NUL-terminated). */
static void isa_append(struct ext_out *o, const char *s, size_t n)
{
	size_t room = sizeof(o->isa) - 1 - o->isalen;

	if (n > room)
		n = room;
	memcpy(o->isa + o->isalen, s, n);
	o->isalen += n;
	o->isa[o->isalen] = '\0';
}

/* Append @ext to the list and to the isa string, unless the list has it already or is full. */
static void add_ext(struct ext_out *o, const char *ext)
{
	size_t n = strlen(ext) + 1;

	if (o->len + n > sizeof(o->list))
		return;
	/* no duplicates (smaia and ssaia both map to ssaia) */
	for (unsigned i = 0; i < o->nr; i++)
		if (o->list[o->off[i]] == ext[0] && !strcmp(o->list + o->off[i], ext))
			return;
	memcpy(o->list + o->len, ext, n);
	o->off[o->nr++] = (uint16_t)o->len;
	o->len += n;
	/* single letters go right after "rv64" in canonical order (callers add them first); others after '_' */
	if (ext[1])
		isa_append(o, "_", 1);
	isa_append(o, ext, n - 1);
}

/* Collect the host cpu node's extensions (list or isa string) into @exts (NUL-separated). */
static size_t host_exts(const void *fdt, int node, char *exts, size_t cap)
{
	int len;
	const char *list = fdt_getprop(fdt, node, "riscv,isa-extensions", &len);
	size_t n = 0;

	/* a string list: every entry NUL-terminated, the last one too, or the walks below overrun @exts */
	if (list && len > 0 && (size_t)len <= cap && list[len - 1] == '\0') {
		memcpy(exts, list, (size_t)len);
		return (size_t)len;
	}
	const char *isa = fdt_getprop(fdt, node, "riscv,isa", &len);
	if (!isa || len < 5)
		return 0;
	for (const char *p = isa + 4; *p && *p != '_' && n + 2 <= cap; p++) {
		exts[n++] = *p;
		exts[n++] = '\0';
	}
	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_')) {
		const char *e = strchr(p + 1, '_');
		size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);

		if (n + l + 1 > cap)
			break;
		memcpy(exts + n, p + 1, l);
		exts[n + l] = '\0';
		n += l + 1;
	}
	return n;
}

#define CHECK(x) do { int __r = (x); if (__r < 0) goto fail; } while (0)

/* One `ranges` entry of a PCI node: 3-cell PCI address with space code @hi, 2-cell CPU address, 2-cell size. */
static void pci_range(fdt32_t *e, uint32_t hi, const struct pci_window *w)
{
	e[0] = cpu_to_fdt32(hi);
	e[1] = cpu_to_fdt32((uint32_t)(w->pci_base >> 32));
	e[2] = cpu_to_fdt32((uint32_t)w->pci_base);
	e[3] = cpu_to_fdt32((uint32_t)(w->cpu_base.v >> 32));
	e[4] = cpu_to_fdt32((uint32_t)w->cpu_base.v);
	e[5] = cpu_to_fdt32((uint32_t)(w->size >> 32));
	e[6] = cpu_to_fdt32((uint32_t)w->size);
}

/*
 * The virtual PCIe host bridge [Documentation/devicetree/bindings/pci/host-generic-pci.yaml]:
 * ECAM for bus 0 only, the host's memory windows (identity-mapped, BARs keep their host
 * addresses), MSIs through the partition's IMSIC.
 */
static int add_pcie(void *buf, const struct guest_fdt_info *info, uint32_t imsic_phandle)
{
	fdt64_t reg[2] = { cpu_to_fdt64(GUEST_PCIE_ECAM_GPA), cpu_to_fdt64(MiB(1)) };
	fdt32_t bus_range[2] = { 0, 0 };
	fdt32_t ranges[14];
	unsigned n = 0;
	char name[48];

	if (info->pci_mem32.size)
		pci_range(&ranges[7 * n++], 0x02000000, &info->pci_mem32);     /* 32-bit memory */
	if (info->pci_mem64.size)
		pci_range(&ranges[7 * n++], 0x43000000, &info->pci_mem64);     /* 64-bit prefetchable */
	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)GUEST_PCIE_ECAM_GPA);
	CHECK(fdt_begin_node(buf, name));
	CHECK(fdt_property_string(buf, "compatible", "pci-host-ecam-generic"));
	CHECK(fdt_property_string(buf, "device_type", "pci"));
	CHECK(fdt_property_u32(buf, "#address-cells", 3));
	CHECK(fdt_property_u32(buf, "#size-cells", 2));
	CHECK(fdt_property_u32(buf, "#interrupt-cells", 1));
	CHECK(fdt_property(buf, "reg", reg, sizeof(reg)));
	CHECK(fdt_property(buf, "bus-range", bus_range, sizeof(bus_range)));
	CHECK(fdt_property_u32(buf, "linux,pci-domain", 0));
	CHECK(fdt_property(buf, "ranges", ranges, (int)(n * 7 * sizeof(fdt32_t))));
	CHECK(fdt_property_u32(buf, "msi-parent", imsic_phandle));
	CHECK(fdt_property(buf, "dma-coherent", NULL, 0));
	CHECK(fdt_end_node(buf));
	return 0;
fail:
	return -1;
}

int guest_fdt_build(void *buf, size_t size, const void *host_fdt, const struct pv_platform *plat,
		    const struct pv_part_config *pc, const struct guest_fdt_info *info, struct pv_diag *diag)
{
	char exts[1024];
	struct ext_out g;   /* 3 KiB of stack with exts: reentrant, no lock needed */
	const struct pv_hart_info *h0 = &plat->harts[platform_hart_index(plat, pc->hartids[0])];
	size_t n;
	char name[64];
	const char *mmu;
	int len;
	uint32_t imsic_phandle = pc->nr_vcpus + 1;

	/* The ISA of the first vCPU's hart is given to all vCPUs (harts of one partition are alike). */
	n = host_exts(host_fdt, h0->fdt_node, exts, sizeof(exts));
	g.len = 0;
	g.nr = 0;
	g.isalen = 0;
	isa_append(&g, "rv64", 4);
	for (const char *l = "imafdcv"; *l; l++) {
		char one[2] = { *l, 0 };

		for (size_t off = 0; off < n; off += strlen(exts + off) + 1)
			if (!strcmp(exts + off, one) && guest_isa_allowed(one, h0))
				add_ext(&g, one);
	}
	for (size_t off = 0; off < n; off += strlen(exts + off) + 1) {
		const char *e = exts + off;

		if (!e[0] || !e[1])
			continue;
		if (!strcmp(e, "smaia"))
			e = "ssaia";
		if (guest_isa_allowed(e, h0))
			add_ext(&g, e);
	}
	mmu = fdt_getprop(host_fdt, h0->fdt_node, "mmu-type", &len);

	/* names not deduplicated: libfdt would search the whole strings block for every property */
	CHECK(fdt_create_with_flags(buf, (int)size, FDT_CREATE_FLAG_NO_NAME_DEDUP));
	CHECK(fdt_finish_reservemap(buf));
	CHECK(fdt_begin_node(buf, ""));
	CHECK(fdt_property_u32(buf, "#address-cells", 2));
	CHECK(fdt_property_u32(buf, "#size-cells", 2));
	CHECK(fdt_property_string(buf, "compatible", "partvisor,partition"));
	snprintf(name, sizeof(name), "partvisor partition %s", pc->name);
	CHECK(fdt_property_string(buf, "model", name));

	CHECK(fdt_begin_node(buf, "chosen"));
	if (pc->bootargs[0])
		CHECK(fdt_property_string(buf, "bootargs", pc->bootargs));
	if (info->has_rng_seed)
		CHECK(fdt_property(buf, "rng-seed", info->rng_seed, sizeof(info->rng_seed)));
	if (info->uart) {
		snprintf(name, sizeof(name), "/soc/serial@%llx", (unsigned long long)GUEST_UART_GPA);
		CHECK(fdt_property_string(buf, "stdout-path", name));
	}
	if (info->initrd_size) {
		CHECK(fdt_property_u64(buf, "linux,initrd-start", info->initrd_start.v));
		CHECK(fdt_property_u64(buf, "linux,initrd-end", info->initrd_start.v + info->initrd_size));
	}
	CHECK(fdt_property_u32(buf, "partvisor,boot-count", info->boot_count));
	if (info->pcie)  /* BARs are assigned by the hypervisor and read-only to the guest */
		CHECK(fdt_property_u32(buf, "linux,pci-probe-only", 1));
	CHECK(fdt_end_node(buf));

	CHECK(fdt_begin_node(buf, "cpus"));
	CHECK(fdt_property_u32(buf, "#address-cells", 1));
	CHECK(fdt_property_u32(buf, "#size-cells", 0));
	CHECK(fdt_property_u32(buf, "timebase-frequency", (uint32_t)plat->timebase_hz));
	for (unsigned k = 0; k < pc->nr_vcpus; k++) {
		snprintf(name, sizeof(name), "cpu@%u", k);
		CHECK(fdt_begin_node(buf, name));
		CHECK(fdt_property_string(buf, "device_type", "cpu"));
		CHECK(fdt_property_u32(buf, "reg", k));
		CHECK(fdt_property_string(buf, "status", "okay"));
		CHECK(fdt_property_string(buf, "compatible", "riscv"));
		CHECK(fdt_property_string(buf, "riscv,isa", g.isa));
		CHECK(fdt_property_string(buf, "riscv,isa-base", "rv64i"));
		CHECK(fdt_property(buf, "riscv,isa-extensions", g.list, (int)g.len));
		if (mmu)
			CHECK(fdt_property_string(buf, "mmu-type", mmu));
		for (const char *const *p = (const char *const[]){ "riscv,cbom-block-size", "riscv,cboz-block-size",
								   "riscv,cbop-block-size", NULL }; *p; p++) {
			const void *v = fdt_getprop(host_fdt, h0->fdt_node, *p, &len);

			if (v)
				CHECK(fdt_property(buf, *p, v, len));
		}
		CHECK(fdt_begin_node(buf, "interrupt-controller"));
		CHECK(fdt_property_string(buf, "compatible", "riscv,cpu-intc"));
		CHECK(fdt_property_u32(buf, "#interrupt-cells", 1));
		CHECK(fdt_property(buf, "interrupt-controller", NULL, 0));
		CHECK(fdt_property_u32(buf, "phandle", k + 1));
		CHECK(fdt_end_node(buf));
		CHECK(fdt_end_node(buf));
	}
	CHECK(fdt_end_node(buf));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)pc->mem_gpa.v);
	CHECK(fdt_begin_node(buf, name));
	CHECK(fdt_property_string(buf, "device_type", "memory"));
	{
		fdt64_t reg[2] = { cpu_to_fdt64(pc->mem_gpa.v), cpu_to_fdt64(pc->mem_size) };
		CHECK(fdt_property(buf, "reg", reg, sizeof(reg)));
	}
	CHECK(fdt_end_node(buf));

	CHECK(fdt_begin_node(buf, "soc"));
	CHECK(fdt_property_u32(buf, "#address-cells", 2));
	CHECK(fdt_property_u32(buf, "#size-cells", 2));
	CHECK(fdt_property_string(buf, "compatible", "simple-bus"));
	CHECK(fdt_property(buf, "ranges", NULL, 0));
	snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)GUEST_IMSIC_GPA);
	CHECK(fdt_begin_node(buf, name));
	CHECK(fdt_property_string(buf, "compatible", "riscv,imsics"));
	{
		fdt64_t reg[2] = { cpu_to_fdt64(GUEST_IMSIC_GPA), cpu_to_fdt64((uint64_t)pc->nr_vcpus * PAGE_SIZE) };
		fdt32_t ie[2 * PV_MAX_VCPUS];

		CHECK(fdt_property(buf, "reg", reg, sizeof(reg)));
		for (unsigned k = 0; k < pc->nr_vcpus; k++) {
			ie[2 * k] = cpu_to_fdt32(k + 1);
			ie[2 * k + 1] = cpu_to_fdt32(9); /* supervisor external interrupt */
		}
		CHECK(fdt_property(buf, "interrupts-extended", ie, (int)(pc->nr_vcpus * 8)));
	}
	/* The guest's files are guest interrupt files: their identity count is riscv,num-guest-ids. */
	CHECK(fdt_property_u32(buf, "riscv,num-ids", plat->imsic.num_guest_ids ? plat->imsic.num_guest_ids :
						  plat->imsic.num_ids));
	CHECK(fdt_property(buf, "msi-controller", NULL, 0));
	CHECK(fdt_property(buf, "interrupt-controller", NULL, 0));
	CHECK(fdt_property_u32(buf, "#interrupt-cells", 0));
	CHECK(fdt_property_u32(buf, "#msi-cells", 0));
	CHECK(fdt_property_u32(buf, "phandle", imsic_phandle));
	CHECK(fdt_end_node(buf));
	if (info->uart) {
		fdt64_t reg[2] = { cpu_to_fdt64(GUEST_UART_GPA), cpu_to_fdt64(GUEST_UART_SIZE) };

		snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)GUEST_UART_GPA);
		CHECK(fdt_begin_node(buf, name));
		CHECK(fdt_property_string(buf, "compatible", "ns16550a"));
		CHECK(fdt_property(buf, "reg", reg, sizeof(reg)));
		CHECK(fdt_property_u32(buf, "clock-frequency", GUEST_UART_CLOCK_HZ));
		CHECK(fdt_end_node(buf)); /* no interrupts: the guest polls it */
	}
	if (info->pcie)
		CHECK(add_pcie(buf, info, imsic_phandle));
	CHECK(fdt_end_node(buf));

	CHECK(fdt_end_node(buf));
	CHECK(fdt_finish(buf));
	return 0;
fail:
	return diag_set(diag, PV_ENOMEM, "/", NULL, "guest device tree does not fit in %zu bytes", size);
}
