/* SPDX-License-Identifier: MIT */
/*
 * Emulated 16550A UART (see include/vuart.h). Pure logic, no locking: the owner
 * serialises calls.
 */
#include "core/vdev/vuart.h"

/* MSR line state outside loopback: carrier, data set ready and clear to send asserted. */
#define MSR_IDLE (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

void vuart_init(struct vuart *u, vuart_out_fn out, vuart_poll_fn poll, void *ctx)
{
	*u = (struct vuart){
		.msr = MSR_IDLE,
		.out = out,
		.poll = poll,
		.ctx = ctx,
	};
}

bool vuart_push_input(struct vuart *u, char c)
{
	if (u->rx_count == VUART_RX_FIFO_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO_SIZE] = (uint8_t)c;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_FIFO_SIZE;
	u->rx_count--;
	return c;
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * Interrupt identification [PC16550D, "Interrupt Identification Register", Table IV]:
 * bits 3:0 of IIR. Priority: receiver line status (never raised here) > received
 * data available > THR empty > modem status. The character timeout indication is
 * not modelled: available data always reads as 0x04.
 */
static uint8_t iir_id(const struct vuart *u)
{
	if ((u->ier & UART_IER_ERBFI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_EDSSI) && (u->msr & 0x0f))
		return UART_IIR_MSI;
	return UART_IIR_NONE;
}

bool vuart_irq_pending(const struct vuart *u)
{
	return !(iir_id(u) & UART_IIR_NONE);
}

/*
 * Modem status inputs [PC16550D, "Modem Control Register" bit 4]: in loopback mode
 * DTR drives DSR, RTS drives CTS, OUT1 drives RI and OUT2 drives DCD; otherwise the
 * (virtual) modem lines are DCD, DSR and CTS asserted.
 */
static uint8_t msr_lines(uint8_t mcr)
{
	uint8_t s = 0;

	if (!(mcr & UART_MCR_LOOP))
		return MSR_IDLE;
	if (mcr & UART_MCR_DTR)
		s |= UART_MSR_DSR;
	if (mcr & UART_MCR_RTS)
		s |= UART_MSR_CTS;
	if (mcr & UART_MCR_OUT1)
		s |= UART_MSR_RI;
	if (mcr & UART_MCR_OUT2)
		s |= UART_MSR_DCD;
	return s;
}

/* Change the MCR; latch MSR delta bits for modem lines that changed [PC16550D, "Modem Status Register"]. */
static void set_mcr(struct vuart *u, uint8_t mcr)
{
	uint8_t old = u->msr & 0xf0, now;
	uint8_t delta = 0;

	u->mcr = mcr & UART_MCR_MASK;
	now = msr_lines(u->mcr);
	if ((old ^ now) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((old ^ now) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	if ((old ^ now) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = (uint8_t)(now | (u->msr & 0x0f) | delta);
}

static void do_poll(struct vuart *u)
{
	if (u->poll)
		u->poll(u->ctx);
}

uint64_t vuart_read(struct vuart *u, uint64_t offset, unsigned width)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	if (width != 1 || offset > 7)
		return 0;
	switch (offset) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		do_poll(u);
		return rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		do_poll(u);
		v = iir_id(u);
		/* Reading IIR while it reports THRE is one of the two ways to clear THRE. */
		if (v == UART_IIR_THRI)
			u->thre_pending = false;
		if (u->fcr & UART_FCR_FIFOE)
			v |= UART_IIR_FIFO;
		return v;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		do_poll(u);
		return UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0);
	case UART_MSR:
		v = u->msr;
		u->msr &= 0xf0;  /* delta bits clear on read */
		return v;
	default: /* UART_SCR */
		return u->scr;
	}
}

/* THR write: the byte leaves at once, so the holding register is empty again. */
static void transmit(struct vuart *u, uint8_t c)
{
	if (u->mcr & UART_MCR_LOOP)
		(void)vuart_push_input(u, (char)c);  /* dropped when the FIFO is full (overrun) */
	else if (u->out)
		u->out(u->ctx, (char)c);
	u->thre_pending = true;
}

void vuart_write(struct vuart *u, uint64_t offset, unsigned width, uint64_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v = (uint8_t)val;

	if (width != 1 || offset > 7)
		return;
	switch (offset) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* Enabling ETBEI while the THR is empty (always) raises THRE at once. */
		if ((v & UART_IER_ETBEI) && !(u->ier & UART_IER_ETBEI))
			u->thre_pending = true;
		u->ier = v & 0x0f;
		break;
	case UART_FCR:
		/*
		 * [PC16550D, "FIFO Control Register"]: changing FIFOE resets both FIFOs; the
		 * other bits are only programmed together with FIFOE = 1; RXCLR/TXCLR
		 * self-clear. The transmit FIFO is always empty here.
		 */
		if ((v ^ u->fcr) & UART_FCR_FIFOE)
			rx_clear(u);
		if (!(v & UART_FCR_FIFOE)) {
			u->fcr = 0;
			break;
		}
		if (v & UART_FCR_RXCLR)
			rx_clear(u);
		u->fcr = v & (uint8_t)~(UART_FCR_RXCLR | UART_FCR_TXCLR);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		set_mcr(u, v);
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default: /* LSR, MSR: read-only (factory test writes are not modelled) */
		break;
	}
}
