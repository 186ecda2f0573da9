/*
 * matrix_html.c -- `vmcslint matrix --format html`: one self-contained page (inline CSS, no
 * script, nothing fetched) with a row per processor, grouped by year and codename, and a
 * column per configuration.  A cell's colour is its outcome; its <details> (click) and title
 * (hover) give the deciding check's message and hint, so the page reads the same without
 * JavaScript.  Every text and attribute goes through html_text().
 */
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "cli.h"
#include "matrix.h"

/* The same colours for the cells and the legend, one class per outcome name. */
static const char page_style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
    "table{border-collapse:collapse}\n"
    "th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}\n"
    "thead th{background:#eee;position:sticky;top:0}\n"
    "th.group{background:#f6f6f6;font-weight:normal;white-space:nowrap}\n"
    "th.proc{font-weight:normal;white-space:nowrap}\n"
    "td{white-space:nowrap}\n"
    "details p{white-space:normal;max-width:42em;margin:.3em 0}\n"
    "summary{cursor:pointer}\n"
    ".tag{color:#7a4a00;font-size:90%}\n"
    ".legend span{display:inline-block;padding:1px 6px;margin-right:4px;border:1px solid #bbb}\n"
    ".success{background:#bfe8bf}\n"
    ".vmfail_invalid{background:#f08c8c}\n"
    ".vmfail_valid{background:#ffc98a}\n"
    ".entry_failure{background:#f7b0b0}\n"
    ".processor_dependent{background:#d8c6f2}\n"
    ".undecided{background:#dedede}\n"
    ".refused{background:#9e9e9e;color:#fff}\n";

/* Text or an attribute value, with the five characters HTML gives meaning escaped. */
static void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* Rows by year (unknown last), codename, then name: the order of the groups on the page. */
static int row_cmp(const void *a, const void *b)
{
	const struct matrix_row *x = *(const struct matrix_row *const *)a;
	const struct matrix_row *y = *(const struct matrix_row *const *)b;
	int c;

	if (x->year != y->year)
		return !x->year ? 1 : !y->year ? -1 : x->year - y->year;
	c = strcmp(x->codename, y->codename);
	return c ? c : strcmp(x->caps, y->caps);
}

static bool same_group(const struct matrix_row *a, const struct matrix_row *b)
{
	return a->year == b->year && strcmp(a->codename, b->codename) == 0;
}

static void cell(FILE *out, const struct matrix_cell *c)
{
	const char *id = c->deciding_rule >= 0 ? check_rule_at((size_t)c->deciding_rule)->id : NULL;
	const char *kind = c->refused ? "refused" : check_outcome_name(c->prediction.kind);
	char what[400], vmw[64] = "";

	if (c->refused)
		snprintf(what, sizeof(what),
		         "the hypervisor refuses to run: a control it requires is not allowed "
		         "[%s]",
		         ADJUST_ID_REFUSED);
	else
		outcome_text(what, sizeof(what), &c->prediction);
	if (c->vmwrite_fail)
		snprintf(vmw, sizeof(vmw), "%zu VMWRITE%s fail", c->vmwrite_fail,
		         c->vmwrite_fail == 1 ? "" : "s");
	fprintf(out, "<td class=\"%s\" title=\"", kind);
	html_text(out, what);
	if (c->message) {
		fputs("&#10;", out);
		html_text(out, c->message);
	}
	if (c->hint) {
		fputs("&#10;hint: ", out);
		html_text(out, c->hint);
	}
	fputs("\">", out);
	if (!id && !vmw[0]) {
		html_text(out, kind);
		fputs("</td>", out);
		return;
	}
	fputs("<details><summary>", out);
	html_text(out, id ? id : kind);
	fputs("</summary><p>", out);
	html_text(out, what);
	if (vmw[0]) {
		fputs(" (", out);
		html_text(out, vmw);
		fputs(")", out);
	}
	fputs("</p>", out);
	if (c->message) {
		fputs("<p>", out);
		html_text(out, c->message);
		fputs("</p>", out);
	}
	if (c->hint) {
		fputs("<p>hint: ", out);
		html_text(out, c->hint);
		fputs("</p>", out);
	}
	fputs("</details></td>", out);
}

static void group_heading(FILE *out, const struct matrix_row *r, size_t span)
{
	char year[16];

	snprintf(year, sizeof(year), "%d", r->year);
	fprintf(out, "<th class=\"group\" scope=\"rowgroup\" rowspan=\"%zu\">", span);
	html_text(out, r->year ? year : "year unknown");
	fputs("<br>", out);
	html_text(out, r->codename[0] ? r->codename : "(no codename)");
	fputs("</th>", out);
}

static void head(FILE *out, const struct matrix *m, const char *kind)
{
	char buf[600];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
	      out);
	html_text(out, "vmcslint matrix:");
	for (size_t j = 0; j < m->n_files; j++) {
		fputc(' ', out);
		html_text(out, m->files[j].base);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>vmcslint matrix</h1>\n",
	        page_style);
	fprintf(out, "<p>%zu configuration%s on %zu processors (capsdb entries", m->n_files,
	        m->n_files == 1 ? "" : "s", m->n_rows);
	if (kind) {
		fputs(" of kind ", out);
		html_text(out, kind);
	}
	fputs("), by vmcslint ", out);
	html_text(out, VMCSLINT_VERSION);
	fputs(" after the SDM: ", out);
	html_text(out, VMCSLINT_SDM_EDITION);
	fputs(". Click a cell for the deciding check&#39;s message and hint; a processor marked "
	      "{virtualized} or {confidence medium} has doubtful capabilities.</p>\n<ul>\n",
	      out);
	for (size_t j = 0; j < m->n_files; j++) {
		matrix_summary(buf, sizeof(buf), &m->files[j]);
		fputs("<li class=\"summary\">", out);
		html_text(out, buf);
		fputs("</li>\n", out);
	}
	fputs("</ul>\n<p class=\"legend\">", out);
	for (unsigned k = 0; k < OUTCOME__COUNT; k++) {
		fprintf(out, "<span class=\"%s\">", check_outcome_name(k));
		html_text(out, check_outcome_name(k));
		fputs("</span>", out);
	}
	fputs("<span class=\"refused\">refused</span>", out);
	fputs("</p>\n", out);
}

void matrix_html(FILE *out, const struct matrix *m, const char *kind)
{
	const struct matrix_row **rows = calloc(m->n_rows ? m->n_rows : 1, sizeof(*rows));

	if (!rows)
		abort();
	for (size_t i = 0; i < m->n_rows; i++)
		rows[i] = &m->rows[i];
	qsort(rows, m->n_rows, sizeof(*rows), row_cmp);
	head(out, m, kind);
	fputs("<table>\n<thead><tr><th scope=\"col\">year, codename</th>"
	      "<th scope=\"col\">processor</th>",
	      out);
	for (size_t j = 0; j < m->n_files; j++) {
		fputs("<th scope=\"col\" title=\"", out);
		html_text(out, m->files[j].path);
		fputs("\">", out);
		html_text(out, m->files[j].base);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n", out);
	for (size_t i = 0; i < m->n_rows; i++) {
		const struct matrix_row *r = rows[i];
		size_t span = 1;

		if (i == 0 || !same_group(rows[i - 1], r)) {
			while (i + span < m->n_rows && same_group(rows[i + span], r))
				span++;
			fputs(i ? "</tbody>\n<tbody>\n<tr>" : "<tbody>\n<tr>", out);
			group_heading(out, r, span);
		} else {
			fputs("<tr>", out);
		}
		fputs("<th class=\"proc\" scope=\"row\">", out);
		html_text(out, r->caps);
		if (r->tag[0]) {
			fputs(" <span class=\"tag\">{", out);
			html_text(out, r->tag);
			fputs("}</span>", out);
		}
		fputs("</th>", out);
		for (size_t j = 0; j < m->n_files; j++)
			cell(out, &r->cells[j]);
		fputs("</tr>\n", out);
	}
	fputs(m->n_rows ? "</tbody>\n</table>\n</body>\n</html>\n" : "</table>\n</body>\n</html>\n",
	      out);
	free(rows);
}
