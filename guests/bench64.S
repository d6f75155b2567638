/*
 * The exit-cost benchmark guest (64-bit, host-built long mode): R8 exits
 * of one kind, then HLT. RDI = 0: CPUID (handled in the kernel);
 * RDI = 1: OUT to a port (handled in user space).
 */
#include "ports.h"
	.section .text.start, "ax"
	.globl start
start:
	test	%rdi, %rdi
	jnz	2f
1:	xor	%eax, %eax
	cpuid
	dec	%r8
	jnz	1b
	hlt
2:	out	%al, $PORT_REPORT
	dec	%r8
	jnz	2b
	hlt
