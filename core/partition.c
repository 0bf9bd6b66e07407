/* SPDX-License-Identifier: MIT */
/*
 * Partitions: G-stage address space, image loading, guest device tree, and
 * stop / reboot. A partition's RAM is host RAM that no other partition and not
 * the hypervisor owns (checked by config_parse), mapped 1:1 in size at its
 * guest base; vCPU k's virtual IMSIC page maps to its hart's guest interrupt file.
 */
#include <stdio.h>
#include <string.h>

#include "csr.h"
#include "guest_fdt.h"
#include "guest_layout.h"
#include "hv.h"

/* Table pages for every partition's G-stage come from this pool (no heap in the firmware). */
#define GSTAGE_POOL_SIZE KiB(512)
static uint8_t gstage_pool[GSTAGE_POOL_SIZE] __attribute__((aligned(16384)));
static size_t gstage_pool_used;
static volatile uint32_t pool_lock;
static volatile uint32_t fdt_lock;

/* gstage_alloc_fn over the static pool: zeroed, @size-aligned; NULL when exhausted. */
static void *pool_alloc(void *ctx, size_t size)
{
	void *p = NULL;
	size_t off;

	spin_lock(&pool_lock);
	off = ALIGN_UP(gstage_pool_used, size);
	if (off + size <= GSTAGE_POOL_SIZE) {
		p = gstage_pool + off;
		gstage_pool_used = off + size;
	}
	spin_unlock(&pool_lock);
	if (p)
		memset(p, 0, size);
	return p;
}

void partition_count_exit(struct partition *p, enum exit_cause cause)
{
	__atomic_fetch_add(&p->exits[cause], 1, __ATOMIC_RELAXED);
}

void *partition_gpa_to_host(struct partition *p, uint64_t g, uint64_t len)
{
	const struct pv_part_config *c = p->cfg;
	uint64_t off = g - c->mem_gpa.v;

	if (g < c->mem_gpa.v || off >= c->mem_size || len > c->mem_size - off)
		return NULL;
	return (void *)(uintptr_t)(c->mem_hpa.v + off);
}

int partition_setup(struct partition *p, unsigned index, const struct pv_part_config *cfg)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->index = index;
	p->vmid = (uint16_t)(index + 1);
	p->nr_vcpus = cfg->nr_vcpus;
	ret = gstage_init(&p->gs, cfg->mem_gpa.v + cfg->mem_size, pool_alloc, NULL);
	if (ret < 0)
		return ret;
	ret = gstage_map(&p->gs, cfg->mem_gpa, cfg->mem_hpa, cfg->mem_size, GS_RWX);
	if (ret < 0)
		return ret;
	for (unsigned k = 0; k < cfg->nr_vcpus; k++) {
		struct vcpu *v = &p->vcpus[k];
		int h = platform_hart_index(&hv_plat, cfg->hartids[k]);

		v->part = p;
		v->vhartid = k;
		v->hartid = cfg->hartids[k];
		v->pcpu = &hv_pcpus[h];
		v->guest_file = 1;  /* one vCPU per hart: it gets the hart's first guest interrupt file */
		v->state = VCPU_STOPPED;
		hv_pcpus[h].vcpu = v;
		/* The guest's IMSIC page k is the real guest interrupt file: MSIs and IPIs need no exit. */
		ret = gstage_map(&p->gs, gpa(GUEST_IMSIC_GPA + k * PAGE_SIZE),
				 imsic_guest_file_hpa(&hv_plat.imsic, (unsigned)hv_plat.harts[h].imsic_index,
						      v->guest_file),
				 PAGE_SIZE, GS_R | GS_W);
		if (ret < 0)
			return ret;
	}
	p->hgatp = gstage_hgatp(&p->gs, p->vmid);
	p->state = PART_STOPPED;
	return 0;
}

int partition_load(struct partition *p)
{
	const struct pv_part_config *c = p->cfg;
	const struct pv_image *img = &hv_images[c->image];
	uint8_t *ram = (uint8_t *)(uintptr_t)c->mem_hpa.v;
	struct pv_diag diag;
	int ret;

	/* Clear everything so nothing of a previous run or of the boot leaks in. */
	memset(ram, 0, c->mem_size);
	memcpy(ram + c->load_offset, img->data, img->size);
	p->fdt_gpa = gpa(c->mem_gpa.v + c->mem_size - GUEST_FDT_RESERVE);
	p->fdt_hpa = hpa(c->mem_hpa.v + c->mem_size - GUEST_FDT_RESERVE);
	spin_lock(&fdt_lock);  /* guest_fdt_build uses static scratch buffers */
	ret = guest_fdt_build((void *)(uintptr_t)p->fdt_hpa.v, GUEST_FDT_RESERVE, hv_host_fdt, &hv_plat, c, &diag);
	spin_unlock(&fdt_lock);
	if (ret < 0) {
		pr("partvisor: %s: cannot build the guest device tree: %s\n", c->name, diag.msg);
		return ret;
	}
	__asm__ volatile("fence rw, rw" ::: "memory");
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		p->vcpus[k].line_len = 0;
		p->vcpus[k].state = VCPU_STOPPED;
	}
	memset(p->exits, 0, sizeof(p->exits));
	p->boots++;
	p->reboot = 0;
	p->vcpus[0].start_pc = c->mem_gpa.v + c->load_offset;
	p->vcpus[0].start_arg = p->fdt_gpa.v;
	p->vcpus[0].state = VCPU_START_PENDING;
	p->state = PART_RUNNING;
	return 0;
}

static const char *const exit_names[EXIT_NR] = {
	[EXIT_SBI_BASE] = "sbi-base", [EXIT_SBI_TIME] = "sbi-time", [EXIT_SBI_IPI] = "sbi-ipi",
	[EXIT_SBI_RFENCE] = "sbi-rfence", [EXIT_SBI_HSM] = "sbi-hsm", [EXIT_SBI_SRST] = "sbi-srst",
	[EXIT_SBI_DBCN] = "sbi-dbcn", [EXIT_SBI_LEGACY] = "sbi-legacy",
	[EXIT_SBI_OTHER] = "sbi-other", [EXIT_GUEST_PAGE_FAULT] = "guest-page-fault",
	[EXIT_VIRTUAL_INSN] = "virtual-instruction", [EXIT_INTERRUPT] = "interrupt", [EXIT_OTHER] = "other",
};

/* Print the exit counters of @p on one line. */
static void print_exits(struct partition *p)
{
	char buf[400];
	int n = 0;
	uint64_t sbi = 0;

	for (int c = EXIT_SBI_BASE; c <= EXIT_SBI_OTHER; c++)
		sbi += p->exits[c];
	n += snprintf(buf + n, sizeof(buf) - n, "sbi=%llu", (unsigned long long)sbi);
	for (int c = 0; c < EXIT_NR && n < (int)sizeof(buf); c++)
		n += snprintf(buf + n, sizeof(buf) - n, " %s=%llu", exit_names[c], (unsigned long long)p->exits[c]);
	pr("partvisor: %s exits: %s\n", p->cfg->name, buf);
}

static volatile uint32_t stop_lock;

void partition_stop(struct partition *p, struct vcpu *caller, bool reboot)
{
	struct pcpu *pc = caller->pcpu;
	bool all_stopped = true;

	spin_lock(&p->lock);
	if (p->state != PART_RUNNING) {
		/* Another vCPU is already stopping the partition: just stop this one. */
		spin_unlock(&p->lock);
		console_guest_flush(caller);
		caller->state = VCPU_STOPPED;
		csr_write(hgatp, 0);
		pcpu_run(pc);
	}
	p->state = PART_STOPPING;
	spin_unlock(&p->lock);

	console_guest_flush(caller);
	caller->state = VCPU_STOPPED;
	csr_write(vstimecmp, -1ULL);
	csr_write(hvip, 0);
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *v = &p->vcpus[k];

		if (v != caller && v->state != VCPU_STOPPED)
			pcpu_send(v->pcpu, REQ_STOP);
	}
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		while (p->vcpus[k].state == VCPU_STARTED)
			pcpu_handle_mailbox(pc);  /* keep serving requests aimed at us meanwhile */
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		p->vcpus[k].state = VCPU_STOPPED;  /* cancels a pending HSM start */
	csr_write(hgatp, 0);
	hfence_gvma_all();

	pr("partvisor: partition %s %s\n", p->cfg->name, reboot ? "rebooting" : "stopped");
	print_exits(p);

	if (reboot) {
		if (partition_load(p) == 0) {
			struct vcpu *v0 = &p->vcpus[0];

			if (v0->pcpu != pc)
				pcpu_send(v0->pcpu, REQ_WAKE);
			pcpu_run(pc);
		}
		pr("partvisor: partition %s cannot restart; it stays stopped\n", p->cfg->name);
	}
	spin_lock(&stop_lock);
	p->state = PART_STOPPED;
	for (unsigned i = 0; i < hv_nr_parts; i++)
		if (hv_parts[i].state != PART_STOPPED)
			all_stopped = false;
	spin_unlock(&stop_lock);
	if (all_stopped) {
		pr("partvisor: all partitions stopped, powering off\n");
		sbi_shutdown(false);
	}
	pcpu_run(pc);
}
