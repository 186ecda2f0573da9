/*
 * internal.h -- helpers shared by the configuration and capsdb loaders.
 */
#ifndef SCHEMA_INTERNAL_H
#define SCHEMA_INTERNAL_H

#include <stdint.h>

#include "config.h"
#include "ytree.h"

/* Diagnostic at a node's position. */
#define NODE_ERR(diags, file, node, ...)                                                           \
	load_diag_add((diags), DIAG_ERROR, (file), (node) ? (node)->line : 0,                      \
	              (node) ? (node)->col : 0, __VA_ARGS__)
#define NODE_WARN(diags, file, node, ...)                                                          \
	load_diag_add((diags), DIAG_WARNING, (file), (node) ? (node)->line : 0,                    \
	              (node) ? (node)->col : 0, __VA_ARGS__)

/*
 * An unsigned integer from a plain scalar: decimal, 0x, 0o or 0b.  On failure returns false
 * and reports why at the node (what names the value in the message).
 */
bool yparse_u64(const struct ynode *n, uint64_t *out, const char *what, const char *file,
                struct load_diags *diags);
/*
 * As yparse_u64, and a negative integer -N (N <= 2^63) is the two's complement of N, as a
 * 64-bit VMWRITE operand holds it (*negative set); negative may not be NULL.
 */
bool yparse_operand(const struct ynode *n, uint64_t *out, bool *negative, const char *what,
                    const char *file, struct load_diags *diags);
/* The same on a string, no diagnostics. */
bool parse_u64_text(const char *s, uint64_t *out);
/* A YAML 1.1 boolean (true/false/yes/no/on/off) from a plain scalar. */
bool yparse_bool(const struct ynode *n, bool *out, const char *what, const char *file,
                 struct load_diags *diags);
/* A string from a scalar node. */
bool yparse_str(const struct ynode *n, const char **out, const char *what, const char *file,
                struct load_diags *diags);
/* Requires a mapping; reports otherwise. */
bool yrequire_map(const struct ynode *n, const char *what, const char *file,
                  struct load_diags *diags);
/*
 * Reports an unknown key among the allowed ones (NULL-terminated), with a suggestion when one
 * is close.
 */
void yunknown_key(const struct ynode *key, const char *const allowed[], const char *where,
                  const char *file, struct load_diags *diags);
/* Whether a mapping's key is among allowed; reports it otherwise.  Also reports duplicates. */
bool ycheck_keys(const struct ynode *map, const char *const allowed[], const char *where,
                 const char *file, struct load_diags *diags);

/*
 * Inline capabilities (shared by capsdb entries and a configuration's `caps:` mapping):
 * the `msrs`-style mapping (MSR name or "0x480" -> integer | absent | unknown) and the `cpuid`
 * mapping ("0xLEAF" or "0xLEAF.SUBLEAF" -> {eax, ebx, ecx, edx, eax-unknown .. edx-unknown,
 * src}).
 */
bool caps_parse_msr_value(const struct ynode *key, const struct ynode *val, struct vmx_caps *caps,
                          const char *file, struct load_diags *diags);
/* meta: the capsdb entry's cpuid-sources, which `src:` keys refer to; NULL for inline caps. */
bool caps_parse_cpuid(const struct ynode *map, struct vmx_caps *caps, const struct caps_meta *meta,
                      const char *file, struct load_diags *diags);
bool caps_parse_maxphyaddr(const struct ynode *val, struct vmx_caps *caps, const char *file,
                           struct load_diags *diags);

#endif /* SCHEMA_INTERNAL_H */
