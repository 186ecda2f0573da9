/*
 * test_ci.c -- what vmcslint gives CI systems: `--format github` annotations, the pre-commit
 * hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml), whose steps are
 * scripts/github-action.sh, run here as the runner would run them.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json_check.h"

#define ACTION "scripts/github-action.sh"

Test(ci, github_annotations_name_file_line_column_and_title)
{
	char bad[] = "/tmp/vmcslint-ci-XXXXXX";
	char path[64];
	struct cli_result r;
	FILE *f;

	cr_assert_not_null(mkdtemp(bad));
	snprintf(path, sizeof(path), "%s/bad.yaml", bad);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("vmcs:\n  BOGUS_FIELD: 1\n", f);
	fclose(f);
	r = run_cli(NULL, (const char *[]){"check", "--format=github",
	                                   "examples/broken-inject-extint-if0.yaml", path, NULL});
	cr_expect_eq(r.status, 2, "%s", r.err);
	/* The finding: severity, position, title with its SDM section; %0A for new lines. */
	cr_expect(strstr(r.out, "::error file=examples/broken-inject-extint-if0.yaml,line=11,col=3,"
	                        "title=GUEST-RFLAGS-IF-EXTINT (SDM 27.3.1.4)::VM entry injects "
	                        "external interrupt 0xd1"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "%0Aoutcome: VM-entry failure, exit reason 33 (0x80000021), "
	                        "qualification 0%0Ahint: set bit 9 (IF) of GUEST_RFLAGS"),
	          "%s", r.out);
	/* A load error is an annotation too; ':' in a property is escaped. */
	cr_expect(strstr(r.out, "title=vmcslint%3A configuration::unknown VMCS field "
	                        "'BOGUS_FIELD'"),
	          "%s", r.out);
	cr_expect(strstr(r.out, ",line=2,col=3,"), "%s", r.out);
	/* Every annotation is one line: no raw new line inside a command. */
	for (const char *p = r.out; (p = strstr(p, "::error")) != NULL; p++) {
		const char *nl = strchr(p, '\n');

		cr_assert_not_null(nl);
		cr_expect(!memchr(p, '\r', (size_t)(nl - p)));
	}
	cli_result_free(&r);
	unlink(path);
	rmdir(bad);
}

/* A YAML file's keys as "key=value" lines, read with python3-yaml (installed by make deps). */
static struct cli_result yaml_dump(const char *file, const char *expr)
{
	char prog[1024];

	snprintf(prog, sizeof(prog),
	         "import yaml, sys\nd = yaml.safe_load(open('%s'))\nprint(%s)\n", file, expr);
	return run_argv(NULL, (const char *[]){"python3", "-c", prog, NULL});
}

Test(ci, pre_commit_hook_runs_vmcslint_check_on_configurations)
{
	struct cli_result r = yaml_dump(
	    ".pre-commit-hooks.yaml",
	    "'\\n'.join('%s\\t%s\\t%s\\t%s' % (h['id'], h['entry'], h['language'], h['files']) "
	    "for h in d)");
	char files[256] = "";
	struct cli_result m, c;
	const char *bar;

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "vmcslint\tvmcslint check\tsystem\t", 31) == 0, "%s", r.out);
	bar = strrchr(r.out, '\t');
	cr_assert_not_null(bar);
	snprintf(files, sizeof(files), "%.*s", (int)strcspn(bar + 1, "\n"), bar + 1);
	/* The pattern picks configurations, not capsdb entries or other YAML. */
	{
		char prog[600];

		snprintf(prog, sizeof(prog),
		         "import re\np = re.compile(r'%s')\n"
		         "for f in ['vmcs/guest.yaml', 'hv/vmcs/a.yml', 'x/guest.vmcs.yaml',\n"
		         "          'capsdb/cpus/bochs-tigerlake.yaml', "
		         "'examples/valid-long-mode.yaml',\n"
		         "          '.github/workflows/ci.yml']:\n"
		         "    print(f, bool(p.search(f)))\n",
		         files);
		m = run_argv(NULL, (const char *[]){"python3", "-c", prog, NULL});
	}
	cr_expect_eq(m.status, 0, "%s", m.err);
	cr_expect(strstr(m.out, "vmcs/guest.yaml True\nhv/vmcs/a.yml True\nx/guest.vmcs.yaml True\n"
	                        "capsdb/cpus/bochs-tigerlake.yaml False\n"
	                        "examples/valid-long-mode.yaml False\n.github/workflows/ci.yml "
	                        "False\n"),
	          "%s", m.out);
	/* pre-commit appends the changed files to the entry: a failing one fails the hook. */
	c = run_cli(NULL, (const char *[]){"check", "examples/valid-long-mode.yaml",
	                                   "examples/broken-host-tr-zero.yaml", NULL});
	cr_expect_eq(c.status, 1, "%s", c.err);
	cli_result_free(&c);
	cli_result_free(&m);
	cli_result_free(&r);
}

Test(ci, action_steps_are_the_script)
{
	struct cli_result r =
	    yaml_dump("action.yml", "'\\n'.join(s.get('run', s.get('uses', '')) for s in "
	                            "d['runs']['steps'])");

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "sh \"$GITHUB_ACTION_PATH/scripts/github-action.sh\" install\n"
	                        "sh \"$GITHUB_ACTION_PATH/scripts/github-action.sh\" check\n"
	                        "github/codeql-action/upload-sarif@v3\n"
	                        "sh \"$GITHUB_ACTION_PATH/scripts/github-action.sh\" result\n");
	cli_result_free(&r);
	r = yaml_dump("action.yml", "' '.join(sorted(d['inputs']))");
	cr_expect_str_eq(r.out, "caps fail-on-findings files sarif upload-sarif\n");
	cli_result_free(&r);
}

static char *slurp(const char *path)
{
	char *s = read_file(path, NULL);

	cr_assert_not_null(s, "%s", path);
	return s;
}

/* The runner's view: environment in, annotations out, $GITHUB_OUTPUT and the SARIF file. */
Test(ci, action_check_and_result_steps_run_locally, .timeout = 120)
{
	char dir[] = "/tmp/vmcslint-action-XXXXXX", out[128], sarif[128], env_out[160],
	     env_sarif[160], cmd[1024];
	const char *bin = getenv("VMCSLINT") ? getenv("VMCSLINT") : "build/vmcslint";
	struct cli_result r, v;
	char *o;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/output", dir);
	snprintf(sarif, sizeof(sarif), "%s/v.sarif", dir);
	snprintf(env_out, sizeof(env_out), "GITHUB_OUTPUT=%s", out);
	snprintf(env_sarif, sizeof(env_sarif), "VMCSLINT_SARIF=%s", sarif);
	snprintf(cmd, sizeof(cmd), "VMCSLINT=%s", bin);
	r = run_argv(NULL, (const char *[]){"env", cmd, env_out, env_sarif,
	                                    "VMCSLINT_FILES=examples/valid-*.yaml "
	                                    "examples/broken-host-tr-zero.yaml",
	                                    "sh", ACTION, "check", NULL});
	cr_expect_eq(r.status, 0, "check records the status, it does not fail: %s", r.err);
	cr_expect(strstr(r.out, "::error file=examples/broken-host-tr-zero.yaml,line="), "%s",
	          r.out);
	cr_expect(strstr(r.out, "examples/valid-v8086.yaml: prediction: VM entry succeeds"), "%s",
	          r.out);
	o = slurp(out);
	cr_expect(strstr(o, "status=1\n"), "%s", o);
	free(o);
	o = slurp(sarif);
	v = run_argv(o, (const char *[]){"python3", "tests/validate-json.py",
	                                 "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 0, "%s%s", v.out, v.err);
	cr_expect(strstr(o, "\"ruleId\": \"HOST-TR-SELECTOR-NONZERO\""));
	free(o);
	cli_result_free(&v);
	cli_result_free(&r);

	/* result: findings fail the job unless told not to; bad input always does. */
	r = run_argv(NULL,
	             (const char *[]){"env", "VMCSLINT_STATUS=1", "sh", ACTION, "result", NULL});
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "::error title=vmcslint::"), "%s", r.out);
	cli_result_free(&r);
	r = run_argv(NULL,
	             (const char *[]){"env", "VMCSLINT_STATUS=1", "VMCSLINT_FAIL_ON_FINDINGS=false",
	                              "sh", ACTION, "result", NULL});
	cr_expect_eq(r.status, 0);
	cli_result_free(&r);
	r = run_argv(NULL,
	             (const char *[]){"env", "VMCSLINT_STATUS=2", "VMCSLINT_FAIL_ON_FINDINGS=false",
	                              "sh", ACTION, "result", NULL});
	cr_expect_eq(r.status, 2);
	cli_result_free(&r);
	/* A pattern that matches nothing: an annotation and status 2, not a silent pass. */
	r = run_argv(NULL, (const char *[]){"env", cmd, env_out, env_sarif,
	                                    "VMCSLINT_FILES=no/such/*.yaml "
	                                    "examples/valid-long-mode.yaml",
	                                    "sh", ACTION, "check", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(
	    strstr(r.out, "::error title=vmcslint::no configuration matches 'no/such/*.yaml'"),
	    "%s", r.out);
	o = slurp(out);
	cr_expect(strstr(o, "status=1\nsarif=") && strstr(o, "status=2\n"), "%s", o);
	free(o);
	cli_result_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

Test(ci, action_install_step_puts_vmcslint_on_the_path, .timeout = 300)
{
	char dir[] = "/tmp/vmcslint-install-XXXXXX", prefix[128], path_file[128], env_prefix[160],
	     env_path[160], bin[160], cmd[256];
	struct cli_result r;
	char *p;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(prefix, sizeof(prefix), "%s/prefix", dir);
	snprintf(path_file, sizeof(path_file), "%s/github_path", dir);
	snprintf(env_prefix, sizeof(env_prefix), "VMCSLINT_PREFIX=%s", prefix);
	snprintf(env_path, sizeof(env_path), "GITHUB_PATH=%s", path_file);
	r = run_argv(NULL,
	             (const char *[]){"env", env_prefix, env_path, "sh", ACTION, "install", NULL});
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cli_result_free(&r);
	p = slurp(path_file);
	snprintf(bin, sizeof(bin), "%s/bin\n", prefix);
	cr_expect_str_eq(p, bin);
	free(p);
	snprintf(bin, sizeof(bin), "%s/bin/vmcslint", prefix);
	r = run_argv(NULL, (const char *[]){bin, "check", "examples/valid-long-mode.yaml", NULL});
	cr_expect_eq(r.status, 0, "the installed binary runs: %s", r.err);
	cli_result_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}
