/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Virtual Machine Control Block, APM Vol. 2, Appendix B "Layout of
 * VMCB": a 4 KiB page, the control area at 0x000 and the state save area
 * at 0x400. Every field's offset is checked at build time below.
 */
#ifndef HVX_SVM_VMCB_H
#define HVX_SVM_VMCB_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>

/* Intercept vector indexes (APM Table B-1, offsets 00Ch, 010h, 014h). */
enum {
	/* word 3, offset 0x00c */
	INTERCEPT_INTR = 0, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
	INTERCEPT_VINTR, INTERCEPT_CR0_SEL_WRITE, INTERCEPT_IDTR_READ,
	INTERCEPT_GDTR_READ, INTERCEPT_LDTR_READ, INTERCEPT_TR_READ,
	INTERCEPT_IDTR_WRITE, INTERCEPT_GDTR_WRITE, INTERCEPT_LDTR_WRITE,
	INTERCEPT_TR_WRITE, INTERCEPT_RDTSC, INTERCEPT_RDPMC, INTERCEPT_PUSHF,
	INTERCEPT_POPF, INTERCEPT_CPUID, INTERCEPT_RSM, INTERCEPT_IRET,
	INTERCEPT_INTn, INTERCEPT_INVD, INTERCEPT_PAUSE, INTERCEPT_HLT,
	INTERCEPT_INVLPG, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT,
	INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH, INTERCEPT_FERR_FREEZE,
	INTERCEPT_SHUTDOWN,
	/* word 4, offset 0x010 */
	INTERCEPT_VMRUN = 32, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
	INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
	INTERCEPT_RDTSCP, INTERCEPT_ICEBP, INTERCEPT_WBINVD, INTERCEPT_MONITOR,
	INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV,
	INTERCEPT_RDPRU,
	/* word 5, offset 0x014 */
	INTERCEPT_INVLPGB = 64, INTERCEPT_INVLPGB_ILLEGAL, INTERCEPT_INVPCID,
	INTERCEPT_MCOMMIT, INTERCEPT_TLBSYNC,
};

struct vmcb_control {
	u32 intercept_cr;		/* 0x000: 15:0 reads, 31:16 writes */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept[3];		/* 0x00c: INTERCEPT_* above, 32 per word */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_ctl;			/* 0x05c */
	u8 reserved_05d[3];
	u32 int_ctl;			/* 0x060: V_TPR, V_IRQ, V_INTR_MASKING... */
	u32 int_vector;			/* 0x064 */
	u32 int_state;			/* 0x068: bit 0 interrupt shadow */
	u8 reserved_06c[4];
	u64 exit_code;			/* 0x070 */
	u64 exit_info_1;		/* 0x078 */
	u64 exit_info_2;		/* 0x080 */
	u32 exit_int_info;		/* 0x088 */
	u32 exit_int_info_err;		/* 0x08c */
	u64 nested_ctl;			/* 0x090: bit 0 NP_ENABLE */
	u64 avic_vapic_bar;		/* 0x098 */
	u64 ghcb_gpa;			/* 0x0a0 */
	u32 event_inj;			/* 0x0a8 */
	u32 event_inj_err;		/* 0x0ac */
	u64 nested_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 */
	u32 reserved_0c4;
	u64 next_rip;			/* 0x0c8 */
	u8 insn_len;			/* 0x0d0 */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;

struct vmcb_seg {
	u16 selector;
	u16 attrib;		/* descriptor bits 55:52 and 47:40, packed */
	u32 limit;
	u64 base;
} __packed;

struct vmcb_save {
	struct vmcb_seg es;		/* 0x000 */
	struct vmcb_seg cs;		/* 0x010 */
	struct vmcb_seg ss;		/* 0x020 */
	struct vmcb_seg ds;		/* 0x030 */
	struct vmcb_seg fs;		/* 0x040 */
	struct vmcb_seg gs;		/* 0x050 */
	struct vmcb_seg gdtr;		/* 0x060 */
	struct vmcb_seg ldtr;		/* 0x070 */
	struct vmcb_seg idtr;		/* 0x080 */
	struct vmcb_seg tr;		/* 0x090 */
	u8 reserved_0a0[0x0cb - 0x0a0];
	u8 cpl;				/* 0x0cb */
	u32 reserved_0cc;
	u64 efer;			/* 0x0d0 */
	u8 reserved_0d8[0x148 - 0x0d8];
	u64 cr4;			/* 0x148 */
	u64 cr3;			/* 0x150 */
	u64 cr0;			/* 0x158 */
	u64 dr7;			/* 0x160 */
	u64 dr6;			/* 0x168 */
	u64 rflags;			/* 0x170 */
	u64 rip;			/* 0x178 */
	u8 reserved_180[0x1d8 - 0x180];
	u64 rsp;			/* 0x1d8 */
	u64 s_cet;			/* 0x1e0 */
	u64 ssp;			/* 0x1e8 */
	u64 isst_addr;			/* 0x1f0 */
	u64 rax;			/* 0x1f8 */
	u64 star;			/* 0x200 */
	u64 lstar;			/* 0x208 */
	u64 cstar;			/* 0x210 */
	u64 sfmask;			/* 0x218 */
	u64 kernel_gs_base;		/* 0x220 */
	u64 sysenter_cs;		/* 0x228 */
	u64 sysenter_esp;		/* 0x230 */
	u64 sysenter_eip;		/* 0x238 */
	u64 cr2;			/* 0x240 */
	u8 reserved_248[0x268 - 0x248];
	u64 g_pat;			/* 0x268 */
	u64 dbgctl;			/* 0x270 */
	u8 reserved_278[0xc00 - 0x278];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

static_assert(sizeof(struct vmcb_control) == 0x400);
static_assert(offsetof(struct vmcb_control, iopm_base_pa) == 0x040);
static_assert(offsetof(struct vmcb_control, asid) == 0x058);
static_assert(offsetof(struct vmcb_control, int_ctl) == 0x060);
static_assert(offsetof(struct vmcb_control, exit_code) == 0x070);
static_assert(offsetof(struct vmcb_control, exit_int_info) == 0x088);
static_assert(offsetof(struct vmcb_control, nested_ctl) == 0x090);
static_assert(offsetof(struct vmcb_control, event_inj) == 0x0a8);
static_assert(offsetof(struct vmcb_control, nested_cr3) == 0x0b0);
static_assert(offsetof(struct vmcb_control, clean) == 0x0c0);
static_assert(offsetof(struct vmcb_control, next_rip) == 0x0c8);
static_assert(offsetof(struct vmcb_control, insn_bytes) == 0x0d1);
static_assert(sizeof(struct vmcb_seg) == 16);
static_assert(offsetof(struct vmcb_save, tr) == 0x090);
static_assert(offsetof(struct vmcb_save, cpl) == 0x0cb);
static_assert(offsetof(struct vmcb_save, efer) == 0x0d0);
static_assert(offsetof(struct vmcb_save, cr4) == 0x148);
static_assert(offsetof(struct vmcb_save, rip) == 0x178);
static_assert(offsetof(struct vmcb_save, rsp) == 0x1d8);
static_assert(offsetof(struct vmcb_save, rax) == 0x1f8);
static_assert(offsetof(struct vmcb_save, star) == 0x200);
static_assert(offsetof(struct vmcb_save, cr2) == 0x240);
static_assert(offsetof(struct vmcb_save, g_pat) == 0x268);
static_assert(offsetof(struct vmcb, save) == 0x400);
static_assert(sizeof(struct vmcb) == 4096);

/* Segment attribute bits in struct vmcb_seg.attrib (APM 15.5.1). */
#define SVM_SEG_TYPE_MASK	0xf
#define SVM_SEG_S		BIT(4)
#define SVM_SEG_DPL_SHIFT	5
#define SVM_SEG_P		BIT(7)
#define SVM_SEG_AVL		BIT(8)
#define SVM_SEG_L		BIT(9)
#define SVM_SEG_DB		BIT(10)
#define SVM_SEG_G		BIT(11)

/* int_ctl */
#define SVM_V_TPR_MASK		0xf
#define SVM_V_IRQ		BIT(8)		/* a virtual interrupt is pending */
#define SVM_V_INTR_PRIO_SHIFT	16
#define SVM_V_IGN_TPR		BIT(20)
#define SVM_V_INTR_MASKING	BIT(24)
#define SVM_EXIT_VINTR_CODE	0x064
#define SVM_EXIT_IRET_CODE	0x074

/* Exit codes newer than the installed uapi <asm/svm.h> (APM Table C-1). */
#define SVM_EXIT_INVLPGB		0x0a0
#define SVM_EXIT_INVLPGB_ILLEGAL	0x0a1
#define SVM_EXIT_MCOMMIT		0x0a3
#define SVM_EXIT_TLBSYNC		0x0a4

/* int_state */
#define SVM_INT_SHADOW		BIT(0)

/* nested_ctl */
#define SVM_NESTED_CTL_NP_ENABLE BIT_ULL(0)

/* tlb_ctl (APM 15.16.1 "TLB Flush") */
#define SVM_TLB_NOTHING		0
#define SVM_TLB_FLUSH_ALL	1
#define SVM_TLB_FLUSH_ASID	3

/* EVENTINJ and EXITINTINFO (APM 15.20 "Event Injection") */
#define SVM_EVT_VECTOR_MASK	0xff
#define SVM_EVT_TYPE_SHIFT	8
#define SVM_EVT_TYPE_MASK	(7 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_INTR	(0 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_NMI	(2 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_EXCEPT	(3 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_SOFT	(4 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_EV		BIT(11)
#define SVM_EVT_VALID		BIT(31)

/* EXITINFO1 of an IOIO intercept (APM 15.10.2 "IN and OUT Behavior") */
#define SVM_IOIO_IN		BIT(0)
#define SVM_IOIO_STR		BIT(2)
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SIZE_SHIFT	4
#define SVM_IOIO_ADDR_SHIFT	7
#define SVM_IOIO_PORT_SHIFT	16

/* EXITINFO1 of a nested page fault (APM 15.25.6 "Nested versus Guest Page Faults") */
#define SVM_NPF_WRITE		BIT_ULL(1)
#define SVM_NPF_FETCH		BIT_ULL(4)
#define SVM_NPF_IN_WALK		BIT_ULL(33)

/* CPUID Fn8000_000A_EDX feature bits used by hvx */
#define SVM_FEAT_NPT		BIT(0)
#define SVM_FEAT_NRIPS		BIT(3)
#define SVM_FEAT_FLUSHBYASID	BIT(6)
#define SVM_FEAT_DECODEASSISTS	BIT(7)

#endif
