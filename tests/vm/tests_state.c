// SPDX-License-Identifier: GPL-2.0
/*
 * VM tests of what the world switch must keep apart: host state the
 * guest may change, vCPUs moving between CPUs or running at once, and
 * another hypervisor holding the CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <asm/prctl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vmtest.h"


/* KVM_RUN with XMM0 and XMM7 holding pat, read back into out afterwards. */
static long run_keeping_xmm(int fd, const uint64_t *pat, uint64_t *out)
{
	long r;

	asm volatile("movdqu (%[p]), %%xmm0\n\t"
		     "movdqu (%[p]), %%xmm7\n\t"
		     "syscall\n\t"
		     "movdqu %%xmm0, (%[o])\n\t"
		     "movdqu %%xmm7, 16(%[o])"
		     : "=a"(r)
		     : "a"((long)SYS_ioctl), "D"((long)fd), "S"((long)KVM_RUN),
		       "d"(0L), [p] "r"(pat), [o] "r"(out)
		     : "rcx", "r11", "memory", "xmm0", "xmm7");
	return r;
}

static unsigned long fs_base(void)
{
	unsigned long fs = 0;

	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	return fs;
}

int test_host_state(struct t *t)
{
	static const uint64_t msrs[][2] = {
		{ 0xc0000100, 0x00007f0011112222 }, { 0xc0000101, 0x00007f0033334444 },
		{ 0xc0000102, 0x00007f0055556666 }, { 0xc0000081, 0x0023001000000000 },
		{ 0xc0000082, 0xffffffff81234567 }, { 0xc0000083, 0xffffffff89abcdef },
		{ 0xc0000084, 0x47700 }, { 0x174, 0x10 }, { 0x175, 0x80001000 },
		{ 0x176, 0x80002000 },
	};
	const uint64_t pat[2] = { 0x1122334455667788, 0x99aabbccddeeff00 };
	uint64_t out[4];
	unsigned long fs = fs_base();
	pid_t pid = getpid();
	unsigned int i;
	long r;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(state64)));
	r = run_keeping_xmm(t->vcpu.fd, pat, out);
	CHECK_EQ(r, 0);
	CHECK_EQ(t->vcpu.run->exit_reason, KVM_EXIT_IO);
	CHECK_EQ(*(uint32_t *)vmm_io_data(&t->vcpu), 1);
	/* The host's own state after the guest wrote its MSRs. */
	CHECK_EQ(out[0], pat[0]);
	CHECK_EQ(out[1], pat[1]);
	CHECK_EQ(out[2], pat[0]);
	CHECK_EQ(out[3], pat[1]);
	CHECK_EQ(fs_base(), fs);			/* FS base (TLS) */
	CHECK_EQ(syscall(SYS_getpid), pid);		/* LSTAR, STAR, SFMASK */
	/* Back into the guest: it must find its own values. */
	r = run_keeping_xmm(t->vcpu.fd, pat, out);
	CHECK_EQ(r, 0);
	CHECK_EQ(out[0], pat[0]);
	CHECK_EQ(t->vcpu.run->exit_reason, KVM_EXIT_IO);
	t->reports[0] = *(uint32_t *)vmm_io_data(&t->vcpu);	/* FS_BASE bits 31:0 */
	t->nreports = 1;
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_EQ(t->nreports, 2 * 10 + 3);	/* 10 MSRs, XMM0 (2 dwords), DR0 */
	for (i = 0; i < 10; i++)
		CHECK_EQ(report64(t, i), msrs[i][1]);
	CHECK_EQ(t->reports[20], 0x89abcdef);	/* XMM0 bits 31:0 */
	CHECK_EQ(t->reports[21], 0xfedcba98);	/* XMM0 bits 127:96 */
	CHECK_EQ(t->reports[22], 0x12345678);	/* DR0 */
	CHECK_EQ(fs_base(), fs);
	t_trace_state(t);
	return 0;
}

static void hop_cpu(struct t *t, int n)
{
	cpu_set_t set;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	CPU_SET(n % (ncpu > 0 ? ncpu : 1), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Every KVM_RUN on the next CPU: the vCPU moves between CPUs all the time. */
int test_migrate(struct t *t)
{
	cpu_set_t all;

	sched_getaffinity(0, sizeof(all), &all);
	t->before_run = hop_cpu;
	CHECK_R(t_vm(t, 8, GUEST_IMG(pm32)));
	CHECK_R(vmm_setup_real_mode(&t->vcpu, GUEST_BASE));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	sched_setaffinity(0, sizeof(all), &all);
	CHECK_EQ(t->nreports, 1);
	CHECK_EQ(t->reports[0], 0xcafef00d);
	t_trace_state(t);
	return 0;
}

/* A read-only slot: reads see memory, a write is an MMIO exit. */
int test_ro_slot(struct t *t)
{
	uint64_t *ro;
	struct kvm_regs r;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(ro64)));
	CHECK(vmm_check_extension(&t->vm, KVM_CAP_READONLY_MEM) > 0, "no KVM_CAP_READONLY_MEM");
	CHECK_R(vmm_add_memory(&t->vm, 1, 0x1000000, 0x1000, KVM_MEM_READONLY, (void **)&ro));
	ro[0] = 0x1122334455667788ULL;
	ro[1] = 0x99;
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	r.rdi = 0x1000000;
	CHECK_R(vmm_set_regs(&t->vcpu, &r));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_EQ(t->nreports, 2);
	CHECK_EQ(t->reports[0], 0x55667788);
	CHECK_EQ(t->nmmio_w, 1);
	CHECK_EQ(t->mmio_w[0].addr, 0x1000008);
	CHECK_EQ(t->mmio_w[0].len, 4);
	CHECK_EQ(t->mmio_w[0].data, 0xabcdef01);
	CHECK_EQ(t->reports[1], 0x99);		/* the write did not go through */
	CHECK_EQ(ro[1], 0x99);
	t_trace_state(t);
	return 0;
}

struct vcpu_job {
	struct vmm_vcpu vcpu;
	uint64_t lo, hi, rsp;
	uint32_t reports[4];
	int nreports, err;
};

static void *vcpu_thread(void *arg)
{
	struct vcpu_job *j = arg;

	for (;;) {
		int r = vmm_run(&j->vcpu);

		if (r) {
			j->err = r;
			return NULL;
		}
		if (j->vcpu.run->exit_reason == KVM_EXIT_HLT)
			return NULL;
		if (j->vcpu.run->exit_reason != KVM_EXIT_IO) {
			j->err = -EPROTO;
			return NULL;
		}
		if (j->nreports < 4)
			j->reports[j->nreports++] = *(uint32_t *)vmm_io_data(&j->vcpu);
	}
}

/* Two vCPUs of one VM in two threads, each tagging its own pages. */
int test_two_vcpus(struct t *t)
{
	struct vcpu_job jobs[2] = {
		{ .lo = 0x100000, .hi = 0x10000000, .rsp = 0x80000 },
		{ .lo = 0x200000, .hi = 0x10100000, .rsp = 0x70000 },
	};
	pthread_t th[2];
	int i;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(touch64)));
	CHECK_R(vmm_add_memory(&t->vm, 1, 0x10000000, 0x200000, 0, NULL));
	jobs[0].vcpu = t->vcpu;
	CHECK_R(vmm_vcpu_create(&t->vm, 1, &jobs[1].vcpu));
	for (i = 0; i < 2; i++) {
		struct kvm_regs r;

		if (i == 1)
			CHECK_R(vmm_setup_long_mode(&t->vm, &jobs[1].vcpu, GUEST_BASE,
						    jobs[1].rsp, GUEST_STUBS));
		CHECK_R(vmm_get_regs(&jobs[i].vcpu, &r));
		r.rdi = jobs[i].lo;
		r.rdx = 256;
		r.rsi = jobs[i].hi;
		r.rcx = 256;
		r.rsp = jobs[i].rsp;
		CHECK_R(vmm_set_regs(&jobs[i].vcpu, &r));
	}
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, vcpu_thread, &jobs[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	vmm_vcpu_destroy(&jobs[1].vcpu);
	for (i = 0; i < 2; i++) {
		CHECK(!jobs[i].err, "vCPU %d: %s", i, strerror(-jobs[i].err));
		CHECK_EQ(jobs[i].nreports, 4);
		CHECK_EQ(jobs[i].reports[0], 0);	/* no page read back wrong */
		t_trace(t, "vcpu %d: errors=%u checksum=%#x%08x", i, jobs[i].reports[0],
			jobs[i].reports[3], jobs[i].reports[2]);
	}
	return 0;
}

/* An ADD on MMIO: KVM emulates it, hvx says it cannot (per device). */
int test_mmio_unsupported(struct t *t)
{
	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(mmioadd64)));
	if (t->is_kvm)
		return t_run_to(t, KVM_EXIT_HLT);
	CHECK_R(t_run_to(t, KVM_EXIT_INTERNAL_ERROR));
	CHECK_EQ(t->vcpu.run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
	return 0;
}

/*
 * Only one hypervisor can hold SVM: while a KVM VM exists hvx refuses to
 * create one (-EBUSY), and the other way round (hvx only: needs both).
 */
static int hold_vm(const char *dev, int fd_ready)
{
	struct vmm_vm vm;
	int r = vmm_vm_create(&vm, dev);

	(void)!write(fd_ready, &r, sizeof(r));
	if (!r)
		pause();
	_exit(0);
}

static int other_holds(struct t *t, const char *holder, const char *dev, int *err)
{
	struct vmm_vm vm;
	int p[2], r = -1, st;
	pid_t pid;

	CHECK(!pipe(p), "pipe");
	pid = fork();
	if (pid == 0)
		hold_vm(holder, p[1]);
	CHECK(read(p[0], &r, sizeof(r)) == sizeof(r) && r == 0,
	      "%s: no VM to hold (%s)", holder, strerror(-r));
	*err = vmm_vm_create(&vm, dev);
	if (!*err)
		vmm_vm_destroy(&vm);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(p[0]);
	close(p[1]);
	return 0;
}

int test_busy(struct t *t)
{
	int err;

	if (access("/dev/kvm", F_OK))
		return t_fail(t, "/dev/kvm is not there (load kvm-amd first)");
	CHECK_R(other_holds(t, "/dev/kvm", t->dev, &err));
	CHECK_EQ(-err, EBUSY);
	CHECK_R(other_holds(t, t->dev, "/dev/kvm", &err));
	CHECK(err != 0, "KVM created a VM while hvx held SVM");
	/* Both free again: hvx can create a VM. */
	CHECK_R(other_holds(t, t->dev, t->dev, &err));
	CHECK_EQ(err, 0);
	return 0;
}
