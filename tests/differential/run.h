/*
 * run.h -- the differential test: a corpus (every example, every rule fixture, seeded
 * single-field mutations and generated semantic combinations) through real VM entries under a
 * Bochs VMX model, each observation compared exactly with the checker's prediction for the
 * VMCS the probe launched; disagreements that KNOWN-DEVIATIONS.md explains are counted apart.
 * Shared by tests/test_differential.c and `make differential`.
 */
#ifndef DIFF_RUN_H
#define DIFF_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "deviations.h"
#include "generate.h"

#define DIFF_KNOWN     "vmx-probe/KNOWN-DEVIATIONS.md"
#define DIFF_MUTATIONS 400

/* A corpus: the cases and the configurations they were loaded from. */
struct diff_corpus {
	struct diff_case *cases;
	size_t n;
	size_t n_files, n_mutations, n_generated;
	void **configs; /* loaded configurations (released with the corpus) */
	size_t n_configs;
};

/*
 * Builds the corpus: the valid and broken examples, every rule fixture, `mutations` single-field
 * mutations of the valid examples and `generated` semantic combinations from seed.  Returns false
 * with err when the valid examples do not load.
 */
bool diff_corpus_build(struct diff_corpus *c, size_t mutations, size_t generated, uint64_t seed,
                       char *err, size_t errlen);
void diff_corpus_release(struct diff_corpus *c);

/* What a run under one model found. */
struct diff_result {
	char model[32];
	size_t cases, agree, agree_any_of, explained, disagree, not_compared, not_done;
	size_t aborted; /* not run: Bochs stops the emulation on them (a listed deviation) */
	/* cases run to the end whose ring-0 prediction equals the host's / differs / is missing */
	size_t ring0_equal, ring0_differ;
	size_t boots;
	double seconds;
	bool probe_ok;
	char error[512];
};

/*
 * Runs the corpus under Bochs model (corei7_skylake_x, corei7_icelake_u, tigerlake) and
 * compares; devs[].used counts the cases each deviation explained.  Disagreements and cases
 * that did not complete are printed to out (at most max_listed of each), one line each.
 */
void diff_run_model(const char *model, const struct diff_corpus *c, struct deviation *devs,
                    size_t ndev, FILE *out, size_t max_listed, struct diff_result *res);

/* Set: the runs keep the emulator's directory (output and log), printed to out. */
extern bool diff_keep_dir;
/* Set: the undecided cases are listed with their deciding check. */
extern bool diff_list_undecided;
/* Set: only the cases whose name contains this string run. */
extern const char *diff_only;

/* "differential: corei7_skylake_x: N cases in B boots, S s: ..." */
void diff_print_result(FILE *out, const struct diff_result *r);

#endif /* DIFF_RUN_H */
