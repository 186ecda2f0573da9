/*
 * verdict.c -- what the log says happened to the VM entry: QEMU's "KVM: entry failed, hardware
 * error 0x80000021", Xen's "vmentry failure (reason ...)", "Failed vm entry (exit reason ...)",
 * "VMLAUNCH error: 0x8", "VMRESUME Failure, VMCS valid" + "Instruction Error 7", a generic
 * "VM-instruction error N", KVM's "unexpected exit reason 0x..", and, when no message says
 * more, the dump's own VM-exit reason field.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

/*
 * QEMU's "KVM: entry failed, hardware error N": bit 31 set is an exit reason, else KVM's
 * VM-instruction error (0: KVM saw a failure the processor did not report).  A VM-entry
 * failure clears bits 30:16 of the exit reason (SDM "VM-Entry Failures During or After Loading
 * Guest State"): a value with bit 31 and any of them set is no VMX outcome -- on AMD hosts KVM
 * passes SVM's exit code, VMEXIT_INVALID (0xffffffff) for a VMRUN that failed its checks.
 */
static bool qemu_verdict(const struct msg *m, size_t k, struct dump_verdict *v)
{
	size_t i = skip_sp(m->s, m->n, k + 28);
	uint64_t x;

	if (!parse_num(m->s, m->n, &i, &x))
		return false;
	if ((x & 0x80000000u) && (x & 0x7fff0000u)) {
		v->kind = VERDICT_NOT_VMX;
		v->full_reason = (uint32_t)x;
	} else if (x & 0x80000000u) {
		v->kind = VERDICT_ENTRY_FAILURE;
		v->full_reason = (uint32_t)x;
		v->exit_reason = (uint16_t)x;
	} else if (x == 0) {
		v->kind = VERDICT_NO_ERROR;
	} else {
		v->kind = VERDICT_VMFAIL_VALID;
		v->vm_error = (uint32_t)x;
	}
	return true;
}

/* Xen: "vmentry failure (reason 0x80000021): Invalid guest state (0)", older "Failed vm entry
 * (exit reason 0x80000021) caused by invalid guest state (0)", "... MSR loading (entry 1)". */
static bool xen_entry_verdict(const struct msg *m, const char *lc, size_t k, bool old,
                              struct dump_verdict *v)
{
	const char *s = m->s;
	size_t n = m->n, i = skip_sp(s, n, k + (old ? 28 : 23));
	uint64_t x;

	if (!parse_num(s, n, &i, &x))
		return false;
	v->kind = VERDICT_ENTRY_FAILURE;
	v->full_reason = (uint32_t)x;
	v->exit_reason = (uint16_t)x;
	if ((k = find(lc + i, n - i, "invalid guest state (")) != NOT_FOUND) {
		size_t j = i + k + 21;

		v->qual_known = parse_num(s, n, &j, &v->qualification);
	} else if ((k = find(lc + i, n - i, "msr loading (entry")) != NOT_FOUND) {
		size_t j = skip_sp(s, n, i + k + 18);

		if (parse_num(s, n, &j, &x)) {
			v->qual_known = true;
			v->qualification = x + 1; /* Xen prints the 0-based entry */
		}
	} else if ((k = find(lc + i, n - i, "caused by msr entry")) != NOT_FOUND) {
		size_t j = skip_sp(s, n, i + k + 19);

		v->qual_known = parse_num(s, n, &j, &v->qualification);
	}
	return true;
}

bool detect_verdict(const struct msg *m, const char *lc, struct dump_verdict *v, uint8_t *formats,
                    bool *back)
{
	const char *s = m->s;
	size_t n = m->n, k, i;
	uint64_t x;

	/* quick rejection: every verdict line has one of these */
	if (find(lc, n, "error") == NOT_FOUND && find(lc, n, "fail") == NOT_FOUND &&
	    find(lc, n, "exit reason") == NOT_FOUND)
		return false;
	memset(v, 0, sizeof(*v));
	v->instruction = -1;
	v->line = m->line;
	v->source = VSRC_MESSAGE;
	*back = false;
	*formats = FMT_BIT(DUMP_FMT_KVM) | FMT_BIT(DUMP_FMT_QEMU);
	if ((k = find(lc, n, "entry failed, hardware error")) != NOT_FOUND) {
		if (!qemu_verdict(m, k, v))
			return false;
		*back = true;
	} else if ((k = find(lc, n, "kvm internal error. suberror:")) != NOT_FOUND) {
		/*
		 * KVM stopped the guest itself (KVM_EXIT_INTERNAL_ERROR: an instruction it could
		 * not emulate, an event it could not deliver, ...), and QEMU prints the vCPU next:
		 * no VM entry failed.
		 */
		i = skip_sp(s, n, k + 29);
		if (!parse_num(s, n, &i, &x))
			return false;
		v->kind = VERDICT_KVM_INTERNAL;
		v->full_reason = (uint32_t)x;
		*formats = FMT_BIT(DUMP_FMT_QEMU);
	} else if (find(lc, n, "failed to put registers after ") != NOT_FOUND) {
		/*
		 * QEMU could not give KVM the vCPU's registers (a KVM_SET_* ioctl failed: KVM
		 * checks the state it is given) and prints the vCPU next: no VM entry was made.
		 */
		v->kind = VERDICT_REGS_REJECTED;
		*formats = FMT_BIT(DUMP_FMT_QEMU);
	} else if ((k = find(lc, n, "vmentry failure (reason")) != NOT_FOUND ||
	           (k = find(lc, n, "failed vm entry (exit reason")) != NOT_FOUND) {
		if (!xen_entry_verdict(m, lc, k, lc[k] == 'f', v))
			return false;
		*formats = FMT_BIT(DUMP_FMT_XEN);
	} else if (((k = find(s, n, "VMLAUNCH")) != NOT_FOUND ||
	            (k = find(s, n, "VMRESUME")) != NOT_FOUND) &&
	           (find(lc + k, n - k, " error:") == 8 ||
	            find(lc + k, n - k, " failure, vmcs") == 8)) {
		v->instruction = s[k + 2] == 'L' ? VMENTRY_VMLAUNCH : VMENTRY_VMRESUME;
		*formats = FMT_BIT(DUMP_FMT_XEN);
		if (lc[k + 9] == 'e') {
			i = skip_sp(s, n, k + 15);
			if (!parse_num(s, n, &i, &x))
				return false;
			v->kind = VERDICT_VMFAIL_VALID;
			v->vm_error = (uint32_t)x;
		} else if (find(lc + k, n - k, "not valid") != NOT_FOUND) {
			v->kind = VERDICT_VMFAIL_INVALID;
		} else {
			v->kind = VERDICT_VMFAIL_VALID; /* the error follows on the next line */
		}
	} else if ((k = find(lc, n, "instruction error")) != NOT_FOUND) {
		i = k + 17;
		while (i < n && (is_sp(s[i]) || s[i] == ':' || s[i] == '=' || s[i] == '#'))
			i++;
		if (!parse_num(s, n, &i, &x))
			return false;
		v->kind = VERDICT_VMFAIL_VALID;
		v->vm_error = (uint32_t)x;
		*formats = 0xff;
		*back = !m->xen;
	} else if (find(lc, n, "vmfailinvalid") != NOT_FOUND) {
		v->kind = VERDICT_VMFAIL_INVALID;
		*formats = 0xff;
		*back = !m->xen;
	} else if ((k = find(lc, n, "unexpected exit reason")) != NOT_FOUND) {
		i = skip_sp(s, n, k + 22);
		if (!parse_num(s, n, &i, &x))
			return false;
		v->full_reason = (uint32_t)x;
		v->exit_reason = (uint16_t)x;
		v->kind = (x & 0x80000000u) ? VERDICT_ENTRY_FAILURE : VERDICT_SUCCESS;
		*formats = FMT_BIT(DUMP_FMT_KVM);
	} else {
		return false;
	}
	quote(v->text, sizeof(v->text), s, n);
	return true;
}

static void apply_verdict_env(struct dump *d)
{
	const struct dump_verdict *v = &d->observed;

	if (v->instruction >= 0) {
		d->env.instruction = (uint8_t)v->instruction;
		d->instruction_from_log = true;
		d->env.launch_state =
		    v->instruction == VMENTRY_VMRESUME ? LAUNCH_STATE_LAUNCHED : LAUNCH_STATE_CLEAR;
	}
	if (v->kind != VERDICT_VMFAIL_VALID)
		return;
	if (v->vm_error == 4) { /* VMLAUNCH with a non-clear VMCS */
		d->env.instruction = VMENTRY_VMLAUNCH;
		d->env.launch_state = LAUNCH_STATE_LAUNCHED;
		d->instruction_from_log = d->launch_state_from_log = true;
	} else if (v->vm_error == 5) { /* VMRESUME with a non-launched VMCS */
		d->env.instruction = VMENTRY_VMRESUME;
		d->env.launch_state = LAUNCH_STATE_CLEAR;
		d->instruction_from_log = d->launch_state_from_log = true;
	} else if (v->vm_error == 26) {
		d->env.mov_ss_blocking = true;
		d->mov_ss_from_log = true;
	}
}

void attach_verdict(struct dump *d, const struct dump_verdict *v)
{
	if (d->observed.kind != VERDICT_NONE && v->source <= d->observed.source) {
		bool same = d->observed.kind == v->kind && d->observed.vm_error == v->vm_error &&
		            d->observed.exit_reason == v->exit_reason;

		if (!same && v->source == d->observed.source)
			note(d, v->line,
			     "the log also says: %s (line %u); the verdict of line %u is used",
			     v->text, v->line, d->observed.line);
		return;
	}
	if (d->observed.kind != VERDICT_NONE && d->observed.kind != v->kind)
		note(d, d->observed.line,
		     "the dump's VM-exit reason field (line %u) disagrees with the log's message "
		     "(line %u); the message is used",
		     d->observed.line, v->line);
	d->observed = *v;
	apply_verdict_env(d);
}

/*
 * The VM-exit reason field of a dump, when no message says what happened: bit 31 set is the
 * failed entry the dump was printed for; an ordinary exit reason means the guest ran (the
 * dump was printed while handling that exit).  KVM also dumps after a VMfail without a message
 * in the kernel log (QEMU prints "hardware error N"), and the field then still holds the
 * previous exit: a log that shows QEMU's line, or Xen's, overrides the field.
 */
void verdict_from_reason_field(struct dump *d)
{
	struct dump_verdict v;
	uint64_t r;

	if (!d->vmcs.known[VMCS_VM_EXIT_REASON] || d->observed.kind != VERDICT_NONE ||
	    d->format == DUMP_FMT_QEMU)
		return;
	r = d->vmcs.value[VMCS_VM_EXIT_REASON];
	memset(&v, 0, sizeof(v));
	v.source = VSRC_DUMP_FIELD;
	v.instruction = -1;
	v.full_reason = (uint32_t)r;
	v.exit_reason = (uint16_t)r;
	v.line = d->field_line[VMCS_VM_EXIT_REASON];
	v.kind = (r & 0x80000000u) ? VERDICT_ENTRY_FAILURE : VERDICT_SUCCESS;
	if (v.kind == VERDICT_ENTRY_FAILURE && d->vmcs.known[VMCS_EXIT_QUALIFICATION]) {
		v.qual_known = true;
		v.qualification = d->vmcs.value[VMCS_EXIT_QUALIFICATION];
	}
	snprintf(v.text, sizeof(v.text), "reason=%08llx qualification=%016llx",
	         (unsigned long long)r,
	         (unsigned long long)(d->vmcs.known[VMCS_EXIT_QUALIFICATION]
	                                  ? d->vmcs.value[VMCS_EXIT_QUALIFICATION]
	                                  : 0));
	attach_verdict(d, &v);
}
