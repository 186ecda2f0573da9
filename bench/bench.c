/*
 * bench.c -- speed figures for `make bench`, one per line as `name: value unit`:
 *   check.valid / check.failing   ns per full check of a loaded configuration: the report with
 *                                 every finding's message (check_run_compiled(), capabilities
 *                                 compiled once, as for many VMCSs on one processor)
 *   check.fast_pass.valid / .failing  ns per vmcsl_check() alone: every rule's result and the
 *                                 prediction, no message
 *   caps.compile                  ns per vmcsl_caps_compile() of the capsdb entry
 *   load.config                   configurations per second through config_load()
 *   libyaml.parse_only            the same files per second through a bare libyaml parse
 * Usage: vmcslint-bench VALID.yaml FAILING.yaml CORPUS_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "capsdb_dir.h"
#include "config.h"
#include "ytree.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum what { FULL, FAST, COMPILE };

/* Best of 5 rounds of iters runs of what on the configuration at path, in ns per run. */
static double ns_per(const char *path, enum what what)
{
	struct vmcs_config cfg;
	struct load_diags d;
	struct vmx_caps caps;
	struct vmcsl_caps compiled;
	struct check_input in;
	struct vmcsl_input fin;
	struct vmcsl_result res;
	struct check_report *rep = malloc(sizeof(*rep));
	char err[256];
	double t0, best = 1e30;
	const int iters = 20000;

	memset(&d, 0, sizeof(d));
	if (!rep || !config_load(path, &cfg, &d, capsdb_resolver, NULL) ||
	    !capsdb_load(CAPSDB_DEFAULT_NAME, &caps, NULL, err, sizeof(err), NULL)) {
		fprintf(stderr, "bench: cannot load %s\n", path);
		exit(2);
	}
	if (cfg.has_caps)
		caps = cfg.caps;
	vmcsl_caps_compile(&caps, &compiled);
	in.vmcs = &cfg.vmcs;
	in.caps = &caps;
	in.env = &cfg.env;
	fin.vmcs = &cfg.vmcs;
	fin.env = &cfg.env;
	fin.caps = &compiled;
	/* Best of 5 rounds: the figure least disturbed by the rest of the machine. */
	for (int round = 0; round < 5; round++) {
		t0 = now();
		for (int i = 0; i < iters; i++) {
			if (what == FULL)
				check_run_compiled(&in, &compiled, rep);
			else if (what == FAST)
				vmcsl_check(&fin, &res);
			else
				vmcsl_caps_compile(&caps, &compiled);
		}
		double t = (now() - t0) / iters * 1e9;

		if (t < best)
			best = t;
	}
	config_release(&cfg);
	free(rep);
	return best;
}

static char **list_corpus(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (!strstr(e->d_name, ".yaml"))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		v[*n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		sprintf(v[*n], "%s/%s", dir, e->d_name);
		(*n)++;
	}
	closedir(d);
	return v;
}

static double per_second_load(char **files, size_t n)
{
	double t0 = now();

	for (size_t i = 0; i < n; i++) {
		struct vmcs_config cfg;
		struct load_diags d;

		memset(&d, 0, sizeof(d));
		config_load(files[i], &cfg, &d, capsdb_resolver, NULL);
		config_release(&cfg);
	}
	return (double)n / (now() - t0);
}

static double per_second_libyaml(char **files, size_t n)
{
	double t0 = now();

	for (size_t i = 0; i < n; i++) {
		struct ytree_error err;
		size_t len;
		char *text = ytree_read_file(files[i], 1u << 22, &len, &err);
		yaml_parser_t p;
		yaml_event_t ev;
		int done = 0;

		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
		while (!done && yaml_parser_parse(&p, &ev)) {
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
		}
		yaml_parser_delete(&p);
		free(text);
	}
	return (double)n / (now() - t0);
}

int main(int argc, char **argv)
{
	size_t n;
	char **files;

	if (argc != 4) {
		fprintf(stderr, "usage: vmcslint-bench VALID.yaml FAILING.yaml CORPUS_DIR\n");
		return 2;
	}
	capsdb_set_dir("capsdb/cpus");
	printf("check.valid: %.0f ns/vmcs\n", ns_per(argv[1], FULL));
	printf("check.failing: %.0f ns/vmcs\n", ns_per(argv[2], FULL));
	printf("check.fast_pass.valid: %.0f ns/vmcs\n", ns_per(argv[1], FAST));
	printf("check.fast_pass.failing: %.0f ns/vmcs\n", ns_per(argv[2], FAST));
	printf("caps.compile: %.0f ns/processor\n", ns_per(argv[1], COMPILE));
	files = list_corpus(argv[3], &n);
	if (!n) {
		fprintf(stderr, "bench: empty corpus %s\n", argv[3]);
		return 2;
	}
	/* Warm the page cache first so both figures measure parsing, not the disk. */
	per_second_libyaml(files, n);
	printf("libyaml.parse_only: %.0f configs/s\n", per_second_libyaml(files, n));
	printf("load.config: %.0f configs/s\n", per_second_load(files, n));
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return 0;
}
