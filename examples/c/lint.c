/*
 * lint.c -- vmcslint's host library from a C program: check VMCS configurations on a
 * processor and print the prediction and the findings.
 *
 *     cc lint.c $(pkg-config --cflags --libs vmcslint-host) -o lint
 *     ./lint [--caps ENTRY|FILE] [--capsdb DIR] CONFIG.yaml...
 *
 * Exit status: 0 when every entry is predicted to succeed, 1 otherwise, 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include <vmcsl_host.h>

static void print_verdict(const char *path, const struct vmcsl_verdict *v)
{
	printf("%s: %s", path, vmcsl_outcome_name(v->outcome));
	if (v->outcome == VMCSL_OUTCOME_VMFAIL_VALID)
		printf(" (VM-instruction error %u)", v->vm_instruction_error);
	else if (v->outcome == VMCSL_OUTCOME_ENTRY_FAILURE)
		printf(" (exit reason %u, qualification %#llx)", v->exit_reason,
		       v->exit_qualification);
	if (v->check)
		printf(" [%s]", v->check);
	printf(" on %s: %s\n", v->caps ? v->caps : "-", v->text);
}

static void print_findings(const struct vmcsl_lint *l)
{
	struct vmcsl_finding f;

	for (size_t i = 0; vmcsl_lint_finding(l, i, &f) == 0; i++) {
		printf("  %s:%u:%u: %s: [%s] %s\n", f.file, f.line, f.column, f.severity, f.check,
		       f.message);
		if (f.hint[0])
			printf("    hint: %s\n", f.hint);
		if (f.sdm_section[0])
			printf("    SDM %s \"%s\"\n", f.sdm_section, f.sdm_title);
	}
}

int main(int argc, char **argv)
{
	const char *caps = NULL;
	int status = 0, files = 0;

	for (int i = 1; i < argc; i++) {
		struct vmcsl_lint *l;
		struct vmcsl_verdict v;

		if (!strcmp(argv[i], "--caps") && i + 1 < argc) {
			caps = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--capsdb") && i + 1 < argc) {
			vmcsl_set_capsdb_dir(argv[++i]);
			continue;
		}
		l = vmcsl_lint_file(argv[i], caps);
		if (!l) {
			fprintf(stderr, "lint: out of memory\n");
			return 2;
		}
		files++;
		vmcsl_lint_verdict(l, &v);
		print_verdict(argv[i], &v);
		print_findings(l);
		if (v.outcome != VMCSL_OUTCOME_SUCCESS)
			status = 1;
		vmcsl_lint_free(l);
	}
	if (!files) {
		fprintf(stderr, "usage: lint [--caps ENTRY|FILE] [--capsdb DIR] CONFIG.yaml...\n");
		return 2;
	}
	return status;
}
