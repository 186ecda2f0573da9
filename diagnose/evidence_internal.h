/*
 * evidence_internal.h -- what the files of diagnose/ share about evidence.
 */
#ifndef DIAGNOSE_EVIDENCE_INTERNAL_H
#define DIAGNOSE_EVIDENCE_INTERNAL_H

#include "diagnose.h"

/* A new item (NULL when the list is full: counted as dropped). */
struct evidence_item *ev_add(struct evidence *ev, uint8_t kind, unsigned line);
/* Bits of a capability MSR the item proves (mask) and their values. */
void ev_msr(struct evidence_item *it, enum vmx_msr_id msr, uint64_t mask, uint64_t value);
/* A CPUID bit the item proves. */
void ev_cpuid(struct evidence_item *it, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
              unsigned bit, bool value);
void evidence_apply_item(const struct evidence_item *it, struct vmx_caps *caps);

/* The dump's evidence (existing fields; with host_too, the host's CR0, CR4 and EFER). */
void evidence_from_dump(const struct dump *d, bool host_too, struct evidence *ev);
/* Other lines of the log (cpuinfo's address sizes). */
void evidence_from_log(const struct dump *d, const struct dump_facts *f,
                       const struct processor *proc, struct evidence *ev);
/* The classes of checks (bit per enum check_class) an outcome the log reports shows passed. */
uint8_t outcome_passed(const struct dump_verdict *v);
/* What that outcome proves about the capabilities, and the item that takes out the findings
 * of those classes (last). */
void evidence_from_outcome(const struct dump *d, struct evidence *ev);

#endif /* DIAGNOSE_EVIDENCE_INTERNAL_H */
