/*
 * prefix.c -- one log line split into what a mail client, a logger or a tracer put before the
 * message and the message itself.
 *
 * Lines carry, outside in: mail quote markers ("> ", ">>>> "), a markdown fence glued to the
 * first line ("```(XEN) ..."), printk levels ("<3>"), syslog headers ("Mon DD HH:MM:SS host
 * tag: ", ISO dates), timestamps and caller ids ("[ 1234.567890] ", "[...][T78789] "), journal
 * and `dmesg --decode` prefixes, trace-cmd record headers ("CPU 0/KVM-251862 [019]
 * 6384.132433: bprint: "), "(XEN) " with its own timestamps, the QEMU monitor prompt
 * ("(qemu) ") and the "kvm_intel: " / "kvm: " module prefixes.  A mail client may have turned
 * runs of blanks into NBSPs (UTF-8 C2 A0): they are read as blanks.  A logger that relays
 * another program's output in logfmt (containerd-shim-v2 relaying QEMU's stderr for Kata
 * Containers: time="..." level=error msg="EAX=..." name=...) holds the message in its msg
 * field.
 */
#include <string.h>

#include "internal.h"

static bool is_month(const char *s, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (n < 4 || s[3] != ' ' || s[0] < 'A' || s[0] > 'Z')
		return false;
	for (size_t m = 0; m < 12; m++)
		if (memcmp(s, months + 3 * m, 3) == 0)
			return true;
	return false;
}

/* "Mon DD HH:MM:SS host tag: " or "YYYY-MM-DD[T ]HH:MM:SS... host tag: "; returns the end. */
static size_t strip_syslog(const char *s, size_t n, size_t i)
{
	size_t j = i, k;

	if (is_month(s + j, n - j)) {
		j = skip_sp(s, n, j + 4);
		while (j < n && is_dig(s[j]))
			j++;
		if (j >= n || s[j] != ' ')
			return i;
		j++;
	} else if (n - j >= 11 && is_dig(s[j]) && is_dig(s[j + 3]) && s[j + 4] == '-' &&
	           s[j + 7] == '-' && (s[j + 10] == 'T' || s[j + 10] == ' ')) {
		j += 11;
	} else {
		return i;
	}
	/* time */
	if (n - j < 8 || !is_dig(s[j]) || s[j + 2] != ':' || s[j + 5] != ':')
		return i;
	while (j < n && !is_sp(s[j]))
		j++;
	j = skip_sp(s, n, j);
	/* host */
	k = j;
	while (j < n && !is_sp(s[j]) && s[j] != ':')
		j++;
	if (j == k || j >= n || s[j] != ' ')
		return i;
	j++;
	/* tag, ending with ':' */
	k = j;
	while (j < n && !is_sp(s[j]) && j - k < 64)
		j++;
	if (j == k || s[j - 1] != ':')
		return i;
	return skip_sp(s, n, j);
}

/* "[...]" groups: timestamps, caller ids, dmesg -T dates, "[…]". */
static size_t strip_brackets(const char *s, size_t n, size_t i)
{
	for (int g = 0; g < 3; g++) {
		size_t j = skip_sp(s, n, i), k;

		if (j >= n || s[j] != '[')
			break;
		for (k = j + 1; k < n && k - j < 48 && s[k] != ']'; k++)
			if (s[k] == '=' || s[k] == '[')
				return i;
		if (k >= n || s[k] != ']')
			break;
		i = k + 1;
	}
	return i;
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_dig(c) || c == '_';
}

/*
 * A trace-cmd record header: "COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: " (COMM may hold
 * blanks: "CPU 0/KVM").  Returns the offset after it, or i when the line has none.
 */
static size_t strip_trace(const char *s, size_t n, size_t i)
{
	size_t j = find(s + i, n - i, "] "), k;

	if (j == NOT_FOUND || j > 64)
		return i;
	j += i;
	/* "[019]": the CPU */
	for (k = j; k > i && is_dig(s[k - 1]); k--)
		;
	if (k == j || k == i || s[k - 1] != '[' || k < i + 3 || s[k - 2] != ' ')
		return i;
	j = skip_sp(s, n, j + 1);
	/* optional latency flags ("d..2."), then the timestamp */
	for (int field = 0; field < 2; field++) {
		size_t t = j, dot = 0;

		while (t < n && (is_dig(s[t]) || s[t] == '.')) {
			dot += s[t] == '.';
			t++;
		}
		if (t > j && dot == 1 && t < n && s[t] == ':') {
			j = t + 1;
			break;
		}
		if (field == 1)
			return i;
		while (j < n && !is_sp(s[j]))
			j++;
		j = skip_sp(s, n, j);
	}
	/* the event: "bprint:", "bputs:", "print:" */
	j = skip_sp(s, n, j);
	k = j;
	while (j < n && is_ident(s[j]))
		j++;
	if (j == k || j >= n || s[j] != ':')
		return i;
	return skip_sp(s, n, j + 1);
}

/* Quote markers ("> ", ">> ", ">>>> ") before anything else; returns the offset after them. */
static size_t strip_quote(const char *s, size_t n, uint8_t *depth)
{
	size_t i = 0;

	*depth = 0;
	for (;;) {
		size_t j = skip_sp(s, n, i);

		if (j >= n || s[j] != '>' || j - i > 3)
			return i;
		i = j + 1;
		if (*depth < 255)
			(*depth)++;
	}
}

void prefix_split(const char *line, size_t n, char *buf, struct raw *r)
{
	size_t i = 0, j;
	const char *s = buf;

	/* NBSP -> two blanks: the same length, so columns stay those of the raw line. */
	for (size_t k = 0; k < n; k++) {
		if ((unsigned char)line[k] == 0xc2 && k + 1 < n &&
		    (unsigned char)line[k + 1] == 0xa0) {
			buf[k] = buf[k + 1] = ' ';
			k++;
		} else {
			buf[k] = line[k];
		}
	}
	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	memset(r, 0, sizeof(*r));
	r->ends_blank = n > 0 && is_sp(s[n - 1]);
	while (n && is_sp(s[n - 1]))
		n--;
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte-order mark */
		i = 3;
	i += strip_quote(s + i, n - i, &r->quote);
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "```") || starts(s + j, n - j, "~~~")) {
		/* A markdown fence, alone or glued to the first line of the log. */
		i = j + 3;
		if (i < n && s[i] != '(' && s[i] != '[' && !is_sp(s[i]))
			i = n; /* "```text": a fence with its language */
	}
	if (n >= i + 3 && s[i] == '<' && is_dig(s[i + 1]) &&
	    (s[i + 2] == '>' || (n >= i + 4 && s[i + 3] == '>'))) {
		i += s[i + 2] == '>' ? 3 : 4;
		r->prefixed = true;
	}
	j = strip_syslog(s, n, i);
	j = strip_brackets(s, n, j);
	/* journalctl -o short-monotonic: "[ 12.3] host kernel: " */
	{
		size_t a = skip_sp(s, n, j), k = a;

		while (k < n && !is_sp(s[k]) && s[k] != ':' && k - a < 64)
			k++;
		if (k < n && s[k] == ' ' && starts(s + k + 1, n - k - 1, "kernel: "))
			j = k + 9;
	}
	/* dmesg --decode: "kern  :err   : " */
	{
		size_t a = skip_sp(s, n, j);

		if (starts(s + a, n - a, "kern ") || starts(s + a, n - a, "kern:")) {
			size_t k = find(s + a, n - a, ": ");

			if (k != NOT_FOUND && k < 16) {
				size_t k2 = find(s + a + k + 2, n - a - k - 2, ": ");

				if (k2 != NOT_FOUND && k2 < 10)
					j = a + k + 2 + k2 + 2;
			}
			j = strip_brackets(s, n, j);
		}
	}
	if (j == i) {
		size_t t = strip_trace(s, n, i);

		if (t != i) {
			r->trace = true;
			j = t;
		}
	}
	if (j != i)
		r->prefixed = true;
	i = j;
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "(XEN)")) {
		r->xen = r->prefixed = true;
		i = strip_brackets(s, n, j + 5);
	} else if (starts(s + j, n - j, "(qemu) ")) {
		r->prefixed = true;
		i = j + 7;
	}
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "time=\"") || starts(s + j, n - j, "level=")) {
		size_t k = find(s + j, n - j, " msg=\""), e;

		if (k != NOT_FOUND) {
			j += k + 6;
			for (e = j; e < n && (s[e] != '"' || s[e - 1] == '\\'); e++)
				;
			n = e;
			r->prefixed = true;
		}
	}
	if (starts(s + j, n - j, "kvm_intel: ") || starts(s + j, n - j, "kvm-intel: ")) {
		j += 11;
		r->prefixed = true;
	} else if (starts(s + j, n - j, "kvm: ")) {
		j += 5;
		r->prefixed = true;
	}
	j = skip_sp(s, n, j);
	r->s = s + j;
	r->n = n - j;
	r->off = j;
	r->blank = r->n == 0 && !r->trace; /* a trace header's message may follow */
}
