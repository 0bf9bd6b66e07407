/* SPDX-License-Identifier: MIT */
/*
 * Trap-and-emulate of guest MMIO windows [Priv ISA "Hypervisor", guest-page faults,
 * htinst]. The window is left unmapped in the G-stage; a load or store there takes
 * a guest-page fault, which is decoded from htinst (or, when the hardware leaves
 * htinst 0, from the instruction itself read with HLVX.HU) and handed to the window's
 * handler. Users: the console UART (below), the virtual PCI host bridge later.
 */
#include "csr.h"
#include "guest_layout.h"
#include "hv.h"
#include "mmio.h"

int partition_add_mmio(struct partition *p, const struct mmio_region *r)
{
	if (p->nr_mmio == PV_MAX_MMIO_REGIONS)
		return -PV_ENOMEM;
	p->mmio[p->nr_mmio++] = *r;
	return 0;
}

/*
 * Read 16 bits of guest memory at guest virtual address @gva with the guest's own
 * translation and execute permission (HLVX.HU). A fault while doing so (the guest
 * changed its page table meanwhile) resumes at the fixup label instead of
 * panicking. Returns 0 or -PV_EINVAL.
 */
static int guest_read_u16(uint64_t gva, uint16_t *out)
{
	uint64_t val = 0, err, fix;

	__asm__ volatile(
		"lla	%[fix], 1f\n"
		"sd	%[fix], %[slot]\n"
		".option push\n.option arch,+h\n"
		"hlvx.hu %[val], (%[a])\n"
		".option pop\n"
		"li	%[err], 0\n"
		"j	2f\n"
		"1:	li	%[err], 1\n"
		"2:	sd	zero, %[slot]\n"
		: [val] "+&r"(val), [err] "=&r"(err), [fix] "=&r"(fix), [slot] "=m"(hv_pcpu->fixup)
		: [a] "r"(gva)
		: "memory");
	*out = (uint16_t)val;
	return err ? -PV_EINVAL : 0;
}

bool mmio_emulate(struct pcpu *pc, uint64_t g)
{
	struct partition *p = pc->vcpu->part;
	struct guest_regs *r = &pc->regs;
	struct mmio_access a;
	struct mmio_region *m = NULL;
	uint64_t htinst = csr_read(htinst);
	int ret;

	for (unsigned i = 0; i < p->nr_mmio; i++)
		if (g >= p->mmio[i].base.v && g - p->mmio[i].base.v < p->mmio[i].size)
			m = &p->mmio[i];
	if (!m)
		return false;

	ret = mmio_decode_htinst(htinst, &a);
	if (ret == -PV_ENOENT) {
		uint16_t lo, hi = 0;

		if (guest_read_u16(r->sepc, &lo) < 0 || ((lo & 3) == 3 && guest_read_u16(r->sepc + 2, &hi) < 0))
			return false;
		ret = mmio_decode_insn((uint32_t)lo | (uint32_t)hi << 16, &a);
	}
	if (ret < 0)
		return false;
	if (g - m->base.v + a.width > m->size)
		return false;

	if (a.write) {
		uint64_t v = a.reg ? r->x[a.reg] : 0;

		m->write(m->ctx, g - m->base.v, a.width, v);
	} else {
		uint64_t v = mmio_load_extend(m->read(m->ctx, g - m->base.v, a.width), &a);

		if (a.reg)
			r->x[a.reg] = v;
	}
	r->sepc += a.insn_len;
	return true;
}

/* ---- console UART glue ---- */

static void uart_out(void *ctx, char c)
{
	struct partition *p = ctx;

	console_guest_write(p, &p->uart_line, &c, 1);
}

static void uart_poll(void *ctx)
{
	struct partition *p = ctx;
	int c;

	while ((c = console_getc(p)) >= 0)
		if (!vuart_push_input(&p->uart, (char)c))
			break;
}

static uint64_t uart_read(void *ctx, uint64_t off, unsigned width)
{
	struct partition *p = ctx;
	uint64_t v;

	spin_lock(&p->uart_lock);
	v = vuart_read(&p->uart, off, width);
	spin_unlock(&p->uart_lock);
	return v;
}

static void uart_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct partition *p = ctx;

	spin_lock(&p->uart_lock);
	vuart_write(&p->uart, off, width, val);
	spin_unlock(&p->uart_lock);
}

int partition_add_uart(struct partition *p)
{
	struct mmio_region r = {
		.base = gpa(GUEST_UART_GPA), .size = GUEST_UART_SIZE,
		.read = uart_read, .write = uart_write, .ctx = p,
	};

	vuart_init(&p->uart, uart_out, uart_poll, p);
	return partition_add_mmio(p, &r);
}
