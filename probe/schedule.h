/*
 * schedule.h -- the order in which a probe run boots its cases (schedule.c).
 */
#ifndef PROBE_SCHEDULE_H
#define PROBE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"

/*
 * Whether the cases whose guest may wait for a SIPI should run in boots of their own: under
 * Bochs, when the others would pay more for the second processor than a boot costs.  A
 * small batch stays in one boot.
 */
bool probe_watchdog_boots_apart(const struct probe_case *cases, size_t n,
                                const struct probe_options *opt);

/*
 * The order of the cases (malloc'ed, NULL when out of memory): those that need no watchdog
 * first, then the others, each in their order; *split is the index of the first other.
 */
size_t *probe_watchdog_last(const struct probe_case *cases, size_t n, size_t *split);

/* results[i] belongs to case order[i]: moves each to its place (order becomes the identity). */
bool probe_unpermute(struct probe_result *results, size_t *order, size_t n);

#endif /* PROBE_SCHEDULE_H */
