/*
 * test_caps.c -- the capability database: every entry loads, allowed settings follow the SDM's
 * TRUE-MSR rule, the CLI decodes and compares entries, the built-in default is what runs use,
 * and harvest refuses what it cannot read.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsdb_dir.h"
#include "config.h"
#include "harvest.h"
#include "helpers.h"

/* One capsdb entry as loaded (ok: whether it loaded), for each_entry(). */
typedef void entry_fn(const char *path, const char *name, bool ok, const struct vmx_caps *caps,
                      const struct caps_meta *meta);

/* Calls fn on every entry of capsdb/cpus; returns how many there are. */
static size_t each_entry(entry_fn *fn)
{
	DIR *d = opendir("capsdb/cpus");
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512], name[256];
		struct vmx_caps caps;
		struct caps_meta meta;
		struct load_diags diags;
		size_t l = strlen(e->d_name);
		bool ok;

		if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "capsdb/cpus/%s", e->d_name);
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), e->d_name);
		memset(&diags, 0, sizeof(diags));
		ok = caps_load_file(path, &caps, &meta, &diags);
		cr_expect(ok, "%s: %s", path, diags.n ? diags.d[0].msg : "");
		fn(path, name, ok, &caps, &meta);
		if (ok)
			caps_meta_release(&meta);
		n++;
	}
	closedir(d);
	return n;
}

static void named_like_its_file(const char *path, const char *name, bool ok,
                                const struct vmx_caps *caps, const struct caps_meta *meta)
{
	(void)path;
	if (!ok)
		return;
	cr_expect_str_eq(caps->name, name);
	cr_expect_eq(caps->msr_state[VMX_MSR_BASIC], VMX_MSR_PRESENT, "%s", name);
	cr_expect(meta->kind && meta->source_kind && meta->completeness, "%s", name);
}

Test(caps, every_entry_loads_and_is_named_like_its_file)
{
	size_t n = each_entry(named_like_its_file);

	cr_expect_geq(n, 250, "only %zu entries", n);
}

static void fixes_pe_ne_pg_vmxe(const char *path, const char *name, bool ok,
                                const struct vmx_caps *caps, const struct caps_meta *meta)
{
	uint64_t cr0, cr4;

	(void)name;
	(void)meta;
	if (!ok)
		return;
	cr_expect(vmx_caps_msr_bits(caps, VMX_MSR_CR0_FIXED0, 0x80000021ull, &cr0) &&
	              cr0 == 0x80000021ull,
	          "%s: IA32_VMX_CR0_FIXED0 does not fix PE, NE and PG", path);
	cr_expect(vmx_caps_msr_bits(caps, VMX_MSR_CR4_FIXED0, 0x2000ull, &cr4) && cr4 == 0x2000ull,
	          "%s: IA32_VMX_CR4_FIXED0 does not fix VMXE", path);
}

/*
 * diagnose's architectural evidence (diagnose/evidence.c arch_items()) rests on this: every
 * processor fixes CR0.PE, NE, PG and CR4.VMXE to 1 in VMX operation.
 */
Test(caps, every_entry_fixes_pe_ne_pg_and_vmxe)
{
	cr_expect_geq(each_entry(fixes_pe_ne_pg_vmxe), 250);
}

static struct vmx_caps load(const char *name)
{
	struct vmx_caps c;
	char err[256];

	capsdb_set_dir("capsdb/cpus");
	cr_assert(capsdb_load(name, &c, NULL, err, sizeof(err), NULL), "%s", err);
	return c;
}

Test(caps, allowed_settings_use_the_true_msrs_when_basic_bit_55_is_set)
{
	struct vmx_caps c = load("bochs-corei7_skylake_x");
	struct vmx_allowed a = vmx_caps_allowed(&c, VMX_CTL_PROC);

	cr_expect(a.known);
	cr_expect_eq(a.msr, VMX_MSR_TRUE_PROCBASED_CTLS);
	cr_expect_eq(a.must_be_1, 0x04006172u, "CR3-load/store exiting may be 0");
	/* Without bit 55 the default1 bits of the plain MSR are required. */
	c.msr[VMX_MSR_BASIC] &= ~(1ull << 55);
	a = vmx_caps_allowed(&c, VMX_CTL_PROC);
	cr_expect_eq(a.msr, VMX_MSR_PROCBASED_CTLS);
	cr_expect_eq(a.must_be_1, 0x0401e172u);
	/* Secondary controls: allowed only when "activate secondary controls" may be 1. */
	a = vmx_caps_allowed(&c, VMX_CTL_PROC2);
	cr_expect_eq(a.may_be_1, 0x02177fffu);
	c.msr[VMX_MSR_PROCBASED_CTLS] &= ~(1ull << 63);
	a = vmx_caps_allowed(&c, VMX_CTL_PROC2);
	cr_expect(a.known);
	cr_expect_eq(a.may_be_1, 0);
	/*
	 * TRUE MSR unknown: the ordinary MSR still gives the allowed-1 settings and the
	 * required bits outside the default1 class; its default1 bits are neither required
	 * nor free, but unknown.
	 */
	c.msr_state[VMX_MSR_TRUE_ENTRY_CTLS] = VMX_MSR_UNKNOWN;
	c.msr[VMX_MSR_BASIC] |= 1ull << 55;
	a = vmx_caps_allowed(&c, VMX_CTL_ENTRY);
	cr_expect(a.known);
	cr_expect_eq(a.msr, VMX_MSR_ENTRY_CTLS);
	cr_expect_eq(a.may_be_1, 0xffffu);
	cr_expect_eq(a.must_be_1, 0);
	cr_expect_eq(a.must_unknown, 0x11ffu);
	/* Both unknown: unknown settings, never a guess. */
	c.msr_state[VMX_MSR_ENTRY_CTLS] = VMX_MSR_UNKNOWN;
	cr_expect_not(vmx_caps_allowed(&c, VMX_CTL_ENTRY).known);
	/* A TRUE MSR with a value decides even when IA32_VMX_BASIC is unknown. */
	c.msr_state[VMX_MSR_BASIC] = VMX_MSR_UNKNOWN;
	c.msr_state[VMX_MSR_TRUE_ENTRY_CTLS] = VMX_MSR_PRESENT;
	a = vmx_caps_allowed(&c, VMX_CTL_ENTRY);
	cr_expect(a.known);
	cr_expect_eq(a.msr, VMX_MSR_TRUE_ENTRY_CTLS);
	cr_expect_eq(a.must_unknown, 0);
}

Test(caps, cpuid_leaves_beyond_the_maximum_enumerate_nothing)
{
	struct vmx_caps c;
	uint32_t v = 1;

	memset(&c, 0, sizeof(c));
	/* Nothing known: unknown, never a guess. */
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_1, CPUID_EAX, 26), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_80000001, CPUID_EDX, 20), TRI_UNKNOWN);
	/* Leaf 07H reports no sub-leaf 1: LAM (07H.1:EAX[26]) is absent. */
	vmx_caps_set_cpuid(&c, 7, 0, CPUID_EAX, 0);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_1, CPUID_EAX, 26), TRI_NO);
	cr_expect(vmx_caps_cpuid_reg(&c, CPUID_LEAF_7_1, CPUID_EAX, &v));
	cr_expect_eq(v, 0);
	/* It reports sub-leaf 1 but the entry does not give it: unknown. */
	vmx_caps_set_cpuid(&c, 7, 0, CPUID_EAX, 1);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_1, CPUID_EAX, 26), TRI_UNKNOWN);
	/* Basic leaves above CPUID.0:EAX: leaf 0AH (no architectural perfmon) reads as 0. */
	vmx_caps_set_cpuid(&c, 0, 0, CPUID_EAX, 0x7);
	cr_expect(vmx_caps_cpuid_reg(&c, CPUID_LEAF_A, CPUID_EAX, &v));
	cr_expect_eq(v, 0);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_14_0, CPUID_EBX, 0), TRI_NO);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_7_0, CPUID_EBX, 0), TRI_UNKNOWN, "7 <= max");
	/* Extended leaves above CPUID.80000000H:EAX. */
	vmx_caps_set_cpuid(&c, 0x80000000u, 0, CPUID_EAX, 0x80000000u);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_80000001, CPUID_EDX, 20), TRI_NO);
	/* A leaf the entry gives is used as given. */
	vmx_caps_set_cpuid(&c, 0x80000001u, 0, CPUID_EDX, 1u << 20);
	cr_expect_eq(vmx_caps_cpuid_bit(&c, CPUID_LEAF_80000001, CPUID_EDX, 20), TRI_YES);
}

Test(caps, field_existence_follows_the_introducing_control)
{
	struct vmx_caps sky = load("bochs-corei7_skylake_x");
	struct vmx_caps tgl = load("bochs-tigerlake");
	const struct vmcs_field_info *vpid = vmcs_field_by_name("VIRTUAL_PROCESSOR_ID", 20, NULL);
	const struct vmcs_field_info *pid = vmcs_field_by_name("POSTED_INTR_DESC_ADDR", 21, NULL);
	const struct vmcs_field_info *scet = vmcs_field_by_name("GUEST_S_CET", 11, NULL);

	cr_expect_eq(vmx_caps_field_exists(&sky, vpid), TRI_YES);
	cr_expect_eq(vmx_caps_field_exists(&sky, pid), TRI_NO);
	cr_expect_eq(vmx_caps_field_exists(&sky, scet), TRI_NO);
	cr_expect_eq(vmx_caps_field_exists(&tgl, scet), TRI_YES, "tigerlake loads CET state");
}

Test(caps, decode_shows_unrestricted_guest_and_true_msrs)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"caps", "decode", "bochs-corei7_skylake_x", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "UNRESTRICTED_GUEST                           0 or 1"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "TRUE capability MSRs are reported (bit 55)"), "%s", r.out);
	cr_expect(strstr(r.out, "IA32_VMX_TRUE_PROCBASED_CTLS = 0xf7f9fffe04006172"), "%s", r.out);
	cr_expect(strstr(r.out, "[default 1; may be 0 per IA32_VMX_TRUE_PROCBASED_CTLS]"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "PROCESS_POSTED_INTERRUPTS                    must be 0"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "MAXPHYADDR: 40 bits"), "%s", r.out);
	cli_result_free(&r);
}

Test(caps, diff_lists_differences_by_name)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"caps", "diff", "bochs-corei7_skylake_x",
	                                   "bochs-tigerlake", NULL});

	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "VM-entry controls LOAD_CET_STATE (bit 20): must be 0 -> 0 or 1"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "IA32_VMX_BASIC: 0x00d810000000002b -> 0x01d8100000000004"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "differences"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL,
	            (const char *[]){"caps", "diff", "bochs-tigerlake", "bochs-tigerlake", NULL});
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "0 differences"), "%s", r.out);
	cli_result_free(&r);
}

Test(caps, list_filters_by_codename_and_signature)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"caps", "list", "--signature", "0x506e3", NULL});

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "skylake-s-h-core-i7-6700 "), "%s", r.out);
	cr_expect_null(strstr(r.out, "tiger"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"caps", "list", "--codename", "tiger lake", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "tiger-lake-u-core-i5-1135g7"), "%s", r.out);
	cr_expect_null(strstr(r.out, "skylake"), "%s", r.out);
	cli_result_free(&r);
}

Test(caps, the_builtin_default_is_what_a_run_reports)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--capsdb", "/nonexistent",
	                                   "examples/valid-long-mode.yaml", NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "(caps bochs-corei7_skylake_x;"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"caps", "--capsdb", "/nonexistent", "show",
	                                   "bochs-corei7_skylake_x", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "IA32_VMX_BASIC                 0x00d810000000002b"), "%s", r.out);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"caps", "--capsdb", "/nonexistent", "show",
	                                   "bochs-tigerlake", NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no capsdb entry named 'bochs-tigerlake'"), "%s", r.err);
	cli_result_free(&r);
}

/* A fake processor for harvest: vendor, CPUID.1:ECX, MSR availability and values. */
struct fake_cpu {
	char vendor[13];
	uint32_t leaf1_ecx;
	uint64_t feature_control;
	bool msrs_fault;
};

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	const struct fake_cpu *f = ctx;

	(void)sub;
	memset(r, 0, 4 * sizeof(uint32_t));
	if (leaf == 0) {
		memcpy(&r[1], f->vendor, 4);
		memcpy(&r[3], f->vendor + 4, 4);
		memcpy(&r[2], f->vendor + 8, 4);
	} else if (leaf == 1) {
		r[0] = 0x000806c1;
		r[2] = f->leaf1_ecx;
	} else if (leaf == 0x80000000) {
		r[0] = 0x80000008;
	} else if (leaf == 0x80000008) {
		r[0] = 0x3027;
	}
}

static int fake_rdmsr(void *ctx, uint32_t index, uint64_t *v)
{
	const struct fake_cpu *f = ctx;

	if (index == 0x3a) {
		*v = f->feature_control;
		return 0;
	}
	if (f->msrs_fault || index >= 0x492)
		return -1;
	*v = index == 0x480 ? 0x00da040000000004ull : 0x0000007f00000016ull;
	return 0;
}

static bool harvest(struct fake_cpu *cpu, const char *unavailable, char *err, char *out,
                    size_t outlen)
{
	struct harvest_source s = {fake_cpuid, fake_rdmsr, unavailable, "fake", cpu};
	FILE *f = fmemopen(out, outlen, "w");
	bool ok = harvest_entry(&s, "fake-cpu", f, err, 256);

	fclose(f);
	return ok;
}

Test(caps, harvest_refuses_what_it_cannot_read)
{
	struct fake_cpu amd = {"AuthenticAMD", 0, 0, false};
	struct fake_cpu novmx = {"GenuineIntel", 0, 0, false};
	struct fake_cpu locked_off = {"GenuineIntel", 1u << 5, 1, false};
	struct fake_cpu fault = {"GenuineIntel", 1u << 5, 5, true};
	char err[256], out[8192];

	out[0] = '\0';
	cr_expect_not(harvest(&amd, NULL, err, out, sizeof(out)));
	cr_expect(strstr(err, "AuthenticAMD, not GenuineIntel"), "%s", err);
	cr_expect_eq(out[0], '\0', "a refusal prints nothing");
	cr_expect_not(harvest(&novmx, NULL, err, out, sizeof(out)));
	cr_expect(strstr(err, "CPUID.1:ECX.VMX[bit 5] is 0"), "%s", err);
	cr_expect_not(harvest(&locked_off, NULL, err, out, sizeof(out)));
	cr_expect(strstr(err, "locked with VMX outside SMX disabled"), "%s", err);
	cr_expect_not(harvest(&fault, "no msr driver", err, out, sizeof(out)));
	cr_expect(strstr(err, "cannot read MSRs: no msr driver"), "%s", err);
	cr_expect_not(harvest(&fault, NULL, err, out, sizeof(out)));
	cr_expect(strstr(err, "RDMSR IA32_VMX_BASIC (0x480) failed"), "%s", err);
}

Test(caps, harvest_prints_an_entry_that_loads)
{
	struct fake_cpu intel = {"GenuineIntel", 1u << 5, 5, false};
	char err[256], out[8192];
	struct vmx_caps c;
	struct caps_meta m;
	struct load_diags d;

	cr_assert(harvest(&intel, NULL, err, out, sizeof(out)), "%s", err);
	memset(&d, 0, sizeof(d));
	cr_assert(caps_load_text("harvested", out, strlen(out), &c, &m, &d), "%s\n%s",
	          d.n ? d.d[0].msg : "", out);
	cr_expect_str_eq(c.name, "fake-cpu");
	cr_expect_eq(c.msr[VMX_MSR_BASIC], 0x00da040000000004ull);
	cr_expect_eq(c.msr_state[VMX_MSR_PROCBASED_CTLS3], VMX_MSR_ABSENT);
	cr_expect_eq(c.maxphyaddr, 39);
	cr_expect_eq(m.family, 6);
	cr_expect_eq(m.model, 0x8c);
	caps_meta_release(&m);
}

Test(caps, harvest_on_this_machine_answers_clearly)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"caps", "harvest", NULL});

	/* Either a real entry (an Intel host with the msr driver, as root) or a clear refusal. */
	if (r.status == 0)
		cr_expect(strstr(r.out, "msrs:\n  IA32_VMX_BASIC: 0x"), "%s", r.out);
	else
		cr_expect(r.status == 2 && strstr(r.err, "vmcslint: error: caps harvest: "),
		          "%d %s", r.status, r.err);
	cli_result_free(&r);
}

/* The index of a rule by id, for reading a report's per-rule results. */
static size_t rule_idx(const char *id)
{
	for (size_t i = 0; i < check_rule_count(); i++)
		if (strcmp(check_rule_at(i)->id, id) == 0)
			return i;
	cr_assert_fail("no rule %s", id);
	return 0;
}

Test(caps, partly_known_msrs_decide_what_their_known_bits_decide)
{
	struct vmx_caps c;
	struct vmx_allowed a;
	struct vmcs_config cfg;
	struct load_diags d;
	struct check_report *rep = malloc(sizeof(*rep));
	struct check_input in;
	const struct vmcs_field_info *nv = vmcs_field_by_name("POSTED_INTR_NV", 14, NULL);
	size_t gs = rule_idx("HOST-GS-BASE-CANONICAL"), fixed1 = rule_idx("HOST-CR4-FIXED1");
	size_t fixed0 = rule_idx("HOST-CR4-FIXED0");

	cr_assert_not_null(rep);
	memset(&c, 0, sizeof(c));
	/* Nothing known: nothing decided. */
	a = vmx_caps_allowed(&c, VMX_CTL_PIN);
	cr_expect_not(a.known);
	cr_expect_eq(vmx_caps_field_exists(&c, nv), TRI_UNKNOWN);
	/* A log shows "process posted interrupts" set on a processor that entered the guest. */
	vmx_caps_learn_msr(&c, VMX_MSR_TRUE_PINBASED_CTLS, 1ull << (32 + 7), 1ull << (32 + 7));
	a = vmx_caps_allowed(&c, VMX_CTL_PIN);
	cr_expect(a.known);
	cr_expect_eq(vmx_allowed_may_be_1(&a, 7), TRI_YES);
	cr_expect_eq(vmx_allowed_may_be_1(&a, 6), TRI_UNKNOWN);
	cr_expect_eq(vmx_caps_field_exists(&c, nv), TRI_YES);
	cr_expect_eq(vmx_caps_msr_bit(&c, VMX_MSR_TRUE_PINBASED_CTLS, 38), TRI_UNKNOWN);

	/* The host runs with CR4.PAE, VMXE and LA57: IA32_VMX_CR4_FIXED1 allows them. */
	memset(&d, 0, sizeof(d));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(config_load("examples/valid-long-mode.yaml", &cfg, &d, capsdb_resolver, NULL));
	cfg.vmcs.value[vmcs_field_index(vmcs_field_by_name("HOST_GS_BASE", 12, NULL))] =
	    0xff11000000000000ull; /* canonical with 57-bit linear addresses only */
	in.vmcs = &cfg.vmcs;
	in.caps = &c;
	in.env = &cfg.env;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, gs), RULE_UNDECIDED,
	             "5-level paging support unknown");
	cr_expect_eq(check_report_result(rep, fixed1), RULE_UNDECIDED);
	vmx_caps_learn_msr(&c, VMX_MSR_CR4_FIXED1, 0x3020, 0x3020);
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, gs), RULE_PASS,
	             "CR4.LA57 allowed: 57-bit linear addresses");
	cr_expect_eq(check_report_result(rep, fixed1), RULE_PASS,
	             "every bit HOST_CR4 sets is allowed");
	cr_expect_eq(check_report_result(rep, fixed0), RULE_UNDECIDED,
	             "which bits FIXED0 requires is unknown");
	/* Known clear bits of FIXED0: every bit HOST_CR4 clears may be 0. */
	vmx_caps_learn_msr(&c, VMX_MSR_CR4_FIXED0, ~0x2020ull, 0);
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, fixed0), RULE_PASS);
	/* A bit known to be fixed to 0 fails, decided, whatever else is unknown. */
	vmx_caps_learn_msr(&c, VMX_MSR_CR4_FIXED1, 1ull << 22, 0);
	cfg.vmcs.value[vmcs_field_index(vmcs_field_by_name("HOST_CR4", 8, NULL))] |= 1ull << 22;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, fixed1), RULE_FAIL);
	config_release(&cfg);
	free(rep);
}

/* The entries that allow "use TSC scaling" while IA32_VMX_VMCS_ENUM reports a lower index. */
static size_t tsc_multiplier_beyond_enum;

static void count_tsc_multiplier_beyond_enum(const char *path, const char *name, bool ok,
                                             const struct vmx_caps *caps,
                                             const struct caps_meta *meta)
{
	const struct vmcs_field_info *f = vmcs_field_by_name("TSC_MULTIPLIER", 14, NULL);
	uint64_t e;

	(void)path;
	(void)name;
	(void)meta;
	if (ok && vmx_caps_msr_bits(caps, VMX_MSR_VMCS_ENUM, 0x3feull, &e) &&
	    ((f->encoding >> 1) & 0x1ff) > (e >> 1) && vmx_caps_field_exists(caps, f) == TRI_YES)
		tsc_multiplier_beyond_enum++;
}

/*
 * SDM A.9 says IA32_VMX_VMCS_ENUM bits 9:1 give the highest index any VMCS encoding uses, but
 * real processors have fields beyond it (the TSC multiplier, index 25, where VMCS_ENUM says 23
 * and "use TSC scaling" is allowed): VMCS_ENUM rules no field out.
 */
Test(caps, vmcs_enum_does_not_rule_out_a_field)
{
	struct vmx_caps c = load("bochs-corei7_skylake_x");
	const struct vmcs_field_info *hlatp = vmcs_field_by_name("HLATP", 5, NULL);

	cr_assert_not_null(hlatp);
	cr_expect_geq(each_entry(count_tsc_multiplier_beyond_enum), 250);
	cr_expect_eq(tsc_multiplier_beyond_enum, 97, "%zu", tsc_multiplier_beyond_enum);
	/* The tertiary controls unknown: HLATP's existence stays open whatever VMCS_ENUM says. */
	c.msr_state[VMX_MSR_PROCBASED_CTLS3] = VMX_MSR_UNKNOWN;
	c.msr[VMX_MSR_PROCBASED_CTLS] |= 1ull << (32 + 17);
	c.msr[VMX_MSR_TRUE_PROCBASED_CTLS] |= 1ull << (32 + 17);
	c.msr_state[VMX_MSR_VMCS_ENUM] = VMX_MSR_PRESENT;
	c.msr[VMX_MSR_VMCS_ENUM] = 0x2e; /* highest index 0x17 */
	cr_expect(((hlatp->encoding >> 1) & 0x1ff) > 0x17, "HLATP 0x%x", hlatp->encoding);
	cr_expect_eq(vmx_caps_field_exists(&c, hlatp), TRI_UNKNOWN);
}

/*
 * No capability MSR reports the SEAM guest KeyID (0x4026): on a processor whose MSRs are all
 * known its existence stays unknown, whatever IA32_VMX_VMCS_ENUM says, and a VMWRITE of it
 * may fail.
 */
Test(caps, a_field_no_capability_reports_stays_unknown)
{
	struct vmx_caps c = load("bochs-corei7_skylake_x");
	const struct vmcs_field_info *keyid = vmcs_field_by_encoding(0x4026, NULL);
	char path[] = "/tmp/vmcslint-keyid-XXXXXX.yaml";
	char cwd[512], text[1024];
	struct cli_result r;
	int fd;

	cr_assert_not_null(keyid);
	cr_expect_str_eq(keyid->name, "GUEST_KEYID");
	cr_expect_eq(vmx_caps_field_exists(&c, keyid), TRI_UNKNOWN);
	c.msr[VMX_MSR_VMCS_ENUM] = 0x24; /* highest index 18, below the field's 19 */
	cr_expect_eq(vmx_caps_field_exists(&c, keyid), TRI_UNKNOWN);

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0);
	snprintf(text, sizeof(text),
	         "extends: %s/examples/valid-long-mode.yaml\nvmcs:\n  HKID: 5\n", cwd);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	r = run_cli(NULL, (const char *[]){"check", path, NULL});
	/* The VMWRITE fails or not by itself; nothing the entry checks reads the field. */
	cr_expect_eq(r.status, 0, "%s %s", r.out, r.err);
	cr_expect(strstr(r.out, "VMWRITE of GUEST_KEYID (0x4026) may fail: whether the field "
	                        "exists on this processor is unknown"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "prediction: VM entry succeeds (caps bochs-corei7_skylake_x; 0 "
	                        "failed, 1 undecided"),
	          "%s", r.out);
	cli_result_free(&r);
	unlink(path);
}
