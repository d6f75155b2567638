/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers of the KVM ABI, shared by the hvx CLI, the VM tests and
 * the benchmarks. They work on any device that speaks it: /dev/hvx or
 * /dev/kvm. Functions return 0 or -errno; nothing here exits the process.
 */
#ifndef HVX_LIB_VMM_H
#define HVX_LIB_VMM_H

#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

#define VMM_MAX_SLOTS 8

struct vmm_slot {
	uint64_t gpa, size;
	void *host;
	uint32_t flags;
	int used;
};

struct vmm_vm {
	int sys_fd;
	int vm_fd;
	int run_size;
	struct vmm_slot slots[VMM_MAX_SLOTS];
};

struct vmm_vcpu {
	int fd;
	struct kvm_run *run;
	int run_size;
};

int vmm_vm_create(struct vmm_vm *vm, const char *dev);
void vmm_vm_destroy(struct vmm_vm *vm);
/* Anonymous memory mapped at gpa in slot; *host (optional) gets its address. */
int vmm_add_memory(struct vmm_vm *vm, int slot, uint64_t gpa, uint64_t size,
		   uint32_t flags, void **host);
int vmm_set_region(struct vmm_vm *vm, uint32_t slot, uint32_t flags,
		   uint64_t gpa, uint64_t size, void *host);
/* Host address of guest-physical gpa, or NULL when no slot holds it. */
void *vmm_gpa(struct vmm_vm *vm, uint64_t gpa);
int vmm_load(struct vmm_vm *vm, uint64_t gpa, const void *data, size_t len);

int vmm_vcpu_create(struct vmm_vm *vm, int id, struct vmm_vcpu *vcpu);
void vmm_vcpu_destroy(struct vmm_vcpu *vcpu);
int vmm_run(struct vmm_vcpu *vcpu);
int vmm_get_regs(struct vmm_vcpu *vcpu, struct kvm_regs *regs);
int vmm_set_regs(struct vmm_vcpu *vcpu, const struct kvm_regs *regs);
int vmm_get_sregs(struct vmm_vcpu *vcpu, struct kvm_sregs *sregs);
int vmm_set_sregs(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs);
int vmm_check_extension(struct vmm_vm *vm, long cap);

/* Data of an I/O exit, in the run page. */
static inline void *vmm_io_data(struct vmm_vcpu *vcpu)
{
	return (char *)vcpu->run + vcpu->run->io.data_offset;
}

/* Real mode with CS:IP = 0:rip, all segments 64 KiB at base 0. */
int vmm_setup_real_mode(struct vmm_vcpu *vcpu, uint64_t rip);

/*
 * 64-bit mode the way KVM's selftests set it up: the host writes a GDT,
 * identity page tables for the first 4 GiB (2 MiB pages) and an IDT whose
 * vector v points to idt_base + 16 * v (0 for none) into guest memory at
 * the fixed addresses below, which must be backed by a slot.
 */
#define VMM_LM_GDT	0x500
#define VMM_LM_PML4	0x1000
#define VMM_LM_PDPT	0x2000
#define VMM_LM_PD	0x3000	/* four pages */
#define VMM_LM_IDT	0x7000
int vmm_setup_long_mode(struct vmm_vm *vm, struct vmm_vcpu *vcpu, uint64_t rip,
			uint64_t rsp, uint64_t idt_stubs);

/* KVM_SET_CPUID2 with all of KVM_GET_SUPPORTED_CPUID. */
int vmm_kvm_supported_cpuid(struct vmm_vm *vm, struct vmm_vcpu *vcpu);

/*
 * CPUID tables: KVM_GET_SUPPORTED_CPUID into *out (malloc'd, the caller
 * frees it), KVM_SET_CPUID2, and one entry of a table (NULL if absent).
 */
int vmm_get_supported_cpuid(struct vmm_vm *vm, struct kvm_cpuid2 **out);
int vmm_set_cpuid2(struct vmm_vcpu *vcpu, const struct kvm_cpuid2 *cpuid);
struct kvm_cpuid_entry2 *vmm_cpuid_entry(struct kvm_cpuid2 *cpuid, uint32_t function,
					 uint32_t index);

/* vCPUs 0 .. n-1 of a VM (on failure none is left). */
int vmm_vcpus_create(struct vmm_vm *vm, int n, struct vmm_vcpu *vcpus);

/*
 * The in-kernel interrupt controllers and PIT (api.rst 4.24 KVM_CREATE_IRQCHIP,
 * 4.25 KVM_IRQ_LINE, 4.26/4.27 KVM_GET/SET_IRQCHIP, 4.71 KVM_CREATE_PIT2,
 * 4.72/4.73 KVM_GET/SET_PIT2). KVM_CREATE_IRQCHIP must come before the
 * first vCPU. vmm_irq_line_status is KVM_IRQ_LINE_STATUS: *status gets
 * >0 delivered, 0 coalesced, <0 masked or nowhere to go.
 */
int vmm_create_irqchip(struct vmm_vm *vm);
/* KVM_SET_TSS_ADDR (api.rst 4.36), KVM_SET_IDENTITY_MAP_ADDR (4.40). */
int vmm_set_tss_addr(struct vmm_vm *vm, uint64_t addr);
int vmm_set_identity_map_addr(struct vmm_vm *vm, uint64_t addr);
int vmm_irq_line(struct vmm_vm *vm, uint32_t irq, int level);
int vmm_irq_line_status(struct vmm_vm *vm, uint32_t irq, int level, int *status);
int vmm_get_irqchip(struct vmm_vm *vm, struct kvm_irqchip *chip);
int vmm_set_irqchip(struct vmm_vm *vm, const struct kvm_irqchip *chip);
int vmm_create_pit2(struct vmm_vm *vm, uint32_t flags);
int vmm_get_pit2(struct vmm_vm *vm, struct kvm_pit_state2 *s);
int vmm_set_pit2(struct vmm_vm *vm, const struct kvm_pit_state2 *s);

/* Per-vCPU interrupt state (api.rst 4.57/4.58 KVM_GET/SET_LAPIC, 4.38/4.39
 * KVM_GET/SET_MP_STATE, 4.31/4.32 KVM_GET/SET_VCPU_EVENTS, 4.16
 * KVM_INTERRUPT, 4.64 KVM_NMI). */
int vmm_get_lapic(struct vmm_vcpu *vcpu, struct kvm_lapic_state *s);
int vmm_set_lapic(struct vmm_vcpu *vcpu, const struct kvm_lapic_state *s);
int vmm_get_mp_state(struct vmm_vcpu *vcpu, uint32_t *state);
int vmm_set_mp_state(struct vmm_vcpu *vcpu, uint32_t state);
int vmm_get_vcpu_events(struct vmm_vcpu *vcpu, struct kvm_vcpu_events *ev);
int vmm_set_vcpu_events(struct vmm_vcpu *vcpu, const struct kvm_vcpu_events *ev);
int vmm_interrupt(struct vmm_vcpu *vcpu, uint32_t vector);
int vmm_nmi(struct vmm_vcpu *vcpu);

/* A 32-bit register of a KVM_GET_LAPIC page (offsets as in the xAPIC page). */
static inline uint32_t vmm_lapic_reg(const struct kvm_lapic_state *s, unsigned int off)
{
	return *(const uint32_t *)&s->regs[off];
}

const char *vmm_exit_name(uint32_t reason);

#endif
