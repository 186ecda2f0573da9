/*
 * helpers.h -- what the Criterion suites share: running the CLI under test and reading files.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

struct cli_result {
	int status; /* exit status, or 128 + signal */
	char *out;  /* standard output, NUL-terminated */
	char *err;  /* standard error, NUL-terminated */
};

/*
 * Runs the vmcslint binary under test ($VMCSLINT, default build/vmcslint) with the
 * NULL-terminated arguments and optional standard input; returns its output.
 */
struct cli_result run_cli(const char *stdin_text, const char *const args[]);
/* Runs any program (argv[0] searched in PATH) the same way. */
struct cli_result run_argv(const char *stdin_text, const char *const argv[]);
void cli_result_free(struct cli_result *r);

/* Whole file into a NUL-terminated heap buffer, or NULL. */
char *read_file(const char *path, size_t *len);

/* The n-th (from 0) result object of `diagnose --format json` output, as a heap string, or
 * NULL. */
char *json_result(const char *out, int n);

/* Whether an executable named name is in PATH. */
bool have_program(const char *name);

/* Occurrences of needle in hay. */
size_t count_substr(const char *hay, const char *needle);

#endif
