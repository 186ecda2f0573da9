/*
 * test_fields.c -- the field database checked against itself: encodings against declared
 * widths and types, uniqueness of names and encodings, bit layouts within their fields.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "vmcs_ids.h"

static bool folded_equal(const char *a, size_t alen, const char *b)
{
	return vmcs_name_equal(a, alen, b);
}

Test(fields, every_row_agrees_with_its_encoding)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *why = NULL;
		struct vmcs_encoding_bits d = vmcs_encoding_decode(f->encoding);

		cr_expect(vmcs_field_row_consistent(f, &why), "%s (0x%04x): %s", f->name,
		          f->encoding, why);
		/* The same facts, derived here independently from the encoding bits. */
		cr_expect_eq(d.width, (f->encoding >> 13) & 3u, "%s", f->name);
		cr_expect_eq(d.type, (f->encoding >> 10) & 3u, "%s", f->name);
		cr_expect_eq(d.index, (f->encoding >> 1) & 0x1ffu, "%s", f->name);
		cr_expect(!d.high, "%s lists a high-access encoding", f->name);
	}
}

/*
 * A public database shipped the guest CET fields with host encodings for years.  Fed the same
 * function as the real table, such a row must be rejected.
 */
Test(fields, mislabelled_row_is_caught)
{
	const struct vmcs_field_info guest_s_cet_with_host_encoding = {
	    "GUEST_S_CET",    0x6c18, VMCS_WNAT,          VMCS_T_GUEST, VMCS_ORIGIN_SDM,
	    VMCS_LAYOUT_NONE, {0, 0}, "Guest IA32_S_CET", "",           ""};
	const struct vmcs_field_info wrong_width = {
	    "GUEST_IA32_LBR_CTL", 0x2816, VMCS_W32, VMCS_T_GUEST, VMCS_ORIGIN_SDM,
	    VMCS_LAYOUT_NONE,     {0, 0}, "",       "",           ""};
	const struct vmcs_field_info high_listed = {
	    "VMCS_LINK_POINTER_HIGH", 0x2801, VMCS_W64, VMCS_T_GUEST, VMCS_ORIGIN_SDM,
	    VMCS_LAYOUT_NONE,         {0, 0}, "",       "",           ""};
	const char *why = NULL;

	cr_assert_not(vmcs_field_row_consistent(&guest_s_cet_with_host_encoding, &why));
	cr_assert(strstr(why, "type") != NULL, "reason was: %s", why);
	cr_assert_not(vmcs_field_row_consistent(&wrong_width, &why));
	cr_assert(strstr(why, "width") != NULL, "reason was: %s", why);
	cr_assert_not(vmcs_field_row_consistent(&high_listed, &why));
	cr_assert(strstr(why, "high") != NULL, "reason was: %s", why);
}

Test(fields, table_is_in_encoding_order_without_duplicates)
{
	for (size_t i = 1; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *a = vmcs_field_at(i - 1), *b = vmcs_field_at(i);

		cr_expect(a->encoding < b->encoding, "%s (0x%04x) before %s (0x%04x)", a->name,
		          a->encoding, b->name, b->encoding);
	}
}

/* Every name a user may type (name, NAME_HIGH, SDM name, aliases) finds exactly its field. */
Test(fields, names_and_aliases_are_unique)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const char *list = f->aliases;
		bool high = true;

		cr_expect_eq(vmcs_field_by_name(f->name, strlen(f->name), &high), f, "%s", f->name);
		cr_expect_not(high, "%s", f->name);
		cr_expect_eq(vmcs_field_by_name(f->sdm_name, strlen(f->sdm_name), NULL), f,
		             "SDM name '%s' of %s finds another field", f->sdm_name, f->name);
		while (*list) {
			size_t n = strcspn(list, "|");

			cr_expect(n > 0, "%s has an empty alias", f->name);
			cr_expect_eq(vmcs_field_by_name(list, n, NULL), f,
			             "alias '%.*s' of %s finds another field", (int)n, list,
			             f->name);
			cr_expect_not(folded_equal(list, n, f->name), "%s aliases itself", f->name);
			list += n;
			if (*list == '|')
				list++;
		}
		/* No other field's name or alias may equal this one's, in either direction. */
		for (size_t j = 0; j < vmcs_field_count(); j++) {
			const struct vmcs_field_info *g = vmcs_field_at(j);

			if (g == f)
				continue;
			cr_expect_not(folded_equal(f->name, strlen(f->name), g->sdm_name),
			              "%s equals the SDM name of %s", f->name, g->name);
		}
	}
}

Test(fields, high_halves_exist_exactly_for_64_bit_fields)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		char name[128];
		bool high = false;
		const struct vmcs_field_info *h = vmcs_field_by_encoding(f->encoding | 1u, &high);

		snprintf(name, sizeof(name), "%s_HIGH", f->name);
		if (f->width == VMCS_W64) {
			cr_expect_eq(h, f, "%s", name);
			cr_expect(high, "%s", name);
			high = false;
			cr_expect_eq(vmcs_field_by_name(name, strlen(name), &high), f, "%s", name);
			cr_expect(high, "%s", name);
		} else {
			cr_expect_null(h, "0x%04x must not decode as a high half",
			               f->encoding | 1u);
			cr_expect_null(vmcs_field_by_name(name, strlen(name), NULL), "%s", name);
		}
	}
}

Test(fields, bit_layouts_fit_their_fields)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		size_t n, nv;
		const struct vmcs_bits_info *b;
		const struct vmcs_value_info *v;

		if (f->layout == VMCS_LAYOUT_NONE)
			continue;
		cr_assert_lt(f->layout, vmcs_layout_count(), "%s", f->name);
		b = vmcs_layout_bits(vmcs_layout_at(f->layout), &n);
		v = vmcs_layout_values(vmcs_layout_at(f->layout), &nv);
		cr_expect_gt(n + nv, 0, "%s has an empty layout", f->name);
		for (size_t j = 0; j < nv; j++)
			cr_expect(vmcs_width_bits(f->width) == 64 ||
			              v[j].value >> vmcs_width_bits(f->width) == 0,
			          "%s value %s", f->name, v[j].name);
		for (size_t j = 0; j < n; j++)
			cr_expect_lt(b[j].hi, vmcs_width_bits(f->width), "%s bit %s (%u:%u)",
			             f->name, b[j].name, b[j].hi, b[j].lo);
	}
}

Test(fields, layouts_are_well_formed)
{
	size_t total = 0;

	for (size_t l = 0; l < vmcs_layout_count(); l++) {
		const struct vmcs_layout_info *lay = vmcs_layout_at(l);
		size_t n, nv;
		const struct vmcs_bits_info *b = vmcs_layout_bits(lay, &n);
		const struct vmcs_value_info *v = vmcs_layout_values(lay, &nv);

		cr_expect(n + nv > 0, "layout %s has no rows", lay->id);
		total += n;
		for (size_t j = 0; j < n; j++) {
			cr_expect_eq(b[j].layout, l, "rows of %s are not contiguous", lay->id);
			cr_expect_leq(b[j].lo, b[j].hi, "%s.%s", lay->id, b[j].name);
			cr_expect_lt(b[j].hi, 64, "%s.%s", lay->id, b[j].name);
			if (j)
				cr_expect_gt(b[j].lo, b[j - 1].hi, "%s: %s overlaps or precedes %s",
				             lay->id, b[j].name, b[j - 1].name);
			for (size_t k = 0; k < j; k++)
				cr_expect_not(folded_equal(b[j].name, strlen(b[j].name), b[k].name),
				              "%s: %s twice", lay->id, b[j].name);
			cr_expect_eq(vmcs_layout_find_bits(lay, b[j].name, strlen(b[j].name)),
			             &b[j]);
		}
		for (size_t j = 0; j < nv; j++) {
			cr_expect_eq(v[j].layout, l, "values of %s are not contiguous", lay->id);
			cr_expect_eq(vmcs_layout_find_value(lay, v[j].name, strlen(v[j].name)),
			             &v[j], "%s.%s", lay->id, v[j].name);
		}
	}
	cr_expect_eq(total, vmcs_bits_total(), "bit rows outside any layout");
	/* the lookups search these tables by layout: they must be ordered by it */
	for (size_t i = 1; i < vmcs_bits_total(); i++)
		cr_expect_leq(vmcs_bits_at(i - 1)->layout, vmcs_bits_at(i)->layout,
		              "bit row %zu is out of layout order", i);
	for (size_t i = 1; i < vmcs_value_total(); i++)
		cr_expect_leq(vmcs_value_at(i - 1)->layout, vmcs_value_at(i)->layout,
		              "value row %zu is out of layout order", i);
}

Test(fields, existence_names_a_real_capability_bit)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);

		cr_expect_neq(VMCS_EXISTS_KIND(f->exists[0]), VMCS_X_KIND_NONE, "%s", f->name);
		for (int k = 0; k < 2; k++) {
			enum vmcs_exists_kind kind = VMCS_EXISTS_KIND(f->exists[k]);
			unsigned bit = VMCS_EXISTS_BIT(f->exists[k]);
			const struct vmcs_layout_info *l = vmcs_exists_layout(kind);
			size_t n;
			const struct vmcs_bits_info *b;
			bool found = false;

			if (kind == VMCS_X_KIND_NONE || kind == VMCS_X_KIND_ALWAYS ||
			    kind == VMCS_X_KIND_UNENUMERATED)
				continue;
			cr_assert_not_null(l, "%s: existence kind %d has no layout", f->name, kind);
			b = vmcs_layout_bits(l, &n);
			for (size_t j = 0; j < n; j++)
				found |= b[j].lo == bit && b[j].hi == bit;
			cr_expect(found,
			          "%s exists by bit %u of %s, which the layout does not name",
			          f->name, bit, l->id);
		}
	}
}

Test(fields, lookups_by_encoding_and_name)
{
	bool high = true;
	const struct vmcs_field_info *f;

	f = vmcs_field_by_encoding(0x6800, &high);
	cr_assert_not_null(f);
	cr_expect_str_eq(f->name, "GUEST_CR0");
	cr_expect_not(high);
	cr_expect_eq(vmcs_field_by_name("guest-cr0", 9, NULL), f);
	cr_expect_eq(vmcs_field_by_name("Guest CR0", 9, NULL), f);
	cr_expect_null(vmcs_field_by_name("GUEST_CR0_HIGH", 14, NULL), "natural width has no high");
	cr_expect_null(vmcs_field_by_encoding(0x6801, NULL));
	cr_expect_null(vmcs_field_by_encoding(0x7ffe, NULL));
	f = vmcs_field_by_encoding(0x2801, &high);
	cr_assert_not_null(f);
	cr_expect_str_eq(f->name, "VMCS_LINK_POINTER");
	cr_expect(high);
	cr_expect_str_eq(vmcs_field_suggest("GUEST_CRO", 9), "GUEST_CR0");
	cr_expect_null(vmcs_field_suggest("NOTHING_LIKE_ANY_FIELD_AT_ALL", 29));
}

Test(fields, encoding_decode_reports_reserved_bits)
{
	struct vmcs_encoding_bits d = vmcs_encoding_decode(0x1000);

	cr_expect(d.reserved);
	d = vmcs_encoding_decode(0x00016800);
	cr_expect(d.reserved);
	d = vmcs_encoding_decode(0x2817);
	cr_expect_not(d.reserved);
	cr_expect(d.high);
	cr_expect_eq(d.index, 0xb);
	cr_expect_eq(d.type, VMCS_T_GUEST);
	cr_expect_eq(d.width, VMCS_W64);
}
