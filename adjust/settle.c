/*
 * settle.c -- whether the control bits an adjustment leaves undecided matter (adjust.h).
 *
 * A capsdb entry may not know an MSR a hypervisor reads: most dumps of Tiger Lake and later
 * processors lack IA32_VMX_PROCBASED_CTLS3, so the tertiary controls KVM, Xen and ACRN want are
 * undecided there, and so is every VM entry judged with them.  Each setting of the unknown
 * capability bits is a processor that may exist; when every one of them gives the same
 * prediction, the unknown bits do not matter and that prediction holds.  Anything else
 * (different predictions, an undecided one, too many bits) leaves the verdict undecided.
 */
#include "adjust.h"

/* The controls whose MSR reports allowed-1 settings alone, bit for bit (SDM A.3.4, A.4.2). */
static bool allowed1_only(enum vmx_ctl ctl)
{
	return ctl == VMX_CTL_PROC3 || ctl == VMX_CTL_EXIT2;
}

/*
 * The capability bits the undecided control bits rest on, into s->bits: a wanted bit whose
 * allowed 1-setting is unknown, or a bit not wanted whose allowed 0-setting is.  False when
 * there are more than ADJUST_SETTLE_MAX_BITS or something else is undecided.
 */
static bool collect(const struct adjust_result *r, struct adjust_settled *s)
{
	s->n_bits = 0;
	for (int c = 0; c < ADJUST_CR__COUNT; c++)
		if (r->cr[c].undecided & ~r->cr[c].exempt_undecided)
			return false;
	for (int k = 0; k < VMX_CTL__COUNT; k++) {
		const struct adjust_ctl_result *x = &r->ctl[k];
		uint64_t own = x->undecided & ~x->derived_unknown;

		if (x->may_refuse)
			return false;
		for (unsigned b = 0; b < 64; b++) {
			bool must = (x->maybe_default1 >> b) & 1u;

			if (!((own >> b) & 1u))
				continue;
			if (s->n_bits == ADJUST_SETTLE_MAX_BITS ||
			    (must && allowed1_only((enum vmx_ctl)k)))
				return false;
			s->bits[s->n_bits].msr = (uint8_t)x->msr;
			s->bits[s->n_bits].bit =
			    (uint8_t)(allowed1_only((enum vmx_ctl)k) || must ? b : b + 32);
			s->bits[s->n_bits].ctl = (uint8_t)k;
			s->bits[s->n_bits].ctl_bit = (uint8_t)b;
			s->n_bits++;
		}
	}
	return s->n_bits > 0;
}

/*
 * Setting `set` of the collected bits learnt into caps.  An allowed 1-setting is the same in a
 * TRUE MSR and its ordinary one (SDM A.3.1); a bit that must be 1 may also be 1.
 */
static void learn(struct vmx_caps *caps, const struct adjust_settled *s, unsigned set)
{
	for (unsigned i = 0; i < s->n_bits; i++) {
		enum vmx_ctl ctl = (enum vmx_ctl)s->bits[i].ctl;
		enum vmx_msr_id msr = (enum vmx_msr_id)s->bits[i].msr, plain, true_msr;
		unsigned bit = s->bits[i].bit;
		uint64_t m = 1ull << bit, v = ((set >> i) & 1u) ? m : 0;

		vmx_caps_learn_msr(caps, msr, m, v);
		if (bit >= 32 && vmx_ctl_msrs(ctl, &plain, &true_msr))
			vmx_caps_learn_msr(caps, msr == plain ? true_msr : plain, m, v);
		if (bit < 32 && v && !allowed1_only(ctl))
			vmx_caps_learn_msr(caps, msr, m << 32, m << 32);
	}
}

void adjust_setting(const struct adjust_wants *w, const struct vmx_caps *caps,
                    const struct vmcs_state *given, const struct adjust_settled *s, unsigned set,
                    struct vmx_caps *vc, struct vmcs_state *vs, struct adjust_result *vr)
{
	*vc = *caps;
	learn(vc, s, set);
	*vs = *given;
	adjust_apply(w, vc, vs, vr);
}

void adjust_settle(const struct adjust_wants *w, const struct vmx_caps *caps,
                   const struct vmcs_state *given, const struct vmentry_env *env,
                   struct adjust_result *r)
{
	struct adjust_settled s = {0};
	struct vmx_caps vc;
	struct vmcs_state vs;
	struct adjust_result vr;
	struct vmcsl_caps compiled;
	struct vmcsl_result res;
	struct vmcsl_input in = {&vs, env, &compiled};

	r->settled = s;
	if (r->verdict != ADJUST_UNDECIDED || !collect(r, &s))
		return;
	for (unsigned set = 0; set < (1u << s.n_bits); set++) {
		adjust_setting(w, caps, given, &s, set, &vc, &vs, &vr);
		/* This setting is a processor the hypervisor refuses: not one prediction. */
		if (vr.verdict == ADJUST_REFUSED || vr.verdict == ADJUST_MAY_REFUSE)
			break;
		vmcsl_caps_compile(&vc, &compiled);
		vmcsl_check(&in, &res);
		if (res.prediction.outcome.kind == OUTCOME_UNDECIDED)
			break;
		if (set == 0) {
			s.prediction = res.prediction;
		} else if (res.prediction.rule != s.prediction.rule ||
		           !check_outcome_same(&res.prediction.outcome, &s.prediction.outcome)) {
			break;
		}
		if (set + 1 == (1u << s.n_bits))
			s.settled = true;
	}
	r->settled = s;
}
