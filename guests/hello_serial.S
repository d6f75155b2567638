/*
 * The demo guest: real mode, prints a greeting on COM1 (waiting for the
 * transmitter as a driver would), then ends through the debug-exit port
 * with value 0x21, which `hvx run` turns into exit status 0x43 = 67.
 */
	.code16
	.section .text.start, "ax"
	.globl start
start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	3f
	mov	%al, %bl
	mov	$0x3fd, %dx		/* line status */
2:	in	%dx, %al
	test	$0x20, %al		/* transmit holding register empty */
	jz	2b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	1b
3:	mov	$0x21, %al
	out	%al, $0xf4
	hlt
msg:	.asciz	"Hello from a guest running on hvx!\n"
