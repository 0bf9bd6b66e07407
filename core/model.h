/* SPDX-License-Identifier: MIT */
/*
 * The runtime's data model: physical harts (pcpu), partitions and their vCPUs.
 * Types only, no functions of their own: the run loop (run.c), partitions
 * (partition.c), the guest SBI (vsbi/) and the exit handler (exit.c) share
 * them. Each vCPU is pinned to exactly one physical hart for its whole life, so
 * the guest register frame lives in the hart's pcpu and there is no vCPU switching.
 */
#ifndef PV_MODEL_H
#define PV_MODEL_H

#include "arch/riscv/gstage.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/lock.h"
#include "core/config.h"
#include "core/console.h"
#include "core/vdev/mmio.h"
#include "core/vdev/uart.h"
#include "core/vdev/vconsole.h"
#include "core/vdev/vpci.h"
#include "core/vmsi.h"
#include "lib/mem.h"
#include "lib/ratelimit.h"
#include "types.h"

/** vCPU run states, as reported by SBI HSM hart_get_status [SBI ext-hsm]. */
enum vcpu_state {
	VCPU_STARTED = 0,
	VCPU_STOPPED = 1,
	VCPU_START_PENDING = 2,
	VCPU_STOP_PENDING = 3,      /**< hart_stop or a stop request accepted, not yet quiesced */
	VCPU_SUSPENDED = 4,         /**< in HSM hart_suspend, waiting for an interrupt */
};

/** Exit counters by cause, per partition (atomic adds from all its harts). */
enum exit_cause {
	EXIT_SBI_BASE, EXIT_SBI_TIME, EXIT_SBI_IPI, EXIT_SBI_RFENCE, EXIT_SBI_HSM, EXIT_SBI_SRST,
	EXIT_SBI_DBCN, EXIT_SBI_LEGACY, EXIT_SBI_PARTVISOR, EXIT_SBI_OTHER,
	EXIT_GUEST_PAGE_FAULT, EXIT_VIRTUAL_INSN,
	EXIT_INTERRUPT,     /**< an interrupt for HS-mode arrived while the guest ran */
	EXIT_HV_REQUEST,    /**< ... and it was another hart's request (stop, fence, HSM wake, SBI IPI) */
	EXIT_OTHER,
	EXIT_NR
};

struct partition;
struct pcpu;

/** A virtual CPU. vhartid is the guest's hart id (0..nr_vcpus-1). */
struct vcpu {
	struct partition *part;
	unsigned vhartid;
	uint32_t hartid;            /**< physical hart id it is pinned to */
	unsigned guest_file;        /**< guest interrupt file number on that hart (hstatus.VGEIN) */
	struct pcpu *pcpu;
	volatile int state;         /**< enum vcpu_state */
	gpa_t start_pc;             /**< HSM start: guest entry address */
	uint64_t start_arg;         /**< HSM start: opaque (a1) */
	struct con_stream dbcn;     /**< DBCN output: emitted a whole line at a time */
};

/** Partition run states. */
enum part_state { PART_RUNNING, PART_STOPPING, PART_STOPPED };

/** A partition: its config, memory, vCPUs, devices and counters. */
struct partition {
	const struct pv_part_config *cfg;
	unsigned index;
	uint16_t vmid;              /**< VMID in hgatp (index + 1) */
	struct gstage gs;
	uint64_t hgatp;
	hpa_t fdt_hpa;              /**< where the guest device tree was written */
	gpa_t fdt_gpa;
	uint32_t guest_ids;         /**< interrupt identities per guest interrupt file (1..guest_ids) */
	unsigned nr_vcpus;
	struct vcpu vcpus[PV_MAX_VCPUS];
	volatile int state;         /**< enum part_state */
	unsigned boots;             /**< how many times it was started */
	struct ratelimit fault_rl;  /**< guest-triggered fault reports; kept across reboots */
	struct ratelimit stop_rl;   /**< stop/reboot reports; kept across reboots */
	uint64_t exits[EXIT_NR];
	spinlock_t lock;            /**< vCPU and partition state transitions */
	struct con_client con;      /**< its console: name prefix and input queue */
	struct uart_port uart;      /**< emulated 16550 console (GUEST_UART_GPA), partvisor,console = "uart" */
	struct vconsole vcon;       /**< virtio console at 00:<nr_pci>.0, partvisor,console = "virtio" */
	struct mmio_bus mmio;       /**< emulated device windows */
	struct vpci_bus vpci;       /**< assigned PCI functions: guest 00:i.0 is vpci.funcs[i] */
	struct vmsi msi;            /**< which interrupt files each function may reach (MSI page tables) */
	spinlock_t vpci_lock;
	struct mem_job load;        /**< clearing and loading its RAM, shared by its harts (partition_load) */
	uint64_t load_time;         /**< time (ticks) when the current load began */
	bool entry_pending;         /**< vCPU 0 has not entered the guest since the last load (milestone report) */
};

/** Requests one hart posts to another through its mailbox (bit numbers). */
enum pcpu_req {
	REQ_WAKE,       /**< re-check the vCPU state (HSM start) */
	REQ_VSSIP,      /**< raise the guest's supervisor software interrupt (SBI IPI) */
	REQ_FENCE,      /**< fence.i + hfence.vvma for the current VMID, then ack */
	REQ_STOP,       /**< stop the running vCPU (partition stop or reboot) */
};

/** Per physical hart state. The arch part must stay first (trap.S). */
struct pcpu {
	struct arch_hart arch;      /**< guest frame, HS stack and tp, probe fixup */
	uint32_t hartid;
	unsigned index;             /**< index in the platform's harts[] */
	bool has_v;                 /**< the hart has the V extension (guest vector state) */
	hpa_t ipi_file;             /**< its S-level interrupt file, target of hypervisor IPIs */
	struct vcpu *vcpu;          /**< the vCPU pinned here, or NULL */
	volatile uint32_t mailbox;  /**< pending enum pcpu_req bits */
	/**
	 * Harts that published a change this hart may act on (a vCPU start, its partition's
	 * load finished) and have not yet sent the IPI that goes with it (pcpu_send_hold):
	 * the run loop enters a guest only when this is 0 and that IPI is taken, so no
	 * wake-up meant for the hypervisor interrupts the guest as an exit.
	 */
	volatile uint32_t senders;
	volatile uint32_t fence_ack;/**< REQ_FENCE completions */
	bool online;
	uint8_t tls[HV_TLS_SIZE] __attribute__((aligned(16)));
};

/** Whether @v runs guest code or may resume it without an HSM start (STARTED or SUSPENDED). */
static inline bool vcpu_is_running(const struct vcpu *v)
{
	return v->state == VCPU_STARTED || v->state == VCPU_SUSPENDED;
}

/** The pcpu whose arch part is @h. */
static inline struct pcpu *pcpu_of(struct arch_hart *h)
{
	return container_of(h, struct pcpu, arch);
}

/** The running hart's pcpu (NULL before its run loop starts). */
static inline struct pcpu *this_pcpu(void)
{
	return arch_this_hart ? pcpu_of(arch_this_hart) : NULL;
}

/**
 * Host pointer for guest range [@g, @g + @len) if it lies entirely inside
 * partition @p's RAM, else NULL (no overflow for any @g, @len).
 */
static inline void *partition_gpa_to_host(const struct partition *p, gpa_t g, uint64_t len)
{
	const struct pv_part_config *c = p->cfg;
	uint64_t off = g.v - c->mem_gpa.v;

	if (g.v < c->mem_gpa.v || off >= c->mem_size || len > c->mem_size - off)
		return NULL;
	return hpa_ptr(hpa_add(c->mem_hpa, off));
}

/** End the partial output line of @p's console device (its 16550 or its virtio console). */
static inline void partition_console_break(struct partition *p)
{
	if (p->cfg->console == PV_CONSOLE_VIRTIO)
		vconsole_break(&p->vcon);
	else
		uart_port_break(&p->uart);
}

/** Count one exit of @cause for @p. */
static inline void partition_count_exit(struct partition *p, enum exit_cause cause)
{
	__atomic_fetch_add(&p->exits[cause], 1, __ATOMIC_RELAXED);
}

#endif
