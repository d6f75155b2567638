// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC of a PC: a Motorola MC146818A at ports 0x70 (index) and
 * 0x71 (data), IRQ 8, with 128 bytes of CMOS RAM. Register names and
 * sections are the MC146818A datasheet's.
 *
 * The clock is the host's UTC clock plus an offset the guest sets by
 * writing the time registers. Not modelled, and therefore never reported:
 * the periodic, alarm and update-ended interrupts (register C reads 0: no
 * flag and no IRQF, and IRQ 8 is never raised; B's PIE/AIE/UIE and the
 * alarm bytes are only stored), the square-wave output, daylight saving
 * (DSE), and the divider chain (A's DV/RS bits are stored; the clock runs
 * whatever they hold). The day of the week always follows the date.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "devices.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71

/* "Address Map" */
enum {
	RTC_SECONDS = 0x00, RTC_SECONDS_ALARM = 0x01, RTC_MINUTES = 0x02,
	RTC_MINUTES_ALARM = 0x03, RTC_HOURS = 0x04, RTC_HOURS_ALARM = 0x05,
	RTC_DAY_OF_WEEK = 0x06, RTC_DAY_OF_MONTH = 0x07, RTC_MONTH = 0x08,
	RTC_YEAR = 0x09, RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
};
/* Register A */
#define RTC_UIP		0x80
/* Register B */
#define RTC_SET		0x80
#define RTC_UIE		0x10
#define RTC_DM_BINARY	0x04
#define RTC_24H		0x02
/* Register D */
#define RTC_VRT		0x80

/*
 * Bytes a PC BIOS keeps in CMOS RAM (IBM PC AT Technical Reference; 0x34
 * and 0x5b as SeaBIOS and QEMU use them). Multi-byte values are little
 * endian, except the checksum.
 */
#define CMOS_BASE_KB		0x15	/* memory below 1 MiB, KiB: 640 */
#define CMOS_EXT_KB		0x17	/* memory above 1 MiB, KiB (max 0xffff) */
#define CMOS_CHECKSUM		0x2e	/* sum of 0x10..0x2d, big endian */
#define CMOS_EXT_KB_POST	0x30	/* the same, as POST found it */
#define CMOS_CENTURY		0x32	/* the FADT's CENTURY field points here */
#define CMOS_MEM_16M_64K	0x34	/* memory 16 MiB..4 GiB, 64 KiB units */
#define CMOS_MEM_4G_64K		0x5b	/* memory above 4 GiB, 64 KiB units, 3 bytes */

/*
 * "Update Cycle": UIP rises 244 us before the time registers change
 * (tBUC) and falls when the update is done. The update itself is
 * instantaneous here, so UIP is high only in the last 244 us of a second:
 * a reader that finds it low has that long to read the time, and one that
 * finds it high waits at most 244 us.
 */
#define UIP_NS		244000L

struct rtc {
	uint8_t index;
	uint8_t ram[128];	/* the time registers hold the frozen time while SET is 1 */
	int64_t offset;		/* guest time - host time, seconds */
};

static const uint8_t time_regs[] = {
	RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH,
	RTC_MONTH, RTC_YEAR, CMOS_CENTURY,
};

static bool is_time_reg(uint8_t reg)
{
	return memchr(time_regs, reg, sizeof(time_regs)) != NULL;
}

static void host_now(struct hvx_machine *m, struct timespec *ts)
{
	if (m->cfg.clock)
		m->cfg.clock(ts);
	else
		clock_gettime(CLOCK_REALTIME, ts);
}

/* "Time, Calendar and Alarm Data Modes": BCD unless DM is set. */
static uint8_t to_reg(const struct rtc *r, unsigned int v)
{
	return (r->ram[RTC_REG_B] & RTC_DM_BINARY) ? v : (v / 10) << 4 | v % 10;
}

static unsigned int from_reg(const struct rtc *r, uint8_t v)
{
	return (r->ram[RTC_REG_B] & RTC_DM_BINARY) ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Hours in 12-hour mode: 1-12, bit 7 set for PM. */
static uint8_t hours_to_reg(const struct rtc *r, unsigned int h)
{
	if (r->ram[RTC_REG_B] & RTC_24H)
		return to_reg(r, h);
	return to_reg(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static unsigned int hours_from_reg(const struct rtc *r, uint8_t v)
{
	if (r->ram[RTC_REG_B] & RTC_24H)
		return from_reg(r, v);
	return from_reg(r, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

static uint8_t time_reg(const struct rtc *r, const struct tm *tm, uint8_t reg)
{
	unsigned int year = tm->tm_year + 1900;

	switch (reg) {
	case RTC_SECONDS: return to_reg(r, tm->tm_sec);
	case RTC_MINUTES: return to_reg(r, tm->tm_min);
	case RTC_HOURS: return hours_to_reg(r, tm->tm_hour);
	case RTC_DAY_OF_WEEK: return to_reg(r, tm->tm_wday + 1);	/* Sunday = 1 */
	case RTC_DAY_OF_MONTH: return to_reg(r, tm->tm_mday);
	case RTC_MONTH: return to_reg(r, tm->tm_mon + 1);
	case RTC_YEAR: return to_reg(r, year % 100);
	default: return to_reg(r, year / 100 % 100);	/* CMOS_CENTURY */
	}
}

static void guest_tm(struct hvx_machine *m, const struct rtc *r, struct tm *tm, long *ns)
{
	struct timespec ts;
	time_t t;

	host_now(m, &ts);
	t = ts.tv_sec + r->offset;
	gmtime_r(&t, tm);
	if (ns)
		*ns = ts.tv_nsec;
}

/* SET: the time registers stop, holding the time they show now. */
static void freeze(struct hvx_machine *m, struct rtc *r)
{
	struct tm tm;
	size_t i;

	guest_tm(m, r, &tm, NULL);
	for (i = 0; i < sizeof(time_regs); i++)
		r->ram[time_regs[i]] = time_reg(r, &tm, time_regs[i]);
}

/* The clock restarts from the time registers. */
static void thaw(struct hvx_machine *m, struct rtc *r)
{
	struct timespec ts;
	struct tm tm = {
		.tm_sec = from_reg(r, r->ram[RTC_SECONDS]),
		.tm_min = from_reg(r, r->ram[RTC_MINUTES]),
		.tm_hour = hours_from_reg(r, r->ram[RTC_HOURS]),
		.tm_mday = from_reg(r, r->ram[RTC_DAY_OF_MONTH]),
		.tm_mon = (int)from_reg(r, r->ram[RTC_MONTH]) - 1,
		.tm_year = from_reg(r, r->ram[CMOS_CENTURY]) * 100 +
			   from_reg(r, r->ram[RTC_YEAR]) - 1900,
	};

	host_now(m, &ts);
	r->offset = (int64_t)timegm(&tm) - ts.tv_sec;
}

static void write_b(struct hvx_machine *m, struct rtc *r, uint8_t v)
{
	uint8_t old = r->ram[RTC_REG_B];

	/* "Register B": setting SET also clears UIE. */
	if (v & RTC_SET)
		v &= ~RTC_UIE;
	r->ram[RTC_REG_B] = v;
	if (!(old & RTC_SET) && (v & RTC_SET))
		freeze(m, r);
	else if ((old & RTC_SET) && !(v & RTC_SET))
		thaw(m, r);
}

static uint8_t rtc_read(struct hvx_machine *m, struct rtc *r, uint8_t reg)
{
	bool set = r->ram[RTC_REG_B] & RTC_SET;
	struct tm tm;
	long ns;

	if (is_time_reg(reg) && !set) {
		guest_tm(m, r, &tm, NULL);
		return time_reg(r, &tm, reg);
	}
	switch (reg) {
	case RTC_REG_A:
		if (set)	/* SET stops updates, so none is in progress */
			return r->ram[RTC_REG_A];
		guest_tm(m, r, &tm, &ns);
		return r->ram[RTC_REG_A] | (ns >= 1000000000L - UIP_NS ? RTC_UIP : 0);
	case RTC_REG_C:
		return 0;	/* no interrupt source is modelled: no flag is ever set */
	case RTC_REG_D:
		return RTC_VRT;	/* the battery is good */
	default:
		return r->ram[reg];
	}
}

static void rtc_write(struct hvx_machine *m, struct rtc *r, uint8_t reg, uint8_t v)
{
	bool set = r->ram[RTC_REG_B] & RTC_SET;

	if (is_time_reg(reg) && !set) {
		/* Setting one field of the running clock: the rest keep going. */
		freeze(m, r);
		r->ram[reg] = v;
		thaw(m, r);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		r->ram[RTC_REG_A] = v & ~RTC_UIP;	/* UIP is read-only */
		break;
	case RTC_REG_B:
		write_b(m, r, v);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		r->ram[reg] = v;
		break;
	}
}

static void rtc_io(struct hvx_machine *m, void *state, uint16_t port, bool in,
		   uint8_t *data, unsigned int size)
{
	struct rtc *r = state;

	if (port == RTC_INDEX) {
		/* Bit 7 of the index gates NMI on a PC; there is no NMI source here.
		 * The index register is write-only. */
		if (in)
			data[0] = 0xff;
		else
			r->index = data[0] & 0x7f;
		return;
	}
	if (in)
		data[0] = rtc_read(m, r, r->index);
	else
		rtc_write(m, r, r->index, data[0]);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

/* The memory sizes a BIOS leaves in CMOS RAM for the guest to find. */
static void set_memory_sizes(struct rtc *r, uint64_t size, uint64_t below_4g)
{
	const uint64_t mib = 1 << 20;
	uint64_t ext_kb = below_4g > mib ? (below_4g - mib) >> 10 : 0;
	uint64_t above_16m = below_4g > 16 * mib ? (below_4g - 16 * mib) >> 16 : 0;
	uint64_t above_4g = (size - below_4g) >> 16;
	unsigned int i, sum = 0;

	put16(&r->ram[CMOS_BASE_KB], 640);
	put16(&r->ram[CMOS_EXT_KB], ext_kb > 0xffff ? 0xffff : ext_kb);
	put16(&r->ram[CMOS_EXT_KB_POST], ext_kb > 0xffff ? 0xffff : ext_kb);
	put16(&r->ram[CMOS_MEM_16M_64K], above_16m > 0xffff ? 0xffff : above_16m);
	if (above_4g > 0xffffff)
		above_4g = 0xffffff;
	r->ram[CMOS_MEM_4G_64K] = above_4g;
	r->ram[CMOS_MEM_4G_64K + 1] = above_4g >> 8;
	r->ram[CMOS_MEM_4G_64K + 2] = above_4g >> 16;
	for (i = 0x10; i < CMOS_CHECKSUM; i++)
		sum += r->ram[i];
	r->ram[CMOS_CHECKSUM] = sum >> 8;
	r->ram[CMOS_CHECKSUM + 1] = sum;
}

static int rtc_init(struct hvx_machine *m, void *state)
{
	struct rtc *r = state;
	uint64_t below = m->cfg.ram_below_4g;

	if (!below || below > m->cfg.ram_size)
		below = m->cfg.ram_size;
	if (below > (1ull << 32))
		below = 1ull << 32;
	/* As a PC BIOS leaves it: 32.768 kHz time base, 1024 Hz rate; 24-hour BCD. */
	r->ram[RTC_REG_A] = 0x26;
	r->ram[RTC_REG_B] = RTC_24H;
	set_memory_sizes(r, m->cfg.ram_size, below);
	return 0;
}

static const struct hvx_ports rtc_ports[] = {
	{ RTC_INDEX, 2, HVX_IO_8 },
};

const struct hvx_device rtc_device = {
	.name = "rtc",
	.ports = rtc_ports,
	.nports = 1,
	.state_size = sizeof(struct rtc),
	.init = rtc_init,
	.io = rtc_io,
};
