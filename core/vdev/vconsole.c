/* SPDX-License-Identifier: MIT */
/* The virtio console glue: vcon model <-> ECAM, BAR window, console. See vconsole.h. */
#include <string.h>

#include "core/vdev/vconsole.h"

static void *op_g2h(void *ctx, gpa_t g, uint64_t len)
{
	struct vconsole *c = ctx;

	return c->owner.gpa_to_host(c->owner.ctx, g, len);
}

static void op_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct vconsole *c = ctx;

	c->owner.msi(c->owner.ctx, addr, data);
}

static void op_tx(void *ctx, const char *buf, size_t len)
{
	struct vconsole *c = ctx;
	struct con_stream *other = c->owner.other ? c->owner.other() : NULL;

	if (other)
		console_break(other);
	/* Waits (draining every client's ring, round robin) while this partition's ring is full. */
	console_write_all(&c->out, buf, len);
}

static size_t op_rx(void *ctx, char *buf, size_t max)
{
	struct vconsole *c = ctx;

	return console_read(c->in, buf, max);
}

/* Let go of the device; first deliver input that arrived meanwhile (see vconsole.h), then report a new fault. */
static void unlock(struct vconsole *c)
{
	enum vcon_fault why = VCON_OK;

	for (;;) {
		if (c->dev.faults != c->faults_seen) {
			c->faults_seen = c->dev.faults;
			why = c->dev.broken;
		}
		spin_unlock(&c->lock);
		if (!__atomic_load_n(&c->kick, __ATOMIC_SEQ_CST) || !spin_trylock(&c->lock))
			break;
		__atomic_store_n(&c->kick, 0, __ATOMIC_SEQ_CST);
		vcon_rx_kick(&c->dev);
	}
	if (why && c->owner.fault)
		c->owner.fault(c->owner.ctx, why);
}

static uint32_t cfg_read(void *ctx, unsigned off, unsigned width)
{
	struct vconsole *c = ctx;
	uint32_t v;

	spin_lock(&c->lock);
	v = vcon_cfg_read(&c->dev, off, width);
	unlock(c);
	return v;
}

static void cfg_write(void *ctx, unsigned off, unsigned width, uint32_t val)
{
	struct vconsole *c = ctx;

	spin_lock(&c->lock);
	vcon_cfg_write(&c->dev, off, width, val);
	unlock(c);
}

static uint64_t bar_read(void *ctx, uint64_t off, unsigned width)
{
	struct vconsole *c = ctx;
	uint64_t v;

	spin_lock(&c->lock);
	v = vcon_bar_read(&c->dev, off, width);
	unlock(c);
	return v;
}

static void bar_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vconsole *c = ctx;

	spin_lock(&c->lock);
	vcon_bar_write(&c->dev, off, width, val);
	unlock(c);
}

static void input_ready(struct con_client *cl, void *ctx)
{
	(void)cl;
	vconsole_input(ctx);
}

void vconsole_input(struct vconsole *c)
{
	__atomic_store_n(&c->kick, 1, __ATOMIC_SEQ_CST);
	if (!spin_trylock(&c->lock))
		return;   /* the holder delivers it in unlock() */
	__atomic_store_n(&c->kick, 0, __ATOMIC_SEQ_CST);
	vcon_rx_kick(&c->dev);
	unlock(c);
}

int vconsole_attach(struct vconsole *c, struct mmio_bus *bus, struct vpci_bus *pci, unsigned slot, gpa_t bar,
		    struct con_client *in, const struct vconsole_owner *owner)
{
	struct mmio_region r = { .base = bar, .size = VCON_BAR_SIZE, .read = bar_read, .write = bar_write, .ctx = c };

	if (slot >= 32 || slot < pci->nr || pci->emul.read || !IS_ALIGNED(bar.v, VCON_BAR_SIZE))
		return -PV_EINVAL;
	memset(c, 0, sizeof(*c));
	c->owner = *owner;
	c->in = in;
	c->ops = (struct vcon_ops){ op_g2h, op_msi, op_tx, op_rx, c };
	console_stream_init(&c->out, in);
	vcon_init(&c->dev, &c->ops, bar);
	pci->emul = (struct vpci_emul){ .slot = slot, .read = cfg_read, .write = cfg_write, .ctx = c };
	in->input_ready = input_ready;
	in->input_ctx = c;
	return mmio_add(bus, &r);
}

void vconsole_reset(struct vconsole *c)
{
	spin_lock(&c->lock);
	vcon_init(&c->dev, &c->ops, c->dev.bar_gpa);
	c->faults_seen = 0;
	console_stream_init(&c->out, c->in);
	unlock(c);   /* delivers input that arrived meanwhile */
}

void vconsole_break(struct vconsole *c)
{
	if (!c->out.len)
		return;
	spin_lock(&c->lock);
	console_break(&c->out);
	unlock(c);   /* delivers input that arrived meanwhile */
}

void vconsole_flush(struct vconsole *c)
{
	spin_lock(&c->lock);
	console_flush(&c->out);
	unlock(c);   /* delivers input that arrived meanwhile */
}
