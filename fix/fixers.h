/*
 * fixers.h -- the corrections `vmcslint fix` may make: only for checks whose failure has
 * exactly one safe correction (a bit the processor requires, a bit no processor allows, the
 * accessed bit of a usable segment, an unused VMCS link pointer).  A failure whose correction
 * is a choice (which control to drop, which selector, which address) has no fixer.
 */
#ifndef FIX_FIXERS_H
#define FIX_FIXERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcslint.h"

struct fix {
	size_t field;     /* the field to write */
	uint64_t value;   /* its corrected value */
	const char *what; /* the correction in words */
};

/*
 * The correction of the failure of check rule_id on this VMCS (values v, effective with caps),
 * or false when the check has none or the capabilities needed are not fully known.
 */
bool fixer_for(const char *rule_id, const struct vmcs_state *v, const struct vmx_caps *caps,
               struct fix *out);

/* Whether rule_id has a fixer at all (for `explain` and the docs). */
bool fixer_exists(const char *rule_id);

#endif /* FIX_FIXERS_H */
