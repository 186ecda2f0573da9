/*
 * ytree.c -- libyaml events into a position-carrying tree, with limits.
 *
 * The event API (not yaml_parser_load) is used so that nesting depth, node count and alias
 * expansion are bounded while parsing, before anything is built from hostile input.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "ytree.h"

struct anchor {
	char *name;
	struct ynode *node;
};

/* Nodes and scalar text come from a chunk arena: one free per chunk, not per node. */
struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(max_align_t) unsigned char mem[];
};

struct ytree {
	struct ynode *root;
	struct ynode **all; /* every node, for freeing their item arrays */
	size_t n_all, cap_all;
	struct chunk *chunks;
};

struct frame {
	struct ynode *node;
	size_t cap;
	char *anchor; /* anchor of the container, registered when it closes */
};

struct builder {
	struct ytree *t;
	struct frame stack[YTREE_MAX_DEPTH + 1];
	size_t depth;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t expanded;
	int documents;
	struct ytree_error *err;
};

static void set_err(struct ytree_error *err, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_err(struct ytree_error *err, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("vmcslint: out of memory\n", stderr);
		abort();
	}
	return q;
}

static void *arena_alloc(struct ytree *t, size_t n)
{
	struct chunk *c = t->chunks;
	void *p;

	n = (n + 15u) & ~(size_t)15u;
	if (!c || c->size - c->used < n) {
		size_t size = n > 16384 ? n : 16384;

		c = xrealloc(NULL, sizeof(*c) + size);
		c->next = t->chunks;
		c->used = 0;
		c->size = size;
		t->chunks = c;
	}
	p = c->mem + c->used;
	c->used += n;
	return p;
}

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ytree *t = b->t;
	struct ynode *n;

	if (t->n_all >= YTREE_MAX_NODES) {
		set_err(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
		        "more than %u YAML nodes (limit against hostile input)", YTREE_MAX_NODES);
		return NULL;
	}
	n = arena_alloc(t, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	n->start = n->end = m->index;
	n->weight = 1;
	if (t->n_all == t->cap_all) {
		t->cap_all = t->cap_all ? t->cap_all * 2 : 64;
		t->all = xrealloc(t->all, t->cap_all * sizeof(*t->all));
	}
	t->all[t->n_all++] = n;
	return n;
}

static bool add_anchor(struct builder *b, char *name, struct ynode *node)
{
	if (!name)
		return true;
	/* A later anchor of the same name shadows an earlier one (YAML 1.1). */
	if (b->n_anchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 16;
		b->anchors = xrealloc(b->anchors, b->cap_anchors * sizeof(*b->anchors));
	}
	b->anchors[b->n_anchors].name = name;
	b->anchors[b->n_anchors].node = node;
	b->n_anchors++;
	return true;
}

static struct ynode *find_anchor(struct builder *b, const char *name)
{
	for (size_t i = b->n_anchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) == 0)
			return b->anchors[i].node;
	}
	return NULL;
}

/* Appends a finished node to the open container, or makes it the root. */
static bool attach(struct builder *b, struct ynode *n)
{
	struct frame *f;

	if (b->depth == 0) {
		b->t->root = n;
		return true;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->node->items = xrealloc(f->node->items, f->cap * sizeof(*f->node->items));
	}
	f->node->items[f->node->n++] = n;
	f->node->weight += n->weight;
	return true;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xrealloc(NULL, n);

	memcpy(d, s, n);
	return d;
}

static bool on_event(struct builder *b, yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1) {
			set_err(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
			        "a second YAML document in the file; a file holds exactly one");
			return false;
		}
		return true;
	case YAML_SCALAR_EVENT:
		n = new_node(b, YN_SCALAR, m);
		if (!n)
			return false;
		n->end = ev->end_mark.index;
		n->len = ev->data.scalar.length;
		n->value = arena_alloc(b->t, n->len + 1);
		memcpy((char *)n->value, ev->data.scalar.value, n->len);
		((char *)n->value)[n->len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		           ev->data.scalar.plain_implicit;
		if (ev->data.scalar.anchor)
			add_anchor(b, dup_str((const char *)ev->data.scalar.anchor), n);
		return attach(b, n);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= YTREE_MAX_DEPTH) {
			set_err(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
			        "YAML nested deeper than %u levels (limit against hostile input)",
			        YTREE_MAX_DEPTH);
			return false;
		}
		n = new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP, m);
		if (!n)
			return false;
		n->flow = ev->type == YAML_SEQUENCE_START_EVENT
		              ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
		              : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		b->stack[b->depth].node = n;
		b->stack[b->depth].cap = 0;
		b->stack[b->depth].anchor = NULL;
		if (ev->type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor)
			b->stack[b->depth].anchor =
			    dup_str((const char *)ev->data.sequence_start.anchor);
		if (ev->type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor)
			b->stack[b->depth].anchor =
			    dup_str((const char *)ev->data.mapping_start.anchor);
		b->depth++;
		return true;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		n = b->stack[b->depth].node;
		n->end = ev->end_mark.index;
		/* Anchors of containers count only once complete: no self-reference. */
		add_anchor(b, b->stack[b->depth].anchor, n);
		return attach(b, n);
	case YAML_ALIAS_EVENT:
		n = find_anchor(b, (const char *)ev->data.alias.anchor);
		if (!n) {
			set_err(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
			        "alias '*%s' names no earlier anchor", ev->data.alias.anchor);
			return false;
		}
		b->expanded += n->weight;
		if (b->expanded > YTREE_MAX_EXPANDED) {
			set_err(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
			        "YAML aliases expand to more than %u nodes (limit against "
			        "hostile input)",
			        YTREE_MAX_EXPANDED);
			return false;
		}
		return attach(b, n);
	default:
		return true;
	}
}

struct ytree *ytree_parse(const char *text, size_t len, struct ytree_error *err)
{
	struct builder b;
	yaml_parser_t parser;
	bool ok = true, done = false;

	memset(&b, 0, sizeof(b));
	b.err = err;
	b.t = xrealloc(NULL, sizeof(*b.t));
	memset(b.t, 0, sizeof(*b.t));
	memset(err, 0, sizeof(*err));
	if (len > YTREE_MAX_FILE_BYTES) {
		set_err(err, 0, 0, "file larger than %u bytes (limit against hostile input)",
		        YTREE_MAX_FILE_BYTES);
		ytree_free(b.t);
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		const char *z = memchr(text, '\0', len);
		unsigned line = 1, col = 1;

		for (const char *p = text; p < z; p++, col++) {
			if (*p == '\n') {
				line++;
				col = 0;
			}
		}
		set_err(err, line, col, "NUL byte in the file: not a YAML text file");
		ytree_free(b.t);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (ok && !done) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			const yaml_mark_t *pm = &parser.problem_mark;
			/* libyaml's words for a tab say nothing of tabs: name the usual mistake */
			const char *tab = pm->index < len && text[pm->index] == '\t'
			                      ? " (a tab: YAML indents with spaces only)"
			                      : "";

			if (parser.context)
				set_err(err, (unsigned)pm->line + 1, (unsigned)pm->column + 1,
				        "malformed YAML: %s %s%s", parser.problem, parser.context,
				        tab);
			else
				set_err(err, (unsigned)pm->line + 1, (unsigned)pm->column + 1,
				        "malformed YAML: %s%s",
				        parser.problem ? parser.problem : "parse error", tab);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < b.n_anchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	for (size_t i = 0; i < b.depth; i++)
		free(b.stack[i].anchor);
	if (!ok) {
		ytree_free(b.t);
		return NULL;
	}
	return b.t;
}

char *ytree_read_file(const char *path, size_t max, size_t *len, struct ytree_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n = 0, cap = 65536;

	memset(err, 0, sizeof(*err));
	if (!f) {
		set_err(err, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xrealloc(NULL, cap + 1);
	for (;;) {
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (n > max) {
			set_err(err, 0, 0,
			        "file larger than %zu bytes (limit against hostile input)", max);
			free(buf);
			fclose(f);
			return NULL;
		}
		if (r == 0)
			break;
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	if (ferror(f)) {
		set_err(err, 0, 0, "read error: %s", strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct ytree *ytree_load_file(const char *path, struct ytree_error *err)
{
	size_t len;
	char *text = ytree_read_file(path, YTREE_MAX_FILE_BYTES, &len, err);
	struct ytree *t;

	if (!text)
		return NULL;
	t = ytree_parse(text, len, err);
	free(text);
	return t;
}

struct ynode *ytree_root(const struct ytree *t)
{
	return t->root;
}

void ytree_free(struct ytree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_all; i++)
		free(t->all[i]->items);
	while (t->chunks) {
		struct chunk *c = t->chunks;

		t->chunks = c->next;
		free(c);
	}
	free(t->all);
	free(t);
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YN_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
	       strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}

struct ynode *ynode_get(const struct ynode *map, const char *key, struct ynode **key_node)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		struct ynode *k = map->items[i];

		if (k->kind == YN_SCALAR && strcmp(k->value, key) == 0) {
			if (key_node)
				*key_node = k;
			return map->items[i + 1];
		}
	}
	return NULL;
}
