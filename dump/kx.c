/*
 * kx.c -- the "Key = value" grammar KVM's dump_vmcs() and Xen's vmcs_dump_vcpu() share.
 *
 * Both print "Key = value" / "Key=value" pairs, a few lines with a label ("CR0: actual=...,
 * shadow=..., gh_mask=...", "CS:   sel=..., attr=..., limit=..., base=...", "VMEntry:
 * intr_info=..."), in three sections (Guest, Host, Control State).  The spacing, the 0x
 * prefixes and which keys share a line changed between versions, so a line is split into label
 * + pairs and every key is looked up by section; a key the line kind expects but does not show
 * marks a cut line.  (Learned from Linux arch/x86/kvm/vmx/vmx.c dump_vmcs() and Xen
 * xen/arch/x86/hvm/vmx/vmcs.c vmcs_dump_vcpu().)
 */
#include <string.h>

#include "internal.h"
#include "vmcs_ids.h"

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

void tokenize(const struct msg *m, struct kvline *L)
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
		if (eq >= n || eq - i == 0 || eq - i >= sizeof(kv->key)) {
			L->rest = s + i;
			L->restn = n - i;
			L->rest_at = i;
			break;
		}
		trim_copy(kv->key, sizeof(kv->key), s + i, eq - i);
		k = skip_sp(s, n, eq + 1);
		kv->at = k;
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

/* ---- where each key of the KVM and Xen dumps goes ---- */

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
    {C, "", "VE info address", FLD(VE_INFORMATION_ADDRESS)},
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
const int seg_sel[8] = {FLD(GUEST_ES_SELECTOR),   FLD(GUEST_CS_SELECTOR), FLD(GUEST_SS_SELECTOR),
                        FLD(GUEST_DS_SELECTOR),   FLD(GUEST_FS_SELECTOR), FLD(GUEST_GS_SELECTOR),
                        FLD(GUEST_LDTR_SELECTOR), FLD(GUEST_TR_SELECTOR)};
const int seg_ar[8] = {FLD(GUEST_ES_AR_BYTES),   FLD(GUEST_CS_AR_BYTES), FLD(GUEST_SS_AR_BYTES),
                       FLD(GUEST_DS_AR_BYTES),   FLD(GUEST_FS_AR_BYTES), FLD(GUEST_GS_AR_BYTES),
                       FLD(GUEST_LDTR_AR_BYTES), FLD(GUEST_TR_AR_BYTES)};
const int seg_limit[8] = {FLD(GUEST_ES_LIMIT),   FLD(GUEST_CS_LIMIT), FLD(GUEST_SS_LIMIT),
                          FLD(GUEST_DS_LIMIT),   FLD(GUEST_FS_LIMIT), FLD(GUEST_GS_LIMIT),
                          FLD(GUEST_LDTR_LIMIT), FLD(GUEST_TR_LIMIT)};
const int seg_base[8] = {FLD(GUEST_ES_BASE),   FLD(GUEST_CS_BASE), FLD(GUEST_SS_BASE),
                         FLD(GUEST_DS_BASE),   FLD(GUEST_FS_BASE), FLD(GUEST_GS_BASE),
                         FLD(GUEST_LDTR_BASE), FLD(GUEST_TR_BASE)};

int seg_index(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (key_eq(name, seg_names[i]))
			return i;
	if (key_eq(name, "LDT"))
		return 6;
	return -1;
}

const char *seg_name(int seg)
{
	return seg >= 0 && seg < 8 ? seg_names[seg] : "?";
}

int dt_index(const char *name) /* 0 GDTR, 1 IDTR */
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
bool kx_known_anywhere(const struct kvline *L)
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

bool is_section_header(const char *s, size_t n, unsigned *sec)
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

/*
 * The words a printed line of a dump begins with (KVM, Xen and QEMU), for telling a wrapped
 * piece ("gh_mask=...", "0x0000000000000400") from a line of its own.
 */
bool dump_line_start(const char *s, size_t n)
{
	static const char *const words[] = {
	    "VMCS ",
	    "CR0: ",
	    "CR4: ",
	    "CR3 =",
	    "CR3=",
	    "PDPTR0",
	    "PDPTR2",
	    "PDPTE0",
	    "PDPTE2",
	    "RSP =",
	    "RSP=",
	    "RFLAGS",
	    "Sysenter RSP",
	    "CS: ",
	    "DS: ",
	    "SS: ",
	    "ES: ",
	    "FS: ",
	    "GS: ",
	    "GDTR: ",
	    "LDTR: ",
	    "IDTR: ",
	    "TR: ",
	    "EFER",
	    "PAT",
	    "DebugCtl",
	    "PerfGlobCtl",
	    "BndCfgS",
	    "Interruptibility",
	    "InterruptStatus",
	    "PreemptionTimer",
	    "MSR ",
	    "S_CET",
	    "RIP =",
	    "RIP=",
	    "CS=",
	    "FSBase",
	    "GDTBase",
	    "CR0=",
	    "PinBased",
	    "CPUBased",
	    "EntryControls",
	    "ExceptionBitmap",
	    "VMEntry: ",
	    "VMExit: ",
	    "reason=",
	    "IDTVectoring: ",
	    "TSC Offset",
	    "TSC Multiplier",
	    "SVI|RVI",
	    "TPR Threshold",
	    "APIC-access",
	    "virt-APIC",
	    "PostedIntrVec",
	    "EPT pointer",
	    "PLE Gap",
	    "Virtual processor",
	    "VE info",
	    "ve_info: ",
	    "CR3 target",
	    "KVM: ",
	    "EAX=",
	    "ESI=",
	    "EIP=",
	    "RAX=",
	    "RSI=",
	    "R8 =",
	    "R12=",
	    "ES =",
	    "CS =",
	    "SS =",
	    "DS =",
	    "FS =",
	    "GS =",
	    "LDT=",
	    "TR =",
	    "GDT=",
	    "IDT=",
	    "DR0=",
	    "DR6=",
	    "Code=",
	    "FCW=",
	    "FPR",
	    "XMM",
	    "YMM",
	    "ZMM",
	    "Opmask",
	    "If you're running",
	};
	size_t i = 0;

	if (n && is_dig(s[0])) { /* "  0: msr=0x... value=0x..." */
		while (i < n && is_dig(s[i]))
			i++;
		return i < n && s[i] == ':';
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (starts(s, n, words[k]))
			return true;
	return false;
}

/* The words of a Xen table line: hex numbers separated by blanks; -1 when the line is not. */
int hex_words(const char *s, size_t n, size_t at, uint64_t *w, size_t *where, int max)
{
	size_t i = 0;
	int k = 0;

	while (k < max) {
		i = skip_sp(s, n, i);
		if (i >= n)
			break;
		where[k] = at + i;
		if (!parse_hex(s, n, &i, &w[k]) || (i < n && !is_sp(s[i])))
			return -1;
		k++;
	}
	i = skip_sp(s, n, i);
	return i < n ? -1 : k;
}

/*
 * Checks that a line kind's keys are all there; on a cut line drops the last value.  A line is
 * cut only where a key is missing after the last one it shows: one missing before a key that
 * follows it (a patched kernel's "__va::CR3=" instead of "CR3=") leaves the line whole.
 */
/*
 * Whether L, one value and nothing after it (no ", " that would lead to the next key), is the
 * CET patches' layout (v1 to v14, 2019-2021): S_CET, SSP and SSP TABLE one per line, not cut.
 */
static bool cet_line_per_value(const struct kvline *L, const struct msg *m)
{
	size_t i = L->kv[0].at;

	if (L->n != 1 || !key_eq(L->kv[0].key, "S_CET") || i >= m->n)
		return false;
	while (i < m->n && m->s[i] != ',')
		i++;
	return i == m->n;
}

static void check_complete(struct dump *d, unsigned sec, struct kvline *L, const struct msg *m)
{
	unsigned line = m->last;

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
			if (found)
				missing = NULL;
			else if (!missing)
				missing = ls->keys[k];
		}
		if (missing && !cet_line_per_value(L, m)) {
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

/*
 * KVM and Xen print every value zero-padded to a fixed width: 2, 4, 5 (access rights), 8 or 16
 * hex digits.  The last value of a line with another number of digits was cut with the line
 * (a console or a copy that ends there), however complete the line's keys: it is not used.
 */
static void check_last_width(struct dump *d, struct kvline *L, const struct msg *m)
{
	struct kv *kv;
	size_t i, digits = 0;

	if (!L->n)
		return;
	kv = &L->kv[L->n - 1];
	if (!kv->ok || kv->has_v2 || kv->ann[0])
		return;
	i = kv->at;
	if (i + 1 < m->n && m->s[i] == '0' && (m->s[i + 1] == 'x' || m->s[i + 1] == 'X'))
		i += 2;
	for (; i < m->n && hexval(m->s[i]) >= 0; i++)
		digits++;
	if (skip_sp(m->s, m->n, i) < m->n || digits == 2 || digits == 4 || digits == 5 ||
	    digits == 8 || digits == 16)
		return;
	warn(d, m->line,
	     "the line is cut in the value of %s (%zu digits, printed with 2, 4, 5, 8 or 16): it "
	     "is incomplete and is not used",
	     kv->key, digits);
	kv->ok = false;
	kv->cut = true;
}

static void seg_line(struct dump *d, int seg, struct kvline *L, const struct msg *m)
{
	static const char *const keys[] = {"sel", "attr", "limit", "base"};

	check_prefix(d, L, keys, 4, m->last);
	check_last_width(d, L, m);
	for (int i = 0; i < L->n; i++) {
		const struct kv *kv = &L->kv[i];
		int id = -1;

		if (!kv->ok) {
			if (!kv->cut)
				warn(d, m->line, "cannot read the value of %s on this line",
				     kv->key);
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
			warn(d, m->line, "unknown key '%s' on the %s line (ignored)", kv->key,
			     seg_names[seg]);
		else
			set_field_at(d, id, kv->v, m, kv->at);
	}
}

static void dt_line(struct dump *d, int dt, struct kvline *L, const struct msg *m)
{
	static const char *const keys[] = {"limit", "base"};

	check_prefix(d, L, keys, 2, m->last);
	check_last_width(d, L, m);
	for (int i = 0; i < L->n; i++) {
		const struct kv *kv = &L->kv[i];

		if (!kv->ok) {
			if (!kv->cut)
				warn(d, m->line, "cannot read the value of %s on this line",
				     kv->key);
			continue;
		}
		if (key_eq(kv->key, "limit"))
			set_field_at(d, dt ? VMCS_GUEST_IDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT, kv->v,
			             m, kv->at);
		else if (key_eq(kv->key, "base"))
			set_field_at(d, dt ? VMCS_GUEST_IDTR_BASE : VMCS_GUEST_GDTR_BASE, kv->v, m,
			             kv->at);
		else
			warn(d, m->line, "unknown key '%s' on the %s line (ignored)", kv->key,
			     dt ? "IDTR" : "GDTR");
	}
}

/* One "key=value" of a section line into its field. */
static void kx_value(struct dump_parser *p, struct dump *d, const struct kvline *L,
                     const struct kv *kv, const struct keymap *km, const struct msg *m)
{
	switch (km->field) {
	case SP_IGNORE:
		break;
	case SP_EFER:
		kvm_efer(p, d, L, kv, m);
		break;
	case SP_EFER_LL:
		note(d, m->line,
		     "EFER 0x%llx comes from Xen's MSR load list, not from GUEST_IA32_EFER (left "
		     "unknown)",
		     (unsigned long long)kv->v);
		break;
	case SP_HOST_EFER:
		set_field_at(d, VMCS_HOST_IA32_EFER, kv->v, m, kv->at);
		break;
	case SP_SYSENTER_G:
	case SP_SYSENTER_H:
		if (!kv->has_v2) {
			warn(d, m->line, "cannot read CS:RIP (expected cs:rip)");
			break;
		}
		set_field_at(d,
		             km->field == SP_SYSENTER_G ? VMCS_GUEST_SYSENTER_CS
		                                        : VMCS_HOST_IA32_SYSENTER_CS,
		             kv->v, m, kv->at);
		set_field_at(d,
		             km->field == SP_SYSENTER_G ? VMCS_GUEST_SYSENTER_EIP
		                                        : VMCS_HOST_IA32_SYSENTER_EIP,
		             kv->v2, m, kv->at);
		break;
	case SP_SVI_RVI:
		if (kv->has_v2 && kv->v < 256 && kv->v2 < 256)
			set_field_at(d, VMCS_GUEST_INTR_STATUS, (kv->v << 8) | kv->v2, m, kv->at);
		break;
	case SP_REASON:
		set_field_at(d, VMCS_VM_EXIT_REASON, kv->v, m, kv->at);
		break;
	default:
		set_field_at(d, km->field, kv->v, m, kv->at);
		if (km->field >= VMCS_CR3_TARGET_VALUE0 && km->field <= VMCS_CR3_TARGET_VALUE3)
			p->st.cr3_targets++;
		break;
	}
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

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_dig(*s))
			return false;
	return true;
}

bool kx_line(struct dump_parser *p, struct dump *d, const struct msg *m)
{
	struct state *st = &p->st;
	struct kvline L;
	unsigned sec;
	int seg, dt;

	if (m->foreign)
		return false;
	if (is_section_header(m->s, m->n, &sec)) {
		st->section = sec;
		st->list = LIST_NONE;
		st->hdr_line[sec] = m->line;
		return true;
	}
	if (d->format == DUMP_FMT_XEN && all_stars(m->s, m->n)) {
		st->xen_closed = true;
		return true;
	}
	if (d->format == DUMP_FMT_XEN && xen_banner(m))
		return true;
	if (d->format == DUMP_FMT_KVM && kvm_is_header(m->s, m->n))
		return true;
	if (d->format == DUMP_FMT_XEN && starts(m->s, m->n, "sel") &&
	    find(m->s, m->n, "attr") != NOT_FOUND && find(m->s, m->n, "limit") != NOT_FOUND)
		return true; /* the table header "sel  attr  limit   base" */
	tokenize(m, &L);
	if (L.has_label && L.n == 0 && !L.rest) {
		int kind;

		if (kvm_msr_list_label(L.label, &kind)) {
			st->list = kind;
			st->list_seen[kind] = true;
			st->list_line[kind] = m->line;
			st->list_n[kind] = 0;
			return true;
		}
	}
	if (L.has_label && all_digits(L.label) && st->list != LIST_NONE) {
		kvm_msr_entry(p, d, &L, m);
		return true;
	}
	/*
	 * Since Linux 5.14 the header line is followed by "*** Guest State ***": a log that
	 * leaves that line out (an excerpt) still shows guest values next.  The section is taken
	 * only once such a line is read, so a header line that does come later still belongs.
	 */
	sec = st->section == SEC_NONE && st->kvm_header ? SEC_GUEST : st->section;
	if (sec == SEC_NONE)
		return false;
	if (L.has_label && (seg = seg_index(L.label)) >= 0 && sec == SEC_GUEST) {
		if (L.n) {
			st->section = sec;
			seg_line(d, seg, &L, m);
			return true;
		}
		if (L.rest && xen_table_line(p, d, &L, m)) {
			st->section = sec;
			return true;
		}
		return false;
	}
	if (L.has_label && (dt = dt_index(L.label)) >= 0 && sec == SEC_GUEST) {
		if (L.n) {
			st->section = sec;
			dt_line(d, dt, &L, m);
			return true;
		}
		if (L.rest && xen_table_line(p, d, &L, m)) {
			st->section = sec;
			return true;
		}
		return false;
	}
	if (L.n == 0)
		return false;
	{
		const char *label = L.has_label ? L.label : "";

		/* The first key decides whether this is a line of the current section. */
		if (!keymap_find(sec, label, L.kv[0].key))
			return false;
		st->section = sec;
		st->list = LIST_NONE;
		check_complete(d, sec, &L, m);
		check_last_width(d, &L, m);
		if (sec == SEC_CTRL)
			st->ctrl_lines = true;
		for (int i = 0; i < L.n; i++) {
			struct kv *kv = &L.kv[i];
			const struct keymap *km = keymap_find(sec, label, kv->key);

			if (!km) {
				warn(d, m->line, "unknown key '%s' (ignored)", kv->key);
				continue;
			}
			if (!kv->ok) {
				if (!kv->cut)
					warn(d, m->line, "cannot read the value of '%s'", kv->key);
				continue;
			}
			kx_value(p, d, &L, kv, km, m);
		}
		return true;
	}
}
