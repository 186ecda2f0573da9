/*
 * test_probe.c -- the vmx-probe runner: the report-line parser on canned emulator output
 * (terminal noise, a truncated line, a bad check), the QEMU and Bochs configurations, the
 * batch encoding, and -- when Bochs is installed -- real boots: the valid long-mode example
 * enters and comes back, HOST_TR_SELECTOR 0 gives VMfailValid 8, GUEST_CR0.NE = 0 gives a
 * VM-entry failure with exit reason 33, a case that crashes the image is lost alone, guests
 * left waiting for a SIPI come back through the image's watchdog processor, and the harvested
 * capabilities equal the committed Bochs capsdb entries.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vmx-probe/protocol.h"
#include "capsdb_dir.h"
#include "config.h"
#include "helpers.h"
#include "batch.h"
#include "emulator.h"
#include "probe.h"
#include "results.h"

/* Appends one framed report line, as the image prints it. */
static void frame(char *buf, size_t size, const char *payload)
{
	size_t l = strlen(buf);

	snprintf(buf + l, size - l, "@@VMXP %s #%04x@@\n", payload,
	         vmxp_line_check(payload, (uint32_t)strlen(payload)));
}

static int16_t field(const char *name)
{
	const struct vmcs_field_info *f = vmcs_field_by_name(name, strlen(name), NULL);

	cr_assert_not_null(f, "%s", name);
	return (int16_t)vmcs_field_index(f);
}

static bool have_bochs(void)
{
	return have_program("bochs");
}

/* ---- the parser ---- */

Test(probe, parser_reads_framed_lines_through_terminal_noise)
{
	static char out[8192];
	struct vmcs_state vmcs[3];
	struct vmentry_env env[3];
	struct probe_case cases[3];
	static struct probe_result res[3];
	struct probe_run run;
	char line[128];
	long last = -2;
	int err;

	memset(vmcs, 0, sizeof(vmcs));
	memset(env, 0, sizeof(env));
	memset(res, 0, sizeof(res));
	memset(&run, 0, sizeof(run));
	for (int i = 0; i < 3; i++) {
		cases[i].vmcs = &vmcs[i];
		cases[i].env = &env[i];
	}
	vmcs[0].written[field("HOST_RIP")] = 1;
	vmcs[0].value[field("HOST_RIP")] = 0xffffffff81000000ull;
	vmcs[1].written[field("HOST_TR_SELECTOR")] = 1;

	strcpy(
	    out,
	    "\x1b[?1049h\x1b[1;24r\x1b(B\x1b[m\x1b[HNext at t=0\n(0) [0x0000fffffff0] f000:fff0\n");
	frame(out, sizeof(out), "BEGIN v=1 boot=1");
	frame(out, sizeof(out), "CPUID 0 0 16 756e6547 6c65746e 49656e69");
	frame(out, sizeof(out), "CPUID 1 0 50654 10800 77faf3bf bfebfbff");
	frame(out, sizeof(out), "CPUID 80000008 0 3028 0 0 0");
	frame(out, sizeof(out), "MSR 480 d810000000002b");
	frame(out, sizeof(out), "MSR 492 0");
	frame(out, sizeof(out), "MSR 493 GP");
	frame(out, sizeof(out), "MSR 3a 5");
	/* case 0: a substituted HOST_RIP, an escape sequence in the middle of its O line */
	frame(out, sizeof(out), "R 0 6c16=40437c");
	snprintf(line, sizeof(line), "O 0 EX 30 81");
	strcat(out, "@@VMXP O 0 \x1b[7;1HEX 30 81");
	snprintf(out + strlen(out), sizeof(out) - strlen(out), " #%04x@@\r\n",
	         vmxp_line_check(line, (uint32_t)strlen(line)));
	/* case 1: a failed VMWRITE, an unreadable field, VMfailValid 8 */
	frame(out, sizeof(out), "W 1 2034=c");
	frame(out, sizeof(out), "X 1 2034");
	frame(out, sizeof(out), "P 1 2 8 7 0 0 0 0 0 0 HOST-TR-SELECTOR-ZERO");
	frame(out, sizeof(out), "O 1 FV 8");
	/* a line with a wrong check, then case 2 truncated mid-line by the end of the output */
	strcat(out, "@@VMXP O 2 FI #0000@@\n");
	strcat(out, "@@VMXP R 2 6c16=4043");

	err = probe_parse_output(out, strlen(out), cases, 3, res, &run, &last);
	cr_assert_eq(err, PROBE_OK, "%s", run.error);
	cr_expect_eq(run.bad_lines, 2);
	cr_expect_eq(last, 1);
	cr_expect(run.caps_valid);
	cr_expect_str_eq(run.vendor, "GenuineIntel");
	cr_expect_eq(run.caps.maxphyaddr, 40);
	cr_expect_eq(run.caps.msr[VMX_MSR_BASIC], 0xd810000000002bull);
	cr_expect_eq(run.caps.msr_state[VMX_MSR_PROCBASED_CTLS3], VMX_MSR_PRESENT);
	cr_expect(run.msr_read_zero[VMX_MSR_PROCBASED_CTLS3]);
	cr_expect_eq(run.caps.msr_state[VMX_MSR_EXIT_CTLS2], VMX_MSR_ABSENT);
	cr_expect(run.fc_known);
	cr_expect_eq(run.feature_control, 5);

	cr_expect_eq(res[0].status, PROBE_CASE_DONE);
	cr_expect_eq(res[0].observed.kind, OUTCOME_SUCCESS);
	cr_expect_eq(res[0].observed.exit_reason, 48);
	cr_expect_eq(res[0].observed.exit_qualification, 0x81);
	cr_expect_eq(res[0].readback.value[field("HOST_RIP")], 0x40437c);
	cr_expect(res[0].env.ia32e_mode);

	cr_expect_eq(res[1].status, PROBE_CASE_DONE);
	cr_expect_eq(res[1].observed.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_eq(res[1].observed.vm_instruction_error, 8);
	cr_expect_eq(res[1].n_vmwrite_errors, 1);
	cr_expect_eq(res[1].vmwrite_errors[0].encoding, 0x2034);
	cr_expect_eq(res[1].vmwrite_errors[0].error, 12);
	cr_expect_eq(res[1].vmwrite_errors[0].field, field("TERTIARY_VM_EXEC_CONTROL"));
	cr_expect_eq(res[1].readback.known[field("TERTIARY_VM_EXEC_CONTROL")], 0);
	/* the image's ring-0 prediction, member by member */
	cr_expect(!res[0].ring0);
	cr_expect(res[1].ring0);
	cr_expect_eq(res[1].ring0_prediction.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_eq(res[1].ring0_prediction.vm_instruction_error, 8);
	cr_expect_eq(res[1].ring0_prediction.error_alt, 7);
	cr_expect_str_eq(res[1].ring0_rule, "HOST-TR-SELECTOR-ZERO");

	cr_expect_eq(res[2].status, PROBE_CASE_NOT_RUN);
}

Test(probe, parser_reports_boot_and_vmx_failures)
{
	static char out[1024];
	struct probe_run run;

	memset(&run, 0, sizeof(run));
	strcpy(out, "Bochs is exiting with the following message:\n[HD    ] could not open\n");
	cr_expect_eq(probe_parse_output(out, strlen(out), NULL, 0, NULL, &run, NULL),
	             PROBE_ERR_BOOT);
	out[0] = '\0';
	frame(out, sizeof(out), "BEGIN v=1 boot=1");
	frame(out, sizeof(out), "NOVMX CPUID.1:ECX.VMX is 0");
	cr_expect_eq(probe_parse_output(out, strlen(out), NULL, 0, NULL, &run, NULL),
	             PROBE_ERR_NOVMX);
	cr_expect(strstr(run.error, "CPUID.1:ECX.VMX is 0") != NULL, "%s", run.error);
}

Test(probe, parser_reads_the_watchdog_lines)
{
	static char out[1024];
	struct probe_run run;

	memset(&run, 0, sizeof(run));
	frame(out, sizeof(out), "BEGIN v=1 boot=1");
	frame(out, sizeof(out), "SMP ap=1");
	cr_expect_eq(probe_parse_output(out, strlen(out), NULL, 0, NULL, &run, NULL), PROBE_OK);
	cr_expect(run.watchdog);
	/* one processor (QEMU without -smp, a single-CPU machine): the batch still runs */
	out[0] = '\0';
	frame(out, sizeof(out), "BEGIN v=1 boot=1");
	frame(out, sizeof(out), "SMP none no other processor started");
	cr_expect_eq(probe_parse_output(out, strlen(out), NULL, 0, NULL, &run, NULL), PROBE_OK);
	cr_expect_not(run.watchdog);
	cr_expect_str_eq(run.watchdog_why, "no other processor started");
}

/* ---- configurations and the batch ---- */

Test(probe, qemu_command_line_boots_the_multiboot_image_with_the_batch)
{
	struct probe_options opt;
	const char *argv[48];
	int n;
	bool kernel = false, initrd = false, kvm = false, debugcon = false, noreboot = false;
	bool two_cpus = false;

	memset(&opt, 0, sizeof(opt));
	opt.emulator = PROBE_EMU_QEMU_KVM;
	n = probe_qemu_argv(&opt, "/x/vmx-probe.elf", "/t/batch.img", argv, 48);
	cr_assert_gt(n, 0);
	cr_expect_null(argv[n]);
	cr_expect_str_eq(argv[0], "qemu-system-x86_64");
	for (int i = 1; i + 1 < n; i++) {
		kernel |= !strcmp(argv[i], "-kernel") && !strcmp(argv[i + 1], "/x/vmx-probe.elf");
		initrd |= !strcmp(argv[i], "-initrd") && !strcmp(argv[i + 1], "/t/batch.img");
		kvm |= !strcmp(argv[i], "-accel") && !strcmp(argv[i + 1], "kvm");
		debugcon |= !strcmp(argv[i], "-debugcon") && !strcmp(argv[i + 1], "stdio");
		/* the second processor is the image's watchdog (vmx-probe/smp.h) */
		two_cpus |= !strcmp(argv[i], "-smp") && !strcmp(argv[i + 1], "2");
	}
	for (int i = 1; i < n; i++)
		noreboot |= !strcmp(argv[i], "-no-reboot");
	cr_expect(kernel && initrd && kvm && debugcon && noreboot && two_cpus);
	cr_expect_eq(probe_qemu_argv(&opt, "k", NULL, argv, 8), -1);
	n = probe_qemu_argv(&opt, "k", NULL, argv, 48);
	for (int i = 0; i < n; i++)
		cr_expect_neq(strcmp(argv[i], "-initrd"), 0);
}

static bool host_has_vmx(void)
{
	char *cpuinfo = read_file("/proc/cpuinfo", NULL);
	bool vmx = cpuinfo && strstr(cpuinfo, " vmx") != NULL;

	free(cpuinfo);
	return vmx;
}

/* Under QEMU/KVM on an Intel host with nested VMX; a visible SKIP everywhere else. */
Test(probe, qemu_kvm_runs_the_valid_example, .timeout = 120)
{
	struct probe_options opt;
	struct probe_run run;
	struct vmcs_config cfg;
	struct load_diags diags;
	struct probe_case c;
	static struct probe_result res;
	int err;

	memset(&opt, 0, sizeof(opt));
	opt.emulator = PROBE_EMU_QEMU_KVM;
	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		opt.qemu = "/bin/true";
		cr_expect_eq(probe_harvest(&opt, &run), PROBE_ERR_KVM_MISSING, "%s", run.error);
		cr_skip_test(
		    "no /dev/kvm: the QEMU/KVM path is not run here (its command line is "
		    "checked by qemu_command_line_boots_the_multiboot_image_with_the_batch)");
	}
	err = probe_harvest(&opt, &run);
	if (err == PROBE_ERR_EMULATOR_MISSING)
		cr_skip_test("qemu-system-x86_64 is not installed: %s", run.error);
	if (!host_has_vmx())
		cr_skip_test("this host's processor has no VMX: QEMU/KVM cannot run the probe");
	cr_assert_eq(err, PROBE_OK, "%s: %s", probe_error_name(err), run.error);
	memset(&diags, 0, sizeof(diags));
	cr_assert(
	    config_load("examples/valid-long-mode.yaml", &cfg, &diags, capsdb_resolver, NULL));
	c.vmcs = &cfg.vmcs;
	c.env = &cfg.env;
	err = probe_run_cases(&c, 1, &opt, &res, &run);
	cr_assert_eq(err, PROBE_OK, "%s: %s", probe_error_name(err), run.error);
	cr_expect_eq(res.status, PROBE_CASE_DONE);
	config_release(&cfg);
}

Test(probe, bochsrc_boots_the_rom_and_reads_the_batch_disk)
{
	struct probe_options opt;
	char rc[4096];

	memset(&opt, 0, sizeof(opt));
	opt.bochs_model = "tigerlake";
	cr_assert_gt(
	    probe_bochsrc(&opt, "/img", "/t/batch.img", 600000, 2, "/t/bochs.log", rc, sizeof(rc)),
	    0);
	cr_expect(strstr(rc, "cpu: model=tigerlake, count=2,") != NULL, "%s", rc);
	/* an MSR Bochs lacks faults, as on hardware, in every run */
	cr_expect(strstr(rc, "ignore_bad_msrs=0") != NULL, "%s", rc);
	cr_expect(strstr(rc, "romimage: file=\"/img/bochs-rom.bin\"") != NULL);
	cr_expect(strstr(rc, "optramimage1: file=\"/img/vmx-probe.bin\", address=0x400000") !=
	          NULL);
	cr_expect(strstr(rc, "path=\"/t/batch.img\", mode=flat, cylinders=2, heads=16, spt=63") !=
	          NULL);
	cr_expect(strstr(rc, "display_library: term") != NULL);
	cr_expect(strstr(rc, "port_e9_hack: enabled=1") != NULL);
	cr_expect_eq(probe_bochsrc(&opt, "/img", NULL, 0, 1, "/t/l", rc, 64), -1);
}

/* An image over 128 KiB (the core linked in) goes to Bochs in parts, one per optramimage. */
Test(probe, bochsrc_loads_the_image_in_128_kib_parts)
{
	char dir[] = "/tmp/vmcslint-parts-XXXXXX", path[128], rc[4096];
	struct probe_options opt;

	cr_assert_not_null(mkdtemp(dir));
	for (int k = 1; k <= 3; k++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/vmx-probe-%d.bin", dir, k);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fclose(f);
	}
	memset(&opt, 0, sizeof(opt));
	cr_assert_gt(probe_bochsrc(&opt, dir, NULL, 0, 1, "/t/l", rc, sizeof(rc)), 0);
	for (int k = 1; k <= 3; k++) {
		char want[160];

		snprintf(want, sizeof(want),
		         "optramimage%d: file=\"%s/vmx-probe-%d.bin\", address=0x%x\n", k, dir, k,
		         0x400000 + (k - 1) * 0x20000);
		cr_expect(strstr(rc, want) != NULL, "%s", rc);
		snprintf(path, sizeof(path), "%s/vmx-probe-%d.bin", dir, k);
		remove(path);
	}
	cr_expect(strstr(rc, "optramimage4") == NULL, "%s", rc);
	rmdir(dir);
}

Test(probe, batch_encodes_cases_as_deltas_with_a_checksum)
{
	static struct vmcs_state v[2];
	struct vmentry_env env[2];
	struct probe_case cases[2];
	const struct vmxp_batch *b;
	const struct vmxp_case *c;
	uint8_t *blob;
	size_t len;
	uint32_t sum;

	memset(v, 0, sizeof(v));
	memset(env, 0, sizeof(env));
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		v[0].written[i] = v[1].written[i] = 1;
		v[0].value[i] = v[1].value[i] = i;
	}
	v[1].value[field("GUEST_CR0")] ^= 0x20;
	env[1].instruction = VMENTRY_VMRESUME;
	env[1].launch_state = LAUNCH_STATE_LAUNCHED;
	for (int i = 0; i < 2; i++) {
		cases[i].vmcs = &v[i];
		cases[i].env = &env[i];
	}
	blob = probe_encode_batch(cases, 0, 2, NULL, &len);
	cr_assert_not_null(blob);
	b = (const struct vmxp_batch *)blob;
	cr_expect_eq(b->magic, VMXP_BATCH_MAGIC);
	cr_expect_eq(b->total_size, len);
	cr_expect_eq(b->n_cases, 2);
	cr_expect_eq(b->n_readback, vmcs_field_count());
	sum = b->checksum;
	((struct vmxp_batch *)blob)->checksum = 0;
	cr_expect_eq(vmxp_fnv1a(VMXP_FNV_INIT, blob, (uint32_t)len), sum);
	c = (const struct vmxp_case *)(blob + sizeof(*b) + 4 * ((b->n_readback + 1) & ~1u));
	cr_expect_eq(c->n_writes, vmcs_field_count());
	cr_expect_eq(c->flags & VMXP_CASE_DELTA, 0);
	c = (const struct vmxp_case *)((const uint8_t *)c + c->size);
	cr_expect_eq(c->id, 1);
	cr_expect_eq(c->n_writes, 1);
	cr_expect_eq(c->flags, VMXP_CASE_DELTA | VMXP_CASE_VMRESUME | VMXP_CASE_LAUNCHED);
	cr_expect_eq(((const struct vmxp_write *)(c + 1))->value, v[1].value[field("GUEST_CR0")]);
	cr_expect_eq(b->flags & VMXP_BATCH_WATCHDOG, 0);
	free(blob);
	/* a guest that may wait for a SIPI asks the image for its watchdog processor */
	v[1].value[field("GUEST_ACTIVITY_STATE")] = 3;
	blob = probe_encode_batch(cases, 0, 2, NULL, &len);
	cr_assert_not_null(blob);
	cr_expect_neq(((const struct vmxp_batch *)blob)->flags & VMXP_BATCH_WATCHDOG, 0);
	free(blob);
}

/* ---- real boots under Bochs ---- */

/* n copies of the valid long-mode example as cases (the test is skipped without Bochs). */
static void valid_copies(struct vmcs_config *cfg, struct vmcs_state *v, struct probe_case *cases,
                         size_t n)
{
	struct load_diags diags;

	if (!have_bochs())
		cr_skip_test("bochs is not installed (scripts/deps.sh installs it)");
	memset(&diags, 0, sizeof(diags));
	cr_assert(config_load("examples/valid-long-mode.yaml", cfg, &diags, capsdb_resolver, NULL),
	          "%s", diags.n ? diags.d[0].msg : "");
	for (size_t i = 0; i < n; i++) {
		v[i] = cfg->vmcs;
		cases[i].vmcs = &v[i];
		cases[i].env = &cfg->env;
	}
}

Test(probe, bochs_runs_the_examples_and_recovers_from_a_lost_case, .timeout = 120)
{
	struct vmcs_config cfg;
	static struct vmcs_state v[5];
	struct probe_case cases[5];
	static struct probe_result res[5];
	struct probe_options opt;
	struct probe_run run;
	int err;

	valid_copies(&cfg, v, cases, 5);
	v[1].value[field("HOST_TR_SELECTOR")] = 0;
	v[2].value[field("GUEST_CR0")] &= ~0x20ull; /* NE */
	/* case 3 crashes the image on purpose; case 4 must still run, in the same boot */
	memset(&opt, 0, sizeof(opt));
	opt.selftest_crash = 4;
	err = probe_run_cases(cases, 5, &opt, res, &run);
	cr_assert_eq(err, PROBE_OK, "%s: %s", probe_error_name(err), run.error);

	cr_expect_eq(res[0].status, PROBE_CASE_DONE);
	cr_expect_eq(res[0].observed.kind, OUTCOME_SUCCESS, "%s",
	             check_outcome_name(res[0].observed.kind));
	cr_expect_eq(res[0].n_vmwrite_errors, 0);
	cr_expect_neq(res[0].readback.value[field("HOST_RIP")], 0xffffffff81000000ull);

	cr_expect_eq(res[1].observed.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_eq(res[1].observed.vm_instruction_error, 8);

	cr_expect_eq(res[2].observed.kind, OUTCOME_ENTRY_FAILURE);
	cr_expect_eq(res[2].observed.exit_reason, 33);
	cr_expect_eq(res[2].exit_reason_full, 0x80000021u);

	cr_expect_eq(res[3].status, PROBE_CASE_LOST);
	cr_expect_eq(res[4].status, PROBE_CASE_DONE);
	cr_expect_eq(res[4].observed.kind, OUTCOME_SUCCESS);
	cr_expect_eq(run.boots, 1, "the image recovers from a reset by itself");
	cr_expect_eq(run.cases_lost, 1);
	cr_expect(run.caps_valid);
	config_release(&cfg);
}

static void set(struct vmcs_state *v, const char *name, uint64_t value)
{
	v->written[field(name)] = 1;
	v->value[field(name)] = value;
}

static void expect_watchdog_exit(const struct probe_result *r, size_t i)
{
	cr_expect_eq(r->status, PROBE_CASE_DONE, "case %zu", i);
	cr_expect_eq(r->observed.kind, OUTCOME_SUCCESS, "case %zu: %s", i,
	             check_outcome_name(r->observed.kind));
	/* SDM: only a SIPI ends the state (INIT is blocked in it), exit reason 4 */
	cr_expect_eq(r->exit_reason_full, 4, "case %zu: exit reason %#x", i, r->exit_reason_full);
	cr_expect_eq(r->observed.exit_qualification, VMXP_WATCHDOG_SIPI_VECTOR, "case %zu", i);
}

/*
 * Wait-for-SIPI guests in the middle of a batch: the watchdog processor ends each with a SIPI
 * (a VM exit: the entry succeeded) and the cases after them run in the same boot, unchanged.
 */
Test(probe, bochs_watchdog_ends_wait_for_sipi_guests_in_the_same_boot, .timeout = 120)
{
	struct vmcs_config cfg, event;
	struct load_diags diags;
	static struct vmcs_state v[9];
	struct vmentry_env resume;
	struct probe_case cases[9];
	static struct probe_result res[9];
	struct probe_options opt;
	struct probe_run run;
	int err;

	valid_copies(&cfg, v, cases, 9);
	memset(&diags, 0, sizeof(diags));
	cr_assert(config_load("tests/fixtures/rules/GUEST-ACTIVITY-EVENT-WAIT-SIPI.pass.yaml",
	                      &event, &diags, capsdb_resolver, NULL));
	resume = cfg.env;
	resume.instruction = VMENTRY_VMRESUME;
	resume.launch_state = LAUNCH_STATE_LAUNCHED;
	set(&v[1], "GUEST_ACTIVITY_STATE", 3); /* wait-for-SIPI, nothing injected */
	set(&v[2], "GUEST_ACTIVITY_STATE", 3);
	cases[2].env = &resume; /* VMRESUME of a launched VMCS */
	v[3] = event.vmcs;      /* the fixture: an NMI whose valid bit is clear */
	set(&v[4], "GUEST_ACTIVITY_STATE", 3);
	set(&v[4], "VM_ENTRY_INTR_INFO_FIELD", 0x80000202); /* an NMI: the entry fails (exit 33) */
	set(&v[6], "HOST_TR_SELECTOR", 0);
	set(&v[7], "GUEST_CR0", v[7].value[field("GUEST_CR0")] & ~0x20ull);
	set(&v[8], "GUEST_ACTIVITY_STATE", 1); /* HLT: the VMX-preemption timer ends it */
	memset(&opt, 0, sizeof(opt));
	err = probe_run_cases(cases, 9, &opt, res, &run);
	cr_assert_eq(err, PROBE_OK, "%s: %s", probe_error_name(err), run.error);

	for (size_t i = 0; i < 9; i++)
		cr_expect_eq(res[i].status, PROBE_CASE_DONE, "case %zu: status %u", i,
		             res[i].status);
	cr_expect_eq(run.cases_lost, 0);
	cr_expect_eq(run.boots, 1,
	             "the batch continues in the boot after each wait-for-SIPI guest");
	cr_expect(run.watchdog, "%s", run.watchdog_why);
	expect_watchdog_exit(&res[1], 1);
	expect_watchdog_exit(&res[2], 2);
	expect_watchdog_exit(&res[3], 3);
	cr_expect_eq(res[4].observed.kind, OUTCOME_ENTRY_FAILURE);
	cr_expect_eq(res[4].exit_reason_full, 0x80000021u);
	for (size_t i = 0; i < 9; i += 5) { /* 0 and 5: the valid guest, before and after */
		cr_expect_eq(res[i].observed.kind, OUTCOME_SUCCESS, "case %zu", i);
		cr_expect_eq(res[i].exit_reason_full, 48, "case %zu: EPT violation", i);
	}
	cr_expect_eq(res[6].observed.kind, OUTCOME_VMFAIL_VALID);
	cr_expect_eq(res[6].observed.vm_instruction_error, 8);
	cr_expect_eq(res[7].exit_reason_full, 0x80000021u);
	cr_expect_eq(res[8].observed.kind, OUTCOME_SUCCESS);
	cr_expect_eq(res[8].exit_reason_full, 52, "HLT ends with the VMX-preemption timer");
	config_release(&event);
	config_release(&cfg);
}

/*
 * A batch whose other cases would pay more for the second processor than a boot costs (here
 * HLT guests, slow when both processors halt): its wait-for-SIPI case runs in a boot of its
 * own, and every result still lands at its case's index.
 */
Test(probe, bochs_runs_wait_for_sipi_cases_apart_when_that_is_cheaper, .timeout = 120)
{
	enum { N = 16, SIPI = 3, FAIL = 7 };
	struct vmcs_config cfg;
	static struct vmcs_state v[N];
	struct probe_case cases[N];
	static struct probe_result res[N];
	struct probe_options opt;
	struct probe_run run;
	int err;

	valid_copies(&cfg, v, cases, N);
	for (int i = 0; i < N; i++)
		set(&v[i], "GUEST_ACTIVITY_STATE", 1);
	set(&v[SIPI], "GUEST_ACTIVITY_STATE", 3);
	set(&v[FAIL], "HOST_TR_SELECTOR", 0);
	memset(&opt, 0, sizeof(opt));
	err = probe_run_cases(cases, N, &opt, res, &run);
	cr_assert_eq(err, PROBE_OK, "%s: %s", probe_error_name(err), run.error);
	cr_expect_eq(run.boots, 2);
	cr_expect_eq(run.cases_lost, 0);
	expect_watchdog_exit(&res[SIPI], SIPI);
	cr_expect_eq(res[FAIL].observed.kind, OUTCOME_VMFAIL_VALID);
	for (size_t i = 0; i < N; i++)
		if (i != SIPI && i != FAIL)
			cr_expect_eq(res[i].exit_reason_full, 52, "case %zu: %#x", i,
			             res[i].exit_reason_full);
	config_release(&cfg);
}

/*
 * Every model the image boots (all of Bochs 2.7's cpudb but the 32-bit core_duo_t2400_yonah):
 * the committed entry is what `caps harvest --probe` reads, and that is every CPUID leaf and
 * capability MSR a check may read (capsdb/cpuid_leaves.def; tests/test_needed.c derives it
 * from the checks), each known or beyond the maximum leaf the model reports.
 */
Test(probe, bochs_harvest_equals_the_committed_capsdb_entries, .timeout = 240)
{
	static const char *const models[] = {"broadwell_ult",
	                                     "core2_penryn_t9600",
	                                     "corei3_cnl",
	                                     "corei5_arrandale_m520",
	                                     "corei5_lynnfield_750",
	                                     "corei7_haswell_4770",
	                                     "corei7_icelake_u",
	                                     "corei7_ivy_bridge_3770k",
	                                     "corei7_sandy_bridge_2600k",
	                                     "corei7_skylake_x",
	                                     "tigerlake"};

	if (!have_bochs())
		cr_skip_test("bochs is not installed (scripts/deps.sh installs it)");
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct probe_options opt;
		struct probe_run run;
		char path[128], *got = NULL, *want, *g, *w;
		size_t glen = 0;
		FILE *f = open_memstream(&got, &glen);
		int err;

		memset(&opt, 0, sizeof(opt));
		opt.bochs_model = models[i];
		err = probe_harvest(&opt, &run);
		cr_assert_eq(err, PROBE_OK, "%s: %s", models[i], run.error);
		cr_assert(probe_caps_yaml(&run, &opt, f));
		fclose(f);
		snprintf(path, sizeof(path), "capsdb/cpus/bochs-%s.yaml", models[i]);
		want = read_file(path, NULL);
		cr_assert_not_null(want, "%s", path);
		/* equal but for the two comment lines at the top */
		g = strstr(got, "\nname: ");
		w = strstr(want, "\nname: ");
		cr_assert(g && w);
		cr_expect_str_eq(g, w, "%s", models[i]);
		for (int k = 0; k < CPUID_LEAF__COUNT; k++) {
			for (int r = 0; r < 4; r++) {
				uint32_t v;

				cr_expect(vmx_caps_cpuid_reg(&run.caps, (enum cpuid_leaf_id)k,
				                             (enum cpuid_reg)r, &v),
				          "%s: CPUID %s register %d not harvested", models[i],
				          vmx_cpuid_key((enum cpuid_leaf_id)k), r);
			}
		}
		for (int k = 0; k < VMX_MSR__COUNT; k++)
			cr_expect_neq(run.caps.msr_state[k], VMX_MSR_UNKNOWN, "%s: %s", models[i],
			              vmx_msr_name((enum vmx_msr_id)k));
		free(got);
		free(want);
	}
}
