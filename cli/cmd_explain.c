/*
 * cmd_explain.c -- `vmcslint explain`: what a check verifies, where the SDM says so, what the
 * processor reports when it fails.
 */
#include <string.h>

#include "checked.h"
#include "cli.h"
#include "fixers.h"
#include "opts.h"

static const char explain_usage[] =
    "usage: vmcslint explain [--format text|json] ID\n"
    "       vmcslint explain [--format text|json] --list\n\n"
    "ID is a check id such as GUEST-CR0-FIXED1 (case and '_' for '-' do not matter).\n";

static const char *const class_names[] = {"VMWRITE",
                                          "instruction",
                                          "VM-execution/exit/entry "
                                          "controls",
                                          "host state",
                                          "guest state",
                                          "MSR loading"};

static void json_rule(const struct check_rule *r)
{
	struct check_outcome o = check_rule_outcome(r);
	const char *f = r->fields;

	printf("{\"id\": ");
	json_string(stdout, r->id);
	printf(", \"class\": ");
	json_string(stdout, class_names[r->cls]);
	printf(", \"outcome\": ");
	report_json_outcome(stdout, &o, NULL);
	printf(", \"fixable\": %s", fixer_exists(r->id) ? "true" : "false");
	printf(", \"sdm\": ");
	json_string(stdout, r->sdm_section);
	printf(", \"sdm_title\": ");
	json_string(stdout, r->sdm_title);
	printf(", \"fields\": [");
	for (int k = 0; *f; k++) {
		size_t n = strcspn(f, ",");

		printf("%s", k ? ", " : "");
		json_string_n(stdout, f, n);
		f += n;
		if (*f == ',')
			f++;
	}
	printf("], \"summary\": ");
	json_string(stdout, r->summary);
	printf("}");
}

static void text_rule(const struct check_rule *r)
{
	struct check_outcome o = check_rule_outcome(r);
	char buf[200];
	const char *f = r->fields;

	outcome_text(buf, sizeof(buf), &o);
	printf("%s\n  %s\n", r->id, r->summary);
	printf("  class:    %s checks\n", class_names[r->cls]);
	if (r->cls == CHECK_CLASS_MSRLOAD)
		printf("  fails as: VM-entry failure, exit reason 34 (0x80000022), qualification = "
		       "the 1-based index of the failing MSR-load entry\n");
	else
		printf("  fails as: %s\n", buf);
	if (fixer_exists(r->id))
		printf("  fix:      `vmcslint fix` makes its one safe correction\n");
	printf("  SDM:      %s \"%s\"\n            (%s)\n", r->sdm_section, r->sdm_title,
	       VMCSLINT_SDM_EDITION);
	if (*f)
		printf("  fields:\n");
	while (*f) {
		size_t n = strcspn(f, ",");
		const struct vmcs_field_info *fi = vmcs_field_by_name(f, n, NULL);

		if (fi)
			printf("    0x%04x %-36s %s\n", fi->encoding, fi->name, fi->desc);
		f += n;
		if (*f == ',')
			f++;
	}
	if (r->cls == CHECK_CLASS_CTLS || r->cls == CHECK_CLASS_HOST)
		printf("  note:     the SDM lets the processor check controls and host state in "
		       "either "
		       "order, so with failures in both the error is 7 or 8\n");
}

enum { O_FORMAT, O_LIST, O_HELP };

static const struct cli_option explain_options[] = {
    {"format", 0, true}, {"list", 0, false}, {"help", 'h', false}, {0}};

static int explain_run(bool json, bool list, const char *id);

int cmd_explain(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct cli_args a;
	int fmt = 0, rc;

	if (!cli_parse(argc, argv, explain_options, "explain", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_HELP)) {
		fputs(explain_usage, stdout);
		rc = CLI_EXIT_OK;
	} else if (cli_has(&a, O_FORMAT) &&
	           !cli_choice("explain", "--format", a.value[O_FORMAT], formats, &fmt)) {
		rc = CLI_EXIT_USAGE;
	} else if (a.n_operand > 1) {
		rc = cli_error("explain: one check at a time, got '%s' too", a.operand[1]);
	} else {
		rc = explain_run(fmt == 1, cli_has(&a, O_LIST), a.n_operand ? a.operand[0] : NULL);
	}
	cli_args_release(&a);
	return rc;
}

static int explain_run(bool json, bool list, const char *id)
{
	if (list) {
		if (json)
			printf("{\"checks\": [");
		for (size_t i = 0; i < check_rule_count(); i++) {
			const struct check_rule *r = check_rule_at(i);

			if (json) {
				printf("%s\n  ", i ? "," : "");
				json_rule(r);
			} else {
				printf("%-40s %-9s %s\n", r->id, r->sdm_section, r->summary);
			}
		}
		if (json)
			printf("\n], \"count\": %zu}\n", check_rule_count());
		return CLI_EXIT_OK;
	}
	if (!id) {
		fputs(explain_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	{
		const struct check_rule *r = check_rule_by_id(id, strlen(id));

		if (!r && adjusted_explain(stdout, id, json))
			return CLI_EXIT_OK;
		if (!r)
			return cli_error(
			    "no check has the id '%s' ('vmcslint explain --list' lists "
			    "them)",
			    id);
		if (json) {
			json_rule(r);
			printf("\n");
		} else {
			text_rule(r);
		}
	}
	return CLI_EXIT_OK;
}
