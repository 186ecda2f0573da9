/*
 * json.c -- JSON output: strings escaped per RFC 8259, numbers, the "tool" object.  A large
 * `check --format json` writes millions of them, hence no printf() and no byte-by-byte scan.
 */
#include <stdbool.h>
#include <string.h>

#include "json.h"
#include "vmcslint.h"

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
