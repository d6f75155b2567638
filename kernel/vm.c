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
 *
 * Dirty logging (api.rst 4.8 KVM_GET_DIRTY_LOG, 4.35 KVM_MEM_LOG_DIRTY_PAGES)
 * works by write protection, as KVM's does without PML: in a logging slot
 * a page is mapped writable in the nested table only while its bit in the
 * slot's bitmap is set. The first guest write to it faults, the fault sets
 * the bit and maps the page writable; KVM_GET_DIRTY_LOG copies the bitmap
 * out, clears it and takes write access away again. Writes hvx makes to
 * guest memory itself (INS and MMIO-read completion, hvx_write_guest)
 * set the bits directly. Pages stay pinned throughout: only the nested
 * table's write bit changes.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bitmap.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <asm/io.h>

#include "hvx.h"
#include "irq/irq.h"

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
	vm->guest_reads_platform_info = true;
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
	kvfree(slot->dirty_bitmap);
	kfree(slot);
}

/* KVM's size of a slot's dirty log: whole longs (kvm_dirty_bitmap_bytes). */
static unsigned long dirty_bitmap_bytes(u64 npages)
{
	return ALIGN(npages, BITS_PER_LONG) / 8;
}

static unsigned long *dirty_bitmap_alloc(u64 npages)
{
	return kvzalloc(dirty_bitmap_bytes(npages), GFP_KERNEL_ACCOUNT);
}

static void vm_destroy(struct kref *ref)
{
	struct hvx_vm *vm = container_of(ref, struct hvx_vm, ref);
	int i;

	/* The PIT's timer may still raise IRQ 0 towards the vCPUs: the
	 * in-kernel devices go first. */
	hvx_irqchip_destroy(vm);
	for (i = 0; i < HVX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvx_vcpu_destroy(vm->vcpus[i]);
	/* No vCPU is left to use the nested page table: free it, then the pages. */
	hvx_tdp_free(vm->tdp_root);
	for (i = 0; i < HVX_MAX_MEMSLOTS; i++)
		if (vm->slots[i])
			slot_free(vm, vm->slots[i]);
	WARN_ON(vm->pinned_pages);
	hvx_vm_free_msr_filter(vm);
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
 * Changing mappings the vCPUs may hold in their TLBs (removing a page or
 * its write access) takes mmu_sem for writing: that waits until no vCPU
 * of the VM is in guest mode. Each one flushes its translations on its
 * next entry because tlb_gen moved (svm.c: a new ASID; vmx.c: INVEPT).
 * Only then may pages be unpinned, or a write be relied on to fault.
 */
static void kick_nothing(void *unused)
{
}

static void guests_out(struct hvx_vm *vm)
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
}

static void guests_in(struct hvx_vm *vm, bool flush)
{
	if (flush)
		vm->tlb_gen++;
	up_write(&vm->mmu_sem);
}

/* Remove a slot's mappings from the nested page table. */
static void slot_unmap(struct hvx_vm *vm, struct hvx_memslot *slot)
{
	guests_out(vm);
	hvx_tdp_unmap_range(vm->tdp_root, slot->gpa, slot->npages);
	guests_in(vm, true);
}

/* Take write access away from every page of a slot that has it. */
static void slot_write_protect(struct hvx_vm *vm, struct hvx_memslot *slot)
{
	bool flush;

	guests_out(vm);
	flush = hvx_tdp_write_protect(vm->tdp_root, slot->gpa, slot->npages);
	guests_in(vm, flush);
}

static int slot_create(struct hvx_vm *vm, u32 id, u32 flags, u64 gpa,
		       u64 npages, u64 uaddr)
{
	struct hvx_memslot *slot;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	slot->pages = kzalloc(sizeof(struct xarray), GFP_KERNEL_ACCOUNT);
	if (!slot->pages)
		goto err_slot;
	if (flags & KVM_MEM_LOG_DIRTY_PAGES) {
		slot->dirty_bitmap = dirty_bitmap_alloc(npages);
		if (!slot->dirty_bitmap)
			goto err_pages;
	}
	xa_init(slot->pages);
	slot->id = id;
	slot->flags = flags;
	slot->gpa = gpa;
	slot->npages = npages;
	slot->uaddr = uaddr;
	vm->slots[id] = slot;
	return 0;

err_pages:
	kfree(slot->pages);
err_slot:
	kfree(slot);
	return -ENOMEM;
}

/*
 * A moved slot keeps its memory and its id; nothing is allocated, so the
 * move cannot fail half-way. Its pages are pinned again on use.
 */
static void slot_move(struct hvx_vm *vm, struct hvx_memslot *slot, u64 gpa)
{
	slot_unmap(vm, slot);
	slot_unpin_all(vm, slot);
	xa_init(slot->pages);
	slot->gpa = gpa;
}

/*
 * Move a slot and/or change its KVM_MEM_LOG_DIRTY_PAGES flag, as KVM's
 * KVM_MR_MOVE and KVM_MR_FLAGS_ONLY: a log that stays on keeps its bits
 * (a move too), a log turned on starts empty with every page write-
 * protected, a log turned off is dropped and its read-only mappings are
 * made writable again by the guest's next write fault. The only
 * allocation comes first, so nothing changes when it fails.
 */
static int slot_change(struct hvx_vm *vm, struct hvx_memslot *slot, u64 gpa, u32 flags)
{
	bool log = flags & KVM_MEM_LOG_DIRTY_PAGES;
	unsigned long *bitmap = slot->dirty_bitmap;

	if (log && !bitmap) {
		bitmap = dirty_bitmap_alloc(slot->npages);
		if (!bitmap)
			return -ENOMEM;
	}
	if (gpa != slot->gpa)
		slot_move(vm, slot, gpa);	/* nothing stays mapped */
	else if (log && !slot->dirty_bitmap)
		slot_write_protect(vm, slot);
	if (!log) {
		kvfree(bitmap);
		bitmap = NULL;
	}
	slot->dirty_bitmap = bitmap;
	slot->flags = flags;
	return 0;
}

static int check_region(const struct kvm_userspace_memory_region *mem)
{
	u32 as_id = mem->slot >> 16, id = (u16)mem->slot;

	if (mem->flags & ~(KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES))
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
 * What KVM_GET_NR_MMU_PAGES reports until user space sets it: KVM sizes
 * its shadow-page cache from the memory in slots when one is created or
 * deleted (x86.c kvm_arch_commit_memory_region): 1 page per 50, at least
 * KVM_MIN_ALLOC_MMU_PAGES.
 */
#define HVX_MIN_ALLOC_MMU_PAGES		64UL
#define HVX_MEMSLOT_PAGES_PER_MMU_PAGE	50

static void default_nr_mmu_pages(struct hvx_vm *vm)
{
	unsigned long pages = 0;
	int i;

	if (vm->nr_mmu_pages_set)
		return;
	for (i = 0; i < HVX_MAX_MEMSLOTS; i++)
		if (vm->slots[i])
			pages += vm->slots[i]->npages;
	vm->nr_mmu_pages = max(pages / HVX_MEMSLOT_PAGES_PER_MMU_PAGE,
			       HVX_MIN_ALLOC_MMU_PAGES);
}

/*
 * KVM_SET_USER_MEMORY_REGION (api.rst 4.35): create, delete (size 0),
 * move (new guest_phys_addr) or change flags of a slot, with KVM's rules
 * (kvm_main.c __kvm_set_memory_region): of an existing slot only the
 * address and KVM_MEM_LOG_DIRTY_PAGES may change.
 */
static int set_region_locked(struct hvx_vm *vm,
			     const struct kvm_userspace_memory_region *mem)
{
	u32 id = (u16)mem->slot;
	struct hvx_memslot *old = vm->slots[id];
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	int r;

	if (!npages) {
		if (!old)
			return -EINVAL;
		slot_unmap(vm, old);
		vm->slots[id] = NULL;
		slot_free(vm, old);
		default_nr_mmu_pages(vm);
		return 0;
	}
	if (old) {
		if (mem->userspace_addr != old->uaddr || npages != old->npages ||
		    ((mem->flags ^ old->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		if (mem->guest_phys_addr == old->gpa && mem->flags == old->flags)
			return 0;
		if (mem->guest_phys_addr != old->gpa &&
		    overlaps(vm, id, mem->guest_phys_addr, npages))
			return -EEXIST;
		return slot_change(vm, old, mem->guest_phys_addr, mem->flags);
	} else if (overlaps(vm, id, mem->guest_phys_addr, npages)) {
		return -EEXIST;
	}
	r = slot_create(vm, id, mem->flags, mem->guest_phys_addr, npages,
			mem->userspace_addr);
	if (!r)
		default_nr_mmu_pages(vm);
	return r;
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

/*
 * KVM_GET_DIRTY_LOG (api.rst 4.8): copy the slot's bitmap out, then clear
 * it and write-protect the pages it named, as KVM does without
 * KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2. Errors as KVM's: -EINVAL for a slot
 * id no slot can have, -ENOENT for a slot that is missing or not logging.
 * The copy comes first, under slots_lock, so a bad pointer (-EFAULT)
 * loses no bits. A guest write racing with the copy can only hit a page
 * whose bit is set (the others are read-only), so user space reads the
 * page after this returns and sees the write.
 */
int hvx_vm_get_dirty_log(struct hvx_vm *vm, const struct kvm_dirty_log *log)
{
	u32 as_id = log->slot >> 16, id = (u16)log->slot;
	struct hvx_memslot *slot;
	unsigned long b, e;
	bool flush = false;
	int r;

	if (as_id != 0 || id >= HVX_MAX_MEMSLOTS)
		return -EINVAL;
	mutex_lock(&vm->slots_lock);
	slot = vm->slots[id];
	r = -ENOENT;
	if (!slot || !slot->dirty_bitmap)
		goto out;
	r = -EFAULT;
	if (copy_to_user(log->dirty_bitmap, slot->dirty_bitmap,
			 dirty_bitmap_bytes(slot->npages)))
		goto out;
	r = 0;
	if (bitmap_empty(slot->dirty_bitmap, slot->npages))
		goto out;
	guests_out(vm);
	for_each_set_bitrange(b, e, slot->dirty_bitmap, slot->npages) {
		flush |= hvx_tdp_write_protect(vm->tdp_root,
					       slot->gpa + ((u64)b << PAGE_SHIFT), e - b);
		cond_resched();
	}
	bitmap_zero(slot->dirty_bitmap, slot->npages);
	guests_in(vm, flush);
out:
	mutex_unlock(&vm->slots_lock);
	return r;
}

/*
 * KVM_SET_NR_MMU_PAGES / KVM_GET_NR_MMU_PAGES (api.rst 4.20, 4.21): KVM's
 * limit on shadow page-table pages. hvx only uses NPT/EPT and has no
 * shadow pages: the value is kept for KVM_GET_NR_MMU_PAGES and limits
 * nothing; it is checked as KVM does (x86.c kvm_vm_ioctl_set_nr_mmu_pages).
 */
int hvx_vm_set_nr_mmu_pages(struct hvx_vm *vm, unsigned long n)
{
	if (n < HVX_MIN_ALLOC_MMU_PAGES)
		return -EINVAL;
	mutex_lock(&vm->slots_lock);
	vm->nr_mmu_pages = n;
	vm->nr_mmu_pages_set = true;
	mutex_unlock(&vm->slots_lock);
	return 0;
}

unsigned long hvx_vm_get_nr_mmu_pages(struct hvx_vm *vm)
{
	unsigned long n;

	mutex_lock(&vm->slots_lock);
	n = vm->nr_mmu_pages;
	mutex_unlock(&vm->slots_lock);
	return n;
}

/*
 * KVM_ENABLE_CAP on the VM fd (api.rst 4.37; the capabilities in 7.x).
 * hvx has three. KVM_CAP_X86_USER_SPACE_MSR (7.21): msr.c.
 * KVM_CAP_MSR_PLATFORM_INFO (7.15): may the guest read MSR_PLATFORM_INFO. KVM_CAP_MAX_VCPU_ID (7.28), which lowers the highest vCPU
 * id + 1 of this VM. As in KVM (x86.c kvm_vm_ioctl_enable_cap), it can be
 * set once, to at most what KVM_CHECK_EXTENSION says, and not after the
 * first KVM_CREATE_VCPU fixed the default (hvx_vm_check_vcpu_id); setting
 * the value already in force succeeds. Non-zero flags and every other
 * capability are -EINVAL.
 */
int hvx_vm_enable_cap(struct hvx_vm *vm, const struct kvm_enable_cap *cap)
{
	int r = -EINVAL;

	if (cap->flags)
		return -EINVAL;
	switch (cap->cap) {
	case KVM_CAP_MAX_VCPU_ID:
		if (cap->args[0] > HVX_MAX_VCPU_ID)
			return -EINVAL;
		mutex_lock(&vm->lock);
		if (vm->max_vcpu_ids == cap->args[0]) {
			r = 0;
		} else if (!vm->max_vcpu_ids) {
			vm->max_vcpu_ids = cap->args[0];
			r = 0;
		}
		mutex_unlock(&vm->lock);
		return r;
	case KVM_CAP_X86_USER_SPACE_MSR:
		return hvx_vm_set_user_space_msr(vm, cap->args[0]);
	case KVM_CAP_MSR_PLATFORM_INFO:
		WRITE_ONCE(vm->guest_reads_platform_info, cap->args[0]);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * KVM_SET_TSS_ADDR (api.rst 4.36) and KVM_SET_IDENTITY_MAP_ADDR (4.40):
 * KVM needs those guest pages only for real mode on VMX without
 * unrestricted guest. hvx requires unrestricted guest on VMX and SVM runs
 * real mode natively, so the addresses are checked as KVM checks them and
 * kept, with no other effect; VMMs written for KVM call both at start-up.
 */
int hvx_vm_set_tss_addr(struct hvx_vm *vm, unsigned long addr)
{
	if (addr > (unsigned int)(-3 * PAGE_SIZE))
		return -EINVAL;
	WRITE_ONCE(vm->tss_addr, addr);
	return 0;
}

int hvx_vm_set_identity_map_addr(struct hvx_vm *vm, const u64 __user *arg)
{
	u64 addr;
	int r = -EINVAL;

	mutex_lock(&vm->lock);
	if (!vm->nr_vcpus) {
		r = copy_from_user(&addr, arg, sizeof(addr)) ? -EFAULT : 0;
		if (!r)
			vm->identity_map_addr = addr;
	}
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * KVM_SET_BOOT_CPU_ID (api.rst 4.41): which vCPU id starts as the BSP;
 * -EBUSY once any vCPU exists, as in KVM.
 */
int hvx_vm_set_boot_cpu_id(struct hvx_vm *vm, unsigned long id)
{
	int r = 0;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		r = -EBUSY;
	else
		vm->bsp_vcpu_id = id;
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * KVM_CREATE_VCPU's id check: below the VM's KVM_CAP_MAX_VCPU_ID, which
 * the first creation fixes at hvx's maximum if user space did not set it
 * (x86.c kvm_arch_vcpu_precreate).
 */
int hvx_vm_check_vcpu_id(struct hvx_vm *vm, unsigned long id)
{
	int r;

	mutex_lock(&vm->lock);
	if (!vm->max_vcpu_ids)
		vm->max_vcpu_ids = HVX_MAX_VCPU_ID;
	r = id < vm->max_vcpu_ids ? 0 : -EINVAL;
	mutex_unlock(&vm->lock);
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
	bool writable;
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
	/*
	 * In a logging slot a page is writable only once its write is
	 * logged; a read maps it read-only, unless it is dirty already (a
	 * racing vCPU may have mapped it writable: never take that back
	 * without a flush).
	 */
	writable = !(slot->flags & KVM_MEM_READONLY) &&
		   (!slot->dirty_bitmap || write || test_bit(idx, slot->dirty_bitmap));
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
	r = hvx_tdp_map(vm->tdp_root, gpa & PAGE_MASK, page_to_phys(page), writable);
	if (!r && write && slot->dirty_bitmap)
		__set_bit(idx, slot->dirty_bitmap);
out:
	mutex_unlock(&vm->slots_lock);
	return r;
}

/*
 * Guest memory as the emulator sees it: through the VMM's own mapping,
 * from the VMM's context. A range must lie in one slot.
 */
static void __user *gpa_to_user(struct hvx_vm *vm, u64 gpa, unsigned int len,
				bool write, struct hvx_memslot **slotp)
{
	struct hvx_memslot *slot = hvx_gpa_to_slot(vm, gpa);

	if (!slot || (write && (slot->flags & KVM_MEM_READONLY)))
		return NULL;
	if (gpa + len - slot->gpa > (slot->npages << PAGE_SHIFT))
		return NULL;
	*slotp = slot;
	return (void __user *)(unsigned long)(slot->uaddr + gpa - slot->gpa);
}

/* hvx wrote guest memory itself: log it as KVM does (mark_page_dirty). */
static void mark_dirty(struct hvx_memslot *slot, u64 gpa, unsigned int len)
{
	u64 first = (gpa - slot->gpa) >> PAGE_SHIFT;
	u64 last = (gpa + len - 1 - slot->gpa) >> PAGE_SHIFT;

	if (slot->dirty_bitmap && len)
		bitmap_set(slot->dirty_bitmap, first, last - first + 1);
}

int hvx_read_guest(struct hvx_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	struct hvx_memslot *slot;
	void __user *p;
	int r = -EFAULT;

	mutex_lock(&vm->slots_lock);
	p = gpa_to_user(vm, gpa, len, false, &slot);
	if (p && !copy_from_user(buf, p, len))
		r = 0;
	mutex_unlock(&vm->slots_lock);
	return r;
}

int hvx_write_guest(struct hvx_vm *vm, u64 gpa, const void *buf, unsigned int len)
{
	struct hvx_memslot *slot;
	void __user *p;
	int r = -EFAULT;

	mutex_lock(&vm->slots_lock);
	p = gpa_to_user(vm, gpa, len, true, &slot);
	if (p) {
		if (!copy_to_user(p, buf, len))
			r = 0;
		/* Even a partial copy may have changed the pages. */
		mark_dirty(slot, gpa, len);
	}
	mutex_unlock(&vm->slots_lock);
	return r;
}
