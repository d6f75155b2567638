// SPDX-License-Identifier: GPL-2.0
/*
 * A PC without PCI devices, answering configuration mechanism #1 the way
 * a host bridge with nothing behind it does (PCI Local Bus Specification
 * 3.0, 3.2.2.3.2 "Software Generation of Configuration Transactions"):
 * CONFIG_ADDRESS at 0xcf8 is latched by dword accesses only (smaller ones
 * pass through as ordinary I/O: the byte at 0xcf9 is the reset register,
 * power.c) and reads back, with its reserved bits 30:24 and 1:0 as 0;
 * CONFIG_DATA at 0xcfc-0xcff reads all ones for every function, which is
 * "no device here" (a master abort), and drops writes.
 */
#include <stdint.h>
#include <string.h>
#include "devices.h"

#define CONFIG_ADDRESS		0xcf8
#define CONFIG_DATA		0xcfc
#define CONFIG_ADDRESS_MASK	0x80fffffcu

struct pci {
	uint32_t address;
};

static void pci_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		   uint8_t *data, unsigned int size)
{
	struct pci *p = state;
	uint32_t v;

	if (port == CONFIG_ADDRESS && size == 4) {
		if (in) {
			memcpy(data, &p->address, 4);
		} else {
			memcpy(&v, data, 4);
			p->address = v & CONFIG_ADDRESS_MASK;
		}
		return;
	}
	if (in)			/* CONFIG_DATA: no function answers */
		memset(data, 0xff, size);
}

static const struct hvx_ports pci_ports[] = {
	{ CONFIG_ADDRESS, 1, HVX_IO_32 },
	{ CONFIG_DATA, 4, HVX_IO_8 | HVX_IO_16 | HVX_IO_32 },
};

const struct hvx_device pci_device = {
	.name = "pci",
	.ports = pci_ports,
	.nports = 2,
	.state_size = sizeof(struct pci),
	.io = pci_io,
};
