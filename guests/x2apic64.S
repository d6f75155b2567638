/*
 * x2APIC mode (SDM Vol. 3A, 11.12 "Extended XAPIC (x2APIC)"): enabled
 * through IA32_APIC_BASE, registers reached as MSRs 0x800 + offset/16.
 * The timer ticks, a self IPI through the SELF IPI MSR, and an IPI to
 * itself through the 64-bit ICR; MSRs that x2APIC mode does not have, or
 * that are read-only, fault.
 *
 * Reports, in order:
 *  0 IA32_APIC_BASE before (base | EN | BSP)
 *  1 IA32_APIC_BASE after setting EXTD
 *  2 x2APIC ID
 *  3 logical destination register (cluster << 16 | 1 << (ID & 15))
 *  4 current count after the periodic timer ticked 5 times and stopped
 *  5 1 after the SELF IPI arrived
 *  6 1 after the ICR IPI arrived
 *  7, 8 EAX, EDX of RDMSR of the DFR (0x80e), which faults (#GP)
 * and the exceptions: #GP(0) for that RDMSR, #GP(0) for a WRMSR of the ID.
 */
#include "apic64.h"

#define V_TICK		0x40
#define V_SELF		0x43
#define V_ICR		0x44
#define COUNT		1000000

	.macro	WRX msr, val
	mov	$\msr, %ecx
	mov	$(\val), %eax
	xor	%edx, %edx
	wrmsr
	.endm

	.macro	RDX msr
	mov	$\msr, %ecx
	rdmsr
	.endm

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	xor	%r15, %r15
	SET_GATE V_TICK, tick
	SET_GATE V_SELF, self_ipi
	SET_GATE V_ICR, icr_ipi
	SET_GATE 0xff, spurious
	LOAD_IDT

	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	REPORT	%eax
	or	$0xc00, %eax			/* EN | EXTD (11.12.1) */
	wrmsr
	rdmsr
	REPORT	%eax

	WRX	0x80f, 0x1ff			/* SVR: enable, spurious 0xff */
	RDX	0x802				/* ID */
	REPORT	%eax
	RDX	0x80d				/* LDR (11.12.10.2) */
	REPORT	%eax

	WRX	0x83e, 0xb			/* divide by 1 */
	WRX	0x832, LVTT_PERIODIC | V_TICK
	WRX	0x838, COUNT
	HLT_UNTIL n_tick(%rip), $5
	WRX	0x832, LVT_MASKED | V_TICK
	WRX	0x838, 0
	RDX	0x839				/* current count */
	REPORT	%eax

	WRX	0x83f, V_SELF			/* SELF IPI (11.12.11) */
	HLT_UNTIL n_self(%rip), $1
	REPORT	$1

	/* ICR: one 64-bit write, destination in EDX (11.12.9). */
	WRX	0x830, ICR_ASSERT | V_ICR
	HLT_UNTIL n_icr(%rip), $1
	REPORT	$1

	TRY_RDMSR 0x80e				/* no DFR in x2APIC mode */
	TRY_WRMSR 0x802, 5, 0			/* the ID is read-only */
	DONE

	.macro	X2APIC_EOI
	push	%rax
	push	%rcx
	push	%rdx
	WRX	0x80b, 0
	pop	%rdx
	pop	%rcx
	pop	%rax
	.endm

tick:
	incl	n_tick(%rip)
	X2APIC_EOI
	iretq
self_ipi:
	incl	n_self(%rip)
	X2APIC_EOI
	iretq
icr_ipi:
	incl	n_icr(%rip)
	X2APIC_EOI
	iretq
spurious:
	iretq

	IDT_DESC
	.balign	4
n_tick:	.long	0
n_self:	.long	0
n_icr:	.long	0
