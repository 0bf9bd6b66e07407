/* SPDX-License-Identifier: MIT */
/*
 * Partitions: G-stage address space, image loading, guest device tree, and
 * stop / reboot. A partition's RAM is host RAM that no other partition and not
 * the hypervisor owns (checked by config_parse), mapped 1:1 in size at its
 * guest base; vCPU k's virtual IMSIC page maps to its hart's guest interrupt file.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "arch/riscv/sbi_call.h"
#include "core/guest_fdt.h"
#include "core/guest_layout.h"
#include "core/hv.h"
#include "core/partition.h"
#include "core/passthrough.h"
#include "core/run.h"
#include "lib/entropy.h"
#include "lib/mem.h"
#include "lib/log.h"

struct partition hv_parts[PV_MAX_PARTITIONS];
unsigned hv_nr_parts;

/* Table pages for every partition's G-stage come from this pool (no heap in the firmware). */
#define GSTAGE_POOL_SIZE KiB(512)
/* Not zeroed at entry (.noinit): pool_alloc zeroes what it hands out. */
static uint8_t gstage_pool[GSTAGE_POOL_SIZE] __attribute__((aligned(16384), section(".noinit.gstage_pool")));
static size_t gstage_pool_used;
static spinlock_t pool_lock;

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

size_t partition_gstage_bytes(void)
{
	return gstage_pool_used;
}

/* The DBCN stream of the vCPU running on this hart (ended before its UART bytes, to keep their order). */
static struct con_stream *running_vcpu_stream(void)
{
	struct pcpu *pc = this_pcpu();

	return pc && pc->vcpu ? &pc->vcpu->dbcn : NULL;
}

int partition_setup(struct partition *p, unsigned index, const struct pv_part_config *cfg)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->index = index;
	p->vmid = (uint16_t)(index + 1);
	p->nr_vcpus = cfg->nr_vcpus;
	p->guest_ids = hv_plat.imsic.num_guest_ids;
	p->con.name = cfg->name;
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
		console_stream_init(&v->dbcn, &p->con);
		hv_pcpus[h].vcpu = v;
		/* The guest's IMSIC page k is the real guest interrupt file: MSIs and IPIs need no exit. */
		ret = gstage_map(&p->gs, gpa(GUEST_IMSIC_GPA + k * PAGE_SIZE),
				 imsic_guest_file_hpa(&hv_plat.imsic, (unsigned)hv_plat.harts[h].imsic_index,
						      v->guest_file),
				 PAGE_SIZE, GS_R | GS_W);
		if (ret < 0)
			return ret;
	}
	ret = uart_port_attach(&p->uart, &p->mmio, gpa(GUEST_UART_GPA), GUEST_UART_SIZE, &p->con);
	if (ret < 0)
		return ret;
	p->uart.other = running_vcpu_stream;
	ret = console_register(&p->con);
	if (ret < 0)
		return ret;
	p->hgatp = gstage_hgatp(&p->gs, p->vmid);
	p->state = PART_STOPPED;
	return 0;
}

/* Offsets in a RISC-V Linux Image header [Linux Documentation/arch/riscv/boot-image-header.rst]. */
#define IMAGE_HDR_IMAGE_SIZE 16   /* u64: bytes the kernel occupies in memory, BSS included */
#define IMAGE_HDR_MAGIC2     56   /* u32: "RSC\x05" */
#define IMAGE_MAGIC2         0x05435352u

/* Bytes image @data (@size bytes in the file) occupies once running: the header's image_size if it has one. */
static uint64_t image_footprint(const uint8_t *data, uint64_t size)
{
	uint32_t magic;
	uint64_t isz;

	if (size < 64)
		return size;
	memcpy(&magic, data + IMAGE_HDR_MAGIC2, sizeof(magic));
	memcpy(&isz, data + IMAGE_HDR_IMAGE_SIZE, sizeof(isz));
	return magic == IMAGE_MAGIC2 && isz > size ? isz : size;
}

/* Pieces the harts of a partition take when they clear and load its RAM (lib/mem.c memory job). */
#define LOAD_CHUNK MiB(2)

int partition_load(struct partition *p)
{
	const struct pv_part_config *c = p->cfg;
	const uint8_t *img = c->image_reg.size ? (const uint8_t *)(uintptr_t)c->image_reg.base.v :
						 (const uint8_t *)hv_images[c->image].data;
	uint64_t img_size = c->image_reg.size ? c->image_reg.size : hv_images[c->image].size;
	uint64_t fdt_off = c->mem_size - GUEST_FDT_RESERVE, img_end = c->load_offset + img_size;
	uint8_t *ram = (uint8_t *)(uintptr_t)c->mem_hpa.v;
	struct guest_fdt_info info = { .boot_count = p->boots + 1, .uart = true, .pcie = c->nr_pci > 0,
				       .pci_mem32 = hv_plat.pcie.mem32, .pci_mem64 = hv_plat.pcie.mem64 };
	struct pv_diag diag;
	int ret;

	p->load_time = arch_time();
	/* Fresh seed bytes for every partition and every boot. */
	info.has_rng_seed = true;
	entropy_fill(info.rng_seed, sizeof(info.rng_seed), arch_time() ^ ((uint64_t)p->index << 48) ^ p->boots);
	p->fdt_gpa = gpa(c->mem_gpa.v + fdt_off);
	p->fdt_hpa = hpa(c->mem_hpa.v + fdt_off);
	if (img_end > fdt_off) {
		pr("partvisor: %s: the image (0x%llx bytes at offset 0x%llx) reaches the guest device tree at 0x%llx\n",
		   c->name, (ull)img_size, (ull)c->load_offset, (ull)fdt_off);
		return -PV_ERANGE;
	}
	if (c->initrd_reg.size) {
		uint64_t off = ALIGN_DOWN(fdt_off - c->initrd_reg.size, PAGE_SIZE);

		/* config_parse checked the file sizes; the kernel's BSS must not reach the initrd either. */
		if (c->load_offset + image_footprint(img, img_size) > off) {
			pr("partvisor: %s: the image needs 0x%llx bytes at offset 0x%llx: no room for the initrd at 0x%llx\n",
			   c->name, (ull)image_footprint(img, img_size),
			   (ull)c->load_offset, (ull)off);
			return -PV_ERANGE;
		}
		info.initrd_start = gpa(c->mem_gpa.v + off);
		info.initrd_size = c->initrd_reg.size;
	}

	/*
	 * The partition's RAM as one memory job its own harts share (core/run.c): every byte below
	 * the guest device tree is either copied (image, initrd) or zeroed, so nothing of a previous
	 * run or of the boot leaks in, and nothing is written twice. The device tree area is
	 * written here (the device tree, then zeros up to the end of RAM).
	 */
	mem_job_begin(&p->load, LOAD_CHUNK);
	mem_job_add(&p->load, ram, NULL, c->load_offset);
	mem_job_add(&p->load, ram + c->load_offset, img, img_size);
	if (info.initrd_size) {
		uint64_t ioff = info.initrd_start.v - c->mem_gpa.v;

		mem_job_add(&p->load, ram + img_end, NULL, ioff - img_end);
		mem_job_add(&p->load, ram + ioff, (const void *)(uintptr_t)c->initrd_reg.base.v, info.initrd_size);
		mem_job_add(&p->load, ram + ioff + info.initrd_size, NULL, fdt_off - ioff - info.initrd_size);
	} else {
		mem_job_add(&p->load, ram + img_end, NULL, fdt_off - img_end);
	}
	ret = guest_fdt_build((void *)(uintptr_t)p->fdt_hpa.v, GUEST_FDT_RESERVE, hv_host_fdt, &hv_plat, c,
			      &info, &diag);
	if (ret < 0) {
		pr("partvisor: %s: cannot build the guest device tree: %s\n", c->name, diag.msg);
		return ret;
	}
	/* libfdt's sequential writer leaves its first copy of the strings at the buffer's end: clear the tail. */
	mem_zero(ram + fdt_off + fdt_totalsize(ram + fdt_off), GUEST_FDT_RESERVE - fdt_totalsize(ram + fdt_off));
	/* Nothing of a previous run: UART state, console input typed for it, partial lines. */
	uart_port_reset(&p->uart);
	console_input_clear(&p->con);
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		console_stream_init(&p->vcpus[k].dbcn, &p->con);
		p->vcpus[k].state = VCPU_STOPPED;
	}
	memset(p->exits, 0, sizeof(p->exits));
	/* Bus Master stays off until the guest's driver turns it on: no DMA into RAM being loaded. */
	passthrough_partition_start(p);
	p->boots++;
	p->entry_pending = true;
	p->vcpus[0].start_pc = gpa_add(c->mem_gpa, c->load_offset);
	p->vcpus[0].start_arg = p->fdt_gpa.v;
	/* Release: the job, the device tree and the vCPU state are visible to the partition's harts. */
	mem_job_publish(&p->load);
	__atomic_thread_fence(__ATOMIC_RELEASE);  /* pairs with pcpu_run's acquire after it sees START_PENDING */
	p->vcpus[0].state = VCPU_START_PENDING;
	p->state = PART_RUNNING;
	return 0;
}

static const char *const exit_names[EXIT_NR] = {
	[EXIT_SBI_BASE] = "sbi-base", [EXIT_SBI_TIME] = "sbi-time", [EXIT_SBI_IPI] = "sbi-ipi",
	[EXIT_SBI_RFENCE] = "sbi-rfence", [EXIT_SBI_HSM] = "sbi-hsm", [EXIT_SBI_SRST] = "sbi-srst",
	[EXIT_SBI_DBCN] = "sbi-dbcn", [EXIT_SBI_LEGACY] = "sbi-legacy", [EXIT_SBI_PARTVISOR] = "sbi-partvisor",
	[EXIT_SBI_OTHER] = "sbi-other", [EXIT_GUEST_PAGE_FAULT] = "guest-page-fault",
	[EXIT_VIRTUAL_INSN] = "virtual-instruction", [EXIT_INTERRUPT] = "interrupt",
	[EXIT_HV_REQUEST] = "hv-request", [EXIT_OTHER] = "other",
};

/* Print the exit counters of @p on one line. */
static void print_exits(struct partition *p)
{
	char buf[400];
	int n = 0;
	uint64_t sbi = 0;

	for (int c = EXIT_SBI_BASE; c <= EXIT_SBI_OTHER; c++)
		sbi += p->exits[c];
	n += snprintf(buf + n, sizeof(buf) - n, "sbi=%llu", (ull)sbi);
	for (int c = 0; c < EXIT_NR && n < (int)sizeof(buf); c++)
		n += snprintf(buf + n, sizeof(buf) - n, " %s=%llu", exit_names[c], (ull)p->exits[c]);
	pr("partvisor: %s exits: %s\n", p->cfg->name, buf);
}

static spinlock_t stop_lock;

void partition_stop(struct partition *p, struct vcpu *caller, bool reboot)
{
	struct pcpu *pc = caller->pcpu;
	bool all_stopped = true;

	spin_lock(&p->lock);
	if (p->state != PART_RUNNING) {
		/* Another vCPU is already stopping the partition: just stop this one. */
		spin_unlock(&p->lock);
		vcpu_stop_here(pc);
	}
	p->state = PART_STOPPING;
	spin_unlock(&p->lock);

	console_flush(&caller->dbcn);
	caller->state = VCPU_STOPPED;
	arch_vcpu_quiesce();
	for (unsigned k = 0; k < p->nr_vcpus; k++) {
		struct vcpu *v = &p->vcpus[k];

		if (v != caller && v->state != VCPU_STOPPED)
			pcpu_send(v->pcpu, REQ_STOP);
	}
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		while (vcpu_is_running(&p->vcpus[k]) || p->vcpus[k].state == VCPU_STOP_PENDING)
			pcpu_handle_mailbox(pc);  /* keep serving requests aimed at us meanwhile */
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		p->vcpus[k].state = VCPU_STOPPED;  /* cancels a pending HSM start */
	passthrough_partition_stop(p);
	for (unsigned k = 0; k < p->nr_vcpus; k++)
		console_flush(&p->vcpus[k].dbcn);
	console_flush(&p->uart.out);

	/* A partition that reboots in a loop must not flood the console: 8 reports, then one per 10 s. */
	if (ratelimit_allow(&p->stop_rl, arch_time(), 10 * hv_plat.timebase_hz, 8, NULL)) {
		pr("partvisor: partition %s %s\n", p->cfg->name, reboot ? "rebooting" : "stopped");
		print_exits(p);
	}

	if (reboot) {
		if (partition_load(p) == 0) {
			/* Its harts clear and load its RAM together (core/run.c), then vCPU 0 starts. */
			for (unsigned k = 0; k < p->nr_vcpus; k++)
				if (p->vcpus[k].pcpu != pc)
					pcpu_send(p->vcpus[k].pcpu, REQ_WAKE);
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
