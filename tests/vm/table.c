// SPDX-License-Identifier: GPL-2.0
/* Every VM test, in the order they run; T_COMPARE ones are traced and
 * compared between /dev/hvx and /dev/kvm, T_HOST ones run on hvx only. */
#include "vmtest.h"

const struct vmtest vm_tests[] = {
	{ "real_hello", test_real_hello, T_COMPARE, "real mode: PIO of each size, REP OUTSB/INSB" },
	{ "hlt", test_hlt, T_COMPARE, "HLT exit, RIP after it" },
	{ "triple_fault", test_triple_fault, T_COMPARE, "triple fault -> SHUTDOWN" },
	{ "pm32", test_pm32, T_COMPARE, "32-bit protected mode with the guest's paging" },
	{ "lm64", test_lm64, T_COMPARE, "guest enters long mode itself" },
	{ "mmio", test_mmio, T_COMPARE, "MMIO loads/stores of 1/2/4/8 bytes" },
	{ "touch_memory", test_touch_memory, T_COMPARE, "every page of two slots" },
	{ "svm_insns", test_svm_insns, T_COMPARE, "SVM instructions and host MSRs" },
	{ "vmx_insns", test_vmx_insns, T_COMPARE, "VMX instructions from the guest: #UD" },
	{ "cpuid", test_cpuid, 0, "CPUID defaults (per device)" },
	{ "invalid_state", test_invalid_state, T_COMPARE, "invalid guest state -> FAIL_ENTRY" },
	{ "signal", test_signal, T_COMPARE, "signal -> -EINTR; immediate_exit" },
	{ "io_complete", test_io_complete, T_COMPARE, "IN completed under immediate_exit" },
	{ "efault", test_efault, T_COMPARE, "slot without memory -> -EFAULT" },
	{ "other_process", test_other_process, T_COMPARE, "fds from another process -> -EIO" },
	{ "bad_args", test_bad_args, T_COMPARE, "bad ioctl arguments -> errno" },
	{ "host_state", test_host_state, T_COMPARE, "syscall MSRs, FS/GS, XMM, DR0 kept apart" },
	{ "migrate", test_migrate, T_COMPARE, "a vCPU moving between CPUs on every run" },
	{ "ro_slot", test_ro_slot, T_COMPARE, "read-only slot: reads, writes as MMIO" },
	{ "two_vcpus", test_two_vcpus, T_COMPARE, "two vCPUs of one VM at once" },
	{ "mmio_unsupported", test_mmio_unsupported, 0, "ADD on MMIO (per device)" },
	{ "busy", test_busy, T_HOST, "only one hypervisor holds SVM: -EBUSY" },
	{ "killed_vmm", test_killed_vmm, T_HOST, "VMM killed mid-run frees everything" },
};
const int vm_ntests = sizeof(vm_tests) / sizeof(vm_tests[0]);
