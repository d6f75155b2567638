/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM tests, in the shape of KVM's selftests: each test holds its host
 * side here and its guest in guests/. A test runs on one device (/dev/hvx
 * or /dev/kvm), asserts on exits and values, and writes a trace (exits,
 * data, final registers) that the harness compares between the two.
 */
#ifndef HVX_VMTEST_H
#define HVX_VMTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "vmm.h"
#include "../../guests/ports.h"

#define GUEST_BASE	0x8000
#define GUEST_STUBS	(GUEST_BASE + 0x100)
#define GUEST_STACK	0x80000
#define MAX_REPORTS	64

struct t {
	const char *name;
	const char *dev;
	bool is_kvm;
	FILE *trace;			/* NULL: no trace wanted */
	char err[512];
	struct vmm_vm vm;
	struct vmm_vcpu vcpu;
	bool have_vm, have_vcpu;
	char console[4096];
	size_t con_len;
	uint32_t reports[MAX_REPORTS];
	int nreports;
	struct { uint32_t vector, error; } exc[MAX_REPORTS];
	int nexc;
	struct { uint64_t addr, data; uint32_t len; } mmio_w[MAX_REPORTS];
	int nmmio_w;
	/* Called before each KVM_RUN of t_run, n counting from 0. */
	void (*before_run)(struct t *t, int n);
};

enum { T_COMPARE = 1, T_HOST = 2 };

struct vmtest {
	const char *name;
	int (*fn)(struct t *t);
	int flags;
	const char *what;
};

int t_fail(struct t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void t_trace(struct t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define CHECK(cond, ...) do { if (!(cond)) return t_fail(t, __VA_ARGS__); } while (0)
#define CHECK_EQ(a, b) do {							\
	uint64_t _a = (a), _b = (b);						\
	if (_a != _b)								\
		return t_fail(t, "%s:%d: %s = %#llx, expected %#llx", __FILE__,	\
			      __LINE__, #a, (unsigned long long)_a,		\
			      (unsigned long long)_b);				\
} while (0)
/* expr returns 0, -errno, or -1 having said why in t->err already. */
#define CHECK_R(expr) do {							\
	int _r = (expr);							\
	if (_r < 0 && t->err[0])						\
		return -1;							\
	if (_r < 0)								\
		return t_fail(t, "%s:%d: %s: %s", __FILE__, __LINE__, #expr,	\
			      strerror(-_r));					\
} while (0)

/* Guest images (tests/vm/guests.S). */
#define DECLARE_GUEST(n) extern const uint8_t guest_##n[], guest_##n##_end[]
#define GUEST_IMG(n) guest_##n, (size_t)(guest_##n##_end - guest_##n)
DECLARE_GUEST(hlt); DECLARE_GUEST(real_hello); DECLARE_GUEST(triple);
DECLARE_GUEST(spin); DECLARE_GUEST(pm32); DECLARE_GUEST(lm64);
DECLARE_GUEST(mmio64); DECLARE_GUEST(touch64); DECLARE_GUEST(svm64);
DECLARE_GUEST(cpuid64); DECLARE_GUEST(state64); DECLARE_GUEST(ro64);
DECLARE_GUEST(bench64); DECLARE_GUEST(mmioadd64); DECLARE_GUEST(vmx64); DECLARE_GUEST(spin_cpuid);
/* The interrupt and SMP tests' guests (tests_irq.c, tests_smp.c). */
DECLARE_GUEST(apic_timer64); DECLARE_GUEST(x2apic64); DECLARE_GUEST(pit_pic64);
DECLARE_GUEST(ioapic64); DECLARE_GUEST(nmi64); DECLARE_GUEST(uirq64);
DECLARE_GUEST(events64); DECLARE_GUEST(hlt_nmi64); DECLARE_GUEST(ipi64);
DECLARE_GUEST(smpboot64); DECLARE_GUEST(conc64);
/* The CPUID/MSR/FPU state tests' guest (tests_cpuid_msr.c). */
DECLARE_GUEST(cmd64);
/* The dirty-log tests' guest (tests_dirty.c). */
DECLARE_GUEST(dirty64);

/* The L1 CPU's vendor, for the few expectations that differ. */
bool host_is_amd(void);
/* A guest that runs until stopped (see guests/spin_cpuid.S). */
const uint8_t *spin_guest(size_t *len);

/* A VM with mem_mb of RAM at 0 and one vCPU, guest image at GUEST_BASE. */
int t_vm(struct t *t, unsigned int mem_mb, const uint8_t *img, size_t len);
/* Run until an exit the default handler does not absorb; returns it. */
int t_run(struct t *t, uint32_t *exit_reason);
/* Expect the guest to end with exit `reason` (e.g. KVM_EXIT_HLT). */
int t_run_to(struct t *t, uint32_t reason);
void t_trace_state(struct t *t);

int real_mode_guest(struct t *t, const uint8_t *img, size_t len);
int long_mode_guest(struct t *t, unsigned int mb, const uint8_t *img, size_t len);
uint64_t report64(struct t *t, int i);

/* The tests (tests.c, tests_state.c), listed in table.c. */
int test_real_hello(struct t *t);
int test_hlt(struct t *t);
int test_triple_fault(struct t *t);
int test_pm32(struct t *t);
int test_lm64(struct t *t);
int test_mmio(struct t *t);
int test_touch_memory(struct t *t);
int test_svm_insns(struct t *t);
int test_vmx_insns(struct t *t);
int test_cpuid(struct t *t);
int test_invalid_state(struct t *t);
int test_signal(struct t *t);
int test_io_complete(struct t *t);
int test_efault(struct t *t);
int test_other_process(struct t *t);
int test_bad_args(struct t *t);
int test_host_state(struct t *t);
int test_migrate(struct t *t);
int test_ro_slot(struct t *t);
int test_two_vcpus(struct t *t);
int test_mmio_unsupported(struct t *t);
int test_busy(struct t *t);
int test_killed_vmm(struct t *t);
/* CPUID, MSRs, FPU/XSAVE/XCRs (tests_cpuid_msr.c). */
int test_cpuid2(struct t *t);
int test_msrs(struct t *t);
int test_fpu_state(struct t *t);
/* Interrupts and SMP (tests_irq.c, tests_smp.c). */
int test_apic_timer(struct t *t);
int test_apic_x2apic(struct t *t);
int test_pit_pic(struct t *t);
int test_ioapic_level(struct t *t);
int test_nmi(struct t *t);
int test_user_irq(struct t *t);
int test_vcpu_events(struct t *t);
int test_halt_signal(struct t *t);
int test_ipi_pingpong(struct t *t);
int test_smp_boot(struct t *t);
int test_smp_concurrent(struct t *t);
/* Dirty logging, KVM_SET/GET_NR_MMU_PAGES, KVM_ENABLE_CAP (tests_dirty.c). */
int test_dirty_log(struct t *t);
int test_dirty_log_io(struct t *t);
int test_vm_caps(struct t *t);
/* Binary statistics, KVM_GET_STATS_FD (tests_stats.c). */
int test_stats(struct t *t);
int test_stats_irq(struct t *t);

extern const struct vmtest vm_tests[];
extern const int vm_ntests;

#endif
