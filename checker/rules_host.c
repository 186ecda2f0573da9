/*
 * rules_host.c -- checks on the host-state area (SDM 27.2.2 "Checks on Host Control Registers,
 * MSRs, and SSP", 27.2.3 "Checks on Host Segment and Descriptor-Table Registers", 27.2.4
 * "Checks Related to Address-Space Size").  A failure is VMfailValid with VM-instruction
 * error 8.
 *
 * Conventions of this file:
 *   - a rule gated by a control first makes sure the control field is known, so "does not
 *     apply" is never concluded from an unknown control;
 *   - "canonical" for fields that hold MSR values or descriptor-table/segment bases means
 *     relative to the widest linear address the processor supports (57 bits with 5-level
 *     paging, else 48), whatever the host CR4.LA57; only host RIP is checked against the
 *     width the host CR4 field selects, because it is the address fetched right after the
 *     VM exit in that paging mode;
 *   - "on processors that support Intel 64 architecture" needs no test for the checks that
 *     only fail on bits 63:32: natural-width fields hold 32 bits on other processors, so a
 *     value with such a bit set implies an Intel 64 processor.
 */
#include "rules.h"

/* ---- helpers ---- */

/* Returns RULE_UNDECIDED (through check_unknown_field) when field id is unknown, else PASS. */
static enum rule_result need_id(struct check_ctx *c, int id)
{
	if (!c->in->vmcs->known[id])
		return check_unknown_field(c, id);
	return RULE_PASS;
}

static const char *field_name(int id)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)id);

	return f ? f->name : "?";
}

static unsigned lowest_bit(uint64_t v)
{
	unsigned n = 0;

	while (n < 63 && !((v >> n) & 1))
		n++;
	return n;
}

/* The name of bit `bit` in the layout of field id ("FSGSBASE"), or "" when it has none. */
static const char *bit_name(int id, unsigned bit)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)id);
	const struct vmcs_bits_info *b;
	size_t n;

	if (!f || f->layout == VMCS_LAYOUT_NONE)
		return "";
	b = vmcs_layout_bits(vmcs_layout_at(f->layout), &n);
	for (size_t i = 0; b && i < n; i++) {
		if (b[i].lo <= bit && bit <= b[i].hi)
			return b[i].name;
	}
	return "";
}

/* "bit 16 (FSGSBASE)" or "bits 0x...": a short description of a non-empty mask. */
static void describe_bits(char *buf, size_t n, int id, uint64_t mask)
{
	unsigned lo = lowest_bit(mask);
	const char *name = bit_name(id, lo);

	if ((mask & (mask - 1)) == 0) {
		if (name[0])
			check_snprintf(buf, n, "bit %u (%s)", lo, name);
		else
			check_snprintf(buf, n, "bit %u", lo);
	} else if (name[0]) {
		check_snprintf(buf, n, "bits 0x%llx (lowest: bit %u, %s)", (unsigned long long)mask,
		               lo, name);
	} else {
		check_snprintf(buf, n, "bits 0x%llx", (unsigned long long)mask);
	}
}

/* v sign-extended from bit width-1: the canonical address nearest in spirit to v. */
static uint64_t sign_extend(uint64_t v, unsigned width)
{
	uint64_t low = v & (~0ull >> (64 - width));

	return (low >> (width - 1)) ? (low | (~0ull << width)) : low;
}

/* check_canonical_max() as a rule result. */
static enum rule_result canonical_max(const struct check_ctx *c, uint64_t v, unsigned *width)
{
	enum tri t = check_canonical_max(c, v, width);

	return t == TRI_YES ? RULE_PASS : t == TRI_NO ? RULE_FAIL : RULE_UNDECIDED;
}

/* Checks that field id holds a canonical address (the widest linear address); what says why. */
static enum rule_result check_canonical_field(struct check_ctx *c, int id, uint64_t v,
                                              const char *what)
{
	unsigned w;
	enum rule_result r = canonical_max(c, v, &w);

	if (r == RULE_UNDECIDED)
		return check_undecided(
		    c,
		    "%s = 0x%llx is canonical with 57-bit but not with 48-bit "
		    "linear addresses, and whether this processor supports 5-level "
		    "paging is unknown (IA32_VMX_CR4_FIXED1 and CPUID.07H unknown)",
		    field_name(id), (unsigned long long)v);
	if (r == RULE_FAIL) {
		check_hint(c,
		           "write a canonical address to %s: bits 63:%u equal to bit %u, e.g. "
		           "0x%llx (the value as it was meant, sign-extended)",
		           field_name(id), w - 1, w - 1, (unsigned long long)sign_extend(v, w));
		return check_fail(c, id, "%s = 0x%llx%s is not canonical (%u-bit linear addresses)",
		                  field_name(id), (unsigned long long)v, what, w);
	}
	return RULE_PASS;
}

/* Makes the rule undecided when the (secondary) VM-exit controls it is gated by are unknown. */
#define EXIT_CTL_KNOWN(c) NEED(c, VM_EXIT_CONTROLS)
#define EXIT_CTL2_KNOWN(c)                                                                         \
	do {                                                                                       \
		NEED(c, VM_EXIT_CONTROLS);                                                         \
		if (V(c, VM_EXIT_CONTROLS) & BITMASK(L_EXIT, ACTIVATE_SECONDARY_CONTROLS))         \
			NEED(c, SECONDARY_VM_EXIT_CONTROLS);                                       \
	} while (0)

#define HOST_AS(c)  (((c)->exit & BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE)) != 0)
#define LOAD_CET(c) (((c)->exit & BITMASK(L_EXIT, LOAD_CET_STATE)) != 0)

/* ---- 27.2.2 Checks on Host Control Registers, MSRs, and SSP ---- */

/* The capability MSRs of a host control register field and the bits VM entry ignores. */
static void fixed_msrs(int id, enum vmx_msr_id *f0, enum vmx_msr_id *f1, uint64_t *ignored)
{
	if (id == VMCS_HOST_CR0) {
		*f0 = VMX_MSR_CR0_FIXED0;
		*f1 = VMX_MSR_CR0_FIXED1;
		/* CR0.NW and CR0.CD are not checked: VM exits do not change them. */
		*ignored = BITMASK(L_CR0, NW) | BITMASK(L_CR0, CD);
	} else {
		*f0 = VMX_MSR_CR4_FIXED0;
		*f1 = VMX_MSR_CR4_FIXED1;
		*ignored = 0;
	}
}

/*
 * SDM 27.2.2 "Checks on Host Control Registers, MSRs, and SSP": the CR0 and CR4 fields may not
 * set any bit to a value VMX operation does not support; here, every bit set in
 * IA32_VMX_CR0_FIXED0 / IA32_VMX_CR4_FIXED0 must be 1 in the field (CR0.NW and CR0.CD are
 * never checked).
 */
enum rule_result rule_host_cr_fixed0(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum vmx_msr_id f0, f1;
	uint64_t ignored, v;
	struct fixed_bits fb;
	enum rule_result r;
	char bits[96];

	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	fixed_msrs(id, &f0, &f1, &ignored);
	v = c->v[id];
	switch (check_fixed_bits(c, f0, v, ignored, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, id, v, f0, &fb);
	default:
		break;
	}
	describe_bits(bits, sizeof(bits), id, fb.bad);
	check_hint(c, "set %s of %s: %s = 0x%llx requires it in VMX operation on this CPU", bits,
	           field_name(id), vmx_msr_name(f0), (unsigned long long)fb.msr);
	return check_fail(c, id, "%s = 0x%llx leaves %s clear; %s = 0x%llx requires it set",
	                  field_name(id), (unsigned long long)v, bits, vmx_msr_name(f0),
	                  (unsigned long long)fb.msr);
}

/*
 * SDM 27.2.2: the CR0 and CR4 fields may not set a bit that VMX operation requires to be 0:
 * every bit clear in IA32_VMX_CR0_FIXED1 / IA32_VMX_CR4_FIXED1 must be 0 in the field (CR0.NW
 * and CR0.CD are never checked).
 */
enum rule_result rule_host_cr_fixed1(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum vmx_msr_id f0, f1;
	uint64_t ignored, v;
	struct fixed_bits fb;
	enum rule_result r;
	char bits[96];

	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	fixed_msrs(id, &f0, &f1, &ignored);
	v = c->v[id];
	switch (check_fixed_bits(c, f1, v, ignored, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, id, v, f1, &fb);
	default:
		break;
	}
	describe_bits(bits, sizeof(bits), id, fb.bad);
	check_hint(c,
	           "clear %s of %s (mask 0x%llx): %s = 0x%llx does not allow it in VMX operation "
	           "on this CPU",
	           bits, field_name(id), (unsigned long long)fb.bad, vmx_msr_name(f1),
	           (unsigned long long)fb.msr);
	return check_fail(c, id, "%s = 0x%llx sets %s, which %s = 0x%llx requires to be 0",
	                  field_name(id), (unsigned long long)v, bits, vmx_msr_name(f1),
	                  (unsigned long long)fb.msr);
}

/* SDM 27.2.2: when bit 23 (CET) of the host CR4 field is 1, bit 16 (WP) of the CR0 field is 1. */
enum rule_result rule_host_cr4_cet_wp(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	NEED(c, HOST_CR4);
	if (!(V(c, HOST_CR4) & BITMASK(L_CR4, CET)))
		return RULE_NA;
	NEED(c, HOST_CR0);
	if (!(V(c, HOST_CR0) & BITMASK(L_CR0, WP))) {
		check_hint(c, "set bit 16 (WP) of HOST_CR0, or clear bit 23 (CET) of HOST_CR4");
		return check_fail(
		    c, VMCS_HOST_CR0,
		    "HOST_CR4 = 0x%llx enables CET but HOST_CR0 = 0x%llx has WP clear",
		    (unsigned long long)V(c, HOST_CR4), (unsigned long long)V(c, HOST_CR0));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.2: on Intel 64 processors, bits 63:52 of the host CR3 field and the bits of 51:32
 * at or above the physical-address width are 0.  With linear-address masking (CPUID.(EAX=07H,
 * ECX=1):EAX.LAM[26]), bits 62:61 (LAM_U57, LAM_U48) are not reserved.
 */
enum rule_result rule_host_cr3_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t lam = (1ull << 62) | (1ull << 61);
	uint64_t v, high, mid, bad = 0;
	unsigned m;
	bool unknown_lam = false, unknown_phys = false;

	(void)arg;
	NEED(c, HOST_CR3);
	v = V(c, HOST_CR3);
	high = v & (~0ull << 52);
	mid = v & 0x000fffff00000000ull;
	if (high & lam) {
		enum tri t = vmx_caps_cpuid_bit(c->in->caps, CPUID_LEAF_7_1, CPUID_EAX, 26);

		if (t == TRI_YES)
			high &= ~lam;
		else if (t == TRI_UNKNOWN && !(high & ~lam))
			unknown_lam = true;
	}
	if (!unknown_lam)
		bad |= high;
	m = check_maxphyaddr(c);
	if (mid) {
		if (m == 0)
			unknown_phys = true;
		else
			bad |= mid & ~((1ull << m) - 1);
	}
	if (bad) {
		if (bad & (~0ull << 52)) {
			check_hint(c,
			           "clear bits 63:52 of HOST_CR3 (write 0x%llx): they are reserved",
			           (unsigned long long)(v & ~bad));
			return check_fail(c, VMCS_HOST_CR3,
			                  "HOST_CR3 = 0x%llx sets reserved bit(s) 0x%llx in 63:52",
			                  (unsigned long long)v, (unsigned long long)(bad));
		}
		check_hint(
		    c,
		    "HOST_CR3 must be a physical address below 2^%u (MAXPHYADDR of this CPU): "
		    "clear bits 0x%llx",
		    m, (unsigned long long)bad);
		return check_fail(
		    c, VMCS_HOST_CR3,
		    "HOST_CR3 = 0x%llx sets bit(s) 0x%llx beyond the physical-address "
		    "width (MAXPHYADDR %u)",
		    (unsigned long long)v, (unsigned long long)bad, m);
	}
	if (unknown_lam)
		return check_undecided(
		    c,
		    "HOST_CR3 = 0x%llx sets LAM bits 62:61 and whether the processor "
		    "supports LAM (CPUID.(EAX=07H,ECX=1):EAX[26]) is unknown",
		    (unsigned long long)v);
	if (unknown_phys)
		return check_undecided(
		    c, "HOST_CR3 = 0x%llx sets bits in 51:32 and MAXPHYADDR is unknown",
		    (unsigned long long)v);
	return RULE_PASS;
}

/*
 * SDM 27.2.2 (IA32_SYSENTER_ESP, IA32_SYSENTER_EIP) and 27.2.3 (FS, GS, GDTR, IDTR, TR bases):
 * on Intel 64 processors, the field contains a canonical address.
 */
enum rule_result rule_host_canonical(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;

	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	return check_canonical_field(c, id, c->v[id], "");
}

/*
 * SDM 27.2.2: with the "load CET state" VM-exit control 1, the IA32_S_CET field sets no bit
 * reserved in the IA32_S_CET MSR (bits 9:6).
 */
enum rule_result rule_host_s_cet_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t reserved = 0x3c0; /* bits 9:6 */

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!LOAD_CET(c))
		return RULE_NA;
	NEED(c, HOST_S_CET);
	if (V(c, HOST_S_CET) & reserved) {
		check_hint(c, "clear bits 9:6 of HOST_S_CET (write 0x%llx): they are reserved",
		           (unsigned long long)(V(c, HOST_S_CET) & ~reserved));
		return check_fail(c, VMCS_HOST_S_CET,
		                  "HOST_S_CET = 0x%llx sets reserved bit(s) 0x%llx (bits 9:6)",
		                  (unsigned long long)V(c, HOST_S_CET),
		                  (unsigned long long)(V(c, HOST_S_CET) & reserved));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.2: with "load CET state" 1, bits 10 (SUPPRESS) and 11 (TRACKER) of the IA32_S_CET
 * field are not both 1.
 */
enum rule_result rule_host_s_cet_suppress_tracker(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t both = (1ull << 10) | (1ull << 11);

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!LOAD_CET(c))
		return RULE_NA;
	NEED(c, HOST_S_CET);
	if ((V(c, HOST_S_CET) & both) == both) {
		check_hint(c, "clear bit 10 (SUPPRESS) or bit 11 (TRACKER) of HOST_S_CET; the host "
		              "normally resumes with TRACKER idle (0)");
		return check_fail(c, VMCS_HOST_S_CET,
		                  "HOST_S_CET = 0x%llx sets both SUPPRESS (bit 10) and TRACKER "
		                  "(bit 11)",
		                  (unsigned long long)V(c, HOST_S_CET));
	}
	return RULE_PASS;
}

/* SDM 27.2.2: with "load CET state" 1, bits 1:0 of the host SSP field are 0. */
enum rule_result rule_host_ssp_aligned(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!LOAD_CET(c))
		return RULE_NA;
	NEED(c, HOST_SSP);
	if (V(c, HOST_SSP) & 3) {
		check_hint(c, "HOST_SSP must be 4-byte aligned: write 0x%llx",
		           (unsigned long long)(V(c, HOST_SSP) & ~3ull));
		return check_fail(c, VMCS_HOST_SSP, "HOST_SSP = 0x%llx has bits 1:0 set",
		                  (unsigned long long)V(c, HOST_SSP));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.2: with "load CET state" 1, the IA32_INTERRUPT_SSP_TABLE_ADDR field contains a
 * canonical address.
 */
enum rule_result rule_host_cet_canonical(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;

	EXIT_CTL_KNOWN(c);
	if (!LOAD_CET(c))
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	return check_canonical_field(c, id, c->v[id], "");
}

/*
 * SDM 27.2.2: with "load IA32_PERF_GLOBAL_CTRL" 1, the field sets no bit reserved in the MSR
 * (which bits exist: check_perf_global_ctrl()).
 */
enum rule_result rule_host_perf_global_ctrl(struct check_ctx *c, uintptr_t arg)
{
	struct perf_global pg;
	uint64_t v;

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!(c->exit & BITMASK(L_EXIT, LOAD_IA32_PERF_GLOBAL_CTRL)))
		return RULE_NA;
	NEED(c, HOST_IA32_PERF_GLOBAL_CTRL);
	v = V(c, HOST_IA32_PERF_GLOBAL_CTRL);
	switch (check_perf_global_ctrl(c, v, &pg)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return check_undecided(c, "cannot decide HOST_IA32_PERF_GLOBAL_CTRL = 0x%llx: %s",
		                       (unsigned long long)v, pg.why);
	default:
		break;
	}
	check_hint(c,
	           "enable only counters this CPU has (%u general-purpose, allowed mask 0x%llx): "
	           "write 0x%llx",
	           pg.ngp, (unsigned long long)pg.allowed, (unsigned long long)(v & pg.allowed));
	return check_fail(c, VMCS_HOST_IA32_PERF_GLOBAL_CTRL,
	                  "HOST_IA32_PERF_GLOBAL_CTRL = 0x%llx sets reserved bit(s) 0x%llx "
	                  "(CPUID.0AH allows 0x%llx)",
	                  (unsigned long long)v, (unsigned long long)pg.bad,
	                  (unsigned long long)pg.allowed);
}

/*
 * SDM 27.2.2: with "load IA32_PAT" 1, the field holds a value WRMSR accepts: each of its 8
 * bytes is 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-).
 */
enum rule_result rule_host_pat(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!(c->exit & BITMASK(L_EXIT, LOAD_IA32_PAT)))
		return RULE_NA;
	NEED(c, HOST_IA32_PAT);
	v = V(c, HOST_IA32_PAT);
	for (unsigned i = 0; i < 8; i++) {
		unsigned b = (unsigned)(v >> (8 * i)) & 0xff;

		if (b == 2 || b == 3 || b > 7) {
			check_hint(
			    c,
			    "each byte of HOST_IA32_PAT must be a memory type 0, 1, 4, 5, 6 or 7 "
			    "(the power-on value is 0x0007040600070406)");
			return check_fail(
			    c, VMCS_HOST_IA32_PAT,
			    "HOST_IA32_PAT = 0x%llx: entry PA%u (byte %u) is 0x%x, not a "
			    "valid memory type",
			    (unsigned long long)v, i, i, b);
		}
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.2: with "load IA32_EFER" 1, the field sets no bit reserved in IA32_EFER.  IA32_EFER
 * defines bit 0 (SCE), 8 (LME), 10 (LMA) and 11 (NXE); NXE exists only with
 * CPUID.80000001H:EDX.NX[20], LME/LMA only on Intel 64 processors (CPUID.80000001H:EDX.LM[29]).
 */
enum rule_result rule_host_efer_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t defined = BITMASK(L_EFER, SCE) | BITMASK(L_EFER, LME) |
	                         BITMASK(L_EFER, LMA) | BITMASK(L_EFER, NXE);
	const uint64_t lm = BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA);
	uint64_t v, bad, unknown = 0;
	enum tri t;

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!(c->exit & BITMASK(L_EXIT, LOAD_IA32_EFER)))
		return RULE_NA;
	NEED(c, HOST_IA32_EFER);
	v = V(c, HOST_IA32_EFER);
	bad = v & ~defined;
	if (v & BITMASK(L_EFER, NXE)) {
		t = vmx_caps_cpuid_bit(c->in->caps, CPUID_LEAF_80000001, CPUID_EDX, 20);
		if (t == TRI_NO)
			bad |= BITMASK(L_EFER, NXE);
		else if (t == TRI_UNKNOWN)
			unknown |= BITMASK(L_EFER, NXE);
	}
	if (v & lm) {
		t = check_intel64(c);
		if (t == TRI_NO)
			bad |= v & lm;
		else if (t == TRI_UNKNOWN)
			unknown |= v & lm;
	}
	if (bad) {
		if (bad & ~defined)
			check_hint(
			    c,
			    "IA32_EFER defines only SCE (bit 0), LME (8), LMA (10) and NXE (11): "
			    "write 0x%llx",
			    (unsigned long long)(v & defined & ~bad));
		else if (bad & BITMASK(L_EFER, NXE))
			check_hint(
			    c, "this CPU does not report execute-disable (CPUID.80000001H:EDX.NX "
			       "= 0, e.g. XD disabled in firmware): clear NXE (bit 11) of "
			       "HOST_IA32_EFER");
		else
			check_hint(c,
			           "this CPU does not support Intel 64 architecture: clear LME and "
			           "LMA of HOST_IA32_EFER");
		return check_fail(c, VMCS_HOST_IA32_EFER,
		                  "HOST_IA32_EFER = 0x%llx sets reserved bit(s) 0x%llx",
		                  (unsigned long long)v, (unsigned long long)bad);
	}
	if (unknown)
		return check_undecided(c,
		                       "HOST_IA32_EFER = 0x%llx sets bit(s) 0x%llx whose support "
		                       "(CPUID.80000001H:EDX) is unknown",
		                       (unsigned long long)v, (unsigned long long)unknown);
	return RULE_PASS;
}

/*
 * SDM 27.2.2: with "load IA32_EFER" 1, the LMA bit (arg L_EFER__LMA) and the LME bit (arg
 * L_EFER__LME) of the field each equal the "host address-space size" VM-exit control.
 */
enum rule_result rule_host_efer_lm(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v, bit = 1ull << arg;
	bool want, have;
	const char *name = arg == L_EFER__LMA ? "LMA" : "LME";

	EXIT_CTL_KNOWN(c);
	if (!(c->exit & BITMASK(L_EXIT, LOAD_IA32_EFER)))
		return RULE_NA;
	NEED(c, HOST_IA32_EFER);
	v = V(c, HOST_IA32_EFER);
	want = HOST_AS(c);
	have = (v & bit) != 0;
	if (have != want) {
		if (want)
			check_hint(
			    c,
			    "a 64-bit host (\"host address-space size\" 1) needs LME and LMA set "
			    "in HOST_IA32_EFER: write 0x%llx",
			    (unsigned long long)(v | BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA)));
		else
			check_hint(
			    c,
			    "a 32-bit host (\"host address-space size\" 0) needs LME and LMA "
			    "clear in HOST_IA32_EFER: write 0x%llx",
			    (unsigned long long)(v &
			                         ~(BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA))));
		return check_fail(c, VMCS_HOST_IA32_EFER,
		                  "HOST_IA32_EFER = 0x%llx has %s = %d but \"host address-space "
		                  "size\" is %d",
		                  (unsigned long long)v, name, have ? 1 : 0, want ? 1 : 0);
	}
	return RULE_PASS;
}

/* SDM 27.2.2: with "load PKRS" 1, bits 63:32 of the IA32_PKRS field are 0. */
enum rule_result rule_host_pkrs(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!(c->exit & BITMASK(L_EXIT, LOAD_PKRS)))
		return RULE_NA;
	NEED(c, HOST_IA32_PKRS);
	if (V(c, HOST_IA32_PKRS) >> 32) {
		check_hint(c, "IA32_PKRS has 16 2-bit keys in bits 31:0; write 0x%llx",
		           (unsigned long long)(V(c, HOST_IA32_PKRS) & 0xffffffffull));
		return check_fail(c, VMCS_HOST_IA32_PKRS,
		                  "HOST_IA32_PKRS = 0x%llx sets bits in 63:32",
		                  (unsigned long long)V(c, HOST_IA32_PKRS));
	}
	return RULE_PASS;
}

#define LOAD_FRED(c) (((c)->exit2 & BITMASK(L_EXIT2, LOAD_IA32_FRED)) != 0)

/*
 * FRED specification, VM entries, checks on the host-state area: with the "load FRED"
 * secondary VM-exit control 1, bits 2, 5:4 and 11 of the IA32_FRED_CONFIG field (reserved in
 * the MSR) are 0.
 */
enum rule_result rule_host_fred_config_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t reserved = (1ull << 11) | (3ull << 4) | (1ull << 2);

	(void)arg;
	EXIT_CTL2_KNOWN(c);
	if (!LOAD_FRED(c))
		return RULE_NA;
	NEED(c, HOST_IA32_FRED_CONFIG);
	if (V(c, HOST_IA32_FRED_CONFIG) & reserved) {
		check_hint(c,
		           "clear bits 11, 5:4 and 2 of HOST_IA32_FRED_CONFIG (reserved): write "
		           "0x%llx",
		           (unsigned long long)(V(c, HOST_IA32_FRED_CONFIG) & ~reserved));
		return check_fail(c, VMCS_HOST_IA32_FRED_CONFIG,
		                  "HOST_IA32_FRED_CONFIG = 0x%llx sets reserved bit(s) 0x%llx",
		                  (unsigned long long)V(c, HOST_IA32_FRED_CONFIG),
		                  (unsigned long long)(V(c, HOST_IA32_FRED_CONFIG) & reserved));
	}
	return RULE_PASS;
}

/*
 * FRED specification: with "load FRED" 1, IA32_FRED_RSP1..3 are 64-byte aligned (bits 5:0 are
 * 0) and IA32_FRED_SSP1..3 are 8-byte aligned (bits 2:0 are 0).
 */
enum rule_result rule_host_fred_aligned(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	bool rsp = id == VMCS_HOST_IA32_FRED_RSP1 || id == VMCS_HOST_IA32_FRED_RSP2 ||
	           id == VMCS_HOST_IA32_FRED_RSP3;
	uint64_t mask = rsp ? 0x3f : 0x7, v;
	enum rule_result r;

	EXIT_CTL2_KNOWN(c);
	if (!LOAD_FRED(c))
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	v = c->v[id];
	if (v & mask) {
		check_hint(c, "%s must be %u-byte aligned: write 0x%llx", field_name(id),
		           rsp ? 64 : 8, (unsigned long long)(v & ~mask));
		return check_fail(c, id, "%s = 0x%llx is not %u-byte aligned (bits %u:0 set)",
		                  field_name(id), (unsigned long long)v, rsp ? 64 : 8, rsp ? 5 : 2);
	}
	return RULE_PASS;
}

/*
 * FRED specification: with "load FRED" 1, IA32_FRED_RSP1..3 and IA32_FRED_SSP1..3 are
 * canonical, and so is the address in bits 63:12 of IA32_FRED_CONFIG (the event-handler
 * entry point page).
 */
enum rule_result rule_host_fred_canonical(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;
	uint64_t v;

	EXIT_CTL2_KNOWN(c);
	if (!LOAD_FRED(c))
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	v = c->v[id];
	if (id == VMCS_HOST_IA32_FRED_CONFIG)
		return check_canonical_field(c, id, v & ~0xfffull, " (address in bits 63:12)");
	return check_canonical_field(c, id, v, "");
}

/* ---- 27.2.3 Checks on Host Segment and Descriptor-Table Registers ---- */

/* SDM 27.2.3: in the selector fields of CS, SS, DS, ES, FS, GS and TR, RPL and TI are 0. */
enum rule_result rule_host_selector_rpl_ti(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;
	uint64_t v;

	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	v = c->v[id];
	if (v & 7) {
		check_hint(
		    c,
		    "host selectors name GDT entries at RPL 0: write 0x%llx to %s (the "
		    "VMM's own selector, as read with MOV from the segment register in ring 0)",
		    (unsigned long long)(v & ~7ull), field_name(id));
		return check_fail(c, id, "%s = 0x%llx has %s%s%s set", field_name(id),
		                  (unsigned long long)v, (v & 3) ? "RPL (bits 1:0)" : "",
		                  (v & 3) && (v & 4) ? " and " : "", (v & 4) ? "TI (bit 2)" : "");
	}
	return RULE_PASS;
}

/* SDM 27.2.3: the selector fields for CS and TR are not 0000H. */
enum rule_result rule_host_selector_nonzero(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;

	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	if (c->v[id] == 0) {
		if (id == VMCS_HOST_TR_SELECTOR)
			check_hint(c,
			           "write the host's TR selector (STR in the VMM, e.g. Linux uses "
			           "GDT_ENTRY_TSS*8 = 0x40) to HOST_TR_SELECTOR, and its base to "
			           "HOST_TR_BASE");
		else
			check_hint(c,
			           "write the host's 64-bit code selector (MOV from CS in the VMM, "
			           "e.g. 0x10 on Linux) to %s",
			           field_name(id));
		return check_fail(c, id, "%s is 0000H (a null selector)", field_name(id));
	}
	return RULE_PASS;
}

/* SDM 27.2.3: the SS selector field is not 0000H when "host address-space size" is 0. */
enum rule_result rule_host_ss_nonzero(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (HOST_AS(c))
		return RULE_NA;
	NEED(c, HOST_SS_SELECTOR);
	if (V(c, HOST_SS_SELECTOR) == 0) {
		check_hint(c, "a 32-bit host needs a stack segment: write its SS selector to "
		              "HOST_SS_SELECTOR (a null SS is allowed only for a 64-bit host)");
		return check_fail(
		    c, VMCS_HOST_SS_SELECTOR,
		    "HOST_SS_SELECTOR is 0000H while \"host address-space size\" is 0");
	}
	return RULE_PASS;
}

/* ---- 27.2.4 Checks Related to Address-Space Size ---- */

/*
 * SDM 27.2.4: if the logical processor is outside IA-32e mode (IA32_EFER.LMA = 0) at VM entry,
 * the "IA-32e mode guest" VM-entry control (arg VMCS_VM_ENTRY_CONTROLS) and the "host
 * address-space size" VM-exit control (arg VMCS_VM_EXIT_CONTROLS) are 0.
 */
enum rule_result rule_host_as_outside_ia32e(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	bool entry = id == VMCS_VM_ENTRY_CONTROLS;
	uint64_t bit =
	    entry ? BITMASK(L_ENTRY, IA32E_MODE_GUEST) : BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE);
	const char *ctl = entry ? "\"IA-32e mode guest\"" : "\"host address-space size\"";
	enum rule_result r;

	if (c->in->env->ia32e_mode)
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	if (c->v[id] & bit) {
		check_hint(
		    c,
		    "the VMM runs VMLAUNCH/VMRESUME outside IA-32e mode (IA32_EFER.LMA = 0): "
		    "clear %s in %s, or run the VMM in 64-bit mode",
		    ctl, field_name(id));
		return check_fail(c, id,
		                  "%s = 0x%llx sets %s but the processor is not in IA-32e mode",
		                  field_name(id), (unsigned long long)c->v[id], ctl);
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.4: if the logical processor is in IA-32e mode (IA32_EFER.LMA = 1) at VM entry, the
 * "host address-space size" VM-exit control is 1.
 */
enum rule_result rule_host_as_in_ia32e(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	if (!c->in->env->ia32e_mode)
		return RULE_NA;
	NEED(c, VM_EXIT_CONTROLS);
	if (!(V(c, VM_EXIT_CONTROLS) & BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE))) {
		check_hint(c, "a VMM running in IA-32e mode must return to 64-bit mode: set bit 9 "
		              "(HOST_ADDRESS_SPACE_SIZE) of VM_EXIT_CONTROLS");
		return check_fail(c, VMCS_VM_EXIT_CONTROLS,
		                  "VM_EXIT_CONTROLS = 0x%llx has \"host address-space size\" 0 but "
		                  "the processor is in IA-32e mode",
		                  (unsigned long long)V(c, VM_EXIT_CONTROLS));
	}
	return RULE_PASS;
}

/* SDM 27.2.4: if "host address-space size" is 0, "IA-32e mode guest" is 0. */
enum rule_result rule_host_as0_ia32e_guest(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (HOST_AS(c))
		return RULE_NA;
	NEED(c, VM_ENTRY_CONTROLS);
	if (V(c, VM_ENTRY_CONTROLS) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) {
		check_hint(c, "a 32-bit host cannot run a 64-bit guest: clear bit 9 "
		              "(IA32E_MODE_GUEST) of VM_ENTRY_CONTROLS or set \"host address-space "
		              "size\"");
		return check_fail(c, VMCS_VM_ENTRY_CONTROLS,
		                  "VM_ENTRY_CONTROLS = 0x%llx sets \"IA-32e mode guest\" while "
		                  "\"host address-space size\" is 0",
		                  (unsigned long long)V(c, VM_ENTRY_CONTROLS));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.4: if "host address-space size" is 0, bit 17 (PCIDE) of the host CR4 field is 0
 * (arg L_CR4__PCIDE); the FRED specification adds that bit 32 (FRED) is 0 (arg L_CR4__FRED).
 */
enum rule_result rule_host_as0_cr4_bit(struct check_ctx *c, uintptr_t arg)
{
	uint64_t bit = 1ull << arg;

	EXIT_CTL_KNOWN(c);
	if (HOST_AS(c))
		return RULE_NA;
	NEED(c, HOST_CR4);
	if (V(c, HOST_CR4) & bit) {
		check_hint(c,
		           "CR4.%s is usable only in IA-32e mode: clear bit %u of HOST_CR4 for a "
		           "32-bit host (write 0x%llx)",
		           bit_name(VMCS_HOST_CR4, (unsigned)arg), (unsigned)arg,
		           (unsigned long long)(V(c, HOST_CR4) & ~bit));
		return check_fail(c, VMCS_HOST_CR4,
		                  "HOST_CR4 = 0x%llx sets bit %u (%s) while \"host address-space "
		                  "size\" is 0",
		                  (unsigned long long)V(c, HOST_CR4), (unsigned)arg,
		                  bit_name(VMCS_HOST_CR4, (unsigned)arg));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.4: if "host address-space size" is 0, bits 63:32 of the RIP field are 0, and with
 * "load CET state" 1 also bits 63:32 of the IA32_S_CET and SSP fields.
 */
enum rule_result rule_host_as0_high(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;

	EXIT_CTL_KNOWN(c);
	if (HOST_AS(c))
		return RULE_NA;
	if (id != VMCS_HOST_RIP && !LOAD_CET(c))
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	if (c->v[id] >> 32) {
		check_hint(c,
		           "a 32-bit host (\"host address-space size\" 0) has 32-bit addresses: "
		           "bits 63:32 of %s must be 0",
		           field_name(id));
		return check_fail(
		    c, id,
		    "%s = 0x%llx sets bits in 63:32 while \"host address-space size\" "
		    "is 0",
		    field_name(id), (unsigned long long)c->v[id]);
	}
	return RULE_PASS;
}

/* SDM 27.2.4: if "host address-space size" is 1, bit 5 (PAE) of the host CR4 field is 1. */
enum rule_result rule_host_as1_cr4_pae(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!HOST_AS(c))
		return RULE_NA;
	NEED(c, HOST_CR4);
	if (!(V(c, HOST_CR4) & BITMASK(L_CR4, PAE))) {
		check_hint(c,
		           "a 64-bit host uses 4- or 5-level paging, which needs CR4.PAE: set "
		           "bit 5 of HOST_CR4 (write 0x%llx)",
		           (unsigned long long)(V(c, HOST_CR4) | BITMASK(L_CR4, PAE)));
		return check_fail(
		    c, VMCS_HOST_CR4,
		    "HOST_CR4 = 0x%llx has PAE clear while \"host address-space size\" "
		    "is 1",
		    (unsigned long long)V(c, HOST_CR4));
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.4: if "host address-space size" is 1, the RIP field contains a canonical address;
 * the width is the one the host resumes with: 57 bits if bit 12 (LA57) of the host CR4 field
 * is 1, else 48.
 */
enum rule_result rule_host_as1_rip_canonical(struct check_ctx *c, uintptr_t arg)
{
	unsigned w;
	uint64_t v;

	(void)arg;
	EXIT_CTL_KNOWN(c);
	if (!HOST_AS(c))
		return RULE_NA;
	NEED(c, HOST_RIP);
	NEED(c, HOST_CR4);
	v = V(c, HOST_RIP);
	w = (V(c, HOST_CR4) & BITMASK(L_CR4, LA57)) ? 57 : 48;
	if (!check_canonical(v, w)) {
		if (w == 48 && check_canonical(v, 57) && check_la_width(c) == 57)
			check_hint(
			    c, "HOST_RIP is canonical only with 5-level paging: set bit 12 (LA57) "
			       "of HOST_CR4 if the host uses it, else write the canonical 48-bit "
			       "address of the exit handler");
		else
			check_hint(
			    c,
			    "HOST_RIP is where the VMM resumes after VM exit: write the canonical "
			    "address of the exit handler (bits 63:%u equal to bit %u), e.g. 0x%llx",
			    w - 1, w - 1, (unsigned long long)sign_extend(v, w));
		return check_fail(c, VMCS_HOST_RIP,
		                  "HOST_RIP = 0x%llx is not canonical with the %u-bit linear "
		                  "addresses HOST_CR4 selects (LA57 = %d)",
		                  (unsigned long long)v, w, w == 57);
	}
	return RULE_PASS;
}

/*
 * SDM 27.2.4: if "host address-space size" is 1 and "load CET state" is 1, the IA32_S_CET and
 * SSP fields contain canonical addresses.
 */
enum rule_result rule_host_as1_cet_canonical(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	enum rule_result r;

	EXIT_CTL_KNOWN(c);
	if (!HOST_AS(c) || !LOAD_CET(c))
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	return check_canonical_field(c, id, c->v[id], "");
}

/*
 * SDM 27.2.4: on processors that do not support Intel 64 architecture, the "IA-32e mode
 * guest" VM-entry control (arg VMCS_VM_ENTRY_CONTROLS) and the "host address-space size"
 * VM-exit control (arg VMCS_VM_EXIT_CONTROLS) are 0.
 */
enum rule_result rule_host_no_intel64(struct check_ctx *c, uintptr_t arg)
{
	int id = (int)arg;
	bool entry = id == VMCS_VM_ENTRY_CONTROLS;
	uint64_t bit =
	    entry ? BITMASK(L_ENTRY, IA32E_MODE_GUEST) : BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE);
	const char *ctl = entry ? "\"IA-32e mode guest\"" : "\"host address-space size\"";
	enum tri t = check_intel64(c);
	enum rule_result r;

	if (t == TRI_YES)
		return RULE_NA;
	if ((r = need_id(c, id)) != RULE_PASS)
		return r;
	if (!(c->v[id] & bit))
		return RULE_PASS;
	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "%s sets %s and whether the processor supports Intel 64 "
		                       "architecture (CPUID.80000001H:EDX.LM) is unknown",
		                       field_name(id), ctl);
	check_hint(c, "this processor has no Intel 64 architecture (32-bit only): clear %s in %s",
	           ctl, field_name(id));
	return check_fail(c, id, "%s = 0x%llx sets %s on a processor without Intel 64 architecture",
	                  field_name(id), (unsigned long long)c->v[id], ctl);
}
