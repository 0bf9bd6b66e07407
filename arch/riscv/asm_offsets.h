/* SPDX-License-Identifier: MIT */
/* Offsets into struct pcpu used by assembly (checked with _Static_assert in arch/riscv/hart.c). */
#ifndef PV_ASM_OFFSETS_H
#define PV_ASM_OFFSETS_H
#define REGS_SEPC_OFF       256
#define REGS_SSTATUS_OFF    264
#define REGS_HSTATUS_OFF    272
#define REGS_PARTIAL_OFF    280
#define PCPU_STACK_TOP_OFF  288
#define PCPU_TP_OFF         296
#endif
