/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the SBI partvisor gives its guests, vsbi_handle()
 * (core/vsbi/), over the fake arch layer and run loop (tests/unit/fake_arch.c,
 * fake_run.c) like tests/unit/test_vsbi.c.
 *
 * Setup from the input: a partition "p0" of 1..4 vCPUs on pcpus 0..3 with a 64 KiB
 * RAM buffer (a heap block of exactly that size, so ASan sees any access outside
 * it), initial vCPU states, the number of guest interrupt identities, console input,
 * 0..3 functions on its virtual host bridge with their MSI page tables (core/vmsi.c,
 * policy open or composed), and how remote fences are acknowledged (at once, or never with a stop request
 * pending so that the caller is told to stop). A second partition "other" owns
 * pcpus 4..7 and must never be touched. Then a sequence of SBI calls: the caller
 * (a STARTED vCPU), eid (from the implemented list, near it, or any value), fid and
 * a0..a5 (small numbers, addresses in or around the partition's RAM, or any value).
 * Between calls the harness plays the run loop: a returned stop stops the caller,
 * shutdown and reboot restart the partition on vCPU 0, pending starts are taken up.
 *
 * Invariants checked after every call: sepc advanced by exactly 4; no lock held; the
 * action is a valid enum vsbi_action, the result copied out matches the registers,
 * a suspend comes only from HSM hart_suspend and resumes (non-retentive) inside the
 * partition's RAM at a1 with opaque a2; only a0 and a1 changed (only a0 for legacy
 * extensions); a0 is an SBI error code (legacy: 0, or a character or -1 for
 * getchar); exactly one exit counted; vCPU states stay valid and a STOPPED vCPU only
 * leaves that state through HSM start (to START_PENDING); probe answers 0 or 1,
 * hart_get_status a valid state of an existing vCPU; partvisor's hypercalls (ABI v1):
 * MSI_ADDR the vCPU's IMSIC page, GET_INFO the partition's numbers, MSI_COMPOSE /
 * MSI_RELEASE succeed exactly for a present function, vCPU and identity (release:
 * only what was composed), compose returns the vCPU's IMSIC page, and every
 * function's MSI page table opens exactly the files the policy and the composes so
 * far allow (nothing for vCPUs the partition does not have); DBCN never reports more
 * bytes than asked; nothing is sent to, and nothing
 * changes in, the other partition's pcpus and vCPUs; guest RAM accesses stay in
 * the buffer (ASan).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/console.h"
#include "core/guest_layout.h"
#include "core/run.h"
#include "core/vmsi.h"
#include "core/vsbi/vsbi.h"
#include "fakes.h"
#include "fuzz_util.h"
#include "partvisor/hypercall.h"
#include "sbi.h"

#define RAM_GPA  0x80000000UL
#define RAM_SIZE KiB(64)
#define SEPC     0x80001000UL

static const unsigned long eids[] = {
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFNC, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
	SBI_EXT_LEGACY_SET_TIMER, SBI_EXT_LEGACY_PUTCHAR, SBI_EXT_LEGACY_GETCHAR, SBI_EXT_LEGACY_SHUTDOWN,
	SBI_EXT_PARTVISOR, 0x3, 0x7, 0x504D55, 0x53555350,
};

static uint8_t *ram;
static struct pv_part_config cfg, ocfg;
static struct partition p, other;
static char input[64];
static uint64_t msi_table[3][512] __attribute__((aligned(4096)));  /* MSI page tables of 00:00.0..00:02.0 */
static uint64_t composed[3][PV_MAX_VCPUS][VMSI_ID_WORDS];          /* the harness's model of MSI_COMPOSE */
static unsigned syncs;

static int msi_sync(void *ctx, unsigned dev)
{
	FUZZ_CHECK(ctx == &p && dev < p.msi.nr_devs, "MSI table sync of device %u", dev);
	syncs++;
	return 0;
}

/* Every function's MSI page table opens exactly the files the policy and the composes allow. */
static void check_msi_tables(void)
{
	for (unsigned d = 0; d < p.msi.nr_devs; d++)
		for (unsigned k = 0; k < 256; k++) {
			bool open = false;

			if (k < p.nr_vcpus) {
				open = p.msi.policy == PV_MSI_OPEN;
				for (unsigned w = 0; w < VMSI_ID_WORDS; w++)
					open |= composed[d][k][w] != 0;
			}
			FUZZ_CHECK(msi_table[d][2 * k] == (open ? p.msi.pte[k] : 0) && msi_table[d][2 * k + 1] == 0,
				   "device %u MSI PTE of vCPU %u: 0x%llx", d, k, (ull)msi_table[d][2 * k]);
		}
}

static bool is_legacy(unsigned long eid)
{
	return eid == SBI_EXT_LEGACY_SET_TIMER || eid == SBI_EXT_LEGACY_PUTCHAR || eid == SBI_EXT_LEGACY_GETCHAR ||
	       eid == SBI_EXT_LEGACY_SHUTDOWN;
}

static void setup(struct fz *f)
{
	uint8_t hdr = fz_u8(f), states = fz_u8(f), ids = fz_u8(f);
	unsigned n = 1 + (hdr & 3), len;

	fake_reset();
	if (hdr & 4) {  /* fences never acknowledged, a stop request waiting: rfence must give up */
		fake.ack_fences = 0;
		fake.stop_on_poll = 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	memset(&ocfg, 0, sizeof(ocfg));
	memset(&p, 0, sizeof(p));
	memset(&other, 0, sizeof(other));
	memset(hv_pcpus, 0, sizeof(hv_pcpus));
	if (!ram)
		ram = malloc(RAM_SIZE);
	FUZZ_CHECK(ram, "malloc");
	memset(ram, 0x5a, RAM_SIZE);

	strcpy(cfg.name, "p0");
	strcpy(cfg.node_path, "/partitions/p0");
	cfg.nr_vcpus = n;
	cfg.mem_gpa = gpa(RAM_GPA);
	cfg.mem_hpa = hpa((uintptr_t)ram);
	cfg.mem_size = RAM_SIZE;
	cfg.image = -1;
	p.cfg = &cfg;
	p.nr_vcpus = n;
	p.guest_ids = ids ? ids : 255;
	p.con.name = cfg.name;
	/* 0..3 functions on the virtual host bridge, MSI policy open or composed */
	p.vpci.nr = (hdr >> 3) & 3;
	p.msi.policy = hdr & 0x20 ? PV_MSI_COMPOSED : PV_MSI_OPEN;
	p.msi.nr_devs = p.vpci.nr;
	p.msi.nr_vcpus = n;
	p.msi.nr_ids = p.guest_ids;
	for (unsigned k = 0; k < n; k++)
		p.msi.pte[k] = 0x1000007ULL + ((uint64_t)k << 10);
	p.msi.mode = hdr & 0x40 ? VMSI_GSTAGE : VMSI_FLAT;
	for (unsigned d = 0; d < p.vpci.nr; d++) {
		p.msi.devs[d].table = msi_table[d];
		p.msi.devs[d].stride = p.msi.mode == VMSI_GSTAGE ? 1 : 2;
	}
	p.msi.sync = msi_sync;
	p.msi.sync_ctx = &p;
	vmsi_reset(&p.msi);
	memset(composed, 0, sizeof(composed));
	for (unsigned k = 0; k < n; k++) {
		struct vcpu *v = &p.vcpus[k];
		static const int init[4] = { VCPU_STARTED, VCPU_STOPPED, VCPU_START_PENDING, VCPU_SUSPENDED };

		hv_pcpus[k].index = k;
		hv_pcpus[k].hartid = k;
		hv_pcpus[k].vcpu = v;
		v->part = &p;
		v->vhartid = k;
		v->hartid = k;
		v->pcpu = &hv_pcpus[k];
		v->state = k ? init[(states >> (2 * k)) & 3] : VCPU_STARTED;
		console_stream_init(&v->dbcn, &p.con);
	}
	/* the other partition, on pcpus 4..7 */
	strcpy(ocfg.name, "other");
	ocfg.nr_vcpus = 4;
	ocfg.mem_gpa = gpa(RAM_GPA);
	ocfg.mem_size = MiB(2);
	other.cfg = &ocfg;
	other.nr_vcpus = 4;
	other.guest_ids = 255;
	other.con.name = ocfg.name;
	for (unsigned k = 0; k < 4; k++) {
		struct vcpu *v = &other.vcpus[k];

		hv_pcpus[4 + k].index = 4 + k;
		hv_pcpus[4 + k].hartid = 4 + k;
		hv_pcpus[4 + k].vcpu = v;
		v->part = &other;
		v->vhartid = k;
		v->hartid = 4 + k;
		v->pcpu = &hv_pcpus[4 + k];
		v->state = VCPU_STARTED;
		console_stream_init(&v->dbcn, &other.con);
	}
	console_init();
	console_reset();
	FUZZ_CHECK(console_register(&p.con) == 0 && console_register(&other.con) == 0, "console clients");
	len = fz_u8(f) % sizeof(input);
	fz_bytes(f, input, len);
	input[len] = 0;   /* the fake console stops at the first NUL */
	fake.in = input;
}

/* One argument register: small, an address in or near the partition's RAM, -1, or anything. */
static unsigned long take_arg(struct fz *f)
{
	uint8_t k = fz_u8(f);

	switch (k & 3) {
	case 0: return fz_u8(f);
	case 1: return RAM_GPA + (unsigned long)fz_u16(f) * (k & 4 ? 2 : 1) - (k & 8 ? 0x10 : 0);
	case 2: return k & 4 ? ULONG_MAX : (unsigned long)fz_u16(f) << 16;
	default: return fz_u64(f);
	}
}

/* The run loop's part between calls: what the action asks for. */
static void carry_out(struct vcpu *v, enum vsbi_action a)
{
	switch (a) {
	case VSBI_STOP_VCPU:
		console_flush(&v->dbcn);
		v->state = VCPU_STOPPED;
		break;
	case VSBI_SHUTDOWN:
	case VSBI_REBOOT:  /* partition_stop, then (reboot or the harness) start again on vCPU 0 */
		for (unsigned k = 0; k < p.nr_vcpus; k++) {
			console_flush(&p.vcpus[k].dbcn);
			p.vcpus[k].state = VCPU_STOPPED;
		}
		p.vcpus[0].state = VCPU_STARTED;
		break;
	case VSBI_SUSPEND:  /* the wait ends at once: an interrupt is pending */
	case VSBI_RESUME:
		break;
	}
}

/* partvisor's hypercalls (docs/hypercall.md, ABI v1) against the harness's model of the MSI state. */
static void check_partvisor(unsigned long fid, const struct guest_regs *before, const struct guest_regs *r, long err)
{
	unsigned long a0 = before->x[10], a1 = before->x[11], a2 = before->x[12];
	bool args = a1 < p.nr_vcpus && a2 >= 1 && a2 <= p.guest_ids;
	bool dev = a0 <= 0xffff && !(a0 & 0xff07) && (a0 >> 3) < p.vpci.nr;

	switch (fid) {
	case PARTVISOR_FID_MSI_ADDR:
		if (err == SBI_SUCCESS)
			FUZZ_CHECK(a0 < p.nr_vcpus && a1 >= 1 && a1 <= p.guest_ids &&
				   r->x[11] == GUEST_IMSIC_GPA + a0 * PAGE_SIZE, "MSI_ADDR(%lu, %lu)", a0, a1);
		break;
	case PARTVISOR_FID_GET_INFO:
		if (err == SBI_SUCCESS)
			FUZZ_CHECK((a0 == PARTVISOR_INFO_VERSION && r->x[11] == PARTVISOR_VERSION) ||
				   a0 == PARTVISOR_INFO_FEATURES ||
				   (a0 == PARTVISOR_INFO_NR_VCPUS && r->x[11] == p.nr_vcpus) ||
				   (a0 == PARTVISOR_INFO_NR_IDS && r->x[11] == p.guest_ids) ||
				   (a0 == PARTVISOR_INFO_NR_DEVICES && r->x[11] == p.vpci.nr), "GET_INFO(%lu) = %llu", a0,
				   (ull)r->x[11]);
		break;
	case PARTVISOR_FID_MSI_COMPOSE:
		FUZZ_CHECK((err == SBI_SUCCESS) == (dev && args), "MSI_COMPOSE(0x%lx, %lu, %lu): error %ld", a0, a1, a2,
			   err);
		if (err == SBI_SUCCESS) {
			FUZZ_CHECK(r->x[11] == GUEST_IMSIC_GPA + a1 * PAGE_SIZE, "MSI_COMPOSE address 0x%llx",
				   (ull)r->x[11]);
			composed[a0 >> 3][a1][a2 / 64] |= 1ULL << (a2 % 64);
		}
		break;
	case PARTVISOR_FID_MSI_RELEASE:
		if (dev && args && !(composed[a0 >> 3][a1][a2 / 64] & (1ULL << (a2 % 64))))
			FUZZ_CHECK(err == SBI_ERR_INVALID_PARAM, "release of nothing composed: error %ld", err);
		else
			FUZZ_CHECK((err == SBI_SUCCESS) == (dev && args), "MSI_RELEASE(0x%lx, %lu, %lu): error %ld", a0,
				   a1, a2, err);
		if (err == SBI_SUCCESS)
			composed[a0 >> 3][a1][a2 / 64] &= ~(1ULL << (a2 % 64));
		break;
	}
	check_msi_tables();
}

static void call(struct fz *f)
{
	uint8_t sel = fz_u8(f), who = fz_u8(f), fsel = fz_u8(f);
	unsigned long eid, fid;
	struct guest_regs r, before;
	struct pcpu pcpus_before[4];
	struct vcpu others_before[4];
	int states[PV_MAX_VCPUS];
	uint64_t exits = 0, exits_after = 0;
	unsigned sent_before[8][4], running[PV_MAX_VCPUS], nr = 0;
	enum vsbi_action act;
	struct vsbi_ret ret;
	struct vcpu *v;
	long err;

	/* pending starts are taken up by their harts; the caller is a running vCPU */
	if (who & 0x80)
		for (unsigned k = 0; k < p.nr_vcpus; k++)
			if (p.vcpus[k].state == VCPU_START_PENDING)
				p.vcpus[k].state = VCPU_STARTED;
	for (unsigned k = 0; k < p.nr_vcpus; k++)
		if (p.vcpus[k].state == VCPU_STARTED)
			running[nr++] = k;
	if (!nr) {
		p.vcpus[0].state = VCPU_STARTED;
		running[nr++] = 0;
	}
	v = &p.vcpus[running[(who & 0x7f) % nr]];

	if (sel < 0xc0)
		eid = eids[sel % ARRAY_SIZE(eids)];
	else if (sel < 0xe0)
		eid = eids[sel % ARRAY_SIZE(eids)] + (sel & 1 ? 1 : -1UL);
	else
		eid = fz_u64(f);
	fid = fsel < 0xf0 ? fsel % 8 : fsel == 0xff ? ULONG_MAX : fz_u64(f);

	memset(&r, 0, sizeof(r));
	for (unsigned i = 1; i < 32; i++)
		r.x[i] = 0x1000 + i;
	r.x[17] = eid;
	r.x[16] = fid;
	for (unsigned i = 0; i < 6; i++)
		r.x[10 + i] = take_arg(f);
	r.sepc = SEPC;
	before = r;
	for (unsigned k = 0; k < p.nr_vcpus; k++)
		states[k] = p.vcpus[k].state;
	for (unsigned i = 0; i < EXIT_NR; i++)
		exits += p.exits[i];
	memcpy(pcpus_before, &hv_pcpus[4], sizeof(pcpus_before));
	memcpy(others_before, other.vcpus, sizeof(others_before));
	memcpy(sent_before, fake.sent, sizeof(sent_before));
	if (fake.stop_on_poll)
		v->pcpu->mailbox = 1u << REQ_STOP;
	fake.out_len = 0;

	ret = *vsbi_handle(v, &r);
	act = ret.action;

	FUZZ_CHECK(r.sepc == SEPC + 4, "sepc advanced by %lld", (long long)(r.sepc - SEPC));
	FUZZ_CHECK(fake.locks_held == 0, "locks held: %d", fake.locks_held);
	FUZZ_CHECK(act >= VSBI_RESUME && act <= VSBI_SUSPEND, "action %d", (int)act);
	FUZZ_CHECK(ret.action == act && ret.error == (long)r.x[10] && ret.legacy == is_legacy(eid) &&
		   (ret.legacy || ret.value == (long)r.x[11]), "the result copied out differs");
	if (act == VSBI_SUSPEND) {
		FUZZ_CHECK(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_SUSPEND && ret.error == SBI_SUCCESS, "suspend");
		if (ret.suspend.non_retentive)
			FUZZ_CHECK(ret.suspend.resume_addr.v == before.x[11] && ret.suspend.opaque == before.x[12] &&
				   partition_gpa_to_host(&p, ret.suspend.resume_addr, 4),
				   "non-retentive resume at 0x%llx", (ull)ret.suspend.resume_addr.v);
	}
	for (unsigned i = 0; i < 32; i++)
		if (i != 10 && (i != 11 || is_legacy(eid)))
			FUZZ_CHECK(r.x[i] == before.x[i], "eid 0x%lx fid 0x%lx changed x%u", eid, fid, i);
	FUZZ_CHECK(!memcmp(&r.sstatus, &before.sstatus, 2 * sizeof(r.sstatus)), "CSRs in the frame changed");
	err = (long)r.x[10];
	if (eid == SBI_EXT_LEGACY_GETCHAR)
		FUZZ_CHECK(err >= -1 && err <= 255, "getchar returned %ld", err);
	else if (is_legacy(eid))
		FUZZ_CHECK(err == 0, "legacy eid 0x%lx returned %ld", eid, err);
	else
		FUZZ_CHECK(err <= SBI_SUCCESS && err >= SBI_ERR_ALREADY_STOPPED, "eid 0x%lx fid 0x%lx: error %ld", eid,
			   fid, err);
	for (unsigned i = 0; i < EXIT_NR; i++)
		exits_after += p.exits[i];
	FUZZ_CHECK(exits_after == exits + 1, "%llu exits counted", (ull)(exits_after - exits));
	for (unsigned i = 0; i < EXIT_NR; i++)
		FUZZ_CHECK(!other.exits[i], "exit counted for the other partition");

	/* results of the calls that return values */
	if (err == SBI_SUCCESS && eid == SBI_EXT_BASE && fid == SBI_BASE_PROBE_EXT)
		FUZZ_CHECK(r.x[11] <= 1, "probe answered %llu", (ull)r.x[11]);
	if (err == SBI_SUCCESS && eid == SBI_EXT_HSM && fid == SBI_HSM_HART_GET_STATUS)
		FUZZ_CHECK(before.x[10] < p.nr_vcpus && r.x[11] <= SBI_HSM_STATE_SUSPENDED, "status %llu of %llu",
			   (ull)r.x[11], (ull)before.x[10]);
	if (eid == PARTVISOR_EID)
		check_partvisor(fid, &before, &r, err);
	if (err == SBI_SUCCESS && eid == SBI_EXT_DBCN && fid <= SBI_DBCN_READ)
		FUZZ_CHECK(r.x[11] <= before.x[10] && r.x[11] <= 1024, "DBCN reported %llu of %llu bytes",
			   (ull)r.x[11], (ull)before.x[10]);

	/* vCPU states */
	for (unsigned k = 0; k < p.nr_vcpus; k++) {
		int s = p.vcpus[k].state;

		FUZZ_CHECK(s >= VCPU_STARTED && s <= VCPU_SUSPENDED, "vcpu %u state %d", k, s);
		if (states[k] == VCPU_STOPPED)
			FUZZ_CHECK(s == VCPU_STOPPED || (s == VCPU_START_PENDING && eid == SBI_EXT_HSM &&
							 fid == SBI_HSM_HART_START && before.x[10] == k),
				   "stopped vcpu %u became %d", k, s);
		else if (&p.vcpus[k] != v)
			FUZZ_CHECK(s == states[k], "vcpu %u went from %d to %d", k, states[k], s);
	}

	/* requests go only where they make sense: a wake to a vCPU just started, IPIs and fences to running ones */
	for (unsigned k = 0; k < p.nr_vcpus; k++) {
		bool was_running = states[k] == VCPU_STARTED || states[k] == VCPU_SUSPENDED;

		if (fake.sent[k][REQ_WAKE] != sent_before[k][REQ_WAKE])
			FUZZ_CHECK(states[k] == VCPU_STOPPED && p.vcpus[k].state == VCPU_START_PENDING,
				   "wake sent to vcpu %u in state %d", k, states[k]);
		if (fake.sent[k][REQ_VSSIP] != sent_before[k][REQ_VSSIP] ||
		    fake.sent[k][REQ_FENCE] != sent_before[k][REQ_FENCE])
			FUZZ_CHECK(was_running && &p.vcpus[k] != v, "IPI or fence sent to vcpu %u in state %d", k,
				   states[k]);
	}

	/* the other partition */
	for (unsigned t = 4; t < 8; t++)
		for (unsigned q = 0; q < 4; q++)
			FUZZ_CHECK(fake.sent[t][q] == sent_before[t][q], "request %u sent to the other partition's pcpu %u",
				   q, t);
	FUZZ_CHECK(!memcmp(pcpus_before, &hv_pcpus[4], sizeof(pcpus_before)), "other partition's pcpus changed");
	FUZZ_CHECK(!memcmp(others_before, other.vcpus, sizeof(others_before)), "other partition's vcpus changed");

	v->pcpu->mailbox = 0;
	carry_out(v, act);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	setup(&f);
	while (f.n)
		call(&f);
	for (unsigned k = 0; k < p.nr_vcpus; k++)   /* leave the console rings empty */
		console_flush(&p.vcpus[k].dbcn);
	return 0;
}
