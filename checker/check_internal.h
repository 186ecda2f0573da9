/*
 * check_internal.h -- what rule predicates see: the context of one evaluation and the helpers
 * that read the VMCS and the compiled capabilities and report a finding.  Freestanding.
 *
 * A rule runs in one of two modes.  In the fast pass (c->out NULL) it only decides: check_fail()
 * and the other reporting helpers record the field and return the result, and format nothing.
 * In render mode (vmcsl_render()) the same code runs again on the same input and the helpers
 * format the message and hint into the caller's buffers.  A rule therefore computes its
 * result the same way in both modes, and builds any text only through these helpers (or after
 * checking check_rendering()).
 *
 * Writing a rule (see the recipe at the top of checker/rules.def):
 *   enum rule_result rule_fn(struct check_ctx *c, uintptr_t arg)
 *   {
 *           NEED(c, GUEST_CR0);                       // undecidable when the value is unknown
 *           if (!(V(c, GUEST_CR0) & 1))
 *                   return check_fail(c, VMCS_GUEST_CR0, "GUEST_CR0 = 0x%llx has PE clear", ...);
 *           return RULE_PASS;
 *   }
 * Return RULE_NA at the top when the rule does not apply (its control is 0), so "passed" and
 * "did not apply" stay distinct.
 */
#ifndef CHECK_INTERNAL_H
#define CHECK_INTERNAL_H

#include <stdarg.h>

#include "caps_compiled.h"

/* Where render mode writes. */
struct check_text {
	char *message, *hint;
	size_t message_len, hint_len;
};

struct check_ctx {
	const uint64_t *v;      /* VMCS values by field index, as VM entry sees them */
	const uint8_t *known;   /* which of them are known */
	const uint8_t *written; /* which fields software VMWRITEs */
	const struct vmentry_env *env;
	const struct vmcsl_caps *k;
	/*
	 * Effective control words by enum vmx_ctl (and VMX_CTL__COUNT: the VM-function controls):
	 * secondary/tertiary/secondary-exit act as 0 when not activated, the VM-function controls
	 * without "enable VM functions".  Read them with CTL().
	 */
	uint64_t ctl[VMX_CTL__COUNT + 1];
	/*
	 * What the conditions of data rows compare, by enum cond_src (checker/rows.h): the value
	 * and whether it is known, [src][id].  ctl_known[w]: every field deciding control word w's
	 * effective value is known.  Set once per run, so that a condition costs two loads.
	 */
	uint8_t ctl_known[VMX_CTL__COUNT + 1];
	uint64_t ia32e;
	const uint64_t *src_v[4];
	const uint8_t *src_k[4];
	/*
	 * What the rules read of the capabilities, since the start of the current class: every
	 * capability question below adds what its answer was computed from (vmcsl_caps *_reads),
	 * a few OR instructions.
	 */
	struct vmx_caps_reads rd;
	/* CHECK_TRACE_READS builds: where the fields the rule reads are recorded, or NULL. */
	uint64_t *reads;
	/* The fast pass's result: the VMWRITE rules record their fields in res (NULL in render
	 * mode) and read them back from prev. */
	struct vmcsl_result *res;
	const struct vmcsl_result *prev;
	/* What the current rule reports besides its result. */
	int field;              /* the field the finding is about, or -1 */
	uint64_t qualification; /* MSR-load rules: the 1-based entry */
	struct check_text *out; /* render mode: where the message and hint go; NULL: fast pass */
};

/*
 * Every read of the VMCS goes through these, so that a test build (CHECK_TRACE_READS) can
 * record the fields each rule reads and compare them with what the rule declares.
 */
#ifdef CHECK_TRACE_READS
void check_trace_read(const struct check_ctx *c, int field);
void check_trace_ctl(const struct check_ctx *c, unsigned ctl);
#define CHECK_READ(c, id)      check_trace_read((c), (id))
#define CHECK_READ_CTL(c, ctl) check_trace_ctl((c), (ctl))
#else
#define CHECK_READ(c, id)      ((void)0)
#define CHECK_READ_CTL(c, ctl) ((void)0)
#endif
#define VAL(c, id)      (CHECK_READ((c), (id)), (c)->v[id])
#define KNOWN_ID(c, id) (CHECK_READ((c), (id)), (c)->known[id] != 0)
#define V(c, name)      VAL((c), VMCS_##name)
#define KNOWN(c, name)  KNOWN_ID((c), VMCS_##name)
/* An effective control word: CTL(c, PROC2). */
#define CTL(c, w)     CTL_ID((c), VMX_CTL_##w)
#define CTL_ID(c, w_) (CHECK_READ_CTL((c), (w_)), (c)->ctl[w_])
/* Returns RULE_UNDECIDED from the rule when the value of field id is unknown. */
#define NEED_ID(c, id)                                                                             \
	do {                                                                                       \
		if (!KNOWN_ID((c), (id)))                                                          \
			return check_unknown_field((c), (id));                                     \
	} while (0)
#define NEED(c, name) NEED_ID((c), VMCS_##name)

/*
 * The "unrestricted guest" VM-execution control as VM entry sees it (0 unless the secondary
 * controls are activated): NEED_UG returns RULE_UNDECIDED from the rule when a control field
 * it depends on is unknown, then UG reads it.
 */
#define NEED_UG(c)                                                                                 \
	do {                                                                                       \
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);                                                \
		if (CTL(c, PROC) & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS))                   \
			NEED(c, SECONDARY_VM_EXEC_CONTROL);                                        \
	} while (0)
#define UG(c) ((CTL(c, PROC2) & BITMASK(L_PROC2, UNRESTRICTED_GUEST)) != 0)

/*
 * Whether VM entry treats the guest as in protected mode: CR0.PE of the guest CR0 field, but
 * taken as 1 when "unrestricted guest" is 0 (PE can be 0 only with unrestricted guest; a CR0
 * field with PE = 0 is otherwise a guest-state failure, checked later).  Needs NEED_UG and
 * NEED(GUEST_CR0) first.
 */
#define GUEST_PROTECTED(c) (!UG(c) || (V(c, GUEST_CR0) & BITMASK(L_CR0, PE)) != 0)

#define BIT(n) (1ull << (n))

/* Whether the rule runs in render mode (text is wanted). */
static inline bool check_rendering(const struct check_ctx *c)
{
	return c->out != NULL;
}

/*
 * The rest of a check past the test a valid VMCS passes (its failure report, a rarer case):
 * written in a function of its own, called last.  A hint and a message formatted in the
 * check's body keep its values live across a call, and GCC then saves registers on entry on
 * every path, the passing one too (it cannot shrink-wrap them): about 6% of the instructions of
 * a full check of a valid VMCS.
 */
#define COLD __attribute__((noinline, cold))

/* Records a failure about field (an enum vmcs_field_id or -1); returns RULE_FAIL. */
enum rule_result check_fail(struct check_ctx *c, int field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Records that the processor may fail the entry here and another may not (a check the SDM
 * leaves implementation-specific); returns RULE_MAYFAIL.
 */
enum rule_result check_may_fail(struct check_ctx *c, int field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds the fix hint of the current finding. */
void check_hint(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes back a hint given before (the rule reports something else after all). */
void check_clear_hint(struct check_ctx *c);
/* Records that the rule cannot be decided because a field's value is unknown. */
/*
 * RULE_PASS for a rule that passes whatever the unknown values it met say (their "cannot
 * decide" message, if rendered, is cleared).
 */
enum rule_result check_pass_anyway(struct check_ctx *c);
enum rule_result check_unknown_field(struct check_ctx *c, int field);
/* Records that the rule cannot be decided for another reason (an unknown capability). */
enum rule_result check_undecided(struct check_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allowed settings of a control (known false when the capability MSR is unknown). */
static inline const struct vmx_allowed *check_allowed(struct check_ctx *c, enum vmx_ctl ctl)
{
	caps_reads_add(&c->rd, &c->k->ctl_reads[ctl]);
	return &c->k->ctl[ctl];
}
/* Whether a control bit may be 1: TRI_UNKNOWN when its allowed 1-setting is unknown. */
static inline enum tri check_may_be_1(struct check_ctx *c, enum vmx_ctl ctl, unsigned bit)
{
	return vmx_allowed_may_be_1(check_allowed(c, ctl), bit);
}
/* An MSR bit (TRI_UNKNOWN when unknown), the MSR marked read. */
static inline enum tri check_msr_bit(struct check_ctx *c, enum vmx_msr_id id, unsigned bit)
{
	c->rd.msr |= 1u << id;
	return caps_msr_bit(c->k, id, bit);
}
/* The MSR's bits under mask when all of them are known, the MSR marked read. */
static inline bool check_msr_bits(struct check_ctx *c, enum vmx_msr_id id, uint64_t mask,
                                  uint64_t *value)
{
	c->rd.msr |= 1u << id;
	return caps_msr_bits(c->k, id, mask, value);
}
/*
 * Whether field i exists (caps_field_exists()).  What decides it is marked read by the caller,
 * once for all fields (vmcsl_caps.exists_reads).
 */
static inline enum tri check_field_exists(const struct check_ctx *c, size_t i)
{
	return caps_field_exists(c->k, i);
}
/* A whole CPUID register (false when any of its bits is unknown), its leaves marked read. */
static inline bool check_cpuid_reg(struct check_ctx *c, enum cpuid_fact f, uint32_t *value)
{
	c->rd.cpuid |= c->k->cpuid_reads[f];
	return caps_cpuid_reg(c->k, f, value);
}
/* A CPUID register as the checks read it (struct vmcsl_cpuid_fact), its leaves marked read. */
static inline const struct vmcsl_cpuid_fact *check_cpuid_fact(struct check_ctx *c,
                                                              enum cpuid_fact f)
{
	c->rd.cpuid |= c->k->cpuid_reads[f];
	return &c->k->cpuid[f];
}
/* MAXPHYADDR, or 0 when unknown. */
static inline unsigned check_maxphyaddr(struct check_ctx *c)
{
	c->rd.cpuid |= 1u << CPUID_LEAF_80000008;
	return c->k->maxphyaddr;
}
/* Whether addr is canonical for width-bit linear addresses (bits 63:width-1 identical). */
static inline bool check_canonical(uint64_t addr, unsigned width)
{
	uint64_t top = addr >> (width - 1);

	return top == 0 || top == (~0ull >> (width - 1));
}

/* v sign-extended from bit width-1: the canonical address nearest in spirit to v. */
static inline uint64_t check_sign_extend(uint64_t v, unsigned width)
{
	uint64_t low = v & (~0ull >> (64 - width));

	return (low >> (width - 1)) ? (low | (~0ull << width)) : low;
}

/* A CPUID bit of the capabilities (TRI_UNKNOWN when not known). */
static inline enum tri check_cpuid_bit(struct check_ctx *c, enum cpuid_fact f, unsigned bit)
{
	c->rd.cpuid |= c->k->cpuid_reads[f];
	return caps_cpuid_bit(c->k, f, bit);
}
/*
 * Whether the processor supports Intel 64 architecture, from every fact the input gives: what
 * the capabilities say (vmcsl_caps.intel64), VMLAUNCH executing in IA-32e mode, and
 * IA32_VMX_BASIC[48] = 1 (32-bit VMX addresses), which rules it out.
 */
static inline enum tri check_intel64(struct check_ctx *c)
{
	caps_reads_add(&c->rd, &c->k->intel64_reads);
	if (c->k->intel64 != TRI_UNKNOWN)
		return (enum tri)c->k->intel64;
	if (c->env->ia32e_mode)
		return TRI_YES;
	c->rd.msr |= 1u << VMX_MSR_BASIC;
	return c->k->basic_w32 ? TRI_NO : TRI_UNKNOWN;
}
/* The widest linear address the processor supports: 57 or 48; 0 when unknown. */
static inline unsigned check_la_width(struct check_ctx *c)
{
	caps_reads_add(&c->rd, &c->k->la_reads);
	return c->k->la_width;
}

/*
 * Whether v is canonical relative to the processor's widest linear address (check_la_width());
 * *width gets the width the answer rests on.  TRI_UNKNOWN only when the width is unknown and
 * decides (v canonical at 57 bits but not at 48).
 */
enum tri check_canonical_max(struct check_ctx *c, uint64_t v, unsigned *width);

/* What check_fixed_bits() found. */
struct fixed_bits {
	uint64_t bad;     /* TRI_NO: the bits that break the rule */
	uint64_t unknown; /* TRI_UNKNOWN: the bits whose requirement is unknown */
	uint64_t msr;     /* the known bits of the MSR, for messages */
};
/*
 * A control-register value against IA32_VMX_CR0_FIXED0/CR4_FIXED0 (every bit they set must be
 * 1) or IA32_VMX_CR0_FIXED1/CR4_FIXED1 (every bit they clear must be 0), the bits of exempt not
 * checked (SDM A.7, A.8): TRI_YES, TRI_NO or TRI_UNKNOWN (a partly or wholly unknown MSR).
 */
static inline enum tri check_fixed_bits(struct check_ctx *c, enum vmx_msr_id msr, uint64_t v,
                                        uint64_t exempt, struct fixed_bits *fb)
{
	/* The index in vmcsl_caps.fixed[] (the MSR order; check.c asserts it). */
	unsigned i = (unsigned)(msr - VMX_MSR_CR0_FIXED0);
	uint64_t known = c->k->fixed_known[i];

	/* Each of a FIXED0/FIXED1 pair tells bits of the other (vmcsl_caps.fixed). */
	c->rd.msr |= 1u << msr | 1u << (VMX_MSR_CR0_FIXED0 + (i ^ 1));
	fb->msr = c->k->fixed[i];
	if (!(i & 1)) {
		fb->bad = fb->msr & ~v & ~exempt;
		fb->unknown = ~known & ~v & ~exempt;
	} else {
		fb->bad = v & known & ~fb->msr & ~exempt;
		fb->unknown = v & ~known & ~exempt;
	}
	if (fb->bad)
		return TRI_NO;
	return fb->unknown ? TRI_UNKNOWN : TRI_YES;
}

/* The undecided finding of a fixed-bits check (field's value v, fb from check_fixed_bits()). */
enum rule_result fixed_undecided(struct check_ctx *c, int field, uint64_t v, enum vmx_msr_id msr,
                                 const struct fixed_bits *fb);

/* What check_perf_global_ctrl() found. */
struct perf_global {
	uint64_t allowed; /* the bits that exist */
	uint64_t bad;     /* the value's bits outside allowed */
	unsigned ngp;     /* general-purpose counters */
	unsigned version; /* architectural performance monitoring version */
	const char *why;  /* TRI_UNKNOWN: what is unknown */
};
/*
 * Whether v sets only bits of IA32_PERF_GLOBAL_CTRL that exist on the processor (CPUID leaf
 * 0AH): TRI_YES, TRI_NO (pg->bad reserved bits), or TRI_UNKNOWN (pg->why).
 */
enum tri check_perf_global_ctrl(struct check_ctx *c, uint64_t v, struct perf_global *pg);

/*
 * The checks read the compiled capabilities only through the accessors above, which mark what
 * each answer rests on (the run's class reads, hence what a verdict depends on: capsdb entries
 * with values inferred from another processor name them), and never the raw capabilities.
 */
#pragma GCC poison caps_msr_bit caps_msr_bits caps_cpuid_bit caps_cpuid_reg caps_may_be_1
#pragma GCC poison caps_field_exists vmx_caps_cpuid

/* Returns RULE_NA / RULE_UNDECIDED from the rule unless the processor supports Intel 64. */
#define NEED_INTEL64(c)                                                                            \
	do {                                                                                       \
		enum tri i64_ = check_intel64(c);                                                  \
		if (i64_ == TRI_NO)                                                                \
			return RULE_NA;                                                            \
		if (i64_ == TRI_UNKNOWN)                                                           \
			return check_undecided((c), "cannot decide whether the processor "         \
			                            "supports Intel 64 architecture");             \
	} while (0)

/* Freestanding vsnprintf: %s %c %d %u %x %X %llu %lld %llx %lx %zu %p, flags 0 and width. */
size_t check_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
size_t check_snprintf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The canonical name of field id ("?" when there is none). */
const char *check_field_name(int id);
/* The name of bit `bit` in the layout of field id (a one-bit range), or NULL when it has none. */
const char *check_bit_name(int id, unsigned bit);
/*
 * "bit 7 (NAME), bit 9 (NAME)" for the bits of mask, at most four (then ", ..."), named from
 * the layout of field id; a bit the layout does not name is called unnamed ("bit 3
 * (reserved)"), or shown without a name when unnamed is NULL.
 */
void check_bit_list(char *buf, size_t n, int id, uint64_t mask, const char *unnamed);

/* The predicate type and the name of each rule's function. */
typedef enum rule_result (*check_fn)(struct check_ctx *c, uintptr_t arg);

#endif /* CHECK_INTERNAL_H */
