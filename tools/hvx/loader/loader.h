/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest loaders of `hvx run`: a Linux bzImage (64-bit boot protocol), a
 * multiboot (v1) kernel as QEMU's -kernel loads it, or a flat binary.
 *
 * They are pure functions over a memory buffer: no ioctl, no global state,
 * nothing printed, no exit(). run.c maps guest RAM, loads and validates
 * everything here before any VM exists, then hands struct hvx_boot to
 * KVM_SET_REGS / KVM_SET_SREGS of the boot vCPU. The host-only unit test
 * (tests/unit/test_loader.c) runs them on malloc'd RAM.
 *
 * Every loader returns 0, or -1 with a one-line reason in err (no file
 * name, no trailing newline; the caller prefixes "hvx run: FILE: "). Every
 * check comes before the first write to guest RAM.
 *
 * What the tables promise and run.c must provide for a bzImage or a
 * multiboot kernel: the in-kernel PIC pair, I/O APIC (0xfec00000) and PIT
 * with KVM's default GSI routing (GSI n = PIC input n and I/O APIC pin n),
 * LAPICs with ids 0..ncpus-1, COM1 on IRQ 4, the power-off/reset ports
 * below, and a vCPU count equal to cfg->ncpus.
 */
#ifndef HVX_LOADER_H
#define HVX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* Guest RAM as the loader sees it: guest-physical [0, size) at host address base. */
struct hvx_ram {
	uint8_t *base;
	uint64_t size;		/* a multiple of 4 KiB; at most HVX_RAM_MAX */
};

/* A multiboot module: its bytes and its string (MB 3.3, "mods_addr"). */
struct hvx_module {
	const void *data;
	size_t len;
	const char *string;	/* NULL is "" */
};
#define HVX_MB_MAX_MODULES	16

struct hvx_boot_cfg {
	const void *kernel;	/* the whole image file */
	size_t kernel_len;
	const void *initrd;	/* optional (NULL, 0); bzImage and multiboot only */
	size_t initrd_len;
	/* Multiboot only, instead of initrd: up to HVX_MB_MAX_MODULES modules. */
	const struct hvx_module *modules;
	unsigned int nmodules;
	const char *cmdline;	/* optional (NULL is ""); bzImage and multiboot only */
	unsigned int ncpus;	/* vCPUs listed in the ACPI MADT: 1..HVX_ACPI_MAX_CPUS */
	uint64_t flat_load;	/* flat images: load address and IP, below 64 KiB */
	bool acpi_hw_reduced;	/* hardware-reduced FADT instead of the PC one (acpi.c) */
};

/*
 * What the boot CPU starts with, ready for KVM_SET_REGS and KVM_SET_SREGS:
 * every segment field is filled (base, limit, selector, type, present,
 * dpl, db, s, l, g, avl), as are CR0/CR3/CR4/EFER, GDTR/IDTR and
 * apic_base (xAPIC enabled at 0xfee00000, BSP bit set). Only this vCPU
 * starts here: the guest starts the others with INIT/SIPI, so run.c leaves
 * them in KVM's reset state.
 */
struct hvx_boot {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	const char *kind;	/* "bzImage", "multiboot", "flat" */
};

enum hvx_image_kind { HVX_IMAGE_BZIMAGE, HVX_IMAGE_MULTIBOOT, HVX_IMAGE_FLAT };

/*
 * What an image claims to be: "HdrS" at 0x202 is a bzImage; an ELF file,
 * or the multiboot magic 0x1BADB002 at a 4-byte aligned offset in the
 * first 8192 bytes, is a multiboot kernel (even with a bad checksum, so
 * that its loader says what is wrong rather than running it as a flat
 * binary); anything else is flat.
 */
enum hvx_image_kind hvx_image_detect(const void *img, size_t len);

/*
 * Linux's 64-bit boot protocol (Documentation/x86/boot.rst, "64-bit Boot
 * Protocol"): protected-mode kernel at 1 MiB, boot_params with the file's
 * setup header, e820 map, command line and initrd, ACPI tables; entry at
 * 1 MiB + 0x200 in 64-bit mode with RSI = boot_params.
 */
int hvx_load_bzimage(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		     struct hvx_boot *boot, char *err, size_t errlen);
/*
 * Multiboot Specification 0.6.96: ELF32 kernels (program headers loaded at
 * p_paddr, BSS zeroed) or the a.out kludge (header flag bit 16, which wins
 * as in QEMU and GRUB); cfg->modules follow the kernel, each page-aligned
 * (without them, the initrd is one module with the string "initrd"). Entry
 * in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX =
 * HVX_BOOT_INFO (3.2 "Machine state"). ELF64 is refused, as QEMU does.
 * The command line goes as given: GRUB and QEMU put the kernel's file name
 * first, which the caller does (run.c).
 */
int hvx_load_multiboot(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		       struct hvx_boot *boot, char *err, size_t errlen);
/* Flat binary copied to flat_load and started in real mode at CS:IP = 0:flat_load. */
int hvx_load_flat(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		  struct hvx_boot *boot, char *err, size_t errlen);
/* hvx_image_detect, then the matching loader. */
int hvx_load_image(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		   struct hvx_boot *boot, char *err, size_t errlen);

/*
 * ACPI tables for ncpus vCPUs in [HVX_ACPI_BASE, HVX_ACPI_END): RSDP (at
 * HVX_ACPI_BASE, where a search of 0xe0000-0xfffff finds it), XSDT, RSDT,
 * FADT (PC, with a FACS, or hardware-reduced), DSDT and MADT. *rsdp gets
 * the RSDP's address. Called by the bzImage and multiboot loaders;
 * exported for the tests.
 */
int hvx_acpi_build(struct hvx_ram *ram, unsigned int ncpus, bool hw_reduced,
		   uint64_t *rsdp, char *err, size_t errlen);

/*
 * Guest-physical memory map of the bzImage and multiboot loaders (a flat
 * image gets only its own bytes). Everything below 1 MiB except the BIOS
 * area is e820 RAM: Linux keeps the first 1 MiB to itself and has copied
 * boot_params and the command line before it allocates anything there.
 *
 *   0x00400   BIOS data area: EBDA segment (0x40e) and base memory KiB (0x413)
 *   0x01000   GDT: 0x08 flat 32-bit code, 0x10 64-bit code (__BOOT_CS),
 *             0x18 flat data (__BOOT_DS)
 *   0x07000   boot_params (bzImage) or the multiboot information (multiboot)
 *   0x08000   boot stack page (RSP = 0x9000)
 *   0x09000   page tables of the 64-bit entry: PML4, PDPT, 4 PDs (2 MiB
 *             pages identity-mapping 0-4 GiB), up to 0xf000
 *   0x20000   command line (NUL-terminated)
 *   0x9fc00   e820 reserved up to 1 MiB: EBDA, VGA hole, BIOS area
 *   0xe0000   ACPI tables (RSDP first; FACS 64-byte aligned), < 1 KiB
 *   0x100000  bzImage protected-mode kernel; the initrd goes at the top of
 *             RAM (below initrd_addr_max), page-aligned. Multiboot kernels
 *             load where their headers say; the initrd module follows the
 *             kernel, page-aligned.
 */
#define HVX_BDA			0x400ULL
#define HVX_BOOT_GDT		0x1000ULL
#define HVX_BOOT_INFO		0x7000ULL
#define HVX_BOOT_STACK_TOP	0x9000ULL
#define HVX_BOOT_PML4		0x9000ULL
#define HVX_BOOT_PDPT		0xa000ULL
#define HVX_BOOT_PD		0xb000ULL	/* four pages */
#define HVX_BOOT_PT_END		0xf000ULL
#define HVX_BOOT_CMDLINE	0x20000ULL
#define HVX_BOOT_CMDLINE_MAX	0x10000ULL	/* bytes with the NUL */
#define HVX_EBDA		0x9fc00ULL
#define HVX_ACPI_BASE		0xe0000ULL
#define HVX_ACPI_END		0xf0000ULL
#define HVX_HIGH_MEM		0x100000ULL	/* 1 MiB: end of the BIOS area, bzImage load address */
#define HVX_BZIMAGE_LOAD	HVX_HIGH_MEM

/* GDT selectors (boot.rst, "64-bit Boot Protocol": __BOOT_CS 0x10, __BOOT_DS 0x18). */
#define HVX_SEL_CODE32		0x08
#define HVX_SEL_CODE64		0x10
#define HVX_SEL_DATA		0x18

/*
 * At most 3 GiB of RAM: everything stays below the 32-bit MMIO range
 * (IOAPIC at 0xfec00000, LAPIC at 0xfee00000) with no PCI hole to model,
 * and no table needs a 64-bit address (boot_params' ext_ramdisk_* unused).
 */
#define HVX_RAM_MAX		(3ULL << 30)
#define HVX_RAM_MIN		(2ULL << 20)

/*
 * MADT (ACPI 6.5, 5.2.12): xAPICs with ids 0..ncpus-1, the I/O APIC with id
 * ncpus and GSIs 0-23, PCAT_COMPAT (the 8259 pair is there). ISA IRQs map
 * to the pins of the same number, IRQ0 included, as hvx's fixed GSI routing
 * wires them (acpi.c says why there is no IRQ0 -> GSI 2 override); the PC
 * FADT's SCI, IRQ 9, is overridden to level, active high.
 */
#define HVX_LAPIC_ADDR		0xfee00000U
#define HVX_IOAPIC_ADDR		0xfec00000U
/* The IOAPIC id register holds 4 bits (82093AA datasheet, 3.2.1 IOAPICID), and id ncpus must fit. */
#define HVX_ACPI_MAX_CPUS	15

/*
 * The one UART the DSDT describes (Device COM1, PNP0501). On a hardware-
 * reduced platform Linux has no legacy PIC, so it maps an ISA IRQ only
 * for a device the namespace lists: without this entry ttyS0 would get no
 * interrupt. On the PC platform it is the usual description of COM1.
 */
#define HVX_COM1_PORT		0x3f8
#define HVX_COM1_IRQ		4

/*
 * Power-off and reset: the ports a device model answers (ACPI 6.5, chapter
 * 4 "ACPI Hardware Specification"). Both register sets live at 0x600-0x609;
 * the FADT tells the guest which one to use, so a device answers both.
 *
 * PC FADT (the default): 16-bit registers, byte or word accesses.
 *   HVX_ACPI_PM1_EVT_PORT    PM1a_STS (4.8.3.1.1): reads 0 (no event ever
 *                            pends), writes (1 = clear) ignored
 *   HVX_ACPI_PM1_EVT_PORT+2  PM1a_EN (4.8.3.1.2): reads back what was written
 *   HVX_ACPI_PM1_CNT_PORT    PM1a_CNT (4.8.3.2.1): SCI_EN (bit 0) reads 1,
 *                            the machine being in ACPI mode from the start
 *                            (the FADT has no SMI_CMD); SLP_TYP is bits
 *                            10-12, SLP_EN bit 13 (write-only, reads 0). A
 *                            write with SLP_EN set and SLP_TYP =
 *                            HVX_ACPI_SLP_TYP_S5 powers off. Linux writes
 *                            SLP_TYP alone, then SLP_TYP | SLP_EN, keeping
 *                            SCI_EN: 0x1401 then 0x3401 (acpi_hw_legacy_sleep,
 *                            drivers/acpi/acpica/hwsleep.c).
 *   The SCI is IRQ HVX_ACPI_SCI_IRQ, level, active high; nothing raises it.
 *
 * Hardware-reduced FADT (cfg->acpi_hw_reduced): 8-bit registers
 * (4.8.3.7 "Sleep Control and Status Registers"; Linux:
 * acpi_hw_extended_sleep in drivers/acpi/acpica/hwesleep.c).
 *   HVX_ACPI_SLEEP_STATUS_PORT   WAK_STS (bit 7): Linux writes it to clear
 *                                it, then polls until it reads 1 (never, for S5)
 *   HVX_ACPI_SLEEP_CONTROL_PORT  SLP_TYP bits 2-4, SLP_EN bit 5: the write
 *                                of HVX_ACPI_S5_VALUE (0x34) powers off
 *
 * Both: \_S5's SLP_TYPa (the DSDT) is HVX_ACPI_SLP_TYP_S5. Reset is the
 * byte HVX_ACPI_RESET_VALUE written to HVX_ACPI_RESET_PORT (4.8.3.6
 * "Reset Register"), the PC's Reset Control register at 0xcf9 (bit 1
 * SYS_RST, bit 2 RST_CPU: 0x06 is a hard reset), as PC firmware declares.
 *
 * Ports 0x600-0x609: outside the fixed ISA map of the PC/AT (0x000-0x3ff),
 * the PCI configuration ports (0xcf8-0xcff) and the ports QEMU, Bochs and
 * kvmtool give fixed devices (0x402, 0x4d0, 0x510, 0x8900, 0xb000); a
 * chipset's ACPI register block is relocatable (ICH's PMBASE, which
 * firmware commonly puts here). (0x3c0, used by some VMMs, is VGA's.)
 * The sleep registers' names and values are those devices/devices.h
 * already uses.
 */
#define HVX_ACPI_SLEEP_CONTROL_PORT	0x600
#define HVX_ACPI_SLEEP_STATUS_PORT	0x601
#define HVX_ACPI_PM1_EVT_PORT		0x604	/* 4 bytes: PM1a_STS, PM1a_EN */
#define HVX_ACPI_PM1_CNT_PORT		0x608	/* 2 bytes: PM1a_CNT */
#define HVX_ACPI_PM1_SCI_EN		0x0001
#define HVX_ACPI_PM1_SLP_TYP_SHIFT	10
#define HVX_ACPI_PM1_SLP_TYP_MASK	0x1c00
#define HVX_ACPI_PM1_SLP_EN		0x2000
#define HVX_ACPI_SCI_IRQ		9
#define HVX_ACPI_SLP_TYP_SHIFT		2
#define HVX_ACPI_SLP_TYP_MASK		0x1c
#define HVX_ACPI_SLP_EN			0x20
#define HVX_ACPI_WAK_STS		0x80
#define HVX_ACPI_SLP_TYP_S5		5
#define HVX_ACPI_S5_VALUE	((HVX_ACPI_SLP_TYP_S5 << HVX_ACPI_SLP_TYP_SHIFT) | HVX_ACPI_SLP_EN)
#define HVX_ACPI_RESET_PORT		0xcf9
#define HVX_ACPI_RESET_VALUE		0x06

/* Multiboot (0.6.96, 3.2 "Machine state"). */
#define HVX_MULTIBOOT_MAGIC	0x1BADB002U	/* in the image's header */
#define HVX_MULTIBOOT_EAX	0x2BADB002U	/* in EAX at entry */

#endif
