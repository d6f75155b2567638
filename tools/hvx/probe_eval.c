// SPDX-License-Identifier: GPL-2.0
/*
 * probe_eval.c - facts -> verdict for `hvx probe`.  See probe_eval.h.
 *
 * The rules follow two manual sections:
 *  - AMD: APM Vol. 2, 15.4 "Enabling SVM" (the SVM_NOT_AVAIL / ALLOWED /
 *    DISABLED_AT_BIOS / DISABLED_WITH_KEY flow), with the SVM and memory
 *    encryption CPUID leaves from APM Vol. 3, Appendix E "Obtaining
 *    Processor Information Via the CPUID Instruction".
 *  - Intel: SDM Vol. 3C, 24.6 "Discovering Support for VMX" and 24.7
 *    "Enabling and Entering VMX Operation", with the capability MSRs of
 *    SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility".
 */
#include "probe_eval.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n)		(1ULL << (n))

/* APM Vol. 2, 3.1.7 "Extended Feature Enable Register (EFER)" */
#define EFER_SVME	BIT(12)
#define CR4_VMXE	BIT(13)		/* SDM Vol. 3A, 2.5 "Control Registers" */

/* VM_CR, APM Vol. 2, 15.30.1 "VM_CR MSR (C001_0114h)" */
#define VM_CR_LOCK	3
#define VM_CR_SVMDIS	4
/* SYSCFG, APM Vol. 2, 7.10.1 "Determining Support for Secure Memory Encryption" */
#define SYSCFG_MEM_ENC	23
/* IA32_FEATURE_CONTROL, SDM Vol. 3C, 24.7 */
#define FC_LOCK		0
#define FC_SMX		1
#define FC_OUTSIDE_SMX	2

const uint32_t probe_cpuid_leaves[PROBE_NCPUID] = {
	[PROBE_CPUID_0]		= 0x00000000,
	[PROBE_CPUID_1]		= 0x00000001,
	[PROBE_CPUID_7]		= 0x00000007,
	[PROBE_CPUID_HV]	= 0x40000000,
	[PROBE_CPUID_X0]	= 0x80000000,
	[PROBE_CPUID_X1]	= 0x80000001,
	[PROBE_CPUID_SVM]	= 0x8000000a,
	[PROBE_CPUID_MEM]	= 0x8000001f,
};

#define AMD	PROBE_VENDOR_AMD
#define INTEL	PROBE_VENDOR_INTEL

const struct probe_msr_info probe_msrs[PROBE_NMSR] = {
	[PROBE_MSR_VM_CR]		= { 0xc0010114, "VM_CR", AMD },
	[PROBE_MSR_EFER]		= { 0xc0000080, "EFER", AMD },
	[PROBE_MSR_SYSCFG]		= { 0xc0010010, "SYSCFG", AMD },
	[PROBE_MSR_VM_HSAVE_PA]		= { 0xc0010117, "VM_HSAVE_PA", AMD },
	[PROBE_MSR_FEATURE_CONTROL]	= { 0x3a, "IA32_FEATURE_CONTROL", INTEL },
	[PROBE_MSR_VMX_BASIC]		= { 0x480, "IA32_VMX_BASIC", INTEL },
	[PROBE_MSR_VMX_PINBASED]	= { 0x481, "IA32_VMX_PINBASED_CTLS", INTEL },
	[PROBE_MSR_VMX_PROCBASED]	= { 0x482, "IA32_VMX_PROCBASED_CTLS", INTEL },
	[PROBE_MSR_VMX_EXIT]		= { 0x483, "IA32_VMX_EXIT_CTLS", INTEL },
	[PROBE_MSR_VMX_ENTRY]		= { 0x484, "IA32_VMX_ENTRY_CTLS", INTEL },
	[PROBE_MSR_VMX_MISC]		= { 0x485, "IA32_VMX_MISC", INTEL },
	[PROBE_MSR_VMX_CR0_FIXED0]	= { 0x486, "IA32_VMX_CR0_FIXED0", INTEL },
	[PROBE_MSR_VMX_CR0_FIXED1]	= { 0x487, "IA32_VMX_CR0_FIXED1", INTEL },
	[PROBE_MSR_VMX_CR4_FIXED0]	= { 0x488, "IA32_VMX_CR4_FIXED0", INTEL },
	[PROBE_MSR_VMX_CR4_FIXED1]	= { 0x489, "IA32_VMX_CR4_FIXED1", INTEL },
	[PROBE_MSR_VMX_PROCBASED2]	= { 0x48b, "IA32_VMX_PROCBASED_CTLS2", INTEL },
	[PROBE_MSR_VMX_EPT_VPID_CAP]	= { 0x48c, "IA32_VMX_EPT_VPID_CAP", INTEL },
	[PROBE_MSR_VMX_TRUE_PINBASED]	= { 0x48d, "IA32_VMX_TRUE_PINBASED_CTLS", INTEL },
	[PROBE_MSR_VMX_TRUE_PROCBASED]	= { 0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS", INTEL },
	[PROBE_MSR_VMX_TRUE_EXIT]	= { 0x48f, "IA32_VMX_TRUE_EXIT_CTLS", INTEL },
	[PROBE_MSR_VMX_TRUE_ENTRY]	= { 0x490, "IA32_VMX_TRUE_ENTRY_CTLS", INTEL },
};

#undef AMD
#undef INTEL

/*
 * CPUID Fn8000_000A_EDX, APM Vol. 3, Appendix E "Obtaining Processor
 * Information Via the CPUID Instruction", Function 8000_000Ah "SVM Features".  Bits 0-7, 10, 12, 13, 15, 16, 18, 20 and 28 match the
 * names Linux uses for the same bits (arch/x86/include/asm/cpufeatures.h,
 * which follows the APM).  Bits 17, 19, 21 and 23-27 and 29 are taken from
 * recent APM revisions without a second source to check them against;
 * a set bit that is not in this table is still listed, by number.
 */
const struct probe_svm_feature probe_svm_features[] = {
	{  0, "NP", "np", "nested paging (required by hvx)" },
	{  1, "LbrVirt", "lbr_virt", "LBR virtualization" },
	{  2, "SVML", "svml", "SVM lock" },
	{  3, "NRIPS", "nrips", "NRIP save on #VMEXIT" },
	{  4, "TscRateMsr", "tsc_rate_msr", "TSC ratio MSR C000_0104h" },
	{  5, "VmcbClean", "vmcb_clean", "VMCB clean bits" },
	{  6, "FlushByAsid", "flush_by_asid", "TLB flush by ASID" },
	{  7, "DecodeAssists", "decode_assists", "decode assists" },
	{ 10, "PauseFilter", "pause_filter", "PAUSE intercept filter" },
	{ 12, "PauseFilterThreshold", "pause_filter_threshold",
	  "PAUSE filter cycle threshold" },
	{ 13, "AVIC", "avic", "advanced virtual interrupt controller" },
	{ 15, "VMSAVEvirt", "vmsave_virt", "VMSAVE/VMLOAD virtualization" },
	{ 16, "VGIF", "vgif", "virtual global interrupt flag" },
	{ 17, "GMET", "gmet", "guest mode execute trap" },
	{ 18, "x2AVIC", "x2avic", "AVIC for x2APIC mode" },
	{ 19, "SSSCheck", "sss_check", "supervisor shadow stack checks" },
	{ 20, "SpecCtrl", "spec_ctrl", "SPEC_CTRL virtualization" },
	{ 21, "ROGPT", "rogpt", "read-only guest page tables" },
	{ 23, "HOST_MCE_OVERRIDE", "host_mce_override",
	  "guest #MC intercepted, no shutdown" },
	{ 24, "TlbiCtl", "tlbi_ctl", "INVLPGB/TLBSYNC control" },
	{ 25, "VNMI", "vnmi", "virtual NMI" },
	{ 26, "IbsVirt", "ibs_virt", "IBS virtualization" },
	{ 27, "ExtLvtAvicAccessChg", "ext_lvt_avic_access_chg",
	  "extended LVT AVIC access change" },
	{ 28, "NestedVirtVmcbAddrChk", "nested_virt_vmcb_addr_chk",
	  "guest VMCB address check" },
	{ 29, "BusLockThreshold", "bus_lock_threshold", "bus lock threshold" },
};

const unsigned int probe_nsvm_features =
	sizeof(probe_svm_features) / sizeof(probe_svm_features[0]);

/* SDM Vol. 3A, 2.5 "Control Registers" */
static const char *const cr0_names[64] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET",
	[5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD",
	[31] = "PG",
};

static const char *const cr4_names[64] = {
	[0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE",
	[5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
	[10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE",
	[14] = "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
	[19] = "KL", [20] = "SMEP", [21] = "SMAP", [22] = "PKE", [23] = "CET",
	[24] = "PKS", [25] = "UINTR",
};

const char *probe_cr0_bit_name(unsigned int bit)
{
	return bit < 64 ? cr0_names[bit] : NULL;
}

const char *probe_cr4_bit_name(unsigned int bit)
{
	return bit < 64 ? cr4_names[bit] : NULL;
}

/* ------------------------------------------------------------- facts */

void probe_set_val(struct probe_val *pv, uint64_t v, const char *src)
{
	pv->known = true;
	pv->v = v;
	pv->src = src;
	pv->why[0] = '\0';
}

void probe_set_unknown(struct probe_val *pv, const char *why)
{
	pv->known = false;
	pv->v = 0;
	pv->src = NULL;
	snprintf(pv->why, sizeof(pv->why), "%s", why);
}

void probe_facts_init(struct probe_facts *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < PROBE_NMSR; i++)
		probe_set_unknown(&f->msr[i], "not read");
	probe_set_unknown(&f->cr0, PROBE_CR_WHY_DEFAULT);
	probe_set_unknown(&f->cr4, PROBE_CR_WHY_DEFAULT);
	probe_set_unknown(&f->efer, "not read");
}

int probe_cpuid_id(uint32_t leaf)
{
	int i;

	for (i = 0; i < PROBE_NCPUID; i++)
		if (probe_cpuid_leaves[i] == leaf)
			return i;
	return -1;
}

int probe_msr_id(uint32_t index)
{
	int i;

	for (i = 0; i < PROBE_NMSR; i++)
		if (probe_msrs[i].index == index)
			return i;
	return -1;
}

void probe_set_cpuid(struct probe_facts *f, enum probe_cpuid_id id,
		     uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	struct probe_cpuid *c = &f->cpuid[id];

	c->present = true;
	c->eax = eax;
	c->ebx = ebx;
	c->ecx = ecx;
	c->edx = edx;
}

/* ------------------------------------------------------------ parser */

#define MAX_TOKENS	8
#define MAX_LINE	512

struct line {
	char buf[MAX_LINE];
	char *tok[MAX_TOKENS];		/* the first MAX_TOKENS words */
	const char *rest[MAX_TOKENS];	/* text from word i to the end */
	int ntok;			/* all words, even past MAX_TOKENS */
	const char *start;		/* the line in the caller's text */
	size_t len;
};

/*
 * Split on blanks and drop a '#' comment.  Words past MAX_TOKENS are only
 * counted: they can only be part of an "unknown REASON" text, read through
 * rest[].  -1 if the line is too long.
 */
static int tokenize(struct line *l, const char *text, size_t len)
{
	char *p;

	if (len >= sizeof(l->buf))
		return -1;
	memcpy(l->buf, text, len);
	l->buf[len] = '\0';
	l->start = text;
	l->len = len;
	p = strchr(l->buf, '#');
	if (p)
		*p = '\0';
	l->ntok = 0;
	for (p = l->buf; *p; ) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (l->ntok < MAX_TOKENS) {
			l->rest[l->ntok] = text + (p - l->buf);
			l->tok[l->ntok] = p;
		}
		l->ntok++;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	return 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(s, &x) || x > 0xffffffffULL)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* The reason after "unknown": the rest of the line, trailing blanks cut. */
static void copy_reason(char *dst, size_t n, const char *rest, size_t len)
{
	const char *hash = memchr(rest, '#', len);

	if (hash)
		len = (size_t)(hash - rest);
	while (len && (rest[len - 1] == ' ' || rest[len - 1] == '\t' ||
		       rest[len - 1] == '\r'))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, rest, len);
	dst[len] = '\0';
}

static int err_out(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "VALUE" or "unknown REASON..." into pv; tokens start at index i. */
static int parse_value(struct probe_val *pv, const struct line *l, int i,
		       const char *src, char *err, size_t n)
{
	const char *why_text;

	uint64_t v;
	char why[PROBE_WHY_MAX];

	if (i >= l->ntok)
		return err_out(err, n, "missing value");
	if (!strcmp(l->tok[i], "unknown")) {
		if (i + 1 >= l->ntok)
			return err_out(err, n, "'unknown' needs a reason");
		why_text = l->rest[i + 1];
		copy_reason(why, sizeof(why), why_text,
			    l->len - (size_t)(why_text - l->start));
		probe_set_unknown(pv, why);
		return 0;
	}
	if (i + 1 != l->ntok)
		return err_out(err, n, "trailing words after the value");
	if (parse_u64(l->tok[i], &v))
		return err_out(err, n, "bad number '%s'", l->tok[i]);
	probe_set_val(pv, v, src);
	return 0;
}

static int parse_cpuid_line(struct probe_facts *f, const struct line *l,
			    char *err, size_t n)
{
	uint32_t x[6];
	int i, id;

	if (l->ntok != 7)
		return err_out(err, n,
			       "cpuid: expected 'cpuid LEAF SUBLEAF EAX EBX ECX EDX'");
	for (i = 0; i < 6; i++)
		if (parse_u32(l->tok[i + 1], &x[i]))
			return err_out(err, n, "cpuid: bad 32-bit number '%s'",
				       l->tok[i + 1]);
	id = probe_cpuid_id(x[0]);
	if (id < 0)
		return err_out(err, n, "cpuid: leaf 0x%x is not one hvx probe uses", x[0]);
	if (x[1] != 0)
		return err_out(err, n, "cpuid: only subleaf 0 is used");
	probe_set_cpuid(f, id, x[2], x[3], x[4], x[5]);
	return 0;
}

static int parse_msr_line(struct probe_facts *f, const struct line *l,
			  char *err, size_t n)
{
	uint32_t index;
	int id;

	if (l->ntok < 3)
		return err_out(err, n, "msr: expected 'msr INDEX VALUE' or "
			       "'msr INDEX unknown REASON'");
	if (parse_u32(l->tok[1], &index))
		return err_out(err, n, "msr: bad index '%s'", l->tok[1]);
	id = probe_msr_id(index);
	if (id < 0)
		return err_out(err, n, "msr: 0x%x is not an MSR hvx probe uses", index);
	return parse_value(&f->msr[id], l, 2, "facts file", err, n);
}

static int parse_line(struct probe_facts *f, const char *text, size_t len,
		      char *err, size_t n)
{
	struct line l;
	const char *k;

	if (tokenize(&l, text, len))
		return err_out(err, n, "line too long (max %d bytes)", MAX_LINE - 1);
	if (!l.ntok)
		return 0;
	k = l.tok[0];
	if (!strncmp(k, "cpu=", 4)) {
		if (probe_add_cpu_state(f, text) < 0)
			return err_out(err, n, "bad cpu_state line (want "
				       "'cpu=N cr0=0x.. cr4=0x.. efer=0x..')");
		return 0;
	}
	if (!strcmp(k, "cpuid"))
		return parse_cpuid_line(f, &l, err, n);
	if (!strcmp(k, "msr"))
		return parse_msr_line(f, &l, err, n);
	if (!strcmp(k, "cr0"))
		return parse_value(&f->cr0, &l, 1, "facts file", err, n);
	if (!strcmp(k, "cr4"))
		return parse_value(&f->cr4, &l, 1, "facts file", err, n);
	if (!strcmp(k, "efer"))
		return parse_value(&f->efer, &l, 1, "facts file", err, n);
	return err_out(err, n, "unknown fact '%s'", k);
}

/* Run parse(one line) over every line of text; prefix errors "line N: ". */
static int parse_lines(struct probe_facts *f, const char *text, bool facts,
		       char *err, size_t errlen)
{
	char msg[256];
	unsigned int lineno = 0;
	const char *p = text, *nl;
	size_t len;
	int ret;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (facts)
			ret = parse_line(f, p, len, msg, sizeof(msg));
		else
			ret = probe_add_cpu_state(f, p) < 0 ? -1 : 0;
		if (ret && !facts)
			snprintf(msg, sizeof(msg), "not 'cpu=N cr0=0x.. cr4=0x.. efer=0x..'");
		if (ret)
			return err_out(err, errlen, "line %u: %s", lineno, msg);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

int probe_parse_facts(struct probe_facts *f, const char *text,
		      char *err, size_t errlen)
{
	return parse_lines(f, text, true, err, errlen);
}

int probe_parse_cpu_state(struct probe_facts *f, const char *text,
			  char *err, size_t errlen)
{
	return parse_lines(f, text, false, err, errlen);
}

/* "key=NUMBER" into *v; which[] marks keys already seen. */
static int cpu_state_field(const char *tok, uint64_t v[4], bool seen[4])
{
	static const char *const keys[4] = { "cpu=", "cr0=", "cr4=", "efer=" };
	int i;

	for (i = 0; i < 4; i++) {
		size_t kl = strlen(keys[i]);

		if (strncmp(tok, keys[i], kl))
			continue;
		if (seen[i] || parse_u64(tok + kl, &v[i]))
			return -1;
		seen[i] = true;
		return 0;
	}
	return -1;
}

/* Keep one entry per CPU: a later line for the same CPU replaces it. */
static struct probe_cpu_state *cpu_slot(struct probe_facts *f,
					unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < f->ncpus; i++)
		if (f->cpus[i].cpu == cpu)
			return &f->cpus[i];
	f->ncpus_seen++;
	if (f->ncpus == PROBE_MAX_CPUS)
		return NULL;
	return &f->cpus[f->ncpus++];
}

static void store_cpu_state(struct probe_facts *f, const uint64_t v[4])
{
	struct probe_cpu_state *c;

	if (v[0] == 0) {
		probe_set_val(&f->cr0, v[1], "hvx.ko cpu_state");
		probe_set_val(&f->cr4, v[2], "hvx.ko cpu_state");
		probe_set_val(&f->efer, v[3], "hvx.ko cpu_state");
	}
	c = cpu_slot(f, (unsigned int)v[0]);
	if (!c)
		return;
	c->cpu = (unsigned int)v[0];
	c->cr0 = v[1];
	c->cr4 = v[2];
	c->efer = v[3];
}

/*
 * A line of hvx.ko's cpu_state: "cpu=0 cr0=0x80050033 cr4=0x3706f0
 * efer=0xd01".  Returns 1 if stored, 0 for a blank line, -1 if malformed.
 */
int probe_add_cpu_state(struct probe_facts *f, const char *line)
{
	const char *nl = strchr(line, '\n');
	size_t len = nl ? (size_t)(nl - line) : strlen(line);
	uint64_t v[4] = { 0 };
	bool seen[4] = { false };
	struct line l;
	int i;

	if (tokenize(&l, line, len))
		return -1;
	if (!l.ntok)
		return 0;
	if (l.ntok != 4)
		return -1;
	for (i = 0; i < 4; i++)
		if (cpu_state_field(l.tok[i], v, seen))
			return -1;
	if (v[0] > 0xffffffffULL)
		return -1;
	store_cpu_state(f, v);
	return 1;
}

/* ------------------------------------------------------------ report */

static void add_note(struct probe_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes == PROBE_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], PROBE_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* Record a reason hvx cannot run; the first one wins. */
static void block(struct probe_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* Record a needed check that could not be made; the first one wins. */
static void unsure(struct probe_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->unsure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->unsure, sizeof(r->unsure), fmt, ap);
	va_end(ap);
}

static void flag_set(struct probe_flag *fl, enum probe_tri v, const char *why)
{
	fl->v = v;
	snprintf(fl->why, sizeof(fl->why), "%s", v == PROBE_UNKNOWN ? why : "");
}

/* An MSR index the way its vendor's manual writes it: C001_0114h, 3Ah. */
static void msr_label(char *buf, size_t n, uint32_t index)
{
	if (index >= 0xc0000000)
		snprintf(buf, n, "%04X_%04Xh", index >> 16, index & 0xffff);
	else
		snprintf(buf, n, "%Xh", index);
}

/* fl = bit of an MSR value, or unknown with "NAME (MSR i): why". */
static void flag_bit(struct probe_flag *fl, const struct probe_val *pv,
		     unsigned int bit, enum probe_msr_id id)
{
	char idx[16];

	if (!pv->known) {
		fl->v = PROBE_UNKNOWN;
		msr_label(idx, sizeof(idx), probe_msrs[id].index);
		snprintf(fl->why, sizeof(fl->why), "%s (MSR %s): %s",
			 probe_msrs[id].name, idx, pv->why);
		return;
	}
	flag_set(fl, (pv->v & BIT(bit)) ? PROBE_YES : PROBE_NO, NULL);
}

/*
 * A CPUID leaf, if recorded and in range.  Leaves past the maximum the
 * CPU reports return unrelated data (SDM Vol. 2A, CPUID "INPUT EAX"), so
 * they are treated as absent even when recorded.
 */
static const struct probe_cpuid *leaf(const struct probe_facts *f,
				      enum probe_cpuid_id id)
{
	const struct probe_cpuid *c = &f->cpuid[id];
	const struct probe_cpuid *max;
	uint32_t l = probe_cpuid_leaves[id];

	if (!c->present)
		return NULL;
	if (id == PROBE_CPUID_0 || id == PROBE_CPUID_X0)
		return c;
	if (id == PROBE_CPUID_HV) {
		max = leaf(f, PROBE_CPUID_1);
		return max && (max->ecx & BIT(31)) ? c : NULL;
	}
	max = &f->cpuid[l < 0x80000000 ? PROBE_CPUID_0 : PROBE_CPUID_X0];
	return max->present && max->eax >= l ? c : NULL;
}

/* 12 register bytes as a printable string; NULs at the end dropped. */
static void regs_string(char out[13], uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t w[3] = { a, b, c };
	int i, n;

	for (i = 0; i < 12; i++) {
		char ch = (char)(w[i / 4] >> (8 * (i % 4)));

		out[i] = (ch >= 0x20 && ch < 0x7f) || !ch ? ch : '.';
	}
	out[12] = '\0';
	/* An embedded NUL would cut the string short: show it as '.' */
	for (n = 12; n > 0 && !out[n - 1]; n--)
		;
	for (i = 0; i < n; i++)
		if (!out[i])
			out[i] = '.';
}

static enum probe_vendor vendor_kind(const char *v)
{
	if (!strcmp(v, "AuthenticAMD"))
		return PROBE_VENDOR_AMD;
	if (!strcmp(v, "HygonGenuine"))
		return PROBE_VENDOR_HYGON;
	if (!strcmp(v, "GenuineIntel"))
		return PROBE_VENDOR_INTEL;
	return PROBE_VENDOR_OTHER;
}

static bool is_amd(const struct probe_report *r)
{
	return r->vendor_kind == PROBE_VENDOR_AMD ||
	       r->vendor_kind == PROBE_VENDOR_HYGON;
}

/* EFER as best known: hvx.ko / a fact first, else the EFER MSR. */
static void efer_eval(const struct probe_facts *f, struct probe_report *r)
{
	const struct probe_val *m = &f->msr[PROBE_MSR_EFER];

	r->efer = f->efer;
	if (f->efer.known)
		return;
	if (m->known)
		probe_set_val(&r->efer, m->v, "MSR C000_0080h");
	else
		snprintf(r->efer.why, sizeof(r->efer.why), "%s", m->why);
}

static void cpu_eval(const struct probe_facts *f, struct probe_report *r)
{
	const struct probe_cpuid *c0 = leaf(f, PROBE_CPUID_0);
	const struct probe_cpuid *c1 = leaf(f, PROBE_CPUID_1);
	const struct probe_cpuid *hv;

	if (c0) {
		/* SDM Vol. 2A, CPUID leaf 0: vendor in EBX, EDX, ECX */
		regs_string(r->vendor, c0->ebx, c0->edx, c0->ecx);
		r->vendor_kind = vendor_kind(r->vendor);
	}
	r->hypervisor = c1 && (c1->ecx & BIT(31));
	hv = leaf(f, PROBE_CPUID_HV);
	if (hv) {
		/* Signature in EBX, ECX, EDX, as hypervisors publish it */
		regs_string(r->hv_sig, hv->ebx, hv->ecx, hv->edx);
		r->hv_sig_known = true;
	}
	r->cr0 = f->cr0;
	r->cr4 = f->cr4;
	efer_eval(f, r);
	memcpy(r->msr, f->msr, sizeof(r->msr));
}

/* Append CPU number cpu to a "0-3,5" list; prev is the last one added. */
static void cpulist_add(char *buf, size_t n, unsigned int cpu,
			long *prev, bool *in_range)
{
	size_t len = strlen(buf);

	if (*prev >= 0 && cpu == (unsigned long)*prev + 1) {
		*in_range = true;
	} else {
		if (*in_range)
			snprintf(buf + len, n - len, "-%ld", *prev);
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s%u", len ? "," : "", cpu);
		*in_range = false;
	}
	*prev = cpu;
}

static void owned_from_cpus(const struct probe_facts *f,
			    struct probe_report *r, bool amd)
{
	uint64_t bit = amd ? EFER_SVME : CR4_VMXE;
	long prev = -1;
	bool in_range = false, any = false;
	unsigned int i;
	size_t len;

	for (i = 0; i < f->ncpus; i++) {
		const struct probe_cpu_state *c = &f->cpus[i];

		if (!((amd ? c->efer : c->cr4) & bit))
			continue;
		cpulist_add(r->owned_cpus, sizeof(r->owned_cpus), c->cpu,
			    &prev, &in_range);
		any = true;
	}
	len = strlen(r->owned_cpus);
	if (in_range)
		snprintf(r->owned_cpus + len, sizeof(r->owned_cpus) - len,
			 "-%ld", prev);
	r->ncpus_checked = f->ncpus;
	flag_set(&r->owned, any ? PROBE_YES : PROBE_NO, NULL);
}

/*
 * Is the CPU already in use by a hypervisor?  On AMD that shows as
 * EFER.SVME (APM Vol. 2, 15.4), on Intel as CR4.VMXE (SDM Vol. 3C, 24.7).
 */
static void owned_eval(const struct probe_facts *f, struct probe_report *r)
{
	bool amd = is_amd(r);
	const struct probe_val *pv = amd ? &r->efer : &r->cr4;

	if (!amd && r->vendor_kind != PROBE_VENDOR_INTEL) {
		flag_set(&r->owned, PROBE_UNKNOWN, "not checked on this CPU vendor");
		return;
	}
	r->owned_bit = amd ? "EFER.SVME" : "CR4.VMXE";
	if (f->ncpus) {
		owned_from_cpus(f, r, amd);
		return;
	}
	if (!pv->known) {
		r->owned.v = PROBE_UNKNOWN;
		snprintf(r->owned.why, sizeof(r->owned.why), "%s: %s",
			 amd ? "EFER" : "CR4", pv->why);
		return;
	}
	flag_set(&r->owned, pv->v & (amd ? EFER_SVME : CR4_VMXE) ?
		 PROBE_YES : PROBE_NO, NULL);
	if (r->owned.v == PROBE_YES)
		snprintf(r->owned_cpus, sizeof(r->owned_cpus), "0");
}

static void owned_verdict(struct probe_report *r, const char *what,
			  const char *example)
{
	if (r->owned.v == PROBE_UNKNOWN)
		unsure(r, "whether another hypervisor owns %s (%s): %s",
		       what, r->owned_bit, r->owned.why);
	if (r->owned.v != PROBE_YES)
		return;
	block(r, "another hypervisor already uses %s: %s is set on cpu %s "
	      "(e.g. %s); unload it first", what, r->owned_bit,
	      r->owned_cpus, example);
	if (r->cr0.src && !strcmp(r->cr0.src, "hvx.ko cpu_state"))
		add_note(r, "hvx.ko is loaded: if it has VMs running, %s may "
			 "be its own", r->owned_bit);
}

/* --------------------------------------------------------------- AMD */

static void mem_eval(const struct probe_facts *f, struct probe_amd *a)
{
	const struct probe_cpuid *m = leaf(f, PROBE_CPUID_MEM);

	a->syscfg = f->msr[PROBE_MSR_SYSCFG];
	flag_bit(&a->mem_enc_mod_en, &a->syscfg, SYSCFG_MEM_ENC,
		 PROBE_MSR_SYSCFG);
	if (!m)
		return;
	/* APM Vol. 3, Appendix E, Function 8000_001Fh "Encrypted Memory Capabilities" */
	a->mem_leaf = true;
	a->sme = m->eax & BIT(0);
	a->sev = m->eax & BIT(1);
	a->sev_es = m->eax & BIT(3);
	a->sev_snp = m->eax & BIT(4);
	a->cbit = m->ebx & 0x3f;
	a->phys_reduction = (m->ebx >> 6) & 0x3f;
	a->enc_guests = m->ecx;
	a->min_sev_asid = m->edx;	/* min ASID for SEV-enabled, SEV-ES-disabled */
}

/* APM Vol. 2, 15.4 "Enabling SVM": the four outcomes of its flow. */
static enum probe_svm_state svm_state(const struct probe_amd *a)
{
	if (!a->svm)
		return PROBE_SVM_NOT_AVAILABLE;
	if (a->svmdis.v == PROBE_UNKNOWN)
		return PROBE_SVM_UNKNOWN;
	if (a->svmdis.v == PROBE_NO)
		return PROBE_SVM_ALLOWED;
	return a->svml ? PROBE_SVM_DISABLED_KEY : PROBE_SVM_DISABLED_BIOS;
}

static void amd_facts(const struct probe_facts *f, struct probe_amd *a)
{
	const struct probe_cpuid *x0 = leaf(f, PROBE_CPUID_X0);
	const struct probe_cpuid *x1 = leaf(f, PROBE_CPUID_X1);
	const struct probe_cpuid *s = leaf(f, PROBE_CPUID_SVM);

	a->max_ext = x0 ? x0->eax : 0;
	a->svm = x1 && (x1->ecx & BIT(2));
	/* Fn8000_000A is reserved when SVM is not reported */
	if (a->svm && s) {
		a->svm_leaf = true;
		a->revision = s->eax & 0xff;
		a->nasid = s->ebx;
		a->features = s->edx;
		a->npt = s->edx & BIT(0);
		a->svml = s->edx & BIT(2);
	}
	a->vm_cr = f->msr[PROBE_MSR_VM_CR];
	a->hsave_pa = f->msr[PROBE_MSR_VM_HSAVE_PA];
	flag_bit(&a->svmdis, &a->vm_cr, VM_CR_SVMDIS, PROBE_MSR_VM_CR);
	flag_bit(&a->vm_cr_lock, &a->vm_cr, VM_CR_LOCK, PROBE_MSR_VM_CR);
	a->state = svm_state(a);
	mem_eval(f, a);
}

static void svm_state_verdict(struct probe_report *r)
{
	struct probe_amd *a = &r->amd;

	switch (a->state) {
	case PROBE_SVM_NOT_AVAILABLE:
		block(r, "SVM not available (CPUID Fn8000_0001_ECX[2] SVM = 0)%s",
		      r->hypervisor ? "; the hypervisor this runs under does "
		      "not offer nested SVM" : "");
		break;
	case PROBE_SVM_DISABLED_BIOS:
		block(r, "SVM disabled by firmware (BIOS) (VM_CR.SVMDIS = 1, "
		      "SVML = 0); no key can unlock it; enable SVM in the "
		      "firmware setup");
		break;
	case PROBE_SVM_DISABLED_KEY:
		block(r, "SVM disabled with a key (VM_CR.SVMDIS = 1, SVML = 1); "
		      "it can be unlocked only with the SVM key (VM_CR.LOCK / "
		      "SVM_KEY MSR C001_0118h) by the firmware");
		break;
	case PROBE_SVM_UNKNOWN:
		unsure(r, "whether SVM is enabled: %s", a->svmdis.why);
		break;
	case PROBE_SVM_ALLOWED:
		break;
	}
}

static void amd_eval(const struct probe_facts *f, struct probe_report *r)
{
	struct probe_amd *a = &r->amd;

	amd_facts(f, a);
	svm_state_verdict(r);
	if (!a->svm)
		return;
	if (!a->svm_leaf)
		block(r, "CPUID Fn8000_000A (SVM features) is not reported, so "
		      "nested paging cannot be seen; hvx requires NPT");
	else if (!a->npt)
		block(r, "no nested paging (NPT: CPUID Fn8000_000A_EDX[0] NP = 0); "
		      "hvx requires NPT");
	owned_verdict(r, "SVM", "kvm_amd");
	if (a->hsave_pa.known && a->hsave_pa.v)
		add_note(r, "VM_HSAVE_PA = 0x%" PRIx64 ": a host save area is "
			 "set, so a hypervisor has used SVM since boot",
			 a->hsave_pa.v);
}

/* ------------------------------------------------------------- Intel */

/* SDM Vol. 3C, 24.7: IA32_FEATURE_CONTROL lock and VMXON-enable bits. */
static enum probe_vmx_state vmx_state(const struct probe_intel *in)
{
	if (!in->vmx)
		return PROBE_VMX_NOT_AVAILABLE;
	if (in->fc_lock.v == PROBE_UNKNOWN)
		return PROBE_VMX_UNKNOWN;
	if (in->fc_lock.v == PROBE_NO)
		return PROBE_VMX_UNLOCKED;
	return in->fc_outside_smx.v == PROBE_YES ? PROBE_VMX_LOCKED_ON :
						   PROBE_VMX_LOCKED_OFF;
}

/* SDM Vol. 3D, A.1 "Basic VMX Information" */
static void basic_eval(const struct probe_facts *f, struct probe_intel *in)
{
	uint64_t b;

	in->basic = f->msr[PROBE_MSR_VMX_BASIC];
	if (!in->basic.known)
		return;
	b = in->basic.v;
	in->revision = (uint32_t)(b & 0x7fffffff);
	in->vmcs_size = (unsigned int)((b >> 32) & 0x1fff);
	in->memtype = (unsigned int)((b >> 50) & 0xf);
	in->true_ctls = b & BIT(55);
}

static void flags_copy(struct probe_flag *const dst[], int n,
		       const struct probe_flag *src)
{
	int i;

	for (i = 0; i < n; i++)
		*dst[i] = *src;
}

/*
 * Allowed-1 settings live in the high 32 bits of the control MSRs
 * (SDM Vol. 3D, A.3.2 "Primary Processor-Based VM-Execution Controls"
 * and A.3.3 "Secondary Processor-Based VM-Execution Controls").
 */
static void ctls_eval(const struct probe_facts *f, struct probe_intel *in)
{
	struct probe_flag *const sec[] = { &in->ept, &in->vpid, &in->ug };
	const struct probe_val *p2 = &f->msr[PROBE_MSR_VMX_PROCBASED2];

	flag_bit(&in->secondary, &f->msr[PROBE_MSR_VMX_PROCBASED], 32 + 31,
		 PROBE_MSR_VMX_PROCBASED);
	if (in->secondary.v != PROBE_YES) {
		flags_copy(sec, 3, &in->secondary);
		return;
	}
	flag_bit(&in->ept, p2, 32 + 1, PROBE_MSR_VMX_PROCBASED2);
	flag_bit(&in->vpid, p2, 32 + 5, PROBE_MSR_VMX_PROCBASED2);
	flag_bit(&in->ug, p2, 32 + 7, PROBE_MSR_VMX_PROCBASED2);
}

/*
 * IA32_VMX_EPT_VPID_CAP exists only when EPT or VPID can be enabled
 * (SDM Vol. 3D, A.10 "VPID and EPT Capabilities").
 */
static void eptcap_eval(const struct probe_facts *f, struct probe_intel *in)
{
	struct probe_flag *const caps[] = {
		&in->pwl4, &in->ept_wb, &in->ept_2m, &in->invept, &in->invvpid
	};
	static const unsigned int bits[] = { 6, 14, 16, 20, 32 };
	int i;

	in->ept_cap = f->msr[PROBE_MSR_VMX_EPT_VPID_CAP];
	if (in->ept.v == PROBE_UNKNOWN && in->vpid.v != PROBE_YES) {
		flags_copy(caps, 5, &in->ept);
		return;
	}
	if (in->ept.v != PROBE_YES && in->vpid.v != PROBE_YES) {
		for (i = 0; i < 5; i++)
			flag_set(caps[i], PROBE_NO, NULL);
		return;
	}
	for (i = 0; i < 5; i++)
		flag_bit(caps[i], &in->ept_cap, bits[i],
			 PROBE_MSR_VMX_EPT_VPID_CAP);
}

/* A list like "CR0.PE, CR0.NE" of the bits in mask. */
static void bits_str(char *buf, size_t n, const char *reg, uint64_t mask,
		     const char *(*name)(unsigned int))
{
	unsigned int bit;
	size_t len;

	buf[0] = '\0';
	for (bit = 0; bit < 64; bit++) {
		if (!(mask & BIT(bit)))
			continue;
		len = strlen(buf);
		if (name(bit))
			snprintf(buf + len, n - len, "%s%s.%s", len ? ", " : "",
				 reg, name(bit));
		else
			snprintf(buf + len, n - len, "%s%s bit %u",
				 len ? ", " : "", reg, bit);
	}
}

static bool fixed_inputs(const struct probe_facts *f, struct probe_report *r)
{
	static const enum probe_msr_id ids[] = {
		PROBE_MSR_VMX_CR0_FIXED0, PROBE_MSR_VMX_CR0_FIXED1,
		PROBE_MSR_VMX_CR4_FIXED0, PROBE_MSR_VMX_CR4_FIXED1,
	};
	struct probe_flag *fl = &r->intel.fixed_ok;
	int i;

	for (i = 0; i < 4; i++) {
		if (!f->msr[ids[i]].known) {
			flag_bit(fl, &f->msr[ids[i]], 0, ids[i]);
			return false;
		}
	}
	if (!r->cr0.known || !r->cr4.known) {
		fl->v = PROBE_UNKNOWN;
		snprintf(fl->why, sizeof(fl->why), "%s: %s",
			 r->cr0.known ? "CR4" : "CR0",
			 r->cr0.known ? r->cr4.why : r->cr0.why);
		return false;
	}
	return true;
}

/*
 * SDM Vol. 3D, A.7 "VMX-Fixed Bits in CR0" and A.8 "... in CR4": a bit
 * set in FIXED0 must be 1 and a bit clear in FIXED1 must be 0 in VMX
 * operation, and VMXON fails otherwise (SDM Vol. 3C, 24.8 "Restrictions
 * on VMX Operation").  CR4.VMXE is always in CR4_FIXED0: hvx sets it
 * itself just before VMXON, so that one does not count.
 */
static void fixed_eval(const struct probe_facts *f, struct probe_report *r)
{
	struct probe_intel *in = &r->intel;
	const struct probe_val *m = f->msr;

	if (!in->vmx) {
		flag_set(&in->fixed_ok, PROBE_UNKNOWN, "VMX not available");
		return;
	}
	if (!fixed_inputs(f, r))
		return;
	in->cr0_set = m[PROBE_MSR_VMX_CR0_FIXED0].v & ~r->cr0.v;
	in->cr0_clear = r->cr0.v & ~m[PROBE_MSR_VMX_CR0_FIXED1].v;
	in->cr4_set = m[PROBE_MSR_VMX_CR4_FIXED0].v & ~r->cr4.v;
	in->cr4_clear = r->cr4.v & ~m[PROBE_MSR_VMX_CR4_FIXED1].v;
	flag_set(&in->fixed_ok, (in->cr0_set | in->cr0_clear | in->cr4_clear |
		 (in->cr4_set & ~CR4_VMXE)) ? PROBE_NO : PROBE_YES, NULL);
}

static void intel_facts(const struct probe_facts *f, struct probe_intel *in)
{
	const struct probe_cpuid *c1 = leaf(f, PROBE_CPUID_1);

	/* SDM Vol. 3C, 24.6: CPUID.1:ECX.VMX[bit 5] */
	in->vmx = c1 && (c1->ecx & BIT(5));
	in->smx = c1 && (c1->ecx & BIT(6));
	in->fc = f->msr[PROBE_MSR_FEATURE_CONTROL];
	flag_bit(&in->fc_lock, &in->fc, FC_LOCK, PROBE_MSR_FEATURE_CONTROL);
	flag_bit(&in->fc_smx, &in->fc, FC_SMX, PROBE_MSR_FEATURE_CONTROL);
	flag_bit(&in->fc_outside_smx, &in->fc, FC_OUTSIDE_SMX,
		 PROBE_MSR_FEATURE_CONTROL);
	in->state = vmx_state(in);
	basic_eval(f, in);
	ctls_eval(f, in);
	eptcap_eval(f, in);
}

static void vmx_state_verdict(struct probe_report *r)
{
	struct probe_intel *in = &r->intel;

	switch (in->state) {
	case PROBE_VMX_NOT_AVAILABLE:
		block(r, "VMX not available (CPUID.1:ECX[5] VMX = 0)%s",
		      r->hypervisor ? "; the hypervisor this runs under does "
		      "not offer nested VMX" : "");
		break;
	case PROBE_VMX_LOCKED_OFF:
		block(r, "VMX locked off by firmware (IA32_FEATURE_CONTROL = "
		      "0x%" PRIx64 ": locked, VMXON outside SMX disabled); "
		      "enable VT-x in the firmware setup", in->fc.v);
		break;
	case PROBE_VMX_UNKNOWN:
		unsure(r, "whether VMX is enabled: %s", in->fc_lock.why);
		break;
	case PROBE_VMX_UNLOCKED:
		add_note(r, "IA32_FEATURE_CONTROL is not locked: hvx may set "
			 "and lock it (as firmware would)");
		break;
	case PROBE_VMX_LOCKED_ON:
		break;
	}
}

static void ept_verdict(struct probe_report *r)
{
	struct probe_intel *in = &r->intel;

	if (in->ept.v == PROBE_UNKNOWN)
		unsure(r, "whether EPT is supported: %s", in->ept.why);
	else if (in->secondary.v == PROBE_NO)
		block(r, "no EPT: secondary controls cannot be activated "
		      "(IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 = 0); hvx "
		      "requires EPT");
	else if (in->ept.v == PROBE_NO)
		block(r, "no EPT (IA32_VMX_PROCBASED_CTLS2 allowed-1 bit 1 = 0); "
		      "hvx requires EPT");
	if (in->ept.v != PROBE_YES)
		return;
	if (in->pwl4.v == PROBE_UNKNOWN)
		unsure(r, "EPT page-walk length: %s", in->pwl4.why);
	else if (in->pwl4.v == PROBE_NO)
		block(r, "EPT cannot use 4-level page walks "
		      "(IA32_VMX_EPT_VPID_CAP bit 6 = 0); hvx requires them");
	if (in->ept_wb.v == PROBE_NO)
		add_note(r, "EPT paging structures cannot be write-back "
			 "(IA32_VMX_EPT_VPID_CAP bit 14 = 0): they will be "
			 "uncached, which is slow");
}

/* Append "CR0.NE must be 1 (IA32_VMX_CR0_FIXED0)" for the bits in mask. */
static void fixed_part(char *buf, size_t n, const char *reg, uint64_t mask,
		       bool must_be_1)
{
	char bits[PROBE_REASON_MAX / 2];
	size_t len = strlen(buf);

	if (!mask)
		return;
	bits_str(bits, sizeof(bits), reg, mask, reg[2] == '0' ?
		 probe_cr0_bit_name : probe_cr4_bit_name);
	snprintf(buf + len, n - len, "%s%s must be %d (IA32_VMX_%s_FIXED%d)",
		 len ? "; " : "", bits, must_be_1, reg, must_be_1 ? 0 : 1);
}

static void fixed_verdict(struct probe_report *r)
{
	struct probe_intel *in = &r->intel;
	char b[PROBE_REASON_MAX] = "";

	if (in->fixed_ok.v == PROBE_UNKNOWN && in->vmx)
		unsure(r, "CR0/CR4 against the VMX fixed bits: %s",
		       in->fixed_ok.why);
	if (in->fixed_ok.v == PROBE_UNKNOWN)
		return;
	if (in->cr4_set & CR4_VMXE)
		add_note(r, "CR4.VMXE must be 1 for VMXON "
			 "(IA32_VMX_CR4_FIXED0): hvx sets it itself, expected");
	if (in->fixed_ok.v == PROBE_YES)
		return;
	fixed_part(b, sizeof(b), "CR0", in->cr0_set, true);
	fixed_part(b, sizeof(b), "CR0", in->cr0_clear, false);
	fixed_part(b, sizeof(b), "CR4", in->cr4_set & ~CR4_VMXE, true);
	fixed_part(b, sizeof(b), "CR4", in->cr4_clear, false);
	block(r, "VMXON would fail: %s", b);
}

static void intel_eval(const struct probe_facts *f, struct probe_report *r)
{
	intel_facts(f, &r->intel);
	fixed_eval(f, r);
	vmx_state_verdict(r);
	if (!r->intel.vmx)
		return;
	ept_verdict(r);
	owned_verdict(r, "VMX", "kvm_intel");
	fixed_verdict(r);
}

/* ----------------------------------------------------------- verdict */

static void final_verdict(struct probe_report *r)
{
	const char *ext = is_amd(r) ? "SVM" : "VMX";

	if (r->reason[0]) {
		r->verdict = PROBE_CANNOT_RUN;
		snprintf(r->verdict_text, sizeof(r->verdict_text),
			 "hvx cannot run here: %s", r->reason);
	} else if (r->unsure[0]) {
		r->verdict = PROBE_UNCONFIRMED;
		snprintf(r->verdict_text, sizeof(r->verdict_text),
			 "cannot confirm: %s", r->unsure);
	} else {
		r->verdict = PROBE_CAN_RUN;
		snprintf(r->verdict_text, sizeof(r->verdict_text),
			 "hvx can run here (%s)", ext);
	}
}

static void hypervisor_note(struct probe_report *r)
{
	if (!r->hypervisor)
		return;
	add_note(r, "running under a hypervisor%s%s%s: hvx would be a nested "
		 "hypervisor, only as good as the outer one's emulation",
		 r->hv_sig_known ? " (\"" : "",
		 r->hv_sig_known ? r->hv_sig : "",
		 r->hv_sig_known ? "\")" : "");
}

void probe_eval(const struct probe_facts *f, struct probe_report *r)
{
	memset(r, 0, sizeof(*r));
	cpu_eval(f, r);
	owned_eval(f, r);
	if (r->vendor_kind == PROBE_VENDOR_UNKNOWN)
		unsure(r, "the CPU vendor (CPUID leaf 0 not recorded)");
	else if (is_amd(r))
		amd_eval(f, r);
	else if (r->vendor_kind == PROBE_VENDOR_INTEL)
		intel_eval(f, r);
	else
		block(r, "unsupported CPU vendor \"%s\" (hvx supports AMD SVM "
		      "and Intel VMX)", r->vendor);
	if (f->ncpus_seen > f->ncpus)
		add_note(r, "cpu_state had %u CPUs; only the first %u were "
			 "checked", f->ncpus_seen, f->ncpus);
	hypervisor_note(r);
	final_verdict(r);
}

/* -------------------------------------------------------------- text */

#define NAME_W	34

static void kv(FILE *out, const char *name, const char *fmt, ...)
{
	char label[64];
	va_list ap;

	snprintf(label, sizeof(label), "%s:", name);
	fprintf(out, "  %-*s ", NAME_W, label);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static void kv_val(FILE *out, const char *name, const struct probe_val *pv)
{
	if (!pv->known)
		kv(out, name, "unknown: %s", pv->why);
	else if (pv->src)
		kv(out, name, "0x%" PRIx64 " (from %s)", pv->v, pv->src);
	else
		kv(out, name, "0x%" PRIx64, pv->v);
}

static void kv_flag(FILE *out, const char *name, const struct probe_flag *fl,
		    const char *yes, const char *no)
{
	if (fl->v == PROBE_UNKNOWN)
		kv(out, name, "unknown: %s", fl->why);
	else
		kv(out, name, "%s", fl->v == PROBE_YES ? yes : no);
}

static void text_owned(const struct probe_report *r, FILE *out)
{
	const char *name = "another hypervisor owns the CPU";

	if (r->owned.v == PROBE_UNKNOWN)
		kv(out, name, "unknown: %s", r->owned.why);
	else if (r->owned.v == PROBE_YES)
		kv(out, name, "yes: %s set on cpu %s", r->owned_bit,
		   r->owned_cpus);
	else if (r->ncpus_checked)
		kv(out, name, "no: %s clear on all %u CPUs (hvx.ko cpu_state)",
		   r->owned_bit, r->ncpus_checked);
	else
		kv(out, name, "no: %s clear on cpu 0 (others not checked)",
		   r->owned_bit);
}

static void text_cpu(const struct probe_report *r, FILE *out)
{
	fprintf(out, "CPU\n");
	kv(out, "vendor", "%s", r->vendor_kind == PROBE_VENDOR_UNKNOWN ?
	   "unknown (CPUID leaf 0 not recorded)" : r->vendor);
	if (!r->hypervisor)
		kv(out, "under a hypervisor", "no (CPUID.1:ECX[31] = 0)");
	else if (r->hv_sig_known)
		kv(out, "under a hypervisor", "yes, signature \"%s\"", r->hv_sig);
	else
		kv(out, "under a hypervisor", "yes (CPUID.1:ECX[31] = 1)");
	kv_val(out, "CR0", &r->cr0);
	kv_val(out, "CR4", &r->cr4);
	kv_val(out, "EFER", &r->efer);
	text_owned(r, out);
}

static const char *svm_state_text(enum probe_svm_state s)
{
	switch (s) {
	case PROBE_SVM_NOT_AVAILABLE:
		return "SVM not available";
	case PROBE_SVM_ALLOWED:
		return "SVM allowed (VM_CR.SVMDIS = 0)";
	case PROBE_SVM_DISABLED_BIOS:
		return "disabled by firmware (BIOS); no key can unlock it; "
		       "enable SVM in the firmware setup";
	case PROBE_SVM_DISABLED_KEY:
		return "disabled with a key; can be unlocked only with the SVM "
		       "key (VM_CR.LOCK / SVM_KEY MSR C001_0118h) by the firmware";
	case PROBE_SVM_UNKNOWN:
		break;
	}
	return "unknown: VM_CR could not be read";
}

static const char *svm_state_key(enum probe_svm_state s)
{
	static const char *const k[] = {
		[PROBE_SVM_NOT_AVAILABLE] = "not_available",
		[PROBE_SVM_ALLOWED] = "allowed",
		[PROBE_SVM_DISABLED_BIOS] = "disabled_by_firmware",
		[PROBE_SVM_DISABLED_KEY] = "disabled_with_key",
		[PROBE_SVM_UNKNOWN] = "unknown",
	};
	return k[s];
}

static void text_svm_features(const struct probe_amd *a, FILE *out)
{
	uint32_t named = 0;
	unsigned int i;

	kv(out, "features (Fn8000_000A_EDX)", "0x%08x", a->features);
	for (i = 0; i < probe_nsvm_features; i++) {
		const struct probe_svm_feature *ft = &probe_svm_features[i];

		named |= (uint32_t)BIT(ft->bit);
		fprintf(out, "    %-2u %-24s %-8s %s\n", ft->bit, ft->name,
			a->features & BIT(ft->bit) ? "present" : "absent",
			ft->desc);
	}
	for (i = 0; i < 32; i++)
		if ((a->features & ~named) & BIT(i))
			fprintf(out, "    %-2u %-24s %-8s %s\n", i, "?",
				"present", "(not named by hvx probe)");
}

static void text_amd(const struct probe_report *r, FILE *out)
{
	const struct probe_amd *a = &r->amd;

	fprintf(out, "\nAMD SVM (APM Vol. 2, 15.4 \"Enabling SVM\")\n");
	kv(out, "SVM (Fn8000_0001_ECX[2])", "%s", yesno(a->svm));
	if (!a->svm) {
		kv(out, "state", "%s", svm_state_text(a->state));
		return;
	}
	kv_val(out, "VM_CR (MSR C001_0114h)", &a->vm_cr);
	if (a->vm_cr.known) {
		kv_flag(out, "VM_CR.SVMDIS (bit 4)", &a->svmdis, "1", "0");
		kv_flag(out, "VM_CR.LOCK (bit 3)", &a->vm_cr_lock, "1", "0");
	}
	if (a->svm_leaf)
		kv(out, "SVML (Fn8000_000A_EDX[2])", "%s", yesno(a->svml));
	kv(out, "state", "%s", svm_state_text(a->state));
	kv_val(out, "VM_HSAVE_PA (MSR C001_0117h)", &a->hsave_pa);
	if (!a->svm_leaf) {
		kv(out, "Fn8000_000A", "not reported (max extended leaf 0x%x)",
		   a->max_ext);
		return;
	}
	kv(out, "SVM revision (Fn8000_000A_EAX)", "%u", a->revision);
	kv(out, "ASIDs (Fn8000_000A_EBX)", "%u", a->nasid);
	kv(out, "nested paging (required)", "%s", a->npt ? "yes" :
	   "NO: hvx cannot run without NPT");
	text_svm_features(a, out);
}

static void text_mem(const struct probe_report *r, FILE *out)
{
	const struct probe_amd *a = &r->amd;

	fprintf(out, "\nMemory encryption (Fn8000_001F, SYSCFG)\n");
	if (!a->mem_leaf) {
		kv(out, "Fn8000_001F", "not reported (max extended leaf 0x%x)",
		   a->max_ext);
	} else {
		kv(out, "SME (EAX[0])", "%s", yesno(a->sme));
		kv(out, "SEV (EAX[1])", "%s", yesno(a->sev));
		kv(out, "SEV-ES (EAX[3])", "%s", yesno(a->sev_es));
		kv(out, "SEV-SNP (EAX[4])", "%s", yesno(a->sev_snp));
		kv(out, "C-bit position (EBX[5:0])", "%u", a->cbit);
		kv(out, "phys addr reduction (EBX[11:6])", "%u",
		   a->phys_reduction);
		kv(out, "encrypted guests (ECX)", "%u", a->enc_guests);
		kv(out, "min SEV-only ASID (EDX)", "%u", a->min_sev_asid);
	}
	kv_val(out, "SYSCFG (MSR C001_0010h)", &a->syscfg);
	kv_flag(out, "MemEncryptionModEn (SYSCFG[23])", &a->mem_enc_mod_en,
		"1 (SME enabled)", "0");
}

static const char *vmx_state_text(enum probe_vmx_state s)
{
	switch (s) {
	case PROBE_VMX_NOT_AVAILABLE:
		return "VMX not available";
	case PROBE_VMX_LOCKED_ON:
		return "locked, VMXON outside SMX enabled: usable";
	case PROBE_VMX_LOCKED_OFF:
		return "locked off by firmware; enable VT-x in the firmware setup";
	case PROBE_VMX_UNLOCKED:
		return "unlocked: hvx may set and lock it (as firmware would)";
	case PROBE_VMX_UNKNOWN:
		break;
	}
	return "unknown: IA32_FEATURE_CONTROL could not be read";
}

static const char *vmx_state_key(enum probe_vmx_state s)
{
	static const char *const k[] = {
		[PROBE_VMX_NOT_AVAILABLE] = "not_available",
		[PROBE_VMX_LOCKED_ON] = "locked_on",
		[PROBE_VMX_LOCKED_OFF] = "locked_off",
		[PROBE_VMX_UNLOCKED] = "unlocked",
		[PROBE_VMX_UNKNOWN] = "unknown",
	};
	return k[s];
}

/* SDM Vol. 3D, A.1: the VMCS memory type encodings used there. */
static const char *memtype_name(unsigned int t)
{
	return t == 0 ? "UC" : t == 6 ? "WB" : "reserved";
}

static void text_basic(const struct probe_intel *in, FILE *out)
{
	kv_val(out, "IA32_VMX_BASIC (MSR 480h)", &in->basic);
	if (!in->basic.known)
		return;
	kv(out, "VMCS revision id (bits 30:0)", "0x%x", in->revision);
	kv(out, "VMCS region size (bits 44:32)", "%u bytes", in->vmcs_size);
	kv(out, "VMCS memory type (bits 53:50)", "%u (%s)", in->memtype,
	   memtype_name(in->memtype));
	kv(out, "TRUE controls (bit 55)", "%s", yesno(in->true_ctls));
}

static void text_fixed_line(FILE *out, const char *name, const char *reg,
			    uint64_t set, uint64_t clear,
			    const char *(*nm)(unsigned int))
{
	char s[128], c[128];

	if (!set && !clear) {
		kv(out, name, "ok");
		return;
	}
	bits_str(s, sizeof(s), reg, set, nm);
	bits_str(c, sizeof(c), reg, clear, nm);
	kv(out, name, "%s%s%s%s%s", s[0] ? "must be 1: " : "", s,
	   s[0] && c[0] ? "; " : "", c[0] ? "must be 0: " : "", c);
}

static void text_fixed(const struct probe_intel *in, FILE *out)
{
	if (in->fixed_ok.v == PROBE_UNKNOWN) {
		kv(out, "CR0/CR4 vs VMX fixed bits", "unknown: %s",
		   in->fixed_ok.why);
		return;
	}
	text_fixed_line(out, "CR0 vs CR0_FIXED0/1", "CR0", in->cr0_set,
			in->cr0_clear, probe_cr0_bit_name);
	text_fixed_line(out, "CR4 vs CR4_FIXED0/1", "CR4", in->cr4_set,
			in->cr4_clear, probe_cr4_bit_name);
	if (in->cr4_set & CR4_VMXE)
		kv(out, "  (CR4.VMXE)", "set by hvx itself: expected");
}

/* Unknown flags that only repeat their MSR's reason are left out. */
static void text_caps(const struct probe_intel *in, FILE *out)
{
	kv_flag(out, "secondary controls (482h[63])", &in->secondary,
		"yes", "no");
	kv_flag(out, "EPT (48Bh[33], required)", &in->ept, "yes",
		"NO: hvx cannot run without EPT");
	if (in->secondary.v == PROBE_UNKNOWN)
		return;
	kv_flag(out, "VPID (48Bh[37])", &in->vpid, "yes", "no");
	kv_flag(out, "unrestricted guest (48Bh[39])", &in->ug, "yes", "no");
	kv_val(out, "IA32_VMX_EPT_VPID_CAP (48Ch)", &in->ept_cap);
	if (!in->ept_cap.known)
		return;
	kv_flag(out, "EPT page-walk length 4 (bit 6)", &in->pwl4, "yes", "no");
	kv_flag(out, "EPT WB memory type (bit 14)", &in->ept_wb, "yes", "no");
	kv_flag(out, "EPT 2MB pages (bit 16)", &in->ept_2m, "yes", "no");
	kv_flag(out, "INVEPT (bit 20)", &in->invept, "yes", "no");
	kv_flag(out, "INVVPID (bit 32)", &in->invvpid, "yes", "no");
}

static void text_intel(const struct probe_report *r, FILE *out)
{
	const struct probe_intel *in = &r->intel;

	fprintf(out, "\nIntel VMX (SDM Vol. 3C, 24.6 and 24.7)\n");
	kv(out, "VMX (CPUID.1:ECX[5])", "%s", yesno(in->vmx));
	kv(out, "SMX (CPUID.1:ECX[6])", "%s", yesno(in->smx));
	if (!in->vmx)
		return;
	kv_val(out, "IA32_FEATURE_CONTROL (MSR 3Ah)", &in->fc);
	if (in->fc.known) {
		kv_flag(out, "lock (bit 0)", &in->fc_lock, "1", "0");
		kv_flag(out, "VMXON inside SMX (bit 1)", &in->fc_smx, "1", "0");
		kv_flag(out, "VMXON outside SMX (bit 2)", &in->fc_outside_smx,
			"1", "0");
	}
	kv(out, "state", "%s", vmx_state_text(in->state));
	text_basic(in, out);
	text_fixed(in, out);
	text_caps(in, out);
}

void probe_render_text(const struct probe_report *r, FILE *out)
{
	unsigned int i;

	text_cpu(r, out);
	if (is_amd(r)) {
		text_amd(r, out);
		text_mem(r, out);
	} else if (r->vendor_kind == PROBE_VENDOR_INTEL) {
		text_intel(r, out);
	}
	fprintf(out, "\nVerdict\n  %s\n", r->verdict_text);
	if (r->verdict == PROBE_CANNOT_RUN && r->unsure[0])
		fprintf(out, "  also unconfirmed: %s\n", r->unsure);
	for (i = 0; i < r->nnotes; i++)
		fprintf(out, "  note: %s\n", r->notes[i]);
}

/* -------------------------------------------------------------- JSON */

struct jw {
	FILE *f;
	int depth;
	bool first;	/* nothing written yet in the current object/array */
};

/* RFC 8259, 7 "Strings": escape quote, backslash and control bytes. */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p >= 0x7f)
			/* bytes >= 0x7f: keep the output valid UTF-8 */
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void jw_key(struct jw *w, const char *key)
{
	fprintf(w->f, "%s\n%*s", w->first ? "" : ",", 2 * w->depth, "");
	w->first = false;
	if (key) {
		json_str(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	fputc(c, w->f);
	w->depth++;
	w->first = true;
}

static void jw_close(struct jw *w, char c)
{
	w->depth--;
	if (!w->first)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
	w->first = false;
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		json_str(w->f, s);
	else
		fputs("null", w->f);
}

static void jw_bool(struct jw *w, const char *key, bool b)
{
	jw_key(w, key);
	fputs(b ? "true" : "false", w->f);
}

static void jw_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

/* 64-bit register values as hex strings: JSON numbers lose bits past 2^53. */
static void jw_hex(struct jw *w, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jw_str(w, key, buf);
}

/* null plus "KEY_why" */
static void jw_null_why(struct jw *w, const char *key, const char *why)
{
	char k[64];

	jw_str(w, key, NULL);
	snprintf(k, sizeof(k), "%s_why", key);
	jw_str(w, k, why);
}

static void jw_val(struct jw *w, const char *key, const struct probe_val *pv)
{
	char k[64];

	if (!pv->known) {
		jw_null_why(w, key, pv->why);
		return;
	}
	jw_hex(w, key, pv->v);
	if (pv->src) {
		snprintf(k, sizeof(k), "%s_source", key);
		jw_str(w, k, pv->src);
	}
}

static void jw_flag(struct jw *w, const char *key, const struct probe_flag *fl)
{
	if (fl->v == PROBE_UNKNOWN)
		jw_null_why(w, key, fl->why);
	else
		jw_bool(w, key, fl->v == PROBE_YES);
}

static const char *vendor_key(enum probe_vendor v)
{
	static const char *const k[] = {
		[PROBE_VENDOR_UNKNOWN] = "unknown",
		[PROBE_VENDOR_AMD] = "amd",
		[PROBE_VENDOR_HYGON] = "hygon",
		[PROBE_VENDOR_INTEL] = "intel",
		[PROBE_VENDOR_OTHER] = "other",
	};
	return k[v];
}

static void json_cpu(struct jw *w, const struct probe_report *r)
{
	jw_str(w, "vendor", r->vendor_kind == PROBE_VENDOR_UNKNOWN ?
	       NULL : r->vendor);
	jw_str(w, "vendor_kind", vendor_key(r->vendor_kind));
	jw_bool(w, "hypervisor_present", r->hypervisor);
	if (r->hv_sig_known)
		jw_str(w, "hypervisor_signature", r->hv_sig);
	else
		jw_null_why(w, "hypervisor_signature", r->hypervisor ?
			    "CPUID 0x40000000 not recorded" :
			    "no hypervisor (CPUID.1:ECX[31] = 0)");
	jw_val(w, "cr0", &r->cr0);
	jw_val(w, "cr4", &r->cr4);
	jw_val(w, "efer", &r->efer);
	jw_flag(w, "other_hypervisor_owns_cpu", &r->owned);
	jw_str(w, "owner_bit", r->owned_bit);
	jw_str(w, "owner_cpus", r->owned.v == PROBE_YES ? r->owned_cpus : NULL);
	jw_uint(w, "cpus_checked", r->ncpus_checked ? r->ncpus_checked : 1);
}

static void json_svm_features(struct jw *w, const struct probe_amd *a)
{
	unsigned int i;

	jw_hex(w, "features_edx", a->features);
	jw_open(w, "features", '{');
	for (i = 0; i < probe_nsvm_features; i++)
		jw_bool(w, probe_svm_features[i].key,
			a->features & BIT(probe_svm_features[i].bit));
	jw_close(w, '}');
}

static void json_svm_leaf(struct jw *w, const struct probe_amd *a)
{
	static const char *const keys[] = {
		"svml", "svm_revision", "asids", "npt", "features_edx",
		"features",
	};
	unsigned int i;

	if (!a->svm_leaf) {
		for (i = 0; i < 6; i++)
			jw_null_why(w, keys[i], a->svm ?
				    "CPUID Fn8000_000A not reported" :
				    "SVM not available");
		return;
	}
	jw_bool(w, "svml", a->svml);
	jw_uint(w, "svm_revision", a->revision);
	jw_uint(w, "asids", a->nasid);
	jw_bool(w, "npt", a->npt);
	json_svm_features(w, a);
}

static void json_amd(struct jw *w, const struct probe_report *r)
{
	const struct probe_amd *a = &r->amd;

	jw_open(w, "amd_svm", '{');
	jw_bool(w, "svm_available", a->svm);
	jw_val(w, "vm_cr", &a->vm_cr);
	jw_flag(w, "svmdis", &a->svmdis);
	jw_flag(w, "vm_cr_lock", &a->vm_cr_lock);
	json_svm_leaf(w, a);
	jw_str(w, "state", svm_state_key(a->state));
	jw_str(w, "state_text", svm_state_text(a->state));
	jw_val(w, "vm_hsave_pa", &a->hsave_pa);
	jw_close(w, '}');
}

static void json_mem_leaf(struct jw *w, const struct probe_amd *a)
{
	static const char *const keys[] = {
		"sme", "sev", "sev_es", "sev_snp", "c_bit_position",
		"phys_addr_reduction", "encrypted_guests", "min_sev_asid",
	};
	unsigned int i;

	if (!a->mem_leaf) {
		for (i = 0; i < 8; i++)
			jw_null_why(w, keys[i], "CPUID Fn8000_001F not reported");
		return;
	}
	jw_bool(w, "sme", a->sme);
	jw_bool(w, "sev", a->sev);
	jw_bool(w, "sev_es", a->sev_es);
	jw_bool(w, "sev_snp", a->sev_snp);
	jw_uint(w, "c_bit_position", a->cbit);
	jw_uint(w, "phys_addr_reduction", a->phys_reduction);
	jw_uint(w, "encrypted_guests", a->enc_guests);
	jw_uint(w, "min_sev_asid", a->min_sev_asid);
}

static void json_mem(struct jw *w, const struct probe_report *r)
{
	const struct probe_amd *a = &r->amd;

	jw_open(w, "memory_encryption", '{');
	jw_hex(w, "max_extended_leaf", a->max_ext);
	jw_bool(w, "leaf_available", a->mem_leaf);
	json_mem_leaf(w, a);
	jw_val(w, "syscfg", &a->syscfg);
	jw_flag(w, "mem_encryption_mod_en", &a->mem_enc_mod_en);
	jw_close(w, '}');
}

static void json_fixed(struct jw *w, const struct probe_intel *in)
{
	static const char *const keys[] = {
		"cr0_must_set", "cr0_must_clear", "cr4_must_set",
		"cr4_must_clear",
	};
	const uint64_t v[] = {
		in->cr0_set, in->cr0_clear, in->cr4_set, in->cr4_clear,
	};
	unsigned int i;

	jw_flag(w, "cr_fixed_ok", &in->fixed_ok);
	for (i = 0; i < 4; i++) {
		if (in->fixed_ok.v == PROBE_UNKNOWN)
			jw_null_why(w, keys[i], in->fixed_ok.why);
		else
			jw_hex(w, keys[i], v[i]);
	}
}

static void json_basic(struct jw *w, const struct probe_intel *in)
{
	static const char *const keys[] = {
		"vmcs_revision_id", "vmcs_size", "vmcs_memory_type",
		"true_controls",
	};
	unsigned int i;

	jw_val(w, "vmx_basic", &in->basic);
	if (!in->basic.known) {
		for (i = 0; i < 4; i++)
			jw_null_why(w, keys[i], in->basic.why);
		return;
	}
	jw_uint(w, "vmcs_revision_id", in->revision);
	jw_uint(w, "vmcs_size", in->vmcs_size);
	jw_uint(w, "vmcs_memory_type", in->memtype);
	jw_bool(w, "true_controls", in->true_ctls);
}

static void json_intel(struct jw *w, const struct probe_report *r)
{
	const struct probe_intel *in = &r->intel;

	jw_open(w, "intel_vmx", '{');
	jw_bool(w, "vmx_available", in->vmx);
	jw_bool(w, "smx_available", in->smx);
	jw_val(w, "feature_control", &in->fc);
	jw_flag(w, "feature_control_locked", &in->fc_lock);
	jw_flag(w, "vmxon_inside_smx", &in->fc_smx);
	jw_flag(w, "vmxon_outside_smx", &in->fc_outside_smx);
	jw_str(w, "state", vmx_state_key(in->state));
	jw_str(w, "state_text", vmx_state_text(in->state));
	json_basic(w, in);
	json_fixed(w, in);
	jw_flag(w, "secondary_controls", &in->secondary);
	jw_flag(w, "ept", &in->ept);
	jw_flag(w, "vpid", &in->vpid);
	jw_flag(w, "unrestricted_guest", &in->ug);
	jw_val(w, "ept_vpid_cap", &in->ept_cap);
	jw_flag(w, "ept_page_walk_4", &in->pwl4);
	jw_flag(w, "ept_wb", &in->ept_wb);
	jw_flag(w, "ept_2mb_pages", &in->ept_2m);
	jw_flag(w, "invept", &in->invept);
	jw_flag(w, "invvpid", &in->invvpid);
	jw_close(w, '}');
}

/* The MSRs of this vendor, raw: value or null with why. */
static void json_msrs(struct jw *w, const struct probe_report *r)
{
	enum probe_vendor v = is_amd(r) ? PROBE_VENDOR_AMD : r->vendor_kind;
	char idx[16];
	int i;

	jw_open(w, "msrs", '[');
	for (i = 0; i < PROBE_NMSR; i++) {
		if (probe_msrs[i].vendor != v)
			continue;
		jw_open(w, NULL, '{');
		jw_str(w, "name", probe_msrs[i].name);
		snprintf(idx, sizeof(idx), "0x%x", probe_msrs[i].index);
		jw_str(w, "index", idx);
		jw_val(w, "value", &r->msr[i]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void json_verdict(struct jw *w, const struct probe_report *r)
{
	static const char *const k[] = {
		[PROBE_CAN_RUN] = "can_run",
		[PROBE_CANNOT_RUN] = "cannot_run",
		[PROBE_UNCONFIRMED] = "cannot_confirm",
	};
	unsigned int i;

	jw_str(w, "verdict", k[r->verdict]);
	jw_str(w, "verdict_text", r->verdict_text);
	jw_str(w, "reason", r->reason[0] ? r->reason : NULL);
	jw_str(w, "unconfirmed", r->unsure[0] ? r->unsure : NULL);
	jw_uint(w, "exit_status", (uint64_t)r->verdict);
	jw_open(w, "notes", '[');
	for (i = 0; i < r->nnotes; i++)
		jw_str(w, NULL, r->notes[i]);
	jw_close(w, ']');
}

void probe_render_json(const struct probe_report *r, FILE *out)
{
	struct jw w = { .f = out, .depth = 0, .first = true };
	bool amd = is_amd(r);
	bool intel = r->vendor_kind == PROBE_VENDOR_INTEL;

	fputc('{', out);
	w.depth = 1;
	json_cpu(&w, r);
	if (amd) {
		json_amd(&w, r);
		json_mem(&w, r);
	} else {
		jw_str(&w, "amd_svm", NULL);
		jw_str(&w, "memory_encryption", NULL);
	}
	if (intel)
		json_intel(&w, r);
	else
		jw_str(&w, "intel_vmx", NULL);
	json_msrs(&w, r);
	json_verdict(&w, r);
	jw_close(&w, '}');
	fputc('\n', out);
}

/* The inverse of probe_parse_facts: what was gathered, as a facts file. */
void probe_dump_facts(const struct probe_facts *f, FILE *out)
{
	unsigned int i;

	for (i = 0; i < PROBE_NCPUID; i++) {
		const struct probe_cpuid *c = &f->cpuid[i];

		if (c->present)
			fprintf(out, "cpuid %#x 0 %#x %#x %#x %#x\n", probe_cpuid_leaves[i],
				c->eax, c->ebx, c->ecx, c->edx);
	}
	for (i = 0; i < PROBE_NMSR; i++) {
		const struct probe_val *v = &f->msr[i];

		if (v->known)
			fprintf(out, "msr %#x %#llx\n", probe_msrs[i].index,
				(unsigned long long)v->v);
		else
			fprintf(out, "msr %#x unknown %s\n", probe_msrs[i].index, v->why);
	}
	for (i = 0; i < f->ncpus; i++)
		fprintf(out, "cpu=%u cr0=%#llx cr4=%#llx efer=%#llx\n", f->cpus[i].cpu,
			(unsigned long long)f->cpus[i].cr0,
			(unsigned long long)f->cpus[i].cr4,
			(unsigned long long)f->cpus[i].efer);
}
