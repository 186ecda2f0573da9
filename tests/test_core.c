/*
 * test_core.c -- the freestanding core's own API: capabilities compiled once, the fast pass
 * with no strings, rendering one rule on demand, the prediction with classes assumed passed.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "expect.h"
#include "vmcs_ids.h"

/* A configuration and its capabilities, loaded the way the CLI loads them. */
struct loaded {
	struct vmcs_config cfg;
	struct vmx_caps caps;
	struct vmcsl_caps compiled;
	struct vmcsl_input in;
};

static void load(const char *path, struct loaded *l)
{
	struct load_diags diags;
	char err[256];

	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(config_load(path, &l->cfg, &diags, capsdb_resolver, NULL), "%s", path);
	if (l->cfg.has_caps)
		l->caps = l->cfg.caps;
	else
		cr_assert(capsdb_load(CAPSDB_DEFAULT_NAME, &l->caps, NULL, err, sizeof(err), NULL));
	vmcsl_caps_compile(&l->caps, &l->compiled);
	l->in.vmcs = &l->cfg.vmcs;
	l->in.env = &l->cfg.env;
	l->in.caps = &l->compiled;
}

/* The index of the first rule with that id, or else of that class (id NULL). */
static size_t rule_index(const char *id, unsigned cls)
{
	size_t i = 0;

	while (i < check_rule_count() &&
	       (id ? strcmp(check_rule_at(i)->id, id) != 0 : check_rule_at(i)->cls != cls))
		i++;
	cr_assert_lt(i, check_rule_count());
	return i;
}

Test(core, result_fits_a_kernel_stack)
{
	/* The header promises these sizes to embedders. */
	cr_expect_leq(sizeof(struct vmcsl_result), 512);
	cr_expect_leq(sizeof(struct vmcsl_caps), 1280);
	cr_expect_leq(check_rule_count(), VMCSL_MAX_RULES);
}

Test(core, rules_stand_in_class_order)
{
	for (size_t i = 1; i < check_rule_count(); i++)
		cr_expect_leq(check_rule_at(i - 1)->cls, check_rule_at(i)->cls, "%s before %s",
		              check_rule_at(i - 1)->id, check_rule_at(i)->id);
}

/*
 * The fast pass decides what it can in bulk or on short paths (conditions known not to hold,
 * rows whose quick test passes); rendering evaluates each rule in full.  Both must agree on every
 * rule of every fixture and example, under its own capabilities and under other processors'.
 */
Test(core, render_gives_the_fast_pass_result_of_every_rule, .timeout = 120)
{
	static const char *const others[] = {"bochs-core_duo_t2400_yonah",
	                                     "ivy-bridge-core-i7-3770", "bochs-tigerlake"};
	const char *pats[] = {"tests/fixtures/rules/*.yaml", "examples/*.yaml"};
	size_t n = 0;

	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		glob_t g;

		cr_assert_eq(glob(pats[p], 0, NULL, &g), 0);
		for (size_t f = 0; f < g.gl_pathc; f++) {
			struct loaded *l = malloc(sizeof(*l));
			char err[256];

			cr_assert_not_null(l);
			load(g.gl_pathv[f], l);
			for (size_t k = 0; k < 2; k++) {
				struct vmcsl_result res;

				if (k == 1) {
					const char *o = others[f % 3];

					cr_assert(
					    capsdb_load(o, &l->caps, NULL, err, sizeof(err), NULL),
					    "%s: %s", o, err);
					vmcsl_caps_compile(&l->caps, &l->compiled);
				}
				vmcsl_check(&l->in, &res);
				for (size_t i = 0; i < check_rule_count(); i++) {
					char msg[CHECK_MSG_MAX], hint[CHECK_MSG_MAX];
					int field;
					enum rule_result r =
					    vmcsl_render(&l->in, &res, i, msg, sizeof(msg), hint,
					                 sizeof(hint), &field);

					cr_expect_eq(r, vmcsl_rule_result(&res, i), "%s (%s): %s",
					             g.gl_pathv[f], k ? others[f % 3] : "its caps",
					             check_rule_at(i)->id);
					if (r == RULE_FAIL || r == RULE_UNDECIDED ||
					    r == RULE_MAYFAIL)
						cr_expect(msg[0], "%s: %s has no message",
						          g.gl_pathv[f], check_rule_at(i)->id);
				}
				n++;
			}
			config_release(&l->cfg);
			free(l);
		}
		globfree(&g);
	}
	cr_expect_gt(n, 1500, "%zu runs", n);
}

Test(core, the_report_is_the_fast_pass_rendered)
{
	struct loaded l;
	struct check_report *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct check_input in;

	cr_assert(a && b);
	load("examples/broken-inject-extint-if0.yaml", &l);
	in.vmcs = &l.cfg.vmcs;
	in.caps = &l.caps;
	in.env = &l.cfg.env;
	check_run(&in, a);
	check_run_compiled(&in, &l.compiled, b);
	cr_expect_eq(a->n_findings, 1);
	cr_expect_eq(b->n_findings, a->n_findings);
	cr_expect_str_eq(b->findings[0].message, a->findings[0].message);
	cr_expect_eq(a->prediction.kind, OUTCOME_ENTRY_FAILURE);
	cr_expect_eq(a->prediction.exit_reason, 33);
	cr_expect_eq(a->deciding_rule, b->deciding_rule);
	config_release(&l.cfg);
	free(a);
	free(b);
}

/*
 * A dump that shows a handful of fields leaves hundreds of checks undecided: the report holds
 * every finding, in table order, the one failure the shown values decide included.
 */
Test(core, a_report_holds_every_finding)
{
	struct loaded l;
	struct check_report *r = malloc(sizeof(*r));
	struct check_input in;
	size_t sti = rule_index("GUEST-INTR-STI-IF", 0);
	bool kept = false;

	cr_assert_not_null(r);
	load("examples/valid-long-mode.yaml", &l);
	for (size_t i = 0; i < VMCS_FIELD_CAPACITY; i++)
		l.cfg.vmcs.known[i] = 0;
	l.cfg.vmcs.known[VMCS_GUEST_RFLAGS] = 1;
	l.cfg.vmcs.value[VMCS_GUEST_RFLAGS] = 0x2;
	l.cfg.vmcs.known[VMCS_GUEST_INTERRUPTIBILITY_INFO] = 1;
	l.cfg.vmcs.value[VMCS_GUEST_INTERRUPTIBILITY_INFO] = 0x1; /* blocking by STI, IF = 0 */
	in.vmcs = &l.cfg.vmcs;
	in.caps = &l.caps;
	in.env = &l.cfg.env;
	check_run_compiled(&in, &l.compiled, r);
	cr_expect_gt(r->n_undecided, 300);
	cr_expect_eq(r->n_failed, 1);
	cr_expect(!r->truncated);
	cr_expect_eq(r->n_findings, r->n_failed + r->n_undecided + r->n_mayfail);
	for (size_t i = 0; i < r->n_findings; i++) {
		if (i)
			cr_expect_lt(r->findings[i - 1].rule, r->findings[i].rule);
		if (r->findings[i].rule == sti) {
			kept = true;
			cr_expect_eq(r->findings[i].result, RULE_FAIL);
			cr_expect(strstr(r->findings[i].message, "IF = 0"), "%s",
			          r->findings[i].message);
		}
	}
	cr_expect(kept, "the failing GUEST-INTR-STI-IF is not among the findings");
	config_release(&l.cfg);
	free(r);
}

Test(core, prediction_with_classes_assumed_passed)
{
	struct loaded l;
	struct vmcsl_result res;
	struct vmcsl_prediction p;

	/* Host state fails (VMfailValid 8) and nothing else does. */
	load("examples/broken-host-tr-zero.yaml", &l);
	vmcsl_check(&l.in, &res);
	cr_expect_eq(res.prediction.outcome.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_eq(res.prediction.outcome.vm_instruction_error, 8);
	cr_expect_eq(res.prediction.rule, (int)rule_index("HOST-TR-SELECTOR-NONZERO", 0));
	/* A log showing an exit-reason-33 failure proves the host state passed. */
	vmcsl_predict(
	    &res, 1u << CHECK_CLASS_HOST | 1u << CHECK_CLASS_CTLS | 1u << CHECK_CLASS_INSTR, &p);
	cr_expect_eq(p.outcome.kind, OUTCOME_SUCCESS);
	cr_expect_eq(p.rule, -1);
	/* Assuming nothing changes nothing. */
	vmcsl_predict(&res, 0, &p);
	cr_expect_eq(p.outcome.kind, res.prediction.outcome.kind);
	cr_expect_eq(p.rule, res.prediction.rule);
	config_release(&l.cfg);
}

Test(core, a_rule_set_by_the_caller_changes_the_prediction)
{
	struct loaded l;
	struct vmcsl_result res;
	struct vmcsl_prediction p;
	size_t entry = rule_index(NULL, CHECK_CLASS_MSRLOAD);

	load("examples/valid-long-mode.yaml", &l);
	vmcsl_check(&l.in, &res);
	cr_expect_eq(res.prediction.outcome.kind, OUTCOME_SUCCESS);
	vmcsl_result_set(&res, entry, RULE_FAIL, 3);
	cr_expect_eq(vmcsl_rule_msr_entry(&res, entry), 3);
	vmcsl_predict(&res, 0, &p);
	cr_expect_eq(p.outcome.kind, OUTCOME_ENTRY_FAILURE);
	cr_expect_eq(p.outcome.exit_reason, 34);
	cr_expect_eq(p.outcome.exit_qualification, 3);
	config_release(&l.cfg);
}
