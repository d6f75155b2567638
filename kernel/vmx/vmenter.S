/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch, in one place (SDM Vol. 3C, 27 "VM Entries" and
 * 28 "VM Exits"). A VM exit loads the host's RSP and RIP from the VMCS:
 * HOST_RSP is written here, just before entry, to the stack pointer of
 * this frame, and HOST_RIP points to hvx_vmx_exit below. The guest's
 * general-purpose registers other than RSP (which the VMCS holds) are
 * loaded from and saved to regs[].
 *
 * int __hvx_vmx_run(unsigned long *regs, bool launched)
 * Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed (VMfail:
 * the VM-instruction error field says why).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>

#define RAX	(0 * 8)
#define RCX	(1 * 8)
#define RDX	(2 * 8)
#define RBX	(3 * 8)
#define RBP	(5 * 8)
#define RSI	(6 * 8)
#define RDI	(7 * 8)
#define R8	(8 * 8)
#define R9	(9 * 8)
#define R10	(10 * 8)
#define R11	(11 * 8)
#define R12	(12 * 8)
#define R13	(13 * 8)
#define R14	(14 * 8)
#define R15	(15 * 8)

#define HOST_RSP 0x6c14

.section .text, "ax"

SYM_FUNC_START(__hvx_vmx_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* regs: found at (%rsp) after the exit */

	mov	$HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	.Lfail_host

	mov	%rdi, %rax
	test	%sil, %sil		/* flags survive the MOVs below */
	mov	RCX(%rax), %rcx
	mov	RDX(%rax), %rdx
	mov	RBX(%rax), %rbx
	mov	RBP(%rax), %rbp
	mov	RSI(%rax), %rsi
	mov	RDI(%rax), %rdi
	mov	R8(%rax), %r8
	mov	R9(%rax), %r9
	mov	R10(%rax), %r10
	mov	R11(%rax), %r11
	mov	R12(%rax), %r12
	mov	R13(%rax), %r13
	mov	R14(%rax), %r14
	mov	R15(%rax), %r15
	mov	RAX(%rax), %rax
	/* The VM exit comes back to hvx_vmx_exit with this very frame. */
	UNWIND_HINT_SAVE
	jnz	.Lresume
	vmlaunch
	jmp	.Lfail			/* VMLAUNCH only falls through on VMfail */
.Lresume:
	vmresume
	jmp	.Lfail

SYM_INNER_LABEL(hvx_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* A VM exit lands here with the host's RSP: regs is at (%rsp). */
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, RCX(%rax)
	mov	%rdx, RDX(%rax)
	mov	%rbx, RBX(%rax)
	mov	%rbp, RBP(%rax)
	mov	%rsi, RSI(%rax)
	mov	%rdi, RDI(%rax)
	mov	%r8, R8(%rax)
	mov	%r9, R9(%rax)
	mov	%r10, R10(%rax)
	mov	%r11, R11(%rax)
	mov	%r12, R12(%rax)
	mov	%r13, R13(%rax)
	mov	%r14, R14(%rax)
	mov	%r15, R15(%rax)
	pop	RAX(%rax)
	/* Overwrite the guest's return-stack-buffer entries before any RET. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	xor	%eax, %eax
	jmp	.Lout

.Lfail:
	/* Guest values are in the registers; the host's are on the stack. */
.Lfail_host:
	mov	$1, %eax
.Lout:
	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	add	$8, %rsp		/* regs */
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__hvx_vmx_run)
