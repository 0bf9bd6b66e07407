/* SPDX-License-Identifier: MIT */
/*
 * Console: hypervisor messages and partition output through the firmware
 * console (SBI DBCN to OpenSBI), and console input with a focus that moves
 * between partitions (Ctrl-a three times). Partitions are clients of the
 * console; it knows them only by the struct con_client they register.
 *
 * Output: a client's streams (a vCPU's DBCN and UART bytes, in the order it
 * wrote them) assemble lines, prefixed "[name] " and with every byte other than
 * printable ASCII, '\n' and '\t' escaped as \xNN, so a guest can neither forge
 * another partition's or the hypervisor's lines nor drive the terminal. Lines go
 * into the client's own ring; whichever hart gets the (ticket) output lock
 * drains the rings round robin, one line per client per turn, at most
 * CON_DRAIN_BUDGET lines per turn. A writer never waits for the lock: a guest
 * that floods only fills its own ring and is told fewer bytes were written.
 */
#ifndef PV_CONSOLE_H
#define PV_CONSOLE_H

#include <stdarg.h>

#include "arch/riscv/lock.h"
#include "types.h"

/** Longest partition output line before it is cut, bytes of guest text. */
#define CON_LINE_MAX 160
/** Bytes of console input queued per client. */
#define CON_INPUT_SIZE 256
/** Bytes of formatted output lines queued per client. */
#define CON_OUT_SIZE 4096
/** Console clients (partitions) the focus cycles through. */
#define CON_MAX_CLIENTS 8
/** Lines one drain turn writes at most (bounds how long a hart holds the output lock). */
#define CON_DRAIN_BUDGET 16

/** Console input waiting for a client (filled from the physical console while it has the focus). */
struct con_input {
	char buf[CON_INPUT_SIZE];
	unsigned head, tail;        /**< ring indexes; empty when equal */
};

/** One console client: a partition's name (the line prefix), its input queue and its output ring. */
struct con_client {
	const char *name;
	struct con_input input;
	/**
	 * Called (outside the console's locks, on the hart that read the input) when bytes
	 * were queued for this client, or NULL: the client then polls with console_getc().
	 */
	void (*input_ready)(struct con_client *c, void *ctx);
	void *input_ctx;
	char out[CON_OUT_SIZE];     /**< formatted lines waiting for the firmware console */
	unsigned out_head, out_tail;/**< ring indexes; empty when equal */
	spinlock_t out_lock;        /**< the ring */
};

/** One output stream of a client (a vCPU's DBCN and UART output): a partial line. */
struct con_stream {
	struct con_client *client;
	char buf[CON_LINE_MAX];
	unsigned len;
	bool cut;                   /**< the last line was cut at CON_LINE_MAX: a '\n' right after ends nothing */
};

/** Route pr() messages to the firmware console. Call once, first thing at boot. */
void console_init(void);

/**
 * Poll the physical console for input at most once per @ticks (time CSR ticks;
 * 0, the default, polls on every console_getc).
 */
void console_set_poll_interval(uint64_t ticks);

/**
 * Add @c to the clients the input focus cycles through, in registration order;
 * the first client registered has the focus at boot. Returns 0, or -PV_ENOMEM
 * when CON_MAX_CLIENTS are registered.
 */
int console_register(struct con_client *c);

/** Forget every client (host tests). */
void console_reset(void);

/** Make @s an empty output stream of client @c. */
void console_stream_init(struct con_stream *s, struct con_client *c);

/**
 * Write up to @len bytes of output to stream @s without waiting: '\r' is
 * dropped, a line is queued with its client's prefix when it ends with '\n' or
 * reaches CON_LINE_MAX bytes. Returns how many bytes were taken (fewer than
 * @len when the client's ring is full; the caller retries later, e.g. SBI DBCN
 * reports the count to the guest).
 */
size_t console_write(struct con_stream *s, const char *buf, size_t len);

/**
 * Like console_write(), but a full ring first gets one drain turn (fair to every client),
 * so a caller with bytes to write takes at least one unless @s's client is never drained.
 * Returns how many bytes were taken. For writers that report a count (SBI DBCN write).
 */
size_t console_write_some(struct con_stream *s, const char *buf, size_t len);

/** Like console_write(), but waits (draining the rings) until every byte is taken. */
void console_write_all(struct con_stream *s, const char *buf, size_t len);

/**
 * End the partial line of @s now (queued as a line of its own), so that bytes
 * the same writer sends through another stream come after it. No-op when empty.
 */
void console_break(struct con_stream *s);

/** Queue a partial line left in @s (at stop), then write out everything queued, waiting for the lock. */
void console_flush(struct con_stream *s);

/**
 * Poll the physical console for input on behalf of client @c (at the bounded
 * rate of console_set_poll_interval): bytes go to the client that has the focus
 * (Ctrl-a three times moves it to the next client; Ctrl-a presses that did not
 * switch are passed on). Then returns the next byte queued for @c, or -1.
 */
int console_getc(struct con_client *c);

/**
 * Whether console_getc(@c) could return a byte now: bytes are queued for @c, or a
 * poll of the physical console is due. A cheap look (no lock) for guests' status
 * register reads, which are frequent: false means console_getc would return -1.
 */
bool console_input_waiting(const struct con_client *c);

/**
 * Take up to @max bytes of input queued for @c into @buf without polling the physical
 * console (for clients told by input_ready). Returns how many.
 */
size_t console_read(struct con_client *c, char *buf, size_t max);

/**
 * Poll the physical console now (its receive interrupt fired): read what it has, at
 * most CON_POLL_MAX bytes, into the focused client's queue and tell the client.
 * Returns true if CON_POLL_MAX bytes were read (more may be waiting).
 */
bool console_poll_now(void);

/** Bytes console_poll_now() reads from the physical console at most per call. */
#define CON_POLL_MAX 64

/**
 * Call @fn after every input focus switch (Ctrl-a three times), outside the console's
 * locks, e.g. to print a status report. NULL: none.
 */
void console_set_switch_hook(void (*fn)(void));

/** Drop every byte of input queued for @c (its partition restarts). */
void console_input_clear(struct con_client *c);

/** Tell the user which client has the console input and how to switch. */
void console_input_banner(void);

/** Stop this hart after printing @fmt. Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
