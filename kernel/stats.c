// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics: KVM_GET_STATS_FD on a VM or a vCPU fd
 * (Documentation/virt/kvm/api.rst 4.133, KVM_CAP_BINARY_STATS_FD).
 *
 * The fd is read-only and reads as one file made of four blocks, laid
 * out back to back as KVM lays them out, so that a reader that ignores
 * the offsets in the header (KVM's selftests read the id right after the
 * header with read()) still finds them:
 *
 *   0                         struct kvm_stats_header
 *   id_offset   = 24          id string, HVX_STATS_NAME_SIZE bytes
 *   desc_offset = 72          num_desc x (struct kvm_stats_desc + name)
 *   data_offset               num_desc x u64, the values
 *
 * Every block starts on a multiple of 8 (api.rst). Only the values
 * change; they are read from the VM or vCPU at the moment of the read.
 * Any byte range may be read, with read() or pread(); a read that runs
 * past the end is short, one that starts there returns 0 (as KVM's
 * kvm_stats_read). lseek() does not move (noop_llseek, as KVM).
 *
 * A stats fd holds a reference on its VM (as KVM's kvm_get_kvm), so it
 * stays readable after the VM and vCPU fds are closed; a vCPU lives as
 * long as its VM.
 *
 * Names follow KVM's where the meaning is the same (x86.c
 * kvm_vcpu_stats_desc, kvm_main.c generic stats), so tools that read
 * KVM's stats show the same columns; hvx's own are the exit_* kinds and
 * pages_pinned. Only counters hvx updates are offered: the per-kind exit
 * counters of kinds the backend never produces are left out.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "hvx.h"

/* How each value is typed: a counter that only grows, or a current amount. */
#define STAT_COUNTER	(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE | KVM_STATS_BASE_POW10)
#define STAT_INSTANT	(KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE | KVM_STATS_BASE_POW10)

/*
 * One statistic: its name and type, the offset of its u64 in struct
 * hvx_vcpu or struct hvx_vm, and for a per-kind exit counter the kind
 * (offered only if the backend's table produces it), -1 otherwise.
 */
struct stat_def {
	const char *name;
	u32 flags;
	u32 src;
	s8 kind;
};

#define VCPU_STAT(n, field) \
	{ n, STAT_COUNTER, offsetof(struct hvx_vcpu, stat.field), -1 }
#define VCPU_EXIT(n, k) \
	{ n, STAT_COUNTER, offsetof(struct hvx_vcpu, stat.exit_kind[k]), k }

/*
 * KVM's names first, with KVM's meaning:
 *   exits            every VM exit;
 *   io_exits         IN/OUT/INS/OUTS intercepts, handled in the kernel
 *                    or not; mmio_exits: KVM_EXIT_MMIO exits to user space;
 *   irq_exits        physical interrupts; halt_exits: HLT;
 *   irq_window_exits, nmi_window_exits: the window exits hvx asked for;
 *   signal_exits     KVM_RUN ended by a signal; request_irq_exits:
 *                    KVM_EXIT_IRQ_WINDOW_OPEN;
 *   insn_emulation   instructions decoded to be emulated or measured
 *                    (MMIO, OUTS, the length of an intercepted instruction
 *                    on a CPU without NRIP save); insn_emulation_fail: those
 *                    that ended in KVM_INTERNAL_ERROR_EMULATION;
 *   hypercalls       VMMCALL/VMCALL;
 *   irq_injections, nmi_injections: events injected (KVM counts again an
 *                    event whose delivery an exit interrupted; hvx does not);
 *   halt_wakeup      a vCPU that slept (HLT, or waiting for INIT/SIPI) woken.
 * Then hvx's own: the other exit kinds (enum hvx_exit_kind). Summed,
 * exits = irq_exits + io_exits + halt_exits + irq_window_exits +
 * nmi_window_exits + hypercalls + the exit_* counters.
 */
static const struct stat_def vcpu_stats[] = {
	VCPU_STAT("exits", exits),
	VCPU_EXIT("io_exits", HVX_EXIT_IO),
	VCPU_STAT("mmio_exits", mmio_exits),
	VCPU_STAT("signal_exits", signal_exits),
	VCPU_EXIT("irq_window_exits", HVX_EXIT_IRQ_WINDOW),
	VCPU_EXIT("nmi_window_exits", HVX_EXIT_NMI_WINDOW),
	VCPU_EXIT("halt_exits", HVX_EXIT_HLT),
	VCPU_STAT("request_irq_exits", request_irq_exits),
	VCPU_EXIT("irq_exits", HVX_EXIT_INTR),
	VCPU_STAT("insn_emulation", insn_emulation),
	VCPU_STAT("insn_emulation_fail", insn_emulation_fail),
	VCPU_EXIT("hypercalls", HVX_EXIT_HYPERCALL),
	VCPU_STAT("irq_injections", irq_injections),
	VCPU_STAT("nmi_injections", nmi_injections),
	VCPU_STAT("halt_wakeup", halt_wakeup),
	VCPU_EXIT("exit_exception", HVX_EXIT_EXCEPTION),
	VCPU_EXIT("exit_cpuid", HVX_EXIT_CPUID),
	VCPU_EXIT("exit_msr", HVX_EXIT_MSR),
	VCPU_EXIT("exit_tdp_fault", HVX_EXIT_TDP_FAULT),
	VCPU_EXIT("exit_cr", HVX_EXIT_CR),
	VCPU_EXIT("exit_dr", HVX_EXIT_DR),
	VCPU_EXIT("exit_xsetbv", HVX_EXIT_XSETBV),
	VCPU_EXIT("exit_other", HVX_EXIT_OTHER),
};

/*
 * The VM's:
 *   remote_tlb_flush  times the VM made all its vCPUs drop their guest
 *                     translations (a mapping removed or write-protected:
 *                     vm->tlb_gen, vm.c);
 *   pages_pinned      guest pages pinned now (hvx pins on first touch).
 */
static const struct stat_def vm_stats[] = {
	{ "remote_tlb_flush", STAT_COUNTER, offsetof(struct hvx_vm, tlb_gen), -1 },
	{ "pages_pinned", STAT_INSTANT, offsetof(struct hvx_vm, pinned_pages), -1 },
};

/* Every value is read as a u64 at its offset. */
static_assert(sizeof(((struct hvx_vm *)0)->tlb_gen) == sizeof(u64));
static_assert(sizeof(((struct hvx_vm *)0)->pinned_pages) == sizeof(u64));
static_assert(sizeof(((struct hvx_vcpu *)0)->stat.exits) == sizeof(u64));

/* A descriptor as it is in the file: the fixed part, then the name. */
struct stats_desc {
	struct kvm_stats_desc d;
	char name[HVX_STATS_NAME_SIZE];
};
static_assert(sizeof(struct kvm_stats_header) % 8 == 0);
static_assert(sizeof(struct stats_desc) == 16 + HVX_STATS_NAME_SIZE);
static_assert(HVX_STATS_NAME_SIZE % 8 == 0);

#define MAX_STATS	ARRAY_SIZE(vcpu_stats)

/* The immutable blocks of one kind of fd (VM or vCPU), built at load. */
struct stats_layout {
	struct kvm_stats_header header;
	struct stats_desc desc[MAX_STATS];
	u32 src[MAX_STATS];		/* where value i is read from */
};

static struct stats_layout vm_layout, vcpu_layout;

/* Kinds the backend's table can produce: HVX_EXIT_OTHER always can. */
static u32 backend_exit_kinds(void)
{
	u32 kinds = BIT(HVX_EXIT_OTHER), i;

	for (i = 0; i < hvx_ops->nr_exit_kinds; i++)
		kinds |= BIT(hvx_ops->exit_kinds[i]);
	return kinds;
}

static void build_layout(struct stats_layout *l, const struct stat_def *defs,
			 unsigned int n, u32 kinds)
{
	struct kvm_stats_header *h = &l->header;
	unsigned int i;
	u32 nr = 0;

	for (i = 0; i < n; i++) {
		struct stats_desc *sd = &l->desc[nr];

		if (defs[i].kind >= 0 && !(kinds & BIT(defs[i].kind)))
			continue;
		sd->d.flags = defs[i].flags;
		sd->d.size = 1;			/* one u64: no histograms */
		sd->d.offset = nr * sizeof(u64);
		strscpy(sd->name, defs[i].name, sizeof(sd->name));
		l->src[nr++] = defs[i].src;
	}
	h->flags = 0;
	h->name_size = HVX_STATS_NAME_SIZE;
	h->num_desc = nr;
	h->id_offset = sizeof(*h);
	h->desc_offset = h->id_offset + HVX_STATS_NAME_SIZE;
	h->data_offset = h->desc_offset + nr * sizeof(struct stats_desc);
}

/* At module load, once the backend is chosen. */
void hvx_stats_init(void)
{
	static_assert(HVX_NR_EXIT_KINDS <= 32);
	static_assert(ARRAY_SIZE(vm_stats) <= MAX_STATS);

	build_layout(&vcpu_layout, vcpu_stats, ARRAY_SIZE(vcpu_stats), backend_exit_kinds());
	build_layout(&vm_layout, vm_stats, ARRAY_SIZE(vm_stats), 0);
}

/*
 * Count one exit by the backend's raw exit code, where each backend
 * dispatches its exits (svm.c, vmx.c handle_exit).
 */
void hvx_count_exit(struct hvx_vcpu *vcpu, u32 code)
{
	u8 kind = HVX_EXIT_OTHER;

	if (code < hvx_ops->nr_exit_kinds && hvx_ops->exit_kinds[code] < HVX_NR_EXIT_KINDS)
		kind = hvx_ops->exit_kinds[code];
	vcpu->stat.exits++;
	vcpu->stat.exit_kind[kind]++;
}

/* The id strings, as KVM writes them: the creating thread's PID. */
void hvx_stats_name_vm(struct hvx_vm *vm)
{
	snprintf(vm->stats_id, sizeof(vm->stats_id), "kvm-%d", task_pid_nr(current));
}

void hvx_stats_name_vcpu(struct hvx_vcpu *vcpu)
{
	snprintf(vcpu->stats_id, sizeof(vcpu->stats_id), "kvm-%d/vcpu-%u",
		 task_pid_nr(current), vcpu->id);
}

/*
 * Copy [*pos, *pos + size) of the file to user space. The blocks are
 * contiguous (see the top), so the file is walked block by block from
 * the one *pos falls in.
 */
static ssize_t stats_read(const struct stats_layout *l, const char *id,
			  const void *obj, char __user *buf, size_t size, loff_t *pos)
{
	const struct kvm_stats_header *h = &l->header;
	u64 data[MAX_STATS];
	const struct { const void *p; u32 off, len; } blocks[] = {
		{ h, 0, sizeof(*h) },
		{ id, h->id_offset, HVX_STATS_NAME_SIZE },
		{ l->desc, h->desc_offset, h->num_desc * sizeof(struct stats_desc) },
		{ data, h->data_offset, h->num_desc * sizeof(u64) },
	};
	loff_t p = *pos;
	size_t done = 0;
	unsigned int i;

	if (p < 0)		/* the VFS refuses these already */
		return -EINVAL;
	if (p >= h->data_offset + h->num_desc * sizeof(u64))
		return 0;
	for (i = 0; i < h->num_desc; i++)
		data[i] = READ_ONCE(*(const u64 *)(obj + l->src[i]));
	for (i = 0; i < ARRAY_SIZE(blocks) && done < size; i++) {
		size_t n;

		if (p >= blocks[i].off + blocks[i].len)
			continue;
		n = min_t(size_t, blocks[i].off + blocks[i].len - p, size - done);
		if (copy_to_user(buf + done, blocks[i].p + (p - blocks[i].off), n))
			return -EFAULT;
		done += n;
		p += n;
	}
	*pos = p;
	return done;
}

static ssize_t vm_stats_read(struct file *file, char __user *buf, size_t size, loff_t *pos)
{
	struct hvx_vm *vm = file->private_data;

	return stats_read(&vm_layout, vm->stats_id, vm, buf, size, pos);
}

static ssize_t vcpu_stats_read(struct file *file, char __user *buf, size_t size, loff_t *pos)
{
	struct hvx_vcpu *vcpu = file->private_data;

	return stats_read(&vcpu_layout, vcpu->stats_id, vcpu, buf, size, pos);
}

static int vm_stats_release(struct inode *inode, struct file *file)
{
	hvx_vm_put(file->private_data);
	return 0;
}

static int vcpu_stats_release(struct inode *inode, struct file *file)
{
	struct hvx_vcpu *vcpu = file->private_data;

	hvx_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vm_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= vm_stats_read,
	.release	= vm_stats_release,
	.llseek		= noop_llseek,
};

static const struct file_operations vcpu_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= vcpu_stats_read,
	.release	= vcpu_stats_release,
	.llseek		= noop_llseek,
};

/* A read-only fd that holds a reference on vm (api.rst 4.133). */
static int stats_fd(const char *name, const struct file_operations *fops,
		    void *obj, struct hvx_vm *vm)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile(name, fops, obj, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	hvx_vm_get(vm);
	file->f_mode |= FMODE_PREAD;	/* anon inodes do not get it by default */
	fd_install(fd, file);
	return fd;
}

int hvx_stats_vm_fd(struct hvx_vm *vm)
{
	return stats_fd("hvx-vm-stats", &vm_stats_fops, vm, vm);
}

int hvx_stats_vcpu_fd(struct hvx_vcpu *vcpu)
{
	char name[32];

	snprintf(name, sizeof(name), "hvx-vcpu-stats:%u", vcpu->id);
	return stats_fd(name, &vcpu_stats_fops, vcpu, vcpu->vm);
}
