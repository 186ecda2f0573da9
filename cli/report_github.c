/*
 * report_github.c -- `--format github`: GitHub Actions workflow commands, so each finding and
 * each loader error shows as an annotation on its file, line and column in a pull request
 * ("Workflow commands for GitHub Actions": ::error file=F,line=L,col=C,title=T::MESSAGE).
 */
#include <string.h>

#include "checked.h"
#include "cli.h"

/* Data of a workflow command: %, CR and LF are escaped; properties also ':' and ','. */
static void escaped(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

/* One annotation; level is error, warning or notice. */
void github_annotation(FILE *out, const char *level, struct src_pos p, const char *title,
                       const char *message)
{
	fprintf(out, "::%s file=", level);
	escaped(out, p.file, true);
	if (p.line)
		fprintf(out, ",line=%u", p.line);
	if (p.col)
		fprintf(out, ",col=%u", p.col);
	fputs(",title=", out);
	escaped(out, title, true);
	fputs("::", out);
	escaped(out, message, false);
	fputc('\n', out);
}

static const char *level_of(const char *severity)
{
	return strcmp(severity, "note") == 0 ? "notice" : severity;
}

void report_github(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;
	char title[200], msg[CHECK_MSG_MAX * 2 + 600], outcome[320];

	for (size_t i = 0; i < c->diags.n; i++) {
		const struct load_diag *x = &c->diags.d[i];
		struct src_pos p = x->pos;

		if (!p.file)
			p.file = c->path;
		github_annotation(out, x->level == DIAG_ERROR ? "error" : "warning", p,
		                  "vmcslint: configuration", x->msg);
	}
	if (!r)
		return;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);

		if (rule->cls == CHECK_CLASS_VMWRITE) {
			for (size_t w = 0; w < r->n_vmwrite; w++) {
				const struct check_vmwrite *vw = &r->vmwrite[w];

				if (vw->rule != f->rule)
					continue;
				vmwrite_message(msg, sizeof(msg), vw);
				snprintf(title, sizeof(title), "%s: VMWRITE fails (error %u)",
				         rule->id, vw->error);
				github_annotation(out,
				                  vw->result == RULE_FAIL ? "warning" : "notice",
				                  vmwrite_pos(c, vw), title, msg);
			}
			continue;
		}
		outcome_text(outcome, sizeof(outcome), &f->outcome);
		snprintf(title, sizeof(title), "%s (SDM %s)", rule->id, rule->sdm_section);
		snprintf(msg, sizeof(msg), "%s\n%s: %s%s%s", f->message,
		         f->result == RULE_FAIL      ? "outcome"
		         : f->result == RULE_MAYFAIL ? "on processors that make this check"
		                                     : "if it fails",
		         outcome, f->hint[0] ? "\nhint: " : "", f->hint);
		github_annotation(out, level_of(finding_severity(f)), finding_pos(c, f), title,
		                  msg);
	}
	/* The prediction as a plain log line: annotations are the findings themselves. */
	outcome_text(outcome, sizeof(outcome), &r->prediction);
	fprintf(out, "%s: prediction: %s%s%s%s (caps %s)\n", c->path, outcome,
	        r->deciding_rule >= 0 ? " [" : "",
	        r->deciding_rule >= 0 ? check_rule_at((size_t)r->deciding_rule)->id : "",
	        r->deciding_rule >= 0 ? "]" : "", c->caps_name);
}
