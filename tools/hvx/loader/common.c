// SPDX-License-Identifier: GPL-2.0
/*
 * What the loaders share: the memory map, the PC-firmware leftovers below
 * 1 MiB (BIOS data area, GDT, ACPI tables), page tables, and the register
 * state of each CPU mode.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

_Static_assert(HVX_BOOT_INFO + PAGE <= HVX_BOOT_STACK_TOP - PAGE, "boot info and stack overlap");
_Static_assert(HVX_BOOT_PD + 4 * PAGE == HVX_BOOT_PT_END, "four page directories map 4 GiB");
_Static_assert(HVX_BOOT_PT_END <= HVX_BOOT_CMDLINE, "page tables and command line overlap");
_Static_assert(HVX_BOOT_CMDLINE + HVX_BOOT_CMDLINE_MAX <= HVX_EBDA, "command line reaches the EBDA");
_Static_assert(HVX_EBDA <= HVX_ACPI_BASE && HVX_ACPI_END <= HVX_HIGH_MEM, "ACPI tables outside the BIOS area");

int hvx_loader_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *hvx_size_str(char *buf, size_t len, uint64_t n)
{
	if (n >= MiB && n % MiB == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(n / MiB));
	else if (n >= MiB)
		snprintf(buf, len, "%.1f MiB", (double)n / MiB);
	else if (n >= KiB && n % KiB == 0)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n / KiB));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
	return buf;
}

int hvx_ram_check(const struct hvx_ram *ram, char *err, size_t errlen)
{
	char a[32], b[32];

	if (!ram->base)
		return hvx_loader_fail(err, errlen, "no guest memory");
	if (ram->size % PAGE)
		return hvx_loader_fail(err, errlen, "guest memory of %llu bytes is not a whole number of pages",
				       (unsigned long long)ram->size);
	if (ram->size < HVX_RAM_MIN)
		return hvx_loader_fail(err, errlen, "guest memory of %s is less than the %s needed",
				       hvx_size_str(a, sizeof(a), ram->size),
				       hvx_size_str(b, sizeof(b), HVX_RAM_MIN));
	if (ram->size > HVX_RAM_MAX)
		return hvx_loader_fail(err, errlen,
				       "guest memory of %s is more than %s: hvx run has no PCI hole to put above 4 GiB",
				       hvx_size_str(a, sizeof(a), ram->size),
				       hvx_size_str(b, sizeof(b), HVX_RAM_MAX));
	return 0;
}

int hvx_ncpus_check(unsigned int ncpus, char *err, size_t errlen)
{
	if (ncpus < 1 || ncpus > HVX_ACPI_MAX_CPUS)
		return hvx_loader_fail(err, errlen, "%u vCPUs: the ACPI tables describe 1 to %u",
				       ncpus, HVX_ACPI_MAX_CPUS);
	return 0;
}

void hvx_e820_table(const struct hvx_ram *ram, struct hvx_e820 map[HVX_E820_ENTRIES])
{
	map[0] = (struct hvx_e820){ 0, HVX_EBDA, HVX_E820_RAM };
	map[1] = (struct hvx_e820){ HVX_EBDA, HVX_HIGH_MEM - HVX_EBDA, HVX_E820_RESERVED };
	map[2] = (struct hvx_e820){ HVX_HIGH_MEM, ram->size - HVX_HIGH_MEM, HVX_E820_RAM };
}

/*
 * A code or data segment descriptor from the segment it describes (SDM
 * Vol. 3A, 3.4.5 "Segment Descriptors"), so that the GDT in guest memory
 * and the hidden parts loaded through KVM_SET_SREGS cannot disagree.
 */
static uint64_t descriptor(const struct kvm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffffULL) | (s->base & 0xffffffULL) << 16 |
	       (uint64_t)(s->type & 0xf) << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)(s->dpl & 3) << 45 | (uint64_t)s->present << 47 |
	       (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)s->avl << 52 |
	       (uint64_t)s->l << 53 | (uint64_t)s->db << 54 | (uint64_t)s->g << 55 |
	       (uint64_t)((s->base >> 24) & 0xff) << 56;
}

/* Code: execute/read, accessed (type 11); data: read/write, accessed (type 3). */
static struct kvm_segment flat_segment(uint16_t sel, uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = !code64, .s = 1, .l = code64, .g = 1,
	};
}

static void write_gdt(struct hvx_ram *ram)
{
	struct kvm_segment code32 = flat_segment(HVX_SEL_CODE32, 11, false);
	struct kvm_segment code64 = flat_segment(HVX_SEL_CODE64, 11, true);
	struct kvm_segment data = flat_segment(HVX_SEL_DATA, 3, false);

	hvx_put64(ram, HVX_BOOT_GDT, 0);
	hvx_put64(ram, HVX_BOOT_GDT + HVX_SEL_CODE32, descriptor(&code32));
	hvx_put64(ram, HVX_BOOT_GDT + HVX_SEL_CODE64, descriptor(&code64));
	hvx_put64(ram, HVX_BOOT_GDT + HVX_SEL_DATA, descriptor(&data));
}

int hvx_setup_low_memory(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg, uint64_t *rsdp,
			 char *err, size_t errlen)
{
	/*
	 * BIOS data area as PC firmware leaves it: the EBDA's segment at
	 * 0x40e and the KiB of base memory below it at 0x413. Linux's
	 * decompressor reads both to place its 5-level paging trampoline.
	 */
	memset(ram->base + HVX_BDA, 0, 0x100);
	hvx_put16(ram, HVX_BDA + 0x0e, HVX_EBDA >> 4);
	hvx_put16(ram, HVX_BDA + 0x13, HVX_EBDA / KiB);
	write_gdt(ram);
	memset(ram->base + HVX_EBDA, 0, HVX_HIGH_MEM - HVX_EBDA);
	return hvx_acpi_build(ram, cfg->ncpus, cfg->acpi_hw_reduced, rsdp, err, errlen);
}

int hvx_put_cmdline(struct hvx_ram *ram, const char *cmdline, uint64_t max,
		    char *err, size_t errlen)
{
	size_t n = cmdline ? strlen(cmdline) : 0;

	if (max > HVX_BOOT_CMDLINE_MAX - 1)
		max = HVX_BOOT_CMDLINE_MAX - 1;
	if (n > max)
		return hvx_loader_fail(err, errlen,
				       "command line of %zu characters is longer than the %llu allowed",
				       n, (unsigned long long)max);
	memcpy(ram->base + HVX_BOOT_CMDLINE, n ? cmdline : "", n);
	ram->base[HVX_BOOT_CMDLINE + n] = 0;
	return 0;
}

void hvx_write_page_tables(struct hvx_ram *ram)
{
	const uint64_t p = 1, rw = 2, ps = 0x80;	/* SDM Vol. 3A, 4.5 "4-Level Paging" */
	uint64_t i;

	memset(ram->base + HVX_BOOT_PML4, 0, HVX_BOOT_PT_END - HVX_BOOT_PML4);
	hvx_put64(ram, HVX_BOOT_PML4, HVX_BOOT_PDPT | p | rw);
	for (i = 0; i < 4; i++)
		hvx_put64(ram, HVX_BOOT_PDPT + 8 * i, (HVX_BOOT_PD + i * PAGE) | p | rw);
	for (i = 0; i < 4 * 512; i++)
		hvx_put64(ram, HVX_BOOT_PD + 8 * i, (i << 21) | p | rw | ps);
}

/* What every mode shares: no pending interrupt, the xAPIC on (MSR_IA32_APICBASE: base, EN, BSP). */
static void regs_common(struct hvx_boot *boot)
{
	memset(&boot->regs, 0, sizeof(boot->regs));
	memset(&boot->sregs, 0, sizeof(boot->sregs));
	boot->regs.rflags = 0x2;	/* bit 1 is reserved as 1; IF clear */
	boot->sregs.apic_base = HVX_LAPIC_ADDR | 0x800 | 0x100;
	/* KVM's reset LDTR and TR (SDM Vol. 3C, 10.1.1 "Processor State After Reset"). */
	boot->sregs.ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
	boot->sregs.tr = (struct kvm_segment){ .limit = 0xffff, .type = 11, .present = 1 };
}

void hvx_regs_real_mode(struct hvx_boot *boot, uint16_t ip)
{
	struct kvm_segment seg = { .limit = 0xffff, .type = 3, .present = 1, .s = 1 };
	struct kvm_sregs *s = &boot->sregs;

	regs_common(boot);
	s->ds = s->es = s->fs = s->gs = s->ss = seg;
	seg.type = 11;
	s->cs = seg;
	s->gdt.limit = s->idt.limit = 0xffff;
	s->cr0 = 0x60000010;	/* CD, NW, ET: the reset value */
	boot->regs.rip = ip;
}

/* The GDT at HVX_BOOT_GDT; no IDT: a fault before the guest loads its own is a triple fault. */
static void regs_flat(struct hvx_boot *boot, bool code64)
{
	struct kvm_sregs *s = &boot->sregs;

	regs_common(boot);
	s->cs = code64 ? flat_segment(HVX_SEL_CODE64, 11, true) : flat_segment(HVX_SEL_CODE32, 11, false);
	s->ds = s->es = s->fs = s->gs = s->ss = flat_segment(HVX_SEL_DATA, 3, false);
	s->gdt.base = HVX_BOOT_GDT;
	s->gdt.limit = 4 * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
}

/* CR0 bits (SDM Vol. 3A, 2.5 "Control Registers"), CR4.PAE, EFER.LME/LMA. */
#define CR0_PE	(1ULL << 0)
#define CR0_ET	(1ULL << 4)
#define CR0_NE	(1ULL << 5)
#define CR0_PG	(1ULL << 31)
#define CR4_PAE	(1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

void hvx_regs_protected_mode(struct hvx_boot *boot, uint32_t eip)
{
	regs_flat(boot, false);
	boot->sregs.cr0 = CR0_PE | CR0_ET | CR0_NE;
	boot->regs.rip = eip;
	boot->regs.rsp = HVX_BOOT_STACK_TOP;
}

void hvx_regs_long_mode(struct hvx_boot *boot, uint64_t rip)
{
	regs_flat(boot, true);
	boot->sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	boot->sregs.cr3 = HVX_BOOT_PML4;
	boot->sregs.cr4 = CR4_PAE;
	boot->sregs.efer = EFER_LME | EFER_LMA;
	boot->regs.rip = rip;
	boot->regs.rsp = HVX_BOOT_STACK_TOP;
}
