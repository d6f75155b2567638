// SPDX-License-Identifier: GPL-2.0
/*
 * The file descriptors of the KVM ABI (Documentation/virt/kvm/api.rst,
 * "2. General description"): the system fd (/dev/hvx), a VM fd from
 * KVM_CREATE_VM and a vCPU fd from KVM_CREATE_VCPU. Arguments are checked
 * here; the work is done in vm.c and vcpu.c.
 *
 * Unknown ioctls fail as KVM's do on x86: -EINVAL on the system and vCPU
 * fds, -ENOTTY on the VM fd. A VM or vCPU fd used from another process
 * than the one that created the VM gets -EIO, as in KVM.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/slab.h>

#include "hvx.h"
#include "irq/irq.h"

/* KVM_CHECK_EXTENSION: only what hvx implements says yes. */
static long check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_USER_NMI:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_TSC_DEADLINE_TIMER:	/* irq/lapic.c, CPUID.1:ECX[24] */
	case KVM_CAP_MP_STATE:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_IOAPIC_POLARITY_IGNORED:
	case KVM_CAP_PIT:
	case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2:
	case KVM_CAP_ENABLE_CAP_VM:		/* MAX_VCPU_ID, X86_USER_SPACE_MSR */
	case KVM_CAP_X86_USER_SPACE_MSR:	/* msr.c */
	case KVM_CAP_X86_MSR_FILTER:
	case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_MSR_PLATFORM_INFO:
	case KVM_CAP_SET_TSS_ADDR:		/* accepted, no effect (vm.c) */
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_MMU_SHADOW_CACHE_CONTROL:	/* stored, no effect (vm.c) */
	case KVM_CAP_BINARY_STATS_FD:		/* stats.c */
		return 1;
	case KVM_CAP_SYNC_REGS:
		return HVX_SYNC_FIELDS;
	case KVM_CAP_NR_MEMSLOTS:
		return HVX_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(int, num_online_cpus(), HVX_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return HVX_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return HVX_MAX_VCPU_ID;
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_XSAVE:
		return 1;
	case KVM_CAP_XCRS:
		return boot_cpu_has(X86_FEATURE_XSAVE);
	case KVM_CAP_XSAVE2:
		return hvx_xsave2_size();
	default:
		return 0;
	}
}

/* ---- vCPU fd ---- */

static vm_fault_t vcpu_fault(struct vm_fault *vmf)
{
	struct hvx_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == HVX_PIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->pio_data);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct hvx_vcpu *vcpu = file->private_data;

	hvx_vm_put(vcpu->vm);
	return 0;
}

/* KVM_GET/SET_LAPIC: the register page, 1 KiB (api.rst 4.57, 4.58). */
static long lapic_ioctl(struct hvx_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	struct kvm_lapic_state *st;
	long r;

	if (!vcpu->apic)
		return -EINVAL;		/* KVM's answer without an in-kernel LAPIC */
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	if (ioctl == KVM_GET_LAPIC) {
		r = hvx_lapic_get_state(vcpu, st);
		if (!r && copy_to_user(argp, st, sizeof(*st)))
			r = -EFAULT;
	} else {
		r = copy_from_user(st, argp, sizeof(*st)) ? -EFAULT : hvx_lapic_set_state(vcpu, st);
	}
	kfree(st);
	return r;
}

static long vcpu_ioctl_locked(struct hvx_vcpu *vcpu, unsigned int ioctl,
			      unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	switch (ioctl) {
	case KVM_RUN:
		if (arg)
			return -EINVAL;
		return hvx_vcpu_run(vcpu);
	case KVM_GET_REGS:
		hvx_vcpu_get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	case KVM_SET_REGS:
		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		return hvx_vcpu_set_regs(vcpu, &regs);
	case KVM_GET_SREGS:
		hvx_vcpu_get_sregs(vcpu, &sregs);
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	case KVM_SET_SREGS:
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		return hvx_vcpu_set_sregs(vcpu, &sregs);
	case KVM_INTERRUPT: {
		struct kvm_interrupt irq;

		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return hvx_vcpu_interrupt(vcpu, irq.irq);
	}
	case KVM_NMI:
		return hvx_vcpu_nmi(vcpu);
	case KVM_GET_MP_STATE: {
		struct kvm_mp_state mp;

		hvx_vcpu_get_mp_state(vcpu, &mp);
		return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
	}
	case KVM_SET_MP_STATE: {
		struct kvm_mp_state mp;

		if (copy_from_user(&mp, argp, sizeof(mp)))
			return -EFAULT;
		return hvx_vcpu_set_mp_state(vcpu, &mp);
	}
	case KVM_GET_VCPU_EVENTS: {
		struct kvm_vcpu_events ev;

		hvx_vcpu_get_events(vcpu, &ev);
		return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
	}
	case KVM_SET_VCPU_EVENTS: {
		struct kvm_vcpu_events ev;

		if (copy_from_user(&ev, argp, sizeof(ev)))
			return -EFAULT;
		return hvx_vcpu_set_events(vcpu, &ev);
	}
	case KVM_GET_DEBUGREGS: {
		struct kvm_debugregs d;

		hvx_vcpu_get_debugregs(vcpu, &d);
		return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
	}
	case KVM_SET_DEBUGREGS: {
		struct kvm_debugregs d;

		if (copy_from_user(&d, argp, sizeof(d)))
			return -EFAULT;
		return hvx_vcpu_set_debugregs(vcpu, &d);
	}
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
		return lapic_ioctl(vcpu, ioctl, argp);
	/* CPUID, MSRs, FPU/XSAVE/XCRs: the argument sizes vary, cpuid.c,
	 * msr.c and state.c copy them. */
	case KVM_SET_CPUID:
		return hvx_vcpu_set_cpuid(vcpu, argp);
	case KVM_SET_CPUID2:
		return hvx_vcpu_set_cpuid2(vcpu, argp);
	case KVM_GET_CPUID2:
		return hvx_vcpu_get_cpuid2(vcpu, argp);
	case KVM_GET_MSRS:
	case KVM_SET_MSRS:
		return hvx_vcpu_msr_io(vcpu, argp, ioctl == KVM_SET_MSRS);
	case KVM_GET_FPU:
		return hvx_vcpu_get_fpu(vcpu, argp);
	case KVM_SET_FPU:
		return hvx_vcpu_set_fpu(vcpu, argp);
	case KVM_GET_XSAVE:
	case KVM_GET_XSAVE2:
		return hvx_vcpu_get_xsave(vcpu, argp, ioctl == KVM_GET_XSAVE2);
	case KVM_SET_XSAVE:
		return hvx_vcpu_set_xsave(vcpu, argp);
	case KVM_GET_XCRS:
		return hvx_vcpu_get_xcrs(vcpu, argp);
	case KVM_SET_XCRS:
		return hvx_vcpu_set_xcrs(vcpu, argp);
	case KVM_GET_STATS_FD:
		return hvx_stats_vcpu_fd(vcpu);
	default:
		return -EINVAL;
	}
}

static long vcpu_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct hvx_vcpu *vcpu = file->private_data;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	hvx_vcpu_load(vcpu);
	r = vcpu_ioctl_locked(vcpu, ioctl, arg);
	hvx_vcpu_put(vcpu);
	mutex_unlock(&vcpu->mutex);
	return r;
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vcpu_release,
	.unlocked_ioctl	= vcpu_ioctl,
	.mmap		= vcpu_mmap,
	.llseek		= noop_llseek,
};

static int create_vcpu(struct hvx_vm *vm, unsigned long id)
{
	struct hvx_vcpu *vcpu;
	char name[24];
	int fd;

	fd = hvx_vm_check_vcpu_id(vm, id);
	if (fd)
		return fd;
	vcpu = hvx_vcpu_create(vm, id);
	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
	hvx_stats_name_vcpu(vcpu);
	snprintf(name, sizeof(name), "hvx-vcpu:%lu", id);
	/* The fd holds the vCPU's reference on the VM (taken in create). */
	hvx_vm_get(vm);
	fd = anon_inode_getfd(name, &vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		hvx_vm_put(vm);
		hvx_vcpu_destroy(vcpu);
	}
	return fd;
}

/* ---- VM fd ---- */

static int vm_release(struct inode *inode, struct file *file)
{
	hvx_vm_put(file->private_data);
	return 0;
}

/*
 * The in-kernel PIC/IOAPIC and PIT (irq/irq.h). Errors in KVM's order:
 * -EFAULT for an unreadable argument first, then -ENXIO without an
 * irqchip (or a PIT).
 */
static long irqchip_ioctl(struct hvx_vm *vm, unsigned int ioctl, void __user *argp)
{
	struct kvm_irqchip *chip;
	struct kvm_irq_level ev;
	long r;

	if (ioctl == KVM_IRQ_LINE || ioctl == KVM_IRQ_LINE_STATUS) {
		if (copy_from_user(&ev, argp, sizeof(ev)))
			return -EFAULT;
		if (!smp_load_acquire(&vm->irqchip))
			return -ENXIO;
		ev.status = hvx_irq_line(vm, ev.irq, ev.level);
		if (ioctl == KVM_IRQ_LINE_STATUS && copy_to_user(argp, &ev, sizeof(ev)))
			return -EFAULT;
		return 0;
	}
	/* KVM_GET_IRQCHIP / KVM_SET_IRQCHIP (api.rst 4.26, 4.27) */
	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	if (ioctl == KVM_GET_IRQCHIP) {
		r = hvx_irqchip_get(vm, chip);
		if (!r && copy_to_user(argp, chip, sizeof(*chip)))
			r = -EFAULT;
	} else {
		r = hvx_irqchip_set(vm, chip);
	}
	kfree(chip);
	return r;
}

/* KVM_CREATE_PIT2 (api.rst 4.71); KVM ignores unknown flags and pad. */
static int create_pit(struct hvx_vm *vm, u32 flags)
{
	struct hvx_pit *pit;
	int r = -EEXIST;

	mutex_lock(&vm->lock);
	if (!vm->pit) {
		r = -ENOMEM;
		pit = hvx_pit_create(vm, flags);
		if (pit) {
			smp_store_release(&vm->pit, pit);
			r = 0;
		}
	}
	mutex_unlock(&vm->lock);
	return r;
}

static long pit_ioctl(struct hvx_vm *vm, unsigned int ioctl, void __user *argp)
{
	struct hvx_pit *pit = smp_load_acquire(&vm->pit);
	struct kvm_pit_config config;
	struct kvm_pit_state2 ps2;
	struct kvm_pit_state ps;
	long r;

	switch (ioctl) {
	case KVM_CREATE_PIT:		/* the old form: speaker port included */
		return create_pit(vm, KVM_PIT_SPEAKER_DUMMY);
	case KVM_CREATE_PIT2:
		if (copy_from_user(&config, argp, sizeof(config)))
			return -EFAULT;
		return create_pit(vm, config.flags);
	case KVM_GET_PIT2:
		if (!pit)
			return -ENXIO;
		hvx_pit_get_state(pit, &ps2);
		return copy_to_user(argp, &ps2, sizeof(ps2)) ? -EFAULT : 0;
	case KVM_SET_PIT2:
		if (copy_from_user(&ps2, argp, sizeof(ps2)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		mutex_lock(&vm->lock);
		r = hvx_pit_set_state(pit, &ps2);
		mutex_unlock(&vm->lock);
		return r;
	case KVM_GET_PIT:
		if (copy_from_user(&ps, argp, sizeof(ps)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		hvx_pit_get_state(pit, &ps2);
		memcpy(ps.channels, ps2.channels, sizeof(ps.channels));
		return copy_to_user(argp, &ps, sizeof(ps)) ? -EFAULT : 0;
	default:			/* KVM_SET_PIT: the flags stay */
		if (copy_from_user(&ps, argp, sizeof(ps)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		mutex_lock(&vm->lock);
		hvx_pit_get_state(pit, &ps2);
		memcpy(ps2.channels, ps.channels, sizeof(ps2.channels));
		r = hvx_pit_set_state(pit, &ps2);
		mutex_unlock(&vm->lock);
		return r;
	}
}

/* KVM_GET_DIRTY_LOG (api.rst 4.8), KVM_ENABLE_CAP (4.37): vm.c does the work. */
static long vm_struct_ioctl(struct hvx_vm *vm, unsigned int ioctl, void __user *argp)
{
	struct kvm_dirty_log log;
	struct kvm_enable_cap cap;

	if (ioctl == KVM_GET_DIRTY_LOG) {
		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		return hvx_vm_get_dirty_log(vm, &log);
	}
	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	return hvx_vm_enable_cap(vm, &cap);
}

static long vm_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct hvx_vm *vm = file->private_data;
	struct kvm_userspace_memory_region mem;

	if (vm->mm != current->mm)
		return -EIO;
	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return create_vcpu(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		if (copy_from_user(&mem, (void __user *)arg, sizeof(mem)))
			return -EFAULT;
		return hvx_vm_set_memory_region(vm, &mem);
	case KVM_CHECK_EXTENSION:
		return check_extension(arg);
	case KVM_GET_STATS_FD:
		return hvx_stats_vm_fd(vm);
	case KVM_GET_DIRTY_LOG:
	case KVM_ENABLE_CAP:
		return vm_struct_ioctl(vm, ioctl, (void __user *)arg);
	case KVM_SET_BOOT_CPU_ID:
		return hvx_vm_set_boot_cpu_id(vm, arg);
	case KVM_SET_TSS_ADDR:
		return hvx_vm_set_tss_addr(vm, arg);
	case KVM_SET_IDENTITY_MAP_ADDR:
		return hvx_vm_set_identity_map_addr(vm, (const u64 __user *)arg);
	case KVM_X86_SET_MSR_FILTER:
		return hvx_vm_set_msr_filter(vm, (void __user *)arg);
	case KVM_SET_NR_MMU_PAGES:
		return hvx_vm_set_nr_mmu_pages(vm, arg);
	case KVM_GET_NR_MMU_PAGES:
		return hvx_vm_get_nr_mmu_pages(vm);
	case KVM_CREATE_IRQCHIP:
		return hvx_irqchip_create(vm);
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
	case KVM_GET_IRQCHIP:
	case KVM_SET_IRQCHIP:
		return irqchip_ioctl(vm, ioctl, (void __user *)arg);
	case KVM_CREATE_PIT:
	case KVM_CREATE_PIT2:
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
	case KVM_GET_PIT:
	case KVM_SET_PIT:
		return pit_ioctl(vm, ioctl, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vm_release,
	.unlocked_ioctl	= vm_ioctl,
	.llseek		= noop_llseek,
};

static int create_vm(unsigned long type)
{
	struct hvx_vm *vm;
	int fd;

	vm = hvx_vm_create(type);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	hvx_stats_name_vm(vm);
	fd = anon_inode_getfd("hvx-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		hvx_vm_put(vm);
	return fd;
}

/* ---- system fd ---- */

static long dev_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : HVX_API_VERSION;
	case KVM_CREATE_VM:
		return create_vm(arg);
	case KVM_CHECK_EXTENSION:
		return check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : HVX_VCPU_MMAP_PAGES * PAGE_SIZE;
	case KVM_X86_GET_MCE_CAP_SUPPORTED: {
		/* hvx emulates no machine-check banks: no MCG_CAP feature (KVM_CAP_MCE is 0). */
		u64 caps = 0;

		return copy_to_user((void __user *)arg, &caps, sizeof(caps)) ? -EFAULT : 0;
	}
	case KVM_GET_SUPPORTED_CPUID:
		return hvx_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		return hvx_get_msr_index_list((void __user *)arg);
	/*
	 * No MSR-based features (KVM_CAP_GET_MSR_FEATURES is 0): hvx offers
	 * none of the capability MSRs KVM lists there, so the feature list
	 * and KVM_GET_MSRS on this fd are unknown ioctls.
	 */
	default:
		return -EINVAL;
	}
}

static const struct file_operations dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice hvx_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hvx",
	.fops	= &dev_fops,
	.mode	= 0660,
};

int hvx_dev_init(void)
{
	hvx_stats_init();
	return misc_register(&hvx_misc);
}

void hvx_dev_exit(void)
{
	misc_deregister(&hvx_misc);
}
