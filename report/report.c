/*
 * report.c -- the host-side report of a check: every finding with its message and hint, the
 * VMWRITEs that fail, the counts.  Built from the core's fast pass (vmcsl_check()) and
 * vmcsl_render() of the rules someone will read; the report is large (every message of every
 * finding) and belongs to hosted callers, not to the freestanding core.
 */
#include <string.h>

#include "vmcslint.h"

/* The VMWRITE list of the report: error 12 fields, then error 13 fields, in field order. */
static void list_vmwrites(struct check_report *rep, const struct vmcsl_result *res)
{
	uint64_t some = 0;

	rep->n_vmwrite = 0;
	/* most VMCSs have none: one pass over the sets, no list */
	for (int e = 0; e < 2; e++)
		for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
			some |= res->vmwrite_fail[e][w] | res->vmwrite_undecided[e][w];
	if (!some)
		return;
	for (int e = 0; e < 2; e++) {
		for (int w = 0; w < VMCSL_FIELD_WORDS; w++) {
			uint64_t fail = res->vmwrite_fail[e][w];
			uint64_t any = fail | res->vmwrite_undecided[e][w];

			for (; any; any &= any - 1) {
				unsigned b = (unsigned)__builtin_ctzll(any);
				struct check_vmwrite *x = &rep->vmwrite[rep->n_vmwrite++];

				x->field = (int16_t)(w * 64 + (int)b);
				x->result = (fail >> b) & 1u ? RULE_FAIL : RULE_UNDECIDED;
				x->error = e ? 13 : 12;
				x->rule = (uint16_t)e; /* VMWRITE-FIELD-EXISTS, VMWRITE-READ-ONLY */
			}
		}
	}
}

/* A finding of rule i rendered into *f. */
static void render(const struct vmcsl_input *ci, const struct vmcsl_result *res, size_t i,
                   enum rule_result r, struct check_finding *f)
{
	int field;
	uint32_t entry = vmcsl_rule_msr_entry(res, i);

	f->rule = (uint16_t)i;
	f->result = (uint8_t)r;
	f->outcome = check_rule_outcome(check_rule_at(i));
	f->msr_index = -1;
	if (check_rule_at(i)->cls == CHECK_CLASS_MSRLOAD) {
		f->outcome.exit_qualification = entry;
		f->msr_index = (int32_t)entry - 1;
	}
	vmcsl_render(ci, res, i, f->message, sizeof(f->message), f->hint, sizeof(f->hint), &field);
	f->field = (int16_t)field;
}

/*
 * What the prediction rests on: the reads of the classes up to the deciding rule's (controls
 * and host state count as one, the processor may check them in either order) when a failure
 * decides, since the processor never gets to the later checks; else of every class.  The
 * VMWRITEs come before any of them.
 */
static void prediction_depends(struct check_report *rep)
{
	static const uint8_t tier[CHECK_CLASS__COUNT] = {0, 1, 2, 2, 3, 4};
	unsigned k = rep->prediction.kind, last = 4;

	if (rep->deciding_rule >= 0 && (k == OUTCOME_VMFAIL_INVALID || k == OUTCOME_VMFAIL_VALID ||
	                                k == OUTCOME_ENTRY_FAILURE))
		last = tier[check_rule_at((size_t)rep->deciding_rule)->cls];
	uint32_t msr = 0, cpuid = 0;

	for (unsigned cls = 0; cls < CHECK_CLASS__COUNT; cls++) {
		if (tier[cls] > last)
			continue;
		msr |= rep->core.class_reads[cls].msr;
		cpuid |= rep->core.class_reads[cls].cpuid;
	}
	rep->depends.msr = msr;
	rep->depends.cpuid = cpuid;
}

/* Each byte of x replaced by its number of set bits (a portable popcount's first steps). */
static uint64_t byte_counts(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
}

/* The sum of the bytes of x (each at most 255 / 8 words' worth of counts). */
static size_t byte_sum(uint64_t x)
{
	x = (x & 0x00ff00ff00ff00ffull) + ((x >> 8) & 0x00ff00ff00ff00ffull);
	return (size_t)((x * 0x0001000100010001ull) >> 48);
}

/*
 * The counts of a report from its core result, by bytes: each word's per-byte counts (at most 8)
 * summed over the words, then the bytes summed once -- no branch per word and no serial
 * popcount chain (the words past the last rule are 0 in every set).
 */
void check_report_count(struct check_report *rep)
{
	const struct vmcsl_result *res = &rep->core;
	uint64_t na = 0, failed = 0, undecided = 0, mayfail = 0, any = 0;

	_Static_assert(VMCSL_RULE_WORDS * 8 <= 255, "per-byte counts fit a byte");
	for (size_t w = 0; w < VMCSL_RULE_WORDS; w++) {
		na += byte_counts(res->na[w]);
		any |= res->fail[w] | res->undecided[w] | res->mayfail[w];
	}
	/* most VMCSs have no finding */
	if (any)
		for (size_t w = 0; w < VMCSL_RULE_WORDS; w++) {
			failed += byte_counts(res->fail[w]);
			undecided += byte_counts(res->undecided[w]);
			mayfail += byte_counts(res->mayfail[w]);
		}
	rep->n_failed = byte_sum(failed);
	rep->n_undecided = byte_sum(undecided);
	rep->n_mayfail = byte_sum(mayfail);
	rep->n_not_applicable = byte_sum(na);
	rep->n_passed = check_rule_count() - rep->n_failed - rep->n_undecided - rep->n_mayfail -
	                rep->n_not_applicable;
}

enum rule_result check_report_result(const struct check_report *rep, size_t rule)
{
	return vmcsl_rule_result(&rep->core, rule);
}

void check_run(const struct check_input *in, struct check_report *rep)
{
	struct vmcsl_caps compiled;

	vmcsl_caps_compile(in->caps, &compiled);
	check_run_compiled(in, &compiled, rep);
}

/*
 * A dump that shows a handful of fields leaves most checks undecided: the report holds them all,
 * so that the one it shows failing, and every candidate that could explain a failure, is there.
 */
_Static_assert(CHECK_MAX_FINDINGS >= VMCSL_MAX_RULES, "a report holds every check's finding");

void check_run_compiled(const struct check_input *in, const struct vmcsl_caps *compiled,
                        struct check_report *rep)
{
	struct vmcsl_input ci = {in->vmcs, in->env, compiled};
	const struct vmcsl_result *res = &rep->core;
	size_t nr = check_rule_count();

	vmcsl_check(&ci, &rep->core);
	rep->n_findings = 0;
	rep->truncated = false;
	for (size_t w = 0; w * 64 < nr; w++) {
		uint64_t any = res->fail[w] | res->undecided[w] | res->mayfail[w];

		for (; any; any &= any - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(any);

			if (rep->n_findings >= CHECK_MAX_FINDINGS) {
				rep->truncated = true;
				continue;
			}
			render(&ci, res, i, vmcsl_rule_result(res, i),
			       &rep->findings[rep->n_findings++]);
		}
	}
	check_report_count(rep);
	list_vmwrites(rep, res);
	rep->prediction = res->prediction.outcome;
	rep->deciding_rule = res->prediction.rule;
	prediction_depends(rep);
	/* The caller tracks what the checks read of these capabilities. */
	if (in->caps && in->caps->reads) {
		struct vmx_caps_reads all = *in->caps->reads;

		for (unsigned cls = 0; cls < CHECK_CLASS__COUNT; cls++) {
			all.msr |= res->class_reads[cls].msr;
			all.cpuid |= res->class_reads[cls].cpuid;
		}
		*in->caps->reads = all;
	}
}

/*
 * Sets a finding's rule in the core result.  A rule found twice (a caller added one) keeps the
 * worse result, and of two MSR-load entries the one the processor meets first.
 */
static void put_finding(struct vmcsl_result *res, const struct check_finding *f)
{
	enum rule_result had = vmcsl_rule_result(res, f->rule);
	uint32_t q = (uint32_t)f->outcome.exit_qualification,
	         e = vmcsl_rule_msr_entry(res, f->rule);

	if (had == RULE_FAIL && f->result != RULE_FAIL)
		return;
	if (had == RULE_FAIL ||
	    (f->result != RULE_FAIL && (had == RULE_UNDECIDED || had == RULE_MAYFAIL)))
		q = e < q ? e : q;
	vmcsl_result_set(res, f->rule, (enum rule_result)f->result, q);
}

void check_predict(struct check_report *rep)
{
	struct vmcsl_result *res = &rep->core;

	for (size_t i = 0; i < check_rule_count(); i++)
		if (vmcsl_rule_result(res, i) != RULE_NA)
			vmcsl_result_set(res, i, RULE_PASS, 0);
	for (size_t i = 0; i < rep->n_findings; i++)
		put_finding(res, &rep->findings[i]);
	vmcsl_predict(res, 0, &res->prediction);
	rep->prediction = res->prediction.outcome;
	rep->deciding_rule = res->prediction.rule;
	prediction_depends(rep);
}
