/*
 * caps_compiled.h -- reading compiled capabilities (struct vmcsl_caps): what the checks ask of
 * a processor, each answer a few instructions.  Internal to the core.  Freestanding.
 */
#ifndef CAPS_COMPILED_H
#define CAPS_COMPILED_H

#include "vmcs_ids.h"

enum cpuid_fact {
#define CPUID_FACT(id, leaf, reg) id,
#include "cpuid_facts.def"
	CF__COUNT
};
_Static_assert(CF__COUNT == VMCSL_CPUID_FACTS, "raise VMCSL_CPUID_FACTS");

/* Adds the reads of b to a. */
static inline void caps_reads_add(struct vmx_caps_reads *a, const struct vmx_caps_reads *b)
{
	a->msr |= b->msr;
	a->cpuid |= b->cpuid;
}

/* Whether an MSR bit is set: TRI_UNKNOWN when that bit is unknown. */
static inline enum tri caps_msr_bit(const struct vmcsl_caps *k, enum vmx_msr_id id, unsigned bit)
{
	if (bit > 63 || !((k->msr_known[id] >> bit) & 1u))
		return TRI_UNKNOWN;
	return (k->msr[id] >> bit) & 1u ? TRI_YES : TRI_NO;
}

/* The MSR's bits under mask when all of them are known (an absent MSR reads 0). */
static inline bool caps_msr_bits(const struct vmcsl_caps *k, enum vmx_msr_id id, uint64_t mask,
                                 uint64_t *value)
{
	if (mask & ~k->msr_known[id])
		return false;
	*value = k->msr[id] & mask;
	return true;
}

/* A CPUID bit: TRI_UNKNOWN when it is not known. */
static inline enum tri caps_cpuid_bit(const struct vmcsl_caps *k, enum cpuid_fact f, unsigned bit)
{
	const struct vmcsl_cpuid_fact *x = &k->cpuid[f];

	if (bit > 31 || !((x->known >> bit) & 1u))
		return TRI_UNKNOWN;
	return (x->value >> bit) & 1u ? TRI_YES : TRI_NO;
}

/* A whole CPUID register: false when any of its bits is unknown. */
static inline bool caps_cpuid_reg(const struct vmcsl_caps *k, enum cpuid_fact f, uint32_t *value)
{
	if (!k->cpuid[f].reg_known)
		return false;
	*value = k->cpuid[f].reg_value;
	return true;
}

/* Whether a control bit may be 1: TRI_UNKNOWN when its allowed 1-setting is unknown. */
static inline enum tri caps_may_be_1(const struct vmcsl_caps *k, enum vmx_ctl ctl, unsigned bit)
{
	return vmx_allowed_may_be_1(&k->ctl[ctl], bit);
}

/* Whether field i surely exists (TRI_YES), surely not (TRI_NO), or is unknown. */
static inline enum tri caps_field_exists(const struct vmcsl_caps *k, size_t i)
{
	uint64_t bit = 1ull << (i % 64);

	if (k->field_exists[i / 64] & bit)
		return TRI_YES;
	return k->field_unknown[i / 64] & bit ? TRI_UNKNOWN : TRI_NO;
}

#endif /* CAPS_COMPILED_H */
