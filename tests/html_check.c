/*
 * html_check.c -- see html_check.h.  A stack of open elements; each element may appear only
 * under the parents listed in allowed[], so a misplaced <tr> or <td> is caught as well as an
 * unbalanced one.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "html_check.h"

#define MAX_DEPTH 64

/* The elements the pages use and where each may stand ("" = anywhere in <body>). */
static const struct {
	const char *name, *parents;
	bool is_void;
} allowed[] = {
    {"html", "-", false},         {"head", "html", false},       {"body", "html", false},
    {"meta", "head", true},       {"title", "head", false},      {"style", "head", false},
    {"h1", "body", false},        {"p", "body details", false},  {"ul", "body", false},
    {"li", "ul", false},          {"span", "", false},           {"br", "", true},
    {"table", "body", false},     {"thead", "table", false},     {"tbody", "table", false},
    {"tr", "thead tbody", false}, {"th", "tr", false},           {"td", "tr", false},
    {"details", "td", false},     {"summary", "details", false},
};

struct reader {
	const char *p;
	char stack[MAX_DEPTH][16];
	size_t depth;
	size_t tds;         /* <td> in the body row being read */
	bool in_summary_li; /* collecting an <li class="summary"> */
	size_t summary_len;
	struct html_facts *f;
};

static bool fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->f->why, sizeof(r->f->why), fmt, ap);
	va_end(ap);
	return false;
}

static int element(const char *name)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(allowed[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const char *top(const struct reader *r, size_t up)
{
	return r->depth > up ? r->stack[r->depth - 1 - up] : "-";
}

/* Whether parent is one of the space-separated names of list. */
static bool listed(const char *list, const char *parent)
{
	size_t l = strlen(parent);

	for (const char *s = list; (s = strstr(s, parent)) != NULL; s += l)
		if ((s == list || s[-1] == ' ') && (s[l] == ' ' || s[l] == '\0'))
			return true;
	return false;
}

/* An entity at p ("&amp;" ...); its length, or 0 when it is none the pages may use. */
static size_t entity(const char *p, char *out)
{
	static const struct {
		const char *text;
		char c;
	} named[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
	             {"&quot;", '"'}, {"&#39;", '\''}, {"&#10;", '\n'}};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t l = strlen(named[i].text);

		if (strncmp(p, named[i].text, l) == 0) {
			*out = named[i].c;
			return l;
		}
	}
	return 0;
}

/* Text up to the next '<': escaped, collected for a summary line. */
static bool text(struct reader *r)
{
	/* where only elements belong, text is layout white space */
	bool blank_only = r->depth == 0 || listed("html head table thead tbody tr ul", top(r, 0));

	while (*r->p && *r->p != '<') {
		if (blank_only && !isspace((unsigned char)*r->p))
			return fail(r, "text \"%.40s\" directly in <%s>", r->p, top(r, 0));
		char c = *r->p;
		size_t l = 1;

		if (c == '>')
			return fail(r, "raw '>' in text near \"%.40s\"", r->p);
		if (c == '&' && (l = entity(r->p, &c)) == 0)
			return fail(r, "'&' that starts no entity near \"%.40s\"", r->p);
		if (r->in_summary_li && r->summary_len + 1 < sizeof(r->f->summaries[0]))
			r->f->summaries[r->f->n_summaries][r->summary_len++] = c;
		r->p += l;
	}
	return true;
}

/* name="value" pairs up to '>'; reports whether class="summary" was among them. */
static bool attributes(struct reader *r, bool *summary_class)
{
	*summary_class = false;
	for (;;) {
		const char *name, *value;
		char c;

		while (*r->p == ' ')
			r->p++;
		if (*r->p == '>') {
			r->p++;
			return true;
		}
		name = r->p;
		while (islower((unsigned char)*r->p) || *r->p == '-')
			r->p++;
		if (r->p == name || strncmp(r->p, "=\"", 2) != 0)
			return fail(r, "attribute not name=\"value\" near \"%.40s\"", name);
		r->p += 2;
		value = r->p;
		while (*r->p != '"') {
			size_t l = 1;

			if (!*r->p || *r->p == '<' || *r->p == '>')
				return fail(r, "unescaped or unterminated attribute near \"%.40s\"",
				            name);
			if (*r->p == '&' && (l = entity(r->p, &c)) == 0)
				return fail(r,
				            "'&' that starts no entity in attribute near \"%.40s\"",
				            name);
			r->p += l;
		}
		if (strncmp(name, "class=\"summary\"", 15) == 0 && r->p - value == 7)
			*summary_class = true;
		r->p++;
	}
}

static bool start_tag(struct reader *r)
{
	char name[16];
	size_t n = 0;
	int e;
	bool summary_class;

	r->p++;
	while (islower((unsigned char)*r->p) || isdigit((unsigned char)*r->p))
		if (n + 1 < sizeof(name))
			name[n++] = *r->p++;
		else
			return fail(r, "element name too long");
	name[n] = '\0';
	e = element(name);
	if (e < 0)
		return fail(r, "unexpected element <%s>", name);
	if (strcmp(allowed[e].parents, "-") == 0 ? r->depth != 0
	    : allowed[e].parents[0]              ? !listed(allowed[e].parents, top(r, 0))
	                                         : r->depth < 2)
		return fail(r, "<%s> inside <%s>", name, top(r, 0));
	if (!attributes(r, &summary_class))
		return false;
	r->f->n_html += strcmp(name, "html") == 0;
	r->f->n_head += strcmp(name, "head") == 0;
	r->f->n_body += strcmp(name, "body") == 0;
	r->f->n_table += strcmp(name, "table") == 0;
	r->f->n_details += strcmp(name, "details") == 0;
	if (strcmp(name, "tr") == 0)
		r->tds = 0;
	if (strcmp(name, "td") == 0)
		r->tds++;
	if (strcmp(name, "th") == 0 && strcmp(top(r, 1), "thead") == 0)
		r->f->header_cells++;
	if (strcmp(name, "li") == 0 && summary_class) {
		if (r->f->n_summaries >= HTML_MAX_SUMMARIES)
			return fail(r, "too many summary lines");
		r->in_summary_li = true;
		r->summary_len = 0;
	}
	if (allowed[e].is_void)
		return true;
	if (r->depth == MAX_DEPTH)
		return fail(r, "nested too deep");
	snprintf(r->stack[r->depth++], sizeof(r->stack[0]), "%s", name);
	if (strcmp(name, "style") == 0) {
		/* CSS is raw text up to its end tag; it may hold '>' (selectors) but never '<'. */
		const char *end = strstr(r->p, "</style>");

		if (!end || memchr(r->p, '<', (size_t)(end - r->p)))
			return fail(r, "<style> without a clean end");
		r->p = end;
	}
	return true;
}

static bool end_tag(struct reader *r)
{
	const char *name = r->p + 2, *close = strchr(name, '>');
	size_t n = close ? (size_t)(close - name) : 0;

	if (!close || r->depth == 0 || strlen(top(r, 0)) != n || strncmp(top(r, 0), name, n) != 0)
		return fail(r, "</%.*s> closes <%s>", (int)n, name, top(r, 0));
	if (strcmp(top(r, 0), "tr") == 0 && strcmp(top(r, 1), "tbody") == 0) {
		if (r->f->body_rows == 0 || r->tds < r->f->min_tds)
			r->f->min_tds = r->tds;
		if (r->tds > r->f->max_tds)
			r->f->max_tds = r->tds;
		r->f->body_rows++;
	}
	if (strcmp(top(r, 0), "li") == 0 && r->in_summary_li) {
		r->f->summaries[r->f->n_summaries++][r->summary_len] = '\0';
		r->in_summary_li = false;
	}
	r->depth--;
	r->p = close + 1;
	return true;
}

bool html_check(const char *page, struct html_facts *facts)
{
	struct reader r;

	memset(facts, 0, sizeof(*facts));
	memset(&r, 0, sizeof(r));
	r.f = facts;
	r.p = page;
	if (strncmp(r.p, "<!DOCTYPE html>\n", 16) != 0)
		return fail(&r, "no <!DOCTYPE html> first");
	r.p += 16;
	while (*r.p) {
		if (r.depth == 0 && r.f->n_html) {
			while (*r.p == '\n')
				r.p++;
			if (*r.p)
				return fail(&r, "text after </html>: \"%.40s\"", r.p);
			break;
		}
		if (!text(&r))
			return false;
		if (!*r.p)
			break;
		if (r.p[1] == '/' ? !end_tag(&r) : !start_tag(&r))
			return false;
	}
	if (r.depth)
		return fail(&r, "<%s> never closed", top(&r, 0));
	if (facts->n_html != 1 || facts->n_head != 1 || facts->n_body != 1)
		return fail(&r, "%zu <html>, %zu <head>, %zu <body>", facts->n_html, facts->n_head,
		            facts->n_body);
	return true;
}
