/*
 * test_usability.c -- the rough edges a new user met: a tab in YAML is named as such, notes
 * point at the field they are about, the EFER hints agree with each other, `caps decode`
 * gives IA32_VMX_MISC and IA32_VMX_BASIC numbers in their units, the hint under each failing
 * VMWRITE is about that VMWRITE.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

Test(usability, an_undecided_note_points_at_the_field_not_the_vmcs_line)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--caps=tests/fixtures/caps/no-true-procbased.yaml",
	                           "examples/valid-long-mode.yaml", NULL});

	/* CPU_BASED_VM_EXEC_CONTROL is on line 7 of the example; vmcs: is on line 4. */
	cr_expect(strstr(r.out, "examples/valid-long-mode.yaml:7:3: note: [CTL-PROC-RESERVED] "
	                        "cannot decide"),
	          "%s%s", r.out, r.err);
	cr_expect(!strstr(r.out, "valid-long-mode.yaml:4:1: note"), "%s", r.out);
	cli_result_free(&r);
}

/* An IA-32e mode guest with EFER.LME = 1, LMA = 0: both rules fail; their hints agree. */
Test(usability, efer_hints_ask_for_the_same_value)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "tests/fixtures/config/efer-lme-only.yaml", NULL});
	const char *a = strstr(r.out, "[GUEST-EFER-LMA-IA32E]"),
	           *b = strstr(r.out, "[GUEST-EFER-LME-LMA]");

	cr_expect_eq(r.status, 1);
	cr_assert(a && b, "%s", r.out);
	cr_expect(strstr(a, "(use 0x500)"), "%s", r.out);
	cr_expect(strstr(b, "(use 0x500)"), "%s", r.out);
	cr_expect(!strstr(r.out, "clear bit 8 (LME)"), "%s", r.out);
	cli_result_free(&r);
}

Test(usability, caps_decode_gives_units)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"caps", "decode", "bochs-tigerlake", NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "REGION_SIZE                                  4096 (0x1000): "
	                        "4096 bytes"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "MEMORY_TYPE                                  6 (0x6): "
	                        "write-back"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "CR3_TARGET_COUNT                             4 (0x4): 4 "
	                        "CR3-target values"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "MAX_MSR_LIST                                 0 (0x0): up to 512 "
	                        "entries per MSR list (recommended)"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "PREEMPTION_TIMER_RATE"), "%s", r.out);
	cli_result_free(&r);
}

/* The hint under each failing VMWRITE named the first failing field, whatever the VMWRITE. */
Test(usability, each_failing_vmwrite_has_a_hint_about_itself)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check",
	                                   "tests/fixtures/config/vmwrite-two-missing.yaml", NULL});
	const char *tsc = strstr(r.out, "VMWRITE of TSC_MULTIPLIER (0x2032) fails");

	cr_assert_not_null(tsc, "%s", r.out);
	cr_expect(strstr(tsc, "hint: remove the VMWRITE"), "%s", r.out);
	cr_expect_null(strstr(r.out, "'vmcslint fields VIRTUAL_PROCESSOR_ID'"), "%s", r.out);
	cr_expect_eq(count_substr(r.out, "hint: remove the VMWRITE"), 6, "%s", r.out);
	cli_result_free(&r);
}
