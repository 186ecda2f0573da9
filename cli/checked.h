/*
 * checked.h -- one configuration loaded and checked, and its output as text, JSON or SARIF.
 * Shared by `check`, `matrix` and later `probe` and `diagnose`.
 */
#ifndef CLI_CHECKED_H
#define CLI_CHECKED_H

#include <stdio.h>

#include "adjusted.h"
#include "config.h"
#include "outcome_text.h"
#include "vmcslint.h"

struct checked {
	const char *path;
	struct vmcs_config cfg;
	struct load_diags diags; /* loader errors and warnings */
	bool loaded;             /* no loader error */
	char caps_name[VMX_CAPS_NAME_MAX + 16];
	struct vmx_caps caps; /* what the check used */
	/*
	 * The VMCS judged: the configuration's, with the fields given as a hypervisor writes them
	 * adjusted to caps (adjust/adjust.h); adjust says how.
	 */
	struct vmcs_state judged;
	struct adjust_result adjust;
	/*
	 * The caller's buffer (checked_run()); NULL when not loaded.  When the hypervisor refuses
	 * to run on caps nothing is checked and the prediction is undecided (checked_refused() says
	 * why); when it may refuse, a prediction of success is undecided too.
	 */
	struct check_report *report;
};

/*
 * Loads path and checks it with caps_override (NULL: the file's caps, else the built-in
 * default) into report, the caller's: one buffer serves a whole run of files, each released
 * before the next is checked (c->report points to it once the file is checked).  Returns false
 * when the file could not be loaded (diags say why) or the caps could not be found (err).
 * Release with checked_release().
 */
/*
 * When the adjusted controls left the prediction undecided: adjust_settle() over the
 * configuration, and its prediction into rep when every setting of the unknown capability bits
 * gives the same one (the findings stay those of the undecided run).
 */
void settle(const struct vmcs_config *cfg, const struct vmx_caps *caps, struct adjust_result *adj,
            struct check_report *rep);

bool checked_run(struct checked *c, struct check_report *report, const char *path,
                 const char *caps_override, char *err, size_t errlen);
void checked_release(struct checked *c);

/* Adds an error without a position (a capsdb entry that cannot be found, say). */
void load_diags_add_error(struct load_diags *d, const char *msg);
/* Whether the hypervisor the configuration describes refuses to run on the processor. */
bool checked_refused(const struct checked *c);
/* The adjustment's view of a run (for the functions of adjusted.h). */
struct adjusted checked_adjusted(const struct checked *c);

/* Prints loader diagnostics as FILE:LINE:COL: error|warning: message. */
void print_load_diags(FILE *out, const struct load_diags *d, const char *fallback_file);

/* Where a finding points in the configuration. */
struct src_pos finding_pos(const struct checked *c, const struct check_finding *f);

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
/* GitHub Actions workflow commands: an annotation per finding and loader diagnostic. */
void report_github(FILE *out, const struct checked *c);
void github_annotation(FILE *out, const char *level, struct src_pos p, const char *title,
                       const char *message);
/* One element of "results" (see README "JSON output"). */
void report_json_result(FILE *out, const struct checked *c);
void report_json_outcome(FILE *out, const struct check_outcome *o, const char *check_id);
/*
 * One finding in JSON, the form check and diagnose share: open writes {"check", "severity";
 * details the outcome, SDM section, fields, message and hint; close the position and "}".
 * A caller adds its own keys between them.
 */
void json_finding_open(FILE *out, const struct check_finding *f, const char *severity);
void json_finding_details(FILE *out, const struct check_finding *f);
void json_finding_close(FILE *out, unsigned line, unsigned col);
/*
 * SARIF, one file at a time: begin, then each checked (or unloadable) file, then end.  Load
 * errors and warnings are results of the LOAD rule and tool execution notifications.
 */
struct sarif_stream {
	bool first;  /* no result written yet */
	bool failed; /* a file could not be checked */
	/*
	 * The notifications so far (JSON), written by end after the results: in a temporary
	 * file, so that memory does not grow with the files that warn (in memory, notes, only
	 * when no temporary file can be made).
	 */
	FILE *notes_out;
	char *notes;
	size_t notes_len;
};
void report_sarif_begin(FILE *out, struct sarif_stream *s);
void report_sarif_file(FILE *out, struct sarif_stream *s, const struct checked *c);
void report_sarif_end(FILE *out, struct sarif_stream *s);
/* One SARIF result: a message at a place in a configuration (*first: none written yet). */
void sarif_result_json(FILE *out, bool *first, unsigned rule_index, const char *rule_id,
                       const char *level, const char *msg, struct src_pos p);

#endif /* CLI_CHECKED_H */
