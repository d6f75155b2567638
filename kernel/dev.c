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

#include "hvx.h"

/* KVM_CHECK_EXTENSION: only what hvx implements says yes. */
static long check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_READONLY_MEM:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return HVX_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(int, num_online_cpus(), HVX_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return HVX_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return HVX_MAX_VCPU_ID;
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
		memset(&sregs, 0, sizeof(sregs));
		hvx_ops->get_sregs(vcpu, &sregs);
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	case KVM_SET_SREGS:
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		return hvx_vcpu_set_sregs(vcpu, &sregs);
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

	if (id >= HVX_MAX_VCPU_ID)
		return -EINVAL;
	vcpu = hvx_vcpu_create(vm, id);
	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
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
	return misc_register(&hvx_misc);
}

void hvx_dev_exit(void)
{
	misc_deregister(&hvx_misc);
}
