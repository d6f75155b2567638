// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt tests: the local APIC and its timer (xAPIC and x2APIC), the
 * PIC and PIT, the IOAPIC, NMIs, the user-space PIC path (KVM_INTERRUPT,
 * interrupt windows), KVM_GET/SET_VCPU_EVENTS, and HLT with the irqchip
 * in the kernel. Also the run loop they and tests_smp.c share
 * (irqtest.h). Each test is written against the KVM ABI (api.rst) and
 * passes on KVM; traces hold only what is the same on every run: no
 * timer counts, no times.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "irqtest.h"

/* ---- the shared run loop ---- */

/*
 * The watchdog is a per-thread POSIX timer whose signal sets
 * immediate_exit in the run page of the vCPU this thread runs: KVM_RUN
 * returns -EINTR whether the signal comes inside it or just before it
 * (api.rst 5 "The kvm_run structure": immediate_exit).
 */
static __thread struct kvm_run *wd_run;
static __thread volatile sig_atomic_t wd_fired;

static void on_watchdog(int sig)
{
	wd_fired = 1;
	if (wd_run)
		wd_run->immediate_exit = 1;
}

static void watchdog_install(void)
{
	struct sigaction sa = { .sa_handler = on_watchdog };	/* no SA_RESTART */

	sigaction(SIGUSR2, &sa, NULL);
}

static void watchdog_handler_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, watchdog_install);
}

int vc_fail(struct vc *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

void vc_log(struct vc *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->log_len + 2 >= sizeof(c->log))
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->log + c->log_len, sizeof(c->log) - c->log_len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	c->log_len += n;
	if (c->log_len > sizeof(c->log) - 2)
		c->log_len = sizeof(c->log) - 2;
	c->log[c->log_len++] = '\n';
	c->log[c->log_len] = 0;
}

static void reports_str(struct vc *c, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < c->nrep && n + 12 < size; i++)
		n += snprintf(buf + n, size - n, " %#x", c->rep[i]);
}

/*
 * One KVM_RUN under the watchdog: 0, 1 when KVM_RUN asks to be called
 * again (-EAGAIN: a vCPU waiting for INIT/SIPI got an event that did not
 * make it runnable yet), or -1 with c->err set.
 */
static int vc_step(struct vc *c)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2 };
	int ms = c->timeout_ms ? c->timeout_ms : 5000;
	struct itimerspec its = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };
	timer_t tm;
	int r;

	watchdog_handler_once();
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &tm))
		return vc_fail(c, "timer_create: %s", strerror(errno));
	wd_fired = 0;
	wd_run = c->vcpu->run;
	timer_settime(tm, 0, &its, NULL);
	r = vmm_run(c->vcpu);
	timer_delete(tm);
	wd_run = NULL;
	if (wd_fired) {
		struct kvm_regs regs = { 0 };
		struct kvm_sregs sregs = { 0 };
		char reps[256];

		c->vcpu->run->immediate_exit = 0;
		vmm_get_regs(c->vcpu, &regs);
		vmm_get_sregs(c->vcpu, &sregs);
		reports_str(c, reps, sizeof(reps));
		return vc_fail(c, "no exit within %d ms (guest waiting for an interrupt?) at "
			       "cs:rip %#x:%#llx rflags %#llx; reports so far:%s", ms,
			       sregs.cs.selector, (unsigned long long)regs.rip,
			       (unsigned long long)regs.rflags, reps);
	}
	if (r == -EAGAIN)
		return 1;
	if (r < 0)
		return vc_fail(c, "KVM_RUN: %s (exit reason %s)", strerror(-r),
			       vmm_exit_name(c->vcpu->run->exit_reason));
	return 0;
}

static uint64_t vc_rip(struct vc *c)
{
	struct kvm_regs r;

	return vmm_get_regs(c->vcpu, &r) ? 0 : r.rip;
}

/*
 * An I/O exit: the report ports of guests/ports.h. 0 go on, 1 the guest
 * is done, -1 failed (c->err).
 */
static int vc_io(struct vc *c)
{
	struct kvm_run *run = c->vcpu->run;
	uint8_t *data = vmm_io_data(c->vcpu);
	uint32_t v = 0;

	if (run->io.direction == KVM_EXIT_IO_IN)
		return vc_fail(c, "IN from port %#x reached user space (rip %#llx)",
			       run->io.port, (unsigned long long)vc_rip(c));
	memcpy(&v, data, run->io.size < 4 ? run->io.size : 4);
	switch (run->io.port) {
	case PORT_REPORT:
		if (c->nrep < MAX_REPORTS)
			c->rep[c->nrep++] = v;
		if (c->on_report && c->on_report(c, v))
			return -1;
		return 0;
	case PORT_VECTOR:
		if (!c->expect_exc)
			return vc_fail(c, "exception %u in the guest (rip %#llx)", v,
				       (unsigned long long)vc_rip(c));
		if (c->nexc < 16) {
			c->exc[c->nexc].vector = v;
			c->exc[c->nexc++].error = 0;
		}
		return 0;
	case PORT_ERRCODE:
		if (c->nexc > 0)
			c->exc[c->nexc - 1].error = v;
		return 0;
	case PORT_CONSOLE:
		return 0;
	case PORT_DONE:
		c->done = true;
		return 1;
	}
	return vc_fail(c, "OUT %#x to port %#x reached user space (rip %#llx)", v,
		       run->io.port, (unsigned long long)vc_rip(c));
}

/* An exit other than I/O: always a failure in vc_run. */
static int vc_unexpected(struct vc *c)
{
	struct kvm_run *run = c->vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_HLT:
		if (c->irqchip)
			return vc_fail(c, "HLT reached user space with the irqchip in the kernel");
		return vc_fail(c, "unexpected HLT exit (rip %#llx)",
			       (unsigned long long)vc_rip(c));
	case KVM_EXIT_MMIO:
		return vc_fail(c, "MMIO %s at %#llx reached user space",
			       run->mmio.is_write ? "write" : "read",
			       (unsigned long long)run->mmio.phys_addr);
	case KVM_EXIT_INTERNAL_ERROR:
		return vc_fail(c, "internal error, suberror %u", run->internal.suberror);
	case KVM_EXIT_FAIL_ENTRY:
		return vc_fail(c, "entry failed, reason %#llx",
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	}
	return vc_fail(c, "exit %s (%u) at rip %#llx", vmm_exit_name(run->exit_reason),
		       run->exit_reason, (unsigned long long)vc_rip(c));
}

int vc_run(struct vc *c)
{
	int r;

	c->vcpu->run->immediate_exit = 0;
	for (;;) {
		r = vc_step(c);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (c->vcpu->run->exit_reason != KVM_EXIT_IO)
			return vc_unexpected(c);
		r = vc_io(c);
		if (r)
			return r < 0 ? -1 : 0;
	}
}

static void *vc_thread(void *arg)
{
	struct vc *c = arg;

	c->result = vc_run(c);
	return NULL;
}

int vc_start(struct vc *c)
{
	int r = pthread_create(&c->thread, NULL, vc_thread, c);

	if (r) {
		c->result = vc_fail(c, "pthread_create: %s", strerror(r));
		return -1;
	}
	c->started = true;
	return 0;
}

int vc_join(struct vc *c)
{
	if (c->started)
		pthread_join(c->thread, NULL);
	c->started = false;
	return c->result;
}

int vc_check(struct t *t, struct vc *c)
{
	if (!c->err[0])
		return 0;
	return t_fail(t, "vCPU %d: %s", c->id, c->err);
}

int vc_check_all(struct t *t, struct ivm *v)
{
	size_t n = 0;
	int i;

	for (i = 0; i < v->n; i++)
		if (v->vc[i].err[0] && n + 16 < sizeof(t->err))
			n += snprintf(t->err + n, sizeof(t->err) - n, "%svCPU %d: %s",
				      n ? "; " : "", i, v->vc[i].err);
	return n ? -1 : 0;
}

void vc_trace(struct vc *c)
{
	struct t *t = c->t;
	char reps[1024];
	const char *p, *nl;
	int i;

	reports_str(c, reps, sizeof(reps));
	t_trace(t, "vcpu %d: reports%s", c->id, reps);
	for (i = 0; i < c->nexc; i++)
		t_trace(t, "vcpu %d: exception %#x error %#x", c->id, c->exc[i].vector,
			c->exc[i].error);
	for (p = c->log; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		t_trace(t, "vcpu %d: %.*s", c->id, (int)(nl - p), p);
	}
}

int vc_expect(struct t *t, struct vc *c, const uint32_t *want, int n)
{
	char got[1024], exp[1024];
	size_t k = 0;
	int i;

	for (i = 0; i < n && c->nrep == n; i++)
		if (c->rep[i] != want[i])
			break;
	if (c->nrep == n && i == n)
		return 0;
	reports_str(c, got, sizeof(got));
	exp[0] = 0;
	for (i = 0; i < n && k + 12 < sizeof(exp); i++)
		k += snprintf(exp + k, sizeof(exp) - k, " %#x", want[i]);
	return t_fail(t, "vCPU %d reported%s; expected%s", c->id, got, exp);
}

const char *mp_state_name(uint32_t s)
{
	static const char *const names[] = {
		[KVM_MP_STATE_RUNNABLE] = "RUNNABLE",
		[KVM_MP_STATE_UNINITIALIZED] = "UNINITIALIZED",
		[KVM_MP_STATE_INIT_RECEIVED] = "INIT_RECEIVED",
		[KVM_MP_STATE_HALTED] = "HALTED",
		[KVM_MP_STATE_SIPI_RECEIVED] = "SIPI_RECEIVED",
	};

	return s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "?";
}

/* ---- VM setup ---- */

/* Each vCPU its initial APIC ID in CPUID (leaf 1 EBX[31:24], leaf 0xb EDX). */
static int set_cpuid(struct t *t, struct ivm *v)
{
	struct kvm_cpuid2 *c;
	struct kvm_cpuid_entry2 *e;
	bool deadline = vmm_check_extension(&t->vm, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	int i, r;
	uint32_t k;

	r = vmm_get_supported_cpuid(&t->vm, &c);
	if (r)
		return t_fail(t, "KVM_GET_SUPPORTED_CPUID: %s", strerror(-r));
	e = vmm_cpuid_entry(c, 1, 0);
	if (e && deadline)		/* KVM reports it as a capability only */
		e->ecx |= 1u << 24;
	for (i = 0; i < v->n; i++) {
		if (e)
			e->ebx = (e->ebx & 0x00ffffff) | (uint32_t)i << 24;
		for (k = 0; k < c->nent; k++)
			if (c->entries[k].function == 0xb || c->entries[k].function == 0x1f)
				c->entries[k].edx = i;
		r = vmm_set_cpuid2(i ? &v->vcpus[i] : &t->vcpu, c);
		if (r) {
			free(c);
			return t_fail(t, "KVM_SET_CPUID2 (vCPU %d): %s", i, strerror(-r));
		}
	}
	free(c);
	return 0;
}

int ivm_create(struct t *t, struct ivm *v, int n, int flags, const uint8_t *img, size_t len)
{
	int i, r;

	memset(v, 0, sizeof(*v));
	v->t = t;
	for (i = 0; i < IVM_MAX; i++)
		v->vcpus[i].fd = -1;
	r = vmm_vm_create(&t->vm, t->dev);
	if (r)
		return t_fail(t, "create VM on %s: %s", t->dev, strerror(-r));
	t->have_vm = true;
	r = vmm_add_memory(&t->vm, 0, 0, 4 << 20, 0, NULL);
	if (r)
		return t_fail(t, "add memory: %s", strerror(-r));
	if (vmm_load(&t->vm, GUEST_BASE, img, len))
		return t_fail(t, "guest image does not fit");
	if (flags & (IVM_IRQCHIP | IVM_PIT)) {
		r = vmm_create_irqchip(&t->vm);
		if (r)
			return t_fail(t, "KVM_CREATE_IRQCHIP: %s", strerror(-r));
	}
	if (flags & IVM_PIT) {
		/* Port 0x61 in the kernel too, as QEMU asks (api.rst 4.71). */
		r = vmm_create_pit2(&t->vm, KVM_PIT_SPEAKER_DUMMY);
		if (r)
			return t_fail(t, "KVM_CREATE_PIT2: %s", strerror(-r));
	}
	r = vmm_vcpus_create(&t->vm, n, v->vcpus);
	if (r)
		return t_fail(t, "create %d vCPUs: %s", n, strerror(-r));
	v->n = n;
	t->vcpu = v->vcpus[0];		/* t_cleanup destroys vCPU 0 */
	t->have_vcpu = true;
	if (set_cpuid(t, v))
		return -1;
	for (i = 0; i < n; i++) {
		struct vc *c = &v->vc[i];

		c->t = t;
		c->id = i;
		c->vcpu = i ? &v->vcpus[i] : &t->vcpu;
		c->irqchip = flags & (IVM_IRQCHIP | IVM_PIT);
		if (i && (flags & IVM_APS_RESET))
			continue;
		/* With the APIC in the kernel an AP waits for INIT-SIPI, until
		 * told otherwise (as KVM's selftests do). */
		if (i && (flags & (IVM_IRQCHIP | IVM_PIT))) {
			r = vmm_set_mp_state(c->vcpu, KVM_MP_STATE_RUNNABLE);
			if (r)
				return t_fail(t, "KVM_SET_MP_STATE RUNNABLE (vCPU %d): %s", i,
					      strerror(-r));
		}
		r = vmm_setup_long_mode(&t->vm, c->vcpu, GUEST_BASE, GUEST_STACK - 0x8000 * i,
					GUEST_STUBS);
		if (r)
			return t_fail(t, "long mode for vCPU %d: %s", i, strerror(-r));
	}
	return 0;
}

void ivm_free(struct ivm *v)
{
	int i;

	for (i = 1; i < IVM_MAX; i++)
		if (v->vcpus[i].fd >= 0)
			vmm_vcpu_destroy(&v->vcpus[i]);
}

/* ---- the tests ---- */

#define TIMER_COUNT 1000000

/*
 * The APIC timer in periodic, one-shot and TSC-deadline mode, the guest
 * sleeping in HLT between ticks (guests/apic_timer64.S); then what
 * KVM_GET_LAPIC shows of it and a KVM_SET_LAPIC round trip.
 */
IVM_TEST(apic_timer, 1, IVM_IRQCHIP, apic_timer64)
{
	struct vc *c = &v->vc[0];
	struct kvm_lapic_state ls;
	int e;

	/* The capability is how a VMM learns it may offer CPUID.1:ECX[24]. */
	CHECK(vmm_check_extension(&t->vm, KVM_CAP_TSC_DEADLINE_TIMER) > 0,
	      "no KVM_CAP_TSC_DEADLINE_TIMER: the guest cannot be offered the TSC-deadline timer");
	/* KVM_INTERRUPT is for a PIC in user space only (api.rst 4.16). */
	e = vmm_interrupt(c->vcpu, 0x30);
	CHECK_EQ(-e, ENXIO);
	t_trace(t, "KVM_INTERRUPT with irqchip: %s", strerror(-e));
	if (vc_run(c))
		return vc_check(t, c);
	VC_EXPECT(c, 0x1200200, 0, 0x10, 1, 1, 1, 0, 0, TIMER_COUNT, 0, 0, 0, 1);
	vc_trace(c);

	CHECK_R(vmm_get_lapic(c->vcpu, &ls));
	t_trace(t, "lapic id=%#x svr=%#x lvtt=%#x tdcr=%#x lvt0=%#x", vmm_lapic_reg(&ls, 0x20),
		vmm_lapic_reg(&ls, 0xf0), vmm_lapic_reg(&ls, 0x320), vmm_lapic_reg(&ls, 0x3e0),
		vmm_lapic_reg(&ls, 0x350));
	CHECK_EQ(vmm_lapic_reg(&ls, 0x20), 0);
	CHECK_EQ(vmm_lapic_reg(&ls, 0xf0), 0x1ff);
	CHECK_EQ(vmm_lapic_reg(&ls, 0x320), 0x10000 | 0x42);	/* masked, one-shot */
	CHECK_EQ(vmm_lapic_reg(&ls, 0x3e0), 0xb);
	/* The BSP's LINT0 takes the PIC's ExtINT after reset (as KVM's default). */
	CHECK_EQ(vmm_lapic_reg(&ls, 0x350), 0x700);
	*(uint32_t *)&ls.regs[0x80] = 0x20;		/* TPR */
	CHECK_R(vmm_set_lapic(c->vcpu, &ls));
	memset(&ls, 0, sizeof(ls));
	CHECK_R(vmm_get_lapic(c->vcpu, &ls));
	CHECK_EQ(vmm_lapic_reg(&ls, 0x80), 0x20);
	CHECK_EQ(vmm_lapic_reg(&ls, 0xf0), 0x1ff);
	t_trace(t, "after KVM_SET_LAPIC: tpr=%#x", vmm_lapic_reg(&ls, 0x80));
	return 0;
}

/* x2APIC mode through MSRs (guests/x2apic64.S). */
IVM_TEST(apic_x2apic, 1, IVM_IRQCHIP, x2apic64)
{
	struct vc *c = &v->vc[0];

	c->expect_exc = true;
	if (vc_run(c))
		return vc_check(t, c);
	VC_EXPECT(c, 0xfee00900, 0xfee00d00, 0, 1, 0, 1, 1, 0, 0);
	CHECK_EQ(c->nexc, 2);
	CHECK_EQ(c->exc[0].vector, 13);
	CHECK_EQ(c->exc[1].vector, 13);
	vc_trace(c);
	return 0;
}

#define PIT_HZ		1193182
#define PIT_CH0		1193		/* 1 ms */
#define PIT_CH2		0x3000		/* about 10 ms */

/*
 * The 8259A pair and the 8254 (guests/pit_pic64.S): the guest programs
 * both, counts channel-0 ticks through IRQ0 sleeping in HLT, then reads
 * channel 2 gated through port 0x61 as Linux calibrates the TSC.
 */
IVM_TEST(pit_pic, 1, IVM_IRQCHIP | IVM_PIT, pit_pic64)
{
	struct vc *c = &v->vc[0];
	struct kvm_pit_state2 ps;
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_PIC_MASTER };
	int e;

	e = vmm_create_irqchip(&t->vm);
	t_trace(t, "second KVM_CREATE_IRQCHIP: %s", strerror(-e));
	CHECK_EQ(-e, EEXIST);
	e = vmm_create_pit2(&t->vm, KVM_PIT_SPEAKER_DUMMY);
	t_trace(t, "second KVM_CREATE_PIT2: %s", strerror(-e));
	CHECK_EQ(-e, EEXIST);
	if (vc_run(c))
		return vc_check(t, c);
	VC_EXPECT(c, 0xfe, 1, 0x34, 0, 0x01, 1, 1);
	vc_trace(c);

	CHECK_R(vmm_get_pit2(&t->vm, &ps));
	t_trace(t, "pit ch0 mode=%u rw=%u count=%#x; ch2 mode=%u rw=%u count=%#x gate=%u",
		ps.channels[0].mode, ps.channels[0].rw_mode, ps.channels[0].count,
		ps.channels[2].mode, ps.channels[2].rw_mode, ps.channels[2].count,
		ps.channels[2].gate);
	CHECK_EQ(ps.channels[0].mode, 2);
	CHECK_EQ(ps.channels[0].count, PIT_CH0);
	CHECK_EQ(ps.channels[2].mode, 0);
	CHECK_EQ(ps.channels[2].count, PIT_CH2);
	CHECK_EQ(ps.channels[2].gate, 1);
	CHECK_R(vmm_get_irqchip(&t->vm, &chip));
	t_trace(t, "pic master: irq_base=%#x imr=%#x isr=%#x elcr=%#x", chip.chip.pic.irq_base,
		chip.chip.pic.imr, chip.chip.pic.isr, chip.chip.pic.elcr);
	CHECK_EQ(chip.chip.pic.irq_base, 0x20);
	CHECK_EQ(chip.chip.pic.imr, 0xff);
	return 0;
}

/* Report tags of guests/ioapic64.S. */
#define IO_READY_LEVEL	0xa5000001
#define IO_READY_EDGE	0xa5000002
#define IO_LEVEL	0xa6000000
#define IO_EDGE		0xa7000000
#define IO_K		5

static int line(struct vc *c, uint32_t irq, int level, int want)
{
	int st = 0, r = vmm_irq_line_status(&c->t->vm, irq, level, &st);

	if (r)
		return vc_fail(c, "KVM_IRQ_LINE_STATUS(%u, %d): %s", irq, level, strerror(-r));
	vc_log(c, "irq %u -> %d: status %d", irq, level, st);
	if (want != 99 && st != want)
		return vc_fail(c, "KVM_IRQ_LINE_STATUS(%u, %d): status %d, expected %d", irq,
			       level, st, want);
	return 0;
}

/*
 * User space drives the IOAPIC's pins as the guest asks for it: pin 5
 * stays asserted until the guest has taken K interrupts (each EOI
 * re-delivers, as remote IRR is cleared with the line still high); pin 6
 * is edge-triggered: a second assertion without an edge is coalesced.
 */
static int ioapic_on_report(struct vc *c, uint32_t v)
{
	switch (v) {
	case IO_READY_LEVEL:
		return line(c, 5, 1, 1);
	case IO_LEVEL | 1:
		/* Asserted again while waiting for the EOI: nothing delivered. */
		return line(c, 5, 1, 99);
	case IO_LEVEL | IO_K:
		return line(c, 5, 0, 99);
	case IO_READY_EDGE:
		return line(c, 6, 1, 1) || line(c, 6, 1, 0);
	case IO_EDGE | 1:
		return line(c, 6, 0, 99) || line(c, 6, 1, 1);
	case IO_EDGE | 2:
		return line(c, 6, 0, 99);
	}
	return 0;
}

/* IOAPIC pins, level and edge, driven by KVM_IRQ_LINE_STATUS (guests/ioapic64.S). */
IVM_TEST(ioapic_level, 1, IVM_IRQCHIP, ioapic64)
{
	struct vc *c = &v->vc[0];
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_ioapic_state *io = &chip.chip.ioapic;
	int st = 0;

	c->on_report = ioapic_on_report;
	if (vc_run(c))
		return vc_check(t, c);
	VC_EXPECT(c, 0x170011, 0x8060, IO_READY_LEVEL,
		  0x4000, 1, IO_LEVEL | 1, 0x4000, 1, IO_LEVEL | 2, 0x4000, 1, IO_LEVEL | 3,
		  0x4000, 1, IO_LEVEL | 4, 0x4000, 1, IO_LEVEL | 5,
		  0x8060, IO_READY_EDGE, IO_EDGE | 1, IO_EDGE | 2);
	vc_trace(c);

	CHECK_R(vmm_get_irqchip(&t->vm, &chip));
	t_trace(t, "ioapic base=%#llx id=%#x irr=%#x pin5=%#llx pin6=%#llx",
		(unsigned long long)io->base_address, io->id, io->irr,
		(unsigned long long)io->redirtbl[5].bits, (unsigned long long)io->redirtbl[6].bits);
	CHECK_EQ(io->base_address, 0xfec00000);
	CHECK_EQ(io->redirtbl[5].bits, 0x8060);
	CHECK_EQ(io->redirtbl[6].bits, 0x61);
	/* A GSI with no route: the ioctl succeeds, nothing is delivered. */
	CHECK_R(vmm_irq_line_status(&t->vm, 1000, 1, &st));
	t_trace(t, "irq 1000: status %d", st);
	CHECK(st < 0, "KVM_IRQ_LINE_STATUS(1000): status %d", st);
	return 0;
}

/* Report tags of guests/nmi64.S. */
#define NMI_HOST	0xa8000001
#define NMI_EVENTS	0xa8000002

static int nmi_on_report(struct vc *c, uint32_t v)
{
	struct kvm_vcpu_events ev;
	int r;

	if (v == NMI_HOST) {
		r = vmm_nmi(c->vcpu);
		if (r)
			return vc_fail(c, "KVM_NMI: %s", strerror(-r));
		vc_log(c, "KVM_NMI");
	} else if (v == NMI_EVENTS) {
		r = vmm_get_vcpu_events(c->vcpu, &ev);
		if (r)
			return vc_fail(c, "KVM_GET_VCPU_EVENTS: %s", strerror(-r));
		if (ev.nmi.pending || ev.nmi.masked || ev.nmi.injected)
			return vc_fail(c, "NMI state before: pending %u masked %u injected %u",
				       ev.nmi.pending, ev.nmi.masked, ev.nmi.injected);
		ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
		ev.nmi.pending = 1;
		r = vmm_set_vcpu_events(c->vcpu, &ev);
		if (r)
			return vc_fail(c, "KVM_SET_VCPU_EVENTS: %s", strerror(-r));
		vc_log(c, "nmi.pending=1 through KVM_SET_VCPU_EVENTS");
	}
	return 0;
}

/*
 * NMIs (guests/nmi64.S): to itself through the ICR; two more sent from
 * its NMI handler, of which exactly one is delivered, after the IRET;
 * from KVM_NMI and from KVM_SET_VCPU_EVENTS; and through the ICR to
 * vCPU 1, which waits in HLT with interrupts disabled.
 */
IVM_TEST(nmi, 2, IVM_IRQCHIP, nmi64)
{
	v->vc[0].on_report = nmi_on_report;
	if (vc_start(&v->vc[1]))
		return vc_check(t, &v->vc[1]);
	vc_run(&v->vc[0]);
	vc_join(&v->vc[1]);
	if (vc_check_all(t, v))
		return -1;
	VC_EXPECT(&v->vc[0], 1, 3, 0, NMI_HOST, 4, NMI_EVENTS, 5, 0);
	VC_EXPECT(&v->vc[1], 1);
	vc_trace(&v->vc[0]);
	vc_trace(&v->vc[1]);
	return 0;
}

/* ---- the user-space PIC path, and vCPU events ---- */

/* One exit of a stepped run: KVM_RUN, then I/O reports recorded. */
static int step(struct t *t, struct vc *c, uint32_t want_exit)
{
	struct kvm_run *run = c->vcpu->run;

	if (vc_step(c))		/* a vCPU stepped here is always runnable */
		return t_fail(t, "vCPU %d: %s", c->id, c->err[0] ? c->err : "-EAGAIN");
	if (run->exit_reason != want_exit) {
		if (run->exit_reason != KVM_EXIT_IO)
			vc_unexpected(c);
		else
			vc_io(c);
		return t_fail(t, "exit %s, expected %s (%s)", vmm_exit_name(run->exit_reason),
			      vmm_exit_name(want_exit), c->err);
	}
	if (run->exit_reason == KVM_EXIT_IO && vc_io(c) < 0)
		return vc_check(t, c);
	return 0;
}

static int step_report(struct t *t, struct vc *c, uint32_t want)
{
	CHECK_R(step(t, c, KVM_EXIT_IO));
	CHECK(c->vcpu->run->io.port == PORT_REPORT && c->nrep > 0 && c->rep[c->nrep - 1] == want,
	      "expected report %#x, got port %#x value %#x", want, c->vcpu->run->io.port,
	      c->nrep ? c->rep[c->nrep - 1] : 0);
	return 0;
}

/*
 * No irqchip in the kernel (api.rst 4.16 KVM_INTERRUPT, 5 "kvm_run":
 * request_interrupt_window, ready_for_interrupt_injection, if_flag):
 * the VMM asks for an interrupt window while the guest has IF = 0, gets
 * KVM_EXIT_IRQ_WINDOW_OPEN once it sets IF, injects with KVM_INTERRUPT;
 * HLT exits to user space, and an interrupt injected then wakes it.
 */
IVM_TEST(user_irq, 1, 0, uirq64)
{
	struct vc *c = &v->vc[0];
	struct kvm_run *run = c->vcpu->run;
	struct kvm_regs regs;
	int e;

	CHECK_R(step_report(t, c, 1));			/* IF = 0 */
	t_trace(t, "cli: if_flag=%u ready=%u", run->if_flag,
		run->ready_for_interrupt_injection);
	CHECK_EQ(run->if_flag, 0);
	CHECK_EQ(run->ready_for_interrupt_injection, 0);
	run->request_interrupt_window = 1;
	CHECK_R(step_report(t, c, 2));			/* still IF = 0 */
	CHECK_R(step(t, c, KVM_EXIT_IRQ_WINDOW_OPEN));	/* after STI */
	t_trace(t, "window: if_flag=%u ready=%u", run->if_flag,
		run->ready_for_interrupt_injection);
	CHECK_EQ(run->if_flag, 1);
	CHECK_EQ(run->ready_for_interrupt_injection, 1);
	e = vmm_interrupt(c->vcpu, 256);
	CHECK_EQ(-e, EINVAL);
	CHECK_R(vmm_interrupt(c->vcpu, 0x30));
	run->request_interrupt_window = 0;
	CHECK_R(step_report(t, c, 0x30));		/* from the handler */
	CHECK_R(step_report(t, c, 1));			/* one interrupt taken */
	CHECK_R(step(t, c, KVM_EXIT_IO));		/* where HLT will end */
	CHECK_R(step(t, c, KVM_EXIT_HLT));
	CHECK_R(vmm_get_regs(c->vcpu, &regs));
	CHECK_EQ(regs.rip, c->rep[c->nrep - 1]);	/* HLT is done when it exits */
	t_trace(t, "hlt: if_flag=%u ready=%u", run->if_flag, run->ready_for_interrupt_injection);
	CHECK_EQ(run->ready_for_interrupt_injection, 1);
	CHECK_R(vmm_interrupt(c->vcpu, 0x31));
	CHECK_R(step_report(t, c, 0x31));
	CHECK_R(step_report(t, c, 1));
	CHECK_R(step(t, c, KVM_EXIT_IO));
	CHECK(c->done, "guest not done: %s", c->err);
	vc_trace(c);
	return 0;
}

static void trace_events(struct t *t, const char *when, const struct kvm_vcpu_events *e)
{
	/* Fields not in force (no exception injected...) may keep stale values. */
	t_trace(t, "%s: flags=%#x exception=%u/%u nr=%u err=%s%#x interrupt=%u nr=%u shadow=%u "
		"nmi=%u/%u/%u sipi=%u smm=%u/%u/%u/%u", when, e->flags, e->exception.injected,
		e->exception.pending, e->exception.injected ? e->exception.nr : 0,
		e->exception.injected && !e->exception.has_error_code ? "-" : "",
		e->exception.injected ? e->exception.error_code : 0, e->interrupt.injected,
		e->interrupt.injected ? e->interrupt.nr : 0, e->interrupt.shadow,
		e->nmi.injected, e->nmi.pending, e->nmi.masked, e->sipi_vector,
		e->smi.smm, e->smi.pending, e->smi.smm_inside_nmi, e->smi.latched_init);
}

/*
 * KVM_GET/SET_VCPU_EVENTS (api.rst 4.31, 4.32), no irqchip: a round trip,
 * bad arguments, an exception with error code injected (#GP(0x10)), an
 * NMI made pending, and an NMI held while the VMM has NMIs masked.
 */
IVM_TEST(vcpu_events, 1, 0, events64)
{
	struct vc *c = &v->vc[0];
	struct kvm_vcpu_events a, b, bad;
	int e;

	c->expect_exc = true;
	CHECK_R(step_report(t, c, 1));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &a));
	trace_events(t, "first", &a);
	CHECK_EQ(a.exception.injected, 0);
	CHECK_EQ(a.nmi.pending, 0);
	CHECK_R(vmm_set_vcpu_events(c->vcpu, &a));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &b));
	CHECK(!memcmp(&a, &b, sizeof(a)), "KVM_SET_VCPU_EVENTS of what GET gave changed it");

	bad = a;
	bad.flags |= 1u << 31;
	e = vmm_set_vcpu_events(c->vcpu, &bad);
	t_trace(t, "unknown flag: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);
	bad = a;
	bad.flags |= KVM_VCPUEVENT_VALID_PAYLOAD;	/* without KVM_CAP_EXCEPTION_PAYLOAD */
	e = vmm_set_vcpu_events(c->vcpu, &bad);
	t_trace(t, "payload without the capability: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);
	bad = a;
	bad.exception.injected = 1;
	bad.exception.nr = 2;				/* NMI is not an exception */
	e = vmm_set_vcpu_events(c->vcpu, &bad);
	t_trace(t, "exception 2: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);
	bad.exception.nr = 32;
	e = vmm_set_vcpu_events(c->vcpu, &bad);
	t_trace(t, "exception 32: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);

	/* #GP(0x10), delivered on the next entry (the handler reports it). */
	b = a;
	b.exception.injected = 1;
	b.exception.nr = 13;
	b.exception.has_error_code = 1;
	b.exception.error_code = 0x10;
	CHECK_R(vmm_set_vcpu_events(c->vcpu, &b));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &a));
	trace_events(t, "#GP set", &a);
	CHECK_EQ(a.exception.injected, 1);
	CHECK_EQ(a.exception.nr, 13);
	CHECK_EQ(a.exception.error_code, 0x10);
	CHECK_R(step(t, c, KVM_EXIT_IO));		/* the handler's vector */
	CHECK_R(step(t, c, KVM_EXIT_IO));		/* and error code */
	CHECK_EQ(c->nexc, 1);
	CHECK_EQ(c->exc[0].vector, 13);
	CHECK_EQ(c->exc[0].error, 0x10);

	CHECK_R(step_report(t, c, 2));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &a));
	a.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	a.nmi.pending = 1;
	CHECK_R(vmm_set_vcpu_events(c->vcpu, &a));
	CHECK_R(step_report(t, c, 0x201));		/* the NMI handler */

	CHECK_R(step_report(t, c, 3));
	CHECK_R(vmm_nmi(c->vcpu));
	CHECK_R(step_report(t, c, 0x202));

	/* NMIs masked by the VMM: KVM_NMI stays pending until unmasked. */
	CHECK_R(step_report(t, c, 4));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &a));
	a.flags = 0;
	a.nmi.masked = 1;
	CHECK_R(vmm_set_vcpu_events(c->vcpu, &a));
	CHECK_R(vmm_nmi(c->vcpu));
	CHECK_R(vmm_get_vcpu_events(c->vcpu, &a));
	trace_events(t, "masked, KVM_NMI", &a);
	CHECK_EQ(a.nmi.masked, 1);
	CHECK_EQ(a.nmi.pending, 1);
	a.nmi.masked = 0;
	CHECK_R(vmm_set_vcpu_events(c->vcpu, &a));
	CHECK_R(step_report(t, c, 0x203));
	CHECK_R(step_report(t, c, 5));
	CHECK_R(step(t, c, KVM_EXIT_IO));
	CHECK(c->done, "guest not done");
	vc_trace(c);
	return 0;
}

static void on_usr1(int sig)
{
}

struct kicker {
	pthread_t target;
	int delay_ms;
};

static void *kick_later(void *arg)
{
	struct kicker *k = arg;

	usleep(k->delay_ms * 1000);
	pthread_kill(k->target, SIGUSR1);
	return NULL;
}

/*
 * With the irqchip in the kernel, HLT with nothing to wake it sleeps in
 * KVM_RUN (mp_state HALTED) until a signal: -EINTR, KVM_EXIT_INTR; again
 * with immediate_exit; then KVM_NMI wakes it (guests/hlt_nmi64.S).
 */
IVM_TEST(halt_signal, 1, IVM_IRQCHIP, hlt_nmi64)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	struct vc *c = &v->vc[0];
	struct kvm_run *run = c->vcpu->run;
	struct kicker k = { .target = pthread_self(), .delay_ms = 50 };
	pthread_t th;
	uint32_t mp = 0;
	int i, r = 0;

	CHECK_R(step_report(t, c, 1));
	CHECK_R(vmm_get_mp_state(c->vcpu, &mp));
	CHECK_EQ(mp, KVM_MP_STATE_RUNNABLE);
	sigaction(SIGUSR1, &sa, &old);
	/* The guest halts right after its report; until then a signal may
	 * find it still running: try again. */
	for (i = 0; i < 20; i++) {
		pthread_create(&th, NULL, kick_later, &k);
		r = vmm_run(c->vcpu);
		pthread_join(th, NULL);
		if (r != -EINTR || run->exit_reason != KVM_EXIT_INTR)
			break;
		if (vmm_get_mp_state(c->vcpu, &mp) || mp == KVM_MP_STATE_HALTED)
			break;
	}
	sigaction(SIGUSR1, &old, NULL);
	if (r == 0 && run->exit_reason == KVM_EXIT_HLT)
		return t_fail(t, "HLT reached user space with the irqchip in the kernel");
	CHECK(r == -EINTR, "KVM_RUN: %d (%s), exit %s", r, strerror(-r),
	      vmm_exit_name(run->exit_reason));
	CHECK_EQ(run->exit_reason, KVM_EXIT_INTR);
	CHECK(mp == KVM_MP_STATE_HALTED, "mp_state %s after the signal", mp_state_name(mp));
	t_trace(t, "signal: run=%d exit=%s mp_state=%s", r, vmm_exit_name(run->exit_reason),
		mp_state_name(mp));

	run->immediate_exit = 1;
	r = vmm_run(c->vcpu);
	run->immediate_exit = 0;
	CHECK_EQ(-r, EINTR);
	CHECK_EQ(run->exit_reason, KVM_EXIT_INTR);
	CHECK_R(vmm_get_mp_state(c->vcpu, &mp));
	CHECK_EQ(mp, KVM_MP_STATE_HALTED);
	t_trace(t, "immediate_exit: run=%d exit=%s mp_state=%s", r,
		vmm_exit_name(run->exit_reason), mp_state_name(mp));

	CHECK_R(vmm_nmi(c->vcpu));
	if (vc_run(c))
		return vc_check(t, c);
	VC_EXPECT(c, 1, 1);
	CHECK_R(vmm_get_mp_state(c->vcpu, &mp));
	t_trace(t, "after the NMI: mp_state=%s", mp_state_name(mp));
	vc_trace(c);
	return 0;
}
