// SPDX-License-Identifier: GPL-2.0
/*
 * COM1: a 16550A UART at 0x3f8, IRQ 4, with the registers of the National
 * PC16550D / TI TL16C550 datasheets. Register and bit names are those of
 * <linux/serial_reg.h>; section names below are the datasheet's.
 *
 * Time is not modelled: a byte written to THR leaves at once (so THRE and
 * TEMT always read 1 and the transmitter FIFO never holds anything), the
 * divisor latch and LCR are stored but set no speed or framing, and the
 * receiver's character timeout ("FIFO Interrupt Mode Operation") counts
 * as elapsed as soon as the FIFO holds fewer bytes than its trigger level.
 * Parity, framing and break errors never occur (a break set in LCR is not
 * looped back); the only line error is an overrun in loopback mode.
 * Console input is flow-controlled instead of overrun: hvx_serial_input()
 * takes what fits and the caller waits for room.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/serial_reg.h>
#include "devices.h"

#define COM1		0x3f8
#define COM1_IRQ	4
#define FIFO_SIZE	16

/* What the host end of the line shows on the modem inputs: always ready. */
#define HOST_MODEM_INPUTS (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

struct serial {
	uint8_t ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	uint8_t lsr_err;	/* OE until LSR is read */
	uint8_t rbr;		/* the last byte read, returned again on an empty read */
	bool thri;		/* THR-empty interrupt pending */
	uint8_t rx[FIFO_SIZE];
	unsigned int rx_head, rx_count;
	bool rx_waiter;		/* console input was refused: signal room_fd */
	int room_fd;
	int out_fd;
};

static bool fifo_on(const struct serial *s)
{
	return s->fcr & UART_FCR_ENABLE_FIFO;
}

/* Bytes the receiver holds: the FIFO, or RBR alone in 16450 mode. */
static unsigned int rx_capacity(const struct serial *s)
{
	return fifo_on(s) ? FIFO_SIZE : 1;
}

static unsigned int rx_trigger(const struct serial *s)
{
	static const unsigned int level[4] = { 1, 4, 8, 14 };

	return fifo_on(s) ? level[UART_FCR_R_TRIG_BITS(s->fcr)] : 1;
}

/*
 * "Interrupt Identification Register", Table: Interrupt Control Functions.
 * Priority: receiver line status, received data (or character timeout),
 * THR empty, modem status.
 */
static uint8_t pending(const struct serial *s)
{
	if ((s->ier & UART_IER_RLSI) && (s->lsr_err & UART_LSR_BRK_ERROR_BITS))
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_RDI) && s->rx_count)
		return s->rx_count < rx_trigger(s) ? UART_IIR_RX_TIMEOUT : UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thri)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/*
 * On a PC the UART's INTR reaches the ISA bus through a buffer enabled by
 * the OUT2 output ("Modem Control Register"); in loopback the outputs are
 * forced inactive, so the buffer is off too. Linux's 8250 driver sets
 * OUT2 before it expects interrupts.
 */
static void update_irq(struct hvx_machine *m, struct serial *s)
{
	bool out2 = (s->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;

	hvx_machine_irq(m, COM1_IRQ, out2 && pending(s) != UART_IIR_NO_INT);
}

/* Tell a console thread waiting for room that there is some. */
static void wake_waiter(struct serial *s)
{
	uint64_t one = 1;

	if (!s->rx_waiter || (s->mcr & UART_MCR_LOOP) || s->rx_count >= rx_capacity(s))
		return;
	s->rx_waiter = false;
	(void)!write(s->room_fd, &one, sizeof(one));
}

static void rx_clear(struct serial *s)
{
	s->rx_head = s->rx_count = 0;
	wake_waiter(s);
}

static void rx_push(struct serial *s, uint8_t b)
{
	s->rx[(s->rx_head + s->rx_count) % FIFO_SIZE] = b;
	s->rx_count++;
}

/*
 * A byte that reaches a full receiver is an overrun ("Line Status
 * Register", OE): in FIFO mode it is lost, in 16450 mode it replaces RBR.
 */
static void rx_loopback(struct serial *s, uint8_t b)
{
	if (s->rx_count < rx_capacity(s)) {
		rx_push(s, b);
		return;
	}
	s->lsr_err |= UART_LSR_OE;
	if (!fifo_on(s))
		s->rx[s->rx_head] = b;
}

static uint8_t rx_pop(struct serial *s)
{
	if (s->rx_count) {
		s->rbr = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % FIFO_SIZE;
		s->rx_count--;
		wake_waiter(s);
	}
	return s->rbr;
}

/* The modem inputs as the UART sees them: looped from MCR in loopback. */
static uint8_t modem_inputs(const struct serial *s)
{
	uint8_t v = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return HOST_MODEM_INPUTS;
	if (s->mcr & UART_MCR_RTS)
		v |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		v |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		v |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		v |= UART_MSR_DCD;
	return v;
}

/* "Modem Status Register": delta bits latch changes until MSR is read. */
static void update_msr(struct serial *s)
{
	uint8_t now = modem_inputs(s), old = s->msr, delta = s->msr & UART_MSR_ANY_DELTA;

	if ((now ^ old) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((now ^ old) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((now ^ old) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	s->msr = now | delta;
}

static void transmit(struct serial *s, uint8_t b)
{
	ssize_t r;

	if (s->mcr & UART_MCR_LOOP) {
		rx_loopback(s, b);
	} else {
		do
			r = write(s->out_fd, &b, 1);
		while (r < 0 && errno == EINTR);	/* other errors: the byte is lost, as on a cut line */
	}
	s->thri = true;	/* THR emptied at once */
}

static void write_fcr(struct serial *s, uint8_t v)
{
	/* "FIFO Control Register": changing FCR0 resets both FIFOs; the other
	 * bits are programmed only while FCR0 is 1. */
	if ((v ^ s->fcr) & UART_FCR_ENABLE_FIFO)
		rx_clear(s);
	if (!(v & UART_FCR_ENABLE_FIFO)) {
		s->fcr = 0;
		return;
	}
	if (v & UART_FCR_CLEAR_RCVR)
		rx_clear(s);
	/* UART_FCR_CLEAR_XMIT: the transmitter FIFO is always empty. */
	s->fcr = v & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT | UART_FCR_TRIGGER_MASK);
	wake_waiter(s);	/* 16450 -> FIFO mode: more room */
}

static void serial_write(struct serial *s, unsigned int reg, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t old;

	switch (reg) {
	case UART_TX:
		if (dlab)
			s->dll = v;
		else
			transmit(s, v);
		break;
	case UART_IER:
		if (dlab) {
			s->dlm = v;
			break;
		}
		old = s->ier;
		s->ier = v & 0x0f;
		/* Enabling the THRE interrupt while THR is empty raises it, even
		 * after an IIR read cleared it (not in the datasheet; what Linux's
		 * THRE test in serial8250_do_startup() and other drivers rely on). */
		if (!(old & UART_IER_THRI) && (s->ier & UART_IER_THRI))
			s->thri = true;
		break;
	case UART_FCR:
		write_fcr(s, v);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		update_msr(s);
		wake_waiter(s);	/* leaving loopback reconnects the input */
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:	/* LSR and MSR: read-only (writes are factory test) */
		break;
	}
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RX:
		return dlab ? s->dll : rx_pop(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		v = pending(s);
		/* Reading IIR clears a THRE interrupt it reports. */
		if (v == UART_IIR_THRI)
			s->thri = false;
		return v | (fifo_on(s) ? 0xc0 : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = s->lsr_err | UART_LSR_THRE | UART_LSR_TEMT | (s->rx_count ? UART_LSR_DR : 0);
		s->lsr_err = 0;
		return v;
	case UART_MSR:
		v = s->msr;
		s->msr &= ~UART_MSR_ANY_DELTA;
		return v;
	default:
		return s->scr;
	}
}

static void serial_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		      uint8_t *data, unsigned int size)
{
	struct serial *s = state;

	if (in)
		data[0] = serial_read(s, port - COM1);
	else
		serial_write(s, port - COM1, data[0]);
	update_irq(m, s);
}

size_t hvx_serial_input(struct hvx_machine *m, const uint8_t *buf, size_t n)
{
	struct serial *s = hvx_machine_state(m, &serial_device);
	size_t i = 0;

	pthread_mutex_lock(&m->lock);
	/* In loopback the receiver is cut off from the line. */
	if (!(s->mcr & UART_MCR_LOOP))
		for (; i < n && s->rx_count < rx_capacity(s); i++)
			rx_push(s, buf[i]);
	if (i < n)
		s->rx_waiter = true;
	update_irq(m, s);
	pthread_mutex_unlock(&m->lock);
	return i;
}

int hvx_serial_room_fd(struct hvx_machine *m)
{
	struct serial *s = hvx_machine_state(m, &serial_device);

	return s->room_fd;
}

/* The state after a hardware reset ("Table: UART Reset Configuration"). */
static int serial_init(struct hvx_machine *m, void *state)
{
	struct serial *s = state;

	s->room_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->room_fd < 0)
		return -errno;
	s->out_fd = m->cfg.serial_out_fd;
	s->dll = 1;	/* 115200 baud; nothing depends on it */
	s->msr = modem_inputs(s);
	return 0;
}

static void serial_destroy(struct hvx_machine *m, void *state)
{
	struct serial *s = state;

	close(s->room_fd);
}

static const struct hvx_ports serial_ports[] = {
	{ COM1, 8, HVX_IO_8 },
};

const struct hvx_device serial_device = {
	.name = "serial",
	.ports = serial_ports,
	.nports = 1,
	.state_size = sizeof(struct serial),
	.init = serial_init,
	.destroy = serial_destroy,
	.io = serial_io,
};
