/*
 * Two vCPUs that can only finish by running at the same time, or by
 * being scheduled in turns: first each raises its flag and waits for the
 * other's, then they take turns on a shared counter, M turns each. Every
 * busy-wait round leaves the guest (CPUID), so that on one host CPU the
 * waiting vCPU gives way, and Bochs never spins without exits.
 *
 * From the host: RDI = this vCPU's index (0, 1), RSI = M.
 * Reports: the turns this vCPU took, M.
 */
#include "apic64.h"

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	mov	%edi, %ebx
	mov	%esi, %r12d
	movl	$1, flag(,%rbx,4)
	mov	%ebx, %ecx
	xor	$1, %ecx
	lea	flag(,%rcx,4), %rdx	/* the other's flag */
	SPIN_UNTIL (%rdx), $1
	mov	%r12d, %r13d
	shl	$1, %r13d		/* 2M turns in all */
1:	mov	turn, %eax
	cmp	%r13d, %eax
	jae	3f
	and	$1, %eax
	cmp	%ebx, %eax
	jne	2f
	incl	mine(,%rbx,4)
	lock incl turn			/* only the turn's owner writes it */
	jmp	1b
2:	SPIN_EXIT
	jmp	1b
3:	lea	mine(,%rbx,4), %rdx
	REPORT	(%rdx)
	DONE

	.balign	4
flag:	.long	0, 0
mine:	.long	0, 0
turn:	.long	0
