/*
 * From real mode to 32-bit protected mode with the guest's own paging:
 * a 4 MiB PSE page identity-maps 0-4 MiB, a page table maps virtual
 * 4-8 MiB to physical 1-5 MiB. The guest writes through the second
 * mapping and reads back through the first.
 */
#include "ports.h"
#define PD	0x1000
#define PT	0x2000
	.code16
	.section .text.start, "ax"
	.globl start
start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax		/* PE */
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
	mov	$PD, %edi		/* page directory: zero, then 2 entries */
	xor	%eax, %eax
	mov	$2048, %ecx		/* PD and PT, 1024 dwords each */
	rep stosl
	movl	$0x00000083, PD		/* 4 MiB page at 0: P RW PS */
	movl	$(PT | 3), PD + 4	/* 4-8 MiB through PT */
	mov	$PT, %edi
	mov	$0x100003, %eax		/* -> physical 1 MiB, P RW */
	mov	$1024, %ecx
1:	stosl
	add	$0x1000, %eax
	loop	1b
	mov	%cr4, %eax
	or	$0x10, %eax		/* PSE */
	mov	%eax, %cr4
	mov	$PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$0x80000000, %eax	/* PG */
	mov	%eax, %cr0
	movl	$0xcafef00d, 0x401234	/* virtual 4 MiB + 0x1234 ... */
	mov	0x101234, %eax		/* ... is physical 1 MiB + 0x1234 */
	out	%eax, $PORT_REPORT
	mov	$msg, %esi
2:	lodsb
	test	%al, %al
	jz	3f
	out	%al, $PORT_CONSOLE
	jmp	2b
3:	hlt
msg:	.asciz	"hello from 32-bit protected mode with paging\n"
	.balign	8
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, 32-bit, 4 GiB */
	.quad	0x00cf92000000ffff	/* 0x10: data, 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
