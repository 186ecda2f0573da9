/*
 * test_differential.c -- the checker against a real VMLAUNCH: every example, every rule
 * fixture and random single-field and single-bit mutations of the valid examples run through
 * the vmx-probe image under Bochs in a few boots, and each observation is compared with the
 * prediction for the VMCS the probe actually launched.  The disagreements must be exactly the
 * Bochs deviations listed in vmx-probe/KNOWN-DEVIATIONS.md: a new one fails the test, and so
 * does a listed one that no longer happens.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "config.h"
#include "helpers.h"
#include "probe_judge.h"

#define MIN_CASES 1000
#define MUTATIONS 400
#define KNOWN     "vmx-probe/KNOWN-DEVIATIONS.md"

struct dcase {
	char name[160];
	struct vmcs_config *cfg; /* the loaded file (mutations share their example's) */
	struct vmcs_state vmcs;
	struct vmentry_env env;
};

/* xorshift64*: the same mutations on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static size_t load_glob(const char *pattern, struct dcase *cases, size_t n, size_t max)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		return n;
	for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
		struct dcase *c = &cases[n];
		struct load_diags d;

		memset(&d, 0, sizeof(d));
		c->cfg = calloc(1, sizeof(*c->cfg));
		cr_assert_not_null(c->cfg);
		if (!config_load(g.gl_pathv[i], c->cfg, &d, capsdb_resolver, NULL)) {
			config_release(c->cfg);
			free(c->cfg);
			continue;
		}
		snprintf(c->name, sizeof(c->name), "%s", base_name(g.gl_pathv[i]));
		c->vmcs = c->cfg->vmcs;
		c->env = c->cfg->env;
		n++;
	}
	globfree(&g);
	return n;
}

/* A single-bit flip, a zeroed field or an all-ones field in one written field of a valid case. */
static void mutate(struct dcase *dst, const struct dcase *src, uint64_t *seed)
{
	size_t written[VMCS_FIELD_CAPACITY], nw = 0, id;
	const struct vmcs_field_info *f;
	unsigned bits, how = (unsigned)(rnd(seed) % 8), bit;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (src->vmcs.written[i])
			written[nw++] = i;
	}
	*dst = *src;
	dst->cfg = NULL;
	id = written[rnd(seed) % nw];
	f = vmcs_field_at(id);
	bits = vmcs_width_bits(f->width);
	if (how == 0) {
		dst->vmcs.value[id] = 0;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s=0", src->name,
		         f->name);
	} else if (how == 1) {
		dst->vmcs.value[id] = bits == 64 ? ~0ull : (1ull << bits) - 1;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s=ones", src->name,
		         f->name);
	} else {
		bit = (unsigned)(rnd(seed) % bits);
		dst->vmcs.value[id] ^= 1ull << bit;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s^bit%u", src->name,
		         f->name, bit);
	}
}

/* The case names KNOWN-DEVIATIONS.md lists: lines "- `NAME`: why". */
static char **read_known(size_t *n)
{
	char *text = read_file(KNOWN, NULL), *p, **v = NULL;

	*n = 0;
	if (!text)
		return NULL;
	for (p = text; (p = strstr(p, "\n- `")) != NULL; p++) {
		char *start = p + 4, *end = strchr(start, '`');

		if (!end)
			break;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[*n] = strndup(start, (size_t)(end - start));
		(*n)++;
	}
	free(text);
	return v;
}

static bool listed(char **known, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(known[i], name) == 0)
			return true;
	}
	return false;
}

Test(differential, checker_agrees_with_bochs_vmlaunch, .timeout = 600)
{
	size_t max = 4096, n = 0, nvalid, agree = 0, disagree = 0, skipped = 0, nknown;
	struct dcase *cases = calloc(max, sizeof(*cases));
	struct probe_case *pc;
	struct probe_result *res;
	struct check_report *rep = malloc(sizeof(*rep));
	struct probe_options opt;
	struct probe_run run;
	char **known = read_known(&nknown), **seen;
	size_t nseen = 0;
	uint64_t seed = 0x766d63736c696e74ull;
	int err;

	cr_assert(cases && rep);
	capsdb_set_dir("capsdb/cpus");
	n = load_glob("examples/valid-*.yaml", cases, n, max);
	nvalid = n;
	n = load_glob("examples/broken-*.yaml", cases, n, max);
	n = load_glob("tests/fixtures/rules/*.yaml", cases, n, max);
	for (size_t m = 0; m < MUTATIONS || n < MIN_CASES; m++)
		mutate(&cases[n++], &cases[rnd(&seed) % nvalid], &seed);
	cr_assert_geq(n, MIN_CASES);
	pc = calloc(n, sizeof(*pc));
	res = calloc(n, sizeof(*res));
	seen = calloc(n, sizeof(*seen));
	cr_assert(pc && res && seen);
	for (size_t i = 0; i < n; i++) {
		pc[i].vmcs = &cases[i].vmcs;
		pc[i].env = &cases[i].env;
	}
	memset(&opt, 0, sizeof(opt));
	err = probe_run_cases(pc, n, &opt, res, &run);
	cr_assert_eq(err, PROBE_OK, "the probe could not run: %s: %s", probe_error_name(err),
	             run.error);
	for (size_t i = 0; i < n; i++) {
		struct probe_verdict v = probe_judge(&res[i], &run.caps, rep);

		if (v.agreement == PROBE_AGREE) {
			agree++;
			continue;
		}
		if (v.agreement == PROBE_NOT_COMPARED) {
			skipped++;
			continue;
		}
		disagree++;
		seen[nseen++] = cases[i].name;
		cr_expect(listed(known, nknown, cases[i].name),
		          "new disagreement (a checker bug, or a Bochs deviation to list in " KNOWN
		          "): %s: %s [%s]",
		          cases[i].name, v.reason,
		          rep->deciding_rule >= 0 ? check_rule_at((size_t)rep->deciding_rule)->id
		                                  : "-");
	}
	for (size_t k = 0; k < nknown; k++) {
		bool still = false;

		for (size_t i = 0; i < nseen; i++)
			still |= strcmp(seen[i], known[k]) == 0;
		cr_expect(still, KNOWN " lists %s, which no longer disagrees: remove it", known[k]);
	}
	fprintf(stderr,
	        "differential: %zu cases under Bochs %s in %zu boot(s), %.1f s: %zu agree, %zu "
	        "disagree (%zu listed Bochs deviations), %zu not compared; agreement %.1f%% of "
	        "compared cases\n",
	        n, run.caps.name, run.boots, run.seconds, agree, disagree, nknown, skipped,
	        agree + disagree ? 100.0 * (double)agree / (double)(agree + disagree) : 0.0);
	for (size_t i = 0; i < n; i++) {
		if (cases[i].cfg) {
			config_release(cases[i].cfg);
			free(cases[i].cfg);
		}
	}
	for (size_t k = 0; k < nknown; k++)
		free(known[k]);
	free(known);
	free(seen);
	free(pc);
	free(res);
	free(rep);
	free(cases);
}
