// SPDX-License-Identifier: GPL-2.0
/*
 * COM1 as far as a guest that prints needs it: the transmit holding
 * register goes to stdout, and the line status register always says the
 * transmitter is empty. (The full 16550A with interrupts and input comes
 * with the Linux loader.)
 */
#include <stdio.h>
#include <unistd.h>
#include <linux/serial_reg.h>
#include "devices.h"

#define COM1 0x3f8

static void serial_io(struct hvx_machine *m, uint16_t port, bool in,
		      uint8_t *data, unsigned int size)
{
	unsigned int reg = port - COM1;

	if (!in) {
		if (reg == UART_TX)
			(void)!write(STDOUT_FILENO, data, 1);
		return;
	}
	data[0] = reg == UART_LSR ? UART_LSR_TEMT | UART_LSR_THRE : 0;
}

const struct hvx_device serial_device = {
	.name = "serial", .port = COM1, .nports = 8, .io = serial_io,
};
