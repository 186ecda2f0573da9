/*
 * gen_cstring.h -- for the build-time generators (checker/gen_rules.c, schema/gen_schema.c):
 * text printed as a quoted string, valid both as a C string literal and as a JSON string for
 * the text the tables hold (no control characters).
 */
#ifndef FIELDS_GEN_CSTRING_H
#define FIELDS_GEN_CSTRING_H

#include <stdio.h>
#include <string.h>

/* s with '"' and '\' escaped, unquoted: the inside of a string the caller quotes. */
static inline void put_cstring_body(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

/* The n bytes at s, quoted, with '"' and '\' escaped. */
static inline void put_cstring_n(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			putchar('\\');
		putchar(s[i]);
	}
	putchar('"');
}

static inline void put_cstring(const char *s)
{
	put_cstring_n(s, strlen(s));
}

#endif /* FIELDS_GEN_CSTRING_H */
