/*
 * cmd_fields.c -- `vmcslint fields`: the VMCS field database as text or JSON.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "vmcslint.h"

static const char fields_usage[] =
    "usage: vmcslint fields [--format text|json] [--high] [NAME|ENCODING]\n"
    "       vmcslint fields [--format text|json] --search WORD\n\n"
    "With no argument, lists every VMCS field in encoding order (with --high, the high-access\n"
    "encodings of 64-bit fields too).  NAME is a canonical name, NAME_HIGH, the SDM's name or\n"
    "an alias (case, spaces, '-' and '_' do not matter); ENCODING is a number such as 0x6800.\n"
    "kvm-unit-tests, ia32-doc, Xen, VirtualBox and Bochs names are accepted too.\n"
    "An encoding that is no defined field is still decoded (exit status 1).\n"
    "--search WORD lists the fields whose name, aliases, other projects' names, description or\n"
    "bit names contain WORD; case, spaces, '-' and '_' do not matter (\"cr3 target\" finds\n"
    "CR3-target), nor the '/' of \"I/O\".\n";

enum fmt { FMT_TEXT, FMT_JSON };

static void json_exists(FILE *out, const struct vmcs_field_info *f)
{
	char buf[256];
	int i, first = 1;

	fputc('[', out);
	for (i = 0; i < 2; i++) {
		if (VMCS_EXISTS_KIND(f->exists[i]) == VMCS_X_KIND_NONE)
			continue;
		field_exists_text(f->exists[i], buf, sizeof(buf));
		fputs(first ? "" : ", ", out);
		json_string(out, buf);
		first = 0;
	}
	fputc(']', out);
}

static void json_aliases(FILE *out, const char *list)
{
	int first = 1;

	fputc('[', out);
	while (*list) {
		size_t n = strcspn(list, "|");

		fputs(first ? "" : ", ", out);
		json_string_n(out, list, n);
		first = 0;
		list += n;
		if (*list == '|')
			list++;
	}
	fputc(']', out);
}

/* Whether project alias a names field f (its full or its high access). */
static bool names_field(const struct vmcs_project_alias *a, const struct vmcs_field_info *f)
{
	return !a->excluded && (a->encoding & ~1u) == f->encoding;
}

static void json_project_names(FILE *out, const struct vmcs_field_info *f)
{
	int first = 1;

	fputc('[', out);
	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);

		for (size_t k = 0; k < p->count; k++) {
			if (!names_field(&p->aliases[k], f))
				continue;
			fputs(first ? "{\"project\": " : ", {\"project\": ", out);
			json_string(out, p->name);
			fputs(", \"name\": ", out);
			json_string(out, p->aliases[k].name);
			fprintf(out, ", \"encoding\": \"0x%04x\"}", p->aliases[k].encoding);
			first = 0;
		}
	}
	fputc(']', out);
}

static void json_layout(FILE *out, const struct vmcs_field_info *f)
{
	const struct vmcs_layout_info *l;
	const struct vmcs_bits_info *b;
	const struct vmcs_value_info *v;
	size_t n, i;

	if (f->layout == VMCS_LAYOUT_NONE) {
		fputs("null", out);
		return;
	}
	l = vmcs_layout_at(f->layout);
	fputs("{\"title\": ", out);
	json_string(out, l->title);
	fputs(", \"bits\": [", out);
	b = vmcs_layout_bits(l, &n);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s{\"name\": ", i ? ", " : "");
		json_string(out, b[i].name);
		fprintf(out, ", \"lo\": %u, \"hi\": %u, \"description\": ", b[i].lo, b[i].hi);
		json_string(out, b[i].desc);
		fputc('}', out);
	}
	fputs("], \"values\": [", out);
	v = vmcs_layout_values(l, &n);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s{\"name\": ", i ? ", " : "");
		json_string(out, v[i].name);
		fprintf(out,
		        ", \"value\": %llu, \"description\": ", (unsigned long long)v[i].value);
		json_string(out, v[i].desc);
		fputc('}', out);
	}
	fputs("]}", out);
}

static void json_field(FILE *out, const struct vmcs_field_info *f)
{
	fputs("{\"name\": ", out);
	json_string(out, f->name);
	fprintf(out, ", \"encoding\": \"0x%04x\"", f->encoding);
	if (f->width == VMCS_W64)
		fprintf(out, ", \"encoding_high\": \"0x%04x\"", f->encoding | 1u);
	fprintf(out, ", \"width\": \"%s\", \"type\": \"%s\", \"origin\": \"%s\", \"sdm_name\": ",
	        vmcs_width_name(f->width), vmcs_type_name(f->type),
	        f->origin == VMCS_ORIGIN_FRED ? "FRED" : "SDM");
	json_string(out, f->sdm_name);
	fputs(", \"aliases\": ", out);
	json_aliases(out, f->aliases);
	fputs(", \"project_names\": ", out);
	json_project_names(out, f);
	fputs(", \"exists_if\": ", out);
	json_exists(out, f);
	fputs(", \"description\": ", out);
	json_string(out, f->desc);
	fputs(", \"layout\": ", out);
	json_layout(out, f);
	fputc('}', out);
}

static void text_line(const struct vmcs_field_info *f, bool high)
{
	char name[96];

	snprintf(name, sizeof(name), "%s%s", f->name, high ? "_HIGH" : "");
	printf("0x%04x  %-40s %-14s %s\n", f->encoding | (high ? 1u : 0u), name,
	       vmcs_width_name(high ? VMCS_W32 : f->width), vmcs_type_name(f->type));
}

/* Each project's names of f, high accesses marked: "    Bochs           VMCS_64BIT_..., ...". */
static void text_project_names(const struct vmcs_field_info *f)
{
	bool header = false;

	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);
		bool any = false;

		for (size_t k = 0; k < p->count; k++) {
			const struct vmcs_project_alias *a = &p->aliases[k];

			if (!names_field(a, f))
				continue;
			if (!header)
				printf("  other projects:\n");
			header = true;
			if (any)
				printf(", %s", a->name);
			else
				printf("    %-15s %s", p->name, a->name);
			if (a->encoding & 1u)
				fputs(" (high)", stdout);
			any = true;
		}
		if (any)
			putchar('\n');
	}
}

static void text_field(const struct vmcs_field_info *f, bool high)
{
	struct vmcs_encoding_bits d = vmcs_encoding_decode(f->encoding | (high ? 1u : 0u));
	char buf[256];
	int i;

	if (high)
		printf("%s_HIGH: high 32 bits of %s\n", f->name, f->name);
	printf("%s\n", f->name);
	printf("  encoding:    0x%04x (index %u, access %s)\n", f->encoding | (high ? 1u : 0u),
	       d.index, d.high ? "high" : "full");
	if (f->width == VMCS_W64)
		printf("  high half:   0x%04x (%s_HIGH)\n", f->encoding | 1u, f->name);
	printf("  width:       %s\n", vmcs_width_name(f->width));
	printf("  type:        %s\n", vmcs_type_name(f->type));
	printf("  SDM name:    %s%s\n", f->sdm_name,
	       f->origin == VMCS_ORIGIN_FRED ? " (FRED specification)" : "");
	if (f->aliases[0])
		printf("  aliases:     %s\n", f->aliases);
	text_project_names(f);
	for (i = 0; i < 2; i++) {
		if (VMCS_EXISTS_KIND(f->exists[i]) == VMCS_X_KIND_NONE)
			continue;
		field_exists_text(f->exists[i], buf, sizeof(buf));
		printf("  %s %s\n", i ? "        or:  " : "exists if:  ", buf);
	}
	printf("  description: %s\n", f->desc);
	if (f->layout != VMCS_LAYOUT_NONE) {
		const struct vmcs_layout_info *l = vmcs_layout_at(f->layout);
		const struct vmcs_bits_info *b;
		const struct vmcs_value_info *v;
		size_t n, j;

		printf("  bits (%s):\n", l->title);
		b = vmcs_layout_bits(l, &n);
		for (j = 0; j < n; j++) {
			char range[16];

			if (b[j].lo == b[j].hi)
				snprintf(range, sizeof(range), "%u", b[j].lo);
			else
				snprintf(range, sizeof(range), "%u:%u", b[j].hi, b[j].lo);
			printf("    %-6s %-40s %s\n", range, b[j].name, b[j].desc);
		}
		v = vmcs_layout_values(l, &n);
		if (n)
			printf("  values:\n");
		for (j = 0; j < n; j++)
			printf("    %-6llu %-40s %s\n", (unsigned long long)v[j].value, v[j].name,
			       v[j].desc);
	}
}

static void text_unknown(uint32_t enc)
{
	struct vmcs_encoding_bits d = vmcs_encoding_decode(enc);

	printf("0x%04x: no VMCS field has this encoding\n", enc);
	printf("  decoded:     width %s, type %s, index %u, access %s%s\n",
	       vmcs_width_name(d.width), vmcs_type_name(d.type), d.index, d.high ? "high" : "full",
	       d.reserved ? "; reserved bits set (bit 12 or bits 31:15)" : "");
	printf("  VMREAD/VMWRITE of it fails with VM-instruction error 12 "
	       "(unsupported VMCS component)\n");
}

static void json_unknown(uint32_t enc)
{
	struct vmcs_encoding_bits d = vmcs_encoding_decode(enc);

	printf("{\"encoding\": \"0x%04x\", \"known\": false, \"width\": \"%s\", \"type\": \"%s\", "
	       "\"index\": %u, \"access\": \"%s\", \"reserved_bits\": %s}\n",
	       enc, vmcs_width_name(d.width), vmcs_type_name(d.type), d.index,
	       d.high ? "high" : "full", d.reserved ? "true" : "false");
}

/*
 * A text as --search compares it: letters in upper case, every run of spaces, '-', '_' and
 * other punctuation one '_', none at either end; the '/' of a one-letter abbreviation ("I/O")
 * joins, so that "io bitmap" finds "I/O bitmap".  Cut to cap - 1 characters.
 */
static void search_key(const char *s, char *out, size_t cap)
{
	size_t n = 0, word = 0;
	bool sep = false;

	for (; *s && n + 2 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c)) {
			if (sep && n > 0) {
				out[n++] = '_';
				word = 0;
			}
			sep = false;
			out[n++] = (char)toupper(c);
			word++;
		} else if (!(c == '/' && word == 1 && isalpha((unsigned char)s[1]))) {
			sep = true;
		}
	}
	out[n] = '\0';
}

static bool contains(const char *hay, const char *key)
{
	char h[1024];

	search_key(hay, h, sizeof(h));
	return strstr(h, key) != NULL;
}

static bool field_matches(const struct vmcs_field_info *f, const char *key)
{
	const char *a = f->aliases;

	if (contains(f->name, key) || contains(f->sdm_name, key) || contains(f->desc, key))
		return true;
	while (*a) {
		char one[256];
		size_t n = strcspn(a, "|");

		snprintf(one, sizeof(one), "%.*s", (int)n, a);
		if (contains(one, key))
			return true;
		a += n + (a[n] == '|');
	}
	for (size_t i = 0; i < vmcs_project_count(); i++) {
		const struct vmcs_project *p = vmcs_project_at(i);

		for (size_t k = 0; k < p->count; k++) {
			if (names_field(&p->aliases[k], f) && contains(p->aliases[k].name, key))
				return true;
		}
	}
	if (f->layout != VMCS_LAYOUT_NONE) {
		size_t n, i;
		const struct vmcs_bits_info *b = vmcs_layout_bits(vmcs_layout_at(f->layout), &n);

		for (i = 0; i < n; i++) {
			if (contains(b[i].name, key))
				return true;
		}
	}
	return false;
}

static int list_fields(enum fmt fmt, bool with_high, const char *search)
{
	size_t i, shown = 0;
	char key[256];

	if (search)
		search_key(search, key, sizeof(key));
	if (fmt == FMT_JSON)
		printf("{\"fields\": [");
	for (i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);

		if (search && !field_matches(f, key))
			continue;
		if (fmt == FMT_JSON) {
			fputs(shown ? ",\n  " : "\n  ", stdout);
			json_field(stdout, f);
		} else {
			text_line(f, false);
			if (with_high && f->width == VMCS_W64)
				text_line(f, true);
		}
		shown++;
	}
	if (fmt == FMT_JSON)
		printf("\n], \"count\": %zu}\n", shown);
	if (search && shown == 0) {
		if (fmt == FMT_TEXT)
			fprintf(stderr, "vmcslint: no field matches '%s'\n", search);
		return CLI_EXIT_FINDINGS;
	}
	return CLI_EXIT_OK;
}

/* Whether s (or s without _HIGH) is one of our own names of f, not only another project's. */
static bool own_name(const struct vmcs_field_info *f, const char *s)
{
	size_t len = strlen(s);
	const char *a = f->aliases;

	if (len > 5 && vmcs_name_equal(s + len - 5, 5, "_HIGH") &&
	    !vmcs_name_equal(s, len, f->name))
		len -= 5;
	if (vmcs_name_equal(s, len, f->name) || vmcs_name_equal(s, len, f->sdm_name))
		return true;
	while (*a) {
		size_t n = strcspn(a, "|");
		char one[128];

		snprintf(one, sizeof(one), "%.*s", (int)n, a);
		if (vmcs_name_equal(s, len, one))
			return true;
		a += n + (a[n] == '|');
	}
	return false;
}

static int show_one(enum fmt fmt, const char *arg)
{
	const struct vmcs_field_info *f;
	bool high = false;
	uint64_t enc;

	if (isdigit((unsigned char)arg[0])) {
		if (!cli_parse_u64(arg, &enc) || enc > 0xffffffffu)
			return cli_error("'%s' is not a 32-bit field encoding", arg);
		f = vmcs_field_by_encoding((uint32_t)enc, &high);
		if (!f) {
			if (fmt == FMT_JSON)
				json_unknown((uint32_t)enc);
			else
				text_unknown((uint32_t)enc);
			return CLI_EXIT_FINDINGS;
		}
	} else {
		f = vmcs_field_by_name(arg, strlen(arg), &high);
		if (!f) {
			const char *s = vmcs_field_suggest(arg, strlen(arg));

			if (s)
				return cli_error("no VMCS field is named '%s'; did you mean '%s'?",
				                 arg, s);
			return cli_error("no VMCS field is named '%s'; 'vmcslint fields --search "
			                 "WORD' searches names and descriptions",
			                 arg);
		}
	}
	if (fmt == FMT_JSON) {
		json_field(stdout, f);
		fputc('\n', stdout);
	} else {
		if (!own_name(f, arg)) {
			const struct vmcs_project *p = NULL;

			vmcs_field_by_project_name(arg, strlen(arg), NULL, &p);
			if (p)
				printf("%s: the %s name of %s%s\n", arg, p->name, f->name,
				       high ? "_HIGH" : "");
		}
		text_field(f, high);
	}
	return CLI_EXIT_OK;
}

enum { O_FORMAT, O_SEARCH, O_HIGH, O_HELP };

static const struct cli_option fields_options[] = {
    {"format", 0, true}, {"search", 0, true}, {"high", 0, false}, {"help", 'h', false}, {0}};

int cmd_fields(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct cli_args a;
	int fmt = FMT_TEXT, rc;
	const char *search, *arg;

	if (!cli_parse(argc, argv, fields_options, "fields", &a))
		return CLI_EXIT_USAGE;
	search = a.value[O_SEARCH];
	arg = a.n_operand ? a.operand[0] : NULL;
	if (cli_has(&a, O_HELP)) {
		fputs(fields_usage, stdout);
		rc = CLI_EXIT_OK;
	} else if (cli_has(&a, O_FORMAT) &&
	           !cli_choice("fields", "--format", a.value[O_FORMAT], formats, &fmt)) {
		rc = CLI_EXIT_USAGE;
	} else if (a.n_operand > 1) {
		rc = cli_error("'fields' takes one NAME or ENCODING, got '%s' too", a.operand[1]);
	} else if (search && arg) {
		rc = cli_error("--search and a field argument do not go together");
	} else if (arg) {
		rc = show_one((enum fmt)fmt, arg);
	} else {
		rc = list_fields((enum fmt)fmt, cli_has(&a, O_HIGH), search);
	}
	cli_args_release(&a);
	return rc;
}
