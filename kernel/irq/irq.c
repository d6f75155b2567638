// SPDX-License-Identifier: GPL-2.0
/*
 * The VM-wide side of the in-kernel interrupt controllers: creating them
 * (KVM_CREATE_IRQCHIP, api.rst 4.24), the fixed GSI routing, the state
 * ioctls' dispatch by chip, and the port and MMIO ranges the vCPU core
 * hands to the in-kernel devices before exiting to user space.
 *
 * Routing is KVM's default one (KVM_SET_GSI_ROUTING is not offered):
 * GSI 0-15 go to both the PIC input of the same number and the I/O APIC
 * pin; GSI 16-23 to the I/O APIC only; other GSIs to nothing.
 *
 * vm->pic, vm->ioapic and vm->pit are set once, under vm->lock, and
 * published with a release store of vm->irqchip (vm->pit for the PIT);
 * vCPU threads, the PIT's work item and ioctls read them without locks
 * after an acquire load. They go away only with the VM.
 */
#include <linux/kvm.h>
#include <linux/spinlock.h>
#include <linux/rcupdate.h>

#include "hvx.h"
#include "irq.h"

int hvx_irqchip_create(struct hvx_vm *vm)
{
	struct hvx_ioapic *ioapic;
	struct hvx_pic *pic;
	int r;

	mutex_lock(&vm->lock);
	r = -EEXIST;
	if (vm->irqchip)
		goto out;
	/* Like KVM: vCPUs created before would have no local APIC. */
	r = -EINVAL;
	if (vm->nr_vcpus)
		goto out;
	r = -ENOMEM;
	pic = hvx_pic_create(vm);
	if (!pic)
		goto out;
	ioapic = hvx_ioapic_create(vm);
	if (!ioapic) {
		hvx_pic_destroy(pic);
		goto out;
	}
	vm->pic = pic;
	vm->ioapic = ioapic;
	smp_store_release(&vm->irqchip, true);
	r = 0;
out:
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * When the VM goes away, before its vCPUs: the PIT first, as its timer
 * and work item still raise IRQ 0 through the other two.
 */
void hvx_irqchip_destroy(struct hvx_vm *vm)
{
	hvx_pit_destroy(vm->pit);
	vm->pit = NULL;
	if (vm->ioapic)
		hvx_ioapic_destroy(vm->ioapic);
	if (vm->pic)
		hvx_pic_destroy(vm->pic);
	vm->ioapic = NULL;
	vm->pic = NULL;
	vm->irqchip = false;
}

/*
 * The status is KVM's: the sum of what the chips that the GSI reaches
 * reported (>0 delivered, 0 coalesced), or -1 if every one of them
 * ignored it (masked) or the GSI reaches none.
 */
int hvx_irq_line(struct hvx_vm *vm, u32 irq, int level)
{
	int ret = -1, r;

	if (!smp_load_acquire(&vm->irqchip) || irq >= HVX_NR_IRQ_PINS)
		return -1;
	if (irq < 16)
		ret = hvx_pic_set_irq(vm->pic, irq, level);
	r = hvx_ioapic_set_irq(vm->ioapic, irq, level);
	if (r >= 0)
		ret = (ret < 0 ? 0 : ret) + r;
	return ret;
}

int hvx_irqchip_get(struct hvx_vm *vm, struct kvm_irqchip *chip)
{
	if (!smp_load_acquire(&vm->irqchip))
		return -ENXIO;
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		hvx_pic_get_state(vm->pic, chip->chip_id, &chip->chip.pic);
		return 0;
	case KVM_IRQCHIP_IOAPIC:
		hvx_ioapic_get_state(vm->ioapic, &chip->chip.ioapic);
		return 0;
	default:
		return -EINVAL;
	}
}

int hvx_irqchip_set(struct hvx_vm *vm, const struct kvm_irqchip *chip)
{
	if (!smp_load_acquire(&vm->irqchip))
		return -ENXIO;
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		return hvx_pic_set_state(vm->pic, chip->chip_id, &chip->chip.pic);
	case KVM_IRQCHIP_IOAPIC:
		return hvx_ioapic_set_state(vm->ioapic, &chip->chip.ioapic);
	default:
		return -EINVAL;
	}
}

/* [port, port + size) inside [base, base + len): KVM's I/O bus only
 * gives a device the accesses that fit in its range. */
static bool pio_within(u16 port, u8 size, u16 base, u16 len)
{
	return port >= base && port + size <= base + len;
}

/*
 * The PIC pair and ELCR (with an irqchip), the PIT and port 0x61 (with a
 * PIT; 0x61 only with KVM_PIT_SPEAKER_DUMMY). An access of more than one
 * byte to the PIC is read as 0 and dropped, as KVM does.
 */
int hvx_kernel_pio(struct hvx_vcpu *vcpu, u16 port, u8 size, bool in, u32 *val)
{
	static const u16 pic_ports[] = { 0x20, 0xa0, 0x4d0 };
	struct hvx_vm *vm = vcpu->vm;
	struct hvx_pit *pit;
	int i;

	if (smp_load_acquire(&vm->irqchip)) {
		for (i = 0; i < ARRAY_SIZE(pic_ports); i++) {
			if (!pio_within(port, size, pic_ports[i], 2))
				continue;
			if (size == 1)
				return hvx_pic_pio(vm->pic, port, in, val);
			if (in)
				*val = 0;
			return 0;
		}
	}
	pit = smp_load_acquire(&vm->pit);
	if (pit && (pio_within(port, size, 0x40, 4) ||
		    (port == 0x61 && size <= 4)))
		return hvx_pit_pio(pit, port, size, in, val);
	return -ENOENT;
}

/* The local APIC page of this vCPU first, then the I/O APIC. */
int hvx_kernel_mmio(struct hvx_vcpu *vcpu, u64 gpa, u8 len, bool write, void *data)
{
	struct hvx_vm *vm = vcpu->vm;
	int r;

	if (vcpu->apic) {
		r = hvx_lapic_mmio(vcpu, gpa, len, write, data);
		if (r != -ENOENT)
			return r;
	}
	if (smp_load_acquire(&vm->irqchip) &&
	    gpa >= HVX_IOAPIC_BASE && gpa < HVX_IOAPIC_BASE + HVX_IOAPIC_SIZE)
		return hvx_ioapic_mmio(vm->ioapic, gpa - HVX_IOAPIC_BASE, len,
				       write, data);
	return -ENOENT;
}

/*
 * The PIC's INTR rose: wake each vCPU whose local APIC passes ExtINT
 * (LVT0 in ExtINT mode, or the APIC disabled). Any context. vCPUs are
 * read under RCU, as hvx_apic_deliver reads them: the core waits for a
 * grace period between unlisting a vCPU and freeing it.
 */
void hvx_irq_pic_output_raised(struct hvx_vm *vm)
{
	struct hvx_vcpu *vcpu;
	int i;

	rcu_read_lock();
	hvx_for_each_vcpu(i, vcpu, vm)
		if (READ_ONCE(vcpu->apic) && hvx_lapic_accepts_pic(vcpu))
			hvx_vcpu_kick(vcpu);
	rcu_read_unlock();
}
