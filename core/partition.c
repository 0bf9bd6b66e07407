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
#include "drivers/imsic/imsic.h"
#include "lib/entropy.h"
#include "lib/mem.h"
#include "lib/log.h"

struct partition hv_parts[PV_MAX_PARTITIONS];
unsigned hv_nr_parts;

/*
 * Table pages for every partition's G-stage come from this pool (no heap in the firmware),
 * and so do the per-function second stages of an IOMMU without MSI_FLAT (24 KiB each,
 * core/passthrough.c); a full pool stops boot naming the partition or the function.
 */
#define GSTAGE_POOL_SIZE KiB(640)
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

/* vconsole_owner.gpa_to_host: the partition's RAM only. */
static void *vcon_g2h(void *ctx, gpa_t g, uint64_t len)
{
	return partition_gpa_to_host(ctx, g, len);
}

/*
 * vconsole_owner.msi: the guest programmed its virtio console's MSI-X entry with
 * @addr / @data. Delivered only to one of its own vCPUs' virtual IMSIC pages
 * (seteipnum_le at offset 0) with an identity its guest file implements: the store
 * goes to that vCPU's guest interrupt file, so the vCPU takes it with no exit.
 * Anything else is dropped, like an MSI the IOMMU would block.
 */
static void vcon_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct partition *p = ctx;
	uint64_t k = (addr - GUEST_IMSIC_GPA) / PAGE_SIZE;

	if (addr < GUEST_IMSIC_GPA || k >= p->nr_vcpus || (addr & (PAGE_SIZE - 1)) || !data || data > p->guest_ids)
		return;
	imsic_send(imsic_guest_file_hpa(&hv_plat.imsic,
					(unsigned)hv_plat.harts[platform_hart_index(&hv_plat, p->vcpus[k].hartid)].imsic_index,
					p->vcpus[k].guest_file), data);
}

static const char *const vcon_fault_names[] = {
	[VCON_BAD_QUEUE] = "bad queue size or ring alignment", [VCON_BAD_RING_ADDR] = "ring outside guest RAM",
	[VCON_BAD_AVAIL_IDX] = "avail.idx beyond the queue size", [VCON_BAD_HEAD] = "descriptor index out of range",
	[VCON_BAD_CHAIN] = "descriptor chain loops", [VCON_BAD_DESC] = "buffer outside guest RAM or INDIRECT",
	[VCON_BAD_DIRECTION] = "buffer of the wrong direction",
};

/* vconsole_owner.fault: the guest broke its virtio console's rings (reported from the guest-fault budget). */
static void vcon_fault(void *ctx, enum vcon_fault why)
{
	struct partition *p = ctx;
	uint32_t dropped;

	if (ratelimit_allow(&p->fault_rl, arch_time(), hv_plat.timebase_hz, 16, &dropped))
		pr("partvisor: %s: virtio console: %s: device needs reset%s\n", p->cfg->name,
		   why < ARRAY_SIZE(vcon_fault_names) && vcon_fault_names[why] ? vcon_fault_names[why] : "?",
		   dropped ? " (earlier reports suppressed)" : "");
}

gpa_t partition_vcon_bar(void)
{
	const struct pci_window *w = &hv_plat.pcie.mem32;

	if (hv_plat.pcie.present && w->size >= 2 * VCON_BAR_SIZE && w->cpu_base.v == w->pci_base)
		return gpa(w->cpu_base.v + w->size - VCON_BAR_SIZE);
	return gpa(GUEST_PCIE_MMIO_GPA + GUEST_PCIE_MMIO_SIZE - VCON_BAR_SIZE);
}

/* The console device of @p: the 16550 window, or the virtio console on the virtual host bridge. */
static int console_attach(struct partition *p)
{
	const struct pv_part_config *cfg = p->cfg;
	struct vconsole_owner owner = { vcon_g2h, vcon_msi, running_vcpu_stream, vcon_fault, p };
	int ret;

	if (cfg->console == PV_CONSOLE_UART) {
		ret = uart_port_attach(&p->uart, &p->mmio, gpa(GUEST_UART_GPA), GUEST_UART_SIZE, &p->con);
		p->uart.other = running_vcpu_stream;
		return ret;
	}
	/* The stream still exists (DBCN and stop flush it), but no window decodes the 16550. */
	console_stream_init(&p->uart.out, &p->con);
	p->vpci.lock = &p->vpci_lock;
	ret = vconsole_attach(&p->vcon, &p->mmio, &p->vpci, cfg->nr_pci, partition_vcon_bar(), &p->con, &owner);
	if (ret < 0 || cfg->nr_pci)
		return ret;   /* with passed-through functions, core/passthrough.c adds the ECAM window */
	return mmio_add(&p->mmio, &(struct mmio_region){ gpa(GUEST_PCIE_ECAM_GPA), MiB(1), vpci_ecam_read,
							 vpci_ecam_write, &p->vpci });
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
	ret = console_attach(p);
	if (ret < 0)
		return ret;
	ret = console_register(&p->con);
	if (ret < 0)
		return ret;
	p->hgatp = gstage_hgatp(&p->gs, p->vmid);
	p->state = PART_STOPPED;
	return 0;
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
	bool vcon = c->console == PV_CONSOLE_VIRTIO;
	struct guest_fdt_info info = { .boot_count = p->boots + 1, .uart = !vcon, .pcie = c->nr_pci > 0 || vcon,
				       .pci_mem32 = hv_plat.pcie.mem32, .pci_mem64 = hv_plat.pcie.mem64 };
	struct pv_diag diag;
	int ret;

	/* The console's BAR page must not be one a passed-through BAR maps (that mapping would win). */
	for (unsigned i = 0; vcon && i < p->vpci.nr; i++)
		for (unsigned b = 0; b < ARRAY_SIZE(p->vpci.funcs[i].f->bar); b++) {
			const struct pci_bar *bar = &p->vpci.funcs[i].f->bar[b];
			uint64_t lo = ALIGN_DOWN(bar->base.v, PAGE_SIZE), hi = ALIGN_UP(bar->base.v + bar->size, PAGE_SIZE);

			if (bar->size && !(bar->flags & PCI_BAR_IO) && gpa_in(partition_vcon_bar(), gpa(lo), hi - lo)) {
				pr("partvisor: %s: the virtio console's BAR at 0x%llx lies under BAR%u of guest 00:%02x.0: "
				   "the PCI window is full\n", c->name, (ull)partition_vcon_bar().v, b, i);
				return -PV_EEXIST;
			}
		}
	if (vcon && !gpa_in(partition_vcon_bar(), gpa(info.pci_mem32.cpu_base.v), info.pci_mem32.size)) {
		/* No host window to share: the guest's bridge gets a window of its own for the console's BAR. */
		info.pci_mem32.cpu_base = hpa(GUEST_PCIE_MMIO_GPA);
		info.pci_mem32.pci_base = GUEST_PCIE_MMIO_GPA;
		info.pci_mem32.size = GUEST_PCIE_MMIO_SIZE;
	}
	p->load_time = arch_time();
	/* Fresh seed bytes for every partition and every boot. */
	info.has_rng_seed = true;
	entropy_fill(info.rng_seed, sizeof(info.rng_seed), arch_time() ^ ((uint64_t)p->index << 48) ^ p->boots);
	p->fdt_gpa = gpa(c->mem_gpa.v + fdt_off);
	p->fdt_hpa = hpa(c->mem_hpa.v + fdt_off);
	/*
	 * config_parse checked the embedded images; a boot-loader image's Linux header (its
	 * image_size, BSS included) can only be read now: it must not reach the initrd, the
	 * device tree or past RAM, with or without an initrd.
	 */
	ret = config_image_fit(c, c->image_reg.size ? "(image-reg)" : hv_images[c->image].name, img, img_size, &diag);
	if (ret < 0) {
		char line[4 * sizeof(struct pv_diag)];   /* on the stack: two partitions may reload at once */

		diag_format(&diag, line, sizeof(line));
		pr("partvisor: config error: %s\n", line);
		return ret;
	}
	if (c->initrd_reg.size) {
		uint64_t off = ALIGN_DOWN(fdt_off - c->initrd_reg.size, PAGE_SIZE);

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
		char why[4 * sizeof(diag.msg)];

		diag_escape(why, sizeof(why), diag.msg);
		pr("partvisor: %s: cannot build the guest device tree: %s\n", c->name, why);
		return ret;
	}
	/* libfdt's sequential writer leaves its first copy of the strings at the buffer's end: clear the tail. */
	mem_zero(ram + fdt_off + fdt_totalsize(ram + fdt_off), GUEST_FDT_RESERVE - fdt_totalsize(ram + fdt_off));
	/* Nothing of a previous run: UART state, console input typed for it, partial lines. */
	if (vcon)
		vconsole_reset(&p->vcon);
	else
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

static bool c_vcon(const struct partition *p)
{
	return p->cfg->console == PV_CONSOLE_VIRTIO;
}

void partition_print_exits(void)
{
	pr("partvisor: exit counters at time %llu (timebase %llu Hz)\n", (ull)arch_time(), (ull)hv_plat.timebase_hz);
	for (unsigned i = 0; i < hv_nr_parts; i++)
		if (hv_parts[i].state == PART_RUNNING)
			print_exits(&hv_parts[i]);
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
	if (c_vcon(p)) {
		vconsole_flush(&p->vcon);
		vconsole_reset(&p->vcon);   /* no more ring accesses: the RAM is cleared on a reboot */
	}

	/* A partition that reboots in a loop must not flood the console: 8 reports, then one per 10 s. */
	if (ratelimit_allow(&p->stop_rl, arch_time(), 10 * hv_plat.timebase_hz, 8, NULL)) {
		pr("partvisor: partition %s %s\n", p->cfg->name, reboot ? "rebooting" : "stopped");
		print_exits(p);
	}

	if (reboot) {
		struct pcpu *first = p->vcpus[0].pcpu;
		bool loaded;

		/* Held across the load: vCPU 0's hart may not enter before its wake-up here is sent. */
		if (first != pc)
			pcpu_send_hold(first);
		loaded = partition_load(p) == 0;
		if (first != pc) {
			if (loaded)
				pcpu_send_release(first, REQ_WAKE);
			else
				pcpu_send_drop(first);
		}
		if (loaded) {
			/* Its other harts help clear and load its RAM (core/run.c); they stay stopped. */
			for (unsigned k = 1; k < p->nr_vcpus; k++)
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
