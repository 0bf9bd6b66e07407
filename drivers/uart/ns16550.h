/* SPDX-License-Identifier: MIT */
/*
 * The physical console's 16550 [TI PC16550D datasheet, "Registers"]: the firmware
 * (OpenSBI) transmits and receives through it; the hypervisor only enables the
 * receive-data-available interrupt so it learns about typed input without polling.
 */
#ifndef PV_NS16550_H
#define PV_NS16550_H

#include "types.h"

/**
 * Set IER = ERBFI (received data available interrupt on, every other source off) on
 * the 16550 at @base whose registers are @reg_shift apart (DT reg-shift) and
 * @io_width bytes wide (DT reg-io-width: 1 or 4). Returns 0, -PV_EINVAL otherwise.
 */
int ns16550_rx_irq_enable(hpa_t base, uint32_t reg_shift, uint32_t io_width);

#endif
