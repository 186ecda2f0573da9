/*
 * diagnose.h -- judging a VMCS dump against the processor it ran on (`vmcslint diagnose`).
 *
 * A dump is judged with the capabilities of that processor, never an emulator's: those of the
 * capsdb entry --caps names, else of the capsdb entry the log's boot lines identify (when the
 * log does not show the kernel running under a hypervisor), else of an unknown processor, whose
 * capabilities start all unknown.  Evidence in the log then decides what it can:
 *
 *   the dump:    a field KVM or Xen prints with a value other than 0 exists (a failed VMREAD
 *                prints 0); the bits HOST_CR0/HOST_CR4 set are allowed and the features
 *                HOST_IA32_EFER uses exist (the host runs with them);
 *   the log:     cpuinfo's "57 bits virtual" (5-level paging);
 *   the outcome: a VM-entry failure with exit reason 33 (34) means every instruction,
 *                control-field and host-state check (and guest-state check) passed on that
 *                processor, so the controls the dump sets were allowed and the ones it clears
 *                may be 0; a guest that ran passed every check.
 *
 * Each piece of evidence is kept with the line it comes from and the checks it decided.  The
 * diagnosis is the checker's prediction on what the outcome leaves: vmcsl_predict() with the
 * classes the log shows passed assumed passed.
 */
#ifndef DIAGNOSE_DIAGNOSE_H
#define DIAGNOSE_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dump.h"
#include "vmcslint.h"

/* ---- the processor a dump is judged with ---- */

enum caps_source {
	CAPS_SRC_OPTION,       /* --caps */
	CAPS_SRC_SIGNATURE,    /* a capsdb entry of the signature the log shows */
	CAPS_SRC_FAMILY_MODEL, /* ... of the same family and model, another stepping */
	CAPS_SRC_UNKNOWN,      /* no capsdb entry: evidence only */
};

/* What a capsdb lookup by signature found (diagnose/capsdb_match.c). */
struct caps_match {
	char name[VMX_CAPS_NAME_MAX];
	char brand[80];
	int stepping;
	bool exact;      /* the same stepping */
	bool same_brand; /* the entry's brand string is the log's */
	size_t n_same;   /* entries of that signature (or family/model) it was chosen among */
	struct vmx_caps caps;
};

/* Finds the capsdb entry for a signature; false when none has that family and model. */
typedef bool (*caps_matcher)(void *ctx, const struct dump_cpu_id *id, struct caps_match *out);

struct processor {
	uint8_t source;               /* enum caps_source */
	char name[VMX_CAPS_NAME_MAX]; /* the capsdb entry, "" for an unknown processor */
	struct vmx_caps caps;         /* its capabilities (all unknown for an unknown one) */
	bool have_id;                 /* id: the identification used (or ignored, see why) */
	struct dump_cpu_id id;
	bool under_hv; /* hv: the line that shows a hypervisor */
	struct dump_hv hv;
	char why[400]; /* in words: which processor and why */
};

/*
 * Chooses the processor for dump d: --caps (option_caps, named option_name) when given, else
 * the log's identification (facts; the nearest one before the dump when the log names several)
 * unless the log shows a hypervisor, else an unknown processor.
 */
void processor_choose(const struct dump *d, const struct dump_facts *facts,
                      const struct vmx_caps *option_caps, const char *option_name,
                      caps_matcher match, void *match_ctx, struct processor *out);
const char *caps_source_name(unsigned source); /* "option", "log-signature", ... */

/* ---- evidence ---- */

enum evidence_kind {
	EV_DUMP,    /* what the dump shows */
	EV_LOG,     /* other lines of the log */
	EV_OUTCOME, /* what the outcome the log reports implies */
	EV_ARCH,    /* what every processor that supports VMX has */
};

#define EV_MAX_ITEMS   48
#define EV_MAX_DECIDED 24

struct ev_msr {
	uint8_t msr; /* enum vmx_msr_id */
	uint64_t mask, value;
};

struct ev_cpuid {
	uint32_t leaf, subleaf;
	uint8_t reg, bit, value;
};

struct evidence_item {
	uint8_t kind; /* enum evidence_kind */
	unsigned line;
	char text[320];
	size_t n_msr, n_cpuid;
	struct ev_msr msr[6];
	struct ev_cpuid cpuid[3];
	uint8_t passed; /* classes (bit per enum check_class) the outcome shows passed */
	/* The checks it decided (that the capabilities and the items before it left undecided). */
	size_t n_decided;
	uint16_t decided[EV_MAX_DECIDED];
};

struct evidence {
	size_t n, dropped;
	struct evidence_item item[EV_MAX_ITEMS];
	uint8_t passed; /* classes the outcome shows passed (union of the items') */
};

/* Applies the capability knowledge of items [0, n) of kinds in kinds (bit per kind). */
void evidence_apply(const struct evidence *ev, unsigned kinds, struct vmx_caps *caps);

/* ---- the diagnosis ---- */

enum diag_severity {
	SEV_ERROR,        /* fails on this processor */
	SEV_WARNING,      /* fails only with the capsdb entry's capabilities (assumed) */
	SEV_CONTRADICTED, /* fails with the entry's capabilities, but the log shows it passed */
	SEV_NOTE,         /* cannot be decided */
	SEV_PASSED,       /* cannot be decided from the dump; the log's outcome shows it passed */
};

/* What decided a finding. */
enum diag_decider { DEC_NONE, DEC_DUMP, DEC_EVIDENCE, DEC_CAPS };

struct diag_finding {
	uint8_t severity; /* enum diag_severity */
	uint8_t decider;  /* enum diag_decider */
	int16_t evidence; /* DEC_EVIDENCE: the item, else -1 */
	bool explains;    /* its outcome is the one the log reports */
};

struct diagnosis {
	struct processor proc;
	struct evidence ev;
	struct vmcs_state vmcs;                    /* the dump's fields, none taken as written */
	struct check_report pred;                  /* the dump alone (and the dump's evidence) */
	struct check_report rep;                   /* with the outcome's evidence */
	struct diag_finding f[CHECK_MAX_FINDINGS]; /* of rep.findings */
	struct check_outcome outcome;              /* the diagnosis */
	int rule;                                  /* its deciding rule, or -1 */
	int agree;                /* 1 yes, 0 no, -1 cannot tell / nothing to compare */
	bool unexplained;         /* the log reports a failure no decided check explains */
	size_t passed_by_outcome; /* undecided findings the outcome shows passed */
	size_t n_errors, n_warnings, n_contradicted;
	size_t n_cand;
	uint16_t cand[CHECK_MAX_FINDINGS];
	char why[480];
};

/* Diagnoses dump d with processor proc and the log's facts; d stays the caller's. */
void diagnose_dump(const struct dump *d, const struct dump_facts *facts,
                   const struct processor *proc, struct diagnosis *out);

/* Whether a checker outcome is the one the log reports. */
bool outcome_matches_verdict(const struct check_outcome *o, const struct dump_verdict *v);
/*
 * The rules whose failure gives the outcome v reports, in table order: their number, the first
 * cap of them in out.  What a log that reports an outcome without its dump narrows down to.
 */
size_t verdict_rules(const struct dump_verdict *v, uint16_t *out, size_t cap);
/* The log's verdict as a checker outcome (OUTCOME_UNDECIDED when it is none). */
void verdict_outcome(const struct dump_verdict *v, struct check_outcome *o);

#endif /* DIAGNOSE_DIAGNOSE_H */
