// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR, WRMSR and XSETBV from the guest. Every MSR not passed through by
 * the backend exits here; hvx knows a handful and answers all others with
 * #GP(0), as hardware does for an MSR it does not have (SDM Vol. 2B,
 * RDMSR: "#GP(0) if the value in ECX specifies a reserved or
 * unimplemented MSR address"). No guest RDMSR or WRMSR ever reaches the
 * host's MSRs.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/types.h>

#include "hvx.h"

u64 hvx_guest_xcr0_mask(void);

/* EFER bits a guest may set (APM Vol. 2, 3.1.7): SCE, LME, LMA, NXE. */
#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static int set_efer(struct hvx_vcpu *vcpu, u64 efer)
{
	struct hvx_cpu_mode m;
	u64 old = hvx_ops->get_efer(vcpu);

	/* SVME and the rest are reserved in the guest's CPUID: #GP. */
	if (efer & ~EFER_GUEST_BITS)
		return 1;
	hvx_ops->get_cpu_mode(vcpu, &m);
	/* LME cannot change while paging is on (APM 14.6.1). */
	if ((m.cr0 & X86_CR0_PG) && ((efer ^ old) & EFER_LME))
		return 1;
	/* LMA is the processor's; a write does not change it. */
	efer = (efer & ~EFER_LMA) | (old & EFER_LMA);
	return hvx_ops->set_efer(vcpu, efer);
}

static int get_msr(struct hvx_vcpu *vcpu, u32 msr, u64 *data)
{
	switch (msr) {
	case MSR_EFER:
		*data = hvx_ops->get_efer(vcpu);
		return 0;
	case MSR_VM_HSAVE_PA:
		/*
		 * The guest's own copy. On Intel KVM accepts the MSR but
		 * ignores writes; hvx does the same (hsave_pa stays 0).
		 */
		*data = vcpu->hsave_pa;
		return 0;
	default:
		return hvx_ops->vendor_msr_get(vcpu, msr, data);
	}
}

static int set_msr(struct hvx_vcpu *vcpu, u32 msr, u64 data)
{
	switch (msr) {
	case MSR_EFER:
		return set_efer(vcpu, data);
	case MSR_VM_HSAVE_PA:
		if (!PAGE_ALIGNED(data) || data >> boot_cpu_data.x86_phys_bits)
			return 1;
		if (boot_cpu_has(X86_FEATURE_SVM))
			vcpu->hsave_pa = data;
		return 0;
	default:
		return hvx_ops->vendor_msr_set(vcpu, msr, data);
	}
}

int hvx_handle_rdmsr(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 msr = vcpu->regs[HVX_RCX];
	u64 data;

	vcpu->stat.msr_exits++;
	if (get_msr(vcpu, msr, &data)) {
		hvx_ops->inject_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->regs[HVX_RAX] = (u32)data;
	vcpu->regs[HVX_RDX] = data >> 32;
	vcpu->rip = next_rip;
	return 1;
}

int hvx_handle_wrmsr(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 msr = vcpu->regs[HVX_RCX];
	u64 data = (u32)vcpu->regs[HVX_RAX] | ((u64)(u32)vcpu->regs[HVX_RDX] << 32);

	vcpu->stat.msr_exits++;
	if (set_msr(vcpu, msr, data)) {
		hvx_ops->inject_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->rip = next_rip;
	return 1;
}

/*
 * XSETBV (SDM Vol. 2C, XSETBV): #GP(0) unless ECX = 0, CPL = 0, bit 0
 * set, AVX only with SSE, and only components the guest's CPUID offers.
 */
int hvx_handle_xsetbv(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u64 val = (u32)vcpu->regs[HVX_RAX] | ((u64)(u32)vcpu->regs[HVX_RDX] << 32);
	struct hvx_cpu_mode m;

	hvx_ops->get_cpu_mode(vcpu, &m);
	if ((u32)vcpu->regs[HVX_RCX] != 0 || m.cpl != 0 ||
	    !(val & XFEATURE_MASK_FP) || (val & ~hvx_guest_xcr0_mask()) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE))) {
		hvx_ops->inject_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->xcr0 = val;
	vcpu->rip = next_rip;
	return 1;
}
