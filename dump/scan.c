/*
 * scan.c -- reading a log as a stream, in blocks, with bounded memory: no line longer than
 * DUMP_MAX_LINE is kept (longer ones are reported by length and skipped).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SCAN_BLOCK (1u << 20)

bool dump_scan_stream(FILE *f, struct dump_parser *p, struct dump_scan_stats *st, FILE *copy,
                      char *err, size_t errlen)
{
	char *buf = malloc(SCAN_BLOCK);
	char *line = malloc(DUMP_MAX_LINE + 1);
	size_t have = 0; /* bytes of the current line kept in line[] */
	size_t long_len = 0;
	bool too_long = false, ok = true;
	unsigned lineno = 1;

	if (!buf || !line)
		abort();
	memset(st, 0, sizeof(*st));
	for (;;) {
		size_t got = fread(buf, 1, SCAN_BLOCK, f), i = 0;

		if (got == 0) {
			if (ferror(f)) {
				snprintf(err, errlen, "read error after %llu bytes",
				         (unsigned long long)st->bytes);
				ok = false;
			}
			break;
		}
		if (copy && fwrite(buf, 1, got, copy) != got) {
			snprintf(err, errlen,
			         "cannot keep a copy of the input for a second reading");
			ok = false;
			break;
		}
		st->bytes += got;
		if (!st->binary && memchr(buf, '\0', got))
			st->binary = true;
		while (i < got) {
			char *nl = memchr(buf + i, '\n', got - i);
			size_t end = nl ? (size_t)(nl - buf) : got, len = end - i;

			if (too_long) {
				long_len += len;
			} else if (have == 0 && nl) {
				/* the whole line is in the block: no copy */
				if (len > DUMP_MAX_LINE) {
					too_long = true;
					long_len = len;
				} else {
					dump_parser_line(p, lineno, buf + i, len);
				}
			} else if (have + len > DUMP_MAX_LINE) {
				too_long = true;
				long_len = have + len;
				have = 0;
			} else {
				memcpy(line + have, buf + i, len);
				have += len;
				if (nl)
					dump_parser_line(p, lineno, line, have);
			}
			if (!nl)
				break;
			if (too_long) {
				dump_parser_long_line(p, lineno, long_len);
				st->long_lines++;
				too_long = false;
				long_len = 0;
			}
			have = 0;
			lineno++;
			i = end + 1;
		}
	}
	if (ok) {
		if (too_long) {
			dump_parser_long_line(p, lineno, long_len);
			st->long_lines++;
		} else if (have) {
			dump_parser_line(p, lineno, line, have);
		} else {
			lineno--;
		}
		st->lines = lineno;
	}
	free(buf);
	free(line);
	return ok;
}
