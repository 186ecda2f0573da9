/*
 * codename_year.c -- the year a capsdb entry's processor line first shipped, from its codename
 * (capsdb/codename_years.def): `matrix` groups its processors by it.
 */
#include <string.h>

#include "codename_year.h"

static const struct {
	const char *prefix;
	int year;
} codename_years[] = {
#define CODENAME_YEAR(prefix, year, source) {prefix, year},
#include "codename_years.def"
};

/* The year of the longest row that starts s (n bytes), or 0. */
static int year_by_prefix(const char *s, size_t n)
{
	size_t best = 0;
	int year = 0;

	for (size_t i = 0; i < sizeof(codename_years) / sizeof(codename_years[0]); i++) {
		size_t l = strlen(codename_years[i].prefix);

		if (l <= n && l > best && strncmp(s, codename_years[i].prefix, l) == 0) {
			best = l;
			year = codename_years[i].year;
		}
	}
	return year;
}

int codename_year(const char *codename)
{
	const char *open, *close;
	int year;

	if (!codename)
		return 0;
	year = year_by_prefix(codename, strlen(codename));
	if (year)
		return year;
	/* "Bochs 2.7 corei7_haswell_4770 (Haswell)": the processor the model models. */
	open = strrchr(codename, '(');
	close = open ? strchr(open, ')') : NULL;
	return close ? year_by_prefix(open + 1, (size_t)(close - open - 1)) : 0;
}
