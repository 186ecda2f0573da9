/*
 * report_sarif.c -- SARIF 2.1.0 output: one rule per check with its SDM citation, one result
 * per finding with its physical location, so code-scanning services accept it.  Written as
 * the files are checked; a file that cannot be loaded gives results of the CONFIG-LOAD rule and
 * tool execution notifications, so nothing that went wrong is lost.
 */
#define _GNU_SOURCE /* open_memstream */
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "cli.h"

static void rule_json(FILE *out, const struct check_rule *r)
{
	char help[512];

	fprintf(out, "{\"id\": ");
	json_string(out, r->id);
	fprintf(out, ", \"shortDescription\": {\"text\": ");
	json_string(out, r->summary);
	snprintf(help, sizeof(help),
	         "Intel SDM %s \"%s\" (%s). Fields: %s. "
	         "'vmcslint explain %s' explains the check.",
	         r->sdm_section, r->sdm_title, VMCSLINT_SDM_EDITION, r->fields[0] ? r->fields : "-",
	         r->id);
	fprintf(out, "}, \"fullDescription\": {\"text\": ");
	json_string(out, help);
	fprintf(out, "}, \"help\": {\"text\": ");
	json_string(out, help);
	fprintf(out, "}, \"properties\": {\"sdm_section\": ");
	json_string(out, r->sdm_section);
	fprintf(out, ", \"sdm_title\": ");
	json_string(out, r->sdm_title);
	fprintf(out, "}}");
}

void sarif_result_json(FILE *out, bool *first, unsigned rule_index, const char *rule_id,
                       const char *level, const char *msg, struct src_pos p)
{
	fprintf(out, "%s\n  {\"ruleId\": ", *first ? "" : ",");
	json_string(out, rule_id);
	fprintf(out, ", \"ruleIndex\": %u, \"level\": \"%s\", \"message\": {\"text\": ", rule_index,
	        level);
	json_string(out, msg);
	fprintf(out, "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
	             "{\"uri\": ");
	json_string(out, p.file);
	fprintf(out, "}, \"region\": {\"startLine\": %u, \"startColumn\": %u}}}]}",
	        p.line ? p.line : 1, p.col ? p.col : 1);
	*first = false;
}

/* The rule of loader errors and warnings, after the checks in "rules". */
#define LOAD_RULE_ID "CONFIG-LOAD"

static void load_rule_json(FILE *out)
{
	fprintf(out, "{\"id\": \"" LOAD_RULE_ID "\", \"shortDescription\": {\"text\": "
	             "\"the configuration loads (YAML syntax, field names, values, capsdb "
	             "entry)\"}, \"fullDescription\": {\"text\": \"Errors and warnings of the "
	             "configuration loader (schema/README.md): a file with an error is not "
	             "checked.\"}}");
}

void report_sarif_begin(FILE *out, struct sarif_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->first = true;
	s->notes_out = tmpfile();
	if (!s->notes_out)
		s->notes_out = open_memstream(&s->notes, &s->notes_len);
	if (!s->notes_out)
		abort();
	fprintf(out,
	        "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", "
	        "\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": "
	        "\"vmcslint\", \"version\": \"%s\", \"informationUri\": "
	        "\"https://github.com/vmcslint/vmcslint\", \"rules\": [",
	        VMCSLINT_VERSION);
	for (size_t i = 0; i < check_rule_count(); i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		rule_json(out, check_rule_at(i));
	}
	fprintf(out, ",\n  ");
	load_rule_json(out);
	/* the hypervisor-adjustment rules follow CONFIG-LOAD: indices count + 1 on */
	adjusted_sarif_rules(out);
	fprintf(out, "]}}, \"results\": [");
}

/* Loader diagnostics: a result each, and a notification each for the invocation. */
static void load_results(FILE *out, struct sarif_stream *s, const struct checked *c)
{
	for (size_t i = 0; i < c->diags.n; i++) {
		const struct load_diag *x = &c->diags.d[i];
		struct src_pos p = x->pos;
		const char *level = x->level == DIAG_ERROR ? "error" : "warning";

		if (!p.file)
			p.file = c->path;
		sarif_result_json(out, &s->first, (unsigned)check_rule_count(), LOAD_RULE_ID, level,
		                  x->msg, p);
		fprintf(s->notes_out, "%s\n  {\"level\": \"%s\", \"message\": {\"text\": ",
		        ftell(s->notes_out) > 0 ? "," : "", level);
		json_string(s->notes_out, x->msg);
		fprintf(s->notes_out, "}, \"locations\": [{\"physicalLocation\": "
		                      "{\"artifactLocation\": {\"uri\": ");
		json_string(s->notes_out, p.file);
		fprintf(s->notes_out, "}, \"region\": {\"startLine\": %u, \"startColumn\": %u}}}]}",
		        p.line ? p.line : 1, p.col ? p.col : 1);
	}
}

void report_sarif_file(FILE *out, struct sarif_stream *s, const struct checked *c)
{
	const struct check_report *r = c->report;

	load_results(out, s, c);
	if (!r) {
		s->failed = true;
		return;
	}
	{
		struct adjusted a = checked_adjusted(c);

		adjusted_sarif_results(out, &a, &s->first, (unsigned)check_rule_count() + 1);
	}
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		char outcome[320], msg[CHECK_MSG_MAX * 2 + 400];

		if (rule->cls == CHECK_CLASS_VMWRITE) {
			/* One result per failing VMWRITE, at its field. */
			for (size_t w = 0; w < r->n_vmwrite; w++) {
				const struct check_vmwrite *vw = &r->vmwrite[w];

				if (vw->rule != f->rule)
					continue;
				vmwrite_message(outcome, sizeof(outcome), vw);
				snprintf(msg, sizeof(msg),
				         "%s (%s: VMfailValid, VM-instruction error %u; the VM "
				         "entry is judged without the field)%s%s",
				         outcome,
				         vw->result == RULE_FAIL ? "outcome of this VMWRITE"
				                                 : "if it fails",
				         vw->error, f->hint[0] ? " Hint: " : "", f->hint);
				sarif_result_json(out, &s->first, f->rule, rule->id,
				                  vw->result == RULE_FAIL ? "warning" : "note", msg,
				                  vmwrite_pos(c, vw));
			}
			continue;
		}
		outcome_text(outcome, sizeof(outcome), &f->outcome);
		snprintf(msg, sizeof(msg), "%s (%s: %s)%s%s", f->message,
		         f->result == RULE_FAIL      ? "outcome"
		         : f->result == RULE_MAYFAIL ? "on processors that make this check"
		                                     : "if it fails",
		         outcome, f->hint[0] ? " Hint: " : "", f->hint);
		sarif_result_json(out, &s->first, f->rule, rule->id, finding_severity(f), msg,
		                  finding_pos(c, f));
	}
}

void report_sarif_end(FILE *out, struct sarif_stream *s)
{
	char buf[8192];
	size_t n;
	long len;

	fflush(s->notes_out);
	len = ftell(s->notes_out);
	fprintf(out,
	        "], \"invocations\": [{\"executionSuccessful\": %s, "
	        "\"toolExecutionNotifications\": [",
	        s->failed ? "false" : "true");
	if (s->notes) {
		fwrite(s->notes, 1, s->notes_len, out);
	} else {
		rewind(s->notes_out);
		while ((n = fread(buf, 1, sizeof(buf), s->notes_out)) > 0)
			fwrite(buf, 1, n, out);
	}
	fclose(s->notes_out);
	fprintf(out, "%s]}]}]}\n", len > 0 ? "\n  " : "");
	free(s->notes);
	s->notes = NULL;
}
