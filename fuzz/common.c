/*
 * common.c -- what the fuzz targets share: the checker invariants (fuzz/README.md) and the
 * built-in default capabilities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "fuzz.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

/* The input being run, named when an invariant or a sanitizer stops the run. */
static const char *input_name;

static void print_input(void)
{
	if (input_name)
		fprintf(stderr, "fuzz: the input was %s\n", input_name);
}

void fuzz_set_input(const char *name)
{
#ifdef __SANITIZE_ADDRESS__
	static int registered;

	if (!registered) {
		__sanitizer_set_death_callback(print_input);
		registered = 1;
	}
#endif
	input_name = name;
}

/* The report being checked, printed when an invariant breaks. */
static const struct check_report *checking;

static void print_report(const struct check_report *r)
{
	fprintf(stderr,
	        "fuzz: prediction %s (error %u, exit reason %u, qualification %llu), "
	        "deciding rule %d; %zu failed, %zu undecided, %zu findings%s\n",
	        check_outcome_name(r->prediction.kind), r->prediction.vm_instruction_error,
	        r->prediction.exit_reason, (unsigned long long)r->prediction.exit_qualification,
	        r->deciding_rule, r->n_failed, r->n_undecided, r->n_findings,
	        r->truncated ? " (truncated)" : "");
	for (size_t i = 0; i < r->n_findings && i < CHECK_MAX_FINDINGS; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);

		fprintf(stderr, "fuzz:   %-9s %s (class %u, qualification %llu): %.*s\n",
		        f->result == RULE_FAIL      ? "fail"
		        : f->result == RULE_MAYFAIL ? "mayfail"
		                                    : "undecided",
		        rule ? rule->id : "?", rule ? rule->cls : 0,
		        (unsigned long long)f->outcome.exit_qualification, (int)sizeof(f->message),
		        f->message);
	}
}

_Noreturn void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: invariant violated: %s%s%s\n", what, detail ? ": " : "",
	        detail ? detail : "");
	if (checking)
		print_report(checking);
	print_input();
	abort();
}

int fuzz_terminated(const char *buf, size_t cap)
{
	return memchr(buf, '\0', cap) != NULL;
}

void fuzz_check_diags(const struct load_diags *d)
{
	if (d->n > LOAD_MAX_DIAGS || d->n + d->dropped < d->n_errors)
		fuzz_fail("the loader's diagnostic counts are out of range", NULL);
	for (size_t i = 0; i < d->n; i++) {
		if (d->d[i].level != DIAG_ERROR && d->d[i].level != DIAG_WARNING)
			fuzz_fail("a diagnostic level is not a diag_level", NULL);
		if (!fuzz_terminated(d->d[i].msg, sizeof(d->d[i].msg)))
			fuzz_fail("a loader message is not NUL-terminated", NULL);
	}
}

/* The entry compiled into the binary (build/gen/builtin_caps.c). */
extern const char builtin_caps_yaml[];
extern const size_t builtin_caps_yaml_len;

const struct vmx_caps *fuzz_default_caps(void)
{
	static struct vmx_caps caps;
	static int loaded;
	struct load_diags diags;

	if (!loaded) {
		memset(&diags, 0, sizeof(diags));
		if (!caps_load_text(CAPSDB_DEFAULT_NAME, builtin_caps_yaml, builtin_caps_yaml_len,
		                    &caps, NULL, &diags))
			fuzz_fail("the built-in capabilities do not load", NULL);
		loaded = 1;
	}
	return &caps;
}

/*
 * The processor's order of check classes: a failure in an earlier tier is what it reports.
 * A failing VMWRITE fails by itself (TIER_NONE): the VM entry is judged without its field.
 */
#define N_TIERS      5
#define TIER_MSRLOAD 4
#define TIER_NONE    N_TIERS
static unsigned tier_of_rule(size_t rule)
{
	static const unsigned tier[CHECK_CLASS__COUNT] = {
	    [CHECK_CLASS_VMWRITE] = TIER_NONE,
	    [CHECK_CLASS_INSTR] = 1,
	    [CHECK_CLASS_CTLS] = 2,
	    [CHECK_CLASS_HOST] = 2,
	    [CHECK_CLASS_GUEST] = 3,
	    [CHECK_CLASS_MSRLOAD] = 4,
	};
	const struct check_rule *r = check_rule_at(rule);

	if (!r || r->cls >= CHECK_CLASS__COUNT)
		fuzz_fail("a rule has no class", r ? r->id : NULL);
	return tier[r->cls];
}

static void check_outcome_valid(const struct check_outcome *o, const char *what)
{
	if (o->kind >= OUTCOME__COUNT)
		fuzz_fail("an outcome kind is not one of the defined outcomes", what);
	if (o->kind == OUTCOME_PROCESSOR_DEPENDENT &&
	    (o->exit_reason != 33 ||
	     (o->otherwise_kind != OUTCOME_SUCCESS && o->otherwise_kind != OUTCOME_ENTRY_FAILURE)))
		fuzz_fail("a processor-dependent outcome is not exit 33 or success/failure", what);
}

static const struct check_finding *finding_of(const struct check_report *r, size_t rule)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].rule == rule)
			return &r->findings[i];
	return NULL;
}

/* The invariants of one report (fuzz/README.md "Invariants"). */
static void check_invariants(const struct check_report *r)
{
	size_t n_rules = check_rule_count(), count[5] = {0, 0, 0, 0, 0};
	/* Earliest tier with a failing / undecided / implementation-specific rule. */
	unsigned tf = N_TIERS, tu = N_TIERS, tm = N_TIERS;
	size_t entry_findings = 0;
	const struct check_outcome *p = &r->prediction;
	char why[160];

	if (n_rules > CHECK_MAX_RULES)
		fuzz_fail("more rules than CHECK_MAX_RULES", NULL);
	check_outcome_valid(p, "prediction");

	/* Per-rule results, counts and findings agree. */
	for (size_t i = 0; i < n_rules; i++) {
		unsigned t = tier_of_rule(i);

		if (check_report_result(r, i) > RULE_MAYFAIL)
			fuzz_fail("a rule result is not a rule_result", check_rule_at(i)->id);
		count[check_report_result(r, i)]++;
		if (check_report_result(r, i) == RULE_MAYFAIL &&
		    check_rule_at(i)->cls != CHECK_CLASS_GUEST)
			fuzz_fail(
			    "an implementation-specific result outside the guest-state checks",
			    check_rule_at(i)->id);
		if (t == TIER_NONE)
			continue;
		entry_findings += check_report_result(r, i) == RULE_FAIL ||
		                  check_report_result(r, i) == RULE_UNDECIDED ||
		                  check_report_result(r, i) == RULE_MAYFAIL;
		if (check_report_result(r, i) == RULE_FAIL && t < tf)
			tf = t;
		if (check_report_result(r, i) == RULE_UNDECIDED && t < tu)
			tu = t;
		if (check_report_result(r, i) == RULE_MAYFAIL && t < tm)
			tm = t;
	}
	if (count[RULE_PASS] != r->n_passed || count[RULE_FAIL] != r->n_failed ||
	    count[RULE_NA] != r->n_not_applicable || count[RULE_UNDECIDED] != r->n_undecided ||
	    count[RULE_MAYFAIL] != r->n_mayfail)
		fuzz_fail("the counts disagree with the per-rule results", NULL);
	{
		size_t all = r->n_failed + r->n_undecided + r->n_mayfail;

		if (r->n_findings > CHECK_MAX_FINDINGS ||
		    r->n_findings != (all < CHECK_MAX_FINDINGS ? all : CHECK_MAX_FINDINGS) ||
		    r->truncated != (all > CHECK_MAX_FINDINGS))
			fuzz_fail("n_findings or truncated disagree with the counts", NULL);
	}
	/* The VMWRITE list: written fields, in table order, that fail or may fail. */
	if (r->n_vmwrite > vmcs_field_count())
		fuzz_fail("more failing VMWRITEs than fields", NULL);
	for (size_t i = 0; i < r->n_vmwrite; i++) {
		const struct check_vmwrite *w = &r->vmwrite[i];

		const struct check_vmwrite *prev = i > 0 ? &r->vmwrite[i - 1] : NULL;

		if (w->field < 0 || (size_t)w->field >= vmcs_field_count() ||
		    (prev && (w->rule < prev->rule ||
		              (w->rule == prev->rule && w->field <= prev->field))) ||
		    (w->result != RULE_FAIL && w->result != RULE_UNDECIDED) ||
		    (w->error != 12 && w->error != 13) || w->rule >= check_rule_count() ||
		    check_rule_at(w->rule)->cls != CHECK_CLASS_VMWRITE ||
		    check_report_result(r, w->rule) == RULE_PASS ||
		    check_report_result(r, w->rule) == RULE_NA)
			fuzz_fail("a VMWRITE entry is out of order, not fail/undecided, or not its "
			          "rule's",
			          NULL);
	}
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);

		if (!rule)
			fuzz_fail("a finding names no rule", NULL);
		if (i > 0 && f->rule <= r->findings[i - 1].rule)
			fuzz_fail("findings are not in table order", rule->id);
		if ((f->result != RULE_FAIL && f->result != RULE_UNDECIDED &&
		     f->result != RULE_MAYFAIL) ||
		    f->result != check_report_result(r, f->rule))
			fuzz_fail("a finding's result disagrees with the rule's", rule->id);
		if (!fuzz_terminated(f->message, sizeof(f->message)) ||
		    !fuzz_terminated(f->hint, sizeof(f->hint)))
			fuzz_fail("a message is not NUL-terminated in its buffer", rule->id);
		if (f->field < -1 || (f->field >= 0 && (size_t)f->field >= vmcs_field_count()))
			fuzz_fail("a finding names no field", rule->id);
		check_outcome_valid(&f->outcome, rule->id);
		if (f->outcome.kind != check_rule_outcome(rule).kind)
			fuzz_fail("a finding's outcome is not its rule's", rule->id);
		if (rule->cls == CHECK_CLASS_MSRLOAD
		        ? f->msr_index != (int32_t)f->outcome.exit_qualification - 1
		        : f->msr_index != -1)
			fuzz_fail("a finding's MSR-load entry disagrees with its qualification",
			          rule->id);
	}

	/* The prediction (on the VMCS the VMWRITEs leave: the VMWRITE rule has no tier). */
	if ((p->kind == OUTCOME_SUCCESS) != (entry_findings == 0))
		fuzz_fail("the prediction is success but a rule failed, was undecided or is "
		          "implementation-specific (or the other way round)",
		          check_outcome_name(p->kind));
	if (p->kind == OUTCOME_SUCCESS) {
		if (r->deciding_rule != -1)
			fuzz_fail("a successful entry has a deciding rule", NULL);
		return;
	}
	if (r->deciding_rule < 0 || (size_t)r->deciding_rule >= n_rules) {
		snprintf(
		    why, sizeof(why), "prediction %s, deciding rule %d, %zu failed, %zu undecided",
		    check_outcome_name(p->kind), r->deciding_rule, r->n_failed, r->n_undecided);
		fuzz_fail("a failed or undecided prediction names no deciding rule", why);
	}
	const size_t dr = (size_t)r->deciding_rule;
	const struct check_rule *drule = check_rule_at(dr);
	const struct check_finding *df = finding_of(r, dr);

	snprintf(why, sizeof(why),
	         "prediction %s, deciding %s (tier %u), earliest failing tier %u, "
	         "earliest undecided tier %u",
	         check_outcome_name(p->kind), drule->id, tier_of_rule(dr), tf, tu);
	if (!df)
		fuzz_fail("the deciding rule has no finding", why);
	if (p->kind == OUTCOME_PROCESSOR_DEPENDENT) {
		/* An implementation-specific check before any failure and nothing undecided. */
		if (check_report_result(r, dr) != RULE_MAYFAIL || tier_of_rule(dr) != tm ||
		    tm >= tf || tu < N_TIERS)
			fuzz_fail("a processor-dependent prediction is not decided by the earliest "
			          "implementation-specific check before any failure",
			          why);
		if ((tf < N_TIERS) != (p->otherwise_kind == OUTCOME_ENTRY_FAILURE))
			fuzz_fail("a processor-dependent prediction's other outcome is not the "
			          "later failure (or success)",
			          why);
		return;
	}
	if (tm < tf && tu == N_TIERS && tf < N_TIERS)
		fuzz_fail("an implementation-specific check comes before the failure, but the "
		          "prediction is not processor-dependent",
		          why);
	if (p->kind == OUTCOME_UNDECIDED) {
		if (check_report_result(r, dr) != RULE_UNDECIDED || tier_of_rule(dr) != tu)
			fuzz_fail(
			    "the deciding rule of an undecided prediction is not an undecided "
			    "rule of the earliest tier that has one",
			    why);
		/* An undecided check before the first failing one: only then. */
		if (tu > tf || (tu == tf && tu != TIER_MSRLOAD))
			fuzz_fail("undecided prediction although a failure comes first", why);
		return;
	}
	if (check_report_result(r, dr) != RULE_FAIL || tier_of_rule(dr) != tf)
		fuzz_fail(
		    "the deciding rule is not a failing rule of the earliest tier that has one",
		    why);
	if (tu < tf)
		fuzz_fail("a failure is predicted although an earlier tier is undecided", why);
	if (p->kind != df->outcome.kind)
		fuzz_fail("the prediction is not the deciding rule's outcome", why);
	if (p->kind == OUTCOME_VMFAIL_VALID &&
	    p->vm_instruction_error != df->outcome.vm_instruction_error)
		fuzz_fail("the VM-instruction error is not the deciding rule's", why);
	if (p->kind == OUTCOME_ENTRY_FAILURE &&
	    (p->exit_reason != df->outcome.exit_reason ||
	     p->exit_qualification != df->outcome.exit_qualification))
		fuzz_fail("the exit reason or qualification is not the deciding rule's", why);
	if (drule->cls == CHECK_CLASS_MSRLOAD) {
		/* Entries load in order: the lowest failing entry decides. */
		for (size_t i = 0; i < r->n_findings; i++) {
			const struct check_finding *f = &r->findings[i];

			if (f->result == RULE_FAIL &&
			    check_rule_at(f->rule)->cls == CHECK_CLASS_MSRLOAD &&
			    f->outcome.exit_qualification < df->outcome.exit_qualification)
				fuzz_fail("a later MSR-load entry decides", why);
		}
	} else {
		/* The first failing rule of its tier in table order (the processor's order). */
		for (size_t i = 0; i < dr; i++)
			if (check_report_result(r, i) == RULE_FAIL && tier_of_rule(i) == tf)
				fuzz_fail(
				    "an earlier failing rule of the same tier does not decide",
				    why);
	}
}

static void outcome_same(const struct check_outcome *a, const struct check_outcome *b,
                         const char *what)
{
	if (a->kind != b->kind || a->vm_instruction_error != b->vm_instruction_error ||
	    a->error_alt != b->error_alt || a->exit_reason != b->exit_reason ||
	    a->exit_qualification != b->exit_qualification ||
	    a->qualification_varies != b->qualification_varies ||
	    a->otherwise_kind != b->otherwise_kind ||
	    a->otherwise_exit_reason != b->otherwise_exit_reason ||
	    a->otherwise_qualification != b->otherwise_qualification)
		fuzz_fail("two runs on the same input disagree", what);
}

/* The same input gives the same report, whatever the report buffer held before. */
static void check_same(const struct check_report *a, const struct check_report *b)
{
	outcome_same(&a->prediction, &b->prediction, "prediction");
	if (a->deciding_rule != b->deciding_rule || a->n_findings != b->n_findings ||
	    a->n_failed != b->n_failed || a->n_undecided != b->n_undecided ||
	    a->n_passed != b->n_passed || a->n_not_applicable != b->n_not_applicable ||
	    a->truncated != b->truncated || a->n_mayfail != b->n_mayfail ||
	    a->n_vmwrite != b->n_vmwrite)
		fuzz_fail("two runs on the same input disagree", "counts");
	for (size_t i = 0; i < check_rule_count(); i++)
		if (check_report_result(a, i) != check_report_result(b, i))
			fuzz_fail("two runs on the same input disagree", "results");
	for (size_t i = 0; i < a->n_vmwrite; i++) {
		if (a->vmwrite[i].field != b->vmwrite[i].field ||
		    a->vmwrite[i].result != b->vmwrite[i].result ||
		    a->vmwrite[i].error != b->vmwrite[i].error ||
		    a->vmwrite[i].rule != b->vmwrite[i].rule)
			fuzz_fail("two runs on the same input disagree", "failing VMWRITEs");
	}
	for (size_t i = 0; i < a->n_findings; i++) {
		const struct check_finding *x = &a->findings[i], *y = &b->findings[i];
		const char *id = check_rule_at(x->rule) ? check_rule_at(x->rule)->id : "?";

		if (x->rule != y->rule || x->result != y->result || x->field != y->field ||
		    x->msr_index != y->msr_index || strcmp(x->message, y->message) != 0 ||
		    strcmp(x->hint, y->hint) != 0)
			fuzz_fail("two runs on the same input disagree", id);
		outcome_same(&x->outcome, &y->outcome, id);
	}
}

const struct check_report *fuzz_check(const struct check_input *in)
{
	static struct check_report *rep[2];

	if (!rep[0]) {
		rep[0] = malloc(sizeof(*rep[0]));
		rep[1] = malloc(sizeof(*rep[1]));
		if (!rep[0] || !rep[1])
			abort();
	}
	/* Different garbage before each run: a report must not depend on what was there. */
	memset(rep[0], 0, sizeof(*rep[0]));
	memset(rep[1], 0xa5, sizeof(*rep[1]));
	check_run(in, rep[0]);
	check_run(in, rep[1]);
	checking = rep[0];
	check_invariants(rep[0]);
	check_same(rep[0], rep[1]);
	checking = NULL;
	return rep[0];
}
