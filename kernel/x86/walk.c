// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walker: linear -> physical translation with the
 * guest's own CR0/CR3/CR4/EFER, following SDM Vol. 3A, 4 "Paging" (the
 * same formats as APM Vol. 2, 5 "Page Translation and Protection").
 *
 * Not modelled: A/D bit updates, protection keys (CR4.PKE/PKS: the PKRU
 * register is not in the environment), SMAP (needs RFLAGS.AC and whether
 * the access is implicit), shadow stacks, the PDPTE registers of PAE
 * paging (we re-read the PDPTEs from memory, see walk_entries()), and
 * reserved physical-address bits between MAXPHYADDR and bit 51 (the
 * environment has no MAXPHYADDR, so bits up to 51 are taken as address).
 */
#include "walk.h"

#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

/* Paging-structure entry bits, SDM Vol. 3A, 4.3, 4.4.2 and 4.5.4 */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_XD		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL	/* bits 51:12 */

/* Page-fault error code, SDM Vol. 3A, 4.7 "Page-Fault Exceptions" */
#define PFEC_P		(1U << 0)
#define PFEC_W		(1U << 1)
#define PFEC_U		(1U << 2)
#define PFEC_RSVD	(1U << 3)
#define PFEC_I		(1U << 4)

#define PAGE_SIZE_4K	4096ULL

/*
 * The access rights accumulated over the levels of a walk (SDM Vol. 3A,
 * 4.6.1 "Determination of Access Rights"): a page is writable or user
 * accessible only if every level says so, and not executable if any does.
 */
struct walk_rights {
	bool rw;
	bool us;
	bool xd;
};

/* One translation request. */
struct walk_ctx {
	const struct hvx_walk_env *env;
	u64 lin;
	unsigned int access;
	bool any_cpl;		/* hvx_fetch_code: see there */
	u32 pfec;		/* W/U/I bits of the access, ORed into any fault */
};

static int read_entry(const struct hvx_walk_env *env, u64 gpa,
		      unsigned int size, u64 *entry)
{
	u8 b[8];
	unsigned int i;
	int ret;

	ret = env->read_gpa(env->opaque, gpa, b, size);
	if (ret < 0)
		return ret;
	/* Paging structures are little-endian, whatever the host is. */
	*entry = 0;
	for (i = 0; i < size; i++)
		*entry |= (u64)b[i] << (8 * i);
	return 0;
}

static int fault(const struct walk_ctx *c, u32 bits, u32 *pfec)
{
	*pfec = c->pfec | bits;
	return -EFAULT;
}

static void accumulate(struct walk_rights *r, u64 e, bool nx)
{
	r->rw = r->rw && (e & PTE_RW);
	r->us = r->us && (e & PTE_US);
	r->xd = r->xd || (nx && (e & PTE_XD));
}

/*
 * SDM Vol. 3A, 4.6.1 "Determination of Access Rights". A supervisor may
 * write read-only pages unless CR0.WP; with CR4.SMEP it may not fetch
 * from user pages; nobody fetches from an execute-disable page.
 */
static bool denied(const struct walk_ctx *c, const struct walk_rights *r)
{
	const struct hvx_walk_env *env = c->env;
	bool user = c->access & HVX_WALK_USER;

	if (c->access & HVX_WALK_FETCH) {
		if (r->xd)
			return true;
		if (c->any_cpl)
			return false;
		if (!user && r->us && (env->cr4 & CR4_SMEP))
			return true;
	}
	if (user && !r->us)
		return true;
	if ((c->access & HVX_WALK_WRITE) && !r->rw &&
	    (user || (env->cr0 & CR0_WP)))
		return true;
	return false;
}

static int finish(const struct walk_ctx *c, const struct walk_rights *r,
		  u64 phys, u64 *gpa, u32 *pfec)
{
	if (denied(c, r))
		return fault(c, PFEC_P, pfec);
	*gpa = phys;
	return 0;
}

/*
 * 32-bit paging, SDM Vol. 3A, 4.3 "32-Bit Paging": a page directory of
 * 1024 4-byte PDEs at CR3[31:12]; a PDE maps a 4-MByte page when
 * CR4.PSE = 1 and PS = 1, with physical address bits 39:32 taken from
 * PDE bits 20:13 (PSE-36) and bit 21 reserved.
 */
static int walk_32(const struct walk_ctx *c, u64 *gpa, u32 *pfec)
{
	const struct hvx_walk_env *env = c->env;
	struct walk_rights r = { true, true, false };
	u64 pde, pte, base;
	u32 lin = (u32)c->lin;
	int ret;

	base = env->cr3 & 0xfffff000ULL;
	ret = read_entry(env, base + ((lin >> 22) & 0x3ff) * 4, 4, &pde);
	if (ret)
		return ret;
	if (!(pde & PTE_P))
		return fault(c, 0, pfec);
	accumulate(&r, pde, false);

	if ((env->cr4 & CR4_PSE) && (pde & PTE_PS)) {
		if (pde & (1ULL << 21))
			return fault(c, PFEC_P | PFEC_RSVD, pfec);
		base = (pde & 0xffc00000ULL) | (((pde >> 13) & 0xff) << 32);
		return finish(c, &r, base | (lin & 0x3fffff), gpa, pfec);
	}

	base = pde & 0xfffff000ULL;
	ret = read_entry(env, base + ((lin >> 12) & 0x3ff) * 4, 4, &pte);
	if (ret)
		return ret;
	if (!(pte & PTE_P))
		return fault(c, 0, pfec);
	accumulate(&r, pte, false);
	return finish(c, &r, (pte & 0xfffff000ULL) | (lin & 0xfff), gpa, pfec);
}

/*
 * Bits that must be zero in a present entry with 8-byte entries, by level
 * (1 = PTE, 2 = PDE, 3 = PDPTE, 4 = PML4E, 5 = PML5E). With MAXPHYADDR
 * unknown, only the always-reserved bits are listed:
 *  - PAE paging (SDM Vol. 3A, 4.4.2 "Linear-Address Translation with PAE
 *    Paging"): PDPTE bits 2:1, 8:5 and 63:52; PDE/PTE bits 62:52; bits
 *    20:13 of a 2-MByte PDE.
 *  - 4/5-level paging (4.5.4 "Linear-Address Translation with 4-Level
 *    Paging and 5-Level Paging"): PS in a PML5E/PML4E; bits 29:13 of a
 *    1-GByte PDPTE, 20:13 of a 2-MByte PDE.
 *  - XD (bit 63) at every level except the PAE PDPTE when EFER.NXE = 0.
 */
static u64 reserved_bits(const struct hvx_walk_env *env, bool pae, int level,
			 u64 e)
{
	u64 rsvd = 0;

	if (pae && level == 3)
		return 0xfff0000000000000ULL | 0x1e6ULL;
	if (!(env->efer & EFER_NXE))
		rsvd |= PTE_XD;
	if (pae)
		rsvd |= 0x7ff0000000000000ULL;
	if (level >= 4)
		rsvd |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		rsvd |= 0x3fffe000ULL;
	else if (level == 2 && (e & PTE_PS))
		rsvd |= 0x1fe000ULL;
	return rsvd;
}

/*
 * PAE, 4-level and 5-level paging share their 8-byte entry format (SDM
 * Vol. 3A, 4.4 "PAE Paging", 4.5 "4-Level Paging and 5-Level Paging").
 * table is the physical address of the top table, level its level. A
 * PAE PDPT has 4 entries indexed by bits 31:30 and no access-rights bits;
 * the real CPU caches those four PDPTEs at MOV CR3 (4.4.1 "PDPTE
 * Registers"), which we cannot see, so they are read from memory.
 */
static int walk_entries(const struct walk_ctx *c, bool pae, int level,
			u64 table, u64 *gpa, u32 *pfec)
{
	const struct hvx_walk_env *env = c->env;
	bool nx = env->efer & EFER_NXE;
	struct walk_rights r = { true, true, false };
	unsigned int shift;
	u64 e, index, page_mask;
	int ret;

	for (;; level--) {
		shift = 12 + 9 * (level - 1);
		index = (c->lin >> shift) & (pae && level == 3 ? 3 : 511);
		ret = read_entry(env, table + index * 8, 8, &e);
		if (ret)
			return ret;
		if (!(e & PTE_P))
			return fault(c, 0, pfec);
		if (e & reserved_bits(env, pae, level, e))
			return fault(c, PFEC_P | PFEC_RSVD, pfec);
		if (!(pae && level == 3))
			accumulate(&r, e, nx);
		if (level == 1 || (level <= 3 && (e & PTE_PS)))
			break;
		table = e & PTE_ADDR;
	}
	page_mask = (1ULL << shift) - 1;
	return finish(c, &r, (e & PTE_ADDR & ~page_mask) | (c->lin & page_mask),
		      gpa, pfec);
}

/*
 * In 4-level paging bits 63:47 of a linear address must equal bit 47,
 * in 5-level paging bits 63:56 bit 56 (SDM Vol. 3A, 4.5 "4-Level Paging
 * and 5-Level Paging"; Vol. 1, 3.3.7.1 "Canonical Addressing").
 */
static bool canonical(u64 lin, unsigned int bits)
{
	return (u64)((s64)(lin << (64 - bits)) >> (64 - bits)) == lin;
}

static int translate(const struct hvx_walk_env *env, u64 gva,
		     unsigned int access, bool any_cpl, u64 *gpa, u32 *pfec)
{
	struct walk_ctx c = {
		.env = env,
		.lin = gva,
		.access = access,
		.any_cpl = any_cpl,
	};
	bool la57 = env->cr4 & CR4_LA57;

	*pfec = 0;
	/* With CR0.PG = 0 linear addresses are physical, 32 bits wide. */
	if (!(env->cr0 & CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	if (access & HVX_WALK_WRITE)
		c.pfec |= PFEC_W;
	if (access & HVX_WALK_USER)
		c.pfec |= PFEC_U;
	/* 4.7: I/D is only reported when execute-disable or SMEP is in use */
	if ((access & HVX_WALK_FETCH) &&
	    ((env->cr4 & CR4_SMEP) ||
	     ((env->cr4 & CR4_PAE) && (env->efer & EFER_NXE))))
		c.pfec |= PFEC_I;

	if (!(env->cr4 & CR4_PAE)) {
		c.lin &= 0xffffffffULL;
		return walk_32(&c, gpa, pfec);
	}
	if (!(env->efer & EFER_LMA)) {
		c.lin &= 0xffffffffULL;
		return walk_entries(&c, true, 3, env->cr3 & 0xffffffe0ULL,
				    gpa, pfec);
	}
	/*
	 * A non-canonical address raises #GP (or #SS for stack accesses),
	 * never #PF. We return -EFAULT with an error code of 0 without
	 * reading any table; since 0 is also the code of a supervisor read
	 * of a not-present page, a caller that wants to inject the right
	 * exception checks canonicality itself before calling us.
	 */
	if (!canonical(gva, la57 ? 57 : 48))
		return -EFAULT;
	return walk_entries(&c, false, la57 ? 5 : 4, env->cr3 & PTE_ADDR,
			    gpa, pfec);
}

int hvx_gva_to_gpa(const struct hvx_walk_env *env, u64 gva, unsigned int access,
		   u64 *gpa, u32 *pf_error_code)
{
	u32 pfec;
	int ret;

	ret = translate(env, gva, access, false, gpa, &pfec);
	if (pf_error_code)
		*pf_error_code = pfec;
	return ret;
}

/*
 * The bytes of an instruction the guest has just executed: the CPU
 * fetched them with the rights of the guest's CPL, which the environment
 * does not carry, so we check only what applies at every CPL (present,
 * not execute-disable). Stricter checks could only fail where the CPU
 * did not.
 */
int hvx_fetch_code(const struct hvx_walk_env *env, u64 lin, u8 *buf,
		   unsigned int len)
{
	unsigned int got = 0, chunk;
	u64 gpa, addr;
	u32 pfec;
	int ret;

	while (got < len) {
		addr = lin + got;
		chunk = PAGE_SIZE_4K - (addr & (PAGE_SIZE_4K - 1));
		if (chunk > len - got)
			chunk = len - got;
		ret = translate(env, addr, HVX_WALK_FETCH, true, &gpa, &pfec);
		if (!ret)
			ret = env->read_gpa(env->opaque, gpa, buf + got, chunk);
		if (ret < 0)
			return got ? (int)got : ret;
		got += chunk;
	}
	return got;
}
