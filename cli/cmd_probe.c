/*
 * cmd_probe.c -- `vmcslint probe`: run configurations through a real VMLAUNCH (the vmx-probe
 * image under Bochs, or QEMU/KVM on an Intel host) and compare with the checker.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "opts.h"
#include "probe_judge.h"

static const char probe_usage[] =
    "usage: vmcslint probe [--emulator bochs[:MODEL]|qemu-kvm] [--format text|json] [--keep]\n"
    "                      FILE...\n\n"
    "Boots the vmx-probe image (make probe) once for all files, performs VMCLEAR, VMPTRLD,\n"
    "the VMWRITEs and VMLAUNCH/VMRESUME of each configuration, and prints per file the\n"
    "checker's prediction for the VMCS actually launched (the probe substitutes its own host\n"
    "state and memory addresses: the VMREAD-back values), what the processor did, and whether\n"
    "they agree.  Bochs models: corei7_skylake_x (default), corei7_icelake_u, tigerlake.\n"
    "--keep keeps the emulator's output and log (their directory is printed).\n\n"
    "exit status: 0 all agree, 1 any disagree, 2 the probe could not run (the reason is\n"
    "printed: emulator missing, timeout, image failed to boot, no /dev/kvm)\n";

/* Parses bochs[:MODEL] | qemu-kvm into opt. */
static bool parse_emulator(const char *s, struct probe_options *opt)
{
	if (strcmp(s, "qemu-kvm") == 0) {
		opt->emulator = PROBE_EMU_QEMU_KVM;
		return true;
	}
	if (strcmp(s, "bochs") == 0) {
		opt->emulator = PROBE_EMU_BOCHS;
		return true;
	}
	if (strncmp(s, "bochs:", 6) == 0 && s[6]) {
		opt->emulator = PROBE_EMU_BOCHS;
		opt->bochs_model = s + 6;
		return true;
	}
	return false;
}

static void json_observed(const struct probe_result *r)
{
	printf("{\"status\": \"%s\"", probe_status_name(r->status));
	if (r->status == PROBE_CASE_DONE) {
		printf(", \"outcome\": \"%s\"", check_outcome_name(r->observed.kind));
		if (r->observed.kind == OUTCOME_VMFAIL_VALID)
			printf(", \"vm_instruction_error\": %u", r->observed.vm_instruction_error);
		if (r->observed.kind == OUTCOME_ENTRY_FAILURE ||
		    r->observed.kind == OUTCOME_SUCCESS)
			printf(", \"exit_reason\": %u, \"exit_qualification\": %llu",
			       r->observed.exit_reason,
			       (unsigned long long)r->observed.exit_qualification);
	}
	printf(", \"vmwrite_errors\": [");
	for (size_t i = 0; i < r->n_vmwrite_errors; i++) {
		const struct probe_vmwrite_error *w = &r->vmwrite_errors[i];
		const struct vmcs_field_info *f =
		    w->field >= 0 ? vmcs_field_at((size_t)w->field) : NULL;

		printf("%s{\"field\": ", i ? ", " : "");
		json_string(stdout, f ? f->name : "?");
		printf(", \"encoding\": \"0x%04x\", \"error\": %u}", w->encoding, w->error);
	}
	printf("]}");
}

static void text_observed(char *buf, size_t n, const struct probe_result *r)
{
	if (r->status != PROBE_CASE_DONE) {
		snprintf(buf, n, "%s", probe_status_name(r->status));
		return;
	}
	if (r->observed.kind == OUTCOME_SUCCESS)
		snprintf(buf, n, "VM entry succeeded (the guest exited with reason %u)",
		         r->observed.exit_reason);
	else
		outcome_text(buf, n, &r->observed);
	if (r->n_vmwrite_errors) {
		size_t len = strlen(buf);

		snprintf(buf + len, n - len, "; %zu VMWRITE(s) failed, first %s with error %u",
		         r->n_vmwrite_errors,
		         r->vmwrite_errors[0].field >= 0
		             ? vmcs_field_at((size_t)r->vmwrite_errors[0].field)->name
		             : "?",
		         r->vmwrite_errors[0].error);
	}
}

enum { O_EMULATOR, O_FORMAT, O_KEEP, O_HELP };

static const struct cli_option probe_options[] = {
    {"emulator", 0, true}, {"format", 0, true}, {"keep", 0, false}, {"help", 'h', false}, {0}};

int cmd_probe(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct cli_args a;
	int fmt = 0;
	struct probe_options opt;
	struct probe_run run;
	struct vmcs_config *cfgs;
	struct probe_case *cases;
	struct probe_result *res;
	struct check_report *rep;
	char **files;
	size_t nfiles;
	bool json = false;
	int status = CLI_EXIT_OK, err;
	size_t n = 0, agree = 0, disagree = 0, skipped = 0;

	memset(&opt, 0, sizeof(opt));
	if (!cli_parse(argc, argv, probe_options, "probe", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_HELP)) {
		fputs(probe_usage, stdout);
		cli_args_release(&a);
		return CLI_EXIT_OK;
	}
	opt.keep_dir = cli_has(&a, O_KEEP);
	if (cli_has(&a, O_EMULATOR) && !parse_emulator(a.value[O_EMULATOR], &opt)) {
		cli_error("probe: --emulator takes bochs, bochs:MODEL or qemu-kvm, not '%s'",
		          a.value[O_EMULATOR]);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	if (cli_has(&a, O_FORMAT) &&
	    !cli_choice("probe", "--format", a.value[O_FORMAT], formats, &fmt)) {
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	json = fmt == 1;
	if (a.n_operand == 0) {
		fputs(probe_usage, stderr);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	files = a.operand;
	nfiles = (size_t)a.n_operand;
	cfgs = calloc(nfiles, sizeof(*cfgs));
	cases = calloc(nfiles, sizeof(*cases));
	res = calloc(nfiles, sizeof(*res));
	rep = malloc(sizeof(*rep));
	if (!cfgs || !cases || !res || !rep)
		abort();
	for (size_t k = 0; k < nfiles; k++, n++) {
		struct load_diags d;

		memset(&d, 0, sizeof(d));
		if (!config_load(files[k], &cfgs[n], &d, capsdb_resolver, NULL)) {
			print_load_diags(stderr, &d, files[k]);
			for (size_t j = 0; j <= n; j++)
				config_release(&cfgs[j]);
			free(cfgs), free(cases), free(res), free(rep);
			cli_args_release(&a);
			return CLI_EXIT_USAGE;
		}
		cases[n].vmcs = &cfgs[n].vmcs;
		cases[n].env = &cfgs[n].env;
	}
	err = probe_run_cases(cases, n, &opt, res, &run);
	if (err != PROBE_OK) {
		cli_error("probe: %s: %s", probe_error_name(err), run.error);
		status = CLI_EXIT_USAGE;
	} else {
		if (json)
			printf("{\"tool\": {\"name\": \"vmcslint\", \"version\": \"%s\"}, "
			       "\"emulator\": \"%s\", \"results\": [",
			       VMCSLINT_VERSION, run.caps.name);
		for (size_t k = 0; k < n; k++) {
			struct probe_verdict v = probe_judge(&res[k], &run.caps, rep);
			const char *id = rep->deciding_rule >= 0
			                     ? check_rule_at((size_t)rep->deciding_rule)->id
			                     : NULL;
			char ps[200], os[240];

			agree += v.agreement == PROBE_AGREE;
			disagree += v.agreement == PROBE_DISAGREE;
			skipped += v.agreement == PROBE_NOT_COMPARED;
			if (json) {
				printf("%s\n  {\"file\": ", k ? "," : "");
				json_string(stdout, files[k]);
				printf(", \"caps\": ");
				json_string(stdout, run.caps.name);
				printf(", \"prediction\": ");
				report_json_outcome(stdout, &rep->prediction, id);
				printf(", \"observed\": ");
				json_observed(&res[k]);
				printf(", \"agree\": %s", v.agreement == PROBE_AGREE      ? "true"
				                          : v.agreement == PROBE_DISAGREE ? "false"
				                                                          : "null");
				if (v.reason[0]) {
					printf(", \"reason\": ");
					json_string(stdout, v.reason);
				}
				printf("}");
				continue;
			}
			outcome_text(ps, sizeof(ps), &rep->prediction);
			text_observed(os, sizeof(os), &res[k]);
			printf("%s:\n  predicted: %s%s%s%s\n  observed:  %s\n  %s%s%s\n", files[k],
			       ps, id ? " [" : "", id ? id : "", id ? "]" : "", os,
			       v.agreement == PROBE_AGREE      ? "agree"
			       : v.agreement == PROBE_DISAGREE ? "DISAGREE"
			                                       : "not compared",
			       v.reason[0] ? ": " : "", v.reason);
		}
		if (json)
			printf("\n], \"agree\": %zu, \"disagree\": %zu, \"not_compared\": %zu}\n",
			       agree, disagree, skipped);
		else
			printf(
			    "%s: %zu agree, %zu disagree, %zu not compared (%zu boot%s, %.2f s)\n",
			    run.caps.name, agree, disagree, skipped, run.boots,
			    run.boots == 1 ? "" : "s", run.seconds);
		if (!run.watchdog && run.watchdog_why[0])
			fprintf(
			    stderr,
			    "probe: no watchdog processor (%s): a guest left waiting for a SIPI "
			    "is lost\n",
			    run.watchdog_why);
		if (opt.keep_dir)
			fprintf(stderr, "probe: output kept in %s\n", run.dir);
		if (disagree)
			status = CLI_EXIT_FINDINGS;
	}
	for (size_t k = 0; k < n; k++)
		config_release(&cfgs[k]);
	free(cfgs);
	free(cases);
	free(res);
	free(rep);
	cli_args_release(&a);
	return status;
}
