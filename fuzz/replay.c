/*
 * replay.c -- the plain replay driver: runs inputs through the fuzz targets without libFuzzer
 * (built with gcc; `make fuzz-replay` builds it with ASan+UBSan and replays every corpus and
 * regression file).
 *
 *   fuzz-replay TARGET FILE|DIR...     every file given (a directory: the files in it and in
 *                                      its subdirectories, sorted)
 *   fuzz-replay --all                  fuzz/corpus/T and tests/fuzz-regressions/T of every T
 *   fuzz-replay --seed-checker OUTDIR FILE.yaml...
 *                                      each configuration in the checker target's input format
 *   fuzz-replay --dict config|capsdb   a libFuzzer dictionary (names from the tables)
 *
 * Exit status: 0 every input ran, 1 an input could not be read; an invariant violation or a
 * sanitizer report aborts, and the input is named on stderr.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capsdb_dir.h"
#include "config.h"
#include "fuzz.h"

static int verbose;

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	/* Exactly the file's bytes, as libFuzzer gives them: a read past them is an ASan report. */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact)
			abort();
		memcpy(exact, buf, n);
		free(buf);
		*size = n;
		return exact;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one file or every file under a directory; returns the number of unreadable files. */
static int replay_path(const struct fuzz_target *t, const char *path, size_t *n_run)
{
	struct stat st;
	int bad = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "fuzz-replay: %s: no such file or directory\n", path);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;

		if (!d) {
			fprintf(stderr, "fuzz-replay: %s: cannot open\n", path);
			return 1;
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
				continue;
			names = realloc(names, (n + 1) * sizeof(*names));
			if (!names)
				abort();
			names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
			if (!names[n])
				abort();
			sprintf(names[n], "%s/%s", path, e->d_name);
			n++;
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			bad += replay_path(t, names[i], n_run);
			free(names[i]);
		}
		free(names);
		return bad;
	}
	{
		size_t size;
		uint8_t *data = slurp(path, &size);

		if (!data) {
			fprintf(stderr, "fuzz-replay: %s: cannot read\n", path);
			return 1;
		}
		if (verbose)
			fprintf(stderr, "fuzz-replay: %s %s (%zu bytes)\n", t->name, path, size);
		fuzz_set_input(path);
		t->one(data, size);
		fuzz_set_input(NULL);
		free(data);
		(*n_run)++;
	}
	return 0;
}

static const struct fuzz_target *target_by_name(const char *name)
{
	for (size_t i = 0; i < fuzz_n_targets; i++)
		if (strcmp(fuzz_targets[i].name, name) == 0)
			return &fuzz_targets[i];
	return NULL;
}

static int replay_all(void)
{
	int bad = 0;

	for (size_t i = 0; i < fuzz_n_targets; i++) {
		const struct fuzz_target *t = &fuzz_targets[i];
		const char *const roots[] = {"fuzz/corpus", "tests/fuzz-regressions"};

		for (size_t r = 0; r < 2; r++) {
			char path[256];
			struct stat st;
			size_t n = 0;

			snprintf(path, sizeof(path), "%s/%s", roots[r], t->name);
			if (stat(path, &st) != 0)
				continue;
			bad += replay_path(t, path, &n);
			printf("fuzz-replay %-8s %-28s %5zu inputs\n", t->name, path, n);
		}
	}
	return bad ? 1 : 0;
}

/* Each configuration in the checker target's format: OUTDIR/<basename>.bin. */
static int seed_checker(const char *outdir, int n, char **files)
{
	static struct vmcs_config cfg;
	static struct load_diags diags;
	static uint8_t buf[1 << 16];
	int bad = 0;

	capsdb_set_dir(FUZZ_SRCDIR "/capsdb/cpus");
	for (int i = 0; i < n; i++) {
		const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
		char out[512];
		size_t len, stem;
		FILE *f;

		memset(&diags, 0, sizeof(diags));
		if (!config_load(files[i], &cfg, &diags, capsdb_resolver, NULL)) {
			/* Fixtures that fail to load are no seed for the checker. */
			config_release(&cfg);
			continue;
		}
		len = fuzz_checker_encode(&cfg.vmcs, cfg.has_caps ? &cfg.caps : fuzz_default_caps(),
		                          &cfg.env, buf, sizeof(buf));
		config_release(&cfg);
		if (len > sizeof(buf)) {
			fprintf(stderr, "fuzz-replay: %s: too big for a seed\n", files[i]);
			bad = 1;
			continue;
		}
		stem = strlen(base);
		if (stem > 5 && strcmp(base + stem - 5, ".yaml") == 0)
			stem -= 5;
		snprintf(out, sizeof(out), "%s/%.*s.bin", outdir, (int)stem, base);
		f = fopen(out, "wb");
		if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
			fprintf(stderr, "fuzz-replay: cannot write %s\n", out);
			return 1;
		}
	}
	return bad;
}

static void dict_word(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
	puts("\"");
}

/* Names the loaders look up, so the fuzzer need not guess them. */
static int dict(const char *which)
{
	static const char *const yaml[] = {
	    "---",  "...",   "&a ", "*a", "<<: ", "!!str ",  "!!int ", "!!map", "- ",
	    ": ",   "{",     "}",   "[",  "]",    "|",       ">",      "~",     "null",
	    "true", "false", "0x",  "0b", "0o",   "unknown", "absent"};
	static const char *const config_keys[] = {"version",
	                                          "caps",
	                                          "entry",
	                                          "vmcs",
	                                          "memory",
	                                          "extends",
	                                          "instruction",
	                                          "launch_state",
	                                          "mov_ss_blocking",
	                                          "processor_mode",
	                                          "vmlaunch",
	                                          "vmresume",
	                                          "clear",
	                                          "launched",
	                                          "ia32e",
	                                          "legacy",
	                                          "vm_entry_msr_load",
	                                          "guest_pdptes",
	                                          "vmcs_link",
	                                          "index",
	                                          "value",
	                                          "reserved",
	                                          "revision_id",
	                                          "shadow",
	                                          "maxphyaddr",
	                                          "cpuid",
	                                          "eax",
	                                          "ebx",
	                                          "ecx",
	                                          "edx",
	                                          "base.yaml",
	                                          "input.yaml",
	                                          "inline",
	                                          "virtual_apic",
	                                          "vtpr",
	                                          CAPSDB_DEFAULT_NAME,
	                                          "bochs-tigerlake"};
	static const char *const capsdb_keys[] = {
	    "name",       "kind",       "vendor",      "codename", "brand",     "completeness",
	    "confidence", "source",     "description", "links",    "conflicts", "notes",
	    "msrs",       "maxphyaddr", "cpuid",       "family",   "model",     "stepping",
	    "eax",        "ebx",        "ecx",         "edx",      "0x80000008"};
	int config = strcmp(which, "config") == 0;

	if (!config && strcmp(which, "capsdb") != 0) {
		fprintf(stderr, "fuzz-replay: --dict config|capsdb\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(yaml) / sizeof(yaml[0]); i++)
		dict_word(yaml[i]);
	for (int m = 0; m < VMX_MSR__COUNT; m++)
		dict_word(vmx_msr_name((enum vmx_msr_id)m));
	if (!config) {
		for (size_t i = 0; i < sizeof(capsdb_keys) / sizeof(capsdb_keys[0]); i++)
			dict_word(capsdb_keys[i]);
		return 0;
	}
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		dict_word(config_keys[i]);
	for (size_t i = 0; i < vmcs_field_count(); i++)
		dict_word(vmcs_field_at(i)->name);
	for (size_t i = 0; i < vmcs_bits_total(); i++)
		dict_word(vmcs_bits_at(i)->name);
	for (size_t i = 0; i < vmcs_value_total(); i++)
		dict_word(vmcs_value_at(i)->name);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: fuzz-replay [-v] TARGET FILE|DIR...\n"
	                "       fuzz-replay --all\n"
	                "       fuzz-replay --seed-checker OUTDIR FILE.yaml...\n"
	                "       fuzz-replay --dict config|capsdb\n"
	                "targets: config capsdb checker dump\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct fuzz_target *t;
	size_t n = 0;
	int bad = 0, i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		i++;
	}
	if (argc - i < 1)
		return usage();
	if (strcmp(argv[i], "--all") == 0)
		return replay_all();
	if (strcmp(argv[i], "--seed-checker") == 0)
		return argc - i < 2 ? usage()
		                    : seed_checker(argv[i + 1], argc - i - 2, argv + i + 2);
	if (strcmp(argv[i], "--dict") == 0)
		return argc - i != 2 ? usage() : dict(argv[i + 1]);
	t = target_by_name(argv[i]);
	if (!t || argc - i < 2)
		return usage();
	for (i++; i < argc; i++)
		bad += replay_path(t, argv[i], &n);
	printf("fuzz-replay %s: %zu inputs\n", t->name, n);
	return bad ? 1 : 0;
}
