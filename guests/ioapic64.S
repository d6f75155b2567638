/*
 * The IOAPIC (82093AA datasheet, 3.2.4 "IOREDTBL[23:0]"): pin 5
 * level-triggered to vector 0x60, pin 6 edge-triggered to 0x61, both to
 * APIC ID 0. User space drives the pins (KVM_IRQ_LINE_STATUS) when the
 * guest reports it is ready; the guest sleeps in HLT meanwhile. A level
 * interrupt stays in the IOAPIC's remote IRR until the local APIC's EOI
 * (broadcast to the IOAPIC because TMR is set, SDM Vol. 3A 11.8.5), and
 * comes again while the line is still asserted.
 *
 * Reports (tags in tests/vm/tests_irq.c):
 *  IOAPIC version register; pin 5's entry as written;
 *  READY_LEVEL, then per level interrupt: remote IRR (0x4000), TMR bit
 *  of 0x60 (1), LEVEL | count; after 5 of them pin 5's entry again
 *  (remote IRR clear); READY_EDGE, then EDGE | count for each edge one.
 */
#include "apic64.h"

#define V_LEVEL		0x60
#define V_EDGE		0x61
#define K		5
#define READY_LEVEL	0xa5000001
#define READY_EDGE	0xa5000002
#define TAG_LEVEL	0xa6000000
#define TAG_EDGE	0xa7000000

	/* Indirect access: IOREGSEL at +0, IOWIN at +0x10 (%r13 = base). */
	.macro	IOAPIC_W idx, val
	movl	$(\idx), (%r13)
	movl	$(\val), 0x10(%r13)
	.endm
	.macro	IOAPIC_R idx
	movl	$(\idx), (%r13)
	mov	0x10(%r13), %eax
	.endm

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	APIC_INIT
	mov	$IOAPIC_BASE, %r13d
	SET_GATE V_LEVEL, level_irq
	SET_GATE V_EDGE, edge_irq
	SET_GATE 0xff, spurious
	LOAD_IDT
	/* The PICs, unprogrammed, would pass pins 5 and 6 on too. */
	mov	$0xff, %al
	out	%al, $0x21
	out	%al, $0xa1
	APIC_W	APIC_SVR, 0x1ff
	APIC_W	APIC_LVT0, LVT_MASKED

	IOAPIC_R 1			/* version: entries - 1 in 23:16 */
	REPORT	%eax
	IOAPIC_W (0x10+2*5), V_LEVEL | 0x8000		/* level, active high */
	IOAPIC_W (0x11+2*5), 0			/* destination 0 */
	IOAPIC_W (0x10+2*6), V_EDGE
	IOAPIC_W (0x11+2*6), 0
	IOAPIC_R (0x10+2*5)
	REPORT	%eax

	REPORT	$READY_LEVEL
	HLT_UNTIL n_level(%rip), $K
	IOAPIC_R (0x10+2*5)
	REPORT	%eax

	REPORT	$READY_EDGE
	HLT_UNTIL n_edge(%rip), $2
	DONE

level_irq:
	push	%rax
	incl	n_level(%rip)
	IOAPIC_R (0x10+2*5)
	and	$0x4000, %eax		/* remote IRR */
	REPORT	%eax
	mov	APIC_TMR + 0x30(%r14), %eax	/* vectors 0x60-0x7f */
	and	$1, %eax
	REPORT	%eax
	mov	n_level(%rip), %eax
	or	$TAG_LEVEL, %eax
	REPORT	%eax			/* user space lowers the pin after K */
	movl	$0, APIC_EOI(%r14)
	pop	%rax
	iretq

edge_irq:
	push	%rax
	incl	n_edge(%rip)
	mov	n_edge(%rip), %eax
	or	$TAG_EDGE, %eax
	REPORT	%eax
	movl	$0, APIC_EOI(%r14)
	pop	%rax
	iretq

spurious:
	iretq

	IDT_DESC
	.balign	4
n_level: .long	0
n_edge:	.long	0
