/*
 * cmd_matrix.c -- `vmcslint matrix`: configurations against every capsdb entry: on which
 * processors does each VMCS enter, and why not on the others.  One FILE prints a line per
 * processor; several print a processor x configuration table; JSON and a self-contained HTML
 * page (matrix_html.c) carry the same.
 */
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "opts.h"
#include "matrix.h"

static const char matrix_usage[] =
    "usage: vmcslint matrix [--capsdb DIR] [--kind real|emulator|virtualized]\n"
    "                       [--format text|json|html] FILE...\n\n"
    "Checks each FILE against every capsdb entry and prints, per processor, the prediction\n"
    "and the deciding check; several FILEs give one column each (a processor x configuration\n"
    "table), and a summary line per FILE: on how many processors it enters, fails, depends\n"
    "on the processor, or cannot be decided.  Each FILE is read once; its own caps: key plays\n"
    "no part (it must still name an entry that exists).\n"
    "  --format html   one self-contained page on standard output: processors grouped by\n"
    "                  year and codename, cells coloured by outcome, the deciding check's\n"
    "                  message and hint on hover or click\n"
    "exit status: 0 every FILE enters on every processor, 1 not everywhere, 2 bad input\n";

enum fmt { FMT_TEXT, FMT_JSON, FMT_HTML };

static const char *deciding_id(const struct matrix_cell *c)
{
	return c->deciding_rule >= 0 ? check_rule_at((size_t)c->deciding_rule)->id : NULL;
}

/* One FILE: a line per processor (the layout older scripts read). */
static void print_lines(const struct matrix *m)
{
	char buf[400];

	for (size_t i = 0; i < m->n_rows; i++) {
		const struct matrix_row *row = &m->rows[i];
		const struct matrix_cell *c = &row->cells[0];
		struct adjusted a = matrix_adjusted(m, i, 0);

		if (adjusted_matrix_refused(stdout, &a, false, false, row->kind, row->confidence,
		                            row->tag))
			continue;
		outcome_text(buf, sizeof(buf), &c->prediction);
		printf("%-44s %-14s %s", row->caps, check_outcome_name(c->prediction.kind), buf);
		if (deciding_id(c))
			printf(" [%s]", deciding_id(c));
		if (c->vmwrite_fail)
			printf(" (%zu VMWRITE%s fail)", c->vmwrite_fail,
			       c->vmwrite_fail == 1 ? "" : "s");
		if (row->tag[0])
			printf(" {%s}", row->tag);
		if (c->prediction.kind == OUTCOME_UNDECIDED && c->message)
			printf("\n    because: %s", c->message);
		if (c->inferred)
			printf("\n    rests on values from a sibling processor's dump: %s",
			       c->inferred);
		printf("\n");
		adjusted_matrix_values(stdout, &a, false);
	}
}

/* A table cell: the outcome and the deciding check. */
static void cell_text(char *buf, size_t n, const struct matrix_cell *c)
{
	if (c->refused)
		snprintf(buf, n, "refused [%s]", ADJUST_ID_REFUSED);
	else if (deciding_id(c))
		snprintf(buf, n, "%s [%s]", check_outcome_name(c->prediction.kind), deciding_id(c));
	else
		snprintf(buf, n, "%s", check_outcome_name(c->prediction.kind));
}

/* Several FILEs: a header row, then a row per processor, a column per FILE. */
static void print_table(const struct matrix *m)
{
	size_t w0 = strlen("processor"), *w = calloc(m->n_files, sizeof(*w));
	char buf[200];

	if (!w)
		abort();
	for (size_t j = 0; j < m->n_files; j++)
		w[j] = strlen(m->files[j].base);
	for (size_t i = 0; i < m->n_rows; i++) {
		if (strlen(m->rows[i].caps) > w0)
			w0 = strlen(m->rows[i].caps);
		for (size_t j = 0; j < m->n_files; j++) {
			cell_text(buf, sizeof(buf), &m->rows[i].cells[j]);
			if (strlen(buf) > w[j])
				w[j] = strlen(buf);
		}
	}
	printf("%-*s", (int)w0, "processor");
	for (size_t j = 0; j < m->n_files; j++)
		printf("  %-*s", j + 1 < m->n_files ? (int)w[j] : 0, m->files[j].base);
	printf("\n");
	for (size_t i = 0; i < m->n_rows; i++) {
		const struct matrix_row *row = &m->rows[i];

		printf("%-*s", (int)w0, row->caps);
		for (size_t j = 0; j < m->n_files; j++) {
			cell_text(buf, sizeof(buf), &row->cells[j]);
			printf("  %-*s", j + 1 < m->n_files || row->tag[0] ? (int)w[j] : 0, buf);
		}
		if (row->tag[0])
			printf("  {%s}", row->tag);
		printf("\n");
		for (size_t j = 0; j < m->n_files; j++) {
			if (row->cells[j].prediction.kind == OUTCOME_UNDECIDED &&
			    row->cells[j].message)
				printf("    because (%s): %s\n", m->files[j].base,
				       row->cells[j].message);
			if (row->cells[j].inferred)
				printf("    rests on values from a sibling processor's dump (%s): "
				       "%s\n",
				       m->files[j].base, row->cells[j].inferred);
		}
	}
	free(w);
}

/* `, "inferred_values": [...]` from a cell's ", "-joined names, as check writes it */
static void json_inferred(const char *list)
{
	const char *p = list;

	printf(", \"inferred_values\": [");
	for (bool first = true; *p; first = false) {
		const char *end = strstr(p, ", ");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		if (!first)
			printf(", ");
		json_string(stdout, name);
		p += len + (end ? 2 : 0);
	}
	printf("]");
}

static void print_json(const struct matrix *m)
{
	printf("{\"tool\": ");
	json_tool(stdout);
	printf(",\n \"files\": [");
	for (size_t j = 0; j < m->n_files; j++) {
		const struct matrix_file *f = &m->files[j];

		printf("%s\n  {\"file\": ", j ? "," : "");
		json_string(stdout, f->path);
		printf(", \"name\": ");
		json_string(stdout, f->base);
		printf(", \"results\": [");
		for (size_t i = 0; i < m->n_rows; i++) {
			const struct matrix_row *row = &m->rows[i];
			const struct matrix_cell *c = &row->cells[j];

			printf("%s\n   {\"caps\": ", i ? "," : "");
			json_string(stdout, row->caps);
			printf(", \"codename\": ");
			json_string(stdout, row->codename);
			if (row->year)
				printf(", \"year\": %d", row->year);
			else
				printf(", \"year\": null");
			printf(", \"prediction\": ");
			if (c->refused)
				printf("{\"outcome\": \"refused\", \"check\": \"%s\"}",
				       ADJUST_ID_REFUSED);
			else
				report_json_outcome(stdout, &c->prediction, deciding_id(c));
			printf(", \"failed\": %zu, \"undecided\": %zu, \"vmwrite_errors\": %zu, "
			       "\"kind\": ",
			       c->n_failed, c->n_undecided, c->vmwrite_fail);
			json_string(stdout, row->kind);
			printf(", \"confidence\": ");
			json_string(stdout, row->confidence);
			if (c->prediction.kind == OUTCOME_UNDECIDED && c->message) {
				printf(", \"undecided_because\": ");
				json_string(stdout, c->message);
			}
			if (c->inferred)
				json_inferred(c->inferred);
			{
				struct adjusted a = matrix_adjusted(m, i, j);

				adjusted_matrix_values(stdout, &a, true);
			}
			printf("}");
		}
		printf("\n  ], \"success\": %zu, \"fail\": %zu, \"processor_dependent\": %zu, "
		       "\"undecided\": %zu",
		       f->success, f->fail, f->depends, f->undecided);
		adjusted_matrix_summary(stdout, true, f->hv, f->refused);
		printf("}");
	}
	printf("\n]}\n");
}

enum { O_CAPSDB, O_KIND, O_FORMAT, O_HELP };

static const struct cli_option matrix_options[] = {
    {"capsdb", 0, true}, {"kind", 0, true}, {"format", 0, true}, {"help", 'h', false}, {0}};

int cmd_matrix(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", "html", NULL};
	const char *kind;
	int fmt = FMT_TEXT;
	struct cli_args a;
	char **files;
	size_t n_files;
	struct matrix m;
	int status = CLI_EXIT_OK;
	char buf[600];

	if (!cli_parse(argc, argv, matrix_options, "matrix", &a))
		return CLI_EXIT_USAGE;
	if (cli_has(&a, O_HELP)) {
		fputs(matrix_usage, stdout);
		cli_args_release(&a);
		return CLI_EXIT_OK;
	}
	if (cli_has(&a, O_CAPSDB))
		capsdb_set_dir(a.value[O_CAPSDB]);
	kind = a.value[O_KIND];
	if (cli_has(&a, O_FORMAT) &&
	    !cli_choice("matrix", "--format", a.value[O_FORMAT], formats, &fmt)) {
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	files = a.operand;
	n_files = (size_t)a.n_operand;
	if (!n_files) {
		fputs(matrix_usage, stderr);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	if (!matrix_load(&m, files, n_files, stderr)) {
		matrix_release(&m);
		cli_args_release(&a);
		return CLI_EXIT_USAGE;
	}
	matrix_judge(&m, kind);
	if (fmt == FMT_JSON)
		print_json(&m);
	else if (fmt == FMT_HTML)
		matrix_html(stdout, &m, kind);
	else if (n_files == 1)
		print_lines(&m);
	else
		print_table(&m);
	for (size_t j = 0; j < m.n_files; j++) {
		const struct matrix_file *f = &m.files[j];

		if (fmt == FMT_TEXT) {
			matrix_summary(buf, sizeof(buf), f);
			printf("%s\n", buf);
		}
		if (f->fail || f->depends || f->undecided || f->refused)
			status = CLI_EXIT_FINDINGS;
	}
	matrix_release(&m);
	cli_args_release(&a);
	return status;
}
