/*
 * rows.h -- checks as data: the typed rows of checker/rules_*.def and the one engine that
 * evaluates them (checker/rows.c).  Freestanding.
 *
 * Most VM-entry checks have one of a few shapes.  A row names its shape (the operation), the
 * conditions under which it applies (gates), the field(s) it checks and the mask/value of the
 * check; the engine evaluates it, renders its message, and derives the fields it reads.  The
 * checks that need real logic stay functions (RULE rows, checker/rules_*.c).
 *
 * Row kinds, as written in the .def files (each expands to ROW(...), which the including file
 * defines; G0..G2 are conditions, at most three, ANY when none):
 *
 *   ALLOWED(id, section, ctl, gate, summary)
 *       the effective control word ctl against the capability MSRs' allowed-0/1 settings
 *   DEP(id, section, if, then, summary)
 *       control bit `if` (ON(...)) requires control bit `then` to be 1 (ON) or 0 (OFF)
 *   ADDR(id, cls, qual, section, op, gate, field, align, count, hint, summary)
 *       the address in field, checked when gate holds: op ALIGN (the bits of align are 0),
 *       WIDTH (no bit beyond the physical-address width), LAST (the last byte of the MSR area
 *       of COUNT(field) entries is within that width; NOF for the other ops)
 *   ALIGNED(id, cls, section, gate, f0, f1, f2, align, summary)
 *       ALIGN for each of the fields f0..f2 (VMCS_* ids, NOF when unused)
 *   BITS(id, cls, qual, section, flags, G0, G1, G2, field, mask, value, msg, hint, summary)
 *       (field & mask) == value must hold (F_NOT: must not hold)
 *   CANON(id, cls, section, flags, gate, f0, f1, f2, mask, what, summary)
 *       the address (field & mask) is canonical, for each of the fields
 *   FIXED(id, cls, section, flags, field, msr, exempt, hint, summary)
 *       a CR0/CR4 field against IA32_VMX_CR0/CR4_FIXED0 or FIXED1, the bits of exempt not
 *       checked
 *
 * Conditions: ANY; ON(ctl, bit) / OFF(ctl, bit) an effective control bit (ctl PIN PROC PROC2
 * PROC3 EXIT EXIT2 ENTRY VMFUNC, bit a layout name); CTL_IS(ctl, mask, value) several bits of
 * one control word; IS(field, mask, value) / NOT(field, mask, value) a field's bits; VMM_IA32E(b)
 * whether VMLAUNCH runs in IA-32e mode.  A condition on an unknown value makes the check
 * undecided, naming that field.
 *
 * Templates (msg, hint of BITS; hint of ADDR and FIXED) are text with these substitutions:
 *   $F the field's name, $V its value (0x...), $D its value in decimal, $B the bits that break
 *   the check (0x...), $L the same as a list of bit numbers with their names, $X the value
 *   with those bits corrected, $S the value as a selector (0x%04x), $T as a segment type (bits
 *   3:0), $P which of a selector's RPL (bits 1:0) and TI (bit 2) break the check, $M the
 *   checked bits as a number, $G/$H the name/value of the field of the first
 *   condition,
 *   $R (may-fail rows) the sentence saying which processors fail, $$ a dollar sign.
 */
#ifndef CHECKER_ROWS_H
#define CHECKER_ROWS_H

#include "check_internal.h"

/* The VM-function controls count as a control word of their own (checked only with "enable VM
 * functions"). */
#define VMX_CTL_VMFUNC VMX_CTL__COUNT
/* Fields a row leaves unused. */
#define NOF 0xffffu

/* What a condition reads. */
enum cond_src { C_NONE = 0, C_FIELD, C_CTL, C_VMM_IA32E };

/* A condition: ((x & mask) == value) != ne, x being what src and id name. */
struct cond {
	uint8_t src, ne;
	uint16_t id; /* field index, or enum vmx_ctl / VMX_CTL_VMFUNC */
	uint64_t mask, value;
};

enum row_op { OP_BITS, OP_ALIGN, OP_WIDTH, OP_LAST, OP_CANON, OP_ALLOWED, OP_DEP, OP_FIXED };

/* Row flags. */
#define F_NOT      1u  /* BITS: the check fails when (field & mask) == value */
#define F_INTEL64  2u  /* the check is made only on processors that support Intel 64 */
#define F_READBACK 4u  /* fails only on values read back; software's values: processor-dependent */
#define F_UG_PE_PG 8u  /* FIXED: "unrestricted guest" exempts CR0.PE and CR0.PG */
#define F_AT_GATE  16u /* BITS: the finding is about the field of the first condition */

#define ROW_CONDS  3
#define ROW_FIELDS 3

struct row {
	uint8_t op, flags;
	struct cond gate[ROW_CONDS];
	uint16_t field[ROW_FIELDS]; /* NOF when unused */
	uint64_t mask, value;
	const char *msg, *hint;
};

/* Evaluates row w, its conditions holding (row_gates()), for the current rule of c. */
enum rule_result row_check(struct check_ctx *c, const struct row *w);

/* RULE_PASS when condition d holds, RULE_NA when not, RULE_UNDECIDED (recorded) when unknown. */
enum rule_result cond_slow(struct check_ctx *c, const struct cond *d);

/*
 * Whether condition d's value is known, and whether it holds, from the values set once per run
 * (check_ctx.src_v/src_k): a load each.  In CHECK_TRACE_READS builds every read is recorded.
 */
static inline bool cond_known(const struct check_ctx *c, const struct cond *d)
{
#ifdef CHECK_TRACE_READS
	if (d->src == C_FIELD)
		CHECK_READ(c, d->id);
	else if (d->src == C_CTL)
		CHECK_READ_CTL(c, d->id);
#endif
	return c->src_k[d->src][d->id] != 0;
}
static inline bool cond_value_holds(const struct check_ctx *c, const struct cond *d)
{
	return ((c->src_v[d->src][d->id] & d->mask) == d->value) != (d->ne != 0);
}

/*
 * The conditions of a row or of a function row (not DEP: its two conditions are its check):
 * RULE_NA when one of them is known not to hold, whatever the others are; else RULE_UNDECIDED
 * (recorded, naming what is unknown) when the value of one is unknown; else RULE_PASS.  They
 * stand first; ANY (C_NONE) only after them (checked when the table is generated).
 */
static inline enum rule_result row_gates(struct check_ctx *c, const struct row *w)
{
	int unknown = -1;

	if (w->op == OP_DEP)
		return RULE_PASS;
	for (int k = 0; k < ROW_CONDS && w->gate[k].src != C_NONE; k++) {
		if (!cond_known(c, &w->gate[k])) {
			if (unknown < 0)
				unknown = k;
		} else if (!cond_value_holds(c, &w->gate[k])) {
			return RULE_NA;
		}
	}
	return unknown < 0 ? RULE_PASS : cond_slow(c, &w->gate[unknown]);
}

/* RULE_PASS when condition d holds, RULE_NA when not, RULE_UNDECIDED (recorded) when unknown. */
static inline enum rule_result cond_holds(struct check_ctx *c, const struct cond *d)
{
	if (!cond_known(c, d))
		return cond_slow(c, d);
	return cond_value_holds(c, d) ? RULE_PASS : RULE_NA;
}

/*
 * Whether addr is within the physical-address width (SDM: "should not set any bits beyond the
 * processor's physical-address width"; IA32_VMX_BASIC[48] limits the structures a VMCS points
 * at to 32 bits, and is 0 on every processor that supports Intel 64, SDM A.1): *ok, with the
 * width used in *limit.  RULE_UNDECIDED (recorded) only when what is known does not settle it:
 * an address below 4 GBytes fits every processor, one with a bit at or above 52 fits none
 * (MAXPHYADDR is at most 52), and one beyond a known MAXPHYADDR fails whether the limit is 32
 * bits or MAXPHYADDR.  Inline, so that the quick test of a WIDTH row (row_passes()) is this
 * same code.
 */
enum rule_result check_phys_above_4g(struct check_ctx *c, uint64_t addr, unsigned m, enum tri w32,
                                     bool *ok, unsigned *limit);
static inline enum rule_result check_phys(struct check_ctx *c, uint64_t addr, bool *ok,
                                          unsigned *limit)
{
	unsigned m = check_maxphyaddr(c);
	enum tri w32 = check_msr_bit(c, VMX_MSR_BASIC, L_MSR_BASIC__ADDRESS_WIDTH_32);

	*limit = m;
	*ok = true;
	/* Every processor has at least 32 address bits: the rest only for an address above. */
	if ((addr >> 32) == 0)
		return RULE_PASS;
	return check_phys_above_4g(c, addr, m, w32, ok, limit);
}

/*
 * Whether row w surely passes, decided from known values with no capability question but those
 * its full evaluation asks as well (so that the reads it marks are the same): true only where
 * the full evaluation returns RULE_PASS.  Everything else (a failure, an unknown value, the
 * rarer shapes) goes to the full evaluation, which alone formats anything.  Most rows that
 * apply pass here in a few instructions.
 */
static inline __attribute__((always_inline)) bool row_passes(struct check_ctx *c,
                                                             const struct row *w)
{
#ifdef CHECK_TRACE_READS
	/* The full evaluation records every read. */
	(void)c;
	(void)w;
	return false;
#else
	const struct vmx_allowed *a;
	struct fixed_bits fb;
	uint64_t v, bad;
	int f = w->field[0];
	unsigned limit;
	bool ok;

	switch (w->op) {
	case OP_BITS:
		if (!c->known[f])
			return false;
		bad = (c->v[f] & w->mask) ^ w->value;
		return (w->flags & F_NOT) ? bad != 0 : bad == 0;
	case OP_ALIGN:
	case OP_CANON:
		for (int k = 0; k < ROW_FIELDS && w->field[k] != NOF; k++) {
			f = w->field[k];
			if (!c->known[f])
				return false;
			v = c->v[f] & w->mask;
			if (w->op == OP_ALIGN ? v != 0 : !check_canonical(v, 48))
				return false;
		}
		return true;
	case OP_ALLOWED:
		if (!c->ctl_known[w->mask])
			return false;
		v = c->ctl[w->mask];
		a = check_allowed(c, (enum vmx_ctl)w->mask);
		return a->known && !(v & ~a->may_be_1) && !(v & a->may_unknown) &&
		       !(a->must_be_1 & ~v) && !(a->must_unknown & ~v);
	case OP_WIDTH:
		if (!c->known[f])
			return false;
		return check_phys(c, c->v[f], &ok, &limit) == RULE_PASS && ok;
	case OP_FIXED:
		if (!c->known[f])
			return false;
		/*
		 * Without PE and PG exempt: a value that passes so passes whatever "unrestricted
		 * guest" says (F_UG_PE_PG only exempts more bits), and reads the same MSRs.
		 */
		return check_fixed_bits(c, (enum vmx_msr_id)w->value, c->v[f], w->mask, &fb) ==
		       TRI_YES;
	default:
		return false;
	}
#endif
}

/*
 * The fields row w reads, in the order it reads them (conditions first), each once: writes at
 * most cap field indexes to out and returns their number.
 */
size_t row_fields(const struct row *w, uint16_t *out, size_t cap);

/* ---- the effective control words, shared with the function checks ---- */

/* The effective value of control word ctl (an enum vmx_ctl or VMX_CTL_VMFUNC). */
uint64_t ctl_value(struct check_ctx *c, unsigned ctl);
/* RULE_PASS when every field deciding the effective value of ctl is known (else recorded). */
enum rule_result need_ctl_slow(struct check_ctx *c, unsigned ctl);
static inline enum rule_result need_ctl(struct check_ctx *c, unsigned ctl)
{
#ifndef CHECK_TRACE_READS
	/* set once per run from the same fields (effective_controls()) */
	if (c->ctl_known[ctl])
		return RULE_PASS;
#endif
	return need_ctl_slow(c, ctl);
}
/* A control word: its field, and the control that activates it (parent, activate). */
struct ctl_word {
	int16_t field;
	uint8_t parent; /* CTL_NO_PARENT for the words that are always active */
	uint64_t activate;
};
#define CTL_NO_PARENT 0xff
extern const struct ctl_word ctl_words[VMX_CTL_VMFUNC + 1];

/* The field of control word ctl. */
int ctl_field(unsigned ctl);
/* The name of a single-bit control of ctl from the layout table, or unnamed. */
const char *ctl_bit_name(unsigned ctl, unsigned bit, const char *unnamed);

/* ---- writing rows (used by the .def files) ---- */

/* The classes as the .def files name them. */
#define VMWRITE CHECK_CLASS_VMWRITE
#define INSTR   CHECK_CLASS_INSTR
#define CTLS    CHECK_CLASS_CTLS
#define HOST    CHECK_CLASS_HOST
#define GUEST   CHECK_CLASS_GUEST
#define MSRLOAD CHECK_CLASS_MSRLOAD

#define UNPAREN(...) __VA_ARGS__
#define COND_INIT(c) COND_INIT_ c
#define COND_INIT_(src, ne, id, mask, value)                                                       \
	{                                                                                          \
		src, ne, id, mask, value                                                           \
	}

#define ANY                    (C_NONE, 0, 0, 0, 0)
#define ON(ctl, bit)           (C_CTL, 0, VMX_CTL_##ctl, BITMASK(L_##ctl, bit), BITMASK(L_##ctl, bit))
#define OFF(ctl, bit)          (C_CTL, 0, VMX_CTL_##ctl, BITMASK(L_##ctl, bit), 0)
#define CTL_IS(ctl, mask, val) (C_CTL, 0, VMX_CTL_##ctl, mask, val)
#define IS(field, mask, val)   (C_FIELD, 0, VMCS_##field, mask, val)
#define NOT(field, mask, val)  (C_FIELD, 1, VMCS_##field, mask, val)
#define VMM_IA32E(b)           (C_VMM_IA32E, 0, 0, 1, b)

#define ALLOWED(id, section, ctl, gate, summary)                                                   \
	ROW(id, CTLS, 0, section, OP_ALLOWED, 0, gate, ANY, ANY, NOF, NOF, NOF, VMX_CTL_##ctl, 0,  \
	    "", "", summary)
#define DEP(id, section, if_, then_, summary)                                                      \
	ROW(id, CTLS, 0, section, OP_DEP, 0, if_, then_, ANY, NOF, NOF, NOF, 0, 0, "", "", summary)
#define ADDR(id, cls, qual, section, op, gate, field, align, count, hint, summary)                 \
	ROW(id, cls, qual, section, OP_##op, 0, gate, ANY, ANY, VMCS_##field, count, NOF, align,   \
	    0, "", hint, summary)
#define ALIGNED(id, cls, section, gate, f0, f1, f2, align, summary)                                \
	ROW(id, cls, 0, section, OP_ALIGN, 0, gate, ANY, ANY, f0, f1, f2, align, 0, "", "", summary)
#define BITS(id, cls, qual, section, flags, g0, g1, g2, field, mask, value, msg, hint, summary)    \
	ROW(id, cls, qual, section, OP_BITS, flags, g0, g1, g2, VMCS_##field, NOF, NOF, mask,      \
	    value, msg, hint, summary)
#define CANON(id, cls, section, flags, gate, f0, f1, f2, mask, what, summary)                      \
	ROW(id, cls, 0, section, OP_CANON, flags, gate, ANY, ANY, f0, f1, f2, mask, 0, what, "",   \
	    summary)
#define FIXED(id, cls, section, flags, field, msr, exempt, hint, summary)                          \
	ROW(id, cls, 0, section, OP_FIXED, flags, ANY, ANY, ANY, VMCS_##field, NOF, NOF, exempt,   \
	    VMX_MSR_##msr, "", hint, summary)

/* A struct row from the ROW arguments that describe it. */
#define ROW_INIT(op, flags, g0, g1, g2, f0, f1, f2, mask, value, msg, hint)                        \
	{                                                                                          \
		op, flags, {COND_INIT(g0), COND_INIT(g1), COND_INIT(g2)}, {f0, f1, f2}, mask,      \
		    value, msg, hint                                                               \
	}

/* A count field that makes an MSR area (ADDR rows) apply when not 0, and its gate. */
#define AREA(count)  NOT(count, ~0ull, 0)
#define COUNT(count) VMCS_##count
/* A VMCS link pointer other than FFFFFFFF_FFFFFFFFH (the condition of the link checks). */
#define LINKED NOT(VMCS_LINK_POINTER, ~0ull, ~0ull)
/* VM entry injects an event (the gate of the function rows about the injected event). */
#define INJECTING                                                                                  \
	IS(VM_ENTRY_INTR_INFO_FIELD, BITMASK(L_INTR_INFO, VALID), BITMASK(L_INTR_INFO, VALID))
/* VM entry injects an event of interruption type `type` (an L_INTR_INFO__V_* value). */
#define INJECTS(type)                                                                              \
	IS(VM_ENTRY_INTR_INFO_FIELD, BITMASK(L_INTR_INFO, VALID) | BITMASK(L_INTR_INFO, TYPE),     \
	   BITMASK(L_INTR_INFO, VALID) | ((uint64_t)(type) << 8))

#endif /* CHECKER_ROWS_H */
