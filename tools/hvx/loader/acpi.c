// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI tables of `hvx run` guests (ACPI Specification 6.5, chapter 5
 * "ACPI Software Programming Model"): RSDP -> XSDT (and RSDT for 32-bit
 * OSes) -> FADT, MADT; FADT -> DSDT.
 *
 * Two power-management models, chosen by the caller (cfg->acpi_hw_reduced):
 *
 * - PC (the default): the fixed hardware of chapter 4 "ACPI Hardware
 *   Specification" cut down to what power-off needs: a PM1a event block
 *   (status, enable) and a PM1a control block (SLP_TYP, SLP_EN), a FACS,
 *   an SCI on IRQ 9 that never fires, no PM timer, no GPE blocks, no
 *   SMI_CMD (so the OS finds the machine already in ACPI mode). Linux keeps
 *   the 8259s and the PIT: it calibrates the TSC against the PIT and ticks
 *   on IRQ0 until the LAPIC timer takes over.
 * - Hardware-reduced (5.2.9, FADT flag HW_REDUCED_ACPI, as in Firecracker
 *   and QEMU's microvm): only the Sleep Control and Status registers. Linux
 *   then drops the legacy PIC and the PIT tick (acpi_generic_reduced_hw_init
 *   in arch/x86/kernel/acpi/boot.c) and needs the TSC frequency from
 *   somewhere else: the quick PIT calibration, which fails under slow
 *   emulation, CPUID 0x15/0x16 (Intel) or kvm-clock. Debian's 6.1 then
 *   stops in calibrate_APIC_clock ("tsc: Unable to calibrate against
 *   PIT") when run under KVM inside QEMU TCG, which is why it is not the
 *   default.
 *
 * Both reset through the RESET_REG and describe COM1 in the DSDT: on a
 * hardware-reduced platform Linux maps an ISA IRQ only for a device the
 * namespace lists. loader.h says what a device model does with the ports.
 */
#include <string.h>

#include "internal.h"

/* 5.2.6 "System Description Table Header" */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI table header");

/* 5.2.5.3 "Root System Description Pointer (RSDP) Structure" */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;		/* of the first 20 bytes (the ACPI 1.0 part) */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0 and later, with the XSDT */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");

/* 5.2.3.2 "Generic Address Structure (GAS)" */
struct acpi_gas {
	uint8_t space_id;		/* 1: System I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;		/* 1: byte access */
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");

/* 5.2.9 "Fixed ACPI Description Table (FADT)", revision 6 */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t fadt_minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_identity;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6");
_Static_assert(__builtin_offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT Flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_status_reg) == 256, "FADT SLEEP_STATUS_REG");

/* 5.2.10 "Firmware ACPI Control Structure (FACS)": only the fixed part */
struct acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS");

/* 5.2.9.3 "IA-PC Boot Architecture Flags" */
#define IAPC_LEGACY_DEVICES	(1 << 0)	/* ISA devices: UART, RTC, 8042, PIC, PIT */
#define IAPC_8042		(1 << 1)	/* devices/i8042.c at ports 0x60, 0x64 */
#define IAPC_NO_VGA		(1 << 2)	/* no VGA: do not probe for one */
/* 5.2.9.1 "FADT Flags" (Table "Fixed ACPI Description Table Fixed Feature Flags") */
#define FADT_WBINVD		(1 << 0)
#define FADT_PWR_BUTTON		(1 << 4)	/* no fixed-feature power button */
#define FADT_SLP_BUTTON		(1 << 5)	/* no fixed-feature sleep button */
#define FADT_RESET_REG_SUP	(1 << 10)
#define FADT_HW_REDUCED_ACPI	(1 << 20)
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2

/* 5.2.12 "Multiple APIC Description Table (MADT)" */
struct acpi_madt {
	struct acpi_header h;
	uint32_t local_apic_address;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");
#define MADT_PCAT_COMPAT	(1 << 0)	/* an 8259 pair is there too (Table 5.20 "Multiple APIC Flags") */

/* 5.2.12.2 "Processor Local APIC Structure" */
struct madt_lapic {
	uint8_t type, length;		/* 0, 8 */
	uint8_t acpi_processor_uid;
	uint8_t apic_id;
	uint32_t flags;			/* bit 0: Enabled */
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT Processor Local APIC");

/* 5.2.12.3 "I/O APIC Structure" */
struct madt_ioapic {
	uint8_t type, length;		/* 1, 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT I/O APIC");

/* 5.2.12.5 "Interrupt Source Override Structure" */
struct madt_iso {
	uint8_t type, length;		/* 2, 10 */
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* the ISA IRQ */
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI flags (Table 5.26): polarity bits 1:0, trigger mode bits 3:2 */
} __attribute__((packed));
_Static_assert(sizeof(struct madt_iso) == 10, "MADT Interrupt Source Override");
#define MPS_INTI_ACTIVE_HIGH	0x1
#define MPS_INTI_LEVEL		(0x3 << 2)

/*
 * The DSDT's definition block, hand-assembled (20.2 "AML Grammar
 * Definition"; opcode names as there):
 *
 *   Name (_S5, Package (4) { 5, 0, 0, 0 })
 *   Scope (\_SB) {
 *     Device (COM1) {
 *       Name (_HID, EisaId ("PNP0501"))
 *       Name (_UID, One)
 *       Name (_CRS, ResourceTemplate () {
 *         IO (Decode16, 0x3F8, 0x3F8, 1, 8)
 *         IRQNoFlags () { 4 }
 *       })
 *     }
 *   }
 *
 * Each PkgLength (20.2.4 "Package Length Encoding") is one byte, as all
 * are below 64: the length of what follows the opcode, PkgLength included.
 */
static const uint8_t dsdt_aml[] = {
	/* \_S5 (7.4.2 "\_Sx (System States)"): SLP_TYPa is what goes into SLEEP_CONTROL_REG */
	0x08,				/* NameOp (20.2.5.2 "Named Objects Encoding": DefName) */
	'_', 'S', '5', '_',		/* NameSeg (20.2.2 "Name Objects Encoding"), '_'-padded */
	0x12,				/* PackageOp (20.2.5.4 "Expression Opcodes Encoding": DefPackage) */
	0x07,				/* PkgLength: itself + NumElements + 5 bytes of elements */
	0x04,				/* NumElements */
	0x0a, HVX_ACPI_SLP_TYP_S5,	/* BytePrefix ByteData (20.2.3 "Data Objects Encoding"): SLP_TYPa */
	0x00,				/* ZeroOp: SLP_TYPb, unused without a PM1b block */
	0x00, 0x00,			/* ZeroOp ZeroOp: reserved */

	0x10,				/* ScopeOp (20.2.5.1 "Namespace Modifier Objects Encoding": DefScope) */
	0x33,				/* PkgLength: 1 + 5 (name) + 45 (Device) */
	'\\', '_', 'S', 'B', '_',	/* NameString: RootChar NameSeg */

	0x5b, 0x82,			/* DeviceOp: ExtOpPrefix 0x82 (20.2.5.2: DefDevice) */
	0x2b,				/* PkgLength: 1 + 4 (name) + 10 (_HID) + 6 (_UID) + 22 (_CRS) */
	'C', 'O', 'M', '1',		/* NameSeg */

	0x08, '_', 'H', 'I', 'D',	/* NameOp NameSeg (6.1.5 "_HID (Hardware ID)") */
	0x0c,				/* DWordPrefix */
	0x41, 0xd0, 0x05, 0x01,		/* EISA id "PNP0501" (16550A UART): "PNP" as three 5-bit letters, big-endian, then 0x0501 */

	0x08, '_', 'U', 'I', 'D',	/* NameOp NameSeg (6.1.12 "_UID (Unique ID)") */
	0x01,				/* OneOp */

	0x08, '_', 'C', 'R', 'S',	/* NameOp NameSeg (6.2.2 "_CRS (Current Resource Settings)") */
	0x11,				/* BufferOp (20.2.5.4: DefBuffer) */
	0x10,				/* PkgLength: 1 + 2 (BufferSize) + 13 (bytes) */
	0x0a, 0x0d,			/* BufferSize: BytePrefix 13 */
	0x47,				/* I/O Port Descriptor, small item 0x08, 7 bytes (6.4.2.5) */
	0x01,				/*   decodes 16 address bits */
	HVX_COM1_PORT & 0xff, HVX_COM1_PORT >> 8,	/*   range minimum base */
	HVX_COM1_PORT & 0xff, HVX_COM1_PORT >> 8,	/*   range maximum base */
	0x01,				/*   base alignment */
	0x08,				/*   range length: 8 registers */
	0x22,				/* IRQ Descriptor, small item 0x04, 2 bytes (6.4.2.1): */
	(1 << HVX_COM1_IRQ) & 0xff, (1 << HVX_COM1_IRQ) >> 8,	/* IRQ mask; no flags byte: edge, active high */
	0x79, 0x00,			/* End Tag (6.4.2.9), checksum 0: "treat as summing to zero" */
};

/* Tables one after the other from HVX_ACPI_BASE, 16-byte aligned. */
struct acpi_builder {
	struct hvx_ram *ram;
	uint64_t next;
};

static void *acpi_alloc(struct acpi_builder *b, size_t len, uint64_t *gpa)
{
	*gpa = b->next;
	b->next = ALIGN_UP(b->next + len, 16);
	return b->ram->base + *gpa;
}

/* The FACS is 64-byte aligned (5.2.10). */
static uint64_t build_facs(struct acpi_builder *b)
{
	struct acpi_facs *f;
	uint64_t gpa;

	b->next = ALIGN_UP(b->next, 64);
	f = acpi_alloc(b, sizeof(*f), &gpa);
	memcpy(f->signature, "FACS", 4);
	f->length = sizeof(*f);
	f->version = 2;
	return gpa;
}

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return (uint8_t)-sum;
}

static void header(struct acpi_header *h, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "HVX   ", 6);
	memcpy(h->oem_table_id, "HVXVM   ", 8);	/* the FADT's must match the XSDT's (5.2.9) */
	h->oem_revision = 1;
	memcpy(h->creator_id, "HVX ", 4);
	h->creator_revision = 1;
}

static void finish(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = checksum(h, h->length);
}

static uint64_t build_dsdt(struct acpi_builder *b)
{
	uint64_t gpa;
	struct acpi_header *h = acpi_alloc(b, sizeof(*h) + sizeof(dsdt_aml), &gpa);

	/* Revision 2: integers in the AML are 64-bit (5.2.11.1) */
	header(h, "DSDT", sizeof(*h) + sizeof(dsdt_aml), 2);
	memcpy(h + 1, dsdt_aml, sizeof(dsdt_aml));
	finish(h);
	return gpa;
}

static struct acpi_gas io_register(uint16_t port, uint8_t bits, uint8_t access)
{
	return (struct acpi_gas){ .space_id = GAS_SYSTEM_IO, .bit_width = bits,
				  .access_size = access, .address = port };
}

/*
 * PM1a blocks (4.8.3.1 "PM1 Event Grouping", 4.8.3.2 "PM1 Control
 * Grouping"), in the 32-bit and the extended fields alike, and the FACS
 * that a platform with fixed hardware must have (5.2.10).
 */
static void fadt_pc(struct acpi_fadt *f, uint64_t facs)
{
	f->firmware_ctrl = facs;
	f->sci_int = HVX_ACPI_SCI_IRQ;
	f->pm1a_evt_blk = HVX_ACPI_PM1_EVT_PORT;
	f->pm1_evt_len = 4;
	f->x_pm1a_evt_blk = io_register(HVX_ACPI_PM1_EVT_PORT, 32, GAS_ACCESS_WORD);
	f->pm1a_cnt_blk = HVX_ACPI_PM1_CNT_PORT;
	f->pm1_cnt_len = 2;
	f->x_pm1a_cnt_blk = io_register(HVX_ACPI_PM1_CNT_PORT, 16, GAS_ACCESS_WORD);
}

static uint64_t build_fadt(struct acpi_builder *b, uint64_t dsdt, uint64_t facs, bool hw_reduced)
{
	uint64_t gpa;
	struct acpi_fadt *f = acpi_alloc(b, sizeof(*f), &gpa);

	header(&f->h, "FACP", sizeof(*f), 6);
	f->fadt_minor_version = 5;	/* ACPI 6.5 */
	f->dsdt = dsdt;			/* both DSDT fields, equal, as ACPICA expects of a 32-bit address */
	f->x_dsdt = dsdt;
	/* What `hvx run` has (devices/): no VGA; a CMOS RTC, so no NO_CMOS_RTC */
	f->iapc_boot_arch = IAPC_LEGACY_DEVICES | IAPC_8042 | IAPC_NO_VGA;
	f->flags = FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_RESET_REG_SUP;
	f->reset_reg = io_register(HVX_ACPI_RESET_PORT, 8, GAS_ACCESS_BYTE);
	f->reset_value = HVX_ACPI_RESET_VALUE;
	if (hw_reduced) {
		f->flags |= FADT_HW_REDUCED_ACPI;
		f->sleep_control_reg = io_register(HVX_ACPI_SLEEP_CONTROL_PORT, 8, GAS_ACCESS_BYTE);
		f->sleep_status_reg = io_register(HVX_ACPI_SLEEP_STATUS_PORT, 8, GAS_ACCESS_BYTE);
	} else {
		fadt_pc(f, facs);
	}
	memcpy(&f->hypervisor_vendor_identity, "hvx\0\0\0\0\0", 8);
	finish(&f->h);
	return gpa;
}

/*
 * No override for IRQ0. A PC wires the 8254 to I/O APIC pin 2 (pin 0 takes
 * the 8259's INTR) and says so with IRQ0 -> GSI 2, and QEMU moves KVM's
 * GSI 0 to pin 2 with KVM_SET_GSI_ROUTING to match. hvx keeps KVM's
 * default routing (kernel/irq/irq.c: GSI n is PIC input n and I/O APIC pin
 * n), so its PIT reaches pin 0, ISA IRQ0's identity mapping: with the
 * override Linux programs pin 2, sees no tick there ("MP-BIOS bug: 8254
 * timer not connected to IO-APIC") and falls back to ExtINT through the
 * 8259 (seen with Debian's 6.1 on KVM's default routing).
 */
static uint64_t build_madt(struct acpi_builder *b, unsigned int ncpus, bool sci)
{
	uint32_t len = sizeof(struct acpi_madt) + ncpus * sizeof(struct madt_lapic) +
		       sizeof(struct madt_ioapic) + sci * sizeof(struct madt_iso);
	uint64_t gpa;
	struct acpi_madt *m = acpi_alloc(b, len, &gpa);
	uint8_t *p = (uint8_t *)(m + 1);
	unsigned int i;

	header(&m->h, "APIC", len, 5);
	m->local_apic_address = HVX_LAPIC_ADDR;
	m->flags = MADT_PCAT_COMPAT;
	for (i = 0; i < ncpus; i++, p += sizeof(struct madt_lapic))
		*(struct madt_lapic *)p = (struct madt_lapic){
			.type = 0, .length = sizeof(struct madt_lapic),
			.acpi_processor_uid = i, .apic_id = i, .flags = 1,
		};
	*(struct madt_ioapic *)p = (struct madt_ioapic){
		.type = 1, .length = sizeof(struct madt_ioapic),
		.ioapic_id = ncpus, .address = HVX_IOAPIC_ADDR, .gsi_base = 0,
	};
	p += sizeof(struct madt_ioapic);
	/*
	 * The SCI is level-triggered (5.2.9, SCI_INT); active high, as QEMU's
	 * PC says, so that its idle line (never raised here) reads as quiet.
	 */
	if (sci)
		*(struct madt_iso *)p = (struct madt_iso){
			.type = 2, .length = sizeof(struct madt_iso), .bus = 0,
			.source = HVX_ACPI_SCI_IRQ, .gsi = HVX_ACPI_SCI_IRQ,
			.flags = MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL,
		};
	finish(&m->h);
	return gpa;
}

/* All six tables for HVX_ACPI_MAX_CPUS, each padded to 16 bytes, fit their area. */
_Static_assert(sizeof(struct acpi_rsdp) + sizeof(struct acpi_header) * 3 + 2 * 8 + 2 * 4 +
	       sizeof(dsdt_aml) + sizeof(struct acpi_fadt) + sizeof(struct acpi_madt) +
	       HVX_ACPI_MAX_CPUS * sizeof(struct madt_lapic) + sizeof(struct madt_ioapic) +
	       sizeof(struct madt_iso) + sizeof(struct acpi_facs) + 7 * 63 <=
	       HVX_ACPI_END - HVX_ACPI_BASE, "ACPI area too small");

int hvx_acpi_build(struct hvx_ram *ram, unsigned int ncpus, bool hw_reduced,
		   uint64_t *rsdp_gpa, char *err, size_t errlen)
{
	struct acpi_builder b = { .ram = ram, .next = HVX_ACPI_BASE };
	uint64_t dsdt, fadt, madt, facs = 0, xsdt_gpa, rsdt_gpa;
	struct acpi_header *xsdt, *rsdt;
	struct acpi_rsdp *rsdp;

	if (hvx_ncpus_check(ncpus, err, errlen))
		return -1;
	if (!ram->base || ram->size < HVX_HIGH_MEM)
		return hvx_loader_fail(err, errlen, "no room for the ACPI tables below 1 MiB");
	memset(ram->base + HVX_ACPI_BASE, 0, HVX_ACPI_END - HVX_ACPI_BASE);

	/* RSDP first, on a 16-byte boundary of 0xe0000-0xfffff (5.2.5.1 "Finding the RSDP on IA-PC Systems") */
	rsdp = acpi_alloc(&b, sizeof(*rsdp), rsdp_gpa);
	xsdt = acpi_alloc(&b, sizeof(*xsdt) + 2 * 8, &xsdt_gpa);
	rsdt = acpi_alloc(&b, sizeof(*rsdt) + 2 * 4, &rsdt_gpa);
	dsdt = build_dsdt(&b);
	if (!hw_reduced)
		facs = build_facs(&b);
	fadt = build_fadt(&b, dsdt, facs, hw_reduced);
	madt = build_madt(&b, ncpus, !hw_reduced);

	/* 5.2.8 "Extended System Description Table (XSDT)": 64-bit entries */
	header(xsdt, "XSDT", sizeof(*xsdt) + 2 * 8, 1);
	hvx_put64(ram, xsdt_gpa + sizeof(*xsdt), fadt);
	hvx_put64(ram, xsdt_gpa + sizeof(*xsdt) + 8, madt);
	finish(xsdt);
	/* 5.2.7 "Root System Description Table (RSDT)": the same, 32-bit */
	header(rsdt, "RSDT", sizeof(*rsdt) + 2 * 4, 1);
	hvx_put32(ram, rsdt_gpa + sizeof(*rsdt), fadt);
	hvx_put32(ram, rsdt_gpa + sizeof(*rsdt) + 4, madt);
	finish(rsdt);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "HVX   ", 6);
	rsdp->revision = 2;
	rsdp->rsdt_address = rsdt_gpa;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = xsdt_gpa;
	rsdp->checksum = checksum(rsdp, 20);
	rsdp->extended_checksum = checksum(rsdp, sizeof(*rsdp));
	return 0;
}
