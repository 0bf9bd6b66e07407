/* SPDX-License-Identifier: MIT */
/*
 * Hypercall round trips as the guest sees them ("hcallbench" in bootargs, make bench): 1000 calls
 * each of GET_INFO(VERSION) (the null hypercall) and, when the partition has a PCI function,
 * MSI_COMPOSE + MSI_RELEASE of function 00:00.0, each timed with the instret counter (every
 * instruction the hart retires, the hypervisor's included, between the two reads). Prints
 * min / median / max per call.
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

static void report(const char *what)
{
	sort(samples, CALLS);
	say("hcallbench: %s: %u calls, instructions min %lu median %lu max %lu", what, CALLS,
	    (unsigned long)samples[0], (unsigned long)samples[CALLS / 2], (unsigned long)samples[CALLS - 1]);
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
