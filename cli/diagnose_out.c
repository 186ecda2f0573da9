/*
 * diagnose_out.c -- what the outputs of `vmcslint diagnose` share: the log's verdict in words,
 * positions of findings in the log, names of severities and sources, the assumptions.
 */
#include <stdio.h>
#include <string.h>

#include "diagnose_out.h"
#include "vmcs_ids.h"

const char *rule_id(int rule)
{
	return rule >= 0 ? check_rule_at((size_t)rule)->id : "?";
}

/* KVM's internal-error suberrors (KVM_INTERNAL_ERROR_* in Linux's uapi/linux/kvm.h). */
static const char *kvm_suberror_name(uint32_t s)
{
	static const char *const names[] = {"", "emulation failure", "simultaneous exceptions",
	                                    "an event it could not deliver",
	                                    "an unexpected exit reason"};

	return s < sizeof(names) / sizeof(names[0]) && s ? names[s] : "another cause";
}

void verdict_text(char *buf, size_t n, const struct dump_verdict *v)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		snprintf(buf, n, "the entry succeeded (VM exit, reason %u)", v->exit_reason);
		break;
	case VERDICT_ENTRY_FAILURE:
		if (v->qual_known)
			snprintf(
			    buf, n, "VM-entry failure, exit reason %u (0x%x), qualification %llu",
			    v->exit_reason, v->full_reason, (unsigned long long)v->qualification);
		else
			snprintf(buf, n, "VM-entry failure, exit reason %u (0x%x)", v->exit_reason,
			         v->full_reason);
		break;
	case VERDICT_VMFAIL_VALID:
		if (v->vm_error)
			snprintf(buf, n, "VMfailValid, VM-instruction error %u", v->vm_error);
		else
			snprintf(buf, n, "VMfailValid (error not stated)");
		break;
	case VERDICT_VMFAIL_INVALID:
		snprintf(buf, n, "VMfailInvalid");
		break;
	case VERDICT_NO_ERROR:
		snprintf(buf, n, "KVM took the entry for failed, with no VM-instruction error (0)");
		break;
	case VERDICT_KVM_INTERNAL:
		snprintf(buf, n, "a KVM internal error, suberror %u (%s): no VM entry failed",
		         v->full_reason, kvm_suberror_name(v->full_reason));
		break;
	case VERDICT_REGS_REJECTED:
		snprintf(buf, n, "KVM refused the registers QEMU gave it: no VM entry was made");
		break;
	case VERDICT_NOT_VMX:
		snprintf(buf, n, "a failure reason 0x%x that no VMX entry gives%s", v->full_reason,
		         v->full_reason == 0xffffffffu ? " (AMD SVM's VMEXIT_INVALID)" : "");
		break;
	default:
		snprintf(buf, n, "nothing");
	}
}

const char *verdict_source_text(const struct dump_verdict *v)
{
	return v->source == VSRC_DUMP_FIELD ? "the dump's VM-exit reason field" : "the log";
}

void finding_at(const struct dump *d, const struct check_finding *f, unsigned *line, unsigned *col)
{
	*line = d->first_line;
	*col = 1;
	if (f->msr_index >= 0 && (size_t)f->msr_index < d->env.n_msr_load &&
	    f->msr_index < DUMP_MAX_MSRS) {
		*line = d->msr_load_line[f->msr_index];
		return;
	}
	if (f->field >= 0 && d->vmcs.known[f->field] && d->field_line[f->field]) {
		*line = d->field_line[f->field];
		*col = d->field_col[f->field] ? d->field_col[f->field] : 1;
	}
}

size_t count_unknown(const struct dump *d)
{
	size_t n = 0;

	for (size_t i = 0; i < vmcs_field_count(); i++)
		if (!d->vmcs.known[i])
			n++;
	return n;
}

const char *agree_text(int agree)
{
	return agree == 1   ? "agrees with the log"
	       : agree == 0 ? "disagrees with the log"
	                    : "cannot compare with the log";
}

const char *severity_name(unsigned sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note";
}

const char *status_name(unsigned sev)
{
	static const char *const names[] = {"fails", "fails with assumed capabilities",
	                                    "contradicted by the log", "undecided",
	                                    "passed (the log's outcome)"};

	return sev < 5 ? names[sev] : "?";
}

const char *decider_name(unsigned dec)
{
	static const char *const names[] = {NULL, "dump", "evidence", "capabilities"};

	return dec < 4 ? names[dec] : NULL;
}

const char *evidence_kind_name(unsigned kind)
{
	static const char *const names[] = {"dump", "log", "outcome", "architecture"};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

size_t assumptions(const struct dump *d, struct assumption *out, size_t max)
{
	size_t n = 0;

	if (n < max) {
		if (d->instruction_from_log || d->launch_state_from_log) {
			out[n].label = "from the log";
			snprintf(out[n++].text, 200, "%s with launch state %s (line %u)",
			         d->env.instruction == VMENTRY_VMRESUME ? "VMRESUME" : "VMLAUNCH",
			         d->env.launch_state == LAUNCH_STATE_LAUNCHED ? "launched"
			                                                      : "clear",
			         d->observed.line);
		} else {
			out[n].label = "assumed";
			snprintf(out[n++].text, 200,
			         "VMLAUNCH with launch state clear (the log does not say which "
			         "instruction was executed)");
		}
	}
	if (n < max) {
		out[n].label = d->mov_ss_from_log ? "from the log" : "assumed";
		snprintf(out[n++].text, 200, "%sblocking by MOV SS at the VM-entry instruction",
		         d->env.mov_ss_blocking ? "" : "no ");
	}
	if (n < max) {
		if (d->mode_from_dump) {
			out[n].label = "from the dump";
			snprintf(out[n++].text, 200,
			         "the VM-entry instruction ran in %s (HOST_RIP 0x%llx, line %u)",
			         d->env.ia32e_mode ? "IA-32e mode" : "legacy mode",
			         (unsigned long long)d->vmcs.value[VMCS_HOST_RIP],
			         d->field_line[VMCS_HOST_RIP]);
		} else {
			out[n].label = "assumed";
			snprintf(out[n++].text, 200,
			         "the VM-entry instruction ran in IA-32e mode (a 64-bit host)");
		}
	}
	if (n < max) {
		if (d->env.msr_load_known && d->env.n_msr_load) {
			out[n].label = "from the dump";
			snprintf(out[n++].text, 200,
			         "the VM-entry MSR-load area holds the guest autoload list (%zu "
			         "entr%s, line %u)",
			         d->env.n_msr_load, d->env.n_msr_load == 1 ? "y" : "ies",
			         d->msr_load_line[0]);
		} else if (!d->env.msr_load_known) {
			out[n].label = "unknown";
			snprintf(out[n++].text, 200, "the VM-entry MSR-load area");
		}
	}
	if (n < max) {
		out[n].label = "unknown";
		snprintf(out[n++].text, 200,
		         "what VMCS_LINK_POINTER points at, and the guest PDPTEs in memory");
	}
	return n;
}
