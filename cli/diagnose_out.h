/*
 * diagnose_out.h -- printing what `vmcslint diagnose` found: text (diagnose_text.c), JSON
 * (diagnose_json.c) and a configuration for `check` (diagnose_yaml.c), and what they share.
 */
#ifndef CLI_DIAGNOSE_OUT_H
#define CLI_DIAGNOSE_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diagnose.h"
#include "dump.h"

struct dout {
	const char *path;
	bool verbose;
	bool json_first;
	unsigned n_emitted;
};

void print_text(const struct dout *o, const struct dump *d, const struct diagnosis *g);
void print_json(struct dout *o, const struct dump *d, const struct diagnosis *g);
void print_yaml(struct dout *o, const struct dump *d, const struct diagnosis *g);
/*
 * The JSON result of a log without a dump: the parser's notes about the log (p, or NULL), the
 * outcome it reports (v, or NULL), the rules that give that outcome (the first n_rules), the
 * note about them (or NULL) and the error.
 */
void print_json_no_dump(struct dout *o, const struct dump_parser *p, const struct dump_verdict *v,
                        const uint16_t *rules, size_t n_rules, const char *note, const char *error);

/* ---- shared (diagnose_out.c) ---- */

const char *rule_id(int rule);
void verdict_text(char *buf, size_t n, const struct dump_verdict *v);
const char *verdict_source_text(const struct dump_verdict *v);
/* Where a finding points in the log. */
void finding_at(const struct dump *d, const struct check_finding *f, unsigned *line, unsigned *col);
size_t count_unknown(const struct dump *d);
/* "agrees with the log", "disagrees with the log", "cannot compare with the log". */
const char *agree_text(int agree);
/* "error", "warning", "note". */
const char *severity_name(unsigned sev);
/* "dump", "evidence", "capabilities", NULL. */
const char *decider_name(unsigned dec);
/* "fails", "fails with assumed capabilities", ... */
const char *status_name(unsigned sev);
/* "dump", "log", "outcome". */
const char *evidence_kind_name(unsigned kind);

/* What the diagnosis takes from the log or the dump, or assumes, about what VM entry reads
 * besides the VMCS: label ("assumed", "from the log", ...) and text. */
struct assumption {
	const char *label;
	char text[200];
};
size_t assumptions(const struct dump *d, struct assumption *out, size_t max);

#endif /* CLI_DIAGNOSE_OUT_H */
