/*
 * predict.c -- the checker core in ring 0: the image predicts each case from the state it is
 * about to launch (its VMREAD-back values, the memory it prepared, the capabilities it read)
 * before VMLAUNCH, with the same objects the host links.  The host rebuilds that state from
 * the report lines and predicts too (cli/probe_run.c, result_init() and case_line()); the
 * differential test requires both predictions to be equal, so the state is gathered here
 * with the same rules: every field known and 0 unless the case or the image writes it, the
 * VMREAD value of every field read back, unknown where the VMREAD failed.
 */
#include "predict.h"

#include "rt/rt.h"

static struct vmx_caps live;
static struct vmcsl_caps compiled; /* live, compiled once at boot */
static struct vmcs_state state;
static struct vmentry_env env;
static struct vmx_msr_entry msr_load[VMXP_MAX_MSR_LOAD];
static struct vmcsl_result result; /* the fast pass's: bitsets and the prediction, no text */

void predict_caps(const uint64_t *msr, const bool *msr_ok, const uint32_t (*cpuid)[4],
                  const bool *cpuid_ok)
{
	memset(&live, 0, sizeof(live));
	memcpy(live.name, "ring0", 6);
	for (unsigned i = 0; i < VMX_MSR__COUNT; i++) {
		live.msr[i] = msr_ok[i] ? msr[i] : 0;
		live.msr_state[i] = msr_ok[i] ? VMX_MSR_PRESENT : VMX_MSR_ABSENT;
	}
	for (unsigned i = 0; i < CPUID_LEAF__COUNT; i++) {
		uint32_t leaf = vmx_cpuid_leaf((enum cpuid_leaf_id)i);

		if (!cpuid_ok[i])
			continue;
		for (unsigned r = 0; r < 4; r++)
			vmx_caps_set_cpuid(&live, leaf, vmx_cpuid_subleaf((enum cpuid_leaf_id)i),
			                   (enum cpuid_reg)r, cpuid[i][r]);
		if (leaf == 0x80000008)
			live.maxphyaddr = (uint8_t)cpuid[i][0];
	}
	vmcsl_caps_compile(&live, &compiled);
}

static int field_at(uint32_t enc)
{
	bool high = false;
	const struct vmcs_field_info *f = vmcs_field_by_encoding(enc, &high);

	return f && !high ? (int)vmcs_field_index(f) : -1;
}

void predict_begin(uint32_t case_flags)
{
	size_t nf = vmcs_field_count();

	memset(&state, 0, sizeof(state));
	for (size_t i = 0; i < nf; i++)
		state.known[i] = 1;
	memset(&env, 0, sizeof(env));
	env.instruction = (case_flags & VMXP_CASE_VMRESUME) ? VMENTRY_VMRESUME : VMENTRY_VMLAUNCH;
	env.launch_state =
	    (case_flags & VMXP_CASE_LAUNCHED) ? LAUNCH_STATE_LAUNCHED : LAUNCH_STATE_CLEAR;
	env.mov_ss_blocking = (case_flags & VMXP_CASE_MOV_SS) != 0;
	env.ia32e_mode = true;
	env.values_read_back = true;
	/* the image's link page is never the VMCS it launches; its virtual-APIC page is zeroed */
	env.link_current_known = true;
	env.link_is_current = false;
	env.vtpr_known = true;
	env.vtpr = 0;
}

void predict_written(uint32_t enc, uint64_t case_value)
{
	int f = field_at(enc);

	if (f >= 0) {
		state.written[f] = 1;
		state.value[f] = case_value;
	}
}

void predict_read(uint32_t enc, bool ok, uint64_t value)
{
	int f = field_at(enc);

	if (f < 0)
		return;
	state.known[f] = ok;
	state.value[f] = ok ? value : 0;
}

void predict_msr_load(const struct vmxp_msr *e, uint32_t n)
{
	if (n > VMXP_MAX_MSR_LOAD)
		n = VMXP_MAX_MSR_LOAD;
	for (uint32_t i = 0; i < n; i++) {
		msr_load[i].index = e[i].index;
		msr_load[i].reserved = e[i].reserved;
		msr_load[i].value = e[i].value;
	}
	env.msr_load_known = true;
	env.msr_load = msr_load;
	env.n_msr_load = n;
}

void predict_pdptes(const uint64_t pdpte[4])
{
	env.pdptes_known = true;
	memcpy(env.pdpte, pdpte, sizeof(env.pdpte));
}

void predict_link(bool is_vmcs, uint32_t word)
{
	env.link_known = true;
	env.link_is_vmcs = is_vmcs;
	env.link_revision = word & 0x7fffffffu;
	env.link_shadow = (word >> 31) & 1;
}

const struct vmcsl_prediction *predict_run(void)
{
	struct vmcsl_input in = {&state, &env, &compiled};

	vmcsl_check(&in, &result);
	return &result.prediction;
}
