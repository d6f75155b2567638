// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the in-kernel PIC pair, I/O APIC and PIT models
 * (kernel/irq/pic.c, ioapic.c, pit.c), built in user space: the few
 * kernel services they use are stood in for below (a fake monotonic
 * clock, an hrtimer and a work item run by hand, locks that catch
 * recursion). The sequences are the ones Linux uses (arch/x86/kernel/
 * i8259.c, apic/io_apic.c, tsc.c) and the datasheets' rules.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "x86/compat.h"
#include "irq/irq.h"
#include "unit.h"

/* ---- stand-ins for the kernel services ---- */

typedef struct { int held; } spinlock_t;

static void spin_lock_init(spinlock_t *l) { l->held = 0; }
static void spin_lock(spinlock_t *l)
{
	if (l->held++) {
		printf("FAIL lock taken twice\n");
		exit(1);
	}
}
static void spin_unlock(spinlock_t *l) { l->held--; }
#define spin_lock_irqsave(l, f)		((f) = 0, spin_lock(l))
#define spin_unlock_irqrestore(l, f)	((void)(f), spin_unlock(l))
#define READ_ONCE(x)			(x)
#define WRITE_ONCE(x, v)		((x) = (v))
#define smp_load_acquire(p)		(*(p))
#define array_index_nospec(i, n)	(i)
#define GFP_KERNEL_ACCOUNT		0
#define kzalloc(size, gfp)		calloc(1, size)
#define kfree(p)			free(p)
#define container_of(p, type, m)	((type *)((char *)(p) - offsetof(type, m)))
#define max_t(t, a, b)			((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define NSEC_PER_SEC			1000000000ULL

static u64 mul_u64_u32_div(u64 a, u32 mul, u32 div)
{
	return (u64)((unsigned __int128)a * mul / div);
}
static u64 div_u64(u64 a, u32 b) { return a / b; }

typedef s64 ktime_t;
static s64 fake_now = 1000000000;	/* ns; not 0, as on a booted host */
static ktime_t ktime_get(void) { return fake_now; }
#define ktime_to_ns(t)	(t)
#define ns_to_ktime(t)	((ktime_t)(t))

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum { HRTIMER_MODE_ABS };
struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *);
	s64 expires;
	bool active;
};
static void hrtimer_init(struct hrtimer *t, int clock, int mode)
{
	(void)clock, (void)mode;
	t->active = false;
}
static void hrtimer_start(struct hrtimer *t, ktime_t when, int mode)
{
	(void)mode;
	t->expires = when;
	t->active = true;
}
static int hrtimer_cancel(struct hrtimer *t)
{
	int was = t->active;

	t->active = false;
	return was;
}
static u64 hrtimer_forward_now(struct hrtimer *t, ktime_t period)
{
	u64 n = 0;

	while (t->expires <= fake_now) {
		t->expires += period;
		n++;
	}
	return n;
}

struct work_struct {
	void (*fn)(struct work_struct *);
	bool pending;
};
#define INIT_WORK(w, f)		((w)->fn = (f), (w)->pending = false)
#define system_highpri_wq	NULL
static bool queue_work(void *wq, struct work_struct *w)
{
	bool was = w->pending;

	(void)wq;
	w->pending = true;
	return !was;
}
static bool cancel_work_sync(struct work_struct *w)
{
	bool was = w->pending;

	w->pending = false;
	return was;
}

struct hvx_vm {
	bool irqchip;
};

/* ---- what the models call out to, recorded ---- */

static int kicks;
void hvx_irq_pic_output_raised(struct hvx_vm *vm)
{
	(void)vm;
	kicks++;
}

static struct hvx_apic_irq last_msg;
static int delivered, deliver_ret = 1;
int hvx_apic_deliver(struct hvx_vm *vm, struct hvx_vcpu *src, const struct hvx_apic_irq *irq)
{
	(void)vm, (void)src;
	last_msg = *irq;
	delivered++;
	return deliver_ret;
}

static int irq0_edges, irq0_level;
int hvx_irq_line(struct hvx_vm *vm, u32 irq, int level)
{
	(void)vm;
	if (irq == 0) {
		if (level && !irq0_level)
			irq0_edges++;
		irq0_level = level;
	}
	return 1;
}

#include "irq/pic.c"
#include "irq/ioapic.c"
#include "irq/pit.c"

#define CHECK(name, cond, ...) \
	do { if (cond) ok(name); else fail(name, __VA_ARGS__); } while (0)

/* ---- PIC ---- */

static struct hvx_vm vm = { .irqchip = true };
static struct hvx_pic *pic;

static void outb_pic(u16 port, u8 v)
{
	u32 val = v;

	hvx_pic_pio(pic, port, false, &val);
}

static u8 inb_pic(u16 port)
{
	u32 val = 0xdead;

	hvx_pic_pio(pic, port, true, &val);
	return val;
}

/* Linux's init_8259A(): vectors 0x30 and 0x38, cascade on IR2. */
static void pic_linux_init(bool master_aeoi)
{
	if (pic)
		hvx_pic_destroy(pic);
	pic = hvx_pic_create(&vm);
	outb_pic(0x21, 0xff);
	outb_pic(0xa1, 0xff);
	outb_pic(0x20, 0x11);
	outb_pic(0x21, 0x30);
	outb_pic(0x21, 1u << 2);
	outb_pic(0x21, master_aeoi ? 0x03 : 0x01);
	outb_pic(0xa0, 0x11);
	outb_pic(0xa1, 0x38);
	outb_pic(0xa1, 2);
	outb_pic(0xa1, 0x01);
	outb_pic(0x21, 0x00);
	outb_pic(0xa1, 0x00);
	kicks = 0;
}

static void test_pic(void)
{
	int v, st;

	pic_linux_init(false);
	CHECK("pic init: no INTR", !hvx_pic_has_interrupt(pic), "INTR high");
	CHECK("pic init: spurious IRQ7 vector", hvx_pic_read_irq(pic) == 0x37,
	      "got %#x", hvx_pic_read_irq(pic));
	CHECK("pic spurious sets no ISR", (outb_pic(0x20, 0x0b), inb_pic(0x20)) == 0,
	      "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x0a);

	st = hvx_pic_set_irq(pic, 0, 1);
	hvx_pic_set_irq(pic, 0, 0);
	CHECK("pic edge IRQ0: status 1 and a kick", st == 1 && kicks == 1,
	      "status %d kicks %d", st, kicks);
	CHECK("pic edge IRQ0: INTR", hvx_pic_has_interrupt(pic), "INTR low");
	CHECK("pic IRR read", inb_pic(0x20) == 0x01, "IRR %#x", inb_pic(0x20));
	v = hvx_pic_read_irq(pic);
	CHECK("pic INTA IRQ0 -> 0x30", v == 0x30, "vector %#x", v);
	outb_pic(0x20, 0x0b);
	CHECK("pic ISR after INTA", inb_pic(0x20) == 0x01 && !hvx_pic_has_interrupt(pic),
	      "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x20);
	CHECK("pic non-specific EOI", inb_pic(0x20) == 0, "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x0a);

	/* Fully nested priority: IR1 before IR3, IR3 waits for IR1's EOI. */
	hvx_pic_set_irq(pic, 3, 1);
	hvx_pic_set_irq(pic, 1, 1);
	v = hvx_pic_read_irq(pic);
	CHECK("pic priority IR1 first", v == 0x31, "vector %#x", v);
	CHECK("pic IR3 blocked while IR1 in service", !hvx_pic_has_interrupt(pic), "INTR high");
	outb_pic(0x20, 0x61);	/* specific EOI IR1 */
	v = hvx_pic_read_irq(pic);
	CHECK("pic IR3 after specific EOI", v == 0x33, "vector %#x", v);
	outb_pic(0x20, 0x20);
	hvx_pic_set_irq(pic, 1, 0);
	hvx_pic_set_irq(pic, 3, 0);

	/* Edge coalescing and masking (KVM_IRQ_LINE_STATUS values). */
	st = hvx_pic_set_irq(pic, 4, 1);
	hvx_pic_set_irq(pic, 4, 0);
	v = hvx_pic_set_irq(pic, 4, 1);
	hvx_pic_set_irq(pic, 4, 0);
	CHECK("pic edge coalesced status 0", st == 1 && v == 0, "status %d then %d", st, v);
	hvx_pic_read_irq(pic);
	outb_pic(0x20, 0x20);
	outb_pic(0x21, 0x20);
	st = hvx_pic_set_irq(pic, 5, 1);
	hvx_pic_set_irq(pic, 5, 0);
	CHECK("pic masked status -1, no INTR", st == -1 && !hvx_pic_has_interrupt(pic),
	      "status %d", st);
	kicks = 0;
	outb_pic(0x21, 0x00);
	CHECK("pic unmask delivers the latched edge", hvx_pic_has_interrupt(pic) && kicks == 1,
	      "kicks %d", kicks);
	v = hvx_pic_read_irq(pic);
	CHECK("pic IR5 vector", v == 0x35, "vector %#x", v);
	outb_pic(0x20, 0x20);

	/* The slave through IR2. */
	hvx_pic_set_irq(pic, 10, 1);
	hvx_pic_set_irq(pic, 10, 0);
	CHECK("pic slave raises INTR", hvx_pic_has_interrupt(pic), "INTR low");
	v = hvx_pic_read_irq(pic);
	CHECK("pic slave IRQ10 -> 0x3a", v == 0x3a, "vector %#x", v);
	outb_pic(0xa0, 0x0b);
	outb_pic(0x20, 0x0b);
	CHECK("pic slave ISR2 and master ISR2", inb_pic(0xa0) == 0x04 && inb_pic(0x20) == 0x04,
	      "slave %#x master %#x", inb_pic(0xa0), inb_pic(0x20));
	outb_pic(0xa0, 0x62);
	outb_pic(0x20, 0x62);
	CHECK("pic Linux's slave EOI sequence", inb_pic(0xa0) == 0 && inb_pic(0x20) == 0,
	      "slave %#x master %#x", inb_pic(0xa0), inb_pic(0x20));
	outb_pic(0xa0, 0x0a);
	outb_pic(0x20, 0x0a);

	/* The slave request went away before INTA: IR2 drops, IRQ 7. */
	hvx_pic_set_irq(pic, 12, 1);
	hvx_pic_set_irq(pic, 12, 0);
	outb_pic(0xa1, 0x10);
	CHECK("pic masked slave request leaves IR2", !hvx_pic_has_interrupt(pic), "INTR high");
	v = hvx_pic_read_irq(pic);
	CHECK("pic spurious IRQ7 then", v == 0x37, "vector %#x", v);
	outb_pic(0xa1, 0x00);
	v = hvx_pic_read_irq(pic);
	CHECK("pic IRQ12 after unmask", v == 0x3c, "vector %#x", v);
	outb_pic(0xa0, 0x20);
	outb_pic(0x20, 0x20);

	/* ELCR: writable bits, level-triggered inputs. */
	outb_pic(0x4d0, 0xff);
	outb_pic(0x4d1, 0xff);
	CHECK("pic ELCR masks", inb_pic(0x4d0) == 0xf8 && inb_pic(0x4d1) == 0xde,
	      "%#x %#x", inb_pic(0x4d0), inb_pic(0x4d1));
	outb_pic(0x4d0, 0x00);
	outb_pic(0x4d1, 0x02);	/* IRQ 9 level */
	hvx_pic_set_irq(pic, 9, 1);
	v = hvx_pic_read_irq(pic);
	outb_pic(0xa0, 0x20);
	outb_pic(0x20, 0x20);
	CHECK("pic level IRQ9 stays requested while high", v == 0x39 &&
	      hvx_pic_has_interrupt(pic), "vector %#x", v);
	st = hvx_pic_set_irq(pic, 9, 1);
	CHECK("pic level already pending: status 0", st == 0, "status %d", st);
	hvx_pic_set_irq(pic, 9, 0);
	CHECK("pic level IRQ9 low: request gone", !hvx_pic_has_interrupt(pic) &&
	      inb_pic(0xa0) == 0 && inb_pic(0x20) == 0, "IRR %#x %#x", inb_pic(0xa0),
	      inb_pic(0x20));
	outb_pic(0x4d1, 0x00);

	/* Poll mode (OCW3 P): INTA by a read, 0x80 | level. */
	hvx_pic_set_irq(pic, 6, 1);
	hvx_pic_set_irq(pic, 6, 0);
	outb_pic(0x20, 0x0c);
	v = inb_pic(0x20);
	CHECK("pic poll returns 0x86", v == 0x86, "poll %#x", v);
	outb_pic(0x20, 0x0b);
	CHECK("pic poll set ISR6", inb_pic(0x20) == 0x40, "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x20);
	outb_pic(0x20, 0x0c);
	CHECK("pic poll with nothing: 0", inb_pic(0x20) == 0, "poll");
	CHECK("pic poll is one read only", inb_pic(0x21) == 0x00, "IMR read");
	outb_pic(0x20, 0x0a);

	/* Specific rotation: IR3 lowest makes IR4 highest. */
	outb_pic(0x20, 0xc3);
	hvx_pic_set_irq(pic, 1, 1);
	hvx_pic_set_irq(pic, 5, 1);
	v = hvx_pic_read_irq(pic);
	CHECK("pic set priority: IR5 before IR1", v == 0x35, "vector %#x", v);
	/* Rotate on non-specific EOI: IR5 becomes lowest, IR6 highest. */
	outb_pic(0x20, 0xa0);
	v = hvx_pic_read_irq(pic);
	CHECK("pic rotation then IR1", v == 0x31, "vector %#x", v);
	outb_pic(0x20, 0x20);
	hvx_pic_set_irq(pic, 1, 0);
	hvx_pic_set_irq(pic, 5, 0);
	outb_pic(0x20, 0xc7);

	/* Special mask mode: masking the level in service lets lower ones in. */
	hvx_pic_set_irq(pic, 3, 1);
	hvx_pic_set_irq(pic, 3, 0);
	hvx_pic_read_irq(pic);
	hvx_pic_set_irq(pic, 5, 1);
	hvx_pic_set_irq(pic, 5, 0);
	CHECK("pic IR5 blocked by IR3 in service", !hvx_pic_has_interrupt(pic), "INTR high");
	outb_pic(0x21, 0x08);
	outb_pic(0x20, 0x68);
	v = hvx_pic_read_irq(pic);
	CHECK("pic special mask mode lets IR5 in", v == 0x35, "vector %#x", v);
	outb_pic(0x20, 0x20);	/* clears IR5, not the masked IR3 */
	outb_pic(0x20, 0x0b);
	CHECK("pic SMM non-specific EOI skips masked IR3", inb_pic(0x20) == 0x08,
	      "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x48);
	outb_pic(0x20, 0x63);
	CHECK("pic specific EOI IR3", inb_pic(0x20) == 0, "ISR %#x", inb_pic(0x20));
	outb_pic(0x20, 0x0a);
	outb_pic(0x21, 0x00);

	/* Auto-EOI (Linux's "auto_eoi" mode). */
	pic_linux_init(true);
	hvx_pic_set_irq(pic, 2 + 1, 1);
	v = hvx_pic_read_irq(pic);
	outb_pic(0x20, 0x0b);
	CHECK("pic AEOI leaves no ISR bit", v == 0x33 && inb_pic(0x20) == 0,
	      "vector %#x ISR %#x", v, inb_pic(0x20));

	/* Special fully nested mode: a higher slave input while one is served. */
	pic_linux_init(false);
	outb_pic(0x20, 0x11);
	outb_pic(0x21, 0x30);
	outb_pic(0x21, 0x04);
	outb_pic(0x21, 0x11);	/* SFNM */
	outb_pic(0x21, 0x00);
	hvx_pic_set_irq(pic, 12, 1);
	hvx_pic_set_irq(pic, 12, 0);
	v = hvx_pic_read_irq(pic);
	hvx_pic_set_irq(pic, 9, 1);
	hvx_pic_set_irq(pic, 9, 0);
	CHECK("pic SFNM: nested slave request", v == 0x3c && hvx_pic_read_irq(pic) == 0x39,
	      "first %#x", v);

	/* State out and in (KVM_GET/SET_IRQCHIP). */
	{
		struct kvm_pic_state s;

		pic_linux_init(false);
		hvx_pic_get_state(pic, 0, &s);
		CHECK("pic state: irq_base, elcr_mask", s.irq_base == 0x30 &&
		      s.elcr_mask == 0xf8 && s.init_state == 0, "base %#x", s.irq_base);
		s.irr = 0x10;
		kicks = 0;
		hvx_pic_set_state(pic, 0, &s);
		CHECK("pic set state with a request raises INTR", kicks == 1 &&
		      hvx_pic_read_irq(pic) == 0x34, "kicks %d", kicks);
		CHECK("pic set state: bad chip", hvx_pic_set_state(pic, 2, &s) == -EINVAL, "no error");
	}
	hvx_pic_destroy(pic);
	pic = NULL;
}

/* ---- I/O APIC ---- */

static struct hvx_ioapic *io;

static void io_write(u32 reg, u32 val)
{
	u32 r = reg;

	hvx_ioapic_mmio(io, 0x00, 4, true, &r);
	hvx_ioapic_mmio(io, 0x10, 4, true, &val);
}

static u32 io_read(u32 reg)
{
	u32 v = reg;

	hvx_ioapic_mmio(io, 0x00, 4, true, &v);
	hvx_ioapic_mmio(io, 0x10, 4, false, &v);
	return v;
}

static void test_ioapic(void)
{
	struct kvm_ioapic_state s;
	u64 q;
	u8 b;
	int st;

	io = hvx_ioapic_create(&vm);
	CHECK("ioapic version 0x11, 24 entries", io_read(1) == 0x00170011, "%#x", io_read(1));
	io_write(0, 0x0f000000);
	CHECK("ioapic ID 4 bits", io_read(0) == 0x0f000000 && io_read(2) == 0x0f000000,
	      "%#x", io_read(0));
	io_write(1, 0);
	CHECK("ioapic version read-only", io_read(1) == 0x00170011, "%#x", io_read(1));
	CHECK("ioapic reset: entries masked", io_read(0x10) == 0x10000 && io_read(0x3f) == 0,
	      "%#x", io_read(0x10));
	CHECK("ioapic no register past the table", io_read(0x40) == 0xffffffff &&
	      io_read(0x05) == 0xffffffff, "%#x", io_read(0x40));
	b = 0x12;
	hvx_ioapic_mmio(io, 0x00, 1, true, &b);
	hvx_ioapic_mmio(io, 0x00, 1, false, &b);
	CHECK("ioapic IOREGSEL byte access", b == 0x12, "%#x", b);
	q = ~0ULL;
	hvx_ioapic_mmio(io, 0x20, 8, false, &q);
	CHECK("ioapic other offsets read 0", q == 0, "%#llx", (unsigned long long)q);
	CHECK("ioapic range ends at 0x100", hvx_ioapic_mmio(io, 0xfc, 8, false, &q) == -ENOENT,
	      "accepted");
	q = 0;
	hvx_ioapic_mmio(io, 0x40, 4, true, &q);	/* no EOI register on 0x11 */

	/* Edge pin 4: vector 0x34 to APIC 1, physical, fixed. */
	io_write(0x10 + 2 * 4 + 1, 0x01000000);
	io_write(0x10 + 2 * 4, 0x34);
	delivered = 0;
	st = hvx_ioapic_set_irq(io, 4, 1);
	CHECK("ioapic edge delivers", st == 1 && delivered == 1 && last_msg.vector == 0x34 &&
	      last_msg.dest == 1 && !last_msg.logical && !last_msg.level &&
	      last_msg.delivery_mode == HVX_DM_FIXED && last_msg.shorthand == HVX_SH_NONE,
	      "status %d delivered %d vector %#x dest %u", st, delivered, last_msg.vector,
	      last_msg.dest);
	hvx_ioapic_get_state(io, &s);
	CHECK("ioapic state hides a delivered edge", !(s.irr & 0x10), "irr %#x", s.irr);
	st = hvx_ioapic_set_irq(io, 4, 1);
	CHECK("ioapic edge held high: coalesced", st == 0 && delivered == 1, "status %d", st);
	hvx_ioapic_set_irq(io, 4, 0);
	hvx_ioapic_set_irq(io, 4, 1);
	hvx_ioapic_set_irq(io, 4, 0);
	CHECK("ioapic second edge", delivered == 2, "delivered %d", delivered);

	/* Masked pin. */
	io_write(0x10 + 2 * 5, 0x10035);
	st = hvx_ioapic_set_irq(io, 5, 1);
	hvx_ioapic_set_irq(io, 5, 0);
	CHECK("ioapic masked: -1, nothing sent", st == -1 && delivered == 2, "status %d", st);

	/* Level pin 9, logical lowest priority: remote IRR and EOI. */
	io_write(0x10 + 2 * 9 + 1, 0x03000000);
	io_write(0x10 + 2 * 9, 0x8939);		/* level, logical, lowest, 0x39 */
	delivered = 0;
	st = hvx_ioapic_set_irq(io, 9, 1);
	CHECK("ioapic level delivers", st == 1 && delivered == 1 && last_msg.level &&
	      last_msg.logical && last_msg.delivery_mode == HVX_DM_LOWEST &&
	      last_msg.dest == 3, "status %d", st);
	CHECK("ioapic remote IRR set", io_read(0x10 + 2 * 9) & (1u << 14), "%#x",
	      io_read(0x10 + 2 * 9));
	st = hvx_ioapic_set_irq(io, 9, 1);
	CHECK("ioapic level waits for EOI", st == -1 && delivered == 1, "status %d", st);
	io_write(0x10 + 2 * 9, 0x8939);
	CHECK("ioapic remote IRR read-only", (io_read(0x10 + 2 * 9) & (1u << 14)) &&
	      delivered == 1, "%#x", io_read(0x10 + 2 * 9));
	hvx_ioapic_eoi(io, 0x39);
	CHECK("ioapic EOI with the line high: again", delivered == 2 &&
	      (io_read(0x10 + 2 * 9) & (1u << 14)), "delivered %d", delivered);
	hvx_ioapic_set_irq(io, 9, 0);
	hvx_ioapic_eoi(io, 0x39);
	CHECK("ioapic EOI with the line low: idle", delivered == 2 &&
	      !(io_read(0x10 + 2 * 9) & (1u << 14)), "delivered %d", delivered);

	/* Linux's EOI for version 0x11: mask + edge, then the level entry. */
	hvx_ioapic_set_irq(io, 9, 1);
	hvx_ioapic_set_irq(io, 9, 0);
	io_write(0x10 + 2 * 9, 0x10939);
	CHECK("ioapic edge clears remote IRR", !(io_read(0x10 + 2 * 9) & (1u << 14)), "%#x",
	      io_read(0x10 + 2 * 9));
	io_write(0x10 + 2 * 9, 0x8939);
	/* An entry unmasked while its level line is high sends at once. */
	io_write(0x10 + 2 * 9, 0x18939);
	hvx_ioapic_set_irq(io, 9, 1);
	delivered = 0;
	io_write(0x10 + 2 * 9, 0x08939);
	CHECK("ioapic unmasking a high level line delivers", delivered == 1, "delivered %d",
	      delivered);
	/* No local APIC took it: no remote IRR, as KVM. */
	hvx_ioapic_set_irq(io, 9, 0);
	hvx_ioapic_eoi(io, 0x39);
	deliver_ret = 0;
	hvx_ioapic_set_irq(io, 9, 1);
	CHECK("ioapic no taker: no remote IRR", !(io_read(0x10 + 2 * 9) & (1u << 14)), "%#x",
	      io_read(0x10 + 2 * 9));
	deliver_ret = 1;

	/* State round trip; restoring asserts irr again. */
	hvx_ioapic_get_state(io, &s);
	CHECK("ioapic state: base, level irr", s.base_address == HVX_IOAPIC_BASE &&
	      (s.irr & (1u << 9)) && s.id == 0xf, "base %#llx irr %#x",
	      (unsigned long long)s.base_address, s.irr);
	delivered = 0;
	hvx_ioapic_set_state(io, &s);
	CHECK("ioapic set state re-delivers the level line", delivered == 1 &&
	      (io_read(0x10 + 2 * 9) & (1u << 14)), "delivered %d", delivered);
	s.base_address = 0xfec01000;
	hvx_ioapic_set_state(io, &s);
	CHECK("ioapic moved base: not at the old window", hvx_ioapic_mmio(io, 0, 4, false, &q) ==
	      -ENOENT, "answered");
	hvx_ioapic_destroy(io);
}

/* ---- PIT ---- */

static struct hvx_pit *pit;

static void outb_pit(u16 port, u8 v)
{
	u32 val = v;

	hvx_pit_pio(pit, port, 1, false, &val);
}

static u8 inb_pit(u16 port)
{
	u32 val = 0xdead;

	hvx_pit_pio(pit, port, 1, true, &val);
	return val;
}

/* Time passes: the hrtimer fires and its work item runs. */
static void advance_ns(s64 ns)
{
	s64 end = fake_now + ns;

	while (pit->timer.active && pit->timer.expires <= end) {
		fake_now = pit->timer.expires;
		if (pit->timer.function(&pit->timer) == HRTIMER_NORESTART)
			pit->timer.active = false;
		if (pit->irq_work.pending) {
			pit->irq_work.pending = false;
			pit->irq_work.fn(&pit->irq_work);
		}
	}
	fake_now = end;
}

static s64 ticks_ns(u64 t)
{
	return (s64)(t * 1000000000ULL / PIT_HZ);
}

static void test_pit(void)
{
	struct kvm_pit_state2 s;
	u32 val;
	int lo, hi, cnt, i;

	pit = hvx_pit_create(&vm, KVM_PIT_SPEAKER_DUMMY);
	hvx_pit_get_state(pit, &s);
	CHECK("pit reset state as KVM's", s.channels[0].count == 0x10000 &&
	      s.channels[0].mode == 0xff && s.channels[0].gate == 1 &&
	      s.channels[1].gate == 1 && s.channels[2].gate == 0 && s.flags == 0,
	      "count %#x mode %#x", s.channels[0].count, s.channels[0].mode);
	CHECK("pit reset: no timer", !pit->timer.active, "timer armed");

	/* pit_calibrate_tsc(): counter 2, mode 0, 10 ms, poll port 0x61 bit 5. */
	outb_pit(0x61, (inb_pit(0x61) & ~0x02) | 0x01);
	outb_pit(0x43, 0xb0);
	outb_pit(0x42, 11931 & 0xff);
	outb_pit(0x42, 11931 >> 8);
	CHECK("pit ch2 OUT low while counting", !(inb_pit(0x61) & 0x20), "0x61 %#x", inb_pit(0x61));
	advance_ns(5000000);
	CHECK("pit ch2 OUT low at 5 ms", !(inb_pit(0x61) & 0x20), "0x61 %#x", inb_pit(0x61));
	advance_ns(5000000);
	CHECK("pit ch2 OUT high at 10 ms", inb_pit(0x61) & 0x20, "0x61 %#x", inb_pit(0x61));
	CHECK("pit 0x61 gate bit reads back", (inb_pit(0x61) & 0x03) == 0x01, "0x61 %#x",
	      inb_pit(0x61));

	/* quick_pit_calibrate(): the MSB counts down from 0xff. */
	outb_pit(0x43, 0xb0);
	outb_pit(0x42, 0xff);
	outb_pit(0x42, 0xff);
	inb_pit(0x42);
	hi = inb_pit(0x42);
	CHECK("pit fast calibration MSB 0xff", hi == 0xff, "msb %#x", hi);
	for (i = 1; i <= 10; i++) {
		advance_ns(ticks_ns(256) + 1);
		inb_pit(0x42);
		hi = inb_pit(0x42);
		if (hi != 0xff - i)
			break;
	}
	CHECK("pit fast calibration MSB steps every 256 ticks", i == 11, "step %d msb %#x", i, hi);

	/* Gate low suspends mode 0; high resumes. */
	outb_pit(0x43, 0xb0);
	outb_pit(0x42, 0x00);
	outb_pit(0x42, 0x10);	/* 4096 */
	advance_ns(ticks_ns(96) + 1);
	outb_pit(0x61, 0x00);
	advance_ns(10000000);
	lo = inb_pit(0x42);
	hi = inb_pit(0x42);
	CHECK("pit mode 0 GATE low holds the count", (hi << 8 | lo) == 4000,
	      "count %d", hi << 8 | lo);
	outb_pit(0x61, 0x01);
	advance_ns(ticks_ns(1000) + 1);
	lo = inb_pit(0x42);
	hi = inb_pit(0x42);
	CHECK("pit mode 0 GATE high resumes", (hi << 8 | lo) == 3000, "count %d", hi << 8 | lo);

	/* Counter 0, mode 2 (Linux's periodic tick, HZ=100). */
	irq0_edges = 0;
	outb_pit(0x43, 0x34);
	outb_pit(0x40, 11932 & 0xff);
	outb_pit(0x40, 11932 >> 8);
	CHECK("pit ch0 mode 2 arms the timer", pit->timer.active && pit->period_ns > 9990000 &&
	      pit->period_ns < 10010000, "active %d period %llu", pit->timer.active,
	      (unsigned long long)pit->period_ns);
	advance_ns(ticks_ns(300) + 1);
	outb_pit(0x43, 0x00);	/* counter latch */
	advance_ns(ticks_ns(50));
	lo = inb_pit(0x40);
	hi = inb_pit(0x40);
	CHECK("pit latched count", (hi << 8 | lo) == 11632, "count %d", hi << 8 | lo);
	advance_ns(10000000 * 10);
	CHECK("pit periodic IRQ 0: ten edges in 100 ms", irq0_edges == 10 && irq0_level == 0,
	      "edges %d", irq0_edges);

	/* Read-back: status then count of counter 0. */
	outb_pit(0x43, 0xc2);
	val = inb_pit(0x40);
	CHECK("pit read-back status", (val & 0x7f) == 0x34, "status %#x", val);
	lo = inb_pit(0x40);
	hi = inb_pit(0x40);
	cnt = hi << 8 | lo;
	CHECK("pit read-back count in range", cnt >= 1 && cnt <= 11932, "count %d", cnt);
	outb_pit(0x43, 0xe2);	/* status only */
	outb_pit(0x43, 0xe2);	/* ignored: one latched already */
	CHECK("pit status latched once", (inb_pit(0x40) & 0x7f) == 0x34 &&
	      inb_pit(0x40) != 0x34, "status");
	inb_pit(0x40);

	/* Mode 4 one-shot (Linux's oneshot clockevent). */
	outb_pit(0x43, 0x38);
	CHECK("pit control word stops counter 0", !pit->timer.active, "timer armed");
	irq0_edges = 0;
	outb_pit(0x40, 1193 & 0xff);
	outb_pit(0x40, 1193 >> 8);
	advance_ns(50000000);
	CHECK("pit mode 4: one IRQ", irq0_edges == 1 && !pit->timer.active, "edges %d",
	      irq0_edges);
	outb_pit(0x40, 100);
	outb_pit(0x40, 0);
	advance_ns(1000000);
	CHECK("pit mode 4: a new count, a new IRQ", irq0_edges == 2, "edges %d", irq0_edges);

	/* HPET legacy mode and no irqchip: counter 0 raises nothing. */
	hvx_pit_get_state(pit, &s);
	s.flags = KVM_PIT_FLAGS_HPET_LEGACY;
	s.channels[0].mode = 2;
	hvx_pit_set_state(pit, &s);
	CHECK("pit HPET legacy: no timer", !pit->timer.active, "timer armed");
	s.flags = 0;
	hvx_pit_set_state(pit, &s);
	CHECK("pit set state: periodic again", pit->timer.active && pit->period_ns, "no timer");
	vm.irqchip = false;
	outb_pit(0x40, 100);
	outb_pit(0x40, 0);
	CHECK("pit without irqchip: no timer", !pit->timer.active, "timer armed");
	vm.irqchip = true;

	/* BCD counting. */
	outb_pit(0x43, 0xb1);
	outb_pit(0x42, 0x00);
	outb_pit(0x42, 0x10);	/* 1000 */
	advance_ns(ticks_ns(1193) + 1);
	lo = inb_pit(0x42);
	hi = inb_pit(0x42);
	CHECK("pit BCD count wraps at 10000", (hi << 8 | lo) == 0x9807, "count %#x", hi << 8 | lo);

	/* Mode 3 square wave on counter 2. */
	outb_pit(0x43, 0xb6);
	outb_pit(0x42, 100);
	outb_pit(0x42, 0);
	advance_ns(ticks_ns(10) + 1);
	val = inb_pit(0x61);
	advance_ns(ticks_ns(50));
	CHECK("pit mode 3 OUT high then low", (val & 0x20) && !(inb_pit(0x61) & 0x20),
	      "0x61 %#x", val);

	/* Port 0x61 data bit, the control register, state round trip. */
	outb_pit(0x61, 0x03);
	hvx_pit_get_state(pit, &s);
	CHECK("pit speaker data flag", (inb_pit(0x61) & 0x02) &&
	      (s.flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON), "flags %#x", s.flags);
	CHECK("pit control register reads 0xff", inb_pit(0x43) == 0xff, "read");
	CHECK("pit state keeps mode and count", s.channels[2].mode == 3 &&
	      s.channels[2].count == 100 && s.channels[2].rw_mode == 3, "mode %d count %d",
	      s.channels[2].mode, s.channels[2].count);
	hvx_pit_destroy(pit);

	pit = hvx_pit_create(&vm, 0);
	val = 0;
	CHECK("pit without speaker flag: 0x61 not ours",
	      hvx_pit_pio(pit, 0x61, 1, true, &val) == -ENOENT, "handled");
	hvx_pit_destroy(pit);
}

int main(void)
{
	test_pic();
	test_ioapic();
	test_pit();
	return summary();
}
