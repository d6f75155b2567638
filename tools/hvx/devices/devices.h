/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Devices of `hvx run`, each in its own file, registered in one table
 * (devices.c). A device claims a range of I/O ports; the run loop hands
 * it every KVM_EXIT_IO in that range.
 */
#ifndef HVX_DEVICES_H
#define HVX_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

struct hvx_machine;

struct hvx_device {
	const char *name;
	uint16_t port, nports;
	/* in: fill data[0..size); out: consume it. */
	void (*io)(struct hvx_machine *m, uint16_t port, bool in, uint8_t *data,
		   unsigned int size);
};

/* What the guest asked for when it ended itself. */
struct hvx_machine {
	bool exit_requested;
	int exit_status;
};

extern const struct hvx_device serial_device;
extern const struct hvx_device debugexit_device;

const struct hvx_device *hvx_device_at(uint16_t port);

#endif
