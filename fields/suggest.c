/*
 * suggest.c -- "did you mean" for misspelt field and bit names: the closest name by edit
 * distance under the name-matching rule (case, ' ', '-', '_' folded).  Freestanding: fixed
 * buffers, no heap.
 */
#include "vmcslint.h"

#define MAX_NAME 64

static char fold(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if (c == ' ' || c == '-')
		return '_';
	return c;
}

/* Levenshtein distance of a[0..alen) and b (NUL-terminated), or MAX_NAME + 1 when too long. */
static size_t distance(const char *a, size_t alen, const char *b)
{
	size_t row[MAX_NAME + 1], blen = 0, i, j;

	while (b[blen])
		blen++;
	if (alen > MAX_NAME || blen > MAX_NAME)
		return MAX_NAME + 1;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= blen; j++) {
			size_t up = row[j], best;

			best = diag + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[blen];
}

/* A suggestion is worth making when at most a third of the name differs. */
static bool close_enough(size_t d, size_t len)
{
	return d > 0 && d <= (len < 6 ? 2 : len / 3);
}

const char *vmcs_field_suggest(const char *s, size_t len)
{
	const char *best = NULL;
	size_t best_d = MAX_NAME + 1, i;

	for (i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		size_t d = distance(s, len, f->name);

		if (d < best_d) {
			best_d = d;
			best = f->name;
		}
	}
	return close_enough(best_d, len) ? best : NULL;
}

const char *vmcs_layout_suggest(const struct vmcs_layout_info *l, const char *s, size_t len)
{
	const char *best = NULL;
	size_t best_d = MAX_NAME + 1, n, i;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &n);
	const struct vmcs_value_info *v;

	for (i = 0; i < n; i++) {
		size_t d = distance(s, len, b[i].name);

		if (d < best_d) {
			best_d = d;
			best = b[i].name;
		}
	}
	v = vmcs_layout_values(l, &n);
	for (i = 0; i < n; i++) {
		size_t d = distance(s, len, v[i].name);

		if (d < best_d) {
			best_d = d;
			best = v[i].name;
		}
	}
	return close_enough(best_d, len) ? best : NULL;
}
