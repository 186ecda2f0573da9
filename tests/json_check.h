/* json_check.h -- a strict RFC 8259 syntax check, so tests can assert that output is JSON. */
#ifndef TESTS_JSON_CHECK_H
#define TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s is exactly one JSON value (surrounding white space allowed). */
bool json_valid(const char *s, const char **where);

#endif
