/*
 * rules_guest_cr.c -- SDM 27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and
 * MSRs", and the guest-state checks the FRED specification adds to that list.  A failure is a
 * VM-entry failure with exit reason 33 (invalid guest state), exit qualification 0.
 */
#include "rules.h"

/* ---- helpers (static: each rules file keeps its own) ---- */

#define CR0_PE  BITMASK(L_CR0, PE)
#define CR0_WP  BITMASK(L_CR0, WP)
#define CR0_NW  BITMASK(L_CR0, NW)
#define CR0_CD  BITMASK(L_CR0, CD)
#define CR0_PG  BITMASK(L_CR0, PG)
#define CR4_PAE BITMASK(L_CR4, PAE)

static bool entry_ctl(const struct check_ctx *c, uint64_t mask)
{
	return (c->entry & mask) != 0;
}
#define ENTRY(c, name) entry_ctl((c), BITMASK(L_ENTRY, name))

/* "5 (NE), 31 (PG)": the bits of mask with their names from layout (a VMCS_LAYOUT id). */
static const char *bit_names(char *buf, size_t n, unsigned layout, uint64_t mask)
{
	const struct vmcs_bits_info *b = NULL;
	size_t nb = 0, len = 0;

	if (layout < vmcs_layout_count())
		b = vmcs_layout_bits(vmcs_layout_at(layout), &nb);
	buf[0] = '\0';
	for (unsigned i = 0; i < 64 && len + 1 < n; i++) {
		const char *name = NULL;

		if (!((mask >> i) & 1u))
			continue;
		for (size_t k = 0; k < nb; k++) {
			if (b[k].lo == i && b[k].hi == i)
				name = b[k].name;
		}
		len += check_snprintf(buf + len, n - len, "%s%u%s%s%s", len ? ", " : "", i,
		                      name ? " (" : "", name ? name : "", name ? ")" : "");
	}
	return buf;
}

/* ---- CR0 and CR4 ---- */

/*
 * SDM 27.3.1.1: the CR0 field may not give a bit a value VMX operation does not support
 * (SDM 24.8): every bit set in IA32_VMX_CR0_FIXED0 must be 1.  Exceptions: NW and CD are never
 * checked; PE and PG are not checked when "unrestricted guest" is 1.
 */
enum rule_result rule_guest_cr_cr0_must_be_1(struct check_ctx *c, uintptr_t arg)
{
	uint64_t cr0, exempt = CR0_NW | CR0_CD, missing;
	struct fixed_bits fb;
	bool ug;
	char names[96];

	(void)arg;
	NEED(c, GUEST_CR0);
	cr0 = V(c, GUEST_CR0);
	/* "Unrestricted guest" exempts PE and PG: it matters only when one of them is 0. */
	ug = false;
	if ((cr0 & (CR0_PE | CR0_PG)) != (CR0_PE | CR0_PG)) {
		NEED_UG(c);
		ug = UG(c);
	}
	if (ug)
		exempt |= CR0_PE | CR0_PG;
	switch (check_fixed_bits(c, VMX_MSR_CR0_FIXED0, cr0, exempt, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, VMCS_GUEST_CR0, cr0, VMX_MSR_CR0_FIXED0, &fb);
	default:
		break;
	}
	missing = fb.bad;
	bit_names(names, sizeof(names), L_CR0, missing);
	check_hint(c,
	           "set bit%s %s of GUEST_CR0 (0x%llx): IA32_VMX_CR0_FIXED0 requires %s "
	           "in VMX operation on this CPU%s",
	           (missing & (missing - 1)) ? "s" : "", names, (unsigned long long)(cr0 | missing),
	           (missing & (missing - 1)) ? "them" : "it",
	           (!ug && (missing & (CR0_PE | CR0_PG)))
	               ? " (or enable \"unrestricted guest\" to run it unpaged)"
	               : "");
	return check_fail(c, VMCS_GUEST_CR0,
	                  "GUEST_CR0 = 0x%llx clears bit(s) 0x%llx that IA32_VMX_CR0_FIXED0 "
	                  "= 0x%llx fixes to 1%s",
	                  (unsigned long long)cr0, (unsigned long long)missing,
	                  (unsigned long long)fb.msr,
	                  ug ? " (PE and PG exempt: unrestricted guest)" : "");
}

/*
 * SDM 27.3.1.1: the CR0 field may not give a bit a value VMX operation does not support:
 * every bit clear in IA32_VMX_CR0_FIXED1 must be 0 (NW and CD are never checked; PE and PG
 * not under "unrestricted guest").
 */
enum rule_result rule_guest_cr_cr0_must_be_0(struct check_ctx *c, uintptr_t arg)
{
	uint64_t cr0, bad, exempt = CR0_NW | CR0_CD;
	struct fixed_bits fb;
	char names[96];

	(void)arg;
	NEED(c, GUEST_CR0);
	cr0 = V(c, GUEST_CR0);
	/* "Unrestricted guest" exempts PE and PG: it matters only when one of them is 1. */
	if (cr0 & (CR0_PE | CR0_PG)) {
		NEED_UG(c);
		if (UG(c))
			exempt |= CR0_PE | CR0_PG;
	}
	switch (check_fixed_bits(c, VMX_MSR_CR0_FIXED1, cr0, exempt, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, VMCS_GUEST_CR0, cr0, VMX_MSR_CR0_FIXED1, &fb);
	default:
		break;
	}
	bad = fb.bad;
	bit_names(names, sizeof(names), L_CR0, bad);
	check_hint(c,
	           "clear bit%s %s of GUEST_CR0 (0x%llx): IA32_VMX_CR0_FIXED1 = 0x%llx "
	           "does not allow %s in VMX operation on this CPU",
	           (bad & (bad - 1)) ? "s" : "", names, (unsigned long long)(cr0 & ~bad),
	           (unsigned long long)fb.msr, (bad & (bad - 1)) ? "them" : "it");
	return check_fail(c, VMCS_GUEST_CR0,
	                  "GUEST_CR0 = 0x%llx sets bit(s) 0x%llx that IA32_VMX_CR0_FIXED1 = "
	                  "0x%llx fixes to 0",
	                  (unsigned long long)cr0, (unsigned long long)bad,
	                  (unsigned long long)fb.msr);
}

/* SDM 27.3.1.1: when the CR0 field has PG (bit 31) set, it must also have PE (bit 0) set. */
enum rule_result rule_guest_cr_cr0_pg_pe(struct check_ctx *c, uintptr_t arg)
{
	uint64_t cr0;

	(void)arg;
	NEED(c, GUEST_CR0);
	cr0 = V(c, GUEST_CR0);
	if (!(cr0 & CR0_PG))
		return RULE_NA;
	if (!(cr0 & CR0_PE)) {
		check_hint(c,
		           "set bit 0 (PE) of GUEST_CR0 (0x%llx), or clear bit 31 (PG): paging "
		           "needs protected mode",
		           (unsigned long long)(cr0 | CR0_PE));
		return check_fail(c, VMCS_GUEST_CR0, "GUEST_CR0 = 0x%llx has PG = 1 with PE = 0",
		                  (unsigned long long)cr0);
	}
	return RULE_PASS;
}

/* SDM 27.3.1.1: every bit set in IA32_VMX_CR4_FIXED0 must be 1 in the CR4 field. */
enum rule_result rule_guest_cr_cr4_must_be_1(struct check_ctx *c, uintptr_t arg)
{
	uint64_t cr4, missing;
	struct fixed_bits fb;
	char names[96];

	(void)arg;
	NEED(c, GUEST_CR4);
	cr4 = V(c, GUEST_CR4);
	switch (check_fixed_bits(c, VMX_MSR_CR4_FIXED0, cr4, 0, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, VMCS_GUEST_CR4, cr4, VMX_MSR_CR4_FIXED0, &fb);
	default:
		break;
	}
	missing = fb.bad;
	bit_names(names, sizeof(names), L_CR4, missing);
	check_hint(c,
	           "set bit%s %s of GUEST_CR4 (0x%llx): IA32_VMX_CR4_FIXED0 requires %s "
	           "in VMX operation, also for the guest (hide it from the guest with "
	           "CR4_GUEST_HOST_MASK and CR4_READ_SHADOW)",
	           (missing & (missing - 1)) ? "s" : "", names, (unsigned long long)(cr4 | missing),
	           (missing & (missing - 1)) ? "them" : "it");
	return check_fail(c, VMCS_GUEST_CR4,
	                  "GUEST_CR4 = 0x%llx clears bit(s) 0x%llx that IA32_VMX_CR4_FIXED0 "
	                  "= 0x%llx fixes to 1",
	                  (unsigned long long)cr4, (unsigned long long)missing,
	                  (unsigned long long)fb.msr);
}

/* SDM 27.3.1.1: every bit clear in IA32_VMX_CR4_FIXED1 must be 0 in the CR4 field. */
enum rule_result rule_guest_cr_cr4_must_be_0(struct check_ctx *c, uintptr_t arg)
{
	uint64_t cr4, bad;
	struct fixed_bits fb;
	char names[96];

	(void)arg;
	NEED(c, GUEST_CR4);
	cr4 = V(c, GUEST_CR4);
	switch (check_fixed_bits(c, VMX_MSR_CR4_FIXED1, cr4, 0, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, VMCS_GUEST_CR4, cr4, VMX_MSR_CR4_FIXED1, &fb);
	default:
		break;
	}
	bad = fb.bad;
	bit_names(names, sizeof(names), L_CR4, bad);
	check_hint(c,
	           "clear bit%s %s of GUEST_CR4 (0x%llx): this CPU (IA32_VMX_CR4_FIXED1 = "
	           "0x%llx) does not support %s in VMX operation",
	           (bad & (bad - 1)) ? "s" : "", names, (unsigned long long)(cr4 & ~bad),
	           (unsigned long long)fb.msr, (bad & (bad - 1)) ? "them" : "it");
	return check_fail(c, VMCS_GUEST_CR4,
	                  "GUEST_CR4 = 0x%llx sets bit(s) 0x%llx that IA32_VMX_CR4_FIXED1 = "
	                  "0x%llx fixes to 0",
	                  (unsigned long long)cr4, (unsigned long long)bad,
	                  (unsigned long long)fb.msr);
}

/* SDM 27.3.1.1: when the CR4 field has CET (bit 23) set, the CR0 field must have WP (bit 16). */
enum rule_result rule_guest_cr_cr4_cet_wp(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	NEED(c, GUEST_CR4);
	if (!(V(c, GUEST_CR4) & BITMASK(L_CR4, CET)))
		return RULE_NA;
	NEED(c, GUEST_CR0);
	if (!(V(c, GUEST_CR0) & CR0_WP)) {
		check_hint(c, "set bit 16 (WP) of GUEST_CR0 (0x%llx), or clear CR4.CET (bit 23)",
		           (unsigned long long)(V(c, GUEST_CR0) | CR0_WP));
		return check_fail(
		    c, VMCS_GUEST_CR0,
		    "GUEST_CR4 = 0x%llx enables CET but GUEST_CR0 = 0x%llx has WP = 0",
		    (unsigned long long)V(c, GUEST_CR4), (unsigned long long)V(c, GUEST_CR0));
	}
	return RULE_PASS;
}

/* ---- IA32_DEBUGCTL ---- */

/* IA32_DEBUGCTL bits whose existence a CPUID flag reports (SDM Vol. 4, IA32_DEBUGCTL). */
static const struct debugctl_feature {
	uint64_t mask;
	enum cpuid_leaf_id leaf;
	enum cpuid_reg reg;
	unsigned bit;
	const char *what;
} debugctl_features[] = {
    {BIT(2), CPUID_LEAF_7_0, CPUID_ECX, 24, "bus-lock detection, CPUID.(EAX=07H,ECX=0):ECX[24]"},
    {0x7c0, CPUID_LEAF_1, CPUID_EDX, 21, "the debug store, CPUID.01H:EDX[21]"},
    {0x1800, CPUID_LEAF_1, CPUID_ECX, 15, "PDCM, CPUID.01H:ECX[15]"},
    {BIT(15), CPUID_LEAF_7_0, CPUID_EBX, 11, "RTM, CPUID.(EAX=07H,ECX=0):EBX[11]"},
};

/*
 * SDM 27.3.1.1: with "load debug controls" = 1, the IA32_DEBUGCTL field must not set a bit
 * reserved in the MSR: bits 5:3 and 63:16 always; bits 2, 10:6, 12:11 and 15 where the feature
 * that defines them is absent.  Bits 14:13 are model-specific (undecided when set).
 */
enum rule_result rule_guest_cr_debugctl_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = (~0ull << 16) | (7ull << 3);
	const char *unknown = NULL;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_DEBUG_CONTROLS))
		return RULE_NA;
	NEED(c, GUEST_IA32_DEBUGCTL);
	v = V(c, GUEST_IA32_DEBUGCTL);
	if (v & always) {
		check_hint(c, "clear bits 0x%llx of GUEST_IA32_DEBUGCTL (keep 0x%llx)",
		           (unsigned long long)(v & always), (unsigned long long)(v & ~always));
		return check_fail(c, VMCS_GUEST_IA32_DEBUGCTL,
		                  "GUEST_IA32_DEBUGCTL = 0x%llx sets reserved bit(s) 0x%llx (bits "
		                  "5:3 and 63:16 are reserved)",
		                  (unsigned long long)v, (unsigned long long)(v & always));
	}
	for (size_t i = 0; i < sizeof(debugctl_features) / sizeof(debugctl_features[0]); i++) {
		const struct debugctl_feature *f = &debugctl_features[i];
		enum tri t;

		if (!(v & f->mask))
			continue;
		t = check_cpuid_bit(c, f->leaf, f->reg, f->bit);
		if (t == TRI_NO) {
			check_hint(c, "clear bits 0x%llx of GUEST_IA32_DEBUGCTL: this CPU lacks %s",
			           (unsigned long long)(v & f->mask), f->what);
			return check_fail(
			    c, VMCS_GUEST_IA32_DEBUGCTL,
			    "GUEST_IA32_DEBUGCTL = 0x%llx sets bit(s) 0x%llx, reserved "
			    "without %s",
			    (unsigned long long)v, (unsigned long long)(v & f->mask), f->what);
		}
		if (t == TRI_UNKNOWN && !unknown)
			unknown = f->what;
	}
	if (unknown)
		return check_undecided(c,
		                       "GUEST_IA32_DEBUGCTL = 0x%llx uses a bit that exists only "
		                       "with %s, which is unknown for this CPU",
		                       (unsigned long long)v, unknown);
	if (v & 0x6000)
		return check_undecided(c,
		                       "GUEST_IA32_DEBUGCTL = 0x%llx sets model-specific bit(s) "
		                       "0x%llx (ENABLE_UNCORE_PMI, FREEZE_WHILE_SMM) that vmcslint "
		                       "cannot check",
		                       (unsigned long long)v, (unsigned long long)(v & 0x6000));
	return RULE_PASS;
}

/* ---- checks on processors that support Intel 64 architecture ---- */

/*
 * SDM 27.3.1.1: with "IA-32e mode guest" = 1, the CR0 field must have PG (bit 31) and the CR4
 * field PAE (bit 5) set.  arg names the field: one rule per register.
 */
enum rule_result rule_guest_cr_ia32e_cr_bit(struct check_ctx *c, uintptr_t arg)
{
	bool cr0 = arg == VMCS_GUEST_CR0;
	uint64_t v, bit = cr0 ? CR0_PG : CR4_PAE;

	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, IA32E_MODE_GUEST))
		return RULE_NA;
	if (cr0)
		NEED(c, GUEST_CR0);
	else
		NEED(c, GUEST_CR4);
	v = c->v[arg];
	if (!(v & bit)) {
		NEED_INTEL64(c);
		check_hint(c,
		           "set bit %s of %s (0x%llx), or clear \"IA-32e mode guest\" in "
		           "VM_ENTRY_CONTROLS for a 32-bit guest",
		           cr0 ? "31 (PG)" : "5 (PAE)", cr0 ? "GUEST_CR0" : "GUEST_CR4",
		           (unsigned long long)(v | bit));
		return check_fail(
		    c, (int)arg, "\"IA-32e mode guest\" is 1 but %s = 0x%llx has %s = 0",
		    cr0 ? "GUEST_CR0" : "GUEST_CR4", (unsigned long long)v, cr0 ? "PG" : "PAE");
	}
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "IA-32e mode guest" = 0, the CR4 field must have PCIDE (bit 17) clear. */
enum rule_result rule_guest_cr_cr4_pcide(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t pcide = BITMASK(L_CR4, PCIDE);

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (ENTRY(c, IA32E_MODE_GUEST))
		return RULE_NA;
	NEED(c, GUEST_CR4);
	if (V(c, GUEST_CR4) & pcide) {
		NEED_INTEL64(c);
		check_hint(c,
		           "clear bit 17 (PCIDE) of GUEST_CR4 (0x%llx): PCIDs exist only in "
		           "IA-32e mode",
		           (unsigned long long)(V(c, GUEST_CR4) & ~pcide));
		return check_fail(c, VMCS_GUEST_CR4,
		                  "GUEST_CR4 = 0x%llx has PCIDE = 1 for a guest that is not IA-32e "
		                  "mode",
		                  (unsigned long long)V(c, GUEST_CR4));
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: the CR3 field must have bits 63:52 and the bits of 51:32 beyond the
 * processor's physical-address width clear.  Where the processor supports LAM
 * (CPUID.(EAX=07H,ECX=1):EAX[26]), CR3 bits 62:61 (LAM_U57, LAM_U48) are not reserved.
 */
enum rule_result rule_guest_cr_cr3_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t lam_bits = 3ull << 61;
	unsigned m = check_maxphyaddr(c);
	uint64_t v, bad, maybe = 0;

	(void)arg;
	NEED(c, GUEST_CR3);
	v = V(c, GUEST_CR3);
	if (!(v >> 32))
		return RULE_PASS;
	NEED_INTEL64(c);
	if (m) {
		bad = v & (~0ull << m);
	} else {
		bad = v & (~0ull << 52);
		maybe = v & 0x000fffff00000000ull;
	}
	if (bad & lam_bits) {
		enum tri lam = check_cpuid_bit(c, CPUID_LEAF_7_1, CPUID_EAX, 26);

		if (lam == TRI_YES) {
			bad &= ~lam_bits;
		} else if (lam == TRI_UNKNOWN && !(bad & ~lam_bits)) {
			return check_undecided(
			    c,
			    "GUEST_CR3 = 0x%llx sets LAM bits 62:61, allowed only "
			    "where the CPU supports LAM (CPUID.(EAX=07H,ECX=1):"
			    "EAX[26]), which is unknown",
			    (unsigned long long)v);
		}
	}
	if (bad) {
		check_hint(c, "clear bits 0x%llx of GUEST_CR3 (use 0x%llx)%s",
		           (unsigned long long)bad, (unsigned long long)(v & ~bad),
		           (bad >> 63) ? ": bit 63 is the PCID no-flush hint of MOV to CR3, never "
		                         "part of CR3 itself"
		                       : ": the page-table base must lie within MAXPHYADDR");
		if (m)
			return check_fail(c, VMCS_GUEST_CR3,
			                  "GUEST_CR3 = 0x%llx sets bit(s) 0x%llx beyond the "
			                  "physical-address width (MAXPHYADDR = %u)",
			                  (unsigned long long)v, (unsigned long long)bad, m);
		return check_fail(c, VMCS_GUEST_CR3,
		                  "GUEST_CR3 = 0x%llx sets reserved bit(s) 0x%llx in 63:52",
		                  (unsigned long long)v, (unsigned long long)bad);
	}
	if (maybe)
		return check_undecided(c,
		                       "GUEST_CR3 = 0x%llx sets bits in 51:32; MAXPHYADDR is "
		                       "unknown for this CPU",
		                       (unsigned long long)v);
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load debug controls" = 1, DR7 field bits 63:32 must be 0. */
enum rule_result rule_guest_cr_dr7_high(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_DEBUG_CONTROLS))
		return RULE_NA;
	NEED(c, GUEST_DR7);
	v = V(c, GUEST_DR7);
	if (v >> 32) {
		NEED_INTEL64(c);
		check_hint(c, "clear bits 63:32 of GUEST_DR7 (use 0x%llx)",
		           (unsigned long long)(v & 0xffffffffull));
		return check_fail(c, VMCS_GUEST_DR7, "GUEST_DR7 = 0x%llx sets bits in 63:32",
		                  (unsigned long long)v);
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: the IA32_SYSENTER_ESP and IA32_SYSENTER_EIP fields must be canonical; with
 * "load CET state" = 1, so must the IA32_S_CET and IA32_INTERRUPT_SSP_TABLE_ADDR fields.
 * arg is the field.
 */
enum rule_result rule_guest_cr_msr_canonical(struct check_ctx *c, uintptr_t arg)
{
	const struct vmcs_field_info *f = vmcs_field_at(arg);
	unsigned w;
	uint64_t v;
	enum tri t;

	if (arg == VMCS_GUEST_S_CET || arg == VMCS_GUEST_INTR_SSP_TABLE) {
		NEED(c, VM_ENTRY_CONTROLS);
		if (!ENTRY(c, LOAD_CET_STATE))
			return RULE_NA;
	}
	if (!c->in->vmcs->known[arg])
		return check_unknown_field(c, (int)arg);
	v = c->v[arg];
	/* Canonical at 48 bits is canonical everywhere; otherwise it matters only on Intel 64. */
	if (check_canonical(v, 48))
		return RULE_PASS;
	NEED_INTEL64(c);
	t = check_canonical_max(c, v, &w);
	if (t == TRI_NO) {
		check_hint(c, "make %s canonical: bits 63:%u must all equal bit %u", f->name, w - 1,
		           w - 1);
		return check_fail(c, (int)arg,
		                  "%s = 0x%llx is not canonical (%u-bit linear addresses)", f->name,
		                  (unsigned long long)v, w);
	}
	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "%s = 0x%llx is canonical only with 5-level paging, whose "
		                       "support is unknown for this CPU",
		                       f->name, (unsigned long long)v);
	return RULE_PASS;
}

/* ---- MSRs loaded by VM-entry controls ---- */

/*
 * SDM 27.3.1.1: with "load IA32_PERF_GLOBAL_CTRL" = 1, the field must not set a bit reserved
 * in IA32_PERF_GLOBAL_CTRL (which bits exist: check_perf_global_ctrl()).
 */
enum rule_result rule_guest_cr_perf_global_ctrl(struct check_ctx *c, uintptr_t arg)
{
	struct perf_global pg;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_PERF_GLOBAL_CTRL))
		return RULE_NA;
	NEED(c, GUEST_IA32_PERF_GLOBAL_CTRL);
	v = V(c, GUEST_IA32_PERF_GLOBAL_CTRL);
	switch (check_perf_global_ctrl(c, v, &pg)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return check_undecided(c, "cannot decide GUEST_IA32_PERF_GLOBAL_CTRL = 0x%llx: %s",
		                       (unsigned long long)v, pg.why);
	default:
		break;
	}
	check_hint(c,
	           "clear bits 0x%llx of GUEST_IA32_PERF_GLOBAL_CTRL: this CPU has %u "
	           "general-purpose counters and fixed counters 0x%llx (CPUID leaf 0AH)",
	           (unsigned long long)pg.bad, pg.ngp, (unsigned long long)(pg.allowed >> 32));
	return check_fail(c, VMCS_GUEST_IA32_PERF_GLOBAL_CTRL,
	                  "GUEST_IA32_PERF_GLOBAL_CTRL = 0x%llx sets reserved bit(s) 0x%llx "
	                  "(CPUID.0AH allows 0x%llx)",
	                  (unsigned long long)v, (unsigned long long)pg.bad,
	                  (unsigned long long)pg.allowed);
}

/*
 * SDM 27.3.1.1: with "load IA32_PAT" = 1, the field must be a value WRMSR accepts at CPL 0:
 * each of the 8 bytes is 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-).
 */
enum rule_result rule_guest_cr_pat(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_PAT))
		return RULE_NA;
	NEED(c, GUEST_IA32_PAT);
	v = V(c, GUEST_IA32_PAT);
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (unsigned)(v >> (8 * i)) & 0xff;

		if (t == 2 || t == 3 || t > 7) {
			check_hint(c,
			           "give PAT entry %u a memory type 0, 1, 4, 5, 6 or 7 (e.g. the "
			           "reset value 0x0007040600070406)",
			           i);
			return check_fail(
			    c, VMCS_GUEST_IA32_PAT,
			    "GUEST_IA32_PAT = 0x%llx: entry %u (byte %u) is 0x%x, not a "
			    "valid memory type",
			    (unsigned long long)v, i, i, t);
		}
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: with "load IA32_EFER" = 1, the field must not set a bit reserved in
 * IA32_EFER.  Only SCE (0), LME (8), LMA (10) and NXE (11) exist on Intel 64 processors; NXE
 * needs CPUID.80000001H:EDX[20] (XD), LME and LMA need Intel 64 architecture.
 */
enum rule_result rule_guest_cr_efer_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t defined = BITMASK(L_EFER, SCE) | BITMASK(L_EFER, LME) |
	                         BITMASK(L_EFER, LMA) | BITMASK(L_EFER, NXE);
	const uint64_t lm = BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA);
	uint64_t v;
	enum tri t;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_EFER))
		return RULE_NA;
	NEED(c, GUEST_IA32_EFER);
	v = V(c, GUEST_IA32_EFER);
	if (v & ~defined) {
		check_hint(c, "clear bits 0x%llx of GUEST_IA32_EFER (use 0x%llx)",
		           (unsigned long long)(v & ~defined), (unsigned long long)(v & defined));
		return check_fail(c, VMCS_GUEST_IA32_EFER,
		                  "GUEST_IA32_EFER = 0x%llx sets reserved bit(s) 0x%llx (only SCE, "
		                  "LME, LMA and NXE exist)",
		                  (unsigned long long)v, (unsigned long long)(v & ~defined));
	}
	if (v & BITMASK(L_EFER, NXE)) {
		t = check_cpuid_bit(c, CPUID_LEAF_80000001, CPUID_EDX, 20);
		if (t == TRI_NO) {
			check_hint(c, "clear bit 11 (NXE) of GUEST_IA32_EFER: this CPU reports no "
			              "execute-disable support (CPUID.80000001H:EDX[20] = 0)");
			return check_fail(c, VMCS_GUEST_IA32_EFER,
			                  "GUEST_IA32_EFER = 0x%llx sets NXE, reserved without the "
			                  "execute-disable feature",
			                  (unsigned long long)v);
		}
		if (t == TRI_UNKNOWN)
			return check_undecided(c,
			                       "GUEST_IA32_EFER = 0x%llx sets NXE; execute-disable "
			                       "support (CPUID.80000001H:EDX[20]) is unknown",
			                       (unsigned long long)v);
	}
	if (v & lm) {
		t = check_intel64(c);
		if (t == TRI_NO) {
			check_hint(c, "clear LME and LMA in GUEST_IA32_EFER: this CPU does not "
			              "support Intel 64 architecture");
			return check_fail(c, VMCS_GUEST_IA32_EFER,
			                  "GUEST_IA32_EFER = 0x%llx sets LME/LMA, reserved without "
			                  "Intel 64 architecture",
			                  (unsigned long long)v);
		}
		if (t == TRI_UNKNOWN)
			return check_undecided(c,
			                       "GUEST_IA32_EFER = 0x%llx sets LME/LMA; Intel 64 "
			                       "support is unknown",
			                       (unsigned long long)v);
	}
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load IA32_EFER" = 1, EFER.LMA must equal "IA-32e mode guest". */
/*
 * The guest EFER both LMA rules accept: LMA equal to "IA-32e mode guest" and, with paging on,
 * LME equal to LMA (an IA-32e mode guest runs with paging, so it gets LME as well).  One
 * value for both hints, so they never ask for opposite changes.
 */
static uint64_t efer_for_mode(const struct check_ctx *c, uint64_t v, bool ia32e)
{
	const uint64_t lme = BITMASK(L_EFER, LME), lma = BITMASK(L_EFER, LMA);
	bool pg = KNOWN(c, GUEST_CR0) && (V(c, GUEST_CR0) & CR0_PG);

	if (ia32e)
		return v | lme | lma;
	return v & ~lma & ~(pg ? lme : 0);
}

enum rule_result rule_guest_cr_efer_lma(struct check_ctx *c, uintptr_t arg)
{
	bool lma, ia32e;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_EFER))
		return RULE_NA;
	NEED(c, GUEST_IA32_EFER);
	v = V(c, GUEST_IA32_EFER);
	lma = (v & BITMASK(L_EFER, LMA)) != 0;
	ia32e = ENTRY(c, IA32E_MODE_GUEST);
	if (lma != ia32e) {
		check_hint(c,
		           "%s bit 10 (LMA) of GUEST_IA32_EFER to match \"IA-32e mode guest\" = "
		           "%d, and LME with it when paging is on (use 0x%llx)",
		           ia32e ? "set" : "clear", ia32e,
		           (unsigned long long)efer_for_mode(c, v, ia32e));
		return check_fail(c, VMCS_GUEST_IA32_EFER,
		                  "GUEST_IA32_EFER = 0x%llx has LMA = %d but \"IA-32e mode guest\" "
		                  "is %d",
		                  (unsigned long long)v, lma, ia32e);
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: with "load IA32_EFER" = 1 and PG (bit 31) set in the CR0 field, EFER.LME must
 * equal EFER.LMA.
 */
enum rule_result rule_guest_cr_efer_lme(struct check_ctx *c, uintptr_t arg)
{
	bool lme, lma;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_EFER))
		return RULE_NA;
	NEED(c, GUEST_CR0);
	if (!(V(c, GUEST_CR0) & CR0_PG))
		return RULE_NA;
	NEED(c, GUEST_IA32_EFER);
	v = V(c, GUEST_IA32_EFER);
	lme = (v & BITMASK(L_EFER, LME)) != 0;
	lma = (v & BITMASK(L_EFER, LMA)) != 0;
	if (lme != lma) {
		/*
		 * LMA must also equal "IA-32e mode guest" (GUEST-EFER-LMA-IA32E): the one value
		 * that satisfies both rules has LME and LMA equal to that control.
		 */
		bool ia32e = ENTRY(c, IA32E_MODE_GUEST);

		check_hint(c,
		           "%s bits 8 (LME) and 10 (LMA) of GUEST_IA32_EFER (use 0x%llx): with "
		           "paging on they go together, and LMA equals \"IA-32e mode guest\" = %d",
		           ia32e ? "set" : "clear", (unsigned long long)efer_for_mode(c, v, ia32e),
		           ia32e);
		return check_fail(c, VMCS_GUEST_IA32_EFER,
		                  "GUEST_IA32_EFER = 0x%llx has LME = %d but LMA = %d while "
		                  "GUEST_CR0.PG = 1",
		                  (unsigned long long)v, lme, lma);
	}
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load IA32_BNDCFGS" = 1, reserved bits 11:2 of the field must be 0. */
enum rule_result rule_guest_cr_bndcfgs_reserved(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_BNDCFGS))
		return RULE_NA;
	NEED(c, GUEST_BNDCFGS);
	v = V(c, GUEST_BNDCFGS);
	if (v & 0xffcull) {
		check_hint(c, "clear bits 11:2 of GUEST_BNDCFGS (use 0x%llx)",
		           (unsigned long long)(v & ~0xffcull));
		return check_fail(c, VMCS_GUEST_BNDCFGS,
		                  "GUEST_BNDCFGS = 0x%llx sets reserved bit(s) 0x%llx (bits 11:2)",
		                  (unsigned long long)v, (unsigned long long)(v & 0xffcull));
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: with "load IA32_BNDCFGS" = 1, the linear address in bits 63:12 of the field
 * must be canonical.
 */
enum rule_result rule_guest_cr_bndcfgs_canonical(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;
	unsigned w;
	enum tri t;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_BNDCFGS))
		return RULE_NA;
	NEED(c, GUEST_BNDCFGS);
	v = V(c, GUEST_BNDCFGS);
	t = check_canonical_max(c, v & ~0xfffull, &w);
	if (t == TRI_NO) {
		check_hint(c,
		           "make the bound-directory base (bits 63:12 of GUEST_BNDCFGS) "
		           "canonical: bits 63:%u must all equal bit %u",
		           w - 1, w - 1);
		return check_fail(c, VMCS_GUEST_BNDCFGS,
		                  "GUEST_BNDCFGS = 0x%llx: base 0x%llx is not canonical (%u-bit "
		                  "linear addresses)",
		                  (unsigned long long)v, (unsigned long long)(v & ~0xfffull), w);
	}
	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "GUEST_BNDCFGS base 0x%llx is canonical only with 5-level "
		                       "paging, whose support is unknown",
		                       (unsigned long long)(v & ~0xfffull));
	return RULE_PASS;
}

/*
 * IA32_RTIT_CTL bits whose existence CPUID.(EAX=14H,ECX=0) reports (SDM Vol. 3C, "IA32_RTIT_CTL
 * MSR" table).
 */
static const struct rtit_feature {
	uint64_t mask;
	enum cpuid_reg reg;
	unsigned bit;
	const char *what;
} rtit_features[] = {
    {BIT(7), CPUID_EBX, 0, "CR3 filtering (CPUID.(EAX=14H,ECX=0):EBX[0])"},
    {BIT(1) | (0xfull << 19) | (0xfull << 24), CPUID_EBX, 1,
     "configurable PSB and cycle-accurate mode (CPUID.(EAX=14H,ECX=0):EBX[1])"},
    {0xffffull << 32, CPUID_EBX, 2, "IP filtering (CPUID.(EAX=14H,ECX=0):EBX[2])"},
    {BIT(9) | (0xfull << 14), CPUID_EBX, 3, "MTC (CPUID.(EAX=14H,ECX=0):EBX[3])"},
    {BIT(12) | BIT(5), CPUID_EBX, 4, "PTWRITE (CPUID.(EAX=14H,ECX=0):EBX[4])"},
    {BIT(4), CPUID_EBX, 5, "power event trace (CPUID.(EAX=14H,ECX=0):EBX[5])"},
    {BIT(31), CPUID_EBX, 7, "event trace (CPUID.(EAX=14H,ECX=0):EBX[7])"},
    {BIT(55), CPUID_EBX, 8, "TNT disable (CPUID.(EAX=14H,ECX=0):EBX[8])"},
    {BIT(8), CPUID_ECX, 0, "ToPA output (CPUID.(EAX=14H,ECX=0):ECX[0])"},
    {BIT(6), CPUID_ECX, 3, "trace transport output (CPUID.(EAX=14H,ECX=0):ECX[3])"},
};

/*
 * SDM 27.3.1.1: with "load IA32_RTIT_CTL" = 1, the field must not set a bit reserved in
 * IA32_RTIT_CTL.  Bits 18, 23, 30:28 and 53:48 are reserved everywhere; feature bits are
 * reserved where CPUID leaf 14H does not report the feature, ADDRn_CFG for n at or above the
 * number of address ranges (CPUID.(EAX=14H,ECX=1):EAX[2:0]).  Bits 54 and 63:56 are not
 * decided.
 */
enum rule_result rule_guest_cr_rtit_ctl(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = BIT(18) | BIT(23) | (7ull << 28) | (0x3full << 48);
	const uint64_t base = BIT(0) | BIT(2) | BIT(3) | BIT(10) | BIT(11) | BIT(13);
	uint64_t v, checked = base | always;
	const char *unknown = NULL;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_RTIT_CTL))
		return RULE_NA;
	NEED(c, GUEST_IA32_RTIT_CTL);
	v = V(c, GUEST_IA32_RTIT_CTL);
	if (v & always) {
		check_hint(c, "clear bits 0x%llx of GUEST_IA32_RTIT_CTL",
		           (unsigned long long)(v & always));
		return check_fail(c, VMCS_GUEST_IA32_RTIT_CTL,
		                  "GUEST_IA32_RTIT_CTL = 0x%llx sets reserved bit(s) 0x%llx",
		                  (unsigned long long)v, (unsigned long long)(v & always));
	}
	for (size_t i = 0; i < sizeof(rtit_features) / sizeof(rtit_features[0]); i++) {
		const struct rtit_feature *f = &rtit_features[i];
		enum tri t;

		checked |= f->mask;
		if (!(v & f->mask))
			continue;
		t = check_cpuid_bit(c, CPUID_LEAF_14_0, f->reg, f->bit);
		if (t == TRI_NO) {
			check_hint(c, "clear bits 0x%llx of GUEST_IA32_RTIT_CTL: this CPU lacks %s",
			           (unsigned long long)(v & f->mask), f->what);
			return check_fail(
			    c, VMCS_GUEST_IA32_RTIT_CTL,
			    "GUEST_IA32_RTIT_CTL = 0x%llx sets bit(s) 0x%llx, reserved "
			    "without %s",
			    (unsigned long long)v, (unsigned long long)(v & f->mask), f->what);
		}
		if (t == TRI_UNKNOWN && !unknown)
			unknown = f->what;
		if (t == TRI_YES && f->mask == (0xffffull << 32)) {
			uint32_t eax;
			unsigned n;
			uint64_t ok;

			if (!vmx_caps_cpuid_reg(c->in->caps, CPUID_LEAF_14_1, CPUID_EAX, &eax)) {
				if (!unknown)
					unknown = "the number of address ranges "
					          "(CPUID.(EAX=14H,ECX=1):EAX[2:0])";
				continue;
			}
			n = eax & 7;
			ok = n >= 4 ? f->mask : ((1ull << (4 * n)) - 1) << 32;
			if (v & f->mask & ~ok) {
				check_hint(c,
				           "clear bits 0x%llx of GUEST_IA32_RTIT_CTL: this CPU has "
				           "%u address range(s)",
				           (unsigned long long)(v & f->mask & ~ok), n);
				return check_fail(c, VMCS_GUEST_IA32_RTIT_CTL,
				                  "GUEST_IA32_RTIT_CTL = 0x%llx configures address "
				                  "ranges beyond the %u this CPU has",
				                  (unsigned long long)v, n);
			}
		}
	}
	if (unknown)
		return check_undecided(
		    c,
		    "GUEST_IA32_RTIT_CTL = 0x%llx uses a bit that depends on %s, "
		    "unknown for this CPU",
		    (unsigned long long)v, unknown);
	if (v & ~checked)
		return check_undecided(c,
		                       "GUEST_IA32_RTIT_CTL = 0x%llx sets bit(s) 0x%llx that "
		                       "vmcslint cannot check",
		                       (unsigned long long)v, (unsigned long long)(v & ~checked));
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load CET state" = 1, reserved bits 9:6 of the IA32_S_CET field are 0. */
enum rule_result rule_guest_cr_s_cet_reserved(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_CET_STATE))
		return RULE_NA;
	NEED(c, GUEST_S_CET);
	v = V(c, GUEST_S_CET);
	if (v & 0x3c0ull) {
		check_hint(c, "clear bits 9:6 of GUEST_S_CET (use 0x%llx)",
		           (unsigned long long)(v & ~0x3c0ull));
		return check_fail(c, VMCS_GUEST_S_CET,
		                  "GUEST_S_CET = 0x%llx sets reserved bit(s) 0x%llx (bits 9:6)",
		                  (unsigned long long)v, (unsigned long long)(v & 0x3c0ull));
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.1: with "load CET state" = 1, the IA32_S_CET field must not set both SUPPRESS
 * (bit 10) and TRACKER (bit 11, WAIT_FOR_ENDBRANCH).
 */
enum rule_result rule_guest_cr_s_cet_suppress(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_CET_STATE))
		return RULE_NA;
	NEED(c, GUEST_S_CET);
	v = V(c, GUEST_S_CET);
	if ((v & 0xc00ull) == 0xc00ull) {
		check_hint(c, "clear SUPPRESS (bit 10) or TRACKER (bit 11) of GUEST_S_CET");
		return check_fail(c, VMCS_GUEST_S_CET,
		                  "GUEST_S_CET = 0x%llx sets both SUPPRESS and TRACKER",
		                  (unsigned long long)v);
	}
	return RULE_PASS;
}

/* IA32_LBR_CTL bits whose existence CPUID.(EAX=1CH,ECX=0):EBX reports (architectural LBRs). */
static const struct lbr_feature {
	uint64_t mask;
	unsigned bit;
	const char *what;
} lbr_features[] = {
    {BIT(1) | BIT(2), 0, "CPL filtering (CPUID.(EAX=1CH,ECX=0):EBX[0])"},
    {0x7full << 16, 1, "branch filtering (CPUID.(EAX=1CH,ECX=0):EBX[1])"},
    {BIT(3), 2, "call-stack mode (CPUID.(EAX=1CH,ECX=0):EBX[2])"},
};

/*
 * SDM 27.3.1.1: with "load guest IA32_LBR_CTL" = 1, the field must not set a bit reserved in
 * IA32_LBR_CTL: bits 15:4 and 63:23 always; OS/USR, CALL_STACK and the branch-type bits 22:16
 * where CPUID leaf 1CH does not report the corresponding feature.
 */
enum rule_result rule_guest_cr_lbr_ctl(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t always = (0xfffull << 4) | (~0ull << 23);
	const char *unknown = NULL;
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_GUEST_IA32_LBR_CTL))
		return RULE_NA;
	NEED(c, GUEST_IA32_LBR_CTL);
	v = V(c, GUEST_IA32_LBR_CTL);
	if (v & always) {
		check_hint(c, "clear bits 0x%llx of GUEST_IA32_LBR_CTL (use 0x%llx)",
		           (unsigned long long)(v & always), (unsigned long long)(v & ~always));
		return check_fail(c, VMCS_GUEST_IA32_LBR_CTL,
		                  "GUEST_IA32_LBR_CTL = 0x%llx sets reserved bit(s) 0x%llx (bits "
		                  "15:4 and 63:23)",
		                  (unsigned long long)v, (unsigned long long)(v & always));
	}
	for (size_t i = 0; i < sizeof(lbr_features) / sizeof(lbr_features[0]); i++) {
		const struct lbr_feature *f = &lbr_features[i];
		enum tri t;

		if (!(v & f->mask))
			continue;
		t = check_cpuid_bit(c, CPUID_LEAF_1C_0, CPUID_EBX, f->bit);
		if (t == TRI_NO) {
			check_hint(c, "clear bits 0x%llx of GUEST_IA32_LBR_CTL: this CPU lacks %s",
			           (unsigned long long)(v & f->mask), f->what);
			return check_fail(
			    c, VMCS_GUEST_IA32_LBR_CTL,
			    "GUEST_IA32_LBR_CTL = 0x%llx sets bit(s) 0x%llx, reserved "
			    "without %s",
			    (unsigned long long)v, (unsigned long long)(v & f->mask), f->what);
		}
		if (t == TRI_UNKNOWN && !unknown)
			unknown = f->what;
	}
	if (unknown)
		return check_undecided(c,
		                       "GUEST_IA32_LBR_CTL = 0x%llx uses a bit that depends on %s, "
		                       "unknown for this CPU",
		                       (unsigned long long)v, unknown);
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load PKRS" = 1, bits 63:32 of the IA32_PKRS field must be 0. */
enum rule_result rule_guest_cr_pkrs(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_PKRS))
		return RULE_NA;
	NEED(c, GUEST_IA32_PKRS);
	v = V(c, GUEST_IA32_PKRS);
	if (v >> 32) {
		check_hint(c, "clear bits 63:32 of GUEST_IA32_PKRS (use 0x%llx)",
		           (unsigned long long)(v & 0xffffffffull));
		return check_fail(c, VMCS_GUEST_IA32_PKRS,
		                  "GUEST_IA32_PKRS = 0x%llx sets bits in 63:32",
		                  (unsigned long long)v);
	}
	return RULE_PASS;
}

/* SDM 27.3.1.1: with "load UINV" = 1, bits 15:8 of the guest UINV field must be 0. */
enum rule_result rule_guest_cr_uinv(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_UINV))
		return RULE_NA;
	NEED(c, GUEST_UINV);
	v = V(c, GUEST_UINV);
	if (v & 0xff00) {
		check_hint(c, "GUEST_UINV holds an 8-bit vector: clear bits 15:8 (use 0x%llx)",
		           (unsigned long long)(v & 0xff));
		return check_fail(c, VMCS_GUEST_UINV, "GUEST_UINV = 0x%llx sets bits in 15:8",
		                  (unsigned long long)v);
	}
	return RULE_PASS;
}

/* ---- FRED ---- */

/* FRED spec (VM entries, guest-state checks): CR4.FRED must be 0 unless "IA-32e mode guest". */
enum rule_result rule_guest_cr_cr4_fred(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t fred = BITMASK(L_CR4, FRED);

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (ENTRY(c, IA32E_MODE_GUEST))
		return RULE_NA;
	NEED(c, GUEST_CR4);
	if (V(c, GUEST_CR4) & fred) {
		check_hint(c,
		           "clear bit 32 (FRED) of GUEST_CR4 (0x%llx): FRED requires an IA-32e "
		           "mode guest",
		           (unsigned long long)(V(c, GUEST_CR4) & ~fred));
		return check_fail(c, VMCS_GUEST_CR4,
		                  "GUEST_CR4 = 0x%llx has FRED = 1 for a guest that is not IA-32e "
		                  "mode",
		                  (unsigned long long)V(c, GUEST_CR4));
	}
	return RULE_PASS;
}

/* FRED spec: with "load FRED" = 1, bits 2, 5:4 and 11 of IA32_FRED_CONFIG must be 0. */
enum rule_result rule_guest_cr_fred_config_reserved(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t rsvd = BIT(2) | BIT(4) | BIT(5) | BIT(11);
	uint64_t v;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_FRED))
		return RULE_NA;
	NEED(c, GUEST_IA32_FRED_CONFIG);
	v = V(c, GUEST_IA32_FRED_CONFIG);
	if (v & rsvd) {
		check_hint(c, "clear bits 0x%llx of GUEST_IA32_FRED_CONFIG (use 0x%llx)",
		           (unsigned long long)(v & rsvd), (unsigned long long)(v & ~rsvd));
		return check_fail(c, VMCS_GUEST_IA32_FRED_CONFIG,
		                  "GUEST_IA32_FRED_CONFIG = 0x%llx sets reserved bit(s) 0x%llx "
		                  "(bits 2, 5:4, 11)",
		                  (unsigned long long)v, (unsigned long long)(v & rsvd));
	}
	return RULE_PASS;
}

/*
 * FRED spec: with "load FRED" = 1, the event-handler entry point in bits 63:12 of
 * IA32_FRED_CONFIG must be canonical.
 */
enum rule_result rule_guest_cr_fred_config_canonical(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;
	unsigned w;
	enum tri t;

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_FRED))
		return RULE_NA;
	NEED(c, GUEST_IA32_FRED_CONFIG);
	v = V(c, GUEST_IA32_FRED_CONFIG);
	t = check_canonical_max(c, v & ~0xfffull, &w);
	if (t == TRI_NO) {
		check_hint(c,
		           "make the entry point (bits 63:12 of GUEST_IA32_FRED_CONFIG) "
		           "canonical: bits 63:%u must all equal bit %u",
		           w - 1, w - 1);
		return check_fail(c, VMCS_GUEST_IA32_FRED_CONFIG,
		                  "GUEST_IA32_FRED_CONFIG = 0x%llx: entry point 0x%llx is not "
		                  "canonical (%u-bit linear addresses)",
		                  (unsigned long long)v, (unsigned long long)(v & ~0xfffull), w);
	}
	if (t == TRI_UNKNOWN)
		return check_undecided(
		    c,
		    "GUEST_IA32_FRED_CONFIG entry point 0x%llx is canonical only "
		    "with 5-level paging, whose support is unknown",
		    (unsigned long long)(v & ~0xfffull));
	return RULE_PASS;
}

/*
 * FRED spec: with "load FRED" = 1, IA32_FRED_RSP1..3 must be canonical and 64-byte aligned,
 * IA32_FRED_SSP1..3 canonical and 8-byte aligned.  arg: 0 RSP alignment, 1 RSP canonical,
 * 2 SSP alignment, 3 SSP canonical.
 */
enum rule_result rule_guest_cr_fred_stack(struct check_ctx *c, uintptr_t arg)
{
	static const int rsp[3] = {VMCS_GUEST_IA32_FRED_RSP1, VMCS_GUEST_IA32_FRED_RSP2,
	                           VMCS_GUEST_IA32_FRED_RSP3};
	static const int ssp[3] = {VMCS_GUEST_IA32_FRED_SSP1, VMCS_GUEST_IA32_FRED_SSP2,
	                           VMCS_GUEST_IA32_FRED_SSP3};
	const int *fields = arg < 2 ? rsp : ssp;
	const uint64_t align = arg < 2 ? 0x3f : 0x7;
	bool canon = arg & 1;
	int unknown = -1;

	NEED(c, VM_ENTRY_CONTROLS);
	if (!ENTRY(c, LOAD_IA32_FRED))
		return RULE_NA;
	for (int i = 0; i < 3; i++) {
		const char *name = vmcs_field_at((size_t)fields[i])->name;
		uint64_t v;
		unsigned w;
		enum tri t;

		if (!c->in->vmcs->known[fields[i]])
			return check_unknown_field(c, fields[i]);
		v = c->v[fields[i]];
		if (!canon) {
			if (v & align) {
				check_hint(c, "align %s to %u bytes (use 0x%llx)", name,
				           (unsigned)align + 1, (unsigned long long)(v & ~align));
				return check_fail(c, fields[i],
				                  "%s = 0x%llx is not %u-byte aligned", name,
				                  (unsigned long long)v, (unsigned)align + 1);
			}
			continue;
		}
		t = check_canonical_max(c, v, &w);
		if (t == TRI_NO) {
			check_hint(c, "make %s canonical: bits 63:%u must all equal bit %u", name,
			           w - 1, w - 1);
			return check_fail(c, fields[i],
			                  "%s = 0x%llx is not canonical (%u-bit linear addresses)",
			                  name, (unsigned long long)v, w);
		}
		if (t == TRI_UNKNOWN && unknown < 0)
			unknown = fields[i];
	}
	if (unknown >= 0)
		return check_undecided(c,
		                       "%s = 0x%llx is canonical only with 5-level paging, whose "
		                       "support is unknown",
		                       vmcs_field_at((size_t)unknown)->name,
		                       (unsigned long long)c->v[unknown]);
	return RULE_PASS;
}
