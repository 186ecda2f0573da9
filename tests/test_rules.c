/*
 * test_rules.c -- every check tested both ways: its pass fixtures must make it pass (not
 * merely not apply) and its fail fixtures must make it fail with its outcome; every check has
 * both; every example is predicted as its `# expect:` line says.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "expect.h"
#include "vmcs_ids.h"

#define FIXTURES "tests/fixtures/rules"

static size_t glob_count(const char *pattern, glob_t *g)
{
	memset(g, 0, sizeof(*g));
	if (glob(pattern, 0, NULL, g) != 0)
		return 0;
	return g->gl_pathc;
}

Test(rules, every_rule_has_pass_and_fail_fixtures)
{
	size_t missing = 0;

	for (size_t i = 0; i < check_rule_count(); i++) {
		const char *id = check_rule_at(i)->id;
		char pat[256];
		glob_t g;
		size_t pass, fail;

		snprintf(pat, sizeof(pat), FIXTURES "/%s.pass*.yaml", id);
		pass = glob_count(pat, &g);
		globfree(&g);
		snprintf(pat, sizeof(pat), FIXTURES "/%s.fail*.yaml", id);
		fail = glob_count(pat, &g);
		globfree(&g);
		/* A rule that can only pass or be undecided (an MSR the checker does not model)
		 * is tested both ways with an .undecided fixture, an implementation-specific one
		 * with a .mayfail fixture. */
		snprintf(pat, sizeof(pat), FIXTURES "/%s.undecided*.yaml", id);
		fail += glob_count(pat, &g);
		globfree(&g);
		snprintf(pat, sizeof(pat), FIXTURES "/%s.mayfail*.yaml", id);
		fail += glob_count(pat, &g);
		globfree(&g);
		cr_expect(pass > 0, "%s has no pass fixture", id);
		cr_expect(fail > 0, "%s has no fail fixture", id);
		missing += !pass + !fail;
	}
	cr_expect_eq(missing, 0, "%zu fixtures missing", missing);
}

Test(rules, ids_are_unique_and_fields_exist)
{
	for (size_t i = 0; i < check_rule_count(); i++) {
		const struct check_rule *r = check_rule_at(i);
		const char *f = r->fields;

		cr_expect_eq(check_rule_by_id(r->id, strlen(r->id)), check_rule_at(i), "%s twice",
		             r->id);
		cr_expect(r->summary[0] && r->sdm_section[0] && r->sdm_title[0], "%s", r->id);
		while (*f) {
			size_t n = strcspn(f, ",");

			cr_expect_not_null(vmcs_field_by_name(f, n, NULL), "%s names field '%.*s'",
			                   r->id, (int)n, f);
			f += n;
			if (*f == ',')
				f++;
		}
	}
}

enum fixture_kind { FIX_PASS, FIX_FAIL, FIX_UNDECIDED, FIX_MAYFAIL };

static void run_fixture(const char *path, const struct check_rule *r, size_t idx,
                        enum fixture_kind kind)
{
	struct vmcs_config cfg;
	struct load_diags diags;
	struct check_report *rep = malloc(sizeof(*rep));
	struct expectation e;
	char why[256];

	cr_assert_not_null(rep);
	if (!expect_check(path, &cfg, rep, &diags)) {
		cr_expect(false, "%s does not load: %s:%u:%u: %s", path,
		          diags.n ? diags.d[0].pos.file : "?", diags.n ? diags.d[0].pos.line : 0,
		          diags.n ? diags.d[0].pos.col : 0, diags.n ? diags.d[0].msg : "caps?");
		config_release(&cfg);
		free(rep);
		return;
	}
	if (kind == FIX_PASS) {
		cr_expect_eq(check_report_result(rep, idx), RULE_PASS, "%s: %s gives %d, not pass",
		             path, r->id, check_report_result(rep, idx));
	} else if (kind == FIX_UNDECIDED) {
		cr_expect_eq(check_report_result(rep, idx), RULE_UNDECIDED,
		             "%s: %s gives %d, not undecided", path, r->id,
		             check_report_result(rep, idx));
	} else if (kind == FIX_MAYFAIL) {
		cr_expect_eq(check_report_result(rep, idx), RULE_MAYFAIL,
		             "%s: %s gives %d, not processor-dependent", path, r->id,
		             check_report_result(rep, idx));
	} else {
		struct check_outcome want = check_rule_outcome(r);

		cr_expect_eq(check_report_result(rep, idx), RULE_FAIL, "%s: %s gives %d, not fail",
		             path, r->id, check_report_result(rep, idx));
		for (size_t k = 0; k < rep->n_findings; k++) {
			const struct check_finding *f = &rep->findings[k];

			if (f->rule != idx)
				continue;
			cr_expect_eq(f->outcome.kind, want.kind, "%s", path);
			cr_expect_eq(f->outcome.vm_instruction_error, want.vm_instruction_error,
			             "%s", path);
			cr_expect_eq(f->outcome.exit_reason, want.exit_reason, "%s", path);
			if (r->cls != CHECK_CLASS_MSRLOAD)
				cr_expect_eq(f->outcome.exit_qualification, want.exit_qualification,
				             "%s", path);
			else
				cr_expect_gt(f->outcome.exit_qualification, 0, "%s", path);
			cr_expect(f->message[0], "%s: %s has no message", path, r->id);
		}
	}
	if (expect_read(path, &e))
		cr_expect(expect_matches(&e, rep, why, sizeof(why)), "%s: %s", path, why);
	config_release(&cfg);
	free(rep);
}

Test(rules, fixtures_pass_and_fail_as_named)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *ent;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((ent = readdir(d)) != NULL) {
		char id[128], path[512];
		const char *dot = strchr(ent->d_name, '.');
		const struct check_rule *r;
		enum fixture_kind kind;

		if (!dot || !strstr(ent->d_name, ".yaml"))
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(dot - ent->d_name), ent->d_name);
		r = check_rule_by_id(id, strlen(id));
		cr_expect_not_null(r, "%s names no check", ent->d_name);
		if (!r)
			continue;
		if (strncmp(dot, ".pass", 5) == 0) {
			kind = FIX_PASS;
		} else if (strncmp(dot, ".undecided", 10) == 0) {
			kind = FIX_UNDECIDED;
		} else if (strncmp(dot, ".mayfail", 8) == 0) {
			kind = FIX_MAYFAIL;
		} else {
			kind = FIX_FAIL;
			cr_expect(strncmp(dot, ".fail", 5) == 0,
			          "%s: neither .pass, .fail, .undecided nor .mayfail", ent->d_name);
		}
		snprintf(path, sizeof(path), FIXTURES "/%s", ent->d_name);
		for (size_t i = 0; i < check_rule_count(); i++) {
			if (check_rule_at(i) == r || strcmp(check_rule_at(i)->id, r->id) == 0) {
				run_fixture(path, check_rule_at(i), i, kind);
				break;
			}
		}
		n++;
	}
	closedir(d);
	cr_expect_gt(n, 0);
}

Test(examples, predicted_as_documented)
{
	glob_t g;
	size_t n = glob_count("examples/*.yaml", &g);

	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		struct expectation e;
		struct vmcs_config cfg;
		struct load_diags diags;
		struct check_report *rep = malloc(sizeof(*rep));
		char why[256];

		cr_expect(expect_read(g.gl_pathv[i], &e), "%s has no '# expect:' line",
		          g.gl_pathv[i]);
		if (!expect_check(g.gl_pathv[i], &cfg, rep, &diags)) {
			cr_expect(false, "%s does not load: %s", g.gl_pathv[i],
			          diags.n ? diags.d[0].msg : "");
		} else {
			cr_expect(expect_matches(&e, rep, why, sizeof(why)), "%s: %s",
			          g.gl_pathv[i], why);
		}
		config_release(&cfg);
		free(rep);
	}
	globfree(&g);
}

Test(rules, reserved_access_rights_bits_fail_only_when_read_back)
{
	const char *path = "tests/fixtures/rules/GUEST-CS-AR-RESERVED-11-8.mayfail.yaml";
	const struct check_rule *r = check_rule_by_id("GUEST-CS-AR-RESERVED-11-8", 25);
	struct vmcs_config cfg;
	struct load_diags diags;
	struct check_report *rep = malloc(sizeof(*rep));
	size_t idx = 0;

	cr_assert(r && rep);
	while (check_rule_at(idx) != r && strcmp(check_rule_at(idx)->id, r->id) != 0)
		idx++;
	cr_assert(expect_check(path, &cfg, rep, &diags));
	/* What software writes: some processors' VMWRITE drops the bits (SDM 25.4.1). */
	cr_expect_eq(check_report_result(rep, idx), RULE_MAYFAIL);
	cr_expect_eq(rep->prediction.kind, OUTCOME_PROCESSOR_DEPENDENT);
	/* What VMREAD returned (a dump, a probe read-back): this processor kept them. */
	cfg.env.values_read_back = true;
	{
		struct vmx_caps caps;
		char err[128];
		struct check_input in = {&cfg.vmcs, &caps, &cfg.env};

		cr_assert(capsdb_load(CAPSDB_DEFAULT_NAME, &caps, NULL, err, sizeof(err), NULL));
		check_run(&in, rep);
	}
	cr_expect_eq(check_report_result(rep, idx), RULE_FAIL);
	cr_expect_eq(rep->prediction.kind, OUTCOME_ENTRY_FAILURE);
	config_release(&cfg);
	free(rep);
}

/* The index of a rule by id. */
static size_t idx_of(const char *id)
{
	for (size_t i = 0; i < check_rule_count(); i++)
		if (strcmp(check_rule_at(i)->id, id) == 0)
			return i;
	cr_assert_fail("no check %s", id);
	return 0;
}

Test(rules, intel64_only_checks_decide_what_passes_on_every_processor)
{
	/*
	 * Values as a dump shows them (read back), from a VMM outside IA-32e mode on a processor
	 * whose Intel 64 support nothing tells: no CPUID, the VM-entry, VM-exit and primary
	 * processor-based capability MSRs unknown.
	 */
	struct vmcs_config cfg;
	struct load_diags diags;
	struct check_report *rep = malloc(sizeof(*rep));
	struct vmx_caps caps;
	struct check_input in;
	char err[128];
	size_t esp = idx_of("GUEST-SYSENTER-ESP-CANONICAL");
	static const enum vmx_msr_id unknown[] = {
	    VMX_MSR_ENTRY_CTLS,     VMX_MSR_TRUE_ENTRY_CTLS, VMX_MSR_EXIT_CTLS,
	    VMX_MSR_TRUE_EXIT_CTLS, VMX_MSR_PROCBASED_CTLS,  VMX_MSR_TRUE_PROCBASED_CTLS};

	cr_assert_not_null(rep);
	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(
	    config_load("examples/valid-pae-32bit.yaml", &cfg, &diags, capsdb_resolver, NULL));
	cr_assert(capsdb_load("tests/fixtures/caps/no-cpuid-sandy-bridge.yaml", &caps, NULL, err,
	                      sizeof(err), NULL),
	          "%s", err);
	for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++)
		caps.msr_state[unknown[k]] = VMX_MSR_UNKNOWN;
	cfg.env.ia32e_mode = false;
	cfg.env.values_read_back = true;
	in.vmcs = &cfg.vmcs;
	in.caps = &caps;
	in.env = &cfg.env;
	/* Canonical at 48 bits: canonical on every processor, Intel 64 or not. */
	cfg.vmcs.value[VMCS_GUEST_SYSENTER_ESP] = 0xffff888000010000ull;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, esp), RULE_PASS);
	/* Not canonical: it matters only on an Intel 64 processor, which is unknown. */
	cfg.vmcs.value[VMCS_GUEST_SYSENTER_ESP] = 0x0000900000000000ull;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, esp), RULE_UNDECIDED);
	/* "CR8-load exiting" allowed: only Intel 64 processors allow it (SDM 25.6.2). */
	caps.msr_state[VMX_MSR_PROCBASED_CTLS] = VMX_MSR_PRESENT;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, esp), RULE_FAIL);
	config_release(&cfg);
	free(rep);
}

Test(rules, unknown_fields_undecide_only_what_they_decide)
{
	/* A dump that does not show some fields: the checks that do not need them still decide. */
	struct vmcs_config cfg;
	struct load_diags diags;
	struct check_report *rep = malloc(sizeof(*rep));
	struct vmx_caps caps;
	struct check_input in;
	char err[128];
	size_t ec = idx_of("CTL-EVT-ERROR-CODE-REQUIRED"), ack = idx_of("CTL-PI-ACK-INTERRUPT");
	size_t cr0 = idx_of("GUEST-CR0-FIXED0");

	cr_assert_not_null(rep);
	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(
	    config_load("examples/valid-long-mode.yaml", &cfg, &diags, capsdb_resolver, NULL));
	cr_assert(capsdb_load(CAPSDB_DEFAULT_NAME, &caps, NULL, err, sizeof(err), NULL));
	in.vmcs = &cfg.vmcs;
	in.caps = &caps;
	in.env = &cfg.env;
	/* #GP without its error code, no unrestricted guest, guest CR0 unknown: the guest counts
	 * as protected whatever CR0 holds, so the check fails. */
	cfg.vmcs.value[VMCS_VM_ENTRY_INTR_INFO_FIELD] = 0x8000030d;
	cfg.vmcs.known[VMCS_GUEST_CR0] = 0;
	/* Pin-based controls unknown, but "acknowledge interrupt on exit" is 1: whatever "process
	 * posted interrupts" is, CTL-PI-ACK-INTERRUPT holds. */
	cfg.vmcs.known[VMCS_PIN_BASED_VM_EXEC_CONTROL] = 0;
	check_run(&in, rep);
	cr_expect_eq(check_report_result(rep, ec), RULE_FAIL);
	cr_expect_eq(check_report_result(rep, ack), RULE_PASS);
	cr_expect_eq(check_report_result(rep, cr0), RULE_UNDECIDED, "CR0 itself stays unknown");
	config_release(&cfg);
	free(rep);
}
