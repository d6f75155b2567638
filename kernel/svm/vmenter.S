/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch, in one place (APM Vol. 2, 15.5 "VMRUN Instruction"
 * and 15.6 "#VMEXIT"). VMRUN saves and restores only part of the host's
 * state; this function adds the rest that it needs to:
 *   - VMSAVE/VMLOAD of the host's FS, GS, TR, LDTR, KernelGsBase, STAR,
 *     LSTAR, CSTAR, SFMASK and SYSENTER_* around the guest's VMLOAD/VMSAVE
 *     (APM 15.5.2 "VMSAVE and VMLOAD Instructions");
 *   - the guest's general-purpose registers other than RAX and RSP, which
 *     the VMCB does not hold.
 * The caller has cleared GIF (CLGI), so neither interrupts nor NMIs can
 * run while GS holds the guest's base.
 *
 * VMRUN saves the host's RFLAGS, and with V_INTR_MASKING it is the host's
 * saved RFLAGS.IF that lets a physical interrupt reach the INTR intercept
 * while the guest runs (APM 15.21.1 "Physical Interrupt Masking"). So IF
 * is set just before VMRUN - GIF = 0 still holds every interrupt off -
 * and cleared again right after #VMEXIT.
 *
 * void __hvx_svm_run(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa)
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets in regs[], in the order of the ModRM register numbers. */
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

.section .text, "ax"

SYM_FUNC_START(__hvx_svm_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi			/* regs */
	push	%rdx			/* host save area */
	push	%rdi			/* guest VMCB */

	mov	%rdx, %rax
	vmsave	%rax

	mov	%rsi, %rax
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

	pop	%rax			/* guest VMCB */
	vmload	%rax
	sti
	vmrun	%rax
	cli
	vmsave	%rax

	mov	8(%rsp), %rax		/* regs */
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

	pop	%rax			/* host save area */
	vmload	%rax
	add	$8, %rsp		/* regs */

	/*
	 * The guest may have filled the return stack buffer with its own
	 * targets: overwrite it before the host's first RET, and untrain
	 * returns where the kernel's mitigation asks for it.
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
	UNTRAIN_RET

	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__hvx_svm_run)
