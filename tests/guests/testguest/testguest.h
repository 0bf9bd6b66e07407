/* SPDX-License-Identifier: MIT */
/* testguest: what main.c shares with the device tests (edu.c). */
#ifndef TESTGUEST_H
#define TESTGUEST_H

#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_IMSIC  64      /* IMSIC interrupt files we look at */
#define TIMEOUT_S  2

extern char _start[], _end[];

struct range {
	uint64_t base, size;
};

/* The S-level IMSIC: base of its first reg, per-hart stride, hart id of each IMSIC index. */
struct imsic {
	uint64_t base, stride;
	int n;
	unsigned long hart[MAX_IMSIC];
};

/* Console: one whole line per call (a newline is added). fail() also counts a failure. */
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...);
/* How many failures fail() counted so far, on every vCPU. */
unsigned failure_count(void);

/* Device tree (libfdt). */
uint64_t cells(const fdt32_t *p, int n);

/* HSM suspend tests ("suspend" in bootargs, suspend.c): the boot hart suspends, its sibling helps. */
void suspend_test(unsigned long hartid, uint64_t tb);
void suspend_helper(uint64_t tb);

/* Hypercall round trips in instructions ("hcallbench" in bootargs, hcallbench.c). */
void hcall_bench(void);
/* Emulated 16550 register accesses in instructions ("uartbench" in bootargs, hcallbench.c). */
void uart_bench(const void *fdt);
bool node_okay(const void *fdt, int node);
int node_ranges(const void *fdt, int node, struct range *r, int max);
int fdt_memory(const void *fdt, struct range *r, int max);
bool fdt_imsic(const void *fdt, struct imsic *im);
bool bootargs_has(const void *fdt, const char *word);
const char *bootargs_value(const void *fdt, const char *key, size_t *len);

/* Sleep until *count >= want or the deadline (rdtime); something must wake the hart by the
 * deadline (a timer interrupt: stimecmp). */
bool wait_irq(const unsigned *count, unsigned want, uint64_t deadline);

/* edu.c: the "edu" mode (QEMU's edu PCI device), run on the boot hart once the others have
 * stopped; edu_take_irq() is called by the trap handler for each IMSIC identity it claims
 * and returns whether the identity was the device's. */
void edu_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb);
bool edu_take_irq(unsigned long id);

/* virtio.c: the "virtio" mode (a virtio-rng PCI function's MSI-X aimed at each vCPU in turn
 * through MSI_COMPOSE), run on the boot hart once the others have stopped; it restarts each other
 * vCPU k with HSM hart_start, and that vCPU's hart_main calls virtio_secondary(), which runs
 * vCPU k's round and returns true (then the vCPU stops), or returns false when no round is
 * pending for it (its first start: the normal checks). virtio_take_irq() is called by the trap
 * handler for each IMSIC identity vCPU `hartid` claims and returns whether it was the device's. */
void virtio_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb);
bool virtio_secondary(unsigned long hartid);
bool virtio_take_irq(unsigned long hartid, unsigned long id);

/* Probes (main.c's trap handler): set expect_resume_pc (0: skip a 4-byte instruction), then
 * expect_fault_pc to the pc that is to fault (0 only with a resume address: a fetch of address 0);
 * the handler records fault_cause and fault_tval, resumes and clears both. */
extern volatile unsigned long expect_fault_pc, expect_resume_pc, fault_cause, fault_tval;

/* Timer interrupts this hart has taken (main.c's trap handler counts them). */
unsigned timer_irq_count(void);

/* hostile.c: the "hostile" mode, run on the boot hart once the others have stopped: a guest
 * attacking the hypervisor (SBI, memory, CSRs, floods, console). hostile_secondary() is what a
 * non-boot hart runs instead of its checks when hostile_test started it for the DBCN flood;
 * returns false (run the normal checks) otherwise. */
void hostile_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb);
bool hostile_secondary(unsigned long hartid, uint64_t tb);

#endif
