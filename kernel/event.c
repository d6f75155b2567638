// SPDX-License-Identifier: GPL-2.0
/*
 * Events a vCPU receives: exceptions, external interrupts (from the
 * in-kernel LAPIC and PIC, or from user space with KVM_INTERRUPT), NMIs,
 * INIT and SIPI; the multiprocessor state (KVM_GET/SET_MP_STATE); HLT
 * that sleeps in the kernel; and kicks between threads.
 *
 * One event at a time goes into the guest, as the hardware's injection
 * field holds one (APM Vol. 2, 15.20 "Event Injection"; SDM Vol. 3C,
 * 26.6 "Event Injection"): vcpu->inj. A backend programs it right before
 * the entry and, after the exit, puts back there whatever the exit
 * interrupted the delivery of (EXITINTINFO, IDT-vectoring information),
 * so that it is delivered again. Everything else waits in the sources
 * (LAPIC IRR, PIC, nmi_pending, user_irq) until the guest can take it;
 * when it cannot yet, the backend is asked for an exit as soon as it can
 * (interrupt window, NMI window).
 *
 * Other threads (another vCPU's ICR write, the IOAPIC, a timer) never
 * touch vcpu->inj: they post to the sources and call hvx_vcpu_kick().
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/wait.h>

#include "hvx.h"
#include "irq/irq.h"

/* ---- posting work to a vCPU, from any thread ---- */

void hvx_vcpu_kick(struct hvx_vcpu *vcpu)
{
	int cpu;

	set_bit(HVX_REQ_EVENT, &vcpu->requests);
	/*
	 * Pairs with the barrier in hvx_guest_mode_enter(): either the vCPU
	 * sees the request before it enters, or we see it in guest mode and
	 * the IPI makes it exit (a pending physical interrupt exits right
	 * after VMRUN/VM entry).
	 */
	smp_mb__after_atomic();
	wake_up_interruptible(&vcpu->wq);
	cpu = READ_ONCE(vcpu->in_guest_cpu);
	if (cpu >= 0 && cpu != raw_smp_processor_id())
		smp_send_reschedule(cpu);
}

void hvx_vcpu_queue_nmi(struct hvx_vcpu *vcpu)
{
	atomic_inc(&vcpu->nmi_queued);
	hvx_vcpu_kick(vcpu);
}

void hvx_vcpu_queue_init(struct hvx_vcpu *vcpu)
{
	set_bit(HVX_APIC_INIT, &vcpu->apic_events);
	hvx_vcpu_kick(vcpu);
}

void hvx_vcpu_queue_sipi(struct hvx_vcpu *vcpu, u8 vector)
{
	WRITE_ONCE(vcpu->sipi_vector, vector);
	smp_wmb();	/* the vector before the flag that says it is there */
	set_bit(HVX_APIC_SIPI, &vcpu->apic_events);
	hvx_vcpu_kick(vcpu);
}

/*
 * Called by the backend with interrupts disabled, right before the world
 * switch, after it has published in_guest_cpu: false if a kick came in
 * since the events were last looked at, and the entry must be abandoned.
 */
bool hvx_guest_mode_enter(struct hvx_vcpu *vcpu, int cpu)
{
	WRITE_ONCE(vcpu->in_guest_cpu, cpu);
	smp_mb();
	if (test_bit(HVX_REQ_EVENT, &vcpu->requests)) {
		WRITE_ONCE(vcpu->in_guest_cpu, -1);
		return false;
	}
	return true;
}

/* ---- exceptions ---- */

void hvx_queue_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	vcpu->inj = (struct hvx_inj) {
		.type = HVX_INJ_EXCEPTION, .vector = vector,
		.has_error = has_error, .error = error,
	};
}

/*
 * SVM's EVENTINJ/EXITINTINFO and VMX's interruption-information fields
 * share one layout (APM Vol. 2, 15.20; SDM Vol. 3C, 25.8.3 and 25.9.3):
 * vector in bits 7:0, type in 10:8 (0 external interrupt, 2 NMI, 3
 * hardware exception), error code valid in bit 11, valid in bit 31.
 */
#define EVT_TYPE_EXTINT		(0U << 8)
#define EVT_TYPE_NMI		(2U << 8)
#define EVT_TYPE_EXCEPTION	(3U << 8)
#define EVT_TYPE_MASK		(7U << 8)
#define EVT_HAS_ERROR		BIT(11)
#define EVT_VALID		BIT(31)

/*
 * The injection field for vcpu->inj, 0 when there is nothing to deliver.
 * Outside protected mode no error code is pushed, and VM entry refuses
 * one (SDM 27.2.1.3); KVM drops it there too.
 */
u32 hvx_inj_encode(const struct hvx_inj *inj, bool protected_mode)
{
	switch (inj->type) {
	case HVX_INJ_EXCEPTION:
		return inj->vector | EVT_TYPE_EXCEPTION | EVT_VALID |
		       (inj->has_error && protected_mode ? EVT_HAS_ERROR : 0);
	case HVX_INJ_NMI:
		return NMI_VECTOR | EVT_TYPE_NMI | EVT_VALID;
	case HVX_INJ_EXTINT:
		return inj->vector | EVT_TYPE_EXTINT | EVT_VALID;
	default:
		return 0;
	}
}

/*
 * After an exit: an event whose delivery the exit cut short (EXITINTINFO,
 * IDT-vectoring information) goes back into vcpu->inj; anything else was
 * delivered. Software interrupts and exceptions are executed again from
 * their RIP instead: SVM reports INT3 and INTO as hardware exceptions,
 * hence the two vectors left out (VMX gives them their own type).
 */
void hvx_inj_decode(struct hvx_vcpu *vcpu, u32 info, u32 error)
{
	struct hvx_inj *inj = &vcpu->inj;
	u8 vector = info & 0xff;

	inj->type = HVX_INJ_NONE;
	if (!(info & EVT_VALID))
		return;
	switch (info & EVT_TYPE_MASK) {
	case EVT_TYPE_EXCEPTION:
		if (vector != BP_VECTOR && vector != OF_VECTOR)
			*inj = (struct hvx_inj) { .type = HVX_INJ_EXCEPTION, .vector = vector,
						  .has_error = info & EVT_HAS_ERROR,
						  .error = error };
		break;
	case EVT_TYPE_NMI:
		*inj = (struct hvx_inj) { .type = HVX_INJ_NMI, .vector = NMI_VECTOR };
		break;
	case EVT_TYPE_EXTINT:
		*inj = (struct hvx_inj) { .type = HVX_INJ_EXTINT, .vector = vector };
		break;
	}
}

/* ---- NMIs ---- */

/*
 * At most one NMI waits while another is being handled: the CPU latches
 * one more NMI while NMIs are blocked (SDM Vol. 3A, 6.7.1 "Handling
 * Multiple NMIs"); more collapse into it. With one already being
 * injected, only one may wait.
 */
static void collect_nmis(struct hvx_vcpu *vcpu)
{
	int limit = 2, n;

	if (hvx_ops->get_nmi_mask(vcpu) || vcpu->inj.type == HVX_INJ_NMI)
		limit = 1;
	n = atomic_xchg(&vcpu->nmi_queued, 0);
	vcpu->nmi_pending = min(vcpu->nmi_pending + n, limit);
}

/* ---- external interrupts ---- */

static bool pic_reaches(struct hvx_vcpu *vcpu)
{
	struct hvx_pic *pic = vcpu->vm->pic;

	return pic && vcpu->apic && hvx_lapic_accepts_pic(vcpu) &&
	       hvx_pic_has_interrupt(pic);
}

/* Is there an external interrupt the guest could take if IF allowed it? */
static bool irq_pending(struct hvx_vcpu *vcpu)
{
	if (vcpu->user_irq >= 0)
		return true;
	if (!vcpu->apic)
		return false;
	return pic_reaches(vcpu) || hvx_lapic_pending_vector(vcpu) >= 0;
}

/* The INTA cycle: take the vector from its source, -1 if it went away. */
static int irq_acknowledge(struct hvx_vcpu *vcpu)
{
	int v;

	if (vcpu->user_irq >= 0) {
		v = vcpu->user_irq;
		vcpu->user_irq = -1;
		return v;
	}
	if (pic_reaches(vcpu))
		return hvx_pic_read_irq(vcpu->vm->pic);
	v = hvx_lapic_pending_vector(vcpu);
	if (v >= 0)
		hvx_lapic_ack(vcpu, v);
	return v;
}

/* ---- INIT and SIPI (SDM Vol. 3A, 8.4.4 "MP Initialization Example") ---- */

static void accept_init_sipi(struct hvx_vcpu *vcpu)
{
	struct kvm_segment cs;
	struct kvm_sregs sregs;

	if (!vcpu->apic)
		return;
	if (test_and_clear_bit(HVX_APIC_INIT, &vcpu->apic_events)) {
		/* INIT: the state after INIT, then wait for a SIPI (the BSP does not). */
		hvx_ops->vcpu_reset(vcpu, true);
		hvx_lapic_reset(vcpu, true);
		hvx_event_reset(vcpu);
		vcpu->mp_state = vcpu->id == 0 ? KVM_MP_STATE_RUNNABLE :
						 KVM_MP_STATE_INIT_RECEIVED;
	}
	if (test_and_clear_bit(HVX_APIC_SIPI, &vcpu->apic_events) &&
	    vcpu->mp_state == KVM_MP_STATE_INIT_RECEIVED) {
		u8 vector = READ_ONCE(vcpu->sipi_vector);

		smp_rmb();
		/* Real mode at vector * 4 KiB: CS = vector << 8, IP = 0. */
		memset(&sregs, 0, sizeof(sregs));
		hvx_ops->get_sregs(vcpu, &sregs);
		cs = sregs.cs;
		cs.selector = vector << 8;
		cs.base = (u64)vector << 12;
		sregs.cs = cs;
		hvx_ops->set_sregs(vcpu, &sregs);
		vcpu->rip = 0;
		vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
	}
}

/* ---- before each entry ---- */

/*
 * Choose what the next entry delivers, in the architectural priority
 * order (SDM Vol. 3A, 6.9 "Priority Among Concurrent Exceptions and
 * Interrupts"): an event being re-delivered or an exception first, then
 * NMI, then maskable interrupts. What cannot go in now opens a window.
 */
static void inject_pending(struct hvx_vcpu *vcpu)
{
	bool want_irq = false, want_nmi = false;
	int v;

	collect_nmis(vcpu);
	if (vcpu->inj.type == HVX_INJ_NONE && vcpu->nmi_pending &&
	    hvx_ops->nmi_allowed(vcpu)) {
		vcpu->nmi_pending--;
		vcpu->inj = (struct hvx_inj) { .type = HVX_INJ_NMI, .vector = NMI_VECTOR };
		vcpu->stat.nmi_injections++;
	}
	if (vcpu->nmi_pending)
		want_nmi = true;

	if (vcpu->inj.type == HVX_INJ_NONE && irq_pending(vcpu) &&
	    hvx_ops->interrupt_allowed(vcpu)) {
		v = irq_acknowledge(vcpu);
		if (v >= 0) {
			vcpu->inj = (struct hvx_inj) { .type = HVX_INJ_EXTINT, .vector = v };
			vcpu->stat.irq_injections++;
		}
	}
	if (irq_pending(vcpu) || vcpu->run->request_interrupt_window)
		want_irq = true;
	hvx_ops->request_windows(vcpu, want_irq, want_nmi);
}

/* Can a halted vCPU go on? (KVM: kvm_vcpu_has_events) */
static bool wake_condition(struct hvx_vcpu *vcpu)
{
	clear_bit(HVX_REQ_EVENT, &vcpu->requests);
	if (vcpu->apic_events)
		return true;
	if (vcpu->mp_state != KVM_MP_STATE_HALTED)
		return false;		/* waiting for INIT/SIPI only */
	if (atomic_read(&vcpu->nmi_queued) || vcpu->nmi_pending)
		return true;
	if (vcpu->apic)
		hvx_lapic_update(vcpu);
	return irq_pending(vcpu) && hvx_ops->interrupt_allowed(vcpu);
}

/*
 * Sleep until the vCPU can run: a HLT (mp_state HALTED) or an AP waiting
 * for INIT/SIPI. 0 when it can go on, -EINTR on a signal (the vCPU stays
 * halted, and the next KVM_RUN sleeps again, as in KVM).
 */
static int block(struct hvx_vcpu *vcpu)
{
	if (wake_condition(vcpu))
		return 0;
	/* The preempt notifiers put and load the backend's state around the sleep. */
	if (wait_event_interruptible(vcpu->wq, wake_condition(vcpu))) {
		vcpu->stat.signal_exits++;	/* the callers return KVM_EXIT_INTR */
		return -EINTR;
	}
	vcpu->stat.halt_wakeup++;
	return 0;
}

/* KVM_RUN on a vCPU in KVM_MP_STATE_UNINITIALIZED (see hvx_vcpu_run). */
int hvx_vcpu_wait_init(struct hvx_vcpu *vcpu)
{
	if (block(vcpu)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	accept_init_sipi(vcpu);
	return -EAGAIN;
}

/*
 * The core's work before an entry. Returns 1 to enter the guest, 0 to
 * return to user space with run->exit_reason set, or -errno.
 */
int hvx_vcpu_prepare_entry(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	for (;;) {
		clear_bit(HVX_REQ_EVENT, &vcpu->requests);
		accept_init_sipi(vcpu);
		if (vcpu->mp_state == KVM_MP_STATE_RUNNABLE)
			break;
		if (vcpu->mp_state == KVM_MP_STATE_HALTED && wake_condition(vcpu)) {
			vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
			break;
		}
		r = block(vcpu);
		if (r) {
			run->exit_reason = KVM_EXIT_INTR;
			return r;
		}
		if (vcpu->mp_state == KVM_MP_STATE_HALTED && wake_condition(vcpu))
			vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
	}
	if (vcpu->apic)
		hvx_lapic_update(vcpu);
	inject_pending(vcpu);
	return 1;
}

/*
 * After an exit handled in the kernel: a VMM that keeps the PIC in user
 * space and asked to be told when it can inject gets KVM_EXIT_IRQ_WINDOW_OPEN
 * (api.rst, "request_interrupt_window"); like KVM, only after the guest
 * has run. Returns 0 then, 1 to go on.
 */
int hvx_vcpu_check_irq_window(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (!vcpu->apic && run->request_interrupt_window &&
	    hvx_vcpu_ready_for_interrupt(vcpu)) {
		run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
		vcpu->stat.request_irq_exits++;
		return 0;
	}
	return 1;
}

/* KVM's kvm_vcpu_ready_for_interrupt_injection. */
bool hvx_vcpu_ready_for_interrupt(struct hvx_vcpu *vcpu)
{
	return hvx_ops->interrupt_allowed(vcpu) && !irq_pending(vcpu) &&
	       vcpu->inj.type == HVX_INJ_NONE;
}

/*
 * HLT. With the irqchip in the kernel the vCPU sleeps here until an
 * interrupt it can take arrives (KVM does the same); without it, user
 * space gets KVM_EXIT_HLT.
 */
int hvx_handle_hlt(struct hvx_vcpu *vcpu, u64 next_rip)
{
	vcpu->rip = next_rip;
	if (vcpu->apic) {
		vcpu->mp_state = KVM_MP_STATE_HALTED;
		return 1;
	}
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

/* ---- at creation, reset and from user space ---- */

void hvx_event_reset(struct hvx_vcpu *vcpu)
{
	vcpu->inj.type = HVX_INJ_NONE;
	vcpu->user_irq = -1;
	vcpu->nmi_pending = 0;
	atomic_set(&vcpu->nmi_queued, 0);
	hvx_ops->set_nmi_mask(vcpu, false);
}

void hvx_event_init(struct hvx_vcpu *vcpu)
{
	init_waitqueue_head(&vcpu->wq);
	vcpu->user_irq = -1;
	/*
	 * With the LAPIC in the kernel, only the BSP (vCPU 0 unless
	 * KVM_SET_BOOT_CPU_ID chose another) runs from power-on; the others
	 * wait for INIT and SIPI (KVM does the same).
	 */
	vcpu->mp_state = (vcpu->vm->irqchip && !hvx_vcpu_is_reset_bsp(vcpu)) ?
			 KVM_MP_STATE_UNINITIALIZED : KVM_MP_STATE_RUNNABLE;
}

/* KVM_INTERRUPT (api.rst 4.16): only when the PIC is in user space. */
int hvx_vcpu_interrupt(struct hvx_vcpu *vcpu, u32 irq)
{
	if (irq >= 256)
		return -EINVAL;
	if (vcpu->apic)
		return -ENXIO;
	if (vcpu->user_irq >= 0 || vcpu->inj.type == HVX_INJ_EXTINT)
		return -ENXIO;
	vcpu->user_irq = irq;
	return 0;
}

/* KVM_NMI (api.rst 4.79). */
int hvx_vcpu_nmi(struct hvx_vcpu *vcpu)
{
	hvx_vcpu_queue_nmi(vcpu);
	return 0;
}

int hvx_vcpu_get_mp_state(struct hvx_vcpu *vcpu, struct kvm_mp_state *mp)
{
	accept_init_sipi(vcpu);
	mp->mp_state = vcpu->mp_state;
	return 0;
}

int hvx_vcpu_set_mp_state(struct hvx_vcpu *vcpu, const struct kvm_mp_state *mp)
{
	switch (mp->mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		break;
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_HALTED:
	case KVM_MP_STATE_INIT_RECEIVED:
	case KVM_MP_STATE_SIPI_RECEIVED:
		if (!vcpu->apic)
			return -EINVAL;
		break;
	default:
		return -EINVAL;		/* AP_RESET_HOLD is for SEV-ES; STOPPED/CHECK_STOP s390 */
	}
	if (mp->mp_state == KVM_MP_STATE_SIPI_RECEIVED) {
		vcpu->mp_state = KVM_MP_STATE_INIT_RECEIVED;
		set_bit(HVX_APIC_SIPI, &vcpu->apic_events);
	} else {
		vcpu->mp_state = mp->mp_state;
	}
	set_bit(HVX_REQ_EVENT, &vcpu->requests);
	return 0;
}

/* KVM_GET_VCPU_EVENTS (api.rst 4.31), as KVM reports them. */
int hvx_vcpu_get_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	const struct hvx_inj *inj = &vcpu->inj;

	memset(ev, 0, sizeof(*ev));
	collect_nmis(vcpu);
	if (inj->type == HVX_INJ_EXCEPTION) {
		ev->exception.injected = 1;
		ev->exception.nr = inj->vector;
		ev->exception.has_error_code = inj->has_error;
		ev->exception.error_code = inj->error;
	}
	if (inj->type == HVX_INJ_EXTINT) {
		ev->interrupt.injected = 1;
		ev->interrupt.nr = inj->vector;
	} else if (vcpu->user_irq >= 0) {
		ev->interrupt.injected = 1;
		ev->interrupt.nr = vcpu->user_irq;
	}
	ev->interrupt.shadow = hvx_ops->get_interrupt_shadow(vcpu);
	ev->nmi.injected = inj->type == HVX_INJ_NMI;
	ev->nmi.pending = vcpu->nmi_pending != 0;
	ev->nmi.masked = hvx_ops->get_nmi_mask(vcpu);
	ev->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
		    KVM_VCPUEVENT_VALID_SMM;
	return 0;
}

/*
 * KVM_SET_VCPU_EVENTS. hvx has no SMM and no exception payloads: asking
 * for them is refused with -EINVAL, as KVM refuses a payload it was not
 * asked to support.
 */
int hvx_vcpu_set_events(struct hvx_vcpu *vcpu, const struct kvm_vcpu_events *ev)
{
	if (ev->flags & ~(KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
			  KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM))
		return -EINVAL;
	if (ev->exception.injected && (ev->exception.nr > 31 || ev->exception.nr == NMI_VECTOR))
		return -EINVAL;
	if ((ev->flags & KVM_VCPUEVENT_VALID_SMM) && (ev->smi.smm || ev->smi.pending))
		return -EINVAL;

	collect_nmis(vcpu);
	vcpu->inj.type = HVX_INJ_NONE;
	vcpu->user_irq = -1;
	if (ev->exception.injected)
		hvx_queue_exception(vcpu, ev->exception.nr, ev->exception.has_error_code,
				    ev->exception.error_code);
	else if (ev->nmi.injected)
		vcpu->inj = (struct hvx_inj) { .type = HVX_INJ_NMI, .vector = NMI_VECTOR };
	/* An interrupt that cannot share the slot waits as a KVM_INTERRUPT does. */
	if (ev->interrupt.injected && !ev->interrupt.soft) {
		if (vcpu->inj.type == HVX_INJ_NONE)
			vcpu->inj = (struct hvx_inj) { .type = HVX_INJ_EXTINT,
						       .vector = ev->interrupt.nr };
		else
			vcpu->user_irq = ev->interrupt.nr;
	}
	if (ev->flags & KVM_VCPUEVENT_VALID_SHADOW)
		hvx_ops->set_interrupt_shadow(vcpu, ev->interrupt.shadow);
	if (ev->flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->nmi_pending = !!ev->nmi.pending;
	hvx_ops->set_nmi_mask(vcpu, ev->nmi.masked);
	if ((ev->flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR) && vcpu->apic)
		vcpu->sipi_vector = ev->sipi_vector;
	set_bit(HVX_REQ_EVENT, &vcpu->requests);
	return 0;
}
