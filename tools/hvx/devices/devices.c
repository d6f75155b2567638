// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include "devices.h"

/* Every device of the machine, in one place. */
static const struct hvx_device *const devices[] = {
	&serial_device,
	&debugexit_device,
};

const struct hvx_device *hvx_device_at(uint16_t port)
{
	size_t i;

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (port >= devices[i]->port &&
		    port - devices[i]->port < devices[i]->nports)
			return devices[i];
	return NULL;
}
