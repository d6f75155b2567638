/*
 * 64-bit: for each guest-physical address in the list at RDI (RSI
 * entries, set by the host), store that address at offset 0 of its page,
 * then halt (tests/vm/tests_dirty.c reads the dirty log after each run).
 *
 * Offset 0 because Bochs puts the exact address written in the PML log,
 * where the CPU puts a 4-KByte aligned one (SDM Vol. 3C, "Page-
 * Modification Logging"): kvm-intel warns for each unaligned entry.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS
main:
	mov	(%rdi), %rax
	mov	%rax, (%rax)
	add	$8, %rdi
	dec	%rsi
	jnz	main
	hlt
