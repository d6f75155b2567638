/* 64-bit: CPUID leaves 0, 1 and 0x40000000, each register reported. */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	.irp leaf, 0, 1, 0x40000000
	mov	$\leaf, %eax
	xor	%ecx, %ecx
	cpuid
	out	%eax, $PORT_REPORT
	mov	%ebx, %eax
	out	%eax, $PORT_REPORT
	mov	%ecx, %eax
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	.endr
	hlt
