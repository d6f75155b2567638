/* Real mode, an IDT of limit 0, then INT3: #GP, #DF, triple fault. */
	.code16
	.section .text.start, "ax"
	.globl start
start:
	xor	%ax, %ax
	mov	%ax, %ds
	lidt	idt_desc
	int3
	hlt
idt_desc:
	.word	0
	.long	0
