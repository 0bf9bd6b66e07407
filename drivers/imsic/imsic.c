/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's use of the IMSIC [AIA IMSIC.adoc]: each hart's S-level
 * interrupt file carries hypervisor IPIs (identity IMSIC_HV_IPI_ID) between
 * harts; guest interrupt files are handed to vCPUs and never touched here
 * except through hstatus.VGEIN-selected vs* CSRs.
 */
#include "arch/riscv/csr.h"
#include "drivers/imsic/imsic.h"

/* Write @val to indirect register @sel of the S-level file (siselect/sireg). */
static void s_ireg_write(uint64_t sel, uint64_t val)
{
	csr_write(siselect, sel);
	csr_write(sireg, val);
}

void imsic_hv_init(void)
{
	s_ireg_write(ISELECT_EIDELIVERY, 1);
	s_ireg_write(ISELECT_EITHRESHOLD, 0);
	s_ireg_write(ISELECT_EIE0, 0);
	csr_set(sie, 1ULL << IRQ_S_EXT);
}

void imsic_hv_enable(uint32_t id)
{
	/* eie0 covers identities 0..63 on RV64 [AIA IMSIC.adoc "eie registers"]. */
	csr_write(siselect, ISELECT_EIE0);
	csr_set(sireg, 1ULL << (id & 63));
}

void imsic_hv_disable(uint32_t id)
{
	csr_write(siselect, ISELECT_EIE0);
	csr_clear(sireg, 1ULL << (id & 63));
}

void imsic_hv_set_pending(uint32_t id)
{
	csr_write(siselect, ISELECT_EIP0);
	csr_set(sireg, 1ULL << (id & 63));
}

uint32_t imsic_hv_claim(void)
{
	uint64_t v;

	/* Reading and writing stopei in one csrrw claims the top pending identity. */
	__asm__ volatile("csrrw %0, stopei, zero" : "=r"(v) :: "memory");
	return (uint32_t)(v >> 16) & 0x7ff;
}

void imsic_send(hpa_t file, uint32_t id)
{
	__asm__ volatile("fence w, o" ::: "memory");
	*(volatile uint32_t *)(uintptr_t)file.v = id;  /* seteipnum_le at offset 0 */
}

void imsic_guest_file_reset(unsigned guest_file, uint32_t num_ids)
{
	uint64_t hs = csr_read(hstatus);

	/* vsiselect/vsireg reach guest file hstatus.VGEIN [AIA CSRs.adoc]. */
	csr_write(hstatus, (hs & ~HSTATUS_VGEIN_MASK) | ((uint64_t)guest_file << HSTATUS_VGEIN_SHIFT));
	csr_write(vsiselect, ISELECT_EIDELIVERY);
	csr_write(vsireg, 0);
	csr_write(vsiselect, ISELECT_EITHRESHOLD);
	csr_write(vsireg, 0);
	/* On RV64 only even eie/eip registers exist, each covering 64 identities. */
	for (unsigned k = 0; (uint64_t)k * 32 <= num_ids; k += 2) {
		csr_write(vsiselect, ISELECT_EIE0 + k);
		csr_write(vsireg, 0);
		csr_write(vsiselect, ISELECT_EIP0 + k);
		csr_write(vsireg, 0);
	}
	csr_write(hstatus, hs);
}
