/*
 * IPIs between two vCPUs (SDM Vol. 3A, 11.6 "Issuing Interprocessor
 * Interrupts"): vCPU 0 pings vCPU 1 with a fixed IPI and waits in HLT for
 * the pong, N times with a physical destination, N times with a logical
 * one (flat model, one LDR bit per APIC: 11.6.2.2), then N times while
 * vCPU 1 busy-waits with interrupts enabled instead of halting, so that
 * the IPI must kick it out of the guest. Each side counts the IPIs it got.
 *
 * From the host: RDI = N; RSI = 1 when a busy wait must leave the guest
 * on every round (Bochs, see guests/spin_cpuid.S), 0 for a wait without
 * any exit. Reports: each vCPU the number of IPIs it got, 3N.
 */
#include "apic64.h"

#define V_IPI	0x50

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	APIC_INIT
	mov	APIC_ID(%r14), %ebx
	shr	$24, %ebx
	mov	%edi, %r12d
	mov	%esi, %r13d
	SET_GATE V_IPI, ipi
	SET_GATE 0xff, spurious
	LOAD_IDT
	APIC_W	APIC_SVR, 0x1ff
	mov	%ebx, %ecx
	mov	$1, %eax
	shl	%cl, %eax
	shl	$24, %eax
	mov	%eax, APIC_LDR(%r14)
	APIC_W	APIC_DFR, 0xffffffff	/* flat model */
	lock incl ready
	SPIN_UNTIL ready, $2		/* both can take IPIs now */
	xor	%ebp, %ebp		/* IPIs expected so far */
	test	%ebx, %ebx
	jnz	pong

ping:
	mov	%r12d, %r15d
1:	inc	%ebp
	APIC_IPI $1, ICR_ASSERT | V_IPI
	HLT_UNTIL got, %ebp
	dec	%r15d
	jnz	1b
	mov	%r12d, %r15d
2:	inc	%ebp
	APIC_IPI $2, ICR_ASSERT | ICR_LOGICAL | V_IPI	/* LDR bit 1: vCPU 1 */
	HLT_UNTIL got, %ebp
	dec	%r15d
	jnz	2b
	mov	%r12d, %r15d
3:	inc	%ebp
	APIC_IPI $1, ICR_ASSERT | V_IPI
	HLT_UNTIL got, %ebp
	dec	%r15d
	jnz	3b
	REPORT	got
	DONE

pong:
	mov	%r12d, %r15d
1:	inc	%ebp
	HLT_UNTIL got + 4, %ebp
	APIC_IPI $0, ICR_ASSERT | V_IPI
	dec	%r15d
	jnz	1b
	mov	%r12d, %r15d
2:	inc	%ebp
	HLT_UNTIL got + 4, %ebp
	APIC_IPI $1, ICR_ASSERT | ICR_LOGICAL | V_IPI	/* LDR bit 0: vCPU 0 */
	dec	%r15d
	jnz	2b
	mov	%r12d, %r15d
	sti
3:	inc	%ebp
4:	cmpl	%ebp, got + 4		/* busy: the IPI interrupts this loop */
	jae	5f
	test	%r13d, %r13d
	jz	4b
	SPIN_EXIT
	jmp	4b
5:	APIC_IPI $0, ICR_ASSERT | V_IPI
	dec	%r15d
	jnz	3b
	cli
	REPORT	got + 4
	DONE

ipi:
	push	%rax
	mov	APIC_ID(%r14), %eax
	shr	$24, %eax
	lock incl got(,%rax,4)
	movl	$0, APIC_EOI(%r14)
	pop	%rax
	iretq

spurious:
	iretq

	IDT_DESC
	.balign	4
ready:	.long	0
got:	.long	0, 0
