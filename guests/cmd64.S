/*
 * 64-bit: runs a list of commands the host wrote at CMD64_BASE (see
 * tests/vm/tests_cpuid_msr.c): CPUID, RDMSR, WRMSR, XSETBV, XGETBV, CR4
 * bits, x87/SSE/AVX loads and stores, and HLT as a point where the host
 * looks at the vCPU and changes it before the guest goes on. Results go
 * out through PORT_REPORT, faults through the exception stubs.
 *
 * A command is 32 bytes: u32 op, u32 a, u64 b, u64 c, u64 unused.
 */
#include "lib64.h"
#include "cmd64.h"
	.section .text.start, "ax"
	.globl start
start:
	jmp	main
	EXC_STUBS

main:
	mov	$CMD64_BASE, %r12
next:
	mov	(%r12), %eax
	mov	4(%r12), %ecx
	mov	8(%r12), %rsi
	add	$32, %r12
	cmp	$CMD_END, %eax
	je	done
	cmp	$CMD_CPUID, %eax
	je	do_cpuid
	cmp	$CMD_RDMSR, %eax
	je	do_rdmsr
	cmp	$CMD_WRMSR, %eax
	je	do_wrmsr
	cmp	$CMD_XSETBV, %eax
	je	do_xsetbv
	cmp	$CMD_XGETBV, %eax
	je	do_xgetbv
	cmp	$CMD_CR4_OR, %eax
	je	do_cr4_or
	cmp	$CMD_LOAD_XMM, %eax
	je	do_load_xmm
	cmp	$CMD_STORE_XMM, %eax
	je	do_store_xmm
	cmp	$CMD_LOAD_YMM0, %eax
	je	do_load_ymm0
	cmp	$CMD_STORE_YMM0, %eax
	je	do_store_ymm0
	cmp	$CMD_FLDPI, %eax
	je	do_fldpi
	cmp	$CMD_HLT, %eax
	je	do_hlt
	cmp	$CMD_RDTSC, %eax
	je	do_rdtsc
	mov	$0xbad, %eax			/* unknown command */
	out	%eax, $PORT_REPORT
	jmp	done

do_cpuid:					/* leaf a, subleaf b */
	mov	%ecx, %eax
	mov	%esi, %ecx
	cpuid
	out	%eax, $PORT_REPORT
	mov	%ebx, %eax
	out	%eax, $PORT_REPORT
	mov	%ecx, %eax
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	jmp	next

do_rdmsr:					/* MSR a: EAX, EDX (0, 0 on #GP) */
	xor	%eax, %eax
	xor	%edx, %edx
	TRY	2, rdmsr
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	jmp	next

do_wrmsr:					/* MSR a = b */
	mov	%rsi, %rax
	mov	%rsi, %rdx
	shr	$32, %rdx
	TRY	2, wrmsr
	jmp	next

do_xsetbv:					/* XCR a = b */
	mov	%rsi, %rax
	mov	%rsi, %rdx
	shr	$32, %rdx
	TRY	3, xsetbv
	jmp	next

do_xgetbv:					/* XCR a: EAX, EDX (0, 0 on a fault) */
	xor	%eax, %eax
	xor	%edx, %edx
	TRY	3, xgetbv
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	jmp	next

do_cr4_or:					/* CR4 |= b */
	mov	%cr4, %rax
	or	%rsi, %rax
	mov	%rax, %cr4
	jmp	next

do_load_xmm:					/* XMM0-7 from the 128 bytes at b */
	movdqu	0x00(%rsi), %xmm0
	movdqu	0x10(%rsi), %xmm1
	movdqu	0x20(%rsi), %xmm2
	movdqu	0x30(%rsi), %xmm3
	movdqu	0x40(%rsi), %xmm4
	movdqu	0x50(%rsi), %xmm5
	movdqu	0x60(%rsi), %xmm6
	movdqu	0x70(%rsi), %xmm7
	jmp	next

do_store_xmm:					/* XMM0-7 to the 128 bytes at b */
	movdqu	%xmm0, 0x00(%rsi)
	movdqu	%xmm1, 0x10(%rsi)
	movdqu	%xmm2, 0x20(%rsi)
	movdqu	%xmm3, 0x30(%rsi)
	movdqu	%xmm4, 0x40(%rsi)
	movdqu	%xmm5, 0x50(%rsi)
	movdqu	%xmm6, 0x60(%rsi)
	movdqu	%xmm7, 0x70(%rsi)
	jmp	next

do_load_ymm0:					/* YMM0 from the 32 bytes at b */
	vmovdqu	(%rsi), %ymm0
	jmp	next

do_store_ymm0:
	vmovdqu	%ymm0, (%rsi)
	jmp	next

do_rdtsc:					/* the TSC as the guest reads it */
	rdtsc
	out	%eax, $PORT_REPORT
	mov	%edx, %eax
	out	%eax, $PORT_REPORT
	jmp	next

do_fldpi:					/* x87: push pi */
	fldpi
	jmp	next

do_hlt:						/* the host looks, then KVM_RUN again */
	hlt
	jmp	next

done:
	hlt
	jmp	done
