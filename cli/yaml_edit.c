/*
 * yaml_edit.c -- a field's new value written into the configuration's own text (yaml_edit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_edit.h"

static bool push(struct edit_list *out, size_t start, size_t end, const char *text)
{
	struct text_edit *e;

	if (out->n >= EDIT_MAX)
		return false;
	e = &out->e[out->n++];
	e->start = start;
	e->end = end;
	snprintf(e->text, sizeof(e->text), "%s", text);
	return true;
}

static uint64_t range_mask(const struct vmcs_bits_info *b)
{
	unsigned w = (unsigned)(b->hi - b->lo + 1);

	return (w >= 64 ? ~0ull : (1ull << w) - 1) << b->lo;
}

/* A named value of the layout equal to v, for the field's whole value or a TYPE range. */
static const char *value_name(const struct vmcs_layout_info *l, uint64_t v)
{
	size_t n;
	const struct vmcs_value_info *x = l ? vmcs_layout_values(l, &n) : NULL;

	for (size_t i = 0; x && i < n; i++) {
		if (x[i].value == v)
			return x[i].name;
	}
	return NULL;
}

/* A number in the base the old text used (decimal, 0x, 0b, 0o). */
static void number(char *buf, size_t n, const char *old, uint64_t v)
{
	if (old[0] == '0' && (old[1] == 'b' || old[1] == 'B')) {
		char bits[65];
		int k = 64;

		bits[k] = '\0';
		do {
			bits[--k] = (char)('0' + (v & 1));
			v >>= 1;
		} while (v);
		snprintf(buf, n, "0b%s", bits + k);
	} else if (old[0] == '0' && (old[1] == 'o' || old[1] == 'O')) {
		snprintf(buf, n, "0o%llo", (unsigned long long)v);
	} else if (old[0] >= '1' && old[0] <= '9' && !strpbrk(old, "xX")) {
		snprintf(buf, n, "%llu", (unsigned long long)v);
	} else {
		snprintf(buf, n, "0x%llx", (unsigned long long)v);
	}
}

static bool is_number(const char *s)
{
	return s[0] >= '0' && s[0] <= '9';
}

/*
 * Replaces [start, end) with repl, keeping a comment that follows on the line in its column:
 * the spaces before it absorb the change in length (at least one stays).
 */
static bool replace_keeping_comment(const char *text, size_t start, size_t end, const char *repl,
                                    struct edit_list *out)
{
	char buf[EDIT_TEXT_MAX];
	size_t sp = 0, old = end - start, len = strlen(repl), keep;

	while (text[end + sp] == ' ')
		sp++;
	if (text[end + sp] != '#' || sp == 0)
		return push(out, start, end, repl);
	/* the comment's column stays if the spaces allow it */
	keep = old + sp > len + 1 ? old + sp - len : 1;
	snprintf(buf, sizeof(buf), "%s%*s", repl, (int)keep, "");
	return push(out, start, end + sp, buf);
}

static bool edit_scalar(const char *text, const struct ynode *vn, const struct vmcs_layout_info *l,
                        uint64_t value, struct edit_list *out)
{
	char buf[80];
	const char *name = !is_number(vn->value) ? value_name(l, value) : NULL;

	if (name)
		snprintf(buf, sizeof(buf), "%s", name);
	else
		number(buf, sizeof(buf), vn->value, value);
	return replace_keeping_comment(text, vn->start, vn->end, buf, out);
}

/* The one-bit name of bit b in the layout, or NULL. */
static const char *bit_name(const struct vmcs_layout_info *l, unsigned b)
{
	size_t n;
	const struct vmcs_bits_info *x = l ? vmcs_layout_bits(l, &n) : NULL;

	for (size_t i = 0; x && i < n; i++) {
		if (x[i].lo == b && x[i].hi == b)
			return x[i].name;
	}
	return NULL;
}

/* What a list item stands for: its bit, or -1. */
static int item_bit(const struct vmcs_layout_info *l, const struct ynode *it)
{
	const struct vmcs_bits_info *b;
	uint64_t v;

	if (it->kind != YN_SCALAR)
		return -1;
	if (is_number(it->value)) {
		char *end;

		v = strtoull(it->value, &end, 0);
		return *end || v > 63 ? -1 : (int)v;
	}
	b = l ? vmcs_layout_find_bits(l, it->value, it->len) : NULL;
	return b && b->lo == b->hi ? b->lo : -1;
}

/* A flow list of bits: kept items in their order, then the bits the new value adds. */
static bool edit_flow_list(const char *text, const struct ynode *vn,
                           const struct vmcs_layout_info *l, uint64_t value, struct edit_list *out,
                           char *why, size_t whylen)
{
	char buf[EDIT_TEXT_MAX];
	size_t len = 0;
	uint64_t covered = 0;

	buf[len++] = '[';
	for (size_t i = 0; i < vn->n; i++) {
		int b = item_bit(l, vn->items[i]);

		if (b < 0) {
			snprintf(why, whylen, "the list item '%s' is not a bit",
			         vn->items[i]->kind == YN_SCALAR ? vn->items[i]->value : "...");
			return false;
		}
		if (!(value >> b & 1) || (covered >> b & 1))
			continue;
		covered |= 1ull << b;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len > 1 ? ", " : "",
		                        vn->items[i]->value);
	}
	for (unsigned b = 0; b < 64; b++) {
		const char *name;

		if (!(value >> b & 1) || (covered >> b & 1))
			continue;
		name = bit_name(l, b);
		if (name)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
			                        len > 1 ? ", " : "", name);
		else
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u",
			                        len > 1 ? ", " : "", b);
		if (len >= sizeof(buf) - 2) {
			snprintf(why, whylen, "the list would be too long");
			return false;
		}
	}
	snprintf(buf + len, sizeof(buf) - len, "]");
	return replace_keeping_comment(text, vn->start, vn->end, buf, out);
}

/* The text of a bit field's value, in the style of the old scalar (bool, number, name). */
static void field_text(char *buf, size_t n, const struct ynode *old,
                       const struct vmcs_layout_info *l, const struct vmcs_bits_info *b, uint64_t v)
{
	const char *name;

	if (b->lo == b->hi && !is_number(old->value)) {
		snprintf(buf, n, "%s", v ? "true" : "false");
		return;
	}
	name = !is_number(old->value) ? value_name(l, v) : NULL;
	if (name)
		snprintf(buf, n, "%s", name);
	else
		number(buf, n, old->value, v);
}

/* Where a block mapping's next entry goes: after the line of its last value. */
static size_t line_end(const char *text, size_t at)
{
	while (text[at] && text[at] != '\n')
		at++;
	return at;
}

/*
 * A mapping of bit fields: each entry whose bits change gets its new value; bits no entry
 * covers are added as entries of the named ranges holding them.
 */
static bool edit_map(const char *text, const struct ynode *vn, const struct vmcs_layout_info *l,
                     uint64_t value, struct edit_list *out, char *why, size_t whylen)
{
	uint64_t covered = 0;
	size_t nb;
	const struct vmcs_bits_info *bits = vmcs_layout_bits(l, &nb);
	char buf[160];

	for (size_t i = 0; i + 1 < vn->n; i += 2) {
		const struct ynode *k = vn->items[i], *x = vn->items[i + 1];
		const struct vmcs_bits_info *b =
		    k->kind == YN_SCALAR ? vmcs_layout_find_bits(l, k->value, k->len) : NULL;
		uint64_t m, sub;

		if (!b || x->kind != YN_SCALAR) {
			snprintf(why, whylen, "the entry '%s' is not a bit field",
			         k->kind == YN_SCALAR ? k->value : "...");
			return false;
		}
		m = range_mask(b);
		covered |= m;
		sub = (value & m) >> b->lo;
		field_text(buf, sizeof(buf), x, l, b, sub);
		if (strcmp(buf, x->value) != 0 &&
		    !replace_keeping_comment(text, x->start, x->end, buf, out))
			return false;
	}
	for (size_t j = 0; j < nb && (value & ~covered); j++) {
		uint64_t m = range_mask(&bits[j]);

		if (!(value & ~covered & m) || (m & covered))
			continue;
		covered |= m;
		if (vn->flow) {
			/* before the closing brace */
			snprintf(buf, sizeof(buf), "%s%s: %llu", vn->n ? ", " : "", bits[j].name,
			         (unsigned long long)((value & m) >> bits[j].lo));
			if (!push(out, vn->end - 1, vn->end - 1, buf))
				return false;
		} else {
			const struct ynode *first = vn->items[0], *last = vn->items[vn->n - 1];

			snprintf(buf, sizeof(buf), "\n%*s%s: %llu", (int)(first->col - 1), "",
			         bits[j].name, (unsigned long long)((value & m) >> bits[j].lo));
			if (!push(out, line_end(text, last->end), line_end(text, last->end), buf))
				return false;
		}
	}
	if (value & ~covered) {
		snprintf(why, whylen, "bits 0x%llx have no name to write them with",
		         (unsigned long long)(value & ~covered));
		return false;
	}
	return true;
}

bool yaml_edit_value(const char *text, const struct ynode *vn, const struct vmcs_field_info *f,
                     uint64_t old, uint64_t value, struct edit_list *out, char *why, size_t whylen)
{
	const struct vmcs_layout_info *l =
	    f->layout != VMCS_LAYOUT_NONE ? vmcs_layout_at(f->layout) : NULL;

	(void)old;
	switch (vn->kind) {
	case YN_SCALAR:
		return edit_scalar(text, vn, l, value, out);
	case YN_SEQ:
		if (!vn->flow) {
			snprintf(why, whylen, "written as a block list: write 0x%llx there",
			         (unsigned long long)value);
			return false;
		}
		return edit_flow_list(text, vn, l, value, out, why, whylen);
	default:
		if (!l) {
			snprintf(why, whylen, "the field has no bit layout");
			return false;
		}
		return edit_map(text, vn, l, value, out, why, whylen);
	}
}

bool yaml_edit_add_field(const char *text, size_t len, const struct ynode *root,
                         const struct vmcs_field_info *f, uint64_t value, struct edit_list *out,
                         char *why, size_t whylen)
{
	const struct ynode *vmcs = root ? ynode_get(root, "vmcs", NULL) : NULL;
	char buf[200];

	if (!vmcs) {
		/* a file that only extends another: give it a vmcs: section of its own, once */
		if (out->new_vmcs >= 0) {
			struct text_edit *e = &out->e[out->new_vmcs];
			size_t used = strlen(e->text);

			snprintf(e->text + used, sizeof(e->text) - used, "  %s: 0x%llx\n", f->name,
			         (unsigned long long)value);
			return true;
		}
		snprintf(buf, sizeof(buf), "%svmcs:\n  %s: 0x%llx\n",
		         len && text[len - 1] != '\n' ? "\n" : "", f->name,
		         (unsigned long long)value);
		out->new_vmcs = (int)out->n;
		return push(out, len, len, buf);
	}
	if (vmcs->kind != YN_MAP) {
		snprintf(why, whylen, "vmcs: is not a mapping");
		return false;
	}
	if (vmcs->flow || vmcs->n == 0) {
		if (!vmcs->flow) {
			snprintf(why, whylen, "vmcs: is empty");
			return false;
		}
		snprintf(buf, sizeof(buf), "%s%s: 0x%llx", vmcs->n ? ", " : "", f->name,
		         (unsigned long long)value);
		return push(out, vmcs->end - 1, vmcs->end - 1, buf);
	}
	snprintf(buf, sizeof(buf), "\n%*s%s: 0x%llx", (int)(vmcs->items[0]->col - 1), "", f->name,
	         (unsigned long long)value);
	{
		size_t at = line_end(text, vmcs->items[vmcs->n - 1]->end);

		return push(out, at, at, buf);
	}
}

static int by_start_desc(const void *a, const void *b)
{
	const struct text_edit *x = a, *y = b;

	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

char *yaml_apply_edits(const char *text, size_t len, const struct edit_list *edits, size_t *out_len)
{
	struct edit_list sorted = *edits;
	size_t extra = 0, n;
	char *buf;

	for (size_t i = 0; i < sorted.n; i++)
		extra += strlen(sorted.e[i].text);
	buf = malloc(len + extra + 1);
	if (!buf)
		abort();
	memcpy(buf, text, len);
	n = len;
	/* from the end, so earlier offsets stay valid */
	qsort(sorted.e, sorted.n, sizeof(sorted.e[0]), by_start_desc);
	for (size_t i = 0; i < sorted.n; i++) {
		const struct text_edit *e = &sorted.e[i];
		size_t tl = strlen(e->text);

		memmove(buf + e->start + tl, buf + e->end, n - e->end);
		memcpy(buf + e->start, e->text, tl);
		n = n - (e->end - e->start) + tl;
	}
	buf[n] = '\0';
	*out_len = n;
	return buf;
}
