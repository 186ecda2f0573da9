/*
 * fuzz_dump.c -- the log reader of `vmcslint diagnose` (dump/dump.h) on arbitrary logs.
 *
 * Each input is read three times: line by line with every line in a heap buffer of exactly its
 * length (so ASan sees any read past a line), as a stream through dump_scan_stream() the way
 * `diagnose` reads a file, and line by line by a parser that only collects what the log says
 * about its processor (the first of the two readings `diagnose` makes).  The first two must
 * give the same dumps (compared by a digest of everything a dump holds) and the same messages;
 * all three the same processor facts.  Every dump of the first reading is diagnosed the way
 * `diagnose` does it (an unknown processor and its evidence, then the built-in capabilities as
 * --caps), with the checker's and the diagnosis's invariants (fuzz/README.md).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fmemopen */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "diagnose.h"
#include "dump.h"
#include "fuzz.h"

struct sink_ctx {
	int check;                        /* run the checker on each dump */
	int facts_only;                   /* a parser that only collects processor facts */
	const struct dump_parser *parser; /* the one reading (its facts so far) */
	size_t n;                         /* dumps seen */
	unsigned lines;                   /* lines in the log */
	uint64_t digest;                  /* of every dump, in order */
	uint64_t facts;                   /* of what the log says about its processor */
};

static void mix(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

static void mix_u64(uint64_t *h, uint64_t v)
{
	mix(h, &v, sizeof(v));
}

static void mix_str(uint64_t *h, const char *buf, size_t cap, const char *what)
{
	if (!fuzz_terminated(buf, cap))
		fuzz_fail("a dump string is not NUL-terminated in its buffer", what);
	mix(h, buf, strlen(buf) + 1);
}

static void mix_msgs(uint64_t *h, const struct dump_msg *m, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		mix_u64(h, m[i].line);
		mix_str(h, m[i].text, sizeof(m[i].text), what);
	}
}

/* The invariants of one dump, and its digest. */
static void check_dump(const struct dump *d, struct sink_ctx *x)
{
	const struct vmentry_env *e = &d->env;
	const struct dump_verdict *v = &d->observed;
	uint64_t *h = &x->digest;
	size_t n_known = 0;

	if (d->index != x->n + 1)
		fuzz_fail("dumps are not numbered 1, 2, ... in log order", NULL);
	if (d->format > DUMP_FMT_QEMU)
		fuzz_fail("a dump format is not a dump_format", NULL);
	if (d->first_line < 1 || d->first_line > d->last_line || d->last_line > x->lines)
		fuzz_fail("a dump's lines are out of the log", NULL);
	if (d->n_notes > DUMP_MAX_NOTES || d->n_warnings > DUMP_MAX_WARNINGS)
		fuzz_fail("more notes or warnings than their arrays hold", NULL);
	if (e->n_msr_load > DUMP_MAX_MSRS || (e->n_msr_load && e->msr_load != d->msr_load))
		fuzz_fail("the MSR-load area is out of the dump", NULL);
	if (e->instruction > VMENTRY_VMRESUME || e->launch_state > LAUNCH_STATE_LAUNCHED)
		fuzz_fail("the entry environment is out of range", NULL);
	if (v->kind > VERDICT_NO_ERROR || v->source > VSRC_MESSAGE || v->instruction < -1 ||
	    v->instruction > VMENTRY_VMRESUME)
		fuzz_fail("the observed verdict is out of range", NULL);
	for (size_t i = 0; i < VMCS_FIELD_CAPACITY; i++) {
		if (d->vmcs.known[i] > 1 || (d->vmcs.known[i] && i >= vmcs_field_count()))
			fuzz_fail("a known flag is out of range", NULL);
		n_known += d->vmcs.known[i];
	}
	if (d->n_shown > n_known)
		fuzz_fail("a dump shows more fields than it knows", NULL);

	mix_u64(h, d->index);
	mix_u64(h, d->format);
	mix_str(h, d->variant, sizeof(d->variant), "variant");
	mix_u64(h, d->first_line);
	mix_u64(h, d->last_line);
	mix_u64(h, d->n_shown);
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		mix_u64(h, d->vmcs.known[i]);
		mix_u64(h, d->vmcs.value[i]);
		mix_u64(h, d->field_line[i]);
		mix_u64(h, d->field_col[i]);
	}
	mix_u64(h, e->instruction);
	mix_u64(h, e->launch_state);
	mix_u64(h, e->mov_ss_blocking);
	mix_u64(h, e->ia32e_mode);
	mix_u64(h, e->msr_load_known);
	mix_u64(h, e->n_msr_load);
	for (size_t i = 0; i < e->n_msr_load; i++) {
		mix_u64(h, e->msr_load[i].index);
		mix_u64(h, e->msr_load[i].reserved);
		mix_u64(h, e->msr_load[i].value);
		mix_u64(h, d->msr_load_line[i]);
	}
	mix_u64(h, e->pdptes_known);
	for (int k = 0; k < 4; k++)
		mix_u64(h, e->pdpte[k]);
	mix_u64(h, e->link_known);
	mix_u64(h, e->link_is_vmcs);
	mix_u64(h, e->link_revision);
	mix_u64(h, e->link_shadow);
	mix_u64(h, (uint64_t)d->instruction_from_log << 3 |
	               (uint64_t)d->launch_state_from_log << 2 | (uint64_t)d->mov_ss_from_log << 1 |
	               d->mode_from_dump);
	mix_u64(h, v->kind);
	mix_u64(h, v->source);
	mix_u64(h, v->exit_reason);
	mix_u64(h, v->full_reason);
	mix_u64(h, v->qual_known);
	mix_u64(h, v->qualification);
	mix_u64(h, v->vm_error);
	mix_u64(h, (uint64_t)(int64_t)v->instruction);
	mix_u64(h, v->line);
	mix_str(h, v->text, sizeof(v->text), "verdict text");
	mix_u64(h, d->truncated);
	mix_u64(h, d->warnings_dropped);
	mix_u64(h, d->notes_dropped);
	mix_msgs(h, d->notes, d->n_notes, "note");
	mix_msgs(h, d->warnings, d->n_warnings, "warning");
}

/* The invariants of a diagnosis (diagnose/diagnose.h). */
static void check_diagnosis(const struct dump *d, const struct diagnosis *g)
{
	size_t errors = 0;

	if (g->agree < -1 || g->agree > 1 || g->n_cand > g->rep.n_findings ||
	    g->ev.n > EV_MAX_ITEMS || g->proc.source > CAPS_SRC_UNKNOWN)
		fuzz_fail("a diagnosis is out of range", NULL);
	if (!fuzz_terminated(g->why, sizeof(g->why)) ||
	    !fuzz_terminated(g->proc.why, sizeof(g->proc.why)))
		fuzz_fail("a diagnosis text is not NUL-terminated in its buffer", NULL);
	for (size_t i = 0; i < g->ev.n; i++)
		if (!fuzz_terminated(g->ev.item[i].text, sizeof(g->ev.item[i].text)))
			fuzz_fail("an evidence text is not NUL-terminated in its buffer", NULL);
	for (size_t i = 0; i < g->rep.n_findings; i++) {
		if (g->f[i].severity > SEV_PASSED || g->f[i].decider > DEC_CAPS ||
		    g->f[i].evidence >= (int)g->ev.n)
			fuzz_fail("a finding's severity or decider is out of range", NULL);
		errors += g->f[i].severity == SEV_ERROR;
	}
	if (errors != g->n_errors)
		fuzz_fail("the diagnosis counts its errors wrong", NULL);
	/* An unknown processor's errors are decided without assumption: never a warning. */
	if (g->proc.source == CAPS_SRC_UNKNOWN && g->n_warnings)
		fuzz_fail("an assumed-capabilities warning without a capsdb entry", NULL);
	if (g->agree == 1 && d->observed.kind != VERDICT_SUCCESS &&
	    !outcome_matches_verdict(&g->outcome, &d->observed) && !g->outcome.qualification_varies)
		fuzz_fail("a diagnosis agrees with the log but gives another outcome", NULL);
	if (g->unexplained && g->agree == 1)
		fuzz_fail("a diagnosis both explains and does not explain the log", NULL);
}

/*
 * What `diagnose` does with a dump, without a capsdb: the processor from the log's facts (an
 * unknown one, no entry matches), the diagnosis, and the checker's invariants on the
 * capabilities the evidence gives.
 */
static void check_like_diagnose(const struct dump *d, const struct dump_facts *facts)
{
	static struct processor proc;
	static struct diagnosis g;
	static struct vmx_caps caps;
	struct check_input in = {&g.vmcs, &caps, &d->env};

	processor_choose(d, facts, NULL, NULL, NULL, NULL, &proc);
	diagnose_dump(d, facts, &proc, &g);
	check_diagnosis(d, &g);
	memset(&caps, 0, sizeof(caps));
	evidence_apply(&g.ev, ~0u, &caps);
	fuzz_check(&in);
	/* The same dump with the built-in capabilities as --caps would give them. */
	processor_choose(d, facts, fuzz_default_caps(), CAPSDB_DEFAULT_NAME, NULL, NULL, &proc);
	diagnose_dump(d, facts, &proc, &g);
	check_diagnosis(d, &g);
}

static void on_dump(const struct dump *d, void *ctx)
{
	struct sink_ctx *x = ctx;

	check_dump(d, x);
	if (x->check)
		check_like_diagnose(d, dump_parser_facts(x->parser));
	x->n++;
}

/* What the log says about its processor, checked and into the digest. */
static void mix_facts(uint64_t *h, const struct dump_facts *f)
{
	if (f->n_ids > DUMP_MAX_IDS || f->n_hv > DUMP_MAX_HV)
		fuzz_fail("more processor facts than their arrays hold", NULL);
	for (size_t i = 0; i < f->n_ids; i++) {
		const struct dump_cpu_id *id = &f->ids[i];

		if (id->family < 0 || id->model < 0 || id->stepping < 0)
			fuzz_fail("an identification without a signature", NULL);
		mix_u64(h, id->line);
		mix_u64(h, id->origin);
		mix_u64(h, id->how);
		mix_u64(h, (uint64_t)id->family << 32 | (uint64_t)id->model << 16 |
		               (uint64_t)id->stepping);
		mix_str(h, id->vendor, sizeof(id->vendor), "vendor");
		mix_str(h, id->brand, sizeof(id->brand), "brand");
		mix_str(h, id->text, sizeof(id->text), "identification text");
	}
	for (size_t i = 0; i < f->n_hv; i++) {
		mix_u64(h, f->hv[i].line);
		mix_u64(h, f->hv[i].origin);
		mix_u64(h, f->hv[i].how);
		mix_str(h, f->hv[i].name, sizeof(f->hv[i].name), "hypervisor name");
		mix_str(h, f->hv[i].text, sizeof(f->hv[i].text), "hypervisor text");
	}
	mix_u64(h, f->ids_dropped);
	mix_u64(h, f->virt_bits);
	mix_u64(h, f->virt_bits_line);
	mix_u64(h, f->virt_bits_conflict);
}

/* Messages that belong to no dump, into the digest. */
static void finish(struct dump_parser *p, struct sink_ctx *x)
{
	dump_parser_finish(p);
	mix_facts(&x->facts, dump_parser_facts(p));
	if (dump_parser_dumps(p) != x->n)
		fuzz_fail("dump_parser_dumps disagrees with the dumps handed over", NULL);
	for (size_t i = 0; i < dump_parser_global_count(p); i++) {
		const struct dump_msg *m = dump_parser_global(p, i);

		if (!m)
			fuzz_fail("a global message is missing", NULL);
		mix_msgs(&x->digest, m, 1, "global message");
	}
	if (dump_parser_global(p, dump_parser_global_count(p)))
		fuzz_fail("a global message past the count", NULL);
	dump_parser_free(p);
}

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + (size > 0 && data[size - 1] != '\n');
}

/* Readings 1 and 3: each line in a buffer of exactly its length. */
static void read_lines(const uint8_t *data, size_t size, struct sink_ctx *x)
{
	struct dump_parser *p = dump_parser_new(x->facts_only ? NULL : on_dump, x);

	x->parser = p;
	unsigned lineno = 1;
	size_t i = 0;

	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;

		if (len > DUMP_MAX_LINE) {
			dump_parser_long_line(p, lineno, len);
		} else {
			char *line = malloc(len);

			if (len && !line)
				abort();
			if (len)
				memcpy(line, data + i, len);
			dump_parser_line(p, lineno, line, len);
			free(line);
		}
		i += len + 1;
		lineno++;
	}
	finish(p, x);
}

/* Reading 2: the stream reader `diagnose` uses. */
static void read_stream(const uint8_t *data, size_t size, struct sink_ctx *x)
{
	struct dump_parser *p = dump_parser_new(on_dump, x);
	struct dump_scan_stats st;
	char err[256];
	FILE *f = fmemopen((void *)data, size, "r");

	x->parser = p;
	if (!f)
		fuzz_fail("fmemopen failed", NULL);
	if (!dump_scan_stream(f, p, &st, NULL, err, sizeof(err)))
		fuzz_fail("dump_scan_stream failed on a memory stream", err);
	fclose(f);
	if (st.bytes != size || st.lines != x->lines ||
	    st.binary != (memchr(data, '\0', size) != NULL))
		fuzz_fail("dump_scan_stream's statistics are wrong", NULL);
	finish(p, x);
}

int fuzz_dump_one(const uint8_t *data, size_t size)
{
	struct sink_ctx a = {1, 0, NULL, 0, 0, 0xcbf29ce484222325ull, 0xcbf29ce484222325ull};
	struct sink_ctx b = {0, 0, NULL, 0, 0, 0xcbf29ce484222325ull, 0xcbf29ce484222325ull};
	struct sink_ctx c = {0, 1, NULL, 0, 0, 0xcbf29ce484222325ull, 0xcbf29ce484222325ull};

	a.lines = b.lines = c.lines = count_lines(data, size);
	read_lines(data, size, &a);
	read_lines(data, size, &c);
	if (c.n != 0 || c.facts != a.facts)
		fuzz_fail("the first reading (processor facts only) disagrees with the second",
		          NULL);
	if (size == 0)
		return 0; /* fmemopen needs a byte */
	read_stream(data, size, &b);
	if (a.n != b.n || a.digest != b.digest || a.facts != b.facts)
		fuzz_fail("reading line by line and reading the stream give different dumps", NULL);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_dump_one(data, size);
}
#endif
