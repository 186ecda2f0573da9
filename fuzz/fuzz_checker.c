/*
 * fuzz_checker.c -- the checker on arbitrary VMCS contents, capabilities and entry state.
 *
 * The input is read as one flat record (missing bytes read as 0), every value raw: any 64-bit
 * value in any field, any MSR value and state, any CPUID leaf.  Layout (little endian):
 *
 *   u8  env flags     bit 0 VMRESUME, 1 launched, 2 MOV-SS blocking, 3 IA-32e mode,
 *                     4 MSR-load area known, 5 PDPTEs known, 6 link target known,
 *                     7 a VMCS is at the link pointer
 *   u8  link flags    bit 0 shadow-VMCS indicator of the link target
 *   u32 link revision
 *   u8  maxphyaddr
 *   u8  MSR-load entries given (n)
 *   u64 PDPTE[4]
 *   20 x { u8 state (mod 3: unknown, absent, present), u64 value }   capability MSRs
 *   u8  CPUID leaves (mod VMX_CAPS_MAX_CPUID + 1), each:
 *       u8 which (< FUZZ_N_LEAVES: a leaf the checker reads; else u32 leaf, u32 subleaf follow)
 *       u8 known registers (bits 3:0), u32 eax, ebx, ecx, edx
 *   per VMCS field, in table order: u8 flags (bit 0 known, 1 written), u64 value
 *   n x { u32 index, u32 reserved, u64 value }                       MSR-load entries
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The leaves the checker reads (one byte selects one). */
static const uint32_t leaves[][2] = {
    {0x0, 0},  {0x1, 0},  {0x6, 0},  {0x7, 0},         {0x7, 1},         {0xa, 0},
    {0xd, 0},  {0xd, 1},  {0x12, 0}, {0x14, 0},        {0x14, 1},        {0x19, 0},
    {0x1c, 0}, {0x1e, 0}, {0x24, 0}, {0x80000001u, 0}, {0x80000008u, 0},
};
#define FUZZ_N_LEAVES (sizeof(leaves) / sizeof(leaves[0]))

struct reader {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct reader *r)
{
	return r->i < r->n ? r->p[r->i++] : 0;
}

static uint64_t uint_le(struct reader *r, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)u8(r) << (8 * k);
	return v;
}

int fuzz_checker_one(const uint8_t *data, size_t size)
{
	static struct vmcs_state vmcs;
	static struct vmx_caps caps;
	struct vmentry_env env;
	struct vmx_msr_entry *msrs = NULL;
	struct reader r = {data, size, 0};
	struct check_input in = {&vmcs, &caps, &env};
	uint8_t flags, n_cpuid;
	size_t n_msrs;

	memset(&vmcs, 0, sizeof(vmcs));
	memset(&caps, 0, sizeof(caps));
	memset(&env, 0, sizeof(env));
	strcpy(caps.name, "fuzz");

	flags = u8(&r);
	env.instruction = (flags & 1) ? VMENTRY_VMRESUME : VMENTRY_VMLAUNCH;
	env.launch_state = (flags & 2) ? LAUNCH_STATE_LAUNCHED : LAUNCH_STATE_CLEAR;
	env.mov_ss_blocking = (flags >> 2) & 1;
	env.ia32e_mode = (flags >> 3) & 1;
	env.msr_load_known = (flags >> 4) & 1;
	env.pdptes_known = (flags >> 5) & 1;
	env.link_known = (flags >> 6) & 1;
	env.link_is_vmcs = (flags >> 7) & 1;
	env.link_shadow = u8(&r) & 1;
	env.link_revision = (uint32_t)uint_le(&r, 4);
	caps.maxphyaddr = u8(&r);
	n_msrs = u8(&r);
	for (int k = 0; k < 4; k++)
		env.pdpte[k] = uint_le(&r, 8);

	for (int m = 0; m < VMX_MSR__COUNT; m++) {
		caps.msr_state[m] = (uint8_t)(u8(&r) % 4);
		caps.msr[m] = uint_le(&r, 8);
		/* A partly known MSR: which bits are known follows from the value itself. */
		caps.msr_known[m] = caps.msr[m] << 17 | caps.msr[m] >> 47;
	}
	n_cpuid = (uint8_t)(u8(&r) % (VMX_CAPS_MAX_CPUID + 1));
	for (unsigned k = 0; k < n_cpuid; k++) {
		struct vmx_cpuid_leaf *l = &caps.cpuid[k];
		uint8_t which = u8(&r);

		if (which < FUZZ_N_LEAVES) {
			l->leaf = leaves[which][0];
			l->subleaf = leaves[which][1];
		} else {
			l->leaf = (uint32_t)uint_le(&r, 4);
			l->subleaf = (uint32_t)uint_le(&r, 4);
		}
		l->known = u8(&r) & 0xf;
		for (int g = 0; g < 4; g++)
			l->reg[g] = (uint32_t)uint_le(&r, 4);
	}
	caps.n_cpuid = n_cpuid;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		uint8_t f = u8(&r);

		vmcs.known[i] = f & 1;
		vmcs.written[i] = (f >> 1) & 1;
		vmcs.value[i] = uint_le(&r, 8);
	}

	/* Exactly n entries on the heap: a read past them is an ASan report. */
	if (env.msr_load_known && n_msrs) {
		msrs = malloc(n_msrs * sizeof(*msrs));
		if (!msrs)
			abort();
		for (size_t k = 0; k < n_msrs; k++) {
			msrs[k].index = (uint32_t)uint_le(&r, 4);
			msrs[k].reserved = (uint32_t)uint_le(&r, 4);
			msrs[k].value = uint_le(&r, 8);
		}
		env.msr_load = msrs;
		env.n_msr_load = n_msrs;
	}

	fuzz_check(&in);
	free(msrs);
	return 0;
}

/* ---- the encoder (seeds from configurations) ---- */

struct writer {
	uint8_t *p;
	size_t cap, n;
};

static void put(struct writer *w, uint64_t v, unsigned bytes)
{
	for (unsigned k = 0; k < bytes; k++, w->n++)
		if (w->n < w->cap)
			w->p[w->n] = (uint8_t)(v >> (8 * k));
}

size_t fuzz_checker_encode(const struct vmcs_state *vmcs, const struct vmx_caps *caps,
                           const struct vmentry_env *env, uint8_t *out, size_t cap)
{
	struct writer w = {out, cap, 0};
	size_t n_msrs = env->msr_load_known ? env->n_msr_load : 0;
	size_t n_cpuid = caps->n_cpuid < VMX_CAPS_MAX_CPUID ? caps->n_cpuid : VMX_CAPS_MAX_CPUID;

	if (n_msrs > 255)
		n_msrs = 255;
	put(&w,
	    (env->instruction == VMENTRY_VMRESUME) |
	        (env->launch_state == LAUNCH_STATE_LAUNCHED) << 1 | env->mov_ss_blocking << 2 |
	        env->ia32e_mode << 3 | env->msr_load_known << 4 | env->pdptes_known << 5 |
	        env->link_known << 6 | env->link_is_vmcs << 7,
	    1);
	put(&w, env->link_shadow, 1);
	put(&w, env->link_revision, 4);
	put(&w, caps->maxphyaddr, 1);
	put(&w, n_msrs, 1);
	for (int k = 0; k < 4; k++)
		put(&w, env->pdpte[k], 8);
	for (int m = 0; m < VMX_MSR__COUNT; m++) {
		put(&w, caps->msr_state[m], 1);
		put(&w, caps->msr[m], 8);
	}
	put(&w, n_cpuid, 1);
	for (size_t k = 0; k < n_cpuid; k++) {
		const struct vmx_cpuid_leaf *l = &caps->cpuid[k];
		size_t which = 0;

		while (which < FUZZ_N_LEAVES &&
		       (leaves[which][0] != l->leaf || leaves[which][1] != l->subleaf))
			which++;
		if (which < FUZZ_N_LEAVES) {
			put(&w, which, 1);
		} else {
			put(&w, 0xff, 1);
			put(&w, l->leaf, 4);
			put(&w, l->subleaf, 4);
		}
		put(&w, l->known, 1);
		for (int g = 0; g < 4; g++)
			put(&w, l->reg[g], 4);
	}
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		put(&w, (vmcs->known[i] ? 1u : 0u) | (vmcs->written[i] ? 2u : 0u), 1);
		put(&w, vmcs->value[i], 8);
	}
	for (size_t k = 0; k < n_msrs; k++) {
		put(&w, env->msr_load[k].index, 4);
		put(&w, env->msr_load[k].reserved, 4);
		put(&w, env->msr_load[k].value, 8);
	}
	return w.n;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_checker_one(data, size);
}
#endif
