// SPDX-License-Identifier: GPL-2.0
/*
 * hvx.ko: module load, the choice of backend, and turning virtualization
 * on in every CPU while at least one VM exists.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/cpuhotplug.h>
#include <linux/syscore_ops.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/special_insns.h>

#include "hvx.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvx: a hypervisor speaking the KVM ABI on /dev/hvx");

extern const struct hvx_vendor_ops hvx_svm_ops;
extern const struct hvx_vendor_ops hvx_vmx_ops;

const struct hvx_vendor_ops *hvx_ops;

bool hvx_trace_exits;
module_param_named(trace_exits, hvx_trace_exits, bool, 0644);
MODULE_PARM_DESC(trace_exits, "log every exit (rate-limited), for debugging");
atomic_long_t hvx_stat_pinned_pages;
atomic_t hvx_stat_vms;

/*
 * Users of hardware virtualization (VMs) and whether the CPUs are on.
 * hw_lock orders enabling against disabling; CPUs are enabled when the
 * first VM is created and disabled after the last one is gone, so that
 * another hypervisor (kvm-amd) can use the CPU between our VMs.
 */
static DEFINE_MUTEX(hw_lock);
static unsigned int hw_users;
static cpumask_t hw_enabled;
static atomic_t hw_enable_failed;

static void hw_enable_one(void *unused)
{
	int r = hvx_ops->cpu_enable();

	if (r)
		atomic_set(&hw_enable_failed, r);
	else
		cpumask_set_cpu(smp_processor_id(), &hw_enabled);
}

static void hw_disable_one(void *unused)
{
	if (cpumask_test_and_clear_cpu(smp_processor_id(), &hw_enabled))
		hvx_ops->cpu_disable();
}

/* Take a reference on hardware virtualization; enable it on first use. */
bool hvx_cpu_enabled(int cpu)
{
	return cpumask_test_cpu(cpu, &hw_enabled);
}

/*
 * Lock order: cpus_read_lock, then hw_lock - the hotplug callbacks below
 * run with the hotplug lock held and take hw_lock.
 */
int hvx_hw_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (hw_users == 0) {
		atomic_set(&hw_enable_failed, 0);
		on_each_cpu(hw_enable_one, NULL, 1);
		r = atomic_read(&hw_enable_failed);
		if (r) {
			on_each_cpu(hw_disable_one, NULL, 1);
			pr_err_ratelimited("cannot create a VM: %s\n",
					   r == -EBUSY ? hvx_ops->busy_reason :
					   r == -EOPNOTSUPP ? hvx_ops->off_reason :
					   "entering virtualization failed on a CPU");
		}
	}
	if (!r)
		hw_users++;
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
	return r;
}

void hvx_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (!WARN_ON_ONCE(hw_users == 0) && --hw_users == 0)
		on_each_cpu(hw_disable_one, NULL, 1);
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
}

/*
 * A CPU that comes online while VMs exist is enabled too; one that goes
 * offline is disabled first (its vCPUs' tasks have already moved away).
 * If enabling fails there, the CPU stays off and a vCPU that lands on it
 * does not enter the guest until it moves (enter_guest checks).
 */
static int hvx_cpu_online(unsigned int cpu)
{
	mutex_lock(&hw_lock);
	if (hw_users) {
		local_irq_disable();
		hw_enable_one(NULL);
		local_irq_enable();
	}
	mutex_unlock(&hw_lock);
	return 0;
}

static int hvx_cpu_offline(unsigned int cpu)
{
	mutex_lock(&hw_lock);
	if (hw_users) {
		local_irq_disable();
		hw_disable_one(NULL);
		local_irq_enable();
	}
	mutex_unlock(&hw_lock);
	return 0;
}

/* Suspend: only the boot CPU is left (the others went through hotplug). */
static int hvx_suspend(void)
{
	if (hw_users)
		hw_disable_one(NULL);
	return 0;
}

static void hvx_resume(void)
{
	if (hw_users)
		hw_enable_one(NULL);
}

static struct syscore_ops hvx_syscore_ops = {
	.suspend = hvx_suspend,
	.resume = hvx_resume,
};

static enum cpuhp_state hvx_cpuhp_state;

/*
 * /sys/module/hvx/parameters/cpu_state: CR0, CR4 and EFER of every CPU,
 * which user space cannot read itself; `hvx probe` uses it to tell whether
 * another hypervisor owns a CPU (EFER.SVME or CR4.VMXE already set).
 */
struct cpu_regs {
	u64 cr0, cr4, efer;
};

static void read_cpu_regs(void *info)
{
	struct cpu_regs *r = info;

	r->cr0 = read_cr0();
	r->cr4 = __read_cr4();
	rdmsrl(MSR_EFER, r->efer);
}

static int cpu_state_get(char *buf, const struct kernel_param *kp)
{
	struct cpu_regs r;
	int cpu, n = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (smp_call_function_single(cpu, read_cpu_regs, &r, 1))
			continue;
		n += scnprintf(buf + n, PAGE_SIZE - n,
			       "cpu=%d cr0=%#llx cr4=%#llx efer=%#llx\n",
			       cpu, r.cr0, r.cr4, r.efer);
	}
	cpus_read_unlock();
	return n;
}

static const struct kernel_param_ops cpu_state_ops = { .get = cpu_state_get };
module_param_cb(cpu_state, &cpu_state_ops, NULL, 0444);
MODULE_PARM_DESC(cpu_state, "CR0, CR4, EFER of each CPU (read-only)");

/* Counters that tests read to prove that a dead VMM left nothing behind. */
static int stat_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "vms=%d pinned_pages=%ld hw_users=%u\n",
			 atomic_read(&hvx_stat_vms),
			 atomic_long_read(&hvx_stat_pinned_pages), hw_users);
}

static const struct kernel_param_ops stat_ops = { .get = stat_get };
module_param_cb(stats, &stat_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "live VMs, pinned guest pages (read-only)");

static const struct hvx_vendor_ops *pick_backend(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		return &hvx_svm_ops;
	if (boot_cpu_has(X86_FEATURE_VMX))
		return &hvx_vmx_ops;
	return NULL;
}

/* Refuse a backend with a hook left out: the contract is hvx_ops.h. */
static int check_ops(const struct hvx_vendor_ops *ops)
{
#define HVX_OP(hook, ret, args)						\
	if (!ops->hook) {						\
		pr_err("backend %s lacks the hook " #hook "\n", ops->name); \
		return -EINVAL;						\
	}
#include "hvx_ops.h"
#undef HVX_OP
	return 0;
}

static int __init hvx_init(void)
{
	const struct hvx_vendor_ops *ops = pick_backend();
	int r;

	if (!ops) {
		pr_info("this CPU has neither SVM nor VMX; not loading\n");
		return -ENODEV;
	}
	r = check_ops(ops);
	if (r)
		return r;
	hvx_ops = ops;
	hvx_vcpu_init_host_state();
	r = ops->setup();
	if (r)
		return r;
	preempt_notifier_inc();
	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hvx:online",
				      hvx_cpu_online, hvx_cpu_offline);
	if (r < 0)
		goto err_cpuhp;
	hvx_cpuhp_state = r;
	register_syscore_ops(&hvx_syscore_ops);
	/* Registration of /dev/hvx is the last thing done: users come in. */
	r = hvx_dev_init();
	if (r)
		goto err_dev;
	pr_info("loaded, backend %s\n", ops->name);
	return 0;

err_dev:
	unregister_syscore_ops(&hvx_syscore_ops);
	cpuhp_remove_state_nocalls(hvx_cpuhp_state);
err_cpuhp:
	preempt_notifier_dec();
	ops->unsetup();
	return r;
}

static void __exit hvx_exit(void)
{
	hvx_dev_exit();
	WARN_ON(hw_users);
	unregister_syscore_ops(&hvx_syscore_ops);
	cpuhp_remove_state_nocalls(hvx_cpuhp_state);
	preempt_notifier_dec();
	hvx_ops->unsetup();
}

module_init(hvx_init);
module_exit(hvx_exit);
