/*
 * targets.c -- the fuzz targets by name, for the replay driver and the replay test.
 */
#include "fuzz.h"

const struct fuzz_target fuzz_targets[] = {
    {"config", fuzz_config_one},
    {"capsdb", fuzz_capsdb_one},
    {"checker", fuzz_checker_one},
    {"dump", fuzz_dump_one},
};
const size_t fuzz_n_targets = sizeof(fuzz_targets) / sizeof(fuzz_targets[0]);
