/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the interrupt and SMP tests (tests_irq.c, tests_smp.c) share: a
 * VM with up to IVM_MAX vCPUs, the in-kernel irqchip if asked, and a run
 * loop per vCPU that any thread can run. Every run has a watchdog: a
 * guest that waits for an interrupt that never comes fails its test
 * instead of hanging it (the hypervisor under test may lack the feature).
 *
 * Guests report through the ports of guests/ports.h and end with an OUT
 * to PORT_DONE (with the irqchip in the kernel HLT never exits to user
 * space, so it cannot end a run). Reports are kept per vCPU and traced
 * after every thread has finished, in vCPU order: traces stay the same
 * however the threads interleave.
 */
#ifndef HVX_IRQTEST_H
#define HVX_IRQTEST_H

#include <pthread.h>
#include "vmtest.h"

#define IVM_MAX		4
#define VC_LOG		2048

struct vc {
	struct t *t;
	struct vmm_vcpu *vcpu;
	int id;
	bool irqchip;			/* HLT must not reach user space */
	bool expect_exc;		/* PORT_VECTOR reports are not failures */
	int timeout_ms;			/* watchdog of each KVM_RUN (default 5 s) */
	/* Called on each report before the guest resumes; nonzero fails
	 * the run (say why with vc_fail). */
	int (*on_report)(struct vc *c, uint32_t val);
	void *priv;
	/* Results. */
	uint32_t rep[MAX_REPORTS];
	int nrep;
	struct { uint32_t vector, error; } exc[16];
	int nexc;
	bool done;
	char log[VC_LOG];		/* lines for the trace (vc_log) */
	size_t log_len;
	char err[256];
	pthread_t thread;
	bool started;
	int result;
};

struct ivm {
	struct t *t;
	int n;
	struct vmm_vcpu vcpus[IVM_MAX];	/* [0] is t->vcpu's copy: see ivm_free */
	struct vc vc[IVM_MAX];
};

enum {
	IVM_IRQCHIP = 1,		/* KVM_CREATE_IRQCHIP before the vCPUs */
	IVM_PIT = 2,			/* and KVM_CREATE_PIT2 */
	IVM_APS_RESET = 4,		/* vCPUs 1.. stay as created (no long mode) */
};

/*
 * A VM with 4 MiB of RAM, img at GUEST_BASE, n vCPUs in 64-bit mode
 * (lib/vmm.c) with stacks 32 KiB apart below GUEST_STACK, and each vCPU
 * given KVM_GET_SUPPORTED_CPUID plus TSC-deadline (when
 * KVM_CAP_TSC_DEADLINE_TIMER says the APIC has it) and its own initial
 * APIC ID, as a VMM does. vCPU 0 is also t->vcpu.
 */
int ivm_create(struct t *t, struct ivm *v, int n, int flags, const uint8_t *img, size_t len);
void ivm_free(struct ivm *v);

int vc_run(struct vc *c);		/* until PORT_DONE; 0 or -1 (c->err) */
int vc_start(struct vc *c);		/* vc_run in a new thread */
int vc_join(struct vc *c);		/* its result (if started) */
int vc_fail(struct vc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_log(struct vc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports, exceptions and log of a finished vCPU into the trace. */
void vc_trace(struct vc *c);
/* Copy a failed vCPU's reason into the test's (all failed vCPUs'). */
int vc_check(struct t *t, struct vc *c);
struct ivm;
int vc_check_all(struct t *t, struct ivm *v);

/* Check a vCPU's reports against a list. */
int vc_expect(struct t *t, struct vc *c, const uint32_t *want, int n);
#define VC_EXPECT(c, ...) do {							\
	static const uint32_t _w[] = { __VA_ARGS__ };				\
	if (vc_expect(t, c, _w, sizeof(_w) / sizeof(_w[0])))			\
		return -1;							\
} while (0)

const char *mp_state_name(uint32_t s);

/*
 * Define test_NAME: an ivm of nvcpus vCPUs with guest (its flags as for
 * ivm_create), the body that follows run on it, the vCPUs freed after.
 */
#define IVM_TEST(name, nvcpus, flags, guest)					\
static int name##_body(struct t *t, struct ivm *v);				\
int test_##name(struct t *t)							\
{										\
	struct ivm v;								\
	int r = ivm_create(t, &v, nvcpus, flags, GUEST_IMG(guest));		\
										\
	if (!r)									\
		r = name##_body(t, &v);						\
	ivm_free(&v);								\
	return r;								\
}										\
static int name##_body(struct t *t, struct ivm *v)

#endif
