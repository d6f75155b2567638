// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs and XCR0. One table (msr_table below) holds every MSR hvx
 * implements, with a get and a set handler that serve both the guest's
 * RDMSR/WRMSR exits and user space's KVM_GET_MSRS/KVM_SET_MSRS (api.rst
 * 4.18, 4.19); @host says which, since user space may set what a guest
 * cannot (as in KVM). Handlers return 0, or 1 for "refused": #GP(0) for
 * the guest, the end of the batch for user space.
 *
 * Every MSR not in the table is refused: the guest gets #GP(0), as
 * hardware gives for an MSR it does not have (SDM Vol. 2B, RDMSR: "#GP(0)
 * if the value in ECX specifies a reserved or unimplemented MSR
 * address"). No guest RDMSR or WRMSR ever reaches the host's MSRs.
 * User space may take over refused accesses (KVM_CAP_X86_USER_SPACE_MSR:
 * KVM_EXIT_X86_RDMSR/WRMSR) and deny some to the guest first
 * (KVM_X86_SET_MSR_FILTER); accesses through KVM_GET/SET_MSRS are never
 * filtered, as in KVM.
 *
 * Where the values live: the MSRs that the backend switches around
 * VMRUN/VM entry (FS/GS/KERNEL_GS base, STAR, LSTAR, CSTAR, SFMASK,
 * SYSENTER_*, PAT, TSC through its offset, and VM_CR on AMD) are kept by
 * the backend and reached through its vendor_msr_get/set hooks; the
 * guest uses most of those directly, without exits. The rest are kept
 * here in vcpu->msrs, or by the in-kernel LAPIC (APIC base, TSC deadline,
 * x2APIC registers) when the VM has one.
 *
 * KVM_GET_MSR_INDEX_LIST lists the table's MSRs that hold vCPU state and
 * read back what was written, so that a save/restore of the whole list
 * works; not listed: the read-only MTRRcap and MCG_CAP, VM_CR, and the
 * x2APIC registers, which exist only in x2APIC mode (KVM_GET_LAPIC saves
 * them). MTRRs are kept and checked as KVM keeps them; like KVM on NPT
 * and EPT without non-coherent DMA, hvx does not apply them: guest memory
 * is write-back, with the guest's PAT.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/apicdef.h>
#include <asm/processor.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/types.h>

#include "hvx.h"
#include "irq/irq.h"

/* EFER bits a guest may set (APM Vol. 2, 3.1.7): SCE, LME, LMA, NXE. */
#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
/* MISC_ENABLE bits that only hardware sets (SDM Vol. 4, table 2-2). */
#define MISC_ENABLE_RO	(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL | MSR_IA32_MISC_ENABLE_BTS_UNAVAIL)
/* MTRRcap: WC and fixed ranges supported, 8 variable ranges (SDM Vol. 3A, 11.11.1). */
#define MTRR_CAP	(BIT(10) | BIT(8) | HVX_NR_VAR_MTRR)
#define UCODE_REV_DEFAULT	0x100000000ULL	/* what KVM reports */

/* Guest CPUID features the checks below look at. */
#define CPUID_LM		0x80000001, 0, CPUID_EDX, 29
#define CPUID_NX		0x80000001, 0, CPUID_EDX, 20
#define CPUID_X2APIC		1, 0, CPUID_ECX, 21
#define CPUID_TSC_ADJUST	7, 0, CPUID_EBX, 1

static u64 rsvd_from(int bit)
{
	return bit >= 64 ? 0 : ~0ULL << bit;
}

/* 48-bit linear addresses: guests of hvx have no LA57. */
static bool canonical(u64 v)
{
	return sign_extend64(v, 47) == v;
}

/* ---- handlers ---- */

static int get_vendor(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	return hvx_ops->vendor_msr_get(vcpu, msr, data) ? 1 : 0;
}

static int set_vendor(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	return hvx_ops->vendor_msr_set(vcpu, msr, data) ? 1 : 0;
}

/* FS/GS/KERNEL_GS base, LSTAR, CSTAR: #GP on a non-canonical address (SDM Vol. 4). */
static int set_canonical(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (!canonical(data))
		return 1;
	return set_vendor(vcpu, msr, data, host);
}

static int set_syscall(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (msr == MSR_SYSCALL_MASK && (data >> 32))	/* bits 63:32 reserved */
		return 1;
	return set_vendor(vcpu, msr, data, host);
}

/*
 * SYSENTER: CS is 32 bits wide in the VMCS; ESP/EIP are made canonical,
 * as KVM does (Intel faults on non-canonical, AMD ignores bits 63:32).
 */
static int set_sysenter(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (msr == MSR_IA32_SYSENTER_CS)
		data = (u32)data;
	else
		data = sign_extend64(data, 47);
	return set_vendor(vcpu, msr, data, host);
}

static int get_efer(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = hvx_ops->get_efer(vcpu);
	return 0;
}

static int set_efer(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	struct hvx_cpu_mode m;
	u64 old = hvx_ops->get_efer(vcpu);

	/* SVME and the rest are not offered to guests: reserved. */
	if (data & ~EFER_GUEST_BITS)
		return 1;
	if (!host) {
		if ((data & (EFER_LME | EFER_LMA)) && !hvx_guest_cpuid_has(vcpu, CPUID_LM))
			return 1;
		if ((data & EFER_NX) && !hvx_guest_cpuid_has(vcpu, CPUID_NX))
			return 1;
		/* LME cannot change while paging is on (APM Vol. 2, 14.6.1). */
		hvx_ops->get_cpu_mode(vcpu, &m);
		if ((m.cr0 & X86_CR0_PG) && ((data ^ old) & EFER_LME))
			return 1;
	}
	/* LMA is the processor's; a write does not change it. */
	data = (data & ~EFER_LMA) | (old & EFER_LMA);
	return hvx_ops->set_efer(vcpu, data) ? 1 : 0;
}

/*
 * TSC. A guest write moves the TSC offset and IA32_TSC_ADJUST by the same
 * amount (SDM Vol. 3B, 17.17.3 "Time-Stamp Counter Adjustment"); user
 * space sets the TSC without touching TSC_ADJUST, as in KVM.
 */
static int set_tsc(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	u64 old;

	if (!host) {
		if (hvx_ops->vendor_msr_get(vcpu, MSR_IA32_TSC, &old))
			return 1;
		vcpu->msrs.tsc_adjust += data - old;
	}
	return set_vendor(vcpu, MSR_IA32_TSC, data, host);
}

static int get_tsc_adjust(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.tsc_adjust;
	return 0;
}

/* As KVM: without TSC_ADJUST in the guest's CPUID, writes are dropped. */
static int set_tsc_adjust(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	u64 tsc;

	if (!hvx_guest_cpuid_has(vcpu, CPUID_TSC_ADJUST))
		return 0;
	if (!host) {
		if (hvx_ops->vendor_msr_get(vcpu, MSR_IA32_TSC, &tsc) ||
		    hvx_ops->vendor_msr_set(vcpu, MSR_IA32_TSC, tsc + (data - vcpu->msrs.tsc_adjust)))
			return 1;
	}
	vcpu->msrs.tsc_adjust = data;
	return 0;
}

/* PAT: each entry a memory type 0, 1, 4, 5, 6 or 7 (SDM Vol. 3A, 11.12.2). */
static int set_pat(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = data >> (8 * i);

		if (t > 7 || t == 2 || t == 3)
			return 1;
	}
	return set_vendor(vcpu, msr, data, host);
}

static int get_misc_enable(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.misc_enable;
	return 0;
}

/* The guest cannot change the read-only bits (#GP), and EMON is ignored. */
static int set_misc_enable(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	u64 old = vcpu->msrs.misc_enable;

	if (!host) {
		if ((old ^ data) & MISC_ENABLE_RO)
			return 1;
		data = (data & ~MSR_IA32_MISC_ENABLE_EMON) | (old & MSR_IA32_MISC_ENABLE_EMON);
	}
	vcpu->msrs.misc_enable = data;
	return 0;
}

static int get_apic_base(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = hvx_vcpu_apic_base(vcpu);
	return 0;
}

/*
 * IA32_APIC_BASE (SDM Vol. 3A, 11.4.4 and 11.12.5 "x2APIC State
 * Transitions"): reserved bits above MAXPHYADDR, bits 0-7 and 9, and
 * EXTD without x2APIC in CPUID; EXTD without EN is invalid; the guest
 * cannot go from x2APIC straight to xAPIC, nor from disabled to x2APIC.
 */
static int set_apic_base(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	const u64 en = MSR_IA32_APICBASE_ENABLE, extd = X2APIC_ENABLE;
	u64 old = hvx_vcpu_apic_base(vcpu);
	u64 rsvd = rsvd_from(hvx_guest_maxphyaddr(vcpu)) | 0x2ff;

	if (!hvx_guest_cpuid_has(vcpu, CPUID_X2APIC))
		rsvd |= extd;
	if ((data & rsvd) || (data & (en | extd)) == extd)
		return 1;
	if (!host) {
		if ((old & (en | extd)) == (en | extd) && (data & (en | extd)) == en)
			return 1;
		if (!(old & en) && (data & extd))
			return 1;
	}
	if (vcpu->apic)
		return hvx_lapic_msr_set(vcpu, msr, data, host) ? 1 : 0;
	vcpu->apic_base = data;
	return 0;
}

/* The LAPIC's MSRs: TSC deadline and the x2APIC registers (0x800-0x8ff). */
static int get_lapic(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	if (vcpu->apic)
		return hvx_lapic_msr_get(vcpu, msr, data) ? 1 : 0;
	/* As KVM without an in-kernel LAPIC: the deadline reads 0. */
	*data = 0;
	return msr == MSR_IA32_TSC_DEADLINE ? 0 : 1;
}

static int set_lapic(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (vcpu->apic)
		return hvx_lapic_msr_set(vcpu, msr, data, host) ? 1 : 0;
	return msr == MSR_IA32_TSC_DEADLINE ? 0 : 1;	/* deadline: dropped */
}

static int get_const(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = msr == MSR_MTRRcap ? MTRR_CAP : 0;	/* MCG_CAP: no banks */
	return 0;
}

static int set_read_only(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	return 1;
}

/* Memory types valid in MTRRs: UC, WC, WT, WP, WB (SDM Vol. 3A, 11.11.1). */
static bool mtrr_type_ok(u8 t)
{
	return t < 8 && (BIT(t) & 0x73);
}

/* The fixed-range MTRRs (SDM Vol. 3A, 11.11.2.2), in vcpu->msrs.mtrr_fixed order. */
static int fixed_mtrr_index(u32 msr)
{
	switch (msr) {
	case MSR_MTRRfix64K_00000:
		return 0;
	case MSR_MTRRfix16K_80000:
	case MSR_MTRRfix16K_A0000:
		return 1 + msr - MSR_MTRRfix16K_80000;
	default:
		return 3 + msr - MSR_MTRRfix4K_C0000;
	}
}

static u64 *mtrr_slot(struct hvx_vcpu *vcpu, u32 msr)
{
	if (msr == MSR_MTRRdefType)
		return &vcpu->msrs.mtrr_def_type;
	if (msr < 0x200 + 2 * HVX_NR_VAR_MTRR)
		return &vcpu->msrs.mtrr_var[msr - 0x200];
	return &vcpu->msrs.mtrr_fixed[fixed_mtrr_index(msr)];
}

/* Variable-range MTRRs hold no bits above the guest's MAXPHYADDR. */
static int get_mtrr(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = *mtrr_slot(vcpu, msr);
	if (msr < 0x200 + 2 * HVX_NR_VAR_MTRR)
		*data &= ~rsvd_from(hvx_guest_maxphyaddr(vcpu));
	return 0;
}

/* The checks of SDM Vol. 3A, 11.11.2: reserved bits and memory types. */
static int set_mtrr(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	u64 rsvd;
	int i;

	if (msr == MSR_MTRRdefType) {
		if ((data & ~0xcffULL) || !mtrr_type_ok(data & 0xff))
			return 1;
	} else if (msr < 0x200 + 2 * HVX_NR_VAR_MTRR) {
		rsvd = rsvd_from(hvx_guest_maxphyaddr(vcpu));
		if (!(msr & 1)) {		/* IA32_MTRR_PHYSBASEn */
			if (!mtrr_type_ok(data & 0xff))
				return 1;
			rsvd |= 0xf00;
		} else {			/* IA32_MTRR_PHYSMASKn */
			rsvd |= 0x7ff;
		}
		if (data & rsvd)
			return 1;
	} else {
		for (i = 0; i < 8; i++)
			if (!mtrr_type_ok(data >> (8 * i)))
				return 1;
	}
	*mtrr_slot(vcpu, msr) = data;
	return 0;
}

static int get_power_ctl(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.power_ctl;
	return 0;
}

static int set_power_ctl(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	vcpu->msrs.power_ctl = data;
	return 0;
}

/*
 * MSR_PLATFORM_INFO: user space sets it (KVM_SET_MSRS) and decides with
 * KVM_CAP_MSR_PLATFORM_INFO whether the guest may read it; the guest
 * never writes it. hvx offers what KVM offers in it: CPUID faulting (bit
 * 31), which cannot be taken away while the guest has it on.
 */
static int get_platform_info(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	if (!host && !READ_ONCE(vcpu->vm->guest_reads_platform_info))
		return 1;
	*data = vcpu->msrs.platform_info;
	return 0;
}

static int set_platform_info(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (!host || (!(data & MSR_PLATFORM_INFO_CPUID_FAULT) &&
		      (vcpu->msrs.misc_features & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT)))
		return 1;
	vcpu->msrs.platform_info = data;
	return 0;
}

/* MSR_MISC_FEATURES_ENABLES: only CPUID faulting, when PLATFORM_INFO offers it. */
static int get_misc_features(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.misc_features;
	return 0;
}

static int set_misc_features(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if ((data & ~MSR_MISC_FEATURES_ENABLES_CPUID_FAULT) ||
	    ((data & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT) &&
	     !(vcpu->msrs.platform_info & MSR_PLATFORM_INFO_CPUID_FAULT)))
		return 1;
	vcpu->msrs.misc_features = data;
	return 0;
}

static int get_mcg_status(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.mcg_status;
	return 0;
}

static int set_mcg_status(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	vcpu->msrs.mcg_status = data;
	return 0;
}

static int get_ucode_rev(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->msrs.ucode_rev;
	return 0;
}

/* Guests write 0 before CPUID to get the revision loaded (SDM Vol. 3A, 9.11.7.1): ignored. */
static int set_ucode_rev(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (host)
		vcpu->msrs.ucode_rev = data;
	return 0;
}

static int get_hsave_pa(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	*data = vcpu->hsave_pa;
	return 0;
}

/*
 * The guest's own VM_HSAVE_PA; the CPU's is the host's. On Intel KVM
 * accepts the MSR but ignores writes; hvx does the same (hsave_pa stays 0).
 */
static int set_hsave_pa(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	if (!PAGE_ALIGNED(data) || data >> boot_cpu_data.x86_phys_bits)
		return 1;
	if (boot_cpu_has(X86_FEATURE_SVM))
		vcpu->hsave_pa = data;
	return 0;
}

/* ---- the table ---- */

#define LISTED		BIT(0)	/* in KVM_GET_MSR_INDEX_LIST */
#define AMD_ONLY	BIT(1)	/* ... on AMD hosts only */

struct msr_desc {
	u32 first, last;
	u32 flags;
	int (*get)(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host);
	int (*set)(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host);
};

static const struct msr_desc msr_table[] = {
	{ MSR_EFER, MSR_EFER, LISTED, get_efer, set_efer },
	{ MSR_FS_BASE, MSR_KERNEL_GS_BASE, LISTED, get_vendor, set_canonical },
	{ MSR_STAR, MSR_STAR, LISTED, get_vendor, set_syscall },
	{ MSR_LSTAR, MSR_CSTAR, LISTED, get_vendor, set_canonical },
	{ MSR_SYSCALL_MASK, MSR_SYSCALL_MASK, LISTED, get_vendor, set_syscall },
	{ MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_EIP, LISTED, get_vendor, set_sysenter },
	{ MSR_IA32_TSC, MSR_IA32_TSC, LISTED, get_vendor, set_tsc },
	{ MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_ADJUST, LISTED, get_tsc_adjust, set_tsc_adjust },
	{ MSR_IA32_CR_PAT, MSR_IA32_CR_PAT, LISTED, get_vendor, set_pat },
	{ MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE, LISTED, get_misc_enable, set_misc_enable },
	{ MSR_IA32_APICBASE, MSR_IA32_APICBASE, LISTED, get_apic_base, set_apic_base },
	{ MSR_IA32_TSC_DEADLINE, MSR_IA32_TSC_DEADLINE, LISTED, get_lapic, set_lapic },
	{ APIC_BASE_MSR, APIC_BASE_MSR + 0xff, 0, get_lapic, set_lapic },
	{ MSR_MTRRcap, MSR_MTRRcap, 0, get_const, set_read_only },
	{ 0x200, 0x200 + 2 * HVX_NR_VAR_MTRR - 1, LISTED, get_mtrr, set_mtrr },
	{ MSR_MTRRfix64K_00000, MSR_MTRRfix64K_00000, LISTED, get_mtrr, set_mtrr },
	{ MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000, LISTED, get_mtrr, set_mtrr },
	{ MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_F8000, LISTED, get_mtrr, set_mtrr },
	{ MSR_MTRRdefType, MSR_MTRRdefType, LISTED, get_mtrr, set_mtrr },
	{ MSR_IA32_MCG_CAP, MSR_IA32_MCG_CAP, 0, get_const, set_read_only },
	{ MSR_IA32_MCG_STATUS, MSR_IA32_MCG_STATUS, LISTED, get_mcg_status, set_mcg_status },
	{ MSR_IA32_UCODE_REV, MSR_IA32_UCODE_REV, LISTED, get_ucode_rev, set_ucode_rev },
	{ MSR_IA32_POWER_CTL, MSR_IA32_POWER_CTL, LISTED, get_power_ctl, set_power_ctl },
	{ MSR_PLATFORM_INFO, MSR_PLATFORM_INFO, LISTED, get_platform_info, set_platform_info },
	{ MSR_MISC_FEATURES_ENABLES, MSR_MISC_FEATURES_ENABLES, LISTED, get_misc_features,
	  set_misc_features },
	{ MSR_VM_HSAVE_PA, MSR_VM_HSAVE_PA, LISTED | AMD_ONLY, get_hsave_pa, set_hsave_pa },
	{ MSR_VM_CR, MSR_VM_CR, 0, get_vendor, set_vendor },
};

static const struct msr_desc *msr_lookup(u32 msr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(msr_table); i++)
		if (msr >= msr_table[i].first && msr <= msr_table[i].last)
			return &msr_table[i];
	return NULL;
}

/*
 * Why an access failed, as KVM tells user space in run->msr.reason
 * (api.rst 5 "KVM_EXIT_X86_RDMSR / KVM_EXIT_X86_WRMSR"): a handler's 1 is
 * a value or access the MSR refuses (KVM_MSR_EXIT_REASON_INVAL).
 */
#define MSR_INVAL	1
#define MSR_UNKNOWN	2	/* not an MSR hvx has */
#define MSR_FILTERED	3	/* denied by KVM_X86_SET_MSR_FILTER */

static int msr_get(struct hvx_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	const struct msr_desc *d = msr_lookup(msr);

	return d ? d->get(vcpu, msr, data, host) : MSR_UNKNOWN;
}

static int msr_set(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	const struct msr_desc *d = msr_lookup(msr);

	return d ? d->set(vcpu, msr, data, host) : MSR_UNKNOWN;
}

/* Power-on values of the MSRs kept here (KVM's). */
void hvx_msrs_reset(struct hvx_vcpu *vcpu)
{
	memset(&vcpu->msrs, 0, sizeof(vcpu->msrs));
	vcpu->msrs.misc_enable = MISC_ENABLE_RO;
	vcpu->msrs.ucode_rev = UCODE_REV_DEFAULT;
	vcpu->msrs.platform_info = MSR_PLATFORM_INFO_CPUID_FAULT;
}

/* ---- the MSR filter (api.rst 4.97 KVM_X86_SET_MSR_FILTER) ---- */

struct hvx_msr_filter {
	bool default_allow;
	u32 count;
	struct hvx_msr_range {
		u32 flags;		/* KVM_MSR_FILTER_READ and/or _WRITE */
		u32 base, nmsrs;
		unsigned long *bitmap;	/* bit set: allowed */
	} ranges[KVM_MSR_FILTER_MAX_RANGES];
};

static void filter_free(struct hvx_msr_filter *f)
{
	u32 i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++)
		kfree(f->ranges[i].bitmap);
	kfree(f);
}

/*
 * May the guest make this access? The first range that holds the MSR and
 * filters this kind of access decides; otherwise the default does. The
 * x2APIC MSRs 0x800-0x8ff are never filtered (api.rst 4.97).
 */
static bool msr_allowed(struct hvx_vcpu *vcpu, u32 msr, u32 type)
{
	struct hvx_msr_filter *f;
	bool allowed = true;
	u32 i;

	if (msr >= APIC_BASE_MSR && msr <= APIC_BASE_MSR + 0xff)
		return true;
	rcu_read_lock();
	f = rcu_dereference(vcpu->vm->msr_filter);
	if (f) {
		allowed = f->default_allow;
		for (i = 0; i < f->count; i++) {
			const struct hvx_msr_range *r = &f->ranges[i];

			if ((r->flags & type) && msr >= r->base && msr - r->base < r->nmsrs) {
				allowed = test_bit(msr - r->base, r->bitmap);
				break;
			}
		}
	}
	rcu_read_unlock();
	return allowed;
}

/*
 * With a filter in place every guest RDMSR and WRMSR must reach
 * msr_allowed(), also for the MSRs the backends normally let the guest
 * use directly: they then intercept all MSRs (one shared all-ones bitmap).
 */
bool hvx_msr_intercept_all(struct hvx_vcpu *vcpu)
{
	return rcu_access_pointer(vcpu->vm->msr_filter) != NULL;
}

/* Make every vCPU of the VM now in the guest exit (and re-enter). */
static void kick_all(struct hvx_vm *vm)
{
	struct hvx_vcpu *vcpu;
	int i;

	rcu_read_lock();
	hvx_for_each_vcpu(i, vcpu, vm)
		hvx_vcpu_kick(vcpu);
	rcu_read_unlock();
}

static int filter_add_range(struct hvx_msr_filter *f, const struct kvm_msr_filter_range *u)
{
	size_t bytes;
	void *bm;

	if (!u->nmsrs)		/* an unused slot */
		return 0;
	if (!u->flags || (u->flags & ~(KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE)))
		return -EINVAL;
	bytes = BITS_TO_LONGS(u->nmsrs) * sizeof(long);
	if (bytes > KVM_MSR_FILTER_MAX_BITMAP_SIZE)
		return -EINVAL;
	bm = memdup_user((const void __user *)u->bitmap, bytes);
	if (IS_ERR(bm))
		return PTR_ERR(bm);
	f->ranges[f->count++] = (struct hvx_msr_range) {
		.flags = u->flags, .base = u->base, .nmsrs = u->nmsrs, .bitmap = bm,
	};
	return 0;
}

/*
 * KVM_X86_SET_MSR_FILTER: checked as KVM checks it (unknown flags,
 * a range without READ/WRITE, a bitmap over 0x600 bytes and DEFAULT_DENY
 * with no range are -EINVAL). The new filter replaces the old one
 * atomically: a vCPU sees one or the other. An empty filter that allows
 * by default is the same as none.
 */
long hvx_vm_set_msr_filter(struct hvx_vm *vm, struct kvm_msr_filter __user *arg)
{
	struct hvx_msr_filter *f = NULL, *old;
	struct kvm_msr_filter u;
	bool empty = true;
	int i, r;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (u.flags & ~KVM_MSR_FILTER_DEFAULT_DENY)
		return -EINVAL;
	for (i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++)
		empty &= !u.ranges[i].nmsrs;
	if (empty && (u.flags & KVM_MSR_FILTER_DEFAULT_DENY))
		return -EINVAL;
	if (!empty) {
		f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
		if (!f)
			return -ENOMEM;
		f->default_allow = !(u.flags & KVM_MSR_FILTER_DEFAULT_DENY);
		for (i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++) {
			r = filter_add_range(f, &u.ranges[i]);
			if (r) {
				filter_free(f);
				return r;
			}
		}
	}
	mutex_lock(&vm->lock);
	old = rcu_dereference_protected(vm->msr_filter, lockdep_is_held(&vm->lock));
	rcu_assign_pointer(vm->msr_filter, f);
	mutex_unlock(&vm->lock);
	synchronize_rcu();
	filter_free(old);
	/* Running vCPUs pick the new MSR bitmap on their next entry. */
	kick_all(vm);
	return 0;
}

void hvx_vm_free_msr_filter(struct hvx_vm *vm)
{
	filter_free(rcu_dereference_protected(vm->msr_filter, 1));
	RCU_INIT_POINTER(vm->msr_filter, NULL);
}

/* KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR), api.rst 7.21. */
int hvx_vm_set_user_space_msr(struct hvx_vm *vm, u64 mask)
{
	if (mask & ~(u64)(KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
			  KVM_MSR_EXIT_REASON_FILTER))
		return -EINVAL;
	WRITE_ONCE(vm->user_space_msr_mask, mask);
	return 0;
}

/* ---- guest exits ---- */

/*
 * A refused guest access goes to user space when it asked for this
 * reason (KVM_CAP_X86_USER_SPACE_MSR): returns 0 after filling run->msr,
 * and the next KVM_RUN finishes the instruction (hvx_complete_msr).
 */
static int msr_to_user(struct hvx_vcpu *vcpu, int why, bool read, u32 msr,
		       u64 data, u64 next_rip)
{
	static const u32 reason[] = {
		[MSR_INVAL] = KVM_MSR_EXIT_REASON_INVAL,
		[MSR_UNKNOWN] = KVM_MSR_EXIT_REASON_UNKNOWN,
		[MSR_FILTERED] = KVM_MSR_EXIT_REASON_FILTER,
	};
	struct kvm_run *run = vcpu->run;
	u32 r = why < ARRAY_SIZE(reason) && reason[why] ? reason[why] :
		KVM_MSR_EXIT_REASON_INVAL;

	if (!(READ_ONCE(vcpu->vm->user_space_msr_mask) & r)) {
		hvx_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	run->exit_reason = read ? KVM_EXIT_X86_RDMSR : KVM_EXIT_X86_WRMSR;
	run->msr.error = 0;
	memset(run->msr.pad, 0, sizeof(run->msr.pad));
	run->msr.reason = r;
	run->msr.index = msr;
	run->msr.data = data;
	vcpu->pending = read ? HVX_IO_MSR_READ : HVX_IO_MSR_WRITE;
	vcpu->pending_rip = vcpu->rip;
	vcpu->pending_next_rip = next_rip;
	return 0;
}

/* The next KVM_RUN after KVM_EXIT_X86_RDMSR/WRMSR: user space's answer. */
int hvx_complete_msr(struct hvx_vcpu *vcpu, bool read)
{
	struct kvm_run *run = vcpu->run;

	if (run->msr.error) {
		hvx_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	if (read) {
		vcpu->regs[HVX_RAX] = (u32)run->msr.data;
		vcpu->regs[HVX_RDX] = run->msr.data >> 32;
	}
	vcpu->rip = vcpu->pending_next_rip;
	return 1;
}

int hvx_handle_rdmsr(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 msr = vcpu->regs[HVX_RCX];
	u64 data = 0;
	int r;

	r = msr_allowed(vcpu, msr, KVM_MSR_FILTER_READ) ? msr_get(vcpu, msr, &data, false) :
							   MSR_FILTERED;
	if (r)
		return msr_to_user(vcpu, r, true, msr, 0, next_rip);
	vcpu->regs[HVX_RAX] = (u32)data;
	vcpu->regs[HVX_RDX] = data >> 32;
	vcpu->rip = next_rip;
	return 1;
}

int hvx_handle_wrmsr(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 msr = vcpu->regs[HVX_RCX];
	u64 data = (u32)vcpu->regs[HVX_RAX] | ((u64)(u32)vcpu->regs[HVX_RDX] << 32);
	int r;

	r = msr_allowed(vcpu, msr, KVM_MSR_FILTER_WRITE) ? msr_set(vcpu, msr, data, false) :
							    MSR_FILTERED;
	if (r)
		return msr_to_user(vcpu, r, false, msr, data, next_rip);
	vcpu->rip = next_rip;
	return 1;
}

/* ---- ioctls ---- */

#define HVX_MAX_IO_MSRS	256	/* KVM's limit on one KVM_GET/SET_MSRS */

static u32 index_list(u32 *out)
{
	u32 n = 0, msr;
	int i;

	for (i = 0; i < ARRAY_SIZE(msr_table); i++) {
		const struct msr_desc *d = &msr_table[i];

		if (!(d->flags & LISTED) ||
		    ((d->flags & AMD_ONLY) && !boot_cpu_has(X86_FEATURE_SVM)))
			continue;
		for (msr = d->first; msr <= d->last; msr++, n++)
			if (out)
				out[n] = msr;
	}
	return n;
}

/*
 * KVM_GET_MSR_INDEX_LIST (api.rst 4.3): nmsrs is always set to the
 * length of the list; -E2BIG when the array given is shorter.
 */
long hvx_get_msr_index_list(struct kvm_msr_list __user *arg)
{
	struct kvm_msr_list l;
	u32 n = index_list(NULL), *list;
	long r = 0;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	if (put_user(n, &arg->nmsrs))
		return -EFAULT;
	if (l.nmsrs < n)
		return -E2BIG;
	list = kmalloc_array(n, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	index_list(list);
	if (copy_to_user(arg->indices, list, n * sizeof(*list)))
		r = -EFAULT;
	kfree(list);
	return r;
}

/*
 * KVM_GET_MSRS / KVM_SET_MSRS on a vCPU: entries in order until one is
 * refused; returns how many were done (api.rst 4.18, 4.19). As KVM,
 * 256 entries or more are -E2BIG.
 */
long hvx_vcpu_msr_io(struct hvx_vcpu *vcpu, struct kvm_msrs __user *arg, bool write)
{
	struct kvm_msr_entry *e;
	struct kvm_msrs m;
	size_t size;
	long r;
	u32 i;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs >= HVX_MAX_IO_MSRS)
		return -E2BIG;
	size = array_size(sizeof(*e), m.nmsrs);
	e = memdup_user(arg->entries, size);
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < m.nmsrs; i++) {
		if (write ? msr_set(vcpu, e[i].index, e[i].data, true) :
			    msr_get(vcpu, e[i].index, &e[i].data, true))
			break;
	}
	r = i;
	if (!write && copy_to_user(arg->entries, e, size))
		r = -EFAULT;
	kfree(e);
	return r;
}

/* ---- XCR0 ---- */

/*
 * The checks XSETBV makes on XCR0 (SDM Vol. 1, 13.3 "Enabling the XSAVE
 * Feature Set and XSAVE-Enabled Features"; Vol. 2C, XSETBV): x87 always
 * on, AVX only with SSE, and only components the guest's CPUID offers and
 * hvx switches. 0 when set, 1 when refused. KVM_SET_XCRS uses it too.
 */
int hvx_set_xcr0(struct hvx_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP) ||
	    ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE)) ||
	    (xcr0 & ~(hvx_guest_xcr0_allowed(vcpu) | XFEATURE_MASK_FP)))
		return 1;
	vcpu->xcr0 = xcr0;
	return 0;
}

/* XSETBV: #GP(0) unless ECX = 0 and CPL = 0, and XCR0 passes the checks above. */
int hvx_handle_xsetbv(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u64 val = (u32)vcpu->regs[HVX_RAX] | ((u64)(u32)vcpu->regs[HVX_RDX] << 32);
	struct hvx_cpu_mode m;

	hvx_ops->get_cpu_mode(vcpu, &m);
	if ((u32)vcpu->regs[HVX_RCX] != 0 || m.cpl != 0 || hvx_set_xcr0(vcpu, val)) {
		hvx_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->rip = next_rip;
	return 1;
}
