/*
 * name_fold.h -- the character folding of the name-matching rule (vmcs_name_equal()): case
 * ignored, ' ' and '-' read as '_'.  Internal to fields/; freestanding.
 */
#ifndef NAME_FOLD_H
#define NAME_FOLD_H

static inline char name_fold(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if (c == ' ' || c == '-')
		return '_';
	return c;
}

#endif /* NAME_FOLD_H */
