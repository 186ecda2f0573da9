/*
 * judge.c -- prediction against observation, case by case.
 */
#include <stdio.h>
#include <string.h>

#include "judge.h"
#include "outcome_text.h"

/* The error the checker predicts for the VMWRITE of field (0: none). */
static unsigned vmwrite_error(const struct check_report *rep, int field)
{
	for (size_t i = 0; i < rep->n_vmwrite; i++) {
		if (rep->vmwrite[i].field == field)
			return rep->vmwrite[i].error;
	}
	return 0;
}

/*
 * The failed VMWRITEs against the predicted ones: every VMWRITE the checker says fails must
 * fail with error 12, and every VMWRITE that failed must be one it says fails (or cannot
 * decide).  Returns false with v->reason on a difference.
 */
static bool vmwrites_agree(const struct probe_result *r, const struct check_report *rep,
                           struct probe_verdict *v)
{
	for (size_t i = 0; i < r->n_vmwrite_errors; i++) {
		const struct probe_vmwrite_error *w = &r->vmwrite_errors[i];

		/* A VMWRITE predicted to fail (or that may fail) with this very error. */
		if (w->error == vmwrite_error(rep, w->field))
			continue;
		snprintf(
		    v->reason, sizeof(v->reason),
		    "the VMWRITE of %s failed with error %u, which the checker did not predict",
		    w->field >= 0 ? vmcs_field_at((size_t)w->field)->name : "?", w->error);
		return false;
	}
	for (size_t k = 0; k < rep->n_vmwrite; k++) {
		bool failed = false;

		if (rep->vmwrite[k].result != RULE_FAIL)
			continue;
		for (size_t i = 0; i < r->n_vmwrite_errors; i++)
			failed |= r->vmwrite_errors[i].field == rep->vmwrite[k].field;
		if (failed)
			continue;
		snprintf(v->reason, sizeof(v->reason),
		         "the checker predicted that the VMWRITE of %s fails with error %u, but it "
		         "succeeded",
		         vmcs_field_at((size_t)rep->vmwrite[k].field)->name, rep->vmwrite[k].error);
		return false;
	}
	return true;
}

bool probe_outcome_matches(const struct check_outcome *p, const struct check_outcome *o)
{
	if (p->kind == OUTCOME_PROCESSOR_DEPENDENT) {
		struct check_outcome fail = *p, other = outcome_otherwise(p);

		fail.kind = OUTCOME_ENTRY_FAILURE;
		fail.qualification_varies = false;
		return probe_outcome_matches(&fail, o) || probe_outcome_matches(&other, o);
	}
	if (p->kind != o->kind)
		return false;
	switch (p->kind) {
	case OUTCOME_VMFAIL_VALID:
		return o->vm_instruction_error == p->vm_instruction_error ||
		       (p->error_alt && o->vm_instruction_error == p->error_alt);
	case OUTCOME_ENTRY_FAILURE:
		return o->exit_reason == p->exit_reason &&
		       (o->exit_qualification == p->exit_qualification || p->qualification_varies);
	default:
		return true;
	}
}

struct probe_verdict probe_judge(const struct probe_result *r, const struct vmx_caps *caps,
                                 struct check_report *rep)
{
	struct probe_verdict v = {PROBE_NOT_COMPARED, false, ""};
	const struct check_outcome *p = &rep->prediction, *o = &r->observed;
	struct check_input in = {&r->readback, caps, &r->env};
	char ps[320], os[160];

	check_run(&in, rep);
	if (r->status != PROBE_CASE_DONE) {
		snprintf(v.reason, sizeof(v.reason), "the case did not complete in the probe (%s)",
		         probe_status_name(r->status));
		return v;
	}
	if (!vmwrites_agree(r, rep, &v)) {
		v.agreement = PROBE_DISAGREE;
		v.vmwrite_mismatch = true;
		return v;
	}
	if (p->kind == OUTCOME_UNDECIDED) {
		snprintf(v.reason, sizeof(v.reason), "the prediction is undecided");
		return v;
	}
	v.agreement = probe_outcome_matches(p, o) ? PROBE_AGREE : PROBE_DISAGREE;
	if (v.agreement == PROBE_DISAGREE) {
		outcome_text(ps, sizeof(ps), p);
		outcome_text(os, sizeof(os), o);
		snprintf(v.reason, sizeof(v.reason), "predicted %.250s; observed %.150s", ps, os);
	}
	return v;
}

bool probe_ring0_agrees(const struct probe_result *r, const struct check_report *rep, char *why,
                        size_t n)
{
	const struct check_outcome *h = &rep->prediction, *g = &r->ring0_prediction;
	const char *rule =
	    rep->deciding_rule >= 0 ? check_rule_at((size_t)rep->deciding_rule)->id : "-";
	char hs[320], gs[320];

	if (!r->ring0) {
		snprintf(why, n, "no ring-0 prediction");
		return false;
	}
	if (check_outcome_same(h, g) && strcmp(rule, r->ring0_rule) == 0)
		return true;
	outcome_text(hs, sizeof(hs), h);
	outcome_text(gs, sizeof(gs), g);
	snprintf(why, n, "host predicts %.200s [%s]; ring 0 predicts %.200s [%s]", hs, rule, gs,
	         r->ring0_rule);
	return false;
}
