// SPDX-License-Identifier: GPL-2.0
/*
 * VM test of the binary statistics (api.rst 4.133 KVM_GET_STATS_FD,
 * KVM_CAP_BINARY_STATS_FD), read through lib/stats.c.
 *
 * Only what both hypervisors define the same way is compared: the layout
 * rules of the header, the id strings ("kvm-PID", "kvm-PID/vcpu-N"), the
 * KVM-named counters hvx offers existing on KVM too with the same type,
 * and exact counts where the guest decides them: guests/bench64.S makes
 * N OUTs then a HLT (io_exits grows by exactly N, halt_exits by 1,
 * mmio_exits by 0), then N CPUIDs. hvx's own per-kind counters are
 * checked where they exist (exit_cpuid, and exits = the sum of the kinds).
 * The fds are read-only, reads past the end are short or empty, and they
 * stay readable after the VM and vCPU fds are closed.
 *
 * With the irqchip and PIT in the kernel (stats_irq), guests/pit_pic64.S
 * takes at least 10 PIT ticks through the PIC and sleeps in HLT between
 * them: both count the injections and the HLTs; hvx also each wake-up
 * (KVM may poll instead of sleeping, and then counts none).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "irqtest.h"
#include "stats.h"

#define N_OUTS		50
#define N_CPUIDS	40

/* The counters hvx names as KVM does: they must exist on both, alike. */
static const char *const kvm_vcpu_names[] = {
	"exits", "io_exits", "mmio_exits", "signal_exits", "irq_window_exits",
	"nmi_window_exits", "halt_exits", "request_irq_exits", "irq_exits",
	"insn_emulation", "insn_emulation_fail", "hypercalls", "irq_injections",
	"nmi_injections", "halt_wakeup",
};

/* The per-kind exit counters of hvx that are not KVM names (stats.c). */
static const char *const hvx_exit_kinds[] = {
	"exit_exception", "exit_cpuid", "exit_msr", "exit_tdp_fault", "exit_cr",
	"exit_dr", "exit_xsetbv", "exit_other",
};

struct stats_test {
	struct vmm_stats vm, vcpu;
};

static int check_layout(struct t *t, const struct vmm_stats *s, const char *what,
			const char *want_id)
{
	const struct kvm_stats_header *h = &s->header;

	CHECK(h->flags == 0, "%s: header flags %#x", what, h->flags);
	CHECK(h->id_offset % 8 == 0 && h->desc_offset % 8 == 0 && h->data_offset % 8 == 0,
	      "%s: blocks not 8-byte aligned: %u %u %u", what, h->id_offset,
	      h->desc_offset, h->data_offset);
	CHECK(h->id_offset >= sizeof(*h) && h->desc_offset >= sizeof(*h) &&
	      h->data_offset >= sizeof(*h), "%s: a block overlaps the header", what);
	CHECK(!strcmp(s->id, want_id), "%s: id '%s', expected '%s'", what, s->id, want_id);
	t_trace(t, "%s name_size=%u id_offset=%u", what, h->name_size, h->id_offset);
	return 0;
}

static int check_counter(struct t *t, const struct vmm_stats *s, const char *name)
{
	const struct vmm_stat *st = vmm_stats_find(s, name);

	CHECK(st, "no stat '%s'", name);
	CHECK((st->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE &&
	      (st->flags & KVM_STATS_UNIT_MASK) == KVM_STATS_UNIT_NONE &&
	      st->size == 1 && st->exponent == 0,
	      "stat '%s': flags %#x size %u exponent %d", name, st->flags, st->size,
	      st->exponent);
	return 0;
}

static uint64_t val(const struct vmm_stats *s, const char *name)
{
	uint64_t v = 0;

	vmm_stats_get(s, name, &v);
	return v;
}

/* exits equals the sum of the per-kind counters, where they exist (hvx). */
static int check_kind_sum(struct t *t, const struct vmm_stats *s)
{
	static const char *const kvm_kinds[] = {
		"io_exits", "halt_exits", "irq_exits", "irq_window_exits",
		"nmi_window_exits", "hypercalls",
	};
	uint64_t sum = 0;
	unsigned int i;

	if (!vmm_stats_find(s, "exit_other"))
		return 0;
	for (i = 0; i < sizeof(kvm_kinds) / sizeof(kvm_kinds[0]); i++)
		sum += val(s, kvm_kinds[i]);
	for (i = 0; i < sizeof(hvx_exit_kinds) / sizeof(hvx_exit_kinds[0]); i++)
		sum += val(s, hvx_exit_kinds[i]);
	CHECK_EQ(sum, val(s, "exits"));
	return 0;
}

/* Run bench64: rdi = 1 makes n OUTs, rdi = 0 n CPUIDs; then HLT. */
static int run_bench(struct t *t, int pio, int n)
{
	struct kvm_regs r;

	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	r.rip = GUEST_BASE;
	r.rdi = pio;
	r.r8 = n;
	CHECK_R(vmm_set_regs(&t->vcpu, &r));
	return t_run_to(t, KVM_EXIT_HLT);
}

static int check_file_ops(struct t *t, const struct vmm_stats *s)
{
	off_t end = s->header.data_offset + s->data_size;
	char buf[64] = { 0 };

	/* Read-only (opened O_RDONLY by the hypervisor). */
	CHECK(write(s->fd, buf, 8) < 0 && errno == EBADF, "write to a stats fd: errno %d", errno);
	CHECK(pread(s->fd, buf, sizeof(buf), end) == 0, "pread at the end");
	CHECK(pread(s->fd, buf, sizeof(buf), end + 4096) == 0, "pread past the end");
	CHECK(pread(s->fd, buf, sizeof(buf), end - 8) == 8, "pread across the end is not short");
	return 0;
}

static int stats_body(struct t *t, struct stats_test *st)
{
	uint64_t exits, io, halt, mmio, cpuid = 0;
	char id[64];
	unsigned int i;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(bench64)));
	CHECK(vmm_check_extension(&t->vm, KVM_CAP_BINARY_STATS_FD) > 0,
	      "KVM_CAP_BINARY_STATS_FD not offered");
	CHECK(ioctl(t->vm.sys_fd, KVM_GET_STATS_FD, 0) < 0 && errno == EINVAL,
	      "KVM_GET_STATS_FD on the system fd: errno %d", errno);
	CHECK_R(vmm_stats_open(&st->vm, t->vm.vm_fd));
	CHECK_R(vmm_stats_open(&st->vcpu, t->vcpu.fd));
	snprintf(id, sizeof(id), "kvm-%d", (int)getpid());
	CHECK_R(check_layout(t, &st->vm, "vm", id));
	snprintf(id, sizeof(id), "kvm-%d/vcpu-0", (int)getpid());
	CHECK_R(check_layout(t, &st->vcpu, "vcpu", id));
	for (i = 0; i < sizeof(kvm_vcpu_names) / sizeof(kvm_vcpu_names[0]); i++)
		CHECK_R(check_counter(t, &st->vcpu, kvm_vcpu_names[i]));
	CHECK_R(check_counter(t, &st->vm, "remote_tlb_flush"));
	CHECK_R(check_file_ops(t, &st->vcpu));
	CHECK_R(check_file_ops(t, &st->vm));

	/* N OUTs and a HLT. */
	CHECK_R(vmm_stats_read(&st->vcpu));
	exits = val(&st->vcpu, "exits");
	io = val(&st->vcpu, "io_exits");
	halt = val(&st->vcpu, "halt_exits");
	mmio = val(&st->vcpu, "mmio_exits");
	CHECK_R(run_bench(t, 1, N_OUTS));
	CHECK_EQ(t->nreports, N_OUTS);
	t_trace_state(t);
	CHECK_R(vmm_stats_read(&st->vcpu));
	CHECK_EQ(val(&st->vcpu, "io_exits") - io, N_OUTS);
	CHECK_EQ(val(&st->vcpu, "halt_exits") - halt, 1);
	CHECK_EQ(val(&st->vcpu, "mmio_exits") - mmio, 0);
	CHECK(val(&st->vcpu, "exits") - exits >= N_OUTS + 1, "exits grew by %llu only",
	      (unsigned long long)(val(&st->vcpu, "exits") - exits));
	CHECK_R(check_kind_sum(t, &st->vcpu));
	t_trace(t, "after %d OUTs: io_exits +%d halt_exits +1 mmio_exits +0", N_OUTS, N_OUTS);

	/* N CPUIDs and a HLT: no I/O. */
	io = val(&st->vcpu, "io_exits");
	exits = val(&st->vcpu, "exits");
	vmm_stats_get(&st->vcpu, "exit_cpuid", &cpuid);
	CHECK_R(run_bench(t, 0, N_CPUIDS));
	CHECK_R(vmm_stats_read(&st->vcpu));
	CHECK_EQ(val(&st->vcpu, "io_exits") - io, 0);
	CHECK(val(&st->vcpu, "exits") - exits >= N_CPUIDS + 1, "exits grew by %llu only",
	      (unsigned long long)(val(&st->vcpu, "exits") - exits));
	if (vmm_stats_find(&st->vcpu, "exit_cpuid"))
		CHECK_EQ(val(&st->vcpu, "exit_cpuid") - cpuid, N_CPUIDS);
	CHECK_R(check_kind_sum(t, &st->vcpu));
	t_trace(t, "after %d CPUIDs: io_exits +0", N_CPUIDS);

	/* The stats fds outlive the VM and vCPU fds (they hold the VM). */
	io = val(&st->vcpu, "io_exits");
	CHECK_R(vmm_stats_read(&st->vm));
	vmm_vcpu_destroy(&t->vcpu);
	t->have_vcpu = false;
	vmm_vm_destroy(&t->vm);
	t->have_vm = false;
	CHECK_R(vmm_stats_read(&st->vcpu));
	CHECK_R(vmm_stats_read(&st->vm));
	CHECK_EQ(val(&st->vcpu, "io_exits"), io);
	t_trace(t, "stats readable after the VM fd is closed");
	return 0;
}

int test_stats(struct t *t)
{
	struct stats_test st = { .vm.fd = -1, .vcpu.fd = -1 };
	int r = stats_body(t, &st);

	vmm_stats_close(&st.vcpu);
	vmm_stats_close(&st.vm);
	return r;
}

/* At least this many timer interrupts in pit_pic64: its PIT ticks. */
#define TIMER_IRQS	10

IVM_TEST(stats_irq, 1, IVM_IRQCHIP | IVM_PIT, pit_pic64)
{
	struct vmm_stats s;
	uint64_t inj, halts, wakeups;
	int r;

	CHECK_R(vmm_stats_open(&s, v->vc[0].vcpu->fd));
	r = vc_run(&v->vc[0]) ? vc_check(t, &v->vc[0]) : vmm_stats_read(&s);
	if (r) {
		vmm_stats_close(&s);
		return r < 0 && !t->err[0] ? t_fail(t, "read stats: %s", strerror(-r)) : -1;
	}
	inj = val(&s, "irq_injections");
	halts = val(&s, "halt_exits");
	wakeups = val(&s, "halt_wakeup");
	r = check_kind_sum(t, &s);
	vmm_stats_close(&s);
	CHECK_R(r);
	CHECK(inj >= TIMER_IRQS, "irq_injections %llu", (unsigned long long)inj);
	CHECK(halts >= 1, "halt_exits %llu", (unsigned long long)halts);
	if (!t->is_kvm)
		CHECK(wakeups >= 1, "halt_wakeup %llu", (unsigned long long)wakeups);
	t_trace(t, "irq_injections >= %d, halt_exits >= 1", TIMER_IRQS);
	return 0;
}
