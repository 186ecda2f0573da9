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
	struct check_outcome o = {OUTCOME_VMFAIL_VALID, 0, 0, 0, 0, false};

	switch (r->cls) {
	case CHECK_CLASS_VMWRITE:
		o.vm_instruction_error = 12;
		break;
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
	static const char *const names[] = {"success", "vmfail_invalid", "vmfail_valid",
	                                    "entry_failure", "undecided"};

	return kind < 5 ? names[kind] : "?";
}

/* ---- helpers for rules ---- */

enum rule_result check_fail(struct check_ctx *c, int field, const char *fmt, ...)
{
	va_list ap;

	c->f->field = (int16_t)field;
	va_start(ap, fmt);
	check_vsnprintf(c->f->message, sizeof(c->f->message), fmt, ap);
	va_end(ap);
	return RULE_FAIL;
}

void check_hint(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vsnprintf(c->f->hint, sizeof(c->f->hint), fmt, ap);
	va_end(ap);
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
	return c->allowed[ctl];
}

unsigned check_maxphyaddr(const struct check_ctx *c)
{
	unsigned m = c->in->caps->maxphyaddr;

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

enum tri check_cpuid_bit(const struct check_ctx *c, uint32_t leaf, uint32_t subleaf,
                         enum cpuid_reg reg, unsigned bit)
{
	return vmx_caps_cpuid_bit(c->in->caps, leaf, subleaf, reg, bit);
}

enum tri check_intel64(const struct check_ctx *c)
{
	const struct vmx_allowed *entry = &c->allowed[VMX_CTL_ENTRY],
	                         *exit = &c->allowed[VMX_CTL_EXIT];
	enum tri t = check_cpuid_bit(c, 0x80000001u, 0, CPUID_EDX, 29);

	if (t != TRI_UNKNOWN)
		return t;
	if (entry->known)
		return (entry->may_be_1 & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) ? TRI_YES : TRI_NO;
	if (exit->known)
		return (exit->may_be_1 & BITMASK(L_EXIT, HOST_ADDRESS_SPACE_SIZE)) ? TRI_YES
		                                                                   : TRI_NO;
	if (c->in->env->ia32e_mode)
		return TRI_YES;
	if (vmx_caps_msr_bit(c->in->caps, VMX_MSR_BASIC, L_MSR_BASIC__ADDRESS_WIDTH_32) == TRI_YES)
		return TRI_NO;
	return TRI_UNKNOWN;
}

unsigned check_la_width(const struct check_ctx *c)
{
	const struct vmx_caps *k = c->in->caps;

	if (k->msr_state[VMX_MSR_CR4_FIXED1] == VMX_MSR_PRESENT)
		return (k->msr[VMX_MSR_CR4_FIXED1] & BITMASK(L_CR4, LA57)) ? 57 : 48;
	switch (check_cpuid_bit(c, 7, 0, CPUID_ECX, 16)) {
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
	if (!vmx_caps_cpuid_reg(k, 0xa, 0, CPUID_EAX, &eax)) {
		pg->why = "the counters this processor has (CPUID leaf 0AH) are unknown";
		return TRI_UNKNOWN;
	}
	pg->version = eax & 0xff;
	pg->ngp = (eax >> 8) & 0xff;
	pg->allowed = pg->ngp >= 32 ? 0xffffffffull : (1ull << pg->ngp) - 1;
	if (pg->version >= 2) {
		if (!vmx_caps_cpuid_reg(k, 0xa, 0, CPUID_EDX, &edx)) {
			pg->why = "CPUID.0AH:EDX (the number of fixed counters) is unknown";
			return TRI_UNKNOWN;
		}
		pg->allowed |= ((1ull << (edx & 0x1f)) - 1) << 32;
	}
	if (pg->version >= 5) {
		if (!vmx_caps_cpuid_reg(k, 0xa, 0, CPUID_ECX, &ecx)) {
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
	if (pg->bad == metrics && vmx_caps_cpuid_bit(k, 1, 0, CPUID_ECX, 15) != TRI_NO) {
		pg->why = "bit 48 (PERF_METRICS_EN) exists only where IA32_PERF_CAPABILITIES[15] "
		          "is 1, which is unknown";
		return TRI_UNKNOWN;
	}
	return TRI_NO;
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

/* Tiers of classes: a failure in an earlier tier is what the processor reports. */
static unsigned tier_of(unsigned cls)
{
	static const unsigned tier[CHECK_CLASS__COUNT] = {0, 1, 2, 2, 3, 4};

	return cls < CHECK_CLASS__COUNT ? tier[cls] : 4;
}

static void predict(struct check_report *rep)
{
	bool undecided_before = false;
	struct check_outcome none = {OUTCOME_SUCCESS, 0, 0, 0, 0, false};

	rep->prediction = none;
	rep->deciding_rule = -1;
	for (unsigned t = 0; t <= 4; t++) {
		const struct check_finding *first = NULL, *first_und = NULL;
		uint8_t alt = 0;
		bool varies = false;

		for (size_t i = 0; i < rep->n_findings; i++) {
			const struct check_finding *f = &rep->findings[i];
			unsigned cls = rule_table[f->rule].cls;

			if (tier_of(cls) != t)
				continue;
			if (f->result == RULE_UNDECIDED) {
				if (!first_und)
					first_und = f;
			} else if (!first) {
				first = f;
			} else if (cls == CHECK_CLASS_MSRLOAD) {
				/* Entries load in order: the lowest failing index is reported. */
				if (f->outcome.exit_qualification <
				    first->outcome.exit_qualification)
					first = f;
			} else if (t == tier_of(CHECK_CLASS_CTLS) &&
			           f->outcome.vm_instruction_error !=
			               first->outcome.vm_instruction_error) {
				/*
				 * Controls and host state may be checked in either order (SDM 27.2
				 * leaves it open).  The instruction's own checks have a fixed order
				 * (SDM 27.1): the first in table order decides.
				 */
				alt = f->outcome.vm_instruction_error;
			} else if (f->outcome.kind == OUTCOME_ENTRY_FAILURE &&
			           f->outcome.exit_qualification !=
			               first->outcome.exit_qualification) {
				varies = true;
			}
		}
		/*
		 * Entries load in order: an entry the checker cannot judge that comes before
		 * the first failing one may fail first (one at the same index fails anyway).
		 */
		if (first && first_und && t == tier_of(CHECK_CLASS_MSRLOAD)) {
			for (size_t i = 0; i < rep->n_findings; i++) {
				const struct check_finding *f = &rep->findings[i];

				if (f->result == RULE_UNDECIDED &&
				    rule_table[f->rule].cls == CHECK_CLASS_MSRLOAD &&
				    f->outcome.exit_qualification <
				        first->outcome.exit_qualification) {
					undecided_before = true;
					if (rep->deciding_rule < 0)
						rep->deciding_rule = (int16_t)f->rule;
				}
			}
		}
		if (first) {
			if (undecided_before) {
				rep->prediction.kind = OUTCOME_UNDECIDED;
				return;
			}
			rep->prediction = first->outcome;
			rep->prediction.error_alt = alt;
			rep->prediction.qualification_varies = varies;
			rep->deciding_rule = (int16_t)first->rule;
			return;
		}
		if (first_und) {
			undecided_before = true;
			if (rep->deciding_rule < 0)
				rep->deciding_rule = (int16_t)first_und->rule;
		}
	}
	if (undecided_before)
		rep->prediction.kind = OUTCOME_UNDECIDED;
}

void check_run(const struct check_input *in, struct check_report *rep)
{
	struct check_ctx c;
	struct check_finding scratch;

	c.in = in;
	c.v = in->vmcs->value;
	effective_controls(&c);
	for (int k = 0; k < VMX_CTL__COUNT; k++)
		c.allowed[k] = vmx_caps_allowed(in->caps, (enum vmx_ctl)k);
	rep->n_findings = rep->n_failed = rep->n_undecided = rep->n_passed = 0;
	rep->n_not_applicable = 0;
	rep->truncated = false;
	for (size_t i = 0; i < N_RULES; i++) {
		struct check_finding *f = rep->n_findings < CHECK_MAX_FINDINGS
		                              ? &rep->findings[rep->n_findings]
		                              : &scratch;
		enum rule_result r;

		f->rule = (uint16_t)i;
		f->field = -1;
		f->msr_index = -1;
		f->message[0] = '\0';
		f->hint[0] = '\0';
		c.f = f;
		c.qualification = 0;
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
	predict(rep);
}
