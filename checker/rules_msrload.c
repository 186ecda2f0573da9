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
 * What WRMSR accepts is modelled only for the architectural MSRs in msr_model[]; an index the
 * SDM forbids outright fails by its own rule; every other index is undecided
 * (MSRLOAD-MSR-UNMODELED), never guessed.  vmcslint models VM entries from outside SMM (the
 * VM-entry controls "entry to SMM" and "deactivate dual-monitor treatment" must then be 0).
 */
#include "rules.h"

/* ---- MSR indexes (SDM Vol. 4, "Architectural MSRs") ---- */

#define MSR_TSC             0x10u
#define MSR_FEATURE_CONTROL 0x3Au
#define MSR_TSC_ADJUST      0x3Bu
#define MSR_BIOS_UPDT_TRIG  0x79u
#define MSR_BIOS_SIGN_ID    0x8Bu
#define MSR_SMM_MONITOR_CTL 0x9Bu
#define MSR_SMBASE          0x9Eu
#define MSR_SYSENTER_CS     0x174u
#define MSR_SYSENTER_ESP    0x175u
#define MSR_SYSENTER_EIP    0x176u
#define MSR_DEBUGCTL        0x1D9u
#define MSR_SMRR_PHYSBASE   0x1F2u
#define MSR_SMRR_PHYSMASK   0x1F3u
#define MSR_PAT             0x277u
#define MSR_VMX_FIRST       0x480u /* IA32_VMX_BASIC */
#define MSR_VMX_LAST        0x493u /* IA32_VMX_EXIT_CTLS2 */
#define MSR_TSC_DEADLINE    0x6E0u
#define MSR_BNDCFGS         0xD90u
#define MSR_EFER            0xC0000080u
#define MSR_STAR            0xC0000081u
#define MSR_LSTAR           0xC0000082u
#define MSR_FMASK           0xC0000084u
#define MSR_FS_BASE         0xC0000100u
#define MSR_GS_BASE         0xC0000101u
#define MSR_KERNEL_GS_BASE  0xC0000102u
#define MSR_TSC_AUX         0xC0000103u

#define EFER_SCE BITMASK(L_EFER, SCE)
#define EFER_LME BITMASK(L_EFER, LME)
#define EFER_LMA BITMASK(L_EFER, LMA)
#define EFER_NXE BITMASK(L_EFER, NXE)

/* IA32_DEBUGCTL bits every processor with VMX implements: LBR (0) and BTF (1). */
#define DEBUGCTL_ARCH_BITS 0x3ull
/* IA32_BNDCFGS: EN (0), BNDPRESERVE (1), reserved 11:2, bound-directory base 63:12. */
#define BNDCFGS_RESERVED 0xFFCull

/* How WRMSR judges the value written to a modelled MSR. */
enum msr_value {
	VAL_ANY,      /* every 64-bit value */
	VAL_EFER,     /* MSRLOAD-EFER-RESERVED, MSRLOAD-EFER-LME-PAGING */
	VAL_PAT,      /* MSRLOAD-PAT-MEMTYPE */
	VAL_CANON,    /* MSRLOAD-CANONICAL */
	VAL_BNDCFGS,  /* MSRLOAD-CANONICAL (base) and MSRLOAD-RESERVED-BITS (11:2) */
	VAL_TSC_AUX,  /* MSRLOAD-RESERVED-BITS: 63:32 */
	VAL_DEBUGCTL, /* MSRLOAD-RESERVED-BITS: model-specific beyond LBR and BTF */
	VAL_FMASK,    /* MSRLOAD-RESERVED-BITS: 63:32 listed as reserved */
};

/* What tells whether the processor implements a modelled MSR (MSRLOAD-MSR-EXISTS). */
enum msr_exists {
	EX_VMX,          /* every processor with VMX (VM entries load it or use it) */
	EX_PAT,          /* CPUID.01H:EDX.PAT[16] */
	EX_EFER,         /* CPUID.80000001H:EDX.NX[20] or .LM[29] */
	EX_LM,           /* CPUID.80000001H:EDX.LM[29] (Intel 64) */
	EX_TSC_AUX,      /* CPUID.80000001H:EDX.RDTSCP[27] or CPUID.(EAX=7,ECX=0):ECX.RDPID[22] */
	EX_TSC_ADJUST,   /* CPUID.(EAX=7,ECX=0):EBX[1] */
	EX_TSC_DEADLINE, /* CPUID.01H:ECX[24] */
	EX_MPX,          /* CPUID.(EAX=7,ECX=0):EBX.MPX[14] */
};

struct msr_model {
	uint32_t index;
	const char *name;
	uint8_t value;  /* enum msr_value */
	uint8_t exists; /* enum msr_exists */
};

/* The MSRs whose WRMSR behaviour vmcslint models, by index. */
static const struct msr_model msr_model[] = {
    {MSR_TSC, "IA32_TIME_STAMP_COUNTER", VAL_ANY, EX_VMX},
    {MSR_TSC_ADJUST, "IA32_TSC_ADJUST", VAL_ANY, EX_TSC_ADJUST},
    {MSR_SYSENTER_CS, "IA32_SYSENTER_CS", VAL_ANY, EX_VMX},
    {MSR_SYSENTER_ESP, "IA32_SYSENTER_ESP", VAL_CANON, EX_VMX},
    {MSR_SYSENTER_EIP, "IA32_SYSENTER_EIP", VAL_CANON, EX_VMX},
    {MSR_DEBUGCTL, "IA32_DEBUGCTL", VAL_DEBUGCTL, EX_VMX},
    {MSR_PAT, "IA32_PAT", VAL_PAT, EX_PAT},
    {MSR_TSC_DEADLINE, "IA32_TSC_DEADLINE", VAL_ANY, EX_TSC_DEADLINE},
    {MSR_BNDCFGS, "IA32_BNDCFGS", VAL_BNDCFGS, EX_MPX},
    {MSR_EFER, "IA32_EFER", VAL_EFER, EX_EFER},
    {MSR_STAR, "IA32_STAR", VAL_ANY, EX_LM},
    {MSR_LSTAR, "IA32_LSTAR", VAL_CANON, EX_LM},
    {MSR_FMASK, "IA32_FMASK", VAL_FMASK, EX_LM},
    {MSR_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", VAL_CANON, EX_LM},
    {MSR_TSC_AUX, "IA32_TSC_AUX", VAL_TSC_AUX, EX_TSC_AUX},
};

#define N_MSR_MODEL (sizeof(msr_model) / sizeof(msr_model[0]))

static const struct msr_model *model_of(uint32_t index)
{
	for (size_t i = 0; i < N_MSR_MODEL; i++) {
		if (msr_model[i].index == index)
			return &msr_model[i];
	}
	return NULL;
}

/* A name for messages: the architectural name when known, else "". */
static const char *msr_name(uint32_t index)
{
	const struct msr_model *m = model_of(index);

	if (m)
		return m->name;
	switch (index) {
	case MSR_FEATURE_CONTROL:
		return "IA32_FEATURE_CONTROL";
	case MSR_BIOS_UPDT_TRIG:
		return "IA32_BIOS_UPDT_TRIG";
	case MSR_BIOS_SIGN_ID:
		return "IA32_BIOS_SIGN_ID";
	case MSR_SMM_MONITOR_CTL:
		return "IA32_SMM_MONITOR_CTL";
	case MSR_SMBASE:
		return "IA32_SMBASE";
	case MSR_SMRR_PHYSBASE:
		return "IA32_SMRR_PHYSBASE";
	case MSR_SMRR_PHYSMASK:
		return "IA32_SMRR_PHYSMASK";
	case MSR_FS_BASE:
		return "IA32_FS_BASE";
	case MSR_GS_BASE:
		return "IA32_GS_BASE";
	default:
		break;
	}
	if (index >= MSR_VMX_FIRST && index <= MSR_VMX_LAST)
		return "an IA32_VMX_* capability MSR";
	if ((index >> 8) == 0x8u)
		return "an x2APIC register";
	return "";
}

/* "MSR 0x277 (IA32_PAT)" or "MSR 0x1234" into buf. */
static const char *msr_label(char *buf, size_t n, uint32_t index)
{
	const char *name = msr_name(index);

	if (name[0])
		check_snprintf(buf, n, "%s (MSR 0x%x)", name, index);
	else
		check_snprintf(buf, n, "MSR 0x%x", index);
	return buf;
}

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
static enum tri control_may_be_1(const struct check_ctx *c, enum vmx_ctl ctl, uint64_t bit)
{
	struct vmx_allowed a = check_allowed(c, ctl);

	if (!a.known)
		return TRI_UNKNOWN;
	return (a.may_be_1 & bit) ? TRI_YES : TRI_NO;
}

/* t, or else YES when a VMX capability implies the MSR (fallback), else UNKNOWN. */
static enum tri or_implied(enum tri t, enum tri fallback)
{
	if (t != TRI_UNKNOWN)
		return t;
	return fallback == TRI_YES ? TRI_YES : TRI_UNKNOWN;
}

/* 5-level paging support, as a three-valued answer. */
static enum tri has_la57(const struct check_ctx *c)
{
	unsigned w = check_la_width(c);

	return w == 57 ? TRI_YES : w == 48 ? TRI_NO : TRI_UNKNOWN;
}

/*
 * Whether WRMSR accepts v as an address: it enforces the processor's canonicality, 57 bits
 * when the processor supports 5-level paging (whatever CR4.LA57 is), else 48 bits.
 */
static enum tri wrmsr_canonical(const struct check_ctx *c, uint64_t v)
{
	unsigned w;

	return check_canonical_max(c, v, &w);
}

/*
 * Whether the processor implements a modelled MSR: the CPUID bit that enumerates it decides;
 * when CPUID is unknown, a VM-entry control that loads the MSR and that the processor allows
 * to be 1 shows the MSR exists.
 */
static enum tri msr_exists(const struct check_ctx *c, const struct msr_model *m)
{
	switch (m->exists) {
	case EX_VMX:
		return TRI_YES;
	case EX_PAT:
		return or_implied(
		    check_cpuid_bit(c, 1, 0, CPUID_EDX, 16),
		    control_may_be_1(c, VMX_CTL_ENTRY, BITMASK(L_ENTRY, LOAD_IA32_PAT)));
	case EX_EFER:
		return or_implied(
		    tri_or(check_cpuid_bit(c, 0x80000001u, 0, CPUID_EDX, 20), check_intel64(c)),
		    control_may_be_1(c, VMX_CTL_ENTRY, BITMASK(L_ENTRY, LOAD_IA32_EFER)));
	case EX_LM:
		return check_intel64(c);
	case EX_TSC_AUX:
		return tri_or(check_cpuid_bit(c, 0x80000001u, 0, CPUID_EDX, 27),
		              check_cpuid_bit(c, 7, 0, CPUID_ECX, 22));
	case EX_TSC_ADJUST:
		return check_cpuid_bit(c, 7, 0, CPUID_EBX, 1);
	case EX_TSC_DEADLINE:
		return check_cpuid_bit(c, 1, 0, CPUID_ECX, 24);
	case EX_MPX:
		return or_implied(
		    check_cpuid_bit(c, 7, 0, CPUID_EBX, 14),
		    control_may_be_1(c, VMX_CTL_ENTRY, BITMASK(L_ENTRY, LOAD_IA32_BNDCFGS)));
	default:
		return TRI_UNKNOWN;
	}
}

static const char *exists_how(const struct msr_model *m)
{
	switch (m->exists) {
	case EX_PAT:
		return "CPUID.01H:EDX.PAT[bit 16]";
	case EX_EFER:
		return "CPUID.80000001H:EDX.NX[bit 20] or .LM[bit 29]";
	case EX_LM:
		return "CPUID.80000001H:EDX.LM[bit 29] (Intel 64)";
	case EX_TSC_AUX:
		return "CPUID.80000001H:EDX.RDTSCP[bit 27] or CPUID.(EAX=7,ECX=0):ECX.RDPID[bit "
		       "22]";
	case EX_TSC_ADJUST:
		return "CPUID.(EAX=7,ECX=0):EBX[bit 1]";
	case EX_TSC_DEADLINE:
		return "CPUID.01H:ECX.TSC_DEADLINE[bit 24]";
	case EX_MPX:
		return "CPUID.(EAX=7,ECX=0):EBX.MPX[bit 14]";
	default:
		return "VMX";
	}
}

/* ---- index classes the SDM decides outright ---- */

static bool is_fs_gs_base(uint32_t index)
{
	return index == MSR_FS_BASE || index == MSR_GS_BASE;
}

static bool is_x2apic(uint32_t index)
{
	return (index >> 8) == 0x8u;
}

static bool is_smm_only(uint32_t index)
{
	return index == MSR_SMM_MONITOR_CTL || index == MSR_SMRR_PHYSBASE ||
	       index == MSR_SMRR_PHYSMASK;
}

static bool is_model_specific(uint32_t index)
{
	return index == MSR_BIOS_UPDT_TRIG || index == MSR_BIOS_SIGN_ID;
}

static bool is_read_only(uint32_t index)
{
	return index == MSR_FEATURE_CONTROL || index == MSR_SMBASE ||
	       (index >= MSR_VMX_FIRST && index <= MSR_VMX_LAST);
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
static enum rule_result entry_canonical(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n);
static enum rule_result entry_reserved_bits(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n);
static enum rule_result entry_unmodeled(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n);

/* Every per-entry predicate of this file: together they decide whether an entry loads. */
static const entry_fn all_entry_fns[] = {
    entry_fs_gs_base, entry_x2apic,     entry_smm_only,  entry_model_specific,
    entry_reserved,   entry_msr_exists, entry_read_only, entry_efer_reserved,
    entry_efer_lme,   entry_pat,        entry_canonical, entry_reserved_bits,
    entry_unmodeled,
};

/*
 * What every rule together says of one entry: RULE_FAIL when some rule rejects it, else
 * RULE_UNDECIDED when some rule cannot decide it, else RULE_PASS.  Findings go to a scratch
 * record so the current rule's finding is untouched.
 */
static enum rule_result entry_status(struct check_ctx *c, const struct vmx_msr_entry *e, unsigned n)
{
	struct check_finding scratch, *saved = c->f;
	uint64_t qual = c->qualification;
	enum rule_result st = RULE_PASS;

	scratch.field = -1;
	scratch.message[0] = scratch.hint[0] = '\0';
	c->f = &scratch;
	for (size_t i = 0; i < sizeof(all_entry_fns) / sizeof(all_entry_fns[0]); i++) {
		enum rule_result r = all_entry_fns[i](c, e, n);

		if (r == RULE_FAIL) {
			st = RULE_FAIL;
			break;
		}
		if (r == RULE_UNDECIDED)
			st = RULE_UNDECIDED;
	}
	c->f = saved;
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
	const struct vmentry_env *env = c->in->env;
	char lbl[80], lbl2[80];

	for (uint32_t j = 0; j < i; j++) {
		enum rule_result st = entry_status(c, &env->msr_load[j], j + 1);

		if (st == RULE_FAIL)
			return true; /* VM entry fails at j: the lowest failing entry decides */
		if (st != RULE_UNDECIDED)
			continue;
		c->qualification = (uint64_t)j + 1;
		c->f->hint[0] = '\0';
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
 * Runs fn over the entries VM entry processes.  RULE_NA when the count is 0 or no entry
 * concerns the rule; the first entry that fn does not accept decides the result.
 */
static enum rule_result scan_area(struct check_ctx *c, entry_fn fn)
{
	const struct vmentry_env *env = c->in->env;
	uint32_t count;
	bool checked = false;

	NEED(c, VM_ENTRY_MSR_LOAD_COUNT);
	count = (uint32_t)V(c, VM_ENTRY_MSR_LOAD_COUNT);
	if (count == 0)
		return RULE_NA;
	if (!env->msr_load_known) {
		c->qualification = 1;
		c->f->field = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
		return check_undecided(c,
		                       "cannot decide: VM_ENTRY_MSR_LOAD_COUNT = %u but the "
		                       "contents of the VM-entry MSR-load area are not given",
		                       count);
	}
	for (uint32_t i = 0; i < count; i++) {
		enum rule_result r;

		c->qualification = (uint64_t)i + 1;
		if (i >= env->n_msr_load) {
			c->f->field = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
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
	if (!is_fs_gs_base(e->index))
		return RULE_PASS;
	check_hint(c,
	           "remove the entry and put the base into %s: VM entry loads FS.base and "
	           "GS.base from the guest-state area",
	           e->index == MSR_FS_BASE ? "GUEST_FS_BASE" : "GUEST_GS_BASE");
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x): "
	                  "IA32_FS_BASE and IA32_GS_BASE cannot be loaded this way",
	                  n, msr_name(e->index), e->index);
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
	if (!is_smm_only(e->index))
		return RULE_PASS;
	check_hint(c, "remove the entry: %s can be written only in system-management mode",
	           msr_name(e->index));
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x), which "
	                  "only SMM can write; this VM entry does not start in SMM",
	                  n, msr_name(e->index), e->index);
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
	if (!is_model_specific(e->index))
		return RULE_PASS;
	return check_undecided(c,
	                       "cannot decide entry %u of the VM-entry MSR-load area (%s, index "
	                       "0x%x): the SDM lets a processor refuse this MSR on VM entry",
	                       n, msr_name(e->index), e->index);
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
 * the modelled MSRs, the CPUID bit (or VMX capability) that enumerates each one decides.
 */
static enum rule_result entry_msr_exists(struct check_ctx *c, const struct vmx_msr_entry *e,
                                         unsigned n)
{
	const struct msr_model *m = model_of(e->index);
	enum tri t;

	if (!m)
		return RULE_NA;
	t = msr_exists(c, m);
	if (t == TRI_YES)
		return RULE_PASS;
	if (t == TRI_UNKNOWN)
		return check_undecided(
		    c,
		    "cannot decide whether the processor implements %s (entry %u "
		    "of the VM-entry MSR-load area): %s is unknown",
		    m->name, n, exists_how(m));
	check_hint(c, "remove the entry, or choose a CPU that implements %s", m->name);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s (index 0x%x), which "
	                  "this processor does not implement (%s is 0): WRMSR would fault",
	                  n, m->name, e->index, exists_how(m));
}

/*
 * SDM 27.4 (WRMSR would fault): MSRs that no WRMSR can write while VM entry runs.  The VMX
 * capability MSRs 480H-493H are read-only and WRMSR to them faults (SDM Vol. 3D, A.1);
 * IA32_SMBASE (9EH) is read-only and readable only in SMM; IA32_FEATURE_CONTROL (3AH) faults
 * on WRMSR once locked, and VMXON requires it locked.
 */
static enum rule_result entry_read_only(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	char lbl[80];
	const char *why;

	if (!is_read_only(e->index))
		return RULE_PASS;
	if (e->index == MSR_FEATURE_CONTROL)
		why = "its lock bit is set (VMXON requires it), so WRMSR faults";
	else if (e->index == MSR_SMBASE)
		why = "it is read-only, and accessible only in SMM";
	else
		why = "the VMX capability MSRs are read-only and WRMSR to them faults";
	check_hint(c, "remove the entry: %s cannot be written", msr_name(e->index));
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
	uint64_t v = e->value;
	uint64_t rsvd = v & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	enum tri lm = TRI_YES, nx = TRI_YES;

	if (e->index != MSR_EFER)
		return RULE_NA;
	if (rsvd) {
		check_hint(c, "clear bits 0x%llx of the IA32_EFER value in entry %u",
		           (unsigned long long)rsvd, n);
		return check_fail(
		    c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		    "entry %u of the VM-entry MSR-load area loads IA32_EFER = 0x%llx, "
		    "which sets reserved bits 0x%llx",
		    n, (unsigned long long)v, (unsigned long long)rsvd);
	}
	if (v & EFER_LME)
		lm = check_intel64(c);
	if (v & EFER_NXE)
		nx = check_cpuid_bit(c, 0x80000001u, 0, CPUID_EDX, 20);
	if (lm == TRI_NO || nx == TRI_NO) {
		const char *bit = lm == TRI_NO ? "LME (bit 8)" : "NXE (bit 11)";

		check_hint(c, "clear %s of the IA32_EFER value in entry %u", bit, n);
		return check_fail(
		    c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		    "entry %u of the VM-entry MSR-load area loads IA32_EFER = 0x%llx: "
		    "%s is reserved on this processor (CPUID.80000001H:EDX.%s = 0)",
		    n, (unsigned long long)v, bit, lm == TRI_NO ? "LM[bit 29]" : "NX[bit 20]");
	}
	if (lm == TRI_UNKNOWN || nx == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether IA32_EFER = 0x%llx (entry %u) sets a "
		                       "reserved bit: CPUID.80000001H:EDX.%s is unknown",
		                       (unsigned long long)v, n,
		                       lm == TRI_UNKNOWN ? "LM[bit 29]" : "NX[bit 20]");
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

	if (e->index != MSR_EFER)
		return RULE_NA;
	NEED(c, GUEST_CR0);
	NEED(c, VM_ENTRY_CONTROLS);
	if (!(V(c, GUEST_CR0) & BITMASK(L_CR0, PG)))
		return RULE_PASS;
	if (c->entry & BITMASK(L_ENTRY, LOAD_IA32_EFER)) {
		NEED(c, GUEST_IA32_EFER);
		lme = V(c, GUEST_IA32_EFER) & EFER_LME;
		from = "GUEST_IA32_EFER.LME (\"load IA32_EFER\" is 1)";
	} else {
		lme = (c->entry & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) ? EFER_LME : 0;
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
	if (e->index != MSR_PAT)
		return RULE_NA;
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (unsigned)(e->value >> (8 * i)) & 0xffu;

		if (t <= 7 && t != 2 && t != 3)
			continue;
		check_hint(c,
		           "use a valid memory type in PA%u (bits %u:%u) of the IA32_PAT value: "
		           "0 UC, 1 WC, 4 WT, 5 WP, 6 WB or 7 UC-",
		           i, 8 * i + 7, 8 * i);
		return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
		                  "entry %u of the VM-entry MSR-load area loads IA32_PAT = 0x%llx: "
		                  "PA%u = 0x%x is not a valid memory type",
		                  n, (unsigned long long)e->value, i, t);
	}
	return RULE_PASS;
}

/*
 * SDM 27.4 (WRMSR would fault) for MSRs holding linear addresses: WRMSR faults when it would
 * load IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, IA32_LSTAR, IA32_KERNEL_GS_BASE or the base of
 * IA32_BNDCFGS with a non-canonical address.  The check is the processor's canonicality (57
 * bits with 5-level paging support, whatever CR4.LA57 is; else 48 bits).
 */
static enum rule_result entry_canonical(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	const struct msr_model *m = model_of(e->index);
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
 * SDM 27.4 (WRMSR would fault because the value sets reserved bits) for the other modelled
 * MSRs: IA32_TSC_AUX bits 63:32 and IA32_BNDCFGS bits 11:2 are reserved (Vol. 4).  Which
 * IA32_DEBUGCTL bits beyond LBR and BTF exist is model-specific, and whether WRMSR rejects
 * bits 63:32 of IA32_FMASK is not stated: such values are undecided.
 */
static enum rule_result entry_reserved_bits(struct check_ctx *c, const struct vmx_msr_entry *e,
                                            unsigned n)
{
	const struct msr_model *m = model_of(e->index);
	uint64_t v = e->value, rsvd;

	if (!m)
		return RULE_NA;
	switch (m->value) {
	case VAL_TSC_AUX:
		rsvd = v & 0xffffffff00000000ull;
		break;
	case VAL_BNDCFGS:
		rsvd = v & BNDCFGS_RESERVED;
		break;
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
	default:
		return RULE_NA;
	}
	if (!rsvd)
		return RULE_PASS;
	check_hint(c, "clear bits 0x%llx of the %s value in entry %u", (unsigned long long)rsvd,
	           m->name, n);
	return check_fail(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR,
	                  "entry %u of the VM-entry MSR-load area loads %s = 0x%llx, which sets "
	                  "reserved bits 0x%llx",
	                  n, m->name, (unsigned long long)v, (unsigned long long)rsvd);
}

/*
 * SDM 27.4 (WRMSR would fault) for every other MSR: vmcslint does not model what WRMSR
 * accepts for it, so whether the entry loads cannot be decided.
 */
static enum rule_result entry_unmodeled(struct check_ctx *c, const struct vmx_msr_entry *e,
                                        unsigned n)
{
	uint32_t x = e->index;

	if (model_of(x) || is_fs_gs_base(x) || is_x2apic(x) || is_smm_only(x) ||
	    is_model_specific(x) || is_read_only(x))
		return RULE_PASS;
	return check_undecided(c,
	                       "cannot decide whether WRMSR accepts 0x%llx for MSR 0x%x (entry "
	                       "%u of the VM-entry MSR-load area): vmcslint does not model this "
	                       "MSR",
	                       (unsigned long long)e->value, x, n);
}

/* ---- the rules ---- */

enum rule_result rule_msrload_fs_gs_base(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_fs_gs_base);
}

enum rule_result rule_msrload_x2apic_range(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_x2apic);
}

enum rule_result rule_msrload_smm_only(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_smm_only);
}

enum rule_result rule_msrload_model_specific(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_model_specific);
}

enum rule_result rule_msrload_entry_reserved(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_reserved);
}

enum rule_result rule_msrload_msr_exists(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_msr_exists);
}

enum rule_result rule_msrload_read_only(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_read_only);
}

enum rule_result rule_msrload_efer_reserved(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_efer_reserved);
}

enum rule_result rule_msrload_efer_lme_paging(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_efer_lme);
}

enum rule_result rule_msrload_pat_memtype(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_pat);
}

enum rule_result rule_msrload_canonical(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_canonical);
}

enum rule_result rule_msrload_reserved_bits(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_reserved_bits);
}

enum rule_result rule_msrload_msr_unmodeled(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	return scan_area(c, entry_unmodeled);
}
