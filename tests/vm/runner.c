// SPDX-License-Identifier: GPL-2.0
/*
 * hvx-vmtest: runs the VM tests on one device.
 *   hvx-vmtest --dev /dev/hvx [--trace DIR] [--host-tests] [NAME...]
 * Prints "ok NAME" or "FAIL NAME: why" per test and "N passed, N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vmtest.h"

int t_fail(struct t *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return -1;
}

void t_trace(struct t *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->trace)
		return;
	va_start(ap, fmt);
	vfprintf(t->trace, fmt, ap);
	va_end(ap);
	fputc('\n', t->trace);
}

int t_vm(struct t *t, unsigned int mem_mb, const uint8_t *img, size_t len)
{
	int r = vmm_vm_create(&t->vm, t->dev);

	if (r)
		return t_fail(t, "create VM on %s: %s", t->dev, strerror(-r));
	t->have_vm = true;
	r = vmm_add_memory(&t->vm, 0, 0, (uint64_t)mem_mb << 20, 0, NULL);
	if (r)
		return t_fail(t, "add memory: %s", strerror(-r));
	if (img && vmm_load(&t->vm, GUEST_BASE, img, len))
		return t_fail(t, "guest image does not fit");
	r = vmm_vcpu_create(&t->vm, 0, &t->vcpu);
	if (r)
		return t_fail(t, "create vCPU: %s", strerror(-r));
	t->have_vcpu = true;
	return 0;
}

/* The patterns the host answers with, so that guests can check them. */
static uint8_t in_pattern(int i)
{
	return 0x11 * (i + 1);
}

static uint8_t mmio_pattern(uint64_t addr)
{
	return (uint8_t)addr ^ 0x80;
}

static void io_exit(struct t *t, struct kvm_run *run)
{
	uint8_t *data = vmm_io_data(&t->vcpu);
	uint32_t i, n = run->io.size * run->io.count;
	uint32_t v = 0;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		for (i = 0; i < n; i++)
			data[i] = run->io.port == PORT_INS ? 'a' + i % 26 : in_pattern(i);
		t_trace(t, "io in port=%#x size=%u count=%u", run->io.port,
			run->io.size, run->io.count);
		return;
	}
	memcpy(&v, data, run->io.size < 4 ? run->io.size : 4);
	if (run->io.port == PORT_CONSOLE) {
		for (i = 0; i < n && t->con_len + 1 < sizeof(t->console); i++)
			t->console[t->con_len++] = data[i];
		t->console[t->con_len] = 0;
	} else if (run->io.port == PORT_REPORT && t->nreports < MAX_REPORTS) {
		t->reports[t->nreports++] = v;
	} else if (run->io.port == PORT_VECTOR && t->nexc < MAX_REPORTS) {
		t->exc[t->nexc].vector = v;
		t->exc[t->nexc++].error = 0;
	} else if (run->io.port == PORT_ERRCODE && t->nexc > 0) {
		t->exc[t->nexc - 1].error = v;
	}
	t_trace(t, "io out port=%#x size=%u count=%u data=%#x", run->io.port,
		run->io.size, run->io.count, v);
}

static void mmio_exit(struct t *t, struct kvm_run *run)
{
	uint64_t d = 0;
	uint32_t i;

	if (run->mmio.is_write) {
		memcpy(&d, run->mmio.data, run->mmio.len);
		if (t->nmmio_w < MAX_REPORTS) {
			t->mmio_w[t->nmmio_w].addr = run->mmio.phys_addr;
			t->mmio_w[t->nmmio_w].len = run->mmio.len;
			t->mmio_w[t->nmmio_w++].data = d;
		}
		t_trace(t, "mmio write addr=%#llx len=%u data=%#llx",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len,
			(unsigned long long)d);
		return;
	}
	for (i = 0; i < run->mmio.len; i++)
		run->mmio.data[i] = mmio_pattern(run->mmio.phys_addr + i);
	t_trace(t, "mmio read addr=%#llx len=%u", (unsigned long long)run->mmio.phys_addr,
		run->mmio.len);
}

int t_run(struct t *t, uint32_t *exit_reason)
{
	struct kvm_run *run = t->vcpu.run;
	int r, n;

	for (n = 0; n < 100000; n++) {
		if (t->before_run)
			t->before_run(t, n);
		r = vmm_run(&t->vcpu);
		if (r < 0) {
			t_trace(t, "KVM_RUN error %s exit_reason=%u", strerror(-r),
				run->exit_reason);
			return r;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			io_exit(t, run);
			continue;
		case KVM_EXIT_MMIO:
			mmio_exit(t, run);
			continue;
		case KVM_EXIT_FAIL_ENTRY:
			t_trace(t, "exit FAIL_ENTRY reason=%#llx",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			t_trace(t, "exit INTERNAL_ERROR suberror=%u", run->internal.suberror);
			break;
		default:
			t_trace(t, "exit %s", vmm_exit_name(run->exit_reason));
			break;
		}
		*exit_reason = run->exit_reason;
		return 0;
	}
	return -ELOOP;
}

int t_run_to(struct t *t, uint32_t reason)
{
	uint32_t got = 0;
	int r = t_run(t, &got);

	if (r)
		return t_fail(t, "KVM_RUN failed: %s (console: %s)", strerror(-r), t->console);
	if (got != reason) {
		struct kvm_run *run = t->vcpu.run;

		return t_fail(t, "exit %s (%u), expected %s; suberror %u data %#llx; console: %s",
			      vmm_exit_name(got), got, vmm_exit_name(reason),
			      run->internal.suberror,
			      (unsigned long long)run->internal.data[0], t->console);
	}
	return 0;
}

static void trace_seg(struct t *t, const char *n, const struct kvm_segment *s)
{
	t_trace(t, "%s sel=%#x base=%#llx limit=%#x type=%u p=%u dpl=%u db=%u s=%u l=%u g=%u",
		n, s->selector, (unsigned long long)s->base, s->limit, s->type,
		s->present, s->dpl, s->db, s->s, s->l, s->g);
}

/* Final state, as far as it must be the same on every hypervisor. */
void t_trace_state(struct t *t)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (!t->trace || vmm_get_regs(&t->vcpu, &r) || vmm_get_sregs(&t->vcpu, &s))
		return;
	t_trace(t, "rax=%#llx rbx=%#llx rcx=%#llx rdx=%#llx rsi=%#llx rdi=%#llx",
		r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi);
	t_trace(t, "rsp=%#llx rbp=%#llx r8=%#llx r9=%#llx r10=%#llx r11=%#llx",
		r.rsp, r.rbp, r.r8, r.r9, r.r10, r.r11);
	t_trace(t, "r12=%#llx r13=%#llx r14=%#llx r15=%#llx rip=%#llx rflags=%#llx",
		r.r12, r.r13, r.r14, r.r15, r.rip, r.rflags);
	t_trace(t, "cr0=%#llx cr2=%#llx cr3=%#llx cr4=%#llx efer=%#llx",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	trace_seg(t, "cs", &s.cs);
	trace_seg(t, "ds", &s.ds);
	trace_seg(t, "ss", &s.ss);
	t_trace(t, "gdt=%#llx/%#x idt=%#llx/%#x", s.gdt.base, s.gdt.limit,
		s.idt.base, s.idt.limit);
}

static void t_cleanup(struct t *t)
{
	if (t->have_vcpu)
		vmm_vcpu_destroy(&t->vcpu);
	if (t->have_vm)
		vmm_vm_destroy(&t->vm);
}

static bool selected(const struct vmtest *vt, int argc, char **argv, int first)
{
	int i;

	if (first >= argc)
		return true;
	for (i = first; i < argc; i++)
		if (!strcmp(argv[i], vt->name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/hvx", *trace_dir = NULL;
	bool host = false, list = false;
	int i, first, pass = 0, fail = 0;

	for (first = 1; first < argc; first++) {
		if (!strcmp(argv[first], "--dev") && first + 1 < argc)
			dev = argv[++first];
		else if (!strcmp(argv[first], "--trace") && first + 1 < argc)
			trace_dir = argv[++first];
		else if (!strcmp(argv[first], "--host-tests"))
			host = true;
		else if (!strcmp(argv[first], "--list"))
			list = true;
		else
			break;
	}
	if (list) {
		for (i = 0; i < vm_ntests; i++)
			if (!!(vm_tests[i].flags & T_HOST) == host)
				printf("%-20s %s\n", vm_tests[i].name, vm_tests[i].what);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < vm_ntests; i++) {
		const struct vmtest *vt = &vm_tests[i];
		struct t *t;
		char path[512];
		int r;

		if (!!(vt->flags & T_HOST) != host || !selected(vt, argc, argv, first))
			continue;
		t = calloc(1, sizeof(*t));
		t->name = vt->name;
		t->dev = dev;
		t->is_kvm = strstr(dev, "kvm") != NULL;
		if (trace_dir && (vt->flags & T_COMPARE)) {
			snprintf(path, sizeof(path), "%s/%s.trace", trace_dir, vt->name);
			t->trace = fopen(path, "w");
		}
		r = vt->fn(t);
		t_cleanup(t);
		if (t->trace)
			fclose(t->trace);
		if (r == 0) {
			printf("ok %s\n", vt->name);
			pass++;
		} else {
			printf("FAIL %s: %s\n", vt->name, t->err);
			fail++;
		}
		free(t);
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
