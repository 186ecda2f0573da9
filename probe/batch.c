/*
 * batch.c -- cases encoded as the batch the vmx-probe image reads (vmx-probe/protocol.h): the
 * header, the read-back list, then one record per case, as a delta of the case before when
 * that is shorter (a corpus of mutations of one configuration mostly is).
 */
#include <stdlib.h>
#include <string.h>

#include "../vmx-probe/protocol.h"
#include "batch.h"
#include "vmcs_ids.h"

struct blob {
	uint8_t *p;
	size_t len, cap;
};

static bool blob_put(struct blob *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return true;
}

static uint32_t case_flags(const struct vmentry_env *env)
{
	uint32_t f = 0;

	if (env->instruction == VMENTRY_VMRESUME)
		f |= VMXP_CASE_VMRESUME;
	if (env->launch_state == LAUNCH_STATE_LAUNCHED)
		f |= VMXP_CASE_LAUNCHED;
	if (env->mov_ss_blocking)
		f |= VMXP_CASE_MOV_SS;
	if (env->msr_load_known && env->n_msr_load)
		f |= VMXP_CASE_MSR_LOAD;
	if (env->pdptes_known)
		f |= VMXP_CASE_PDPTES;
	if (env->link_known)
		f |= VMXP_CASE_LINK;
	if (env->link_known && env->link_is_vmcs)
		f |= VMXP_CASE_LINK_VMCS;
	return f;
}

bool probe_case_may_wait_for_sipi(const struct probe_case *c)
{
	return c->vmcs->written[VMCS_GUEST_ACTIVITY_STATE] &&
	       (uint32_t)c->vmcs->value[VMCS_GUEST_ACTIVITY_STATE] == L_ACTIVITY__V_WAIT_FOR_SIPI;
}

static bool any_may_wait_for_sipi(const struct probe_case *cases, size_t first, size_t n)
{
	for (size_t k = first; k < first + n; k++)
		if (probe_case_may_wait_for_sipi(&cases[k]))
			return true;
	return false;
}

/* Whether field i is written in one of the two cases and not the other, or to another value. */
static bool changed(const struct vmcs_state *v, const struct vmcs_state *prev, size_t i)
{
	return v->written[i] != prev->written[i] ||
	       (v->written[i] && v->value[i] != prev->value[i]);
}

uint8_t *probe_encode_batch(const struct probe_case *cases, size_t first, size_t n,
                            const struct probe_options *opt, size_t *len)
{
	size_t nf = vmcs_field_count();
	struct vmxp_batch h;
	struct blob b = {NULL, 0, 0};
	const struct vmcs_state *prev = NULL;
	struct vmxp_write *w = malloc(sizeof(*w) * nf);
	bool ok = w != NULL;

	memset(&h, 0, sizeof(h));
	h.magic = VMXP_BATCH_MAGIC;
	h.version = VMXP_BATCH_VERSION;
	h.header_size = sizeof(h);
	h.n_cases = (uint32_t)n;
	h.flags = VMXP_BATCH_CHECKSUM | (opt && opt->full_readback ? VMXP_BATCH_FULL_READBACK : 0) |
	          (any_may_wait_for_sipi(cases, first, n) ? VMXP_BATCH_WATCHDOG : 0);
	h.n_readback = (uint32_t)nf;
	h.timer = opt && opt->timer ? opt->timer : PROBE_DEFAULT_TIMER;
	ok = ok && blob_put(&b, &h, sizeof(h));
	for (size_t i = 0; ok && i < nf; i++) {
		uint32_t enc = vmcs_field_at(i)->encoding;

		ok = blob_put(&b, &enc, 4);
	}
	if (ok && (nf & 1)) {
		uint32_t zero = 0;

		ok = blob_put(&b, &zero, 4);
	}
	for (size_t k = first; ok && k < first + n; k++) {
		const struct vmcs_state *v = cases[k].vmcs;
		const struct vmentry_env *env = cases[k].env;
		struct vmxp_case c;
		size_t n_full = 0, n_delta = 0, start = b.len;
		bool delta;

		for (size_t i = 0; i < nf; i++) {
			n_full += v->written[i] != 0;
			n_delta += prev && changed(v, prev, i);
		}
		delta = prev && n_delta < n_full;
		memset(&c, 0, sizeof(c));
		c.id = (uint32_t)k;
		c.flags = case_flags(env) | (delta ? VMXP_CASE_DELTA : 0);
		if (opt && opt->selftest_crash == k + 1)
			c.flags |= VMXP_CASE_SELFTEST_CRASH;
		c.n_writes = (uint32_t)(delta ? n_delta : n_full);
		c.n_msr_load = (c.flags & VMXP_CASE_MSR_LOAD) ? (uint32_t)env->n_msr_load : 0;
		if (c.n_msr_load > VMXP_MAX_MSR_LOAD)
			c.n_msr_load = VMXP_MAX_MSR_LOAD;
		if (env->link_known && env->link_is_vmcs)
			c.link_word = (env->link_revision & 0x7fffffffu) |
			              (env->link_shadow ? 0x80000000u : 0);
		ok = blob_put(&b, &c, sizeof(c));
		for (size_t i = 0, j = 0; ok && i < nf; i++) {
			bool put = delta ? changed(v, prev, i) : v->written[i] != 0;

			if (!put)
				continue;
			w[j].encoding = vmcs_field_at(i)->encoding;
			w[j].op = v->written[i] ? VMXP_OP_WRITE : VMXP_OP_UNWRITE;
			w[j].value = v->written[i] ? v->value[i] : 0;
			ok = blob_put(&b, &w[j], sizeof(w[j]));
			j++;
		}
		for (uint32_t i = 0; ok && i < c.n_msr_load; i++) {
			struct vmxp_msr e = {env->msr_load[i].index, env->msr_load[i].reserved,
			                     env->msr_load[i].value};

			ok = blob_put(&b, &e, sizeof(e));
		}
		if (ok && (c.flags & VMXP_CASE_PDPTES))
			ok = blob_put(&b, env->pdpte, sizeof(env->pdpte));
		if (ok)
			((struct vmxp_case *)(b.p + start))->size = (uint32_t)(b.len - start);
		prev = v;
	}
	free(w);
	if (!ok) {
		free(b.p);
		return NULL;
	}
	((struct vmxp_batch *)b.p)->total_size = (uint32_t)b.len;
	((struct vmxp_batch *)b.p)->checksum = vmxp_fnv1a(VMXP_FNV_INIT, b.p, (uint32_t)b.len);
	*len = b.len;
	return b.p;
}
