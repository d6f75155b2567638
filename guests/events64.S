/*
 * KVM_GET/SET_VCPU_EVENTS: after each report the host sets an event up
 * (tests/vm/tests_irq.c, test_vcpu_events): #GP(0x10) injected, which
 * the lib64.h stub reports (R15 = 0: it returns where it came in), then
 * NMIs, which the handler reports as 0x200 | count.
 */
#include "apic64.h"

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	xor	%r15, %r15
	SET_GATE 2, nmi
	LOAD_IDT
	REPORT	$1
	REPORT	$2
	REPORT	$3
	REPORT	$4
	REPORT	$5
	DONE

nmi:
	push	%rax
	incl	n_nmi(%rip)
	mov	n_nmi(%rip), %eax
	or	$0x200, %eax
	REPORT	%eax
	pop	%rax
	iretq

	IDT_DESC
	.balign	4
n_nmi:	.long	0
