/* SPDX-License-Identifier: MIT */
/*
 * CSR access and the H-extension / AIA bit definitions the firmware uses
 * [Priv ISA "Hypervisor Extension", AIA "CSRs.adoc"]. Firmware only.
 */
#ifndef PV_CSR_H
#define PV_CSR_H

#include <stdint.h>

#define csr_read(csr) ({ uint64_t __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ uint64_t __v = (uint64_t)(val); __asm__ volatile("csrw " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_set(csr, val) ({ uint64_t __v = (uint64_t)(val); __asm__ volatile("csrs " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_clear(csr, val) ({ uint64_t __v = (uint64_t)(val); __asm__ volatile("csrc " #csr ", %0" :: "rK"(__v) : "memory"); })
#define csr_swap(csr, val) ({ uint64_t __v = (uint64_t)(val); __asm__ volatile("csrrw %0, " #csr ", %0" : "+r"(__v) :: "memory"); __v; })

/* sstatus */
#define SSTATUS_SIE  (1ULL << 1)
#define SSTATUS_SPIE (1ULL << 5)
#define SSTATUS_SPP  (1ULL << 8)
#define SSTATUS_VS_INITIAL (1ULL << 9)
#define SSTATUS_FS_INITIAL (1ULL << 13)

/* hstatus (RV64) */
#define HSTATUS_GVA   (1ULL << 6)
#define HSTATUS_SPV   (1ULL << 7)
#define HSTATUS_SPVP  (1ULL << 8)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN_MASK  (0x3fULL << HSTATUS_VGEIN_SHIFT)
#define HSTATUS_VSXL_64     (2ULL << 32)   /* VS-mode XLEN = 64 */

/* scause */
#define CAUSE_IRQ_FLAG          (1ULL << 63)
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL_INSN      2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_USER_ECALL        8
#define CAUSE_VS_ECALL          10
#define CAUSE_FETCH_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT   13
#define CAUSE_STORE_PAGE_FAULT  15
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20
#define CAUSE_LOAD_GUEST_PAGE_FAULT  21
#define CAUSE_VIRTUAL_INSN           22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23

/* interrupt numbers (sip/sie/hip/hie/hvip/hideleg bits) */
#define IRQ_S_SOFT   1
#define IRQ_VS_SOFT  2
#define IRQ_S_TIMER  5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT    9
#define IRQ_VS_EXT   10
#define IRQ_S_GEXT   12

/* henvcfg */
#define ENVCFG_CBIE_FLUSH (1ULL << 4)
#define ENVCFG_CBCFE (1ULL << 6)
#define ENVCFG_CBZE  (1ULL << 7)
#define ENVCFG_PBMTE (1ULL << 62)
#define ENVCFG_STCE  (1ULL << 63)

/* hcounteren */
#define HCOUNTEREN_CY (1ULL << 0)
#define HCOUNTEREN_TM (1ULL << 1)
#define HCOUNTEREN_IR (1ULL << 2)

/* hstateen0 [Smstateen]: let VS-mode reach the IMSIC, AIA and indirect CSRs and sstateen0. */
#define HSTATEEN0_CSRIND (1ULL << 60)
#define HSTATEEN0_AIA    (1ULL << 59)
#define HSTATEEN0_IMSIC  (1ULL << 58)
#define HSTATEEN0_ENVCFG (1ULL << 62)
#define HSTATEEN0_SE0    (1ULL << 63)

/* AIA indirect register selectors of an IMSIC interrupt file [AIA IMSIC.adoc "Indirectly accessed registers"] */
#define ISELECT_EIDELIVERY  0x70
#define ISELECT_EITHRESHOLD 0x72
#define ISELECT_EIP0        0x80
#define ISELECT_EIE0        0xc0

/* H-extension fences (the assembler needs the H extension enabled for these). */
static inline void hfence_gvma_all(void)
{
	__asm__ volatile(".option push\n.option arch,+h\nhfence.gvma zero, zero\n.option pop" ::: "memory");
}
static inline void hfence_vvma_all(void)
{
	__asm__ volatile(".option push\n.option arch,+h\nhfence.vvma zero, zero\n.option pop" ::: "memory");
}

#endif
