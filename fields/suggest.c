/*
 * suggest.c -- "did you mean" for misspelt field and bit names.  Freestanding: fixed buffers,
 * no heap.
 *
 * A field name is ranked on normalised tokens before edit distance, because people misspell
 * VMCS fields by the words they pick, not by the letters: kvm-unit-tests writes GUEST_SEL_CS
 * for GUEST_CS_SELECTOR, VirtualBox VMX_VMCS32_CTRL_ENTRY for VM_ENTRY_CONTROLS.  A name is
 * split into words (at '_', ' ', '-', other punctuation, lower-to-upper case and
 * letter/digit changes), each word is put in one spelling (SEL -> SELECTOR, CTRL -> CONTROL,
 * ENT -> ENTRY, ...; VMCS, VMX, VM and width prefixes are dropped), and every spelling of
 * every field (canonical name, SDM name, aliases, other projects' names) is scored by the
 * words the two share (Dice coefficient; a word that is a prefix of, or one edit away from,
 * the other counts in part).  Ties go to the smaller edit distance of the whole names, in
 * which a look-alike character (O for 0, l or I for 1) costs half.  When no field shares
 * enough words, the plain edit distance decides, as for bit names.
 */
#include "name_fold.h"
#include "vmcslint.h"

#define MAX_NAME  64
#define MAX_WORDS 16
#define WORD_MAX  24

/* ---- words ---- */

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

struct words {
	char w[MAX_WORDS][WORD_MAX]; /* upper case */
	size_t n;
};

/* Splits s[0..len) into upper-case words; words past MAX_WORDS are dropped, long ones cut. */
static void split(const char *s, size_t len, struct words *out)
{
	size_t i, k = 0;
	bool open = false;

	out->n = 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool boundary;

		if (!is_alnum(c)) {
			open = false;
			continue;
		}
		boundary = !open || (is_digit(c) != is_digit(s[i - 1])) ||
		           (is_upper(c) && is_lower(s[i - 1]));
		if (boundary) {
			if (out->n == MAX_WORDS)
				return;
			k = 0;
			out->n++;
			open = true;
		}
		if (k < WORD_MAX - 1) {
			out->w[out->n - 1][k++] = name_fold(c);
			out->w[out->n - 1][k] = '\0';
		}
	}
}

/* One spelling per word (word_abbrevs.def), in strcmp() order. */
static const struct abbrev {
	const char *from, *to1, *to2;
} abbrevs[] = {
#define WORD_ABBREV(word, to1, to2) {#word, to1, to2},
#include "word_abbrevs.def"
};

#define N_ABBREVS (sizeof(abbrevs) / sizeof(abbrevs[0]))

static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static const struct abbrev *abbrev_of(const char *w)
{
	size_t lo = 0, hi = N_ABBREVS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = str_cmp(w, abbrevs[mid].from);

		if (c == 0)
			return &abbrevs[mid];
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Normalised words; raw[i] is the word as written (for partial matches), norm[i] its spelling. */
struct tokens {
	const char *raw[MAX_WORDS], *norm[MAX_WORDS];
	size_t n;
};

static void push(struct tokens *t, const char *raw, const char *norm)
{
	if (t->n < MAX_WORDS) {
		t->raw[t->n] = raw;
		t->norm[t->n] = norm;
		t->n++;
	}
}

static bool is_width(const char *w)
{
	return str_eq(w, "16") || str_eq(w, "32") || str_eq(w, "64");
}

static void normalise(const struct words *w, struct tokens *t)
{
	t->n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *cur = w->w[i], *next = i + 1 < w->n ? w->w[i + 1] : "";
		const struct abbrev *a;
		bool ar = false;

		/* IA32_ of MSR names, and widths in prefixes (VMX_VMCS16_, VMCS_32BIT_). */
		if (str_eq(cur, "IA") && str_eq(next, "32")) {
			i++;
			continue;
		}
		if (is_width(cur) &&
		    ((i > 0 && (str_eq(w->w[i - 1], "VMCS") || str_eq(w->w[i - 1], "VMX"))) ||
		     str_eq(next, "BIT") || str_eq(next, "BITS")))
			continue;
		/* "access rights", ACCESS_RIGHTS, AR_BYTES, ATTR: one word, AR. */
		if (str_eq(cur, "ACCESS") && str_eq(next, "RIGHTS")) {
			push(t, cur, "AR");
			next = ++i + 1 < w->n ? w->w[i + 1] : "";
			ar = true;
		} else if ((a = abbrev_of(cur)) != NULL) {
			if (a->to1)
				push(t, cur, a->to1);
			if (a->to2)
				push(t, a->to2, a->to2);
			ar = a->to1 && str_eq(a->to1, "AR");
		} else {
			push(t, cur, cur);
		}
		if (ar && str_eq(next, "BYTES"))
			i++;
	}
}

static void tokenize(const char *s, size_t len, struct words *w, struct tokens *t)
{
	split(s, len, w);
	normalise(w, t);
}

/* ---- distances ---- */

/* Characters typed for one another (O for 0, l/I for 1, S for 5, B for 8). */
static bool lookalike(char a, char b)
{
	static const char pairs[][2] = {{'O', '0'}, {'I', '1'}, {'L', '1'}, {'S', '5'}, {'B', '8'}};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if ((a == pairs[i][0] && b == pairs[i][1]) ||
		    (a == pairs[i][1] && b == pairs[i][0]))
			return true;
	}
	return false;
}

/*
 * Edit distance of a[0..alen) and b (NUL-terminated) under the name-matching rule, in half
 * steps: an insertion, deletion or substitution costs 2, a look-alike substitution 1.
 * 2 * (MAX_NAME + 1) when either is too long.
 */
static size_t distance2(const char *a, size_t alen, const char *b)
{
	size_t row[MAX_NAME + 1], blen = str_len(b), i, j;

	if (alen > MAX_NAME || blen > MAX_NAME)
		return 2 * (MAX_NAME + 1);
	for (j = 0; j <= blen; j++)
		row[j] = 2 * j;
	for (i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = 2 * i;
		for (j = 1; j <= blen; j++) {
			char x = name_fold(a[i - 1]), y = name_fold(b[j - 1]);
			size_t up = row[j], best;

			best = diag + (x == y ? 0 : lookalike(x, y) ? 1 : 2);
			if (up + 2 < best)
				best = up + 2;
			if (row[j - 1] + 2 < best)
				best = row[j - 1] + 2;
			row[j] = best;
			diag = up;
		}
	}
	return row[blen];
}

/* A suggestion by edit distance is worth making when at most a third of the name differs. */
static bool close_enough(size_t d2, size_t len)
{
	return d2 > 0 && d2 <= 2 * (len < 6 ? 2 : len / 3);
}

/* Whether a and b are one insertion, deletion, substitution or swap of neighbours apart. */
static bool one_edit(const char *a, const char *b)
{
	size_t la = str_len(a), lb = str_len(b), i = 0;

	if (la + 1 < lb || lb + 1 < la)
		return false;
	while (a[i] && a[i] == b[i])
		i++;
	if (la == lb) {
		if (!a[i])
			return true;
		if (str_eq(a + i + 1, b + i + 1))
			return true;
		return a[i + 1] == b[i] && a[i] == b[i + 1] && str_eq(a + i + 2, b + i + 2);
	}
	return la < lb ? str_eq(a + i, b + i + 1) : str_eq(a + i + 1, b + i);
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix)
		s++, prefix++;
	return *prefix == '\0';
}

/* How much two different words still match, in quarters: a prefix 3, one edit away 2. */
static unsigned partial(const char *a, const char *b)
{
	size_t la = str_len(a), lb = str_len(b);

	if (is_digit(a[0]) || is_digit(b[0]))
		return 0;
	if ((la < lb ? la : lb) >= 2 && (starts_with(a, b) || starts_with(b, a)))
		return 3;
	if (la >= 3 && lb >= 3 && one_edit(a, b))
		return 2;
	return 0;
}

/*
 * The words q and c share, in quarters of a word (a word found exactly 4), each word of c used
 * once: exact matches first, then the best partial ones.
 */
static unsigned overlap(const struct tokens *q, const struct tokens *c)
{
	bool used[MAX_WORDS] = {false}, done[MAX_WORDS] = {false};
	unsigned m = 0;
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		for (j = 0; j < c->n; j++) {
			if (!used[j] && str_eq(q->norm[i], c->norm[j])) {
				used[j] = done[i] = true;
				m += 4;
				break;
			}
		}
	}
	for (i = 0; i < q->n; i++) {
		unsigned best = 0, p;
		size_t at = 0;

		if (done[i])
			continue;
		for (j = 0; j < c->n; j++) {
			if (used[j])
				continue;
			p = partial(q->raw[i], c->raw[j]);
			if (partial(q->norm[i], c->norm[j]) > p)
				p = partial(q->norm[i], c->norm[j]);
			if (p > best) {
				best = p;
				at = j;
			}
		}
		if (best) {
			used[at] = true;
			m += best;
		}
	}
	return m;
}

/* ---- field suggestions ---- */

struct ranking {
	const char *s; /* the unknown name */
	size_t len;
	struct words qw;
	struct tokens q;
	const struct vmcs_field_info *best;
	const char *name; /* the best spelling, name[0..n) */
	size_t n;
	unsigned m;  /* its overlap, quarters */
	size_t size; /* words of the query and of it */
	size_t d2;   /* its distance2(), computed when a tie needs it */
};

#define D2_UNKNOWN ((size_t)-1)

/* distance2() of the query and name[0..n). */
static size_t query_distance(const struct ranking *r, const char *name, size_t n)
{
	char buf[MAX_NAME + 1];

	for (size_t i = 0; i < n; i++)
		buf[i] = name[i];
	buf[n] = '\0';
	return distance2(r->s, r->len, buf);
}

/* Scores one spelling of field f (name[0..n)) against the query. */
static void consider(struct ranking *r, const struct vmcs_field_info *f, const char *name, size_t n)
{
	struct words cw;
	struct tokens c;
	unsigned long mine, theirs;
	unsigned m;
	size_t d2 = D2_UNKNOWN;

	if (n > MAX_NAME)
		return;
	tokenize(name, n, &cw, &c);
	if (c.n == 0)
		return;
	m = overlap(&r->q, &c);
	/* Half the words or fewer shared (Dice <= 1/2): not a suggestion whatever the rest. */
	if (m <= r->q.n + c.n)
		return;
	if (r->best) {
		/* Dice coefficient m / (2 size): compare m / size across candidates. */
		mine = (unsigned long)m * r->size;
		theirs = (unsigned long)r->m * (r->q.n + c.n);
		if (mine < theirs)
			return;
		if (mine == theirs) {
			if (r->d2 == D2_UNKNOWN)
				r->d2 = query_distance(r, r->name, r->n);
			d2 = query_distance(r, name, n);
			if (d2 >= r->d2)
				return;
		}
	}
	r->best = f;
	r->name = name;
	r->n = n;
	r->m = m;
	r->size = r->q.n + c.n;
	r->d2 = d2;
}

static void consider_list(struct ranking *r, const struct vmcs_field_info *f, const char *list)
{
	while (*list) {
		size_t n = 0;

		while (list[n] && list[n] != '|')
			n++;
		consider(r, f, list, n);
		list += n;
		if (*list == '|')
			list++;
	}
}

const char *vmcs_field_suggest(const char *s, size_t len)
{
	struct ranking r = {0};
	const char *best = NULL;
	size_t best_d = 2 * (MAX_NAME + 1), i;

	if (len > MAX_NAME)
		return NULL;
	r.s = s;
	r.len = len;
	tokenize(s, len, &r.qw, &r.q);
	if (r.q.n) {
		for (i = 0; i < vmcs_field_count(); i++) {
			const struct vmcs_field_info *f = vmcs_field_at(i);

			consider(&r, f, f->name, str_len(f->name));
			consider(&r, f, f->sdm_name, str_len(f->sdm_name));
			consider_list(&r, f, f->aliases);
		}
		for (i = 0; i < vmcs_project_count(); i++) {
			const struct vmcs_project *p = vmcs_project_at(i);

			for (size_t k = 0; k < p->count; k++) {
				const struct vmcs_field_info *f =
				    vmcs_field_by_encoding(p->aliases[k].encoding, NULL);

				if (f && !p->aliases[k].excluded)
					consider(&r, f, p->aliases[k].name,
					         str_len(p->aliases[k].name));
			}
		}
		if (r.best)
			return r.best->name;
	}
	for (i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		size_t d = distance2(s, len, f->name);

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
	size_t best_d = 2 * (MAX_NAME + 1), n, i;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &n);
	const struct vmcs_value_info *v;

	for (i = 0; i < n; i++) {
		size_t d = distance2(s, len, b[i].name);

		if (d < best_d) {
			best_d = d;
			best = b[i].name;
		}
	}
	v = vmcs_layout_values(l, &n);
	for (i = 0; i < n; i++) {
		size_t d = distance2(s, len, v[i].name);

		if (d < best_d) {
			best_d = d;
			best = v[i].name;
		}
	}
	return close_enough(best_d, len) ? best : NULL;
}
