/* SPDX-License-Identifier: MIT */
/*
 * A partition's emulated 16550 console port: the vuart model (vuart.h) behind
 * an MMIO window, its output on a console stream, its input from the
 * partition's console client. Accesses are serialised by the port's lock.
 */
#ifndef PV_UART_H
#define PV_UART_H

#include "arch/riscv/lock.h"
#include "core/console.h"
#include "core/vdev/mmio.h"
#include "core/vdev/vuart.h"

/** One emulated console UART. */
struct uart_port {
	struct vuart uart;
	spinlock_t lock;
	struct con_stream out;       /**< transmitted bytes, a line at a time (one stream: it is one device) */
	struct con_client *in;       /**< where received bytes come from */
	/**
	 * The other stream of whoever writes now (the running vCPU's DBCN), or NULL:
	 * its partial line is ended before UART bytes follow, so one vCPU's bytes keep
	 * their order across its DBCN and UART output.
	 */
	struct con_stream *(*other)(void);
};

/**
 * Reset @port (model state, partial output line) for client @c and add its
 * window [@base, @base + @size) to @bus. Returns 0 or mmio_add()'s error.
 */
int uart_port_attach(struct uart_port *port, struct mmio_bus *bus, gpa_t base, uint64_t size,
		     struct con_client *c);

/** Back to the power-on state (registers, FIFO, partial output line) for a restarting partition. */
void uart_port_reset(struct uart_port *port);

/** End @port's partial output line (under its lock), so another stream's bytes come after it. */
void uart_port_break(struct uart_port *port);

#endif
