// SPDX-License-Identifier: GPL-2.0
/*
 * VM tests of the VM fd's memory and capability ioctls: dirty-page logging
 * (api.rst 4.8 KVM_GET_DIRTY_LOG, 4.35 KVM_MEM_LOG_DIRTY_PAGES), pages the
 * hypervisor itself writes (INS), KVM_SET/GET_NR_MMU_PAGES (4.20, 4.21)
 * and KVM_ENABLE_CAP with KVM_CAP_MAX_VCPU_ID (4.37, 7.28).
 *
 * The guest of the logging test is guests/dirty64.S: it writes into each
 * page of a list the host gives it, then halts. Each log must hold exactly
 * the pages written since the previous one: the trace lists them, so hvx
 * and KVM must agree.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmtest.h"

#define LOG_SLOT	1
#define LOG_GPA		0x10000000ULL
#define LOG_MOVED_GPA	0x20000000ULL
#define LOG_PAGES	100	/* not a multiple of 64: the log is 2 longs */
#define LOG_BYTES	16
#define CANARY		0xa5a5a5a5a5a5a5a5ULL
#define PAGE_LIST	0x40000	/* dirty64's list, in slot 0 (not logged) */
/* A list of page numbers, ended by -1. */
#define PAGES(...)	((const int[]){ __VA_ARGS__, -1 })

static int xio(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static int get_log(struct t *t, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return xio(t->vm.vm_fd, KVM_GET_DIRTY_LOG, &log);
}

/*
 * Read slot's log (npages pages) and compare it with the expected pages
 * (a list ended by -1). The buffer beyond the log's whole longs must stay
 * as it was: KVM copies exactly ALIGN(npages, 64) / 8 bytes.
 */
static int expect_log(struct t *t, const char *what, uint32_t slot, unsigned int npages,
		      const int *want)
{
	uint64_t buf[16];
	unsigned int bytes = ((npages + 63) / 64) * 8, i, n = 0;
	char got[256];
	int r, len = 0;

	for (i = 0; i < 16; i++)
		buf[i] = CANARY;
	r = get_log(t, slot, buf);
	CHECK(r == 0, "%s: KVM_GET_DIRTY_LOG: %s", what, strerror(-r));
	for (i = bytes / 8; i < 16; i++)
		CHECK_EQ(buf[i], CANARY);
	got[0] = 0;
	for (i = 0; i < bytes * 8; i++) {
		if (!(buf[i / 64] & (1ULL << (i % 64))))
			continue;
		len += snprintf(got + len, sizeof(got) - len, " %u", i);
		if (len >= (int)sizeof(got))
			return t_fail(t, "%s: too many dirty pages", what);
		CHECK(want[n] == (int)i, "%s: page %u dirty, expected %d next (dirty:%s)",
		      what, i, want[n], got);
		n++;
	}
	CHECK(want[n] < 0, "%s: page %d not dirty (dirty:%s)", what, want[n], got);
	t_trace(t, "%s: dirty%s", what, n ? got : " none");
	return 0;
}

/* dirty64 writes the pages (a list ended by -1) of the logging slot at base. */
static int touch(struct t *t, uint64_t base, const int *pages)
{
	uint64_t *list = vmm_gpa(&t->vm, PAGE_LIST), *p;
	struct kvm_regs r;
	int n;

	for (n = 0; pages[n] >= 0; n++)
		list[n] = base + ((uint64_t)pages[n] << 12);
	CHECK_R(vmm_get_regs(&t->vcpu, &r));
	r.rip = GUEST_BASE;
	r.rsp = GUEST_STACK;
	r.rdi = PAGE_LIST;
	r.rsi = n;
	CHECK_R(vmm_set_regs(&t->vcpu, &r));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	for (n = 0; pages[n] >= 0; n++) {
		p = vmm_gpa(&t->vm, list[n]);
		CHECK(p && *p == list[n], "page %d not written through", pages[n]);
	}
	return 0;
}

static int set_log_slot(struct t *t, uint32_t flags, uint64_t gpa)
{
	return vmm_set_region(&t->vm, LOG_SLOT, flags, gpa, LOG_PAGES << 12,
			      t->vm.slots[LOG_SLOT].host);
}

/* call returns 0 or -errno; trace and check which. */
#define EXPECT(call, err) do {						\
	int _r = (call), _e = _r < 0 ? -_r : 0;				\
	t_trace(t, "%s = %s", #call, _e ? strerror(_e) : "ok");		\
	CHECK(_e == (err), "%s: got %s, expected %s", #call,		\
	      _e ? strerror(_e) : "success", (err) ? strerror(err) : "success"); \
} while (0)

/* The arguments KVM_GET_DIRTY_LOG and the flags refuse, as KVM does. */
static int dirty_log_bad_args(struct t *t)
{
	uint64_t buf[2];

	EXPECT(get_log(t, 0, buf), ENOENT);		/* slot without logging */
	EXPECT(get_log(t, 5, buf), ENOENT);		/* no such slot */
	EXPECT(get_log(t, 0x7fff, buf), EINVAL);	/* beyond any slot id */
	EXPECT(get_log(t, LOG_SLOT | (2u << 16), buf), EINVAL);	/* address space */
	EXPECT(get_log(t, LOG_SLOT, (void *)8), EFAULT);
	EXPECT(xio(t->vm.vm_fd, KVM_GET_DIRTY_LOG, (void *)8), EFAULT);
	EXPECT(set_log_slot(t, KVM_MEM_LOG_DIRTY_PAGES | (1u << 2), LOG_GPA), EINVAL);
	EXPECT(set_log_slot(t, KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY, LOG_GPA), EINVAL);
	return 0;
}

int test_dirty_log(struct t *t)
{
	static const int none[] = { -1 };
	uint64_t base = LOG_GPA;
	uint8_t *host;

	CHECK_R(long_mode_guest(t, 4, GUEST_IMG(dirty64)));
	CHECK_R(vmm_add_memory(&t->vm, LOG_SLOT, LOG_GPA, LOG_PAGES << 12,
			       KVM_MEM_LOG_DIRTY_PAGES, (void **)&host));
	CHECK_R(dirty_log_bad_args(t));

	/* What user space writes is not logged. */
	memset(host + 50 * 4096, 1, 4096);
	CHECK_R(expect_log(t, "before the guest ran", LOG_SLOT, LOG_PAGES, none));

	CHECK_R(touch(t, base, PAGES(2, 3, 4, 10, 3)));
	CHECK_R(expect_log(t, "first writes", LOG_SLOT, LOG_PAGES, PAGES(2, 3, 4, 10)));
	CHECK_R(expect_log(t, "read again", LOG_SLOT, LOG_PAGES, none));

	/* Page 3 again: the log write-protected it, so it is logged again. */
	CHECK_R(touch(t, base, PAGES(99, 3)));
	CHECK_R(expect_log(t, "second writes", LOG_SLOT, LOG_PAGES, PAGES(3, 99)));

	/* Logging off: no log; pages 5 and 6 become writable. */
	CHECK_R(set_log_slot(t, 0, base));
	EXPECT(get_log(t, LOG_SLOT, host), ENOENT);
	CHECK_R(touch(t, base, PAGES(5, 6)));
	/* Back on: an empty log, and page 5 is write-protected again. */
	CHECK_R(set_log_slot(t, KVM_MEM_LOG_DIRTY_PAGES, base));
	CHECK_R(expect_log(t, "logging turned on again", LOG_SLOT, LOG_PAGES, none));
	CHECK_R(touch(t, base, PAGES(5, 7)));
	CHECK_R(expect_log(t, "after logging on again", LOG_SLOT, LOG_PAGES, PAGES(5, 7)));

	/* A slot that moves keeps its log. */
	CHECK_R(touch(t, base, PAGES(8)));
	base = LOG_MOVED_GPA;
	CHECK_R(set_log_slot(t, KVM_MEM_LOG_DIRTY_PAGES, base));
	t->vm.slots[LOG_SLOT].gpa = base;
	CHECK_R(expect_log(t, "after a move", LOG_SLOT, LOG_PAGES, PAGES(8)));
	CHECK_R(touch(t, base, PAGES(9)));
	CHECK_R(expect_log(t, "written after the move", LOG_SLOT, LOG_PAGES, PAGES(9)));
	t_trace_state(t);
	return 0;
}

/*
 * What the hypervisor writes for the guest is logged too: real_hello's
 * REP INSB fills its buffer (in the image's page, 8) through the kernel,
 * not through a guest write. Nothing else in the 2 MiB slot is written.
 */
int test_dirty_log_io(struct t *t)
{
	CHECK_R(real_mode_guest(t, GUEST_IMG(real_hello)));
	CHECK_R(vmm_set_region(&t->vm, 0, KVM_MEM_LOG_DIRTY_PAGES, 0, t->vm.slots[0].size,
			       t->vm.slots[0].host));
	CHECK_R(t_run_to(t, KVM_EXIT_HLT));
	CHECK(!strcmp(t->console, "hello from real mode\nrep outsb works\nabcdefgh\n"),
	      "console: '%s'", t->console);
	CHECK_R(expect_log(t, "INS buffer", 0, t->vm.slots[0].size >> 12,
			   PAGES(GUEST_BASE >> 12)));
	t_trace_state(t);
	return 0;
}

static int enable_cap(int vmfd, uint32_t cap, uint32_t flags, uint64_t arg)
{
	struct kvm_enable_cap c = { .cap = cap, .flags = flags, .args = { arg } };

	return xio(vmfd, KVM_ENABLE_CAP, &c);
}

/*
 * KVM_SET/GET_NR_MMU_PAGES: KVM's default follows the slots (1 page per 50,
 * at least 64) until user space sets it. KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID):
 * once, before the first vCPU, at most KVM_CHECK_EXTENSION's value.
 * KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR, KVM_SET_BOOT_CPU_ID,
 * KVM_X86_SET_MSR_FILTER and KVM_CAP_X86_USER_SPACE_MSR: KVM's checks.
 */
int test_vm_caps(struct t *t)
{
	static uint8_t bits[KVM_MSR_FILTER_MAX_BITMAP_SIZE + 8];
	struct kvm_msr_filter f;
	struct vmm_vm vm2;
	struct vmm_vcpu v;
	uint64_t ident = 0xfeffc000;
	int vmfd, maxid;

	CHECK_R(vmm_vm_create(&t->vm, t->dev));
	t->have_vm = true;
	vmfd = t->vm.vm_fd;
	CHECK_EQ(xio(vmfd, KVM_CHECK_EXTENSION, (void *)KVM_CAP_ENABLE_CAP_VM), 1);
	CHECK_EQ(xio(vmfd, KVM_CHECK_EXTENSION, (void *)KVM_CAP_MMU_SHADOW_CACHE_CONTROL), 1);
	maxid = xio(vmfd, KVM_CHECK_EXTENSION, (void *)KVM_CAP_MAX_VCPU_ID);
	CHECK(maxid > 2, "KVM_CAP_MAX_VCPU_ID %d", maxid);

	t_trace(t, "nr_mmu_pages without slots: %d", xio(vmfd, KVM_GET_NR_MMU_PAGES, NULL));
	CHECK_R(vmm_add_memory(&t->vm, 0, 0, 16 << 20, 0, NULL));
	t_trace(t, "nr_mmu_pages with 16 MiB: %d", xio(vmfd, KVM_GET_NR_MMU_PAGES, NULL));
	EXPECT(xio(vmfd, KVM_SET_NR_MMU_PAGES, (void *)63), EINVAL);
	EXPECT(xio(vmfd, KVM_SET_NR_MMU_PAGES, (void *)100), 0);
	CHECK_R(vmm_add_memory(&t->vm, 1, 1 << 30, 64 << 20, 0, NULL));
	t_trace(t, "nr_mmu_pages set, then 64 MiB more: %d", xio(vmfd, KVM_GET_NR_MMU_PAGES, NULL));

	EXPECT(xio(vmfd, KVM_SET_TSS_ADDR, (void *)0xfffbd000), 0);
	EXPECT(xio(vmfd, KVM_SET_TSS_ADDR, (void *)0xfffff000), EINVAL);
	EXPECT(xio(vmfd, KVM_SET_IDENTITY_MAP_ADDR, &ident), 0);
	EXPECT(xio(vmfd, KVM_SET_IDENTITY_MAP_ADDR, (void *)8), EFAULT);
	EXPECT(xio(vmfd, KVM_SET_BOOT_CPU_ID, (void *)1), 0);

	/* MSR filters: bad flags, a range with no access type, a bitmap over
	 * 0x600 bytes, DEFAULT_DENY with no range, a bad bitmap pointer. */
	memset(&f, 0, sizeof(f));
	f.flags = 2;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EINVAL);
	f.flags = KVM_MSR_FILTER_DEFAULT_DENY;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EINVAL);
	f.flags = 0;
	f.ranges[0] = (struct kvm_msr_filter_range){ .flags = 0, .nmsrs = 8, .base = 0, .bitmap = bits };
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EINVAL);
	f.ranges[0].flags = KVM_MSR_FILTER_READ | 4;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EINVAL);
	f.ranges[0].flags = KVM_MSR_FILTER_READ;
	f.ranges[0].nmsrs = (KVM_MSR_FILTER_MAX_BITMAP_SIZE + 8) * 8;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EINVAL);
	f.ranges[0].nmsrs = 64;
	f.ranges[0].bitmap = (uint8_t *)8;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), EFAULT);
	f.ranges[0].bitmap = bits;
	f.flags = KVM_MSR_FILTER_DEFAULT_DENY;
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), 0);
	memset(&f, 0, sizeof(f));
	EXPECT(xio(vmfd, KVM_X86_SET_MSR_FILTER, &f), 0);	/* no filter */
	EXPECT(enable_cap(vmfd, KVM_CAP_X86_USER_SPACE_MSR, 0, 8), EINVAL);
	EXPECT(enable_cap(vmfd, KVM_CAP_X86_USER_SPACE_MSR, 0, KVM_MSR_EXIT_REASON_FILTER), 0);

	EXPECT(enable_cap(vmfd, KVM_CAP_MAX_VCPU_ID, 1, 2), EINVAL);	/* flags */
	EXPECT(enable_cap(vmfd, 0xffff, 0, 0), EINVAL);			/* unknown cap */
	EXPECT(enable_cap(vmfd, KVM_CAP_MAX_VCPU_ID, 0, maxid + 1), EINVAL);
	EXPECT(enable_cap(vmfd, KVM_CAP_MAX_VCPU_ID, 0, 2), 0);
	EXPECT(enable_cap(vmfd, KVM_CAP_MAX_VCPU_ID, 0, 2), 0);		/* the same again */
	EXPECT(enable_cap(vmfd, KVM_CAP_MAX_VCPU_ID, 0, 3), EINVAL);	/* a change */
	EXPECT(xio(vmfd, KVM_CREATE_VCPU, (void *)2), EINVAL);
	EXPECT(xio(vmfd, KVM_ENABLE_CAP, (void *)8), EFAULT);
	EXPECT(vmm_vcpu_create(&t->vm, 1, &t->vcpu), 0);
	t->have_vcpu = true;
	EXPECT(xio(vmfd, KVM_SET_BOOT_CPU_ID, (void *)0), EBUSY);
	EXPECT(xio(vmfd, KVM_SET_IDENTITY_MAP_ADDR, &ident), EINVAL);

	/* The first vCPU fixes the default: no change after it. */
	CHECK_R(vmm_vm_create(&vm2, t->dev));
	EXPECT(vmm_vcpu_create(&vm2, 0, &v), 0);
	EXPECT(enable_cap(vm2.vm_fd, KVM_CAP_MAX_VCPU_ID, 0, 2), EINVAL);
	EXPECT(enable_cap(vm2.vm_fd, KVM_CAP_MAX_VCPU_ID, 0, maxid), 0);
	vmm_vcpu_destroy(&v);
	vmm_vm_destroy(&vm2);
	return 0;
}
