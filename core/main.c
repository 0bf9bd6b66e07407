/* SPDX-License-Identifier: MIT */
/*
 * Boot flow (boot hart): copy the host FDT, discover the platform, validate the
 * partition config (fail closed), build every partition, start the owned harts
 * through SBI HSM, then run. See docs/architecture.md.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "arch/riscv/bulk.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/entry.h"
#include "arch/riscv/gstage.h"
#include "arch/riscv/sbi_call.h"
#include "core/conirq.h"
#include "core/hv.h"
#include "core/irq.h"
#include "core/partition.h"
#include "core/passthrough.h"
#include "core/run.h"
#include "lib/entropy.h"
#include "lib/log.h"
#include "sbi.h"

/*
 * Room for the private copy of the host device tree: QEMU virt's is about 13 KiB, board
 * trees are tens of KiB, and /chosen/partvisor-config adds about 0.5 KiB per partition.
 * A larger tree stops boot with its size named.
 */
#define HOST_FDT_MAX KiB(128)
#define HV_STACK_SIZE KiB(16)


static uint8_t host_fdt_copy[HOST_FDT_MAX] __attribute__((aligned(8)));
/* Not zeroed at entry (.noinit): a stack is written before it is read. */
static uint8_t hart_stacks[PV_MAX_HARTS][HV_STACK_SIZE] __attribute__((aligned(16), section(".noinit.hart_stacks")));

extern const uint8_t pv_config_dtb[], pv_config_dtb_end[];
extern const struct pv_image pv_embedded_images[];
extern const uint32_t pv_nr_embedded_images;
extern char __hv_start[], __hv_end[];

/* Stop the whole boot: nothing has started, so power off rather than run half a system. */
static void __attribute__((noreturn)) boot_fail(void)
{
	pr("partvisor: boot stopped, no partition started\n");
	sbi_shutdown(true);
}

/* Print "partvisor: <what> error: <node>: <prop>: <why>", every string escaped (diag_format). */
static void report(const char *what, const struct pv_diag *d)
{
	static char line[4 * sizeof(struct pv_diag)];  /* boot hart only */

	diag_format(d, line, sizeof(line));
	pr("partvisor: %s error: %s\n", what, line);
}

/* Fill pcpu @i: stack, TLS, ids, IPI target. */
static void pcpu_prepare(unsigned i)
{
	struct pcpu *pc = &hv_pcpus[i];
	const struct pv_hart_info *h = &hv_plat.harts[i];

	pc->index = i;
	pc->hartid = h->hartid;
	pc->has_v = h->has_v;
	pc->ipi_file = imsic_s_file_hpa(&hv_plat.imsic, (unsigned)h->imsic_index);
	pc->arch.stack_top = (uint64_t)(uintptr_t)(hart_stacks[i] + HV_STACK_SIZE);
	tls_init_block(pc->tls);
	pc->arch.tp = (uint64_t)(uintptr_t)pc->tls;
}

/* Per-hart setup of the running hart @pc: H-extension CSRs, then its S-level interrupt file. */
static void pcpu_init(struct pcpu *pc)
{
	const struct pv_hart_info *h = &hv_plat.harts[pc->index];
	struct arch_hart_features f = { .zicbom = h->has_zicbom, .zicboz = h->has_zicboz,
					.svpbmt = h->has_svpbmt, .smstateen = h->has_smstateen, .v = h->has_v };

	struct arch_bulk_features bf = { .cboz_block = h->has_zicboz ? h->cboz_block : 0, .v = h->has_v };

	arch_hart_set_current(&pc->arch);
	arch_hart_init(&f);
	arch_bulk_hart_init(&bf);  /* probes need the fixup of a current arch_hart */
	irq_hart_init(hv_plat.timebase_hz / 1000);
}

/* The hart's own pcpu stack and TLS are live from here (secondary_entry / pcpu_switch set sp and tp). */
/* How long a started hart may take to reach hart_main before it is nudged (time ticks). */
#define HART_START_WAIT_TICKS(hz) ((hz) / 10)
#define HART_START_TRIES 50

/* Ask SBI HSM to start @pc's hart at secondary_entry; start_hart_wait waits for it. */
static long start_hart(struct pcpu *pc)
{
	return sbi_hart_start(pc->hartid, (uintptr_t)secondary_entry, (uintptr_t)&pc->arch);
}

/*
 * Wait until @pc's hart, started by start_hart (which returned @err), runs partvisor.
 * Seen with fw_jump under load: a hart still on its way into OpenSBI's HSM wait loop
 * can miss the wake-up and sit in START_PENDING forever. Such a hart is nudged with
 * an SBI IPI (which reaches it through the same M-level IPI); a hart still STOPPED
 * is asked again. If the hart never comes up, the machine is powered off.
 */
static void start_hart_wait(struct pcpu *pc, long err)
{
	for (int tries = 0; tries < HART_START_TRIES; tries++) {
		uint64_t t0 = csr_read(time);
		long status;

		/* Sleep in 50 us steps (stimecmp wakes wfi even with SIE off): a spinning hart would take
		 * its share of a shared core, or of an emulator's single thread, from the harts it waits for. */
		while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE) &&
		       csr_read(time) - t0 < HART_START_WAIT_TICKS(hv_plat.timebase_hz))
			irq_wait_bounded(hv_plat.timebase_hz / 20000 + 1);
		if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
			return;
		status = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, pc->hartid, 0, 0, 0, 0, 0).value;
		if (tries == 0)
			pr("partvisor: hart %u not up yet (hart_start error %ld, HSM status %ld), nudging it\n",
			   pc->hartid, err, status);
		if (status == SBI_HSM_STATE_STOPPED)
			err = sbi_hart_start(pc->hartid, (uintptr_t)secondary_entry, (uintptr_t)&pc->arch);
		else if (status == SBI_HSM_STATE_START_PENDING)
			sbi_ecall(SBI_EXT_IPI, 0, 1, pc->hartid, 0, 0, 0, 0);
	}
	/* The configured system cannot run: fail closed instead of running some partitions. */
	pr("partvisor: hart %u does not start through SBI HSM; stopping the machine\n", pc->hartid);
	sbi_shutdown(true);
}

void hart_main(struct arch_hart *h)
{
	struct pcpu *pc = pcpu_of(h);

	hv_hartid = pc->hartid;
	csr_clear(sip, 1ULL << IRQ_S_SOFT);  /* a start nudge (SBI IPI) may have left SSIP set */
	pcpu_init(pc);
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	pcpu_run(pc);
}

/*
 * A partition with the virtio console needs input without polling: the physical
 * console's receive interrupt, routed to @irq_hart. The status report (exit counters)
 * after every input focus switch.
 */
static void console_input_irq(unsigned irq_hart)
{
	bool need = false;
	int ret;

	console_set_switch_hook(partition_print_exits);
	for (unsigned i = 0; i < hv_nr_parts; i++)
		need |= hv_parts[i].cfg->console == PV_CONSOLE_VIRTIO;
	if (!need)
		return;
	ret = conirq_init(&hv_plat, irq_hart);
	if (ret == 0)
		pr("partvisor: console input by interrupt: APLIC source %u -> hart %u, identity %u\n",
		   hv_plat.con_irq.source, hv_plat.harts[irq_hart].hartid, IRQ_ID_CONSOLE);
	else
		pr("partvisor: console input: no receive interrupt (error %d): virtio consoles get input only "
		   "while a guest polls its UART or DBCN\n", ret);
}

void hv_main(unsigned long hartid, void *fdt)
{
	struct hpa_range hv = { hpa((uintptr_t)__hv_start), (uint64_t)(__hv_end - __hv_start) };
	struct pv_diag diag;
	unsigned irq_hart;
	int ret, self, cfg_node;

	console_init();
	pr("\npartvisor: booting on hart %lu, host FDT at %p, image 0x%llx-0x%llx\n", hartid, fdt,
	   (ull)hv.base.v, (ull)(hv.base.v + hv.size - 1));

	/* The FDT may sit in RAM a partition will own: keep a private copy. */
	/* fdt_num_mem_rsv first: libfdt < 1.8 fdt_open_into mis-copies a reservation map without terminator. */
	if ((ret = fdt_check_header(fdt)) != 0 || (ret = fdt_num_mem_rsv(fdt)) < 0) {
		pr("partvisor: host device tree at %p is invalid: %s\n", fdt, fdt_strerror(ret));
		boot_fail();
	}
	if (fdt_totalsize(fdt) > sizeof(host_fdt_copy) ||
	    (ret = fdt_open_into(fdt, host_fdt_copy, sizeof(host_fdt_copy))) != 0) {
		pr("partvisor: host device tree at %p (%u bytes) does not fit the %llu-byte copy: %s\n", fdt,
		   (unsigned)fdt_totalsize(fdt), (ull)sizeof(host_fdt_copy),
		   ret ? fdt_strerror(ret) : "too large");
		boot_fail();
	}
	hv_host_fdt = host_fdt_copy;
	{
		/* Guests' /chosen/rng-seed comes from the boot chain's seed (QEMU and U-Boot give one). */
		int chosen = fdt_path_offset(hv_host_fdt, "/chosen"), len = 0;
		const void *seed = chosen >= 0 ? fdt_getprop(hv_host_fdt, chosen, "rng-seed", &len) : NULL;

		/* early_init already fed this seed into the pool (lib/entropy.c); here only the warning. */
		entropy_add(NULL, 0, csr_read(time) ^ (csr_read(cycle) << 17));
		if (!seed || len < 16)
			pr("partvisor: the host device tree has no /chosen/rng-seed: guests' rng-seed is only time-based\n");
	}
	if (platform_discover(hv_host_fdt, &hv_plat, &diag) < 0) {
		report("platform", &diag);
		boot_fail();
	}
	pr("partvisor: %u harts, timebase %llu Hz, IMSIC S-files at 0x%llx (guest-index-bits %u, %u ids)%s%s\n",
	   hv_plat.nr_harts, (ull)hv_plat.timebase_hz, (ull)hv_plat.imsic.s_base.v,
	   hv_plat.imsic.guest_index_bits, hv_plat.imsic.num_ids, hv_plat.iommu.present ? ", IOMMU" : "",
	   hv_plat.pcie.present ? ", PCIe" : "");
	console_set_poll_interval(hv_plat.timebase_hz / 1000);  /* the physical console at most every 1 ms */
	passthrough_early(&hv_plat);
	self = platform_hart_index(&hv_plat, (uint32_t)hartid);
	if (self < 0) {
		pr("partvisor: boot hart %lu is not in /cpus\n", hartid);
		boot_fail();
	}
	if (platform_check_hart(&hv_plat, (uint32_t)hartid, &diag) < 0) {
		char why[4 * sizeof(diag.msg)];

		diag_escape(why, sizeof(why), diag.msg);
		pr("partvisor: this machine cannot run partvisor: %s\n", why);
		boot_fail();
	}

	hv_images = pv_embedded_images;
	hv_nr_images = pv_nr_embedded_images;
	/* The config: /chosen/partvisor-config of the host device tree if there is one, else the embedded one. */
	cfg_node = config_host_node(hv_host_fdt);
	if (cfg_node >= 0) {
		pr("partvisor: config: host device tree " PV_CONFIG_HOST_NODE "\n");
		ret = config_parse(hv_host_fdt, fdt_totalsize(hv_host_fdt), cfg_node, &hv_plat, hv, hv_images,
				   hv_nr_images, &hv_cfg, &diag);
	} else {
		pr("partvisor: config: embedded (no " PV_CONFIG_HOST_NODE " in the host device tree)\n");
		/* the blob's size is what the image holds, not what its header claims */
		ret = config_parse(pv_config_dtb, (size_t)(pv_config_dtb_end - pv_config_dtb), 0, &hv_plat, hv,
				   hv_images, hv_nr_images, &hv_cfg, &diag);
	}
	if (ret < 0) {
		report("config", &diag);
		boot_fail();
	}

	{
		/* The G-stage modes the partitions need must be implemented (probed on this hart; every hart checks again when it loads a vCPU). */
		uint32_t modes = arch_probe_gstage_modes();

		for (unsigned i = 0; i < hv_cfg.nr_parts; i++) {
			const struct pv_part_config *c = &hv_cfg.parts[i];
			uint64_t top = c->mem_gpa.v + c->mem_size;
			unsigned need = top <= (1ULL << 41) ? (unsigned)HGATP_MODE_SV39X4 : (unsigned)HGATP_MODE_SV48X4;

			if (!(modes & (1u << need))) {
				diag_set(&diag, PV_EINVAL, c->node_path, "partvisor,mem-guest-base",
					 "guest RAM up to 0x%llx needs %s, which this hart does not implement", (ull)top,
					 need == HGATP_MODE_SV39X4 ? "Sv39x4" : "Sv48x4");
				report("config", &diag);
				boot_fail();
			}
		}
	}
	for (unsigned i = 0; i < hv_plat.nr_harts; i++)
		pcpu_prepare(i);
	for (unsigned i = 0; i < hv_cfg.nr_parts; i++) {
		const struct pv_part_config *c = &hv_cfg.parts[i];

		if ((ret = partition_setup(&hv_parts[i], i, c)) < 0) {
			pr("partvisor: partition %s: G-stage setup failed (%d)\n", c->name, ret);
			boot_fail();
		}
		char img[64];

		if (c->image_reg.size)
			snprintf(img, sizeof(img), "image at 0x%llx (%llu bytes)", (ull)c->image_reg.base.v,
				 (ull)c->image_reg.size);
		else
			snprintf(img, sizeof(img), "image '%s' (%llu bytes)", hv_images[c->image].name,
				 (ull)hv_images[c->image].size);
		pr("partvisor: partition %s: %u vcpus, RAM gpa 0x%llx host 0x%llx size 0x%llx, %s%s\n",
		   c->name, c->nr_vcpus, (ull)c->mem_gpa.v, (ull)c->mem_hpa.v,
		   (ull)c->mem_size, img, c->initrd_reg.size ? " + initrd" : "");
	}
	hv_nr_parts = hv_cfg.nr_parts;
	{
		uint64_t ram = 0;

		for (unsigned i = 0; i < hv_nr_parts; i++)
			ram += hv_cfg.parts[i].mem_size;
		pr("partvisor: G-stage tables: %llu bytes for %llu KiB of guest RAM in %u partitions\n",
		   (ull)partition_gstage_bytes(), (ull)(ram >> 10), hv_nr_parts);
	}
	/* Device interrupts (IOMMU faults) go to a hart that runs no guest if there is one. */
	irq_hart = (unsigned)self;
	for (unsigned i = 0; i < hv_plat.nr_harts; i++)
		if (!hv_pcpus[i].vcpu && platform_check_hart(&hv_plat, hv_plat.harts[i].hartid, NULL) == 0) {
			irq_hart = i;
			break;
		}
	if (passthrough_init(&hv_plat, hv_parts, hv_nr_parts, irq_hart, &diag) < 0) {
		report("PCI passthrough", &diag);
		boot_fail();
	}
	for (unsigned i = 0; i < hv_nr_parts; i++)
		if (partition_load(&hv_parts[i]) < 0)
			boot_fail();
	console_input_irq(irq_hart);

	/* All at once (their partitions' loads run on them in parallel), then wait for each. */
	{
		long err[PV_MAX_HARTS] = { 0 };
		uint64_t now;

		for (unsigned i = 0; i < hv_plat.nr_harts; i++)
			if ((int)i != self && (hv_pcpus[i].vcpu || i == irq_hart))
				err[i] = start_hart(&hv_pcpus[i]);
		now = arch_time();
		pr("partvisor: milestone: hypervisor entry at %llu ns; harts started at %llu ns (boot hart: %llu instructions retired)\n",
		   (ull)arch_ticks_to_ns(arch_boot_stamp.time, hv_plat.timebase_hz),
		   (ull)arch_ticks_to_ns(now, hv_plat.timebase_hz), (ull)(csr_read(instret) - arch_boot_stamp.instret));
		for (unsigned i = 0; i < hv_plat.nr_harts; i++)
			if ((int)i != self && (hv_pcpus[i].vcpu || i == irq_hart))
				start_hart_wait(&hv_pcpus[i], err[i]);
	}
	pr("partvisor: starting %u partitions\n", hv_nr_parts);
	hart_switch(&hv_pcpus[self].arch);
}
