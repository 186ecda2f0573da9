/*
 * cmd_check.c -- `vmcslint check`: predict VM entry for configurations.  Each file is loaded,
 * checked, printed and released before the next, so memory does not grow with the number of
 * files; a file that cannot be loaded is reported in every format, not skipped.
 */
#define _POSIX_C_SOURCE 200809L /* isatty */
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * stdout's buffer when it is a file or a pipe: a run over thousands of files writes megabytes,
 * and the default (a page) costs a write(2) every few results.
 */
static char stdout_buffer[64 * 1024]; /* static: stdout uses it until exit */

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_GITHUB };
enum { O_CAPS, O_CAPSDB, O_FORMAT, O_HELP };

static const struct cli_option check_options[] = {
    {"caps", 0, true}, {"capsdb", 0, true}, {"format", 0, true}, {"help", 'h', false}, {0}};

int cmd_check(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", "sarif", "github", NULL};
	struct cli_args a;
	struct checked c;
	struct check_report *report;
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
	/* one report for every file: each is printed and released before the next */
	report = malloc(sizeof(*report));
	if (!report)
		abort();
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
	/* a loader diagnostic in one write(2), not several: unbuffered fprintf() splits it */
	setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
	/* one thread: the hundreds of small writes of a result need not each take stdout's lock */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
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
		ok = checked_run(&c, report, path, a.value[O_CAPS], err, sizeof(err));
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
	free(report);
	cli_args_release(&a);
	return status;
}
