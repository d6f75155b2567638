/*
 * 64-bit: the guest sets every MSR that VMRUN/VMLOAD switch, XMM0 and
 * DR0, exits to user space (OUT), and after the host has run other code
 * reads them all back and reports them: the guest must see its own
 * values, and the host (checked by the test) its own.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

	.macro WR msr, val
	mov	$\msr, %ecx
	movabs	$\val, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
	.endm

	.macro RD msr
	mov	$\msr, %ecx
	rdmsr
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	.endm

main:
	WR	0xc0000100, 0x00007f0011112222	/* FS_BASE */
	WR	0xc0000101, 0x00007f0033334444	/* GS_BASE */
	WR	0xc0000102, 0x00007f0055556666	/* KERNEL_GS_BASE */
	WR	0xc0000081, 0x0023001000000000	/* STAR */
	WR	0xc0000082, 0xffffffff81234567	/* LSTAR */
	WR	0xc0000083, 0xffffffff89abcdef	/* CSTAR */
	WR	0xc0000084, 0x0000000000047700	/* SFMASK */
	WR	0x174, 0x10			/* SYSENTER_CS */
	WR	0x175, 0x80001000		/* SYSENTER_ESP */
	WR	0x176, 0x80002000		/* SYSENTER_EIP */
	movdqu	pattern(%rip), %xmm0
	movabs	$0x0000000012345678, %rax
	mov	%rax, %db0
	mov	$1, %eax
	out	%eax, $PORT_REPORT		/* to user space and back */
	RD	0xc0000100
	RD	0xc0000101
	RD	0xc0000102
	RD	0xc0000081
	RD	0xc0000082
	RD	0xc0000083
	RD	0xc0000084
	RD	0x174
	RD	0x175
	RD	0x176
	movdqu	%xmm0, buf(%rip)
	mov	buf(%rip), %eax
	out	%eax, $PORT_REPORT
	mov	buf + 12(%rip), %eax
	out	%eax, $PORT_REPORT
	mov	%db0, %rax
	out	%eax, $PORT_REPORT
	hlt
	.balign	16
pattern: .quad	0x0123456789abcdef, 0xfedcba9876543210
buf:	.quad	0, 0
