/*
 * test_fix.c -- `vmcslint fix`: each fixer corrects its check on that check's failing fixtures
 * (the check passes afterwards), values keep the form they were written in and comments their
 * column, a correction that is a choice is never made, --diff writes nothing.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixers.h"
#include "helpers.h"
#include "vmcslint.h"

/*
 * A scratch tree that mirrors the repository's folders (examples/, capsdb/, tests/fixtures/
 * through links) so copies keep their relative extends: and caps: paths, away from the real
 * fixture folders other tests read while these run.
 */
static const char *scratch(void)
{
	static char root[64];
	char cwd[512], cmd[2048];

	if (root[0])
		return root;
	snprintf(root, sizeof(root), "/tmp/vmcslint-fix-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p %s/tests/fixtures/rules %s/tests/fixtures/config && "
	         "ln -s %s/examples %s/examples && ln -s %s/capsdb %s/capsdb && "
	         "ln -s %s/tests/fixtures/caps %s/tests/fixtures/caps",
	         root, root, cwd, root, cwd, root, cwd, root);
	cr_assert_eq(system(cmd), 0);
	return root;
}

static void remove_scratch(void)
{
	const char *root = scratch();
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(fix, .fini = remove_scratch);

/* A copy of text in dir (relative to the repository) of the scratch tree; its name. */
static char *copy_into(const char *dir, const char *text)
{
	char *path = malloc(strlen(dir) + 120);
	int fd;

	cr_assert_not_null(path);
	sprintf(path, "%s/%s/test-fix-XXXXXX.yaml", scratch(), dir);
	fd = mkstemps(path, 5);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* An example's text, its extends: made relative to tests/fixtures/config. */
static char *example(const char *name)
{
	char path[160], *text, *p, *out;

	snprintf(path, sizeof(path), "examples/%s", name);
	text = read_file(path, NULL);
	cr_assert_not_null(text);
	p = strstr(text, "extends: ");
	cr_assert_not_null(p);
	out = malloc(strlen(text) + 40);
	cr_assert_not_null(out);
	sprintf(out, "%.*sextends: ../../../examples/%s", (int)(p - text), text, p + 9);
	free(text);
	return out;
}

static bool fails(const char *out, const char *rule)
{
	char needle[96];

	snprintf(needle, sizeof(needle), ": error: [%s]", rule);
	return strstr(out, needle) != NULL;
}

/* Every fixer makes its check pass on at least one of the check's failing fixtures, and on
 * every fixture it touches. */
Test(fix, each_fixer_corrects_its_check_on_the_fixtures, .timeout = 120)
{
	size_t tried = 0;

	for (size_t i = 0; i < check_rule_count(); i++) {
		const char *id = check_rule_at(i)->id;
		char pattern[160];
		size_t fixed = 0;
		glob_t g;

		if (!fixer_exists(id))
			continue;
		tried++;
		snprintf(pattern, sizeof(pattern), "tests/fixtures/rules/%s.fail*.yaml", id);
		cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "%s has no failing fixture", id);
		for (size_t k = 0; k < g.gl_pathc; k++) {
			char *text = read_file(g.gl_pathv[k], NULL), *tmp;
			struct cli_result f, c;
			char marker[96];

			cr_assert_not_null(text);
			tmp = copy_into("tests/fixtures/rules", text);
			f = run_cli(NULL, (const char *[]){"fix", tmp, NULL});
			c = run_cli(NULL, (const char *[]){"check", tmp, NULL});
			snprintf(marker, sizeof(marker), ": fixed: [%s]", id);
			if (strstr(f.out, marker)) {
				fixed++;
				cr_expect(!fails(c.out, id),
				          "%s: [%s] still fails after fix:\n%s\n%s", g.gl_pathv[k],
				          id, f.out, c.out);
			}
			cr_expect_neq(f.status, 2, "%s: %s", g.gl_pathv[k], f.err);
			unlink(tmp);
			free(tmp);
			free(text);
			cli_result_free(&f);
			cli_result_free(&c);
		}
		cr_expect_gt(fixed, 0, "the fixer of %s corrects none of %zu fixtures", id,
		             g.gl_pathc);
		globfree(&g);
	}
	cr_expect_geq(tried, 25, "fixers found: %zu", tried);
}

#define MULTI                                                                                      \
	"# several safe corrections, in several forms\n"                                           \
	"extends: ../../../examples/valid-long-mode.yaml\n"                                        \
	"vmcs:\n"                                                                                  \
	"  GUEST_CR0: 0x80050013        # NE missing\n"                                            \
	"  GUEST_DS_AR_BYTES: {TYPE: 2, S: 1, P: 1, DB: 1, G: 1}   # not accessed\n"               \
	"  GUEST_ES_AR_BYTES:\n"                                                                   \
	"    TYPE: 2\n"                                                                            \
	"    S: 1\n"                                                                               \
	"    P: 1\n"                                                                               \
	"    DB: 1\n"                                                                              \
	"    G: 1\n"                                                                               \
	"  PIN_BASED_VM_EXEC_CONTROL: [EXTERNAL_INTERRUPT_EXITING, NMI_EXITING]\n"                 \
	"  GUEST_RFLAGS: 32770         # 0x8002: bit 15 is reserved\n"                             \
	"  GUEST_INTERRUPTIBILITY_INFO: 0x100\n"

#define MULTI_FIXED                                                                                \
	"# several safe corrections, in several forms\n"                                           \
	"extends: ../../../examples/valid-long-mode.yaml\n"                                        \
	"vmcs:\n"                                                                                  \
	"  GUEST_CR0: 0x80050033        # NE missing\n"                                            \
	"  GUEST_DS_AR_BYTES: {TYPE: 3, S: 1, P: 1, DB: 1, G: 1}   # not accessed\n"               \
	"  GUEST_ES_AR_BYTES:\n"                                                                   \
	"    TYPE: 3\n"                                                                            \
	"    S: 1\n"                                                                               \
	"    P: 1\n"                                                                               \
	"    DB: 1\n"                                                                              \
	"    G: 1\n"                                                                               \
	"  PIN_BASED_VM_EXEC_CONTROL: [EXTERNAL_INTERRUPT_EXITING, NMI_EXITING, 1, 2, 4]\n"        \
	"  GUEST_RFLAGS: 2             # 0x8002: bit 15 is reserved\n"                             \
	"  GUEST_INTERRUPTIBILITY_INFO: 0x0\n"

Test(fix, values_keep_their_form_and_comments_their_column)
{
	char *tmp = copy_into("tests/fixtures/config", MULTI), *after;
	struct cli_result r = run_cli(NULL, (const char *[]){"fix", tmp, NULL});

	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	after = read_file(tmp, NULL);
	cr_assert_not_null(after);
	cr_expect_str_eq(after, MULTI_FIXED);
	cr_expect(strstr(r.out, "fixed: [CTL-PIN-RESERVED] PIN_BASED_VM_EXEC_CONTROL 0x9 -> 0x1f"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "6 fixed; prediction after the fix: VM entry succeeds"), "%s",
	          r.out);
	free(after);
	cli_result_free(&r);
	unlink(tmp);
	free(tmp);
}

Test(fix, a_choice_is_listed_not_made)
{
	char *text = example("broken-inject-extint-if0.yaml");
	char *tmp = copy_into("tests/fixtures/config", text), *after;
	struct cli_result r = run_cli(NULL, (const char *[]){"fix", tmp, NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "not fixed: [GUEST-RFLAGS-IF-EXTINT] its correction is a choice: "
	                        "set bit 9 (IF)"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "0 fixed; prediction: VM-entry failure"), "%s", r.out);
	after = read_file(tmp, NULL);
	cr_expect_str_eq(after, text, "the file is untouched");
	free(after);
	free(text);
	cli_result_free(&r);
	unlink(tmp);
	free(tmp);
}

Test(fix, diff_prints_a_unified_diff_and_writes_nothing)
{
	char *text = example("broken-link-pointer-zero.yaml");
	char *tmp = copy_into("tests/fixtures/config", text), *after;
	struct cli_result r = run_cli(NULL, (const char *[]){"fix", "--diff", tmp, NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(
	    strstr(r.out, "-  VMCS_LINK_POINTER: 0\n+  VMCS_LINK_POINTER: 0xffffffffffffffff\n"),
	    "%s", r.out);
	cr_expect(strstr(r.out, "--- a/"), "%s", r.out);
	cr_expect(strstr(r.out, "with the diff applied, 1 fixed; prediction after the fix: VM "
	                        "entry succeeds"),
	          "%s", r.out);
	after = read_file(tmp, NULL);
	cr_expect_str_eq(after, text, "--diff writes nothing");
	free(after);
	free(text);
	cli_result_free(&r);
	unlink(tmp);
	free(tmp);
}

/* A value inherited through extends: is corrected in this file, never in the base. */
Test(fix, an_inherited_value_is_overridden_in_this_file)
{
	char *tmp = copy_into("tests/fixtures/config",
	                      "extends: ../../../examples/broken-guest-cr4-vmxe.yaml\n"),
	     *after;
	struct cli_result r = run_cli(NULL, (const char *[]){"fix", tmp, NULL});

	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "(added to this file's vmcs:)"), "%s", r.out);
	after = read_file(tmp, NULL);
	cr_expect_str_eq(after, "extends: ../../../examples/broken-guest-cr4-vmxe.yaml\n"
	                        "vmcs:\n  GUEST_CR4: 0x2020\n");
	free(after);
	cli_result_free(&r);
	unlink(tmp);
	free(tmp);
}
