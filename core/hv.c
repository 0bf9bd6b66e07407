/* SPDX-License-Identifier: MIT */
/* Boot-time facts (see hv.h): written by the boot hart in core/main.c, read-only once partitions run. */
#include "core/hv.h"

struct pv_platform hv_plat;
struct pv_config hv_cfg;
void *hv_host_fdt;
const struct pv_image *hv_images;
unsigned hv_nr_images;
