// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU/SSE/AVX state and XCR0 as user space reads and writes
 * them: KVM_GET/SET_FPU (api.rst 4.22, 4.23), KVM_GET/SET_XSAVE (4.42,
 * 4.43), KVM_GET_XSAVE2 (4.134), KVM_GET/SET_XCRS (4.44, 4.45).
 *
 * The state is vcpu->guest_fpu, the kernel's guest fpstate, which is the
 * task's FPU state only inside KVM_RUN (fpu_swap_kvm_fpstate in vcpu.c).
 * These ioctls run under vcpu->mutex, outside KVM_RUN, so the fpstate is
 * in memory and nobody else touches it. The XSAVE layout conversions are
 * the kernel's own, exported for KVM (fpu_copy_guest_fpstate_to_uabi,
 * fpu_copy_uabi_to_guest_fpstate): they check the header user space
 * gives and convert from and to the compacted format the kernel may use.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>

#include "hvx.h"

static struct fxregs_state *guest_fxsave(struct hvx_vcpu *vcpu)
{
	return &vcpu->guest_fpu.fpstate->regs.fxsave;
}

/*
 * KVM_GET_FPU: the legacy x87/SSE area (SDM Vol. 1, 10.5.1 "FXSAVE Area").
 * As KVM, MXCSR is neither read nor written by KVM_GET/SET_FPU (it reads
 * as 0): a VMM that writes back what it read must not clear MXCSR.
 */
long hvx_vcpu_get_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu __user *arg)
{
	struct fxregs_state *fx = guest_fxsave(vcpu);
	struct kvm_fpu f;

	memset(&f, 0, sizeof(f));
	memcpy(f.fpr, fx->st_space, sizeof(f.fpr));
	f.fcw = fx->cwd;
	f.fsw = fx->swd;
	f.ftwx = fx->twd;
	f.last_opcode = fx->fop;
	f.last_ip = fx->rip;
	f.last_dp = fx->rdp;
	memcpy(f.xmm, fx->xmm_space, sizeof(f.xmm));
	return copy_to_user(arg, &f, sizeof(f)) ? -EFAULT : 0;
}

/*
 * KVM_SET_FPU. The x87 and SSE components are also marked present in the
 * XSAVE header: XRSTOR puts a component whose XSTATE_BV bit is clear in
 * its initial state (SDM Vol. 1, 13.8.1), which would drop the values
 * just written on a vCPU that has not used them yet.
 */
long hvx_vcpu_set_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu __user *arg)
{
	struct fxregs_state *fx = guest_fxsave(vcpu);
	struct kvm_fpu f;

	if (copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	memcpy(fx->st_space, f.fpr, sizeof(f.fpr));
	fx->cwd = f.fcw;
	fx->swd = f.fsw;
	fx->twd = f.ftwx;
	fx->fop = f.last_opcode;
	fx->rip = f.last_ip;
	fx->rdp = f.last_dp;
	memcpy(fx->xmm_space, f.xmm, sizeof(f.xmm));
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		vcpu->guest_fpu.fpstate->regs.xsave.header.xfeatures |= XFEATURE_MASK_FPSSE;
	return 0;
}

/*
 * The size of the KVM_GET_XSAVE2 buffer (KVM_CAP_XSAVE2): the standard
 * XSAVE format of every component hvx can give a guest, at least struct
 * kvm_xsave. x87, SSE and AVX end at byte 832, so that is always 4 KiB.
 */
int hvx_xsave2_size(void)
{
	return sizeof(struct kvm_xsave);
}

/*
 * KVM_GET_XSAVE / KVM_GET_XSAVE2: the standard (non-compacted) XSAVE
 * format of the components the guest's CPUID allows, x87 and SSE always.
 */
long hvx_vcpu_get_xsave(struct hvx_vcpu *vcpu, void __user *arg, bool xsave2)
{
	unsigned int size = vcpu->guest_fpu.uabi_size;
	void *buf;
	long r = 0;

	if (!xsave2) {
		if (size > sizeof(struct kvm_xsave))
			return -EINVAL;
		size = sizeof(struct kvm_xsave);
	}
	buf = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, buf, size,
				       hvx_guest_xcr0_allowed(vcpu) | XFEATURE_MASK_FPSSE, 0);
	if (copy_to_user(arg, buf, size))
		r = -EFAULT;
	kfree(buf);
	return r;
}

/*
 * KVM_SET_XSAVE: -EINVAL for components hvx does not switch, reserved
 * header bits, a compacted buffer or reserved MXCSR bits (the kernel's
 * checks). PKRU is never one of hvx's components, so the guest's PKRU
 * is never written here.
 */
long hvx_vcpu_set_xsave(struct hvx_vcpu *vcpu, void __user *arg)
{
	union fpregs_state *buf;
	u32 pkru = 0;
	long r;

	buf = memdup_user(arg, vcpu->guest_fpu.uabi_size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* A component disabled by XFD must stay in its initial state (as KVM). */
	buf->xsave.header.xfeatures &= ~vcpu->guest_fpu.fpstate->xfd;
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, buf, hvx_supported_xcr0(), &pkru);
	kfree(buf);
	return r;
}

/* KVM_GET_XCRS: XCR0, the only XCR; none without XSAVE (as KVM). */
long hvx_vcpu_get_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs __user *arg)
{
	struct kvm_xcrs *x;
	long r = 0;

	x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	if (!x)
		return -ENOMEM;
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		x->nr_xcrs = 1;
		x->xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
		x->xcrs[0].value = vcpu->xcr0;
	}
	if (copy_to_user(arg, x, sizeof(*x)))
		r = -EFAULT;
	kfree(x);
	return r;
}

/*
 * KVM_SET_XCRS: the first entry for XCR0 is applied with XSETBV's checks
 * (-EINVAL when they fail); entries for other XCRs are ignored, as in
 * KVM. More than KVM_MAX_XCRS entries, or flags, are -EINVAL.
 */
long hvx_vcpu_set_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs __user *arg)
{
	struct kvm_xcrs *x;
	long r = 0;
	u32 i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return -EINVAL;
	x = memdup_user(arg, sizeof(*x));
	if (IS_ERR(x))
		return PTR_ERR(x);
	if (x->nr_xcrs > KVM_MAX_XCRS || x->flags) {
		r = -EINVAL;
		goto out;
	}
	for (i = 0; i < x->nr_xcrs; i++) {
		if (x->xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK) {
			if (hvx_set_xcr0(vcpu, x->xcrs[i].value))
				r = -EINVAL;
			break;
		}
	}
out:
	kfree(x);
	return r;
}
