/*
 * 64-bit: read, write and read again a read-only slot at RDI (set by the
 * host). Reads see the slot's memory; the write is an MMIO exit and does
 * not change it.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	mov	(%rdi), %rax
	out	%eax, $PORT_REPORT
	movl	$0xabcdef01, 8(%rdi)
	mov	8(%rdi), %eax
	out	%eax, $PORT_REPORT
	hlt
