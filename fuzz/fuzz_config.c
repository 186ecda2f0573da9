/*
 * fuzz_config.c -- the YAML configuration loader (config_load, schema/README.md) on arbitrary
 * bytes, then the adjustment of what it gives as a hypervisor writes it (adjust/) and the
 * checker on the result.
 *
 * config_load() reads a path, so each input is written to input.yaml in a private temporary
 * directory (made once per process, removed at exit) beside copies of the valid examples
 * (examples/valid-*.yaml): `extends: valid-long-mode.yaml` loads a realistic base (the seeds
 * are the rule fixtures with their `extends: ../../../examples/X` made `extends: X`), and
 * `extends: input.yaml` a cycle.  Nothing outside that directory is reached: an input whose
 * top-level `extends` names a path with a '/' is skipped, and the caps resolver accepts only
 * plain entry names, looked up in the source tree's capsdb/cpus (or the built-in default).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsdb_dir.h"
#include "config.h"
#include "fuzz.h"
#include "ytree.h"

/* The bases an input may extend. */
static const char *const config_bases[] = {"valid-long-mode.yaml", "valid-pae-32bit.yaml",
                                           "valid-real-mode-unrestricted.yaml", "valid-v8086.yaml"};
#define N_BASES (sizeof(config_bases) / sizeof(config_bases[0]))

static char dir[256], input_path[300], base_path[N_BASES][300];
static volatile uint64_t touched;

static void config_cleanup(void)
{
	unlink(input_path);
	for (size_t i = 0; i < N_BASES; i++)
		unlink(base_path[i]);
	rmdir(dir);
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		fuzz_fail("cannot write the input file", path);
}

static void config_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/vmcslint-fuzz-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fuzz_fail("cannot make a temporary directory", dir);
	snprintf(input_path, sizeof(input_path), "%s/input.yaml", dir);
	for (size_t i = 0; i < N_BASES; i++) {
		char src[300];
		struct ytree_error err;
		size_t len;
		char *text;

		snprintf(src, sizeof(src), "%s/examples/%s", FUZZ_SRCDIR, config_bases[i]);
		snprintf(base_path[i], sizeof(base_path[i]), "%s/%s", dir, config_bases[i]);
		text = ytree_read_file(src, YTREE_MAX_FILE_BYTES, &len, &err);
		if (!text)
			fuzz_fail("cannot read an example", src);
		write_file(base_path[i], text, len);
		free(text);
	}
	atexit(config_cleanup);
	capsdb_set_dir(FUZZ_SRCDIR "/capsdb/cpus");
}

/* Only names of entries: no path, nothing but the capsdb directory and the built-in entry. */
static bool resolver(const char *name, struct vmx_caps *out, char *err, size_t errlen, void *ctx)
{
	size_t n = strlen(name);

	if (n == 0 || n > 100 || name[0] == '.' || strchr(name, '/') ||
	    (n >= 5 && strcmp(name + n - 5, ".yaml") == 0)) {
		snprintf(err, errlen, "the fuzz resolver knows entry names only");
		return false;
	}
	return capsdb_resolver(name, out, err, errlen, ctx);
}

/* Whether the top-level `extends` of the text could leave the temporary directory. */
static bool extends_escapes(const uint8_t *data, size_t size)
{
	struct ytree_error err;
	struct ytree *t = ytree_parse((const char *)data, size, &err);
	const struct ynode *root;
	bool escapes = false;

	if (!t)
		return false; /* config_load reports the same error */
	root = ytree_root(t);
	if (root && root->kind == YN_MAP) {
		for (size_t i = 0; i + 1 < root->n; i += 2) {
			const struct ynode *k = root->items[i], *v = root->items[i + 1];

			if (k->kind == YN_SCALAR && strcmp(k->value, "extends") == 0 &&
			    v->kind == YN_SCALAR && strchr(v->value, '/'))
				escapes = true;
		}
	}
	ytree_free(t);
	return escapes;
}

int fuzz_config_one(const uint8_t *data, size_t size)
{
	static struct vmcs_config cfg;
	static struct load_diags diags;
	static struct vmcs_state judged;
	static struct adjust_result adj;
	struct check_input in;
	bool ok;

	if (!dir[0])
		config_setup();
	if (extends_escapes(data, size))
		return 0;
	write_file(input_path, data, size);
	memset(&diags, 0, sizeof(diags));
	ok = config_load(input_path, &cfg, &diags, resolver, NULL);
	fuzz_check_diags(&diags);
	if (ok != (diags.n_errors == 0))
		fuzz_fail("config_load's result disagrees with its errors",
		          diags.n ? diags.d[0].msg : NULL);
	if (ok) {
		if (cfg.env.n_msr_load > CONFIG_MAX_MSR_LOAD ||
		    (cfg.env.n_msr_load && !cfg.env.msr_load))
			fuzz_fail("the MSR-load area is out of bounds", NULL);
		for (size_t i = 0; i < cfg.env.n_msr_load; i++)
			touched += cfg.env.msr_load[i].value; /* ASan: the entries are there */
		if (cfg.has_caps && !fuzz_terminated(cfg.caps_name, sizeof(cfg.caps_name)))
			fuzz_fail("caps name is not NUL-terminated", NULL);
		in.caps = cfg.has_caps ? &cfg.caps : fuzz_default_caps();
		judged = cfg.vmcs;
		adjust_apply(&cfg.wants, in.caps, &judged, &adj);
		if ((adj.verdict == ADJUST_NOTHING) == adjust_wants_any(&cfg.wants))
			fuzz_fail("the adjustment's verdict disagrees with what the file wants",
			          NULL);
		in.vmcs = &judged;
		in.env = &cfg.env;
		fuzz_check(&in);
	}
	config_release(&cfg);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_config_one(data, size);
}
#endif
