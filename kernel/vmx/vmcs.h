/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field encodings (SDM Vol. 3D, Appendix B "Field Encoding in VMCS")
 * and accessors typed by width. Bits 14:13 of an encoding give the
 * field's width; each accessor checks at build time that it is used on a
 * field of its width, and a failed VMREAD/VMWRITE is reported with the
 * field, the value and the VM-instruction error.
 */
#ifndef HVX_VMX_VMCS_H
#define HVX_VMX_VMCS_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/printk.h>
#include <linux/compiler.h>

enum vmcs_field {
	/* 16-bit */
	VIRTUAL_PROCESSOR_ID		= 0x0000,
	GUEST_ES_SELECTOR		= 0x0800,
	GUEST_CS_SELECTOR		= 0x0802,
	GUEST_SS_SELECTOR		= 0x0804,
	GUEST_DS_SELECTOR		= 0x0806,
	GUEST_FS_SELECTOR		= 0x0808,
	GUEST_GS_SELECTOR		= 0x080a,
	GUEST_LDTR_SELECTOR		= 0x080c,
	GUEST_TR_SELECTOR		= 0x080e,
	HOST_ES_SELECTOR		= 0x0c00,
	HOST_CS_SELECTOR		= 0x0c02,
	HOST_SS_SELECTOR		= 0x0c04,
	HOST_DS_SELECTOR		= 0x0c06,
	HOST_FS_SELECTOR		= 0x0c08,
	HOST_GS_SELECTOR		= 0x0c0a,
	HOST_TR_SELECTOR		= 0x0c0c,
	/* 64-bit */
	IO_BITMAP_A			= 0x2000,
	IO_BITMAP_B			= 0x2002,
	MSR_BITMAP			= 0x2004,
	TSC_OFFSET			= 0x2010,
	EPT_POINTER			= 0x201a,
	GUEST_PHYSICAL_ADDRESS		= 0x2400,
	VMCS_LINK_POINTER		= 0x2800,
	GUEST_IA32_DEBUGCTL		= 0x2802,
	GUEST_IA32_PAT			= 0x2804,
	GUEST_IA32_EFER			= 0x2806,
	GUEST_PDPTR0			= 0x280a,
	GUEST_PDPTR1			= 0x280c,
	GUEST_PDPTR2			= 0x280e,
	GUEST_PDPTR3			= 0x2810,
	HOST_IA32_PAT			= 0x2c00,
	HOST_IA32_EFER			= 0x2c02,
	/* 32-bit */
	PIN_BASED_VM_EXEC_CONTROL	= 0x4000,
	CPU_BASED_VM_EXEC_CONTROL	= 0x4002,
	EXCEPTION_BITMAP		= 0x4004,
	PAGE_FAULT_ERROR_CODE_MASK	= 0x4006,
	PAGE_FAULT_ERROR_CODE_MATCH	= 0x4008,
	CR3_TARGET_COUNT		= 0x400a,
	VM_EXIT_CONTROLS		= 0x400c,
	VM_EXIT_MSR_STORE_COUNT		= 0x400e,
	VM_EXIT_MSR_LOAD_COUNT		= 0x4010,
	VM_ENTRY_CONTROLS		= 0x4012,
	VM_ENTRY_MSR_LOAD_COUNT		= 0x4014,
	VM_ENTRY_INTR_INFO_FIELD	= 0x4016,
	VM_ENTRY_EXCEPTION_ERROR_CODE	= 0x4018,
	VM_ENTRY_INSTRUCTION_LEN	= 0x401a,
	SECONDARY_VM_EXEC_CONTROL	= 0x401e,
	VM_INSTRUCTION_ERROR		= 0x4400,
	VM_EXIT_REASON			= 0x4402,
	VM_EXIT_INTR_INFO		= 0x4404,
	VM_EXIT_INTR_ERROR_CODE		= 0x4406,
	IDT_VECTORING_INFO_FIELD	= 0x4408,
	IDT_VECTORING_ERROR_CODE	= 0x440a,
	VM_EXIT_INSTRUCTION_LEN		= 0x440c,
	VMX_INSTRUCTION_INFO		= 0x440e,
	GUEST_ES_LIMIT			= 0x4800,
	GUEST_CS_LIMIT			= 0x4802,
	GUEST_SS_LIMIT			= 0x4804,
	GUEST_DS_LIMIT			= 0x4806,
	GUEST_FS_LIMIT			= 0x4808,
	GUEST_GS_LIMIT			= 0x480a,
	GUEST_LDTR_LIMIT		= 0x480c,
	GUEST_TR_LIMIT			= 0x480e,
	GUEST_GDTR_LIMIT		= 0x4810,
	GUEST_IDTR_LIMIT		= 0x4812,
	GUEST_ES_AR_BYTES		= 0x4814,
	GUEST_CS_AR_BYTES		= 0x4816,
	GUEST_SS_AR_BYTES		= 0x4818,
	GUEST_DS_AR_BYTES		= 0x481a,
	GUEST_FS_AR_BYTES		= 0x481c,
	GUEST_GS_AR_BYTES		= 0x481e,
	GUEST_LDTR_AR_BYTES		= 0x4820,
	GUEST_TR_AR_BYTES		= 0x4822,
	GUEST_INTERRUPTIBILITY_INFO	= 0x4824,
	GUEST_ACTIVITY_STATE		= 0x4826,
	GUEST_SYSENTER_CS		= 0x482a,
	HOST_IA32_SYSENTER_CS		= 0x4c00,
	/* natural width */
	CR0_GUEST_HOST_MASK		= 0x6000,
	CR4_GUEST_HOST_MASK		= 0x6002,
	CR0_READ_SHADOW			= 0x6004,
	CR4_READ_SHADOW			= 0x6006,
	EXIT_QUALIFICATION		= 0x6400,
	GUEST_LINEAR_ADDRESS		= 0x640a,
	GUEST_CR0			= 0x6800,
	GUEST_CR3			= 0x6802,
	GUEST_CR4			= 0x6804,
	GUEST_ES_BASE			= 0x6806,
	GUEST_CS_BASE			= 0x6808,
	GUEST_SS_BASE			= 0x680a,
	GUEST_DS_BASE			= 0x680c,
	GUEST_FS_BASE			= 0x680e,
	GUEST_GS_BASE			= 0x6810,
	GUEST_LDTR_BASE			= 0x6812,
	GUEST_TR_BASE			= 0x6814,
	GUEST_GDTR_BASE			= 0x6816,
	GUEST_IDTR_BASE			= 0x6818,
	GUEST_DR7			= 0x681a,
	GUEST_RSP			= 0x681c,
	GUEST_RIP			= 0x681e,
	GUEST_RFLAGS			= 0x6820,
	GUEST_PENDING_DBG_EXCEPTIONS	= 0x6822,
	GUEST_SYSENTER_ESP		= 0x6824,
	GUEST_SYSENTER_EIP		= 0x6826,
	HOST_CR0			= 0x6c00,
	HOST_CR3			= 0x6c02,
	HOST_CR4			= 0x6c04,
	HOST_FS_BASE			= 0x6c06,
	HOST_GS_BASE			= 0x6c08,
	HOST_TR_BASE			= 0x6c0a,
	HOST_GDTR_BASE			= 0x6c0c,
	HOST_IDTR_BASE			= 0x6c0e,
	HOST_IA32_SYSENTER_ESP		= 0x6c10,
	HOST_IA32_SYSENTER_EIP		= 0x6c12,
	HOST_RSP			= 0x6c14,
	HOST_RIP			= 0x6c16,
};

/* Field width, encoding bits 14:13 (SDM Vol. 3D, B.0 "Field Encoding"). */
#define VMCS_W_16	0
#define VMCS_W_64	1
#define VMCS_W_32	2
#define VMCS_W_NAT	3
#define VMCS_WIDTH(f)	(((f) >> 13) & 3)

void hvx_vmcs_error(const char *op, unsigned long field, u64 value);

static __always_inline u64 __vmcs_read(unsigned long field)
{
	u64 value;
	bool fail;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm"(value), "=@ccbe"(fail)
		     : [field] "r"(field) : "cc");
	if (unlikely(fail))
		hvx_vmcs_error("vmread", field, 0);
	return value;
}

static __always_inline void __vmcs_write(unsigned long field, u64 value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccbe"(fail)
		     : [field] "r"(field), [value] "rm"(value) : "cc");
	if (unlikely(fail))
		hvx_vmcs_error("vmwrite", field, value);
}

#define VMCS_CHECK(field, width) \
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) && VMCS_WIDTH(field) != (width), \
			 "VMCS accessor of the wrong width for this field")

static __always_inline u16 vmcs_read16(enum vmcs_field f)
{
	VMCS_CHECK(f, VMCS_W_16);
	return __vmcs_read(f);
}

static __always_inline u32 vmcs_read32(enum vmcs_field f)
{
	VMCS_CHECK(f, VMCS_W_32);
	return __vmcs_read(f);
}

static __always_inline u64 vmcs_read64(enum vmcs_field f)
{
	VMCS_CHECK(f, VMCS_W_64);
	return __vmcs_read(f);
}

static __always_inline unsigned long vmcs_readl(enum vmcs_field f)
{
	VMCS_CHECK(f, VMCS_W_NAT);
	return __vmcs_read(f);
}

static __always_inline void vmcs_write16(enum vmcs_field f, u16 v)
{
	VMCS_CHECK(f, VMCS_W_16);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write32(enum vmcs_field f, u32 v)
{
	VMCS_CHECK(f, VMCS_W_32);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write64(enum vmcs_field f, u64 v)
{
	VMCS_CHECK(f, VMCS_W_64);
	__vmcs_write(f, v);
}

static __always_inline void vmcs_writel(enum vmcs_field f, unsigned long v)
{
	VMCS_CHECK(f, VMCS_W_NAT);
	__vmcs_write(f, v);
}

/* Segment access rights in the VMCS (SDM Vol. 3C, 25.4.1, Table 25-2). */
#define VMX_AR_TYPE_MASK	0xf
#define VMX_AR_S		BIT(4)
#define VMX_AR_DPL_SHIFT	5
#define VMX_AR_P		BIT(7)
#define VMX_AR_AVL		BIT(12)
#define VMX_AR_L		BIT(13)
#define VMX_AR_DB		BIT(14)
#define VMX_AR_G		BIT(15)
#define VMX_AR_UNUSABLE		BIT(16)

/* VM-execution, exit and entry control bits (SDM Vol. 3C, 25.6-25.8). */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)

#define CPU_INTR_WINDOW_EXITING		BIT(2)
#define CPU_NMI_WINDOW_EXITING		BIT(22)

#define CPU_USE_TSC_OFFSETTING		BIT(3)
#define CPU_HLT_EXITING			BIT(7)
#define CPU_INVLPG_EXITING		BIT(9)
#define CPU_MWAIT_EXITING		BIT(10)
#define CPU_RDPMC_EXITING		BIT(11)
#define CPU_RDTSC_EXITING		BIT(12)
#define CPU_CR3_LOAD_EXITING		BIT(15)
#define CPU_CR3_STORE_EXITING		BIT(16)
#define CPU_CR8_LOAD_EXITING		BIT(19)
#define CPU_CR8_STORE_EXITING		BIT(20)
#define CPU_TPR_SHADOW			BIT(21)
#define CPU_MOV_DR_EXITING		BIT(23)
#define CPU_UNCOND_IO_EXITING		BIT(24)
#define CPU_USE_IO_BITMAPS		BIT(25)
#define CPU_MONITOR_TRAP_FLAG		BIT(27)
#define CPU_USE_MSR_BITMAPS		BIT(28)
#define CPU_MONITOR_EXITING		BIT(29)
#define CPU_PAUSE_EXITING		BIT(30)
#define CPU_SECONDARY_CONTROLS		BIT(31)

#define SEC_ENABLE_EPT			BIT(1)
#define SEC_DESC_EXITING		BIT(2)
#define SEC_ENABLE_RDTSCP		BIT(3)
#define SEC_ENABLE_VPID			BIT(5)
#define SEC_WBINVD_EXITING		BIT(6)
#define SEC_UNRESTRICTED_GUEST		BIT(7)
#define SEC_ENABLE_INVPCID		BIT(12)
#define SEC_ENABLE_VMFUNC		BIT(13)
#define SEC_ENABLE_XSAVES		BIT(20)

#define EXIT_SAVE_DEBUG_CONTROLS	BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)
#define EXIT_ACK_INTR_ON_EXIT		BIT(15)
#define EXIT_SAVE_IA32_PAT		BIT(18)
#define EXIT_LOAD_IA32_PAT		BIT(19)
#define EXIT_SAVE_IA32_EFER		BIT(20)
#define EXIT_LOAD_IA32_EFER		BIT(21)

#define ENTRY_LOAD_DEBUG_CONTROLS	BIT(2)
#define ENTRY_IA32E_MODE		BIT(9)
#define ENTRY_LOAD_IA32_PAT		BIT(14)
#define ENTRY_LOAD_IA32_EFER		BIT(15)

/* Interruption information, for entry and exit (SDM Vol. 3C, 25.8.3, 25.9.2). */
#define INTR_INFO_VECTOR_MASK		0xff
#define INTR_INFO_TYPE_MASK		(7 << 8)
#define INTR_TYPE_EXT_INTR		(0 << 8)
#define INTR_TYPE_NMI			(2 << 8)
#define INTR_TYPE_HARD_EXCEPTION	(3 << 8)
#define INTR_TYPE_SOFT_INTR		(4 << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION	(5 << 8)
#define INTR_TYPE_SOFT_EXCEPTION	(6 << 8)
#define INTR_INFO_DELIVER_CODE		BIT(11)
#define INTR_INFO_VALID			BIT(31)
#define INTR_INFO_UNBLOCK_NMI		BIT(12)	/* exit in an IRET that unblocked NMIs */

/* Guest interruptibility state (SDM Vol. 3C, 25.4.2, Table 25-3). */
#define GUEST_INTR_STATE_STI		BIT(0)
#define GUEST_INTR_STATE_MOV_SS		BIT(1)
#define GUEST_INTR_STATE_NMI		BIT(3)

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D, A.10) */
#define EPT_CAP_WALK_4			BIT_ULL(6)
#define EPT_CAP_WB			BIT_ULL(14)
#define EPT_CAP_INVEPT			BIT_ULL(20)
#define EPT_CAP_INVEPT_SINGLE		BIT_ULL(25)
#define EPT_CAP_INVEPT_ALL		BIT_ULL(26)
#define VPID_CAP_INVVPID		BIT_ULL(32)

/* EPT entries (SDM Vol. 3C, 29.3.2) */
#define EPT_R			BIT_ULL(0)
#define EPT_W			BIT_ULL(1)
#define EPT_X			BIT_ULL(2)
#define EPT_MT_WB		(6ULL << 3)
#define EPTP_WB			6ULL
#define EPTP_WALK_4		(3ULL << 3)

#endif
