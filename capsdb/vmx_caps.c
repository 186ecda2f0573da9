/*
 * vmx_caps.c -- raw VMX capability MSR values turned into the allowed settings the checks use.
 * Freestanding: no heap, no stdio.
 */
#include "vmcs_ids.h"

struct msr_row {
	const char *name;
	uint32_t index;
	uint16_t layout;
	const char *desc;
};

/* clang-format off */
static const struct msr_row msr_table[] = {
#define VMX_MSR(name, index, layout, desc) { #name, index, layout, desc },
#include "vmx_msrs.def"
};
/* clang-format on */
_Static_assert(sizeof(msr_table) / sizeof(msr_table[0]) == VMX_MSR__COUNT,
               "vmx_msrs.def and enum vmx_msr_id disagree");

const char *vmx_msr_name(enum vmx_msr_id id)
{
	return (unsigned)id < VMX_MSR__COUNT ? msr_table[id].name : "?";
}

uint32_t vmx_msr_index(enum vmx_msr_id id)
{
	return (unsigned)id < VMX_MSR__COUNT ? msr_table[id].index : 0;
}

const char *vmx_msr_desc(enum vmx_msr_id id)
{
	return (unsigned)id < VMX_MSR__COUNT ? msr_table[id].desc : "?";
}

const struct vmcs_layout_info *vmx_msr_layout(enum vmx_msr_id id)
{
	if ((unsigned)id >= VMX_MSR__COUNT || msr_table[id].layout == L_NONE)
		return NULL;
	return vmcs_layout_at(msr_table[id].layout);
}

int vmx_msr_by_name(const char *s, size_t len)
{
	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		if (vmcs_name_equal(s, len, msr_table[i].name))
			return i;
	}
	return -1;
}

int vmx_msr_by_index(uint32_t index)
{
	for (int i = 0; i < VMX_MSR__COUNT; i++) {
		if (msr_table[i].index == index)
			return i;
	}
	return -1;
}

/* Marks what an accessor reads, when the caller tracks reads (vmx_caps.reads). */
static void read_msr(const struct vmx_caps *c, enum vmx_msr_id id)
{
	if (c->reads && (unsigned)id < VMX_MSR__COUNT)
		c->reads->msr |= 1u << id;
}

static void read_cpuid(const struct vmx_caps *c, enum cpuid_leaf_id id)
{
	if (c->reads && (unsigned)id < CPUID_LEAF__COUNT)
		c->reads->cpuid |= 1u << id;
}

uint64_t vmx_caps_msr_known(const struct vmx_caps *c, enum vmx_msr_id id)
{
	read_msr(c, id);
	switch (c->msr_state[id]) {
	case VMX_MSR_ABSENT:
	case VMX_MSR_PRESENT:
		return ~0ull;
	case VMX_MSR_PARTIAL:
		return c->msr_known[id];
	default:
		return 0;
	}
}

bool vmx_caps_msr_bits(const struct vmx_caps *c, enum vmx_msr_id id, uint64_t mask, uint64_t *value)
{
	if (mask & ~vmx_caps_msr_known(c, id))
		return false;
	*value = c->msr_state[id] == VMX_MSR_ABSENT ? 0 : c->msr[id] & mask;
	return true;
}

enum tri vmx_caps_msr_bit(const struct vmx_caps *c, enum vmx_msr_id id, unsigned bit)
{
	uint64_t v;

	if (bit > 63 || !vmx_caps_msr_bits(c, id, 1ull << bit, &v))
		return TRI_UNKNOWN;
	return v ? TRI_YES : TRI_NO;
}

void vmx_caps_learn_msr(struct vmx_caps *c, enum vmx_msr_id id, uint64_t mask, uint64_t value)
{
	if (c->msr_state[id] == VMX_MSR_PRESENT || c->msr_state[id] == VMX_MSR_ABSENT)
		return;
	if (c->msr_state[id] != VMX_MSR_PARTIAL) {
		c->msr_state[id] = VMX_MSR_PARTIAL;
		c->msr_known[id] = 0;
		c->msr[id] = 0;
	}
	c->msr[id] = (c->msr[id] & ~mask) | (value & mask);
	c->msr_known[id] |= mask;
	if (c->msr_known[id] == ~0ull)
		c->msr_state[id] = VMX_MSR_PRESENT;
}

/* IA32_VMX_BASIC bit 55: the TRUE capability MSRs report the controls that may be 0. */
#define BASIC_TRUE_CTLS 55
/* Primary processor-based bit 31 / 17: activate secondary / tertiary controls. */
#define PROC_ACTIVATE_SECONDARY 31
#define PROC_ACTIVATE_TERTIARY  17
/* Primary VM-exit control bit 31: activate secondary controls. */
#define EXIT_ACTIVATE_SECONDARY 31

/*
 * Allowed settings from a 32/32 MSR (allowed-0 in bits 31:0, allowed-1 in bits 63:32); the
 * bits of a partly known MSR that are not known go to must_unknown / may_unknown.
 */
static struct vmx_allowed split_msr(const struct vmx_caps *c, enum vmx_msr_id id)
{
	struct vmx_allowed a = {0, 0, 0, 0, false, id};
	uint64_t k = vmx_caps_msr_known(c, id), v = c->msr[id] & k;

	if (c->msr_state[id] == VMX_MSR_ABSENT) {
		a.known = true;
		return a;
	}
	if (!k)
		return a;
	a.must_be_1 = v & 0xffffffffu;
	a.may_be_1 = v >> 32;
	a.must_unknown = ~k & 0xffffffffu;
	a.may_unknown = ~k >> 32;
	a.known = true;
	return a;
}

/* Allowed settings from a 64-bit allowed-1 MSR (every control may be 0). */
static struct vmx_allowed allowed1_msr(const struct vmx_caps *c, enum vmx_msr_id id)
{
	struct vmx_allowed a = {0, 0, 0, 0, false, id};

	uint64_t k = vmx_caps_msr_known(c, id);

	if (c->msr_state[id] == VMX_MSR_ABSENT) {
		a.known = true;
		return a;
	}
	if (!k)
		return a;
	a.may_be_1 = c->msr[id] & k;
	a.may_unknown = ~k;
	a.known = true;
	return a;
}

/* A control field that exists only when a bit of another may be 1. */
static struct vmx_allowed gated(const struct vmx_caps *c, struct vmx_allowed a, enum vmx_ctl parent,
                                unsigned bit)
{
	struct vmx_allowed p = vmx_caps_allowed(c, parent);

	/* Without the 1-setting of the activating control, the whole field acts as 0. */
	if (p.known && !(((p.may_be_1 | p.may_unknown) >> bit) & 1u)) {
		a.must_be_1 = a.may_be_1 = a.must_unknown = a.may_unknown = 0;
		a.known = true;
	}
	return a;
}

/*
 * The control fields with TRUE capability MSRs: the ordinary MSR, the TRUE one, and the
 * default1 class (SDM A.2).
 */
static const struct {
	enum vmx_msr_id plain, true_msr;
	uint64_t default1;
} true_ctls[] = {
    [VMX_CTL_PIN] = {VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS, 0x16},
    [VMX_CTL_PROC] = {VMX_MSR_PROCBASED_CTLS, VMX_MSR_TRUE_PROCBASED_CTLS, 0x0401e172},
    [VMX_CTL_EXIT] = {VMX_MSR_EXIT_CTLS, VMX_MSR_TRUE_EXIT_CTLS, 0x00036dff},
    [VMX_CTL_ENTRY] = {VMX_MSR_ENTRY_CTLS, VMX_MSR_TRUE_ENTRY_CTLS, 0x000011ff},
};

bool vmx_ctl_msrs(enum vmx_ctl ctl, enum vmx_msr_id *plain, enum vmx_msr_id *true_msr)
{
	if (ctl != VMX_CTL_PIN && ctl != VMX_CTL_PROC && ctl != VMX_CTL_EXIT &&
	    ctl != VMX_CTL_ENTRY)
		return false;
	*plain = true_ctls[ctl].plain;
	*true_msr = true_ctls[ctl].true_msr;
	return true;
}

struct vmx_allowed vmx_caps_allowed(const struct vmx_caps *c, enum vmx_ctl ctl)
{
	enum tri true_ctls_on = vmx_caps_msr_bit(c, VMX_MSR_BASIC, BASIC_TRUE_CTLS);
	struct vmx_allowed a = {0, 0, 0, 0, false, VMX_MSR_BASIC};
	enum vmx_msr_id plain, truemsr;
	uint64_t default1;

	switch (ctl) {
	case VMX_CTL_PIN:
	case VMX_CTL_PROC:
	case VMX_CTL_EXIT:
	case VMX_CTL_ENTRY:
		plain = true_ctls[ctl].plain;
		truemsr = true_ctls[ctl].true_msr;
		default1 = true_ctls[ctl].default1;
		break;
	case VMX_CTL_PROC2:
		/* Bits 31:0 of IA32_VMX_PROCBASED_CTLS2 are 0: every secondary control may be 0. */
		a = split_msr(c, VMX_MSR_PROCBASED_CTLS2);
		a.must_be_1 = 0;
		return gated(c, a, VMX_CTL_PROC, PROC_ACTIVATE_SECONDARY);
	case VMX_CTL_PROC3:
		return gated(c, allowed1_msr(c, VMX_MSR_PROCBASED_CTLS3), VMX_CTL_PROC,
		             PROC_ACTIVATE_TERTIARY);
	case VMX_CTL_EXIT2:
		return gated(c, allowed1_msr(c, VMX_MSR_EXIT_CTLS2), VMX_CTL_EXIT,
		             EXIT_ACTIVATE_SECONDARY);
	default:
		return a;
	}
	/* A TRUE MSR with a value exists: IA32_VMX_BASIC[55] is 1 when BASIC itself is unknown. */
	if (true_ctls_on == TRI_YES ||
	    (true_ctls_on == TRI_UNKNOWN && vmx_caps_msr_known(c, truemsr))) {
		a = split_msr(c, truemsr);
		if (a.known)
			return a;
	} else if (true_ctls_on == TRI_NO) {
		return split_msr(c, plain);
	}
	a = split_msr(c, plain);
	if (!a.known)
		return a;
	a.must_unknown |= a.must_be_1 & default1;
	a.must_be_1 &= ~default1;
	return a;
}

enum tri vmx_allowed_may_be_1(const struct vmx_allowed *a, unsigned bit)
{
	if (!a->known || bit > 63 || ((a->may_unknown >> bit) & 1u))
		return TRI_UNKNOWN;
	return (a->may_be_1 >> bit) & 1u ? TRI_YES : TRI_NO;
}

struct cpuid_row {
	uint32_t leaf, subleaf;
	const char *key, *desc;
};

/* clang-format off */
static const struct cpuid_row cpuid_table[] = {
#define CPUID_LEAF(id, leaf, subleaf, key, what) { leaf, subleaf, key, what },
#include "cpuid_leaves.def"
};
/* clang-format on */
_Static_assert(sizeof(cpuid_table) / sizeof(cpuid_table[0]) == CPUID_LEAF__COUNT,
               "cpuid_leaves.def and enum cpuid_leaf_id disagree");
_Static_assert(CPUID_LEAF__COUNT <= 32, "struct vmx_caps_reads has 32 bits for CPUID leaves");
_Static_assert(VMX_MSR__COUNT <= 32, "struct vmx_caps_reads has 32 bits for MSRs");
/* Every row has the id of its place in enum cpuid_leaf_id. */
enum cpuid_def_order {
#define CPUID_LEAF(id, leaf, subleaf, key, what) CPUID_DEF_##id,
#include "cpuid_leaves.def"
};
#define CPUID_LEAF(id, leaf, subleaf, key, what)                                                   \
	_Static_assert((int)CPUID_LEAF_##id == (int)CPUID_DEF_##id,                                \
	               "cpuid_leaves.def: order of " #id);
#include "cpuid_leaves.def"

uint32_t vmx_cpuid_leaf(enum cpuid_leaf_id id)
{
	return (unsigned)id < CPUID_LEAF__COUNT ? cpuid_table[id].leaf : 0;
}

uint32_t vmx_cpuid_subleaf(enum cpuid_leaf_id id)
{
	return (unsigned)id < CPUID_LEAF__COUNT ? cpuid_table[id].subleaf : 0;
}

const char *vmx_cpuid_key(enum cpuid_leaf_id id)
{
	return (unsigned)id < CPUID_LEAF__COUNT ? cpuid_table[id].key : "?";
}

const char *vmx_cpuid_desc(enum cpuid_leaf_id id)
{
	return (unsigned)id < CPUID_LEAF__COUNT ? cpuid_table[id].desc : "?";
}

int vmx_cpuid_by_leaf(uint32_t leaf, uint32_t subleaf)
{
	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		if (cpuid_table[i].leaf == leaf && cpuid_table[i].subleaf == subleaf)
			return i;
	}
	return -1;
}

const struct vmx_cpuid_leaf *vmx_caps_cpuid(const struct vmx_caps *c, uint32_t leaf,
                                            uint32_t subleaf)
{
	for (size_t i = 0; i < c->n_cpuid && i < VMX_CAPS_MAX_CPUID; i++) {
		if (c->cpuid[i].leaf == leaf && c->cpuid[i].subleaf == subleaf)
			return &c->cpuid[i];
	}
	return NULL;
}

/* The stored leaf of an id, marked as read. */
static const struct vmx_cpuid_leaf *leaf_of(const struct vmx_caps *c, enum cpuid_leaf_id id)
{
	if ((unsigned)id >= CPUID_LEAF__COUNT)
		return NULL;
	read_cpuid(c, id);
	return vmx_caps_cpuid(c, cpuid_table[id].leaf, cpuid_table[id].subleaf);
}

/* EAX of a leaf when known: the maximum leaf or sub-leaf it reports. */
static bool max_reported(const struct vmx_caps *c, enum cpuid_leaf_id id, uint32_t *max)
{
	const struct vmx_cpuid_leaf *l = leaf_of(c, id);

	if (!l || !(l->known & (1u << CPUID_EAX)))
		return false;
	*max = l->reg[CPUID_EAX];
	return true;
}

/*
 * Whether the processor enumerates nothing in a leaf because it lies beyond the maximum it
 * reports (SDM Vol. 2A, CPUID): a basic leaf above CPUID.0:EAX or an extended one above
 * CPUID.80000000H:EAX enumerates no feature (software must not read feature bits there; Intel
 * returns another leaf's data), and a sub-leaf of 07H or 14H above the maximum its sub-leaf 0
 * reports in EAX reads as zeros.
 */
enum tri vmx_caps_cpuid_beyond_max(const struct vmx_caps *c, enum cpuid_leaf_id id)
{
	uint32_t max, leaf = vmx_cpuid_leaf(id), subleaf = vmx_cpuid_subleaf(id);
	enum cpuid_leaf_id top = leaf & 0x80000000u ? CPUID_LEAF_80000000 : CPUID_LEAF_0;
	enum tri t = TRI_NO;

	if ((unsigned)id >= CPUID_LEAF__COUNT)
		return TRI_UNKNOWN;
	read_cpuid(c, id);
	if (max_reported(c, top, &max)) {
		if (leaf > max)
			return TRI_YES;
	} else if (id != top) {
		t = TRI_UNKNOWN;
	}
	if ((leaf == 7 || leaf == 0x14) && subleaf > 0) {
		if (max_reported(c, leaf == 7 ? CPUID_LEAF_7_0 : CPUID_LEAF_14_0, &max))
			return subleaf > max ? TRI_YES : t;
		/* Sub-leaf 0 of a leaf beyond the maximum is itself beyond it (handled above). */
		return TRI_UNKNOWN;
	}
	return t;
}

bool vmx_caps_cpuid_reg(const struct vmx_caps *c, enum cpuid_leaf_id id, enum cpuid_reg reg,
                        uint32_t *value)
{
	const struct vmx_cpuid_leaf *l = leaf_of(c, id);

	if ((unsigned)reg > CPUID_EDX)
		return false;
	if (l && ((l->known >> reg) & 1u)) {
		*value = l->reg[reg];
		return true;
	}
	if (vmx_caps_cpuid_beyond_max(c, id) == TRI_YES) {
		*value = 0;
		return true;
	}
	return false;
}

enum tri vmx_caps_cpuid_bit(const struct vmx_caps *c, enum cpuid_leaf_id id, enum cpuid_reg reg,
                            unsigned bit)
{
	const struct vmx_cpuid_leaf *l = leaf_of(c, id);
	uint32_t v;

	if ((unsigned)reg > CPUID_EDX || bit > 31)
		return TRI_UNKNOWN;
	/* A register known but for some bits (a leaf inferred from a sibling's dump). */
	if (l && !((l->known >> reg) & 1u) && ((l->partial >> reg) & 1u)) {
		if ((l->unknown[reg] >> bit) & 1u)
			return TRI_UNKNOWN;
		return (l->reg[reg] >> bit) & 1u ? TRI_YES : TRI_NO;
	}
	if (!vmx_caps_cpuid_reg(c, id, reg, &v))
		return TRI_UNKNOWN;
	return (v >> bit) & 1u ? TRI_YES : TRI_NO;
}

unsigned vmx_caps_maxphyaddr(const struct vmx_caps *c)
{
	read_cpuid(c, CPUID_LEAF_80000008);
	return c->maxphyaddr;
}

struct vmx_caps_reads vmx_caps_inferred(const struct vmx_caps *c)
{
	struct vmx_caps_reads r = {c->msr_inferred, 0};

	for (int i = 0; i < CPUID_LEAF__COUNT; i++) {
		const struct vmx_cpuid_leaf *l =
		    vmx_caps_cpuid(c, cpuid_table[i].leaf, cpuid_table[i].subleaf);

		if (l && l->inferred)
			r.cpuid |= 1u << i;
	}
	return r;
}

bool vmx_caps_set_cpuid_partial(struct vmx_caps *c, uint32_t leaf, uint32_t subleaf,
                                enum cpuid_reg reg, uint32_t value, uint32_t unknown)
{
	struct vmx_cpuid_leaf *l = (struct vmx_cpuid_leaf *)vmx_caps_cpuid(c, leaf, subleaf);
	uint8_t m = (uint8_t)(1u << reg);

	if ((unsigned)reg > CPUID_EDX)
		return false;
	if (!l) {
		if (c->n_cpuid >= VMX_CAPS_MAX_CPUID)
			return false;
		l = &c->cpuid[c->n_cpuid++];
		l->leaf = leaf;
		l->subleaf = subleaf;
		l->known = l->partial = l->src = l->inferred = 0;
		for (int r = 0; r < 4; r++)
			l->reg[r] = l->unknown[r] = 0;
	}
	l->known = (uint8_t)(l->known & ~m);
	l->partial = (uint8_t)(l->partial & ~m);
	l->reg[reg] = 0;
	l->unknown[reg] = 0;
	if (unknown == 0xffffffffu)
		return true;
	l->reg[reg] = value & ~unknown;
	if (unknown) {
		l->unknown[reg] = unknown;
		l->partial = (uint8_t)(l->partial | m);
	} else {
		l->known = (uint8_t)(l->known | m);
	}
	return true;
}

bool vmx_caps_set_cpuid(struct vmx_caps *c, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                        uint32_t value)
{
	return vmx_caps_set_cpuid_partial(c, leaf, subleaf, reg, value, 0);
}

static enum tri exists_by(const struct vmx_caps *c, uint16_t x)
{
	enum vmcs_exists_kind kind = VMCS_EXISTS_KIND(x);
	unsigned bit = VMCS_EXISTS_BIT(x);
	static const enum vmx_ctl ctl_of[VMCS_X_KIND__COUNT] = {
	    [VMCS_X_KIND_PIN] = VMX_CTL_PIN,     [VMCS_X_KIND_PROC] = VMX_CTL_PROC,
	    [VMCS_X_KIND_PROC2] = VMX_CTL_PROC2, [VMCS_X_KIND_PROC3] = VMX_CTL_PROC3,
	    [VMCS_X_KIND_EXIT] = VMX_CTL_EXIT,   [VMCS_X_KIND_EXIT2] = VMX_CTL_EXIT2,
	    [VMCS_X_KIND_ENTRY] = VMX_CTL_ENTRY,
	};
	struct vmx_allowed a;

	switch (kind) {
	case VMCS_X_KIND_NONE:
		return TRI_NO;
	case VMCS_X_KIND_ALWAYS:
		return TRI_YES;
	case VMCS_X_KIND_MISC:
		return vmx_caps_msr_bit(c, VMX_MSR_MISC, bit);
	case VMCS_X_KIND_EPTVPID:
		return vmx_caps_msr_bit(c, VMX_MSR_EPT_VPID_CAP, bit);
	case VMCS_X_KIND_VMFUNC:
		return vmx_caps_msr_bit(c, VMX_MSR_VMFUNC, bit);
	case VMCS_X_KIND_UNENUMERATED:
		return TRI_UNKNOWN;
	default:
		if (kind >= VMCS_X_KIND__COUNT)
			return TRI_NO;
		a = vmx_caps_allowed(c, ctl_of[kind]);
		return vmx_allowed_may_be_1(&a, bit);
	}
}

enum tri vmx_caps_field_exists(const struct vmx_caps *c, const struct vmcs_field_info *f)
{
	enum tri a = exists_by(c, f->exists[0]), b = exists_by(c, f->exists[1]);

	if (a == TRI_YES || b == TRI_YES)
		return TRI_YES;
	/*
	 * IA32_VMX_VMCS_ENUM does not rule a field out (SDM A.9 says bits 9:1 give the highest
	 * index any encoding uses): real processors report a highest index below fields they
	 * have.  97 capsdb entries report 21 or 23 and allow "use TSC scaling", whose TSC
	 * multiplier (index 25) then exists (a test keeps the count).
	 */
	if (a == TRI_UNKNOWN || b == TRI_UNKNOWN)
		return TRI_UNKNOWN;
	return TRI_NO;
}
