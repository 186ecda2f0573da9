/*
 * cli.h -- what the subcommands of the vmcslint CLI share: the command table, exit codes,
 * messages, and the JSON writer (report/json.h).  Only cli/ prints and exits.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* Exit statuses, documented in `vmcslint --help`. */
enum cli_exit {
	CLI_EXIT_OK = 0,       /* success; every configuration enters */
	CLI_EXIT_FINDINGS = 1, /* a configuration is predicted to fail, or a probe disagrees */
	CLI_EXIT_USAGE = 2,    /* bad input or usage */
};

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_fields(int argc, char **argv);
int cmd_caps(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/* `error: ...` on stderr; returns CLI_EXIT_USAGE so callers can `return cli_error(...)`. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether arg is -h or --help. */
bool cli_is_help(const char *arg);
/* Parses an unsigned integer (decimal, 0x, 0o, 0b); false on garbage or overflow. */
bool cli_parse_u64(const char *s, uint64_t *out);

/*
 * What makes a field exist, in words: "secondary processor-based VM-execution controls
 * ENABLE_VPID (bit 5) allowed to be 1" (x: one of struct vmcs_field_info's exists[]).
 */
void field_exists_text(uint16_t x, char *buf, size_t n);

#endif /* CLI_H */
