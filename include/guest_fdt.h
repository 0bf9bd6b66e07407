/* SPDX-License-Identifier: MIT */
/*
 * Guest device tree generation (libfdt sequential-write API). Pure logic,
 * unit-tested on the host.
 */
#ifndef PV_GUEST_FDT_H
#define PV_GUEST_FDT_H

#include "config.h"
#include "diag.h"
#include "platform.h"

/**
 * True if ISA extension @ext (lower case, as in riscv,isa-extensions) of the host
 * hart @h is available to a VS-mode guest under partvisor. Machine-level (sm*),
 * hypervisor ("h") and extensions partvisor does not virtualise (sscofpmf,
 * sdtrig, svadu, zkr, zihpm) are filtered out; "smaia" becomes "ssaia".
 */
bool guest_isa_allowed(const char *ext, const struct pv_hart_info *h);

/**
 * Write the device tree of partition @pc into @buf (@size bytes): /cpus with one
 * cpu per vCPU (reg = vCPU id, ISA filtered with guest_isa_allowed), /memory,
 * the virtual S-level IMSIC (one 4 KiB page per vCPU at GUEST_IMSIC_GPA),
 * /chosen (bootargs). @host_fdt/@plat describe the machine (ISA strings, timebase).
 * Returns 0, or a negative PV_E* code with @diag set (e.g. -PV_ENOMEM if @size is too small).
 */
int guest_fdt_build(void *buf, size_t size, const void *host_fdt, const struct pv_platform *plat,
		    const struct pv_part_config *pc, struct pv_diag *diag);

#endif
