// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot (v1) kernels, loaded as QEMU's -kernel loads them (Multiboot
 * Specification 0.6.96; sections cited as "MB 3.1.1" and so on):
 *
 * - MB 3.1.1 "The layout of Multiboot header": magic 0x1BADB002 at a
 *   4-byte aligned offset, wholly in the first 8192 bytes; magic + flags +
 *   checksum is 0 mod 2^32. Flags 0-15 are requirements: a loader that
 *   does not meet one must refuse the kernel. hvx meets bit 0 (modules
 *   page-aligned) and bit 1 (memory information); bit 2 (a video mode) it
 *   cannot meet and, like QEMU, boots the kernel without one. Bit 16 (the
 *   "a.out kludge") gives load addresses in the header: it wins over the
 *   ELF headers, as in QEMU and GRUB.
 * - Without bit 16 the image must be an ELF32 i386 executable: PT_LOAD
 *   segments are copied to p_paddr and their BSS zeroed. QEMU refuses
 *   64-bit ELF images; so does hvx. An entry point inside a segment's
 *   virtual range is moved to its physical address (as GRUB does), which
 *   changes nothing for kernels linked at their load address.
 * - MB 3.3 "Boot information format": memory (mem_lower, mem_upper, and
 *   the e820 map as mmap_*), the command line, the modules (each
 *   page-aligned after the kernel, with its string; a lone initrd is one
 *   module with the string "initrd"), the boot loader's name.
 * - MB 3.2 "Machine state": EAX = 0x2BADB002, EBX = the information's
 *   address, 32-bit protected mode with paging off, CS a flat 4 GiB
 *   execute/read segment, DS/ES/FS/GS/SS flat read/write, A20 on, IF off.
 */
#include <elf.h>
#include <string.h>

#include "internal.h"

#define MB_HEADER_ADDR		(1U << 16)	/* the a.out kludge */
#define MB_KNOWN_FLAGS		0x7		/* page-align modules, memory info, video mode */

/* MB 3.3: the information structure, and its flags. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;		/* flags[0], KiB */
	uint32_t boot_device;			/* flags[1] */
	uint32_t cmdline;			/* flags[2] */
	uint32_t mods_count, mods_addr;		/* flags[3] */
	uint32_t syms[4];			/* flags[4] or flags[5] */
	uint32_t mmap_length, mmap_addr;	/* flags[6] */
	uint32_t drives_length, drives_addr;	/* flags[7] */
	uint32_t config_table;			/* flags[8] */
	uint32_t boot_loader_name;		/* flags[9] */
	uint32_t apm_table;			/* flags[10] */
	uint32_t vbe_control_info, vbe_mode_info;	/* flags[11] */
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_info) == 88, "multiboot information");
_Static_assert(__builtin_offsetof(struct mb_info, mmap_length) == 44, "mmap_length");
_Static_assert(__builtin_offsetof(struct mb_info, boot_loader_name) == 64, "boot_loader_name");
#define MBI_MEM			(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)
#define MBI_MMAP		(1U << 6)
#define MBI_LOADER_NAME		(1U << 9)

struct mb_module {
	uint32_t mod_start, mod_end;	/* [start, end) */
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_module) == 16, "multiboot module");

/* mmap_addr points at "size", which counts the bytes after itself. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot mmap entry");

/* Where the information goes, inside the HVX_BOOT_INFO page. */
#define MB_INFO			HVX_BOOT_INFO
#define MB_MMAP			(HVX_BOOT_INFO + 0x100)
#define MB_MODS			(HVX_BOOT_INFO + 0x200)
#define MB_LOADER_NAME		(HVX_BOOT_INFO + 0x300)
#define MB_MODULE_STRINGS	(HVX_BOOT_INFO + 0x310)	/* up to the page's end */
_Static_assert(HVX_MB_MAX_MODULES * sizeof(struct mb_module) <= MB_LOADER_NAME - MB_MODS,
	       "module list");

/* A piece of the image to copy: file bytes [off, off + filesz) to paddr, zeroed up to memsz. */
struct mb_segment {
	uint64_t off, filesz, paddr, memsz;
};
#define MB_MAX_SEGMENTS		16

struct mb_kernel {
	struct mb_segment seg[MB_MAX_SEGMENTS];
	unsigned int nseg;
	uint64_t entry;
	uint64_t end;		/* highest byte loaded + 1 */
};

/* Guest memory the loader itself writes, which a segment must not cover. */
static const struct {
	const char *name;
	uint64_t start, end;
} loader_areas[] = {
	{ "BIOS data area", HVX_BDA, HVX_BDA + 0x100 },
	{ "GDT", HVX_BOOT_GDT, HVX_BOOT_GDT + 0x20 },
	{ "boot information and stack", HVX_BOOT_INFO, HVX_BOOT_STACK_TOP },
	{ "command line", HVX_BOOT_CMDLINE, HVX_BOOT_CMDLINE + HVX_BOOT_CMDLINE_MAX },
	{ "BIOS area", HVX_EBDA, HVX_HIGH_MEM },
};

long hvx_multiboot_find_magic(const uint8_t *img, size_t len, long from)
{
	size_t end = len < HVX_MB_SEARCH ? len : HVX_MB_SEARCH;
	size_t i;

	for (i = from; i + 12 <= end; i += 4)
		if (hvx_get32(img + i) == HVX_MULTIBOOT_MAGIC)
			return i;
	return -1;
}

/* The header with a good checksum: its offset, or -1 with the reason. */
static long find_header(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	long i, bad = -1;

	for (i = hvx_multiboot_find_magic(img, len, 0); i >= 0;
	     i = hvx_multiboot_find_magic(img, len, i + 4)) {
		if (HVX_MULTIBOOT_MAGIC + hvx_get32(img + i + 4) + hvx_get32(img + i + 8) == 0)
			return i;
		if (bad < 0)
			bad = i;
	}
	if (bad >= 0)
		return hvx_loader_fail(err, errlen, "multiboot header at %#lx has a bad checksum", bad);
	return hvx_loader_fail(err, errlen, "no multiboot header in the first %d bytes", HVX_MB_SEARCH);
}

static int add_segment(struct mb_kernel *k, const struct mb_segment *s, size_t len,
		       const struct hvx_ram *ram, char *err, size_t errlen)
{
	char a[32];
	unsigned int i;

	if (s->filesz > s->memsz)
		return hvx_loader_fail(err, errlen, "segment at %#llx has more file bytes than memory bytes",
				       (unsigned long long)s->paddr);
	if (s->off > len || s->filesz > len - s->off)
		return hvx_loader_fail(err, errlen,
				       "segment at %#llx: file bytes %#llx-%#llx are beyond the end of the %zu-byte image",
				       (unsigned long long)s->paddr, (unsigned long long)s->off,
				       (unsigned long long)(s->off + s->filesz), len);
	if (s->paddr > ram->size || s->memsz > ram->size - s->paddr)
		return hvx_loader_fail(err, errlen, "segment %#llx-%#llx lies outside %s of guest memory",
				       (unsigned long long)s->paddr,
				       (unsigned long long)(s->paddr + s->memsz),
				       hvx_size_str(a, sizeof(a), ram->size));
	for (i = 0; i < sizeof(loader_areas) / sizeof(loader_areas[0]); i++)
		if (hvx_overlap(s->paddr, s->memsz, loader_areas[i].start,
				loader_areas[i].end - loader_areas[i].start))
			return hvx_loader_fail(err, errlen, "segment %#llx-%#llx overlaps the %s at %#llx",
					       (unsigned long long)s->paddr,
					       (unsigned long long)(s->paddr + s->memsz),
					       loader_areas[i].name,
					       (unsigned long long)loader_areas[i].start);
	if (k->nseg == MB_MAX_SEGMENTS)
		return hvx_loader_fail(err, errlen, "more than %d loadable segments", MB_MAX_SEGMENTS);
	k->seg[k->nseg++] = *s;
	if (s->paddr + s->memsz > k->end)
		k->end = s->paddr + s->memsz;
	return 0;
}

/* MB 3.1.3 "The address fields of Multiboot header" (flag 16). */
static int parse_aout_kludge(const uint8_t *img, size_t len, long hdr, const struct hvx_ram *ram,
			     struct mb_kernel *k, char *err, size_t errlen)
{
	uint32_t header_addr, load_addr, load_end, bss_end;
	struct mb_segment s;

	if (hdr + 32 > HVX_MB_SEARCH || (size_t)hdr + 32 > len)
		return hvx_loader_fail(err, errlen, "multiboot header at %#lx: address fields cut off", hdr);
	header_addr = hvx_get32(img + hdr + 12);
	load_addr = hvx_get32(img + hdr + 16);
	load_end = hvx_get32(img + hdr + 20);
	bss_end = hvx_get32(img + hdr + 24);
	k->entry = hvx_get32(img + hdr + 28);
	if (header_addr < load_addr || header_addr - load_addr > (uint64_t)hdr)
		return hvx_loader_fail(err, errlen,
				       "header_addr %#x and load_addr %#x put the load start outside the file",
				       header_addr, load_addr);
	s.off = hdr - (header_addr - load_addr);
	s.paddr = load_addr;
	if (load_end && load_end < load_addr)
		return hvx_loader_fail(err, errlen, "load_end_addr %#x is below load_addr %#x", load_end, load_addr);
	s.filesz = load_end ? load_end - load_addr : len - s.off;
	if (bss_end && bss_end < load_addr + s.filesz)
		return hvx_loader_fail(err, errlen, "bss_end_addr %#x is below the loaded end %#llx",
				       bss_end, (unsigned long long)(load_addr + s.filesz));
	s.memsz = bss_end ? bss_end - load_addr : s.filesz;
	return add_segment(k, &s, len, ram, err, errlen);
}

static int parse_elf(const uint8_t *img, size_t len, const struct hvx_ram *ram,
		     struct mb_kernel *k, char *err, size_t errlen)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img;
	unsigned int i;

	if (len < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return hvx_loader_fail(err, errlen, "neither ELF nor the a.out kludge (multiboot header flag 16)");
	if (img[EI_CLASS] == ELFCLASS64)
		return hvx_loader_fail(err, errlen, "a 64-bit ELF kernel: multiboot loads ELF32 (as QEMU does)");
	if (len < sizeof(*eh) || img[EI_CLASS] != ELFCLASS32 || img[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_386 || eh->e_type != ET_EXEC)
		return hvx_loader_fail(err, errlen, "not an ELF32 little-endian i386 executable");
	if (eh->e_phentsize != sizeof(Elf32_Phdr) || !eh->e_phnum)
		return hvx_loader_fail(err, errlen, "bad program header table (%u entries of %u bytes)",
				       eh->e_phnum, eh->e_phentsize);
	if (eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff)
		return hvx_loader_fail(err, errlen, "truncated program header table (%u entries at %#x, file of %zu bytes)",
				       eh->e_phnum, eh->e_phoff, len);
	k->entry = eh->e_entry;
	for (i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;
		struct mb_segment s;

		memcpy(&ph, img + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		s = (struct mb_segment){ ph.p_offset, ph.p_filesz, ph.p_paddr, ph.p_memsz };
		if (add_segment(k, &s, len, ram, err, errlen))
			return -1;
		if (eh->e_entry >= ph.p_vaddr && eh->e_entry - ph.p_vaddr < ph.p_memsz)
			k->entry = eh->e_entry - ph.p_vaddr + ph.p_paddr;
	}
	if (!k->nseg)
		return hvx_loader_fail(err, errlen, "no loadable segment");
	return 0;
}

/* Where each module goes: after the kernel, each page-aligned (header flag 0). */
struct mb_layout {
	struct hvx_module mod[HVX_MB_MAX_MODULES];
	uint64_t addr[HVX_MB_MAX_MODULES];
	unsigned int n;
};

static int place_modules(const struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
			 const struct mb_kernel *k, struct mb_layout *l, char *err, size_t errlen)
{
	uint64_t at = ALIGN_UP(k->end, PAGE), strings = 0;
	char a[32], b[32], c[32];
	unsigned int i;

	l->n = cfg->nmodules;
	if (l->n > HVX_MB_MAX_MODULES)
		return hvx_loader_fail(err, errlen, "%u modules: hvx passes at most %d",
				       l->n, HVX_MB_MAX_MODULES);
	for (i = 0; i < l->n; i++)
		l->mod[i] = cfg->modules[i];
	if (!l->n && cfg->initrd_len) {
		l->mod[0] = (struct hvx_module){ cfg->initrd, cfg->initrd_len, "initrd" };
		l->n = 1;
	}
	for (i = 0; i < l->n; i++) {
		strings += strlen(l->mod[i].string ? l->mod[i].string : "") + 1;
		if (strings > HVX_BOOT_INFO + PAGE - MB_MODULE_STRINGS)
			return hvx_loader_fail(err, errlen, "the modules' strings are longer than the %llu bytes allowed",
					       (unsigned long long)(HVX_BOOT_INFO + PAGE - MB_MODULE_STRINGS));
		if (at > ram->size || l->mod[i].len > ram->size - at)
			return hvx_loader_fail(err, errlen,
					       "module %u of %s does not fit after the kernel (at %s) in %s of guest memory",
					       i, hvx_size_str(a, sizeof(a), l->mod[i].len),
					       hvx_size_str(b, sizeof(b), at),
					       hvx_size_str(c, sizeof(c), ram->size));
		l->addr[i] = at;
		at = ALIGN_UP(at + l->mod[i].len, PAGE);
	}
	return 0;
}

static void write_info(struct hvx_ram *ram, const struct mb_layout *l)
{
	struct mb_info *mbi = (struct mb_info *)(ram->base + MB_INFO);
	struct mb_module *mods = (struct mb_module *)(ram->base + MB_MODS);
	struct hvx_e820 map[HVX_E820_ENTRIES];
	uint64_t str = MB_MODULE_STRINGS;
	unsigned int i;

	memset(ram->base + HVX_BOOT_INFO, 0, PAGE);
	hvx_e820_table(ram, map);
	for (i = 0; i < HVX_E820_ENTRIES; i++)
		((struct mb_mmap_entry *)(ram->base + MB_MMAP))[i] = (struct mb_mmap_entry){
			.size = sizeof(struct mb_mmap_entry) - 4,
			.base_addr = map[i].addr, .length = map[i].size, .type = map[i].type,
		};
	memcpy(ram->base + MB_LOADER_NAME, "hvx", 4);

	mbi->flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	mbi->mem_lower = HVX_EBDA / KiB;		/* KiB from 0 */
	mbi->mem_upper = (ram->size - HVX_HIGH_MEM) / KiB;	/* KiB from 1 MiB */
	mbi->cmdline = HVX_BOOT_CMDLINE;
	mbi->mmap_addr = MB_MMAP;
	mbi->mmap_length = HVX_E820_ENTRIES * sizeof(struct mb_mmap_entry);
	mbi->boot_loader_name = MB_LOADER_NAME;
	for (i = 0; i < l->n; i++) {
		const char *s = l->mod[i].string ? l->mod[i].string : "";
		size_t n = strlen(s) + 1;

		memcpy(ram->base + str, s, n);	/* place_modules checked the room */
		mods[i] = (struct mb_module){
			.mod_start = l->addr[i], .mod_end = l->addr[i] + l->mod[i].len,
			.string = str,
		};
		str += n;
	}
	if (l->n) {
		mbi->flags |= MBI_MODS;
		mbi->mods_count = l->n;
		mbi->mods_addr = MB_MODS;
	}
}

int hvx_load_multiboot(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		       struct hvx_boot *boot, char *err, size_t errlen)
{
	const uint8_t *img = cfg->kernel;
	struct mb_kernel k = { .nseg = 0 };
	struct mb_layout l;
	uint64_t rsdp;
	char a[32];
	uint32_t flags;
	unsigned int i;
	long hdr;

	if (hvx_ram_check(ram, err, errlen) || hvx_ncpus_check(cfg->ncpus, err, errlen))
		return -1;
	if (!img || (hdr = find_header(img, cfg->kernel_len, err, errlen)) < 0)
		return -1;
	flags = hvx_get32(img + hdr + 4);
	if (flags & 0xffff & ~MB_KNOWN_FLAGS)
		return hvx_loader_fail(err, errlen, "multiboot header flags %#x require features hvx does not know",
				       flags & 0xffff & ~MB_KNOWN_FLAGS);
	if ((flags & MB_HEADER_ADDR ? parse_aout_kludge(img, cfg->kernel_len, hdr, ram, &k, err, errlen)
				    : parse_elf(img, cfg->kernel_len, ram, &k, err, errlen)))
		return -1;
	if (k.entry >= ram->size)
		return hvx_loader_fail(err, errlen, "entry point %#llx is outside %s of guest memory",
				       (unsigned long long)k.entry, hvx_size_str(a, sizeof(a), ram->size));
	if (place_modules(ram, cfg, &k, &l, err, errlen))
		return -1;
	if (hvx_put_cmdline(ram, cfg->cmdline, HVX_BOOT_CMDLINE_MAX - 1, err, errlen) ||
	    hvx_setup_low_memory(ram, cfg, &rsdp, err, errlen))
		return -1;

	for (i = 0; i < k.nseg; i++) {
		memcpy(ram->base + k.seg[i].paddr, img + k.seg[i].off, k.seg[i].filesz);
		memset(ram->base + k.seg[i].paddr + k.seg[i].filesz, 0, k.seg[i].memsz - k.seg[i].filesz);
	}
	for (i = 0; i < l.n; i++)
		memcpy(ram->base + l.addr[i], l.mod[i].data, l.mod[i].len);
	write_info(ram, &l);
	hvx_regs_protected_mode(boot, k.entry);
	boot->regs.rax = HVX_MULTIBOOT_EAX;
	boot->regs.rbx = MB_INFO;
	boot->kind = "multiboot";
	return 0;
}
