/* The smallest guest: HLT. Runs in any mode. */
	.section .text.start, "ax"
	.globl start
start:
	hlt
