/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvx core: the VM and vCPU objects shared by the vendor-neutral code and
 * the backends. Each field says who may change it and under which lock:
 *   [c]  set at creation, constant afterwards
 *   [v]  vcpu->mutex (the vCPU's ioctls, KVM_RUN among them)
 *   [s]  vm->slots_lock
 *   [m]  vm->mmu_sem (held for reading around every guest entry, for
 *        writing while guest mappings are torn down)
 *   [l]  vm->lock
 */
#ifndef HVX_H
#define HVX_H

#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/kref.h>
#include <linux/ratelimit.h>
#include <linux/mm_types.h>
#include <linux/preempt.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#define HVX_API_VERSION		12	/* KVM_API_VERSION, api.rst 4.1 */
#define HVX_MAX_MEMSLOTS	32
#define HVX_MAX_VCPUS		16
#define HVX_MAX_VCPU_ID		HVX_MAX_VCPUS
/* Pages of the vCPU mmap: struct kvm_run, then the PIO data page. */
#define HVX_PIO_PAGE_OFFSET	1
#define HVX_VCPU_MMAP_PAGES	2
/* KVM's limit on one slot (KVM_MEM_MAX_NR_PAGES). */
#define HVX_MEM_MAX_NR_PAGES	((1UL << 31) - 1)

/* Architectural reset values of DR6 and DR7 (SDM Vol. 3B, 18.2). */
#define HVX_DR6_RESET		0xffff0ff0ULL
#define HVX_DR7_RESET		0x400ULL

#define hvx_err_ratelimited(fmt, ...) \
	pr_err_ratelimited("hvx: " fmt, ##__VA_ARGS__)

struct hvx_vm;
struct hvx_vcpu;

/* What the instruction emulator needs to know of the guest's mode. */
struct hvx_cpu_mode {
	u64 cr0, cr3, cr4, efer;
	u64 seg_base[6];	/* ES, CS, SS, DS, FS, GS, as in the encoding */
	int code_bits;		/* 16, 32 or 64 */
	int cpl;
};

/* The entry format of the backend's second-level page table (mmu/tdp.c). */
struct hvx_tdp_fmt {
	int levels;		/* 4 or 5 */
	u64 present_mask;	/* an entry is present if any of these bits is set */
	u64 table_bits;		/* bits of an entry pointing to a table */
	u64 leaf_ro, leaf_rw;	/* bits of a 4 KiB leaf, read-only or writable */
};

struct hvx_vendor_ops {
#define HVX_OP(name, ret, args) ret (*name) args;
#include "hvx_ops.h"
#undef HVX_OP
	const char *name;
	const char *busy_reason;	/* why cpu_enable says -EBUSY, for the log */
	const char *off_reason;		/* why it says -EOPNOTSUPP */
	size_t vcpu_size;	/* the backend's vCPU embeds struct hvx_vcpu */
	size_t vm_size;		/* the backend's VM embeds struct hvx_vm */
	const struct hvx_tdp_fmt *tdp;	/* filled in by setup */
};

extern const struct hvx_vendor_ops *hvx_ops;

struct hvx_memslot {
	u32 id;			/* [c] */
	u32 flags;		/* [s] KVM_MEM_READONLY */
	u64 gpa;		/* [c] */
	u64 npages;		/* [c] */
	u64 uaddr;		/* [c] */
	struct xarray *pages;	/* [s] page index -> pinned struct page, filled on first touch */
};

/* What a vCPU must finish on the next KVM_RUN after an exit to user space. */
enum hvx_pending_io {
	HVX_IO_NONE = 0,
	HVX_IO_PIO_IN,		/* copy run->io data to RAX (or guest memory for INS) */
	HVX_IO_PIO_OUT,		/* only skip the instruction */
	HVX_IO_MMIO_READ,	/* write run->mmio.data to the destination register */
};

/* Guest general-purpose registers, indexed as in the instruction encoding. */
enum hvx_reg {
	HVX_RAX, HVX_RCX, HVX_RDX, HVX_RBX, HVX_RSP, HVX_RBP, HVX_RSI, HVX_RDI,
	HVX_R8, HVX_R9, HVX_R10, HVX_R11, HVX_R12, HVX_R13, HVX_R14, HVX_R15,
	HVX_NR_GPRS
};

struct hvx_vcpu {
	struct hvx_vm *vm;		/* [c] holds a reference */
	u32 id;				/* [c] KVM_CREATE_VCPU argument */
	u64 seq;			/* [c] unique for the module's lifetime */
	struct mutex mutex;
	struct preempt_notifier pn;	/* [v] reloads the vCPU when the task moves */
	struct kvm_run *run;		/* [c] shared with user space (mmap) */
	void *pio_data;			/* [c] page after run, also mmap'ed */

	/* [v] Guest GPRs; RAX/RSP/RIP live here too, the backend syncs them. */
	unsigned long regs[HVX_NR_GPRS];
	unsigned long rip;
	unsigned long exit_rip;		/* [v] RIP at the last exit */

	/* [v] Instruction to finish on the next KVM_RUN. */
	enum hvx_pending_io pending;
	u64 pending_rip;		/* RIP of the instruction (completion is
					 * dropped if user space moved RIP) */
	u64 pending_next_rip;		/* RIP after the instruction */
	struct hvx_pio {
		u16 port;
		u8 size;
		u32 count;		/* elements in this exit */
		bool string;
		bool rep;
		u8 addr_bytes;		/* address size of INS/OUTS: 2, 4 or 8 */
	} pio;
	struct hvx_mmio {
		u8 insn_len;
		u8 reg;			/* destination GPR */
		u8 reg_bytes, mem_bytes, kind;
		bool reg_high8;
	} mmio;

	u64 xcr0;			/* [v] guest XCR0 (XSETBV) */
	unsigned long cr2;		/* [v] guest CR2 where the VMCB/VMCS lacks it (VMX) */
	u64 cr8;			/* [v] guest TPR (CR8) */
	int in_guest_cpu;		/* CPU the vCPU is in guest mode on, or -1 */
	u64 apic_base;			/* [v] as KVM keeps it without an irqchip */
	u64 hsave_pa;			/* [v] the guest's own VM_HSAVE_PA */
	u64 dr[4];			/* [v] guest DR0-3 once the guest uses them */
	bool dr_switch;			/* [v] DR0-3 are switched on each entry */
	int last_cpu;			/* [v] CPU of the last entry, -1 if none */

	struct fpu_guest guest_fpu;	/* [c] guest FPU/SSE/AVX state */
	struct hvx_vcpu_stat {
		u64 exits, io_exits, mmio_exits, halt_exits, cpuid_exits,
		    msr_exits, npf_exits, intr_exits;
	} stat;				/* [v] */
};

struct hvx_vm {
	struct kref ref;		/* VM fd + one per vCPU fd */
	struct mm_struct *mm;		/* [c] the creator's mm (mmgrab'ed) */
	struct mutex lock;		/* vCPU creation */
	struct mutex slots_lock;	/* memslots, pinning, NPT updates */
	struct rw_semaphore mmu_sem;	/* see [m] above */
	struct hvx_memslot *slots[HVX_MAX_MEMSLOTS];	/* [s] */
	u64 tlb_gen;			/* [m] bumped when a mapping is removed */
	struct hvx_vcpu *vcpus[HVX_MAX_VCPUS];	/* [l] */
	u32 nr_vcpus;			/* [l] */
	unsigned long pinned_pages;	/* [s] */
	void *tdp_root;			/* [s] top page of the NPT/EPT table */
	u64 tdp_root_pa;		/* [c] */
};

/* main.c */
int hvx_hw_get(void);
void hvx_hw_put(void);
extern atomic_long_t hvx_stat_pinned_pages;
extern atomic_t hvx_stat_vms;
extern bool hvx_trace_exits;

/* dev.c */
int hvx_dev_init(void);
void hvx_dev_exit(void);

/* vm.c */
struct hvx_vm *hvx_vm_create(unsigned long type);
void hvx_vm_get(struct hvx_vm *vm);
void hvx_vm_put(struct hvx_vm *vm);
int hvx_vm_set_memory_region(struct hvx_vm *vm,
			     const struct kvm_userspace_memory_region *mem);
struct hvx_memslot *hvx_gpa_to_slot(struct hvx_vm *vm, u64 gpa);
int hvx_vm_map_gpa(struct hvx_vm *vm, u64 gpa, bool write);
int hvx_read_guest(struct hvx_vm *vm, u64 gpa, void *buf, unsigned int len);
int hvx_write_guest(struct hvx_vm *vm, u64 gpa, const void *buf, unsigned int len);

/* vcpu.c */
struct hvx_vcpu *hvx_vcpu_create(struct hvx_vm *vm, u32 id);
void hvx_vcpu_destroy(struct hvx_vcpu *vcpu);
int hvx_vcpu_run(struct hvx_vcpu *vcpu);
void hvx_vcpu_load(struct hvx_vcpu *vcpu);
void hvx_vcpu_put(struct hvx_vcpu *vcpu);
int hvx_vcpu_get_regs(struct hvx_vcpu *vcpu, struct kvm_regs *regs);
int hvx_vcpu_set_regs(struct hvx_vcpu *vcpu, const struct kvm_regs *regs);
void hvx_vcpu_reset_regs(struct hvx_vcpu *vcpu);
int hvx_vcpu_set_sregs(struct hvx_vcpu *vcpu, const struct kvm_sregs *sregs);

/* CR4 bits a guest may set (the rest are reserved or not virtualized). */
#define HVX_CR4_GUEST_BITS						\
	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |		\
	 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |	\
	 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |		\
	 X86_CR4_OSXSAVE | X86_CR4_FSGSBASE | X86_CR4_PCIDE |		\
	 X86_CR4_SMEP | X86_CR4_SMAP)
void hvx_host_machine_check(void);

/*
 * Host state that neither VMRUN nor a VM exit switches and that the guest
 * can change: XCR0, PKRU, DR0-3/DR6/DR7. Both backends call these with
 * interrupts off, right around the world switch.
 */
struct hvx_host_state {
	u32 pkru;
	bool xcr0_switched;
};
void hvx_load_guest_state(struct hvx_vcpu *vcpu, struct hvx_host_state *h);
void hvx_put_guest_state(struct hvx_vcpu *vcpu, struct hvx_host_state *h);
void hvx_vcpu_init_host_state(void);
bool hvx_cpu_enabled(int cpu);

/* emulate.c: exits whose handling is the same on every backend */
int hvx_handle_pio(struct hvx_vcpu *vcpu, u16 port, u8 size, bool in,
		   bool string, bool rep, u8 addr_bytes, u64 next_rip);
int hvx_handle_mmio(struct hvx_vcpu *vcpu, u64 gpa, bool write);
int hvx_complete_io(struct hvx_vcpu *vcpu);
int hvx_insn_len(struct hvx_vcpu *vcpu);
int hvx_handle_hlt(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_internal_error(struct hvx_vcpu *vcpu, u32 suberror, u64 raw);

/* cpuid.c */
int hvx_handle_cpuid(struct hvx_vcpu *vcpu, u64 next_rip);

/* msr.c */
int hvx_handle_rdmsr(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_handle_wrmsr(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_handle_xsetbv(struct hvx_vcpu *vcpu, u64 next_rip);

/* mmu/tdp.c: the second-level page table (NPT or EPT) */
void *hvx_tdp_alloc_root(u64 *root_pa);
int hvx_tdp_map(void *root, u64 gpa, u64 hpa, bool writable);
void hvx_tdp_unmap_range(void *root, u64 gpa, u64 npages);
void hvx_tdp_free(void *root);

#endif
