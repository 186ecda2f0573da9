/*
 * rules_guest_state.c -- SDM 27.3.1.4 "Checks on Guest RIP, RFLAGS, and SSP", 27.3.1.5
 * "Checks on Guest Non-Register State" and 27.3.1.6 "Checks on Guest Page-Directory-Pointer-
 * Table Entries".  A failure is a VM-entry failure with exit reason 33; the exit qualification
 * is 4 for the VMCS link pointer, 2 for the PDPTEs and 0 otherwise (SDM "VM-Entry Failures
 * During or After Loading Guest State").
 */
#include "rules.h"

/* ---- helpers (static: each rules file keeps its own) ---- */

#define CR0_PE       BITMASK(L_CR0, PE)
#define CR0_PG       BITMASK(L_CR0, PG)
#define CR4_PAE      BITMASK(L_CR4, PAE)
#define RFLAGS_TF    BITMASK(L_RFLAGS, TF)
#define RFLAGS_IF    BITMASK(L_RFLAGS, IF)
#define RFLAGS_VM    BITMASK(L_RFLAGS, VM)
#define INT_STI      BITMASK(L_INTERRUPTIBILITY, BLOCKING_BY_STI)
#define INT_MOV_SS   BITMASK(L_INTERRUPTIBILITY, BLOCKING_BY_MOV_SS)
#define INT_SMI      BITMASK(L_INTERRUPTIBILITY, BLOCKING_BY_SMI)
#define INT_NMI      BITMASK(L_INTERRUPTIBILITY, BLOCKING_BY_NMI)
#define INT_ENCL     BITMASK(L_INTERRUPTIBILITY, ENCLAVE_INTERRUPTION)
#define PDBG_BS      BITMASK(L_PENDING_DBG, BS)
#define PDBG_RTM     BITMASK(L_PENDING_DBG, RTM)
#define PDBG_EB      BITMASK(L_PENDING_DBG, ENABLED_BREAKPOINT)
#define DEBUGCTL_BTF (1ull << 1) /* IA32_DEBUGCTL.BTF */

#define ENTRY(c, name) ((CTL(c, ENTRY) & BITMASK(L_ENTRY, name)) != 0)

/* The VM-entry interruption-information field: whether it injects, and the type. */
static bool injecting(struct check_ctx *c, unsigned *type, unsigned *vector)
{
	uint64_t v = V(c, VM_ENTRY_INTR_INFO_FIELD);

	*type = (unsigned)BITS_GET(v, L_INTR_INFO, TYPE);
	*vector = (unsigned)BITS_GET(v, L_INTR_INFO, VECTOR);
	return (v & BITMASK(L_INTR_INFO, VALID)) != 0;
}

static const char *event_name(unsigned type)
{
	static const char *const names[8] = {
	    "an external interrupt", "a reserved-type event", "an NMI",
	    "a hardware exception",  "a software interrupt",  "a privileged software exception",
	    "a software exception",  "an other event"};

	return names[type & 7];
}

static const char *activity_name(uint64_t state)
{
	static const char *const names[4] = {"active", "HLT", "shutdown", "wait-for-SIPI"};

	return state < 4 ? names[state] : "undefined";
}

/* ---- 27.3.1.4 RIP, RFLAGS, SSP ---- */

/* Whether the guest runs 64-bit code: "IA-32e mode guest" = 1 and CS.L = 1. */
static enum rule_result guest_64bit(struct check_ctx *c, bool *is64)
{
	NEED(c, VM_ENTRY_CONTROLS);
	*is64 = false;
	if (!ENTRY(c, IA32E_MODE_GUEST))
		return RULE_PASS;
	NEED(c, GUEST_CS_AR_BYTES);
	*is64 = (V(c, GUEST_CS_AR_BYTES) & BITMASK(L_AR, L)) != 0;
	return RULE_PASS;
}

/* rule_guest_rip_high() once the value sets bits 63:32: right only in 64-bit mode. */
static COLD enum rule_result rip_high_bits(struct check_ctx *c, uintptr_t arg, uint64_t v)
{
	const char *name = vmcs_field_at(arg)->name;
	enum rule_result r;
	bool is64 = false;

	NEED_INTEL64(c);
	if ((r = guest_64bit(c, &is64)) != RULE_PASS)
		return r;
	if (is64)
		return RULE_NA;
	check_hint(c,
	           "outside 64-bit mode %s is 32 bits: clear bits 63:32 (use 0x%llx), or enter "
	           "64-bit mode (\"IA-32e mode guest\" and CS.L = 1)",
	           name, (unsigned long long)(v & 0xffffffffull));
	return check_fail(c, (int)arg,
	                  "%s = 0x%llx sets bits in 63:32 for a guest not in 64-bit mode "
	                  "(IA-32e mode guest = %d, CS.L = %d)",
	                  name, (unsigned long long)v, ENTRY(c, IA32E_MODE_GUEST),
	                  ENTRY(c, IA32E_MODE_GUEST) &&
	                      (V(c, GUEST_CS_AR_BYTES) & BITMASK(L_AR, L)) != 0);
}

/*
 * SDM 27.3.1.4 (Intel 64 processors): RIP bits 63:32 must be 0 when "IA-32e mode guest" is 0
 * or CS.L is 0.  arg is the field.
 */
enum rule_result rule_guest_rip_high(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	NEED_ID(c, arg);
	v = VAL(c, arg);
	/* A value below 4 GBytes passes in every mode and on every processor. */
	if (!(v >> 32))
		return RULE_PASS;
	return rip_high_bits(c, arg, v);
}

/*
 * Whether bits 63:N of address v (field arg) are identical, N being the processor's
 * linear-address width (a weaker condition than canonical: bit N-1 may differ).
 */
static enum rule_result high_bits_identical(struct check_ctx *c, uintptr_t arg, uint64_t v)
{
	const char *name = vmcs_field_at(arg)->name;
	unsigned n = check_la_width(c);

	if (!n) {
		if (check_canonical(v, 49))
			return RULE_PASS;
		if (check_canonical(v, 58)) {
			return check_undecided(
			    c,
			    "%s = 0x%llx: bits 63:57 agree but bits 63:48 do not; "
			    "5-level paging support is unknown for this CPU",
			    name, (unsigned long long)v);
		}
		n = 57;
	}
	if (!check_canonical(v, n + 1)) {
		check_hint(c, "make bits 63:%u of %s all 0 or all 1 (a canonical address)", n,
		           name);
		return check_fail(c, (int)arg,
		                  "%s = 0x%llx: bits 63:%u are not identical (%u-bit linear "
		                  "addresses)",
		                  name, (unsigned long long)v, n, n);
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.4: when "IA-32e mode guest" is 1 and CS.L is 1, RIP bits 63:N must be identical,
 * N being the processor's linear-address width.
 */
enum rule_result rule_guest_rip_canonical(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	bool is64 = false;
	uint64_t v;

	NEED_ID(c, arg);
	v = VAL(c, arg);
	/* Bits 63:47 identical satisfies every linear-address width, in any mode. */
	if (check_canonical(v, 48))
		return RULE_PASS;
	NEED_INTEL64(c);
	if ((r = guest_64bit(c, &is64)) != RULE_PASS)
		return r;
	if (!is64)
		return RULE_NA;
	return high_bits_identical(c, arg, v);
}

/*
 * SDM 27.3.1.4, with "load CET state" (the row's condition): on a processor that supports
 * Intel 64, SSP bits 63:N must be identical, in any guest mode.  Unlike RIP, SSP is not held
 * to bits 63:32 outside 64-bit mode: that was the CET specification's first draft, which
 * Bochs follows (vmx-probe/KNOWN-DEVIATIONS.md); Intel's nested CET checks for KVM (2025)
 * summarise the SDM as here.
 */
enum rule_result rule_guest_ssp_width(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;

	(void)arg;
	NEED(c, GUEST_SSP);
	v = V(c, GUEST_SSP);
	if (check_canonical(v, 48))
		return RULE_PASS;
	NEED_INTEL64(c);
	return high_bits_identical(c, VMCS_GUEST_SSP, v);
}

/*
 * SDM 27.3.1.4: the IF flag (bit 9) must be 1 when the VM-entry interruption-information field
 * is valid with interruption type external interrupt.
 */
enum rule_result rule_guest_rflags_if(struct check_ctx *c, uintptr_t arg)
{
	unsigned type, vector;
	uint64_t v;

	(void)arg;
	(void)injecting(c, &type, &vector); /* an external interrupt: the row's condition */
	NEED(c, GUEST_RFLAGS);
	v = V(c, GUEST_RFLAGS);
	if (!(v & RFLAGS_IF)) {
		check_hint(c,
		           "set bit 9 (IF) of GUEST_RFLAGS (use 0x%llx), or do not inject vector "
		           "0x%x until the guest enables interrupts (use interrupt-window exiting)",
		           (unsigned long long)(v | RFLAGS_IF), vector);
		return check_fail(
		    c, VMCS_GUEST_RFLAGS,
		    "VM entry injects external interrupt 0x%x "
		    "(VM_ENTRY_INTR_INFO_FIELD = 0x%llx) but GUEST_RFLAGS = 0x%llx has "
		    "IF = 0",
		    vector, (unsigned long long)V(c, VM_ENTRY_INTR_INFO_FIELD),
		    (unsigned long long)v);
	}
	return RULE_PASS;
}

/* ---- 27.3.1.5 activity state ---- */

/*
 * SDM 27.3.1.5: the activity-state field must hold 0-3 and name a state the processor
 * supports: HLT, shutdown and wait-for-SIPI are reported by IA32_VMX_MISC bits 6, 7 and 8.
 */
enum rule_result rule_guest_activity_supported(struct check_ctx *c, uintptr_t arg)
{
	uint64_t s;
	enum tri t;

	(void)arg;
	NEED(c, GUEST_ACTIVITY_STATE);
	s = V(c, GUEST_ACTIVITY_STATE);
	if (s > 3) {
		check_hint(c, "use activity state 0 (active), 1 (HLT), 2 (shutdown) or 3 "
		              "(wait-for-SIPI)");
		return check_fail(c, VMCS_GUEST_ACTIVITY_STATE,
		                  "GUEST_ACTIVITY_STATE = 0x%llx is not an activity state",
		                  (unsigned long long)s);
	}
	if (s == L_ACTIVITY__V_ACTIVE)
		return RULE_PASS;
	t = check_msr_bit(c, VMX_MSR_MISC, (unsigned)(5 + s));
	if (t == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether the %s activity state is supported: "
		                       "IA32_VMX_MISC is unknown",
		                       activity_name(s));
	if (t == TRI_NO) {
		check_hint(c,
		           "use the active state: this CPU does not support the %s state "
		           "(IA32_VMX_MISC bit %u = 0)",
		           activity_name(s), (unsigned)(5 + s));
		return check_fail(c, VMCS_GUEST_ACTIVITY_STATE,
		                  "GUEST_ACTIVITY_STATE = %llu (%s) is not supported by this CPU",
		                  (unsigned long long)s, activity_name(s));
	}
	return RULE_PASS;
}

/* SDM 27.3.1.5: the activity state may not be HLT when SS.DPL (the CPL) is not 0. */
enum rule_result rule_guest_activity_hlt_dpl(struct check_ctx *c, uintptr_t arg)
{
	unsigned dpl;

	(void)arg;
	NEED(c, GUEST_SS_AR_BYTES);
	dpl = (unsigned)BITS_GET(V(c, GUEST_SS_AR_BYTES), L_AR, DPL);
	if (dpl) {
		check_hint(c, "only CPL 0 can be halted: use the active state, or SS.DPL = 0");
		return check_fail(c, VMCS_GUEST_ACTIVITY_STATE,
		                  "GUEST_ACTIVITY_STATE is HLT but SS.DPL (CPL) is %u "
		                  "(GUEST_SS_AR_BYTES = 0x%llx)",
		                  dpl, (unsigned long long)V(c, GUEST_SS_AR_BYTES));
	}
	return RULE_PASS;
}

/* SDM 27.3.1.5: blocking by STI or by MOV SS requires the active state. */
enum rule_result rule_guest_activity_blocking(struct check_ctx *c, uintptr_t arg)
{
	uint64_t s, i;

	(void)arg;
	i = V(c, GUEST_INTERRUPTIBILITY_INFO);
	NEED(c, GUEST_ACTIVITY_STATE);
	s = V(c, GUEST_ACTIVITY_STATE);
	if (s != L_ACTIVITY__V_ACTIVE) {
		check_hint(c, "clear blocking by STI/MOV SS in GUEST_INTERRUPTIBILITY_INFO, or use "
		              "the active state");
		return check_fail(
		    c, VMCS_GUEST_ACTIVITY_STATE,
		    "GUEST_INTERRUPTIBILITY_INFO = 0x%llx blocks by %s but the activity "
		    "state is %llu (%s), not active",
		    (unsigned long long)i, (i & INT_STI) ? "STI" : "MOV SS", (unsigned long long)s,
		    activity_name(s));
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.5: an injected event must be one the activity state does not block.  HLT allows
 * external interrupts, NMIs, hardware exceptions 1 (#DB) and 18 (#MC) and the pending MTF VM
 * exit (other event, vector 0); shutdown allows NMIs and #MC; wait-for-SIPI allows nothing.
 * arg is the activity state.
 */
enum rule_result rule_guest_activity_event(struct check_ctx *c, uintptr_t arg)
{
	unsigned type, vector;
	bool ok;

	NEED(c, VM_ENTRY_INTR_INFO_FIELD);
	if (!injecting(c, &type, &vector))
		return RULE_PASS;
	switch (arg) {
	case L_ACTIVITY__V_HLT:
		ok = type == L_INTR_INFO__V_EXTERNAL_INTERRUPT || type == L_INTR_INFO__V_NMI ||
		     (type == L_INTR_INFO__V_HARDWARE_EXCEPTION && (vector == 1 || vector == 18)) ||
		     (type == L_INTR_INFO__V_OTHER_EVENT && vector == 0);
		break;
	case L_ACTIVITY__V_SHUTDOWN:
		ok = type == L_INTR_INFO__V_NMI ||
		     (type == L_INTR_INFO__V_HARDWARE_EXCEPTION && vector == 18);
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		check_hint(
		    c,
		    "%s; inject other events with the active state (or leave the valid bit "
		    "of VM_ENTRY_INTR_INFO_FIELD clear)",
		    arg == L_ACTIVITY__V_HLT        ? "a halted guest takes only an external "
		                                      "interrupt, an NMI, #DB, #MC or a pending MTF "
		                                      "VM exit"
		    : arg == L_ACTIVITY__V_SHUTDOWN ? "a shut-down guest takes only an NMI or "
		                                      "#MC"
		                                    : "a guest waiting for SIPI takes no "
		                                      "injected event");
		return check_fail(
		    c, VMCS_VM_ENTRY_INTR_INFO_FIELD,
		    "VM entry injects %s (vector %u, VM_ENTRY_INTR_INFO_FIELD = 0x%llx) "
		    "into the %s activity state, which blocks it",
		    event_name(type), vector, (unsigned long long)V(c, VM_ENTRY_INTR_INFO_FIELD),
		    activity_name(arg));
	}
	return RULE_PASS;
}

/* ---- 27.3.1.5 interruptibility state ---- */

/*
 * SDM 27.3.1.5: injecting an external interrupt (arg 0) requires blocking by STI and by MOV SS
 * to be 0; injecting an NMI (arg 2) requires blocking by MOV SS to be 0.  arg is the
 * interruption type.
 */
enum rule_result rule_guest_intr_event(struct check_ctx *c, uintptr_t arg)
{
	uint64_t i, bad;
	unsigned type, vector;

	(void)injecting(c, &type, &vector);
	NEED(c, GUEST_INTERRUPTIBILITY_INFO);
	i = V(c, GUEST_INTERRUPTIBILITY_INFO);
	bad = i & (arg == L_INTR_INFO__V_EXTERNAL_INTERRUPT ? INT_STI | INT_MOV_SS : INT_MOV_SS);
	if (bad) {
		check_hint(c,
		           "clear bits 0x%llx of GUEST_INTERRUPTIBILITY_INFO, or delay the "
		           "injection until the guest leaves the shadow (%s-window exiting)",
		           (unsigned long long)bad, arg ? "NMI" : "interrupt");
		return check_fail(c, VMCS_GUEST_INTERRUPTIBILITY_INFO,
		                  "VM entry injects %s (VM_ENTRY_INTR_INFO_FIELD = 0x%llx) while "
		                  "GUEST_INTERRUPTIBILITY_INFO = 0x%llx blocks by %s",
		                  event_name(type),
		                  (unsigned long long)V(c, VM_ENTRY_INTR_INFO_FIELD),
		                  (unsigned long long)i,
		                  (bad & INT_STI) && (bad & INT_MOV_SS) ? "STI and MOV SS"
		                  : (bad & INT_STI)                     ? "STI"
		                                                        : "MOV SS");
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.5: a processor may require blocking by STI (bit 0) to be 0 when VM entry injects
 * an NMI, and others do not; one that does fails the entry with exit qualification 3 (SDM
 * "VM-Entry Failures During or After Loading Guest State" reserves that value for exactly
 * this).  Neither outcome is an error of the VMCS: the prediction is processor-dependent.
 */
enum rule_result rule_guest_intr_nmi_sti(struct check_ctx *c, uintptr_t arg)
{
	uint64_t i;

	(void)arg;
	NEED(c, GUEST_INTERRUPTIBILITY_INFO);
	i = V(c, GUEST_INTERRUPTIBILITY_INFO);
	if (!(i & INT_STI))
		return RULE_PASS;
	check_hint(c,
	           "to enter the same way on every processor, clear bit 0 (blocking by STI) of "
	           "GUEST_INTERRUPTIBILITY_INFO (0x%llx) or delay the NMI until the STI shadow "
	           "ends (NMI-window exiting)",
	           (unsigned long long)(i & ~INT_STI));
	return check_may_fail(c, VMCS_GUEST_INTERRUPTIBILITY_INFO,
	                      "VM entry injects an NMI (VM_ENTRY_INTR_INFO_FIELD = 0x%llx) while "
	                      "GUEST_INTERRUPTIBILITY_INFO = 0x%llx blocks by STI: some "
	                      "processors fail this entry (exit qualification 3), others enter",
	                      (unsigned long long)V(c, VM_ENTRY_INTR_INFO_FIELD),
	                      (unsigned long long)i);
}

/*
 * SDM 27.3.1.5: with "virtual NMIs" = 1, injecting an NMI requires blocking by NMI (bit 3) to
 * be 0.
 */
enum rule_result rule_guest_intr_vnmi(struct check_ctx *c, uintptr_t arg)
{

	(void)arg;
	NEED(c, PIN_BASED_VM_EXEC_CONTROL);
	if (!(CTL(c, PIN) & BITMASK(L_PIN, VIRTUAL_NMIS)))
		return RULE_NA;
	NEED(c, GUEST_INTERRUPTIBILITY_INFO);
	if (V(c, GUEST_INTERRUPTIBILITY_INFO) & INT_NMI) {
		check_hint(c, "clear bit 3 (blocking by NMI) of GUEST_INTERRUPTIBILITY_INFO, or "
		              "wait for the guest's IRET (NMI-window exiting) before injecting");
		return check_fail(c, VMCS_GUEST_INTERRUPTIBILITY_INFO,
		                  "VM entry injects an NMI with \"virtual NMIs\" = 1 while "
		                  "GUEST_INTERRUPTIBILITY_INFO = 0x%llx has virtual-NMI blocking",
		                  (unsigned long long)V(c, GUEST_INTERRUPTIBILITY_INFO));
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.5: when enclave interruption (bit 4) is 1, the processor must support SGX,
 * CPUID.(EAX=07H,ECX=0):EBX[2].
 */
enum rule_result rule_guest_intr_enclave_sgx(struct check_ctx *c, uintptr_t arg)
{
	uint64_t i;
	enum tri sgx;

	(void)arg;
	i = V(c, GUEST_INTERRUPTIBILITY_INFO);
	sgx = check_cpuid_bit(c, CF_7_0_EBX, 2);
	if (sgx == TRI_UNKNOWN)
		return check_undecided(
		    c,
		    "GUEST_INTERRUPTIBILITY_INFO = 0x%llx sets enclave interruption; "
		    "SGX support (CPUID.(EAX=07H,ECX=0):EBX[2]) is unknown",
		    (unsigned long long)i);
	if (sgx == TRI_YES)
		return RULE_PASS;
	check_hint(c, "clear bit 4 (enclave interruption) of GUEST_INTERRUPTIBILITY_INFO: this CPU "
	              "has no SGX");
	return check_fail(c, VMCS_GUEST_INTERRUPTIBILITY_INFO,
	                  "GUEST_INTERRUPTIBILITY_INFO = 0x%llx sets enclave interruption on a CPU "
	                  "without SGX",
	                  (unsigned long long)i);
}

/* ---- 27.3.1.5 pending debug exceptions ---- */

/*
 * SDM 27.3.1.5: when the guest blocks by STI or MOV SS or is in HLT, BS (bit 14) must be 1 if
 * RFLAGS.TF = 1 and IA32_DEBUGCTL.BTF = 0 in the fields (arg 1), and 0 if TF = 0 or BTF = 1
 * (arg 0).
 */
enum rule_result rule_guest_pdbg_bs(struct check_ctx *c, uintptr_t arg)
{
	bool tf, btf, want, bs;
	uint64_t v;

	NEED(c, GUEST_INTERRUPTIBILITY_INFO);
	NEED(c, GUEST_ACTIVITY_STATE);
	if (!(V(c, GUEST_INTERRUPTIBILITY_INFO) & (INT_STI | INT_MOV_SS)) &&
	    V(c, GUEST_ACTIVITY_STATE) != L_ACTIVITY__V_HLT)
		return RULE_NA;
	NEED(c, GUEST_RFLAGS);
	NEED(c, GUEST_IA32_DEBUGCTL);
	tf = (V(c, GUEST_RFLAGS) & RFLAGS_TF) != 0;
	btf = (V(c, GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF) != 0;
	want = tf && !btf;
	if (want != (arg == 1))
		return RULE_NA;
	NEED(c, GUEST_PENDING_DBG_EXCEPTIONS);
	v = V(c, GUEST_PENDING_DBG_EXCEPTIONS);
	bs = (v & PDBG_BS) != 0;
	if (bs != want) {
		check_hint(c,
		           "%s bit 14 (BS) of GUEST_PENDING_DBG_EXCEPTIONS (use 0x%llx): a "
		           "single-step trap is pending exactly when TF = 1 and BTF = 0",
		           want ? "set" : "clear",
		           (unsigned long long)(want ? v | PDBG_BS : v & ~PDBG_BS));
		return check_fail(
		    c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS,
		    "GUEST_PENDING_DBG_EXCEPTIONS = 0x%llx has BS = %d but RFLAGS.TF = "
		    "%d and DEBUGCTL.BTF = %d (guest %s)",
		    (unsigned long long)v, bs, tf, btf,
		    V(c, GUEST_ACTIVITY_STATE) == L_ACTIVITY__V_HLT ? "halted"
		                                                    : "in an STI/MOV SS shadow");
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.5: when pending-debug-exceptions bit 16 (RTM) is 1, the processor must support
 * RTM, CPUID.(EAX=07H,ECX=0):EBX[11].
 */
enum rule_result rule_guest_pdbg_rtm_support(struct check_ctx *c, uintptr_t arg)
{
	uint64_t v;
	enum tri rtm;

	(void)arg;
	v = V(c, GUEST_PENDING_DBG_EXCEPTIONS);
	rtm = check_cpuid_bit(c, CF_7_0_EBX, 11);
	if (rtm == TRI_UNKNOWN)
		return check_undecided(c, "GUEST_PENDING_DBG_EXCEPTIONS sets RTM; RTM support "
		                          "(CPUID.(EAX=07H,ECX=0):EBX[11]) is unknown");
	if (rtm == TRI_YES)
		return RULE_PASS;
	check_hint(c, "clear bit 16 (RTM) of GUEST_PENDING_DBG_EXCEPTIONS: this CPU has no RTM");
	return check_fail(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS,
	                  "GUEST_PENDING_DBG_EXCEPTIONS = 0x%llx sets RTM on a CPU without RTM",
	                  (unsigned long long)v);
}

/* ---- 27.3.1.5 VMCS link pointer ---- */

/*
 * SDM 27.3.1.5: a VMCS link pointer other than FFFFFFFF_FFFFFFFFH must not set a bit beyond the
 * physical-address width (bits 63:32 on processors without Intel 64 architecture).
 */
enum rule_result rule_guest_link_width(struct check_ctx *c, uintptr_t arg)
{
	uint64_t p, bad;
	unsigned m;
	enum tri i64;

	(void)arg;
	p = V(c, VMCS_LINK_POINTER); /* not FFFFFFFF_FFFFFFFFH: the rows' condition LINKED */
	i64 = check_intel64(c);
	m = check_maxphyaddr(c);
	if (i64 == TRI_NO)
		m = 32;
	if (!m || i64 == TRI_UNKNOWN) {
		if (!(p >> 32))
			return RULE_PASS;
		if (!(p >> 52) && i64 != TRI_NO)
			return check_undecided(
			    c,
			    "VMCS_LINK_POINTER = 0x%llx: the physical-address width "
			    "is unknown for this CPU",
			    (unsigned long long)p);
		m = (p >> 52) ? 52 : 32;
	}
	bad = m >= 64 ? 0 : p & (~0ull << m);
	if (bad) {
		check_hint(c,
		           "set VMCS_LINK_POINTER to 0xffffffffffffffff when no shadow VMCS is "
		           "used, else to a VMCS region below 2^%u",
		           m);
		return check_fail(c, VMCS_VMCS_LINK_POINTER,
		                  "VMCS_LINK_POINTER = 0x%llx sets bit(s) 0x%llx beyond the %u-bit "
		                  "physical-address width",
		                  (unsigned long long)p, (unsigned long long)bad, m);
	}
	return RULE_PASS;
}

/*
 * SDM 27.3.1.5: if the processor is not in SMM (vmcslint models VM entries outside SMM), the
 * VMCS link pointer must not be the current-VMCS pointer.  The current VMCS is an ordinary
 * (not shadow: VM entry fails earlier with a shadow VMCS current) VMCS region of this
 * processor's revision, so a link target that is not one cannot be it.
 */
enum rule_result rule_guest_link_current(struct check_ctx *c, uintptr_t arg)
{
	const struct vmentry_env *e = c->env;
	uint64_t p, basic;

	(void)arg;
	p = V(c, VMCS_LINK_POINTER); /* not FFFFFFFF_FFFFFFFFH: the rows' condition LINKED */
	if (e->link_current_known) {
		if (!e->link_is_current)
			return RULE_PASS;
		check_hint(c, "point VMCS_LINK_POINTER at a shadow VMCS (with VMCS shadowing), or "
		              "set it to 0xffffffffffffffff; never at the current VMCS");
		return check_fail(c, VMCS_VMCS_LINK_POINTER,
		                  "VMCS_LINK_POINTER = 0x%llx is the current-VMCS pointer",
		                  (unsigned long long)p);
	}
	if (e->link_known &&
	    (!e->link_is_vmcs || e->link_shadow ||
	     (check_msr_bits(c, VMX_MSR_BASIC, BITMASK(L_MSR_BASIC, REVISION_ID), &basic) &&
	      e->link_revision != BITS_GET(basic, L_MSR_BASIC, REVISION_ID))))
		return RULE_PASS;
	return check_undecided(c,
	                       "cannot decide whether VMCS_LINK_POINTER = 0x%llx is the current "
	                       "VMCS (give memory: vmcs_link: {..., current: false})",
	                       (unsigned long long)p);
}

/*
 * SDM 27.3.1.5: the first 32 bits of the region the VMCS link pointer references must hold the
 * processor's VMCS revision identifier in bits 30:0 (arg 0) and, in bit 31, the setting of the
 * "VMCS shadowing" VM-execution control (arg 1).  What is there comes from the configuration's
 * memory: vmcs_link.
 */
enum rule_result rule_guest_link_region(struct check_ctx *c, uintptr_t arg)
{
	const struct vmentry_env *e = c->env;
	uint64_t p, basic;
	bool shadowing;

	p = V(c, VMCS_LINK_POINTER); /* not FFFFFFFF_FFFFFFFFH: the rows' condition LINKED */
	if (!e->link_known)
		return check_undecided(
		    c,
		    "VMCS_LINK_POINTER = 0x%llx: what the link pointer references "
		    "is unknown (give memory: vmcs_link)",
		    (unsigned long long)p);
	if (arg == 0) {
		if (!e->link_is_vmcs) {
			check_hint(c, "set VMCS_LINK_POINTER to 0xffffffffffffffff unless it "
			              "references a shadow VMCS region (VMCS shadowing)");
			return check_fail(
			    c, VMCS_VMCS_LINK_POINTER,
			    "VMCS_LINK_POINTER = 0x%llx does not reference a VMCS region",
			    (unsigned long long)p);
		}
		if (!check_msr_bits(c, VMX_MSR_BASIC, BITMASK(L_MSR_BASIC, REVISION_ID), &basic))
			return check_undecided(c,
			                       "cannot decide: IA32_VMX_BASIC (the VMCS revision "
			                       "identifier) is unknown");
		if (e->link_revision != BITS_GET(basic, L_MSR_BASIC, REVISION_ID)) {
			check_hint(
			    c,
			    "write the revision identifier 0x%llx (IA32_VMX_BASIC bits 30:0) "
			    "into the first 4 bytes of the region at VMCS_LINK_POINTER, or "
			    "set the pointer to 0xffffffffffffffff",
			    (unsigned long long)BITS_GET(basic, L_MSR_BASIC, REVISION_ID));
			return check_fail(
			    c, VMCS_VMCS_LINK_POINTER,
			    "the region at VMCS_LINK_POINTER = 0x%llx has revision "
			    "identifier 0x%x, the processor's is 0x%llx",
			    (unsigned long long)p, (unsigned)e->link_revision,
			    (unsigned long long)BITS_GET(basic, L_MSR_BASIC, REVISION_ID));
		}
		return RULE_PASS;
	}
	if (!e->link_is_vmcs)
		return RULE_NA;
	NEED(c, CPU_BASED_VM_EXEC_CONTROL);
	if (CTL(c, PROC) & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS))
		NEED(c, SECONDARY_VM_EXEC_CONTROL);
	shadowing = (CTL(c, PROC2) & BITMASK(L_PROC2, VMCS_SHADOWING)) != 0;
	if (e->link_shadow != shadowing) {
		check_hint(
		    c,
		    "%s the shadow-VMCS indicator (bit 31 of the first 4 bytes) of the region "
		    "at VMCS_LINK_POINTER%s",
		    shadowing ? "set" : "clear",
		    shadowing ? " (VMCLEAR it as a shadow VMCS)"
		              : ", or enable \"VMCS shadowing\"");
		return check_fail(c, VMCS_VMCS_LINK_POINTER,
		                  "the region at VMCS_LINK_POINTER = 0x%llx has shadow-VMCS "
		                  "indicator %d but \"VMCS shadowing\" is %d",
		                  (unsigned long long)p, e->link_shadow, shadowing);
	}
	return RULE_PASS;
}

/* ---- 27.3.1.6 PDPTEs ---- */

/* The reserved bits of a present PAE PDPTE: 2:1, 8:5 and MAXPHYADDR and above. */
static uint64_t pdpte_reserved(uint64_t e, unsigned m)
{
	uint64_t rsvd = 0x6ull | 0x1e0ull | (m >= 64 ? 0 : ~0ull << m);

	return (e & 1) ? e & rsvd : 0;
}

/*
 * SDM 27.3.1.6: VM entry to a guest using PAE paging (PG set in the CR0 field, PAE set in the
 * CR4 field, "IA-32e mode guest" 0) checks the PDPTEs as MOV to CR3 would: a present PDPTE
 * may not set a reserved bit.  Without EPT (arg 0) these are the PDPTEs referenced by the CR3
 * field -- checked when PAE paging was not in use before the entry or CR3 changes, and
 * possibly otherwise; with EPT (arg 1) they are the PDPTE fields of the guest-state area.
 */
enum rule_result rule_guest_pdpte(struct check_ctx *c, uintptr_t arg)
{
	static const int fields[4] = {VMCS_GUEST_PDPTR0, VMCS_GUEST_PDPTR1, VMCS_GUEST_PDPTR2,
	                              VMCS_GUEST_PDPTR3};
	const struct vmentry_env *e = c->env;
	uint64_t pdpte[4];
	unsigned m = check_maxphyaddr(c);
	bool ept, maybe_unchecked = false;
	int unknown_field = -1, undecided = -1;

	NEED(c, GUEST_CR0);
	NEED(c, GUEST_CR4);
	/* not IA-32e mode: the rows' condition */
	if (!(V(c, GUEST_CR0) & CR0_PG) || !(V(c, GUEST_CR4) & CR4_PAE))
		return RULE_NA;
	NEED(c, CPU_BASED_VM_EXEC_CONTROL);
	if (CTL(c, PROC) & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS))
		NEED(c, SECONDARY_VM_EXEC_CONTROL);
	ept = (CTL(c, PROC2) & BITMASK(L_PROC2, ENABLE_EPT)) != 0;
	if (ept != (arg == 1))
		return RULE_NA;
	if (arg == 1) {
		for (int i = 0; i < 4; i++) {
			if (!KNOWN_ID(c, fields[i]))
				unknown_field = fields[i];
			pdpte[i] = VAL(c, fields[i]);
		}
	} else {
		if (!e->pdptes_known)
			return check_undecided(c,
			                       "the PDPTEs at GUEST_CR3 = 0x%llx are unknown (give "
			                       "memory: guest_pdptes)",
			                       (unsigned long long)V(c, GUEST_CR3));
		for (int i = 0; i < 4; i++)
			pdpte[i] = e->pdpte[i];
		/*
		 * A host already using PAE paging with the same CR3 need not have them checked
		 * (the host fields stand for the state at VM entry).
		 */
		if (!e->ia32e_mode && KNOWN(c, HOST_CR0) && KNOWN(c, HOST_CR4) &&
		    KNOWN(c, HOST_CR3) && KNOWN(c, GUEST_CR3) && (V(c, HOST_CR0) & CR0_PG) &&
		    (V(c, HOST_CR4) & CR4_PAE) && V(c, HOST_CR3) == V(c, GUEST_CR3))
			maybe_unchecked = true;
	}
	/*
	 * Any present PDPTE with a reserved bit set fails the entry: one that cannot be judged
	 * (unknown, or its address bits against an unknown MAXPHYADDR) does not hide another
	 * that fails.
	 */
	for (int i = 0; i < 4; i++) {
		uint64_t bad;
		char name[40];

		if (arg == 1 && !KNOWN_ID(c, fields[i]))
			continue;
		bad = pdpte_reserved(pdpte[i], m ? m : 52);
		if (arg)
			check_snprintf(name, sizeof(name), "%s",
			               vmcs_field_at((size_t)fields[i])->name);
		else
			check_snprintf(name, sizeof(name), "PDPTE%d at GUEST_CR3", i);
		if (!bad) {
			if (!m && (pdpte[i] & 1) && (pdpte[i] >> 32) && undecided < 0)
				undecided = i;
			continue;
		}
		if (maybe_unchecked)
			return check_undecided(
			    c,
			    "%s = 0x%llx sets reserved bits, but VM entry need not "
			    "check the PDPTEs: PAE paging is already in use with the "
			    "same CR3",
			    name, (unsigned long long)pdpte[i]);
		check_hint(c,
		           "clear bits 0x%llx of %s (use 0x%llx) or its present bit: a PAE PDPTE "
		           "reserves bits 2:1, 8:5 and bits %u and up",
		           (unsigned long long)bad, name, (unsigned long long)(pdpte[i] & ~bad),
		           m ? m : 52);
		return check_fail(c, arg ? fields[i] : VMCS_GUEST_CR3,
		                  "%s = 0x%llx is present and sets reserved bit(s) 0x%llx", name,
		                  (unsigned long long)pdpte[i], (unsigned long long)bad);
	}
	if (unknown_field >= 0)
		return check_unknown_field(c, unknown_field);
	if (undecided >= 0)
		return check_undecided(c, "PDPTE%d = 0x%llx: MAXPHYADDR is unknown for this CPU",
		                       undecided, (unsigned long long)pdpte[undecided]);
	return RULE_PASS;
}
