/*
 * test_formats.c -- the machine-readable artifacts: the configuration JSON Schema is current
 * and accepts the examples, `check` JSON has the documented shape, SARIF validates against the
 * OASIS SARIF 2.1.0 schema, JSON strings are escaped as RFC 8259 says.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "helpers.h"
#include "json_check.h"

#define VALIDATE      "tests/validate-json.py"
#define CONFIG_SCHEMA "schema/vmcs-config.schema.json"

Test(formats, config_schema_is_current)
{
	struct cli_result r = run_argv(NULL, (const char *[]){"build/gen-schema", NULL});
	char *committed = read_file(CONFIG_SCHEMA, NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(committed);
	cr_expect(strcmp(r.out, committed) == 0, CONFIG_SCHEMA " is stale: run 'make schema'");
	free(committed);
	cli_result_free(&r);
}

/* Runs tests/validate-json.py on the files pattern matches; their number through *n. */
static struct cli_result validate_files(const char *pattern, size_t *n_files)
{
	glob_t g;
	const char *argv[256] = {"python3", VALIDATE, CONFIG_SCHEMA};
	size_t n = 3;
	struct cli_result r;

	cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "%s", pattern);
	for (size_t i = 0; i < g.gl_pathc && n < 255; i++)
		argv[n++] = g.gl_pathv[i];
	argv[n] = NULL;
	*n_files = g.gl_pathc;
	r = run_argv(NULL, argv);
	globfree(&g);
	return r;
}

Test(formats, examples_validate_against_the_config_schema)
{
	size_t n;
	struct cli_result r = validate_files("examples/*.yaml", &n);

	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cli_result_free(&r);
	/* the hypervisors' setups, in the wanted-controls form */
	r = validate_files("examples/hypervisors/*.yaml", &n);
	cr_expect_geq(n, 3);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cli_result_free(&r);
}

/* Editors accept other projects' names as the loader does (tests/fixtures/aliases/). */
Test(formats, config_schema_accepts_other_projects_names)
{
	size_t n;
	struct cli_result r = validate_files("tests/fixtures/aliases/*.yaml", &n);

	cr_expect_eq(n, 5);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cli_result_free(&r);
}

Test(formats, config_schema_rejects_an_unknown_field)
{
	struct cli_result r =
	    run_argv(NULL, (const char *[]){"python3", VALIDATE, CONFIG_SCHEMA,
	                                    "tests/fixtures/schema/unknown-field.yaml", NULL});

	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "GUEST_CRO"), "%s", r.out);
	cli_result_free(&r);
}

Test(formats, check_json_has_the_documented_shape)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--format", "json", "examples/valid-long-mode.yaml",
	                           "tests/fixtures/rules/VMWRITE-FIELD-EXISTS.fail.yaml",
	                           "examples/broken-inject-extint-if0.yaml", NULL});
	const char *where;

	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_assert(json_valid(r.out, &where), "invalid JSON near %.60s", where);
	cr_expect(strstr(r.out, "{\"tool\": {\"name\": \"vmcslint\", \"version\": "), "%s", r.out);
	cr_expect(strstr(r.out, "\"prediction\": {\"outcome\": \"success\"}"), "%s", r.out);
	/* A failing VMWRITE is its own finding; the entry is judged without the field. */
	cr_expect(strstr(r.out,
	                 "\"vmwrite_errors\": [\n    {\"check\": \"VMWRITE-FIELD-EXISTS\", "
	                 "\"severity\": \"warning\", \"outcome\": {\"outcome\": "
	                 "\"vmfail_valid\", \"vm_instruction_error\": 12}, \"sdm\": \"31.3\", "
	                 "\"fields\": [\"POSTED_INTR_DESC_ADDR\"], \"encoding\": \"0x2016\""),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\"line\": 7, \"column\": 3"), "%s", r.out);
	cr_expect(strstr(r.out,
	                 "\"prediction\": {\"outcome\": \"entry_failure\", \"exit_reason\": "
	                 "33, \"exit_qualification\": 0, \"check\": \"GUEST-RFLAGS-IF-EXTINT\"}"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\"severity\": \"error\""), "%s", r.out);
	cli_result_free(&r);
}

Test(formats, processor_dependent_outcome_in_text_json_and_sarif)
{
	const char *file = "tests/fixtures/rules/GUEST-INTR-NMI-STI.mayfail.yaml";
	struct cli_result t = run_cli(NULL, (const char *[]){"check", file, NULL});
	struct cli_result j =
	    run_cli(NULL, (const char *[]){"check", "--format", "json", file, NULL});
	struct cli_result s =
	    run_cli(NULL, (const char *[]){"check", "--format", "sarif", file, NULL});
	const char *where;

	cr_expect_eq(t.status, 1, "not success: %s", t.err);
	cr_expect(strstr(t.out, "prediction: processor-dependent: VM-entry failure, exit reason 33 "
	                        "(0x80000021), qualification 3 on processors that make this check, "
	                        "else VM entry succeeds [GUEST-INTR-NMI-STI]"),
	          "%s", t.out);
	cr_expect(strstr(t.out, ": warning: [GUEST-INTR-NMI-STI]"), "%s", t.out);
	cr_assert(json_valid(j.out, &where), "invalid JSON near %.60s", where);
	cr_expect(strstr(j.out,
	                 "\"prediction\": {\"outcome\": \"processor_dependent\", \"any_of\": "
	                 "[{\"outcome\": \"entry_failure\", \"exit_reason\": 33, "
	                 "\"exit_qualification\": 3}, {\"outcome\": \"success\"}], \"check\": "
	                 "\"GUEST-INTR-NMI-STI\"}"),
	          "%s", j.out);
	cr_expect(strstr(s.out, "\"ruleId\": \"GUEST-INTR-NMI-STI\""), "%s", s.out);
	cr_expect(strstr(s.out, "\"level\": \"warning\""), "%s", s.out);
	cr_expect(strstr(s.out, "on processors that make this check"), "%s", s.out);
	cli_result_free(&t);
	cli_result_free(&j);
	cli_result_free(&s);
}

Test(formats, sarif_validates_against_the_oasis_schema)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--format", "sarif", "examples/valid-long-mode.yaml",
	                           "tests/fixtures/rules/VMWRITE-FIELD-EXISTS.fail.yaml",
	                           "tests/fixtures/rules/INSTR-VMRESUME-LAUNCHED.fail.yaml", NULL});
	struct cli_result v;

	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"ruleId\": \"VMWRITE-FIELD-EXISTS\""), "%s", r.out);
	v = run_argv(r.out, (const char *[]){"python3", VALIDATE,
	                                     "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 0, "%s%s", v.out, v.err);
	cli_result_free(&v);
	cli_result_free(&r);
	/* The validator is not vacuous: a result without its message is rejected. */
	v = run_argv(
	    "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"x\"}}, "
	    "\"results\": [{\"ruleId\": \"A\"}]}]}",
	    (const char *[]){"python3", VALIDATE, "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 1, "%s%s", v.out, v.err);
	cli_result_free(&v);
}

/*
 * json_string_n() escapes a byte the same wherever it stands: at every offset within the
 * eight-byte words it scans at once, next to every other byte.  Against the RFC 8259 rule
 * written out byte by byte.
 */
Test(formats, json_strings_escape_every_byte_at_every_offset)
{
	char in[64], *got = NULL, expect[64 * 6 + 3];
	size_t got_len = 0;

	for (unsigned c = 1; c < 256; c++) {
		for (size_t at = 0; at < 17; at++) {
			FILE *f = open_memstream(&got, &got_len);
			size_t e = 0;

			cr_assert_not_null(f);
			memset(in, 'a', sizeof(in));
			in[at] = (char)c;
			in[at + 9] = (char)(c ^ 0x40); /* another class of byte in the next word */
			json_string_n(f, in, 32);
			fclose(f);
			expect[e++] = '"';
			for (size_t i = 0; i < 32; i++) {
				unsigned char b = (unsigned char)in[i];

				if (b == '"' || b == '\\')
					e += (size_t)sprintf(expect + e, "\\%c", b);
				else if (b == '\n')
					e += (size_t)sprintf(expect + e, "\\n");
				else if (b == '\t')
					e += (size_t)sprintf(expect + e, "\\t");
				else if (b < 0x20)
					e += (size_t)sprintf(expect + e, "\\u%04x", b);
				else
					expect[e++] = (char)b;
			}
			expect[e++] = '"';
			expect[e] = '\0';
			cr_assert_str_eq(got, expect, "byte 0x%02x at %zu", c, at);
			free(got);
			got = NULL;
		}
	}
}
