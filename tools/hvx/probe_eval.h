/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_eval: decide whether hvx can run on a machine from raw facts.
 *
 * Pure logic, split from tools/hvx/probe.c so that recorded machines can be
 * replayed by the unit tests: probe.c (or a facts file) fills a struct
 * probe_facts, probe_eval() turns it into a struct probe_report, and the
 * renderers print that report as text or JSON.  Nothing here touches the
 * machine; the only I/O is writing to the FILE * the caller hands in.
 *
 * Facts file format (one fact per line, '#' starts a comment, numbers are
 * C literals: 0x1f, 31; later lines override earlier ones):
 *
 *   cpuid LEAF SUBLEAF EAX EBX ECX EDX    CPUID output; SUBLEAF must be 0
 *   msr INDEX VALUE                       an MSR that was read
 *   msr INDEX unknown REASON...           an MSR that could not be read
 *   cr0|cr4|efer VALUE                    a control register of cpu 0
 *   cr0|cr4|efer unknown REASON...        ... that could not be read
 *   cpu=N cr0=0x.. cr4=0x.. efer=0x..     a line of hvx.ko's cpu_state
 *
 * Only the CPUID leaves of probe_cpuid_leaves[] and the MSRs of
 * probe_msrs[] are accepted; anything else is an error, so that a typo
 * in a fixture cannot silently turn into "not recorded".
 */
#ifndef HVX_PROBE_EVAL_H
#define HVX_PROBE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROBE_WHY_MAX		160
/* A flag's why may prefix a value's why with the MSR it came from. */
#define PROBE_FLAG_WHY_MAX	(PROBE_WHY_MAX + 64)
#define PROBE_REASON_MAX	320
#define PROBE_MAX_CPUS		1024
#define PROBE_MAX_NOTES		8
#define PROBE_CPULIST_MAX	96

/* The path hvx.ko exposes its per-CPU CR0/CR4/EFER at. */
#ifndef PROBE_CPU_STATE_PATH
#define PROBE_CPU_STATE_PATH	"/sys/module/hvx/parameters/cpu_state"
#endif
/* Why CR0/CR4 are unknown unless hvx.ko told us. */
#define PROBE_CR_WHY_DEFAULT \
	"not readable from user space; load hvx.ko to check"

/* ---------------------------------------------------------------- facts */

enum probe_cpuid_id {
	PROBE_CPUID_0,		/* max basic leaf, vendor */
	PROBE_CPUID_1,		/* VMX, SMX, hypervisor bit */
	PROBE_CPUID_7,
	PROBE_CPUID_HV,		/* 0x40000000 hypervisor signature */
	PROBE_CPUID_X0,		/* 0x80000000 max extended leaf */
	PROBE_CPUID_X1,		/* 0x80000001 SVM bit */
	PROBE_CPUID_SVM,	/* 0x8000000A SVM features */
	PROBE_CPUID_MEM,	/* 0x8000001F memory encryption */
	PROBE_NCPUID
};

extern const uint32_t probe_cpuid_leaves[PROBE_NCPUID];

struct probe_cpuid {
	bool present;		/* recorded at all */
	uint32_t eax, ebx, ecx, edx;
};

enum probe_vendor {
	PROBE_VENDOR_UNKNOWN,	/* CPUID leaf 0 not recorded */
	PROBE_VENDOR_AMD,
	PROBE_VENDOR_HYGON,	/* AMD-derived: same SVM interface */
	PROBE_VENDOR_INTEL,
	PROBE_VENDOR_OTHER,
};

enum probe_msr_id {
	/* AMD */
	PROBE_MSR_VM_CR,
	PROBE_MSR_EFER,
	PROBE_MSR_SYSCFG,
	PROBE_MSR_VM_HSAVE_PA,
	/* Intel */
	PROBE_MSR_FEATURE_CONTROL,
	PROBE_MSR_VMX_BASIC,
	PROBE_MSR_VMX_PINBASED,
	PROBE_MSR_VMX_PROCBASED,
	PROBE_MSR_VMX_EXIT,
	PROBE_MSR_VMX_ENTRY,
	PROBE_MSR_VMX_MISC,
	PROBE_MSR_VMX_CR0_FIXED0,
	PROBE_MSR_VMX_CR0_FIXED1,
	PROBE_MSR_VMX_CR4_FIXED0,
	PROBE_MSR_VMX_CR4_FIXED1,
	PROBE_MSR_VMX_PROCBASED2,
	PROBE_MSR_VMX_EPT_VPID_CAP,
	PROBE_MSR_VMX_TRUE_PINBASED,
	PROBE_MSR_VMX_TRUE_PROCBASED,
	PROBE_MSR_VMX_TRUE_EXIT,
	PROBE_MSR_VMX_TRUE_ENTRY,
	PROBE_NMSR
};

struct probe_msr_info {
	uint32_t index;
	const char *name;
	enum probe_vendor vendor;	/* PROBE_VENDOR_AMD or _INTEL */
};

extern const struct probe_msr_info probe_msrs[PROBE_NMSR];

/* A value that may not be known; if not, why (never a guess). */
struct probe_val {
	bool known;
	uint64_t v;
	const char *src;		/* when known: where it came from */
	char why[PROBE_WHY_MAX];	/* when unknown: why */
};

/* One line of hvx.ko's cpu_state. */
struct probe_cpu_state {
	unsigned int cpu;
	uint64_t cr0, cr4, efer;
};

struct probe_facts {
	struct probe_cpuid cpuid[PROBE_NCPUID];
	struct probe_val msr[PROBE_NMSR];
	struct probe_val cr0, cr4, efer;	/* of cpu 0 */
	unsigned int ncpus;		/* cpu_state lines kept */
	unsigned int ncpus_seen;	/* cpu_state lines seen */
	struct probe_cpu_state cpus[PROBE_MAX_CPUS];
};

/* Everything unknown; CR0/CR4 with PROBE_CR_WHY_DEFAULT. */
void probe_facts_init(struct probe_facts *f);
int probe_cpuid_id(uint32_t leaf);		/* -1 if not one we use */
int probe_msr_id(uint32_t index);		/* -1 if not one we use */
void probe_set_cpuid(struct probe_facts *f, enum probe_cpuid_id id,
		     uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx);
void probe_set_val(struct probe_val *pv, uint64_t v, const char *src);
void probe_set_unknown(struct probe_val *pv, const char *why);
/* Parse one cpu_state line ("cpu=0 cr0=0x.. cr4=0x.. efer=0x.."). */
int probe_add_cpu_state(struct probe_facts *f, const char *line);
/*
 * Parse a facts file / cpu_state file held in memory.  On error returns
 * -1 and puts "line N: what" into err.
 */
int probe_parse_facts(struct probe_facts *f, const char *text,
		      char *err, size_t errlen);
int probe_parse_cpu_state(struct probe_facts *f, const char *text,
			  char *err, size_t errlen);
/* Write f in the facts-file format, so a machine can be recorded. */
void probe_dump_facts(const struct probe_facts *f, FILE *out);

/* --------------------------------------------------------------- report */

enum probe_tri { PROBE_NO, PROBE_YES, PROBE_UNKNOWN };

/* A yes/no answer that may be unknown, with why. */
struct probe_flag {
	enum probe_tri v;
	char why[PROBE_FLAG_WHY_MAX];
};

/* The exit status of `hvx probe` is the verdict's value. */
enum probe_verdict {
	PROBE_CAN_RUN = 0,
	PROBE_CANNOT_RUN = 1,
	PROBE_UNCONFIRMED = 2,
};

/* The four outcomes of APM Vol. 2, 15.4 "Enabling SVM", plus unknown. */
enum probe_svm_state {
	PROBE_SVM_NOT_AVAILABLE,
	PROBE_SVM_ALLOWED,
	PROBE_SVM_DISABLED_BIOS,
	PROBE_SVM_DISABLED_KEY,
	PROBE_SVM_UNKNOWN,
};

/* SDM Vol. 3C, 24.7 "Enabling and Entering VMX Operation". */
enum probe_vmx_state {
	PROBE_VMX_NOT_AVAILABLE,
	PROBE_VMX_LOCKED_ON,
	PROBE_VMX_LOCKED_OFF,
	PROBE_VMX_UNLOCKED,
	PROBE_VMX_UNKNOWN,
};

struct probe_svm_feature {
	unsigned int bit;
	const char *name;	/* as the APM names it */
	const char *key;	/* JSON key */
	const char *desc;
};

extern const struct probe_svm_feature probe_svm_features[];
extern const unsigned int probe_nsvm_features;

struct probe_amd {
	bool svm;			/* Fn8000_0001_ECX[2] */
	bool svm_leaf;			/* Fn8000_000A reported */
	uint32_t revision;		/* Fn8000_000A_EAX[7:0] */
	uint32_t nasid;			/* Fn8000_000A_EBX */
	uint32_t features;		/* Fn8000_000A_EDX */
	bool svml, npt;
	struct probe_val vm_cr;
	struct probe_flag svmdis, vm_cr_lock;
	enum probe_svm_state state;
	struct probe_val hsave_pa;
	/* Memory encryption, Fn8000_001F and SYSCFG */
	uint32_t max_ext;
	bool mem_leaf;
	bool sme, sev, sev_es, sev_snp;
	unsigned int cbit, phys_reduction;
	uint32_t enc_guests, min_sev_asid;
	struct probe_val syscfg;
	struct probe_flag mem_enc_mod_en;
};

struct probe_intel {
	bool vmx, smx;			/* CPUID.1:ECX[5], [6] */
	struct probe_val fc;		/* IA32_FEATURE_CONTROL */
	struct probe_flag fc_lock, fc_smx, fc_outside_smx;
	enum probe_vmx_state state;
	struct probe_val basic;		/* IA32_VMX_BASIC */
	uint32_t revision;
	unsigned int vmcs_size, memtype;
	bool true_ctls;
	/* CR0/CR4 against the FIXED MSRs: bits VMXON wants changed */
	struct probe_flag fixed_ok;	/* YES: nothing but CR4.VMXE */
	uint64_t cr0_set, cr0_clear, cr4_set, cr4_clear;
	struct probe_flag secondary, ept, vpid, ug;
	struct probe_val ept_cap;	/* IA32_VMX_EPT_VPID_CAP */
	struct probe_flag pwl4, ept_wb, ept_2m, invept, invvpid;
};

struct probe_report {
	char vendor[13];
	enum probe_vendor vendor_kind;
	bool hypervisor;		/* CPUID.1:ECX[31] */
	bool hv_sig_known;
	char hv_sig[13];
	struct probe_val cr0, cr4, efer;
	/* another hypervisor has EFER.SVME / CR4.VMXE set */
	struct probe_flag owned;
	const char *owned_bit;		/* "EFER.SVME" or "CR4.VMXE" */
	char owned_cpus[PROBE_CPULIST_MAX];
	unsigned int ncpus_checked;	/* 0: cpu 0 only, from an MSR/fact */
	struct probe_amd amd;
	struct probe_intel intel;
	enum probe_verdict verdict;
	char reason[PROBE_REASON_MAX];	/* first reason it cannot run */
	char unsure[PROBE_REASON_MAX];	/* first check that was not made */
	char verdict_text[PROBE_REASON_MAX + 32];
	unsigned int nnotes;
	char notes[PROBE_MAX_NOTES][PROBE_REASON_MAX];
	struct probe_val msr[PROBE_NMSR];	/* raw, for the listing */
};

void probe_eval(const struct probe_facts *f, struct probe_report *r);
/* Sections "CPU", "AMD SVM", "Memory encryption", "Intel VMX", "Verdict". */
void probe_render_text(const struct probe_report *r, FILE *out);
/*
 * One JSON object; snake_case keys; an unknown value is null with a
 * "KEY_why" string beside it; register and MSR values are hex strings
 * ("0xd01") because JSON numbers lose bits past 2^53.
 */
void probe_render_json(const struct probe_report *r, FILE *out);

/* Names of a CR0 / CR4 bit ("NE", "VMXE"); NULL if it has none. */
const char *probe_cr0_bit_name(unsigned int bit);
const char *probe_cr4_bit_name(unsigned int bit);

#endif /* HVX_PROBE_EVAL_H */
