/*
 * html_check.h -- a strict reader of the HTML vmcslint writes, so tests can assert that a page
 * is well formed and count what it shows.  Stricter than HTML5 on purpose: every element but
 * the void ones (meta, br) is closed, in order; attribute values are quoted; text and values
 * carry no raw '<' or '>' and no '&' that does not start an entity.
 */
#ifndef TESTS_HTML_CHECK_H
#define TESTS_HTML_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#define HTML_MAX_SUMMARIES 32

struct html_facts {
	size_t n_html, n_head, n_body, n_table;
	size_t header_cells;     /* <th> of the row in <thead> */
	size_t body_rows;        /* <tr> in a <tbody> */
	size_t min_tds, max_tds; /* <td> per body row */
	size_t n_details;        /* click-to-expand cells */
	size_t n_summaries;      /* <li class="summary">, text unescaped */
	char summaries[HTML_MAX_SUMMARIES][600];
	char why[300]; /* what is wrong, when html_check() says false */
};

/* Whether page is one well-formed HTML document; fills facts either way. */
bool html_check(const char *page, struct html_facts *facts);

#endif
