// SPDX-License-Identifier: GPL-2.0
/*
 * The nested page table: guest-physical -> host-physical, in the format of
 * the long-mode 4-level tables (APM Vol. 2, 15.25.5 "Nested Table Walk":
 * the nested tables use the same format as the host's, and every access
 * through them counts as a user access, so U/S is set at every level).
 * The number of levels is the host's: the nested walk uses the paging
 * mode the host has at VMRUN (APM Vol. 2, 15.25.4 "Nested Paging and
 * VMRUN/#VMEXIT"), so a host with 5-level paging (CR4.LA57) needs a
 * 5-level nested table. 4 KiB leaves only; guest-physical addresses are
 * limited to 48 bits either way.
 *
 * Callers serialise updates with vm->slots_lock. Entries are written with
 * WRITE_ONCE because the CPU may walk the table on another CPU at the same
 * time; adding a translation needs no flush, removing one does (vm.c).
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <asm/io.h>

#include "../hvx.h"

#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)
#define NPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define NPT_GPA_BITS	48

static int npt_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

static inline unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 *npt_table(u64 entry)
{
	return phys_to_virt(entry & NPT_ADDR_MASK);
}

void *hvx_npt_alloc_root(u64 *root_pa)
{
	void *root = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (root)
		*root_pa = virt_to_phys(root);
	return root;
}

int hvx_npt_map(void *root, u64 gpa, u64 hpa, bool writable)
{
	u64 *table = root;
	int level;

	if (gpa >> NPT_GPA_BITS)
		return -EFAULT;
	for (level = npt_levels(); level > 1; level--) {
		u64 *e = &table[npt_index(gpa, level)];

		if (!(READ_ONCE(*e) & NPT_P)) {
			void *next = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!next)
				return -ENOMEM;
			WRITE_ONCE(*e, virt_to_phys(next) | NPT_P | NPT_RW | NPT_US);
		}
		table = npt_table(*e);
	}
	WRITE_ONCE(table[npt_index(gpa, 1)],
		   (hpa & NPT_ADDR_MASK) | NPT_P | NPT_US | (writable ? NPT_RW : 0));
	return 0;
}

/* Clear the leaves for [start, end) under table, skipping empty subtrees. */
static void unmap_level(u64 *table, int level, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	u64 addr = start;

	while (addr < end) {
		u64 *e = &table[npt_index(addr, level)];
		u64 next = (addr & ~(span - 1)) + span;

		if (READ_ONCE(*e) & NPT_P) {
			if (level == 1)
				WRITE_ONCE(*e, 0);
			else
				unmap_level(npt_table(*e), level - 1, addr,
					    min(end, next));
		}
		addr = next;
	}
}

void hvx_npt_unmap_range(void *root, u64 gpa, u64 npages)
{
	u64 end = gpa + (npages << PAGE_SHIFT);

	if (gpa >> NPT_GPA_BITS)
		return;
	unmap_level(root, npt_levels(), gpa, min(end, 1ULL << NPT_GPA_BITS));
}

static void free_level(u64 *table, int level)
{
	int i;

	if (level > 1)
		for (i = 0; i < 512; i++)
			if (table[i] & NPT_P)
				free_level(npt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

void hvx_npt_free(void *root)
{
	if (root)
		free_level(root, npt_levels());
}
