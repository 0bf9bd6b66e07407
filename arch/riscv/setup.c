/* SPDX-License-Identifier: MIT */
/*
 * Early boot: stack-protector guard and per-hart TLS. Functions here run before
 * the guard has its final value, so they are built without stack protection.
 */
#include <libfdt.h>
#include <string.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "lib/log.h"

/** The stack-protector canary, chosen at boot (see early_init). */
uintptr_t __stack_chk_guard;

__thread uint32_t hv_hartid;

extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];

/* splitmix64 step: spreads entropy from weak seeds over all bits. */
static __attribute__((no_stack_protector)) uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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
 * First C code on the boot hart: set up its TLS and seed __stack_chk_guard from
 * the FDT's /chosen/rng-seed (if the boot loader provides one), the time and
 * cycle counters and the hart id. Must not be stack-protected: it changes the guard.
 */
__attribute__((no_stack_protector)) void early_init(unsigned long hartid, const void *fdt)
{
	uint64_t seed = csr_read(time) ^ (hartid << 32);
	int off, len;

	tls_init_block(boot_tls);
	hv_hartid = (uint32_t)hartid;
	if (fdt_check_header(fdt) == 0 && (off = fdt_path_offset(fdt, "/chosen")) >= 0) {
		const uint8_t *rng = fdt_getprop(fdt, off, "rng-seed", &len);

		for (int i = 0; rng && i < len; i++)
			seed = mix64(seed ^ rng[i]);
	}
	seed = mix64(seed ^ csr_read(cycle));
	/* A zero byte first stops string overreads from leaking the canary. */
	__stack_chk_guard = (uintptr_t)(seed & ~0xffULL);
}

/** Called by stack-protected code whose canary was overwritten: a hypervisor bug. */
void __attribute__((noreturn)) __stack_chk_fail(void)
{
	pr("partvisor: PANIC on hart %u: stack smashing detected; hart stopped\n", hv_hartid);
	for (;;)
		__asm__ volatile("wfi");
}
