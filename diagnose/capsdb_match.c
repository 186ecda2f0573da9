/*
 * capsdb_match.c -- finding the capsdb entry of a CPUID signature (capsdb_match.h).  Only
 * entries of kind "real" qualify: an emulator's or a hypervisor's view is no processor's.
 */
#define _DEFAULT_SOURCE /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsdb_dir.h"
#include "capsdb_match.h"

struct capsdb_sig {
	char *name, *brand;
	int family, model, stepping;
	bool complete, high;
};

static void load_index(struct capsdb_index *idx)
{
	size_t n;
	char **names = capsdb_names(&n);
	struct vmx_caps *caps = malloc(sizeof(*caps));

	if (!caps)
		abort();
	idx->loaded = true;
	idx->e = calloc(n ? n : 1, sizeof(*idx->e));
	if (!idx->e)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct caps_meta meta;
		char err[256];

		memset(&meta, 0, sizeof(meta));
		if (!capsdb_load(names[i], caps, &meta, err, sizeof(err), NULL))
			continue;
		if (meta.kind && strcmp(meta.kind, "real") == 0 && meta.family >= 0 &&
		    meta.model >= 0 && (!meta.vendor || strcmp(meta.vendor, "GenuineIntel") == 0)) {
			struct capsdb_sig *s = &idx->e[idx->n++];

			s->name = strdup(names[i]);
			s->brand = strdup(meta.brand ? meta.brand : "");
			if (!s->name || !s->brand)
				abort();
			s->family = meta.family;
			s->model = meta.model;
			s->stepping = meta.stepping;
			s->complete =
			    meta.completeness && strcmp(meta.completeness, "complete") == 0;
			s->high = meta.confidence && strncmp(meta.confidence, "high", 4) == 0;
		}
		caps_meta_release(&meta);
	}
	free(caps);
	capsdb_names_free(names, n);
}

/* Brands compared ignoring case and blanks. */
static bool brand_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if ((*a | 0x20) != (*b | 0x20))
			return false;
		a++;
		b++;
	}
}

static int score(const struct capsdb_sig *s, const struct dump_cpu_id *id)
{
	return (id->brand[0] && brand_equal(s->brand, id->brand) ? 4 : 0) + (s->complete ? 2 : 0) +
	       (s->high ? 1 : 0);
}

bool capsdb_match_id(void *ctx, const struct dump_cpu_id *id, struct caps_match *out)
{
	struct capsdb_index *idx = ctx;
	const struct capsdb_sig *best = NULL;
	size_t n_same = 0;
	bool exact = false;
	char err[512];

	if (!idx->loaded)
		load_index(idx);
	if (id->vendor[0] && strcmp(id->vendor, "GenuineIntel") != 0)
		return false;
	for (size_t i = 0; i < idx->n; i++)
		if (idx->e[i].family == id->family && idx->e[i].model == id->model &&
		    idx->e[i].stepping == id->stepping)
			exact = true;
	for (size_t i = 0; i < idx->n; i++) {
		const struct capsdb_sig *s = &idx->e[i];
		int better;

		if (s->family != id->family || s->model != id->model ||
		    (exact && s->stepping != id->stepping))
			continue;
		n_same++;
		if (!best) {
			best = s;
			continue;
		}
		better = score(s, id) - score(best, id);
		if (!exact && better == 0)
			better =
			    abs(best->stepping - id->stepping) - abs(s->stepping - id->stepping);
		if (better > 0)
			best = s;
	}
	if (!best)
		return false;
	memset(out, 0, sizeof(*out));
	if (!capsdb_load(best->name, &out->caps, NULL, err, sizeof(err), NULL))
		return false;
	snprintf(out->name, sizeof(out->name), "%s", best->name);
	snprintf(out->brand, sizeof(out->brand), "%s", best->brand);
	out->stepping = best->stepping;
	out->exact = exact;
	out->same_brand = id->brand[0] && brand_equal(best->brand, id->brand);
	out->n_same = n_same;
	return true;
}

void capsdb_index_free(struct capsdb_index *idx)
{
	for (size_t i = 0; i < idx->n; i++) {
		free(idx->e[i].name);
		free(idx->e[i].brand);
	}
	free(idx->e);
	memset(idx, 0, sizeof(*idx));
}
