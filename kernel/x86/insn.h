/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoding, as far as a hypervisor needs it:
 *  - the length of any instruction (to skip an intercepted instruction on
 *    CPUs without NRIP save, APM Vol. 2, 15.7.1 "State Saved on Exit");
 *  - the operands of the instructions that can touch an MMIO page with one
 *    memory operand (MOV, MOVZX, MOVSX), so that a nested page fault can be
 *    turned into a KVM_EXIT_MMIO of the right size and direction.
 *
 * Pure code: no guest access, no kernel services; the unit tests in
 * tests/unit/test_insn.c build it in user space.
 */
#ifndef HVX_X86_INSN_H
#define HVX_X86_INSN_H

#include "compat.h"

#define HVX_INSN_MAX_LEN 15	/* SDM Vol. 2A, 2.1 "Instruction Format" */

enum hvx_insn_kind {
	HVX_INSN_OTHER = 0,	/* decoded for its length only */
	HVX_INSN_MOV_STORE,	/* 88, 89, A2, A3: register -> memory */
	HVX_INSN_MOV_LOAD,	/* 8A, 8B, A0, A1: memory -> register */
	HVX_INSN_MOV_STORE_IMM,	/* C6 /0, C7 /0: immediate -> memory */
	HVX_INSN_MOVZX,		/* 0F B6, 0F B7: memory -> register, zero-extended */
	HVX_INSN_MOVSX,		/* 0F BE, 0F BF, 63 (MOVSXD, 64-bit mode): sign-extended */
};

struct hvx_insn {
	u8 len;			/* total length in bytes, prefixes included */
	enum hvx_insn_kind kind;
	u8 mem_bytes;		/* width of the memory access: 1, 2, 4 or 8 */
	u8 reg_bytes;		/* width of the register operand: 1, 2, 4 or 8 */
	u8 reg;			/* GPR number of the register operand: 0=RAX .. 15=R15 */
	bool reg_high8;		/* register operand is AH, CH, DH or BH */
	bool has_modrm;
	u8 modrm;
	bool mem_operand;	/* ModRM.mod != 3 or a moffs form */
	u64 imm;		/* STORE_IMM: immediate, sign-extended to 64 bits */
	u8 rep;			/* 0, 0xF2 or 0xF3 */
	bool lock;
	s8 seg;			/* segment override 0=ES,1=CS,2=SS,3=DS,4=FS,5=GS; -1 none */
	u8 opcode[3];		/* opcode bytes (1 to 3; 0F-escaped forms keep 0F) */
	u8 opcode_len;
};

/*
 * Decode the instruction in buf[0..avail). mode is the code size: 16, 32
 * or 64 (CS.D / CS.L / real mode). Returns 0 on success, -EAGAIN when the
 * instruction continues past avail bytes (fetch more and retry), -EINVAL
 * when the bytes are not a valid instruction or are longer than 15 bytes.
 */
int hvx_insn_decode(const u8 *buf, unsigned int avail, int mode,
		    struct hvx_insn *insn);

/*
 * Value of a register after a load of data into it: width and extension
 * rules of the instruction (8/16-bit writes keep the other bits, 32-bit
 * writes zero bits 63:32, AH..BH write bits 15:8).
 */
u64 hvx_insn_load_result(const struct hvx_insn *insn, u64 old_reg, u64 data);

/*
 * The value a STORE or STORE_IMM writes, truncated to mem_bytes, given the
 * register operand's current 64-bit value (ignored for STORE_IMM).
 */
u64 hvx_insn_store_value(const struct hvx_insn *insn, u64 reg_value);

#endif
