/*
 * deviations.c -- KNOWN-DEVIATIONS.md as rules applied to the checker's report
 * (deviations.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deviations.h"
#include "helpers.h"
#include "vmcs_ids.h"

static int rule_index(const char *id, size_t len)
{
	for (size_t i = 0; i < check_rule_count(); i++) {
		const char *r = check_rule_at(i)->id;

		if (strlen(r) == len && strncmp(r, id, len) == 0)
			return (int)i;
	}
	return -1;
}

static unsigned class_of_outcome(const struct check_outcome *o)
{
	if (o->kind == OUTCOME_VMFAIL_VALID)
		return o->vm_instruction_error == 8   ? CHECK_CLASS_HOST
		       : o->vm_instruction_error == 7 ? CHECK_CLASS_CTLS
		                                      : CHECK_CLASS_INSTR;
	return o->exit_reason == 34 ? CHECK_CLASS_MSRLOAD : CHECK_CLASS_GUEST;
}

/*
 * The first rule whose own outcome is o (the MSR-load entry aside): what a finding becomes when
 * Bochs reports it so.  The prediction reads a rule's outcome from the rule.
 */
static int stand_in(const struct check_outcome *o)
{
	unsigned cls = class_of_outcome(o);

	for (size_t i = 0; i < check_rule_count(); i++) {
		const struct check_rule *r = check_rule_at(i);
		struct check_outcome ro = check_rule_outcome(r);

		if (r->cls == cls && ro.vm_instruction_error == o->vm_instruction_error &&
		    (cls == CHECK_CLASS_MSRLOAD || ro.exit_qualification == o->exit_qualification))
			return (int)i;
	}
	return -1;
}

static bool parse_outcome(const char *s, struct check_outcome *o)
{
	unsigned a, b;

	memset(o, 0, sizeof(*o));
	if (sscanf(s, "vmfail_valid %u", &a) == 1) {
		o->kind = OUTCOME_VMFAIL_VALID;
		o->vm_instruction_error = (uint8_t)a;
		return true;
	}
	if (sscanf(s, "entry_failure %u %u", &a, &b) == 2) {
		o->kind = OUTCOME_ENTRY_FAILURE;
		o->exit_reason = (uint16_t)a;
		o->exit_qualification = b;
		return true;
	}
	return false;
}

/* "if FIELD&0xMASK=0xVALUE [and ...]" at the end of spec: read and cut off. */
static bool parse_cond(struct deviation *d, char *spec, char *err, size_t errlen)
{
	char *p = strstr(spec, " if "), *q, field[80];
	const struct vmcs_field_info *f;
	unsigned long long mask, value;

	d->n_cond = 0;
	if (!p)
		return true;
	for (q = p + 4;;) {
		char *next = strstr(q, " and ");

		if (d->n_cond == DEV_MAX_CONDS ||
		    sscanf(q, "%79[A-Z0-9_]&%llx=%llx", field, &mask, &value) != 3 ||
		    !(f = vmcs_field_by_name(field, strlen(field), NULL))) {
			snprintf(err, errlen, "line %u: cannot read the condition '%s'", d->line,
			         q);
			return false;
		}
		d->cond[d->n_cond].field = vmcs_field_index(f);
		d->cond[d->n_cond].mask = mask;
		d->cond[d->n_cond].value = value;
		d->n_cond++;
		if (!next)
			break;
		q = next + 5;
	}
	*p = '\0';
	return true;
}

static bool parse_spec(struct deviation *d, char *err, size_t errlen)
{
	char spec[160], *models, *rest;
	size_t len;

	snprintf(spec, sizeof(spec), "%s", d->spec);
	models = strchr(spec, '[');
	if (models) {
		char *end = strchr(models, ']');

		if (!end) {
			snprintf(err, errlen, "line %u: '[' without ']'", d->line);
			return false;
		}
		*end = '\0';
		snprintf(d->models, sizeof(d->models), "%s", models + 1);
		while (models > spec && models[-1] == ' ')
			models--;
		*models = '\0';
	}
	if (!parse_cond(d, spec, err, errlen))
		return false;
	if (strcmp(spec, "aborts") == 0) {
		d->kind = DEV_ABORTS;
		if (d->n_cond == 0) {
			snprintf(err, errlen, "line %u: aborts needs a condition", d->line);
			return false;
		}
		return true;
	}
	if (strncmp(spec, "skip ", 5) == 0) {
		d->kind = DEV_SKIP;
		rest = spec + 5;
		len = strcspn(rest, " ");
		d->rule = rule_index(rest, len);
		if (rest[len] == ' ') {
			if (sscanf(rest + len, " msr=%x", &d->msr) != 1) {
				snprintf(err, errlen, "line %u: after the rule, only msr=0xINDEX",
				         d->line);
				return false;
			}
			d->has_msr = true;
		}
	} else if (strncmp(spec, "extra ", 6) == 0) {
		d->kind = DEV_EXTRA;
		snprintf(d->extra, sizeof(d->extra), "%s", spec + 6);
		if (strcmp(d->extra, "tsc-multiplier-zero") != 0 &&
		    strcmp(d->extra, "cs-rpl-dpl") != 0 &&
		    strcmp(d->extra, "cet-first-draft") != 0 &&
		    sscanf(d->extra, "msr-absent=%x", &d->msr) != 1) {
			snprintf(err, errlen, "line %u: unknown extra check '%s'", d->line,
			         d->extra);
			return false;
		}
		return true;
	} else if ((rest = strstr(spec, " reports ")) != NULL) {
		d->kind = DEV_REPORTS;
		d->rule = rule_index(spec, (size_t)(rest - spec));
		if (!parse_outcome(rest + 9, &d->reports)) {
			snprintf(err, errlen, "line %u: cannot read the outcome '%s'", d->line,
			         rest + 9);
			return false;
		}
	} else {
		snprintf(err, errlen, "line %u: neither skip, reports nor extra: '%s'", d->line,
		         spec);
		return false;
	}
	if (d->rule < 0) {
		snprintf(err, errlen, "line %u: no check is named in '%s'", d->line, d->spec);
		return false;
	}
	return true;
}

bool dev_read(const char *path, struct deviation **out, size_t *n, char *err, size_t errlen)
{
	char *text = read_file(path, NULL), *line, *next;
	unsigned lineno = 0;

	*out = NULL;
	*n = 0;
	if (!text) {
		snprintf(err, errlen, "cannot read %s", path);
		return false;
	}
	for (line = text; line; line = next) {
		char *end;
		struct deviation *d;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (strncmp(line, "- `", 3) != 0 || !(end = strchr(line + 3, '`')))
			continue;
		*out = realloc(*out, (*n + 1) * sizeof(**out));
		if (!*out)
			abort();
		d = &(*out)[(*n)++];
		memset(d, 0, sizeof(*d));
		d->line = lineno;
		d->rule = -1;
		snprintf(d->spec, sizeof(d->spec), "%.*s", (int)(end - line - 3), line + 3);
		if (!parse_spec(d, err, errlen)) {
			free(text);
			return false;
		}
	}
	free(text);
	return true;
}

static bool for_model(const struct deviation *d, const char *model)
{
	const char *p = d->models;
	size_t len = strlen(model);

	if (!d->models[0])
		return true;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, model, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool cond_holds(const struct deviation *d, const struct diff_case *c)
{
	for (size_t i = 0; i < d->n_cond; i++) {
		if ((c->vmcs.value[d->cond[i].field] & d->cond[i].mask) != d->cond[i].value)
			return false;
	}
	return true;
}

/* Removes finding i, keeping the counts as the checker would have had them. */
static void drop(struct check_report *rep, size_t i)
{
	const struct check_finding *f = &rep->findings[i];

	if (f->result == RULE_FAIL)
		rep->n_failed--;
	else if (f->result == RULE_MAYFAIL)
		rep->n_mayfail--;
	else
		rep->n_undecided--;
	vmcsl_result_set(&rep->core, f->rule, RULE_PASS, 0);
	rep->n_passed++;
	memmove(&rep->findings[i], &rep->findings[i + 1],
	        (rep->n_findings - i - 1) * sizeof(rep->findings[0]));
	rep->n_findings--;
}

static bool add(struct check_report *rep, const struct check_outcome *o)
{
	struct check_finding *f;
	unsigned cls = class_of_outcome(o);
	int r = stand_in(o);

	if (r < 0 || rep->n_findings >= CHECK_MAX_FINDINGS)
		return false;
	f = &rep->findings[rep->n_findings++];
	memset(f, 0, sizeof(*f));
	f->rule = (uint16_t)r;
	f->result = RULE_FAIL;
	f->outcome = *o;
	f->field = -1;
	f->msr_index = cls == CHECK_CLASS_MSRLOAD ? (int32_t)o->exit_qualification - 1 : -1;
	return true;
}

/* A check Bochs adds: whether it fails on c, and with what outcome. */
static bool extra_fails(const struct deviation *d, const struct diff_case *c,
                        struct check_outcome *o)
{
	const uint64_t *v = c->vmcs.value;

	memset(o, 0, sizeof(*o));
	if (strcmp(d->extra, "tsc-multiplier-zero") == 0) {
		bool scaling =
		    (v[VMCS_CPU_BASED_VM_EXEC_CONTROL] &
		     BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)) &&
		    (v[VMCS_SECONDARY_VM_EXEC_CONTROL] & BITMASK(L_PROC2, USE_TSC_SCALING));

		o->kind = OUTCOME_VMFAIL_VALID;
		o->vm_instruction_error = 7;
		return scaling && v[VMCS_TSC_MULTIPLIER] == 0;
	}
	if (strcmp(d->extra, "cs-rpl-dpl") == 0) {
		/* Outside virtual-8086 mode: a non-conforming code CS needs RPL = DPL, a
		 * conforming one RPL >= DPL. */
		uint64_t ar = v[VMCS_GUEST_CS_AR_BYTES];
		unsigned type = ar & 0xf, dpl = (ar >> 5) & 3;
		unsigned rpl = v[VMCS_GUEST_CS_SELECTOR] & 3;

		o->kind = OUTCOME_ENTRY_FAILURE;
		o->exit_reason = 33;
		if (v[VMCS_GUEST_RFLAGS] & BITMASK(L_RFLAGS, VM))
			return false;
		return ((type == 9 || type == 11) && rpl != dpl) ||
		       ((type == 13 || type == 15) && rpl < dpl);
	}
	if (strcmp(d->extra, "cet-first-draft") == 0) {
		/* With "load CET state": the guest IA32_S_CET and SSP fields canonical (48-bit),
		 * and bits 63:32 of both 0 unless "IA-32e mode guest". */
		bool ia32e = v[VMCS_VM_ENTRY_CONTROLS] & BITMASK(L_ENTRY, IA32E_MODE_GUEST);
		const int fields[2] = {VMCS_GUEST_S_CET, VMCS_GUEST_SSP};

		o->kind = OUTCOME_ENTRY_FAILURE;
		o->exit_reason = 33;
		if (!(v[VMCS_VM_ENTRY_CONTROLS] & BITMASK(L_ENTRY, LOAD_CET_STATE)))
			return false;
		for (int k = 0; k < 2; k++) {
			uint64_t x = v[fields[k]], top = x >> 47;

			if ((top != 0 && top != 0x1ffff) || (!ia32e && (x >> 32)))
				return true;
		}
		return false;
	}
	/* msr-absent: the first MSR-load entry naming that MSR faults. */
	for (size_t k = 0;
	     c->env.msr_load_known && k < c->env.n_msr_load && k < v[VMCS_VM_ENTRY_MSR_LOAD_COUNT];
	     k++) {
		if (c->env.msr_load[k].index == d->msr) {
			o->kind = OUTCOME_ENTRY_FAILURE;
			o->exit_reason = 34;
			o->exit_qualification = k + 1;
			return true;
		}
	}
	return false;
}

size_t dev_apply(const struct deviation *d, size_t n, const char *model, const struct diff_case *c,
                 struct check_report *rep, bool *applied)
{
	size_t count = 0;

	for (size_t k = 0; k < n; k++)
		applied[k] = false;
	/* Skips and changed outcomes, judged on each finding's own rule. */
	for (size_t i = rep->n_findings; i-- > 0;) {
		struct check_finding *f = &rep->findings[i];
		int rule = f->rule;

		for (size_t k = 0; k < n; k++) {
			const struct deviation *x = &d[k];

			if (x->rule != rule || x->kind == DEV_EXTRA || x->kind == DEV_ABORTS ||
			    !for_model(x, model) || !cond_holds(x, c))
				continue;
			if (x->kind == DEV_SKIP) {
				if (x->has_msr && (f->msr_index < 0 || !c->env.msr_load ||
				                   c->env.msr_load[f->msr_index].index != x->msr))
					continue;
				applied[k] = true;
				drop(rep, i);
				break;
			}
			if (f->result == RULE_UNDECIDED)
				continue;
			applied[k] = true;
			f->rule = (uint16_t)stand_in(&x->reports);
			f->result = RULE_FAIL;
			f->outcome.kind = x->reports.kind;
			f->outcome.vm_instruction_error = x->reports.vm_instruction_error;
			f->outcome.exit_reason = x->reports.exit_reason;
			if (x->reports.exit_reason != 34)
				f->outcome.exit_qualification = x->reports.exit_qualification;
			break;
		}
	}
	for (size_t k = 0; k < n; k++) {
		struct check_outcome o;

		if (d[k].kind == DEV_EXTRA && for_model(&d[k], model) &&
		    extra_fails(&d[k], c, &o) && add(rep, &o))
			applied[k] = true;
	}
	for (size_t k = 0; k < n; k++)
		count += applied[k];
	if (count)
		check_predict(rep);
	return count;
}

int dev_aborts(const struct deviation *d, size_t n, const char *model, const struct diff_case *c,
               const struct check_report *rep)
{
	if (rep->prediction.kind != OUTCOME_SUCCESS)
		return -1;
	for (size_t k = 0; k < n; k++) {
		if (d[k].kind == DEV_ABORTS && for_model(&d[k], model) && cond_holds(&d[k], c))
			return (int)k;
	}
	return -1;
}
