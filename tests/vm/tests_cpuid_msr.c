// SPDX-License-Identifier: GPL-2.0
/*
 * VM tests of the vCPU state ioctls: CPUID tables (KVM_GET_SUPPORTED_CPUID,
 * KVM_SET_CPUID2, KVM_GET_CPUID2, KVM_SET_CPUID), MSRs (KVM_GET_MSR_INDEX_LIST,
 * KVM_GET/SET_MSRS) and the FPU/SSE/AVX state (KVM_GET/SET_FPU, XSAVE,
 * XCRS). The guest (guests/cmd64.S) runs a list of commands written here,
 * so each test checks what the guest sees after user space set it, and
 * what user space reads after the guest changed it.
 *
 * The traces hold only what must be the same on hvx and KVM: the CPUID
 * table is the test's own, the MSRs are the test's values. What differs
 * on purpose (the supported CPUID, the MSR list) is checked per device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <cpuid.h>

#include "vmtest.h"
#include "../../guests/cmd64.h"

struct cmd {
	uint32_t op, a;
	uint64_t b, c, unused;
};

static int xio(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

/* Appends a command to the guest's list and ends the list after it. */
static void emit(struct t *t, int *n, uint32_t op, uint32_t a, uint64_t b)
{
	struct cmd *c = vmm_gpa(&t->vm, CMD64_BASE);

	if (*n + 1 >= CMD64_MAX)
		return;
	c[*n] = (struct cmd) { .op = op, .a = a, .b = b };
	c[++*n] = (struct cmd) { .op = CMD_END };
}

/* Runs the guest to its next HLT; its reports start over. */
static int run_phase(struct t *t)
{
	t->nreports = 0;
	t->nexc = 0;
	return t_run_to(t, KVM_EXIT_HLT);
}

/* The host kernel uses XSAVE (CPUID.1:ECX.OSXSAVE as user space sees it). */
static bool host_has_xsave(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	return c & (1u << 27);
}

static bool host_has_avx(void)
{
	unsigned int a, b, c, d, lo, hi;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 27)) || !(c & (1u << 28)))	/* OSXSAVE, AVX */
		return false;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

/* The L1 machine is QEMU TCG: its hypervisor leaf says "TCGTCGTCGTCG". */
static bool l1_under_qemu_tcg(void)
{
	unsigned int a, s[3];

	__cpuid(1, a, s[0], s[1], s[2]);
	if (!(s[1] & (1u << 31)))
		return false;
	__cpuid(0x40000000, a, s[0], s[1], s[2]);
	return !memcmp(s, "TCGTCGTCGTCG", 12);
}

static struct kvm_cpuid2 *cpuid2_alloc(int n)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

	if (c)
		c->nent = n;
	return c;
}

/* ---- CPUID ---- */

#define SIG	KVM_CPUID_FLAG_SIGNIFCANT_INDEX
#define STR4(s)	((uint32_t)(s)[0] | (uint32_t)(s)[1] << 8 | (uint32_t)(s)[2] << 16 | (uint32_t)(s)[3] << 24)

/* A table of the test's own, with an Intel vendor (out-of-range rules). */
static const struct kvm_cpuid_entry2 test_table[] = {
	{ .function = 0, .eax = 0xd, .ebx = STR4("Genu"), .edx = STR4("ineI"), .ecx = STR4("ntel") },
	{ .function = 1, .eax = 0x000506e3, .ebx = 0x05000800,	/* initial APIC ID 5 */
	  .ecx = (1u << 0) | (1u << 9) | (1u << 26) | (1u << 31),	/* SSE3 SSSE3 XSAVE HV */
	  .edx = 0x0781a979 },	/* FPU PSE TSC MSR PAE CX8 SEP PGE CMOV PAT MMX FXSR SSE SSE2 */
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x121, .ebx = 0x01c0003f, .ecx = 0x3f },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x122, .ebx = 0x01c0003f, .ecx = 0x3f },
	{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x9 },
	{ .function = 0xb, .index = 0, .flags = SIG, .eax = 1, .ebx = 1, .ecx = 0x100, .edx = 5 },
	{ .function = 0xb, .index = 1, .flags = SIG, .eax = 4, .ebx = 2, .ecx = 0x201, .edx = 5 },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 7, .ebx = 0x240, .ecx = 0x340 },
	{ .function = 0xd, .index = 1, .flags = SIG },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 0x100, .ebx = 0x240 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = STR4("hvxT"), .ecx = STR4("estT"),
	  .edx = STR4("able") },
	{ .function = 0x40000001 },
	{ .function = 0x80000000, .eax = 0x80000008 },
	{ .function = 0x80000001, .ecx = 1, .edx = (1u << 11) | (1u << 20) | (1u << 29) },
	{ .function = 0x80000008, .eax = 0x3028 },	/* 40 physical, 48 linear bits */
};
#define TEST_NENT	(int)(sizeof(test_table) / sizeof(test_table[0]))

static const struct kvm_cpuid_entry2 *table_entry(uint32_t fn, uint32_t index)
{
	int i;

	for (i = 0; i < TEST_NENT; i++)
		if (test_table[i].function == fn && test_table[i].index == index)
			return &test_table[i];
	return NULL;
}

/* The supported table: per device, so not traced. */
static int check_supported(struct t *t, struct kvm_cpuid2 *c)
{
	const struct kvm_cpuid_entry2 *e;
	bool sig = false, d0 = false, l1 = false;
	uint32_t i;

	CHECK(c->nent > 4 && c->nent <= 256, "supported nent %u", c->nent);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function == 0xd && e->index == 0) {
			d0 = true;
			CHECK(e->flags & SIG, "0xd.0 without KVM_CPUID_FLAG_SIGNIFCANT_INDEX");
			CHECK(!host_has_xsave() || (e->eax & 3) == 3, "0xd.0 EAX %#x: no x87/SSE",
			      e->eax);
		}
		if (e->function == 7)
			CHECK(e->flags & SIG, "leaf 7 without KVM_CPUID_FLAG_SIGNIFCANT_INDEX");
		if (e->function == 1) {
			l1 = true;
			CHECK(e->ecx & (1u << 21), "leaf 1: no x2APIC");
			/* KVM offers nested VMX; hvx does not. */
			CHECK(!(e->ecx & (1u << 5)) || t->is_kvm, "leaf 1: VMX offered");
		}
		if (e->function == 0x80000001)
			CHECK(!(e->ecx & (1u << 2)) || t->is_kvm, "0x80000001: SVM offered");
		if (e->function == 0x40000000) {
			char s[13] = { 0 };

			memcpy(s, &e->ebx, 12);
			sig = !strcmp(s, t->is_kvm ? "KVMKVMKVM" : "hvxhvxhvxhvx");
		}
		if (!t->is_kvm && e->function == 1)
			CHECK(!(e->ecx & (1u << 24)), "TSC-deadline in the supported CPUID");
	}
	CHECK(sig && d0 && l1, "supported CPUID: signature %d, 0xd.0 %d, leaf 1 %d", sig, d0, l1);
	return 0;
}

/* CPUID leaf, subleaf from the guest, as reports[4*i ... 4*i+3]. */
static const struct { uint32_t leaf, index; } queries[] = {
	{ 0, 0 }, { 1, 0 }, { 4, 1 }, { 4, 9 }, { 7, 0 }, { 0xb, 7 }, { 0x20, 0 },
	{ 0x40000005, 0 }, { 0x80000008, 0 }, { 0x80000009, 0 }, { 0xd, 1 }, { 3, 0 },
	{ 0x40000000, 0 },
};

/* What KVM's lookup gives for queries[i] with xcr0 = 1 and APIC enabled. */
static void expect_query(int i, uint32_t *r)
{
	const struct kvm_cpuid_entry2 *e = table_entry(queries[i].leaf, queries[i].index);

	memset(r, 0, 16);
	switch (queries[i].leaf) {
	case 0x20:		/* beyond every class: the highest basic leaf (0xd) */
	case 0x40000005:
	case 0x80000009:
		e = table_entry(0xd, queries[i].index);
		break;
	case 0xb:		/* undefined subleaf: ECX echoes it, EDX the x2APIC ID */
		r[2] = queries[i].index;
		r[3] = 5;
		return;
	}
	if (!e)
		return;
	r[0] = e->eax, r[1] = e->ebx, r[2] = e->ecx, r[3] = e->edx;
	if (e->function == 1)
		r[3] |= 1u << 9;	/* APIC: IA32_APIC_BASE.EN */
	if (e->function == 0xd && e->index == 0)
		r[1] = 0x240;		/* XSAVE area for XCR0 = x87 */
}

static int set_msr(struct t *t, uint32_t index, uint64_t data)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h.nmsrs = 1, .e = { .index = index, .data = data },
	};

	return xio(t->vcpu.fd, KVM_SET_MSRS, &m);
}

/* KVM_SET_CPUID (old format) and the checks of KVM_SET_CPUID2, on a second vCPU. */
static int cpuid_old_format(struct t *t)
{
	struct { struct kvm_cpuid h; struct kvm_cpuid_entry e[2]; } old = {
		.h.nent = 2,
		.e = { { .function = 0, .eax = 1, .ebx = STR4("Genu"), .edx = STR4("ineI"),
			 .ecx = STR4("ntel") },
		       { .function = 1, .eax = 0x600, .edx = 1 } },
	};
	struct kvm_cpuid2 *c = cpuid2_alloc(8);
	struct vmm_vcpu v;
	int r;

	CHECK(c, "calloc");
	CHECK_R(vmm_vcpu_create(&t->vm, 1, &v));
	/* A linear-address width other than 48 or 57 bits is refused. */
	c->nent = 1;
	c->entries[0] = (struct kvm_cpuid_entry2) { .function = 0x80000008, .eax = 0x2728 };
	r = xio(v.fd, KVM_SET_CPUID2, c);
	t_trace(t, "set_cpuid2 39-bit linear: %d", r);
	CHECK_EQ(r, -EINVAL);
	r = xio(v.fd, KVM_SET_CPUID, &old);
	t_trace(t, "set_cpuid: %d", r);
	CHECK_EQ(r, 0);
	c->nent = 8;
	r = xio(v.fd, KVM_GET_CPUID2, c);
	t_trace(t, "get_cpuid2: %d nent %u fn %#x/%#x flags %u/%u", r, c->nent,
		c->entries[0].function, c->entries[1].function, c->entries[0].flags,
		c->entries[1].flags);
	CHECK_EQ(r, 0);
	CHECK_EQ(c->entries[1].eax, 0x600);
	vmm_vcpu_destroy(&v);
	free(c);
	return 0;
}

static int cpuid_xsave_phase(struct t *t, int *n_, bool avx, uint32_t avx_size)
{
	emit(t, n_, CMD_CR4_OR, 0, 1u << 18);
	emit(t, n_, CMD_CPUID, 1, 0);
	emit(t, n_, CMD_XSETBV, 0, 7);
	emit(t, n_, CMD_CPUID, 0xd, 0);
	emit(t, n_, CMD_XSETBV, 0, 0xf);	/* bit 3 is not in the table: #GP */
	emit(t, n_, CMD_XGETBV, 0, 0);
	emit(t, n_, CMD_XSETBV, 0, 3);
	emit(t, n_, CMD_XSETBV, 1, 3);		/* XCR1: #GP */
	emit(t, n_, CMD_HLT, 0, 0);
	CHECK_R(run_phase(t));
	CHECK_EQ(t->nreports, 10);
	CHECK(t->reports[2] & (1u << 27), "CPUID.1:ECX.OSXSAVE clear with CR4.OSXSAVE set");
	CHECK_EQ(t->nexc, 5);
	CHECK_EQ(t->exc[0].vector, avx ? 0xff : 13);	/* XSETBV 7 */
	CHECK_EQ(t->exc[1].vector, 13);			/* XSETBV 0xf */
	CHECK_EQ(t->exc[2].vector, 0xff);		/* XGETBV */
	/*
	 * QEMU's nested SVM runs a guest's XSETBV itself, without the exit the
	 * intercept asks for (target/i386 helper_xsetbv has no intercept
	 * check): neither hypervisor sees it there, and the next entry puts
	 * back the XCR0 they know. Elsewhere the guest's XCR0 is what it set.
	 */
	if (!l1_under_qemu_tcg()) {
		CHECK_EQ(t->reports[5], avx ? avx_size : 0x240);
		CHECK_EQ(t->reports[8], avx ? 7 : 1);
	}
	CHECK_EQ(t->exc[3].vector, 0xff);		/* XSETBV 3 */
	CHECK_EQ(t->exc[4].vector, 13);			/* XSETBV to XCR1 */
	return 0;
}

int test_cpuid2(struct t *t)
{
	uint32_t want[4], leaf1_ecx, a, b, cx, d, avx_size;
	struct kvm_cpuid2 *c = cpuid2_alloc(256);
	bool avx = host_has_avx(), xsave = host_has_xsave();
	int i, j, n = 0, r;

	/* Where the AVX state ends in the XSAVE area, from this CPU's leaf 0xd.2. */
	__cpuid_count(0xd, 2, a, b, cx, d);
	avx_size = a + b > 0x240 ? a + b : 0x240;

	CHECK(c, "calloc");
	/* KVM_GET_SUPPORTED_CPUID: too small is -E2BIG, nent left alone. */
	CHECK_R(t_vm(t, 4, GUEST_IMG(cmd64)));
	c->nent = 0;
	r = xio(t->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, c);
	t_trace(t, "supported nent 0: %d", r);
	CHECK_EQ(r, -E2BIG);
	c->nent = 1;
	r = xio(t->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, c);
	t_trace(t, "supported nent 1: %d, nent %u", r, c->nent);
	CHECK_EQ(r, -E2BIG);
	c->nent = 256;
	CHECK_R(xio(t->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, c));
	CHECK_R(check_supported(t, c));

	/* No table yet: KVM_GET_CPUID2 gives none, nent untouched. */
	c->nent = 4;
	r = xio(t->vcpu.fd, KVM_GET_CPUID2, c);
	t_trace(t, "get_cpuid2 before: %d, nent %u", r, c->nent);
	CHECK_EQ(r, 0);
	c->nent = 257;
	r = xio(t->vcpu.fd, KVM_SET_CPUID2, c);
	t_trace(t, "set_cpuid2 257: %d", r);
	CHECK_EQ(r, -E2BIG);

	c->nent = TEST_NENT;
	memcpy(c->entries, test_table, sizeof(test_table));
	CHECK_R(xio(t->vcpu.fd, KVM_SET_CPUID2, c));
	CHECK_R(vmm_setup_long_mode(&t->vm, &t->vcpu, GUEST_BASE, GUEST_STACK, GUEST_STUBS));
	/* IA32_APIC_BASE enabled (0xfee00900 is KVM's reset value): CPUID.1:EDX.APIC. */
	CHECK_EQ(set_msr(t, 0x1b, 0xfee00900), 1);

	/* The guest reads the table with KVM's rules for missing leaves. */
	for (i = 0; i < (int)(sizeof(queries) / sizeof(queries[0])); i++)
		emit(t, &n, CMD_CPUID, queries[i].leaf, queries[i].index);
	emit(t, &n, CMD_HLT, 0, 0);
	CHECK_R(run_phase(t));
	CHECK_EQ(t->nreports, 4 * (int)(sizeof(queries) / sizeof(queries[0])));
	for (i = 0; i < (int)(sizeof(queries) / sizeof(queries[0])); i++) {
		expect_query(i, want);
		for (j = 0; j < 4; j++)
			if (t->reports[4 * i + j] != want[j])
				return t_fail(t, "CPUID %#x.%u reg %d = %#x, expected %#x",
					      queries[i].leaf, queries[i].index, j,
					      t->reports[4 * i + j], want[j]);
	}

	/*
	 * OSXSAVE follows CR4; XCR0 takes what the table's leaf 0xd allows
	 * (x87, SSE, AVX where the host has AVX), and 0xd.0 EBX its size.
	 * Without XSAVE in the host (Bochs's L1 kernel) CR4.OSXSAVE is reserved.
	 */
	if (xsave)
		CHECK_R(cpuid_xsave_phase(t, &n, avx, avx_size));

	/* KVM_GET_CPUID2: the table with the bits that follow the vCPU. */
	c->nent = 3;
	r = xio(t->vcpu.fd, KVM_GET_CPUID2, c);
	t_trace(t, "get_cpuid2 nent 3: %d, nent %u", r, c->nent);
	CHECK_EQ(r, -E2BIG);
	c->nent = 64;
	r = xio(t->vcpu.fd, KVM_GET_CPUID2, c);
	CHECK_EQ(r, 0);
	leaf1_ecx = c->entries[1].ecx;
	t_trace(t, "get_cpuid2: %d nent %u leaf1 ecx %#x edx %#x 0xd.0 ebx %#x", r, c->nent,
		leaf1_ecx, c->entries[1].edx, c->entries[7].ebx);
	CHECK(!xsave || (leaf1_ecx & (1u << 27)), "KVM_GET_CPUID2: OSXSAVE clear");
	CHECK_EQ(c->entries[7].ebx, 0x240);	/* XCR0 = x87 | SSE */
	CHECK_EQ(memcmp(&c->entries[4], &test_table[4], sizeof(test_table[4])), 0);

	/* After KVM_RUN only the same table is accepted. */
	c->nent = TEST_NENT;
	memcpy(c->entries, test_table, sizeof(test_table));
	r = xio(t->vcpu.fd, KVM_SET_CPUID2, c);
	t_trace(t, "set_cpuid2 same after run: %d", r);
	CHECK_EQ(r, 0);
	c->entries[4].ebx = 0;
	r = xio(t->vcpu.fd, KVM_SET_CPUID2, c);
	t_trace(t, "set_cpuid2 changed after run: %d", r);
	CHECK_EQ(r, -EINVAL);

	CHECK_R(cpuid_old_format(t));
	emit(t, &n, CMD_END, 0, 0);
	CHECK_R(run_phase(t));
	t_trace_state(t);
	free(c);
	return 0;
}

/* ---- MSRs ---- */

static int get_msrs(struct t *t, struct kvm_msrs *m)
{
	return xio(t->vcpu.fd, KVM_GET_MSRS, m);
}

static struct kvm_msrs *msrs_alloc(int n)
{
	struct kvm_msrs *m = calloc(1, sizeof(*m) + n * sizeof(m->entries[0]));

	if (m)
		m->nmsrs = n;
	return m;
}

static uint64_t get_msr(struct t *t, uint32_t index)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h.nmsrs = 1, .e.index = index,
	};

	return get_msrs(t, &m.h) == 1 ? m.e.data : 0xdead;
}

static bool in_list(const struct kvm_msr_list *l, uint32_t msr)
{
	uint32_t i;

	for (i = 0; i < l->nmsrs; i++)
		if (l->indices[i] == msr)
			return true;
	return false;
}

/* KVM_GET_MSR_INDEX_LIST, and a save and restore of all of it (as KVM's selftests do). */
static int msr_list(struct t *t)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *l;
	struct kvm_msrs *m;
	uint32_t i;
	int r;

	r = xio(t->vm.sys_fd, KVM_GET_MSR_INDEX_LIST, &probe);
	t_trace(t, "msr list nmsrs 0: %d", r);
	CHECK_EQ(r, -E2BIG);
	CHECK(probe.nmsrs > 10 && probe.nmsrs < 255, "MSR list of %u", probe.nmsrs);
	l = calloc(1, sizeof(*l) + probe.nmsrs * sizeof(l->indices[0]));
	m = msrs_alloc(probe.nmsrs);
	CHECK(l && m, "calloc");
	l->nmsrs = probe.nmsrs;
	CHECK_R(xio(t->vm.sys_fd, KVM_GET_MSR_INDEX_LIST, l));
	CHECK_EQ(l->nmsrs, probe.nmsrs);
	if (!t->is_kvm) {
		CHECK(in_list(l, 0xc0000082) && in_list(l, 0x277) && in_list(l, 0x2ff) &&
		      in_list(l, 0x20f) && in_list(l, 0x6e0) && in_list(l, 0x3b),
		      "hvx's MSR list lacks LSTAR, PAT, MTRRs, TSC_DEADLINE or TSC_ADJUST");
		CHECK(!in_list(l, 0x802) && !in_list(l, 0xfe), "x2APIC or MTRRcap listed");
	}
	for (i = 0; i < l->nmsrs; i++)
		m->entries[i].index = l->indices[i];
	r = get_msrs(t, m);
	CHECK(r == (int)l->nmsrs, "KVM_GET_MSRS of the list: %d of %u (stopped at %#x)",
	      r, l->nmsrs, r >= 0 && r < (int)l->nmsrs ? l->indices[r] : 0);
	t_trace(t, "msr list read ok");
	/*
	 * Everything hvx lists reads back what was written. (KVM 6.1 in this
	 * machine refuses some of its paravirtual MSRs, MSR_KVM_ASYNC_PF_INT
	 * among them, written back with the value just read.)
	 */
	if (!t->is_kvm) {
		r = xio(t->vcpu.fd, KVM_SET_MSRS, m);
		CHECK(r == (int)l->nmsrs, "KVM_SET_MSRS of the list: %d of %u (stopped at %#x)",
		      r, l->nmsrs, r >= 0 && r < (int)l->nmsrs ? l->indices[r] : 0);
	}
	free(l);
	free(m);
	return 0;
}

static const struct kvm_msr_entry msr_values[] = {
	{ .index = 0xc0000082, .data = 0xffffffff81234567 },	/* LSTAR */
	{ .index = 0xc0000081, .data = 0x0023001000000000 },	/* STAR */
	{ .index = 0xc0000083, .data = 0xffffffff89abcdef },	/* CSTAR */
	{ .index = 0xc0000084, .data = 0x47700 },		/* SFMASK */
	{ .index = 0xc0000102, .data = 0x00007f0055556666 },	/* KERNEL_GS_BASE */
	{ .index = 0xc0000100, .data = 0x00007f0011112222 },	/* FS_BASE */
	{ .index = 0xc0000101, .data = 0x00007f0033334444 },	/* GS_BASE */
	{ .index = 0x174, .data = 0x10 },			/* SYSENTER_CS */
	{ .index = 0x175, .data = 0x80001000 },			/* SYSENTER_ESP */
	{ .index = 0x176, .data = 0x80002000 },			/* SYSENTER_EIP */
	{ .index = 0x277, .data = 0x0007010600070106 },		/* PAT */
	{ .index = 0x2ff, .data = 0xc06 },			/* MTRRdefType */
	{ .index = 0x200, .data = 0x80000006 },			/* MTRR PHYSBASE0 */
	{ .index = 0x201, .data = 0xf80000800 },		/* MTRR PHYSMASK0 */
	{ .index = 0x250, .data = 0x0606060606060606 },		/* MTRRfix64K_00000 */
	{ .index = 0x26f, .data = 0x0505050505050505 },		/* MTRRfix4K_F8000 */
	{ .index = 0x1a0, .data = 0x1801 },			/* MISC_ENABLE */
	{ .index = 0x3b, .data = 0x1000 },			/* TSC_ADJUST */
	{ .index = 0x8b, .data = 0x200000000 },			/* UCODE_REV */
	{ .index = 0x1b, .data = 0xfee00900 },			/* APIC_BASE */
};
#define NVALUES	(int)(sizeof(msr_values) / sizeof(msr_values[0]))

/* One KVM_SET_MSRS of (index, data) pairs; returns what the ioctl did. */
static int set_batch(struct t *t, const char *what, int n, ...)
{
	struct kvm_msrs *m = msrs_alloc(n);
	va_list ap;
	int i, r;

	if (!m)
		return -ENOMEM;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		m->entries[i].index = va_arg(ap, uint32_t);
		m->entries[i].data = va_arg(ap, uint64_t);
	}
	va_end(ap);
	r = xio(t->vcpu.fd, KVM_SET_MSRS, m);
	t_trace(t, "set %s: %d", what, r);
	free(m);
	return r;
}

/* Guest RDMSRs, reports[2*i], [2*i+1]. */
static const uint32_t guest_reads[] = {
	0xc0000082, 0xc0000081, 0xc0000083, 0xc0000084, 0xc0000102, 0xc0000100, 0xc0000101,
	0x174, 0x175, 0x176, 0x277, 0x2ff, 0x200, 0x201, 0x250, 0x26f, 0x1a0, 0x3b, 0x8b,
	0x1b, 0x6e0, 0xfe,
};
#define NREADS	(int)(sizeof(guest_reads) / sizeof(guest_reads[0]))

int test_msrs(struct t *t)
{
	struct kvm_msrs *m = msrs_alloc(NVALUES);
	uint64_t tsc;
	int i, n = 0, r;

	CHECK(m, "calloc");
	CHECK_R(t_vm(t, 4, GUEST_IMG(cmd64)));
	CHECK_R(vmm_kvm_supported_cpuid(&t->vm, &t->vcpu));
	CHECK_R(vmm_setup_long_mode(&t->vm, &t->vcpu, GUEST_BASE, GUEST_STACK, GUEST_STUBS));
	CHECK_R(msr_list(t));

	/* Values user space sets are the guest's, and read back. */
	memcpy(m->entries, msr_values, sizeof(msr_values));
	r = xio(t->vcpu.fd, KVM_SET_MSRS, m);
	t_trace(t, "set %d msrs: %d", NVALUES, r);
	CHECK_EQ(r, NVALUES);
	for (i = 0; i < NVALUES; i++)
		m->entries[i].data = 0;
	CHECK_EQ(get_msrs(t, m), NVALUES);
	for (i = 0; i < NVALUES; i++) {
		t_trace(t, "msr %#x = %#llx", m->entries[i].index,
			(unsigned long long)m->entries[i].data);
		CHECK_EQ(m->entries[i].data, msr_values[i].data);
	}

	/* A batch stops at the first MSR refused and says how many were set. */
	CHECK_EQ(set_batch(t, "lstar, non-canonical lstar, star", 3,
			   0xc0000082, 0xffff800000001000ULL, 0xc0000082, 0x0000800000000000ULL,
			   0xc0000081, 1ULL), 1);
	CHECK_EQ(get_msr(t, 0xc0000082), 0xffff800000001000ULL);
	CHECK_EQ(get_msr(t, 0xc0000081), 0x0023001000000000ULL);
	CHECK_EQ(set_batch(t, "PAT type 2", 1, 0x277, 0x0007010600070102ULL), 0);
	CHECK_EQ(set_batch(t, "MTRRdefType reserved bit", 1, 0x2ff, 0x1c06ULL), 0);
	CHECK_EQ(set_batch(t, "MTRRdefType type 2", 1, 0x2ff, 0xc02ULL), 0);
	CHECK_EQ(set_batch(t, "PHYSMASK0 reserved bit", 1, 0x201, 0xf80000c00ULL), 0);
	CHECK_EQ(set_batch(t, "fixed MTRR type 3", 1, 0x250, 0x0606060606060603ULL), 0);
	CHECK_EQ(set_batch(t, "MTRRcap", 1, 0xfe, 0x508ULL), 0);
	CHECK_EQ(set_batch(t, "no such MSR", 2, 0x12345678, 0ULL, 0xc0000082, 0ULL), 0);
	CHECK_EQ(set_batch(t, "APIC base EXTD without EN", 1, 0x1b, 0xfee00500ULL), 0);
	CHECK_EQ(get_msr(t, 0x12345678), 0xdead);
	CHECK_EQ(get_msr(t, 0x2ff), 0xc06);
	free(m);
	m = msrs_alloc(256);
	CHECK(m, "calloc");
	r = get_msrs(t, m);
	t_trace(t, "get 256 msrs: %d", r);
	CHECK_EQ(r, -E2BIG);
	if (!t->is_kvm) {	/* IA32_FMASK bits 63:32 are reserved; KVM's answer depends on the vendor */
		FILE *trace = t->trace;

		t->trace = NULL;
		r = set_batch(t, "SFMASK bit 32", 1, 0xc0000084, 1ULL << 32);
		t->trace = trace;
		CHECK_EQ(r, 0);
	}
	CHECK_EQ(set_batch(t, "lstar back", 1, 0xc0000082, 0xffffffff81234567ULL), 1);

	/* TSC from user space. */
	CHECK_EQ(set_batch(t, "tsc", 1, 0x10, 1ULL << 40), 1);
	tsc = get_msr(t, 0x10);
	CHECK(tsc >= 1ULL << 40 && tsc < (1ULL << 40) + (1ULL << 38), "TSC %#llx",
	      (unsigned long long)tsc);
	/* ... and so does the guest's RDTSC: the offset is in force (VMX: the
	 * "use TSC offsetting" control, SDM 25.3). 2^50 is days of TSC ahead
	 * of any host's, so the host's own TSC cannot pass. The value varies
	 * from run to run, so it stays out of the trace. */
	CHECK_EQ(set_batch(t, "tsc far ahead", 1, 0x10, 1ULL << 50), 1);
	{
		FILE *trace = t->trace;

		emit(t, &n, CMD_RDTSC, 0, 0);
		emit(t, &n, CMD_HLT, 0, 0);
		t->trace = NULL;
		r = run_phase(t);
		t->trace = trace;
		CHECK_R(r);
		CHECK_EQ(t->nreports, 2);
		tsc = report64(t, 0);
		CHECK(tsc >= 1ULL << 50 && tsc < (1ULL << 50) + (1ULL << 38),
		      "guest RDTSC %#llx after KVM_SET_MSRS(IA32_TSC) = 2^50", (unsigned long long)tsc);
	}

	/* What the guest reads, and what it may and may not write. */
	for (i = 0; i < NREADS; i++)
		emit(t, &n, CMD_RDMSR, guest_reads[i], 0);
	emit(t, &n, CMD_WRMSR, 0xc0000082, 0xffffffff80001000ULL);	/* LSTAR */
	emit(t, &n, CMD_WRMSR, 0x277, 0x0606060606060606ULL);		/* PAT */
	emit(t, &n, CMD_WRMSR, 0x277, 0x0606060606060602ULL);		/* #GP */
	emit(t, &n, CMD_WRMSR, 0xfe, 0);				/* MTRRcap: #GP */
	emit(t, &n, CMD_WRMSR, 0x1a0, 0x0801);				/* PEBS_UNAVAIL: #GP */
	emit(t, &n, CMD_WRMSR, 0x1a0, 0x1880);				/* EMON ignored */
	emit(t, &n, CMD_WRMSR, 0x8b, 0);				/* UCODE_REV: ignored */
	emit(t, &n, CMD_WRMSR, 0x6e0, 5);		/* TSC_DEADLINE without a LAPIC: dropped */
	emit(t, &n, CMD_WRMSR, 0x3b, 0x2000);				/* TSC_ADJUST */
	emit(t, &n, CMD_WRMSR, 0x1b, 0xfee00d00ULL);			/* x2APIC mode */
	emit(t, &n, CMD_WRMSR, 0x1b, 0xfee00900ULL);			/* x2APIC -> xAPIC: #GP */
	emit(t, &n, CMD_WRMSR, 0x2ff, 0x806);
	emit(t, &n, CMD_WRMSR, 0x12345678, 0);				/* #GP */
	for (i = 0; i < 5; i++)
		emit(t, &n, CMD_RDMSR, (uint32_t[]){ 0x1a0, 0x8b, 0x6e0, 0x3b, 0x1b }[i], 0);
	emit(t, &n, CMD_HLT, 0, 0);
	CHECK_R(run_phase(t));
	CHECK_EQ(t->nreports, 2 * NREADS + 10);
	for (i = 0; i < NREADS; i++) {
		uint64_t want = 0;
		int k;

		for (k = 0; k < NVALUES; k++)
			if (msr_values[k].index == guest_reads[i])
				want = msr_values[k].data;
		if (guest_reads[i] == 0xfe)
			want = 0x508;		/* WC, fixed ranges, 8 variable */
		CHECK(report64(t, i) == want, "guest RDMSR %#x = %#llx, expected %#llx",
		      guest_reads[i], (unsigned long long)report64(t, i),
		      (unsigned long long)want);
	}
	CHECK_EQ(t->nexc, NREADS + 13 + 5);
	for (i = 0; i < NREADS; i++)
		CHECK_EQ(t->exc[i].vector, 0xff);
	{
		static const uint32_t want_exc[13] = {
			0xff, 0xff, 13, 13, 13, 0xff, 0xff, 0xff, 0xff, 0xff, 13, 0xff, 13
		};

		for (i = 0; i < 13; i++)
			if (t->exc[NREADS + i].vector != want_exc[i])
				return t_fail(t, "guest WRMSR %d: vector %#x, expected %#x", i,
					      t->exc[NREADS + i].vector, want_exc[i]);
	}
	CHECK_EQ(report64(t, NREADS + 0), 0x1800);		/* MISC_ENABLE */
	CHECK_EQ(report64(t, NREADS + 1), 0x200000000ULL);	/* UCODE_REV */
	CHECK_EQ(report64(t, NREADS + 2), 0);			/* TSC_DEADLINE */
	CHECK_EQ(report64(t, NREADS + 3), 0x2000);		/* TSC_ADJUST */
	CHECK_EQ(report64(t, NREADS + 4), 0xfee00d00ULL);	/* APIC_BASE */

	/* User space sees what the guest wrote. */
	t_trace(t, "after guest: lstar %#llx pat %#llx misc %#llx adjust %#llx apic %#llx mtrr %#llx",
		(unsigned long long)get_msr(t, 0xc0000082), (unsigned long long)get_msr(t, 0x277),
		(unsigned long long)get_msr(t, 0x1a0), (unsigned long long)get_msr(t, 0x3b),
		(unsigned long long)get_msr(t, 0x1b), (unsigned long long)get_msr(t, 0x2ff));
	CHECK_EQ(get_msr(t, 0xc0000082), 0xffffffff80001000ULL);
	CHECK_EQ(get_msr(t, 0x277), 0x0606060606060606ULL);
	CHECK_EQ(get_msr(t, 0x3b), 0x2000);
	emit(t, &n, CMD_END, 0, 0);
	CHECK_R(run_phase(t));
	t_trace_state(t);
	free(m);
	return 0;
}

/* ---- FPU, XSAVE, XCRs ---- */

static int set_xcr0(struct t *t, uint32_t nr, uint32_t flags, uint32_t xcr, uint64_t v)
{
	struct kvm_xcrs x;

	memset(&x, 0, sizeof(x));
	x.nr_xcrs = nr;
	x.flags = flags;
	x.xcrs[0].xcr = xcr;
	x.xcrs[0].value = v;
	return xio(t->vcpu.fd, KVM_SET_XCRS, &x);
}

static uint64_t get_xcr0(struct t *t)
{
	struct kvm_xcrs x;

	memset(&x, 0xff, sizeof(x));
	if (xio(t->vcpu.fd, KVM_GET_XCRS, &x) || x.nr_xcrs != 1 || x.xcrs[0].xcr != 0)
		return 0xdead;
	return x.xcrs[0].value;
}

static void pattern(uint8_t *p, int len, uint8_t seed)
{
	int i;

	for (i = 0; i < len; i++)
		p[i] = seed + 3 * i;
}

static int xcrs(struct t *t, bool xsave, bool avx)
{
	struct kvm_xcrs x;
	int r;

	if (!xsave) {		/* no XCRs without XSAVE in the host (as KVM) */
		memset(&x, 0xff, sizeof(x));
		r = xio(t->vcpu.fd, KVM_GET_XCRS, &x);
		t_trace(t, "get_xcrs without XSAVE: %d nr %u", r, x.nr_xcrs);
		CHECK_EQ(r, 0);
		CHECK_EQ(x.nr_xcrs, 0);
		r = set_xcr0(t, 1, 0, 0, 1);
		t_trace(t, "set_xcrs without XSAVE: %d", r);
		CHECK_EQ(r, -EINVAL);
		return 0;
	}

	t_trace(t, "xcr0 at reset %#llx", (unsigned long long)get_xcr0(t));
	CHECK_EQ(get_xcr0(t), 1);
	r = set_xcr0(t, 1, 1, 0, 3);
	t_trace(t, "set_xcrs flags: %d", r);
	CHECK_EQ(r, -EINVAL);
	r = set_xcr0(t, 17, 0, 0, 3);
	t_trace(t, "set_xcrs 17: %d", r);
	CHECK_EQ(r, -EINVAL);
	r = set_xcr0(t, 1, 0, 0, 2);
	t_trace(t, "set_xcrs no x87: %d", r);
	CHECK_EQ(r, -EINVAL);
	r = set_xcr0(t, 1, 0, 0, 5);
	t_trace(t, "set_xcrs AVX without SSE: %d", r);
	CHECK_EQ(r, -EINVAL);
	r = set_xcr0(t, 1, 0, 1, 3);
	t_trace(t, "set_xcrs XCR1 only: %d, xcr0 %#llx", r, (unsigned long long)get_xcr0(t));
	CHECK_EQ(r, 0);
	CHECK_EQ(get_xcr0(t), 1);
	r = set_xcr0(t, 1, 0, 0, avx ? 7 : 3);
	t_trace(t, "set_xcrs: %d, xcr0 %#llx", r, (unsigned long long)get_xcr0(t));
	CHECK_EQ(r, 0);
	return 0;
}

/* SSE on a vCPU that never ran: KVM_SET_FPU's XMM0 is what the guest finds. */
static int fpu_fresh_vcpu(struct t *t, uint8_t *pat)
{
	struct vmm_vcpu v0 = t->vcpu;
	struct kvm_fpu f;
	uint8_t *out = vmm_gpa(&t->vm, CMD64_DATA + 0x400);
	int n = 0, r;

	CHECK_R(vmm_vcpu_create(&t->vm, 1, &t->vcpu));
	CHECK_R(vmm_setup_long_mode(&t->vm, &t->vcpu, GUEST_BASE, GUEST_STACK, GUEST_STUBS));
	memset(&f, 0, sizeof(f));
	CHECK_R(xio(t->vcpu.fd, KVM_GET_FPU, &f));
	memcpy(f.xmm[0], pat + 0x40, 16);
	CHECK_R(xio(t->vcpu.fd, KVM_SET_FPU, &f));
	emit(t, &n, CMD_STORE_XMM, 0, CMD64_DATA + 0x400);
	r = run_phase(t);
	vmm_vcpu_destroy(&t->vcpu);
	t->vcpu = v0;
	CHECK_R(r);
	/* KVM 6.1 drops it (the XSAVE header says "initial state"); hvx does not. */
	if (!t->is_kvm)
		CHECK(!memcmp(out, pat + 0x40, 16), "fresh vCPU: XMM0 not from KVM_SET_FPU");
	else if (memcmp(out, pat + 0x40, 16))
		printf("note: KVM lost KVM_SET_FPU's XMM0 on a fresh vCPU\n");
	return 0;
}

int test_fpu_state(struct t *t)
{
	static const uint8_t pi80[10] = { 0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0x40 };
	struct kvm_xsave *xs = calloc(1, sizeof(*xs)), *xs2 = calloc(1, sizeof(*xs2));
	uint8_t *data, *out, *b;
	unsigned int a, ymm_off = 576, d, c;
	bool avx = host_has_avx(), xsave = host_has_xsave();
	struct kvm_fpu f;
	int i, n = 0, r;

	CHECK(xs && xs2, "calloc");
	if (avx)
		__cpuid_count(0xd, 2, a, ymm_off, c, d);
	CHECK_R(t_vm(t, 4, GUEST_IMG(cmd64)));
	CHECK_R(vmm_kvm_supported_cpuid(&t->vm, &t->vcpu));
	CHECK_R(vmm_setup_long_mode(&t->vm, &t->vcpu, GUEST_BASE, GUEST_STACK, GUEST_STUBS));
	r = vmm_check_extension(&t->vm, KVM_CAP_XSAVE2);
	t_trace(t, "caps: xsave %d xcrs %d xsave2 %d", vmm_check_extension(&t->vm, KVM_CAP_XSAVE),
		vmm_check_extension(&t->vm, KVM_CAP_XCRS), r);
	CHECK_EQ(r, (int)sizeof(struct kvm_xsave));
	CHECK_R(xcrs(t, xsave, avx));

	/* The guest loads XMM0-7, pushes pi, loads YMM0; user space reads them. */
	data = vmm_gpa(&t->vm, CMD64_DATA);
	pattern(data, 0x200, 0x11);
	if (xsave) {
		emit(t, &n, CMD_CR4_OR, 0, 1u << 18);	/* OSXSAVE */
		emit(t, &n, CMD_XGETBV, 0, 0);
	}
	emit(t, &n, CMD_LOAD_XMM, 0, CMD64_DATA);
	emit(t, &n, CMD_FLDPI, 0, 0);
	if (avx)
		emit(t, &n, CMD_LOAD_YMM0, 0, CMD64_DATA + 0x100);
	emit(t, &n, CMD_HLT, 0, 0);
	CHECK_R(run_phase(t));
	CHECK_EQ(t->nreports, xsave ? 2 : 0);
	if (xsave)
		CHECK_EQ(t->reports[0], avx ? 7 : 3);	/* XCR0 from KVM_SET_XCRS */
	if (avx)
		memcpy(data, data + 0x100, 16);		/* XMM0 is YMM0's low half now */

	memset(&f, 0xee, sizeof(f));
	CHECK_R(xio(t->vcpu.fd, KVM_GET_FPU, &f));
	t_trace(t, "fpu: fcw %#x fsw %#x ftwx %#x mxcsr %#x st0 %02x%02x..%02x%02x",
		f.fcw, f.fsw, f.ftwx, f.mxcsr, f.fpr[0][9], f.fpr[0][8], f.fpr[0][1], f.fpr[0][0]);
	CHECK_EQ(f.fcw, 0x37f);
	CHECK_EQ(f.fsw, 0x3800);			/* TOP = 7 */
	CHECK_EQ(f.ftwx, 0x80);				/* physical register 7 in use */
	CHECK_EQ(f.mxcsr, 0);				/* not part of KVM_GET_FPU (as KVM) */
	CHECK(!memcmp(f.fpr[0], pi80, 10), "ST0 is not pi");
	CHECK(!memcmp(f.xmm, data, 128), "KVM_GET_FPU: XMM0-7 are not the guest's");

	r = xio(t->vcpu.fd, KVM_GET_XSAVE, xs);
	CHECK_EQ(r, 0);
	b = (uint8_t *)xs->region;
	t_trace(t, "xsave: xstate_bv %#llx mxcsr %#x", (unsigned long long)(*(uint64_t *)(b + 512) & 7),
		*(uint32_t *)(b + 24));
	CHECK(!memcmp(b + 160, data, 128), "KVM_GET_XSAVE: XMM0-7 are not the guest's");
	CHECK_EQ(*(uint32_t *)(b + 24), 0x1f80);	/* MXCSR at reset */
	CHECK_EQ(*(uint64_t *)(b + 520), 0);		/* standard format: XCOMP_BV 0 */
	if (avx) {
		CHECK_EQ(*(uint64_t *)(b + 512) & 4, 4);
		CHECK(!memcmp(b + ymm_off, data + 0x110, 16), "YMM0[255:128] not in XSAVE");
	}
	r = xio(t->vcpu.fd, KVM_GET_XSAVE2, xs2);
	CHECK_EQ(r, 0);
	CHECK(!memcmp(xs, xs2, sizeof(*xs)), "KVM_GET_XSAVE2 differs from KVM_GET_XSAVE");

	/* User space changes XMM1 (KVM_SET_FPU) and XMM2 (KVM_SET_XSAVE). */
	memcpy(f.xmm[1], data + 0x180, 16);
	CHECK_R(xio(t->vcpu.fd, KVM_SET_FPU, &f));
	CHECK_R(xio(t->vcpu.fd, KVM_GET_XSAVE, xs));
	CHECK(!memcmp(b + 160 + 16, data + 0x180, 16), "KVM_SET_FPU's XMM1 not in KVM_GET_XSAVE");
	memcpy(xs2, xs, sizeof(*xs));
	*(uint64_t *)((uint8_t *)xs2->region + 512) |= 1ULL << 63;
	r = xio(t->vcpu.fd, KVM_SET_XSAVE, xs2);
	t_trace(t, "set_xsave xstate_bv bit 63: %d", r);
	CHECK_EQ(r, -EINVAL);
	memcpy(xs2, xs, sizeof(*xs));
	*(uint64_t *)((uint8_t *)xs2->region + 520) = 1ULL << 63;
	r = xio(t->vcpu.fd, KVM_SET_XSAVE, xs2);
	t_trace(t, "set_xsave compacted: %d", r);
	if (xsave)		/* without XSAVE the legacy area is all the kernel takes */
		CHECK_EQ(r, -EINVAL);
	memcpy(b + 160 + 32, data + 0x190, 16);
	CHECK_R(xio(t->vcpu.fd, KVM_SET_XSAVE, xs));

	/* The guest finds them. */
	emit(t, &n, CMD_STORE_XMM, 0, CMD64_DATA + 0x200);
	if (xsave)
		emit(t, &n, CMD_XGETBV, 0, 0);
	emit(t, &n, CMD_END, 0, 0);
	CHECK_R(run_phase(t));
	out = data + 0x200;
	for (i = 0; i < 8; i++)
		t_trace(t, "xmm%d: %02x%02x..%02x", i, out[16 * i + 15], out[16 * i + 14],
			out[16 * i]);
	CHECK(!memcmp(out, data, 16), "XMM0 changed");
	CHECK(!memcmp(out + 16, data + 0x180, 16), "XMM1 is not KVM_SET_FPU's");
	CHECK(!memcmp(out + 32, data + 0x190, 16), "XMM2 is not KVM_SET_XSAVE's");
	CHECK(!memcmp(out + 48, data + 48, 80), "XMM3-7 changed");
	if (xsave)
		CHECK_EQ(t->reports[0], avx ? 7 : 3);
	t_trace_state(t);

	CHECK_R(fpu_fresh_vcpu(t, data));
	free(xs);
	free(xs2);
	return 0;
}
