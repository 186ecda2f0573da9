/*
 * json.h -- JSON output (json.c).
 */
#ifndef REPORT_JSON_H
#define REPORT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* JSON output: strings escaped per RFC 8259. */
void json_string(FILE *out, const char *s);
void json_string_n(FILE *out, const char *s, size_t n);
/* An unsigned number in decimal, as printf's %llu writes it (without printf's cost: a run of
 * `check` writes millions of them). */
void json_u64(FILE *out, uint64_t v);
/* The "tool" object every JSON output starts with: {"name": "vmcslint", "version": "..."}. */
void json_tool(FILE *out);

#endif /* REPORT_JSON_H */
