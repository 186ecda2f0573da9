/*
 * dump_parse.c -- VMCS dumps out of kernel, hypervisor and QEMU logs (see dump_parse.h).
 *
 * Formats, as the sources print them (learned from Linux arch/x86/kvm/vmx/vmx.c dump_vmcs(),
 * Xen xen/arch/x86/hvm/vmx/vmcs.c vmcs_dump_vcpu() and vmx.c vmx_failed_vmentry(), QEMU
 * target/i386 x86_cpu_dump_state()):
 *
 * - KVM and Xen print "Key = value" / "Key=value" pairs, a few lines with a label
 *   ("CR0: actual=..., shadow=..., gh_mask=...", "CS:   sel=..., attr=..., limit=...,
 *   base=...", "VMEntry: intr_info=..."), in three sections (Guest, Host, Control State).  The
 *   spacing, the 0x prefixes and which keys share a line changed between versions, so a line is
 *   split into label + pairs and every key is looked up by section; a key the line kind expects
 *   but does not show marks a cut line.  Newer Xen prints the segments as a table
 *   ("  CS: 0008 0a09b ffffffff 0000000000000000").
 * - QEMU prints its own view of the vCPU ("CS =0008 00000000 ffffffff 00a09b00 ..."): only
 *   some of it maps to VMCS fields (see qemu_line()).
 *
 * Lines carry prefixes: syslog ("Mon DD HH:MM:SS host kernel: "), printk levels ("<3>"),
 * timestamps ("[ 1234.567890] ", "[Mon Jan  2 ...]"), caller ids, "(XEN) " with its own
 * timestamps, and the "kvm_intel: " / "kvm: " module prefixes.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dump_parse.h"
#include "vmcs_ids.h"

/* ---- small text helpers (the input is never NUL-terminated) ---- */

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_dig(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static size_t skip_sp(const char *s, size_t n, size_t i)
{
	while (i < n && is_sp(s[i]))
		i++;
	return i;
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

static bool starts_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[i]) != lower(lit[i]))
			return false;
	return true;
}

static size_t find(const char *s, size_t n, const char *lit)
{
	const char *p = memmem(s, n, lit, strlen(lit));

	return p ? (size_t)(p - s) : (size_t)-1;
}

/* Parses hex digits at s[*i] (optional 0x); false when none or more than 16. */
static bool parse_hex(const char *s, size_t n, size_t *i, uint64_t *out)
{
	size_t j = *i, d = 0;
	uint64_t v = 0;

	if (j + 1 < n && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X') && j + 2 < n &&
	    hexval(s[j + 2]) >= 0)
		j += 2;
	while (j < n && hexval(s[j]) >= 0) {
		if (++d > 16)
			return false;
		v = (v << 4) | (uint64_t)hexval(s[j]);
		j++;
	}
	if (d == 0)
		return false;
	*i = j;
	*out = v;
	return true;
}

/* A number as logs print it: 0x... hex, else decimal. */
static bool parse_num(const char *s, size_t n, size_t *i, uint64_t *out)
{
	size_t j = *i, d = 0;
	uint64_t v = 0;

	if (j + 1 < n && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
		return parse_hex(s, n, i, out);
	while (j < n && is_dig(s[j])) {
		if (++d > 19)
			return false;
		v = v * 10 + (uint64_t)(s[j] - '0');
		j++;
	}
	if (d == 0)
		return false;
	*i = j;
	*out = v;
	return true;
}

/* Copies s[0..n) into dst as printable text (for messages quoting the log). */
static void quote(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	while (n && is_sp(*s)) {
		s++;
		n--;
	}
	if (cap == 0)
		return;
	for (size_t i = 0; i < n && k + 4 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	/* The ellipsis only where it fits with the terminating NUL. */
	if (n > k && k + 4 <= cap) {
		dst[k++] = '.';
		dst[k++] = '.';
		dst[k++] = '.';
	}
	dst[k] = '\0';
}

/* ---- line prefixes ---- */

struct msg {
	const char *s; /* the message after the prefixes */
	size_t n;
	size_t off; /* its offset in the raw line (for columns) */
	bool xen;   /* "(XEN)" prefix */
};

static bool is_month(const char *s, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (n < 4 || s[3] != ' ')
		return false;
	for (size_t m = 0; m < 12; m++)
		if (memcmp(s, months + 3 * m, 3) == 0)
			return true;
	return false;
}

/* "Mon DD HH:MM:SS host tag: " or "YYYY-MM-DD[T ]HH:MM:SS... host tag: "; returns the end. */
static size_t strip_syslog(const char *s, size_t n, size_t i)
{
	size_t j = i, k;

	if (is_month(s + j, n - j)) {
		j = skip_sp(s, n, j + 4);
		while (j < n && is_dig(s[j]))
			j++;
		if (j >= n || s[j] != ' ')
			return i;
		j++;
	} else if (n - j >= 11 && is_dig(s[j]) && is_dig(s[j + 3]) && s[j + 4] == '-' &&
	           s[j + 7] == '-' && (s[j + 10] == 'T' || s[j + 10] == ' ')) {
		j += 11;
	} else {
		return i;
	}
	/* time */
	if (n - j < 8 || !is_dig(s[j]) || s[j + 2] != ':' || s[j + 5] != ':')
		return i;
	while (j < n && !is_sp(s[j]))
		j++;
	j = skip_sp(s, n, j);
	/* host */
	k = j;
	while (j < n && !is_sp(s[j]) && s[j] != ':')
		j++;
	if (j == k || j >= n || s[j] != ' ')
		return i;
	j++;
	/* tag, ending with ':' */
	k = j;
	while (j < n && !is_sp(s[j]) && j - k < 64)
		j++;
	if (j == k || s[j - 1] != ':')
		return i;
	return skip_sp(s, n, j);
}

/* "[...]" groups: timestamps, caller ids, dmesg -T dates. */
static size_t strip_brackets(const char *s, size_t n, size_t i)
{
	for (int g = 0; g < 3; g++) {
		size_t j = skip_sp(s, n, i), k;

		if (j >= n || s[j] != '[')
			break;
		for (k = j + 1; k < n && k - j < 48 && s[k] != ']'; k++)
			if (s[k] == '=' || s[k] == '[')
				return i;
		if (k >= n || s[k] != ']')
			break;
		i = k + 1;
	}
	return i;
}

static struct msg strip_prefix(const char *s, size_t n)
{
	struct msg m;
	size_t i = 0, j;

	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || is_sp(s[n - 1])))
		n--;
	m.xen = false;
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte-order mark */
		i = 3;
	if (n >= i + 3 && s[i] == '<' && is_dig(s[i + 1]) &&
	    (s[i + 2] == '>' || (n >= i + 4 && s[i + 3] == '>')))
		i += s[i + 2] == '>' ? 3 : 4;
	i = strip_syslog(s, n, i);
	i = strip_brackets(s, n, i);
	/* journalctl -o short-monotonic: "[ 12.3] host kernel: " */
	j = skip_sp(s, n, i);
	{
		size_t k = j;

		while (k < n && !is_sp(s[k]) && s[k] != ':' && k - j < 64)
			k++;
		if (k < n && s[k] == ' ' && starts(s + k + 1, n - k - 1, "kernel: "))
			i = k + 9;
	}
	/* dmesg --decode: "kern  :err   : " */
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "kern ") || starts(s + j, n - j, "kern:")) {
		size_t k = find(s + j, n - j, ": ");

		if (k != (size_t)-1 && k < 16) {
			size_t k2 = find(s + j + k + 2, n - j - k - 2, ": ");

			if (k2 != (size_t)-1 && k2 < 10)
				i = j + k + 2 + k2 + 2;
		}
		i = strip_brackets(s, n, i);
	}
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "(XEN)")) {
		m.xen = true;
		i = strip_brackets(s, n, j + 5);
	}
	j = skip_sp(s, n, i);
	if (starts(s + j, n - j, "kvm_intel: ") || starts(s + j, n - j, "kvm-intel: "))
		j += 11;
	else if (starts(s + j, n - j, "kvm: "))
		j += 5;
	j = skip_sp(s, n, j);
	m.s = s + j;
	m.n = n - j;
	m.off = j;
	return m;
}

/* ---- "Key=value" lines ---- */

#define KV_MAX 12

struct kv {
	char key[40];
	uint64_t v, v2;
	bool ok, has_v2;
	bool cut;     /* dropped: the line was cut after it */
	uint16_t col; /* 1-based column of the value in the raw line */
	char ann[32]; /* "(...)" after the value */
};

struct kvline {
	char label[32];
	bool has_label;
	int n;
	struct kv kv[KV_MAX];
	const char *rest; /* text after the label when it has no pairs */
	size_t restn;
	size_t rest_off;
};

static void trim_copy(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (is_sp(*s) || *s == ',')) {
		s++;
		n--;
	}
	while (n && (is_sp(s[n - 1]) || s[n - 1] == ','))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void tokenize(const struct msg *m, struct kvline *L)
{
	const char *s = m->s;
	size_t n = m->n, i = 0, j;

	memset(L, 0, sizeof(*L));
	/* label: "WORDS:" followed by a blank or the end */
	for (j = 0; j < n && j < 28; j++) {
		char c = s[j];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_dig(c) || c == ' ' ||
		      c == '_' || c == '-'))
			break;
	}
	if (j > 0 && j < n && s[j] == ':' && (j + 1 == n || is_sp(s[j + 1])) && !is_sp(s[j - 1])) {
		trim_copy(L->label, sizeof(L->label), s, j);
		L->has_label = true;
		i = j + 1;
	}
	while (i < n && L->n < KV_MAX) {
		struct kv *kv = &L->kv[L->n];
		size_t eq, k;

		while (i < n && (is_sp(s[i]) || s[i] == ','))
			i++;
		while (i < n && s[i] == '[') { /* QEMU's flag groups */
			for (k = i; k < n && s[k] != ']'; k++)
				;
			i = skip_sp(s, n, k + 1);
		}
		if (i >= n)
			break;
		for (eq = i; eq < n && s[eq] != '='; eq++)
			;
		if (eq >= n) {
			L->rest = s + i;
			L->restn = n - i;
			L->rest_off = m->off + i;
			break;
		}
		if (eq - i == 0 || eq - i >= sizeof(kv->key)) {
			L->rest = s + i;
			L->restn = n - i;
			L->rest_off = m->off + i;
			break;
		}
		trim_copy(kv->key, sizeof(kv->key), s + i, eq - i);
		k = skip_sp(s, n, eq + 1);
		kv->col = (uint16_t)(m->off + k + 1 > 65535 ? 65535 : m->off + k + 1);
		kv->ok = parse_hex(s, n, &k, &kv->v);
		if (kv->ok && k < n && (s[k] == ':' || s[k] == '|') && k + 1 < n &&
		    hexval(s[k + 1]) >= 0) {
			k++;
			kv->has_v2 = parse_hex(s, n, &k, &kv->v2);
		}
		if (!kv->ok || (k < n && !is_sp(s[k]) && s[k] != ',' && s[k] != '(')) {
			kv->ok = false;
			while (k < n && !is_sp(s[k]) && s[k] != ',')
				k++;
		}
		k = skip_sp(s, n, k);
		if (k < n && s[k] == '(') {
			size_t e;

			for (e = k + 1; e < n && e - k < 64 && s[e] != ')'; e++)
				;
			trim_copy(kv->ann, sizeof(kv->ann), s + k + 1, (e < n ? e : n) - k - 1);
			k = e < n ? e + 1 : n;
		}
		L->n++;
		i = k;
	}
}

static bool key_eq(const char *a, const char *b)
{
	while (*a && *b) {
		char x = lower(*a), y = lower(*b);

		if (is_sp(x) && is_sp(y)) {
			while (is_sp(*a))
				a++;
			while (is_sp(*b))
				b++;
			continue;
		}
		if (x != y)
			return false;
		a++;
		b++;
	}
	return *a == *b;
}

/* ---- where each key of the KVM and Xen dumps goes ---- */

enum section { SEC_NONE = 0, SEC_GUEST = 1, SEC_HOST = 2, SEC_CTRL = 4 };

enum special {
	SP_IGNORE = -2,
	SP_EFER = -3,       /* guest EFER: derived forms need care */
	SP_EFER_LL = -4,    /* Xen "EFER(MSR LL)": from the MSR load list */
	SP_SYSENTER_G = -5, /* "CS:RIP=cs:rip" */
	SP_SYSENTER_H = -6,
	SP_SVI_RVI = -7,
	SP_REASON = -8,
	SP_HOST_EFER = -9,
};

struct keymap {
	uint8_t sec;
	const char *label;
	const char *key;
	int field;
};

#define G      SEC_GUEST
#define H      SEC_HOST
#define C      SEC_CTRL
#define FLD(x) VMCS_##x

static const struct keymap keymap[] = {
    {G, "CR0", "actual", FLD(GUEST_CR0)},
    {G, "CR0", "shadow", FLD(CR0_READ_SHADOW)},
    {G, "CR0", "gh_mask", FLD(CR0_GUEST_HOST_MASK)},
    {G, "CR0", "mask", FLD(CR0_GUEST_HOST_MASK)},
    {G, "CR4", "actual", FLD(GUEST_CR4)},
    {G, "CR4", "shadow", FLD(CR4_READ_SHADOW)},
    {G, "CR4", "gh_mask", FLD(CR4_GUEST_HOST_MASK)},
    {G, "CR4", "mask", FLD(CR4_GUEST_HOST_MASK)},
    {G, "", "CR3", FLD(GUEST_CR3)},
    {G, "", "PDPTR0", FLD(GUEST_PDPTR0)},
    {G, "", "PDPTR1", FLD(GUEST_PDPTR1)},
    {G, "", "PDPTR2", FLD(GUEST_PDPTR2)},
    {G, "", "PDPTR3", FLD(GUEST_PDPTR3)},
    {G, "", "PDPTE0", FLD(GUEST_PDPTR0)},
    {G, "", "PDPTE1", FLD(GUEST_PDPTR1)},
    {G, "", "PDPTE2", FLD(GUEST_PDPTR2)},
    {G, "", "PDPTE3", FLD(GUEST_PDPTR3)},
    {G, "", "RSP", FLD(GUEST_RSP)},
    {G, "", "RIP", FLD(GUEST_RIP)},
    {G, "", "RFLAGS", FLD(GUEST_RFLAGS)},
    {G, "", "DR7", FLD(GUEST_DR7)},
    {G, "", "Sysenter RSP", FLD(GUEST_SYSENTER_ESP)},
    {G, "", "CS:RIP", SP_SYSENTER_G},
    {G, "", "EFER", SP_EFER},
    {G, "", "EFER(VMCS)", FLD(GUEST_IA32_EFER)},
    {G, "", "EFER(MSR LL)", SP_EFER_LL},
    {G, "", "PAT", FLD(GUEST_IA32_PAT)},
    {G, "", "DebugCtl", FLD(GUEST_IA32_DEBUGCTL)},
    {G, "", "DebugExceptions", FLD(GUEST_PENDING_DBG_EXCEPTIONS)},
    {G, "", "PerfGlobCtl", FLD(GUEST_IA32_PERF_GLOBAL_CTRL)},
    {G, "", "BndCfgS", FLD(GUEST_BNDCFGS)},
    {G, "", "Interruptibility", FLD(GUEST_INTERRUPTIBILITY_INFO)},
    {G, "", "ActivityState", FLD(GUEST_ACTIVITY_STATE)},
    {G, "", "InterruptStatus", FLD(GUEST_INTR_STATUS)},
    {G, "", "PreemptionTimer", FLD(VMX_PREEMPTION_TIMER_VALUE)},
    {G, "", "SM Base", FLD(GUEST_SMBASE)},
    {G, "", "S_CET", FLD(GUEST_S_CET)},
    {G, "", "SSP", FLD(GUEST_SSP)},
    {G, "", "SSP TABLE", FLD(GUEST_INTR_SSP_TABLE)},
    {G, "", "DeadlinePhy", SP_IGNORE},
    {G, "", "DeadlineVir", SP_IGNORE},
    {G, "", "GuestApicTimerVector", SP_IGNORE},
    {H, "", "RIP", FLD(HOST_RIP)},
    {H, "", "RSP", FLD(HOST_RSP)},
    {H, "", "CS", FLD(HOST_CS_SELECTOR)},
    {H, "", "SS", FLD(HOST_SS_SELECTOR)},
    {H, "", "DS", FLD(HOST_DS_SELECTOR)},
    {H, "", "ES", FLD(HOST_ES_SELECTOR)},
    {H, "", "FS", FLD(HOST_FS_SELECTOR)},
    {H, "", "GS", FLD(HOST_GS_SELECTOR)},
    {H, "", "TR", FLD(HOST_TR_SELECTOR)},
    {H, "", "FSBase", FLD(HOST_FS_BASE)},
    {H, "", "GSBase", FLD(HOST_GS_BASE)},
    {H, "", "TRBase", FLD(HOST_TR_BASE)},
    {H, "", "GDTBase", FLD(HOST_GDTR_BASE)},
    {H, "", "IDTBase", FLD(HOST_IDTR_BASE)},
    {H, "", "CR0", FLD(HOST_CR0)},
    {H, "", "CR3", FLD(HOST_CR3)},
    {H, "", "CR4", FLD(HOST_CR4)},
    {H, "", "Sysenter RSP", FLD(HOST_IA32_SYSENTER_ESP)},
    {H, "", "CS:RIP", SP_SYSENTER_H},
    {H, "", "EFER", SP_HOST_EFER},
    {H, "", "PAT", FLD(HOST_IA32_PAT)},
    {H, "", "PerfGlobCtl", FLD(HOST_IA32_PERF_GLOBAL_CTRL)},
    {H, "", "S_CET", FLD(HOST_S_CET)},
    {H, "", "SSP", FLD(HOST_SSP)},
    {H, "", "SSP TABLE", FLD(HOST_INTR_SSP_TABLE)},
    {C, "", "PinBased", FLD(PIN_BASED_VM_EXEC_CONTROL)},
    {C, "", "CPUBased", FLD(CPU_BASED_VM_EXEC_CONTROL)},
    {C, "", "SecondaryExec", FLD(SECONDARY_VM_EXEC_CONTROL)},
    {C, "", "TertiaryExec", FLD(TERTIARY_VM_EXEC_CONTROL)},
    {C, "", "EntryControls", FLD(VM_ENTRY_CONTROLS)},
    {C, "", "ExitControls", FLD(VM_EXIT_CONTROLS)},
    {C, "", "ExceptionBitmap", FLD(EXCEPTION_BITMAP)},
    {C, "", "PFECmask", FLD(PAGE_FAULT_ERROR_CODE_MASK)},
    {C, "", "PFECmatch", FLD(PAGE_FAULT_ERROR_CODE_MATCH)},
    {C, "VMEntry", "intr_info", FLD(VM_ENTRY_INTR_INFO_FIELD)},
    {C, "VMEntry", "errcode", FLD(VM_ENTRY_EXCEPTION_ERROR_CODE)},
    {C, "VMEntry", "ilen", FLD(VM_ENTRY_INSTRUCTION_LEN)},
    {C, "VMExit", "intr_info", FLD(VM_EXIT_INTR_INFO)},
    {C, "VMExit", "errcode", FLD(VM_EXIT_INTR_ERROR_CODE)},
    {C, "VMExit", "ilen", FLD(VM_EXIT_INSTRUCTION_LEN)},
    {C, "", "reason", SP_REASON},
    {C, "", "qualification", FLD(EXIT_QUALIFICATION)},
    {C, "IDTVectoring", "info", FLD(IDT_VECTORING_INFO_FIELD)},
    {C, "IDTVectoring", "errcode", FLD(IDT_VECTORING_ERROR_CODE)},
    {C, "", "TSC Offset", FLD(TSC_OFFSET)},
    {C, "", "TSC Multiplier", FLD(TSC_MULTIPLIER)},
    {C, "", "SVI|RVI", SP_SVI_RVI},
    {C, "", "TPR Threshold", FLD(TPR_THRESHOLD)},
    {C, "", "APIC-access addr", FLD(APIC_ACCESS_ADDR)},
    {C, "", "virt-APIC addr", FLD(VIRTUAL_APIC_PAGE_ADDR)},
    {C, "", "PostedIntrVec", FLD(POSTED_INTR_NV)},
    {C, "", "EPT pointer", FLD(EPT_POINTER)},
    {C, "", "EPTP index", FLD(EPTP_INDEX)},
    {C, "", "PLE Gap", FLD(PLE_GAP)},
    {C, "", "Window", FLD(PLE_WINDOW)},
    {C, "", "Virtual processor ID", FLD(VIRTUAL_PROCESSOR_ID)},
    {C, "", "VMfunc controls", FLD(VM_FUNCTION_CONTROL)},
    {C, "", "CR3 target0", FLD(CR3_TARGET_VALUE0)},
    {C, "", "CR3 target1", FLD(CR3_TARGET_VALUE1)},
    {C, "", "CR3 target2", FLD(CR3_TARGET_VALUE2)},
    {C, "", "CR3 target3", FLD(CR3_TARGET_VALUE3)},
    {C, "", "target1", FLD(CR3_TARGET_VALUE1)},
    {C, "", "target2", FLD(CR3_TARGET_VALUE2)},
    {C, "", "target3", FLD(CR3_TARGET_VALUE3)},
};

/* Keys that must stand together on one line: a line missing the later ones was cut. */
struct lineset {
	uint8_t sec;
	const char *label;
	const char *keys[8];
};

static const struct lineset linesets[] = {
    {G, "CR0", {"actual", "shadow", "gh_mask"}},
    {G, "CR4", {"actual", "shadow", "gh_mask"}},
    {G, "", {"PDPTR0", "PDPTR1"}},
    {G, "", {"PDPTR2", "PDPTR3"}},
    {G, "", {"PDPTE0", "PDPTE1"}},
    {G, "", {"PDPTE2", "PDPTE3"}},
    {G, "", {"RSP", "RIP"}},
    {G, "", {"RFLAGS", "DR7"}},
    {G, "", {"Sysenter RSP", "CS:RIP"}},
    {G, "", {"DebugCtl", "DebugExceptions"}},
    {G, "", {"Interruptibility", "ActivityState"}},
    {G, "", {"S_CET", "SSP", "SSP TABLE"}},
    {H, "", {"RIP", "RSP"}},
    {H, "", {"CS", "SS", "DS", "ES", "FS", "GS", "TR"}},
    {H, "", {"FSBase", "GSBase", "TRBase"}},
    {H, "", {"GDTBase", "IDTBase"}},
    {H, "", {"CR0", "CR3", "CR4"}},
    {H, "", {"Sysenter RSP", "CS:RIP"}},
    {H, "", {"S_CET", "SSP", "SSP TABLE"}},
    {C, "", {"ExceptionBitmap", "PFECmask", "PFECmatch"}},
    {C, "VMEntry", {"intr_info", "errcode", "ilen"}},
    {C, "VMExit", {"intr_info", "errcode", "ilen"}},
    {C, "", {"reason", "qualification"}},
    {C, "IDTVectoring", {"info", "errcode"}},
    {C, "", {"PLE Gap", "Window"}},
};

#undef G
#undef H
#undef C

static const char *const seg_names[8] = {"ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"};
static const int seg_sel[8] = {FLD(GUEST_ES_SELECTOR),   FLD(GUEST_CS_SELECTOR),
                               FLD(GUEST_SS_SELECTOR),   FLD(GUEST_DS_SELECTOR),
                               FLD(GUEST_FS_SELECTOR),   FLD(GUEST_GS_SELECTOR),
                               FLD(GUEST_LDTR_SELECTOR), FLD(GUEST_TR_SELECTOR)};
static const int seg_ar[8] = {FLD(GUEST_ES_AR_BYTES),   FLD(GUEST_CS_AR_BYTES),
                              FLD(GUEST_SS_AR_BYTES),   FLD(GUEST_DS_AR_BYTES),
                              FLD(GUEST_FS_AR_BYTES),   FLD(GUEST_GS_AR_BYTES),
                              FLD(GUEST_LDTR_AR_BYTES), FLD(GUEST_TR_AR_BYTES)};
static const int seg_limit[8] = {FLD(GUEST_ES_LIMIT),   FLD(GUEST_CS_LIMIT), FLD(GUEST_SS_LIMIT),
                                 FLD(GUEST_DS_LIMIT),   FLD(GUEST_FS_LIMIT), FLD(GUEST_GS_LIMIT),
                                 FLD(GUEST_LDTR_LIMIT), FLD(GUEST_TR_LIMIT)};
static const int seg_base[8] = {FLD(GUEST_ES_BASE),   FLD(GUEST_CS_BASE), FLD(GUEST_SS_BASE),
                                FLD(GUEST_DS_BASE),   FLD(GUEST_FS_BASE), FLD(GUEST_GS_BASE),
                                FLD(GUEST_LDTR_BASE), FLD(GUEST_TR_BASE)};

static int seg_index(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (key_eq(name, seg_names[i]))
			return i;
	if (key_eq(name, "LDT"))
		return 6;
	return -1;
}

static int dt_index(const char *name) /* 0 GDTR, 1 IDTR */
{
	if (key_eq(name, "GDTR") || key_eq(name, "GDT"))
		return 0;
	if (key_eq(name, "IDTR") || key_eq(name, "IDT"))
		return 1;
	return -1;
}

static const struct keymap *keymap_find(unsigned sec, const char *label, const char *key)
{
	for (size_t i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++) {
		const struct keymap *k = &keymap[i];

		if ((k->sec & sec) && key_eq(k->label, label) && key_eq(k->key, key))
			return k;
	}
	return NULL;
}

/* Whether a key or label belongs to the dump formats at all (for telling cut lines apart from
 * interleaved messages). */
static bool known_anywhere(const struct kvline *L)
{
	if (L->has_label && (seg_index(L->label) >= 0 || dt_index(L->label) >= 0))
		return true;
	for (size_t i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++) {
		if (L->has_label && keymap[i].label[0] && key_eq(keymap[i].label, L->label))
			return true;
		if (L->n && key_eq(keymap[i].key, L->kv[0].key))
			return true;
	}
	return false;
}

/* ---- the parser ---- */

enum list_kind { LIST_NONE, LIST_ENTRY_LOAD, LIST_EXIT_STORE, LIST_EXIT_LOAD };

#define MAX_UNREC 8

struct unrec {
	unsigned line;
	bool malformed;
	char text[72];
};

struct state {
	unsigned section;
	int list;
	unsigned list_n[4];
	bool list_seen[4];
	unsigned list_line[4];
	unsigned hdr_line[8]; /* by section bit */
	bool efer_seen, efer_new_style, efer_old_style;
	int version; /* evidence of the KVM version, see kvm_variant() */
	bool xen_closed, xen_table, ctrl_lines;
	unsigned cr3_targets;
	unsigned last_recognized;
	int n_unrec;
	struct unrec unrec[MAX_UNREC];
	char context[48]; /* Xen 'v' key: "d3v0" */
};

struct dump_parser {
	dump_sink sink;
	void *ctx;
	struct dump store[2];
	struct state st; /* of the open dump */
	struct dump *open, *held;
	unsigned ndumps;
	struct dump_verdict pending;
	uint8_t pending_fmts; /* formats the pending verdict may belong to (bit per format) */
	char xen_context[48];
	unsigned xen_context_line;
	size_t n_global, global_dropped;
	struct dump_msg global[16];
	bool hint_dump_invalid;
	char lc[DUMP_MAX_LINE + 1]; /* the current line in lower case */
};

#define FMT_BIT(f) (1u << (f))

__attribute__((format(printf, 6, 0))) static void vnote(struct dump_msg *arr, size_t *n, size_t cap,
                                                        size_t *dropped, unsigned line,
                                                        const char *fmt, va_list ap)
{
	if (*n >= cap) {
		(*dropped)++;
		return;
	}
	arr[*n].line = line;
	vsnprintf(arr[*n].text, sizeof(arr[*n].text), fmt, ap);
	/* Messages quote the log: keep them printable ASCII (JSON needs valid UTF-8). */
	for (char *c = arr[*n].text; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	(*n)++;
}

static void note(struct dump *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(struct dump *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(d->notes, &d->n_notes, DUMP_MAX_NOTES, &d->notes_dropped, line, fmt, ap);
	va_end(ap);
}

static void warn(struct dump *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(struct dump *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(d->warnings, &d->n_warnings, DUMP_MAX_WARNINGS, &d->warnings_dropped, line, fmt, ap);
	va_end(ap);
}

static void gnote(struct dump_parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void gnote(struct dump_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(p->global, &p->n_global, sizeof(p->global) / sizeof(p->global[0]), &p->global_dropped,
	      line, fmt, ap);
	va_end(ap);
}

const char *dump_format_name(unsigned fmt)
{
	static const char *const names[] = {"kvm", "xen", "qemu"};

	return fmt < 3 ? names[fmt] : "?";
}

/* Sets a field the dump shows; the first value wins when a dump shows a field twice. */
static void set_field(struct dump *d, int id, uint64_t v, unsigned line, unsigned col)
{
	const struct vmcs_field_info *f;
	unsigned bits;

	if (id < 0)
		return;
	f = vmcs_field_at((size_t)id);
	bits = vmcs_width_bits(f->width);
	if (bits < 64 && (v >> bits) != 0) {
		warn(d, line, "%s = 0x%llx does not fit its %u bits; not used", f->name,
		     (unsigned long long)v, bits);
		return;
	}
	if (d->vmcs.known[id]) {
		if (d->vmcs.value[id] != v)
			warn(d, line,
			     "%s shown again with another value (0x%llx; line %u showed 0x%llx); "
			     "the "
			     "first is used",
			     f->name, (unsigned long long)v, d->field_line[id],
			     (unsigned long long)d->vmcs.value[id]);
		return;
	}
	d->vmcs.value[id] = v;
	d->vmcs.known[id] = 1;
	d->field_line[id] = line;
	d->field_col[id] = (uint16_t)(col > 65535 ? 65535 : col);
	d->n_shown++;
}

/* A value the dump does not show but its printing rules imply (a count printed only when not
 * 0, ...): known, attributed to the line where it would have been printed. */
static void infer_field(struct dump *d, int id, uint64_t v, unsigned line, const char *why)
{
	if (d->vmcs.known[id] || line == 0)
		return;
	d->vmcs.value[id] = v;
	d->vmcs.known[id] = 1;
	d->field_line[id] = line;
	d->field_col[id] = 1;
	note(d, line, "%s = %llu inferred: %s", vmcs_field_at((size_t)id)->name,
	     (unsigned long long)v, why);
}

static void open_dump(struct dump_parser *p, unsigned fmt, unsigned line);

/* ---- verdict lines ---- */

/*
 * Detects what the log says about an entry.  lc is s in lower case (same offsets), for the
 * searches.  formats = the dump formats the line can belong to; back = it may describe the
 * dump before it (else only one that follows).
 */
static bool detect_verdict(const char *s, const char *lc, size_t n, bool xen, unsigned line,
                           struct dump_verdict *v, uint8_t *formats, bool *back)
{
	size_t k, i;
	uint64_t x;

	/* quick rejection: every verdict line has one of these */
	if (find(lc, n, "error") == (size_t)-1 && find(lc, n, "fail") == (size_t)-1 &&
	    find(lc, n, "exit reason") == (size_t)-1)
		return false;
	memset(v, 0, sizeof(*v));
	v->instruction = -1;
	v->line = line;
	v->source = VSRC_MESSAGE;
	*back = false;
	*formats = FMT_BIT(DUMP_FMT_KVM) | FMT_BIT(DUMP_FMT_QEMU);
	if ((k = find(lc, n, "entry failed, hardware error")) != (size_t)-1) {
		i = skip_sp(s, n, k + 28);
		if (!parse_num(s, n, &i, &x))
			return false;
		if (x & 0x80000000u) {
			v->kind = VERDICT_ENTRY_FAILURE;
			v->full_reason = (uint32_t)x;
			v->exit_reason = (uint16_t)x;
		} else {
			v->kind = VERDICT_VMFAIL_VALID;
			v->vm_error = (uint32_t)x;
		}
		*back = true;
	} else if ((k = find(lc, n, "vmentry failure (reason")) != (size_t)-1 ||
	           (k = find(lc, n, "failed vm entry (exit reason")) != (size_t)-1) {
		bool old = lc[k] == 'f';

		i = skip_sp(s, n, k + (old ? 28 : 23));
		if (!parse_num(s, n, &i, &x))
			return false;
		v->kind = VERDICT_ENTRY_FAILURE;
		v->full_reason = (uint32_t)x;
		v->exit_reason = (uint16_t)x;
		*formats = FMT_BIT(DUMP_FMT_XEN);
		if ((k = find(lc + i, n - i, "invalid guest state (")) != (size_t)-1) {
			size_t j = i + k + 21;

			v->qual_known = parse_num(s, n, &j, &v->qualification);
		} else if ((k = find(lc + i, n - i, "msr loading (entry")) != (size_t)-1) {
			size_t j = skip_sp(s, n, i + k + 18);

			if (parse_num(s, n, &j, &x)) {
				v->qual_known = true;
				v->qualification = x + 1; /* Xen prints the 0-based entry */
			}
		} else if ((k = find(lc + i, n - i, "caused by msr entry")) != (size_t)-1) {
			size_t j = skip_sp(s, n, i + k + 19);

			v->qual_known = parse_num(s, n, &j, &v->qualification);
		}
	} else if (((k = find(s, n, "VMLAUNCH")) != (size_t)-1 ||
	            (k = find(s, n, "VMRESUME")) != (size_t)-1) &&
	           (find(lc + k, n - k, " error:") == 8 ||
	            find(lc + k, n - k, " failure, vmcs") == 8)) {
		v->instruction = s[k + 2] == 'L' ? VMENTRY_VMLAUNCH : VMENTRY_VMRESUME;
		*formats = FMT_BIT(DUMP_FMT_XEN);
		if (lc[k + 9] == 'e') {
			i = skip_sp(s, n, k + 15);
			if (!parse_num(s, n, &i, &x))
				return false;
			v->kind = VERDICT_VMFAIL_VALID;
			v->vm_error = (uint32_t)x;
		} else if (find(lc + k, n - k, "not valid") != (size_t)-1) {
			v->kind = VERDICT_VMFAIL_INVALID;
		} else {
			v->kind = VERDICT_VMFAIL_VALID; /* the error follows on the next line */
		}
	} else if ((k = find(lc, n, "instruction error")) != (size_t)-1) {
		i = k + 17;
		while (i < n && (is_sp(s[i]) || s[i] == ':' || s[i] == '=' || s[i] == '#'))
			i++;
		if (!parse_num(s, n, &i, &x))
			return false;
		v->kind = VERDICT_VMFAIL_VALID;
		v->vm_error = (uint32_t)x;
		*formats = 0xff;
		*back = !xen;
	} else if (find(lc, n, "vmfailinvalid") != (size_t)-1) {
		v->kind = VERDICT_VMFAIL_INVALID;
		*formats = 0xff;
		*back = !xen;
	} else if ((k = find(lc, n, "unexpected exit reason")) != (size_t)-1) {
		i = skip_sp(s, n, k + 22);
		if (!parse_num(s, n, &i, &x))
			return false;
		v->full_reason = (uint32_t)x;
		v->exit_reason = (uint16_t)x;
		v->kind = (x & 0x80000000u) ? VERDICT_ENTRY_FAILURE : VERDICT_SUCCESS;
		*formats = FMT_BIT(DUMP_FMT_KVM);
	} else {
		return false;
	}
	quote(v->text, sizeof(v->text), s, n);
	return true;
}

static bool verdict_stronger(const struct dump_verdict *a, const struct dump_verdict *b)
{
	return a->source > b->source;
}

static void apply_verdict_env(struct dump *d)
{
	const struct dump_verdict *v = &d->observed;

	if (v->instruction >= 0) {
		d->env.instruction = (uint8_t)v->instruction;
		d->instruction_from_log = true;
		d->env.launch_state =
		    v->instruction == VMENTRY_VMRESUME ? LAUNCH_STATE_LAUNCHED : LAUNCH_STATE_CLEAR;
	}
	if (v->kind != VERDICT_VMFAIL_VALID)
		return;
	if (v->vm_error == 4) { /* VMLAUNCH with a non-clear VMCS */
		d->env.instruction = VMENTRY_VMLAUNCH;
		d->env.launch_state = LAUNCH_STATE_LAUNCHED;
		d->instruction_from_log = d->launch_state_from_log = true;
	} else if (v->vm_error == 5) { /* VMRESUME with a non-launched VMCS */
		d->env.instruction = VMENTRY_VMRESUME;
		d->env.launch_state = LAUNCH_STATE_CLEAR;
		d->instruction_from_log = d->launch_state_from_log = true;
	} else if (v->vm_error == 26) {
		d->env.mov_ss_blocking = true;
		d->mov_ss_from_log = true;
	}
}

static void attach_verdict(struct dump *d, const struct dump_verdict *v)
{
	if (d->observed.kind != VERDICT_NONE && !verdict_stronger(v, &d->observed)) {
		bool same = d->observed.kind == v->kind && d->observed.vm_error == v->vm_error &&
		            d->observed.exit_reason == v->exit_reason;

		if (!same && v->source == d->observed.source)
			note(d, v->line,
			     "the log also says: %s (line %u); the verdict of line %u is used",
			     v->text, v->line, d->observed.line);
		return;
	}
	if (d->observed.kind != VERDICT_NONE && d->observed.kind != v->kind)
		note(d, d->observed.line,
		     "the dump's VM-exit reason field (line %u) disagrees with the log's message "
		     "(line %u); the message is used",
		     d->observed.line, v->line);
	d->observed = *v;
	apply_verdict_env(d);
}

/* ---- KVM and Xen lines ---- */

static bool is_section_header(const char *s, size_t n, unsigned *sec)
{
	size_t i = 0;

	while (i < n && (s[i] == '*' || is_sp(s[i])))
		i++;
	if (i < 3)
		return false;
	if (starts_ci(s + i, n - i, "Guest State"))
		*sec = SEC_GUEST;
	else if (starts_ci(s + i, n - i, "Host State"))
		*sec = SEC_HOST;
	else if (starts_ci(s + i, n - i, "Control State"))
		*sec = SEC_CTRL;
	else
		return false;
	return true;
}

static bool all_stars(const char *s, size_t n)
{
	if (n < 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '*')
			return false;
	return true;
}

/* A KVM header "VMCS 00000000c0ffee00, last attempted VM-entry on CPU 3". */
static bool is_kvm_vmcs_header(const char *s, size_t n)
{
	return starts(s, n, "VMCS ") && find(s, n, "last attempted VM-entry") != (size_t)-1;
}

static void kvm_efer(struct dump_parser *p, struct dump *d, const struct kvline *L,
                     const struct kv *kv, unsigned line)
{
	bool has_pat = false;

	for (int i = 0; i < L->n; i++)
		if (key_eq(L->kv[i].key, "PAT"))
			has_pat = true;
	p->st.efer_seen = true;
	if (d->format == DUMP_FMT_XEN) {
		/* Older Xen: "EFER = 0x...  PAT = 0x..." read from the VMCS field. */
		set_field(d, VMCS_GUEST_IA32_EFER, kv->v, line, kv->col);
		return;
	}
	if (has_pat) {
		p->st.efer_old_style = true; /* Linux 4.3-5.11: the VMCS field, printed with PAT */
		set_field(d, VMCS_GUEST_IA32_EFER, kv->v, line, kv->col);
		return;
	}
	p->st.efer_new_style = true;
	if (kv->ann[0] == '\0') {
		/* Linux 5.12+: printed bare only when "load IA32_EFER" is 1: the VMCS field */
		set_field(d, VMCS_GUEST_IA32_EFER, kv->v, line, kv->col);
	} else if (key_eq(kv->ann, "autoload")) {
		note(d, line,
		     "EFER 0x%llx comes from KVM's MSR autoload list, not from GUEST_IA32_EFER: "
		     "\"load IA32_EFER\" is 0, so VM entry does not read that field (left unknown)",
		     (unsigned long long)kv->v);
	} else {
		note(d, line,
		     "EFER 0x%llx is KVM's effective EFER (%s), not GUEST_IA32_EFER: \"load "
		     "IA32_EFER\" is 0, so VM entry does not read that field (left unknown) and "
		     "takes "
		     "EFER.LMA/LME from the \"IA-32e mode guest\" control",
		     (unsigned long long)kv->v, kv->ann);
	}
}

static bool msr_list_label(const char *label, int *kind)
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

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_dig(*s))
			return false;
	return true;
}

/* The words of a Xen table line: hex numbers separated by blanks. */
static int hex_words(const char *s, size_t n, size_t off, uint64_t *w, unsigned *col, int max)
{
	size_t i = 0;
	int k = 0;

	while (k < max) {
		i = skip_sp(s, n, i);
		if (i >= n)
			break;
		col[k] = (unsigned)(off + i + 1);
		if (!parse_hex(s, n, &i, &w[k]) || (i < n && !is_sp(s[i])))
			return -1;
		k++;
	}
	i = skip_sp(s, n, i);
	return i < n ? -1 : k;
}

/* Checks that a line kind's keys are all there; on a cut line drops the last value. */
static void check_complete(struct dump *d, unsigned sec, struct kvline *L, unsigned line)
{
	for (size_t i = 0; i < sizeof(linesets) / sizeof(linesets[0]); i++) {
		const struct lineset *ls = &linesets[i];
		const char *missing = NULL;

		if (!(ls->sec & sec) || !key_eq(ls->label, L->has_label ? L->label : "") || !L->n ||
		    !key_eq(ls->keys[0], L->kv[0].key))
			continue;
		for (int k = 1; k < 8 && ls->keys[k]; k++) {
			bool found = false;

			for (int j = 0; j < L->n; j++)
				if (key_eq(L->kv[j].key, ls->keys[k]) ||
				    (key_eq(ls->keys[k], "gh_mask") &&
				     key_eq(L->kv[j].key, "mask")))
					found = true;
			if (!found && !missing)
				missing = ls->keys[k];
		}
		if (missing) {
			warn(
			    d, line,
			    "the line is cut (no %s=): the last value on it (%s) may be incomplete "
			    "and is not used",
			    missing, L->kv[L->n - 1].key);
			L->kv[L->n - 1].ok = false;
			L->kv[L->n - 1].cut = true;
		}
		return;
	}
}

/* A line whose keys are a strict prefix of the expected ones was cut: its last value may be
 * incomplete and is dropped. */
static void check_prefix(struct dump *d, struct kvline *L, const char *const *keys, int nkeys,
                         unsigned line)
{
	int k = 0;

	while (k < L->n && k < nkeys && key_eq(L->kv[k].key, keys[k]))
		k++;
	if (k == L->n && k < nkeys && k > 0) {
		warn(d, line,
		     "the line is cut (no %s=): the last value on it (%s) may be incomplete and is "
		     "not used",
		     keys[k], L->kv[k - 1].key);
		L->kv[k - 1].ok = false;
		L->kv[k - 1].cut = true;
	}
}

static void seg_line(struct dump *d, int seg, struct kvline *L, unsigned line)
{
	static const char *const keys[] = {"sel", "attr", "limit", "base"};

	check_prefix(d, L, keys, 4, line);
	for (int i = 0; i < L->n; i++) {
		const struct kv *kv = &L->kv[i];
		int id = -1;

		if (!kv->ok) {
			if (!kv->cut)
				warn(d, line, "cannot read the value of %s on this line", kv->key);
			continue;
		}
		if (key_eq(kv->key, "sel"))
			id = seg_sel[seg];
		else if (key_eq(kv->key, "attr"))
			id = seg_ar[seg];
		else if (key_eq(kv->key, "limit"))
			id = seg_limit[seg];
		else if (key_eq(kv->key, "base"))
			id = seg_base[seg];
		if (id < 0)
			warn(d, line, "unknown key '%s' on the %s line (ignored)", kv->key,
			     seg_names[seg]);
		else
			set_field(d, id, kv->v, line, kv->col);
	}
}

static void dt_line(struct dump *d, int dt, struct kvline *L, unsigned line)
{
	static const char *const keys[] = {"limit", "base"};

	check_prefix(d, L, keys, 2, line);
	for (int i = 0; i < L->n; i++) {
		const struct kv *kv = &L->kv[i];

		if (!kv->ok) {
			if (!kv->cut)
				warn(d, line, "cannot read the value of %s on this line", kv->key);
			continue;
		}
		if (key_eq(kv->key, "limit"))
			set_field(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, kv->v,
			          line, kv->col);
		else if (key_eq(kv->key, "base"))
			set_field(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, kv->v, line,
			          kv->col);
		else
			warn(d, line, "unknown key '%s' on the %s line (ignored)", kv->key,
			     dt ? "IDTR" : "GDTR");
	}
}

static void msr_entry(struct dump_parser *p, struct dump *d, const struct kvline *L, unsigned line)
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
		warn(d, line, "cannot read this MSR-list entry (expected msr=0x... value=0x...)");
		p->st.list_seen[list] = false; /* the list is not known completely */
		return;
	}
	if (list == LIST_ENTRY_LOAD) {
		size_t k = p->st.list_n[list];

		if (k < DUMP_MAX_MSRS) {
			d->msr_load[k].index = (uint32_t)idx;
			d->msr_load[k].reserved = 0;
			d->msr_load[k].value = val;
			d->msr_load_line[k] = line;
		} else if (k == DUMP_MAX_MSRS) {
			warn(d, line, "more than %d MSR-load entries: the rest is not kept",
			     DUMP_MAX_MSRS);
		}
	}
	p->st.list_n[list]++;
}

/* One line of a KVM or Xen dump; false when the line is not part of the format. */
static bool kx_line(struct dump_parser *p, struct dump *d, const struct msg *m, unsigned line)
{
	struct state *st = &p->st;
	struct kvline L;
	unsigned sec;
	int seg, dt;

	if (is_section_header(m->s, m->n, &sec)) {
		st->section = sec;
		st->list = LIST_NONE;
		st->hdr_line[sec] = line;
		return true;
	}
	if (m->n == 0)
		return true;
	if (d->format == DUMP_FMT_XEN && all_stars(m->s, m->n)) {
		st->xen_closed = true;
		return true;
	}
	if (d->format == DUMP_FMT_XEN && find(m->s, m->n, "VMCS Area") != (size_t)-1)
		return true;
	if (d->format == DUMP_FMT_KVM && is_kvm_vmcs_header(m->s, m->n))
		return true;
	if (d->format == DUMP_FMT_XEN && starts(m->s, m->n, "sel") &&
	    find(m->s, m->n, "attr") != (size_t)-1 && find(m->s, m->n, "limit") != (size_t)-1)
		return true; /* the table header "sel  attr  limit   base" */
	tokenize(m, &L);
	if (L.has_label && L.n == 0 && !L.rest) {
		int kind;

		if (msr_list_label(L.label, &kind)) {
			st->list = kind;
			st->list_seen[kind] = true;
			st->list_line[kind] = line;
			st->list_n[kind] = 0;
			return true;
		}
	}
	if (L.has_label && all_digits(L.label) && st->list != LIST_NONE) {
		msr_entry(p, d, &L, line);
		return true;
	}
	if (st->section == SEC_NONE)
		return false;
	if (L.has_label && (seg = seg_index(L.label)) >= 0 && st->section == SEC_GUEST) {
		if (L.n) {
			seg_line(d, seg, &L, line);
			return true;
		}
		if (L.rest) {
			uint64_t w[4];
			unsigned col[4];
			int k = hex_words(L.rest, L.restn, L.rest_off, w, col, 4);

			if (k != 4) {
				warn(d, line,
				     "cannot read the %s line (expected: sel attr limit base)",
				     seg_names[seg]);
				return true;
			}
			st->xen_table = true;
			set_field(d, seg_sel[seg], w[0], line, col[0]);
			set_field(d, seg_ar[seg], w[1], line, col[1]);
			set_field(d, seg_limit[seg], w[2], line, col[2]);
			set_field(d, seg_base[seg], w[3], line, col[3]);
			return true;
		}
	}
	if (L.has_label && (dt = dt_index(L.label)) >= 0 && st->section == SEC_GUEST) {
		if (L.n) {
			dt_line(d, dt, &L, line);
			return true;
		}
		if (L.rest) {
			uint64_t w[2];
			unsigned col[2];
			int k = hex_words(L.rest, L.restn, L.rest_off, w, col, 2);

			if (k != 2) {
				warn(d, line, "cannot read the %s line (expected: limit base)",
				     dt ? "IDTR" : "GDTR");
				return true;
			}
			set_field(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, w[0], line,
			          col[0]);
			set_field(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, w[1], line,
			          col[1]);
			return true;
		}
	}
	if (L.n == 0)
		return false;
	{
		const char *label = L.has_label ? L.label : "";

		/* The first key decides whether this is a line of the current section. */
		if (!keymap_find(st->section, label, L.kv[0].key))
			return false;
		st->list = LIST_NONE;
		check_complete(d, st->section, &L, line);
		if (st->section == SEC_CTRL)
			st->ctrl_lines = true;
		for (int i = 0; i < L.n; i++) {
			struct kv *kv = &L.kv[i];
			const struct keymap *km = keymap_find(st->section, label, kv->key);

			if (!km) {
				warn(d, line, "unknown key '%s' (ignored)", kv->key);
				continue;
			}
			if (!kv->ok) {
				if (!kv->cut)
					warn(d, line, "cannot read the value of '%s'", kv->key);
				continue;
			}
			switch (km->field) {
			case SP_IGNORE:
				break;
			case SP_EFER:
				kvm_efer(p, d, &L, kv, line);
				break;
			case SP_EFER_LL:
				note(d, line,
				     "EFER 0x%llx comes from Xen's MSR load list, not from "
				     "GUEST_IA32_EFER (left unknown)",
				     (unsigned long long)kv->v);
				break;
			case SP_HOST_EFER:
				set_field(d, VMCS_HOST_IA32_EFER, kv->v, line, kv->col);
				break;
			case SP_SYSENTER_G:
			case SP_SYSENTER_H:
				if (!kv->has_v2) {
					warn(d, line, "cannot read CS:RIP (expected cs:rip)");
					break;
				}
				set_field(d,
				          km->field == SP_SYSENTER_G ? VMCS_GUEST_SYSENTER_CS
				                                     : VMCS_HOST_IA32_SYSENTER_CS,
				          kv->v, line, kv->col);
				set_field(d,
				          km->field == SP_SYSENTER_G ? VMCS_GUEST_SYSENTER_EIP
				                                     : VMCS_HOST_IA32_SYSENTER_EIP,
				          kv->v2, line, kv->col);
				break;
			case SP_SVI_RVI:
				if (kv->has_v2 && kv->v < 256 && kv->v2 < 256)
					set_field(d, VMCS_GUEST_INTR_STATUS, (kv->v << 8) | kv->v2,
					          line, kv->col);
				break;
			case SP_REASON:
				set_field(d, VMCS_VM_EXIT_REASON, kv->v, line, kv->col);
				break;
			default:
				set_field(d, km->field, kv->v, line, kv->col);
				if (km->field >= VMCS_CR3_TARGET_VALUE0 &&
				    km->field <= VMCS_CR3_TARGET_VALUE3)
					st->cr3_targets++;
				break;
			}
		}
		return true;
	}
}

/* ---- QEMU lines ---- */

static bool qemu_seg_name(const char *s, size_t n, int *seg, size_t *after)
{
	static const char *const names[] = {"ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR"};
	static const int idx[] = {0, 1, 2, 3, 4, 5, 6, 7};

	for (int i = 0; i < 8; i++) {
		size_t k = strlen(names[i]), j;

		if (!starts(s, n, names[i]))
			continue;
		j = skip_sp(s, n, k);
		if (j < n && s[j] == '=' && j <= 3) {
			*seg = idx[i];
			*after = j + 1;
			return true;
		}
	}
	return false;
}

static bool qemu_line(struct dump_parser *p, struct dump *d, const struct msg *m, unsigned line)
{
	struct kvline L;
	int seg;
	size_t after;

	(void)p;
	if (m->n == 0 || starts(m->s, m->n, "Code="))
		return true;
	if (qemu_seg_name(m->s, m->n, &seg, &after)) {
		uint64_t w[4];
		unsigned col[4];
		size_t i = after;
		int k = 0;

		while (k < 4) {
			i = skip_sp(m->s, m->n, i);
			col[k] = (unsigned)(m->off + i + 1);
			if (!parse_hex(m->s, m->n, &i, &w[k]))
				break;
			k++;
		}
		if (k != 4) {
			warn(d, line,
			     "cannot read the QEMU segment line (expected: selector base limit "
			     "flags)");
			return true;
		}
		set_field(d, seg_sel[seg], w[0], line, col[0]);
		set_field(d, seg_base[seg], w[1], line, col[1]);
		set_field(d, seg_limit[seg], w[2], line, col[2]);
		{
			uint64_t ar;

			/* KVM's view: a segment that is not present is unusable; a usable code or
			 * data segment gets its accessed bit set (KVM does so with unrestricted
			 * guest). */
			if (w[3] & 0x8000u) {
				ar = (w[3] >> 8) & 0xf0ffu;
				if (seg != 6 && seg != 7 && (ar & 0x10u))
					ar |= 1u;
			} else {
				ar = 0x10000u;
			}
			set_field(d, seg_ar[seg], ar, line, col[3]);
		}
		return true;
	}
	tokenize(m, &L);
	if (L.n == 0)
		return false;
	if (dt_index(L.kv[0].key) >= 0 && L.n == 1) {
		/* "GDT=     base limit": the tokenizer read the base; the limit follows */
		int dt = dt_index(L.kv[0].key);
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
			warn(d, line, "cannot read the %s line (expected: base limit)",
			     dt ? "IDT" : "GDT");
			return true;
		}
		set_field(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, base, line,
		          (unsigned)(m->off + c1 + 1));
		set_field(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, limit, line,
		          (unsigned)(m->off + c2 + 1));
		return true;
	}
	for (int i = 0; i < L.n; i++) {
		struct kv *kv = &L.kv[i];
		const char *k = kv->key;

		if (i == 0 &&
		    !(key_eq(k, "EAX") || key_eq(k, "ESI") || key_eq(k, "EIP") ||
		      key_eq(k, "RAX") || key_eq(k, "RSI") || key_eq(k, "R8") || key_eq(k, "R12") ||
		      key_eq(k, "R16") || key_eq(k, "R20") || key_eq(k, "R24") ||
		      key_eq(k, "R28") || key_eq(k, "RIP") || key_eq(k, "CR0") ||
		      key_eq(k, "DR0") || key_eq(k, "DR6") || key_eq(k, "CCS") ||
		      key_eq(k, "EFER") || key_eq(k, "FCW") || starts(k, strlen(k), "FPR") ||
		      starts(k, strlen(k), "XMM") || starts(k, strlen(k), "YMM") ||
		      starts(k, strlen(k), "ZMM") || starts(k, strlen(k), "Opmask")))
			return false;
		if (!kv->ok)
			continue;
		if (key_eq(k, "EIP") || key_eq(k, "RIP"))
			set_field(d, VMCS_GUEST_RIP, kv->v, line, kv->col);
		else if (key_eq(k, "ESP") || key_eq(k, "RSP"))
			set_field(d, VMCS_GUEST_RSP, kv->v, line, kv->col);
		else if (key_eq(k, "EFL") || key_eq(k, "RFL"))
			set_field(d, VMCS_GUEST_RFLAGS, kv->v, line, kv->col);
		else if (key_eq(k, "CR0")) {
			set_field(d, VMCS_CR0_READ_SHADOW, kv->v, line, kv->col);
			note(d, line,
			     "CR0 0x%llx is the guest's view: mapped to CR0_READ_SHADOW; GUEST_CR0 "
			     "(which KVM ORs with the bits VMX requires) is unknown",
			     (unsigned long long)kv->v);
		} else if (key_eq(k, "CR4")) {
			set_field(d, VMCS_CR4_READ_SHADOW, kv->v, line, kv->col);
			note(d, line,
			     "CR4 0x%llx is the guest's view: mapped to CR4_READ_SHADOW; GUEST_CR4 "
			     "(which has CR4.VMXE set by KVM) is unknown",
			     (unsigned long long)kv->v);
		} else if (key_eq(k, "CR3")) {
			set_field(d, VMCS_GUEST_CR3, kv->v, line, kv->col);
			note(
			    d, line,
			    "CR3 mapped to GUEST_CR3 assuming EPT (KVM's default); without EPT the "
			    "VMCS holds KVM's shadow page-table root instead");
		} else if (key_eq(k, "DR7"))
			set_field(d, VMCS_GUEST_DR7, kv->v, line, kv->col);
		else if (key_eq(k, "EFER"))
			note(
			    d, line,
			    "EFER 0x%llx is the guest's view; whether KVM loads it through "
			    "GUEST_IA32_EFER (\"load IA32_EFER\") is not shown: GUEST_IA32_EFER is "
			    "unknown",
			    (unsigned long long)kv->v);
		else if (key_eq(k, "HLT") && kv->v)
			note(d, line,
			     "the vCPU was halted (HLT=1); the activity state KVM wrote is "
			     "not shown");
		else if (key_eq(k, "II") && kv->v)
			note(d, line,
			     "interrupts were inhibited (II=1: STI or MOV SS blocking); the "
			     "interruptibility state is not shown exactly");
		else if (key_eq(k, "SMM") && kv->v)
			note(d, line, "the vCPU was in SMM");
	}
	if (starts(m->s, m->n, "EFER="))
		p->st.ctrl_lines = true; /* the last line of the register part */
	return true;
}

/* ---- dumps: opening, completing, handing over ---- */

static void emit(struct dump_parser *p, struct dump *d)
{
	if (!d)
		return;
	p->sink(d, p->ctx);
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

static void finish_kvm_xen(struct dump_parser *p, struct dump *d)
{
	struct state *st = &p->st;
	unsigned host = st->hdr_line[SEC_HOST], ctrl = st->hdr_line[SEC_CTRL];

	if (d->format == DUMP_FMT_KVM) {
		if (st->efer_old_style && st->version < 1)
			st->version = 1;
		if (st->efer_new_style && st->version < 2)
			st->version = 2;
		if (d->vmcs.known[VMCS_TERTIARY_VM_EXEC_CONTROL] && st->version < 4)
			st->version = 4;
		snprintf(d->variant, sizeof(d->variant), "KVM dump_vmcs(), %s",
		         kvm_variant(st->version));
		/*
		 * Since Linux 5.12 (the same change that prints "EFER= ... (effective)") the MSR
		 * lists are printed whenever their VMCS count is not 0: a missing list means 0.
		 */
		if (st->efer_new_style) {
			if (!st->list_seen[LIST_ENTRY_LOAD])
				infer_field(
				    d, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0, host,
				    "KVM prints the guest autoload list whenever the count is "
				    "not 0");
			if (!st->list_seen[LIST_EXIT_STORE])
				infer_field(
				    d, VMCS_VM_EXIT_MSR_STORE_COUNT, 0, host,
				    "KVM prints the autostore list whenever the count is not 0");
			if (!st->list_seen[LIST_EXIT_LOAD])
				infer_field(
				    d, VMCS_VM_EXIT_MSR_LOAD_COUNT, 0, ctrl,
				    "KVM prints the host autoload list whenever the count is "
				    "not 0");
		}
	} else {
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
	/* The lists that were printed give their counts. */
	if (st->list_seen[LIST_ENTRY_LOAD]) {
		unsigned n = st->list_n[LIST_ENTRY_LOAD];

		infer_field(d, VMCS_VM_ENTRY_MSR_LOAD_COUNT, n, st->list_line[LIST_ENTRY_LOAD],
		            "the number of entries in the guest autoload list");
		if (n <= DUMP_MAX_MSRS) {
			d->env.msr_load_known = true;
			d->env.n_msr_load = n;
		}
	} else if (d->vmcs.known[VMCS_VM_ENTRY_MSR_LOAD_COUNT] &&
	           d->vmcs.value[VMCS_VM_ENTRY_MSR_LOAD_COUNT] == 0) {
		d->env.msr_load_known = true;
		d->env.n_msr_load = 0;
	}
	if (st->list_seen[LIST_EXIT_STORE])
		infer_field(d, VMCS_VM_EXIT_MSR_STORE_COUNT, st->list_n[LIST_EXIT_STORE],
		            st->list_line[LIST_EXIT_STORE],
		            "the number of entries in the autostore list");
	if (st->list_seen[LIST_EXIT_LOAD])
		infer_field(d, VMCS_VM_EXIT_MSR_LOAD_COUNT, st->list_n[LIST_EXIT_LOAD],
		            st->list_line[LIST_EXIT_LOAD],
		            "the number of entries in the host autoload list");
	if (!st->hdr_line[SEC_CTRL] || !st->ctrl_lines) {
		d->truncated = true;
		note(d, d->last_line,
		     "the dump ends at line %u before its Control State: the controls are unknown",
		     d->last_line);
	} else if (!st->hdr_line[SEC_HOST]) {
		d->truncated = true;
		note(d, d->last_line, "the dump has no Host State section: host state is unknown");
	}
	note(d, d->first_line,
	     "%s dumps do not show VMCS_LINK_POINTER, the I/O- and MSR-bitmap addresses or the "
	     "MSR-area addresses: checks that need them cannot be decided",
	     d->format == DUMP_FMT_KVM ? "KVM" : "Xen");
}

static void finish_qemu(struct dump_parser *p, struct dump *d)
{
	(void)p;
	snprintf(d->variant, sizeof(d->variant), "QEMU register dump (the vCPU as QEMU sees it)");
	note(d, d->first_line,
	     "QEMU shows the vCPU registers, not the VMCS: no controls, no host state, no "
	     "guest/host masks, interruptibility or activity state; only checks on the "
	     "registers shown can be decided");
}

static void complete_open(struct dump_parser *p)
{
	struct dump *d = p->open;

	if (!d)
		return;
	p->open = NULL;
	if (d->format == DUMP_FMT_QEMU)
		finish_qemu(p, d);
	else
		finish_kvm_xen(p, d);
	/* The VM-exit reason field of a dump printed after a failed entry has bit 31 set. */
	if (d->vmcs.known[VMCS_VM_EXIT_REASON] &&
	    (d->vmcs.value[VMCS_VM_EXIT_REASON] & 0x80000000u) &&
	    d->observed.kind == VERDICT_NONE) {
		struct dump_verdict v;
		uint64_t r = d->vmcs.value[VMCS_VM_EXIT_REASON];

		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_ENTRY_FAILURE;
		v.source = VSRC_DUMP_FIELD;
		v.instruction = -1;
		v.full_reason = (uint32_t)r;
		v.exit_reason = (uint16_t)r;
		v.line = d->field_line[VMCS_VM_EXIT_REASON];
		if (d->vmcs.known[VMCS_EXIT_QUALIFICATION]) {
			v.qual_known = true;
			v.qualification = d->vmcs.value[VMCS_EXIT_QUALIFICATION];
		}
		snprintf(v.text, sizeof(v.text), "reason=%08llx qualification=%016llx",
		         (unsigned long long)r, (unsigned long long)v.qualification);
		attach_verdict(d, &v);
	}
	/* 64-bit host code means VMLAUNCH ran in IA-32e mode. */
	if (d->vmcs.known[VMCS_HOST_RIP]) {
		d->env.ia32e_mode = (d->vmcs.value[VMCS_HOST_RIP] >> 32) != 0;
		d->mode_from_dump = true;
	}
	if (d->n_shown < 3) {
		gnote(p, d->first_line,
		      "a dump header at line %u is followed by no values: not diagnosed",
		      d->first_line);
		p->ndumps--;
		return;
	}
	if (d->env.msr_load_known)
		d->env.msr_load = d->msr_load;
	emit(p, p->held);
	p->held = d;
}

static void open_dump(struct dump_parser *p, unsigned fmt, unsigned line)
{
	struct dump *d;

	complete_open(p);
	d = (p->held == &p->store[0]) ? &p->store[1] : &p->store[0];
	memset(d, 0, sizeof(*d));
	memset(&p->st, 0, sizeof(p->st));
	d->index = ++p->ndumps;
	d->format = (uint8_t)fmt;
	d->first_line = d->last_line = line;
	d->observed.instruction = -1;
	d->env.instruction = VMENTRY_VMLAUNCH;
	d->env.launch_state = LAUNCH_STATE_CLEAR;
	d->env.ia32e_mode = true;
	d->env.values_read_back = true; /* the hypervisor printed what VMREAD returned */
	p->st.last_recognized = line;
	if (fmt == DUMP_FMT_XEN && p->xen_context[0] && line - p->xen_context_line < 8)
		snprintf(p->st.context, sizeof(p->st.context), "%s", p->xen_context);
	p->open = d;
	if (p->pending.kind != VERDICT_NONE && (p->pending_fmts & FMT_BIT(fmt)) &&
	    line - p->pending.line <= DUMP_CONTEXT_LINES) {
		attach_verdict(d, &p->pending);
		p->pending.kind = VERDICT_NONE;
	}
}

struct dump_parser *dump_parser_new(dump_sink sink, void *ctx)
{
	struct dump_parser *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	p->sink = sink;
	p->ctx = ctx;
	return p;
}

void dump_parser_free(struct dump_parser *p)
{
	free(p);
}

size_t dump_parser_global_count(const struct dump_parser *p)
{
	return p->n_global;
}

const struct dump_msg *dump_parser_global(const struct dump_parser *p, size_t i)
{
	return i < p->n_global ? &p->global[i] : NULL;
}

size_t dump_parser_dumps(const struct dump_parser *p)
{
	return p->ndumps;
}

/* Lines that do not belong to the open dump: kept until a dump line shows they were inside. */
static void unrecognized(struct dump_parser *p, const struct msg *m, unsigned line, bool malformed)
{
	struct state *st = &p->st;

	if (st->n_unrec >= MAX_UNREC) {
		/* The dump ended at its last recognized line. */
		p->open->last_line = st->last_recognized;
		complete_open(p);
		return;
	}
	st->unrec[st->n_unrec].line = line;
	st->unrec[st->n_unrec].malformed = malformed;
	quote(st->unrec[st->n_unrec].text, sizeof(st->unrec[0].text), m->s, m->n);
	st->n_unrec++;
}

static void recognized(struct dump_parser *p, unsigned line)
{
	struct state *st = &p->st;
	struct dump *d = p->open;

	for (int i = 0; i < st->n_unrec; i++) {
		if (st->unrec[i].malformed)
			warn(d, st->unrec[i].line, "cannot parse this dump line (ignored): '%s'",
			     st->unrec[i].text);
		else
			note(d, st->unrec[i].line,
			     "a line that is not part of the dump stands inside it (ignored): '%s'",
			     st->unrec[i].text);
	}
	st->n_unrec = 0;
	st->last_recognized = line;
	d->last_line = line;
}

static bool qemu_start(const struct msg *m)
{
	if (m->xen)
		return false;
	if (starts(m->s, m->n, "EAX="))
		return find(m->s, m->n, "EBX=") != (size_t)-1;
	if (starts(m->s, m->n, "RAX="))
		return find(m->s, m->n, "RBX=") != (size_t)-1;
	return false;
}

void dump_parser_line(struct dump_parser *p, unsigned lineno, const char *s, size_t n)
{
	struct msg m = strip_prefix(s, n);
	struct dump_verdict v;
	uint8_t fmts;
	bool back, handled = false;
	unsigned sec;

	/* A dump kept for verdicts that may follow it is handed over when they can no longer. */
	if (p->held && lineno > p->held->last_line + DUMP_CONTEXT_LINES && !p->open) {
		emit(p, p->held);
		p->held = NULL;
	}
	if (m.n == 0)
		return; /* blank lines neither belong to a dump nor end one */
	/* Dump starts. */
	if (m.xen && find(m.s, m.n, "VMCS Area") != (size_t)-1 && m.n > 0 && m.s[0] == '*' &&
	    find(m.s, m.n, "VMCS Areas") == (size_t)-1) {
		open_dump(p, DUMP_FMT_XEN, lineno);
		recognized(p, lineno);
		return;
	}
	if (!m.xen && is_kvm_vmcs_header(m.s, m.n)) {
		open_dump(p, DUMP_FMT_KVM, lineno);
		p->st.version = 3; /* the header line came with Linux 5.14 */
		recognized(p, lineno);
		return;
	}
	if (is_section_header(m.s, m.n, &sec) && sec == SEC_GUEST) {
		unsigned fmt = m.xen ? DUMP_FMT_XEN : DUMP_FMT_KVM;
		struct dump *d = p->open;

		if (!d || d->format != fmt || p->st.section != SEC_NONE)
			open_dump(p, fmt, lineno);
	} else if (qemu_start(&m)) {
		open_dump(p, DUMP_FMT_QEMU, lineno);
	}
	/* Xen 'v' key context: ">>> Domain 3 <<<" and "VCPU 0". */
	if (m.xen && starts(m.s, m.n, ">>> Domain ")) {
		size_t i = 11;
		uint64_t dom;

		if (parse_num(m.s, m.n, &i, &dom)) {
			snprintf(p->xen_context, sizeof(p->xen_context), "d%llu",
			         (unsigned long long)dom);
			p->xen_context_line = lineno;
		}
	} else if (m.xen && starts(m.s, m.n, "VCPU ") && p->xen_context[0] == 'd') {
		size_t i = 5;
		uint64_t vc;
		char *vpos = strchr(p->xen_context, 'v');

		if (vpos)
			*vpos = '\0';
		if (parse_num(m.s, m.n, &i, &vc)) {
			size_t len = strlen(p->xen_context);

			snprintf(p->xen_context + len, sizeof(p->xen_context) - len, "v%llu",
			         (unsigned long long)vc);
			p->xen_context_line = lineno;
		}
	}
	if (p->open) {
		struct dump *d = p->open;

		if (d->format == DUMP_FMT_QEMU)
			handled = qemu_line(p, d, &m, lineno);
		else if ((d->format == DUMP_FMT_XEN) == m.xen)
			handled = kx_line(p, d, &m, lineno);
		if (handled) {
			recognized(p, lineno);
			if (d->format == DUMP_FMT_XEN && p->st.xen_closed)
				complete_open(p);
			else if (d->format == DUMP_FMT_QEMU && starts(m.s, m.n, "Code="))
				complete_open(p);
			return;
		}
	}
	if (find(m.s, m.n, "dump_invalid_vmcs=1 to dump") != (size_t)-1 && !p->hint_dump_invalid) {
		p->hint_dump_invalid = true;
		gnote(p, lineno,
		      "KVM did not dump the VMCS: load kvm_intel with dump_invalid_vmcs=1 "
		      "(/sys/module/kvm_intel/parameters/dump_invalid_vmcs) to get the dump");
	}
	/* Xen names the MSR-load entry that failed on the line after its verdict. */
	if (m.xen && starts(m.s, m.n, "msr ") && p->pending.kind == VERDICT_ENTRY_FAILURE &&
	    p->pending.exit_reason == 34 && lineno == p->pending.line + 1 &&
	    find(m.s, m.n, " val ") != (size_t)-1) {
		size_t k = strlen(p->pending.text);

		if (k + 3 < sizeof(p->pending.text)) {
			memcpy(p->pending.text + k, "; ", 3);
			quote(p->pending.text + k + 2, sizeof(p->pending.text) - k - 2, m.s, m.n);
		}
		return;
	}
	for (size_t i = 0; i < m.n; i++)
		p->lc[i] = lower(m.s[i]);
	if (detect_verdict(m.s, p->lc, m.n, m.xen, lineno, &v, &fmts, &back)) {
		bool attached = false;

		/* Xen's "Instruction Error N" completes its "VMLAUNCH Failure, VMCS valid". */
		if (v.kind == VERDICT_VMFAIL_VALID && v.instruction < 0 &&
		    p->pending.kind == VERDICT_VMFAIL_VALID && p->pending.vm_error == 0 &&
		    p->pending.instruction >= 0 && lineno - p->pending.line <= 2) {
			p->pending.vm_error = v.vm_error;
			return;
		}
		if (p->open) {
			/* A line that only describes what follows belongs to the open dump only
			 * while that has shown nothing yet. */
			if ((fmts & FMT_BIT(p->open->format)) &&
			    (back || p->st.section == SEC_NONE)) {
				attach_verdict(p->open, &v);
				attached = true;
			}
		} else if (back && p->held && (fmts & FMT_BIT(p->held->format)) &&
		           lineno - p->held->last_line <= DUMP_CONTEXT_LINES &&
		           p->held->observed.source != VSRC_MESSAGE) {
			attach_verdict(p->held, &v);
			attached = true;
		}
		/* Kept for a dump that follows: QEMU prints its register dump after the line. */
		p->pending = v;
		p->pending_fmts = attached ? (uint8_t)(fmts & FMT_BIT(DUMP_FMT_QEMU)) : fmts;
		return;
	}
	if (p->open && m.n > 0) {
		bool malformed = false;

		if (p->open->format == DUMP_FMT_QEMU) {
			size_t i = 0;

			while (i < m.n && i < 6 &&
			       ((m.s[i] >= 'A' && m.s[i] <= 'Z') || is_dig(m.s[i])))
				i++;
			i = skip_sp(m.s, m.n, i);
			malformed = i > 1 && i < m.n && m.s[i] == '=';
		} else if ((p->open->format == DUMP_FMT_XEN) == m.xen) {
			struct kvline L;

			tokenize(&m, &L);
			malformed = known_anywhere(&L);
		}
		unrecognized(p, &m, lineno, malformed);
	}
}

void dump_parser_long_line(struct dump_parser *p, unsigned lineno, size_t len)
{
	if (p->open)
		warn(p->open, lineno, "line %u is %zu bytes long (more than %d): skipped", lineno,
		     len, DUMP_MAX_LINE);
	else
		gnote(p, lineno, "line %u is %zu bytes long (more than %d): skipped", lineno, len,
		      DUMP_MAX_LINE);
}

void dump_parser_finish(struct dump_parser *p)
{
	if (p->open && p->st.n_unrec) {
		p->open->last_line = p->st.last_recognized;
		p->st.n_unrec = 0;
	}
	complete_open(p);
	emit(p, p->held);
	p->held = NULL;
	if (p->global_dropped)
		gnote(p, 0, "%zu more messages not shown", p->global_dropped);
}

/* ---- reading a stream ---- */

#define SCAN_BLOCK (1u << 20)

bool dump_scan_stream(FILE *f, struct dump_parser *p, struct dump_scan_stats *st, char *err,
                      size_t errlen)
{
	char *buf = malloc(SCAN_BLOCK);
	char *line = malloc(DUMP_MAX_LINE + 1);
	size_t have = 0; /* bytes of the current line kept in line[] */
	size_t long_len = 0;
	bool too_long = false;
	unsigned lineno = 1;

	if (!buf || !line)
		abort();
	memset(st, 0, sizeof(*st));
	for (;;) {
		size_t got = fread(buf, 1, SCAN_BLOCK, f), i = 0;

		if (got == 0) {
			if (ferror(f)) {
				snprintf(err, errlen, "read error after %llu bytes",
				         (unsigned long long)st->bytes);
				free(buf);
				free(line);
				return false;
			}
			break;
		}
		st->bytes += got;
		if (!st->binary && memchr(buf, '\0', got))
			st->binary = true;
		while (i < got) {
			char *nl = memchr(buf + i, '\n', got - i);
			size_t end = nl ? (size_t)(nl - buf) : got, len = end - i;

			if (too_long) {
				long_len += len;
			} else if (have == 0 && nl) {
				/* the whole line is in the block: no copy */
				if (len > DUMP_MAX_LINE) {
					too_long = true;
					long_len = len;
				} else {
					dump_parser_line(p, lineno, buf + i, len);
				}
			} else if (have + len > DUMP_MAX_LINE) {
				too_long = true;
				long_len = have + len;
				have = 0;
			} else {
				memcpy(line + have, buf + i, len);
				have += len;
				if (nl)
					dump_parser_line(p, lineno, line, have);
			}
			if (!nl)
				break;
			if (too_long) {
				dump_parser_long_line(p, lineno, long_len);
				st->long_lines++;
				too_long = false;
				long_len = 0;
			}
			have = 0;
			lineno++;
			i = end + 1;
		}
	}
	if (too_long) {
		dump_parser_long_line(p, lineno, long_len);
		st->long_lines++;
	} else if (have) {
		dump_parser_line(p, lineno, line, have);
	} else {
		lineno--;
	}
	st->lines = lineno;
	free(buf);
	free(line);
	return true;
}
