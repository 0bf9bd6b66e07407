/* SPDX-License-Identifier: MIT */
/* Offsets into struct pcpu used by assembly (checked with _Static_assert in arch/riscv/hart.c), and trap codes. */
#ifndef PV_ASM_OFFSETS_H
#define PV_ASM_OFFSETS_H
#define REGS_SEPC_OFF       256
#define REGS_SSTATUS_OFF    264
#define REGS_HSTATUS_OFF    272
#define REGS_PARTIAL_OFF    280
#define PCPU_STACK_TOP_OFF  288
#define PCPU_TP_OFF         296

/* scause codes trap_entry.S dispatches on [Priv ISA "scause"] (checked in arch/riscv/trap.c). */
#define SCAUSE_VS_ECALL     10   /* environment call from VS-mode */
#define SCAUSE_LOAD_GPF     21   /* load guest-page fault; the store one (23) differs only in bit 1 */

/* Transformed-instruction (htinst) fields [Priv ISA "Transformed Instruction or Pseudoinstruction for
 * mtinst or htinst"]: bits 6:0 the opcode with bit 1 cleared for a compressed original. */
#define HTINST_OPC_MASK     0x7d /* opcode bits but bit 1 */
#define HTINST_OPC_LOAD     0x01 /* LOAD (0x03) with bit 1 cleared */
#define HTINST_OPC_STORE    0x21 /* STORE (0x23) with bit 1 cleared */
#define HTINST_RD_SHIFT     7    /* rd of a load */
#define HTINST_RS2_SHIFT    20   /* rs2 of a store */
#endif
