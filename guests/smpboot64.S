/*
 * Starting application processors as a BIOS or Linux does (SDM Vol. 3A,
 * 8.4.4.1 "Typical BSP Initialization Sequence"; 11.6.1 delivery modes
 * INIT and Start-Up): INIT (level assert, then the de-assert that
 * processors since the Pentium 4 ignore), then Start-Up IPIs with vector
 * 9: the AP starts in real mode at CS:IP = 0x900:0, address 0x9000 (this
 * image + 0x1000).
 *
 * vCPU 0 boots vCPU 1 step by step (the host checks its state between the
 * steps and then runs it), then vCPU 2, whose thread already waits in
 * KVM_RUN, with INIT-SIPI-SIPI.
 * Reports of vCPU 0: INIT1, SIPI1 (host steps), 2 (APs started), 6 (bit
 * set for each AP's initial APIC ID). Each AP: its CS (0x900), its
 * initial APIC ID from CPUID leaf 1.
 */
#include "apic64.h"

#define AP_VECTOR	9
#define INIT1		0xa9000001
#define SIPI1		0xa9000002

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	APIC_INIT
	APIC_W	APIC_SVR, 0x1ff
	APIC_IPI $1, DM_INIT | ICR_LEVEL | ICR_ASSERT
	APIC_IPI $1, DM_INIT | ICR_LEVEL
	REPORT	$INIT1
	APIC_IPI $1, DM_STARTUP | ICR_ASSERT | AP_VECTOR
	REPORT	$SIPI1
	SPIN_UNTIL ap_count, $1

	APIC_IPI $2, DM_INIT | ICR_LEVEL | ICR_ASSERT
	APIC_IPI $2, DM_INIT | ICR_LEVEL
	APIC_IPI $2, DM_STARTUP | ICR_ASSERT | AP_VECTOR
	APIC_IPI $2, DM_STARTUP | ICR_ASSERT | AP_VECTOR	/* ignored once started */
	SPIN_UNTIL ap_count, $2
	REPORT	ap_count
	REPORT	ap_ids
	DONE

	.org	0x1000
	.code16
ap_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%cs, %ax
	movzwl	%ax, %eax
	out	%eax, $PORT_REPORT
	mov	$1, %eax
	cpuid
	shr	$24, %ebx
	mov	%ebx, %eax
	out	%eax, $PORT_REPORT
	lock btsl %ebx, ap_ids
	lock incl ap_count
	xor	%eax, %eax
	out	%eax, $PORT_DONE
1:	hlt
	jmp	1b
	.code64

	.balign	4
ap_count: .long	0
ap_ids:	.long	0
