/* Spins forever without an exit: only a signal or a kill ends it. */
	.section .text.start, "ax"
	.globl start
start:
	jmp	start
