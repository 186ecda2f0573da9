/*
 * test_readme_figures.c -- scripts/readme-figures.py, which `make test` runs in --check mode
 * on README.md: it must notice a figure that is not what vmcslint counts, and its writer must
 * put back exactly what the README holds when current.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static struct cli_result figures(const char *readme, bool check)
{
	const char *bin = getenv("VMCSLINT") ? getenv("VMCSLINT") : "build/vmcslint";
	const char *argv[] = {"python3", "scripts/readme-figures.py", "--vmcslint", bin, "--readme",
	                      readme,    check ? "--check" : NULL,    NULL};

	return run_argv(NULL, argv);
}

Test(readme_figures, a_stale_figure_is_caught_and_rewritten)
{
	char path[] = "/tmp/vmcslint-readme-XXXXXX";
	char *readme = read_file("README.md", NULL), *copy, *digit, *back;
	struct cli_result r;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_not_null(readme);
	/* The tree's README is current (what `make test` checks). */
	write_text(path, readme);
	r = figures(path, true);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cli_result_free(&r);
	/* One digit of the matrix figures changed: --check fails and names the line. */
	copy = strdup(readme);
	cr_assert_not_null(copy);
	digit = strstr(copy, "<!-- figures:matrix-valid -->");
	cr_assert_not_null(digit, "README.md lacks the matrix-valid region");
	digit += strcspn(digit, "0123456789");
	*digit = (char)('0' + (*digit - '0' + 1) % 10);
	write_text(path, copy);
	r = figures(path, true);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "+enters, and why not on the others"), "%s", r.out);
	cr_expect(strstr(r.err, "not current"), "%s", r.err);
	cli_result_free(&r);
	/* The writer puts the README back as it was. */
	r = figures(path, false);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cli_result_free(&r);
	back = read_file(path, NULL);
	cr_expect(back && strcmp(back, readme) == 0, "the rewritten README differs");
	free(back);
	/* A region the README lost is an error, not silently skipped. */
	*strstr(copy, "<!-- /figures:matrix-valid -->") = '\0';
	write_text(path, copy);
	r = figures(path, true);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "figures:matrix-valid"), "%s", r.err);
	cli_result_free(&r);
	free(copy);
	free(readme);
	unlink(path);
}
