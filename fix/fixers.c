/*
 * fixers.c -- one safe correction per check that has one (fixers.h).  Each fixer is tested by
 * tests/test_fix.c on its check's failing fixture: after the correction the check passes.
 */
#include <string.h>

#include "fixers.h"
#include "vmcs_ids.h"

typedef bool (*fixer_fn)(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                         struct fix *out);

/* The effective "unrestricted guest" and "VMCS shadowing" controls. */
static uint64_t proc2(const struct vmcs_state *v)
{
	return (v->value[VMCS_CPU_BASED_VM_EXEC_CONTROL] &
	        BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS))
	           ? v->value[VMCS_SECONDARY_VM_EXEC_CONTROL]
	           : 0;
}

/* An MSR whose every bit is known, or false. */
static bool full_msr(const struct vmx_caps *caps, enum vmx_msr_id id, uint64_t *out)
{
	if (caps->msr_state[id] != VMX_MSR_PRESENT || vmx_caps_msr_known(caps, id) != ~0ull)
		return false;
	*out = caps->msr[id];
	return true;
}

/* What a control-register fixer corrects: field, the fixed MSR and its kind. */
struct cr_fix {
	enum vmcs_field_id field;
	enum vmx_msr_id msr;
	bool fixed0; /* FIXED0: set the bits it sets; FIXED1: clear the bits it clears */
	bool guest_cr0;
};

/*
 * Bits of a CR field the fixed MSRs do not govern: CR0.NW and CR0.CD are never checked, and a
 * guest's CR0.PE and CR0.PG are free under "unrestricted guest" (SDM 27.3.1.1).
 */
static uint64_t cr_exempt(const struct vmcs_state *v, const struct cr_fix *f)
{
	uint64_t e = 0;

	if (f->field == VMCS_GUEST_CR0 || f->field == VMCS_HOST_CR0)
		e |= BITMASK(L_CR0, NW) | BITMASK(L_CR0, CD);
	if (f->guest_cr0 && (proc2(v) & BITMASK(L_PROC2, UNRESTRICTED_GUEST)))
		e |= BITMASK(L_CR0, PE) | BITMASK(L_CR0, PG);
	return e;
}

static bool fix_cr(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                   struct fix *out)
{
	const struct cr_fix *f = (const struct cr_fix *)arg;
	uint64_t msr, x = v->value[f->field], exempt = cr_exempt(v, f);

	if (!full_msr(caps, f->msr, &msr))
		return false;
	out->field = f->field;
	if (f->fixed0) {
		out->value = x | (msr & ~exempt);
		out->what = "set the bits the FIXED0 capability MSR requires";
	} else {
		out->value = x & (msr | exempt);
		out->what = "clear the bits the FIXED1 capability MSR does not allow";
	}
	return out->value != x;
}

/* A usable data segment needs its accessed bit (type bit 0): set it. */
static bool fix_accessed(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                         struct fix *out)
{
	(void)caps;
	out->field = (size_t)arg;
	out->value = v->value[arg] | 1;
	out->what = "set the accessed bit (type bit 0) of the usable segment";
	return out->value != v->value[arg];
}

/* Bits the SDM reserves on every processor, or always sets (arg: the row). */
static const struct reserved_fix {
	enum vmcs_field_id field;
	uint64_t clear, set;
	const char *what;
} reserved_fixes[] = {
    {VMCS_GUEST_RFLAGS, 0xffffffffffc08028ull, 0, "clear reserved RFLAGS bits 63:22, 15, 5, 3"},
    {VMCS_GUEST_RFLAGS, 0, 0x2, "set RFLAGS bit 1, which is always 1"},
    {VMCS_GUEST_INTERRUPTIBILITY_INFO, 0xffffffe0ull, 0,
     "clear reserved interruptibility-state bits 31:5"},
    {VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0xfffffffffffeaff0ull, 0,
     "clear reserved pending-debug-exceptions bits 11:4, 13, 15, 63:17"},
    {VMCS_GUEST_DR7, 0xffffffff00000000ull, 0, "clear DR7 bits 63:32"},
};

static bool fix_reserved(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                         struct fix *out)
{
	const struct reserved_fix *r = &reserved_fixes[arg];

	(void)caps;
	out->field = r->field;
	out->value = (v->value[r->field] & ~r->clear) | r->set;
	out->what = r->what;
	return out->value != v->value[r->field];
}

/* Without "VMCS shadowing" the link pointer is unused and must be all ones (SDM 27.3.1.5). */
static bool fix_link(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                     struct fix *out)
{
	(void)caps;
	(void)arg;
	if (proc2(v) & BITMASK(L_PROC2, VMCS_SHADOWING))
		return false; /* it must point at a shadow VMCS: which one is a choice */
	out->field = VMCS_VMCS_LINK_POINTER;
	out->value = ~0ull;
	out->what = "set the unused VMCS link pointer to all ones";
	return v->value[VMCS_VMCS_LINK_POINTER] != ~0ull;
}

/*
 * A control lacking bits the processor requires (default-1 bits, allowed-0 settings of 1):
 * set them.  Only when that is the whole violation: clearing a bit the processor does not
 * allow drops a feature, which is the hypervisor's choice.  (The secondary and tertiary
 * processor-based and secondary VM-exit controls are reserved to 0 where not allowed: no bit of
 * them is ever required, so they have no fixer.)
 */
static bool fix_control(const struct vmcs_state *v, const struct vmx_caps *caps, uintptr_t arg,
                        struct fix *out)
{
	static const enum vmcs_field_id field[VMX_CTL__COUNT] = {
	    [VMX_CTL_PIN] = VMCS_PIN_BASED_VM_EXEC_CONTROL,
	    [VMX_CTL_PROC] = VMCS_CPU_BASED_VM_EXEC_CONTROL,
	    [VMX_CTL_PROC2] = VMCS_SECONDARY_VM_EXEC_CONTROL,
	    [VMX_CTL_PROC3] = VMCS_TERTIARY_VM_EXEC_CONTROL,
	    [VMX_CTL_EXIT] = VMCS_VM_EXIT_CONTROLS,
	    [VMX_CTL_EXIT2] = VMCS_SECONDARY_VM_EXIT_CONTROLS,
	    [VMX_CTL_ENTRY] = VMCS_VM_ENTRY_CONTROLS,
	};
	struct vmx_allowed a = vmx_caps_allowed(caps, (enum vmx_ctl)arg);
	uint64_t x = v->value[field[arg]], want;

	if (!a.known || a.must_unknown || a.may_unknown)
		return false;
	want = x | a.must_be_1;
	if (want & ~a.may_be_1)
		return false;
	out->field = field[arg];
	out->value = want;
	out->what = "set the control bits this processor requires (its default-1 bits)";
	return want != x;
}

static const struct cr_fix cr_guest_cr0_0 = {VMCS_GUEST_CR0, VMX_MSR_CR0_FIXED0, true, true},
                           cr_guest_cr0_1 = {VMCS_GUEST_CR0, VMX_MSR_CR0_FIXED1, false, true},
                           cr_guest_cr4_0 = {VMCS_GUEST_CR4, VMX_MSR_CR4_FIXED0, true, false},
                           cr_guest_cr4_1 = {VMCS_GUEST_CR4, VMX_MSR_CR4_FIXED1, false, false},
                           cr_host_cr0_0 = {VMCS_HOST_CR0, VMX_MSR_CR0_FIXED0, true, false},
                           cr_host_cr0_1 = {VMCS_HOST_CR0, VMX_MSR_CR0_FIXED1, false, false},
                           cr_host_cr4_0 = {VMCS_HOST_CR4, VMX_MSR_CR4_FIXED0, true, false},
                           cr_host_cr4_1 = {VMCS_HOST_CR4, VMX_MSR_CR4_FIXED1, false, false};

static const struct fixer {
	const char *rule;
	fixer_fn fn;
	uintptr_t arg;
} fixers[] = {
    {"CTL-PIN-RESERVED", fix_control, VMX_CTL_PIN},
    {"CTL-PROC-RESERVED", fix_control, VMX_CTL_PROC},
    {"CTL-EXIT-RESERVED", fix_control, VMX_CTL_EXIT},
    {"CTL-ENTRY-RESERVED", fix_control, VMX_CTL_ENTRY},
    {"HOST-CR0-FIXED0", fix_cr, (uintptr_t)&cr_host_cr0_0},
    {"HOST-CR0-FIXED1", fix_cr, (uintptr_t)&cr_host_cr0_1},
    {"HOST-CR4-FIXED0", fix_cr, (uintptr_t)&cr_host_cr4_0},
    {"HOST-CR4-FIXED1", fix_cr, (uintptr_t)&cr_host_cr4_1},
    {"GUEST-CR0-FIXED0", fix_cr, (uintptr_t)&cr_guest_cr0_0},
    {"GUEST-CR0-FIXED1", fix_cr, (uintptr_t)&cr_guest_cr0_1},
    {"GUEST-CR4-FIXED0", fix_cr, (uintptr_t)&cr_guest_cr4_0},
    {"GUEST-CR4-FIXED1", fix_cr, (uintptr_t)&cr_guest_cr4_1},
    {"GUEST-DR7-HIGH-BITS", fix_reserved, 4},
    {"GUEST-DS-TYPE-ACCESSED", fix_accessed, VMCS_GUEST_DS_AR_BYTES},
    {"GUEST-ES-TYPE-ACCESSED", fix_accessed, VMCS_GUEST_ES_AR_BYTES},
    {"GUEST-FS-TYPE-ACCESSED", fix_accessed, VMCS_GUEST_FS_AR_BYTES},
    {"GUEST-GS-TYPE-ACCESSED", fix_accessed, VMCS_GUEST_GS_AR_BYTES},
    {"GUEST-RFLAGS-RESERVED", fix_reserved, 0},
    {"GUEST-RFLAGS-BIT1", fix_reserved, 1},
    {"GUEST-INTR-RESERVED", fix_reserved, 2},
    {"GUEST-PENDING-DBG-RESERVED", fix_reserved, 3},
    {"GUEST-LINK-ALIGNED", fix_link, 0},
    {"GUEST-LINK-PHYS-WIDTH", fix_link, 0},
    {"GUEST-LINK-REVISION", fix_link, 0},
    {"GUEST-LINK-SHADOW", fix_link, 0},
    {"GUEST-LINK-CURRENT-VMCS", fix_link, 0},
};

static const struct fixer *find(const char *rule_id)
{
	for (size_t i = 0; i < sizeof(fixers) / sizeof(fixers[0]); i++) {
		if (strcmp(fixers[i].rule, rule_id) == 0)
			return &fixers[i];
	}
	return NULL;
}

bool fixer_exists(const char *rule_id)
{
	return find(rule_id) != NULL;
}

bool fixer_for(const char *rule_id, const struct vmcs_state *v, const struct vmx_caps *caps,
               struct fix *out)
{
	const struct fixer *f = find(rule_id);

	return f && f->fn(v, caps, f->arg, out);
}
