/*
 * The guest binaries, built from guests/ by make, embedded in the tests.
 * The assembler finds them through -Wa,-I$(B)/guests.
 */
	.macro GUEST name
	.section .rodata
	.globl	guest_\name, guest_\name\()_end
	.balign	16
guest_\name:
	.incbin	"\name\().bin"
guest_\name\()_end:
	.endm

	GUEST	hlt
	GUEST	real_hello
	GUEST	triple
	GUEST	spin
	GUEST	pm32
	GUEST	lm64
	GUEST	mmio64
	GUEST	touch64
	GUEST	svm64
	GUEST	cpuid64
	GUEST	hello_serial
	GUEST	bench64
	GUEST	state64
	GUEST	ro64
	GUEST	mmioadd64
	GUEST	vmx64
	GUEST	spin_cpuid
	.section .note.GNU-stack, "", @progbits
