/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine `hvx run` gives a guest: the legacy PC devices that live in
 * user space (the PICs, I/O APIC and PIT are in the kernel: KVM_CREATE_IRQCHIP,
 * KVM_CREATE_PIT2). Each device is a leaf file of this folder and is listed
 * once, in the table of devices.c; the run loop hands every port I/O and
 * MMIO exit to hvx_machine_pio() and hvx_machine_mmio().
 *
 * Locking: one mutex per machine, m->lock.
 *   - hvx_machine_pio, hvx_machine_mmio, hvx_machine_end, hvx_serial_input
 *     take it; call them from any thread, never with the lock held.
 *   - A device's io(), init() and destroy() run with it held (init and
 *     destroy: before and after any other thread uses the machine).
 *   - cfg.set_irq and cfg.on_end are called with it held: they may do an
 *     ioctl or signal a thread, but must not call back into this API.
 *   - hvx_machine_ended reads the ending without the lock (it is published
 *     with release/acquire), so the run loop may check it after every exit.
 */
#ifndef HVX_DEVICES_H
#define HVX_DEVICES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The ports and values the ACPI tables give the sleep, PM1 and reset
 * registers (HVX_ACPI_*) are defined once, with the tables, in loader.h;
 * power.c answers them.
 */
#include "../loader/loader.h"

/* How a guest ended; the first ending recorded wins. */
enum hvx_end {
	HVX_END_NONE,
	HVX_END_POWEROFF,	/* ACPI sleep control register, SLP_TYP = S5 */
	HVX_END_RESET,		/* 0xcf9, i8042 reset pulse or output port */
	HVX_END_DEBUG_EXIT,	/* port 0xf4; status is (v << 1) | 1 */
	HVX_END_QUIT,		/* the user quit from the console (Ctrl-A x) */
	HVX_END_HALT,		/* recorded by the run loop: KVM_EXIT_HLT */
	HVX_END_TRIPLE_FAULT,	/* recorded by the run loop: KVM_EXIT_SHUTDOWN */
	HVX_END_ERROR,		/* recorded by the run loop: the hypervisor failed */
};

struct hvx_machine;

struct hvx_machine_config {
	unsigned int ncpus;
	uint64_t ram_size;	/* all guest RAM */
	uint64_t ram_below_4g;	/* how much of it is below 4 GiB; 0: all that fits */
	int serial_out_fd;	/* where COM1's transmitter writes */
	/* Drive ISA IRQ line irq to level (0/1); called only on a change. NULL: no irqchip. */
	void (*set_irq)(struct hvx_machine *m, unsigned int irq, int level);
	/* Called once, when the first ending is recorded (e.g. to kick vCPUs). */
	void (*on_end)(struct hvx_machine *m);
	/* UTC wall clock for the RTC; NULL: clock_gettime(CLOCK_REALTIME). */
	void (*clock)(struct timespec *ts);
	void *opaque;		/* for the callbacks */
};

#define HVX_MAX_DEVICES 16

struct hvx_machine {
	pthread_mutex_t lock;
	struct hvx_machine_config cfg;	/* constant after init */
	enum hvx_end end;		/* written under lock, read with acquire */
	int end_status;			/* written before end */
	uint32_t irq_levels;		/* lock: bit n is the level of ISA IRQ n */
	void *state[HVX_MAX_DEVICES];	/* per device of the table; contents under lock */
};

/* 0 or -errno; on failure nothing is left to destroy. */
int hvx_machine_init(struct hvx_machine *m, const struct hvx_machine_config *cfg);
void hvx_machine_destroy(struct hvx_machine *m);

/*
 * One KVM_EXIT_IO: count accesses of size bytes at port, data[] in the
 * run page. An access no device claims reads all ones and writes nothing,
 * as a floating ISA bus does.
 */
void hvx_machine_pio(struct hvx_machine *m, uint16_t port, bool in, void *data,
		     unsigned int size, uint32_t count);
/* One KVM_EXIT_MMIO. No MMIO devices yet: reads all ones. */
void hvx_machine_mmio(struct hvx_machine *m, uint64_t addr, bool is_write, void *data,
		      unsigned int len);

/* Record an ending (the first one wins); takes the lock. status is the
 * guest's own value where the ending carries one (debug-exit); the VMM
 * maps every other ending to its exit status (run.c, end_status). */
void hvx_machine_end(struct hvx_machine *m, enum hvx_end why, int status);
/* The ending so far (HVX_END_NONE while running); *status if not NULL. */
enum hvx_end hvx_machine_ended(struct hvx_machine *m, int *status);
const char *hvx_end_name(enum hvx_end why);

/*
 * Console input to COM1: how many of buf[0..n) the receiver FIFO took
 * (fewer when it is full or the UART is in loopback). When it took fewer
 * than n, hvx_serial_room_fd() (an eventfd) becomes readable once the
 * guest has made room, so a console thread can wait instead of spinning.
 */
size_t hvx_serial_input(struct hvx_machine *m, const uint8_t *buf, size_t n);
int hvx_serial_room_fd(struct hvx_machine *m);

/* ---- for the device files ---- */

/* Access sizes a port range accepts (bit n set: n-byte accesses). */
#define HVX_IO_8	1u
#define HVX_IO_16	2u
#define HVX_IO_32	4u

struct hvx_ports {
	uint16_t base, len;
	uint8_t sizes;	/* HVX_IO_*; a wider access to a byte-wide range is split by the bus */
};

struct hvx_device {
	const char *name;
	const struct hvx_ports *ports;
	unsigned int nports;
	size_t state_size;	/* zeroed state allocated per machine */
	int (*init)(struct hvx_machine *m, void *state);	/* optional; 0 or -errno */
	void (*destroy)(struct hvx_machine *m, void *state);	/* optional */
	/* in: fill data[0..size); out: consume it. Called with m->lock held. */
	void (*io)(struct hvx_machine *m, void *state, uint16_t port, bool in,
		   uint8_t *data, unsigned int size);
};

/* With m->lock held: the first ending wins; drive an ISA IRQ line. */
void hvx_machine_end_locked(struct hvx_machine *m, enum hvx_end why, int status);
void hvx_machine_irq(struct hvx_machine *m, unsigned int irq, int level);
/* The state of one device of the table in this machine. */
void *hvx_machine_state(struct hvx_machine *m, const struct hvx_device *dev);

extern const struct hvx_device serial_device;
extern const struct hvx_device rtc_device;
extern const struct hvx_device i8042_device;
extern const struct hvx_device power_device;
extern const struct hvx_device pci_device;
extern const struct hvx_device fwcfg_device;
extern const struct hvx_device debugexit_device;

#endif
