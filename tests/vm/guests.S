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
	GUEST	apic_timer64
	GUEST	x2apic64
	GUEST	pit_pic64
	GUEST	ioapic64
	GUEST	nmi64
	GUEST	uirq64
	GUEST	events64
	GUEST	hlt_nmi64
	GUEST	ipi64
	GUEST	smpboot64
	GUEST	conc64
	GUEST	cmd64
	GUEST	dirty64
	.section .note.GNU-stack, "", @progbits
