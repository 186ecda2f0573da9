/*
 * generate.h -- the differential corpus: cases that combine the settings whose VM-entry rules
 * interact (guest mode x unrestricted guest x event injection x activity x interruptibility x
 * RFLAGS x pending debug exceptions x MOV SS x instruction and launch state x MSR loading),
 * with none, one or two violations of other rules, for the probe to run and the checker to
 * predict.  Deterministic: the same bases and seed give the same cases.
 */
#ifndef DIFF_GENERATE_H
#define DIFF_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "vmcslint.h"

#define DIFF_MAX_MSRS 4

/* One case of the corpus. */
struct diff_case {
	char name[200];
	struct vmcs_state vmcs;
	struct vmentry_env env;
	/* The VM-entry MSR-load area of a generated case (env.msr_load points here). */
	struct vmx_msr_entry msrs[DIFF_MAX_MSRS];
};

/* The valid configurations the generator starts from (examples/valid-*.yaml). */
struct diff_bases {
	const struct diff_case *long_mode, *pae, *real_ug, *v8086;
};

/* xorshift64*: the corpus is the same on every run with the same seed. */
uint64_t diff_rand(uint64_t *seed);

/*
 * Fills out[0..n) with semantic combinations drawn from the bases with seed.  Each case's
 * env.msr_load points into the case itself: keep the array where it is.
 */
void diff_generate(const struct diff_bases *b, uint64_t seed, struct diff_case *out, size_t n);

/*
 * A single-bit flip, a zeroed field or an all-ones field in one written field of src (the
 * mutations the corpus always had).
 */
void diff_mutate(struct diff_case *dst, const struct diff_case *src, uint64_t *seed);

/* Points a copied case's env.msr_load at its own area when it owns one. */
void diff_fix_pointers(struct diff_case *c, const struct diff_case *from);

#endif /* DIFF_GENERATE_H */
