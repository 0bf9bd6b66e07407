/* SPDX-License-Identifier: MIT */
/*
 * Firmware runtime state: physical harts (pcpu), partitions and their vCPUs.
 * Each vCPU is pinned to exactly one physical hart for its whole life, so the
 * guest register frame lives in the hart's pcpu and there is no vCPU switching.
 */
#ifndef PV_HV_H
#define PV_HV_H

#include "config.h"
#include "gstage.h"
#include "pci.h"
#include "platform.h"
#include "types.h"
#include "vuart.h"

#define HV_STACK_SIZE KiB(16)
#define HV_TLS_SIZE   256

/** Guest general-purpose registers and the CSRs saved on every exit (layout used by trap.S). */
struct guest_regs {
	uint64_t x[32];     /**< x0..x31; x[0] is unused */
	uint64_t sepc;      /**< guest pc */
	uint64_t sstatus;   /**< HS sstatus at the trap (SPP, SPIE) */
	uint64_t hstatus;   /**< hstatus at the trap (SPV, SPVP, GVA, VGEIN) */
};

struct pcpu;

/**
 * An emulated MMIO window in a partition's guest physical space: accesses to it
 * take a guest-page fault and are decoded and forwarded to @read/@write
 * (offset in bytes from @base, width in bytes 1/2/4/8).
 */
struct mmio_region {
	gpa_t base;
	uint64_t size;     /**< bytes */
	uint64_t (*read)(void *ctx, uint64_t offset, unsigned width);
	void (*write)(void *ctx, uint64_t offset, unsigned width, uint64_t val);
	void *ctx;
};
#define PV_MAX_MMIO_REGIONS 4

/** vCPU run states, as reported by SBI HSM hart_get_status [SBI ext-hsm]. */
enum vcpu_state {
	VCPU_STARTED = 0,
	VCPU_STOPPED = 1,
	VCPU_START_PENDING = 2,
};

/** Exit counters by cause, per partition (atomic adds from all its harts). */
enum exit_cause {
	EXIT_SBI_BASE, EXIT_SBI_TIME, EXIT_SBI_IPI, EXIT_SBI_RFENCE, EXIT_SBI_HSM, EXIT_SBI_SRST,
	EXIT_SBI_DBCN, EXIT_SBI_LEGACY, EXIT_SBI_OTHER,
	EXIT_GUEST_PAGE_FAULT, EXIT_VIRTUAL_INSN,
	EXIT_INTERRUPT,     /**< an interrupt for HS-mode arrived while the guest ran */
	EXIT_HV_REQUEST,    /**< ... and it was another hart's request (stop, fence, HSM wake, SBI IPI) */
	EXIT_OTHER,
	EXIT_NR
};

struct partition;

/** A partial output line of one guest console stream (DBCN of a vCPU, or the partition's UART). */
struct con_line {
	char buf[160];
	unsigned len;
};

/** Console input waiting for a partition (filled from the physical console while it has the focus). */
#define CON_INPUT_SIZE 256
struct con_input {
	char buf[CON_INPUT_SIZE];
	unsigned head, tail;        /**< ring indexes; empty when equal */
};

/** A virtual CPU. vhartid is the guest's hart id (0..nr_vcpus-1). */
struct vcpu {
	struct partition *part;
	unsigned vhartid;
	uint32_t hartid;            /**< physical hart id it is pinned to */
	unsigned guest_file;        /**< guest interrupt file number on that hart (hstatus.VGEIN) */
	struct pcpu *pcpu;
	volatile int state;         /**< enum vcpu_state */
	uint64_t start_pc;          /**< HSM start: guest entry address (GPA) */
	uint64_t start_arg;         /**< HSM start: opaque (a1) */
	struct con_line dbcn;       /**< DBCN output: emitted a whole line at a time */
};

/** Partition run states. */
enum part_state { PART_RUNNING, PART_STOPPING, PART_STOPPED };

/** A partition: its config, memory, vCPUs and counters. */
struct partition {
	const struct pv_part_config *cfg;
	unsigned index;
	uint16_t vmid;              /**< VMID in hgatp (index + 1) */
	struct gstage gs;
	uint64_t hgatp;
	hpa_t fdt_hpa;              /**< where the guest device tree was written */
	gpa_t fdt_gpa;
	unsigned nr_vcpus;
	struct vcpu vcpus[PV_MAX_VCPUS];
	volatile int state;         /**< enum part_state */
	unsigned boots;             /**< how many times it was started */
	unsigned fault_reports;     /**< unhandled guest faults reported this boot (rate limit) */
	uint64_t exits[EXIT_NR];
	volatile uint32_t lock;
	struct vuart uart;          /**< emulated 16550 console (GUEST_UART_GPA) */
	volatile uint32_t uart_lock;
	struct con_line uart_line;
	struct con_input input;     /**< console input queue (guarded by the console input lock) */
	unsigned nr_mmio;
	struct mmio_region mmio[PV_MAX_MMIO_REGIONS]; /**< emulated device windows */
	unsigned nr_vpci;           /**< assigned PCI functions: guest 00:i.0 is vpci[i] */
	struct pci_vfunc vpci[PV_MAX_PCI];
	volatile uint32_t vpci_lock;
};

/** Requests one hart posts to another through its mailbox (bit numbers). */
enum pcpu_req {
	REQ_WAKE,       /**< re-check the vCPU state (HSM start) */
	REQ_VSSIP,      /**< raise the guest's supervisor software interrupt (SBI IPI) */
	REQ_FENCE,      /**< fence.i + hfence.vvma for the current VMID, then ack */
	REQ_STOP,       /**< stop the running vCPU (partition stop or reboot) */
};

/** Per physical hart state. guest_regs must stay first (trap.S). */
struct pcpu {
	struct guest_regs regs;     /**< saved guest registers while in HS */
	uint64_t stack_top;         /**< HS stack (offset used by trap.S) */
	uint64_t tp;                /**< HS thread pointer (picolibc TLS) */
	uint32_t hartid;
	unsigned index;             /**< index in platform.harts[] */
	struct vcpu *vcpu;          /**< the vCPU pinned here, or NULL */
	volatile uint32_t mailbox;  /**< pending enum pcpu_req bits */
	volatile uint32_t fence_ack;/**< REQ_FENCE completions */
	uint64_t fixup;             /**< if non-zero, an HS trap resumes here (guest memory probes) */
	bool online;
	uint8_t tls[HV_TLS_SIZE] __attribute__((aligned(16)));
};




/* ---- globals (core/main.c) ---- */
extern struct pv_platform hv_plat;
extern struct pv_config hv_cfg;
extern struct pcpu hv_pcpus[PV_MAX_HARTS];
extern struct partition hv_parts[PV_MAX_PARTITIONS];
extern unsigned hv_nr_parts;
extern const struct pv_image *hv_images;
extern unsigned hv_nr_images;
extern void *hv_host_fdt;

/** Physical hart id of the running hart (per-hart TLS, valid from early_init on). */
extern __thread uint32_t hv_hartid;
/** The running hart's pcpu (per-hart TLS; NULL on the boot hart until its pcpu is set up). */
extern __thread struct pcpu *hv_pcpu;

/* ---- console (core/console.c) ---- */
/** printf to the hypervisor console, whole lines atomic across harts. */
void pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Write @len bytes of output of partition @p's stream @l, each line prefixed with the partition name. */
void console_guest_write(struct partition *p, struct con_line *l, const char *buf, size_t len);
/** Emit a partial line left in @l (at stop). */
void console_guest_flush(struct partition *p, struct con_line *l);
/**
 * Poll the physical console for input on behalf of partition @p: bytes go to the
 * partition that has the input focus (Ctrl-a three times moves the focus to the
 * next partition). Then returns the next byte queued for @p, or -1.
 */
int console_getc(struct partition *p);
/** Tell the user which partition has the console input and how to switch. */
void console_input_banner(void);

/* ---- MMIO emulation (core/emul.c) ---- */
/** Register an emulated window for partition @p. Returns 0 or -PV_ENOMEM when the table is full. */
int partition_add_mmio(struct partition *p, const struct mmio_region *r);
/**
 * Emulate the load/store that faulted at guest physical address @g on @pc, if an
 * emulated window covers it: decode (htinst, else the instruction read with HLVX),
 * perform, write back rd, advance sepc. Returns true if handled.
 */
bool mmio_emulate(struct pcpu *pc, uint64_t g);
/** Give partition @p its emulated 16550 console at GUEST_UART_GPA. Returns 0 or a negative PV_E* code. */
int partition_add_uart(struct partition *p);
/** Stop this hart after printing @why and the trap CSRs. Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- early boot (arch/riscv/setup.c) ---- */
/** Copy the TLS template (.tdata, zeroed .tbss) into @block of HV_TLS_SIZE bytes, to be used as a hart's tp. */
void tls_init_block(uint8_t *block);
/** Stack-protector failure hook: panics this hart. */
void __stack_chk_fail(void) __attribute__((noreturn));

/* ---- locks ---- */
/** Spin until the lock word is ours (amoswap.w.aq). */
void spin_lock(volatile uint32_t *l);
/** Release a lock taken with spin_lock (amoswap.w.rl). */
void spin_unlock(volatile uint32_t *l);

/* ---- firmware-side SBI calls into OpenSBI (arch/riscv/sbi_call.c) ---- */
struct sbiret { long error; long value; };
/** Raw SBI call [SBI binary-encoding.adoc]. */
struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
/** HSM hart_start of physical hart @hartid at @addr with a1 = @opaque. Returns the SBI error. */
long sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque);
/** SRST system_reset(shutdown, @failure ? system failure : none). Does not return on success. */
void sbi_shutdown(bool failure) __attribute__((noreturn));
/** Whether the firmware implements the SBI Debug Console extension (DBCN) [SBI ext-debug-console]. */
bool sbi_has_dbcn(void);
/** Write @len bytes at physical address @buf to the firmware console (DBCN, legacy putchar fallback). */
void sbi_console_write(const char *buf, size_t len);

/* ---- pcpu / vcpu (core/vcpu.c) ---- */
/** Per-hart CSR setup: trap vector, delegation, counters, envcfg, stateen, IMSIC S-file. */
void pcpu_init_csrs(struct pcpu *pc);
/** The per-hart scheduler: run the pinned vCPU when started, otherwise wait for requests. Never returns. */
void pcpu_run(struct pcpu *pc) __attribute__((noreturn));
/** Post request @req to @target and send it an IPI through its S-level IMSIC file. */
void pcpu_send(struct pcpu *target, enum pcpu_req req);
/** Handle pending mailbox requests of the current hart; returns true if its vCPU must stop running. */
bool pcpu_handle_mailbox(struct pcpu *pc);
/** Reset @v's registers to enter the guest at @pc with a0 = vhartid, a1 = @arg. */
void vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t arg);
/**
 * Stop the vCPU running on @pc where it is (hart_stop, partition stop): flush its console
 * line, clear its timer and pending VS interrupts, mark it STOPPED and go back to the run
 * loop. Never returns; the guest frame is abandoned.
 */
void vcpu_stop_here(struct pcpu *pc) __attribute__((noreturn));
/** Inject exception @cause with @tval into the guest running on @pc (VS-mode trap) [Priv ISA "Hypervisor"]. */
void vcpu_inject_exception(struct pcpu *pc, uint64_t cause, uint64_t tval);

/* ---- partitions (core/partition.c) ---- */
/** Build G-stage, load images and device tree, prepare vCPUs. Returns 0 or a negative PV_E* code. */
int partition_setup(struct partition *p, unsigned index, const struct pv_part_config *cfg);
/** (Re)load images and guest device tree, reset vCPUs; vCPU 0 becomes START_PENDING. */
int partition_load(struct partition *p);
/** Stop partition @p from its vCPU @caller (SRST). If @reboot, restart it afterwards. Does not return to the guest. */
void partition_stop(struct partition *p, struct vcpu *caller, bool reboot) __attribute__((noreturn));
/** Count one exit of @cause for @p. */
void partition_count_exit(struct partition *p, enum exit_cause cause);
/** Translate guest range [@g, @g+@len) inside the partition's RAM to a host pointer, or NULL. */
void *partition_gpa_to_host(struct partition *p, uint64_t g, uint64_t len);

/* ---- PCI passthrough (core/passthrough.c) ---- */
/**
 * Enumerate the host PCIe bridge, bring up the IOMMU, check every partition's
 * partvisor,pci-devices and give each partition its functions (BARs in its
 * G-stage, device contexts, virtual ECAM). Call after partition_setup() and
 * before partition_load(). Returns 0 or a negative PV_E* code with @diag set.
 */
int passthrough_init(struct pv_diag *diag);
/** Before (re)starting @p: reset its functions on a reboot (FLR if supported); Memory Space on, Bus Master off (the guest driver sets it). */
void passthrough_partition_start(struct partition *p);
/** After @p stopped: turn off Bus Master and Memory Space of its functions (no DMA, no MSIs). */
void passthrough_partition_stop(struct partition *p);
/**
 * The guest physical MSI address for identity @id (1..num-ids) of vCPU @vcpu of @p
 * (its virtual interrupt file page). Returns 0 or -PV_EINVAL.
 */
int passthrough_msi_address(struct partition *p, unsigned vcpu, uint32_t id, gpa_t *addr);

/* ---- guest SBI (core/sbi.c) ---- */
/** Handle an ecall from VS-mode on @pc: dispatch on a7/a6, set a0/a1, advance sepc. Returns false if the vCPU stopped. */
bool sbi_handle_guest(struct pcpu *pc);

/* ---- trap entry (arch/riscv/trap.S) ---- */
void trap_entry(void);
/** Restore the guest frame of @pc and sret into it. Never returns. */
void guest_enter(struct pcpu *pc) __attribute__((noreturn));

#endif
