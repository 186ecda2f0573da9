/*
 * checked.h -- one configuration loaded and checked, and its output as text, JSON or SARIF.
 * Shared by `check`, `matrix` and later `probe` and `diagnose`.
 */
#ifndef CLI_CHECKED_H
#define CLI_CHECKED_H

#include <stdio.h>

#include "config.h"
#include "vmcslint.h"

struct checked {
	const char *path;
	struct vmcs_config cfg;
	struct load_diags diags; /* loader errors and warnings */
	bool loaded;             /* no loader error */
	char caps_name[VMX_CAPS_NAME_MAX + 16];
	struct vmx_caps caps;        /* what the check used */
	struct check_report *report; /* heap; NULL when not loaded */
};

/*
 * Loads path and checks it with caps_override (NULL: the file's caps, else the built-in
 * default).  Returns false when the file could not be loaded (diags say why) or the caps could
 * not be found (err).  Release with checked_release().
 */
bool checked_run(struct checked *c, const char *path, const char *caps_override, char *err,
                 size_t errlen);
void checked_release(struct checked *c);

/* Prints loader diagnostics as FILE:LINE:COL: error|warning: message. */
void print_load_diags(FILE *out, const struct load_diags *d, const char *fallback_file);

/* Where a finding points in the configuration. */
struct src_pos finding_pos(const struct checked *c, const struct check_finding *f);

/* The prediction in words, e.g. "VM-entry failure, exit reason 33, qualification 0". */
void outcome_text(char *buf, size_t n, const struct check_outcome *o);

/* "error", "warning" (a failing VMWRITE, an implementation-specific check) or "note". */
const char *finding_severity(const struct check_finding *f);
/* A failing (or possibly failing) VMWRITE: where its field is written, and what happens. */
struct src_pos vmwrite_pos(const struct checked *c, const struct check_vmwrite *w);
void vmwrite_message(char *buf, size_t n, const struct check_vmwrite *w);
/* How many VMWRITEs of the report fail for sure. */
size_t vmwrite_failures(const struct check_report *r);

/*
 * The values taken from another processor's dump (a capsdb entry's msr-inferred MSRs and
 * inferred CPUID leaves) that the prediction rests on (check_report.depends), into buf as
 * "IA32_VMX_TRUE_PROCBASED_CTLS, CPUID 0xd.1"; false (buf empty) when it rests on none.
 */
bool inferred_text(char *buf, size_t n, const struct vmx_caps *caps, const struct check_report *r);
/* The same as `, "inferred_values": [...]` in JSON, nothing when none. */
void report_json_inferred(FILE *out, const struct vmx_caps *caps, const struct check_report *r);

void report_text(FILE *out, const struct checked *c);
/* One element of "results" (see README "JSON output"). */
void report_json_result(FILE *out, const struct checked *c);
void report_json_outcome(FILE *out, const struct check_outcome *o, const char *check_id);
void report_sarif(FILE *out, struct checked *runs, size_t n);

#endif /* CLI_CHECKED_H */
