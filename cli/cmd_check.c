/*
 * cmd_check.c -- `vmcslint check`: predict VM entry for configurations.  Each file is loaded,
 * checked, printed and released before the next, so memory does not grow with the number of
 * files; a file that cannot be loaded is reported in every format, not skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "opts.h"

static const char check_usage[] =
    "usage: vmcslint check [--caps NAME|FILE] [--capsdb DIR]\n"
    "                      [--format text|json|sarif|github] "
    "FILE...\n\n"
    "Predicts what VMLAUNCH/VMRESUME does with each configuration (schema/README.md):\n"
    "success, VMfailInvalid, VMfailValid with its VM-instruction error, or a VM-entry\n"
    "failure with exit reason 33/34 and its qualification, and lists every failing check.\n"
    "--caps overrides the configuration's caps; without either, the built-in default\n"
    "(" CAPSDB_DEFAULT_NAME ") is used.  --format github writes GitHub Actions annotations.\n"
    "Options may come anywhere; '--' ends them.\n\n"
    "exit status: 0 every file enters successfully, 1 a file is predicted to fail (or cannot\n"
    "be decided), 2 bad input or usage\n";

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_GITHUB };
enum { O_CAPS, O_CAPSDB, O_FORMAT, O_HELP };

static const struct cli_option check_options[] = {
    {"caps", 0, true}, {"capsdb", 0, true}, {"format", 0, true}, {"help", 'h', false}, {0}};

int cmd_check(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", "sarif", "github", NULL};
	struct cli_args a;
	struct checked c;
	struct sarif_stream sarif;
	int status = CLI_EXIT_OK, fmt = FMT_TEXT;
	char err[512];

	if (!cli_parse(argc, argv, check_options, "check", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_HELP)) {
		fputs(check_usage, stdout);
		cli_args_release(&a);
		return CLI_EXIT_OK;
	}
	if (cli_has(&a, O_CAPSDB))
		capsdb_set_dir(a.value[O_CAPSDB]);
	if (cli_has(&a, O_FORMAT) &&
	    !cli_choice("check", "--format", a.value[O_FORMAT], formats, &fmt)) {
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	if (a.n_operand == 0) {
		fputs(check_usage, stderr);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	if (fmt == FMT_JSON) {
		printf("{\"tool\": ");
		json_tool(stdout);
		printf(",\n \"results\": [");
	}
	if (fmt == FMT_SARIF)
		report_sarif_begin(stdout, &sarif);
	for (int i = 0; i < a.n_operand; i++) {
		const char *path = a.operand[i];
		bool ok;

		err[0] = '\0';
		ok = checked_run(&c, path, a.value[O_CAPS], err, sizeof(err));
		if (!ok && err[0])
			load_diags_add_error(&c.diags, err);
		print_load_diags(stderr, &c.diags, path);
		if (!ok)
			status = CLI_EXIT_USAGE;
		else if (c.report->prediction.kind != OUTCOME_SUCCESS && status == CLI_EXIT_OK)
			status = CLI_EXIT_FINDINGS;
		if (fmt == FMT_TEXT) {
			if (ok)
				report_text(stdout, &c);
		} else if (fmt == FMT_JSON) {
			printf("%s\n  ", i ? "," : "");
			report_json_result(stdout, &c);
		} else if (fmt == FMT_SARIF) {
			report_sarif_file(stdout, &sarif, &c);
		} else {
			report_github(stdout, &c);
		}
		checked_release(&c);
	}
	if (fmt == FMT_JSON)
		printf("\n]}\n");
	else if (fmt == FMT_SARIF)
		report_sarif_end(stdout, &sarif);
	cli_args_release(&a);
	return status;
}
