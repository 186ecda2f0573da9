/*
 * adjust.c -- wanted controls and CR fixed bits adjusted to one processor (adjust.h).
 *
 * Per control field, as KVM's and Xen's adjust_vmx_controls() do it:
 *     value = ((required | optional) & allowed-1) | allowed-0,  refused = required & ~allowed-1
 * with the allowed settings of vmx_caps_allowed() (the TRUE MSR when IA32_VMX_BASIC[55] = 1)
 * or of the ordinary MSR (default1: ordinary_msr).  The activate bits of the primary
 * processor-based and VM-exit controls follow the fields they activate: on when one of their
 * bits survives.  Every bit is three-valued: a capability that is unknown leaves the bits it
 * decides undecided, never guessed.
 */
#include "adjust.h"
#include "vmcs_ids.h"

/* Three-valued bit vectors: the bits in u are unknown, the others have the value in v. */
struct tv {
	uint64_t v, u;
};

static struct tv tv_or(struct tv a, struct tv b)
{
	struct tv r;

	r.v = (a.v & ~a.u) | (b.v & ~b.u);
	r.u = ~r.v & (a.u | b.u);
	return r;
}

static struct tv tv_and(struct tv a, struct tv b)
{
	uint64_t zero = (~a.v & ~a.u) | (~b.v & ~b.u);
	struct tv r;

	r.v = a.v & ~a.u & b.v & ~b.u;
	r.u = ~zero & ~r.v;
	return r;
}

/* An MSR's bits: the unknown ones in u (an absent MSR reads 0, as vmx_caps_msr_bits() says). */
static struct tv tv_msr(const struct vmx_caps *c, enum vmx_msr_id id)
{
	uint64_t k = vmx_caps_msr_known(c, id), v = 0;
	struct tv r;

	if (!k || !vmx_caps_msr_bits(c, id, k, &v))
		v = 0, k = 0;
	r.v = v & k;
	r.u = ~k;
	return r;
}

/* IA32_VMX_BASIC bit 55: the TRUE capability MSRs exist (SDM A.1, A.2). */
#define BASIC_TRUE_CTLS 55
/* CR0.PE and CR0.PG: not fixed for a guest with unrestricted guest (SDM A.7). */
#define CR0_PE_PG ((1ull << 0) | (1ull << 31))
/* Secondary processor-based control 7: unrestricted guest. */
#define PROC2_UNRESTRICTED_GUEST 7

static const struct {
	uint16_t field;
	const char *sdm, *title;
} ctl_info[VMX_CTL__COUNT] = {
    [VMX_CTL_PIN] = {VMCS_PIN_BASED_VM_EXEC_CONTROL, "A.3.1", "Pin-Based VM-Execution Controls"},
    [VMX_CTL_PROC] = {VMCS_CPU_BASED_VM_EXEC_CONTROL, "A.3.2",
                      "Primary Processor-Based VM-Execution Controls"},
    [VMX_CTL_PROC2] = {VMCS_SECONDARY_VM_EXEC_CONTROL, "A.3.3",
                       "Secondary Processor-Based VM-Execution Controls"},
    [VMX_CTL_PROC3] = {VMCS_TERTIARY_VM_EXEC_CONTROL, "A.3.4",
                       "Tertiary Processor-Based VM-Execution Controls"},
    [VMX_CTL_EXIT] = {VMCS_VM_EXIT_CONTROLS, "A.4", "VM-Exit Controls"},
    [VMX_CTL_EXIT2] = {VMCS_SECONDARY_VM_EXIT_CONTROLS, "A.4", "VM-Exit Controls"},
    [VMX_CTL_ENTRY] = {VMCS_VM_ENTRY_CONTROLS, "A.5", "VM-Entry Controls"},
};

static const struct {
	uint16_t field;
	enum vmx_msr_id fixed0;
} cr_info[ADJUST_CR__COUNT] = {
    [ADJUST_GUEST_CR0] = {VMCS_GUEST_CR0, VMX_MSR_CR0_FIXED0},
    [ADJUST_GUEST_CR4] = {VMCS_GUEST_CR4, VMX_MSR_CR4_FIXED0},
    [ADJUST_HOST_CR0] = {VMCS_HOST_CR0, VMX_MSR_CR0_FIXED0},
    [ADJUST_HOST_CR4] = {VMCS_HOST_CR4, VMX_MSR_CR4_FIXED0},
};

static const char *const default1_names[ADJUST_DEFAULT1__COUNT] = {"auto", "true_msr",
                                                                   "ordinary_msr"};

int adjust_ctl_of_field(size_t field)
{
	for (int c = 0; c < VMX_CTL__COUNT; c++)
		if (ctl_info[c].field == field)
			return c;
	return -1;
}

size_t adjust_ctl_field(enum vmx_ctl ctl)
{
	return ctl_info[ctl].field;
}

int adjust_cr_of_field(size_t field)
{
	for (int c = 0; c < ADJUST_CR__COUNT; c++)
		if (cr_info[c].field == field)
			return c;
	return -1;
}

size_t adjust_cr_field(enum adjust_cr cr)
{
	return cr_info[cr].field;
}

enum vmx_msr_id adjust_cr_fixed0(enum adjust_cr cr)
{
	return cr_info[cr].fixed0;
}

bool adjust_activator(enum vmx_ctl ctl, enum vmx_ctl *parent, unsigned *bit)
{
	switch (ctl) {
	case VMX_CTL_PROC2:
		*parent = VMX_CTL_PROC, *bit = L_PROC__ACTIVATE_SECONDARY_CONTROLS;
		return true;
	case VMX_CTL_PROC3:
		*parent = VMX_CTL_PROC, *bit = L_PROC__ACTIVATE_TERTIARY_CONTROLS;
		return true;
	case VMX_CTL_EXIT2:
		*parent = VMX_CTL_EXIT, *bit = L_EXIT__ACTIVATE_SECONDARY_CONTROLS;
		return true;
	default:
		return false;
	}
}

bool adjust_has_true_msr(enum vmx_ctl ctl)
{
	return ctl == VMX_CTL_PIN || ctl == VMX_CTL_PROC || ctl == VMX_CTL_EXIT ||
	       ctl == VMX_CTL_ENTRY;
}

const char *adjust_default1_name(enum adjust_default1 d)
{
	return (unsigned)d < ADJUST_DEFAULT1__COUNT ? default1_names[d] : "?";
}

int adjust_default1_by_name(const char *s)
{
	for (int i = 0; i < ADJUST_DEFAULT1__COUNT; i++) {
		const char *a = default1_names[i], *b = s;

		while (*a && *a == *b)
			a++, b++;
		if (!*a && !*b)
			return i;
	}
	return -1;
}

const char *adjust_ctl_sdm_section(enum vmx_ctl ctl)
{
	return ctl_info[ctl].sdm;
}

const char *adjust_ctl_sdm_title(enum vmx_ctl ctl)
{
	return ctl_info[ctl].title;
}

const char *adjust_cr_sdm_section(enum adjust_cr cr)
{
	return cr == ADJUST_GUEST_CR0 || cr == ADJUST_HOST_CR0 ? "A.7" : "A.8";
}

const char *adjust_cr_sdm_title(enum adjust_cr cr)
{
	return cr == ADJUST_GUEST_CR0 || cr == ADJUST_HOST_CR0 ? "VMX-Fixed Bits in CR0"
	                                                       : "VMX-Fixed Bits in CR4";
}

bool adjust_wants_any(const struct adjust_wants *w)
{
	for (int c = 0; c < VMX_CTL__COUNT; c++)
		if (w->ctl[c].given)
			return true;
	for (int c = 0; c < ADJUST_CR__COUNT; c++)
		if (w->cr_fixed[c])
			return true;
	return false;
}

/*
 * The allowed settings a hypervisor reads for ctl.  vmx_caps_allowed() reads the TRUE MSR when
 * IA32_VMX_BASIC[55] is 1; for default1: ordinary_msr it is asked about a copy of the
 * capabilities whose bit 55 is 0, so that it reads the ordinary MSR.
 */
static struct vmx_allowed allowed_for(const struct vmx_caps *c, enum vmx_ctl ctl,
                                      enum adjust_default1 d)
{
	struct vmx_caps o;

	if (d != ADJUST_DEFAULT1_ORDINARY_MSR || !adjust_has_true_msr(ctl))
		return vmx_caps_allowed(c, ctl);
	o = *c;
	if (o.msr_state[VMX_MSR_BASIC] == VMX_MSR_PRESENT)
		o.msr[VMX_MSR_BASIC] &= ~(1ull << BASIC_TRUE_CTLS);
	else
		vmx_caps_learn_msr(&o, VMX_MSR_BASIC, 1ull << BASIC_TRUE_CTLS, 0);
	return vmx_caps_allowed(&o, ctl);
}

/*
 * One control field: the wanted bits w (plus the activate bits in derived, and those in
 * derived_unknown whose use is undecided) against the allowed settings.
 */
static void adjust_ctl(const struct adjust_want *w, const struct vmx_caps *caps, enum vmx_ctl ctl,
                       uint64_t derived, uint64_t derived_unknown, struct adjust_ctl_result *r)
{
	const struct vmcs_field_info *f = vmcs_field_at(ctl_info[ctl].field);
	uint64_t width = vmcs_width_bits(f->width) == 64 ? ~0ull : (1ull << 32) - 1;
	struct vmx_allowed a = allowed_for(caps, ctl, (enum adjust_default1)w->default1);
	uint64_t must = a.must_be_1, must_u = a.must_unknown, may = a.may_be_1,
	         may_u = a.may_unknown;
	uint64_t wanted = (w->required | w->optional | derived | derived_unknown) & width;
	uint64_t allowed, not_allowed;

	r->adjusted = true;
	r->msr = a.msr;
	r->no_true_msrs = TRI_NO;
	if (w->default1 == ADJUST_DEFAULT1_TRUE_MSR) {
		enum tri t = vmx_caps_msr_bit(caps, VMX_MSR_BASIC, BASIC_TRUE_CTLS);

		r->no_true_msrs = t == TRI_YES ? TRI_NO : t == TRI_NO ? TRI_YES : TRI_UNKNOWN;
	}
	/* Nothing known: every bit undecided -- but the secondary and tertiary processor-based and
	 * the secondary exit controls have no default1 bits (SDM A.3.3, A.3.4, A.4). */
	if (!a.known)
		must = 0, must_u = adjust_has_true_msr(ctl) ? width : 0, may = 0, may_u = width;
	allowed = may & ~may_u & width;
	not_allowed = ~may & ~may_u & width;
	r->allowed = allowed;
	r->value = (must | (wanted & allowed)) & ~derived_unknown & width;
	r->default1 = must & ~wanted & width;
	r->derived = derived & r->value;
	r->refused = w->required & not_allowed;
	r->may_refuse = w->required & may_u & width;
	r->dropped = w->optional & ~w->required & not_allowed;
	/*
	 * Undecided: a wanted bit whose 1-setting may or may not be allowed; a default1 bit that
	 * may or may not be required (a TRUE MSR unknown) and is not wanted; an activate bit whose
	 * controls may or may not be used.
	 */
	r->settings_unknown = !a.known;
	r->maybe_default1 = must_u & ~wanted & ~must & width;
	r->derived_unknown = derived_unknown & ~not_allowed & ~must & width;
	r->undecided = ((wanted & may_u) | r->maybe_default1 | r->derived_unknown) & ~must & width;
	r->value &= ~r->undecided;
}

/* Whether any bit of a (partly undecided) value is 1: TRI_UNKNOWN when only undecided ones may. */
static enum tri any_on(uint64_t value, uint64_t undecided)
{
	if (value & ~undecided)
		return TRI_YES;
	return undecided ? TRI_UNKNOWN : TRI_NO;
}

/* A bit of a field after adjusting: its value and whether it is known. */
static enum tri field_bit(const struct vmcs_state *vmcs, const struct adjust_result *r,
                          size_t field, unsigned bit)
{
	int ctl = adjust_ctl_of_field(field);

	if (ctl >= 0 && r->ctl[ctl].adjusted && ((r->ctl[ctl].undecided >> bit) & 1u))
		return TRI_UNKNOWN;
	if (!vmcs->known[field])
		return TRI_UNKNOWN;
	return (vmcs->value[field] >> bit) & 1u ? TRI_YES : TRI_NO;
}

static enum tri tri_and(enum tri a, enum tri b)
{
	if (a == TRI_NO || b == TRI_NO)
		return TRI_NO;
	return a == TRI_YES && b == TRI_YES ? TRI_YES : TRI_UNKNOWN;
}

/* One CR field: (value | FIXED0) & FIXED1, guest CR0.PE/PG exempt under unrestricted guest. */
static void adjust_cr(enum adjust_cr cr, const struct vmx_caps *caps, enum tri ug, uint64_t v,
                      struct adjust_cr_result *r)
{
	struct tv f0 = tv_msr(caps, cr_info[cr].fixed0);
	struct tv f1 = tv_msr(caps, (enum vmx_msr_id)(cr_info[cr].fixed0 + 1));
	struct tv given = {v, 0}, res;

	if (cr == ADJUST_GUEST_CR0 && ug != TRI_NO) {
		/* SDM A.7: with unrestricted guest, guest CR0.PE and PG are not fixed to 1. */
		if (ug == TRI_YES) {
			r->exempt = f0.v & ~f0.u & CR0_PE_PG & ~v;
			f0.v &= ~CR0_PE_PG;
		} else {
			r->exempt_undecided = f0.v & ~f0.u & CR0_PE_PG & ~v;
			f0.u |= f0.v & CR0_PE_PG;
		}
	}
	res = tv_and(tv_or(given, f0), f1);
	r->adjusted = true;
	r->wanted = v;
	r->undecided = res.u;
	r->value = res.v & ~res.u;
	r->set = r->value & ~v;
	r->cleared = v & ~r->value & ~res.u;
}

/* The control field whose allowed-1 settings an existence kind reads (by layout), or -1. */
static int ctl_of_exists(enum vmcs_exists_kind kind)
{
	const struct vmcs_layout_info *l = vmcs_exists_layout(kind);

	for (int c = 0; l && c < VMX_CTL__COUNT; c++)
		if (vmcs_field_at(ctl_info[c].field)->layout == vmcs_layout_index(l))
			return c;
	return -1;
}

/* Whether a field's existence condition is a wanted control bit that is 0 after adjusting. */
static bool wanted_and_off(uint16_t x, const struct adjust_wants *w, const struct adjust_result *r)
{
	uint64_t bit = 1ull << VMCS_EXISTS_BIT(x), wanted;
	int ctl = ctl_of_exists(VMCS_EXISTS_KIND(x));

	if (ctl < 0 || !w->ctl[ctl].given)
		return false;
	wanted = w->ctl[ctl].required | w->ctl[ctl].optional;
	/* An activate bit that follows its field counts as wanted: the field is what it wants. */
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		enum vmx_ctl parent;
		unsigned b;

		if (adjust_activator((enum vmx_ctl)c, &parent, &b) && (int)parent == ctl &&
		    w->ctl[c].given)
			wanted |= 1ull << b;
	}
	return (wanted & bit) && !(r->ctl[ctl].value & bit) && !(r->ctl[ctl].undecided & bit);
}

/* Fields the hypervisor does not write: every control that makes them exist is wanted and 0. */
static void unwrite_fields(const struct adjust_wants *w, struct vmcs_state *vmcs,
                           struct adjust_result *r)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);

		if (!vmcs->written[i] || !wanted_and_off(f->exists[0], w, r))
			continue;
		if (VMCS_EXISTS_KIND(f->exists[1]) != VMCS_X_KIND_NONE &&
		    !wanted_and_off(f->exists[1], w, r))
			continue;
		vmcs->written[i] = 0;
		vmcs->value[i] = 0;
		vmcs->known[i] = 1;
		r->unwritten[i] = 1;
		r->n_unwritten++;
		if (adjust_ctl_of_field(i) >= 0)
			r->ctl[adjust_ctl_of_field(i)].unwritten = true;
	}
}

void adjust_apply(const struct adjust_wants *w, const struct vmx_caps *caps,
                  struct vmcs_state *vmcs, struct adjust_result *r)
{
	static const enum vmx_ctl order[VMX_CTL__COUNT] = {
	    /* the fields an activate bit follows before the fields that hold it */
	    VMX_CTL_PROC2, VMX_CTL_PROC3, VMX_CTL_EXIT2, VMX_CTL_PIN,
	    VMX_CTL_PROC,  VMX_CTL_EXIT,  VMX_CTL_ENTRY,
	};
	uint64_t derived[VMX_CTL__COUNT] = {0}, derived_u[VMX_CTL__COUNT] = {0};
	static const struct adjust_result zero;
	bool refused = false, may_refuse = false, undecided = false;
	enum tri ug;

	*r = zero;
	if (!adjust_wants_any(w)) {
		r->verdict = ADJUST_NOTHING;
		return;
	}
	for (int k = 0; k < VMX_CTL__COUNT; k++) {
		enum vmx_ctl ctl = order[k], parent;
		struct adjust_ctl_result *x = &r->ctl[ctl];
		size_t field = ctl_info[ctl].field;
		unsigned bit;

		if (!w->ctl[ctl].given)
			continue;
		adjust_ctl(&w->ctl[ctl], caps, ctl, derived[ctl], derived_u[ctl], x);
		if (adjust_activator(ctl, &parent, &bit)) {
			enum tri used = any_on(x->value, x->undecided);

			/* As hypervisors do: activate the field when one of its controls survives.
			 */
			if (used == TRI_YES)
				derived[parent] |= 1ull << bit;
			else if (used == TRI_UNKNOWN)
				derived_u[parent] |= 1ull << bit;
		}
		vmcs->value[field] = x->value;
		vmcs->known[field] = !x->undecided;
		refused |= x->refused || x->no_true_msrs == TRI_YES;
		may_refuse |= x->may_refuse || x->no_true_msrs == TRI_UNKNOWN;
		undecided |= x->undecided != 0;
	}
	/* Unrestricted guest is used when both its bit and the secondary controls' are on. */
	ug = tri_and(
	    field_bit(vmcs, r, VMCS_CPU_BASED_VM_EXEC_CONTROL, L_PROC__ACTIVATE_SECONDARY_CONTROLS),
	    field_bit(vmcs, r, VMCS_SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST));
	for (int c = 0; c < ADJUST_CR__COUNT; c++) {
		struct adjust_cr_result *x = &r->cr[c];
		size_t field = cr_info[c].field;

		if (!w->cr_fixed[c])
			continue;
		adjust_cr((enum adjust_cr)c, caps, ug, vmcs->value[field], x);
		vmcs->value[field] = x->value;
		vmcs->known[field] = !x->undecided;
		undecided |= x->undecided != 0;
	}
	unwrite_fields(w, vmcs, r);
	r->verdict = refused      ? ADJUST_REFUSED
	             : may_refuse ? ADJUST_MAY_REFUSE
	             : undecided  ? ADJUST_UNDECIDED
	                          : ADJUST_DONE;
}
