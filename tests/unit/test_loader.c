// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/hvx/loader/: the bzImage, multiboot and flat
 * loaders and the ACPI tables, on malloc'd guest RAM filled with 0xaa (so
 * that a loader relying on zeroed memory shows).
 *
 * Inputs: Debian's own kernel (/boot/vmlinuz-*, skipped with a note when
 * none is readable), synthetic bzImage headers and ELF32 multiboot kernels
 * built here, and broken variants of each. Expected values come from
 * boot.rst, the Multiboot Specification 0.6.96 and ACPI 6.5 (cited in the
 * loaders).
 *
 * HVX_LOADER_DUMP=DIR writes the ACPI tables of a 2-vCPU guest to
 * DIR/{rsdp,xsdt,rsdt,facp,facs,apic,dsdt}.dat (the hardware-reduced set in
 * DIR/hw-reduced/, which must exist) for `iasl -d` (acpica-tools); the test
 * itself never needs iasl.
 */
#include <elf.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/bootparam.h>

#include "loader/loader.h"
#include "unit.h"

#define MiB		(1ULL << 20)
#define POISON		0xaa

static char why[512];
static char err[256];

#define EXPECT(c) do {							\
	if (!(c)) {							\
		snprintf(why, sizeof(why), "line %d: %s", __LINE__, #c);	\
		return;							\
	}								\
} while (0)

#define EXPECT_EQ(got, want) do {					\
	unsigned long long g_ = (got), w_ = (want);			\
	if (g_ != w_) {							\
		snprintf(why, sizeof(why), "line %d: %s is %#llx, want %#llx", \
			 __LINE__, #got, g_, w_);			\
		return;							\
	}								\
} while (0)

/* The loader failed, and said so with `needle` in its reason. */
#define EXPECT_ERR(r, needle) do {					\
	if ((r) != -1 || !strstr(err, (needle))) {			\
		snprintf(why, sizeof(why), "line %d: returned %d, \"%s\"; want -1 and \"%s\"", \
			 __LINE__, (r), err, (needle));			\
		return;							\
	}								\
} while (0)

static void run(const char *name, void (*fn)(void))
{
	why[0] = '\0';
	err[0] = '\0';
	fn();
	if (why[0])
		fail(name, "%s", why);
	else
		ok(name);
}

/* ------------------------------------------------------------ helpers */

static struct hvx_ram ram;

static void ram_new(uint64_t size)
{
	free(ram.base);
	ram.base = malloc(size);
	ram.size = size;
	if (!ram.base) {
		perror("malloc");
		exit(2);
	}
	memset(ram.base, POISON, size);
}

static uint8_t *gpa(uint64_t a)
{
	return ram.base + a;
}

static uint16_t rd16(uint64_t a) { uint16_t v; memcpy(&v, gpa(a), 2); return v; }
static uint32_t rd32(uint64_t a) { uint32_t v; memcpy(&v, gpa(a), 4); return v; }
static uint64_t rd64(uint64_t a) { uint64_t v; memcpy(&v, gpa(a), 8); return v; }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* A 4-level walk with 2 MiB and 1 GiB pages (SDM Vol. 3A, 4.5); ~0 when not mapped. */
static uint64_t translate(uint64_t cr3, uint64_t va)
{
	const uint64_t addr = 0x000ffffffffff000ULL;
	uint64_t e = rd64((cr3 & addr) + ((va >> 39) & 511) * 8);

	if (!(e & 1))
		return ~0ULL;
	e = rd64((e & addr) + ((va >> 30) & 511) * 8);
	if (!(e & 1))
		return ~0ULL;
	if (e & 0x80)
		return (e & addr & ~((1ULL << 30) - 1)) | (va & ((1ULL << 30) - 1));
	e = rd64((e & addr) + ((va >> 21) & 511) * 8);
	if (!(e & 1) || !(e & 0x80))
		return ~0ULL;
	return (e & addr & ~((1ULL << 21) - 1)) | (va & ((1ULL << 21) - 1));
}

/* The GDT entry that sel names holds what KVM_SET_SREGS loads (SDM Vol. 3A, 3.4.5). */
static int gdt_matches(const struct kvm_sregs *s, const struct kvm_segment *seg)
{
	uint64_t d;
	uint32_t limit;

	if (seg->selector + 8 > s->gdt.limit + 1)
		return 0;
	d = rd64(s->gdt.base + seg->selector);
	limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
	if ((d >> 55) & 1)
		limit = limit << 12 | 0xfff;
	return limit == seg->limit &&
	       ((d >> 16) & 0xffffff) == (seg->base & 0xffffff) && (d >> 56) == (seg->base >> 24) &&
	       ((d >> 40) & 0xf) == seg->type && ((d >> 44) & 1) == seg->s &&
	       ((d >> 45) & 3) == seg->dpl && ((d >> 47) & 1) == seg->present &&
	       ((d >> 53) & 1) == seg->l && ((d >> 54) & 1) == seg->db && ((d >> 55) & 1) == seg->g;
}

static const char *find_kernel(void)
{
	static char path[4096];
	glob_t g;
	size_t i;
	FILE *f;

	if (path[0])
		return path;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g))
		return NULL;
	for (i = 0; i < g.gl_pathc && !path[0]; i++) {
		f = fopen(g.gl_pathv[i], "rb");
		if (f) {
			snprintf(path, sizeof(path), "%s", g.gl_pathv[i]);
			fclose(f);
		}
	}
	globfree(&g);
	return path[0] ? path : NULL;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

static uint8_t *initrd_pattern(size_t len)
{
	uint8_t *p = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	return p;
}

/* ------------------------------------------------------------ ACPI */

/* Table at a; its checksum and signature are right. */
static int table_ok(uint64_t a, const char *sig)
{
	uint32_t len = rd32(a + 4);

	return !memcmp(gpa(a), sig, 4) && len >= 36 && a + len <= HVX_ACPI_END && !sum(gpa(a), len);
}

/* Table signed sig in the XSDT, 0 if none. */
static uint64_t xsdt_find(uint64_t xsdt, const char *sig)
{
	uint32_t i, n = (rd32(xsdt + 4) - 36) / 8;

	for (i = 0; i < n; i++)
		if (!memcmp(gpa(rd64(xsdt + 36 + 8 * i)), sig, 4))
			return rd64(xsdt + 36 + 8 * i);
	return 0;
}

/* 20.2.4 "Package Length Encoding": the value, and *n its bytes. */
static uint32_t pkglen(const uint8_t *p, unsigned int *n)
{
	unsigned int i, follow = p[0] >> 6;
	uint32_t v = follow ? p[0] & 0xf : p[0] & 0x3f;

	for (i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*n = 1 + follow;
	return v;
}

/*
 * The DSDT's AML, walked as an interpreter would: Name(_S5_, Package)
 * then Scope(\_SB_) holding Device(COM1) with _HID, _UID, _CRS; every
 * PkgLength must end exactly where the enclosing object ends.
 */
static void check_dsdt_aml(uint64_t dsdt)
{
	const uint8_t *aml = gpa(dsdt + 36), *end = gpa(dsdt) + rd32(dsdt + 4);
	const uint8_t *p = aml, *scope_end, *dev_end, *buf_end;
	unsigned int n;
	uint32_t len;

	EXPECT(p[0] == 0x08 && !memcmp(p + 1, "_S5_", 4) && p[5] == 0x12);
	len = pkglen(p + 6, &n);
	EXPECT(p[6 + n] == 4);				/* NumElements */
	EXPECT(p[7 + n] == 0x0a && p[8 + n] == HVX_ACPI_SLP_TYP_S5);	/* SLP_TYPa */
	p += 6 + len;
	EXPECT(p[0] == 0x10);				/* ScopeOp */
	len = pkglen(p + 1, &n);
	scope_end = p + 1 + len;
	EXPECT(scope_end == end);
	EXPECT(!memcmp(p + 1 + n, "\\_SB_", 5));
	p += 1 + n + 5;
	EXPECT(p[0] == 0x5b && p[1] == 0x82);		/* DeviceOp */
	len = pkglen(p + 2, &n);
	dev_end = p + 2 + len;
	EXPECT(dev_end == scope_end);
	EXPECT(!memcmp(p + 2 + n, "COM1", 4));
	p += 2 + n + 4;
	EXPECT(p[0] == 0x08 && !memcmp(p + 1, "_HID", 4) && p[5] == 0x0c);
	EXPECT(rd32(p + 6 - ram.base) == 0x0105d041);	/* EisaId ("PNP0501") */
	p += 10;
	EXPECT(p[0] == 0x08 && !memcmp(p + 1, "_UID", 4) && p[5] == 0x01);
	p += 6;
	EXPECT(p[0] == 0x08 && !memcmp(p + 1, "_CRS", 4) && p[5] == 0x11);
	len = pkglen(p + 6, &n);
	buf_end = p + 6 + len;
	EXPECT(buf_end == dev_end);
	p += 6 + n;
	EXPECT(p[0] == 0x0a && p + 2 + p[1] == buf_end);	/* BufferSize */
	p += 2;
	/* Resource template (6.4.2 "Small Resource Data Type"): I/O, IRQ, End Tag */
	EXPECT(p[0] == 0x47 && p[1] == 1);
	EXPECT(rd16(p + 2 - ram.base) == HVX_COM1_PORT && rd16(p + 4 - ram.base) == HVX_COM1_PORT);
	EXPECT(p[7] == 8);
	p += 8;
	EXPECT(p[0] == 0x22 && rd16(p + 1 - ram.base) == 1 << HVX_COM1_IRQ);
	p += 3;
	EXPECT(p[0] == 0x79 && p + 2 == buf_end);
}

/* The tables for ncpus vCPUs, with the PC FADT or the hardware-reduced one. */
static void check_acpi(unsigned int ncpus, bool hw_reduced)
{
	uint64_t rsdp = HVX_ACPI_BASE, xsdt, rsdt, fadt, madt, dsdt, facs, e;
	unsigned int i;

	EXPECT(!memcmp(gpa(rsdp), "RSD PTR ", 8));
	EXPECT_EQ(rsdp % 16, 0);
	EXPECT_EQ(sum(gpa(rsdp), 20), 0);
	EXPECT_EQ(sum(gpa(rsdp), 36), 0);
	EXPECT_EQ(gpa(rsdp)[15], 2);			/* revision */
	EXPECT_EQ(rd32(rsdp + 20), 36);			/* length */
	xsdt = rd64(rsdp + 24);
	rsdt = rd32(rsdp + 16);
	EXPECT(table_ok(xsdt, "XSDT"));
	EXPECT(table_ok(rsdt, "RSDT"));
	EXPECT_EQ(rd32(xsdt + 4), 36 + 2 * 8);
	EXPECT_EQ(rd32(rsdt + 4), 36 + 2 * 4);
	fadt = xsdt_find(xsdt, "FACP");
	madt = xsdt_find(xsdt, "APIC");
	EXPECT(fadt && madt);
	EXPECT_EQ(rd32(rsdt + 36), fadt);
	EXPECT_EQ(rd32(rsdt + 40), madt);

	/* FADT (5.2.9) */
	EXPECT(table_ok(fadt, "FACP"));
	EXPECT_EQ(rd32(fadt + 4), 276);
	EXPECT_EQ(gpa(fadt)[8], 6);
	EXPECT(!memcmp(gpa(fadt + 16), gpa(xsdt + 16), 8));	/* OEM table ids match */
	dsdt = rd64(fadt + 140);
	EXPECT_EQ(rd32(fadt + 40), dsdt);
	EXPECT(rd32(fadt + 112) & (1 << 10));		/* RESET_REG_SUP */
	EXPECT_EQ(rd16(fadt + 109), 0x7);		/* ISA devices, 8042, no VGA; an RTC */
	EXPECT_EQ(rd32(fadt + 48), 0);			/* no SMI_CMD: always in ACPI mode */
	/* RESET_REG: System I/O, 8 bits, byte access */
	EXPECT_EQ(rd32(fadt + 116), 0x01000801);
	EXPECT_EQ(rd64(fadt + 120), HVX_ACPI_RESET_PORT);
	EXPECT_EQ(gpa(fadt)[128], HVX_ACPI_RESET_VALUE);
	if (hw_reduced) {
		EXPECT(rd32(fadt + 112) & (1 << 20));	/* HW_REDUCED_ACPI */
		EXPECT_EQ(rd32(fadt + 36), 0);		/* no FACS */
		EXPECT_EQ(rd32(fadt + 56), 0);		/* no PM1a_EVT_BLK */
		EXPECT_EQ(rd32(fadt + 64), 0);		/* no PM1a_CNT_BLK */
		EXPECT_EQ(rd32(fadt + 244), 0x01000801);	/* SLEEP_CONTROL_REG */
		EXPECT_EQ(rd64(fadt + 248), HVX_ACPI_SLEEP_CONTROL_PORT);
		EXPECT_EQ(rd32(fadt + 256), 0x01000801);	/* SLEEP_STATUS_REG */
		EXPECT_EQ(rd64(fadt + 260), HVX_ACPI_SLEEP_STATUS_PORT);
		EXPECT_EQ(HVX_ACPI_S5_VALUE, 0x34);
	} else {
		EXPECT_EQ(rd32(fadt + 112) & (1 << 20), 0);
		facs = rd32(fadt + 36);
		EXPECT(facs && facs % 64 == 0 && facs + 64 <= HVX_ACPI_END);
		EXPECT(!memcmp(gpa(facs), "FACS", 4) && rd32(facs + 4) == 64);
		EXPECT_EQ(rd64(fadt + 132), 0);		/* X_FIRMWARE_CTRL: FIRMWARE_CTRL says it */
		EXPECT_EQ(rd16(fadt + 46), HVX_ACPI_SCI_IRQ);
		EXPECT_EQ(rd32(fadt + 56), HVX_ACPI_PM1_EVT_PORT);
		EXPECT_EQ(gpa(fadt)[88], 4);		/* PM1_EVT_LEN */
		EXPECT_EQ(rd32(fadt + 64), HVX_ACPI_PM1_CNT_PORT);
		EXPECT_EQ(gpa(fadt)[89], 2);		/* PM1_CNT_LEN */
		EXPECT_EQ(gpa(fadt)[91], 0);		/* no PM timer */
		EXPECT_EQ(rd32(fadt + 148), 0x02002001);	/* X_PM1a_EVT_BLK: I/O, 32 bits, word */
		EXPECT_EQ(rd64(fadt + 152), HVX_ACPI_PM1_EVT_PORT);
		EXPECT_EQ(rd32(fadt + 172), 0x02001001);	/* X_PM1a_CNT_BLK: I/O, 16 bits, word */
		EXPECT_EQ(rd64(fadt + 176), HVX_ACPI_PM1_CNT_PORT);
		EXPECT_EQ(rd32(fadt + 244), 0);		/* no SLEEP_CONTROL_REG */
		EXPECT_EQ((HVX_ACPI_SLP_TYP_S5 << HVX_ACPI_PM1_SLP_TYP_SHIFT) | HVX_ACPI_PM1_SLP_EN, 0x3400);
	}

	EXPECT(table_ok(dsdt, "DSDT"));
	check_dsdt_aml(dsdt);
	if (why[0])
		return;

	/* MADT (5.2.12) */
	EXPECT(table_ok(madt, "APIC"));
	EXPECT_EQ(rd32(madt + 36), 0xfee00000);
	EXPECT_EQ(rd32(madt + 40), 1);			/* PCAT_COMPAT */
	EXPECT_EQ(rd32(madt + 4), 44 + 8 * ncpus + 12 + (hw_reduced ? 0 : 10));
	e = madt + 44;
	for (i = 0; i < ncpus; i++, e += 8) {
		EXPECT_EQ(gpa(e)[0], 0);
		EXPECT_EQ(gpa(e)[1], 8);
		EXPECT_EQ(gpa(e)[2], i);		/* ACPI processor UID */
		EXPECT_EQ(gpa(e)[3], i);		/* APIC id */
		EXPECT_EQ(rd32(e + 4), 1);		/* enabled */
	}
	EXPECT_EQ(gpa(e)[0], 1);
	EXPECT_EQ(gpa(e)[1], 12);
	EXPECT_EQ(gpa(e)[2], ncpus);			/* IOAPIC id */
	EXPECT_EQ(rd32(e + 4), 0xfec00000);
	EXPECT_EQ(rd32(e + 8), 0);			/* GSI base */
	if (hw_reduced)
		return;
	e += 12;
	EXPECT_EQ(gpa(e)[0], 2);			/* Interrupt Source Override */
	EXPECT_EQ(gpa(e)[1], 10);
	EXPECT_EQ(gpa(e)[2], 0);			/* ISA */
	EXPECT_EQ(gpa(e)[3], 9);			/* the SCI */
	EXPECT_EQ(rd32(e + 4), 9);
	EXPECT_EQ(rd16(e + 8), 0xd);			/* level, active high */
}

static void dump_acpi(const char *dir)
{
	static const char *const names[] = { "FACP", "APIC" };
	uint64_t facs;
	uint64_t xsdt = rd64(HVX_ACPI_BASE + 24), t;
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < 5; i++) {
		const char *file = i == 0 ? "rsdp" : i == 1 ? "xsdt" : i == 2 ? "rsdt" :
				   i == 3 ? "facp" : "apic";

		t = i == 0 ? HVX_ACPI_BASE : i == 1 ? xsdt : i == 2 ? rd32(HVX_ACPI_BASE + 16) :
		    xsdt_find(xsdt, names[i - 3]);
		snprintf(path, sizeof(path), "%s/%s.dat", dir, file);
		f = fopen(path, "wb");
		if (f) {
			fwrite(gpa(t), 1, i == 0 ? 36 : rd32(t + 4), f);
			fclose(f);
		}
	}
	facs = rd32(xsdt_find(xsdt, "FACP") + 36);
	snprintf(path, sizeof(path), "%s/facs.dat", dir);
	f = facs ? fopen(path, "wb") : NULL;
	if (f) {
		fwrite(gpa(facs), 1, 64, f);
		fclose(f);
	}
	t = rd64(xsdt_find(xsdt, "FACP") + 140);
	snprintf(path, sizeof(path), "%s/dsdt.dat", dir);
	f = fopen(path, "wb");
	if (f) {
		fwrite(gpa(t), 1, rd32(t + 4), f);
		fclose(f);
	}
}

static void test_acpi_1cpu(void)
{
	uint64_t rsdp;

	ram_new(2 * MiB);
	EXPECT(!hvx_acpi_build(&ram, 1, false, &rsdp, err, sizeof(err)));
	EXPECT_EQ(rsdp, HVX_ACPI_BASE);
	check_acpi(1, false);
}

static void test_acpi_max_cpus(void)
{
	uint64_t rsdp;

	ram_new(2 * MiB);
	EXPECT(!hvx_acpi_build(&ram, HVX_ACPI_MAX_CPUS, false, &rsdp, err, sizeof(err)));
	check_acpi(HVX_ACPI_MAX_CPUS, false);
}

static void test_acpi_hw_reduced(void)
{
	uint64_t rsdp;

	ram_new(2 * MiB);
	EXPECT(!hvx_acpi_build(&ram, 2, true, &rsdp, err, sizeof(err)));
	check_acpi(2, true);
}

static void test_acpi_bad_cpus(void)
{
	uint64_t rsdp;

	ram_new(2 * MiB);
	EXPECT_ERR(hvx_acpi_build(&ram, 0, false, &rsdp, err, sizeof(err)), "vCPUs");
	EXPECT_ERR(hvx_acpi_build(&ram, HVX_ACPI_MAX_CPUS + 1, false, &rsdp, err, sizeof(err)), "vCPUs");
}

/* ------------------------------------------------------------ bzImage */

#define CR0_PE		(1ULL << 0)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

static void check_e820(const struct boot_e820_entry *e, unsigned int n)
{
	EXPECT_EQ(n, 3);
	EXPECT(e[0].addr == 0 && e[0].size == 0x9fc00 && e[0].type == 1);
	EXPECT(e[1].addr == 0x9fc00 && e[1].size == 0x100000 - 0x9fc00 && e[1].type == 2);
	EXPECT(e[2].addr == 0x100000 && e[2].size == ram.size - 0x100000 && e[2].type == 1);
	/* The ACPI tables lie in the reserved range. */
	EXPECT(HVX_ACPI_BASE >= e[1].addr && HVX_ACPI_END <= e[1].addr + e[1].size);
}

/* The CPU state of the 64-bit boot protocol, and the memory it relies on. */
static void check_long_mode(const struct hvx_boot *b)
{
	const struct kvm_sregs *s = &b->sregs;
	const struct kvm_segment *data[] = { &s->ds, &s->es, &s->ss };
	uint64_t va[] = { 0, 0x7000, 0x100200, 0x1000000, 0xbffff000, 0xfee00000, 0xffffffff };
	unsigned int i;

	EXPECT_EQ(b->regs.rip, 0x100200);
	EXPECT_EQ(b->regs.rsi, HVX_BOOT_INFO);
	EXPECT_EQ(b->regs.rflags, 0x2);			/* IF clear */
	EXPECT((s->cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG));
	EXPECT(s->cr4 & CR4_PAE);
	EXPECT_EQ(s->efer, EFER_LME | EFER_LMA);
	EXPECT_EQ(s->cr3, HVX_BOOT_PML4);
	EXPECT_EQ(s->apic_base, 0xfee00900);
	EXPECT_EQ(s->cs.selector, 0x10);
	EXPECT(s->cs.l && !s->cs.db && s->cs.present && s->cs.s && s->cs.type == 11);
	EXPECT(gdt_matches(s, &s->cs));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(data[i]->selector, 0x18);
		EXPECT(data[i]->present && data[i]->s && data[i]->type == 3 && data[i]->db && data[i]->g);
		EXPECT_EQ(data[i]->limit, 0xffffffff);
		EXPECT(gdt_matches(s, data[i]));
	}
	EXPECT(s->tr.present && s->tr.type == 11 && !s->tr.s);
	for (i = 0; i < sizeof(va) / sizeof(va[0]); i++)
		EXPECT_EQ(translate(s->cr3, va[i]), va[i]);
	EXPECT_EQ(translate(s->cr3, 0x100000000ULL), ~0ULL);
}

static void test_bzimage_debian(void)
{
	const char *path = find_kernel();
	const char *cmdline = "console=ttyS0 earlyprintk=serial panic=-1 rdinit=/init";
	size_t len = 0, initrd_len = 3 * MiB + 5;
	uint8_t *img, *initrd;
	struct hvx_boot boot;
	struct boot_params *bp;
	unsigned int setup;
	uint64_t top, rd;

	if (!path) {
		printf("# no readable /boot/vmlinuz-*: the Debian kernel case is skipped\n");
		return;
	}
	img = slurp(path, &len);
	EXPECT(img);
	initrd = initrd_pattern(initrd_len);
	ram_new(256 * MiB);
	struct hvx_boot_cfg cfg = {
		.kernel = img, .kernel_len = len, .initrd = initrd, .initrd_len = initrd_len,
		.cmdline = cmdline, .ncpus = 2,
	};
	EXPECT_EQ(hvx_image_detect(img, len), HVX_IMAGE_BZIMAGE);
	if (hvx_load_image(&ram, &cfg, &boot, err, sizeof(err))) {
		snprintf(why, sizeof(why), "load failed: %s", err);
		goto out;
	}
	EXPECT(!strcmp(boot.kind, "bzImage"));
	bp = (struct boot_params *)gpa(HVX_BOOT_INFO);
	setup = ((img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;
	/* The file's header, with the loader's fields written. */
	EXPECT(!memcmp(&bp->hdr.header, "HdrS", 4));
	EXPECT_EQ(bp->hdr.version, *(uint16_t *)(img + 0x206));
	EXPECT_EQ(bp->hdr.init_size, *(uint32_t *)(img + 0x260));
	EXPECT_EQ(bp->hdr.pref_address, *(uint64_t *)(img + 0x258));
	EXPECT_EQ(bp->hdr.xloadflags, *(uint16_t *)(img + 0x236));
	EXPECT(bp->hdr.xloadflags & XLF_KERNEL_64);
	EXPECT_EQ(bp->hdr.type_of_loader, 0xff);
	EXPECT_EQ(bp->hdr.cmd_line_ptr, HVX_BOOT_CMDLINE);
	EXPECT(!strcmp((char *)gpa(HVX_BOOT_CMDLINE), cmdline));
	EXPECT_EQ(bp->acpi_rsdp_addr, HVX_ACPI_BASE);
	/* initrd at the top of RAM, page-aligned, below initrd_addr_max */
	top = ram.size < (uint64_t)bp->hdr.initrd_addr_max + 1 ? ram.size : (uint64_t)bp->hdr.initrd_addr_max + 1;
	rd = bp->hdr.ramdisk_image;
	EXPECT_EQ(rd, (top - initrd_len) & ~4095ULL);
	EXPECT_EQ(bp->hdr.ramdisk_size, initrd_len);
	EXPECT(!memcmp(gpa(rd), initrd, initrd_len));
	EXPECT(rd >= bp->hdr.pref_address + bp->hdr.init_size);
	/* the protected-mode kernel at 1 MiB */
	EXPECT(!memcmp(gpa(0x100000), img + setup, len - setup));
	check_e820(bp->e820_table, bp->e820_entries);
	if (why[0])
		goto out;
	check_long_mode(&boot);
	if (why[0])
		goto out;
	EXPECT_EQ(rd16(0x40e), 0x9fc0);			/* EBDA segment */
	EXPECT_EQ(rd16(0x413), 639);			/* base memory KiB */
	check_acpi(2, false);
out:
	free(img);
	free(initrd);
}

/* Debian's kernel in less memory than its init_size needs from 16 MiB. */
static void test_bzimage_debian_small_ram(void)
{
	const char *path = find_kernel();
	struct hvx_boot boot;
	size_t len = 0;
	uint8_t *img;

	if (!path)
		return;
	img = slurp(path, &len);
	EXPECT(img);
	ram_new(64 * MiB);
	struct hvx_boot_cfg cfg = { .kernel = img, .kernel_len = len, .ncpus = 1 };
	int r = hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err));
	free(img);
	EXPECT_ERR(r, "(init_size), more than 64 MiB of guest memory");
}

static void test_bzimage_debian_truncated(void)
{
	const char *path = find_kernel();
	struct hvx_boot boot;
	size_t len = 0;
	uint8_t *img;
	char want[64];

	if (!path)
		return;
	img = slurp(path, &len);
	EXPECT(img);
	ram_new(256 * MiB);
	snprintf(want, sizeof(want), "truncated setup header (1024 of %u bytes)",
		 ((img[0x1f1] ? img[0x1f1] : 4) + 1) * 512);
	struct hvx_boot_cfg cfg = { .kernel = img, .kernel_len = 1024, .ncpus = 1 };
	int r = hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err));
	EXPECT_ERR(r, want);
	cfg.kernel_len = len - 4096;		/* the protected-mode part cut short */
	r = hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err));
	free(img);
	EXPECT_ERR(r, "truncated kernel");
}

/*
 * A synthetic bzImage: 4 setup sectors (setup_sects 0, meaning 4), a
 * 64 KiB protected-mode part, protocol 2.15, relocatable, 2 MiB aligned,
 * pref_address 16 MiB, init_size 8 MiB: it needs 24 MiB of RAM.
 */
#define SYN_SETUP	(5 * 512)
#define SYN_KERNEL	(64 * 1024)
static uint8_t syn[SYN_SETUP + SYN_KERNEL];

static struct setup_header *syn_build(void)
{
	struct setup_header *h = (struct setup_header *)(syn + 0x1f1);
	size_t i;

	memset(syn, 0, sizeof(syn));
	for (i = SYN_SETUP; i < sizeof(syn); i++)
		syn[i] = (uint8_t)(i ^ 0x5a);
	h->setup_sects = 0;
	h->boot_flag = 0xaa55;
	h->jump = 0x66eb;			/* header ends at 0x202 + 0x66 = 0x268 */
	memcpy(&h->header, "HdrS", 4);
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 255;
	h->syssize = SYN_KERNEL / 16;
	h->pref_address = 0x1000000;
	h->init_size = 0x800000;
	return h;
}

static int syn_load(size_t len, size_t initrd_len, const char *cmdline, struct hvx_boot *boot)
{
	uint8_t *initrd = initrd_len ? initrd_pattern(initrd_len) : NULL;
	struct hvx_boot_cfg cfg = {
		.kernel = syn, .kernel_len = len, .initrd = initrd, .initrd_len = initrd_len,
		.cmdline = cmdline, .ncpus = 1,
	};
	int r = hvx_load_bzimage(&ram, &cfg, boot, err, sizeof(err));

	free(initrd);
	return r;
}

static void test_bzimage_synthetic(void)
{
	struct boot_params *bp;
	struct hvx_boot boot;

	syn_build();
	ram_new(32 * MiB);
	EXPECT(!syn_load(sizeof(syn), 1 * MiB, "root=/dev/ram0", &boot));
	bp = (struct boot_params *)gpa(HVX_BOOT_INFO);
	EXPECT(!memcmp(gpa(0x100000), syn + SYN_SETUP, SYN_KERNEL));
	EXPECT_EQ(bp->hdr.setup_sects, 0);
	EXPECT_EQ(bp->hdr.jump, 0x66eb);
	EXPECT_EQ(bp->hdr.init_size, 0x800000);
	EXPECT_EQ(bp->hdr.ramdisk_image, 31 * MiB);
	EXPECT_EQ(bp->hdr.ramdisk_size, 1 * MiB);
	/* past the header's end (0x268) boot_params stays zero */
	EXPECT_EQ(*(uint32_t *)((uint8_t *)bp + 0x268), 0);
	check_e820(bp->e820_table, bp->e820_entries);
	if (why[0])
		return;
	check_long_mode(&boot);
	if (why[0])
		return;
	check_acpi(1, false);
}

static void test_bzimage_hw_reduced(void)
{
	struct hvx_boot_cfg cfg = { .kernel = syn, .kernel_len = sizeof(syn), .ncpus = 3,
				    .acpi_hw_reduced = true };
	struct hvx_boot boot;

	syn_build();
	ram_new(32 * MiB);
	EXPECT(!hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err)));
	check_acpi(3, true);
}

static void test_bzimage_initrd_addr_max(void)
{
	struct boot_params *bp;
	struct hvx_boot boot;

	syn_build()->initrd_addr_max = 28 * MiB - 1;	/* highest byte: 28 MiB - 1 */
	ram_new(32 * MiB);
	EXPECT(!syn_load(sizeof(syn), 1 * MiB + 100, NULL, &boot));
	bp = (struct boot_params *)gpa(HVX_BOOT_INFO);
	EXPECT_EQ(bp->hdr.ramdisk_image, 27 * MiB - 4096);	/* page below 28 MiB - (1 MiB + 100) */
	EXPECT_EQ(*(char *)gpa(HVX_BOOT_CMDLINE), 0);	/* no command line: "" */
}

static void test_bzimage_no_initrd(void)
{
	struct boot_params *bp;
	struct hvx_boot boot;

	syn_build();
	ram_new(24 * MiB);				/* exactly pref_address + init_size */
	EXPECT(!syn_load(sizeof(syn), 0, "", &boot));
	bp = (struct boot_params *)gpa(HVX_BOOT_INFO);
	EXPECT_EQ(bp->hdr.ramdisk_image, 0);
	EXPECT_EQ(bp->hdr.ramdisk_size, 0);
}

static void test_bzimage_bad_magic(void)
{
	struct hvx_boot boot;

	memcpy(&syn_build()->header, "HdrZ", 4);
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot), "not a bzImage: no HdrS magic");
	EXPECT_EQ(hvx_image_detect(syn, sizeof(syn)), HVX_IMAGE_FLAT);
}

static void test_bzimage_tiny(void)
{
	struct hvx_boot boot;

	syn_build();
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(0x100, 0, NULL, &boot), "too few for a setup header");
	EXPECT_ERR(syn_load(SYN_SETUP - 1, 0, NULL, &boot), "truncated setup header (2559 of 2560 bytes)");
	EXPECT_ERR(syn_load(SYN_SETUP, 0, NULL, &boot), "truncated kernel");
}

static void test_bzimage_old_protocol(void)
{
	struct hvx_boot boot;

	syn_build()->version = 0x020b;
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot), "boot protocol 2.11 is older than 2.12");
}

static void test_bzimage_no_kernel64(void)
{
	struct hvx_boot boot;

	syn_build()->xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot), "lacks XLF_KERNEL_64");
}

static void test_bzimage_zimage(void)
{
	struct hvx_boot boot;

	syn_build()->loadflags = 0;
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot), "zImage");
}

static void test_bzimage_kernel_too_large(void)
{
	struct hvx_boot boot;

	syn_build()->init_size = 0x2000000;		/* 16 MiB + 32 MiB > 32 MiB */
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot),
		   "kernel needs 32 MiB from 16 MiB to boot (init_size), more than 32 MiB of guest memory");
	/* a file bigger than RAM above 1 MiB */
	syn_build();
	ram_new(2 * MiB);
	((struct setup_header *)(syn + 0x1f1))->init_size = 0x100000;
	((struct setup_header *)(syn + 0x1f1))->pref_address = 0x100000;
	{
		size_t big = SYN_SETUP + 2 * MiB;
		uint8_t *img = calloc(1, big);
		struct hvx_boot_cfg cfg = { .kernel = img, .kernel_len = big, .ncpus = 1 };
		int r;

		memcpy(img, syn, SYN_SETUP);
		((struct setup_header *)(img + 0x1f1))->syssize = 2 * MiB / 16;
		r = hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err));
		free(img);
		EXPECT_ERR(r, "kernel of 2 MiB does not fit at 1 MiB in 2 MiB of guest memory");
	}
}

static void test_bzimage_bad_alignment(void)
{
	struct hvx_boot boot;

	syn_build()->kernel_alignment = 0x300000;
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 0, NULL, &boot), "not a power of two");
}

static void test_bzimage_initrd_too_large(void)
{
	struct hvx_boot boot;

	syn_build();
	ram_new(32 * MiB);
	EXPECT_ERR(syn_load(sizeof(syn), 8 * MiB + 1, NULL, &boot),
		   "initrd of 8.0 MiB does not fit below 32 MiB of guest memory (the kernel uses up to 24 MiB)");
	EXPECT_ERR(syn_load(sizeof(syn), 80 * MiB, NULL, &boot), "initrd of 80 MiB does not fit");
	EXPECT(!syn_load(sizeof(syn), 8 * MiB, NULL, &boot));	/* exactly fits */
}

static void test_bzimage_cmdline_too_long(void)
{
	char line[300];
	struct hvx_boot boot;

	syn_build();
	ram_new(32 * MiB);
	memset(line, 'x', sizeof(line));
	line[256] = 0;
	EXPECT_ERR(syn_load(sizeof(syn), 0, line, &boot),
		   "command line of 256 characters is longer than the 255 allowed");
	line[255] = 0;
	EXPECT(!syn_load(sizeof(syn), 0, line, &boot));
	EXPECT(!strcmp((char *)gpa(HVX_BOOT_CMDLINE), line));
}

static void test_bzimage_ram_limits(void)
{
	uint8_t small[64];
	struct hvx_ram big = { small, 3 * 1024 * MiB + 4096 };
	struct hvx_ram odd = { small, 2 * MiB + 1 };
	struct hvx_boot_cfg cfg = { .kernel = syn, .kernel_len = sizeof(syn), .ncpus = 1 };
	struct hvx_boot boot;

	syn_build();
	/* refused before anything is written: the buffer is only 64 bytes */
	EXPECT_ERR(hvx_load_bzimage(&big, &cfg, &boot, err, sizeof(err)), "is more than 3072 MiB");
	EXPECT_ERR(hvx_load_multiboot(&big, &cfg, &boot, err, sizeof(err)), "is more than 3072 MiB");
	EXPECT_ERR(hvx_load_bzimage(&odd, &cfg, &boot, err, sizeof(err)), "not a whole number of pages");
	ram_new(32 * MiB);
	cfg.ncpus = 0;
	EXPECT_ERR(hvx_load_bzimage(&ram, &cfg, &boot, err, sizeof(err)), "0 vCPUs");
}

/* ------------------------------------------------------------ multiboot */

/*
 * An ELF32 multiboot kernel: header, two program headers, the multiboot
 * header at 0x80, a text segment (file 0x1000, 4 KiB + 8 KiB BSS) linked
 * at virtual 0xc0100000 and loaded at physical 1 MiB, and a data segment
 * at 2 MiB. The entry is virtual: the loader must move it to 1 MiB + 0x10.
 */
#define MB_FILE		0x2010
static uint8_t mbk[MB_FILE];

static Elf32_Ehdr *mb_build(uint32_t mb_flags)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)mbk;
	Elf32_Phdr *ph = (Elf32_Phdr *)(mbk + sizeof(*eh));
	uint32_t *mh = (uint32_t *)(mbk + 0x80);
	size_t i;

	memset(mbk, 0, sizeof(mbk));
	for (i = 0x1000; i < sizeof(mbk); i++)
		mbk[i] = (uint8_t)(i * 13);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xc0100010;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = 0xc0100000,
			      .p_paddr = 0x100000, .p_filesz = 0x1000, .p_memsz = 0x3000,
			      .p_flags = PF_R | PF_X, .p_align = 0x1000 };
	ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x2000, .p_vaddr = 0x200000,
			      .p_paddr = 0x200000, .p_filesz = 0x10, .p_memsz = 0x10,
			      .p_flags = PF_R | PF_W, .p_align = 0x1000 };
	mh[0] = HVX_MULTIBOOT_MAGIC;
	mh[1] = mb_flags;
	mh[2] = -(HVX_MULTIBOOT_MAGIC + mb_flags);
	return eh;
}

static int mb_load(const void *img, size_t len, size_t initrd_len, const char *cmdline,
		   struct hvx_boot *boot)
{
	uint8_t *initrd = initrd_len ? initrd_pattern(initrd_len) : NULL;
	struct hvx_boot_cfg cfg = {
		.kernel = img, .kernel_len = len, .initrd = initrd, .initrd_len = initrd_len,
		.cmdline = cmdline, .ncpus = 2,
	};
	int r = hvx_load_image(&ram, &cfg, boot, err, sizeof(err));

	free(initrd);
	return r;
}

static void check_protected_mode(const struct hvx_boot *b, uint32_t entry)
{
	const struct kvm_sregs *s = &b->sregs;
	const struct kvm_segment *data[] = { &s->ds, &s->es, &s->fs, &s->gs, &s->ss };
	unsigned int i;

	EXPECT_EQ(b->regs.rax, 0x2BADB002);
	EXPECT_EQ(b->regs.rbx, HVX_BOOT_INFO);
	EXPECT_EQ(b->regs.rip, entry);
	EXPECT_EQ(b->regs.rflags, 0x2);
	EXPECT(s->cr0 & CR0_PE);
	EXPECT(!(s->cr0 & CR0_PG));
	EXPECT_EQ(s->efer, 0);
	EXPECT(s->cs.db && !s->cs.l && s->cs.g && s->cs.limit == 0xffffffff && s->cs.base == 0);
	EXPECT(s->cs.type == 11 && s->cs.present && s->cs.s);
	EXPECT(gdt_matches(s, &s->cs));
	for (i = 0; i < 5; i++) {
		EXPECT(data[i]->db && data[i]->g && data[i]->limit == 0xffffffff && data[i]->base == 0);
		EXPECT(data[i]->type == 3 && data[i]->present && data[i]->s);
		EXPECT(gdt_matches(s, data[i]));
	}
}

static void test_multiboot_elf(void)
{
	const char *cmdline = "kernel.elf verbose";
	size_t initrd_len = 5000;
	struct hvx_boot boot;
	uint8_t *want = initrd_pattern(initrd_len);
	uint64_t mbi = HVX_BOOT_INFO, mods, mmap;
	unsigned int i;

	mb_build(0x3);				/* page-align modules, memory info */
	ram_new(32 * MiB);
	EXPECT_EQ(hvx_image_detect(mbk, sizeof(mbk)), HVX_IMAGE_MULTIBOOT);
	if (mb_load(mbk, sizeof(mbk), initrd_len, cmdline, &boot)) {
		snprintf(why, sizeof(why), "load failed: %s", err);
		free(want);
		return;
	}
	EXPECT(!strcmp(boot.kind, "multiboot"));
	check_protected_mode(&boot, 0x100010);
	if (why[0])
		goto out;
	EXPECT(!memcmp(gpa(0x100000), mbk + 0x1000, 0x1000));
	for (i = 0x1000; i < 0x3000; i++)
		EXPECT_EQ(*gpa(0x100000 + i), 0);		/* BSS zeroed */
	EXPECT(!memcmp(gpa(0x200000), mbk + 0x2000, 0x10));
	EXPECT_EQ(*gpa(0x200010), POISON);		/* nothing past the segment */
	/* MB 3.3 */
	EXPECT_EQ(rd32(mbi), (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
	EXPECT_EQ(rd32(mbi + 4), 639);
	EXPECT_EQ(rd32(mbi + 8), (ram.size - MiB) / 1024);
	EXPECT_EQ(rd32(mbi + 12), 0);			/* no boot device */
	EXPECT(!strcmp((char *)gpa(rd32(mbi + 16)), cmdline));
	EXPECT(!strcmp((char *)gpa(rd32(mbi + 64)), "hvx"));
	EXPECT_EQ(rd32(mbi + 20), 1);
	mods = rd32(mbi + 24);
	EXPECT_EQ(rd32(mods), 0x201000);		/* page after the data segment */
	EXPECT_EQ(rd32(mods + 4), 0x201000 + initrd_len);
	EXPECT(!strcmp((char *)gpa(rd32(mods + 8)), "initrd"));
	EXPECT(!memcmp(gpa(0x201000), want, initrd_len));
	EXPECT_EQ(rd32(mbi + 44), 3 * 24);
	mmap = rd32(mbi + 48);
	EXPECT(rd32(mmap) == 20 && rd64(mmap + 4) == 0 && rd64(mmap + 12) == 0x9fc00 && rd32(mmap + 20) == 1);
	mmap += 24;
	EXPECT(rd32(mmap) == 20 && rd64(mmap + 4) == 0x9fc00 && rd64(mmap + 12) == 0x60400 && rd32(mmap + 20) == 2);
	mmap += 24;
	EXPECT(rd32(mmap) == 20 && rd64(mmap + 4) == MiB && rd64(mmap + 12) == ram.size - MiB && rd32(mmap + 20) == 1);
	check_acpi(2, false);
out:
	free(want);
}

static void test_multiboot_no_initrd(void)
{
	struct hvx_boot boot;

	mb_build(0);
	ram_new(4 * MiB);
	EXPECT(!mb_load(mbk, sizeof(mbk), 0, NULL, &boot));
	EXPECT_EQ(rd32(HVX_BOOT_INFO) & (1 << 3), 0);	/* no modules */
	EXPECT_EQ(*gpa(rd32(HVX_BOOT_INFO + 16)), 0);	/* empty command line */
}

static void test_multiboot_bad_checksum(void)
{
	struct hvx_boot boot;

	mb_build(0);
	mbk[0x88] ^= 1;
	ram_new(32 * MiB);
	EXPECT_EQ(hvx_image_detect(mbk, sizeof(mbk)), HVX_IMAGE_MULTIBOOT);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "multiboot header at 0x80 has a bad checksum");
}

static void test_multiboot_no_header(void)
{
	struct hvx_boot boot;

	mb_build(0);
	memset(mbk + 0x80, 0, 12);
	ram_new(32 * MiB);
	EXPECT_EQ(hvx_image_detect(mbk, sizeof(mbk)), HVX_IMAGE_MULTIBOOT);	/* ELF */
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "no multiboot header in the first 8192 bytes");
}

static void test_multiboot_segment_outside_ram(void)
{
	Elf32_Phdr *ph = (Elf32_Phdr *)(mbk + sizeof(Elf32_Ehdr));
	struct hvx_boot boot;

	mb_build(0);
	ph[1].p_paddr = 0x1fffff8;			/* 16 bytes across the end of 32 MiB */
	ram_new(32 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot),
		   "segment 0x1fffff8-0x2000008 lies outside 32 MiB of guest memory");
	mb_build(0);
	ph[1].p_paddr = 0xfffffff0;			/* would wrap a 32-bit sum */
	ph[1].p_memsz = 0x100;
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "lies outside");
}

static void test_multiboot_segment_over_loader(void)
{
	Elf32_Phdr *ph = (Elf32_Phdr *)(mbk + sizeof(Elf32_Ehdr));
	struct hvx_boot boot;

	mb_build(0);
	ph[1].p_paddr = 0x7800;
	ram_new(32 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "overlaps the boot information and stack");
	mb_build(0);
	ph[1].p_paddr = 0xeffff;
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "overlaps the BIOS area");
}

static void test_multiboot_truncated(void)
{
	Elf32_Ehdr *eh;
	struct hvx_boot boot;

	eh = mb_build(0);
	eh->e_phoff = sizeof(mbk) - 40;			/* two entries need 64 bytes */
	ram_new(32 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "truncated program header table");
	mb_build(0);
	EXPECT_ERR(mb_load(mbk, 0x2008, 0, NULL, &boot), "beyond the end of the 8200-byte image");
}

static void test_multiboot_elf64(void)
{
	struct hvx_boot boot;

	mb_build(0);
	mbk[EI_CLASS] = ELFCLASS64;
	ram_new(32 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "64-bit ELF");
}

static void test_multiboot_unknown_flag(void)
{
	struct hvx_boot boot;

	mb_build(1 << 3);
	ram_new(32 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 0, NULL, &boot), "flags 0x8 require features");
	mb_build(1 << 2);				/* video mode: booted without one, as QEMU */
	EXPECT(!mb_load(mbk, sizeof(mbk), 0, NULL, &boot));
}

static void test_multiboot_initrd_too_large(void)
{
	struct hvx_boot boot;

	mb_build(0);
	ram_new(4 * MiB);
	EXPECT_ERR(mb_load(mbk, sizeof(mbk), 2 * MiB, NULL, &boot),
		   "module 0 of 2 MiB does not fit after the kernel");
}

/* A module list (as `hvx run --initrd "a args,b"` gives a multiboot
 * kernel): each module page-aligned after the previous, its string kept. */
static void test_multiboot_modules(void)
{
	static const char *names[3] = { "first.bin arg=1", "", "third" };
	struct hvx_module m[HVX_MB_MAX_MODULES + 1];
	uint8_t *data = initrd_pattern(3 * 4096);
	struct hvx_boot_cfg cfg = { .kernel = mbk, .kernel_len = sizeof(mbk), .ncpus = 1,
				    .initrd = data, .initrd_len = 100, .modules = m, .nmodules = 3 };
	struct hvx_boot boot;
	uint64_t mods, at = 0x201000;
	unsigned int i;

	mb_build(0x3);
	ram_new(32 * MiB);
	m[0] = (struct hvx_module){ data, 5000, names[0] };
	m[1] = (struct hvx_module){ data + 1, 1, NULL };
	m[2] = (struct hvx_module){ data + 2, 4096, names[2] };
	if (hvx_load_image(&ram, &cfg, &boot, err, sizeof(err))) {
		snprintf(why, sizeof(why), "load failed: %s", err);
		free(data);
		return;
	}
	EXPECT_EQ(rd32(HVX_BOOT_INFO + 20), 3);		/* the list wins over initrd */
	mods = rd32(HVX_BOOT_INFO + 24);
	for (i = 0; i < 3; i++, mods += 16) {
		EXPECT_EQ(rd32(mods), at);
		EXPECT_EQ(rd32(mods + 4), at + m[i].len);
		EXPECT(!memcmp(gpa(at), m[i].data, m[i].len));
		EXPECT(!strcmp((char *)gpa(rd32(mods + 8)), names[i]));
		at = (at + m[i].len + 4095) & ~4095ULL;
	}
	/* Too many, and strings too long for the information page. */
	for (i = 0; i < HVX_MB_MAX_MODULES + 1; i++)
		m[i] = (struct hvx_module){ data, 1, "x" };
	cfg.nmodules = HVX_MB_MAX_MODULES + 1;
	EXPECT_ERR(hvx_load_image(&ram, &cfg, &boot, err, sizeof(err)), "17 modules: hvx passes at most 16");
	{
		static char longname[4096];

		memset(longname, 'a', sizeof(longname) - 1);
		m[0].string = longname;
		cfg.nmodules = 1;
		EXPECT_ERR(hvx_load_image(&ram, &cfg, &boot, err, sizeof(err)),
			   "the modules' strings are longer than");
	}
	free(data);
}

/*
 * The a.out kludge (flag 16): a flat image whose header at offset 0x40
 * says it loads at 1 MiB + 0x40 - 0x40 = 1 MiB, with 64 KiB of BSS.
 */
static void test_multiboot_aout_kludge(void)
{
	uint8_t img[0x400];
	uint32_t *mh = (uint32_t *)(img + 0x40);
	uint32_t flags = (1 << 16) | 0x2;
	struct hvx_boot boot;
	unsigned int i;

	for (i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i + 1);
	mh[0] = HVX_MULTIBOOT_MAGIC;
	mh[1] = flags;
	mh[2] = -(HVX_MULTIBOOT_MAGIC + flags);
	mh[3] = 0x100040;				/* header_addr */
	mh[4] = 0x100000;				/* load_addr */
	mh[5] = 0;					/* load_end_addr: to the end of the file */
	mh[6] = 0x100000 + sizeof(img) + 0x10000;	/* bss_end_addr */
	mh[7] = 0x100080;				/* entry_addr */
	ram_new(4 * MiB);
	EXPECT_EQ(hvx_image_detect(img, sizeof(img)), HVX_IMAGE_MULTIBOOT);
	EXPECT(!mb_load(img, sizeof(img), 0, "x", &boot));
	EXPECT(!memcmp(gpa(0x100000), img, sizeof(img)));
	for (i = 0; i < 0x10000; i++)
		EXPECT_EQ(*gpa(0x100000 + sizeof(img) + i), 0);
	check_protected_mode(&boot, 0x100080);
	if (why[0])
		return;
	/* a header_addr below load_addr is refused */
	mh[3] = 0xfffff;
	mh[2] = -(HVX_MULTIBOOT_MAGIC + flags);
	EXPECT_ERR(mb_load(img, sizeof(img), 0, NULL, &boot), "put the load start outside the file");
	/* load_end_addr past the file's end */
	mh[3] = 0x100040;
	mh[5] = 0x100000 + sizeof(img) + 1;
	EXPECT_ERR(mb_load(img, sizeof(img), 0, NULL, &boot), "beyond the end");
}

/* ------------------------------------------------------------ flat */

static void test_flat(void)
{
	uint8_t img[300];
	struct hvx_boot boot;
	const struct kvm_sregs *s = &boot.sregs;
	struct hvx_boot_cfg cfg = { .kernel = img, .kernel_len = sizeof(img), .flat_load = 0x8000 };

	memset(img, 0x90, sizeof(img));
	ram_new(1 * MiB);
	EXPECT_EQ(hvx_image_detect(img, sizeof(img)), HVX_IMAGE_FLAT);
	EXPECT(!hvx_load_image(&ram, &cfg, &boot, err, sizeof(err)));
	EXPECT(!strcmp(boot.kind, "flat"));
	EXPECT(!memcmp(gpa(0x8000), img, sizeof(img)));
	EXPECT_EQ(*gpa(0x7fff), POISON);
	EXPECT_EQ(*gpa(0x8000 + sizeof(img)), POISON);
	EXPECT_EQ(boot.regs.rip, 0x8000);
	EXPECT_EQ(boot.regs.rflags, 0x2);
	EXPECT(s->cs.selector == 0 && s->cs.base == 0 && s->cs.limit == 0xffff && s->cs.type == 11);
	EXPECT(s->ds.selector == 0 && s->ds.base == 0 && s->ds.limit == 0xffff && s->ds.type == 3);
	EXPECT(s->ss.present && s->ss.s && !s->ss.db && !s->cs.l);
	EXPECT_EQ(s->cr0, 0x60000010);
	EXPECT_EQ(s->efer, 0);
	EXPECT_EQ(s->apic_base, 0xfee00900);
	EXPECT_EQ(s->idt.limit, 0xffff);
}

static void test_flat_errors(void)
{
	uint8_t img[300] = { 0 };
	struct hvx_boot boot;
	struct hvx_boot_cfg cfg = { .kernel = img, .kernel_len = sizeof(img), .flat_load = 0x10000 };

	ram_new(1 * MiB);
	EXPECT_ERR(hvx_load_flat(&ram, &cfg, &boot, err, sizeof(err)), "not below 64 KiB");
	cfg.flat_load = 0x8000;
	ram.size = 0x8100;				/* only 256 bytes past the load address */
	EXPECT_ERR(hvx_load_flat(&ram, &cfg, &boot, err, sizeof(err)),
		   "image of 300 bytes does not fit at 0x8000 in 33024 bytes of guest memory");
	ram.size = 1 * MiB;
	cfg.kernel_len = 0;
	EXPECT_ERR(hvx_load_flat(&ram, &cfg, &boot, err, sizeof(err)), "empty image");
}

int main(void)
{
	const char *dump = getenv("HVX_LOADER_DUMP");

	run("acpi: tables for 1 vCPU, checksums, PC FADT, FACS, DSDT AML, MADT", test_acpi_1cpu);
	run("acpi: tables for the most vCPUs", test_acpi_max_cpus);
	run("acpi: hardware-reduced FADT, sleep registers", test_acpi_hw_reduced);
	run("acpi: 0 or too many vCPUs refused", test_acpi_bad_cpus);
	run("bzimage: Debian's kernel: header, cmdline, initrd, e820, ACPI, 64-bit entry", test_bzimage_debian);
	run("bzimage: Debian's kernel in 64 MiB: init_size does not fit", test_bzimage_debian_small_ram);
	run("bzimage: Debian's kernel truncated", test_bzimage_debian_truncated);
	run("bzimage: synthetic image loads", test_bzimage_synthetic);
	run("bzimage: hardware-reduced ACPI on request", test_bzimage_hw_reduced);
	run("bzimage: initrd below initrd_addr_max", test_bzimage_initrd_addr_max);
	run("bzimage: no initrd, RAM exactly enough", test_bzimage_no_initrd);
	run("bzimage: wrong magic", test_bzimage_bad_magic);
	run("bzimage: truncated file", test_bzimage_tiny);
	run("bzimage: protocol older than 2.12", test_bzimage_old_protocol);
	run("bzimage: no XLF_KERNEL_64", test_bzimage_no_kernel64);
	run("bzimage: zImage", test_bzimage_zimage);
	run("bzimage: kernel too large for RAM", test_bzimage_kernel_too_large);
	run("bzimage: kernel_alignment not a power of two", test_bzimage_bad_alignment);
	run("bzimage: initrd too large", test_bzimage_initrd_too_large);
	run("bzimage: command line too long", test_bzimage_cmdline_too_long);
	run("bzimage: RAM over 3 GiB, odd size, 0 vCPUs", test_bzimage_ram_limits);
	run("multiboot: ELF32, BSS, higher-half entry, info, module, mmap", test_multiboot_elf);
	run("multiboot: no initrd, no command line", test_multiboot_no_initrd);
	run("multiboot: bad checksum", test_multiboot_bad_checksum);
	run("multiboot: ELF without a header", test_multiboot_no_header);
	run("multiboot: segment outside RAM", test_multiboot_segment_outside_ram);
	run("multiboot: segment over the loader's areas", test_multiboot_segment_over_loader);
	run("multiboot: truncated program headers and segment", test_multiboot_truncated);
	run("multiboot: ELF64 refused", test_multiboot_elf64);
	run("multiboot: unknown required flag", test_multiboot_unknown_flag);
	run("multiboot: initrd too large", test_multiboot_initrd_too_large);
	run("multiboot: a list of modules, too many, strings too long", test_multiboot_modules);
	run("multiboot: a.out kludge", test_multiboot_aout_kludge);
	run("flat: real mode at 0:0x8000", test_flat);
	run("flat: errors", test_flat_errors);

	if (dump) {		/* the PC tables in DIR, the hardware-reduced ones in DIR/hw-reduced */
		char dir[4096];
		uint64_t rsdp;

		ram_new(2 * MiB);
		if (!hvx_acpi_build(&ram, 2, false, &rsdp, err, sizeof(err)))
			dump_acpi(dump);
		snprintf(dir, sizeof(dir), "%s/hw-reduced", dump);
		ram_new(2 * MiB);
		if (!hvx_acpi_build(&ram, 2, true, &rsdp, err, sizeof(err)))
			dump_acpi(dir);
	}
	free(ram.base);
	return summary();
}
