/* SPDX-License-Identifier: MIT */
/*
 * Hypercall round trips as the guest sees them ("hcallbench" in bootargs, make bench): 1000 calls
 * each of GET_INFO(VERSION) (the null hypercall) and, when the partition has a PCI function,
 * MSI_COMPOSE + MSI_RELEASE of function 00:00.0, each timed with the instret counter (every
 * instruction the hart retires, the hypervisor's included, between the two reads). Prints
 * min / median / max per call. "uartbench": 1000 reads of the LSR and 1000 writes of the SCR
 * of the emulated 16550 (trap-and-emulate MMIO), timed the same way.
 */
#include "hw.h"
#include "partvisor/hypercall.h"
#include "testguest.h"

#define CALLS 1000

static uint64_t samples[CALLS];

static inline uint64_t rdinstret(void)
{
	uint64_t v;

	__asm__ volatile("csrr %0, instret" : "=r"(v));
	return v;
}

/* Insertion sort: 1000 values, once per series. */
static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void report_as(const char *bench, const char *what, const char *unit)
{
	sort(samples, CALLS);
	say("%s: %s: %u %s, instructions min %lu median %lu max %lu", bench, what, CALLS, unit,
	    (unsigned long)samples[0], (unsigned long)samples[CALLS / 2], (unsigned long)samples[CALLS - 1]);
}

static void report(const char *what)
{
	report_as("hcallbench", what, "calls");
}

void hcall_bench(void)
{
	struct sbiret r;
	uint64_t t0, empty;

	/* The cost of the two counter reads themselves, subtracted below. */
	t0 = rdinstret();
	empty = rdinstret() - t0;
	for (unsigned i = 0; i < CALLS; i++) {
		t0 = rdinstret();
		r = sbi_call(PARTVISOR_EID, PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_VERSION, 0, 0);
		samples[i] = rdinstret() - t0 - empty;
		if (r.error || r.value != (long)PARTVISOR_VERSION) {
			fail("hcallbench: FAIL get_info error %ld value 0x%lx", r.error, (unsigned long)r.value);
			return;
		}
	}
	report("get_info (null hypercall)");
	r = sbi_call(PARTVISOR_EID, PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_NR_DEVICES, 0, 0);
	if (r.error || r.value < 1) {
		say("hcallbench: no PCI function: msi_compose not measured");
		return;
	}
	for (unsigned i = 0; i < CALLS; i++) {
		t0 = rdinstret();
		r = sbi_call(PARTVISOR_EID, PARTVISOR_FID_MSI_COMPOSE, 0, 0, 1);
		samples[i] = rdinstret() - t0 - empty;
		if (r.error) {
			fail("hcallbench: FAIL msi_compose error %ld", r.error);
			return;
		}
		sbi_call(PARTVISOR_EID, PARTVISOR_FID_MSI_RELEASE, 0, 0, 1);
	}
	report("msi_compose (then released, untimed)");
}

#define UART_SCR 7
#define UART_LSR 5
#define LSR_THRE_TEMT 0x60   /* transmitter empty: the model always reports both */

/* The guest's 16550 (compatible "ns16550a"), from the device tree; 0 if there is none. */
static uintptr_t fdt_uart(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "ns16550a");
	struct range reg;

	if (node < 0 || node_ranges(fdt, node, &reg, 1) != 1)
		return 0;
	return (uintptr_t)reg.base;
}

void uart_bench(const void *fdt)
{
	volatile uint8_t *uart = (volatile uint8_t *)fdt_uart(fdt);
	uint64_t t0, empty;
	uint8_t v;

	if (!uart) {
		fail("uartbench: FAIL no ns16550a node in the device tree");
		return;
	}
	t0 = rdinstret();
	empty = rdinstret() - t0;
	for (unsigned i = 0; i < CALLS; i++) {
		t0 = rdinstret();
		v = uart[UART_LSR];
		samples[i] = rdinstret() - t0 - empty;
		if ((v & LSR_THRE_TEMT) != LSR_THRE_TEMT) {
			fail("uartbench: FAIL LSR read 0x%02x", v);
			return;
		}
	}
	report_as("uartbench", "lsr read (emulated 16550)", "reads");
	for (unsigned i = 0; i < CALLS; i++) {
		t0 = rdinstret();
		uart[UART_SCR] = (uint8_t)i;
		samples[i] = rdinstret() - t0 - empty;
	}
	v = uart[UART_SCR];
	if (v != (uint8_t)(CALLS - 1)) {
		fail("uartbench: FAIL SCR reads 0x%02x after writing 0x%02x", v, (uint8_t)(CALLS - 1));
		return;
	}
	report_as("uartbench", "scr write (emulated 16550)", "writes");
}
