/*
 * test_cli_options.c -- every subcommand reads its options GNU style (cli/opts.c): anywhere
 * among the file names, "--name=value", "--" ends them; an unknown option or a missing value
 * is a usage error that processes nothing, never a file name.  Machine-readable output keeps
 * the files that cannot be loaded.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json_check.h"

#define VALID  "examples/valid-long-mode.yaml"
#define BROKEN "examples/broken-host-tr-zero.yaml"

/* What `check --format json` says the caps of the first result were. */
static int caps_of(const char *out, const char *name)
{
	char want[128];

	snprintf(want, sizeof(want), "\"caps\": \"%s\"", name);
	return strstr(out, want) != NULL;
}

Test(options, an_option_after_the_file_applies_to_it)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", VALID, "--caps", "bochs-tigerlake", "--format",
	                                   "json", NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(caps_of(r.out, "bochs-tigerlake"), "%s", r.out);
	cr_expect(!strstr(r.err, "cannot open"), "%s", r.err);
	cli_result_free(&r);
}

Test(options, name_equals_value)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"check", "--caps=bochs-tigerlake",
	                                                     "--format=json", VALID, NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(caps_of(r.out, "bochs-tigerlake"), "%s", r.out);
	cli_result_free(&r);
}

Test(options, double_dash_ends_the_options)
{
	char dir[] = "/tmp/vmcslint-opts-XXXXXX", path[128], cwd[512];
	struct cli_result r;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/--format", dir);
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	{
		char src[600], cmd[1400];

		snprintf(src, sizeof(src), "%s/" VALID, cwd);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, path);
		cr_assert_eq(system(cmd), 0);
	}
	/* After "--", "--format" is the file of that name, not the option. */
	cr_assert_eq(chdir(dir), 0);
	{
		char bin[600];
		const char *env = getenv("VMCSLINT");

		snprintf(bin, sizeof(bin), "%s/%s", cwd, env ? env : "build/vmcslint");
		r = run_argv(NULL, (const char *[]){bin, "check", "--", "--format", NULL});
	}
	cr_assert_eq(chdir(cwd), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "--format: prediction: VM entry succeeds"), "%s", r.out);
	cli_result_free(&r);
	unlink(path);
	rmdir(dir);
}

/* Every command refuses an unknown option before doing anything, whatever its position. */
Test(options, unknown_options_are_usage_errors_in_every_command)
{
	static const char *const cmds[][6] = {
	    {"check", VALID, "--cap", "x", NULL},
	    {"check", VALID, "--bogus", NULL},
	    {"fields", "GUEST_CR0", "--fromat", "json", NULL},
	    {"explain", "GUEST-CR0-FIXED0", "-x", NULL},
	    {"diagnose", "examples/dumps/kvm-6.x-extint-if0.log", "--vebrose", NULL},
	    {"probe", VALID, "--emulatr", "bochs", NULL},
	    {"caps", "list", "--kinds", "real", NULL},
	    {"matrix", VALID, "--kinds", "real", NULL},
	    {"caps", "show", "bochs-tigerlake", "--bogus", NULL},
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct cli_result r = run_cli(NULL, cmds[i]);

		cr_expect_eq(r.status, 2, "%s %s: status %d", cmds[i][0], cmds[i][1], r.status);
		cr_expect_str_eq(r.out, "", "%s: printed %s", cmds[i][0], r.out);
		cr_expect(strstr(r.err, "unknown option"), "%s: %s", cmds[i][0], r.err);
		cli_result_free(&r);
	}
}

Test(options, a_near_miss_gets_a_suggestion)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"check", "--cap", "x", VALID, NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean --caps?"), "%s", r.err);
	cli_result_free(&r);
}

Test(options, a_missing_value_is_a_usage_error)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"check", VALID, "--caps", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "option '--caps' needs a value"), "%s", r.err);
	cr_expect_str_eq(r.out, "");
	cli_result_free(&r);
}

Test(options, a_value_for_a_flag_is_refused)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"fields", "--high=yes", "GUEST_CR0", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "takes no value"), "%s", r.err);
	cli_result_free(&r);
}

Test(options, caps_subcommands_take_only_their_options)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"caps", "decode", "bochs-tigerlake", "--kind", "real", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "caps decode takes no --kind option"), "%s", r.err);
	cli_result_free(&r);
	r = run_cli(NULL,
	            (const char *[]){"caps", "list", "--format=json", "--kind", "emulator", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"bochs-tigerlake\""), "%s", r.out);
	cli_result_free(&r);
}

/* ---- nothing lost in machine-readable output ---- */

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/vmcslint-opts-%d-%s", (int)getpid(), name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(output, json_keeps_files_that_do_not_load_and_loader_warnings)
{
	char bad[256];
	struct cli_result r;
	const char *where;

	snprintf(bad, sizeof(bad), "%s", write_tmp("bad.yaml", "vmcs:\n  BOGUS_FIELD: 1\n"));
	r = run_cli(NULL, (const char *[]){"check", "--format", "json", bad, VALID, NULL});
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_assert(json_valid(r.out, &where), "invalid JSON near %.60s", where);
	cr_expect(strstr(r.out, "\"prediction\": null"), "%s", r.out);
	cr_expect(strstr(r.out, "{\"severity\": \"error\", \"file\": "), "%s", r.out);
	cr_expect(strstr(r.out, "\"line\": 2, \"column\": 3, \"message\": \"unknown VMCS field "
	                        "'BOGUS_FIELD'"),
	          "%s", r.out);
	/* The valid file after it is still there. */
	cr_expect(strstr(r.out, "\"prediction\": {\"outcome\": \"success\"}"), "%s", r.out);
	cr_expect_eq(count_substr(r.out, "\"file\": \"examples/valid-long-mode.yaml\""), 1, "%s",
	             r.out);
	cli_result_free(&r);
	unlink(bad);
}

Test(output, json_lists_loader_warnings_of_a_file_that_loads)
{
	char file[256], abs[512], cwd[256];
	struct cli_result r;

	/*
	 * A natural-width value of a legacy-mode VMM keeps bits 31:0: a loader warning.  extends:
	 * resolves against the file's folder, so it gets an absolute path.
	 */
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	snprintf(abs, sizeof(abs),
	         "extends: %s/" VALID "\n"
	         "entry: {processor_mode: legacy}\n"
	         "vmcs:\n  GUEST_RIP: 0x1ffffffff\n",
	         cwd);
	snprintf(file, sizeof(file), "%s", write_tmp("legacy.yaml", abs));
	r = run_cli(NULL, (const char *[]){"check", "--format", "json", file, NULL});
	cr_expect(strstr(r.out, "\"load_diagnostics\": [\n    {\"severity\": \"warning\""), "%s%s",
	          r.out, r.err);
	cr_expect(strstr(r.out, "\"prediction\": {"), "%s", r.out);
	cli_result_free(&r);
	unlink(file);
}

Test(output, sarif_reports_load_errors_as_results_and_notifications)
{
	const char *bad = write_tmp("bad.yaml", "vmcs:\n  BOGUS_FIELD: 1\n");
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--format", "sarif", bad, BROKEN, NULL});
	struct cli_result v;

	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.out, "\"ruleId\": \"CONFIG-LOAD\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"ruleId\": \"HOST-TR-SELECTOR-NONZERO\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"executionSuccessful\": false"), "%s", r.out);
	cr_expect(strstr(r.out, "\"toolExecutionNotifications\": [\n  {\"level\": \"error\""), "%s",
	          r.out);
	v = run_argv(r.out, (const char *[]){"python3", "tests/validate-json.py",
	                                     "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 0, "%s%s", v.out, v.err);
	cli_result_free(&v);
	cli_result_free(&r);
	unlink(bad);
}
