/* SPDX-License-Identifier: MIT */
/*
 * Early boot: stack-protector guard and per-hart TLS. Functions here run before
 * the guard has its final value, so they are built without stack protection.
 */
#include <libfdt.h>
#include <string.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "lib/entropy.h"
#include "lib/log.h"

/** The stack-protector canary, chosen at boot (see early_init). */
uintptr_t __stack_chk_guard;

__thread uint32_t hv_hartid;

/* Written by _start right after it cleared BSS (the values were read first thing). */
struct arch_boot_stamp arch_boot_stamp;

extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];

__attribute__((no_stack_protector)) void tls_init_block(uint8_t *block)
{
	size_t tdata = (size_t)(__tdata_end - __tdata_start);
	size_t total = (size_t)(__tbss_end - __tdata_start);

	memcpy(block, __tdata_start, tdata);
	memset(block + tdata, 0, total - tdata);
}

extern uint8_t boot_tls[];
void early_init(unsigned long hartid, const void *fdt);
void __stack_chk_fail(void) __attribute__((noreturn));

/**
 * First C code on the boot hart: set up its TLS, feed the FDT's /chosen/rng-seed
 * (if the boot loader provides one), the time and the hart id into the entropy pool
 * and draw __stack_chk_guard from it. Must not be stack-protected: it changes the guard.
 */
__attribute__((no_stack_protector)) void early_init(unsigned long hartid, const void *fdt)
{
	uint64_t guard;
	int off, len = 0;
	const void *rng = NULL;

	tls_init_block(boot_tls);
	hv_hartid = (uint32_t)hartid;
	if (fdt_check_header(fdt) == 0 && (off = fdt_path_offset(fdt, "/chosen")) >= 0)
		rng = fdt_getprop(fdt, off, "rng-seed", &len);
	/* The one entropy pool (lib/entropy.c) gets the boot chain's seed; guests draw from it later. */
	entropy_add(rng, rng && len > 0 ? (size_t)len : 0, csr_read(time) ^ (hartid << 32));
	entropy_fill(&guard, sizeof(guard), csr_read(cycle));
	/* A zero byte first stops string overreads from leaking the canary. */
	__stack_chk_guard = (uintptr_t)(guard & ~0xffULL);
}

/** Called by stack-protected code whose canary was overwritten: a hypervisor bug. */
void __attribute__((noreturn)) __stack_chk_fail(void)
{
	pr("partvisor: PANIC on hart %u: stack smashing detected; hart stopped\n", hv_hartid);
	for (;;)
		__asm__ volatile("wfi");
}
