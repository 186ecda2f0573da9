/*
 * vmcsl_host.h -- vmcslint's host library, as a C program links it: a VMCS configuration
 * (YAML) checked against a processor of the capability database, with the prediction and the
 * findings `vmcslint check` prints.  Every name here starts with vmcsl_ or VMCSL_, and so does
 * every global symbol of the installed libvmcslint-host.a (the rest is local to it), so it
 * links beside a hypervisor's or a kernel's own headers.
 *
 *     pkg-config --cflags --libs vmcslint-host      (static: libyaml and libcpuid follow)
 *
 * examples/c/lint.c is a complete program; `make test` builds it against the installed library.
 */
#ifndef VMCSL_HOST_H
#define VMCSL_HOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMCSL_HOST_API_VERSION 1

/* What the processor reports for the VM entry (SDM Vol. 3C, chapter "VM Entries"). */
enum vmcsl_outcome {
	VMCSL_OUTCOME_SUCCESS,
	VMCSL_OUTCOME_VMFAIL_INVALID,
	VMCSL_OUTCOME_VMFAIL_VALID,  /* with vm_instruction_error */
	VMCSL_OUTCOME_ENTRY_FAILURE, /* exit reason 33 or 34 with its qualification */
	VMCSL_OUTCOME_UNDECIDED,     /* a check needs a value nobody gave */
	VMCSL_OUTCOME_PROCESSOR_DEPENDENT,
	VMCSL_OUTCOME_REFUSED,   /* the hypervisor the configuration describes refuses this CPU */
	VMCSL_OUTCOME_NOT_LOADED /* the configuration has errors: nothing was checked */
};

struct vmcsl_verdict {
	enum vmcsl_outcome outcome;
	unsigned vm_instruction_error;         /* VMCSL_OUTCOME_VMFAIL_VALID */
	unsigned exit_reason;                  /* VMCSL_OUTCOME_ENTRY_FAILURE: 33 or 34 */
	unsigned long long exit_qualification; /* VMCSL_OUTCOME_ENTRY_FAILURE */
	const char *check;                     /* the deciding check's id, or NULL */
	const char *caps;                      /* the processor (capsdb entry) it was judged on */
	const char *text;                 /* the verdict in words, as `vmcslint check` says it */
	size_t failed, undecided, passed; /* checks */
};

struct vmcsl_finding {
	const char *check;       /* e.g. "GUEST-CR0-FIXED0"; "CONFIG-LOAD" for a loader error */
	const char *severity;    /* "error", "warning" or "note" */
	const char *file;        /* where it points */
	unsigned line, column;   /* 0 when it points at no line */
	const char *message;     /* with the actual values */
	const char *hint;        /* how to fix it, "" when none */
	const char *sdm_section; /* e.g. "27.3.1.1", "" for a loader error */
	const char *sdm_title;
};

/* One configuration checked on one processor (opaque). */
struct vmcsl_lint;

/*
 * Where capsdb entries are looked up by name: dir, or (NULL) the default search (environment
 * variable VMCSLINT_CAPSDB, beside the program, the installed data directory).
 */
void vmcsl_set_capsdb_dir(const char *dir);

/*
 * Loads the YAML configuration at path and checks it on caps: a capsdb entry's name, a capsdb
 * file's path, or NULL for the configuration's own `caps:` key, else the built-in default
 * processor.  Returns NULL only when memory runs out; a configuration with errors gives a
 * result whose verdict is VMCSL_OUTCOME_NOT_LOADED and whose findings are the errors (file,
 * line and column).  Release with vmcsl_lint_free().
 */
struct vmcsl_lint *vmcsl_lint_file(const char *path, const char *caps);
void vmcsl_lint_free(struct vmcsl_lint *l);

/* The prediction; its strings live as long as l. */
void vmcsl_lint_verdict(const struct vmcsl_lint *l, struct vmcsl_verdict *out);

/*
 * The findings in the processor's order: loader errors and warnings first, then failing and
 * undecided checks.  vmcsl_lint_finding() returns 0 for i < vmcsl_lint_n_findings(), -1 past
 * the end; the strings live as long as l.
 */
size_t vmcsl_lint_n_findings(const struct vmcsl_lint *l);
int vmcsl_lint_finding(const struct vmcsl_lint *l, size_t i, struct vmcsl_finding *out);

/* "success", "vmfail_valid", ... as in vmcslint's JSON output. */
const char *vmcsl_outcome_name(enum vmcsl_outcome o);

#ifdef __cplusplus
}
#endif

#endif /* VMCSL_HOST_H */
