// SPDX-License-Identifier: GPL-2.0
/*
 * The second-level page table: guest-physical -> host-physical, for AMD
 * nested paging (NPT) and Intel EPT alike. Both are radix trees of 512
 * 8-byte entries per 4 KiB page; they differ only in the bits of an entry
 * and in the number of levels, which the backend describes in its
 * struct hvx_tdp_fmt:
 *  - NPT uses the format of the host's own page tables and the paging
 *    mode the host has at VMRUN (APM Vol. 2, 15.25.4 "Nested Paging and
 *    VMRUN/#VMEXIT"), so a host with 5-level paging needs 5 levels; every
 *    access counts as a user access, so U/S is set at every level.
 *  - EPT entries have read/write/execute bits and, in leaves, a memory
 *    type (SDM Vol. 3C, 29.3.2 "EPT Translation Mechanism").
 * 4 KiB leaves only; guest-physical addresses are limited to 48 bits.
 *
 * Callers serialise updates with vm->slots_lock. Entries are written with
 * WRITE_ONCE because the CPU may walk the table on another CPU at the same
 * time; adding a translation or write access needs no flush (a fault on a
 * stale entry walks the table again), removing either does (vm.c).
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <asm/io.h>

#include "../hvx.h"

#define TDP_ADDR_MASK	GENMASK_ULL(51, 12)
#define TDP_GPA_BITS	48

static inline const struct hvx_tdp_fmt *fmt(void)
{
	return hvx_ops->tdp;
}

static inline bool present(u64 e)
{
	return e & fmt()->present_mask;
}

static inline unsigned int tdp_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 *tdp_table(u64 entry)
{
	return phys_to_virt(entry & TDP_ADDR_MASK);
}

void *hvx_tdp_alloc_root(u64 *root_pa)
{
	void *root = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (root)
		*root_pa = virt_to_phys(root);
	return root;
}

int hvx_tdp_map(void *root, u64 gpa, u64 hpa, bool writable)
{
	u64 *table = root;
	int level;

	if (gpa >> TDP_GPA_BITS)
		return -EFAULT;
	for (level = fmt()->levels; level > 1; level--) {
		u64 *e = &table[tdp_index(gpa, level)];

		if (!present(READ_ONCE(*e))) {
			void *next = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!next)
				return -ENOMEM;
			WRITE_ONCE(*e, virt_to_phys(next) | fmt()->table_bits);
		}
		table = tdp_table(*e);
	}
	WRITE_ONCE(table[tdp_index(gpa, 1)], (hpa & TDP_ADDR_MASK) |
		   (writable ? fmt()->leaf_rw : fmt()->leaf_ro));
	return 0;
}

/* What walk_level does to each present leaf in its range. */
enum leaf_op { LEAF_CLEAR, LEAF_WRITE_PROTECT };

/* A leaf after op: 0 (not present) or the same page without write access. */
static u64 leaf_after(u64 e, enum leaf_op op)
{
	if (op == LEAF_CLEAR)
		return 0;
	if (!(e & (fmt()->leaf_rw & ~fmt()->leaf_ro)))
		return e;
	return (e & TDP_ADDR_MASK) | fmt()->leaf_ro;
}

/*
 * Apply op to the leaves for [start, end) under table, skipping empty
 * subtrees. Returns true if any entry changed (the caller must flush).
 */
static bool walk_level(u64 *table, int level, u64 start, u64 end, enum leaf_op op)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	u64 addr = start;
	bool changed = false;

	while (addr < end) {
		u64 *e = &table[tdp_index(addr, level)];
		u64 next = (addr & ~(span - 1)) + span;
		u64 old = READ_ONCE(*e);

		if (present(old)) {
			if (level > 1) {
				changed |= walk_level(tdp_table(old), level - 1, addr,
						      min(end, next), op);
			} else if (leaf_after(old, op) != old) {
				WRITE_ONCE(*e, leaf_after(old, op));
				changed = true;
			}
		}
		if (level == 2)
			cond_resched();
		addr = next;
	}
	return changed;
}

static bool walk_range(void *root, u64 gpa, u64 npages, enum leaf_op op)
{
	u64 end = gpa + (npages << PAGE_SHIFT);

	if (gpa >> TDP_GPA_BITS)
		return false;
	return walk_level(root, fmt()->levels, gpa, min(end, 1ULL << TDP_GPA_BITS), op);
}

void hvx_tdp_unmap_range(void *root, u64 gpa, u64 npages)
{
	walk_range(root, gpa, npages, LEAF_CLEAR);
}

/* Dirty logging (vm.c): the next guest write to these pages faults. */
bool hvx_tdp_write_protect(void *root, u64 gpa, u64 npages)
{
	return walk_range(root, gpa, npages, LEAF_WRITE_PROTECT);
}

static void free_level(u64 *table, int level)
{
	int i;

	if (level > 1)
		for (i = 0; i < 512; i++)
			if (present(table[i]))
				free_level(tdp_table(table[i]), level - 1);
	free_page((unsigned long)table);
	if (level == 2)
		cond_resched();
}

void hvx_tdp_free(void *root)
{
	if (root)
		free_level(root, fmt()->levels);
}
