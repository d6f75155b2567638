// SPDX-License-Identifier: GPL-2.0
/*
 * An 82093AA I/O APIC with 24 pins at 0xfec00000 (Intel 82093AA I/O
 * Advanced Programmable Interrupt Controller datasheet: 3.0 "Register
 * Description", 3.1 "Memory Mapped Registers": IOREGSEL at offset 0x00,
 * IOWIN at 0x10; 3.2 "IOAPIC Registers": IOAPICID 0x00, IOAPICVER 0x01,
 * IOAPICARB 0x02, IOREDTBL[0-23] 0x10-0x3f).
 *
 * As KVM's, it reports version 0x11, the 82093AA's: there is no EOI
 * register at 0x40 (that came with version 0x20 I/O APICs), so a guest
 * ends a level-triggered interrupt through the local APIC's EOI
 * broadcast (hvx_ioapic_eoi), and Linux clears a stuck remote IRR by
 * switching the entry to edge and back, which clears it here as on KVM.
 * The polarity bit is stored but ignored: a line's level is always
 * "asserted = 1" (api.rst 4.25, KVM_CAP_IOAPIC_POLARITY_IGNORED).
 *
 * State in struct kvm_ioapic_state, the KVM_GET/SET_IRQCHIP layout:
 * base_address, ioregsel, id (4 bits used), irr (the level of each input;
 * for an edge-triggered pin, set from assertion until de-assertion) and
 * the redirection table.
 *
 * Locking: ioapic->lock (irq-safe), held while delivering to the local
 * APICs (hvx_apic_deliver sets IRR bits atomically and kicks: it does not
 * sleep), so that remote IRR and the delivery agree.
 */
#ifdef __KERNEL__
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/nospec.h>
#include <linux/kvm.h>
#include "irq.h"
#endif

#define IOAPIC_VERSION		0x11	/* 82093AA */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDTBL	0x10
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10

/* IOREDTBL bits (82093AA datasheet 3.2.4). */
#define RTE_VECTOR		0xffULL
#define RTE_DM_SHIFT		8
#define RTE_DEST_LOGICAL	(1ULL << 11)
#define RTE_DELIVS		(1ULL << 12)
#define RTE_REMOTE_IRR		(1ULL << 14)
#define RTE_LEVEL		(1ULL << 15)
#define RTE_MASKED		(1ULL << 16)
#define RTE_DEST_SHIFT		56

struct hvx_ioapic {
	spinlock_t lock;
	struct hvx_vm *vm;
	struct kvm_ioapic_state st;	/* [lock] */
	/* [lock] edge pins whose assertion was delivered: KVM leaves them
	 * out of the irr it reports, so a restore does not replay them. */
	u32 irr_delivered;
};

static bool rte_level(u64 e)
{
	return e & RTE_LEVEL;
}

/*
 * Send pin @pin's interrupt to the local APICs if its entry lets it
 * through: not masked, and for a level-triggered pin no earlier one
 * still waiting for its EOI (remote IRR). Returns the number of local
 * APICs that took it, or -1 if the entry held it back.
 */
static int ioapic_service(struct hvx_ioapic *ioapic, int pin)
{
	__u64 *e = &ioapic->st.redirtbl[pin].bits;
	struct hvx_apic_irq irq = {
		.dest = (u8)(*e >> RTE_DEST_SHIFT),
		.vector = (u8)(*e & RTE_VECTOR),
		.delivery_mode = (*e >> RTE_DM_SHIFT) & 7,
		.shorthand = HVX_SH_NONE,
		.logical = !!(*e & RTE_DEST_LOGICAL),
		.level = rte_level(*e),
		.assert = true,
	};
	int n;

	if ((*e & RTE_MASKED) || (rte_level(*e) && (*e & RTE_REMOTE_IRR)))
		return -1;
	if (!irq.level)
		ioapic->irr_delivered |= 1u << pin;
	n = hvx_apic_deliver(ioapic->vm, NULL, &irq);
	/* Remote IRR: a local APIC accepted a level interrupt (3.2.4). */
	if (n > 0 && irq.level)
		*e |= RTE_REMOTE_IRR;
	return n;
}

/* Input @pin goes to @level; returns the KVM_IRQ_LINE_STATUS value. */
static int ioapic_drive(struct hvx_ioapic *ioapic, int pin, int level)
{
	u32 bit = 1u << pin, old = ioapic->st.irr;

	if (!level) {
		ioapic->st.irr &= ~bit;
		return 1;
	}
	ioapic->st.irr |= bit;
	if (!rte_level(ioapic->st.redirtbl[pin].bits)) {
		ioapic->irr_delivered &= ~bit;
		/* No rising edge: the input was already high. */
		if (old & bit)
			return 0;
	}
	return ioapic_service(ioapic, pin);
}

static u32 ioapic_read_reg(struct hvx_ioapic *ioapic)
{
	u32 sel = ioapic->st.ioregsel, idx;
	u64 e;

	switch (sel) {
	case IOAPIC_REG_VER:
		return ((HVX_NR_IRQ_PINS - 1) << 16) | IOAPIC_VERSION;
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return (ioapic->st.id & 0xf) << 24;
	}
	idx = (sel - IOAPIC_REG_REDTBL) >> 1;
	if (sel < IOAPIC_REG_REDTBL || idx >= HVX_NR_IRQ_PINS)
		return ~0u;
	idx = array_index_nospec(idx, HVX_NR_IRQ_PINS);
	e = ioapic->st.redirtbl[idx].bits;
	return (sel & 1) ? e >> 32 : (u32)e;
}

/*
 * A write to a redirection entry half. Delivery status and remote IRR
 * are read-only; an entry made edge-triggered loses its remote IRR (the
 * EOI substitute of version 0x11 I/O APICs that Linux relies on, see the
 * top of the file); a level-triggered input still high is delivered
 * again once the entry allows it.
 */
static void ioapic_write_rte(struct hvx_ioapic *ioapic, u32 idx, bool high, u32 val)
{
	__u64 *e = &ioapic->st.redirtbl[idx].bits;
	u64 ro = *e & (RTE_DELIVS | RTE_REMOTE_IRR);

	if (high)
		*e = (*e & 0xffffffffULL) | ((u64)val << 32);
	else
		*e = (*e & ~0xffffffffULL) | val;
	*e = (*e & ~(RTE_DELIVS | RTE_REMOTE_IRR)) | ro;
	if (!rte_level(*e))
		*e &= ~RTE_REMOTE_IRR;
	else if (ioapic->st.irr & (1u << idx))
		ioapic_service(ioapic, idx);
}

static void ioapic_write_reg(struct hvx_ioapic *ioapic, u32 val)
{
	u32 sel = ioapic->st.ioregsel, idx;

	switch (sel) {
	case IOAPIC_REG_ID:
		ioapic->st.id = (val >> 24) & 0xf;
		return;
	case IOAPIC_REG_VER:
	case IOAPIC_REG_ARB:
		return;		/* read-only */
	}
	idx = (sel - IOAPIC_REG_REDTBL) >> 1;
	if (sel < IOAPIC_REG_REDTBL || idx >= HVX_NR_IRQ_PINS)
		return;
	idx = array_index_nospec(idx, HVX_NR_IRQ_PINS);
	ioapic_write_rte(ioapic, idx, sel & 1, val);
}

/* Power-on state: every entry masked (3.2.4), ID 0, the default base. */
static void ioapic_reset(struct hvx_ioapic *ioapic)
{
	int i;

	memset(&ioapic->st, 0, sizeof(ioapic->st));
	ioapic->st.base_address = HVX_IOAPIC_BASE;
	for (i = 0; i < HVX_NR_IRQ_PINS; i++)
		ioapic->st.redirtbl[i].bits = RTE_MASKED;
	ioapic->irr_delivered = 0;
}

struct hvx_ioapic *hvx_ioapic_create(struct hvx_vm *vm)
{
	struct hvx_ioapic *ioapic = kzalloc(sizeof(*ioapic), GFP_KERNEL_ACCOUNT);

	if (!ioapic)
		return NULL;
	spin_lock_init(&ioapic->lock);
	ioapic->vm = vm;
	ioapic_reset(ioapic);
	return ioapic;
}

void hvx_ioapic_destroy(struct hvx_ioapic *ioapic)
{
	kfree(ioapic);
}

int hvx_ioapic_set_irq(struct hvx_ioapic *ioapic, u32 irq, int level)
{
	unsigned long flags;
	int ret;

	if (irq >= HVX_NR_IRQ_PINS)
		return -1;
	spin_lock_irqsave(&ioapic->lock, flags);
	ret = ioapic_drive(ioapic, irq, !!level);
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return ret;
}

/*
 * A local APIC broadcast the EOI of level-triggered @vector: every entry
 * with that vector gets its remote IRR cleared, and an input still
 * asserted is delivered again (82093AA datasheet 3.2.4, "Remote IRR").
 */
void hvx_ioapic_eoi(struct hvx_ioapic *ioapic, u8 vector)
{
	unsigned long flags;
	int pin;

	if (!ioapic)
		return;
	spin_lock_irqsave(&ioapic->lock, flags);
	for (pin = 0; pin < HVX_NR_IRQ_PINS; pin++) {
		__u64 *e = &ioapic->st.redirtbl[pin].bits;

		if ((*e & RTE_VECTOR) != vector)
			continue;
		*e &= ~RTE_REMOTE_IRR;
		if (rte_level(*e) && (ioapic->st.irr & (1u << pin)))
			ioapic_service(ioapic, pin);
	}
	spin_unlock_irqrestore(&ioapic->lock, flags);
}

/*
 * An access at @offset from HVX_IOAPIC_BASE, the window where the I/O
 * APIC sits (as KVM registers it there once). KVM_SET_IRQCHIP may move
 * base_address; like KVM, the I/O APIC then answers only where the old
 * window and the new base agree. Only IOREGSEL and IOWIN exist, at
 * exactly 0x00 and 0x10 (3.1); other offsets read 0 and ignore writes.
 * Returns 0, or -ENOENT when the access is not the I/O APIC's.
 */
int hvx_ioapic_mmio(struct hvx_ioapic *ioapic, u64 offset, u8 len, bool write, void *data)
{
	u64 gpa = HVX_IOAPIC_BASE + offset;
	unsigned long flags;
	u32 val = 0;
	u64 v64;

	if (offset >= HVX_IOAPIC_SIZE || len > HVX_IOAPIC_SIZE - offset)
		return -ENOENT;
	spin_lock_irqsave(&ioapic->lock, flags);
	if (gpa < ioapic->st.base_address ||
	    gpa - ioapic->st.base_address >= HVX_IOAPIC_SIZE) {
		spin_unlock_irqrestore(&ioapic->lock, flags);
		return -ENOENT;
	}
	if (write) {
		switch (len) {
		case 1: val = *(u8 *)data; break;
		case 2: memcpy(&val, data, 2); break;
		case 4: case 8: memcpy(&val, data, 4); break;
		default: goto out;	/* no such bus cycle: dropped */
		}
		if (offset == IOAPIC_IOREGSEL)
			ioapic->st.ioregsel = val & 0xff;
		else if (offset == IOAPIC_IOWIN)
			ioapic_write_reg(ioapic, val);
	} else {
		if (offset == IOAPIC_IOREGSEL)
			val = ioapic->st.ioregsel;
		else if (offset == IOAPIC_IOWIN)
			val = ioapic_read_reg(ioapic);
		memset(data, 0, len);
		v64 = val;
		if (len == 8)
			memcpy(data, &v64, 8);
		else if (len <= 4)
			memcpy(data, &val, len);
	}
out:
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return 0;
}

void hvx_ioapic_get_state(struct hvx_ioapic *ioapic, struct kvm_ioapic_state *s)
{
	unsigned long flags;

	spin_lock_irqsave(&ioapic->lock, flags);
	*s = ioapic->st;
	s->irr &= ~ioapic->irr_delivered;
	spin_unlock_irqrestore(&ioapic->lock, flags);
}

/*
 * The state is taken as given (as KVM does); the inputs named in irr are
 * then asserted anew, which delivers what the restored entries allow.
 */
int hvx_ioapic_set_state(struct hvx_ioapic *ioapic, const struct kvm_ioapic_state *s)
{
	unsigned long flags;
	u32 irr = s->irr;
	int pin;

	spin_lock_irqsave(&ioapic->lock, flags);
	ioapic->st = *s;
	ioapic->st.irr = 0;
	ioapic->irr_delivered = 0;
	for (pin = 0; pin < HVX_NR_IRQ_PINS; pin++)
		if (irr & (1u << pin))
			ioapic_drive(ioapic, pin, 1);
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return 0;
}
