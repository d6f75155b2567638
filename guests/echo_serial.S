/*
 * The console's input path: real mode, prints "ready", then echoes every
 * byte COM1 receives until it receives 'q', and ends through debug-exit
 * with 0x21 (exit status 67); the test quits it with Ctrl-A x first. Polls the line status register (no
 * interrupts: a flat guest gets the bare machine). tests/machines/
 * l1-run.sh drives it through a pseudo-terminal (tests/ptyrun.c).
 */
	.code16
	.section .text.start, "ax"
	.globl start
start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$ready, %si
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	mov	$0x3fd, %dx		/* line status: bit 0, data ready */
	in	%dx, %al
	test	$0x01, %al
	jz	2b
	mov	$0x3f8, %dx		/* receive buffer */
	in	%dx, %al
	cmp	$'q', %al
	je	3f
	call	putc
	jmp	2b
3:	mov	$0x21, %al
	out	%al, $0xf4
	hlt

putc:				/* AL to COM1, once the transmitter is empty */
	mov	%al, %bl
	mov	$0x3fd, %dx
1:	in	%dx, %al
	test	$0x20, %al
	jz	1b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	ret

ready:	.asciz	"ready\n"
