/*
 * From real mode through protected mode into 64-bit long mode with the
 * guest's own 4-level tables (SDM Vol. 3A, 10.8.5 "Initializing IA-32e
 * Mode"): identity for 0-4 MiB, and the higher-half address
 * 0xffff800000000000 mapped to physical 2 MiB. EFER.LME is set with
 * RDMSR/WRMSR, which the hypervisor intercepts.
 */
#include "ports.h"
#define PML4	0x1000
#define PDPT	0x2000
#define PD	0x3000
#define PDPT_HI	0x4000
#define PD_HI	0x5000
	.code16
	.section .text.start, "ax"
	.globl start
start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $pm
	.code32
pm:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %esp
	cld
	mov	$PML4, %edi
	xor	%eax, %eax
	mov	$(5 * 1024), %ecx
	rep stosl
	movl	$(PDPT | 3), PML4
	movl	$(PDPT_HI | 3), PML4 + 256 * 8
	movl	$(PD | 3), PDPT
	movl	$(PD_HI | 3), PDPT_HI
	movl	$0x000083, PD		/* 0-2 MiB */
	movl	$0x200083, PD + 8	/* 2-4 MiB */
	movl	$0x200083, PD_HI	/* higher half -> 2 MiB */
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$PML4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$0x100, %eax		/* LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000000, %eax
	mov	%eax, %cr0
	ljmpl	$0x18, $lm
	.code64
lm:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %rsp
	movabs	$0xffff800000001000, %rax
	movabs	$0x1122334455667788, %rbx
	mov	%rbx, (%rax)
	mov	0x201000, %rax
	out	%eax, $PORT_REPORT
	shr	$32, %rax
	out	%eax, $PORT_REPORT
	mov	$0xc0000080, %ecx
	rdmsr
	out	%eax, $PORT_REPORT	/* EFER as the guest sees it: LMA LME */
	lea	msg(%rip), %rsi
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, $PORT_CONSOLE
	jmp	1b
2:	hlt
msg:	.asciz	"hello from 64-bit long mode\n"
	.balign	8
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code32 */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: code64 */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
