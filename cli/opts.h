/*
 * opts.h -- command-line options the way GNU getopt_long reads them, for every subcommand:
 * options anywhere among the operands, "--name value" or "--name=value", short letters
 * ("-v", "-h"), "--" ends the options, "-" alone is an operand (standard input).  An unknown
 * option or a missing value is a usage error naming the command, never an operand.
 */
#ifndef CLI_OPTS_H
#define CLI_OPTS_H

#include <stdbool.h>

#define CLI_MAX_OPTIONS 16

/* One option of a command; a table of them ends with a zero row. */
struct cli_option {
	const char *name; /* long name without "--" */
	char letter;      /* short name, or 0 */
	bool has_value;   /* takes a value */
};

struct cli_args {
	const char *value[CLI_MAX_OPTIONS]; /* the last value given (NULL when absent) */
	unsigned count[CLI_MAX_OPTIONS];    /* how often the option was given */
	char **operand;                     /* the operands, in order (argv's storage) */
	int n_operand;
};

/*
 * Reads argv[1..argc) against opts (indexes into opts index value[] and count[]).  Returns
 * true, or false after printing "error: CMD: ..." to stderr (the caller exits with
 * CLI_EXIT_USAGE).  out->operand is allocated; release it with cli_args_release().
 */
bool cli_parse(int argc, char **argv, const struct cli_option *opts, const char *cmd,
               struct cli_args *out);
void cli_args_release(struct cli_args *a);

/*
 * The index of value in names (NULL-terminated) in *out; false after printing "error: CMD:
 * OPTION takes a, b or c, not 'value'".
 */
bool cli_choice(const char *cmd, const char *option, const char *value, const char *const *names,
                int *out);

/* Whether option i was given. */
static inline bool cli_has(const struct cli_args *a, int i)
{
	return a->count[i] != 0;
}

#endif /* CLI_OPTS_H */
