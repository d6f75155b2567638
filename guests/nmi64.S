/*
 * NMIs (SDM Vol. 3A, 6.7.1 "Handling Multiple NMIs"; 11.6.1 delivery
 * mode NMI): vCPU 0 sends itself NMIs through the ICR; from inside its
 * NMI handler it sends two more, which stay blocked until the IRET and
 * then arrive as one; it takes NMIs the host queues with KVM_NMI and
 * with KVM_SET_VCPU_EVENTS; last it sends an NMI to vCPU 1, which sleeps
 * in HLT with interrupts disabled (an NMI wakes it all the same).
 *
 * Reports of vCPU 0: 1 (NMIs after the first), 3 (after the two sent
 * from the handler: one more only), 0 (no NMI nested in a handler),
 * HOST (the host sends KVM_NMI), 4, EVENTS (the host sets nmi.pending),
 * 5, 0 (still nothing nested). vCPU 1: 1 (woken by an NMI).
 */
#include "apic64.h"

#define HOST	0xa8000001
#define EVENTS	0xa8000002

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	APIC_INIT
	mov	APIC_ID(%r14), %ebx
	shr	$24, %ebx
	test	%ebx, %ebx
	jnz	ap

	SET_GATE 2, nmi
	SET_GATE 0xff, spurious
	LOAD_IDT
	movl	$1, idt_ready(%rip)
	APIC_W	APIC_SVR, 0x1ff

	APIC_IPI $0, DM_NMI | ICR_ASSERT
	SPIN_UNTIL nmis, $1
	REPORT	nmis

	movl	$1, resend(%rip)
	APIC_IPI $0, DM_NMI | ICR_ASSERT
	SPIN_UNTIL nmis, $3
	.rept	4			/* room for a wrong fourth one */
	SPIN_EXIT
	.endr
	REPORT	nmis
	REPORT	nested(%rip)

	REPORT	$HOST
	SPIN_UNTIL nmis, $4
	REPORT	nmis
	REPORT	$EVENTS
	SPIN_UNTIL nmis, $5
	REPORT	nmis

	/*
	 * vCPU 1 cannot say "I am in HLT" and halt in one step: an NMI that
	 * comes just before its HLT would leave it asleep. Send again until
	 * it has taken one (it reports only that it did).
	 */
	SPIN_UNTIL ap_ready(%rip), $1
1:	APIC_IPI $1, DM_NMI | ICR_ASSERT
	.rept	8
	SPIN_EXIT
	.endr
	cmpl	$1, nmis + 4
	jb	1b
	REPORT	nested(%rip)
	DONE

ap:
	SPIN_UNTIL idt_ready(%rip), $1
	LOAD_IDT
	APIC_W	APIC_SVR, 0x1ff
	cli
	movl	$1, ap_ready(%rip)
1:	hlt
	cmpl	$1, nmis + 4
	jb	1b
	REPORT	$1
	DONE

nmi:
	push	%rax
	push	%rbx
	mov	APIC_ID(%r14), %ebx
	shr	$24, %ebx
	cmpl	$0, in_nmi(,%rbx,4)
	je	1f
	movl	$1, nested(%rip)
1:	movl	$1, in_nmi(,%rbx,4)
	lock incl nmis(,%rbx,4)
	test	%ebx, %ebx
	jnz	2f
	cmpl	$0, resend(%rip)
	je	2f
	movl	$0, resend(%rip)
	APIC_IPI $0, DM_NMI | ICR_ASSERT
	APIC_IPI $0, DM_NMI | ICR_ASSERT
	.rept	4			/* exits where a wrong NMI could come in */
	SPIN_EXIT
	.endr
2:	movl	$0, in_nmi(,%rbx,4)
	pop	%rbx
	pop	%rax
	iretq

spurious:
	iretq

	IDT_DESC
	.balign	4
nmis:	.long	0, 0
in_nmi:	.long	0, 0
nested:	.long	0
resend:	.long	0
idt_ready: .long 0
ap_ready: .long	0
