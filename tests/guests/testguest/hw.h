/* SPDX-License-Identifier: MIT */
/* testguest: RISC-V S-mode constants and helpers (CSRs, SBI calls). Shared with start.S. */
#ifndef TESTGUEST_HW_H
#define TESTGUEST_HW_H

#define MAX_HARTS   8             /* stack/TLS slots in start.S */
#define STACK_SIZE  (16 * 1024)   /* per hart, TLS block included */
#define TLS_ALIGN   64            /* tp alignment; guest.ld asserts .tdata/.tbss need no more */

#define SSTATUS_SIE     (1UL << 1)
#define SSTATUS_FS_INIT (1UL << 13)   /* FS = Initial: FP instructions allowed */
#define IRQ_S_TIMER     5             /* scause interrupt codes, sie/sip bits */
#define IRQ_S_EXT       9
#define SCAUSE_IRQ      (1UL << 63)

#ifndef __ASSEMBLER__
#include <stdint.h>

#define csr_read(csr) ({ unsigned long v_; \
	__asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#define csr_set(csr, val) \
	__asm__ volatile("csrs " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) \
	__asm__ volatile("csrc " #csr ", %0" : : "r"((unsigned long)(val)) : "memory")
#define csr_swap(csr, val) ({ unsigned long v_; \
	__asm__ volatile("csrrw %0, " #csr ", %z1" : "=r"(v_) : "rJ"((unsigned long)(val)) : "memory"); v_; })

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* SBI calling convention: a7 = EID, a6 = FID, a0..a5 = args; returns a0 = error, a1 = value. */
#define SBI_EXT_HSM   0x48534DUL
#define SBI_EXT_SRST  0x53525354UL
#define SBI_EXT_DBCN  0x4442434EUL
#define SBI_HSM_START 0
#define SBI_HSM_STOP  1
#define SBI_HSM_STATUS 2
#define SBI_HSM_STOPPED 1
#define SBI_DBCN_WRITE 0
#define SBI_ERR_NOT_SUPPORTED (-2L)
#define SBI_ERR_INVALID_PARAM (-3L)

/* partvisor's own hypercalls (SBI calling convention, EID "partvisor"). FID 0 is the v0 call
 * (PARTVISOR_FID_MSI_ADDR in include/partvisor/hypercall.h, which has ABI v1 too):
 * a0 = guest hart id (vCPU index), a1 = IMSIC identity -> error, value = MSI address to
 * program into a passed-through device (the MSI data is the identity); it opens nothing. */
#define PV_EXT_ID             0x08505600UL
#define PV_FID_MSI_COMPOSE    0

/* IMSIC indirect registers (siselect values) */
#define ISEL_EIDELIVERY  0x70
#define ISEL_EITHRESHOLD 0x72
#define ISEL_EIP0        0x80
#define ISEL_EIE0        0xC0   /* RV64: only even eip/eie indexes; eie0 covers identities 0..63 */

struct sbiret {
	long error;
	long value;
};

static inline struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0,
				     unsigned long arg1, unsigned long arg2)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

static inline void imsic_write(unsigned long isel, unsigned long val)
{
	csr_write(siselect, isel);
	csr_write(sireg, val);
}

static inline unsigned long imsic_read(unsigned long isel)
{
	csr_write(siselect, isel);
	return csr_read(sireg);
}
#endif /* __ASSEMBLER__ */

#endif
