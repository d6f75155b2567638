// SPDX-License-Identifier: GPL-2.0
/*
 * hvx-bench: the cost of one exit, on one device.
 *   hvx-bench --dev /dev/hvx [--n N] [--reps R]
 * Prints "BENCH dev=... kind=cpuid us_per_exit=..." for an exit handled
 * in the kernel (CPUID) and one handled in user space (OUT), the best of R
 * repetitions of N exits each. Ratios between devices are computed by
 * the caller from two runs in the same boot (tests/machines/l1-bench.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm.h"

extern const unsigned char guest_bench64[], guest_bench64_end[];

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int one_run(struct vmm_vm *vm, struct vmm_vcpu *vcpu, int pio, long n,
		   double *us)
{
	struct kvm_regs r = { .rip = 0x8000, .rsp = 0x80000, .rflags = 2,
			      .rdi = pio, .r8 = n };
	long outs = 0;
	double t0;
	int err;

	if ((err = vmm_set_regs(vcpu, &r)))
		return err;
	t0 = now_us();
	for (;;) {
		if ((err = vmm_run(vcpu)))
			return err;
		if (vcpu->run->exit_reason == KVM_EXIT_HLT)
			break;
		if (vcpu->run->exit_reason != KVM_EXIT_IO)
			return -EPROTO;
		outs++;
	}
	*us = (now_us() - t0) / n;
	return outs == (pio ? n : 0) ? 0 : -EPROTO;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/hvx";
	long n = 20000, reps = 3, i;
	struct vmm_vm vm;
	struct vmm_vcpu vcpu;
	int kind, err;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dev"))
			dev = argv[i + 1];
		else if (!strcmp(argv[i], "--n"))
			n = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--reps"))
			reps = atol(argv[i + 1]);
	}
	if ((err = vmm_vm_create(&vm, dev)) ||
	    (err = vmm_add_memory(&vm, 0, 0, 4 << 20, 0, NULL)) ||
	    (err = vmm_load(&vm, 0x8000, guest_bench64,
			    guest_bench64_end - guest_bench64)) ||
	    (err = vmm_vcpu_create(&vm, 0, &vcpu)) ||
	    (err = vmm_setup_long_mode(&vm, &vcpu, 0x8000, 0x80000, 0))) {
		fprintf(stderr, "hvx-bench: %s: %s\n", dev, strerror(-err));
		return 1;
	}
	for (kind = 0; kind < 2; kind++) {
		double best = 1e30, us;

		for (i = 0; i < reps; i++) {
			if ((err = one_run(&vm, &vcpu, kind, n, &us))) {
				fprintf(stderr, "hvx-bench: %s: run: %s\n", dev, strerror(-err));
				return 1;
			}
			if (us < best)
				best = us;
		}
		printf("BENCH dev=%s kind=%s exits=%ld us_per_exit=%.3f\n", dev,
		       kind ? "pio_user" : "cpuid_kernel", n, best);
	}
	return 0;
}
