/* SPDX-License-Identifier: MIT */
/*
 * A host device tree like the one QEMU virt (-M virt,aia=aplic-imsic,aia-guests=3,
 * iommu-sys=on -cpu max -smp 4 -m 2G) hands OpenSBI, with the two reserved-memory
 * regions OpenSBI adds, built with libfdt's sequential-write API. Used by the
 * harnesses that need a fixed realistic platform (fuzz_config, fuzz_guest_fdt,
 * fuzz_platform's cross-check): run platform_discover() on it.
 */
#ifndef PV_FUZZ_HOST_H
#define PV_FUZZ_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

/* The extension list of QEMU 10's -cpu max (trimmed of nothing that matters here). */
static const char fuzz_host_isa_list[] =
	"i\0m\0a\0f\0d\0c\0b\0v\0h\0zic64b\0zicbom\0zicbop\0zicboz\0ziccamoa\0ziccif\0zicclsm\0ziccrse\0"
	"zicond\0zicntr\0zicsr\0zifencei\0zihintntl\0zihintpause\0zihpm\0zimop\0zmmul\0za64rs\0zaamo\0"
	"zabha\0zacas\0zalrsc\0zawrs\0zfa\0zfh\0zfhmin\0zca\0zcb\0zcd\0zcmop\0zba\0zbb\0zbc\0zbkb\0"
	"zbkc\0zbkx\0zbs\0zk\0zkn\0zknd\0zkne\0zknh\0zkr\0zks\0zksed\0zksh\0zkt\0ztso\0zvbb\0zvbc\0"
	"zve32f\0zve32x\0zve64f\0zve64d\0zve64x\0zvfh\0zvfhmin\0zvkb\0zvkg\0zvkn\0zvkt\0sha\0"
	"shcounterenw\0smaia\0smcsrind\0smepmp\0smstateen\0ssaia\0sscofpmf\0sscsrind\0ssstateen\0"
	"sstc\0sstvala\0sstvecd\0svadu\0svinval\0svnapot\0svpbmt\0svvptc";
static const char fuzz_host_isa_string[] =
	"rv64imafdcbvh_zic64b_zicbom_zicbop_zicboz_zicond_zicntr_zicsr_zifencei_zihintntl_zihintpause_"
	"zihpm_zba_zbb_zbc_zbs_zkt_zve64d_smaia_smstateen_ssaia_sscofpmf_sstc_svadu_svinval_svnapot_svpbmt";

/** What varies between the host trees a harness builds. */
struct fuzz_host_opts {
	unsigned nr_harts;           /**< cpu@0..cpu@n-1, 1..8 */
	unsigned guest_index_bits;   /**< riscv,guest-index-bits of the S-level IMSIC */
	unsigned num_ids;            /**< riscv,num-ids of both IMSICs (0: 255) */
	bool isa_list, isa_string;   /**< which ISA properties the cpu nodes carry */
	const void *isa_list_raw;    /**< riscv,isa-extensions bytes instead of the default (NULL: default) */
	int isa_list_len;
	const char *isa_string_raw;  /**< riscv,isa instead of the default (NULL: default) */
	bool iommu, pcie;            /**< platform riscv,iommu node, pci-host-ecam-generic node */
};

/** The QEMU virt machine of the README: 4 harts, 3 guest files, IOMMU, PCIe. */
static inline struct fuzz_host_opts fuzz_host_default(void)
{
	return (struct fuzz_host_opts){ .nr_harts = 4, .guest_index_bits = 2, .isa_list = true, .isa_string = true,
					.iommu = true, .pcie = true };
}

static inline int fuzz_host_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt32_t r[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
			 cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size) };

	return fdt_property(fdt, "reg", r, sizeof(r));
}

/* One node under the current one with compatible @compat and reg (@base, @size). */
static inline int fuzz_host_dev(void *fdt, const char *name, const char *compat, uint64_t base, uint64_t size)
{
	int rc = fdt_begin_node(fdt, name);

	rc = rc ? rc : fdt_property_string(fdt, "compatible", compat);
	rc = rc ? rc : fuzz_host_reg(fdt, base, size);
	return rc ? rc : fdt_end_node(fdt);
}

#define FH(x) do { int r__ = (x); if (r__) return r__; } while (0)

/* The S (@irq 9) or M (@irq 11) level IMSIC at @base. */
static inline int fuzz_host_imsic(void *fdt, const struct fuzz_host_opts *o, uint64_t base, uint32_t irq,
				  uint32_t phandle, bool guests)
{
	fdt32_t ie[16];
	char name[48];
	uint64_t per = guests ? 4096ULL << o->guest_index_bits : 4096;

	for (unsigned k = 0; k < o->nr_harts; k++) {
		ie[2 * k] = cpu_to_fdt32(100 + k);  /* cpu k's interrupt controller */
		ie[2 * k + 1] = cpu_to_fdt32(irq);
	}
	snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)base);
	FH(fdt_begin_node(fdt, name));
	FH(fdt_property_u32(fdt, "phandle", phandle));
	if (guests)
		FH(fdt_property_u32(fdt, "riscv,guest-index-bits", o->guest_index_bits));
	FH(fdt_property_u32(fdt, "riscv,num-ids", o->num_ids ? o->num_ids : 255));
	FH(fuzz_host_reg(fdt, base, per * o->nr_harts > 0x4000 ? per * o->nr_harts : 0x4000));
	FH(fdt_property(fdt, "interrupts-extended", ie, (int)(8 * o->nr_harts)));
	FH(fdt_property(fdt, "msi-controller", NULL, 0));
	FH(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FH(fdt_property_u32(fdt, "#interrupt-cells", 0));
	FH(fdt_property(fdt, "compatible", "qemu,imsics\0riscv,imsics", 25));
	return fdt_end_node(fdt);
}

/** Build the host tree described by @o into @buf (@size bytes). Returns 0 or a libfdt error. */
static inline int fuzz_host_build(void *buf, int size, const struct fuzz_host_opts *o)
{
	char name[48];

	FH(fdt_create(buf, size));
	FH(fdt_finish_reservemap(buf));
	FH(fdt_begin_node(buf, ""));
	FH(fdt_property_u32(buf, "#address-cells", 2));
	FH(fdt_property_u32(buf, "#size-cells", 2));
	FH(fdt_property_string(buf, "compatible", "riscv-virtio"));
	FH(fdt_property_string(buf, "model", "riscv-virtio,qemu"));

	FH(fdt_begin_node(buf, "memory@80000000"));
	FH(fdt_property_string(buf, "device_type", "memory"));
	FH(fuzz_host_reg(buf, 0x80000000ULL, 0x80000000ULL));
	FH(fdt_end_node(buf));

	FH(fdt_begin_node(buf, "reserved-memory"));
	FH(fdt_property_u32(buf, "#address-cells", 2));
	FH(fdt_property_u32(buf, "#size-cells", 2));
	FH(fdt_property(buf, "ranges", NULL, 0));
	FH(fdt_begin_node(buf, "mmode_resv1@80000000"));
	FH(fuzz_host_reg(buf, 0x80000000ULL, 0x40000));
	FH(fdt_property(buf, "no-map", NULL, 0));
	FH(fdt_end_node(buf));
	FH(fdt_begin_node(buf, "mmode_resv0@80040000"));
	FH(fuzz_host_reg(buf, 0x80040000ULL, 0x20000));
	FH(fdt_property(buf, "no-map", NULL, 0));
	FH(fdt_end_node(buf));
	FH(fdt_end_node(buf));

	FH(fdt_begin_node(buf, "cpus"));
	FH(fdt_property_u32(buf, "#address-cells", 1));
	FH(fdt_property_u32(buf, "#size-cells", 0));
	FH(fdt_property_u32(buf, "timebase-frequency", 10000000));
	for (unsigned k = 0; k < o->nr_harts; k++) {
		snprintf(name, sizeof(name), "cpu@%u", k);
		FH(fdt_begin_node(buf, name));
		FH(fdt_property_u32(buf, "phandle", 200 + k));
		FH(fdt_property_string(buf, "device_type", "cpu"));
		FH(fdt_property_u32(buf, "reg", k));
		FH(fdt_property_string(buf, "status", "okay"));
		FH(fdt_property_string(buf, "compatible", "riscv"));
		FH(fdt_property_u32(buf, "riscv,cbop-block-size", 64));
		FH(fdt_property_u32(buf, "riscv,cboz-block-size", 64));
		FH(fdt_property_u32(buf, "riscv,cbom-block-size", 64));
		if (o->isa_list) {
			if (o->isa_list_raw)
				FH(fdt_property(buf, "riscv,isa-extensions", o->isa_list_raw, o->isa_list_len));
			else
				FH(fdt_property(buf, "riscv,isa-extensions", fuzz_host_isa_list,
						sizeof(fuzz_host_isa_list)));
		}
		FH(fdt_property_string(buf, "riscv,isa-base", "rv64i"));
		if (o->isa_string)
			FH(fdt_property_string(buf, "riscv,isa",
					       o->isa_string_raw ? o->isa_string_raw : fuzz_host_isa_string));
		FH(fdt_property_string(buf, "mmu-type", "riscv,sv57"));
		FH(fdt_begin_node(buf, "interrupt-controller"));
		FH(fdt_property_u32(buf, "#interrupt-cells", 1));
		FH(fdt_property(buf, "interrupt-controller", NULL, 0));
		FH(fdt_property_string(buf, "compatible", "riscv,cpu-intc"));
		FH(fdt_property_u32(buf, "phandle", 100 + k));
		FH(fdt_end_node(buf));
		FH(fdt_end_node(buf));
	}
	FH(fdt_end_node(buf));

	FH(fdt_begin_node(buf, "chosen"));
	FH(fdt_property_string(buf, "stdout-path", "/soc/serial@10000000"));
	FH(fdt_end_node(buf));

	FH(fdt_begin_node(buf, "soc"));
	FH(fdt_property_u32(buf, "#address-cells", 2));
	FH(fdt_property_u32(buf, "#size-cells", 2));
	FH(fdt_property_string(buf, "compatible", "simple-bus"));
	FH(fdt_property(buf, "ranges", NULL, 0));
	FH(fuzz_host_dev(buf, "rtc@101000", "google,goldfish-rtc", 0x101000, 0x1000));
	FH(fuzz_host_dev(buf, "serial@10000000", "ns16550a", 0x10000000, 0x100));
	FH(fuzz_host_dev(buf, "test@100000", "sifive,test0", 0x100000, 0x1000));
	if (o->iommu)
		FH(fuzz_host_dev(buf, "iommu@3010000", "riscv,iommu", 0x3010000, 0x1000));
	FH(fuzz_host_dev(buf, "clint@2000000", "riscv,clint0", 0x2000000, 0x10000));
	FH(fuzz_host_dev(buf, "interrupt-controller@d000000", "riscv,aplic", 0xd000000, 0x8000));
	FH(fuzz_host_dev(buf, "interrupt-controller@c000000", "riscv,aplic", 0xc000000, 0x8000));
	FH(fuzz_host_imsic(buf, o, 0x28000000ULL, 9, 300, true));
	FH(fuzz_host_imsic(buf, o, 0x24000000ULL, 11, 301, false));
	if (o->pcie) {
		static const uint32_t ranges[] = {
			0x1000000, 0, 0, 0, 0x3000000, 0, 0x10000,                /* I/O */
			0x2000000, 0, 0x40000000, 0, 0x40000000, 0, 0x40000000,   /* 32-bit memory */
			0x3000000, 4, 0, 4, 0, 4, 0,                              /* 64-bit memory */
		};
		fdt32_t r[21], br[2] = { 0, cpu_to_fdt32(0xff) };

		for (unsigned i = 0; i < 21; i++)
			r[i] = cpu_to_fdt32(ranges[i]);
		FH(fdt_begin_node(buf, "pci@30000000"));
		FH(fdt_property(buf, "ranges", r, sizeof(r)));
		FH(fuzz_host_reg(buf, 0x30000000ULL, 0x10000000ULL));
		FH(fdt_property_u32(buf, "msi-parent", 300));
		FH(fdt_property(buf, "dma-coherent", NULL, 0));
		FH(fdt_property(buf, "bus-range", br, sizeof(br)));
		FH(fdt_property_u32(buf, "linux,pci-domain", 0));
		FH(fdt_property_string(buf, "device_type", "pci"));
		FH(fdt_property_string(buf, "compatible", "pci-host-ecam-generic"));
		FH(fdt_property_u32(buf, "#size-cells", 2));
		FH(fdt_property_u32(buf, "#interrupt-cells", 1));
		FH(fdt_property_u32(buf, "#address-cells", 3));
		FH(fdt_end_node(buf));
	}
	FH(fdt_end_node(buf));

	FH(fdt_end_node(buf));
	return fdt_finish(buf);
}

#undef FH

#endif
