/*
 * opts.c -- GNU-style option reading for the subcommands (opts.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

static size_t n_options(const struct cli_option *opts)
{
	size_t n = 0;

	while (opts[n].name)
		n++;
	return n;
}

/* Edit distance, capped: enough to tell "--cap" from "--caps" and "--fromat" from "--format". */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[64], prev, tmp;

	if (la >= sizeof(d) / sizeof(d[0]) || lb >= sizeof(d) / sizeof(d[0]))
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			tmp = d[j];
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

static const char *closest(const struct cli_option *opts, const char *s, size_t len)
{
	const char *best = NULL;
	size_t bd = 3; /* at most two edits away */

	for (size_t i = 0; opts[i].name; i++) {
		size_t d = distance(s, len, opts[i].name, strlen(opts[i].name));

		if (d < bd) {
			bd = d;
			best = opts[i].name;
		}
	}
	return best;
}

static bool unknown(const struct cli_option *opts, const char *cmd, const char *arg,
                    const char *name, size_t len)
{
	const char *near = closest(opts, name, len);

	if (near)
		cli_error("%s: unknown option '%s' (did you mean --%s?); 'vmcslint %s --help'", cmd,
		          arg, near, cmd);
	else
		cli_error("%s: unknown option '%s'; 'vmcslint %s --help' lists the options", cmd,
		          arg, cmd);
	return false;
}

/* Records option k; its value is inline (--name=value, -xVALUE) or the next argument. */
static bool take(const struct cli_option *opts, size_t k, const char *cmd, const char *arg,
                 const char *inline_value, int argc, char **argv, int *i, struct cli_args *out)
{
	if (!opts[k].has_value) {
		if (inline_value) {
			cli_error("%s: option --%s takes no value ('%s')", cmd, opts[k].name, arg);
			return false;
		}
		out->count[k]++;
		return true;
	}
	if (!inline_value) {
		if (*i + 1 >= argc) {
			cli_error("%s: option '%s' needs a value", cmd, arg);
			return false;
		}
		inline_value = argv[++*i];
	}
	out->value[k] = inline_value;
	out->count[k]++;
	return true;
}

static bool long_option(const struct cli_option *opts, const char *cmd, int argc, char **argv,
                        int *i, struct cli_args *out)
{
	const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);

	for (size_t k = 0; opts[k].name; k++) {
		if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
			return take(opts, k, cmd, arg, eq ? eq + 1 : NULL, argc, argv, i, out);
	}
	return unknown(opts, cmd, arg, name, len);
}

static bool short_options(const struct cli_option *opts, const char *cmd, int argc, char **argv,
                          int *i, struct cli_args *out)
{
	const char *arg = argv[*i];

	for (const char *p = arg + 1; *p; p++) {
		size_t k;

		for (k = 0; opts[k].name && opts[k].letter != *p; k++)
			;
		if (!opts[k].name) {
			char one[3] = {'-', *p, '\0'};

			cli_error("%s: unknown option '%s'%s%s%s; 'vmcslint %s --help'", cmd, one,
			          p != arg + 1 ? " (in '" : "", p != arg + 1 ? arg : "",
			          p != arg + 1 ? "')" : "", cmd);
			return false;
		}
		if (opts[k].has_value)
			return take(opts, k, cmd, arg, p[1] ? p + 1 : NULL, argc, argv, i, out);
		out->count[k]++;
	}
	return true;
}

bool cli_parse(int argc, char **argv, const struct cli_option *opts, const char *cmd,
               struct cli_args *out)
{
	bool only_operands = false;

	memset(out, 0, sizeof(*out));
	if (n_options(opts) > CLI_MAX_OPTIONS)
		abort(); /* a command table larger than the parser: a programming error */
	out->operand = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*out->operand));
	if (!out->operand)
		abort();
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool ok = true;

		if (only_operands || arg[0] != '-' || arg[1] == '\0')
			out->operand[out->n_operand++] = argv[i];
		else if (strcmp(arg, "--") == 0)
			only_operands = true;
		else if (arg[1] == '-')
			ok = long_option(opts, cmd, argc, argv, &i, out);
		else
			ok = short_options(opts, cmd, argc, argv, &i, out);
		if (!ok) {
			cli_args_release(out);
			return false;
		}
	}
	return true;
}

void cli_args_release(struct cli_args *a)
{
	free(a->operand);
	a->operand = NULL;
	a->n_operand = 0;
}

bool cli_choice(const char *cmd, const char *option, const char *value, const char *const *names,
                int *out)
{
	char list[256] = "";
	size_t n = 0;

	for (int i = 0; names[i]; i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = i;
			return true;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list);

		snprintf(list + len, sizeof(list) - len, "%s%s", names[i],
		         i + 2 < n   ? ", "
		         : i + 1 < n ? " or "
		                     : "");
	}
	cli_error("%s: %s takes %s, not '%s'", cmd, option, list, value);
	return false;
}
