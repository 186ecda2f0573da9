/*
 * cmd_explain.c -- `vmcslint explain`: what a check verifies, where the SDM says so, what the
 * processor reports when it fails.
 */
#include <string.h>

#include "checked.h"
#include "cli.h"

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

int cmd_explain(int argc, char **argv)
{
	bool json = false, list = false;
	const char *id = NULL;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(explain_usage, stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--list") == 0) {
			list = true;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *v = argv[++i];

			if (strcmp(v, "json") == 0)
				json = true;
			else if (strcmp(v, "text") != 0)
				return cli_error("--format takes text or json, not '%s'", v);
		} else if (argv[i][0] != '-' && !id) {
			id = argv[i];
		} else {
			return cli_error("explain: unexpected '%s'", argv[i]);
		}
	}
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
