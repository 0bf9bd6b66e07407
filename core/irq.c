/* SPDX-License-Identifier: MIT */
/* Hypervisor interrupt identities on the IMSIC: registration and dispatch. See irq.h. */
#include "arch/riscv/hart.h"
#include "core/irq.h"
#include "drivers/imsic/imsic.h"

static struct {
	irq_handler_fn fn;
	void *ctx;
} handlers[IRQ_ID_MAX + 1];

int irq_register(uint32_t id, irq_handler_fn fn, void *ctx)
{
	if (id <= IRQ_ID_IPI || id > IRQ_ID_MAX || !fn)
		return -PV_EINVAL;
	if (handlers[id].fn)
		return -PV_EEXIST;
	handlers[id].fn = fn;
	handlers[id].ctx = ctx;
	return 0;
}

/* Per hart: identities paused (bit per identity) and until when; time ticks per ms. */
static __thread uint64_t paused, pause_until, tick_ms;

void irq_hart_init(uint64_t ticks_per_ms)
{
	tick_ms = ticks_per_ms;
	paused = 0;
	arch_hv_timer_set(-1ULL);
	imsic_hv_init();
	imsic_hv_enable(IRQ_ID_IPI);
	for (uint32_t id = IRQ_ID_IPI + 1; id <= IRQ_ID_MAX; id++)
		if (handlers[id].fn)
			imsic_hv_enable(id);
}

bool irq_dispatch(void)
{
	uint64_t seen = 0;
	bool ipi = false;

	if (paused && arch_time() >= pause_until) {
		/* The pause is over: enable them again; a still-pending one is taken right away. */
		for (uint32_t id = 0; id <= IRQ_ID_MAX; id++)
			if (paused & (1ULL << id))
				imsic_hv_enable(id);
		paused = 0;
		arch_hv_timer_set(-1ULL);
	}
	for (unsigned n = 0, id; n <= IRQ_ID_MAX && (id = imsic_hv_claim()) != 0; n++) {
		bool again;

		if (id > IRQ_ID_MAX)
			continue;  /* nothing of ours */
		if (id == IRQ_ID_IPI) {
			ipi = true;  /* the mailbox is read after this, whatever came in */
			continue;
		}
		if (!handlers[id].fn)
			continue;
		/* Raised again while we handled it: a device that keeps interrupting. Pause it. */
		again = seen & (1ULL << id);
		seen |= 1ULL << id;
		if (again || handlers[id].fn(handlers[id].ctx)) {
			if (again)
				imsic_hv_set_pending(id);  /* the claim took it: keep it for after the pause */
			imsic_hv_disable(id);
			paused |= 1ULL << id;
			pause_until = arch_time() + IRQ_PAUSE_MS * tick_ms;
			arch_hv_timer_set(pause_until);
		}
	}
	return ipi;
}

void irq_wait_bounded(uint64_t ticks)
{
	uint64_t until = arch_time() + ticks;

	arch_hv_timer_set(paused && pause_until < until ? pause_until : until);
	arch_wait_for_interrupt();
	arch_hv_timer_set(paused ? pause_until : -1ULL);
}

void irq_send_ipi(hpa_t file)
{
	imsic_send(file, IRQ_ID_IPI);
}

void irq_guest_file_reset(unsigned guest_file, uint32_t num_ids)
{
	imsic_guest_file_reset(guest_file, num_ids);
}
