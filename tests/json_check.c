/*
 * json_check.c -- recursive-descent JSON syntax check (RFC 8259), depth-limited.
 */
#include <string.h>

#include "json_check.h"

struct jp {
	const char *s;
	int depth;
};

static void ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

static bool value(struct jp *p);

static bool string(struct jp *p)
{
	if (*p->s != '"')
		return false;
	p->s++;
	while (*p->s != '"') {
		unsigned char c = (unsigned char)*p->s;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			p->s++;
			if (*p->s == 'u') {
				for (int i = 1; i <= 4; i++) {
					char h = p->s[i];

					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F')))
						return false;
				}
				p->s += 4;
			} else if (!strchr("\"\\/bfnrt", *p->s) || *p->s == '\0') {
				return false;
			}
		}
		p->s++;
	}
	p->s++;
	return true;
}

static bool number(struct jp *p)
{
	if (*p->s == '-')
		p->s++;
	if (*p->s == '0') {
		p->s++;
	} else if (*p->s >= '1' && *p->s <= '9') {
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	} else {
		return false;
	}
	if (*p->s == '.') {
		p->s++;
		if (!(*p->s >= '0' && *p->s <= '9'))
			return false;
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if (*p->s == 'e' || *p->s == 'E') {
		p->s++;
		if (*p->s == '+' || *p->s == '-')
			p->s++;
		if (!(*p->s >= '0' && *p->s <= '9'))
			return false;
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	return true;
}

static bool composite(struct jp *p, char close, bool object)
{
	if (++p->depth > 256)
		return false;
	p->s++;
	ws(p);
	if (*p->s == close) {
		p->s++;
		p->depth--;
		return true;
	}
	for (;;) {
		ws(p);
		if (object) {
			if (!string(p))
				return false;
			ws(p);
			if (*p->s != ':')
				return false;
			p->s++;
		}
		if (!value(p))
			return false;
		ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s != close)
			return false;
		p->s++;
		p->depth--;
		return true;
	}
}

static bool value(struct jp *p)
{
	ws(p);
	switch (*p->s) {
	case '{':
		return composite(p, '}', true);
	case '[':
		return composite(p, ']', false);
	case '"':
		return string(p);
	case 't':
		return strncmp(p->s, "true", 4) == 0 && (p->s += 4);
	case 'f':
		return strncmp(p->s, "false", 5) == 0 && (p->s += 5);
	case 'n':
		return strncmp(p->s, "null", 4) == 0 && (p->s += 4);
	default:
		return number(p);
	}
}

bool json_valid(const char *s, const char **where)
{
	struct jp p = {s, 0};
	bool ok = value(&p);

	ws(&p);
	ok = ok && *p.s == '\0';
	if (where)
		*where = p.s;
	return ok;
}
