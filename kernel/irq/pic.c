// SPDX-License-Identifier: GPL-2.0
/*
 * The two cascaded 8259A programmable interrupt controllers of the PC
 * (master at ports 0x20/0x21 for IRQ 0-7, slave at 0xa0/0xa1 for IRQ 8-15,
 * its INT output on the master's IR2), and the PIIX edge/level control
 * registers at 0x4d0/0x4d1.
 *
 * The rules come from the Intel 8259A datasheet ("Interrupt Sequence",
 * "Initialization Command Words", "Operation Command Words", "Fully
 * Nested Mode", "Special Fully Nested Mode", "Automatic Rotation",
 * "Specific Rotation", "Special Mask Mode", "Poll Command", "Reading the
 * 8259A Status") and, for the ELCR, the Intel 82371AB PIIX4 datasheet
 * ("ELCR1/ELCR2 - Edge/Level Control Registers": IRQ 0, 1, 2, 8 and 13
 * can only be edge-triggered).
 *
 * The registers of each chip are kept in a struct kvm_pic_state, which
 * is also what KVM_GET_IRQCHIP and KVM_SET_IRQCHIP move (api.rst 4.26,
 * 4.27). Field meanings, as KVM gives them:
 *   last_irr	the level of each IR input at the last change (edge sense)
 *   irr, isr, imr
 *   priority_add	the IR level with the highest priority (rotation)
 *   irq_base	ICW2: the vector of IR0 (bits 7:3)
 *   read_reg_select	OCW3 RIS: port A0=0 reads ISR (1) or IRR (0)
 *   poll		OCW3 P: the next read is a poll
 *   special_mask	OCW3 SMM
 *   init_state	0 ready, 1-3 waiting for ICW2, ICW3, ICW4
 *   auto_eoi, special_fully_nested_mode	ICW4 AEOI, SFNM
 *   rotate_on_auto_eoi	OCW2 "rotate in automatic EOI mode"
 *   init4		ICW1 IC4: an ICW4 follows
 *   elcr, elcr_mask	PIIX ELCR and its writable bits
 *
 * KVM_SET_IRQCHIP takes any bytes, as KVM does; every use below masks the
 * fields it indexes with, so odd values cannot reach outside the state.
 *
 * Locking: pic->lock (irq-safe: the core may look at the PIC with
 * interrupts off before entering the guest). It is never held while
 * calling out; hvx_irq_pic_output_raised() runs after it is dropped.
 */
#ifdef __KERNEL__
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/kvm.h>
#include "irq.h"
#endif

#define PIC_MASTER	0
#define PIC_SLAVE	1
#define PIC_CASCADE_IR	2	/* the master input the slave's INT drives */
#define PIC_NONE	8	/* "no level" from pic_highest() */

/* Writable ELCR bits: PIIX4 hard-wires IRQ 0, 1, 2 (master) and 8, 13
 * (slave) to edge. */
#define PIC_ELCR_MASK_MASTER	0xf8
#define PIC_ELCR_MASK_SLAVE	0xde

struct hvx_pic {
	spinlock_t lock;
	struct hvx_vm *vm;
	struct kvm_pic_state chip[2];	/* [lock] */
	bool output;			/* [lock] INTR of the master */
};

/*
 * Of the IR levels set in @mask, the one with the highest priority, as a
 * distance from priority_add (0 = highest priority); PIC_NONE if none.
 * Priority is circular: priority_add has the highest, priority_add - 1
 * the lowest ("Automatic Rotation", "Specific Rotation").
 */
static int pic_highest(const struct kvm_pic_state *s, u8 mask)
{
	int k;

	for (k = 0; k < 8; k++)
		if (mask & (1u << ((k + s->priority_add) & 7)))
			return k;
	return PIC_NONE;
}

static int pic_level_of(const struct kvm_pic_state *s, int k)
{
	return (k + s->priority_add) & 7;
}

/*
 * The IR level this chip would present to the CPU (or to the master) on
 * INTA, or -1. A request gets through when it is unmasked and has a
 * higher priority than every level in service. In special mask mode the
 * in-service levels that are masked do not count ("Special Mask Mode").
 * In special fully nested mode the master also takes a new request on
 * IR2 while IR2 is in service, so a higher-priority slave input can
 * interrupt a lower one ("Special Fully Nested Mode").
 */
static int pic_request(const struct kvm_pic_state *s, bool master)
{
	u8 in_service = s->isr;
	int req, cur;

	req = pic_highest(s, s->irr & ~s->imr);
	if (req == PIC_NONE)
		return -1;
	if (s->special_mask)
		in_service &= ~s->imr;
	cur = pic_highest(s, in_service);
	if (req < cur)
		return pic_level_of(s, req);
	if (master && s->special_fully_nested_mode && req == cur &&
	    pic_level_of(s, req) == PIC_CASCADE_IR)
		return PIC_CASCADE_IR;
	return -1;
}

/*
 * Drive IR input @pin to @level. Edge-triggered inputs latch a rising
 * edge into IRR; level-triggered ones (ELCR bit set) make IRR follow the
 * input. Returns what KVM_IRQ_LINE_STATUS reports: -1 masked, 0 the
 * request was already pending (coalesced), 1 otherwise.
 */
static int pic_drive(struct kvm_pic_state *s, int pin, int level)
{
	u8 bit = 1u << pin;
	int ret = 1;

	if (level) {
		if ((s->elcr & bit) || !(s->last_irr & bit)) {
			ret = !(s->irr & bit);
			s->irr |= bit;
		}
		s->last_irr |= bit;
	} else {
		if (s->elcr & bit)
			s->irr &= ~bit;
		s->last_irr &= ~bit;
	}
	return (s->imr & bit) ? -1 : ret;
}

/*
 * Recompute the cascade and the master's INTR after any change. The
 * master's IR2 is wired to the slave's INT and nothing else, so its
 * request is the slave's: an input must still be high at INTA, or the
 * chip answers with its default IR7 ("Interrupt Sequence"), and a slave
 * request that went away (masked, or a level input dropped) leaves
 * nothing on IR2. Returns true if INTR went from low to high.
 */
static bool pic_update(struct hvx_pic *pic)
{
	struct kvm_pic_state *m = &pic->chip[PIC_MASTER];
	bool out, raised;

	if (pic_request(&pic->chip[PIC_SLAVE], false) >= 0)
		m->irr |= 1u << PIC_CASCADE_IR;
	else
		m->irr &= ~(1u << PIC_CASCADE_IR);
	out = pic_request(m, true) >= 0;
	raised = out && !pic->output;
	WRITE_ONCE(pic->output, out);
	return raised;
}

/* The INTA cycle on one chip for level @pin: IRR -> ISR ("Interrupt
 * Sequence"); an edge request is consumed, a level one stays as long as
 * the input is high. In AEOI mode the ISR bit goes at once, rotating
 * priority if OCW2 asked for rotation in AEOI mode. */
static void pic_ack(struct kvm_pic_state *s, int pin)
{
	u8 bit = 1u << pin;

	s->isr |= bit;
	if (!(s->elcr & bit))
		s->irr &= ~bit;
	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (pin + 1) & 7;
		s->isr &= ~bit;
	}
}

/*
 * ICW1 starts the initialization sequence ("Initialization Command
 * Words"): edge sense is reset (an input must go low and high again to
 * request), IMR cleared, IR0 gets the highest priority, special mask mode
 * off, status reads select IRR; without IC4 the ICW4 functions are zero.
 * Level-triggered requests survive, as their inputs are still high.
 * SNGL and LTIM are ignored: the PC's chips are always cascaded and the
 * PIIX ELCR decides the trigger mode.
 */
static void pic_icw1(struct kvm_pic_state *s, u8 val)
{
	s->init4 = val & 1;
	s->last_irr = 0;
	s->irr &= s->elcr;
	s->imr = 0;
	s->priority_add = 0;
	s->special_mask = 0;
	s->read_reg_select = 0;
	s->poll = 0;
	if (!s->init4) {
		s->special_fully_nested_mode = 0;
		s->auto_eoi = 0;
	}
	s->init_state = 1;
}

/* The in-service level a non-specific EOI clears: the highest one; in
 * special mask mode, masked levels are left alone ("Special Mask Mode"). */
static int pic_eoi_level(const struct kvm_pic_state *s)
{
	u8 isr = s->isr;
	int k;

	if (s->special_mask)
		isr &= ~s->imr;
	k = pic_highest(s, isr);
	return k == PIC_NONE ? -1 : pic_level_of(s, k);
}

/* OCW2: R, SL, EOI in bits 7:5, level in bits 2:0 ("Operation Command
 * Words", OCW2 table). */
static void pic_ocw2(struct kvm_pic_state *s, u8 val)
{
	int pin = val & 7;

	switch (val >> 5) {
	case 0:		/* clear rotate in AEOI mode */
	case 4:		/* set rotate in AEOI mode */
		s->rotate_on_auto_eoi = val >> 7;
		break;
	case 1:		/* non-specific EOI */
	case 5:		/* rotate on non-specific EOI */
		pin = pic_eoi_level(s);
		if (pin < 0)
			break;
		s->isr &= ~(1u << pin);
		if (val >> 7)
			s->priority_add = (pin + 1) & 7;
		break;
	case 3:		/* specific EOI */
		s->isr &= ~(1u << pin);
		break;
	case 7:		/* rotate on specific EOI */
		s->isr &= ~(1u << pin);
		s->priority_add = (pin + 1) & 7;
		break;
	case 6:		/* set priority: @pin becomes the lowest */
		s->priority_add = (pin + 1) & 7;
		break;
	default:	/* 2: no operation */
		break;
	}
}

/* OCW3: ESMM/SMM in bits 6:5, P in bit 2, RR/RIS in bits 1:0. */
static void pic_ocw3(struct kvm_pic_state *s, u8 val)
{
	if (val & 0x04)
		s->poll = 1;
	if (val & 0x02)
		s->read_reg_select = val & 1;
	if (val & 0x40)
		s->special_mask = (val >> 5) & 1;
}

/* A0=1 writes: ICW2-4 during initialization, OCW1 (IMR) after. */
static void pic_write_data(struct kvm_pic_state *s, u8 val)
{
	switch (s->init_state) {
	case 0:
		s->imr = val;
		break;
	case 1:
		s->irq_base = val & 0xf8;
		s->init_state = 2;
		break;
	case 2:		/* ICW3: the cascade wiring is fixed on the PC */
		s->init_state = s->init4 ? 3 : 0;
		break;
	case 3:		/* ICW4: SFNM bit 4, AEOI bit 1 (uPM assumed) */
		s->special_fully_nested_mode = (val >> 4) & 1;
		s->auto_eoi = (val >> 1) & 1;
		s->init_state = 0;
		break;
	default:	/* only KVM_SET_IRQCHIP can get here; ignore */
		break;
	}
}

/*
 * A poll ("Poll Command"): the read is an INTA for the highest request of
 * this chip; the byte is 0x80 | level, or 0 with no request.
 */
static u8 pic_poll(struct hvx_pic *pic, int id)
{
	struct kvm_pic_state *s = &pic->chip[id];
	int pin = pic_request(s, id == PIC_MASTER);

	s->poll = 0;
	if (pin < 0)
		return 0;
	pic_ack(s, pin);
	return 0x80 | pin;
}

/* One byte at one of the six ports; called with pic->lock held. */
static u8 pic_io(struct hvx_pic *pic, u16 port, bool in, u8 val)
{
	int id = (port == 0xa0 || port == 0xa1 || port == 0x4d1);
	struct kvm_pic_state *s = &pic->chip[id];

	if (port == 0x4d0 || port == 0x4d1) {
		if (in)
			return s->elcr;
		/* An input made level-triggered requests while it is high. */
		val &= s->elcr_mask;
		s->irr = (s->irr & ~(val & ~s->elcr)) |
			 (s->last_irr & val & ~s->elcr);
		s->elcr = val;
		return 0;
	}
	if (in) {
		if (s->poll)
			return pic_poll(pic, id);
		if (port & 1)
			return s->imr;
		return s->read_reg_select ? s->isr : s->irr;
	}
	if (port & 1)
		pic_write_data(s, val);
	else if (val & 0x10)
		pic_icw1(s, val);
	else if (val & 0x08)
		pic_ocw3(s, val);
	else
		pic_ocw2(s, val);
	return 0;
}

struct hvx_pic *hvx_pic_create(struct hvx_vm *vm)
{
	struct hvx_pic *pic = kzalloc(sizeof(*pic), GFP_KERNEL_ACCOUNT);

	if (!pic)
		return NULL;
	spin_lock_init(&pic->lock);
	pic->vm = vm;
	pic->chip[PIC_MASTER].elcr_mask = PIC_ELCR_MASK_MASTER;
	pic->chip[PIC_SLAVE].elcr_mask = PIC_ELCR_MASK_SLAVE;
	return pic;
}

void hvx_pic_destroy(struct hvx_pic *pic)
{
	kfree(pic);
}

static void pic_unlock(struct hvx_pic *pic, unsigned long flags, bool raised)
{
	spin_unlock_irqrestore(&pic->lock, flags);
	if (raised)
		hvx_irq_pic_output_raised(pic->vm);
}

int hvx_pic_set_irq(struct hvx_pic *pic, u32 irq, int level)
{
	unsigned long flags;
	bool raised;
	int ret;

	if (irq >= 16)
		return -1;
	spin_lock_irqsave(&pic->lock, flags);
	ret = pic_drive(&pic->chip[irq >> 3], irq & 7, !!level);
	raised = pic_update(pic);
	pic_unlock(pic, flags, raised);
	return ret;
}

bool hvx_pic_has_interrupt(struct hvx_pic *pic)
{
	return READ_ONCE(pic->output);
}

/*
 * The INTA cycle ("Interrupt Sequence"): the master acknowledges its
 * highest request; if that is IR2 the slave gives the vector. With no
 * request left (it went away after INTR rose), the chip answers with
 * IR7's vector and sets no ISR bit: the spurious IRQ 7 (IRQ 15 if the
 * slave had nothing, which the cascade above does not let happen).
 */
int hvx_pic_read_irq(struct hvx_pic *pic)
{
	struct kvm_pic_state *m = &pic->chip[PIC_MASTER];
	struct kvm_pic_state *sl = &pic->chip[PIC_SLAVE];
	unsigned long flags;
	int pin, spin, vector;
	bool raised;

	spin_lock_irqsave(&pic->lock, flags);
	pin = pic_request(m, true);
	if (pin < 0) {
		vector = m->irq_base + 7;
	} else {
		pic_ack(m, pin);
		if (pin == PIC_CASCADE_IR) {
			spin = pic_request(sl, false);
			if (spin >= 0)
				pic_ack(sl, spin);
			else
				spin = 7;
			vector = sl->irq_base + spin;
		} else {
			vector = m->irq_base + pin;
		}
	}
	raised = pic_update(pic);
	pic_unlock(pic, flags, raised);
	return vector & 0xff;
}

/*
 * Ports 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, one byte. Returns 0, or
 * -ENOENT for another port.
 */
int hvx_pic_pio(struct hvx_pic *pic, u16 port, bool in, u32 *val)
{
	unsigned long flags;
	bool raised;
	u8 r;

	switch (port) {
	case 0x20: case 0x21: case 0xa0: case 0xa1: case 0x4d0: case 0x4d1:
		break;
	default:
		return -ENOENT;
	}
	spin_lock_irqsave(&pic->lock, flags);
	r = pic_io(pic, port, in, in ? 0 : (u8)*val);
	raised = pic_update(pic);
	pic_unlock(pic, flags, raised);
	if (in)
		*val = r;
	return 0;
}

void hvx_pic_get_state(struct hvx_pic *pic, int chip_id, struct kvm_pic_state *s)
{
	unsigned long flags;

	spin_lock_irqsave(&pic->lock, flags);
	*s = pic->chip[chip_id & 1];
	spin_unlock_irqrestore(&pic->lock, flags);
}

/* The state is taken as given, as KVM does (see the top of the file). */
int hvx_pic_set_state(struct hvx_pic *pic, int chip_id, const struct kvm_pic_state *s)
{
	unsigned long flags;
	bool raised;

	if (chip_id != PIC_MASTER && chip_id != PIC_SLAVE)
		return -EINVAL;
	spin_lock_irqsave(&pic->lock, flags);
	pic->chip[chip_id] = *s;
	raised = pic_update(pic);
	pic_unlock(pic, flags, raised);
	return 0;
}
