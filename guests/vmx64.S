/*
 * 64-bit: every VMX instruction, from a guest whose CR4.VMXE is clear,
 * must fault (#UD) - in VMX non-root operation they all exit to the
 * hypervisor, which must not act on them (SDM Vol. 3C, 26.1.2).
 */
#include "lib64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS
main:
	lea	scratch(%rip), %rbx
	TRY	4, vmxon (%rbx)
	TRY	3, vmptrld (%rbx)
	TRY	4, vmclear (%rbx)
	TRY	3, vmptrst (%rbx)
	TRY	3, vmread %rax, %rcx
	TRY	3, vmwrite %rcx, %rax
	TRY	3, vmlaunch
	TRY	3, vmresume
	TRY	3, vmxoff
	TRY	5, invept (%rbx), %rax
	TRY	5, invvpid (%rbx), %rax
	hlt
	.balign	16
scratch: .quad	0, 0
