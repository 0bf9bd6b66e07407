/* SPDX-License-Identifier: MIT */
/* MMIO window registry and dispatch of decoded guest accesses. See mmio.h. */
#include "core/vdev/mmio.h"
#include "core/vdev/mmio_decode.h"

int mmio_add(struct mmio_bus *bus, const struct mmio_region *r)
{
	if (bus->nr == MMIO_MAX_REGIONS)
		return -PV_ENOMEM;
	if (!r->size)
		return -PV_EINVAL;
	for (unsigned i = 0; i < bus->nr; i++) {
		const struct mmio_region *o = &bus->regions[i];

		/* Overlap without overflow: one window's base lies inside the other. */
		if (gpa_in(r->base, o->base, o->size) || gpa_in(o->base, r->base, r->size))
			return -PV_EEXIST;
	}
	bus->regions[bus->nr++] = *r;
	return 0;
}

const struct mmio_region *mmio_find(const struct mmio_bus *bus, gpa_t g)
{
	for (unsigned i = 0; i < bus->nr; i++)
		if (gpa_in(g, bus->regions[i].base, bus->regions[i].size))
			return &bus->regions[i];
	return NULL;
}

/*
 * Perform decoded access @a of the guest at @g in window @m, if it matches the
 * fault (@write) and stays inside the window: the device access, rd, sepc.
 */
static inline bool perform(const struct mmio_region *m, struct guest_regs *r, gpa_t g, const struct mmio_access *a,
			   bool write)
{
	uint64_t off;

	if (a->write != write)
		return false;
	off = gpa_diff(g, m->base);
	if (off + a->width > m->size)
		return false;
	if (a->write) {
		m->write(m->ctx, off, a->width, a->reg ? r->x[a->reg] : 0);
	} else {
		uint64_t v = mmio_load_extend(m->read(m->ctx, off, a->width), a);

		if (a->reg)
			r->x[a->reg] = v;
	}
	r->sepc += a->insn_len;
	return true;
}

/* No htinst: decode the instruction at sepc, read with HLVX (out of line: the probe needs a stack). */
static __attribute__((noinline)) bool emulate_insn(const struct mmio_region *m, struct guest_regs *r, gpa_t g,
						   bool write)
{
	struct mmio_access a;
	uint16_t lo, hi = 0;

	if (arch_guest_read_u16(r->sepc, &lo) < 0 ||
	    ((lo & 3) == 3 && arch_guest_read_u16(r->sepc + 2, &hi) < 0))
		return false;
	if (mmio_decode_insn((uint32_t)lo | (uint32_t)hi << 16, &a) < 0)
		return false;
	return perform(m, r, g, &a, write);
}

bool mmio_emulate(const struct mmio_bus *bus, struct guest_regs *r, gpa_t g, uint64_t htinst, bool write)
{
	const struct mmio_region *m = mmio_find(bus, g);
	struct mmio_access a;

	if (!m)
		return false;
	if (htinst == 0)
		return emulate_insn(m, r, g, write);
	if (mmio_decode_htinst(htinst, &a) < 0)
		return false;
	return perform(m, r, g, &a, write);
}
