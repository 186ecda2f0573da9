/*
 * cmd_diagnose.c -- `vmcslint diagnose`: read the VMCS dumps a log holds (KVM dump_vmcs(), Xen
 * vmcs_dump_vcpu(), QEMU's register dump), judge each against the processor it ran on, and
 * compare with the outcome the log reports.  The reading is dump/, the judging diagnose/; this
 * file parses the arguments, reads the log twice and prints.
 *
 * Lines that identify the processor (boot lines, a pasted cpuinfo) may stand after the dump, so
 * the log is read twice with bounded memory: first for what it says about its processor, then
 * for the dumps, each diagnosed as soon as it is complete.  A pipe is kept in a temporary file
 * for the second reading.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capsdb_dir.h"
#include "capsdb_match.h"
#include "cli.h"
#include "opts.h"
#include "diagnose_out.h"

static const char diagnose_usage[] =
    "usage: vmcslint diagnose [--caps NAME|FILE] [--capsdb DIR] [--format text|json]\n"
    "                         [--emit-config] [--dump N] [--verbose] FILE|-\n\n"
    "Reads the VMCS dumps in a log -- Linux KVM's dump_vmcs() output (dmesg, journalctl -k,\n"
    "syslog, trace-cmd), Xen's vmcs_dump_vcpu() (xl dmesg) and QEMU's register dump after \"KVM:\n"
    "entry failed\" -- judges each against the processor it ran on and compares the result with\n"
    "the outcome the log reports.  Fields a dump does not show are unknown: checks that need\n"
    "them cannot be decided.\n\n"
    "The processor: --caps when given; else the capsdb entry of the processor the log's boot\n"
    "lines (or a pasted /proc/cpuinfo or lscpu) identify, unless the log shows the kernel under\n"
    "a hypervisor; else an unknown processor, whose capabilities only the log's evidence\n"
    "decides (fields the dump shows exist, host CR4 bits are allowed, the reported outcome\n"
    "shows which checks passed).\n\n"
    "  --caps NAME|FILE  judge every dump with these capabilities\n"
    "  --format json     one result per dump, the shape of `vmcslint check --format json`\n"
    "                    plus processor, evidence, dump, observed, diagnosis, agree\n"
    "  --emit-config     print the dump as a configuration (schema/README.md) for\n"
    "                    `vmcslint check`; unknown fields are left out and listed\n"
    "  --dump N          only the N-th dump of the log\n"
    "  --verbose         also list the checks that cannot be decided and all evidence\n\n"
    "exit status: 0 every dump was diagnosed and agrees with the log (or the log reports\n"
    "nothing and no check fails), 1 a dump disagrees with the log, cannot explain the\n"
    "failure the log reports, or fails a check the log does not report, 2 bad input or usage\n"
    "(unreadable file, no dump found)\n";

enum dfmt { DFMT_TEXT, DFMT_JSON, DFMT_YAML };

struct dctx {
	struct dout out;
	enum dfmt fmt;
	unsigned only;
	const char *caps_arg;         /* --caps as given, NULL when not */
	struct vmx_caps *option_caps; /* its capabilities */
	char option_name[VMX_CAPS_NAME_MAX];
	const struct dump_facts *facts; /* from the first reading */
	struct capsdb_index index;
	struct diagnosis *g;
	unsigned n_seen, n_diagnosed;
	int status;
};

static void on_dump(const struct dump *d, void *ctx)
{
	struct dctx *x = ctx;
	struct processor *proc;

	x->n_seen++;
	if (x->only && d->index != x->only)
		return;
	if (x->fmt == DFMT_YAML && !x->only && x->out.n_emitted)
		return; /* one document: the first dump (see the note at the end) */
	proc = malloc(sizeof(*proc));
	if (!proc)
		abort();
	processor_choose(d, x->facts, x->option_caps, x->option_name, capsdb_match_id, &x->index,
	                 proc);
	diagnose_dump(d, x->facts, proc, x->g);
	free(proc);
	x->n_diagnosed++;
	if (x->fmt == DFMT_TEXT)
		print_text(&x->out, d, x->g);
	else if (x->fmt == DFMT_JSON)
		print_json(&x->out, d, x->g);
	else
		print_yaml(&x->out, d, x->g);
	if (x->g->agree == 0 || x->g->unexplained ||
	    (x->g->agree == -1 &&
	     (x->g->n_errors > 0 ||
	      (d->observed.kind != VERDICT_NONE && d->observed.kind != VERDICT_NO_ERROR &&
	       d->observed.kind != VERDICT_NOT_VMX && d->observed.kind != VERDICT_KVM_INTERNAL &&
	       d->observed.kind != VERDICT_REGS_REJECTED))))
		x->status = CLI_EXIT_FINDINGS;
	fflush(stdout);
}

enum { O_CAPS, O_CAPSDB, O_FORMAT, O_DUMP, O_EMIT, O_VERBOSE, O_HELP };

static const struct cli_option diagnose_options[] = {
    {"caps", 0, true},         {"capsdb", 0, true},     {"format", 0, true},  {"dump", 0, true},
    {"emit-config", 0, false}, {"verbose", 'v', false}, {"help", 'h', false}, {0}};

/* Returns -1 after --help, else an exit status (CLI_EXIT_OK: go on with *file). */
static int parse_args(int argc, char **argv, struct dctx *x, const char **file)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct cli_args a;
	int rc = CLI_EXIT_OK, fmt = 0;

	if (!cli_parse(argc, argv, diagnose_options, "diagnose", &a))
		return CLI_EXIT_USAGE;
	x->caps_arg = a.value[O_CAPS];
	x->out.verbose = cli_has(&a, O_VERBOSE);
	if (cli_has(&a, O_CAPSDB))
		capsdb_set_dir(a.value[O_CAPSDB]);
	if (cli_has(&a, O_HELP)) {
		fputs(diagnose_usage, stdout);
		rc = -1;
	} else if (cli_has(&a, O_FORMAT) &&
	           !cli_choice("diagnose", "--format", a.value[O_FORMAT], formats, &fmt)) {
		rc = CLI_EXIT_USAGE;
	} else if (cli_has(&a, O_DUMP)) {
		uint64_t n;

		if (!cli_parse_u64(a.value[O_DUMP], &n) || n == 0 || n > 1000000)
			rc = cli_error("diagnose: --dump takes a dump number from 1, not '%s'",
			               a.value[O_DUMP]);
		else
			x->only = (unsigned)n;
	}
	if (rc == CLI_EXIT_OK && a.n_operand != 1) {
		fputs(diagnose_usage, stderr);
		rc = CLI_EXIT_USAGE;
	}
	if (rc == CLI_EXIT_OK) {
		x->fmt = cli_has(&a, O_EMIT) ? DFMT_YAML : fmt == 1 ? DFMT_JSON : DFMT_TEXT;
		*file = a.operand[0];
	}
	cli_args_release(&a);
	return rc;
}

/*
 * The first reading: what the log says about its processor.  A stream that cannot be read
 * again (a pipe) is kept in *again for the second reading.
 */
static bool read_facts(FILE *f, FILE **again, struct dump_facts *facts, struct dump_scan_stats *st,
                       char *err, size_t errlen)
{
	struct dump_parser *p = dump_parser_new(NULL, NULL);
	struct stat sb;
	FILE *copy = NULL;
	bool ok;

	*again = f;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		copy = tmpfile();
		if (!copy) {
			snprintf(err, errlen,
			         "cannot create a temporary file to read the input twice");
			dump_parser_free(p);
			return false;
		}
	}
	ok = dump_scan_stream(f, p, st, copy, err, errlen);
	dump_parser_finish(p);
	*facts = *dump_parser_facts(p);
	dump_parser_free(p);
	if (copy)
		*again = copy;
	if (ok && fseek(*again, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "cannot read the input a second time: %s", strerror(errno));
		ok = false;
	}
	return ok;
}

/* What a log without a dump gets: the error, and what the outcome it reports narrows to. */
struct no_dump {
	const struct dump_verdict *v; /* the log's first outcome line, NULL when none */
	uint16_t rules[VMCSL_MAX_RULES];
	size_t n_rules; /* the checks whose failure gives that outcome */
	char note[704]; /* "" when the log reports no failure */
	char error[400];
};

static void describe_no_dump(const struct dump_parser *p, const struct dump_scan_stats *st,
                             struct no_dump *nd)
{
	const struct dump_verdict *v = dump_parser_first_verdict(p);
	char what[200], ids[400] = "";
	size_t len = 0;

	snprintf(
	    nd->error, sizeof(nd->error),
	    "no VMCS dump found (%u lines, %llu bytes read%s); diagnose reads KVM dump_vmcs(), "
	    "Xen vmcs_dump_vcpu() and QEMU \"KVM: entry failed\" dumps",
	    st->lines, st->bytes, st->binary ? "; the input has NUL bytes" : "");
	nd->note[0] = '\0';
	nd->n_rules = 0;
	nd->v = NULL;
	if (!v || (v->kind != VERDICT_ENTRY_FAILURE && v->kind != VERDICT_VMFAIL_VALID &&
	           v->kind != VERDICT_VMFAIL_INVALID))
		return;
	nd->v = v;
	nd->n_rules = verdict_rules(v, nd->rules, sizeof(nd->rules) / sizeof(nd->rules[0]));
	verdict_text(what, sizeof(what), v);
	if (nd->n_rules == 0) {
		snprintf(
		    nd->note, sizeof(nd->note),
		    "the log reports %s, but shows no VMCS; no VM-entry check gives that outcome",
		    what);
		return;
	}
	if (nd->n_rules > 8) {
		snprintf(nd->note, sizeof(nd->note),
		         "the log reports %s, but shows no VMCS; %zu checks give that outcome (the "
		         "dump would tell which)",
		         what, nd->n_rules);
		return;
	}
	for (size_t i = 0; i < nd->n_rules && len < sizeof(ids); i++)
		len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%s", i ? ", " : "",
		                        check_rule_at(nd->rules[i])->id);
	snprintf(nd->note, sizeof(nd->note),
	         "the log reports %s, but shows no VMCS; the check%s that give%s that outcome: %s",
	         what, nd->n_rules == 1 ? "" : "s", nd->n_rules == 1 ? "s" : "", ids);
}

static void report_globals(const struct dctx *x, const struct dump_parser *p,
                           const struct no_dump *nd)
{
	for (size_t k = 0; k < dump_parser_global_count(p); k++) {
		const struct dump_msg *m = dump_parser_global(p, k);

		if (m->line)
			fprintf(stderr, "%s:%u: note: %s\n", x->out.path, m->line, m->text);
		else
			fprintf(stderr, "%s: note: %s\n", x->out.path, m->text);
	}
	if (x->n_seen == 0) {
		if (nd->note[0])
			fprintf(stderr, "%s:%u: note: %s\n", x->out.path, nd->v->line, nd->note);
		fprintf(stderr, "%s: error: %s\n", x->out.path, nd->error);
	} else if (x->only && x->n_diagnosed == 0) {
		fprintf(stderr, "%s: error: --dump %u: the log has %u dump%s\n", x->out.path,
		        x->only, x->n_seen, x->n_seen == 1 ? "" : "s");
	} else if (x->fmt == DFMT_YAML && !x->only && x->n_seen > 1) {
		fprintf(stderr,
		        "%s: note: the log has %u dumps; printed the configuration of dump 1 "
		        "(--dump N for another)\n",
		        x->out.path, x->n_seen);
	}
}

static int diagnose_stream(struct dctx *x, FILE *f)
{
	struct no_dump nd = {.v = NULL, .n_rules = 0};
	struct dump_facts facts;
	struct dump_scan_stats st;
	struct dump_parser *p;
	FILE *again;
	char err[512];
	bool ok;

	if (!read_facts(f, &again, &facts, &st, err, sizeof(err))) {
		if (again != f)
			fclose(again);
		return cli_error("%s: %s", x->out.path, err);
	}
	x->facts = &facts;
	p = dump_parser_new(on_dump, x);
	if (x->fmt == DFMT_JSON)
		printf("{\"tool\": {\"name\": \"vmcslint\", \"version\": \"%s\"},\n \"results\": [",
		       VMCSLINT_VERSION);
	ok = dump_scan_stream(again, p, &st, NULL, err, sizeof(err));
	if (ok)
		dump_parser_finish(p);
	if (again != f)
		fclose(again);
	if (ok && x->n_seen == 0)
		describe_no_dump(p, &st, &nd);
	if (x->fmt == DFMT_JSON) {
		/* an error too is a result, as in `check --format json` */
		if (!ok || x->n_seen == 0) {
			print_json_no_dump(&x->out, ok ? p : NULL, ok ? nd.v : NULL, nd.rules,
			                   ok ? nd.n_rules : 0, ok && nd.note[0] ? nd.note : NULL,
			                   ok ? nd.error : err);
		} else if (x->only && x->n_diagnosed == 0) {
			snprintf(err, sizeof(err), "--dump %u: the log has %u dump%s", x->only,
			         x->n_seen, x->n_seen == 1 ? "" : "s");
			print_json_no_dump(&x->out, NULL, NULL, nd.rules, 0, NULL, err);
		}
		printf("\n]}\n");
	}
	if (!ok) {
		dump_parser_free(p);
		return cli_error("%s: %s", x->out.path, err);
	}
	report_globals(x, p, &nd);
	if (x->n_seen == 0 || (x->only && x->n_diagnosed == 0))
		x->status = CLI_EXIT_USAGE;
	dump_parser_free(p);
	return x->status;
}

int cmd_diagnose(int argc, char **argv)
{
	struct dctx x;
	const char *file = NULL;
	FILE *f;
	char err[512];
	int rc;

	memset(&x, 0, sizeof(x));
	x.fmt = DFMT_TEXT;
	x.out.json_first = true;
	rc = parse_args(argc, argv, &x, &file);
	if (rc < 0)
		return CLI_EXIT_OK;
	if (rc != CLI_EXIT_OK)
		return rc;
	if (x.caps_arg) {
		x.option_caps = malloc(sizeof(*x.option_caps));
		if (!x.option_caps)
			abort();
		if (!capsdb_load(x.caps_arg, x.option_caps, NULL, err, sizeof(err), NULL)) {
			free(x.option_caps);
			return cli_error("%s", err);
		}
		snprintf(x.option_name, sizeof(x.option_name), "%s", x.option_caps->name);
	}
	if (strcmp(file, "-") == 0) {
		f = stdin;
		x.out.path = "<stdin>";
	} else {
		f = fopen(file, "rb");
		if (!f) {
			free(x.option_caps);
			return cli_error("cannot open '%s': %s", file, strerror(errno));
		}
		x.out.path = file;
	}
	x.g = malloc(sizeof(*x.g));
	if (!x.g)
		abort();
	rc = diagnose_stream(&x, f);
	if (f != stdin)
		fclose(f);
	capsdb_index_free(&x.index);
	free(x.g);
	free(x.option_caps);
	return rc;
}
