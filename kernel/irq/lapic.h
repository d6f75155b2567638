/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC's register page and the rules on it that need no kernel
 * service: register offsets and bits, priorities, destination matching,
 * the timer's arithmetic. lapic.c builds the device on these; the unit
 * tests (tests/unit/test_lapic.c) build them in user space.
 *
 * The page is the xAPIC register image that KVM_GET/SET_LAPIC copy
 * (struct kvm_lapic_state, 1 KiB): each register at its MMIO offset, 32
 * bits used out of a 16-byte slot (SDM Vol. 3A, 11.4.1 "The Local APIC
 * Block Diagram", Table 11-1 "Local APIC Register Address Map").
 */
#ifndef HVX_IRQ_LAPIC_H
#define HVX_IRQ_LAPIC_H

#include "x86/compat.h"
#include "irq/irq.h"

/* Table 11-1; the x2APIC MSR of a register is 0x800 + (offset >> 4). */
#define HVX_APIC_ID		0x020
#define HVX_APIC_LVR		0x030
#define HVX_APIC_TPR		0x080
#define HVX_APIC_APR		0x090
#define HVX_APIC_PPR		0x0a0
#define HVX_APIC_EOI		0x0b0
#define HVX_APIC_LDR		0x0d0
#define HVX_APIC_DFR		0x0e0
#define HVX_APIC_SVR		0x0f0
#define HVX_APIC_ISR		0x100	/* eight words, 0x100-0x170 */
#define HVX_APIC_TMR		0x180	/* 0x180-0x1f0 */
#define HVX_APIC_IRR		0x200	/* 0x200-0x270 */
#define HVX_APIC_ESR		0x280
#define HVX_APIC_LVT_CMCI	0x2f0
#define HVX_APIC_ICR		0x300
#define HVX_APIC_ICR2		0x310
#define HVX_APIC_LVTT		0x320
#define HVX_APIC_LVT_THERMAL	0x330
#define HVX_APIC_LVT_PMC	0x340
#define HVX_APIC_LVT0		0x350
#define HVX_APIC_LVT1		0x360
#define HVX_APIC_LVT_ERROR	0x370
#define HVX_APIC_TMICT		0x380
#define HVX_APIC_TMCCT		0x390
#define HVX_APIC_TDCR		0x3e0
#define HVX_APIC_SELF_IPI	0x3f0	/* x2APIC only */
#define HVX_APIC_REGS_SIZE	0x400	/* what KVM_GET/SET_LAPIC carry */
#define HVX_APIC_PAGE_SIZE	0x1000	/* the MMIO page at the APIC base */

#define HVX_X2APIC_MSR_FIRST	0x800
#define HVX_X2APIC_MSR_LAST	0x8ff

/*
 * IA32_APIC_BASE (SDM 11.4.4 "Local APIC Status and Location", 11.12.1
 * "Detecting and Enabling x2APIC Mode").
 */
#define HVX_APIC_BASE_BSP	(1ULL << 8)
#define HVX_APIC_BASE_EXTD	(1ULL << 10)	/* x2APIC mode */
#define HVX_APIC_BASE_EN	(1ULL << 11)	/* APIC global enable */
#define HVX_APIC_BASE_ADDR	(~0xfffULL)

/*
 * Version register (SDM 11.4.8 "Local APIC Version Register"): version
 * 0x14 (integrated APIC) and "max LVT entry" = entries - 1. Six LVT
 * entries (timer, thermal, performance counter, LINT0, LINT1, error): no
 * CMCI, as KVM without MCG_CMCI_P in its MCG_CAP, and no directed EOI,
 * which KVM offers only without an in-kernel IOAPIC.
 */
#define HVX_APIC_NR_LVT		6
#define HVX_APIC_LVR_VALUE	(0x14 | ((HVX_APIC_NR_LVT - 1) << 16))

/* Spurious-interrupt vector register (SDM 11.9 "Spurious Interrupt"). */
#define HVX_APIC_SVR_ENABLE	(1u << 8)
#define HVX_APIC_SVR_MASK	0x3ffu	/* vector, enable, focus checking */

/* Destination format register (SDM 11.6.2.2 "Logical Destination Mode"). */
#define HVX_APIC_DFR_FLAT	0xffffffffu
#define HVX_APIC_DFR_CLUSTER	0x0fffffffu

/* LVT entries (SDM 11.5.1 "Local Vector Table"). */
#define HVX_LVT_VECTOR		0xffu
#define HVX_LVT_DM_SHIFT	8
#define HVX_LVT_DM_MASK		(7u << 8)
#define HVX_LVT_STATUS		(1u << 12)	/* delivery status */
#define HVX_LVT_POLARITY	(1u << 13)
#define HVX_LVT_REMOTE_IRR	(1u << 14)
#define HVX_LVT_LEVEL		(1u << 15)
#define HVX_LVT_MASKED		(1u << 16)
#define HVX_LVTT_MODE_MASK	(3u << 17)
#define HVX_LVTT_ONESHOT	(0u << 17)
#define HVX_LVTT_PERIODIC	(1u << 17)
#define HVX_LVTT_TSC_DEADLINE	(2u << 17)

/* Interrupt command register (SDM 11.6.1 "Interrupt Command Register
 * (ICR)"; x2APIC: 11.12.9 "ICR Operation in x2APIC Mode"). */
#define HVX_ICR_VECTOR		0xffu
#define HVX_ICR_DM_SHIFT	8
#define HVX_ICR_LOGICAL		(1u << 11)
#define HVX_ICR_BUSY		(1u << 12)	/* delivery status: always idle here */
#define HVX_ICR_ASSERT		(1u << 14)
#define HVX_ICR_LEVEL		(1u << 15)
#define HVX_ICR_SH_SHIFT	18
/* x2APIC ICR bits that must be zero (bits 31:20, 17:16, 13), as KVM. */
#define HVX_X2APIC_ICR_RSVD	(0xfff00000ULL | (3ULL << 16) | (1ULL << 13))

/* Error status register (SDM 11.5.3 "Error Handling"). */
#define HVX_ESR_SEND_ILLEGAL	(1u << 5)
#define HVX_ESR_RECV_ILLEGAL	(1u << 6)

/*
 * KVM's APIC bus runs at 1 GHz (one timer tick per ns before the divide),
 * and it does not let a periodic timer fire more often than every 200 us
 * (its min_timer_period_us): a guest must not storm the host with
 * hrtimer interrupts.
 */
#define HVX_APIC_BUS_NS		1
#define HVX_APIC_MIN_PERIOD_NS	200000LL

/* One 32-bit register. Volatile: other threads read the page while the
 * vCPU's thread writes it, and set IRR/TMR bits while it reads. */
static inline u32 hvx_apic_reg(const void *regs, unsigned int off)
{
	return *(const volatile u32 *)((const u8 *)regs + off);
}

static inline void hvx_apic_set_reg(void *regs, unsigned int off, u32 val)
{
	*(volatile u32 *)((u8 *)regs + off) = val;
}

/* Where vector @vec lives in a 256-bit ISR/TMR/IRR: word, then bit. */
static inline unsigned int hvx_apic_vec_word(unsigned int base, u8 vec)
{
	return base + (vec >> 5) * 0x10;
}

static inline bool hvx_apic_test_vector(const void *regs, unsigned int base, u8 vec)
{
	return hvx_apic_reg(regs, hvx_apic_vec_word(base, vec)) & (1u << (vec & 31));
}

/* Highest vector set in the ISR, TMR or IRR at @base, or -1. */
static inline int hvx_apic_highest_vector(const void *regs, unsigned int base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = hvx_apic_reg(regs, base + i * 0x10);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

/*
 * Processor priority (SDM 11.8.3.1 "Task and Processor Priorities"):
 * the TPR if its class is at least that of the highest in-service vector,
 * else that vector's class.
 */
static inline u32 hvx_apic_ppr(u32 tpr, int highest_isr)
{
	u32 isrv = highest_isr < 0 ? 0 : (u32)highest_isr;

	if ((tpr & 0xf0) >= (isrv & 0xf0))
		return tpr & 0xff;
	return isrv & 0xf0;
}

/*
 * The IRR vector the processor would take (SDM 11.8.4 "Interrupt
 * Acceptance for Fixed Interrupts"): the highest, if its priority class
 * is above PPR[7:4]; else -1.
 */
static inline int hvx_apic_deliverable(int highest_irr, u32 ppr)
{
	if (highest_irr < 0 || (u32)(highest_irr & 0xf0) <= (ppr & 0xf0))
		return -1;
	return highest_irr;
}

/* SDM 11.12.10.2 "Deriving Logical x2APIC ID from the Local x2APIC ID":
 * cluster ID[19:4] in LDR[31:16], one bit 1 << ID[3:0] in LDR[15:0]. */
static inline u32 hvx_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Divide configuration (SDM 11.5.4 "APIC Timer"): TDCR bits 0, 1 and 3
 * encode 2, 4, 8, 16, 32, 64, 128 and, for 0b1011, 1. */
static inline u32 hvx_apic_divide(u32 tdcr)
{
	u32 code = (tdcr & 3) | ((tdcr & 8) >> 1);

	return 1u << ((code + 1) & 7);
}

/*
 * The bits of an LVT entry a write keeps, as KVM keeps them (SDM 11.5.1
 * lists the fields; KVM also keeps the read-only delivery status, bit 12,
 * and on LINT0/1 the remote IRR, bit 14).
 * @idx is the entry's place from the timer (0) to the error entry (5).
 */
static inline u32 hvx_apic_lvt_write_mask(unsigned int idx, u32 timer_modes)
{
	const u32 base = HVX_LVT_MASKED | HVX_LVT_STATUS | HVX_LVT_VECTOR;

	switch (idx) {
	case 0:				/* timer: no delivery mode field */
		return base | timer_modes;
	case 1: case 2:			/* thermal, performance counter */
		return base | HVX_LVT_DM_MASK;
	case 3: case 4:			/* LINT0, LINT1 */
		return base | HVX_LVT_DM_MASK | HVX_LVT_POLARITY |
		       HVX_LVT_REMOTE_IRR | HVX_LVT_LEVEL;
	default:			/* error */
		return base;
	}
}

/* LVT register offset -> index 0-5, or -1 (the CMCI entry is absent). */
static inline int hvx_apic_lvt_index(unsigned int reg)
{
	if (reg < HVX_APIC_LVTT || reg > HVX_APIC_LVT_ERROR || (reg & 0xf))
		return -1;
	return (reg - HVX_APIC_LVTT) >> 4;
}

/*
 * Current count of a one-shot or periodic timer (SDM 11.5.4): @remaining
 * ns until the count reaches zero, counting down one per @divide ns.
 */
static inline u32 hvx_apic_tmcct(s64 remaining, u64 period, u32 divide)
{
	if (!period || remaining <= 0)
		return 0;
	return ((u64)remaining % period) / ((u64)divide * HVX_APIC_BUS_NS);
}

/*
 * TSC ticks to ns at @khz without overflowing (the divide instruction
 * faults on a quotient above 64 bits, and the guest chooses @delta):
 * anything beyond @max_ns comes back as @max_ns.
 */
static inline u64 hvx_apic_tsc_to_ns(u64 delta, u32 khz, u64 max_ns)
{
	u64 q, r;

	if (!khz)
		return max_ns;
	q = delta / khz;
	r = delta % khz;
	if (q > max_ns / 1000000)
		return max_ns;
	q = q * 1000000 + r * 1000000 / khz;
	return q > max_ns ? max_ns : q;
}

/* The message an ICR value sends (SDM 11.6.1; x2APIC: 11.12.9, the
 * destination is all of bits 63:32, in xAPIC mode bits 63:56). */
static inline void hvx_apic_icr_to_irq(u64 icr, bool x2apic, struct hvx_apic_irq *irq)
{
	u32 lo = (u32)icr, hi = icr >> 32;

	irq->vector = lo & HVX_ICR_VECTOR;
	irq->delivery_mode = (lo >> HVX_ICR_DM_SHIFT) & 7;
	irq->logical = lo & HVX_ICR_LOGICAL;
	irq->assert = lo & HVX_ICR_ASSERT;
	irq->level = lo & HVX_ICR_LEVEL;
	irq->shorthand = (lo >> HVX_ICR_SH_SHIFT) & 3;
	irq->dest = x2apic ? hi : hi >> 24;
}

/* What destination matching needs to know of one local APIC. */
struct hvx_apic_target {
	const void *regs;	/* its register page */
	u32 x2apic_id;		/* the vCPU id, as KVM */
	bool x2apic;		/* IA32_APIC_BASE.EXTD */
};

static inline bool hvx_apic_is_broadcast(const struct hvx_apic_target *t, u32 mda)
{
	return mda == (t->x2apic ? 0xffffffffu : 0xffu);
}

/*
 * Physical destination (SDM 11.6.2.1): the APIC ID, or the broadcast ID.
 * Like KVM, an xAPIC-mode APIC also answers to its x2APIC ID when the
 * destination does not fit 8 bits (so that a vCPU whose id is above 255
 * can be reached before it enters x2APIC mode).
 */
static inline bool hvx_apic_match_physical(const struct hvx_apic_target *t, u32 mda)
{
	if (hvx_apic_is_broadcast(t, mda))
		return true;
	if (t->x2apic || mda > 0xff)
		return mda == t->x2apic_id;
	return mda == hvx_apic_reg(t->regs, HVX_APIC_ID) >> 24;
}

/*
 * Logical destination (SDM 11.6.2.2): flat model, MDA & LDR[31:24];
 * cluster model, same cluster (bits 7:4) and MDA & LDR bits 3:0; x2APIC
 * (11.12.10), same cluster (bits 31:16) and MDA & LDR bits 15:0. A DFR
 * that is neither model matches nothing, as in KVM.
 */
static inline bool hvx_apic_match_logical(const struct hvx_apic_target *t, u32 mda)
{
	u32 ldr = hvx_apic_reg(t->regs, HVX_APIC_LDR);

	if (hvx_apic_is_broadcast(t, mda))
		return true;
	if (t->x2apic)
		return (ldr >> 16) == (mda >> 16) && (ldr & mda & 0xffff);
	ldr >>= 24;
	switch (hvx_apic_reg(t->regs, HVX_APIC_DFR)) {
	case HVX_APIC_DFR_FLAT:
		return ldr & mda;
	case HVX_APIC_DFR_CLUSTER:
		return (ldr >> 4) == (mda >> 4) && (ldr & mda & 0xf);
	default:
		return false;
	}
}

/*
 * Is @t a destination of @irq? @is_src: @t sent it; @from_apic: sent by
 * a local APIC (an IPI), not by the IOAPIC. KVM without
 * KVM_CAP_X2APIC_API (hvx has none) lets the IOAPIC's 8-bit broadcast
 * 0xff reach x2APIC-mode APICs too.
 */
static inline bool hvx_apic_match_dest(const struct hvx_apic_target *t,
				       bool from_apic, bool is_src,
				       const struct hvx_apic_irq *irq)
{
	u32 mda = irq->dest;

	switch (irq->shorthand) {
	case HVX_SH_SELF:
		return is_src;
	case HVX_SH_ALL:
		return true;
	case HVX_SH_OTHERS:
		return !is_src;
	}
	if (!from_apic && mda == 0xff && t->x2apic)
		mda = 0xffffffffu;
	return irq->logical ? hvx_apic_match_logical(t, mda) :
			      hvx_apic_match_physical(t, mda);
}

#ifdef __KERNEL__
/*
 * What the guest's CPUID offers (CPUID.1:ECX bit 21 x2APIC, bit 24
 * TSC-deadline): hvx_lapic_create allows both; the core calls this when
 * a VMM sets a CPUID table without them, as KVM derives them from it.
 */
void hvx_lapic_set_cpuid(struct hvx_vcpu *vcpu, bool x2apic, bool tsc_deadline);
#endif

#endif
