/*
 * frames.c -- the framed report lines of the vmx-probe image (vmx-probe/protocol.h) found in
 * an emulator's output: terminal escape sequences and other noise stripped, each line's check
 * verified.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmx-probe/protocol.h"
#include "results.h"

/* Output without terminal escape sequences and control characters other than '\n'. */
static char *strip_noise(const char *in, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == 0x1b && i + 1 < len) {
			unsigned char k = (unsigned char)in[i + 1];

			if (k == '[') { /* CSI: parameters, intermediates, final byte */
				i += 2;
				while (i < len && (unsigned char)in[i] >= 0x20 &&
				       (unsigned char)in[i] < 0x40)
					i++;
				continue; /* i is the final byte */
			}
			if (k == ']') { /* OSC: up to BEL or ST */
				for (i += 2; i < len; i++) {
					if (in[i] == 0x07)
						break;
					if (in[i] == 0x1b && i + 1 < len && in[i + 1] == '\\') {
						i++;
						break;
					}
				}
				continue;
			}
			if (k == '(' || k == ')' || k == '*' || k == '+' || k == '#') {
				i += 2; /* charset designation: one more byte */
				continue;
			}
			i++; /* two-byte sequence */
			continue;
		}
		if (c == '\n' || (c >= 0x20 && c != 0x7f))
			out[o++] = (char)c;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

size_t probe_lines(const char *raw, size_t rawlen,
                   void (*fn)(const char *payload, size_t n, void *ctx), void *ctx, size_t *bad)
{
	static const char marker[] = VMXP_LINE_MARKER;
	const size_t ml = sizeof(marker) - 1;
	size_t len, good = 0, nbad = 0;
	char *s = strip_noise(raw, rawlen, &len);
	const char *p, *end;

	if (!s)
		return 0;
	end = s + len;
	for (p = s; (p = memmem(p, (size_t)(end - p), marker, ml)) != NULL;) {
		const char *q = p + ml, *stop = q, *next;
		size_t n;
		unsigned check;
		char hex[5];

		/* the line ends at a newline or where the next framed line begins */
		next = memmem(q, (size_t)(end - q), marker, ml);
		while (stop < end && *stop != '\n' && stop != next)
			stop++;
		n = (size_t)(stop - q);
		while (n && q[n - 1] == ' ')
			n--;
		p = stop;
		if (n < 9 || memcmp(q + n - 2, VMXP_LINE_END, 2) != 0 ||
		    memcmp(q + n - 8, " #", 2) != 0) {
			nbad++;
			continue;
		}
		memcpy(hex, q + n - 6, 4);
		hex[4] = '\0';
		if (strspn(hex, "0123456789abcdef") != 4 || sscanf(hex, "%x", &check) != 1 ||
		    check != vmxp_line_check(q, (uint32_t)(n - 8))) {
			nbad++;
			continue;
		}
		good++;
		if (fn)
			fn(q, n - 8, ctx);
	}
	free(s);
	if (bad)
		*bad = nbad;
	return good;
}
