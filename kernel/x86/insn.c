// SPDX-License-Identifier: GPL-2.0
/*
 * x86 instruction length decoder and MOV operand decoder.
 *
 * Layout of an instruction (SDM Vol. 2A, 2.1 "Instruction Format"):
 *   legacy prefixes, REX, opcode (1-3 bytes), ModRM, SIB, displacement,
 *   immediate
 * or, for VEX/EVEX/XOP encoded instructions, the 2-4 byte VEX/EVEX/XOP
 * prefix in place of REX and the opcode escape bytes.
 *
 * The opcode maps are those of SDM Vol. 2D, Appendix A "Opcode Map"
 * (Tables) and, for AMD-only encodings (3DNow!, SSE4a,
 * XOP), of APM Vol. 3, Appendix A "Opcode and Operand Encodings".
 *
 * Where Intel and AMD disagree we follow AMD, the only vendor hvx runs on:
 * in 64-bit mode a 66h prefix on a near CALL/JMP/Jcc with a 32-bit
 * displacement makes it a 16-bit displacement (APM Vol. 3, "CALL (Near)",
 * "Jcc", "JMP (Near)": operand size can be overridden to 16 bits), where
 * Intel CPUs ignore the prefix.
 */
#include "insn.h"

/*
 * Per-opcode attributes. The low nibble says which immediate follows the
 * ModRM/SIB/displacement; the high bits describe the ModRM and validity.
 */
enum {
	I_NONE = 0,
	I_B,		/* Ib: one byte */
	I_W,		/* Iw: two bytes */
	I_Z,		/* Iz / Jz: 2 bytes with 16-bit operand size, else 4 */
	I_V,		/* Iv: 2, 4 or 8 bytes by operand size (MOV r, imm) */
	I_AP,		/* Ap: far pointer, offset by operand size + selector */
	I_MOFFS,	/* Ob/Ov: offset sized by the address size */
	I_ENTER,	/* Iw, Ib */
	I_GRP3,		/* F6/F7: TEST (reg 0 and 1) has Ib/Iz, others none */
	I_SSE4A,	/* 0F 78: EXTRQ/INSERTQ (66/F2) have Ib, Ib */
};

#define IMM_MASK	0x0f
#define M		0x10	/* has a ModRM byte */
#define MREG		0x20	/* ModRM.mod is ignored: always a register */
#define I64		0x40	/* invalid in 64-bit mode */
#define BAD		0x80	/* undefined opcode */

#define IB		(I_B)
#define IZ		(I_Z)

/*
 * One-byte opcode map, SDM Vol. 2D, Table A-2. Prefix bytes and the
 * escape bytes 0F, C4, C5, 62 and 8F are handled before this table is
 * consulted (C4/C5/62 only reach it as LES/LDS/BOUND).
 */
static const u8 map1[256] = {
	/* ALU ops: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
	[0x00 ... 0x03] = M, [0x04] = IB, [0x05] = IZ,
	[0x08 ... 0x0b] = M, [0x0c] = IB, [0x0d] = IZ,
	[0x10 ... 0x13] = M, [0x14] = IB, [0x15] = IZ,
	[0x18 ... 0x1b] = M, [0x1c] = IB, [0x1d] = IZ,
	[0x20 ... 0x23] = M, [0x24] = IB, [0x25] = IZ,
	[0x28 ... 0x2b] = M, [0x2c] = IB, [0x2d] = IZ,
	[0x30 ... 0x33] = M, [0x34] = IB, [0x35] = IZ,
	[0x38 ... 0x3b] = M, [0x3c] = IB, [0x3d] = IZ,
	/* PUSH/POP of ES, CS, SS, DS and the BCD adjusts: gone in 64-bit */
	[0x06] = I64, [0x07] = I64, [0x0e] = I64,
	[0x16] = I64, [0x17] = I64, [0x1e] = I64, [0x1f] = I64,
	[0x27] = I64, [0x2f] = I64, [0x37] = I64, [0x3f] = I64,
	/* 40-5F INC/DEC/PUSH/POP r: no operand bytes */
	[0x60] = I64, [0x61] = I64, [0x62] = M | I64, [0x63] = M,
	[0x68] = IZ, [0x69] = M | IZ, [0x6a] = IB, [0x6b] = M | IB,
	[0x70 ... 0x7f] = IB,			/* Jcc rel8 */
	[0x80] = M | IB, [0x81] = M | IZ, [0x82] = M | IB | I64, [0x83] = M | IB,
	[0x84 ... 0x8f] = M,
	[0x9a] = I_AP | I64,
	[0xa0 ... 0xa3] = I_MOFFS,
	[0xa8] = IB, [0xa9] = IZ,
	[0xb0 ... 0xb7] = IB,
	[0xb8 ... 0xbf] = I_V,
	[0xc0] = M | IB, [0xc1] = M | IB, [0xc2] = I_W,
	[0xc4] = M | I64, [0xc5] = M | I64,
	[0xc6] = M | IB, [0xc7] = M | IZ,
	[0xc8] = I_ENTER, [0xca] = I_W, [0xcd] = IB, [0xce] = I64,
	[0xd0 ... 0xd3] = M,
	[0xd4] = IB | I64, [0xd5] = IB | I64, [0xd6] = I64,
	[0xd8 ... 0xdf] = M,			/* x87 escape */
	[0xe0 ... 0xe7] = IB,			/* LOOPcc, JrCXZ, IN/OUT imm8 */
	[0xe8] = IZ, [0xe9] = IZ, [0xea] = I_AP | I64, [0xeb] = IB,
	[0xf6] = M | I_GRP3, [0xf7] = M | I_GRP3,
	[0xfe] = M, [0xff] = M,
};

/*
 * Two-byte opcode map (0F xx), SDM Vol. 2D, Table A-3, plus AMD's
 * 0F 0D PREFETCH, 0F 0E FEMMS, 0F 0F 3DNow! (ModRM then an imm8 that
 * selects the operation; APM Vol. 3, Appendix A "Opcode and Operand
 * Encodings") and SSE4a's 0F 78 forms.
 */
static const u8 map2[256] = {
	[0x00 ... 0x03] = M, [0x04] = BAD, [0x0a] = BAD, [0x0c] = BAD,
	[0x0d] = M, [0x0f] = M | IB,
	[0x10 ... 0x1f] = M,
	/* MOV to/from CRn/DRn: "the mod field is ignored" (SDM Vol. 2B, MOV) */
	[0x20 ... 0x23] = M | MREG,
	[0x24 ... 0x27] = BAD,
	[0x28 ... 0x2f] = M,
	[0x36] = BAD, [0x39] = BAD, [0x3b ... 0x3f] = BAD,
	[0x40 ... 0x6f] = M,
	[0x70 ... 0x73] = M | IB, [0x74 ... 0x76] = M,
	[0x78] = M | I_SSE4A, [0x79] = M, [0x7a] = BAD, [0x7b] = BAD,
	[0x7c ... 0x7f] = M,
	[0x80 ... 0x8f] = IZ,			/* Jcc rel16/32 */
	[0x90 ... 0x9f] = M,
	[0xa3] = M, [0xa4] = M | IB, [0xa5] = M, [0xa6] = BAD, [0xa7] = BAD,
	[0xab] = M, [0xac] = M | IB, [0xad ... 0xaf] = M,
	[0xb0 ... 0xb9] = M, [0xba] = M | IB, [0xbb ... 0xbf] = M,
	[0xc0 ... 0xc1] = M, [0xc2] = M | IB, [0xc3] = M,
	[0xc4 ... 0xc6] = M | IB, [0xc7] = M,
	[0xd0 ... 0xff] = M,
};

struct insn_dec {
	const u8 *buf;
	unsigned int avail;
	unsigned int pos;
	int mode;		/* 16, 32 or 64 */
	u8 rex;			/* REX byte right before the opcode, or 0 */
	bool opsize_prefix;	/* 66 seen */
	bool adsize_prefix;	/* 67 seen */
	u8 opsize;		/* effective operand size in bytes */
	u8 adsize;		/* effective address size in bytes */
	u8 map;			/* 0: one-byte, 1: 0F, 2: 0F 38, 3: 0F 3A */
	u8 op;			/* last opcode byte */
	u64 imm;		/* first immediate, zero-extended */
	u8 imm_len;
};

#define REX_W	0x08
#define REX_R	0x04

/*
 * Make sure n more bytes are there. Past 15 bytes the instruction can
 * never be valid (SDM Vol. 2A, 2.1 "Instruction Format"; the CPU raises
 * #GP), so that beats running out of bytes.
 */
static int dec_need(const struct insn_dec *d, unsigned int n)
{
	if (d->pos + n > HVX_INSN_MAX_LEN)
		return -EINVAL;
	if (d->pos + n > d->avail)
		return -EAGAIN;
	return 0;
}

static int dec_peek(const struct insn_dec *d, u8 *b)
{
	int ret = dec_need(d, 1);

	if (!ret)
		*b = d->buf[d->pos];
	return ret;
}

static int dec_byte(struct insn_dec *d, u8 *b)
{
	int ret = dec_peek(d, b);

	if (!ret)
		d->pos++;
	return ret;
}

/* Consume n bytes of displacement or immediate, little-endian. */
static int dec_bytes(struct insn_dec *d, unsigned int n, u64 *val)
{
	unsigned int i;
	int ret = dec_need(d, n);

	if (ret)
		return ret;
	*val = 0;
	for (i = 0; i < n && i < 8; i++)
		*val |= (u64)d->buf[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

/* Segment override prefixes, in the order of the SDM segment numbering. */
static int seg_prefix(u8 b)
{
	switch (b) {
	case 0x26: return 0;
	case 0x2e: return 1;
	case 0x36: return 2;
	case 0x3e: return 3;
	case 0x64: return 4;
	case 0x65: return 5;
	}
	return -1;
}

/*
 * Consume one legacy prefix (SDM Vol. 2A, 2.1.1 "Instruction Prefixes").
 * Returns false if b is not one.
 */
static bool legacy_prefix(struct insn_dec *d, struct hvx_insn *insn, u8 b)
{
	int seg = seg_prefix(b);

	if (seg >= 0) {
		/*
		 * In 64-bit mode the ES, CS, SS and DS overrides are ignored
		 * (SDM Vol. 2A, 2.1.1 "Instruction Prefixes"; APM Vol. 3,
		 * 1.2.4 "Segment-Override Prefixes"). We take "ignored" to
		 * mean they do not cancel an earlier FS/GS override either.
		 */
		if (d->mode != 64 || seg >= 4)
			insn->seg = seg;
		return true;
	}
	switch (b) {
	case 0x66:
		d->opsize_prefix = true;
		return true;
	case 0x67:
		d->adsize_prefix = true;
		return true;
	case 0xf0:
		insn->lock = true;
		return true;
	case 0xf2:
	case 0xf3:
		/* Of several group-1 prefixes the last one is effective. */
		insn->rep = b;
		return true;
	}
	return false;
}

/*
 * Legacy prefixes and REX. A REX prefix only counts when it is the last
 * prefix before the opcode; one followed by another prefix is ignored
 * (SDM Vol. 2A, 2.2.1 "REX Prefixes").
 */
static int dec_prefixes(struct insn_dec *d, struct hvx_insn *insn)
{
	u8 b;
	int ret;

	for (;;) {
		ret = dec_peek(d, &b);
		if (ret)
			return ret;
		if (legacy_prefix(d, insn, b))
			d->rex = 0;
		else if (d->mode == 64 && (b & 0xf0) == 0x40)
			d->rex = b;
		else
			return 0;
		d->pos++;
	}
}

/*
 * Effective operand and address sizes, SDM Vol. 1, 3.6 "Operand-Size and
 * Address-Size Attributes" and Vol. 2A, 2.2.1.2 "More on REX Prefix
 * Fields" (REX.W takes precedence over 66h).
 */
static void dec_sizes(struct insn_dec *d)
{
	if (d->mode == 16) {
		d->opsize = d->opsize_prefix ? 4 : 2;
		d->adsize = d->adsize_prefix ? 4 : 2;
		return;
	}
	d->opsize = d->opsize_prefix ? 2 : 4;
	if (d->mode == 32) {
		d->adsize = d->adsize_prefix ? 2 : 4;
		return;
	}
	d->adsize = d->adsize_prefix ? 4 : 8;
	if (d->rex & REX_W)
		d->opsize = 8;
}

/*
 * ModRM, SIB and displacement: SDM Vol. 2A, 2.1.5 "Addressing-Mode
 * Encoding of ModR/M and SIB Bytes" (Tables 2-1, 2-2, 2-3) and 2.2.1.6
 * "RIP-Relative Addressing". REX.B does not change which encodings need a
 * SIB byte or a displacement, so only the raw 3-bit fields matter.
 */
static int dec_modrm(struct insn_dec *d, struct hvx_insn *insn, bool reg_only)
{
	u8 modrm, mod, rm, sib;
	unsigned int disp = 0;
	u64 unused;
	int ret;

	ret = dec_byte(d, &modrm);
	if (ret)
		return ret;
	insn->has_modrm = true;
	insn->modrm = modrm;
	mod = modrm >> 6;
	rm = modrm & 7;
	if (reg_only || mod == 3)
		return 0;
	insn->mem_operand = true;

	if (d->adsize == 2) {
		/* Table 2-1: [disp16] replaces [bp] when mod == 00 */
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || rm == 6)
			disp = 2;
		return dec_bytes(d, disp, &unused);
	}

	if (rm == 4) {
		ret = dec_byte(d, &sib);
		if (ret)
			return ret;
		/* Table 2-3: base 101 with mod 00 is disp32, no base */
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	}
	/* Table 2-2: rm 101 with mod 00 is disp32 (RIP+disp32 in 64-bit) */
	if (mod == 0 && rm == 5)
		disp = 4;
	else if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	return dec_bytes(d, disp, &unused);
}

static unsigned int iz_size(const struct insn_dec *d)
{
	return d->opsize == 2 ? 2 : 4;
}

static unsigned int imm_size(const struct insn_dec *d,
			     const struct hvx_insn *insn, u8 attr, bool rep_f2)
{
	switch (attr & IMM_MASK) {
	case I_B:
		return 1;
	case I_W:
		return 2;
	case I_Z:
		return iz_size(d);
	case I_V:
		return d->opsize;
	case I_AP:
		return 2 + iz_size(d);
	case I_MOFFS:
		return d->adsize;
	case I_ENTER:
		return 3;
	case I_GRP3:
		/* Only TEST (/0, and its alias /1) has an immediate. */
		if (((insn->modrm >> 3) & 7) >= 2)
			return 0;
		return (d->op & 1) ? iz_size(d) : 1;
	case I_SSE4A:
		/* 66 0F 78 /0 ib ib EXTRQ, F2 0F 78 /r ib ib INSERTQ */
		return (d->opsize_prefix || rep_f2) ? 2 : 0;
	}
	return 0;
}

/* ModRM, displacement and immediate of a legacy-encoded instruction. */
static int dec_operands(struct insn_dec *d, struct hvx_insn *insn, u8 attr)
{
	unsigned int n;
	int ret;

	if (attr & BAD)
		return -EINVAL;
	if ((attr & I64) && d->mode == 64)
		return -EINVAL;
	if (attr & M) {
		ret = dec_modrm(d, insn, attr & MREG);
		if (ret)
			return ret;
	}
	n = imm_size(d, insn, attr, insn->rep == 0xf2);
	d->imm_len = n;
	return dec_bytes(d, n, &d->imm);
}

/*
 * Group 11 (C6/C7) only defines /0 MOV and, as the whole ModRM byte F8,
 * XABORT/XBEGIN; Group 1A (8F) only /0 POP. SDM Vol. 2D, Table A-6.
 */
static int check_groups(const struct insn_dec *d, const struct hvx_insn *insn)
{
	u8 reg = (insn->modrm >> 3) & 7;

	if (d->map != 0)
		return 0;
	if ((d->op == 0xc6 || d->op == 0xc7) && reg != 0 && insn->modrm != 0xf8)
		return -EINVAL;
	if (d->op == 0x8f && reg != 0)
		return -EINVAL;
	return 0;
}

/*
 * Immediate bytes of a VEX/EVEX/XOP instruction, or -EINVAL when the map
 * does not exist. op is only looked at for map 1 (0F), whose imm8 opcodes
 * are the same as in the legacy map (SDM Vol. 2D, Table A-3). EVEX maps 5
 * and 6 hold the FP16 instructions, none with an immediate. XOP map 8 has
 * an imm8, map 9 none and map A an imm32 (APM Vol. 3, Appendix A "Opcode
 * and Operand Encodings", XOP opcode maps).
 */
static int vex_imm_size(u8 esc, u8 map, u8 op)
{
	if (esc == 0x8f) {
		switch (map) {
		case 8:
			return 1;
		case 9:
			return 0;
		case 0xa:
			return 4;
		}
		return -EINVAL;
	}
	switch (map) {
	case 1:
		return (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
		       (op >= 0xc4 && op <= 0xc6);
	case 2:
		return 0;
	case 3:
		return 1;
	case 5:
	case 6:
		if (esc == 0x62)
			return 0;
		break;
	}
	return -EINVAL;
}

static void vex_opcode(struct hvx_insn *insn, u8 esc, u8 map, u8 op)
{
	/* Maps 1-3 are reported as their legacy escapes 0F, 0F 38, 0F 3A. */
	if (map >= 1 && map <= 3) {
		insn->opcode[insn->opcode_len++] = 0x0f;
		if (map == 2)
			insn->opcode[insn->opcode_len++] = 0x38;
		else if (map == 3)
			insn->opcode[insn->opcode_len++] = 0x3a;
	} else {
		insn->opcode[insn->opcode_len++] = esc;
		insn->opcode[insn->opcode_len++] = map;
	}
	insn->opcode[insn->opcode_len++] = op;
}

/*
 * VEX (C4/C5), EVEX (62) and XOP (8F) encodings: SDM Vol. 2A, 2.3 "Intel
 * Advanced Vector Extensions (Intel AVX)" and "Intel AVX-512 Encoding";
 * APM Vol. 3, "VEX and XOP Prefixes". They stand for REX,
 * the mandatory prefix and the opcode escapes, so a LOCK, 66, F2, F3 or
 * REX in front of them is #UD (SDM Vol. 2A, 2.3.2 "VEX and the LOCK
 * prefix", 2.3.3 "VEX and the 66H, F2H, and F3H prefixes", 2.3.4 "VEX and
 * the REX prefix").
 */
static int dec_vex(struct insn_dec *d, struct hvx_insn *insn, u8 esc)
{
	u8 p[3], map, op;
	unsigned int i, n;
	int ret, imm;

	if (d->rex || d->opsize_prefix || insn->rep || insn->lock)
		return -EINVAL;
	n = esc == 0xc5 ? 1 : esc == 0x62 ? 3 : 2;
	for (i = 0; i < n; i++) {
		ret = dec_byte(d, &p[i]);
		if (ret)
			return ret;
	}
	if (esc == 0xc5)
		map = 1;		/* two-byte VEX implies 0F */
	else if (esc == 0x62)
		map = p[0] & 7;		/* EVEX P0 mmm */
	else
		map = p[0] & 0x1f;	/* VEX/XOP m-mmmm */
	if (vex_imm_size(esc, map, 0) < 0)
		return -EINVAL;

	ret = dec_byte(d, &op);
	if (ret)
		return ret;
	imm = vex_imm_size(esc, map, op);
	vex_opcode(insn, esc, map, op);
	d->map = 0x80 | map;	/* no MOV decoding for these */
	d->op = op;

	/* VZEROUPPER/VZEROALL (VEX.0F 77) are the only ones with no ModRM. */
	if (!((esc == 0xc4 || esc == 0xc5) && map == 1 && op == 0x77)) {
		ret = dec_modrm(d, insn, false);
		if (ret)
			return ret;
	}
	return dec_bytes(d, imm, &d->imm);
}

/*
 * Is this C4/C5/62/8F a VEX/EVEX/XOP prefix? In 64-bit mode C4, C5 and 62
 * always are. Elsewhere they are LES/LDS/BOUND, which need a memory
 * operand, unless the next byte looks like ModRM.mod == 11b (SDM Vol. 2A,
 * 2.3.5 "The VEX Prefix"; "Instruction Format and EVEX"). 8F is XOP when
 * the map field (bits 4:0 of the next byte) is 8 or more, which a POP Ev
 * (ModRM.reg == 0) can never look like (APM Vol. 3, "VEX and XOP
 * Prefixes").
 */
static int is_vex(const struct insn_dec *d, u8 esc, bool *vex)
{
	u8 next;
	int ret;

	*vex = false;
	if (esc != 0x8f && d->mode == 64) {
		*vex = true;
		return 0;
	}
	ret = dec_peek(d, &next);
	if (ret)
		return ret;
	if (esc == 0x8f)
		*vex = (next & 0x1f) >= 8;
	else
		*vex = (next & 0xc0) == 0xc0;
	return 0;
}

static int dec_0f(struct insn_dec *d, struct hvx_insn *insn)
{
	u8 op;
	int ret;

	ret = dec_byte(d, &op);
	if (ret)
		return ret;
	insn->opcode[insn->opcode_len++] = op;
	if (op == 0x38 || op == 0x3a) {
		/* Tables: every entry has ModRM; 0F 3A adds an imm8 */
		d->map = op == 0x38 ? 2 : 3;
		ret = dec_byte(d, &op);
		if (ret)
			return ret;
		insn->opcode[insn->opcode_len++] = op;
		d->op = op;
		return dec_operands(d, insn, d->map == 3 ? M | IB : M);
	}
	d->map = 1;
	d->op = op;
	return dec_operands(d, insn, map2[op]);
}

static int dec_opcode(struct insn_dec *d, struct hvx_insn *insn)
{
	bool vex;
	u8 op;
	int ret;

	ret = dec_byte(d, &op);
	if (ret)
		return ret;
	if (op == 0xc4 || op == 0xc5 || op == 0x62 || op == 0x8f) {
		ret = is_vex(d, op, &vex);
		if (ret)
			return ret;
		if (vex)
			return dec_vex(d, insn, op);
	}
	insn->opcode[insn->opcode_len++] = op;
	if (op == 0x0f)
		return dec_0f(d, insn);
	d->map = 0;
	d->op = op;
	ret = dec_operands(d, insn, map1[op]);
	if (ret)
		return ret;
	return check_groups(d, insn);
}

static s64 sign_extend(u64 v, unsigned int bytes)
{
	unsigned int shift;

	if (bytes == 0 || bytes >= 8)
		return (s64)v;
	shift = 64 - 8 * bytes;
	return (s64)(v << shift) >> shift;
}

/*
 * The ModRM.reg register operand. For byte registers, without any REX
 * prefix 4-7 are AH, CH, DH, BH; with any REX they are SPL, BPL, SIL, DIL
 * (SDM Vol. 2A, 2.2.1.2 "More on REX Prefix Fields"; Vol. 1, 3.4.1.1
 * "General-Purpose Registers in 64-Bit Mode").
 */
static void set_reg(const struct insn_dec *d, struct hvx_insn *insn)
{
	u8 reg = (insn->modrm >> 3) & 7;

	if (d->rex & REX_R)
		reg |= 8;
	if (insn->reg_bytes == 1 && !d->rex && reg >= 4) {
		insn->reg_high8 = true;
		reg -= 4;
	}
	insn->reg = reg;
}

static void set_mov(struct insn_dec *d, struct hvx_insn *insn,
		    enum hvx_insn_kind kind, u8 mem_bytes, u8 reg_bytes)
{
	insn->kind = kind;
	insn->mem_bytes = mem_bytes;
	insn->reg_bytes = reg_bytes;
	if (insn->has_modrm)
		set_reg(d, insn);
}

/* moffs forms: the register is always AL/AX/EAX/RAX. */
static void set_moffs(struct insn_dec *d, struct hvx_insn *insn,
		      enum hvx_insn_kind kind, u8 bytes)
{
	set_mov(d, insn, kind, bytes, bytes);
	insn->mem_operand = true;
}

/*
 * Operands of the MOV family, the instructions that can touch MMIO with a
 * single memory operand. Register-to-register forms (ModRM.mod == 11b)
 * get their kind too, with mem_operand false.
 */
static void dec_mov(struct insn_dec *d, struct hvx_insn *insn)
{
	u8 reg = (insn->modrm >> 3) & 7;

	if (d->map == 1) {
		switch (d->op) {
		case 0xb6:
		case 0xb7:
			set_mov(d, insn, HVX_INSN_MOVZX, d->op & 1 ? 2 : 1, d->opsize);
			break;
		case 0xbe:
		case 0xbf:
			set_mov(d, insn, HVX_INSN_MOVSX, d->op & 1 ? 2 : 1, d->opsize);
			break;
		}
		return;
	}
	if (d->map != 0)
		return;
	switch (d->op) {
	case 0x88:
		set_mov(d, insn, HVX_INSN_MOV_STORE, 1, 1);
		break;
	case 0x89:
		set_mov(d, insn, HVX_INSN_MOV_STORE, d->opsize, d->opsize);
		break;
	case 0x8a:
		set_mov(d, insn, HVX_INSN_MOV_LOAD, 1, 1);
		break;
	case 0x8b:
		set_mov(d, insn, HVX_INSN_MOV_LOAD, d->opsize, d->opsize);
		break;
	case 0xa0:
		set_moffs(d, insn, HVX_INSN_MOV_LOAD, 1);
		break;
	case 0xa1:
		set_moffs(d, insn, HVX_INSN_MOV_LOAD, d->opsize);
		break;
	case 0xa2:
		set_moffs(d, insn, HVX_INSN_MOV_STORE, 1);
		break;
	case 0xa3:
		set_moffs(d, insn, HVX_INSN_MOV_STORE, d->opsize);
		break;
	case 0xc6:
	case 0xc7:
		if (reg != 0)
			break;
		/* No register operand: reg_bytes stays 0. */
		insn->kind = HVX_INSN_MOV_STORE_IMM;
		insn->mem_bytes = d->op == 0xc6 ? 1 : d->opsize;
		insn->imm = (u64)sign_extend(d->imm, d->imm_len);
		break;
	case 0x63:
		/*
		 * MOVSXD exists in 64-bit mode only (ARPL elsewhere). With
		 * REX.W it sign-extends a dword; without, it behaves as a MOV
		 * of the operand size (SDM Vol. 2B, "MOVSX/MOVSXD").
		 */
		if (d->mode != 64)
			break;
		set_mov(d, insn, HVX_INSN_MOVSX, d->opsize == 8 ? 4 : d->opsize,
			d->opsize);
		break;
	}
}

int hvx_insn_decode(const u8 *buf, unsigned int avail, int mode,
		    struct hvx_insn *insn)
{
	struct insn_dec d = {
		.buf = buf,
		.avail = avail,
		.mode = mode,
	};
	int ret;

	memset(insn, 0, sizeof(*insn));
	insn->seg = -1;
	if (mode != 16 && mode != 32 && mode != 64)
		return -EINVAL;

	ret = dec_prefixes(&d, insn);
	if (ret)
		return ret;
	dec_sizes(&d);
	ret = dec_opcode(&d, insn);
	if (ret)
		return ret;
	insn->len = d.pos;
	dec_mov(&d, insn);
	return 0;
}

static u64 low_bytes(u64 v, unsigned int bytes)
{
	return bytes >= 8 ? v : v & ((1ULL << (8 * bytes)) - 1);
}

/*
 * Register write rules: SDM Vol. 1, 3.4.1.1 "General-Purpose Registers in
 * 64-Bit Mode": 8- and 16-bit results leave the rest of the register
 * alone, 32-bit results are zero-extended to 64 bits.
 */
static u64 write_reg(const struct hvx_insn *insn, u64 old, u64 v)
{
	switch (insn->reg_bytes) {
	case 1:
		if (insn->reg_high8)
			return (old & ~0xff00ULL) | ((v & 0xff) << 8);
		return (old & ~0xffULL) | (v & 0xff);
	case 2:
		return (old & ~0xffffULL) | (v & 0xffff);
	case 4:
		return v & 0xffffffffULL;
	}
	return v;
}

u64 hvx_insn_load_result(const struct hvx_insn *insn, u64 old_reg, u64 data)
{
	u64 v;

	switch (insn->kind) {
	case HVX_INSN_MOV_LOAD:
	case HVX_INSN_MOVZX:
		v = low_bytes(data, insn->mem_bytes);
		break;
	case HVX_INSN_MOVSX:
		v = (u64)sign_extend(data, insn->mem_bytes);
		break;
	default:
		return old_reg;		/* not a load: the register is unchanged */
	}
	return write_reg(insn, old_reg, v);
}

u64 hvx_insn_store_value(const struct hvx_insn *insn, u64 reg_value)
{
	switch (insn->kind) {
	case HVX_INSN_MOV_STORE:
		if (insn->reg_high8)
			reg_value >>= 8;
		return low_bytes(reg_value, insn->mem_bytes);
	case HVX_INSN_MOV_STORE_IMM:
		return low_bytes(insn->imm, insn->mem_bytes);
	default:
		return 0;
	}
}
