/*
 * outcome_text.h -- an outcome of VM entry in words (outcome_text.c).
 */
#ifndef REPORT_OUTCOME_TEXT_H
#define REPORT_OUTCOME_TEXT_H

#include <stddef.h>

#include "vmcslint.h"

/* The prediction in words, e.g. "VM-entry failure, exit reason 33, qualification 0". */
void outcome_text(char *buf, size_t n, const struct check_outcome *o);

/* What a processor-dependent outcome is on processors that do not make the check. */
struct check_outcome outcome_otherwise(const struct check_outcome *o);

#endif /* REPORT_OUTCOME_TEXT_H */
