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
 * time; adding a translation needs no flush, removing one does (vm.c).
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

/* Clear the leaves for [start, end) under table, skipping empty subtrees. */
static void unmap_level(u64 *table, int level, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	u64 addr = start;

	while (addr < end) {
		u64 *e = &table[tdp_index(addr, level)];
		u64 next = (addr & ~(span - 1)) + span;

		if (present(READ_ONCE(*e))) {
			if (level == 1)
				WRITE_ONCE(*e, 0);
			else
				unmap_level(tdp_table(*e), level - 1, addr,
					    min(end, next));
		}
		if (level == 2)
			cond_resched();
		addr = next;
	}
}

void hvx_tdp_unmap_range(void *root, u64 gpa, u64 npages)
{
	u64 end = gpa + (npages << PAGE_SHIFT);

	if (gpa >> TDP_GPA_BITS)
		return;
	unmap_level(root, fmt()->levels, gpa, min(end, 1ULL << TDP_GPA_BITS));
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
