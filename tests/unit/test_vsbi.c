/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the guest SBI (core/vsbi/): the dispatcher, every
 * extension (BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, legacy, PARTVISOR), hart
 * masks, guest buffer checks and the exit counters, over a 4-vCPU partition
 * with 1 MiB of RAM, the fake arch layer and the fake run loop (fakes.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "core/console.h"
#include "core/guest_layout.h"
#include "core/run.h"
#include "core/vsbi/vsbi.h"
#include "fakes.h"
#include "sbi.h"

#define UNUSED __attribute__((unused))

#define NR_VCPUS  4
#define RAM_GPA   0x80000000UL
#define RAM_SIZE  (1UL << 20)
#define RAM_END   (RAM_GPA + RAM_SIZE)
#define GUEST_IDS 255
#define SEPC      0x80001000UL
#define SENTINEL  0x5a5a5a5a5a5a5a5aULL   /* a1 as the guest left it */

static uint8_t ram_buffer[RAM_SIZE] __attribute__((aligned(4096)));
static struct pv_part_config cfg;
static struct partition p;
static struct guest_regs regs;

/* ---- partition and call helpers ---- */

/* vCPUs 0, 1, 3 STARTED and 2 STOPPED, each on hv_pcpus[k]; the console has one client, p. */
static int setup(void **state UNUSED)
{
	fake_reset();
	memset(&cfg, 0, sizeof(cfg));
	memset(&p, 0, sizeof(p));
	memset(hv_pcpus, 0, sizeof(hv_pcpus));
	memset(ram_buffer, 0, sizeof(ram_buffer));
	strcpy(cfg.name, "p0");
	strcpy(cfg.node_path, "/partitions/p0");
	cfg.nr_vcpus = NR_VCPUS;
	cfg.mem_gpa = gpa(RAM_GPA);
	cfg.mem_hpa = hpa((uintptr_t)ram_buffer);
	cfg.mem_size = sizeof(ram_buffer);
	cfg.image = -1;
	p.cfg = &cfg;
	p.nr_vcpus = NR_VCPUS;
	p.guest_ids = GUEST_IDS;
	p.con.name = cfg.name;
	for (unsigned k = 0; k < NR_VCPUS; k++) {
		struct vcpu *v = &p.vcpus[k];

		hv_pcpus[k].index = k;
		hv_pcpus[k].hartid = k;
		hv_pcpus[k].vcpu = v;
		v->part = &p;
		v->vhartid = k;
		v->hartid = k;
		v->pcpu = &hv_pcpus[k];
		v->state = k == 2 ? VCPU_STOPPED : VCPU_STARTED;
		console_stream_init(&v->dbcn, &p.con);
	}
	console_init();
	console_reset();
	assert_int_equal(console_register(&p.con), 0);
	return 0;
}

static struct vcpu *vcpu(unsigned k)
{
	return &p.vcpus[k];
}

/* Guest RAM at guest physical @g (inside the partition). */
static uint8_t *ram(unsigned long g)
{
	assert_true(g >= RAM_GPA && g < RAM_END);
	return ram_buffer + (g - RAM_GPA);
}

/*
 * vCPU @v makes ecall (a7 = @eid, a6 = @fid, a0..a2); a3..a5 are garbage and a1
 * starts as SENTINEL. Checks what every call must do (sepc + 4, no lock held).
 */
static enum vsbi_action sbi3(struct vcpu *v, unsigned long eid, unsigned long fid, unsigned long a0,
			     unsigned long a1, unsigned long a2)
{
	enum vsbi_action act;

	memset(&regs, 0, sizeof(regs));
	regs.x[17] = eid;
	regs.x[16] = fid;
	regs.x[10] = a0;
	regs.x[11] = a1;
	regs.x[12] = a2;
	regs.x[13] = 0x1313;
	regs.x[14] = 0x1414;
	regs.x[15] = 0x1515;
	regs.sepc = SEPC;
	act = vsbi_handle(v, &regs)->action;
	assert_int_equal(regs.sepc, SEPC + 4);
	assert_int_equal(fake.locks_held, 0);
	/* registers other than a0/a1 are left alone */
	assert_int_equal(regs.x[12], a2);
	assert_int_equal(regs.x[16], fid);
	assert_int_equal(regs.x[17], eid);
	return act;
}

static enum vsbi_action sbi(struct vcpu *v, unsigned long eid, unsigned long fid, unsigned long a0,
			    unsigned long a1)
{
	return sbi3(v, eid, fid, a0, a1, 0);
}

static long err(void)
{
	return (long)regs.x[10];
}

static long val(void)
{
	return (long)regs.x[11];
}

/* Total requests of kind @req sent to any pcpu. */
static unsigned sent_total(enum pcpu_req req)
{
	unsigned n = 0;

	for (unsigned k = 0; k < 8; k++)
		n += fake.sent[k][req];
	return n;
}

static unsigned sent_all(void)
{
	return sent_total(REQ_WAKE) + sent_total(REQ_VSSIP) + sent_total(REQ_FENCE) + sent_total(REQ_STOP);
}

static uint64_t exits_total(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < EXIT_NR; i++)
		n += p.exits[i];
	return n;
}

/* ---- BASE ---- */

static void test_base_versions(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0x2000000);
	assert_int_equal(val() >> 24 & 0x7f, 2);   /* major */
	assert_int_equal(val() & 0xffffff, 0);     /* minor */

	sbi(vcpu(0), SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), PV_SBI_IMPL_ID);
	assert_int_equal(val(), 0x5056);

	sbi(vcpu(1), SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), PV_SBI_IMPL_VERSION);

	assert_int_equal(fake.ecalls, 0);
	assert_int_equal(p.exits[EXIT_SBI_BASE], 3);
}

/* The extension a linear search of vsbi_exts[] finds for @eid (what vsbi_find's direct look-up must agree with). */
static const struct vsbi_ext *find_linear(unsigned long eid)
{
	for (const struct vsbi_ext *const *e = vsbi_exts; *e; e++)
		if (eid >= (*e)->eid_min && eid <= (*e)->eid_max)
			return *e;
	return NULL;
}

static void test_find_direct(void **state UNUSED)
{
	unsigned n = 0;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	/* every extension is found in its slot, and each has one EID */
	for (const struct vsbi_ext *const *e = vsbi_exts; *e; e++, n++) {
		assert_int_equal((*e)->eid_min, (*e)->eid_max);
		assert_ptr_equal(vsbi_find((*e)->eid_min), *e);
		/* neighbours and one-bit variations share slots with it now and then: never found */
		for (unsigned b = 0; b < 64; b++)
			assert_ptr_equal(vsbi_find((*e)->eid_min ^ (1UL << b)), find_linear((*e)->eid_min ^ (1UL << b)));
	}
	assert_int_equal(n, 12);
	/* small EIDs, and pseudo-random ones */
	for (unsigned long eid = 0; eid < 0x10000; eid++)
		assert_ptr_equal(vsbi_find(eid), find_linear(eid));
	for (unsigned i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		assert_ptr_equal(vsbi_find(x), find_linear(x));
		assert_ptr_equal(vsbi_find(x & 0xffffffff), find_linear(x & 0xffffffff));
	}
}

static void test_base_probe(void **state UNUSED)
{
	static const unsigned long present[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFNC, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
		SBI_EXT_LEGACY_SET_TIMER, SBI_EXT_LEGACY_PUTCHAR, SBI_EXT_LEGACY_GETCHAR, SBI_EXT_LEGACY_SHUTDOWN,
		SBI_EXT_PARTVISOR,
	};
	static const unsigned long absent[] = {
		0x3, 0x4, 0x5, 0x6, 0x7,          /* legacy IPIs and remote fences: not offered */
		0x9, 0xf, 0x11,                   /* around BASE */
		0x504D55,                         /* PMU */
		0x53555350,                       /* SUSP */
		SBI_EXT_PARTVISOR - 1, SBI_EXT_PARTVISOR + 1,
		0x12345678, 0xdeadbeefcafe1234UL, ULONG_MAX,
	};

	for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		sbi(vcpu(0), SBI_EXT_BASE, SBI_BASE_PROBE_EXT, present[i], 0);
		assert_int_equal(err(), SBI_SUCCESS);
		assert_int_equal(val(), 1);
		assert_non_null(vsbi_find(present[i]));
	}
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		sbi(vcpu(0), SBI_EXT_BASE, SBI_BASE_PROBE_EXT, absent[i], 0);
		assert_int_equal(err(), SBI_SUCCESS);
		assert_int_equal(val(), 0);
		assert_null(vsbi_find(absent[i]));
	}
	assert_int_equal(p.exits[EXIT_SBI_BASE],
			 sizeof(present) / sizeof(present[0]) + sizeof(absent) / sizeof(absent[0]));
	assert_int_equal(exits_total(), p.exits[EXIT_SBI_BASE]);
}

static void test_base_machine_ids(void **state UNUSED)
{
	static const unsigned long fids[] = { SBI_BASE_GET_MVENDORID, SBI_BASE_GET_MARCHID, SBI_BASE_GET_MIMPID };

	for (unsigned i = 0; i < 3; i++) {
		sbi(vcpu(0), SBI_EXT_BASE, fids[i], 0, 0);
		assert_int_equal(err(), SBI_SUCCESS);
		assert_int_equal(fake.ecalls, i + 1);
		assert_int_equal(fake.last_eid, SBI_EXT_BASE);
		assert_int_equal(fake.last_fid, fids[i]);
		assert_int_equal(val(), 0x100 + fids[i]);   /* what the fake firmware answered */
	}
}

static void test_base_unknown_fid(void **state UNUSED)
{
	static const unsigned long fids[] = { 7, 8, 0x100, ULONG_MAX };

	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_BASE, fids[i], SBI_EXT_BASE, 0), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	}
	assert_int_equal(fake.ecalls, 0);
	assert_int_equal(p.exits[EXIT_SBI_BASE], 4);
}

static void test_unknown_eid(void **state UNUSED)
{
	static const unsigned long eids[] = { 0x3, 0x7, 0x12345678, 0x504D55, ULONG_MAX };

	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(sbi(vcpu(1), eids[i], 0, 1, 2), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
		assert_int_equal(val(), 0);   /* not a legacy extension: a1 is written */
		assert_int_equal(p.exits[EXIT_SBI_OTHER], i + 1);
	}
	assert_int_equal(exits_total(), 5);
	assert_int_equal(fake.ecalls, 0);
	assert_int_equal(fake.timer_sets, 0);
	assert_int_equal(fake.out_len, 0);
	assert_int_equal(sent_all(), 0);
}

/* ---- TIME ---- */

static void test_time_set_timer(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_TIME, 0, 0x123456789abcUL, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
	assert_int_equal(fake.timer, 0x123456789abcULL);
	assert_int_equal(fake.timer_sets, 1);
	assert_int_equal(p.exits[EXIT_SBI_TIME], 1);

	sbi(vcpu(0), SBI_EXT_TIME, 0, ULONG_MAX, 0);   /* "never" */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.timer, UINT64_MAX);
	assert_int_equal(fake.timer_sets, 2);
	assert_int_equal(p.exits[EXIT_SBI_TIME], 2);
	assert_int_equal(exits_total(), 2);
}

static void test_time_unknown_fid(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_TIME, 1, 0x1000, 0);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(fake.timer_sets, 0);
	assert_int_equal(p.exits[EXIT_SBI_TIME], 1);
}

static void test_legacy_set_timer(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_LEGACY_SET_TIMER, 0x77, 0xabcdef, SENTINEL), VSBI_RESUME);
	assert_int_equal(err(), 0);
	assert_int_equal(regs.x[11], SENTINEL);   /* legacy: only a0 is written */
	assert_int_equal(fake.timer, 0xabcdef);
	assert_int_equal(fake.timer_sets, 1);
	assert_int_equal(p.exits[EXIT_SBI_LEGACY], 1);
	assert_int_equal(p.exits[EXIT_SBI_TIME], 0);
}

/* ---- IPI ---- */

static void test_ipi_all(void **state UNUSED)
{
	/* base -1: every hart, the mask is ignored */
	assert_int_equal(sbi(vcpu(0), SBI_EXT_IPI, 0, 0, -1UL), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 1);               /* self */
	assert_int_equal(fake.sent[0][REQ_VSSIP], 0);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[2][REQ_VSSIP], 0);        /* STOPPED */
	assert_int_equal(fake.sent[3][REQ_VSSIP], 1);
	assert_int_equal(sent_all(), 2);
	assert_int_equal(p.exits[EXIT_SBI_IPI], 1);

	fake_reset();
	sbi(vcpu(3), SBI_EXT_IPI, 0, ULONG_MAX, -1UL);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 1);
	assert_int_equal(fake.sent[0][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[3][REQ_VSSIP], 0);
	assert_int_equal(sent_all(), 2);
}

static void test_ipi_self(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0x1, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 1);
	assert_int_equal(sent_all(), 0);

	/* vCPU 3 names itself as bit 0 of base 3 */
	fake_reset();
	sbi(vcpu(3), SBI_EXT_IPI, 0, 0x1, 3);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 1);
	assert_int_equal(sent_all(), 0);
}

static void test_ipi_others(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0xa, 0);   /* harts 1 and 3 */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[3][REQ_VSSIP], 1);
	assert_int_equal(sent_all(), 2);

	fake_reset();
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0x5, 1);   /* base 1: harts 1 and 3 */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[3][REQ_VSSIP], 1);
	assert_int_equal(sent_all(), 2);

	fake_reset();
	sbi(vcpu(1), SBI_EXT_IPI, 0, 0x1, 0);   /* hart 0 from hart 1 */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(fake.sent[0][REQ_VSSIP], 1);
	assert_int_equal(sent_all(), 1);

	fake_reset();
	sbi(vcpu(1), SBI_EXT_IPI, 0, 0x3, 0);   /* hart 0 and self */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 1);
	assert_int_equal(fake.sent[0][REQ_VSSIP], 1);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 0);
	assert_int_equal(sent_all(), 1);

	fake_reset();
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0, 0);     /* empty mask */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(sent_all(), 0);
}

static void test_ipi_not_started_skipped(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0x4, 0);   /* hart 2 is STOPPED */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(sent_all(), 0);
	assert_int_equal(fake.ssip_raised, 0);

	vcpu(3)->state = VCPU_START_PENDING;
	sbi(vcpu(0), SBI_EXT_IPI, 0, 0xe, 0);   /* 1 STARTED, 2 STOPPED, 3 START_PENDING */
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.sent[1][REQ_VSSIP], 1);
	assert_int_equal(sent_all(), 1);
}

static void test_ipi_invalid_masks(void **state UNUSED)
{
	static const struct { unsigned long mask, base; } bad[] = {
		{ 0x1, NR_VCPUS },                 /* base past the last vCPU */
		{ 0x0, NR_VCPUS },                 /* ... even with an empty mask */
		{ 0x1, 64 },
		{ 0x10, 0 },                       /* bit 4: hart 4 */
		{ 0x11, 0 },                       /* hart 0 is fine, hart 4 is not */
		{ 0x3, 3 },                        /* hart 3 and hart 4 */
		{ 1UL << 63, 0 },
		{ ULONG_MAX, 0 },
		{ 0x1, ULONG_MAX - 1 },            /* near -1, but not -1 */
		{ ULONG_MAX, ULONG_MAX - 1 },
		{ 0x1, 1UL << 63 },
		{ 0x1, 0x100000000UL },            /* would be 0 if cut to 32 bits */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_IPI, 0, bad[i].mask, bad[i].base), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
		assert_false(vsbi_mask_valid(&p, bad[i].mask, bad[i].base));
	}
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(sent_all(), 0);
	assert_int_equal(p.exits[EXIT_SBI_IPI], sizeof(bad) / sizeof(bad[0]));
}

static void test_ipi_unknown_fid(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_IPI, 1, 0x1, 0);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(fake.ssip_raised, 0);
	assert_int_equal(sent_all(), 0);
}

static void test_hart_mask_helpers(void **state UNUSED)
{
	assert_true(vsbi_hart_in_mask(0, -1UL, 0));
	assert_true(vsbi_hart_in_mask(0, -1UL, 7));
	assert_true(vsbi_hart_in_mask(0x1, 2, 2));
	assert_false(vsbi_hart_in_mask(0x1, 2, 1));
	assert_false(vsbi_hart_in_mask(0x1, 2, 3));
	assert_true(vsbi_hart_in_mask(1UL << 63, 0, 63));
	assert_false(vsbi_hart_in_mask(ULONG_MAX, 0, 64));    /* only 64 harts per mask */
	assert_false(vsbi_hart_in_mask(ULONG_MAX, ULONG_MAX - 1, 0));
	assert_true(vsbi_mask_valid(&p, 0xf, 0));
	assert_true(vsbi_mask_valid(&p, 0x1, 3));
	assert_true(vsbi_mask_valid(&p, ULONG_MAX, -1UL));
	assert_false(vsbi_mask_valid(&p, 0x1f, 0));
}

/* ---- RFENCE ---- */

static void test_rfence_self(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0x1, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 1);
	assert_int_equal(sent_all(), 0);

	sbi3(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA, 0x1, 0, 0x1000);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 2);

	sbi3(vcpu(1), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA_ASID, 0x1, 1, 0x1000);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 3);
	assert_int_equal(sent_all(), 0);
	assert_int_equal(fake.mailbox_polls, 0);
	assert_int_equal(p.exits[EXIT_SBI_RFENCE], 3);
}

static void test_rfence_others(void **state UNUSED)
{
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA, 0xa, 0, 0x80000000), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 0);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(fake.sent[3][REQ_FENCE], 1);
	assert_int_equal(sent_all(), 2);
	assert_int_equal(hv_pcpus[1].fence_ack, 1);   /* acknowledged (by the fake) */
	assert_int_equal(hv_pcpus[3].fence_ack, 1);

	/* every hart: self locally, the STOPPED one not at all */
	fake_reset();
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0, -1UL), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 1);
	assert_int_equal(fake.sent[0][REQ_FENCE], 0);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(fake.sent[2][REQ_FENCE], 0);
	assert_int_equal(fake.sent[3][REQ_FENCE], 1);
	assert_int_equal(sent_all(), 2);
	assert_int_equal(hv_pcpus[1].fence_ack, 2);
	assert_int_equal(hv_pcpus[2].fence_ack, 0);

	/* a START_PENDING target is skipped too */
	fake_reset();
	vcpu(3)->state = VCPU_START_PENDING;
	sbi(vcpu(1), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA_ASID, 0x9, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.sent[0][REQ_FENCE], 1);
	assert_int_equal(sent_all(), 1);
	assert_int_equal(fake.local_fences, 0);
}

static void test_rfence_hfence_not_supported(void **state UNUSED)
{
	for (unsigned long fid = 3; fid <= 7; fid++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, fid, 0, -1UL), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	}
	sbi(vcpu(0), SBI_EXT_RFNC, ULONG_MAX, 0, -1UL);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(fake.local_fences, 0);
	assert_int_equal(sent_all(), 0);
	assert_int_equal(p.exits[EXIT_SBI_RFENCE], 6);
}

static void test_rfence_invalid_mask(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0x1, NR_VCPUS);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA, 0x13, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA_ASID, 0x1, ULONG_MAX - 1);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, ULONG_MAX, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	assert_int_equal(fake.local_fences, 0);
	assert_int_equal(sent_all(), 0);
	assert_int_equal(hv_pcpus[1].fence_ack, 0);
}

static void test_rfence_ack_wrap(void **state UNUSED)
{
	/* the ack counter wraps: want = 0, the request is still sent and acknowledged */
	hv_pcpus[1].fence_ack = 0xffffffffu;
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0x2, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(hv_pcpus[1].fence_ack, 0);

	/* ... and it is really waited for: without an ack the caller keeps waiting (until told to stop) */
	fake_reset();
	hv_pcpus[1].fence_ack = 0xffffffffu;
	fake.ack_fences = 0;
	fake.stop_on_poll = 1;
	hv_pcpus[0].mailbox = 1u << REQ_STOP;
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0x2, 0), VSBI_STOP_VCPU);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(fake.mailbox_polls, 1);
	assert_int_equal(hv_pcpus[1].fence_ack, 0xffffffffu);
}

static void test_rfence_stop_while_waiting(void **state UNUSED)
{
	/* the target never acknowledges; a request in the caller's own mailbox says stop */
	fake.ack_fences = 0;
	fake.stop_on_poll = 1;
	hv_pcpus[0].mailbox = 1u << REQ_STOP;
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_SFENCE_VMA, 0x3, 0), VSBI_STOP_VCPU);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(fake.local_fences, 1);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(fake.mailbox_polls, 1);
	assert_int_equal(hv_pcpus[0].mailbox, 0);       /* served by pcpu_handle_mailbox */
	assert_int_equal(hv_pcpus[1].fence_ack, 0);
	assert_int_equal(p.exits[EXIT_SBI_RFENCE], 1);

	/* the first missing ack stops the wait: a second target is sent to but not waited for */
	fake_reset();
	fake.ack_fences = 0;
	fake.stop_on_poll = 1;
	hv_pcpus[0].mailbox = 1u << REQ_STOP;
	assert_int_equal(sbi(vcpu(0), SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0xa, 0), VSBI_STOP_VCPU);
	assert_int_equal(fake.sent[1][REQ_FENCE], 1);
	assert_int_equal(fake.sent[3][REQ_FENCE], 1);
	assert_int_equal(fake.mailbox_polls, 1);
}

/* ---- HSM ---- */

static void test_hsm_start_stopped(void **state UNUSED)
{
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 2, RAM_GPA + 0x2000, 0xfeed), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(vcpu(2)->state, VCPU_START_PENDING);
	assert_int_equal(vcpu(2)->start_pc.v, RAM_GPA + 0x2000);
	assert_int_equal(vcpu(2)->start_arg, 0xfeed);
	assert_int_equal(fake.sent[2][REQ_WAKE], 1);
	assert_int_equal(sent_all(), 1);
	assert_int_equal(vcpu(2)->pcpu->senders, 0);   /* the hold around the start ended with its IPI */
	assert_int_equal(p.exits[EXIT_SBI_HSM], 1);

	/* now it is START_PENDING: a second start is refused */
	sbi3(vcpu(1), SBI_EXT_HSM, SBI_HSM_HART_START, 2, RAM_GPA, 0);
	assert_int_equal(err(), SBI_ERR_ALREADY_AVAILABLE);
	assert_int_equal(vcpu(2)->start_pc.v, RAM_GPA + 0x2000);
	assert_int_equal(vcpu(2)->start_arg, 0xfeed);
	assert_int_equal(sent_all(), 1);

	/* the last 4 bytes of RAM are a valid entry */
	vcpu(3)->state = VCPU_STOPPED;
	sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 3, RAM_END - 4, 7);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(vcpu(3)->state, VCPU_START_PENDING);
	assert_int_equal(vcpu(3)->start_pc.v, RAM_END - 4);
	assert_int_equal(fake.sent[3][REQ_WAKE], 1);
}

static void test_hsm_start_started(void **state UNUSED)
{
	sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 1, RAM_GPA, 0x55);
	assert_int_equal(err(), SBI_ERR_ALREADY_AVAILABLE);
	assert_int_equal(vcpu(1)->state, VCPU_STARTED);
	assert_int_equal(vcpu(1)->start_pc.v, 0);
	assert_int_equal(vcpu(1)->start_arg, 0);

	sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 0, RAM_GPA, 0);   /* itself */
	assert_int_equal(err(), SBI_ERR_ALREADY_AVAILABLE);
	assert_int_equal(sent_all(), 0);
	/* refused starts end their hold too: a held hart could never enter its guest */
	assert_int_equal(vcpu(0)->pcpu->senders, 0);
	assert_int_equal(vcpu(1)->pcpu->senders, 0);
}

static void test_hsm_start_bad_hart(void **state UNUSED)
{
	static const unsigned long harts[] = { NR_VCPUS, PV_MAX_VCPUS, 0x100000000UL, ULONG_MAX };

	for (unsigned i = 0; i < 4; i++) {
		sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, harts[i], RAM_GPA, 0);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	}
	/* the hart id is checked first */
	sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, NR_VCPUS, 0, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	assert_int_equal(sent_all(), 0);
}

static void test_hsm_start_bad_address(void **state UNUSED)
{
	static const unsigned long addrs[] = {
		0, RAM_GPA - 4, RAM_GPA - 1, RAM_END, RAM_END - 3, RAM_END - 1, RAM_END + 0x1000,
		ULONG_MAX - 1, ULONG_MAX,
	};

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 2, addrs[i], 0x99);
		assert_int_equal(err(), SBI_ERR_INVALID_ADDRESS);
		assert_int_equal(vcpu(2)->state, VCPU_STOPPED);
		assert_int_equal(vcpu(2)->start_pc.v, 0);
		assert_int_equal(vcpu(2)->start_arg, 0);
	}
	assert_int_equal(sent_all(), 0);
}

static void test_hsm_stop(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(1), SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0), VSBI_STOP_VCPU);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(vcpu(1)->state, VCPU_STOP_PENDING);   /* the caller quiesces and stops it */
	assert_int_equal(sent_all(), 0);
	assert_int_equal(p.exits[EXIT_SBI_HSM], 1);
	/* a STOP_PENDING vCPU cannot be started yet */
	sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_START, 1, RAM_GPA, 0);
	assert_int_equal(err(), SBI_ERR_ALREADY_AVAILABLE);
}

/* The last running vCPU that stops stops the partition: no zombie partition with no vCPU. */
static void test_hsm_stop_last(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(1), SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0), VSBI_STOP_VCPU);
	assert_int_equal(sbi(vcpu(3), SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0), VSBI_STOP_VCPU);
	/* vCPU 2 is STOPPED, 1 and 3 STOP_PENDING: vCPU 0 is the last one */
	assert_int_equal(sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0), VSBI_SHUTDOWN);
	assert_int_equal(err(), SBI_SUCCESS);
	/* a START_PENDING sibling still counts as running */
	vcpu(0)->state = VCPU_STARTED;
	vcpu(2)->state = VCPU_START_PENDING;
	assert_int_equal(sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0), VSBI_STOP_VCPU);
}

static void test_hsm_get_status(void **state UNUSED)
{
	vcpu(3)->state = VCPU_START_PENDING;

	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);   /* STARTED */
	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 2, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 1);   /* STOPPED */
	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 3, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 2);   /* START_PENDING */

	vcpu(1)->state = VCPU_SUSPENDED;
	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), SBI_HSM_STATE_SUSPENDED);
	vcpu(1)->state = VCPU_STARTED;

	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, NR_VCPUS, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, ULONG_MAX, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	assert_int_equal(p.exits[EXIT_SBI_HSM], 7);
}

static void test_hsm_suspend(void **state UNUSED)
{
	static const unsigned long invalid[] = {
		1, 0x0fffffff, 0x10000000, 0x7fffffff, 0x80000001, 0xffffffff, 0x100000001UL, ULONG_MAX,
	};
	const struct vsbi_ret *r;

	/* retentive default: the caller waits, then the guest sees success */
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0),
			 VSBI_SUSPEND);
	assert_int_equal(err(), SBI_SUCCESS);
	/* the type is 32 bits: upper bits of a0 are ignored */
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 1UL << 63, 0, 0), VSBI_SUSPEND);
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x100000000UL, 0, 0), VSBI_SUSPEND);

	/* non-retentive default: resume address and opaque come back with the action */
	regs = (struct guest_regs){ 0 };
	regs.x[17] = SBI_EXT_HSM;
	regs.x[16] = SBI_HSM_HART_SUSPEND;
	regs.x[10] = SBI_HSM_SUSPEND_NON_RET_DEFAULT | (7UL << 32);
	regs.x[11] = RAM_GPA + 0x100;
	regs.x[12] = 0x1234;
	r = vsbi_handle(vcpu(0), &regs);
	assert_int_equal(r->action, VSBI_SUSPEND);
	assert_int_equal(r->error, SBI_SUCCESS);
	assert_true(r->suspend.non_retentive);
	assert_int_equal(r->suspend.resume_addr.v, RAM_GPA + 0x100);
	assert_int_equal(r->suspend.opaque, 0x1234);
	/* the next call starts from a clean result: a retentive suspend is not taken for the last one */
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0),
			 VSBI_SUSPEND);
	assert_false(vsbi_this_call.ret.suspend.non_retentive);
	assert_int_equal(vsbi_this_call.ret.suspend.resume_addr.v, 0);
	/* ... and the resume address must be in the partition's RAM */
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT,
			      RAM_END, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_ERR_INVALID_ADDRESS);

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		assert_int_equal(sbi3(vcpu(0), SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, invalid[i], RAM_GPA, 0),
				 VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	}
	assert_int_equal(vcpu(0)->state, VCPU_STARTED);
	assert_int_equal(sent_all(), 0);
}

static void test_hsm_unknown_fid(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_HSM, 4, 2, RAM_GPA), VSBI_RESUME);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(vcpu(2)->state, VCPU_STOPPED);
	assert_int_equal(sent_all(), 0);
}

/* ---- SRST ---- */

static void test_srst_reset(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE),
			 VSBI_SHUTDOWN);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(sbi(vcpu(1), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			     SBI_SRST_REASON_FAILURE), VSBI_SHUTDOWN);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_COLD, SBI_SRST_REASON_NONE),
			 VSBI_REBOOT);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(sbi(vcpu(3), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_WARM, SBI_SRST_REASON_FAILURE),
			 VSBI_REBOOT);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(p.exits[EXIT_SBI_SRST], 4);
	assert_int_equal(exits_total(), 4);
}

static void test_srst_invalid(void **state UNUSED)
{
	/* reserved types and reasons */
	static const struct { unsigned long type, reason; } bad[] = {
		{ 3, 0 }, { 0xefffffff, 0 }, { 0, 2 }, { 1, 0xe0000000 }, { 0, 0xefffffff },
	};
	/* vendor-specific types (none implemented) */
	static const unsigned long vendor[] = { 0xf0000000, 0xffffffff, ULONG_MAX };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, bad[i].type, bad[i].reason), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	}
	for (size_t i = 0; i < sizeof(vendor) / sizeof(vendor[0]); i++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, vendor[i], 0), VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	}
	/* 32-bit fields: upper bits ignored; vendor-specific reasons are accepted */
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, 1UL << 40, 0), VSBI_SHUTDOWN);
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_WARM, (1UL << 40) | 1), VSBI_REBOOT);
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_COLD, 0xf0000000), VSBI_REBOOT);
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, 1, SBI_SRST_TYPE_SHUTDOWN, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(vcpu(0), SBI_EXT_SRST, ULONG_MAX, SBI_SRST_TYPE_COLD, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
}

static void test_legacy_shutdown(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(2), SBI_EXT_LEGACY_SHUTDOWN, 0, 0, SENTINEL), VSBI_SHUTDOWN);
	assert_int_equal(err(), 0);
	assert_int_equal(regs.x[11], SENTINEL);
	assert_int_equal(p.exits[EXIT_SBI_LEGACY], 1);
	assert_int_equal(p.exits[EXIT_SBI_SRST], 0);
}

/* ---- DBCN ---- */

static void test_dbcn_write(void **state UNUSED)
{
	memcpy(ram(RAM_GPA + 0x100), "hello\n", 6);
	assert_int_equal(sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, 6, RAM_GPA + 0x100, 0), VSBI_RESUME);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 6);
	assert_string_equal(fake.out, "[p0] hello\n");
	assert_int_equal(p.exits[EXIT_SBI_DBCN], 1);

	/* a partial line waits for its end; '\r' is dropped */
	memcpy(ram(RAM_GPA + 0x200), "ab\rc", 4);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, 4, RAM_GPA + 0x200, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 4);
	assert_string_equal(fake.out, "[p0] hello\n");
	memcpy(ram(RAM_GPA + 0x300), "d\r\n", 3);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, 3, RAM_GPA + 0x300, 0);
	assert_int_equal(val(), 3);
	assert_string_equal(fake.out, "[p0] hello\n[p0] abcd\n");

	/* the last bytes of RAM, and zero bytes */
	memcpy(ram(RAM_END - 3), "xy\n", 3);
	sbi3(vcpu(1), SBI_EXT_DBCN, SBI_DBCN_WRITE, 3, RAM_END - 3, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 3);
	assert_string_equal(fake.out, "[p0] hello\n[p0] abcd\n[p0] xy\n");
	sbi3(vcpu(1), SBI_EXT_DBCN, SBI_DBCN_WRITE, 0, RAM_GPA, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
	assert_int_equal(vcpu(1)->dbcn.len, 0);
}

static void test_dbcn_write_per_vcpu_lines(void **state UNUSED)
{
	/* each vCPU has its own partial line */
	memcpy(ram(RAM_GPA), "one", 3);
	memcpy(ram(RAM_GPA + 0x10), "two\n", 4);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, 3, RAM_GPA, 0);
	sbi3(vcpu(1), SBI_EXT_DBCN, SBI_DBCN_WRITE, 4, RAM_GPA + 0x10, 0);
	assert_string_equal(fake.out, "[p0] two\n");
	assert_int_equal(vcpu(0)->dbcn.len, 3);
	assert_int_equal(vcpu(1)->dbcn.len, 0);
}

static void test_dbcn_write_long(void **state UNUSED)
{
	size_t xs = 0;

	memset(ram(RAM_GPA + 0x1000), 'x', 2000);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, 2000, RAM_GPA + 0x1000, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 1024);
	/* exactly 1024 bytes went into the stream: 6 full lines of CON_LINE_MAX, the rest pending */
	for (size_t i = 0; i < fake.out_len; i++)
		xs += fake.out[i] == 'x';
	assert_int_equal(xs, (1024 / CON_LINE_MAX) * CON_LINE_MAX);
	assert_int_equal(vcpu(0)->dbcn.len, 1024 % CON_LINE_MAX);
	assert_int_equal(fake.out_calls, 1024 / CON_LINE_MAX);
	assert_memory_equal(fake.out, "[p0] xxx", 8);

	/* a long buffer that runs past the end of RAM is refused as a whole */
	fake_reset();
	vcpu(1)->dbcn.len = 0;
	memset(ram(RAM_END - 1024), 'y', 1024);
	sbi3(vcpu(1), SBI_EXT_DBCN, SBI_DBCN_WRITE, 4096, RAM_END - 1024, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	assert_int_equal(fake.out_len, 0);
}

static void test_dbcn_write_bad_buffer(void **state UNUSED)
{
	static const struct { unsigned long len, lo, hi; } bad[] = {
		{ 4, RAM_GPA - 4, 0 },           /* below RAM */
		{ 8, RAM_GPA - 4, 0 },           /* straddling its start */
		{ 4, RAM_END, 0 },               /* just past it */
		{ 5, RAM_END - 4, 0 },           /* straddling its end */
		{ 1, RAM_END + 0x100000, 0 },
		{ 1, 0, 0 },
		{ 4, RAM_GPA, 1 },               /* base_addr_hi set */
		{ 4, RAM_GPA, ULONG_MAX },
		{ 16, ULONG_MAX - 4, 0 },        /* wraps around */
		{ ULONG_MAX, ULONG_MAX - 4, 0 },
	};

	memcpy(ram(RAM_GPA), "bad\n", 4);
	memcpy(ram(RAM_END - 4), "bad\n", 4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, bad[i].len, bad[i].lo, bad[i].hi),
				 VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
		assert_int_equal(val(), 0);
	}
	assert_int_equal(fake.out_len, 0);
	assert_int_equal(vcpu(0)->dbcn.len, 0);
	assert_int_equal(p.exits[EXIT_SBI_DBCN], sizeof(bad) / sizeof(bad[0]));

	/* a huge length at the start of RAM is refused: the stated buffer is not RAM */
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE, ULONG_MAX, RAM_GPA, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
}

static void test_dbcn_read(void **state UNUSED)
{
	memset(ram(RAM_GPA + 0x200), 0xaa, 16);
	fake.in = "abc";
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 16, RAM_GPA + 0x200, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 3);
	assert_memory_equal(ram(RAM_GPA + 0x200), "abc", 3);
	assert_int_equal(*ram(RAM_GPA + 0x203), 0xaa);
	assert_int_equal(p.exits[EXIT_SBI_DBCN], 1);

	/* nothing more: 0 bytes, the buffer untouched */
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 16, RAM_GPA + 0x300, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
	assert_int_equal(*ram(RAM_GPA + 0x300), 0);
}

static void test_dbcn_read_partial(void **state UNUSED)
{
	/* a short buffer takes what fits; the rest stays queued for the next read */
	fake.in = "wxyz";
	sbi3(vcpu(1), SBI_EXT_DBCN, SBI_DBCN_READ, 3, RAM_END - 3, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 3);
	assert_memory_equal(ram(RAM_END - 3), "wxy", 3);
	sbi3(vcpu(2), SBI_EXT_DBCN, SBI_DBCN_READ, 8, RAM_GPA, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 1);
	assert_int_equal(*ram(RAM_GPA), 'z');

	/* no input at all */
	fake_reset();
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 8, RAM_GPA, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
}

static void test_dbcn_read_bad_buffer(void **state UNUSED)
{
	fake.in = "abc";
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 4, RAM_END - 2, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 4, RAM_GPA, 1);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 4, RAM_GPA - 8, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 16, ULONG_MAX - 4, 0);
	assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
	assert_int_equal(fake.in_pos, 0);          /* the input is left for a valid read */
	assert_int_equal(*ram(RAM_END - 2), 0);
	assert_int_equal(*ram(RAM_GPA), 0);

	sbi3(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_READ, 4, RAM_GPA, 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 3);
	assert_memory_equal(ram(RAM_GPA), "abc", 3);
}

static void test_dbcn_write_byte(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'A', 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0);
	assert_int_equal(fake.out_len, 0);
	sbi(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 0x100 | 'B', 0);   /* only the low byte */
	sbi(vcpu(0), SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, '\n', 0);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_string_equal(fake.out, "[p0] AB\n");
	assert_int_equal(p.exits[EXIT_SBI_DBCN], 3);
}

static void test_dbcn_unknown_fid(void **state UNUSED)
{
	memcpy(ram(RAM_GPA), "no\n", 3);
	sbi3(vcpu(0), SBI_EXT_DBCN, 3, 3, RAM_GPA, 0);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(fake.out_len, 0);
}

static void test_legacy_putchar(void **state UNUSED)
{
	assert_int_equal(sbi(vcpu(0), SBI_EXT_LEGACY_PUTCHAR, 0, 'h', SENTINEL), VSBI_RESUME);
	assert_int_equal(err(), 0);
	assert_int_equal(regs.x[11], SENTINEL);
	sbi(vcpu(0), SBI_EXT_LEGACY_PUTCHAR, 0, 'i', SENTINEL);
	assert_int_equal(fake.out_len, 0);
	sbi(vcpu(0), SBI_EXT_LEGACY_PUTCHAR, 0, '\n', SENTINEL);
	assert_int_equal(err(), 0);
	assert_int_equal(regs.x[11], SENTINEL);
	assert_string_equal(fake.out, "[p0] hi\n");
	assert_int_equal(p.exits[EXIT_SBI_LEGACY], 3);
	assert_int_equal(p.exits[EXIT_SBI_DBCN], 0);
}

static void test_legacy_getchar(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(err(), -1);
	assert_int_equal(regs.x[10], (uint64_t)-1);
	assert_int_equal(regs.x[11], SENTINEL);

	fake.in = "z\xff";
	sbi(vcpu(0), SBI_EXT_LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(err(), 'z');
	assert_int_equal(regs.x[11], SENTINEL);
	sbi(vcpu(0), SBI_EXT_LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(err(), 0xff);   /* a byte, not a negative char */
	sbi(vcpu(0), SBI_EXT_LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(err(), -1);
	assert_int_equal(p.exits[EXIT_SBI_LEGACY], 4);
}

/* ---- PARTVISOR ---- */

static void test_partvisor_msi_compose(void **state UNUSED)
{
	sbi(vcpu(0), SBI_EXT_PARTVISOR, SBI_PARTVISOR_MSI_COMPOSE, 0, 1);
	assert_int_equal(err(), SBI_SUCCESS);
	assert_int_equal(val(), 0x28000000);
	assert_int_equal(val(), GUEST_IMSIC_GPA);

	for (unsigned k = 0; k < NR_VCPUS; k++) {
		sbi(vcpu(1), SBI_EXT_PARTVISOR, SBI_PARTVISOR_MSI_COMPOSE, k, GUEST_IDS);
		assert_int_equal(err(), SBI_SUCCESS);
		assert_int_equal(val(), 0x28000000 + k * 4096);
	}
	assert_int_equal(p.exits[EXIT_SBI_PARTVISOR], 1 + NR_VCPUS);
	assert_int_equal(exits_total(), 1 + NR_VCPUS);
}

static void test_partvisor_invalid(void **state UNUSED)
{
	static const struct { unsigned long vcpu, id; } bad[] = {
		{ NR_VCPUS, 1 }, { PV_MAX_VCPUS, 1 }, { ULONG_MAX, 1 },
		{ 0, 0 }, { 0, GUEST_IDS + 1 }, { 0, 0x100000001UL }, { 0, ULONG_MAX },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sbi(vcpu(0), SBI_EXT_PARTVISOR, SBI_PARTVISOR_MSI_COMPOSE, bad[i].vcpu, bad[i].id),
				 VSBI_RESUME);
		assert_int_equal(err(), SBI_ERR_INVALID_PARAM);
		assert_int_equal(val(), 0);
	}
	sbi(vcpu(0), SBI_EXT_PARTVISOR, 99, 0, 1);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(val(), 0);
	sbi(vcpu(0), SBI_EXT_PARTVISOR, ULONG_MAX, 0, 1);
	assert_int_equal(err(), SBI_ERR_NOT_SUPPORTED);
}

/* ---- partvisor ABI v1: GET_INFO, MSI_COMPOSE, MSI_RELEASE ---- */

static uint64_t msi_table[2][512] __attribute__((aligned(4096)));
static unsigned syncs;
static int sync_result;

static int fake_sync(void *ctx, unsigned dev)
{
	assert_ptr_equal(ctx, &p);
	assert_true(dev < 2);
	syncs++;
	return sync_result;
}

/* The partition gets two functions (guest 00:00.0 and 00:01.0) under @policy. */
static void msi_setup(enum pv_msi_policy policy)
{
	p.vpci.nr = 2;
	p.msi.policy = policy;
	p.msi.nr_devs = 2;
	p.msi.nr_vcpus = NR_VCPUS;
	p.msi.nr_ids = GUEST_IDS;
	for (unsigned k = 0; k < NR_VCPUS; k++)
		p.msi.pte[k] = 0x1000007ULL + ((uint64_t)k << 10);
	p.msi.mode = VMSI_FLAT;
	p.msi.devs[0].table = msi_table[0];
	p.msi.devs[1].table = msi_table[1];
	p.msi.devs[0].stride = p.msi.devs[1].stride = 2;
	p.msi.sync = fake_sync;
	p.msi.sync_ctx = &p;
	syncs = 0;
	sync_result = 0;
	vmsi_reset(&p.msi);
}

static unsigned long hcall(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	sbi3(vcpu(0), SBI_EXT_PARTVISOR, fid, a0, a1, a2);
	return (unsigned long)err();
}

static void test_partvisor_get_info(void **state UNUSED)
{
	msi_setup(PV_MSI_COMPOSED);
	assert_int_equal(hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_VERSION, 0, 0), SBI_SUCCESS);
	assert_int_equal(val(), 0x10000);
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_FEATURES, 0, 0);
	assert_int_equal(val(), PARTVISOR_FEAT_MSI_FLAT | PARTVISOR_FEAT_COMPOSED);
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_NR_VCPUS, 0, 0);
	assert_int_equal(val(), NR_VCPUS);
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_NR_IDS, 0, 0);
	assert_int_equal(val(), GUEST_IDS);
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_NR_DEVICES, 0, 0);
	assert_int_equal(val(), 2);
	assert_int_equal(hcall(PARTVISOR_FID_GET_INFO, 5, 0, 0), (unsigned long)SBI_ERR_INVALID_PARAM);
	assert_int_equal(hcall(PARTVISOR_FID_GET_INFO, 1UL << 40, 0, 0), (unsigned long)SBI_ERR_INVALID_PARAM);
	p.msi.policy = PV_MSI_OPEN;
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_FEATURES, 0, 0);
	assert_int_equal(val(), PARTVISOR_FEAT_MSI_FLAT);
	assert_int_equal(p.exits[EXIT_SBI_PARTVISOR], 8);
}

/* Policy "composed": a function's table has a vCPU's entry exactly while some identity is composed for it. */
static void test_partvisor_compose_release(void **state UNUSED)
{
	msi_setup(PV_MSI_COMPOSED);
	for (unsigned k = 0; k < NR_VCPUS; k++)
		assert_int_equal(msi_table[0][2 * k], 0);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0x0000, 1, 5), SBI_SUCCESS);
	assert_int_equal(val(), 0x28001000);
	assert_int_equal(msi_table[0][2], p.msi.pte[1]);
	assert_int_equal(msi_table[1][2], 0);          /* the other function's table is untouched */
	assert_int_equal(msi_table[0][0], 0);          /* and so is vCPU 0's entry */
	assert_int_equal(syncs, 1);
	/* again, and another identity for the same vCPU: already open, no sync */
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0x0000, 1, 5), SBI_SUCCESS);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0x0000, 1, 6), SBI_SUCCESS);
	assert_int_equal(syncs, 1);
	/* the second function, 00:01.0 */
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0x0008, 3, GUEST_IDS), SBI_SUCCESS);
	assert_int_equal(val(), 0x28003000);
	assert_int_equal(msi_table[1][6], p.msi.pte[3]);
	assert_int_equal(syncs, 2);
	/* release: the entry stays while identity 6 is composed, then goes */
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0000, 1, 5), SBI_SUCCESS);
	assert_int_equal(msi_table[0][2], p.msi.pte[1]);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0000, 1, 6), SBI_SUCCESS);
	assert_int_equal(msi_table[0][2], 0);
	assert_int_equal(syncs, 3);
	/* nothing left to release */
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0000, 1, 6), (unsigned long)SBI_ERR_INVALID_PARAM);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0008, 0, 1), (unsigned long)SBI_ERR_INVALID_PARAM);
	/* a reset (partition restart) closes everything */
	vmsi_reset(&p.msi);
	assert_int_equal(msi_table[1][6], 0);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0008, 3, GUEST_IDS), (unsigned long)SBI_ERR_INVALID_PARAM);
}

static void test_partvisor_compose_errors(void **state UNUSED)
{
	static const struct { unsigned long dev, vcpu, id; } bad[] = {
		{ 0x0010, 0, 1 },                 /* 00:02.0: the partition has two functions */
		{ 0x0001, 0, 1 },                 /* 00:00.1 */
		{ 0x0100, 0, 1 },                 /* 01:00.0 */
		{ 0x10000, 0, 1 }, { ULONG_MAX, 0, 1 },
		{ 0, NR_VCPUS, 1 }, { 0, ULONG_MAX, 1 },
		{ 0, 0, 0 }, { 0, 0, GUEST_IDS + 1 }, { 0, 0, 1UL << 32 }, { 0, 0, ULONG_MAX },
	};

	msi_setup(PV_MSI_COMPOSED);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, bad[i].dev, bad[i].vcpu, bad[i].id),
				 (unsigned long)SBI_ERR_INVALID_PARAM);
		assert_int_equal(val(), 0);
		assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, bad[i].dev, bad[i].vcpu, bad[i].id),
				 (unsigned long)SBI_ERR_INVALID_PARAM);
	}
	for (unsigned k = 0; k < NR_VCPUS; k++)
		assert_int_equal(msi_table[0][2 * k] | msi_table[1][2 * k], 0);
	assert_int_equal(syncs, 0);
	/* the IOMMU refusing the change: SBI_ERR_FAILED and nothing left open */
	sync_result = -PV_EINVAL;
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0, 2, 1), (unsigned long)SBI_ERR_FAILED);
	assert_int_equal(msi_table[0][4], 0);
	sync_result = 0;
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0, 2, 1), (unsigned long)SBI_ERR_INVALID_PARAM);
	/* a partition without functions has nothing to compose for */
	p.vpci.nr = 0;
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0, 0, 1), (unsigned long)SBI_ERR_INVALID_PARAM);
}

/* Policy "open": every vCPU's entry is there from the start and stays; compose/release only book-keep. */
static void test_partvisor_open_policy(void **state UNUSED)
{
	msi_setup(PV_MSI_OPEN);
	for (unsigned k = 0; k < NR_VCPUS; k++) {
		assert_int_equal(msi_table[0][2 * k], p.msi.pte[k]);
		assert_int_equal(msi_table[1][2 * k], p.msi.pte[k]);
	}
	assert_int_equal(msi_table[0][2 * NR_VCPUS], 0);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0, 0, 3), SBI_SUCCESS);
	assert_int_equal(val(), 0x28000000);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0, 0, 3), SBI_SUCCESS);
	assert_int_equal(msi_table[0][0], p.msi.pte[0]);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0, 0, 3), (unsigned long)SBI_ERR_INVALID_PARAM);
	assert_int_equal(syncs, 0);
}

/*
 * Without MSI_FLAT (VMSI_GSTAGE): a function's entries are the leaf G-stage slots of the
 * guest IMSIC pages in its own second stage, one dword per vCPU; the rest of that leaf
 * table (other guest pages) is never touched. GET_INFO says MSI_GSTAGE, not MSI_FLAT.
 */
static void test_partvisor_gstage_mode(void **state UNUSED)
{
	static uint64_t leaf[2][512];
	const uint64_t other = 0x5a5a5a5a5a5a5a5bULL;

	for (unsigned i = 0; i < 512; i++)
		leaf[0][i] = leaf[1][i] = other;
	msi_setup(PV_MSI_COMPOSED);
	p.msi.mode = VMSI_GSTAGE;
	p.msi.devs[0].table = leaf[0];
	p.msi.devs[1].table = leaf[1];
	p.msi.devs[0].stride = p.msi.devs[1].stride = 1;
	vmsi_reset(&p.msi);
	for (unsigned k = 0; k < NR_VCPUS; k++)
		assert_int_equal(leaf[0][k] | leaf[1][k], 0);
	assert_int_equal(leaf[0][NR_VCPUS], other);
	hcall(PARTVISOR_FID_GET_INFO, PARTVISOR_INFO_FEATURES, 0, 0);
	assert_int_equal(val(), PARTVISOR_FEAT_MSI_GSTAGE | PARTVISOR_FEAT_COMPOSED);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_COMPOSE, 0x0008, 2, 7), SBI_SUCCESS);
	assert_int_equal(val(), 0x28002000);
	assert_int_equal(leaf[1][2], p.msi.pte[2]);
	assert_int_equal(leaf[1][1] | leaf[1][3] | leaf[0][2], 0);
	assert_int_equal(syncs, 1);
	assert_int_equal(hcall(PARTVISOR_FID_MSI_RELEASE, 0x0008, 2, 7), SBI_SUCCESS);
	assert_int_equal(leaf[1][2], 0);
	assert_int_equal(syncs, 2);
	/* open: every vCPU's page mapped from the start, neighbours untouched */
	p.msi.policy = PV_MSI_OPEN;
	vmsi_reset(&p.msi);
	for (unsigned k = 0; k < NR_VCPUS; k++)
		assert_int_equal(leaf[0][k], p.msi.pte[k]);
	assert_int_equal(leaf[0][NR_VCPUS], other);
	assert_int_equal(leaf[1][511], other);
}

/* ---- exit counters ---- */

static void test_exit_counters(void **state UNUSED)
{
	static const struct { unsigned long eid, fid, a0, a1; enum exit_cause cause; } calls[] = {
		{ SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, EXIT_SBI_BASE },
		{ SBI_EXT_BASE, 99, 0, 0, EXIT_SBI_BASE },
		{ SBI_EXT_TIME, 0, 100, 0, EXIT_SBI_TIME },
		{ SBI_EXT_IPI, 0, 0x2, 0, EXIT_SBI_IPI },
		{ SBI_EXT_IPI, 0, 0x20, 0, EXIT_SBI_IPI },            /* invalid, still counted */
		{ SBI_EXT_RFNC, SBI_RFNC_FENCE_I, 0x1, 0, EXIT_SBI_RFENCE },
		{ SBI_EXT_RFNC, 5, 0x1, 0, EXIT_SBI_RFENCE },
		{ SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, EXIT_SBI_HSM },
		{ SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, EXIT_SBI_HSM },
		{ SBI_EXT_SRST, SBI_SRST_RESET, 0, 0, EXIT_SBI_SRST },
		{ SBI_EXT_SRST, SBI_SRST_RESET, 9, 0, EXIT_SBI_SRST },
		{ SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'q', 0, EXIT_SBI_DBCN },
		{ SBI_EXT_DBCN, SBI_DBCN_READ, 1, 0, EXIT_SBI_DBCN },
		{ SBI_EXT_LEGACY_SET_TIMER, 0, 5, 0, EXIT_SBI_LEGACY },
		{ SBI_EXT_LEGACY_PUTCHAR, 0, 'q', 0, EXIT_SBI_LEGACY },
		{ SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, EXIT_SBI_LEGACY },
		{ SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, EXIT_SBI_LEGACY },
		{ SBI_EXT_PARTVISOR, 0, 0, 1, EXIT_SBI_PARTVISOR },
		{ 0x5, 0, 0, 0, EXIT_SBI_OTHER },
		{ 0x0a000000, 0, 0, 0, EXIT_SBI_OTHER },
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		uint64_t before[EXIT_NR];

		memcpy(before, p.exits, sizeof(before));
		sbi(vcpu(0), calls[i].eid, calls[i].fid, calls[i].a0, calls[i].a1);
		for (unsigned c = 0; c < EXIT_NR; c++)
			assert_int_equal(p.exits[c] - before[c], c == (unsigned)calls[i].cause ? 1 : 0);
	}
	assert_int_equal(exits_total(), sizeof(calls) / sizeof(calls[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_base_versions, setup),
		cmocka_unit_test_setup(test_base_probe, setup),
		cmocka_unit_test_setup(test_find_direct, setup),
		cmocka_unit_test_setup(test_base_machine_ids, setup),
		cmocka_unit_test_setup(test_base_unknown_fid, setup),
		cmocka_unit_test_setup(test_unknown_eid, setup),
		cmocka_unit_test_setup(test_time_set_timer, setup),
		cmocka_unit_test_setup(test_time_unknown_fid, setup),
		cmocka_unit_test_setup(test_legacy_set_timer, setup),
		cmocka_unit_test_setup(test_ipi_all, setup),
		cmocka_unit_test_setup(test_ipi_self, setup),
		cmocka_unit_test_setup(test_ipi_others, setup),
		cmocka_unit_test_setup(test_ipi_not_started_skipped, setup),
		cmocka_unit_test_setup(test_ipi_invalid_masks, setup),
		cmocka_unit_test_setup(test_ipi_unknown_fid, setup),
		cmocka_unit_test_setup(test_hart_mask_helpers, setup),
		cmocka_unit_test_setup(test_rfence_self, setup),
		cmocka_unit_test_setup(test_rfence_others, setup),
		cmocka_unit_test_setup(test_rfence_hfence_not_supported, setup),
		cmocka_unit_test_setup(test_rfence_invalid_mask, setup),
		cmocka_unit_test_setup(test_rfence_ack_wrap, setup),
		cmocka_unit_test_setup(test_rfence_stop_while_waiting, setup),
		cmocka_unit_test_setup(test_hsm_start_stopped, setup),
		cmocka_unit_test_setup(test_hsm_start_started, setup),
		cmocka_unit_test_setup(test_hsm_start_bad_hart, setup),
		cmocka_unit_test_setup(test_hsm_start_bad_address, setup),
		cmocka_unit_test_setup(test_hsm_stop, setup),
		cmocka_unit_test_setup(test_partvisor_get_info, setup),
		cmocka_unit_test_setup(test_partvisor_compose_release, setup),
		cmocka_unit_test_setup(test_partvisor_compose_errors, setup),
		cmocka_unit_test_setup(test_partvisor_open_policy, setup),
		cmocka_unit_test_setup(test_partvisor_gstage_mode, setup),
		cmocka_unit_test_setup(test_hsm_stop_last, setup),
		cmocka_unit_test_setup(test_hsm_get_status, setup),
		cmocka_unit_test_setup(test_hsm_suspend, setup),
		cmocka_unit_test_setup(test_hsm_unknown_fid, setup),
		cmocka_unit_test_setup(test_srst_reset, setup),
		cmocka_unit_test_setup(test_srst_invalid, setup),
		cmocka_unit_test_setup(test_legacy_shutdown, setup),
		cmocka_unit_test_setup(test_dbcn_write, setup),
		cmocka_unit_test_setup(test_dbcn_write_per_vcpu_lines, setup),
		cmocka_unit_test_setup(test_dbcn_write_long, setup),
		cmocka_unit_test_setup(test_dbcn_write_bad_buffer, setup),
		cmocka_unit_test_setup(test_dbcn_read, setup),
		cmocka_unit_test_setup(test_dbcn_read_partial, setup),
		cmocka_unit_test_setup(test_dbcn_read_bad_buffer, setup),
		cmocka_unit_test_setup(test_dbcn_write_byte, setup),
		cmocka_unit_test_setup(test_dbcn_unknown_fid, setup),
		cmocka_unit_test_setup(test_legacy_putchar, setup),
		cmocka_unit_test_setup(test_legacy_getchar, setup),
		cmocka_unit_test_setup(test_partvisor_msi_compose, setup),
		cmocka_unit_test_setup(test_partvisor_invalid, setup),
		cmocka_unit_test_setup(test_exit_counters, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
