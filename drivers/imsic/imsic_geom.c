/* SPDX-License-Identifier: MIT */
/* Interrupt-file addresses from the IMSIC's device-tree geometry [AIA IMSIC.adoc "Memory region"]. Pure. */
#include "drivers/imsic/imsic.h"

hpa_t imsic_s_file_hpa(const struct imsic_geom *im, unsigned hart_index)
{
	return hart_index < IMSIC_MAX_HARTS ? im->files[hart_index] : hpa(0);
}

hpa_t imsic_guest_file_hpa(const struct imsic_geom *im, unsigned hart_index, unsigned guest)
{
	return hpa(imsic_s_file_hpa(im, hart_index).v + ((uint64_t)guest << PAGE_SHIFT));
}
