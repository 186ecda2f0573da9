/*
 * rows.c -- the engine of the row checks (checker/rows.h): evaluates a row, renders its
 * message, and derives the fields it reads.  One function per shape; what differs from row to
 * row is data.
 */
#include "rows.h"

/* ---- effective control words ---- */

#define ACTIVATE_SECONDARY BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)
#define ACTIVATE_TERTIARY  BITMASK(L_PROC, ACTIVATE_TERTIARY_CONTROLS)
#define ACTIVATE_EXIT2     BITMASK(L_EXIT, ACTIVATE_SECONDARY_CONTROLS)
#define ENABLE_VMFUNC      BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS)

uint64_t ctl_value(struct check_ctx *c, unsigned ctl)
{
	return CTL_ID(c, ctl);
}

enum rule_result need_ctl_slow(struct check_ctx *c, unsigned ctl)
{
	const struct ctl_word *w = &ctl_words[ctl];

	/* A word its activating control leaves off is 0 whatever its field holds. */
	if (w->parent != CTL_NO_PARENT) {
		enum rule_result r = need_ctl_slow(c, w->parent);

		if (r != RULE_PASS || !(CTL_ID(c, w->parent) & w->activate))
			return r;
	}
	NEED_ID(c, w->field);
	return RULE_PASS;
}

const char *ctl_bit_name(unsigned ctl, unsigned bit, const char *unnamed)
{
	const char *name = check_bit_name(ctl_field(ctl), bit);

	return name ? name : unnamed;
}

/*
 * " together with ACTIVATE_SECONDARY_CONTROLS (bit 31 of CPU_BASED_VM_EXEC_CONTROL)" when a bit
 * of ctl can only take effect after its activating control is set, else "".
 */
static const char *activation_note(const struct check_ctx *c, unsigned ctl)
{
	if (ctl == VMX_CTL_PROC2 && !(CTL(c, PROC) & ACTIVATE_SECONDARY))
		return " together with ACTIVATE_SECONDARY_CONTROLS (bit 31 of "
		       "CPU_BASED_VM_EXEC_CONTROL)";
	if (ctl == VMX_CTL_PROC3 && !(CTL(c, PROC) & ACTIVATE_TERTIARY))
		return " together with ACTIVATE_TERTIARY_CONTROLS (bit 17 of "
		       "CPU_BASED_VM_EXEC_CONTROL)";
	if (ctl == VMX_CTL_EXIT2 && !(CTL(c, EXIT) & ACTIVATE_EXIT2))
		return " together with ACTIVATE_SECONDARY_CONTROLS (bit 31 of VM_EXIT_CONTROLS)";
	if (ctl == VMX_CTL_VMFUNC && !(CTL(c, PROC2) & ENABLE_VMFUNC))
		return " together with ENABLE_VM_FUNCTIONS (bit 13 of SECONDARY_VM_EXEC_CONTROL)";
	return "";
}

/* ---- conditions ---- */

enum rule_result cond_slow(struct check_ctx *c, const struct cond *d)
{
	enum rule_result r;
	uint64_t x;

	switch (d->src) {
	case C_NONE:
		return RULE_PASS;
	case C_FIELD:
		NEED_ID(c, d->id);
		x = VAL(c, d->id);
		break;
	case C_CTL:
		if ((r = need_ctl(c, d->id)) != RULE_PASS)
			return r;
		x = ctl_value(c, d->id);
		break;
	default:
		x = c->env->ia32e_mode;
		break;
	}
	return (((x & d->mask) == d->value) != (d->ne != 0)) ? RULE_PASS : RULE_NA;
}

/* The lowest set bit of a non-zero mask. */
static unsigned low_bit(uint64_t m)
{
	return (unsigned)__builtin_ctzll(m);
}

/*
 * " while NAME (bit n of FIELD) is 1" for a gate on one control bit, " with COUNT = n" for an
 * MSR area's count, else "": what makes the check apply, for messages.
 */
static void gate_phrase(char *buf, size_t n, const struct check_ctx *c, const struct cond *d,
                        bool undo)
{
	buf[0] = '\0';
	if (d->src == C_CTL && d->mask && !(d->mask & (d->mask - 1)) && d->value == d->mask) {
		unsigned b = low_bit(d->mask);

		if (undo)
			check_snprintf(buf, n, ", or clear %s", ctl_bit_name(d->id, b, "?"));
		else
			check_snprintf(buf, n, " while %s (bit %u of %s) is 1",
			               ctl_bit_name(d->id, b, "?"), b,
			               check_field_name(ctl_field(d->id)));
	} else if (d->src == C_FIELD && d->ne && d->mask == ~0ull && d->value == 0) {
		if (undo)
			check_snprintf(buf, n, ", or set %s to 0", check_field_name(d->id));
		else
			check_snprintf(buf, n, " with %s = %llu", check_field_name(d->id),
			               (unsigned long long)VAL(c, d->id));
	}
}

/* ---- templates ---- */

struct tvars {
	int field;
	uint64_t value, bad, fixed, mask;
	const struct cond *gate;
	bool mayfail;
};

/* The bits a field of field index id holds: a corrected value suggested for it fits them. */
static uint64_t width_mask(int id)
{
	switch (vmcs_field_at((size_t)id)->width) {
	case VMCS_W16:
		return 0xffff;
	case VMCS_W32:
		return 0xffffffff;
	default:
		return ~0ull;
	}
}

/* Expands template t (see rows.h) into buf. */
static void tmpl(const struct check_ctx *c, char *buf, size_t n, const char *t,
                 const struct tvars *x)
{
	size_t len = 0;

	buf[0] = '\0';
	for (; *t && len + 1 < n; t++) {
		char bits[160];
		int g = x->gate->src == C_FIELD ? x->gate->id : -1;

		if (*t != '$' || !t[1]) {
			buf[len++] = *t;
			buf[len] = '\0';
			continue;
		}
		switch (*++t) {
		case 'F':
			len += check_snprintf(buf + len, n - len, "%s", check_field_name(x->field));
			break;
		case 'V':
			len += check_snprintf(buf + len, n - len, "0x%llx",
			                      (unsigned long long)x->value);
			break;
		case 'D':
			len += check_snprintf(buf + len, n - len, "%llu",
			                      (unsigned long long)x->value);
			break;
		case 'S':
			len += check_snprintf(buf + len, n - len, "0x%04llx",
			                      (unsigned long long)(x->value & 0xffff));
			break;
		case 'T':
			len += check_snprintf(buf + len, n - len, "%u", (unsigned)(x->value & 0xf));
			break;
		case 'M':
			len +=
			    check_snprintf(buf + len, n - len, "%llu",
			                   (unsigned long long)((x->value & x->mask) >>
			                                        (x->mask ? low_bit(x->mask) : 0)));
			break;
		case 'B':
			len += check_snprintf(buf + len, n - len, "0x%llx",
			                      (unsigned long long)x->bad);
			break;
		case 'X':
			len +=
			    check_snprintf(buf + len, n - len, "0x%llx",
			                   (unsigned long long)(x->fixed & width_mask(x->field)));
			break;
		case 'P':
			len += check_snprintf(buf + len, n - len, "%s%s%s",
			                      (x->bad & 3) ? "RPL (bits 1:0)" : "",
			                      (x->bad & 3) && (x->bad & 4) ? " and " : "",
			                      (x->bad & 4) ? "TI (bit 2)" : "");
			break;
		case 'L':
			check_bit_list(bits, sizeof(bits), x->field, x->bad, NULL);
			len += check_snprintf(buf + len, n - len, "%s", bits);
			break;
		case 'G':
			len += check_snprintf(buf + len, n - len, "%s", check_field_name(g));
			break;
		case 'H':
			len += check_snprintf(buf + len, n - len, "0x%llx",
			                      (unsigned long long)(g >= 0 ? VAL(c, g) : 0));
			break;
		case 'R':
			if (x->mayfail)
				len += check_snprintf(buf + len, n - len,
				                      ": processors that keep them fail the entry, "
				                      "those whose VMWRITE drops them enter");
			break;
		default:
			buf[len++] = *t;
			buf[len] = '\0';
			break;
		}
	}
	if (len >= n && n)
		buf[n - 1] = '\0';
}

/* Renders a row's message and hint templates, when rendering. */
static void render(struct check_ctx *c, const struct row *w, const struct tvars *x)
{
	if (!c->out)
		return;
	if (w->msg && w->msg[0])
		tmpl(c, c->out->message, c->out->message_len, w->msg, x);
	if (w->hint && w->hint[0] && c->out->hint_len)
		tmpl(c, c->out->hint, c->out->hint_len, w->hint, x);
}

/*
 * A row whose check failed on a value: RULE_NA / RULE_UNDECIDED when it is made only on Intel 64
 * processors and this one is not / may not be one; RULE_MAYFAIL when it fails only where the
 * processor kept what software wrote; else RULE_FAIL.
 */
static enum rule_result failed(struct check_ctx *c, const struct row *w, struct tvars *x)
{
	enum rule_result r = RULE_FAIL;

	if (w->flags & F_INTEL64)
		NEED_INTEL64(c);
	if ((w->flags & F_READBACK) && !c->env->values_read_back)
		r = RULE_MAYFAIL;
	x->mayfail = r == RULE_MAYFAIL;
	c->field = (w->flags & F_AT_GATE) ? w->gate[0].id : x->field;
	render(c, w, x);
	return r;
}

/* ---- BITS ---- */

static __attribute__((noinline)) enum rule_result eval_bits(struct check_ctx *c,
                                                            const struct row *w)
{
	int f = w->field[0];
	struct tvars x = {f, 0, 0, 0, w->mask, &w->gate[0], false};

	NEED_ID(c, f);
	x.value = VAL(c, f);
	x.bad = (x.value & w->mask) ^ w->value;
	x.fixed = (x.value & ~w->mask) | w->value;
	if (w->flags & F_NOT) {
		if (x.bad)
			return RULE_PASS;
		x.bad = x.value & w->mask;
	} else if (!x.bad) {
		return RULE_PASS;
	}
	return failed(c, w, &x);
}

/* ---- ADDR: alignment, physical-address width, the last byte of an MSR area ---- */

/* check_phys() of an address at or above 4 GBytes (m and w32 as check_phys() read them). */
enum rule_result check_phys_above_4g(struct check_ctx *c, uint64_t addr, unsigned m, enum tri w32,
                                     bool *ok, unsigned *limit)
{
	if (w32 == TRI_UNKNOWN && check_intel64(c) == TRI_YES)
		w32 = TRI_NO;
	if (w32 == TRI_YES) {
		*limit = 32;
		*ok = false;
		return RULE_PASS;
	}
	if (m && (addr >> m)) {
		*ok = false;
		return RULE_PASS;
	}
	if (addr >> 52) {
		*limit = 52;
		*ok = false;
		return RULE_PASS;
	}
	if (w32 == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether 0x%llx fits the physical-address "
		                       "width: IA32_VMX_BASIC (32-bit limit) is unknown",
		                       (unsigned long long)addr);
	if (m == 0)
		return check_undecided(
		    c,
		    "cannot decide whether 0x%llx fits the physical-address width: "
		    "MAXPHYADDR (CPUID.80000008H:EAX[7:0]) is unknown for these "
		    "capabilities",
		    (unsigned long long)addr);
	return RULE_PASS;
}

/*
 * SDM 27.2.1: an address the processor uses must be aligned to the structure it points at: the
 * bits of the row's mask are 0 (bits 11:0 for a page, 3:0 for an MSR area, ...); a mask that is
 * not a power of two less one names reserved bits (the HLATP's 11:5 and 2:0).
 */
static __attribute__((noinline)) enum rule_result eval_align(struct check_ctx *c,
                                                             const struct row *w)
{
	bool pow2 = ((w->mask + 1) & w->mask) == 0;
	char gate[160], undo[96];

	for (int k = 0; k < ROW_FIELDS && w->field[k] != NOF; k++) {
		int f = w->field[k];
		struct tvars x = {f, 0, 0, 0, w->mask, &w->gate[0], false};
		enum rule_result r;

		NEED_ID(c, f);
		x.value = VAL(c, f);
		x.bad = x.value & w->mask;
		x.fixed = x.value & ~w->mask;
		if (!x.bad)
			continue;
		r = failed(c, w, &x);
		if (!check_rendering(c) || r == RULE_NA || r == RULE_UNDECIDED)
			return r;
		gate_phrase(gate, sizeof(gate), c, &w->gate[0], false);
		gate_phrase(undo, sizeof(undo), c, &w->gate[0], true);
		if (pow2) {
			check_fail(
			    c, f, "%s = 0x%llx is not %llu-byte aligned (bits %u:0 must be 0)%s",
			    check_field_name(f), (unsigned long long)x.value,
			    (unsigned long long)(w->mask + 1), 63 - __builtin_clzll(w->mask), gate);
			if (!(w->hint && w->hint[0]))
				check_hint(c, "align %s to %llu bytes (e.g. 0x%llx)%s",
				           check_field_name(f), (unsigned long long)(w->mask + 1),
				           (unsigned long long)x.fixed, undo);
		} else {
			check_fail(
			    c, f, "%s = 0x%llx sets reserved bits 0x%llx (bits 0x%llx must be 0)%s",
			    check_field_name(f), (unsigned long long)x.value,
			    (unsigned long long)x.bad, (unsigned long long)w->mask, gate);
			if (!(w->hint && w->hint[0]))
				check_hint(c, "clear bits 0x%llx of %s (e.g. 0x%llx)%s",
				           (unsigned long long)x.bad, check_field_name(f),
				           (unsigned long long)x.fixed, undo);
		}
		return r;
	}
	return RULE_PASS;
}

/* Fails an address beyond the physical-address width limit (bits limit and up set). */
static enum rule_result fail_width(struct check_ctx *c, int field, uint64_t addr, unsigned limit)
{
	check_hint(c, "use a physical address below 0x%llx (%u-bit physical-address width) for %s",
	           (unsigned long long)(1ull << limit), limit, check_field_name(field));
	return check_fail(c, field,
	                  "%s = 0x%llx sets bits at or above bit %u, beyond the processor's "
	                  "physical-address width",
	                  check_field_name(field), (unsigned long long)addr, limit);
}

/*
 * SDM 27.2.1: the address of a structure a control (or a non-zero MSR count) makes the
 * processor use must not set bits beyond the processor's physical-address width.
 */
static __attribute__((noinline)) enum rule_result eval_width(struct check_ctx *c,
                                                             const struct row *w)
{
	int f = w->field[0];
	enum rule_result r;
	unsigned limit;
	bool ok;

	NEED_ID(c, f);
	r = check_phys(c, VAL(c, f), &ok, &limit);
	if (r != RULE_PASS || ok)
		return r;
	return fail_width(c, f, VAL(c, f), limit);
}

/*
 * SDM 27.2.1.2 / 27.2.1.3: when the count of an MSR area is not 0, the address of its last
 * byte (address + count * 16 - 1, computed without truncation) must not set bits beyond the
 * processor's physical-address width.
 */
static __attribute__((noinline)) enum rule_result eval_last(struct check_ctx *c,
                                                            const struct row *w)
{
	int addr = w->field[0], count = w->field[1];
	uint64_t base, span, last;
	enum rule_result r;
	unsigned limit;
	bool ok;

	NEED_ID(c, addr);
	base = VAL(c, addr);
	span = VAL(c, count) * 16 - 1;
	if (base > ~0ull - span) {
		check_hint(c,
		           "lower %s or %s so that the area ends below the physical-address width",
		           check_field_name(addr), check_field_name(count));
		return check_fail(c, addr,
		                  "the MSR area at %s = 0x%llx with %s = %llu entries runs past "
		                  "2^64",
		                  check_field_name(addr), (unsigned long long)base,
		                  check_field_name(count), (unsigned long long)VAL(c, count));
	}
	last = base + span;
	r = check_phys(c, last, &ok, &limit);
	if (r != RULE_PASS || ok)
		return r;
	check_hint(c,
	           "lower %s or %s so that the last byte (address + count * 16 - 1) is below "
	           "0x%llx",
	           check_field_name(addr), check_field_name(count),
	           (unsigned long long)(1ull << limit));
	return check_fail(c, addr,
	                  "the last byte of the MSR area (%s = 0x%llx, %s = %llu) is at 0x%llx, "
	                  "beyond the %u-bit physical-address width",
	                  check_field_name(addr), (unsigned long long)base, check_field_name(count),
	                  (unsigned long long)VAL(c, count), (unsigned long long)last, limit);
}

/* ---- CANON ---- */

/*
 * SDM 27.2.2, 27.2.3, 27.2.4, 27.3.1.1 to 27.3.1.3: a field holding a linear address (an MSR
 * value, a segment or descriptor-table base, part of IA32_BNDCFGS or IA32_FRED_CONFIG) must be
 * canonical, relative to the widest linear address the processor supports (57 bits with
 * 5-level paging, else 48), whatever paging mode CR4 selects: WRMSR, LGDT and segment loads
 * accept such addresses in any mode (KVM models the checks the same way).  A value canonical
 * at 48 bits is canonical on every processor; F_INTEL64 rows are checked only on processors
 * that support Intel 64 ("on processors that support Intel 64 architecture").
 */
static __attribute__((noinline)) enum rule_result eval_canon(struct check_ctx *c,
                                                             const struct row *w)
{
	int unknown = -1;

	for (int k = 0; k < ROW_FIELDS && w->field[k] != NOF; k++) {
		int f = w->field[k];
		uint64_t v;
		unsigned width;
		enum tri t;

		NEED_ID(c, f);
		v = VAL(c, f) & w->mask;
		if (check_canonical(v, 48))
			continue;
		if (w->flags & F_INTEL64)
			NEED_INTEL64(c);
		t = check_canonical_max(c, v, &width);
		if (t == TRI_UNKNOWN) {
			if (unknown < 0)
				unknown = f;
			continue;
		}
		if (t == TRI_YES)
			continue;
		check_hint(c,
		           "write a canonical address to %s%s: bits 63:%u equal to bit %u, e.g. "
		           "0x%llx (the value as it was meant, sign-extended)",
		           check_field_name(f), w->msg, width - 1, width - 1,
		           (unsigned long long)check_sign_extend(v, width));
		return check_fail(c, f, "%s = 0x%llx%s is not canonical (%u-bit linear addresses)",
		                  check_field_name(f), (unsigned long long)VAL(c, f), w->msg,
		                  width);
	}
	if (unknown >= 0) {
		c->field = unknown;
		return check_undecided(
		    c,
		    "cannot decide whether %s = 0x%llx%s is canonical: it is with 57-bit but not "
		    "with 48-bit linear addresses, and whether the processor supports 5-level "
		    "paging is unknown (IA32_VMX_CR4_FIXED1 and CPUID.(EAX=07H,ECX=0):ECX[16] are "
		    "unknown)",
		    check_field_name(unknown), (unsigned long long)VAL(c, unknown), w->msg);
	}
	return RULE_PASS;
}

/* ---- ALLOWED ---- */

/*
 * SDM 27.2.1.1 / 27.2.1.2 / 27.2.1.3: reserved bits of the pin-based, primary and secondary
 * (when activated) and tertiary (when activated) processor-based VM-execution controls, of the
 * primary and secondary (when activated) VM-exit controls and of the VM-entry controls must be
 * set as the capability MSRs report (Appendix A: the TRUE MSRs when IA32_VMX_BASIC[55] is 1).
 */
static __attribute__((noinline)) enum rule_result eval_allowed(struct check_ctx *c,
                                                               const struct row *w)
{
	unsigned ctl = (unsigned)w->mask;
	int field = ctl_field(ctl);
	const struct vmx_allowed *a = check_allowed(c, (enum vmx_ctl)ctl);
	uint64_t v, extra, missing;
	char set[160], clr[160];
	enum rule_result r;

	if ((r = need_ctl(c, ctl)) != RULE_PASS)
		return r;
	v = ctl_value(c, ctl);
	/*
	 * The secondary, tertiary and secondary VM-exit controls have no default1 bits: their
	 * capability MSRs report allowed-1 settings only (SDM A.3.3, A.3.4, A.4.2), so 0 is allowed
	 * whatever they say.
	 */
	if (!a->known && v == 0 &&
	    (ctl == VMX_CTL_PROC2 || ctl == VMX_CTL_PROC3 || ctl == VMX_CTL_EXIT2))
		return RULE_PASS;
	if (!a->known)
		return check_undecided(
		    c,
		    "cannot decide the allowed settings of %s: %s is unknown for "
		    "these capabilities",
		    check_field_name(field), vmx_msr_name(a->msr));
	extra = v & ~a->may_be_1 & ~a->may_unknown;
	missing = a->must_be_1 & ~v;
	if (!extra && !missing) {
		if (v & a->may_unknown) {
			check_bit_list(clr, sizeof(clr), field, v & a->may_unknown, "reserved");
			return check_undecided(c,
			                       "cannot decide whether %s = 0x%llx may set %s: what "
			                       "%s allows there is unknown",
			                       check_field_name(field), (unsigned long long)v, clr,
			                       vmx_msr_name(a->msr));
		}
		if (!(a->must_unknown & ~v))
			return RULE_PASS;
		check_bit_list(set, sizeof(set), field, a->must_unknown & ~v, "default1");
		return check_undecided(c,
		                       "cannot decide whether %s = 0x%llx may clear %s: whether %s "
		                       "requires them is unknown",
		                       check_field_name(field), (unsigned long long)v, set,
		                       vmx_msr_name(a->msr));
	}
	check_bit_list(clr, sizeof(clr), field, extra, "reserved");
	check_bit_list(set, sizeof(set), field, missing, "default1");
	if (extra && missing) {
		check_hint(c, "clear %s and set %s of %s, as %s requires on this CPU", clr, set,
		           check_field_name(field), vmx_msr_name(a->msr));
		return check_fail(
		    c, field,
		    "%s = 0x%llx: bits 0x%llx must be 0 and bits 0x%llx must be 1 per "
		    "%s (must be 1: 0x%llx, may be 1: 0x%llx)",
		    check_field_name(field), (unsigned long long)v, (unsigned long long)extra,
		    (unsigned long long)missing, vmx_msr_name(a->msr),
		    (unsigned long long)a->must_be_1, (unsigned long long)a->may_be_1);
	}
	if (extra) {
		check_hint(c, "clear %s of %s: %s does not allow the 1-setting on this CPU", clr,
		           check_field_name(field), vmx_msr_name(a->msr));
		return check_fail(
		    c, field,
		    "%s = 0x%llx sets bits 0x%llx that %s does not allow to be 1 (may "
		    "be 1: 0x%llx)",
		    check_field_name(field), (unsigned long long)v, (unsigned long long)extra,
		    vmx_msr_name(a->msr), (unsigned long long)a->may_be_1);
	}
	check_hint(c, "set %s of %s: %s requires the 1-setting on this CPU", set,
	           check_field_name(field), vmx_msr_name(a->msr));
	return check_fail(c, field,
	                  "%s = 0x%llx clears bits 0x%llx that %s requires to be 1 (must be 1: "
	                  "0x%llx)",
	                  check_field_name(field), (unsigned long long)v,
	                  (unsigned long long)missing, vmx_msr_name(a->msr),
	                  (unsigned long long)a->must_be_1);
}

/* ---- DEP ---- */

/*
 * SDM 27.2.1.1 / 27.2.1.2: a control that needs another: when one control bit is 1, another
 * must be 1 (e.g. "virtual NMIs" needs "NMI exiting") or, for pairs that exclude each other, 0
 * ("virtualize x2APIC mode" and "virtualize APIC accesses").
 */
static __attribute__((noinline)) enum rule_result eval_dep(struct check_ctx *c, const struct row *w)
{
	const struct cond *i = &w->gate[0], *t = &w->gate[1];
	unsigned ib = low_bit(i->mask), tb = low_bit(t->mask);
	bool want = t->value != 0;
	int tf = ctl_field(t->id), ifld = ctl_field(i->id);
	enum rule_result r = cond_holds(c, i);

	if (r == RULE_UNDECIDED) {
		/* The first control unknown: the rule holds when the second has the wanted bit. */
		if (need_ctl(c, t->id) == RULE_PASS && cond_holds(c, t) == RULE_PASS)
			return RULE_PASS;
		return need_ctl(c, i->id);
	}
	if (r != RULE_PASS)
		return r;
	if ((r = cond_holds(c, t)) != RULE_NA)
		return r;
	if (want) {
		check_hint(c, "set %s (bit %u of %s)%s, or clear %s (bit %u of %s)",
		           ctl_bit_name(t->id, tb, "reserved"), tb, check_field_name(tf),
		           activation_note(c, t->id), ctl_bit_name(i->id, ib, "reserved"), ib,
		           check_field_name(ifld));
		return check_fail(c, tf,
		                  "%s (bit %u of %s = 0x%llx) is 1 but %s (bit %u of %s = 0x%llx) "
		                  "is 0",
		                  ctl_bit_name(i->id, ib, "reserved"), ib, check_field_name(ifld),
		                  (unsigned long long)ctl_value(c, i->id),
		                  ctl_bit_name(t->id, tb, "reserved"), tb, check_field_name(tf),
		                  (unsigned long long)ctl_value(c, t->id));
	}
	check_hint(c, "clear %s (bit %u of %s) or %s (bit %u of %s): they cannot both be 1",
	           ctl_bit_name(t->id, tb, "reserved"), tb, check_field_name(tf),
	           ctl_bit_name(i->id, ib, "reserved"), ib, check_field_name(ifld));
	return check_fail(c, tf, "%s (bit %u) and %s (bit %u) are both 1 (%s = 0x%llx)",
	                  ctl_bit_name(i->id, ib, "reserved"), ib,
	                  ctl_bit_name(t->id, tb, "reserved"), tb, check_field_name(tf),
	                  (unsigned long long)ctl_value(c, t->id));
}

/* ---- FIXED ---- */

/*
 * SDM 27.2.2 / 27.3.1.1: the host and guest CR0 and CR4 fields may not give a bit a value VMX
 * operation does not support (SDM A.7, A.8): every bit set in IA32_VMX_CR0_FIXED0 /
 * IA32_VMX_CR4_FIXED0 must be 1, every bit clear in IA32_VMX_CR0_FIXED1 / IA32_VMX_CR4_FIXED1
 * must be 0.  CR0.NW and CR0.CD are never checked (the row's exempt bits); CR0.PE and CR0.PG
 * not in the guest CR0 field when "unrestricted guest" is 1 (F_UG_PE_PG).
 */
static __attribute__((noinline)) enum rule_result eval_fixed(struct check_ctx *c,
                                                             const struct row *w)
{
	const uint64_t pe_pg = BITMASK(L_CR0, PE) | BITMASK(L_CR0, PG);
	enum vmx_msr_id msr = (enum vmx_msr_id)w->value;
	bool fixed0 = msr == VMX_MSR_CR0_FIXED0 || msr == VMX_MSR_CR4_FIXED0;
	int f = w->field[0];
	uint64_t v, exempt = w->mask;
	struct fixed_bits fb;
	bool ug = false;
	char bits[160];

	NEED_ID(c, f);
	v = VAL(c, f);
	/* "Unrestricted guest" matters only when PE or PG would break the check. */
	if ((w->flags & F_UG_PE_PG) && (fixed0 ? (v & pe_pg) != pe_pg : (v & pe_pg) != 0)) {
		NEED_UG(c);
		ug = UG(c);
		if (ug)
			exempt |= pe_pg;
	}
	switch (check_fixed_bits(c, msr, v, exempt, &fb)) {
	case TRI_YES:
		return RULE_PASS;
	case TRI_UNKNOWN:
		return fixed_undecided(c, f, v, msr, &fb);
	default:
		break;
	}
	c->field = f;
	if (!check_rendering(c))
		return RULE_FAIL;
	check_bit_list(bits, sizeof(bits), f, fb.bad, NULL);
	if (fixed0)
		check_hint(c,
		           "set %s of %s (use 0x%llx): %s requires %s in VMX operation on this "
		           "CPU%s%s",
		           bits, check_field_name(f), (unsigned long long)(v | fb.bad),
		           vmx_msr_name(msr), (fb.bad & (fb.bad - 1)) ? "them" : "it",
		           (w->flags & F_UG_PE_PG) && !ug && (fb.bad & pe_pg)
		               ? " (or enable \"unrestricted guest\" to run it unpaged)"
		               : "",
		           w->hint);
	else
		check_hint(c,
		           "clear %s of %s (use 0x%llx): %s = 0x%llx does not allow %s in VMX "
		           "operation on this CPU%s",
		           bits, check_field_name(f), (unsigned long long)(v & ~fb.bad),
		           vmx_msr_name(msr), (unsigned long long)fb.msr,
		           (fb.bad & (fb.bad - 1)) ? "them" : "it", w->hint);
	return check_fail(c, f, "%s = 0x%llx %s %s, which %s = 0x%llx fixes to %d%s",
	                  check_field_name(f), (unsigned long long)v, fixed0 ? "clears" : "sets",
	                  bits, vmx_msr_name(msr), (unsigned long long)fb.msr, fixed0 ? 1 : 0,
	                  ug ? " (PE and PG exempt: unrestricted guest)" : "");
}

/* ---- the engine ---- */

enum rule_result row_check(struct check_ctx *c, const struct row *w)
{
	if (w->op == OP_DEP)
		return eval_dep(c, w);
	/* A check made only on Intel 64 processors is not made on others. */
	if ((w->flags & F_INTEL64) && check_intel64(c) == TRI_NO)
		return RULE_NA;
	/* Rendering evaluates in full (a test compares the two on every fixture). */
	if (!check_rendering(c) && row_passes(c, w))
		return RULE_PASS;
	switch (w->op) {
	case OP_BITS:
		return eval_bits(c, w);
	case OP_ALIGN:
		return eval_align(c, w);
	case OP_WIDTH:
		return eval_width(c, w);
	case OP_LAST:
		return eval_last(c, w);
	case OP_CANON:
		return eval_canon(c, w);
	case OP_ALLOWED:
		return eval_allowed(c, w);
	default:
		return eval_fixed(c, w);
	}
}
