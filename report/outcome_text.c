/*
 * outcome_text.c -- a prediction or an observed outcome in words, as check, diagnose, matrix
 * and the probe's judge print it.
 */
#include <stdio.h>

#include "outcome_text.h"

struct check_outcome outcome_otherwise(const struct check_outcome *o)
{
	struct check_outcome w = {o->otherwise_kind,
	                          0,
	                          0,
	                          o->otherwise_exit_reason,
	                          o->otherwise_qualification,
	                          false,
	                          0,
	                          0,
	                          0};

	return w;
}

void outcome_text(char *buf, size_t n, const struct check_outcome *o)
{
	char other[120];
	struct check_outcome w;

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
		             ? " (other checks that fail or may fail give other qualifications)"
		             : "");
		break;
	case OUTCOME_PROCESSOR_DEPENDENT:
		w = outcome_otherwise(o);
		outcome_text(other, sizeof(other), &w);
		snprintf(buf, n,
		         "processor-dependent: VM-entry failure, exit reason %u (0x%x), "
		         "qualification %llu on processors that make this check, else %s",
		         o->exit_reason, 0x80000000u | o->exit_reason,
		         (unsigned long long)o->exit_qualification, other);
		break;
	default:
		snprintf(buf, n, "undecided (a check needs a value that is unknown)");
	}
}
