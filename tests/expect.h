/*
 * expect.h -- the `# expect:` line of examples and fixtures, and running a configuration
 * through the checker for tests.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <stdbool.h>

#include "config.h"
#include "vmcslint.h"

/*
 * "# expect: success" | "vmfail_valid 7 [CHECK-ID]" | "vmfail_valid 7/8 [CHECK-ID]" (the SDM
 * leaves the order open: either error) | "entry_failure 33 0 [CHECK-ID]" | "entry_failure 33
 * 0/4 [CHECK-ID]" (guest-state checks in any order: either qualification) | "undecided" |
 * "vmfail_invalid" | "processor_dependent [CHECK-ID]".  The prediction must say exactly that: an
 * any-of prediction matches only an any-of expectation.  Returns false when the file has no such
 * line.
 */
struct expectation {
	unsigned kind;   /* enum check_outcome_kind */
	unsigned number; /* VM-instruction error or exit reason */
	unsigned alt;    /* the other VM-instruction error of "7/8", else 0 */
	unsigned long long qualification;
	bool qualification_varies; /* "0/4": other qualifications possible */
	char check[64];            /* "" when not given */
};
bool expect_read(const char *path, struct expectation *e);

/* Loads path (capsdb at capsdb/cpus) and checks it; false with diags when it does not load. */
bool expect_check(const char *path, struct vmcs_config *cfg, struct check_report *rep,
                  struct load_diags *diags);

/* Whether rep's prediction matches e; *why says how it differs. */
bool expect_matches(const struct expectation *e, const struct check_report *rep, char *why,
                    size_t n);

#endif
