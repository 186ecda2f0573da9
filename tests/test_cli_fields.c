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
	cr_expect_eq(count_substr(r.out, "\"exists_if\":"), vmcs_field_count());
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

/* "cr3 target", "CR3-target" and "cr3_target" are one search: case and separators fold. */
Test(cli_fields, search_folds_case_spaces_and_hyphens)
{
	static const char *const spellings[] = {"cr3 target", "CR3-target", "cr3_target",
	                                        " Cr3--Target "};
	struct cli_result first =
	    run_cli(NULL, (const char *[]){"fields", "--search", spellings[0], NULL});

	cr_assert_eq(first.status, 0, "%s", first.err);
	cr_expect(strstr(first.out, "CR3_TARGET_COUNT"), "%s", first.out);
	for (int i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "CR3_TARGET_VALUE%d ", i);
		cr_expect(strstr(first.out, name), "no %s in: %s", name, first.out);
	}
	cr_expect_null(strstr(first.out, "GUEST_CR3 "), "%s", first.out);
	for (size_t i = 1; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		struct cli_result r =
		    run_cli(NULL, (const char *[]){"fields", "--search", spellings[i], NULL});

		cr_expect_eq(r.status, 0, "%s", spellings[i]);
		cr_expect_str_eq(r.out, first.out, "'%s' and '%s' differ", spellings[i],
		                 spellings[0]);
		cli_result_free(&r);
	}
	cli_result_free(&first);
}

Test(cli_fields, search_finds_io_bitmaps_and_msr_loading)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"fields", "--search", "io bitmap", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "IO_BITMAP_A "), "%s", r.out);
	cr_expect(strstr(r.out, "IO_BITMAP_B "), "%s", r.out);
	cr_expect(strstr(r.out, "CPU_BASED_VM_EXEC_CONTROL "), "the USE_IO_BITMAPS bit: %s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "--search", "msr load", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "VM_ENTRY_MSR_LOAD_ADDR "), "%s", r.out);
	cr_expect(strstr(r.out, "VM_ENTRY_MSR_LOAD_COUNT "), "%s", r.out);
	cr_expect(strstr(r.out, "VM_EXIT_MSR_LOAD_ADDR "), "%s", r.out);
	cr_expect_null(strstr(r.out, "VM_EXIT_MSR_STORE_ADDR "), "%s", r.out);
	cli_result_free(&r);
	/* Other projects' names are searched too. */
	r = run_cli(NULL, (const char *[]){"fields", "--search", "sel cs", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "GUEST_CS_SELECTOR "), "kvm-unit-tests' GUEST_SEL_CS: %s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, a_project_name_shows_the_field_and_its_names)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "GUEST_SEL_CS", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out,
	                  "GUEST_SEL_CS: the kvm-unit-tests name of GUEST_CS_SELECTOR\n"
	                  "GUEST_CS_SELECTOR\n",
	                  77) == 0,
	          "%s", r.out);
	cr_expect(strstr(r.out, "    VirtualBox      VMX_VMCS16_GUEST_CS_SEL\n"), "%s", r.out);
	cr_expect(strstr(r.out, "    Bochs           VMCS_16BIT_GUEST_CS_SELECTOR\n"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "VMCS_64BIT_GUEST_IA32_PAT_HI", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "the Bochs name of GUEST_IA32_PAT_HIGH\n"
	                        "GUEST_IA32_PAT_HIGH: high 32 bits of GUEST_IA32_PAT\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "VMX_VMCS64_GUEST_PAT_FULL, VMX_VMCS64_GUEST_PAT_HIGH (high)"),
	          "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"fields", "--format", "json", "GUEST_SEL_CS", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "{\"project\": \"kvm-unit-tests\", \"name\": \"GUEST_SEL_CS\", "
	                        "\"encoding\": \"0x0802\"}"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(cli_fields, unknown_names_suggest_by_words)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"fields", "GUEST_SELECTOR_CSS", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no VMCS field is named 'GUEST_SELECTOR_CSS'; did you mean "
	                        "'GUEST_CS_SELECTOR'?"),
	          "%s", r.err);
	cli_result_free(&r);
}
