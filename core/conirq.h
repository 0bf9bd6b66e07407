/* SPDX-License-Identifier: MIT */
/*
 * The physical console's receive interrupt: the stdout 16550's wired interrupt,
 * routed by the S-level APLIC as an MSI (identity IRQ_ID_CONSOLE) into one hart's
 * S-level interrupt file. Its handler reads the typed bytes (console_poll_now), which
 * go to the focused partition's console client; a virtio console gets them at once.
 * So console input needs no polling timer and an idle partition no exit.
 */
#ifndef PV_CONIRQ_H
#define PV_CONIRQ_H

#include "core/platform.h"

/**
 * Route the console's receive interrupt of @plat to the hart of platform index
 * @hart_index (one that runs no guest if there is one: then typing costs no guest
 * an exit). Before the harts start. Returns 0, or -PV_ENOENT when the platform has no
 * usable console interrupt (input is then only seen when a guest polls its UART or
 * DBCN), or the APLIC's error.
 */
int conirq_init(const struct pv_platform *plat, unsigned hart_index);

#endif
