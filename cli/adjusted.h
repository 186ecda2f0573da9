/*
 * adjusted.h -- what `check`, `matrix` and `probe` say about a configuration given as a
 * hypervisor writes it (adjust/adjust.h): the value each adjusted field was judged with, the
 * refusal of a hypervisor whose required controls a processor lacks, and what unknown
 * capabilities leave undecided -- as text, JSON and SARIF.
 */
#ifndef CLI_ADJUSTED_H
#define CLI_ADJUSTED_H

#include <stdbool.h>
#include <stdio.h>

#include "adjust.h"
#include "config.h"

/* One configuration adjusted to one processor. */
struct adjusted {
	const char *path;
	const struct vmcs_config *cfg;
	const struct adjust_result *r;
	const char *caps_name;
};

/*
 * Text: a note per adjusted field ("CPU_BASED_VM_EXEC_CONTROL adjusted for CAPS: wanted ...,
 * judged 0x..."), per field left unwritten and per undecided adjustment, and an error per
 * required control the processor lacks, each at its line in the configuration.
 */
void adjusted_text(FILE *out, const struct adjusted *a);
/* When adjust_settle() settled the prediction: why, in words (else an empty string). */
void adjusted_settled_text(char *buf, size_t n, const struct adjusted *a);
/* The capability bits adjust_settle() tried, in words ("IA32_VMX_PROCBASED_CTLS3 bit 4 ..."). */
void adjusted_settled_bits(char *buf, size_t n, const struct adjust_settled *s);
/* The prediction line of a refusal: "FILE: prediction: refused: ..." (false when not refused). */
bool adjusted_text_prediction(FILE *out, const struct adjusted *a);
/* Why the adjustment leaves the entry undecided, in words ("" when it does not). */
void adjusted_undecided_reason(char *buf, size_t n, const struct adjusted *a);

/* JSON: `, "adjusted": [...]` of a result (nothing when nothing is adjusted). */
void adjusted_json(FILE *out, const struct adjusted *a);
/* The prediction of a refusal, {"outcome": "refused", "check": "HV-REFUSED"}; false if none. */
bool adjusted_json_prediction(FILE *out, const struct adjusted *a);
/* The refusals as diagnostics of a result's "diagnostics" array (*shown counts them). */
void adjusted_json_diagnostics(FILE *out, const struct adjusted *a, size_t *shown);

/* SARIF: the rules HV-REFUSED, HV-ADJUSTED and HV-UNDECIDED (after the checker's). */
void adjusted_sarif_rules(FILE *out);
/* `vmcslint explain HV-REFUSED` (and the other two ids); false for any other id. */
bool adjusted_explain(FILE *out, const char *id, bool json);
/* Their results for one configuration; rule_base is the index of HV-REFUSED. */
void adjusted_sarif_results(FILE *out, const struct adjusted *a, bool *first, unsigned rule_base);

/*
 * `matrix`: a refused processor's row, text or JSON (first: no row printed yet); false when
 * the configuration is not refused there (nothing printed).
 */
bool adjusted_matrix_refused(FILE *out, const struct adjusted *a, bool json, bool first,
                             const char *kind, const char *confidence, const char *tag);
/* The adjusted values judged on a processor: a line "    adjusted: ..." or `, "adjusted": {..}`. */
void adjusted_matrix_values(FILE *out, const struct adjusted *a, bool json);
/* The summary's refused count (only for configurations given as hypervisors write them). */
void adjusted_matrix_summary(FILE *out, bool json, bool any, size_t refused);

#endif /* CLI_ADJUSTED_H */
