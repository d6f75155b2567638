// SPDX-License-Identifier: GPL-2.0
/*
 * Reset and power-off.
 *
 * The reset control register at 0xcf9 (Intel I/O Controller Hub and PCH
 * datasheets, "Reset Control Register"): bit 1 SYS_RST and bit 3 FULL_RST
 * choose the kind of reset and read back; setting bit 2 RST_CPU resets.
 * Every kind ends the run the same way. It is a byte register inside the
 * dword of PCI's CONFIG_ADDRESS: only byte accesses reach it (pci.c takes
 * the dword ones). The FADT's RESET_REG points here too.
 *
 * The hardware-reduced ACPI sleep registers (ACPI 6.x, 4.8.3.7 "Sleep
 * Control and Status Registers"), 8 bits each: writing SLEEP_CONTROL with
 * SLP_EN (bit 5) and SLP_TYP (bits 4:2) = \_S5's value powers off. The
 * only sleep state is S5: another SLP_TYP wakes at once, WAK_STS (bit 7
 * of SLEEP_STATUS, write 1 to clear) set, which is what the OS polls for
 * after a sleep (ACPICA acpi_hw_extended_sleep), so it goes on running.
 *
 * The PM1a event and control blocks of the PC FADT that loader/acpi.c
 * builds by default (ACPI 6.x, 4.8.3.1 "PM1 Event Grouping" and 4.8.3.2
 * "PM1 Control Grouping"), 16-bit registers reached by byte or word:
 * PM1a_STS reads 0 (no fixed event ever pends; write-1-to-clear is moot),
 * PM1a_EN keeps what is written, PM1a_CNT has SCI_EN set (the machine is
 * in ACPI mode from the start: the FADT has no SMI_CMD) and SLP_EN is
 * write-only. Linux writes SLP_TYP, then SLP_TYP | SLP_EN
 * (acpi_hw_legacy_sleep): SLP_EN with \_S5's SLP_TYP powers off.
 */
#include <stdint.h>
#include "devices.h"
#include "../loader/loader.h"

#define RST_SYS		0x02
#define RST_CPU		0x04
#define RST_FULL	0x08

#define SLP_TYP_SHIFT	2
#define SLP_TYP_MASK	0x1c
#define SLP_EN		0x20
#define WAK_STS		0x80

struct power {
	uint8_t rst_cnt;	/* SYS_RST and FULL_RST as last written */
	uint8_t sleep_status;
	uint16_t pm1_en;
	uint16_t pm1_cnt;	/* without SLP_EN */
};

/* One byte of the PM1 block at port (a word access comes as two bytes). */
static void pm1_byte(struct hvx_machine *m, struct power *p, uint16_t port, bool in,
		     uint8_t *data)
{
	unsigned int off = port - HVX_ACPI_PM1_EVT_PORT, shift = (off & 1) * 8;
	uint16_t *reg, v;

	switch (off >> 1) {
	case 0:		/* PM1a_STS */
		if (in)
			data[0] = 0;
		return;
	case 1:		/* PM1a_EN */
		reg = &p->pm1_en;
		break;
	default:	/* PM1a_CNT */
		reg = &p->pm1_cnt;
		break;
	}
	if (in) {
		v = *reg | (reg == &p->pm1_cnt ? HVX_ACPI_PM1_SCI_EN : 0);
		data[0] = v >> shift;
		return;
	}
	v = (*reg & ~(0xff << shift)) | (data[0] << shift);
	if (reg == &p->pm1_cnt) {
		unsigned int typ = (v & HVX_ACPI_PM1_SLP_TYP_MASK) >> HVX_ACPI_PM1_SLP_TYP_SHIFT;

		if ((v & HVX_ACPI_PM1_SLP_EN) && typ == HVX_ACPI_SLP_TYP_S5)
			hvx_machine_end_locked(m, HVX_END_POWEROFF, 0);
		v &= ~HVX_ACPI_PM1_SLP_EN;
	}
	*reg = v;
}

static void reset_control(struct hvx_machine *m, struct power *p, bool in, uint8_t *data)
{
	if (in) {
		data[0] = p->rst_cnt;
		return;
	}
	p->rst_cnt = data[0] & (RST_SYS | RST_FULL);
	if (data[0] & RST_CPU)
		hvx_machine_end_locked(m, HVX_END_RESET, 0);
}

static void sleep_control(struct hvx_machine *m, struct power *p, bool in, uint8_t *data)
{
	unsigned int typ = (data[0] & SLP_TYP_MASK) >> SLP_TYP_SHIFT;

	if (in) {		/* SLP_EN reads 0; nothing else is kept */
		data[0] = 0;
		return;
	}
	if (!(data[0] & SLP_EN))
		return;
	if (typ == HVX_ACPI_SLP_TYP_S5)
		hvx_machine_end_locked(m, HVX_END_POWEROFF, 0);
	else
		p->sleep_status |= WAK_STS;
}

static void power_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		     uint8_t *data, unsigned int size)
{
	struct power *p = state;

	if (port >= HVX_ACPI_PM1_EVT_PORT && port < HVX_ACPI_PM1_CNT_PORT + 2) {
		unsigned int i;

		for (i = 0; i < size; i++)
			pm1_byte(m, p, port + i, in, data + i);
		return;
	}
	switch (port) {
	case HVX_ACPI_RESET_PORT:
		reset_control(m, p, in, data);
		break;
	case HVX_ACPI_SLEEP_CONTROL_PORT:
		sleep_control(m, p, in, data);
		break;
	case HVX_ACPI_SLEEP_STATUS_PORT:
		if (in)
			data[0] = p->sleep_status;
		else
			p->sleep_status &= ~(data[0] & WAK_STS);
		break;
	}
}

static const struct hvx_ports power_ports[] = {
	{ HVX_ACPI_RESET_PORT, 1, HVX_IO_8 },
	{ HVX_ACPI_SLEEP_CONTROL_PORT, 1, HVX_IO_8 },
	{ HVX_ACPI_SLEEP_STATUS_PORT, 1, HVX_IO_8 },
	{ HVX_ACPI_PM1_EVT_PORT, HVX_ACPI_PM1_CNT_PORT + 2 - HVX_ACPI_PM1_EVT_PORT,
	  HVX_IO_8 | HVX_IO_16 },
};

const struct hvx_device power_device = {
	.name = "power",
	.ports = power_ports,
	.nports = sizeof(power_ports) / sizeof(power_ports[0]),
	.state_size = sizeof(struct power),
	.io = power_io,
};
