/*
 * rules_regs.c -- the checks on control registers and MSRs of the host-state area (SDM 27.2.2,
 * 27.2.4) and the guest-state area (27.3.1.1) that are not rows: what depends on CPUID or on
 * two values at once.  Where the host and the guest state share a check, one function serves
 * both, its arg naming the field.
 */
#include "rules.h"

#define EFER_LME BITMASK(L_EFER, LME)
#define EFER_LMA BITMASK(L_EFER, LMA)
#define EFER_NXE BITMASK(L_EFER, NXE)
#define EFER_DEFINED                                                                               \
	(BITMASK(L_EFER, SCE) | BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA) | BITMASK(L_EFER, NXE))

/* ---- CR3 ---- */

/* rule_cr3_reserved() of a value v with bits above 31 set, MAXPHYADDR m (0: unknown). */
static COLD enum rule_result cr3_high_bits(struct check_ctx *c, int f, uint64_t v, unsigned m)
{
	const uint64_t lam = 3ull << 61;
	uint64_t bad, unknown;
	enum tri t;

	NEED_INTEL64(c);
	bad = v & (~0ull << (m ? m : 52));
	unknown = m ? 0 : v & 0x000fffff00000000ull;
	if (bad & lam) {
		t = check_cpuid_bit(c, CF_7_1_EAX, 26);
		if (t != TRI_NO)
			bad &= ~lam;
		if (t == TRI_UNKNOWN)
			unknown |= v & lam;
	}
	if (bad) {
		check_hint(c, "clear bits 0x%llx of %s (use 0x%llx)%s", (unsigned long long)bad,
		           check_field_name(f), (unsigned long long)(v & ~bad),
		           (bad >> 63)
		               ? ": bit 63 is the PCID no-flush hint of MOV to CR3, never part "
		                 "of CR3 itself"
		               : ": the page-table base must lie within MAXPHYADDR");
		if (bad & (~0ull << 52))
			return check_fail(c, f, "%s = 0x%llx sets reserved bit(s) 0x%llx in 63:52",
			                  check_field_name(f), (unsigned long long)v,
			                  (unsigned long long)(bad & (~0ull << 52)));
		return check_fail(
		    c, f,
		    "%s = 0x%llx sets bit(s) 0x%llx beyond the physical-address width "
		    "(MAXPHYADDR = %u)",
		    check_field_name(f), (unsigned long long)v, (unsigned long long)bad, m);
	}
	if (unknown & lam)
		return check_undecided(
		    c,
		    "%s = 0x%llx sets LAM bits 62:61, allowed only where the CPU "
		    "supports LAM (CPUID.(EAX=07H,ECX=1):EAX[26]), which is unknown",
		    check_field_name(f), (unsigned long long)v);
	if (unknown)
		return check_undecided(c,
		                       "%s = 0x%llx sets bits in 51:32; MAXPHYADDR is unknown for "
		                       "this CPU",
		                       check_field_name(f), (unsigned long long)v);
	return RULE_PASS;
}

/*
 * SDM 27.2.2 (host) and 27.3.1.1 (guest): on processors that support Intel 64, bits 63:52 of
 * the CR3 field and the bits of 51:32 at or above the physical-address width are 0.  With
 * linear-address masking (CPUID.(EAX=07H,ECX=1):EAX.LAM[26]), bits 62:61 (LAM_U57, LAM_U48)
 * are not reserved.  arg: the field.
 */
enum rule_result rule_cr3_reserved(struct check_ctx *c, uintptr_t arg)
{
	int f = (int)arg;
	unsigned m = check_maxphyaddr(c);
	uint64_t v;

	NEED_ID(c, f);
	v = VAL(c, f);
	if (!(v >> 32))
		return RULE_PASS;
	return cr3_high_bits(c, f, v, m);
}

/* ---- MSRs loaded on VM entry (guest) or VM exit (host) ---- */

/*
 * SDM 27.2.2 / 27.3.1.1: with "load IA32_PERF_GLOBAL_CTRL" 1, the field sets no bit reserved in
 * the MSR (which bits exist: check_perf_global_ctrl()).  arg: the field.
 */
enum rule_result rule_perf_global_ctrl(struct check_ctx *c, uintptr_t arg)
{
	int f = (int)arg;
	struct perf_global pg;
	uint64_t v;

	NEED_ID(c, f); /* its load control: the condition of its row */
	v = VAL(c, f);
	switch (check_perf_global_ctrl(c, v, &pg)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return check_undecided(c, "cannot decide %s = 0x%llx: %s", check_field_name(f),
		                       (unsigned long long)v, pg.why);
	default:
		break;
	}
	check_hint(c,
	           "clear bits 0x%llx of %s (use 0x%llx): this CPU has %u general-purpose counters "
	           "and fixed counters 0x%llx (CPUID leaf 0AH)",
	           (unsigned long long)pg.bad, check_field_name(f),
	           (unsigned long long)(v & pg.allowed), pg.ngp,
	           (unsigned long long)(pg.allowed >> 32));
	return check_fail(c, f, "%s = 0x%llx sets reserved bit(s) 0x%llx (CPUID.0AH allows 0x%llx)",
	                  check_field_name(f), (unsigned long long)v, (unsigned long long)pg.bad,
	                  (unsigned long long)pg.allowed);
}

int pat_bad_entry(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (unsigned)(v >> (8 * i)) & 0xffu;

		if (t == 2 || t == 3 || t > 7)
			return i;
	}
	return -1;
}

/*
 * SDM 27.2.2 / 27.3.1.1: with "load IA32_PAT" 1, the field holds a value WRMSR accepts: each of
 * its 8 bytes is 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-).  arg: the field.
 */
enum rule_result rule_pat(struct check_ctx *c, uintptr_t arg)
{
	int f = (int)arg, i;
	uint64_t v;

	NEED_ID(c, f); /* its load control: the condition of its row */
	v = VAL(c, f);
	if ((i = pat_bad_entry(v)) < 0)
		return RULE_PASS;
	check_hint(c,
	           "give entry PA%d of %s a memory type 0, 1, 4, 5, 6 or 7 (e.g. the reset value "
	           "0x0007040600070406)",
	           i, check_field_name(f));
	return check_fail(
	    c, f, "%s = 0x%llx: entry PA%d (byte %d) is 0x%x, not a valid memory type",
	    check_field_name(f), (unsigned long long)v, i, i, (unsigned)(v >> (8 * i)) & 0xffu);
}

uint64_t efer_reserved(struct check_ctx *c, uint64_t v, uint64_t lm, uint64_t *unknown)
{
	uint64_t bad = v & ~EFER_DEFINED;
	enum tri t;

	*unknown = 0;
	if (v & EFER_NXE) {
		t = check_cpuid_bit(c, CF_80000001_0_EDX, 20);
		if (t == TRI_NO)
			bad |= EFER_NXE;
		else if (t == TRI_UNKNOWN)
			*unknown |= EFER_NXE;
	}
	if (v & lm) {
		t = check_intel64(c);
		if (t == TRI_NO)
			bad |= v & lm;
		else if (t == TRI_UNKNOWN)
			*unknown |= v & lm;
	}
	return bad;
}

static COLD enum rule_result efer_sets_reserved(struct check_ctx *c, int f, uint64_t v,
                                                uint64_t bad)
{
	char bits[160];

	bits[0] = '\0';
	if (bad & ~EFER_DEFINED)
		check_hint(c,
		           "IA32_EFER defines only SCE (bit 0), LME (8), LMA (10) and NXE (11): "
		           "write 0x%llx",
		           (unsigned long long)(v & EFER_DEFINED & ~bad));
	else if (bad & EFER_NXE)
		check_hint(c,
		           "this CPU does not report execute-disable (CPUID.80000001H:EDX.NX = 0, "
		           "e.g. XD disabled in firmware): clear NXE (bit 11) of %s",
		           check_field_name(f));
	else
		check_hint(c,
		           "this CPU does not support Intel 64 architecture: clear LME and LMA "
		           "of %s",
		           check_field_name(f));
	if (check_rendering(c))
		check_bit_list(bits, sizeof(bits), f, bad, NULL);
	return check_fail(c, f, "%s = 0x%llx sets reserved bit(s) 0x%llx: %s", check_field_name(f),
	                  (unsigned long long)v, (unsigned long long)bad, bits);
}

static COLD enum rule_result efer_may_set_reserved(struct check_ctx *c, int f, uint64_t v,
                                                   uint64_t unknown)
{
	return check_undecided(
	    c, "%s = 0x%llx sets %s; whether the processor supports %s is unknown",
	    check_field_name(f), (unsigned long long)v, (unknown & EFER_NXE) ? "NXE" : "LME/LMA",
	    (unknown & EFER_NXE) ? "execute disable (CPUID.80000001H:EDX[20])"
	                         : "Intel 64 architecture");
}

/*
 * SDM 27.2.2 / 27.3.1.1: with "load IA32_EFER" 1, the field sets no bit reserved in IA32_EFER.
 * IA32_EFER defines bit 0 (SCE), 8 (LME), 10 (LMA) and 11 (NXE); NXE exists only with
 * CPUID.80000001H:EDX.NX[20], LME and LMA only on Intel 64 processors.  arg: the field.
 */
enum rule_result rule_efer_reserved(struct check_ctx *c, uintptr_t arg)
{
	int f = (int)arg;
	uint64_t v, bad, unknown;

	NEED_ID(c, f); /* its load control: the condition of its row */
	v = VAL(c, f);
	bad = efer_reserved(c, v, EFER_LME | EFER_LMA, &unknown);
	if (bad)
		return efer_sets_reserved(c, f, v, bad);
	if (unknown)
		return efer_may_set_reserved(c, f, v, unknown);
	return RULE_PASS;
}

static COLD enum rule_result host_efer_lm_mismatch(struct check_ctx *c, uintptr_t arg, uint64_t v,
                                                   bool want, bool have)
{
	check_hint(
	    c,
	    "a %d-bit host (\"host address-space size\" %d) needs LME and LMA %s in "
	    "HOST_IA32_EFER: write 0x%llx",
	    want ? 64 : 32, want, want ? "set" : "clear",
	    (unsigned long long)(want ? v | EFER_LME | EFER_LMA : v & ~(EFER_LME | EFER_LMA)));
	return check_fail(
	    c, VMCS_HOST_IA32_EFER,
	    "HOST_IA32_EFER = 0x%llx has %s = %d but \"host address-space size\" is %d",
	    (unsigned long long)v, arg == L_EFER__LMA ? "LMA" : "LME", have, want);
}

/*
 * SDM 27.2.2: with "load IA32_EFER" 1, the LMA bit (arg L_EFER__LMA) and the LME bit (arg
 * L_EFER__LME) of the host field each equal the "host address-space size" VM-exit control.
 */
enum rule_result rule_host_efer_lm(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v, bit = BIT(arg);
	bool want, have;

	NEED_ID(c, VMCS_HOST_IA32_EFER); /* its load control: the condition of its row */
	v = V(c, HOST_IA32_EFER);
	want = (CTL(c, EXIT) & BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE)) != 0;
	have = (v & bit) != 0;
	if (have == want)
		return RULE_PASS;
	return host_efer_lm_mismatch(c, arg, v, want, have);
}

/*
 * The guest EFER both LMA rules accept: LMA equal to "IA-32e mode guest" and, with paging on,
 * LME equal to LMA (an IA-32e mode guest runs with paging, so it gets LME as well).  One value
 * for both hints, so that they never ask for opposite changes.
 */
static uint64_t efer_for_mode(const struct check_ctx *c, uint64_t v, bool ia32e)
{
	bool pg = KNOWN(c, GUEST_CR0) && (V(c, GUEST_CR0) & BITMASK(L_CR0, PG));

	if (ia32e)
		return v | EFER_LME | EFER_LMA;
	return v & ~EFER_LMA & ~(pg ? EFER_LME : 0);
}

static COLD enum rule_result guest_efer_lma_mismatch(struct check_ctx *c, uint64_t v, bool lma,
                                                     bool ia32e)
{
	if (check_rendering(c))
		check_hint(c,
		           "%s bit 10 (LMA) of GUEST_IA32_EFER to match \"IA-32e mode guest\" = "
		           "%d, and LME with it when paging is on (use 0x%llx)",
		           ia32e ? "set" : "clear", ia32e,
		           (unsigned long long)efer_for_mode(c, v, ia32e));
	return check_fail(c, VMCS_GUEST_IA32_EFER,
	                  "GUEST_IA32_EFER = 0x%llx has LMA = %d but \"IA-32e mode guest\" is %d",
	                  (unsigned long long)v, lma, ia32e);
}

/* SDM 27.3.1.1: with "load IA32_EFER" 1, EFER.LMA must equal "IA-32e mode guest". */
enum rule_result rule_guest_efer_lma(struct check_ctx *c, uintptr_t arg)
{
	bool lma, ia32e;
	uint64_t v;

	(void)arg;
	NEED_ID(c, VMCS_GUEST_IA32_EFER); /* its load control: the condition of its row */
	v = V(c, GUEST_IA32_EFER);
	lma = (v & EFER_LMA) != 0;
	ia32e = (CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) != 0;
	if (lma == ia32e)
		return RULE_PASS;
	return guest_efer_lma_mismatch(c, v, lma, ia32e);
}

/*
 * SDM 27.3.1.1: with "load IA32_EFER" 1 and PG (bit 31) set in the CR0 field, EFER.LME must
 * equal EFER.LMA.
 */
enum rule_result rule_guest_efer_lme(struct check_ctx *c, uintptr_t arg)
{
	bool lme, lma;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!(CTL(c, ENTRY) & BITMASK(L_ENTRY, LOAD_IA32_EFER)))
		return RULE_NA;
	NEED(c, GUEST_CR0);
	if (!(V(c, GUEST_CR0) & BITMASK(L_CR0, PG)))
		return RULE_NA;
	NEED(c, GUEST_IA32_EFER);
	v = V(c, GUEST_IA32_EFER);
	lme = (v & EFER_LME) != 0;
	lma = (v & EFER_LMA) != 0;
	if (lme == lma)
		return RULE_PASS;
	/*
	 * LMA must also equal "IA-32e mode guest" (GUEST-EFER-LMA-IA32E): the one value that
	 * satisfies both rules has LME and LMA equal to that control.
	 */
	if (check_rendering(c)) {
		bool ia32e = (CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) != 0;

		check_hint(c,
		           "%s bits 8 (LME) and 10 (LMA) of GUEST_IA32_EFER (use 0x%llx): with "
		           "paging on they go together, and LMA equals \"IA-32e mode guest\" = %d",
		           ia32e ? "set" : "clear", (unsigned long long)efer_for_mode(c, v, ia32e),
		           ia32e);
	}
	return check_fail(
	    c, VMCS_GUEST_IA32_EFER,
	    "GUEST_IA32_EFER = 0x%llx has LME = %d but LMA = %d while GUEST_CR0.PG = 1",
	    (unsigned long long)v, lme, lma);
}

/* ---- host RIP, Intel 64 ---- */

static COLD enum rule_result host_rip_not_canonical(struct check_ctx *c, uint64_t v, unsigned w)
{
	if (w == 48 && check_canonical(v, 57) && check_la_width(c) == 57)
		check_hint(
		    c, "HOST_RIP is canonical only with 5-level paging: set bit 12 (LA57) of "
		       "HOST_CR4 if the host uses it, else write the canonical 48-bit address of "
		       "the exit handler");
	else
		check_hint(c,
		           "HOST_RIP is where the VMM resumes after VM exit: write the canonical "
		           "address of the exit handler (bits 63:%u equal to bit %u), e.g. 0x%llx",
		           w - 1, w - 1, (unsigned long long)check_sign_extend(v, w));
	return check_fail(c, VMCS_HOST_RIP,
	                  "HOST_RIP = 0x%llx is not canonical with the %u-bit linear addresses "
	                  "HOST_CR4 selects (LA57 = %d)",
	                  (unsigned long long)v, w, w == 57);
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
	NEED(c, VM_EXIT_CONTROLS);
	if (!(CTL(c, EXIT) & BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE)))
		return RULE_NA;
	NEED(c, HOST_RIP);
	NEED(c, HOST_CR4);
	v = V(c, HOST_RIP);
	w = (V(c, HOST_CR4) & BITMASK(L_CR4, LA57)) ? 57 : 48;
	if (check_canonical(v, w))
		return RULE_PASS;
	return host_rip_not_canonical(c, v, w);
}

/* rule_host_no_intel64() on a control field f that sets its IA-32e control, t the support. */
static COLD enum rule_result ia32e_without_intel64(struct check_ctx *c, int f, enum tri t)
{
	const char *ctl =
	    f == VMCS_VM_ENTRY_CONTROLS ? "\"IA-32e mode guest\"" : "\"host address-space size\"";

	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "%s sets %s and whether the processor supports Intel 64 "
		                       "architecture (CPUID.80000001H:EDX.LM) is unknown",
		                       check_field_name(f), ctl);
	check_hint(c, "this processor has no Intel 64 architecture (32-bit only): clear %s in %s",
	           ctl, check_field_name(f));
	return check_fail(c, f, "%s = 0x%llx sets %s on a processor without Intel 64 architecture",
	                  check_field_name(f), (unsigned long long)VAL(c, f), ctl);
}

/*
 * SDM 27.2.4: on processors that do not support Intel 64 architecture, the "IA-32e mode
 * guest" VM-entry control (arg VMCS_VM_ENTRY_CONTROLS) and the "host address-space size"
 * VM-exit control (arg VMCS_VM_EXIT_CONTROLS) are 0.
 */
enum rule_result rule_host_no_intel64(struct check_ctx *c, uintptr_t arg)
{
	int f = (int)arg;
	uint64_t bit = f == VMCS_VM_ENTRY_CONTROLS ? BITMASK(L_ENTRY, IA32E_MODE_GUEST)
	                                           : BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE);
	enum tri t = check_intel64(c);

	if (t == TRI_YES)
		return RULE_NA;
	NEED_ID(c, f);
	if (!(VAL(c, f) & bit))
		return RULE_PASS;
	return ia32e_without_intel64(c, f, t);
}

/* ---- guest MSRs whose bits CPUID enumerates ---- */

/* A bit (range) of an MSR that exists only with a CPUID feature. */
struct feature_bits {
	uint64_t mask;
	enum cpuid_fact reg;
	unsigned bit;
	const char *what;
};

/*
 * The value v of the MSR field f against the bits reserved on every processor (always; which
 * names them in the message) and the n feature bit ranges that exist only where CPUID reports
 * the feature: RULE_FAIL (recorded) for a bit reserved here, else RULE_PASS with *unknown naming
 * the first feature v uses whose presence is unknown (NULL when none).
 */
static enum rule_result feature_msr(struct check_ctx *c, int f, uint64_t v, uint64_t always,
                                    const char *which, const struct feature_bits *fs, size_t n,
                                    const char **unknown)
{
	*unknown = NULL;
	if (v & always) {
		check_hint(c, "clear bits 0x%llx of %s (use 0x%llx)",
		           (unsigned long long)(v & always), check_field_name(f),
		           (unsigned long long)(v & ~always));
		return check_fail(c, f, "%s = 0x%llx sets reserved bit(s) 0x%llx%s",
		                  check_field_name(f), (unsigned long long)v,
		                  (unsigned long long)(v & always), which);
	}
	for (size_t i = 0; i < n; i++) {
		enum tri t = (v & fs[i].mask) ? check_cpuid_bit(c, fs[i].reg, fs[i].bit) : TRI_YES;

		if (t == TRI_UNKNOWN && !*unknown)
			*unknown = fs[i].what;
		if (t != TRI_NO)
			continue;
		check_hint(c, "clear bits 0x%llx of %s: this CPU lacks %s",
		           (unsigned long long)(v & fs[i].mask), check_field_name(f), fs[i].what);
		return check_fail(c, f, "%s = 0x%llx sets bit(s) 0x%llx, reserved without %s",
		                  check_field_name(f), (unsigned long long)v,
		                  (unsigned long long)(v & fs[i].mask), fs[i].what);
	}
	return RULE_PASS;
}

/* The undecided result of an MSR field whose bits use a feature (what) of unknown presence. */
static enum rule_result feature_unknown(struct check_ctx *c, int f, uint64_t v, const char *what)
{
	return check_undecided(c,
	                       "%s = 0x%llx uses a bit that exists only with %s, unknown for "
	                       "this CPU",
	                       check_field_name(f), (unsigned long long)v, what);
}

#define FEATURES(a) a, sizeof(a) / sizeof((a)[0])

/* IA32_DEBUGCTL bits whose existence a CPUID flag reports (SDM Vol. 4, IA32_DEBUGCTL). */
static const struct feature_bits debugctl_features[] = {
    {BIT(2), CF_7_0_ECX, 24, "bus-lock detection, CPUID.(EAX=07H,ECX=0):ECX[24]"},
    {0x7c0, CF_1_0_EDX, 21, "the debug store, CPUID.01H:EDX[21]"},
    {0x1800, CF_1_0_ECX, 15, "PDCM, CPUID.01H:ECX[15]"},
    {BIT(15), CF_7_0_EBX, 11, "RTM, CPUID.(EAX=07H,ECX=0):EBX[11]"},
};

/*
 * SDM 27.3.1.1: with "load debug controls" = 1, the IA32_DEBUGCTL field must not set a bit
 * reserved in the MSR: bits 5:3 and 63:16 always; bits 2, 10:6, 12:11 and 15 where the feature
 * that defines them is absent.  Bits 14:13 are model-specific (undecided when set).
 */
enum rule_result rule_guest_debugctl_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = (~0ull << 16) | (7ull << 3);
	const char *unknown;
	enum rule_result r;
	uint64_t v;

	(void)arg;
	NEED_ID(c, VMCS_GUEST_IA32_DEBUGCTL); /* its load control: the condition of its row */
	v = V(c, GUEST_IA32_DEBUGCTL);
	r = feature_msr(c, VMCS_GUEST_IA32_DEBUGCTL, v, always,
	                " (bits 5:3 and 63:16 are reserved)", FEATURES(debugctl_features),
	                &unknown);
	if (r != RULE_PASS)
		return r;
	if (unknown)
		return feature_unknown(c, VMCS_GUEST_IA32_DEBUGCTL, v, unknown);
	if (v & 0x6000)
		return check_undecided(
		    c,
		    "GUEST_IA32_DEBUGCTL = 0x%llx sets model-specific bit(s) 0x%llx "
		    "(ENABLE_UNCORE_PMI, FREEZE_WHILE_SMM) that vmcslint cannot "
		    "check",
		    (unsigned long long)v, (unsigned long long)(v & 0x6000));
	return RULE_PASS;
}

/*
 * IA32_RTIT_CTL bits whose existence CPUID.(EAX=14H,ECX=0) reports (SDM Vol. 3C, "IA32_RTIT_CTL
 * MSR" table).
 */
static const struct feature_bits rtit_features[] = {
    {BIT(7), CF_14_0_EBX, 0, "CR3 filtering (CPUID.(EAX=14H,ECX=0):EBX[0])"},
    {BIT(1) | (0xfull << 19) | (0xfull << 24), CF_14_0_EBX, 1,
     "configurable PSB and cycle-accurate mode (CPUID.(EAX=14H,ECX=0):EBX[1])"},
    {0xffffull << 32, CF_14_0_EBX, 2, "IP filtering (CPUID.(EAX=14H,ECX=0):EBX[2])"},
    {BIT(9) | (0xfull << 14), CF_14_0_EBX, 3, "MTC (CPUID.(EAX=14H,ECX=0):EBX[3])"},
    {BIT(12) | BIT(5), CF_14_0_EBX, 4, "PTWRITE (CPUID.(EAX=14H,ECX=0):EBX[4])"},
    {BIT(4), CF_14_0_EBX, 5, "power event trace (CPUID.(EAX=14H,ECX=0):EBX[5])"},
    {BIT(31), CF_14_0_EBX, 7, "event trace (CPUID.(EAX=14H,ECX=0):EBX[7])"},
    {BIT(55), CF_14_0_EBX, 8, "TNT disable (CPUID.(EAX=14H,ECX=0):EBX[8])"},
    {BIT(8), CF_14_0_ECX, 0, "ToPA output (CPUID.(EAX=14H,ECX=0):ECX[0])"},
    {BIT(6), CF_14_0_ECX, 3, "trace transport output (CPUID.(EAX=14H,ECX=0):ECX[3])"},
};
#define RTIT_ADDR_CFG (0xffffull << 32)

/*
 * SDM 27.3.1.1: with "load IA32_RTIT_CTL" = 1, the field must not set a bit reserved in
 * IA32_RTIT_CTL.  Bits 18, 23, 30:28 and 53:48 are reserved everywhere; feature bits are
 * reserved where CPUID leaf 14H does not report the feature, ADDRn_CFG for n at or above the
 * number of address ranges (CPUID.(EAX=14H,ECX=1):EAX[2:0]).  Bits 54 and 63:56 are not
 * decided.
 */
enum rule_result rule_guest_rtit_ctl(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = BIT(18) | BIT(23) | (7ull << 28) | (0x3full << 48);
	uint64_t checked = BIT(0) | BIT(2) | BIT(3) | BIT(10) | BIT(11) | BIT(13) | always;
	const char *unknown;
	enum rule_result r;
	uint32_t eax;
	uint64_t v;

	(void)arg;
	NEED_ID(c, VMCS_GUEST_IA32_RTIT_CTL); /* its load control: the condition of its row */
	v = V(c, GUEST_IA32_RTIT_CTL);
	r = feature_msr(c, VMCS_GUEST_IA32_RTIT_CTL, v, always, "", FEATURES(rtit_features),
	                &unknown);
	if (r != RULE_PASS)
		return r;
	for (size_t i = 0; i < sizeof(rtit_features) / sizeof(rtit_features[0]); i++)
		checked |= rtit_features[i].mask;
	/* With IP filtering, only the address ranges the processor has exist. */
	if ((v & RTIT_ADDR_CFG) && check_cpuid_bit(c, CF_14_0_EBX, 2) == TRI_YES) {
		if (!check_cpuid_reg(c, CF_14_1_EAX, &eax)) {
			if (!unknown)
				unknown =
				    "the number of address ranges (CPUID.(EAX=14H,ECX=1):EAX[2:0])";
		} else if (v & RTIT_ADDR_CFG &
		           ~((eax & 7) >= 4 ? RTIT_ADDR_CFG
		                            : ((1ull << (4 * (eax & 7))) - 1) << 32)) {
			check_hint(
			    c,
			    "clear bits 0x%llx of GUEST_IA32_RTIT_CTL: this CPU has %u address "
			    "range(s)",
			    (unsigned long long)(v & RTIT_ADDR_CFG &
			                         ~(((1ull << (4 * (eax & 7))) - 1) << 32)),
			    eax & 7);
			return check_fail(c, VMCS_GUEST_IA32_RTIT_CTL,
			                  "GUEST_IA32_RTIT_CTL = 0x%llx configures address ranges "
			                  "beyond the %u this CPU has",
			                  (unsigned long long)v, eax & 7);
		}
	}
	if (unknown)
		return feature_unknown(c, VMCS_GUEST_IA32_RTIT_CTL, v, unknown);
	if (v & ~checked)
		return check_undecided(
		    c,
		    "GUEST_IA32_RTIT_CTL = 0x%llx sets bit(s) 0x%llx that vmcslint "
		    "cannot check",
		    (unsigned long long)v, (unsigned long long)(v & ~checked));
	return RULE_PASS;
}

/* IA32_LBR_CTL bits whose existence CPUID.(EAX=1CH,ECX=0):EBX reports (architectural LBRs). */
static const struct feature_bits lbr_features[] = {
    {BIT(1) | BIT(2), CF_1C_0_EBX, 0, "CPL filtering (CPUID.(EAX=1CH,ECX=0):EBX[0])"},
    {0x7full << 16, CF_1C_0_EBX, 1, "branch filtering (CPUID.(EAX=1CH,ECX=0):EBX[1])"},
    {BIT(3), CF_1C_0_EBX, 2, "call-stack mode (CPUID.(EAX=1CH,ECX=0):EBX[2])"},
};

/*
 * SDM 27.3.1.1: with "load guest IA32_LBR_CTL" = 1, the field must not set a bit reserved in
 * IA32_LBR_CTL: bits 15:4 and 63:23 always; OS/USR, CALL_STACK and the branch-type bits 22:16
 * where CPUID leaf 1CH does not report the corresponding feature.
 */
enum rule_result rule_guest_lbr_ctl(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = (0xfffull << 4) | (~0ull << 23);
	const char *unknown;
	enum rule_result r;
	uint64_t v;

	(void)arg;
	NEED_ID(c, VMCS_GUEST_IA32_LBR_CTL); /* its load control: the condition of its row */
	v = V(c, GUEST_IA32_LBR_CTL);
	r = feature_msr(c, VMCS_GUEST_IA32_LBR_CTL, v, always, " (bits 15:4 and 63:23)",
	                FEATURES(lbr_features), &unknown);
	if (r == RULE_PASS && unknown)
		return feature_unknown(c, VMCS_GUEST_IA32_LBR_CTL, v, unknown);
	return r;
}
