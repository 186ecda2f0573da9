/*
 * test_capsdb_provenance.c -- per-leaf CPUID provenance and unknown bits in capsdb entries:
 * the loader's FILE:LINE:COLUMN errors for malformed provenance keys, an inferred leaf's
 * unknown (fused) bits answer TRI_UNKNOWN and make a check depending on one undecided, and
 * `caps show` prints where every MSR and CPUID leaf comes from.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsdb_dir.h"
#include "config.h"
#include "helpers.h"
#include "vmcs_ids.h"

/* A minimal entry; %s is spliced in after the msrs. */
static const char entry_head[] = "name: t\n"
                                 "kind: real\n"
                                 "vendor: GenuineIntel\n"
                                 "codename: \"T\"\n"
                                 "completeness: partial\n"
                                 "confidence: \"high\"\n"
                                 "source:\n"
                                 "  kind: published-log\n"
                                 "  description: \"d\"\n"
                                 "  links:\n"
                                 "    - \"https://example.invalid/a\"\n"
                                 "    - \"https://example.invalid/b\"\n"
                                 "msrs:\n"
                                 "  IA32_VMX_BASIC: 0x00da040000000012\n";

static bool load_tail(const char *tail, struct vmx_caps *c, struct caps_meta *m,
                      struct load_diags *d)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", entry_head, tail);
	memset(d, 0, sizeof(*d));
	return caps_load_text("t.yaml", text, strlen(text), c, m, d);
}

/* Arrays, not pointers: Criterion runs each parameter in a new process. */
struct bad_case {
	char tail[600];
	char message[300]; /* "LINE:COL: text" of the first error */
};

static const struct bad_case bad_cases[] = {
    /* 15: cpuid-sources, 16: first item */
    {"cpuid-sources:\n  - description: \"no link\"\n",
     "16:5: a cpuid-sources item needs a 'link' to the dump its values come from"},
    {"cpuid-sources:\n  - link: \"l\"\n    inferred-from: \"x\"\n",
     "16:5: a cpuid-sources item with 'inferred-from' needs a 'reason', and 'reason' only goes "
     "with 'inferred-from'"},
    {"cpuid-sources:\n  - link: \"l\"\n    inferred_from: \"x\"\n",
     "17:5: unknown key 'inferred_from' in a cpuid-sources item; did you mean "
     "'inferred-from'?"},
    {"cpuid-sources: \"l\"\n", "15:16: cpuid-sources: expected a list of mappings"},
    {"cpuid-sources:\n  - link: \"l\"\ncpuid:\n  \"0x1\": {eax: 0x000306c3, src: 2}\n",
     "18:33: src: 2 is no item of cpuid-sources (1 item)"},
    {"cpuid:\n  \"0x1\": {eax: 0x000306c3, src: 1}\n",
     "16:33: src: 1 is no item of cpuid-sources (0 items)"},
    {"cpuid:\n  \"0x7.0\": {ebx: 0x000027ab, ebx-unknown: 0x00000003}\n",
     "16:18: ebx = 0x000027ab sets bit(s) 0x00000003 that ebx-unknown says are unknown "
     "(write unknown bits as 0)"},
    {"cpuid:\n  \"0x7.0\": {ebx: 0x000027ab, ecx-unknown: 0x4}\n",
     "16:43: ecx-unknown without ecx: give the known bits of ecx"},
    {"cpuid:\n  \"0x7.0\": {ebx: 0x1, ebx_unknown: 0x4}\n",
     "16:23: unknown key 'ebx_unknown' in a cpuid leaf; did you mean 'ebx-unknown'?"},
    {"msr-sources:\n  IA32_VMX_BASIC: [1, 3]\n",
     "16:23: msr-sources: IA32_VMX_BASIC: 3 is no item of source.links (2 items)"},
    {"msr-sources:\n  IA32_VMX_BASC: [1]\n",
     "16:3: msr-sources: 'IA32_VMX_BASC' is no VMX capability MSR name"},
    {"msr-sources:\n  IA32_VMX_BASIC: 1\n",
     "16:19: msr-sources: IA32_VMX_BASIC: expected a list of source.links item numbers"},
    {"maxphyaddr: 36\ncpuid:\n  \"0x80000008\": {eax: 0x00003027}\n",
     "15:13: maxphyaddr 36 disagrees with CPUID.80000008H:EAX[7:0] = 39"},
    /* msr-inferred: 15, first item 16 */
    {"msr-inferred:\n  - msrs: [IA32_VMX_TRUE_PINBASED_CTLS]\n    inferred-from: \"x\"\n"
     "    link: \"l\"\n    reason: \"r\"\n",
     "16:12: msr-inferred: IA32_VMX_TRUE_PINBASED_CTLS has no value in msrs (only a value can "
     "be inferred)"},
    {"msr-inferred:\n  - msrs: [IA32_VMX_BASC]\n    inferred-from: \"x\"\n    link: \"l\"\n"
     "    reason: \"r\"\n",
     "16:12: msr-inferred: 'IA32_VMX_BASC' is no VMX capability MSR name"},
    {"msr-sources:\n  IA32_VMX_BASIC: [1]\nmsr-inferred:\n  - msrs: [IA32_VMX_BASIC]\n"
     "    inferred-from: \"x\"\n    link: \"l\"\n    reason: \"r\"\n",
     "18:12: msr-inferred: IA32_VMX_BASIC has msr-sources items: a dump of this processor "
     "gives it, so it is not inferred"},
    {"msr-inferred:\n  - msrs: [IA32_VMX_BASIC]\n    inferred-from: \"x\"\n    link: \"l\"\n",
     "16:5: an msr-inferred item needs 'inferred-from', 'link' and 'reason': which "
     "processor's dump gave the values, and why"},
    {"msr-inferred:\n  - msrs: [IA32_VMX_BASIC, IA32_VMX_BASIC]\n    inferred-from: \"x\"\n"
     "    link: \"l\"\n    reason: \"r\"\n",
     "16:28: msr-inferred: IA32_VMX_BASIC listed twice"},
};

ParameterizedTestParameters(provenance, malformed_keys_are_rejected_at_their_position)
{
	return cr_make_param_array(struct bad_case, bad_cases,
	                           sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(const struct bad_case *bc, provenance,
                  malformed_keys_are_rejected_at_their_position)
{
	struct vmx_caps c;
	struct caps_meta m;
	struct load_diags d;
	char got[400];

	cr_expect_not(load_tail(bc->tail, &c, &m, &d), "accepted:\n%s", bc->tail);
	cr_assert(d.n_errors > 0);
	snprintf(got, sizeof(got), "%u:%u: %s", d.d[0].pos.line, d.d[0].pos.col, d.d[0].msg);
	cr_expect_str_eq(got, bc->message, "got \"%s\" for:\n%s", got, bc->tail);
	caps_meta_release(&m);
}

static const char inferred_tail[] =
    "cpuid-sources:\n"
    "  - link: \"https://example.invalid/own.log\"\n"
    "    description: \"own dump\"\n"
    "  - inferred-from: \"sibling\"\n"
    "    link: \"https://example.invalid/sibling.log\"\n"
    "    reason: \"test\"\n"
    "cpuid:\n"
    "  \"0x1\": {eax: 0x000306c3, ebx: 0x00100800, ecx: 0x7ffafbff, edx: 0xbfebfbff, src: 1}\n"
    "  \"0x7.0\": {eax: 0x00000000, ebx: 0x000027ab, ecx: 0x00000000, edx: 0x00000000, "
    "ebx-unknown: 0x00000804, src: 2}\n";

Test(provenance, an_inferred_leaf_answers_unknown_for_its_unknown_bits)
{
	struct vmx_caps c;
	struct caps_meta m;
	struct load_diags d;
	const struct vmx_cpuid_leaf *l;

	cr_assert(load_tail(inferred_tail, &c, &m, &d), "%s", d.n ? d.d[0].msg : "");
	l = vmx_caps_cpuid(&c, 7, 0);
	cr_assert(l);
	cr_expect_eq(l->src, 2);
	cr_expect(l->inferred);
	cr_expect_not(vmx_caps_cpuid(&c, 1, 0)->inferred);
	/* EBX bit 11 (RTM) and bit 2 (SGX) are unknown; bit 0 (FSGSBASE) is known 1, bit 4 known 0
	 */
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 11), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 2), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 0), TRI_YES);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 4), TRI_NO);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_ECX, 16), TRI_NO);
	/* code that reads the whole register sees a partial register as not known */
	cr_expect_eq(l->known & (1u << CPUID_EBX), 0);
	cr_expect_eq(m.n_cpuid_sources, 2);
	cr_expect_str_eq(m.cpuid_sources[1].inferred_from, "sibling");
	caps_meta_release(&m);
}

Test(provenance, set_cpuid_partial_keeps_the_three_states_apart)
{
	struct vmx_caps c;

	memset(&c, 0, sizeof(c));
	cr_assert(vmx_caps_set_cpuid_partial(&c, 7, 0, CPUID_EBX, 0xffffffffu, 0x800));
	cr_expect_eq(c.cpuid[0].reg[CPUID_EBX], 0xfffff7ffu, "unknown bits are stored as 0");
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 11), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 10), TRI_YES);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EAX, 0), TRI_UNKNOWN,
	             "not given");
	cr_assert(vmx_caps_set_cpuid(&c, 7, 0, CPUID_EBX, 0x800));
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 11), TRI_YES);
	cr_expect_eq(c.cpuid[0].partial, 0);
	cr_assert(vmx_caps_set_cpuid_partial(&c, 7, 0, CPUID_EBX, 0x800, 0xffffffffu));
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 11), TRI_UNKNOWN,
	             "forgotten");
}

/* A capsdb directory with one entry whose leaf 7 is inferred with RTM (EBX[11]) unknown. */
static char tmpdir[64];

static void write_entry(const char *tail)
{
	char path[128];
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vmcslint-prov-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.yaml", tmpdir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%s%s", entry_head, tail);
	fclose(f);
}

static void remove_entry(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/t.yaml", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

Test(provenance, caps_show_prints_the_provenance_of_msrs_and_leaves)
{
	struct cli_result r;

	char tail[2048];

	snprintf(tail, sizeof(tail), "%s%s",
	         "  IA32_VMX_PINBASED_CTLS: unknown\n"
	         "msr-sources:\n"
	         "  IA32_VMX_BASIC: [1, 2]\n",
	         inferred_tail);
	write_entry(tail);
	r = run_cli(NULL, (const char *[]){"caps", "--capsdb", tmpdir, "show", "t", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "  [2] https://example.invalid/b\n"), "%s", r.out);
	cr_expect(
	    strstr(r.out, "IA32_VMX_BASIC                 0x00da040000000012  from [1] [2]\n"),
	    "%s", r.out);
	cr_expect(strstr(r.out,
	                 "IA32_VMX_PINBASED_CTLS         unknown             no source gives "
	                 "it\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "  [c1] https://example.invalid/own.log\n        own dump\n"), "%s",
	          r.out);
	cr_expect(strstr(r.out,
	                 "  [c2] INFERRED from sibling: https://example.invalid/sibling.log\n"
	                 "        reason: test\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "cpuid 0x00000001.0: eax=0x000306c3 ebx=0x00100800 ecx=0x7ffafbff "
	                        "edx=0xbfebfbff  [c1]\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "cpuid 0x00000007.0: eax=0x00000000 ebx=0x000027ab ecx=0x00000000 "
	                        "edx=0x00000000  [c2] inferred; unknown bits: ebx 0x00000804\n"),
	          "%s", r.out);
	cli_result_free(&r);

	r = run_cli(NULL, (const char *[]){"caps", "--capsdb", tmpdir, "show", "t", "--format",
	                                   "json", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"IA32_VMX_BASIC\": [1, 2]"), "%s", r.out);
	cr_expect(strstr(r.out,
	                 "\"ebx_unknown\": \"0x00000804\", \"ecx\": \"0x00000000\", \"edx\": "
	                 "\"0x00000000\", \"source\": 2, \"inferred\": true}"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\"inferred_from\": \"sibling\", \"reason\": \"test\""), "%s",
	          r.out);
	cli_result_free(&r);
	remove_entry();
}

/* Every inferred leaf of the database leaves the SKU-fused bits unknown (capsdb/FORMAT.md). */
Test(provenance, inferred_leaves_in_the_database_leave_fused_bits_unknown)
{
	static const struct {
		uint32_t leaf, sub;
		enum cpuid_reg reg;
		unsigned bit;
	} fused[] = {
	    {7, 0, CPUID_EBX, 2},  {7, 0, CPUID_EBX, 4},  {7, 0, CPUID_EBX, 11},
	    {7, 0, CPUID_EBX, 16}, {7, 0, CPUID_EBX, 25}, {7, 0, CPUID_EBX, 29},
	    {7, 0, CPUID_ECX, 9},  {7, 0, CPUID_ECX, 10}, {0xd, 0, CPUID_EAX, 5},
	};
	const char *const names[] = {"penryn-core-2-duo-p8600", "haswell-xeon-e3-1245-v3"};
	size_t n_inferred = 0;

	capsdb_set_dir("capsdb/cpus");
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct vmx_caps c;
		char err[256];

		cr_assert(capsdb_load(names[k], &c, NULL, err, sizeof(err), NULL), "%s", err);
		for (size_t i = 0; i < c.n_cpuid; i++) {
			const struct vmx_cpuid_leaf *l = &c.cpuid[i];

			if (!l->inferred)
				continue;
			n_inferred++;
			for (size_t f = 0; f < sizeof(fused) / sizeof(fused[0]); f++) {
				/* the stored leaf: 0DH.0 is no leaf a check reads */
				if (fused[f].leaf == l->leaf && fused[f].sub == l->subleaf)
					cr_expect(
					    ((l->partial >> fused[f].reg) & 1u) &&
					        ((l->unknown[fused[f].reg] >> fused[f].bit) & 1u),
					    "%s: leaf 0x%x.%u bit %u", names[k], l->leaf,
					    l->subleaf, fused[f].bit);
			}
		}
	}
	cr_expect_geq(n_inferred, 2, "the two entries have inferred leaves");
}

/* A check that needs a fused bit of an inferred leaf is undecided; known, it decides. */
Test(provenance, a_check_on_an_unknown_fused_bit_is_undecided)
{
	static const char *const ebx[] = {"ebx: 0x000027ab, ebx-unknown: 0x00000800", /* RTM ? */
	                                  "ebx: 0x00002fab",                          /* RTM 1 */
	                                  "ebx: 0x000027ab"};                         /* RTM 0 */
	static const char *const expect[] = {"undecided", "success", "entry_failure"};
	char path[] = "/tmp/vmcslint-rtm-XXXXXX.yaml";

	for (int i = 0; i < 3; i++) {
		struct cli_result r;
		char want[96];
		int fd = mkstemps(path, 5);
		FILE *f;

		cr_assert(fd >= 0);
		f = fdopen(fd, "w");
		fprintf(f,
		        "extends: %s/examples/valid-long-mode.yaml\n"
		        "caps: {extends: haswell-core-i7-4770, cpuid: {\"0x7.0\": {%s}}}\n"
		        "vmcs:\n  GUEST_PENDING_DBG_EXCEPTIONS: 0x11000\n",
		        getenv("PWD") ? getenv("PWD") : ".", ebx[i]);
		fclose(f);
		r = run_cli(NULL, (const char *[]){"check", "--format", "json", path, NULL});
		snprintf(want, sizeof(want), "\"outcome\": \"%s\"", expect[i]);
		cr_expect(strstr(r.out, want), "%s: %s %s", ebx[i], r.out, r.err);
		if (i == 0)
			cr_expect(strstr(r.out, "GUEST-PENDING-DBG-RTM-SUPPORT"), "%s", r.out);
		cli_result_free(&r);
		unlink(path);
		memcpy(path, "/tmp/vmcslint-rtm-XXXXXX.yaml", sizeof(path));
	}
}

/* An MSR of msr-inferred keeps its value and is marked as another processor's. */
Test(provenance, an_inferred_msr_is_marked_as_a_siblings)
{
	struct vmx_caps c;
	struct caps_meta m;
	struct load_diags d;
	const uint32_t bit = 1u << VMX_MSR_TRUE_PINBASED_CTLS;

	cr_assert(load_tail("  IA32_VMX_TRUE_PINBASED_CTLS: 0x0000007f00000016\n"
	                    "msr-inferred:\n"
	                    "  - msrs: [IA32_VMX_TRUE_PINBASED_CTLS]\n"
	                    "    inferred-from: \"sibling\"\n"
	                    "    link: \"https://example.invalid/sibling.log\"\n"
	                    "    reason: \"test\"\n",
	                    &c, &m, &d),
	          "%s", d.n ? d.d[0].msg : "");
	cr_expect_eq(c.msr_state[VMX_MSR_TRUE_PINBASED_CTLS], VMX_MSR_PRESENT);
	cr_expect_eq(c.msr[VMX_MSR_TRUE_PINBASED_CTLS], 0x0000007f00000016ull);
	cr_expect_eq(c.msr_inferred, bit);
	cr_expect_eq(vmx_caps_inferred(&c).msr, bit);
	cr_assert_eq(m.n_msr_inferred, 1);
	cr_expect_eq(m.msr_inferred[0].msrs, bit);
	cr_expect_str_eq(m.msr_inferred[0].inferred_from, "sibling");
	caps_meta_release(&m);
}

/*
 * A verdict names the values from a sibling's dump it rests on: those the checks up to the
 * deciding one's class read, no others.
 */
Test(provenance, a_verdict_names_the_sibling_values_it_rests_on)
{
	const uint32_t true_msrs = (1u << VMX_MSR_TRUE_PINBASED_CTLS) |
	                           (1u << VMX_MSR_TRUE_PROCBASED_CTLS) |
	                           (1u << VMX_MSR_TRUE_EXIT_CTLS) | (1u << VMX_MSR_TRUE_ENTRY_CTLS);
	struct vmcs_config cfg;
	struct load_diags d;
	struct vmx_caps caps;
	struct check_input in;
	struct check_report *rep = malloc(sizeof(*rep));
	char err[256];

	/* ivy-bridge-core-i7-3770: TRUE MSRs and CPUID 0DH.1 from siblings' dumps */
	capsdb_set_dir("capsdb/cpus");
	cr_assert(capsdb_load("ivy-bridge-core-i7-3770", &caps, NULL, err, sizeof(err), NULL), "%s",
	          err);
	cr_expect_eq(caps.msr_inferred, true_msrs);
	cr_expect_eq(vmx_caps_inferred(&caps).cpuid, 1u << CPUID_LEAF_D_1);
	memset(&d, 0, sizeof(d));
	cr_assert(config_load("tests/fixtures/rules/MSRLOAD-MSR-EXISTS.pass-xss.yaml", &cfg, &d,
	                      capsdb_resolver, NULL));
	in.vmcs = &cfg.vmcs;
	in.caps = &caps;
	in.env = &cfg.env;
	check_run(&in, rep);
	/* IA32_XSS does not exist without XSAVES (CPUID.(0DH,1):EAX[3], a sibling's value) */
	cr_expect_eq(rep->prediction.kind, OUTCOME_ENTRY_FAILURE);
	cr_expect_eq(rep->depends.msr & true_msrs, true_msrs);
	cr_expect(rep->depends.cpuid >> CPUID_LEAF_D_1 & 1u);
	/* a reserved pin-based control fails first: the MSR-load checks are never reached */
	cfg.vmcs.value[VMCS_PIN_BASED_VM_EXEC_CONTROL] |= 1u << 10;
	check_run(&in, rep);
	cr_expect_eq(rep->prediction.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_not(rep->depends.cpuid >> CPUID_LEAF_D_1 & 1u, "0DH.1 is read after the failure");
	cr_expect(rep->depends.msr >> VMX_MSR_TRUE_PINBASED_CTLS & 1u);
	config_release(&cfg);
	free(rep);
}

Test(provenance, check_and_matrix_say_which_values_come_from_a_siblings_dump)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--caps", "ivy-bridge-core-i7-3770",
	                                   "examples/valid-long-mode.yaml", NULL});

	cr_expect(strstr(r.out, "prediction: VM entry succeeds"), "%s", r.out);
	cr_expect(
	    strstr(r.out,
	           "examples/valid-long-mode.yaml: note: the prediction rests on values from a "
	           "sibling processor's dump (same family/model, `vmcslint caps show "
	           "ivy-bridge-core-i7-3770`): IA32_VMX_TRUE_PINBASED_CTLS, "
	           "IA32_VMX_TRUE_PROCBASED_CTLS, IA32_VMX_TRUE_EXIT_CTLS, "
	           "IA32_VMX_TRUE_ENTRY_CTLS\n"),
	    "%s", r.out);
	cli_result_free(&r);
	r = run_cli(
	    NULL, (const char *[]){"check", "--format", "json", "--caps", "ivy-bridge-core-i7-3770",
	                           "tests/fixtures/rules/MSRLOAD-MSR-EXISTS.pass-xss.yaml", NULL});
	cr_expect(strstr(r.out, "\"inferred_values\": [\"IA32_VMX_TRUE_PINBASED_CTLS\", "
	                        "\"IA32_VMX_TRUE_PROCBASED_CTLS\", \"IA32_VMX_TRUE_EXIT_CTLS\", "
	                        "\"IA32_VMX_TRUE_ENTRY_CTLS\", \"CPUID 0xd.1\"]"),
	          "%s", r.out);
	cli_result_free(&r);
	/* a processor whose own dump gives every value: no note */
	r = run_cli(NULL, (const char *[]){"check", "--caps", "ivy-bridge-core-i7-3770k",
	                                   "examples/valid-long-mode.yaml", NULL});
	cr_expect(strstr(r.out, "prediction: VM entry succeeds"), "%s", r.out);
	cr_expect_null(strstr(r.out, "sibling"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"matrix", "--kind", "real",
	                                   "examples/valid-long-mode.yaml", NULL});
	cr_expect(strstr(r.out,
	                 "ivy-bridge-core-i7-3770                      success        VM entry "
	                 "succeeds\n    rests on values from a sibling processor's dump: "
	                 "IA32_VMX_TRUE_PINBASED_CTLS"),
	          "%s", r.out);
	cr_expect_eq(count_substr(r.out, "rests on values from a sibling processor's dump"), 7,
	             "%s", r.out);
	cr_expect(strstr(r.out, "undecided on 0\n"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){
	                      "diagnose", "--caps", "ivy-bridge-core-i7-3770",
	                      "examples/dumps/real/01-kvm-qemu-proxmox-smm-sti-shadow.log", NULL});
	cr_expect(strstr(r.out,
	                 ":1: note: the diagnosis rests on values from a sibling processor's "
	                 "dump (same family/model, `vmcslint caps show "
	                 "ivy-bridge-core-i7-3770`): IA32_VMX_TRUE_PINBASED_CTLS"),
	          "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"caps", "show", "ivy-bridge-core-i7-3770", NULL});
	cr_expect(strstr(r.out, "  [m1] INFERRED from ivy-bridge-core-i5-3320m: https://"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "0x48e IA32_VMX_TRUE_PROCBASED_CTLS   0xfff9fffe04006172  INFERRED "
	                        "from ivy-bridge-core-i5-3320m [m1]\n"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(provenance, caps_list_and_matrix_say_what_complete_and_doubtful_mean)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"caps", "list", "--signature", "0x1067a", NULL});

	cr_expect(strstr(r.out, "MSRS     CPUID     CONF"), "%s", r.out);
	cr_expect(strstr(r.out,
	                 "penryn-core-2-duo-p8600                      real        06_17_A    "
	                 "complete inferred  medium-high Penryn\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nMSRS: complete = every VMX capability MSR"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"matrix", "--kind", "virtualized",
	                                   "examples/valid-long-mode.yaml", NULL});
	cr_expect(strstr(r.out, "virtualized-hyperv-l1-on-haswell-e-ep-xeon-e5-2673-v3"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "{virtualized}\n"), "%s", r.out);
	cli_result_free(&r);
}

/*
 * The entry without its inferred TRUE MSRs, in a capsdb of its own: whether CR3-load/-store
 * exiting may be 0 is unknown, and matrix says so under the row.
 */
Test(provenance, matrix_says_why_an_entry_is_undecided)
{
	char dir[] = "/tmp/vmcslint-capsdb-XXXXXX", path[128], *text, *line, *save = NULL;
	enum { HEAD, MSRS, REST, SKIP } at = HEAD;
	struct cli_result r;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ivy-bridge-without-true.yaml", dir);
	text = read_file("capsdb/cpus/ivy-bridge-core-i7-3770.yaml", NULL);
	cr_assert_not_null(text);
	f = fopen(path, "w");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "name: ", 6)) {
			fputs("name: ivy-bridge-without-true\n", f);
			continue;
		}
		if (!strcmp(line, "msrs:"))
			at = MSRS;
		else if (!strcmp(line, "msr-sources:"))
			at = REST;
		else if (!strcmp(line, "msr-inferred:"))
			at = SKIP;
		else if (!strncmp(line, "maxphyaddr:", 11))
			at = REST;
		if (at == SKIP)
			continue;
		if (at == MSRS && !strncmp(line, "  IA32_VMX_TRUE_", 16))
			fprintf(f, "%.*s unknown\n", (int)(strchr(line, ':') - line + 1), line);
		else
			fprintf(f, "%s\n", line);
	}
	fclose(f);
	free(text);
	r = run_cli(NULL, (const char *[]){"matrix", "--capsdb", dir,
	                                   "examples/valid-long-mode.yaml", NULL});
	cr_expect(strstr(r.out, "ivy-bridge-without-true                      undecided"), "%s %s",
	          r.out, r.err);
	cr_expect(strstr(r.out, "    because: cannot decide whether CPU_BASED_VM_EXEC_CONTROL = "
	                        "0x940061f2 may clear bit 15 (CR3_LOAD_EXITING)"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "undecided on 1\n"), "%s", r.out);
	cli_result_free(&r);
	unlink(path);
	rmdir(dir);
}
