/*
 * caps_compile.c -- raw capabilities (struct vmx_caps) turned once per processor into the form
 * the checks read (struct vmcsl_caps): the three-valued questions of vmx_caps.c answered ahead
 * for every bit a check may ask about.  Freestanding.
 */
#include "caps_compiled.h"

static const struct {
	enum cpuid_leaf_id leaf;
	enum cpuid_reg reg;
} fact_regs[CF__COUNT] = {
#define CPUID_FACT(id, leaf, reg) [id] = {CPUID_LEAF_##leaf, reg},
#include "cpuid_facts.def"
};

/*
 * The same answers as vmx_caps_cpuid_bit() and vmx_caps_cpuid_reg(), for every bit at once; *r
 * gets the leaves they rest on (the leaf, and the maximum leaf that may put it out of range).
 */
static void compile_cpuid(struct vmx_caps *t, enum cpuid_fact f, struct vmcsl_cpuid_fact *x,
                          uint32_t *r)
{
	struct vmx_caps_reads rd = {0, 0};
	enum cpuid_leaf_id id = fact_regs[f].leaf;
	const struct vmx_cpuid_leaf *l =
	    vmx_caps_cpuid(t, vmx_cpuid_leaf(id), vmx_cpuid_subleaf(id));
	unsigned reg = fact_regs[f].reg;
	uint32_t v;

	t->reads = &rd;
	x->present = l && ((l->known >> reg) & 1u);
	x->reg_known = vmx_caps_cpuid_reg(t, id, fact_regs[f].reg, &v);
	x->reg_value = x->reg_known ? v : 0;
	if (l && !((l->known >> reg) & 1u) && ((l->partial >> reg) & 1u)) {
		x->value = l->reg[reg] & ~l->unknown[reg];
		x->known = ~l->unknown[reg];
	} else {
		x->value = x->reg_value;
		x->known = x->reg_known ? ~0u : 0;
	}
	*r = rd.cpuid | 1u << id;
	t->reads = NULL;
}

/*
 * CR0/CR4 fixed bits: a bit FIXED0 sets is set in FIXED1 too, and a bit FIXED1 clears is clear
 * in FIXED0 (SDM A.7, A.8), so the known bits of each MSR tell the same bits of the other.
 */
static void compile_fixed(const struct vmx_caps *raw, struct vmcsl_caps *k, unsigned i,
                          enum vmx_msr_id msr, enum vmx_msr_id other, bool fixed0)
{
	uint64_t known = vmx_caps_msr_known(raw, msr), oknown = vmx_caps_msr_known(raw, other);
	uint64_t value = raw->msr[msr] & known, ovalue = raw->msr[other] & oknown;

	if (fixed0) {
		known |= oknown & ~ovalue;
	} else {
		value |= ovalue;
		known |= ovalue;
	}
	k->fixed[i] = value;
	k->fixed_known[i] = known;
}

/*
 * Intel 64 support from the capabilities alone: CPUID.80000001H:EDX.LM[29], else the allowed
 * 1-setting of "IA-32e mode guest" or "host address-space size" (only Intel 64 processors
 * allow them), else "CR8-load exiting" allowed (it must be 0 without Intel 64, SDM 25.6.2).
 * What the VM entry itself shows (VMLAUNCH in IA-32e mode) is added per check.
 */
static enum tri intel64_of(const struct vmcsl_caps *k, struct vmx_caps_reads *r)
{
	enum tri t = caps_cpuid_bit(k, CF_80000001_0_EDX, 29);

	r->cpuid |= k->cpuid_reads[CF_80000001_0_EDX];
	if (t != TRI_UNKNOWN)
		return t;
	caps_reads_add(r, &k->ctl_reads[VMX_CTL_ENTRY]);
	t = caps_may_be_1(k, VMX_CTL_ENTRY, L_ENTRY__IA32E_MODE_GUEST);
	if (t != TRI_UNKNOWN)
		return t;
	caps_reads_add(r, &k->ctl_reads[VMX_CTL_EXIT]);
	t = caps_may_be_1(k, VMX_CTL_EXIT, L_EXIT__HOST_ADDRESS_SPACE_SIZE);
	if (t != TRI_UNKNOWN)
		return t;
	caps_reads_add(r, &k->ctl_reads[VMX_CTL_PROC]);
	if (caps_may_be_1(k, VMX_CTL_PROC, L_PROC__CR8_LOAD_EXITING) == TRI_YES)
		return TRI_YES;
	return TRI_UNKNOWN;
}

/*
 * The widest linear address: 57 bits when CR4.LA57 may be 1 in VMX operation
 * (IA32_VMX_CR4_FIXED1), else as CPUID.(EAX=07H,ECX=0):ECX.LA57[16] says; 48 without 5-level
 * paging.
 */
static unsigned la_width_of(const struct vmcsl_caps *k, struct vmx_caps_reads *r)
{
	enum tri t = caps_msr_bit(k, VMX_MSR_CR4_FIXED1, L_CR4__LA57);

	r->msr |= 1u << VMX_MSR_CR4_FIXED1;
	if (t == TRI_UNKNOWN) {
		t = caps_cpuid_bit(k, CF_7_0_ECX, 16);
		r->cpuid |= k->cpuid_reads[CF_7_0_ECX];
	}
	return t == TRI_YES ? 57 : t == TRI_NO ? 48 : 0;
}

void vmcsl_caps_compile(const struct vmx_caps *raw, struct vmcsl_caps *k)
{
	/* A copy whose accessors mark what each answer is computed from. */
	struct vmx_caps t = *raw;
	struct vmx_caps_reads none = {0, 0};

	for (int i = 0; i < VMX_CTL__COUNT; i++) {
		k->ctl_reads[i] = none;
		t.reads = &k->ctl_reads[i];
		k->ctl[i] = vmx_caps_allowed(&t, (enum vmx_ctl)i);
	}
	t.reads = NULL;
	for (int m = 0; m < VMX_MSR__COUNT; m++) {
		k->msr_known[m] = vmx_caps_msr_known(raw, (enum vmx_msr_id)m);
		k->msr[m] = raw->msr_state[m] == VMX_MSR_ABSENT ? 0 : raw->msr[m] & k->msr_known[m];
	}
	compile_fixed(raw, k, 0, VMX_MSR_CR0_FIXED0, VMX_MSR_CR0_FIXED1, true);
	compile_fixed(raw, k, 1, VMX_MSR_CR0_FIXED1, VMX_MSR_CR0_FIXED0, false);
	compile_fixed(raw, k, 2, VMX_MSR_CR4_FIXED0, VMX_MSR_CR4_FIXED1, true);
	compile_fixed(raw, k, 3, VMX_MSR_CR4_FIXED1, VMX_MSR_CR4_FIXED0, false);
	for (int w = 0; w < VMCSL_FIELD_WORDS; w++)
		k->field_exists[w] = k->field_unknown[w] = 0;
	/*
	 * What field existence rests on, for all fields at once: a VMWRITE check is taken to read
	 * all of it (an upper bound; the capability MSRs that introduce fields are the controls'
	 * own, which the control checks read anyway).
	 */
	k->exists_reads = none;
	t.reads = &k->exists_reads;
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		enum tri e;

		e = vmx_caps_field_exists(&t, f);
		if (e == TRI_YES)
			k->field_exists[i / 64] |= 1ull << (i % 64);
		else if (e == TRI_UNKNOWN)
			k->field_unknown[i / 64] |= 1ull << (i % 64);
	}
	for (int f = 0; f < CF__COUNT; f++)
		compile_cpuid(&t, (enum cpuid_fact)f, &k->cpuid[f], &k->cpuid_reads[f]);
	t.reads = NULL;
	k->maxphyaddr = (uint8_t)vmx_caps_maxphyaddr(raw);
	if (k->maxphyaddr > 52)
		k->maxphyaddr = 0;
	k->la_reads = none;
	k->la_width = (uint8_t)la_width_of(k, &k->la_reads);
	k->intel64_reads = none;
	k->intel64 = (uint8_t)intel64_of(k, &k->intel64_reads);
	k->basic_w32 = caps_msr_bit(k, VMX_MSR_BASIC, L_MSR_BASIC__ADDRESS_WIDTH_32) == TRI_YES;
}
