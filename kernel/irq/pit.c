// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 programmable interval timer at ports 0x40-0x43 and, with
 * KVM_PIT_SPEAKER_DUMMY, the speaker/gate port 0x61 (api.rst 4.71
 * KVM_CREATE_PIT2).
 *
 * Rules from the Intel 8254 datasheet: "Control Word Format" (port 0x43:
 * SC, RW, M, BCD), "Counter Latch Command", "Read-Back Command" and its
 * status byte, "Read Operations" / "Write Operations" (LSB, MSB, LSB then
 * MSB), "Modes" 0-5 with the role of GATE in each ("Gate Pin
 * Operations Summary"), and the IBM PC wiring: a 1.193182 MHz clock,
 * counter 0's OUT on IRQ 0 with GATE tied high, counter 2's GATE on port
 * 0x61 bit 0 and its OUT readable at port 0x61 bit 5.
 *
 * No counter is really decremented: each one remembers when it started
 * counting (start_ns) and how many clock ticks it had counted before
 * (base_ticks), and its value and OUT are computed from ktime when read.
 * That is what Linux's TSC calibration reads (pit_calibrate_tsc waits
 * for counter 2's OUT in port 0x61 bit 5; quick_pit_calibrate watches
 * the MSB of counter 2 count down from 0xffff).
 *
 * Counter 0 raises IRQ 0 through a host hrtimer armed for the tick at
 * which its OUT rises: once in modes 0, 1, 4 and 5 (a count written in
 * mode 1 or 5 triggers it at once, as KVM does, the GATE being tied high),
 * every period in modes 2 and 3. The timer runs only with an in-kernel
 * irqchip and without KVM_PIT_FLAGS_HPET_LEGACY, as on KVM. The hrtimer
 * queues a work item, which pulses GSI 0 (1 then 0) with no PIT lock
 * held. Ticks that come while one is still queued are merged: this is
 * KVM's "!reinject" mode (api.rst 4.99), without KVM_REINJECT_CONTROL.
 *
 * Counts in BCD are converted to binary when written and back when read.
 *
 * Locking: pit->lock, taken by ioctls and by the vCPU's port I/O; the
 * hrtimer callback and the work item never take it.
 */
#ifdef __KERNEL__
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/hrtimer.h>
#include <linux/workqueue.h>
#include <linux/math64.h>
#include <linux/kvm.h>
#include "hvx.h"
#include "irq.h"
#endif

#define PIT_HZ			1193182	/* the PC's 14.31818 MHz / 12 */
#define PIT_SPEAKER_PORT	0x61
/* Do not let a guest make the host's timer fire more often than this
 * (KVM's min_timer_period_us default): hrtimers are not throttled. */
#define PIT_MIN_PERIOD_NS	200000

/* read_state / write_state / count_latched values, as in KVM's state. */
enum { RW_LSB = 1, RW_MSB = 2, RW_WORD0 = 3, RW_WORD1 = 4 };

struct pit_chan {
	struct kvm_pit_channel_state s;	/* as KVM_GET_PIT2 shows it */
	bool loaded;		/* a count was written since the control word */
	bool running;		/* the counter is counting */
	s64 start_ns;		/* when it last started counting */
	u64 base_ticks;		/* ticks counted before start_ns */
};

struct hvx_pit {
	spinlock_t lock;
	struct hvx_vm *vm;
	u32 create_flags;		/* [c] KVM_PIT_SPEAKER_DUMMY */
	u32 flags;			/* [lock] KVM_PIT_FLAGS_* */
	struct pit_chan ch[3];		/* [lock] */
	struct hrtimer timer;		/* counter 0's OUT rising */
	u64 period_ns;			/* 0: one-shot; set while the timer is off */
	struct work_struct irq_work;	/* pulses IRQ 0 */
};

static u64 ns_to_ticks(s64 ns)
{
	return ns > 0 ? mul_u64_u32_div(ns, PIT_HZ, NSEC_PER_SEC) : 0;
}

/* Rounded up, so that the tick has been reached when the time is. */
static u64 ticks_to_ns(u64 ticks)
{
	return div_u64(ticks * NSEC_PER_SEC + PIT_HZ - 1, PIT_HZ);
}

static u64 chan_ticks(const struct pit_chan *c, s64 now)
{
	return c->base_ticks + (c->running ? ns_to_ticks(now - c->start_ns) : 0);
}

static u16 to_bcd(u32 v)
{
	return (v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 |
	       (v / 1000 % 10) << 12;
}

static u32 from_bcd(u16 v)
{
	return (v & 0xf) + (v >> 4 & 0xf) * 10 + (v >> 8 & 0xf) * 100 +
	       (v >> 12 & 0xf) * 1000;
}

/*
 * The counting element now. Modes 0, 1, 4, 5 count down and wrap; mode 2
 * reloads after 1; mode 3 counts down by two through each half period.
 * A count of 0 stands for 65536 (10000 in BCD), which reads as 0.
 */
static u16 chan_count(const struct pit_chan *c, s64 now)
{
	u32 n = c->s.count, mod = c->s.bcd ? 10000 : 0x10000;
	u64 t = chan_ticks(c, now), phase, half;
	u32 v;

	switch (c->s.mode) {
	case 2:
		v = n - t % n;
		break;
	case 3:
		phase = t % n;
		half = (n + 1) / 2;	/* OUT high this long, low the rest */
		if (phase >= half)
			phase -= half;
		v = (n & ~1u) - 2 * phase;
		break;
	default:
		v = (n % mod + mod - t % mod) % mod;
		break;
	}
	v %= mod;
	return c->s.bcd ? to_bcd(v) : v;
}

/* The OUT pin now ("Modes"). */
static bool chan_out(const struct pit_chan *c, s64 now)
{
	u64 n = c->s.count, t;

	if (!c->loaded || c->s.mode > 5)
		return c->s.mode != 0;	/* mode 0: low after the control word */
	if (!c->running && c->s.mode != 0 && c->s.mode != 4)
		return true;	/* 1, 5 waiting for a trigger; 2, 3 GATE low */
	t = chan_ticks(c, now);
	switch (c->s.mode) {
	case 0:		/* low until terminal count, then high */
	case 1:		/* low from the trigger until terminal count */
		return t >= n;
	case 2:		/* low for the tick before reload */
		return n < 2 || t % n != n - 1;
	case 3:		/* high for the first (n + 1) / 2 ticks */
		return t % n < (n + 1) / 2;
	default:	/* 4, 5: low for the tick of terminal count */
		return t != n;
	}
}

static bool pit_irqchip(struct hvx_pit *pit)
{
	return smp_load_acquire(&pit->vm->irqchip);
}

/* (Re)arm the hrtimer for counter 0's next rising OUT, or stop it. */
static void pit_arm(struct hvx_pit *pit, s64 now)
{
	struct pit_chan *c = &pit->ch[0];
	u64 n = c->s.count, t, left, period = 0;

	hrtimer_cancel(&pit->timer);
	if (!pit_irqchip(pit) || (pit->flags & KVM_PIT_FLAGS_HPET_LEGACY) ||
	    !c->loaded || !c->running)
		return;
	t = chan_ticks(c, now);
	switch (c->s.mode) {
	case 0: case 1: case 4: case 5:
		if (t >= n)
			return;		/* the one shot is over */
		left = n - t;
		break;
	case 2: case 3:
		left = n - t % n;
		period = max_t(u64, ticks_to_ns(n), PIT_MIN_PERIOD_NS);
		break;
	default:
		return;
	}
	pit->period_ns = period;
	hrtimer_start(&pit->timer, ns_to_ktime(now + ticks_to_ns(left)),
		      HRTIMER_MODE_ABS);
}

/* The counting element is loaded with @n (1 to 0x10000, from the count
 * register): counting starts, or waits for GATE ("Modes"). */
static void pit_load(struct hvx_pit *pit, int ch, u32 n, s64 now)
{
	struct pit_chan *c = &pit->ch[ch];

	c->s.count = n;
	c->s.count_load_time = now;
	c->loaded = true;
	c->base_ticks = 0;
	c->start_ns = now;
	switch (c->s.mode) {
	case 0: case 2: case 3: case 4:
		c->running = !!c->s.gate;
		break;
	case 1: case 5:
		c->running = ch == 0;
		break;
	default:	/* no mode programmed yet (0xff after reset) */
		c->running = false;
		break;
	}
	if (ch == 0)
		pit_arm(pit, now);
}

/* Stop counting, keeping the count reached. */
static void pit_stop(struct hvx_pit *pit, int ch, s64 now)
{
	struct pit_chan *c = &pit->ch[ch];

	c->base_ticks = chan_ticks(c, now);
	c->running = false;
	c->loaded = false;
	if (ch == 0)
		pit_arm(pit, now);
}

/*
 * GATE ("Gate Pin Operations Summary"): in modes 0 and 4 a low GATE
 * suspends counting; in modes 2 and 3 it stops counting (OUT high) and a
 * rising edge reloads; in modes 1 and 5 a rising edge (re)triggers.
 */
static void pit_set_gate(struct hvx_pit *pit, int ch, bool gate, s64 now)
{
	struct pit_chan *c = &pit->ch[ch];
	bool old = c->s.gate;

	c->s.gate = gate;
	if (old == gate || !c->loaded || c->s.mode > 5)
		return;
	if (!gate) {
		if (c->s.mode != 1 && c->s.mode != 5) {
			c->base_ticks = chan_ticks(c, now);
			c->running = false;
		}
	} else if (c->s.mode == 0 || c->s.mode == 4) {
		c->start_ns = now;
		c->running = true;
	} else {
		c->base_ticks = 0;
		c->start_ns = now;
		c->running = true;
		c->s.count_load_time = now;
	}
	if (ch == 0)
		pit_arm(pit, now);
}

static void pit_latch_count(struct pit_chan *c, s64 now)
{
	if (c->s.count_latched)
		return;		/* a second latch is ignored until read */
	c->s.latched_count = chan_count(c, now);
	c->s.count_latched = c->s.rw_mode;
}

/* The read-back status byte: OUT, NULL COUNT, RW, M, BCD. */
static void pit_latch_status(struct pit_chan *c, s64 now)
{
	if (c->s.status_latched)
		return;
	c->s.status = chan_out(c, now) << 7 | !c->loaded << 6 |
		      (c->s.rw_mode & 3) << 4 | (c->s.mode & 7) << 1 |
		      (c->s.bcd & 1);
	c->s.status_latched = 1;
}

/* Port 0x43: a control word, a counter latch or a read-back command. */
static void pit_control(struct hvx_pit *pit, u8 val, s64 now)
{
	int ch = val >> 6, rw = (val >> 4) & 3, i;
	struct pit_chan *c;

	if (ch == 3) {
		for (i = 0; i < 3; i++) {
			if (!(val & (2 << i)))
				continue;
			if (!(val & 0x20))
				pit_latch_count(&pit->ch[i], now);
			if (!(val & 0x10))
				pit_latch_status(&pit->ch[i], now);
		}
		return;
	}
	c = &pit->ch[ch];
	if (rw == 0) {
		pit_latch_count(c, now);
		return;
	}
	c->s.rw_mode = rw;
	c->s.read_state = rw;
	c->s.write_state = rw;
	c->s.mode = (val >> 1) & 7;
	if (c->s.mode > 5)
		c->s.mode -= 4;		/* 110b, 111b are modes 2 and 3 */
	c->s.bcd = val & 1;
	/* "When a Control Word is written to a Counter, all Control Logic
	 * is immediately reset": no counting until a count is written. */
	pit_stop(pit, ch, now);
}

static void pit_write_count(struct hvx_pit *pit, int ch, u8 val, s64 now)
{
	struct pit_chan *c = &pit->ch[ch];
	u32 w;

	switch (c->s.write_state) {
	case RW_MSB:
		w = val << 8;
		break;
	case RW_WORD0:
		c->s.write_latch = val;
		c->s.write_state = RW_WORD1;
		/* Mode 0: "Writing the first byte disables counting". */
		if (c->s.mode == 0)
			pit_stop(pit, ch, now);
		return;
	case RW_WORD1:
		w = c->s.write_latch | val << 8;
		c->s.write_state = RW_WORD0;
		break;
	default:
		w = val;
		break;
	}
	if (c->s.bcd)
		w = from_bcd(w);
	if (!w)
		w = c->s.bcd ? 10000 : 0x10000;
	pit_load(pit, ch, w, now);
}

/* A read of ports 0x40-0x42: a latched status, then a latched count,
 * else the live counter, byte by byte as RW says. */
static u8 pit_read_count(struct pit_chan *c, s64 now)
{
	u16 v;

	if (c->s.status_latched) {
		c->s.status_latched = 0;
		return c->s.status;
	}
	if (c->s.count_latched) {
		v = c->s.latched_count;
		switch (c->s.count_latched) {
		case RW_MSB:
			c->s.count_latched = 0;
			return v >> 8;
		case RW_WORD0:
			c->s.count_latched = RW_MSB;
			return v;
		default:
			c->s.count_latched = 0;
			return v;
		}
	}
	v = chan_count(c, now);
	switch (c->s.read_state) {
	case RW_MSB:
		return v >> 8;
	case RW_WORD0:
		c->s.read_state = RW_WORD1;
		return v;
	case RW_WORD1:
		c->s.read_state = RW_WORD0;
		return v >> 8;
	default:
		return v;
	}
}

/*
 * Port 0x61 (IBM PC "port B"): bit 0 counter 2's GATE, bit 1 speaker
 * data, bit 4 the refresh toggle (about every 15 us; any toggling will
 * do for guests that time with it), bit 5 counter 2's OUT.
 */
static u8 pit_speaker(struct hvx_pit *pit, bool in, u8 val, s64 now)
{
	struct pit_chan *c = &pit->ch[2];

	if (in)
		return (c->s.gate ? 1 : 0) |
		       (pit->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON ? 2 : 0) |
		       (((u64)now >> 14) & 1) << 4 | chan_out(c, now) << 5;
	if (val & 2)
		pit->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	else
		pit->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	pit_set_gate(pit, 2, val & 1, now);
	return 0;
}

static enum hrtimer_restart pit_timer_fn(struct hrtimer *timer)
{
	struct hvx_pit *pit = container_of(timer, struct hvx_pit, timer);

	queue_work(system_highpri_wq, &pit->irq_work);
	if (!pit->period_ns)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(pit->period_ns));
	return HRTIMER_RESTART;
}

/* An edge on IRQ 0 (api.rst 4.25: level 1, then 0). */
static void pit_irq_work(struct work_struct *work)
{
	struct hvx_pit *pit = container_of(work, struct hvx_pit, irq_work);

	hvx_irq_line(pit->vm, 0, 1);
	hvx_irq_line(pit->vm, 0, 0);
}

/* State after KVM_CREATE_PIT2, as KVM's: no mode programmed, counts of
 * 65536, GATE high on counters 0 and 1. */
static void pit_reset(struct hvx_pit *pit, s64 now)
{
	int i;

	pit->flags = 0;
	for (i = 0; i < 3; i++) {
		memset(&pit->ch[i], 0, sizeof(pit->ch[i]));
		pit->ch[i].s.mode = 0xff;
		pit->ch[i].s.gate = i != 2;
		pit_load(pit, i, 0x10000, now);
	}
}

struct hvx_pit *hvx_pit_create(struct hvx_vm *vm, u32 flags)
{
	struct hvx_pit *pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);

	if (!pit)
		return NULL;
	spin_lock_init(&pit->lock);
	pit->vm = vm;
	pit->create_flags = flags;
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = pit_timer_fn;
	INIT_WORK(&pit->irq_work, pit_irq_work);
	pit_reset(pit, ktime_to_ns(ktime_get()));
	return pit;
}

void hvx_pit_destroy(struct hvx_pit *pit)
{
	if (!pit)
		return;
	/* The timer queues the work: stop it first, then the work. */
	hrtimer_cancel(&pit->timer);
	cancel_work_sync(&pit->irq_work);
	kfree(pit);
}

/* Ports 0x40-0x43, and 0x61 with KVM_PIT_SPEAKER_DUMMY. One byte is
 * transferred whatever @size, zero-extended on reads, as on KVM. */
int hvx_pit_pio(struct hvx_pit *pit, u16 port, u8 size, bool in, u32 *val)
{
	s64 now = ktime_to_ns(ktime_get());
	u8 r = 0xff;	/* the control word register cannot be read */

	if (!(port >= 0x40 && port <= 0x43) &&
	    !(port == PIT_SPEAKER_PORT && (pit->create_flags & KVM_PIT_SPEAKER_DUMMY)))
		return -ENOENT;
	spin_lock(&pit->lock);
	if (port == PIT_SPEAKER_PORT)
		r = pit_speaker(pit, in, in ? 0 : *val, now);
	else if (port == 0x43 && !in)
		pit_control(pit, *val, now);
	else if (port != 0x43 && in)
		r = pit_read_count(&pit->ch[port - 0x40], now);
	else if (port != 0x43)
		pit_write_count(pit, port - 0x40, *val, now);
	spin_unlock(&pit->lock);
	if (in)
		*val = r;
	return 0;
}

int hvx_pit_get_state(struct hvx_pit *pit, struct kvm_pit_state2 *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	spin_lock(&pit->lock);
	for (i = 0; i < 3; i++)
		s->channels[i] = pit->ch[i].s;
	s->flags = pit->flags;
	spin_unlock(&pit->lock);
	return 0;
}

/*
 * KVM_SET_PIT2: the channel state is taken as given and each counter is
 * loaded again with its count, starting now (KVM does the same; the
 * count_load_time given is not used).
 */
int hvx_pit_set_state(struct hvx_pit *pit, const struct kvm_pit_state2 *s)
{
	s64 now = ktime_to_ns(ktime_get());
	int i;

	spin_lock(&pit->lock);
	pit->flags = s->flags;
	for (i = 0; i < 3; i++) {
		pit->ch[i].s = s->channels[i];
		pit_load(pit, i, s->channels[i].count ?: 0x10000, now);
	}
	spin_unlock(&pit->lock);
	return 0;
}
