/*
 * outcome.c -- what the outcome a log reports proves (SDM chapter "VM Entries"): the processor
 * performs the checks of the VMLAUNCH/VMRESUME instruction, then those of the controls and the
 * host-state area (in either order), then the guest-state checks while loading guest state,
 * then MSR loading.  A VM-entry failure with exit reason 33 therefore comes after every
 * instruction, control and host-state check passed; exit reason 34 after every guest-state
 * check passed too; a guest that ran passed all of them.
 */
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "evidence_internal.h"
#include "vmcs_ids.h"

#define CLS(c) (1u << (c))

uint8_t outcome_passed(const struct dump_verdict *v)
{
	const uint8_t entry =
	    CLS(CHECK_CLASS_INSTR) | CLS(CHECK_CLASS_CTLS) | CLS(CHECK_CLASS_HOST);

	switch (v->kind) {
	case VERDICT_SUCCESS:
		return entry | CLS(CHECK_CLASS_GUEST) | CLS(CHECK_CLASS_MSRLOAD);
	case VERDICT_ENTRY_FAILURE:
		if (v->exit_reason == 33)
			return entry;
		if (v->exit_reason == 34)
			return entry | CLS(CHECK_CLASS_GUEST);
		return 0;
	case VERDICT_VMFAIL_VALID:
		/* The controls or the host state failed: the instruction's own checks passed. */
		return v->vm_error == 7 || v->vm_error == 8 ? (uint8_t)CLS(CHECK_CLASS_INSTR) : 0;
	default:
		return 0;
	}
}

static const char *outcome_words(const struct dump_verdict *v, char *buf, size_t n)
{
	switch (v->kind) {
	case VERDICT_SUCCESS:
		snprintf(buf, n, "the guest ran (VM-exit reason %u)", v->exit_reason);
		break;
	case VERDICT_ENTRY_FAILURE:
		snprintf(buf, n, "VM entry failed with exit reason %u", v->exit_reason);
		break;
	default:
		snprintf(buf, n, "VMfailValid with error %u", v->vm_error);
		break;
	}
	return buf;
}

/* A control field that passed its checks: the bits it sets may be 1, those it clears may be 0. */
static void control_item(const struct dump *d, struct evidence *ev, int field, enum vmx_msr_id msr,
                         bool split, const char *what, const char *because)
{
	struct evidence_item *it;
	uint64_t v;

	if (!d->vmcs.known[field])
		return;
	v = d->vmcs.value[field];
	it = ev_add(ev, EV_OUTCOME, d->field_line[field]);
	if (!it)
		return;
	if (split) {
		/* 32/32 MSR: allowed-0 settings in bits 31:0, allowed-1 settings in 63:32. */
		ev_msr(it, msr, (v << 32) | (~v & 0xffffffffull), v << 32);
		snprintf(it->text, sizeof(it->text),
		         "%s = 0x%llx and %s: every control check passed, so the bits it sets may "
		         "be 1 and those it clears may be 0 (%s)",
		         vmcs_field_at((size_t)field)->name, (unsigned long long)v, because, what);
	} else {
		ev_msr(it, msr, v, v);
		snprintf(it->text, sizeof(it->text),
		         "%s = 0x%llx and %s: every control check passed, so the bits it sets may "
		         "be 1 (%s)",
		         vmcs_field_at((size_t)field)->name, (unsigned long long)v, because, what);
	}
	if (!it->n_msr)
		ev->n--;
}

static bool known_bit(const struct dump *d, int field, unsigned bit)
{
	return d->vmcs.known[field] && ((d->vmcs.value[field] >> bit) & 1u);
}

/* CR0 or CR4 that passed its checks: FIXED1 allows the bits set, FIXED0 the bits clear. */
static void cr_item(const struct dump *d, struct evidence *ev, int field, enum vmx_msr_id fixed0,
                    enum vmx_msr_id fixed1, uint64_t exempt, const char *because)
{
	struct evidence_item *it;
	uint64_t v;

	if (!d->vmcs.known[field] || !(it = ev_add(ev, EV_OUTCOME, d->field_line[field])))
		return;
	v = d->vmcs.value[field];
	ev_msr(it, fixed1, v & ~exempt, ~0ull);
	ev_msr(it, fixed0, ~v & ~exempt, 0);
	snprintf(it->text, sizeof(it->text),
	         "%s = 0x%llx and %s: its checks passed, so %s allows the bits it sets and %s "
	         "the bits it clears",
	         vmcs_field_at((size_t)field)->name, (unsigned long long)v, because,
	         vmx_msr_name(fixed1), vmx_msr_name(fixed0));
}

void evidence_from_outcome(const struct dump *d, struct evidence *ev)
{
	const struct dump_verdict *v = &d->observed;
	uint8_t passed = outcome_passed(v);
	struct evidence_item *it;
	char because[120], words[80];

	if (!passed)
		return;
	snprintf(because, sizeof(because), "%s (line %u)", outcome_words(v, words, sizeof(words)),
	         v->line);
	if (passed & CLS(CHECK_CLASS_CTLS)) {
		bool proc2 = known_bit(d, VMCS_CPU_BASED_VM_EXEC_CONTROL, 31);
		bool proc3 = known_bit(d, VMCS_CPU_BASED_VM_EXEC_CONTROL, 17);
		bool exit2 = known_bit(d, VMCS_VM_EXIT_CONTROLS, 31);

		control_item(d, ev, VMCS_PIN_BASED_VM_EXEC_CONTROL, VMX_MSR_TRUE_PINBASED_CTLS,
		             true, "IA32_VMX_TRUE_PINBASED_CTLS", because);
		control_item(d, ev, VMCS_CPU_BASED_VM_EXEC_CONTROL, VMX_MSR_TRUE_PROCBASED_CTLS,
		             true, "IA32_VMX_TRUE_PROCBASED_CTLS", because);
		if (proc2)
			control_item(d, ev, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_MSR_PROCBASED_CTLS2,
			             true, "IA32_VMX_PROCBASED_CTLS2", because);
		if (proc3)
			control_item(d, ev, VMCS_TERTIARY_VM_EXEC_CONTROL, VMX_MSR_PROCBASED_CTLS3,
			             false, "IA32_VMX_PROCBASED_CTLS3", because);
		control_item(d, ev, VMCS_VM_EXIT_CONTROLS, VMX_MSR_TRUE_EXIT_CTLS, true,
		             "IA32_VMX_TRUE_EXIT_CTLS", because);
		if (exit2)
			control_item(d, ev, VMCS_SECONDARY_VM_EXIT_CONTROLS, VMX_MSR_EXIT_CTLS2,
			             false, "IA32_VMX_EXIT_CTLS2", because);
		control_item(d, ev, VMCS_VM_ENTRY_CONTROLS, VMX_MSR_TRUE_ENTRY_CTLS, true,
		             "IA32_VMX_TRUE_ENTRY_CTLS", because);
	}
	if (passed & CLS(CHECK_CLASS_HOST)) {
		cr_item(d, ev, VMCS_HOST_CR0, VMX_MSR_CR0_FIXED0, VMX_MSR_CR0_FIXED1, 0, because);
		cr_item(d, ev, VMCS_HOST_CR4, VMX_MSR_CR4_FIXED0, VMX_MSR_CR4_FIXED1, 0, because);
	}
	if (passed & CLS(CHECK_CLASS_GUEST)) {
		/* SDM 27.3.1.1: CR0.NW and CD are never checked; PE and PG are not with
		 * "unrestricted guest" (taken as possibly 1 when the dump does not say). */
		uint64_t exempt = BITMASK(L_CR0, NW) | BITMASK(L_CR0, CD);
		bool ug_off =
		    d->vmcs.known[VMCS_CPU_BASED_VM_EXEC_CONTROL] &&
		    (!known_bit(d, VMCS_CPU_BASED_VM_EXEC_CONTROL, 31) ||
		     (d->vmcs.known[VMCS_SECONDARY_VM_EXEC_CONTROL] &&
		      !known_bit(d, VMCS_SECONDARY_VM_EXEC_CONTROL, L_PROC2__UNRESTRICTED_GUEST)));

		if (!ug_off)
			exempt |= BITMASK(L_CR0, PE) | BITMASK(L_CR0, PG);
		cr_item(d, ev, VMCS_GUEST_CR0, VMX_MSR_CR0_FIXED0, VMX_MSR_CR0_FIXED1, exempt,
		        because);
		cr_item(d, ev, VMCS_GUEST_CR4, VMX_MSR_CR4_FIXED0, VMX_MSR_CR4_FIXED1, 0, because);
	}
	it = ev_add(ev, EV_OUTCOME, v->line);
	if (!it)
		return;
	it->passed = passed;
	ev->passed = passed;
	snprintf(it->text, sizeof(it->text), "%s: every %s check passed on this processor", because,
	         v->kind == VERDICT_SUCCESS        ? "VM-entry"
	         : passed & CLS(CHECK_CLASS_GUEST) ? "instruction, "
	                                             "control, "
	                                             "host-state and "
	                                             "guest-state"
	         : passed & CLS(CHECK_CLASS_HOST)  ? "instruction, control and host-state"
	                                           : "VMLAUNCH/VMRESUME instruction");
}
