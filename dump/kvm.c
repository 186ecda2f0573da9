/*
 * kvm.c -- what is particular to Linux KVM's dump_vmcs(): its header line, the forms of the
 * guest EFER line, the MSR autoload lists, and what the version of the layout implies.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

/* A KVM header "VMCS 00000000c0ffee00, last attempted VM-entry on CPU 3". */
bool kvm_is_header(const char *s, size_t n)
{
	return starts(s, n, "VMCS ") && find(s, n, "last attempted VM-entry") != NOT_FOUND;
}

void kvm_efer(struct dump_parser *p, struct dump *d, const struct kvline *L, const struct kv *kv,
              const struct msg *m)
{
	bool has_pat = false;

	for (int i = 0; i < L->n; i++)
		if (key_eq(L->kv[i].key, "PAT"))
			has_pat = true;
	p->st.efer_seen = true;
	if (d->format == DUMP_FMT_XEN) {
		/* Older Xen: "EFER = 0x...  PAT = 0x..." read from the VMCS field. */
		set_field_at(d, VMCS_GUEST_IA32_EFER, kv->v, m, kv->at);
		return;
	}
	if (has_pat) {
		p->st.efer_old_style = true; /* Linux 4.3-5.11: the VMCS field, printed with PAT */
		set_field_at(d, VMCS_GUEST_IA32_EFER, kv->v, m, kv->at);
		return;
	}
	p->st.efer_new_style = true;
	if (kv->ann[0] == '\0') {
		/* Linux 5.12+: printed bare only when "load IA32_EFER" is 1: the VMCS field */
		set_field_at(d, VMCS_GUEST_IA32_EFER, kv->v, m, kv->at);
	} else if (key_eq(kv->ann, "autoload")) {
		note(d, m->line,
		     "EFER 0x%llx comes from KVM's MSR autoload list, not from GUEST_IA32_EFER: "
		     "\"load IA32_EFER\" is 0, so VM entry does not read that field (left unknown)",
		     (unsigned long long)kv->v);
	} else {
		note(d, m->line,
		     "EFER 0x%llx is KVM's effective EFER (%s), not GUEST_IA32_EFER: \"load "
		     "IA32_EFER\" is 0, so VM entry does not read that field (left unknown) and "
		     "takes EFER.LMA/LME from the \"IA-32e mode guest\" control",
		     (unsigned long long)kv->v, kv->ann);
	}
}

bool kvm_msr_list_label(const char *label, int *kind)
{
	if (key_eq(label, "MSR guest autoload"))
		*kind = LIST_ENTRY_LOAD;
	else if (key_eq(label, "MSR guest autostore") || key_eq(label, "MSR autostore"))
		*kind = LIST_EXIT_STORE;
	else if (key_eq(label, "MSR host autoload"))
		*kind = LIST_EXIT_LOAD;
	else
		return false;
	return true;
}

void kvm_msr_entry(struct dump_parser *p, struct dump *d, const struct kvline *L,
                   const struct msg *m)
{
	uint64_t idx = 0, val = 0;
	bool have_idx = false, have_val = false;
	int list = p->st.list;

	for (int i = 0; i < L->n; i++) {
		if (key_eq(L->kv[i].key, "msr") && L->kv[i].ok) {
			idx = L->kv[i].v;
			have_idx = true;
		} else if (key_eq(L->kv[i].key, "value") && L->kv[i].ok) {
			val = L->kv[i].v;
			have_val = true;
		}
	}
	if (!have_idx || !have_val || idx > 0xffffffffu) {
		warn(d, m->line,
		     "cannot read this MSR-list entry (expected msr=0x... value=0x...)");
		p->st.list_seen[list] = false; /* the list is not known completely */
		return;
	}
	if (list == LIST_ENTRY_LOAD) {
		size_t k = p->st.list_n[list];

		if (k < DUMP_MAX_MSRS) {
			d->msr_load[k].index = (uint32_t)idx;
			d->msr_load[k].reserved = 0;
			d->msr_load[k].value = val;
			d->msr_load_line[k] = m->line;
		} else if (k == DUMP_MAX_MSRS) {
			warn(d, m->line, "more than %d MSR-load entries: the rest is not kept",
			     DUMP_MAX_MSRS);
		}
	}
	p->st.list_n[list]++;
}

static const char *kvm_variant(int v)
{
	switch (v) {
	case 1:
		return "Linux 4.3 to 5.11";
	case 2:
		return "Linux 5.12 or later";
	case 3:
		return "Linux 5.14 or later";
	case 4:
		return "Linux 5.17 or later";
	default:
		return "Linux 4.3 or later";
	}
}

void kvm_finish(struct dump_parser *p, struct dump *d)
{
	struct state *st = &p->st;
	unsigned host = st->hdr_line[SEC_HOST], ctrl = st->hdr_line[SEC_CTRL];

	if (st->efer_old_style && st->version < 1)
		st->version = 1;
	if (st->efer_new_style && st->version < 2)
		st->version = 2;
	if (d->vmcs.known[VMCS_TERTIARY_VM_EXEC_CONTROL] && st->version < 4)
		st->version = 4;
	snprintf(d->variant, sizeof(d->variant), "KVM dump_vmcs(), %s", kvm_variant(st->version));
	/*
	 * Since Linux 5.12 (the same change that prints "EFER= ... (effective)") the MSR lists are
	 * printed whenever their VMCS count is not 0: a missing list means 0.
	 */
	if (st->efer_new_style) {
		if (!st->list_seen[LIST_ENTRY_LOAD])
			infer_field(
			    d, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0, host,
			    "KVM prints the guest autoload list whenever the count is not 0");
		if (!st->list_seen[LIST_EXIT_STORE])
			infer_field(d, VMCS_VM_EXIT_MSR_STORE_COUNT, 0, host,
			            "KVM prints the autostore list whenever the count is not 0");
		if (!st->list_seen[LIST_EXIT_LOAD])
			infer_field(
			    d, VMCS_VM_EXIT_MSR_LOAD_COUNT, 0, ctrl,
			    "KVM prints the host autoload list whenever the count is not 0");
	}
}
