/*
 * A multiboot (v1) kernel for `hvx run`'s multiboot loader, end to end:
 * an ELF32 i386 image with a multiboot header, linked at 1 MiB, as GRUB
 * and QEMU's -kernel load such kernels (Multiboot Specification 0.6.96).
 *
 * It checks what the specification promises the kernel, prints each fact
 * on COM1 ("MB name: value"), and ends through the debug-exit port with
 * 0x21 when every check held (exit status 67) or 0x40 + the number of
 * failed checks; with "halt" on its command line it ends instead with
 * CLI; HLT, which `hvx run` must see as a machine halted for good (status
 * 10). The test script (tests/machines/l1-run.sh) also checks the printed
 * values against the command line it gave.
 *
 * Freestanding: no libc, no paging, interrupts stay off.
 */
#include <stdint.h>

#define MB_MAGIC	0x1BADB002u	/* MB 3.1.2 */
#define MB_BOOT_MAGIC	0x2BADB002u	/* MB 3.2: EAX at entry */
#define MB_PAGE_ALIGN	(1u << 0)	/* header flag: modules page-aligned */
#define MB_MEMORY_INFO	(1u << 1)	/* header flag: mem_* and mmap_* wanted */

#define MBI_MEM		(1u << 0)	/* MB 3.3 info flags */
#define MBI_CMDLINE	(1u << 2)
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)
#define MBI_LOADER_NAME	(1u << 9)

#define COM1		0x3f8
#define DEBUG_EXIT	0xf4
#define FW_CFG_CTL	0x510
#define FW_CFG_DATA	0x511
#define FW_CFG_NB_CPUS	0x05		/* QEMU's docs/specs/fw_cfg.rst */

#define STACK_SIZE	8192
#define BSS_SIZE	(64 * 1024)	/* big enough that a module on top shows */

struct mb_info {			/* MB 3.3, the fields used here */
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
};

struct mb_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
};

struct mb_mmap {			/* "size" does not count itself */
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

/* MB 3.1.1: in the first 8192 bytes, 4-byte aligned; the linker script
 * puts .multiboot first. No a.out kludge: the loader reads the ELF. */
__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t mb_header[3] = {
	MB_MAGIC, MB_PAGE_ALIGN | MB_MEMORY_INFO,
	-(MB_MAGIC + (MB_PAGE_ALIGN | MB_MEMORY_INFO)),
};

/* Global: the entry code in asm below refers to it by name. */
uint8_t mb_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile uint8_t bss[BSS_SIZE];
static int failed;

void mb_main(uint32_t magic, struct mb_info *mbi, uint32_t eflags, uint32_t cr0);

/* MB 3.2: EAX holds the magic, EBX the information; no stack is promised. */
__asm__(".section .text.entry, \"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"	movl	$mb_stack + 8192, %esp\n"
	"	movl	%cr0, %ecx\n"
	"	pushl	%ecx\n"
	"	pushfl\n"
	"	pushl	%ebx\n"
	"	pushl	%eax\n"
	"	call	mb_main\n"
	"1:	cli\n"
	"	hlt\n"
	"	jmp	1b\n"
	".previous\n");

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))	/* transmitter holding register empty */
		;
	outb(COM1, c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void putdec(uint32_t v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i)
		putc(buf[--i]);
}

static void puthex(uint32_t v)
{
	puts("0x");
	for (int s = 28; s >= 0; s -= 4)
		putc("0123456789abcdef"[(v >> s) & 0xf]);
}

/* One checked fact: "MB name: " and what follows is printed by the caller. */
static void check(const char *name, int ok)
{
	puts("MB check ");
	puts(name);
	puts(ok ? ": ok\n" : ": FAILED\n");
	failed += !ok;
}

static void line_dec(const char *name, uint32_t v)
{
	puts("MB ");
	puts(name);
	puts(": ");
	putdec(v);
	putc('\n');
}

static void line_str(const char *name, const char *s, uint32_t max)
{
	puts("MB ");
	puts(name);
	puts(": ");
	for (uint32_t i = 0; i < max && s[i] && s[i] != '\n'; i++)
		putc(s[i]);
	putc('\n');
}

/* Is word a whole word of the command line? */
static int has_word(const char *p, const char *word)
{
	while (*p) {
		const char *w = word;

		while (*p == ' ')
			p++;
		while (*w && *p == *w) {
			p++;
			w++;
		}
		if (!*w && (!*p || *p == ' '))
			return 1;
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

static uint32_t fw_cfg_cpus(void)
{
	uint32_t n;

	outw(FW_CFG_CTL, FW_CFG_NB_CPUS);
	n = inb(FW_CFG_DATA);
	n |= (uint32_t)inb(FW_CFG_DATA) << 8;	/* little-endian, 2 bytes */
	return n;
}

void mb_main(uint32_t magic, struct mb_info *mbi, uint32_t eflags, uint32_t cr0)
{
	extern char __kernel_start[], __kernel_end[];
	uint32_t i, sum;

	puts("MB-BEGIN\n");
	check("magic", magic == MB_BOOT_MAGIC);
	/* MB 3.2: protected mode, paging off, interrupts off. */
	check("cr0-pe-no-pg", (cr0 & 0x80000001u) == 1);
	check("if-off", !(eflags & 0x200));
	if (magic != MB_BOOT_MAGIC)
		goto out;
	line_dec("flags-mem-cmdline-mods-mmap",
		 (mbi->flags & (MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP)) ==
		 (MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP));
	if (mbi->flags & MBI_MEM) {
		line_dec("mem_lower", mbi->mem_lower);
		line_dec("mem_upper", mbi->mem_upper);
	}
	if (mbi->flags & MBI_CMDLINE)
		line_str("cmdline", (const char *)(uintptr_t)mbi->cmdline, 256);
	if (mbi->flags & MBI_LOADER_NAME)
		check("loader-name", *(const char *)(uintptr_t)mbi->boot_loader_name != 0);
	if (mbi->flags & MBI_MMAP) {
		uint64_t ram = 0;
		uint32_t n = 0, off = 0;

		while (off + sizeof(struct mb_mmap) <= mbi->mmap_length) {
			struct mb_mmap *e = (struct mb_mmap *)(uintptr_t)(mbi->mmap_addr + off);

			if (e->type == 1)
				ram += e->len;
			n++;
			off += e->size + 4;
		}
		check("mmap-entries", n >= 2);
		line_dec("mmap-ram-kib", (uint32_t)(ram >> 10));
	}
	if (mbi->flags & MBI_MODS) {
		line_dec("mods_count", mbi->mods_count);
		for (i = 0; i < mbi->mods_count; i++) {
			struct mb_module *m = (struct mb_module *)(uintptr_t)mbi->mods_addr + i;
			const uint8_t *p = (const uint8_t *)(uintptr_t)m->mod_start;
			uint32_t j;

			/* Header flag 0 asked for page-aligned modules (MB 3.1.2). */
			check("module-page-aligned", !(m->mod_start & 0xfff));
			/* A module must not overlap the kernel, BSS included. */
			check("module-after-kernel", m->mod_start >= (uintptr_t)__kernel_end ||
						     m->mod_end <= (uintptr_t)__kernel_start);
			line_dec("module-bytes", m->mod_end - m->mod_start);
			for (sum = 0, j = 0; j < m->mod_end - m->mod_start; j++)
				sum = sum * 31 + p[j];
			puts("MB module-hash: ");
			puthex(sum);
			putc('\n');
			line_str("module-first-line", (const char *)p, m->mod_end - m->mod_start);
			if (m->string)
				line_str("module-string", (const char *)(uintptr_t)m->string, 64);
		}
	}
	/* MB 3.1.3: the loader zeroes the BSS (p_memsz past p_filesz). */
	for (sum = 0, i = 0; i < BSS_SIZE; i++)
		sum |= bss[i];
	check("bss-zero", sum == 0);
	line_dec("fw_cfg-cpus", fw_cfg_cpus());
out:
	line_dec("failed", failed);
	puts("MB-END\n");
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MBI_CMDLINE) &&
	    has_word((const char *)(uintptr_t)mbi->cmdline, "halt"))
		return;		/* to _start's CLI; HLT */
	outb(DEBUG_EXIT, failed ? 0x40 + failed : 0x21);
}
