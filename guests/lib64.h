/*
 * Pieces shared by the 64-bit test guests, whose long mode is set up by
 * the host (lib/vmm.c, vmm_setup_long_mode): the exception stubs at image
 * offset 0x100, 16 bytes per vector, that the host's IDT points to. A
 * stub reports its vector and error code, then resumes R15 bytes after
 * the faulting instruction (the test sets R15 to the length of the
 * instruction it expects to fault, or 0 to retry it).
 */
#include "ports.h"

	.macro REPORT64 reg
	mov	\reg, %rax
	out	%eax, $PORT_REPORT
	shr	$32, %rax
	out	%eax, $PORT_REPORT
	.endm

	/*
	 * Run \insn (of \len bytes); report 0xff when it did not fault,
	 * keeping RAX. A fault resumes after the 9 bytes of that report
	 * (push, mov imm32, out, pop).
	 */
	.macro TRY len, insn:vararg
	mov	$(\len + 9), %r15
	\insn
	push	%rax
	mov	$0xff, %eax
	out	%eax, $PORT_VECTOR
	pop	%rax
	.endm

	.macro TRY_RDMSR msr
	mov	$\msr, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	TRY	2, rdmsr
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	.endm

	.macro TRY_WRMSR msr, lo, hi
	mov	$\msr, %ecx
	mov	$\lo, %eax
	mov	$\hi, %edx
	TRY	2, wrmsr
	.endm
	.macro EXC_STUBS
	.org	0x100
	vector = 0
	.rept	32
	.if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21)
	push	$vector		/* the CPU pushed an error code */
	.else
	push	$0		/* no error code: push a zero in its place */
	push	$vector
	.endif
	jmp	exc_common
	.balign	16
	vector = vector + 1
	.endr
exc_common:
	push	%rax
	mov	8(%rsp), %rax
	out	%eax, $PORT_VECTOR
	mov	16(%rsp), %rax
	out	%eax, $PORT_ERRCODE
	add	%r15, 24(%rsp)		/* skip the faulting instruction */
	pop	%rax
	add	$16, %rsp
	iretq
	.endm
