/*
 * Pieces shared by the interrupt test guests (tests/vm/tests_irq.c and
 * tests_smp.c), which run in the 64-bit mode the host sets up (lib64.h):
 * IDT gates above vector 31, the xAPIC page, waiting for an interrupt in
 * HLT, and waiting on another vCPU.
 *
 * Conventions: %r14 holds the xAPIC page's address (APIC_INIT), and no
 * handler changes it. The 4 KiB IDT at 0x7000 (256 gates) ends where
 * the image starts; the host fills vectors 0-31 with the lib64.h stubs.
 */
#include "lib64.h"

#define IDT		0x7000
#define APIC_BASE	0xfee00000
#define IOAPIC_BASE	0xfec00000

/* xAPIC register offsets (SDM Vol. 3A, 11.4.1 "The Local APIC Block
 * Diagram", Table 11-1 "Local APIC Register Address Map"). */
#define APIC_ID		0x20
#define APIC_VER	0x30
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SVR	0xf0
#define APIC_ISR	0x100	/* 8 registers, 0x10 apart */
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

/* ICR and LVT bits (SDM Vol. 3A, 11.6.1 "Interrupt Command Register",
 * 11.5.1 "Local Vector Table"). */
#define DM_FIXED	0x000
#define DM_NMI		0x400
#define DM_INIT		0x500
#define DM_STARTUP	0x600
#define DM_EXTINT	0x700
#define ICR_LOGICAL	0x800
#define ICR_PENDING	0x1000	/* delivery status: send pending */
#define ICR_ASSERT	0x4000
#define ICR_LEVEL	0x8000
#define LVT_MASKED	0x10000
#define LVTT_PERIODIC	0x20000
#define LVTT_DEADLINE	0x40000

#define MSR_APIC_BASE	0x1b
#define MSR_TSC_DEADLINE 0x6e0

	/* %r14 = the xAPIC page. (A 32-bit absolute address would be
	 * sign-extended as a displacement: keep it in a register.) */
	.macro	APIC_INIT
	mov	$APIC_BASE, %r14d
	.endm

	.macro	APIC_W reg, val
	movl	$(\val), \reg(%r14)
	.endm

	/* Send an IPI: destination field (bits 63:56 of the ICR) from
	 * \dest (register or $imm), low word \lo; the high half first, as
	 * the write to the low half sends (SDM Vol. 3A, 11.6.1). */
	.macro	APIC_IPI dest, lo
	mov	\dest, %eax
	shl	$24, %eax
	mov	%eax, APIC_ICR_HI(%r14)
	movl	$(\lo), APIC_ICR_LO(%r14)
	.endm

	/* Gate \vector -> \handler: 64-bit interrupt gate, DPL 0, selector 8
	 * (SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT"). Clobbers RAX, RDX. */
	.macro	SET_GATE vector, handler
	mov	$(IDT + 16 * (\vector)), %eax
	lea	\handler(%rip), %rdx
	mov	%dx, (%rax)
	movw	$8, 2(%rax)
	movw	$0x8e00, 4(%rax)
	shr	$16, %rdx
	mov	%dx, 6(%rax)
	shr	$16, %rdx
	mov	%edx, 8(%rax)
	movl	$0, 12(%rax)
	.endm

	/* All 256 vectors (the host's IDTR covers only 0-31). */
	.macro	LOAD_IDT
	lidt	idt_desc(%rip)
	.endm

	.macro	IDT_DESC
	.balign	8
idt_desc:
	.word	256 * 16 - 1
	.quad	IDT
	.endm

	/*
	 * Sleep in HLT until the dword at \var is at least \n (an immediate
	 * $N or a register other than RAX). STI;HLT takes an interrupt only
	 * once HLT has begun (STI's one-instruction shadow), so no interrupt
	 * slips in between the check and the sleep. Returns with IF = 0.
	 */
	.macro	HLT_UNTIL var, n
.Lhw\@:	cli
	cmpl	\n, \var
	jae	.Lhd\@
	sti
	hlt
	jmp	.Lhw\@
.Lhd\@:
	.endm

	/* One round of a busy wait that leaves the guest on every round
	 * (CPUID): a guest that spins without exits stops Bochs 2.7 (see
	 * guests/spin_cpuid.S). Keeps every register. */
	.macro	SPIN_EXIT
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	xor	%eax, %eax
	cpuid
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	.endm

	/* Busy-wait (IF unchanged) until the dword at \var is at least \n. */
	.macro	SPIN_UNTIL var, n
.Lsw\@:	cmpl	\n, \var
	jae	.Lsd\@
	SPIN_EXIT
	jmp	.Lsw\@
.Lsd\@:
	.endm

	/* Report a 32-bit value (RAX is kept). */
	.macro	REPORT val
	push	%rax
	mov	\val, %eax
	out	%eax, $PORT_REPORT
	pop	%rax
	.endm

	/* The guest is done: the host's run loop stops here. */
	.macro	DONE
	mov	$0, %eax
	out	%eax, $PORT_DONE
	cli
.Ldone\@:
	hlt
	jmp	.Ldone\@
	.endm
