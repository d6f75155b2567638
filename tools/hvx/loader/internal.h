/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the loaders (common.c). Not part of the interface.
 */
#ifndef HVX_LOADER_INTERNAL_H
#define HVX_LOADER_INTERNAL_H

#include <stdbool.h>
#include "loader.h"

#define KiB	(1ULL << 10)
#define MiB	(1ULL << 20)
#define PAGE	4096ULL

#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((uint64_t)(a) - 1))

/* Address Range Types (ACPI 6.5, 15.1 "INT 15H, E820H - Query System Address Map"). */
#define HVX_E820_RAM		1
#define HVX_E820_RESERVED	2

struct hvx_e820 {
	uint64_t addr, size;
	uint32_t type;
};
#define HVX_E820_ENTRIES	3

/* MB 3.1.1: the multiboot header lies wholly in the image's first 8192 bytes. */
#define HVX_MB_SEARCH		8192

/* Offset of the first 4-byte aligned multiboot magic at or after from (any checksum), or -1. */
long hvx_multiboot_find_magic(const uint8_t *img, size_t len, long from);

/* Formats "reason" into err and returns -1. */
int hvx_loader_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "80 MiB", "29.7 MiB", "12 KiB", "100 bytes" into buf. */
const char *hvx_size_str(char *buf, size_t len, uint64_t n);

/*
 * What the bzImage and multiboot loaders check before they write anything:
 * RAM size bounds and alignment, the vCPU count the MADT can describe.
 */
int hvx_ram_check(const struct hvx_ram *ram, char *err, size_t errlen);
int hvx_ncpus_check(unsigned int ncpus, char *err, size_t errlen);

/* [a, a+alen) and [b, b+blen) overlap. */
static inline bool hvx_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The guest's memory map: RAM below the EBDA, reserved BIOS area, RAM from 1 MiB. */
void hvx_e820_table(const struct hvx_ram *ram, struct hvx_e820 map[HVX_E820_ENTRIES]);

/*
 * The PC-firmware state both loaders leave below 1 MiB: the BIOS data area
 * words, the GDT, and the ACPI tables (*rsdp gets the RSDP's address).
 */
int hvx_setup_low_memory(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg, uint64_t *rsdp,
			 char *err, size_t errlen);

/* Command line at HVX_BOOT_CMDLINE, at most max characters; -1 with a reason if longer. */
int hvx_put_cmdline(struct hvx_ram *ram, const char *cmdline, uint64_t max,
		    char *err, size_t errlen);

/*
 * Register state. Real mode is KVM's reset state (api.rst: the vCPU's
 * registers after KVM_CREATE_VCPU) with CS:IP moved; the protected and
 * long modes use the GDT at HVX_BOOT_GDT with paging off or with the page
 * tables at HVX_BOOT_PML4.
 */
void hvx_regs_real_mode(struct hvx_boot *boot, uint16_t ip);
void hvx_regs_protected_mode(struct hvx_boot *boot, uint32_t eip);
void hvx_regs_long_mode(struct hvx_boot *boot, uint64_t rip);

/* Identity map of 0-4 GiB with 2 MiB pages at HVX_BOOT_PML4 .. HVX_BOOT_PT_END. */
void hvx_write_page_tables(struct hvx_ram *ram);

static inline void hvx_put16(struct hvx_ram *ram, uint64_t gpa, uint16_t v)
{
	ram->base[gpa] = v;
	ram->base[gpa + 1] = v >> 8;
}

static inline void hvx_put32(struct hvx_ram *ram, uint64_t gpa, uint32_t v)
{
	hvx_put16(ram, gpa, v);
	hvx_put16(ram, gpa + 2, v >> 16);
}

static inline void hvx_put64(struct hvx_ram *ram, uint64_t gpa, uint64_t v)
{
	hvx_put32(ram, gpa, v);
	hvx_put32(ram, gpa + 4, v >> 32);
}

static inline uint16_t hvx_get16(const void *p)
{
	const uint8_t *b = p;

	return b[0] | b[1] << 8;
}

static inline uint32_t hvx_get32(const void *p)
{
	const uint8_t *b = p;

	return hvx_get16(b) | (uint32_t)hvx_get16(b + 2) << 16;
}

static inline uint64_t hvx_get64(const void *p)
{
	const uint8_t *b = p;

	return hvx_get32(b) | (uint64_t)hvx_get32(b + 4) << 32;
}

#endif
