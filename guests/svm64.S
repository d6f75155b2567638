/*
 * 64-bit: what a guest must not be able to do to the host. Every SVM
 * instruction, and RDMSR/WRMSR of the host's SVM MSRs and of an MSR that
 * does not exist. Each instruction reports through the exception stubs
 * (vector and error code) or, when it completes, its result in EAX/EDX.
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	xor	%eax, %eax
	TRY	3, vmrun
	TRY	3, vmload
	TRY	3, vmsave
	TRY	3, stgi
	TRY	3, clgi
	TRY	3, invlpga
	TRY	3, skinit
	TRY_RDMSR 0xc0010117		/* VM_HSAVE_PA */
	TRY_WRMSR 0xc0010117, 0x5000, 0
	TRY_RDMSR 0xc0010117
	TRY_RDMSR 0xc0010114		/* VM_CR */
	TRY_RDMSR 0xc0000080		/* EFER */
	TRY_WRMSR 0xc0000080, 0x1d00, 0	/* EFER with SVME: #GP */
	TRY_RDMSR 0xc0000080
	TRY_RDMSR 0x12345678		/* no such MSR: #GP */
	TRY_WRMSR 0x12345678, 1, 2
	hlt
