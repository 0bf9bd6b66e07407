/* SPDX-License-Identifier: MIT */
/* The physical console's receive interrupt. See conirq.h. */
#include "core/conirq.h"
#include "core/console.h"
#include "core/irq.h"
#include "drivers/aplic/aplic.h"
#include "drivers/uart/ns16550.h"

/* IRQ_ID_CONSOLE: read what was typed. More left (a burst of CON_POLL_MAX bytes): paused and taken again. */
static bool conirq_handle(void *ctx)
{
	(void)ctx;
	return console_poll_now();
}

int conirq_init(const struct pv_platform *plat, unsigned hart_index)
{
	int ret;

	if (!plat->con_irq.present || hart_index >= plat->nr_harts)
		return -PV_ENOENT;
	if ((ret = irq_register(IRQ_ID_CONSOLE, conirq_handle, NULL)) < 0)
		return ret;
	ret = aplic_route_msi(plat->con_irq.aplic, plat->con_irq.aplic_size, plat->con_irq.source,
			      plat->con_irq.level ? APLIC_SM_LEVEL_HIGH : APLIC_SM_EDGE_RISE,
			      (uint32_t)plat->harts[hart_index].imsic_index, IRQ_ID_CONSOLE);
	if (ret < 0)
		return ret;
	return ns16550_rx_irq_enable(plat->con_irq.uart, plat->con_irq.reg_shift, plat->con_irq.io_width);
}
