/*
 * codename_year.h -- the year a processor line first shipped, by codename (codename_year.c).
 */
#ifndef SCHEMA_CODENAME_YEAR_H
#define SCHEMA_CODENAME_YEAR_H

/*
 * The year the processor line of a capsdb codename first shipped (capsdb/codename_years.def),
 * or 0 when the table does not know it.
 */
int codename_year(const char *codename);

#endif /* SCHEMA_CODENAME_YEAR_H */
