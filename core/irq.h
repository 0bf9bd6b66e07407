/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own interrupts: identities in each hart's S-level IMSIC
 * file [AIA IMSIC.adoc]. Identity IRQ_ID_IPI carries hart-to-hart requests;
 * drivers' interrupts are registered here by the code that brings them up, so
 * the run loop calls irq_dispatch() and names no driver.
 */
#ifndef PV_IRQ_H
#define PV_IRQ_H

#include "types.h"

/** Identity of hypervisor IPIs (mailbox requests) in every hart's S-level file. */
#define IRQ_ID_IPI   1
/** Identity of the IOMMU fault-queue interrupt. */
#define IRQ_ID_IOMMU 2
/** Identity of the physical console's receive interrupt (core/conirq.c). */
#define IRQ_ID_CONSOLE 3
/** Highest identity a handler can be registered for. */
#define IRQ_ID_MAX   63

/**
 * A registered interrupt handler. Returns true if work is left: the identity is
 * then disabled on this hart for IRQ_PAUSE_MS and taken again after that, so a
 * device that keeps interrupting cannot keep a hart in HS-mode.
 */
typedef bool (*irq_handler_fn)(void *ctx);

/** How long an identity whose handler left work is paused, milliseconds. */
#define IRQ_PAUSE_MS 1

/**
 * Call @fn(@ctx) whenever identity @id (2..IRQ_ID_MAX) is claimed on any hart.
 * Register before the harts start (irq_hart_init enables what is registered).
 * Returns 0, -PV_EINVAL for a bad identity, -PV_EEXIST if it is taken.
 */
int irq_register(uint32_t id, irq_handler_fn fn, void *ctx);

/**
 * This hart: turn on its S-level interrupt file with IRQ_ID_IPI and every
 * registered identity enabled. @ticks_per_ms: time CSR ticks per millisecond
 * (for IRQ_PAUSE_MS).
 */
void irq_hart_init(uint64_t ticks_per_ms);

/**
 * Claim and handle the pending identities of this hart's S-level file, each
 * at most once per call, and re-enable paused identities whose pause is over.
 * Returns true if a hypervisor IPI was among them (the caller reads its mailbox).
 */
bool irq_dispatch(void);

/**
 * Sleep in wfi until an interrupt or at most @ticks (time CSR ticks) have passed, with
 * the hypervisor timer (a pause deadline due earlier stays in force). For a wait whose
 * wake-up IPI an emulator running one hart at a time would deliver late.
 */
void irq_wait_bounded(uint64_t ticks);

/** Raise IRQ_ID_IPI in the S-level interrupt file at @file (another hart's). */
void irq_send_ipi(hpa_t file);

/** Reset guest interrupt file @guest_file of this hart (identities 1..@num_ids) before a vCPU starts on it. */
void irq_guest_file_reset(unsigned guest_file, uint32_t num_ids);

#endif
