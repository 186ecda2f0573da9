/*
 * check.c -- the rule table and the runner: evaluates every rule and predicts what the
 * processor reports (SDM chapter "VM Entries": checks of the instruction, then controls and
 * host state, then guest state, then MSR loading).
 */
#include "check_internal.h"
#include "rules.h"

#define VMWRITE CHECK_CLASS_VMWRITE
#define INSTR   CHECK_CLASS_INSTR
#define CTLS    CHECK_CLASS_CTLS
#define HOST    CHECK_CLASS_HOST
#define GUEST   CHECK_CLASS_GUEST
#define MSRLOAD CHECK_CLASS_MSRLOAD

enum sdm_section_id {
#define SDM_SECTION(id, number, title) id,
#include "sdm_sections.def"
	SDM_SECTION__COUNT
};

static const char *const section_number[] = {
#define SDM_SECTION(id, number, title) number,
#include "sdm_sections.def"
};

static const char *const section_title[] = {
#define SDM_SECTION(id, number, title) title,
#include "sdm_sections.def"
};

/* clang-format off */
static const struct check_rule rule_table[] = {
#define RULE(id, cls, err, qual, section, fields, fn, arg, summary) \
	{ id, cls, err, qual, NULL, NULL, fields, summary },
#include "rules.def"
};

static const uint8_t rule_section[] = {
#define RULE(id, cls, err, qual, section, fields, fn, arg, summary) section,
#include "rules.def"
};

static const check_fn rule_fn[] = {
#define RULE(id, cls, err, qual, section, fields, fn, arg, summary) fn,
#include "rules.def"
};

static const uintptr_t rule_arg[] = {
#define RULE(id, cls, err, qual, section, fields, fn, arg, summary) (uintptr_t)(arg),
#include "rules.def"
};
/* clang-format on */

#define N_RULES (sizeof(rule_table) / sizeof(rule_table[0]))
_Static_assert(N_RULES <= CHECK_MAX_RULES, "raise CHECK_MAX_RULES");

size_t check_rule_count(void)
{
	return N_RULES;
}

/* Section number and title are filled in from the section table on access. */
static struct check_rule rule_view[N_RULES];

const struct check_rule *check_rule_at(size_t i)
{
	struct check_rule *r;

	if (i >= N_RULES)
		return NULL;
	r = &rule_view[i];
	*r = rule_table[i];
	r->sdm_section = section_number[rule_section[i]];
	r->sdm_title = section_title[rule_section[i]];
	return r;
}

static char fold(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		return (char)(ch - 'a' + 'A');
	return ch == '_' ? '-' : ch;
}

const struct check_rule *check_rule_by_id(const char *id, size_t len)
{
	for (size_t i = 0; i < N_RULES; i++) {
		const char *r = rule_table[i].id;
		size_t k = 0;

		while (k < len && r[k] && fold(id[k]) == r[k])
			k++;
		if (k == len && r[k] == '\0')
			return check_rule_at(i);
	}
	return NULL;
}

struct check_outcome check_rule_outcome(const struct check_rule *r)
{
	struct check_outcome o = {OUTCOME_VMFAIL_VALID, 0, 0, 0, 0, false, 0, 0, 0};

	switch (r->cls) {
	case CHECK_CLASS_VMWRITE:
	case CHECK_CLASS_INSTR:
		o.vm_instruction_error = r->vm_error;
		break;
	case CHECK_CLASS_CTLS:
		o.vm_instruction_error = 7;
		break;
	case CHECK_CLASS_HOST:
		o.vm_instruction_error = 8;
		break;
	case CHECK_CLASS_GUEST:
		o.kind = OUTCOME_ENTRY_FAILURE;
		o.exit_reason = 33;
		o.exit_qualification = r->qualification;
		break;
	default:
		o.kind = OUTCOME_ENTRY_FAILURE;
		o.exit_reason = 34;
		break;
	}
	return o;
}

const char *check_outcome_name(unsigned kind)
{
	static const char *const names[OUTCOME__COUNT] = {"success",      "vmfail_invalid",
	                                                  "vmfail_valid", "entry_failure",
	                                                  "undecided",    "processor_dependent"};

	return kind < OUTCOME__COUNT ? names[kind] : "?";
}

/* ---- helpers for rules ---- */

/* The current finding's field and message; returns result. */
static enum rule_result record(struct check_ctx *c, enum rule_result result, int field,
                               const char *fmt, va_list ap)
{
	c->f->field = (int16_t)field;
	check_vsnprintf(c->f->message, sizeof(c->f->message), fmt, ap);
	return result;
}

enum rule_result check_fail(struct check_ctx *c, int field, const char *fmt, ...)
{
	va_list ap;
	enum rule_result r;

	va_start(ap, fmt);
	r = record(c, RULE_FAIL, field, fmt, ap);
	va_end(ap);
	return r;
}

void check_hint(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vsnprintf(c->f->hint, sizeof(c->f->hint), fmt, ap);
	va_end(ap);
}

enum rule_result check_may_fail(struct check_ctx *c, int field, const char *fmt, ...)
{
	va_list ap;
	enum rule_result r;

	va_start(ap, fmt);
	r = record(c, RULE_MAYFAIL, field, fmt, ap);
	va_end(ap);
	return r;
}

enum rule_result check_unknown_field(struct check_ctx *c, int field)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)field);

	c->f->field = (int16_t)field;
	check_snprintf(c->f->message, sizeof(c->f->message),
	               "cannot decide: the value of %s is unknown", f ? f->name : "?");
	return RULE_UNDECIDED;
}

enum rule_result check_undecided(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vsnprintf(c->f->message, sizeof(c->f->message), fmt, ap);
	va_end(ap);
	return RULE_UNDECIDED;
}

struct vmx_allowed check_allowed(const struct check_ctx *c, enum vmx_ctl ctl)
{
	struct vmx_caps_reads *r = c->in->caps->reads;

	/* the MSRs the allowed settings were computed from, read now */
	if (r) {
		r->msr |= c->allowed_reads[ctl].msr;
		r->cpuid |= c->allowed_reads[ctl].cpuid;
	}
	return c->allowed[ctl];
}

unsigned check_maxphyaddr(const struct check_ctx *c)
{
	unsigned m = vmx_caps_maxphyaddr(c->in->caps);

	/* Intel 64 allows at most 52 bits; anything else is no usable fact (unknown). */
	return m <= 52 ? m : 0;
}

bool check_phys_ok(const struct check_ctx *c, uint64_t addr)
{
	unsigned m = check_maxphyaddr(c);

	return m >= 64 || (addr >> m) == 0;
}

bool check_canonical(uint64_t addr, unsigned width)
{
	uint64_t top = addr >> (width - 1);

	return top == 0 || top == (~0ull >> (width - 1));
}

enum tri check_cpuid_bit(const struct check_ctx *c, enum cpuid_leaf_id leaf, enum cpuid_reg reg,
                         unsigned bit)
{
	return vmx_caps_cpuid_bit(c->in->caps, leaf, reg, bit);
}

enum tri check_intel64(const struct check_ctx *c)
{
	struct vmx_allowed a;
	enum tri t = check_cpuid_bit(c, CPUID_LEAF_80000001, CPUID_EDX, 29);

	if (t != TRI_UNKNOWN)
		return t;
	a = check_allowed(c, VMX_CTL_ENTRY);
	t = vmx_allowed_may_be_1(&a, L_ENTRY__IA32E_MODE_GUEST);
	if (t != TRI_UNKNOWN)
		return t;
	a = check_allowed(c, VMX_CTL_EXIT);
	t = vmx_allowed_may_be_1(&a, L_EXIT__HOST_ADDRESS_SPACE_SIZE);
	if (t != TRI_UNKNOWN)
		return t;
	/* "CR8-load/-store exiting" must be 0 without Intel 64 (SDM 25.6.2): allowed 1, Intel 64.
	 */
	a = check_allowed(c, VMX_CTL_PROC);
	if (vmx_allowed_may_be_1(&a, L_PROC__CR8_LOAD_EXITING) == TRI_YES)
		return TRI_YES;
	if (c->in->env->ia32e_mode)
		return TRI_YES;
	if (vmx_caps_msr_bit(c->in->caps, VMX_MSR_BASIC, L_MSR_BASIC__ADDRESS_WIDTH_32) == TRI_YES)
		return TRI_NO;
	return TRI_UNKNOWN;
}

unsigned check_la_width(const struct check_ctx *c)
{
	switch (vmx_caps_msr_bit(c->in->caps, VMX_MSR_CR4_FIXED1, L_CR4__LA57)) {
	case TRI_YES:
		return 57;
	case TRI_NO:
		return 48;
	default:
		break;
	}
	switch (check_cpuid_bit(c, CPUID_LEAF_7_0, CPUID_ECX, 16)) {
	case TRI_YES:
		return 57;
	case TRI_NO:
		return 48;
	default:
		return 0;
	}
}

enum tri check_canonical_max(const struct check_ctx *c, uint64_t v, unsigned *width)
{
	unsigned w = check_la_width(c);

	if (w) {
		*width = w;
		return check_canonical(v, w) ? TRI_YES : TRI_NO;
	}
	*width = 48;
	if (check_canonical(v, 48))
		return TRI_YES;
	*width = 57;
	return check_canonical(v, 57) ? TRI_UNKNOWN : TRI_NO;
}

/*
 * Which bits of IA32_PERF_GLOBAL_CTRL exist (SDM Vol. 3B "Architectural Performance
 * Monitoring"): bits N-1:0 enable the N general-purpose counters (CPUID.0AH:EAX[15:8]); bit
 * 32+i enables fixed counter i when the version (EAX[7:0]) is at least 2 and i is below
 * EDX[4:0], or the version is at least 5 and ECX[i] is 1; bit 48 enables PERF_METRICS where
 * IA32_PERF_CAPABILITIES[15] says so (never known here, and absent without
 * CPUID.01H:ECX.PDCM).  Version 6 may enumerate more counters in leaf 23H (never known).
 */
enum tri check_perf_global_ctrl(const struct check_ctx *c, uint64_t v, struct perf_global *pg)
{
	const struct vmx_caps *k = c->in->caps;
	const uint64_t metrics = 1ull << 48;
	uint32_t eax, ecx, edx;

	pg->allowed = pg->bad = 0;
	pg->ngp = pg->version = 0;
	pg->why = "";
	if (!v)
		return TRI_YES;
	if (!vmx_caps_cpuid_reg(k, CPUID_LEAF_A, CPUID_EAX, &eax)) {
		pg->why = "the counters this processor has (CPUID leaf 0AH) are unknown";
		return TRI_UNKNOWN;
	}
	pg->version = eax & 0xff;
	pg->ngp = (eax >> 8) & 0xff;
	pg->allowed = pg->ngp >= 32 ? 0xffffffffull : (1ull << pg->ngp) - 1;
	/*
	 * Bits 31:0 are the general-purpose counters: EAX alone decides them (before version 6,
	 * whose leaf 23H may enumerate more).
	 */
	if (pg->version < 6 && (v & 0xffffffffull & ~pg->allowed)) {
		pg->bad = v & 0xffffffffull & ~pg->allowed;
		return TRI_NO;
	}
	if (!(v >> 32))
		return TRI_YES;
	if (pg->version >= 2) {
		if (!vmx_caps_cpuid_reg(k, CPUID_LEAF_A, CPUID_EDX, &edx)) {
			pg->why = "CPUID.0AH:EDX (the number of fixed counters) is unknown";
			return TRI_UNKNOWN;
		}
		pg->allowed |= ((1ull << (edx & 0x1f)) - 1) << 32;
	}
	if (pg->version >= 5) {
		if (!vmx_caps_cpuid_reg(k, CPUID_LEAF_A, CPUID_ECX, &ecx)) {
			pg->why = "CPUID.0AH:ECX (the fixed-counter bitmap) is unknown";
			return TRI_UNKNOWN;
		}
		pg->allowed |= (uint64_t)ecx << 32;
	}
	pg->bad = v & ~pg->allowed;
	if (!pg->bad)
		return TRI_YES;
	if (pg->version >= 6) {
		pg->why = "architectural performance monitoring version 6 may enumerate more "
		          "counters in CPUID leaf 23H, which is unknown";
		return TRI_UNKNOWN;
	}
	if (pg->bad == metrics && vmx_caps_cpuid_bit(k, CPUID_LEAF_1, CPUID_ECX, 15) != TRI_NO) {
		pg->why = "bit 48 (PERF_METRICS_EN) exists only where IA32_PERF_CAPABILITIES[15] "
		          "is 1, which is unknown";
		return TRI_UNKNOWN;
	}
	return TRI_NO;
}

enum tri check_fixed_bits(const struct check_ctx *c, enum vmx_msr_id msr, uint64_t v,
                          uint64_t exempt, struct fixed_bits *fb)
{
	const struct vmx_caps *k = c->in->caps;
	uint64_t known = vmx_caps_msr_known(k, msr);
	bool fixed0 = msr == VMX_MSR_CR0_FIXED0 || msr == VMX_MSR_CR4_FIXED0;
	enum vmx_msr_id other = msr == VMX_MSR_CR0_FIXED0   ? VMX_MSR_CR0_FIXED1
	                        : msr == VMX_MSR_CR0_FIXED1 ? VMX_MSR_CR0_FIXED0
	                        : msr == VMX_MSR_CR4_FIXED0 ? VMX_MSR_CR4_FIXED1
	                                                    : VMX_MSR_CR4_FIXED0;
	uint64_t oknown = vmx_caps_msr_known(k, other), ovalue = k->msr[other] & oknown;

	fb->msr = k->msr[msr] & known;
	fb->msr_known = known == ~0ull;
	/*
	 * A bit FIXED0 sets is set in FIXED1 too, and a bit FIXED1 clears is clear in FIXED0
	 * (SDM A.7, A.8): the other MSR's known bits tell these bits of this one.
	 */
	if (fixed0) {
		known |= oknown & ~ovalue;
	} else {
		fb->msr |= ovalue;
		known |= ovalue;
	}
	if (fixed0) {
		fb->bad = fb->msr & ~v & ~exempt;
		fb->unknown = ~known & ~v & ~exempt;
	} else {
		fb->bad = v & known & ~fb->msr & ~exempt;
		fb->unknown = v & ~known & ~exempt;
	}
	if (fb->bad)
		return TRI_NO;
	return fb->unknown ? TRI_UNKNOWN : TRI_YES;
}

enum rule_result fixed_undecided(struct check_ctx *c, int field, uint64_t v, enum vmx_msr_id msr,
                                 const struct fixed_bits *fb)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)field);
	bool fixed0 = msr == VMX_MSR_CR0_FIXED0 || msr == VMX_MSR_CR4_FIXED0;

	c->f->field = (int16_t)field;
	return check_undecided(c,
	                       "cannot decide whether %s = 0x%llx may %s bit(s) 0x%llx: %s is "
	                       "%sunknown for this CPU",
	                       f ? f->name : "?", (unsigned long long)v, fixed0 ? "clear" : "set",
	                       (unsigned long long)fb->unknown, vmx_msr_name(msr),
	                       vmx_caps_msr_known(c->in->caps, msr) ? "partly " : "");
}

/* ---- the runner ---- */

static void effective_controls(struct check_ctx *c)
{
	const uint64_t *v = c->v;

	c->pin = v[VMCS_PIN_BASED_VM_EXEC_CONTROL];
	c->proc = v[VMCS_CPU_BASED_VM_EXEC_CONTROL];
	c->exit = v[VMCS_VM_EXIT_CONTROLS];
	c->entry = v[VMCS_VM_ENTRY_CONTROLS];
	/* "activate secondary controls" 0: the secondary controls act as 0 (same for tertiary). */
	c->proc2 = (c->proc & BIT(31)) ? v[VMCS_SECONDARY_VM_EXEC_CONTROL] : 0;
	c->proc3 = (c->proc & BIT(17)) ? v[VMCS_TERTIARY_VM_EXEC_CONTROL] : 0;
	c->exit2 = (c->exit & BIT(31)) ? v[VMCS_SECONDARY_VM_EXIT_CONTROLS] : 0;
}

/*
 * Tiers of classes: a failure in an earlier tier is what the processor reports.  The VMWRITEs
 * have none: a failing VMWRITE fails by itself and leaves its field out of the VMCS, which the
 * VM entry is then judged on.
 */
#define TIER_NONE    0u
#define TIER_INSTR   1u
#define TIER_CTLS    2u
#define TIER_GUEST   3u
#define TIER_MSRLOAD 4u

static unsigned tier_of(unsigned cls)
{
	static const unsigned tier[CHECK_CLASS__COUNT] = {TIER_NONE, TIER_INSTR, TIER_CTLS,
	                                                  TIER_CTLS, TIER_GUEST, TIER_MSRLOAD};

	return cls < CHECK_CLASS__COUNT ? tier[cls] : TIER_MSRLOAD;
}

/* What one tier's findings say: its first failure, first undecided and first may-fail. */
struct tier_view {
	const struct check_finding *first, *first_und, *first_may;
	uint8_t alt;
	bool varies;
};

static struct tier_view view_tier(const struct check_report *rep, unsigned t)
{
	struct tier_view v = {NULL, NULL, NULL, 0, false};

	for (size_t i = 0; i < rep->n_findings; i++) {
		const struct check_finding *f = &rep->findings[i];
		unsigned cls = rule_table[f->rule].cls;

		if (tier_of(cls) != t)
			continue;
		if (f->result == RULE_UNDECIDED) {
			if (!v.first_und)
				v.first_und = f;
		} else if (f->result == RULE_MAYFAIL) {
			if (!v.first_may)
				v.first_may = f;
		} else if (!v.first) {
			v.first = f;
		} else if (cls == CHECK_CLASS_MSRLOAD) {
			/* Entries load in order: the lowest failing index is reported. */
			if (f->outcome.exit_qualification < v.first->outcome.exit_qualification)
				v.first = f;
		} else if (t == TIER_CTLS && f->outcome.vm_instruction_error !=
		                                 v.first->outcome.vm_instruction_error) {
			/*
			 * Controls and host state may be checked in either order (SDM 27.2 leaves
			 * it open).  The instruction's own checks have a fixed order (SDM 27.1):
			 * the first in table order decides.
			 */
			v.alt = f->outcome.vm_instruction_error;
		} else if (f->outcome.kind == OUTCOME_ENTRY_FAILURE &&
		           f->outcome.exit_qualification != v.first->outcome.exit_qualification) {
			/* Guest-state checks may be performed in any order (SDM "VM-Entry Failures
			 * During or After Loading Guest State"). */
			v.varies = true;
		}
	}
	/*
	 * A check that may fail too (implementation-specific, or undecided) in the same tier may be
	 * the one the processor reports: its error or qualification is possible as well.
	 */
	for (size_t i = 0; v.first && i < rep->n_findings; i++) {
		const struct check_finding *f = &rep->findings[i];

		if ((f->result != RULE_UNDECIDED && f->result != RULE_MAYFAIL) ||
		    tier_of(rule_table[f->rule].cls) != t || t == TIER_MSRLOAD)
			continue;
		if (t == TIER_CTLS &&
		    f->outcome.vm_instruction_error != v.first->outcome.vm_instruction_error)
			v.alt = f->outcome.vm_instruction_error;
		if (t == TIER_GUEST &&
		    f->outcome.exit_qualification != v.first->outcome.exit_qualification)
			v.varies = true;
	}
	return v;
}

/*
 * Entries load in order: an entry the checker cannot judge that comes before the first
 * failing one may fail first (one at the same index fails anyway).  Returns that entry's
 * finding, or NULL.
 */
static const struct check_finding *msrload_undecided_before(const struct check_report *rep,
                                                            const struct check_finding *first)
{
	for (size_t i = 0; i < rep->n_findings; i++) {
		const struct check_finding *f = &rep->findings[i];

		if (f->result == RULE_UNDECIDED && rule_table[f->rule].cls == CHECK_CLASS_MSRLOAD &&
		    f->outcome.exit_qualification < first->outcome.exit_qualification)
			return f;
	}
	return NULL;
}

/*
 * What the prediction rests on: the reads of the rules up to the deciding rule's tier when a
 * failure decides (the processor never gets to the later checks), else of every rule.
 */
static void prediction_depends(struct check_report *rep)
{
	unsigned last = TIER_MSRLOAD;
	unsigned k = rep->prediction.kind;

	if (rep->deciding_rule >= 0 && (k == OUTCOME_VMFAIL_INVALID || k == OUTCOME_VMFAIL_VALID ||
	                                k == OUTCOME_ENTRY_FAILURE))
		last = tier_of(rule_table[rep->deciding_rule].cls);
	rep->depends.msr = rep->depends.cpuid = 0;
	for (unsigned cls = 0; cls < CHECK_CLASS__COUNT; cls++) {
		if (tier_of(cls) > last)
			continue;
		rep->depends.msr |= rep->class_reads[cls].msr;
		rep->depends.cpuid |= rep->class_reads[cls].cpuid;
	}
}

static void predict(struct check_report *rep);

void check_predict(struct check_report *rep)
{
	predict(rep);
	prediction_depends(rep);
}

static void predict(struct check_report *rep)
{
	const struct check_outcome none = {OUTCOME_SUCCESS, 0, 0, 0, 0, false, 0, 0, 0};
	const struct check_finding *undecided = NULL, *may = NULL;

	rep->prediction = none;
	rep->deciding_rule = -1;
	for (unsigned t = TIER_INSTR; t <= TIER_MSRLOAD; t++) {
		struct tier_view v = view_tier(rep, t);

		if (v.first && !undecided && t == TIER_MSRLOAD)
			undecided = msrload_undecided_before(rep, v.first);
		if (v.first) {
			if (undecided) {
				rep->prediction.kind = OUTCOME_UNDECIDED;
				rep->deciding_rule = (int16_t)undecided->rule;
				return;
			}
			if (may) {
				/* Processors that enforce the earlier check fail there instead. */
				rep->prediction = may->outcome;
				rep->prediction.kind = OUTCOME_PROCESSOR_DEPENDENT;
				rep->prediction.otherwise_kind = v.first->outcome.kind;
				rep->prediction.otherwise_exit_reason =
				    v.first->outcome.exit_reason;
				rep->prediction.otherwise_qualification =
				    v.first->outcome.exit_qualification;
				rep->deciding_rule = (int16_t)may->rule;
				return;
			}
			rep->prediction = v.first->outcome;
			rep->prediction.error_alt = v.alt;
			rep->prediction.qualification_varies = v.varies;
			rep->deciding_rule = (int16_t)v.first->rule;
			return;
		}
		if (v.first_und && !undecided)
			undecided = v.first_und;
		if (v.first_may && !may)
			may = v.first_may;
	}
	if (undecided) {
		rep->prediction.kind = OUTCOME_UNDECIDED;
		rep->deciding_rule = (int16_t)undecided->rule;
	} else if (may) {
		rep->prediction = may->outcome;
		rep->prediction.kind = OUTCOME_PROCESSOR_DEPENDENT;
		rep->prediction.otherwise_kind = OUTCOME_SUCCESS;
		rep->deciding_rule = (int16_t)may->rule;
	}
}

/*
 * The VMCS VM entry sees after the VMWRITEs: a field whose VMWRITE failed is not there (a
 * fresh VMCS: 0, known, not written).
 */
static const struct vmcs_state *vmcs_after_vmwrites(const struct check_report *rep,
                                                    const struct vmcs_state *orig,
                                                    struct vmcs_state *copy)
{
	bool any = false;

	for (size_t i = 0; i < rep->n_vmwrite; i++)
		any |= rep->vmwrite[i].result == RULE_FAIL;
	if (!any)
		return orig;
	*copy = *orig;
	for (size_t i = 0; i < rep->n_vmwrite; i++) {
		size_t f = (size_t)rep->vmwrite[i].field;

		if (rep->vmwrite[i].result != RULE_FAIL)
			continue;
		copy->value[f] = 0;
		copy->known[f] = 1;
		copy->written[f] = 0;
	}
	return copy;
}

void check_run(const struct check_input *in, struct check_report *rep)
{
	struct check_ctx c;
	struct check_finding scratch;
	struct check_input entry_in = *in;
	struct vmcs_state after;
	/* A copy of the capabilities whose accessors mark what each rule reads. */
	struct vmx_caps caps = *in->caps;
	struct vmx_caps_reads all = {0, 0};

	entry_in.caps = &caps;
	c.in = &entry_in;
	c.rep = rep;
	c.v = in->vmcs->value;
	effective_controls(&c);
	for (int k = 0; k < VMX_CTL__COUNT; k++) {
		c.allowed_reads[k].msr = c.allowed_reads[k].cpuid = 0;
		caps.reads = &c.allowed_reads[k];
		c.allowed[k] = vmx_caps_allowed(&caps, (enum vmx_ctl)k);
	}
	for (int k = 0; k < CHECK_CLASS__COUNT; k++)
		rep->class_reads[k].msr = rep->class_reads[k].cpuid = 0;
	rep->n_findings = rep->n_failed = rep->n_undecided = rep->n_passed = 0;
	rep->n_not_applicable = rep->n_mayfail = rep->n_vmwrite = 0;
	rep->truncated = false;
	for (size_t i = 0; i < N_RULES; i++) {
		struct check_finding *f = rep->n_findings < CHECK_MAX_FINDINGS
		                              ? &rep->findings[rep->n_findings]
		                              : &scratch;
		enum rule_result r;

		if (i > 0 && rule_table[i - 1].cls == CHECK_CLASS_VMWRITE &&
		    rule_table[i].cls != CHECK_CLASS_VMWRITE) {
			/* The VMWRITE rules come first; the rest judge what they leave. */
			entry_in.vmcs = vmcs_after_vmwrites(rep, in->vmcs, &after);
			c.v = entry_in.vmcs->value;
			effective_controls(&c);
		}
		f->rule = (uint16_t)i;
		f->field = -1;
		f->msr_index = -1;
		f->message[0] = '\0';
		f->hint[0] = '\0';
		c.f = f;
		c.qualification = 0;
		caps.reads = &rep->class_reads[rule_table[i].cls];
		r = rule_fn[i](&c, rule_arg[i]);
		rep->result[i] = (uint8_t)r;
		switch (r) {
		case RULE_PASS:
			rep->n_passed++;
			continue;
		case RULE_NA:
			rep->n_not_applicable++;
			continue;
		case RULE_FAIL:
			rep->n_failed++;
			break;
		case RULE_MAYFAIL:
			rep->n_mayfail++;
			break;
		default:
			rep->n_undecided++;
			break;
		}
		f->result = (uint8_t)r;
		f->outcome = check_rule_outcome(&rule_table[i]);
		if (rule_table[i].cls == CHECK_CLASS_MSRLOAD) {
			f->outcome.exit_qualification = c.qualification;
			f->msr_index = (int32_t)c.qualification - 1;
		}
		if (f == &scratch)
			rep->truncated = true;
		else
			rep->n_findings++;
	}
	for (int k = 0; k < CHECK_CLASS__COUNT; k++) {
		all.msr |= rep->class_reads[k].msr;
		all.cpuid |= rep->class_reads[k].cpuid;
	}
	if (in->caps->reads) {
		in->caps->reads->msr |= all.msr;
		in->caps->reads->cpuid |= all.cpuid;
	}
	check_predict(rep);
}
