/*
 * diagnose_json.c -- `vmcslint diagnose --format json`: one result per dump, the shape of
 * `vmcslint check --format json` plus the dump, the processor (caps, caps_source), the
 * evidence, what the log observed, the diagnosis and whether they agree (README).
 */
#include <stdio.h>
#include <string.h>

#include "checked.h"
#include "cli.h"
#include "diagnose_out.h"

static void json_msgs(const char *key, const struct dump_msg *m, size_t n)
{
	printf(", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"line\": %u, \"message\": ", i ? ", " : "", m[i].line);
		json_string(stdout, m[i].text);
		printf("}");
	}
	printf("]");
}

static void json_rules(const uint16_t *r, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, check_rule_at(r[i])->id);
	}
	printf("]");
}

static void json_processor(const struct dump *d, const struct diagnosis *g)
{
	const struct processor *p = &g->proc;

	(void)d;
	printf(",\n   \"processor\": {\"why\": ");
	json_string(stdout, p->why);
	printf(", \"identified\": ");
	if (p->have_id) {
		char sig[32];

		snprintf(sig, sizeof(sig), "%02X_%02X_%X", (unsigned)p->id.family,
		         (unsigned)p->id.model, (unsigned)p->id.stepping);
		printf("{\"line\": %u, \"signature\": \"%s\", \"brand\": ", p->id.line, sig);
		json_string(stdout, p->id.brand);
		printf(", \"text\": ");
		json_string(stdout, p->id.text);
		printf("}");
	} else {
		printf("null");
	}
	printf(", \"hypervisor\": ");
	if (p->under_hv) {
		printf("{\"line\": %u, \"text\": ", p->hv.line);
		json_string(stdout, p->hv.text);
		printf("}");
	} else {
		printf("null");
	}
	printf("}");
}

static void json_evidence(const struct diagnosis *g)
{
	printf(",\n   \"evidence\": [");
	for (size_t i = 0; i < g->ev.n; i++) {
		const struct evidence_item *it = &g->ev.item[i];
		size_t shown = it->n_decided < EV_MAX_DECIDED ? it->n_decided : EV_MAX_DECIDED;

		printf("%s\n    {\"index\": %zu, \"kind\": \"%s\", \"line\": %u, \"text\": ",
		       i ? "," : "", i + 1, evidence_kind_name(it->kind), it->line);
		json_string(stdout, it->text);
		printf(", \"decides\": ");
		json_rules(it->decided, shown);
		printf(", \"decides_total\": %zu}", it->n_decided);
	}
	printf("%s]", g->ev.n ? "\n   " : "");
}

/* The name of what the log reports: the outcome's, or what is no VM-entry outcome. */
static const char *observed_name(unsigned verdict, unsigned outcome)
{
	switch (verdict) {
	case VERDICT_NO_ERROR:
		return "no_error";
	case VERDICT_NOT_VMX:
		return "not_vmx";
	case VERDICT_KVM_INTERNAL:
		return "kvm_internal_error";
	case VERDICT_REGS_REJECTED:
		return "registers_rejected";
	default:
		return check_outcome_name(outcome);
	}
}

static void json_observed(const struct dump_verdict *v)
{
	struct check_outcome o;

	if (v->kind == VERDICT_NONE) {
		printf("null");
		return;
	}
	verdict_outcome(v, &o);
	printf("{\"outcome\": \"%s\"", observed_name(v->kind, o.kind));
	if (v->kind == VERDICT_NOT_VMX)
		printf(", \"hardware_error\": %u", v->full_reason);
	if (v->kind == VERDICT_KVM_INTERNAL)
		printf(", \"suberror\": %u", v->full_reason);
	if (o.kind == OUTCOME_VMFAIL_VALID && v->vm_error)
		printf(", \"vm_instruction_error\": %u", v->vm_error);
	if (o.kind == OUTCOME_ENTRY_FAILURE) {
		printf(", \"exit_reason\": %u", v->exit_reason);
		if (v->qual_known)
			printf(", \"exit_qualification\": %llu",
			       (unsigned long long)v->qualification);
	}
	printf(", \"source\": \"%s\", \"line\": %u, \"text\": ",
	       v->source == VSRC_DUMP_FIELD ? "dump_field" : "message", v->line);
	json_string(stdout, v->text);
	printf("}");
}

void print_json_no_dump(struct dout *o, const struct dump_parser *p, const struct dump_verdict *v,
                        const uint16_t *rules, size_t n_rules, const char *note, const char *error)
{
	printf("%s\n  {\"file\": ", o->json_first ? "" : ",");
	o->json_first = false;
	json_string(stdout, o->path);
	printf(", \"dump\": null, \"prediction\": null,\n   \"observed\": ");
	if (v)
		json_observed(v);
	else
		printf("null");
	printf(", \"could_explain\": ");
	json_rules(rules, n_rules);
	printf(",\n   \"load_diagnostics\": [");
	for (size_t k = 0; p && k < dump_parser_global_count(p); k++) {
		const struct dump_msg *m = dump_parser_global(p, k);

		printf("\n    {\"severity\": \"note\", \"file\": ");
		json_string(stdout, o->path);
		printf(", \"line\": %u, \"message\": ", m->line);
		json_string(stdout, m->text);
		printf("},");
	}
	if (note) {
		printf("\n    {\"severity\": \"note\", \"file\": ");
		json_string(stdout, o->path);
		printf(", \"line\": %u, \"message\": ", v ? v->line : 0);
		json_string(stdout, note);
		printf("},");
	}
	printf("\n    {\"severity\": \"error\", \"file\": ");
	json_string(stdout, o->path);
	printf(", \"message\": ");
	json_string(stdout, error);
	printf("}\n   ]}");
}

static void json_finding(const struct dump *d, const struct diagnosis *g, size_t i)
{
	const struct check_finding *f = &g->rep.findings[i];
	const struct diag_finding *x = &g->f[i];
	const char *dec = decider_name(x->decider);
	unsigned line, col;

	finding_at(d, f, &line, &col);
	printf("%s\n    ", i ? "," : "");
	json_finding_open(stdout, f, severity_name(x->severity));
	printf(", \"status\": \"%s\", \"explains\": %s", status_name(x->severity),
	       x->explains ? "true" : "false");
	json_finding_details(stdout, f);
	printf(", \"decided_by\": ");
	if (dec)
		printf("\"%s\"", dec);
	else
		printf("null");
	if (x->decider == DEC_EVIDENCE && x->evidence >= 0)
		printf(", \"evidence\": %d", x->evidence + 1);
	json_finding_close(stdout, line, col);
}

void print_json(struct dout *o, const struct dump *d, const struct diagnosis *g)
{
	struct assumption as[8];
	size_t na;
	bool first = true;

	printf("%s\n  {\"file\": ", o->json_first ? "" : ",");
	o->json_first = false;
	json_string(stdout, o->path);
	printf(", \"caps\": ");
	if (g->proc.name[0])
		json_string(stdout, g->proc.name);
	else
		printf("null");
	printf(", \"caps_source\": \"%s\"", caps_source_name(g->proc.source));
	json_processor(d, g);
	printf(",\n   \"dump\": {\"index\": %u, \"format\": \"%s\", \"variant\": ", d->index,
	       dump_format_name(d->format));
	json_string(stdout, d->variant);
	printf(", \"first_line\": %u, \"last_line\": %u, \"fields_shown\": %zu, \"truncated\": "
	       "%s}",
	       d->first_line, d->last_line, d->n_shown, d->truncated ? "true" : "false");
	printf(",\n   \"prediction\": ");
	report_json_outcome(stdout, &g->pred.prediction,
	                    g->pred.deciding_rule >= 0 ? rule_id(g->pred.deciding_rule) : NULL);
	printf(",\n   \"observed\": ");
	json_observed(&d->observed);
	printf(",\n   \"diagnosis\": ");
	report_json_outcome(stdout, &g->outcome, g->rule >= 0 ? rule_id(g->rule) : NULL);
	report_json_inferred(stdout, &g->proc.caps, &g->rep);
	printf(",\n   \"agree\": %s, \"reason\": ", g->agree == 1   ? "true"
	                                            : g->agree == 0 ? "false"
	                                                            : "null");
	json_string(stdout, g->why);
	printf(", \"assumed_passed\": %zu, \"unexplained\": %s, \"could_explain\": ",
	       g->passed_by_outcome, g->unexplained ? "true" : "false");
	json_rules(g->cand, g->n_cand);
	json_evidence(g);
	printf(",\n   \"unknown_fields\": [");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (d->vmcs.known[i])
			continue;
		printf("%s", first ? "" : ", ");
		first = false;
		json_string(stdout, vmcs_field_at(i)->name);
	}
	printf("],\n   \"assumptions\": [");
	na = assumptions(d, as, 8);
	for (size_t i = 0; i < na; i++) {
		printf("%s{\"kind\": ", i ? ", " : "");
		json_string(stdout, as[i].label);
		printf(", \"text\": ");
		json_string(stdout, as[i].text);
		printf("}");
	}
	printf("]");
	json_msgs("notes", d->notes, d->n_notes);
	json_msgs("warnings", d->warnings, d->n_warnings);
	printf(",\n   \"diagnostics\": [");
	for (size_t i = 0; i < g->rep.n_findings; i++)
		json_finding(d, g, i);
	printf("%s]}", g->rep.n_findings ? "\n   " : "");
}
