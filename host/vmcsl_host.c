/*
 * vmcsl_host.c -- the host library's prefixed API (include/vmcsl_host.h) over the loader and
 * the check `vmcslint check` runs (cli/checked.c): one path, so a program linking the library
 * gets the verdicts and findings the command prints.
 */
#include <stdlib.h>
#include <string.h>

#include "adjust.h"
#include "capsdb_dir.h"
#include "checked.h"
#include "vmcsl_host.h"

struct vmcsl_lint {
	struct checked c;
	struct check_report *report; /* the buffer checked_run() fills (heap: 180 KiB) */
	bool loaded;
	char err[512];  /* the capsdb entry could not be loaded */
	char text[400]; /* the verdict in words */
};

void vmcsl_set_capsdb_dir(const char *dir)
{
	capsdb_set_dir(dir);
}

struct vmcsl_lint *vmcsl_lint_file(const char *path, const char *caps)
{
	struct vmcsl_lint *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->report = malloc(sizeof(*l->report));
	if (!l->report) {
		free(l);
		return NULL;
	}
	l->loaded = checked_run(&l->c, l->report, path, caps, l->err, sizeof(l->err));
	if (!l->loaded)
		snprintf(l->text, sizeof(l->text), "not checked: the configuration has errors");
	else if (checked_refused(&l->c))
		snprintf(l->text, sizeof(l->text), "the hypervisor refuses to run on %s",
		         l->c.caps_name);
	else
		outcome_text(l->text, sizeof(l->text), &l->c.report->prediction);
	return l;
}

void vmcsl_lint_free(struct vmcsl_lint *l)
{
	if (!l)
		return;
	checked_release(&l->c);
	free(l->report);
	free(l);
}

static enum vmcsl_outcome outcome_of(unsigned kind)
{
	switch (kind) {
	case OUTCOME_SUCCESS:
		return VMCSL_OUTCOME_SUCCESS;
	case OUTCOME_VMFAIL_INVALID:
		return VMCSL_OUTCOME_VMFAIL_INVALID;
	case OUTCOME_VMFAIL_VALID:
		return VMCSL_OUTCOME_VMFAIL_VALID;
	case OUTCOME_ENTRY_FAILURE:
		return VMCSL_OUTCOME_ENTRY_FAILURE;
	case OUTCOME_PROCESSOR_DEPENDENT:
		return VMCSL_OUTCOME_PROCESSOR_DEPENDENT;
	default:
		return VMCSL_OUTCOME_UNDECIDED;
	}
}

void vmcsl_lint_verdict(const struct vmcsl_lint *l, struct vmcsl_verdict *out)
{
	const struct check_report *r = l->c.report;

	memset(out, 0, sizeof(*out));
	out->text = l->text;
	out->caps = l->c.caps_name[0] ? l->c.caps_name : NULL;
	if (!l->loaded || !r) {
		out->outcome = VMCSL_OUTCOME_NOT_LOADED;
		return;
	}
	if (checked_refused(&l->c)) {
		out->outcome = VMCSL_OUTCOME_REFUSED;
		out->check = ADJUST_ID_REFUSED;
		return;
	}
	out->outcome = outcome_of(r->prediction.kind);
	out->vm_instruction_error = r->prediction.vm_instruction_error;
	out->exit_reason = r->prediction.exit_reason;
	out->exit_qualification = r->prediction.exit_qualification;
	out->check = r->deciding_rule >= 0 ? check_rule_at((size_t)r->deciding_rule)->id : NULL;
	out->failed = r->n_failed;
	out->undecided = r->n_undecided;
	out->passed = r->n_passed;
}

/* The capsdb error (when the entry could not be loaded) counts as one more loader error. */
static size_t n_load(const struct vmcsl_lint *l)
{
	return l->c.diags.n + (l->err[0] ? 1 : 0);
}

size_t vmcsl_lint_n_findings(const struct vmcsl_lint *l)
{
	return n_load(l) + (l->loaded && l->c.report ? l->c.report->n_findings : 0);
}

int vmcsl_lint_finding(const struct vmcsl_lint *l, size_t i, struct vmcsl_finding *out)
{
	memset(out, 0, sizeof(*out));
	out->hint = "";
	out->sdm_section = "";
	out->sdm_title = "";
	out->file = l->c.path;
	if (i < l->c.diags.n) {
		const struct load_diag *d = &l->c.diags.d[i];

		out->check = "CONFIG-LOAD";
		out->severity = d->level == DIAG_ERROR ? "error" : "warning";
		if (d->pos.file)
			out->file = d->pos.file;
		out->line = d->pos.line;
		out->column = d->pos.col;
		out->message = d->msg;
		return 0;
	}
	if (i < n_load(l)) {
		out->check = "CONFIG-LOAD";
		out->severity = "error";
		out->message = l->err;
		return 0;
	}
	i -= n_load(l);
	if (!l->loaded || !l->c.report || i >= l->c.report->n_findings)
		return -1;
	{
		const struct check_finding *f = &l->c.report->findings[i];
		const struct check_rule *rule = check_rule_at(f->rule);
		struct src_pos p = finding_pos(&l->c, f);

		out->check = rule->id;
		out->severity = finding_severity(f);
		if (p.file)
			out->file = p.file;
		out->line = p.line;
		out->column = p.col;
		out->message = f->message;
		out->hint = f->hint;
		out->sdm_section = rule->sdm_section;
		out->sdm_title = rule->sdm_title;
	}
	return 0;
}

const char *vmcsl_outcome_name(enum vmcsl_outcome o)
{
	switch (o) {
	case VMCSL_OUTCOME_REFUSED:
		return "refused";
	case VMCSL_OUTCOME_NOT_LOADED:
		return "not_loaded";
	case VMCSL_OUTCOME_SUCCESS:
		return check_outcome_name(OUTCOME_SUCCESS);
	case VMCSL_OUTCOME_VMFAIL_INVALID:
		return check_outcome_name(OUTCOME_VMFAIL_INVALID);
	case VMCSL_OUTCOME_VMFAIL_VALID:
		return check_outcome_name(OUTCOME_VMFAIL_VALID);
	case VMCSL_OUTCOME_ENTRY_FAILURE:
		return check_outcome_name(OUTCOME_ENTRY_FAILURE);
	case VMCSL_OUTCOME_PROCESSOR_DEPENDENT:
		return check_outcome_name(OUTCOME_PROCESSOR_DEPENDENT);
	default:
		return check_outcome_name(OUTCOME_UNDECIDED);
	}
}
