/*
 * fuzz.h -- the fuzz targets of vmcslint (fuzz/README.md) and what they share.
 *
 * Every target is a plain function fuzz_NAME_one(data, size) that never fails on any input and
 * abort()s when an invariant does not hold.  fuzz/fuzz_NAME.c also defines libFuzzer's
 * LLVMFuzzerTestOneInput() on top of it unless FUZZ_NO_ENTRY is defined: the replay driver
 * (fuzz/replay.c) and the Criterion replay test (tests/test_fuzz_replay.c) link all four
 * targets into one program and call the plain functions.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "vmcslint.h"

/* The source tree: examples/ and capsdb/cpus are found there (the Makefile sets it). */
#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

int fuzz_config_one(const uint8_t *data, size_t size);
int fuzz_capsdb_one(const uint8_t *data, size_t size);
int fuzz_checker_one(const uint8_t *data, size_t size);
int fuzz_dump_one(const uint8_t *data, size_t size);

/* The targets by name, for the replay driver and the replay test. */
struct fuzz_target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
};
extern const struct fuzz_target fuzz_targets[];
extern const size_t fuzz_n_targets;

/*
 * Runs check_run() twice on in and abort()s unless every checker invariant holds
 * (fuzz/README.md "Invariants"): the prediction is a defined outcome; it is success exactly
 * when no rule failed or was undecided; the deciding rule is the first failing rule of the
 * earliest class tier that has one (for an undecided prediction: an undecided rule of the
 * earliest tier that has one); the counts and the per-rule results agree with the findings;
 * every message is NUL-terminated in its buffer; both runs give the same report.
 * Returns the first report (valid until the next call).
 */
const struct check_report *fuzz_check(const struct check_input *in);

/* The built-in default capabilities (CAPSDB_DEFAULT_NAME), loaded once. */
const struct vmx_caps *fuzz_default_caps(void);

/* Whether buf[0..cap) holds a NUL (a C string that stays in its buffer). */
int fuzz_terminated(const char *buf, size_t cap);

/* abort()s unless the loader's diagnostics are within their array and NUL-terminated. */
void fuzz_check_diags(const struct load_diags *d);

/*
 * Names the input the replay drivers run next (NULL: none), so that an invariant violation or a
 * sanitizer report names it.  Not for libFuzzer, which names its inputs itself.
 */
void fuzz_set_input(const char *name);

/* abort()s with a message naming the invariant: the fuzzer then keeps the input. */
_Noreturn void fuzz_fail(const char *what, const char *detail);

/*
 * The checker target's input format (fuzz/fuzz_checker.c) from a configuration, to seed the
 * corpus with realistic states: writes at most cap bytes to out, returns the size needed.
 */
size_t fuzz_checker_encode(const struct vmcs_state *vmcs, const struct vmx_caps *caps,
                           const struct vmentry_env *env, uint8_t *out, size_t cap);

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif

#endif /* FUZZ_FUZZ_H */
