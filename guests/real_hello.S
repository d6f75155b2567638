/* Real mode: text over PIO, OUT/IN of each size, REP OUTSB and REP INSB. */
#include "ports.h"
	.code16
	.section .text.start, "ax"
	.globl start
start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	cld
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, $PORT_CONSOLE
	jmp	1b
2:	mov	$msg2, %si
	mov	$msg2_end - msg2, %cx
	mov	$PORT_CONSOLE, %dx
	rep outsb
	mov	$0x1234, %ax
	out	%ax, $PORT_REPORT
	mov	$0xdeadbeef, %eax
	out	%eax, $PORT_REPORT
	mov	$0xffffffff, %eax
	in	$PORT_IN, %al
	out	%eax, $PORT_REPORT
	in	$PORT_IN, %ax
	out	%eax, $PORT_REPORT
	in	$PORT_IN, %eax
	out	%eax, $PORT_REPORT
	mov	$buf, %di
	mov	$8, %cx
	mov	$PORT_INS, %dx
	rep insb
	mov	$buf, %si
	mov	$8, %cx
	mov	$PORT_CONSOLE, %dx
	rep outsb
	mov	$'\n', %al
	out	%al, $PORT_CONSOLE
	hlt
msg:	.asciz	"hello from real mode\n"
msg2:	.ascii	"rep outsb works\n"
msg2_end:
buf:	.fill	8, 1, 0
