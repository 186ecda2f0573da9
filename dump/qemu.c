/*
 * qemu.c -- QEMU's register dump after "KVM: entry failed" (target/i386 x86_cpu_dump_state()):
 * QEMU's own view of the vCPU ("CS =0008 00000000 ffffffff 00a09b00 ..."), in its 32-bit
 * (EAX=...) and 64-bit (RAX=..., R8 =..., "DPL=0 CS64 [-RA]") layouts.  Only some of it maps to
 * VMCS fields.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

bool qemu_start(const struct msg *m)
{
	if (m->xen)
		return false;
	if (starts(m->s, m->n, "EAX="))
		return find(m->s, m->n, "EBX=") != NOT_FOUND;
	if (starts(m->s, m->n, "RAX="))
		return find(m->s, m->n, "RBX=") != NOT_FOUND;
	return false;
}

static bool qemu_seg_name(const char *s, size_t n, int *seg, size_t *after)
{
	static const char *const names[] = {"ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR"};

	for (int i = 0; i < 8; i++) {
		size_t k = strlen(names[i]), j;

		if (!starts(s, n, names[i]))
			continue;
		j = skip_sp(s, n, k);
		if (j < n && s[j] == '=' && j <= 3) {
			*seg = i;
			*after = j + 1;
			return true;
		}
	}
	return false;
}

/*
 * Whether the value read at [at, end) is the line's last and shorter than the width QEMU prints
 * it with (zero-padded): the line was cut there, and the value is not used.
 */
static bool qemu_cut(struct dump *d, const struct msg *m, size_t at, size_t end, size_t width,
                     const char *what)
{
	if (end - at >= width || skip_sp(m->s, m->n, end) < m->n)
		return false;
	warn(d, m->line,
	     "the line is cut in the %s (%zu of its %zu digits): it is incomplete and is not used",
	     what, end - at, width);
	return true;
}

static bool qemu_seg(struct dump *d, const struct msg *m, int seg, size_t after)
{
	/* selector %04x, base %08x (%016x in 64-bit layouts), limit %08x, flags %08x */
	static const size_t width[4] = {4, 8, 8, 8};
	static const char *const what[4] = {"selector", "base", "limit", "flags"};
	uint64_t w[4], ar;
	size_t at[4], end[4], i = after;
	int k = 0;

	while (k < 4) {
		i = skip_sp(m->s, m->n, i);
		at[k] = i;
		if (!parse_hex(m->s, m->n, &i, &w[k]))
			break;
		end[k++] = i;
	}
	if (k > 0 && qemu_cut(d, m, at[k - 1], end[k - 1], width[k - 1], what[k - 1]))
		k--;
	else if (k == 3)
		warn(d, m->line,
		     "the line ends before the segment's flags: its access rights are "
		     "unknown");
	if (k < 3) {
		warn(d, m->line,
		     "cannot read the QEMU segment line (expected: selector base limit flags)");
		return true;
	}
	set_field_at(d, seg_sel[seg], w[0], m, at[0]);
	set_field_at(d, seg_base[seg], w[1], m, at[1]);
	set_field_at(d, seg_limit[seg], w[2], m, at[2]);
	if (k == 3)
		return true; /* the flags were cut: the access rights stay unknown */
	/* KVM's view: a segment that is not present is unusable; a usable code or data segment
	 * gets its accessed bit set (KVM does so with unrestricted guest). */
	if (w[3] & 0x8000u) {
		ar = (w[3] >> 8) & 0xf0ffu;
		if (seg != 6 && seg != 7 && (ar & 0x10u))
			ar |= 1u;
	} else {
		ar = 0x10000u;
	}
	set_field_at(d, seg_ar[seg], ar, m, at[3]);
	return true;
}

/* "GDT=     base limit": the tokenizer read the base; the limit follows. */
static bool qemu_dt(struct dump *d, const struct msg *m, int dt)
{
	const char *s = m->s;
	size_t i = find(s, m->n, "=") + 1, c1, c2;
	uint64_t base, limit;

	i = skip_sp(s, m->n, i);
	c1 = i;
	if (!parse_hex(s, m->n, &i, &base))
		return false;
	i = skip_sp(s, m->n, i);
	c2 = i;
	if (!parse_hex(s, m->n, &i, &limit)) {
		warn(d, m->line, "cannot read the %s line (expected: base limit)",
		     dt ? "IDT" : "GDT");
		return true;
	}
	set_field_at(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, base, m, c1);
	if (qemu_cut(d, m, c2, i, 8, "limit")) /* printed %08x */
		return true;
	set_field_at(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, limit, m, c2);
	return true;
}

/*
 * Whether the first key of a line is one QEMU's dump begins a line with, or one a mail client
 * re-wrapping the debug-register lines starts a line with (DR0-DR3 are printed on one line,
 * DR6 and DR7 on the next).
 */
static bool qemu_first_key(const char *k)
{
	static const char *const keys[] = {"EAX", "ESI", "EIP", "RAX", "RSI",  "R8",  "R12", "R16",
	                                   "R20", "R24", "R28", "RIP", "CR0",  "DR0", "DR1", "DR2",
	                                   "DR3", "DR6", "DR7", "CCS", "EFER", "FCW"};
	static const char *const prefixes[] = {"FPR", "XMM", "YMM", "ZMM", "Opmask"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_eq(k, keys[i]))
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts(k, strlen(k), prefixes[i]))
			return true;
	return false;
}

static void qemu_value(struct dump *d, const struct msg *m, const struct kv *kv)
{
	const char *k = kv->key;

	if (key_eq(k, "EIP") || key_eq(k, "RIP")) {
		set_field_at(d, VMCS_GUEST_RIP, kv->v, m, kv->at);
	} else if (key_eq(k, "ESP") || key_eq(k, "RSP")) {
		set_field_at(d, VMCS_GUEST_RSP, kv->v, m, kv->at);
	} else if (key_eq(k, "EFL") || key_eq(k, "RFL")) {
		set_field_at(d, VMCS_GUEST_RFLAGS, kv->v, m, kv->at);
	} else if (key_eq(k, "CR0")) {
		set_field_at(d, VMCS_CR0_READ_SHADOW, kv->v, m, kv->at);
		note(d, m->line,
		     "CR0 0x%llx is the guest's view: mapped to CR0_READ_SHADOW; GUEST_CR0 (which "
		     "KVM ORs with the bits VMX requires) is unknown",
		     (unsigned long long)kv->v);
	} else if (key_eq(k, "CR4")) {
		set_field_at(d, VMCS_CR4_READ_SHADOW, kv->v, m, kv->at);
		note(d, m->line,
		     "CR4 0x%llx is the guest's view: mapped to CR4_READ_SHADOW; GUEST_CR4 (which "
		     "has CR4.VMXE set by KVM) is unknown",
		     (unsigned long long)kv->v);
	} else if (key_eq(k, "CR3")) {
		set_field_at(d, VMCS_GUEST_CR3, kv->v, m, kv->at);
		note(d, m->line,
		     "CR3 mapped to GUEST_CR3 assuming EPT (KVM's default); without EPT the VMCS "
		     "holds KVM's shadow page-table root instead");
	} else if (key_eq(k, "DR7")) {
		set_field_at(d, VMCS_GUEST_DR7, kv->v, m, kv->at);
	} else if (key_eq(k, "EFER")) {
		note(d, m->line,
		     "EFER 0x%llx is the guest's view; whether KVM loads it through "
		     "GUEST_IA32_EFER (\"load IA32_EFER\") is not shown: GUEST_IA32_EFER is "
		     "unknown",
		     (unsigned long long)kv->v);
	} else if (key_eq(k, "HLT") && kv->v) {
		note(d, m->line,
		     "the vCPU was halted (HLT=1); the activity state KVM wrote is not shown");
	} else if (key_eq(k, "II") && kv->v) {
		note(d, m->line,
		     "interrupts were inhibited (II=1: STI or MOV SS blocking); the "
		     "interruptibility state is not shown exactly");
	} else if (key_eq(k, "SMM") && kv->v) {
		note(d, m->line, "the vCPU was in SMM");
	}
}

bool qemu_line(struct dump_parser *p, struct dump *d, const struct msg *m)
{
	struct kvline L;
	int seg;
	size_t after;

	if (m->n == 0 || starts(m->s, m->n, "Code="))
		return true;
	if (qemu_seg_name(m->s, m->n, &seg, &after))
		return qemu_seg(d, m, seg, after);
	tokenize(m, &L);
	if (L.n == 0)
		return false;
	if (dt_index(L.kv[0].key) >= 0 && L.n == 1)
		return qemu_dt(d, m, dt_index(L.kv[0].key));
	if (!qemu_first_key(L.kv[0].key))
		return false;
	for (int i = 0; i < L.n; i++)
		if (L.kv[i].ok)
			qemu_value(d, m, &L.kv[i]);
	if (starts(m->s, m->n, "EFER="))
		p->st.ctrl_lines = true; /* the last line of the register part */
	return true;
}

void qemu_finish(struct dump *d)
{
	snprintf(d->variant, sizeof(d->variant), "QEMU register dump (the vCPU as QEMU sees it)");
	note(d, d->first_line,
	     "QEMU shows the vCPU registers, not the VMCS: no controls, no host state, no "
	     "guest/host masks, interruptibility or activity state; only checks on the "
	     "registers shown can be decided");
}
