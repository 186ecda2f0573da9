/*
 * rules.h -- the prototype of every function check, expanded from rules.def, and the helpers
 * the rules files share.
 */
#ifndef CHECKER_RULES_H
#define CHECKER_RULES_H

#include "rows.h"

#define RULE_IF2(id, cls, err, qual, section, g0, g1, fields, fn, arg, summary)                    \
	enum rule_result fn(struct check_ctx *c, uintptr_t arg_);
#define ROW(...)
#include "rules.def"
#undef ROW

/* The per-entry checks of the VM-entry MSR-load area (arg of rule_msrload_entries()). */
enum msrload_check {
	MSRLOAD_FS_GS_BASE,
	MSRLOAD_X2APIC_RANGE,
	MSRLOAD_SMM_ONLY,
	MSRLOAD_MODEL_SPECIFIC,
	MSRLOAD_ENTRY_RESERVED,
	MSRLOAD_MSR_EXISTS,
	MSRLOAD_READ_ONLY,
	MSRLOAD_EFER_RESERVED,
	MSRLOAD_EFER_LME_PAGING,
	MSRLOAD_PAT_MEMTYPE,
	MSRLOAD_MTRR_MEMTYPE,
	MSRLOAD_CANONICAL,
	MSRLOAD_RESERVED_BITS,
	MSRLOAD_MSR_UNMODELED,
	MSRLOAD__COUNT
};

/* The segment registers and descriptor-table registers (arg of the segment rules). */
enum guest_seg {
	SEG_ES,
	SEG_CS,
	SEG_SS,
	SEG_DS,
	SEG_FS,
	SEG_GS,
	SEG_LDTR,
	SEG_TR,
	SEG_GDTR,
	SEG_IDTR
};

/* The first of the eight memory-type bytes of an IA32_PAT value that is not a memory type
 * (2, 3 and 8-255 are reserved), or -1. */
int pat_bad_entry(uint64_t v);
/*
 * The bits of an IA32_EFER value reserved on this processor: all but SCE, LME, LMA and NXE;
 * NXE without execute disable (CPUID.80000001H:EDX.NX[20]); the bits of lm (LME, and for the
 * VMCS fields LMA) without Intel 64.  *unknown gets the bits whose reservation is unknown.
 */
uint64_t efer_reserved(struct check_ctx *c, uint64_t v, uint64_t lm, uint64_t *unknown);

#endif /* CHECKER_RULES_H */
