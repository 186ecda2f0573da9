/*
 * printf.c -- the image's formatted output on the checker core's freestanding vsnprintf
 * (checker/fmt.c, linked into the image anyway for the ring-0 prediction): one formatter, not
 * a twin.
 */
#include "check_internal.h"
#include "rt.h"

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (int)check_vsnprintf(buf, size, fmt, ap);
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	con_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
