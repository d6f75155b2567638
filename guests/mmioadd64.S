/* 64-bit: a read-modify-write (ADD) on MMIO, which hvx does not emulate. */
#include "ports.h"
	.section .text.start, "ax"
	.globl start
start:
	mov	$MMIO_BASE, %edi
	mov	$1, %eax
	add	%eax, (%rdi)
	hlt
