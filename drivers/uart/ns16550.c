/* SPDX-License-Identifier: MIT */
/* Physical console 16550: receive interrupt enable. See ns16550.h. */
#include "drivers/uart/ns16550.h"

#define UART_IER       1        /* interrupt enable register index */
#define UART_IER_ERBFI 0x01

int ns16550_rx_irq_enable(hpa_t base, uint32_t reg_shift, uint32_t io_width)
{
	uint64_t a = base.v + ((uint64_t)UART_IER << reg_shift);

	if (reg_shift > 4)
		return -PV_EINVAL;
	__asm__ volatile("fence w, o" ::: "memory");
	if (io_width == 1)
		*(volatile uint8_t *)(uintptr_t)a = UART_IER_ERBFI;
	else if (io_width == 4)
		*(volatile uint32_t *)(uintptr_t)a = UART_IER_ERBFI;
	else
		return -PV_EINVAL;
	return 0;
}
