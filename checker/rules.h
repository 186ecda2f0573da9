/*
 * rules.h -- the prototype of every rule predicate, expanded from rules.def.
 */
#ifndef CHECKER_RULES_H
#define CHECKER_RULES_H

#include "check_internal.h"

#define RULE(id, cls, err, qual, section, fields, fn, arg, summary)                                \
	enum rule_result fn(struct check_ctx *c, uintptr_t arg_);
#include "rules.def"

#endif /* CHECKER_RULES_H */
