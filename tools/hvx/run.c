// SPDX-License-Identifier: GPL-2.0
/*
 * hvx run: load a guest and run it on /dev/hvx (or /dev/kvm) with the
 * devices of devices/. This first version loads flat binaries and starts
 * them in real mode at CS:IP = 0:load address.
 *
 * Process exit status, one per way a guest ends:
 *   (v << 1) | 1   the guest wrote v to the debug-exit port 0xf4
 *   0              the guest halted (HLT)
 *   2              triple fault (KVM_EXIT_SHUTDOWN)
 *   4              the hypervisor could not run it (FAIL_ENTRY, INTERNAL_ERROR, ...)
 *   6              hvx could not set up the VM
 *   64             usage error
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmm.h"
#include "cmds.h"
#include "devices/devices.h"

enum { EXIT_HALT = 0, EXIT_TRIPLE = 2, EXIT_HV_ERROR = 4, EXIT_SETUP = 6, EXIT_USAGE = 64 };

struct run_opts {
	const char *device;
	const char *kernel;
	unsigned long mem_mb;
	unsigned long load;
	bool verbose;
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: hvx run [OPTIONS] --kernel FILE\n"
		"  --kernel FILE     flat binary to load\n"
		"  --device PATH     /dev/hvx (default) or /dev/kvm\n"
		"  --mem MB          guest memory in MiB (default 16)\n"
		"  --load ADDR       load and entry address (default 0x8000; real mode)\n"
		"  -v, --verbose     say how the guest ended\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "device", required_argument, NULL, 'd' },
		{ "mem", required_argument, NULL, 'm' },
		{ "load", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	*o = (struct run_opts){ .device = "/dev/hvx", .mem_mb = 16, .load = 0x8000 };
	while ((c = getopt_long(argc, argv, "k:d:m:l:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'd': o->device = optarg; break;
		case 'v': o->verbose = true; break;
		case 'm':
			o->mem_mb = strtoul(optarg, &end, 0);
			if (*end || !o->mem_mb || o->mem_mb > 65536)
				return fprintf(stderr, "hvx run: bad --mem '%s'\n", optarg), -1;
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

/* Read the whole image, refusing one that cannot fit before any VM exists. */
static void *read_image(const struct run_opts *o, size_t *len)
{
	FILE *f = fopen(o->kernel, "rb");
	struct stat st;
	void *buf;

	if (!f || fstat(fileno(f), &st)) {
		fprintf(stderr, "hvx run: %s: %s\n", o->kernel, strerror(errno));
		return NULL;
	}
	if (!st.st_size || (unsigned long)st.st_size > (o->mem_mb << 20) - o->load) {
		fprintf(stderr, "hvx run: %s: %lld bytes do not fit at %#lx in %lu MiB\n",
			o->kernel, (long long)st.st_size, o->load, o->mem_mb);
		fclose(f);
		return NULL;
	}
	buf = malloc(st.st_size);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "hvx run: %s: short read\n", o->kernel);
		free(buf);
		buf = NULL;
	}
	*len = st.st_size;
	fclose(f);
	return buf;
}

static int handle_io(struct hvx_machine *m, struct vmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = vmm_io_data(vcpu);
	const struct hvx_device *dev = hvx_device_at(run->io.port);
	bool in = run->io.direction == KVM_EXIT_IO_IN;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (dev)
			dev->io(m, run->io.port, in, data, run->io.size);
		else if (in)	/* nothing there: the bus floats high */
			memset(data, 0xff, run->io.size);
	}
	return 0;
}

static int run_loop(const struct run_opts *o, struct vmm_vcpu *vcpu)
{
	struct hvx_machine m = { 0 };
	struct kvm_run *run = vcpu->run;
	int r;

	for (;;) {
		r = vmm_run(vcpu);
		if (r == -EINTR)
			continue;
		if (r) {
			fprintf(stderr, "hvx run: KVM_RUN: %s\n", strerror(-r));
			return EXIT_HV_ERROR;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(&m, vcpu);
			if (m.exit_requested) {
				if (o->verbose)
					fprintf(stderr, "hvx run: guest exited through debug-exit, status %d\n",
						m.exit_status);
				return m.exit_status;
			}
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)	/* no MMIO device: reads float high */
				memset(run->mmio.data, 0xff, run->mmio.len);
			break;
		case KVM_EXIT_HLT:
			if (o->verbose)
				fprintf(stderr, "hvx run: guest halted\n");
			return EXIT_HALT;
		case KVM_EXIT_SHUTDOWN:
			fprintf(stderr, "hvx run: guest triple-faulted (shutdown)\n");
			return EXIT_TRIPLE;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "hvx run: entry failed, hardware reason %#llx\n",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return EXIT_HV_ERROR;
		default:
			fprintf(stderr, "hvx run: unhandled exit %s (%u)\n",
				vmm_exit_name(run->exit_reason), run->exit_reason);
			return EXIT_HV_ERROR;
		}
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct vmm_vm vm;
	struct vmm_vcpu vcpu;
	size_t len = 0;
	void *img;
	int r;

	if (parse(argc, argv, &o))
		return usage(stderr);
	img = read_image(&o, &len);
	if (!img)
		return EXIT_SETUP;
	r = vmm_vm_create(&vm, o.device);
	if (r) {
		fprintf(stderr, "hvx run: cannot create a VM on %s: %s\n", o.device, strerror(-r));
		return EXIT_SETUP;
	}
	r = vmm_add_memory(&vm, 0, 0, o.mem_mb << 20, 0, NULL);
	if (!r)
		r = vmm_load(&vm, o.load, img, len);
	if (!r)
		r = vmm_vcpu_create(&vm, 0, &vcpu);
	if (!r)
		r = vmm_setup_real_mode(&vcpu, o.load);
	free(img);
	if (r) {
		fprintf(stderr, "hvx run: setting up the VM: %s\n", strerror(-r));
		vmm_vm_destroy(&vm);
		return EXIT_SETUP;
	}
	r = run_loop(&o, &vcpu);
	vmm_vcpu_destroy(&vcpu);
	vmm_vm_destroy(&vm);
	return r;
}
