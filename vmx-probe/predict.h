/*
 * predict.h -- the checker core in ring 0 (predict.c): the state of one case, gathered as the
 * image prepares it, and the core's prediction on it before VMLAUNCH (the P report line).
 */
#ifndef VMXP_PREDICT_H
#define VMXP_PREDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "vmcslint.h"

/* The capabilities as read at boot: MSRs 480H.. (msr_ok false: #GP), the leaves of
 * capsdb/cpuid_leaves.def (cpuid_ok false: beyond the maximum leaf or sub-leaf). */
void predict_caps(const uint64_t *msr, const bool *msr_ok, const uint32_t (*cpuid)[4],
                  const bool *cpuid_ok);

/* A new case: every field known and 0 (a fresh VMCS), the instruction from the case flags. */
void predict_begin(uint32_t case_flags);
/* A field the case (or the image, for its own needs) writes, with the case's value. */
void predict_written(uint32_t enc, uint64_t case_value);
/* A field's VMREAD: its value, or unknown when the VMREAD failed. */
void predict_read(uint32_t enc, bool ok, uint64_t value);
/* The memory VM entry reads: the MSR-load entries, the PDPTEs, the link pointer's target. */
void predict_msr_load(const struct vmxp_msr *e, uint32_t n);
void predict_pdptes(const uint64_t pdpte[4]);
void predict_link(bool is_vmcs, uint32_t word);

/* The core's fast pass on the gathered state: the prediction (valid until the next call). */
const struct vmcsl_prediction *predict_run(void);

#endif /* VMXP_PREDICT_H */
