/* SPDX-License-Identifier: MIT */
/* S-level APLIC, MSI delivery mode: route one wired source. See aplic.h. */
#include "drivers/aplic/aplic.h"

#define APLIC_DOMAINCFG  0x0000
#define APLIC_SOURCECFG  0x0004                 /* + 4 * (src - 1) */
#define APLIC_SETIENUM   0x1edc
#define APLIC_TARGET     0x3004                 /* + 4 * (src - 1) */
#define DOMAINCFG_IE     (1U << 8)
#define DOMAINCFG_DM     (1U << 2)
#define TARGET_HART_SHIFT 18

static void wr(hpa_t base, uint64_t off, uint32_t v)
{
	__asm__ volatile("fence w, o" ::: "memory");
	*(volatile uint32_t *)(uintptr_t)(base.v + off) = v;
}

static uint32_t rd(hpa_t base, uint64_t off)
{
	uint32_t v = *(volatile uint32_t *)(uintptr_t)(base.v + off);

	__asm__ volatile("fence i, r" ::: "memory");
	return v;
}

int aplic_route_msi(hpa_t base, uint64_t size, uint32_t src, uint32_t sm, uint32_t hart_index, uint32_t eiid)
{
	if (!src || src > 1023 || !eiid || eiid > 2047 || hart_index > 0x3fff ||
	    APLIC_TARGET + 4ULL * (src - 1) + 4 > size)
		return -PV_EINVAL;
	wr(base, APLIC_DOMAINCFG, DOMAINCFG_DM);           /* MSI mode, interrupts off while it is set up */
	if (!(rd(base, APLIC_DOMAINCFG) & DOMAINCFG_DM))
		return -PV_ENOENT;
	wr(base, APLIC_SOURCECFG + 4ULL * (src - 1), sm);
	if ((rd(base, APLIC_SOURCECFG + 4ULL * (src - 1)) & 7) != sm)
		return -PV_ENOENT;                            /* not delegated to this domain: reads 0 */
	wr(base, APLIC_TARGET + 4ULL * (src - 1), hart_index << TARGET_HART_SHIFT | eiid);
	wr(base, APLIC_SETIENUM, src);
	wr(base, APLIC_DOMAINCFG, DOMAINCFG_DM | DOMAINCFG_IE);
	return 0;
}
