/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvx core: the VM and vCPU objects shared by the vendor-neutral code and
 * the backends. Each field says who may change it and under which lock:
 *   [c]  set at creation, constant afterwards
 *   [v]  vcpu->mutex (the vCPU's ioctls, KVM_RUN among them)
 *   [s]  vm->slots_lock
 *   [m]  vm->mmu_sem (held for reading around every guest entry, for
 *        writing while guest mappings are torn down or write-protected)
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
#include <linux/wait.h>
#include <asm/irq_vectors.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#define HVX_API_VERSION		12	/* KVM_API_VERSION, api.rst 4.1 */
#define HVX_MAX_MEMSLOTS	32
#define HVX_MAX_VCPUS		16
#define HVX_MAX_VCPU_ID		HVX_MAX_VCPUS
/* Pages of the vCPU mmap: struct kvm_run, then the PIO data page. */
#define HVX_PIO_PAGE_OFFSET	1
#define HVX_VCPU_MMAP_PAGES	2
/* The id and name strings of KVM_GET_STATS_FD (KVM's KVM_STATS_NAME_SIZE). */
#define HVX_STATS_NAME_SIZE	48
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

/*
 * Why a vCPU exited, in a few vendor-neutral kinds counted per vCPU and
 * offered by KVM_GET_STATS_FD (stats.c). Each backend maps its raw exit
 * codes to these with a table (exit_kinds below); codes it leaves out
 * are HVX_EXIT_OTHER.
 */
enum hvx_exit_kind {
	HVX_EXIT_OTHER,		/* must be 0: the tables' default */
	HVX_EXIT_INTR,		/* a physical interrupt */
	HVX_EXIT_EXCEPTION,	/* an intercepted exception, or a physical NMI */
	HVX_EXIT_IRQ_WINDOW,	/* the guest can take an interrupt */
	HVX_EXIT_NMI_WINDOW,	/* ... an NMI (SVM: the IRET intercept) */
	HVX_EXIT_IO,
	HVX_EXIT_HLT,
	HVX_EXIT_CPUID,
	HVX_EXIT_MSR,		/* RDMSR or WRMSR */
	HVX_EXIT_TDP_FAULT,	/* nested page fault (NPF) or EPT violation */
	HVX_EXIT_CR,		/* control-register access */
	HVX_EXIT_DR,		/* debug-register access */
	HVX_EXIT_XSETBV,
	HVX_EXIT_HYPERCALL,	/* VMMCALL or VMCALL */
	HVX_NR_EXIT_KINDS
};

struct hvx_vendor_ops {
#define HVX_OP(name, ret, args) ret (*name) args;
#include "hvx_ops.h"
#undef HVX_OP
	/* Raw exit code -> enum hvx_exit_kind, for the codes below nr_exit_kinds. */
	const u8 *exit_kinds;
	u32 nr_exit_kinds;
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
	u32 flags;		/* [s] KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES */
	u64 gpa;		/* [s] changed by a move */
	u64 npages;		/* [c] */
	u64 uaddr;		/* [c] */
	struct xarray *pages;	/* [s] page index -> pinned struct page, filled on first touch */
	/* [s] With KVM_MEM_LOG_DIRTY_PAGES: a bit per page written since the
	 * last KVM_GET_DIRTY_LOG; a page is mapped writable only while its
	 * bit is set (vm.c). NULL without logging. */
	unsigned long *dirty_bitmap;
};

/* What a vCPU must finish on the next KVM_RUN after an exit to user space. */
enum hvx_pending_io {
	HVX_IO_NONE = 0,
	HVX_IO_PIO_IN,		/* copy run->io data to RAX (or guest memory for INS) */
	HVX_IO_PIO_OUT,		/* only skip the instruction */
	HVX_IO_MMIO_READ,	/* write run->mmio.data to the destination register */
	HVX_IO_MSR_READ,	/* KVM_EXIT_X86_RDMSR: run->msr.data to EDX:EAX, or #GP */
	HVX_IO_MSR_WRITE,	/* KVM_EXIT_X86_WRMSR: skip the WRMSR, or #GP */
};

/* Guest general-purpose registers, indexed as in the instruction encoding. */
enum hvx_reg {
	HVX_RAX, HVX_RCX, HVX_RDX, HVX_RBX, HVX_RSP, HVX_RBP, HVX_RSI, HVX_RDI,
	HVX_R8, HVX_R9, HVX_R10, HVX_R11, HVX_R12, HVX_R13, HVX_R14, HVX_R15,
	HVX_NR_GPRS
};

/* The one event the next entry delivers (see event.c). */
enum hvx_inj_type { HVX_INJ_NONE, HVX_INJ_EXCEPTION, HVX_INJ_NMI, HVX_INJ_EXTINT };
struct hvx_inj {
	u8 type;		/* enum hvx_inj_type */
	u8 vector;
	bool has_error;
	u32 error;
};

/* vcpu->requests bits, set by any thread, cleared by the vCPU's. */
#define HVX_REQ_EVENT		0	/* look at the event sources again */
/* vcpu->apic_events bits, sent by other vCPUs' APICs. */
#define HVX_APIC_INIT		0
#define HVX_APIC_SIPI		1

/* MSRs kept in software (msr.c); the backend keeps the ones it switches. */
#define HVX_NR_VAR_MTRR		8
struct hvx_msrs {
	u64 mtrr_var[2 * HVX_NR_VAR_MTRR];	/* PHYSBASEn/PHYSMASKn from 0x200 */
	u64 mtrr_fixed[11];		/* 0x250, 0x258-0x259, 0x268-0x26f */
	u64 mtrr_def_type;
	u64 misc_enable;
	u64 tsc_adjust;
	u64 mcg_status;
	u64 ucode_rev;
	u64 power_ctl;			/* IA32_POWER_CTL: kept, no effect (as KVM) */
	u64 platform_info;		/* MSR_PLATFORM_INFO, set by user space */
	u64 misc_features;		/* MSR_MISC_FEATURES_ENABLES: CPUID faulting */
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
	u64 dr6;			/* [v] guest DR6 where the VMCB/VMCS lacks it (VMX) */
	bool dr_switch;			/* [v] DR0-3 are switched on each entry */
	int last_cpu;			/* [v] CPU of the last entry, -1 if none */

	struct fpu_guest guest_fpu;	/* [c] guest FPU/SSE/AVX state */
	struct hvx_lapic *apic;		/* [c] local APIC, if the VM has an irqchip */
	/* [v] Guest CPUID (cpuid.c): the KVM_SET_CPUID2 table once cpuid_set,
	 * hvx's default model before. */
	struct kvm_cpuid_entry2 *cpuid;
	u32 cpuid_nent;
	bool cpuid_set;
	struct hvx_msrs msrs;		/* [v] */

	/* Events (event.c). [v] unless marked [a]: atomic, any thread. */
	unsigned long requests;		/* [a] HVX_REQ_* */
	unsigned long apic_events;	/* [a] HVX_APIC_INIT, HVX_APIC_SIPI */
	u8 sipi_vector;			/* [a] written before HVX_APIC_SIPI is set */
	atomic_t nmi_queued;		/* [a] NMIs sent, not yet counted below */
	u8 nmi_pending;			/* NMIs waiting for the guest to take them */
	u32 mp_state;			/* KVM_MP_STATE_* */
	int user_irq;			/* KVM_INTERRUPT vector waiting, or -1 */
	struct hvx_inj inj;		/* delivered at the next entry */
	wait_queue_head_t wq;		/* HLT and wait-for-SIPI sleep here */
	/*
	 * Counters for KVM_GET_STATS_FD (stats.c), named there. Written only
	 * by the vCPU's own thread ([v]); a stats fd reads them at any time
	 * with READ_ONCE (a u64 store is not torn on x86-64).
	 */
	struct hvx_vcpu_stat {
		u64 exits;			/* every VM exit */
		u64 exit_kind[HVX_NR_EXIT_KINDS];	/* the same, by kind */
		u64 mmio_exits;			/* KVM_EXIT_MMIO */
		u64 signal_exits;		/* KVM_EXIT_INTR for a signal */
		u64 request_irq_exits;		/* KVM_EXIT_IRQ_WINDOW_OPEN */
		u64 insn_emulation;		/* guest instructions decoded */
		u64 insn_emulation_fail;	/* ... that hvx could not emulate */
		u64 irq_injections;		/* interrupts injected */
		u64 nmi_injections;		/* NMIs injected */
		u64 halt_wakeup;		/* wake-ups after sleeping in HLT or for INIT/SIPI */
	} stat;
	char stats_id[HVX_STATS_NAME_SIZE];	/* [c] "kvm-PID/vcpu-ID", as KVM */
};

struct hvx_vm {
	struct kref ref;		/* VM fd + one per vCPU fd */
	struct mm_struct *mm;		/* [c] the creator's mm (mmgrab'ed) */
	struct mutex lock;		/* vCPU creation */
	struct mutex slots_lock;	/* memslots, pinning, NPT updates */
	struct rw_semaphore mmu_sem;	/* see [m] above */
	struct hvx_memslot *slots[HVX_MAX_MEMSLOTS];	/* [s] */
	u64 tlb_gen;			/* [m] bumped when a mapping is removed or
					 * loses write access */
	struct hvx_vcpu *vcpus[HVX_MAX_VCPUS];	/* [l] */
	u32 nr_vcpus;			/* [l] */
	unsigned long pinned_pages;	/* [s] */
	void *tdp_root;			/* [s] top page of the NPT/EPT table */
	/* In-kernel devices (irq/irq.h); set once under [l], never cleared
	 * before the VM goes away. */
	struct hvx_pic *pic;
	struct hvx_ioapic *ioapic;
	struct hvx_pit *pit;
	bool irqchip;			/* KVM_CREATE_IRQCHIP done */
	/* [l] Guest TSC = host TSC + tsc_offset: 0 when the first vCPU is
	 * created, as KVM starts it, and the same on every vCPU. */
	s64 tsc_offset;
	bool tsc_started;
	u64 tdp_root_pa;		/* [c] */
	/* [l] KVM_CAP_MAX_VCPU_ID enabled on the VM, or the default set by the
	 * first KVM_CREATE_VCPU; 0 until either happens. */
	u32 max_vcpu_ids;
	/* [s] KVM_GET/SET_NR_MMU_PAGES: stored, no effect (docs/api.md). */
	unsigned long nr_mmu_pages;
	bool nr_mmu_pages_set;		/* [s] user space chose nr_mmu_pages */
	/* KVM_X86_SET_MSR_FILTER (msr.c): replaced under [l], read under RCU;
	 * NULL when every MSR is allowed. */
	struct hvx_msr_filter __rcu *msr_filter;
	/* KVM_CAP_X86_USER_SPACE_MSR: the KVM_MSR_EXIT_REASON_* that exit to
	 * user space instead of raising #GP. */
	u32 user_space_msr_mask;
	char stats_id[HVX_STATS_NAME_SIZE];	/* [c] "kvm-PID", as KVM */
	/* [l] KVM_SET_BOOT_CPU_ID: the id of the vCPU that starts as the BSP. */
	u32 bsp_vcpu_id;
	/* KVM_CAP_MSR_PLATFORM_INFO: the guest may read MSR_PLATFORM_INFO
	 * (true from creation, as in KVM). */
	bool guest_reads_platform_info;
	/* KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR: kept, unused (vm.c). */
	u32 tss_addr;
	u64 identity_map_addr;		/* [l] */
};

/*
 * Every vCPU of vm, from any thread, inside rcu_read_lock(): the core
 * waits for a grace period between unlisting a vCPU and freeing it.
 */
#define hvx_for_each_vcpu(i, vcpu, vm)					\
	for ((i) = 0; (i) < HVX_MAX_VCPUS; (i)++)			\
		if (((vcpu) = READ_ONCE((vm)->vcpus[i])) != NULL)

/* main.c */
int hvx_hw_get(void);
void hvx_hw_put(void);
extern atomic_long_t hvx_stat_pinned_pages;
extern atomic_t hvx_stat_vms;
extern bool hvx_trace_exits;

/* dev.c */
int hvx_dev_init(void);
void hvx_dev_exit(void);

/* stats.c: KVM_GET_STATS_FD (api.rst 4.133) */
void hvx_stats_init(void);
void hvx_stats_name_vm(struct hvx_vm *vm);
void hvx_stats_name_vcpu(struct hvx_vcpu *vcpu);
int hvx_stats_vm_fd(struct hvx_vm *vm);
int hvx_stats_vcpu_fd(struct hvx_vcpu *vcpu);
void hvx_count_exit(struct hvx_vcpu *vcpu, u32 code);

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
int hvx_vm_get_dirty_log(struct hvx_vm *vm, const struct kvm_dirty_log *log);
int hvx_vm_set_nr_mmu_pages(struct hvx_vm *vm, unsigned long n);
unsigned long hvx_vm_get_nr_mmu_pages(struct hvx_vm *vm);
int hvx_vm_set_tss_addr(struct hvx_vm *vm, unsigned long addr);
int hvx_vm_set_identity_map_addr(struct hvx_vm *vm, const u64 __user *arg);
int hvx_vm_set_boot_cpu_id(struct hvx_vm *vm, unsigned long id);
int hvx_vm_enable_cap(struct hvx_vm *vm, const struct kvm_enable_cap *cap);
int hvx_vm_check_vcpu_id(struct hvx_vm *vm, unsigned long id);

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
void hvx_vcpu_get_sregs(struct hvx_vcpu *vcpu, struct kvm_sregs *sregs);
u64 hvx_vcpu_apic_base(struct hvx_vcpu *vcpu);
u64 hvx_guest_tsc(struct hvx_vcpu *vcpu);
void hvx_vcpu_get_debugregs(struct hvx_vcpu *vcpu, struct kvm_debugregs *d);
int hvx_vcpu_set_debugregs(struct hvx_vcpu *vcpu, const struct kvm_debugregs *d);
u64 hvx_cr4_reserved(struct hvx_vcpu *vcpu);

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

/* event.c */
void hvx_event_init(struct hvx_vcpu *vcpu);
void hvx_event_reset(struct hvx_vcpu *vcpu);
void hvx_queue_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error, u32 error);
u32 hvx_inj_encode(const struct hvx_inj *inj, bool protected_mode);
void hvx_inj_decode(struct hvx_vcpu *vcpu, u32 info, u32 error);
bool hvx_guest_mode_enter(struct hvx_vcpu *vcpu, int cpu);
int hvx_vcpu_prepare_entry(struct hvx_vcpu *vcpu);
bool hvx_vcpu_ready_for_interrupt(struct hvx_vcpu *vcpu);
int hvx_vcpu_check_irq_window(struct hvx_vcpu *vcpu);
int hvx_vcpu_wait_init(struct hvx_vcpu *vcpu);
int hvx_vcpu_interrupt(struct hvx_vcpu *vcpu, u32 irq);
int hvx_vcpu_nmi(struct hvx_vcpu *vcpu);
int hvx_vcpu_get_mp_state(struct hvx_vcpu *vcpu, struct kvm_mp_state *mp);
int hvx_vcpu_set_mp_state(struct hvx_vcpu *vcpu, const struct kvm_mp_state *mp);
int hvx_vcpu_get_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *ev);
int hvx_vcpu_set_events(struct hvx_vcpu *vcpu, const struct kvm_vcpu_events *ev);

/* emulate.c: exits whose handling is the same on every backend */
int hvx_handle_pio(struct hvx_vcpu *vcpu, u16 port, u8 size, bool in,
		   bool string, bool rep, u8 addr_bytes, u64 next_rip);
int hvx_handle_mmio(struct hvx_vcpu *vcpu, u64 gpa, bool write);
int hvx_complete_io(struct hvx_vcpu *vcpu);
int hvx_insn_len(struct hvx_vcpu *vcpu);
int hvx_handle_hlt(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_internal_error(struct hvx_vcpu *vcpu, u32 suberror, u64 raw);

/* cpuid.c */
void hvx_cpuid_init(void);
void hvx_cpuid_free(struct hvx_vcpu *vcpu);
int hvx_handle_cpuid(struct hvx_vcpu *vcpu, u64 next_rip);
long hvx_get_supported_cpuid(struct kvm_cpuid2 __user *arg);
long hvx_vcpu_set_cpuid2(struct hvx_vcpu *vcpu, struct kvm_cpuid2 __user *arg);
long hvx_vcpu_set_cpuid(struct hvx_vcpu *vcpu, struct kvm_cpuid __user *arg);
long hvx_vcpu_get_cpuid2(struct hvx_vcpu *vcpu, struct kvm_cpuid2 __user *arg);
/* reg: CPUID_EAX..CPUID_EDX (asm/processor.h) */
bool hvx_guest_cpuid_has(struct hvx_vcpu *vcpu, u32 leaf, u32 index, int reg, int bit);
int hvx_guest_maxphyaddr(struct hvx_vcpu *vcpu);
u64 hvx_guest_xcr0_allowed(struct hvx_vcpu *vcpu);
u64 hvx_supported_xcr0(void);

static inline bool hvx_vcpu_is_reset_bsp(struct hvx_vcpu *vcpu)
{
	return vcpu->id == READ_ONCE(vcpu->vm->bsp_vcpu_id);
}

/* The register sets KVM_CAP_SYNC_REGS carries in run->s.regs (vcpu.c). */
#define HVX_SYNC_FIELDS	(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

/* msr.c */
void hvx_msrs_reset(struct hvx_vcpu *vcpu);
int hvx_handle_rdmsr(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_handle_wrmsr(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_handle_xsetbv(struct hvx_vcpu *vcpu, u64 next_rip);
int hvx_set_xcr0(struct hvx_vcpu *vcpu, u64 xcr0);
long hvx_get_msr_index_list(struct kvm_msr_list __user *arg);
long hvx_vcpu_msr_io(struct hvx_vcpu *vcpu, struct kvm_msrs __user *arg, bool write);
int hvx_complete_msr(struct hvx_vcpu *vcpu, bool read);
long hvx_vm_set_msr_filter(struct hvx_vm *vm, struct kvm_msr_filter __user *arg);
int hvx_vm_set_user_space_msr(struct hvx_vm *vm, u64 mask);
void hvx_vm_free_msr_filter(struct hvx_vm *vm);
bool hvx_msr_intercept_all(struct hvx_vcpu *vcpu);

/* state.c: FPU/XSAVE/XCR ioctls */
long hvx_vcpu_get_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu __user *arg);
long hvx_vcpu_set_fpu(struct hvx_vcpu *vcpu, struct kvm_fpu __user *arg);
int hvx_xsave2_size(void);
long hvx_vcpu_get_xsave(struct hvx_vcpu *vcpu, void __user *arg, bool xsave2);
long hvx_vcpu_set_xsave(struct hvx_vcpu *vcpu, void __user *arg);
long hvx_vcpu_get_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs __user *arg);
long hvx_vcpu_set_xcrs(struct hvx_vcpu *vcpu, struct kvm_xcrs __user *arg);

/* mmu/tdp.c: the second-level page table (NPT or EPT) */
void *hvx_tdp_alloc_root(u64 *root_pa);
int hvx_tdp_map(void *root, u64 gpa, u64 hpa, bool writable);
void hvx_tdp_unmap_range(void *root, u64 gpa, u64 npages);
bool hvx_tdp_write_protect(void *root, u64 gpa, u64 npages);
void hvx_tdp_free(void *root);

#endif
