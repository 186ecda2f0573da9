/*
 * config.c -- a VMCS configuration file (schema/README.md) into struct vmcs_config.
 *
 * Files are applied base first: `extends: base.yaml` loads the base (relative to the file),
 * then this file's keys override it.  Within one file a field may be given once (by name,
 * alias, encoding or _HIGH half).
 */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

struct loader {
	struct vmcs_config *cfg;
	struct load_diags *diags;
	caps_resolver resolve;
	void *resolve_ctx;
	const char *chain[CONFIG_MAX_EXTENDS_DEPTH + 1]; /* files being loaded, for cycles */
	size_t depth;
	size_t msr_cap;
};

/* What one file sets, to find fields given twice in it. */
struct file_seen {
	const struct ynode *full[VMCS_FIELD_CAPACITY];
	const struct ynode *high[VMCS_FIELD_CAPACITY];
	uint64_t full_val[VMCS_FIELD_CAPACITY];
	uint64_t high_val[VMCS_FIELD_CAPACITY];
};

static const char *const top_keys[] = {"version", "caps",    "entry", "vmcs",
                                       "memory",  "extends", NULL};
/* in the order of enum config_entry_key */
static const char *const entry_keys[] = {"instruction", "launch_state", "mov_ss_blocking",
                                         "processor_mode", NULL};
_Static_assert(sizeof(entry_keys) / sizeof(entry_keys[0]) == CONFIG_ENTRY__COUNT + 1,
               "one entry key per enum config_entry_key");
static const char *const memory_keys[] = {"vm_entry_msr_load", "guest_pdptes", "vmcs_link",
                                          "virtual_apic", NULL};
static const char *const caps_keys[] = {"extends", "maxphyaddr", "cpuid", NULL};

static const char *keep_file(struct vmcs_config *cfg, const char *path)
{
	cfg->files = realloc(cfg->files, (cfg->n_files + 1) * sizeof(char *));
	if (!cfg->files)
		abort();
	cfg->files[cfg->n_files] = strdup(path);
	return cfg->files[cfg->n_files++];
}

static struct src_pos pos_of(const char *file, const struct ynode *n)
{
	struct src_pos p = {file, n ? n->line : 0, n ? n->col : 0};

	return p;
}

/* A field key: a name, NAME_HIGH, alias, or an encoding ("0x6802"). */
static const struct vmcs_field_info *field_of_key(const struct ynode *k, bool *high,
                                                  struct load_diags *diags, const char *file)
{
	const struct vmcs_field_info *f;
	uint64_t enc;

	if (k->kind != YN_SCALAR) {
		NODE_ERR(diags, file, k, "a field key must be a name or an encoding");
		return NULL;
	}
	if (k->value[0] >= '0' && k->value[0] <= '9') {
		if (!parse_u64_text(k->value, &enc) || enc > 0xffffffffu) {
			NODE_ERR(diags, file, k, "'%s' is not a field encoding", k->value);
			return NULL;
		}
		f = vmcs_field_by_encoding((uint32_t)enc, high);
		if (!f) {
			struct vmcs_encoding_bits d = vmcs_encoding_decode((uint32_t)enc);

			NODE_ERR(diags, file, k,
			         "no VMCS field has encoding 0x%04llx (decoded: %s %s, index %u%s)",
			         (unsigned long long)enc, vmcs_width_name(d.width),
			         vmcs_type_name(d.type), d.index,
			         d.reserved ? ", reserved bits set" : "");
		}
		return f;
	}
	f = vmcs_field_by_name(k->value, k->len, high);
	if (!f) {
		const char *s = vmcs_field_suggest(k->value, k->len);

		if (s)
			NODE_ERR(diags, file, k, "unknown VMCS field '%s'; did you mean '%s'?",
			         k->value, s);
		else
			NODE_ERR(diags, file, k,
			         "unknown VMCS field '%s' ('vmcslint fields --search WORD' finds "
			         "fields)",
			         k->value);
	}
	return f;
}

/* OR a bit (range) value into *v; false when it does not fit the range. */
static bool put_range(uint64_t *v, const struct vmcs_bits_info *b, uint64_t x)
{
	unsigned w = (unsigned)(b->hi - b->lo + 1);

	if (w < 64 && x >> w)
		return false;
	*v |= x << b->lo;
	return true;
}

/* A value name of a layout (e.g. HLT of L_ACTIVITY, NMI of L_INTR_INFO) and its range. */
static const struct vmcs_value_info *value_name(const struct vmcs_layout_info *l, const char *s,
                                                size_t len)
{
	return l ? vmcs_layout_find_value(l, s, len) : NULL;
}

/* The range named values fill: TYPE or *_TYPE (fields/vmcs_layouts.def). */
static bool is_value_range(const struct vmcs_bits_info *b)
{
	size_t n = strlen(b->name);

	return b->lo != b->hi &&
	       (strcmp(b->name, "TYPE") == 0 || (n > 5 && strcmp(b->name + n - 5, "_TYPE") == 0));
}

static bool parse_bits_value(const struct ynode *v, const struct vmcs_field_info *f, uint64_t *out,
                             const char *file, struct load_diags *diags);

static bool parse_field_value(const struct ynode *v, const struct vmcs_field_info *f, bool high,
                              uint64_t *out, const char *file, struct load_diags *diags)
{
	const struct vmcs_layout_info *l =
	    f->layout != VMCS_LAYOUT_NONE ? vmcs_layout_at(f->layout) : NULL;
	unsigned bits = high ? 32 : vmcs_width_bits(f->width);
	char what[96];
	bool negative;

	/* The name for messages, built without stdio: this runs for every field of every file. */
	{
		size_t n = strlen(f->name);

		if (n > sizeof(what) - 6)
			n = sizeof(what) - 6;
		memcpy(what, f->name, n);
		memcpy(what + n, high ? "_HIGH" : "", high ? 6 : 1);
	}
	if (v->kind == YN_SEQ || v->kind == YN_MAP) {
		if (!l) {
			NODE_ERR(diags, file, v,
			         "%s has no named bits; give its value as an integer", what);
			return false;
		}
		if (high) {
			NODE_ERR(diags, file, v, "%s takes an integer", what);
			return false;
		}
		return parse_bits_value(v, f, out, file, diags);
	}
	if (v->kind == YN_SCALAR && v->plain && l && !(v->value[0] >= '0' && v->value[0] <= '9') &&
	    v->value[0] != '-') {
		const struct vmcs_value_info *x = value_name(l, v->value, v->len);
		size_t nb;

		/* A value name stands for the whole field only in a layout without bit rows. */
		if (x && (vmcs_layout_bits(l, &nb), nb == 0)) {
			*out = x->value;
			return true;
		}
	}
	if (!yparse_operand(v, out, &negative, what, file, diags))
		return false;
	if (bits < 64 && (*out >> bits)) {
		/* VMWRITE keeps the low bits of its operand (SDM "VMWRITE"): so does the loader. */
		uint64_t kept = *out & ((1ull << bits) - 1);

		if (negative)
			NODE_WARN(diags, file, v,
			          "%s: %s is 0x%llx as a 64-bit VMWRITE operand; the %u-bit field "
			          "keeps bits %u:0, 0x%llx",
			          what, v->value, (unsigned long long)*out, bits, bits - 1,
			          (unsigned long long)kept);
		else
			NODE_WARN(diags, file, v,
			          "%s: 0x%llx is wider than the field (%u bits); VMWRITE keeps "
			          "bits %u:0, 0x%llx, and drops 0x%llx",
			          what, (unsigned long long)*out, bits, bits - 1,
			          (unsigned long long)kept, (unsigned long long)(*out & ~kept));
		*out = kept;
	}
	return true;
}

static bool parse_bits_value(const struct ynode *v, const struct vmcs_field_info *f, uint64_t *out,
                             const char *file, struct load_diags *diags)
{
	const struct vmcs_layout_info *l = vmcs_layout_at(f->layout);
	unsigned width = vmcs_width_bits(f->width);
	bool ok = true;

	*out = 0;
	if (v->kind == YN_SEQ) {
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *it = v->items[i];
			const struct vmcs_bits_info *b;
			uint64_t bit;

			if (it->kind != YN_SCALAR) {
				NODE_ERR(diags, file, it,
				         "%s: a list item must be a bit name or number", f->name);
				ok = false;
				continue;
			}
			if (it->value[0] >= '0' && it->value[0] <= '9') {
				if (!yparse_u64(it, &bit, f->name, file, diags)) {
					ok = false;
				} else if (bit >= width) {
					NODE_ERR(diags, file, it,
					         "%s: bit %llu is outside the %u-bit field",
					         f->name, (unsigned long long)bit, width);
					ok = false;
				} else {
					*out |= 1ull << bit;
				}
				continue;
			}
			b = vmcs_layout_find_bits(l, it->value, it->len);
			if (!b) {
				const char *s = vmcs_layout_suggest(l, it->value, it->len);

				if (s)
					NODE_ERR(diags, file, it,
					         "%s has no bit named '%s'; did you mean '%s'?",
					         f->name, it->value, s);
				else
					NODE_ERR(
					    diags, file, it,
					    "%s has no bit named '%s' ('vmcslint fields %s' lists "
					    "them)",
					    f->name, it->value, f->name);
				ok = false;
			} else if (b->lo != b->hi) {
				NODE_ERR(
				    diags, file, it,
				    "%s: %s is a bit range (%u:%u); give it in a mapping, e.g. "
				    "{%s: 3}",
				    f->name, b->name, b->hi, b->lo, b->name);
				ok = false;
			} else {
				*out |= 1ull << b->lo;
			}
		}
		return ok;
	}
	/* A mapping: bit or range name -> value (an integer or a value name). */
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *x = v->items[i + 1];
		const struct vmcs_bits_info *b;
		uint64_t val;

		if (k->kind != YN_SCALAR || !(b = vmcs_layout_find_bits(l, k->value, k->len))) {
			const char *s =
			    k->kind == YN_SCALAR ? vmcs_layout_suggest(l, k->value, k->len) : NULL;

			if (s)
				NODE_ERR(diags, file, k,
				         "%s has no bit named '%s'; did you mean '%s'?", f->name,
				         k->kind == YN_SCALAR ? k->value : "?", s);
			else
				NODE_ERR(diags, file, k, "%s has no bit named '%s'", f->name,
				         k->kind == YN_SCALAR ? k->value : "?");
			ok = false;
			continue;
		}
		if (x->kind == YN_SCALAR && x->plain && b->lo == b->hi &&
		    (strcmp(x->value, "true") == 0 || strcmp(x->value, "false") == 0)) {
			val = x->value[0] == 't';
		} else if (x->kind == YN_SCALAR && x->plain &&
		           !(x->value[0] >= '0' && x->value[0] <= '9') && is_value_range(b) &&
		           value_name(l, x->value, x->len)) {
			val = value_name(l, x->value, x->len)->value;
		} else if (!yparse_u64(x, &val, k->value, file, diags)) {
			ok = false;
			continue;
		}
		if (!put_range(out, b, val)) {
			NODE_ERR(diags, file, x, "%s.%s: %llu does not fit bits %u:%u", f->name,
			         b->name, (unsigned long long)val, b->hi, b->lo);
			ok = false;
		}
	}
	return ok;
}

/*
 * The hypervisor's form of a field (schema/README.md, "Configurations as hypervisors write
 * them"): a control field as the bits it wants, {required, optional, default1}; a CR0/CR4 field
 * as {value, fixed: apply}.  adjust_apply() turns them into values for one processor.
 */
static const char *const want_keys[] = {"required", "optional", "default1", NULL};
static const char *const fixed_keys[] = {"value", "fixed", NULL};

static bool key_among(const struct ynode *k, const char *const keys[])
{
	for (size_t i = 0; k->kind == YN_SCALAR && keys[i]; i++)
		if (strcmp(k->value, keys[i]) == 0)
			return true;
	return false;
}

/* Whether a mapping is in the hypervisor's form rather than bit names: one of its keys says so. */
static const struct ynode *hv_form_key(const struct ynode *v)
{
	for (size_t i = 0; v->kind == YN_MAP && i + 1 < v->n; i += 2)
		if (key_among(v->items[i], want_keys) || key_among(v->items[i], fixed_keys))
			return v->items[i];
	return NULL;
}

/* The bit a list item or mapping key names (after parse_field_value accepted it), or -1. */
static int named_bit(const struct vmcs_layout_info *l, const struct ynode *n)
{
	const struct vmcs_bits_info *b;
	uint64_t x;

	if (n->kind != YN_SCALAR)
		return -1;
	if (n->value[0] >= '0' && n->value[0] <= '9')
		return parse_u64_text(n->value, &x) && x < 64 ? (int)x : -1;
	b = vmcs_layout_find_bits(l, n->value, n->len);
	return b && b->lo == b->hi ? b->lo : -1;
}

/* required: or optional: -- any value syntax of the field; where each bit is named. */
static bool parse_want_bits(struct loader *L, const char *file, const struct ynode *n,
                            const struct vmcs_field_info *f, uint64_t *mask, struct src_pos *pos)
{
	const struct vmcs_layout_info *l = vmcs_layout_at(f->layout);

	/* `optional:` with nothing after it: no bit of its own. */
	if (ynode_is_null(n)) {
		*mask = 0;
		return true;
	}
	if (!parse_field_value(n, f, false, mask, file, L->diags))
		return false;
	for (unsigned b = 0; b < 64; b++)
		if ((*mask >> b) & 1u)
			pos[b] = pos_of(file, n);
	for (size_t i = 0; (n->kind == YN_SEQ || n->kind == YN_MAP) && i < n->n;
	     i += n->kind == YN_MAP ? 2 : 1) {
		int b = named_bit(l, n->items[i]);

		if (b >= 0)
			pos[b] = pos_of(file, n->items[i]);
	}
	return true;
}

static bool parse_want(struct loader *L, const char *file, const struct ynode *v,
                       const struct vmcs_field_info *f, int ctl, struct adjust_want *w,
                       struct src_pos *pos)
{
	const struct ynode *n;
	const char *s;
	bool ok = ycheck_keys(v, want_keys, "a control given as wanted bits", file, L->diags);

	memset(w, 0, sizeof(*w));
	w->given = true;
	if ((n = ynode_get(v, "required", NULL)))
		ok &= parse_want_bits(L, file, n, f, &w->required, pos);
	if ((n = ynode_get(v, "optional", NULL))) {
		ok &= parse_want_bits(L, file, n, f, &w->optional, pos);
		if (w->required & w->optional) {
			unsigned b = (unsigned)__builtin_ctzll(w->required & w->optional);
			const struct vmcs_bits_info *row = NULL;
			size_t nb;

			for (const struct vmcs_bits_info *x =
			         vmcs_layout_bits(vmcs_layout_at(f->layout), &nb);
			     nb; x++, nb--)
				if (x->lo == b && x->hi == b)
					row = x;
			if (row)
				NODE_ERR(L->diags, file, n,
				         "%s: %s is both required and optional; list it once",
				         f->name, row->name);
			else
				NODE_ERR(L->diags, file, n,
				         "%s: bit %u is both required and optional; list it once",
				         f->name, b);
			ok = false;
		}
	}
	if ((n = ynode_get(v, "default1", NULL)) && yparse_str(n, &s, "default1", file, L->diags)) {
		int d = adjust_default1_by_name(s);

		if (!adjust_has_true_msr((enum vmx_ctl)ctl)) {
			NODE_ERR(
			    L->diags, file, n,
			    "%s has no TRUE capability MSR: default1 applies to the pin-based, "
			    "primary processor-based, VM-exit and VM-entry controls",
			    f->name);
			ok = false;
		} else if (d < 0) {
			NODE_ERR(L->diags, file, n,
			         "default1: expected auto, true_msr or ordinary_msr, found '%s'",
			         s);
			ok = false;
		} else {
			w->default1 = (uint8_t)d;
		}
	} else if (n) {
		ok = false;
	}
	return ok;
}

static bool parse_fixed(struct loader *L, const char *file, const struct ynode *v,
                        const struct vmcs_field_info *f, uint64_t *val)
{
	const struct ynode *n;
	const char *s;
	bool ok = ycheck_keys(v, fixed_keys, "a CR field with fixed bits", file, L->diags);

	*val = 0;
	if (!(n = ynode_get(v, "fixed", NULL))) {
		NODE_ERR(
		    L->diags, file, v,
		    "%s: a mapping with 'value' needs 'fixed: apply' (or give the value alone)",
		    f->name);
		ok = false;
	} else if (!yparse_str(n, &s, "fixed", file, L->diags)) {
		ok = false;
	} else if (strcmp(s, "apply") != 0) {
		NODE_ERR(L->diags, file, n,
		         "fixed: expected 'apply' (OR IA32_VMX_CRn_FIXED0 in, AND "
		         "IA32_VMX_CRn_FIXED1), found '%s'",
		         s);
		ok = false;
	}
	if ((n = ynode_get(v, "value", NULL)))
		ok &= parse_field_value(n, f, false, val, file, L->diags);
	return ok;
}

/*
 * A field in the hypervisor's form: *val gets what the loader keeps (the wanted bits ORed, or
 * the CR value given), *w and pos what adjust_apply() needs.
 */
static bool parse_hv_form(struct loader *L, const char *file, const struct ynode *v,
                          const struct ynode *why, const struct vmcs_field_info *f, uint64_t *val,
                          struct adjust_want *w, struct src_pos *pos)
{
	size_t id = vmcs_field_index(f);
	int ctl = adjust_ctl_of_field(id), cr = adjust_cr_of_field(id);

	if (key_among(why, want_keys) && ctl < 0) {
		NODE_ERR(L->diags, file, why,
		         "%s: '%s' is for the control fields (pin-based, processor-based, VM-exit, "
		         "VM-entry controls)%s",
		         f->name, why->value,
		         cr >= 0 ? "; a CR field takes {value, fixed: apply}" : "");
		return false;
	}
	if (key_among(why, fixed_keys) && cr < 0) {
		NODE_ERR(
		    L->diags, file, why,
		    "%s: '%s' is for GUEST_CR0, GUEST_CR4, HOST_CR0 and HOST_CR4 (fixed: apply)%s",
		    f->name, why->value,
		    ctl >= 0 ? "; a control field takes {required, optional, default1}" : "");
		return false;
	}
	if (ctl >= 0) {
		if (!parse_want(L, file, v, f, ctl, w, pos))
			return false;
		*val = w->required | w->optional;
		return true;
	}
	return parse_fixed(L, file, v, f, val);
}

static void set_field(struct loader *L, const char *file, struct file_seen *seen,
                      const struct ynode *k, const struct ynode *v)
{
	bool high = false;
	const struct vmcs_field_info *f = field_of_key(k, &high, L->diags, file);
	struct vmcs_config *cfg = L->cfg;
	const struct ynode *hv = high ? NULL : hv_form_key(v);
	struct adjust_want want;
	struct src_pos pos[64];
	size_t id;
	uint64_t val;
	int ctl, cr;

	if (!f)
		return;
	id = vmcs_field_index(f);
	ctl = adjust_ctl_of_field(id);
	cr = adjust_cr_of_field(id);
	memset(pos, 0, sizeof(pos));
	if (hv ? !parse_hv_form(L, file, v, hv, f, &val, &want, pos)
	       : !parse_field_value(v, f, high, &val, file, L->diags))
		return;
	if (hv && seen->high[id]) {
		NODE_ERR(L->diags, file, k, "%s is given as wanted bits and %s_HIGH at %u:%u",
		         f->name, f->name, seen->high[id]->line, seen->high[id]->col);
		return;
	}
	if (high && ctl >= 0 && cfg->wants.ctl[ctl].given) {
		NODE_ERR(L->diags, file, k,
		         "%s is given as wanted bits (at %s:%u:%u); its high half cannot be given "
		         "apart",
		         f->name, cfg->field_pos[id].file, cfg->field_pos[id].line,
		         cfg->field_pos[id].col);
		return;
	}
	if (high) {
		if (seen->high[id]) {
			NODE_ERR(L->diags, file, k, "%s_HIGH given twice (first at %u:%u)", f->name,
			         seen->high[id]->line, seen->high[id]->col);
			return;
		}
		seen->high[id] = k;
		seen->high_val[id] = val;
		if (seen->full[id] && (seen->full_val[id] >> 32) != val) {
			NODE_ERR(L->diags, file, k,
			         "%s_HIGH = 0x%llx disagrees with the 64-bit write of %s at %u:%u "
			         "(high half 0x%llx)",
			         f->name, (unsigned long long)val, f->name, seen->full[id]->line,
			         seen->full[id]->col,
			         (unsigned long long)(seen->full_val[id] >> 32));
			return;
		}
		cfg->vmcs.value[id] = (cfg->vmcs.value[id] & 0xffffffffu) | (val << 32);
	} else {
		if (seen->full[id]) {
			NODE_ERR(L->diags, file, k, "%s given twice (first at %u:%u as '%s')",
			         f->name, seen->full[id]->line, seen->full[id]->col,
			         seen->full[id]->value);
			return;
		}
		seen->full[id] = k;
		seen->full_val[id] = val;
		if (seen->high[id] && seen->high_val[id] != (val >> 32)) {
			NODE_ERR(L->diags, file, k,
			         "%s = 0x%llx disagrees with %s_HIGH = 0x%llx at %u:%u", f->name,
			         (unsigned long long)val, f->name,
			         (unsigned long long)seen->high_val[id], seen->high[id]->line,
			         seen->high[id]->col);
			return;
		}
		if (seen->high[id])
			val = (val & 0xffffffffu) | (seen->high_val[id] << 32);
		cfg->vmcs.value[id] = val;
		/* What this file gives replaces the base's form of the field, wanted or not. */
		if (ctl >= 0) {
			memset(&cfg->wants.ctl[ctl], 0, sizeof(cfg->wants.ctl[ctl]));
			if (hv) {
				cfg->wants.ctl[ctl] = want;
				memcpy(cfg->want_pos[ctl], pos, sizeof(pos));
			}
		}
		if (cr >= 0)
			cfg->wants.cr_fixed[cr] = hv != NULL;
	}
	cfg->vmcs.written[id] = 1;
	cfg->field_pos[id] = pos_of(file, k);
}

static void load_vmcs(struct loader *L, const char *file, const struct ynode *key,
                      const struct ynode *map)
{
	struct file_seen *seen;

	L->cfg->vmcs_pos = pos_of(file, key);
	if (ynode_is_null(map))
		return;
	if (!yrequire_map(map, "vmcs", file, L->diags))
		return;
	seen = calloc(1, sizeof(*seen));
	if (!seen)
		abort();
	for (size_t i = 0; i + 1 < map->n; i += 2)
		set_field(L, file, seen, map->items[i], map->items[i + 1]);
	free(seen);
}

static void load_entry(struct loader *L, const char *file, const struct ynode *map)
{
	struct vmentry_env *env = &L->cfg->env;
	const struct ynode *n;
	const char *s;
	bool b;

	if (!yrequire_map(map, "entry", file, L->diags) ||
	    !ycheck_keys(map, entry_keys, "entry", file, L->diags))
		return;
	for (int e = 0; e < CONFIG_ENTRY__COUNT; e++) {
		struct ynode *k;

		if (ynode_get(map, entry_keys[e], &k))
			L->cfg->entry_pos[e] = pos_of(file, k);
	}
	if ((n = ynode_get(map, "instruction", NULL)) &&
	    yparse_str(n, &s, "instruction", file, L->diags)) {
		if (strcmp(s, "vmlaunch") == 0)
			env->instruction = VMENTRY_VMLAUNCH;
		else if (strcmp(s, "vmresume") == 0)
			env->instruction = VMENTRY_VMRESUME;
		else
			NODE_ERR(L->diags, file, n,
			         "instruction: expected vmlaunch or vmresume, found '%s'", s);
	}
	if ((n = ynode_get(map, "launch_state", NULL)) &&
	    yparse_str(n, &s, "launch_state", file, L->diags)) {
		if (strcmp(s, "clear") == 0)
			env->launch_state = LAUNCH_STATE_CLEAR;
		else if (strcmp(s, "launched") == 0)
			env->launch_state = LAUNCH_STATE_LAUNCHED;
		else
			NODE_ERR(L->diags, file, n,
			         "launch_state: expected clear or launched, found '%s'", s);
	}
	if ((n = ynode_get(map, "mov_ss_blocking", NULL)) &&
	    yparse_bool(n, &b, "mov_ss_blocking", file, L->diags))
		env->mov_ss_blocking = b;
	if ((n = ynode_get(map, "processor_mode", NULL)) &&
	    yparse_str(n, &s, "processor_mode", file, L->diags)) {
		if (strcmp(s, "ia32e") == 0)
			env->ia32e_mode = true;
		else if (strcmp(s, "legacy") == 0)
			env->ia32e_mode = false;
		else
			NODE_ERR(L->diags, file, n,
			         "processor_mode: expected ia32e or legacy, found '%s'", s);
	}
}

static void load_msr_area(struct loader *L, const char *file, const struct ynode *list)
{
	static const char *const keys[] = {"index", "value", "reserved", NULL};
	struct vmcs_config *cfg = L->cfg;

	/* The area is replaced as a whole: an extending file gives the complete list. */
	cfg->env.n_msr_load = 0;
	cfg->env.msr_load_known = true;
	if (ynode_is_null(list))
		return;
	if (list->kind != YN_SEQ) {
		NODE_ERR(L->diags, file, list,
		         "vm_entry_msr_load: expected a list of {index, value} entries");
		return;
	}
	if (list->n > CONFIG_MAX_MSR_LOAD) {
		NODE_ERR(L->diags, file, list, "vm_entry_msr_load: more than %d entries",
		         CONFIG_MAX_MSR_LOAD);
		return;
	}
	if (list->n > L->msr_cap) {
		L->msr_cap = list->n;
		cfg->msr_load = realloc(cfg->msr_load, L->msr_cap * sizeof(*cfg->msr_load));
		cfg->msr_load_pos = realloc(cfg->msr_load_pos, L->msr_cap * sizeof(struct src_pos));
		if (!cfg->msr_load || !cfg->msr_load_pos)
			abort();
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *e = list->items[i], *n;
		struct vmx_msr_entry m = {0, 0, 0};
		uint64_t v;

		if (!yrequire_map(e, "an MSR-load entry", file, L->diags) ||
		    !ycheck_keys(e, keys, "an MSR-load entry", file, L->diags))
			continue;
		if (!(n = ynode_get(e, "index", NULL))) {
			NODE_ERR(L->diags, file, e, "an MSR-load entry needs 'index'");
		} else if (yparse_u64(n, &v, "index", file, L->diags)) {
			if (v > 0xffffffffu)
				NODE_ERR(L->diags, file, n, "index 0x%llx is wider than 32 bits",
				         (unsigned long long)v);
			m.index = (uint32_t)v;
		}
		if (!(n = ynode_get(e, "value", NULL)))
			NODE_ERR(L->diags, file, e, "an MSR-load entry needs 'value'");
		else if (yparse_u64(n, &v, "value", file, L->diags))
			m.value = v;
		if ((n = ynode_get(e, "reserved", NULL)) &&
		    yparse_u64(n, &v, "reserved", file, L->diags)) {
			if (v > 0xffffffffu)
				NODE_ERR(L->diags, file, n,
				         "reserved is bits 63:32 of the entry: "
				         "at most 32 bits");
			m.reserved = (uint32_t)v;
		}
		cfg->msr_load[cfg->env.n_msr_load] = m;
		cfg->msr_load_pos[cfg->env.n_msr_load] = pos_of(file, e);
		cfg->env.n_msr_load++;
	}
}

static void load_memory(struct loader *L, const char *file, const struct ynode *map)
{
	struct vmcs_config *cfg = L->cfg;
	const struct ynode *n, *k;

	if (!yrequire_map(map, "memory", file, L->diags) ||
	    !ycheck_keys(map, memory_keys, "memory", file, L->diags))
		return;
	if ((n = ynode_get(map, "vm_entry_msr_load", NULL)))
		load_msr_area(L, file, n);
	if ((n = ynode_get(map, "guest_pdptes", (struct ynode **)&k))) {
		cfg->pdptes_pos = pos_of(file, k);
		if (n->kind != YN_SEQ || n->n != 4) {
			NODE_ERR(L->diags, file, n, "guest_pdptes: expected a list of 4 integers");
		} else {
			bool ok = true;

			for (int i = 0; i < 4; i++)
				ok &= yparse_u64(n->items[i], &cfg->env.pdpte[i], "guest_pdptes",
				                 file, L->diags);
			cfg->env.pdptes_known = ok;
		}
	}
	if ((n = ynode_get(map, "virtual_apic", NULL))) {
		static const char *const keys[] = {"vtpr", NULL};
		const struct ynode *x;
		uint64_t v;

		if (yrequire_map(n, "virtual_apic", file, L->diags) &&
		    ycheck_keys(n, keys, "virtual_apic", file, L->diags) &&
		    (x = ynode_get(n, "vtpr", NULL)) && yparse_u64(x, &v, "vtpr", file, L->diags)) {
			if (v > 0xff) {
				NODE_ERR(L->diags, file, x, "vtpr: 0x%llx is wider than a byte",
				         (unsigned long long)v);
			} else {
				cfg->env.vtpr_known = true;
				cfg->env.vtpr = (uint8_t)v;
			}
		}
	}
	if ((n = ynode_get(map, "vmcs_link", (struct ynode **)&k))) {
		static const char *const keys[] = {"revision_id", "shadow", "current", NULL};
		const struct ynode *x;
		uint64_t v;

		cfg->link_pos = pos_of(file, k);
		cfg->env.link_known = true;
		cfg->env.link_is_vmcs = false;
		if (ynode_is_null(n))
			return;
		if (!yrequire_map(n, "vmcs_link", file, L->diags) ||
		    !ycheck_keys(n, keys, "vmcs_link", file, L->diags))
			return;
		cfg->env.link_is_vmcs = true;
		if (!(x = ynode_get(n, "revision_id", NULL))) {
			NODE_ERR(L->diags, file, n, "vmcs_link needs 'revision_id'");
		} else if (yparse_u64(x, &v, "revision_id", file, L->diags)) {
			if (v > 0x7fffffffu)
				NODE_ERR(L->diags, file, x,
				         "revision_id is bits 30:0 of the region's first dword; "
				         "give bit 31 as shadow: true");
			cfg->env.link_revision = (uint32_t)v;
		}
		if ((x = ynode_get(n, "shadow", NULL)))
			yparse_bool(x, &cfg->env.link_shadow, "shadow", file, L->diags);
		if ((x = ynode_get(n, "current", NULL)) &&
		    yparse_bool(x, &cfg->env.link_is_current, "current", file, L->diags))
			cfg->env.link_current_known = true;
	}
}

bool caps_name_is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".yaml") == 0);
}

char *path_beside(const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');
	size_t dirlen = slash && rel[0] != '/' ? (size_t)(slash - file) + 1 : 0;
	char *full = malloc(dirlen + strlen(rel) + 1);

	if (!full)
		abort();
	memcpy(full, file, dirlen);
	strcpy(full + dirlen, rel);
	return full;
}

/*
 * Resolves a caps: name; a file name is taken relative to the configuration's folder, as
 * extends: is, and an error names the path that was tried.
 */
static bool resolve_caps(struct loader *L, const char *file, const char *name, struct vmx_caps *out,
                         char *err, size_t errlen)
{
	char *full;
	bool ok;

	if (!L->resolve) {
		snprintf(err, errlen, "no capsdb available");
		return false;
	}
	if (!caps_name_is_path(name))
		return L->resolve(name, out, err, errlen, L->resolve_ctx);
	full = path_beside(file, name);
	ok = L->resolve(full, out, err, errlen, L->resolve_ctx);
	free(full);
	return ok;
}

static void load_caps(struct loader *L, const char *file, const struct ynode *key,
                      const struct ynode *v)
{
	struct vmcs_config *cfg = L->cfg;
	char err[256];

	cfg->caps_pos = pos_of(file, key);
	if (v->kind == YN_SCALAR) {
		if (strlen(v->value) >= VMX_CAPS_NAME_MAX) {
			NODE_ERR(L->diags, file, v, "caps name too long");
			return;
		}
		if (!resolve_caps(L, file, v->value, &cfg->caps, err, sizeof(err))) {
			NODE_ERR(L->diags, file, v, "caps '%s': %s", v->value, err);
			return;
		}
		cfg->has_caps = true;
		snprintf(cfg->caps_name, sizeof(cfg->caps_name), "%s", v->value);
		return;
	}
	if (!yrequire_map(v, "caps", file, L->diags))
		return;
	memset(&cfg->caps, 0, sizeof(cfg->caps));
	snprintf(cfg->caps_name, sizeof(cfg->caps_name), "inline");
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *x = v->items[i + 1];

		if (k->kind == YN_SCALAR && strcmp(k->value, "extends") == 0) {
			const char *s;

			if (!yparse_str(x, &s, "caps extends", file, L->diags))
				continue;
			if (i != 0) {
				NODE_ERR(L->diags, file, k,
				         "'extends' must be the first key of caps");
				continue;
			}
			if (!resolve_caps(L, file, s, &cfg->caps, err, sizeof(err)))
				NODE_ERR(L->diags, file, x, "caps extends '%s': %s", s, err);
			snprintf(cfg->caps_name, sizeof(cfg->caps_name), "inline:%s", s);
			continue;
		}
		if (k->kind == YN_SCALAR && strcmp(k->value, "maxphyaddr") == 0) {
			caps_parse_maxphyaddr(x, &cfg->caps, file, L->diags);
			continue;
		}
		if (k->kind == YN_SCALAR && strcmp(k->value, "cpuid") == 0) {
			caps_parse_cpuid(x, &cfg->caps, NULL, file, L->diags);
			continue;
		}
		if (k->kind == YN_SCALAR && !(k->value[0] >= '0' && k->value[0] <= '9') &&
		    vmx_msr_by_name(k->value, k->len) < 0) {
			yunknown_key(k, caps_keys, "caps (or an IA32_VMX_* MSR name)", file,
			             L->diags);
			continue;
		}
		caps_parse_msr_value(k, x, &cfg->caps, file, L->diags);
	}
	cfg->has_caps = true;
}

static bool load_one(struct loader *L, const char *path);

static void load_extends(struct loader *L, const char *file, const struct ynode *v)
{
	const char *s;
	char *full;

	if (!yparse_str(v, &s, "extends", file, L->diags))
		return;
	full = path_beside(file, s);
	if (L->depth >= CONFIG_MAX_EXTENDS_DEPTH) {
		NODE_ERR(L->diags, file, v, "extends: chain deeper than %d files",
		         CONFIG_MAX_EXTENDS_DEPTH);
	} else {
		char *real = realpath(full, NULL);

		if (!real) {
			NODE_ERR(L->diags, file, v, "extends: cannot open '%s'", full);
		} else {
			bool cycle = false;

			/* Real paths only here: most files extend nothing. */
			for (size_t i = 0; i < L->depth && !cycle; i++) {
				char *other = realpath(L->chain[i], NULL);

				cycle = other && strcmp(other, real) == 0;
				free(other);
			}
			free(real);
			if (cycle)
				NODE_ERR(L->diags, file, v,
				         "extends: '%s' is already being loaded "
				         "(an extends cycle)",
				         s);
			else
				load_one(L, full);
		}
	}
	free(full);
}

static bool load_one(struct loader *L, const char *path)
{
	struct ytree_error err;
	const char *file = keep_file(L->cfg, path);
	struct ytree *t = ytree_load_file(path, &err);
	const struct ynode *root, *k, *v;

	if (!t) {
		load_diag_add(L->diags, DIAG_ERROR, file, err.line, err.col, "%s", err.msg);
		return false;
	}
	root = ytree_root(t);
	if (!root) {
		load_diag_add(L->diags, DIAG_ERROR, file, 1, 1,
		              "empty configuration: a file needs at least 'vmcs:'");
		ytree_free(t);
		return false;
	}
	if (!yrequire_map(root, "a configuration", file, L->diags) ||
	    !ycheck_keys(root, top_keys, "a configuration", file, L->diags)) {
		ytree_free(t);
		return false;
	}
	L->chain[L->depth] = file;
	L->depth++;
	if ((v = ynode_get(root, "version", NULL))) {
		uint64_t ver;

		if (yparse_u64(v, &ver, "version", file, L->diags) && ver != 1)
			NODE_ERR(L->diags, file, v, "format version %llu is not supported (only 1)",
			         (unsigned long long)ver);
	}
	if ((v = ynode_get(root, "extends", NULL)))
		load_extends(L, file, v);
	if ((v = ynode_get(root, "caps", (struct ynode **)&k)))
		load_caps(L, file, k, v);
	if ((v = ynode_get(root, "entry", NULL)))
		load_entry(L, file, v);
	if ((v = ynode_get(root, "vmcs", (struct ynode **)&k)))
		load_vmcs(L, file, k, v);
	else if (L->depth == 1 && !L->cfg->vmcs_pos.file)
		load_diag_add(L->diags, DIAG_ERROR, file, root->line, root->col,
		              "a configuration needs 'vmcs:' (the fields software VMWRITEs)");
	if ((v = ynode_get(root, "memory", NULL)))
		load_memory(L, file, v);
	L->depth--;
	ytree_free(t);
	return true;
}

/* Whether the control bit that introduces a field is 1 in the configuration. */
static bool control_on(const struct vmcs_config *cfg, uint16_t x)
{
	const uint64_t *v = cfg->vmcs.value;
	unsigned bit = VMCS_EXISTS_BIT(x);
	bool sec = (v[VMCS_CPU_BASED_VM_EXEC_CONTROL] >> 31) & 1u;
	bool ter = (v[VMCS_CPU_BASED_VM_EXEC_CONTROL] >> 17) & 1u;
	bool exit2 = (v[VMCS_VM_EXIT_CONTROLS] >> 31) & 1u;

	switch (VMCS_EXISTS_KIND(x)) {
	case VMCS_X_KIND_PIN:
		return (v[VMCS_PIN_BASED_VM_EXEC_CONTROL] >> bit) & 1u;
	case VMCS_X_KIND_PROC:
		return (v[VMCS_CPU_BASED_VM_EXEC_CONTROL] >> bit) & 1u;
	case VMCS_X_KIND_PROC2:
		return sec && ((v[VMCS_SECONDARY_VM_EXEC_CONTROL] >> bit) & 1u);
	case VMCS_X_KIND_PROC3:
		return ter && ((v[VMCS_TERTIARY_VM_EXEC_CONTROL] >> bit) & 1u);
	case VMCS_X_KIND_EXIT:
		return (v[VMCS_VM_EXIT_CONTROLS] >> bit) & 1u;
	case VMCS_X_KIND_EXIT2:
		return exit2 && ((v[VMCS_SECONDARY_VM_EXIT_CONTROLS] >> bit) & 1u);
	case VMCS_X_KIND_ENTRY:
		return (v[VMCS_VM_ENTRY_CONTROLS] >> bit) & 1u;
	default:
		return true; /* capability-introduced: no control of the configuration decides */
	}
}

/*
 * The activate bits of the primary processor-based and VM-exit controls follow the fields they
 * activate when those are given as wanted bits: both fields must be in that form, and the bit
 * is not listed.  The loader's value gets the bit when the field wants any control, so that the
 * warnings about fields whose control is 0 see it in use.
 */
static void check_wants(struct vmcs_config *cfg, struct load_diags *diags)
{
	for (int c = 0; c < VMX_CTL__COUNT; c++) {
		const struct adjust_want *w = &cfg->wants.ctl[c];
		size_t field = adjust_ctl_field((enum vmx_ctl)c), pfield;
		const struct src_pos *p = &cfg->field_pos[field], *q;
		enum vmx_ctl parent;
		unsigned bit;
		const struct vmcs_bits_info *b;
		size_t n;

		if (!w->given || !adjust_activator((enum vmx_ctl)c, &parent, &bit))
			continue;
		pfield = adjust_ctl_field(parent);
		b = vmcs_layout_bits(vmcs_layout_at(vmcs_field_at(pfield)->layout), &n);
		while (n && b->lo != bit)
			b++, n--;
		if (!cfg->wants.ctl[parent].given) {
			load_diag_add(
			    diags, DIAG_ERROR, p->file, p->line, p->col,
			    "%s is given as wanted bits: give %s so too (its %s bit follows "
			    "%s)",
			    vmcs_field_at(field)->name, vmcs_field_at(pfield)->name,
			    n ? b->name : "activate", vmcs_field_at(field)->name);
			continue;
		}
		q = &cfg->want_pos[parent][bit];
		if ((cfg->wants.ctl[parent].required | cfg->wants.ctl[parent].optional) >> bit &
		    1u) {
			load_diag_add(
			    diags, DIAG_ERROR, q->file, q->line, q->col,
			    "%s: %s follows %s (on when one of its controls is used); do not "
			    "list it",
			    vmcs_field_at(pfield)->name, n ? b->name : "the activate bit",
			    vmcs_field_at(field)->name);
			continue;
		}
		if (w->required | w->optional)
			cfg->vmcs.value[pfield] |= 1ull << bit;
	}
}

static void warn_fields(struct vmcs_config *cfg, struct load_diags *diags)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		const struct src_pos *p = &cfg->field_pos[i];

		if (!cfg->vmcs.written[i])
			continue;
		/* Read-only fields: the checker's VMWRITE-READ-ONLY says what their VMWRITE does.
		 */
		if (f->type == VMCS_T_RO)
			continue;
		if (cfg->vmcs.value[i] == 0)
			continue;
		/*
		 * Outside IA-32e mode VMWRITE's source operand is 32 bits and a longer field gets
		 * its high bits cleared (SDM VMWRITE); natural-width fields have no high-access
		 * encoding: the VMCS holds bits 31:0, and VM entry is judged on that.
		 */
		if (!cfg->env.ia32e_mode && f->width == VMCS_WNAT && (cfg->vmcs.value[i] >> 32)) {
			load_diag_add(
			    diags, DIAG_WARNING, p->file, p->line, p->col,
			    "%s = 0x%llx: outside IA-32e mode (processor_mode: legacy) VMWRITE "
			    "stores bits 31:0 of a natural-width field; checked as 0x%llx",
			    f->name, (unsigned long long)cfg->vmcs.value[i],
			    (unsigned long long)(cfg->vmcs.value[i] & 0xffffffffull));
			cfg->vmcs.value[i] &= 0xffffffffull;
		}
		if (!control_on(cfg, f->exists[0]) &&
		    (VMCS_EXISTS_KIND(f->exists[1]) == VMCS_X_KIND_NONE ||
		     !control_on(cfg, f->exists[1]))) {
			const struct vmcs_layout_info *l =
			    vmcs_exists_layout(VMCS_EXISTS_KIND(f->exists[0]));
			const struct vmcs_bits_info *b = NULL;
			size_t n;

			if (l) {
				b = vmcs_layout_bits(l, &n);
				for (size_t j = 0; j < n; j++) {
					if (b[j].lo == VMCS_EXISTS_BIT(f->exists[0]))
						b = &b[j], n = 0;
				}
			}
			load_diag_add(
			    diags, DIAG_WARNING, p->file, p->line, p->col,
			    "%s is set but the control that gives it meaning (%s %s) is 0 "
			    "in this configuration",
			    f->name, l ? l->title : "?", b ? b->name : "?");
		}
	}
}

bool config_load(const char *path, struct vmcs_config *cfg, struct load_diags *diags,
                 caps_resolver resolve, void *resolve_ctx)
{
	struct loader L;
	size_t before = diags->n_errors;

	memset(cfg, 0, sizeof(*cfg));
	memset(&L, 0, sizeof(L));
	L.cfg = cfg;
	L.diags = diags;
	L.resolve = resolve;
	L.resolve_ctx = resolve_ctx;
	cfg->path = strdup(path);
	cfg->env.ia32e_mode = true;
	for (size_t i = 0; i < VMCS_FIELD_CAPACITY; i++)
		cfg->vmcs.known[i] = i < vmcs_field_count();
	load_one(&L, path);
	cfg->env.msr_load = cfg->msr_load;
	if (diags->n_errors == before)
		check_wants(cfg, diags);
	if (diags->n_errors == before)
		warn_fields(cfg, diags);
	return diags->n_errors == before;
}

void config_release(struct vmcs_config *cfg)
{
	for (size_t i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->path);
	free(cfg->msr_load);
	free(cfg->msr_load_pos);
	memset(cfg, 0, sizeof(*cfg));
}
