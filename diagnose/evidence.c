/*
 * evidence.c -- what a dump and its log prove about the processor's capabilities
 * (diagnose.h): each piece of evidence with the line it comes from, as partial capability-MSR
 * and CPUID knowledge (vmx_caps_learn_msr(), vmx_caps_set_cpuid_partial()).
 *
 * The allowed settings of the pin-based, primary processor-based, VM-exit and VM-entry
 * controls go into their TRUE capability MSRs only: with IA32_VMX_BASIC unknown the checker
 * reads a TRUE MSR that has known bits (SDM A.2: the TRUE MSRs report the same allowed-1
 * settings as the others and the exact allowed-0 ones).
 */
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "evidence_internal.h"
#include "vmcs_ids.h"

struct evidence_item *ev_add(struct evidence *ev, uint8_t kind, unsigned line)
{
	struct evidence_item *it;

	if (ev->n >= EV_MAX_ITEMS) {
		ev->dropped++;
		return NULL;
	}
	it = &ev->item[ev->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->line = line;
	return it;
}

void ev_msr(struct evidence_item *it, enum vmx_msr_id msr, uint64_t mask, uint64_t value)
{
	if (!it || it->n_msr >= sizeof(it->msr) / sizeof(it->msr[0]) || !mask)
		return;
	it->msr[it->n_msr].msr = (uint8_t)msr;
	it->msr[it->n_msr].mask = mask;
	it->msr[it->n_msr].value = value & mask;
	it->n_msr++;
}

void ev_cpuid(struct evidence_item *it, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
              unsigned bit, bool value)
{
	struct ev_cpuid *c;

	if (!it || it->n_cpuid >= sizeof(it->cpuid) / sizeof(it->cpuid[0]))
		return;
	c = &it->cpuid[it->n_cpuid++];
	c->leaf = leaf;
	c->subleaf = subleaf;
	c->reg = (uint8_t)reg;
	c->bit = (uint8_t)bit;
	c->value = value;
}

/* One CPUID bit known, the rest of its register as it was. */
static void learn_cpuid_bit(struct vmx_caps *caps, const struct ev_cpuid *e)
{
	const struct vmx_cpuid_leaf *l = vmx_caps_cpuid(caps, e->leaf, e->subleaf);
	uint32_t value = 0, unknown = ~0u, m = 1u << e->bit;

	if (l && ((l->known >> e->reg) & 1u))
		return; /* known from the capsdb entry */
	if (l && ((l->partial >> e->reg) & 1u)) {
		value = l->reg[e->reg];
		unknown = l->unknown[e->reg];
	}
	value = (value & ~m) | (e->value ? m : 0);
	unknown &= ~m;
	vmx_caps_set_cpuid_partial(caps, e->leaf, e->subleaf, (enum cpuid_reg)e->reg, value,
	                           unknown);
}

void evidence_apply_item(const struct evidence_item *it, struct vmx_caps *caps)
{
	for (size_t k = 0; k < it->n_msr; k++)
		vmx_caps_learn_msr(caps, (enum vmx_msr_id)it->msr[k].msr, it->msr[k].mask,
		                   it->msr[k].value);
	for (size_t k = 0; k < it->n_cpuid; k++)
		learn_cpuid_bit(caps, &it->cpuid[k]);
}

void evidence_apply(const struct evidence *ev, unsigned kinds, struct vmx_caps *caps)
{
	for (size_t i = 0; i < ev->n; i++)
		if ((kinds >> ev->item[i].kind) & 1u)
			evidence_apply_item(&ev->item[i], caps);
}

/* ---- the dump ---- */

/* The name of bit b of a layout ("PROCESS_POSTED_INTERRUPTS"), or NULL. */
static const char *bit_name(const struct vmcs_layout_info *l, unsigned b)
{
	size_t n;
	const struct vmcs_bits_info *bits = l ? vmcs_layout_bits(l, &n) : NULL;

	for (size_t i = 0; bits && i < n; i++)
		if (bits[i].lo == b && bits[i].hi == b)
			return bits[i].name;
	return NULL;
}

/*
 * The capability a field's existence proves (SDM: a field exists only where the processor
 * supports the 1-setting of the control that introduces it): the MSR bits, and in words.
 */
static bool exists_capability(uint16_t x, struct evidence_item *it, char *buf, size_t n)
{
	enum vmcs_exists_kind kind = VMCS_EXISTS_KIND(x);
	unsigned b = VMCS_EXISTS_BIT(x);
	const struct vmcs_layout_info *l = vmcs_exists_layout(kind);
	static const char *const what[VMCS_X_KIND__COUNT] = {
	    [VMCS_X_KIND_PIN] = "pin-based control",
	    [VMCS_X_KIND_PROC] = "primary processor-based control",
	    [VMCS_X_KIND_PROC2] = "secondary processor-based control",
	    [VMCS_X_KIND_PROC3] = "tertiary processor-based control",
	    [VMCS_X_KIND_EXIT] = "VM-exit control",
	    [VMCS_X_KIND_EXIT2] = "secondary VM-exit control",
	    [VMCS_X_KIND_ENTRY] = "VM-entry control",
	};
	enum vmx_msr_id msr;
	const char *name;

	switch (kind) {
	case VMCS_X_KIND_PIN:
		ev_msr(it, VMX_MSR_TRUE_PINBASED_CTLS, 1ull << (32 + b), ~0ull);
		break;
	case VMCS_X_KIND_PROC:
		ev_msr(it, VMX_MSR_TRUE_PROCBASED_CTLS, 1ull << (32 + b), ~0ull);
		break;
	case VMCS_X_KIND_EXIT:
		ev_msr(it, VMX_MSR_TRUE_EXIT_CTLS, 1ull << (32 + b), ~0ull);
		break;
	case VMCS_X_KIND_ENTRY:
		ev_msr(it, VMX_MSR_TRUE_ENTRY_CTLS, 1ull << (32 + b), ~0ull);
		break;
	case VMCS_X_KIND_PROC2:
		/* A secondary control exists only with "activate secondary controls" (bit 31). */
		ev_msr(it, VMX_MSR_PROCBASED_CTLS2, 1ull << (32 + b), ~0ull);
		ev_msr(it, VMX_MSR_TRUE_PROCBASED_CTLS, 1ull << 63, ~0ull);
		break;
	case VMCS_X_KIND_PROC3:
		ev_msr(it, VMX_MSR_PROCBASED_CTLS3, 1ull << b, ~0ull);
		ev_msr(it, VMX_MSR_TRUE_PROCBASED_CTLS, 1ull << (32 + 17), ~0ull);
		break;
	case VMCS_X_KIND_EXIT2:
		ev_msr(it, VMX_MSR_EXIT_CTLS2, 1ull << b, ~0ull);
		ev_msr(it, VMX_MSR_TRUE_EXIT_CTLS, 1ull << 63, ~0ull);
		break;
	case VMCS_X_KIND_MISC:
	case VMCS_X_KIND_EPTVPID:
	case VMCS_X_KIND_VMFUNC:
		msr = kind == VMCS_X_KIND_MISC      ? VMX_MSR_MISC
		      : kind == VMCS_X_KIND_EPTVPID ? VMX_MSR_EPT_VPID_CAP
		                                    : VMX_MSR_VMFUNC;
		ev_msr(it, msr, 1ull << b, ~0ull);
		name = bit_name(vmx_msr_layout(msr), b);
		snprintf(buf, n, "%s bit %u%s%s%s is 1", vmx_msr_name(msr), b, name ? " (" : "",
		         name ? name : "", name ? ")" : "");
		return true;
	default:
		return false;
	}
	name = bit_name(l, b);
	snprintf(buf, n, "%s %s%s%s bit %u may be 1", what[kind], name ? "\"" : "",
	         name ? name : "", name ? "\"," : "", b);
	return true;
}

/* Fields KVM and Xen print only after reading them: a value other than 0 was read. */
static void existence_items(const struct dump *d, struct evidence *ev)
{
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_info *f = vmcs_field_at(i);
		struct evidence_item *it;
		char cap[160];

		if (!d->shown[i] || d->vmcs.value[i] == 0)
			continue;
		/* Two ways to exist: which one this processor has is unknown. */
		if (VMCS_EXISTS_KIND(f->exists[1]) != VMCS_X_KIND_NONE)
			continue;
		if (VMCS_EXISTS_KIND(f->exists[0]) <= VMCS_X_KIND_ALWAYS)
			continue;
		it = ev_add(ev, EV_DUMP, d->field_line[i]);
		if (!it)
			return;
		if (!exists_capability(f->exists[0], it, cap, sizeof(cap))) {
			ev->n--;
			continue;
		}
		snprintf(it->text, sizeof(it->text),
		         "%s = 0x%llx is shown, so the field exists (a failed VMREAD shows 0): %s",
		         f->name, (unsigned long long)d->vmcs.value[i], cap);
	}
}

/* The names of the set bits of v in layout l ("PAE, VMXE, LA57"). */
static void bit_names(const struct vmcs_layout_info *l, uint64_t v, char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < 64 && k + 1 < n; b++) {
		const char *name;

		if (!((v >> b) & 1u))
			continue;
		name = bit_name(l, b);
		if (name)
			k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? " " : "", name);
		else
			k += (size_t)snprintf(buf + k, n - k, "%sbit%u", k ? " " : "", b);
	}
	if (k >= n)
		buf[n - 1] = '\0';
}

/* The host runs with its CR0, CR4 and EFER: the bits it sets are supported. */
static void host_items(const struct dump *d, struct evidence *ev)
{
	struct evidence_item *it;
	char names[120];

	if (d->shown[VMCS_HOST_CR0] && (it = ev_add(ev, EV_DUMP, d->field_line[VMCS_HOST_CR0]))) {
		uint64_t v = d->vmcs.value[VMCS_HOST_CR0];

		bit_names(vmcs_layout_by_id("L_CR0"), v, names, sizeof(names));
		ev_msr(it, VMX_MSR_CR0_FIXED1, v, v);
		snprintf(it->text, sizeof(it->text),
		         "HOST_CR0 = 0x%llx: the host runs with %s set, so IA32_VMX_CR0_FIXED1 "
		         "allows them",
		         (unsigned long long)v, names);
	}
	if (d->shown[VMCS_HOST_CR4] && (it = ev_add(ev, EV_DUMP, d->field_line[VMCS_HOST_CR4]))) {
		uint64_t v = d->vmcs.value[VMCS_HOST_CR4];
		bool la57 = (v & BITMASK(L_CR4, LA57)) != 0;

		bit_names(vmcs_layout_by_id("L_CR4"), v, names, sizeof(names));
		ev_msr(it, VMX_MSR_CR4_FIXED1, v, v);
		if (la57)
			ev_cpuid(it, 7, 0, CPUID_ECX, 16, true);
		snprintf(it->text, sizeof(it->text),
		         "HOST_CR4 = 0x%llx: the host runs with %s set, so IA32_VMX_CR4_FIXED1 "
		         "allows them%s",
		         (unsigned long long)v, names,
		         la57 ? "; LA57: the processor has 57-bit linear addresses" : "");
	}
	if (d->shown[VMCS_HOST_IA32_EFER] && d->vmcs.value[VMCS_HOST_IA32_EFER] &&
	    (it = ev_add(ev, EV_DUMP, d->field_line[VMCS_HOST_IA32_EFER]))) {
		uint64_t v = d->vmcs.value[VMCS_HOST_IA32_EFER];
		bool nx = (v & BITMASK(L_EFER, NXE)) != 0;
		bool lm = (v & (BITMASK(L_EFER, LME) | BITMASK(L_EFER, LMA))) != 0;

		if (nx)
			ev_cpuid(it, 0x80000001u, 0, CPUID_EDX, 20, true);
		if (lm)
			ev_cpuid(it, 0x80000001u, 0, CPUID_EDX, 29, true);
		if (!nx && !lm) {
			ev->n--;
			return;
		}
		snprintf(
		    it->text, sizeof(it->text),
		    "HOST_IA32_EFER = 0x%llx: the host runs with%s%s, so the processor has%s%s",
		    (unsigned long long)v, nx ? " NXE" : "", lm ? " LME/LMA" : "",
		    nx ? " execute-disable (CPUID.80000001H:EDX.NX)" : "",
		    lm ? (nx ? " and Intel 64 (EDX.LM)" : " Intel 64 (CPUID.80000001H:EDX.LM)")
		       : "");
	}
}

/*
 * The CR0 and CR4 bits every processor that supports VMX fixes to 1 in VMX operation: PE, NE
 * and PG of CR0 and VMXE of CR4.  The SDM names them for the first VMX processors (Vol. 3C
 * 24.8 "Restrictions on VMX Operation"), and every processor since reports the same
 * IA32_VMX_CR0_FIXED0/CR4_FIXED0 (every capsdb entry does; a test keeps that true).  An
 * unknown processor fixes them too; whether it fixes other bits stays unknown.
 */
#define ARCH_CR0_FIXED1S 0x80000021ull /* PG, NE, PE */
#define ARCH_CR4_FIXED1S 0x2000ull     /* VMXE */

/* Whether the dump shows "unrestricted guest" on (it exempts the guest's CR0.PE and PG). */
static bool shows_unrestricted_guest(const struct dump *d)
{
	const uint64_t *v = d->vmcs.value;
	const uint8_t *k = d->vmcs.known;

	return k[VMCS_CPU_BASED_VM_EXEC_CONTROL] && k[VMCS_SECONDARY_VM_EXEC_CONTROL] &&
	       (v[VMCS_CPU_BASED_VM_EXEC_CONTROL] & BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)) &&
	       (v[VMCS_SECONDARY_VM_EXEC_CONTROL] & BITMASK(L_PROC2, UNRESTRICTED_GUEST));
}

/*
 * Only where the dump shows a CR field that clears one of those bits: there it decides a
 * failure that an unknown processor would leave undecided (a value that sets them all still
 * depends on the bits the processor may fix besides).
 */
static void arch_items(const struct dump *d, struct evidence *ev)
{
	static const struct {
		int field;
		uint64_t bits;
	} crs[] = {{VMCS_GUEST_CR0, ARCH_CR0_FIXED1S},
	           {VMCS_GUEST_CR4, ARCH_CR4_FIXED1S},
	           {VMCS_HOST_CR0, ARCH_CR0_FIXED1S},
	           {VMCS_HOST_CR4, ARCH_CR4_FIXED1S}};
	struct evidence_item *it;
	char names[80];
	uint64_t clear;
	int f;

	for (size_t i = 0; i < sizeof(crs) / sizeof(crs[0]); i++) {
		f = crs[i].field;
		if (!d->shown[f] || !d->vmcs.known[f])
			continue;
		clear = ~d->vmcs.value[f] & crs[i].bits;
		if (f == VMCS_GUEST_CR0 && shows_unrestricted_guest(d))
			clear &= BITMASK(L_CR0, NE);
		if (!clear)
			continue;
		it = ev_add(ev, EV_ARCH, d->field_line[f]);
		if (!it)
			return;
		ev_msr(it, VMX_MSR_CR0_FIXED0, ARCH_CR0_FIXED1S, ARCH_CR0_FIXED1S);
		ev_msr(it, VMX_MSR_CR4_FIXED0, ARCH_CR4_FIXED1S, ARCH_CR4_FIXED1S);
		bit_names(vmcs_layout_by_id(crs[i].bits == ARCH_CR4_FIXED1S ? "L_CR4" : "L_CR0"),
		          clear, names, sizeof(names));
		snprintf(it->text, sizeof(it->text),
		         "%s = 0x%llx clears %s: every processor that supports VMX fixes CR0.PE, "
		         "CR0.NE, CR0.PG and CR4.VMXE to 1 in VMX operation (SDM \"Restrictions on "
		         "VMX Operation\"; every capsdb entry reports it), \"unrestricted guest\" "
		         "exempting the guest's PE and PG",
		         vmcs_field_at((size_t)f)->name, (unsigned long long)d->vmcs.value[f],
		         names);
		return;
	}
}

void evidence_from_dump(const struct dump *d, bool host_too, struct evidence *ev)
{
	if (d->format == DUMP_FMT_QEMU)
		return; /* QEMU shows its own view of the vCPU, not VMREADs */
	existence_items(d, ev);
	if (host_too)
		host_items(d, ev);
	arch_items(d, ev);
}

/*
 * cpuinfo's "vmx flags": the allowed 1-settings its names prove.  Under a hypervisor too: the
 * list is what the hypervisor offers that kernel, whose VM entries it checks against it.
 */
static void vmx_flags_item(const struct dump_vmx_flags *x, struct evidence *ev)
{
	struct evidence_item *it;
	char msrs[200] = "";

	if (!x->line || !x->n || !(it = ev_add(ev, EV_LOG, x->line)))
		return;
	for (unsigned m = 0; m < VMX_MSR__COUNT; m++) {
		size_t used = strlen(msrs);

		if (!x->allowed1[m])
			continue;
		ev_msr(it, (enum vmx_msr_id)m, x->allowed1[m], x->allowed1[m]);
		snprintf(msrs + used, sizeof(msrs) - used, "%s%s", used ? ", " : "",
		         vmx_msr_name((enum vmx_msr_id)m));
	}
	/* cut like any evidence text when the names run long */
	if (snprintf(it->text, sizeof(it->text),
	             "cpuinfo's \"vmx flags\" lists %u VMX feature%s (%s%s): Linux lists a feature "
	             "when its capability bits allow 1, so those bits of %s allow 1",
	             x->n, x->n == 1 ? "" : "s", x->shown, x->n > 6 ? ", ..." : "",
	             msrs) >= (int)sizeof(it->text))
		memcpy(it->text + sizeof(it->text) - 4, "...", 4);
}

void evidence_from_log(const struct dump *d, const struct dump_facts *f,
                       const struct processor *proc, struct evidence *ev)
{
	struct evidence_item *it;

	vmx_flags_item(&f->vmx_flags, ev);

	/* cpuinfo is the kernel's view; a virtual CPU's widths are the host's choice. */
	if (!f->virt_bits || f->virt_bits_conflict || proc->under_hv || d->format == DUMP_FMT_XEN)
		return;
	it = ev_add(ev, EV_LOG, f->virt_bits_line);
	if (!it)
		return;
	ev_cpuid(it, 7, 0, CPUID_ECX, 16, f->virt_bits == 57);
	snprintf(it->text, sizeof(it->text),
	         "cpuinfo says \"%u bits virtual\": the processor %s 5-level paging "
	         "(CPUID.(EAX=07H,ECX=0):ECX[16] = %d)",
	         f->virt_bits, f->virt_bits == 57 ? "has" : "does not have", f->virt_bits == 57);
}
