/*
 * config.h -- a VMCS configuration (format version 1, schema/README.md) loaded from YAML, and
 * capsdb entries and inline capabilities.  Hosted: allocates, reads files.  Every error and
 * warning carries the file, line and column it is about.
 */
#ifndef SCHEMA_CONFIG_H
#define SCHEMA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "adjust.h"
#include "vmcslint.h"

struct src_pos {
	const char *file; /* owned by the config's file list; NULL when no position */
	unsigned line, col;
};

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct load_diag {
	enum diag_level level;
	struct src_pos pos;
	char msg[320];
};

#define LOAD_MAX_DIAGS 64

struct load_diags {
	struct load_diag d[LOAD_MAX_DIAGS];
	size_t n;
	size_t n_errors;
	size_t dropped; /* diagnostics past LOAD_MAX_DIAGS */
};

/* Limits against hostile input. */
#define CONFIG_MAX_EXTENDS_DEPTH 16
#define CONFIG_MAX_MSR_LOAD      4096

/*
 * Resolves a capsdb entry name to capabilities; returns false (and fills err text) when the
 * name is unknown.  Supplied by the caller (the CLI knows where the capsdb lives).
 */
typedef bool (*caps_resolver)(const char *name, struct vmx_caps *out, char *err, size_t errlen,
                              void *ctx);

/* The keys of `entry:`, in the order of config.c's entry_keys[]. */
enum config_entry_key {
	CONFIG_ENTRY_INSTRUCTION,
	CONFIG_ENTRY_LAUNCH_STATE,
	CONFIG_ENTRY_MOV_SS_BLOCKING,
	CONFIG_ENTRY_PROCESSOR_MODE,
	CONFIG_ENTRY__COUNT
};

struct vmcs_config {
	char *path;   /* the file given */
	char **files; /* every file read (path, then what it extends) */
	size_t n_files;
	struct vmcs_state vmcs;                        /* every field known; unwritten fields 0 */
	struct src_pos field_pos[VMCS_FIELD_CAPACITY]; /* key of each written field */
	struct src_pos vmcs_pos;                       /* the `vmcs:` key */
	struct vmentry_env env;
	struct vmx_msr_entry *msr_load;
	struct src_pos *msr_load_pos;
	struct src_pos pdptes_pos, link_pos;
	struct src_pos entry_pos[CONFIG_ENTRY__COUNT]; /* the keys of `entry:` given */
	/*
	 * Control fields given as the bits a hypervisor wants and CR fields with `fixed: apply`
	 * (schema/README.md): adjust_apply() makes them values for one processor.  vmcs holds
	 * the wanted bits ORed (with the activate bits they imply) and the CR values given.
	 */
	struct adjust_wants wants;
	struct src_pos want_pos[VMX_CTL__COUNT][64]; /* where each wanted bit is named */
	bool has_caps;                               /* the file names or gives capabilities */
	char caps_name[VMX_CAPS_NAME_MAX];           /* capsdb entry named, or "inline" */
	struct src_pos caps_pos;
	struct vmx_caps caps; /* resolved capabilities when has_caps */
};

/*
 * Loads path (and what it extends) into cfg.  Returns true when no error was found; errors and
 * warnings are appended to diags either way.  resolve may be NULL when no named caps are used.
 * cfg must be released with config_release() whatever the result.
 */
/*
 * Whether a caps: value (or a --caps argument) names a file rather than a capsdb entry: it
 * has a '/' or ends in ".yaml".
 */
bool caps_name_is_path(const char *s);
/*
 * rel as seen from the folder of file (rel itself when absolute): what `extends:` and a caps:
 * file name mean.  Heap string; abort()s on memory exhaustion.
 */
char *path_beside(const char *file, const char *rel);

bool config_load(const char *path, struct vmcs_config *cfg, struct load_diags *diags,
                 caps_resolver resolve, void *resolve_ctx);
void config_release(struct vmcs_config *cfg);

/* Metadata of a capsdb entry (what `caps list/show` print). */
/* An item of a capsdb entry's cpuid-sources: a dump of this processor, or of a sibling. */
struct caps_cpuid_source {
	char *link, *description;
	char *inferred_from, *reason; /* both NULL unless the item is an inference */
};
/*
 * An item of a capsdb entry's msr-inferred: MSR values no dump of this processor gives, taken
 * from the dump of another processor of the same family/model (capsdb/FORMAT.md).
 */
struct caps_msr_inferred {
	uint32_t msrs; /* bit i: enum vmx_msr_id i */
	char *inferred_from, *link, *reason;
};
#define CAPS_MAX_CPUID_SOURCES 32
#define CAPS_MAX_LINKS         32
#define CAPS_MAX_MSR_INFERRED  8

struct caps_meta {
	char *name, *kind, *vendor, *codename, *brand, *completeness, *confidence;
	char *source_kind, *source_desc;
	char **links;
	size_t n_links;
	/* msr-sources: bit i of msr_links[m] is set when source.links[i] gave MSR m's value */
	uint32_t msr_links[VMX_MSR__COUNT];
	bool has_msr_sources;
	struct caps_msr_inferred *msr_inferred;
	size_t n_msr_inferred;
	struct caps_cpuid_source *cpuid_sources;
	size_t n_cpuid_sources;
	char **conflicts;
	size_t n_conflicts;
	char **notes;
	size_t n_notes;
	int family, model, stepping; /* -1 when not given */
};

/*
 * Loads a capsdb entry file (capsdb/FORMAT.md).  meta may be NULL.  Returns true on success;
 * errors go to diags.  meta must be released with caps_meta_release() when given.
 */
bool caps_load_file(const char *path, struct vmx_caps *caps, struct caps_meta *meta,
                    struct load_diags *diags);
/* The same from text in memory; name is used in messages. */
bool caps_load_text(const char *name, const char *text, size_t len, struct vmx_caps *caps,
                    struct caps_meta *meta, struct load_diags *diags);
void caps_meta_release(struct caps_meta *meta);

/* Appends a diagnostic. */
void load_diag_add(struct load_diags *d, enum diag_level level, const char *file, unsigned line,
                   unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif /* SCHEMA_CONFIG_H */
