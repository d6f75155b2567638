// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD-V (SVM) backend: APM Vol. 2, chapter 15 "Secure Virtual Machine".
 *
 * One VMCB per vCPU, deny-by-default intercepts, nested paging (15.25)
 * with the tables of mmu/tdp.c, and the ASID scheme below.
 *
 * ASIDs (15.16 "TLB Control"). Guest TLB entries are tagged with the ASID
 * in the VMCB. ASIDs are handed out per physical CPU, to a vCPU, the
 * first time it enters on that CPU; a vCPU that moves to another CPU takes
 * a new one there. When a CPU runs out, it starts a new generation and
 * flushes its whole TLB once. This gives every vCPU of a VM its own tag
 * (two vCPUs with different CR3s never share entries) and needs no global
 * allocator. The decisions, at each entry:
 *
 *   condition                                   action
 *   -----------------------------------------   ---------------------------
 *   SVM just (re)enabled on this CPU            new generation, flush all
 *   vCPU last entered on another CPU            new ASID
 *   vCPU's ASID is of an older generation       new ASID
 *   VM removed nested mappings (tlb_gen moved)  new ASID
 *   ASIDs of this CPU exhausted                 new generation, flush all
 *   otherwise                                   keep ASID, no flush
 *
 * A new ASID has no entries in the TLB, except after a generation wraps,
 * which is why a new generation flushes everything.
 */
#define pr_fmt(fmt) "hvx-svm: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/processor.h>
#include <asm/io.h>
#include <uapi/asm/svm.h>

#include "../hvx.h"
#include "vmcb.h"

#ifndef MSR_VM_CR
#define MSR_VM_CR 0xc0010114
#endif
#define VM_CR_SVMDIS	BIT_ULL(4)
#define VM_CR_LOCK	BIT_ULL(3)
#define VM_CR_VALID	0x1fULL		/* bits KVM lets a guest see (APM 15.30.1) */


#define IOPM_PAGES	3		/* 12 KiB, APM 15.10.1 "I/O Permissions Map" */
#define MSRPM_PAGES	2		/* 8 KiB, APM 15.11 "MSR Intercepts" */

void __hvx_svm_run(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa);

struct svm_cpu {
	struct page *hsave;		/* VM_HSAVE_PA: VMRUN's host save area */
	struct page *host_vmcb;		/* VMSAVE/VMLOAD of host state */
	u32 next_asid;
	u64 asid_gen;
	bool flush_all;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpus);

static u32 svm_features;		/* CPUID Fn8000_000A_EDX */

/* NPT entries: present, writable, user at every level (APM 15.25.5). */
static struct hvx_tdp_fmt npt_fmt = {
	.present_mask	= _PAGE_PRESENT,
	.table_bits	= _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.leaf_ro	= _PAGE_PRESENT | _PAGE_USER,
	.leaf_rw	= _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
};
static u32 svm_max_asid;		/* highest usable ASID */
static void *iopm;
static void *msrpm;
/* Every MSR intercepted: for VMs with an MSR filter (msr.c). */
static void *msrpm_all;

struct svm_vcpu {
	struct hvx_vcpu vcpu;		/* first: the core allocates vcpu_size */
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;
	u64 asid_gen;
	u64 tlb_gen;
	u64 vm_cr;			/* the guest's view of VM_CR */
	u32 reinject;			/* EXITINTINFO of the last exit, if valid */
	/*
	 * SVM does not track NMI blocking for the hypervisor: hvx does, from
	 * the NMI it injects to the IRET that ends its handler (IRET is
	 * intercepted meanwhile; NMIs are unblocked once RIP has moved past
	 * it). APM Vol. 2, 15.21 "Injecting Virtual (INTR) Interrupts" and
	 * 15.20 "Event Injection".
	 */
	bool nmi_masked;
	bool iret_seen;			/* the handler's IRET exited, not yet done */
	u64 iret_rip;
	bool nmi_singlestep;		/* TF set by hvx to see the IRET complete */
	bool guest_tf;			/* the guest's own TF then */
};

static inline struct svm_vcpu *to_svm(struct hvx_vcpu *vcpu)
{
	return container_of(vcpu, struct svm_vcpu, vcpu);
}

static bool svm_has(u32 feature)
{
	return svm_features & feature;
}

/* ---- per-CPU enable ---- */

static int svm_cpu_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpus);
	u64 efer, vm_cr;

	rdmsrl(MSR_EFER, efer);
	/* Someone else (kvm-amd, another hypervisor) owns SVM on this CPU. */
	if (efer & EFER_SVME)
		return -EBUSY;
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & VM_CR_SVMDIS)
		return -EOPNOTSUPP;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* Another hypervisor may have used ASIDs since: start afresh. */
	sd->asid_gen++;
	sd->next_asid = 1;
	sd->flush_all = true;
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

/* ---- module setup ---- */

static void free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpus, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_vmcb)
			__free_page(sd->host_vmcb);
		sd->hsave = sd->host_vmcb = NULL;
	}
}

static void msrpm_allow(u32 msr)
{
	u32 base, bit;

	/* Three ranges of 8K MSRs, 2 bits each (read, write): APM 15.11. */
	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x800 * 8, msr -= 0xc0000000;
	else if (msr - 0xc0010000 < 0x2000)
		base = 0x1000 * 8, msr -= 0xc0010000;
	else
		return;
	bit = base + msr * 2;
	__clear_bit(bit, msrpm);
	__clear_bit(bit + 1, msrpm);
}

/*
 * MSRs the guest may read and write directly: exactly those that VMRUN,
 * VMLOAD and VMSAVE switch between guest and host (APM 15.5.2), so the
 * guest can only ever see and change its own copies.
 */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static int svm_setup(void)
{
	unsigned int eax, ebx, ecx, edx;
	int cpu, i;

	if (!boot_cpu_has(X86_FEATURE_SVM))
		return -ENODEV;
	cpuid(0x8000000a, &eax, &ebx, &ecx, &edx);
	svm_features = edx;
	if (!svm_has(SVM_FEAT_NPT)) {
		pr_err("this CPU has SVM but no nested paging (CPUID Fn8000_000A_EDX[NP]); hvx needs it\n");
		return -ENODEV;
	}
	if (ebx < 2) {
		pr_err("this CPU reports %u ASIDs; hvx needs at least 2\n", ebx);
		return -ENODEV;
	}
	svm_max_asid = ebx - 1;
	npt_fmt.levels = pgtable_l5_enabled() ? 5 : 4;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpus, cpu);

		sd->hsave = alloc_page(GFP_KERNEL | __GFP_ZERO);
		sd->host_vmcb = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sd->hsave || !sd->host_vmcb)
			goto err_pages;
	}
	iopm = alloc_pages_exact(IOPM_PAGES * PAGE_SIZE, GFP_KERNEL);
	msrpm = alloc_pages_exact(MSRPM_PAGES * PAGE_SIZE, GFP_KERNEL);
	msrpm_all = alloc_pages_exact(MSRPM_PAGES * PAGE_SIZE, GFP_KERNEL);
	if (!iopm || !msrpm || !msrpm_all)
		goto err_maps;
	/* Every port and every MSR is intercepted unless listed above. */
	memset(iopm, 0xff, IOPM_PAGES * PAGE_SIZE);
	memset(msrpm, 0xff, MSRPM_PAGES * PAGE_SIZE);
	memset(msrpm_all, 0xff, MSRPM_PAGES * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msrpm_allow(passthrough_msrs[i]);
	pr_info("SVM: %u ASIDs, NRIP save %s, decode assists %s, flush by ASID %s\n",
		svm_max_asid + 1, svm_has(SVM_FEAT_NRIPS) ? "yes" : "no",
		svm_has(SVM_FEAT_DECODEASSISTS) ? "yes" : "no",
		svm_has(SVM_FEAT_FLUSHBYASID) ? "yes" : "no");
	return 0;

err_maps:
	if (iopm)
		free_pages_exact(iopm, IOPM_PAGES * PAGE_SIZE);
	if (msrpm)
		free_pages_exact(msrpm, MSRPM_PAGES * PAGE_SIZE);
	if (msrpm_all)
		free_pages_exact(msrpm_all, MSRPM_PAGES * PAGE_SIZE);
err_pages:
	free_cpu_pages();
	return -ENOMEM;
}

static void svm_unsetup(void)
{
	free_pages_exact(iopm, IOPM_PAGES * PAGE_SIZE);
	free_pages_exact(msrpm, MSRPM_PAGES * PAGE_SIZE);
	free_cpu_pages();
}

static int svm_vm_init(struct hvx_vm *vm)
{
	return 0;
}

static void svm_vm_destroy(struct hvx_vm *vm)
{
}

/* ---- segments and state ---- */

static struct vmcb_seg *vmcb_segment(struct vmcb *vmcb, int seg)
{
	struct vmcb_seg *segs[] = {
		&vmcb->save.es, &vmcb->save.cs, &vmcb->save.ss, &vmcb->save.ds,
		&vmcb->save.fs, &vmcb->save.gs, &vmcb->save.tr, &vmcb->save.ldtr,
	};
	return segs[seg];
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_TR, SEG_LDTR, NR_SEGS };

static void seg_to_vmcb(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->selector = k->selector;
	s->limit = k->limit;
	s->base = k->base;
	s->attrib = (k->type & SVM_SEG_TYPE_MASK) |
		    (k->s ? SVM_SEG_S : 0) |
		    ((k->dpl & 3) << SVM_SEG_DPL_SHIFT) |
		    (k->present && !k->unusable ? SVM_SEG_P : 0) |
		    (k->avl ? SVM_SEG_AVL : 0) | (k->l ? SVM_SEG_L : 0) |
		    (k->db ? SVM_SEG_DB : 0) | (k->g ? SVM_SEG_G : 0);
}

/*
 * The VMCB has no "unusable" bit and SVM ignores G; report the segment the
 * way KVM does so that the same guest reads the same on both: unusable
 * means not present, G follows the limit, the cached accessed bit of data
 * segments and the busy bit of TR are set, and SS.DPL is the CPL.
 */
static void seg_from_vmcb(struct svm_vcpu *svm, int seg, struct kvm_segment *k)
{
	const struct vmcb_seg *s = vmcb_segment(svm->vmcb, seg);

	*k = (struct kvm_segment) {
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.type = s->attrib & SVM_SEG_TYPE_MASK,
		.s = !!(s->attrib & SVM_SEG_S),
		.dpl = (s->attrib >> SVM_SEG_DPL_SHIFT) & 3,
		.present = !!(s->attrib & SVM_SEG_P),
		.avl = !!(s->attrib & SVM_SEG_AVL),
		.l = !!(s->attrib & SVM_SEG_L),
		.db = !!(s->attrib & SVM_SEG_DB),
		.g = s->limit > 0xfffff,
	};
	k->unusable = !k->present;
	switch (seg) {
	case SEG_TR:
		k->type |= 2;
		break;
	case SEG_DS: case SEG_ES: case SEG_FS: case SEG_GS:
		if (!k->unusable)
			k->type |= 1;
		break;
	case SEG_SS:
		if (k->unusable)
			k->db = 0;
		k->dpl = svm->vmcb->save.cpl;
		break;
	}
}

static void svm_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;

	seg_from_vmcb(svm, SEG_CS, &sregs->cs);
	seg_from_vmcb(svm, SEG_DS, &sregs->ds);
	seg_from_vmcb(svm, SEG_ES, &sregs->es);
	seg_from_vmcb(svm, SEG_FS, &sregs->fs);
	seg_from_vmcb(svm, SEG_GS, &sregs->gs);
	seg_from_vmcb(svm, SEG_SS, &sregs->ss);
	seg_from_vmcb(svm, SEG_TR, &sregs->tr);
	seg_from_vmcb(svm, SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = save->gdtr.base;
	sregs->gdt.limit = save->gdtr.limit;
	sregs->idt.base = save->idtr.base;
	sregs->idt.limit = save->idtr.limit;
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->cr8 = vcpu->cr8;
	sregs->efer = save->efer & ~EFER_SVME;
	sregs->apic_base = vcpu->apic_base;
}

static int svm_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;

	seg_to_vmcb(&save->cs, &sregs->cs);
	seg_to_vmcb(&save->ds, &sregs->ds);
	seg_to_vmcb(&save->es, &sregs->es);
	seg_to_vmcb(&save->fs, &sregs->fs);
	seg_to_vmcb(&save->gs, &sregs->gs);
	seg_to_vmcb(&save->ss, &sregs->ss);
	seg_to_vmcb(&save->tr, &sregs->tr);
	seg_to_vmcb(&save->ldtr, &sregs->ldt);
	save->cpl = sregs->ss.dpl & 3;
	save->gdtr.base = sregs->gdt.base;
	save->gdtr.limit = sregs->gdt.limit;
	save->idtr.base = sregs->idt.base;
	save->idtr.limit = sregs->idt.limit;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	vcpu->cr8 = sregs->cr8 & 0xf;
	save->efer = sregs->efer | EFER_SVME;
	/* Paging turned on with LME set activates long mode, as MOV CR0 would. */
	if ((sregs->efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG))
		save->efer |= EFER_LMA;
	save->cr0 = sregs->cr0;
	return 0;
}

static u64 svm_get_rflags(struct hvx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.rflags;
}

static void svm_set_rflags(struct hvx_vcpu *vcpu, u64 rflags)
{
	to_svm(vcpu)->vmcb->save.rflags = rflags;
}

static void svm_get_cpu_mode(struct hvx_vcpu *vcpu, struct hvx_cpu_mode *m)
{
	struct vmcb_save *save = &to_svm(vcpu)->vmcb->save;
	int i;

	m->cr0 = save->cr0;
	m->cr3 = save->cr3;
	m->cr4 = save->cr4;
	m->efer = save->efer;
	for (i = 0; i < 6; i++)
		m->seg_base[i] = vmcb_segment(to_svm(vcpu)->vmcb, i)->base;
	m->cpl = save->cpl;
	if ((save->efer & EFER_LMA) && (save->cs.attrib & SVM_SEG_L))
		m->code_bits = 64;
	else if ((save->cr0 & X86_CR0_PE) && (save->cs.attrib & SVM_SEG_DB))
		m->code_bits = 32;
	else
		m->code_bits = 16;
}

static u64 svm_get_efer(struct hvx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.efer & ~EFER_SVME;
}

/* The guest's EFER with SVME forced on: VMRUN requires it (APM 15.5.1). */
static int svm_set_efer(struct hvx_vcpu *vcpu, u64 efer)
{
	to_svm(vcpu)->vmcb->save.efer = efer | EFER_SVME;
	return 0;
}

static u8 svm_get_interrupt_shadow(struct hvx_vcpu *vcpu)
{
	/* SVM has one shadow bit for STI and MOV SS alike. */
	return (to_svm(vcpu)->vmcb->control.int_state & SVM_INT_SHADOW) ?
	       KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI : 0;
}

static void svm_set_interrupt_shadow(struct hvx_vcpu *vcpu, u8 shadow)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	if (shadow)
		c->int_state |= SVM_INT_SHADOW;
	else
		c->int_state &= ~SVM_INT_SHADOW;
}

/* The STI/MOV SS shadow, unless hvx has moved RIP past that instruction. */
static bool in_shadow(struct svm_vcpu *svm)
{
	return (svm->vmcb->control.int_state & SVM_INT_SHADOW) &&
	       svm->vcpu.rip == svm->vcpu.exit_rip;
}

static bool svm_interrupt_allowed(struct hvx_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return (svm->vmcb->save.rflags & X86_EFLAGS_IF) && !in_shadow(svm);
}

static void svm_get_dr67(struct hvx_vcpu *vcpu, u64 *dr6, u64 *dr7)
{
	*dr6 = to_svm(vcpu)->vmcb->save.dr6;
	*dr7 = to_svm(vcpu)->vmcb->save.dr7;
}

static void svm_set_dr67(struct hvx_vcpu *vcpu, u64 dr6, u64 dr7)
{
	to_svm(vcpu)->vmcb->save.dr6 = dr6;
	to_svm(vcpu)->vmcb->save.dr7 = dr7;
}

static bool svm_get_nmi_mask(struct hvx_vcpu *vcpu)
{
	return to_svm(vcpu)->nmi_masked;
}

static void set_intercept(struct vmcb_control *c, int bit);
static void clear_intercept(struct vmcb_control *c, int bit);

static void svm_set_nmi_mask(struct hvx_vcpu *vcpu, bool masked)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm->nmi_masked = masked;
	svm->iret_seen = false;
	if (masked)
		set_intercept(&svm->vmcb->control, INTERCEPT_IRET);
	else
		clear_intercept(&svm->vmcb->control, INTERCEPT_IRET);
}

static bool svm_nmi_allowed(struct hvx_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return !svm->nmi_masked && !in_shadow(svm);
}

/*
 * Interrupt window: a virtual interrupt (V_IRQ) that ignores V_TPR and
 * is intercepted the moment the guest could take it (APM 15.21.1, 15.21.4).
 * NMI window: when NMIs are blocked only until an IRET that has already
 * exited, or by the shadow, single-step over the next instruction (TF),
 * the only way SVM gives to learn that it completed.
 */
static void svm_request_windows(struct hvx_vcpu *vcpu, bool irq, bool nmi)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;

	if (irq) {
		c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | (0xfU << SVM_V_INTR_PRIO_SHIFT);
		c->int_vector = 0;
		set_intercept(c, INTERCEPT_VINTR);
	} else {
		c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | (0xfU << SVM_V_INTR_PRIO_SHIFT));
		clear_intercept(c, INTERCEPT_VINTR);
	}
	if (nmi && !svm->nmi_singlestep &&
	    ((svm->nmi_masked && svm->iret_seen) || (!svm->nmi_masked && in_shadow(svm)))) {
		svm->guest_tf = svm->vmcb->save.rflags & X86_EFLAGS_TF;
		svm->vmcb->save.rflags |= X86_EFLAGS_TF;
		svm->nmi_singlestep = true;
	}
}

static int svm_insn_bytes(struct hvx_vcpu *vcpu, u8 *buf)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	/* With decode assists the CPU saved the bytes of a faulting insn. */
	if (!svm_has(SVM_FEAT_DECODEASSISTS) || c->exit_code != SVM_EXIT_NPF ||
	    !c->insn_len)
		return 0;
	memcpy(buf, c->insn_bytes, min_t(u8, c->insn_len, 15));
	return min_t(u8, c->insn_len, 15);
}

/*
 * The guest's copies of the MSRs the VMCB holds: those VMRUN/VMLOAD/VMSAVE
 * switch (APM Vol. 2, 15.5.1 and 15.5.2), the guest PAT (15.25.8), the TSC
 * through its offset, and VM_CR. The core (msr.c) decides which MSRs
 * exist and checks the values; these only store them.
 */
static u64 *svm_msr_field(struct svm_vcpu *svm, u32 msr)
{
	struct vmcb_save *s = &svm->vmcb->save;

	switch (msr) {
	case MSR_FS_BASE:		return &s->fs.base;
	case MSR_GS_BASE:		return &s->gs.base;
	case MSR_KERNEL_GS_BASE:	return &s->kernel_gs_base;
	case MSR_STAR:			return &s->star;
	case MSR_LSTAR:			return &s->lstar;
	case MSR_CSTAR:			return &s->cstar;
	case MSR_SYSCALL_MASK:		return &s->sfmask;
	case MSR_IA32_SYSENTER_CS:	return &s->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:	return &s->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:	return &s->sysenter_eip;
	case MSR_IA32_CR_PAT:		return &s->g_pat;
	case MSR_VM_CR:			return &svm->vm_cr;
	}
	return NULL;
}

static int svm_msr_get(struct hvx_vcpu *vcpu, u32 msr, u64 *data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 *field = svm_msr_field(svm, msr);

	if (msr == MSR_IA32_TSC) {
		*data = rdtsc() + svm->vmcb->control.tsc_offset;
		return 0;
	}
	if (!field)
		return 1;
	*data = *field;
	return 0;
}

static int svm_msr_set(struct hvx_vcpu *vcpu, u32 msr, u64 data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 *field = svm_msr_field(svm, msr);

	switch (msr) {
	case MSR_VM_CR:
		/* Only the architectural bits; SVMDIS/LOCK stick once set. */
		if (data & ~VM_CR_VALID)
			return 1;
		if (svm->vm_cr & VM_CR_SVMDIS)
			data = (data & ~(VM_CR_SVMDIS | VM_CR_LOCK)) |
			       (svm->vm_cr & (VM_CR_SVMDIS | VM_CR_LOCK));
		break;
	case MSR_IA32_TSC:
		svm->vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	}
	if (!field)
		return 1;
	*field = data;
	return 0;
}

/* ---- VMCB set-up ---- */

static void set_intercept(struct vmcb_control *c, int bit)
{
	c->intercept[bit / 32] |= BIT(bit % 32);
}

static void clear_intercept(struct vmcb_control *c, int bit)
{
	c->intercept[bit / 32] &= ~BIT(bit % 32);
}

static void seg_init(struct vmcb_seg *s, u16 sel, u16 attrib, u32 limit, u64 base)
{
	*s = (struct vmcb_seg) { .selector = sel, .attrib = attrib,
				 .limit = limit, .base = base };
}

/*
 * Processor state at RESET or INIT (SDM Vol. 3A, 10.1.1 "Processor State
 * After Reset"; APM Vol. 2, 14.1.3 "Processor Initialization State"), as
 * KVM sets it: on INIT, CR0.CD and CR0.NW keep their values.
 */
static void reset_state(struct svm_vcpu *svm, bool init)
{
	struct vmcb_save *s = &svm->vmcb->save;
	u64 cd_nw = X86_CR0_CD | X86_CR0_NW;
	u64 cr0 = X86_CR0_ET | (init ? s->cr0 & cd_nw : cd_nw);

	memset(s, 0, sizeof(*s));
	/* Code execute/read and data read/write, accessed bits clear, as KVM. */
	seg_init(&s->cs, 0xf000, SVM_SEG_P | SVM_SEG_S | 0xa, 0xffff, 0xffff0000);
	seg_init(&s->ds, 0, SVM_SEG_P | SVM_SEG_S | 0x2, 0xffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	seg_init(&s->gdtr, 0, 0, 0xffff, 0);
	seg_init(&s->idtr, 0, 0, 0xffff, 0);
	seg_init(&s->ldtr, 0, SVM_SEG_P | 0x2, 0xffff, 0);
	seg_init(&s->tr, 0, SVM_SEG_P | 0xb, 0xffff, 0);
	s->cr0 = cr0;
	s->efer = EFER_SVME;
	s->rflags = X86_EFLAGS_FIXED;
	s->dr6 = HVX_DR6_RESET;
	s->dr7 = HVX_DR7_RESET;
	s->g_pat = 0x0007040600070406ULL;	/* the power-on PAT */
	svm->vcpu.cr8 = 0;
	svm->vcpu.xcr0 = XFEATURE_MASK_FP;
	svm->vcpu.dr_switch = false;
	memset(svm->vcpu.dr, 0, sizeof(svm->vcpu.dr));
	svm->reinject = 0;
	svm->nmi_masked = svm->iret_seen = svm->nmi_singlestep = false;
	clear_intercept(&svm->vmcb->control, INTERCEPT_IRET);
	hvx_vcpu_reset_regs(&svm->vcpu);
}

static void init_vmcb(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	static const int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_HLT, INTERCEPT_INVD, INTERCEPT_RDPMC, INTERCEPT_RSM,
		INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_VMRUN, INTERCEPT_VMMCALL,
		INTERCEPT_VMLOAD, INTERCEPT_VMSAVE, INTERCEPT_STGI,
		INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_RDTSCP,
		INTERCEPT_WBINVD, INTERCEPT_MONITOR, INTERCEPT_MWAIT,
		INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV, INTERCEPT_RDPRU,
		INTERCEPT_INVLPGB, INTERCEPT_INVLPGB_ILLEGAL, INTERCEPT_MCOMMIT,
		INTERCEPT_TLBSYNC,
	};
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		set_intercept(c, intercepts[i]);
	/*
	 * #AC and #DB are intercepted so that a guest whose IDT makes their
	 * delivery raise them again cannot loop inside the CPU forever with
	 * the host locked out (CVE-2015-5307, CVE-2015-8104). #MC is the
	 * host's: its handler runs right after the exit.
	 */
	c->intercept_exceptions = BIT(AC_VECTOR) | BIT(DB_VECTOR) | BIT(MC_VECTOR);
	/* DR0-7: trapped until the guest first uses them, then switched. */
	c->intercept_dr = 0x00ff00ff;
	c->iopm_base_pa = virt_to_phys(iopm);
	c->msrpm_base_pa = virt_to_phys(msrpm);
	/* Physical interrupts follow the host's RFLAGS.IF, not the guest's. */
	c->int_ctl = SVM_V_INTR_MASKING;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = svm->vcpu.vm->tdp_root_pa;
	c->tsc_offset = svm->vcpu.vm->tsc_offset;
	svm->asid_gen = 0;		/* take an ASID at the first entry */
	reset_state(svm, false);
}

static void svm_vcpu_reset(struct hvx_vcpu *vcpu, bool init)
{
	reset_state(to_svm(vcpu), init);
}

static int svm_vcpu_create(struct hvx_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	init_vmcb(svm);
	return 0;
}

/* The VMCB is usable on any CPU: nothing to load or put. */
static void svm_vcpu_load(struct hvx_vcpu *vcpu, int cpu)
{
}

static void svm_vcpu_put(struct hvx_vcpu *vcpu)
{
}

static void svm_vcpu_free(struct hvx_vcpu *vcpu)
{
	__free_page(virt_to_page(to_svm(vcpu)->vmcb));
}

/* ---- entry ---- */

static void pick_asid(struct svm_vcpu *svm, struct svm_cpu *sd, int cpu)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 vm_gen = svm->vcpu.vm->tlb_gen;

	if (svm->vcpu.last_cpu == cpu && svm->asid_gen == sd->asid_gen &&
	    svm->tlb_gen == vm_gen && !sd->flush_all)
		return;
	if (sd->next_asid > svm_max_asid) {
		sd->asid_gen++;
		sd->next_asid = 1;
		sd->flush_all = true;
	}
	if (sd->flush_all) {
		c->tlb_ctl = SVM_TLB_FLUSH_ALL;
		sd->flush_all = false;
	}
	svm->asid = sd->next_asid++;
	svm->asid_gen = sd->asid_gen;
	svm->tlb_gen = vm_gen;
	c->asid = svm->asid;
}

/* Program the event the core chose (vcpu->inj) into EVENTINJ (APM 15.20). */
static void write_event_inj(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->event_inj = hvx_inj_encode(&svm->vcpu.inj, svm->vmcb->save.cr0 & X86_CR0_PE);
	c->event_inj_err = svm->vcpu.inj.error;
	if (svm->vcpu.inj.type == HVX_INJ_NMI)
		svm_set_nmi_mask(&svm->vcpu, true);
}

/* After an exit (APM 15.7.2): what EXITINTINFO holds is delivered again. */
static void complete_events(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->event_inj = 0;
	svm->reinject = c->exit_int_info & SVM_EVT_VALID ? c->exit_int_info : 0;
	/* The IRET that ends an NMI handler has run once RIP moved past it. */
	if (svm->iret_seen && svm->vcpu.rip != svm->iret_rip) {
		svm->nmi_masked = svm->iret_seen = false;
		set_bit(HVX_REQ_EVENT, &svm->vcpu.requests);
	}
	hvx_inj_decode(&svm->vcpu, c->exit_int_info, c->exit_int_info_err);
}

/*
 * One trip into the guest. Interrupts are off from the last check for
 * pending work to the return to host state, which also keeps us on this
 * CPU; GIF is clear around the world switch itself (__hvx_svm_run), so a
 * physical interrupt or NMI that arrives in the guest causes #VMEXIT and
 * is taken by the host right after STGI and local_irq_enable(). No
 * preempt_disable(): the timer tick taken there must find the task
 * preemptible, or RCU never sees a quiescent state on a CPU that runs a
 * guest without other exits (rcu_preempt stall reports).
 */
static bool enter_guest(struct svm_vcpu *svm)
{
	struct hvx_vcpu *vcpu = &svm->vcpu;
	struct vmcb *vmcb = svm->vmcb;
	struct hvx_host_state host;
	struct svm_cpu *sd;
	int cpu;

	local_irq_disable();
	if (need_resched() || signal_pending(current)) {
		local_irq_enable();
		return false;
	}
	cpu = smp_processor_id();
	if (unlikely(!hvx_cpu_enabled(cpu))) {
		/* A CPU that came online (or resumed) without SVM turned on. */
		local_irq_enable();
		return false;
	}
	/* The guest's FPU state may have been saved by a context switch. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	sd = per_cpu_ptr(&svm_cpus, cpu);
	pick_asid(svm, sd, cpu);
	write_event_inj(svm);

	vmcb->save.rax = vcpu->regs[HVX_RAX];
	vmcb->save.rsp = vcpu->regs[HVX_RSP];
	/* An instruction hvx completed ends its STI/MOV SS shadow too. */
	if (vcpu->rip != vcpu->exit_rip)
		vmcb->control.int_state &= ~SVM_INT_SHADOW;
	vmcb->save.rip = vcpu->rip;
	vmcb->control.clean = 0;	/* hvx does not track VMCB changes */
	vmcb->control.msrpm_base_pa = virt_to_phys(hvx_msr_intercept_all(vcpu) ? msrpm_all : msrpm);
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~SVM_V_TPR_MASK) | (vcpu->cr8 & 0xf);

	/* Last look for kicks, now that senders can see we are in guest mode. */
	if (!hvx_guest_mode_enter(vcpu, cpu)) {
		local_irq_enable();
		return false;
	}
	hvx_load_guest_state(vcpu, &host);
	asm volatile("clgi" ::: "memory");
	__hvx_svm_run(svm->vmcb_pa, vcpu->regs, page_to_phys(sd->host_vmcb));
	asm volatile("stgi" ::: "memory");
	WRITE_ONCE(vcpu->in_guest_cpu, -1);
	hvx_put_guest_state(vcpu, &host);

	/* A VMRUN that failed its checks may not have flushed: flush again. */
	if ((u32)vmcb->control.exit_code == (u32)SVM_EXIT_ERR &&
	    vmcb->control.tlb_ctl == SVM_TLB_FLUSH_ALL)
		sd->flush_all = true;
	/* With V_INTR_MASKING a guest MOV to CR8 writes V_TPR (APM 15.21.4). */
	vcpu->cr8 = vmcb->control.int_ctl & SVM_V_TPR_MASK;
	vcpu->regs[HVX_RAX] = vmcb->save.rax;
	vcpu->regs[HVX_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->exit_rip = vcpu->rip;
	vcpu->last_cpu = cpu;
	vmcb->control.tlb_ctl = SVM_TLB_NOTHING;
	if ((u32)vmcb->control.exit_code == SVM_EXIT_EXCP_BASE + MC_VECTOR)
		hvx_host_machine_check();
	local_irq_enable();
	return true;
}

/* ---- exits ---- */

static void dump_vmcb(struct svm_vcpu *svm, const char *why)
{
	struct vmcb_control *c = &svm->vmcb->control;
	struct vmcb_save *s = &svm->vmcb->save;

	hvx_err_ratelimited("%s: exit_code %#llx info1 %#llx info2 %#llx exitintinfo %#x\n"
			    "  cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx rip %#llx rflags %#llx\n"
			    "  cs %04x/%03x/%#x/%#llx ss %04x/%03x cpl %u asid %u\n",
			    why, c->exit_code, c->exit_info_1, c->exit_info_2,
			    c->exit_int_info, s->cr0, s->cr3, s->cr4, s->efer,
			    s->rip, s->rflags, s->cs.selector, s->cs.attrib,
			    s->cs.limit, s->cs.base, s->ss.selector, s->ss.attrib,
			    s->cpl, c->asid);
}

/* RIP after the intercepted instruction: NRIP if saved, else decode. */
static int next_rip(struct svm_vcpu *svm, u64 *rip)
{
	int len;

	if (svm_has(SVM_FEAT_NRIPS)) {
		*rip = svm->vmcb->control.next_rip;
		return 0;
	}
	len = hvx_insn_len(&svm->vcpu);
	if (len < 0)
		return len;
	*rip = svm->vcpu.rip + len;
	return 0;
}

static int emulation_failed(struct svm_vcpu *svm)
{
	dump_vmcb(svm, "cannot decode the intercepted instruction");
	return hvx_internal_error(&svm->vcpu, KVM_INTERNAL_ERROR_EMULATION,
				  svm->vmcb->control.exit_code);
}

typedef int (*svm_exit_handler)(struct svm_vcpu *svm);

static int handle_ud(struct svm_vcpu *svm)
{
	hvx_queue_exception(&svm->vcpu, UD_VECTOR, false, 0);
	return 1;
}

static int handle_gp(struct svm_vcpu *svm)
{
	hvx_queue_exception(&svm->vcpu, GP_VECTOR, true, 0);
	return 1;
}

static int handle_nothing(struct svm_vcpu *svm)
{
	return 1;
}

/* INVD and WBINVD: no device shares the guest's caches; just go on. */
static int handle_skip(struct svm_vcpu *svm)
{
	u64 rip;

	if (next_rip(svm, &rip))
		return emulation_failed(svm);
	svm->vcpu.rip = rip;
	return 1;
}

#define DEFINE_NRIP_HANDLER(name, fn)				\
static int name(struct svm_vcpu *svm)				\
{								\
	u64 rip;						\
								\
	if (next_rip(svm, &rip))				\
		return emulation_failed(svm);			\
	return fn(&svm->vcpu, rip);				\
}

DEFINE_NRIP_HANDLER(handle_cpuid, hvx_handle_cpuid)
DEFINE_NRIP_HANDLER(handle_hlt, hvx_handle_hlt)
DEFINE_NRIP_HANDLER(handle_xsetbv, hvx_handle_xsetbv)

static int handle_msr(struct svm_vcpu *svm)
{
	u64 rip;

	if (next_rip(svm, &rip))
		return emulation_failed(svm);
	return svm->vmcb->control.exit_info_1 ? hvx_handle_wrmsr(&svm->vcpu, rip)
					      : hvx_handle_rdmsr(&svm->vcpu, rip);
}

/*
 * VMMCALL is KVM's hypercall instruction; with no hypercall implemented,
 * answer as KVM does for an unknown one: RAX = -KVM_ENOSYS.
 */
static int handle_vmmcall(struct svm_vcpu *svm)
{
	u64 rip;

	if (next_rip(svm, &rip))
		return emulation_failed(svm);
	svm->vcpu.regs[HVX_RAX] = (u64)-1000;	/* -KVM_ENOSYS */
	svm->vcpu.rip = rip;
	return 1;
}

static int handle_io(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info_1;
	u8 size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;	/* one-hot 1, 2, 4 */
	u8 addr = (info >> SVM_IOIO_ADDR_SHIFT) & 7;	/* one-hot 16, 32, 64 */

	/* EXITINFO2 holds the next RIP for IOIO on every CPU (APM 15.10.2). */
	return hvx_handle_pio(&svm->vcpu, info >> SVM_IOIO_PORT_SHIFT, size,
			      info & SVM_IOIO_IN, info & SVM_IOIO_STR,
			      info & SVM_IOIO_REP, addr == 1 ? 2 : addr == 2 ? 4 : 8,
			      svm->vmcb->control.exit_info_2);
}

/*
 * Triple fault. The VMCB is undefined after a SHUTDOWN intercept (APM
 * 15.12); KVM then puts the vCPU in its INIT state and reports
 * KVM_EXIT_SHUTDOWN, and so does hvx.
 */
static int handle_shutdown(struct svm_vcpu *svm)
{
	u64 cr0 = svm->vmcb->save.cr0, tsc_offset = svm->vmcb->control.tsc_offset;

	init_vmcb(svm);
	svm->vmcb->save.cr0 = cr0;
	svm->vmcb->control.tsc_offset = tsc_offset;	/* the TSC runs on */
	reset_state(svm, true);
	svm->vcpu.run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

/* The first use of a debug register: stop trapping and switch DR0-3. */
static int handle_dr(struct svm_vcpu *svm)
{
	svm->vmcb->control.intercept_dr = 0;
	svm->vcpu.dr_switch = true;
	return 1;		/* RIP unchanged: the MOV DR runs again */
}

/*
 * #DB: the guest's, unless it is the single step hvx asked for to see an
 * IRET or a shadowed instruction complete (svm_request_windows).
 */
static int handle_db(struct svm_vcpu *svm)
{
	if (svm->nmi_singlestep) {
		svm->nmi_singlestep = false;
		if (!svm->guest_tf)
			svm->vmcb->save.rflags &= ~(u64)X86_EFLAGS_TF;
		set_bit(HVX_REQ_EVENT, &svm->vcpu.requests);
		if (!svm->guest_tf)
			return 1;
	}
	hvx_queue_exception(&svm->vcpu, DB_VECTOR, false, 0);
	return 1;
}

/* The guest can take an interrupt now: the core injects it on entry. */
static int handle_vintr(struct svm_vcpu *svm)
{
	svm_request_windows(&svm->vcpu, false, false);
	set_bit(HVX_REQ_EVENT, &svm->vcpu.requests);
	return 1;
}

/* The IRET that ends an NMI handler: NMIs unblock once it has run. */
static int handle_iret(struct svm_vcpu *svm)
{
	clear_intercept(&svm->vmcb->control, INTERCEPT_IRET);
	svm->iret_seen = true;
	svm->iret_rip = svm->vcpu.rip;
	set_bit(HVX_REQ_EVENT, &svm->vcpu.requests);
	return 1;
}

static int handle_mc(struct svm_vcpu *svm)
{
	return 1;	/* the host's handler ran right after the exit */
}

static int handle_ac(struct svm_vcpu *svm)
{
	hvx_queue_exception(&svm->vcpu, AC_VECTOR, true, 0);
	return 1;
}

static int handle_npf(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info_1;
	u64 gpa = svm->vmcb->control.exit_info_2;
	bool write = info & SVM_NPF_WRITE;
	int r;

	r = hvx_vm_map_gpa(svm->vcpu.vm, gpa, write);
	if (!r)
		return 1;
	if (r != -ENOENT && r != -EPERM)
		return r;	/* -EFAULT: the VMM's memory is gone, as KVM says */
	/*
	 * No RAM there: MMIO, unless the CPU was fetching, walking tables or
	 * delivering an event (the instruction at RIP did not cause it).
	 */
	if ((info & (SVM_NPF_FETCH | SVM_NPF_IN_WALK)) || (svm->reinject & SVM_EVT_VALID)) {
		dump_vmcb(svm, "instruction fetch or page walk from MMIO");
		return hvx_internal_error(&svm->vcpu, KVM_INTERNAL_ERROR_EMULATION, gpa);
	}
	return hvx_handle_mmio(&svm->vcpu, gpa, write);
}

static int handle_invalid(struct svm_vcpu *svm)
{
	struct kvm_run *run = svm->vcpu.run;

	dump_vmcb(svm, "VMRUN failed: invalid guest state");
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = (u32)svm->vmcb->control.exit_code;
	run->fail_entry.cpu = svm->vcpu.last_cpu;
	return 0;
}

static const svm_exit_handler exit_handlers[] = {
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7]	= handle_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7]	= handle_dr,
	[SVM_EXIT_EXCP_BASE + DB_VECTOR]		= handle_db,
	[SVM_EXIT_EXCP_BASE + AC_VECTOR]		= handle_ac,
	[SVM_EXIT_EXCP_BASE + MC_VECTOR]		= handle_mc,
	[SVM_EXIT_INTR]		= handle_nothing,
	[SVM_EXIT_VINTR_CODE]	= handle_vintr,
	[SVM_EXIT_IRET_CODE]	= handle_iret,
	[SVM_EXIT_NMI]		= handle_nothing,
	[SVM_EXIT_SMI]		= handle_nothing,
	[SVM_EXIT_RDPMC]	= handle_gp,
	[SVM_EXIT_CPUID]	= handle_cpuid,
	[SVM_EXIT_RSM]		= handle_ud,
	[SVM_EXIT_INVD]		= handle_skip,
	[SVM_EXIT_HLT]		= handle_hlt,
	[SVM_EXIT_INVLPGA]	= handle_ud,
	[SVM_EXIT_IOIO]		= handle_io,
	[SVM_EXIT_MSR]		= handle_msr,
	[SVM_EXIT_SHUTDOWN]	= handle_shutdown,
	[SVM_EXIT_VMRUN]	= handle_ud,
	[SVM_EXIT_VMMCALL]	= handle_vmmcall,
	[SVM_EXIT_VMLOAD]	= handle_ud,
	[SVM_EXIT_VMSAVE]	= handle_ud,
	[SVM_EXIT_STGI]		= handle_ud,
	[SVM_EXIT_CLGI]		= handle_ud,
	[SVM_EXIT_SKINIT]	= handle_ud,
	[SVM_EXIT_RDTSCP]	= handle_ud,
	[SVM_EXIT_WBINVD]	= handle_skip,
	[SVM_EXIT_MONITOR]	= handle_ud,
	[SVM_EXIT_MWAIT]	= handle_ud,
	[SVM_EXIT_MWAIT_COND]	= handle_ud,
	[SVM_EXIT_XSETBV]	= handle_xsetbv,
	[SVM_EXIT_RDPRU]	= handle_ud,
	[SVM_EXIT_INVLPGB]	= handle_ud,
	[SVM_EXIT_INVLPGB_ILLEGAL] = handle_ud,
	[SVM_EXIT_MCOMMIT]	= handle_ud,
	[SVM_EXIT_TLBSYNC]	= handle_ud,
};

/* What each exit counts as in the vCPU's statistics (stats.c); the rest is "other". */
static const u8 exit_kinds[SVM_EXIT_NPF + 1] = {
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7]	= HVX_EXIT_DR,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7]	= HVX_EXIT_DR,
	[SVM_EXIT_EXCP_BASE + DB_VECTOR]		= HVX_EXIT_EXCEPTION,
	[SVM_EXIT_EXCP_BASE + AC_VECTOR]		= HVX_EXIT_EXCEPTION,
	[SVM_EXIT_EXCP_BASE + MC_VECTOR]		= HVX_EXIT_EXCEPTION,
	[SVM_EXIT_INTR]		= HVX_EXIT_INTR,
	[SVM_EXIT_NMI]		= HVX_EXIT_EXCEPTION,
	[SVM_EXIT_VINTR_CODE]	= HVX_EXIT_IRQ_WINDOW,
	[SVM_EXIT_IRET_CODE]	= HVX_EXIT_NMI_WINDOW,
	[SVM_EXIT_CPUID]	= HVX_EXIT_CPUID,
	[SVM_EXIT_HLT]		= HVX_EXIT_HLT,
	[SVM_EXIT_IOIO]		= HVX_EXIT_IO,
	[SVM_EXIT_MSR]		= HVX_EXIT_MSR,
	[SVM_EXIT_VMMCALL]	= HVX_EXIT_HYPERCALL,
	[SVM_EXIT_XSETBV]	= HVX_EXIT_XSETBV,
	[SVM_EXIT_NPF]		= HVX_EXIT_TDP_FAULT,
};

static int handle_exit(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	/*
	 * Exit codes are 64-bit in the VMCB, but only VMEXIT_INVALID (-1)
	 * uses the upper half, and CPU models differ in whether they write
	 * it; the low 32 bits identify every exit.
	 */
	u32 code = c->exit_code;

	hvx_count_exit(&svm->vcpu, code);
	if (unlikely(hvx_trace_exits))
		pr_info_ratelimited("exit %#x info1 %#llx info2 %#llx intinfo %#x rip %#llx cs %#x\n",
				    code, c->exit_info_1, c->exit_info_2, c->exit_int_info,
				    svm->vmcb->save.rip, svm->vmcb->save.cs.selector);
	complete_events(svm);
	if (code == (u32)SVM_EXIT_ERR)
		return handle_invalid(svm);
	if (code == SVM_EXIT_NPF)
		return handle_npf(svm);
	if (code < ARRAY_SIZE(exit_handlers) && exit_handlers[code])
		return exit_handlers[code](svm);
	/* An exit nobody expects still reaches user space with its code. */
	dump_vmcb(svm, "unexpected exit");
	return hvx_internal_error(&svm->vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, code);
}

static int svm_run(struct hvx_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct hvx_vm *vm = vcpu->vm;
	bool entered;

	/* Mappings may not be removed while this vCPU is in the guest. */
	down_read(&vm->mmu_sem);
	entered = enter_guest(svm);
	up_read(&vm->mmu_sem);
	if (!entered)
		return 1;	/* the core's loop handles the signal or resched */
	return handle_exit(svm);
}

const struct hvx_vendor_ops hvx_svm_ops = {
	.name			= "svm",
	.busy_reason		= "another hypervisor (kvm_amd?) already has SVM enabled (EFER.SVME set)",
	.off_reason		= "SVM is disabled by firmware (VM_CR.SVMDIS set); enable it in the firmware setup",
	.vcpu_size		= sizeof(struct svm_vcpu),
	.vm_size		= sizeof(struct hvx_vm),
	.tdp			= &npt_fmt,
	.exit_kinds		= exit_kinds,
	.nr_exit_kinds		= ARRAY_SIZE(exit_kinds),
	.setup			= svm_setup,
	.unsetup		= svm_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.vm_init		= svm_vm_init,
	.vm_destroy		= svm_vm_destroy,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.run			= svm_run,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.get_rflags		= svm_get_rflags,
	.set_rflags		= svm_set_rflags,
	.get_cpu_mode		= svm_get_cpu_mode,
	.get_efer		= svm_get_efer,
	.set_efer		= svm_set_efer,
	.vcpu_reset		= svm_vcpu_reset,
	.interrupt_allowed	= svm_interrupt_allowed,
	.nmi_allowed		= svm_nmi_allowed,
	.request_windows	= svm_request_windows,
	.get_interrupt_shadow	= svm_get_interrupt_shadow,
	.set_interrupt_shadow	= svm_set_interrupt_shadow,
	.get_nmi_mask		= svm_get_nmi_mask,
	.get_dr67		= svm_get_dr67,
	.set_dr67		= svm_set_dr67,
	.set_nmi_mask		= svm_set_nmi_mask,
	.insn_bytes		= svm_insn_bytes,
	.vendor_msr_get		= svm_msr_get,
	.vendor_msr_set		= svm_msr_set,
};
