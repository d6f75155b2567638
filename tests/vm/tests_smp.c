// SPDX-License-Identifier: GPL-2.0
/*
 * SMP tests: IPIs between vCPUs that each run in their own thread,
 * application processors started with INIT and Start-Up IPIs
 * (KVM_GET/SET_MP_STATE on the way), and vCPUs of one VM running at the
 * same time. Written against the KVM ABI; see irqtest.h for the run loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "irqtest.h"

/* Run vCPU 0 here and the others in their own threads; all finish. */
static int run_all(struct t *t, struct ivm *v)
{
	int i;

	for (i = 1; i < v->n; i++)
		vc_start(&v->vc[i]);
	vc_run(&v->vc[0]);
	for (i = 1; i < v->n; i++)
		vc_join(&v->vc[i]);
	return vc_check_all(t, v);
}

static int set_rdi_rsi(struct t *t, struct vc *c, uint64_t rdi, uint64_t rsi)
{
	struct kvm_regs r;

	CHECK_R(vmm_get_regs(c->vcpu, &r));
	r.rdi = rdi;
	r.rsi = rsi;
	CHECK_R(vmm_set_regs(c->vcpu, &r));
	return 0;
}

#define PINGS 20

/*
 * Fixed IPIs back and forth between two vCPUs (guests/ipi64.S): physical
 * and logical destinations with the peer in HLT, then with the peer
 * busy-waiting in the guest, which the sender's IPI must kick out.
 */
IVM_TEST(ipi_pingpong, 2, IVM_IRQCHIP, ipi64)
{
	int i;

	for (i = 0; i < 2; i++)
		CHECK_R(set_rdi_rsi(t, &v->vc[i], PINGS, !host_is_amd()));
	CHECK_R(run_all(t, v));
	VC_EXPECT(&v->vc[0], 3 * PINGS);
	VC_EXPECT(&v->vc[1], 3 * PINGS);
	vc_trace(&v->vc[0]);
	vc_trace(&v->vc[1]);
	return 0;
}

/* Report tags of guests/smpboot64.S. */
#define BOOT_INIT1	0xa9000001
#define BOOT_SIPI1	0xa9000002

static int mp_is(struct vc *c, struct vmm_vcpu *vcpu, int id, uint32_t want)
{
	uint32_t mp = ~0u;
	int r = vmm_get_mp_state(vcpu, &mp);

	if (r)
		return vc_fail(c, "KVM_GET_MP_STATE (vCPU %d): %s", id, strerror(-r));
	vc_log(c, "vcpu %d mp_state %s", id, mp_state_name(mp));
	if (mp != want)
		return vc_fail(c, "vCPU %d: mp_state %s (%u), expected %s", id,
			       mp_state_name(mp), mp, mp_state_name(want));
	return 0;
}

/*
 * vCPU 0 boots vCPU 1 one step at a time: after the INIT the AP is in
 * INIT_RECEIVED, after the Start-Up IPI RUNNABLE at CS:IP = 0x900:0;
 * then this thread runs it until it is done.
 */
static int boot_on_report(struct vc *c, uint32_t val)
{
	struct ivm *v = c->priv;
	struct vc *ap = &v->vc[1];
	struct kvm_sregs s;
	struct kvm_regs r;
	int e;

	if (val == BOOT_INIT1)
		return mp_is(c, ap->vcpu, 1, KVM_MP_STATE_INIT_RECEIVED);
	if (val != BOOT_SIPI1)
		return 0;
	if (mp_is(c, ap->vcpu, 1, KVM_MP_STATE_RUNNABLE))
		return -1;
	e = vmm_get_sregs(ap->vcpu, &s);
	if (!e)
		e = vmm_get_regs(ap->vcpu, &r);
	if (e)
		return vc_fail(c, "AP registers: %s", strerror(-e));
	vc_log(c, "vcpu 1 after SIPI: cs=%#x base=%#llx rip=%#llx cr0=%#llx", s.cs.selector,
	       (unsigned long long)s.cs.base, (unsigned long long)r.rip,
	       (unsigned long long)s.cr0);
	if (s.cs.selector != 0x900 || s.cs.base != 0x9000 || r.rip != 0)
		return vc_fail(c, "AP starts at %#x:%#llx (base %#llx), expected 0x900:0",
			       s.cs.selector, (unsigned long long)r.rip,
			       (unsigned long long)s.cs.base);
	if (vc_run(ap))
		return vc_fail(c, "AP 1: %s", ap->err);
	return 0;
}

static int mp_set_get(struct t *t, struct vmm_vcpu *vcpu, uint32_t set)
{
	uint32_t got = ~0u;

	CHECK_R(vmm_set_mp_state(vcpu, set));
	CHECK_R(vmm_get_mp_state(vcpu, &got));
	t_trace(t, "KVM_SET_MP_STATE %s -> %s", mp_state_name(set), mp_state_name(got));
	CHECK(got == set, "KVM_SET_MP_STATE %s, then GET: %s", mp_state_name(set),
	      mp_state_name(got));
	return 0;
}

/*
 * Application processors: created in UNINITIALIZED, started by the BSP
 * with INIT and Start-Up IPIs through its ICR (guests/smpboot64.S).
 * Also KVM_SET_MP_STATE round trips and refusals, and the vCPU limits.
 */
IVM_TEST(smp_boot, 3, IVM_IRQCHIP | IVM_APS_RESET, smpboot64)
{
	struct vc *c = &v->vc[0];
	uint32_t mp;
	int i, e;

	CHECK(vmm_check_extension(&t->vm, KVM_CAP_NR_VCPUS) >= 1, "KVM_CAP_NR_VCPUS < 1");
	CHECK(vmm_check_extension(&t->vm, KVM_CAP_MAX_VCPUS) >= 3, "KVM_CAP_MAX_VCPUS < 3");
	for (i = 0; i < 3; i++) {
		CHECK_R(vmm_get_mp_state(v->vc[i].vcpu, &mp));
		t_trace(t, "vcpu %d created: mp_state %s", i, mp_state_name(mp));
		CHECK_EQ(mp, i ? KVM_MP_STATE_UNINITIALIZED : KVM_MP_STATE_RUNNABLE);
	}
	CHECK_R(mp_set_get(t, v->vc[2].vcpu, KVM_MP_STATE_INIT_RECEIVED));
	CHECK_R(mp_set_get(t, v->vc[2].vcpu, KVM_MP_STATE_HALTED));
	CHECK_R(mp_set_get(t, v->vc[2].vcpu, KVM_MP_STATE_UNINITIALIZED));
	e = vmm_set_mp_state(v->vc[2].vcpu, KVM_MP_STATE_STOPPED);	/* s390's */
	t_trace(t, "KVM_SET_MP_STATE STOPPED: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);
	e = vmm_set_mp_state(v->vc[2].vcpu, 100);
	t_trace(t, "KVM_SET_MP_STATE 100: %s", strerror(-e));
	CHECK_EQ(-e, EINVAL);

	/* vCPU 1 is run by vCPU 0's thread (boot_on_report), vCPU 2 by its own. */
	c->on_report = boot_on_report;
	c->priv = v;
	vc_start(&v->vc[2]);
	vc_run(c);
	vc_join(&v->vc[2]);
	if (vc_check_all(t, v))
		return -1;
	VC_EXPECT(&v->vc[0], BOOT_INIT1, BOOT_SIPI1, 2, 6);
	VC_EXPECT(&v->vc[1], 0x900, 1);
	VC_EXPECT(&v->vc[2], 0x900, 2);
	CHECK_R(vmm_get_mp_state(v->vc[2].vcpu, &mp));
	t_trace(t, "vcpu 2 done: mp_state %s", mp_state_name(mp));
	CHECK_EQ(mp, KVM_MP_STATE_RUNNABLE);
	for (i = 0; i < 3; i++)
		vc_trace(&v->vc[i]);
	return 0;
}

#define TURNS 100

/*
 * Two vCPUs taking turns on a shared counter (guests/conc64.S): neither
 * can finish unless both run, at the same time on two host CPUs or in
 * turns on one.
 */
IVM_TEST(smp_concurrent, 2, 0, conc64)
{
	int i;

	for (i = 0; i < 2; i++)
		CHECK_R(set_rdi_rsi(t, &v->vc[i], i, TURNS));
	CHECK_R(run_all(t, v));
	VC_EXPECT(&v->vc[0], TURNS);
	VC_EXPECT(&v->vc[1], TURNS);
	vc_trace(&v->vc[0]);
	vc_trace(&v->vc[1]);
	return 0;
}
