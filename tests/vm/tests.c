// SPDX-License-Identifier: GPL-2.0
/*
 * The VM tests. Each runs the same way on /dev/hvx and /dev/kvm; values
 * that differ on purpose between the two (CPUID) are checked per device
 * and kept out of the trace.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <cpuid.h>

#include "vmtest.h"

int real_mode_guest(struct t *t, const uint8_t *img, size_t len)
{
	CHECK_R(t_vm(t, 2, img, len));
	CHECK_R(vmm_setup_real_mode(&t->vcpu, GUEST_BASE));
	return 0;
}

int long_mode_guest(struct t *t, unsigned int mb, const uint8_t *img, size_t len)
{
	CHECK_R(t_vm(t, mb, img, len));
	CHECK_R(vmm_setup_long_mode(&t->vm, &t->vcpu, GUEST_BASE, GUEST_STACK, GUEST_STUBS));
	return 0;
}

int test_real_hello(struct t *t)
{
	CHECK_R(real_mode_guest(t, GUEST_IMG(real_hello)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK(!strcmp(t->console, "hello from real mode\nrep outsb works\nabcdefgh\n"),
	      "console: '%s'", t->console);
	CHECK_EQ(t->nreports, 5);
	CHECK_EQ(t->reports[0], 0x1234);
	CHECK_EQ(t->reports[1], 0xdeadbeef);
	CHECK_EQ(t->reports[2], 0xffffff11);	/* IN AL merges */
	CHECK_EQ(t->reports[3], 0xffff2211);	/* IN AX merges */
	CHECK_EQ(t->reports[4], 0x44332211);	/* IN EAX */
	t_trace_state(t);
	return 0;
}

int test_hlt(struct t *t)
{
	struct kvm_regs r;

	CHECK_R(real_mode_guest(t, GUEST_IMG(hlt)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	CHECK_EQ(r.rip, GUEST_BASE + 1);	/* HLT is done when it exits */
	t_trace_state(t);
	return 0;
}

int test_triple_fault(struct t *t)
{
	CHECK_R(real_mode_guest(t, GUEST_IMG(triple)));
	CHECK_R(t_run_to(t, KVM_EXIT_SHUTDOWN));
	t_trace_state(t);
	return 0;
}

int test_pm32(struct t *t)
{
	CHECK_R(t_vm(t, 8, GUEST_IMG(pm32)));
	CHECK_R(vmm_setup_real_mode(&t->vcpu, GUEST_BASE));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK(!strcmp(t->console, "hello from 32-bit protected mode with paging\n"),
	      "console: '%s'", t->console);
	CHECK_EQ(t->nreports, 1);
	CHECK_EQ(t->reports[0], 0xcafef00d);
	t_trace_state(t);
	return 0;
}

int test_lm64(struct t *t)
{
	CHECK_R(t_vm(t, 4, GUEST_IMG(lm64)));
	/*
	 * KVM refuses EFER.LME until the VMM's CPUID offers long mode. hvx's
	 * default CPUID (no KVM_SET_CPUID2 yet) offers it already: on hvx the
	 * test runs without a table on purpose, to keep that default covered.
	 */
	if (t->is_kvm)
		CHECK_R(vmm_kvm_supported_cpuid(&t->vm, &t->vcpu));
	CHECK_R(vmm_setup_real_mode(&t->vcpu, GUEST_BASE));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK(!strcmp(t->console, "hello from 64-bit long mode\n"), "console: '%s'", t->console);
	CHECK_EQ(t->nreports, 3);
	CHECK_EQ(t->reports[0], 0x55667788);
	CHECK_EQ(t->reports[1], 0x11223344);
	CHECK_EQ(t->reports[2], 0x500);		/* EFER: LMA | LME */
	t_trace_state(t);
	return 0;
}

uint64_t report64(struct t *t, int i)
{
	return t->reports[2 * i] | (uint64_t)t->reports[2 * i + 1] << 32;
}

int test_mmio(struct t *t)
{
	static const struct { uint64_t addr; uint32_t len; uint64_t data; } writes[] = {
		{ 0x00, 1, 0x11 }, { 0x02, 2, 0x2233 }, { 0x04, 4, 0x44556677 },
		{ 0x08, 8, 0xfffffffffffffffe }, { 0x10, 1, 0x11 }, { 0x12, 2, 0x2211 },
		{ 0x14, 4, 0x44332211 }, { 0x18, 8, 0x8877665544332211 },
		{ 0x20, 1, 0x22 }, { 0x28, 8, 0x8877665544332211 }, { 0x21, 1, 0x11 },
		{ 0x30, 8, 0x8877665544332211 },
	};
	/* Loads answered with bytes (addr ^ 0x80): c0 c1 c2 ... at 0x40. */
	static const uint64_t loads[] = {
		0xffffffffffffffc0, 0xffffffffffffc1c0, 0x00000000c3c2c1c0,
		0xc7c6c5c4c3c2c1c0, 0xffffffffffffc8ff, 0xc1, 0xc3c2,
		0xffffffffffffffc3, 0x00000000ffffc5c4, 0xffffffffc7c6c5c4,
		0xffffffffffffcdcc,
	};
	unsigned int i;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(mmio64)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_EQ(t->nmmio_w, sizeof(writes) / sizeof(writes[0]));
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		CHECK_EQ(t->mmio_w[i].addr, MMIO_BASE + writes[i].addr);
		CHECK_EQ(t->mmio_w[i].len, writes[i].len);
		CHECK_EQ(t->mmio_w[i].data, writes[i].data);
	}
	CHECK_EQ(t->nreports, 2 * sizeof(loads) / sizeof(loads[0]));
	for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++)
		CHECK_EQ(report64(t, i), loads[i]);
	t_trace_state(t);
	return 0;
}

/* Two slots, 4 MiB at 0 and 4 MiB at 256 MiB; the guest tags every page. */
int test_touch_memory(struct t *t)
{
	const uint64_t hi = 0x10000000, lo = 0x100000;
	const unsigned int lo_pages = (0x400000 - lo) >> 12, hi_pages = 1024;
	struct kvm_regs r;
	uint64_t *tag;
	unsigned int i;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(touch64)));
	CHECK_R(vmm_add_memory(&t->vm, 1, hi, hi_pages << 12, 0, NULL));
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	r.rdi = lo;
	r.rdx = lo_pages;
	r.rsi = hi;
	r.rcx = hi_pages;
	CHECK_R(vmm_set_regs(&t->vcpu, &r));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_EQ(t->nreports, 4);
	CHECK_EQ(report64(t, 0), 0);		/* no page read back wrong */
	for (i = 0; i < lo_pages + hi_pages; i++) {
		uint64_t gpa = i < lo_pages ? lo + ((uint64_t)i << 12)
					    : hi + ((uint64_t)(i - lo_pages) << 12);

		tag = vmm_gpa(&t->vm, gpa + 0x800);
		CHECK(tag && *tag == (gpa ^ 0x5a5a5a5a5a5a5a5aULL),
		      "page %#llx not written through to the VMM's memory",
		      (unsigned long long)gpa);
	}
	t_trace(t, "checksum=%#llx", (unsigned long long)report64(t, 1));
	t_trace_state(t);
	return 0;
}

/* The SVM instructions and host MSRs a guest must not reach. */
int test_svm_insns(struct t *t)
{
	int i;

	FILE *trace = t->trace;

	/* The exits depend on which instructions the hypervisor intercepts. */
	t->trace = NULL;
	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(svm64)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	t->trace = trace;
	/*
	 * KVM with VGIF lets STGI and CLGI (3, 4) run on the virtual GIF even
	 * though the guest's EFER.SVME is clear; hvx intercepts every SVM
	 * instruction and raises #UD, as the guest's EFER says it must.
	 */
	for (i = 0; i < t->nexc; i++)
		if (i != 3 && i != 4)
			t_trace(t, "insn %d: vector %#x error %#x", i, t->exc[i].vector,
				t->exc[i].error);
	for (i = 0; i < t->nreports; i++)
		t_trace(t, "value %d: %#x", i, t->reports[i]);
	CHECK_EQ(t->nexc, 16);
	for (i = 0; i < 7; i++)		/* VMRUN .. SKINIT */
		if (!t->is_kvm || (i != 3 && i != 4))
			CHECK_EQ(t->exc[i].vector, 6);	/* #UD */
	/*
	 * VM_HSAVE_PA: the guest's own copy on AMD; on Intel writes are
	 * accepted and ignored, as KVM does. Never the host's value.
	 */
	CHECK_EQ(t->exc[7].vector, 0xff);
	CHECK_EQ(t->reports[0], 0);
	CHECK_EQ(t->exc[8].vector, 0xff);
	CHECK_EQ(t->reports[2], host_is_amd() ? 0x5000 : 0);
	if (host_is_amd())
		CHECK_EQ(t->reports[4], 0);		/* VM_CR */
	else
		CHECK_EQ(t->exc[10].vector, 13);	/* no VM_CR on Intel */
	CHECK_EQ(t->reports[6], 0x500);		/* EFER: LMA | LME, no SVME */
	CHECK_EQ(t->exc[12].vector, 13);	/* EFER.SVME: #GP */
	CHECK_EQ(t->reports[8], 0x500);
	CHECK_EQ(t->exc[14].vector, 13);	/* no such MSR */
	CHECK_EQ(t->exc[15].vector, 13);
	t_trace_state(t);
	return 0;
}

/* Every VMX instruction faults in the guest: none reaches the host. */
int test_vmx_insns(struct t *t)
{
	int i;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(vmx64)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	for (i = 0; i < t->nexc; i++)
		t_trace(t, "insn %d: vector %#x error %#x", i, t->exc[i].vector, t->exc[i].error);
	CHECK_EQ(t->nexc, 11);
	for (i = 0; i < 11; i++)
		CHECK_EQ(t->exc[i].vector, 6);	/* #UD */
	t_trace_state(t);
	return 0;
}

bool host_is_amd(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	return b == 0x68747541;		/* "Auth"enticAMD */
}

const uint8_t *spin_guest(size_t *len)
{
	if (host_is_amd()) {
		*len = guest_spin_end - guest_spin;
		return guest_spin;
	}
	*len = guest_spin_cpuid_end - guest_spin_cpuid;
	return guest_spin_cpuid;
}

/* CPUID is answered differently on purpose: checked per device. */
int test_cpuid(struct t *t)
{
	char sig[13] = { 0 };

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(cpuid64)));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK_EQ(t->nreports, 12);
	if (t->is_kvm)
		return 0;	/* KVM answers zeroes until KVM_SET_CPUID2 */
	CHECK(t->reports[0] >= 1, "max basic leaf %#x", t->reports[0]);
	CHECK(t->reports[6] & (1u << 31), "CPUID.1:ECX.hypervisor clear");
	CHECK(!(t->reports[6] & (1u << 5)), "CPUID.1:ECX.VMX offered");
	memcpy(sig, &t->reports[9], 12);
	CHECK(!strcmp(sig, "hvxhvxhvxhvx"), "signature '%s'", sig);
	return 0;
}

/* Long mode with CS.L and CS.D both set: VMRUN refuses it (APM 15.5.1). */
int test_invalid_state(struct t *t)
{
	struct kvm_sregs s;
	struct kvm_run *run;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(hlt)));
	CHECK_R(vmm_get_sregs(&t->vcpu, &s));
	s.cs.db = 1;
	CHECK_R(vmm_set_sregs(&t->vcpu, &s));
	CHECK_R(t_run_to(t, KVM_EXIT_FAIL_ENTRY));
	run = t->vcpu.run;
	t_trace(t, "reason=%#llx",
		(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	return 0;
}

static volatile sig_atomic_t got_alarm;

static void on_alarm(int sig)
{
	got_alarm = 1;
}

/* A guest that never exits is stopped by a signal: -EINTR, KVM_EXIT_INTR. */
int test_signal(struct t *t)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerspec its = { .it_value = { 0, 200 * 1000 * 1000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	timer_t timer;
	int r;

	const uint8_t *spin;
	size_t len;

	spin = spin_guest(&len);
	CHECK_R(real_mode_guest(t, spin, len));
	sigaction(SIGALRM, &sa, NULL);
	CHECK(!timer_create(CLOCK_MONOTONIC, &sev, &timer), "timer_create");
	timer_settime(timer, 0, &its, NULL);
	r = vmm_run(&t->vcpu);
	timer_delete(timer);
	signal(SIGALRM, SIG_DFL);
	CHECK_EQ(-r, EINTR);
	CHECK(got_alarm, "no SIGALRM seen");
	CHECK_EQ(t->vcpu.run->exit_reason, KVM_EXIT_INTR);
	t_trace(t, "run=%d exit=%s", r, vmm_exit_name(t->vcpu.run->exit_reason));
	/* immediate_exit: back at once, without entering the guest. */
	t->vcpu.run->immediate_exit = 1;
	r = vmm_run(&t->vcpu);
	CHECK_EQ(-r, EINTR);
	CHECK_EQ(t->vcpu.run->exit_reason, KVM_EXIT_INTR);
	t_trace(t, "immediate run=%d exit=%s", r, vmm_exit_name(t->vcpu.run->exit_reason));
	return 0;
}

/*
 * The selftests' ucall pattern: after an IN exit, KVM_RUN with
 * immediate_exit completes the IN (RAX, RIP) and returns -EINTR.
 */
int test_io_complete(struct t *t)
{
	struct kvm_regs r;
	int ret;

	CHECK_R(real_mode_guest(t, GUEST_IMG(real_hello)));
	for (;;) {
		CHECK_R(vmm_run(&t->vcpu));
		CHECK_EQ(t->vcpu.run->exit_reason, KVM_EXIT_IO);
		if (t->vcpu.run->io.direction == KVM_EXIT_IO_IN)
			break;
	}
	*(uint8_t *)vmm_io_data(&t->vcpu) = 0x5a;
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	t_trace(t, "at IN: rip=%#llx rax=%#llx", r.rip, r.rax);
	t->vcpu.run->immediate_exit = 1;
	ret = vmm_run(&t->vcpu);
	CHECK_EQ(-ret, EINTR);
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	CHECK_EQ(r.rax & 0xff, 0x5a);
	t_trace(t, "after: rip=%#llx rax=%#llx", r.rip, r.rax);
	return 0;
}

/* A slot whose memory the VMM unmapped: KVM_RUN fails with -EFAULT. */
int test_efault(struct t *t)
{
	void *mem;
	int r;

	CHECK_R(vmm_vm_create(&t->vm, t->dev));
	t->have_vm = true;
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	munmap(mem, 1 << 20);
	CHECK_R(vmm_set_region(&t->vm, 0, 0, 0, 1 << 20, mem));
	CHECK_R(vmm_vcpu_create(&t->vm, 0, &t->vcpu));
	t->have_vcpu = true;
	CHECK_R(vmm_setup_real_mode(&t->vcpu, GUEST_BASE));
	r = vmm_run(&t->vcpu);
	t_trace(t, "run=%d", r);
	CHECK_EQ(-r, EFAULT);
	return 0;
}

/* VM and vCPU fds are refused to another process (-EIO), as in KVM. */
int test_other_process(struct t *t)
{
	int st;
	pid_t pid;

	CHECK_R(real_mode_guest(t, GUEST_IMG(hlt)));
	pid = fork();
	if (pid == 0) {
		int a = ioctl(t->vcpu.fd, KVM_RUN, 0) < 0 ? errno : 0;
		int b = ioctl(t->vm.vm_fd, KVM_CREATE_VCPU, 1) < 0 ? errno : 0;

		_exit(a == EIO && b == EIO ? 0 : 1);
	}
	CHECK(pid > 0, "fork");
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child got no -EIO");
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));	/* the owner still can */
	t_trace(t, "child -EIO, owner runs");
	return 0;
}

#define ERRNO_OF(call) ((call) < 0 ? errno : 0)

/* Every kind of bad argument gets the errno KVM gives it. */
int test_bad_args(struct t *t)
{
	struct kvm_userspace_memory_region mr;
	struct vmm_vcpu v2;
	int nslots, maxid, sys, vmfd, e;
	void *mem;

#define EXPECT(call, err) do {						\
	e = ERRNO_OF(call);						\
	t_trace(t, "%s = %s", #call, e ? strerror(e) : "ok");		\
	CHECK(e == (err), "%s: got %s, expected %s", #call,		\
	      e ? strerror(e) : "success", (err) ? strerror(err) : "success"); \
} while (0)

	CHECK_R(real_mode_guest(t, GUEST_IMG(hlt)));
	sys = t->vm.sys_fd;
	vmfd = t->vm.vm_fd;
	mem = t->vm.slots[0].host;
	nslots = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	maxid = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	CHECK(nslots > 1 && maxid > 1, "caps %d %d", nslots, maxid);

	EXPECT(ioctl(sys, KVM_GET_API_VERSION, 1), EINVAL);
	EXPECT(ioctl(sys, KVM_CREATE_VM, 7), EINVAL);
	EXPECT(ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 1), EINVAL);
	EXPECT(ioctl(sys, _IO(KVMIO, 0xfe), 0), EINVAL);
	EXPECT(ioctl(vmfd, _IO(KVMIO, 0xfe), 0), ENOTTY);
	EXPECT(ioctl(t->vcpu.fd, _IO(KVMIO, 0xfe), 0), EINVAL);
	EXPECT(ioctl(t->vcpu.fd, KVM_RUN, 1), EINVAL);
	EXPECT(ioctl(t->vcpu.fd, KVM_GET_REGS, (void *)8), EFAULT);
	EXPECT(ioctl(t->vcpu.fd, KVM_SET_SREGS, (void *)8), EFAULT);
	EXPECT(ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, (void *)8), EFAULT);

	/* Memory regions (api.rst 4.35). */
	EXPECT(vmm_set_region(&t->vm, 1, 0, 0x1000000, 0x1000, mem), 0);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x1000000, 0x1000, mem), EEXIST);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x0fff000, 0x2000, mem), EEXIST);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x2000800, 0x1000, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x2000000, 0x1800, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x2000000, 0x1000, (char *)mem + 8), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 1u << 7, 0x2000000, 0x1000, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, nslots, 0, 0x2000000, 0x1000, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2 | (5u << 16), 0, 0x2000000, 0x1000, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x2000000, 1ULL << 62, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 0, 0x2000000, 1ULL << 44, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 2, 0, -0x1000ULL, 0x2000, mem), EINVAL);
	EXPECT(vmm_set_region(&t->vm, 3, 0, 0, 0, NULL), EINVAL);	/* delete nothing */
	EXPECT(vmm_set_region(&t->vm, 1, 0, 0x1000000, 0x2000, mem), EINVAL); /* resize */
	EXPECT(vmm_set_region(&t->vm, 1, 0, 0x3000000, 0x1000, mem), 0);	/* move */
	EXPECT(vmm_set_region(&t->vm, 1, 0, 0x3000000, 0, mem), 0);	/* delete */
	memset(&mr, 0, sizeof(mr));
	mr.slot = 4;
	mr.guest_phys_addr = 0x4000000;
	mr.memory_size = 0x1000;
	mr.userspace_addr = (uintptr_t)mem;
	EXPECT(ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &mr), 0);
	mr.memory_size = 0;
	EXPECT(ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &mr), 0);

	/* vCPUs */
	EXPECT(ioctl(vmfd, KVM_CREATE_VCPU, 0), EEXIST);
	EXPECT(ioctl(vmfd, KVM_CREATE_VCPU, maxid), EINVAL);
	EXPECT(ioctl(vmfd, KVM_CREATE_VCPU, -1), EINVAL);
	EXPECT(vmm_vcpu_create(&t->vm, 1, &v2), 0);
	vmm_vcpu_destroy(&v2);
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
#undef EXPECT
	return 0;
}

static int read_stats(long *vms, long *pinned)
{
	FILE *f = fopen("/sys/module/hvx/parameters/stats", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "vms=%ld pinned_pages=%ld", vms, pinned);
	fclose(f);
	return n == 2 ? 0 : -1;
}

/*
 * A VMM killed while its guest runs: every page and the VM go away with
 * it (hvx only: this reads hvx's own counters).
 */
int test_killed_vmm(struct t *t)
{
	long vms = -1, pinned = -1;
	int pfd[2], st, i;
	pid_t pid;
	char c;

	CHECK(!pipe(pfd), "pipe");
	pid = fork();
	if (pid == 0) {
		struct t child = { .dev = t->dev };
		struct kvm_regs r;

		if (long_mode_guest(&child, 16, GUEST_IMG(touch64)) ||
		    vmm_get_regs(&child.vcpu, &r))
			_exit(1);
		r.rdi = 0x100000;
		r.rdx = 3840;	/* every page above 1 MiB */
		r.rsi = 0x100000;
		r.rcx = 1;
		vmm_set_regs(&child.vcpu, &r);
		if (t_run_to(&child, KVM_EXIT_HLT))
			_exit(2);
		/* Now spin in the guest until killed. */
		const uint8_t *spin;
		size_t len;

		spin = spin_guest(&len);
		vmm_load(&child.vm, GUEST_BASE, spin, len);
		r.rip = GUEST_BASE;
		vmm_set_regs(&child.vcpu, &r);
		write(pfd[1], "x", 1);
		vmm_run(&child.vcpu);
		_exit(3);
	}
	CHECK(pid > 0, "fork");
	close(pfd[1]);
	CHECK(read(pfd[0], &c, 1) == 1, "child died before its guest ran");
	usleep(100 * 1000);
	CHECK(!read_stats(&vms, &pinned), "no /sys/module/hvx/parameters/stats");
	CHECK(vms >= 1 && pinned >= 3840, "while running: vms=%ld pinned=%ld", vms, pinned);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st), "child was not killed");
	for (i = 0; i < 50; i++) {	/* the last fput may finish a moment later */
		read_stats(&vms, &pinned);
		if (!vms && !pinned)
			break;
		usleep(20 * 1000);
	}
	CHECK(vms == 0 && pinned == 0, "after kill: vms=%ld pinned=%ld", vms, pinned);
	return 0;
}

