/*
 * test_matrix.c -- `vmcslint matrix` as the fleet view: several configurations as columns in
 * text, JSON and HTML, the same counts in every format, each configuration read once, and the
 * HTML page well formed (tests/html_check.c) with a row per processor and a column per file.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codename_year.h"
#include "helpers.h"
#include "html_check.h"
#include "json_check.h"

#define VALID   "examples/valid-long-mode.yaml"
#define BROKEN  "examples/broken-vpid-zero.yaml"
#define REALMOD "examples/valid-real-mode-unrestricted.yaml"

/* The capsdb entries matrix judges without --kind: every entry file of the tree. */
static size_t capsdb_entries(void)
{
	DIR *d = opendir("capsdb/cpus");
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		n += l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0;
	}
	closedir(d);
	return n;
}

/* The lines of text output that end a run: "FILE: enters on N processors, ...". */
static size_t summary_lines(const char *out, char lines[][600], size_t max)
{
	size_t n = 0;

	for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l < 600 && memmem(p, l, ": enters on ", 12) && n < max) {
			memcpy(lines[n], p, l);
			lines[n++][l] = '\0';
		}
	}
	return n;
}

/* Processor lines of text output: neither the header, a "because" line nor a summary. */
static size_t processor_lines(const char *out, bool table)
{
	size_t n = 0;
	bool first = true;

	for (const char *p = out; *p; first = false) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (!(table && first) && l && p[0] != ' ' && !memmem(p, l, ": enters on ", 12))
			n++;
		p = end ? end + 1 : p + l;
	}
	return n;
}

Test(matrix, html_page_is_well_formed_with_a_row_per_processor_and_a_column_per_file)
{
	struct cli_result h = run_cli(
	    NULL, (const char *[]){"matrix", "--format", "html", VALID, BROKEN, REALMOD, NULL});
	struct cli_result t =
	    run_cli(NULL, (const char *[]){"matrix", VALID, BROKEN, REALMOD, NULL});
	static struct html_facts f;
	char lines[8][600];
	size_t n_lines = summary_lines(t.out, lines, 8);

	cr_expect_eq(h.status, 1, "%s", h.err);
	cr_expect_eq(t.status, h.status);
	cr_assert(html_check(h.out, &f), "not well formed: %s", f.why);
	cr_expect_eq(f.n_table, 1);
	cr_expect_eq(f.body_rows, capsdb_entries(), "%zu rows", f.body_rows);
	cr_expect_eq(f.body_rows, processor_lines(t.out, true));
	cr_expect_eq(f.min_tds, 3, "a row with %zu cells", f.min_tds);
	cr_expect_eq(f.max_tds, 3, "a row with %zu cells", f.max_tds);
	cr_expect_eq(f.header_cells, 2 + 3, "year/codename, processor, one per file");
	cr_expect_gt(f.n_details, 0, "no cell expands");
	/* The page's summary lines are the text output's, count for count. */
	cr_assert_eq(f.n_summaries, 3);
	cr_assert_eq(n_lines, 3, "%s", t.out);
	for (size_t i = 0; i < 3; i++)
		cr_expect_str_eq(f.summaries[i], lines[i]);
	cr_expect(strstr(h.out, "<script") == NULL && strstr(h.out, "http") == NULL,
	          "the page must stand alone");
	cli_result_free(&h);
	cli_result_free(&t);
}

Test(matrix, html_with_a_kind_shows_the_doubtful_tag_and_text_counts)
{
	struct cli_result h = run_cli(NULL, (const char *[]){"matrix", "--kind", "virtualized",
	                                                     "--format", "html", VALID, NULL});
	struct cli_result t =
	    run_cli(NULL, (const char *[]){"matrix", "--kind", "virtualized", VALID, NULL});
	static struct html_facts f;
	char lines[2][600];

	cr_assert(html_check(h.out, &f), "not well formed: %s", f.why);
	cr_expect_eq(f.body_rows, processor_lines(t.out, false), "%s", t.out);
	cr_expect_gt(f.body_rows, 0);
	cr_expect_eq(f.min_tds, 1);
	cr_expect_eq(f.max_tds, 1);
	cr_expect(strstr(h.out, "<span class=\"tag\">{virtualized}</span>"), "%s", h.out);
	cr_assert_eq(summary_lines(t.out, lines, 2), 1);
	cr_assert_eq(f.n_summaries, 1);
	cr_expect_str_eq(f.summaries[0], lines[0]);
	cli_result_free(&h);
	cli_result_free(&t);
}

/* A file name with every character HTML gives meaning must come out as text. */
Test(matrix, html_escapes_what_it_shows)
{
	char path[] = "/tmp/vmcslint-m&<b>\"q'-XXXXXX.yaml";
	char *text = read_file(VALID, NULL);
	struct cli_result h;
	static struct html_facts f;
	int fd = mkstemps(path, 5);

	cr_assert_geq(fd, 0);
	cr_assert_not_null(text);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	h = run_cli(NULL, (const char *[]){"matrix", "--format", "html", path, NULL});
	cr_assert(html_check(h.out, &f), "not well formed: %s", f.why);
	cr_expect(strstr(h.out, "vmcslint-m&amp;&lt;b&gt;&quot;q&#39;-"), "%s", h.out);
	cr_expect(strstr(h.out, "m&<b>") == NULL, "raw name in the page");
	cr_assert_eq(f.n_summaries, 1);
	cr_expect(strncmp(f.summaries[0], path, strlen(path)) == 0, "%s", f.summaries[0]);
	cli_result_free(&h);
	free(text);
	unlink(path);
}

/* Whether the first line of s holds a, then b after it (a table pads its columns). */
static bool in_line_in_order(const char *s, const char *a, const char *b)
{
	const char *end = strchr(s, '\n'), *pa = strstr(s, a), *pb = pa ? strstr(pa, b) : NULL;

	return pb && (!end || pb < end);
}

/* An undecided cell is followed by its reason, named by its column. */
Test(matrix, undecided_cells_say_why_per_column)
{
	struct cli_result t =
	    run_cli(NULL, (const char *[]){"matrix", "--capsdb", "tests/fixtures/caps", VALID,
	                                   BROKEN, NULL});
	const char *row = strstr(t.out, "\nno-true-msrs ");

	cr_assert_not_null(row, "%s", t.out);
	row++;
	cr_expect(in_line_in_order(row, "  undecided [CTL-PROC-RESERVED]",
	                           "  vmfail_valid [CTL-VPID-NONZERO]"),
	          "%.200s", row);
	cr_expect(strstr(row, "\n    because (valid-long-mode.yaml): cannot decide whether "
	                      "CPU_BASED_VM_EXEC_CONTROL = 0x940061f2"),
	          "%.400s", row);
	cli_result_free(&t);
}

Test(matrix, several_files_give_a_table_with_a_header_and_a_column_each)
{
	struct cli_result t = run_cli(NULL, (const char *[]){"matrix", VALID, BROKEN, NULL});
	const char *files[] = {VALID, BROKEN};
	char many[4][600], one[2][600];
	const char *row;

	cr_expect_eq(t.status, 1);
	cr_expect_eq(strncmp(t.out, "processor ", 10), 0, "%s", t.out);
	cr_expect(in_line_in_order(t.out, "  valid-long-mode.yaml", "  broken-vpid-zero.yaml"),
	          "%.200s", t.out);
	/* The same processor in the table and alone: the cells are the single-file outcomes. */
	row = strstr(t.out, "\nivy-bridge-core-i7-3770 ");
	cr_assert_not_null(row, "%s", t.out);
	row++;
	cr_expect(in_line_in_order(row, "  success", "  vmfail_valid [CTL-VPID-NONZERO]"), "%.200s",
	          row);
	cr_expect(strstr(row, "\n    rests on values from a sibling processor's dump "
	                      "(valid-long-mode.yaml): IA32_VMX_TRUE_PINBASED_CTLS, "),
	          "%.400s", row);
	cr_expect_eq(processor_lines(t.out, true), capsdb_entries());
	/* Each column's summary is what the file alone gives. */
	cr_assert_eq(summary_lines(t.out, many, 4), 2);
	for (size_t i = 0; i < 2; i++) {
		struct cli_result s = run_cli(NULL, (const char *[]){"matrix", files[i], NULL});

		cr_assert_eq(summary_lines(s.out, one, 2), 1);
		cr_expect_str_eq(many[i], one[0]);
		cli_result_free(&s);
	}
	cli_result_free(&t);
}

Test(matrix, json_has_check_s_tool_and_an_object_per_file)
{
	struct cli_result j =
	    run_cli(NULL, (const char *[]){"matrix", "--format", "json", VALID, BROKEN, NULL});
	struct cli_result c =
	    run_cli(NULL, (const char *[]){"check", "--format", "json", VALID, NULL});
	struct cli_result t = run_cli(NULL, (const char *[]){"matrix", VALID, BROKEN, NULL});
	const char *where = NULL, *tool_end = strchr(c.out, '}');
	char lines[4][600];
	size_t rows = processor_lines(t.out, true);

	cr_assert(json_valid(j.out, &where), "invalid JSON at %.60s", where ? where : "");
	cr_assert_not_null(tool_end);
	cr_expect_eq(strncmp(j.out, c.out, (size_t)(tool_end - c.out + 1)), 0,
	             "tool differs: %.80s vs %.80s", j.out, c.out);
	cr_expect_eq(count_substr(j.out, "{\"file\": "), 2);
	cr_expect_eq(count_substr(j.out, "{\"caps\": "), 2 * rows);
	cr_expect_eq(count_substr(j.out, "\"codename\": "), 2 * rows);
	cr_assert_eq(summary_lines(t.out, lines, 4), 2);
	for (int i = 0; i < 2; i++) {
		char *obj = json_result(j.out, i);
		const char *counts = obj ? strstr(obj, "], \"success\": ") : NULL;
		size_t ok, fail, dep, und, ok2, fail2, dep2, und2;
		char file[300];

		cr_assert_not_null(counts, "%s", obj ? obj : j.out);
		cr_assert_eq(
		    sscanf(counts,
		           "], \"success\": %zu, \"fail\": %zu, \"processor_dependent\": %zu, "
		           "\"undecided\": %zu",
		           &ok, &fail, &dep, &und),
		    4);
		cr_assert_eq(sscanf(lines[i],
		                    "%299[^:]: enters on %zu processors, fails on %zu, "
		                    "processor-dependent on %zu, undecided on %zu",
		                    file, &ok2, &fail2, &dep2, &und2),
		             5);
		cr_expect(ok == ok2 && fail == fail2 && dep == dep2 && und == und2, "%s: %s", file,
		          counts);
		cr_expect_eq(ok + fail + dep + und, rows);
		free(obj);
	}
	cli_result_free(&j);
	cli_result_free(&c);
	cli_result_free(&t);
}

/*
 * Each configuration is parsed once, whatever the number of processors: a pipe can be read
 * only once, so a second reading would find /dev/stdin empty ("empty configuration").
 */
Test(matrix, each_configuration_is_read_once)
{
	char *text = read_file(VALID, NULL);
	struct cli_result p, f;
	const char *ps, *fs;

	cr_assert_not_null(text);
	p = run_cli(text, (const char *[]){"matrix", "/dev/stdin", NULL});
	f = run_cli(NULL, (const char *[]){"matrix", VALID, NULL});
	cr_expect_eq(p.status, f.status, "%s", p.err);
	cr_expect_str_eq(p.err, "");
	/* Line for line the same verdicts; only the summary names the file otherwise. */
	ps = strstr(p.out, "/dev/stdin: enters on ");
	fs = strstr(f.out, VALID ": enters on ");
	cr_assert(ps && fs, "%s", p.out);
	cr_expect_eq(ps - p.out, fs - f.out);
	cr_expect_eq(strncmp(p.out, f.out, (size_t)(fs - f.out)), 0);
	cr_expect_str_eq(ps + strlen("/dev/stdin"), fs + strlen(VALID));
	cr_expect_eq(processor_lines(p.out, false), capsdb_entries());
	cli_result_free(&p);
	cli_result_free(&f);
	free(text);
}

/* The checker itself: each of these pages breaks one of its rules. */
Test(matrix, the_html_checker_rejects_what_is_not_well_formed)
{
	static const char *const bad[] = {
	    "<html><head></head><body></body></html>\n",                      /* no doctype */
	    "<!DOCTYPE html>\n<html><head></head><body><p>a</body></html>\n", /* unclosed p */
	    "<!DOCTYPE html>\n<html><head></head><body><p>a & b</p></body></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body><p>a > b</p></body></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body><p title=x>a</p></body></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body><td>a</td></body></html>\n", /* no tr */
	    "<!DOCTYPE html>\n<html><head></head><body><ul><p>a</p></ul></body></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body></body></html>\n<html></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body><h1><p>a</h1></p></body></html>\n",
	    "<!DOCTYPE html>\n<html><head></head><body><table>x</table></body></html>\n",
	};
	static struct html_facts f;

	cr_expect(html_check("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>"
	                     "<p title=\"&lt;&amp;\">a &amp; b<br>c</p></body></html>\n",
	                     &f),
	          "%s", f.why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(html_check(bad[i], &f), "accepted: %s", bad[i]);
}

Test(matrix, bad_usage_exits_2)
{
	const char *const *cases[] = {
	    (const char *[]){"matrix", NULL},
	    (const char *[]){"matrix", "--format", "xml", VALID, NULL},
	    (const char *[]){"matrix", "--frobnicate", VALID, NULL},
	    (const char *[]){"matrix", VALID, "/nonexistent/x.yaml", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_result r = run_cli(NULL, cases[i]);

		cr_expect_eq(r.status, 2, "case %zu: %s", i, r.err);
		cr_expect_str_eq(r.out, "", "case %zu prints nothing on stdout", i);
		cr_expect_neq(r.err[0], '\0', "case %zu says why", i);
		cli_result_free(&r);
	}
}

static const struct {
	const char *prefix;
	int year;
} years[] = {
#define CODENAME_YEAR(prefix, year, source) {prefix, year},
#include "codename_years.def"
};

Test(matrix, codename_years_are_one_row_each_and_found_by_prefix)
{
	size_t n = sizeof(years) / sizeof(years[0]);

	for (size_t i = 0; i < n; i++) {
		cr_expect(years[i].year >= 2000 && years[i].year <= 2030, "%s", years[i].prefix);
		if (i)
			cr_expect_lt(strcmp(years[i - 1].prefix, years[i].prefix), 0,
			             "\"%s\" after \"%s\": keep the rows sorted and unique",
			             years[i].prefix, years[i - 1].prefix);
	}
	cr_expect_eq(codename_year("Haswell-E/EP"), 2014, "the longer prefix wins");
	cr_expect_eq(codename_year("Haswell-ULT"), 2013);
	cr_expect_eq(codename_year("Raptor Lake-S (Alder Lake die)"), 2022);
	cr_expect_eq(codename_year("Bochs 2.7 corei7_haswell_4770 (Haswell)"), 2013,
	             "an emulator model by the processor it models");
	cr_expect_eq(codename_year("Zhaoxin WuDaoKou"), 0);
	cr_expect_eq(codename_year("Bochs 2.7 x (Unheard Of)"), 0);
	cr_expect_eq(codename_year(NULL), 0);
}
