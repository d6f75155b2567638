// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it, answered in the kernel. Until a VMM sets a
 * table of its own (KVM_SET_CPUID2, not implemented yet), every guest gets
 * this default: the host's vendor and model, only the features hvx lets a
 * guest use, the hypervisor bit (CPUID.1:ECX[31]) and hvx's leaf
 * 0x40000000. KVM's default differs (all zeroes until KVM_SET_CPUID2), so
 * tests compare CPUID values per hypervisor, not between them.
 */
#include <linux/kernel.h>
#include <asm/processor.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/types.h>

#include "hvx.h"

#define HVX_CPUID_SIGNATURE	"hvxhvxhvxhvx"
#define HVX_MAX_BASIC_LEAF	0xd
#define HVX_MAX_EXT_LEAF	0x80000008

/* Features a guest may use natively under hvx, per register of a leaf. */
#define F1_ECX	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ | BIT(9) /* SSSE3 */ | \
		 BIT(12) /* FMA */ | BIT(13) /* CX16 */ | BIT(19) /* SSE4.1 */ | \
		 BIT(20) /* SSE4.2 */ | BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ | \
		 BIT(25) /* AES */ | BIT(26) /* XSAVE */ | BIT(28) /* AVX */ | \
		 BIT(29) /* F16C */ | BIT(30) /* RDRAND */)
#define F1_EDX	(BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | BIT(3) /* PSE */ | \
		 BIT(4) /* TSC */ | BIT(5) /* MSR */ | BIT(6) /* PAE */ | BIT(8) /* CX8 */ | \
		 BIT(11) /* SEP */ | BIT(13) /* PGE */ | BIT(15) /* CMOV */ | \
		 BIT(17) /* PSE36 */ | BIT(19) /* CLFSH */ | BIT(23) /* MMX */ | \
		 BIT(24) /* FXSR */ | BIT(25) /* SSE */ | BIT(26) /* SSE2 */)
#define F7_EBX	(BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ | BIT(5) /* AVX2 */ | \
		 BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ | \
		 BIT(18) /* RDSEED */ | BIT(19) /* ADX */ | BIT(20) /* SMAP */ | \
		 BIT(23) /* CLFLUSHOPT */ | BIT(29) /* SHA */)
#define FE1_ECX	(BIT(0) /* LAHF */ | BIT(5) /* ABM */ | BIT(6) /* SSE4A */ | \
		 BIT(8) /* PREFETCHW */)
#define FE1_EDX	(BIT(11) /* SYSCALL */ | BIT(20) /* NX */ | BIT(26) /* 1G pages */ | \
		 BIT(29) /* LM */ | F1_EDX)
/* XSAVE components hvx switches: x87, SSE, AVX (SDM Vol. 1, 13.2). */
#define HVX_XCR0_MASK	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)

u64 hvx_guest_xcr0_mask(void)
{
	u64 host = boot_cpu_has(X86_FEATURE_XSAVE) ? xgetbv(0) : 0;

	return host & HVX_XCR0_MASK;
}

static void leaf_1(struct hvx_vcpu *vcpu, u32 *r)
{
	r[0] = cpuid_eax(1);
	/* Initial APIC ID (bits 31:24) is the vCPU id; no HTT (bits 23:16). */
	r[1] = (cpuid_ebx(1) & 0xff00) | (vcpu->id << 24);
	r[2] = (cpuid_ecx(1) & F1_ECX) | BIT(31);	/* hypervisor present */
	if (hvx_ops->get_cpu_mode) {
		struct hvx_cpu_mode m;

		hvx_ops->get_cpu_mode(vcpu, &m);
		if (m.cr4 & X86_CR4_OSXSAVE)
			r[2] |= BIT(27);		/* OSXSAVE mirrors CR4 */
	}
	r[3] = cpuid_edx(1) & F1_EDX;
}

static void leaf_d(u32 index, u32 *r)
{
	u64 mask = hvx_guest_xcr0_mask();

	if (!mask || index > 2) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	cpuid_count(0xd, index, &r[0], &r[1], &r[2], &r[3]);
	if (index == 0) {
		r[0] = mask;
		r[3] = 0;
		/* EBX: size for the guest's XCR0 is not tracked; give the max. */
		r[1] = r[2];
	} else if (index == 1) {
		r[0] &= BIT(0) | BIT(1) | BIT(2);	/* XSAVEOPT, XSAVEC, XGETBV1 */
		r[1] = r[2] = r[3] = 0;
	} else if (!(mask & BIT(index))) {
		r[0] = r[1] = r[2] = r[3] = 0;
	}
}

static void guest_cpuid(struct hvx_vcpu *vcpu, u32 leaf, u32 index, u32 *r)
{
	u32 max_basic = min_t(u32, cpuid_eax(0), HVX_MAX_BASIC_LEAF);
	u32 max_ext = min_t(u32, cpuid_eax(0x80000000), HVX_MAX_EXT_LEAF);

	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case 0:
		cpuid(0, &r[0], &r[1], &r[2], &r[3]);
		r[0] = max_basic;
		return;
	case 1:
		leaf_1(vcpu, r);
		return;
	case 7:
		if (index == 0 && max_basic >= 7)
			r[1] = cpuid_ebx(7) & F7_EBX;
		return;
	case 0xd:
		leaf_d(index, r);
		return;
	case 0x40000000:
		r[0] = 0x40000001;
		memcpy(&r[1], HVX_CPUID_SIGNATURE, 12);
		return;
	case 0x40000001:
		return;		/* no paravirtual features */
	case 0x80000000:
		cpuid(0x80000000, &r[0], &r[1], &r[2], &r[3]);
		r[0] = max_ext;
		return;
	case 0x80000001:
		r[0] = cpuid_eax(0x80000001);
		r[2] = cpuid_ecx(0x80000001) & FE1_ECX;
		r[3] = cpuid_edx(0x80000001) & FE1_EDX;
		return;
	case 0x80000002 ... 0x80000006:
		if (leaf <= max_ext)
			cpuid(leaf, &r[0], &r[1], &r[2], &r[3]);
		return;
	case 0x80000008:
		/* Address sizes; guest-physical is capped by the 4-level NPT. */
		r[0] = min_t(u32, cpuid_eax(0x80000008) & 0xff, 48) |
		       (cpuid_eax(0x80000008) & 0xff00);
		return;
	}
}

int hvx_handle_cpuid(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 r[4];

	vcpu->stat.cpuid_exits++;
	guest_cpuid(vcpu, vcpu->regs[HVX_RAX], vcpu->regs[HVX_RCX], r);
	vcpu->regs[HVX_RAX] = r[0];
	vcpu->regs[HVX_RBX] = r[1];
	vcpu->regs[HVX_RCX] = r[2];
	vcpu->regs[HVX_RDX] = r[3];
	vcpu->rip = next_rip;
	return 1;
}
