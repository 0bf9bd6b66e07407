/* SPDX-License-Identifier: MIT */
/*
 * Guest device tree generation (libfdt sequential-write API). Pure logic,
 * unit-tested on the host.
 */
#ifndef PV_GUEST_FDT_H
#define PV_GUEST_FDT_H

#include "core/config.h"
#include "lib/diag.h"
#include "core/platform.h"

/**
 * True if ISA extension @ext (lower case, as in riscv,isa-extensions) of the host
 * hart @h is available to a VS-mode guest under partvisor. Machine-level (sm*),
 * hypervisor ("h") and extensions partvisor does not virtualise (sscofpmf,
 * sdtrig, svadu, zkr, zihpm) are filtered out; "smaia" becomes "ssaia".
 */
bool guest_isa_allowed(const char *ext, const struct pv_hart_info *h);

/** Bytes of /chosen/rng-seed a guest gets (Linux credits up to 512 bits from it). */
#define GUEST_RNG_SEED_BYTES 64

/** Per-boot facts that go into a guest device tree besides the partition config. */
struct guest_fdt_info {
	gpa_t initrd_start;    /**< first byte of the initramfs in guest RAM (size 0: none) */
	uint64_t initrd_size;  /**< bytes */
	uint32_t boot_count;   /**< how many times the partition has been started (1 = first boot) */
	bool uart;             /**< the partition has the emulated 16550 console at GUEST_UART_GPA */
	bool pcie;             /**< the partition has the virtual PCIe host bridge (GUEST_PCIE_ECAM_GPA, bus 0) */
	struct pci_window pci_mem32, pci_mem64; /**< its memory windows (identity: GPA = host address), size 0 = none */
	uint8_t rng_seed[GUEST_RNG_SEED_BYTES]; /**< /chosen/rng-seed, fresh for every partition and boot */
	bool has_rng_seed;
};

/** Input clock of the emulated UART reported in the device tree (Hz; baud rate divisors are ignored). */
#define GUEST_UART_CLOCK_HZ 3686400

/**
 * Write the device tree of partition @pc into @buf (@size bytes): /cpus with one
 * cpu per vCPU (reg = vCPU id, ISA filtered with guest_isa_allowed), /memory,
 * the virtual S-level IMSIC (one 4 KiB page per vCPU at GUEST_IMSIC_GPA),
 * /chosen (bootargs, stdout-path, linux,initrd-start/end, partvisor,boot-count, rng-seed), the
 * console UART when @info->uart, and when @info->pcie a "pci-host-ecam-generic" node
 * (one bus, msi-parent = the IMSIC, dma-coherent) with /chosen/linux,pci-probe-only = 1. @host_fdt/@plat describe the machine (ISA strings, timebase).
 * Returns 0, or a negative PV_E* code with @diag set (e.g. -PV_ENOMEM if @size is too small).
 */
int guest_fdt_build(void *buf, size_t size, const void *host_fdt, const struct pv_platform *plat,
		    const struct pv_part_config *pc, const struct guest_fdt_info *info, struct pv_diag *diag);

#endif
