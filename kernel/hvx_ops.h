/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the vendor-neutral core and a backend (svm/, vmx/).
 * Each HVX_OP(name, ret, args) line is one hook; the list is written once
 * and expanded into struct hvx_vendor_ops (hvx.h) and into the check at
 * module load that every hook is filled in (main.c).
 *
 * Context rules for every hook:
 *  - cpu_enable/cpu_disable run on the CPU they act on, with interrupts
 *    disabled (on_each_cpu); they must not sleep.
 *  - setup/unsetup run once at module load and unload.
 *  - vm_init/vm_destroy and vcpu_create/vcpu_free may sleep.
 *  - run is called with vcpu->mutex held, preemption enabled; it enters
 *    the guest once and handles the exit. Returns 1 to enter again, 0 to
 *    return to user space (vcpu->run->exit_reason set), or -errno.
 *  - the get_ and set_ hooks are called with vcpu->mutex held, never while the vCPU
 *    runs.
 */
HVX_OP(setup, int, (void))			/* module load: check, allocate */
HVX_OP(unsetup, void, (void))			/* module unload */
HVX_OP(cpu_enable, int, (void))
HVX_OP(cpu_disable, void, (void))
HVX_OP(vm_init, int, (struct hvx_vm *vm))
HVX_OP(vm_destroy, void, (struct hvx_vm *vm))
HVX_OP(vcpu_create, int, (struct hvx_vcpu *vcpu))
HVX_OP(vcpu_free, void, (struct hvx_vcpu *vcpu))
/*
 * vcpu_load makes the vCPU's hardware context usable on this CPU (VMX:
 * VMCLEAR where it was, VMPTRLD here); vcpu_put undoes what must not
 * outlive the task's stay on the CPU. Called with preemption disabled
 * and interrupts enabled, around every vCPU ioctl and from the scheduler
 * (preempt notifiers) when the task moves.
 */
HVX_OP(vcpu_load, void, (struct hvx_vcpu *vcpu, int cpu))
HVX_OP(vcpu_put, void, (struct hvx_vcpu *vcpu))
HVX_OP(run, int, (struct hvx_vcpu *vcpu))
HVX_OP(get_sregs, void, (struct hvx_vcpu *vcpu, struct kvm_sregs *sregs))
HVX_OP(set_sregs, int, (struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs))
HVX_OP(get_rflags, u64, (struct hvx_vcpu *vcpu))
HVX_OP(set_rflags, void, (struct hvx_vcpu *vcpu, u64 rflags))
HVX_OP(get_cpu_mode, void, (struct hvx_vcpu *vcpu, struct hvx_cpu_mode *mode))
HVX_OP(get_efer, u64, (struct hvx_vcpu *vcpu))
HVX_OP(set_efer, int, (struct hvx_vcpu *vcpu, u64 efer))
/* Power-on (init false) or INIT (true) register state (SDM Vol. 3A, 10.1.1). */
HVX_OP(vcpu_reset, void, (struct hvx_vcpu *vcpu, bool init))
/*
 * Events (event.c). The backend delivers vcpu->inj at the next entry and
 * puts an event whose delivery an exit interrupted back into vcpu->inj.
 * interrupt_allowed: RFLAGS.IF set and no STI/MOV SS shadow;
 * nmi_allowed: NMIs not blocked and no shadow; request_windows: exit as
 * soon as the guest can take an interrupt / an NMI (false: stop asking).
 */
HVX_OP(interrupt_allowed, bool, (struct hvx_vcpu *vcpu))
HVX_OP(nmi_allowed, bool, (struct hvx_vcpu *vcpu))
HVX_OP(request_windows, void, (struct hvx_vcpu *vcpu, bool irq, bool nmi))
HVX_OP(get_interrupt_shadow, u8, (struct hvx_vcpu *vcpu))	/* KVM_X86_SHADOW_INT_* */
HVX_OP(set_interrupt_shadow, void, (struct hvx_vcpu *vcpu, u8 shadow))
/* DR6 and DR7 (DR0-3 live in vcpu->dr). */
HVX_OP(get_dr67, void, (struct hvx_vcpu *vcpu, u64 *dr6, u64 *dr7))
HVX_OP(set_dr67, void, (struct hvx_vcpu *vcpu, u64 dr6, u64 dr7))
HVX_OP(get_nmi_mask, bool, (struct hvx_vcpu *vcpu))
HVX_OP(set_nmi_mask, void, (struct hvx_vcpu *vcpu, bool masked))
/* Fill buf with up to 15 instruction bytes the CPU saved, or return 0. */
HVX_OP(insn_bytes, int, (struct hvx_vcpu *vcpu, u8 *buf))
HVX_OP(vendor_msr_get, int, (struct hvx_vcpu *vcpu, u32 msr, u64 *data))
HVX_OP(vendor_msr_set, int, (struct hvx_vcpu *vcpu, u32 msr, u64 data))
