/*
 * test_sdm_fields.c -- fields/vmcs_fields.def held against the SDM's own list of VMCS fields
 * (Appendix B, kept apart in tests/fixtures/sdm-appendix-b.txt with its provenance): every
 * listed field is in the table with the width and type its encoding bits give, and every field
 * the table says comes from the SDM is listed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "vmcslint.h"

#define SDM_LIST "tests/fixtures/sdm-appendix-b.txt"
#define MAX_ROWS 512

struct sdm_row {
	unsigned encoding;
	char width[24], type[24], name[96];
	unsigned line;
};

/* Splits the tab-separated lines of the list; comments and blank lines are skipped. */
static size_t read_list(struct sdm_row *rows, size_t max)
{
	char *text = read_file(SDM_LIST, NULL);
	char *line, *next;
	size_t n = 0;
	unsigned no = 0;

	cr_assert_not_null(text, "cannot read %s", SDM_LIST);
	for (line = text; *line; line = next) {
		struct sdm_row *r = &rows[n];
		char *end;

		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : line + strlen(line);
		no++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		cr_assert_lt(n, max, "%s: more than %zu rows", SDM_LIST, max);
		r->line = no;
		r->encoding = (unsigned)strtoul(line, &end, 16);
		cr_assert(strncmp(line, "0x", 2) == 0 && *end == '\t', "%s:%u: bad encoding: %s",
		          SDM_LIST, no, line);
		cr_assert_eq(
		    sscanf(end + 1, "%23[^\t]\t%23[^\t]\t%95[^\n]", r->width, r->type, r->name), 3,
		    "%s:%u: want ENCODING WIDTH TYPE NAME: %s", SDM_LIST, no, line);
		n++;
	}
	free(text);
	return n;
}

Test(sdm_fields, every_listed_field_is_in_the_table_as_its_encoding_says)
{
	static struct sdm_row rows[MAX_ROWS];
	size_t n = read_list(rows, MAX_ROWS);

	cr_expect_gt(n, 150, "only %zu rows in %s", n, SDM_LIST);
	for (size_t i = 0; i < n; i++) {
		const struct sdm_row *r = &rows[i];
		struct vmcs_encoding_bits d = vmcs_encoding_decode(r->encoding);
		bool high = true;
		const struct vmcs_field_info *f = vmcs_field_by_encoding(r->encoding, &high);

		/* The list against the encoding's own bits (SDM 25.11.2): 14:13 width, 11:10 type.
		 */
		cr_expect(!d.high && !d.reserved, "line %u: 0x%04x is no full-access encoding",
		          r->line, r->encoding);
		cr_expect_str_eq(r->width, vmcs_width_name(d.width),
		                 "line %u: 0x%04x is %s, the list says %s", r->line, r->encoding,
		                 vmcs_width_name(d.width), r->width);
		cr_expect_str_eq(r->type, vmcs_type_name(d.type),
		                 "line %u: 0x%04x is %s, the list says %s", r->line, r->encoding,
		                 vmcs_type_name(d.type), r->type);
		for (size_t j = 0; j < i; j++)
			cr_expect_neq(rows[j].encoding, r->encoding,
			              "line %u repeats 0x%04x of line %u", r->line, r->encoding,
			              rows[j].line);
		/* ...and the table against both. */
		cr_expect_not_null(f, "line %u: 0x%04x (%s) is not in fields/vmcs_fields.def",
		                   r->line, r->encoding, r->name);
		if (!f)
			continue;
		cr_expect(!high, "0x%04x", r->encoding);
		cr_expect_eq(f->width, d.width, "%s: width", f->name);
		cr_expect_eq(f->type, d.type, "%s: type", f->name);
		cr_expect_eq(f->origin, VMCS_ORIGIN_SDM,
		             "%s is listed in the SDM but has origin %u", f->name, f->origin);
		cr_expect(vmcs_name_equal(r->name, strlen(r->name), f->sdm_name),
		          "0x%04x: the SDM calls it \"%s\", fields/ \"%s\"", r->encoding, r->name,
		          f->sdm_name);
	}
}

Test(sdm_fields, every_field_of_sdm_origin_is_listed)
{
	static struct sdm_row rows[MAX_ROWS];
	size_t n = read_list(rows, MAX_ROWS), sdm = 0;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		bool listed = false;

		if (f->origin != VMCS_ORIGIN_SDM)
			continue;
		sdm++;
		for (size_t j = 0; j < n && !listed; j++)
			listed = rows[j].encoding == f->encoding;
		cr_expect(listed, "%s (0x%04x) claims the SDM as origin but %s does not list it",
		          f->name, f->encoding, SDM_LIST);
	}
	cr_expect_eq(sdm, n, "%zu fields of SDM origin, %zu listed", sdm, n);
}

/* The field issue 11 found missing: a 32-bit control field with no capability to tell. */
Test(sdm_fields, the_seam_guest_keyid_is_a_32_bit_control_field)
{
	const struct vmcs_field_info *f = vmcs_field_by_encoding(0x4026, NULL);

	cr_assert_not_null(f);
	cr_expect_eq(f->width, VMCS_W32);
	cr_expect_eq(f->type, VMCS_T_CTL);
	cr_expect_eq(VMCS_EXISTS_KIND(f->exists[0]), VMCS_X_KIND_UNENUMERATED);
	cr_expect_eq(vmcs_field_by_name("SEAM guest KeyID", 16, NULL), f);
}
