/*
 * report.c -- PASS:/FAIL:/SKIP:/SUMMARY: lines, as kvm-unit-tests prints them.
 */
#include "rt.h"

static unsigned n_tests, n_failed, n_skipped;
static const char *prefixes[4];
static unsigned n_prefixes;

void report_prefix_push(const char *prefix)
{
	if (n_prefixes < sizeof(prefixes) / sizeof(prefixes[0]))
		prefixes[n_prefixes] = prefix;
	n_prefixes++;
}

void report_prefix_pop(void)
{
	if (n_prefixes)
		n_prefixes--;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	char msg[256];

	rt_vsnprintf(msg, sizeof(msg), fmt, ap);
	printf("%s: ", kind);
	for (unsigned i = 0; i < n_prefixes && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		printf("%s: ", prefixes[i]);
	printf("%s\n", msg);
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	if (!pass)
		n_failed++;
	va_start(ap, fmt);
	vreport(pass ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	n_skipped++;
	va_start(ap, fmt);
	vreport("SKIP", fmt, ap);
	va_end(ap);
}

int report_summary(void)
{
	printf("SUMMARY: %u tests", n_tests);
	if (n_failed)
		printf(", %u unexpected failures", n_failed);
	if (n_skipped)
		printf(", %u skipped", n_skipped);
	printf("\n");
	if (n_failed)
		return 1;
	if (n_tests && n_skipped == n_tests)
		return 77;
	return 0;
}
