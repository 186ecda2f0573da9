/*
 * xen.c -- what is particular to Xen's vmcs_dump_vcpu(): the banner, the segment table of
 * newer versions ("  CS: 0008 0a09b ffffffff 0000000000000000"), the 'v' debug key's domain
 * and vCPU lines, and what a complete dump implies.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

/* "************* VMCS Area **************" (the 'v' key's "VMCS Areas" banner opens none). */
bool xen_banner(const struct msg *m)
{
	return m->xen && m->n > 0 && m->s[0] == '*' && find(m->s, m->n, "VMCS Area") != NOT_FOUND;
}

bool xen_table_line(struct dump_parser *p, struct dump *d, const struct kvline *L,
                    const struct msg *m)
{
	int seg = seg_index(L->label), dt = dt_index(L->label);
	uint64_t w[4];
	size_t at[4];
	int want = seg >= 0 ? 4 : 2;
	int k = hex_words(L->rest, L->restn, L->rest_at, w, at, want);

	if (k != want) {
		if (seg >= 0)
			warn(d, m->line, "cannot read the %s line (expected: sel attr limit base)",
			     seg_name(seg));
		else
			warn(d, m->line, "cannot read the %s line (expected: limit base)",
			     dt ? "IDTR" : "GDTR");
		return true;
	}
	if (seg >= 0) {
		p->st.xen_table = true;
		set_field_at(d, seg_sel[seg], w[0], m, at[0]);
		set_field_at(d, seg_ar[seg], w[1], m, at[1]);
		set_field_at(d, seg_limit[seg], w[2], m, at[2]);
		set_field_at(d, seg_base[seg], w[3], m, at[3]);
	} else {
		set_field_at(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, w[0], m, at[0]);
		set_field_at(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, w[1], m, at[1]);
	}
	return true;
}

/* Xen 'v' key context: ">>> Domain 3 <<<" and "VCPU 0". */
void xen_context_line(struct dump_parser *p, const struct msg *m)
{
	if (!m->xen)
		return;
	if (starts(m->s, m->n, ">>> Domain ")) {
		size_t i = 11;
		uint64_t dom;

		if (parse_num(m->s, m->n, &i, &dom)) {
			snprintf(p->xen_context, sizeof(p->xen_context), "d%llu",
			         (unsigned long long)dom);
			p->xen_context_line = m->line;
		}
	} else if (starts(m->s, m->n, "VCPU ") && p->xen_context[0] == 'd') {
		size_t i = 5;
		uint64_t vc;
		char *vpos = strchr(p->xen_context, 'v');

		if (vpos)
			*vpos = '\0';
		if (parse_num(m->s, m->n, &i, &vc)) {
			size_t len = strlen(p->xen_context);

			snprintf(p->xen_context + len, sizeof(p->xen_context) - len, "v%llu",
			         (unsigned long long)vc);
			p->xen_context_line = m->line;
		}
	}
}

void xen_finish(struct dump_parser *p, struct dump *d)
{
	struct state *st = &p->st;
	unsigned ctrl = st->hdr_line[SEC_CTRL];
	char ctxbuf[sizeof(st->context) + 4] = "";

	if (st->context[0])
		snprintf(ctxbuf, sizeof(ctxbuf), " (%s)", st->context);
	snprintf(d->variant, sizeof(d->variant), "Xen vmcs_dump_vcpu()%s%s",
	         st->xen_table ? ", segment table" : "", ctxbuf);
	/* Xen prints every CR3-target value the count covers. */
	if (ctrl && (st->xen_closed || d->vmcs.known[VMCS_PLE_GAP] ||
	             d->vmcs.known[VMCS_VIRTUAL_PROCESSOR_ID]))
		infer_field(d, VMCS_CR3_TARGET_COUNT, st->cr3_targets, ctrl,
		            "Xen prints one CR3-target value per count");
}
