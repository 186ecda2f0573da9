/*
 * lines.c -- logical lines: each line the kernel, Xen or QEMU printed, put back together from
 * the lines of the log.
 *
 * A mail client wraps long lines (at about 72 columns, splitting "key =" from its value), a
 * format=flowed mail keeps a blank at the end of each wrapped piece, and trace-cmd prints a
 * record's message on the line after its header.  A piece is joined to the line before it
 * when it carries no log prefix of its own although that line did (or, in a log without
 * prefixes, when that line ended with a blank or a comma), stands at the same quote depth, and
 * does not begin the way a dump line, a boot line or another log line begins.  Every piece keeps
 * its own line and column, so positions in messages are those of the log.
 */
#include <string.h>

#include "internal.h"

void msg_pos(const struct msg *m, size_t off, unsigned *line, unsigned *col)
{
	*line = m->line;
	*col = 1;
	for (size_t i = m->nseg; i-- > 0;) {
		if (m->seg[i].at <= off) {
			*line = m->seg[i].line;
			*col = (unsigned)(m->seg[i].col0 + (off - m->seg[i].at) + 1);
			return;
		}
	}
}

/* What cannot continue a line: another log's prefix cut short, markup, a table of tabs. */
static bool foreign_start(const struct raw *r)
{
	char c = r->s[0];

	if (memchr(r->s, '\t', r->n))
		return true; /* cpuinfo and lscpu lines; dumps have no tabs */
	if (c == '[' || c == '`' || c == '~' || c == '#' || c == '-' || c == '|' || c == '*' ||
	    c == '<' || starts(r->s, r->n, "(XEN"))
		return true;
	if (r->n >= 5 && c >= 'A' && c <= 'Z' && r->s[3] == ' ' &&
	    (is_dig(r->s[4]) || is_sp(r->s[4])))
		return true; /* "Sep  8 22:52:20 xubunt": a syslog header cut short */
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_dig(c) || c == '(' ||
	         c == '=');
}

/* Whether the line before may go on: it holds a "key=value" or ends with a colon. */
static bool open_ended(const struct joiner *j)
{
	return memchr(j->buf, '=', j->m.n) || (j->m.n && j->buf[j->m.n - 1] == ':');
}

/*
 * Whether the line before ends with a comma: no dump line does ("CR0: actual=0x..., shadow=0x...,
 * gh_mask=..." and the segment lines separate their values with commas), so a line cut there
 * goes on in the next piece even in a log without prefixes or blanks to tell.
 */
static bool ends_comma(const struct joiner *j)
{
	return j->m.n && j->buf[j->m.n - 1] == ',';
}

static bool continues(const struct joiner *j, const struct raw *r)
{
	if (!j->have || r->blank || r->quote != j->quote || r->prefixed)
		return false;
	if (j->m.nseg >= MSG_MAX_SEGS || j->m.n + 1 + r->n > DUMP_MAX_LINE)
		return false;
	if (foreign_start(r))
		return false;
	/* A trace-cmd record's message goes on until the next record. */
	if (j->trace)
		return true;
	if (dump_line_start(r->s, r->n) || facts_line_start(r->s, r->n))
		return false;
	return (j->prefixed || j->ends_blank || ends_comma(j)) && open_ended(j);
}

static bool is_fn_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_dig(c) || c == '_' ||
	       c == '.';
}

/*
 * trace_printk() records of bprint/bputs begin with the function that printed them
 * ("dump_vmcs: ", "vmx_dump_sel.constprop.0: "): only dump_vmcs() and its helpers print the
 * dump; another function's records (a debug patch's own lines) are not part of it.
 */
static void trace_function(struct msg *m)
{
	static const char *const dump_fns[] = {"dump_vmcs", "vmx_dump_sel", "vmx_dump_dtsel",
	                                       "vmx_dump_msrs"};
	size_t k = 0, skip;

	while (k < m->n && is_fn_char(m->s[k]))
		k++;
	if (k == 0 || k >= 48 || k >= m->n || m->s[k] != ':' ||
	    (k + 1 < m->n && !is_sp(m->s[k + 1])))
		return;
	m->foreign = true;
	for (size_t i = 0; i < sizeof(dump_fns) / sizeof(dump_fns[0]); i++)
		if (starts(m->s, k, dump_fns[i]))
			m->foreign = false;
	skip = skip_sp(m->s, m->n, k + 1);
	m->s += skip;
	m->n -= skip;
	for (size_t i = 0; i < m->nseg; i++) {
		if (m->seg[i].at >= skip) {
			m->seg[i].at -= skip;
		} else {
			m->seg[i].col0 += skip - m->seg[i].at;
			m->seg[i].at = 0;
		}
	}
}

void joiner_flush(struct joiner *j, struct dump_parser *p)
{
	struct msg m;

	if (!j->have)
		return;
	j->have = false;
	m = j->m;
	m.s = j->buf;
	if (m.from_trace)
		trace_function(&m);
	if (m.n == 0)
		return;
	parser_logical(p, &m);
}

void joiner_line(struct joiner *j, struct dump_parser *p, unsigned lineno, const char *s, size_t n)
{
	struct raw r;

	prefix_split(s, n, j->tmp, &r);
	if (continues(j, &r)) {
		struct seg *g = &j->m.seg[j->m.nseg++];

		if (j->m.n && !is_sp(j->buf[j->m.n - 1]))
			j->buf[j->m.n++] = ' ';
		g->at = j->m.n;
		g->line = lineno;
		g->col0 = r.off;
		memcpy(j->buf + j->m.n, r.s, r.n);
		j->m.n += r.n;
		j->m.last = lineno;
		j->ends_blank = r.ends_blank;
		return;
	}
	joiner_flush(j, p);
	if (r.blank)
		return;
	memcpy(j->buf, r.s, r.n);
	memset(&j->m, 0, sizeof(j->m));
	j->m.n = r.n;
	j->m.xen = r.xen;
	j->m.from_trace = r.trace;
	j->m.line = j->m.last = lineno;
	j->m.nseg = 1;
	j->m.seg[0].at = 0;
	j->m.seg[0].line = lineno;
	j->m.seg[0].col0 = r.off;
	j->prefixed = r.prefixed;
	j->trace = r.trace;
	j->quote = r.quote;
	j->ends_blank = r.ends_blank;
	j->have = true;
}
