/*
 * test_differential.c -- the checker against real VMLAUNCHes under every Bochs VMX model: every
 * example, every rule fixture, seeded single-field mutations and generated semantic
 * combinations (tests/differential/), each observation compared exactly with the prediction
 * for the VMCS the probe launched.  Every disagreement must be a Bochs deviation listed in
 * vmx-probe/KNOWN-DEVIATIONS.md, and every listed deviation must still explain a case.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "differential/run.h"

#define GENERATED 10000
#define SEED      0x766d63736c696e74ull

static const char *const models[] = {"corei7_skylake_x", "corei7_icelake_u", "tigerlake"};

Test(differential, checker_agrees_with_every_bochs_vmx_model, .timeout = 1800)
{
	struct diff_corpus corpus;
	struct deviation *devs;
	size_t ndev;
	char err[512];

	cr_assert(dev_read(DIFF_KNOWN, &devs, &ndev, err, sizeof(err)), "%s: %s", DIFF_KNOWN, err);
	cr_assert(diff_corpus_build(&corpus, DIFF_MUTATIONS, GENERATED, SEED, err, sizeof(err)),
	          "%s", err);
	for (size_t m = 0; m < sizeof(models) / sizeof(models[0]); m++) {
		struct diff_result r;

		diff_run_model(models[m], &corpus, devs, ndev, stderr, 40, &r);
		diff_print_result(stderr, &r);
		cr_expect(r.probe_ok, "%s: the probe could not run: %s", models[m], r.error);
		cr_expect_geq(r.cases, GENERATED, "%s", models[m]);
		cr_expect_eq(r.disagree, 0,
		             "%s: %zu new disagreements (a checker bug, or a Bochs deviation to "
		             "verify and list in " DIFF_KNOWN ")",
		             models[m], r.disagree);
		cr_expect_eq(r.not_done, 0, "%s: %zu cases did not run to the end", models[m],
		             r.not_done);
		/* the image's own prediction in ring 0, with the same core objects */
		cr_expect_eq(r.ring0_differ, 0,
		             "%s: %zu cases where the ring-0 prediction differs from the host's",
		             models[m], r.ring0_differ);
		cr_expect_gt(r.ring0_equal, 0, "%s: no ring-0 prediction", models[m]);
	}
	for (size_t k = 0; k < ndev; k++) {
		fprintf(stderr, "differential: deviation `%s` explains %zu case(s)\n", devs[k].spec,
		        devs[k].used);
		cr_expect_gt(devs[k].used, 0,
		             DIFF_KNOWN
		             ":%u lists `%s`, which explains no case any more: remove it",
		             devs[k].line, devs[k].spec);
	}
	diff_corpus_release(&corpus);
	free(devs);
}
