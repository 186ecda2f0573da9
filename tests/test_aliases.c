/*
 * test_aliases.c -- other projects' field names (fields/aliases/<project>.def): every name
 * resolves to the field with the encoding that project gives it, no spelling means two fields
 * (between projects, or against our own names), and configurations written with each
 * project's names load to the same VMCS.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "helpers.h"
#include "vmcs_ids.h"

/* Every project, with its table and the fixture written in its names. */
static const struct {
	const char *project, *def, *fixture;
} known[] = {
    {"kvm-unit-tests", "fields/aliases/kvm_unit_tests.def",
     "tests/fixtures/aliases/kvm_unit_tests.yaml"},
    {"ia32-doc", "fields/aliases/ia32_doc.def", "tests/fixtures/aliases/ia32_doc.yaml"},
    {"Xen", "fields/aliases/xen.def", "tests/fixtures/aliases/xen.yaml"},
    {"VirtualBox", "fields/aliases/virtualbox.def", "tests/fixtures/aliases/virtualbox.yaml"},
    {"Bochs", "fields/aliases/bochs.def", "tests/fixtures/aliases/bochs.yaml"},
};

#define N_KNOWN (sizeof(known) / sizeof(known[0]))

/* The SDM's own abbreviations (Appendix B), ours even where a project uses them too. */
static const char *const sdm_abbreviations[] = {"VPID", "EPTP"};

/* What a spelling means: a field and which access. */
struct meaning {
	const struct vmcs_field_info *f;
	bool high;
};

static struct meaning meaning_of(uint32_t encoding)
{
	struct meaning m = {NULL, false};

	m.f = vmcs_field_by_encoding(encoding, &m.high);
	return m;
}

static bool same(struct meaning a, struct meaning b)
{
	return a.f == b.f && a.high == b.high;
}

static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'a' && *a <= 'z'   ? (char)(*a - 32)
		         : *a == '-' || *a == ' ' ? '_'
		                                  : *a;
		char y = *b >= 'a' && *b <= 'z'   ? (char)(*b - 32)
		         : *b == '-' || *b == ' ' ? '_'
		                                  : *b;

		if (x != y || !x)
			return (unsigned char)x - (unsigned char)y;
	}
}

Test(aliases, every_project_is_listed_here_with_its_count)
{
	cr_assert_eq(vmcs_project_count(), N_KNOWN, "a project was added: list it in known[]");
	for (size_t i = 0; i < N_KNOWN; i++) {
		const struct vmcs_project *p = vmcs_project_at(i);
		char *text = read_file(known[i].def, NULL), claim[64];

		cr_assert_str_eq(p->name, known[i].project);
		cr_assert_not_null(text, "%s", known[i].def);
		cr_expect_gt(p->count, 100, "%s: %zu names", p->name, p->count);
		/* The header's count (written by import.py) is the table's. */
		snprintf(claim, sizeof(claim), " * %zu names, ", p->count);
		cr_expect(strstr(text, claim), "%s does not say '%s'", known[i].def, claim);
		free(text);
	}
}

Test(aliases, tables_are_sorted_for_binary_search)
{
	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);

		for (size_t k = 1; k < p->count; k++)
			cr_expect_lt(name_cmp(p->aliases[k - 1].name, p->aliases[k].name), 0,
			             "%s: %s before %s", p->name, p->aliases[k - 1].name,
			             p->aliases[k].name);
	}
}

/* The issue's names: kvm-unit-tests and ia32-doc spellings of well-known fields. */
Test(aliases, the_names_of_the_issue_resolve)
{
	static const struct {
		const char *name, *field;
	} cases[] = {
	    {"GUEST_SEL_CS", "GUEST_CS_SELECTOR"},
	    {"CPU_EXEC_CTRL0", "CPU_BASED_VM_EXEC_CONTROL"},
	    {"ENT_CONTROLS", "VM_ENTRY_CONTROLS"},
	    {"GUEST_AR_CS", "GUEST_CS_AR_BYTES"},
	    {"HOST_BASE_TR", "HOST_TR_BASE"},
	    {"VMCS_GUEST_CR0", "GUEST_CR0"},
	    {"guest-sel-cs", "GUEST_CS_SELECTOR"},
	    {"vmx vmcs32 ctrl entry", "VM_ENTRY_CONTROLS"},
	    {"CPU_EXEC_CTRL1", "SECONDARY_VM_EXEC_CONTROL"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool high = true;
		const struct vmcs_field_info *f =
		    vmcs_field_by_name(cases[i].name, strlen(cases[i].name), &high);

		cr_assert_not_null(f, "%s", cases[i].name);
		cr_expect_str_eq(f->name, cases[i].field, "%s", cases[i].name);
		cr_expect_not(high, "%s", cases[i].name);
	}
}

/*
 * Every name of every project finds, through the lookup the loader uses, the field with the
 * encoding that project gives it, and the high access exactly when the encoding is one; a
 * name of the full access of a 64-bit field takes _HIGH as our names do.
 */
Test(aliases, every_name_resolves_to_the_field_the_project_means)
{
	size_t total = 0, highs = 0;

	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);

		for (size_t k = 0; k < p->count; k++) {
			const struct vmcs_project_alias *a = &p->aliases[k];
			struct meaning want = meaning_of(a->encoding), got = {NULL, true};
			char buf[128];
			const struct vmcs_project *from = NULL;

			if (a->excluded)
				continue;
			cr_assert_not_null(want.f, "%s %s: no field has encoding 0x%04x", p->name,
			                   a->name, a->encoding);
			got.f = vmcs_field_by_name(a->name, strlen(a->name), &got.high);
			cr_expect(same(got, want), "%s %s (0x%04x) finds %s%s", p->name, a->name,
			          a->encoding, got.f ? got.f->name : "nothing",
			          got.high ? "_HIGH" : "");
			/* The project lookup alone agrees, and names a project that has it. */
			got.f =
			    vmcs_field_by_project_name(a->name, strlen(a->name), &got.high, &from);
			cr_expect(same(got, want), "%s %s", p->name, a->name);
			cr_expect_not_null(from, "%s", a->name);
			total++;
			highs += want.high;
			if (want.high || want.f->width != VMCS_W64)
				continue;
			snprintf(buf, sizeof(buf), "%s_high", a->name);
			got.f = vmcs_field_by_name(buf, strlen(buf), &got.high);
			cr_expect(got.f == want.f && got.high, "%s %s finds %s", p->name, buf,
			          got.f ? got.f->name : "nothing");
		}
	}
	cr_expect_gt(total, 800, "%zu names", total);
	cr_expect_gt(highs, 90, "%zu high-access names (VirtualBox _HIGH, Bochs _HI, ...)", highs);
}

/* Every meaning a spelling has: among our own names (name, SDM name, alias, NAME_HIGH). */
static bool our_meaning(const char *s, struct meaning *m)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *list = f->aliases;
		size_t len = strlen(s);

		for (int h = 0; h < 2; h++) {
			size_t n = len;

			if (h) {
				if (f->width != VMCS_W64 || len <= 5 ||
				    name_cmp(s + len - 5, "_HIGH") != 0)
					continue;
				n = len - 5;
			}
			if (vmcs_name_equal(s, n, f->name) || vmcs_name_equal(s, n, f->sdm_name))
				goto found;
			for (list = f->aliases; *list;) {
				size_t k = strcspn(list, "|");
				char one[128];

				snprintf(one, sizeof(one), "%.*s", (int)k, list);
				if (vmcs_name_equal(s, n, one))
					goto found;
				list += k + (list[k] == '|');
			}
			continue;
		found:
			m->f = f;
			m->high = h;
			return true;
		}
	}
	return false;
}

/*
 * Spellings that mean two things: each name of `tables` (and its NAME_HIGH) against our own
 * names and against every other table's names and their NAME_HIGH.  Excluded rows are the
 * deliberate resolutions and do not count.  Returns the number found; *first describes one.
 */
static size_t conflicts(const struct vmcs_project *tables, size_t n_tables, char *first, size_t cap)
{
	size_t found = 0;

	first[0] = '\0';
	for (size_t i = 0; i < n_tables; i++) {
		for (size_t k = 0; k < tables[i].count; k++) {
			const struct vmcs_project_alias *a = &tables[i].aliases[k];
			struct meaning mine = meaning_of(a->encoding);

			if (a->excluded || !mine.f)
				continue;
			for (int h = 0; h < 2; h++) {
				char s[128];
				struct meaning ours, want = mine;

				if (h && (mine.high || mine.f->width != VMCS_W64))
					continue;
				want.high = h ? true : mine.high;
				snprintf(s, sizeof(s), "%s%s", a->name, h ? "_HIGH" : "");
				if (our_meaning(s, &ours) && !same(ours, want)) {
					if (!found++)
						snprintf(first, cap, "%s's %s is our name of %s%s",
						         tables[i].name, s, ours.f->name,
						         ours.high ? "_HIGH" : "");
				}
				for (size_t j = 0; j < n_tables; j++) {
					for (size_t l = 0; j != i && l < tables[j].count; l++) {
						const struct vmcs_project_alias *b =
						    &tables[j].aliases[l];
						struct meaning theirs = meaning_of(b->encoding);
						char t[128];

						if (b->excluded || !theirs.f)
							continue;
						snprintf(t, sizeof(t), "%s_HIGH", b->name);
						if (name_cmp(s, b->name) == 0 &&
						    !same(theirs, want)) {
							if (!found++)
								snprintf(first, cap,
								         "%s and %s mean different "
								         "fields by %s",
								         tables[i].name,
								         tables[j].name, s);
						} else if (name_cmp(s, t) == 0 && !theirs.high &&
						           theirs.f->width == VMCS_W64 &&
						           !(want.f == theirs.f && want.high)) {
							if (!found++)
								snprintf(first, cap,
								         "%s's %s is %s's %s_HIGH",
								         tables[i].name, s,
								         tables[j].name, b->name);
						}
					}
				}
			}
		}
	}
	return found;
}

static size_t all_tables(struct vmcs_project *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < vmcs_project_count() && n < cap; i++)
		out[n++] = *vmcs_project_at(i);
	return n;
}

Test(aliases, no_spelling_means_two_fields)
{
	struct vmcs_project t[16];
	size_t n = all_tables(t, 16);
	char first[256];

	cr_expect_eq(conflicts(t, n, first, sizeof(first)), 0, "%s", first);
}

/* The check above is not vacuous: made-up names that collide are found. */
Test(aliases, a_colliding_name_is_caught)
{
	/* Our alias of IO_BITMAP_A, which no project uses, given to IO_BITMAP_B. */
	static const struct vmcs_project_alias ours_differently[] = {
	    {"IO_BITMAP_A_ADDR", 0x2002, NULL}};
	static const struct vmcs_project_alias kvm_differently[] = {{"GUEST_SEL_CS", 0x0804, NULL}};
	/* kvm-unit-tests' and Xen's GUEST_PAT takes _HIGH: 0x2805, not EFER's high half. */
	static const struct vmcs_project_alias high_clash[] = {{"GUEST_PAT_HIGH", 0x2807, NULL}};
	static const struct vmcs_project_alias excluded[] = {
	    {"IO_BITMAP_A_ADDR", 0x2002, "ours win"}};
	struct vmcs_project t[16];
	size_t n = all_tables(t, 15);
	char first[256];

	t[n] = (struct vmcs_project){"made-up", ours_differently, 1};
	/* The name itself and, derived, IO_BITMAP_A_ADDR_HIGH. */
	cr_expect_eq(conflicts(t, n + 1, first, sizeof(first)), 2);
	cr_expect(strstr(first, "IO_BITMAP_A_ADDR is our name of IO_BITMAP_A"), "%s", first);
	t[n] = (struct vmcs_project){"made-up", kvm_differently, 1};
	cr_expect_geq(conflicts(t, n + 1, first, sizeof(first)), 1);
	cr_expect(strstr(first, "mean different fields by GUEST_SEL_CS"), "%s", first);
	t[n] = (struct vmcs_project){"made-up", high_clash, 1};
	cr_expect_geq(conflicts(t, n + 1, first, sizeof(first)), 1);
	cr_expect(
	    strstr(first, "kvm-unit-tests and made-up mean different fields by GUEST_PAT_HIGH"),
	    "%s", first);
	t[n] = (struct vmcs_project){"made-up", excluded, 1};
	cr_expect_eq(conflicts(t, n + 1, first, sizeof(first)), 0, "%s", first);
}

/*
 * A name left out on purpose still collides (otherwise the exclusion is stale) and does not
 * resolve to what that project means by it.
 */
Test(aliases, excluded_names_are_still_needed)
{
	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);

		for (size_t k = 0; k < p->count; k++) {
			const struct vmcs_project_alias *a = &p->aliases[k];
			struct vmcs_project_alias as_kept = *a;
			struct vmcs_project t[16];
			size_t n = all_tables(t, 15);
			struct meaning got = {NULL, false};
			char first[256];

			if (!a->excluded)
				continue;
			as_kept.excluded = NULL;
			t[n] = (struct vmcs_project){"kept", &as_kept, 1};
			cr_expect_gt(conflicts(t, n + 1, first, sizeof(first)), 0,
			             "%s %s is excluded (%s) but collides with nothing", p->name,
			             a->name, a->excluded);
			got.f = vmcs_field_by_name(a->name, strlen(a->name), &got.high);
			cr_expect_not(same(got, meaning_of(a->encoding)), "%s %s", p->name,
			              a->name);
		}
	}
}

/* One list per fact: our alias column does not repeat a name a project table gives. */
Test(aliases, our_aliases_are_not_project_names)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *list = f->aliases;

		while (*list) {
			size_t n = strcspn(list, "|");
			const struct vmcs_project *p = NULL;
			bool sdm = false;

			for (size_t j = 0;
			     j < sizeof(sdm_abbreviations) / sizeof(*sdm_abbreviations); j++)
				sdm |= vmcs_name_equal(list, n, sdm_abbreviations[j]);
			if (!sdm) {
				vmcs_field_by_project_name(list, n, NULL, &p);
				cr_expect_null(p,
				               "alias '%.*s' of %s is also %s's name: keep it in "
				               "fields/aliases/ only",
				               (int)n, list, f->name, p ? p->name : "");
			}
			list += n + (list[n] == '|');
		}
	}
}

/* Arrays, not pointers: Criterion runs each parameter in a new process. */
struct fixture_case {
	char path[64];
};

static struct fixture_case fixture_cases[N_KNOWN];

ParameterizedTestParameters(aliases, configuration_in_project_names)
{
	for (size_t i = 0; i < N_KNOWN; i++)
		snprintf(fixture_cases[i].path, sizeof(fixture_cases[i].path), "%s",
		         known[i].fixture);
	return cr_make_param_array(struct fixture_case, fixture_cases, N_KNOWN);
}

/*
 * examples/valid-long-mode.yaml rewritten in a project's names (where the project names high
 * accesses, VMCS_LINK_POINTER also through its high one) loads to the very same VMCS, without
 * a diagnostic, and enters.
 */
ParameterizedTest(const struct fixture_case *c, aliases, configuration_in_project_names)
{
	struct vmcs_config ref, cfg;
	struct load_diags d1, d2;
	struct cli_result r;

	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	cr_assert(config_load("examples/valid-long-mode.yaml", &ref, &d1, NULL, NULL));
	cr_assert(config_load(c->path, &cfg, &d2, NULL, NULL), "%s: %s", c->path,
	          d2.n ? d2.d[0].msg : "");
	cr_expect_eq(d2.n, 0, "%s: %s", c->path, d2.n ? d2.d[0].msg : "");
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		cr_expect_eq(cfg.vmcs.written[i], ref.vmcs.written[i], "%s: %s written", c->path,
		             vmcs_field_at(i)->name);
		cr_expect_eq(cfg.vmcs.value[i], ref.vmcs.value[i], "%s: %s", c->path,
		             vmcs_field_at(i)->name);
	}
	config_release(&ref);
	config_release(&cfg);
	r = run_cli(NULL, (const char *[]){"check", c->path, NULL});
	cr_expect_eq(r.status, 0, "%s: %s%s", c->path, r.out, r.err);
	cr_expect(strstr(r.out, "prediction: VM entry succeeds"), "%s", r.out);
	cli_result_free(&r);
}

/* Twice through two projects' names of one field is still twice. */
Test(aliases, a_field_given_twice_through_two_projects_is_an_error)
{
	const char *text = "vmcs:\n  GUEST_SEL_CS: 0x8\n  VMX_VMCS16_GUEST_CS_SEL: 0x8\n";
	char path[] = "/tmp/vmcslint-alias-XXXXXX.yaml";
	FILE *f;
	struct cli_result r;
	int fd = mkstemps(path, 5);

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	r = run_cli(NULL, (const char *[]){"check", path, NULL});
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "3:3: error: GUEST_CS_SELECTOR given twice (first at 2:3 as "
	                        "'GUEST_SEL_CS')"),
	          "%s", r.err);
	cli_result_free(&r);
	remove(path);
}
