/* SPDX-License-Identifier: MIT */
/* Host unit tests for the emulated 16550A UART (core/vuart.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/vdev/vuart.h"

#define UNUSED __attribute__((unused))

/* The owner side: captured output, poll counter and pending console input. */
struct owner {
	struct vuart u;
	char out[512];
	size_t nout;
	unsigned polls;
	const char *input;   /* handed to the UART lazily from the poll callback */
	size_t ninput;
};

static void out_cb(void *ctx, char c)
{
	struct owner *o = ctx;

	assert_true(o->nout < sizeof(o->out));
	o->out[o->nout++] = c;
}

static void poll_cb(void *ctx)
{
	struct owner *o = ctx;

	o->polls++;
	while (o->ninput && vuart_push_input(&o->u, *o->input)) {
		o->input++;
		o->ninput--;
	}
}

static int setup(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	vuart_init(&o->u, out_cb, poll_cb, o);
	*state = o;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint8_t rd(struct owner *o, unsigned off)
{
	uint64_t v = vuart_read(&o->u, off, 1);

	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void wr(struct owner *o, unsigned off, uint8_t v)
{
	vuart_write(&o->u, off, 1, v);
}

static void test_reset_state(void **state)
{
	struct owner *o = *state;

	assert_int_equal(rd(o, UART_IER), 0);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_int_equal(rd(o, UART_LCR), 0);
	assert_int_equal(rd(o, UART_MCR), 0);
	assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(o, UART_MSR), 0xb0);
	assert_int_equal(rd(o, UART_SCR), 0);
	assert_int_equal(rd(o, UART_RBR), 0);   /* empty FIFO reads 0 */
	assert_false(vuart_irq_pending(&o->u));
	assert_int_equal(o->nout, 0);
}

static void test_transmit(void **state)
{
	struct owner *o = *state;
	const char *msg = "Hello, 16550!\r\n";

	for (const char *p = msg; *p; p++) {
		assert_int_equal(rd(o, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
				 UART_LSR_THRE | UART_LSR_TEMT);
		wr(o, UART_THR, (uint8_t)*p);
		/* Transmit is instant: THRE and TEMT stay set. */
		assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	}
	assert_int_equal(o->nout, strlen(msg));
	assert_memory_equal(o->out, msg, strlen(msg));
	/* The whole value is truncated to the low byte. */
	vuart_write(&o->u, UART_THR, 1, 0x1234567800ULL | 'x');
	assert_int_equal(o->out[o->nout - 1], 'x');
}

static void test_transmit_without_callbacks(void **state UNUSED)
{
	struct vuart u;

	vuart_init(&u, NULL, NULL, NULL);
	vuart_write(&u, UART_THR, 1, 'a');   /* dropped, no crash */
	assert_true(vuart_push_input(&u, 'b'));
	assert_int_equal(vuart_read(&u, UART_LSR, 1), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(vuart_read(&u, UART_IIR, 1), UART_IIR_NONE);
	assert_int_equal(vuart_read(&u, UART_RBR, 1), 'b');
}

static void test_receive_order(void **state)
{
	struct owner *o = *state;

	assert_true(vuart_push_input(&o->u, 'a'));
	assert_true(vuart_push_input(&o->u, 'b'));
	assert_true(vuart_push_input(&o->u, (char)0xff));
	assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(rd(o, UART_RBR), 'a');
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(rd(o, UART_RBR), 'b');
	assert_int_equal(rd(o, UART_RBR), 0xff);    /* 8-bit clean, no sign extension */
	assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(o, UART_RBR), 0);
	assert_int_equal(o->nout, 0);               /* receiving never transmits */
}

static void test_receive_overflow_and_wrap(void **state)
{
	struct owner *o = *state;
	unsigned i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < VUART_RX_FIFO_SIZE; i++)
			assert_true(vuart_push_input(&o->u, (char)(round * 7 + i)));
		assert_false(vuart_push_input(&o->u, 'X'));   /* full: refused */
		assert_false(vuart_push_input(&o->u, 'Y'));
		/* Free one slot: the next push is accepted and lands at the end. */
		assert_int_equal(rd(o, UART_RBR), (uint8_t)(round * 7));
		assert_true(vuart_push_input(&o->u, 'Z'));
		assert_false(vuart_push_input(&o->u, 'W'));
		for (i = 1; i < VUART_RX_FIFO_SIZE; i++)
			assert_int_equal(rd(o, UART_RBR), (uint8_t)(round * 7 + i));
		assert_int_equal(rd(o, UART_RBR), 'Z');
		assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
		/* Partial fill so that the next round starts at a different ring index. */
		for (i = 0; i < round + 5; i++)
			assert_true(vuart_push_input(&o->u, 'p'));
		for (i = 0; i < round + 5; i++)
			assert_int_equal(rd(o, UART_RBR), 'p');
	}
}

static void test_iir_priorities(void **state)
{
	struct owner *o = *state;

	/* No interrupt source enabled: data and THRE stay silent. */
	assert_true(vuart_push_input(&o->u, 'q'));
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* Enable both: received data wins over THRE. */
	wr(o, UART_IER, UART_IER_ERBFI | UART_IER_ETBEI);
	assert_int_equal(rd(o, UART_IER), UART_IER_ERBFI | UART_IER_ETBEI);
	assert_true(vuart_irq_pending(&o->u));
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	/* Reading IIR as RDA clears neither RDA nor the pending THRE. */
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(o, UART_RBR), 'q');
	/* Data gone: THRE shows, and reading it clears it. */
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_false(vuart_irq_pending(&o->u));
	/* RDA alone. */
	assert_true(vuart_push_input(&o->u, 'r'));
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	wr(o, UART_IER, UART_IER_ETBEI);                 /* ERBFI off: data no longer interrupts */
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* IER keeps only bits 3:0. */
	wr(o, UART_IER, 0xff);
	assert_int_equal(rd(o, UART_IER), 0x0f);
}

static void test_thre_clear_and_rearm(void **state)
{
	struct owner *o = *state;

	/* Enabling ETBEI with an empty THR raises THRE. */
	wr(o, UART_IER, UART_IER_ETBEI);
	assert_true(vuart_irq_pending(&o->u));
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	/* Cleared by the IIR read that reported it. */
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_false(vuart_irq_pending(&o->u));
	/* LSR still says the THR is empty. */
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_THRE, UART_LSR_THRE);
	/* A THR write re-arms it (the byte left at once). */
	wr(o, UART_THR, 'a');
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* Several writes, one interrupt. */
	wr(o, UART_THR, 'b');
	wr(o, UART_THR, 'c');
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* Re-writing IER with ETBEI already set is not an edge. */
	wr(o, UART_IER, UART_IER_ETBEI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* Clearing ETBEI masks it; setting it again (0 -> 1) raises it again. */
	wr(o, UART_IER, 0);
	wr(o, UART_THR, 'd');
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	wr(o, UART_IER, UART_IER_ETBEI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_int_equal(o->nout, 4);
	assert_memory_equal(o->out, "abcd", 4);
}

static void test_fcr_fifo_bits(void **state)
{
	struct owner *o = *state;

	wr(o, UART_FCR, UART_FCR_FIFOE);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_FIFO | UART_IIR_NONE);
	wr(o, UART_IER, UART_IER_ETBEI | UART_IER_ERBFI);
	assert_int_equal(rd(o, UART_IIR), 0xc2);
	assert_true(vuart_push_input(&o->u, 'a'));
	assert_int_equal(rd(o, UART_IIR), 0xc4);
	/* RXCLR empties the receive FIFO; FIFOs stay enabled. */
	wr(o, UART_FCR, UART_FCR_FIFOE | UART_FCR_RXCLR | UART_FCR_TXCLR);
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(o, UART_IIR), 0xc1);
	/* Trigger level bits are accepted without effect. */
	wr(o, UART_FCR, 0xc1);
	assert_int_equal(rd(o, UART_IIR), 0xc1);
	/* Disabling FIFOs drops bits 7:6 and resets the FIFO. */
	assert_true(vuart_push_input(&o->u, 'b'));
	wr(o, UART_FCR, 0);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
	/* Without FIFOE the other bits are not programmed: RXCLR has no effect. */
	assert_true(vuart_push_input(&o->u, 'c'));
	wr(o, UART_FCR, UART_FCR_RXCLR);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	/* Enabling FIFOs resets them too. */
	wr(o, UART_FCR, UART_FCR_FIFOE);
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
	/* Same FIFOE value again keeps the data. */
	assert_true(vuart_push_input(&o->u, 'd'));
	wr(o, UART_FCR, UART_FCR_FIFOE | 0x40);
	assert_int_equal(rd(o, UART_IIR), 0xc4);
	assert_int_equal(rd(o, UART_RBR), 'd');
}

static void test_dlab(void **state)
{
	struct owner *o = *state;

	wr(o, UART_IER, UART_IER_ERBFI);
	assert_true(vuart_push_input(&o->u, 'k'));
	wr(o, UART_LCR, UART_LCR_DLAB | 0x03);
	assert_int_equal(rd(o, UART_LCR), 0x83);
	wr(o, UART_DLL, 0x0c);
	wr(o, UART_DLM, 0x01);
	assert_int_equal(o->nout, 0);                  /* DLL is not THR */
	assert_int_equal(rd(o, UART_DLL), 0x0c);
	assert_int_equal(rd(o, UART_DLM), 0x01);
	/* LSR, IIR, SCR are not affected by DLAB; the FIFO was not popped. */
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	wr(o, UART_LCR, 0x03);
	assert_int_equal(rd(o, UART_IER), UART_IER_ERBFI);   /* DLM write left IER alone */
	assert_int_equal(rd(o, UART_RBR), 'k');
	wr(o, UART_THR, 'z');
	assert_int_equal(o->nout, 1);
	assert_int_equal(o->out[0], 'z');
	/* The divisor survives DLAB toggling. */
	wr(o, UART_LCR, UART_LCR_DLAB);
	assert_int_equal(rd(o, UART_DLL), 0x0c);
	assert_int_equal(rd(o, UART_DLM), 0x01);
	assert_int_equal(o->nout, 1);
}

static void test_scratch(void **state)
{
	struct owner *o = *state;
	unsigned v;

	for (v = 0; v < 256; v += 0x55) {
		wr(o, UART_SCR, (uint8_t)v);
		assert_int_equal(rd(o, UART_SCR), v);
	}
	wr(o, UART_LCR, UART_LCR_DLAB);                /* DLAB does not hide SCR */
	wr(o, UART_SCR, 0x5a);
	assert_int_equal(rd(o, UART_SCR), 0x5a);
	assert_int_equal(o->nout, 0);
}

static void test_loopback(void **state)
{
	struct owner *o = *state;

	wr(o, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(rd(o, UART_MCR), UART_MCR_LOOP);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, 0);
	/* The classic probe: OUT2|RTS must read back as DCD|CTS. */
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, UART_MSR_DSR);
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, UART_MSR_RI);
	wr(o, UART_MCR, 0xff);                         /* bits 7:5 are not writable */
	assert_int_equal(rd(o, UART_MCR), 0x1f);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, 0xf0);
	/* Transmitted bytes come back in the receiver instead of the output. */
	wr(o, UART_THR, 'L');
	wr(o, UART_THR, 'B');
	assert_int_equal(o->nout, 0);
	assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(rd(o, UART_RBR), 'L');
	assert_int_equal(rd(o, UART_RBR), 'B');
	/* Back to normal: the line state is DCD|DSR|CTS and output flows again. */
	wr(o, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	assert_int_equal(rd(o, UART_MSR) & 0xf0, 0xb0);
	wr(o, UART_THR, 'N');
	assert_int_equal(o->nout, 1);
	assert_int_equal(o->out[0], 'N');
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
}

static void test_loopback_overflow(void **state)
{
	struct owner *o = *state;
	unsigned i;

	wr(o, UART_MCR, UART_MCR_LOOP);
	for (i = 0; i < VUART_RX_FIFO_SIZE + 3; i++)
		wr(o, UART_THR, (uint8_t)('0' + i));
	assert_int_equal(o->nout, 0);
	for (i = 0; i < VUART_RX_FIFO_SIZE; i++)
		assert_int_equal(rd(o, UART_RBR), (uint8_t)('0' + i));
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, 0);
}

static void test_msr_deltas(void **state)
{
	struct owner *o = *state;

	/* Outside loopback nothing changes: no deltas, no modem status interrupt. */
	wr(o, UART_IER, UART_IER_EDSSI);
	assert_int_equal(rd(o, UART_MSR), 0xb0);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* Entering loopback with MCR = 0 drops DCD, DSR, CTS: three deltas. */
	wr(o, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_MSI);
	assert_true(vuart_irq_pending(&o->u));
	assert_int_equal(rd(o, UART_MSR), UART_MSR_DDCD | UART_MSR_DDSR | UART_MSR_DCTS);
	assert_int_equal(rd(o, UART_MSR), 0);          /* deltas clear on read */
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	/* RI rising edge: no TERI; falling edge: TERI. */
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	assert_int_equal(rd(o, UART_MSR), UART_MSR_RI);
	wr(o, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(rd(o, UART_MSR), UART_MSR_TERI);
	/* Deltas accumulate until read. */
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	wr(o, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR);
	assert_int_equal(rd(o, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDSR);
	/* THRE outranks modem status. */
	wr(o, UART_MCR, UART_MCR_LOOP);
	wr(o, UART_IER, UART_IER_EDSSI | UART_IER_ETBEI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_THRI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_MSI);
	/* MSR and LSR writes are ignored. */
	wr(o, UART_MSR, 0xff);
	wr(o, UART_LSR, 0x00);
	assert_int_equal(rd(o, UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR);
	assert_int_equal(rd(o, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_poll_callback(void **state)
{
	struct owner *o = *state;
	unsigned before;

	o->input = "xy";
	o->ninput = 2;
	/* Registers other than LSR, IIR and RBR never poll. */
	rd(o, UART_IER);
	rd(o, UART_LCR);
	rd(o, UART_MCR);
	rd(o, UART_MSR);
	rd(o, UART_SCR);
	wr(o, UART_THR, 'o');
	wr(o, UART_SCR, 1);
	assert_int_equal(o->polls, 0);
	assert_int_equal(o->ninput, 2);
	/* LSR polls first, so input fetched lazily is already visible in the same read. */
	assert_int_equal(rd(o, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(o->polls, 1);
	assert_int_equal(o->ninput, 0);
	before = o->polls;
	assert_int_equal(rd(o, UART_RBR), 'x');
	assert_int_equal(o->polls, before + 1);
	wr(o, UART_IER, UART_IER_ERBFI);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	assert_int_equal(o->polls, before + 2);
	assert_int_equal(rd(o, UART_RBR), 'y');
	/* Input arriving later shows up through IIR alone. */
	o->input = "z";
	o->ninput = 1;
	assert_int_equal(rd(o, UART_IIR), UART_IIR_RDI);
	assert_int_equal(rd(o, UART_RBR), 'z');
	/* DLAB reads of offset 0 are DLL, not RBR: no poll. */
	wr(o, UART_LCR, UART_LCR_DLAB);
	before = o->polls;
	rd(o, UART_DLL);
	assert_int_equal(o->polls, before);
}

/* More input than the FIFO holds: the owner keeps the rest and hands it over on later polls. */
static void test_poll_backpressure(void **state)
{
	struct owner *o = *state;
	char big[VUART_RX_FIFO_SIZE * 2 + 5];
	size_t i, got = 0;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	o->input = big;
	o->ninput = sizeof(big);
	while (rd(o, UART_LSR) & UART_LSR_DR) {
		assert_true(got < sizeof(big));
		assert_int_equal(rd(o, UART_RBR), (uint8_t)big[got]);
		got++;
	}
	assert_int_equal(got, sizeof(big));
	assert_int_equal(o->ninput, 0);
}

static void test_bad_accesses(void **state)
{
	struct owner *o = *state;
	static const unsigned widths[] = { 0, 2, 3, 4, 8 };
	size_t i;
	unsigned off;

	wr(o, UART_SCR, 0x42);
	assert_true(vuart_push_input(&o->u, 'i'));
	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		for (off = 0; off < 8; off++) {
			assert_int_equal(vuart_read(&o->u, off, widths[i]), 0);
			vuart_write(&o->u, off, widths[i], 0xffffffffffffffffULL);
		}
	}
	for (off = 8; off < 0x20; off++) {
		assert_int_equal(vuart_read(&o->u, off, 1), 0);
		vuart_write(&o->u, off, 1, 0xff);
	}
	assert_int_equal(vuart_read(&o->u, 0xfff, 1), 0);
	assert_int_equal(vuart_read(&o->u, 1ULL << 63, 1), 0);
	vuart_write(&o->u, 1ULL << 63, 1, 'x');
	/* Nothing happened: no output, no poll, no register change, no pop. */
	assert_int_equal(o->nout, 0);
	assert_int_equal(o->polls, 0);
	assert_int_equal(rd(o, UART_SCR), 0x42);
	assert_int_equal(rd(o, UART_LCR), 0);
	assert_int_equal(rd(o, UART_IER), 0);
	assert_int_equal(rd(o, UART_MCR), 0);
	assert_int_equal(rd(o, UART_IIR), UART_IIR_NONE);
	assert_int_equal(rd(o, UART_RBR), 'i');
}

/*
 * The Linux 8250 driver with no interrupt line: set-up, then a timer calls the
 * interrupt handler, which reads IIR, gives up when bit 0 is set, else reads LSR,
 * drains received data, and while THRE is set and IER.THRI is enabled loads up to
 * 16 bytes into THR; it clears IER.THRI when it has nothing left to send.
 */
struct linux_port {
	struct owner *o;
	uint8_t ier;
	const char *tx;
	size_t ntx;
	char rx[64];
	size_t nrx;
	unsigned handled;
};

static void linux_start_tx(struct linux_port *lp, const char *s)
{
	lp->tx = s;
	lp->ntx = strlen(s);
	if (!(lp->ier & UART_IER_ETBEI)) {
		lp->ier |= UART_IER_ETBEI;
		wr(lp->o, UART_IER, lp->ier);
	}
}

static void linux_timer_irq(struct linux_port *lp)
{
	uint8_t iir = rd(lp->o, UART_IIR), lsr;
	unsigned n;

	if (iir & UART_IIR_NONE)
		return;
	assert_int_equal(iir & UART_IIR_FIFO, UART_IIR_FIFO);
	lp->handled++;
	lsr = rd(lp->o, UART_LSR);
	while (lsr & UART_LSR_DR) {
		assert_true(lp->nrx < sizeof(lp->rx));
		lp->rx[lp->nrx++] = (char)rd(lp->o, UART_RBR);
		lsr = rd(lp->o, UART_LSR);
	}
	if ((lsr & UART_LSR_THRE) && (lp->ier & UART_IER_ETBEI)) {
		for (n = 0; n < 16 && lp->ntx; n++) {
			wr(lp->o, UART_THR, (uint8_t)*lp->tx++);
			lp->ntx--;
		}
		if (!lp->ntx) {
			lp->ier &= (uint8_t)~UART_IER_ETBEI;
			wr(lp->o, UART_IER, lp->ier);
		}
	}
}

static void test_linux_polling(void **state)
{
	struct owner *o = *state;
	struct linux_port lp = { .o = o };
	const char *msg1 = "[    0.000000] Linux version 6.x (riscv64) polled 8250 console output\n";
	const char *msg2 = "login: ";
	unsigned tick;

	/* serial8250_startup-like set-up: clear FIFOs, 8N1, divisor, modem lines, RX interrupts. */
	wr(o, UART_FCR, UART_FCR_FIFOE);
	wr(o, UART_FCR, UART_FCR_FIFOE | UART_FCR_RXCLR | UART_FCR_TXCLR);
	wr(o, UART_FCR, 0);
	rd(o, UART_LSR);
	rd(o, UART_RBR);
	rd(o, UART_IIR);
	rd(o, UART_MSR);
	wr(o, UART_LCR, UART_LCR_DLAB | 0x03);
	wr(o, UART_DLL, 1);
	wr(o, UART_DLM, 0);
	wr(o, UART_LCR, 0x03);
	wr(o, UART_FCR, UART_FCR_FIFOE | 0x80);
	wr(o, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	lp.ier = UART_IER_ERBFI | UART_IER_ELSI;
	wr(o, UART_IER, lp.ier);
	assert_int_equal(o->nout, 0);

	/* Nothing to do yet: IIR says no interrupt. */
	assert_int_equal(rd(o, UART_IIR), 0xc1);

	/* First transmission: the enable edge makes IIR report THRE with FIFO bits (0xc2). */
	linux_start_tx(&lp, msg1);
	assert_int_equal(rd(o, UART_IIR), 0xc2);
	/* That read consumed the THRE indication; the driver's write loop re-arms it. */
	assert_int_equal(rd(o, UART_IIR), 0xc1);
	wr(o, UART_THR, '>');
	for (tick = 0; tick < 100 && (lp.ntx || (lp.ier & UART_IER_ETBEI)); tick++)
		linux_timer_irq(&lp);
	assert_int_equal(lp.ntx, 0);
	assert_false(lp.ier & UART_IER_ETBEI);
	assert_int_equal(o->nout, 1 + strlen(msg1));
	assert_int_equal(o->out[0], '>');
	assert_memory_equal(o->out + 1, msg1, strlen(msg1));
	/* Idle afterwards. */
	assert_int_equal(rd(o, UART_IIR), 0xc1);

	/* Keyboard input fetched lazily by the poll callback, while also sending. */
	o->input = "root\r";
	o->ninput = 5;
	linux_start_tx(&lp, msg2);
	for (tick = 0; tick < 100 && (lp.ntx || (lp.ier & UART_IER_ETBEI) || o->ninput); tick++)
		linux_timer_irq(&lp);
	assert_int_equal(lp.nrx, 5);
	assert_memory_equal(lp.rx, "root\r", 5);
	assert_int_equal(o->nout, 1 + strlen(msg1) + strlen(msg2));
	assert_memory_equal(o->out + 1 + strlen(msg1), msg2, strlen(msg2));
	assert_int_equal(rd(o, UART_IIR), 0xc1);
	assert_true(lp.handled >= 6);
}

/* earlycon / bare-metal putc: spin on LSR.THRE, write THR; never needs interrupts. */
static void test_earlycon_pattern(void **state)
{
	struct owner *o = *state;
	const char *msg = "earlycon: uart8250 at MMIO 0x10000000\n";
	const char *p;

	for (p = msg; *p; p++) {
		unsigned spins = 0;

		while (!(rd(o, UART_LSR) & UART_LSR_THRE))
			assert_true(++spins < 2);
		wr(o, UART_THR, (uint8_t)*p);
	}
	assert_int_equal(o->nout, strlen(msg));
	assert_memory_equal(o->out, msg, strlen(msg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
		cmocka_unit_test(test_transmit_without_callbacks),
		cmocka_unit_test_setup_teardown(test_receive_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_overflow_and_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iir_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_clear_and_rearm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fcr_fifo_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dlab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_deltas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_polling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_earlycon_pattern, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
