/*
 * rules_ctls.c -- SDM 27.2.1 "Checks on VMX Controls" (VMfailValid, VM-instruction error 7)
 * that are not rows of checker/rules_ctls.def: the CR3-target count, the TPR threshold against
 * VTPR, the EPTP against IA32_VMX_EPT_VPID_CAP, the VM-function controls, and the fields of
 * VM-entry event injection (interruption information, exception error code, instruction
 * length).
 */
#include "rules.h"

#define ENABLE_VMFUNC BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS)

/* RULE_PASS when the effective secondary controls (CTL(c, PROC2)) are decided by known fields. */
#define NEED_PROC2(c)                                                                              \
	do {                                                                                       \
		enum rule_result need_ = need_ctl((c), VMX_CTL_PROC2);                             \
		if (need_ != RULE_PASS)                                                            \
			return need_;                                                              \
	} while (0)

/*
 * SDM 27.2.1.1: the CR3-target count must not exceed the number of CR3-target values the
 * processor supports, IA32_VMX_MISC bits 24:16 (4 on all processors so far).
 */
enum rule_result rule_ctls_cr3_target_count(struct check_ctx *c, uintptr_t arg)
{
	uint64_t n, max;

	(void)arg;
	NEED(c, CR3_TARGET_COUNT);
	n = V(c, CR3_TARGET_COUNT);
	if (n == 0)
		return RULE_PASS;
	/* IA32_VMX_MISC[24:16] is at most 256 (SDM A.6): a larger count fails everywhere. */
	if (n > 256) {
		check_hint(c, "set CR3_TARGET_COUNT to at most 4 (every processor supports 4)");
		return check_fail(c, VMCS_CR3_TARGET_COUNT,
		                  "CR3_TARGET_COUNT = %llu exceeds 256, the most CR3-target values "
		                  "any processor reports (IA32_VMX_MISC[24:16])",
		                  (unsigned long long)n);
	}
	if (!check_msr_bits(c, VMX_MSR_MISC, BITMASK(L_MSR_MISC, CR3_TARGET_COUNT), &max))
		return check_undecided(c, "cannot decide: IA32_VMX_MISC is unknown for these "
		                          "capabilities");
	max = BITS_GET(max, L_MSR_MISC, CR3_TARGET_COUNT);
	if (n <= max)
		return RULE_PASS;
	check_hint(c, "set CR3_TARGET_COUNT to at most %llu (IA32_VMX_MISC[24:16] on this CPU)",
	           (unsigned long long)max);
	return check_fail(
	    c, VMCS_CR3_TARGET_COUNT,
	    "CR3_TARGET_COUNT = %llu exceeds the %llu CR3-target values IA32_VMX_MISC "
	    "reports",
	    (unsigned long long)n, (unsigned long long)max);
}

/*
 * SDM 27.2.1.1: with "use TPR shadow" 1 and both "virtualize APIC accesses" and
 * "virtual-interrupt delivery" 0, the value of bits 3:0 of the TPR threshold may not exceed
 * bits 7:4 of VTPR, the byte at offset 80H of the virtual-APIC page (memory VM entry reads).
 */
enum rule_result rule_ctls_tpr_threshold_vtpr(struct check_ctx *c, uintptr_t arg)
{
	uint64_t thr;
	unsigned vtpr_hi;

	(void)arg;
	NEED_PROC2(c);
	if (CTL(c, PROC2) & (BITMASK(L_PROC2, VIRTUALIZE_APIC_ACCESSES) |
	                     BITMASK(L_PROC2, VIRTUAL_INTERRUPT_DELIVERY)))
		return RULE_NA;
	NEED(c, TPR_THRESHOLD);
	thr = V(c, TPR_THRESHOLD) & 0xf;
	/* A threshold of 0 exceeds no VTPR: the page's contents do not matter. */
	if (thr == 0)
		return RULE_PASS;
	if (!c->env->vtpr_known)
		return check_undecided(c,
		                       "cannot decide: VTPR (offset 80H of the virtual-APIC page) "
		                       "is not given (memory: virtual_apic: {vtpr: ...})");
	vtpr_hi = c->env->vtpr >> 4;
	if (thr <= vtpr_hi)
		return RULE_PASS;
	check_hint(
	    c,
	    "lower TPR_THRESHOLD[3:0] to at most %u, or raise VTPR to at least 0x%llx before "
	    "VM entry",
	    vtpr_hi, (unsigned long long)(thr << 4));
	return check_fail(c, VMCS_TPR_THRESHOLD,
	                  "TPR_THRESHOLD[3:0] = %llu exceeds VTPR[7:4] = %u (VTPR = 0x%x)",
	                  (unsigned long long)thr, vtpr_hi, c->env->vtpr);
}

static COLD enum rule_result ept_caps_unknown(struct check_ctx *c)
{
	return check_undecided(c, "cannot decide: IA32_VMX_EPT_VPID_CAP is unknown for these "
	                          "capabilities");
}

/* An IA32_VMX_EPT_VPID_CAP bit, or RULE_UNDECIDED (recorded) when the MSR is unknown. */
static enum rule_result ept_cap(struct check_ctx *c, unsigned bit, bool *set)
{
	enum tri t = check_msr_bit(c, VMX_MSR_EPT_VPID_CAP, bit);

	if (t == TRI_UNKNOWN)
		return ept_caps_unknown(c);
	*set = t == TRI_YES;
	return RULE_PASS;
}

/* rule_ctls_eptp_memtype() once the memory type is not one the CPU reports. */
static COLD enum rule_result eptp_memtype_unsupported(struct check_ctx *c, uint64_t eptp,
                                                      uint64_t type)
{
	bool uc, wb;

	/* For the hint: what this CPU reports, where known. */
	uc = check_msr_bit(c, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__MEMTYPE_UC) == TRI_YES;
	wb = check_msr_bit(c, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__MEMTYPE_WB) == TRI_YES;
	check_hint(c,
	           "set EPT_POINTER bits 2:0 to %s, the memory type this CPU reports for EPT "
	           "paging structures",
	           wb   ? "6 (WB)"
	           : uc ? "0 (UC)"
	                : "a type IA32_VMX_EPT_VPID_CAP reports");
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx selects memory type %llu; IA32_VMX_EPT_VPID_CAP "
	                  "allows %s%s%s",
	                  (unsigned long long)eptp, (unsigned long long)type, uc ? "UC (0)" : "",
	                  uc && wb ? " and " : "",
	                  wb   ? "WB (6)"
	                  : uc ? ""
	                       : "no type");
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, the EPT memory type (EPTP bits 2:0) must be one that
 * IA32_VMX_EPT_VPID_CAP reports: UC (0) if bit 8 is 1, WB (6) if bit 14 is 1.
 */
enum rule_result rule_ctls_eptp_memtype(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t eptp, type;
	bool uc = false, wb = false;

	(void)arg;
	NEED(c, EPT_POINTER); /* "enable EPT": the condition of its row */
	eptp = V(c, EPT_POINTER);
	type = BITS_GET(eptp, L_EPTP, MEMORY_TYPE);
	/* Only the capability bit of the type used decides; any other type fails everywhere. */
	if (type == L_EPTP__V_UC || type == L_EPTP__V_WB) {
		r = ept_cap(c,
		            type == L_EPTP__V_UC ? L_MSR_EPT_VPID_CAP__MEMTYPE_UC
		                                 : L_MSR_EPT_VPID_CAP__MEMTYPE_WB,
		            type == L_EPTP__V_UC ? &uc : &wb);
		if (r != RULE_PASS)
			return r;
		if (uc || wb)
			return RULE_PASS;
	}
	return eptp_memtype_unsupported(c, eptp, type);
}

/* rule_ctls_eptp_walk() once the page-walk length is not one the CPU reports. */
static COLD enum rule_result eptp_walk_unsupported(struct check_ctx *c, uint64_t eptp, uint64_t len)
{
	bool four, five;

	four = check_msr_bit(c, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__PAGE_WALK_4) == TRI_YES;
	five = check_msr_bit(c, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__PAGE_WALK_5) == TRI_YES;
	check_hint(c, "EPTP bits 5:3 hold the page-walk length minus 1: write %s",
	           four   ? "3 (0x18) for 4-level EPT"
	           : five ? "4 (0x20) for 5-level EPT"
	                  : "a length the CPU reports");
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx gives a page-walk length of %llu levels; "
	                  "IA32_VMX_EPT_VPID_CAP reports %s%s%s",
	                  (unsigned long long)eptp, (unsigned long long)(len + 1), four ? "4" : "",
	                  four && five ? " and " : "",
	                  five   ? "5"
	                  : four ? ""
	                         : "none");
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, EPTP bits 5:3 (page-walk length minus 1) must give a
 * length the processor supports: 3 (4 levels) if IA32_VMX_EPT_VPID_CAP[6] is 1, 4 (5 levels)
 * if bit 7 is 1.
 */
enum rule_result rule_ctls_eptp_walk(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t eptp, len;
	bool four = false, five = false;

	(void)arg;
	NEED(c, EPT_POINTER); /* "enable EPT": the condition of its row */
	eptp = V(c, EPT_POINTER);
	len = BITS_GET(eptp, L_EPTP, PAGE_WALK_LENGTH_MINUS_1);
	/* Only 4- and 5-level walks exist (SDM A.10): the capability bit of the length used
	 * decides. */
	if (len == 3 || len == 4) {
		r = ept_cap(
		    c, len == 3 ? L_MSR_EPT_VPID_CAP__PAGE_WALK_4 : L_MSR_EPT_VPID_CAP__PAGE_WALK_5,
		    len == 3 ? &four : &five);
		if (r != RULE_PASS)
			return r;
		if (four || five)
			return RULE_PASS;
	}
	return eptp_walk_unsupported(c, eptp, len);
}

/* rule_ctls_eptp_cap() once EPT_POINTER sets bit arg: whether the CPU reports its feature. */
static COLD enum rule_result eptp_sets_feature(struct check_ctx *c, uintptr_t arg)
{
	bool ad = arg == L_EPTP__ENABLE_ACCESSED_DIRTY;
	unsigned cap =
	    ad ? L_MSR_EPT_VPID_CAP__ACCESSED_DIRTY : L_MSR_EPT_VPID_CAP__SUPERVISOR_SHADOW_STACK;
	const char *what = ad ? "EPT accessed/dirty flags" : "EPT supervisor shadow-stack control";
	enum rule_result r;
	bool ok = false;

	r = ept_cap(c, cap, &ok);
	if (r != RULE_PASS || ok)
		return r;
	check_hint(c,
	           "clear EPT_POINTER bit %u: this CPU has no %s (IA32_VMX_EPT_VPID_CAP[%u] is 0)",
	           (unsigned)arg, what, cap);
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx enables %s (bit %u), which IA32_VMX_EPT_VPID_CAP "
	                  "does not report",
	                  (unsigned long long)V(c, EPT_POINTER),
	                  ad ? "EPT accessed/dirty flags" : "supervisor shadow-stack control",
	                  (unsigned)arg);
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, EPTP bit 6 (accessed and dirty flags) must be 0 when
 * IA32_VMX_EPT_VPID_CAP[21] is 0, and bit 7 (supervisor shadow-stack control) when
 * IA32_VMX_EPT_VPID_CAP[23] is 0.  arg: the EPTP bit.
 */
enum rule_result rule_ctls_eptp_cap(struct check_ctx *c, uintptr_t arg)
{
	NEED(c, EPT_POINTER); /* "enable EPT": the condition of its row */
	if (!(V(c, EPT_POINTER) & BIT(arg)))
		return RULE_PASS;
	return eptp_sets_feature(c, arg);
}

/*
 * SDM 27.2.1.1: with "enable VM functions" 1, the VM-function controls must not set bits that
 * IA32_VMX_VMFUNC reports as reserved (with the control 0 they are not checked).
 */
enum rule_result rule_ctls_vmfunc_reserved(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v, allowed;

	(void)arg;
	NEED(c, VM_FUNCTION_CONTROL);
	v = V(c, VM_FUNCTION_CONTROL);
	if (v == 0)
		return RULE_PASS;
	if (!check_msr_bits(c, VMX_MSR_VMFUNC, v, &allowed)) {
		/* A bit the MSR is known to clear fails whatever the rest says. */
		allowed = c->k->msr[VMX_MSR_VMFUNC];
		if (!(v & c->k->msr_known[VMX_MSR_VMFUNC] & ~allowed))
			return check_undecided(c, "cannot decide: IA32_VMX_VMFUNC is unknown for "
			                          "these capabilities");
	}
	if (!(v & ~allowed))
		return RULE_PASS;
	check_hint(c,
	           "clear bits 0x%llx of VM_FUNCTION_CONTROL: IA32_VMX_VMFUNC (0x%llx) does not "
	           "offer those VM functions",
	           (unsigned long long)(v & ~allowed), (unsigned long long)allowed);
	return check_fail(c, VMCS_VM_FUNCTION_CONTROL,
	                  "VM_FUNCTION_CONTROL = 0x%llx enables VM functions 0x%llx that "
	                  "IA32_VMX_VMFUNC reports as reserved",
	                  (unsigned long long)v, (unsigned long long)(v & ~allowed));
}

/*
 * FRED specification, "VMX interactions": bit 13 of the VM-entry interruption-information field
 * marks a nested exception, which VM entry accepts where IA32_VMX_BASIC[58] says so.  Bit 13
 * stays out of the shared interruption-information layout, whose other users (VM-exit and
 * IDT-vectoring information) give it no meaning here.
 */
#define INTR_INFO_NESTED_EXCEPTION BIT(13)

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

/* The event VM entry injects (the rows' condition INJECTING: its valid bit is 1). */
static struct evt evt_of(struct check_ctx *c)
{
	uint64_t info = V(c, VM_ENTRY_INTR_INFO_FIELD);

	return (struct evt){info, (unsigned)BITS_GET(info, L_INTR_INFO, TYPE),
	                    (unsigned)BITS_GET(info, L_INTR_INFO, VECTOR),
	                    (info & BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE)) != 0};
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
	enum tri t = check_msr_bit(c, msr, bit);

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
	struct vmx_allowed a;

	(void)arg;
	e = evt_of(c);
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

/* SDM 27.2.1.3: an injected hardware exception has a vector of at most 31. */
enum rule_result rule_ctls_evt_hw_vector(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;

	(void)arg;
	e = evt_of(c);
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
	enum tri fred = TRI_NO;

	(void)arg;
	e = evt_of(c);
	if (e.type != L_INTR_INFO__V_OTHER_EVENT)
		return RULE_NA;
	if (e.vector == OTHER_MTF)
		return RULE_PASS;
	if (e.vector == OTHER_SYSCALL || e.vector == OTHER_SYSENTER) {
		fred = check_msr_bit(c, VMX_MSR_CR4_FIXED1, L_CR4__FRED);
		/* Without a FRED guest the vector fails whether or not the CPU has FRED. */
		if (fred == TRI_UNKNOWN) {
			NEED(c, VM_ENTRY_CONTROLS);
			NEED(c, GUEST_CR4);
			if ((CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) &&
			    (V(c, GUEST_CR4) & BITMASK(L_CR4, FRED)))
				return check_undecided(c, "cannot decide whether this CPU supports "
				                          "FRED: IA32_VMX_CR4_FIXED1 is unknown");
			fred = TRI_YES; /* the FRED wording below names the reason */
		}
		if (fred == TRI_YES) {
			NEED(c, VM_ENTRY_CONTROLS);
			NEED(c, GUEST_CR4);
			if ((CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) &&
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
			    (CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) ? 1u : 0u,
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
	enum rule_result r;
	bool any = false;

	(void)arg;
	e = evt_of(c);
	if (e.type != L_INTR_INFO__V_HARDWARE_EXCEPTION)
		return RULE_NA;
	if (e.deliver || e.vector > 31 || !((ERROR_CODE_VECTORS >> e.vector) & 1u))
		return RULE_PASS;
	/* IA32_VMX_BASIC[56] first: with it the mode does not matter. */
	if (check_msr_bit(c, VMX_MSR_BASIC, L_MSR_BASIC__HW_EXCEPTION_ANY_ERROR_CODE) == TRI_YES)
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

	(void)arg;
	e = evt_of(c);
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

	(void)arg;
	e = evt_of(c);
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
	enum rule_result r;
	bool any = false;

	(void)arg;
	e = evt_of(c);
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
	const uint64_t defined = BITMASK(L_INTR_INFO, VECTOR) | BITMASK(L_INTR_INFO, TYPE) |
	                         BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE) |
	                         BITMASK(L_INTR_INFO, VALID) | INTR_INFO_NESTED_EXCEPTION;
	const uint64_t reserved = 0xffffffffull & ~defined;

	(void)arg;
	e = evt_of(c);
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
	enum rule_result r;
	bool ok = false;

	(void)arg;
	e = evt_of(c);
	if (!(e.info & INTR_INFO_NESTED_EXCEPTION))
		return RULE_NA;
	/* Only a hardware exception may be marked nested, whatever IA32_VMX_BASIC[58] says. */
	if (e.type == L_INTR_INFO__V_HARDWARE_EXCEPTION) {
		r = caps_bit(c, VMX_MSR_BASIC, L_MSR_BASIC__NESTED_EXCEPTION, &ok);
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
 * SDM 27.2.1.3: for an injected software interrupt, privileged software exception or software
 * exception, the VM-entry instruction length is in the range 0-15.  FRED specification: the
 * same holds for an injected SYSCALL or SYSENTER (other event, vector 1 or 2).
 */
enum rule_result rule_ctls_evt_len_max(struct check_ctx *c, uintptr_t arg)
{
	struct evt e;
	uint64_t len;

	(void)arg;
	e = evt_of(c);
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
	enum rule_result r;
	bool zero_ok = false;

	(void)arg;
	e = evt_of(c);
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
