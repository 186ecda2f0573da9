/*
 * fmt.c -- a small vsnprintf for findings, so the checker needs no libc, and the names of
 * fields and bits in messages.
 */
#include "check_internal.h"

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char ch)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = ch;
	o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned base, bool upper, bool neg,
                    unsigned width, char pad)
{
	char tmp[24];
	unsigned i = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[i++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[i++] = '-';
	while (i < width && i < sizeof(tmp)) {
		if (pad == '0' && neg) {
			/* keep the sign first */
			tmp[i - 1] = '0';
			tmp[i++] = '-';
		} else {
			tmp[i++] = pad;
		}
	}
	while (i)
		put(o, tmp[--i]);
}

size_t check_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		char pad = ' ';
		bool size_t_arg = false;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		if (*fmt == 'z') {
			size_t_arg = true;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			unsigned len = 0;

			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			while (len < width--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = lng >= 2 ? va_arg(ap, long long)
			              : lng    ? va_arg(ap, long)
			                       : va_arg(ap, int);

			put_num(&o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v,
			        10, false, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v = size_t_arg ? va_arg(ap, size_t)
			                       : lng >= 2 ? va_arg(ap, unsigned long long)
			                       : lng      ? va_arg(ap, unsigned long)
			                                  : va_arg(ap, unsigned);

			put_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, pad);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, false,
			        false, width, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return o.len;
}

size_t check_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t r;

	va_start(ap, fmt);
	r = check_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

const char *check_field_name(int id)
{
	const struct vmcs_field_info *f = id >= 0 ? vmcs_field_at((size_t)id) : NULL;

	return f ? f->name : "?";
}

const char *check_bit_name(int id, unsigned bit)
{
	const struct vmcs_field_info *f = id >= 0 ? vmcs_field_at((size_t)id) : NULL;
	const struct vmcs_bits_info *b;
	size_t n = 0;

	if (!f || f->layout == VMCS_LAYOUT_NONE)
		return NULL;
	b = vmcs_layout_bits(vmcs_layout_at(f->layout), &n);
	for (size_t i = 0; b && i < n; i++) {
		if (b[i].lo == bit && b[i].hi == bit)
			return b[i].name;
	}
	return NULL;
}

void check_bit_list(char *buf, size_t n, int id, uint64_t mask, const char *unnamed)
{
	size_t len = 0;
	unsigned shown = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64 && len < n; bit++) {
		const char *name;

		if (!((mask >> bit) & 1u))
			continue;
		if (shown == 4) {
			check_snprintf(buf + len, n - len, ", ...");
			return;
		}
		name = check_bit_name(id, bit);
		if (!name)
			name = unnamed;
		len += check_snprintf(buf + len, n - len, "%sbit %u%s%s%s", shown ? ", " : "", bit,
		                      name ? " (" : "", name ? name : "", name ? ")" : "");
		shown++;
	}
}
