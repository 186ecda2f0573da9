/*
 * verdict.c -- the diagnosis of one dump (diagnose.h): the checker on the dump with the
 * processor's capabilities and the evidence, which evidence decided which check, and the
 * prediction on the findings the log's outcome leaves, compared with that outcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "evidence_internal.h"
#include "vmcs_ids.h"

#define CLS(c)     (1u << (c))
#define KIND(k)    (1u << (k))
#define NOT_ITEM   (-1)
#define ALL_KINDS  (KIND(EV_DUMP) | KIND(EV_LOG) | KIND(EV_OUTCOME) | KIND(EV_ARCH))
#define DUMP_KINDS (KIND(EV_DUMP) | KIND(EV_LOG) | KIND(EV_ARCH))

void verdict_outcome(const struct dump_verdict *v, struct check_outcome *o)
{
	memset(o, 0, sizeof(*o));
	switch (v->kind) {
	case VERDICT_SUCCESS:
		o->kind = OUTCOME_SUCCESS;
		break;
	case VERDICT_ENTRY_FAILURE:
		o->kind = OUTCOME_ENTRY_FAILURE;
		o->exit_reason = v->exit_reason;
		o->exit_qualification = v->qualification;
		break;
	case VERDICT_VMFAIL_VALID:
		o->kind = OUTCOME_VMFAIL_VALID;
		o->vm_instruction_error = (uint8_t)v->vm_error;
		break;
	case VERDICT_VMFAIL_INVALID:
		o->kind = OUTCOME_VMFAIL_INVALID;
		break;
	default:
		o->kind = OUTCOME_UNDECIDED;
	}
}

bool outcome_matches_verdict(const struct check_outcome *o, const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		return o->kind == OUTCOME_SUCCESS;
	case VERDICT_ENTRY_FAILURE:
		return o->kind == OUTCOME_ENTRY_FAILURE && o->exit_reason == v->exit_reason &&
		       (!v->qual_known || o->exit_qualification == v->qualification);
	case VERDICT_VMFAIL_VALID:
		return o->kind == OUTCOME_VMFAIL_VALID &&
		       (v->vm_error == 0 || o->vm_instruction_error == v->vm_error ||
		        o->error_alt == v->vm_error);
	case VERDICT_VMFAIL_INVALID:
		return o->kind == OUTCOME_VMFAIL_INVALID;
	default:
		return false;
	}
}

size_t verdict_rules(const struct dump_verdict *v, uint16_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < check_rule_count(); i++) {
		struct check_outcome o = check_rule_outcome(check_rule_at(i));

		if (!outcome_matches_verdict(&o, v))
			continue;
		if (n < cap)
			out[n] = (uint16_t)i;
		n++;
	}
	return n;
}

/* Whether the checks can say anything about the outcome the log reports. */
static bool predictable(const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		return true;
	case VERDICT_ENTRY_FAILURE:
		return v->exit_reason == 33 || v->exit_reason == 34;
	case VERDICT_VMFAIL_VALID:
		return v->vm_error == 0 || v->vm_error == 4 || v->vm_error == 5 ||
		       v->vm_error == 7 || v->vm_error == 8 || v->vm_error == 26;
	default:
		return false;
	}
}

static void run(const struct diagnosis *g, const struct dump *d, const struct vmx_caps *caps,
                struct check_report *rep)
{
	struct check_input in;

	in.vmcs = &g->vmcs;
	in.caps = caps;
	in.env = &d->env;
	check_run(&in, rep);
}

static bool decided(uint8_t r)
{
	return r == RULE_PASS || r == RULE_FAIL || r == RULE_NA;
}

/*
 * Which item decided which check: the items applied one after another to the processor's
 * capabilities, each credited with the checks it turned from undecided into decided.
 */
static void attribute(struct diagnosis *g, const struct dump *d, struct check_report *scratch,
                      int16_t *by_item)
{
	struct vmx_caps *caps = malloc(sizeof(*caps));
	uint8_t *prev = malloc(CHECK_MAX_RULES);
	size_t nr = check_rule_count();

	if (!caps || !prev)
		abort();
	*caps = g->proc.caps;
	run(g, d, caps, scratch);
	for (size_t r = 0; r < nr; r++)
		prev[r] = (uint8_t)check_report_result(scratch, r);
	for (size_t r = 0; r < nr; r++)
		by_item[r] = NOT_ITEM;
	for (size_t i = 0; i < g->ev.n; i++) {
		struct evidence_item *it = &g->ev.item[i];

		if (it->passed) {
			/* The outcome: the checks of those classes it leaves undecided passed. */
			for (size_t r = 0; r < nr; r++) {
				uint8_t res = check_report_result(&g->rep, r);

				if ((it->passed & CLS(check_rule_at(r)->cls)) &&
				    (res == RULE_UNDECIDED || res == RULE_MAYFAIL)) {
					if (it->n_decided < EV_MAX_DECIDED)
						it->decided[it->n_decided] = (uint16_t)r;
					it->n_decided++;
					by_item[r] = (int16_t)i;
				}
			}
			continue;
		}
		evidence_apply_item(it, caps);
		run(g, d, caps, scratch);
		for (size_t r = 0; r < nr; r++) {
			if (prev[r] == RULE_UNDECIDED &&
			    check_report_result(scratch, r) != RULE_UNDECIDED) {
				if (it->n_decided < EV_MAX_DECIDED)
					it->decided[it->n_decided] = (uint16_t)r;
				it->n_decided++;
				by_item[r] = (int16_t)i;
			}
			prev[r] = check_report_result(scratch, r);
		}
	}
	free(prev);
	free(caps);
}

/* Every rule's result in rep, into out[CHECK_MAX_RULES] (RULE_NA beyond the table). */
static void results_of(const struct check_report *rep, uint8_t *out)
{
	for (size_t r = 0; r < CHECK_MAX_RULES; r++)
		out[r] = (uint8_t)check_report_result(rep, r);
}

/* Severity, decider and whether each finding explains the outcome. */
static void classify(struct diagnosis *g, const struct dump *d, const uint8_t *bare,
                     const uint8_t *proved, const int16_t *by_item)
{
	bool assumed =
	    g->proc.source == CAPS_SRC_SIGNATURE || g->proc.source == CAPS_SRC_FAMILY_MODEL;

	for (size_t i = 0; i < g->rep.n_findings; i++) {
		const struct check_finding *f = &g->rep.findings[i];
		struct diag_finding *x = &g->f[i];
		bool passed = (g->ev.passed & CLS(check_rule_at(f->rule)->cls)) != 0;

		x->evidence = NOT_ITEM;
		if (f->result == RULE_FAIL) {
			if (assumed && proved[f->rule] != RULE_FAIL)
				x->severity = passed ? SEV_CONTRADICTED : SEV_WARNING;
			else
				x->severity = SEV_ERROR;
			x->explains = !passed && outcome_matches_verdict(&f->outcome, &d->observed);
		} else {
			x->severity = passed ? SEV_PASSED : SEV_NOTE;
		}
		if (decided(bare[f->rule]) || (f->result != RULE_FAIL && !passed)) {
			x->decider = decided(bare[f->rule]) ? DEC_DUMP : DEC_NONE;
		} else if (by_item[f->rule] != NOT_ITEM) {
			x->decider = DEC_EVIDENCE;
			x->evidence = by_item[f->rule];
		} else {
			x->decider = DEC_CAPS;
		}
		switch (x->severity) {
		case SEV_ERROR:
			g->n_errors++;
			break;
		case SEV_WARNING:
			g->n_warnings++;
			break;
		case SEV_CONTRADICTED:
			g->n_contradicted++;
			break;
		case SEV_PASSED:
			g->passed_by_outcome++;
			break;
		default:
			break;
		}
	}
}

static const char *rule_id(int rule)
{
	return rule >= 0 ? check_rule_at((size_t)rule)->id : "?";
}

/* Whether the dump shows every field a rule reads (then only a capability is unknown). */
static bool fields_known(const struct dump *d, const struct check_rule *r)
{
	const char *s = r->fields;

	while (*s) {
		size_t n = strcspn(s, ",");
		const struct vmcs_field_info *f = vmcs_field_by_name(s, n, NULL);

		if (f && !d->vmcs.known[vmcs_field_index(f)])
			return false;
		s += n;
		if (*s == ',')
			s++;
	}
	return true;
}

/*
 * Undecided checks that could explain the reported failure: first those that give exactly the
 * reported outcome (a qualification of 2, 3 or 4 names its cause, SDM "VM-Entry Failures During
 * or After Loading Guest State"), then those of the same exit reason with another
 * qualification (checks may run in any order, and a VMCS with several errors may be reported
 * with another qualification); within each, those whose fields the dump all shows (only a
 * capability is unknown), state before controls, then the others.
 */
static void candidates(struct diagnosis *g, const struct dump *d)
{
	const struct dump_verdict *v = &d->observed;

	for (int pass = 0; pass < 8; pass++) {
		for (size_t i = 0; i < g->rep.n_findings; i++) {
			const struct check_finding *f = &g->rep.findings[i];
			bool ctl =
			    f->field >= 0 && vmcs_field_at((size_t)f->field)->type == VMCS_T_CTL;
			bool exact = outcome_matches_verdict(&f->outcome, v);
			int rank = (exact ? 0 : 4) +
			           (fields_known(d, check_rule_at(f->rule)) ? 0 : 2) + ctl;

			if (g->f[i].severity != SEV_NOTE || rank != pass)
				continue;
			if (exact || (v->kind == VERDICT_ENTRY_FAILURE &&
			              f->outcome.kind == OUTCOME_ENTRY_FAILURE &&
			              f->outcome.exit_reason == v->exit_reason))
				g->cand[g->n_cand++] = f->rule;
		}
	}
}

/* The first error in a class the log shows passed: the dump contradicts the log. */
static const struct check_finding *contradiction(const struct diagnosis *g)
{
	for (size_t i = 0; i < g->rep.n_findings; i++)
		if (g->f[i].severity == SEV_ERROR &&
		    (g->ev.passed & CLS(check_rule_at(g->rep.findings[i].rule)->cls)))
			return &g->rep.findings[i];
	return NULL;
}

static bool any_error_explains(const struct diagnosis *g)
{
	for (size_t i = 0; i < g->rep.n_findings; i++)
		if (g->f[i].explains)
			return true;
	return false;
}

static int finding_index(const struct diagnosis *g, int rule)
{
	for (size_t i = 0; i < g->rep.n_findings; i++)
		if (g->rep.findings[i].rule == rule)
			return (int)i;
	return -1;
}

/* The log's outcome against the prediction on what it leaves. */
static void compare(struct diagnosis *g, const struct dump *d, const struct vmcsl_prediction *left)
{
	const struct dump_verdict *v = &d->observed;
	const struct check_finding *c = contradiction(g);
	const char *assumed = "";
	int k;

	g->outcome = left->outcome;
	g->rule = left->rule;
	g->agree = -1;
	if (v->kind == VERDICT_NONE) {
		snprintf(g->why, sizeof(g->why), "the log states no outcome for this dump");
		return;
	}
	if (v->kind == VERDICT_KVM_INTERNAL) {
		snprintf(
		    g->why, sizeof(g->why),
		    "the log reports a KVM internal error (suberror %u), not a failed VM entry: "
		    "KVM stopped the guest itself, so the VM-entry checks do not explain it",
		    v->full_reason);
		return;
	}
	if (v->kind == VERDICT_REGS_REJECTED) {
		snprintf(
		    g->why, sizeof(g->why),
		    "the log reports that KVM refused the vCPU registers QEMU set (\"Failed to "
		    "put registers\"): no VM entry was made, so the VM-entry checks do not "
		    "explain it");
		return;
	}
	if (v->kind == VERDICT_NOT_VMX) {
		snprintf(
		    g->why, sizeof(g->why),
		    "KVM reports \"hardware error 0x%x\", which is no VMX exit reason (a VM-entry "
		    "failure clears bits 30:16)%s: the VMCS checks do not apply",
		    v->full_reason,
		    v->full_reason == 0xffffffffu
		        ? "; it is AMD SVM's VMEXIT_INVALID, a VMRUN on an AMD host"
		        : "");
		return;
	}
	if (v->kind == VERDICT_NO_ERROR) {
		snprintf(
		    g->why, sizeof(g->why),
		    "KVM reports \"hardware error 0x0\", which is no VM-instruction error: the "
		    "processor reported no failure, KVM only took the entry for failed (the "
		    "cause lies outside the VMCS)");
		return;
	}
	if (!predictable(v)) {
		snprintf(g->why, sizeof(g->why),
		         "the log reports an outcome no VM-entry check predicts (%s)",
		         v->kind == VERDICT_VMFAIL_INVALID ? "VMfailInvalid: no valid current VMCS"
		         : v->kind == VERDICT_ENTRY_FAILURE
		             ? "an entry failure that is not exit "
		               "reason 33 or 34"
		             : "a VM-instruction error of another kind");
		return;
	}
	if (c) {
		char o[200];

		g->outcome = c->outcome;
		g->rule = c->rule;
		g->agree = 0;
		snprintf(o, sizeof(o), "%s",
		         v->kind == VERDICT_SUCCESS ? "the guest ran"
		                                    : "the processor got past "
		                                      "that check");
		snprintf(g->why, sizeof(g->why), "the dump fails [%s], but %s: %s",
		         check_rule_at(c->rule)->id, o,
		         g->proc.source == CAPS_SRC_OPTION
		             ? "the capabilities (--caps) do not match the processor"
		             : "the dump does not show the state the processor checked (changed "
		               "after the entry, or another VMCS)");
		return;
	}
	if (v->kind == VERDICT_SUCCESS) {
		g->agree = 1;
		snprintf(
		    g->why, sizeof(g->why),
		    "the guest ran, so every check passed; none the dump decides fails on this "
		    "processor");
		return;
	}
	k = g->rule >= 0 ? finding_index(g, g->rule) : -1;
	if (k >= 0 && g->f[k].severity == SEV_WARNING)
		assumed = ", with the capabilities assumed for this processor";
	if (outcome_matches_verdict(&g->outcome, v) ||
	    (g->outcome.qualification_varies && any_error_explains(g))) {
		g->agree = 1;
		/* Of the qualifications the checks leave possible, the log names the one it got. */
		if (g->outcome.kind == OUTCOME_ENTRY_FAILURE && v->qual_known) {
			g->outcome.exit_qualification = v->qualification;
			g->outcome.qualification_varies = false;
		}
		if (g->outcome.kind == OUTCOME_VMFAIL_VALID && v->vm_error) {
			g->outcome.vm_instruction_error = (uint8_t)v->vm_error;
			g->outcome.error_alt = 0;
		}
		snprintf(g->why, sizeof(g->why), "[%s] explains the failure the log reports%s",
		         rule_id(g->rule), assumed);
		return;
	}
	candidates(g, d);
	if (g->n_cand) {
		memset(&g->outcome, 0, sizeof(g->outcome));
		g->outcome.kind = OUTCOME_UNDECIDED;
		g->rule = -1;
		g->unexplained = true;
		snprintf(g->why, sizeof(g->why),
		         "no check the dump decides explains the failure the log reports; %zu "
		         "check%s that cannot be decided could",
		         g->n_cand, g->n_cand == 1 ? "" : "s");
		return;
	}
	g->agree = 0;
	if (g->outcome.kind != OUTCOME_SUCCESS && g->outcome.kind != OUTCOME_UNDECIDED) {
		snprintf(g->why, sizeof(g->why),
		         "the dump fails [%s], which gives another outcome than the one the log "
		         "reports, and no check of the reported kind fails or is undecided",
		         rule_id(g->rule));
		return;
	}
	g->unexplained = true;
	snprintf(g->why, sizeof(g->why),
	         "every check of the kind of the reported failure passes on this dump: the dump "
	         "may be incomplete, or the failure comes from a check vmcslint does not have "
	         "(an erratum, a state the dump does not show)");
}

void diagnose_dump(const struct dump *d, const struct dump_facts *facts,
                   const struct processor *proc, struct diagnosis *g)
{
	struct vmx_caps *caps = calloc(1, sizeof(*caps));
	struct check_report *scratch = malloc(sizeof(*scratch));
	uint8_t *bare = malloc(CHECK_MAX_RULES), *proved = malloc(CHECK_MAX_RULES);
	int16_t *by_item = malloc(CHECK_MAX_RULES * sizeof(int16_t));
	bool host_too = !(d->observed.kind == VERDICT_VMFAIL_VALID && d->observed.vm_error == 8);
	struct vmcsl_prediction left;

	if (!caps || !scratch || !bare || !proved || !by_item)
		abort();
	memset(&g->ev, 0, sizeof(g->ev));
	memset(g->f, 0, sizeof(g->f));
	g->proc = *proc;
	g->agree = -1;
	g->unexplained = false;
	g->passed_by_outcome = g->n_errors = g->n_warnings = g->n_contradicted = g->n_cand = 0;
	g->why[0] = '\0';
	/* A dump shows VMREADs: the fields it shows exist, none is a VMWRITE that could fail. */
	g->vmcs = d->vmcs;
	memset(g->vmcs.written, 0, sizeof(g->vmcs.written));
	/* A host state the log says failed is no evidence of what the host supports. */
	evidence_from_dump(d, host_too, &g->ev);
	evidence_from_log(d, facts, proc, &g->ev);
	evidence_from_outcome(d, &g->ev);
	/* The capabilities from the dump alone, then with the outcome. */
	*caps = proc->caps;
	evidence_apply(&g->ev, DUMP_KINDS, caps);
	run(g, d, caps, &g->pred);
	evidence_apply(&g->ev, KIND(EV_OUTCOME), caps);
	run(g, d, caps, &g->rep);
	/* What no capability decides, and what the evidence alone decides. */
	memset(caps, 0, sizeof(*caps));
	run(g, d, caps, scratch);
	results_of(scratch, bare);
	evidence_apply(&g->ev, ALL_KINDS, caps);
	run(g, d, caps, scratch);
	results_of(scratch, proved);
	attribute(g, d, scratch, by_item);
	classify(g, d, bare, proved, by_item);
	/* The prediction on what the outcome leaves: its classes passed. */
	vmcsl_predict(&g->rep.core, g->ev.passed, &left);
	compare(g, d, &left);
	free(by_item);
	free(proved);
	free(bare);
	free(scratch);
	free(caps);
}
