/*
 * probe_judge.h -- a probe observation compared with the checker's prediction for exactly
 * the VMCS the probe launched (its VMREAD-back values).
 */
#ifndef CLI_PROBE_JUDGE_H
#define CLI_PROBE_JUDGE_H

#include "probe_run.h"

enum probe_agreement {
	PROBE_AGREE,        /* the processor did what the checker predicted */
	PROBE_DISAGREE,     /* it did something else */
	PROBE_NOT_COMPARED, /* the case did not run to the end, or the prediction is undecided */
};

struct probe_verdict {
	enum probe_agreement agreement;
	char reason[200]; /* why not compared, or how they differ */
};

/*
 * Runs the checker on r->readback with caps and r->env into rep (caller-allocated) and
 * compares.  A VMWRITE the processor refused (error 12) agrees with a VMWRITE-FIELD-EXISTS
 * prediction; otherwise outcomes must match: kind, VM-instruction error (either of the SDM's
 * alternatives), exit reason and qualification (unless other failing checks may give another).
 */
struct probe_verdict probe_judge(const struct probe_result *r, const struct vmx_caps *caps,
                                 struct check_report *rep);

const char *probe_status_name(unsigned status);

#endif /* CLI_PROBE_JUDGE_H */
