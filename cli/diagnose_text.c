/*
 * diagnose_text.c -- `vmcslint diagnose` as text, gcc style: the dump, the processor it is
 * judged with, the log's outcome and the diagnosis first, then the checks that explain it and
 * the other failures, the evidence that decided checks, and what stays unknown.
 */
#include <stdio.h>
#include <string.h>

#include "checked.h"
#include "diagnose_out.h"

/* Up to max rule ids of an evidence item, ", ..." and the count past them. */
static void decided_list(const struct evidence_item *it, size_t max)
{
	size_t shown = it->n_decided < EV_MAX_DECIDED ? it->n_decided : EV_MAX_DECIDED;

	for (size_t k = 0; k < shown && k < max; k++)
		printf("%s%s", k ? ", " : "", check_rule_at(it->decided[k])->id);
	if (it->n_decided > max)
		printf(", ... (%zu checks)", it->n_decided);
}

static void print_finding(const struct dout *o, const struct dump *d, const struct diagnosis *g,
                          size_t i)
{
	const struct check_finding *f = &g->rep.findings[i];
	const struct diag_finding *x = &g->f[i];
	const struct check_rule *rule = check_rule_at(f->rule);
	unsigned line, col;
	char buf[240];

	finding_at(d, f, &line, &col);
	outcome_text(buf, sizeof(buf), &f->outcome);
	printf("%s:%u:%u: %s: [%s] %s\n", o->path, line, col, severity_name(x->severity), rule->id,
	       f->message);
	if (f->hint[0])
		printf("    hint: %s\n", f->hint);
	printf("    SDM %s \"%s\"; %s: %s\n", rule->sdm_section, rule->sdm_title,
	       f->result == RULE_FAIL ? "outcome" : "if it fails", buf);
	if (x->severity == SEV_WARNING)
		printf("    fails with the capabilities of %s, assumed for this processor; the "
		       "log's evidence alone does not decide it\n",
		       g->proc.name);
	else if (x->severity == SEV_CONTRADICTED)
		printf("    fails with the capabilities of %s, but the log's outcome shows the "
		       "processor passed it: that entry does not describe this processor here\n",
		       g->proc.name);
	else if (x->severity == SEV_PASSED)
		printf("    the log's outcome shows it passed\n");
	if (x->decider == DEC_EVIDENCE && x->evidence >= 0 && !g->ev.item[x->evidence].passed)
		printf("    decided by evidence %d (line %u)\n", x->evidence + 1,
		       g->ev.item[x->evidence].line);
	else if (x->decider == DEC_CAPS && f->result == RULE_FAIL)
		printf("    decided by the capabilities of %s\n", g->proc.name);
}

/* The errors whose outcome the log reports first, then the other errors and warnings. */
static void print_findings(const struct dout *o, const struct dump *d, const struct diagnosis *g)
{
	for (int pass = 0; pass < 4; pass++) {
		for (size_t i = 0; i < g->rep.n_findings; i++) {
			const struct diag_finding *x = &g->f[i];
			bool show;

			switch (pass) {
			case 0:
				show = x->explains && x->severity == SEV_ERROR;
				break;
			case 1:
				show = !x->explains && x->severity == SEV_ERROR;
				break;
			case 2:
				show =
				    x->severity == SEV_WARNING || x->severity == SEV_CONTRADICTED;
				break;
			default:
				show = o->verbose &&
				       (x->severity == SEV_NOTE || x->severity == SEV_PASSED);
			}
			if (show)
				print_finding(o, d, g, i);
		}
	}
}

static void print_evidence(const struct dout *o, const struct diagnosis *g)
{
	for (size_t i = 0; i < g->ev.n; i++) {
		const struct evidence_item *it = &g->ev.item[i];

		if (!it->n_decided && !it->passed && !o->verbose)
			continue;
		printf("%s:%u: evidence %zu: %s", o->path, it->line, i + 1, it->text);
		if (it->n_decided) {
			printf("; decides ");
			decided_list(it, o->verbose ? EV_MAX_DECIDED : 6);
		}
		printf("\n");
	}
	if (g->ev.dropped)
		printf("%s: note: %zu more pieces of evidence not used (limit %d)\n", o->path,
		       g->ev.dropped, EV_MAX_ITEMS);
}

static void print_unknown(const struct dout *o, const struct dump *d)
{
	size_t shown = 0;

	printf("%s:%u: unknown fields:", o->path, d->first_line);
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (d->vmcs.known[i])
			continue;
		if (shown++ < 8 || o->verbose)
			printf(" %s", vmcs_field_at(i)->name);
	}
	if (shown > 8 && !o->verbose)
		printf(" ... (%zu in all; --verbose or --format json lists them)", shown);
	printf("\n");
}

void print_text(const struct dout *o, const struct dump *d, const struct diagnosis *g)
{
	const char *p = o->path;
	const struct check_report *r = &g->pred;
	struct assumption as[8];
	char buf[240];
	size_t na, undecided = 0;

	printf("%s:%u-%u: dump %u: %s; %zu fields shown, %zu unknown\n", p, d->first_line,
	       d->last_line, d->index, d->variant, d->n_shown, count_unknown(d));
	printf("%s:%u: processor: %s\n", p,
	       g->proc.under_hv  ? g->proc.hv.line
	       : g->proc.have_id ? g->proc.id.line
	                         : d->first_line,
	       g->proc.why);
	if (d->observed.kind != VERDICT_NONE) {
		verdict_text(buf, sizeof(buf), &d->observed);
		printf("%s:%u: log: %s (%s: \"%s\")\n", p, d->observed.line, buf,
		       verdict_source_text(&d->observed), d->observed.text);
	} else {
		printf("%s:%u: log: no VM-entry outcome stated for this dump\n", p, d->first_line);
	}
	outcome_text(buf, sizeof(buf), &g->outcome);
	printf("%s:%u-%u: diagnosis: %s", p, d->first_line, d->last_line, buf);
	if (g->rule >= 0)
		printf(" [%s]", rule_id(g->rule));
	printf("\n%s:%u: %s: %s\n", p, d->first_line, agree_text(g->agree), g->why);
	if (inferred_text(buf, sizeof(buf), &g->proc.caps, &g->rep))
		printf("%s:%u: note: the diagnosis rests on values from a sibling processor's dump "
		       "(same family/model, `vmcslint caps show %s`): %s\n",
		       p, d->first_line, g->proc.name, buf);
	if (g->n_cand) {
		size_t max = o->verbose ? g->n_cand : 12;

		printf("%s:%u: note: checks that cannot be decided and could explain it:", p,
		       d->first_line);
		for (size_t i = 0; i < g->n_cand && i < max; i++)
			printf("%s %s", i ? "," : "", check_rule_at(g->cand[i])->id);
		if (g->n_cand > max)
			printf(", ... (%zu in all; --verbose or --format json lists them)",
			       g->n_cand);
		printf("\n");
	}
	print_findings(o, d, g);
	for (size_t i = 0; i < d->n_warnings; i++)
		printf("%s:%u: warning: %s\n", p, d->warnings[i].line, d->warnings[i].text);
	if (d->warnings_dropped)
		printf("%s:%u: warning: %zu more warnings not shown\n", p, d->first_line,
		       d->warnings_dropped);
	for (size_t i = 0; i < d->n_notes; i++)
		printf("%s:%u: note: %s\n", p, d->notes[i].line, d->notes[i].text);
	print_evidence(o, g);
	outcome_text(buf, sizeof(buf), &r->prediction);
	printf("%s:%u-%u: prediction from the dump alone: %s", p, d->first_line, d->last_line, buf);
	if (r->deciding_rule >= 0)
		printf(" [%s]", rule_id(r->deciding_rule));
	printf(" (%s; %zu failed, %zu undecided, %zu passed, %zu not applicable)\n",
	       g->proc.name[0] ? g->proc.name : "unknown processor", r->n_failed, r->n_undecided,
	       r->n_passed, r->n_not_applicable);
	if (g->passed_by_outcome && !o->verbose)
		printf(
		    "%s:%u: note: %zu checks the dump cannot decide passed, as the log's outcome "
		    "shows (--verbose lists them)\n",
		    p, d->first_line, g->passed_by_outcome);
	for (size_t i = 0; i < g->rep.n_findings; i++)
		undecided += g->f[i].severity == SEV_NOTE;
	if (undecided && !o->verbose)
		printf("%s:%u: note: %zu checks cannot be decided from this dump (--verbose lists "
		       "them)\n",
		       p, d->first_line, undecided);
	na = assumptions(d, as, 8);
	for (size_t i = 0; i < na; i++)
		printf("%s:%u: %s: %s\n", p, d->first_line, as[i].label, as[i].text);
	print_unknown(o, d);
}
