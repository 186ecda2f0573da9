/*
 * cmd_check.c -- `vmcslint check`: predict VM entry for configurations.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"

static const char check_usage[] =
    "usage: vmcslint check [--caps NAME|FILE] [--capsdb DIR] [--format text|json|sarif] "
    "FILE...\n\n"
    "Predicts what VMLAUNCH/VMRESUME does with each configuration (schema/README.md):\n"
    "success, VMfailInvalid, VMfailValid with its VM-instruction error, or a VM-entry\n"
    "failure with exit reason 33/34 and its qualification, and lists every failing check.\n"
    "--caps overrides the configuration's caps; without either, the built-in default\n"
    "(" CAPSDB_DEFAULT_NAME ") is used.\n\n"
    "exit status: 0 every file enters successfully, 1 a file is predicted to fail (or cannot\n"
    "be decided), 2 bad input or usage\n";

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF };

int cmd_check(int argc, char **argv)
{
	const char *caps = NULL;
	enum fmt fmt = FMT_TEXT;
	struct checked *runs;
	size_t n = 0;
	int status = CLI_EXIT_OK, i;
	char err[512];

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (cli_is_help(argv[i])) {
			fputs(check_usage, stdout);
			return CLI_EXIT_OK;
		}
		if (i + 1 >= argc)
			return cli_error("option '%s' needs a value", argv[i]);
		if (strcmp(argv[i], "--caps") == 0) {
			caps = argv[++i];
		} else if (strcmp(argv[i], "--capsdb") == 0) {
			capsdb_set_dir(argv[++i]);
		} else if (strcmp(argv[i], "--format") == 0) {
			const char *v = argv[++i];

			if (strcmp(v, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(v, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(v, "sarif") == 0)
				fmt = FMT_SARIF;
			else
				return cli_error("--format takes text, json or sarif, not '%s'", v);
		} else {
			return cli_error("unknown option '%s' ('vmcslint check --help')", argv[i]);
		}
	}
	if (i >= argc) {
		fputs(check_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	runs = calloc((size_t)(argc - i), sizeof(*runs));
	if (!runs)
		abort();
	for (; i < argc; i++) {
		struct checked *c = &runs[n];

		err[0] = '\0';
		if (!checked_run(c, argv[i], caps, err, sizeof(err))) {
			print_load_diags(stderr, &c->diags, argv[i]);
			if (err[0])
				fprintf(stderr, "%s: error: %s\n", argv[i], err);
			checked_release(c);
			status = CLI_EXIT_USAGE;
			continue;
		}
		print_load_diags(stderr, &c->diags, argv[i]);
		if (c->report->prediction.kind != OUTCOME_SUCCESS && status == CLI_EXIT_OK)
			status = CLI_EXIT_FINDINGS;
		n++;
	}
	if (fmt == FMT_TEXT) {
		for (size_t k = 0; k < n; k++)
			report_text(stdout, &runs[k]);
	} else if (fmt == FMT_JSON) {
		printf("{\"tool\": ");
		json_tool(stdout);
		printf(",\n \"results\": [");
		for (size_t k = 0; k < n; k++) {
			printf("%s\n  ", k ? "," : "");
			report_json_result(stdout, &runs[k]);
		}
		printf("\n]}\n");
	} else {
		report_sarif(stdout, runs, n);
	}
	for (size_t k = 0; k < n; k++)
		checked_release(&runs[k]);
	free(runs);
	return status;
}
