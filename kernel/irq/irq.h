/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel interrupt controllers (KVM_CREATE_IRQCHIP, api.rst 4.24)
 * and the PIT (KVM_CREATE_PIT2): the contract between the device models
 * (pic.c, ioapic.c, pit.c, lapic.c) and the vCPU core (vcpu.c, irq.c).
 *
 * Who owns what:
 *  - pic.c, ioapic.c, pit.c: per VM, each with its own spinlock; called
 *    from any vCPU thread, from ioctls and from hrtimer callbacks.
 *  - lapic.c: one per vCPU. Only the vCPU's own thread (vcpu->mutex held)
 *    changes its registers, except IRR/TMR bits, which other threads set
 *    with atomic bit operations (hvx_apic_deliver), followed by a kick.
 *  - the core turns pending APIC/PIC interrupts, NMIs, INIT and SIPI into
 *    injections before each guest entry, sleeps in HLT, and kicks vCPUs.
 *
 * Locking order: ioapic->lock, then pic->lock; pit->lock is never held
 * while calling out (its timer callback raises IRQ 0 after unlocking).
 * No device lock is held across a call into the core that may sleep.
 */
#ifndef HVX_IRQ_H
#define HVX_IRQ_H

#include <linux/types.h>
#include <linux/kvm.h>

struct hvx_vm;
struct hvx_vcpu;
struct hvx_pic;
struct hvx_ioapic;
struct hvx_pit;
struct hvx_lapic;

#define HVX_NR_IRQ_PINS		24	/* IOAPIC pins = GSIs; 0-15 also go to the PIC */
#define HVX_IOAPIC_BASE		0xfec00000ULL
#define HVX_IOAPIC_SIZE		0x100
#define HVX_APIC_DEFAULT_BASE	0xfee00000ULL

/* Delivery modes, as in ICR bits 10:8 and IOAPIC redirection bits 10:8. */
enum {
	HVX_DM_FIXED = 0, HVX_DM_LOWEST = 1, HVX_DM_SMI = 2, HVX_DM_NMI = 4,
	HVX_DM_INIT = 5, HVX_DM_STARTUP = 6, HVX_DM_EXTINT = 7,
};
/* Destination shorthands, ICR bits 19:18. */
enum {
	HVX_SH_NONE = 0, HVX_SH_SELF = 1, HVX_SH_ALL = 2, HVX_SH_OTHERS = 3,
};

/* One interrupt message, from the ICR, an IOAPIC pin or an LVT entry. */
struct hvx_apic_irq {
	u32 dest;		/* xAPIC: 8-bit ID or logical mask; x2APIC: 32 bits */
	u8 vector;
	u8 delivery_mode;	/* HVX_DM_* */
	u8 shorthand;		/* HVX_SH_* (only from the ICR) */
	bool logical;		/* destination mode logical */
	bool level;		/* level-triggered: the vector's TMR bit is set */
	bool assert;		/* ICR level bit (INIT level de-assert is ignored) */
};

/* ---- irq.c: the VM-wide glue ---- */
int hvx_irqchip_create(struct hvx_vm *vm);		/* KVM_CREATE_IRQCHIP */
void hvx_irqchip_destroy(struct hvx_vm *vm);
/* Drive GSI @irq to @level on the PIC (irq < 16) and the IOAPIC; returns
 * what KVM_IRQ_LINE_STATUS reports (>0 delivered, 0 coalesced, <0 none). */
int hvx_irq_line(struct hvx_vm *vm, u32 irq, int level);
int hvx_irqchip_get(struct hvx_vm *vm, struct kvm_irqchip *chip);
int hvx_irqchip_set(struct hvx_vm *vm, const struct kvm_irqchip *chip);
/* PIO and MMIO for in-kernel devices: 0 handled, -ENOENT not ours. */
int hvx_kernel_pio(struct hvx_vcpu *vcpu, u16 port, u8 size, bool in, u32 *val);
int hvx_kernel_mmio(struct hvx_vcpu *vcpu, u64 gpa, u8 len, bool write, void *data);
/* The PIC's INTR output went up: wake the vCPU(s) that take ExtINT. */
void hvx_irq_pic_output_raised(struct hvx_vm *vm);

/* ---- pic.c: the 8259A pair (master 0x20/0x21, slave 0xa0/0xa1, ELCR 0x4d0/0x4d1) ---- */
struct hvx_pic *hvx_pic_create(struct hvx_vm *vm);
void hvx_pic_destroy(struct hvx_pic *pic);
int hvx_pic_set_irq(struct hvx_pic *pic, u32 irq, int level);	/* as hvx_irq_line */
bool hvx_pic_has_interrupt(struct hvx_pic *pic);	/* INTR output */
int hvx_pic_read_irq(struct hvx_pic *pic);		/* INTA cycle: the vector */
int hvx_pic_pio(struct hvx_pic *pic, u16 port, bool in, u32 *val);	/* 1 byte */
void hvx_pic_get_state(struct hvx_pic *pic, int chip_id, struct kvm_pic_state *s);
int hvx_pic_set_state(struct hvx_pic *pic, int chip_id, const struct kvm_pic_state *s);

/* ---- ioapic.c: 24 pins at HVX_IOAPIC_BASE ---- */
struct hvx_ioapic *hvx_ioapic_create(struct hvx_vm *vm);
void hvx_ioapic_destroy(struct hvx_ioapic *ioapic);
int hvx_ioapic_set_irq(struct hvx_ioapic *ioapic, u32 irq, int level);
/* A local APIC got an EOI for a level-triggered @vector (EOI broadcast). */
void hvx_ioapic_eoi(struct hvx_ioapic *ioapic, u8 vector);
int hvx_ioapic_mmio(struct hvx_ioapic *ioapic, u64 offset, u8 len, bool write, void *data);
void hvx_ioapic_get_state(struct hvx_ioapic *ioapic, struct kvm_ioapic_state *s);
int hvx_ioapic_set_state(struct hvx_ioapic *ioapic, const struct kvm_ioapic_state *s);

/* ---- pit.c: the 8254 at ports 0x40-0x43, and port 0x61 ---- */
struct hvx_pit *hvx_pit_create(struct hvx_vm *vm, u32 flags);	/* KVM_CREATE_PIT2 */
void hvx_pit_destroy(struct hvx_pit *pit);
int hvx_pit_pio(struct hvx_pit *pit, u16 port, u8 size, bool in, u32 *val);
int hvx_pit_get_state(struct hvx_pit *pit, struct kvm_pit_state2 *s);
int hvx_pit_set_state(struct hvx_pit *pit, const struct kvm_pit_state2 *s);

/* ---- lapic.c: one local APIC per vCPU ---- */
int hvx_lapic_create(struct hvx_vcpu *vcpu);		/* at KVM_CREATE_VCPU if irqchip */
void hvx_lapic_free(struct hvx_vcpu *vcpu);
void hvx_lapic_reset(struct hvx_vcpu *vcpu, bool init);	/* power-on or INIT state */
/* Send @irq to its destinations (from @src's ICR, or src NULL: IOAPIC).
 * Returns how many local APICs accepted it (0: none). Any thread. */
int hvx_apic_deliver(struct hvx_vm *vm, struct hvx_vcpu *src, const struct hvx_apic_irq *irq);
/* Before entry, on the vCPU's thread: fold expired timer ticks into IRR. */
void hvx_lapic_update(struct hvx_vcpu *vcpu);
/* Highest IRR vector that PPR lets through, or -1. */
int hvx_lapic_pending_vector(struct hvx_vcpu *vcpu);
/* The vector was injected: IRR -> ISR, PPR recomputed. */
void hvx_lapic_ack(struct hvx_vcpu *vcpu, u8 vector);
/* LVT0 takes ExtINT (or the APIC is hardware-disabled): the PIC reaches us. */
bool hvx_lapic_accepts_pic(struct hvx_vcpu *vcpu);
/* CR8 <-> TPR[7:4] (SDM Vol. 3A, 11.8.6.5). */
void hvx_lapic_set_cr8(struct hvx_vcpu *vcpu, u64 cr8);
u64 hvx_lapic_get_cr8(struct hvx_vcpu *vcpu);
/* xAPIC page at the APIC base: 0 handled, -ENOENT not the APIC page. */
int hvx_lapic_mmio(struct hvx_vcpu *vcpu, u64 gpa, u8 len, bool write, void *data);
/* IA32_APIC_BASE, TSC_DEADLINE and the x2APIC MSRs 0x800-0x8ff:
 * 0 done, 1 #GP, -ENOENT not an APIC MSR. @host: from KVM_SET_MSRS. */
int hvx_lapic_msr_get(struct hvx_vcpu *vcpu, u32 msr, u64 *data);
int hvx_lapic_msr_set(struct hvx_vcpu *vcpu, u32 msr, u64 data, bool host);
int hvx_lapic_get_state(struct hvx_vcpu *vcpu, struct kvm_lapic_state *s);
int hvx_lapic_set_state(struct hvx_vcpu *vcpu, const struct kvm_lapic_state *s);

/* ---- the core (vcpu.c / irq.c), for the device models ---- */
/* Make the vCPU notice new work: wake it from HLT, or force an exit if it
 * is in guest mode on another CPU. Any context, including hardirq. */
void hvx_vcpu_kick(struct hvx_vcpu *vcpu);
void hvx_vcpu_queue_nmi(struct hvx_vcpu *vcpu);
void hvx_vcpu_queue_init(struct hvx_vcpu *vcpu);
void hvx_vcpu_queue_sipi(struct hvx_vcpu *vcpu, u8 vector);

#endif
