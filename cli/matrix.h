/*
 * matrix.h -- `vmcslint matrix` as data: configurations (columns) judged on capsdb entries
 * (rows), built once and printed as text, JSON or HTML (cmd_matrix.c, matrix_html.c).
 */
#ifndef CLI_MATRIX_H
#define CLI_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "adjust.h"
#include "adjusted.h"
#include "config.h"
#include "vmcslint.h"

/* One configuration: loaded once, judged on every row. */
struct matrix_file {
	const char *path; /* as given on the command line */
	const char *base; /* its base name, the column's heading */
	struct vmcs_config cfg;
	bool hv; /* given as a hypervisor writes it: adjusted per processor (adjust/) */
	size_t success, fail, depends, undecided, refused; /* the column's counts */
};

/* What one configuration gives on one processor. */
struct matrix_cell {
	struct check_outcome prediction;
	int deciding_rule; /* index in the rule table, or -1 */
	size_t n_failed, n_undecided, vmwrite_fail;
	char *message, *hint; /* of the deciding finding (heap), NULL when none */
	char *inferred; /* values from a sibling's dump the prediction rests on, ", "-joined */
	bool refused;   /* the hypervisor refuses to run here: nothing judged */
	struct adjust_result adjust; /* what adjusting to this processor did */
};

/* One capsdb entry. */
struct matrix_row {
	char *caps; /* the entry's name */
	char *kind, *confidence, *codename;
	int year;                  /* codename_year(codename), 0 when unknown */
	const char *tag;           /* "virtualized", "confidence medium" or "" */
	struct matrix_cell *cells; /* one per file, in file order */
};

struct matrix {
	struct matrix_file *files;
	size_t n_files;
	struct matrix_row *rows; /* capsdb entries in name order */
	size_t n_rows;
};

/*
 * Loads each configuration once (its loader diagnostics go to diag_out).  Returns false when
 * one could not be loaded.  Release m with matrix_release() in any case.
 */
bool matrix_load(struct matrix *m, char *const *paths, size_t n, FILE *diag_out);

/*
 * Judges every loaded configuration on every capsdb entry (of the given kind when kind is not
 * NULL), loading each entry once.  A configuration's own caps: key plays no part.
 */
void matrix_judge(struct matrix *m, const char *kind);

void matrix_release(struct matrix *m);

/* One cell as adjusted.h sees it: the configuration adjusted to the row's processor. */
struct adjusted matrix_adjusted(const struct matrix *m, size_t row, size_t file);

/* The summary of a column: "FILE: enters on N processors, fails on N, ...". */
void matrix_summary(char *buf, size_t n, const struct matrix_file *f);

/*
 * The matrix as one self-contained HTML page (no script, no network): processors grouped by
 * year and codename, a column per configuration; kind is the --kind filter or NULL.
 */
void matrix_html(FILE *out, const struct matrix *m, const char *kind);

#endif /* CLI_MATRIX_H */
