/*
 * batch.h -- the codec of cases into the batch the vmx-probe image reads (the layout is
 * vmx-probe/protocol.h, shared with the image).
 */
#ifndef PROBE_BATCH_H
#define PROBE_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

/* The VMX-preemption timer value bounding guests when the options name none. */
#define PROBE_DEFAULT_TIMER 0x100000u

/*
 * The batch blob of cases [first, first + n), case ids = their indices.  Returns a malloc'ed
 * buffer (*len bytes) or NULL.
 */
uint8_t *probe_encode_batch(const struct probe_case *cases, size_t first, size_t n,
                            const struct probe_options *opt, size_t *len);

/* Whether a case's guest may be left waiting for a SIPI (vmx-probe/smp.h): its batch then
 * asks for the watchdog processor. */
bool probe_case_may_wait_for_sipi(const struct probe_case *c);

#endif /* PROBE_BATCH_H */
