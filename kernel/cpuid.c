// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it, answered in the kernel, and the ioctls that
 * describe it: KVM_GET_SUPPORTED_CPUID (api.rst 4.46), KVM_SET_CPUID
 * (4.20), KVM_SET_CPUID2 and KVM_GET_CPUID2.
 *
 * The supported table is what hvx can give a guest: the host's vendor,
 * family and caches, only the features a guest may use natively under
 * hvx or that hvx emulates (x2APIC, TSC_ADJUST), the hypervisor bit
 * (leaf 1 ECX[31]; KVM leaves it to user space), the XSAVE components hvx
 * switches (leaf 0xd), and hvx's own hypervisor leaves 0x40000000 ("hvx"
 * signature) and 0x40000001 (no paravirtual features: hvx is not KVM, so
 * it does not claim KVM's "KVMKVMKVM" leaves; software that needs KVM's
 * paravirtual features, such as KVM's kvm_pv_test, finds none and skips).
 * As api.rst says, TSC-deadline (leaf 1 ECX[24]) is never in it: it needs
 * the in-kernel LAPIC, and user space adds it for KVM_SET_CPUID2.
 *
 * Once KVM_SET_CPUID2 gave a vCPU a table, guest CPUID answers from it
 * with KVM's lookup rules (below). Until then the vCPU uses hvx's default
 * model: the supported table with the vCPU id as APIC ID, and the APIC
 * features only when the VM has an in-kernel LAPIC. KVM's default is an
 * empty table (all zeroes), so tests compare CPUID values per hypervisor.
 *
 * In both cases a few bits follow the vCPU's state at the time of the
 * CPUID, as in KVM: leaf 1 ECX.OSXSAVE is CR4.OSXSAVE, leaf 1 EDX.APIC
 * is IA32_APIC_BASE.EN, leaf 7 ECX.OSPKE is CR4.PKE, and leaf 0xd EBX
 * (and 0xd.1 EBX when XSAVEC is offered) the XSAVE area size for the
 * guest's XCR0 (SDM Vol. 1, 13.2 "Enumeration of CPU Support for XSAVE").
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <asm/processor.h>
#include <asm/cpuid.h>
#include <asm/apicdef.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xstate.h>

#include "hvx.h"
#include "irq/lapic.h"

#define HVX_CPUID_SIGNATURE	"hvxhvxhvxhvx"
#define HVX_MAX_BASIC_LEAF	0xd
#define HVX_MAX_EXT_LEAF	0x80000008
#define HVX_MAX_CPUID_ENTRIES	256	/* KVM_MAX_CPUID_ENTRIES */
#define SUPPORTED_MAX		64	/* room for the supported table */

/* Features a guest may use natively under hvx, per register of a leaf. */
#define F1_ECX	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ | BIT(9) /* SSSE3 */ | \
		 BIT(12) /* FMA */ | BIT(13) /* CX16 */ | BIT(19) /* SSE4.1 */ | \
		 BIT(20) /* SSE4.2 */ | BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ | \
		 BIT(25) /* AES */ | BIT(26) /* XSAVE */ | BIT(28) /* AVX */ | \
		 BIT(29) /* F16C */ | BIT(30) /* RDRAND */)
#define F1_EDX	(BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | BIT(3) /* PSE */ | \
		 BIT(4) /* TSC */ | BIT(5) /* MSR */ | BIT(6) /* PAE */ | BIT(8) /* CX8 */ | \
		 BIT(11) /* SEP */ | BIT(12) /* MTRR */ | BIT(13) /* PGE */ | \
		 BIT(15) /* CMOV */ | BIT(16) /* PAT */ | BIT(17) /* PSE36 */ | \
		 BIT(19) /* CLFSH */ | BIT(23) /* MMX */ | BIT(24) /* FXSR */ | \
		 BIT(25) /* SSE */ | BIT(26) /* SSE2 */)
#define F1_ECX_X2APIC		BIT(21)
#define F1_ECX_TSC_DEADLINE	BIT(24)
#define F1_ECX_OSXSAVE		BIT(27)
#define F1_ECX_HYPERVISOR	BIT(31)
#define F1_EDX_APIC		BIT(9)
#define F7_EBX	(BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ | BIT(5) /* AVX2 */ | \
		 BIT(6) /* FDP_EXCPTN_ONLY */ | BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ | \
		 BIT(9) /* ERMS */ | BIT(13) /* ZERO_FCS_FDS */ | BIT(18) /* RDSEED */ | \
		 BIT(19) /* ADX */ | BIT(20) /* SMAP */ | BIT(23) /* CLFLUSHOPT */ | \
		 BIT(29) /* SHA */)
#define F7_EBX_TSC_ADJUST	BIT(1)		/* emulated in msr.c */
#define F7_ECX_OSPKE		BIT(4)
#define FD1_EAX	(BIT(0) /* XSAVEOPT */ | BIT(1) /* XSAVEC */ | BIT(2) /* XGETBV1 */)
#define FD1_EAX_XSAVES_XSAVEC	(BIT(1) | BIT(3))
#define FE1_ECX	(BIT(0) /* LAHF */ | BIT(5) /* ABM */ | BIT(6) /* SSE4A */ | \
		 BIT(8) /* PREFETCHW */)
#define FE1_EDX	(BIT(11) /* SYSCALL */ | BIT(20) /* NX */ | BIT(26) /* 1G pages */ | \
		 BIT(29) /* LM */ | (F1_EDX & ~F1_EDX_APIC))
/* XSAVE components hvx switches: x87, SSE, AVX (SDM Vol. 1, 13.2). */
#define HVX_XCR0_MASK	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)

/* Built once, at the first vCPU or KVM_GET_SUPPORTED_CPUID; then read-only. */
static struct kvm_cpuid_entry2 supported[SUPPORTED_MAX];
static int nsupported;
static bool supported_built;		/* smp_store_release'd after the table */
static DEFINE_MUTEX(supported_lock);
static u64 supported_xcr0;
/* Per XSAVE component i >= 2: size, standard-format offset, 64-byte alignment. */
static struct { u32 size, offset; bool align64; } xstate[64];

u64 hvx_supported_xcr0(void)
{
	return supported_xcr0;
}

/* Bytes of an XSAVE area holding the components of @xcr0 (SDM Vol. 1, 13.4). */
static u32 xsave_size(u64 xcr0, bool compacted)
{
	u32 size = FXSAVE_SIZE + XSAVE_HDR_SIZE, off;
	int i;

	xcr0 &= supported_xcr0 & XFEATURE_MASK_EXTEND;
	for_each_set_bit(i, (unsigned long *)&xcr0, 64) {
		if (compacted)
			off = xstate[i].align64 ? ALIGN(size, 64) : size;
		else
			off = xstate[i].offset;
		size = max(size, off + xstate[i].size);
	}
	return size;
}

/* ---- the supported table ---- */

/*
 * A feature word as the host kernel uses it: the CPU's bits minus what
 * the kernel turned off (noxsave, errata, a dependency missing), as KVM
 * builds its own. A guest must not be offered XSAVE on a host whose
 * kernel does not switch XSAVE state, for instance.
 */
static u32 host_caps(enum cpuid_leafs word, u32 raw)
{
	return raw & boot_cpu_data.x86_capability[word];
}

static struct kvm_cpuid_entry2 *add(u32 fn, u32 index, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	struct kvm_cpuid_entry2 *e;

	if (WARN_ON_ONCE(nsupported >= SUPPORTED_MAX))
		return NULL;
	e = &supported[nsupported++];
	*e = (struct kvm_cpuid_entry2) {
		.function = fn, .index = index, .eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};
	if (cpuid_function_is_indexed(fn))
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	return e;
}

/* Deterministic cache parameters, without the host's core and thread counts. */
static void add_leaf_4(void)
{
	u32 a, b, c, d, i;

	for (i = 0; i < 8; i++) {
		cpuid_count(4, i, &a, &b, &c, &d);
		add(4, i, a & GENMASK(13, 0), b, c, d);
		if (!(a & 0x1f))	/* cache type 0: no more caches */
			break;
	}
}

static void add_leaf_d(void)
{
	u32 a, b, c, d;
	int i;

	if (!supported_xcr0) {
		add(0xd, 0, 0, 0, 0, 0);
		return;
	}
	for (i = 2; i < 64; i++) {
		if (!(supported_xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		xstate[i].size = a;
		xstate[i].offset = b;
		xstate[i].align64 = c & BIT(1);
	}
	add(0xd, 0, (u32)supported_xcr0, xsave_size(supported_xcr0, false),
	    xsave_size(supported_xcr0, false), supported_xcr0 >> 32);
	cpuid_count(0xd, 1, &a, &b, &c, &d);
	a = host_caps(CPUID_D_1_EAX, a) & FD1_EAX;
	add(0xd, 1, a, (a & FD1_EAX_XSAVES_XSAVEC) ? xsave_size(supported_xcr0, true) : 0, 0, 0);
	for (i = 2; i < 64; i++) {
		if (!(supported_xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		add(0xd, i, a, b, c & BIT(1), 0);
	}
}

static void add_basic(u32 leaf, u32 max_basic)
{
	u32 a, b, c, d;

	cpuid_count(leaf, 0, &a, &b, &c, &d);
	switch (leaf) {
	case 0:
		add(0, 0, max_basic, b, c, d);
		break;
	case 1:
		/* CLFLUSH line size only: APIC ID 0 (user space sets it), no HTT. */
		/*
		 * XSAVE and what needs its state (AVX, FMA, F16C) only when
		 * the host kernel uses XSAVE, as KVM: hvx switches guest state
		 * with the host's XSAVE (L1 under Bochs runs without it).
		 */
		if (!boot_cpu_has(X86_FEATURE_XSAVE))
			c &= ~(BIT(26) | BIT(28) | BIT(12) | BIT(29));
		add(1, 0, a, b & 0xff00,
		    (host_caps(CPUID_1_ECX, c) & F1_ECX) | F1_ECX_X2APIC | F1_ECX_HYPERVISOR,
		    (host_caps(CPUID_1_EDX, d) & F1_EDX) | F1_EDX_APIC);
		break;
	case 2:				/* cache descriptors (Intel) */
		add(2, 0, a, b, c, d);
		break;
	case 4:
		add_leaf_4();
		break;
	case 6:				/* ARAT: the APIC timer never stops */
		add(6, 0, BIT(2), 0, 0, 0);
		break;
	case 7:				/* subleaf 0 only */
		add(7, 0, 0, (host_caps(CPUID_7_0_EBX, b) & F7_EBX) | F7_EBX_TSC_ADJUST, 0, 0);
		break;
	case 0xd:
		add_leaf_d();
		break;
	default:	/* not offered: MONITOR, PMU, topology (0xb), ... */
		add(leaf, 0, 0, 0, 0, 0);
		break;
	}
}

static void add_extended(u32 leaf, u32 max_ext)
{
	u32 a, b, c, d;

	cpuid(leaf, &a, &b, &c, &d);
	switch (leaf) {
	case 0x80000000:
		add(leaf, 0, max_ext, b, c, d);
		break;
	case 0x80000001:
		add(leaf, 0, a, b & ~GENMASK(27, 16), host_caps(CPUID_8000_0001_ECX, c) & FE1_ECX,
		    host_caps(CPUID_8000_0001_EDX, d) & FE1_EDX);
		break;
	case 0x80000002 ... 0x80000005:	/* brand string, L1 caches (AMD) */
		add(leaf, 0, a, b, c, d);
		break;
	case 0x80000006:		/* L2/L3 caches */
		add(leaf, 0, a, b, c, d & ~GENMASK(17, 16));
		break;
	case 0x80000007:		/* invariant TSC only */
		add(leaf, 0, 0, 0, 0, d & BIT(8));
		break;
	case 0x80000008:
		/*
		 * Guest-physical width: the host's, at most what a 4-level
		 * NPT/EPT maps; linear 48 bits (no LA57 for guests).
		 */
		add(leaf, 0, min_t(u32, a & 0xff, 48) | (48 << 8), 0, 0, 0);
		break;
	default:
		add(leaf, 0, 0, 0, 0, 0);
		break;
	}
}

static void build_supported(void)
{
	u32 max_basic, max_ext, leaf, sig[3];

	supported_xcr0 = boot_cpu_has(X86_FEATURE_XSAVE) ?
			 xgetbv(XCR_XFEATURE_ENABLED_MASK) & HVX_XCR0_MASK : 0;
	/* All host CPUIDs on one CPU, as their answers belong together. */
	get_cpu();
	max_basic = min_t(u32, cpuid_eax(0), HVX_MAX_BASIC_LEAF);
	for (leaf = 0; leaf <= max_basic; leaf++)
		add_basic(leaf, max_basic);
	memcpy(sig, HVX_CPUID_SIGNATURE, sizeof(sig));
	add(0x40000000, 0, 0x40000001, sig[0], sig[1], sig[2]);	/* EBX, ECX, EDX */
	add(0x40000001, 0, 0, 0, 0, 0);
	max_ext = cpuid_eax(0x80000000);
	if (max_ext >= 0x80000000) {
		max_ext = min_t(u32, max_ext, HVX_MAX_EXT_LEAF);
		for (leaf = 0x80000000; leaf <= max_ext; leaf++)
			add_extended(leaf, max_ext);
	}
	put_cpu();
}

/* Makes sure the supported table exists; every vCPU's creation calls it. */
void hvx_cpuid_init(void)
{
	if (smp_load_acquire(&supported_built))
		return;
	mutex_lock(&supported_lock);
	if (!supported_built) {
		build_supported();
		smp_store_release(&supported_built, true);
	}
	mutex_unlock(&supported_lock);
}

/* ---- lookup, with KVM's rules ---- */

/*
 * The first entry of @fn whose index matches, or which says its index
 * does not matter; @any_index: the first entry of @fn whatever its index
 * (for leaves that are not indexed).
 */
static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e, int n,
					   u32 fn, u32 index, bool any_index)
{
	int i;

	for (i = 0; i < n; i++) {
		if (e[i].function != fn)
			continue;
		if (any_index || !(e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e[i].index == index)
			return &e[i];
	}
	return NULL;
}

static const struct kvm_cpuid_entry2 *table(struct hvx_vcpu *vcpu, int *n)
{
	if (vcpu->cpuid_set) {
		*n = vcpu->cpuid_nent;
		return vcpu->cpuid;
	}
	*n = nsupported;
	return supported;
}

static void put_bit(u32 *reg, u32 bit, bool on)
{
	*reg = on ? (*reg | bit) : (*reg & ~bit);
}

/* The bits that follow the vCPU's state (see the top of the file). */
static void runtime_bits(struct hvx_vcpu *vcpu, struct kvm_cpuid_entry2 *e)
{
	struct hvx_cpu_mode m;

	if (e->function == 1) {
		hvx_ops->get_cpu_mode(vcpu, &m);
		if (boot_cpu_has(X86_FEATURE_XSAVE))
			put_bit(&e->ecx, F1_ECX_OSXSAVE, m.cr4 & X86_CR4_OSXSAVE);
		put_bit(&e->edx, F1_EDX_APIC,
			   hvx_vcpu_apic_base(vcpu) & MSR_IA32_APICBASE_ENABLE);
	} else if (e->function == 7 && e->index == 0) {
		if (boot_cpu_has(X86_FEATURE_PKU)) {
			hvx_ops->get_cpu_mode(vcpu, &m);
			put_bit(&e->ecx, F7_ECX_OSPKE, m.cr4 & X86_CR4_PKE);
		}
	} else if (e->function == 0xd && e->index == 0) {
		e->ebx = xsave_size(vcpu->xcr0, false);
	} else if (e->function == 0xd && e->index == 1 && (e->eax & FD1_EAX_XSAVES_XSAVEC)) {
		e->ebx = xsave_size(vcpu->xcr0, true);
	}
}

/* hvx's default model: the supported table made this vCPU's. */
static void default_model_bits(struct hvx_vcpu *vcpu, struct kvm_cpuid_entry2 *e)
{
	if (e->function != 1)
		return;
	e->ebx = (e->ebx & 0x00ffffff) | (vcpu->id << 24);	/* initial APIC ID */
	if (vcpu->apic) {
		e->ecx |= F1_ECX_TSC_DEADLINE;
	} else {
		e->ecx &= ~(F1_ECX_X2APIC | F1_ECX_TSC_DEADLINE);
		e->edx &= ~F1_EDX_APIC;
	}
}

static void entry_for_vcpu(struct hvx_vcpu *vcpu, struct kvm_cpuid_entry2 *e)
{
	runtime_bits(vcpu, e);
	if (!vcpu->cpuid_set)
		default_model_bits(vcpu, e);
}

/* The vCPU's entry for leaf/index, as the guest would read it; false if none. */
static bool get_entry(struct hvx_vcpu *vcpu, u32 leaf, u32 index, struct kvm_cpuid_entry2 *out)
{
	const struct kvm_cpuid_entry2 *t, *e;
	int n;

	t = table(vcpu, &n);
	e = find(t, n, leaf, index, false);
	if (!e)
		return false;
	*out = *e;
	entry_for_vcpu(vcpu, out);
	return true;
}

/* Whether the guest's CPUID has (@leaf, @index).@reg[@bit] set. */
bool hvx_guest_cpuid_has(struct hvx_vcpu *vcpu, u32 leaf, u32 index, int reg, int bit)
{
	struct kvm_cpuid_entry2 e;
	u32 *regs = &e.eax;

	return get_entry(vcpu, leaf, index, &e) && (regs[reg] & BIT(bit));
}

/* Guest MAXPHYADDR: CPUID 0x80000008 EAX[7:0] when offered, else 36 (as KVM). */
int hvx_guest_maxphyaddr(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *t, *e;
	int n;

	t = table(vcpu, &n);
	e = find(t, n, 0x80000000, 0, true);
	if (!e || e->eax < 0x80000008)
		return 36;
	e = find(t, n, 0x80000008, 0, true);
	return e ? e->eax & 0xff : 36;
}

/* XCR0 bits the guest may enable: its leaf 0xd.0, within what hvx switches. */
u64 hvx_guest_xcr0_allowed(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *t, *e;
	int n;

	t = table(vcpu, &n);
	e = find(t, n, 0xd, 0, false);
	if (!e)
		return 0;
	return (e->eax | (u64)e->edx << 32) & supported_xcr0;
}

static bool vendor_is(const struct kvm_cpuid_entry2 *e, const char *v)
{
	u32 s[3] = { e->ebx, e->edx, e->ecx };

	return !memcmp(s, v, 12);
}

/*
 * A leaf beyond the range its class (basic, hypervisor 0x100-block,
 * extended, Centaur) announces: on Intel the CPU answers with the
 * highest basic leaf (SDM Vol. 2A, CPUID: "If a value entered for
 * CPUID.EAX is higher than the maximum input value for basic or extended
 * function for that processor then the data for the highest basic
 * information leaf is returned"); AMD answers zeroes. KVM decides by the
 * vendor in the table; so does hvx. *fn becomes the leaf answered.
 */
static const struct kvm_cpuid_entry2 *out_of_range(const struct kvm_cpuid_entry2 *t, int n,
						   u32 *fn, u32 index)
{
	const struct kvm_cpuid_entry2 *basic, *class;
	u32 f = *fn;

	basic = find(t, n, 0, 0, true);
	if (!basic || vendor_is(basic, "AuthenticAMD") || vendor_is(basic, "HygonGenuine"))
		return NULL;
	if (f >= 0x40000000 && f <= 0x4fffffff)
		class = find(t, n, f & 0xffffff00, 0, true);
	else if (f >= 0xc0000000)
		class = find(t, n, 0xc0000000, 0, true);
	else
		class = find(t, n, f & 0x80000000, 0, true);
	if (class && f <= class->eax)
		return NULL;
	*fn = basic->eax;
	return find(t, n, basic->eax, index, false);
}

static void guest_cpuid(struct hvx_vcpu *vcpu, u32 leaf, u32 index, u32 *r)
{
	const struct kvm_cpuid_entry2 *t, *e;
	struct kvm_cpuid_entry2 out;
	u32 fn = leaf;
	int n;

	t = table(vcpu, &n);
	e = find(t, n, leaf, index, false);
	if (!e)
		e = out_of_range(t, n, &fn, index);
	if (e) {
		out = *e;
		entry_for_vcpu(vcpu, &out);
		r[0] = out.eax, r[1] = out.ebx, r[2] = out.ecx, r[3] = out.edx;
		return;
	}
	r[0] = r[1] = r[2] = r[3] = 0;
	/*
	 * Topology leaves 0xb/0x1f exist when their subleaf 1 does; then an
	 * undefined subleaf still echoes ECX[7:0] and gives the x2APIC ID in
	 * EDX (SDM Vol. 2A, CPUID leaf 0BH).
	 */
	if (fn == 0xb || fn == 0x1f) {
		e = find(t, n, fn, 1, false);
		if (e) {
			r[2] = index & 0xff;
			r[3] = e->edx;
		}
	}
}

int hvx_handle_cpuid(struct hvx_vcpu *vcpu, u64 next_rip)
{
	u32 r[4];

	/* CPUID faulting (MSR_MISC_FEATURES_ENABLES bit 0, as KVM offers it
	 * through MSR_PLATFORM_INFO bit 31): #GP(0) outside ring 0. */
	if (vcpu->msrs.misc_features & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT) {
		struct hvx_cpu_mode m;

		hvx_ops->get_cpu_mode(vcpu, &m);
		if (m.cpl) {
			hvx_queue_exception(vcpu, GP_VECTOR, true, 0);
			return 1;
		}
	}
	guest_cpuid(vcpu, vcpu->regs[HVX_RAX], vcpu->regs[HVX_RCX], r);
	vcpu->regs[HVX_RAX] = r[0];
	vcpu->regs[HVX_RBX] = r[1];
	vcpu->regs[HVX_RCX] = r[2];
	vcpu->regs[HVX_RDX] = r[3];
	vcpu->rip = next_rip;
	return 1;
}

/* ---- ioctls ---- */

/*
 * KVM_GET_SUPPORTED_CPUID. As KVM 6.1: nent 0 is -E2BIG, more than 256
 * is treated as 256, a table that does not fit is -E2BIG (and nent is
 * left as it was); otherwise nent becomes the number of entries.
 */
long hvx_get_supported_cpuid(struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	hvx_cpuid_init();
	if (c.nent < 1 || min_t(u32, c.nent, HVX_MAX_CPUID_ENTRIES) < nsupported)
		return -E2BIG;
	c.nent = nsupported;
	if (copy_to_user(arg->entries, supported, nsupported * sizeof(supported[0])) ||
	    copy_to_user(arg, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

static bool same_table(struct hvx_vcpu *vcpu, const struct kvm_cpuid_entry2 *e, u32 nent)
{
	struct kvm_cpuid_entry2 cur;
	u32 i;

	/* Without a table the vCPU's CPUID is, as far as KVM is concerned, empty. */
	if (nent != (vcpu->cpuid_set ? vcpu->cpuid_nent : 0))
		return false;
	for (i = 0; i < nent; i++) {
		cur = vcpu->cpuid[i];
		entry_for_vcpu(vcpu, &cur);
		if (e[i].function != cur.function || e[i].index != cur.index ||
		    e[i].flags != cur.flags || e[i].eax != cur.eax ||
		    e[i].ebx != cur.ebx || e[i].ecx != cur.ecx || e[i].edx != cur.edx)
			return false;
	}
	return true;
}

/*
 * Takes @e (kvmalloc'ed, or NULL with nent 0) on success. The checks of
 * KVM 6.1's kvm_set_cpuid(): once the vCPU has run, only the table it
 * already has is accepted (-EINVAL otherwise), since the guest may have
 * acted on it; a linear-address width other than 48 or 57 (or 0) in
 * 0x80000008 is -EINVAL.
 */
static int set_cpuid(struct hvx_vcpu *vcpu, struct kvm_cpuid_entry2 *e, u32 nent)
{
	const struct kvm_cpuid_entry2 *x;
	u32 i, va_bits;

	/* Compare and store with the state-dependent bits as they are now. */
	for (i = 0; i < nent; i++)
		runtime_bits(vcpu, &e[i]);
	if (vcpu->last_cpu != -1) {
		if (!same_table(vcpu, e, nent))
			return -EINVAL;
		kvfree(e);
		return 0;
	}
	x = find(e, nent, 0x80000008, 0, true);
	if (x) {
		va_bits = (x->eax >> 8) & 0xff;
		if (va_bits != 48 && va_bits != 57 && va_bits != 0)
			return -EINVAL;
	}
	kvfree(vcpu->cpuid);
	vcpu->cpuid = e;
	vcpu->cpuid_nent = nent;
	vcpu->cpuid_set = true;
	/* The LAPIC offers x2APIC mode and the TSC-deadline timer only when
	 * the table does (CPUID.1:ECX[21], [24]), as KVM's does. */
	hvx_lapic_set_cpuid(vcpu, hvx_guest_cpuid_has(vcpu, 1, 0, CPUID_ECX, 21),
			    hvx_guest_cpuid_has(vcpu, 1, 0, CPUID_ECX, 24));
	return 0;
}

long hvx_vcpu_set_cpuid2(struct hvx_vcpu *vcpu, struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid_entry2 *e = NULL;
	struct kvm_cpuid2 c;
	int r;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.nent > HVX_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (c.nent) {
		e = vmemdup_user(arg->entries, array_size(sizeof(*e), c.nent));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	r = set_cpuid(vcpu, e, c.nent);
	if (r)
		kvfree(e);
	return r;
}

/* KVM_SET_CPUID: the old entries, without index and flags. */
long hvx_vcpu_set_cpuid(struct hvx_vcpu *vcpu, struct kvm_cpuid __user *arg)
{
	struct kvm_cpuid_entry2 *e2 = NULL;
	struct kvm_cpuid_entry *e;
	struct kvm_cpuid c;
	u32 i;
	int r;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.nent > HVX_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (c.nent) {
		e = vmemdup_user(arg->entries, array_size(sizeof(*e), c.nent));
		if (IS_ERR(e))
			return PTR_ERR(e);
		e2 = kvcalloc(c.nent, sizeof(*e2), GFP_KERNEL_ACCOUNT);
		if (!e2) {
			kvfree(e);
			return -ENOMEM;
		}
		for (i = 0; i < c.nent; i++)
			e2[i] = (struct kvm_cpuid_entry2) {
				.function = e[i].function, .eax = e[i].eax,
				.ebx = e[i].ebx, .ecx = e[i].ecx, .edx = e[i].edx,
			};
		kvfree(e);
	}
	r = set_cpuid(vcpu, e2, c.nent);
	if (r)
		kvfree(e2);
	return r;
}

/*
 * KVM_GET_CPUID2: the table as set, with the state-dependent bits as they
 * are now. As KVM 6.1: -E2BIG when nent is smaller than the table (nent
 * is not written back), nent untouched on success; a vCPU without a table
 * has 0 entries (hvx's default model is not a table).
 */
long hvx_vcpu_get_cpuid2(struct hvx_vcpu *vcpu, struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid_entry2 e;
	struct kvm_cpuid2 c;
	u32 i, n = vcpu->cpuid_set ? vcpu->cpuid_nent : 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.nent < n)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		e = vcpu->cpuid[i];
		entry_for_vcpu(vcpu, &e);
		if (copy_to_user(&arg->entries[i], &e, sizeof(e)))
			return -EFAULT;
	}
	return 0;
}

void hvx_cpuid_free(struct hvx_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	vcpu->cpuid = NULL;
	vcpu->cpuid_set = false;
}
