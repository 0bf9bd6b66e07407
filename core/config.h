/* SPDX-License-Identifier: MIT */
/*
 * Partition configuration: parsed from the config device tree (binding in
 * docs/config.md and docs/bindings/partvisor-config.yaml) and validated against
 * the discovered platform. Pure logic (libfdt only), unit-tested on the host.
 */
#ifndef PV_CONFIG_H
#define PV_CONFIG_H

#include "lib/diag.h"
#include "core/platform.h"
#include "types.h"

#define PV_MAX_PARTITIONS 8
#define PV_MAX_VCPUS      8   /**< vCPUs per partition (one physical hart each) */
#define PV_NAME_MAX       32
/** Config property listing a partition's PCI functions (docs/config.md). */
#define PV_PROP_PCI_DEVICES "partvisor,pci-devices"
#define PV_MAX_PCI        8   /**< PCI functions per partition */

/** A guest image the firmware can load (embedded in the firmware image or provided by the boot loader). */
struct pv_image {
	const char *name;    /**< name the config refers to (partvisor,image) */
	const void *data;    /**< bytes (host pointer; on the firmware, identity-mapped host physical memory) */
	uint64_t size;       /**< bytes */
};

/** Which guest interrupt files a partition's PCI functions may reach (partvisor,msi-policy, docs/hypercall.md). */
enum pv_msi_policy {
	PV_MSI_OPEN,       /**< every vCPU's file (what an unmodified guest needs) */
	PV_MSI_COMPOSED,   /**< only files that an MSI_COMPOSE hypercall opened for that function */
};

/** The partition's console device (partvisor,console, docs/config.md). */
enum pv_console {
	PV_CONSOLE_UART,     /**< the emulated 16550 (trap-and-emulate, the guest polls it) */
	PV_CONSOLE_VIRTIO,   /**< the emulated virtio console on the virtual PCIe bridge (core/vdev/vconsole.h) */
};

/** One partition as configured. */
struct pv_part_config {
	char name[PV_NAME_MAX];        /**< node name of the partition node */
	char node_path[160];           /**< full node path, for messages (raw bytes: print with diag_escape) */
	unsigned nr_vcpus;
	uint32_t hartids[PV_MAX_VCPUS];/**< physical hart ids; vCPU i (guest hart id i) runs on hartids[i] */
	uint64_t mem_size;             /**< guest RAM, bytes (multiple of 2 MiB) */
	gpa_t mem_gpa;                 /**< guest physical base of RAM (default GUEST_RAM_DEFAULT_GPA) */
	bool mem_hpa_fixed;            /**< true if partvisor,mem-host-base was given */
	hpa_t mem_hpa;                 /**< host physical base of RAM (given, or chosen by config_parse) */
	int image;                     /**< index into the embedded image table, or -1 when image_reg is used */
	struct hpa_range image_reg;    /**< kernel/image placed in host RAM by the boot loader (size 0: none) */
	struct hpa_range initrd_reg;   /**< initramfs placed by the boot loader (size 0: none) */
	uint64_t load_offset;          /**< bytes from RAM base where the image is loaded and entered */
	bool load_offset_given;        /**< partvisor,load-offset was given (blamed when the image does not fit) */
	char bootargs[256];            /**< /chosen/bootargs for the guest */
	unsigned nr_pci;
	uint16_t pci_bdf[PV_MAX_PCI];  /**< PCI functions (bus << 8 | dev << 3 | fn); reserved for passthrough */
	enum pv_msi_policy msi_policy; /**< partvisor,msi-policy */
	enum pv_console console;       /**< partvisor,console */
};

/** The whole configuration. */
struct pv_config {
	unsigned nr_parts;
	struct pv_part_config parts[PV_MAX_PARTITIONS];
};

/** Node of the host device tree (the one the boot chain passes) that may hold the config (docs/config.md). */
#define PV_CONFIG_HOST_NODE "/chosen/partvisor-config"

/**
 * Parse and validate the config FDT @cfg_fdt against @plat.
 * @cfg_size is the number of bytes really present at @cfg_fdt: the header (totalsize,
 * block offsets and sizes) is checked against it before anything else is read, so a
 * blob cut short or a header pointing outside gives an error, never a read past it.
 * @cfg_root is the offset of the node whose child `partitions` is the config and whose
 * compatible must contain "partvisor,config": 0 (the root) for the embedded config blob,
 * the offset of PV_CONFIG_HOST_NODE when the config comes in the host device tree
 * (config_host_node()). Diagnostics name nodes by their full path in @cfg_fdt, e.g.
 * "/chosen/partvisor-config/partitions/alpha".
 * @hv is the host physical range the hypervisor occupies (image, BSS, stacks);
 * @images/@nr_images is the table of loadable images (a Linux Image header in an
 * image's data is honoured: its image_size must fit as well).
 * On success fills @cfg (placing every partition without mem-host-base) and returns 0.
 * On the first error returns a negative PV_E* code with @diag naming the node, the
 * property and the reason; @cfg must then not be used (fail closed).
 * Binding and error list: docs/config.md.
 */
int config_parse(const void *cfg_fdt, size_t cfg_size, int cfg_root, const struct pv_platform *plat,
		 struct hpa_range hv, const struct pv_image *images, unsigned nr_images,
		 struct pv_config *cfg, struct pv_diag *diag);

/** Receives each error config_check() finds; @d is only valid during the call. */
typedef void (*pv_diag_sink_fn)(void *ctx, const struct pv_diag *d);

/**
 * The checks of config_parse(), but continuing after an error wherever the rest can
 * still be checked (the next property, hart, PCI function or partition), for the host
 * tool partvisor-check (tools/partvisor-check.c). Every error goes to @sink(@sink_ctx)
 * in the order config_parse() meets them, so the first one is config_parse()'s error.
 * @plat NULL: no machine is known: hart existence, host RAM, reserved memory, MMIO and
 * the automatic placement are not checked (overlaps between fixed placements and the
 * boot-loader regions still are). @images NULL: the image table is not known: image
 * names and the embedded images' sizes are not checked.
 * Returns the number of errors (0: config_parse() would accept it on that machine);
 * @cfg is left zeroed when there was an error.
 */
unsigned config_check(const void *cfg_fdt, size_t cfg_size, int cfg_root, const struct pv_platform *plat,
		      struct hpa_range hv, const struct pv_image *images, unsigned nr_images,
		      struct pv_config *cfg, pv_diag_sink_fn sink, void *sink_ctx);

/**
 * Bytes image @data (@size bytes in the file; @data may be NULL) occupies once it runs:
 * the image_size of a RISC-V Linux Image header (Linux Documentation/arch/riscv/
 * boot-image-header.rst: magic2 "RSC\x05" at byte 56, image_size at byte 16, BSS
 * included) when that is larger, else @size.
 */
uint64_t config_image_footprint(const void *data, uint64_t size);

/**
 * Check that image @name (@data, @size bytes; @data may be NULL) fits partition @p at its
 * load offset: its footprint (config_image_footprint) must end before the initrd and the
 * guest device tree (the last GUEST_FDT_RESERVE bytes of RAM). config_parse() applies it
 * to embedded images; partition_load() to boot-loader images (partvisor,image-reg), whose
 * header only the firmware can read. Returns 0 or -PV_ERANGE with @diag naming
 * @p->node_path and the property to blame.
 */
int config_image_fit(const struct pv_part_config *p, const char *name, const void *data, uint64_t size,
		     struct pv_diag *diag);

/**
 * Offset of PV_CONFIG_HOST_NODE in the host device tree @host_fdt (a blob already checked
 * with fdt_check_full), to pass to config_parse() as cfg_root; -PV_ENOENT when the host
 * tree has no such node, and the embedded config is to be used.
 */
int config_host_node(const void *host_fdt);

#endif
