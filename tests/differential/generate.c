/*
 * generate.c -- semantic combinations for the differential test (generate.h).
 *
 * Every case starts from a valid configuration of one guest mode and draws, independently, an
 * injected event, an activity state, an interruptibility state, RFLAGS.IF/TF (and sometimes
 * VM, then sometimes with segments fit for virtual-8086 mode), pending debug exceptions,
 * IA32_DEBUGCTL.BTF, the privilege levels of CS and SS, TSC scaling, MOV SS blocking, the
 * instruction and the launch state, VM-entry MSR-load entries, and none, one or two violations of
 * other rules (in different classes or in the same one).  Most rules that interact are in that
 * list; the checker and the processor must agree on every combination.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "generate.h"
#include "vmcs_ids.h"

uint64_t diff_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static unsigned pick(uint64_t *seed, unsigned n)
{
	return (unsigned)(diff_rand(seed) % n);
}

/* True with probability percent/100. */
static int chance(uint64_t *seed, unsigned percent)
{
	return pick(seed, 100) < percent;
}

#define SET(c, name, v)                                                                            \
	do {                                                                                       \
		(c)->vmcs.value[VMCS_##name] = (v);                                                \
		(c)->vmcs.known[VMCS_##name] = 1;                                                  \
		(c)->vmcs.written[VMCS_##name] = 1;                                                \
	} while (0)
#define GET(c, name) ((c)->vmcs.value[VMCS_##name])

/* Appends to a case's name. */
static void name_add(struct diff_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void name_add(struct diff_case *c, const char *fmt, ...)
{
	size_t len = strlen(c->name);
	va_list ap;

	if (len + 1 >= sizeof(c->name))
		return;
	va_start(ap, fmt);
	vsnprintf(c->name + len, sizeof(c->name) - len, fmt, ap);
	va_end(ap);
}

void diff_fix_pointers(struct diff_case *c, const struct diff_case *from)
{
	if (from && from->env.msr_load == from->msrs)
		c->env.msr_load = c->msrs;
}

/* ---- guest modes ---- */

enum mode {
	M_LONG64,      /* IA-32e mode, 64-bit code */
	M_LONG_COMPAT, /* IA-32e mode, compatibility-mode code (CS.L = 0) */
	M_PAE,         /* protected mode, PAE paging */
	M_PROT32,      /* protected mode, 32-bit paging */
	M_PROT16,      /* protected mode, 16-bit code, 32-bit paging */
	M_PROT_UG,     /* protected mode without paging, under unrestricted guest */
	M_REAL_UG,     /* real-address mode under unrestricted guest */
	M_REAL_NOUG,   /* real-address mode without unrestricted guest: invalid guest state */
	M_V8086,       /* virtual-8086 mode */
	M__COUNT
};

static const char *const mode_name[M__COUNT] = {
    "long64", "compat", "pae", "prot32", "prot16", "prot-ug", "real-ug", "real-noug", "v8086",
};

static const uint64_t UG = BITMASK(L_PROC2, UNRESTRICTED_GUEST);
static const uint64_t EPT = BITMASK(L_PROC2, ENABLE_EPT);

static void start(struct diff_case *c, const struct diff_bases *b, enum mode m)
{
	const struct diff_case *from;

	switch (m) {
	case M_LONG64:
	case M_LONG_COMPAT:
		from = b->long_mode;
		break;
	case M_REAL_UG:
	case M_REAL_NOUG:
		from = b->real_ug;
		break;
	case M_V8086:
		from = b->v8086;
		break;
	default:
		from = b->pae;
	}
	*c = *from;
	c->env.msr_load = NULL;
	c->env.n_msr_load = 0;
	c->env.msr_load_known = true;
	snprintf(c->name, sizeof(c->name), "gen/%s", mode_name[m]);
	switch (m) {
	case M_LONG_COMPAT:
		SET(c, GUEST_CS_AR_BYTES, 0xc09b); /* L = 0, D = 1 */
		break;
	case M_PROT32:
		SET(c, GUEST_CR4, GET(c, GUEST_CR4) & ~BITMASK(L_CR4, PAE));
		break;
	case M_PROT16:
		SET(c, GUEST_CR4, GET(c, GUEST_CR4) & ~BITMASK(L_CR4, PAE));
		SET(c, GUEST_CS_LIMIT, 0xffff);
		SET(c, GUEST_CS_AR_BYTES, 0x009b); /* D = 0, G = 0 */
		break;
	case M_PROT_UG:
		SET(c, SECONDARY_VM_EXEC_CONTROL, GET(c, SECONDARY_VM_EXEC_CONTROL) | UG | EPT);
		SET(c, EPT_POINTER, b->long_mode->vmcs.value[VMCS_EPT_POINTER]);
		SET(c, GUEST_CR0, GET(c, GUEST_CR0) & ~BITMASK(L_CR0, PG));
		SET(c, GUEST_CR4, GET(c, GUEST_CR4) & ~BITMASK(L_CR4, PAE));
		break;
	case M_REAL_NOUG:
		SET(c, SECONDARY_VM_EXEC_CONTROL, GET(c, SECONDARY_VM_EXEC_CONTROL) & ~UG);
		break;
	default:
		break;
	}
}

/* ---- event injection ---- */

static const unsigned vectors[] = {0,  1,  2,  3,  4,  6,  8,  10,   13,
                                   14, 15, 17, 18, 21, 31, 32, 0xd1, 0xff};

static void inject(struct diff_case *c, uint64_t *seed)
{
	unsigned type = pick(seed, 8),
	         vector = vectors[pick(seed, sizeof(vectors) / sizeof(*vectors))];
	unsigned deliver = pick(seed, 2), len = 0;
	uint64_t info, ec = 0;

	/* Usable events are common; the rest exercise each rule's edge. */
	if (type == 2 && chance(seed, 80))
		vector = 2;
	info = BITMASK(L_INTR_INFO, VALID) | (uint64_t)type << 8 | vector;
	if (deliver)
		info |= BITMASK(L_INTR_INFO, DELIVER_ERROR_CODE);
	if (chance(seed, 4))
		info |= 1ull << (12 + pick(seed, 19)); /* a reserved bit of 30:12 */
	if (deliver)
		ec = chance(seed, 85) ? (pick(seed, 2) ? 0 : 0x18) : 0x10000;
	if (type >= 4 && type <= 7) {
		static const unsigned lens[] = {0, 1, 2, 3, 15, 16};

		len = lens[pick(seed, 6)];
		if (chance(seed, 60))
			len = 2;
	}
	SET(c, VM_ENTRY_INTR_INFO_FIELD, info);
	SET(c, VM_ENTRY_EXCEPTION_ERROR_CODE, ec);
	SET(c, VM_ENTRY_INSTRUCTION_LEN, len);
	name_add(c, "/inj=%llx", (unsigned long long)info);
	if (deliver)
		name_add(c, ":ec%llx", (unsigned long long)ec);
	if (type >= 4)
		name_add(c, ":len%u", len);
}

/* ---- guest non-register state and RFLAGS ---- */

/*
 * Segments as virtual-8086 mode wants them (base = selector << 4, limit 0xffff, access rights
 * 0xf3) in a real-mode guest with RFLAGS.VM = 1: only the RFLAGS.VM rule is left to fail.
 */
static void v86_segments(struct diff_case *c)
{
	static const enum vmcs_field_id ar[] = {VMCS_GUEST_CS_AR_BYTES, VMCS_GUEST_SS_AR_BYTES,
	                                        VMCS_GUEST_DS_AR_BYTES, VMCS_GUEST_ES_AR_BYTES,
	                                        VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_GS_AR_BYTES};

	for (size_t k = 0; k < sizeof(ar) / sizeof(*ar); k++) {
		c->vmcs.value[ar[k]] = 0xf3;
		c->vmcs.known[ar[k]] = c->vmcs.written[ar[k]] = 1;
	}
	name_add(c, "/v86segs");
}

/*
 * The privilege levels of CS and SS in a protected-mode guest: CS.RPL, CS.DPL (and conforming
 * or not) and SS.DPL = SS.RPL, with and without unrestricted guest, which drops the RPL rules
 * but keeps CS.DPL against SS.DPL.
 */
static void privilege(struct diff_case *c, const struct diff_bases *b, uint64_t *seed)
{
	unsigned cs_rpl = pick(seed, 2) * 3, cs_dpl = pick(seed, 2) * 3, ss_dpl = pick(seed, 2) * 3;
	bool conforming = chance(seed, 25);
	uint64_t cs_ar = GET(c, GUEST_CS_AR_BYTES) & ~0x6full;

	cs_ar |= (uint64_t)cs_dpl << 5 | (conforming ? 0xf : 0xb);
	SET(c, GUEST_CS_AR_BYTES, cs_ar);
	SET(c, GUEST_CS_SELECTOR, (GET(c, GUEST_CS_SELECTOR) & ~3ull) | cs_rpl);
	SET(c, GUEST_SS_AR_BYTES, (GET(c, GUEST_SS_AR_BYTES) & ~0x60ull) | (uint64_t)ss_dpl << 5);
	SET(c, GUEST_SS_SELECTOR, (GET(c, GUEST_SS_SELECTOR) & ~3ull) | ss_dpl);
	if (chance(seed, 50)) {
		SET(c, SECONDARY_VM_EXEC_CONTROL, GET(c, SECONDARY_VM_EXEC_CONTROL) | UG | EPT);
		SET(c, EPT_POINTER, b->long_mode->vmcs.value[VMCS_EPT_POINTER]);
	}
	name_add(c, "/cs=rpl%u,dpl%u%s/ss=dpl%u%s", cs_rpl, cs_dpl, conforming ? "c" : "", ss_dpl,
	         GET(c, SECONDARY_VM_EXEC_CONTROL) & UG ? "/ug" : "");
}

static void flags_and_state(struct diff_case *c, uint64_t *seed, enum mode m)
{
	static const unsigned intr[] = {0, 0, 0, 1, 2, 3, 4, 8, 9, 10, 0x10, 0x20};
	/* bits 63:32 reserved as well: a 32-bit reading of the field misses them */
	static const uint64_t pdbg[] = {0,      0,       0,       0x4000, 0x1,
	                                0x1000, 0x10000, 0x14000, 0x2000, 0x100000000ull};
	uint64_t rf = GET(c, GUEST_RFLAGS);
	unsigned act = 0, i = intr[pick(seed, sizeof(intr) / sizeof(*intr))];
	uint64_t pd = pdbg[pick(seed, sizeof(pdbg) / sizeof(*pdbg))];

	if (chance(seed, 40))
		act = 1 + pick(seed, 3); /* HLT, shutdown, wait-for-SIPI */
	if (chance(seed, 2))
		act = 4 + pick(seed, 3); /* reserved */
	rf = pick(seed, 2) ? rf | BITMASK(L_RFLAGS, IF) : rf & ~BITMASK(L_RFLAGS, IF);
	rf = chance(seed, 25) ? rf | BITMASK(L_RFLAGS, TF) : rf & ~BITMASK(L_RFLAGS, TF);
	if (chance(seed, 5))
		rf ^= BITMASK(L_RFLAGS, VM); /* virtual-8086 where it is not, or the reverse */
	if (m == M_REAL_UG && (rf & BITMASK(L_RFLAGS, VM)) && chance(seed, 50))
		v86_segments(c);
	SET(c, GUEST_RFLAGS, rf);
	SET(c, GUEST_ACTIVITY_STATE, act);
	SET(c, GUEST_INTERRUPTIBILITY_INFO, i);
	SET(c, GUEST_PENDING_DBG_EXCEPTIONS, pd);
	name_add(c, "/rf=%llx/act=%u/intr=%x/pdbg=%llx", (unsigned long long)rf, act, i,
	         (unsigned long long)pd);
	if (chance(seed, 20)) {
		/* Load debug controls: IA32_DEBUGCTL.BTF decides the BS rule. */
		uint64_t btf = pick(seed, 2) ? 2 : 0;

		SET(c, VM_ENTRY_CONTROLS,
		    GET(c, VM_ENTRY_CONTROLS) | BITMASK(L_ENTRY, LOAD_DEBUG_CONTROLS));
		SET(c, GUEST_IA32_DEBUGCTL, btf);
		SET(c, GUEST_DR7, 0x400);
		name_add(c, "/debugctl=%llx", (unsigned long long)btf);
	}
}

/*
 * "Use TSC scaling" with a multiplier of 0 or 1.0 (bit 48): the SDM checks neither; where the
 * processor lacks the control, setting it is a control violation.
 */
static void tsc_scaling(struct diff_case *c, uint64_t *seed)
{
	uint64_t mult = pick(seed, 2) ? 0 : 1ull << 48;

	SET(c, SECONDARY_VM_EXEC_CONTROL,
	    GET(c, SECONDARY_VM_EXEC_CONTROL) | BITMASK(L_PROC2, USE_TSC_SCALING));
	SET(c, TSC_MULTIPLIER, mult);
	name_add(c, "/tsc-mult=%llx", (unsigned long long)mult);
}

/* ---- the instruction ---- */

static void instruction(struct diff_case *c, uint64_t *seed)
{
	unsigned k = chance(seed, 85) ? 0 : 1 + pick(seed, 3);

	c->env.instruction = (k == 2 || k == 3) ? VMENTRY_VMRESUME : VMENTRY_VMLAUNCH;
	c->env.launch_state = (k == 1 || k == 2) ? LAUNCH_STATE_LAUNCHED : LAUNCH_STATE_CLEAR;
	c->env.mov_ss_blocking = chance(seed, 5);
	if (k)
		name_add(c, "/%s-%s",
		         c->env.instruction == VMENTRY_VMRESUME ? "vmresume" : "vmlaunch",
		         c->env.launch_state == LAUNCH_STATE_LAUNCHED ? "launched" : "clear");
	if (c->env.mov_ss_blocking)
		name_add(c, "/movss");
}

/* ---- VM-entry MSR loading ---- */

/*
 * MSRs with a value WRMSR accepts and one it refuses (SDM Vol. 4, Table 2-2), for every MSR the
 * checker models: read-only MSRs and the ones SDM 27.4 forbids fail with any value.
 */
static const struct msr_pair {
	uint32_t index;
	uint64_t ok, bad;
	int has_ok, has_bad;
} msr_pairs[] = {
    {0x10u, 0x1000, 0, 1, 0},                                          /* IA32_TSC */
    {0x17u, 0, 0, 0, 1},                                               /* PLATFORM_ID: RO */
    {0x1bu, 0, 0xfee00a00ull, 0, 1},                                   /* APIC_BASE: bit 9 */
    {0x3bu, 0, 0, 1, 0},                                               /* TSC_ADJUST */
    {0x49u, 1, 2, 1, 1},                                               /* PRED_CMD */
    {0x9bu, 0, 0, 0, 1},                                               /* SMM_MONITOR_CTL */
    {0xfeu, 0, 0x508, 0, 1},                                           /* MTRRCAP: RO */
    {0x10au, 0, 0, 0, 1},                                              /* ARCH_CAPABILITIES */
    {0x10bu, 1, 2, 1, 1},                                              /* FLUSH_CMD */
    {0x174u, 0x10, 0, 1, 0},                                           /* SYSENTER_CS */
    {0x175u, 0xffff888000010000ull, 0x0001000000000000ull, 1, 1},      /* SYSENTER_ESP */
    {0x176u, 0xffffffff81000000ull, 0x00ff000000000000ull, 1, 1},      /* SYSENTER_EIP */
    {0x200u, 0x80000006ull, 0x80000003ull, 0, 1},                      /* MTRR_PHYSBASE0 */
    {0x250u, 0x0606060606060606ull, 0x0606060606060602ull, 0, 1},      /* MTRR_FIX64K */
    {0x277u, 0x0007040600070406ull, 0x0007040600070402ull, 1, 1},      /* IA32_PAT */
    {0x2ffu, 0xc06, 0xc07, 1, 1},                                      /* MTRR_DEF_TYPE */
    {0x480u, 0, 0, 0, 1},                                              /* VMX_BASIC: RO */
    {0x600u, 0xffff888000001000ull, 0x0000800000000000ull, 1, 1},      /* DS_AREA */
    {0x6e0u, 0, 0, 1, 0},                                              /* TSC_DEADLINE */
    {0x6e1u, 0, 0x100000000ull, 1, 1},                                 /* PKRS */
    {0x808u, 0, 0, 0, 1},                                              /* x2APIC TPR */
    {0xd90u, 0, 4, 1, 1},                                              /* BNDCFGS */
    {0xda0u, 0, 1, 1, 1},                                              /* XSS */
    {0xc0000080u, 0xd01, 0x4d01, 1, 1},                                /* IA32_EFER */
    {0xc0000081u, 0x0023001000000000ull, 0, 1, 0},                     /* IA32_STAR */
    {0xc0000082u, 0xffffffff81000000ull, 0x0000800000000000ull, 1, 1}, /* IA32_LSTAR */
    {0xc0000084u, 0x47700, 0, 1, 0},                                   /* IA32_FMASK */
    {0xc0000100u, 0, 0, 0, 1},                                         /* FS_BASE: never */
    {0xc0000102u, 0xffff888000000000ull, 0x8000000000000000ull, 1, 1}, /* KERNEL_GS_BASE */
    {0xc0000103u, 1, 0x100000001ull, 1, 1},                            /* IA32_TSC_AUX */
};

static void msr_load(struct diff_case *c, uint64_t *seed)
{
	unsigned n = 1 + pick(seed, 3);

	for (unsigned i = 0; i < n; i++) {
		const struct msr_pair *p =
		    &msr_pairs[pick(seed, sizeof(msr_pairs) / sizeof(*msr_pairs))];
		int bad = !p->has_ok || (p->has_bad && chance(seed, 30));

		c->msrs[i].index = p->index;
		c->msrs[i].reserved = chance(seed, 3) ? 1 : 0;
		c->msrs[i].value = bad ? p->bad : p->ok;
		name_add(c, "/msr%x=%llx%s", p->index, (unsigned long long)c->msrs[i].value,
		         c->msrs[i].reserved ? "+rsvd" : "");
	}
	c->env.msr_load = c->msrs;
	c->env.n_msr_load = n;
	c->env.msr_load_known = true;
	SET(c, VM_ENTRY_MSR_LOAD_COUNT, n);
	SET(c, VM_ENTRY_MSR_LOAD_ADDR, 0x5000);
}

/* ---- violations of other rules, by class ---- */

enum vclass { V_INSTR, V_CTLS, V_HOST, V_GUEST, V__COUNT };

struct violation {
	const char *name;
	enum vclass cls;
	void (*apply)(struct diff_case *c);
};

static void v_movss(struct diff_case *c)
{
	c->env.mov_ss_blocking = true;
}
static void v_launched(struct diff_case *c)
{
	c->env.instruction = VMENTRY_VMLAUNCH;
	c->env.launch_state = LAUNCH_STATE_LAUNCHED;
}
static void v_pin_reserved(struct diff_case *c)
{
	SET(c, PIN_BASED_VM_EXEC_CONTROL, GET(c, PIN_BASED_VM_EXEC_CONTROL) | (1ull << 31));
}
static void v_cr3_count(struct diff_case *c)
{
	SET(c, CR3_TARGET_COUNT, 5);
}
static void v_vpid_zero(struct diff_case *c)
{
	SET(c, VIRTUAL_PROCESSOR_ID, 0);
}
static void v_msr_bitmap_align(struct diff_case *c)
{
	SET(c, MSR_BITMAP, GET(c, MSR_BITMAP) | 0x8);
}
static void v_evt_type1(struct diff_case *c)
{
	SET(c, VM_ENTRY_INTR_INFO_FIELD, 0x80000100ull);
}
static void v_vnmi_no_nmi(struct diff_case *c)
{
	SET(c, PIN_BASED_VM_EXEC_CONTROL,
	    (GET(c, PIN_BASED_VM_EXEC_CONTROL) | BITMASK(L_PIN, VIRTUAL_NMIS)) &
	        ~BITMASK(L_PIN, NMI_EXITING));
}
static void v_host_tr(struct diff_case *c)
{
	SET(c, HOST_TR_SELECTOR, 0);
}
static void v_host_vmxe(struct diff_case *c)
{
	SET(c, HOST_CR4, GET(c, HOST_CR4) & ~BITMASK(L_CR4, VMXE));
}
static void v_host_cs_rpl(struct diff_case *c)
{
	SET(c, HOST_CS_SELECTOR, GET(c, HOST_CS_SELECTOR) | 3);
}
static void v_host_rip(struct diff_case *c)
{
	SET(c, HOST_RIP, 0x0000900000000000ull);
}
static void v_host_efer(struct diff_case *c)
{
	SET(c, HOST_IA32_EFER, GET(c, HOST_IA32_EFER) | 0x2);
}
static void v_guest_vmxe(struct diff_case *c)
{
	SET(c, GUEST_CR4, GET(c, GUEST_CR4) & ~BITMASK(L_CR4, VMXE));
}
static void v_guest_tr(struct diff_case *c)
{
	SET(c, GUEST_TR_AR_BYTES, GET(c, GUEST_TR_AR_BYTES) | BITMASK(L_AR, UNUSABLE));
}
static void v_guest_rflags(struct diff_case *c)
{
	SET(c, GUEST_RFLAGS, GET(c, GUEST_RFLAGS) | (1ull << 15));
}
static void v_guest_link(struct diff_case *c)
{
	/* A link pointer to memory that holds no VMCS (the probe writes no revision there). */
	SET(c, VMCS_LINK_POINTER, 0x7000);
	c->env.link_known = true;
	c->env.link_is_vmcs = false;
}
static void v_guest_gdtr(struct diff_case *c)
{
	SET(c, GUEST_GDTR_LIMIT, 0x10000);
}
static void v_guest_dr7(struct diff_case *c)
{
	SET(c, GUEST_DR7, 0x100000400ull);
}
static void v_guest_cs_access(struct diff_case *c)
{
	SET(c, GUEST_CS_AR_BYTES, GET(c, GUEST_CS_AR_BYTES) & ~1ull);
}
static void v_guest_cr3(struct diff_case *c)
{
	SET(c, GUEST_CR3, GET(c, GUEST_CR3) | (1ull << 63));
}
static void v_guest_pdpte(struct diff_case *c)
{
	c->env.pdpte[1] |= 1ull << 63; /* reserved bit of a present PDPTE (PAE guests) */
}

static const struct violation violations[] = {
    {"instr-movss", V_INSTR, v_movss},
    {"instr-launched", V_INSTR, v_launched},
    {"ctl-pin-reserved", V_CTLS, v_pin_reserved},
    {"ctl-cr3-count", V_CTLS, v_cr3_count},
    {"ctl-vpid-zero", V_CTLS, v_vpid_zero},
    {"ctl-msr-bitmap-align", V_CTLS, v_msr_bitmap_align},
    {"ctl-evt-type1", V_CTLS, v_evt_type1},
    {"ctl-vnmi-no-nmi", V_CTLS, v_vnmi_no_nmi},
    {"host-tr-zero", V_HOST, v_host_tr},
    {"host-cr4-vmxe", V_HOST, v_host_vmxe},
    {"host-cs-rpl", V_HOST, v_host_cs_rpl},
    {"host-rip", V_HOST, v_host_rip},
    {"host-efer", V_HOST, v_host_efer},
    {"guest-cr4-vmxe", V_GUEST, v_guest_vmxe},
    {"guest-tr-unusable", V_GUEST, v_guest_tr},
    {"guest-rflags-15", V_GUEST, v_guest_rflags},
    {"guest-link-zero", V_GUEST, v_guest_link},
    {"guest-gdtr-limit", V_GUEST, v_guest_gdtr},
    {"guest-dr7-high", V_GUEST, v_guest_dr7},
    {"guest-cs-access", V_GUEST, v_guest_cs_access},
    {"guest-cr3-63", V_GUEST, v_guest_cr3},
    {"guest-pdpte", V_GUEST, v_guest_pdpte},
};

#define N_VIOLATIONS (sizeof(violations) / sizeof(violations[0]))

static const struct violation *pick_violation(uint64_t *seed, int cls)
{
	for (;;) {
		const struct violation *v = &violations[pick(seed, N_VIOLATIONS)];

		if (cls < 0 || (int)v->cls == cls)
			return v;
	}
}

static void violate(struct diff_case *c, uint64_t *seed)
{
	unsigned how = pick(seed, 10);
	const struct violation *a, *b;

	if (how < 6)
		return;
	a = pick_violation(seed, -1);
	a->apply(c);
	name_add(c, "/x=%s", a->name);
	if (how < 8)
		return;
	/* Two violations: in the same class (how 8) or in another one (how 9). */
	do
		b = pick_violation(seed, how == 8 ? (int)a->cls : -1);
	while (b == a || (how == 9 && b->cls == a->cls));
	b->apply(c);
	name_add(c, "+%s", b->name);
}

void diff_generate(const struct diff_bases *b, uint64_t seed, struct diff_case *out, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct diff_case *c = &out[k];
		enum mode m = (enum mode)pick(&seed, M__COUNT);

		start(c, b, m);
		if (chance(&seed, 75))
			inject(c, &seed);
		flags_and_state(c, &seed, m);
		if (m != M_REAL_UG && m != M_REAL_NOUG && m != M_V8086 && chance(&seed, 15))
			privilege(c, b, &seed);
		if (chance(&seed, 5))
			tsc_scaling(c, &seed);
		instruction(c, &seed);
		if (chance(&seed, 20))
			msr_load(c, &seed);
		violate(c, &seed);
	}
}

void diff_mutate(struct diff_case *dst, const struct diff_case *src, uint64_t *seed)
{
	size_t written[VMCS_FIELD_CAPACITY], nw = 0, id;
	const struct vmcs_field_info *f;
	unsigned bits, how = pick(seed, 8), bit;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		if (src->vmcs.written[i])
			written[nw++] = i;
	}
	*dst = *src;
	diff_fix_pointers(dst, src);
	id = written[diff_rand(seed) % nw];
	f = vmcs_field_at(id);
	bits = vmcs_width_bits(f->width);
	if (how == 0) {
		dst->vmcs.value[id] = 0;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s=0", src->name,
		         f->name);
	} else if (how == 1) {
		dst->vmcs.value[id] = bits == 64 ? ~0ull : (1ull << bits) - 1;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s=ones", src->name,
		         f->name);
	} else {
		bit = pick(seed, bits);
		dst->vmcs.value[id] ^= 1ull << bit;
		snprintf(dst->name, sizeof(dst->name), "mutation/%.60s/%.60s^bit%u", src->name,
		         f->name, bit);
	}
}
