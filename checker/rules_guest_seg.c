/*
 * rules_guest_seg.c -- SDM 27.3.1.2 "Checks on Guest Segment Registers" and 27.3.1.3 "Checks on
 * Guest Descriptor-Table Registers": selector, base, limit and access rights of CS, SS, DS, ES,
 * FS, GS, TR and LDTR, and base and limit of GDTR and IDTR.
 *
 * One predicate per SDM condition, shared by the registers it applies to: the arg of a row names
 * the register (enum guest_seg: SEG_CS, ..., SEG_GDTR, SEG_IDTR).
 *
 * Terms of the SDM used below: the guest "will be virtual-8086" when RFLAGS.VM (bit 17) is 1 in
 * the guest RFLAGS field; it "will be IA-32e mode" when the "IA-32e mode guest" VM-entry control
 * is 1; a register is "usable" when bit 16 (unusable) of its access-rights field is 0.  Where
 * a check applies only outside virtual-8086 mode, without "unrestricted guest", or to a usable
 * register, that is its row's condition (rules_guest_seg.def): the function starts where it
 * holds.
 */
#include "rules.h"

struct seg {
	const char *name;
	int sel, base, limit, ar; /* field ids; -1 when the register has no such field */
};

static const struct seg segs[] = {
#define SEG(S)                                                                                     \
	[SEG_##S] = {#S, VMCS_GUEST_##S##_SELECTOR, VMCS_GUEST_##S##_BASE, VMCS_GUEST_##S##_LIMIT, \
	             VMCS_GUEST_##S##_AR_BYTES}
    SEG(ES),
    SEG(CS),
    SEG(SS),
    SEG(DS),
    SEG(FS),
    SEG(GS),
    SEG(LDTR),
    SEG(TR),
#undef SEG
    [SEG_GDTR] = {"GDTR", -1, VMCS_GUEST_GDTR_BASE, VMCS_GUEST_GDTR_LIMIT, -1},
    [SEG_IDTR] = {"IDTR", -1, VMCS_GUEST_IDTR_BASE, VMCS_GUEST_IDTR_LIMIT, -1},
};

/* The register a row's arg names (enum guest_seg). */
static const struct seg *seg_of(uintptr_t arg)
{
	return &segs[arg < sizeof(segs) / sizeof(segs[0]) ? arg : 0];
}

static const char *fname(int id)
{
	return vmcs_field_at((size_t)id)->name;
}

#define IA32E(c)      ((CTL(c, ENTRY) & BITMASK(L_ENTRY, IA32E_MODE_GUEST)) != 0)
#define V8086(c)      ((V(c, GUEST_RFLAGS) & BITMASK(L_RFLAGS, VM)) != 0)
#define NEED_V8086(c) NEED(c, GUEST_RFLAGS)

#define AR_TYPE(ar)     ((unsigned)BITS_GET(ar, L_AR, TYPE))
#define AR_S(ar)        ((unsigned)BITS_GET(ar, L_AR, S))
#define AR_DPL(ar)      ((unsigned)BITS_GET(ar, L_AR, DPL))
#define AR_P(ar)        ((unsigned)BITS_GET(ar, L_AR, P))
#define AR_L(ar)        ((unsigned)BITS_GET(ar, L_AR, L))
#define AR_DB(ar)       ((unsigned)BITS_GET(ar, L_AR, DB))
#define AR_G(ar)        ((unsigned)BITS_GET(ar, L_AR, G))
#define AR_UNUSABLE(ar) (BITS_GET(ar, L_AR, UNUSABLE) != 0)
#define SEL_RPL(sel)    ((unsigned)((sel)&3u))
/* Access rights ar with DPL (bits 6:5) dpl, for the hints. */
#define AR_WITH_DPL(ar, dpl) (((ar) & ~0x60ull) | ((uint64_t)(dpl) << 5))
#define SEL_TI               0x4u

/* CPUID.80000001H:EDX bit 29: Intel 64 architecture (long mode) is supported. */
#define CPUID_80000001_EDX_LM 29

/* Access-rights bits 11:8 and 31:17 are reserved (SDM table "Format of Access Rights"). */
#define AR_RSVD_11_8  0xf00ull
#define AR_RSVD_31_17 (~0ull << 17)

/* The processor's VM entry reads only the low 16 bits of a selector and 32 of a limit. */
#define SEL16(v) ((unsigned)((v)&0xffffu))
#define LIM32(v) ((v)&0xffffffffull)

/* ---- 27.3.1.2: selector fields ---- */

static COLD enum rule_result ss_rpl_not_cs_rpl(struct check_ctx *c, unsigned ss, unsigned cs)
{
	check_hint(c,
	           "give GUEST_SS_SELECTOR the RPL of GUEST_CS_SELECTOR (%u, the CPL): e.g. "
	           "0x%04x; a null SS in 64-bit mode still needs RPL = CPL",
	           SEL_RPL(cs), (ss & ~3u) | SEL_RPL(cs));
	return check_fail(c, VMCS_GUEST_SS_SELECTOR,
	                  "SS.RPL = %u (GUEST_SS_SELECTOR = 0x%04x) differs from CS.RPL = %u "
	                  "(GUEST_CS_SELECTOR = 0x%04x)",
	                  SEL_RPL(ss), ss, SEL_RPL(cs), cs);
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": unless the guest will be virtual-8086 or
 * "unrestricted guest" is 1, the RPL of the SS selector must equal the RPL of the CS selector
 * (whether or not SS is usable). */
enum rule_result rule_guest_seg_ss_rpl(struct check_ctx *c, uintptr_t arg)
{
	unsigned ss, cs;

	(void)arg;
	NEED(c, GUEST_SS_SELECTOR);
	NEED(c, GUEST_CS_SELECTOR);
	ss = SEL16(V(c, GUEST_SS_SELECTOR));
	cs = SEL16(V(c, GUEST_CS_SELECTOR));
	if (SEL_RPL(ss) != SEL_RPL(cs))
		return ss_rpl_not_cs_rpl(c, ss, cs);
	return RULE_PASS;
}

/* ---- 27.3.1.2: base-address fields ---- */

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": when the guest will be virtual-8086, the base
 * of CS, SS, DS, ES, FS and GS must be the selector times 16. */
enum rule_result rule_guest_seg_base_v8086(struct check_ctx *c, uintptr_t arg)
{
	const struct seg *s = seg_of(arg);
	uint64_t want, base;

	NEED_ID(c, s->sel);
	NEED_ID(c, s->base);
	want = (uint64_t)SEL16(VAL(c, s->sel)) << 4;
	base = VAL(c, s->base);
	if (base != want) {
		check_hint(c,
		           "set %s to 0x%llx (selector 0x%04x shifted left 4 bits), as the "
		           "virtual-8086 guest would compute it",
		           fname(s->base), (unsigned long long)want, SEL16(VAL(c, s->sel)));
		return check_fail(c, s->base,
		                  "virtual-8086 guest (RFLAGS.VM = 1): %s = 0x%llx, but must be "
		                  "%s << 4 = 0x%llx",
		                  fname(s->base), (unsigned long long)base, fname(s->sel),
		                  (unsigned long long)want);
	}
	return RULE_PASS;
}

/* ---- 27.3.1.2: limit fields ---- */

/* ---- 27.3.1.2: access-rights fields of CS, SS, DS, ES, FS, GS ---- */

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode, the CS type must be
 * 9, 11, 13 or 15 (accessed code); with "unrestricted guest" 1, type 3 (accessed read/write
 * expand-up data) is allowed too. */
enum rule_result rule_guest_seg_cs_type(struct check_ctx *c, uintptr_t arg)
{
	unsigned type;

	(void)arg;
	NEED(c, GUEST_CS_AR_BYTES);
	type = AR_TYPE(V(c, GUEST_CS_AR_BYTES));
	if (type == 9 || type == 11 || type == 13 || type == 15)
		return RULE_PASS;
	if (type == 3) {
		NEED_UG(c);
		if (UG(c))
			return RULE_PASS;
		check_hint(c,
		           "use an accessed code type for CS (11 = execute/read, accessed); type 3 "
		           "is allowed only with \"unrestricted guest\" 1");
		return check_fail(c, VMCS_GUEST_CS_AR_BYTES,
		                  "GUEST_CS_AR_BYTES = 0x%llx: CS type 3 (data) requires the "
		                  "\"unrestricted guest\" VM-execution control",
		                  (unsigned long long)V(c, GUEST_CS_AR_BYTES));
	}
	check_hint(c,
	           "set the type (bits 3:0) of GUEST_CS_AR_BYTES to an accessed code type: 9, "
	           "11, 13 or 15 (e.g. 0x%llx)%s",
	           (unsigned long long)((V(c, GUEST_CS_AR_BYTES) & ~0xfull) | (type | 9u)),
	           (type & 8) ? "; the accessed bit (bit 0) is missing" : "");
	return check_fail(c, VMCS_GUEST_CS_AR_BYTES,
	                  "GUEST_CS_AR_BYTES = 0x%llx: CS type %u is not an accessed code segment "
	                  "(9, 11, 13, 15%s)",
	                  (unsigned long long)V(c, GUEST_CS_AR_BYTES), type,
	                  UG(c) ? ", or 3 under unrestricted guest" : "");
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode, a usable SS must
 * have type 3 or 7 (accessed read/write data). */
enum rule_result rule_guest_seg_ss_type(struct check_ctx *c, uintptr_t arg)
{
	uint64_t ar;
	unsigned type;

	(void)arg;
	ar = V(c, GUEST_SS_AR_BYTES); /* usable: the row's condition */
	type = AR_TYPE(ar);
	if (type == 3 || type == 7)
		return RULE_PASS;
	check_hint(c,
	           "set the type (bits 3:0) of GUEST_SS_AR_BYTES to 3 (read/write, accessed) or 7 "
	           "(expand-down), e.g. 0x%llx, or mark SS unusable (bit 16) for a null SS",
	           (unsigned long long)((ar & ~0xfull) | 3u));
	return check_fail(c, VMCS_GUEST_SS_AR_BYTES,
	                  "GUEST_SS_AR_BYTES = 0x%llx: a usable SS has type %u, not 3 or 7 (an "
	                  "accessed read/write data segment)",
	                  (unsigned long long)ar, type);
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode, if the CS type is 3
 * (possible only under "unrestricted guest"), the CS DPL must be 0. */
enum rule_result rule_guest_seg_cs_dpl_type3(struct check_ctx *c, uintptr_t arg)
{
	uint64_t ar;

	(void)arg;
	ar = V(c, GUEST_CS_AR_BYTES); /* type 3: the row's condition */
	if (AR_DPL(ar) != 0) {
		check_hint(c, "clear the DPL (bits 6:5) of GUEST_CS_AR_BYTES: 0x%llx",
		           (unsigned long long)AR_WITH_DPL(ar, 0));
		return check_fail(
		    c, VMCS_GUEST_CS_AR_BYTES,
		    "GUEST_CS_AR_BYTES = 0x%llx: CS has type 3 (data) with DPL %u, but "
		    "must have DPL 0",
		    (unsigned long long)ar, AR_DPL(ar));
	}
	return RULE_PASS;
}

static COLD enum rule_result cs_dpl_mismatch(struct check_ctx *c, bool conforming, uint64_t cs,
                                             uint64_t ss)
{
	unsigned long long fixed = AR_WITH_DPL(cs, AR_DPL(ss));

	if (conforming)
		check_hint(c,
		           "lower the DPL (bits 6:5) of GUEST_CS_AR_BYTES to at most SS.DPL = %u "
		           "(e.g. 0x%llx)",
		           AR_DPL(ss), fixed);
	else
		check_hint(
		    c,
		    "make CS.DPL and SS.DPL equal (both the guest's CPL): set the DPL (bits "
		    "6:5) of GUEST_CS_AR_BYTES to %u (0x%llx) or that of GUEST_SS_AR_BYTES to %u",
		    AR_DPL(ss), fixed, AR_DPL(cs));
	return check_fail(c, VMCS_GUEST_CS_AR_BYTES,
	                  "%s CS (type %u) has DPL %u, %s SS.DPL = %u (GUEST_CS_AR_BYTES = 0x%llx, "
	                  "GUEST_SS_AR_BYTES = 0x%llx)",
	                  conforming ? "conforming" : "non-conforming", AR_TYPE(cs), AR_DPL(cs),
	                  conforming ? "greater than" : "but", AR_DPL(ss), (unsigned long long)cs,
	                  (unsigned long long)ss);
}

/*
 * SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode, a non-conforming
 * CS (type 9 or 11, arg 9) must have the DPL of SS (the CPL), a conforming CS (type 13 or 15,
 * arg 13) a DPL not above it.
 */
enum rule_result rule_guest_seg_cs_dpl(struct check_ctx *c, uintptr_t arg)
{
	bool conforming = arg == 13;
	uint64_t cs, ss;

	cs = V(c, GUEST_CS_AR_BYTES); /* type arg or arg + 2: the row's condition */
	NEED(c, GUEST_SS_AR_BYTES);
	ss = V(c, GUEST_SS_AR_BYTES);
	if (conforming ? AR_DPL(cs) <= AR_DPL(ss) : AR_DPL(cs) == AR_DPL(ss))
		return RULE_PASS;
	return cs_dpl_mismatch(c, conforming, cs, ss);
}

static COLD enum rule_result ss_dpl_not_rpl(struct check_ctx *c, uint64_t ar, unsigned sel)
{
	check_hint(c,
	           "make SS.DPL equal SS.RPL: set the DPL (bits 6:5) of GUEST_SS_AR_BYTES to %u "
	           "(0x%llx), or the RPL of GUEST_SS_SELECTOR to %u; SS.DPL is the guest's CPL "
	           "even when SS is unusable",
	           SEL_RPL(sel), (unsigned long long)AR_WITH_DPL(ar, SEL_RPL(sel)), AR_DPL(ar));
	return check_fail(c, VMCS_GUEST_SS_AR_BYTES,
	                  "SS.DPL = %u (GUEST_SS_AR_BYTES = 0x%llx) differs from SS.RPL = %u "
	                  "(GUEST_SS_SELECTOR = 0x%04x)",
	                  AR_DPL(ar), (unsigned long long)ar, SEL_RPL(sel), sel);
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode and with
 * "unrestricted guest" 0, the SS DPL must equal the RPL of the SS selector (whether or not SS is
 * usable). */
enum rule_result rule_guest_seg_ss_dpl_rpl(struct check_ctx *c, uintptr_t arg)
{
	uint64_t ar;
	unsigned sel;

	(void)arg;
	NEED(c, GUEST_SS_AR_BYTES);
	NEED(c, GUEST_SS_SELECTOR);
	ar = V(c, GUEST_SS_AR_BYTES);
	sel = SEL16(V(c, GUEST_SS_SELECTOR));
	if (AR_DPL(ar) != SEL_RPL(sel))
		return ss_dpl_not_rpl(c, ar, sel);
	return RULE_PASS;
}

/*
 * SDM 27.3.1.2 "Checks on Guest Segment Registers", SS DPL, when the guest will use FRED
 * transitions (the rows' conditions: "IA-32e mode guest" and CR4.FRED): FRED runs only at CPL 0
 * and 3, so the DPL must be 0 or 3; and at DPL 0 the L bit of the CS access rights must be 1
 * (FRED has no compatibility mode at CPL 0).  Outside virtual-8086 mode, as every access-rights
 * check.
 */
static enum rule_result fred_guest_ss(struct check_ctx *c, uint64_t *ss)
{
	NEED_V8086(c);
	if (V8086(c))
		return RULE_NA;
	NEED(c, GUEST_SS_AR_BYTES);
	*ss = V(c, GUEST_SS_AR_BYTES);
	return RULE_PASS;
}

/* SS's DPL where known: an unknown virtual-8086 mode does not matter to what it settles. */
static bool ss_dpl_known(struct check_ctx *c, unsigned *dpl)
{
	if (!KNOWN(c, GUEST_SS_AR_BYTES))
		return false;
	*dpl = AR_DPL(V(c, GUEST_SS_AR_BYTES));
	return true;
}

enum rule_result rule_guest_seg_ss_dpl_fred(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t ss = 0;
	unsigned dpl;

	(void)arg;
	if ((r = fred_guest_ss(c, &ss)) == RULE_UNDECIDED && ss_dpl_known(c, &dpl) &&
	    (dpl == 0 || dpl == 3))
		return check_pass_anyway(c);
	if (r != RULE_PASS)
		return r;
	if (AR_DPL(ss) == 0 || AR_DPL(ss) == 3)
		return RULE_PASS;
	check_hint(c,
	           "FRED runs only at CPL 0 or 3: give the DPL (bits 6:5) of GUEST_SS_AR_BYTES "
	           "the guest's CPL, 0 or 3 (e.g. 0x%llx), with matching CS and SS selectors",
	           (unsigned long long)AR_WITH_DPL(ss, 0));
	return check_fail(c, VMCS_GUEST_SS_AR_BYTES,
	                  "SS.DPL = %u (GUEST_SS_AR_BYTES = 0x%llx) for a guest that will use "
	                  "FRED transitions (IA-32e mode guest, CR4.FRED = 1): it must be 0 or 3",
	                  AR_DPL(ss), (unsigned long long)ss);
}

enum rule_result rule_guest_seg_cs_l_fred(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r;
	uint64_t ss = 0, cs;
	unsigned dpl;

	(void)arg;
	if ((r = fred_guest_ss(c, &ss)) == RULE_UNDECIDED && ss_dpl_known(c, &dpl)) {
		/* SS.DPL not 0, or CS.L 1: settled whether virtual-8086 mode applies or not */
		if (dpl != 0)
			return check_pass_anyway(c);
		if (KNOWN(c, GUEST_CS_AR_BYTES) && AR_L(V(c, GUEST_CS_AR_BYTES)))
			return check_pass_anyway(c);
	}
	if (r != RULE_PASS)
		return r;
	if (AR_DPL(ss) != 0)
		return RULE_NA;
	NEED(c, GUEST_CS_AR_BYTES);
	cs = V(c, GUEST_CS_AR_BYTES);
	if (AR_L(cs))
		return RULE_PASS;
	check_hint(c,
	           "a FRED guest at CPL 0 runs 64-bit code: set L (bit 13) and clear D/B (bit 14) "
	           "of GUEST_CS_AR_BYTES (use 0x%llx)",
	           (unsigned long long)((cs | BITMASK(L_AR, L)) & ~BITMASK(L_AR, DB)));
	return check_fail(c, VMCS_GUEST_CS_AR_BYTES,
	                  "CS.L = 0 (GUEST_CS_AR_BYTES = 0x%llx) at SS.DPL 0 for a guest that will "
	                  "use FRED transitions (IA-32e mode guest, CR4.FRED = 1): FRED has no "
	                  "compatibility mode at CPL 0",
	                  (unsigned long long)cs);
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode, the SS DPL must be 0
 * when the CS type is 3 or when CR0.PE is 0 in the guest CR0 field (both possible only under
 * "unrestricted guest"). */
static enum rule_result ss_dpl_zero(struct check_ctx *c)
{
	uint64_t ss;
	bool cs3, real;

	NEED_V8086(c);
	if (V8086(c))
		return RULE_NA;
	NEED(c, GUEST_CS_AR_BYTES);
	NEED(c, GUEST_CR0);
	cs3 = AR_TYPE(V(c, GUEST_CS_AR_BYTES)) == 3;
	real = !(V(c, GUEST_CR0) & BITMASK(L_CR0, PE));
	if (!cs3 && !real)
		return RULE_NA;
	NEED(c, GUEST_SS_AR_BYTES);
	ss = V(c, GUEST_SS_AR_BYTES);
	if (AR_DPL(ss) != 0) {
		check_hint(c,
		           "clear the DPL (bits 6:5) of GUEST_SS_AR_BYTES (0x%llx): %s runs at "
		           "CPL 0",
		           (unsigned long long)AR_WITH_DPL(ss, 0),
		           real ? "a real-mode guest (CR0.PE = 0)" : "a guest with a data-type CS");
		return check_fail(
		    c, VMCS_GUEST_SS_AR_BYTES,
		    "SS.DPL = %u (GUEST_SS_AR_BYTES = 0x%llx), but must be 0 because %s",
		    AR_DPL(ss), (unsigned long long)ss,
		    real ? "CR0.PE = 0 in GUEST_CR0" : "the CS type is 3");
	}
	return RULE_PASS;
}

enum rule_result rule_guest_seg_ss_dpl_zero(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = ss_dpl_zero(c);
	unsigned dpl;

	(void)arg;
	/* SS.DPL 0 passes whatever virtual-8086 mode, the CS type and CR0.PE, unknown, say. */
	if (r == RULE_UNDECIDED && ss_dpl_known(c, &dpl) && dpl == 0)
		return check_pass_anyway(c);
	return r;
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": outside virtual-8086 mode and with
 * "unrestricted guest" 0, a usable DS, ES, FS or GS of type 0-11 (data or non-conforming code) must
 * not have a DPL below its selector's RPL. */
static __attribute__((noinline, cold)) enum rule_result
data_dpl_below_rpl(struct check_ctx *c, const struct seg *s, uint64_t ar, unsigned sel)
{
	check_hint(c,
	           "lower the RPL of %s to at most %u (0x%04x), or raise the DPL (bits 6:5) of "
	           "%s to %u",
	           fname(s->sel), AR_DPL(ar), (sel & ~3u) | AR_DPL(ar), fname(s->ar), SEL_RPL(sel));
	return check_fail(c, s->ar,
	                  "%s.DPL = %u (%s = 0x%llx) is less than %s.RPL = %u (%s = 0x%04x)",
	                  s->name, AR_DPL(ar), fname(s->ar), (unsigned long long)ar, s->name,
	                  SEL_RPL(sel), fname(s->sel), sel);
}

enum rule_result rule_guest_seg_data_dpl_rpl(struct check_ctx *c, uintptr_t arg)
{
	const struct seg *s = seg_of(arg);
	uint64_t ar;
	unsigned sel;

	NEED_ID(c, s->ar);
	ar = VAL(c, s->ar);
	if (AR_UNUSABLE(ar) || AR_TYPE(ar) > 11)
		return RULE_NA;
	NEED_ID(c, s->sel);
	sel = SEL16(VAL(c, s->sel));
	if (AR_DPL(ar) < SEL_RPL(sel))
		return data_dpl_below_rpl(c, s, ar, sel);
	return RULE_PASS;
}

static __attribute__((noinline, cold)) enum rule_result
granular_limit_low_bits(struct check_ctx *c, const struct seg *s, uint64_t ar, uint64_t lim)
{
	check_hint(c,
	           "the limit field holds the byte-granular limit: with G = 1 its bits 11:0 "
	           "are all 1 (e.g. 0x%llx for 4-KByte pages); or clear G (bit 15) of %s if "
	           "the limit is byte-granular (it must then be below 1 MByte)",
	           (unsigned long long)(lim | 0xfff), fname(s->ar));
	return check_fail(c, s->limit,
	                  "%s has G = 1 but %s = 0x%llx has a 0 in bits 11:0 "
	                  "(%s = 0x%llx)",
	                  s->name, fname(s->limit), (unsigned long long)lim, fname(s->ar),
	                  (unsigned long long)ar);
}

static __attribute__((noinline, cold)) enum rule_result
byte_limit_high_bits(struct check_ctx *c, const struct seg *s, uint64_t ar, uint64_t lim)
{
	check_hint(c,
	           "set G (bit 15) of %s (0x%llx): a limit of 1 MByte or more needs 4-KByte "
	           "granularity, with bits 11:0 of %s all 1",
	           fname(s->ar), (unsigned long long)(ar | BITMASK(L_AR, G)), fname(s->limit));
	return check_fail(c, s->ar,
	                  "%s has G = 0 but %s = 0x%llx has a 1 in bits 31:20 "
	                  "(%s = 0x%llx)",
	                  s->name, fname(s->limit), (unsigned long long)lim, fname(s->ar),
	                  (unsigned long long)ar);
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": wherever the access-rights checks apply (CS;
 * SS, DS, ES, FS, GS when usable, outside virtual-8086 mode; TR; LDTR when usable), G must be 0 if
 * any of limit bits 11:0 is 0, and G must be 1 if any of limit bits 31:20 is 1. */
enum rule_result rule_guest_seg_limit_granularity(struct check_ctx *c, uintptr_t arg)
{
	const struct seg *s = seg_of(arg);
	uint64_t ar, lim;

	NEED_ID(c, s->ar);
	NEED_ID(c, s->limit);
	ar = VAL(c, s->ar);
	lim = LIM32(VAL(c, s->limit));
	if (AR_G(ar) && (lim & 0xfff) != 0xfff)
		return granular_limit_low_bits(c, s, ar, lim);
	if (!AR_G(ar) && (lim >> 20) != 0)
		return byte_limit_high_bits(c, s, ar, lim);
	return RULE_PASS;
}

/* ---- 27.3.1.2: access rights of TR and LDTR ---- */

static COLD enum rule_result tr_type_wrong(struct check_ctx *c, uint64_t ar, unsigned type)
{
	check_hint(c, "set the type (bits 3:0) of GUEST_TR_AR_BYTES to 11, a busy TSS (0x%llx)%s",
	           (unsigned long long)((ar & ~0xfull) | 11u),
	           type == 9 || type == 1
	               ? ": TR always holds a busy TSS, even when the descriptor "
	                 "in the GDT is marked available"
	               : "");
	return check_fail(c, VMCS_GUEST_TR_AR_BYTES,
	                  "GUEST_TR_AR_BYTES = 0x%llx: TR type %u is not %s",
	                  (unsigned long long)ar, type,
	                  IA32E(c) ? "11 (busy 64-bit TSS), the only type in an IA-32e mode guest"
	                           : "3 or 11 (busy 16-bit or 32-bit TSS)");
}

/* SDM 27.3.1.2 "Checks on Guest Segment Registers": the TR type must be 11 (busy 32-bit or 64-bit
 * TSS); type 3 (busy 16-bit TSS) is allowed too when the guest will not be IA-32e mode. */
enum rule_result rule_guest_seg_tr_type(struct check_ctx *c, uintptr_t arg)
{
	uint64_t ar;
	unsigned type;

	(void)arg;
	NEED(c, GUEST_TR_AR_BYTES);
	ar = V(c, GUEST_TR_AR_BYTES);
	type = AR_TYPE(ar);
	if (type == 11)
		return RULE_PASS;
	NEED(c, VM_ENTRY_CONTROLS);
	if (type == 3 && !IA32E(c))
		return RULE_PASS;
	return tr_type_wrong(c, ar, type);
}

/* ---- 27.3.1.3: GDTR and IDTR ---- */
