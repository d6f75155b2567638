/*
 * 64-bit: write a tag into every 4 KiB page of two memory ranges (RDI,
 * RSI = start, RDX, RCX = pages, set by the host), then read all tags
 * back and report how many were wrong (0 expected) and a checksum.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS
main:
	mov	%rdi, %r8
	mov	%rdx, %r9
	call	fill
	mov	%rsi, %r8
	mov	%rcx, %r9
	call	fill
	xor	%r12, %r12		/* errors */
	xor	%r13, %r13		/* checksum */
	mov	%rdi, %r8
	mov	%rdx, %r9
	call	check
	mov	%rsi, %r8
	mov	%rcx, %r9
	call	check
	REPORT64 %r12
	REPORT64 %r13
	hlt
/* tag of the page at %r8: its address xor a constant, at offset 0x800 */
fill:
	movabs	$0x5a5a5a5a5a5a5a5a, %rax
	xor	%r8, %rax
	mov	%rax, 0x800(%r8)
	add	$0x1000, %r8
	dec	%r9
	jnz	fill
	ret
check:
	movabs	$0x5a5a5a5a5a5a5a5a, %rax
	xor	%r8, %rax
	cmp	%rax, 0x800(%r8)
	je	1f
	inc	%r12
1:	add	0x800(%r8), %r13
	add	$0x1000, %r8
	dec	%r9
	jnz	check
	ret
