/*
 * check.c -- the rule table and the runner: evaluates every rule (the fast pass, no strings),
 * renders one rule's message on demand, and predicts what the processor reports (SDM chapter
 * "VM Entries": checks of the instruction, then controls and host state, then guest state,
 * then MSR loading).
 */
#include "rules.h"
#include "sdm_sections.h"

/* The rule table, generated from rules.def by checker/gen_rules.c (each row's fields derived). */
static const struct check_rule rule_table[] = {
#include "rule_table.h"
};

/*
 * How each rule is decided: its function (NULL for a data row) with its arg, and its row (a
 * function row's: its condition), by rule index.
 */
/* clang-format off */
static const check_fn rule_fn[] = {
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn_, arg_, summary) fn_,
#define ROW(id, cls, ...) NULL,
#include "rules.def"
};
static const uintptr_t rule_arg[] = {
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn_, arg_, summary) (uintptr_t)(arg_),
#define ROW(id, cls, ...) 0,
#include "rules.def"
};
static const struct row rule_row[] = {
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn_, arg_, summary) \
	{ .gate = {COND_INIT(g0), COND_INIT(g1), COND_INIT(ANY)} },
#define ROW(id, cls, qual, section, op, flags, g0, g1, g2, f0, f1, f2, mask, value, msg, hint, \
            summary) \
	ROW_INIT(op, flags, g0, g1, g2, f0, f1, f2, mask, value, msg, hint),
#include "rules.def"
};

/* The rules stand in class order (a test checks): the first rule of each class. */
enum {
	N_VMWRITE_RULES = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) == VMWRITE)
#define ROW(id, cls, ...) + ((cls) == VMWRITE)
#include "rules.def"
	,
	FIRST_INSTR = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) < INSTR)
#define ROW(id, cls, ...) + ((cls) < INSTR)
#include "rules.def"
	,
	FIRST_CTLS = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) < CTLS)
#define ROW(id, cls, ...) + ((cls) < CTLS)
#include "rules.def"
	,
	FIRST_HOST = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) < HOST)
#define ROW(id, cls, ...) + ((cls) < HOST)
#include "rules.def"
	,
	FIRST_GUEST = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) < GUEST)
#define ROW(id, cls, ...) + ((cls) < GUEST)
#include "rules.def"
	,
	FIRST_MSRLOAD = 0
#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary) + ((cls) < MSRLOAD)
#define ROW(id, cls, ...) + ((cls) < MSRLOAD)
#include "rules.def"
};
/* clang-format on */

#define N_RULES (sizeof(rule_table) / sizeof(rule_table[0]))
_Static_assert(N_RULES <= CHECK_MAX_RULES && N_RULES <= VMCSL_MAX_RULES, "raise the rule capacity");
_Static_assert(N_RULES - FIRST_MSRLOAD <= VMCSL_MAX_MSRLOAD_RULES, "raise VMCSL_MAX_MSRLOAD_RULES");

/* What the header promises embedders (include/vmcslint.h). */
_Static_assert(sizeof(struct vmcsl_result) <= 512, "struct vmcsl_result outgrew 512 bytes");
_Static_assert(sizeof(struct vmcsl_caps) <= 1280, "struct vmcsl_caps outgrew 1280 bytes");

/*
 * Generated from checker/rules.def by checker/gen_rules.c: gates_scan() (every distinct
 * condition once: one known not to hold makes its rules not applicable whatever else they say,
 * one whose value is unknown sends its rules to the full evaluation), bits_pass(), rows_pass()
 * and caps_pass() (the rows whose quick test passes, settled in bulk).
 */
#include "rule_gates.h"

/* The first rule of each class, and the end of the table: the rules stand in class order. */
static const uint16_t class_first[CHECK_CLASS__COUNT + 1] = {
    0, FIRST_INSTR, FIRST_CTLS, FIRST_HOST, FIRST_GUEST, FIRST_MSRLOAD, N_RULES};

size_t check_rule_count(void)
{
	return N_RULES;
}

const struct check_rule *check_rule_at(size_t i)
{
	return i < N_RULES ? &rule_table[i] : NULL;
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
			return &rule_table[i];
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

bool check_outcome_same(const struct check_outcome *a, const struct check_outcome *b)
{
	return a->kind == b->kind && a->vm_instruction_error == b->vm_instruction_error &&
	       a->error_alt == b->error_alt && a->exit_reason == b->exit_reason &&
	       a->exit_qualification == b->exit_qualification &&
	       a->qualification_varies == b->qualification_varies &&
	       a->otherwise_kind == b->otherwise_kind &&
	       a->otherwise_exit_reason == b->otherwise_exit_reason &&
	       a->otherwise_qualification == b->otherwise_qualification;
}

/* ---- what rules report ---- */

static enum rule_result record(struct check_ctx *c, enum rule_result result, int field,
                               const char *fmt, va_list ap)
{
	c->field = field;
	if (c->out)
		check_vsnprintf(c->out->message, c->out->message_len, fmt, ap);
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

enum rule_result check_may_fail(struct check_ctx *c, int field, const char *fmt, ...)
{
	va_list ap;
	enum rule_result r;

	va_start(ap, fmt);
	r = record(c, RULE_MAYFAIL, field, fmt, ap);
	va_end(ap);
	return r;
}

void check_hint(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->out)
		return;
	va_start(ap, fmt);
	check_vsnprintf(c->out->hint, c->out->hint_len, fmt, ap);
	va_end(ap);
}

void check_clear_hint(struct check_ctx *c)
{
	if (c->out && c->out->hint_len)
		c->out->hint[0] = '\0';
}

enum rule_result check_pass_anyway(struct check_ctx *c)
{
	if (c->out && c->out->message_len)
		c->out->message[0] = '\0';
	check_clear_hint(c);
	return RULE_PASS;
}

enum rule_result check_unknown_field(struct check_ctx *c, int field)
{
	c->field = field;
	if (c->out)
		check_snprintf(c->out->message, c->out->message_len,
		               "cannot decide: the value of %s is unknown",
		               check_field_name(field));
	return RULE_UNDECIDED;
}

enum rule_result check_undecided(struct check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->out)
		return RULE_UNDECIDED;
	va_start(ap, fmt);
	check_vsnprintf(c->out->message, c->out->message_len, fmt, ap);
	va_end(ap);
	return RULE_UNDECIDED;
}

/* ---- capability questions the checks share ---- */

enum tri check_canonical_max(struct check_ctx *c, uint64_t v, unsigned *width)
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
enum tri check_perf_global_ctrl(struct check_ctx *c, uint64_t v, struct perf_global *pg)
{
	const uint64_t metrics = 1ull << 48;
	uint32_t eax, ecx, edx;

	pg->allowed = pg->bad = 0;
	pg->ngp = pg->version = 0;
	pg->why = "";
	if (!v)
		return TRI_YES;
	if (!check_cpuid_reg(c, CF_A_0_EAX, &eax)) {
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
		if (!check_cpuid_reg(c, CF_A_0_EDX, &edx)) {
			pg->why = "CPUID.0AH:EDX (the number of fixed counters) is unknown";
			return TRI_UNKNOWN;
		}
		pg->allowed |= ((1ull << (edx & 0x1f)) - 1) << 32;
	}
	if (pg->version >= 5) {
		if (!check_cpuid_reg(c, CF_A_0_ECX, &ecx)) {
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
	if (pg->bad == metrics && check_cpuid_bit(c, CF_1_0_ECX, 15) != TRI_NO) {
		pg->why = "bit 48 (PERF_METRICS_EN) exists only where IA32_PERF_CAPABILITIES[15] "
		          "is 1, which is unknown";
		return TRI_UNKNOWN;
	}
	return TRI_NO;
}

_Static_assert(VMX_MSR_CR0_FIXED1 == VMX_MSR_CR0_FIXED0 + 1 &&
                   VMX_MSR_CR4_FIXED0 == VMX_MSR_CR0_FIXED0 + 2 &&
                   VMX_MSR_CR4_FIXED1 == VMX_MSR_CR0_FIXED0 + 3,
               "vmcsl_caps.fixed[] follows the MSR order (check_fixed_bits())");

enum rule_result fixed_undecided(struct check_ctx *c, int field, uint64_t v, enum vmx_msr_id msr,
                                 const struct fixed_bits *fb)
{
	bool fixed0 = msr == VMX_MSR_CR0_FIXED0 || msr == VMX_MSR_CR4_FIXED0;

	c->field = field;
	return check_undecided(c,
	                       "cannot decide whether %s = 0x%llx may %s bit(s) 0x%llx: %s is "
	                       "%sunknown for this CPU",
	                       check_field_name(field), (unsigned long long)v,
	                       fixed0 ? "clear" : "set", (unsigned long long)fb->unknown,
	                       vmx_msr_name(msr), c->k->msr_known[msr] ? "partly " : "");
}

/* ---- the runner ---- */

static const uint64_t zero_value = 0;
static const uint8_t one_known = 1;

static void effective_controls(struct check_ctx *c)
{
	const uint64_t *v = c->v;
	uint64_t *w = c->ctl;

	w[VMX_CTL_PIN] = v[VMCS_PIN_BASED_VM_EXEC_CONTROL];
	w[VMX_CTL_PROC] = v[VMCS_CPU_BASED_VM_EXEC_CONTROL];
	w[VMX_CTL_EXIT] = v[VMCS_VM_EXIT_CONTROLS];
	w[VMX_CTL_ENTRY] = v[VMCS_VM_ENTRY_CONTROLS];
	/* "activate secondary controls" 0: the secondary controls act as 0 (same for tertiary). */
	w[VMX_CTL_PROC2] = (w[VMX_CTL_PROC] & BIT(31)) ? v[VMCS_SECONDARY_VM_EXEC_CONTROL] : 0;
	w[VMX_CTL_PROC3] = (w[VMX_CTL_PROC] & BIT(17)) ? v[VMCS_TERTIARY_VM_EXEC_CONTROL] : 0;
	w[VMX_CTL_EXIT2] = (w[VMX_CTL_EXIT] & BIT(31)) ? v[VMCS_SECONDARY_VM_EXIT_CONTROLS] : 0;
	/* SDM 27.2.1.1: without "enable VM functions" no check reads the VM-function controls. */
	w[VMX_CTL__COUNT] = (w[VMX_CTL_PROC2] & BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS))
	                        ? v[VMCS_VM_FUNCTION_CONTROL]
	                        : 0;
	/*
	 * A word is known when its activating control is known and leaves it off (it is 0), or
	 * when its own field is known too.  Parents come first in enum vmx_ctl.
	 */
	for (unsigned k = 0; k <= VMX_CTL__COUNT; k++) {
		const struct ctl_word *cw = &ctl_words[k];

		c->ctl_known[k] = c->known[cw->field] != 0;
		if (cw->parent != CTL_NO_PARENT && !(w[cw->parent] & cw->activate))
			c->ctl_known[k] = c->ctl_known[cw->parent];
		else if (cw->parent != CTL_NO_PARENT)
			c->ctl_known[k] = c->ctl_known[k] && c->ctl_known[cw->parent];
	}
	c->src_v[C_FIELD] = c->v;
	c->src_k[C_FIELD] = c->known;
	c->src_v[C_CTL] = c->ctl;
	c->src_k[C_CTL] = c->ctl_known;
}

static void ctx_init(struct check_ctx *c, const struct vmcsl_input *in)
{
	c->v = in->vmcs->value;
	c->known = in->vmcs->known;
	c->written = in->vmcs->written;
	c->env = in->env;
	c->k = in->caps;
	c->res = NULL;
	c->prev = NULL;
	c->out = NULL;
	c->reads = NULL;
	c->rd.msr = c->rd.cpuid = 0;
	/* C_NONE reads a known 0 (mask and value 0: holds); C_VMM_IA32E the instruction's mode. */
	c->ia32e = c->env->ia32e_mode;
	c->src_v[C_NONE] = &zero_value;
	c->src_k[C_NONE] = &one_known;
	c->src_v[C_VMM_IA32E] = &c->ia32e;
	c->src_k[C_VMM_IA32E] = &one_known;
	effective_controls(c);
}

/* Whether some written field's VMWRITE fails for sure (VM entry then sees the VMCS without it). */
static bool vmwrites_fail(const struct vmcsl_result *res)
{
	uint64_t any = 0;

	for (int e = 0; e < 2; e++)
		for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
			any |= res->vmwrite_fail[e][w];
	return any != 0;
}

/*
 * The VMCS VM entry sees after the VMWRITEs: a field whose VMWRITE failed is not there (a
 * fresh VMCS: 0, known).  Fills value and known from c's view and points c at them.
 */
static void view_after_vmwrites(struct check_ctx *c, const struct vmcsl_result *res,
                                uint64_t *value, uint8_t *known)
{
	for (size_t i = 0; i < VMCS_FIELD_CAPACITY; i++) {
		uint64_t bit = 1ull << (i % 64);
		bool gone =
		    ((res->vmwrite_fail[0][i / 64] | res->vmwrite_fail[1][i / 64]) & bit) != 0;

		value[i] = gone ? 0 : c->v[i];
		known[i] = gone ? 1 : c->known[i];
	}
	c->v = value;
	c->known = known;
	effective_controls(c);
}

static void set_bit(uint64_t *set, size_t i)
{
	set[i / 64] |= 1ull << (i % 64);
}

static bool has_bit(const uint64_t *set, size_t i)
{
	return (set[i / 64] >> (i % 64)) & 1u;
}

/* The check of rule i, its conditions holding. */
static enum rule_result check_of(struct check_ctx *c, size_t i)
{
	return rule_fn[i] ? rule_fn[i](c, rule_arg[i]) : row_check(c, &rule_row[i]);
}

/*
 * Function rules whose check reads none of the fields its conditions read (tests/fieldreads.c
 * verifies it on every input): the check alone may then be run with a condition unknown.  The
 * others rely on their conditions for what they read (GUEST-LINK-PHYS-WIDTH reads the link
 * pointer its condition made sure is known).
 */
static const check_fn reads_no_condition[] = {
    rule_guest_seg_base_v8086,   rule_guest_seg_cs_type,      rule_guest_seg_ss_rpl,
    rule_guest_seg_ss_dpl_rpl,   rule_guest_seg_ss_dpl_fred,  rule_guest_seg_cs_l_fred,
    rule_guest_seg_data_dpl_rpl, rule_guest_activity_hlt_dpl, rule_guest_activity_event,
    rule_guest_intr_vnmi,        rule_guest_ssp_width,
};

/* Whether field f is one of the control fields (a C_CTL condition may rest on any of them). */
static bool control_field(int f)
{
	for (unsigned k = 0; k <= VMX_CTL__COUNT; k++)
		if (ctl_field(k) == f)
			return true;
	return false;
}

/* Whether the check of data row w reads the value condition d reads. */
static bool row_reads_condition(const struct row *w, const struct cond *d)
{
	if (w->op == OP_ALLOWED && d->src == C_CTL)
		return true;
	for (int k = 0; k < ROW_FIELDS && w->field[k] != NOF; k++)
		if (d->src == C_FIELD ? w->field[k] == d->id : control_field(w->field[k]))
			return true;
	return false;
}

/* Whether the check of rule i may run while a condition of it is unknown (see below). */
static bool checkable_without_conditions(const struct check_ctx *c, size_t i)
{
	const struct row *w = &rule_row[i];

	if (rule_fn[i]) {
		for (size_t k = 0; k < sizeof(reads_no_condition) / sizeof(reads_no_condition[0]);
		     k++)
			if (reads_no_condition[k] == rule_fn[i])
				return true;
		return false;
	}
	for (int k = 0; k < ROW_CONDS && w->gate[k].src != C_NONE; k++)
		if (!cond_known(c, &w->gate[k]) && row_reads_condition(w, &w->gate[k]))
			return false;
	return true;
}

/*
 * Whether rule i, a condition of which is unknown, passes wherever its conditions hold: then
 * it cannot fail (where they do not, it does not apply).  A dump that shows SS.DPL = SS.RPL
 * passes "unless unrestricted guest, SS.DPL = SS.RPL" whatever the control it does not show.
 * Only for a check that does not read what its unknown condition reads (its value is then
 * unknown, and the check would take it for known).  Nothing is rendered; what the check read
 * counts only when it passes.
 */
static bool passes_where_it_applies(struct check_ctx *c, size_t i)
{
	struct check_text *out = c->out;
	int field = c->field;
	uint64_t qualification = c->qualification;
	struct vmx_caps_reads rd = c->rd;
	enum rule_result r;

	if (!checkable_without_conditions(c, i))
		return false;
	c->out = NULL;
	r = check_of(c, i);
	c->out = out;
	c->field = field;
	c->qualification = qualification;
	if (r == RULE_PASS) {
		(void)check_pass_anyway(c);
		return true;
	}
	c->rd = rd;
	return false;
}

/* The conditions of rule i (those of a function row too), then its check. */
static enum rule_result evaluate(struct check_ctx *c, size_t i)
{
	enum rule_result r = row_gates(c, &rule_row[i]);

	if (r == RULE_UNDECIDED && passes_where_it_applies(c, i))
		return RULE_PASS;
	if (r != RULE_PASS)
		return r;
	return check_of(c, i);
}

/* Records result r of rule i (not RULE_PASS, which leaves the sets as they are). */
static __attribute__((noinline)) void record_result(struct vmcsl_result *res, size_t i,
                                                    enum rule_result r, uint64_t qualification)
{
	switch (r) {
	case RULE_PASS:
		return;
	case RULE_NA:
		set_bit(res->na, i);
		return;
	case RULE_FAIL:
		set_bit(res->fail, i);
		break;
	case RULE_MAYFAIL:
		set_bit(res->mayfail, i);
		break;
	default:
		set_bit(res->undecided, i);
		break;
	}
	if (i >= FIRST_MSRLOAD)
		res->msr_entry[i - FIRST_MSRLOAD] = (uint32_t)qualification;
}

/* Evaluates rule i in full (conditions, then the check) and records its result. */
static __attribute__((noinline)) void run_one(struct check_ctx *c, struct vmcsl_result *res,
                                              size_t i)
{
	enum rule_result r;

	c->qualification = 0;
	r = evaluate(c, i);
	if (r != RULE_PASS)
		record_result(res, i, r, c->qualification);
}

/*
 * Records the rules [from, to) of na as not applicable, runs those of todo, whose conditions
 * hold, and of slow, which have a condition to decide, and records their results.
 */
static void run_range(struct check_ctx *c, struct vmcsl_result *res, size_t from, size_t to,
                      const uint64_t *na, const uint64_t *todo, const uint64_t *slow)
{
	for (size_t w = from / 64; w * 64 < to; w++) {
		uint64_t range = ~0ull;

		if (w == from / 64)
			range &= ~0ull << (from % 64);
		if ((w + 1) * 64 > to)
			range &= ~0ull >> (64 - to % 64);
		res->na[w] |= na[w] & range;
		for (uint64_t s = slow[w] & range; s; s &= s - 1)
			run_one(c, res, w * 64 + (size_t)__builtin_ctzll(s));
		for (uint64_t t = todo[w] & range; t; t &= t - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(t);
			const struct row *row = &rule_row[i];
			enum rule_result r;

			c->qualification = 0;
			if (rule_fn[i]) {
				r = rule_fn[i](c, rule_arg[i]);
			} else if (row->op == OP_DEP) {
				r = row_check(c, row);
			} else if ((row->flags & F_INTEL64) && check_intel64(c) == TRI_NO) {
				/* made only on Intel 64 processors (row_check()) */
				r = RULE_NA;
			} else if (row_passes(c, row)) {
				continue;
			} else {
				r = row_check(c, row);
			}
			if (r != RULE_PASS)
				record_result(res, i, r, c->qualification);
		}
	}
}

/*
 * Runs the rules of the classes [from, to) and records their results and class reads: the
 * conditions first, in bulk (gates_scan(): the rules with one known not to hold do not apply),
 * then the rows whose quick test holds (bits_pass(), rows_pass(), caps_pass(): they pass),
 * then the rest.
 */
static void run_rules(struct check_ctx *c, struct vmcsl_result *res, unsigned from, unsigned to)
{
	uint64_t na[VMCSL_RULE_WORDS] = {0}, slow[VMCSL_RULE_WORDS] = {0};
	uint64_t todo[VMCSL_RULE_WORDS];
	struct vmx_caps_reads pre[CHECK_CLASS__COUNT] = {{0, 0}};
	unsigned asked = 0;

	/* The VMWRITE rules are functions without conditions. */
	if (to > CHECK_CLASS_INSTR)
		gates_scan(c, na, slow);
	for (int w = 0; w < VMCSL_RULE_WORDS; w++) {
		slow[w] &= ~na[w];
		todo[w] = ~na[w] & ~slow[w];
	}
	/*
	 * The BITS rows whose compare holds pass (they read no capability), and so do the CANON,
	 * ALIGN and the other BITS rows whose quick test holds, those made only on Intel 64
	 * processors when this one is known to support it, and the rows whose quick test asks
	 * the capabilities (control settings, CR fixed bits, physical-address width).
	 */
	if (to > CHECK_CLASS_INSTR) {
		bits_pass(c, todo);
		rows_pass(c, todo, check_intel64(c) == TRI_YES, &asked);
		caps_pass(c, todo, pre);
	}
	for (unsigned cls = from; cls < to; cls++) {
		size_t lo = class_first[cls], hi = class_first[cls + 1];

		/* what the class's rows settled in bulk read (caps_pass()) */
		c->rd = pre[cls];
		/* what a row made only on Intel 64 processors asked (row_check()) */
		if ((asked >> cls) & 1u)
			(void)check_intel64(c);
		run_range(c, res, lo, hi, na, todo, slow);
		res->class_reads[cls] = c->rd;
	}
}

/* The rules after the VMWRITEs, on the VMCS the failing VMWRITEs leave. */
static __attribute__((noinline)) void run_after_failed_vmwrites(struct check_ctx *c,
                                                                struct vmcsl_result *res)
{
	uint64_t value[VMCS_FIELD_CAPACITY];
	uint8_t known[VMCS_FIELD_CAPACITY];

	view_after_vmwrites(c, res, value, known);
	run_rules(c, res, CHECK_CLASS_INSTR, CHECK_CLASS__COUNT);
}

void vmcsl_check(const struct vmcsl_input *in, struct vmcsl_result *res)
{
	struct check_ctx c;

	ctx_init(&c, in);
	for (int w = 0; w < VMCSL_RULE_WORDS; w++)
		res->fail[w] = res->undecided[w] = res->mayfail[w] = res->na[w] = 0;
	for (int e = 0; e < 2; e++)
		for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
			res->vmwrite_fail[e][w] = res->vmwrite_undecided[e][w] = 0;
	for (int m = 0; m < VMCSL_MAX_MSRLOAD_RULES; m++)
		res->msr_entry[m] = 0;
	c.res = res;
	c.prev = res;
	run_rules(&c, res, CHECK_CLASS_VMWRITE, CHECK_CLASS_INSTR);
	c.res = NULL;
	if (vmwrites_fail(res))
		run_after_failed_vmwrites(&c, res);
	else
		run_rules(&c, res, CHECK_CLASS_INSTR, CHECK_CLASS__COUNT);
	vmcsl_predict(res, 0, &res->prediction);
}

enum rule_result vmcsl_rule_result(const struct vmcsl_result *res, size_t rule)
{
	if (rule >= N_RULES)
		return RULE_NA;
	if (has_bit(res->fail, rule))
		return RULE_FAIL;
	if (has_bit(res->undecided, rule))
		return RULE_UNDECIDED;
	if (has_bit(res->mayfail, rule))
		return RULE_MAYFAIL;
	return has_bit(res->na, rule) ? RULE_NA : RULE_PASS;
}

void vmcsl_result_set(struct vmcsl_result *res, size_t rule, enum rule_result r, uint32_t msr_entry)
{
	uint64_t bit = 1ull << (rule % 64);
	size_t w = rule / 64;

	if (rule >= N_RULES)
		return;
	res->fail[w] &= ~bit;
	res->undecided[w] &= ~bit;
	res->mayfail[w] &= ~bit;
	res->na[w] &= ~bit;
	if (r == RULE_FAIL)
		res->fail[w] |= bit;
	else if (r == RULE_UNDECIDED)
		res->undecided[w] |= bit;
	else if (r == RULE_MAYFAIL)
		res->mayfail[w] |= bit;
	else if (r == RULE_NA)
		res->na[w] |= bit;
	if (rule >= FIRST_MSRLOAD)
		res->msr_entry[rule - FIRST_MSRLOAD] = msr_entry;
}

uint32_t vmcsl_rule_msr_entry(const struct vmcsl_result *res, size_t rule)
{
	return rule >= FIRST_MSRLOAD && rule < N_RULES ? res->msr_entry[rule - FIRST_MSRLOAD] : 0;
}

/* Renders one rule; the rules after the VMWRITEs see the VMCS the failing VMWRITEs leave. */
static __attribute__((noinline)) enum rule_result
render_after_failed_vmwrites(struct check_ctx *c, const struct vmcsl_result *res, size_t rule)
{
	uint64_t value[VMCS_FIELD_CAPACITY];
	uint8_t known[VMCS_FIELD_CAPACITY];

	view_after_vmwrites(c, res, value, known);
	return evaluate(c, rule);
}

enum rule_result vmcsl_render(const struct vmcsl_input *in, const struct vmcsl_result *res,
                              size_t rule, char *message, size_t message_len, char *hint,
                              size_t hint_len, int *field)
{
	struct check_ctx c;
	struct check_text out = {message, hint, message_len, hint_len};
	enum rule_result r;

	if (message_len)
		message[0] = '\0';
	if (hint_len)
		hint[0] = '\0';
	*field = -1;
	if (rule >= N_RULES)
		return RULE_NA;
	ctx_init(&c, in);
	c.prev = res;
	c.out = &out;
	c.field = -1;
	c.qualification = 0;
	if (rule >= N_VMWRITE_RULES && vmwrites_fail(res))
		r = render_after_failed_vmwrites(&c, res, rule);
	else
		r = evaluate(&c, rule);
	*field = c.field;
	return r;
}

#ifdef CHECK_TRACE_READS
void check_trace_read(const struct check_ctx *c, int field)
{
	if (c->reads && field >= 0 && field < VMCS_FIELD_CAPACITY)
		c->reads[field / 64] |= 1ull << (field % 64);
}

void check_trace_ctl(const struct check_ctx *c, unsigned ctl)
{
	/* What the effective value rests on: the activating controls, then the word itself. */
	switch (ctl) {
	case VMX_CTL_PROC2:
	case VMX_CTL_PROC3:
		check_trace_read(c, VMCS_CPU_BASED_VM_EXEC_CONTROL);
		if (c->ctl[VMX_CTL_PROC] & (ctl == VMX_CTL_PROC2 ? BIT(31) : BIT(17)))
			check_trace_read(c, ctl_field(ctl));
		return;
	case VMX_CTL_EXIT2:
		check_trace_read(c, VMCS_VM_EXIT_CONTROLS);
		if (c->ctl[VMX_CTL_EXIT] & BIT(31))
			check_trace_read(c, VMCS_SECONDARY_VM_EXIT_CONTROLS);
		return;
	case VMX_CTL__COUNT:
		check_trace_ctl(c, VMX_CTL_PROC2);
		if (c->ctl[VMX_CTL_PROC2] & BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS))
			check_trace_read(c, VMCS_VM_FUNCTION_CONTROL);
		return;
	default:
		check_trace_read(c, ctl_field(ctl));
		return;
	}
}

bool vmcsl_rule_body_reads(const struct vmcsl_input *in, size_t rule,
                           uint64_t body[VMCSL_FIELD_WORDS], uint64_t conds[VMCSL_FIELD_WORDS],
                           bool *checkable)
{
	struct check_ctx c;

	for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
		body[w] = conds[w] = 0;
	ctx_init(&c, in);
	c.field = -1;
	c.qualification = 0;
	c.reads = conds;
	*checkable = rule < N_RULES && rule_fn[rule] && checkable_without_conditions(&c, rule);
	if (rule < FIRST_INSTR || rule >= N_RULES || !rule_fn[rule] ||
	    row_gates(&c, &rule_row[rule]) != RULE_PASS)
		return false;
	c.reads = body;
	(void)check_of(&c, rule);
	return true;
}

void vmcsl_rule_reads(const struct vmcsl_input *in, const struct vmcsl_result *res, size_t rule,
                      uint64_t reads[VMCSL_FIELD_WORDS])
{
	char message[CHECK_MSG_MAX], hint[CHECK_MSG_MAX];
	struct check_ctx c;
	struct check_text out = {message, hint, sizeof(message), sizeof(hint)};

	ctx_init(&c, in);
	c.prev = res;
	c.out = &out;
	c.field = -1;
	c.qualification = 0;
	for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
		reads[w] = 0;
	c.reads = reads;
	if (rule >= N_VMWRITE_RULES && vmwrites_fail(res))
		render_after_failed_vmwrites(&c, res, rule);
	else if (rule < N_RULES)
		evaluate(&c, rule);
}
#endif

/* ---- the prediction ---- */

/*
 * Tiers of classes: a failure in an earlier tier is what the processor reports.  The VMWRITEs
 * have none: a failing VMWRITE fails by itself and leaves its field out of the VMCS, which the
 * VM entry is then judged on.  Each tier is a range of the table.
 */
enum tier { TIER_INSTR, TIER_CTLS, TIER_GUEST, TIER_MSRLOAD, TIER__COUNT };
static const uint16_t tier_first[TIER__COUNT + 1] = {FIRST_INSTR, FIRST_CTLS, FIRST_GUEST,
                                                     FIRST_MSRLOAD, N_RULES};

/* A finding as the prediction sees it: its rule, result and outcome. */
struct seen {
	int rule; /* -1: none */
	enum rule_result result;
	struct check_outcome outcome;
};

/* The findings of res, those of the classes in skip left out. */
struct findings {
	const struct vmcsl_result *res;
	unsigned skip;
};

/*
 * The first finding at or after rule i and before end, in *s; false when there is none.  Walks
 * only the set bits.
 */
static bool next_finding(const struct findings *fs, size_t i, size_t end, struct seen *s)
{
	const struct vmcsl_result *res = fs->res;

	while (i < end) {
		size_t w = i / 64;
		uint64_t any = (res->fail[w] | res->undecided[w] | res->mayfail[w]) >> (i % 64);

		if (!any) {
			i = (w + 1) * 64;
			continue;
		}
		i += (size_t)__builtin_ctzll(any);
		if (i >= end)
			break;
		if ((fs->skip >> rule_table[i].cls) & 1u) {
			i++;
			continue;
		}
		s->rule = (int)i;
		s->result = vmcsl_rule_result(res, i);
		s->outcome = check_rule_outcome(&rule_table[i]);
		if (i >= FIRST_MSRLOAD)
			s->outcome.exit_qualification = res->msr_entry[i - FIRST_MSRLOAD];
		return true;
	}
	return false;
}

/* What one tier's findings say: its first failure, first undecided and first may-fail. */
struct tier_view {
	struct seen first, first_und, first_may;
	uint8_t alt;
	bool varies;
};

static struct tier_view view_tier(const struct findings *fs, enum tier t)
{
	struct tier_view v;
	struct seen f;
	size_t end = tier_first[t + 1];

	v.first.rule = v.first_und.rule = v.first_may.rule = -1;
	v.alt = 0;
	v.varies = false;
	for (size_t i = tier_first[t]; next_finding(fs, i, end, &f); i = (size_t)f.rule + 1) {
		if (f.result == RULE_UNDECIDED) {
			if (v.first_und.rule < 0)
				v.first_und = f;
		} else if (f.result == RULE_MAYFAIL) {
			if (v.first_may.rule < 0)
				v.first_may = f;
		} else if (v.first.rule < 0) {
			v.first = f;
		} else if (t == TIER_MSRLOAD) {
			/* Entries load in order: the lowest failing index is reported. */
			if (f.outcome.exit_qualification < v.first.outcome.exit_qualification)
				v.first = f;
		} else if (t == TIER_CTLS &&
		           f.outcome.vm_instruction_error != v.first.outcome.vm_instruction_error) {
			/*
			 * Controls and host state may be checked in either order (SDM 27.2 leaves
			 * it open).  The instruction's own checks have a fixed order (SDM 27.1):
			 * the first in table order decides.
			 */
			v.alt = f.outcome.vm_instruction_error;
		} else if (f.outcome.kind == OUTCOME_ENTRY_FAILURE &&
		           f.outcome.exit_qualification != v.first.outcome.exit_qualification) {
			/* Guest-state checks may be performed in any order (SDM "VM-Entry Failures
			 * During or After Loading Guest State"). */
			v.varies = true;
		}
	}
	/*
	 * A check that may fail too (implementation-specific, or undecided) in the same tier may be
	 * the one the processor reports: its error or qualification is possible as well.
	 */
	if (v.first.rule < 0 || t == TIER_MSRLOAD)
		return v;
	for (size_t i = tier_first[t]; next_finding(fs, i, end, &f); i = (size_t)f.rule + 1) {
		if (f.result != RULE_UNDECIDED && f.result != RULE_MAYFAIL)
			continue;
		if (t == TIER_CTLS &&
		    f.outcome.vm_instruction_error != v.first.outcome.vm_instruction_error)
			v.alt = f.outcome.vm_instruction_error;
		if (t == TIER_GUEST &&
		    f.outcome.exit_qualification != v.first.outcome.exit_qualification)
			v.varies = true;
	}
	return v;
}

/*
 * Entries load in order: an entry the checker cannot judge that comes before the first
 * failing one may fail first (one at the same index fails anyway).  Returns that entry's
 * finding in *und.
 */
static bool msrload_undecided_before(const struct findings *fs, const struct seen *first,
                                     struct seen *und)
{
	struct seen f;

	for (size_t i = FIRST_MSRLOAD; next_finding(fs, i, N_RULES, &f); i = (size_t)f.rule + 1) {
		if (f.result == RULE_UNDECIDED &&
		    f.outcome.exit_qualification < first->outcome.exit_qualification) {
			*und = f;
			return true;
		}
	}
	return false;
}

void vmcsl_predict(const struct vmcsl_result *res, unsigned assume_passed,
                   struct vmcsl_prediction *out)
{
	const struct check_outcome none = {OUTCOME_SUCCESS, 0, 0, 0, 0, false, 0, 0, 0};
	const struct findings fs = {res, assume_passed};
	struct seen undecided, may;

	uint64_t any = 0;

	undecided.rule = may.rule = -1;
	out->outcome = none;
	out->rule = -1;
	/* No finding at all (the common case): the entry succeeds. */
	for (int w = 0; w < VMCSL_RULE_WORDS; w++)
		any |= res->fail[w] | res->undecided[w] | res->mayfail[w];
	if (!any)
		return;
	for (int t = TIER_INSTR; t < TIER__COUNT; t++) {
		struct tier_view v = view_tier(&fs, (enum tier)t);

		if (v.first.rule >= 0 && undecided.rule < 0 && t == TIER_MSRLOAD)
			msrload_undecided_before(&fs, &v.first, &undecided);
		if (v.first.rule >= 0) {
			if (undecided.rule >= 0) {
				out->outcome.kind = OUTCOME_UNDECIDED;
				out->rule = (int16_t)undecided.rule;
				return;
			}
			if (may.rule >= 0) {
				/* Processors that enforce the earlier check fail there instead. */
				out->outcome = may.outcome;
				out->outcome.kind = OUTCOME_PROCESSOR_DEPENDENT;
				out->outcome.otherwise_kind = v.first.outcome.kind;
				out->outcome.otherwise_exit_reason = v.first.outcome.exit_reason;
				out->outcome.otherwise_qualification =
				    v.first.outcome.exit_qualification;
				out->rule = (int16_t)may.rule;
				return;
			}
			out->outcome = v.first.outcome;
			out->outcome.error_alt = v.alt;
			out->outcome.qualification_varies = v.varies;
			out->rule = (int16_t)v.first.rule;
			return;
		}
		if (v.first_und.rule >= 0 && undecided.rule < 0)
			undecided = v.first_und;
		if (v.first_may.rule >= 0 && may.rule < 0)
			may = v.first_may;
	}
	if (undecided.rule >= 0) {
		out->outcome.kind = OUTCOME_UNDECIDED;
		out->rule = (int16_t)undecided.rule;
	} else if (may.rule >= 0) {
		out->outcome = may.outcome;
		out->outcome.kind = OUTCOME_PROCESSOR_DEPENDENT;
		out->outcome.otherwise_kind = OUTCOME_SUCCESS;
		out->rule = (int16_t)may.rule;
	}
}
