// SPDX-License-Identifier: GPL-2.0
/*
 * A VM: its memory slots and the nested page table built from them.
 *
 * Guest memory is the VMM's own anonymous or file memory, named by
 * KVM_SET_USER_MEMORY_REGION. A page is pinned (pin_user_pages, long-term)
 * the first time the guest touches it and mapped in the nested page table;
 * it stays pinned until its slot is deleted or the VM is destroyed. hvx
 * has no MMU notifier: if the VMM later unmaps or remaps the range, the
 * guest keeps the pages it had (they cannot be freed under it, so the
 * guest never sees another process's memory). That is why hvx does not
 * advertise KVM_CAP_SYNC_MMU.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <asm/io.h>

#include "hvx.h"

struct hvx_vm *hvx_vm_create(unsigned long type)
{
	struct hvx_vm *vm;
	int r;

	/* x86 has one VM type, KVM_X86_DEFAULT_VM (0). */
	if (type)
		return ERR_PTR(-EINVAL);
	vm = kzalloc(hvx_ops->vm_size, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	init_rwsem(&vm->mmu_sem);

	r = hvx_hw_get();
	if (r)
		goto err_free;
	r = -ENOMEM;
	vm->tdp_root = hvx_tdp_alloc_root(&vm->tdp_root_pa);
	if (!vm->tdp_root)
		goto err_hw;
	r = hvx_ops->vm_init(vm);
	if (r)
		goto err_tdp;
	vm->mm = current->mm;
	mmgrab(vm->mm);
	atomic_inc(&hvx_stat_vms);
	return vm;

err_tdp:
	hvx_tdp_free(vm->tdp_root);
err_hw:
	hvx_hw_put();
err_free:
	kfree(vm);
	return ERR_PTR(r);
}

void hvx_vm_get(struct hvx_vm *vm)
{
	kref_get(&vm->ref);
}

/* Unpin every page of a slot; its mappings must be gone already. */
static void slot_unpin_all(struct hvx_vm *vm, struct hvx_memslot *slot)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(slot->pages, idx, page) {
		unpin_user_pages_dirty_lock(&page, 1, !(slot->flags & KVM_MEM_READONLY));
		vm->pinned_pages--;
		atomic_long_dec(&hvx_stat_pinned_pages);
		cond_resched();
	}
	xa_destroy(slot->pages);
}

static void slot_free(struct hvx_vm *vm, struct hvx_memslot *slot)
{
	slot_unpin_all(vm, slot);
	kfree(slot->pages);
	kfree(slot);
}

static void vm_destroy(struct kref *ref)
{
	struct hvx_vm *vm = container_of(ref, struct hvx_vm, ref);
	int i;

	for (i = 0; i < HVX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvx_vcpu_destroy(vm->vcpus[i]);
	/* No vCPU is left to use the nested page table: free it, then the pages. */
	hvx_tdp_free(vm->tdp_root);
	for (i = 0; i < HVX_MAX_MEMSLOTS; i++)
		if (vm->slots[i])
			slot_free(vm, vm->slots[i]);
	WARN_ON(vm->pinned_pages);
	hvx_ops->vm_destroy(vm);
	mmdrop(vm->mm);
	atomic_dec(&hvx_stat_vms);
	kfree(vm);
	hvx_hw_put();
}

void hvx_vm_put(struct hvx_vm *vm)
{
	kref_put(&vm->ref, vm_destroy);
}

static bool overlaps(struct hvx_vm *vm, u32 skip, u64 gpa, u64 npages)
{
	u64 end = gpa + (npages << PAGE_SHIFT);
	int i;

	for (i = 0; i < HVX_MAX_MEMSLOTS; i++) {
		struct hvx_memslot *s = vm->slots[i];

		if (!s || i == skip)
			continue;
		if (gpa < s->gpa + (s->npages << PAGE_SHIFT) && s->gpa < end)
			return true;
	}
	return false;
}

/*
 * Remove a slot's mappings from the nested page table. Holding mmu_sem
 * for writing waits until no vCPU of the VM is in guest mode; each one
 * flushes its ASID on its next entry because tlb_gen moved (svm.c). Only
 * then may the pages be unpinned.
 */
static void kick_nothing(void *unused)
{
}

static void slot_unmap(struct hvx_vm *vm, struct hvx_memslot *slot)
{
	int i, cpu;

	/*
	 * An interrupt makes every vCPU now in guest mode exit, so the wait
	 * below is short even on a CPU without a timer tick; a vCPU that
	 * enters after it blocks on mmu_sem behind us.
	 */
	mutex_lock(&vm->lock);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		cpu = vm->vcpus[i] ? READ_ONCE(vm->vcpus[i]->in_guest_cpu) : -1;
		if (cpu >= 0)
			smp_call_function_single(cpu, kick_nothing, NULL, 0);
	}
	mutex_unlock(&vm->lock);
	down_write(&vm->mmu_sem);
	hvx_tdp_unmap_range(vm->tdp_root, slot->gpa, slot->npages);
	vm->tlb_gen++;
	up_write(&vm->mmu_sem);
}

static int slot_create(struct hvx_vm *vm, u32 id, u32 flags, u64 gpa,
		       u64 npages, u64 uaddr)
{
	struct hvx_memslot *slot;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	slot->pages = kzalloc(sizeof(struct xarray), GFP_KERNEL_ACCOUNT);
	if (!slot->pages) {
		kfree(slot);
		return -ENOMEM;
	}
	xa_init(slot->pages);
	slot->id = id;
	slot->flags = flags;
	slot->gpa = gpa;
	slot->npages = npages;
	slot->uaddr = uaddr;
	vm->slots[id] = slot;
	return 0;
}

/*
 * A moved slot keeps its memory and its id; nothing is allocated, so the
 * move cannot fail half-way. Its pages are pinned again on use.
 */
static int slot_move(struct hvx_vm *vm, struct hvx_memslot *slot, u64 gpa)
{
	slot_unmap(vm, slot);
	slot_unpin_all(vm, slot);
	xa_init(slot->pages);
	slot->gpa = gpa;
	return 0;
}

static int check_region(const struct kvm_userspace_memory_region *mem)
{
	u32 as_id = mem->slot >> 16, id = (u16)mem->slot;

	/* Dirty logging (KVM_MEM_LOG_DIRTY_PAGES) is not implemented. */
	if (mem->flags & ~KVM_MEM_READONLY)
		return -EINVAL;
	if (as_id != 0 || id >= HVX_MAX_MEMSLOTS)
		return -EINVAL;
	if ((mem->memory_size | mem->guest_phys_addr | mem->userspace_addr) & ~PAGE_MASK)
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	if (mem->memory_size &&
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return -EINVAL;
	if ((mem->memory_size >> PAGE_SHIFT) > HVX_MEM_MAX_NR_PAGES)
		return -EINVAL;
	return 0;
}

/*
 * KVM_SET_USER_MEMORY_REGION (api.rst 4.35): create, delete (size 0),
 * move (new guest_phys_addr) or change flags of a slot, with KVM's rules.
 */
static int set_region_locked(struct hvx_vm *vm,
			     const struct kvm_userspace_memory_region *mem)
{
	u32 id = (u16)mem->slot;
	struct hvx_memslot *old = vm->slots[id];
	u64 npages = mem->memory_size >> PAGE_SHIFT;

	if (!npages) {
		if (!old)
			return -EINVAL;
		slot_unmap(vm, old);
		vm->slots[id] = NULL;
		slot_free(vm, old);
		return 0;
	}
	if (old) {
		if (mem->userspace_addr != old->uaddr || npages != old->npages ||
		    ((mem->flags ^ old->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		if (mem->guest_phys_addr == old->gpa)
			return 0;	/* no flag hvx supports can change */
		if (overlaps(vm, id, mem->guest_phys_addr, npages))
			return -EEXIST;
		return slot_move(vm, old, mem->guest_phys_addr);
	} else if (overlaps(vm, id, mem->guest_phys_addr, npages)) {
		return -EEXIST;
	}
	return slot_create(vm, id, mem->flags, mem->guest_phys_addr, npages,
			   mem->userspace_addr);
}

int hvx_vm_set_memory_region(struct hvx_vm *vm,
			     const struct kvm_userspace_memory_region *mem)
{
	int r = check_region(mem);

	if (r)
		return r;
	mutex_lock(&vm->slots_lock);
	r = set_region_locked(vm, mem);
	mutex_unlock(&vm->slots_lock);
	return r;
}

struct hvx_memslot *hvx_gpa_to_slot(struct hvx_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < HVX_MAX_MEMSLOTS; i++) {
		struct hvx_memslot *s = vm->slots[i];

		if (s && gpa >= s->gpa && gpa - s->gpa < (s->npages << PAGE_SHIFT))
			return s;
	}
	return NULL;
}

/*
 * Back the guest page at gpa: pin the VMM's page and map it. Returns 0,
 * -ENOENT when no slot holds gpa (MMIO), -EPERM for a write to a
 * read-only slot (MMIO too, as KVM reports it), -EFAULT when the VMM's
 * memory is not there, or -ENOMEM.
 */
int hvx_vm_map_gpa(struct hvx_vm *vm, u64 gpa, bool write)
{
	struct hvx_memslot *slot;
	unsigned int gup = FOLL_LONGTERM;
	struct page *page;
	unsigned long idx;
	int r;

	mutex_lock(&vm->slots_lock);
	slot = hvx_gpa_to_slot(vm, gpa);
	r = -ENOENT;
	if (!slot)
		goto out;
	r = -EPERM;
	if (write && (slot->flags & KVM_MEM_READONLY))
		goto out;
	idx = (gpa - slot->gpa) >> PAGE_SHIFT;
	page = xa_load(slot->pages, idx);
	if (!page) {
		if (!(slot->flags & KVM_MEM_READONLY))
			gup |= FOLL_WRITE;
		r = pin_user_pages_fast(slot->uaddr + (idx << PAGE_SHIFT), 1, gup, &page);
		if (r != 1) {
			r = -EFAULT;
			goto out;
		}
		r = xa_err(xa_store(slot->pages, idx, page, GFP_KERNEL_ACCOUNT));
		if (r) {
			unpin_user_page(page);
			goto out;
		}
		vm->pinned_pages++;
		atomic_long_inc(&hvx_stat_pinned_pages);
	}
	r = hvx_tdp_map(vm->tdp_root, gpa & PAGE_MASK, page_to_phys(page),
			!(slot->flags & KVM_MEM_READONLY));
out:
	mutex_unlock(&vm->slots_lock);
	return r;
}

/*
 * Guest memory as the emulator sees it: through the VMM's own mapping,
 * from the VMM's context. A range must lie in one slot.
 */
static void __user *gpa_to_user(struct hvx_vm *vm, u64 gpa, unsigned int len,
				bool write)
{
	struct hvx_memslot *slot = hvx_gpa_to_slot(vm, gpa);

	if (!slot || (write && (slot->flags & KVM_MEM_READONLY)))
		return NULL;
	if (gpa + len - slot->gpa > (slot->npages << PAGE_SHIFT))
		return NULL;
	return (void __user *)(unsigned long)(slot->uaddr + gpa - slot->gpa);
}

int hvx_read_guest(struct hvx_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	void __user *p;
	int r = -EFAULT;

	mutex_lock(&vm->slots_lock);
	p = gpa_to_user(vm, gpa, len, false);
	if (p && !copy_from_user(buf, p, len))
		r = 0;
	mutex_unlock(&vm->slots_lock);
	return r;
}

int hvx_write_guest(struct hvx_vm *vm, u64 gpa, const void *buf, unsigned int len)
{
	void __user *p;
	int r = -EFAULT;

	mutex_lock(&vm->slots_lock);
	p = gpa_to_user(vm, gpa, len, true);
	if (p && !copy_to_user(p, buf, len))
		r = 0;
	mutex_unlock(&vm->slots_lock);
	return r;
}
