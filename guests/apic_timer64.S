/*
 * The local APIC timer (SDM Vol. 3A, 11.5.4 "APIC Timer") in its three
 * modes: periodic, one-shot and TSC-deadline. Each tick is an interrupt
 * whose handler writes EOI; between ticks the guest sleeps in HLT, which
 * an in-kernel APIC handles without leaving to user space.
 *
 * Reports, in order (tests/vm/tests_irq.c checks them):
 *  0 CPUID.1 ECX.TSC-deadline(24) | ECX.x2APIC(21) | EDX.APIC(9)
 *  1 APIC ID (bits 31:24 of the ID register)
 *  2 version register bits 7:4 (0x10: an integrated APIC)
 *  3 1 if the current count, read while periodic, is in (0, initial]
 *  4 1 if the first periodic tick found its vector in ISR, not in TMR
 *  5 1 if ISR is clear again after the handler's EOI
 *  6 current count after the timer was stopped (initial count 0)
 *  7 current count after a one-shot expired
 *  8 initial count, still the one written for the one-shot
 *  9 IA32_TSC_DEADLINE after its interrupt (the timer clears it)
 * 10 initial count after a write in TSC-deadline mode (ignored)
 * 11 current count in TSC-deadline mode
 * 12 1 once a deadline already in the past has fired
 */
#include "apic64.h"

#define V_PERIODIC	0x40
#define V_ONESHOT	0x41
#define V_DEADLINE	0x42
#define V_SPURIOUS	0xff
#define TICKS		10
#define COUNT		1000000		/* with divide by 1: 1 ms on KVM */

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	APIC_INIT
	SET_GATE V_PERIODIC, tick_periodic
	SET_GATE V_ONESHOT, tick_oneshot
	SET_GATE V_DEADLINE, tick_deadline
	SET_GATE V_SPURIOUS, spurious
	LOAD_IDT

	mov	$1, %eax
	cpuid
	and	$((1 << 24) | (1 << 21)), %ecx
	and	$(1 << 9), %edx
	or	%edx, %ecx
	REPORT	%ecx

	APIC_W	APIC_SVR, 0x100 | V_SPURIOUS	/* software-enable */
	mov	APIC_ID(%r14), %eax
	shr	$24, %eax
	REPORT	%eax
	mov	APIC_VER(%r14), %eax
	and	$0xf0, %eax
	REPORT	%eax

	/* Periodic: divide by 1 (11.5.4, Figure 11-10: 1011b). */
	APIC_W	APIC_TDCR, 0xb
	APIC_W	APIC_LVTT, LVTT_PERIODIC | V_PERIODIC
	APIC_W	APIC_TMICT, COUNT
	mov	APIC_TMCCT(%r14), %eax
	xor	%ebx, %ebx
	test	%eax, %eax
	jz	1f
	cmp	$COUNT, %eax
	ja	1f
	inc	%ebx
1:	REPORT	%ebx
	HLT_UNTIL n_periodic(%rip), $TICKS
	REPORT	isr_ok(%rip)
	mov	APIC_ISR + 0x20(%r14), %eax	/* vectors 0x40-0x5f */
	not	%eax
	and	$1, %eax
	REPORT	%eax
	APIC_W	APIC_LVTT, LVT_MASKED | LVTT_PERIODIC | V_PERIODIC
	APIC_W	APIC_TMICT, 0			/* stops the timer */
	REPORT	APIC_TMCCT(%r14)

	/* One-shot: one tick, then the count stays at 0. */
	APIC_W	APIC_LVTT, V_ONESHOT
	APIC_W	APIC_TMICT, COUNT
	HLT_UNTIL n_oneshot(%rip), $1
	REPORT	APIC_TMCCT(%r14)
	REPORT	APIC_TMICT(%r14)

	/* TSC-deadline (11.5.4.1): armed by a non-zero IA32_TSC_DEADLINE. */
	APIC_W	APIC_LVTT, LVTT_DEADLINE | V_DEADLINE
	rdtsc
	shl	$32, %rdx
	or	%rax, %rdx
	add	$COUNT, %rdx
	mov	%edx, %eax
	shr	$32, %rdx
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	HLT_UNTIL n_deadline(%rip), $1
	mov	$MSR_TSC_DEADLINE, %ecx
	rdmsr
	or	%edx, %eax
	REPORT	%eax
	APIC_W	APIC_TMICT, 12345
	REPORT	APIC_TMICT(%r14)
	REPORT	APIC_TMCCT(%r14)
	/* A deadline in the past fires at once. */
	mov	$MSR_TSC_DEADLINE, %ecx
	mov	$1, %eax
	xor	%edx, %edx
	wrmsr
	HLT_UNTIL n_deadline(%rip), $2
	REPORT	$1
	APIC_W	APIC_LVTT, LVT_MASKED | V_DEADLINE
	DONE

tick_periodic:
	push	%rax
	incl	n_periodic(%rip)
	cmpl	$1, n_periodic(%rip)
	jne	1f
	/* In service now, and edge-triggered (11.8.4, 11.8.5). */
	mov	APIC_ISR + 0x20(%r14), %eax
	and	$1, %eax
	jz	1f
	mov	APIC_TMR + 0x20(%r14), %eax
	and	$1, %eax
	jnz	1f
	movl	$1, isr_ok(%rip)
1:	movl	$0, APIC_EOI(%r14)
	pop	%rax
	iretq

tick_oneshot:
	incl	n_oneshot(%rip)
	movl	$0, APIC_EOI(%r14)
	iretq

tick_deadline:
	incl	n_deadline(%rip)
	movl	$0, APIC_EOI(%r14)
	iretq

spurious:			/* no EOI for the spurious vector (11.9) */
	iretq

	IDT_DESC
	.balign	4
n_periodic:	.long	0
n_oneshot:	.long	0
n_deadline:	.long	0
isr_ok:		.long	0
