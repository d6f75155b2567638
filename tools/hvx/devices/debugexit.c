// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's isa-debug-exit at port 0xf4: a write of v ends the run with
 * process exit status (v << 1) | 1, so test kernels written for QEMU run
 * unchanged.
 */
#include <string.h>
#include "devices.h"

static void debugexit_io(struct hvx_machine *m, uint16_t port, bool in,
			 uint8_t *data, unsigned int size)
{
	uint32_t v = 0;

	if (in) {
		memset(data, 0xff, size);
		return;
	}
	memcpy(&v, data, size < 4 ? size : 4);
	m->exit_requested = true;
	m->exit_status = ((v << 1) | 1) & 0xff;
}

const struct hvx_device debugexit_device = {
	.name = "debug-exit", .port = 0xf4, .nports = 1, .io = debugexit_io,
};
