/*
 * results.h -- reading what the vmx-probe image printed: the framed lines (frames.c) and
 * their payloads as case results and harvested capabilities (results.c).
 */
#ifndef PROBE_RESULTS_H
#define PROBE_RESULTS_H

#include <stddef.h>

#include "probe.h"

/*
 * Parses an emulator's output: framed lines (escape sequences and other noise ignored; a
 * line whose check fails counts in run->bad_lines).  Fills results for the case ids seen
 * (ids are indices into cases/results, n of them; results start zeroed) and run's harvested
 * capabilities (run starts zeroed, caps.name set by the caller).  Returns
 * a PROBE_ERR_* the output shows (NOVMX, BATCH, BOOT when no BEGIN) or PROBE_OK; *last_begun
 * (may be NULL) gets the index of the last case with any line, or -1.
 */
int probe_parse_output(const char *out, size_t len, const struct probe_case *cases, size_t n,
                       struct probe_result *results, struct probe_run *run, long *last_begun);

/* Calls fn for each valid framed payload in out; returns the number of valid lines. */
size_t probe_lines(const char *out, size_t len,
                   void (*fn)(const char *payload, size_t n, void *ctx), void *ctx, size_t *bad);

/*
 * The result of case c before any line of it is read: the case's VMCS as launched (unwritten
 * fields 0, every value known), its state as the image uses it, the outcome undecided.
 */
void probe_result_init(struct probe_result *r, const struct probe_case *c);

#endif /* PROBE_RESULTS_H */
