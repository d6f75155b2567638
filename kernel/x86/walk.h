/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest linear -> guest physical translation by walking the guest's own
 * page tables, in every paging mode of SDM Vol. 3A, 4 "Paging": none,
 * 32-bit, PAE, 4-level and 5-level. Used to fetch the bytes of an
 * instruction that caused an exit when the CPU did not hand them to us
 * (no decode assists, APM Vol. 2, 15.33 "Decode Assists").
 */
#ifndef HVX_X86_WALK_H
#define HVX_X86_WALK_H

#include "compat.h"

#define HVX_WALK_WRITE	0x1
#define HVX_WALK_USER	0x2
#define HVX_WALK_FETCH	0x4

struct hvx_walk_env {
	u64 cr0, cr3, cr4, efer;
	/* Read len bytes of guest-physical memory; 0 or a negative errno. */
	int (*read_gpa)(void *opaque, u64 gpa, void *buf, unsigned int len);
	void *opaque;
};

/*
 * Translate a linear address. Returns 0 and *gpa on success; -EFAULT when
 * the guest's tables say #PF, with *pf_error_code as the CPU would push it
 * (SDM Vol. 3A, 4.7 "Page-Fault Exceptions"); or the error of read_gpa
 * when a table lies outside guest memory. A/D bits are not updated.
 */
int hvx_gva_to_gpa(const struct hvx_walk_env *env, u64 gva, unsigned int access,
		   u64 *gpa, u32 *pf_error_code);

/*
 * Fetch up to len bytes of code at linear address lin (which may cross a
 * page boundary). Returns the number of bytes fetched (>0), or a negative
 * errno when not even the first byte could be fetched.
 */
int hvx_fetch_code(const struct hvx_walk_env *env, u64 lin, u8 *buf,
		   unsigned int len);

#endif
