/*
 * test_hypervisors.c -- examples/hypervisors/: the VMCS setups of real hypervisors and test
 * suites, given as they write them and adjusted per processor, enter on the processors their
 * projects support and are refused where the project would refuse; `matrix` over each gives
 * the counts the README shows; the adjusted values appear in text, JSON and SARIF; and under
 * Bochs a real VMLAUNCH of each adjusted VMCS agrees with the prediction.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json_check.h"

#define HV "examples/hypervisors/"

/*
 * The entries whose dumps lack the values of the TRUE capability MSRs (IA32_VMX_BASIC[55] = 1)
 * and take them from the dumps of their family/model/stepping (capsdb msr-inferred): a
 * hypervisor that reads them enters there, and the verdict names the inferred values.
 */
#define INFERRED_TRUE_VALUES                                                                       \
	"broadwell-core-i5-5200u", "haswell-ult-core-i5-4210u", "ivy-bridge-core-i3-3217u",        \
	    "ivy-bridge-core-i3-3240", "ivy-bridge-core-i7-3770",                                  \
	    "silvermont-bay-trail-celeron-j1800", "skylake-s-h-xeon-e3-1230-v5"

/* Arrays, not pointers: Criterion runs each parameter in a new process. */
struct hv_case {
	char file[48];
	char summary[200];    /* the end of `matrix --format json` */
	char enters[12][48];  /* a processor of each generation the project supports */
	char refused[14][48]; /* where the project refuses (or cannot run) */
	char inferred[8][48]; /* entered on TRUE MSR values inferred from a sibling's dump */
};

static const struct hv_case cases[] = {
    {"kvm-unit-tests.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     /* any Intel 64 processor with VMX, with or without TRUE MSRs, EPT, VPID */
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "nehalem-lynnfield-core-i5-750",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "via-isaiah-cns-via-quadcore-l4700", "bochs-corei7_skylake_x",
      "bochs-core2_penryn_t9600"},
     /* no IA-32e controls: a 64-bit image cannot run */
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES}},
    {"kvm-selftests.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "nehalem-lynnfield-core-i5-750",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-corei7_skylake_x", "bochs-tigerlake"},
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES}},
    {"kvm-selftests-ept.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT: Nehalem and later, Silvermont and later Atoms */
     {"nehalem-lynnfield-core-i5-750", "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770",
      "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x", "bochs-corei5_lynnfield_750"},
     /* no EPT: TEST_REQUIRE(kvm_cpu_has_ept()) skips the test */
     {"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",
      "penryn-core-2-duo-p8700", "penryn-core-2-duo-t9600", "penryn-core-2-extreme-x9650",
      "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core2_penryn_t9600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES}},
    {"simplevisor.yaml",
     "\"success\": 253, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "12}",
     /* TRUE capability MSRs: Nehalem and later (and Bochs's Penryn model, which has them) */
     {"nehalem-lynnfield-core-i5-750", "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770",
      "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x", "bochs-core2_penryn_t9600"},
     /* ShvVmxEnterRootModeOnVp() refuses without IA32_VMX_BASIC[55] */
     {"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",
      "penryn-core-2-duo-p8700", "penryn-core-2-duo-t9600", "penryn-core-2-extreme-x9650",
      "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES}},
};

ParameterizedTestParameters(hypervisors, matrix)
{
	return cr_make_param_array(struct hv_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Whether the matrix JSON has a row for caps that holds text. */
static bool row_has(const char *json, const char *caps, const char *text)
{
	char row[200];
	const char *at, *next, *p;

	snprintf(row, sizeof(row), "{\"caps\": \"%s\"", caps);
	at = strstr(json, row);
	if (!at)
		return false;
	next = strstr(at + 1, "{\"caps\": ");
	p = strstr(at, text);
	return p && (!next || p < next);
}

/* Whether the matrix JSON has a row for caps with this outcome. */
static bool row_is(const char *json, const char *caps, const char *outcome)
{
	char pred[120];

	snprintf(pred, sizeof(pred), "\"prediction\": {\"outcome\": \"%s\"", outcome);
	return row_has(json, caps, pred);
}

ParameterizedTest(const struct hv_case *c, hypervisors, matrix, .timeout = 60)
{
	char path[96];
	const char *where;
	struct cli_result r;

	snprintf(path, sizeof(path), HV "%s", c->file);
	r = run_cli(NULL, (const char *[]){"matrix", "--format", "json", path, NULL});
	cr_expect_eq(r.status, 1, "%s: not every processor enters: %s", c->file, r.err);
	cr_assert(json_valid(r.out, &where), "%s: invalid JSON near %.60s", c->file, where);
	cr_expect(strstr(r.out, c->summary), "%s: the counts changed: ...%s", c->file,
	          r.out + (strlen(r.out) > 120 ? strlen(r.out) - 120 : 0));
	for (size_t i = 0; i < 12 && c->enters[i][0]; i++)
		cr_expect(row_is(r.out, c->enters[i], "success"), "%s does not enter on %s",
		          c->file, c->enters[i]);
	for (size_t i = 0; i < 14 && c->refused[i][0]; i++)
		cr_expect(row_is(r.out, c->refused[i], "refused"), "%s is not refused on %s",
		          c->file, c->refused[i]);
	for (size_t i = 0; i < 8 && c->inferred[i][0]; i++)
		cr_expect(row_is(r.out, c->inferred[i], "success") &&
		              row_has(r.out, c->inferred[i],
		                      "\"inferred_values\": [\"IA32_VMX_TRUE_PINBASED_CTLS\""),
		          "%s does not enter on %s on the inferred TRUE MSRs", c->file,
		          c->inferred[i]);
	/* Every processor where the project runs and vmcslint can decide: it enters. */
	cr_expect_eq(count_substr(r.out, "\"outcome\": \"entry_failure\""), 0, "%s", c->file);
	cr_expect_eq(count_substr(r.out, "\"outcome\": \"vmfail_valid\""), 0, "%s", c->file);
	cli_result_free(&r);
}

Test(hypervisors, check_shows_the_adjusted_values_it_judged)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--caps", "penryn-core-2-duo-p8600",
	                           HV "kvm-unit-tests.yaml", HV "kvm-selftests-ept.yaml", NULL});

	cr_expect_eq(r.status, 1, "the EPT selftest is refused: %s", r.err);
	cr_expect(strstr(r.out, HV
	                 "kvm-unit-tests.yaml:38:3: note: [HV-ADJUSTED] VM_EXIT_CONTROLS adjusted "
	                 "for penryn-core-2-duo-p8600: wanted HOST_ADDRESS_SPACE_SIZE (required), "
	                 "LOAD_IA32_PAT, LOAD_IA32_EFER (optional); judged 0x36fff; default1 "
	                 "0x36dff from IA32_VMX_EXIT_CTLS; dropped (not allowed): LOAD_IA32_PAT, "
	                 "LOAD_IA32_EFER\n"),
	          "%s", r.out);
	/* Its host PAT is written only where LOAD_IA32_PAT is allowed. */
	cr_expect(strstr(r.out,
	                 HV "kvm-unit-tests.yaml:61:3: note: [HV-ADJUSTED] HOST_IA32_PAT not "
	                    "written on penryn-core-2-duo-p8600"),
	          "%s", r.out);
	cr_expect(strstr(r.out,
	                 HV "kvm-unit-tests.yaml:79:3: note: [HV-ADJUSTED] GUEST_CR0 adjusted "
	                    "for penryn-core-2-duo-p8600: given 0x80010011 with the fixed bits; "
	                    "judged 0x80010031; set by IA32_VMX_CR0_FIXED0: NE\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-unit-tests.yaml: prediction: VM entry succeeds"), "%s",
	          r.out);
	/* The refusal points at the required bit's line and column. */
	cr_expect(strstr(r.out,
	                 HV "kvm-selftests-ept.yaml:19:16: error: [HV-REFUSED] this "
	                    "hypervisor refuses to run on penryn-core-2-duo-p8600: it requires "
	                    "ENABLE_EPT of SECONDARY_VM_EXEC_CONTROL, which the processor does "
	                    "not allow (IA32_VMX_PROCBASED_CTLS2 allows 0x41)\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-selftests-ept.yaml: prediction: refused: the hypervisor "
	                           "refuses to run on this processor [HV-REFUSED] (caps "
	                           "penryn-core-2-duo-p8600; 1 required capability missing)\n"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(hypervisors, simplevisor_refuses_without_true_msrs)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--caps", "merom-conroe-core-2-x6800",
	                                   HV "simplevisor.yaml", NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "error: [HV-REFUSED] this hypervisor refuses to run on "
	                        "merom-conroe-core-2-x6800: it reads the TRUE capability MSRs "
	                        "(default1: true_msr for PIN, PROC, EXIT, ENTRY) and the processor "
	                        "has none (IA32_VMX_BASIC[55] = 0)"),
	          "%s", r.out);
	cr_expect_eq(count_substr(r.out, "[HV-REFUSED]"), 2, "one finding and the prediction: %s",
	             r.out);
	cli_result_free(&r);
}

Test(hypervisors, undecided_where_the_true_msrs_are_unknown)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--caps", "tests/fixtures/caps/no-true-msrs.yaml",
	                           HV "kvm-unit-tests.yaml", NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out,
	                 "note: [HV-UNDECIDED] CPU_BASED_VM_EXEC_CONTROL: bit 1, bit 4, bit 5, "
	                 "bit 6, bit 8, bit 13, bit 14, CR3_LOAD_EXITING, CR3_STORE_EXITING, "
	                 "bit 26: default1 in IA32_VMX_PROCBASED_CTLS; whether "
	                 "IA32_VMX_TRUE_PROCBASED_CTLS lets them be 0 is unknown"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "prediction: undecided"), "%s", r.out);
	cli_result_free(&r);
}

Test(hypervisors, json_and_sarif_carry_the_adjustment)
{
	struct cli_result j =
	    run_cli(NULL, (const char *[]){"check", "--format", "json", "--caps",
	                                   "penryn-core-2-duo-p8600", HV "kvm-selftests-ept.yaml",
	                                   HV "simplevisor.yaml", HV "kvm-unit-tests.yaml", NULL});
	struct cli_result s =
	    run_cli(NULL, (const char *[]){"check", "--format", "sarif", "--caps",
	                                   "penryn-core-2-duo-p8600", HV "kvm-selftests-ept.yaml",
	                                   HV "kvm-unit-tests.yaml", NULL});
	struct cli_result v;
	const char *where;

	cr_assert(json_valid(j.out, &where), "invalid JSON near %.60s", where);
	cr_expect(strstr(j.out, "\"prediction\": {\"outcome\": \"refused\", \"check\": "
	                        "\"HV-REFUSED\"}"),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"check\": \"HV-REFUSED\", \"severity\": \"error\", \"outcome\": "
	                        "{\"outcome\": \"refused\"}, \"sdm\": \"A.3.3\", \"fields\": "
	                        "[\"SECONDARY_VM_EXEC_CONTROL\"]"),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"VM_EXIT_CONTROLS\", \"required\": "
	                        "[\"HOST_ADDRESS_SPACE_SIZE\"], \"optional\": [\"LOAD_IA32_PAT\", "
	                        "\"LOAD_IA32_EFER\"], \"default1\": \"auto\", \"settings_from\": "
	                        "\"IA32_VMX_EXIT_CTLS\", \"value\": \"0x36fff\""),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"GUEST_CR0\", \"given\": \"0x80010011\", \"fixed\": "
	                        "\"apply\", \"value\": \"0x80010031\", \"set\": \"0x20\""),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"HOST_IA32_PAT\", \"written\": false"), "%s", j.out);
	cr_expect(strstr(s.out, "\"ruleId\": \"HV-REFUSED\""), "%s", s.out);
	cr_expect(strstr(s.out, "\"ruleId\": \"HV-ADJUSTED\""), "%s", s.out);
	v = run_argv(s.out, (const char *[]){"python3", "tests/validate-json.py",
	                                     "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 0, "%s%s", v.out, v.err);
	cli_result_free(&v);
	cli_result_free(&j);
	cli_result_free(&s);
}

Test(hypervisors, matrix_rows_show_the_adjusted_values)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"matrix", HV "kvm-selftests-ept.yaml", NULL});

	cr_expect(strstr(r.out, "\npenryn-xeon-x5482                            refused        the "
	                        "hypervisor refuses to run: it requires ENABLE_EPT "
	                        "(SECONDARY_VM_EXEC_CONTROL) [HV-REFUSED]\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nbochs-corei7_skylake_x                       success        VM "
	                        "entry succeeds (1 VMWRITE fail)\n    adjusted: PIN 0x16, PROC "
	                        "0x84006172, PROC2 0x2, EXIT 0x36fff, ENTRY 0x13ff, GUEST_CR0 "
	                        "0x80000031, GUEST_CR4 0x42220, HOST_CR0 0x80000031, HOST_CR4 "
	                        "0x42220\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-selftests-ept.yaml: enters on 252 processors, fails on 0, "
	                           "processor-dependent on 0, undecided on 0, refused on 13\n"),
	          "%s", r.out);
	cli_result_free(&r);
}

/* The adjusted VMCS really enters: a VMLAUNCH under Bochs agrees with every prediction. */
Test(hypervisors, probe_launches_the_adjusted_vmcs, .timeout = 120)
{
	struct cli_result r, p;

	if (!have_program("bochs"))
		cr_skip_test("bochs is not installed (scripts/deps.sh installs it)");
	r = run_cli(NULL,
	            (const char *[]){"probe", HV "kvm-unit-tests.yaml", HV "kvm-selftests.yaml",
	                             HV "kvm-selftests-ept.yaml", HV "simplevisor.yaml", NULL});
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "bochs-corei7_skylake_x: 4 agree, 0 disagree, 0 not compared"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "note: [HV-ADJUSTED] PIN_BASED_VM_EXEC_CONTROL adjusted for "
	                        "bochs-corei7_skylake_x"),
	          "%s", r.out);
	/* On Bochs's Penryn model (no EPT) the EPT selftest is refused, the others enter. */
	p = run_cli(NULL,
	            (const char *[]){"probe", "--emulator", "bochs:core2_penryn_t9600",
	                             HV "kvm-selftests-ept.yaml", HV "kvm-unit-tests.yaml", NULL});
	cr_expect_eq(p.status, 0, "%s%s", p.out, p.err);
	cr_expect(strstr(p.out, HV "kvm-selftests-ept.yaml:\n  predicted: refused [HV-REFUSED]\n  "
	                           "observed:  not run\n"),
	          "%s", p.out);
	cr_expect(strstr(p.out, "bochs-core2_penryn_t9600: 1 agree, 0 disagree, 0 not compared, 1 "
	                        "refused by the hypervisor"),
	          "%s", p.out);
	cli_result_free(&r);
	cli_result_free(&p);
}

Test(hypervisors, explain_knows_the_adjustment_ids)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"explain", "hv_refused", NULL});
	struct cli_result u = run_cli(NULL, (const char *[]){"explain", "HV-REFUSE", NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "HV-REFUSED\n  A control the hypervisor requires is allowed by the "
	                        "processor\n"),
	          "%s", r.out);
	cr_expect_eq(u.status, 2, "an id that is not one stays unknown: %s", u.out);
	cli_result_free(&r);
	cli_result_free(&u);
}
