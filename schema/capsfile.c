/*
 * capsfile.c -- capsdb entries (capsdb/FORMAT.md) and inline capabilities into struct vmx_caps.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool caps_parse_msr_value(const struct ynode *key, const struct ynode *val, struct vmx_caps *caps,
                          const char *file, struct load_diags *diags)
{
	int id = -1;
	uint64_t v;

	if (key->kind == YN_SCALAR) {
		id = vmx_msr_by_name(key->value, key->len);
		if (id < 0 && parse_u64_text(key->value, &v) && v <= 0xffffffffu)
			id = vmx_msr_by_index((uint32_t)v);
	}
	if (id < 0) {
		NODE_ERR(
		    diags, file, key,
		    "'%s' is no VMX capability MSR (IA32_VMX_BASIC 0x480 .. IA32_VMX_EXIT_CTLS2 "
		    "0x493)",
		    key->kind == YN_SCALAR ? key->value : "?");
		return false;
	}
	/* a value given here (an inline caps: over an entry) is no longer a sibling's */
	caps->msr_inferred &= ~(1u << id);
	if (val && val->kind == YN_SCALAR && val->plain && strcmp(val->value, "absent") == 0) {
		caps->msr_state[id] = VMX_MSR_ABSENT;
		caps->msr[id] = 0;
		return true;
	}
	if (val && val->kind == YN_SCALAR && val->plain &&
	    (strcmp(val->value, "unknown") == 0 || ynode_is_null(val))) {
		caps->msr_state[id] = VMX_MSR_UNKNOWN;
		caps->msr[id] = 0;
		return true;
	}
	if (!yparse_u64(val, &v, vmx_msr_name((enum vmx_msr_id)id), file, diags))
		return false;
	caps->msr[id] = v;
	caps->msr_state[id] = VMX_MSR_PRESENT;
	return true;
}

bool caps_parse_maxphyaddr(const struct ynode *val, struct vmx_caps *caps, const char *file,
                           struct load_diags *diags)
{
	uint64_t v;

	if (!yparse_u64(val, &v, "maxphyaddr", file, diags))
		return false;
	if (v < 32 || v > 52) {
		NODE_ERR(diags, file, val,
		         "maxphyaddr %llu is outside 32..52 (CPUID.80000008H:EAX[7:0] of Intel 64 "
		         "processors)",
		         (unsigned long long)v);
		return false;
	}
	caps->maxphyaddr = (uint8_t)v;
	return true;
}

/* "0x7.0" -> leaf 7 sub-leaf 0; "0x80000008" -> sub-leaf 0. */
static bool parse_leaf_key(const char *s, uint32_t *leaf, uint32_t *sub)
{
	char buf[40];
	const char *dot = strchr(s, '.');
	uint64_t l, sl = 0;
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!parse_u64_text(buf, &l) || l > 0xffffffffu)
		return false;
	if (dot && (!parse_u64_text(dot + 1, &sl) || sl > 0xffffffffu))
		return false;
	*leaf = (uint32_t)l;
	*sub = (uint32_t)sl;
	return true;
}

static const char *const cpuid_regs[] = {"eax", "ebx", "ecx", "edx", NULL};

/* One leaf's flow mapping: registers, their unknown masks, src. */
static bool parse_leaf(const struct ynode *k, const struct ynode *v, uint32_t leaf, uint32_t sub,
                       struct vmx_caps *caps, const struct caps_meta *meta, const char *file,
                       struct load_diags *diags)
{
	static const char *const keys[] = {
	    "eax",         "ebx",         "ecx",         "edx", "eax-unknown",
	    "ebx-unknown", "ecx-unknown", "edx-unknown", "src", NULL};
	const struct ynode *val[4] = {NULL, NULL, NULL, NULL}, *unk[4] = {NULL, NULL, NULL, NULL};
	uint64_t value[4] = {0, 0, 0, 0}, mask[4] = {0, 0, 0, 0}, src = 0;
	const struct ynode *srcn;
	bool ok = true;

	if (!yrequire_map(v, "a cpuid leaf", file, diags) ||
	    !ycheck_keys(v, keys, "a cpuid leaf", file, diags))
		return false;
	for (int r = 0; r < 4; r++) {
		char name[16];

		snprintf(name, sizeof(name), "%s-unknown", cpuid_regs[r]);
		val[r] = ynode_get(v, cpuid_regs[r], NULL);
		unk[r] = ynode_get(v, name, NULL);
		if (val[r]) {
			if (!yparse_u64(val[r], &value[r], cpuid_regs[r], file, diags)) {
				ok = false;
				val[r] = NULL;
			} else if (value[r] > 0xffffffffu) {
				NODE_ERR(diags, file, val[r],
				         "%s: 0x%llx is wider than a 32-bit register",
				         cpuid_regs[r], (unsigned long long)value[r]);
				ok = false;
				val[r] = NULL;
			}
		}
		if (!unk[r])
			continue;
		if (!yparse_u64(unk[r], &mask[r], name, file, diags)) {
			ok = false;
		} else if (mask[r] > 0xffffffffu) {
			NODE_ERR(diags, file, unk[r], "%s: 0x%llx is wider than a 32-bit register",
			         name, (unsigned long long)mask[r]);
			ok = false;
		} else if (!ynode_get(v, cpuid_regs[r], NULL)) {
			NODE_ERR(diags, file, unk[r], "%s without %s: give the known bits of %s",
			         name, cpuid_regs[r], cpuid_regs[r]);
			ok = false;
		} else if (val[r] && (value[r] & mask[r])) {
			NODE_ERR(diags, file, val[r],
			         "%s = 0x%08llx sets bit(s) 0x%08llx that %s says are unknown "
			         "(write unknown bits as 0)",
			         cpuid_regs[r], (unsigned long long)value[r],
			         (unsigned long long)(value[r] & mask[r]), name);
			ok = false;
		}
	}
	if ((srcn = ynode_get(v, "src", NULL)) != NULL) {
		if (!meta) {
			NODE_ERR(diags, file, srcn,
			         "src: only capsdb entries name a source (cpuid-sources)");
			ok = false;
		} else if (!yparse_u64(srcn, &src, "src", file, diags)) {
			ok = false;
		} else if (src < 1 || src > meta->n_cpuid_sources) {
			NODE_ERR(diags, file, srcn,
			         "src: %llu is no item of cpuid-sources (%zu item%s)",
			         (unsigned long long)src, meta->n_cpuid_sources,
			         meta->n_cpuid_sources == 1 ? "" : "s");
			ok = false;
			src = 0;
		}
	}
	if (!ok)
		return false;
	for (int r = 0; r < 4; r++) {
		struct vmx_cpuid_leaf *l;

		if (!val[r])
			continue;
		if (!vmx_caps_set_cpuid_partial(caps, leaf, sub, (enum cpuid_reg)r,
		                                (uint32_t)value[r], (uint32_t)mask[r])) {
			NODE_ERR(diags, file, k, "more than %d CPUID leaves", VMX_CAPS_MAX_CPUID);
			return false;
		}
		l = (struct vmx_cpuid_leaf *)vmx_caps_cpuid(caps, leaf, sub);
		if (src) {
			l->src = (uint8_t)src;
			l->inferred = meta->cpuid_sources[src - 1].inferred_from != NULL;
		}
	}
	return true;
}

bool caps_parse_cpuid(const struct ynode *map, struct vmx_caps *caps, const struct caps_meta *meta,
                      const char *file, struct load_diags *diags)
{
	bool ok = true;

	if (!yrequire_map(map, "cpuid", file, diags))
		return false;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i], *v = map->items[i + 1];
		uint32_t leaf, sub;
		bool dup = false;

		if (k->kind != YN_SCALAR || !parse_leaf_key(k->value, &leaf, &sub)) {
			NODE_ERR(diags, file, k,
			         "cpuid key '%s' is not \"0xLEAF\" or \"0xLEAF.SUBLEAF\"",
			         k->kind == YN_SCALAR ? k->value : "?");
			ok = false;
			continue;
		}
		for (size_t j = 0; j < i; j += 2) {
			uint32_t l2, s2;

			if (map->items[j]->kind == YN_SCALAR &&
			    parse_leaf_key(map->items[j]->value, &l2, &s2) && l2 == leaf &&
			    s2 == sub) {
				NODE_ERR(diags, file, k,
				         "CPUID leaf %s given twice (first at %u:%u)", k->value,
				         map->items[j]->line, map->items[j]->col);
				ok = false;
				dup = true;
			}
		}
		if (dup)
			continue;
		if (!parse_leaf(k, v, leaf, sub, caps, meta, file, diags)) {
			ok = false;
			if (caps->n_cpuid >= VMX_CAPS_MAX_CPUID)
				return false;
		}
	}
	return ok;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void str_list(const struct ynode *n, char ***out, size_t *count, const char *what,
                     const char *file, struct load_diags *diags)
{
	if (!n)
		return;
	if (n->kind != YN_SEQ) {
		NODE_ERR(diags, file, n, "%s: expected a list of strings", what);
		return;
	}
	*out = calloc(n->n ? n->n : 1, sizeof(char *));
	for (size_t i = 0; i < n->n; i++) {
		const char *s;

		if (yparse_str(n->items[i], &s, what, file, diags))
			(*out)[(*count)++] = strdup(s);
	}
}

static bool small_int(const struct ynode *n, int *out, const char *what, const char *file,
                      struct load_diags *diags)
{
	uint64_t v;

	if (!yparse_u64(n, &v, what, file, diags))
		return false;
	if (v > 0xffff) {
		NODE_ERR(diags, file, n, "%s: %llu is out of range", what, (unsigned long long)v);
		return false;
	}
	*out = (int)v;
	return true;
}

/* A string of a provenance item (cpuid-sources, msr-inferred) into *out, when given. */
static void item_str(const struct ynode *it, const char *key, char **out, const char *file,
                     struct load_diags *diags)
{
	const struct ynode *m = ynode_get(it, key, NULL);
	const char *s;

	if (m && yparse_str(m, &s, key, file, diags))
		*out = strdup(s);
}

/* Whether n is a provenance list (cpuid-sources, msr-inferred) of at most max items. */
static bool provenance_list(const struct ynode *n, const char *what, size_t max, const char *file,
                            struct load_diags *diags)
{
	if (n->kind != YN_SEQ) {
		NODE_ERR(diags, file, n, "%s: expected a list of mappings", what);
		return false;
	}
	if (n->n > max) {
		NODE_ERR(diags, file, n, "%s: more than %zu items", what, max);
		return false;
	}
	return true;
}

/* Whether an item of a provenance list is a mapping; unknown keys are reported. */
static bool provenance_item(const struct ynode *it, const char *const keys[], const char *what,
                            const char *file, struct load_diags *diags)
{
	if (!yrequire_map(it, what, file, diags))
		return false;
	ycheck_keys(it, keys, what, file, diags);
	return true;
}

/* cpuid-sources: a list of {link, description} or {inferred-from, link, reason} mappings. */
static void parse_cpuid_sources(const struct ynode *n, struct caps_meta *meta, const char *file,
                                struct load_diags *diags)
{
	static const char *const keys[] = {"link", "description", "inferred-from", "reason", NULL};

	if (!provenance_list(n, "cpuid-sources", CAPS_MAX_CPUID_SOURCES, file, diags))
		return;
	meta->cpuid_sources = calloc(n->n ? n->n : 1, sizeof(*meta->cpuid_sources));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];
		struct caps_cpuid_source *cs = &meta->cpuid_sources[meta->n_cpuid_sources++];

		if (!provenance_item(it, keys, "a cpuid-sources item", file, diags))
			continue;
		item_str(it, "link", &cs->link, file, diags);
		item_str(it, "description", &cs->description, file, diags);
		item_str(it, "inferred-from", &cs->inferred_from, file, diags);
		item_str(it, "reason", &cs->reason, file, diags);
		if (!ynode_get(it, "link", NULL))
			NODE_ERR(
			    diags, file, it,
			    "a cpuid-sources item needs a 'link' to the dump its values come from");
		if (!ynode_get(it, "inferred-from", NULL) != !ynode_get(it, "reason", NULL))
			NODE_ERR(diags, file, it,
			         "a cpuid-sources item with 'inferred-from' needs a 'reason', and "
			         "'reason' only goes with 'inferred-from'");
	}
}

/*
 * msr-inferred: a list of {msrs, inferred-from, link, reason} mappings.  An MSR listed has a
 * value, is listed once and has no msr-sources item (no dump of this processor gave it).
 */
static void parse_msr_inferred(const struct ynode *n, struct vmx_caps *caps, struct caps_meta *meta,
                               const char *file, struct load_diags *diags)
{
	static const char *const keys[] = {"msrs", "inferred-from", "link", "reason", NULL};

	if (!provenance_list(n, "msr-inferred", CAPS_MAX_MSR_INFERRED, file, diags))
		return;
	meta->msr_inferred = calloc(n->n ? n->n : 1, sizeof(*meta->msr_inferred));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i], *ms;
		struct caps_msr_inferred *mi = &meta->msr_inferred[meta->n_msr_inferred++];

		if (!provenance_item(it, keys, "an msr-inferred item", file, diags))
			continue;
		item_str(it, "inferred-from", &mi->inferred_from, file, diags);
		item_str(it, "link", &mi->link, file, diags);
		item_str(it, "reason", &mi->reason, file, diags);
		if (!mi->inferred_from || !mi->link || !mi->reason)
			NODE_ERR(diags, file, it,
			         "an msr-inferred item needs 'inferred-from', 'link' and 'reason': "
			         "which processor's dump gave the values, and why");
		ms = ynode_get(it, "msrs", NULL);
		if (!ms || ms->kind != YN_SEQ || !ms->n) {
			NODE_ERR(diags, file, ms ? ms : it,
			         "msr-inferred: 'msrs' must list the MSRs inferred");
			continue;
		}
		for (size_t j = 0; j < ms->n; j++) {
			const struct ynode *k = ms->items[j];
			int id = k->kind == YN_SCALAR ? vmx_msr_by_name(k->value, k->len) : -1;

			if (id < 0) {
				NODE_ERR(diags, file, k,
				         "msr-inferred: '%s' is no VMX capability MSR name",
				         k->kind == YN_SCALAR ? k->value : "?");
			} else if ((caps->msr_inferred >> id) & 1u) {
				NODE_ERR(diags, file, k, "msr-inferred: %s listed twice", k->value);
			} else if (caps->msr_state[id] != VMX_MSR_PRESENT) {
				NODE_ERR(diags, file, k,
				         "msr-inferred: %s has no value in msrs (only a value can "
				         "be inferred)",
				         k->value);
			} else if (meta->msr_links[id]) {
				NODE_ERR(diags, file, k,
				         "msr-inferred: %s has msr-sources items: a dump of this "
				         "processor gives it, so it is not inferred",
				         k->value);
			} else {
				caps->msr_inferred |= 1u << id;
				mi->msrs |= 1u << id;
			}
		}
	}
}

/* msr-sources: MSR name -> flow list of 1-based source.links items. */
static void parse_msr_sources(const struct ynode *n, struct caps_meta *meta, const char *file,
                              struct load_diags *diags)
{
	if (!yrequire_map(n, "msr-sources", file, diags))
		return;
	meta->has_msr_sources = true;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = n->items[i], *v = n->items[i + 1];
		int id = k->kind == YN_SCALAR ? vmx_msr_by_name(k->value, k->len) : -1;

		if (id < 0) {
			NODE_ERR(diags, file, k, "msr-sources: '%s' is no VMX capability MSR name",
			         k->kind == YN_SCALAR ? k->value : "?");
			continue;
		}
		for (size_t j = 0; j < i; j += 2) {
			if (n->items[j]->kind == YN_SCALAR &&
			    vmx_msr_by_name(n->items[j]->value, n->items[j]->len) == id)
				NODE_ERR(diags, file, k,
				         "msr-sources: '%s' given twice (first at %u:%u)", k->value,
				         n->items[j]->line, n->items[j]->col);
		}
		if (v->kind != YN_SEQ) {
			NODE_ERR(diags, file, v,
			         "msr-sources: %s: expected a list of source.links item numbers",
			         k->value);
			continue;
		}
		for (size_t j = 0; j < v->n; j++) {
			uint64_t x;

			if (!yparse_u64(v->items[j], &x, "an msr-sources item", file, diags))
				continue;
			if (x < 1 || x > meta->n_links || x > CAPS_MAX_LINKS) {
				NODE_ERR(
				    diags, file, v->items[j],
				    "msr-sources: %s: %llu is no item of source.links (%zu item%s)",
				    k->value, (unsigned long long)x, meta->n_links,
				    meta->n_links == 1 ? "" : "s");
				continue;
			}
			meta->msr_links[id] |= 1u << (x - 1);
		}
	}
}

static void parse_entry(const struct ynode *root, struct vmx_caps *caps, struct caps_meta *meta,
                        const char *file, struct load_diags *diags)
{
	static const char *const keys[] = {
	    "name",          "kind",     "vendor",      "family",       "model",
	    "stepping",      "codename", "brand",       "completeness", "confidence",
	    "source",        "msrs",     "msr-sources", "msr-inferred", "maxphyaddr",
	    "cpuid-sources", "cpuid",    "conflicts",   "notes",        NULL};
	static const char *const source_keys[] = {"kind", "description", "links", NULL};
	const struct ynode *n;
	const char *s;

	if (!yrequire_map(root, "a capsdb entry", file, diags))
		return;
	ycheck_keys(root, keys, "a capsdb entry", file, diags);
	n = ynode_get(root, "name", NULL);
	if (!n) {
		NODE_ERR(diags, file, root, "a capsdb entry needs a 'name'");
	} else if (yparse_str(n, &s, "name", file, diags)) {
		if (strlen(s) >= VMX_CAPS_NAME_MAX)
			NODE_ERR(diags, file, n, "name longer than %d characters",
			         VMX_CAPS_NAME_MAX - 1);
		else
			strcpy(caps->name, s);
		meta->name = strdup(s);
	}
#define META_STR(key, field)                                                                       \
	do {                                                                                       \
		n = ynode_get(root, key, NULL);                                                    \
		if (n && yparse_str(n, &s, key, file, diags))                                      \
			meta->field = dup_or_null(s);                                              \
	} while (0)
	META_STR("kind", kind);
	META_STR("vendor", vendor);
	META_STR("codename", codename);
	META_STR("brand", brand);
	META_STR("completeness", completeness);
	META_STR("confidence", confidence);
#undef META_STR
	if ((n = ynode_get(root, "family", NULL)) != NULL)
		small_int(n, &meta->family, "family", file, diags);
	if ((n = ynode_get(root, "model", NULL)) != NULL)
		small_int(n, &meta->model, "model", file, diags);
	if ((n = ynode_get(root, "stepping", NULL)) != NULL)
		small_int(n, &meta->stepping, "stepping", file, diags);
	if ((n = ynode_get(root, "source", NULL)) != NULL &&
	    yrequire_map(n, "source", file, diags)) {
		const struct ynode *m;

		ycheck_keys(n, source_keys, "source", file, diags);
		if ((m = ynode_get(n, "kind", NULL)) &&
		    yparse_str(m, &s, "source kind", file, diags))
			meta->source_kind = strdup(s);
		if ((m = ynode_get(n, "description", NULL)) &&
		    yparse_str(m, &s, "source description", file, diags))
			meta->source_desc = strdup(s);
		str_list(ynode_get(n, "links", NULL), &meta->links, &meta->n_links, "links", file,
		         diags);
	}
	str_list(ynode_get(root, "conflicts", NULL), &meta->conflicts, &meta->n_conflicts,
	         "conflicts", file, diags);
	str_list(ynode_get(root, "notes", NULL), &meta->notes, &meta->n_notes, "notes", file,
	         diags);
	if ((n = ynode_get(root, "msrs", NULL)) != NULL && yrequire_map(n, "msrs", file, diags)) {
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			for (size_t j = 0; j < i; j += 2) {
				if (n->items[j]->kind == YN_SCALAR &&
				    n->items[i]->kind == YN_SCALAR &&
				    strcmp(n->items[j]->value, n->items[i]->value) == 0)
					NODE_ERR(diags, file, n->items[i], "'%s' given twice",
					         n->items[i]->value);
			}
			caps_parse_msr_value(n->items[i], n->items[i + 1], caps, file, diags);
		}
	} else if (!n) {
		NODE_ERR(diags, file, root, "a capsdb entry needs 'msrs'");
	}
	if ((n = ynode_get(root, "msr-sources", NULL)) != NULL)
		parse_msr_sources(n, meta, file, diags);
	if ((n = ynode_get(root, "msr-inferred", NULL)) != NULL)
		parse_msr_inferred(n, caps, meta, file, diags);
	if ((n = ynode_get(root, "maxphyaddr", NULL)) != NULL)
		caps_parse_maxphyaddr(n, caps, file, diags);
	if ((n = ynode_get(root, "cpuid-sources", NULL)) != NULL)
		parse_cpuid_sources(n, meta, file, diags);
	if ((n = ynode_get(root, "cpuid", NULL)) != NULL &&
	    caps_parse_cpuid(n, caps, meta, file, diags) && caps->maxphyaddr) {
		const struct vmx_cpuid_leaf *l = vmx_caps_cpuid(caps, 0x80000008u, 0);
		bool k =
		    l && (((l->known >> CPUID_EAX) & 1u) ||
		          (((l->partial >> CPUID_EAX) & 1u) && !(l->unknown[CPUID_EAX] & 0xffu)));

		if (k && (l->reg[CPUID_EAX] & 0xffu) != caps->maxphyaddr)
			NODE_ERR(diags, file, ynode_get(root, "maxphyaddr", NULL),
			         "maxphyaddr %u disagrees with CPUID.80000008H:EAX[7:0] = %u",
			         caps->maxphyaddr, l->reg[CPUID_EAX] & 0xffu);
	}
}

bool caps_load_text(const char *name, const char *text, size_t len, struct vmx_caps *caps,
                    struct caps_meta *meta, struct load_diags *diags)
{
	struct ytree_error err;
	struct ytree *t = ytree_parse(text, len, &err);
	struct caps_meta scratch;
	size_t before = diags->n_errors;

	memset(caps, 0, sizeof(*caps));
	memset(&scratch, 0, sizeof(scratch));
	if (!meta)
		meta = &scratch;
	else
		memset(meta, 0, sizeof(*meta));
	meta->family = meta->model = meta->stepping = -1;
	if (!t) {
		load_diag_add(diags, DIAG_ERROR, name, err.line, err.col, "%s", err.msg);
		caps_meta_release(&scratch);
		return false;
	}
	if (!ytree_root(t))
		load_diag_add(diags, DIAG_ERROR, name, 1, 1, "empty capsdb entry");
	else
		parse_entry(ytree_root(t), caps, meta, name, diags);
	ytree_free(t);
	caps_meta_release(&scratch);
	return diags->n_errors == before;
}

bool caps_load_file(const char *path, struct vmx_caps *caps, struct caps_meta *meta,
                    struct load_diags *diags)
{
	struct ytree_error err;
	size_t len;
	char *text = ytree_read_file(path, YTREE_MAX_FILE_BYTES, &len, &err);
	bool ok;

	if (!text) {
		if (meta) {
			memset(meta, 0, sizeof(*meta));
			meta->family = meta->model = meta->stepping = -1;
		}
		memset(caps, 0, sizeof(*caps));
		load_diag_add(diags, DIAG_ERROR, path, err.line, err.col, "%s", err.msg);
		return false;
	}
	ok = caps_load_text(path, text, len, caps, meta, diags);
	free(text);
	return ok;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void caps_meta_release(struct caps_meta *m)
{
	free(m->name);
	free(m->kind);
	free(m->vendor);
	free(m->codename);
	free(m->brand);
	free(m->completeness);
	free(m->confidence);
	free(m->source_kind);
	free(m->source_desc);
	free_list(m->links, m->n_links);
	free_list(m->conflicts, m->n_conflicts);
	free_list(m->notes, m->n_notes);
	for (size_t i = 0; i < m->n_cpuid_sources; i++) {
		free(m->cpuid_sources[i].link);
		free(m->cpuid_sources[i].description);
		free(m->cpuid_sources[i].inferred_from);
		free(m->cpuid_sources[i].reason);
	}
	free(m->cpuid_sources);
	for (size_t i = 0; i < m->n_msr_inferred; i++) {
		free(m->msr_inferred[i].inferred_from);
		free(m->msr_inferred[i].link);
		free(m->msr_inferred[i].reason);
	}
	free(m->msr_inferred);
	memset(m, 0, sizeof(*m));
}
