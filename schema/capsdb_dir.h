/*
 * capsdb_dir.h -- where capsdb entries are found (the CLI, the tests, the fuzz targets): the
 * built-in default (compiled in), a path, or a name in the capsdb directory.
 */
#ifndef SCHEMA_CAPSDB_DIR_H
#define SCHEMA_CAPSDB_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The entry used when neither --caps nor the configuration names one. */
#define CAPSDB_DEFAULT_NAME "bochs-corei7_skylake_x"

/* Sets the directory named by --capsdb (NULL: the default search). */
void capsdb_set_dir(const char *dir);
/*
 * The capsdb directory: --capsdb, $VMCSLINT_CAPSDB, ../capsdb/cpus beside the binary (source
 * tree), ../share/vmcslint/capsdb beside the binary (installed), VMCSLINT_DATADIR.  NULL when
 * none exists.
 */
const char *capsdb_dir(void);

/*
 * Loads an entry by name or path into caps (meta may be NULL; release it with
 * caps_meta_release()).  On failure writes the reason to err.  Diagnostics of a malformed
 * entry go to diags when given.
 */
bool capsdb_load(const char *name_or_path, struct vmx_caps *caps, struct caps_meta *meta, char *err,
                 size_t errlen, struct load_diags *diags);

/* caps_resolver for config_load(). */
bool capsdb_resolver(const char *name, struct vmx_caps *out, char *err, size_t errlen, void *ctx);

/* Sorted names of the entries in the capsdb directory (and the built-in default); free with
 * capsdb_names_free(). */
char **capsdb_names(size_t *n);
void capsdb_names_free(char **names, size_t n);

#endif /* SCHEMA_CAPSDB_DIR_H */
