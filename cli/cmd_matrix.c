/*
 * cmd_matrix.c -- `vmcslint matrix`: one configuration against every capsdb entry: on which
 * processors does this VMCS enter, and why not on the others.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"

static const char matrix_usage[] =
    "usage: vmcslint matrix [--capsdb DIR] [--kind real|emulator|virtualized] [--format "
    "text|json] FILE\n\n"
    "Checks FILE against every capsdb entry (its own caps: key is ignored) and prints, per\n"
    "processor, the prediction and the deciding check.\n"
    "exit status: 0 it enters on every processor, 1 not on some, 2 bad input\n";

int cmd_matrix(int argc, char **argv)
{
	const char *file = NULL, *kind = NULL;
	bool json = false;
	size_t n, ok = 0, fail = 0, undecided = 0, depends = 0;
	char **names;
	int status = CLI_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(matrix_usage, stdout);
			return CLI_EXIT_OK;
		} else if (argv[i][0] == '-' && i + 1 >= argc) {
			return cli_error("option '%s' needs a value", argv[i]);
		} else if (strcmp(argv[i], "--capsdb") == 0) {
			capsdb_set_dir(argv[++i]);
		} else if (strcmp(argv[i], "--kind") == 0) {
			kind = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0) {
			const char *v = argv[++i];

			if (strcmp(v, "json") == 0)
				json = true;
			else if (strcmp(v, "text") != 0)
				return cli_error("--format takes text or json, not '%s'", v);
		} else if (!file) {
			file = argv[i];
		} else {
			return cli_error("matrix takes one FILE");
		}
	}
	if (!file) {
		fputs(matrix_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	names = capsdb_names(&n);
	if (json)
		printf("{\"file\": \"%s\", \"results\": [", file);
	for (size_t i = 0, shown = 0; i < n; i++) {
		struct checked c;
		struct caps_meta meta;
		struct vmx_caps tmp;
		char err[512], buf[200];

		const char *tag = "";
		const struct check_finding *why = NULL;

		if (!capsdb_load(names[i], &tmp, &meta, err, sizeof(err), NULL))
			continue;
		if (kind && !(meta.kind && strcmp(meta.kind, kind) == 0)) {
			caps_meta_release(&meta);
			continue;
		}
		/* doubtful capabilities are shown apart (capsdb/FORMAT.md, confidence) */
		if (meta.kind && strcmp(meta.kind, "virtualized") == 0)
			tag = "virtualized";
		else if (meta.confidence && strncmp(meta.confidence, "medium", 6) == 0 &&
		         meta.confidence[6] != '-')
			tag = "confidence medium";
		if (!checked_run(&c, file, names[i], err, sizeof(err))) {
			print_load_diags(stderr, &c.diags, file);
			if (err[0])
				fprintf(stderr, "%s: error: %s\n", file, err);
			checked_release(&c);
			caps_meta_release(&meta);
			capsdb_names_free(names, n);
			return CLI_EXIT_USAGE;
		}
		if (i == 0 || (shown == 0 && !json))
			print_load_diags(stderr, &c.diags, file);
		for (size_t f = 0; f < c.report->n_findings && f < CHECK_MAX_FINDINGS; f++) {
			if ((int)c.report->findings[f].rule == c.report->deciding_rule) {
				why = &c.report->findings[f];
				break;
			}
		}
		switch (c.report->prediction.kind) {
		case OUTCOME_SUCCESS:
			ok++;
			break;
		case OUTCOME_UNDECIDED:
			undecided++;
			status = CLI_EXIT_FINDINGS;
			break;
		case OUTCOME_PROCESSOR_DEPENDENT:
			depends++;
			status = CLI_EXIT_FINDINGS;
			break;
		default:
			fail++;
			status = CLI_EXIT_FINDINGS;
		}
		if (json) {
			printf("%s\n  {\"caps\": ", shown ? "," : "");
			json_string(stdout, names[i]);
			printf(", \"prediction\": ");
			report_json_outcome(stdout, &c.report->prediction,
			                    c.report->deciding_rule >= 0
			                        ? check_rule_at((size_t)c.report->deciding_rule)->id
			                        : NULL);
			printf(", \"failed\": %zu, \"undecided\": %zu, \"vmwrite_errors\": %zu, "
			       "\"kind\": ",
			       c.report->n_failed, c.report->n_undecided,
			       vmwrite_failures(c.report));
			json_string(stdout, meta.kind ? meta.kind : "");
			printf(", \"confidence\": ");
			json_string(stdout, meta.confidence ? meta.confidence : "");
			if (c.report->prediction.kind == OUTCOME_UNDECIDED && why) {
				printf(", \"undecided_because\": ");
				json_string(stdout, why->message);
			}
			report_json_inferred(stdout, &c.caps, c.report);
			printf("}");
		} else {
			outcome_text(buf, sizeof(buf), &c.report->prediction);
			printf("%-44s %-14s %s", names[i],
			       check_outcome_name(c.report->prediction.kind), buf);
			if (c.report->deciding_rule >= 0)
				printf(" [%s]", check_rule_at((size_t)c.report->deciding_rule)->id);
			if (vmwrite_failures(c.report))
				printf(" (%zu VMWRITE%s fail)", vmwrite_failures(c.report),
				       vmwrite_failures(c.report) == 1 ? "" : "s");
			if (tag[0])
				printf(" {%s}", tag);
			if (c.report->prediction.kind == OUTCOME_UNDECIDED && why)
				printf("\n    because: %s", why->message);
			if (inferred_text(buf, sizeof(buf), &c.caps, c.report))
				printf("\n    rests on values from a sibling processor's dump: %s",
				       buf);
			printf("\n");
		}
		shown++;
		checked_release(&c);
		caps_meta_release(&meta);
	}
	if (json)
		printf("\n], \"success\": %zu, \"fail\": %zu, \"processor_dependent\": %zu, "
		       "\"undecided\": %zu}\n",
		       ok, fail, depends, undecided);
	else
		printf("%s: enters on %zu processors, fails on %zu, processor-dependent on %zu, "
		       "undecided on %zu\n",
		       file, ok, fail, depends, undecided);
	capsdb_names_free(names, n);
	return status;
}
