/*
 * bench.c -- speed figures for `make bench`, one per line as `name: value unit`:
 *   check.valid / check.failing   ns per full check of a loaded configuration: the report with
 *                                 every finding's message (check_run_compiled(), capabilities
 *                                 compiled once, as for many VMCSs on one processor)
 *   check.fast_pass.valid / .failing  ns per vmcsl_check() alone: every rule's result and the
 *                                 prediction, no message
 *   caps.compile                  ns per vmcsl_caps_compile() of the capsdb entry
 *   cpu.clock                     the clock those ran at (it moves on a shared machine)
 *   load.config                   configurations per CPU second through config_load()
 *   libyaml.parse_only            the same files per second through a bare libyaml parse
 *   cli.load_check                configurations per CPU second through the real CLI: one
 *                                 `vmcslint check --format json` over every corpus file
 *   cli.load_check.vs_load_config that rate as a share of load.config's
 *   cli.peak_rss.N_files          the CLI's peak memory (max RSS) over the first N files, for
 *                                 1,000 and 10,000: it must not grow with the count
 * Usage: vmcslint-bench VALID.yaml FAILING.yaml CORPUS_DIR [VMCSLINT]
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
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

/*
 * CPU seconds of this process (user + system).  load.config and cli.load_check are compared
 * with each other: both count CPU time, so that what else a shared machine runs meanwhile
 * does not count against one of them.
 */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

enum what { FULL, FAST, COMPILE };

/*
 * The best of many short rounds (100 of 1,000 runs, about 0.3 ms each): the figure least
 * disturbed by the rest of the machine.  A shared machine's neighbours slow whole
 * milliseconds at a time, so that the best of a few long rounds varied by 15% from one
 * `make bench` to the next while the code stayed the same.
 */
#define ROUNDS 100
#define ITERS  1000

/* Best of ROUNDS rounds of iters runs of what on the configuration at path, in ns per run. */
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
	const int iters = ITERS;

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
	for (int round = 0; round < ROUNDS; round++) {
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

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * One `vmcslint check --format json` over files[0..n), its output thrown away: its CPU time
 * (user + system) and its peak memory (KiB).  Returns false when it could not run or was killed.
 */
static bool run_cli(const char *bin, char **files, size_t n, double *seconds, long *max_rss_kib)
{
	static char check[] = "check", format[] = "--format", json[] = "json";
	char **argv = malloc((n + 5) * sizeof(*argv));
	struct rusage ru;
	pid_t pid;
	int status;

	if (!argv)
		return false;
	argv[0] = (char *)bin;
	argv[1] = check;
	argv[2] = format;
	argv[3] = json;
	memcpy(argv + 4, files, n * sizeof(*argv));
	argv[n + 4] = NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(bin, argv);
		_exit(127);
	}
	free(argv);
	/* 0, 1 (findings) and 2 (a file that does not load) are the CLI's answers; 127: no exec */
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 2)
		return false;
	*seconds = tv_seconds(ru.ru_utime) + tv_seconds(ru.ru_stime);
	*max_rss_kib = ru.ru_maxrss;
	return true;
}

/* CPU seconds of one pass of config_load() over files[0..n). */
static double seconds_load(char **files, size_t n)
{
	double t0 = cpu_now();

	for (size_t i = 0; i < n; i++) {
		struct vmcs_config cfg;
		struct load_diags d;

		memset(&d, 0, sizeof(d));
		config_load(files[i], &cfg, &d, capsdb_resolver, NULL);
		config_release(&cfg);
	}
	return cpu_now() - t0;
}

static void cli_or_die(const char *bin, char **files, size_t n, double *t, long *rss)
{
	if (!run_cli(bin, files, n, t, rss)) {
		fprintf(stderr, "bench: %s check failed\n", bin);
		exit(2);
	}
}

/*
 * load.config, and with bin the CLI's figures.  The passes of the loader and the CLI's runs
 * alternate, best of 5 each: on a shared machine both then see the same quiet moments, and
 * their ratio means something.
 */
static void load_and_cli_figures(const char *bin, char **files, size_t n)
{
	/* the first 1,000 and 10,000 files (all of them when fewer) */
	const size_t counts[] = {n < 1000 ? n : 1000, n < 10000 ? n : 10000};
	double best_load = 1e30, best_cli = 1e30, t;
	long rss;

	/* sorted, so that the first 1,000 are the same files on every run */
	qsort(files, n, sizeof(*files), cmp_path);
	for (int round = 0; round < 5; round++) {
		t = seconds_load(files, n);
		if (t < best_load)
			best_load = t;
		if (!bin)
			continue;
		cli_or_die(bin, files, n, &t, &rss);
		if (t < best_cli)
			best_cli = t;
	}
	printf("load.config: %.0f configs/s\n", (double)n / best_load);
	if (!bin)
		return;
	printf("cli.load_check: %.0f configs/s\n", (double)n / best_cli);
	printf("cli.load_check.vs_load_config: %.0f %%\n", 100.0 * best_load / best_cli);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (i && counts[i] == counts[0])
			continue;
		cli_or_die(bin, files, counts[i], &t, &rss);
		printf("cli.peak_rss.%zu_files: %ld KiB\n", counts[i], rss);
	}
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

/*
 * The clock the core ran at, in GHz: the best of 20 rounds of a chain of dependent additions
 * (one cycle each).  A shared machine's clock moves with its neighbours' load (3.3-3.8 GHz
 * here), and the ns figures above with it; 0 where the chain is not written for the target.
 */
static double clock_ghz(void)
{
#if defined(__x86_64__) || defined(__i386__)
	const long adds = 4 * 2000000;
	double best = 1e30;

	for (int round = 0; round < 20; round++) {
		unsigned long x = 0;
		double t0 = now(), t;

		for (long i = 0; i < adds / 4; i++)
			__asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
			                 : "+r"(x));
		t = now() - t0;
		if (t < best)
			best = t;
	}
	return (double)adds / best * 1e-9;
#else
	return 0;
#endif
}

int main(int argc, char **argv)
{
	size_t n;
	char **files;

	if (argc != 4 && argc != 5) {
		fprintf(stderr,
		        "usage: vmcslint-bench VALID.yaml FAILING.yaml CORPUS_DIR [VMCSLINT]\n");
		return 2;
	}
	capsdb_set_dir("capsdb/cpus");
	printf("check.valid: %.0f ns/vmcs\n", ns_per(argv[1], FULL));
	printf("check.failing: %.0f ns/vmcs\n", ns_per(argv[2], FULL));
	printf("check.fast_pass.valid: %.0f ns/vmcs\n", ns_per(argv[1], FAST));
	printf("check.fast_pass.failing: %.0f ns/vmcs\n", ns_per(argv[2], FAST));
	printf("caps.compile: %.0f ns/processor\n", ns_per(argv[1], COMPILE));
	printf("cpu.clock: %.2f GHz\n", clock_ghz());
	files = list_corpus(argv[3], &n);
	if (!n) {
		fprintf(stderr, "bench: empty corpus %s\n", argv[3]);
		return 2;
	}
	/* Warm the page cache first so both figures measure parsing, not the disk. */
	per_second_libyaml(files, n);
	printf("libyaml.parse_only: %.0f configs/s\n", per_second_libyaml(files, n));
	load_and_cli_figures(argc == 5 ? argv[4] : NULL, files, n);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return 0;
}
