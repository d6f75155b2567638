// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

int vmm_vm_create(struct vmm_vm *vm, const char *dev)
{
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->sys_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		return -errno;
	r = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		r = r < 0 ? -errno : -EPROTO;
		goto err;
	}
	vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < 0) {
		r = -errno;
		goto err;
	}
	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		r = -errno;
		goto err;
	}
	return 0;
err:
	close(vm->sys_fd);
	vm->sys_fd = -1;
	return r;
}

void vmm_vm_destroy(struct vmm_vm *vm)
{
	int i;

	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	for (i = 0; i < VMM_MAX_SLOTS; i++)
		if (vm->slots[i].used)
			munmap(vm->slots[i].host, vm->slots[i].size);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->sys_fd = -1;
}

int vmm_set_region(struct vmm_vm *vm, uint32_t slot, uint32_t flags,
		   uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)host,
	};

	return xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

int vmm_add_memory(struct vmm_vm *vm, int slot, uint64_t gpa, uint64_t size,
		   uint32_t flags, void **host)
{
	void *mem;
	int r;

	if (slot < 0 || slot >= VMM_MAX_SLOTS || vm->slots[slot].used)
		return -EINVAL;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	r = vmm_set_region(vm, slot, flags, gpa, size, mem);
	if (r) {
		munmap(mem, size);
		return r;
	}
	vm->slots[slot] = (struct vmm_slot){ gpa, size, mem, flags, 1 };
	if (host)
		*host = mem;
	return 0;
}

void *vmm_gpa(struct vmm_vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < VMM_MAX_SLOTS; i++) {
		struct vmm_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return (char *)s->host + (gpa - s->gpa);
	}
	return NULL;
}

int vmm_load(struct vmm_vm *vm, uint64_t gpa, const void *data, size_t len)
{
	void *p = vmm_gpa(vm, gpa);

	if (!p || !vmm_gpa(vm, gpa + len - 1))
		return -EFAULT;
	memcpy(p, data, len);
	return 0;
}

int vmm_vcpu_create(struct vmm_vm *vm, int id, struct vmm_vcpu *vcpu)
{
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return -errno;
	vcpu->run_size = vm->run_size;
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		int r = -errno;

		close(vcpu->fd);
		return r;
	}
	return 0;
}

void vmm_vcpu_destroy(struct vmm_vcpu *vcpu)
{
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
	vcpu->run = NULL;
}

int vmm_run(struct vmm_vcpu *vcpu)
{
	return xioctl(vcpu->fd, KVM_RUN, NULL);
}

int vmm_get_regs(struct vmm_vcpu *vcpu, struct kvm_regs *regs)
{
	return xioctl(vcpu->fd, KVM_GET_REGS, regs);
}

int vmm_set_regs(struct vmm_vcpu *vcpu, const struct kvm_regs *regs)
{
	return xioctl(vcpu->fd, KVM_SET_REGS, (void *)regs);
}

int vmm_get_sregs(struct vmm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	return xioctl(vcpu->fd, KVM_GET_SREGS, sregs);
}

int vmm_set_sregs(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return xioctl(vcpu->fd, KVM_SET_SREGS, (void *)sregs);
}

int vmm_check_extension(struct vmm_vm *vm, long cap)
{
	int r = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? -errno : r;
}

int vmm_setup_real_mode(struct vmm_vcpu *vcpu, uint64_t rip)
{
	struct kvm_sregs s;
	struct kvm_regs regs;
	int r = vmm_get_sregs(vcpu, &s);

	if (r)
		return r;
	s.cs.base = 0;
	s.cs.selector = 0;
	r = vmm_set_sregs(vcpu, &s);
	if (r)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rflags = 2;
	return vmm_set_regs(vcpu, &regs);
}

static void put64(struct vmm_vm *vm, uint64_t gpa, uint64_t v)
{
	uint64_t *p = vmm_gpa(vm, gpa);

	if (p)
		*p = v;
}

/* Flat 64-bit code and data descriptors (SDM Vol. 3A, 3.4.5). */
#define GDT_CODE64 0x00af9b000000ffffULL
#define GDT_DATA   0x00cf93000000ffffULL

int vmm_setup_long_mode(struct vmm_vm *vm, struct vmm_vcpu *vcpu, uint64_t rip,
			uint64_t rsp, uint64_t idt_stubs)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x8, .type = 11,
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = code;
	struct kvm_sregs s;
	struct kvm_regs regs;
	int i, r;

	if (!vmm_gpa(vm, VMM_LM_GDT) || !vmm_gpa(vm, VMM_LM_IDT + 511))
		return -EFAULT;
	put64(vm, VMM_LM_GDT, 0);
	put64(vm, VMM_LM_GDT + 8, GDT_CODE64);
	put64(vm, VMM_LM_GDT + 16, GDT_DATA);
	memset(vmm_gpa(vm, VMM_LM_PML4), 0, 0x6000);
	put64(vm, VMM_LM_PML4, VMM_LM_PDPT | 3);
	for (i = 0; i < 4; i++)
		put64(vm, VMM_LM_PDPT + 8 * i, (VMM_LM_PD + 0x1000 * i) | 3);
	for (i = 0; i < 4 * 512; i++)	/* 2 MiB pages, P | RW | PS */
		put64(vm, VMM_LM_PD + 8 * i, ((uint64_t)i << 21) | 0x83);
	memset(vmm_gpa(vm, VMM_LM_IDT), 0, 512);
	for (i = 0; idt_stubs && i < 32; i++) {
		uint64_t h = idt_stubs + 16 * i;

		/* 64-bit interrupt gate, present, DPL 0, selector 8. */
		put64(vm, VMM_LM_IDT + 16 * i, (h & 0xffff) | (0x8ULL << 16) |
		      (0x8eULL << 40) | ((h >> 16 & 0xffff) << 48));
		put64(vm, VMM_LM_IDT + 16 * i + 8, h >> 32);
	}

	r = vmm_get_sregs(vcpu, &s);
	if (r)
		return r;
	data.type = 3;
	data.l = 0;
	data.db = 1;
	data.selector = 0x10;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = VMM_LM_GDT;
	s.gdt.limit = 23;
	s.idt.base = VMM_LM_IDT;
	s.idt.limit = 32 * 16 - 1;
	s.cr0 = 0x80050033;	/* PG WP NE ET MP PE */
	s.cr3 = VMM_LM_PML4;
	s.cr4 = 0x620;		/* OSXMMEXCPT OSFXSR PAE */
	s.efer = 0x500;		/* LMA LME */
	r = vmm_set_sregs(vcpu, &s);
	if (r)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = 2;
	return vmm_set_regs(vcpu, &regs);
}

const char *vmm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN", [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR", [KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "?";
}

int vmm_kvm_supported_cpuid(struct vmm_vm *vm, struct vmm_vcpu *vcpu)
{
	int n = 256, r;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

	if (!c)
		return -ENOMEM;
	c->nent = n;
	r = xioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
	if (!r)
		r = xioctl(vcpu->fd, KVM_SET_CPUID2, c);
	free(c);
	return r;
}

int vmm_get_supported_cpuid(struct vmm_vm *vm, struct kvm_cpuid2 **out)
{
	int n = 256, r;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

	if (!c)
		return -ENOMEM;
	c->nent = n;
	r = xioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
	if (r) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

int vmm_set_cpuid2(struct vmm_vcpu *vcpu, const struct kvm_cpuid2 *cpuid)
{
	return xioctl(vcpu->fd, KVM_SET_CPUID2, (void *)cpuid);
}

struct kvm_cpuid_entry2 *vmm_cpuid_entry(struct kvm_cpuid2 *cpuid, uint32_t function,
					 uint32_t index)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == function &&
		    (e->index == index || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			return e;
	}
	return NULL;
}

int vmm_vcpus_create(struct vmm_vm *vm, int n, struct vmm_vcpu *vcpus)
{
	int i, r;

	for (i = 0; i < n; i++) {
		r = vmm_vcpu_create(vm, i, &vcpus[i]);
		if (r) {
			while (i--)
				vmm_vcpu_destroy(&vcpus[i]);
			return r;
		}
	}
	return 0;
}

int vmm_set_tss_addr(struct vmm_vm *vm, uint64_t addr)
{
	return xioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)addr);
}

int vmm_set_identity_map_addr(struct vmm_vm *vm, uint64_t addr)
{
	return xioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr);
}

int vmm_create_irqchip(struct vmm_vm *vm)
{
	return xioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, NULL);
}

int vmm_irq_line(struct vmm_vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return xioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}

int vmm_irq_line_status(struct vmm_vm *vm, uint32_t irq, int level, int *status)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };
	int r = xioctl(vm->vm_fd, KVM_IRQ_LINE_STATUS, &l);

	if (!r)
		*status = l.status;
	return r;
}

int vmm_get_irqchip(struct vmm_vm *vm, struct kvm_irqchip *chip)
{
	return xioctl(vm->vm_fd, KVM_GET_IRQCHIP, chip);
}

int vmm_set_irqchip(struct vmm_vm *vm, const struct kvm_irqchip *chip)
{
	return xioctl(vm->vm_fd, KVM_SET_IRQCHIP, (void *)chip);
}

int vmm_create_pit2(struct vmm_vm *vm, uint32_t flags)
{
	struct kvm_pit_config c = { .flags = flags };

	return xioctl(vm->vm_fd, KVM_CREATE_PIT2, &c);
}

int vmm_get_pit2(struct vmm_vm *vm, struct kvm_pit_state2 *s)
{
	return xioctl(vm->vm_fd, KVM_GET_PIT2, s);
}

int vmm_set_pit2(struct vmm_vm *vm, const struct kvm_pit_state2 *s)
{
	return xioctl(vm->vm_fd, KVM_SET_PIT2, (void *)s);
}

int vmm_get_lapic(struct vmm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	return xioctl(vcpu->fd, KVM_GET_LAPIC, s);
}

int vmm_set_lapic(struct vmm_vcpu *vcpu, const struct kvm_lapic_state *s)
{
	return xioctl(vcpu->fd, KVM_SET_LAPIC, (void *)s);
}

int vmm_get_mp_state(struct vmm_vcpu *vcpu, uint32_t *state)
{
	struct kvm_mp_state s = { 0 };
	int r = xioctl(vcpu->fd, KVM_GET_MP_STATE, &s);

	if (!r)
		*state = s.mp_state;
	return r;
}

int vmm_set_mp_state(struct vmm_vcpu *vcpu, uint32_t state)
{
	struct kvm_mp_state s = { .mp_state = state };

	return xioctl(vcpu->fd, KVM_SET_MP_STATE, &s);
}

int vmm_get_vcpu_events(struct vmm_vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	return xioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, ev);
}

int vmm_set_vcpu_events(struct vmm_vcpu *vcpu, const struct kvm_vcpu_events *ev)
{
	return xioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, (void *)ev);
}

int vmm_interrupt(struct vmm_vcpu *vcpu, uint32_t vector)
{
	struct kvm_interrupt i = { .irq = vector };

	return xioctl(vcpu->fd, KVM_INTERRUPT, &i);
}

int vmm_nmi(struct vmm_vcpu *vcpu)
{
	return xioctl(vcpu->fd, KVM_NMI, NULL);
}
