/* SPDX-License-Identifier: MIT */
/* The console UART glue: vuart model <-> MMIO window and console. See uart.h. */
#include <string.h>

#include "core/vdev/uart.h"

static void uart_out(void *ctx, char c)
{
	struct uart_port *p = ctx;
	struct con_stream *other = p->other ? p->other() : NULL;

	if (other)
		console_break(other);
	console_write_all(&p->out, &c, 1);
}

static void uart_poll(void *ctx)
{
	struct uart_port *p = ctx;
	int c;

	/* Take input only while the receive FIFO has room, so no byte is dropped here. */
	if (!console_input_waiting(p->in))
		return;   /* the common case of a status read: nothing to take */
	while (p->uart.rx_count < VUART_RX_FIFO_SIZE && (c = console_getc(p->in)) >= 0)
		vuart_push_input(&p->uart, (char)c);
}

static uint64_t uart_read(void *ctx, uint64_t off, unsigned width)
{
	struct uart_port *p = ctx;
	uint64_t v;

	spin_lock(&p->lock);
	v = vuart_read(&p->uart, off, width);
	spin_unlock(&p->lock);
	return v;
}

static void uart_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct uart_port *p = ctx;

	spin_lock(&p->lock);
	vuart_write(&p->uart, off, width, val);
	spin_unlock(&p->lock);
}

void uart_port_break(struct uart_port *port)
{
	if (!port->out.len)
		return;   /* nothing held (an unlocked look: only this vCPU's own bytes matter) */
	spin_lock(&port->lock);
	console_break(&port->out);
	spin_unlock(&port->lock);
}

void uart_port_reset(struct uart_port *port)
{
	spin_lock(&port->lock);
	vuart_init(&port->uart, uart_out, uart_poll, port);
	console_stream_init(&port->out, port->in);
	spin_unlock(&port->lock);
}

int uart_port_attach(struct uart_port *port, struct mmio_bus *bus, gpa_t base, uint64_t size,
		     struct con_client *c)
{
	struct mmio_region r = { .base = base, .size = size, .read = uart_read, .write = uart_write, .ctx = port };

	memset(port, 0, sizeof(*port));
	port->in = c;
	console_stream_init(&port->out, c);
	vuart_init(&port->uart, uart_out, uart_poll, port);
	return mmio_add(bus, &r);
}
