/*
 * Interrupts from a PIC in user space (no in-kernel irqchip): the host
 * asks for an interrupt window while IF = 0 and injects with
 * KVM_INTERRUPT once the guest has set IF; HLT exits to user space and
 * an interrupt injected then resumes the guest after its HLT.
 *
 * Reports: 1, 2 (both with IF = 0), 0x30 (from the handler), 1 (that
 * one interrupt), the address where HLT ends, 0x31 (handler), 1.
 */
#include "apic64.h"

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	SET_GATE 0x30, irq30
	SET_GATE 0x31, irq31
	LOAD_IDT
	cli
	REPORT	$1
	REPORT	$2
	sti
	nop			/* STI's shadow: the window opens after it */
	nop
	REPORT	n30(%rip)
	lea	after_hlt(%rip), %rax
	REPORT	%eax
	hlt
after_hlt:
	REPORT	n31(%rip)
	DONE

irq30:
	incl	n30(%rip)
	REPORT	$0x30
	iretq
irq31:
	incl	n31(%rip)
	REPORT	$0x31
	iretq

	IDT_DESC
	.balign	4
n30:	.long	0
n31:	.long	0
