/*
 * checked.c -- load + check one configuration, and the text and JSON reports.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"

bool checked_run(struct checked *c, const char *path, const char *caps_override, char *err,
                 size_t errlen)
{
	struct check_input in;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->loaded = config_load(path, &c->cfg, &c->diags, capsdb_resolver, NULL);
	if (!c->loaded)
		return false;
	if (caps_override) {
		if (!capsdb_load(caps_override, &c->caps, NULL, err, errlen, NULL))
			return false;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", c->caps.name);
	} else if (c->cfg.has_caps) {
		c->caps = c->cfg.caps;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", c->cfg.caps_name);
	} else {
		if (!capsdb_load(CAPSDB_DEFAULT_NAME, &c->caps, NULL, err, errlen, NULL))
			return false;
		snprintf(c->caps_name, sizeof(c->caps_name), "%s", CAPSDB_DEFAULT_NAME);
	}
	c->report = malloc(sizeof(*c->report));
	if (!c->report)
		abort();
	in.vmcs = &c->cfg.vmcs;
	in.caps = &c->caps;
	in.env = &c->cfg.env;
	check_run(&in, c->report);
	return true;
}

void checked_release(struct checked *c)
{
	free(c->report);
	config_release(&c->cfg);
	memset(c, 0, sizeof(*c));
}

void print_load_diags(FILE *out, const struct load_diags *d, const char *fallback_file)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct load_diag *x = &d->d[i];
		const char *file = x->pos.file ? x->pos.file : fallback_file;

		if (x->pos.line)
			fprintf(out, "%s:%u:%u: %s: %s\n", file, x->pos.line, x->pos.col,
			        x->level == DIAG_ERROR ? "error" : "warning", x->msg);
		else
			fprintf(out, "%s: %s: %s\n", file,
			        x->level == DIAG_ERROR ? "error" : "warning", x->msg);
	}
	if (d->dropped)
		fprintf(out, "%s: note: %zu more diagnostics not shown\n", fallback_file,
		        d->dropped);
}

struct src_pos finding_pos(const struct checked *c, const struct check_finding *f)
{
	struct src_pos p = c->cfg.vmcs_pos;

	if (f->msr_index >= 0 && (size_t)f->msr_index < c->cfg.env.n_msr_load)
		return c->cfg.msr_load_pos[f->msr_index];
	if (f->field >= 0 && c->cfg.field_pos[f->field].file)
		return c->cfg.field_pos[f->field];
	if (!p.file) {
		p.file = c->path;
		p.line = 1;
		p.col = 1;
	}
	return p;
}

void outcome_text(char *buf, size_t n, const struct check_outcome *o)
{
	switch (o->kind) {
	case OUTCOME_SUCCESS:
		snprintf(buf, n, "VM entry succeeds");
		break;
	case OUTCOME_VMFAIL_INVALID:
		snprintf(buf, n, "VMfailInvalid");
		break;
	case OUTCOME_VMFAIL_VALID:
		if (o->error_alt)
			snprintf(buf, n, "VMfailValid, VM-instruction error %u or %u",
			         o->vm_instruction_error, o->error_alt);
		else
			snprintf(buf, n, "VMfailValid, VM-instruction error %u",
			         o->vm_instruction_error);
		break;
	case OUTCOME_ENTRY_FAILURE:
		snprintf(buf, n, "VM-entry failure, exit reason %u (0x%x), qualification %llu%s",
		         o->exit_reason, 0x80000000u | o->exit_reason,
		         (unsigned long long)o->exit_qualification,
		         o->qualification_varies
		             ? " (other failing checks give other qualifications)"
		             : "");
		break;
	default:
		snprintf(buf, n, "undecided (a check needs a value that is unknown)");
	}
}

void report_text(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;
	char buf[200];

	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos p = finding_pos(c, f);

		outcome_text(buf, sizeof(buf), &f->outcome);
		fprintf(out, "%s:%u:%u: %s: [%s] %s\n", p.file, p.line, p.col,
		        f->result == RULE_FAIL ? "error" : "note", rule->id, f->message);
		if (f->hint[0])
			fprintf(out, "    hint: %s\n", f->hint);
		fprintf(out, "    SDM %s \"%s\"; %s: %s\n", rule->sdm_section, rule->sdm_title,
		        f->result == RULE_FAIL ? "outcome" : "if it fails", buf);
	}
	outcome_text(buf, sizeof(buf), &r->prediction);
	fprintf(out, "%s: prediction: %s", c->path, buf);
	if (r->deciding_rule >= 0)
		fprintf(out, " [%s]", check_rule_at((size_t)r->deciding_rule)->id);
	fprintf(out, " (caps %s; %zu failed, %zu undecided, %zu passed, %zu not applicable)\n",
	        c->caps_name, r->n_failed, r->n_undecided, r->n_passed, r->n_not_applicable);
}

void report_json_outcome(FILE *out, const struct check_outcome *o, const char *check_id)
{
	fprintf(out, "{\"outcome\": \"%s\"", check_outcome_name(o->kind));
	if (o->kind == OUTCOME_VMFAIL_VALID) {
		fprintf(out, ", \"vm_instruction_error\": %u", o->vm_instruction_error);
		if (o->error_alt)
			fprintf(out, ", \"vm_instruction_error_any_of\": [%u, %u]",
			        o->vm_instruction_error, o->error_alt);
	}
	if (o->kind == OUTCOME_ENTRY_FAILURE) {
		fprintf(out, ", \"exit_reason\": %u, \"exit_qualification\": %llu", o->exit_reason,
		        (unsigned long long)o->exit_qualification);
		if (o->qualification_varies)
			fprintf(out, ", \"exit_qualification_varies\": true");
	}
	if (check_id) {
		fprintf(out, ", \"check\": ");
		json_string(out, check_id);
	}
	fputc('}', out);
}

void report_json_result(FILE *out, const struct checked *c)
{
	const struct check_report *r = c->report;

	fprintf(out, "{\"file\": ");
	json_string(out, c->path);
	fprintf(out, ", \"caps\": ");
	json_string(out, c->caps_name);
	fprintf(out, ",\n   \"prediction\": ");
	report_json_outcome(out, &r->prediction,
	                    r->deciding_rule >= 0 ? check_rule_at((size_t)r->deciding_rule)->id
	                                          : NULL);
	fprintf(out, ",\n   \"diagnostics\": [");
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct check_finding *f = &r->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos p = finding_pos(c, f);
		const char *fl = rule->fields;

		fprintf(out, "%s\n    {\"check\": ", i ? "," : "");
		json_string(out, rule->id);
		fprintf(out, ", \"severity\": \"%s\", \"outcome\": ",
		        f->result == RULE_FAIL ? "error" : "note");
		report_json_outcome(out, &f->outcome, NULL);
		fprintf(out, ", \"sdm\": ");
		json_string(out, rule->sdm_section);
		fprintf(out, ", \"fields\": [");
		for (int k = 0; *fl; k++) {
			size_t len = strcspn(fl, ",");

			fprintf(out, "%s", k ? ", " : "");
			json_string_n(out, fl, len);
			fl += len;
			if (*fl == ',')
				fl++;
		}
		fprintf(out, "], \"message\": ");
		json_string(out, f->message);
		fprintf(out, ", \"hint\": ");
		json_string(out, f->hint);
		fprintf(out, ", \"line\": %u, \"column\": %u}", p.line, p.col);
	}
	fprintf(out, "%s]}", r->n_findings ? "\n   " : "");
}
