/*
 * test_config.c -- the configuration loader's error paths, each with a bad file and the exact
 * FILE:LINE:COLUMN message, plus what a good file loads to.
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

#define DIR "tests/fixtures/config/"

/* Arrays, not pointers: Criterion runs each parameter in a new process. */
struct bad_case {
	char file[48];
	char message[320]; /* the exact first line on stderr */
};

static const struct bad_case bad_cases[] = {
    {"malformed.yaml", DIR "malformed.yaml:3:12: error: malformed YAML: did not find expected "
                           "',' or ']' while parsing a flow sequence"},
    {"unknown-key.yaml",
     DIR "unknown-key.yaml:2:1: error: unknown key 'entri' in a configuration; did you mean "
         "'entry'?"},
    {"unknown-field.yaml",
     DIR "unknown-field.yaml:3:3: error: unknown VMCS field 'GUEST_CRO'; did you mean "
         "'GUEST_CR0'?"},
    {"twice.yaml",
     DIR "twice.yaml:4:3: error: GUEST_CR0 given twice (first at 2:3 as 'GUEST_CR0')"},
    {"twice-alias.yaml", DIR "twice-alias.yaml:3:3: error: GUEST_IA32_EFER given twice (first at "
                             "2:3 as 'GUEST_IA32_EFER')"},
    {"high-disagrees.yaml",
     DIR "high-disagrees.yaml:3:3: error: VMCS_LINK_POINTER_HIGH = 0x1 disagrees with the 64-bit "
         "write of VMCS_LINK_POINTER at 2:3 (high half 0xffffffff)"},
    {"unknown-bit.yaml",
     DIR "unknown-bit.yaml:2:59: error: PIN_BASED_VM_EXEC_CONTROL has no bit named "
         "'NMI_EXITNG'; did you mean 'NMI_EXITING'?"},
    {"wrong-type.yaml", DIR "wrong-type.yaml:2:14: error: GUEST_CR3: expected an integer, found "
                            "the quoted string \"0x3000\" (write it without quotes)"},
    {"cycle-a.yaml", DIR "cycle-b.yaml:1:10: error: extends: 'cycle-a.yaml' is already being "
                         "loaded (an extends cycle)"},
    {"extends-missing.yaml",
     DIR "extends-missing.yaml:1:10: error: extends: cannot open '" DIR "no-such-base.yaml'"},
    {"caps-missing.yaml", DIR "caps-missing.yaml:3:7: error: caps 'mycaps.yaml': " DIR
                              "mycaps.yaml: cannot open: No such file or directory"},
    {"tab.yaml", DIR "tab.yaml:2:1: error: malformed YAML: found character that cannot start "
                     "any token while scanning for the next token (a tab: YAML indents with "
                     "spaces only)"},
    {"two-documents.yaml", DIR "two-documents.yaml:3:1: error: a second YAML document in the "
                               "file; a file holds exactly one"},
    {"alias-bomb.yaml", DIR "alias-bomb.yaml:6:10: error: YAML aliases expand to more than "
                            "200000 nodes (limit against hostile input)"},
    {"deep.yaml", DIR "deep.yaml:2:76: error: YAML nested deeper than 64 levels (limit against "
                      "hostile input)"},
    /* The hypervisor's forms (adjust/): wanted controls, CR values with the fixed bits. */
    {"hv-required-on-value-field.yaml",
     DIR "hv-required-on-value-field.yaml:2:15: error: GUEST_RIP: 'required' is for the control "
         "fields (pin-based, processor-based, VM-exit, VM-entry controls)"},
    {"hv-fixed-not-apply.yaml",
     DIR "hv-fixed-not-apply.yaml:2:39: error: fixed: expected 'apply' (OR IA32_VMX_CRn_FIXED0 "
         "in, AND IA32_VMX_CRn_FIXED1), found 'always'"},
    {"hv-fixed-on-control.yaml",
     DIR "hv-fixed-on-control.yaml:2:22: error: VM_EXIT_CONTROLS: 'fixed' is for GUEST_CR0, "
         "GUEST_CR4, HOST_CR0 and HOST_CR4 (fixed: apply); a control field takes {required, "
         "optional, default1}"},
    {"hv-value-without-fixed.yaml",
     DIR "hv-value-without-fixed.yaml:2:13: error: HOST_CR4: a mapping with 'value' needs "
         "'fixed: apply' (or give the value alone)"},
    {"hv-default1-secondary.yaml",
     DIR "hv-default1-secondary.yaml:3:41: error: SECONDARY_VM_EXEC_CONTROL has no TRUE "
         "capability MSR: default1 applies to the pin-based, primary processor-based, VM-exit and "
         "VM-entry controls"},
    {"hv-default1-unknown.yaml",
     DIR "hv-default1-unknown.yaml:2:41: error: default1: expected auto, true_msr or "
         "ordinary_msr, found 'truemsr'"},
    {"hv-unknown-key.yaml", DIR "hv-unknown-key.yaml:4:5: error: unknown key 'optionl' in a "
                                "control given as wanted bits; did you mean 'optional'?"},
    {"hv-unknown-bit.yaml",
     DIR "hv-unknown-bit.yaml:2:54: error: SECONDARY_VM_EXEC_CONTROL has no bit named "
         "'ENABLE_VPIDD'; did you mean 'ENABLE_VPID'?"},
    {"hv-required-and-optional.yaml",
     DIR "hv-required-and-optional.yaml:4:15: error: CPU_BASED_VM_EXEC_CONTROL: USE_MSR_BITMAPS "
         "is both required and optional; list it once"},
    {"hv-secondary-without-primary.yaml",
     DIR "hv-secondary-without-primary.yaml:3:3: error: SECONDARY_VM_EXEC_CONTROL is given as "
         "wanted bits: give CPU_BASED_VM_EXEC_CONTROL so too (its ACTIVATE_SECONDARY_CONTROLS "
         "bit follows SECONDARY_VM_EXEC_CONTROL)"},
    {"hv-activate-listed.yaml",
     DIR "hv-activate-listed.yaml:3:29: error: CPU_BASED_VM_EXEC_CONTROL: "
         "ACTIVATE_SECONDARY_CONTROLS follows SECONDARY_VM_EXEC_CONTROL (on when one of its "
         "controls is used); do not list it"},
    {"hv-wanted-and-high.yaml",
     DIR "hv-wanted-and-high.yaml:3:3: error: TERTIARY_VM_EXEC_CONTROL is given as wanted bits "
         "and TERTIARY_VM_EXEC_CONTROL_HIGH at 2:3"},
};

ParameterizedTestParameters(config, bad_files)
{
	return cr_make_param_array(struct bad_case, bad_cases,
	                           sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(const struct bad_case *c, config, bad_files)
{
	char path[256], first[512];
	struct cli_result r;
	size_t n;

	snprintf(path, sizeof(path), DIR "%s", c->file);
	r = run_cli(NULL, (const char *[]){"check", path, NULL});
	n = strcspn(r.err, "\n");
	snprintf(first, sizeof(first), "%.*s", (int)n, r.err);
	cr_expect_eq(r.status, 2, "%s: exit %d", c->file, r.status);
	cr_expect_str_eq(first, c->message, "%s", c->file);
	cr_expect_eq(r.out[0], '\0', "%s printed a prediction: %s", c->file, r.out);
	cli_result_free(&r);
}

Test(config, warnings_for_read_only_and_inactive_fields)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--caps", "ivy-bridge-core-i7-3770k",
	                                   DIR "warnings.yaml", NULL});

	/* A read-only field is the checker's to judge: its VMWRITE fails here (MISC[29] = 0). */
	cr_expect(strstr(r.out, DIR "warnings.yaml:3:3: warning: [VMWRITE-READ-ONLY] VMWRITE of "
	                            "VM_EXIT_REASON (0x4402) fails: it is a read-only VM-exit "
	                            "information field"),
	          "%s", r.out);
	cr_expect(strstr(r.err, DIR "warnings.yaml:4:3: warning: VIRTUAL_PROCESSOR_ID is set but "
	                            "the control that gives it meaning (Secondary processor-based "
	                            "VM-execution controls ENABLE_VPID) is 0"),
	          "%s", r.err);
	cli_result_free(&r);
}

/* VMWRITE keeps the low bits of its 64-bit operand: so does the loader, with a warning. */
Test(config, wide_and_negative_values_keep_their_low_bits)
{
	const char *f = DIR "wide-values.yaml";
	struct vmcs_config cfg;
	struct load_diags diags;
	struct cli_result r;

	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(config_load(f, &cfg, &diags, capsdb_resolver, NULL), "%s",
	          diags.n ? diags.d[0].msg : "");
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_ES_LIMIT], 0xffffffffull);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_ES_SELECTOR], 0x10);
	cr_expect_eq(cfg.vmcs.value[VMCS_VM_ENTRY_MSR_LOAD_COUNT], 0);
	cr_expect_eq(cfg.vmcs.value[VMCS_VMCS_LINK_POINTER], ~0ull);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_RIP], 0xfffffffffffff000ull);
	cr_expect_eq(diags.n, 3, "a warning for each value that loses bits, none for the others");
	config_release(&cfg);
	r = run_cli(NULL, (const char *[]){"check", f, NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, DIR "wide-values.yaml:4:19: warning: GUEST_ES_LIMIT: -1 is "
	                            "0xffffffffffffffff as a 64-bit VMWRITE operand; the 32-bit "
	                            "field keeps bits 31:0, 0xffffffff"),
	          "%s", r.err);
	cr_expect(strstr(r.err,
	                 DIR "wide-values.yaml:5:22: warning: GUEST_ES_SELECTOR: 0x10010 is "
	                     "wider than the field (16 bits); VMWRITE keeps bits 15:0, 0x10, "
	                     "and drops 0x10000"),
	          "%s", r.err);
	cr_expect(!strstr(r.err, "VMCS_LINK_POINTER"), "%s", r.err);
	cli_result_free(&r);
}

Test(config, legacy_mode_natural_width_values_keep_bits_31_0)
{
	const char *f = DIR "legacy-wide-natural.yaml";
	struct cli_result r = run_cli(NULL, (const char *[]){"check", "--format", "json", f, NULL});

	/* Outside IA-32e mode a VMWRITE stores 32 bits of a natural-width field (SDM VMWRITE). */
	cr_expect(strstr(r.err, DIR "legacy-wide-natural.yaml:4:3: warning: GUEST_FS_BASE = "
	                            "0x800000001000: outside IA-32e mode (processor_mode: legacy) "
	                            "VMWRITE stores bits 31:0 of a natural-width field; checked as "
	                            "0x1000"),
	          "%s", r.err);
	/* Judged on the stored value: not a non-canonical FS base. */
	cr_expect(!strstr(r.out, "GUEST-FS-BASE-CANONICAL"), "%s", r.out);
	cli_result_free(&r);
}

Test(config, huge_file_is_refused)
{
	char path[] = "/tmp/vmcslint-huge-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	FILE *f;
	char line[80];
	struct cli_result r;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	memset(line, ' ', sizeof(line) - 2);
	line[0] = '#';
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	for (int i = 0; i < (5 << 20) / 79; i++)
		fputs(line, f);
	fclose(f);
	r = run_cli(NULL, (const char *[]){"check", path, NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "file larger than 4194304 bytes (limit against hostile input)"),
	          "%s", r.err);
	cli_result_free(&r);
	unlink(path);
}

Test(config, missing_file_and_empty_file)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", DIR "no-such-file.yaml", NULL});

	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, DIR "no-such-file.yaml: error: cannot open: No such file"), "%s",
	          r.err);
	cli_result_free(&r);
	r = run_cli(NULL, (const char *[]){"check", "/dev/null", NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "/dev/null:1:1: error: empty configuration"), "%s", r.err);
	cli_result_free(&r);
}

Test(config, loads_values_bits_and_memory)
{
	const char *text = "caps: bochs-tigerlake\n"
	                   "entry: {instruction: vmresume, launch_state: launched}\n"
	                   "vmcs:\n"
	                   "  PIN_BASED_VM_EXEC_CONTROL: [EXTERNAL_INTERRUPT_EXITING, 3, 1]\n"
	                   "  GUEST_CS_AR_BYTES: {TYPE: 11, S: 1, P: true, L: 1, G: 1}\n"
	                   "  VM_ENTRY_INTR_INFO_FIELD: {VECTOR: 0xd1, TYPE: EXTERNAL_INTERRUPT, "
	                   "VALID: 1}\n"
	                   "  GUEST_ACTIVITY_STATE: HLT\n"
	                   "  \"0x6802\": 0x3000\n"
	                   "  Guest IA32_EFER: 0o4400\n"
	                   "  VMCS_LINK_POINTER_HIGH: 0xffffffff\n"
	                   "  VMCS_LINK_POINTER: 0xffffffffffffffff\n"
	                   "memory:\n"
	                   "  vm_entry_msr_load: [{index: 0xc0000080, value: 0x500}]\n"
	                   "  guest_pdptes: [0x1001, 0, 0, 0]\n"
	                   "  vmcs_link: {revision_id: 0x4, shadow: true}\n";
	char path[] = "/tmp/vmcslint-cfg-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	struct vmcs_config cfg;
	struct load_diags diags;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(config_load(path, &cfg, &diags, capsdb_resolver, NULL), "%s",
	          diags.n ? diags.d[0].msg : "");
	cr_expect_eq(cfg.vmcs.value[VMCS_PIN_BASED_VM_EXEC_CONTROL], 0xb);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_CS_AR_BYTES], 0xa09b);
	cr_expect_eq(cfg.vmcs.value[VMCS_VM_ENTRY_INTR_INFO_FIELD], 0x800000d1);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_ACTIVITY_STATE], 1);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_CR3], 0x3000);
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_IA32_EFER], 0x900);
	cr_expect_eq(cfg.vmcs.value[VMCS_VMCS_LINK_POINTER], ~0ull);
	cr_expect(cfg.vmcs.written[VMCS_GUEST_CR3]);
	cr_expect_not(cfg.vmcs.written[VMCS_GUEST_CR4]);
	cr_expect(cfg.vmcs.known[VMCS_GUEST_CR4], "unwritten fields are known to be 0");
	cr_expect_eq(cfg.env.instruction, VMENTRY_VMRESUME);
	cr_expect_eq(cfg.env.launch_state, LAUNCH_STATE_LAUNCHED);
	cr_expect(cfg.env.msr_load_known);
	cr_expect_eq(cfg.env.n_msr_load, 1);
	cr_expect_eq(cfg.env.msr_load[0].index, 0xc0000080u);
	cr_expect(cfg.env.pdptes_known);
	cr_expect_eq(cfg.env.pdpte[0], 0x1001);
	cr_expect(cfg.env.link_known && cfg.env.link_is_vmcs && cfg.env.link_shadow);
	cr_expect_eq(cfg.env.link_revision, 4);
	cr_expect_str_eq(cfg.caps_name, "bochs-tigerlake");
	cr_expect_eq(cfg.caps.msr[VMX_MSR_BASIC], 0x01d8100000000004ull);
	cr_expect_eq(cfg.field_pos[VMCS_GUEST_CR3].line, 8);
	cr_expect_eq(cfg.field_pos[VMCS_GUEST_CR3].col, 3);
	config_release(&cfg);
	unlink(path);
}

/* A caps: file is found beside the configuration, wherever the command runs from. */
Test(config, caps_file_resolves_against_the_configuration_folder)
{
	struct cli_result r;
	char cwd[512], file[700], bin[700];
	const char *env = getenv("VMCSLINT");

	cr_assert(getcwd(cwd, sizeof(cwd)));
	snprintf(file, sizeof(file), "%s/" DIR "caps-beside.yaml", cwd);
	snprintf(bin, sizeof(bin), "%s/%s", cwd, env ? env : "build/vmcslint");
	cr_assert_eq(chdir("/tmp"), 0);
	r = run_argv(NULL, (const char *[]){bin, "check", file, NULL});
	cr_assert_eq(chdir(cwd), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "(caps ../caps/skx-no-maxphyaddr.yaml;"), "%s", r.out);
	cli_result_free(&r);
}

Test(config, extends_overrides_the_base)
{
#define EXTENDING                                                                                  \
	"extends: %s/examples/valid-long-mode.yaml\n"                                              \
	"caps: {extends: bochs-corei7_skylake_x, IA32_VMX_MISC: 0x1e0,\n"                          \
	"       maxphyaddr: 39, cpuid: {\"0x7.0\": {ebx: 0x1}}}\n"                                 \
	"vmcs:\n  GUEST_RIP: 0x2000\n"
	char buf[1024], cwd[512], path[] = "/tmp/vmcslint-ext-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	struct vmcs_config cfg;
	struct load_diags diags;

	cr_assert(getcwd(cwd, sizeof(cwd)));
	snprintf(buf, sizeof(buf), EXTENDING, cwd);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, buf, strlen(buf)), (ssize_t)strlen(buf));
	close(fd);
	memset(&diags, 0, sizeof(diags));
	capsdb_set_dir("capsdb/cpus");
	cr_assert(config_load(path, &cfg, &diags, capsdb_resolver, NULL), "%s",
	          diags.n ? diags.d[0].msg : "");
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_RIP], 0x2000, "overridden");
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_CR0], 0x80050033, "inherited");
	cr_expect_str_eq(cfg.caps_name, "inline:bochs-corei7_skylake_x");
	cr_expect_eq(cfg.caps.msr[VMX_MSR_MISC], 0x1e0);
	cr_expect_eq(cfg.caps.msr[VMX_MSR_BASIC], 0x00d810000000002bull, "from the named entry");
	cr_expect_eq(cfg.caps.maxphyaddr, 39);
	cr_expect_eq(vmx_caps_cpuid_bit(&cfg.caps, CPUID_LEAF_7_0, CPUID_EBX, 0), TRI_YES);
	cr_expect_eq(vmx_caps_cpuid_bit(&cfg.caps, CPUID_LEAF_7_0, CPUID_ECX, 0), TRI_NO,
	             "the entry's ECX of leaf 7 is kept");
	config_release(&cfg);
	unlink(path);
}

/* Writes text to a temporary .yaml file; path (out) must hold "/tmp/vmcslint-hv-XXXXXX.yaml". */
static void write_temp(char *path, const char *text)
{
	int fd = mkstemps(path, 5);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(config, loads_the_hypervisor_forms)
{
	const char *text = "vmcs:\n"
	                   "  PIN_BASED_VM_EXEC_CONTROL: {default1: true_msr, optional: [3, "
	                   "VIRTUAL_NMIS]}\n"
	                   "  CPU_BASED_VM_EXEC_CONTROL:\n"
	                   "    required: [HLT_EXITING]\n"
	                   "    optional: {USE_MSR_BITMAPS: 1}\n"
	                   "  SECONDARY_VM_EXEC_CONTROL: {optional: [ENABLE_EPT]}\n"
	                   "  VM_EXIT_CONTROLS: {default1: ordinary_msr, required: 0x200}\n"
	                   "  GUEST_CR0: {value: [PE, PG], fixed: apply}\n"
	                   "  HOST_CR4: {fixed: apply}\n"
	                   "  GUEST_CR4: 0x2020\n"
	                   "  VM_ENTRY_CONTROLS: {required: [IA32E_MODE_GUEST], optional: }\n";
	char path[] = "/tmp/vmcslint-hv-XXXXXX.yaml";
	struct vmcs_config cfg;
	struct load_diags diags;
	const struct adjust_wants *w = &cfg.wants;

	write_temp(path, text);
	memset(&diags, 0, sizeof(diags));
	cr_assert(config_load(path, &cfg, &diags, NULL, NULL), "%s", diags.n ? diags.d[0].msg : "");
	cr_expect(w->ctl[VMX_CTL_PIN].given);
	cr_expect_eq(w->ctl[VMX_CTL_PIN].default1, ADJUST_DEFAULT1_TRUE_MSR);
	cr_expect_eq(w->ctl[VMX_CTL_PIN].optional, (1u << 3) | (1u << 5));
	cr_expect_eq(w->ctl[VMX_CTL_PROC].required, 1u << 7);
	cr_expect_eq(w->ctl[VMX_CTL_PROC].optional, 1u << 28);
	cr_expect_eq(w->ctl[VMX_CTL_PROC2].optional, 1u << 1);
	cr_expect_eq(w->ctl[VMX_CTL_EXIT].default1, ADJUST_DEFAULT1_ORDINARY_MSR);
	cr_expect_eq(w->ctl[VMX_CTL_EXIT].required, 0x200);
	cr_expect(w->ctl[VMX_CTL_ENTRY].given);
	cr_expect_eq(w->ctl[VMX_CTL_ENTRY].optional, 0, "`optional:` with nothing: no bit");
	cr_expect_not(w->ctl[VMX_CTL_PROC3].given);
	cr_expect(w->cr_fixed[ADJUST_GUEST_CR0] && w->cr_fixed[ADJUST_HOST_CR4]);
	cr_expect_not(w->cr_fixed[ADJUST_GUEST_CR4], "a plain value takes no fixed bits");
	/* The loader's value: the wanted bits, with the activate bit the secondary controls imply.
	 */
	cr_expect_eq(cfg.vmcs.value[VMCS_CPU_BASED_VM_EXEC_CONTROL],
	             (1u << 7) | (1u << 28) | (1u << 31));
	cr_expect_eq(cfg.vmcs.value[VMCS_GUEST_CR0], 0x80000001);
	cr_expect_eq(cfg.vmcs.value[VMCS_HOST_CR4], 0);
	cr_expect(cfg.vmcs.written[VMCS_HOST_CR4]);
	/* Where each bit is named, for the findings about it. */
	cr_expect_eq(cfg.want_pos[VMX_CTL_PIN][3].line, 2);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PIN][3].col, 62);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PIN][5].col, 65);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PROC][7].line, 4);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PROC][7].col, 16);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PROC][28].line, 5);
	cr_expect_eq(cfg.want_pos[VMX_CTL_PROC][28].col, 16);
	cr_expect_eq(cfg.want_pos[VMX_CTL_EXIT][9].line, 7);
	config_release(&cfg);
	unlink(path);
}

Test(config, a_value_replaces_the_bases_hypervisor_form)
{
	char buf[1024], cwd[512], path[] = "/tmp/vmcslint-hv-XXXXXX.yaml";
	struct vmcs_config cfg;
	struct load_diags diags;

	cr_assert(getcwd(cwd, sizeof(cwd)));
	snprintf(buf, sizeof(buf),
	         "extends: %s/examples/hypervisors/kvm-unit-tests.yaml\n"
	         "vmcs:\n  PIN_BASED_VM_EXEC_CONTROL: 0x16\n  GUEST_CR0: 0x80000031\n",
	         cwd);
	write_temp(path, buf);
	memset(&diags, 0, sizeof(diags));
	cr_assert(config_load(path, &cfg, &diags, NULL, NULL), "%s", diags.n ? diags.d[0].msg : "");
	cr_expect_not(cfg.wants.ctl[VMX_CTL_PIN].given, "the value given here replaces it");
	cr_expect_eq(cfg.vmcs.value[VMCS_PIN_BASED_VM_EXEC_CONTROL], 0x16);
	cr_expect_not(cfg.wants.cr_fixed[ADJUST_GUEST_CR0]);
	cr_expect(cfg.wants.ctl[VMX_CTL_EXIT].given, "inherited");
	cr_expect(cfg.wants.cr_fixed[ADJUST_HOST_CR0], "inherited");
	config_release(&cfg);
	unlink(path);
}
