// SPDX-License-Identifier: GPL-2.0
/*
 * Exits handled the same way on every backend: port I/O and MMIO that go
 * to user space (KVM_EXIT_IO, KVM_EXIT_MMIO), HLT, and the emulation of
 * the few instructions that touch MMIO.
 *
 * Where an instruction is finished follows KVM, so that a VMM sees the same
 * registers on /dev/hvx and /dev/kvm:
 *   IN, INS, MMIO read  - finished on the next KVM_RUN, when the data is there;
 *   OUT                 - RIP moves on the next KVM_RUN;
 *   OUTS                - RSI/RCX move before the exit, RIP on the next KVM_RUN;
 *   MMIO write, HLT     - finished before the exit.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>

#include "hvx.h"
#include "x86/insn.h"
#include "x86/walk.h"
#include "irq/irq.h"

#define SEG_ES 0
#define SEG_CS 1
#define SEG_DS 3

/* KVM reads ahead at most this much for one INS exit (its pio read cache). */
#define PIO_READAHEAD_BYTES 1024

int hvx_internal_error(struct hvx_vcpu *vcpu, u32 suberror, u64 raw)
{
	struct kvm_run *run = vcpu->run;

	if (suberror == KVM_INTERNAL_ERROR_EMULATION)
		vcpu->stat.insn_emulation_fail++;
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 2;
	run->internal.data[0] = raw;
	run->internal.data[1] = vcpu->last_cpu;
	return 0;
}

static int read_gpa_cb(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return hvx_read_guest(opaque, gpa, buf, len);
}

static void walk_env(struct hvx_vcpu *vcpu, const struct hvx_cpu_mode *m,
		     struct hvx_walk_env *env)
{
	*env = (struct hvx_walk_env) {
		.cr0 = m->cr0, .cr3 = m->cr3, .cr4 = m->cr4, .efer = m->efer,
		.read_gpa = read_gpa_cb, .opaque = vcpu->vm,
	};
}

static u64 linear(const struct hvx_cpu_mode *m, int seg, u64 off)
{
	u64 lin = off + (m->code_bits == 64 && seg < SEG_DS + 1 ? 0 : m->seg_base[seg]);

	return m->code_bits == 64 ? lin : (u32)lin;
}

/* Fetch and decode the instruction at CS:RIP. */
static int decode_current(struct hvx_vcpu *vcpu, struct hvx_cpu_mode *m,
			  struct hvx_insn *insn)
{
	struct hvx_walk_env env;
	u8 buf[HVX_INSN_MAX_LEN];
	int n;

	vcpu->stat.insn_emulation++;
	hvx_ops->get_cpu_mode(vcpu, m);
	n = hvx_ops->insn_bytes(vcpu, buf);
	if (n <= 0) {
		walk_env(vcpu, m, &env);
		n = hvx_fetch_code(&env, linear(m, SEG_CS, vcpu->rip), buf, sizeof(buf));
		if (n <= 0)
			return -EFAULT;
	}
	return hvx_insn_decode(buf, n, m->code_bits, insn);
}

/* Length of the instruction at RIP, for CPUs that do not save NRIP. */
int hvx_insn_len(struct hvx_vcpu *vcpu)
{
	struct hvx_cpu_mode m;
	struct hvx_insn insn;
	int r = decode_current(vcpu, &m, &insn);

	return r ? r : insn.len;
}

/* ---- port I/O ---- */

static u64 addr_mask(u8 bytes)
{
	return bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* Step RSI or RDI by n elements within the address size. */
static void string_step(struct hvx_vcpu *vcpu, int reg, u32 n)
{
	u64 mask = addr_mask(vcpu->pio.addr_bytes);
	s64 delta = (s64)n * vcpu->pio.size;
	u64 v = vcpu->regs[reg];

	if (hvx_ops->get_rflags(vcpu) & X86_EFLAGS_DF)
		delta = -delta;
	vcpu->regs[reg] = (v & ~mask) | ((v + delta) & mask);
	if (vcpu->pio.rep) {
		v = vcpu->regs[HVX_RCX];
		vcpu->regs[HVX_RCX] = (v & ~mask) | ((v - n) & mask);
	}
}

/* Move one element between guest memory at seg:reg and buf. */
static int string_access(struct hvx_vcpu *vcpu, int seg, int reg, void *buf,
			 bool write)
{
	struct hvx_cpu_mode m;
	struct hvx_walk_env env;
	u64 off, gpa;
	u32 ec;
	int r;

	hvx_ops->get_cpu_mode(vcpu, &m);
	walk_env(vcpu, &m, &env);
	off = vcpu->regs[reg] & addr_mask(vcpu->pio.addr_bytes);
	r = hvx_gva_to_gpa(&env, linear(&m, seg, off),
			   (write ? HVX_WALK_WRITE : 0) | (m.cpl == 3 ? HVX_WALK_USER : 0),
			   &gpa, &ec);
	if (r)
		return r;
	return write ? hvx_write_guest(vcpu->vm, gpa, buf, vcpu->pio.size)
		     : hvx_read_guest(vcpu->vm, gpa, buf, vcpu->pio.size);
}

static int outs_prepare(struct hvx_vcpu *vcpu)
{
	struct hvx_cpu_mode m;
	struct hvx_insn insn;
	int seg = SEG_DS;

	/* OUTS honours a segment override (SDM Vol. 2B, OUTS). */
	if (!decode_current(vcpu, &m, &insn) && insn.seg >= 0)
		seg = insn.seg;
	vcpu->pio.count = 1;	/* one element per exit, as KVM does */
	if (string_access(vcpu, seg, HVX_RSI, vcpu->pio_data, false))
		return -EFAULT;
	string_step(vcpu, HVX_RSI, 1);
	return 0;
}

static u32 ins_count(struct hvx_vcpu *vcpu)
{
	u64 rdi = vcpu->regs[HVX_RDI];
	u32 count = vcpu->pio.rep ?
		    (u32)min_t(u64, vcpu->regs[HVX_RCX] & addr_mask(vcpu->pio.addr_bytes), U32_MAX) : 1;
	u32 in_page = (hvx_ops->get_rflags(vcpu) & X86_EFLAGS_DF) ?
		      offset_in_page(rdi) : PAGE_SIZE - offset_in_page(rdi);
	u32 n = min3(in_page, (u32)(PIO_READAHEAD_BYTES / vcpu->pio.size), count);

	return n ? n : 1;
}

int hvx_handle_pio(struct hvx_vcpu *vcpu, u16 port, u8 size, bool in,
		   bool string, bool rep, u8 addr_bytes, u64 next_rip)
{
	struct kvm_run *run = vcpu->run;

	if (size != 1 && size != 2 && size != 4)
		return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, port);
	/* The PIC, PIT and ELCR in the kernel (string I/O to them goes to user space). */
	if (!string && vcpu->vm->irqchip) {
		u32 val = (u32)vcpu->regs[HVX_RAX];

		if (!hvx_kernel_pio(vcpu, port, size, in, &val)) {
			if (in && size == 4)
				vcpu->regs[HVX_RAX] = val;	/* a 32-bit IN zero-extends */
			else if (in)
				memcpy(&vcpu->regs[HVX_RAX], &val, size);
			vcpu->rip = next_rip;
			return 1;
		}
	}
	vcpu->pio = (struct hvx_pio) {
		.port = port, .size = size, .count = 1, .string = string,
		.rep = rep, .addr_bytes = addr_bytes,
	};
	vcpu->pending_next_rip = next_rip;
	if (string && rep && !(vcpu->regs[HVX_RCX] & addr_mask(addr_bytes))) {
		vcpu->rip = next_rip;	/* REP with rCX = 0 does nothing */
		return 1;
	}
	if (string && in) {
		vcpu->pio.count = ins_count(vcpu);
	} else if (string) {
		if (outs_prepare(vcpu))
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, port);
	} else if (!in) {
		memcpy(vcpu->pio_data, &vcpu->regs[HVX_RAX], size);
	}
	vcpu->pending = in ? HVX_IO_PIO_IN : HVX_IO_PIO_OUT;
	vcpu->pending_rip = vcpu->rip;
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = vcpu->pio.count;
	run->io.data_offset = HVX_PIO_PAGE_OFFSET * PAGE_SIZE;
	return 0;
}

static int complete_ins(struct hvx_vcpu *vcpu)
{
	u32 i, n = vcpu->pio.count;

	/*
	 * User space may have changed rCX meanwhile: like KVM, store no more
	 * elements than rCX still asks for (the rest of the data is dropped).
	 */
	if (vcpu->pio.rep)
		n = min_t(u64, n, vcpu->regs[HVX_RCX] & addr_mask(vcpu->pio.addr_bytes));
	for (i = 0; i < n; i++) {
		if (string_access(vcpu, SEG_ES, HVX_RDI,
				  vcpu->pio_data + i * vcpu->pio.size, true))
			return -EFAULT;
		string_step(vcpu, HVX_RDI, 1);
	}
	return 0;
}

/* A string instruction with REP is done once rCX reaches zero. */
static void finish_string(struct hvx_vcpu *vcpu)
{
	if (!vcpu->pio.rep || !(vcpu->regs[HVX_RCX] & addr_mask(vcpu->pio.addr_bytes)))
		vcpu->rip = vcpu->pending_next_rip;
}

static int complete_pio_in(struct hvx_vcpu *vcpu)
{
	u64 val = 0;

	if (vcpu->pio.string) {
		if (complete_ins(vcpu))
			return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
						  vcpu->pio.port);
		finish_string(vcpu);
		return 1;
	}
	/* Narrower than 32 bits merges into RAX; 32 bits zero-extends. */
	if (vcpu->pio.size < 4)
		val = vcpu->regs[HVX_RAX] & ~addr_mask(vcpu->pio.size);
	val |= *(u32 *)vcpu->pio_data & addr_mask(vcpu->pio.size);
	vcpu->regs[HVX_RAX] = val;
	vcpu->rip = vcpu->pending_next_rip;
	return 1;
}

/* ---- MMIO ---- */

int hvx_handle_mmio(struct hvx_vcpu *vcpu, u64 gpa, bool write)
{
	struct kvm_run *run = vcpu->run;
	struct hvx_cpu_mode m;
	struct hvx_insn insn;
	u64 val;
	int r;

	r = decode_current(vcpu, &m, &insn);
	if (r || insn.kind == HVX_INSN_OTHER || !insn.mem_operand) {
		hvx_err_ratelimited("cannot emulate the MMIO access at rip %#lx (gpa %#llx)\n",
				    vcpu->rip, gpa);
		return hvx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, gpa);
	}
	/* The LAPIC and the IOAPIC in the kernel. */
	if (vcpu->vm->irqchip) {
		u64 data = 0;
		bool store = insn.kind == HVX_INSN_MOV_STORE || insn.kind == HVX_INSN_MOV_STORE_IMM;

		if (store)
			data = hvx_insn_store_value(&insn, vcpu->regs[insn.reg]);
		if (!hvx_kernel_mmio(vcpu, gpa, insn.mem_bytes, store, &data)) {
			if (!store)
				vcpu->regs[insn.reg] = hvx_insn_load_result(&insn, vcpu->regs[insn.reg], data);
			vcpu->rip += insn.len;
			return 1;
		}
	}
	vcpu->stat.mmio_exits++;	/* as KVM: only those that reach user space */
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn.mem_bytes;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (insn.kind == HVX_INSN_MOV_STORE || insn.kind == HVX_INSN_MOV_STORE_IMM) {
		val = hvx_insn_store_value(&insn, vcpu->regs[insn.reg]);
		memcpy(run->mmio.data, &val, insn.mem_bytes);
		run->mmio.is_write = 1;
		vcpu->rip += insn.len;
		return 0;
	}
	run->mmio.is_write = 0;
	vcpu->mmio = (struct hvx_mmio) {
		.insn_len = insn.len, .reg = insn.reg, .reg_bytes = insn.reg_bytes,
		.mem_bytes = insn.mem_bytes, .kind = insn.kind,
		.reg_high8 = insn.reg_high8,
	};
	vcpu->pending = HVX_IO_MMIO_READ;
	vcpu->pending_rip = vcpu->rip;
	return 0;
}

static int complete_mmio_read(struct hvx_vcpu *vcpu)
{
	struct hvx_insn insn = {
		.kind = vcpu->mmio.kind, .reg = vcpu->mmio.reg,
		.reg_bytes = vcpu->mmio.reg_bytes, .mem_bytes = vcpu->mmio.mem_bytes,
		.reg_high8 = vcpu->mmio.reg_high8,
	};
	u64 data = 0;

	memcpy(&data, vcpu->run->mmio.data, insn.mem_bytes);
	vcpu->regs[insn.reg] = hvx_insn_load_result(&insn, vcpu->regs[insn.reg], data);
	vcpu->rip += vcpu->mmio.insn_len;
	return 1;
}

/* Finish what the last exit to user space left pending. */
int hvx_complete_io(struct hvx_vcpu *vcpu)
{
	enum hvx_pending_io p = vcpu->pending;

	vcpu->pending = HVX_IO_NONE;
	/* User space moved RIP (a reset, say): the instruction is abandoned. */
	if (vcpu->rip != vcpu->pending_rip)
		return 1;
	switch (p) {
	case HVX_IO_PIO_IN:
		return complete_pio_in(vcpu);
	case HVX_IO_PIO_OUT:
		if (vcpu->pio.string)
			finish_string(vcpu);
		else
			vcpu->rip = vcpu->pending_next_rip;
		return 1;
	case HVX_IO_MMIO_READ:
		return complete_mmio_read(vcpu);
	case HVX_IO_MSR_READ:
	case HVX_IO_MSR_WRITE:
		return hvx_complete_msr(vcpu, p == HVX_IO_MSR_READ);
	default:
		return 1;
	}
}
