// SPDX-License-Identifier: GPL-2.0
/*
 * The machine: its device table, its port I/O bus and how it ends.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "devices.h"

/* Every device of the machine, in one place. */
static const struct hvx_device *const devices[] = {
	&serial_device,
	&rtc_device,
	&i8042_device,
	&power_device,
	&pci_device,
	&fwcfg_device,
	&debugexit_device,
};
#define NDEVICES (sizeof(devices) / sizeof(devices[0]))
static_assert(NDEVICES <= HVX_MAX_DEVICES, "raise HVX_MAX_DEVICES");

static void destroy_devices(struct hvx_machine *m, size_t n)
{
	while (n--) {
		if (devices[n]->destroy)
			devices[n]->destroy(m, m->state[n]);
		free(m->state[n]);
		m->state[n] = NULL;
	}
}

int hvx_machine_init(struct hvx_machine *m, const struct hvx_machine_config *cfg)
{
	size_t i;
	int r = 0;

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	r = -pthread_mutex_init(&m->lock, NULL);
	if (r)
		return r;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < NDEVICES; i++) {
		m->state[i] = calloc(1, devices[i]->state_size ? devices[i]->state_size : 1);
		if (!m->state[i]) {
			r = -ENOMEM;
			break;
		}
		r = devices[i]->init ? devices[i]->init(m, m->state[i]) : 0;
		if (r) {
			free(m->state[i]);
			m->state[i] = NULL;
			break;
		}
	}
	if (r)
		destroy_devices(m, i);
	pthread_mutex_unlock(&m->lock);
	if (r)
		pthread_mutex_destroy(&m->lock);
	return r;
}

void hvx_machine_destroy(struct hvx_machine *m)
{
	pthread_mutex_lock(&m->lock);
	destroy_devices(m, NDEVICES);
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_destroy(&m->lock);
}

void *hvx_machine_state(struct hvx_machine *m, const struct hvx_device *dev)
{
	size_t i;

	for (i = 0; i < NDEVICES; i++)
		if (devices[i] == dev)
			return m->state[i];
	return NULL;
}

/* The device whose range holds port and accepts an access of this size. */
static size_t claimant(uint16_t port, unsigned int size)
{
	size_t i;
	unsigned int j;

	for (i = 0; i < NDEVICES; i++)
		for (j = 0; j < devices[i]->nports; j++) {
			const struct hvx_ports *p = &devices[i]->ports[j];

			if (port >= p->base && port - p->base < p->len && (p->sizes & size))
				return i;
		}
	return NDEVICES;
}

/*
 * One access. A byte-wide ISA device sees a wider access as consecutive
 * byte accesses (the bus converts it), which may reach different devices;
 * a range that accepts the width gets it whole. What nobody claims floats
 * high on reads and is dropped on writes.
 */
static void pio_one(struct hvx_machine *m, uint16_t port, bool in, uint8_t *data,
		    unsigned int size)
{
	size_t i = claimant(port, size);
	unsigned int b;

	if (i < NDEVICES) {
		devices[i]->io(m, m->state[i], port, in, data, size);
		return;
	}
	if (size > 1) {
		for (b = 0; b < size; b++)
			pio_one(m, (uint16_t)(port + b), in, data + b, 1);
		return;
	}
	if (in)
		data[0] = 0xff;
}

void hvx_machine_pio(struct hvx_machine *m, uint16_t port, bool in, void *data,
		     unsigned int size, uint32_t count)
{
	uint8_t *p = data;
	uint32_t i;

	if (size != 1 && size != 2 && size != 4)
		return;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < count; i++, p += size)
		pio_one(m, port, in, p, size);
	pthread_mutex_unlock(&m->lock);
}

void hvx_machine_mmio(struct hvx_machine *m, uint64_t addr, bool is_write, void *data,
		      unsigned int len)
{
	pthread_mutex_lock(&m->lock);
	if (!is_write)
		memset(data, 0xff, len);
	pthread_mutex_unlock(&m->lock);
}

void hvx_machine_end_locked(struct hvx_machine *m, enum hvx_end why, int status)
{
	if (why == HVX_END_NONE || m->end != HVX_END_NONE)
		return;
	m->end_status = status;
	__atomic_store_n(&m->end, why, __ATOMIC_RELEASE);
	if (m->cfg.on_end)
		m->cfg.on_end(m);
}

void hvx_machine_end(struct hvx_machine *m, enum hvx_end why, int status)
{
	pthread_mutex_lock(&m->lock);
	hvx_machine_end_locked(m, why, status);
	pthread_mutex_unlock(&m->lock);
}

enum hvx_end hvx_machine_ended(struct hvx_machine *m, int *status)
{
	enum hvx_end why = __atomic_load_n(&m->end, __ATOMIC_ACQUIRE);

	if (status)
		*status = why == HVX_END_NONE ? 0 : m->end_status;
	return why;
}

const char *hvx_end_name(enum hvx_end why)
{
	static const char *const names[] = {
		[HVX_END_NONE] = "running",
		[HVX_END_POWEROFF] = "power-off",
		[HVX_END_RESET] = "reset",
		[HVX_END_DEBUG_EXIT] = "debug-exit",
		[HVX_END_QUIT] = "quit by user",
		[HVX_END_HALT] = "halt",
		[HVX_END_TRIPLE_FAULT] = "triple fault",
		[HVX_END_ERROR] = "hypervisor error",
	};

	if ((unsigned int)why < sizeof(names) / sizeof(names[0]) && names[why])
		return names[why];
	return "unknown";
}

/*
 * ISA interrupt lines are driven by one device each; the callback sees
 * only changes, so a device may recompute its output after every access.
 */
void hvx_machine_irq(struct hvx_machine *m, unsigned int irq, int level)
{
	uint32_t bit;

	if (irq >= 32)
		return;
	bit = 1u << irq;
	if (!!(m->irq_levels & bit) == !!level)
		return;
	m->irq_levels ^= bit;
	if (m->cfg.set_irq)
		m->cfg.set_irq(m, irq, !!level);
}
