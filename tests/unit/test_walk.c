// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/x86/walk.c: page tables are built in a fake guest
 * memory (a static array behind the read_gpa callback) for every paging
 * mode of SDM Vol. 3A, 4.1.1 "Four Paging Modes", and translations and
 * #PF error codes (4.7 "Page-Fault Exceptions") are checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "x86/walk.h"
#include "unit.h"

#define CR0_PE		(1ULL << 0)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define P		(1ULL << 0)
#define RW		(1ULL << 1)
#define US		(1ULL << 2)
#define PS		(1ULL << 7)
#define XD		(1ULL << 63)
#define ADDR		0x000ffffffffff000ULL

#define PF_P		0x01
#define PF_W		0x02
#define PF_U		0x04
#define PF_RSVD		0x08
#define PF_I		0x10

#define R		0
#define W		HVX_WALK_WRITE
#define U		HVX_WALK_USER
#define X		HVX_WALK_FETCH

#define MEM_SIZE	(4u << 20)
#define TABLES		0x10000ULL	/* page tables are allocated from here */

static u8 mem[MEM_SIZE];
static u64 next_table;
static unsigned int nreads;
static unsigned int entry_len;		/* expected table read size, 0: any */
static unsigned int bad_len;


static int fake_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	nreads++;
	if (entry_len && len != entry_len)
		bad_len++;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -ENOENT;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static void reset(unsigned int len)
{
	memset(mem, 0, sizeof(mem));
	next_table = TABLES;
	entry_len = len;
	bad_len = 0;
}

static u64 alloc_table(void)
{
	u64 t = next_table;

	next_table += 4096;
	return t;
}

static void put(u64 gpa, u64 v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		mem[gpa + i] = (u8)(v >> (8 * i));
}

static u64 get(u64 gpa, unsigned int len)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (u64)mem[gpa + i] << (8 * i);
	return v;
}

static void set_bits(u64 gpa, u64 bits, unsigned int len)
{
	put(gpa, get(gpa, len) | bits, len);
}

static void clear_bits(u64 gpa, u64 bits, unsigned int len)
{
	put(gpa, get(gpa, len) & ~bits, len);
}

static struct hvx_walk_env env_of(u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	struct hvx_walk_env env = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer,
		.read_gpa = fake_read, .opaque = NULL,
	};
	return env;
}

/*
 * 4-level/5-level: map lin to phys, the leaf at level leaf (1: 4K PTE,
 * 2: 2M PDE, 3: 1G PDPTE); missing tables are allocated with P|RW|US.
 * Returns the address of the leaf entry.
 */
static u64 map64(u64 root, int levels, u64 lin, u64 phys, u64 flags, int leaf)
{
	u64 table = root, slot, e;
	int level;

	for (level = levels;; level--) {
		slot = table + ((lin >> (12 + 9 * (level - 1))) & 511) * 8;
		if (level == leaf) {
			put(slot, phys | flags | (leaf > 1 ? PS : 0), 8);
			return slot;
		}
		e = get(slot, 8);
		if (!(e & P)) {
			e = alloc_table() | P | RW | US;
			put(slot, e, 8);
		}
		table = e & ADDR;
	}
}

/* Address of the entry at level for lin in an existing 64-bit hierarchy. */
static u64 slot64(u64 root, int levels, u64 lin, int level)
{
	u64 table = root, slot;
	int l;

	for (l = levels;; l--) {
		slot = table + ((lin >> (12 + 9 * (l - 1))) & 511) * 8;
		if (l == level)
			return slot;
		table = get(slot, 8) & ADDR;
	}
}

/* PAE: the PDPT (4 entries, only P and the address) at pdpt. */
static u64 map_pae(u64 pdpt, u32 lin, u64 phys, u64 flags, bool big)
{
	u64 pdpte = pdpt + ((lin >> 30) & 3) * 8, pde, pt, e;

	e = get(pdpte, 8);
	if (!(e & P)) {
		e = alloc_table() | P;
		put(pdpte, e, 8);
	}
	pde = (e & ADDR) + ((lin >> 21) & 511) * 8;
	if (big) {
		put(pde, phys | flags | PS, 8);
		return pde;
	}
	e = get(pde, 8);
	if (!(e & P)) {
		e = alloc_table() | P | RW | US;
		put(pde, e, 8);
	}
	pt = (e & ADDR) + ((lin >> 12) & 511) * 8;
	put(pt, phys | flags, 8);
	return pt;
}

/* 32-bit paging: 4-byte entries; big maps a 4-MByte page. */
static u64 map32(u64 pd, u32 lin, u64 pde_val_big, u32 phys, u32 flags,
		 bool big)
{
	u64 pde = pd + (lin >> 22) * 4, pte;
	u32 e;

	if (big) {
		put(pde, pde_val_big | flags | PS, 4);
		return pde;
	}
	e = (u32)get(pde, 4);
	if (!(e & P)) {
		e = (u32)alloc_table() | P | RW | US;
		put(pde, e, 4);
	}
	pte = (e & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4;
	put(pte, phys | flags, 4);
	return pte;
}

static void expect_ok(const char *name, const struct hvx_walk_env *env,
		      u64 gva, unsigned int access, u64 want)
{
	u64 gpa = 0xdeadbeef;
	u32 pfec = 0xdead;
	int ret;

	bad_len = 0;
	ret = hvx_gva_to_gpa(env, gva, access, &gpa, &pfec);
	if (ret)
		fail(name, "returned %d (pfec %#x), want gpa %#llx", ret, pfec,
		     (unsigned long long)want);
	else if (gpa != want)
		fail(name, "gpa %#llx, want %#llx", (unsigned long long)gpa,
		     (unsigned long long)want);
	else if (bad_len)
		fail(name, "%u table reads of the wrong size", bad_len);
	else
		ok(name);
}

static void expect_pf(const char *name, const struct hvx_walk_env *env,
		      u64 gva, unsigned int access, u32 want)
{
	u64 gpa = 0;
	u32 pfec = 0xdead;
	int ret;

	ret = hvx_gva_to_gpa(env, gva, access, &gpa, &pfec);
	if (ret != -EFAULT)
		fail(name, "returned %d (gpa %#llx), want -EFAULT", ret,
		     (unsigned long long)gpa);
	else if (pfec != want)
		fail(name, "error code %#x, want %#x", pfec, want);
	else
		ok(name);
}

static void test_no_paging(void)
{
	struct hvx_walk_env env = env_of(CR0_PE, 0x1000, 0, 0);

	reset(0);
	nreads = 0;
	expect_ok("no paging: identity", &env, 0x12345678, R, 0x12345678);
	expect_ok("no paging: write and user need nothing", &env, 0xfee00000,
		  W | U, 0xfee00000);
	expect_ok("no paging: masked to 32 bits", &env, 0x100001234ULL, X,
		  0x1234);
	env.cr4 = CR4_PAE;	/* PAE without PG is still no paging */
	expect_ok("no paging: CR4.PAE alone", &env, 0x5000, R, 0x5000);
	if (nreads)
		fail("no paging: no table reads", "%u reads", nreads);
	else
		ok("no paging: no table reads");
}

static void test_32bit(void)
{
	u64 pd, pde, pte;
	struct hvx_walk_env env;

	reset(4);
	pd = alloc_table();
	env = env_of(CR0_PE | CR0_PG, pd | 0x18 /* PWT/PCD ignored */, 0, 0);

	pte = map32(pd, 0x00401000, 0, 0x00345000, P | RW | US, false);
	expect_ok("32-bit: 4K page", &env, 0x00401234, R, 0x00345234);
	expect_ok("32-bit: user write", &env, 0x00401fff, W | U, 0x00345fff);
	expect_ok("32-bit: lin masked to 32 bits", &env, 0x700401234ULL, R,
		  0x00345234);
	expect_pf("32-bit: PTE not present", &env, 0x00402000, R, 0);
	expect_pf("32-bit: PDE not present, user write", &env, 0x00801000, W | U,
		  PF_W | PF_U);

	clear_bits(pte, RW, 4);
	expect_ok("32-bit: read-only, supervisor write, WP=0", &env, 0x00401000,
		  W, 0x00345000);
	env.cr0 |= CR0_WP;
	expect_pf("32-bit: read-only, supervisor write, WP=1", &env, 0x00401000,
		  W, PF_P | PF_W);
	expect_pf("32-bit: read-only, user write", &env, 0x00401000, W | U,
		  PF_P | PF_W | PF_U);
	set_bits(pte, RW, 4);
	clear_bits(pd + 1 * 4, US, 4);	/* the PDE covering 0x00400000 */
	expect_pf("32-bit: supervisor PDE, user read", &env, 0x00401000, U,
		  PF_P | PF_U);
	expect_ok("32-bit: supervisor PDE, supervisor read", &env, 0x00401000, R,
		  0x00345000);
	/* No execute-disable in 32-bit paging: I/D only with SMEP (4.7) */
	env.efer = EFER_NXE;
	expect_pf("32-bit: fetch not present, NXE: no I/D", &env, 0x00402000, X, 0);
	env.cr4 = CR4_SMEP;
	expect_pf("32-bit: fetch not present, SMEP: I/D", &env, 0x00402000, X,
		  PF_I);
	set_bits(pd + 1 * 4, US, 4);
	expect_pf("32-bit: SMEP, supervisor fetch of user page", &env, 0x00401000,
		  X, PF_P | PF_I);
	expect_ok("32-bit: SMEP, user fetch of user page", &env, 0x00401000,
		  X | U, 0x00345000);

	/* 4-MByte pages, SDM Vol. 3A, Table 4-4 */
	env = env_of(CR0_PE | CR0_PG, pd, CR4_PSE, 0);
	pde = map32(pd, 0x00c00000, 0x01000000, 0, P | RW, true);
	expect_ok("32-bit: 4M page", &env, 0x00c01234, W, 0x01001234);
	expect_ok("32-bit: 4M page, last byte", &env, 0x00ffffff, R, 0x013fffff);
	put(pde, 0x01000000 | (0x05 << 13) | PS | P, 4);
	expect_ok("32-bit: 4M page, PSE-36 bits 20:13", &env, 0x00c01234, R,
		  0x501001234ULL);
	put(pde, 0x01000000 | (0xff << 13) | PS | P, 4);
	expect_ok("32-bit: 4M page, PSE bits 39:32 all ones", &env, 0x00c00000, R,
		  0xff01000000ULL);
	put(pde, 0x01000000 | (1 << 21) | PS | P, 4);
	expect_pf("32-bit: 4M page, bit 21 reserved", &env, 0x00c00000, R,
		  PF_P | PF_RSVD);
	expect_pf("32-bit: 4M page, bit 21 reserved, user write", &env,
		  0x00c00000, W | U, PF_P | PF_RSVD | PF_W | PF_U);
	put(pde, 0x01000000 | PS | P | RW, 4);
	expect_pf("32-bit: 4M page, user read of supervisor page", &env,
		  0x00c00000, U, PF_P | PF_U);

	/* PS is ignored without CR4.PSE: the PDE points to a page table */
	pte = map32(pd, 0x01000000, 0, 0x00777000, P | RW | US, false);
	set_bits(pd + (0x01000000 >> 22) * 4, PS, 4);
	env.cr4 = 0;
	expect_ok("32-bit: PDE.PS without CR4.PSE", &env, 0x01000abc, R,
		  0x00777abc);
	env.cr4 = CR4_PSE;
	pde = get(pd + 4 * 4, 4);
	expect_ok("32-bit: same PDE with CR4.PSE is a 4M page", &env, 0x01000abc,
		  R, (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) | 0xabc);
}

static void test_pae(void)
{
	u64 pdpt, pte, pde;
	struct hvx_walk_env env;

	reset(8);
	/* CR3[31:5]: the PDPT need only be 32-byte aligned (4.4.1) */
	pdpt = alloc_table() + 0x20;
	env = env_of(CR0_PE | CR0_PG, pdpt, CR4_PAE, 0);

	pte = map_pae(pdpt, 0xc0101000, 0x00abc000, P | RW | US, false);
	expect_ok("PAE: 4K page", &env, 0xc0101234, R, 0x00abc234);
	expect_ok("PAE: lin masked to 32 bits", &env, 0x1c0101234ULL, W | U,
		  0x00abc234);
	put(pte, 0x123456789000ULL | P | RW | US, 8);
	expect_ok("PAE: physical address above 4G", &env, 0xc0101fff, R,
		  0x123456789fffULL);
	expect_pf("PAE: PTE not present", &env, 0xc0102000, R, 0);
	expect_pf("PAE: PDPTE not present", &env, 0x40000000, W, PF_W);

	pde = map_pae(pdpt, 0xc0400000, 0x00600000, P | RW, true);
	expect_ok("PAE: 2M page", &env, 0xc0512345, W, 0x00712345);
	expect_pf("PAE: 2M page, user read of supervisor page", &env,
		  0xc0400000, U, PF_P | PF_U);
	set_bits(pde, 1ULL << 13, 8);
	expect_pf("PAE: 2M page, bit 13 reserved", &env, 0xc0400000, R,
		  PF_P | PF_RSVD);
	clear_bits(pde, 1ULL << 13, 8);

	/* PDPTEs have no R/W, U/S or XD: those bits are reserved (Table 4-8) */
	set_bits(pdpt + 3 * 8, RW, 8);
	expect_pf("PAE: PDPTE.RW is reserved", &env, 0xc0101000, R,
		  PF_P | PF_RSVD);
	clear_bits(pdpt + 3 * 8, RW, 8);
	set_bits(pdpt + 3 * 8, XD, 8);
	env.efer = EFER_NXE;
	expect_pf("PAE: PDPTE.XD is reserved even with NXE", &env, 0xc0101000, R,
		  PF_P | PF_RSVD);
	clear_bits(pdpt + 3 * 8, XD, 8);

	/* XD: reserved without EFER.NXE, execute-disable with it */
	set_bits(pte, XD, 8);
	env.efer = 0;
	expect_pf("PAE: XD with NXE=0 is reserved", &env, 0xc0101000, R,
		  PF_P | PF_RSVD);
	env.efer = EFER_NXE;
	expect_ok("PAE: XD with NXE=1, read", &env, 0xc0101000, R,
		  0x123456789000ULL);
	expect_pf("PAE: XD with NXE=1, fetch", &env, 0xc0101000, X, PF_P | PF_I);
	expect_pf("PAE: not present fetch with NXE=1 sets I/D", &env, 0xc0102000,
		  X, PF_I);
	clear_bits(pte, XD, 8);
	set_bits(pte, 1ULL << 52, 8);
	expect_pf("PAE: PTE bit 52 reserved", &env, 0xc0101000, R,
		  PF_P | PF_RSVD);
}

/* Canonical, with bits 47:12 spread over every table index */
#define LIN4	0x00007f8040201000ULL	/* indexes 255, 1, 1, 1 */
#define LIN4K	0xffff800000001000ULL	/* upper half */

static void test_4level(void)
{
	u64 pml4, pte, pde, pdpte, gpa;
	u32 pfec;
	struct hvx_walk_env env;
	int ret;

	reset(8);
	pml4 = alloc_table();
	env = env_of(CR0_PE | CR0_PG | CR0_WP, pml4 | 0x123 /* PCID */, CR4_PAE,
		     EFER_LME | EFER_LMA);

	pte = map64(pml4, 4, LIN4, 0x00345000, P | RW | US, 1);
	expect_ok("4-level: 4K page", &env, LIN4 + 0x678, R, 0x00345678);
	expect_ok("4-level: 4K page, user write", &env, LIN4 + 0xfff, W | U,
		  0x00345fff);
	map64(pml4, 4, LIN4K, 0x000fffffffffe000ULL, P, 1);
	expect_ok("4-level: upper half, top of physical space", &env,
		  LIN4K + 0x10, R, 0x000fffffffffe010ULL);

	expect_pf("4-level: PTE not present", &env, LIN4 + 0x1000, R, 0);
	expect_pf("4-level: PDE not present", &env, LIN4 + 0x200000, W, PF_W);
	expect_pf("4-level: PDPTE not present", &env, LIN4 + 0x40000000, U, PF_U);
	expect_pf("4-level: PML4E not present", &env, 0x1000, W | U, PF_W | PF_U);

	/* write protection, SDM Vol. 3A, 4.6.1 */
	clear_bits(pte, RW, 8);
	expect_pf("4-level: read-only, supervisor write, WP=1", &env, LIN4, W,
		  PF_P | PF_W);
	env.cr0 &= ~CR0_WP;
	expect_ok("4-level: read-only, supervisor write, WP=0", &env, LIN4, W,
		  0x00345000);
	expect_pf("4-level: read-only, user write, WP=0", &env, LIN4, W | U,
		  PF_P | PF_W | PF_U);
	expect_ok("4-level: read-only, user read", &env, LIN4, U, 0x00345000);
	set_bits(pte, RW, 8);
	env.cr0 |= CR0_WP;
	pdpte = slot64(pml4, 4, LIN4, 3);
	clear_bits(pdpte, RW, 8);
	expect_pf("4-level: R/W=0 in the PDPTE only", &env, LIN4, W, PF_P | PF_W);
	set_bits(pdpte, RW, 8);

	/* user/supervisor */
	clear_bits(pml4 + 255 * 8, US, 8);
	expect_pf("4-level: U/S=0 in the PML4E, user read", &env, LIN4, U,
		  PF_P | PF_U);
	expect_ok("4-level: U/S=0 in the PML4E, supervisor write", &env, LIN4, W,
		  0x00345000);
	set_bits(pml4 + 255 * 8, US, 8);
	expect_ok("4-level: supervisor reads a user page", &env, LIN4, R,
		  0x00345000);

	/* execute-disable */
	pde = slot64(pml4, 4, LIN4, 2);
	set_bits(pde, XD, 8);
	expect_pf("4-level: XD with NXE=0 is reserved", &env, LIN4, R,
		  PF_P | PF_RSVD);
	env.efer |= EFER_NXE;
	expect_ok("4-level: XD in PDE, read", &env, LIN4, R, 0x00345000);
	expect_pf("4-level: XD in PDE, fetch", &env, LIN4, X, PF_P | PF_I);
	expect_pf("4-level: XD in PDE, user fetch", &env, LIN4, X | U,
		  PF_P | PF_I | PF_U);
	clear_bits(pde, XD, 8);
	expect_ok("4-level: fetch, XD clear", &env, LIN4, X, 0x00345000);

	/* SMEP: supervisor fetches from user pages fault */
	env.cr4 |= CR4_SMEP;
	expect_pf("4-level: SMEP, supervisor fetch of user page", &env, LIN4, X,
		  PF_P | PF_I);
	expect_ok("4-level: SMEP, user fetch of user page", &env, LIN4, X | U,
		  0x00345000);
	expect_ok("4-level: SMEP, supervisor read of user page", &env, LIN4, R,
		  0x00345000);
	env.cr4 &= ~CR4_SMEP;

	/* 2-MByte and 1-GByte pages */
	pde = map64(pml4, 4, 0x40000000ULL, 0x12600000ULL, P | RW, 2);
	expect_ok("4-level: 2M page", &env, 0x40012345ULL, W, 0x12612345ULL);
	expect_ok("4-level: 2M page, last byte", &env, 0x401fffffULL, R,
		  0x127fffffULL);
	put(pde, 0x12600000ULL | (1ULL << 12) | PS | P, 8);	/* PAT bit */
	expect_ok("4-level: 2M page, PAT bit is not address", &env,
		  0x40000000ULL, R, 0x12600000ULL);
	put(pde, 0x12600000ULL | (1ULL << 20) | PS | P, 8);
	expect_pf("4-level: 2M page, bit 20 reserved", &env, 0x40000000ULL, R,
		  PF_P | PF_RSVD);
	pdpte = map64(pml4, 4, 0x80000000ULL, 0x4c0000000ULL, P | RW | US, 3);
	expect_ok("4-level: 1G page", &env, 0x89abcdefULL, W | U,
		  0x4c9abcdefULL);
	set_bits(pdpte, 1ULL << 13, 8);
	expect_pf("4-level: 1G page, bit 13 reserved", &env, 0x80000000ULL, R,
		  PF_P | PF_RSVD);
	put(pdpte, 0x4c0000000ULL | (1ULL << 29) | PS | P, 8);
	expect_pf("4-level: 1G page, bit 29 reserved", &env, 0x80000000ULL, R,
		  PF_P | PF_RSVD);
	set_bits(pml4 + 255 * 8, PS, 8);
	expect_pf("4-level: PS in a PML4E is reserved", &env, LIN4, R,
		  PF_P | PF_RSVD);
	clear_bits(pml4 + 255 * 8, PS, 8);

	/* canonical addresses: 63:47 copies of bit 47 */
	nreads = 0;
	pfec = 0xdead;
	ret = hvx_gva_to_gpa(&env, 0x0000800000000000ULL, R, &gpa, &pfec);
	if (ret != -EFAULT || pfec != 0 || nreads)
		fail("4-level: non-canonical address", "ret %d pfec %#x reads %u",
		     ret, pfec, nreads);
	else
		ok("4-level: non-canonical address");
	ret = hvx_gva_to_gpa(&env, 0xfff0000000001000ULL ^ (1ULL << 63), R, &gpa,
			     &pfec);
	if (ret != -EFAULT || pfec != 0)
		fail("4-level: non-canonical high address", "ret %d pfec %#x",
		     ret, pfec);
	else
		ok("4-level: non-canonical high address");

	/* a table outside guest memory: read_gpa's error comes back */
	put(pml4 + 1 * 8, 0x7fff0000000ULL | P | RW, 8);
	ret = hvx_gva_to_gpa(&env, 0x8000000000ULL, R, &gpa, &pfec);
	if (ret != -ENOENT)
		fail("4-level: table outside memory", "ret %d", ret);
	else
		ok("4-level: table outside memory");
}

#define LIN5	0x00ff7f8040201000ULL	/* PML5 index 255; canonical in LA57 */

static void test_5level(void)
{
	u64 pml5, gpa;
	u32 pfec;
	struct hvx_walk_env env;
	int ret;

	reset(8);
	pml5 = alloc_table();
	env = env_of(CR0_PE | CR0_PG, pml5, CR4_PAE | CR4_LA57,
		     EFER_LME | EFER_LMA | EFER_NXE);
	map64(pml5, 5, LIN5, 0x00345000, P | RW | US, 1);
	expect_ok("5-level: 4K page", &env, LIN5 + 0x678, R, 0x00345678);
	map64(pml5, 5, 0x0000800000000000ULL, 0x00456000, P | RW | US, 1);
	expect_ok("5-level: bit 47 set is canonical with LA57", &env,
		  0x0000800000000abcULL, R, 0x00456abc);
	map64(pml5, 5, 0xff00000000200000ULL, 0x00800000, P | RW, 2);
	expect_ok("5-level: upper half 2M page", &env, 0xff00000000212345ULL, W,
		  0x00812345);
	map64(pml5, 5, 0x0001000000000000ULL, 0x1c0000000ULL, P | RW | XD, 3);
	expect_ok("5-level: 1G page", &env, 0x0001000012345678ULL, W,
		  0x1d2345678ULL);
	expect_pf("5-level: 1G page, XD, fetch", &env, 0x0001000012345678ULL, X,
		  PF_P | PF_I);
	expect_pf("5-level: PML5E not present", &env, 0x0080000000000000ULL, R, 0);

	ret = hvx_gva_to_gpa(&env, 0x0100000000000000ULL, R, &gpa, &pfec);
	if (ret != -EFAULT || pfec != 0)
		fail("5-level: non-canonical address", "ret %d pfec %#x", ret,
		     pfec);
	else
		ok("5-level: non-canonical address");

	set_bits(pml5 + 255 * 8, PS, 8);
	expect_pf("5-level: PS in a PML5E is reserved", &env, LIN5, R,
		  PF_P | PF_RSVD);
	clear_bits(pml5 + 255 * 8, PS, 8);

	/* without LMA, LA57 means nothing: this is PAE paging */
	env.efer = 0;
	env.cr3 = alloc_table();
	map_pae(env.cr3, 0x00401000, 0x00999000, P | RW, false);
	expect_ok("5-level: LA57 without LMA is PAE", &env, 0x00401234, R,
		  0x00999234);
}

static void expect_fetch(const char *name, const struct hvx_walk_env *env,
			 u64 lin, unsigned int len, int want,
			 const u8 *want_bytes)
{
	u8 buf[32];
	int ret;

	memset(buf, 0xcc, sizeof(buf));
	ret = hvx_fetch_code(env, lin, buf, len);
	if (ret != want)
		fail(name, "returned %d, want %d", ret, want);
	else if (want > 0 && memcmp(buf, want_bytes, want))
		fail(name, "wrong bytes");
	else if (want > 0 && want < (int)len && buf[want] != 0xcc)
		fail(name, "wrote past the bytes it returned");
	else
		ok(name);
}

static void test_fetch(void)
{
	static const u8 code[16] = {
		0x48, 0xc7, 0x44, 0x4b, 0x10, 0xff, 0xff, 0xff,
		0x7f, 0x0f, 0x01, 0xd8, 0x90, 0xf4, 0xc3, 0x66,
	};
	u64 pml4, page_a = 0x200000, page_b = 0x300000, pte;
	struct hvx_walk_env env;

	reset(0);
	pml4 = alloc_table();
	env = env_of(CR0_PE | CR0_PG | CR0_WP, pml4, CR4_PAE,
		     EFER_LME | EFER_LMA | EFER_NXE);
	/* 0x400000 -> page_a; 0x401000 unmapped; 0x500000 -> page_a,
	 * 0x501000 -> page_b (not physically contiguous) */
	map64(pml4, 4, 0x400000, page_a, P | US, 1);
	map64(pml4, 4, 0x500000, page_a, P, 1);
	pte = map64(pml4, 4, 0x501000, page_b, P | US, 1);
	memcpy(mem + page_a + 0x100, code, 15);
	memcpy(mem + page_a + 0xffd, code, 3);
	memcpy(mem + page_b, code + 3, 12);

	expect_fetch("fetch: inside one page", &env, 0x400100, 15, 15, code);
	expect_fetch("fetch: stops at an unmapped page", &env, 0x400ffd, 15, 3,
		     code);
	expect_fetch("fetch: across two pages", &env, 0x500ffd, 15, 15, code);
	expect_fetch("fetch: first page unmapped", &env, 0x401000, 15, -EFAULT,
		     NULL);
	expect_fetch("fetch: non-canonical", &env, 0x0000800000000000ULL, 15,
		     -EFAULT, NULL);
	set_bits(pte, XD, 8);
	expect_fetch("fetch: stops at an execute-disable page", &env, 0x500ffd,
		     15, 3, code);
	clear_bits(pte, XD, 8);
	/* the CPL is unknown: supervisor and user pages both work */
	env.cr4 |= CR4_SMEP;
	expect_fetch("fetch: user page with SMEP", &env, 0x400100, 15, 15, code);
	expect_fetch("fetch: supervisor page", &env, 0x500ffd, 15, 15, code);

	/* the data page lies outside guest memory */
	put(pte, 0x40000000ULL | P, 8);
	expect_fetch("fetch: stops at a page outside memory", &env, 0x500ffd, 15,
		     3, code);
	expect_fetch("fetch: first page outside memory", &env, 0x501000, 15,
		     -ENOENT, NULL);

	env = env_of(CR0_PE, 0, 0, 0);
	expect_fetch("fetch: no paging", &env, page_a + 0x100, 15, 15, code);
	expect_fetch("fetch: no paging, 32-bit wrap", &env,
		     0x100000000ULL + page_a + 0xffd, 3, 3, code);
	expect_fetch("fetch: zero bytes", &env, page_a, 0, 0, code);
}

int main(void)
{
	test_no_paging();
	test_32bit();
	test_pae();
	test_4level();
	test_5level();
	test_fetch();
	return summary();
}
