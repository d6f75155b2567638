// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the user-space devices of `hvx run` (tools/hvx/devices)
 * and its console, on the host: every access goes through
 * hvx_machine_pio() as a vCPU's KVM_EXIT_IO would, and a fake set_irq
 * records the interrupt lines. The UART sequences are the ones Linux's
 * 8250 driver uses (8250_port.c: autoconfig(), serial8250_do_startup()),
 * the i8042 ones its i8042 driver's probe, the RTC ones its
 * mc146818_get_time().
 */
#define _GNU_SOURCE	/* strptime */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/serial_reg.h>

#include "devices/devices.h"
#include "console.h"
#include "unit.h"

/* ---- a machine with recorded IRQ lines and a fixed clock ---- */

struct irq_log {
	int level[32];
	int changes[32];
};

static void fake_set_irq(struct hvx_machine *m, unsigned int irq, int level)
{
	struct irq_log *l = m->cfg.opaque;

	l->level[irq] = level;
	l->changes[irq]++;
}

static struct timespec fake_now;

static void fake_clock(struct timespec *ts)
{
	*ts = fake_now;
}

static int ends_seen;

static void count_end(struct hvx_machine *m)
{
	ends_seen++;
}

static void new_machine(struct hvx_machine *m, struct irq_log *log, int out_fd, uint64_t ram,
			uint64_t below_4g)
{
	struct hvx_machine_config cfg = {
		.ncpus = 2, .ram_size = ram, .ram_below_4g = below_4g, .serial_out_fd = out_fd,
		.set_irq = fake_set_irq, .on_end = count_end, .clock = fake_clock, .opaque = log,
	};
	int r;

	memset(log, 0, sizeof(*log));
	r = hvx_machine_init(m, &cfg);
	if (r) {
		printf("FAIL hvx_machine_init: %s\n", strerror(-r));
		exit(1);
	}
}

static uint8_t inb(struct hvx_machine *m, uint16_t port)
{
	uint8_t v = 0;

	hvx_machine_pio(m, port, true, &v, 1, 1);
	return v;
}

static uint16_t inw(struct hvx_machine *m, uint16_t port)
{
	uint16_t v = 0;

	hvx_machine_pio(m, port, true, &v, 2, 1);
	return v;
}

static uint32_t inl(struct hvx_machine *m, uint16_t port)
{
	uint32_t v = 0;

	hvx_machine_pio(m, port, true, &v, 4, 1);
	return v;
}

static void outb(struct hvx_machine *m, uint16_t port, uint8_t v)
{
	hvx_machine_pio(m, port, false, &v, 1, 1);
}

static void outw(struct hvx_machine *m, uint16_t port, uint16_t v)
{
	hvx_machine_pio(m, port, false, &v, 2, 1);
}

static void outl(struct hvx_machine *m, uint16_t port, uint32_t v)
{
	hvx_machine_pio(m, port, false, &v, 4, 1);
}

#define CHECK(name, cond, ...) do {			\
		if (!(cond)) {				\
			fail(name, __VA_ARGS__);	\
			goto out;			\
		}					\
	} while (0)

#define COM1 0x3f8
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* ---- 16550A ---- */

/* autoconfig(): the tests by which Linux's 8250 driver calls a port a 16550A. */
static void test_uart_autoconfig(void)
{
	const char *t = "uart_autoconfig_16550a";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t v;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	/* Scratch test through IER: low nibble writable, high nibble 0. */
	outb(&m, COM1 + UART_IER, 0);
	CHECK(t, (inb(&m, COM1 + UART_IER) & 0x0f) == 0, "IER not 0");
	outb(&m, COM1 + UART_IER, 0xff);
	CHECK(t, inb(&m, COM1 + UART_IER) == 0x0f, "IER reads %#x after 0xff", inb(&m, COM1 + UART_IER));
	outb(&m, COM1 + UART_IER, 0);
	/* Scratch register. */
	outb(&m, COM1 + UART_SCR, 0xa5);
	CHECK(t, inb(&m, COM1 + UART_SCR) == 0xa5, "SCR does not hold a value");
	/* Loopback test: MCR = LOOP | OUT2 | RTS -> MSR high nibble 0x90. */
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP | 0x0a);
	v = inb(&m, COM1 + UART_MSR) & 0xf0;
	CHECK(t, v == 0x90, "MSR in loopback %#x, want 0x90", v);
	outb(&m, COM1 + UART_MCR, 0);
	CHECK(t, (inb(&m, COM1 + UART_MSR) & 0xf0) == 0xb0, "MSR out of loopback: CTS, DSR, DCD");
	/* LCR 0xBF (DLAB), "EFR" 0, LCR 0, FCR enable -> IIR bits 7:6 = 3. */
	outb(&m, COM1 + UART_LCR, 0xbf);
	outb(&m, COM1 + UART_FCR, 0);
	outb(&m, COM1 + UART_LCR, 0);
	CHECK(t, (inb(&m, COM1 + UART_IIR) >> 6) == 0, "IIR FIFO bits with FIFO off");
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	v = inb(&m, COM1 + UART_IIR);
	CHECK(t, v == 0xc1, "IIR %#x, want 0xc1 (16550A, no interrupt)", v);
	/* No EFR: with LCR 0xBF offset 2 reads IIR, not 0, so not a 16650. */
	outb(&m, COM1 + UART_LCR, 0xbf);
	CHECK(t, inb(&m, COM1 + UART_IIR) != 0, "looks like an EFR");
	/* Not a 16750: FCR bit 5 gives no 64-byte FIFO bit in IIR. */
	outb(&m, COM1 + UART_LCR, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	CHECK(t, !(inb(&m, COM1 + UART_IIR) & 0x20), "IIR bit 5 set");
	/* Divisor latch behind DLAB, IER still its own. */
	outb(&m, COM1 + UART_IER, 0x05);
	outb(&m, COM1 + UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	outb(&m, COM1 + UART_DLL, 0x0c);
	outb(&m, COM1 + UART_DLM, 0x01);
	CHECK(t, inb(&m, COM1 + UART_DLL) == 0x0c && inb(&m, COM1 + UART_DLM) == 0x01,
	      "divisor latch does not read back");
	outb(&m, COM1 + UART_LCR, UART_LCR_WLEN8);
	CHECK(t, inb(&m, COM1 + UART_LCR) == UART_LCR_WLEN8, "LCR does not read back");
	CHECK(t, inb(&m, COM1 + UART_IER) == 0x05, "IER overwritten through DLAB");
	/* LSR safety check: not 0xff; transmitter empty. */
	v = inb(&m, COM1 + UART_LSR);
	CHECK(t, v == (UART_LSR_THRE | UART_LSR_TEMT), "LSR %#x", v);
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_uart_tx(void)
{
	const char *t = "uart_tx_to_fd";
	struct hvx_machine m;
	struct irq_log log;
	char buf[16] = { 0 };
	uint8_t s[] = "hi\n";
	int p[2];

	if (pipe(p)) {
		fail(t, "pipe: %s", strerror(errno));
		return;
	}
	new_machine(&m, &log, p[1], 64 * MiB, 0);
	/* REP OUTSB of three bytes: one exit, count 3. */
	hvx_machine_pio(&m, COM1, false, s, 1, 3);
	CHECK(t, read(p[0], buf, sizeof(buf)) == 3 && !strcmp(buf, "hi\n"), "pipe got '%s'", buf);
	/* In loopback nothing leaves the UART. */
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP);
	outb(&m, COM1, 'x');
	outb(&m, COM1 + UART_MCR, 0);
	outb(&m, COM1, 'y');
	CHECK(t, read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'y', "loopback byte leaked");
	ok(t);
out:
	hvx_machine_destroy(&m);
	close(p[0]);
	close(p[1]);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void test_uart_rx_fifo(void)
{
	const char *t = "uart_rx_fifo_fill_overflow";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t in[20], v;
	uint64_t count;
	int i, room;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	room = hvx_serial_room_fd(&m);
	for (i = 0; i < 20; i++)
		in[i] = 'a' + i;
	/* 16450 mode: RBR alone. */
	CHECK(t, hvx_serial_input(&m, in, 20) == 1, "16450 mode took more than one byte");
	CHECK(t, inb(&m, COM1 + UART_LSR) & UART_LSR_DR, "no DR");
	CHECK(t, inb(&m, COM1) == 'a', "wrong byte");
	CHECK(t, readable(room), "room eventfd not signalled after a read");
	(void)!read(room, &count, sizeof(count));
	/* FIFO mode: 16 bytes, the rest refused (not lost, not an overrun). */
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	CHECK(t, hvx_serial_input(&m, in, 20) == 16, "FIFO took other than 16");
	CHECK(t, hvx_serial_input(&m, in + 16, 4) == 0, "full FIFO took more");
	CHECK(t, !readable(room), "room signalled while full");
	CHECK(t, !(inb(&m, COM1 + UART_LSR) & UART_LSR_OE), "overrun on refused input");
	CHECK(t, inb(&m, COM1) == 'a', "first byte not first");
	CHECK(t, readable(room), "room not signalled");
	(void)!read(room, &count, sizeof(count));
	CHECK(t, hvx_serial_input(&m, in + 16, 4) == 1, "one free slot, took other than 1");
	for (i = 1; i < 17; i++) {
		v = inb(&m, COM1);
		CHECK(t, v == 'a' + i, "byte %d is %c", i, v);
	}
	CHECK(t, !(inb(&m, COM1 + UART_LSR) & UART_LSR_DR), "DR with an empty FIFO");
	/* FIFO reset empties the receiver. */
	CHECK(t, hvx_serial_input(&m, in, 5) == 5, "refill");
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	CHECK(t, !(inb(&m, COM1 + UART_LSR) & UART_LSR_DR), "RX FIFO reset left data");
	/* Loopback: the guest's own bytes overrun the FIFO (OE, extra byte lost). */
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP);
	CHECK(t, hvx_serial_input(&m, in, 1) == 0, "input taken in loopback");
	for (i = 0; i < 17; i++)
		outb(&m, COM1, 'A' + i);
	v = inb(&m, COM1 + UART_LSR);
	CHECK(t, (v & (UART_LSR_OE | UART_LSR_DR)) == (UART_LSR_OE | UART_LSR_DR), "LSR %#x", v);
	CHECK(t, !(inb(&m, COM1 + UART_LSR) & UART_LSR_OE), "OE not cleared by reading LSR");
	for (i = 0; i < 16; i++)
		CHECK(t, inb(&m, COM1) == 'A' + i, "looped byte %d", i);
	CHECK(t, !(inb(&m, COM1 + UART_LSR) & UART_LSR_DR), "17th byte kept");
	outb(&m, COM1 + UART_MCR, 0);
	CHECK(t, readable(room), "leaving loopback did not signal the waiting console");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_uart_irq_rx(void)
{
	const char *t = "uart_irq_rx_out2";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t b[8] = "12345678";
	uint8_t v;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	outb(&m, COM1 + UART_IER, UART_IER_RDI | UART_IER_RLSI);
	/* Without OUT2 the line stays low though IIR reports. */
	hvx_serial_input(&m, b, 1);
	CHECK(t, log.changes[4] == 0, "IRQ 4 moved without OUT2");
	CHECK(t, inb(&m, COM1 + UART_IIR) == (0xc0 | UART_IIR_RX_TIMEOUT), "IIR not RX timeout");
	outb(&m, COM1 + UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	CHECK(t, log.level[4] == 1, "OUT2 did not raise IRQ 4");
	/* Reaching the trigger level (8): "data available" instead of timeout. */
	hvx_serial_input(&m, b + 1, 7);
	v = inb(&m, COM1 + UART_IIR);
	CHECK(t, v == (0xc0 | UART_IIR_RDI), "IIR %#x at trigger level", v);
	while (inb(&m, COM1 + UART_LSR) & UART_LSR_DR)
		inb(&m, COM1);
	CHECK(t, log.level[4] == 0, "IRQ 4 still high with the FIFO drained");
	CHECK(t, inb(&m, COM1 + UART_IIR) == 0xc1, "IIR not 'none'");
	/* Loopback gates the line: the outputs are forced inactive. */
	outb(&m, COM1 + UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	outb(&m, COM1, 'z');
	CHECK(t, log.level[4] == 0 && (inb(&m, COM1 + UART_IIR) & UART_IIR_ID) == UART_IIR_RX_TIMEOUT,
	      "loopback: line %d", log.level[4]);
	ok(t);
out:
	hvx_machine_destroy(&m);
}

/* serial8250_do_startup()'s THRE test, and the transmit interrupt path. */
static void test_uart_irq_thre(void)
{
	const char *t = "uart_irq_thre";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t iir1, iir2;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	outb(&m, COM1 + UART_MCR, UART_MCR_OUT2);
	outb(&m, COM1 + UART_IER, UART_IER_THRI);
	CHECK(t, log.level[4] == 1, "enabling ETBEI with THR empty did not raise IRQ 4");
	iir1 = inb(&m, COM1 + UART_IIR);
	CHECK(t, log.level[4] == 0, "reading IIR (THRI) left IRQ 4 high");
	outb(&m, COM1 + UART_IER, 0);
	outb(&m, COM1 + UART_IER, UART_IER_THRI);
	iir2 = inb(&m, COM1 + UART_IIR);
	CHECK(t, iir1 == (0xc0 | UART_IIR_THRI) && iir2 == iir1, "IIR %#x then %#x", iir1, iir2);
	CHECK(t, inb(&m, COM1 + UART_IIR) == 0xc1, "THRI not cleared by reading IIR");
	/* Writing THR: THR empties again at once, THRI is pending again. */
	outb(&m, COM1, 'q');
	CHECK(t, log.level[4] == 1 && inb(&m, COM1 + UART_IIR) == (0xc0 | UART_IIR_THRI),
	      "no THRI after a write");
	outb(&m, COM1 + UART_IER, 0);
	CHECK(t, log.level[4] == 0, "IRQ 4 high with IER 0");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_uart_priority(void)
{
	const char *t = "uart_iir_priority_msr_deltas";
	struct hvx_machine m;
	struct irq_log log;
	int i;
	uint8_t v;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP);
	v = inb(&m, COM1 + UART_MSR);	/* entering loopback dropped CTS, DSR, DCD */
	CHECK(t, v == (UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD), "MSR %#x in loopback", v);
	for (i = 0; i < 17; i++)	/* data and an overrun */
		outb(&m, COM1, i);
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);	/* CTS change */
	outb(&m, COM1 + UART_IER, 0x0f);
	v = inb(&m, COM1 + UART_IIR) & UART_IIR_ID;
	CHECK(t, v == UART_IIR_RLSI, "first %#x, want line status", v);
	inb(&m, COM1 + UART_LSR);
	v = inb(&m, COM1 + UART_IIR) & UART_IIR_ID;
	CHECK(t, v == UART_IIR_RDI, "second %#x, want RX data", v);
	for (i = 0; i < 16; i++)
		inb(&m, COM1);
	v = inb(&m, COM1 + UART_IIR) & UART_IIR_ID;
	CHECK(t, v == UART_IIR_THRI, "third %#x, want THRE", v);
	v = inb(&m, COM1 + UART_IIR);
	CHECK(t, (v & UART_IIR_ID) == UART_IIR_MSI && !(v & UART_IIR_NO_INT), "fourth %#x, want MSI", v);
	v = inb(&m, COM1 + UART_MSR);
	CHECK(t, v == (UART_MSR_CTS | UART_MSR_DCTS), "MSR %#x", v);
	CHECK(t, inb(&m, COM1 + UART_MSR) == UART_MSR_CTS, "delta not cleared by reading");
	CHECK(t, inb(&m, COM1 + UART_IIR) == 0xc1, "still pending");
	/* Ring indicator: trailing edge only. */
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	v = inb(&m, COM1 + UART_MSR);
	CHECK(t, !(v & UART_MSR_TERI) && (v & UART_MSR_RI), "RI rising: %#x", v);
	outb(&m, COM1 + UART_MCR, UART_MCR_LOOP);
	CHECK(t, inb(&m, COM1 + UART_MSR) & UART_MSR_TERI, "no TERI on RI falling");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

/* ---- RTC and CMOS ---- */

static uint8_t cmos(struct hvx_machine *m, uint8_t reg)
{
	outb(m, 0x70, reg);
	return inb(m, 0x71);
}

static void cmos_write(struct hvx_machine *m, uint8_t reg, uint8_t v)
{
	outb(m, 0x70, reg);
	outb(m, 0x71, v);
}

static void set_now(const char *iso, long ns)
{
	struct tm tm = { 0 };

	strptime(iso, "%Y-%m-%d %H:%M:%S", &tm);
	fake_now.tv_sec = timegm(&tm);
	fake_now.tv_nsec = ns;
}

static void test_rtc_time(void)
{
	const char *t = "rtc_bcd_binary_12h";
	struct hvx_machine m;
	struct irq_log log;
	static const uint8_t bcd[] = { 0x56, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24 };
	static const uint8_t regs[] = { 0, 2, 4, 6, 7, 8, 9 };
	size_t i;

	set_now("2024-02-29 13:45:56", 0);	/* a Thursday */
	new_machine(&m, &log, -1, 64 * MiB, 0);
	CHECK(t, cmos(&m, 0x0b) == 0x02, "register B %#x, want 24-hour BCD", cmos(&m, 0x0b));
	for (i = 0; i < sizeof(regs); i++)
		CHECK(t, cmos(&m, regs[i]) == bcd[i], "BCD reg %#x = %#x, want %#x",
		      regs[i], cmos(&m, regs[i]), bcd[i]);
	CHECK(t, cmos(&m, 0x32) == 0x20, "century %#x", cmos(&m, 0x32));
	cmos_write(&m, 0x0b, 0x02 | 0x04);	/* binary */
	for (i = 0; i < sizeof(regs); i++)
		CHECK(t, cmos(&m, regs[i]) == (bcd[i] >> 4) * 10 + (bcd[i] & 0xf),
		      "binary reg %#x = %u", regs[i], cmos(&m, regs[i]));
	CHECK(t, cmos(&m, 0x32) == 20, "binary century %u", cmos(&m, 0x32));
	cmos_write(&m, 0x0b, 0x00);		/* 12-hour BCD: 1 PM */
	CHECK(t, cmos(&m, 4) == 0x81, "12-hour 13h = %#x, want 0x81", cmos(&m, 4));
	set_now("2024-02-29 00:10:00", 0);
	CHECK(t, cmos(&m, 4) == 0x12, "12-hour midnight = %#x, want 0x12", cmos(&m, 4));
	/* The NMI-disable bit of the index is ignored. */
	CHECK(t, cmos(&m, 0x80 | 0x02) == 0x10, "index bit 7 not ignored");
	CHECK(t, inb(&m, 0x70) == 0xff, "index port readable");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_rtc_set(void)
{
	const char *t = "rtc_set_time_and_uip";
	struct hvx_machine m;
	struct irq_log log;

	set_now("2024-02-29 13:45:56", 0);
	new_machine(&m, &log, -1, 64 * MiB, 0);
	/* As hwclock sets it: SET, write the registers, clear SET. */
	cmos_write(&m, 0x0b, 0x82);
	cmos_write(&m, 0, 0x00);
	cmos_write(&m, 2, 0x30);
	cmos_write(&m, 4, 0x08);
	cmos_write(&m, 7, 0x01);
	cmos_write(&m, 8, 0x01);
	cmos_write(&m, 9, 0x99);
	cmos_write(&m, 0x32, 0x19);
	fake_now.tv_sec += 100;		/* frozen while SET */
	CHECK(t, cmos(&m, 2) == 0x30 && cmos(&m, 0) == 0, "time moved while SET");
	CHECK(t, !(cmos(&m, 0x0a) & 0x80), "UIP while SET");
	cmos_write(&m, 0x0b, 0x02);
	fake_now.tv_sec += 65;
	CHECK(t, cmos(&m, 0) == 0x05 && cmos(&m, 2) == 0x31 && cmos(&m, 4) == 0x08 &&
	      cmos(&m, 9) == 0x99 && cmos(&m, 0x32) == 0x19,
	      "after 65 s: %02x:%02x:%02x year %02x%02x", cmos(&m, 4), cmos(&m, 2), cmos(&m, 0),
	      cmos(&m, 0x32), cmos(&m, 9));
	/* One field of the running clock. */
	cmos_write(&m, 4, 0x22);
	CHECK(t, cmos(&m, 4) == 0x22 && cmos(&m, 2) == 0x31, "setting the hour alone");
	/* UIP: only in the last 244 us before a second ends. */
	fake_now.tv_nsec = 999900000;
	CHECK(t, cmos(&m, 0x0a) == (0x26 | 0x80), "A = %#x near the update", cmos(&m, 0x0a));
	fake_now.tv_nsec = 999000000;
	CHECK(t, cmos(&m, 0x0a) == 0x26, "A = %#x 1 ms before the update", cmos(&m, 0x0a));
	cmos_write(&m, 0x0a, 0xa6);
	CHECK(t, cmos(&m, 0x0a) == 0x26, "UIP writable");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_rtc_flags(void)
{
	const char *t = "rtc_reg_c_d_no_interrupts";
	struct hvx_machine m;
	struct irq_log log;

	set_now("2024-02-29 13:45:56", 0);
	new_machine(&m, &log, -1, 64 * MiB, 0);
	cmos_write(&m, 0x0b, 0x02 | 0x40 | 0x20 | 0x10);	/* PIE, AIE, UIE */
	CHECK(t, cmos(&m, 0x0b) == 0x72, "B %#x", cmos(&m, 0x0b));
	fake_now.tv_sec += 3;
	CHECK(t, cmos(&m, 0x0c) == 0 && cmos(&m, 0x0c) == 0, "register C reports a flag");
	CHECK(t, log.changes[8] == 0, "IRQ 8 moved");
	CHECK(t, cmos(&m, 0x0d) == 0x80, "register D %#x, want VRT", cmos(&m, 0x0d));
	cmos_write(&m, 0x0d, 0);
	CHECK(t, cmos(&m, 0x0d) == 0x80, "register D writable");
	cmos_write(&m, 0x0b, 0x82);
	CHECK(t, !(cmos(&m, 0x0b) & 0x10), "SET did not clear UIE");
	cmos_write(&m, 0x50, 0x5a);
	CHECK(t, cmos(&m, 0x50) == 0x5a, "CMOS RAM byte does not hold");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static unsigned int cmos16(struct hvx_machine *m, uint8_t reg)
{
	return cmos(m, reg) | cmos(m, reg + 1) << 8;
}

static void test_cmos_memory(void)
{
	const char *t = "cmos_memory_sizes";
	struct hvx_machine m;
	struct irq_log log;
	unsigned int sum = 0, i;

	new_machine(&m, &log, -1, 32 * MiB, 0);
	CHECK(t, cmos16(&m, 0x15) == 640, "base %u KiB", cmos16(&m, 0x15));
	CHECK(t, cmos16(&m, 0x17) == 31 * 1024 && cmos16(&m, 0x30) == 31 * 1024,
	      "32 MiB: extended %u/%u KiB", cmos16(&m, 0x17), cmos16(&m, 0x30));
	CHECK(t, cmos16(&m, 0x34) == 256, "32 MiB: above 16 MiB %u x 64 KiB", cmos16(&m, 0x34));
	for (i = 0x10; i < 0x2e; i++)
		sum += cmos(&m, i);
	CHECK(t, cmos16(&m, 0x2e) == ((sum >> 8 & 0xff) | (sum & 0xff) << 8), "checksum");
	hvx_machine_destroy(&m);

	new_machine(&m, &log, -1, 6 * GiB, 3 * GiB);
	CHECK(t, cmos16(&m, 0x17) == 0xffff && cmos16(&m, 0x30) == 0xffff, "6 GiB: extended not capped");
	CHECK(t, cmos16(&m, 0x34) == (3 * GiB - 16 * MiB) >> 16, "6 GiB: above 16 MiB %#x",
	      cmos16(&m, 0x34));
	CHECK(t, (cmos16(&m, 0x5b) | cmos(&m, 0x5d) << 16) == (3 * GiB) >> 16, "6 GiB: above 4 GiB");
	hvx_machine_destroy(&m);

	new_machine(&m, &log, -1, 8 * GiB, 0);	/* all that fits below 4 GiB */
	CHECK(t, cmos16(&m, 0x34) == (4 * GiB - 16 * MiB) >> 16, "8 GiB: above 16 MiB %#x",
	      cmos16(&m, 0x34));
	CHECK(t, (cmos16(&m, 0x5b) | cmos(&m, 0x5d) << 16) == (4 * GiB) >> 16, "8 GiB: above 4 GiB");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

/* ---- i8042 ---- */

static int kbc_read(struct hvx_machine *m, uint8_t *status)
{
	*status = inb(m, 0x64);
	return (*status & 0x01) ? inb(m, 0x60) : -1;
}

/* i8042_controller_check(), _init() and i8042_check_aux() as Linux runs them. */
static void test_i8042_probe(void)
{
	const char *t = "i8042_probe";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t st;
	int v, ctr;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	st = inb(&m, 0x64);
	CHECK(t, !(st & 0x03) && (st & 0x10), "status %#x: want no data, input empty, unlocked", st);
	outb(&m, 0x64, 0xaa);
	CHECK(t, kbc_read(&m, &st) == 0x55, "self-test");
	outb(&m, 0x64, 0x20);
	ctr = kbc_read(&m, &st);
	CHECK(t, ctr >= 0 && !(st & 0x20), "command byte read: %d, status %#x", ctr, st);
	outb(&m, 0x64, 0x60);
	outb(&m, 0x60, (ctr | 0x10) & ~0x01);
	outb(&m, 0x64, 0x20);
	CHECK(t, kbc_read(&m, &st) == ((ctr | 0x10) & ~0x01), "command byte write");
	outb(&m, 0x64, 0xae);
	outb(&m, 0x64, 0x20);
	CHECK(t, !(kbc_read(&m, &st) & 0x10), "0xAE did not enable the keyboard");
	outb(&m, 0x64, 0xad);
	outb(&m, 0x64, 0x20);
	CHECK(t, kbc_read(&m, &st) & 0x10, "0xAD did not disable the keyboard");
	/* AUX loopback: the byte comes back as auxiliary data. */
	outb(&m, 0x64, 0xd3);
	outb(&m, 0x60, 0x5a);
	v = kbc_read(&m, &st);
	CHECK(t, v == 0x5a && (st & 0x20), "AUX loop: %#x status %#x", v, st);
	outb(&m, 0x64, 0xa7);
	outb(&m, 0x64, 0x20);
	CHECK(t, kbc_read(&m, &st) & 0x20, "0xA7 did not set AUXDIS");
	/* With AUXINT on, the loopback raises IRQ 12 until read. */
	outb(&m, 0x64, 0x60);
	outb(&m, 0x60, 0x47 & ~0x20);
	outb(&m, 0x64, 0xd3);
	outb(&m, 0x60, 0xa5);
	CHECK(t, log.level[12] == 1, "no IRQ 12");
	CHECK(t, inb(&m, 0x60) == 0xa5 && log.level[12] == 0, "IRQ 12 not lowered by the read");
	/* A byte to the keyboard: nothing there, time-out and 0xFE on IRQ 1. */
	outb(&m, 0x60, 0xf2);
	CHECK(t, log.level[1] == 1, "no IRQ 1 for the keyboard's answer");
	v = kbc_read(&m, &st);
	CHECK(t, v == 0xfe && (st & 0x40) && !(st & 0x20), "keyboard: %#x status %#x", v, st);
	/* And to the mouse. */
	outb(&m, 0x64, 0xd4);
	outb(&m, 0x60, 0xf2);
	v = kbc_read(&m, &st);
	CHECK(t, v == 0xfe && (st & 0x60) == 0x60, "mouse: %#x status %#x", v, st);
	CHECK(t, log.level[1] == 0 && log.level[12] == 0, "lines left high");
	/* A20 stays on; a write with bit 0 set does not reset. */
	outb(&m, 0x64, 0xd1);
	outb(&m, 0x60, 0xdd);
	outb(&m, 0x64, 0xd0);
	CHECK(t, (kbc_read(&m, &st) & 0x03) == 0x03, "output port lost A20 or reset line");
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "ended");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_i8042_reset(void)
{
	const char *t = "i8042_reset";
	struct hvx_machine m;
	struct irq_log log;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, 0x64, 0xff);		/* pulse nothing */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "0xFF reset");
	outb(&m, 0x64, 0xfe);		/* pulse the reset line */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_RESET, "0xFE did not reset");
	hvx_machine_destroy(&m);

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, 0x64, 0xd1);
	outb(&m, 0x60, 0xfe);		/* output port bit 0 low */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_RESET, "0xD1 bit 0 clear did not reset");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

/* ---- reset, power, fw_cfg, PCI, the bus ---- */

static void test_cf9(void)
{
	const char *t = "cf9_reset";
	struct hvx_machine m;
	struct irq_log log;
	int before = ends_seen, st;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, 0xcf9, 0x02);		/* Linux's BOOT_CF9: request, then reset */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "0x02 reset");
	CHECK(t, inb(&m, 0xcf9) == 0x02, "reads %#x", inb(&m, 0xcf9));
	outb(&m, 0xcf9, 0x06);
	CHECK(t, hvx_machine_ended(&m, &st) == HVX_END_RESET && ends_seen == before + 1,
	      "0x06 did not reset");
	outb(&m, 0xf4, 3);		/* the first ending stays */
	CHECK(t, hvx_machine_ended(&m, &st) == HVX_END_RESET && ends_seen == before + 1,
	      "a later ending replaced the first");
	hvx_machine_destroy(&m);
	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, 0xcf9, 0x0e);
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_RESET, "0x0e did not reset");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_sleep(void)
{
	const char *t = "acpi_sleep_poweroff";
	struct hvx_machine m;
	struct irq_log log;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	/* ACPICA: clear WAK_STS, then SLP_TYP | SLP_EN. */
	outb(&m, HVX_ACPI_SLEEP_STATUS_PORT, 0x80);
	CHECK(t, inb(&m, HVX_ACPI_SLEEP_STATUS_PORT) == 0, "WAK_STS set at start");
	outb(&m, HVX_ACPI_SLEEP_CONTROL_PORT, 3 << 2);	/* no SLP_EN */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE &&
	      inb(&m, HVX_ACPI_SLEEP_STATUS_PORT) == 0, "SLP_TYP alone acted");
	outb(&m, HVX_ACPI_SLEEP_CONTROL_PORT, 3 << 2 | 0x20);	/* not S5: wakes at once */
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "S3 ended the machine");
	CHECK(t, inb(&m, HVX_ACPI_SLEEP_STATUS_PORT) == 0x80, "no WAK_STS after a sleep");
	outb(&m, HVX_ACPI_SLEEP_STATUS_PORT, 0x80);
	CHECK(t, inb(&m, HVX_ACPI_SLEEP_STATUS_PORT) == 0, "WAK_STS not write-1-to-clear");
	outb(&m, HVX_ACPI_SLEEP_CONTROL_PORT, HVX_ACPI_SLP_TYP_S5 << 2 | 0x20);
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_POWEROFF, "S5 did not power off");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_fwcfg(void)
{
	const char *t = "fw_cfg";
	struct hvx_machine m;
	struct irq_log log;
	char sig[5] = { 0 };
	uint64_t ram = 0;
	unsigned int ncpus;
	int i;

	new_machine(&m, &log, -1, 96 * MiB, 0);
	outw(&m, 0x510, 0x0000);
	for (i = 0; i < 4; i++)
		sig[i] = inb(&m, 0x511);
	CHECK(t, !strcmp(sig, "QEMU"), "signature '%s'", sig);
	CHECK(t, inb(&m, 0x511) == 0, "read past the end not 0");
	outw(&m, 0x510, 0x0000);
	CHECK(t, inb(&m, 0x511) == 'Q', "select did not reset the offset");
	outw(&m, 0x510, 0x0001);
	CHECK(t, inb(&m, 0x511) == 1 && inb(&m, 0x511) == 0, "ID: want traditional interface, no DMA");
	outw(&m, 0x510, 0x0005);
	ncpus = inb(&m, 0x511);
	ncpus |= inb(&m, 0x511) << 8;
	CHECK(t, ncpus == 2, "CPU count %u", ncpus);
	outw(&m, 0x510, 0x0003);
	for (i = 0; i < 8; i++)
		ram |= (uint64_t)inb(&m, 0x511) << (8 * i);
	CHECK(t, ram == 96 * MiB, "RAM size %#llx", (unsigned long long)ram);
	outw(&m, 0x510, 0x0019);	/* file directory: no files */
	CHECK(t, inb(&m, 0x511) == 0 && inb(&m, 0x511) == 0, "file directory not empty");
	outw(&m, 0x510, 0x8003);
	CHECK(t, inb(&m, 0x511) == 0, "unknown key not 0");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_pci_absent(void)
{
	const char *t = "pci_absent";
	struct hvx_machine m;
	struct irq_log log;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	/* pci_check_type1(): CONFIG_ADDRESS reads back what was written. */
	outl(&m, 0xcf8, 0x80000000);
	CHECK(t, inl(&m, 0xcf8) == 0x80000000, "CONFIG_ADDRESS %#x", inl(&m, 0xcf8));
	outl(&m, 0xcf8, 0xffffffff);
	CHECK(t, inl(&m, 0xcf8) == 0x80fffffc, "reserved bits: %#x", inl(&m, 0xcf8));
	outl(&m, 0xcf8, 0x80000000);
	CHECK(t, inl(&m, 0xcfc) == 0xffffffff, "vendor/device of 00:00.0 not all ones");
	CHECK(t, inw(&m, 0xcfe) == 0xffff && inb(&m, 0xcfd) == 0xff, "narrow config reads");
	outl(&m, 0xcfc, 0);
	CHECK(t, inl(&m, 0xcfc) == 0xffffffff, "config write stuck");
	/* Byte accesses do not reach CONFIG_ADDRESS (pci_check_type2 reads 0xff). */
	outb(&m, 0xcf8, 0x00);
	CHECK(t, inb(&m, 0xcf8) == 0xff && inb(&m, 0xcfa) == 0xff, "byte CONFIG_ADDRESS");
	CHECK(t, inl(&m, 0xcf8) == 0x80000000, "a byte write changed CONFIG_ADDRESS");
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "ended");
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_unclaimed(void)
{
	const char *t = "unclaimed_ports_and_mmio";
	struct hvx_machine m;
	struct irq_log log;
	uint8_t buf[8];
	uint64_t q = 0;
	int st;

	new_machine(&m, &log, -1, 64 * MiB, 0);
	CHECK(t, inb(&m, 0x123) == 0xff && inw(&m, 0x2f8) == 0xffff && inl(&m, 0x1234) == 0xffffffff,
	      "reads not all ones");
	outb(&m, 0x80, 0x12);		/* POST code: dropped */
	memset(buf, 0, sizeof(buf));
	hvx_machine_pio(&m, 0x2f8, true, buf, 2, 4);	/* REP INSW */
	CHECK(t, !memcmp(buf, "\xff\xff\xff\xff\xff\xff\xff\xff", 8), "string read");
	hvx_machine_mmio(&m, 0xfee00000ull + 0x1000000, false, &q, 8);
	CHECK(t, q == ~0ull, "MMIO read %#llx", (unsigned long long)q);
	/* A word access to a byte-wide device is two byte accesses: MSR, SCR. */
	outw(&m, COM1 + UART_SCR - 1, 0x5a00);
	CHECK(t, inb(&m, COM1 + UART_SCR) == 0x5a, "word access not split");
	CHECK(t, inb(&m, 0xf4) == 0xff, "debug-exit read");
	outb(&m, 0xf4, 0x10);
	CHECK(t, hvx_machine_ended(&m, &st) == HVX_END_DEBUG_EXIT && st == 0x21,
	      "debug-exit status %#x", st);
	ok(t);
out:
	hvx_machine_destroy(&m);
}

static void test_two_machines(void)
{
	const char *t = "machines_independent";
	struct hvx_machine a, b;
	struct irq_log la, lb;

	new_machine(&a, &la, -1, 64 * MiB, 0);
	new_machine(&b, &lb, -1, 64 * MiB, 0);
	outb(&a, COM1 + UART_SCR, 1);
	outb(&b, COM1 + UART_SCR, 2);
	outb(&a, 0xcf9, 0x06);
	CHECK(t, inb(&a, COM1 + UART_SCR) == 1 && inb(&b, COM1 + UART_SCR) == 2, "shared UART state");
	CHECK(t, hvx_machine_ended(&b, NULL) == HVX_END_NONE, "ending shared");
	ok(t);
out:
	hvx_machine_destroy(&a);
	hvx_machine_destroy(&b);
}

/* ---- console ---- */

static void test_console_filter(void)
{
	const char *t = "console_escape_keys";
	struct hvx_escape e = { 0 };
	uint8_t out[32];
	bool quit;
	size_t n;

	n = hvx_console_filter(&e, (const uint8_t *)"a\x01\x01" "b\x01zc\x01", 8, out, &quit);
	CHECK(t, n == 4 && !memcmp(out, "a\x01" "bc", 4) && !quit && e.got_escape,
	      "got %zu bytes", n);
	n = hvx_console_filter(&e, (const uint8_t *)"xyz", 3, out, &quit);
	CHECK(t, n == 0 && quit, "Ctrl-A x across reads: %zu, quit %d", n, quit);
	e = (struct hvx_escape){ 0 };
	n = hvx_console_filter(&e, (const uint8_t *)"\x03q\x01h", 4, out, &quit);
	CHECK(t, n == 2 && !memcmp(out, "\x03q", 2) && e.help && !quit, "Ctrl-C or help");
	ok(t);
out:
	;
}

/* Scripted console: 100 bytes through a 16-byte FIFO, none lost, then EOF. */
static void test_console_scripted(void)
{
	const char *t = "console_scripted_no_loss";
	struct hvx_console *c = NULL;
	struct hvx_machine m;
	struct irq_log log;
	uint8_t in[100], got[100];
	struct timespec pause = { 0, 1000000 };
	int p[2], i, n = 0, idle = 0, r;

	if (pipe(p)) {
		fail(t, "pipe: %s", strerror(errno));
		return;
	}
	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	r = hvx_console_start(&c, &m, p[0]);
	CHECK(t, !r, "start: %s", strerror(-r));
	for (i = 0; i < 100; i++)
		in[i] = i;
	CHECK(t, write(p[1], in, 100) == 100, "write");
	close(p[1]);
	p[1] = -1;
	while (n < 100 && idle < 2000) {
		if (inb(&m, COM1 + UART_LSR) & UART_LSR_DR) {
			got[n++] = inb(&m, COM1);
			idle = 0;
		} else {
			nanosleep(&pause, NULL);
			idle++;
		}
	}
	CHECK(t, n == 100 && !memcmp(in, got, 100), "received %d bytes", n);
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "EOF ended the machine");
	ok(t);
out:
	hvx_console_stop(c);
	hvx_machine_destroy(&m);
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

/* Stopping a console that waits for room in a full FIFO. */
static void test_console_stop_while_full(void)
{
	const char *t = "console_stop_while_waiting";
	struct hvx_console *c = NULL;
	struct hvx_machine m;
	struct irq_log log;
	uint8_t in[40] = { 0 };
	struct timespec pause = { 0, 20000000 };
	int p[2], r;

	if (pipe(p)) {
		fail(t, "pipe: %s", strerror(errno));
		return;
	}
	new_machine(&m, &log, -1, 64 * MiB, 0);
	r = hvx_console_start(&c, &m, p[0]);
	CHECK(t, !r, "start: %s", strerror(-r));
	CHECK(t, write(p[1], in, sizeof(in)) == sizeof(in), "write");
	nanosleep(&pause, NULL);	/* the thread fills RBR and waits */
	CHECK(t, inb(&m, COM1 + UART_LSR) & UART_LSR_DR, "nothing delivered");
	ok(t);
out:
	hvx_console_stop(c);	/* must return */
	hvx_machine_destroy(&m);
	close(p[0]);
	close(p[1]);
}

/* On a terminal: raw mode, Ctrl-A x quits, the settings come back. */
static void test_console_tty(void)
{
	const char *t = "console_tty_raw_quit_restore";
	struct hvx_console *c = NULL;
	struct hvx_machine m;
	struct irq_log log;
	struct termios before, during, after;
	struct timespec pause = { 0, 1000000 };
	uint8_t got[3];
	int master, slave = -1, n = 0, i, r;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		fail(t, "no pseudo-terminal: %s", strerror(errno));
		return;
	}
	new_machine(&m, &log, -1, 64 * MiB, 0);
	outb(&m, COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	tcgetattr(slave, &before);
	r = hvx_console_start(&c, &m, slave);
	CHECK(t, !r, "start: %s", strerror(-r));
	tcgetattr(slave, &during);
	CHECK(t, !(during.c_lflag & (ICANON | ECHO | ISIG)) && !(during.c_iflag & ICRNL),
	      "not raw: lflag %#x iflag %#x", during.c_lflag, during.c_iflag);
	CHECK(t, write(master, "a\r\x01\x01", 4) == 4, "write");
	for (i = 0; i < 2000 && n < 3; i++) {
		if (inb(&m, COM1 + UART_LSR) & UART_LSR_DR)
			got[n++] = inb(&m, COM1);
		else
			nanosleep(&pause, NULL);
	}
	CHECK(t, n == 3 && !memcmp(got, "a\r\x01", 3), "received %d bytes", n);
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_NONE, "ended early");
	CHECK(t, write(master, "\x01x", 2) == 2, "write");
	for (i = 0; i < 2000 && hvx_machine_ended(&m, NULL) == HVX_END_NONE; i++)
		nanosleep(&pause, NULL);
	CHECK(t, hvx_machine_ended(&m, NULL) == HVX_END_QUIT, "Ctrl-A x did not quit");
	hvx_console_stop(c);
	c = NULL;
	tcgetattr(slave, &after);
	CHECK(t, after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag,
	      "terminal not restored");
	ok(t);
out:
	hvx_console_stop(c);
	hvx_machine_destroy(&m);
	close(slave);
	close(master);
}

int main(void)
{
	test_uart_autoconfig();
	test_uart_tx();
	test_uart_rx_fifo();
	test_uart_irq_rx();
	test_uart_irq_thre();
	test_uart_priority();
	test_rtc_time();
	test_rtc_set();
	test_rtc_flags();
	test_cmos_memory();
	test_i8042_probe();
	test_i8042_reset();
	test_cf9();
	test_sleep();
	test_fwcfg();
	test_pci_absent();
	test_unclaimed();
	test_two_machines();
	test_console_filter();
	test_console_scripted();
	test_console_stop_while_full();
	test_console_tty();
	return summary();
}
