/*
 * HLT with interrupts disabled and nothing pending: with the irqchip in
 * the kernel the vCPU sleeps in KVM_RUN until the host's KVM_NMI.
 * Reports: 1 (about to halt), 1 (NMIs taken).
 */
#include "apic64.h"

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	SET_GATE 2, nmi
	LOAD_IDT
	REPORT	$1
	cli
1:	hlt
	cmpl	$1, n_nmi(%rip)
	jb	1b
	REPORT	n_nmi(%rip)
	DONE

nmi:
	incl	n_nmi(%rip)
	iretq

	IDT_DESC
	.balign	4
n_nmi:	.long	0
