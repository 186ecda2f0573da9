/*
 * test_cli_fields.c -- `vmcslint fields` as a user runs it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "json_check.h"
#include "vmcslint.h"

Test(cli_fields, lists_every_field_in_encoding_order)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", NULL});
	unsigned prev = 0, enc;
	const char *p = r.out;
	size_t lines = 0;

	cr_assert_eq(r.status, 0, "%s", r.err);
	while (sscanf(p, "0x%x", &enc) == 1) {
		cr_expect(lines == 0 || enc > prev, "0x%04x after 0x%04x", enc, prev);
		prev = enc;
		lines++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	cr_expect_eq(lines, vmcs_field_count());
	cli_result_free(&r);
}

Test(cli_fields, names_the_lbr_ctl_field_by_encoding)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "0x2816", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "GUEST_IA32_LBR_CTL\n", 19) == 0, "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, guest_s_cet_is_guest_state_natural_width)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "0x6828", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "GUEST_S_CET") == r.out, "%s", r.out);
	cr_expect(strstr(r.out, "type:        guest state"), "%s", r.out);
	cr_expect(strstr(r.out, "width:       natural-width"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, tertiary_controls_list_their_bits)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"fields", "TERTIARY_VM_EXEC_CONTROL", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0x2034"), "%s", r.out);
	cr_expect(strstr(r.out, "LOADIWKEY_EXITING"), "%s", r.out);
	cr_expect(strstr(r.out, "IPI_VIRTUALIZATION"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, high_encoding_and_alias_find_the_field)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "0x2807", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "GUEST_IA32_EFER_HIGH: high 32 bits of GUEST_IA32_EFER"), "%s",
	          r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "Guest IA32_EFER", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "GUEST_IA32_EFER\n", 16) == 0, "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, json_is_valid_and_complete)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "--format", "json", NULL});
	const char *where;
	char count[64];

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(json_valid(r.out, &where), "invalid JSON near: %.60s", where);
	cr_expect_eq(count_substr(r.out, "\"encoding\":"), vmcs_field_count());
	snprintf(count, sizeof(count), "\"count\": %zu}", vmcs_field_count());
	cr_expect(strstr(r.out, count), "no %s", count);
	cli_result_free(&r);
}

Test(cli_fields, unknown_encoding_is_decoded)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "0x6c7e", NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "no VMCS field has this encoding"), "%s", r.out);
	cr_expect(strstr(r.out, "width natural-width, type host state, index 63"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, bad_arguments_exit_2_with_a_message)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "GUEST_CRO", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean 'GUEST_CR0'"), "%s", r.err);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "0xzz", NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "not a 32-bit field encoding"), "%s", r.err);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "--format", "xml", NULL});
	cr_expect_eq(r.status, 2);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"nosuchcommand", NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "unknown command"), "%s", r.err);
	cli_result_free(&r);
}

Test(cli_fields, search_is_case_insensitive)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "--search", "pml", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "PML_ADDRESS"), "%s", r.out);
	cr_expect(strstr(r.out, "GUEST_PML_INDEX"), "%s", r.out);
	cr_expect_null(strstr(r.out, "GUEST_CR0 "), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, help_and_version)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"--version", NULL});

	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "vmcslint " VMCSLINT_VERSION), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"--help", NULL});
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "fields"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "--help", NULL});
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "--search WORD"), "%s", r.out);
	cli_result_free(&r);
}
