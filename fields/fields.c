/*
 * fields.c -- the VMCS field and layout tables, expanded from the .def files, and lookups.
 * Freestanding: no libc beyond what the compiler provides.
 */
#include "vmcs_def_macros.h"

/* clang-format off */
static const struct vmcs_field_info field_table[] = {
#define VMCS_FIELD(name, enc, width, type, layout, exists, exists2, origin, sdm_name, aliases, desc) \
	{ #name, enc, width, type, origin, layout, { exists, exists2 }, sdm_name, aliases, desc },
#include "vmcs_fields.def"
};

static const struct vmcs_layout_info layout_table[] = {
#define VMCS_LAYOUT(id, title) { #id, title },
#include "vmcs_layouts.def"
};

static const struct vmcs_bits_info bits_table[] = {
#define VMCS_BITS(layout, name, lo, hi, desc) { layout, #name, lo, hi, desc },
#include "vmcs_layouts.def"
};

static const struct vmcs_value_info value_table[] = {
#define VMCS_VALUE(layout, name, value, desc) { layout, #name, value, desc },
#include "vmcs_layouts.def"
};

/*
 * The compiler checks the data: each row's declared width and type must equal the encoding's
 * own bits 14:13 and 11:10, bit 0 (access) must be 0 and bit 12 reserved.
 */
#define VMCS_FIELD(name, enc, width, type, layout, exists, exists2, origin, sdm_name, aliases, desc) \
	_Static_assert(VMCS_ENC_WIDTH(enc) == (width), #name ": declared width disagrees with encoding"); \
	_Static_assert(VMCS_ENC_TYPE(enc) == (type), #name ": declared type disagrees with encoding");   \
	_Static_assert(((enc) & 0xffff9001u) == 0, #name ": access bit or reserved bits set in encoding");
#include "vmcs_fields.def"
/* clang-format on */

#define N_FIELDS  (sizeof(field_table) / sizeof(field_table[0]))
#define N_LAYOUTS (sizeof(layout_table) / sizeof(layout_table[0]))
#define N_BITS    (sizeof(bits_table) / sizeof(bits_table[0]))
#define N_VALUES  (sizeof(value_table) / sizeof(value_table[0]))
_Static_assert(N_FIELDS == VMCS_FIELD__COUNT, "field table and id enum disagree");

struct vmcs_encoding_bits vmcs_encoding_decode(uint32_t encoding)
{
	struct vmcs_encoding_bits d;

	d.high = (encoding & 1u) != 0;
	d.index = (encoding >> 1) & 0x1ffu;
	d.type = VMCS_ENC_TYPE(encoding);
	d.width = VMCS_ENC_WIDTH(encoding);
	d.reserved = (encoding & 0xffff9000u) != 0;
	return d;
}

bool vmcs_field_row_consistent(const struct vmcs_field_info *f, const char **why)
{
	struct vmcs_encoding_bits d = vmcs_encoding_decode(f->encoding);
	const char *dummy;

	if (!why)
		why = &dummy;
	if (d.reserved) {
		*why = "encoding has bit 12 or bits 31:15 set";
		return false;
	}
	if (d.high) {
		*why = "listed encoding has access type high (bit 0)";
		return false;
	}
	if (d.width != f->width) {
		*why = "declared width disagrees with encoding bits 14:13";
		return false;
	}
	if (d.type != f->type) {
		*why = "declared type disagrees with encoding bits 11:10";
		return false;
	}
	*why = "";
	return true;
}

size_t vmcs_field_count(void)
{
	return N_FIELDS;
}

const struct vmcs_field_info *vmcs_field_at(size_t i)
{
	return i < N_FIELDS ? &field_table[i] : NULL;
}

size_t vmcs_field_index(const struct vmcs_field_info *f)
{
	return (size_t)(f - field_table);
}

const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t encoding, bool *high)
{
	uint32_t want = encoding;
	size_t lo = 0, hi = N_FIELDS;
	bool is_high = false;

	if (encoding & 1u) {
		want = encoding & ~1u;
		is_high = true;
	}
	/* The table is in encoding order (a test asserts it). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (field_table[mid].encoding < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= N_FIELDS || field_table[lo].encoding != want)
		return NULL;
	if (is_high && field_table[lo].width != VMCS_W64)
		return NULL;
	if (high)
		*high = is_high;
	return &field_table[lo];
}

static char fold(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if (c == ' ' || c == '-')
		return '_';
	return c;
}

bool vmcs_name_equal(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		if (b[i] == '\0' || fold(a[i]) != fold(b[i]))
			return false;
	}
	return b[i] == '\0';
}

/* Whether a[0..alen) equals b[0..blen) under the name-matching rule. */
static bool name_equal_n(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		if (fold(a[i]) != fold(b[i]))
			return false;
	}
	return true;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Whether s matches one of the '|'-separated names in list. */
static bool in_alias_list(const char *s, size_t len, const char *list)
{
	while (*list) {
		size_t n = 0;

		while (list[n] && list[n] != '|')
			n++;
		if (name_equal_n(s, len, list, n))
			return true;
		list += n;
		if (*list == '|')
			list++;
	}
	return false;
}

/* Hash of a name under the name-matching rule (FNV-1a over folded characters). */
static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)fold(s[i])) * 16777619u;
	return h;
}

/*
 * An open-addressing index from every spelling of every field to its row, built on first use
 * (static storage: the core has no heap).  Slots hold row + 1; 0 is empty.
 */
#define NAME_SLOTS 2048u
static uint16_t name_index[NAME_SLOTS];
static volatile bool name_index_ready;

static void index_name(const char *s, size_t len, size_t row)
{
	uint32_t h = name_hash(s, len) & (NAME_SLOTS - 1);

	while (name_index[h] != 0 && name_index[h] != row + 1)
		h = (h + 1) & (NAME_SLOTS - 1);
	name_index[h] = (uint16_t)(row + 1);
}

static void build_name_index(void)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct vmcs_field_info *f = &field_table[i];
		const char *a = f->aliases;

		index_name(f->name, str_len(f->name), i);
		index_name(f->sdm_name, str_len(f->sdm_name), i);
		while (*a) {
			size_t n = 0;

			while (a[n] && a[n] != '|')
				n++;
			index_name(a, n, i);
			a += n;
			if (*a == '|')
				a++;
		}
	}
	name_index_ready = true;
}

static const struct vmcs_field_info *find_name(const char *s, size_t len)
{
	uint32_t h = name_hash(s, len) & (NAME_SLOTS - 1);

	if (!name_index_ready)
		build_name_index();
	while (name_index[h] != 0) {
		const struct vmcs_field_info *f = &field_table[name_index[h] - 1];

		if (vmcs_name_equal(s, len, f->name) || vmcs_name_equal(s, len, f->sdm_name) ||
		    in_alias_list(s, len, f->aliases))
			return f;
		h = (h + 1) & (NAME_SLOTS - 1);
	}
	return NULL;
}

const struct vmcs_field_info *vmcs_field_by_name(const char *s, size_t len, bool *high)
{
	const struct vmcs_field_info *f = find_name(s, len);
	static const char suffix[] = "_HIGH";
	size_t sl = sizeof(suffix) - 1;

	if (f) {
		if (high)
			*high = false;
		return f;
	}
	if (len > sl && vmcs_name_equal(s + len - sl, sl, suffix)) {
		f = find_name(s, len - sl);
		if (f && f->width == VMCS_W64) {
			if (high)
				*high = true;
			return f;
		}
	}
	/* Other projects' names come last, so that our own names win (project_aliases.c). */
	return vmcs_field_by_project_name(s, len, high, NULL);
}

size_t vmcs_layout_count(void)
{
	return N_LAYOUTS;
}

const struct vmcs_layout_info *vmcs_layout_at(size_t i)
{
	return i < N_LAYOUTS ? &layout_table[i] : NULL;
}

size_t vmcs_layout_index(const struct vmcs_layout_info *l)
{
	return (size_t)(l - layout_table);
}

size_t vmcs_bits_total(void)
{
	return N_BITS;
}

size_t vmcs_value_total(void)
{
	return N_VALUES;
}

const struct vmcs_bits_info *vmcs_bits_at(size_t i)
{
	return i < N_BITS ? &bits_table[i] : NULL;
}

const struct vmcs_value_info *vmcs_value_at(size_t i)
{
	return i < N_VALUES ? &value_table[i] : NULL;
}

const struct vmcs_bits_info *vmcs_layout_bits(const struct vmcs_layout_info *l, size_t *n)
{
	size_t id = vmcs_layout_index(l), i, first = N_BITS;

	*n = 0;
	for (i = 0; i < N_BITS; i++) {
		if (bits_table[i].layout != id)
			continue;
		if (first == N_BITS)
			first = i;
		(*n)++;
	}
	return *n ? &bits_table[first] : NULL;
}

const struct vmcs_value_info *vmcs_layout_values(const struct vmcs_layout_info *l, size_t *n)
{
	size_t id = vmcs_layout_index(l), i, first = N_VALUES;

	*n = 0;
	for (i = 0; i < N_VALUES; i++) {
		if (value_table[i].layout != id)
			continue;
		if (first == N_VALUES)
			first = i;
		(*n)++;
	}
	return *n ? &value_table[first] : NULL;
}

const struct vmcs_layout_info *vmcs_layout_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < N_LAYOUTS; i++) {
		if (vmcs_name_equal(id, str_len(id), layout_table[i].id))
			return &layout_table[i];
	}
	return NULL;
}

const struct vmcs_bits_info *vmcs_layout_find_bits(const struct vmcs_layout_info *l, const char *s,
                                                   size_t len)
{
	size_t n, i;
	const struct vmcs_bits_info *b = vmcs_layout_bits(l, &n);

	for (i = 0; i < n; i++) {
		if (vmcs_name_equal(s, len, b[i].name))
			return &b[i];
	}
	return NULL;
}

const struct vmcs_value_info *vmcs_layout_find_value(const struct vmcs_layout_info *l,
                                                     const char *s, size_t len)
{
	size_t n, i;
	const struct vmcs_value_info *v = vmcs_layout_values(l, &n);

	for (i = 0; i < n; i++) {
		if (vmcs_name_equal(s, len, v[i].name))
			return &v[i];
	}
	return NULL;
}

const struct vmcs_layout_info *vmcs_exists_layout(enum vmcs_exists_kind kind)
{
	switch (kind) {
	case VMCS_X_KIND_PIN:
		return &layout_table[L_PIN];
	case VMCS_X_KIND_PROC:
		return &layout_table[L_PROC];
	case VMCS_X_KIND_PROC2:
		return &layout_table[L_PROC2];
	case VMCS_X_KIND_PROC3:
		return &layout_table[L_PROC3];
	case VMCS_X_KIND_EXIT:
		return &layout_table[L_EXIT];
	case VMCS_X_KIND_EXIT2:
		return &layout_table[L_EXIT2];
	case VMCS_X_KIND_ENTRY:
		return &layout_table[L_ENTRY];
	case VMCS_X_KIND_MISC:
		return &layout_table[L_MSR_MISC];
	case VMCS_X_KIND_EPTVPID:
		return &layout_table[L_MSR_EPT_VPID_CAP];
	case VMCS_X_KIND_VMFUNC:
		return &layout_table[L_VMFUNC];
	default:
		return NULL;
	}
}

const char *vmcs_width_name(unsigned width)
{
	static const char *const names[] = {"16-bit", "64-bit", "32-bit", "natural-width"};

	return width < 4 ? names[width] : "?";
}

const char *vmcs_type_name(unsigned type)
{
	static const char *const names[] = {"control", "read-only data", "guest state",
	                                    "host state"};

	return type < 4 ? names[type] : "?";
}

unsigned vmcs_width_bits(unsigned width)
{
	static const unsigned bits[] = {16, 64, 32, 64};

	return width < 4 ? bits[width] : 0;
}
