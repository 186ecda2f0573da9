/*
 * rules_msrload.c -- SDM 27.4 "Loading MSRs": the entries of the VM-entry MSR-load area.
 *
 * After every control, host-state and guest-state check has passed and the guest state is
 * loaded, VM entry processes the first VM_ENTRY_MSR_LOAD_COUNT entries of the area in order,
 * each like a WRMSR at CPL 0 of its value (bits 127:64) to its MSR (bits 31:0).  The first
 * entry whose processing fails ends the VM entry with exit reason 34 and the 1-based number of
 * that entry as exit qualification; the entries before it stay loaded.
 *
 * Every rule here is a per-entry predicate (entry_*) run over the area by scan_area(), which
 * follows the processor: entries in order, the first entry that is not accepted decides, an
 * entry the configuration does not give (area unknown, or fewer entries than the count) is
 * undecidable.  A rule that fails at entry k first looks whether an earlier entry is
 * undecidable under any rule of this file: then the processor may never reach entry k, and the
 * rule reports that entry as undecided instead (the runner reports the lowest failing entry but
 * does not compare it with undecided ones).
 *
 * What WRMSR accepts is modelled only for the architectural MSRs of checker/msr_arch.def (SDM
 * Vol. 4, Table 2-2); an index the SDM forbids outright fails by its own rule; every other
 * index is undecided (MSRLOAD-MSR-UNMODELED), never guessed.  A value rule does not wait for
 * the MSR's existence: WRMSR of a value the MSR rejects faults whether or not the processor
 * implements the MSR (an absent MSR faults too).  vmcslint models VM entries from outside SMM
 * (the VM-entry controls "entry to SMM" and "deactivate dual-monitor treatment" must then be 0).
 */
#include "rules.h"

/* ---- the architectural MSRs (checker/msr_arch.def) ---- */

/* Access as Table 2-2 gives it. */
enum msr_access { ACC_RO, ACC_RW, ACC_WO };

/* What SDM 27.4 says of loading the MSR on VM entry (see checker/msr_arch.def). */
enum msr_entry { ENT_WRMSR, ENT_NEVER, ENT_SMM, ENT_MAY_REFUSE };

/* What enumerates an MSR: the rows of MSR_EXISTS. */
enum msr_exists {
#define MSR_EXISTS(id, reg, bit, how) id,
#include "msr_arch.def"
	EX__COUNT
};

/* The value rule WRMSR enforces (see checker/msr_arch.def). */
enum msr_value {
	VAL_NONE,
	VAL_UNDEFINED,
	VAL_LOCKED,
	VAL_ANY,
	VAL_RSVD,
	VAL_CANON,
	VAL_EFER,
	VAL_PAT,
	VAL_BNDCFGS,
	VAL_DEBUGCTL,
	VAL_FMASK,
	VAL_APIC_BASE,
	VAL_XSS,
	VAL_MTRR_DEF_TYPE,
	VAL_MTRR_FIXED,
	VAL_MTRR_PHYSBASE,
	VAL_MTRR_PHYSMASK,
};

/* Row numbers of the MSR table: ROW_IA32_EFER, ... */
enum msr_row {
#define MSR(index, name, access, entry, exists, value, rsvd) ROW_##name,
#include "msr_arch.def"
	ROW__COUNT
};

struct msr_exists_info {
	uint8_t reg; /* enum cpuid_fact, or CF_NONE: not one CPUID bit */
	uint8_t bit;
	const char *how;
};

#define CF_NONE CF__COUNT

static const struct msr_exists_info exists_info[EX__COUNT] = {
#define MSR_EXISTS(id, reg, bit, how) [id] = {reg, bit, how},
#include "msr_arch.def"
};

struct msr_arch {
	uint32_t index;
	const char *name;
	uint8_t access; /* enum msr_access */
	uint8_t entry;  /* enum msr_entry */
	uint8_t exists; /* enum msr_exists */
	uint8_t value;  /* enum msr_value */
	uint64_t rsvd;  /* bits reserved on every processor implementing the MSR */
};

static const struct msr_arch msr_arch[ROW__COUNT] = {
#define MSR(index, name, access, entry, exists, value, rsvd)                                       \
	[ROW_##name] = {index, #name, ACC_##access, ENT_##entry, exists, VAL_##value, rsvd},
#include "msr_arch.def"
};

/*
 * The table row of an MSR index, or NULL.  A switch: the compiler rejects an index listed
 * twice (duplicate case value).
 */
static const struct msr_arch *msr_of(uint32_t index)
{
	switch (index) {
#define MSR(index, name, access, entry, exists, value, rsvd)                                       \
	case index:                                                                                \
		return &msr_arch[ROW_##name];
#include "msr_arch.def"
	default:
		return NULL;
	}
}

/* The row of an MSR that VM entry writes as WRMSR would (entry WRMSR), or NULL. */
static const struct msr_arch *wrmsr_of(uint32_t index)
{
	const struct msr_arch *m = msr_of(index);

	return m && m->entry == ENT_WRMSR ? m : NULL;
}

#define IS_ROW(m, name) ((m) == &msr_arch[ROW_##name])

/* SDM 27.4: the x2APIC MSRs, indexes whose bits 31:8 are 000008H (800H-8FFH). */
static bool is_x2apic(uint32_t index)
{
	return (index >> 8) == 0x8u;
}

/* "IA32_PAT (MSR 0x277)", "MSR 0x808, an x2APIC register" or "MSR 0x1234" into buf. */
static const char *msr_label(char *buf, size_t n, uint32_t index)
{
	const struct msr_arch *m = msr_of(index);

	if (m)
		check_snprintf(buf, n, "%s (MSR 0x%x)", m->name, index);
	else if (is_x2apic(index))
		check_snprintf(buf, n, "MSR 0x%x, an x2APIC register", index);
	else
		check_snprintf(buf, n, "MSR 0x%x", index);
	return buf;
}

#define EFER_LME BITMASK(L_EFER, LME)
#define EFER_NXE BITMASK(L_EFER, NXE)

/* IA32_DEBUGCTL bits every processor with VMX implements: LBR (0) and BTF (1). */
#define DEBUGCTL_ARCH_BITS 0x3ull
/* IA32_APIC_BASE bit 10: x2APIC mode enable, reserved without x2APIC (CPUID.01H:ECX[21]). */
#define APIC_BASE_EXTD (1ull << 10)

/* ---- processor facts ---- */

/* YES when either is YES, NO when both are NO. */
static enum tri tri_or(enum tri a, enum tri b)
{
	if (a == TRI_YES || b == TRI_YES)
		return TRI_YES;
	if (a == TRI_NO && b == TRI_NO)
		return TRI_NO;
	return TRI_UNKNOWN;
}

/* Whether the allowed-1 settings of a control field permit bit; UNKNOWN when not reported. */
static enum tri control_may_be_1(struct check_ctx *c, enum vmx_ctl ctl, unsigned bit)
{
	return check_may_be_1(c, ctl, bit);
}

/* t, or else YES when a VMX capability implies the MSR (fallback), else UNKNOWN. */
static enum tri or_implied(enum tri t, enum tri fallback)
{
	if (t != TRI_UNKNOWN)
		return t;
	return fallback == TRI_YES ? TRI_YES : TRI_UNKNOWN;
}

/* 5-level paging support, as a three-valued answer. */
static enum tri has_la57(struct check_ctx *c)
{
	unsigned w = check_la_width(c);

	return w == 57 ? TRI_YES : w == 48 ? TRI_NO : TRI_UNKNOWN;
}

/*
 * Whether WRMSR accepts v as an address: it enforces the processor's canonicality, 57 bits
 * when the processor supports 5-level paging (whatever CR4.LA57 is), else 48 bits.
 */
static enum tri wrmsr_canonical(struct check_ctx *c, uint64_t v)
{
	unsigned w;

	return check_canonical_max(c, v, &w);
}

/* NO when CPUID.01H:EDX.MTRR is 0; else UNKNOWN: IA32_MTRRCAP is not in the capabilities. */
static enum tri mtrr_cap_dependent(struct check_ctx *c)
{
	return check_cpuid_bit(c, CF_1_0_EDX, 12) == TRI_NO ? TRI_NO : TRI_UNKNOWN;
}

/*
 * Whether the processor implements an MSR: the CPUID bit that enumerates it decides (a
 * processor without it faults on WRMSR, SDM Vol. 2 WRMSR); when CPUID is unknown, a VM-entry
 * control that loads the MSR and that the processor allows to be 1 shows the MSR exists.
 */
static enum tri msr_exists(struct check_ctx *c, const struct msr_arch *m)
{
	const struct msr_exists_info *x = &exists_info[m->exists];
	enum tri t = TRI_NO;

	switch (m->exists) {
	case EX_VMX:
		return TRI_YES;
	case EX_PAT:
		return or_implied(check_cpuid_bit(c, CF_1_0_EDX, 16),
		                  control_may_be_1(c, VMX_CTL_ENTRY, L_ENTRY__LOAD_IA32_PAT));
	case EX_EFER:
		return or_implied(
		    tri_or(check_cpuid_bit(c, CF_80000001_0_EDX, 20), check_intel64(c)),
		    control_may_be_1(c, VMX_CTL_ENTRY, L_ENTRY__LOAD_IA32_EFER));
	case EX_LM:
		return check_intel64(c);
	case EX_TSC_AUX:
		return tri_or(check_cpuid_bit(c, CF_80000001_0_EDX, 27),
		              check_cpuid_bit(c, CF_7_0_ECX, 22));
	case EX_MPX:
		return or_implied(check_cpuid_bit(c, CF_7_0_EBX, 14),
		                  control_may_be_1(c, VMX_CTL_ENTRY, L_ENTRY__LOAD_IA32_BNDCFGS));
	case EX_MTRR_FIXED:
	case EX_MTRR_VAR:
		return mtrr_cap_dependent(c);
	case EX_PERFMON:
		/* version ID CPUID.0AH:EAX[7:0] > 0: NO only when all eight bits are known 0 */
		for (unsigned b = 0; b < 8; b++)
			t = tri_or(t, check_cpuid_bit(c, CF_A_0_EAX, b));
		return t;
	default:
		if (x->reg == CF_NONE)
			return TRI_UNKNOWN;
		return check_cpuid_bit(c, (enum cpuid_fact)x->reg, x->bit);
	}
}

/* ---- MSR value rules ---- */

/*
 * SDM Vol. 3A "Memory Types That Can Be Encoded in MTRRs": UC 0, WC 1, WT 4, WP 5, WB 6; every
 * other encoding (2, 3, 7-255) makes WRMSR to an MTRR fault.
 */
static bool mtrr_type_ok(unsigned t)
{
	return t <= 6 && t != 2 && t != 3;
}

/* Bits at and above MAXPHYADDR, or 0 when MAXPHYADDR is unknown. */
static uint64_t above_maxphyaddr(struct check_ctx *c)
{
	unsigned w = check_maxphyaddr(c);

	return w && w < 64 ? ~0ull << w : 0;
}

/* ---- the scan over the area ---- */

/* A per-entry predicate; n is the entry's 1-based number. */
typedef enum rule_result (*entry_fn)(struct check_ctx *c, const struct vmx_msr_entry *e,
                                     unsigned n);

static enum rule_result entry_fs_gs_base(struct check_ctx *c, const struct vmx_msr_entry *e,
                                         unsigned n);
static enum rule_result entry_x2apic(struct check_ctx *c, const struct vmx_msr_entry *e,
                                     unsigned n);
static enum rule_result entry_smm_only(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n);
static enum rule_result entry_model_specific(struct check_ctx *c, const struct vmx_msr_entry *e,
                                             unsigned n);
static enum rule_result entry_reserved(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n);
static enum rule_result entry_msr_exists(struct check_ctx *c, const struct vmx_msr_entry *e,
                                         unsigned n);
static enum rule_result entry_read_only(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n);
static enum rule_result entry_efer_reserved(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n);
static enum rule_result entry_efer_lme(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n);
static enum rule_result entry_pat(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n);
static enum rule_result entry_mtrr(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n);
static enum rule_result entry_canonical(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n);
static enum rule_result entry_reserved_bits(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n);
static enum rule_result entry_unmodeled(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n);

/* Every per-entry predicate of this file, by enum msrload_check: together they decide whether
 * an entry loads. */
static const entry_fn all_entry_fns[MSRLOAD__COUNT] = {
    [MSRLOAD_FS_GS_BASE] = entry_fs_gs_base,       [MSRLOAD_X2APIC_RANGE] = entry_x2apic,
    [MSRLOAD_SMM_ONLY] = entry_smm_only,           [MSRLOAD_MODEL_SPECIFIC] = entry_model_specific,
    [MSRLOAD_ENTRY_RESERVED] = entry_reserved,     [MSRLOAD_MSR_EXISTS] = entry_msr_exists,
    [MSRLOAD_READ_ONLY] = entry_read_only,         [MSRLOAD_EFER_RESERVED] = entry_efer_reserved,
    [MSRLOAD_EFER_LME_PAGING] = entry_efer_lme,    [MSRLOAD_PAT_MEMTYPE] = entry_pat,
    [MSRLOAD_MTRR_MEMTYPE] = entry_mtrr,           [MSRLOAD_CANONICAL] = entry_canonical,
    [MSRLOAD_RESERVED_BITS] = entry_reserved_bits, [MSRLOAD_MSR_UNMODELED] = entry_unmodeled,
};

/*
 * What every rule together says of one entry: RULE_FAIL when some rule rejects it, else
 * RULE_UNDECIDED when some rule cannot decide it, else RULE_PASS.  Findings go to a scratch
 * record so the current rule's finding is untouched.
 */
static enum rule_result entry_status(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n)
{
	struct check_text *out = c->out;
	uint64_t qual = c->qualification;
	int field = c->field;
	enum rule_result st = RULE_PASS;

	c->out = NULL;
	for (size_t i = 0; i < sizeof(all_entry_fns) / sizeof(all_entry_fns[0]); i++) {
		enum rule_result r = all_entry_fns[i](c, e, n);

		if (r == RULE_FAIL) {
			st = RULE_FAIL;
			break;
		}
		if (r == RULE_UNDECIDED)
			st = RULE_UNDECIDED;
	}
	c->out = out;
	c->field = field;
	c->qualification = qual;
	return st;
}

/*
 * The processor reaches entry i (0-based) only if the entries before it load.  When one of
 * them is undecidable (and none fails for sure), records that as the current rule's undecided
 * finding and returns false.
 */
static bool entry_reached(struct check_ctx *c, uint32_t i)
{
	const struct vmentry_env *env = c->env;
	char lbl[80], lbl2[80];

	for (uint32_t j = 0; j < i; j++) {
		enum rule_result st = entry_status(c, &env->msr_load[j], j + 1);

		if (st == RULE_FAIL)
			return true; /* VM entry fails at j: the lowest failing entry decides */
		if (st != RULE_UNDECIDED)
			continue;
		c->qualification = (uint64_t)j + 1;
		check_clear_hint(c);
		check_undecided(
		    c,
		    "entry %u, %s, would fail this check, but whether VM entry gets there "
		    "is undecided: entry %u, %s, may fail first",
		    i + 1, msr_label(lbl, sizeof(lbl), env->msr_load[i].index), j + 1,
		    msr_label(lbl2, sizeof(lbl2), env->msr_load[j].index));
		return false;
	}
	return true;
}

/*
 * Runs fn over the entries VM entry processes (the count is not 0).  RULE_NA when no entry
 * concerns the rule; the first entry that fn does not accept decides the result.
 */
static enum rule_result scan_area(struct check_ctx *c, entry_fn fn)
{
	const struct vmentry_env *env = c->env;
	uint32_t count;
	bool checked = false;

	/* not 0: the condition of the rows (AREA(VM_ENTRY_MSR_LOAD_COUNT)) */
	count = (uint32_t)V(c, VM_ENTRY_MSR_LOAD_COUNT);
	if (!env->msr_load_known) {
		c->qualification = 1;
		c->field = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
		return check_undecided(c,
		                       "cannot decide: VM_ENTRY_MSR_LOAD_COUNT = %u but the "
		                       "contents of the VM-entry MSR-load area are not given",
		                       count);
	}
	for (uint32_t i = 0; i < count; i++) {
		enum rule_result r;

		c->qualification = (uint64_t)i + 1;
		if (i >= env->n_msr_load) {
			c->field = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
			return check_undecided(
			    c,
			    "cannot decide: VM_ENTRY_MSR_LOAD_COUNT = %u but the "
			    "area given has %zu entr%s, so entry %u is unknown",
			    count, env->n_msr_load, env->n_msr_load == 1 ? "y" : "ies", i + 1);
		}
		r = fn(c, &env->msr_load[i], i + 1);
		if (r == RULE_NA)
			continue;
		if (r == RULE_PASS) {
			checked = true;
			continue;
		}
		if (r == RULE_FAIL && !entry_reached(c, i))
			return RULE_UNDECIDED;
		return r;
	}
	return checked ? RULE_PASS : RULE_NA;
}

/* ---- the per-entry predicates, in the SDM's order ---- */

/*
 * SDM 27.4: processing of an entry fails when bits 31:0 are C0000100H (IA32_FS_BASE) or
 * C0000101H (IA32_GS_BASE).  (The guest FS and GS bases come from the guest-state area.)
 */
static enum rule_result entry_fs_gs_base(struct check_ctx *c, const struct vmx_msr_entry *e,
                                         unsigned n)
{
	const struct msr_arch *m = msr_of(e->index);

	if (!m || m->entry != ENT_NEVER)
		return RULE_PASS;
	check_hint(c,
	           "remove the entry and put the base into %s: VM entry loads FS.base and "
	           "GS.base from the guest-state area",
	           IS_ROW(m, IA32_FS_BASE) ? "GUEST_FS_BASE" : "GUEST_GS_BASE");
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x): "
	                  "IA32_FS_BASE and IA32_GS_BASE cannot be loaded this way",
	                  n, m->name, e->index);
}

/*
 * SDM 27.4: processing of an entry fails when bits 31:8 of the index are 000008H, the MSRs
 * 800H-8FFH through which software reaches the local APIC in x2APIC mode.  This holds whether
 * or not the APIC is in x2APIC mode.
 */
static enum rule_result entry_x2apic(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n)
{
	if (!is_x2apic(e->index))
		return RULE_PASS;
	check_hint(c, "remove the entry: the MSR-load lists cannot switch x2APIC registers; "
	              "virtualize them through the virtual-APIC page, or use WRMSR outside VM "
	              "entry");
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads MSR 0x%x, an x2APIC "
	                  "register: indexes 0x800-0x8ff cannot be loaded on VM entry",
	                  n, e->index);
}

/*
 * SDM 27.4: processing of an entry fails when it names an MSR that can be written only in
 * SMM and the VM entry did not start in SMM.  The SDM names IA32_SMM_MONITOR_CTL (9BH); SDM
 * Vol. 4 also marks IA32_SMRR_PHYSBASE/PHYSMASK (1F2H/1F3H) writeable only in SMM (where the
 * processor lacks SMRRs, WRMSR to them faults as well).
 */
static enum rule_result entry_smm_only(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n)
{
	const struct msr_arch *m = msr_of(e->index);

	if (!m || m->entry != ENT_SMM)
		return RULE_PASS;
	check_hint(c, "remove the entry: %s can be written only in system-management mode",
	           m->name);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x), which "
	                  "only SMM can write; this VM entry does not start in SMM",
	                  n, m->name, e->index);
}

/*
 * SDM 27.4: processing of an entry fails when the MSR cannot be loaded on VM entries for
 * model-specific reasons, documented with the MSR in SDM Vol. 4.  For IA32_BIOS_UPDT_TRIG
 * (79H) and IA32_BIOS_SIGN_ID (8BH) Vol. 4 says a processor may prevent writing them when
 * loading guest state on VM entries: whether this one does is not known.
 */
static enum rule_result entry_model_specific(struct check_ctx *c, const struct vmx_msr_entry *e,
                                             unsigned n)
{
	const struct msr_arch *m = msr_of(e->index);

	if (!m || m->entry != ENT_MAY_REFUSE)
		return RULE_PASS;
	return check_undecided(c,
	                       "cannot decide entry %u of the VM-entry MSR-load area (%s, index "
	                       "0x%x): the SDM lets a processor refuse this MSR on VM entry",
	                       n, m->name, e->index);
}

/* SDM 27.4: processing of an entry fails when its bits 63:32 are not all 0. */
static enum rule_result entry_reserved(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n)
{
	if (e->reserved == 0)
		return RULE_PASS;
	check_hint(c, "clear bits 63:32 of entry %u (the 32 bits after the MSR index)", n);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area has bits 63:32 = 0x%x; they "
	                  "are reserved and must be 0",
	                  n, e->reserved);
}

/*
 * SDM 27.4: processing of an entry fails when WRMSR of the value to the MSR at CPL 0 would
 * cause #GP; WRMSR faults for an MSR the processor does not implement (Vol. 2, WRMSR).  For
 * the MSRs of checker/msr_arch.def, what enumerates each one decides (its CPUID bit, Table
 * 2-2).  Read-only MSRs are MSRLOAD-READ-ONLY's whether or not they exist, and the MSRs 27.4
 * rules on outright are their own rules'.
 */
static enum rule_result entry_msr_exists(struct check_ctx *c, const struct vmx_msr_entry *e,
                                         unsigned n)
{
	const struct msr_arch *m = wrmsr_of(e->index);
	const char *how;
	enum tri t;

	if (!m || m->value == VAL_NONE || m->value == VAL_LOCKED)
		return RULE_NA;
	t = msr_exists(c, m);
	how = exists_info[m->exists].how;
	if (t == TRI_YES)
		return RULE_PASS;
	if (t == TRI_UNKNOWN)
		return check_undecided(
		    c,
		    "cannot decide whether the processor implements %s (entry %u "
		    "of the VM-entry MSR-load area): it exists if %s, which the "
		    "capabilities do not say",
		    m->name, n, how);
	check_hint(c, "remove the entry, or choose a CPU that implements %s", m->name);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x), which "
	                  "this processor does not implement (it exists if %s, and that is 0 "
	                  "here): WRMSR would fault",
	                  n, m->name, e->index, how);
}

/*
 * SDM 27.4 (WRMSR would fault): MSRs that no WRMSR can write while VM entry runs, whether or
 * not the processor implements them (WRMSR to an absent MSR faults as well).  Table 2-2 gives
 * them as read-only (RO); for IA32_MTRRCAP (FEH) Vol. 3A "MTRR Feature Identification" and for
 * the VMX capability MSRs 480H-493H Vol. 3D Appendix A say in words that WRMSR faults;
 * IA32_SMBASE (9EH) is read-only and accessible only in SMM.  IA32_FEATURE_CONTROL (3AH)
 * faults on WRMSR once locked, and VMXON requires it locked.  For IA32_MCG_CAP (179H), RO in
 * Table 2-2, Vol. 3B "IA32_MCG_CAP MSR" says only that the effect of writing it is undefined:
 * undecided.
 */
static enum rule_result entry_read_only(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	const struct msr_arch *m = wrmsr_of(e->index);
	char lbl[80];
	const char *why;

	if (!m || (m->access != ACC_RO && m->value != VAL_LOCKED))
		return RULE_PASS;
	if (m->value == VAL_UNDEFINED)
		return check_undecided(
		    c,
		    "cannot decide entry %u of the VM-entry MSR-load area, which "
		    "loads %s: it is read-only, but the SDM says only that the "
		    "effect of writing it is undefined, not that WRMSR faults",
		    n, msr_label(lbl, sizeof(lbl), e->index));
	if (m->value == VAL_LOCKED)
		why = "its lock bit is set (VMXON requires it), so WRMSR faults";
	else if (IS_ROW(m, IA32_SMBASE))
		why = "it is read-only, and accessible only in SMM";
	else if (m->exists == EX_VMX_CAPS)
		why = "the VMX capability MSRs are read-only and WRMSR to them faults";
	else
		why = "it is read-only (SDM Vol. 4, Table 2-2) and WRMSR to it faults";
	check_hint(c, "remove the entry: %s cannot be written", m->name);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s: %s", n,
	                  msr_label(lbl, sizeof(lbl), e->index), why);
}

/*
 * SDM 27.4 (WRMSR would fault) for IA32_EFER: bits other than SCE (0), LME (8), LMA (10) and
 * NXE (11) are reserved (Vol. 4); LME may be set only with Intel 64 (CPUID.80000001H:EDX.LM)
 * and NXE only with CPUID.80000001H:EDX.NX (Vol. 3A 4.1.4).  LMA is a status bit the
 * processor maintains; a value written to it is not a reason for WRMSR to fault.
 */
static enum rule_result entry_efer_reserved(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n)
{
	uint64_t v = e->value, bad, unknown;
	const char *bit;

	if (!IS_ROW(msr_of(e->index), IA32_EFER))
		return RULE_NA;
	bad = efer_reserved(c, v, EFER_LME, &unknown);
	if (bad & ~(EFER_LME | EFER_NXE)) {
		check_hint(c, "clear bits 0x%llx of the IA32_EFER value in entry %u",
		           (unsigned long long)(bad & ~(EFER_LME | EFER_NXE)), n);
		return check_fail(
		    c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		    "entry %u of the VM-entry MSR-load area loads IA32_EFER = 0x%llx, "
		    "which sets reserved bits 0x%llx",
		    n, (unsigned long long)v, (unsigned long long)(bad & ~(EFER_LME | EFER_NXE)));
	}
	if (bad) {
		bit = (bad & EFER_LME) ? "LME (bit 8)" : "NXE (bit 11)";
		check_hint(c, "clear %s of the IA32_EFER value in entry %u", bit, n);
		return check_fail(
		    c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		    "entry %u of the VM-entry MSR-load area loads IA32_EFER = 0x%llx: %s "
		    "is reserved on this processor (CPUID.80000001H:EDX.%s = 0)",
		    n, (unsigned long long)v, bit, (bad & EFER_LME) ? "LM[bit 29]" : "NX[bit 20]");
	}
	if (unknown)
		return check_undecided(c,
		                       "cannot decide whether IA32_EFER = 0x%llx (entry %u) sets a "
		                       "reserved bit: CPUID.80000001H:EDX.%s is unknown",
		                       (unsigned long long)v, n,
		                       (unknown & EFER_LME) ? "LM[bit 29]" : "NX[bit 20]");
	return RULE_PASS;
}

/*
 * SDM 27.4 (WRMSR would fault) for IA32_EFER with paging on: while CR0.PG = 1, WRMSR faults if
 * it would change LME (footnote to 27.4).  MSRs load after the guest state, so CR0.PG is
 * GUEST_CR0.PG and LME is GUEST_IA32_EFER.LME with "load IA32_EFER", else the "IA-32e mode
 * guest" VM-entry control (SDM 27.3.2.1).
 */
static enum rule_result entry_efer_lme(struct check_ctx *c, const struct vmx_msr_entry *e,
                                       unsigned n)
{
	uint64_t lme, want;
	const char *from;

	if (!IS_ROW(msr_of(e->index), IA32_EFER))
		return RULE_NA;
	NEED(c, GUEST_CR0);
	NEED(c, VM_ENTRY_CONTROLS);
	if (!(V(c, GUEST_CR0) & BITMASK(L_CR0, PG)))
		return RULE_PASS;
	if (CTL(c, ENTRY) & BITMASK(L_ENTRY, LOAD_IA32_EFER)) {
		NEED(c, GUEST_IA32_EFER);
		lme = V(c, GUEST_IA32_EFER) & EFER_LME;
		from = "GUEST_IA32_EFER.LME (\"load IA32_EFER\" is 1)";
	} else {
		lme = (CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) ? EFER_LME : 0;
		from = "the \"IA-32e mode guest\" VM-entry control";
	}
	want = e->value & EFER_LME;
	if (want == lme)
		return RULE_PASS;
	check_hint(c, "%s LME (bit 8) in the IA32_EFER value of entry %u to match %s",
	           lme ? "set" : "clear", n, from);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads IA32_EFER = 0x%llx with "
	                  "LME = %d, but the guest runs with CR0.PG = 1 and LME = %d from %s: "
	                  "WRMSR cannot change LME while paging is on",
	                  n, (unsigned long long)e->value, want ? 1 : 0, lme ? 1 : 0, from);
}

/*
 * SDM 27.4 (WRMSR would fault) for IA32_PAT: WRMSR faults when any of the eight entries
 * PA0-PA7 holds a reserved memory type (2, 3, 8-255), i.e. sets any of its bits 7:3 or holds
 * 2 or 3 (Vol. 3A "PAT": IA32_PAT MSR).
 */
static enum rule_result entry_pat(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n)
{
	int i;

	if (!IS_ROW(msr_of(e->index), IA32_PAT))
		return RULE_NA;
	if ((i = pat_bad_entry(e->value)) < 0)
		return RULE_PASS;
	check_hint(
	    c,
	    "use a valid memory type in PA%d (bits %d:%d) of the IA32_PAT value: 0 UC, 1 WC, "
	    "4 WT, 5 WP, 6 WB or 7 UC-",
	    i, 8 * i + 7, 8 * i);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads IA32_PAT = 0x%llx: PA%d = "
	                  "0x%x is not a valid memory type",
	                  n, (unsigned long long)e->value, i,
	                  (unsigned)(e->value >> (8 * i)) & 0xffu);
}

/*
 * SDM 27.4 (WRMSR would fault) for the MTRRs: WRMSR faults when a memory-type field of
 * IA32_MTRR_DEF_TYPE (bits 7:0), of an IA32_MTRR_PHYSBASEn (bits 7:0) or of a fixed-range
 * MTRR (each of its eight bytes) holds an encoding that is not a memory type (Vol. 3A "MTRR
 * Feature Identification", Table "Memory Types That Can Be Encoded in MTRRs", and
 * "IA32_MTRR_DEF_TYPE MSR").  Checked whether or not the processor implements the MTRR: an
 * absent MTRR faults as well.
 */
static enum rule_result entry_mtrr(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n)
{
	const struct msr_arch *m = wrmsr_of(e->index);
	unsigned fields;

	if (!m)
		return RULE_NA;
	if (m->value == VAL_MTRR_FIXED)
		fields = 8;
	else if (m->value == VAL_MTRR_DEF_TYPE || m->value == VAL_MTRR_PHYSBASE)
		fields = 1;
	else
		return RULE_NA;
	for (unsigned i = 0; i < fields; i++) {
		unsigned t = (unsigned)(e->value >> (8 * i)) & 0xffu;

		if (mtrr_type_ok(t))
			continue;
		check_hint(c,
		           "use a memory type in bits %u:%u of the %s value: 0 UC, 1 WC, 4 WT, "
		           "5 WP or 6 WB",
		           8 * i + 7, 8 * i, m->name);
		return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		                  "entry %u of the VM-entry MSR-load area loads %s = 0x%llx: bits "
		                  "%u:%u = 0x%x is not a memory type an MTRR can hold",
		                  n, m->name, (unsigned long long)e->value, 8 * i + 7, 8 * i, t);
	}
	return RULE_PASS;
}

/*
 * SDM 27.4 (WRMSR would fault) for MSRs holding linear addresses: WRMSR faults when it would
 * load IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, IA32_LSTAR, IA32_KERNEL_GS_BASE, IA32_DS_AREA or
 * the base of IA32_BNDCFGS with a non-canonical address (Vol. 2, WRMSR; Vol. 4, Table 2-2).
 * The check is the processor's canonicality (57 bits with 5-level paging support, whatever
 * CR4.LA57 is; else 48 bits).
 */
static enum rule_result entry_canonical(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	const struct msr_arch *m = wrmsr_of(e->index);
	enum tri t;
	unsigned width;

	if (!m || (m->value != VAL_CANON && m->value != VAL_BNDCFGS))
		return RULE_NA;
	t = wrmsr_canonical(c, e->value);
	width = has_la57(c) == TRI_NO ? 48u : 57u;
	if (t == TRI_YES)
		return RULE_PASS;
	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether %s = 0x%llx (entry %u) is canonical: "
		                       "it is 57-bit but not 48-bit canonical, and whether the "
		                       "processor supports 5-level paging is unknown",
		                       m->name, (unsigned long long)e->value, n);
	check_hint(c, "make the %s value of entry %u canonical: bits 63:%u all 0 or all 1", m->name,
	           n, width - 1);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s = 0x%llx, which is "
	                  "not %u-bit canonical",
	                  n, m->name, (unsigned long long)e->value, width);
}

/*
 * The bits of v an MSR's value rule reserves, on this processor; why (n bytes) gets what
 * reserves them.  Returns false (with why saying why) when which bits are reserved is not
 * known.
 */
static bool reserved_of(struct check_ctx *c, const struct msr_arch *m, uint64_t v, uint64_t *rsvd,
                        char *why, size_t n)
{
	const struct vmcsl_cpuid_fact *ecx = check_cpuid_fact(c, CF_D_1_ECX),
	                              *edx = check_cpuid_fact(c, CF_D_1_EDX);
	uint64_t r = m->rsvd;

	check_snprintf(why, n, "reserved (SDM Vol. 4, Table 2-2)");
	switch (m->value) {
	case VAL_RSVD:
	case VAL_BNDCFGS:
	case VAL_MTRR_DEF_TYPE:
		break;
	case VAL_MTRR_PHYSBASE:
	case VAL_MTRR_PHYSMASK:
	case VAL_APIC_BASE:
		/* Vol. 3A: bits from MAXPHYADDR up are reserved in these physical addresses;
		 * MAXPHYADDR is at most 52 and may be as low as 32 (e.g. some Atom processors) */
		if (check_maxphyaddr(c)) {
			r |= above_maxphyaddr(c);
		} else {
			r |= ~0ull << 52;
			if (v & ~r & (~0ull << 32)) {
				check_snprintf(why, n,
				               "at or above bit 32, reserved from MAXPHYADDR up, "
				               "and MAXPHYADDR is unknown");
				return false;
			}
		}
		if (m->value == VAL_APIC_BASE) {
			enum tri x2 = check_cpuid_bit(c, CF_1_0_ECX, 21);

			if (x2 == TRI_NO)
				r |= APIC_BASE_EXTD;
			else if (x2 == TRI_UNKNOWN && (v & APIC_BASE_EXTD)) {
				check_snprintf(why, n,
				               "bit 10 (x2APIC enable), reserved unless "
				               "CPUID.01H:ECX.x2APIC[bit 21], which is unknown");
				return false;
			}
		}
		if (check_maxphyaddr(c))
			check_snprintf(why, n,
			               "reserved (SDM Vol. 4, Table 2-2: bits 0x%llx, and bits "
			               "%u-63 beyond MAXPHYADDR)",
			               (unsigned long long)(r & 0xFFFull), check_maxphyaddr(c));
		break;
	case VAL_XSS:
		/* Vol. 1 "Extended Supervisor State": bit i may be 1 only if
		 * CPUID.(EAX=0DH,ECX=1):EDX:ECX[i] = 1 */
		if (!ecx->present || !edx->present) {
			if (!v) {
				*rsvd = 0;
				return true;
			}
			check_snprintf(why, n,
			               "that IA32_XSS supports only where "
			               "CPUID.(EAX=0DH,ECX=1):EDX:ECX enumerates them, which is "
			               "unknown");
			return false;
		}
		r = ~(((uint64_t)edx->reg_value << 32) | ecx->reg_value);
		check_snprintf(why, n,
		               "which CPUID.(EAX=0DH,ECX=1):EDX:ECX = 0x%x:0x%x does not enumerate "
		               "as IA32_XSS bits",
		               edx->reg_value, ecx->reg_value);
		break;
	default:
		*rsvd = 0;
		return true;
	}
	*rsvd = v & r;
	return true;
}

/*
 * SDM 27.4 (WRMSR would fault because the value sets reserved bits; Vol. 2, WRMSR) for the
 * MSRs whose reserved bits Table 2-2 defines for every processor implementing them (their rsvd
 * column in checker/msr_arch.def), the bits above MAXPHYADDR of the variable-range MTRRs and
 * IA32_APIC_BASE, and the IA32_XSS bits CPUID.(EAX=0DH,ECX=1) does not enumerate.  Checked
 * whether or not the processor implements the MSR.  Undecided: which IA32_DEBUGCTL bits
 * beyond LBR and BTF exist is model-specific; whether WRMSR rejects bits 63:32 of IA32_FMASK
 * is not stated; whether WRMSR accepts an IA32_APIC_BASE value with no reserved bit depends on
 * the APIC mode the processor is in (Vol. 3A "x2APIC State Transitions"), which the input does
 * not give.
 */
static enum rule_result entry_reserved_bits(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n)
{
	const struct msr_arch *m = wrmsr_of(e->index);
	uint64_t v = e->value, rsvd;
	char lbl[80], why[160];

	if (!m)
		return RULE_NA;
	switch (m->value) {
	case VAL_DEBUGCTL:
		if (v & ~DEBUGCTL_ARCH_BITS)
			return check_undecided(
			    c,
			    "cannot decide whether WRMSR accepts IA32_DEBUGCTL = "
			    "0x%llx (entry %u): which bits beyond LBR and BTF are "
			    "reserved is model-specific",
			    (unsigned long long)v, n);
		return RULE_PASS;
	case VAL_FMASK:
		if (v >> 32)
			return check_undecided(
			    c,
			    "cannot decide whether WRMSR accepts IA32_FMASK = "
			    "0x%llx (entry %u): bits 63:32 are listed as reserved",
			    (unsigned long long)v, n);
		return RULE_PASS;
	case VAL_RSVD:
	case VAL_BNDCFGS:
	case VAL_MTRR_DEF_TYPE:
	case VAL_MTRR_PHYSBASE:
	case VAL_MTRR_PHYSMASK:
	case VAL_APIC_BASE:
	case VAL_XSS:
		break;
	default:
		return RULE_NA;
	}
	msr_label(lbl, sizeof(lbl), e->index);
	if (!reserved_of(c, m, v, &rsvd, why, sizeof(why)))
		return check_undecided(
		    c,
		    "cannot decide whether WRMSR accepts %s = 0x%llx (entry %u): "
		    "it sets bits %s",
		    lbl, (unsigned long long)v, n, why);
	if (rsvd) {
		check_hint(c, "clear bits 0x%llx of the %s value in entry %u",
		           (unsigned long long)rsvd, m->name, n);
		return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		                  "entry %u of the VM-entry MSR-load area loads %s = 0x%llx, which "
		                  "sets bits 0x%llx, %s",
		                  n, lbl, (unsigned long long)v, (unsigned long long)rsvd, why);
	}
	if (m->value == VAL_APIC_BASE)
		return check_undecided(
		    c,
		    "cannot decide whether WRMSR accepts IA32_APIC_BASE = 0x%llx "
		    "(entry %u): it sets no reserved bit, but whether the change "
		    "of APIC mode it makes is allowed depends on the mode the "
		    "processor is in",
		    (unsigned long long)v, n);
	return RULE_PASS;
}

/*
 * SDM 27.4 (WRMSR would fault) for every other MSR: vmcslint does not model what WRMSR
 * accepts for it, so whether the entry loads cannot be decided.
 */
static enum rule_result entry_unmodeled(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	uint32_t x = e->index;

	if (msr_of(x) || is_x2apic(x))
		return RULE_PASS;
	return check_undecided(c,
	                       "cannot decide whether WRMSR accepts 0x%llx for MSR 0x%x (entry "
	                       "%u of the VM-entry MSR-load area): vmcslint does not model this "
	                       "MSR",
	                       (unsigned long long)e->value, x, n);
}

/* ---- the rules ---- */

/*
 * SDM A.6 "Miscellaneous Data": 512 x (IA32_VMX_MISC[27:25] + 1) is the recommended maximum
 * number of MSRs in each list; beyond it "undefined processor behavior may result (including a
 * machine check during the VMX transition)".  Such an entry's outcome cannot be predicted.
 */
enum rule_result rule_msrload_count_recommended(struct check_ctx *c, uintptr_t arg)
{
	uint64_t count, misc, max;

	(void)arg;
	count = V(c, VM_ENTRY_MSR_LOAD_COUNT); /* not 0: the row's condition */
	if (count <= 512)
		return RULE_PASS;
	c->field = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
	if (!check_msr_bits(c, VMX_MSR_MISC, BITMASK(L_MSR_MISC, MAX_MSR_LIST), &misc))
		return check_undecided(
		    c,
		    "cannot decide: VM_ENTRY_MSR_LOAD_COUNT = %llu may exceed the "
		    "recommended maximum (512 x (IA32_VMX_MISC[27:25] + 1), "
		    "unknown here), beyond which VM entry is undefined",
		    (unsigned long long)count);
	max = 512 * (BITS_GET(misc, L_MSR_MISC, MAX_MSR_LIST) + 1);
	if (count <= max)
		return RULE_PASS;
	check_hint(c, "load at most %llu MSRs on VM entry (IA32_VMX_MISC[27:25] on this CPU)",
	           (unsigned long long)max);
	return check_undecided(c,
	                       "VM_ENTRY_MSR_LOAD_COUNT = %llu exceeds the recommended maximum "
	                       "%llu: the SDM leaves the VM entry undefined (a machine check "
	                       "is possible)",
	                       (unsigned long long)count, (unsigned long long)max);
}

/*
 * SDM 27.4: the checks of the entries of the area, one rule per kind of failure (arg, an enum
 * msrload_check), each run over the entries VM entry processes.
 */
enum rule_result rule_msrload_entries(struct check_ctx *c, uintptr_t arg)
{
	return scan_area(c, all_entry_fns[arg]);
}
