// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VT-x (VMX) backend: SDM Vol. 3C, chapters 24-29.
 *
 * One VMCS per vCPU; VMXON in every CPU while VMs exist; EPT for guest
 * memory, a VPID per vCPU, unrestricted guest for real mode; controls
 * reconciled with the capability MSRs; deny-by-default exits.
 *
 * VMCS migration (SDM Vol. 3C, 25.11.1 "Software Use of Virtual-Machine
 * Control Structures"): a VMCS is active on one CPU at a time. When a
 * vCPU's task comes to a CPU (vcpu_load, from every vCPU ioctl and from
 * the scheduler's preempt notifier) and its VMCS was last active on
 * another CPU, that CPU VMCLEARs it (IPI), this one VMPTRLDs it, and the
 * next entry is a VMLAUNCH.
 *
 * TLB (SDM Vol. 3C, 29.4 "Caching Translation Information"): entries are
 * tagged by VPID and EPTP. A vCPU flushes its EPTP's entries (INVEPT
 * single-context) when it enters on a CPU for the first time since it
 * last ran elsewhere, and when the VM removed mappings (tlb_gen moved).
 */
#define pr_fmt(fmt) "hvx-vmx: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/tlbflush.h>
#include <asm/cpu_entry_area.h>
#include <uapi/asm/vmx.h>

#include "../hvx.h"
#include "vmcs.h"

int __hvx_vmx_run(unsigned long *regs, bool launched);
extern const char hvx_vmx_exit[];


/* What the CPU offers, read once at load (SDM Vol. 3D, Appendix A). */
static struct vmx_caps {
	u32 revision;		/* IA32_VMX_BASIC[30:0] */
	u32 vmcs_size;		/* IA32_VMX_BASIC[44:32] */
	bool true_ctls;		/* IA32_VMX_BASIC[55] */
	bool ins_outs_info;	/* IA32_VMX_BASIC[54] */
	u32 pin, cpu, sec, exit, entry;	/* the controls hvx will use */
	u64 ept_vpid;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool vpid;
} caps;

struct vmx_cpu {
	void *vmxon_region;
	struct vmx_vcpu *current_vmcs;	/* the VMCS VMPTRLD'ed here */
	struct list_head loaded;	/* every VMCS active here (irqs off to change) */
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpus);
static void *io_bitmaps;		/* A and B: two pages, all ones */
static void *msr_bitmap;
/* Every MSR exits: for VMs with an MSR filter (msr.c). */
static void *msr_bitmap_all;
static u64 host_efer, host_pat, host_sysenter_cs, host_sysenter_eip;
static DEFINE_IDA(vpid_ida);

struct vmx_vcpu {
	struct hvx_vcpu vcpu;		/* first: the core allocates vcpu_size */
	void *vmcs;
	u64 vmcs_pa;
	int loaded_cpu;			/* where the VMCS is active, -1 if clear */
	struct list_head loaded_link;	/* in that CPU's vmx_cpu.loaded */
	bool launched;
	bool flush_tlb;			/* INVEPT before the next entry */
	u16 vpid;
	u64 tlb_gen;
	u64 cr0, cr4;			/* the guest's own values */
	u64 host_cr3, host_cr4;		/* what HOST_CR3/CR4 hold */
	/* MSRs that VM exit does not switch: the guest's values. */
	u64 kernel_gs_base, star, lstar, cstar, sfmask;
	/* Cached at exit for the handlers. */
	u32 exit_reason, intr_info, idt_info, idt_err, insn_len, insn_info;
	u64 exit_qual, exit_gpa;
	bool entry_failed;
	bool msr_all;			/* MSR_BITMAP holds msr_bitmap_all */
};

static inline struct vmx_vcpu *to_vmx(struct hvx_vcpu *vcpu)
{
	return container_of(vcpu, struct vmx_vcpu, vcpu);
}

void hvx_vmcs_error(const char *op, unsigned long field, u64 value)
{
	u64 err = 0;

	asm volatile("vmread %1, %0" : "=r"(err) : "r"((unsigned long)VM_INSTRUCTION_ERROR) : "cc");
	pr_err_ratelimited("%s of field %#lx (value %#llx) failed, VM-instruction error %llu\n",
			   op, field, value, err);
}

/* The EPT entry format (SDM Vol. 3C, 29.3.2): RWX, write-back leaves. */
static struct hvx_tdp_fmt ept_fmt = {
	.levels		= 4,
	.present_mask	= EPT_R | EPT_W | EPT_X,
	.table_bits	= EPT_R | EPT_W | EPT_X,
	.leaf_ro	= EPT_R | EPT_X,
	.leaf_rw	= EPT_R | EPT_W | EPT_X,
};

/* ---- capabilities ---- */

/*
 * Reconcile the controls hvx needs (want) and would like (may) with a
 * capability MSR: bits 31:0 are the allowed 0-settings (a 1 there must be
 * 1), bits 63:32 the allowed 1-settings (SDM Vol. 3D, A.3). Fail, naming
 * the control, when a needed bit cannot be set or a bit hvx needs clear
 * (clear) is forced on.
 */
static int adjust(const char *name, u32 msr, u32 want, u32 may, u32 clear, u32 *out)
{
	u64 v;
	u32 must, can, r;

	rdmsrl(msr, v);
	must = (u32)v;
	can = v >> 32;
	if (want & ~can) {
		pr_err("this CPU cannot set %s control bits %#x (allowed %#x); hvx needs them\n",
		       name, want & ~can, can);
		return -EOPNOTSUPP;
	}
	if (must & clear) {
		pr_err("this CPU forces %s control bits %#x that hvx needs clear\n",
		       name, must & clear);
		return -EOPNOTSUPP;
	}
	r = want | (may & can) | must;
	*out = r & ~(clear & ~must);
	return 0;
}

static u32 ctl_msr(u32 plain, u32 true_msr)
{
	return caps.true_ctls ? true_msr : plain;
}

static int read_caps(void)
{
	u64 basic;
	int r;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	caps.revision = basic & 0x7fffffff;
	caps.vmcs_size = (basic >> 32) & 0x1fff;
	caps.true_ctls = basic & BIT_ULL(55);
	caps.ins_outs_info = basic & BIT_ULL(54);
	if (caps.vmcs_size > PAGE_SIZE) {
		pr_err("VMCS size %u is larger than a page\n", caps.vmcs_size);
		return -EOPNOTSUPP;
	}
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, caps.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, caps.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, caps.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, caps.cr4_fixed1);

	r = adjust("pin-based", ctl_msr(MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS),
		   PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS, 0, 0, &caps.pin);
	/* Without "use TSC offsetting" the guest reads the host's TSC and
	 * TSC_OFFSET is ignored (SDM 25.3): the guest's TSC, which the
	 * deadline timer and IA32_TSC follow, would not be the one it sees. */
	if (!r)
		r = adjust("primary processor-based",
			   ctl_msr(MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS),
			   CPU_USE_TSC_OFFSETTING | CPU_HLT_EXITING | CPU_MWAIT_EXITING | CPU_RDPMC_EXITING |
			   CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING | CPU_MOV_DR_EXITING |
			   CPU_USE_IO_BITMAPS | CPU_USE_MSR_BITMAPS | CPU_MONITOR_EXITING |
			   CPU_SECONDARY_CONTROLS | CPU_INTR_WINDOW_EXITING |
			   CPU_NMI_WINDOW_EXITING, 0,
			   CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_INVLPG_EXITING |
			   CPU_RDTSC_EXITING | CPU_TPR_SHADOW | CPU_UNCOND_IO_EXITING |
			   CPU_MONITOR_TRAP_FLAG | CPU_PAUSE_EXITING, &caps.cpu);
	/* The window exits are needed, but set only while a window is asked for. */
	caps.cpu &= ~(CPU_INTR_WINDOW_EXITING | CPU_NMI_WINDOW_EXITING);
	if (!r)
		r = adjust("secondary processor-based", MSR_IA32_VMX_PROCBASED_CTLS2,
			   SEC_ENABLE_EPT | SEC_UNRESTRICTED_GUEST | SEC_WBINVD_EXITING,
			   SEC_ENABLE_VPID,
			   SEC_ENABLE_RDTSCP | SEC_DESC_EXITING | SEC_ENABLE_VMFUNC |
			   SEC_ENABLE_XSAVES | SEC_ENABLE_INVPCID, &caps.sec);
	if (!r)
		r = adjust("VM-exit", ctl_msr(MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS),
			   EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
			   EXIT_SAVE_DEBUG_CONTROLS, EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT,
			   EXIT_ACK_INTR_ON_EXIT, &caps.exit);
	if (!r)
		r = adjust("VM-entry", ctl_msr(MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS),
			   ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS,
			   ENTRY_LOAD_IA32_PAT, ENTRY_IA32E_MODE, &caps.entry);
	if (r)
		return r;
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, caps.ept_vpid);
	if (!(caps.ept_vpid & EPT_CAP_WALK_4) || !(caps.ept_vpid & EPT_CAP_INVEPT) ||
	    !(caps.ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		pr_err("EPT lacks a 4-level walk or INVEPT (IA32_VMX_EPT_VPID_CAP %#llx)\n",
		       caps.ept_vpid);
		return -EOPNOTSUPP;
	}
	if (caps.ept_vpid & EPT_CAP_WB)
		ept_fmt.leaf_ro |= EPT_MT_WB, ept_fmt.leaf_rw |= EPT_MT_WB;
	caps.vpid = (caps.sec & SEC_ENABLE_VPID) && (caps.ept_vpid & VPID_CAP_INVVPID);
	if (!caps.vpid)
		caps.sec &= ~SEC_ENABLE_VPID;
	return 0;
}

/* ---- per-CPU VMXON ---- */

static bool cr_fixed_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

/*
 * SDM Vol. 3C, 24.7 "Enabling and Entering VMX Operation": the feature
 * control MSR must be locked with VMXON outside SMX allowed (if firmware
 * left it unlocked, hvx sets and locks it as firmware would), CR0 and CR4
 * must satisfy the fixed bits, then CR4.VMXE and VMXON.
 */
static int vmx_cpu_enable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpus);
	u64 fc, pa = virt_to_phys(vc->vmxon_region);
	bool fail;

	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;		/* another hypervisor is in VMX operation */
	rdmsrl(MSR_IA32_FEAT_CTL, fc);
	if (!(fc & FEAT_CTL_LOCKED)) {
		fc |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
		wrmsrl(MSR_IA32_FEAT_CTL, fc);
	}
	if (!(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -EOPNOTSUPP;
	if (!cr_fixed_ok(read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1) ||
	    !cr_fixed_ok(__read_cr4() | X86_CR4_VMXE, caps.cr4_fixed0, caps.cr4_fixed1))
		return -EOPNOTSUPP;
	cr4_set_bits(X86_CR4_VMXE);
	asm volatile("vmxon %1" : "=@ccbe"(fail) : "m"(pa) : "memory", "cc");
	if (fail) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EIO;
	}
	vc->current_vmcs = NULL;
	return 0;
}

static void clear_on_this_cpu(void *arg);

static void vmx_cpu_disable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpus);
	struct vmx_vcpu *vmx, *tmp;

	/* VMXOFF loses an active VMCS's cached state: clear them all first. */
	list_for_each_entry_safe(vmx, tmp, &vc->loaded, loaded_link)
		clear_on_this_cpu(vmx);
	asm volatile("vmxoff" ::: "memory", "cc");
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_ptr(&vmx_cpus)->current_vmcs = NULL;
}

/* ---- module setup ---- */

static void free_cpu_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpus, cpu);

		free_page((unsigned long)vc->vmxon_region);
		vc->vmxon_region = NULL;
	}
}

static void msr_bitmap_allow(u32 msr)
{
	/* Read bitmaps at 0 (low MSRs) and 1 KiB (high), writes at 2 and 3 KiB. */
	unsigned long *bm = msr_bitmap;
	u32 base;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x400 * 8, msr -= 0xc0000000;
	else
		return;
	__clear_bit(base + msr, bm);
	__clear_bit(base + 0x800 * 8 + msr, bm);
}

/*
 * MSRs the guest uses directly: those the VMCS switches (FS/GS base,
 * SYSENTER_*) and those hvx switches itself around every entry
 * (KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK).
 */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static int vmx_setup(void)
{
	int cpu, i, r;

	if (!boot_cpu_has(X86_FEATURE_VMX))
		return -ENODEV;
	r = read_caps();
	if (r)
		return r;
	rdmsrl(MSR_EFER, host_efer);
	rdmsrl(MSR_IA32_CR_PAT, host_pat);
	/* A VM exit loads these: they must be the host's (32-bit SYSENTER). */
	rdmsrl(MSR_IA32_SYSENTER_CS, host_sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_EIP, host_sysenter_eip);
	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpus, cpu);

		INIT_LIST_HEAD(&vc->loaded);
		vc->vmxon_region = (void *)get_zeroed_page(GFP_KERNEL);
		if (!vc->vmxon_region)
			goto err;
		*(u32 *)vc->vmxon_region = caps.revision;
	}
	io_bitmaps = alloc_pages_exact(2 * PAGE_SIZE, GFP_KERNEL);
	msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	msr_bitmap_all = (void *)__get_free_page(GFP_KERNEL);
	if (!io_bitmaps || !msr_bitmap || !msr_bitmap_all)
		goto err;
	/* Every port and every MSR exits unless listed above. */
	memset(io_bitmaps, 0xff, 2 * PAGE_SIZE);
	memset(msr_bitmap, 0xff, PAGE_SIZE);
	memset(msr_bitmap_all, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msr_bitmap_allow(passthrough_msrs[i]);
	pr_info("VMX: VMCS revision %#x, EPT%s, VPID %s, unrestricted guest, %s controls\n",
		caps.revision, (caps.ept_vpid & EPT_CAP_WB) ? " write-back" : "",
		caps.vpid ? "yes" : "no", caps.true_ctls ? "true" : "plain");
	return 0;
err:
	if (io_bitmaps)
		free_pages_exact(io_bitmaps, 2 * PAGE_SIZE);
	free_page((unsigned long)msr_bitmap);
	free_page((unsigned long)msr_bitmap_all);
	free_cpu_regions();
	return -ENOMEM;
}

static void vmx_unsetup(void)
{
	free_pages_exact(io_bitmaps, 2 * PAGE_SIZE);
	free_page((unsigned long)msr_bitmap);
	free_page((unsigned long)msr_bitmap_all);
	free_cpu_regions();
}

static int vmx_vm_init(struct hvx_vm *vm)
{
	return 0;
}

static void vmx_vm_destroy(struct hvx_vm *vm)
{
}

/* ---- VMCS load and clear ---- */

static void vmcs_clear(struct vmx_vcpu *vmx)
{
	asm volatile("vmclear %0" :: "m"(vmx->vmcs_pa) : "memory", "cc");
}

static void vmcs_load(struct vmx_vcpu *vmx)
{
	bool fail;

	asm volatile("vmptrld %1" : "=@ccbe"(fail) : "m"(vmx->vmcs_pa) : "memory", "cc");
	if (fail)
		pr_err_ratelimited("VMPTRLD of %#llx failed\n", vmx->vmcs_pa);
}

static void clear_on_this_cpu(void *arg)
{
	struct vmx_vcpu *vmx = arg;
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpus);

	vmcs_clear(vmx);
	if (vc->current_vmcs == vmx)
		vc->current_vmcs = NULL;
	list_del(&vmx->loaded_link);
	vmx->loaded_cpu = -1;
}

/* Host state that differs between CPUs (SDM Vol. 3C, 25.5 "Host-State Area"). */
static void write_host_percpu(int cpu)
{
	struct desc_ptr gdt;
	unsigned long gs;

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, (unsigned long)(cpu_entry_stack(cpu) + 1));
	rdmsrl(MSR_GS_BASE, gs);
	vmcs_writel(HOST_GS_BASE, gs);
}

static void vmx_vcpu_load(struct hvx_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpus, cpu);

	if (vmx->loaded_cpu != cpu) {
		if (vmx->loaded_cpu >= 0)
			smp_call_function_single(vmx->loaded_cpu, clear_on_this_cpu, vmx, 1);
		vmx->launched = false;
		vmx->flush_tlb = true;
		vmcs_load(vmx);
		vc->current_vmcs = vmx;
		local_irq_disable();
		list_add(&vmx->loaded_link, &vc->loaded);
		vmx->loaded_cpu = cpu;
		local_irq_enable();
		write_host_percpu(cpu);
	} else if (vc->current_vmcs != vmx) {
		vmcs_load(vmx);
		vc->current_vmcs = vmx;
	}
}

/* The VMCS stays active here; the next load elsewhere clears it. */
static void vmx_vcpu_put(struct hvx_vcpu *vcpu)
{
}

/* ---- guest state ---- */

struct seg_fields {
	enum vmcs_field sel, base, limit, ar;
};

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_TR, SEG_LDTR };

static const struct seg_fields segs[] = {
	[SEG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[SEG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[SEG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[SEG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[SEG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[SEG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[SEG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
	[SEG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES },
};

static void seg_write(int seg, u16 sel, u64 base, u32 limit, u32 ar)
{
	vmcs_write16(segs[seg].sel, sel);
	vmcs_writel(segs[seg].base, base);
	vmcs_write32(segs[seg].limit, limit);
	vmcs_write32(segs[seg].ar, ar);
}

/*
 * As KVM does with unrestricted guest: an unusable or not-present segment
 * is written as unusable, and the accessed bit of every segment but the
 * LDT is set (the processor keeps it set in the cache).
 */
static void seg_set(int seg, const struct kvm_segment *k)
{
	u32 ar;

	if (k->unusable || !k->present) {
		ar = VMX_AR_UNUSABLE;
	} else {
		ar = (k->type & VMX_AR_TYPE_MASK) | (seg != SEG_LDTR ? 1 : 0) |
		     (k->s ? VMX_AR_S : 0) | ((k->dpl & 3) << VMX_AR_DPL_SHIFT) |
		     VMX_AR_P | (k->avl ? VMX_AR_AVL : 0) | (k->l ? VMX_AR_L : 0) |
		     (k->db ? VMX_AR_DB : 0) | (k->g ? VMX_AR_G : 0);
	}
	seg_write(seg, k->selector, k->base, k->limit, ar);
}

static void seg_get(int seg, struct kvm_segment *k)
{
	u32 ar = vmcs_read32(segs[seg].ar);

	*k = (struct kvm_segment) {
		.selector = vmcs_read16(segs[seg].sel),
		.base = vmcs_readl(segs[seg].base),
		.limit = vmcs_read32(segs[seg].limit),
		.type = ar & VMX_AR_TYPE_MASK,
		.s = !!(ar & VMX_AR_S),
		.dpl = (ar >> VMX_AR_DPL_SHIFT) & 3,
		.present = !!(ar & VMX_AR_P),
		.avl = !!(ar & VMX_AR_AVL),
		.l = !!(ar & VMX_AR_L),
		.db = !!(ar & VMX_AR_DB),
		.g = !!(ar & VMX_AR_G),
		.unusable = !!(ar & VMX_AR_UNUSABLE),
	};
}

/*
 * CR0 and CR4: the guest reads its own values from the read shadows; the
 * bits in the guest/host masks exit when the guest changes them (SDM
 * Vol. 3C, 25.6.6 "Guest/Host Masks and Read Shadows for CR0 and CR4").
 * The hardware CR0 keeps the fixed bits (NE) and drops CD/NW as KVM does;
 * PE and PG are the guest's (unrestricted guest) but trapped, so that
 * EFER.LMA and the IA-32e-mode entry control follow paging.
 */
#define CR0_TRAPPED	(X86_CR0_PE | X86_CR0_PG | X86_CR0_NE | X86_CR0_CD | X86_CR0_NW)
/*
 * CR4: PAE (PDPTEs), MCE (the host's stays on: a machine check in the
 * guest must reach the host) and every bit a guest may not set exit.
 */
#define CR4_TRAPPED	(X86_CR4_VMXE | X86_CR4_PAE | X86_CR4_MCE | \
			 (~(u64)HVX_CR4_GUEST_BITS & 0xffffffffULL))

static u64 hw_cr0(u64 cr0)
{
	u64 fixed0 = caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return (cr0 & ~(X86_CR0_CD | X86_CR0_NW)) | fixed0;
}

static void load_pdptrs(struct vmx_vcpu *vmx)
{
	u64 pdpte[4] = { 0 };
	u64 cr3 = vmcs_readl(GUEST_CR3) & ~0x1fULL;

	/* PAE paging without long mode: the CPU takes the PDPTEs from the VMCS. */
	hvx_read_guest(vmx->vcpu.vm, cr3, pdpte, sizeof(pdpte));
	vmcs_write64(GUEST_PDPTR0, pdpte[0]);
	vmcs_write64(GUEST_PDPTR1, pdpte[1]);
	vmcs_write64(GUEST_PDPTR2, pdpte[2]);
	vmcs_write64(GUEST_PDPTR3, pdpte[3]);
}

/*
 * The guest's CR0/CR4: the bits it owns from the hardware register (it
 * changes them without exits), the trapped ones from hvx's copy.
 */
static u64 guest_cr0(struct vmx_vcpu *vmx)
{
	u64 mask = vmcs_readl(CR0_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR0) & ~mask) | (vmx->cr0 & mask);
}

static u64 guest_cr4(struct vmx_vcpu *vmx)
{
	u64 mask = vmcs_readl(CR4_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR4) & ~mask) | (vmx->cr4 & mask);
}

static void update_paging_mode(struct vmx_vcpu *vmx)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	vmx->cr0 = guest_cr0(vmx);
	vmx->cr4 = guest_cr4(vmx);

	if ((vmx->cr0 & X86_CR0_PG) && (efer & EFER_LME))
		efer |= EFER_LMA;
	else
		efer &= ~EFER_LMA;
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, (efer & EFER_LMA) ? entry | ENTRY_IA32E_MODE
							   : entry & ~ENTRY_IA32E_MODE);
	if ((vmx->cr0 & X86_CR0_PG) && (vmx->cr4 & X86_CR4_PAE) && !(efer & EFER_LMA))
		load_pdptrs(vmx);
}

static void set_cr0(struct vmx_vcpu *vmx, u64 cr0)
{
	vmx->cr0 = cr0;
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, hw_cr0(cr0));
}

static void set_cr4(struct vmx_vcpu *vmx, u64 cr4)
{
	vmx->cr4 = cr4;
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, cr4 | caps.cr4_fixed0 | (cr4_read_shadow() & X86_CR4_MCE));
}

static void vmx_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	seg_get(SEG_CS, &sregs->cs);
	seg_get(SEG_DS, &sregs->ds);
	seg_get(SEG_ES, &sregs->es);
	seg_get(SEG_FS, &sregs->fs);
	seg_get(SEG_GS, &sregs->gs);
	seg_get(SEG_SS, &sregs->ss);
	seg_get(SEG_TR, &sregs->tr);
	seg_get(SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	sregs->cr0 = guest_cr0(vmx);
	sregs->cr2 = vmx->vcpu.cr2;
	sregs->cr3 = vmcs_readl(GUEST_CR3);
	sregs->cr4 = guest_cr4(vmx);
	sregs->cr8 = vmx->vcpu.cr8;
	sregs->efer = vmcs_read64(GUEST_IA32_EFER);
	sregs->apic_base = vcpu->apic_base;
}

static int vmx_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	seg_set(SEG_CS, &sregs->cs);
	seg_set(SEG_DS, &sregs->ds);
	seg_set(SEG_ES, &sregs->es);
	seg_set(SEG_FS, &sregs->fs);
	seg_set(SEG_GS, &sregs->gs);
	seg_set(SEG_SS, &sregs->ss);
	seg_set(SEG_TR, &sregs->tr);
	seg_set(SEG_LDTR, &sregs->ldt);
	vmcs_writel(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vcpu->cr2 = sregs->cr2;
	vmcs_writel(GUEST_CR3, sregs->cr3);
	vmx->vcpu.cr8 = sregs->cr8;
	vmcs_write64(GUEST_IA32_EFER, sregs->efer);
	set_cr4(vmx, sregs->cr4);
	set_cr0(vmx, sregs->cr0);
	update_paging_mode(vmx);
	vmx->flush_tlb = true;	/* new CR3/paging: drop what the VPID cached */
	return 0;
}

static u64 vmx_get_rflags(struct hvx_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RFLAGS);
}

static void vmx_set_rflags(struct hvx_vcpu *vcpu, u64 rflags)
{
	vmcs_writel(GUEST_RFLAGS, rflags);
}

static void vmx_get_cpu_mode(struct hvx_vcpu *vcpu, struct hvx_cpu_mode *m)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);
	int i;

	m->cr0 = guest_cr0(vmx);
	m->cr3 = vmcs_readl(GUEST_CR3);
	m->cr4 = guest_cr4(vmx);
	m->efer = vmcs_read64(GUEST_IA32_EFER);
	for (i = 0; i < 6; i++)
		m->seg_base[i] = vmcs_readl(segs[i].base);
	m->cpl = (vmcs_read32(GUEST_SS_AR_BYTES) >> VMX_AR_DPL_SHIFT) & 3;
	if ((m->efer & EFER_LMA) && (cs_ar & VMX_AR_L))
		m->code_bits = 64;
	else if ((m->cr0 & X86_CR0_PE) && (cs_ar & VMX_AR_DB))
		m->code_bits = 32;
	else
		m->code_bits = 16;
}

static u64 vmx_get_efer(struct hvx_vcpu *vcpu)
{
	return vmcs_read64(GUEST_IA32_EFER);
}

static int vmx_set_efer(struct hvx_vcpu *vcpu, u64 efer)
{
	vmcs_write64(GUEST_IA32_EFER, efer);
	update_paging_mode(to_vmx(vcpu));
	return 0;
}

static u8 vmx_get_interrupt_shadow(struct hvx_vcpu *vcpu)
{
	u32 st = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	return ((st & GUEST_INTR_STATE_STI) ? KVM_X86_SHADOW_INT_STI : 0) |
	       ((st & GUEST_INTR_STATE_MOV_SS) ? KVM_X86_SHADOW_INT_MOV_SS : 0);
}

static void vmx_set_interrupt_shadow(struct hvx_vcpu *vcpu, u8 shadow)
{
	u32 st = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);

	/* One of the two at most (SDM 27.3.1.5 checks that on entry). */
	if (shadow & KVM_X86_SHADOW_INT_MOV_SS)
		st |= GUEST_INTR_STATE_MOV_SS;
	else if (shadow & KVM_X86_SHADOW_INT_STI)
		st |= GUEST_INTR_STATE_STI;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, st);
}

/* STI/MOV SS blocking, unless hvx has moved RIP past that instruction. */
static u32 interruptibility(struct hvx_vcpu *vcpu)
{
	u32 st = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (vcpu->rip != vcpu->exit_rip)
		st &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	return st;
}

static bool vmx_interrupt_allowed(struct hvx_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(interruptibility(vcpu) & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/* Virtual NMIs: the CPU tracks the guest's NMI blocking (SDM 25.3, 26.7.1). */
static bool vmx_nmi_allowed(struct hvx_vcpu *vcpu)
{
	return !(interruptibility(vcpu) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS | GUEST_INTR_STATE_NMI));
}

static void vmx_get_dr67(struct hvx_vcpu *vcpu, u64 *dr6, u64 *dr7)
{
	*dr6 = vcpu->dr6;
	*dr7 = vmcs_readl(GUEST_DR7);
}

static void vmx_set_dr67(struct hvx_vcpu *vcpu, u64 dr6, u64 dr7)
{
	vcpu->dr6 = dr6;
	vmcs_writel(GUEST_DR7, dr7);
}

static bool vmx_get_nmi_mask(struct hvx_vcpu *vcpu)
{
	return vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_NMI;
}

static void vmx_set_nmi_mask(struct hvx_vcpu *vcpu, bool masked)
{
	u32 st = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & ~GUEST_INTR_STATE_NMI;

	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, st | (masked ? GUEST_INTR_STATE_NMI : 0));
}

/* Interrupt- and NMI-window exiting (SDM 25.6.2, 26.7.5, 26.7.6). */
static void vmx_request_windows(struct hvx_vcpu *vcpu, bool irq, bool nmi)
{
	u32 ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL), want = ctl;

	want &= ~(CPU_INTR_WINDOW_EXITING | CPU_NMI_WINDOW_EXITING);
	if (irq)
		want |= CPU_INTR_WINDOW_EXITING;
	if (nmi)
		want |= CPU_NMI_WINDOW_EXITING;
	if (want != ctl)
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, want);
}

/* The event the core chose (vcpu->inj) into the VM-entry fields (SDM 25.8.3). */
static void write_event_inj(struct vmx_vcpu *vmx)
{
	u32 info = hvx_inj_encode(&vmx->vcpu.inj, guest_cr0(vmx) & X86_CR0_PE);

	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vmx->vcpu.inj.error);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* VMX hands over no instruction bytes: the core fetches them itself. */
static int vmx_insn_bytes(struct hvx_vcpu *vcpu, u8 *buf)
{
	return 0;
}

/*
 * The guest's copies of the MSRs VMX switches: FS/GS base, SYSENTER_* and
 * PAT in the VMCS guest-state area (SDM Vol. 3C, 25.4.1 and 25.4.2), the
 * syscall MSRs and KERNEL_GS_BASE in vmx_vcpu (hvx switches them around
 * each entry), the TSC through TSC_OFFSET. The core (msr.c) decides which
 * MSRs exist and checks the values; these only store them.
 */
static u64 *vmx_msr_field(struct vmx_vcpu *vmx, u32 msr)
{
	switch (msr) {
	case MSR_KERNEL_GS_BASE:	return &vmx->kernel_gs_base;
	case MSR_STAR:			return &vmx->star;
	case MSR_LSTAR:			return &vmx->lstar;
	case MSR_CSTAR:			return &vmx->cstar;
	case MSR_SYSCALL_MASK:		return &vmx->sfmask;
	}
	return NULL;
}

static int vmx_msr_get(struct hvx_vcpu *vcpu, u32 msr, u64 *data)
{
	u64 *field = vmx_msr_field(to_vmx(vcpu), msr);

	switch (msr) {
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcs_read64(TSC_OFFSET);
		return 0;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read64(GUEST_IA32_PAT);
		return 0;
	}
	if (!field)
		return 1;
	*data = *field;
	return 0;
}

static int vmx_msr_set(struct hvx_vcpu *vcpu, u32 msr, u64 data)
{
	u64 *field = vmx_msr_field(to_vmx(vcpu), msr);

	switch (msr) {
	case MSR_IA32_TSC:
		vmcs_write64(TSC_OFFSET, data - rdtsc());
		return 0;
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, data);
		return 0;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, data);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, data);
		return 0;
	case MSR_IA32_CR_PAT:
		vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	}
	if (!field)
		return 1;
	*field = data;
	return 0;
}

/* ---- VMCS set-up ---- */

/*
 * Register state at RESET (SDM Vol. 3A, 10.1.1), in the VMX encoding and
 * as KVM's VMX sets it: accessed bits set, LDTR an LDT, TR a busy TSS.
 */
static void reset_state(struct vmx_vcpu *vmx)
{
	int s;

	seg_write(SEG_CS, 0xf000, 0xffff0000, 0xffff, VMX_AR_P | VMX_AR_S | 0xb);
	for (s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			seg_write(s, 0, 0, 0xffff, VMX_AR_P | VMX_AR_S | 0x3);
	seg_write(SEG_LDTR, 0, 0, 0xffff, VMX_AR_P | 0x2);
	seg_write(SEG_TR, 0, 0, 0xffff, VMX_AR_P | 0xb);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write64(GUEST_IA32_EFER, 0);
	vmcs_writel(GUEST_CR3, 0);
	set_cr4(vmx, 0);
	set_cr0(vmx, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	update_paging_mode(vmx);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_DR7, HVX_DR7_RESET);
	vmx->vcpu.dr6 = HVX_DR6_RESET;
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmx->vcpu.cr8 = 0;
	vmx->vcpu.cr2 = 0;
	vmx->vcpu.xcr0 = XFEATURE_MASK_FP;
	vmx->vcpu.dr_switch = false;
	memset(vmx->vcpu.dr, 0, sizeof(vmx->vcpu.dr));
	vmx->star = vmx->lstar = vmx->cstar = vmx->sfmask = vmx->kernel_gs_base = 0;
	hvx_vcpu_reset_regs(&vmx->vcpu);
}

/* Host state that is the same on every CPU and for every entry (SDM 25.5). */
static void write_host_constant(void)
{
	struct desc_ptr idt;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)hvx_vmx_exit);
	vmcs_write32(HOST_IA32_SYSENTER_CS, host_sysenter_cs);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, host_sysenter_eip);
	vmcs_write64(HOST_IA32_EFER, host_efer);
	if (caps.exit & EXIT_LOAD_IA32_PAT)
		vmcs_write64(HOST_IA32_PAT, host_pat);
}

static void init_vmcs(struct vmx_vcpu *vmx)
{
	u64 eptp = vmx->vcpu.vm->tdp_root_pa | EPTP_WALK_4 |
		   ((caps.ept_vpid & EPT_CAP_WB) ? EPTP_WB : 0);

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, caps.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, caps.cpu);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, caps.sec);
	vmcs_write32(VM_EXIT_CONTROLS, caps.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, caps.entry);
	/*
	 * #AC and #DB exit, so a guest cannot loop delivering them
	 * (CVE-2015-5307/8104); #MC exits because it is the host's.
	 */
	vmcs_write32(EXCEPTION_BITMAP, BIT(AC_VECTOR) | BIT(DB_VECTOR) | BIT(MC_VECTOR));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write64(IO_BITMAP_A, virt_to_phys(io_bitmaps));
	vmcs_write64(IO_BITMAP_B, virt_to_phys(io_bitmaps) + PAGE_SIZE);
	vmcs_write64(MSR_BITMAP, virt_to_phys(msr_bitmap));
	vmx->msr_all = false;
	vmcs_write64(EPT_POINTER, eptp);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write64(TSC_OFFSET, vmx->vcpu.vm->tsc_offset);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	if (caps.vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	vmcs_writel(CR0_GUEST_HOST_MASK, CR0_TRAPPED | caps.cr0_fixed0);
	vmcs_writel(CR4_GUEST_HOST_MASK, CR4_TRAPPED | caps.cr4_fixed0);
	write_host_constant();
	reset_state(vmx);
}

/* VMX keeps no state that INIT spares and RESET does not (CD/NW aside). */
static void vmx_vcpu_reset(struct hvx_vcpu *vcpu, bool init)
{
	reset_state(to_vmx(vcpu));
}

static int vmx_vcpu_create(struct hvx_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int r;

	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->vmcs)
		return -ENOMEM;
	*(u32 *)vmx->vmcs = caps.revision;
	vmx->vmcs_pa = virt_to_phys(vmx->vmcs);
	vmx->loaded_cpu = -1;
	if (caps.vpid) {
		r = ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
		if (r < 0) {
			free_page((unsigned long)vmx->vmcs);
			return r;
		}
		vmx->vpid = r;
	}
	/* Fill the VMCS on this CPU: it becomes active here. */
	preempt_disable();
	vmcs_clear(vmx);
	vmx_vcpu_load(vcpu, smp_processor_id());
	init_vmcs(vmx);
	preempt_enable();
	return 0;
}

static void vmx_vcpu_free(struct hvx_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int cpu = vmx->loaded_cpu;

	if (cpu >= 0)
		smp_call_function_single(cpu, clear_on_this_cpu, vmx, 1);
	if (vmx->vpid)
		ida_free(&vpid_ida, vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
}

/* ---- entry ---- */

static void invept_single(struct vmx_vcpu *vmx)
{
	struct { u64 eptp, zero; } desc = { vmcs_read64(EPT_POINTER), 0 };
	unsigned long type = (caps.ept_vpid & EPT_CAP_INVEPT_SINGLE) ? 1 : 2;

	asm volatile("invept %0, %1" :: "m"(desc), "r"(type) : "memory", "cc");
}

static void switch_msr(u32 msr, u64 *save, u64 load)
{
	rdmsrl(msr, *save);
	if (*save != load)
		wrmsrl(msr, load);
}

struct host_msrs {
	u64 kernel_gs_base, star, lstar, cstar, sfmask;
};

static void load_guest_msrs(struct vmx_vcpu *vmx, struct host_msrs *h)
{
	switch_msr(MSR_KERNEL_GS_BASE, &h->kernel_gs_base, vmx->kernel_gs_base);
	switch_msr(MSR_STAR, &h->star, vmx->star);
	switch_msr(MSR_LSTAR, &h->lstar, vmx->lstar);
	switch_msr(MSR_CSTAR, &h->cstar, vmx->cstar);
	switch_msr(MSR_SYSCALL_MASK, &h->sfmask, vmx->sfmask);
}

static void load_host_msrs(struct vmx_vcpu *vmx, const struct host_msrs *h)
{
	switch_msr(MSR_KERNEL_GS_BASE, &vmx->kernel_gs_base, h->kernel_gs_base);
	switch_msr(MSR_STAR, &vmx->star, h->star);
	switch_msr(MSR_LSTAR, &vmx->lstar, h->lstar);
	switch_msr(MSR_CSTAR, &vmx->cstar, h->cstar);
	switch_msr(MSR_SYSCALL_MASK, &vmx->sfmask, h->sfmask);
}

/* Host state that can change between entries: CR3, CR4, FS base. */
static void write_host_volatile(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow(), fs;

	if (cr3 != vmx->host_cr3) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	rdmsrl(MSR_FS_BASE, fs);
	vmcs_writel(HOST_FS_BASE, fs);
}

static void cache_exit_info(struct vmx_vcpu *vmx)
{
	vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
	vmx->exit_qual = vmcs_readl(EXIT_QUALIFICATION);
	vmx->intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
	vmx->idt_info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	vmx->idt_err = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	vmx->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	vmx->insn_info = vmcs_read32(VMX_INSTRUCTION_INFO);
	vmx->exit_gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
}

/*
 * One trip into the guest, with interrupts off from the last check for
 * pending work to the return to host state (which also keeps the task on
 * this CPU, where vcpu_load made the VMCS current). What VM exit does
 * not restore is put back here: the GDT limit and the TSS limit (SDM
 * Vol. 3C, 28.5.2 "Loading Host Segment and Descriptor-Table Registers"
 * sets them to 0xffff and 0x67), the syscall MSRs and KERNEL_GS_BASE,
 * debug registers and XCR0. An NMI that caused the exit is handed to the
 * host's handler.
 */
static bool enter_guest(struct vmx_vcpu *vmx)
{
	struct hvx_vcpu *vcpu = &vmx->vcpu;
	struct hvx_host_state hs;
	struct host_msrs host;
	bool failed;
	int cpu;

	local_irq_disable();
	if (need_resched() || signal_pending(current)) {
		local_irq_enable();
		return false;
	}
	cpu = smp_processor_id();
	if (unlikely(!hvx_cpu_enabled(cpu))) {
		/* A CPU that came online (or resumed) outside VMX operation. */
		local_irq_enable();
		return false;
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	if (vmx->flush_tlb || vmx->tlb_gen != vcpu->vm->tlb_gen) {
		vmx->tlb_gen = vcpu->vm->tlb_gen;
		invept_single(vmx);
		vmx->flush_tlb = false;
	}
	write_host_volatile(vmx);
	/* An instruction hvx completed ends its STI/MOV SS blocking too. */
	if (vcpu->rip != vcpu->exit_rip)
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & ~3U);
	vmcs_writel(GUEST_RIP, vcpu->rip);
	vmcs_writel(GUEST_RSP, vcpu->regs[HVX_RSP]);
	if (hvx_msr_intercept_all(vcpu) != vmx->msr_all) {
		vmx->msr_all = !vmx->msr_all;
		vmcs_write64(MSR_BITMAP, virt_to_phys(vmx->msr_all ? msr_bitmap_all : msr_bitmap));
	}
	write_event_inj(vmx);
	/* Last look for kicks, now that senders can see we are in guest mode. */
	if (!hvx_guest_mode_enter(vcpu, cpu)) {
		local_irq_enable();
		return false;
	}
	hvx_load_guest_state(vcpu, &hs);
	load_guest_msrs(vmx, &host);
	/* CR2 is not in the VMCS: the guest's goes in by hand, right before entry. */
	if (read_cr2() != vcpu->cr2)
		write_cr2(vcpu->cr2);

	/* DR6 is not in the VMCS: the guest's is live while DR0-3 are. */
	if (vcpu->dr_switch)
		set_debugreg(vcpu->dr6, 6);
	failed = __hvx_vmx_run(vcpu->regs, vmx->launched);
	WRITE_ONCE(vcpu->in_guest_cpu, -1);
	if (vcpu->dr_switch)
		get_debugreg(vcpu->dr6, 6);

	vcpu->cr2 = read_cr2();
	load_host_msrs(vmx, &host);
	load_fixmap_gdt(cpu);
	invalidate_tss_limit();
	hvx_put_guest_state(vcpu, &hs);
	vmx->entry_failed = failed;
	if (!failed) {
		cache_exit_info(vmx);
		/* A VM entry that failed on guest state leaves the VMCS clear (SDM 27.8). */
		if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vmx->launched = true;
		vcpu->rip = vmcs_readl(GUEST_RIP);
		vcpu->exit_rip = vcpu->rip;
		vcpu->regs[HVX_RSP] = vmcs_readl(GUEST_RSP);
		/* An NMI or #MC that exited belongs to the host: run its handler. */
		if ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
		    (vmx->intr_info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
			asm volatile("int $2");
		else if ((u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY ||
			 ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
			  (vmx->intr_info & INTR_INFO_VECTOR_MASK) == MC_VECTOR))
			hvx_host_machine_check();
	}
	vcpu->last_cpu = cpu;
	local_irq_enable();
	return true;
}

/* ---- exits ---- */

static void dump_vmcs(struct vmx_vcpu *vmx, const char *why)
{
	hvx_err_ratelimited("%s: reason %#x qual %#llx intr %#x idt %#x gpa %#llx\n"
			    "  cr0 %#lx (shadow %#llx) cr3 %#lx cr4 %#lx efer %#llx rip %#lx rflags %#lx\n"
			    "  cs %04x/%#x/%#x/%#lx ss %04x/%#x entry %#x exit %#x\n",
			    why, vmx->exit_reason, vmx->exit_qual, vmx->intr_info,
			    vmx->idt_info, vmx->exit_gpa, vmcs_readl(GUEST_CR0), vmx->cr0,
			    vmcs_readl(GUEST_CR3), vmcs_readl(GUEST_CR4),
			    vmcs_read64(GUEST_IA32_EFER), vmcs_readl(GUEST_RIP),
			    vmcs_readl(GUEST_RFLAGS), vmcs_read16(GUEST_CS_SELECTOR),
			    vmcs_read32(GUEST_CS_AR_BYTES), vmcs_read32(GUEST_CS_LIMIT),
			    vmcs_readl(GUEST_CS_BASE), vmcs_read16(GUEST_SS_SELECTOR),
			    vmcs_read32(GUEST_SS_AR_BYTES), vmcs_read32(VM_ENTRY_CONTROLS),
			    vmcs_read32(VM_EXIT_CONTROLS));
}

static u64 next_rip(struct vmx_vcpu *vmx)
{
	return vmx->vcpu.rip + vmx->insn_len;
}

typedef int (*vmx_exit_handler)(struct vmx_vcpu *vmx);

static int handle_ud(struct vmx_vcpu *vmx)
{
	hvx_queue_exception(&vmx->vcpu, UD_VECTOR, false, 0);
	return 1;
}

static int handle_gp(struct vmx_vcpu *vmx)
{
	hvx_queue_exception(&vmx->vcpu, GP_VECTOR, true, 0);
	return 1;
}

static int handle_nothing(struct vmx_vcpu *vmx)
{
	return 1;
}

static int handle_skip(struct vmx_vcpu *vmx)
{
	vmx->vcpu.rip = next_rip(vmx);
	return 1;
}

static int handle_cpuid(struct vmx_vcpu *vmx)
{
	return hvx_handle_cpuid(&vmx->vcpu, next_rip(vmx));
}

static int handle_hlt(struct vmx_vcpu *vmx)
{
	return hvx_handle_hlt(&vmx->vcpu, next_rip(vmx));
}

static int handle_xsetbv(struct vmx_vcpu *vmx)
{
	return hvx_handle_xsetbv(&vmx->vcpu, next_rip(vmx));
}

static int handle_rdmsr(struct vmx_vcpu *vmx)
{
	return hvx_handle_rdmsr(&vmx->vcpu, next_rip(vmx));
}

static int handle_wrmsr(struct vmx_vcpu *vmx)
{
	return hvx_handle_wrmsr(&vmx->vcpu, next_rip(vmx));
}

/* VMCALL is KVM's hypercall; none is implemented: -KVM_ENOSYS, as KVM. */
static int handle_vmcall(struct vmx_vcpu *vmx)
{
	vmx->vcpu.regs[HVX_RAX] = (u64)-1000;
	vmx->vcpu.rip = next_rip(vmx);
	return 1;
}

static int handle_io(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	bool string = q & BIT(4);
	u8 addr = 8;

	/* Address size of INS/OUTS: instruction info bits 9:7 (SDM 28.2.5). */
	if (string && caps.ins_outs_info)
		addr = 2 << ((vmx->insn_info >> 7) & 3);
	else if (string)
		addr = (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) ? 8 : 4;
	return hvx_handle_pio(&vmx->vcpu, q >> 16, (q & 7) + 1, q & BIT(3),
			      string, q & BIT(5), addr, next_rip(vmx));
}

/* Triple fault: KVM's VMX reports it and leaves the state as it was. */
static int handle_triple_fault(struct vmx_vcpu *vmx)
{
	vmx->vcpu.run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

/* MOV to CR0 (SDM Vol. 2A, MOV: #GP on an invalid combination). */
static int guest_write_cr0(struct vmx_vcpu *vmx, u64 val)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	vmx->cr4 = guest_cr4(vmx);
	vmx->cr0 = guest_cr0(vmx);
	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return 1;
	if ((val & X86_CR0_PG) && !(vmx->cr0 & X86_CR0_PG) &&
	    (efer & EFER_LME) && !(vmx->cr4 & X86_CR4_PAE))
		return 1;
	set_cr0(vmx, val);
	update_paging_mode(vmx);
	return 0;
}

static int guest_write_cr4(struct vmx_vcpu *vmx, u64 val)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	if ((val & ~HVX_CR4_GUEST_BITS) || (val & ~caps.cr4_fixed1) || ((efer & EFER_LMA) && !(val & X86_CR4_PAE)))
		return 1;
	set_cr4(vmx, val);
	update_paging_mode(vmx);
	return 0;
}

/* Exit qualification of control-register accesses: SDM Vol. 3C, Table 28-3. */
static int handle_cr(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	unsigned long *r = &vmx->vcpu.regs[reg];
	int fault = 0;

	switch (type) {
	case 0:		/* MOV to CR */
		if (cr == 0)
			fault = guest_write_cr0(vmx, *r);
		else if (cr == 4)
			fault = guest_write_cr4(vmx, *r);
		else if (cr == 8 && !(*r & ~15UL))
			vmx->vcpu.cr8 = *r;		/* the TPR of an APIC hvx does not have yet */
		else if (cr == 8)
			fault = 1;
		else
			goto unexpected;
		break;
	case 1:		/* MOV from CR (only CR8 exits) */
		if (cr != 8)
			goto unexpected;
		*r = vmx->vcpu.cr8;
		break;
	case 3:		/* LMSW: bits 3:0 of CR0; it cannot clear PE */
		fault = guest_write_cr0(vmx, (guest_cr0(vmx) & ~0xeULL) | ((q >> 16) & 0xf));
		break;
	default:
		goto unexpected;
	}
	if (fault)
		return handle_gp(vmx);
	vmx->vcpu.rip = next_rip(vmx);
	return 1;
unexpected:
	dump_vmcs(vmx, "unexpected control-register exit");
	return hvx_internal_error(&vmx->vcpu, KVM_INTERNAL_ERROR_EMULATION, q);
}

/* The first use of a debug register: stop trapping, switch DR0-3. */
static int handle_dr(struct vmx_vcpu *vmx)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_MOV_DR_EXITING);
	vmx->vcpu.dr_switch = true;
	return 1;	/* RIP unchanged: the MOV DR runs again */
}

/* Exceptions hvx intercepts (#AC, #DB) go back to the guest. */
static int handle_exception(struct vmx_vcpu *vmx)
{
	u32 info = vmx->intr_info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI || vector == MC_VECTOR)
		return handle_nothing(vmx);	/* the host's, handled already */
	if (vector == DB_VECTOR || vector == AC_VECTOR) {
		hvx_queue_exception(&vmx->vcpu, vector, vector == AC_VECTOR, 0);
		return 1;
	}
	dump_vmcs(vmx, "unexpected exception exit");
	return hvx_internal_error(&vmx->vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				  vmx->exit_reason);
}

/* EPT violation qualification: SDM Vol. 3C, Table 28-7. */
#define EPT_QUAL_WRITE		BIT(1)
#define EPT_QUAL_FETCH		BIT(2)
#define EPT_QUAL_FINAL		BIT(8)

static int handle_ept_violation(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual, gpa = vmx->exit_gpa;
	bool write = q & EPT_QUAL_WRITE;
	int r;

	r = hvx_vm_map_gpa(vmx->vcpu.vm, gpa, write);
	if (!r)
		return 1;
	if (r != -ENOENT && r != -EPERM)
		return r;
	if ((q & EPT_QUAL_FETCH) || !(q & EPT_QUAL_FINAL) || (vmx->idt_info & INTR_INFO_VALID)) {
		dump_vmcs(vmx, "instruction fetch or page walk from MMIO");
		return hvx_internal_error(&vmx->vcpu, KVM_INTERNAL_ERROR_EMULATION, gpa);
	}
	return hvx_handle_mmio(&vmx->vcpu, gpa, write);
}

/* The guest can take the interrupt or NMI now: the core injects it. */
static int handle_window(struct vmx_vcpu *vmx)
{
	vmx_request_windows(&vmx->vcpu, false, false);
	set_bit(HVX_REQ_EVENT, &vmx->vcpu.requests);
	return 1;
}

static const vmx_exit_handler exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= handle_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_nothing,
	[EXIT_REASON_INTERRUPT_WINDOW]	= handle_window,
	[EXIT_REASON_NMI_WINDOW]	= handle_window,
	[EXIT_REASON_TRIPLE_FAULT]	= handle_triple_fault,
	[EXIT_REASON_CPUID]		= handle_cpuid,
	[EXIT_REASON_HLT]		= handle_hlt,
	[EXIT_REASON_INVD]		= handle_skip,
	[EXIT_REASON_RDPMC]		= handle_gp,
	[EXIT_REASON_VMCALL]		= handle_vmcall,
	[EXIT_REASON_VMCLEAR]		= handle_ud,
	[EXIT_REASON_VMLAUNCH]		= handle_ud,
	[EXIT_REASON_VMPTRLD]		= handle_ud,
	[EXIT_REASON_VMPTRST]		= handle_ud,
	[EXIT_REASON_VMREAD]		= handle_ud,
	[EXIT_REASON_VMRESUME]		= handle_ud,
	[EXIT_REASON_VMWRITE]		= handle_ud,
	[EXIT_REASON_VMOFF]		= handle_ud,
	[EXIT_REASON_VMON]		= handle_ud,
	[EXIT_REASON_CR_ACCESS]		= handle_cr,
	[EXIT_REASON_DR_ACCESS]		= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= handle_io,
	[EXIT_REASON_MSR_READ]		= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= handle_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = handle_ud,
	[EXIT_REASON_EPT_VIOLATION]	= handle_ept_violation,
	[EXIT_REASON_INVEPT]		= handle_ud,
	[EXIT_REASON_WBINVD]		= handle_skip,
	[EXIT_REASON_XSETBV]		= handle_xsetbv,
	[EXIT_REASON_INVVPID]		= handle_ud,
	[EXIT_REASON_VMFUNC]		= handle_ud,
};

/*
 * What each basic exit reason counts as in the vCPU's statistics
 * (stats.c); the rest is "other". EXCEPTION_NMI covers the host's NMIs too.
 */
static const u8 exit_kinds[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= HVX_EXIT_EXCEPTION,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = HVX_EXIT_INTR,
	[EXIT_REASON_INTERRUPT_WINDOW]	= HVX_EXIT_IRQ_WINDOW,
	[EXIT_REASON_NMI_WINDOW]	= HVX_EXIT_NMI_WINDOW,
	[EXIT_REASON_CPUID]		= HVX_EXIT_CPUID,
	[EXIT_REASON_HLT]		= HVX_EXIT_HLT,
	[EXIT_REASON_VMCALL]		= HVX_EXIT_HYPERCALL,
	[EXIT_REASON_CR_ACCESS]		= HVX_EXIT_CR,
	[EXIT_REASON_DR_ACCESS]		= HVX_EXIT_DR,
	[EXIT_REASON_IO_INSTRUCTION]	= HVX_EXIT_IO,
	[EXIT_REASON_MSR_READ]		= HVX_EXIT_MSR,
	[EXIT_REASON_MSR_WRITE]		= HVX_EXIT_MSR,
	[EXIT_REASON_EPT_VIOLATION]	= HVX_EXIT_TDP_FAULT,
	[EXIT_REASON_XSETBV]		= HVX_EXIT_XSETBV,
};

/*
 * After an exit: the injected event was delivered, unless the
 * IDT-vectoring information says the exit cut its delivery short; then it
 * goes back into vcpu->inj (SDM Vol. 3C, 28.2.4). Software interrupts and
 * exceptions run again from their RIP instead. An NMI whose delivery was
 * cut short did not block NMIs; an IRET that faulted had unblocked them
 * and must block them again (SDM 28.2.3, "NMI unblocking due to IRET").
 */
static void complete_events(struct vmx_vcpu *vmx)
{
	u32 info = vmx->idt_info;
	u16 basic = vmx->exit_reason;
	bool unblocked = false;

	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (basic == EXIT_REASON_EXCEPTION_NMI && (vmx->intr_info & INTR_INFO_VALID))
		unblocked = vmx->intr_info & INTR_INFO_UNBLOCK_NMI;
	else if (basic == EXIT_REASON_EPT_VIOLATION)
		unblocked = vmx->exit_qual & INTR_INFO_UNBLOCK_NMI;	/* same bit 12 */
	if (unblocked && !(info & INTR_INFO_VALID))
		vmx_set_nmi_mask(&vmx->vcpu, true);
	hvx_inj_decode(&vmx->vcpu, info, vmx->idt_err);
	if (vmx->vcpu.inj.type == HVX_INJ_NMI)
		vmx_set_nmi_mask(&vmx->vcpu, false);
}

static int handle_exit(struct vmx_vcpu *vmx)
{
	struct kvm_run *run = vmx->vcpu.run;
	u32 reason = vmx->exit_reason;
	u16 basic = reason;

	/* A failed VMLAUNCH/VMRESUME has no exit reason: "other". */
	hvx_count_exit(&vmx->vcpu, vmx->entry_failed ? U32_MAX : basic);
	if (vmx->entry_failed) {
		u32 err = vmcs_read32(VM_INSTRUCTION_ERROR);

		dump_vmcs(vmx, "VMLAUNCH/VMRESUME failed");
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = err;
		run->fail_entry.cpu = vmx->vcpu.last_cpu;
		return 0;
	}
	if (unlikely(hvx_trace_exits))
		pr_info_ratelimited("exit %#x qual %#llx intr %#x idt %#x rip %#lx gpa %#llx\n",
				    reason, vmx->exit_qual, vmx->intr_info, vmx->idt_info,
				    vmx->vcpu.rip, vmx->exit_gpa);
	if (basic == EXIT_REASON_MCE_DURING_VMENTRY)
		return 1;	/* the host's handler ran; try again */
	/* Bit 31: the VM entry failed on the guest state (SDM 27.8). */
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		dump_vmcs(vmx, "VM entry failed: invalid guest state");
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = reason;
		run->fail_entry.cpu = vmx->vcpu.last_cpu;
		return 0;
	}
	complete_events(vmx);
	if (basic < ARRAY_SIZE(exit_handlers) && exit_handlers[basic])
		return exit_handlers[basic](vmx);
	dump_vmcs(vmx, "unexpected exit");
	return hvx_internal_error(&vmx->vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, reason);
}

static int vmx_run(struct hvx_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct hvx_vm *vm = vcpu->vm;
	bool entered;

	down_read(&vm->mmu_sem);
	entered = enter_guest(vmx);
	up_read(&vm->mmu_sem);
	if (!entered)
		return 1;
	return handle_exit(vmx);
}

const struct hvx_vendor_ops hvx_vmx_ops = {
	.name			= "vmx",
	.busy_reason		= "another hypervisor (kvm_intel?) is in VMX operation (CR4.VMXE set)",
	.off_reason		= "VMX is locked off by firmware (IA32_FEATURE_CONTROL locked without VMXON outside SMX) or CR0/CR4 break the VMX fixed bits",
	.vcpu_size		= sizeof(struct vmx_vcpu),
	.vm_size		= sizeof(struct hvx_vm),
	.tdp			= &ept_fmt,
	.exit_kinds		= exit_kinds,
	.nr_exit_kinds		= ARRAY_SIZE(exit_kinds),
	.setup			= vmx_setup,
	.unsetup		= vmx_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.run			= vmx_run,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_rflags		= vmx_get_rflags,
	.set_rflags		= vmx_set_rflags,
	.get_cpu_mode		= vmx_get_cpu_mode,
	.get_efer		= vmx_get_efer,
	.set_efer		= vmx_set_efer,
	.vcpu_reset		= vmx_vcpu_reset,
	.interrupt_allowed	= vmx_interrupt_allowed,
	.nmi_allowed		= vmx_nmi_allowed,
	.request_windows	= vmx_request_windows,
	.get_interrupt_shadow	= vmx_get_interrupt_shadow,
	.set_interrupt_shadow	= vmx_set_interrupt_shadow,
	.get_nmi_mask		= vmx_get_nmi_mask,
	.get_dr67		= vmx_get_dr67,
	.set_dr67		= vmx_set_dr67,
	.set_nmi_mask		= vmx_set_nmi_mask,
	.insn_bytes		= vmx_insn_bytes,
	.vendor_msr_get		= vmx_msr_get,
	.vendor_msr_set		= vmx_msr_set,
};
