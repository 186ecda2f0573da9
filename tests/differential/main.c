/*
 * main.c -- `make differential CASES=N SEED=S [MODELS="..."]`: the differential test with
 * another corpus size or seed, for long runs; prints the agreement per Bochs model and how
 * many cases each listed deviation explains.  Exit status 1 when a case disagrees outside the
 * listed deviations or does not run to the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

int main(int argc, char **argv)
{
	size_t generated = 10000, ndev, listed = 100;
	uint64_t seed = 0x766d63736c696e74ull;
	const char *models[8];
	size_t nm = 0;
	struct diff_corpus corpus;
	struct deviation *devs;
	char err[512];
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			generated = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc && nm < 8)
			models[nm++] = argv[++i];
		else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
			listed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			diff_only = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			diff_keep_dir = true;
		else if (strcmp(argv[i], "--list-undecided") == 0)
			diff_list_undecided = true;
		else {
			fprintf(
			    stderr,
			    "usage: vmcslint-differential [--cases N] [--seed S] [--model M]... "
			    "[--list N] [--only NAME-PART] [--keep] [--list-undecided]\n");
			return 2;
		}
	}
	if (!nm) {
		models[nm++] = "corei7_skylake_x";
		models[nm++] = "corei7_icelake_u";
		models[nm++] = "tigerlake";
	}
	if (!dev_read(DIFF_KNOWN, &devs, &ndev, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", DIFF_KNOWN, err);
		return 2;
	}
	if (!diff_corpus_build(&corpus, DIFF_MUTATIONS, generated, seed, err, sizeof(err))) {
		fprintf(stderr, "differential: %s\n", err);
		return 2;
	}
	printf("differential: %zu cases (%zu files, %zu mutations, %zu generated), seed 0x%llx\n",
	       corpus.n, corpus.n_files, corpus.n_mutations, corpus.n_generated,
	       (unsigned long long)seed);
	for (size_t m = 0; m < nm; m++) {
		struct diff_result r;

		diff_run_model(models[m], &corpus, devs, ndev, stdout, listed, &r);
		diff_print_result(stdout, &r);
		if (!r.probe_ok) {
			printf("differential: %s: the probe could not run: %s\n", models[m],
			       r.error);
			status = 2;
		} else if (r.disagree || r.not_done) {
			status = status ? status : 1;
		}
	}
	for (size_t k = 0; k < ndev; k++)
		printf("differential: deviation `%s` (%s:%u) explains %zu case(s)\n", devs[k].spec,
		       DIFF_KNOWN, devs[k].line, devs[k].used);
	diff_corpus_release(&corpus);
	free(devs);
	return status;
}
