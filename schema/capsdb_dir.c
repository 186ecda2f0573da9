/*
 * capsdb_dir.c -- finding and loading capsdb entries by name or path.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsdb_dir.h"

#ifndef VMCSLINT_DATADIR
#define VMCSLINT_DATADIR "/usr/local/share/vmcslint/capsdb"
#endif

extern const char builtin_caps_yaml[];
extern const size_t builtin_caps_yaml_len;

static const char *dir_override;
static char found_dir[PATH_MAX];

void capsdb_set_dir(const char *dir)
{
	dir_override = dir;
	found_dir[0] = '\0';
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *capsdb_dir(void)
{
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	if (dir_override)
		return dir_override;
	if (found_dir[0])
		return found_dir;
	if (getenv("VMCSLINT_CAPSDB") && is_dir(getenv("VMCSLINT_CAPSDB")))
		return getenv("VMCSLINT_CAPSDB");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			static const char *const rel[] = {"/../capsdb/cpus", "/../../capsdb/cpus",
			                                  "/../share/vmcslint/capsdb"};

			*slash = '\0';
			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
				if (is_dir(cand) && realpath(cand, found_dir))
					return found_dir;
			}
		}
	}
	if (is_dir(VMCSLINT_DATADIR)) {
		snprintf(found_dir, sizeof(found_dir), "%s", VMCSLINT_DATADIR);
		return found_dir;
	}
	return NULL;
}

bool capsdb_load(const char *name, struct vmx_caps *caps, struct caps_meta *meta, char *err,
                 size_t errlen, struct load_diags *diags)
{
	struct load_diags local;
	char path[PATH_MAX + 128];
	const char *dir;
	bool ok;

	if (!diags) {
		memset(&local, 0, sizeof(local));
		diags = &local;
	}
	if (caps_name_is_path(name)) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		dir = capsdb_dir();
		if (dir)
			snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
		if (!dir || access(path, R_OK) != 0) {
			if (strcmp(name, CAPSDB_DEFAULT_NAME) == 0)
				return caps_load_text("<built-in " CAPSDB_DEFAULT_NAME ">",
				                      builtin_caps_yaml, builtin_caps_yaml_len,
				                      caps, meta, diags);
			snprintf(err, errlen,
			         "no capsdb entry named '%s'%s%s ('vmcslint caps list' lists them)",
			         name,
			         dir ? " in " : " (no capsdb directory found; use --capsdb DIR)",
			         dir ? dir : "");
			return false;
		}
	}
	ok = caps_load_file(path, caps, meta, diags);
	if (!ok) {
		if (diags->n > 0) {
			const struct load_diag *d = &diags->d[0];

			if (d->pos.line)
				snprintf(err, errlen, "%s:%u:%u: %s", path, d->pos.line, d->pos.col,
				         d->msg);
			else
				snprintf(err, errlen, "%s: %s", path, d->msg);
		} else {
			snprintf(err, errlen, "%s: cannot load", path);
		}
	}
	return ok;
}

/*
 * Configurations name few entries again and again (a CI run over hundreds of files, `matrix`):
 * the resolver keeps the last ones it loaded, so that each processor's entry is read and
 * parsed once a run unless a run names more than RESOLVER_CACHE of them (memory stays bounded
 * whatever the files name; a slot costs its pages only once used).
 */
#define RESOLVER_CACHE 64

static struct {
	char name[VMX_CAPS_NAME_MAX + 64];
	char dir[PATH_MAX];
	struct vmx_caps caps;
} cache[RESOLVER_CACHE];
static size_t cache_next;

bool capsdb_resolver(const char *name, struct vmx_caps *out, char *err, size_t errlen, void *ctx)
{
	const char *dir = capsdb_dir();

	(void)ctx;
	if (strlen(name) >= sizeof(cache[0].name))
		return capsdb_load(name, out, NULL, err, errlen, NULL);
	for (size_t i = 0; i < RESOLVER_CACHE; i++) {
		if (cache[i].name[0] && strcmp(cache[i].name, name) == 0 &&
		    strcmp(cache[i].dir, dir ? dir : "") == 0) {
			*out = cache[i].caps;
			return true;
		}
	}
	if (!capsdb_load(name, out, NULL, err, errlen, NULL))
		return false;
	snprintf(cache[cache_next].name, sizeof(cache[0].name), "%s", name);
	snprintf(cache[cache_next].dir, sizeof(cache[0].dir), "%s", dir ? dir : "");
	cache[cache_next].caps = *out;
	cache_next = (cache_next + 1) % RESOLVER_CACHE;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **capsdb_names(size_t *n)
{
	const char *dir = capsdb_dir();
	char **names = NULL;
	size_t cap = 0;
	bool have_default = false;
	DIR *d;
	struct dirent *e;

	*n = 0;
	if (dir && (d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);

			if (l <= 5 || strcmp(e->d_name + l - 5, ".yaml") != 0)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof(char *));
				if (!names)
					abort();
			}
			names[*n] = strndup(e->d_name, l - 5);
			have_default |= strcmp(names[*n], CAPSDB_DEFAULT_NAME) == 0;
			(*n)++;
		}
		closedir(d);
	}
	if (!have_default) {
		names = realloc(names, (*n + 1) * sizeof(char *));
		if (!names)
			abort();
		names[(*n)++] = strdup(CAPSDB_DEFAULT_NAME);
	}
	qsort(names, *n, sizeof(char *), cmp_str);
	return names;
}

void capsdb_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
