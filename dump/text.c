/*
 * text.c -- small text helpers of the dump parser.  Log lines are never NUL-terminated: every
 * helper takes a length.
 */
#include <string.h>

#include "internal.h"

bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

bool is_dig(char c)
{
	return c >= '0' && c <= '9';
}

int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

size_t skip_sp(const char *s, size_t n, size_t i)
{
	while (i < n && is_sp(s[i]))
		i++;
	return i;
}

bool starts(const char *s, size_t n, const char *lit)
{
	size_t k;

	/* The first byte rejects almost every line before the call to memcmp(). */
	if (n == 0 || s[0] != lit[0])
		return lit[0] == '\0';
	k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

bool starts_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[i]) != lower(lit[i]))
			return false;
	return true;
}

/* memchr() for the first byte, then memcmp(): faster than memmem() on lines this short. */
size_t find(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit), i = 0;

	if (k == 0)
		return 0;
	while (k <= n - i && i < n) {
		const char *p = memchr(s + i, lit[0], n - i - k + 1);

		if (!p)
			return NOT_FOUND;
		i = (size_t)(p - s);
		if (memcmp(p + 1, lit + 1, k - 1) == 0)
			return i;
		i++;
	}
	return NOT_FOUND;
}

bool parse_hex(const char *s, size_t n, size_t *i, uint64_t *out)
{
	size_t j = *i, d = 0;
	uint64_t v = 0;

	if (j + 2 < n && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X') &&
	    hexval(s[j + 2]) >= 0)
		j += 2;
	while (j < n && hexval(s[j]) >= 0) {
		if (++d > 16)
			return false;
		v = (v << 4) | (uint64_t)hexval(s[j]);
		j++;
	}
	if (d == 0)
		return false;
	*i = j;
	*out = v;
	return true;
}

bool parse_num(const char *s, size_t n, size_t *i, uint64_t *out)
{
	size_t j = *i, d = 0;
	uint64_t v = 0;

	if (j + 1 < n && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
		return parse_hex(s, n, i, out);
	while (j < n && is_dig(s[j])) {
		if (++d > 19)
			return false;
		v = v * 10 + (uint64_t)(s[j] - '0');
		j++;
	}
	if (d == 0)
		return false;
	*i = j;
	*out = v;
	return true;
}

void quote(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	while (n && is_sp(*s)) {
		s++;
		n--;
	}
	if (cap == 0)
		return;
	for (size_t i = 0; i < n && k + 4 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	/* The ellipsis only where it fits with the terminating NUL. */
	if (n > k && k + 4 <= cap) {
		dst[k++] = '.';
		dst[k++] = '.';
		dst[k++] = '.';
	}
	dst[k] = '\0';
}

bool key_eq(const char *a, const char *b)
{
	while (*a && *b) {
		char x = lower(*a), y = lower(*b);

		if (is_sp(x) && is_sp(y)) {
			while (is_sp(*a))
				a++;
			while (is_sp(*b))
				b++;
			continue;
		}
		if (x != y)
			return false;
		a++;
		b++;
	}
	return *a == *b;
}
