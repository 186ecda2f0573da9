/*
 * matrix.c -- the data of `vmcslint matrix`: each configuration is loaded once and each
 * capsdb entry once, then every configuration is checked against every entry.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "checked.h"
#include "cli.h"
#include "codename_year.h"
#include "matrix.h"

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

bool matrix_load(struct matrix *m, char *const *paths, size_t n, FILE *diag_out)
{
	bool ok = true;

	memset(m, 0, sizeof(*m));
	m->files = calloc(n ? n : 1, sizeof(*m->files));
	if (!m->files)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct matrix_file *f = &m->files[i];
		struct load_diags diags;
		const char *slash = strrchr(paths[i], '/');

		memset(&diags, 0, sizeof(diags));
		f->path = paths[i];
		f->base = slash && slash[1] ? slash + 1 : paths[i];
		if (!config_load(paths[i], &f->cfg, &diags, capsdb_resolver, NULL))
			ok = false;
		else
			f->hv = adjust_wants_any(&f->cfg.wants);
		m->n_files++;
		print_load_diags(diag_out, &diags, paths[i]);
	}
	return ok;
}

/* The configuration's result on one entry, counted in its column. */
static void judge_cell(struct matrix_file *f, const struct vmx_caps *caps, struct check_report *rep,
                       struct vmcs_state *judged, struct matrix_cell *cell)
{
	struct check_input in = {judged, caps, &f->cfg.env};

	/* the values this hypervisor would write on this processor (adjust/) */
	*judged = f->cfg.vmcs;
	adjust_apply(&f->cfg.wants, caps, judged, &cell->adjust);
	if (cell->adjust.verdict == ADJUST_REFUSED) {
		cell->refused = true;
		cell->deciding_rule = -1;
		cell->prediction.kind = OUTCOME_UNDECIDED;
		f->refused++;
		return;
	}
	check_run(&in, rep);
	settle(&f->cfg, caps, &cell->adjust, rep);
	/* a hypervisor that may refuse to run here does not surely enter */
	if (cell->adjust.verdict == ADJUST_MAY_REFUSE && rep->prediction.kind == OUTCOME_SUCCESS) {
		rep->prediction.kind = OUTCOME_UNDECIDED;
		rep->deciding_rule = -1;
	}
	cell->prediction = rep->prediction;
	cell->deciding_rule = rep->deciding_rule;
	cell->n_failed = rep->n_failed;
	cell->n_undecided = rep->n_undecided;
	cell->vmwrite_fail = vmwrite_failures(rep);
	{
		char buf[320];

		if (inferred_text(buf, sizeof(buf), caps, rep))
			cell->inferred = dup_or_null(buf);
	}
	for (size_t k = 0; k < rep->n_findings && k < CHECK_MAX_FINDINGS; k++) {
		if ((int)rep->findings[k].rule == rep->deciding_rule) {
			cell->message = dup_or_null(rep->findings[k].message);
			cell->hint =
			    rep->findings[k].hint[0] ? dup_or_null(rep->findings[k].hint) : NULL;
			break;
		}
	}
	switch (rep->prediction.kind) {
	case OUTCOME_SUCCESS:
		f->success++;
		break;
	case OUTCOME_UNDECIDED:
		f->undecided++;
		break;
	case OUTCOME_PROCESSOR_DEPENDENT:
		f->depends++;
		break;
	default:
		f->fail++;
	}
}

/* Doubtful capabilities are shown apart (capsdb/FORMAT.md, confidence). */
static const char *row_tag(const struct caps_meta *meta)
{
	if (meta->kind && strcmp(meta->kind, "virtualized") == 0)
		return "virtualized";
	if (meta->confidence && strncmp(meta->confidence, "medium", 6) == 0 &&
	    meta->confidence[6] != '-')
		return "confidence medium";
	return "";
}

void matrix_judge(struct matrix *m, const char *kind)
{
	size_t n;
	char **names = capsdb_names(&n);
	struct check_report *rep = malloc(sizeof(*rep));
	struct vmcs_state *judged = malloc(sizeof(*judged));

	if (!rep || !judged)
		abort();
	m->rows = calloc(n ? n : 1, sizeof(*m->rows));
	if (!m->rows)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct caps_meta meta;
		struct vmx_caps caps;
		struct matrix_row *row;
		char err[512];

		/* an entry that does not load is `caps list`'s business, not a matrix row */
		if (!capsdb_load(names[i], &caps, &meta, err, sizeof(err), NULL))
			continue;
		if (kind && !(meta.kind && strcmp(meta.kind, kind) == 0)) {
			caps_meta_release(&meta);
			continue;
		}
		row = &m->rows[m->n_rows++];
		row->caps = dup_or_null(names[i]);
		row->kind = dup_or_null(meta.kind ? meta.kind : "");
		row->confidence = dup_or_null(meta.confidence ? meta.confidence : "");
		row->codename = dup_or_null(meta.codename ? meta.codename : "");
		row->year = codename_year(meta.codename);
		row->tag = row_tag(&meta);
		row->cells = calloc(m->n_files ? m->n_files : 1, sizeof(*row->cells));
		if (!row->cells)
			abort();
		for (size_t j = 0; j < m->n_files; j++)
			judge_cell(&m->files[j], &caps, rep, judged, &row->cells[j]);
		caps_meta_release(&meta);
	}
	free(rep);
	free(judged);
	capsdb_names_free(names, n);
}

void matrix_release(struct matrix *m)
{
	for (size_t i = 0; i < m->n_rows; i++) {
		struct matrix_row *row = &m->rows[i];

		for (size_t j = 0; j < m->n_files; j++) {
			free(row->cells[j].message);
			free(row->cells[j].inferred);
			free(row->cells[j].hint);
		}
		free(row->cells);
		free(row->caps);
		free(row->kind);
		free(row->confidence);
		free(row->codename);
	}
	free(m->rows);
	for (size_t j = 0; j < m->n_files; j++)
		config_release(&m->files[j].cfg);
	free(m->files);
	memset(m, 0, sizeof(*m));
}

void matrix_summary(char *buf, size_t n, const struct matrix_file *f)
{
	int len =
	    snprintf(buf, n,
	             "%s: enters on %zu processors, fails on %zu, processor-dependent on %zu, "
	             "undecided on %zu",
	             f->path, f->success, f->fail, f->depends, f->undecided);

	if (f->hv && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, ", refused on %zu", f->refused);
}

struct adjusted matrix_adjusted(const struct matrix *m, size_t row, size_t file)
{
	struct adjusted a = {m->files[file].path, &m->files[file].cfg,
	                     &m->rows[row].cells[file].adjust, m->rows[row].caps};

	return a;
}
