/*
 * 64-bit: every MOV form against an address with no memory behind it
 * (MMIO), stores and loads of 1, 2, 4 and 8 bytes, immediates, high-byte
 * registers, REX registers, MOVZX/MOVSX/MOVSXD. Each loaded register is
 * reported so the host can check the width and extension rules.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS
main:
	mov	$MMIO_BASE, %edi
	movb	$0x11, (%rdi)
	movw	$0x2233, 2(%rdi)
	movl	$0x44556677, 4(%rdi)
	movq	$-2, 8(%rdi)
	movabs	$0x8877665544332211, %rax
	mov	%al, 0x10(%rdi)
	mov	%ax, 0x12(%rdi)
	mov	%eax, 0x14(%rdi)
	mov	%rax, 0x18(%rdi)
	mov	%ah, 0x20(%rdi)
	mov	%rax, %r9
	mov	%r9, 0x28(%rdi)
	mov	%r9b, 0x21(%rdi)
	movabs	%rax, MMIO_BASE + 0x30	/* moffs form, 64-bit address */

	mov	$-1, %rbx
	mov	0x40(%rdi), %bl
	REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x40(%rdi), %bx
	REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x40(%rdi), %ebx
	REPORT64 %rbx
	mov	0x40(%rdi), %rbx
	REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x48(%rdi), %bh
	REPORT64 %rbx
	movzbl	0x41(%rdi), %ecx
	REPORT64 %rcx
	movzwq	0x42(%rdi), %rcx
	REPORT64 %rcx
	movsbq	0x43(%rdi), %rdx
	REPORT64 %rdx
	movswl	0x44(%rdi), %edx
	REPORT64 %rdx
	movslq	0x44(%rdi), %r10
	REPORT64 %r10
	mov	$-1, %r11
	mov	0x4c(%rdi), %r11w
	REPORT64 %r11
	hlt
