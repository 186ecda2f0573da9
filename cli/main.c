/*
 * main.c -- the vmcslint command: a table of subcommands, git style.
 * Adding a command: write cmd_NAME() in cli/cmd_NAME.c, declare it in cli.h, add a row below.
 */
#include <string.h>

#include "cli.h"
#include "vmcslint.h"

static const struct cli_command commands[] = {
    {"fields", cmd_fields, "list, look up and search the VMCS fields of the Intel SDM"},
    {"check", cmd_check, "predict what VMLAUNCH/VMRESUME does with a VMCS configuration"},
    {"fix", cmd_fix, "correct the failures that have exactly one safe correction, in place"},
    {"explain", cmd_explain, "explain a check: what it verifies, its SDM section, its outcome"},
    {"matrix", cmd_matrix,
     "check configurations against every processor in the capsdb (text, JSON, HTML)"},
    {"diagnose", cmd_diagnose, "explain VM-entry failures from KVM, Xen and QEMU dumps in a log"},
    {"probe", cmd_probe, "run configurations through a real VMLAUNCH and compare with the checker"},
    {"caps", cmd_caps, "browse, decode, compare and harvest VMX capabilities (capsdb)"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
	        "usage: vmcslint [--version] [--help] COMMAND [ARGS]\n\n"
	        "Predicts whether an Intel VMX VM entry succeeds with a given VMCS, and if not,\n"
	        "which rule of the Intel SDM fails and what the processor reports.\n\n"
	        "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'vmcslint COMMAND --help' describes a command.\n"
	             "exit status: 0 success, 1 findings (an entry predicted to fail), 2 bad input "
	             "or usage\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("vmcslint %s\nSDM: %s\n", VMCSLINT_VERSION, VMCSLINT_SDM_EDITION);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	cli_error("unknown command '%s'; 'vmcslint --help' lists the commands", argv[1]);
	return CLI_EXIT_USAGE;
}
