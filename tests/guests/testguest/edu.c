/* SPDX-License-Identifier: MIT */
/*
 * testguest "edu" mode: QEMU's educational PCI device (QEMU docs/specs/edu.rst) passed through
 * to the partition. Runs on the boot hart once the other harts have stopped:
 *   a) finds the device on the first bus of the pci-host-ecam-generic node (ECAM, libfdt),
 *      reads BAR0 (assigned by the hypervisor; natively nobody assigns it);
 *   b) DMA: a pattern from our RAM to the device's buffer and back into a second buffer;
 *   c) MSI: programs the device's MSI capability with the address MSI_COMPOSE gives for our
 *      interrupt file and takes raised and DMA-completion interrupts;
 *   d) (under partvisor) DMA aimed at addresses that are not our RAM: writes just past our
 *      RAM and at each "edu-dma=" address from bootargs, then reads from them into the device
 *      buffer, which must come back holding zeros or what it held before, never foreign data;
 *   e) (under partvisor) MSIs aimed at each "edu-msi=" address (other partitions' interrupt
 *      files, by host address) and at the first IMSIC page past our vCPUs: no interrupt may
 *      arrive; afterwards DMA and MSI to our own RAM and file must still work.
 *   f) (under partvisor) hypercall ABI v1 (include/partvisor/hypercall.h): GET_INFO (version,
 *      features, vCPUs, identities, devices; unknown items refused), MSI_COMPOSE for the edu
 *      and our vCPU 0 (the MSIs arrive), MSI_COMPOSE / MSI_RELEASE refusing what we do not
 *      have. Policy "open" (no PARTVISOR_FEAT_COMPOSED): MSIs reach vCPU 0's file before any
 *      MSI_COMPOSE and after MSI_RELEASE. Policy "composed": MSIs are blocked before
 *      MSI_COMPOSE, to vCPU 1's file (never composed; vCPU 1 is stopped, so only "no interrupt
 *      here" and the hypervisor's fault report show it) and after MSI_RELEASE, and arrive
 *      again after a second MSI_COMPOSE.
 *   i) (bootargs "edu-all") every further edu on the bus: DMA within our RAM, MSIs into our
 *      file, one DMA past our RAM (tests/qemu/pci_topology.sh).
 * With "edu-bench" instead of "edu" (make bench) only a) and the MSI set-up of c) run, then
 * BENCH_N timed deliveries (edu_bench()). Natively (an OpenSBI payload on QEMU virt) nobody
 * assigns BARs or sets up the IOMMU: a) then puts a platform IOMMU that reset to Off into Bare
 * mode and gives BAR0 an address in the host bridge's 32-bit window (ecam_assign_bar()); c)
 * aims the MSI at the hart's own S-level interrupt file (from the riscv,imsics node).
 * The device cannot report a failed transfer (a DMA just completes); the hypervisor reports
 * each blocked transaction, and tests/qemu/iommu_edu.sh / iommu_edu_composed.sh check those
 * reports.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecam.h"
#include "hw.h"
#include "partvisor/hypercall.h"
#include "testguest.h"

/* The MSI capability [PCI Local Bus 3.0 6.8.1]; the rest of configuration space is in ecam.h. */
#define PCI_CAP_MSI     0x05
#define MSI_CTRL        0x02   /* Message Control, from the capability */
#define MSI_ADDR_LO     0x04
#define MSI_ADDR_HI     0x08   /* 64-bit capable only */
#define MSI_CTRL_EN     (1U << 0)
#define MSI_CTRL_MME    (7U << 4)   /* multiple message enable: 0 = one vector */
#define MSI_CTRL_64     (1U << 7)

/* The edu device: config dword 0, BAR0 registers (1 MiB BAR) */
#define EDU_PCI_ID     0x11e81234U
#define EDU_IDENT      0x010000edU
#define EDU_REG_IDENT  0x00
#define EDU_REG_LIVE   0x04   /* reads back the complement of the last write */
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60   /* ORs the value into the status and interrupts (MSI if enabled) */
#define EDU_IRQ_ACK    0x64   /* clears these status bits */
#define EDU_DMA_SRC    0x80   /* 64-bit registers from here on */
#define EDU_DMA_DST    0x88
#define EDU_DMA_CNT    0x90
#define EDU_DMA_CMD    0x98
#define DMA_RUN        0x1    /* start; reads 1 until the transfer is done (QEMU: ~100 ms timer) */
#define DMA_TO_RAM     0x2    /* direction device buffer -> RAM (clear: RAM -> device buffer) */
#define DMA_IRQ        0x4    /* raise IRQ_DMA when done */
#define IRQ_DMA        0x100
#define IRQ_TEST       0x10000   /* the status bit we raise ourselves (0x1 is the factorial's) */
#define EDU_BUF        0x40000   /* the device's DMA buffer, in device addresses */
#define EDU_BUF_SIZE   4096

#define EDU_MSI_ID     3      /* IMSIC identity of the device's MSIs (1 is the IPI) */
#define ROUNDS         3      /* raised interrupts */
#define PROBE_LEN      4      /* bytes per DMA aimed outside our RAM (QEMU faults per 4 bytes) */
#define PROBE_SLOT     0x100  /* device buffer offset of probe i's read: i * PROBE_SLOT */
#define PROBE_SRC      0x800  /* device buffer offset the probe writes take their data from */
#define MAX_PROBES     6
#define MIN_IDS        63     /* eie0 covers identities 1..63; GET_INFO must give at least these */
#define NEVER_ID       7      /* an identity we never compose */
#define SBI_EXT_BASE_ID       0x10UL
#define SBI_BASE_PROBE_EXT    3

static struct ecam pci;
static unsigned edu_dev, edu_fn;
static volatile uint8_t *bar;   /* BAR0, CPU address */
static unsigned msi_cap;
static bool msi_64;
static uint64_t tb_hz;
static unsigned irqs;           /* EDU_MSI_ID interrupts taken */
static bool armed;              /* irqs counts; otherwise EDU_MSI_ID is unexpected */

static uint8_t ram_a[EDU_BUF_SIZE] __attribute__((aligned(4096)));
static uint8_t ram_b[EDU_BUF_SIZE] __attribute__((aligned(4096)));

static inline void fence_io(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

/* ---- configuration space (ecam.c) ---------------------------------------------------------- */

#define edu_cfg_read(off, w)     ecam_read(&pci, edu_dev, edu_fn, (off), (w))
#define edu_cfg_write(off, w, v) ecam_write(&pci, edu_dev, edu_fn, (off), (w), (v))

/* Find the MSI capability of edu_dev.edu_fn: msi_cap (0 if there is none) and msi_64. */
static bool msi_find(void)
{
	msi_cap = ecam_find_cap(&pci, edu_dev, edu_fn, PCI_CAP_MSI, 0);
	msi_64 = msi_cap && (edu_cfg_read(msi_cap + MSI_CTRL, 2) & MSI_CTRL_64);
	return msi_cap != 0;
}

/* Program the MSI address and data (with the device as it is: enabled or not); false if the
 * registers do not read back what was written. */
static bool msi_set(uint64_t addr, uint16_t data)
{
	unsigned data_off = msi_64 ? 0x0c : 0x08;

	edu_cfg_write(msi_cap + MSI_ADDR_LO, 4, (uint32_t)addr);
	if (msi_64)
		edu_cfg_write(msi_cap + MSI_ADDR_HI, 4, (uint32_t)(addr >> 32));
	edu_cfg_write(msi_cap + data_off, 2, data);
	return edu_cfg_read(msi_cap + MSI_ADDR_LO, 4) == (uint32_t)addr &&
	       (!msi_64 || edu_cfg_read(msi_cap + MSI_ADDR_HI, 4) == (uint32_t)(addr >> 32)) &&
	       edu_cfg_read(msi_cap + data_off, 2) == data;
}

static void msi_enable(bool on)
{
	uint32_t ctrl = edu_cfg_read(msi_cap + MSI_CTRL, 2) & ~(MSI_CTRL_MME | MSI_CTRL_EN);
	edu_cfg_write(msi_cap + MSI_CTRL, 2, ctrl | (on ? MSI_CTRL_EN : 0));
}

/* ---- device registers ------------------------------------------------------------------------ */

static uint32_t r32(unsigned off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void w32(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static uint64_t r64(unsigned off)
{
	return *(volatile uint64_t *)(bar + off);
}

static void w64(unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

/* One DMA transfer (cmd: DMA_TO_RAM, DMA_IRQ); false if it is still running after TIMEOUT_S.
 * The device buffer side must lie in EDU_BUF..EDU_BUF+EDU_BUF_SIZE (QEMU only logs a violation). */
static bool dma(uint64_t src, uint64_t dst, uint64_t cnt, uint64_t cmd)
{
	uint64_t deadline = rdtime() + TIMEOUT_S * tb_hz;

	fence_io();   /* our RAM writes before the device reads them */
	w64(EDU_DMA_SRC, src);
	w64(EDU_DMA_DST, dst);
	w64(EDU_DMA_CNT, cnt);
	w64(EDU_DMA_CMD, cmd | DMA_RUN);
	while (r64(EDU_DMA_CMD) & DMA_RUN)
		if (rdtime() >= deadline)
			return false;
	fence_io();   /* the device's RAM writes before our reads */
	return true;
}

/* ---- interrupts ---------------------------------------------------------------------------- */

bool edu_take_irq(unsigned long id)
{
	if (id != EDU_MSI_ID || !__atomic_load_n(&armed, __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_add(&irqs, 1, __ATOMIC_RELEASE);
	return true;
}

/* Wait up to `ticks` until `want` interrupts have been taken; the timer ends the wait. */
static bool irq_wait(unsigned want, uint64_t ticks)
{
	uint64_t deadline = rdtime() + ticks;
	bool ok;

	csr_write(stimecmp, deadline);
	ok = wait_irq(&irqs, want, deadline);
	csr_write(stimecmp, -1UL);
	return ok;
}

static unsigned irq_count(void)
{
	return __atomic_load_n(&irqs, __ATOMIC_ACQUIRE);
}

/* Raise IRQ_TEST; whether an interrupt arrived within `ticks`. The status bit is acked. */
static bool raise_and_wait(uint64_t ticks, uint32_t *status)
{
	unsigned want = irq_count() + 1;
	bool got;

	w32(EDU_IRQ_RAISE, IRQ_TEST);
	*status = r32(EDU_IRQ_STATUS);
	got = irq_wait(want, ticks);
	w32(EDU_IRQ_ACK, IRQ_TEST);
	return got;
}

/* ---- native set-up (no hypervisor, no PCI firmware) ----------------------------------------- */

/* The RISC-V IOMMU's device-directory table pointer [RISC-V IOMMU 1.0 5.4 "ddtp"]. */
#define IOMMU_DDTP      0x10
#define DDTP_MODE       0xfULL       /* iommu_mode: 0 Off, 1 Bare, 2..4 1LVL..3LVL */
#define DDTP_BUSY       (1ULL << 4)
#define DDTP_OFF        0
#define DDTP_BARE       1
#define DDTP_POLLS      1000         /* reads of ddtp while busy (QEMU: never busy) */

/*
 * Natively, a platform RISC-V IOMMU ("riscv,iommu", QEMU -M virt,iommu-sys=on) that reset to Off
 * blocks every DMA and MSI of the functions behind it. Switch it from Off to Bare (no
 * translation: MSIs reach the IMSIC as they would without an IOMMU) [RISC-V IOMMU 1.0 5.4: Off ->
 * Bare is allowed]. True when there is no such IOMMU or it is in Bare mode afterwards.
 */
static bool native_iommu_bare(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "riscv,iommu");
	struct range r;
	volatile uint64_t *ddtp;
	uint64_t v;

	if (node < 0 || !node_okay(fdt, node) || node_ranges(fdt, node, &r, 1) != 1)
		return true;
	ddtp = (volatile uint64_t *)(uintptr_t)(r.base + IOMMU_DDTP);
	v = *ddtp;
	if ((v & DDTP_MODE) == DDTP_OFF) {
		*ddtp = DDTP_BARE;
		for (int i = 0; i < DDTP_POLLS && ((v = *ddtp) & DDTP_BUSY); i++)
			;
	}
	say("edu: native: iommu at 0x%lx in mode %lu (1 = Bare)", (unsigned long)r.base,
	    (unsigned long)(v & DDTP_MODE));
	return (v & DDTP_MODE) == DDTP_BARE;
}

/* ---- MSI delivery in instructions ("edu-bench") --------------------------------------------- */

#define BENCH_N      1000      /* timed deliveries */
#define BENCH_SPINS  1000000   /* loop iterations to wait for one delivery */

extern char edu_bench_vector[], trap_entry[];   /* edu_bench.S, start.S */
static uint64_t bench_delta[BENCH_N];

/*
 * One delivery: instret read just before the store to EDU_IRQ_RAISE that makes the device send
 * its MSI, and instret as the first instruction of edu_bench_vector read it (t6). The vector
 * also hands back the claimed stopei value (t5) and scause (t4). False if no interrupt came
 * within BENCH_SPINS iterations of the wait loop.
 */
static bool bench_once(uint64_t *before, uint64_t *at, unsigned long *topei, unsigned long *cause)
{
	unsigned long spin = BENCH_SPINS, b, a, id, c;

	__asm__ volatile("li	t6, 0\n"
			 "csrr	%[b], instret\n"
			 "sw	%[v], 0(%[r])\n"
			 "1:	bnez	t6, 2f\n"
			 "addi	%[s], %[s], -1\n"
			 "bnez	%[s], 1b\n"
			 "2:	mv	%[a], t6\n"
			 "mv	%[id], t5\n"
			 "mv	%[c], t4\n"
			 : [b] "=&r"(b), [a] "=&r"(a), [id] "=&r"(id), [c] "=&r"(c), [s] "+&r"(spin)
			 : [v] "r"(IRQ_TEST), [r] "r"(bar + EDU_IRQ_RAISE)
			 : "t4", "t5", "t6", "memory");
	*before = b;
	*at = a;
	*topei = id;
	*cause = c;
	return a != 0;
}

/* Insertion sort, once per run. */
static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/*
 * BENCH_N MSIs from the edu into our interrupt file (MSI capability already programmed and
 * enabled, identity EDU_MSI_ID enabled in the file), each timed from the raising store to the
 * handler's first instruction in instret (under QEMU -icount the instructions all harts
 * retired: keep the others idle). Prints min / median / max of
 * (handler's instret - instret before the store - cost of one counter read).
 */
static void edu_bench(bool pv, uint64_t msi_addr)
{
	uint64_t t0, t1, before, at, empty;
	unsigned long topei, cause;

	__asm__ volatile("csrr %0, instret\n csrr %1, instret" : "=&r"(t0), "=&r"(t1));
	empty = t1 - t0;
	w32(EDU_IRQ_ACK, ~0U);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(stvec, (uintptr_t)edu_bench_vector);
	csr_write(sie, 1UL << IRQ_S_EXT);   /* nothing else may interrupt the timed loop */
	csr_set(sstatus, SSTATUS_SIE);
	for (unsigned i = 0; i < BENCH_N; i++) {
		if (!bench_once(&before, &at, &topei, &cause)) {
			fail("edubench: FAIL delivery %u: no interrupt (status 0x%x)", i + 1, r32(EDU_IRQ_STATUS));
			break;
		}
		w32(EDU_IRQ_ACK, IRQ_TEST);
		if (cause != (SCAUSE_IRQ | IRQ_S_EXT) || ((topei >> 16) & 0x7ff) != EDU_MSI_ID) {
			fail("edubench: FAIL delivery %u: scause 0x%lx identity %lu", i + 1, cause, (topei >> 16) & 0x7ff);
			break;
		}
		bench_delta[i] = at - before - empty;
		if (i + 1 == BENCH_N) {
			sort_u64(bench_delta, BENCH_N);
			say("edubench: %s msi 0x%lx: %u deliveries, instructions raise -> handler min %lu median %lu max %lu (counter read %lu)",
			    pv ? "partvisor" : "native", (unsigned long)msi_addr, BENCH_N, (unsigned long)bench_delta[0],
			    (unsigned long)bench_delta[BENCH_N / 2], (unsigned long)bench_delta[BENCH_N - 1],
			    (unsigned long)empty);
		}
	}
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(stvec, (uintptr_t)trap_entry);
}

/* ---- the tests ------------------------------------------------------------------------------ */

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 8) * 7 + 0x5b);   /* never 4 zero bytes in a row */
}

/* b) our RAM -> device buffer -> our RAM */
static bool dma_own_ram(void)
{
	for (size_t i = 0; i < EDU_BUF_SIZE; i++) {
		ram_a[i] = pattern(i);
		ram_b[i] = 0;
	}
	if (!dma((uintptr_t)ram_a, EDU_BUF, EDU_BUF_SIZE, 0) ||
	    !dma(EDU_BUF, (uintptr_t)ram_b, EDU_BUF_SIZE, DMA_TO_RAM)) {
		fail("edu: dma own RAM FAIL: transfer still running after %d s", TIMEOUT_S);
		return false;
	}
	for (size_t i = 0; i < EDU_BUF_SIZE; i++)
		if (ram_b[i] != ram_a[i]) {
			fail("edu: dma own RAM FAIL at byte %zu: 0x%02x, expected 0x%02x", i, ram_b[i], ram_a[i]);
			return false;
		}
	say("edu: dma own RAM ok (0x%lx -> device -> 0x%lx, %d bytes)", (unsigned long)(uintptr_t)ram_a,
	    (unsigned long)(uintptr_t)ram_b, EDU_BUF_SIZE);
	return true;
}

/* c) MSIs into our own interrupt file: ROUNDS raised interrupts and one DMA completion.
 * Returns how many arrived (ROUNDS + 1), 0 after a failure, which is reported as "edu: <what> FAIL". */
static unsigned msi_own_file(uint64_t addr, const char *what)
{
	unsigned got = 0;
	uint32_t st;

	for (unsigned i = 0; i < ROUNDS; i++) {
		if (!raise_and_wait(tb_hz / 2, &st)) {
			fail("edu: %s FAIL: no interrupt for raise %u (status 0x%x, msi address 0x%lx)",
			     what, i + 1, st, (unsigned long)addr);
			return 0;
		}
		got++;
	}
	unsigned want = irq_count() + 1;
	if (!dma(EDU_BUF, (uintptr_t)ram_b, 64, DMA_TO_RAM | DMA_IRQ)) {
		fail("edu: %s FAIL: DMA still running after %d s", what, TIMEOUT_S);
		return 0;
	}
	bool ok = irq_wait(want, tb_hz / 2);
	st = r32(EDU_IRQ_STATUS);
	w32(EDU_IRQ_ACK, IRQ_DMA);
	if (!ok || !(st & IRQ_DMA)) {
		fail("edu: %s FAIL: DMA completion interrupt %s (status 0x%x)", what,
		     ok ? "without IRQ_DMA status" : "missing", st);
		return 0;
	}
	return got + 1;
}

/* Program `addr` (data EDU_MSI_ID) and raise once: true if the device raised and no interrupt
 * arrived; otherwise reported as "edu: FAIL <what>: ...". */
static bool msi_none(uint64_t addr, const char *what)
{
	uint32_t st;

	if (!msi_set(addr, EDU_MSI_ID)) {
		fail("edu: FAIL %s: msi address 0x%lx does not read back", what, (unsigned long)addr);
		return false;
	}
	if (raise_and_wait(tb_hz / 10, &st)) {
		fail("edu: FAIL %s: msi to 0x%lx delivered an interrupt to us", what, (unsigned long)addr);
		return false;
	}
	if (!(st & IRQ_TEST)) {
		fail("edu: FAIL %s: the device did not raise (status 0x%x)", what, st);
		return false;
	}
	return true;
}

/* Program `addr` (data EDU_MSI_ID) and raise once: true if the interrupt arrived; otherwise
 * reported as "edu: FAIL <what>: ...". */
static bool msi_one(uint64_t addr, const char *what)
{
	uint32_t st;

	if (!msi_set(addr, EDU_MSI_ID)) {
		fail("edu: FAIL %s: msi address 0x%lx does not read back", what, (unsigned long)addr);
		return false;
	}
	if (!raise_and_wait(tb_hz / 2, &st)) {
		fail("edu: FAIL %s: no interrupt from msi to 0x%lx (status 0x%x)", what, (unsigned long)addr, st);
		return false;
	}
	return true;
}

/* Up to `max` numbers from the bootargs word "key=a,b,..."; returns how many. */
static int bootargs_list(const void *fdt, const char *key, uint64_t *out, int max)
{
	size_t len;
	const char *v = bootargs_value(fdt, key, &len);
	char buf[128], *s, *end;
	int n = 0;

	if (!v || len >= sizeof(buf))
		return 0;
	memcpy(buf, v, len);
	buf[len] = '\0';
	for (s = buf; *s && n < max; s = *end ? end + 1 : end) {
		out[n] = strtoull(s, &end, 0);
		if (end == s || (*end && *end != ',')) {
			fail("edu: FAIL bad number in bootargs %s%s", key, s);
			return n;
		}
		n++;
	}
	return n;
}

/* d) DMA aimed outside our RAM: writes, then reads into the device buffer at probe slots. */
static void dma_blocked(const void *fdt, const struct range *ram)
{
	uint64_t t[MAX_PROBES];
	uint32_t start_word;
	int n = 0;

	memcpy(&start_word, _start, sizeof(start_word));   /* what a testguest image starts with */
	t[n++] = ram->base + ram->size;
	n += bootargs_list(fdt, "edu-dma=", t + n, MAX_PROBES - n);

	for (int i = 0; i < n; i++) {
		if (t[i] + PROBE_LEN > ram->base && t[i] < ram->base + ram->size) {
			fail("edu: FAIL dma probe 0x%lx is in our own RAM", (unsigned long)t[i]);
			t[i] = 0;
			continue;
		}
		/* device -> "RAM": blocked or not, the device sees the transfer complete */
		if (dma(EDU_BUF + PROBE_SRC, t[i], PROBE_LEN, DMA_TO_RAM))
			say("edu: dma to 0x%lx issued", (unsigned long)t[i]);
		else
			fail("edu: FAIL dma to 0x%lx still running after %d s", (unsigned long)t[i], TIMEOUT_S);
	}
	for (int i = 0; i < n; i++)
		if (t[i] && !dma(t[i], EDU_BUF + (uint64_t)i * PROBE_SLOT, PROBE_LEN, 0))
			fail("edu: FAIL dma from 0x%lx still running after %d s", (unsigned long)t[i], TIMEOUT_S);

	/* The device buffer still holds the pattern of dma_own_ram() except where the reads went. */
	memset(ram_b, 0, sizeof(ram_b));
	if (!dma(EDU_BUF, (uintptr_t)ram_b, EDU_BUF_SIZE, DMA_TO_RAM)) {
		fail("edu: FAIL dma own RAM after blocked DMA: still running after %d s", TIMEOUT_S);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint32_t got, was;
		size_t slot = (size_t)i * PROBE_SLOT;

		if (!t[i])
			continue;
		memcpy(&got, ram_b + slot, sizeof(got));
		memcpy(&was, ram_a + slot, sizeof(was));
		if (got == 0)
			say("edu: dma from 0x%lx blocked (device buffer got zeros)", (unsigned long)t[i]);
		else if (got == was)
			say("edu: dma from 0x%lx blocked (device buffer unchanged)", (unsigned long)t[i]);
		else
			fail("edu: FAIL dma from 0x%lx put 0x%08x in the device buffer%s", (unsigned long)t[i], got,
			     got == start_word ? " (the first word of a testguest image: foreign RAM)" : "");
	}
	for (size_t i = 0; i < EDU_BUF_SIZE; i++) {
		bool probe_slot = i % PROBE_SLOT < PROBE_LEN && i / PROBE_SLOT < (size_t)n;
		if (!probe_slot && ram_b[i] != ram_a[i]) {
			fail("edu: FAIL dma own RAM after blocked DMA: byte %zu is 0x%02x, expected 0x%02x", i,
			     ram_b[i], ram_a[i]);
			return;
		}
	}
	say("edu: dma own RAM ok after blocked DMA");
}

/* Is the word "edu-flood" in /chosen/bootargs? */
static bool bootargs_has_flood(const void *fdt)
{
	const char *b = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL);

	return b && strstr(b, "edu-flood");
}

/* e) MSIs aimed at interrupt files that are not ours; then ours again. */
static void msi_blocked(const void *fdt, const struct imsic *im, int nharts, uint64_t own)
{
	uint64_t t[MAX_PROBES];
	uint32_t st;
	int n = bootargs_list(fdt, "edu-msi=", t, MAX_PROBES - 1);

	t[n++] = im->base + (uint64_t)nharts * 0x1000;   /* the first guest IMSIC page past our vCPUs */
	for (int i = 0; i < n; i++) {
		if (!msi_set(t[i], EDU_MSI_ID)) {
			fail("edu: FAIL msi address 0x%lx does not read back", (unsigned long)t[i]);
			continue;
		}
		if (raise_and_wait(tb_hz / 10, &st))
			fail("edu: FAIL msi to 0x%lx delivered an interrupt to us", (unsigned long)t[i]);
		else if (!(st & IRQ_TEST))
			fail("edu: FAIL msi to 0x%lx: the device did not raise (status 0x%x)", (unsigned long)t[i], st);
		else
			say("edu: msi to 0x%lx blocked (no interrupt)", (unsigned long)t[i]);
	}
	if (!msi_set(own, EDU_MSI_ID))
		fail("edu: FAIL msi address 0x%lx does not read back", (unsigned long)own);
	else if (!raise_and_wait(tb_hz / 2, &st))
		fail("edu: FAIL msi own file after blocked MSIs: no interrupt (status 0x%x)", st);
	else
		say("edu: msi own file ok after blocked MSIs");
}

/* ---- f) hypercall ABI v1 ------------------------------------------------------------------ */

struct pv_info {
	unsigned long version, features, nr_vcpus, nr_ids, nr_devices;
};

static struct sbiret pv_call(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	return sbi_call(PARTVISOR_EID, fid, a0, a1, a2);
}

/* GET_INFO for every item; the values must match what the FDT and the bus show: the partition's
 * `nharts` vCPUs, the `nf` functions on the bus. False (reported) if a call failed. */
static bool get_info(int nharts, int nf, struct pv_info *in)
{
	static const char *const item[] = { "version", "features", "vcpus", "ids", "devices" };
	unsigned long v[5];
	struct sbiret r = sbi_call(SBI_EXT_BASE_ID, SBI_BASE_PROBE_EXT, PARTVISOR_EID, 0, 0);

	if (r.error || r.value == 0)
		fail("edu: get_info FAIL: probe_extension(0x%lx) error %ld value %ld", PARTVISOR_EID, r.error, r.value);
	for (unsigned i = 0; i < 5; i++) {
		r = pv_call(PARTVISOR_FID_GET_INFO, i, 0, 0);
		if (r.error) {
			fail("edu: get_info FAIL: item %u (%s) error %ld", i, item[i], r.error);
			return false;
		}
		v[i] = (unsigned long)r.value;
	}
	*in = (struct pv_info){ v[0], v[1], v[2], v[3], v[4] };
	if (in->version != PARTVISOR_VERSION || in->nr_vcpus != (unsigned long)nharts || in->nr_ids < MIN_IDS ||
	    in->nr_devices != (unsigned long)nf)
		fail("edu: get_info FAIL version 0x%lx features 0x%lx vcpus %lu ids %lu devices %lu (expected "
		     "version 0x%lx, vcpus %d, ids >= %d, devices %d)", in->version, in->features, in->nr_vcpus,
		     in->nr_ids, in->nr_devices, PARTVISOR_VERSION, nharts, MIN_IDS, nf);
	else
		say("edu: get_info version 0x%lx features 0x%lx vcpus %lu ids %lu devices %lu ok", in->version,
		    in->features, in->nr_vcpus, in->nr_ids, in->nr_devices);
	return true;
}

static void get_info_unknown(void)
{
	static const unsigned long bad[] = { 5, 6, 1UL << 40, -1UL };
	bool ok = true;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbiret r = pv_call(PARTVISOR_FID_GET_INFO, bad[i], 0, 0);
		if (r.error != SBI_ERR_INVALID_PARAM) {
			fail("edu: get_info FAIL: unknown item 0x%lx error %ld value 0x%lx (expected %ld)", bad[i],
			     r.error, (unsigned long)r.value, SBI_ERR_INVALID_PARAM);
			ok = false;
		}
	}
	if (ok)
		say("edu: get_info refuses unknown items ok");
}

/* A partvisor call that must fail with INVALID_PARAM: "edu: <what> ok". */
static void pv_refused(const char *what, unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	struct sbiret r = pv_call(fid, a0, a1, a2);

	if (r.error == SBI_ERR_INVALID_PARAM)
		say("edu: %s ok", what);
	else
		fail("edu: FAIL %s: fid %lu (0x%lx, 0x%lx, 0x%lx) error %ld value 0x%lx (expected %ld)", what, fid,
		     a0, a1, a2, r.error, (unsigned long)r.value, SBI_ERR_INVALID_PARAM);
}

/* MSI_COMPOSE(device, vcpu, EDU_MSI_ID), which must give `want`; 0 (reported) otherwise. */
static uint64_t compose(unsigned long device, unsigned long vcpu, uint64_t want, const char *what)
{
	struct sbiret r = pv_call(PARTVISOR_FID_MSI_COMPOSE, device, vcpu, EDU_MSI_ID);

	if (r.error) {
		fail("edu: FAIL %s: msi_compose(device 0x%04lx, vcpu %lu, identity %d) error %ld", what, device, vcpu,
		     EDU_MSI_ID, r.error);
		return 0;
	}
	if ((uint64_t)r.value != want) {
		fail("edu: FAIL %s: msi_compose(device 0x%04lx, vcpu %lu, identity %d) = 0x%lx, expected 0x%lx", what,
		     device, vcpu, EDU_MSI_ID, (unsigned long)r.value, (unsigned long)want);
		return 0;
	}
	return want;
}

/* MSI_RELEASE(device, vcpu, EDU_MSI_ID), which must succeed; reported otherwise. */
static bool release(unsigned long device, unsigned long vcpu, const char *what)
{
	struct sbiret r = pv_call(PARTVISOR_FID_MSI_RELEASE, device, vcpu, EDU_MSI_ID);

	if (r.error)
		fail("edu: FAIL %s: msi_release(device 0x%04lx, vcpu %lu, identity %d) error %ld", what, device, vcpu,
		     EDU_MSI_ID, r.error);
	return !r.error;
}

/* Guest physical address of vCPU `vcpu`'s interrupt file, from the FDT's IMSIC; 0 if none. */
static uint64_t vcpu_file(const struct imsic *im, unsigned long vcpu)
{
	for (int h = 0; h < im->n; h++)
		if (im->hart[h] == vcpu)
			return im->base + (uint64_t)h * im->stride;
	return 0;
}

/* MSI_COMPOSE / MSI_RELEASE / GET_INFO with what the partition does not have. */
static void pv_refusals(const struct pv_info *in, unsigned long device, unsigned long vcpu)
{
	unsigned long free_slot = in->nr_devices << 3;   /* 00:<devices>.0: the first free slot of our bridge */
	char what[80];

	get_info_unknown();
	/* a free slot of our bridge (00:01.0 with one device); bus 1 does not exist; -1 is no BDF at all */
	snprintf(what, sizeof(what), "msi_compose refuses device 0x%04lx", free_slot);
	pv_refused(what, PARTVISOR_FID_MSI_COMPOSE, free_slot, vcpu, EDU_MSI_ID);
	pv_refused("msi_compose refuses device 0x0100", PARTVISOR_FID_MSI_COMPOSE, 0x0100, vcpu, EDU_MSI_ID);
	pv_refused("msi_compose refuses device -1", PARTVISOR_FID_MSI_COMPOSE, -1UL, vcpu, EDU_MSI_ID);
	snprintf(what, sizeof(what), "msi_compose refuses vcpu %lu", in->nr_vcpus);
	pv_refused(what, PARTVISOR_FID_MSI_COMPOSE, device, in->nr_vcpus, EDU_MSI_ID);
	pv_refused("msi_compose refuses identity 0", PARTVISOR_FID_MSI_COMPOSE, device, vcpu, 0);
	snprintf(what, sizeof(what), "msi_compose refuses identity %lu", in->nr_ids + 1);
	pv_refused(what, PARTVISOR_FID_MSI_COMPOSE, device, vcpu, in->nr_ids + 1);
	snprintf(what, sizeof(what), "msi_release refuses vcpu %lu identity %d never composed", vcpu, NEVER_ID);
	pv_refused(what, PARTVISOR_FID_MSI_RELEASE, device, vcpu, NEVER_ID);
}

/*
 * Policy "composed", with vCPU 0's file composed for the edu: (a) vCPU 1's file, never composed
 * (vCPU 1 is stopped: we can only see that no interrupt comes here; the hypervisor reports the
 * blocked MSI); (b) our file after MSI_RELEASE; (c) our file after MSI_COMPOSE again. Ends with
 * our file released, which a second MSI_RELEASE must refuse.
 */
static void composed_checks(const struct imsic *im, unsigned long device, unsigned long vcpu, uint64_t file0,
			    int nharts)
{
	uint64_t file1 = vcpu_file(im, 1);

	if (nharts < 2 || !file1)
		fail("edu: FAIL msi to vcpu 1 not composed: no vCPU 1 (%d vCPUs, file 0x%lx)", nharts,
		     (unsigned long)file1);
	else if (msi_none(file1, "msi to vcpu 1 not composed"))
		say("edu: msi to vcpu 1 not composed: blocked ok");

	if (release(device, vcpu, "msi after release") && msi_none(file0, "msi after release"))
		say("edu: msi after release blocked ok");

	uint64_t a = compose(device, vcpu, file0, "msi after compose again");
	if (a && msi_one(a, "msi after compose again"))
		say("edu: msi after compose again ok");

	if (release(device, vcpu, "final release"))
		pv_refused("msi_release refuses a second release", PARTVISOR_FID_MSI_RELEASE, device, vcpu, EDU_MSI_ID);
}

/* Policy "open": after MSI_RELEASE our file still gets the device's MSIs; a second release is refused. */
static void open_release(unsigned long device, unsigned long vcpu, uint64_t file0)
{
	if (release(device, vcpu, "policy open: msi after release") &&
	    msi_one(file0, "policy open: msi after release"))
		say("edu: policy open: msi after release still delivered ok");
	pv_refused("msi_release refuses a second release", PARTVISOR_FID_MSI_RELEASE, device, vcpu, EDU_MSI_ID);
}

/*
 * i) (bootargs "edu-all") another edu at @dev.@fn of our bus, e.g. the second function of a
 * multi-function device or a device behind the same bridge: its BAR, DMA within our RAM and
 * back, MSIs into our file at @msi_addr, and one DMA write past our RAM, which must be
 * blocked (the hypervisor reports it; the device cannot tell).
 */
static void other_function(unsigned dev, unsigned fn, uint64_t msi_addr, const struct range *ram)
{
	uint32_t b0;
	uint64_t b, cpu;
	unsigned n;

	edu_dev = dev;
	edu_fn = fn;
	b0 = edu_cfg_read(PCI_BAR0, 4);
	b = ecam_bar(&pci, dev, fn, 0);   /* 0 for an I/O BAR */
	cpu = ecam_to_cpu(&pci, b);
	if (!b || !cpu) {
		fail("edu: FAIL function 00:%02x.%x bar0 0x%x is not assigned in a memory window", dev, fn, b0);
		return;
	}
	bar = (volatile uint8_t *)(uintptr_t)cpu;
	edu_cfg_write(PCI_COMMAND, 2, edu_cfg_read(PCI_COMMAND, 2) | PCI_CMD_MEM | PCI_CMD_MASTER);
	if (r32(EDU_REG_IDENT) != EDU_IDENT) {
		fail("edu: FAIL function 00:%02x.%x ident 0x%08x", dev, fn, r32(EDU_REG_IDENT));
		return;
	}
	say("edu: function 00:%02x.%x found bar0 0x%lx", dev, fn, (unsigned long)b);
	if (dma_own_ram())
		say("edu: function 00:%02x.%x dma own RAM ok", dev, fn);
	if (!msi_find()) {
		fail("edu: FAIL function 00:%02x.%x has no MSI capability", dev, fn);
		return;
	}
	w32(EDU_IRQ_ACK, ~0U);
	if (!msi_set(msi_addr, EDU_MSI_ID)) {
		fail("edu: FAIL function 00:%02x.%x msi address/data do not read back", dev, fn);
		return;
	}
	msi_enable(true);
	if ((n = msi_own_file(msi_addr, "function msi")))
		say("edu: function 00:%02x.%x msi own file ok (%u interrupts)", dev, fn, n);
	msi_enable(false);
	if (dma(EDU_BUF + PROBE_SRC, ram->base + ram->size, PROBE_LEN, DMA_TO_RAM))
		say("edu: function 00:%02x.%x dma to 0x%lx issued", dev, fn, (unsigned long)(ram->base + ram->size));
	else
		fail("edu: FAIL function 00:%02x.%x dma still running after %d s", dev, fn, TIMEOUT_S);
	edu_cfg_write(PCI_COMMAND, 2, edu_cfg_read(PCI_COMMAND, 2) & ~PCI_CMD_MASTER);
}

/* What other_functions() hands to ecam_each(): the first edu, skipped, and other_function()'s arguments. */
struct others {
	unsigned dev0, fn0;
	uint64_t msi_addr;
	const struct range *ram;
};

static void other_visit(void *ctx, unsigned dev, unsigned fn, uint32_t id)
{
	const struct others *o = ctx;

	if (id == EDU_PCI_ID && !(dev == o->dev0 && fn == o->fn0))
		other_function(dev, fn, o->msi_addr, o->ram);
}

/* i) every edu of our bus but the first (edu_dev.edu_fn, restored afterwards). */
static void other_functions(uint64_t msi_addr, const struct range *ram)
{
	struct others o = { edu_dev, edu_fn, msi_addr, ram };
	unsigned cap0 = msi_cap;
	volatile uint8_t *bar0 = bar;
	bool m64 = msi_64;

	ecam_each(&pci, other_visit, &o);
	edu_dev = o.dev0;
	edu_fn = o.fn0;
	msi_cap = cap0;
	bar = bar0;
	msi_64 = m64;
}

/* The end of every run: the device's MSIs off, its status clear, our interrupts off. */
static void edu_quiesce(void)
{
	msi_enable(false);
	w32(EDU_IRQ_ACK, ~0U);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
	csr_write(stimecmp, -1UL);
	imsic_write(ISEL_EIE0, imsic_read(ISEL_EIE0) & ~(1UL << EDU_MSI_ID));
	__atomic_store_n(&armed, false, __ATOMIC_RELEASE);
	say("edu: done");
}

void edu_test(const void *fdt, unsigned long hartid, int nharts, uint64_t tb)
{
	bool pv = fdt_node_check_compatible(fdt, 0, "partvisor,partition") == 0, found;
	bool bench = bootargs_has(fdt, "edu-bench");
	struct range mem[4], *ram = NULL;
	struct imsic im;
	uint64_t msi_addr = 0;
	int nm = fdt_memory(fdt, mem, 4), nf;

	tb_hz = tb;
	for (int i = 0; i < nm; i++)
		if ((uintptr_t)_start >= mem[i].base && (uintptr_t)_start < mem[i].base + mem[i].size)
			ram = &mem[i];
	if (!ram || !fdt_imsic(fdt, &im)) {
		fail("edu: FAIL no RAM or IMSIC in the FDT");
		return;
	}
	if (!ecam_find(fdt, &pci)) {
		fail("edu: FAIL no pci-host-ecam-generic node");
		return;
	}

	/* a) the device */
	nf = ecam_scan(&pci, EDU_PCI_ID, &edu_dev, &edu_fn, &found);
	say("edu: bus %u shows %d function(s)", pci.bus, nf);
	if (!found) {
		fail("edu: FAIL no edu (1234:11e8) on bus %u", pci.bus);
		return;
	}
	uint32_t b0 = edu_cfg_read(PCI_BAR0, 4);
	if (b0 & 1) {
		fail("edu: FAIL bar0 0x%x is an I/O BAR", b0);
		return;
	}
	uint64_t b = ecam_bar(&pci, edu_dev, edu_fn, 0);
	if (!pv && !b) {
		/* natively nobody enumerated the bus: no BAR has an address, the IOMMU blocks */
		if (!native_iommu_bare(fdt))
			fail("edu: FAIL native: the IOMMU does not go to Bare mode");
		b = ecam_assign_bar(&pci, edu_dev, edu_fn, 0);
		say("edu: native: bar0 assigned 0x%lx in the host bridge's 32-bit window", (unsigned long)b);
	}
	say("edu: found %02x:%02x.%x 1234:11e8 bar0 0x%lx", pci.bus, edu_dev, edu_fn, (unsigned long)b);
	if (!b || !ecam_to_cpu(&pci, b)) {
		fail("edu: FAIL bar0 0x%lx is not assigned in a memory window of the host bridge", (unsigned long)b);
		return;
	}
	bar = (volatile uint8_t *)(uintptr_t)ecam_to_cpu(&pci, b);
	uint32_t cmd = edu_cfg_read(PCI_COMMAND, 2);
	/* partvisor enables Memory Space and leaves Bus Master to the driver, like firmware on a real board. */
	if (pv && (cmd & (PCI_CMD_MEM | PCI_CMD_MASTER)) != PCI_CMD_MEM)
		fail("edu: FAIL command 0x%04x at start: expected memory space on, bus master off", cmd);
	edu_cfg_write(PCI_COMMAND, 2, cmd | PCI_CMD_MEM | PCI_CMD_MASTER);
	cmd = edu_cfg_read(PCI_COMMAND, 2);
	if ((cmd & (PCI_CMD_MEM | PCI_CMD_MASTER)) != (PCI_CMD_MEM | PCI_CMD_MASTER))
		fail("edu: FAIL command 0x%04x: bus master does not turn on", cmd);
	uint32_t ident = r32(EDU_REG_IDENT);
	w32(EDU_REG_LIVE, 0x600dcafe);
	uint32_t live = r32(EDU_REG_LIVE);
	if (ident != EDU_IDENT || live != ~0x600dcafeU) {
		fail("edu: FAIL ident 0x%08x liveness 0x%08x", ident, live);
		return;
	}
	say("edu: ident 0x%08x, liveness ok", ident);

	/* b) DMA within our RAM */
	if (!bench)
		dma_own_ram();

	/* c) MSI into our interrupt file */
	if (!msi_find()) {
		fail("edu: FAIL no MSI capability");
		return;
	}
	struct sbiret r = sbi_call(PV_EXT_ID, PV_FID_MSI_COMPOSE, hartid, EDU_MSI_ID, 0);
	if (r.error == 0) {
		msi_addr = (uint64_t)r.value;
		say("edu: msi_compose(vcpu %lu, identity %d) = 0x%lx", hartid, EDU_MSI_ID, (unsigned long)msi_addr);
	} else if (!pv && r.error == SBI_ERR_NOT_SUPPORTED) {
		/* natively: our own S-level interrupt file */
		for (int h = 0; h < im.n; h++)
			if (im.hart[h] == hartid)
				msi_addr = im.base + (uint64_t)h * im.stride;
		say("edu: no MSI_COMPOSE (native): msi address 0x%lx, our S-level file", (unsigned long)msi_addr);
	}
	if (!msi_addr) {
		fail("edu: FAIL msi_compose(vcpu %lu, identity %d) error %ld", hartid, EDU_MSI_ID, r.error);
		return;
	}
	__atomic_store_n(&armed, true, __ATOMIC_RELEASE);
	w32(EDU_IRQ_ACK, ~0U);
	imsic_write(ISEL_EIDELIVERY, 1);
	imsic_write(ISEL_EITHRESHOLD, 0);
	imsic_write(ISEL_EIP0, imsic_read(ISEL_EIP0) & ~(1UL << EDU_MSI_ID));
	imsic_write(ISEL_EIE0, imsic_read(ISEL_EIE0) | 1UL << EDU_MSI_ID);
	csr_write(sie, (1UL << IRQ_S_EXT) | (1UL << IRQ_S_TIMER));   /* timer: ends waits */
	csr_set(sstatus, SSTATUS_SIE);
	if (bench) {
		if (!msi_set(msi_addr, EDU_MSI_ID)) {
			fail("edubench: FAIL msi address/data do not read back");
		} else {
			msi_enable(true);
			edu_bench(pv, msi_addr);
		}
		edu_quiesce();
		return;
	}
	/*
	 * f) GET_INFO first: the MSI policy decides whether the device reaches our file before
	 * MSI_COMPOSE. The FID 0 address (above) opens nothing: with policy "open" it works as it
	 * is, with "composed" only after MSI_COMPOSE.
	 */
	struct pv_info info = { 0, 0, (unsigned long)nharts, MIN_IDS, (unsigned long)nf };
	bool have_info = pv && get_info(nharts, nf, &info);
	bool composed = have_info && (info.features & PARTVISOR_FEAT_COMPOSED);
	unsigned long device = (unsigned long)pci.bus << 8 | edu_dev << 3 | edu_fn;
	uint64_t file0 = vcpu_file(&im, hartid);
	unsigned n;

	if (!msi_set(msi_addr, EDU_MSI_ID))
		fail("edu: FAIL msi address/data do not read back");
	else {
		msi_enable(true);
		if (!composed) {
			if (have_info)
				say("edu: policy open: every vCPU file reachable");
			if ((n = msi_own_file(msi_addr, "msi own file")))
				say("edu: msi own file ok (%u interrupts)", n);
		} else if (msi_none(msi_addr, "msi before compose")) {
			say("edu: policy composed: msi before compose blocked ok");
		}
	}
	if (pv) {
		/* MSI_COMPOSE for the edu and our vCPU: its MSIs arrive whatever the policy */
		uint64_t a = compose(device, hartid, file0, "composed msi");
		if (a) {
			msi_addr = a;
			if (!msi_set(a, EDU_MSI_ID))
				fail("edu: FAIL composed msi: address/data do not read back");
			else if ((n = msi_own_file(a, "composed msi")))
				say("edu: composed msi vcpu %lu identity %d ok (%u interrupts)", hartid, EDU_MSI_ID, n);
		}
	}

	if (!pv) {
		say("edu: not under partvisor: blocked DMA and MSI checks skipped");
	} else {
		/* d) and e) */
		dma_blocked(fdt, ram);
		msi_blocked(fdt, &im, nharts, msi_addr);
		struct sbiret r1 = sbi_call(PV_EXT_ID, PV_FID_MSI_COMPOSE, (unsigned long)nharts, EDU_MSI_ID, 0);
		struct sbiret r2 = sbi_call(PV_EXT_ID, PV_FID_MSI_COMPOSE, hartid, 0, 0);
		if (r1.error == SBI_ERR_INVALID_PARAM && r2.error == SBI_ERR_INVALID_PARAM)
			say("edu: msi_compose refuses vcpu %d and identity 0 ok", nharts);
		else
			fail("edu: FAIL msi_compose(vcpu %d) error %ld, msi_compose(identity 0) error %ld",
			     nharts, r1.error, r2.error);

		/* f) continued: what the partition does not have, then MSI_RELEASE */
		pv_refusals(&info, device, hartid);
		if (composed)
			composed_checks(&im, device, hartid, file0, nharts);
		else if (have_info)
			open_release(device, hartid, file0);
	}

	if (pv && bootargs_has_flood(fdt)) {
		/*
		 * g) a fault flood: one blocked 4 KiB DMA write makes the IOMMU log a fault per 4 bytes,
		 * far more than the hypervisor's fault queue holds. The hypervisor must report the
		 * overflow and go on; the device must still work afterwards.
		 */
		say("edu: fault flood: %d-byte DMA write to 0x%lx", EDU_BUF_SIZE, (unsigned long)(ram->base + ram->size));
		if (!dma(EDU_BUF, ram->base + ram->size, EDU_BUF_SIZE, DMA_TO_RAM))
			fail("edu: FAIL flood dma still running after %d s", TIMEOUT_S);
		else if (dma_own_ram())
			say("edu: dma own RAM ok after a fault flood");
	}

	if (pv && bootargs_has(fdt, "edu-storm")) {
		/*
		 * h) a fault storm: blocked 4 KiB DMA writes again and again (1024 faults each) for up
		 * to 6 s. The hypervisor must quarantine the device (it keeps faulting): afterwards a
		 * DMA to our own RAM no longer lands, while other partitions kept their pace.
		 */
		uint64_t t0 = rdtime(), end = t0 + 6 * tb_hz;
		unsigned rounds = 0;

		say("edu: storm: blocked DMA writes to 0x%lx", (unsigned long)(ram->base + ram->size));
		while (rdtime() < end && rounds < 64) {
			dma(EDU_BUF, ram->base + ram->size, EDU_BUF_SIZE, DMA_TO_RAM);
			rounds++;
		}
		say("edu: storm: %u blocked DMAs over %lu ticks", rounds, (unsigned long)(rdtime() - t0));
		for (size_t i = 0; i < EDU_BUF_SIZE; i++) {
			ram_a[i] = pattern(i);
			ram_b[i] = 0;
		}
		dma((uintptr_t)ram_a, EDU_BUF, EDU_BUF_SIZE, 0);
		dma(EDU_BUF, (uintptr_t)ram_b, EDU_BUF_SIZE, DMA_TO_RAM);
		if (ram_b[0] == 0 && ram_b[1] == 0 && ram_b[EDU_BUF_SIZE - 1] == 0)
			say("edu: storm: device quarantined: its DMA no longer reaches our RAM ok");
		else
			fail("edu: storm: FAIL the device still DMAs after the storm");
	}

	if (pv && bootargs_has(fdt, "edu-all"))
		other_functions(msi_addr, ram);

	edu_quiesce();
}
