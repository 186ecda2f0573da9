/*
 * yvalue.c -- typed values from YAML scalars, and key checks, with positioned diagnostics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void load_diag_add(struct load_diags *d, enum diag_level level, const char *file, unsigned line,
                   unsigned col, const char *fmt, ...)
{
	struct load_diag *x;
	va_list ap;

	if (level == DIAG_ERROR)
		d->n_errors++;
	if (d->n >= LOAD_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	x = &d->d[d->n++];
	x->level = level;
	x->pos.file = file;
	x->pos.line = line;
	x->pos.col = col;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

bool parse_u64_text(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '+')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return *s >= '0' && *s <= '9';
}

bool yparse_u64(const struct ynode *n, uint64_t *out, const char *what, const char *file,
                struct load_diags *diags)
{
	return yparse_operand(n, out, NULL, what, file, diags);
}

bool yparse_operand(const struct ynode *n, uint64_t *out, bool *negative, const char *what,
                    const char *file, struct load_diags *diags)
{
	const char *s;

	if (negative)
		*negative = false;

	if (!n || n->kind != YN_SCALAR) {
		NODE_ERR(diags, file, n, "%s: expected an integer, found a %s", what,
		         n && n->kind == YN_SEQ ? "list" : "mapping");
		return false;
	}
	s = n->value;
	if (!n->plain) {
		NODE_ERR(diags, file, n,
		         "%s: expected an integer, found the quoted string \"%s\" (write it "
		         "without quotes)",
		         what, s);
		return false;
	}
	if (s[0] == '-' && looks_numeric(s)) {
		uint64_t mag;

		/* A VMWRITE operand is 64 bits: -N is its two's complement, as in C. */
		if (negative && s[1] != '-' && s[1] != '+' && parse_u64_text(s + 1, &mag) &&
		    mag <= (1ull << 63) && !(s[1] == '0' && s[2] >= '0' && s[2] <= '9')) {
			*out = (uint64_t)0 - mag;
			*negative = true;
			return true;
		}
		NODE_ERR(diags, file, n, "%s: negative value %s; %s", what, s,
		         negative ? "a VMWRITE operand holds at least -2^63"
		                  : "VMCS values are unsigned");
		return false;
	}
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		NODE_ERR(diags, file, n,
		         "%s: '%s' is ambiguous (YAML 1.1 reads a leading 0 as octal); write 0o%s "
		         "or drop the leading zeros",
		         what, s, s + 1);
		return false;
	}
	if (!parse_u64_text(s, out)) {
		if (looks_numeric(s))
			NODE_ERR(diags, file, n,
			         "%s: '%s' is not an unsigned integer of at most 64 bits", what, s);
		else
			NODE_ERR(diags, file, n, "%s: expected an integer, found '%s'", what, s);
		return false;
	}
	return true;
}

bool yparse_bool(const struct ynode *n, bool *out, const char *what, const char *file,
                 struct load_diags *diags)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
	                                  "YES",  "on",   "On",   "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
	                                 "NO",    "off",   "Off",   "OFF"};

	if (n && n->kind == YN_SCALAR && n->plain) {
		for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(n->value, yes[i]) == 0) {
				*out = true;
				return true;
			}
			if (strcmp(n->value, no[i]) == 0) {
				*out = false;
				return true;
			}
		}
	}
	NODE_ERR(diags, file, n, "%s: expected true or false, found '%s'", what,
	         n && n->kind == YN_SCALAR ? n->value : "a collection");
	return false;
}

bool yparse_str(const struct ynode *n, const char **out, const char *what, const char *file,
                struct load_diags *diags)
{
	if (!n || n->kind != YN_SCALAR) {
		NODE_ERR(diags, file, n, "%s: expected a string, found a %s", what,
		         n && n->kind == YN_SEQ ? "list" : "mapping");
		return false;
	}
	*out = n->value;
	return true;
}

bool yrequire_map(const struct ynode *n, const char *what, const char *file,
                  struct load_diags *diags)
{
	if (n && n->kind == YN_MAP)
		return true;
	NODE_ERR(diags, file, n, "%s: expected a mapping (key: value lines), found %s", what,
	         !n                  ? "nothing"
	         : n->kind == YN_SEQ ? "a list"
	                             : "a scalar");
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void yunknown_key(const struct ynode *key, const char *const allowed[], const char *where,
                  const char *file, struct load_diags *diags)
{
	const char *best = NULL;
	size_t best_d = 99;

	for (size_t i = 0; allowed[i]; i++) {
		size_t d = edit_distance(key->value, allowed[i]);

		if (d < best_d) {
			best_d = d;
			best = allowed[i];
		}
	}
	if (best && best_d <= 2)
		NODE_ERR(diags, file, key, "unknown key '%s' in %s; did you mean '%s'?", key->value,
		         where, best);
	else
		NODE_ERR(diags, file, key, "unknown key '%s' in %s", key->value, where);
}

bool ycheck_keys(const struct ynode *map, const char *const allowed[], const char *where,
                 const char *file, struct load_diags *diags)
{
	bool ok = true;

	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		bool known = false;

		if (k->kind != YN_SCALAR) {
			NODE_ERR(diags, file, k, "a key in %s must be a plain name", where);
			ok = false;
			continue;
		}
		for (size_t j = 0; allowed[j]; j++)
			known |= strcmp(k->value, allowed[j]) == 0;
		if (!known) {
			yunknown_key(k, allowed, where, file, diags);
			ok = false;
		}
		for (size_t j = 0; j < i; j += 2) {
			const struct ynode *p = map->items[j];

			if (p->kind == YN_SCALAR && strcmp(p->value, k->value) == 0) {
				NODE_ERR(diags, file, k, "'%s' given twice in %s (first at %u:%u)",
				         k->value, where, p->line, p->col);
				ok = false;
			}
		}
	}
	return ok;
}
