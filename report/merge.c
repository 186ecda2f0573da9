/*
 * merge.c -- one report of several processors that may exist: the settings of capability bits
 * a capsdb entry does not know (adjust_settle()).  A check whose result is the same in every
 * setting keeps it; one that passes in some and does not apply in others passes; any other
 * difference is undecided, the message saying so.  The VMWRITE list likewise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcslint.h"

static bool quiet(enum rule_result r)
{
	return r == RULE_PASS || r == RULE_NA;
}

static const struct check_finding *finding_of(const struct check_report *rep, size_t rule)
{
	for (size_t i = 0; i < rep->n_findings; i++)
		if (rep->findings[i].rule == rule)
			return &rep->findings[i];
	return NULL;
}

static int by_rule(const void *a, const void *b)
{
	const struct check_finding *x = a, *y = b;

	return (int)x->rule - (int)y->rule;
}

/* f, from one of the settings, made undecided: its message says what it was there. */
static void make_undecided(struct check_finding *f, const char *why)
{
	char was[CHECK_MSG_MAX];

	snprintf(was, sizeof(was), "%s", f->message);
	size_t len = (size_t)snprintf(f->message, sizeof(f->message),
	                              "cannot decide: %s; in one of them: ", why);

	/* cut to the message's size, like every message */
	if (len < sizeof(f->message))
		snprintf(f->message + len, sizeof(f->message) - len, "%s", was);
	f->result = RULE_UNDECIDED;
}

/* The index in rep's VMWRITE list of field's VMWRITE failing with error, or -1. */
static int vmwrite_at(const struct check_report *rep, int field, unsigned error)
{
	for (size_t i = 0; i < rep->n_vmwrite; i++)
		if (rep->vmwrite[i].field == field && rep->vmwrite[i].error == error)
			return (int)i;
	return -1;
}

static int vmwrite_order(const void *a, const void *b)
{
	const struct check_vmwrite *x = a, *y = b;

	if (x->error != y->error)
		return (int)x->error - (int)y->error;
	return (int)x->field - (int)y->field;
}

static void merge_vmwrites(struct check_report *into, const struct check_report *other)
{
	const size_t cap = sizeof(into->vmwrite) / sizeof(into->vmwrite[0]);

	for (size_t i = 0; i < into->n_vmwrite; i++) {
		struct check_vmwrite *x = &into->vmwrite[i];
		int k = vmwrite_at(other, x->field, x->error);

		if (k < 0 || other->vmwrite[k].result != x->result)
			x->result = RULE_UNDECIDED;
	}
	for (size_t i = 0; i < other->n_vmwrite; i++) {
		const struct check_vmwrite *y = &other->vmwrite[i];

		if (vmwrite_at(into, y->field, y->error) >= 0 || into->n_vmwrite >= cap)
			continue;
		into->vmwrite[into->n_vmwrite] = *y;
		into->vmwrite[into->n_vmwrite++].result = RULE_UNDECIDED;
	}
	qsort(into->vmwrite, into->n_vmwrite, sizeof(into->vmwrite[0]), vmwrite_order);
	/* the core's VMWRITE sets follow the list */
	memset(into->core.vmwrite_fail, 0, sizeof(into->core.vmwrite_fail));
	memset(into->core.vmwrite_undecided, 0, sizeof(into->core.vmwrite_undecided));
	for (size_t i = 0; i < into->n_vmwrite; i++) {
		const struct check_vmwrite *x = &into->vmwrite[i];
		uint64_t bit = 1ull << (x->field % 64);
		int e = x->error == 13;

		if (x->result == RULE_FAIL)
			into->core.vmwrite_fail[e][x->field / 64] |= bit;
		else
			into->core.vmwrite_undecided[e][x->field / 64] |= bit;
	}
}

void check_report_merge(struct check_report *into, const struct check_report *other,
                        const char *why)
{
	size_t nr = check_rule_count();

	for (size_t rule = 0; rule < nr; rule++) {
		enum rule_result a = check_report_result(into, rule);
		enum rule_result b = check_report_result(other, rule);
		struct check_finding *f;

		if (a == b)
			continue;
		if (quiet(a) && quiet(b)) {
			vmcsl_result_set(&into->core, rule, RULE_PASS, 0);
			continue;
		}
		vmcsl_result_set(&into->core, rule, RULE_UNDECIDED,
		                 vmcsl_rule_msr_entry(&into->core, rule));
		f = (struct check_finding *)finding_of(into, rule);
		if (f) {
			make_undecided(f, why);
			continue;
		}
		if (!finding_of(other, rule))
			continue; /* not in other's report: it was truncated */
		if (into->n_findings >= CHECK_MAX_FINDINGS) {
			into->truncated = true;
			continue;
		}
		f = &into->findings[into->n_findings++];
		*f = *finding_of(other, rule);
		make_undecided(f, why);
	}
	qsort(into->findings, into->n_findings, sizeof(into->findings[0]), by_rule);
	merge_vmwrites(into, other);
	check_report_count(into);
	into->depends.msr |= other->depends.msr;
	into->depends.cpuid |= other->depends.cpuid;
}
