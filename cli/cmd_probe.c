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
#include "judge.h"

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

/*
 * Configurations given as hypervisors write them (adjust/) are adjusted to the processor the
 * probe runs on, as the hypervisor would do at run time: its capabilities come from a boot
 * with no case (probe_harvest()).  A configuration whose hypervisor refuses to run there, or
 * whose adjusted values are undecided, is not run.  case_of[k] is the case of file k, or -1.
 */
static int adjust_to_emulator(struct vmcs_config *cfgs, size_t n, const struct probe_options *opt,
                              struct vmcs_state *judged, struct adjust_result *adj,
                              struct probe_case *cases, long *case_of, size_t *n_cases,
                              struct vmx_caps *caps)
{
	struct probe_run *h = NULL;
	bool any = false;
	int err = PROBE_OK;

	for (size_t k = 0; k < n; k++)
		any |= adjust_wants_any(&cfgs[k].wants);
	if (any) {
		h = calloc(1, sizeof(*h));
		if (!h)
			abort();
		err = probe_harvest(opt, h);
		if (err != PROBE_OK) {
			cli_error("probe: %s (reading the capabilities to adjust to): %s",
			          probe_error_name(err), h->error);
			free(h);
			return err;
		}
		*caps = h->caps;
		free(h);
	}
	*n_cases = 0;
	for (size_t k = 0; k < n; k++) {
		judged[k] = cfgs[k].vmcs;
		adjust_apply(&cfgs[k].wants, caps, &judged[k], &adj[k]);
		case_of[k] = -1;
		if (adj[k].verdict != ADJUST_NOTHING && adj[k].verdict != ADJUST_DONE)
			continue;
		cases[*n_cases].vmcs = &judged[k];
		cases[*n_cases].env = &cfgs[k].env;
		case_of[k] = (long)(*n_cases)++;
	}
	return PROBE_OK;
}

/* A file the probe did not run because of its adjustment: why, as text or JSON. */
static void print_not_run(const struct adjusted *a, bool json, bool first)
{
	char why[2000];

	if (a->r->verdict == ADJUST_REFUSED)
		snprintf(why, sizeof(why), "the hypervisor refuses to run on %s", a->caps_name);
	else
		adjusted_undecided_reason(why, sizeof(why), a);
	if (json) {
		printf("%s\n  {\"file\": ", first ? "" : ",");
		json_string(stdout, a->path);
		printf(", \"caps\": ");
		json_string(stdout, a->caps_name);
		printf(", \"prediction\": ");
		if (!adjusted_json_prediction(stdout, a))
			printf("{\"outcome\": \"undecided\"}");
		adjusted_json(stdout, a);
		printf(", \"observed\": {\"status\": \"not run\", \"vmwrite_errors\": []}, "
		       "\"agree\": null, \"reason\": ");
		json_string(stdout, why);
		printf("}");
		return;
	}
	adjusted_text(stdout, a);
	printf("%s:\n  predicted: %s%s\n  observed:  not run\n  not compared: %s\n", a->path,
	       a->r->verdict == ADJUST_REFUSED ? "refused [" ADJUST_ID_REFUSED "]" : "undecided",
	       "", why);
}

enum { O_EMULATOR, O_FORMAT, O_KEEP, O_HELP };

static const struct cli_option probe_options[] = {
    {"emulator", 0, true}, {"format", 0, true}, {"keep", 0, false}, {"help", 'h', false}, {0}};

int cmd_probe(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct probe_options opt;
	struct probe_run run;
	struct vmcs_config *cfgs;
	struct vmcs_state *judged;
	struct adjust_result *adj;
	struct probe_case *cases;
	struct probe_result *res;
	struct check_report *rep;
	struct vmx_caps caps;
	long *case_of;
	bool json = false;
	struct cli_args args;
	char **files;
	size_t nfiles;
	int status = CLI_EXIT_OK, err, fmt = 0;
	size_t n = 0, n_cases = 0, agree = 0, disagree = 0, skipped = 0, refused = 0;

	memset(&opt, 0, sizeof(opt));
	memset(&caps, 0, sizeof(caps));
	if (!cli_parse(argc, argv, probe_options, "probe", &args))
		return CLI_EXIT_USAGE;
	if (cli_has(&args, O_HELP)) {
		fputs(probe_usage, stdout);
		cli_args_release(&args);
		return CLI_EXIT_OK;
	}
	opt.keep_dir = cli_has(&args, O_KEEP);
	if (cli_has(&args, O_EMULATOR) && !parse_emulator(args.value[O_EMULATOR], &opt)) {
		cli_error("probe: --emulator takes bochs, bochs:MODEL or qemu-kvm, not '%s'",
		          args.value[O_EMULATOR]);
		cli_args_release(&args);
		return CLI_EXIT_USAGE;
	}
	if (cli_has(&args, O_FORMAT) &&
	    !cli_choice("probe", "--format", args.value[O_FORMAT], formats, &fmt)) {
		cli_args_release(&args);
		return CLI_EXIT_USAGE;
	}
	json = fmt == 1;
	if (args.n_operand == 0) {
		fputs(probe_usage, stderr);
		cli_args_release(&args);
		return CLI_EXIT_USAGE;
	}
	files = args.operand;
	nfiles = (size_t)args.n_operand;
	cfgs = calloc(nfiles, sizeof(*cfgs));
	judged = calloc(nfiles, sizeof(*judged));
	adj = calloc(nfiles, sizeof(*adj));
	case_of = calloc(nfiles, sizeof(*case_of));
	cases = calloc(nfiles, sizeof(*cases));
	res = calloc(nfiles, sizeof(*res));
	rep = malloc(sizeof(*rep));
	if (!cfgs || !judged || !adj || !case_of || !cases || !res || !rep)
		abort();
	for (size_t k = 0; k < nfiles; k++, n++) {
		struct load_diags d;

		memset(&d, 0, sizeof(d));
		if (!config_load(files[k], &cfgs[n], &d, capsdb_resolver, NULL)) {
			print_load_diags(stderr, &d, files[k]);
			n++;
			status = CLI_EXIT_USAGE;
			goto out;
		}
	}
	if (adjust_to_emulator(cfgs, n, &opt, judged, adj, cases, case_of, &n_cases, &caps) !=
	    PROBE_OK) {
		status = CLI_EXIT_USAGE;
		goto out;
	}
	memset(&run, 0, sizeof(run));
	err = n_cases ? probe_run_cases(cases, n_cases, &opt, res, &run) : PROBE_OK;
	if (!n_cases)
		run.caps = caps;
	if (err != PROBE_OK) {
		cli_error("probe: %s: %s", probe_error_name(err), run.error);
		status = CLI_EXIT_USAGE;
	} else {
		if (json)
			printf("{\"tool\": {\"name\": \"vmcslint\", \"version\": \"%s\"}, "
			       "\"emulator\": \"%s\", \"results\": [",
			       VMCSLINT_VERSION, run.caps.name);
		for (size_t k = 0; k < n; k++) {
			struct adjusted a = {files[k], &cfgs[k], &adj[k], run.caps.name};
			struct probe_verdict v;
			bool r0_done, r0_same;
			char r0_why[600];
			const char *id;
			char ps[200], os[240];

			if (case_of[k] < 0) {
				print_not_run(&a, json, k == 0);
				refused += adj[k].verdict == ADJUST_REFUSED;
				skipped += adj[k].verdict != ADJUST_REFUSED;
				continue;
			}
			v = probe_judge(&res[case_of[k]], &run.caps, rep);
			id = rep->deciding_rule >= 0 ? check_rule_at((size_t)rep->deciding_rule)->id
			                             : NULL;
			/* the image predicted the case in ring 0 with the same core: it must agree
			 */
			r0_done = res[case_of[k]].status == PROBE_CASE_DONE;
			r0_same = r0_done &&
			          probe_ring0_agrees(&res[case_of[k]], rep, r0_why, sizeof(r0_why));
			if (r0_done && !r0_same && v.agreement == PROBE_AGREE)
				v.agreement = PROBE_DISAGREE;
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
				adjusted_json(stdout, &a);
				printf(", \"observed\": ");
				json_observed(&res[case_of[k]]);
				printf(", \"agree\": %s", v.agreement == PROBE_AGREE      ? "true"
				                          : v.agreement == PROBE_DISAGREE ? "false"
				                                                          : "null");
				if (v.reason[0]) {
					printf(", \"reason\": ");
					json_string(stdout, v.reason);
				}
				if (r0_done) {
					printf(", \"ring0_prediction_equal\": %s",
					       r0_same ? "true" : "false");
					if (!r0_same) {
						printf(", \"ring0\": ");
						json_string(stdout, r0_why);
					}
				}
				printf("}");
				continue;
			}
			adjusted_text(stdout, &a);
			outcome_text(ps, sizeof(ps), &rep->prediction);
			text_observed(os, sizeof(os), &res[case_of[k]]);
			printf("%s:\n  predicted: %s%s%s%s\n  observed:  %s\n  %s%s%s\n", files[k],
			       ps, id ? " [" : "", id ? id : "", id ? "]" : "", os,
			       v.agreement == PROBE_AGREE      ? "agree"
			       : v.agreement == PROBE_DISAGREE ? "DISAGREE"
			                                       : "not compared",
			       v.reason[0] ? ": " : "", v.reason);
			if (r0_done)
				printf("  ring 0:    %s\n",
				       r0_same ? "the image's own prediction is the same" : r0_why);
		}
		if (json)
			printf("\n], \"agree\": %zu, \"disagree\": %zu, \"not_compared\": %zu, "
			       "\"refused\": %zu}\n",
			       agree, disagree, skipped, refused);
		else {
			printf("%s: %zu agree, %zu disagree, %zu not compared", run.caps.name,
			       agree, disagree, skipped);
			if (refused)
				printf(", %zu refused by the hypervisor", refused);
			printf(" (%zu boot%s, %.2f s)\n", run.boots, run.boots == 1 ? "" : "s",
			       run.seconds);
		}
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
out:
	for (size_t k = 0; k < n; k++)
		config_release(&cfgs[k]);
	free(cfgs);
	free(judged);
	free(adj);
	free(case_of);
	free(cases);
	free(res);
	free(rep);
	cli_args_release(&args);
	return status;
}
