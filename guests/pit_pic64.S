/*
 * The 8259A PIC pair and the 8254 PIT in the kernel: the guest sets the
 * PICs up as a BIOS does (8259A datasheet, "Initialization Command
 * Words": ICW1-ICW4, vector base 0x20/0x28, slave on IR2), unmasks IRQ0,
 * runs PIT channel 0 as a 1 ms rate generator (8254 datasheet, mode 2)
 * and counts ticks sleeping in HLT, with a non-specific EOI (OCW2 0x20)
 * per tick. Then channel 2 as Linux's TSC calibration uses it: gate high
 * through port 0x61 bit 0, mode 0, until OUT2 (port 0x61 bit 5) rises.
 *
 * Reports, in order:
 *  0 IMR of the master as read back (0xfe)
 *  1 1 if channel 0's latched count is in [1, reload] (mode 2 never shows 0)
 *  2 channel 0's read-back status, bits 5:0: lobyte/hibyte, mode 2, binary
 *  3 the master's ISR (OCW3 read) once every tick was EOIed: 0
 *  4 port 0x61 bits 1:0 as written (gate 2 high, speaker off): 1
 *  5 1 if channel 2's count went down between two latched reads
 *  6 1 once OUT2 is high (terminal count reached)
 */
#include "apic64.h"

#define TICKS	10
#define CH0	1193		/* 1 ms at 1.193182 MHz */
#define CH2	0x3000

	.macro	OUTB port, val
	mov	$(\val), %al
	out	%al, $\port
	.endm

	/* Latch channel \ch and read its count (lobyte, hibyte) into %ebx. */
	.macro	LATCH_READ ch
	OUTB	0x43, (\ch << 6)
	in	$(0x40 + \ch), %al
	movzbl	%al, %ebx
	in	$(0x40 + \ch), %al
	movzbl	%al, %eax
	shl	$8, %eax
	or	%eax, %ebx
	.endm

	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	SET_GATE 0x20, irq0
	SET_GATE 0x27, spurious		/* the master's spurious IR7 */
	SET_GATE 0x2f, spurious
	LOAD_IDT

	OUTB	0x20, 0x11		/* ICW1: edge, cascade, ICW4 follows */
	OUTB	0x21, 0x20		/* ICW2: vectors 0x20-0x27 */
	OUTB	0x21, 0x04		/* ICW3: slave on IR2 */
	OUTB	0x21, 0x01		/* ICW4: 8086 mode */
	OUTB	0xa0, 0x11
	OUTB	0xa1, 0x28
	OUTB	0xa1, 0x02		/* ICW3: slave ID 2 */
	OUTB	0xa1, 0x01
	OUTB	0x21, 0xfe		/* OCW1: only IRQ0 */
	OUTB	0xa1, 0xff
	in	$0x21, %al
	movzbl	%al, %eax
	REPORT	%eax

	OUTB	0x43, 0x34		/* channel 0, lobyte/hibyte, mode 2 */
	OUTB	0x40, CH0 & 0xff
	OUTB	0x40, CH0 >> 8
	HLT_UNTIL n_tick(%rip), $TICKS

	LATCH_READ 0
	xor	%eax, %eax
	test	%ebx, %ebx
	jz	1f
	cmp	$CH0, %ebx
	ja	1f
	inc	%eax
1:	REPORT	%eax
	OUTB	0x43, 0xe2		/* read-back: status of channel 0 only */
	in	$0x40, %al
	and	$0x3f, %eax
	REPORT	%eax
	OUTB	0x20, 0x0b		/* OCW3: read ISR */
	in	$0x20, %al
	movzbl	%al, %eax
	REPORT	%eax
	OUTB	0x21, 0xff		/* mask IRQ0 again */

	in	$0x61, %al
	and	$0xfd, %al		/* speaker data off */
	or	$0x01, %al		/* gate 2 high */
	out	%al, $0x61
	in	$0x61, %al
	and	$0x03, %eax
	REPORT	%eax
	OUTB	0x43, 0xb0		/* channel 2, lobyte/hibyte, mode 0 */
	OUTB	0x42, CH2 & 0xff
	OUTB	0x42, CH2 >> 8
	LATCH_READ 2
	mov	%ebx, %ecx
2:	LATCH_READ 2			/* each IN exits: no Bochs spin problem */
	cmp	%ebx, %ecx
	je	2b
	xor	%eax, %eax
	cmp	%ecx, %ebx
	setb	%al
	REPORT	%eax
3:	in	$0x61, %al
	test	$0x20, %al
	jz	3b
	REPORT	$1
	DONE

irq0:
	push	%rax
	incl	n_tick(%rip)
	mov	$0x20, %al		/* OCW2: non-specific EOI */
	out	%al, $0x20
	pop	%rax
	iretq

spurious:
	iretq

	IDT_DESC
	.balign	4
n_tick:	.long	0
