/*
 * rules_ctls_exec.c -- SDM 27.2.1.1 "VM-Execution Control Fields": the checks that are not one
 * of the shared shapes of checker/rules_ctls.c (reserved bits, control dependencies, addresses):
 * the CR3-target count, TPR threshold, posted-interrupt vector, VPID, EPTP and VM functions.
 */
#include "rules.h"

#define ACTIVATE_SECONDARY BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)
#define ENABLE_VMFUNC      BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS)

/* RULE_PASS when the effective secondary controls (c->proc2) are decided by known fields. */
static enum rule_result need_proc2(struct check_ctx *c)
{
	NEED(c, CPU_BASED_VM_EXEC_CONTROL);
	if (c->proc & ACTIVATE_SECONDARY)
		NEED(c, SECONDARY_VM_EXEC_CONTROL);
	return RULE_PASS;
}

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
	if (!caps_msr_bits(c->k, VMX_MSR_MISC, BITMASK(L_MSR_MISC, CR3_TARGET_COUNT), &max))
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
 * SDM 27.2.1.1: with "use TPR shadow" 1 and "virtual-interrupt delivery" 0, bits 31:4 of the
 * TPR threshold must be 0.
 */
enum rule_result rule_ctls_tpr_threshold(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t v;

	(void)arg;
	NEED(c, CPU_BASED_VM_EXEC_CONTROL);
	if (!(c->proc & BITMASK(L_PROC, USE_TPR_SHADOW)))
		return RULE_NA;
	r = need_proc2(c);
	if (r != RULE_PASS)
		return r;
	if (c->proc2 & BITMASK(L_PROC2, VIRTUAL_INTERRUPT_DELIVERY))
		return RULE_NA;
	NEED(c, TPR_THRESHOLD);
	v = V(c, TPR_THRESHOLD);
	if (!(v & ~0xfull))
		return RULE_PASS;
	check_hint(c,
	           "keep TPR_THRESHOLD in 0..15 (the threshold compares with VTPR bits 7:4), "
	           "e.g. 0x%llx",
	           (unsigned long long)(v & 0xf));
	return check_fail(c, VMCS_TPR_THRESHOLD,
	                  "TPR_THRESHOLD = 0x%llx sets bits 31:4 while \"use TPR shadow\" is 1 and "
	                  "\"virtual-interrupt delivery\" is 0",
	                  (unsigned long long)v);
}

/*
 * SDM 27.2.1.1: with "use TPR shadow" 1 and both "virtualize APIC accesses" and
 * "virtual-interrupt delivery" 0, the value of bits 3:0 of the TPR threshold may not exceed
 * bits 7:4 of VTPR, the byte at offset 80H of the virtual-APIC page (memory VM entry reads).
 */
enum rule_result rule_ctls_tpr_threshold_vtpr(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t thr;
	unsigned vtpr_hi;

	(void)arg;
	NEED(c, CPU_BASED_VM_EXEC_CONTROL);
	if (!(c->proc & BITMASK(L_PROC, USE_TPR_SHADOW)))
		return RULE_NA;
	r = need_proc2(c);
	if (r != RULE_PASS)
		return r;
	if (c->proc2 & (BITMASK(L_PROC2, VIRTUALIZE_APIC_ACCESSES) |
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

/*
 * SDM 27.2.1.1: with "process posted interrupts" 1, the posted-interrupt notification vector
 * is in the range 0-255 (bits 15:8 are 0).
 */
enum rule_result rule_ctls_pi_vector(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, PIN_BASED_VM_EXEC_CONTROL);
	if (!(c->pin & BITMASK(L_PIN, PROCESS_POSTED_INTERRUPTS)))
		return RULE_NA;
	NEED(c, POSTED_INTR_NV);
	v = V(c, POSTED_INTR_NV);
	if (!(v >> 8))
		return RULE_PASS;
	check_hint(c, "write an 8-bit interrupt vector to POSTED_INTR_NV (e.g. 0x%llx)",
	           (unsigned long long)(v & 0xff));
	return check_fail(c, VMCS_POSTED_INTR_NV,
	                  "POSTED_INTR_NV = 0x%llx is not in the range 0-255 (bits 15:8 must be 0)",
	                  (unsigned long long)v);
}

/* SDM 27.2.1.1: with "enable VPID" 1, the VPID field must not be 0000H (VPID 0 is the VMM's). */
enum rule_result rule_ctls_vpid(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = need_proc2(c);

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(c->proc2 & BITMASK(L_PROC2, ENABLE_VPID)))
		return RULE_NA;
	NEED(c, VIRTUAL_PROCESSOR_ID);
	if (V(c, VIRTUAL_PROCESSOR_ID) != 0)
		return RULE_PASS;
	check_hint(c, "give the guest a VPID from 1 to 0xffff (VPID 0 tags the VMM's own "
	              "translations), or clear ENABLE_VPID");
	return check_fail(c, VMCS_VIRTUAL_PROCESSOR_ID,
	                  "VIRTUAL_PROCESSOR_ID = 0 while \"enable VPID\" (bit 5 of "
	                  "SECONDARY_VM_EXEC_CONTROL) is 1");
}

/* Applies an EPTP rule: "enable EPT" is 1 and the EPTP is known. */
static enum rule_result eptp_gate(struct check_ctx *c)
{
	enum rule_result r = need_proc2(c);

	if (r != RULE_PASS)
		return r;
	if (!(c->proc2 & BITMASK(L_PROC2, ENABLE_EPT)))
		return RULE_NA;
	NEED(c, EPT_POINTER);
	return RULE_PASS;
}

/* An IA32_VMX_EPT_VPID_CAP bit, or RULE_UNDECIDED (recorded) when the MSR is unknown. */
static enum rule_result ept_cap(struct check_ctx *c, unsigned bit, bool *set)
{
	enum tri t = caps_msr_bit(c->k, VMX_MSR_EPT_VPID_CAP, bit);

	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide: IA32_VMX_EPT_VPID_CAP is unknown for these "
		                       "capabilities");
	*set = t == TRI_YES;
	return RULE_PASS;
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, the EPT memory type (EPTP bits 2:0) must be one that
 * IA32_VMX_EPT_VPID_CAP reports: UC (0) if bit 8 is 1, WB (6) if bit 14 is 1.
 */
enum rule_result rule_ctls_eptp_memtype(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = eptp_gate(c);
	uint64_t eptp = V(c, EPT_POINTER), type;
	bool uc = false, wb = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
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
	/* For the hint: what this CPU reports, where known. */
	uc = caps_msr_bit(c->k, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__MEMTYPE_UC) == TRI_YES;
	wb = caps_msr_bit(c->k, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__MEMTYPE_WB) == TRI_YES;
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
 * SDM 27.2.1.1: with "enable EPT" 1, EPTP bits 5:3 (page-walk length minus 1) must give a
 * length the processor supports: 3 (4 levels) if IA32_VMX_EPT_VPID_CAP[6] is 1, 4 (5 levels)
 * if bit 7 is 1.
 */
enum rule_result rule_ctls_eptp_walk(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = eptp_gate(c);
	uint64_t eptp = V(c, EPT_POINTER), len;
	bool four = false, five = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
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
	four = caps_msr_bit(c->k, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__PAGE_WALK_4) == TRI_YES;
	five = caps_msr_bit(c->k, VMX_MSR_EPT_VPID_CAP, L_MSR_EPT_VPID_CAP__PAGE_WALK_5) == TRI_YES;
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
 * SDM 27.2.1.1: with "enable EPT" 1, EPTP bit 6 (accessed and dirty flags) must be 0 when
 * IA32_VMX_EPT_VPID_CAP[21] is 0.
 */
enum rule_result rule_ctls_eptp_ad(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = eptp_gate(c);
	uint64_t eptp = V(c, EPT_POINTER);
	bool ok = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(eptp & BITMASK(L_EPTP, ENABLE_ACCESSED_DIRTY)))
		return RULE_PASS;
	r = ept_cap(c, L_MSR_EPT_VPID_CAP__ACCESSED_DIRTY, &ok);
	if (r != RULE_PASS || ok)
		return r;
	check_hint(c, "clear EPT_POINTER bit 6: this CPU has no EPT accessed/dirty flags "
	              "(IA32_VMX_EPT_VPID_CAP[21] is 0)");
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx enables EPT accessed/dirty flags (bit 6), which "
	                  "IA32_VMX_EPT_VPID_CAP does not report",
	                  (unsigned long long)eptp);
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, EPTP bit 7 (supervisor shadow-stack control) must be 0
 * when IA32_VMX_EPT_VPID_CAP[23] is 0.
 */
enum rule_result rule_ctls_eptp_sss(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = eptp_gate(c);
	uint64_t eptp = V(c, EPT_POINTER);
	bool ok = false;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(eptp & BITMASK(L_EPTP, ENABLE_SSS)))
		return RULE_PASS;
	r = ept_cap(c, L_MSR_EPT_VPID_CAP__SUPERVISOR_SHADOW_STACK, &ok);
	if (r != RULE_PASS || ok)
		return r;
	check_hint(c, "clear EPT_POINTER bit 7: this CPU has no EPT supervisor shadow-stack "
	              "control (IA32_VMX_EPT_VPID_CAP[23] is 0)");
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx enables supervisor shadow-stack control (bit 7), "
	                  "which IA32_VMX_EPT_VPID_CAP does not report",
	                  (unsigned long long)eptp);
}

/*
 * SDM 27.2.1.1: with "enable EPT" 1, the reserved EPTP bits 11:8 must be 0 (bits 63:N, beyond
 * the physical-address width, are CTL-EPTP-WIDTH).
 */
enum rule_result rule_ctls_eptp_reserved(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = eptp_gate(c);
	uint64_t eptp = V(c, EPT_POINTER);
	const uint64_t low =
	    0xfffull & ~(BITMASK(L_EPTP, MEMORY_TYPE) | BITMASK(L_EPTP, PAGE_WALK_LENGTH_MINUS_1) |
	                 BITMASK(L_EPTP, ENABLE_ACCESSED_DIRTY) | BITMASK(L_EPTP, ENABLE_SSS));

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(eptp & low))
		return RULE_PASS;
	check_hint(c, "clear bits 11:8 of EPT_POINTER (e.g. 0x%llx)",
	           (unsigned long long)(eptp & ~low));
	return check_fail(c, VMCS_EPT_POINTER,
	                  "EPT_POINTER = 0x%llx sets reserved bits 0x%llx (bits 11:8 must be 0)",
	                  (unsigned long long)eptp, (unsigned long long)(eptp & low));
}

/*
 * SDM 27.2.1.1: with "enable VM functions" 1, the VM-function controls must not set bits that
 * IA32_VMX_VMFUNC reports as reserved (with the control 0 they are not checked).
 */
enum rule_result rule_ctls_vmfunc_reserved(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = need_proc2(c);
	uint64_t v, allowed;

	(void)arg;
	if (r != RULE_PASS)
		return r;
	if (!(c->proc2 & ENABLE_VMFUNC))
		return RULE_NA;
	NEED(c, VM_FUNCTION_CONTROL);
	v = V(c, VM_FUNCTION_CONTROL);
	if (v == 0)
		return RULE_PASS;
	if (!caps_msr_bits(c->k, VMX_MSR_VMFUNC, v, &allowed)) {
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
