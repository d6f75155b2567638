// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pure local APIC rules in kernel/irq/lapic.h, on a
 * register page laid out as the hardware's (SDM Vol. 3A, Table 11-1).
 * Expected values come from the SDM sections cited in lapic.h and, where
 * KVM chooses, from KVM 6.1's arch/x86/kvm/lapic.c.
 */
#include <stdio.h>
#include <string.h>

#include "irq/lapic.h"
#include "unit.h"

static u32 page[HVX_APIC_REGS_SIZE / 4];

static void clear_page(void)
{
	memset(page, 0, sizeof(page));
}

static void set_vec(unsigned int base, u8 vec)
{
	page[hvx_apic_vec_word(base, vec) / 4] |= 1u << (vec & 31);
}

static void expect(const char *name, long long got, long long want)
{
	if (got == want)
		ok(name);
	else
		fail(name, "got %#llx, want %#llx", got, want);
}

static void test_vectors(void)
{
	clear_page();
	expect("highest: empty IRR", hvx_apic_highest_vector(page, HVX_APIC_IRR), -1);
	set_vec(HVX_APIC_IRR, 0x31);
	expect("highest: one vector", hvx_apic_highest_vector(page, HVX_APIC_IRR), 0x31);
	set_vec(HVX_APIC_IRR, 0xfe);
	set_vec(HVX_APIC_IRR, 0x20);
	expect("highest: of three", hvx_apic_highest_vector(page, HVX_APIC_IRR), 0xfe);
	expect("highest: ISR untouched", hvx_apic_highest_vector(page, HVX_APIC_ISR), -1);
	expect("IRR 0xfe in word 7 bit 30", page[(HVX_APIC_IRR + 0x70) / 4], 1u << 30);
	set_vec(HVX_APIC_ISR, 0xff);
	expect("highest: vector 255", hvx_apic_highest_vector(page, HVX_APIC_ISR), 0xff);
	expect("test_vector set", hvx_apic_test_vector(page, HVX_APIC_IRR, 0x20), 1);
	expect("test_vector clear", hvx_apic_test_vector(page, HVX_APIC_IRR, 0x21), 0);
}

/* SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
static void test_priorities(void)
{
	expect("ppr: TPR, nothing in service", hvx_apic_ppr(0x25, -1), 0x25);
	expect("ppr: in-service class above TPR", hvx_apic_ppr(0x25, 0x31), 0x30);
	expect("ppr: TPR above in-service", hvx_apic_ppr(0x45, 0x31), 0x45);
	expect("ppr: same class keeps TPR", hvx_apic_ppr(0x37, 0x3f), 0x37);
	expect("deliverable: nothing", hvx_apic_deliverable(-1, 0), -1);
	expect("deliverable: above PPR", hvx_apic_deliverable(0x41, 0x35), 0x41);
	expect("deliverable: same class blocked", hvx_apic_deliverable(0x3f, 0x30), -1);
	expect("deliverable: TPR low bits do not matter", hvx_apic_deliverable(0x3f, 0x2f), 0x3f);
	expect("deliverable: PPR 0", hvx_apic_deliverable(0x10, 0), 0x10);
}

static void test_timer_math(void)
{
	static const struct { u32 tdcr, div; } divs[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
		{ 0x4, 2 }, { 0xf, 1 },		/* bit 2 is not part of the code */
	};
	char name[64];
	unsigned int i;

	for (i = 0; i < sizeof(divs) / sizeof(divs[0]); i++) {
		snprintf(name, sizeof(name), "divide: TDCR %#x", divs[i].tdcr);
		expect(name, hvx_apic_divide(divs[i].tdcr), divs[i].div);
	}
	expect("tmcct: half left", hvx_apic_tmcct(1000, 4000, 2), 500);
	expect("tmcct: periodic wraps", hvx_apic_tmcct(5000, 4000, 1), 1000);
	expect("tmcct: expired", hvx_apic_tmcct(-5, 4000, 1), 0);
	expect("tmcct: no period", hvx_apic_tmcct(1000, 0, 1), 0);
	expect("tsc->ns: 1 s at 3 GHz", hvx_apic_tsc_to_ns(3000000000ULL, 3000000, ~0ULL >> 1),
	       1000000000LL);
	expect("tsc->ns: 1 tick at 1 GHz", hvx_apic_tsc_to_ns(1, 1000000, ~0ULL >> 1), 1);
	expect("tsc->ns: remainder kept", hvx_apic_tsc_to_ns(4500, 3000, ~0ULL >> 1), 1500000);
	expect("tsc->ns: huge delta at 1 MHz capped",
	       hvx_apic_tsc_to_ns(~0ULL, 1000, 1000000000000ULL), 1000000000000LL);
	expect("tsc->ns: at the cap", hvx_apic_tsc_to_ns(1000000, 1000, 1000000000ULL),
	       1000000000LL);
	expect("tsc->ns: just above the cap", hvx_apic_tsc_to_ns(1000001, 1000, 1000000000ULL),
	       1000000000LL);
	expect("tsc->ns: 999 ticks at 1 MHz", hvx_apic_tsc_to_ns(999, 1000, 1000000000ULL),
	       999000LL);
	expect("tsc->ns: no TSC rate", hvx_apic_tsc_to_ns(5, 0, 77), 77);
}

static void test_lvt(void)
{
	expect("lvt index: timer", hvx_apic_lvt_index(HVX_APIC_LVTT), 0);
	expect("lvt index: LINT1", hvx_apic_lvt_index(HVX_APIC_LVT1), 4);
	expect("lvt index: error", hvx_apic_lvt_index(HVX_APIC_LVT_ERROR), 5);
	expect("lvt index: CMCI absent", hvx_apic_lvt_index(HVX_APIC_LVT_CMCI), -1);
	expect("lvt index: TMICT is no LVT", hvx_apic_lvt_index(HVX_APIC_TMICT), -1);
	expect("lvt mask: timer, one-shot only", hvx_apic_lvt_write_mask(0, 0), 0x110ff);
	expect("lvt mask: timer, all modes", hvx_apic_lvt_write_mask(0, HVX_LVTT_MODE_MASK),
	       0x710ff);
	expect("lvt mask: thermal", hvx_apic_lvt_write_mask(1, HVX_LVTT_MODE_MASK), 0x117ff);
	expect("lvt mask: LINT0", hvx_apic_lvt_write_mask(3, 0), 0x1f7ff);
	expect("lvt mask: error", hvx_apic_lvt_write_mask(5, HVX_LVTT_MODE_MASK), 0x110ff);
	expect("version: 6 LVT entries", HVX_APIC_LVR_VALUE, 0x50014);
}

static void test_icr(void)
{
	struct hvx_apic_irq irq;

	/* INIT, assert, all excluding self (Linux's INIT IPI shorthand). */
	hvx_apic_icr_to_irq(0x03000000ULL << 32 | 0xc4500, false, &irq);
	expect("icr: INIT mode", irq.delivery_mode, HVX_DM_INIT);
	expect("icr: assert", irq.assert, 1);
	expect("icr: shorthand", irq.shorthand, HVX_SH_OTHERS);
	expect("icr: xAPIC destination from bits 63:56", irq.dest, 3);
	hvx_apic_icr_to_irq(0x000608ULL | (1ULL << 11) | (1ULL << 15), false, &irq);
	expect("icr: SIPI vector", irq.vector, 8);
	expect("icr: SIPI mode", irq.delivery_mode, HVX_DM_STARTUP);
	expect("icr: logical", irq.logical, 1);
	expect("icr: level", irq.level, 1);
	hvx_apic_icr_to_irq(0x12345ULL << 32 | 0x4031, true, &irq);
	expect("icr: x2APIC destination is bits 63:32", irq.dest, 0x12345);
	expect("icr: fixed vector", irq.vector, 0x31);
	expect("x2APIC ICR: bit 13 reserved", !!(HVX_X2APIC_ICR_RSVD & (1 << 13)), 1);
	expect("x2APIC ICR: level bit allowed", !!(HVX_X2APIC_ICR_RSVD & HVX_ICR_LEVEL), 0);
	expect("x2APIC ICR: destination not reserved", HVX_X2APIC_ICR_RSVD >> 32, 0);
}

static bool match(struct hvx_apic_target *t, bool from_apic, bool is_src,
		  u8 sh, bool logical, u32 dest)
{
	struct hvx_apic_irq irq = {
		.dest = dest, .vector = 0x40, .delivery_mode = HVX_DM_FIXED,
		.shorthand = sh, .logical = logical, .assert = true,
	};

	return hvx_apic_match_dest(t, from_apic, is_src, &irq);
}

static void test_physical(void)
{
	struct hvx_apic_target t = { .regs = page, .x2apic_id = 3 };

	clear_page();
	page[HVX_APIC_ID / 4] = 3u << 24;
	expect("phys xAPIC: own ID", match(&t, true, false, 0, false, 3), 1);
	expect("phys xAPIC: other ID", match(&t, true, false, 0, false, 4), 0);
	expect("phys xAPIC: broadcast 0xff", match(&t, true, false, 0, false, 0xff), 1);
	expect("phys xAPIC: IOAPIC broadcast", match(&t, false, false, 0, false, 0xff), 1);
	expect("phys xAPIC: 0xffffffff is no broadcast", match(&t, true, false, 0, false,
							       0xffffffff), 0);
	/* A changed xAPIC ID is what counts below 256 ... */
	page[HVX_APIC_ID / 4] = 7u << 24;
	expect("phys xAPIC: writable ID", match(&t, true, false, 0, false, 7), 1);
	expect("phys xAPIC: old ID no longer", match(&t, true, false, 0, false, 3), 0);
	/* ... and above 255 the x2APIC ID (KVM's hot-plug rule). */
	t.x2apic_id = 0x103;
	expect("phys xAPIC: x2APIC ID above 255", match(&t, true, false, 0, false, 0x103), 1);

	t.x2apic = true;
	t.x2apic_id = 0x21;
	page[HVX_APIC_ID / 4] = 0x21;
	expect("phys x2APIC: own ID", match(&t, true, false, 0, false, 0x21), 1);
	expect("phys x2APIC: IPI to 0xff is no broadcast", match(&t, true, false, 0, false, 0xff), 0);
	expect("phys x2APIC: IOAPIC 0xff is broadcast", match(&t, false, false, 0, false, 0xff), 1);
	expect("phys x2APIC: broadcast", match(&t, true, false, 0, false, 0xffffffff), 1);
}

static void test_logical(void)
{
	struct hvx_apic_target t = { .regs = page, .x2apic_id = 2 };

	clear_page();
	page[HVX_APIC_DFR / 4] = HVX_APIC_DFR_FLAT;
	page[HVX_APIC_LDR / 4] = 0x04u << 24;
	expect("flat: own bit", match(&t, true, false, 0, true, 0x04), 1);
	expect("flat: in a set", match(&t, true, false, 0, true, 0x06), 1);
	expect("flat: not in the set", match(&t, true, false, 0, true, 0x0b), 0);
	expect("flat: broadcast", match(&t, true, false, 0, true, 0xff), 1);

	page[HVX_APIC_DFR / 4] = HVX_APIC_DFR_CLUSTER;
	page[HVX_APIC_LDR / 4] = 0x21u << 24;	/* cluster 2, member bit 0 */
	expect("cluster: own", match(&t, true, false, 0, true, 0x21), 1);
	expect("cluster: in a set", match(&t, true, false, 0, true, 0x23), 1);
	expect("cluster: other cluster", match(&t, true, false, 0, true, 0x11), 0);
	expect("cluster: other member", match(&t, true, false, 0, true, 0x22), 0);
	expect("cluster: broadcast", match(&t, true, false, 0, true, 0xff), 1);
	page[HVX_APIC_DFR / 4] = 0x5fffffff;
	expect("DFR of neither model matches nothing", match(&t, true, false, 0, true, 0x21), 0);

	t.x2apic = true;
	t.x2apic_id = 0x13;
	expect("x2APIC LDR of ID 0x13", hvx_x2apic_ldr(0x13), 0x10008);
	expect("x2APIC LDR of ID 0", hvx_x2apic_ldr(0), 1);
	page[HVX_APIC_LDR / 4] = hvx_x2apic_ldr(0x13);
	expect("x2APIC cluster: own", match(&t, true, false, 0, true, 0x10008), 1);
	expect("x2APIC cluster: in a set", match(&t, true, false, 0, true, 0x1000c), 1);
	expect("x2APIC cluster: cluster 0", match(&t, true, false, 0, true, 0x8), 0);
	expect("x2APIC cluster: other cluster", match(&t, true, false, 0, true, 0x20008), 0);
	expect("x2APIC cluster: broadcast", match(&t, true, false, 0, true, 0xffffffff), 1);
}

static void test_shorthands(void)
{
	struct hvx_apic_target t = { .regs = page, .x2apic_id = 1 };

	clear_page();
	page[HVX_APIC_ID / 4] = 1u << 24;
	expect("self: sender", match(&t, true, true, HVX_SH_SELF, false, 9), 1);
	expect("self: not the sender", match(&t, true, false, HVX_SH_SELF, false, 1), 0);
	expect("all: sender too", match(&t, true, true, HVX_SH_ALL, false, 9), 1);
	expect("others: not the sender", match(&t, true, true, HVX_SH_OTHERS, false, 1), 0);
	expect("others: another", match(&t, true, false, HVX_SH_OTHERS, false, 9), 1);
}

int main(void)
{
	test_vectors();
	test_priorities();
	test_timer_math();
	test_lvt();
	test_icr();
	test_physical();
	test_logical();
	test_shorthands();
	return summary();
}
