/* SPDX-License-Identifier: MIT */
/*
 * testguest: bare-metal S-mode test guest for partvisor; also runs natively as an OpenSBI
 * payload (the baseline). On every hart: RAM check (boot hart), 3 Sstc timer interrupts,
 * 3 rounds of IPIs through the AIA IMSIC, then stop. All output goes through SBI DBCN, one
 * console_write per whole line; the device tree is read with libfdt only.
 * With the word "heartbeat" in /chosen/bootargs the boot hart does not shut down after the
 * checks: once the other harts have stopped it prints "testguest: heartbeat <n>" every second.
 * With "ramclean" the boot hart first checks that its RAM outside the image and the device tree
 * reads as zero, and on boot 1 fills it with a pattern and reboots, so boot 2 checks the reload.
 * With the word "edu" the boot hart then tests QEMU's edu PCI device (edu.c) before the result;
 * with "edu-bench" it times MSI deliveries from that device instead (edu.c, make bench).
 * With "suspend" the boot hart tests HSM hart_suspend (retentive and non-retentive) while its
 * siblings watch its HSM status and wake it with an SBI IPI (suspend.c). With "laststop" the
 * boot hart ends with HSM hart_stop instead of SRST, so the last vCPU of the partition stops.
 * With "hostile" the boot hart then attacks the hypervisor (hostile.c) before the result.
 * With "virtio" the boot hart sets up a passed-through virtio-rng PCI function and each vCPU in
 * turn takes its MSI-X through the partvisor MSI hypercalls (virtio.c) before the result.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"
#include "testguest.h"

#define MAX_RANGES 16      /* memory / excluded ranges */
#define IPI_ID     1       /* IMSIC identity used as IPI */
#define ROUNDS     3

void hart_main(unsigned long hartid, const void *fdt, unsigned long slot);
void trap_handler(void);
void __stack_chk_fail(void) __attribute__((noreturn));

/* No entropy source this early: a fixed canary still catches linear overwrites. */
uintptr_t __stack_chk_guard = 0x5a3c96e1f00dfaceUL;

/* Per hart (TLS, tp set up by start.S). */
static __thread unsigned long my_hartid;
static __thread int my_pos = -1;           /* position in the IPI ring, -1 = none */
static __thread volatile unsigned timer_irqs;

/* Shared by all harts, indexed by IPI ring position. */
static unsigned ipi_count[MAX_HARTS];      /* identity IPI_ID interrupts taken */
static bool ipi_ready[MAX_HARTS];          /* interrupt file configured */
static unsigned failures;
static unsigned long console_owner;        /* hart id + 1 of the console lock holder */

/* ---- console ---------------------------------------------------------------------------- */

static void console_write(const char *s, size_t n)
{
	while (n) {
		/* DBCN console_write(num_bytes, base_lo, base_hi): physical address, satp = 0 */
		struct sbiret r = sbi_call(SBI_EXT_DBCN, 0, n, (uintptr_t)s, 0);
		if (r.error || r.value < 0)
			return;
		/* 0 bytes is legal (the console could not take more now): try again [SBI DBCN write] */
		s += r.value;
		n -= (size_t)r.value;
	}
}

static void vsay(const char *fmt, va_list ap)
{
	char line[200];
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';

	/* One whole line per console_write, under a lock across harts. A trap taken while
	 * this hart holds the lock (unexpected trap) prints without re-taking it. */
	unsigned long me = my_hartid + 1, expect = 0;
	bool nested = __atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me;
	if (!nested)
		while (!__atomic_compare_exchange_n(&console_owner, &expect, me, false,
						    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			expect = 0;
	console_write(line, (size_t)n);
	if (!nested)
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Print a failure line and count it. */
void fail(const char *fmt, ...)
{
	va_list ap;
	__atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST);
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

unsigned failure_count(void)
{
	return __atomic_load_n(&failures, __ATOMIC_SEQ_CST);
}

__attribute__((noreturn)) static void shutdown(unsigned long reason)
{
	sbi_call(SBI_EXT_SRST, 0, 0 /* shutdown */, reason, 0);
	say("hart %lu: SRST system_reset returned", my_hartid);
	for (;;)
		__asm__ volatile("wfi");
}

void __stack_chk_fail(void)
{
	say("hart %lu: stack smashing detected", my_hartid);
	shutdown(1);
}

/* ---- traps ------------------------------------------------------------------------------ */

/* Isolation probes (testguest.h): the pc of an instruction that is expected to fault, where to
 * resume (0: the next 4-byte instruction), and the cause and stval it got. */
volatile unsigned long expect_fault_pc;
volatile unsigned long expect_resume_pc;
volatile unsigned long fault_cause;
volatile unsigned long fault_tval;

void trap_handler(void)
{
	unsigned long cause = csr_read(scause), v;

	if (cause == (SCAUSE_IRQ | IRQ_S_TIMER)) {
		csr_write(stimecmp, -1UL);      /* Sstc: clears STIP */
		timer_irqs++;
		return;
	}
	if (cause == (SCAUSE_IRQ | IRQ_S_EXT)) {
		/* Claim from stopei until 0; the identity is in bits 26:16. */
		while ((v = csr_swap(stopei, 0)) != 0) {
			unsigned long id = (v >> 16) & 0x7ff;
			if (id == IPI_ID && my_pos >= 0)
				__atomic_fetch_add(&ipi_count[my_pos], 1, __ATOMIC_RELEASE);
			else if (!virtio_take_irq(my_hartid, id) && !edu_take_irq(id))
				fail("hart %lu: unexpected IMSIC identity %lu", my_hartid, id);
		}
		return;
	}
	/* armed: expect_fault_pc set, or (a fetch probe of address 0) expect_resume_pc */
	if ((expect_fault_pc || expect_resume_pc) && csr_read(sepc) == expect_fault_pc) {
		/* a probe: record the fault, skip the 4-byte instruction or resume where it asked
		 * (a fetch fault's sepc is the target address: the probe resumes at its return) */
		unsigned long resume = expect_resume_pc;

		fault_cause = cause;
		fault_tval = csr_read(stval);
		csr_write(sepc, resume ? resume : expect_fault_pc + 4);
		expect_fault_pc = 0;
		expect_resume_pc = 0;
		return;
	}
	say("hart %lu: unexpected trap scause 0x%lx sepc 0x%lx stval 0x%lx", my_hartid, cause,
	    csr_read(sepc), csr_read(stval));
	shutdown(1);
}

/* ---- device tree (libfdt) --------------------------------------------------------------- */

uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	while (n-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

bool node_okay(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);
	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

/* First `reg` address of a node, in its parent's #address-cells. */
static bool node_addr(const void *fdt, int node, uint64_t *addr)
{
	int len, ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	*addr = cells(reg, ac);
	return true;
}

/* Hart ids of the usable /cpus/cpu@N nodes; returns how many (ids[] gets the first max). */
static int fdt_harts(const void *fdt, unsigned long *ids, int max)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0;
	uint64_t id;

	if (cpus < 0)
		return 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "cpu") || !node_okay(fdt, node) || !node_addr(fdt, node, &id))
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	return n;
}

static uint64_t fdt_timebase(const void *fdt)
{
	int len, cpus = fdt_path_offset(fdt, "/cpus");
	const fdt32_t *p = cpus < 0 ? NULL : fdt_getprop(fdt, cpus, "timebase-frequency", &len);

	return p && (len == 4 || len == 8) ? cells(p, len / 4) : 0;
}

/* The `reg` ranges of a node, in its parent's cells; returns the count added to r[]. */
int node_ranges(const void *fdt, int node, struct range *r, int max)
{
	int parent = fdt_parent_offset(fdt, node), len, n = 0;
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return 0;
	for (int i = 0; (i + ac + sc) * 4 <= len && n < max; i += ac + sc) {
		r[n].base = cells(reg + i, ac);
		r[n].size = cells(reg + i + ac, sc);
		n++;
	}
	return n;
}

int fdt_memory(const void *fdt, struct range *r, int max)
{
	int n = 0, node = -1;

	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0)
		if (node_okay(fdt, node))
			n += node_ranges(fdt, node, r + n, max - n);
	return n;
}

/* The S-level IMSIC (struct imsic) from the riscv,imsics node whose interrupts-extended
 * names the S-level external interrupt. */
bool fdt_imsic(const void *fdt, struct imsic *im)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "riscv,imsics")) >= 0) {
		int len, i = 0;
		const fdt32_t *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
		const fdt32_t *gib = fdt_getprop(fdt, node, "riscv,guest-index-bits", NULL);
		bool s_level = ie != NULL;

		if (!node_okay(fdt, node) || !node_addr(fdt, node, &im->base))
			continue;
		/* each hart: one S file plus 2^guest-index-bits guest files, 4 KiB each */
		im->stride = 4096UL << (gib ? fdt32_to_cpu(*gib) : 0);
		im->n = 0;
		/* interrupts-extended = <&cpuN_intc irq>...: the order gives the IMSIC hart index */
		while (s_level && i < len / 4) {
			int intc = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ie[i]));
			const fdt32_t *icp = intc < 0 ? NULL : fdt_getprop(fdt, intc, "#interrupt-cells", NULL);
			int ic = icp ? (int)fdt32_to_cpu(*icp) : 1;
			uint64_t hart;

			if (intc < 0 || ic < 1 || i + 1 + ic > len / 4 ||
			    fdt32_to_cpu(ie[i + 1]) != IRQ_S_EXT ||   /* 11 = M-level IMSIC */
			    !node_addr(fdt, fdt_parent_offset(fdt, intc), &hart)) {
				s_level = false;
				break;
			}
			if (im->n < MAX_IMSIC)
				im->hart[im->n++] = hart;
			i += 1 + ic;
		}
		if (s_level && im->n > 0)
			return true;
	}
	return false;
}

/* ---- RAM check -------------------------------------------------------------------------- */

static int hit(uint64_t a, const struct range *x, int nx)
{
	for (int i = 0; i < nx; i++)
		if (a < x[i].base + x[i].size && a + 8 > x[i].base)
			return i;
	return -1;
}

/* Lowest (low) or highest 8-byte word in m that avoids all ranges in x. */
static bool pick_word(const struct range *m, const struct range *x, int nx, bool low, uint64_t *out)
{
	uint64_t lo = (m->base + 7) & ~7UL, hi = (m->base + m->size) & ~7UL;
	uint64_t a = low ? lo : hi - 8;

	for (int tries = 0; tries <= nx && lo + 8 <= hi; tries++) {
		int i = hit(a, x, nx);
		if (i < 0) {
			*out = a;
			return true;
		}
		if (low)
			a = (x[i].base + x[i].size + 7) & ~7UL;
		else if (x[i].base < lo + 8)
			return false;
		else
			a = (x[i].base & ~7UL) - 8;
		if (a < lo || a + 8 > hi)
			return false;
	}
	return false;
}

static bool word_ok(uint64_t addr)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	uint64_t old = *p, pat = 0x5aa5c33c0ff0e11eUL ^ addr;
	bool ok;

	*p = pat;
	ok = *p == pat;
	*p = ~pat;
	ok = ok && *p == ~pat;
	*p = old;
	return ok;
}

static void ram_test(const void *fdt)
{
	struct range mem[MAX_RANGES], ex[MAX_RANGES];
	uint64_t start = (uintptr_t)_start, end = (uintptr_t)_end, lo, hi, rb, rs;
	int nm = fdt_memory(fdt, mem, MAX_RANGES), nx = 0, m, rsv;

	for (m = 0; m < nm; m++)
		if (start >= mem[m].base && end <= mem[m].base + mem[m].size)
			break;
	if (m == nm) {
		fail("hart %lu: ram FAIL image 0x%lx-0x%lx not in any of %d /memory ranges",
		     my_hartid, (unsigned long)start, (unsigned long)end, nm);
		return;
	}

	/* Keep off: our image, the FDT (whole pages), /memreserve/ and /reserved-memory. */
	ex[nx++] = (struct range){ start, end - start };
	ex[nx].base = (uintptr_t)fdt & ~0xfffUL;
	ex[nx].size = (((uintptr_t)fdt + fdt_totalsize(fdt) + 0xfff) & ~0xfffUL) - ex[nx].base;
	nx++;
	for (int i = 0; i < fdt_num_mem_rsv(fdt) && nx < MAX_RANGES; i++)
		if (!fdt_get_mem_rsv(fdt, i, &rb, &rs))
			ex[nx++] = (struct range){ rb, rs };
	rsv = fdt_path_offset(fdt, "/reserved-memory");
	if (rsv >= 0) {
		int node;
		fdt_for_each_subnode(node, fdt, rsv)
			nx += node_ranges(fdt, node, ex + nx, MAX_RANGES - nx);
	}

	if (!pick_word(&mem[m], ex, nx, true, &lo) || !pick_word(&mem[m], ex, nx, false, &hi))
		fail("hart %lu: ram FAIL no free word to test", my_hartid);
	else if (!word_ok(lo))
		fail("hart %lu: ram FAIL read-back at 0x%lx", my_hartid, (unsigned long)lo);
	else if (!word_ok(hi))
		fail("hart %lu: ram FAIL read-back at 0x%lx", my_hartid, (unsigned long)hi);
	else
		say("hart %lu: ram 0x%lx size 0x%lx ok", my_hartid, (unsigned long)mem[m].base,
		    (unsigned long)mem[m].size);
}

/* ---- stale data ("ramclean" in bootargs) ------------------------------------------------ */

/* Non-zero doublewords in [lo, hi) (8-byte aligned); with @fill, they are all set to @fill after. */
static uint64_t count_nonzero(uint64_t lo, uint64_t hi, bool fill, uint64_t pattern)
{
	uint64_t nz = 0;

	for (volatile uint64_t *w = (uint64_t *)(uintptr_t)lo; (uintptr_t)w < hi; w++) {
		nz += *w != 0;
		if (fill)
			*w = pattern;
	}
	return nz;
}

/*
 * The partition's RAM outside our image (up to _end: code, data, BSS and stacks) and the device
 * tree (from its header to its totalsize) must read as zero at every boot: nothing of a previous
 * run or of the boot loader. On boot 1 (/chosen/partvisor,boot-count) that RAM is then filled
 * with a pattern and the partition reboots (SRST cold reboot), so boot 2 shows whether the
 * hypervisor cleared it again.
 */
static void ramclean(const void *fdt)
{
	struct range mem[MAX_RANGES];
	uint64_t start = (uintptr_t)_start, end = ((uintptr_t)_end + 7) & ~7UL;
	uint64_t fdt_lo = (uintptr_t)fdt & ~7UL, fdt_hi = ((uintptr_t)fdt + fdt_totalsize(fdt) + 7) & ~7UL;
	int nm = fdt_memory(fdt, mem, MAX_RANGES), m, chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
	const fdt32_t *bc = chosen >= 0 ? fdt_getprop(fdt, chosen, "partvisor,boot-count", &len) : NULL;
	uint32_t boot = bc && len == 4 ? fdt32_to_cpu(*bc) : 0;
	uint64_t ram_end, nz;

	for (m = 0; m < nm; m++)
		if (start >= mem[m].base && end <= mem[m].base + mem[m].size)
			break;
	if (m == nm || fdt_lo < end) {
		fail("testguest: ramclean FAIL: image or device tree outside the first /memory range");
		return;
	}
	ram_end = mem[m].base + mem[m].size;
	nz = count_nonzero(end, fdt_lo, false, 0) + count_nonzero(fdt_hi, ram_end, false, 0);
	say("testguest: ramclean: boot %u: %lu bytes outside image and device tree, %lu non-zero doublewords",
	    boot, (unsigned long)(fdt_lo - end + ram_end - fdt_hi), (unsigned long)nz);
	if (nz)
		fail("testguest: ramclean FAIL: stale data in RAM at boot %u", boot);
	if (boot == 1) {
		count_nonzero(end, fdt_lo, true, 0xa5a5a5a5a5a5a5a5ULL);
		count_nonzero(fdt_hi, ram_end, true, 0xa5a5a5a5a5a5a5a5ULL);
		say("testguest: ramclean: RAM filled with 0xa5, rebooting");
		sbi_call(SBI_EXT_SRST, 0, 1 /* cold reboot */, 0, 0);
		fail("testguest: ramclean FAIL: SRST reboot returned");
	}
}

/* ---- timer ------------------------------------------------------------------------------ */

/* Timer interrupts this hart has taken so far. */
unsigned timer_irq_count(void)
{
	return timer_irqs;
}

static void timer_test(uint64_t tb)
{
	uint64_t tick = tb / 100, t0 = rdtime(), deadline = t0 + TIMEOUT_S * tb;

	csr_set(sie, 1UL << IRQ_S_TIMER);
	csr_set(sstatus, SSTATUS_SIE);
	for (unsigned i = 1; i <= ROUNDS; i++) {
		csr_write(stimecmp, rdtime() + tick);   /* 10 ms ahead */
		/* poll, not wfi: if the timer never fires nothing else would wake us */
		while (timer_irqs < i && rdtime() < deadline)
			;
	}
	csr_write(stimecmp, -1UL);

	if (timer_irqs != ROUNDS)
		fail("hart %lu: timer irqs FAIL count %u", my_hartid, timer_irqs);
	else if (rdtime() - t0 < ROUNDS * tick)
		fail("hart %lu: timer irqs FAIL early (%lu ticks for %u x %lu)", my_hartid,
		     (unsigned long)(rdtime() - t0), ROUNDS, (unsigned long)tick);
	else
		say("hart %lu: timer irqs %u ok", my_hartid, ROUNDS);
}

/* ---- IPI through the IMSIC -------------------------------------------------------------- */

/* Sleep until *count >= want or the deadline. SIE stays clear around check + wfi so no
 * wake-up is lost: wfi resumes on a pending enabled interrupt even with SIE = 0. */
bool wait_irq(const unsigned *count, unsigned want, uint64_t deadline)
{
	bool ok;

	csr_clear(sstatus, SSTATUS_SIE);
	while (!(ok = __atomic_load_n(count, __ATOMIC_ACQUIRE) >= want) && rdtime() < deadline) {
		__asm__ volatile("wfi");
		csr_set(sstatus, SSTATUS_SIE);  /* take what woke us */
		csr_clear(sstatus, SSTATUS_SIE);
	}
	csr_set(sstatus, SSTATUS_SIE);
	return ok;
}

static void ipi_test(const void *fdt, const unsigned long *ids, int nids, uint64_t tb)
{
	struct imsic im;
	unsigned ring[MAX_HARTS], r;   /* IMSIC index of each ring position */
	int n = 0;

	if (!fdt_imsic(fdt, &im)) {
		fail("hart %lu: ipi irqs FAIL no S-level riscv,imsics node", my_hartid);
		return;
	}
	/* Ring = IMSIC order, restricted to the harts we run on; sibling = next in the ring. */
	for (int h = 0; h < im.n; h++)
		for (int k = 0; k < nids && n < MAX_HARTS; k++)
			if (ids[k] == im.hart[h]) {
				if (im.hart[h] == my_hartid)
					my_pos = n;
				ring[n++] = (unsigned)h;
			}
	if (my_pos < 0) {
		fail("hart %lu: ipi irqs FAIL hart not in the IMSIC node", my_hartid);
		return;
	}
	int sib = (my_pos + 1) % n;
	volatile uint32_t *sib_file = (volatile uint32_t *)(uintptr_t)(im.base + ring[sib] * im.stride);

	/* Our own S interrupt file: deliver, no threshold, enable identity IPI_ID only. */
	imsic_write(ISEL_EIDELIVERY, 1);
	imsic_write(ISEL_EITHRESHOLD, 0);
	imsic_write(ISEL_EIP0, 0);
	imsic_write(ISEL_EIE0, 1UL << IPI_ID);
	csr_set(sie, 1UL << IRQ_S_EXT);
	csr_set(sstatus, SSTATUS_SIE);
	__atomic_store_n(&ipi_ready[my_pos], true, __ATOMIC_RELEASE);

	uint64_t deadline = rdtime() + TIMEOUT_S * tb;
	csr_write(stimecmp, deadline);   /* watchdog: bounds the wfi in wait_irq */
	for (r = 0; r < ROUNDS; r++) {
		/* The sibling must have taken round r-1, or two sends merge in one pending bit. */
		while (!(__atomic_load_n(&ipi_ready[sib], __ATOMIC_ACQUIRE) &&
			 __atomic_load_n(&ipi_count[sib], __ATOMIC_ACQUIRE) >= r) &&
		       rdtime() < deadline)
			;
		if (rdtime() >= deadline)
			break;
		*sib_file = IPI_ID;   /* seteipnum_le at offset 0 */
		if (!wait_irq(&ipi_count[my_pos], r + 1, deadline))
			break;
	}
	csr_write(stimecmp, -1UL);

	unsigned got = __atomic_load_n(&ipi_count[my_pos], __ATOMIC_ACQUIRE);
	if (r == ROUNDS && got == ROUNDS)
		say("hart %lu: ipi irqs %u ok", my_hartid, ROUNDS);
	else
		fail("hart %lu: ipi irqs FAIL count %u in round %u (sibling hart %lu)", my_hartid, got,
		     r + 1, im.hart[ring[sib]]);
}

/* ---- isolation probes ("probe" in bootargs) -------------------------------------------- */

#define CAUSE_STORE_ACCESS_FAULT 7
#define NO_FAULT (~0UL)

/* Store to guest physical address @addr; returns the trap cause it raised or NO_FAULT. */
static unsigned long probe_store(uint64_t addr)
{
	fault_cause = NO_FAULT;
	__asm__ volatile(".option push\n.option norvc\n"
			 "lla	t0, 1f\n"
			 "sd	t0, %[pc]\n"
			 "1:	sd	zero, 0(%[a])\n"
			 ".option pop\n"
			 : [pc] "=m"(expect_fault_pc)
			 : [a] "r"(addr)
			 : "t0", "memory");
	expect_fault_pc = 0;
	return fault_cause;
}

/*
 * What a partition must not reach: guest physical addresses outside its RAM (among them
 * the host address of the other partition's RAM in tests/configs/isolation.dts) and the
 * IMSIC page past its own vCPUs. Each store must come back as a store access fault; SBI
 * calls naming memory or harts outside the partition must fail.
 */
static void isolation_probes(const void *fdt, int nharts)
{
	struct range mem[4];
	struct imsic im;
	int n = fdt_memory(fdt, mem, 4);
	uint64_t targets[4];
	unsigned nt = 0, bad = 0;

	if (n < 1 || !fdt_imsic(fdt, &im)) {
		fail("hart %lu: isolation: no memory or IMSIC in the FDT", my_hartid);
		return;
	}
	targets[nt++] = mem[0].base + mem[0].size;             /* just past our RAM */
	targets[nt++] = 0x84400000ULL;                          /* host address of the other partition's RAM */
	targets[nt++] = 0x100000000ULL;                         /* far outside */
	targets[nt++] = im.base + (uint64_t)nharts * 0x1000;    /* a guest interrupt file that is not ours */
	for (unsigned i = 0; i < nt; i++) {
		if (targets[i] >= mem[0].base && targets[i] < mem[0].base + mem[0].size)
			continue;  /* inside our own RAM with this config: not a probe */
		unsigned long c = probe_store(targets[i]);
		if (c == CAUSE_STORE_ACCESS_FAULT) {
			say("hart %lu: isolation: store to 0x%lx -> store access fault ok", my_hartid,
			    (unsigned long)targets[i]);
		} else {
			fail("hart %lu: isolation: store to 0x%lx -> cause 0x%lx FAIL", my_hartid,
			     (unsigned long)targets[i], c);
			bad++;
		}
	}
	struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, (unsigned long)(mem[0].base + mem[0].size), 0);
	if (r.error != SBI_ERR_INVALID_PARAM) {
		fail("hart %lu: isolation: DBCN write from outside RAM returned %ld FAIL", my_hartid, r.error);
		bad++;
	}
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, (unsigned long)nharts, mem[0].base + 0x200000, 0);
	if (r.error != SBI_ERR_INVALID_PARAM) {
		fail("hart %lu: isolation: HSM start of hart %d returned %ld FAIL", my_hartid, nharts, r.error);
		bad++;
	}
	if (!bad)
		say("hart %lu: isolation probes ok", my_hartid);
}

/* ---- bootargs ------------------------------------------------------------------------- */

/* The first space-separated word of /chosen/bootargs that is `word` (exact) or, if
 * `prefix`, starts with it; NULL if none. *wl gets the word's length. */
static const char *bootargs_word(const void *fdt, const char *word, bool prefix, size_t *wl)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *s = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", &len);
	size_t n = strlen(word);

	if (!s || len <= 0)
		return NULL;
	for (const char *end = s + strnlen(s, (size_t)len); s < end;) {
		while (s < end && *s == ' ')
			s++;
		const char *e = s;
		while (e < end && *e != ' ')
			e++;
		if ((size_t)(e - s) >= n && !memcmp(s, word, n) && (prefix || (size_t)(e - s) == n)) {
			*wl = (size_t)(e - s);
			return s;
		}
		s = e;
	}
	return NULL;
}

/* Whether /chosen/bootargs contains `word` as a whole space-separated word. */
bool bootargs_has(const void *fdt, const char *word)
{
	size_t wl;
	return bootargs_word(fdt, word, false, &wl) != NULL;
}

/* The value of the first bootargs word "key=value" (`key` includes the '='): not
 * NUL-terminated, *len bytes; NULL if there is no such word. */
const char *bootargs_value(const void *fdt, const char *key, size_t *len)
{
	size_t wl, kl = strlen(key);
	const char *w = bootargs_word(fdt, key, true, &wl);

	if (!w)
		return NULL;
	*len = wl - kl;
	return w + kl;
}

/* ---- heartbeat mode ------------------------------------------------------------------- */

/* Boot hart, others stopped: one line per second forever, paced by the Sstc timer (wfi
 * between interrupts; deadlines step by exactly one second so there is no drift). */
__attribute__((noreturn)) static void heartbeat(uint64_t tb)
{
	uint64_t next = rdtime();

	csr_write(sie, 1UL << IRQ_S_TIMER);
	for (unsigned long n = 1;; n++) {
		unsigned want = timer_irqs + 1;

		next += tb;
		csr_write(stimecmp, next);
		/* SIE clear around check + wfi: a pending STIP still ends wfi, then is taken. */
		while (timer_irqs < want) {
			__asm__ volatile("wfi");
			csr_set(sstatus, SSTATUS_SIE);
			csr_clear(sstatus, SSTATUS_SIE);
		}
		say("testguest: heartbeat %lu", n);
	}
}

/* ---- main ------------------------------------------------------------------------------- */

static void start_others(const void *fdt, const unsigned long *ids, int n, bool *started)
{
	if (n > MAX_HARTS)
		fail("testguest: FAIL %d harts in fdt, only %d supported", n, MAX_HARTS);
	for (int i = 0; i < n && i < MAX_HARTS; i++) {
		started[i] = false;
		if (ids[i] == my_hartid)
			continue;
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_START, ids[i], (uintptr_t)_start,
					   (uintptr_t)fdt);
		if (r.error)
			fail("testguest: hart_start %lu FAIL error %ld", ids[i], r.error);
		else
			started[i] = true;
	}
}

static void wait_stopped(const unsigned long *ids, int n, const bool *started, uint64_t tb)
{
	uint64_t deadline = rdtime() + TIMEOUT_S * tb;

	for (int i = 0; i < n && i < MAX_HARTS; i++) {
		struct sbiret r;
		if (!started[i])
			continue;
		do
			r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, ids[i], 0, 0);
		while ((r.error || r.value != SBI_HSM_STOPPED) && rdtime() < deadline);
		if (r.error || r.value != SBI_HSM_STOPPED)
			fail("testguest: hart %lu did not stop (error %ld status %ld)", ids[i], r.error,
			     r.value);
	}
}

void hart_main(unsigned long hartid, const void *fdt, unsigned long slot)
{
	unsigned long ids[MAX_HARTS];
	bool started[MAX_HARTS];
	bool boot = slot == 0;
	int n = 0;
	uint64_t tb = 0;

	my_hartid = hartid;
	csr_write(stimecmp, -1UL);   /* Sstc: STIP = (time >= stimecmp), so none for now */
	if (fdt_check_header(fdt)) {
		fail("hart %lu: FAIL bad FDT at 0x%lx", hartid, (unsigned long)(uintptr_t)fdt);
		if (boot)
			shutdown(1);
	} else {
		n = fdt_harts(fdt, ids, MAX_HARTS);
		tb = fdt_timebase(fdt);
	}
	if (boot) {
		say("testguest: hart %lu booted, %d harts in fdt", hartid, n);
		{
			int chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
			const uint8_t *seed = chosen >= 0 ? fdt_getprop(fdt, chosen, "rng-seed", &len) : NULL;

			if (seed && len >= 8)
				say("testguest: rng-seed %d bytes %02x%02x%02x%02x%02x%02x%02x%02x", len, seed[0], seed[1],
				    seed[2], seed[3], seed[4], seed[5], seed[6], seed[7]);
			else
				say("testguest: no rng-seed");
		}
		start_others(fdt, ids, n, started);
	}
	say("hart %lu: up", hartid);
	if (tb == 0) {
		fail("hart %lu: FAIL no /cpus timebase-frequency, assuming 10 MHz", hartid);
		tb = 10000000;
	}

	/* hostile.c's second DBCN flooder: vCPU 1 restarted by the boot hart's hostile_test */
	if (!boot && n > 0 && bootargs_has(fdt, "hostile") && hostile_secondary(hartid, tb)) {
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0);
		fail("hart %lu: hart_stop FAIL error %ld", hartid, r.error);
		return;
	}
	if (boot && bootargs_has(fdt, "ramclean"))
		ramclean(fdt);   /* before ram_test writes its words */
	/* virtio.c's rounds: a vCPU restarted by the boot hart's virtio_test runs only its round */
	if (!boot && n > 0 && bootargs_has(fdt, "virtio") && virtio_secondary(hartid)) {
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0);
		fail("hart %lu: hart_stop FAIL error %ld", hartid, r.error);
		return;
	}
	if (boot)
		ram_test(fdt);
	if (boot && bootargs_has(fdt, "probe"))
		isolation_probes(fdt, n);
	timer_test(tb);
	if (n > 0)
		ipi_test(fdt, ids, n < MAX_HARTS ? n : MAX_HARTS, tb);
	if (bootargs_has(fdt, "suspend")) {
		if (boot)
			suspend_test(hartid, tb);
		else
			suspend_helper(tb);
	}

	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
	say("hart %lu: done", hartid);
	if (!boot) {
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0);
		fail("hart %lu: hart_stop FAIL error %ld", hartid, r.error);
		return;
	}

	wait_stopped(ids, n, started, tb);
	if (bootargs_has(fdt, "hcallbench"))   /* the FDT header was checked above */
		hcall_bench();
	if (bootargs_has(fdt, "uartbench"))   /* the FDT header was checked above */
		uart_bench(fdt);
	if (bootargs_has(fdt, "edu") || bootargs_has(fdt, "edu-bench"))   /* FDT header checked above */
		edu_test(fdt, hartid, n, tb);
	if (bootargs_has(fdt, "virtio"))
		virtio_test(fdt, hartid, n, tb);
	if (bootargs_has(fdt, "hostile"))
		hostile_test(fdt, hartid, n, tb);
	unsigned f = __atomic_load_n(&failures, __ATOMIC_SEQ_CST);
	if (f == 0)
		say("testguest: all harts stopped, result PASS");
	else
		say("testguest: all harts stopped, result FAIL (%u failures)", f);
	if (bootargs_has(fdt, "heartbeat"))   /* the FDT header was checked above */
		heartbeat(tb);
	if (bootargs_has(fdt, "laststop")) {
		struct sbiret r;

		say("testguest: last hart stopping with hart_stop");
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0);
		fail("hart %lu: hart_stop FAIL error %ld", hartid, r.error);
	}
	shutdown(f ? 1 : 0);
}
