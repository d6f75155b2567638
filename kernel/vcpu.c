// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU life cycle, the KVM_RUN loop and the general-purpose registers.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/mce.h>
#include <asm/debugreg.h>
#include <asm/hw_breakpoint.h>
#include <asm/fpu/xcr.h>
#include <asm/special_insns.h>

#include "hvx.h"
#include "irq/irq.h"

static atomic64_t vcpu_seq;

/*
 * While a vCPU ioctl runs, the scheduler tells the backend when the task
 * leaves its CPU and when it comes back, maybe on another CPU.
 */
static void hvx_sched_in(struct preempt_notifier *pn, int cpu)
{
	hvx_ops->vcpu_load(container_of(pn, struct hvx_vcpu, pn), cpu);
}

static void hvx_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	hvx_ops->vcpu_put(container_of(pn, struct hvx_vcpu, pn));
}

static struct preempt_ops hvx_preempt_ops = {
	.sched_in = hvx_sched_in,
	.sched_out = hvx_sched_out,
};

void hvx_vcpu_load(struct hvx_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->pn);
	hvx_ops->vcpu_load(vcpu, cpu);
	put_cpu();
}

void hvx_vcpu_put(struct hvx_vcpu *vcpu)
{
	preempt_disable();
	hvx_ops->vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}

/*
 * Register state at power-on (SDM Vol. 3A, 10.1.1 "Processor State After
 * Reset"), as KVM sets it: EDX holds the family/model/stepping signature;
 * with no CPUID table set, KVM reports 0x600 and so does hvx.
 */
void hvx_vcpu_reset_regs(struct hvx_vcpu *vcpu)
{
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[HVX_RDX] = 0x600;
	vcpu->rip = 0xfff0;
	vcpu->pending = HVX_IO_NONE;
}

struct hvx_vcpu *hvx_vcpu_create(struct hvx_vm *vm, u32 id)
{
	struct hvx_vcpu *vcpu;
	int i, slot = -1, r;

	mutex_lock(&vm->lock);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		if (vm->vcpus[i] && vm->vcpus[i]->id == id) {
			r = -EEXIST;
			goto err_unlock;
		}
		if (!vm->vcpus[i] && slot < 0)
			slot = i;
	}
	r = -EINVAL;		/* KVM's answer once KVM_CAP_MAX_VCPUS are created */
	if (slot < 0)
		goto err_unlock;
	if (!vm->tsc_started) {
		vm->tsc_offset = -(s64)rdtsc();
		vm->tsc_started = true;
	}
	r = -ENOMEM;
	vcpu = kzalloc(hvx_ops->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		goto err_unlock;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->seq = atomic64_inc_return(&vcpu_seq);
	vcpu->last_cpu = -1;
	vcpu->in_guest_cpu = -1;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->pn, &hvx_preempt_ops);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free;
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->pio_data)
		goto err_run;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_pio;
	hvx_vcpu_reset_regs(vcpu);
	hvx_event_init(vcpu);
	hvx_cpuid_init();
	hvx_msrs_reset(vcpu);
	r = hvx_ops->vcpu_create(vcpu);
	if (r)
		goto err_fpu;
	if (vm->irqchip) {
		r = hvx_lapic_create(vcpu);
		if (r)
			goto err_backend;
	}
	/* Published last: hvx_apic_deliver walks vm->vcpus under RCU. */
	rcu_assign_pointer(vm->vcpus[slot], vcpu);
	vm->nr_vcpus++;
	mutex_unlock(&vm->lock);
	return vcpu;

err_backend:
	hvx_ops->vcpu_free(vcpu);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_pio:
	free_page((unsigned long)vcpu->pio_data);
err_run:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
err_unlock:
	mutex_unlock(&vm->lock);
	return ERR_PTR(r);
}

/* Called when the VM goes away, or when the vCPU's fd could not be made. */
void hvx_vcpu_destroy(struct hvx_vcpu *vcpu)
{
	struct hvx_vm *vm = vcpu->vm;
	int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		if (vm->vcpus[i] == vcpu) {
			vm->vcpus[i] = NULL;
			vm->nr_vcpus--;
		}
	}
	mutex_unlock(&vm->lock);
	/* Deliveries walk vm->vcpus under RCU (irq/lapic.c): let them finish. */
	synchronize_rcu();
	if (vcpu->apic)
		hvx_lapic_free(vcpu);
	hvx_ops->vcpu_free(vcpu);
	hvx_cpuid_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/*
 * KVM_RUN (api.rst 4.10). An instruction left half-done by the last exit
 * to user space (IN, MMIO read) is finished first, even when
 * immediate_exit asks to return at once: that is how KVM lets a VMM
 * complete I/O without entering the guest.
 */
static int vcpu_run(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	r = hvx_complete_io(vcpu);
	if (r <= 0)		/* an error, or finishing it needs user space */
		return r;
	/* As KVM: -EINTR, and exit_reason stays what it was. */
	if (READ_ONCE(run->immediate_exit))
		return -EINTR;
	/*
	 * An application processor that never got INIT: as KVM, wait for
	 * it, then return -EAGAIN and let user space call KVM_RUN again.
	 */
	if (vcpu->mp_state == KVM_MP_STATE_UNINITIALIZED)
		return hvx_vcpu_wait_init(vcpu);
	/* The guest's FPU state becomes the task's until we return. */
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	for (;;) {
		u64 cr8;

		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			vcpu->stat.signal_exits++;
			r = -EINTR;
			break;
		}
		cond_resched();
		r = hvx_vcpu_prepare_entry(vcpu);
		if (r <= 0)
			break;
		/* The guest's CR8 is the APIC's TPR[7:4] (SDM Vol. 3A, 11.8.6.5). */
		if (vcpu->apic)
			vcpu->cr8 = hvx_lapic_get_cr8(vcpu);
		cr8 = vcpu->cr8;
		r = hvx_ops->run(vcpu);
		if (vcpu->apic && vcpu->cr8 != cr8)
			hvx_lapic_set_cr8(vcpu, vcpu->cr8);
		if (r > 0)
			r = hvx_vcpu_check_irq_window(vcpu);
		if (r <= 0)
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	/* What KVM reports with every exit (post_kvm_run_save in KVM). */
	run->if_flag = !!(hvx_ops->get_rflags(vcpu) & X86_EFLAGS_IF);
	run->cr8 = vcpu->apic ? hvx_lapic_get_cr8(vcpu) : vcpu->cr8;
	run->apic_base = hvx_vcpu_apic_base(vcpu);
	run->ready_for_interrupt_injection = vcpu->vm->pic ? 1 :
					     hvx_vcpu_ready_for_interrupt(vcpu);
	return r;
}

/*
 * KVM_CAP_SYNC_REGS (api.rst 7.5 and "kvm_valid_regs"/"kvm_dirty_regs"
 * in 5): registers, special registers and events travel in run->s.regs
 * instead of separate ioctls. Dirty sets are loaded before the run (each
 * bit cleared once loaded), valid sets stored after it, whatever it
 * returned; unknown bits in either mask are -EINVAL, as in KVM.
 */
static int sync_regs_in(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->kvm_dirty_regs & KVM_SYNC_X86_REGS) {
		hvx_vcpu_set_regs(vcpu, &run->s.regs.regs);
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (run->kvm_dirty_regs & KVM_SYNC_X86_SREGS) {
		if (hvx_vcpu_set_sregs(vcpu, &run->s.regs.sregs))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	}
	if (run->kvm_dirty_regs & KVM_SYNC_X86_EVENTS) {
		if (hvx_vcpu_set_events(vcpu, &run->s.regs.events))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_EVENTS;
	}
	return 0;
}

static void sync_regs_out(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->kvm_valid_regs & KVM_SYNC_X86_REGS)
		hvx_vcpu_get_regs(vcpu, &run->s.regs.regs);
	if (run->kvm_valid_regs & KVM_SYNC_X86_SREGS)
		hvx_vcpu_get_sregs(vcpu, &run->s.regs.sregs);
	if (run->kvm_valid_regs & KVM_SYNC_X86_EVENTS)
		hvx_vcpu_get_events(vcpu, &run->s.regs.events);
}

int hvx_vcpu_run(struct hvx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	if ((run->kvm_valid_regs & ~HVX_SYNC_FIELDS) || (run->kvm_dirty_regs & ~HVX_SYNC_FIELDS))
		r = -EINVAL;
	else
		r = run->kvm_dirty_regs ? sync_regs_in(vcpu) : 0;
	if (!r)
		r = vcpu_run(vcpu);
	if (run->kvm_valid_regs)
		sync_regs_out(vcpu);
	return r;
}

static u64 host_xcr0;

/*
 * XCR0 is switched whenever the guest's differs, whatever the guest's
 * CR4.OSXSAVE: the guest can set OSXSAVE without an exit, and must never
 * run with the host's XCR0 (which could let XRSTOR load the host's PKRU).
 * PKRU: a guest with CR4.PKE can WRPKRU; the host's is put back after.
 * Debug registers: once the guest uses them, DR0-3 are the guest's in
 * guest mode; the host's DR7 is disarmed before they are loaded, and the
 * host's breakpoints are restored after (a VM exit clears DR7).
 */
void hvx_load_guest_state(struct hvx_vcpu *vcpu, struct hvx_host_state *h)
{
	h->xcr0_switched = host_xcr0 && vcpu->xcr0 != host_xcr0;
	if (h->xcr0_switched)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		h->pkru = rdpkru();
	if (vcpu->dr_switch) {
		if (hw_breakpoint_active())
			set_debugreg(0, 7);
		set_debugreg(vcpu->dr[0], 0);
		set_debugreg(vcpu->dr[1], 1);
		set_debugreg(vcpu->dr[2], 2);
		set_debugreg(vcpu->dr[3], 3);
	}
}

void hvx_put_guest_state(struct hvx_vcpu *vcpu, struct hvx_host_state *h)
{
	if (vcpu->dr_switch) {
		get_debugreg(vcpu->dr[0], 0);
		get_debugreg(vcpu->dr[1], 1);
		get_debugreg(vcpu->dr[2], 2);
		get_debugreg(vcpu->dr[3], 3);
		set_debugreg(DR6_RESERVED, 6);
	}
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (boot_cpu_has(X86_FEATURE_OSPKE) && rdpkru() != h->pkru)
		wrpkru(h->pkru);
	/*
	 * XSETBV always exits on both backends, so XCR0 is the host's again
	 * unless hvx switched it. A CPU (or emulator) that failed to intercept
	 * XSETBV must still not leave the guest's XCR0 to the host: checking
	 * costs one XGETBV.
	 */
	if (h->xcr0_switched ||
	    (host_xcr0 && xgetbv(XCR_XFEATURE_ENABLED_MASK) != host_xcr0))
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
}

void hvx_vcpu_init_host_state(void)
{
	host_xcr0 = boot_cpu_has(X86_FEATURE_XSAVE) ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
}

/*
 * A machine check that hit while the guest ran belongs to the host: hand
 * it to the host's handler as if it came from user mode, as KVM does.
 */
void hvx_host_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

	do_machine_check(&regs);
#endif
}

/*
 * The checks KVM makes in KVM_SET_SREGS (kvm_is_valid_sregs and the APIC
 * base): long mode needs CR4.PAE and EFER.LMA and a CR3 within the
 * physical address width, LMA or CS.L without paging is refused, and so
 * are reserved CR4 and APIC-base bits. -EINVAL, as KVM.
 */
/*
 * CR4 bits the guest's CPUID does not offer are reserved for it, as in
 * KVM (__cr4_reserved_bits): OSXSAVE needs XSAVE, PCIDE needs PCID,
 * FSGSBASE, SMEP and SMAP their leaf 7 bits.
 */
u64 hvx_cr4_reserved(struct hvx_vcpu *vcpu)
{
	u64 r = ~(u64)HVX_CR4_GUEST_BITS;

	if (!hvx_guest_cpuid_has(vcpu, 1, 0, 2, 26))
		r |= X86_CR4_OSXSAVE;
	if (!hvx_guest_cpuid_has(vcpu, 1, 0, 2, 17))
		r |= X86_CR4_PCIDE;
	if (!hvx_guest_cpuid_has(vcpu, 7, 0, 1, 0))
		r |= X86_CR4_FSGSBASE;
	if (!hvx_guest_cpuid_has(vcpu, 7, 0, 1, 7))
		r |= X86_CR4_SMEP;
	if (!hvx_guest_cpuid_has(vcpu, 7, 0, 1, 20))
		r |= X86_CR4_SMAP;
	return r;
}

static int check_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	u8 pa_bits = boot_cpu_data.x86_phys_bits;

	if ((sregs->efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG)) {
		if (!(sregs->cr4 & X86_CR4_PAE) || !(sregs->efer & EFER_LMA))
			return -EINVAL;
		if (sregs->cr3 >> pa_bits)
			return -EINVAL;
	} else if ((sregs->efer & EFER_LMA) || sregs->cs.l) {
		return -EINVAL;
	}
	if (sregs->cr4 & hvx_cr4_reserved(vcpu))
		return -EINVAL;
	if ((sregs->apic_base & 0x2ffULL) || (sregs->apic_base >> pa_bits))
		return -EINVAL;
	return 0;
}

u64 hvx_vcpu_apic_base(struct hvx_vcpu *vcpu)
{
	u64 base = vcpu->apic_base;

	if (vcpu->apic)
		hvx_lapic_msr_get(vcpu, MSR_IA32_APICBASE, &base);
	return base;
}

void hvx_vcpu_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	if (vcpu->apic)
		vcpu->cr8 = hvx_lapic_get_cr8(vcpu);
	hvx_ops->get_sregs(vcpu, sregs);
	sregs->apic_base = hvx_vcpu_apic_base(vcpu);
	/* An external interrupt about to be delivered shows in the bitmap (api.rst 4.13). */
	if (vcpu->inj.type == HVX_INJ_EXTINT)
		__set_bit(vcpu->inj.vector, (unsigned long *)sregs->interrupt_bitmap);
}

int hvx_vcpu_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	int r = check_sregs(vcpu, sregs), v;

	if (r)
		return r;
	if (vcpu->apic) {
		r = hvx_lapic_msr_set(vcpu, MSR_IA32_APICBASE, sregs->apic_base, true);
		if (r)
			return -EINVAL;
	} else {
		vcpu->apic_base = sregs->apic_base;
	}
	r = hvx_ops->set_sregs(vcpu, sregs);
	if (r)
		return r;
	if (vcpu->apic)
		hvx_lapic_set_cr8(vcpu, sregs->cr8);
	/* As KVM: the first vector set in the bitmap is queued, without an irqchip. */
	v = find_first_bit((const unsigned long *)sregs->interrupt_bitmap, 256);
	if (v < 256 && !vcpu->apic)
		vcpu->inj = (struct hvx_inj) { .type = HVX_INJ_EXTINT, .vector = v };
	return 0;
}

int hvx_vcpu_get_regs(struct hvx_vcpu *vcpu, struct kvm_regs *regs)
{
	unsigned long *g = vcpu->regs;

	*regs = (struct kvm_regs) {
		.rax = g[HVX_RAX], .rbx = g[HVX_RBX], .rcx = g[HVX_RCX],
		.rdx = g[HVX_RDX], .rsi = g[HVX_RSI], .rdi = g[HVX_RDI],
		.rsp = g[HVX_RSP], .rbp = g[HVX_RBP],
		.r8 = g[HVX_R8], .r9 = g[HVX_R9], .r10 = g[HVX_R10],
		.r11 = g[HVX_R11], .r12 = g[HVX_R12], .r13 = g[HVX_R13],
		.r14 = g[HVX_R14], .r15 = g[HVX_R15],
		.rip = vcpu->rip,
		.rflags = hvx_ops->get_rflags(vcpu),
	};
	return 0;
}

int hvx_vcpu_set_regs(struct hvx_vcpu *vcpu, const struct kvm_regs *regs)
{
	unsigned long *g = vcpu->regs;

	g[HVX_RAX] = regs->rax; g[HVX_RBX] = regs->rbx;
	g[HVX_RCX] = regs->rcx; g[HVX_RDX] = regs->rdx;
	g[HVX_RSI] = regs->rsi; g[HVX_RDI] = regs->rdi;
	g[HVX_RSP] = regs->rsp; g[HVX_RBP] = regs->rbp;
	g[HVX_R8] = regs->r8; g[HVX_R9] = regs->r9;
	g[HVX_R10] = regs->r10; g[HVX_R11] = regs->r11;
	g[HVX_R12] = regs->r12; g[HVX_R13] = regs->r13;
	g[HVX_R14] = regs->r14; g[HVX_R15] = regs->r15;
	vcpu->rip = regs->rip;
	/* A queued event is dropped, as KVM drops its pending exception. */
	vcpu->inj.type = HVX_INJ_NONE;
	set_bit(HVX_REQ_EVENT, &vcpu->requests);
	/* RFLAGS bit 1 is always one (SDM Vol. 1, 3.4.3 "EFLAGS Register"). */
	hvx_ops->set_rflags(vcpu, regs->rflags | X86_EFLAGS_FIXED);
	return 0;
}

/* The guest's TSC now (TSC-deadline timer, KVM_GET_MSRS). vcpu->mutex held. */
u64 hvx_guest_tsc(struct hvx_vcpu *vcpu)
{
	u64 tsc = 0;

	if (hvx_ops->vendor_msr_get(vcpu, MSR_IA32_TSC, &tsc))
		tsc = rdtsc();
	return tsc;
}

/* KVM_GET_DEBUGREGS (api.rst 4.32). */
void hvx_vcpu_get_debugregs(struct hvx_vcpu *vcpu, struct kvm_debugregs *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->db, vcpu->dr, sizeof(d->db));
	hvx_ops->get_dr67(vcpu, &d->dr6, &d->dr7);
}

/*
 * KVM_SET_DEBUGREGS: -EINVAL for flags or bits above 31 in DR6/DR7, as
 * KVM. Breakpoints set from user space are armed in the guest: DR0-3
 * are switched from the next entry on.
 */
int hvx_vcpu_set_debugregs(struct hvx_vcpu *vcpu, const struct kvm_debugregs *d)
{
	if (d->flags || (d->dr6 >> 32) || (d->dr7 >> 32))
		return -EINVAL;
	memcpy(vcpu->dr, d->db, sizeof(vcpu->dr));
	hvx_ops->set_dr67(vcpu, d->dr6, d->dr7);
	if ((d->dr7 & 0xff) || d->db[0] || d->db[1] || d->db[2] || d->db[3])
		vcpu->dr_switch = true;
	return 0;
}
