/*
 * Spins forever, but leaves guest mode on every iteration through CPUID,
 * an exit the hypervisor handles in the kernel. For CPU models where an
 * external interrupt does not end a guest that never exits (Bochs 2.7's
 * VMX: there the plain spin hangs the whole machine, on kvm-intel too).
 */
	.section .text.start, "ax"
	.globl start
start:
	xor	%eax, %eax
	cpuid
	jmp	start
