/* SPDX-License-Identifier: MIT */
/*
 * Emulated 16550A UART for a guest console [National Semiconductor / TI PC16550D
 * "Universal Asynchronous Receiver/Transmitter with FIFOs" datasheet, "Registers"].
 * Pure logic: the owner forwards trapped guest MMIO accesses to vuart_read() /
 * vuart_write() and serialises all calls (there is no locking inside).
 *
 * Intended guest view (device tree): compatible = "ns16550a", reg-shift = 0,
 * reg-io-width = 1, no interrupt line. Linux's 8250 driver then polls the port from
 * a timer by calling its interrupt handler, which reads IIR first; the model makes
 * IIR report a transmitter-holding-register-empty (THRE) interrupt whenever IER.ETBEI
 * is set and the THRE condition is pending, so the polled driver keeps transmitting.
 *
 * Model:
 *  - transmit is instant: a THR write hands the byte to the output callback (or to
 *    the receive FIFO in loopback mode); LSR.THRE and LSR.TEMT are always set;
 *  - receive comes from a VUART_RX_FIFO_SIZE-byte FIFO filled by vuart_push_input()
 *    (the depth does not depend on FCR.FIFOE; nothing is ever lost on the line, so
 *    LSR error bits and the line-status interrupt never occur);
 *  - the divisor latch, LCR, SCR and FCR trigger level are stored but have no effect;
 *  - registers are one byte wide at byte offsets 0..7 (reg-shift 0); any other width
 *    or offset reads as 0 and ignores writes.
 */
#ifndef PV_VUART_H
#define PV_VUART_H

#include "types.h"

/* Register byte offsets [PC16550D, "Registers", Table II]. DLAB = LCR bit 7. */
#define UART_RBR 0  /* read, DLAB=0: receiver buffer */
#define UART_THR 0  /* write, DLAB=0: transmitter holding */
#define UART_DLL 0  /* DLAB=1: divisor latch LSB */
#define UART_IER 1  /* DLAB=0: interrupt enable */
#define UART_DLM 1  /* DLAB=1: divisor latch MSB */
#define UART_IIR 2  /* read: interrupt identification */
#define UART_FCR 2  /* write: FIFO control */
#define UART_LCR 3  /* line control */
#define UART_MCR 4  /* modem control */
#define UART_LSR 5  /* line status */
#define UART_MSR 6  /* modem status */
#define UART_SCR 7  /* scratch */

#define UART_IER_ERBFI 0x01  /* received data available interrupt enable */
#define UART_IER_ETBEI 0x02  /* THR empty interrupt enable */
#define UART_IER_ELSI  0x04  /* receiver line status interrupt enable */
#define UART_IER_EDSSI 0x08  /* modem status interrupt enable */

#define UART_IIR_NONE  0x01  /* bit 0 set: no interrupt pending */
#define UART_IIR_MSI   0x00  /* modem status (lowest priority) */
#define UART_IIR_THRI  0x02  /* THR empty */
#define UART_IIR_RDI   0x04  /* received data available */
#define UART_IIR_ID    0x0f  /* interrupt ID field */
#define UART_IIR_FIFO  0xc0  /* bits 7:6 set when FIFOs are enabled (FCR bit 0) */

#define UART_FCR_FIFOE 0x01  /* FIFO enable */
#define UART_FCR_RXCLR 0x02  /* clear receive FIFO (self-clearing) */
#define UART_FCR_TXCLR 0x04  /* clear transmit FIFO (self-clearing) */

#define UART_LCR_DLAB  0x80  /* divisor latch access */

#define UART_MCR_DTR   0x01
#define UART_MCR_RTS   0x02
#define UART_MCR_OUT1  0x04
#define UART_MCR_OUT2  0x08
#define UART_MCR_LOOP  0x10
#define UART_MCR_MASK  0x1f  /* writable bits on a 16550A */

#define UART_LSR_DR    0x01  /* data ready */
#define UART_LSR_OE    0x02  /* overrun error */
#define UART_LSR_THRE  0x20  /* THR empty */
#define UART_LSR_TEMT  0x40  /* transmitter empty */

#define UART_MSR_DCTS  0x01  /* delta CTS */
#define UART_MSR_DDSR  0x02  /* delta DSR */
#define UART_MSR_TERI  0x04  /* trailing edge of RI */
#define UART_MSR_DDCD  0x08  /* delta DCD */
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80

/** Receive FIFO depth in bytes. */
#define VUART_RX_FIFO_SIZE 64

/** Output callback: the guest transmitted byte @c. */
typedef void (*vuart_out_fn)(void *ctx, char c);
/** Poll callback: the guest is looking for input; may call vuart_push_input(). */
typedef void (*vuart_poll_fn)(void *ctx);

/** One emulated 16550A. Fields are private to core/vuart.c; the owner only allocates it. */
struct vuart {
	uint8_t dll, dlm;     /**< divisor latch (stored only) */
	uint8_t ier;          /**< interrupt enable, bits 3:0 */
	uint8_t lcr;          /**< line control */
	uint8_t mcr;          /**< modem control, bits 4:0 */
	uint8_t scr;          /**< scratch */
	uint8_t fcr;          /**< FIFO control: FIFOE and trigger level as last written */
	uint8_t msr;          /**< modem status: bits 7:4 line state, bits 3:0 deltas since last MSR read */
	bool thre_pending;    /**< THRE interrupt condition [PC16550D, Table IV] */
	uint8_t rx[VUART_RX_FIFO_SIZE]; /**< receive FIFO ring */
	unsigned rx_head;     /**< index of the oldest byte in rx[] */
	unsigned rx_count;    /**< bytes in rx[] */
	vuart_out_fn out;     /**< may be NULL: transmitted bytes are dropped */
	vuart_poll_fn poll;   /**< may be NULL */
	void *ctx;            /**< passed to @out and @poll */
};

/**
 * Reset @u to the 16550A power-on state (IER, LCR, MCR, FCR, SCR, divisor 0; FIFOs off
 * and empty; MSR DCD|DSR|CTS) and attach the callbacks. @out receives every byte the
 * guest transmits outside loopback mode; @poll is called at the start of every LSR, IIR
 * or RBR read so the owner can fetch console input lazily. Either may be NULL; @ctx is
 * passed to both.
 */
void vuart_init(struct vuart *u, vuart_out_fn out, vuart_poll_fn poll, void *ctx);

/**
 * Guest read of @width bytes at byte offset @offset from the UART base
 * [PC16550D, "Registers"]. Returns the register value (0..255), or 0 when @width != 1
 * or @offset > 7. Side effects: RBR pops the receive FIFO; IIR reporting THRE clears
 * the THRE condition; MSR clears its delta bits; LSR, IIR and RBR call the poll callback.
 */
uint64_t vuart_read(struct vuart *u, uint64_t offset, unsigned width);

/**
 * Guest write of the low byte of @val, @width bytes wide, at byte offset @offset
 * [PC16550D, "Registers"]. Ignored when @width != 1 or @offset > 7, and for LSR and
 * MSR. A THR write transmits the byte immediately (output callback, or the receive
 * FIFO in loopback, dropped if full) and makes the THRE condition pending; an IER
 * write setting ETBEI (0 -> 1) makes it pending too. An FCR write changing FIFOE, or
 * with FIFOE|RXCLR, empties the receive FIFO; without FIFOE the other FCR bits are
 * not programmed.
 */
void vuart_write(struct vuart *u, uint64_t offset, unsigned width, uint64_t val);

/**
 * Append one received byte @c to the receive FIFO, as if it had arrived on the line.
 * Returns false (and drops nothing already queued) when the FIFO is full
 * (VUART_RX_FIFO_SIZE bytes); the owner should keep @c and retry on a later poll.
 */
bool vuart_push_input(struct vuart *u, char c);

/**
 * True when the UART would assert its interrupt output (IIR bit 0 clear), computed
 * without side effects and without calling the poll callback.
 */
bool vuart_irq_pending(const struct vuart *u);

#endif
