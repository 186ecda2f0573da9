/*
 * rules_ctls_entry.c -- SDM 27.2.1.3 "VM-Entry Control Fields": the fields of VM-entry event
 * injection (interruption information, exception error code, instruction length) and the SMM
 * controls.  Reserved bits of the VM-entry controls and the MSR-load area use the shared rules
 * of checker/rules_ctls.c.
 */
#include "rules.h"

/*
 * Names the layout table does not have yet (FRED specification, "VMX interactions"): bit 13 of
 * the VM-entry interruption-information field marks a nested exception, and IA32_VMX_BASIC[58]
 * reports that VM entry accepts it.
 */
#define INTR_INFO_NESTED_EXCEPTION BIT(13)
#define BASIC_NESTED_EXCEPTION     58

/* Exceptions that push an error code (#DF, #TS, #NP, #SS, #GP, #PF, #AC): SDM 27.2.1.3. */
#define VEC_DF 8
#define VEC_AC 17
#define ERROR_CODE_VECTORS                                                                         \
	(BIT(VEC_DF) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | BIT(VEC_AC))
/* Other events (type 7): 0 is a pending MTF VM exit; FRED adds 1 (SYSCALL), 2 (SYSENTER). */
#define OTHER_MTF      0
#define OTHER_SYSCALL  1
#define OTHER_SYSENTER 2
/* Instruction lengths VM entry accepts for software events (an instruction is 1-15 bytes). */
#define MAX_INSTR_LEN 15

static const char *const type_name[8] = {
    "external interrupt", "reserved type 1",    "NMI",
    "hardware exception", "software interrupt", "privileged software exception",
    "software exception", "other event",
};

/* The event VM entry injects. */
struct evt {
	uint64_t info;
	unsigned type, vector;
	bool deliver; /* deliver-error-code bit */
};

/* RULE_PASS with *e filled when an event is injected (valid bit 1), else RULE_NA/UNDECIDED. */
static enum rule_result evt_read(struct check_ctx *c, struct evt *e)
{
	*e = (struct evt){0, 0, 0, false};
	NEED(c, VM_ENTRY_INTR_INFO_FIELD);
	e->info = V(c, VM_ENTRY_INTR_INFO_FIELD);
	if (!(e->info & BITMASK(L_INTR_INFO, VALID)))
		return RULE_NA;
	e->type = (unsigned)BITS_GET(e->info, L_INTR_INFO, TYPE);
	e->vector = (unsigned)BITS_GET(e->info, L_INTR_INFO, VECTOR);
	e->deliver = (e->info & BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)) != 0;
	return RULE_PASS;
}

static bool is_software_event(unsigned type)
{
	return type == L_INTR_INFO__V_SOFTWARE_INTERRUPT ||
	       type == L_INTR_INFO__V_PRIVILEGED_SOFTWARE_EXCEPTION ||
	       type == L_INTR_INFO__V_SOFTWARE_EXCEPTION;
}

/* An IA32_VMX_BASIC / IA32_VMX_MISC bit, or RULE_UNDECIDED (recorded) when unknown. */
static enum rule_result caps_bit(struct check_ctx *c, enum vmx_msr_id msr, unsigned bit, bool *set)
{
	enum tri t = caps_msr_bit(c->k, msr, bit);

	if (t == TRI_UNKNOWN)
		return check_undecided(c, "cannot decide: %s is unknown for these capabilities",
		                       vmx_msr_name(msr));
	*set = t == TRI_YES;
	return RULE_PASS;
}

/*
 * SDM 27.2.1.3: the interruption type of an injected event is not reserved: type 1 never
 * exists, type 7 (other event) only on processors that support the 1-setting of the "monitor
 * trap flag" VM-execution control.
 */
enum rule_result rule_ctls_evt_type(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	struct vmx_allowed a;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (e.type == 1) {
		check_hint(c, "use a defined interruption type in bits 10:8 (0 external interrupt, "
		              "2 NMI, 3 hardware exception, 4-6 software events)");
		return check_fail(
		    c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
		    "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects an event of the reserved "
		    "interruption type 1",
		    (unsigned long long)e.info);
	}
	if (e.type != L_INTR_INFO__V_OTHER_EVENT)
		return RULE_PASS;
	a = *check_allowed(c, VMX_CTL_PROC);
	switch (vmx_allowed_may_be_1(&a, L_PROC__MONITOR_TRAP_FLAG)) {
	case TRI_UNKNOWN:
		return check_undecided(
		    c,
		    "cannot decide whether type 7 is reserved: whether %s allows "
		    "\"monitor trap flag\" is unknown",
		    vmx_msr_name(a.msr));
	case TRI_YES:
		return RULE_PASS;
	default:
		break;
	}
	check_hint(c, "do not inject type 7 (other event) on this CPU: it has no monitor trap "
	              "flag, so no MTF VM exit can be pending");
	return check_fail(
	    c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	    "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects type 7 (other event), reserved "
	    "because %s does not allow \"monitor trap flag\"",
	    (unsigned long long)e.info, vmx_msr_name(a.msr));
}

/* SDM 27.2.1.3: an injected NMI has vector 2. */
enum rule_result rule_ctls_evt_nmi_vector(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (e.type != L_INTR_INFO__V_NMI)
		return RULE_NA;
	if (e.vector == 2)
		return RULE_PASS;
	check_hint(c,
	           "set the vector (bits 7:0) of VM_ENTRY_INTR_INFO_FIELD to 2 for an NMI "
	           "(e.g. 0x%llx)",
	           (unsigned long long)((e.info & ~BITMASK(L_INTR_INFO, VECTOR)) | 2));
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects an NMI with vector %u, not 2",
	                  (unsigned long long)e.info, e.vector);
}

/* SDM 27.2.1.3: an injected hardware exception has a vector of at most 31. */
enum rule_result rule_ctls_evt_hw_vector(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (e.type != L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_NA;
	if (e.vector <= 31)
		return RULE_PASS;
	check_hint(c,
	           "hardware exceptions use vectors 0-31; inject vector %u as an external "
	           "interrupt (type 0) or software interrupt (type 4) instead",
	           e.vector);
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects a hardware exception with "
	                  "vector %u (above 31)",
	                  (unsigned long long)e.info, e.vector);
}

/*
 * SDM 27.2.1.3: an injected "other event" has vector 0 (a pending MTF VM exit).  FRED
 * specification: vectors 1 (SYSCALL) and 2 (SYSENTER) are also allowed on a processor that
 * supports FRED when the guest will run with FRED enabled ("IA-32e mode guest" 1 and CR4.FRED
 * 1 in the guest CR4 field).
 */
enum rule_result rule_ctls_evt_other_vector(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	enum tri fred = TRI_NO;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (e.type != L_INTR_INFO__V_OTHER_EVENT)
		return RULE_NA;
	if (e.vector == OTHER_MTF)
		return RULE_PASS;
	if (e.vector == OTHER_SYSCALL || e.vector == OTHER_SYSENTER) {
		fred = caps_msr_bit(c->k, VMX_MSR_CR4_FIXED1, L_CR4__FRED);
		/* Without a FRED guest the vector fails whether or not the CPU has FRED. */
		if (fred == TRI_UNKNOWN) {
			NEED(c, VM_ENTRY_CONTROLS);
			NEED(c, GUEST_CR4);
			if ((c->entry & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) &&
			    (V(c, GUEST_CR4) & BITMASK(L_CR4, FRED)))
				return check_undecided(c, "cannot decide whether this CPU supports "
				                          "FRED: IA32_VMX_CR4_FIXED1 is unknown");
			fred = TRI_YES; /* the FRED wording below names the reason */
		}
		if (fred == TRI_YES) {
			NEED(c, VM_ENTRY_CONTROLS);
			NEED(c, GUEST_CR4);
			if ((c->entry & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) &&
			    (V(c, GUEST_CR4) & BITMASK(L_CR4, FRED)))
				return RULE_PASS;
			check_hint(c,
			           "inject SYSCALL/SYSENTER (other event, vector %u) only into a "
			           "FRED guest: set IA32E_MODE_GUEST and CR4.FRED (bit 32) in "
			           "GUEST_CR4",
			           e.vector);
			return check_fail(
			    c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
			    "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects other event %u "
			    "(%s) into a guest without FRED (IA-32e mode guest %u, "
			    "GUEST_CR4.FRED %u)",
			    (unsigned long long)e.info, e.vector,
			    e.vector == OTHER_SYSCALL ? "SYSCALL" : "SYSENTER",
			    (c->entry & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) ? 1u : 0u,
			    (V(c, GUEST_CR4) & BITMASK(L_CR4, FRED)) ? 1u : 0u);
		}
	}
	check_hint(c, "an injected other event (type 7) needs vector 0 (a pending MTF VM exit)%s",
	           fred == TRI_YES ? ", or 1/2 (SYSCALL/SYSENTER) for a FRED guest" : "");
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects other event %u, a vector this "
	                  "CPU does not define for type 7",
	                  (unsigned long long)e.info, e.vector);
}

/*
 * SDM 27.2.1.3: the deliver-error-code bit must be 1 when the event is a hardware exception,
 * bit 0 (PE) of the guest CR0 field is 1, IA32_VMX_BASIC[56] is 0, and the vector is #DF,
 * #TS, #NP, #SS, #GP, #PF or #AC.  "PE is 1" is the guest's effective protected mode: with
 * "unrestricted guest" 0 the processor takes PE as 1 for this check whatever the field holds
 * (GUEST_PROTECTED; the CR0 field itself is a guest-state check, made later).
 */
enum rule_result rule_ctls_evt_ec_required(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	bool any = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (e.type != L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_NA;
	if (e.deliver || e.vector > 31 || !((ERROR_CODE_VECTORS >> e.vector) & 1u))
		return RULE_PASS;
	/* IA32_VMX_BASIC[56] first: with it the mode does not matter. */
	if (caps_msr_bit(c->k, VMX_MSR_BASIC, L_MSR_BASIC__HW_EXCEPTION_ANY_ERROR_CODE) == TRI_YES)
		return RULE_PASS;
	NEED_UG(c);
	if (UG(c))
		NEED(c, GUEST_CR0);
	if (!GUEST_PROTECTED(c))
		return RULE_PASS;
	r = caps_bit(c, VMX_MSR_BASIC, L_MSR_BASIC__HW_EXCEPTION_ANY_ERROR_CODE, &any);
	if (r != RULE_PASS || any)
		return r;
	check_hint(c,
	           "set bit 11 (deliver error code) of VM_ENTRY_INTR_INFO_FIELD (0x%llx) and put "
	           "the error code in VM_ENTRY_EXCEPTION_ERROR_CODE",
	           (unsigned long long)(e.info | BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)));
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx injects exception %u, which pushes an "
	                  "error code in protected mode, without deliver-error-code "
	                  "(IA32_VMX_BASIC[56] is 0)",
	                  (unsigned long long)e.info, e.vector);
}

/* SDM 27.2.1.3: the deliver-error-code bit must be 0 when the event is not a hardware exception. */
enum rule_result rule_ctls_evt_ec_not_hw(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!e.deliver)
		return RULE_NA;
	if (e.type == L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_PASS;
	check_hint(c,
	           "clear bit 11 (deliver error code) of VM_ENTRY_INTR_INFO_FIELD (0x%llx): only "
	           "hardware exceptions push error codes",
	           (unsigned long long)(e.info & ~BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)));
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx delivers an error code with a %s "
	                  "(type %u)",
	                  (unsigned long long)e.info, type_name[e.type & 7], e.type);
}

/*
 * SDM 27.2.1.3: the deliver-error-code bit must be 0 when bit 0 (PE) of the guest CR0 field is
 * 0 (real-address mode: no error codes are pushed).  As for the check above, PE counts as 0
 * only under "unrestricted guest"; without it the processor takes the guest as protected.
 */
enum rule_result rule_ctls_evt_ec_real_mode(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!e.deliver)
		return RULE_NA;
	NEED_UG(c);
	if (UG(c))
		NEED(c, GUEST_CR0);
	if (GUEST_PROTECTED(c))
		return RULE_PASS;
	check_hint(c,
	           "clear bit 11 (deliver error code) of VM_ENTRY_INTR_INFO_FIELD (0x%llx): a "
	           "real-mode guest (GUEST_CR0.PE 0 under unrestricted guest) takes exceptions "
	           "without error codes",
	           (unsigned long long)(e.info & ~BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)));
	return check_fail(
	    c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	    "VM_ENTRY_INTR_INFO_FIELD = 0x%llx delivers an error code to a real-mode guest "
	    "(GUEST_CR0 = 0x%llx has PE clear, \"unrestricted guest\" is 1)",
	    (unsigned long long)e.info, (unsigned long long)V(c, GUEST_CR0));
}

/*
 * SDM 27.2.1.3: unless IA32_VMX_BASIC[56] is 1, the deliver-error-code bit must be 0 for a
 * hardware exception with vector 0-7, 9, 15, 16 or 18-31 (exceptions without error codes).
 */
enum rule_result rule_ctls_evt_ec_vector(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	bool any = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!e.deliver || e.type != L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_NA;
	if (e.vector > 31 || ((ERROR_CODE_VECTORS >> e.vector) & 1u))
		return RULE_PASS;
	r = caps_bit(c, VMX_MSR_BASIC, L_MSR_BASIC__HW_EXCEPTION_ANY_ERROR_CODE, &any);
	if (r != RULE_PASS || any)
		return r;
	check_hint(c,
	           "clear bit 11 (deliver error code) of VM_ENTRY_INTR_INFO_FIELD (0x%llx): "
	           "exception %u has no error code and IA32_VMX_BASIC[56] is 0 on this CPU",
	           (unsigned long long)(e.info & ~BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)),
	           e.vector);
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx delivers an error code with exception "
	                  "%u, which has none (only 8, 10-14 and 17 do)",
	                  (unsigned long long)e.info, e.vector);
}

/*
 * SDM 27.2.1.3: the reserved bits 30:12 of the VM-entry interruption-information field are 0
 * (bit 13, the FRED nested-exception bit, is checked by rule_ctls_evt_nested).
 */
enum rule_result rule_ctls_evt_reserved(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	const uint64_t defined = BITMASK(L_INTR_INFO, VECTOR) | BITMASK(L_INTR_INFO, TYPE) |
	                         BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE) |
	                         BITMASK(L_INTR_INFO, VALID) | INTR_INFO_NESTED_EXCEPTION;
	const uint64_t reserved = 0xffffffffull & ~defined;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(e.info & reserved))
		return RULE_PASS;
	check_hint(c, "clear bits 0x%llx of VM_ENTRY_INTR_INFO_FIELD (e.g. 0x%llx)%s",
	           (unsigned long long)(e.info & reserved),
	           (unsigned long long)(e.info & ~reserved),
	           (e.info & BITMASK(L_INTR_INFO, NMI_UNBLOCKING_DUE_TO_IRET))
	               ? ": bit 12 (NMI unblocking due to IRET) exists only in VM-exit information"
	               : "");
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx sets reserved bits 0x%llx (bits 30:14 "
	                  "and 12 must be 0)",
	                  (unsigned long long)e.info, (unsigned long long)(e.info & reserved));
}

/*
 * FRED specification (VM-entry checks on event injection): bit 13 of the VM-entry
 * interruption-information field (nested exception) may be 1 only if IA32_VMX_BASIC[58] is 1
 * and the event is a hardware exception; otherwise it is a reserved bit of SDM 27.2.1.3.
 */
enum rule_result rule_ctls_evt_nested(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	bool ok = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(e.info & INTR_INFO_NESTED_EXCEPTION))
		return RULE_NA;
	/* Only a hardware exception may be marked nested, whatever IA32_VMX_BASIC[58] says. */
	if (e.type == L_INTR_INFO__V_HARDWARE_EXCEPTION) {
		r = caps_bit(c, VMX_MSR_BASIC, BASIC_NESTED_EXCEPTION, &ok);
		if (r != RULE_PASS)
			return r;
	} else {
		ok = true; /* the message then names the type, the reason on every CPU */
	}
	if (ok && e.type == L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_PASS;
	check_hint(c, "clear bit 13 of VM_ENTRY_INTR_INFO_FIELD (0x%llx)%s",
	           (unsigned long long)(e.info & ~INTR_INFO_NESTED_EXCEPTION),
	           ok ? ": only a hardware exception can be a nested exception"
	              : ": this CPU has no VMX nested-exception support (IA32_VMX_BASIC[58] is 0)");
	return check_fail(c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
	                  "VM_ENTRY_INTR_INFO_FIELD = 0x%llx sets bit 13 (nested exception) %s",
	                  (unsigned long long)e.info,
	                  ok ? "for an event that is not a hardware exception"
	                     : "but IA32_VMX_BASIC[58] is 0, so the bit is reserved");
}

/*
 * SDM 27.2.1.3: when the deliver-error-code bit is 1, bits 31:16 of the VM-entry exception
 * error code are 0.
 */
enum rule_result rule_ctls_evt_ec_high(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	uint64_t ec;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!e.deliver)
		return RULE_NA;
	NEED(c, VM_ENTRY_EXCEPTION_ERROR_CODE);
	ec = V(c, VM_ENTRY_EXCEPTION_ERROR_CODE);
	if (!(ec >> 16))
		return RULE_PASS;
	check_hint(c, "keep VM_ENTRY_EXCEPTION_ERROR_CODE within 16 bits (e.g. 0x%llx)",
	           (unsigned long long)(ec & 0xffff));
	return check_fail(
	    c, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE,
	    "VM_ENTRY_EXCEPTION_ERROR_CODE = 0x%llx sets bits 31:16 while an error code "
	    "is delivered",
	    (unsigned long long)ec);
}

/*
 * SDM 27.2.1.3: for an injected software interrupt, privileged software exception or software
 * exception, the VM-entry instruction length is in the range 0-15.  FRED specification: the
 * same holds for an injected SYSCALL or SYSENTER (other event, vector 1 or 2).
 */
enum rule_result rule_ctls_evt_len_max(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	uint64_t len;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!is_software_event(e.type) &&
	    !(e.type == L_INTR_INFO__V_OTHER_EVENT &&
	      (e.vector == OTHER_SYSCALL || e.vector == OTHER_SYSENTER)))
		return RULE_NA;
	NEED(c, VM_ENTRY_INSTRUCTION_LEN);
	len = V(c, VM_ENTRY_INSTRUCTION_LEN);
	if (len <= MAX_INSTR_LEN)
		return RULE_PASS;
	check_hint(c, "set VM_ENTRY_INSTRUCTION_LEN to the length of the instruction that raised "
	              "the event (1-15; typically VM_EXIT_INSTRUCTION_LEN)");
	return check_fail(c, VMCS_VM_ENTRY_INSTRUCTION_LEN,
	                  "VM_ENTRY_INSTRUCTION_LEN = %llu for an injected %s: at most %u allowed",
	                  (unsigned long long)len, type_name[e.type & 7], MAX_INSTR_LEN);
}

/*
 * SDM 27.2.1.3: for an injected software interrupt, privileged software exception or software
 * exception, an instruction length of 0 is allowed only if IA32_VMX_MISC[30] is 1.
 */
enum rule_result rule_ctls_evt_len_zero(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	enum rule_result r = evt_read(c, &e);
	bool zero_ok = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!is_software_event(e.type))
		return RULE_NA;
	NEED(c, VM_ENTRY_INSTRUCTION_LEN);
	if (V(c, VM_ENTRY_INSTRUCTION_LEN) != 0)
		return RULE_PASS;
	r = caps_bit(c, VMX_MSR_MISC, L_MSR_MISC__ZERO_LENGTH_INJECTION, &zero_ok);
	if (r != RULE_PASS || zero_ok)
		return r;
	check_hint(c, "set VM_ENTRY_INSTRUCTION_LEN to the length of the instruction (1-15): this "
	              "CPU does not accept length 0 (IA32_VMX_MISC[30] is 0)");
	return check_fail(
	    c, VMCS_VM_ENTRY_INSTRUCTION_LEN,
	    "VM_ENTRY_INSTRUCTION_LEN = 0 for an injected %s, but IA32_VMX_MISC[30] is "
	    "0",
	    type_name[e.type & 7]);
}

/*
 * SDM 27.2.1.3: when the processor is not in SMM, the "entry to SMM" and "deactivate
 * dual-monitor treatment" VM-entry controls must be 0.  vmcslint models VMLAUNCH/VMRESUME
 * outside SMM (inside SMM they run only in an SMM-transfer monitor under the dual-monitor
 * treatment), so both controls must be 0.
 */
enum rule_result rule_ctls_entry_smm(struct check_ctx *c, uintptr_t arg)
{
	unsigned bit = (unsigned)arg;

	NEED(c, VM_ENTRY_CONTROLS);
	if (!((c->entry >> bit) & 1u))
		return RULE_PASS;
	check_hint(c,
	           "clear bit %u (%s) of VM_ENTRY_CONTROLS: only an SMM-transfer monitor "
	           "(dual-monitor treatment, running in SMM) may set it",
	           bit,
	           bit == L_ENTRY__ENTRY_TO_SMM ? "ENTRY_TO_SMM"
	                                        : "DEACTIVATE_DUAL_MONITOR_TREATMENT");
	return check_fail(c, VMCS_VM_ENTRY_CONTROLS,
	                  "VM_ENTRY_CONTROLS = 0x%llx sets %s (bit %u), which must be 0 for a VM "
	                  "entry outside SMM",
	                  (unsigned long long)c->entry,
	                  bit == L_ENTRY__ENTRY_TO_SMM ? "\"entry to SMM\""
	                                               : "\"deactivate dual-monitor treatment\"",
	                  bit);
}

/*
 * SDM 27.2.1.3: the "entry to SMM" and "deactivate dual-monitor treatment" VM-entry controls
 * cannot both be 1.
 */
enum rule_result rule_ctls_entry_smm_both(struct check_ctx *c, uintptr_t arg)
{
	const uint64_t both =
	    BITMASK(L_ENTRY, ENTRY_TO_SMM) | BITMASK(L_ENTRY, DEACTIVATE_DUAL_MONITOR_TREATMENT);

	(void)arg;
	NEED(c, VM_ENTRY_CONTROLS);
	if ((c->entry & both) != both)
		return RULE_PASS;
	check_hint(c,
	           "clear ENTRY_TO_SMM (bit 10) or DEACTIVATE_DUAL_MONITOR_TREATMENT (bit 11) of "
	           "VM_ENTRY_CONTROLS");
	return check_fail(c, VMCS_VM_ENTRY_CONTROLS,
	                  "VM_ENTRY_CONTROLS = 0x%llx sets both \"entry to SMM\" and \"deactivate "
	                  "dual-monitor treatment\"",
	                  (unsigned long long)c->entry);
}
