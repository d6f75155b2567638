// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/x86/insn.c. The encodings and lengths below were
 * produced with GNU as (--64, --32, .code16) and checked with objdump;
 * the operand fields follow SDM Vol. 2B "MOV", "MOVZX", "MOVSX/MOVSXD".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86/insn.h"
#include "unit.h"


/* "66 89 00" -> bytes; returns the count. */
static unsigned int parse_hex(const char *s, u8 *out, unsigned int max)
{
	unsigned int n = 0;
	char *end;

	while (*s && n < max) {
		unsigned long v = strtoul(s, &end, 16);

		if (end == s)
			break;
		out[n++] = (u8)v;
		s = end;
	}
	return n;
}

enum { NONE = HVX_INSN_OTHER };
#define STORE	HVX_INSN_MOV_STORE
#define LOAD	HVX_INSN_MOV_LOAD
#define STIMM	HVX_INSN_MOV_STORE_IMM
#define MOVZX	HVX_INSN_MOVZX
#define MOVSX	HVX_INSN_MOVSX

struct dcase {
	const char *name;
	int mode;
	const char *hex;
	int ret;		/* expected return of hvx_insn_decode */
	u8 len;
	bool operands;		/* check kind and the operand fields */
	enum hvx_insn_kind kind;
	u8 mem_bytes, reg_bytes, reg;
	bool hi8, memop;
	u64 imm;
	bool has_seg;		/* else seg must be -1 */
	s8 seg;
	u8 rep;
	bool lock;
};

/* An instruction decoded for its length only: kind must be OTHER. */
#define LEN(m, h, l, nm) \
	{ .name = nm, .mode = m, .hex = h, .len = l }
/* Bytes that are not a valid instruction in mode m. */
#define INV(m, h, nm) \
	{ .name = nm, .mode = m, .hex = h, .ret = -EINVAL }
/* A MOV-family instruction with all its operand fields. */
#define MV(m, h, l, k, mb, rb, r, h8, mo, nm, ...) \
	{ .name = nm, .mode = m, .hex = h, .len = l, .operands = true, \
	  .kind = k, .mem_bytes = mb, .reg_bytes = rb, .reg = r, \
	  .hi8 = h8, .memop = mo, __VA_ARGS__ }

static const struct dcase cases[] = {
	/* ---- 64-bit mode: MOV r/m, r (88, 89) ---- */
	MV(64, "88 00", 2, STORE, 1, 1, 0, 0, 1, "mov %al,(%rax)"),
	MV(64, "88 20", 2, STORE, 1, 1, 0, 1, 1, "mov %ah,(%rax)"),
	MV(64, "88 7b 10", 3, STORE, 1, 1, 3, 1, 1, "mov %bh,0x10(%rbx)"),
	MV(64, "40 88 20", 3, STORE, 1, 1, 4, 0, 1, "mov %spl,(%rax)"),
	MV(64, "40 88 39", 3, STORE, 1, 1, 7, 0, 1, "mov %dil,(%rcx)"),
	MV(64, "44 88 00", 3, STORE, 1, 1, 8, 0, 1, "mov %r8b,(%rax)"),
	MV(64, "45 88 3f", 3, STORE, 1, 1, 15, 0, 1, "mov %r15b,(%r15)"),
	MV(64, "66 89 00", 3, STORE, 2, 2, 0, 0, 1, "mov %ax,(%rax)"),
	MV(64, "89 00", 2, STORE, 4, 4, 0, 0, 1, "mov %eax,(%rax)"),
	MV(64, "48 89 00", 3, STORE, 8, 8, 0, 0, 1, "mov %rax,(%rax)"),
	MV(64, "4f 89 0c da", 4, STORE, 8, 8, 9, 0, 1, "mov %r9,(%r10,%r11,8)"),
	MV(64, "44 89 25 78 56 34 12", 7, STORE, 4, 4, 12, 0, 1,
	   "mov %r12d,disp32(%rip)"),
	MV(64, "89 4c 24 f8", 4, STORE, 4, 4, 1, 0, 1, "mov %ecx,-8(%rsp)"),
	MV(64, "41 89 55 00", 4, STORE, 4, 4, 2, 0, 1, "mov %edx,0(%r13)"),
	MV(64, "41 89 34 24", 4, STORE, 4, 4, 6, 0, 1, "mov %esi,(%r12)"),
	MV(64, "89 3c 85 44 33 22 11", 7, STORE, 4, 4, 7, 0, 1,
	   "mov %edi,disp32(,%rax,4)"),
	MV(64, "48 89 c3", 3, STORE, 8, 8, 0, 0, 0, "mov %rax,%rbx (no memory)"),
	/* 66 with REX.W: REX.W wins (SDM Vol. 2A, 2.2.1.2) */
	MV(64, "66 48 89 00", 4, STORE, 8, 8, 0, 0, 1, "66 REX.W mov %rax,(%rax)"),
	/* a REX followed by another prefix is ignored */
	MV(64, "48 66 89 00", 4, STORE, 2, 2, 0, 0, 1, "REX.W 66 mov %ax,(%rax)"),
	MV(64, "40 66 88 20", 4, STORE, 1, 1, 0, 1, 1, "ignored REX keeps %ah"),
	MV(64, "48 41 89 00", 4, STORE, 4, 4, 0, 0, 1, "only the last REX counts"),
	MV(64, "f3 88 00", 3, STORE, 1, 1, 0, 0, 1, "rep is recorded", .rep = 0xf3),

	/* ---- 64-bit mode: MOV r, r/m (8A, 8B) ---- */
	MV(64, "8a 08", 2, LOAD, 1, 1, 1, 0, 1, "mov (%rax),%cl"),
	MV(64, "8a 28", 2, LOAD, 1, 1, 1, 1, 1, "mov (%rax),%ch"),
	MV(64, "40 8a 30", 3, LOAD, 1, 1, 6, 0, 1, "mov (%rax),%sil"),
	MV(64, "44 8a 10", 3, LOAD, 1, 1, 10, 0, 1, "mov (%rax),%r10b"),
	MV(64, "66 8b 18", 3, LOAD, 2, 2, 3, 0, 1, "mov (%rax),%bx"),
	MV(64, "66 44 8b 18", 4, LOAD, 2, 2, 11, 0, 1, "mov (%rax),%r11w"),
	MV(64, "8b 28", 2, LOAD, 4, 4, 5, 0, 1, "mov (%rax),%ebp"),
	MV(64, "4c 8b 30", 3, LOAD, 8, 8, 14, 0, 1, "mov (%rax),%r14"),
	MV(64, "67 8b 00", 3, LOAD, 4, 4, 0, 0, 1, "mov (%eax),%eax"),
	MV(64, "64 8b 00", 3, LOAD, 4, 4, 0, 0, 1, "mov %fs:(%rax),%eax",
	   .has_seg = true, .seg = 4),
	MV(64, "65 48 8b 04 25 28 00 00 00", 9, LOAD, 8, 8, 0, 0, 1,
	   "mov %gs:0x28,%rax", .has_seg = true, .seg = 5),
	/* ES/CS/SS/DS overrides are ignored in 64-bit mode */
	MV(64, "26 8b 00", 3, LOAD, 4, 4, 0, 0, 1, "es override ignored"),
	MV(64, "2e 64 8b 00", 4, LOAD, 4, 4, 0, 0, 1, "cs then fs",
	   .has_seg = true, .seg = 4),
	MV(64, "64 2e 8b 00", 4, LOAD, 4, 4, 0, 0, 1, "fs then ignored cs",
	   .has_seg = true, .seg = 4),

	/* ---- 64-bit mode: moffs (A0-A3), 8-byte offsets ---- */
	MV(64, "a0 88 77 66 55 44 33 22 11", 9, LOAD, 1, 1, 0, 0, 1,
	   "movabs moffs64,%al"),
	MV(64, "66 a1 88 77 66 55 44 33 22 11", 10, LOAD, 2, 2, 0, 0, 1,
	   "movabs moffs64,%ax"),
	MV(64, "a1 88 77 66 55 44 33 22 11", 9, LOAD, 4, 4, 0, 0, 1,
	   "movabs moffs64,%eax"),
	MV(64, "48 a1 88 77 66 55 44 33 22 11", 10, LOAD, 8, 8, 0, 0, 1,
	   "movabs moffs64,%rax"),
	MV(64, "a2 88 77 66 55 44 33 22 11", 9, STORE, 1, 1, 0, 0, 1,
	   "movabs %al,moffs64"),
	MV(64, "48 a3 88 77 66 55 44 33 22 11", 10, STORE, 8, 8, 0, 0, 1,
	   "movabs %rax,moffs64"),
	MV(64, "67 a1 44 33 22 11", 6, LOAD, 4, 4, 0, 0, 1,
	   "addr32 mov moffs32,%eax"),

	/* ---- 64-bit mode: MOV r/m, imm (C6 /0, C7 /0) ---- */
	MV(64, "c6 00 80", 3, STIMM, 1, 0, 0, 0, 1, "movb $0x80,(%rax)",
	   .imm = 0xffffffffffffff80ULL),
	MV(64, "66 c7 00 01 80", 5, STIMM, 2, 0, 0, 0, 1, "movw $0x8001,(%rax)",
	   .imm = 0xffffffffffff8001ULL),
	MV(64, "c7 00 01 00 00 80", 6, STIMM, 4, 0, 0, 0, 1,
	   "movl $0x80000001,(%rax)", .imm = 0xffffffff80000001ULL),
	MV(64, "48 c7 00 fe ff ff ff", 7, STIMM, 8, 0, 0, 0, 1, "movq $-2,(%rax)",
	   .imm = 0xfffffffffffffffeULL),
	MV(64, "48 c7 44 4b 10 ff ff ff 7f", 9, STIMM, 8, 0, 0, 0, 1,
	   "movq $0x7fffffff,0x10(%rbx,%rcx,2)", .imm = 0x7fffffff),
	MV(64, "66 48 c7 00 01 02 03 04", 8, STIMM, 8, 0, 0, 0, 1,
	   "66 REX.W movq $imm32", .imm = 0x04030201),
	MV(64, "c7 c0 01 00 00 00", 6, STIMM, 4, 0, 0, 0, 0, "mov $1,%eax (C7 form)",
	   .imm = 1),

	/* ---- 64-bit mode: MOVZX, MOVSX, MOVSXD ---- */
	MV(64, "0f b6 00", 3, MOVZX, 1, 4, 0, 0, 1, "movzbl (%rax),%eax"),
	MV(64, "66 0f b6 00", 4, MOVZX, 1, 2, 0, 0, 1, "movzbw (%rax),%ax"),
	MV(64, "4c 0f b6 00", 4, MOVZX, 1, 8, 8, 0, 1, "movzbq (%rax),%r8"),
	MV(64, "0f b7 08", 3, MOVZX, 2, 4, 1, 0, 1, "movzwl (%rax),%ecx"),
	MV(64, "48 0f b7 10", 4, MOVZX, 2, 8, 2, 0, 1, "movzwq (%rax),%rdx"),
	MV(64, "0f be 00", 3, MOVSX, 1, 4, 0, 0, 1, "movsbl (%rax),%eax"),
	MV(64, "66 0f be 00", 4, MOVSX, 1, 2, 0, 0, 1, "movsbw (%rax),%ax"),
	MV(64, "4c 0f be 08", 4, MOVSX, 1, 8, 9, 0, 1, "movsbq (%rax),%r9"),
	MV(64, "0f bf 08", 3, MOVSX, 2, 4, 1, 0, 1, "movswl (%rax),%ecx"),
	MV(64, "48 0f bf 10", 4, MOVSX, 2, 8, 2, 0, 1, "movswq (%rax),%rdx"),
	MV(64, "48 63 18", 3, MOVSX, 4, 8, 3, 0, 1, "movslq (%rax),%rbx"),
	MV(64, "4c 63 28", 3, MOVSX, 4, 8, 13, 0, 1, "movslq (%rax),%r13"),

	/* ---- 32-bit mode: MOV forms ---- */
	MV(32, "88 00", 2, STORE, 1, 1, 0, 0, 1, "mov %al,(%eax)"),
	MV(32, "88 20", 2, STORE, 1, 1, 0, 1, 1, "mov %ah,(%eax)"),
	MV(32, "88 33", 2, STORE, 1, 1, 2, 1, 1, "mov %dh,(%ebx)"),
	MV(32, "66 89 00", 3, STORE, 2, 2, 0, 0, 1, "mov %ax,(%eax)"),
	MV(32, "89 00", 2, STORE, 4, 4, 0, 0, 1, "mov %eax,(%eax)"),
	MV(32, "89 4c b3 10", 4, STORE, 4, 4, 1, 0, 1, "mov %ecx,0x10(%ebx,%esi,4)"),
	MV(32, "89 95 78 56 34 12", 6, STORE, 4, 4, 2, 0, 1,
	   "mov %edx,disp32(%ebp)"),
	MV(32, "89 1d 78 56 34 12", 6, STORE, 4, 4, 3, 0, 1, "mov %ebx,disp32"),
	MV(32, "8a 18", 2, LOAD, 1, 1, 3, 0, 1, "mov (%eax),%bl"),
	MV(32, "8a 38", 2, LOAD, 1, 1, 3, 1, 1, "mov (%eax),%bh"),
	MV(32, "66 8b 30", 3, LOAD, 2, 2, 6, 0, 1, "mov (%eax),%si"),
	MV(32, "8b 38", 2, LOAD, 4, 4, 7, 0, 1, "mov (%eax),%edi"),
	MV(32, "a0 44 33 22 11", 5, LOAD, 1, 1, 0, 0, 1, "mov moffs32,%al"),
	MV(32, "66 a1 44 33 22 11", 6, LOAD, 2, 2, 0, 0, 1, "mov moffs32,%ax"),
	MV(32, "a1 44 33 22 11", 5, LOAD, 4, 4, 0, 0, 1, "mov moffs32,%eax"),
	MV(32, "a2 44 33 22 11", 5, STORE, 1, 1, 0, 0, 1, "mov %al,moffs32"),
	MV(32, "a3 44 33 22 11", 5, STORE, 4, 4, 0, 0, 1, "mov %eax,moffs32"),
	MV(32, "67 a1 22 11", 4, LOAD, 4, 4, 0, 0, 1, "addr16 mov moffs16,%eax"),
	MV(32, "67 66 89 00", 4, STORE, 2, 2, 0, 0, 1, "mov %ax,(%bx,%si)"),
	MV(32, "c6 00 7f", 3, STIMM, 1, 0, 0, 0, 1, "movb $0x7f,(%eax)",
	   .imm = 0x7f),
	MV(32, "66 c7 00 ff ff", 5, STIMM, 2, 0, 0, 0, 1, "movw $0xffff,(%eax)",
	   .imm = ~0ULL),
	MV(32, "c7 00 78 56 34 12", 6, STIMM, 4, 0, 0, 0, 1,
	   "movl $0x12345678,(%eax)", .imm = 0x12345678),
	MV(32, "0f b6 00", 3, MOVZX, 1, 4, 0, 0, 1, "movzbl (%eax),%eax"),
	MV(32, "0f b7 18", 3, MOVZX, 2, 4, 3, 0, 1, "movzwl (%eax),%ebx"),
	MV(32, "66 0f be 08", 4, MOVSX, 1, 2, 1, 0, 1, "movsbw (%eax),%cx"),
	MV(32, "0f bf 10", 3, MOVSX, 2, 4, 2, 0, 1, "movswl (%eax),%edx"),
	MV(32, "26 8b 00", 3, LOAD, 4, 4, 0, 0, 1, "mov %es:(%eax),%eax",
	   .has_seg = true, .seg = 0),
	MV(32, "36 8b 00", 3, LOAD, 4, 4, 0, 0, 1, "mov %ss:(%eax),%eax",
	   .has_seg = true, .seg = 2),
	MV(32, "2e 3e 8b 00", 4, LOAD, 4, 4, 0, 0, 1, "last segment override wins",
	   .has_seg = true, .seg = 3),
	LEN(32, "63 03", 2, "arpl is not movsxd outside 64-bit mode"),
	LEN(32, "40 88 20", 1, "40 is inc %eax in 32-bit mode"),
	LEN(32, "48 89 00", 1, "48 is dec %eax in 32-bit mode"),

	/* ---- 16-bit mode: MOV forms and 16-bit addressing ---- */
	MV(16, "88 07", 2, STORE, 1, 1, 0, 0, 1, "mov %al,(%bx)"),
	MV(16, "88 20", 2, STORE, 1, 1, 0, 1, 1, "mov %ah,(%bx,%si)"),
	MV(16, "89 07", 2, STORE, 2, 2, 0, 0, 1, "mov %ax,(%bx)"),
	MV(16, "66 89 07", 3, STORE, 4, 4, 0, 0, 1, "mov %eax,(%bx)"),
	MV(16, "89 4a 12", 3, STORE, 2, 2, 1, 0, 1, "mov %cx,0x12(%bp,%si)"),
	MV(16, "89 92 34 12", 4, STORE, 2, 2, 2, 0, 1, "mov %dx,0x1234(%bp,%si)"),
	MV(16, "89 9b 34 12", 4, STORE, 2, 2, 3, 0, 1, "mov %bx,0x1234(%bp,%di)"),
	MV(16, "89 36 34 12", 4, STORE, 2, 2, 6, 0, 1, "mov %si,disp16"),
	MV(16, "89 7e 00", 3, STORE, 2, 2, 7, 0, 1, "mov %di,0(%bp)"),
	MV(16, "89 46 fe", 3, STORE, 2, 2, 0, 0, 1, "mov %ax,-2(%bp)"),
	MV(16, "8a 0c", 2, LOAD, 1, 1, 1, 0, 1, "mov (%si),%cl"),
	MV(16, "8a 2d", 2, LOAD, 1, 1, 1, 1, 1, "mov (%di),%ch"),
	MV(16, "8b 07", 2, LOAD, 2, 2, 0, 0, 1, "mov (%bx),%ax"),
	MV(16, "66 8b 07", 3, LOAD, 4, 4, 0, 0, 1, "mov (%bx),%eax"),
	MV(16, "67 89 00", 3, STORE, 2, 2, 0, 0, 1, "mov %ax,(%eax)"),
	MV(16, "67 89 44 98 10", 5, STORE, 2, 2, 0, 0, 1,
	   "mov %ax,0x10(%eax,%ebx,4)"),
	MV(16, "a0 34 12", 3, LOAD, 1, 1, 0, 0, 1, "mov moffs16,%al"),
	MV(16, "a1 34 12", 3, LOAD, 2, 2, 0, 0, 1, "mov moffs16,%ax"),
	MV(16, "66 a1 34 12", 4, LOAD, 4, 4, 0, 0, 1, "mov moffs16,%eax"),
	MV(16, "a2 34 12", 3, STORE, 1, 1, 0, 0, 1, "mov %al,moffs16"),
	MV(16, "a3 34 12", 3, STORE, 2, 2, 0, 0, 1, "mov %ax,moffs16"),
	MV(16, "67 a1 44 33 22 11", 6, LOAD, 2, 2, 0, 0, 1,
	   "addr32 mov moffs32,%ax"),
	MV(16, "c6 07 80", 3, STIMM, 1, 0, 0, 0, 1, "movb $0x80,(%bx)",
	   .imm = 0xffffffffffffff80ULL),
	MV(16, "c7 07 00 80", 4, STIMM, 2, 0, 0, 0, 1, "movw $0x8000,(%bx)",
	   .imm = 0xffffffffffff8000ULL),
	MV(16, "66 c7 07 00 00 00 80", 7, STIMM, 4, 0, 0, 0, 1,
	   "movl $0x80000000,(%bx)", .imm = 0xffffffff80000000ULL),
	MV(16, "0f b6 07", 3, MOVZX, 1, 2, 0, 0, 1, "movzbw (%bx),%ax"),
	MV(16, "66 0f b6 07", 4, MOVZX, 1, 4, 0, 0, 1, "movzbl (%bx),%eax"),
	MV(16, "66 0f b7 07", 4, MOVZX, 2, 4, 0, 0, 1, "movzwl (%bx),%eax"),
	MV(16, "0f be 07", 3, MOVSX, 1, 2, 0, 0, 1, "movsbw (%bx),%ax"),
	MV(16, "66 0f bf 07", 4, MOVSX, 2, 4, 0, 0, 1, "movswl (%bx),%eax"),
	MV(16, "26 8b 05", 3, LOAD, 2, 2, 0, 0, 1, "mov %es:(%di),%ax",
	   .has_seg = true, .seg = 0),

	/* ---- 64-bit mode: instructions guests make us skip ---- */
	LEN(64, "0f a2", 2, "cpuid"),
	LEN(64, "f4", 1, "hlt"),
	LEN(64, "0f 32", 2, "rdmsr"),
	LEN(64, "0f 30", 2, "wrmsr"),
	LEN(64, "0f 01 d8", 3, "vmrun"),
	LEN(64, "0f 01 d9", 3, "vmmcall"),
	LEN(64, "0f 01 da", 3, "vmload"),
	LEN(64, "0f 01 db", 3, "vmsave"),
	LEN(64, "0f 01 dc", 3, "stgi"),
	LEN(64, "0f 01 dd", 3, "clgi"),
	LEN(64, "0f 01 de", 3, "skinit"),
	LEN(64, "0f 01 df", 3, "invlpga"),
	LEN(64, "e4 60", 2, "in $0x60,%al"),
	LEN(64, "e5 60", 2, "in $0x60,%eax"),
	LEN(64, "66 e5 71", 3, "in $0x71,%ax"),
	LEN(64, "e6 80", 2, "out %al,$0x80"),
	LEN(64, "e7 80", 2, "out %eax,$0x80"),
	LEN(64, "ec", 1, "in (%dx),%al"),
	LEN(64, "66 ed", 2, "in (%dx),%ax"),
	LEN(64, "ed", 1, "in (%dx),%eax"),
	LEN(64, "ee", 1, "out %al,(%dx)"),
	LEN(64, "66 ef", 2, "out %ax,(%dx)"),
	LEN(64, "ef", 1, "out %eax,(%dx)"),
	{ .name = "rep insb", .mode = 64, .hex = "f3 6c", .len = 2, .rep = 0xf3 },
	{ .name = "rep insw", .mode = 64, .hex = "66 f3 6d", .len = 3, .rep = 0xf3 },
	{ .name = "rep insl", .mode = 64, .hex = "f3 6d", .len = 2, .rep = 0xf3 },
	{ .name = "rep outsb", .mode = 64, .hex = "f3 6e", .len = 2, .rep = 0xf3 },
	{ .name = "rep outsl", .mode = 64, .hex = "f3 6f", .len = 2, .rep = 0xf3 },
	{ .name = "rep movsb", .mode = 64, .hex = "f3 a4", .len = 2, .rep = 0xf3 },
	{ .name = "repnz scasb", .mode = 64, .hex = "f3 f2 ae", .len = 3,
	  .rep = 0xf2 },
	{ .name = "lock add", .mode = 64, .hex = "f0 01 00", .len = 3, .lock = true },
	{ .name = "lock cmpxchg16b", .mode = 64, .hex = "f0 48 0f c7 0f", .len = 5,
	  .lock = true },
	LEN(64, "0f 01 50 10", 4, "lgdt 0x10(%rax)"),
	LEN(64, "0f 01 1d 00 00 00 00", 7, "lidt disp32(%rip)"),
	LEN(64, "0f 22 c0", 3, "mov %rax,%cr0"),
	LEN(64, "0f 20 d8", 3, "mov %cr3,%rax"),
	LEN(64, "44 0f 22 c0", 4, "mov %rax,%cr8"),
	LEN(64, "0f 23 f8", 3, "mov %rax,%db7"),
	/* MOV CR/DR ignore ModRM.mod: never a SIB or displacement */
	LEN(64, "0f 20 00", 3, "mov %cr0,%rax with mod 00"),
	LEN(64, "0f 22 44", 3, "mov %rsp,%cr0 with mod 01 and rm 100"),
	LEN(64, "55", 1, "push %rbp"),
	LEN(64, "41 54", 2, "push %r12"),
	LEN(64, "41 5f", 2, "pop %r15"),
	LEN(64, "6a 12", 2, "push $imm8"),
	LEN(64, "68 78 56 34 12", 5, "push $imm32"),
	LEN(64, "66 68 34 12", 4, "pushw $imm16"),
	LEN(64, "8f 00", 2, "pop (%rax)"),
	LEN(64, "8f 40 08", 3, "pop 8(%rax)"),
	LEN(64, "e8 fb 0f 00 00", 5, "call rel32"),
	LEN(64, "ff d0", 2, "call *%rax"),
	LEN(64, "ff 50 10", 3, "call *0x10(%rax)"),
	LEN(64, "e9 fb 0f 00 00", 5, "jmp rel32"),
	LEN(64, "eb 03", 2, "jmp rel8"),
	LEN(64, "74 03", 2, "je rel8"),
	LEN(64, "0f 84 fa 0f 00 00", 6, "je rel32"),
	/* AMD: 66 makes near branches rel16 in 64-bit mode, REX.W undoes it */
	LEN(64, "66 e8 01 02", 4, "66 call rel16 (AMD)"),
	LEN(64, "66 0f 84 01 02", 5, "66 je rel16 (AMD)"),
	LEN(64, "66 48 e8 01 02 03 04", 7, "66 REX.W call rel32"),
	LEN(64, "e2 01", 2, "loop rel8"),
	LEN(64, "c3", 1, "ret"),
	LEN(64, "c2 10 00", 3, "ret $imm16"),
	LEN(64, "cb", 1, "lret"),
	LEN(64, "ca 08 00", 3, "lret $imm16"),
	LEN(64, "48 cf", 2, "iretq"),
	LEN(64, "c8 10 00 00", 4, "enter $0x10,$0"),
	LEN(64, "c9", 1, "leave"),
	LEN(64, "0f 05", 2, "syscall"),
	LEN(64, "0f 07", 2, "sysret"),
	LEN(64, "cc", 1, "int3"),
	LEN(64, "cd 80", 2, "int $0x80"),
	LEN(64, "f1", 1, "int1"),
	LEN(64, "90", 1, "nop"),
	{ .name = "pause", .mode = 64, .hex = "f3 90", .len = 2, .rep = 0xf3 },
	LEN(64, "66 0f 1f 04 00", 5, "nopw (%rax,%rax,1)"),
	LEN(64, "0f 1f 00", 3, "nopl (%rax)"),
	LEN(64, "66 2e 0f 1f 84 00 00 00 00 00", 10, "nopw %cs:0(%rax,%rax,1)"),
	LEN(64, "48 b8 88 77 66 55 44 33 22 11", 10, "movabs $imm64,%rax"),
	LEN(64, "b9 44 33 22 11", 5, "mov $imm32,%ecx"),
	LEN(64, "66 b9 22 11", 4, "mov $imm16,%cx"),
	LEN(64, "41 b0 11", 3, "mov $imm8,%r8b"),
	LEN(64, "a8 12", 2, "test $imm8,%al"),
	LEN(64, "f6 00 12", 3, "testb $imm8,(%rax)"),
	LEN(64, "f6 08 12", 3, "testb $imm8,(%rax) via /1"),
	LEN(64, "66 f7 00 34 12", 5, "testw $imm16,(%rax)"),
	LEN(64, "f7 00 78 56 34 12", 6, "testl $imm32,(%rax)"),
	LEN(64, "48 f7 80 44 33 22 11 78 56 34 12", 11, "testq $imm32,disp32(%rax)"),
	LEN(64, "f7 10", 2, "notl (%rax)"),
	LEN(64, "48 f7 18", 3, "negq (%rax)"),
	LEN(64, "f7 20", 2, "mull (%rax)"),
	LEN(64, "f6 f1", 2, "div %cl"),
	LEN(64, "69 c8 34 12 00 00", 6, "imul $imm32,%eax,%ecx"),
	LEN(64, "6b c8 12", 3, "imul $imm8,%eax,%ecx"),
	LEN(64, "81 00 78 56 34 12", 6, "addl $imm32,(%rax)"),
	LEN(64, "83 00 12", 3, "addl $imm8,(%rax)"),
	LEN(64, "80 00 12", 3, "addb $imm8,(%rax)"),
	LEN(64, "c1 e0 03", 3, "shl $3,%eax"),
	LEN(64, "d1 20", 2, "shll (%rax)"),
	LEN(64, "48 87 03", 3, "xchg %rax,(%rbx)"),
	LEN(64, "0f b1 0a", 3, "cmpxchg %ecx,(%rdx)"),
	LEN(64, "0f c1 03", 3, "xadd %eax,(%rbx)"),
	LEN(64, "0f c8", 2, "bswap %eax"),
	LEN(64, "0f a4 03 03", 4, "shld $3,%eax,(%rbx)"),
	LEN(64, "0f ac 03 03", 4, "shrd $3,%eax,(%rbx)"),
	LEN(64, "0f ba 20 03", 4, "btl $3,(%rax)"),
	LEN(64, "66 0f 70 c8 1b", 5, "pshufd"),
	LEN(64, "0f 71 d1 02", 4, "psrlw $2,%mm1"),
	LEN(64, "66 0f 73 d9 04", 5, "psrldq $4,%xmm1"),
	LEN(64, "0f c2 d1 01", 4, "cmpltps"),
	LEN(64, "66 0f c4 c8 01", 5, "pinsrw"),
	LEN(64, "66 0f c5 c1 01", 5, "pextrw"),
	LEN(64, "0f c6 d1 01", 4, "shufps"),
	LEN(64, "66 0f 38 00 d1", 5, "pshufb (0F 38)"),
	LEN(64, "66 0f 3a 0f d1 03", 6, "palignr (0F 3A)"),
	LEN(64, "66 0f 3a 16 08 01", 6, "pextrd $1,%xmm1,(%rax)"),
	LEN(64, "66 0f 38 dc d1", 5, "aesenc"),
	{ .name = "crc32b", .mode = 64, .hex = "f2 0f 38 f0 00", .len = 5,
	  .rep = 0xf2 },
	LEN(64, "0f 38 f0 00", 4, "movbe (%rax),%eax"),
	LEN(64, "0f 0f d1 9e", 4, "pfadd (3DNow!)"),
	LEN(64, "0f 0f 58 10 b4", 5, "pfmul 0x10(%rax) (3DNow!)"),
	LEN(64, "0f 0e", 2, "femms"),
	LEN(64, "0f 0d 08", 3, "prefetchw (%rax)"),
	LEN(64, "66 0f 78 c1 08 04", 6, "extrq $4,$8 (SSE4a)"),
	{ .name = "insertq $4,$8 (SSE4a)", .mode = 64, .hex = "f2 0f 78 ca 08 04",
	  .len = 6, .rep = 0xf2 },
	LEN(64, "66 0f 79 ca", 4, "extrq %xmm2,%xmm1"),
	LEN(64, "0f 01 f9", 3, "rdtscp"),
	LEN(64, "0f 01 fa", 3, "monitorx"),
	LEN(64, "0f 01 fb", 3, "mwaitx"),
	LEN(64, "0f 01 fc", 3, "clzero"),
	LEN(64, "0f 01 f8", 3, "swapgs"),
	LEN(64, "0f 01 38", 3, "invlpg (%rax)"),
	LEN(64, "0f 09", 2, "wbinvd"),
	LEN(64, "c7 f8 fa 00 00 00", 6, "xbegin rel32"),
	LEN(64, "c6 f8 01", 3, "xabort $1"),
	LEN(64, "0f 01 d5", 3, "xend"),
	LEN(64, "0f 0b", 2, "ud2"),
	LEN(64, "d9 00", 2, "flds (%rax)"),
	LEN(64, "de e1", 2, "fsubp"),
	LEN(64, "df e0", 2, "fnstsw %ax"),
	LEN(64, "9b", 1, "fwait"),
	LEN(64, "d7", 1, "xlat"),
	LEN(64, "98", 1, "cwtl"),
	LEN(64, "48 99", 2, "cqto"),
	LEN(64, "0f c7 f0", 3, "rdrand %eax"),
	LEN(64, "48 0f c7 f8", 4, "rdseed %rax"),
	LEN(64, "0f ae 20", 3, "xsave (%rax)"),
	LEN(64, "0f ae e8", 3, "lfence"),
	LEN(64, "0f ae 38", 3, "clflush (%rax)"),
	{ .name = "endbr64", .mode = 64, .hex = "f3 0f 1e fa", .len = 4,
	  .rep = 0xf3 },
	{ .name = "popcnt", .mode = 64, .hex = "f3 0f b8 d8", .len = 4,
	  .rep = 0xf3 },
	LEN(64, "0f 44 d8", 3, "cmove"),
	LEN(64, "0f 94 c0", 3, "sete %al"),
	/* VEX, EVEX and XOP */
	LEN(64, "c5 fe 6f 00", 4, "vmovdqu (%rax),%ymm0 (VEX2)"),
	LEN(64, "c4 81 7e 7f 0c 88", 6, "vmovdqu %ymm1,(%r8,%r9,4) (VEX3)"),
	LEN(64, "c5 f8 77", 3, "vzeroupper"),
	LEN(64, "c5 fc 77", 3, "vzeroall"),
	LEN(64, "c5 fd 70 d1 1b", 5, "vpshufd $imm8"),
	LEN(64, "c4 e3 61 4c e2 10", 6, "vpblendvb (is4)"),
	LEN(64, "c4 e3 fd 00 d1 1b", 6, "vpermq $imm8"),
	LEN(64, "c4 e2 60 f2 c8", 5, "andn (VEX 0F 38)"),
	LEN(64, "62 f1 fe 48 6f 08", 6, "vmovdqu64 (%rax),%zmm1 (EVEX)"),
	LEN(64, "62 f1 fe 48 6f 48 01", 7, "vmovdqu64 0x40(%rax) (disp8*N)"),
	LEN(64, "62 41 7e 48 7f 7f 40", 7, "vmovdqu32 %zmm31,0x1000(%r15)"),
	LEN(64, "62 f3 6d 48 25 d9 12", 7, "vpternlogd $imm8 (EVEX 0F 3A)"),
	LEN(64, "62 f1 7d 48 70 d1 01", 7, "vpshufd $imm8 (EVEX 0F)"),
	LEN(64, "62 f5 6c 48 58 d9", 6, "vaddph (EVEX map 5)"),
	LEN(64, "62 f6 6d 48 98 d9", 6, "vfmadd132ph (EVEX map 6)"),
	LEN(64, "8f ea 78 10 d8 78 56 34 12", 9, "bextr $imm32 (XOP map A)"),
	LEN(64, "8f e8 68 a2 18 10", 6, "vpcmov (XOP map 8)"),
	LEN(64, "8f e8 78 c0 14 98 03", 7, "vprotb $imm8 (XOP map 8)"),
	LEN(64, "8f e9 60 01 c8", 5, "blcfill (XOP map 9)"),
	LEN(64, "8f ea 78 12 00 78 56 34 12", 9, "lwpins $imm32 (XOP map A)"),

	/* ---- 64-bit mode: invalid ---- */
	INV(64, "06", "push %es"),
	INV(64, "07", "pop %es"),
	INV(64, "0e", "push %cs"),
	INV(64, "16", "push %ss"),
	INV(64, "17", "pop %ss"),
	INV(64, "1e", "push %ds"),
	INV(64, "1f", "pop %ds"),
	INV(64, "27", "daa"),
	INV(64, "2f", "das"),
	INV(64, "37", "aaa"),
	INV(64, "3f", "aas"),
	INV(64, "60", "pusha"),
	INV(64, "61", "popa"),
	INV(64, "82 c0 01", "82 alias of 80"),
	INV(64, "9a 78 56 34 12 10 00", "lcall ptr16:32"),
	INV(64, "ce", "into"),
	INV(64, "d4 0a", "aam"),
	INV(64, "d5 0a", "aad"),
	INV(64, "d6", "salc"),
	INV(64, "ea 78 56 34 12 10 00", "ljmp ptr16:32"),
	INV(64, "62 f0 7d 48 6f 08", "EVEX map 0"),
	INV(64, "62 f4 7d 48 6f 08", "EVEX map 4 (APX, not decoded)"),
	INV(64, "c4 e0 7e 6f 00", "VEX map 0"),
	INV(64, "c4 e4 7e 6f 00", "VEX map 4"),
	INV(64, "66 c5 fe 6f 00", "66 before VEX"),
	INV(64, "f3 c5 fe 6f 00", "F3 before VEX"),
	INV(64, "f0 c5 fe 6f 00", "LOCK before VEX"),
	INV(64, "48 c5 fe 6f 00", "REX before VEX"),
	INV(64, "66 62 f1 fe 48 6f 08", "66 before EVEX"),
	INV(64, "8f eb 78 10 d8", "XOP map B"),
	INV(64, "8f 20", "8F /4 is neither POP nor XOP"),
	INV(64, "c6 08 01", "C6 /1"),
	INV(64, "c7 f9 00 00 00 00", "C7 with reg 7 but not F8"),
	INV(64, "0f 04", "0F 04"),
	INV(64, "0f 0a", "0F 0A"),
	INV(64, "0f 24 c0", "mov from test register"),
	INV(64, "0f a6", "0F A6"),

	/* ---- 32-bit mode ---- */
	LEN(32, "ea 78 56 34 12 10 00", 7, "ljmp $0x10,$imm32"),
	LEN(32, "9a 78 56 34 12 10 00", 7, "lcall $0x10,$imm32"),
	LEN(32, "66 ea 34 12 10 00", 6, "ljmpw $0x10,$imm16"),
	LEN(32, "c4 00", 2, "les (%eax),%eax"),
	LEN(32, "c5 18", 2, "lds (%eax),%ebx"),
	LEN(32, "66 c4 00", 3, "les (%eax),%ax (66 is fine for LES)"),
	LEN(32, "62 03", 2, "bound %eax,(%ebx)"),
	LEN(32, "62 44 24 08", 4, "bound %eax,8(%esp)"),
	LEN(32, "06", 1, "push %es"),
	LEN(32, "1f", 1, "pop %ds"),
	LEN(32, "60", 1, "pusha"),
	LEN(32, "61", 1, "popa"),
	LEN(32, "27", 1, "daa"),
	LEN(32, "d4 0a", 2, "aam"),
	LEN(32, "d5 0a", 2, "aad"),
	LEN(32, "d6", 1, "salc"),
	LEN(32, "ce", 1, "into"),
	LEN(32, "82 c0 01", 3, "82 alias of 80"),
	LEN(32, "40", 1, "inc %eax"),
	LEN(32, "49", 1, "dec %ecx"),
	LEN(32, "c5 fe 6f 00", 4, "vmovdqu (%eax),%ymm0"),
	LEN(32, "c5 fa 7f 4b 10", 5, "vmovdqu %xmm1,0x10(%ebx)"),
	LEN(32, "c5 fd 70 d1 1b", 5, "vpshufd $imm8"),
	LEN(32, "c5 f8 77", 3, "vzeroupper"),
	LEN(32, "62 f1 fe 48 6f 08", 6, "vmovdqu64 (%eax),%zmm1"),
	LEN(32, "62 f3 6d 48 25 d9 12", 7, "vpternlogd $imm8"),
	LEN(32, "0f 01 50 10", 4, "lgdtl 0x10(%eax)"),
	LEN(32, "0f 22 c0", 3, "mov %eax,%cr0"),
	LEN(32, "0f 20 c0", 3, "mov %cr0,%eax"),
	LEN(32, "e8 fb 0f 00 00", 5, "call rel32"),
	LEN(32, "e9 fb 0f 00 00", 5, "jmp rel32"),
	LEN(32, "0f 85 fa 0f 00 00", 6, "jne rel32"),
	LEN(32, "66 e8 fc 00", 4, "callw rel16"),
	LEN(32, "0f 34", 2, "sysenter"),
	{ .name = "rep stosl", .mode = 32, .hex = "f3 ab", .len = 2, .rep = 0xf3 },
	LEN(32, "c8 10 00 01", 4, "enter"),

	/* ---- 16-bit mode ---- */
	LEN(16, "ea 34 12 10 00", 5, "ljmp $0x10,$0x1234"),
	LEN(16, "66 ea 78 56 34 12 10 00", 8, "ljmpl $0x10,$imm32"),
	LEN(16, "9a f0 ff 00 f0", 5, "lcall $0xf000,$0xfff0"),
	LEN(16, "0f 01 57 10", 4, "lgdtw 0x10(%bx)"),
	LEN(16, "66 0f 01 14", 4, "lgdtl (%si)"),
	LEN(16, "0f 01 1e 34 12", 5, "lidtw disp16"),
	LEN(16, "0f 22 c0", 3, "mov %eax,%cr0"),
	LEN(16, "50", 1, "push %ax"),
	LEN(16, "68 34 12", 3, "push $imm16"),
	LEN(16, "66 68 78 56 34 12", 6, "pushl $imm32"),
	LEN(16, "e8 fd 00", 3, "call rel16"),
	LEN(16, "66 e8 01 02 03 04", 6, "calll rel32"),
	LEN(16, "e9 fd 00", 3, "jmp rel16"),
	LEN(16, "0f 84 fc 00", 4, "je rel16"),
	LEN(16, "eb 01", 2, "jmp rel8"),
	LEN(16, "c8 08 00 01", 4, "enter $8,$1"),
	LEN(16, "c2 04 00", 3, "ret $4"),
	LEN(16, "cf", 1, "iret"),
	LEN(16, "cd 10", 2, "int $0x10"),
	LEN(16, "e4 60", 2, "in $0x60,%al"),
	LEN(16, "e6 80", 2, "out %al,$0x80"),
	{ .name = "rep movsw", .mode = 16, .hex = "f3 a5", .len = 2, .rep = 0xf3 },
	{ .name = "rep insb", .mode = 16, .hex = "f3 6c", .len = 2, .rep = 0xf3 },
	LEN(16, "fa", 1, "cli"),
	LEN(16, "f4", 1, "hlt"),
	LEN(16, "b8 34 12", 3, "mov $imm16,%ax"),
	LEN(16, "66 b8 78 56 34 12", 6, "mov $imm32,%eax"),
	LEN(16, "05 34 12", 3, "add $imm16,%ax"),
	LEN(16, "66 05 78 56 34 12", 6, "add $imm32,%eax"),
	LEN(16, "f7 07 34 12", 4, "testw $imm16,(%bx)"),
	LEN(16, "0f a2", 2, "cpuid"),
	LEN(16, "0f 01 d8", 3, "vmrun"),
	LEN(16, "0f 01 f0", 3, "lmsw %ax"),
	LEN(16, "8e d8", 2, "mov %ax,%ds"),
	LEN(16, "c4 1e 34 12", 4, "les disp16,%bx"),

	/* ---- the 15-byte limit (SDM Vol. 2A, 2.1) ---- */
	MV(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 00", 15, STORE, 2, 2,
	   0, 0, 1, "15 bytes with 13 prefixes"),
	LEN(64, "26 26 26 26 26 26 26 26 26 26 26 26 26 26 90", 15,
	    "15 bytes: 14 prefixes and nop"),
	INV(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 00",
	    "16 bytes with 14 prefixes"),
	INV(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66",
	    "15 prefixes and no opcode"),
	INV(32, "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 81 00 78 56 34 12",
	    "17 bytes with an imm32"),
	INV(64, "48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 90",
	    "15 REX prefixes"),
	INV(8, "90", "mode 8"),
};

#define PAD 32

/* Decode the case's bytes followed by junk: the junk must not matter. */
static void check_case(const struct dcase *c, char *name)
{
	u8 buf[PAD + 16];
	struct hvx_insn in;
	unsigned int n, i;
	int ret;

	memset(buf, 0xff, sizeof(buf));
	n = parse_hex(c->hex, buf, PAD);
	ret = hvx_insn_decode(buf, n + 16, c->mode, &in);
	if (ret != c->ret) {
		fail(name, "returned %d, want %d", ret, c->ret);
		return;
	}
	if (ret) {
		ok(name);
		return;
	}
#define EXPECT(field, want) do { \
	if ((u64)(field) != (u64)(want)) { \
		fail(name, #field " is %#llx, want %#llx", \
		     (unsigned long long)(field), (unsigned long long)(want)); \
		return; \
	} } while (0)
	EXPECT(in.len, c->len);
	EXPECT(in.kind, c->kind);
	EXPECT(in.rep, c->rep);
	EXPECT(in.lock, c->lock);
	EXPECT(in.seg, c->has_seg ? c->seg : -1);
	if (c->operands) {
		EXPECT(in.mem_bytes, c->mem_bytes);
		EXPECT(in.reg_bytes, c->reg_bytes);
		EXPECT(in.mem_operand, c->memop);
		if (c->kind == STIMM) {
			EXPECT(in.imm, c->imm);
		} else {
			EXPECT(in.reg, c->reg);
			EXPECT(in.reg_high8, c->hi8);
		}
	}
	ok(name);

	/* Every shorter prefix of the instruction is incomplete. */
	strcat(name, " truncated");
	for (i = 0; i < c->len; i++) {
		ret = hvx_insn_decode(buf, i, c->mode, &in);
		if (ret != -EAGAIN) {
			fail(name, "%u of %u bytes returned %d", i, c->len, ret);
			return;
		}
	}
	/* And exactly its bytes are enough. */
	ret = hvx_insn_decode(buf, c->len, c->mode, &in);
	if (ret || in.len != c->len) {
		fail(name, "exact length returned %d, len %u", ret, in.len);
		return;
	}
	ok(name);
#undef EXPECT
}

static void test_table(void)
{
	char name[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name) - 16, "%d-bit %s [%s]",
			 cases[i].mode, cases[i].name, cases[i].hex);
		check_case(&cases[i], name);
	}
}

/* The opcode bytes and ModRM as reported. */
struct ocase {
	int mode;
	const char *hex;
	u8 opcode_len;
	u8 opcode[3];
	bool has_modrm;
	u8 modrm;
};

static const struct ocase ocases[] = {
	{ 64, "90", 1, { 0x90 }, false, 0 },
	{ 64, "48 89 07", 1, { 0x89 }, true, 0x07 },
	{ 64, "0f a2", 2, { 0x0f, 0xa2 }, false, 0 },
	{ 64, "0f 01 d8", 2, { 0x0f, 0x01 }, true, 0xd8 },
	{ 64, "66 0f 38 00 d1", 3, { 0x0f, 0x38, 0x00 }, true, 0xd1 },
	{ 64, "66 0f 3a 0f d1 03", 3, { 0x0f, 0x3a, 0x0f }, true, 0xd1 },
	{ 64, "c5 fe 6f 00", 2, { 0x0f, 0x6f }, true, 0x00 },
	{ 64, "c4 e3 fd 00 d1 1b", 3, { 0x0f, 0x3a, 0x00 }, true, 0xd1 },
	{ 64, "62 f5 6c 48 58 d9", 3, { 0x62, 5, 0x58 }, true, 0xd9 },
	{ 64, "8f e9 60 01 c8", 3, { 0x8f, 9, 0x01 }, true, 0xc8 },
	{ 32, "c4 00", 1, { 0xc4 }, true, 0x00 },
	{ 16, "0f b6 07", 2, { 0x0f, 0xb6 }, true, 0x07 },
};

static void test_opcodes(void)
{
	char name[128];
	struct hvx_insn in;
	u8 buf[16];
	size_t i;
	unsigned int n;
	int ret;

	for (i = 0; i < sizeof(ocases) / sizeof(ocases[0]); i++) {
		const struct ocase *c = &ocases[i];

		snprintf(name, sizeof(name), "%d-bit opcode bytes [%s]",
			 c->mode, c->hex);
		n = parse_hex(c->hex, buf, sizeof(buf));
		ret = hvx_insn_decode(buf, n, c->mode, &in);
		if (ret)
			fail(name, "returned %d", ret);
		else if (in.opcode_len != c->opcode_len ||
			 memcmp(in.opcode, c->opcode, c->opcode_len))
			fail(name, "opcode_len %u opcode %02x %02x %02x",
			     in.opcode_len, in.opcode[0], in.opcode[1],
			     in.opcode[2]);
		else if (in.has_modrm != c->has_modrm ||
			 (c->has_modrm && in.modrm != c->modrm))
			fail(name, "has_modrm %d modrm %02x", in.has_modrm,
			     in.modrm);
		else
			ok(name);
	}
}

/* hvx_insn_load_result / hvx_insn_store_value on decoded instructions. */
struct vcase {
	const char *name;
	int mode;
	const char *hex;
	bool load;
	u64 old_reg;		/* load: old register; store: register value */
	u64 data;		/* load: data read */
	u64 want;
};

static const struct vcase vcases[] = {
	{ "load %al", 64, "8a 00", true, 0x1122334455667788ULL, 0xab,
	  0x11223344556677abULL },
	{ "load %ah", 64, "8a 20", true, 0x1122334455667788ULL, 0xab,
	  0x112233445566ab88ULL },
	{ "load %bh keeps the rest of rbx", 64, "8a 38", true, ~0ULL, 0x00,
	  0xffffffffffff00ffULL },
	{ "load %spl", 64, "40 8a 20", true, 0x1122334455667788ULL, 0xab,
	  0x11223344556677abULL },
	{ "load %ax", 64, "66 8b 00", true, 0x1122334455667788ULL, 0xbeef,
	  0x112233445566beefULL },
	{ "load %eax zero-extends", 64, "8b 00", true, ~0ULL, 0x12345678,
	  0x12345678 },
	{ "load %rax", 64, "48 8b 00", true, 0, 0x8877665544332211ULL,
	  0x8877665544332211ULL },
	{ "load %ax ignores data above 16 bits", 64, "66 8b 00", true, 0,
	  0xdeadbeefULL, 0xbeef },
	{ "load moffs %al", 64, "a0 88 77 66 55 44 33 22 11", true, 0x1234, 0x56,
	  0x1256 },
	{ "load moffs %eax", 32, "a1 44 33 22 11", true, ~0ULL, 0x80000000,
	  0x80000000 },
	{ "load %ax in 16-bit mode", 16, "8b 07", true, 0xffff0000ULL, 0x1234,
	  0xffff1234ULL },
	{ "movzbl", 64, "0f b6 00", true, ~0ULL, 0x80, 0x80 },
	{ "movzbl ignores data above 8 bits", 64, "0f b6 00", true, 0, 0x1ff,
	  0xff },
	{ "movzbw keeps bits 63:16", 64, "66 0f b6 00", true,
	  0x1111111111111111ULL, 0xff, 0x11111111111100ffULL },
	{ "movzwq", 64, "48 0f b7 10", true, ~0ULL, 0xdead1234ULL, 0x1234 },
	{ "movsbl", 64, "0f be 00", true, ~0ULL, 0x80, 0xffffff80ULL },
	{ "movsbl positive", 64, "0f be 00", true, ~0ULL, 0x7f, 0x7f },
	{ "movsbq", 64, "4c 0f be 08", true, 0, 0x80, 0xffffffffffffff80ULL },
	{ "movsbw keeps bits 63:16", 64, "66 0f be 00", true,
	  0x1111111111111111ULL, 0x80, 0x111111111111ff80ULL },
	{ "movswl", 64, "0f bf 08", true, 0, 0x8000, 0xffff8000ULL },
	{ "movswq", 64, "48 0f bf 10", true, 0, 0x8000, 0xffffffffffff8000ULL },
	{ "movslq negative", 64, "48 63 18", true, 0, 0x80000000ULL,
	  0xffffffff80000000ULL },
	{ "movslq positive", 64, "48 63 18", true, ~0ULL, 0x7fffffff,
	  0x7fffffff },
	{ "load_result of a store keeps the register", 64, "89 00", true,
	  0x1234, 0x5678, 0x1234 },
	{ "store %al", 64, "88 00", false, 0x1122334455667788ULL, 0, 0x88 },
	{ "store %ah", 64, "88 20", false, 0x1234, 0, 0x12 },
	{ "store %spl", 64, "40 88 20", false, 0x1234, 0, 0x34 },
	{ "store %ax", 64, "66 89 00", false, 0x11223344, 0, 0x3344 },
	{ "store %eax", 64, "89 00", false, 0x1122334455667788ULL, 0,
	  0x55667788 },
	{ "store %rax", 64, "48 89 00", false, 0x1122334455667788ULL, 0,
	  0x1122334455667788ULL },
	{ "store moffs %rax", 64, "48 a3 88 77 66 55 44 33 22 11", false,
	  0x1122334455667788ULL, 0, 0x1122334455667788ULL },
	{ "store %dh in 32-bit mode", 32, "88 33", false, 0xabcd, 0, 0xab },
	{ "store $imm8", 64, "c6 00 80", false, ~0ULL, 0, 0x80 },
	{ "store $imm16", 64, "66 c7 00 01 80", false, ~0ULL, 0, 0x8001 },
	{ "store $imm32", 64, "c7 00 01 00 00 80", false, 0, 0, 0x80000001 },
	{ "store $imm32 sign-extended to 64", 64, "48 c7 00 fe ff ff ff", false,
	  0, 0, 0xfffffffffffffffeULL },
	{ "store $imm32 with 66 REX.W", 64, "66 48 c7 00 01 02 03 04", false, 0,
	  0, 0x04030201 },
};

static void test_values(void)
{
	char name[160];
	struct hvx_insn in;
	u8 buf[16];
	size_t i;
	unsigned int n;
	u64 got;
	int ret;

	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];

		snprintf(name, sizeof(name), "%s %s [%s]",
			 c->load ? "load_result" : "store_value", c->name,
			 c->hex);
		n = parse_hex(c->hex, buf, sizeof(buf));
		ret = hvx_insn_decode(buf, n, c->mode, &in);
		if (ret) {
			fail(name, "decode returned %d", ret);
			continue;
		}
		if (c->load)
			got = hvx_insn_load_result(&in, c->old_reg, c->data);
		else
			got = hvx_insn_store_value(&in, c->old_reg);
		if (got != c->want)
			fail(name, "got %#llx, want %#llx",
			     (unsigned long long)got,
			     (unsigned long long)c->want);
		else
			ok(name);
	}
}

/*
 * Robustness: every 1- and 2-byte opcode with every ModRM byte, in every
 * mode, must decode to 1..15 bytes or fail cleanly, and never read past
 * avail (the buffer here is exactly the bytes we claim to have).
 */
static void test_exhaustive(void)
{
	static const int modes[] = { 16, 32, 64 };
	unsigned int m, a, b, bad = 0;
	struct hvx_insn in;
	u8 buf[15];
	int ret;

	for (m = 0; m < 3; m++) {
		for (a = 0; a < 256 * 256; a++) {
			memset(buf, 0, sizeof(buf));
			buf[0] = a >> 8;
			buf[1] = a & 0xff;
			for (b = 0; b < 256; b += 17) {
				buf[2] = b;
				ret = hvx_insn_decode(buf, sizeof(buf), modes[m],
						      &in);
				if (ret == 0 && (in.len < 1 || in.len > 15))
					bad++;
				else if (ret != 0 && ret != -EINVAL)
					bad++;
			}
		}
	}
	if (bad)
		fail("exhaustive two-byte sweep", "%u bad results", bad);
	else
		ok("exhaustive two-byte sweep");
}

int main(void)
{
	test_table();
	test_opcodes();
	test_values();
	test_exhaustive();
	return summary();
}
