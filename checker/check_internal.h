/*
 * check_internal.h -- what rule predicates see: the context of one run and the helpers that
 * read the VMCS and the capabilities and record findings.  Freestanding.
 *
 * Writing a rule (see the recipe at the top of checker/rules.def):
 *   static enum rule_result rule_fn(struct check_ctx *c, uintptr_t arg)
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

#include "vmcs_ids.h"

/*
 * Checks read the capabilities only through the accessors that mark what they read (the CPUID
 * leaves by enum cpuid_leaf_id, so capsdb/cpuid_leaves.def is all a check can ask for; MAXPHYADDR
 * through check_maxphyaddr()): check_run() tells from the marks which values a verdict rests
 * on, and harvest collects every leaf of the table.
 */
#pragma GCC poison vmx_caps_cpuid maxphyaddr

struct check_ctx {
	const struct check_input *in;
	const uint64_t *v; /* VMCS values by field index */
	/* Effective controls: secondary/tertiary/secondary-exit act as 0 when not activated. */
	uint64_t pin, proc, proc2, proc3, exit, exit2, entry;
	/*
	 * The capabilities' allowed settings of each control, computed once per run, and what
	 * computing them read (check_allowed() marks it read by the rule that asks).
	 */
	struct vmx_allowed allowed[VMX_CTL__COUNT];
	struct vmx_caps_reads allowed_reads[VMX_CTL__COUNT];
	/* Where the current rule writes its finding; the report (the VMWRITE rule's list). */
	struct check_finding *f;
	struct check_report *rep;
	uint64_t qualification; /* MSR-load rules: 1-based failing entry */
};

#define V(c, name)     ((c)->v[VMCS_##name])
#define KNOWN(c, name) ((c)->in->vmcs->known[VMCS_##name] != 0)
/* Returns RULE_UNDECIDED from the rule when the field's value is unknown. */
#define NEED(c, name)                                                                              \
	do {                                                                                       \
		if (!KNOWN(c, name))                                                               \
			return check_unknown_field((c), VMCS_##name);                              \
	} while (0)

/*
 * The "unrestricted guest" VM-execution control as VM entry sees it (0 unless the secondary
 * controls are activated): NEED_UG returns RULE_UNDECIDED from the rule when a control field
 * it depends on is unknown, then UG reads it.
 */
#define NEED_UG(c)                                                                                 \
	do {                                                                                       \
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);                                                \
		if ((c)->proc & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS))                      \
			NEED(c, SECONDARY_VM_EXEC_CONTROL);                                        \
	} while (0)
#define UG(c) (((c)->proc2 & BITMASK(L_PROC2, UNRESTRICTED_GUEST)) != 0)

/*
 * Whether VM entry treats the guest as in protected mode: CR0.PE of the guest CR0 field, but
 * taken as 1 when "unrestricted guest" is 0 (PE can be 0 only with unrestricted guest; a CR0
 * field with PE = 0 is otherwise a guest-state failure, checked later).  Needs NEED_UG and
 * NEED(GUEST_CR0) first.
 */
#define GUEST_PROTECTED(c) (!UG(c) || (V(c, GUEST_CR0) & BITMASK(L_CR0, PE)) != 0)

/* Control bits by their layout names, e.g. PIN(c, NMI_EXITING). */
#define BIT(n) (1ull << (n))

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
/* Records that the rule cannot be decided because a field's value is unknown. */
enum rule_result check_unknown_field(struct check_ctx *c, int field);
/* Records that the rule cannot be decided for another reason (an unknown capability). */
enum rule_result check_undecided(struct check_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allowed settings of a control; *known false when the capability MSR is unknown. */
struct vmx_allowed check_allowed(const struct check_ctx *c, enum vmx_ctl ctl);
/* MAXPHYADDR, or 0 when unknown. */
unsigned check_maxphyaddr(const struct check_ctx *c);
/* Whether addr has no bit at or above MAXPHYADDR (caller checks maxphyaddr is known). */
bool check_phys_ok(const struct check_ctx *c, uint64_t addr);
/* Linear-address width: 57 with CR4.LA57 allowed... the caller passes what applies. */
bool check_canonical(uint64_t addr, unsigned width);

/* A raw CPUID bit of the capabilities (TRI_UNKNOWN when the leaf is not known). */
enum tri check_cpuid_bit(const struct check_ctx *c, enum cpuid_leaf_id leaf, enum cpuid_reg reg,
                         unsigned bit);
/*
 * Whether the processor supports Intel 64 architecture, from every fact the input gives:
 * CPUID.80000001H:EDX.LM[29]; the allowed 1-setting of the "IA-32e mode guest" VM-entry or
 * "host address-space size" VM-exit control (only Intel 64 processors allow them); VMLAUNCH
 * executing in IA-32e mode; IA32_VMX_BASIC[48] = 1 (32-bit VMX addresses) rules it out.
 */
enum tri check_intel64(const struct check_ctx *c);
/*
 * The widest linear address the processor supports: 57 with 5-level paging (IA32_VMX_CR4_FIXED1
 * allows CR4.LA57, else CPUID.(EAX=07H,ECX=0):ECX.LA57[16]), else 48; 0 when unknown.
 */
unsigned check_la_width(const struct check_ctx *c);

/*
 * Whether v is canonical relative to the processor's widest linear address (check_la_width());
 * *width gets the width the answer rests on.  TRI_UNKNOWN only when the width is unknown and
 * decides (v canonical at 57 bits but not at 48).
 */
enum tri check_canonical_max(const struct check_ctx *c, uint64_t v, unsigned *width);

/* What check_fixed_bits() found. */
struct fixed_bits {
	uint64_t bad;     /* TRI_NO: the bits that break the rule */
	uint64_t unknown; /* TRI_UNKNOWN: the bits whose requirement is unknown */
	uint64_t msr;     /* the known bits of the MSR, for messages */
	bool msr_known;   /* every bit of the MSR is known */
};
/*
 * A control-register value against IA32_VMX_CR0_FIXED0/CR4_FIXED0 (every bit they set must be
 * 1) or IA32_VMX_CR0_FIXED1/CR4_FIXED1 (every bit they clear must be 0), the bits of exempt not
 * checked (SDM A.7, A.8): TRI_YES, TRI_NO or TRI_UNKNOWN (a partly or wholly unknown MSR).
 */
enum tri check_fixed_bits(const struct check_ctx *c, enum vmx_msr_id msr, uint64_t v,
                          uint64_t exempt, struct fixed_bits *fb);

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
enum tri check_perf_global_ctrl(const struct check_ctx *c, uint64_t v, struct perf_global *pg);

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

/* The predicate type and the name of each rule's function. */
typedef enum rule_result (*check_fn)(struct check_ctx *c, uintptr_t arg);

#endif /* CHECK_INTERNAL_H */
