// SPDX-License-Identifier: GPL-2.0
/*
 * Linux bzImage, 64-bit boot protocol (Documentation/x86/boot.rst in Linux
 * 6.1; arch/x86/boot.rst later). Facts used, by section of boot.rst:
 *
 * - "The Real-Mode Kernel Header": the setup header starts at 0x1f1;
 *   setup_sects 0 means 4; "HdrS" at 0x202; version at 0x206.
 * - "Loading The Rest of The Kernel": the protected-mode kernel starts at
 *   (setup_sects + 1) * 512 in the file and a bzImage (LOADED_HIGH) goes
 *   at 0x100000.
 * - "Details of Header Fields": init_size is the memory the kernel needs
 *   from its runtime start, which is pref_address for a non-relocatable
 *   kernel and the load address aligned up to kernel_alignment for a
 *   relocatable one; the decompressor (arch/x86/boot/compressed/head_64.S,
 *   startup_64) never runs below LOAD_PHYSICAL_ADDR, which header.S
 *   publishes as pref_address, so runtime start is the larger of the two.
 *   cmdline_size is the longest command line without its NUL;
 *   initrd_addr_max is the highest byte the initrd may occupy.
 * - "64-bit Boot Protocol" (protocol 2.12+, xloadflags XLF_KERNEL_64):
 *   boot_params zeroed, the setup header copied from the file (it ends at
 *   0x202 + the byte at 0x201), entry at load address + 0x200 in 64-bit
 *   mode, identity-mapped, GDT with __BOOT_CS 0x10 and __BOOT_DS 0x18, CS
 *   and DS/ES/SS loaded from them, interrupts off, RSI = &boot_params.
 * - Documentation/x86/zero-page.rst: e820_entries at 0x1e8, e820_table at
 *   0x2d0, acpi_rsdp_addr at 0x070 (protocol 2.14+).
 */
#include <string.h>
#include <asm/bootparam.h>

#include "internal.h"

/* The boot_params offsets this loader writes (zero-page.rst). */
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");
_Static_assert(__builtin_offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(__builtin_offsetof(struct boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(__builtin_offsetof(struct boot_params, hdr) == 0x1f1, "setup header");
_Static_assert(__builtin_offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(__builtin_offsetof(struct setup_header, header) == 0x202 - 0x1f1, "HdrS");
_Static_assert(__builtin_offsetof(struct setup_header, init_size) == 0x260 - 0x1f1, "init_size");

#define HDR_OFF			0x1f1
#define HDR_MAGIC		0x53726448	/* "HdrS" */
#define PROTO_64BIT		0x020c		/* xloadflags, XLF_KERNEL_64 */
#define PROTO_RSDP		0x020e		/* acpi_rsdp_addr */
#define ENTRY_64		0x200		/* 64-bit entry, from the protected-mode kernel's start */
/* The setup header as far as boot_params has room for it: up to edd_mbr_sig_buffer at 0x290. */
#define HDR_END_MAX		0x290

/* What the header says, checked, and where things will go. */
struct bz_layout {
	const struct setup_header *hdr;	/* in the file, unaligned (packed) */
	size_t hdr_end;			/* offset after the header in the file */
	size_t setup_size;		/* real-mode part: (setup_sects + 1) * 512 */
	size_t kernel_size;		/* protected-mode part */
	uint64_t runtime_start;		/* where the decompressed kernel runs */
	uint64_t kernel_end;		/* end of what the kernel needs while it boots */
	uint64_t initrd;		/* load address, 0 without one */
};

static int check_header(const struct hvx_boot_cfg *cfg, struct bz_layout *l, char *err, size_t errlen)
{
	const uint8_t *img = cfg->kernel;
	size_t len = cfg->kernel_len;
	const struct setup_header *h;
	unsigned int sects;

	if (!img || len < 0x202 + 4)
		return hvx_loader_fail(err, errlen, "not a bzImage: %zu bytes are too few for a setup header", len);
	h = (const struct setup_header *)(img + HDR_OFF);
	if (hvx_get32(img + 0x202) != HDR_MAGIC)
		return hvx_loader_fail(err, errlen, "not a bzImage: no HdrS magic at 0x202");
	sects = img[HDR_OFF] ? img[HDR_OFF] : 4;
	l->hdr = h;
	l->setup_size = (sects + 1) * 512;
	l->hdr_end = 0x202 + img[0x201];
	if (len < l->setup_size)
		return hvx_loader_fail(err, errlen, "truncated setup header (%zu of %zu bytes)", len, l->setup_size);
	if (h->version < PROTO_64BIT)
		return hvx_loader_fail(err, errlen,
				       "boot protocol %u.%02u is older than 2.12, the first with a 64-bit entry point",
				       h->version >> 8, h->version & 0xff);
	if (l->hdr_end < __builtin_offsetof(struct setup_header, handover_offset) + HDR_OFF ||
	    l->hdr_end > l->setup_size)
		return hvx_loader_fail(err, errlen, "setup header ends at %#zx, outside 0x264..%#zx",
				       l->hdr_end, l->setup_size);
	if (!(h->loadflags & LOADED_HIGH))
		return hvx_loader_fail(err, errlen, "a zImage (loaded below 1 MiB), not a bzImage");
	if (!(h->xloadflags & XLF_KERNEL_64))
		return hvx_loader_fail(err, errlen, "no 64-bit entry point (xloadflags %#x lacks XLF_KERNEL_64)",
				       h->xloadflags);
	l->kernel_size = len - l->setup_size;
	if ((uint64_t)h->syssize * 16 > l->kernel_size || !l->kernel_size)
		return hvx_loader_fail(err, errlen, "truncated kernel (%zu of %llu bytes after the setup)",
				       l->kernel_size, (unsigned long long)h->syssize * 16);
	return 0;
}

/* Where the kernel decompresses and how much it needs there (see the top comment). */
static int check_kernel_room(const struct hvx_ram *ram, struct bz_layout *l, char *err, size_t errlen)
{
	const struct setup_header *h = l->hdr;
	uint64_t align = h->kernel_alignment;
	char a[32], b[32], c[32];

	if (HVX_BZIMAGE_LOAD + l->kernel_size > ram->size)
		return hvx_loader_fail(err, errlen, "kernel of %s does not fit at 1 MiB in %s of guest memory",
				       hvx_size_str(a, sizeof(a), l->kernel_size),
				       hvx_size_str(b, sizeof(b), ram->size));
	if (h->relocatable_kernel) {
		if (!align || (align & (align - 1)))
			return hvx_loader_fail(err, errlen, "kernel_alignment %#llx is not a power of two",
					       (unsigned long long)align);
		l->runtime_start = ALIGN_UP(HVX_BZIMAGE_LOAD, align);
		if (l->runtime_start < h->pref_address)
			l->runtime_start = h->pref_address;
	} else {
		l->runtime_start = h->pref_address;
	}
	if (!h->init_size)
		return hvx_loader_fail(err, errlen, "init_size is 0");
	l->kernel_end = l->runtime_start + h->init_size;
	if (l->kernel_end < HVX_BZIMAGE_LOAD + l->kernel_size)
		l->kernel_end = HVX_BZIMAGE_LOAD + l->kernel_size;
	if (l->kernel_end > ram->size)
		return hvx_loader_fail(err, errlen,
				       "kernel needs %s from %s to boot (init_size), more than %s of guest memory",
				       hvx_size_str(a, sizeof(a), h->init_size),
				       hvx_size_str(b, sizeof(b), l->runtime_start),
				       hvx_size_str(c, sizeof(c), ram->size));
	return 0;
}

/* Top of RAM below initrd_addr_max, page-aligned, above all the kernel needs. */
static int place_initrd(const struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
			struct bz_layout *l, char *err, size_t errlen)
{
	uint64_t top = ram->size, max = (uint64_t)l->hdr->initrd_addr_max + 1;
	char a[32], b[32], c[32];

	l->initrd = 0;
	if (!cfg->initrd_len)
		return 0;
	if (max < top)
		top = max;
	if (cfg->initrd_len > top || ALIGN_DOWN(top - cfg->initrd_len, PAGE) < l->kernel_end)
		return hvx_loader_fail(err, errlen,
				       "initrd of %s does not fit below %s of guest memory (the kernel uses up to %s)",
				       hvx_size_str(a, sizeof(a), cfg->initrd_len),
				       hvx_size_str(b, sizeof(b), top),
				       hvx_size_str(c, sizeof(c), l->kernel_end));
	l->initrd = ALIGN_DOWN(top - cfg->initrd_len, PAGE);
	return 0;
}

static void write_boot_params(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
			      const struct bz_layout *l, uint64_t rsdp)
{
	struct boot_params *bp = (struct boot_params *)(ram->base + HVX_BOOT_INFO);
	struct hvx_e820 map[HVX_E820_ENTRIES];
	size_t end = l->hdr_end < HDR_END_MAX ? l->hdr_end : HDR_END_MAX;
	unsigned int i;

	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, (const uint8_t *)cfg->kernel + HDR_OFF, end - HDR_OFF);
	bp->hdr.type_of_loader = 0xff;		/* no assigned loader id */
	bp->hdr.vid_mode = 0xffff;		/* "normal" (boot.rst, "Special Command Line Options") */
	bp->hdr.cmd_line_ptr = HVX_BOOT_CMDLINE;
	bp->hdr.ramdisk_image = l->initrd;
	bp->hdr.ramdisk_size = l->initrd ? cfg->initrd_len : 0;
	if (l->hdr->version >= PROTO_RSDP)
		bp->acpi_rsdp_addr = rsdp;
	hvx_e820_table(ram, map);
	for (i = 0; i < HVX_E820_ENTRIES; i++)
		bp->e820_table[i] = (struct boot_e820_entry){ map[i].addr, map[i].size, map[i].type };
	bp->e820_entries = HVX_E820_ENTRIES;
}

int hvx_load_bzimage(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		     struct hvx_boot *boot, char *err, size_t errlen)
{
	struct bz_layout l = { .hdr = NULL };
	uint64_t rsdp;

	if (hvx_ram_check(ram, err, errlen) || hvx_ncpus_check(cfg->ncpus, err, errlen) ||
	    check_header(cfg, &l, err, errlen) ||
	    check_kernel_room(ram, &l, err, errlen) || place_initrd(ram, cfg, &l, err, errlen))
		return -1;
	if (hvx_put_cmdline(ram, cfg->cmdline, l.hdr->cmdline_size, err, errlen) ||
	    hvx_setup_low_memory(ram, cfg, &rsdp, err, errlen))
		return -1;

	memcpy(ram->base + HVX_BZIMAGE_LOAD, (const uint8_t *)cfg->kernel + l.setup_size, l.kernel_size);
	if (l.initrd)
		memcpy(ram->base + l.initrd, cfg->initrd, cfg->initrd_len);
	write_boot_params(ram, cfg, &l, rsdp);
	hvx_write_page_tables(ram);
	hvx_regs_long_mode(boot, HVX_BZIMAGE_LOAD + ENTRY_64);
	boot->regs.rsi = HVX_BOOT_INFO;
	boot->kind = "bzImage";
	return 0;
}
