/*
 * judge.h -- a probe observation compared with the checker's prediction for exactly
 * the VMCS the probe launched (its VMREAD-back values).
 */
#ifndef PROBE_JUDGE_H
#define PROBE_JUDGE_H

#include "probe.h"

enum probe_agreement {
	PROBE_AGREE,        /* the processor did what the checker predicted */
	PROBE_DISAGREE,     /* it did something else */
	PROBE_NOT_COMPARED, /* the case did not run to the end, or the prediction is undecided */
};

struct probe_verdict {
	enum probe_agreement agreement;
	bool vmwrite_mismatch; /* PROBE_DISAGREE about the failing VMWRITEs, not the entry */
	char reason[480];      /* why not compared, or how they differ */
};

/*
 * Runs the checker on r->readback with caps and r->env into rep (caller-allocated) and
 * compares both things the processor did: the VMWRITEs that failed must be exactly those the
 * checker says fail (error 12; one it cannot decide may go either way), and the VM entry's
 * outcome must match: kind, VM-instruction error, exit reason and qualification.  An any-of
 * prediction (error 7 or 8, a varying qualification, a processor-dependent outcome) agrees
 * only with one of its members.
 */
struct probe_verdict probe_judge(const struct probe_result *r, const struct vmx_caps *caps,
                                 struct check_report *rep);

/*
 * Whether the processor's outcome o is the predicted outcome p: the same kind, VM-instruction
 * error, exit reason and qualification; an any-of prediction (error 7 or 8, a varying
 * qualification, a processor-dependent outcome) only with one of its members.
 */
bool probe_outcome_matches(const struct check_outcome *p, const struct check_outcome *o);

/*
 * Whether the prediction the image made in ring 0 (r->ring0_*) is rep's (the host's, from
 * probe_judge()) member for member, deciding check included; otherwise why into why.  False
 * with "no ring-0 prediction" when the image printed none.
 */
bool probe_ring0_agrees(const struct probe_result *r, const struct check_report *rep, char *why,
                        size_t n);

#endif /* PROBE_JUDGE_H */
