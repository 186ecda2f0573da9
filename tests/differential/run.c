/*
 * run.c -- the differential test's corpus and its run under one Bochs model (run.h).
 */
#define _DEFAULT_SOURCE
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "config.h"
#include "judge.h"
#include "run.h"

bool diff_keep_dir;
bool diff_list_undecided;
const char *diff_only;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Loads every file of pattern as a case; returns the new count. */
static size_t load_glob(struct diff_corpus *c, const char *pattern, size_t max)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		return c->n;
	for (size_t i = 0; i < g.gl_pathc && c->n < max; i++) {
		struct vmcs_config *cfg = calloc(1, sizeof(*cfg));
		struct diff_case *k = &c->cases[c->n];
		struct load_diags d;

		if (!cfg)
			abort();
		memset(&d, 0, sizeof(d));
		if (!config_load(g.gl_pathv[i], cfg, &d, capsdb_resolver, NULL)) {
			config_release(cfg);
			free(cfg);
			continue;
		}
		c->configs[c->n_configs++] = cfg;
		snprintf(k->name, sizeof(k->name), "%s", base_name(g.gl_pathv[i]));
		k->vmcs = cfg->vmcs;
		k->env = cfg->env;
		c->n++;
	}
	globfree(&g);
	return c->n;
}

static const struct diff_case *find(const struct diff_corpus *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->cases[i].name, name) == 0)
			return &c->cases[i];
	}
	return NULL;
}

bool diff_corpus_build(struct diff_corpus *c, size_t mutations, size_t generated, uint64_t seed,
                       char *err, size_t errlen)
{
	size_t max = 4096 + mutations + generated, nvalid;
	struct diff_bases b;

	memset(c, 0, sizeof(*c));
	c->cases = calloc(max, sizeof(*c->cases));
	c->configs = calloc(4096, sizeof(*c->configs));
	if (!c->cases || !c->configs)
		abort();
	capsdb_set_dir("capsdb/cpus");
	load_glob(c, "examples/valid-*.yaml", 4096);
	nvalid = c->n;
	load_glob(c, "examples/broken-*.yaml", 4096);
	load_glob(c, "tests/fixtures/rules/*.yaml", 4096);
	c->n_files = c->n;
	b.long_mode = find(c, "valid-long-mode.yaml");
	b.pae = find(c, "valid-pae-32bit.yaml");
	b.real_ug = find(c, "valid-real-mode-unrestricted.yaml");
	b.v8086 = find(c, "valid-v8086.yaml");
	if (!nvalid || !b.long_mode || !b.pae || !b.real_ug || !b.v8086) {
		snprintf(err, errlen, "the valid examples (examples/valid-*.yaml) do not load");
		return false;
	}
	for (size_t m = 0; m < mutations; m++)
		diff_mutate(&c->cases[c->n++], &c->cases[diff_rand(&seed) % nvalid], &seed);
	c->n_mutations = mutations;
	diff_generate(&b, seed, &c->cases[c->n], generated);
	c->n += generated;
	c->n_generated = generated;
	return true;
}

void diff_corpus_release(struct diff_corpus *c)
{
	for (size_t i = 0; i < c->n_configs; i++) {
		config_release(c->configs[i]);
		free(c->configs[i]);
	}
	free(c->configs);
	free(c->cases);
	memset(c, 0, sizeof(*c));
}

static bool any_of(const struct check_outcome *p)
{
	return p->error_alt || p->qualification_varies || p->kind == OUTCOME_PROCESSOR_DEPENDENT;
}

/* Whether the deviations explain a disagreement about the entry; counts their use. */
/* Every rule the checker found failing, in its order: where to look when a new case disagrees. */
static void print_findings(FILE *out, const struct check_report *rep)
{
	for (size_t f = 0; f < rep->n_findings; f++) {
		const struct check_finding *x = &rep->findings[f];

		fprintf(out, "differential:     %s %s: %s\n",
		        x->result == RULE_FAIL      ? "fails"
		        : x->result == RULE_MAYFAIL ? "may fail"
		                                    : "undecided",
		        check_rule_at(x->rule)->id, x->message);
	}
}

enum explanation { NOT_EXPLAINED, EXPLAINED, EXPLAINED_UNDECIDED };

/*
 * Whether the listed deviations turn the checker's report into what Bochs did.  Where they
 * remove every failure the checker was sure of and leave an undecided rule deciding, the case
 * cannot be compared any more (EXPLAINED_UNDECIDED), like any undecided prediction.
 */
static enum explanation explained(struct deviation *devs, size_t ndev, const char *model,
                                  const struct diff_case *k, const struct probe_result *r,
                                  const struct check_report *rep, struct check_report *scratch)
{
	bool applied[64] = {false};
	bool undecided;

	if (ndev > 64)
		ndev = 64;
	*scratch = *rep;
	if (!dev_apply(devs, ndev, model, k, scratch, applied))
		return NOT_EXPLAINED;
	undecided = scratch->prediction.kind == OUTCOME_UNDECIDED;
	if (!undecided && !probe_outcome_matches(&scratch->prediction, &r->observed))
		return NOT_EXPLAINED;
	for (size_t i = 0; i < ndev; i++)
		devs[i].used += applied[i];
	return undecided ? EXPLAINED_UNDECIDED : EXPLAINED;
}

/*
 * Whether Bochs stops the emulation on this case (a listed "aborts" deviation): it then is not
 * run, and counts for that deviation.
 */
static bool aborts(struct deviation *devs, size_t ndev, const char *model,
                   const struct vmx_caps *caps, const struct diff_case *k,
                   struct check_report *scratch)
{
	struct check_input in = {&k->vmcs, caps, &k->env};
	bool applied[64] = {false};
	int a;

	if (ndev > 64)
		ndev = 64;
	check_run(&in, scratch);
	dev_apply(devs, ndev, model, k, scratch, applied);
	a = dev_aborts(devs, ndev, model, k, scratch);
	if (a < 0)
		return false;
	devs[a].used++;
	return true;
}

void diff_run_model(const char *model, const struct diff_corpus *c, struct deviation *devs,
                    size_t ndev, FILE *out, size_t max_listed, struct diff_result *res)
{
	struct probe_case *pc = calloc(c->n, sizeof(*pc));
	struct probe_result *pr = calloc(c->n, sizeof(*pr));
	struct check_report *rep = malloc(sizeof(*rep)), *scratch = malloc(sizeof(*scratch));
	size_t *which = calloc(c->n, sizeof(*which)), sent = 0;
	struct probe_options opt;
	struct probe_run run;
	struct vmx_caps caps;
	char name[64], err_text[256];
	size_t listed_dis = 0, listed_nd = 0, listed_r0 = 0;
	int err;

	if (!pc || !pr || !rep || !scratch || !which)
		abort();
	memset(res, 0, sizeof(*res));
	snprintf(res->model, sizeof(res->model), "%s", model);
	res->cases = 0;
	snprintf(name, sizeof(name), "bochs-%s", model);
	if (!capsdb_load(name, &caps, NULL, err_text, sizeof(err_text), NULL)) {
		snprintf(res->error, sizeof(res->error), "%s", err_text);
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (diff_only && !strstr(c->cases[i].name, diff_only))
			continue;
		if (aborts(devs, ndev, model, &caps, &c->cases[i], scratch)) {
			res->cases++;
			res->aborted++;
			continue;
		}
		res->cases++;
		which[sent] = i;
		pc[sent].vmcs = &c->cases[i].vmcs;
		pc[sent].env = &c->cases[i].env;
		sent++;
	}
	memset(&opt, 0, sizeof(opt));
	opt.bochs_model = model;
	opt.keep_dir = diff_keep_dir;
	err = probe_run_cases(pc, sent, &opt, pr, &run);
	if (diff_keep_dir)
		fprintf(out, "differential: %s: the emulator's output and log are kept in %s\n",
		        model, run.dir);
	res->probe_ok = err == PROBE_OK;
	res->boots = run.boots;
	res->seconds = run.seconds;
	if (err != PROBE_OK)
		snprintf(res->error, sizeof(res->error), "%s: %.400s", probe_error_name(err),
		         run.error);
	for (size_t s = 0; s < sent; s++) {
		const struct diff_case *k = &c->cases[which[s]];
		size_t i = s;
		struct probe_verdict v = probe_judge(&pr[i], &run.caps, rep);
		enum explanation how;
		char why[600];

		/* host prediction = ring-0 prediction, whatever the processor then did */
		if (pr[i].status == PROBE_CASE_DONE) {
			if (probe_ring0_agrees(&pr[i], rep, why, sizeof(why))) {
				res->ring0_equal++;
			} else {
				res->ring0_differ++;
				if (listed_r0++ < max_listed)
					fprintf(out, "differential: %s: RING-0 %s: %s\n", model,
					        k->name, why);
			}
		}

		switch (v.agreement) {
		case PROBE_AGREE:
			res->agree++;
			res->agree_any_of += any_of(&rep->prediction);
			break;
		case PROBE_NOT_COMPARED:
			if (pr[i].status == PROBE_CASE_DONE) {
				res->not_compared++;
				if (diff_list_undecided && rep->deciding_rule >= 0)
					fprintf(out, "differential: %s: undecided %s: %s\n", model,
					        k->name,
					        check_rule_at((size_t)rep->deciding_rule)->id);
				break;
			}
			res->not_done++;
			if (listed_nd++ < max_listed)
				fprintf(out, "differential: %s: %s: not run to the end: %s\n",
				        model, k->name, v.reason);
			break;
		default:
			how = v.vmwrite_mismatch
			          ? NOT_EXPLAINED
			          : explained(devs, ndev, model, k, &pr[i], rep, scratch);
			if (how == EXPLAINED) {
				res->explained++;
				break;
			}
			if (how == EXPLAINED_UNDECIDED) {
				res->not_compared++;
				break;
			}
			res->disagree++;
			if (listed_dis++ < max_listed) {
				fprintf(out, "differential: %s: DISAGREE %s: %s [%s]\n", model,
				        k->name, v.reason,
				        rep->deciding_rule >= 0
				            ? check_rule_at((size_t)rep->deciding_rule)->id
				            : "-");
				print_findings(out, rep);
			}
		}
	}
out:
	free(which);
	free(pc);
	free(pr);
	free(rep);
	free(scratch);
}

void diff_print_result(FILE *out, const struct diff_result *r)
{
	size_t compared = r->agree + r->explained + r->disagree;

	fprintf(out,
	        "differential: %s: %zu cases in %zu boot(s), %.1f s: %zu agree (%zu of them any-of "
	        "predictions), %zu listed Bochs deviations (and %zu not run: Bochs would abort), "
	        "%zu disagree, %zu not compared (undecided), %zu not run to the end; agreement "
	        "%.2f%% of compared cases outside the listed deviations; ring-0 predictions: %zu "
	        "equal to the host's, %zu differ\n",
	        r->model, r->cases, r->boots, r->seconds, r->agree, r->agree_any_of, r->explained,
	        r->aborted, r->disagree, r->not_compared, r->not_done,
	        compared - r->explained
	            ? 100.0 * (double)r->agree / (double)(compared - r->explained)
	            : 0.0,
	        r->ring0_equal, r->ring0_differ);
}
