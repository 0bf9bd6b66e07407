/* SPDX-License-Identifier: MIT */
/* Interrupt-file addresses from the IMSIC's device-tree geometry [AIA IMSIC.adoc "Memory region"]. Pure. */
#include "drivers/imsic/imsic.h"

hpa_t imsic_s_file_hpa(const struct imsic_geom *im, unsigned hart_index)
{
	uint64_t group = hart_index >> im->hart_index_bits;
	uint64_t hart = hart_index & ((1u << im->hart_index_bits) - 1);

	return hpa(im->s_base.v + (group << im->group_index_shift) +
		   (hart << (PAGE_SHIFT + im->guest_index_bits)));
}

hpa_t imsic_guest_file_hpa(const struct imsic_geom *im, unsigned hart_index, unsigned guest)
{
	return hpa(imsic_s_file_hpa(im, hart_index).v + ((uint64_t)guest << PAGE_SHIFT));
}
