/*
 * rules_instr.c -- checks of VMLAUNCH/VMRESUME themselves that a configuration decides, and
 * of the VMWRITEs that build the VMCS.
 */
#include "rules.h"

/*
 * SDM 31.3 (VMWRITE): a VMWRITE to a component the processor does not support fails with
 * VM-instruction error 12; a field exists only where the processor supports the 1-setting of
 * the control (or capability) that introduces it.
 */
enum rule_result rule_vmwrite_field_exists(struct check_ctx *c, uintptr_t arg)
{
	const struct vmcs_state *s = c->in->vmcs;
	int first = -1, missing = 0, unknown = -1;
	char names[200];
	size_t len = 0;

	(void)arg;
	names[0] = '\0';
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		enum tri t;

		if (!s->written[i])
			continue;
		t = vmx_caps_field_exists(c->in->caps, vmcs_field_at(i));
		if (t == TRI_UNKNOWN && unknown < 0)
			unknown = (int)i;
		if (t != TRI_NO)
			continue;
		if (first < 0)
			first = (int)i;
		if (missing++ < 4 && len < sizeof(names)) {
			len += check_snprintf(names + len, sizeof(names) - len, "%s%s",
			                      missing > 1 ? ", " : "", vmcs_field_at(i)->name);
		}
	}
	if (first >= 0) {
		check_hint(c,
		           "remove the VMWRITE, or choose a CPU whose capability MSRs allow the "
		           "control that introduces the field ('vmcslint fields %s')",
		           vmcs_field_at((size_t)first)->name);
		return check_fail(c, first,
		                  "%d written field%s do%s not exist on this processor: %s%s",
		                  missing, missing == 1 ? "" : "s", missing == 1 ? "es" : "", names,
		                  missing > 4 ? ", ..." : "");
	}
	if (unknown >= 0)
		return check_undecided(c,
		                       "cannot decide whether %s exists: the capability MSR that "
		                       "introduces it is unknown",
		                       vmcs_field_at((size_t)unknown)->name);
	return RULE_PASS;
}

/*
 * SDM 27.1: VMLAUNCH fails with VM-instruction error 4 when the launch state of the current
 * VMCS is not "clear"; VMRESUME fails with error 5 when it is not "launched".
 */
enum rule_result rule_instr_launch_state(struct check_ctx *c, uintptr_t arg)
{
	const struct vmentry_env *e = c->in->env;

	if (e->instruction != arg)
		return RULE_NA;
	if (arg == VMENTRY_VMLAUNCH && e->launch_state != LAUNCH_STATE_CLEAR) {
		check_hint(c, "VMCLEAR the VMCS before VMLAUNCH, or use VMRESUME for a launched "
		              "VMCS");
		return check_fail(c, -1, "VMLAUNCH with a VMCS whose launch state is launched");
	}
	if (arg == VMENTRY_VMRESUME && e->launch_state != LAUNCH_STATE_LAUNCHED) {
		check_hint(c, "use VMLAUNCH for the first entry after VMCLEAR");
		return check_fail(c, -1, "VMRESUME with a VMCS whose launch state is clear");
	}
	return RULE_PASS;
}

/* SDM 27.1: VM entry fails with error 26 when events are blocked by MOV SS. */
enum rule_result rule_instr_mov_ss(struct check_ctx *c, uintptr_t arg)
{
	(void)arg;
	if (c->in->env->mov_ss_blocking) {
		check_hint(c, "do not execute VMLAUNCH/VMRESUME right after MOV SS or POP SS");
		return check_fail(c, -1, "VM entry attempted while events are blocked by MOV SS");
	}
	return RULE_PASS;
}
