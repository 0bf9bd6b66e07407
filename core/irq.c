/* SPDX-License-Identifier: MIT */
/* Hypervisor interrupt identities on the IMSIC: registration and dispatch. See irq.h. */
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

void irq_hart_init(void)
{
	imsic_hv_init();
	imsic_hv_enable(IRQ_ID_IPI);
	for (uint32_t id = IRQ_ID_IPI + 1; id <= IRQ_ID_MAX; id++)
		if (handlers[id].fn)
			imsic_hv_enable(id);
}

bool irq_dispatch(void)
{
	bool ipi = false;

	for (uint32_t id; (id = imsic_hv_claim()) != 0;) {
		if (id == IRQ_ID_IPI)
			ipi = true;
		else if (id <= IRQ_ID_MAX && handlers[id].fn)
			handlers[id].fn(handlers[id].ctx);
	}
	return ipi;
}

void irq_send_ipi(hpa_t file)
{
	imsic_send(file, IRQ_ID_IPI);
}

void irq_guest_file_reset(unsigned guest_file, uint32_t num_ids)
{
	imsic_guest_file_reset(guest_file, num_ids);
}
