// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's isa-debug-exit at port 0xf4: a write of v (1, 2 or 4 bytes)
 * ends the run with process exit status (v << 1) | 1, so test kernels
 * written for QEMU run unchanged. Reads float high.
 */
#include <string.h>
#include "devices.h"

#define DEBUG_EXIT_PORT 0xf4

static void debugexit_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
			 uint8_t *data, unsigned int size)
{
	uint32_t v = 0;

	if (in) {
		memset(data, 0xff, size);
		return;
	}
	memcpy(&v, data, size);
	hvx_machine_end_locked(m, HVX_END_DEBUG_EXIT, ((v << 1) | 1) & 0xff);
}

static const struct hvx_ports debugexit_ports[] = {
	{ DEBUG_EXIT_PORT, 1, HVX_IO_8 | HVX_IO_16 | HVX_IO_32 },
};

const struct hvx_device debugexit_device = {
	.name = "debug-exit",
	.ports = debugexit_ports,
	.nports = 1,
	.io = debugexit_io,
};
