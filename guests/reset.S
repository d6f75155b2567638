/*
 * Resets the machine through the PCI reset control register (port 0xcf9:
 * bit 2 starts the reset, bit 1 asks for a hard one), as Linux's
 * reboot=pci does; `hvx run` ends with its reset status, 8.
 */
	.code16
	.section .text.start, "ax"
	.globl start
start:
	mov	$0xcf9, %dx
	mov	$0x06, %al
	out	%al, %dx
	hlt
