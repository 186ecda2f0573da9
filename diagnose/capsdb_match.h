/*
 * capsdb_match.h -- the capsdb entry of a processor a log identifies by its CPUID signature
 * (`vmcslint diagnose`).
 */
#ifndef DIAGNOSE_CAPSDB_MATCH_H
#define DIAGNOSE_CAPSDB_MATCH_H

#include "diagnose.h"

struct capsdb_sig;

/* The signatures of the capsdb's entries of real processors, read on first use. */
struct capsdb_index {
	bool loaded;
	size_t n;
	struct capsdb_sig *e;
};

/*
 * caps_matcher for processor_choose() (ctx: a struct capsdb_index): the entry with the same
 * family, model and stepping, else the one of the same family and model with the nearest
 * stepping; among several, the one whose brand string is the log's, then a complete one of
 * high confidence, then the first by name.
 */
bool capsdb_match_id(void *ctx, const struct dump_cpu_id *id, struct caps_match *out);
void capsdb_index_free(struct capsdb_index *idx);

#endif /* DIAGNOSE_CAPSDB_MATCH_H */
