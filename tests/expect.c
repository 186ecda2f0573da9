/*
 * expect.c -- `# expect:` lines, and configurations checked the way the CLI checks them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "expect.h"
#include "helpers.h"

bool expect_read(const char *path, struct expectation *e)
{
	char *text = read_file(path, NULL), *p, kind[32] = "";
	int n;

	memset(e, 0, sizeof(*e));
	if (!text)
		return false;
	p = strstr(text, "# expect: ");
	if (!p) {
		free(text);
		return false;
	}
	p += 10;
	n = sscanf(p, "%31s", kind);
	if (n != 1) {
		free(text);
		return false;
	}
	p += strlen(kind);
	if (strcmp(kind, "success") == 0) {
		e->kind = OUTCOME_SUCCESS;
	} else if (strcmp(kind, "undecided") == 0) {
		e->kind = OUTCOME_UNDECIDED;
	} else if (strcmp(kind, "vmfail_invalid") == 0) {
		e->kind = OUTCOME_VMFAIL_INVALID;
	} else if (strcmp(kind, "processor_dependent") == 0) {
		e->kind = OUTCOME_PROCESSOR_DEPENDENT;
		sscanf(p, " %63[A-Z0-9-]", e->check);
	} else if (strcmp(kind, "vmfail_valid") == 0) {
		e->kind = OUTCOME_VMFAIL_VALID;
		if (sscanf(p, " %u/%u %63[A-Z0-9-]", &e->number, &e->alt, e->check) < 2)
			sscanf(p, " %u %63[A-Z0-9-]", &e->number, e->check);
	} else if (strcmp(kind, "entry_failure") == 0) {
		unsigned long long other;

		e->kind = OUTCOME_ENTRY_FAILURE;
		if (sscanf(p, " %u %llu/%llu %63[A-Z0-9-]", &e->number, &e->qualification, &other,
		           e->check) >= 3)
			e->qualification_varies = true;
		else
			sscanf(p, " %u %llu %63[A-Z0-9-]", &e->number, &e->qualification, e->check);
	} else {
		free(text);
		return false;
	}
	free(text);
	return true;
}

bool expect_check(const char *path, struct vmcs_config *cfg, struct check_report *rep,
                  struct load_diags *diags)
{
	struct vmx_caps caps;
	struct check_input in;
	char err[256];

	capsdb_set_dir("capsdb/cpus");
	memset(diags, 0, sizeof(*diags));
	if (!config_load(path, cfg, diags, capsdb_resolver, NULL))
		return false;
	if (cfg->has_caps)
		caps = cfg->caps;
	else if (!capsdb_load(CAPSDB_DEFAULT_NAME, &caps, NULL, err, sizeof(err), NULL))
		return false;
	in.vmcs = &cfg->vmcs;
	in.caps = &caps;
	in.env = &cfg->env;
	check_run(&in, rep);
	return true;
}

bool expect_matches(const struct expectation *e, const struct check_report *rep, char *why,
                    size_t n)
{
	const struct check_outcome *o = &rep->prediction;
	const char *got =
	    rep->deciding_rule >= 0 ? check_rule_at((size_t)rep->deciding_rule)->id : "-";

	snprintf(why, n, "predicted %s (error %u, exit %u, qualification %llu, check %s)",
	         check_outcome_name(o->kind), o->vm_instruction_error, o->exit_reason,
	         (unsigned long long)o->exit_qualification, got);
	if (o->kind != e->kind)
		return false;
	if (e->kind == OUTCOME_VMFAIL_VALID && e->number) {
		unsigned lo = o->vm_instruction_error, hi = o->error_alt;
		unsigned want_lo = e->number, want_hi = e->alt;

		if (hi && hi < lo) {
			unsigned t = lo;
			lo = hi;
			hi = t;
		}
		if (want_hi && want_hi < want_lo) {
			unsigned t = want_lo;
			want_lo = want_hi;
			want_hi = t;
		}
		if (lo != want_lo || hi != want_hi)
			return false;
	}
	if (e->kind == OUTCOME_ENTRY_FAILURE &&
	    (e->number != o->exit_reason || e->qualification != o->exit_qualification ||
	     e->qualification_varies != o->qualification_varies))
		return false;
	if (e->check[0]) {
		/* The named check must fail (it need not be the one listed first). */
		for (size_t i = 0; i < check_rule_count(); i++) {
			if (strcmp(check_rule_at(i)->id, e->check) == 0)
				return check_report_result(rep, i) ==
				       (e->kind == OUTCOME_PROCESSOR_DEPENDENT ? RULE_MAYFAIL
				                                               : RULE_FAIL);
		}
		return false;
	}
	return true;
}
