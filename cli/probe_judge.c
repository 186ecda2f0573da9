/*
 * probe_judge.c -- prediction against observation, case by case.
 */
#include <stdio.h>
#include <string.h>

#include "checked.h"
#include "probe_judge.h"

const char *probe_status_name(unsigned status)
{
	static const char *const names[] = {"not run", "done", "lost", "trap", "prelaunch failed"};

	return status < 5 ? names[status] : "?";
}

static bool vmwrite_predicted(const struct check_report *rep)
{
	return rep->prediction.kind == OUTCOME_VMFAIL_VALID &&
	       rep->prediction.vm_instruction_error == 12;
}

struct probe_verdict probe_judge(const struct probe_result *r, const struct vmx_caps *caps,
                                 struct check_report *rep)
{
	struct probe_verdict v = {PROBE_NOT_COMPARED, ""};
	const struct check_outcome *p = &rep->prediction, *o = &r->observed;
	struct check_input in = {&r->readback, caps, &r->env};
	char ps[160], os[160];

	check_run(&in, rep);
	if (r->status != PROBE_CASE_DONE) {
		snprintf(v.reason, sizeof(v.reason), "the case did not complete in the probe (%s)",
		         probe_status_name(r->status));
		return v;
	}
	if (r->n_vmwrite_errors || vmwrite_predicted(rep)) {
		bool all12 = r->n_vmwrite_errors > 0;

		for (size_t i = 0; i < r->n_vmwrite_errors; i++)
			all12 &= r->vmwrite_errors[i].error == 12;
		v.agreement = all12 && vmwrite_predicted(rep) ? PROBE_AGREE : PROBE_DISAGREE;
		if (v.agreement == PROBE_DISAGREE)
			snprintf(v.reason, sizeof(v.reason),
			         "%zu VMWRITE(s) failed (first error %u) but the checker %s",
			         r->n_vmwrite_errors,
			         r->n_vmwrite_errors ? r->vmwrite_errors[0].error : 0,
			         vmwrite_predicted(rep) ? "predicted error 12"
			                                : "predicted no failing VMWRITE");
		return v;
	}
	if (p->kind == OUTCOME_UNDECIDED) {
		snprintf(v.reason, sizeof(v.reason), "the prediction is undecided");
		return v;
	}
	v.agreement = PROBE_DISAGREE;
	if (p->kind == o->kind) {
		switch (p->kind) {
		case OUTCOME_VMFAIL_VALID:
			if (o->vm_instruction_error == p->vm_instruction_error ||
			    (p->error_alt && o->vm_instruction_error == p->error_alt))
				v.agreement = PROBE_AGREE;
			break;
		case OUTCOME_ENTRY_FAILURE:
			if (o->exit_reason == p->exit_reason &&
			    (o->exit_qualification == p->exit_qualification ||
			     p->qualification_varies))
				v.agreement = PROBE_AGREE;
			break;
		default:
			v.agreement = PROBE_AGREE;
		}
	}
	if (v.agreement == PROBE_DISAGREE) {
		outcome_text(ps, sizeof(ps), p);
		outcome_text(os, sizeof(os), o);
		snprintf(v.reason, sizeof(v.reason), "predicted %.70s; observed %.70s", ps, os);
	}
	return v;
}
