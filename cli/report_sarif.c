/*
 * report_sarif.c -- SARIF 2.1.0 output: one rule per check with its SDM citation, one result
 * per finding with its physical location, so code-scanning services accept it.
 */
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

void report_sarif(FILE *out, struct checked *runs, size_t n)
{
	bool first = true;

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
	fprintf(out, "]}}, \"results\": [");
	for (size_t k = 0; k < n; k++) {
		const struct check_report *r = runs[k].report;

		for (size_t i = 0; i < r->n_findings; i++) {
			const struct check_finding *f = &r->findings[i];
			const struct check_rule *rule = check_rule_at(f->rule);
			struct src_pos p = finding_pos(&runs[k], f);
			char outcome[200], msg[CHECK_MSG_MAX * 2 + 240];

			outcome_text(outcome, sizeof(outcome), &f->outcome);
			snprintf(msg, sizeof(msg), "%s (%s: %s)%s%s", f->message,
			         f->result == RULE_FAIL ? "outcome" : "if it fails", outcome,
			         f->hint[0] ? " Hint: " : "", f->hint);
			fprintf(out, "%s\n  {\"ruleId\": ", first ? "" : ",");
			json_string(out, rule->id);
			fprintf(out,
			        ", \"ruleIndex\": %u, \"level\": \"%s\", \"message\": {\"text\": ",
			        f->rule, f->result == RULE_FAIL ? "error" : "note");
			json_string(out, msg);
			fprintf(out,
			        "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
			        "{\"uri\": ");
			json_string(out, p.file);
			fprintf(out, "}, \"region\": {\"startLine\": %u, \"startColumn\": %u}}}]}",
			        p.line ? p.line : 1, p.col ? p.col : 1);
			first = false;
		}
	}
	fprintf(out, "]}]}\n");
}
