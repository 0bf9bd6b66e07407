/* SPDX-License-Identifier: MIT */
/* Guest SBI: the extension tables [SBI binary-encoding.adoc]; the dispatcher is inline in vsbi.h. */
#include "core/vsbi/vsbi.h"
#include "sbi.h"

const struct vsbi_ext *const vsbi_exts[] = {
	&vsbi_ext_base, &vsbi_ext_time, &vsbi_ext_ipi, &vsbi_ext_rfence, &vsbi_ext_hsm, &vsbi_ext_srst,
	&vsbi_ext_dbcn, &vsbi_ext_legacy_set_timer, &vsbi_ext_legacy_putchar, &vsbi_ext_legacy_getchar,
	&vsbi_ext_legacy_shutdown, &vsbi_ext_partvisor, NULL,
};

/* A collision of two EIDs in one slot is an "initialized field overwritten" error (-Werror). */
const struct vsbi_ext *const vsbi_slots[VSBI_SLOTS] = {
	[VSBI_SLOT(SBI_EXT_BASE)] = &vsbi_ext_base,
	[VSBI_SLOT(SBI_EXT_TIME)] = &vsbi_ext_time,
	[VSBI_SLOT(SBI_EXT_IPI)] = &vsbi_ext_ipi,
	[VSBI_SLOT(SBI_EXT_RFNC)] = &vsbi_ext_rfence,
	[VSBI_SLOT(SBI_EXT_HSM)] = &vsbi_ext_hsm,
	[VSBI_SLOT(SBI_EXT_SRST)] = &vsbi_ext_srst,
	[VSBI_SLOT(SBI_EXT_DBCN)] = &vsbi_ext_dbcn,
	[VSBI_SLOT(SBI_EXT_LEGACY_SET_TIMER)] = &vsbi_ext_legacy_set_timer,
	[VSBI_SLOT(SBI_EXT_LEGACY_PUTCHAR)] = &vsbi_ext_legacy_putchar,
	[VSBI_SLOT(SBI_EXT_LEGACY_GETCHAR)] = &vsbi_ext_legacy_getchar,
	[VSBI_SLOT(SBI_EXT_LEGACY_SHUTDOWN)] = &vsbi_ext_legacy_shutdown,
	[VSBI_SLOT(SBI_EXT_PARTVISOR)] = &vsbi_ext_partvisor,
};

bool vsbi_hart_in_mask(unsigned long mask, unsigned long base, unsigned vhartid)
{
	if (base == -1UL)
		return true;
	return vhartid >= base && vhartid - base < 64 && (mask >> (vhartid - base)) & 1;
}

bool vsbi_mask_valid(const struct partition *p, unsigned long mask, unsigned long base)
{
	if (base == -1UL)
		return true;
	if (base >= p->nr_vcpus)
		return false;
	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b) & 1 && base + b >= p->nr_vcpus)
			return false;
	return true;
}

__thread struct vsbi_frame vsbi_this_call;
