// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - `hvx probe`: can this machine run hvx, and if not, why?
 *
 * Gathers raw facts (CPUID, MSRs through the msr driver, CR0/CR4/EFER
 * from hvx.ko's cpu_state when it is loaded) and hands them to
 * probe_eval(), which holds all the rules.  A value that cannot be read
 * is recorded as unknown with the reason; nothing is ever guessed.
 *
 * Exit status: 0 hvx can run here, 1 it cannot, 2 a needed check could
 * not be made, 64 usage error.
 */
#define _FILE_OFFSET_BITS 64	/* MSR indexes past 2^31 are file offsets */

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "probe_eval.h"

#define EXIT_USAGE	64
#ifndef MSR_DEV		/* overridable for testing the reads by hand */
#define MSR_DEV		"/dev/cpu/0/msr"
#endif
#define MAX_FILE	(1 << 20)

#define BIT(n)		(1ULL << (n))

/* Large (per-CPU state): keep them off the stack. */
static struct probe_facts facts;
static struct probe_report report;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvx probe [--json] [--facts FILE] [--dump-facts]\n"
		"\n"
		"Says whether hvx can run on this machine, and why not.\n"
		"\n"
		"  --json        print one JSON object instead of text\n"
		"  --facts FILE  evaluate recorded facts instead of this machine\n"
		"  --dump-facts  print what was gathered, as a facts file, and stop\n"
		"  --help        this text\n"
		"\n"
		"MSRs are read from " MSR_DEV " (root); CR0/CR4 come from\n"
		PROBE_CPU_STATE_PATH " when hvx.ko is loaded.\n"
		"Exit status: 0 can run, 1 cannot, 2 cannot confirm, 64 usage.\n");
}

/* ------------------------------------------------------------- CPUID */

static void cpuid_record(struct probe_facts *f, enum probe_cpuid_id id)
{
	unsigned int a, b, c, d;

	__cpuid_count(probe_cpuid_leaves[id], 0, a, b, c, d);
	probe_set_cpuid(f, id, a, b, c, d);
}

/*
 * Leaves past the maximum the CPU reports return other leaves' data (SDM
 * Vol. 2A, CPUID), and 0x40000000 means something only when CPUID.1:ECX
 * [31] says a hypervisor is present: query only the leaves that exist.
 */
static void gather_cpuid(struct probe_facts *f)
{
	uint32_t max, max_ext;
	int id;

	cpuid_record(f, PROBE_CPUID_0);
	cpuid_record(f, PROBE_CPUID_X0);
	max = f->cpuid[PROBE_CPUID_0].eax;
	max_ext = f->cpuid[PROBE_CPUID_X0].eax;
	for (id = 0; id < PROBE_NCPUID; id++) {
		uint32_t leaf = probe_cpuid_leaves[id];

		if (id == PROBE_CPUID_0 || id == PROBE_CPUID_X0 ||
		    id == PROBE_CPUID_HV)
			continue;
		if (leaf < 0x80000000 ? leaf <= max : leaf <= max_ext)
			cpuid_record(f, id);
	}
	if (f->cpuid[PROBE_CPUID_1].present &&
	    (f->cpuid[PROBE_CPUID_1].ecx & BIT(31)))
		cpuid_record(f, PROBE_CPUID_HV);
}

/* -------------------------------------------------------------- MSRs */

struct msr_dev {
	bool tried;
	int fd;
	char why[PROBE_WHY_MAX];
};

static void msr_open_why(struct msr_dev *m, int err)
{
	if (err == ENOENT || err == ENODEV)
		snprintf(m->why, sizeof(m->why),
			 "no msr driver (" MSR_DEV " missing)");
	else if ((err == EACCES || err == EPERM) && geteuid() != 0)
		snprintf(m->why, sizeof(m->why),
			 "permission denied (run as root)");
	else if (err == EACCES || err == EPERM)
		snprintf(m->why, sizeof(m->why), "permission denied although "
			 "root (no CAP_SYS_RAWIO, e.g. in a container?)");
	else
		snprintf(m->why, sizeof(m->why), "cannot open " MSR_DEV ": %s",
			 strerror(err));
}

/* Open the msr device once; load the msr module once if it is missing. */
static void msr_open(struct msr_dev *m)
{
	m->tried = true;
	m->fd = open(MSR_DEV, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0 && errno == ENOENT) {
		if (system("modprobe msr 2>/dev/null") == -1)
			errno = ENOENT;
		m->fd = open(MSR_DEV, O_RDONLY | O_CLOEXEC);
	}
	if (m->fd < 0)
		msr_open_why(m, errno);
}

static void msr_read(struct msr_dev *m, struct probe_facts *f,
		     enum probe_msr_id id)
{
	char why[PROBE_WHY_MAX];
	uint64_t v;
	ssize_t n;

	if (!m->tried)
		msr_open(m);
	if (m->fd < 0) {
		probe_set_unknown(&f->msr[id], m->why);
		return;
	}
	/* The msr driver: file offset = MSR index, 8 bytes per read. */
	n = pread(m->fd, &v, sizeof(v), (off_t)probe_msrs[id].index);
	if (n == (ssize_t)sizeof(v)) {
		probe_set_val(&f->msr[id], v, NULL);
		return;
	}
	if (n < 0 && errno == EIO)
		snprintf(why, sizeof(why),
			 "MSR not implemented (read fails with EIO)");
	else if (n < 0)
		snprintf(why, sizeof(why), "read failed: %s", strerror(errno));
	else
		snprintf(why, sizeof(why), "short read (%zd bytes)", n);
	probe_set_unknown(&f->msr[id], why);
}

static void msr_skip(struct probe_facts *f, enum probe_msr_id id,
		     const char *why)
{
	probe_set_unknown(&f->msr[id], why);
}

/* Skip the MSRs of one vendor, all with the same reason. */
static void msr_skip_vendor(struct probe_facts *f, enum probe_vendor v,
			    const char *why)
{
	int id;

	for (id = 0; id < PROBE_NMSR; id++)
		if (probe_msrs[id].vendor == v)
			msr_skip(f, id, why);
}

static void gather_amd_msrs(struct msr_dev *m, struct probe_facts *f)
{
	bool svm = f->cpuid[PROBE_CPUID_X1].present &&
		   (f->cpuid[PROBE_CPUID_X1].ecx & BIT(2));

	msr_read(m, f, PROBE_MSR_EFER);
	msr_read(m, f, PROBE_MSR_SYSCFG);
	if (!svm) {
		msr_skip(f, PROBE_MSR_VM_CR, "not read: CPUID reports no SVM");
		msr_skip(f, PROBE_MSR_VM_HSAVE_PA,
			 "not read: CPUID reports no SVM");
		return;
	}
	msr_read(m, f, PROBE_MSR_VM_CR);
	msr_read(m, f, PROBE_MSR_VM_HSAVE_PA);
}

/* IA32_VMX_PROCBASED_CTLS2 exists only if bit 63 of PROCBASED_CTLS is 1. */
static void gather_vmx_ctls2(struct msr_dev *m, struct probe_facts *f)
{
	const struct probe_val *pb = &f->msr[PROBE_MSR_VMX_PROCBASED];
	const struct probe_val *p2 = &f->msr[PROBE_MSR_VMX_PROCBASED2];

	if (!pb->known)
		msr_skip(f, PROBE_MSR_VMX_PROCBASED2,
			 "not read: IA32_VMX_PROCBASED_CTLS unknown");
	else if (!(pb->v & BIT(63)))
		msr_skip(f, PROBE_MSR_VMX_PROCBASED2, "not read: "
			 "IA32_VMX_PROCBASED_CTLS bit 63 = 0 (no secondary controls)");
	else
		msr_read(m, f, PROBE_MSR_VMX_PROCBASED2);
	/* EPT_VPID_CAP exists only if EPT (bit 33) or VPID (bit 37) can be 1 */
	if (!p2->known)
		msr_skip(f, PROBE_MSR_VMX_EPT_VPID_CAP,
			 "not read: IA32_VMX_PROCBASED_CTLS2 unknown");
	else if (p2->v & (BIT(33) | BIT(37)))
		msr_read(m, f, PROBE_MSR_VMX_EPT_VPID_CAP);
	else
		msr_skip(f, PROBE_MSR_VMX_EPT_VPID_CAP,
			 "not read: neither EPT nor VPID can be enabled");
}

/* The TRUE_* controls exist only if IA32_VMX_BASIC bit 55 is 1. */
static void gather_vmx_true(struct msr_dev *m, struct probe_facts *f)
{
	const struct probe_val *b = &f->msr[PROBE_MSR_VMX_BASIC];
	int id;

	for (id = PROBE_MSR_VMX_TRUE_PINBASED;
	     id <= PROBE_MSR_VMX_TRUE_ENTRY; id++) {
		if (b->known && (b->v & BIT(55)))
			msr_read(m, f, id);
		else
			msr_skip(f, id, "not read: IA32_VMX_BASIC bit 55 = 0 "
				 "or unknown (no TRUE controls)");
	}
}

static void gather_intel_msrs(struct msr_dev *m, struct probe_facts *f)
{
	bool vmx = f->cpuid[PROBE_CPUID_1].present &&
		   (f->cpuid[PROBE_CPUID_1].ecx & BIT(5));
	int id;

	if (!vmx) {
		msr_skip_vendor(f, PROBE_VENDOR_INTEL,
				"not read: CPUID reports no VMX");
		return;
	}
	for (id = PROBE_MSR_FEATURE_CONTROL;
	     id <= PROBE_MSR_VMX_CR4_FIXED1; id++)
		msr_read(m, f, id);
	gather_vmx_ctls2(m, f);
	gather_vmx_true(m, f);
}

static void gather_msrs(struct probe_facts *f)
{
	const struct probe_cpuid *c0 = &f->cpuid[PROBE_CPUID_0];
	struct msr_dev m = { .tried = false, .fd = -1 };
	char vendor[13];

	memcpy(vendor, &c0->ebx, 4);
	memcpy(vendor + 4, &c0->edx, 4);
	memcpy(vendor + 8, &c0->ecx, 4);
	vendor[12] = '\0';
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")) {
		gather_amd_msrs(&m, f);
		msr_skip_vendor(f, PROBE_VENDOR_INTEL, "not read: not an Intel CPU");
	} else if (!strcmp(vendor, "GenuineIntel")) {
		gather_intel_msrs(&m, f);
		msr_skip_vendor(f, PROBE_VENDOR_AMD, "not read: not an AMD CPU");
	} else {
		msr_skip_vendor(f, PROBE_VENDOR_AMD, "not read: unsupported vendor");
		msr_skip_vendor(f, PROBE_VENDOR_INTEL, "not read: unsupported vendor");
	}
	if (m.fd >= 0)
		close(m.fd);
}

/* --------------------------------------------------------- cpu_state */

/* Read a whole (small) file as a string; NULL with errno on failure. */
static char *read_file(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	FILE *in = fopen(path, "r");
	char *nb;
	size_t n;

	if (!in || !buf) {
		int err = errno;

		free(buf);
		if (in)
			fclose(in);
		errno = err;
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, in)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		if (cap >= MAX_FILE || !(nb = realloc(buf, cap * 2))) {
			free(buf);
			fclose(in);
			errno = EFBIG;
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	buf[len] = '\0';
	fclose(in);
	return buf;
}

static void cpu_state_unknown(struct probe_facts *f, const char *why)
{
	f->ncpus = 0;
	f->ncpus_seen = 0;
	probe_set_unknown(&f->cr0, why);
	probe_set_unknown(&f->cr4, why);
	probe_set_unknown(&f->efer, why);
}

/*
 * User space cannot read CR0 (without it being stale) or CR4 at all;
 * hvx.ko publishes them with EFER per CPU.  Without it, EFER still comes
 * from its MSR and CR0/CR4 stay unknown with PROBE_CR_WHY_DEFAULT.
 */
static void gather_cpu_state(struct probe_facts *f)
{
	char err[120], why[PROBE_WHY_MAX];
	char *text = read_file(PROBE_CPU_STATE_PATH);

	if (!text) {
		if (errno == ENOENT)
			return;
		snprintf(why, sizeof(why), "hvx.ko cpu_state unreadable: %s",
			 strerror(errno));
		cpu_state_unknown(f, why);
		return;
	}
	if (probe_parse_cpu_state(f, text, err, sizeof(err))) {
		snprintf(why, sizeof(why), "hvx.ko cpu_state malformed: %s", err);
		cpu_state_unknown(f, why);
	} else if (!f->cr0.known) {
		snprintf(why, sizeof(why), "hvx.ko cpu_state has no cpu=0 line");
		probe_set_unknown(&f->cr0, why);
		probe_set_unknown(&f->cr4, why);
	}
	free(text);
}

/* ----------------------------------------------------------- command */

static int load_facts(struct probe_facts *f, const char *path)
{
	char err[256];
	char *text = read_file(path);
	int ret;

	if (!text) {
		fprintf(stderr, "hvx probe: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = probe_parse_facts(f, text, err, sizeof(err));
	if (ret)
		fprintf(stderr, "hvx probe: %s: %s\n", path, err);
	free(text);
	return ret;
}

static void gather(struct probe_facts *f)
{
	gather_cpuid(f);
	gather_msrs(f);
	gather_cpu_state(f);
}

struct probe_opts {
	bool json;
	bool dump;
	const char *facts;
};

/* 0 to go on, 1 if --help was printed, -1 on a usage error. */
static int parse_args(int argc, char **argv, struct probe_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--dump-facts")) {
			o->dump = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--facts") && i + 1 < argc) {
			o->facts = argv[++i];
		} else if (!strncmp(a, "--facts=", 8) && a[8]) {
			o->facts = a + 8;
		} else {
			fprintf(stderr, "hvx probe: %s '%s'\n",
				strcmp(a, "--facts") ? "unknown argument" :
				"missing FILE after", a);
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_opts o = { .json = false, .dump = false, .facts = NULL };
	int ret = parse_args(argc, argv, &o);

	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	probe_facts_init(&facts);
	if (o.facts) {
		if (load_facts(&facts, o.facts))
			return EXIT_USAGE;
	} else {
		gather(&facts);
	}
	if (o.dump) {
		probe_dump_facts(&facts, stdout);
		return 0;
	}
	probe_eval(&facts, &report);
	if (o.json)
		probe_render_json(&report, stdout);
	else
		probe_render_text(&report, stdout);
	fflush(stdout);
	return (int)report.verdict;
}
