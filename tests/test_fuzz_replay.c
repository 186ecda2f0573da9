/*
 * test_fuzz_replay.c -- every corpus file (fuzz/corpus/T) and every input that once crashed
 * (tests/fuzz-regressions/T) through its fuzz target's entry function, in process: `make test`
 * runs them in the plain build and under ASan+UBSan.  A target abort()s when a checker
 * invariant breaks (fuzz/README.md), which fails the test.
 *
 * A regression file named open-* reproduces a bug not fixed yet (tests/fuzz-regressions/
 * README.md): it is skipped here with a note on stderr, and `make fuzz-replay` runs it.
 *
 * The targets are compiled in here (without their libFuzzer entry points): the test binary's
 * link line lists only the objects of tests/ before the libraries.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_NO_ENTRY
#include "../fuzz/common.c"
#include "../fuzz/targets.c"
#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_capsdb.c"
#include "../fuzz/fuzz_checker.c"
#include "../fuzz/fuzz_dump.c"
#include "helpers.h"

/* Runs every file under path (subdirectories too); returns how many. */
static size_t replay_dir(int (*one)(const uint8_t *, size_t), const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char sub[1024];
		struct stat st;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (strncmp(e->d_name, "open-", 5) == 0) {
			/* On stderr: a Criterion warning would fail the run. */
			fprintf(stderr,
			        "fuzz_replay: %s: a bug not fixed yet, skipped (make fuzz-replay "
			        "runs it)\n",
			        sub);
			continue;
		}
		cr_assert(stat(sub, &st) == 0, "%s", sub);
		if (S_ISDIR(st.st_mode)) {
			n += replay_dir(one, sub);
		} else {
			size_t len = 0;
			char *text = read_file(sub, &len);
			/* Exactly the file's bytes, as libFuzzer gives them. */
			uint8_t *data = malloc(len ? len : 1);

			cr_assert(text != NULL, "cannot read %s", sub);
			cr_assert(data != NULL);
			memcpy(data, text, len);
			free(text);
			fuzz_set_input(sub);
			one(data, len);
			fuzz_set_input(NULL);
			free(data);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void replay(const char *name)
{
	char corpus[256], regressions[256];
	const struct fuzz_target *t = NULL;
	size_t n;

	for (size_t i = 0; i < fuzz_n_targets; i++)
		if (strcmp(fuzz_targets[i].name, name) == 0)
			t = &fuzz_targets[i];
	cr_assert(t != NULL, "no fuzz target %s", name);
	snprintf(corpus, sizeof(corpus), "fuzz/corpus/%s", name);
	snprintf(regressions, sizeof(regressions), "tests/fuzz-regressions/%s", name);
	n = replay_dir(t->one, corpus);
	cr_assert(n > 0, "%s is empty or missing", corpus);
	replay_dir(t->one, regressions);
}

Test(fuzz_replay, config, .timeout = 600)
{
	replay("config");
}

Test(fuzz_replay, capsdb, .timeout = 600)
{
	replay("capsdb");
}

Test(fuzz_replay, checker, .timeout = 600)
{
	replay("checker");
}

Test(fuzz_replay, dump, .timeout = 600)
{
	replay("dump");
}

/* The empty input and a few degenerate ones, whatever the corpora hold. */
Test(fuzz_replay, degenerate_inputs)
{
	static const uint8_t zeros[4096];
	static const char *const texts[] = {
	    "", "\n", "\r\n", "---\n...\n", "{", "&a [*a]", "vmcs:\n  GUEST_CR0: 0x31\n"};

	for (size_t i = 0; i < fuzz_n_targets; i++) {
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
			size_t len = strlen(texts[k]);
			uint8_t *data = malloc(len ? len : 1);

			cr_assert(data != NULL);
			memcpy(data, texts[k], len);
			fuzz_targets[i].one(data, len);
			free(data);
		}
		fuzz_targets[i].one(zeros, sizeof(zeros));
	}
}
