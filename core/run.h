/* SPDX-License-Identifier: MIT */
/*
 * The per-hart run loop and mailbox, the bottom of the runtime: a hart runs
 * its pinned vCPU when it is started and otherwise waits; other harts post
 * requests (enum pcpu_req) into its mailbox and signal it with a hypervisor IPI.
 */
#ifndef PV_RUN_H
#define PV_RUN_H

#include "core/model.h"

/** Every physical hart's state, indexed like the platform's harts[]. */
extern struct pcpu hv_pcpus[PV_MAX_HARTS];

/** The per-hart scheduler: run the pinned vCPU when started, otherwise wait for requests. Never returns. */
void pcpu_run(struct pcpu *pc) __attribute__((noreturn));

/** Post request @req to @target and send it a hypervisor IPI. */
void pcpu_send(struct pcpu *target, enum pcpu_req req);

/**
 * Announce a request to @target before publishing what it is about (a vCPU state,
 * a finished load): @target does not enter a guest until the matching
 * pcpu_send_release (or pcpu_send_drop) has sent its IPI, which it then takes in
 * the hypervisor instead of as an exit from the guest.
 */
void pcpu_send_hold(struct pcpu *target);

/** Post @req to @target, send the IPI and end a pcpu_send_hold. */
void pcpu_send_release(struct pcpu *target, enum pcpu_req req);

/** End a pcpu_send_hold without a request (nothing was published). */
void pcpu_send_drop(struct pcpu *target);

/**
 * Handle this hart's pending interrupts (registered handlers) and mailbox
 * requests. Returns true if its vCPU must stop running (REQ_STOP).
 */
bool pcpu_handle_mailbox(struct pcpu *pc);

/**
 * Stop the vCPU running on @pc where it is (hart_stop, partition stop): flush
 * its console line, quiesce its CSR state, mark it STOPPED and go back to the
 * run loop. Never returns; the guest frame is abandoned.
 */
void vcpu_stop_here(struct pcpu *pc) __attribute__((noreturn));

/**
 * HSM hart_suspend of the vCPU on @pc [SBI ext-hsm]: it is SUSPENDED (as other
 * vCPUs see with hart_get_status) until an interrupt it has enabled is pending
 * (timer, software interrupt, its guest interrupt file) while mailbox requests
 * are served. A retentive suspend then resumes after the ecall; a non-retentive
 * one at @resume_addr with a0 = its hart id, a1 = @opaque, vsatp = 0 and
 * interrupts off. Returns false if the vCPU must stop instead (stop request).
 */
bool vcpu_suspend(struct pcpu *pc, bool non_retentive, gpa_t resume_addr, uint64_t opaque);

#endif
