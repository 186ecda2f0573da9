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
    {"too-wide.yaml", DIR "too-wide.yaml:2:22: error: GUEST_ES_SELECTOR: 0x10000 is wider than "
                          "the field (16 bits)"},
    {"negative.yaml",
     DIR "negative.yaml:2:14: error: GUEST_RIP: negative value -4096; VMCS values are unsigned"},
    {"unknown-bit.yaml",
     DIR "unknown-bit.yaml:2:59: error: PIN_BASED_VM_EXEC_CONTROL has no bit named "
         "'NMI_EXITNG'; did you mean 'NMI_EXITING'?"},
    {"wrong-type.yaml", DIR "wrong-type.yaml:2:14: error: GUEST_CR3: expected an integer, found "
                            "the quoted string \"0x3000\" (write it without quotes)"},
    {"cycle-a.yaml", DIR "cycle-b.yaml:1:10: error: extends: 'cycle-a.yaml' is already being "
                         "loaded (an extends cycle)"},
    {"extends-missing.yaml",
     DIR "extends-missing.yaml:1:10: error: extends: cannot open '" DIR "no-such-base.yaml'"},
    {"two-documents.yaml", DIR "two-documents.yaml:3:1: error: a second YAML document in the "
                               "file; a file holds exactly one"},
    {"alias-bomb.yaml", DIR "alias-bomb.yaml:6:10: error: YAML aliases expand to more than "
                            "200000 nodes (limit against hostile input)"},
    {"deep.yaml", DIR "deep.yaml:2:76: error: YAML nested deeper than 64 levels (limit against "
                      "hostile input)"},
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
