/*
 * project_aliases.c -- the field names of other projects (kvm-unit-tests, ia32-doc, Xen,
 * VirtualBox, Bochs), one generated table per project (fields/aliases/<project>.def), and
 * their lookup.  A name maps to the encoding the project gives it, which decides the field
 * (and the high access): the project's meaning, not a guess from the spelling.  Const data and
 * binary search: no state.  Freestanding.
 *
 * Adding a project: a parser in fields/aliases/import.py, its generated .def, and a block
 * below plus a row of projects[]; tests/test_aliases.c then checks every name of it.
 */
#include "name_fold.h"
#include "vmcslint.h"

/* clang-format off */
#define PROJECT_ALIAS(name, enc) { #name, enc, NULL },
#define PROJECT_ALIAS_EXCLUDED(name, enc, why) { #name, enc, why },
static const struct vmcs_project_alias kvm_unit_tests[] = {
#include "aliases/kvm_unit_tests.def"
};
static const struct vmcs_project_alias ia32_doc[] = {
#include "aliases/ia32_doc.def"
};
static const struct vmcs_project_alias xen[] = {
#include "aliases/xen.def"
};
static const struct vmcs_project_alias virtualbox[] = {
#include "aliases/virtualbox.def"
};
static const struct vmcs_project_alias bochs[] = {
#include "aliases/bochs.def"
};
#undef PROJECT_ALIAS
#undef PROJECT_ALIAS_EXCLUDED
/* clang-format on */

#define ROWS(t) t, sizeof(t) / sizeof(t[0])

/* The order in which an ambiguous spelling would be tried; the tests allow none. */
static const struct vmcs_project projects[] = {
    {"kvm-unit-tests", ROWS(kvm_unit_tests)}, {"ia32-doc", ROWS(ia32_doc)}, {"Xen", ROWS(xen)},
    {"VirtualBox", ROWS(virtualbox)},         {"Bochs", ROWS(bochs)},
};

#define N_PROJECTS (sizeof(projects) / sizeof(projects[0]))

size_t vmcs_project_count(void)
{
	return N_PROJECTS;
}

const struct vmcs_project *vmcs_project_at(size_t i)
{
	return i < N_PROJECTS ? &projects[i] : NULL;
}

/* s[0..len) against the NUL-terminated b under the name-matching rule: <0, 0 or >0. */
static int name_cmp(const char *s, size_t len, const char *b)
{
	size_t i;

	for (i = 0; i < len && b[i]; i++) {
		unsigned char x = (unsigned char)name_fold(s[i]),
		              y = (unsigned char)name_fold(b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (i < len)
		return 1;
	return b[i] ? -1 : 0;
}

static const struct vmcs_project_alias *find_in(const struct vmcs_project *p, const char *s,
                                                size_t len)
{
	size_t lo = 0, hi = p->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(s, len, p->aliases[mid].name);

		if (c == 0)
			return &p->aliases[mid];
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first project's row for s, excluded rows included (they hide the name on purpose). */
static const struct vmcs_project_alias *find_row(const char *s, size_t len,
                                                 const struct vmcs_project **project)
{
	for (size_t i = 0; i < N_PROJECTS; i++) {
		const struct vmcs_project_alias *a = find_in(&projects[i], s, len);

		if (a) {
			*project = &projects[i];
			return a;
		}
	}
	return NULL;
}

const struct vmcs_field_info *vmcs_field_by_project_name(const char *s, size_t len, bool *high,
                                                         const struct vmcs_project **project)
{
	static const char suffix[] = "_HIGH";
	const size_t sl = sizeof(suffix) - 1;
	const struct vmcs_project *p = NULL;
	const struct vmcs_project_alias *a = find_row(s, len, &p);
	const struct vmcs_field_info *f;
	bool h = false;

	if (a) {
		if (a->excluded)
			return NULL;
		f = vmcs_field_by_encoding(a->encoding, &h);
	} else {
		/* NAME_HIGH for every name of a 64-bit field, as for our own names. */
		if (len <= sl || name_cmp(s + len - sl, sl, suffix) != 0)
			return NULL;
		a = find_row(s, len - sl, &p);
		if (!a || a->excluded || (a->encoding & 1u))
			return NULL;
		f = vmcs_field_by_encoding(a->encoding, NULL);
		if (!f || f->width != VMCS_W64)
			return NULL;
		h = true;
	}
	if (!f)
		return NULL;
	if (high)
		*high = h;
	if (project)
		*project = p;
	return f;
}
