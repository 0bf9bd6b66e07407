/* SPDX-License-Identifier: MIT */
/*
 * Entry points (entry.S) and the two functions they enter, which the layer above
 * implements (core/main.c): the boot hart's hv_main, and hart_main for every
 * hart once it runs on its own stack and TLS.
 */
#ifndef PV_ARCH_ENTRY_H
#define PV_ARCH_ENTRY_H

#include "arch/riscv/hart.h"

/** Where SBI HSM hart_start sends a secondary hart: a0 = hart id, a1 = its struct arch_hart. */
void secondary_entry(void);

/** Move the running hart onto @h's stack and TLS and continue in hart_main(@h). */
void hart_switch(struct arch_hart *h) __attribute__((noreturn));

/** Boot hart, first C function after early_init: @hartid from OpenSBI, @fdt the host device tree. Implemented above. */
void hv_main(unsigned long hartid, void *fdt) __attribute__((noreturn));

/** Every hart, on its own stack and TLS (@h's). Implemented above. */
void hart_main(struct arch_hart *h) __attribute__((noreturn));

#endif
