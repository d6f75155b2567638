// SPDX-License-Identifier: GPL-2.0
/*
 * hvx run: load a guest and run it on /dev/hvx (or /dev/kvm).
 *
 * The machine, in the shape of kvmtool's and Firecracker's: guest RAM from
 * 0, the interrupt controllers and the PIT in the kernel
 * (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2), the legacy devices of devices/
 * in user space, ACPI tables that describe them (loader/acpi.c), one
 * thread per vCPU. A flat binary gets the bare machine instead: no
 * irqchip, so that its HLT comes back to us and ends the run.
 *
 * Process exit status, one per way a guest ends (docs/run.md):
 *   0              the guest powered off (ACPI S5)
 *   (v << 1) | 1   the guest wrote v to the debug-exit port 0xf4
 *   2              triple fault (KVM_EXIT_SHUTDOWN)
 *   4              the hypervisor could not run it (FAIL_ENTRY, INTERNAL_ERROR, ...)
 *   6              hvx could not set up the VM (bad image, no device, ...)
 *   8              the guest reset the machine (0xcf9, i8042, ACPI reset)
 *   10             the guest halted for good: HLT on the bare machine, or
 *                  every vCPU halted with interrupts off
 *   12             the user quit from the console (Ctrl-A x)
 *   64             usage error
 */
#define _GNU_SOURCE	/* asprintf */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "vmm.h"
#include "stats.h"
#include "cmds.h"
#include "console.h"
#include "devices/devices.h"
#include "loader/loader.h"

enum {
	EXIT_POWEROFF = 0, EXIT_TRIPLE = 2, EXIT_HV_ERROR = 4, EXIT_SETUP = 6,
	EXIT_RESET = 8, EXIT_HALT = 10, EXIT_QUIT = 12, EXIT_USAGE = 64,
};

#define MAX_CPUS	HVX_ACPI_MAX_CPUS
/* Where KVM's users put the VMX real-mode helper pages (QEMU's choice). */
#define TSS_ADDR	0xfffbd000UL
#define IDENT_ADDR	0xfffbc000ULL

struct run_opts {
	const char *device;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	unsigned long mem_mb;
	unsigned int cpus;
	unsigned long load;
	bool verbose;
	bool stats;
};

struct vm_run;

struct vcpu_thread {
	struct vm_run *r;
	struct vmm_vcpu vcpu;
	int index;
	pthread_t thread;
	bool started;
	/* Seen by the last look (watch_halt): halted with interrupts off, or
	 * never started by INIT/SIPI. */
	atomic_bool dead;
	atomic_bool look;	/* watch_halt asked for a look */
};

struct vm_run {
	const struct run_opts *o;
	struct vmm_vm vm;
	struct hvx_machine m;
	bool irqchip;		/* bzImage and multiboot: the full machine */
	unsigned int ncpus;
	struct vcpu_thread t[MAX_CPUS];
	pthread_mutex_t err_lock;
	char err[256];		/* why the hypervisor failed, printed once */
	/* --stats: KVM_EXIT_IO by port, the exits that reach user space */
	_Atomic uint32_t pio_exits[65536];
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: hvx run [OPTIONS] --kernel FILE\n"
		"  --kernel FILE     Linux bzImage, multiboot (v1) ELF kernel, or flat binary\n"
		"  --initrd FILE     initial ramdisk (bzImage); multiboot: modules,\n"
		"                    \"FILE[ ARGS][,FILE[ ARGS]...]\" as QEMU's -initrd\n"
		"  --cmdline TEXT    kernel command line\n"
		"  --device PATH     /dev/hvx (default) or /dev/kvm\n"
		"  --mem MB          guest memory in MiB (default 256; flat: 16)\n"
		"  --cpus N          vCPUs (default 1, at most %d)\n"
		"  --load ADDR       flat binary: load and entry address (default 0x8000; real mode)\n"
		"  --stats           at the end, print the exit counters (kvm_stat's names)\n"
		"                    and the ports of the port I/O exits to user space\n"
		"  -v, --verbose     say how the guest ended\n"
		"On a terminal the console is raw: Ctrl-A x quits, Ctrl-A h lists the keys.\n",
		MAX_CPUS);
	return f == stdout ? 0 : EXIT_USAGE;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "append", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "load", required_argument, NULL, 'l' },
		{ "stats", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long v;
	char *end;
	int c;

	*o = (struct run_opts){ .device = "/dev/hvx", .cpus = 1, .load = 0x8000 };
	while ((c = getopt_long(argc, argv, "k:i:c:d:m:n:l:svh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'd': o->device = optarg; break;
		case 'v': o->verbose = true; break;
		case 's': o->stats = true; break;
		case 'm':
			o->mem_mb = strtoul(optarg, &end, 0);
			if (*end || !o->mem_mb || o->mem_mb > (HVX_RAM_MAX >> 20))
				return fprintf(stderr, "hvx run: --mem must be 1 to %llu (MiB)\n",
					       HVX_RAM_MAX >> 20), -1;
			break;
		case 'n':
			v = strtoul(optarg, &end, 0);
			if (*end || !v || v > MAX_CPUS)
				return fprintf(stderr, "hvx run: --cpus must be 1 to %d\n", MAX_CPUS), -1;
			o->cpus = v;
			break;
		case 'l':
			o->load = strtoul(optarg, &end, 0);
			if (*end || o->load > 0xffff)
				return fprintf(stderr, "hvx run: --load must be below 64 KiB (real mode)\n"), -1;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!o->kernel && optind < argc)
		o->kernel = argv[optind++];
	if (!o->kernel || optind < argc)
		return fprintf(stderr, "hvx run: one --kernel FILE is needed\n"), -1;
	return 0;
}

/* A whole file, refused when larger than max (it could not fit anyway). */
static void *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *buf;

	if (!f || fstat(fileno(f), &st)) {
		fprintf(stderr, "hvx run: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		fprintf(stderr, "hvx run: %s: not a regular, non-empty file\n", path);
		fclose(f);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		fprintf(stderr, "hvx run: %s: %lld bytes cannot fit in %zu MiB of guest memory\n",
			path, (long long)st.st_size, max >> 20);
		fclose(f);
		return NULL;
	}
	buf = malloc(st.st_size);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "hvx run: %s: short read\n", path);
		free(buf);
		buf = NULL;
	}
	*len = st.st_size;
	fclose(f);
	return buf;
}

/* ---- the machine's callbacks ---- */

static void machine_set_irq(struct hvx_machine *m, unsigned int irq, int level)
{
	struct vm_run *r = m->cfg.opaque;

	vmm_irq_line(&r->vm, irq, level);
}

/* The guest ended: every vCPU thread leaves KVM_RUN and stops. */
static void machine_on_end(struct hvx_machine *m)
{
	struct vm_run *r = m->cfg.opaque;
	unsigned int i;

	for (i = 0; i < r->ncpus; i++) {
		r->t[i].vcpu.run->immediate_exit = 1;
		if (r->t[i].started)
			pthread_kill(r->t[i].thread, SIGUSR1);
	}
}

static void hv_error(struct vm_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void hv_error(struct vm_run *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->err_lock);
	if (!r->err[0]) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->err_lock);
	hvx_machine_end(&r->m, HVX_END_ERROR, 0);
}

/* ---- vCPU threads ---- */

/* A look asked for by watch_halt: is this vCPU out of the game for good? */
static void look_at_self(struct vcpu_thread *t)
{
	uint32_t mp = 0;

	if (!atomic_exchange(&t->look, false))
		return;
	if (vmm_get_mp_state(&t->vcpu, &mp))
		return;
	atomic_store(&t->dead, mp == KVM_MP_STATE_UNINITIALIZED ||
		     (mp == KVM_MP_STATE_HALTED && !t->vcpu.run->if_flag));
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct vm_run *r = t->r;
	struct kvm_run *run = t->vcpu.run;
	int e;

	while (hvx_machine_ended(&r->m, NULL) == HVX_END_NONE) {
		e = vmm_run(&t->vcpu);
		if (e == -EINTR || e == -EAGAIN) {	/* a kick, or an AP just got INIT */
			look_at_self(t);
			continue;
		}
		atomic_store(&t->dead, false);
		if (e) {
			hv_error(r, "vCPU %d: KVM_RUN: %s", t->index, strerror(-e));
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (r->o->stats)	/* the vCPUs share the counters' lines */
				atomic_fetch_add_explicit(&r->pio_exits[run->io.port], 1,
							  memory_order_relaxed);
			hvx_machine_pio(&r->m, run->io.port, run->io.direction == KVM_EXIT_IO_IN,
					vmm_io_data(&t->vcpu), run->io.size, run->io.count);
			break;
		case KVM_EXIT_MMIO:
			hvx_machine_mmio(&r->m, run->mmio.phys_addr, run->mmio.is_write,
					 run->mmio.data, run->mmio.len);
			break;
		case KVM_EXIT_HLT:	/* only on the bare machine (no irqchip) */
			hvx_machine_end(&r->m, HVX_END_HALT, 0);
			break;
		case KVM_EXIT_SHUTDOWN:
			hvx_machine_end(&r->m, HVX_END_TRIPLE_FAULT, 0);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
				hvx_machine_end(&r->m, HVX_END_RESET, 0);
			else
				hvx_machine_end(&r->m, HVX_END_POWEROFF, 0);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			hv_error(r, "vCPU %d: entry failed, hardware reason %#llx", t->index,
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			hv_error(r, "vCPU %d: internal error, suberror %u, data %#llx %#llx",
				 t->index, run->internal.suberror,
				 (unsigned long long)(run->internal.ndata > 0 ? run->internal.data[0] : 0),
				 (unsigned long long)(run->internal.ndata > 1 ? run->internal.data[1] : 0));
			break;
		default:
			hv_error(r, "vCPU %d: unhandled exit %s (%u)", t->index,
				 vmm_exit_name(run->exit_reason), run->exit_reason);
			break;
		}
	}
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;	/* only there to make KVM_RUN return -EINTR */
}

/* SIGINT/SIGTERM: end the run as a quit, so the usual clean-up happens. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
	hvx_console_restore_tty();
}

/*
 * The main thread's watch while the vCPUs run: SIGINT/SIGTERM end the
 * run. With the irqchip in the kernel a HLT never comes back to user space:
 * a guest that halts every vCPU with interrupts off (Linux's `halt`) would
 * sleep forever. Four times a second each vCPU thread is kicked and looks
 * at its own MP state; when all have been dead for two looks in a row, the
 * run ends with EXIT_HALT. (A kick costs one exit per vCPU: nothing next
 * to the guest's own timer interrupts.)
 */
static void watch(struct vm_run *r)
{
	struct timespec tick = { .tv_nsec = 250 * 1000 * 1000 };
	unsigned int i, dead_looks = 0;

	while (hvx_machine_ended(&r->m, NULL) == HVX_END_NONE) {
		bool all = true;

		nanosleep(&tick, NULL);
		if (stop_signal) {
			fprintf(stderr, "hvx run: stopped by signal %d\n", (int)stop_signal);
			hvx_machine_end(&r->m, HVX_END_QUIT, 0);
			break;
		}
		if (!r->irqchip)
			continue;
		for (i = 0; i < r->ncpus; i++)
			all &= atomic_load(&r->t[i].dead);
		dead_looks = all ? dead_looks + 1 : 0;
		if (dead_looks >= 2) {
			hvx_machine_end(&r->m, HVX_END_HALT, 0);
			break;
		}
		for (i = 0; i < r->ncpus; i++) {
			atomic_store(&r->t[i].look, true);
			pthread_kill(r->t[i].thread, SIGUSR1);
		}
	}
}

/* ---- set-up ---- */

/*
 * The CPUID table each vCPU gets: everything the hypervisor supports
 * (KVM_GET_SUPPORTED_CPUID), with this vCPU's APIC id where CPUID reports
 * it (leaf 1 EBX[31:24]; leaves 0xB and 0x1F EDX), the logical
 * processor count of leaf 1 set to the vCPU count, and the hypervisor bit
 * (leaf 1 ECX[31]), which KVM's supported table leaves out.
 */
static int set_cpuid(struct vm_run *r, struct kvm_cpuid2 *sup, struct vmm_vcpu *v, int id)
{
	struct kvm_cpuid_entry2 *e;
	uint32_t i;

	for (i = 0; i < sup->nent; i++) {
		e = &sup->entries[i];
		if (e->function == 1) {
			e->ebx = (e->ebx & 0x0000ffff) | ((uint32_t)id << 24) | (r->ncpus << 16);
			e->ecx |= 1u << 31;	/* "hypervisor": KVM leaves it to the VMM */
			if (r->ncpus > 1)
				e->edx |= 1u << 28;	/* HTT: EBX[23:16] is valid */
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = id;
		}
	}
	return vmm_set_cpuid2(v, sup);
}

static int setup_vm(struct vm_run *r, void *ram, uint64_t ram_size, const struct hvx_boot *boot)
{
	const struct run_opts *o = r->o;
	struct kvm_cpuid2 *sup = NULL;
	unsigned int i;
	int e;

	e = vmm_vm_create(&r->vm, o->device);
	if (e) {
		fprintf(stderr, "hvx run: cannot create a VM on %s: %s\n", o->device, strerror(-e));
		return -1;
	}
	if (r->irqchip) {
		/* What VMMs written for KVM do at start (QEMU, kvmtool). */
		if ((e = vmm_set_tss_addr(&r->vm, TSS_ADDR)) ||
		    (e = vmm_set_identity_map_addr(&r->vm, IDENT_ADDR)) ||
		    (e = vmm_create_irqchip(&r->vm)) ||
		    (e = vmm_create_pit2(&r->vm, KVM_PIT_SPEAKER_DUMMY))) {
			fprintf(stderr, "hvx run: setting up the interrupt controllers: %s\n",
				strerror(-e));
			return -1;
		}
	}
	e = vmm_set_region(&r->vm, 0, 0, 0, ram_size, ram);
	if (e) {
		fprintf(stderr, "hvx run: guest memory: %s\n", strerror(-e));
		return -1;
	}
	e = vmm_get_supported_cpuid(&r->vm, &sup);
	for (i = 0; !e && i < r->ncpus; i++) {
		e = vmm_vcpu_create(&r->vm, i, &r->t[i].vcpu);
		if (!e)
			e = set_cpuid(r, sup, &r->t[i].vcpu, i);
	}
	free(sup);
	if (!e)
		e = vmm_set_sregs(&r->t[0].vcpu, &boot->sregs);
	if (!e)
		e = vmm_set_regs(&r->t[0].vcpu, &boot->regs);
	if (e) {
		fprintf(stderr, "hvx run: setting up the vCPUs: %s\n", strerror(-e));
		return -1;
	}
	return 0;
}

/* -v: where each vCPU stopped, for a guest that went wrong. */
static void print_where(struct vcpu_thread *t, unsigned int i)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	uint32_t mp = 0;

	if (vmm_get_regs(&t->vcpu, &regs) || vmm_get_sregs(&t->vcpu, &sregs))
		return;
	vmm_get_mp_state(&t->vcpu, &mp);
	fprintf(stderr, "hvx run: vCPU %u: mp_state %u rip %#llx rsp %#llx rflags %#llx cr0 %#llx "
		"cr3 %#llx cr4 %#llx efer %#llx cs %#x\n", i, mp,
		(unsigned long long)regs.rip, (unsigned long long)regs.rsp,
		(unsigned long long)regs.rflags, (unsigned long long)sregs.cr0,
		(unsigned long long)sregs.cr3, (unsigned long long)sregs.cr4,
		(unsigned long long)sregs.efer, sregs.cs.selector);
}

static int end_status(struct vm_run *r)
{
	int status = EXIT_HV_ERROR;
	enum hvx_end why = hvx_machine_ended(&r->m, &status);

	switch (why) {
	case HVX_END_POWEROFF: status = EXIT_POWEROFF; break;
	case HVX_END_RESET: status = EXIT_RESET; break;
	case HVX_END_HALT: status = EXIT_HALT; break;
	case HVX_END_TRIPLE_FAULT:
		fprintf(stderr, "hvx run: guest triple-faulted (shutdown)\n");
		status = EXIT_TRIPLE;
		break;
	case HVX_END_QUIT: status = EXIT_QUIT; break;
	case HVX_END_DEBUG_EXIT: break;	/* status as the device computed it */
	case HVX_END_ERROR:
	default:
		fprintf(stderr, "hvx run: %s\n", r->err[0] ? r->err : "the hypervisor failed");
		status = EXIT_HV_ERROR;
		break;
	}
	if (r->o->verbose)
		fprintf(stderr, "hvx run: guest ended: %s, exit status %d\n", hvx_end_name(why), status);
	return status;
}

/*
 * --stats: the vCPUs' counters (KVM_GET_STATS_FD), summed, in the shape of
 * kvm_stat's table: every non-zero cumulative counter, largest first,
 * with its share of "exits" for the exit counters.
 */
struct stat_sum {
	const char *name;
	uint64_t total;
};

static int by_total(const void *a, const void *b)
{
	const struct stat_sum *x = a, *y = b;

	return x->total < y->total ? 1 : x->total > y->total ? -1 : strcmp(x->name, y->name);
}

/* The ports with the most exits to user space, busiest first. */
static void print_pio_ports(struct vm_run *r)
{
	enum { TOP = 8 };
	uint32_t top[TOP] = { 0 }, n, total = 0;
	int port[TOP], i, k;

	for (i = 0; i < TOP; i++)
		port[i] = -1;
	for (i = 0; i < 65536; i++) {
		n = atomic_load_explicit(&r->pio_exits[i], memory_order_relaxed);
		total += n;
		if (!n || n <= top[TOP - 1])
			continue;
		for (k = TOP - 1; k > 0 && top[k - 1] < n; k--) {
			top[k] = top[k - 1];
			port[k] = port[k - 1];
		}
		top[k] = n;
		port[k] = i;
	}
	if (!total)
		return;
	fprintf(stderr, "hvx run: port I/O exits to user space: %u, busiest ports\n", total);
	for (i = 0; i < TOP && port[i] >= 0; i++)
		fprintf(stderr, " pio_port_%#06x %17u %6.1f%%\n", port[i], top[i], 100.0 * top[i] / total);
}

static void print_stats(struct vm_run *r)
{
	struct vmm_stats s[MAX_CPUS];
	struct stat_sum *sum = NULL;
	uint64_t exits = 0;
	int i, j, n = 0, opened = 0;

	for (i = 0; i < (int)r->ncpus; i++) {
		if (vmm_stats_open(&s[i], r->t[i].vcpu.fd) || vmm_stats_read(&s[i])) {
			fprintf(stderr, "hvx run: no statistics from %s\n", r->o->device);
			break;
		}
		opened++;
	}
	if (opened == (int)r->ncpus && (sum = calloc(s[0].n, sizeof(*sum)))) {
		for (j = 0; j < s[0].n; j++) {
			uint32_t type = s[0].stat[j].flags & KVM_STATS_TYPE_MASK;
			uint64_t v = 0;

			if (type != KVM_STATS_TYPE_CUMULATIVE || s[0].stat[j].size != 1)
				continue;
			for (i = 0; i < opened; i++) {
				const struct vmm_stat *x = vmm_stats_find(&s[i], s[0].stat[j].name);

				if (x)
					v += x->value;
			}
			if (!strcmp(s[0].stat[j].name, "exits"))
				exits = v;
			if (v)
				sum[n++] = (struct stat_sum){ s[0].stat[j].name, v };
		}
		qsort(sum, n, sizeof(*sum), by_total);
		fprintf(stderr, "hvx run: counters of %u vCPU%s on %s (%s)\n %-28s %12s %7s\n",
			r->ncpus, r->ncpus > 1 ? "s" : "", r->o->device, s[0].id, "Event", "Total",
			"%Total");
		for (j = 0; j < n; j++) {
			bool is_exit = strstr(sum[j].name, "exit") && strcmp(sum[j].name, "exits");

			if (is_exit && exits)
				fprintf(stderr, " %-28s %12llu %6.1f%%\n", sum[j].name,
					(unsigned long long)sum[j].total, 100.0 * sum[j].total / exits);
			else
				fprintf(stderr, " %-28s %12llu\n", sum[j].name,
					(unsigned long long)sum[j].total);
		}
	}
	free(sum);
	for (i = 0; i < opened; i++)
		vmm_stats_close(&s[i]);
	print_pio_ports(r);
}

/*
 * A multiboot kernel's modules from QEMU's -initrd syntax: pieces split
 * at commas, each "FILE[ ARGS]", the whole piece the module's string (as
 * GRUB's "module FILE ARGS" line). -1 after saying why.
 */
struct mb_modules {
	struct hvx_module mod[HVX_MB_MAX_MODULES];
	char *pieces;		/* the strings, NUL-separated */
	unsigned int n;
};

static int read_modules(const char *list, size_t max, struct mb_modules *m)
{
	char *p, *save = NULL, *path;
	size_t len;

	m->n = 0;
	m->pieces = strdup(list);
	if (!m->pieces)
		return fprintf(stderr, "hvx run: out of memory\n"), -1;
	for (p = strtok_r(m->pieces, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (m->n == HVX_MB_MAX_MODULES) {
			fprintf(stderr, "hvx run: --initrd: more than %d modules\n", HVX_MB_MAX_MODULES);
			return -1;
		}
		path = strndup(p, strcspn(p, " "));
		if (!path)
			return fprintf(stderr, "hvx run: out of memory\n"), -1;
		m->mod[m->n].data = read_file(path, max, &len);
		free(path);
		if (!m->mod[m->n].data)
			return -1;
		m->mod[m->n].len = len;
		m->mod[m->n].string = p;
		m->n++;
	}
	if (!m->n)
		return fprintf(stderr, "hvx run: --initrd: no module named\n"), -1;
	return 0;
}

static void free_modules(struct mb_modules *m)
{
	while (m->n)
		free((void *)m->mod[--m->n].data);
	free(m->pieces);
}

int cmd_run(int argc, char **argv)
{
	static struct vm_run r;
	struct hvx_boot_cfg cfg = { 0 };
	struct hvx_machine_config mc = { 0 };
	struct hvx_console *con = NULL;
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct run_opts o;
	struct hvx_boot boot;
	struct hvx_ram ram;
	char err[256], *mb_cmdline = NULL;
	struct mb_modules mods = { .n = 0 };
	void *kernel, *initrd = NULL;
	enum hvx_image_kind kind;
	size_t klen = 0, ilen = 0;
	unsigned int i;
	int status;

	if (parse(argc, argv, &o))
		return usage(stderr);
	memset(&r, 0, sizeof(r));
	r.o = &o;
	pthread_mutex_init(&r.err_lock, NULL);

	/* Everything about the images is checked before any VM exists. */
	kernel = read_file(o.kernel, HVX_RAM_MAX, &klen);
	if (!kernel)
		return EXIT_SETUP;
	kind = hvx_image_detect(kernel, klen);
	r.irqchip = kind != HVX_IMAGE_FLAT;
	if (!o.mem_mb)
		o.mem_mb = r.irqchip ? 256 : 16;
	if (!r.irqchip && o.cpus > 1) {
		fprintf(stderr, "hvx run: %s is a flat binary: it runs on one vCPU\n", o.kernel);
		return EXIT_SETUP;
	}
	if (kind == HVX_IMAGE_MULTIBOOT) {
		/* GRUB and QEMU give a multiboot kernel its own file name first. */
		if (asprintf(&mb_cmdline, "%s%s%s", o.kernel, o.cmdline ? " " : "",
			     o.cmdline ? o.cmdline : "") < 0)
			return EXIT_SETUP;
		o.cmdline = mb_cmdline;
		if (o.initrd && read_modules(o.initrd, o.mem_mb << 20, &mods))
			return EXIT_SETUP;
	} else if (o.initrd && !(initrd = read_file(o.initrd, o.mem_mb << 20, &ilen))) {
		return EXIT_SETUP;
	}
	ram.size = o.mem_mb << 20;
	ram.base = mmap(NULL, ram.size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram.base == MAP_FAILED) {
		fprintf(stderr, "hvx run: cannot map %lu MiB of guest memory: %s\n", o.mem_mb,
			strerror(errno));
		return EXIT_SETUP;
	}
	cfg = (struct hvx_boot_cfg){
		.kernel = kernel, .kernel_len = klen, .initrd = initrd, .initrd_len = ilen,
		.cmdline = o.cmdline, .ncpus = o.cpus, .flat_load = o.load,
		.modules = mods.mod, .nmodules = mods.n,
	};
	if (hvx_load_image(&ram, &cfg, &boot, err, sizeof(err))) {
		fprintf(stderr, "hvx run: %s: %s\n", o.kernel, err);
		return EXIT_SETUP;
	}
	free(kernel);
	free(initrd);
	free_modules(&mods);
	free(mb_cmdline);
	if (o.verbose)
		fprintf(stderr, "hvx run: %s loaded as %s, %lu MiB, %u vCPU%s, on %s\n", o.kernel,
			boot.kind, o.mem_mb, o.cpus, o.cpus > 1 ? "s" : "", o.device);

	r.ncpus = o.cpus;
	for (i = 0; i < r.ncpus; i++)
		r.t[i] = (struct vcpu_thread){ .r = &r, .index = i };
	if (setup_vm(&r, ram.base, ram.size, &boot)) {
		vmm_vm_destroy(&r.vm);
		return EXIT_SETUP;
	}
	mc = (struct hvx_machine_config){
		.ncpus = r.ncpus, .ram_size = ram.size, .serial_out_fd = STDOUT_FILENO,
		.set_irq = r.irqchip ? machine_set_irq : NULL, .on_end = machine_on_end,
		.opaque = &r,
	};
	if (hvx_machine_init(&r.m, &mc)) {
		fprintf(stderr, "hvx run: cannot set up the devices\n");
		return EXIT_SETUP;
	}
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN must return */
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (hvx_console_start(&con, &r.m, STDIN_FILENO))
		con = NULL;	/* no console input; output still works */

	for (i = 0; i < r.ncpus; i++) {
		if (pthread_create(&r.t[i].thread, NULL, vcpu_main, &r.t[i])) {
			hv_error(&r, "cannot start a thread for vCPU %u", i);
			break;
		}
		r.t[i].started = true;
	}
	if (i == r.ncpus)
		watch(&r);
	for (i = 0; i < r.ncpus; i++)
		if (r.t[i].started)
			pthread_join(r.t[i].thread, NULL);
	hvx_console_stop(con);
	status = end_status(&r);
	if (o.verbose)
		for (i = 0; i < r.ncpus; i++)
			print_where(&r.t[i], i);
	if (o.stats)
		print_stats(&r);
	for (i = 0; i < r.ncpus; i++)
		vmm_vcpu_destroy(&r.t[i].vcpu);
	hvx_machine_destroy(&r.m);
	vmm_vm_destroy(&r.vm);
	munmap(ram.base, ram.size);
	return status;
}
