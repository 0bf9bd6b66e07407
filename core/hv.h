/* SPDX-License-Identifier: MIT */
/*
 * Boot-time facts: what the boot hart learned before any partition started
 * (core/main.c writes them once; everything else only reads them afterwards).
 */
#ifndef PV_HV_H
#define PV_HV_H

#include "core/config.h"
#include "core/platform.h"

/** The machine, from the host device tree. */
extern struct pv_platform hv_plat;
/** The validated partition configuration. */
extern struct pv_config hv_cfg;
/** The hypervisor's private copy of the host device tree. */
extern void *hv_host_fdt;
/** Images embedded in the firmware, and how many. */
extern const struct pv_image *hv_images;
extern unsigned hv_nr_images;

#endif
