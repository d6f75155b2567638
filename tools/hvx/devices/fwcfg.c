// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's firmware configuration device on its x86 I/O ports (QEMU's
 * docs/specs/fw_cfg.rst; keys from <linux/qemu_fw_cfg.h>), so test kernels
 * written for QEMU find what they look for there: a 16-bit write to 0x510
 * selects an item and resets the read offset, each byte read at 0x511
 * returns the next byte of the item, and 0 past its end. Items: the
 * signature "QEMU", the interface ID (FW_CFG_VERSION: the port interface;
 * no DMA), the RAM size (64-bit), the number of CPUs (16-bit) and the
 * maximum number of CPUs (16-bit), little endian. Every other key is an
 * empty item, which reads 0 (so the file directory has no entries).
 * Writes to the data port are ignored (QEMU's spec marks them obsolete).
 */
#include <stdint.h>
#include <string.h>
#include <linux/qemu_fw_cfg.h>
#include "devices.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511

struct fwcfg {
	uint8_t item[8];	/* the selected item */
	uint32_t len, offset;
};

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static void fwcfg_select(struct hvx_machine *m, struct fwcfg *f, uint16_t key)
{
	f->offset = 0;
	f->len = 0;
	switch (key) {
	case FW_CFG_SIGNATURE:
		memcpy(f->item, "QEMU", FW_CFG_SIG_SIZE);
		f->len = FW_CFG_SIG_SIZE;
		break;
	case FW_CFG_ID:
		put_le(f->item, FW_CFG_VERSION, 4);
		f->len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		put_le(f->item, m->cfg.ram_size, 8);
		f->len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		put_le(f->item, m->cfg.ncpus, 2);
		f->len = 2;
		break;
	}
}

static void fwcfg_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		     uint8_t *data, unsigned int size)
{
	struct fwcfg *f = state;

	if (port == FW_CFG_PORT_SEL) {		/* 16-bit; write-only */
		if (in)
			memset(data, 0xff, size);
		else
			fwcfg_select(m, f, data[0] | data[1] << 8);
		return;
	}
	if (!in)
		return;
	data[0] = f->offset < f->len ? f->item[f->offset] : 0;
	if (f->offset < f->len)
		f->offset++;
}

static const struct hvx_ports fwcfg_ports[] = {
	{ FW_CFG_PORT_SEL, 1, HVX_IO_16 },
	{ FW_CFG_PORT_DATA, 1, HVX_IO_8 },
};

const struct hvx_device fwcfg_device = {
	.name = "fw_cfg",
	.ports = fwcfg_ports,
	.nports = 2,
	.state_size = sizeof(struct fwcfg),
	.io = fwcfg_io,
};
