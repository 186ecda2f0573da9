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
static enum tri exists_by(const struct check_ctx *c, uint16_t x)
{
	static const int8_t ctl_of[VMCS_X_KIND__COUNT] = {
	    [VMCS_X_KIND_NONE] = -1,
	    [VMCS_X_KIND_ALWAYS] = -1,
	    [VMCS_X_KIND_PIN] = VMX_CTL_PIN,
	    [VMCS_X_KIND_PROC] = VMX_CTL_PROC,
	    [VMCS_X_KIND_PROC2] = VMX_CTL_PROC2,
	    [VMCS_X_KIND_PROC3] = VMX_CTL_PROC3,
	    [VMCS_X_KIND_EXIT] = VMX_CTL_EXIT,
	    [VMCS_X_KIND_EXIT2] = VMX_CTL_EXIT2,
	    [VMCS_X_KIND_ENTRY] = VMX_CTL_ENTRY,
	    [VMCS_X_KIND_MISC] = -1,
	    [VMCS_X_KIND_EPTVPID] = -1,
	    [VMCS_X_KIND_VMFUNC] = -1,
	    [VMCS_X_KIND_UNENUMERATED] = -1,
	};
	enum vmcs_exists_kind kind = VMCS_EXISTS_KIND(x);
	struct vmx_allowed a;

	if (kind >= VMCS_X_KIND__COUNT || ctl_of[kind] < 0) {
		/* Rare kinds (capability-MSR bits): the generic answer. */
		struct vmcs_field_info probe = {0};

		probe.exists[0] = x;
		probe.exists[1] = VMCS_EXISTS(VMCS_X_KIND_NONE, 0);
		return vmx_caps_field_exists(c->in->caps, &probe);
	}
	a = check_allowed(c, (enum vmx_ctl)ctl_of[kind]);
	return vmx_allowed_may_be_1(&a, VMCS_EXISTS_BIT(x));
}

/* Records a VMWRITE that fails (or may) in the report's list, under the current rule. */
static void add_vmwrite(struct check_ctx *c, size_t field, enum rule_result result, uint8_t error)
{
	struct check_vmwrite *w = &c->rep->vmwrite[c->rep->n_vmwrite++];

	w->field = (int16_t)field;
	w->result = (uint8_t)result;
	w->error = error;
	w->rule = c->f->rule;
}

/* Whether a field's VMWRITE fails for lack of the field (the first VMWRITE rule's list). */
static bool listed_missing(const struct check_ctx *c, size_t field)
{
	for (size_t k = 0; k < c->rep->n_vmwrite; k++) {
		if ((size_t)c->rep->vmwrite[k].field == field && c->rep->vmwrite[k].error == 12)
			return true;
	}
	return false;
}

/*
 * SDM 31.3 (VMWRITE): a VMWRITE to a component the processor does not support fails with
 * VM-instruction error 12; a field exists only where the processor supports the 1-setting of
 * the control (or capability) that introduces it.  Each such VMWRITE fails by itself and the
 * VMCS stays without the field: the list goes to the report (every field, in table order) and
 * the VM entry is judged on what is left.
 */
enum rule_result rule_vmwrite_field_exists(struct check_ctx *c, uintptr_t arg)
{
	const struct vmcs_state *s = c->in->vmcs;
	int first = -1, missing = 0, unknown = -1;
	char names[200];
	size_t len = 0;

	(void)arg;
	names[0] = '\0';
	for (size_t i = 0; i < VMCS_FIELD__COUNT; i++) {
		const struct vmcs_field_info *f;
		enum tri t, t2;

		if (!s->written[i])
			continue;
		f = vmcs_field_at(i);
		t = exists_by(c, f->exists[0]);
		if (t != TRI_YES && VMCS_EXISTS_KIND(f->exists[1]) != VMCS_X_KIND_NONE) {
			t2 = exists_by(c, f->exists[1]);
			t = t2 == TRI_YES ? TRI_YES : t == TRI_UNKNOWN ? TRI_UNKNOWN : t2;
		}
		if (t == TRI_UNKNOWN && vmx_caps_field_index_beyond(c->in->caps, f))
			t = TRI_NO;
		if (t == TRI_YES)
			continue;
		add_vmwrite(c, i, t == TRI_NO ? RULE_FAIL : RULE_UNDECIDED, 12);
		if (t == TRI_UNKNOWN) {
			if (unknown < 0)
				unknown = (int)i;
			continue;
		}
		if (first < 0)
			first = (int)i;
		if (missing++ < 4 && len < sizeof(names)) {
			len += check_snprintf(names + len, sizeof(names) - len, "%s%s",
			                      missing > 1 ? ", " : "", f->name);
		}
	}
	if (first >= 0) {
		check_hint(c,
		           "remove the VMWRITE, or choose a CPU whose capability MSRs allow the "
		           "control that introduces the field ('vmcslint fields %s'); the VM entry "
		           "itself does not read it",
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
 * SDM 31.3 (VMWRITE): once the field is known to exist, a VMWRITE to a read-only field (the
 * VM-exit information fields) fails with VM-instruction error 13, unless IA32_VMX_MISC[29] says
 * VMWRITE may write any supported field (SDM A.6).  VM entry does not read those fields.
 */
enum rule_result rule_vmwrite_read_only(struct check_ctx *c, uintptr_t arg)
{
	const struct vmcs_state *s = c->in->vmcs;
	enum tri any = vmx_caps_msr_bit(c->in->caps, VMX_MSR_MISC, L_MSR_MISC__VMWRITE_ANY_FIELD);
	int first = -1, n = 0;

	(void)arg;
	if (any == TRI_YES)
		return RULE_PASS;
	for (size_t i = 0; i < VMCS_FIELD__COUNT; i++) {
		if (!s->written[i] || vmcs_field_at(i)->type != VMCS_T_RO || listed_missing(c, i))
			continue;
		add_vmwrite(c, i, any == TRI_NO ? RULE_FAIL : RULE_UNDECIDED, 13);
		if (first < 0)
			first = (int)i;
		n++;
	}
	if (first < 0)
		return RULE_PASS;
	if (any == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether VMWRITE may write read-only fields "
		                       "(%s): IA32_VMX_MISC[29] is unknown",
		                       vmcs_field_at((size_t)first)->name);
	check_hint(c, "do not VMWRITE VM-exit information fields: the processor writes them on VM "
	              "exits, and VM entry does not read them");
	return check_fail(c, first, "%d written field%s %s read-only (%s%s)", n, n == 1 ? "" : "s",
	                  n == 1 ? "is" : "are", vmcs_field_at((size_t)first)->name,
	                  n > 1 ? ", ..." : "");
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
