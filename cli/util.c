/*
 * util.c -- messages, number parsing, field wording and JSON string output shared by the
 * subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "vmcslint.h"

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vmcslint: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	fputs("vmcslint: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	}
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

/* Whether c goes into a JSON string as it is. */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

#define BYTES(b) (0x0101010101010101ull * (b))
/* Whether one of the eight bytes of v is below b (b <= 0x80), exactly (Bit Twiddling Hacks). */
#define ANY_BELOW(v, b) (((v)-BYTES(b)) & ~(v)&BYTES(0x80))

/*
 * How many bytes of s[0..n) from the start need no escape: eight at a time while a word has
 * none (a control character, '"' or '\\'), then byte by byte.  Messages are almost all plain
 * text, and a byte-by-byte scan was the largest cost of `check --format json`.
 */
static size_t json_plain_run(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v, q, b;

		memcpy(&v, s + i, 8);
		q = v ^ BYTES('"');
		b = v ^ BYTES('\\');
		if (ANY_BELOW(v, 0x20) | ANY_BELOW(q, 1) | ANY_BELOW(b, 1))
			break;
	}
	while (i < n && json_plain((unsigned char)s[i]))
		i++;
	return i;
}

void json_string_n(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t run = json_plain_run(s + i, n - i);

		if (run) {
			fwrite(s + i, 1, run, out);
			i += run;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else
			fprintf(out, "\\u%04x", c);
		i++;
	}
	fputc('"', out);
}

void json_u64(FILE *out, uint64_t v)
{
	char buf[20];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(buf + i, 1, sizeof(buf) - i, out);
}

void json_string(FILE *out, const char *s)
{
	json_string_n(out, s, strlen(s));
}

void json_tool(FILE *out)
{
	fprintf(out, "{\"name\": \"vmcslint\", \"version\": ");
	json_string(out, VMCSLINT_VERSION);
	fputc('}', out);
}

void field_exists_text(uint16_t x, char *buf, size_t n)
{
	enum vmcs_exists_kind kind = VMCS_EXISTS_KIND(x);
	unsigned bit = VMCS_EXISTS_BIT(x);
	const struct vmcs_layout_info *l = vmcs_exists_layout(kind);
	const struct vmcs_bits_info *b;
	size_t nb, i;

	if (kind == VMCS_X_KIND_ALWAYS) {
		snprintf(buf, n, "always (every VMX processor)");
		return;
	}
	if (kind == VMCS_X_KIND_UNENUMERATED) {
		snprintf(buf, n,
		         "the processor implements it; no VMX capability MSR reports whether, "
		         "IA32_VMX_VMCS_ENUM can only rule it out");
		return;
	}
	if (!l) {
		snprintf(buf, n, "?");
		return;
	}
	b = vmcs_layout_bits(l, &nb);
	for (i = 0; i < nb; i++) {
		if (b[i].lo == bit && b[i].hi == bit) {
			snprintf(buf, n, "%s %s (bit %u) %s", l->title, b[i].name, bit,
			         kind <= VMCS_X_KIND_ENTRY ? "allowed to be 1" : "set");
			return;
		}
	}
	snprintf(buf, n, "%s bit %u %s", l->title, bit,
	         kind <= VMCS_X_KIND_ENTRY ? "allowed to be 1" : "set");
}
