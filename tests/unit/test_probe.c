// SPDX-License-Identifier: GPL-2.0
/*
 * test_probe.c - host-only tests of tools/hvx/probe_eval.c.
 *
 * Every verdict of APM Vol. 2, 15.4 "Enabling SVM" and of SDM Vol. 3C,
 * 24.7 "Enabling and Entering VMX Operation" is replayed from recorded
 * facts (tests/unit/probe-fixtures/NAME.facts plus override lines: a later
 * fact replaces an earlier one), and checked both on the report fields
 * and on the rendered text / JSON.  Run from the repository root.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_eval.h"

#define FIXTURES "tests/unit/probe-fixtures/"

static unsigned int npass, nfail;
static char failmsg[1024];

/* Record the first failure of the running test and leave it. */
#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		fail_at(__LINE__, "%s", #cond);				\
		return;							\
	}								\
} while (0)

#define EXPECT_IN(hay, needle) do {					\
	if (!strstr((hay), (needle))) {					\
		fail_at(__LINE__, "\"%s\" not found in %s", (needle), #hay); \
		return;							\
	}								\
} while (0)

#define EXPECT_NOT_IN(hay, needle) do {					\
	if (strstr((hay), (needle))) {					\
		fail_at(__LINE__, "\"%s\" unexpectedly in %s", (needle), #hay); \
		return;							\
	}								\
} while (0)

static void fail_at(int line, const char *fmt, ...)
{
	int n = snprintf(failmsg, sizeof(failmsg), "line %d: ", line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(failmsg + n, sizeof(failmsg) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void run(const char *name, void (*fn)(void))
{
	failmsg[0] = '\0';
	fn();
	if (failmsg[0]) {
		printf("FAIL %s: %s\n", name, failmsg);
		nfail++;
	} else {
		printf("ok %s\n", name);
		npass++;
	}
}

/* ----------------------------------------------------------- helpers */

static struct probe_facts F;
static struct probe_report R;
static char text[32768];	/* rendered text of the last eval */
static char json[32768];	/* rendered JSON of the last eval */
static char perr[320];

static char *slurp(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void render(void)
{
	FILE *f = fmemopen(text, sizeof(text), "w");

	probe_render_text(&R, f);
	fclose(f);
	text[sizeof(text) - 1] = '\0';
	f = fmemopen(json, sizeof(json), "w");
	probe_render_json(&R, f);
	fclose(f);
	json[sizeof(json) - 1] = '\0';
}

/* Facts = fixture (may be NULL) then extra lines; eval and render. */
static int load(const char *fixture, const char *extra)
{
	char path[128];
	const char *t;

	probe_facts_init(&F);
	perr[0] = '\0';
	if (fixture) {
		snprintf(path, sizeof(path), FIXTURES "%s", fixture);
		t = slurp(path);
		if (!t) {
			snprintf(perr, sizeof(perr), "cannot read %s", path);
			return -1;
		}
		if (probe_parse_facts(&F, t, perr, sizeof(perr)))
			return -1;
	}
	if (extra && probe_parse_facts(&F, extra, perr, sizeof(perr)))
		return -1;
	probe_eval(&F, &R);
	render();
	return 0;
}

#define LOAD(fixture, extra) do {					\
	if (load((fixture), (extra))) {					\
		fail_at(__LINE__, "facts: %s", perr);			\
		return;							\
	}								\
} while (0)

/* ------------------------------------------- a small JSON validator */

/* RFC 8259 grammar, enough to reject what a broken renderer would emit. */
static const char *jv_value(const char *p, int depth);

static const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *jv_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\')
			continue;
		p++;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
					return NULL;
			p += 4;
		} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
			return NULL;
		}
	}
	return p + 1;
}

static const char *jv_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else
		while (*p >= '0' && *p <= '9')
			p++;
	return p == s ? NULL : p;
}

static const char *jv_members(const char *p, int depth, char close)
{
	p = jv_ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		p = jv_ws(p);
		if (close == '}') {
			p = jv_string(p);
			if (!p)
				return NULL;
			p = jv_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = jv_value(p, depth + 1);
		if (!p)
			return NULL;
		p = jv_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *jv_value(const char *p, int depth)
{
	p = jv_ws(p);
	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[')
		return jv_members(p + 1, depth, *p == '{' ? '}' : ']');
	if (*p == '"')
		return jv_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return jv_number(p);
}

static int json_valid(const char *s)
{
	const char *p = jv_value(s, 0);

	return p && *jv_ws(p) == '\0' && *jv_ws(s) == '{';
}

/* --------------------------------------------------------- AMD tests */

static void amd_allowed_tcg(void)
{
	LOAD("amd-tcg.facts", NULL);
	EXPECT(R.vendor_kind == PROBE_VENDOR_AMD);
	EXPECT(!strcmp(R.vendor, "AuthenticAMD"));
	EXPECT(R.hypervisor);
	EXPECT(R.hv_sig_known && !strcmp(R.hv_sig, "TCGTCGTCGTCG"));
	EXPECT(R.amd.svm);
	EXPECT(R.amd.state == PROBE_SVM_ALLOWED);
	EXPECT(R.amd.svmdis.v == PROBE_NO && R.amd.vm_cr_lock.v == PROBE_NO);
	EXPECT(!R.amd.svml);
	EXPECT(R.amd.npt);
	EXPECT(R.amd.revision == 1 && R.amd.nasid == 16);
	EXPECT(R.amd.features == 0x10001);
	EXPECT(R.owned.v == PROBE_NO);
	EXPECT(R.efer.known && R.efer.v == 0xd01);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT(!strcmp(R.verdict_text, "hvx can run here (SVM)"));
	EXPECT_IN(text, "hvx can run here (SVM)");
	EXPECT_IN(text, "signature \"TCGTCGTCGTCG\"");
	EXPECT_IN(text, "SVM allowed");
	/* features listed by name, present and absent */
	EXPECT_IN(text, "NP                       present");
	EXPECT_IN(text, "VGIF                     present");
	EXPECT_IN(text, "NRIPS                    absent");
	EXPECT_IN(text, "CR4:");
	EXPECT_IN(text, "load hvx.ko to check");
	/* max extended leaf 0x8000000a: no memory encryption leaf */
	EXPECT(!R.amd.mem_leaf);
	EXPECT_IN(text, "Fn8000_001F:");
	EXPECT(R.amd.mem_enc_mod_en.v == PROBE_UNKNOWN);
	EXPECT_IN(R.amd.mem_enc_mod_en.why, "MSR not implemented");
	EXPECT_IN(text, "nested hypervisor");
	EXPECT_NOT_IN(text, "Intel VMX");
}

static void amd_no_svm(void)
{
	LOAD("amd-tcg.facts",
	     "cpuid 0x80000001 0 0x663 0 0x61 0x2191abff  # SVM bit clear\n");
	EXPECT(!R.amd.svm);
	EXPECT(R.amd.state == PROBE_SVM_NOT_AVAILABLE);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "SVM not available");
	EXPECT_IN(text, "hvx cannot run here: SVM not available");
	/* under a hypervisor: say that it is the outer one not offering SVM */
	EXPECT_IN(text, "does not offer nested SVM");
}

static void amd_disabled_bios(void)
{
	LOAD("amd-tcg.facts", "msr 0xc0010114 0x10   # SVMDIS=1\n");
	EXPECT(R.amd.svmdis.v == PROBE_YES);
	EXPECT(R.amd.state == PROBE_SVM_DISABLED_BIOS);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "disabled by firmware (BIOS)");
	EXPECT_IN(R.reason, "no key can unlock it");
	EXPECT_IN(text, "enable SVM in the firmware setup");
}

static void amd_disabled_key(void)
{
	LOAD("amd-tcg.facts",
	     "msr 0xc0010114 0x18   # SVMDIS=1, LOCK=1\n"
	     "cpuid 0x8000000a 0 0x1 0x10 0 0x10005   # NP SVML VGIF\n");
	EXPECT(R.amd.svml);
	EXPECT(R.amd.vm_cr_lock.v == PROBE_YES);
	EXPECT(R.amd.state == PROBE_SVM_DISABLED_KEY);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "disabled with a key");
	EXPECT_IN(text, "SVM_KEY MSR C001_0118h");
	EXPECT_IN(text, "SVML                     present");
}

static void amd_vm_cr_unreadable(void)
{
	LOAD("amd-tcg.facts",
	     "msr 0xc0010114 unknown permission denied (run as root)\n"
	     "msr 0xc0000080 unknown permission denied (run as root)\n");
	EXPECT(R.amd.state == PROBE_SVM_UNKNOWN);
	EXPECT(R.amd.svmdis.v == PROBE_UNKNOWN);
	EXPECT(R.verdict == PROBE_UNCONFIRMED);
	EXPECT((int)R.verdict == 2);
	EXPECT_IN(R.unsure, "VM_CR");
	EXPECT_IN(R.unsure, "permission denied (run as root)");
	EXPECT_IN(text, "cannot confirm: ");
	EXPECT(R.owned.v == PROBE_UNKNOWN);
	EXPECT_IN(text, "another hypervisor owns the CPU:   unknown: EFER: "
		  "permission denied");
}

static void amd_owned_efer(void)
{
	LOAD("amd-tcg.facts", "msr 0xc0000080 0x1d01   # EFER.SVME set\n");
	EXPECT(R.amd.state == PROBE_SVM_ALLOWED);
	EXPECT(R.owned.v == PROBE_YES);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "EFER.SVME is set on cpu 0");
	EXPECT_IN(text, "another hypervisor already uses SVM");
}

static void amd_owned_cpu_state(void)
{
	LOAD("amd-tcg.facts",
	     "cpu=0 cr0=0x80050033 cr4=0x3706f0 efer=0xd01\n"
	     "cpu=1 cr0=0x80050033 cr4=0x3706f0 efer=0x1d01\n"
	     "cpu=2 cr0=0x80050033 cr4=0x3706f0 efer=0x1d01\n"
	     "cpu=3 cr0=0x80050033 cr4=0x3706f0 efer=0x1d01\n"
	     "cpu=5 cr0=0x80050033 cr4=0x3706f0 efer=0x1d01\n");
	EXPECT(F.ncpus == 5);
	/* cpu 0's values become CR0/CR4/EFER, from hvx.ko */
	EXPECT(R.cr4.known && R.cr4.v == 0x3706f0);
	EXPECT(R.efer.known && R.efer.v == 0xd01);
	EXPECT_IN(text, "(from hvx.ko cpu_state)");
	EXPECT(R.owned.v == PROBE_YES);
	EXPECT(!strcmp(R.owned_cpus, "1-3,5"));
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(text, "EFER.SVME set on cpu 1-3,5");
	EXPECT_IN(text, "hvx.ko is loaded");
}

static void amd_cpu_state_clear(void)
{
	LOAD("amd-tcg.facts",
	     "cpu=0 cr0=0x80050033 cr4=0x3706f0 efer=0xd01\n"
	     "cpu=1 cr0=0x80050033 cr4=0x3706f0 efer=0xd01\n");
	EXPECT(R.owned.v == PROBE_NO && R.ncpus_checked == 2);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "clear on all 2 CPUs");
}

static void amd_no_npt(void)
{
	LOAD("amd-tcg.facts", "cpuid 0x8000000a 0 0x1 0x10 0 0x10000  # VGIF only\n");
	EXPECT(R.amd.state == PROBE_SVM_ALLOWED);
	EXPECT(!R.amd.npt);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "no nested paging");
	EXPECT_IN(text, "NP                       absent");
	EXPECT_IN(text, "hvx cannot run without NPT");
}

static void amd_svm_leaf_out_of_range(void)
{
	/* 0x8000000a recorded, but max extended leaf says it does not exist */
	LOAD("amd-tcg.facts", "cpuid 0x80000000 0 0x80000008 0 0 0\n");
	EXPECT(R.amd.svm && !R.amd.svm_leaf);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "Fn8000_000A");
}

static void amd_sev_decode(void)
{
	LOAD("amd-epyc-sev.facts", NULL);
	EXPECT(!R.hypervisor);
	EXPECT(R.amd.state == PROBE_SVM_ALLOWED);
	EXPECT(R.amd.vm_cr_lock.v == PROBE_YES);
	EXPECT(R.amd.nasid == 32768);
	EXPECT(R.amd.mem_leaf);
	EXPECT(R.amd.sme && R.amd.sev && R.amd.sev_es && R.amd.sev_snp);
	EXPECT(R.amd.cbit == 51);
	EXPECT(R.amd.phys_reduction == 5);
	EXPECT(R.amd.enc_guests == 509);
	EXPECT(R.amd.min_sev_asid == 100);
	EXPECT(R.amd.mem_enc_mod_en.v == PROBE_YES);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "C-bit position (EBX[5:0]):         51");
	EXPECT_IN(text, "min SEV-only ASID (EDX):           100");
	EXPECT_IN(text, "1 (SME enabled)");
	EXPECT_IN(text, "under a hypervisor:                no");
	EXPECT_IN(json, "\"c_bit_position\": 51");
	EXPECT_IN(json, "\"sev_snp\": true");
	EXPECT_IN(json, "\"mem_encryption_mod_en\": true");
	EXPECT(json_valid(json));
}

static void amd_sev_partial(void)
{
	/* SME only, SYSCFG bit 23 clear */
	LOAD("amd-epyc-sev.facts",
	     "cpuid 0x8000001f 0 0x1 0x0000016f 0 0\n"
	     "msr 0xc0010010 0x00040000\n");
	EXPECT(R.amd.sme && !R.amd.sev && !R.amd.sev_es && !R.amd.sev_snp);
	EXPECT(R.amd.cbit == 47 && R.amd.phys_reduction == 5);
	EXPECT(R.amd.mem_enc_mod_en.v == PROBE_NO);
}

static void amd_hsave_note(void)
{
	LOAD("amd-tcg.facts", "msr 0xc0010117 0x12345000\n");
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "VM_HSAVE_PA = 0x12345000");
}

static void hygon_is_svm(void)
{
	/* HygonGenuine: same SVM interface as AMD */
	LOAD("amd-tcg.facts",
	     "cpuid 0x0 0 0xd 0x6f677948 0x656e6975 0x6e65476e\n");
	EXPECT(!strcmp(R.vendor, "HygonGenuine"));
	EXPECT(R.vendor_kind == PROBE_VENDOR_HYGON);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "AMD SVM");
}

/* ------------------------------------------------------- Intel tests */

static void intel_locked_on(void)
{
	LOAD("intel-skylake-x.facts", NULL);
	EXPECT(R.vendor_kind == PROBE_VENDOR_INTEL);
	EXPECT(!R.hypervisor);
	EXPECT(R.intel.vmx);
	EXPECT(R.intel.state == PROBE_VMX_LOCKED_ON);
	EXPECT(R.intel.revision == 1);
	EXPECT(R.intel.vmcs_size == 0x1000);
	EXPECT(R.intel.memtype == 6);
	EXPECT(R.intel.true_ctls);
	EXPECT(R.intel.secondary.v == PROBE_YES);
	EXPECT(R.intel.ept.v == PROBE_YES);
	EXPECT(R.intel.vpid.v == PROBE_YES);
	EXPECT(R.intel.ug.v == PROBE_YES);
	EXPECT(R.intel.pwl4.v == PROBE_YES && R.intel.ept_wb.v == PROBE_YES);
	EXPECT(R.intel.ept_2m.v == PROBE_YES && R.intel.invept.v == PROBE_YES);
	EXPECT(R.intel.invvpid.v == PROBE_YES);
	EXPECT(R.intel.fixed_ok.v == PROBE_YES);
	EXPECT(R.intel.cr4_set == 0x2000);	/* only VMXE, which hvx sets */
	EXPECT(R.owned.v == PROBE_NO);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT(!strcmp(R.verdict_text, "hvx can run here (VMX)"));
	EXPECT_IN(text, "hvx can run here (VMX)");
	EXPECT_IN(text, "CR4.VMXE");
	EXPECT_IN(text, "expected");
	EXPECT_IN(text, "4096 bytes");
	EXPECT_IN(text, "6 (WB)");
	EXPECT_NOT_IN(text, "AMD SVM");
	EXPECT_NOT_IN(text, "Memory encryption");
}

static void intel_no_vmx(void)
{
	LOAD("intel-skylake-x.facts",
	     "cpuid 0x1 0 0x50654 0x800 0x7ffefb9f 0xbfebfbff  # VMX clear\n");
	EXPECT(!R.intel.vmx);
	EXPECT(R.intel.state == PROBE_VMX_NOT_AVAILABLE);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "VMX not available");
	EXPECT_NOT_IN(R.reason, "nested VMX");	/* not under a hypervisor */
}

static void intel_locked_off(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x3a 0x1\n");
	EXPECT(R.intel.state == PROBE_VMX_LOCKED_OFF);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "locked off by firmware");
	EXPECT_IN(text, "enable VT-x in the firmware setup");
}

static void intel_locked_smx_only(void)
{
	/* VMXON allowed only inside SMX: still off for a normal kernel */
	LOAD("intel-skylake-x.facts", "msr 0x3a 0x3\n");
	EXPECT(R.intel.fc_smx.v == PROBE_YES);
	EXPECT(R.intel.state == PROBE_VMX_LOCKED_OFF);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
}

static void intel_unlocked(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x3a 0x0\n");
	EXPECT(R.intel.state == PROBE_VMX_UNLOCKED);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "hvx may set and lock it (as firmware would)");
}

static void intel_fc_unreadable(void)
{
	LOAD("intel-skylake-x.facts",
	     "msr 0x3a unknown no msr driver (/dev/cpu/0/msr missing)\n");
	EXPECT(R.intel.state == PROBE_VMX_UNKNOWN);
	EXPECT(R.verdict == PROBE_UNCONFIRMED);
	EXPECT_IN(R.unsure, "IA32_FEATURE_CONTROL (MSR 3Ah): no msr driver");
}

static void intel_owned(void)
{
	LOAD("intel-skylake-x.facts",
	     "cpu=1 cr0=0x80050033 cr4=0x3726f0 efer=0xd01  # VMXE set\n");
	EXPECT(F.ncpus == 2);	/* the later cpu=1 line replaced the first */
	EXPECT(R.owned.v == PROBE_YES);
	EXPECT(!strcmp(R.owned_cpus, "1"));
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "CR4.VMXE is set on cpu 1");
	EXPECT_IN(R.reason, "kvm_intel");
}

static void intel_owned_cr4_fact(void)
{
	/* No cpu_state at all, CR4 given as a fact for cpu 0 */
	LOAD("intel-skylake-x.facts", NULL);
	F.ncpus = 0;
	probe_set_val(&F.cr4, 0x3726f0, "facts file");
	probe_eval(&F, &R);
	EXPECT(R.owned.v == PROBE_YES);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	/* VMXE already set, so it is not among the bits to set */
	EXPECT(R.intel.cr4_set == 0);
}

static void intel_no_ept(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x48b 0x005ffffd00000000\n");
	EXPECT(R.intel.ept.v == PROBE_NO);
	EXPECT(R.intel.vpid.v == PROBE_YES);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "no EPT");
	EXPECT_IN(text, "hvx cannot run without EPT");
}

static void intel_no_secondary(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x482 0x7ff9fffe0401e172\n");
	EXPECT(R.intel.secondary.v == PROBE_NO);
	EXPECT(R.intel.ept.v == PROBE_NO && R.intel.ug.v == PROBE_NO);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "secondary controls cannot be activated");
}

static void intel_no_pwl4(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x48c 0x00000f0106f30101\n");
	EXPECT(R.intel.pwl4.v == PROBE_NO);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "4-level");
}

static void intel_cr0_violation(void)
{
	/* CR0.NE clear (0x33 -> 0x13), CR0.CD set against a FIXED1 without it */
	LOAD("intel-skylake-x.facts",
	     "cpu=0 cr0=0xc0050013 cr4=0x3706f0 efer=0xd01\n"
	     "msr 0x487 0xbfffffff\n");
	EXPECT(R.intel.fixed_ok.v == PROBE_NO);
	EXPECT(R.intel.cr0_set == 0x20);
	EXPECT(R.intel.cr0_clear == 0x40000000);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT(!strcmp(R.reason, "VMXON would fail: CR0.NE must be 1 "
		       "(IA32_VMX_CR0_FIXED0); CR0.CD must be 0 "
		       "(IA32_VMX_CR0_FIXED1)"));
	EXPECT_NOT_IN(R.reason, "VMXE");
	EXPECT_IN(text, "CR0 vs CR0_FIXED0/1:               must be 1: CR0.NE; "
		  "must be 0: CR0.CD");
}

static void intel_cr4_violation(void)
{
	/* CR4.LA57 set, but CR4_FIXED1 does not allow it */
	LOAD("intel-skylake-x.facts",
	     "cpu=0 cr0=0x80050033 cr4=0x3716f0 efer=0xd01\n");
	EXPECT(R.intel.cr4_clear == 0x1000);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "CR4.LA57 must be 0 (IA32_VMX_CR4_FIXED1)");
}

static void intel_cr_unknown(void)
{
	/* What a user gets without hvx.ko: CR0/CR4 unreadable */
	LOAD("intel-skylake-x.facts", NULL);
	F.ncpus = 0;
	probe_set_unknown(&F.cr0, PROBE_CR_WHY_DEFAULT);
	probe_set_unknown(&F.cr4, PROBE_CR_WHY_DEFAULT);
	probe_eval(&F, &R);
	render();
	EXPECT(R.intel.fixed_ok.v == PROBE_UNKNOWN);
	EXPECT(R.owned.v == PROBE_UNKNOWN);
	EXPECT(R.verdict == PROBE_UNCONFIRMED);
	EXPECT_IN(text, "cannot confirm: ");
	EXPECT_IN(text, "load hvx.ko to check");
	EXPECT_IN(json, "\"cr4\": null");
	EXPECT_IN(json, "\"cr4_why\": \"not readable from user space; load "
		  "hvx.ko to check\"");
	EXPECT_IN(json, "\"verdict\": \"cannot_confirm\"");
	EXPECT(json_valid(json));
}

static void intel_under_kvm_no_nested(void)
{
	LOAD("intel-skylake-x.facts",
	     "cpuid 0x1 0 0x50654 0x800 0xfffafb9f 0xbfebfbff  # hv, no VMX\n"
	     "cpuid 0x40000000 0 0x40000001 0x4b4d564b 0x564b4d56 0x4d\n");
	EXPECT(R.hypervisor);
	EXPECT(!strcmp(R.hv_sig, "KVMKVMKVM"));
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "does not offer nested VMX");
}

/* ------------------------------------------------------- other tests */

static void hyperv_signature(void)
{
	LOAD("amd-tcg.facts",
	     "cpuid 0x40000000 0 0x40000006 0x7263694d 0x666f736f 0x76482074\n");
	EXPECT(!strcmp(R.hv_sig, "Microsoft Hv"));
}

static void hv_leaf_ignored_without_bit(void)
{
	/* Without CPUID.1:ECX[31], leaf 0x40000000 means nothing */
	LOAD("amd-epyc-sev.facts",
	     "cpuid 0x40000000 0 0x40000001 0x54474354 0x43544743 0x47435447\n");
	EXPECT(!R.hypervisor && !R.hv_sig_known);
}

static void other_vendor(void)
{
	LOAD("amd-tcg.facts",
	     "cpuid 0x0 0 0xd 0x746e6543 0x736c7561 0x48727561  # CentaurHauls\n");
	EXPECT(R.vendor_kind == PROBE_VENDOR_OTHER);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "unsupported CPU vendor \"CentaurHauls\"");
}

static void no_facts(void)
{
	LOAD(NULL, "");
	EXPECT(R.vendor_kind == PROBE_VENDOR_UNKNOWN);
	EXPECT(R.verdict == PROBE_UNCONFIRMED);
	EXPECT(json_valid(json));
}

static void json_amd(void)
{
	LOAD("amd-tcg.facts", NULL);
	EXPECT(json_valid(json));
	EXPECT_IN(json, "\"vendor\": \"AuthenticAMD\"");
	EXPECT_IN(json, "\"vendor_kind\": \"amd\"");
	EXPECT_IN(json, "\"hypervisor_present\": true");
	EXPECT_IN(json, "\"hypervisor_signature\": \"TCGTCGTCGTCG\"");
	EXPECT_IN(json, "\"other_hypervisor_owns_cpu\": false");
	EXPECT_IN(json, "\"amd_svm\": {");
	EXPECT_IN(json, "\"svm_available\": true");
	EXPECT_IN(json, "\"svmdis\": false");
	EXPECT_IN(json, "\"state\": \"allowed\"");
	EXPECT_IN(json, "\"npt\": true");
	EXPECT_IN(json, "\"nrips\": false");
	EXPECT_IN(json, "\"vgif\": true");
	EXPECT_IN(json, "\"asids\": 16");
	EXPECT_IN(json, "\"efer\": \"0xd01\"");
	EXPECT_IN(json, "\"cr0\": null");
	EXPECT_IN(json, "\"cr0_why\": ");
	EXPECT_IN(json, "\"syscfg\": null");
	EXPECT_IN(json, "\"syscfg_why\": \"MSR not implemented (read fails with EIO)\"");
	EXPECT_IN(json, "\"intel_vmx\": null");
	EXPECT_IN(json, "\"verdict\": \"can_run\"");
	EXPECT_IN(json, "\"exit_status\": 0");
	EXPECT_IN(json, "\"name\": \"VM_CR\"");
}

static void json_intel(void)
{
	LOAD("intel-skylake-x.facts", "msr 0x3a 0x1\n");
	EXPECT(json_valid(json));
	EXPECT_IN(json, "\"intel_vmx\": {");
	EXPECT_IN(json, "\"state\": \"locked_off\"");
	EXPECT_IN(json, "\"feature_control_locked\": true");
	EXPECT_IN(json, "\"vmxon_outside_smx\": false");
	EXPECT_IN(json, "\"ept\": true");
	EXPECT_IN(json, "\"vmcs_size\": 4096");
	EXPECT_IN(json, "\"amd_svm\": null");
	EXPECT_IN(json, "\"verdict\": \"cannot_run\"");
	EXPECT_IN(json, "\"exit_status\": 1");
}

static void json_escapes(void)
{
	LOAD("amd-tcg.facts",
	     "msr 0xc0010010 unknown odd \"quoted\" back\\slash\ttab\n");
	EXPECT(json_valid(json));
	EXPECT_IN(json, "odd \\\"quoted\\\" back\\\\slash\\u0009tab");
	/* the validator itself must reject broken JSON */
	EXPECT(!json_valid("{\"a\": \"x\"y\"}"));
	EXPECT(!json_valid("{\"a\": 1,}"));
	EXPECT(!json_valid("{\"a\" 1}"));
}

/* -------------------------------------------------------- parser tests */

static int parse_fails(const char *t, const char *want)
{
	probe_facts_init(&F);
	perr[0] = '\0';
	return probe_parse_facts(&F, t, perr, sizeof(perr)) == -1 &&
	       strstr(perr, want) != NULL;
}

static void parser_rejects(void)
{
	EXPECT(parse_fails("cpuid 0x1 0 1 2 3\n", "line 1: cpuid: expected"));
	EXPECT(parse_fails("cpuid 0x12345 0 0 0 0 0\n", "not one hvx probe uses"));
	EXPECT(parse_fails("cpuid 0x1 1 0 0 0 0\n", "subleaf 0"));
	EXPECT(parse_fails("cpuid 0x1 0 0x100000000 0 0 0\n", "32-bit"));
	EXPECT(parse_fails("cpuid 0x1 0 -1 0 0 0\n", "bad 32-bit"));
	EXPECT(parse_fails("msr 0x3a\n", "msr: expected"));
	EXPECT(parse_fails("msr 0x999 0x0\n", "not an MSR hvx probe uses"));
	EXPECT(parse_fails("msr 0x3a zzz\n", "bad number 'zzz'"));
	EXPECT(parse_fails("msr 0x3a 5x\n", "bad number"));
	EXPECT(parse_fails("msr 0x3a unknown\n", "needs a reason"));
	EXPECT(parse_fails("msr 0x3a 0x5 0x6\n", "trailing"));
	EXPECT(parse_fails("cr4 0x1 0x2\n", "trailing"));
	EXPECT(parse_fails("cr4\n", "missing value"));
	EXPECT(parse_fails("bogus 1\n", "unknown fact 'bogus'"));
	EXPECT(parse_fails("cpu=0 cr0=0x1\n", "bad cpu_state"));
	EXPECT(parse_fails("cpu=0 cr0=0x1 cr4=0x2 efer=zz\n", "bad cpu_state"));
	EXPECT(parse_fails("cpu=0 cr0=0x1 cr0=0x2 efer=0\n", "bad cpu_state"));
	EXPECT(parse_fails("# c\n\nmsr 0x3a 0x5\nnope\n", "line 4: "));
}

static void parser_accepts(void)
{
	const char *t =
		"# comment line\n"
		"\n"
		"   cpuid 0x1 0x0 1 2 3 0xffffffff   # trailing comment\r\n"
		"msr 0x3a unknown permission denied (run as root)   # why\n"
		"msr 0xC0010114 0x18\n"
		"\t cr0 unknown because  \n"
		"cr4 0x3706f0\n"
		"efer 3329\n"
		"cpu=7 efer=0x1 cr4=0x2 cr0=0x3";	/* any order, no '\n' */

	probe_facts_init(&F);
	EXPECT(probe_parse_facts(&F, t, perr, sizeof(perr)) == 0);
	EXPECT(F.cpuid[PROBE_CPUID_1].present);
	EXPECT(F.cpuid[PROBE_CPUID_1].eax == 1);
	EXPECT(F.cpuid[PROBE_CPUID_1].edx == 0xffffffff);
	EXPECT(!F.cpuid[PROBE_CPUID_0].present);
	EXPECT(!F.msr[PROBE_MSR_FEATURE_CONTROL].known);
	EXPECT(!strcmp(F.msr[PROBE_MSR_FEATURE_CONTROL].why,
		       "permission denied (run as root)"));
	EXPECT(F.msr[PROBE_MSR_VM_CR].known && F.msr[PROBE_MSR_VM_CR].v == 0x18);
	EXPECT(!F.cr0.known && !strcmp(F.cr0.why, "because"));
	EXPECT(F.cr4.known && F.cr4.v == 0x3706f0);
	EXPECT(F.efer.known && F.efer.v == 3329);
	EXPECT(F.ncpus == 1 && F.cpus[0].cpu == 7 && F.cpus[0].cr0 == 3);
	EXPECT(F.cpus[0].cr4 == 2 && F.cpus[0].efer == 1);
	/* cpu 7 is not cpu 0: CR0 stays as given */
	EXPECT(!F.cr0.known);
	/* unrecorded MSRs say so */
	EXPECT(!F.msr[PROBE_MSR_EFER].known);
}

static void cpu_state_parse(void)
{
	probe_facts_init(&F);
	EXPECT(probe_parse_cpu_state(&F,
		"cpu=0 cr0=0x80050033 cr4=0x3706f0 efer=0xd01\n"
		"cpu=1 cr0=0x80050033 cr4=0x3726f0 efer=0x1d01\n",
		perr, sizeof(perr)) == 0);
	EXPECT(F.ncpus == 2 && F.ncpus_seen == 2);
	EXPECT(F.cr0.known && F.cr0.v == 0x80050033);
	EXPECT(!strcmp(F.cr0.src, "hvx.ko cpu_state"));
	EXPECT(F.efer.known && F.efer.v == 0xd01);
	probe_facts_init(&F);
	EXPECT(probe_parse_cpu_state(&F, "cpu=0 cr0=0x1 cr4=0x2 efer=0x3\n"
				     "garbage\n", perr, sizeof(perr)) == -1);
	EXPECT_IN(perr, "line 2");
	/* facts lines are not cpu_state lines */
	probe_facts_init(&F);
	EXPECT(probe_parse_cpu_state(&F, "msr 0x3a 0x5\n", perr,
				     sizeof(perr)) == -1);
}

static void tables_consistent(void)
{
	unsigned int i;

	/* names and bit positions checked against the brief's APM list */
	EXPECT(probe_nsvm_features == 25);
	for (i = 0; i + 1 < probe_nsvm_features; i++)
		EXPECT(probe_svm_features[i].bit < probe_svm_features[i + 1].bit);
	EXPECT(probe_svm_features[0].bit == 0);
	EXPECT(!strcmp(probe_svm_features[3].name, "NRIPS"));
	EXPECT(probe_msr_id(0xc0010114) == PROBE_MSR_VM_CR);
	EXPECT(probe_msr_id(0x48c) == PROBE_MSR_VMX_EPT_VPID_CAP);
	EXPECT(probe_msr_id(0x490) == PROBE_MSR_VMX_TRUE_ENTRY);
	EXPECT(probe_cpuid_id(0x8000001f) == PROBE_CPUID_MEM);
	EXPECT(!strcmp(probe_cr0_bit_name(5), "NE"));
	EXPECT(!strcmp(probe_cr4_bit_name(13), "VMXE"));
	EXPECT(probe_cr4_bit_name(15) == NULL);
}

/*
 * Recorded inside the emulated machines by `hvx probe --dump-facts`
 * (tests/machines/l1-check.sh): the verdicts on the real CPU models.
 */
static void recorded_bochs_vmx(void)
{
	LOAD("bochs-corei7-skylake-x-recorded.facts", NULL);
	EXPECT(R.vendor_kind == PROBE_VENDOR_INTEL);
	EXPECT(R.intel.vmx);
	EXPECT(R.intel.state == PROBE_VMX_LOCKED_ON);
	EXPECT(R.intel.revision == 0x2b);
	EXPECT(R.intel.vmcs_size == 0x1000);
	EXPECT(R.intel.true_ctls);
	EXPECT(R.intel.ept.v == PROBE_YES && R.intel.vpid.v == PROBE_YES);
	EXPECT(R.intel.ug.v == PROBE_YES);
	EXPECT(R.intel.fixed_ok.v == PROBE_YES);
	EXPECT(R.owned.v == PROBE_NO);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "hvx can run here (VMX)");
}

static void recorded_bochs_locked_off(void)
{
	LOAD("bochs-corei7-skylake-x-recorded.facts", "msr 0x3a 0x1\n");
	EXPECT(R.intel.state == PROBE_VMX_LOCKED_OFF);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
	EXPECT_IN(R.reason, "locked off by firmware");
}

static void recorded_bochs_owned(void)
{
	/* The same CPU while kvm-intel holds it: CR4.VMXE set. */
	LOAD("bochs-corei7-skylake-x-recorded.facts",
	     "cpu=0 cr0=0x80050033 cr4=0x3326f0 efer=0xd01\n");
	EXPECT(R.owned.v == PROBE_YES);
	EXPECT(R.verdict == PROBE_CANNOT_RUN);
}

static void recorded_qemu_svm(void)
{
	LOAD("qemu-tcg-max-recorded.facts", NULL);
	EXPECT(R.vendor_kind == PROBE_VENDOR_AMD);
	EXPECT(R.hypervisor);
	EXPECT(R.hv_sig_known && !strcmp(R.hv_sig, "TCGTCGTCGTCG"));
	EXPECT(R.amd.state == PROBE_SVM_ALLOWED);
	EXPECT(R.amd.npt);
	EXPECT(R.amd.nasid == 16);
	EXPECT(!(R.amd.features & (1u << 3)));	/* no NRIP save */
	EXPECT(R.owned.v == PROBE_NO);
	EXPECT(R.verdict == PROBE_CAN_RUN);
	EXPECT_IN(text, "NRIPS                    absent");
}

int main(void)
{
	run("amd_allowed_tcg", amd_allowed_tcg);
	run("amd_no_svm", amd_no_svm);
	run("amd_disabled_bios", amd_disabled_bios);
	run("amd_disabled_key", amd_disabled_key);
	run("amd_vm_cr_unreadable", amd_vm_cr_unreadable);
	run("amd_owned_efer", amd_owned_efer);
	run("amd_owned_cpu_state", amd_owned_cpu_state);
	run("amd_cpu_state_clear", amd_cpu_state_clear);
	run("amd_no_npt", amd_no_npt);
	run("amd_svm_leaf_out_of_range", amd_svm_leaf_out_of_range);
	run("amd_sev_decode", amd_sev_decode);
	run("amd_sev_partial", amd_sev_partial);
	run("amd_hsave_note", amd_hsave_note);
	run("hygon_is_svm", hygon_is_svm);
	run("intel_locked_on", intel_locked_on);
	run("recorded_bochs_vmx", recorded_bochs_vmx);
	run("recorded_bochs_locked_off", recorded_bochs_locked_off);
	run("recorded_bochs_owned", recorded_bochs_owned);
	run("recorded_qemu_svm", recorded_qemu_svm);
	run("intel_no_vmx", intel_no_vmx);
	run("intel_locked_off", intel_locked_off);
	run("intel_locked_smx_only", intel_locked_smx_only);
	run("intel_unlocked", intel_unlocked);
	run("intel_fc_unreadable", intel_fc_unreadable);
	run("intel_owned", intel_owned);
	run("intel_owned_cr4_fact", intel_owned_cr4_fact);
	run("intel_no_ept", intel_no_ept);
	run("intel_no_secondary", intel_no_secondary);
	run("intel_no_pwl4", intel_no_pwl4);
	run("intel_cr0_violation", intel_cr0_violation);
	run("intel_cr4_violation", intel_cr4_violation);
	run("intel_cr_unknown", intel_cr_unknown);
	run("intel_under_kvm_no_nested", intel_under_kvm_no_nested);
	run("hyperv_signature", hyperv_signature);
	run("hv_leaf_ignored_without_bit", hv_leaf_ignored_without_bit);
	run("other_vendor", other_vendor);
	run("no_facts", no_facts);
	run("json_amd", json_amd);
	run("json_intel", json_intel);
	run("json_escapes", json_escapes);
	run("parser_rejects", parser_rejects);
	run("parser_accepts", parser_accepts);
	run("cpu_state_parse", cpu_state_parse);
	run("tables_consistent", tables_consistent);
	printf("%u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
