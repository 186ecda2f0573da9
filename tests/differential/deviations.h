/*
 * deviations.h -- the Bochs behaviours that depart from the SDM (vmx-probe/KNOWN-DEVIATIONS.md),
 * as rules the differential test applies to the checker's report to get what Bochs will do.
 *
 * A deviation line of KNOWN-DEVIATIONS.md is "- `SPEC`: text", SPEC one of
 *   skip RULE-ID [msr=0xINDEX] [if C]   Bochs does not make the check (for an MSR-load rule,
 *                                       optionally only for entries of that MSR)
 *   RULE-ID reports OUTCOME [if C]      Bochs makes the check but reports OUTCOME when it
 *                                       fails: "vmfail_valid 7", "entry_failure 33 0"
 *   extra NAME                          Bochs fails the entry where the SDM does not (NAME:
 *                                       tsc-multiplier-zero, cs-rpl-dpl, msr-absent=0xINDEX)
 *   aborts if C                         where Bochs then enters, it stops the emulation
 *                                       instead (a PANIC): the case is not run
 * C is "FIELD&0xMASK=0xVALUE" on the case's VMCS, or up to DEV_MAX_CONDS of them joined by
 * " and "; each SPEC optionally ends in " [MODEL,MODEL]"
 * when only those Bochs models deviate.
 * A case whose prediction disagrees with Bochs but agrees once the deviations are applied is
 * an explained deviation; every listed deviation must explain at least one case.
 */
#ifndef DIFF_DEVIATIONS_H
#define DIFF_DEVIATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "generate.h"
#include "vmcslint.h"

#define DEV_MAX_CONDS 3

enum dev_kind { DEV_SKIP, DEV_REPORTS, DEV_EXTRA, DEV_ABORTS };

struct deviation {
	enum dev_kind kind;
	char spec[160];               /* as written, for messages */
	int rule;                     /* DEV_SKIP, DEV_REPORTS: the rule's index */
	bool has_msr;                 /* DEV_SKIP of an MSR-load rule for one MSR only */
	uint32_t msr;                 /* ... that MSR */
	struct check_outcome reports; /* DEV_REPORTS */
	size_t n_cond;                /* "if FIELD&MASK=VALUE [and ...]": all must hold */
	struct dev_cond {
		size_t field;
		uint64_t mask, value;
	} cond[DEV_MAX_CONDS];
	char extra[160];  /* DEV_EXTRA */
	char models[128]; /* "" every model, else "MODEL,MODEL" */
	unsigned line;    /* in the file */
	size_t used;      /* cases it helped explain */
};

/*
 * Reads the deviation lines of path.  Returns false with err set on a line it cannot parse
 * (unknown rule, unknown extra, bad outcome) -- a typo must not silently explain nothing.
 */
bool dev_read(const char *path, struct deviation **out, size_t *n, char *err, size_t errlen);

/*
 * Applies to rep (the checker's report on c) every deviation that holds for model and
 * recomputes the prediction: what Bochs does.  Sets applied[i] for each deviation that changed
 * the report.  Returns how many did.
 */
size_t dev_apply(const struct deviation *d, size_t n, const char *model, const struct diff_case *c,
                 struct check_report *rep, bool *applied);

/*
 * The "aborts" deviation that holds for c under model when Bochs would enter (rep: the report
 * after dev_apply()), or -1.
 */
int dev_aborts(const struct deviation *d, size_t n, const char *model, const struct diff_case *c,
               const struct check_report *rep);

#endif /* DIFF_DEVIATIONS_H */
