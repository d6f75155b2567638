// SPDX-License-Identifier: GPL-2.0
/*
 * The PS/2 keyboard controller (Intel 8042) at ports 0x60 (data) and 0x64
 * (status / command), IRQ 1 (keyboard) and 12 (auxiliary), with nothing
 * plugged into either port. What a guest needs from it: the reset line
 * (command 0xFE, or output port bit 0 through 0xD1), the A20 gate (always
 * on here), and answers that let Linux's i8042 driver finish its probe at
 * once. Command and status bits are those of the IBM PS/2 Hardware
 * Interface Technical Reference, "Keyboard/Auxiliary Device Controller".
 *
 * How Linux's probe (drivers/input/serio/i8042.c) goes here: the status
 * port shows no pending data, so the flush succeeds; the command byte
 * reads back (0x20/0x60); the auxiliary loopback (0xD3) echoes with the
 * auxiliary bit and raises IRQ 12 when enabled, so the AUX port is found
 * without the driver's 500 ms timeouts; then a byte sent to either device
 * gets the controller's answer for a device that does not respond: the
 * time-out status bit with 0xFE, through the port's interrupt, and the
 * atkbd and psmouse drivers give up at once. (With ACPI, a FADT whose
 * IAPC_BOOT_ARCH lacks the 8042 flag makes Linux skip the driver.)
 *
 * Not modelled: keyboards and mice, scan codes, the password and
 * input-port commands (unknown commands are ignored, as the 8042 does),
 * and the real controller's delays (IBF never reads 1).
 */
#include <stdint.h>
#include "devices.h"

#define I8042_DATA	0x60
#define I8042_CMD	0x64
#define KBD_IRQ		1
#define AUX_IRQ		12

/* Status register */
#define STR_OBF		0x01	/* output buffer full */
#define STR_SYS		0x04	/* system flag: self-test passed */
#define STR_CMDDAT	0x08	/* last write was to the command port */
#define STR_KEYLOCK	0x10	/* 1: keyboard not inhibited */
#define STR_AUXDATA	0x20	/* output buffer holds auxiliary data */
#define STR_TIMEOUT	0x40	/* general time-out */

/* Controller command byte (RAM byte 0) */
#define CTR_KBDINT	0x01
#define CTR_AUXINT	0x02
#define CTR_SYS		0x04
#define CTR_KBDDIS	0x10
#define CTR_AUXDIS	0x20
#define CTR_XLATE	0x40

/* Output port */
#define OUT_RESET	0x01	/* 0 holds the CPU in reset */
#define OUT_A20		0x02

/* Answer of a device that does not respond (with STR_TIMEOUT). */
#define NO_DEVICE	0xfe

struct i8042 {
	uint8_t status;
	uint8_t out;		/* output buffer */
	uint8_t ram[32];	/* ram[0] is the command byte */
	uint8_t outport;
	uint8_t pending;	/* command waiting for its data byte, or 0 */
};

/* Each port's interrupt follows "output buffer full" with its data, if enabled. */
static void update_irq(struct hvx_machine *m, struct i8042 *k)
{
	bool full = k->status & STR_OBF, aux = k->status & STR_AUXDATA;

	hvx_machine_irq(m, KBD_IRQ, full && !aux && (k->ram[0] & CTR_KBDINT));
	hvx_machine_irq(m, AUX_IRQ, full && aux && (k->ram[0] & CTR_AUXINT));
}

/* A byte for the host; it replaces one not yet read, as on the 8042. */
static void output(struct i8042 *k, uint8_t v, bool aux, bool timeout)
{
	k->out = v;
	k->status &= ~(STR_AUXDATA | STR_TIMEOUT);
	k->status |= STR_OBF | (aux ? STR_AUXDATA : 0) | (timeout ? STR_TIMEOUT : 0);
}

static void reset_pulse(struct hvx_machine *m)
{
	hvx_machine_end_locked(m, HVX_END_RESET, 0);
}

static void command(struct hvx_machine *m, struct i8042 *k, uint8_t cmd)
{
	k->pending = 0;
	if (cmd >= 0x20 && cmd <= 0x3f) {	/* read RAM byte */
		output(k, k->ram[cmd - 0x20], false, false);
		return;
	}
	if (cmd >= 0xf0) {			/* pulse output port bits whose bit is 0 */
		if (!(cmd & OUT_RESET))
			reset_pulse(m);
		return;
	}
	switch (cmd) {
	case 0x60 ... 0x7f:	/* write RAM byte */
	case 0xd1:		/* write output port */
	case 0xd2:		/* write keyboard output buffer */
	case 0xd3:		/* write auxiliary output buffer */
	case 0xd4:		/* write to the auxiliary device */
		k->pending = cmd;
		break;
	case 0xa7: k->ram[0] |= CTR_AUXDIS; break;
	case 0xa8: k->ram[0] &= ~CTR_AUXDIS; break;
	case 0xa9: output(k, 0x00, false, false); break;	/* aux interface test: lines fine */
	case 0xaa:						/* self-test */
		k->status |= STR_SYS;
		output(k, 0x55, false, false);
		break;
	case 0xab: output(k, 0x00, false, false); break;	/* keyboard interface test */
	case 0xad: k->ram[0] |= CTR_KBDDIS; break;
	case 0xae: k->ram[0] &= ~CTR_KBDDIS; break;
	case 0xd0: output(k, k->outport, false, false); break;
	default: break;		/* unknown commands are ignored */
	}
}

static void data_write(struct hvx_machine *m, struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case 0x60 ... 0x7f:
		k->ram[cmd - 0x60] = v;
		break;
	case 0xd1:
		k->outport = v | OUT_A20;	/* A20 cannot be turned off */
		if (!(v & OUT_RESET))
			reset_pulse(m);
		break;
	case 0xd2:
		output(k, v, false, false);
		break;
	case 0xd3:
		output(k, v, true, false);
		break;
	case 0xd4:			/* to the mouse: nothing answers */
		output(k, NO_DEVICE, true, true);
		break;
	default:			/* to the keyboard: nothing answers */
		k->ram[0] &= ~CTR_KBDDIS;	/* sending to the keyboard enables its port */
		output(k, NO_DEVICE, false, true);
		break;
	}
}

static void i8042_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		     uint8_t *data, unsigned int size)
{
	struct i8042 *k = state;

	if (in && port == I8042_DATA) {
		data[0] = k->out;
		k->status &= ~STR_OBF;
	} else if (in) {
		data[0] = k->status;
	} else if (port == I8042_DATA) {
		k->status &= ~STR_CMDDAT;
		data_write(m, k, data[0]);
	} else {
		k->status |= STR_CMDDAT;
		command(m, k, data[0]);
	}
	update_irq(m, k);
}

/* As firmware leaves it: self-test passed, keyboard interrupt on, AUX off, translation. */
static int i8042_init(struct hvx_machine *m, void *state)
{
	struct i8042 *k = state;

	k->status = STR_SYS | STR_KEYLOCK;
	k->ram[0] = CTR_KBDINT | CTR_SYS | CTR_AUXDIS | CTR_XLATE;
	k->outport = OUT_RESET | OUT_A20;
	return 0;
}

static const struct hvx_ports i8042_ports[] = {
	{ I8042_DATA, 1, HVX_IO_8 },
	{ I8042_CMD, 1, HVX_IO_8 },
};

const struct hvx_device i8042_device = {
	.name = "i8042",
	.ports = i8042_ports,
	.nports = 2,
	.state_size = sizeof(struct i8042),
	.init = i8042_init,
	.io = i8042_io,
};
