/*
 * util.c -- messages, number parsing and field wording shared by the subcommands.
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
		         "the processor implements it; no VMX capability MSR reports whether");
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
