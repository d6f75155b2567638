// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC, one per vCPU of a VM with an in-kernel irqchip (SDM
 * Vol. 3A, chapter 11 "Advanced Programmable Interrupt Controller
 * (APIC)"). Where the manual leaves a choice, or where KVM departs from
 * it in a way a guest or a VMM can see, hvx does what KVM 6.1 does
 * (arch/x86/kvm/lapic.c), since the tests run the same guests on both;
 * the places where hvx follows the manual instead say so.
 *
 * Where the state lives:
 *  - apic->regs: the register page, laid out as the MMIO page and as
 *    KVM_GET/SET_LAPIC carry it (lapic.h). In x2APIC mode the ID register
 *    holds the x2APIC ID itself, as in KVM; KVM_GET/SET_LAPIC shift it to
 *    and from bits 31:24 (KVM's format without KVM_CAP_X2APIC_API).
 *    In x2APIC mode the 64-bit ICR is kept split, low half in ICR and high
 *    half in ICR2, as KVM on AMD keeps it.
 *  - vcpu->apic_base: IA32_APIC_BASE.
 *  - struct hvx_lapic: the timer and the pending errors.
 *
 * Who may touch what (irq.h): the vCPU's thread, with vcpu->mutex held,
 * changes the page. Any thread may set IRR and TMR bits (atomic bit
 * operations, then a kick), read a target's ID, LDR, DFR, SVR and APIC
 * base to match a destination, and note a receive error. The timer's
 * hrtimer callback runs in hard-irq context and only counts an expiry,
 * kicks, and re-arms a periodic timer; the vCPU's thread turns counted
 * expiries into an IRR bit (hvx_lapic_update) before each entry.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/build_bug.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "hvx.h"
#include "irq/irq.h"
#include "irq/lapic.h"

/* lapic.h spells out the architectural numbers; Linux has them too. */
static_assert(HVX_APIC_ID == APIC_ID && HVX_APIC_LVR == APIC_LVR);
static_assert(HVX_APIC_TPR == APIC_TASKPRI && HVX_APIC_APR == APIC_ARBPRI);
static_assert(HVX_APIC_PPR == APIC_PROCPRI && HVX_APIC_EOI == APIC_EOI);
static_assert(HVX_APIC_LDR == APIC_LDR && HVX_APIC_DFR == APIC_DFR);
static_assert(HVX_APIC_SVR == APIC_SPIV && HVX_APIC_ISR == APIC_ISR);
static_assert(HVX_APIC_TMR == APIC_TMR && HVX_APIC_IRR == APIC_IRR);
static_assert(HVX_APIC_ESR == APIC_ESR && HVX_APIC_LVT_CMCI == APIC_LVTCMCI);
static_assert(HVX_APIC_ICR == APIC_ICR && HVX_APIC_ICR2 == APIC_ICR2);
static_assert(HVX_APIC_LVTT == APIC_LVTT && HVX_APIC_LVT_THERMAL == APIC_LVTTHMR);
static_assert(HVX_APIC_LVT_PMC == APIC_LVTPC && HVX_APIC_LVT0 == APIC_LVT0);
static_assert(HVX_APIC_LVT1 == APIC_LVT1 && HVX_APIC_LVT_ERROR == APIC_LVTERR);
static_assert(HVX_APIC_TMICT == APIC_TMICT && HVX_APIC_TMCCT == APIC_TMCCT);
static_assert(HVX_APIC_TDCR == APIC_TDCR && HVX_APIC_SELF_IPI == APIC_SELF_IPI);
static_assert(HVX_X2APIC_MSR_FIRST == APIC_BASE_MSR);
static_assert(HVX_APIC_BASE_EN == MSR_IA32_APICBASE_ENABLE);
static_assert(HVX_APIC_BASE_BSP == MSR_IA32_APICBASE_BSP);
static_assert(HVX_APIC_BASE_EXTD == X2APIC_ENABLE);
static_assert(HVX_APIC_REGS_SIZE == KVM_APIC_REG_SIZE);
static_assert(HVX_LVT_MASKED == APIC_LVT_MASKED && HVX_ICR_BUSY == APIC_ICR_BUSY);
static_assert(HVX_ESR_SEND_ILLEGAL == APIC_ESR_SENDILL &&
	      HVX_ESR_RECV_ILLEGAL == APIC_ESR_RECVILL);

/*
 * Fields: [c] constant, [v] the vCPU's thread, [t] also the timer
 * callback: the vCPU's thread writes them with WRITE_ONCE, and while the
 * hrtimer may run only timer_mode and period; the callback reads them
 * and advances target.
 */
struct hvx_lapic {
	struct hvx_vcpu *vcpu;		/* [c] */
	void *regs;			/* [c] the register page, one page */
	struct hrtimer timer;		/* [v] started and cancelled */
	u32 timer_mode;			/* [t] HVX_LVTT_* in force (LVTT & timer_modes) */
	s64 period;			/* [t] ns per count of TMICT; 0: no count running */
	ktime_t target;			/* [t] when the count reaches 0 */
	u32 divide;			/* [v] from TDCR */
	u64 tsc_deadline;		/* [v] IA32_TSC_DEADLINE, in guest TSC ticks */
	atomic_t timer_pending;		/* expiries not yet in IRR (0 or 1) */
	atomic_t esr_pending;		/* errors since the last ESR write (any thread) */
	atomic_t error_irq;		/* an error waits for its LVT Error interrupt */
	u32 timer_modes;		/* [v] LVTT timer modes the guest's CPUID offers */
	bool x2apic_ok;			/* [v] the guest's CPUID offers x2APIC */
};

/* ---- register page ---- */

static u32 reg_get(struct hvx_lapic *apic, unsigned int off)
{
	return hvx_apic_reg(apic->regs, off);
}

static void reg_set(struct hvx_lapic *apic, unsigned int off, u32 val)
{
	hvx_apic_set_reg(apic->regs, off, val);
}

/* The word of a 256-bit register holding @vec, for the bitops. Each word
 * starts a 16-byte slot, so an unsigned long there covers only the word
 * and the slot's unused bytes. */
static unsigned long *vec_word(struct hvx_lapic *apic, unsigned int base, u8 vec)
{
	return (unsigned long *)((u8 *)apic->regs + hvx_apic_vec_word(base, vec));
}

static bool hw_enabled(struct hvx_vcpu *vcpu)
{
	return READ_ONCE(vcpu->apic_base) & HVX_APIC_BASE_EN;
}

static bool x2apic_mode(struct hvx_vcpu *vcpu)
{
	return READ_ONCE(vcpu->apic_base) & HVX_APIC_BASE_EXTD;
}

/* SDM 11.4.3 "Enabling or Disabling the Local APIC": SVR bit 8. */
static bool sw_enabled(struct hvx_lapic *apic)
{
	return reg_get(apic, HVX_APIC_SVR) & HVX_APIC_SVR_ENABLE;
}

static u32 update_ppr(struct hvx_lapic *apic)
{
	u32 ppr = hvx_apic_ppr(reg_get(apic, HVX_APIC_TPR),
			       hvx_apic_highest_vector(apic->regs, HVX_APIC_ISR));

	reg_set(apic, HVX_APIC_PPR, ppr);
	return ppr;
}

/*
 * SDM 11.5.3 "Error Handling": errors collect in an internal register
 * that a write to the ESR copies into it; each new error raises the LVT
 * Error interrupt, delivered by the vCPU's thread (hvx_lapic_update).
 */
static void apic_error(struct hvx_lapic *apic, u32 bits, bool kick)
{
	atomic_or(bits, &apic->esr_pending);
	atomic_set(&apic->error_irq, 1);
	if (kick)
		hvx_vcpu_kick(apic->vcpu);
}

/* ---- accepting an interrupt ---- */

/*
 * One local APIC takes @irq (KVM's __apic_accept_irq). @asserted: the
 * ICR's level bit. A level-triggered message with it clear (a de-assert,
 * which SDM 11.6.1 keeps for INIT level de-assert on older processors)
 * is dropped, as KVM drops it. @kick: wake the vCPU (not needed when its
 * own thread delivers before an entry).
 * Returns 1 if accepted.
 */
static int apic_accept(struct hvx_vcpu *vcpu, const struct hvx_apic_irq *irq,
		       bool asserted, bool kick)
{
	struct hvx_lapic *apic = vcpu->apic;
	u8 vec = irq->vector;

	switch (irq->delivery_mode) {
	case HVX_DM_FIXED:
	case HVX_DM_LOWEST:
		if (irq->level && !asserted)
			return 0;
		/*
		 * A software-disabled APIC takes only INIT, NMI, SMI and
		 * SIPI (SDM 11.4.7.2); KVM drops fixed interrupts then.
		 */
		if (!hw_enabled(vcpu) || !sw_enabled(apic))
			return 0;
		/*
		 * Vectors 0-15 are illegal: the APIC never sets their IRR
		 * bit and flags a receive error (SDM 11.5.3). KVM delivers
		 * them; hvx follows the manual.
		 */
		if (vec < 16) {
			apic_error(apic, HVX_ESR_RECV_ILLEGAL, kick);
			return 0;
		}
		/* TMR before IRR: the vCPU sees the trigger mode with the bit. */
		if (hvx_apic_test_vector(apic->regs, HVX_APIC_TMR, vec) != irq->level) {
			if (irq->level)
				set_bit(vec & 31, vec_word(apic, HVX_APIC_TMR, vec));
			else
				clear_bit(vec & 31, vec_word(apic, HVX_APIC_TMR, vec));
		}
		set_bit(vec & 31, vec_word(apic, HVX_APIC_IRR, vec));
		if (kick)
			hvx_vcpu_kick(vcpu);
		return 1;
	case HVX_DM_NMI:
		hvx_vcpu_queue_nmi(vcpu);	/* kicks */
		return 1;
	case HVX_DM_INIT:
		if (irq->level && !asserted)
			return 0;		/* INIT level de-assert: ignored */
		hvx_vcpu_queue_init(vcpu);
		return 1;
	case HVX_DM_STARTUP:
		hvx_vcpu_queue_sipi(vcpu, vec);
		return 1;
	default:
		/* SMI: hvx has no SMM; ExtINT: the PIC answers the INTA
		 * (hvx_lapic_accepts_pic); 3: reserved. */
		return 0;
	}
}

static bool apic_matches(struct hvx_vcpu *vcpu, struct hvx_vcpu *src,
			 const struct hvx_apic_irq *irq)
{
	struct hvx_apic_target t = {
		.regs = vcpu->apic->regs,
		.x2apic_id = vcpu->id,
		.x2apic = x2apic_mode(vcpu),
	};

	return hvx_apic_match_dest(&t, src != NULL, vcpu == src, irq);
}

/*
 * SDM 11.6.2 "Determining IPI Destination" and 11.6.2.4 "Lowest Priority
 * Delivery Mode". A hardware-disabled APIC is absent (11.4.3). For lowest
 * priority KVM, rather than compare priorities, spreads vectors over the
 * software-enabled candidates (its vector hashing, on by default): the
 * one at index vector % count. hvx does the same.
 *
 * Any thread, any context; it never sleeps, so callers may hold a spin
 * lock (the IOAPIC holds its own). vCPUs are read under RCU: the core
 * must wait for a grace period (synchronize_rcu) between unlisting a
 * vCPU and freeing it.
 */
int hvx_apic_deliver(struct hvx_vm *vm, struct hvx_vcpu *src,
		     const struct hvx_apic_irq *irq)
{
	struct hvx_vcpu *cand[HVX_MAX_VCPUS], *v;
	struct hvx_apic_irq msg = *irq;
	/* Only the ICR has a level bit; the IOAPIC's messages assert. */
	bool asserted = src ? irq->assert : true;
	int i, n = 0, count = 0;

	if (msg.shorthand == HVX_SH_SELF)
		return src && src->apic ? apic_accept(src, &msg, asserted, true) : 0;
	/* A physical broadcast cannot be lowest priority: KVM sends it fixed. */
	if (msg.delivery_mode == HVX_DM_LOWEST && !msg.logical && msg.dest == 0xff)
		msg.delivery_mode = HVX_DM_FIXED;

	rcu_read_lock();
	hvx_for_each_vcpu(i, v, vm) {
		if (!v->apic || !hw_enabled(v) || !apic_matches(v, src, &msg))
			continue;
		if (msg.delivery_mode != HVX_DM_LOWEST)
			count += apic_accept(v, &msg, asserted, true);
		else if (sw_enabled(v->apic))
			cand[n++] = v;
	}
	if (n)
		count = apic_accept(cand[msg.vector % n], &msg, asserted, true);
	rcu_read_unlock();
	return count;
}

/* An LVT entry fires on this vCPU's thread (SDM 11.5.1). */
static void local_deliver(struct hvx_lapic *apic, unsigned int reg)
{
	u32 lvt = reg_get(apic, reg);
	struct hvx_apic_irq irq = {
		.vector = lvt & HVX_LVT_VECTOR,
		.delivery_mode = (lvt & HVX_LVT_DM_MASK) >> HVX_LVT_DM_SHIFT,
		.level = lvt & HVX_LVT_LEVEL,
		.assert = true,
	};

	if (!hw_enabled(apic->vcpu) || (lvt & HVX_LVT_MASKED))
		return;
	apic_accept(apic->vcpu, &irq, true, false);
}

/* The ICR (or SELF IPI) sends from this vCPU (SDM 11.6.1). */
static void send_ipi(struct hvx_lapic *apic, u64 icr)
{
	struct hvx_vcpu *vcpu = apic->vcpu;
	struct hvx_apic_irq irq;

	hvx_apic_icr_to_irq(icr, x2apic_mode(vcpu), &irq);
	if ((irq.delivery_mode == HVX_DM_FIXED || irq.delivery_mode == HVX_DM_LOWEST) &&
	    irq.vector < 16)
		apic_error(apic, HVX_ESR_SEND_ILLEGAL, false);
	hvx_apic_deliver(vcpu->vm, vcpu, &irq);
}

/*
 * EOI (SDM 11.8.5 "Signaling Interrupt Servicing Completion"): retire the
 * highest in-service vector; for a level-triggered one (its TMR bit set)
 * the EOI goes on to the IOAPIC, which re-arms its pin. There is no
 * directed EOI (LVR bit 24 clear), so the broadcast cannot be suppressed.
 */
static void apic_eoi(struct hvx_lapic *apic)
{
	int vec = hvx_apic_highest_vector(apic->regs, HVX_APIC_ISR);
	struct hvx_ioapic *ioapic;

	if (vec < 0)
		return;
	__clear_bit(vec & 31, vec_word(apic, HVX_APIC_ISR, vec));	/* ISR: this thread only */
	update_ppr(apic);
	ioapic = READ_ONCE(apic->vcpu->vm->ioapic);
	if (ioapic && hvx_apic_test_vector(apic->regs, HVX_APIC_TMR, vec))
		hvx_ioapic_eoi(ioapic, vec);
}

/* ---- the timer (SDM 11.5.4 "APIC Timer") ---- */

/* An expiry: counted once until delivered, as KVM coalesces them. */
static void timer_expired(struct hvx_lapic *apic, bool from_callback)
{
	if (atomic_read(&apic->timer_pending))
		return;
	atomic_inc(&apic->timer_pending);
	if (from_callback)
		hvx_vcpu_kick(apic->vcpu);
}

/* A periodic timer's next expiry; never in the past, so that a VM that
 * was not running does not replay the ticks it missed. */
static void advance_period(struct hvx_lapic *apic, s64 period, ktime_t now)
{
	ktime_t t = ktime_add_ns(apic->target, period);

	WRITE_ONCE(apic->target, ktime_before(t, now) ? now : t);
}

static enum hrtimer_restart timer_fn(struct hrtimer *timer)
{
	struct hvx_lapic *apic = container_of(timer, struct hvx_lapic, timer);
	s64 period = READ_ONCE(apic->period);

	timer_expired(apic, true);
	if (READ_ONCE(apic->timer_mode) != HVX_LVTT_PERIODIC || !period)
		return HRTIMER_NORESTART;
	advance_period(apic, period, ktime_get());
	hrtimer_set_expires(timer, apic->target);
	return HRTIMER_RESTART;
}

static void cancel_timer(struct hvx_lapic *apic)
{
	hrtimer_cancel(&apic->timer);
	atomic_set(&apic->timer_pending, 0);
}

/* No periodic timer faster than HVX_APIC_MIN_PERIOD_NS (see lapic.h). */
static void limit_period(struct hvx_lapic *apic)
{
	if (apic->timer_mode == HVX_LVTT_PERIODIC && apic->period &&
	    apic->period < HVX_APIC_MIN_PERIOD_NS)
		WRITE_ONCE(apic->period, HVX_APIC_MIN_PERIOD_NS);
}

/*
 * A new count from TMICT, or, restoring a saved state, the rest of a
 * count from TMCCT (KVM's rules: a saved count above TMICT restarts the
 * period; none left restarts a periodic timer and expires a one-shot).
 * False if TMICT is 0: the timer stops (SDM 11.5.4).
 */
static bool set_target(struct hvx_lapic *apic, bool from_tmcct)
{
	ktime_t now = ktime_get();
	s64 ns;

	WRITE_ONCE(apic->period, (s64)reg_get(apic, HVX_APIC_TMICT) * apic->divide *
				 HVX_APIC_BUS_NS);
	if (!apic->period)
		return false;
	limit_period(apic);
	ns = apic->period;
	if (from_tmcct) {
		ns = (s64)reg_get(apic, HVX_APIC_TMCCT) * apic->divide * HVX_APIC_BUS_NS;
		if (ns <= 0) {
			ns = apic->timer_mode == HVX_LVTT_PERIODIC ? apic->period : 0;
		} else if (ns > apic->period) {
			reg_set(apic, HVX_APIC_TMCCT, 0);
			ns = apic->period;
		}
	}
	WRITE_ONCE(apic->target, ktime_add_ns(now, ns));
	return true;
}

static void start_period(struct hvx_lapic *apic)
{
	ktime_t now = ktime_get();

	if (!apic->period)
		return;
	if (ktime_after(now, apic->target)) {
		timer_expired(apic, false);
		if (apic->timer_mode == HVX_LVTT_ONESHOT)
			return;
		advance_period(apic, apic->period, now);
	}
	hrtimer_start(&apic->timer, apic->target, HRTIMER_MODE_ABS_HARD);
}

/*
 * TSC-deadline mode (SDM 11.5.4.1 "TSC-Deadline Mode"): fire when the
 * guest's TSC reaches the deadline; 0 disarms. The distance in TSC ticks
 * becomes ns at the host's TSC rate, the guest's TSC running at it.
 */
static void start_tsc_deadline(struct hvx_lapic *apic)
{
	u64 deadline = apic->tsc_deadline, tsc, ns;
	unsigned long flags;
	ktime_t now;

	if (!deadline || !tsc_khz)
		return;
	/* Interrupts off: the TSC and the clock read together, on the CPU
	 * where the vCPU is loaded (hvx_guest_tsc reads the backend's offset). */
	local_irq_save(flags);
	now = ktime_get();
	tsc = hvx_guest_tsc(apic->vcpu);
	if (deadline > tsc) {
		ns = hvx_apic_tsc_to_ns(deadline - tsc, tsc_khz, KTIME_MAX - now);
		hrtimer_start(&apic->timer, ktime_add_ns(now, ns), HRTIMER_MODE_ABS_HARD);
	} else {
		timer_expired(apic, false);
	}
	local_irq_restore(flags);
}

static void restart_timer(struct hvx_lapic *apic)
{
	/* A one-shot expiry not yet delivered stays the only one. */
	if (apic->timer_mode != HVX_LVTT_PERIODIC && atomic_read(&apic->timer_pending))
		return;
	if (apic->timer_mode == HVX_LVTT_ONESHOT || apic->timer_mode == HVX_LVTT_PERIODIC)
		start_period(apic);
	else if (apic->timer_mode == HVX_LVTT_TSC_DEADLINE)
		start_tsc_deadline(apic);
}

static void start_timer(struct hvx_lapic *apic, bool from_tmcct)
{
	atomic_set(&apic->timer_pending, 0);
	if ((apic->timer_mode == HVX_LVTT_ONESHOT || apic->timer_mode == HVX_LVTT_PERIODIC) &&
	    !set_target(apic, from_tmcct))
		return;
	restart_timer(apic);
}

/*
 * LVTT's mode changed. Entering or leaving TSC-deadline mode disarms the
 * timer (SDM 11.5.4.1) and, as in KVM, clears TMICT and the deadline;
 * one-shot <-> periodic keeps counting.
 */
static void update_lvtt(struct hvx_lapic *apic)
{
	u32 mode = reg_get(apic, HVX_APIC_LVTT) & apic->timer_modes;

	if (mode == apic->timer_mode)
		return;
	if ((mode == HVX_LVTT_TSC_DEADLINE) != (apic->timer_mode == HVX_LVTT_TSC_DEADLINE)) {
		cancel_timer(apic);
		reg_set(apic, HVX_APIC_TMICT, 0);
		WRITE_ONCE(apic->period, 0);
		apic->tsc_deadline = 0;
	}
	WRITE_ONCE(apic->timer_mode, mode);
	limit_period(apic);
}

/* A new divide rescales what is left of the count (as KVM). */
static void write_tdcr(struct hvx_lapic *apic, u32 val)
{
	u32 old = apic->divide;
	ktime_t now;
	s64 left;

	reg_set(apic, HVX_APIC_TDCR, val & 0xb);
	apic->divide = hvx_apic_divide(val);
	if (apic->divide == old || !apic->period)
		return;
	hrtimer_cancel(&apic->timer);
	WRITE_ONCE(apic->period, (s64)reg_get(apic, HVX_APIC_TMICT) * apic->divide *
				 HVX_APIC_BUS_NS);
	limit_period(apic);
	now = ktime_get();
	left = max_t(s64, ktime_to_ns(ktime_sub(apic->target, now)), 0);
	WRITE_ONCE(apic->target, ktime_add_ns(now, left * apic->divide / old));
	restart_timer(apic);
}

static u32 read_tmcct(struct hvx_lapic *apic)
{
	if (apic->timer_mode == HVX_LVTT_TSC_DEADLINE ||
	    !reg_get(apic, HVX_APIC_TMICT) || !apic->period)
		return 0;
	return hvx_apic_tmcct(ktime_to_ns(ktime_sub(READ_ONCE(apic->target), ktime_get())),
			      apic->period, apic->divide);
}

/* ---- register reads and writes, shared by MMIO and the x2APIC MSRs ---- */

#define REG(off)	(1ULL << ((off) >> 4))
#define REGS8(off)	(0xffULL << ((off) >> 4))

/* Readable in both modes (SDM Table "Local APIC Register Address Map";
 * x2APIC: 11.12.1.2 "x2APIC Register Address Space"). */
static const u64 readable =
	REG(HVX_APIC_ID) | REG(HVX_APIC_LVR) | REG(HVX_APIC_TPR) |
	REG(HVX_APIC_PPR) | REG(HVX_APIC_LDR) | REG(HVX_APIC_SVR) |
	REGS8(HVX_APIC_ISR) | REGS8(HVX_APIC_TMR) | REGS8(HVX_APIC_IRR) |
	REG(HVX_APIC_ESR) | REG(HVX_APIC_ICR) | REG(HVX_APIC_LVTT) |
	REG(HVX_APIC_LVT_THERMAL) | REG(HVX_APIC_LVT_PMC) | REG(HVX_APIC_LVT0) |
	REG(HVX_APIC_LVT1) | REG(HVX_APIC_LVT_ERROR) | REG(HVX_APIC_TMICT) |
	REG(HVX_APIC_TMCCT) | REG(HVX_APIC_TDCR);
/* xAPIC only: x2APIC has no DFR, APR or ICR2 (SDM 11.12.1.2). */
static const u64 readable_xapic = REG(HVX_APIC_DFR) | REG(HVX_APIC_APR) | REG(HVX_APIC_ICR2);

/* @off: a register's offset. 1 if it cannot be read (write-only EOI and
 * SELF IPI, reserved offsets, the absent CMCI entry). */
static int reg_read(struct hvx_lapic *apic, u32 off, u32 *val)
{
	u64 ok = readable | (x2apic_mode(apic->vcpu) ? 0 : readable_xapic);

	if (off > HVX_APIC_SELF_IPI || (off & 0xf) || !(ok & REG(off)))
		return 1;
	switch (off) {
	case HVX_APIC_APR:
		*val = 0;		/* not modelled; KVM reads 0 as well */
		break;
	case HVX_APIC_TMCCT:
		*val = read_tmcct(apic);
		break;
	case HVX_APIC_PPR:
		*val = update_ppr(apic);
		break;
	default:
		*val = reg_get(apic, off);
		break;
	}
	return 0;
}

/* SVR (SDM 11.9): clearing the enable bit masks every LVT entry
 * (11.4.7.2) and drops a timer expiry not yet delivered. */
static void write_svr(struct hvx_lapic *apic, u32 val)
{
	int i;

	reg_set(apic, HVX_APIC_SVR, val & HVX_APIC_SVR_MASK);
	if (val & HVX_APIC_SVR_ENABLE)
		return;
	for (i = 0; i < HVX_APIC_NR_LVT; i++) {
		unsigned int off = HVX_APIC_LVTT + 0x10 * i;

		reg_set(apic, off, reg_get(apic, off) | HVX_LVT_MASKED);
	}
	update_lvtt(apic);
	atomic_set(&apic->timer_pending, 0);
}

/* An LVT write keeps the entry's fields; a software-disabled APIC keeps
 * it masked (SDM 11.4.7.2). */
static void write_lvt(struct hvx_lapic *apic, u32 off, u32 val)
{
	int idx = hvx_apic_lvt_index(off);

	if (!sw_enabled(apic))
		val |= HVX_LVT_MASKED;
	reg_set(apic, off, val & hvx_apic_lvt_write_mask(idx, apic->timer_modes));
	if (off == HVX_APIC_LVTT)
		update_lvtt(apic);
}

/*
 * @off: a register's offset. 1 if it cannot be written (#GP for the
 * x2APIC MSRs; the xAPIC page ignores the write): read-only registers,
 * reserved offsets, and in x2APIC mode ID, LDR, DFR and ICR2.
 */
static int reg_write(struct hvx_lapic *apic, u32 off, u32 val)
{
	bool x2apic = x2apic_mode(apic->vcpu);

	switch (off) {
	case HVX_APIC_ID:
	case HVX_APIC_LDR:
	case HVX_APIC_ICR2:
		if (x2apic)
			return 1;	/* read-only or absent in x2APIC mode (11.12.1.2) */
		reg_set(apic, off, val & 0xff000000);
		return 0;
	case HVX_APIC_DFR:
		if (x2apic)
			return 1;
		reg_set(apic, off, val | 0x0fffffff);	/* only the model, bits 31:28 */
		return 0;
	case HVX_APIC_TPR:
		reg_set(apic, off, val & 0xff);
		update_ppr(apic);
		return 0;
	case HVX_APIC_EOI:
		apic_eoi(apic);		/* the value is ignored, as KVM */
		return 0;
	case HVX_APIC_SVR:
		write_svr(apic, val);
		return 0;
	case HVX_APIC_ICR:		/* xAPIC: the low half sends, to ICR2's destination */
		val &= ~HVX_ICR_BUSY;	/* sent at once: delivery status reads idle */
		send_ipi(apic, val | (u64)reg_get(apic, HVX_APIC_ICR2) << 32);
		reg_set(apic, off, val);
		return 0;
	case HVX_APIC_LVTT:
	case HVX_APIC_LVT_THERMAL:
	case HVX_APIC_LVT_PMC:
	case HVX_APIC_LVT0:
	case HVX_APIC_LVT1:
	case HVX_APIC_LVT_ERROR:
		write_lvt(apic, off, val);
		return 0;
	case HVX_APIC_TMICT:
		if (apic->timer_mode == HVX_LVTT_TSC_DEADLINE)
			return 0;	/* ignored in TSC-deadline mode (11.5.4.1) */
		cancel_timer(apic);
		reg_set(apic, off, val);
		start_timer(apic, false);
		return 0;
	case HVX_APIC_TDCR:
		write_tdcr(apic, val);
		return 0;
	case HVX_APIC_ESR:
		if (x2apic && val)
			return 1;	/* x2APIC: only 0 may be written (11.12.1.2) */
		reg_set(apic, off, atomic_xchg(&apic->esr_pending, 0));
		return 0;
	case HVX_APIC_SELF_IPI:	/* x2APIC only; bits 31:8 reserved (11.12.11) */
		if (!x2apic || (val & ~HVX_ICR_VECTOR))
			return 1;
		send_ipi(apic, (HVX_SH_SELF << HVX_ICR_SH_SHIFT) | val);
		return 0;
	default:
		return 1;
	}
}

/* ---- the interface (irq.h) ---- */

/*
 * The xAPIC page (SDM 11.4.1). Only aligned 32-bit stores reach a
 * register (others are dropped, as KVM); loads of 1, 2 or 4 bytes within
 * one register return its bytes, anything else reads 0. While the APIC
 * is hardware-disabled or in x2APIC mode the page reads all ones and
 * ignores stores: KVM's "LAPIC MMIO hole" quirk, on by default (hvx
 * offers no way to turn it off).
 */
int hvx_lapic_mmio(struct hvx_vcpu *vcpu, u64 gpa, u8 len, bool write, void *data)
{
	struct hvx_lapic *apic = vcpu->apic;
	u64 base = vcpu->apic_base & HVX_APIC_BASE_ADDR;
	u32 off, val;

	if (!apic || gpa < base || gpa - base >= HVX_APIC_PAGE_SIZE)
		return -ENOENT;
	off = gpa - base;
	if (!hw_enabled(vcpu) || x2apic_mode(vcpu)) {
		if (!write)
			memset(data, 0xff, len);
		return 0;
	}
	if (write) {
		if (len == 4 && !(off & 0xf)) {
			memcpy(&val, data, 4);
			reg_write(apic, off, val);
		}
		return 0;
	}
	memset(data, 0, len);
	if ((off & 0xf) + len <= 4 && !reg_read(apic, off & ~0xfu, &val))
		memcpy(data, (u8 *)&val + (off & 0xf), len);
	return 0;
}

/*
 * IA32_APIC_BASE (SDM 11.4.4; 11.12.5 "x2APIC State Transitions"). The
 * guest may not go from x2APIC to xAPIC mode, nor from disabled to
 * x2APIC; user space may (KVM_SET_MSRS, KVM_SET_SREGS), as in KVM.
 * Enabling sets the xAPIC ID back to the vCPU id; entering x2APIC mode
 * gives the x2APIC ID and its derived LDR (11.12.10.2).
 */
static int set_base(struct hvx_vcpu *vcpu, u64 val, bool host)
{
	struct hvx_lapic *apic = vcpu->apic;
	const u64 modes = HVX_APIC_BASE_EN | HVX_APIC_BASE_EXTD;
	u64 old = vcpu->apic_base, rsvd = 0x2ff;
	u8 pa_bits = boot_cpu_data.x86_phys_bits;

	if (pa_bits < 64)
		rsvd |= ~0ULL << pa_bits;
	if (!apic->x2apic_ok)
		rsvd |= HVX_APIC_BASE_EXTD;
	if ((val & rsvd) || (val & modes) == HVX_APIC_BASE_EXTD)
		return 1;
	if (!host && (((old & modes) == modes && (val & modes) == HVX_APIC_BASE_EN) ||
		      (!(old & modes) && (val & modes) == modes)))
		return 1;
	WRITE_ONCE(vcpu->apic_base, val);
	if ((old ^ val) & val & HVX_APIC_BASE_EN)
		reg_set(apic, HVX_APIC_ID, vcpu->id << 24);
	if ((old ^ val) & val & HVX_APIC_BASE_EXTD) {
		reg_set(apic, HVX_APIC_ID, vcpu->id);
		reg_set(apic, HVX_APIC_LDR, hvx_x2apic_ldr(vcpu->id));
	}
	return 0;
}

static bool x2apic_msr(u32 msr)
{
	return msr >= HVX_X2APIC_MSR_FIRST && msr <= HVX_X2APIC_MSR_LAST;
}

/* x2APIC registers are MSRs 0x800 + offset / 16 (SDM 11.12.1.2): #GP
 * unless in x2APIC mode; ICR is one 64-bit MSR. */
int hvx_lapic_msr_get(struct hvx_vcpu *vcpu, u32 msr, u64 *data)
{
	struct hvx_lapic *apic = vcpu->apic;
	u32 off, val;

	if (!apic)
		return -ENOENT;
	if (msr == MSR_IA32_APICBASE) {
		*data = vcpu->apic_base;
		return 0;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*data = hw_enabled(vcpu) && apic->timer_mode == HVX_LVTT_TSC_DEADLINE ?
			apic->tsc_deadline : 0;
		return 0;
	}
	if (!x2apic_msr(msr))
		return -ENOENT;
	if (!x2apic_mode(vcpu))
		return 1;
	off = (msr - HVX_X2APIC_MSR_FIRST) << 4;
	if (off == HVX_APIC_ICR) {
		*data = reg_get(apic, HVX_APIC_ICR) | (u64)reg_get(apic, HVX_APIC_ICR2) << 32;
		return 0;
	}
	if (reg_read(apic, off, &val))
		return 1;
	*data = val;
	return 0;
}

int hvx_lapic_msr_set(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	struct hvx_lapic *apic = vcpu->apic;
	u32 off;

	if (!apic)
		return -ENOENT;
	if (msr == MSR_IA32_APICBASE)
		return set_base(vcpu, data, host);
	if (msr == MSR_IA32_TSC_DEADLINE) {
		/* Ignored outside TSC-deadline mode (SDM 11.5.4.1), as KVM. */
		if (!hw_enabled(vcpu) || apic->timer_mode != HVX_LVTT_TSC_DEADLINE)
			return 0;
		hrtimer_cancel(&apic->timer);
		apic->tsc_deadline = data;
		start_timer(apic, false);
		return 0;
	}
	if (!x2apic_msr(msr))
		return -ENOENT;
	if (!x2apic_mode(vcpu))
		return 1;
	off = (msr - HVX_X2APIC_MSR_FIRST) << 4;
	if (off == HVX_APIC_ICR) {
		if (data & HVX_X2APIC_ICR_RSVD)
			return 1;
		data &= ~(u64)HVX_ICR_BUSY;
		send_ipi(apic, data);
		reg_set(apic, HVX_APIC_ICR, data);
		reg_set(apic, HVX_APIC_ICR2, data >> 32);
		return 0;
	}
	if (data >> 32)
		return 1;	/* bits 63:32 of the other registers are reserved */
	return reg_write(apic, off, data);
}

/*
 * Before an entry: a timer expiry becomes the LVT timer interrupt if the
 * APIC is enabled and the entry unmasked; until then it waits (KVM keeps
 * it pending the same way). Then the LVT Error interrupt, if an error
 * came in. Runs in the wake-up test of a halted vCPU too: never sleeps.
 */
void hvx_lapic_update(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic = vcpu->apic;
	u32 lvt;

	if (!apic)
		return;
	if (atomic_read(&apic->timer_pending) && hw_enabled(vcpu) && sw_enabled(apic) &&
	    !(reg_get(apic, HVX_APIC_LVTT) & HVX_LVT_MASKED) &&
	    atomic_xchg(&apic->timer_pending, 0)) {
		local_deliver(apic, HVX_APIC_LVTT);
		/* A one-shot or deadline timer is spent (SDM 11.5.4.1: the
		 * deadline MSR reads 0 once the interrupt is generated). */
		if (apic->timer_mode == HVX_LVTT_TSC_DEADLINE)
			apic->tsc_deadline = 0;
		else if (apic->timer_mode == HVX_LVTT_ONESHOT)
			WRITE_ONCE(apic->target, 0);
	}
	if (atomic_read(&apic->error_irq) && atomic_xchg(&apic->error_irq, 0)) {
		lvt = reg_get(apic, HVX_APIC_LVT_ERROR);
		/* An illegal vector here is noted, but raises no new error. */
		if (!(lvt & HVX_LVT_MASKED) && (lvt & HVX_LVT_VECTOR) < 16)
			atomic_or(HVX_ESR_RECV_ILLEGAL, &apic->esr_pending);
		else
			local_deliver(apic, HVX_APIC_LVT_ERROR);
	}
}

int hvx_lapic_pending_vector(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic || !hw_enabled(vcpu))
		return -1;
	return hvx_apic_deliverable(hvx_apic_highest_vector(apic->regs, HVX_APIC_IRR),
				    update_ppr(apic));
}

/* SDM 11.8.4: the processor takes the vector: IRR -> ISR. TMR keeps the
 * trigger mode for the EOI. */
void hvx_lapic_ack(struct hvx_vcpu *vcpu, u8 vector)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic)
		return;
	clear_bit(vector & 31, vec_word(apic, HVX_APIC_IRR, vector));
	__set_bit(vector & 31, vec_word(apic, HVX_APIC_ISR, vector));
	update_ppr(apic);
}

/* KVM's kvm_apic_accept_pic_intr: SDM 11.4.3 (a disabled APIC passes
 * INTR through) and 11.5.1 (LINT0 in ExtINT mode). */
bool hvx_lapic_accepts_pic(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic = vcpu->apic;
	u32 lvt0;

	if (!apic)
		return false;
	if (!hw_enabled(vcpu))
		return true;
	lvt0 = reg_get(apic, HVX_APIC_LVT0);
	return !(lvt0 & HVX_LVT_MASKED) &&
	       (lvt0 & HVX_LVT_DM_MASK) >> HVX_LVT_DM_SHIFT == HVX_DM_EXTINT;
}

/* SDM 11.8.6.1 "Interaction of Task Priorities between CR8 and APIC":
 * CR8[3:0] is TPR[7:4], and a CR8 write clears TPR[3:0]. */
void hvx_lapic_set_cr8(struct hvx_vcpu *vcpu, u64 cr8)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic)
		return;
	reg_set(apic, HVX_APIC_TPR, (cr8 & 0xf) << 4);
	update_ppr(apic);
}

u64 hvx_lapic_get_cr8(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic = vcpu->apic;

	return apic ? (reg_get(apic, HVX_APIC_TPR) & 0xf0) >> 4 : 0;
}

/*
 * KVM_GET_LAPIC (api.rst 4.57): the page, with TMCCT counted from the
 * time left and, in x2APIC mode, the ID in bits 31:24.
 */
int hvx_lapic_get_state(struct hvx_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic)
		return -EINVAL;
	memcpy(s->regs, apic->regs, sizeof(s->regs));
	hvx_apic_set_reg(s->regs, HVX_APIC_TMCCT, read_tmcct(apic));
	if (x2apic_mode(vcpu))
		hvx_apic_set_reg(s->regs, HVX_APIC_ID, reg_get(apic, HVX_APIC_ID) << 24);
	return 0;
}

/*
 * KVM_SET_LAPIC (api.rst 4.58): the page as given (KVM does not mask
 * it), then what follows from it, as KVM: the x2APIC ID from bits 31:24
 * and its LDR, the version, PPR, the timer mode and divide, and the timer
 * restarted with TMCCT as the count left (TMCCT itself reads back as
 * computed). APIC base and mode stay (KVM_SET_MSRS/KVM_SET_SREGS set them).
 */
int hvx_lapic_set_state(struct hvx_vcpu *vcpu, const struct kvm_lapic_state *s)
{
	struct hvx_lapic *apic = vcpu->apic;
	u32 id;

	if (!apic)
		return -EINVAL;
	cancel_timer(apic);
	memcpy(apic->regs, s->regs, sizeof(s->regs));
	if (x2apic_mode(vcpu)) {
		id = reg_get(apic, HVX_APIC_ID) >> 24;
		reg_set(apic, HVX_APIC_ID, id);
		reg_set(apic, HVX_APIC_LDR, hvx_x2apic_ldr(id));
	}
	reg_set(apic, HVX_APIC_LVR, HVX_APIC_LVR_VALUE);
	update_ppr(apic);
	atomic_set(&apic->esr_pending, 0);
	atomic_set(&apic->error_irq, 0);
	update_lvtt(apic);
	apic->divide = hvx_apic_divide(reg_get(apic, HVX_APIC_TDCR));
	start_timer(apic, true);
	reg_set(apic, HVX_APIC_TMCCT, 0);
	return 0;
}

/*
 * Power-on (SDM 11.4.7.1 "Local APIC State After Power-Up or Reset") or
 * INIT (11.4.7.3: the same but for the APIC ID and the APIC base) state.
 * As KVM: vCPU 0 is the BSP, and its LINT0 comes out of reset unmasked
 * in ExtINT mode (KVM_X86_QUIRK_LINT0_REENABLED, on by default) so that
 * the PIC reaches it; the LDR stays in x2APIC mode.
 */
void hvx_lapic_reset(struct hvx_vcpu *vcpu, bool init)
{
	struct hvx_lapic *apic = vcpu->apic;
	bool bsp = hvx_vcpu_is_reset_bsp(vcpu);
	int i;

	if (!apic)
		return;
	if (!init)
		set_base(vcpu, HVX_APIC_DEFAULT_BASE | HVX_APIC_BASE_EN |
			 (bsp ? HVX_APIC_BASE_BSP : 0), true);
	cancel_timer(apic);
	WRITE_ONCE(apic->period, 0);
	apic->tsc_deadline = 0;
	if (!init)
		reg_set(apic, HVX_APIC_ID, vcpu->id << 24);
	reg_set(apic, HVX_APIC_LVR, HVX_APIC_LVR_VALUE);
	for (i = 0; i < HVX_APIC_NR_LVT; i++)
		reg_set(apic, HVX_APIC_LVTT + 0x10 * i, HVX_LVT_MASKED);
	update_lvtt(apic);
	if (bsp)
		reg_set(apic, HVX_APIC_LVT0, HVX_DM_EXTINT << HVX_LVT_DM_SHIFT);
	reg_set(apic, HVX_APIC_DFR, HVX_APIC_DFR_FLAT);
	reg_set(apic, HVX_APIC_SVR, 0xff);
	reg_set(apic, HVX_APIC_TPR, 0);
	if (!x2apic_mode(vcpu))
		reg_set(apic, HVX_APIC_LDR, 0);
	reg_set(apic, HVX_APIC_ESR, 0);
	reg_set(apic, HVX_APIC_ICR, 0);
	reg_set(apic, HVX_APIC_ICR2, 0);
	reg_set(apic, HVX_APIC_TDCR, 0);
	reg_set(apic, HVX_APIC_TMICT, 0);
	for (i = 0; i < 8; i++) {
		reg_set(apic, HVX_APIC_IRR + 0x10 * i, 0);
		reg_set(apic, HVX_APIC_ISR + 0x10 * i, 0);
		reg_set(apic, HVX_APIC_TMR + 0x10 * i, 0);
	}
	apic->divide = hvx_apic_divide(0);
	atomic_set(&apic->esr_pending, 0);
	atomic_set(&apic->error_irq, 0);
	update_ppr(apic);
}

void hvx_lapic_set_cpuid(struct hvx_vcpu *vcpu, bool x2apic, bool tsc_deadline)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic)
		return;
	apic->x2apic_ok = x2apic;
	/* KVM's masks: with TSC-deadline both mode bits, else periodic only. */
	apic->timer_modes = tsc_deadline ? HVX_LVTT_MODE_MASK : HVX_LVTT_PERIODIC;
}

/* At KVM_CREATE_VCPU, before the vCPU is listed in the VM: in the
 * power-on state. */
int hvx_lapic_create(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->regs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!apic->regs) {
		kfree(apic);
		return -ENOMEM;
	}
	apic->vcpu = vcpu;
	apic->x2apic_ok = true;
	apic->timer_modes = HVX_LVTT_MODE_MASK;
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = timer_fn;
	vcpu->apic = apic;
	vcpu->apic_base = HVX_APIC_BASE_EN;	/* the reset below sets the rest */
	hvx_lapic_reset(vcpu, false);
	return 0;
}

/* After the vCPU is unlisted and no deliverer can still see it. */
void hvx_lapic_free(struct hvx_vcpu *vcpu)
{
	struct hvx_lapic *apic = vcpu->apic;

	if (!apic)
		return;
	hrtimer_cancel(&apic->timer);
	vcpu->apic = NULL;
	free_page((unsigned long)apic->regs);
	kfree(apic);
}
