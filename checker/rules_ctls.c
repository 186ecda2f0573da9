/*
 * rules_ctls.c -- SDM 27.2.1 "Checks on VMX Controls" (VMfailValid, VM-instruction error 7):
 * the shapes most checks of the VM-execution, VM-exit and VM-entry control fields share --
 * reserved bits, one control requiring another, the address of a structure a control points
 * at, an MSR area.  Their rows in checker/rules_ctls.def pack what differs into the arg.  The
 * other checks are in rules_ctls_exec.c (27.2.1.1) and rules_ctls_entry.c (27.2.1.3); every
 * check of 27.2.1.2 has one of these shapes.
 */
#include "rules.h"

/* ---- reading control vectors ---- */

/* Decoding of the args packed by CTL_DEP / CTL_ADDR / CTL_AREA (checker/rules_ctls.def). */
#define DEP_IF_CTL(a)   ((unsigned)((a)&0xfu))
#define DEP_THEN_CTL(a) ((unsigned)(((a) >> 4) & 0xfu))
#define DEP_IF_BIT(a)   ((unsigned)(((a) >> 8) & 0xffu))
#define DEP_THEN_BIT(a) ((unsigned)(((a) >> 16) & 0xffu))
#define DEP_WANT(a)     ((unsigned)(((a) >> 24) & 1u))
#define ADDR_FIELD(a)   ((int)((a)&0xffu))
#define ADDR_CTL(a)     ((unsigned)(((a) >> 8) & 0xfu))
#define ADDR_BIT(a)     ((unsigned)(((a) >> 12) & 0xffu))
#define ADDR_MASK(a)    ((uint64_t)(((a) >> 20) & 0xfffu))
#define AREA_ADDR(a)    ((int)((a)&0xffu))
#define AREA_COUNT(a)   ((int)(((a) >> 8) & 0xffu))

#define ACTIVATE_SECONDARY BITMASK(L_PROC, ACTIVATE_SECONDARY_CONTROLS)
#define ACTIVATE_TERTIARY  BITMASK(L_PROC, ACTIVATE_TERTIARY_CONTROLS)
#define ACTIVATE_EXIT2     BITMASK(L_EXIT, ACTIVATE_SECONDARY_CONTROLS)
#define ENABLE_VMFUNC      BITMASK(L_PROC2, ENABLE_VM_FUNCTIONS)

/* The VMCS field holding a control vector (an enum vmx_ctl, or CTL_VMFUNC). */
static int ctl_field(unsigned ctl)
{
	switch (ctl) {
	case VMX_CTL_PIN:
		return VMCS_PIN_BASED_VM_EXEC_CONTROL;
	case VMX_CTL_PROC:
		return VMCS_CPU_BASED_VM_EXEC_CONTROL;
	case VMX_CTL_PROC2:
		return VMCS_SECONDARY_VM_EXEC_CONTROL;
	case VMX_CTL_PROC3:
		return VMCS_TERTIARY_VM_EXEC_CONTROL;
	case VMX_CTL_EXIT:
		return VMCS_VM_EXIT_CONTROLS;
	case VMX_CTL_EXIT2:
		return VMCS_SECONDARY_VM_EXIT_CONTROLS;
	case VMX_CTL_ENTRY:
		return VMCS_VM_ENTRY_CONTROLS;
	default:
		return VMCS_VM_FUNCTION_CONTROL;
	}
}

static const char *field_name(int field)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)field);

	return f ? f->name : "?";
}

/*
 * The value the processor acts on: secondary, tertiary and secondary VM-exit controls count
 * as 0 without their activating control (the context already did that), the VM-function
 * controls without "enable VM functions" (SDM 27.2.1.1: no checks are performed on them).
 */
static uint64_t ctl_value(const struct check_ctx *c, unsigned ctl)
{
	switch (ctl) {
	case VMX_CTL_PIN:
		return c->pin;
	case VMX_CTL_PROC:
		return c->proc;
	case VMX_CTL_PROC2:
		return c->proc2;
	case VMX_CTL_PROC3:
		return c->proc3;
	case VMX_CTL_EXIT:
		return c->exit;
	case VMX_CTL_EXIT2:
		return c->exit2;
	case VMX_CTL_ENTRY:
		return c->entry;
	default:
		return (c->proc2 & ENABLE_VMFUNC) ? V(c, VM_FUNCTION_CONTROL) : 0;
	}
}

/* RULE_PASS when every field deciding the effective value of ctl is known. */
static enum rule_result need_ctl(struct check_ctx *c, unsigned ctl)
{
	switch (ctl) {
	case VMX_CTL_PIN:
		NEED(c, PIN_BASED_VM_EXEC_CONTROL);
		break;
	case VMX_CTL_PROC:
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);
		break;
	case VMX_CTL_PROC2:
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);
		if (c->proc & ACTIVATE_SECONDARY)
			NEED(c, SECONDARY_VM_EXEC_CONTROL);
		break;
	case VMX_CTL_PROC3:
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);
		if (c->proc & ACTIVATE_TERTIARY)
			NEED(c, TERTIARY_VM_EXEC_CONTROL);
		break;
	case VMX_CTL_EXIT:
		NEED(c, VM_EXIT_CONTROLS);
		break;
	case VMX_CTL_EXIT2:
		NEED(c, VM_EXIT_CONTROLS);
		if (c->exit & ACTIVATE_EXIT2)
			NEED(c, SECONDARY_VM_EXIT_CONTROLS);
		break;
	case VMX_CTL_ENTRY:
		NEED(c, VM_ENTRY_CONTROLS);
		break;
	default:
		NEED(c, CPU_BASED_VM_EXEC_CONTROL);
		if (!(c->proc & ACTIVATE_SECONDARY))
			break;
		NEED(c, SECONDARY_VM_EXEC_CONTROL);
		if (c->proc2 & ENABLE_VMFUNC)
			NEED(c, VM_FUNCTION_CONTROL);
		break;
	}
	return RULE_PASS;
}

#define NEED_CTL(c, ctl)                                                                           \
	do {                                                                                       \
		enum rule_result need_ = need_ctl((c), (ctl));                                     \
		if (need_ != RULE_PASS)                                                            \
			return need_;                                                              \
	} while (0)

/* Whether bit of the effective control vector ctl is 1. */
static bool ctl_bit(const struct check_ctx *c, unsigned ctl, unsigned bit)
{
	return bit < 64 && ((ctl_value(c, ctl) >> bit) & 1u);
}

/* The name of a single-bit control of a control vector, from the layout table. */
static const char *bit_name_or(unsigned ctl, unsigned bit, const char *unnamed)
{
	const struct vmcs_field_info *f = vmcs_field_at((size_t)ctl_field(ctl));
	const struct vmcs_bits_info *b;
	size_t n = 0;

	if (!f || f->layout == VMCS_LAYOUT_NONE)
		return unnamed;
	b = vmcs_layout_bits(vmcs_layout_at(f->layout), &n);
	for (size_t i = 0; b && i < n; i++) {
		if (b[i].lo == bit && b[i].hi == bit)
			return b[i].name;
	}
	return unnamed;
}

static const char *bit_name(unsigned ctl, unsigned bit)
{
	return bit_name_or(ctl, bit, "reserved");
}

/*
 * "bit 7 (PROCESS_POSTED_INTERRUPTS), bit 9 (...)" for the bits of mask, at most four; bits
 * without a name are called unnamed ("reserved", "default1").
 */
static void bits_list(char *buf, size_t n, unsigned ctl, uint64_t mask, const char *unnamed)
{
	size_t len = 0;
	unsigned shown = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64 && len < n; bit++) {
		if (!((mask >> bit) & 1u))
			continue;
		if (shown == 4) {
			check_snprintf(buf + len, n - len, ", ...");
			return;
		}
		len += check_snprintf(buf + len, n - len, "%sbit %u (%s)", shown ? ", " : "", bit,
		                      bit_name_or(ctl, bit, unnamed));
		shown++;
	}
}

/*
 * " (with ACTIVATE_SECONDARY_CONTROLS, bit 31 of CPU_BASED_VM_EXEC_CONTROL)" when a bit of ctl
 * can only take effect after its activating control is set, else "".
 */
static const char *activation_note(const struct check_ctx *c, unsigned ctl)
{
	if (ctl == VMX_CTL_PROC2 && !(c->proc & ACTIVATE_SECONDARY))
		return " together with ACTIVATE_SECONDARY_CONTROLS (bit 31 of "
		       "CPU_BASED_VM_EXEC_CONTROL)";
	if (ctl == VMX_CTL_PROC3 && !(c->proc & ACTIVATE_TERTIARY))
		return " together with ACTIVATE_TERTIARY_CONTROLS (bit 17 of "
		       "CPU_BASED_VM_EXEC_CONTROL)";
	if (ctl == VMX_CTL_EXIT2 && !(c->exit & ACTIVATE_EXIT2))
		return " together with ACTIVATE_SECONDARY_CONTROLS (bit 31 of VM_EXIT_CONTROLS)";
	if (ctl == CTL_VMFUNC && !(c->proc2 & ENABLE_VMFUNC))
		return " together with ENABLE_VM_FUNCTIONS (bit 13 of SECONDARY_VM_EXEC_CONTROL)";
	return "";
}

/*
 * Whether addr is within the physical-address width (SDM: "should not set any bits beyond the
 * processor's physical-address width"; IA32_VMX_BASIC[48] limits the structures a VMCS points
 * at to 32 bits, and is 0 on every processor that supports Intel 64, SDM A.1).  *limit receives
 * the width used.  RULE_UNDECIDED only when what is known does not settle it: an address below
 * 4 GBytes fits every processor, one with a bit at or above 52 fits none (MAXPHYADDR is at most
 * 52), and one beyond a known MAXPHYADDR fails whether the limit is 32 bits or MAXPHYADDR.
 */
static enum rule_result phys_check(struct check_ctx *c, uint64_t addr, bool *ok, unsigned *limit)
{
	unsigned m = check_maxphyaddr(c);
	enum tri w32 = caps_msr_bit(c->k, VMX_MSR_BASIC, L_MSR_BASIC__ADDRESS_WIDTH_32);

	*limit = m;
	*ok = true;
	if ((addr >> 32) == 0)
		return RULE_PASS;
	if (w32 == TRI_UNKNOWN && check_intel64(c) == TRI_YES)
		w32 = TRI_NO;
	if (w32 == TRI_YES) {
		*limit = 32;
		*ok = false;
		return RULE_PASS;
	}
	if (m && (addr >> m)) {
		*ok = false;
		return RULE_PASS;
	}
	if (addr >> 52) {
		*limit = 52;
		*ok = false;
		return RULE_PASS;
	}
	if (w32 == TRI_UNKNOWN)
		return check_undecided(c,
		                       "cannot decide whether 0x%llx fits the physical-address "
		                       "width: IA32_VMX_BASIC (32-bit limit) is unknown",
		                       (unsigned long long)addr);
	if (m == 0)
		return check_undecided(
		    c,
		    "cannot decide whether 0x%llx fits the physical-address width: "
		    "MAXPHYADDR (CPUID.80000008H:EAX[7:0]) is unknown for these "
		    "capabilities",
		    (unsigned long long)addr);
	return RULE_PASS;
}

/* ---- table-driven rules, shared by the three sections ---- */

/*
 * SDM 27.2.1.1 / 27.2.1.2 / 27.2.1.3: reserved bits of the pin-based, primary and secondary
 * (when activated) and tertiary (when activated) processor-based VM-execution controls, of the
 * primary and secondary (when activated) VM-exit controls and of the VM-entry controls must be
 * set as the capability MSRs report (Appendix A: the TRUE MSRs when IA32_VMX_BASIC[55] is 1).
 */
enum rule_result rule_ctls_reserved(struct check_ctx *c, uintptr_t arg)
{
	unsigned ctl = (unsigned)arg;
	int field = ctl_field(ctl);
	struct vmx_allowed a;
	uint64_t v, extra, missing;
	char set[160], clr[160];

	NEED_CTL(c, ctl);
	if ((ctl == VMX_CTL_PROC2 && !(c->proc & ACTIVATE_SECONDARY)) ||
	    (ctl == VMX_CTL_PROC3 && !(c->proc & ACTIVATE_TERTIARY)) ||
	    (ctl == VMX_CTL_EXIT2 && !(c->exit & ACTIVATE_EXIT2)))
		return RULE_NA;
	a = *check_allowed(c, (enum vmx_ctl)ctl);
	v = ctl_value(c, ctl);
	/*
	 * The secondary, tertiary and secondary VM-exit controls have no default1 bits: their
	 * capability MSRs report allowed-1 settings only (SDM A.3.3, A.3.4, A.4.2), so 0 is allowed
	 * whatever they say.
	 */
	if (!a.known && v == 0 &&
	    (ctl == VMX_CTL_PROC2 || ctl == VMX_CTL_PROC3 || ctl == VMX_CTL_EXIT2))
		return RULE_PASS;
	if (!a.known)
		return check_undecided(
		    c,
		    "cannot decide the allowed settings of %s: %s is unknown for "
		    "these capabilities",
		    field_name(field), vmx_msr_name(a.msr));
	extra = v & ~a.may_be_1 & ~a.may_unknown;
	missing = a.must_be_1 & ~v;
	if (!extra && !missing) {
		if (v & a.may_unknown) {
			bits_list(clr, sizeof(clr), ctl, v & a.may_unknown, "reserved");
			return check_undecided(c,
			                       "cannot decide whether %s = 0x%llx may set %s: what "
			                       "%s allows there is unknown",
			                       field_name(field), (unsigned long long)v, clr,
			                       vmx_msr_name(a.msr));
		}
		if (!(a.must_unknown & ~v))
			return RULE_PASS;
		bits_list(set, sizeof(set), ctl, a.must_unknown & ~v, "default1");
		return check_undecided(c,
		                       "cannot decide whether %s = 0x%llx may clear %s: whether %s "
		                       "requires them is unknown",
		                       field_name(field), (unsigned long long)v, set,
		                       vmx_msr_name(a.msr));
	}
	bits_list(clr, sizeof(clr), ctl, extra, "reserved");
	bits_list(set, sizeof(set), ctl, missing, "default1");
	if (extra && missing) {
		check_hint(c, "clear %s and set %s of %s, as %s requires on this CPU", clr, set,
		           field_name(field), vmx_msr_name(a.msr));
		return check_fail(
		    c, field,
		    "%s = 0x%llx: bits 0x%llx must be 0 and bits 0x%llx must be 1 per %s "
		    "(must be 1: 0x%llx, may be 1: 0x%llx)",
		    field_name(field), (unsigned long long)v, (unsigned long long)extra,
		    (unsigned long long)missing, vmx_msr_name(a.msr),
		    (unsigned long long)a.must_be_1, (unsigned long long)a.may_be_1);
	}
	if (extra) {
		check_hint(c, "clear %s of %s: %s does not allow the 1-setting on this CPU", clr,
		           field_name(field), vmx_msr_name(a.msr));
		return check_fail(
		    c, field,
		    "%s = 0x%llx sets bits 0x%llx that %s does not allow to be 1 (may be "
		    "1: 0x%llx)",
		    field_name(field), (unsigned long long)v, (unsigned long long)extra,
		    vmx_msr_name(a.msr), (unsigned long long)a.may_be_1);
	}
	check_hint(c, "set %s of %s: %s requires the 1-setting on this CPU", set, field_name(field),
	           vmx_msr_name(a.msr));
	return check_fail(c, field,
	                  "%s = 0x%llx clears bits 0x%llx that %s requires to be 1 (must be 1: "
	                  "0x%llx)",
	                  field_name(field), (unsigned long long)v, (unsigned long long)missing,
	                  vmx_msr_name(a.msr), (unsigned long long)a.must_be_1);
}

/*
 * SDM 27.2.1.1 / 27.2.1.2: a control that needs another: when bit if_bit of one control vector
 * is 1, bit then_bit of another must be 1 (e.g. "virtual NMIs" needs "NMI exiting") or, for
 * pairs that exclude each other, 0 ("virtualize x2APIC mode" and "virtualize APIC accesses").
 */
enum rule_result rule_ctls_dep(struct check_ctx *c, uintptr_t arg)
{
	unsigned ic = DEP_IF_CTL(arg), ib = DEP_IF_BIT(arg);
	unsigned tc = DEP_THEN_CTL(arg), tb = DEP_THEN_BIT(arg);
	unsigned want = DEP_WANT(arg);
	int tf = ctl_field(tc);

	if (need_ctl(c, ic) != RULE_PASS) {
		/* The first control unknown: the rule holds when the second has the wanted bit. */
		if (need_ctl(c, tc) == RULE_PASS && (unsigned)ctl_bit(c, tc, tb) == want)
			return RULE_PASS;
		return need_ctl(c, ic);
	}
	if (!ctl_bit(c, ic, ib))
		return RULE_NA;
	NEED_CTL(c, tc);
	if ((unsigned)ctl_bit(c, tc, tb) == want)
		return RULE_PASS;
	if (want) {
		check_hint(c, "set %s (bit %u of %s)%s, or clear %s (bit %u of %s)",
		           bit_name(tc, tb), tb, field_name(tf), activation_note(c, tc),
		           bit_name(ic, ib), ib, field_name(ctl_field(ic)));
		return check_fail(c, tf,
		                  "%s (bit %u of %s = 0x%llx) is 1 but %s (bit %u of %s = 0x%llx) "
		                  "is 0",
		                  bit_name(ic, ib), ib, field_name(ctl_field(ic)),
		                  (unsigned long long)ctl_value(c, ic), bit_name(tc, tb), tb,
		                  field_name(tf), (unsigned long long)ctl_value(c, tc));
	}
	check_hint(c, "clear %s (bit %u of %s) or %s (bit %u of %s): they cannot both be 1",
	           bit_name(tc, tb), tb, field_name(tf), bit_name(ic, ib), ib,
	           field_name(ctl_field(ic)));
	return check_fail(c, tf, "%s (bit %u) and %s (bit %u) are both 1 (%s = 0x%llx)",
	                  bit_name(ic, ib), ib, bit_name(tc, tb), tb, field_name(tf),
	                  (unsigned long long)ctl_value(c, tc));
}

/* Applies an address rule: its control bit is 1 and the address is known. */
static enum rule_result addr_gate(struct check_ctx *c, uintptr_t arg)
{
	int field = ADDR_FIELD(arg);

	NEED_CTL(c, ADDR_CTL(arg));
	if (!ctl_bit(c, ADDR_CTL(arg), ADDR_BIT(arg)))
		return RULE_NA;
	if (!c->known[field])
		return check_unknown_field(c, field);
	return RULE_PASS;
}

/*
 * SDM 27.2.1.1: when a control that uses a structure in memory is 1, the low bits of the
 * structure's address must be 0: bits 11:0 of the I/O-bitmap, MSR-bitmap, virtual-APIC,
 * APIC-access, PML, SPPTP, EPTP-list, VMREAD/VMWRITE-bitmap, #VE-information and PASID-directory
 * addresses; bits 5:0 of the posted-interrupt descriptor address; bits 2:0 of the PID-pointer
 * table address; bits 2:0 and 11:5 of the HLATP (bits 4:3 hold its PWT and PCD).
 */
enum rule_result rule_ctls_addr_align(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = addr_gate(c, arg);
	int field = ADDR_FIELD(arg);
	uint64_t mask = ADDR_MASK(arg), v;
	unsigned ctl = ADDR_CTL(arg), bit = ADDR_BIT(arg);

	if (r != RULE_PASS)
		return r;
	v = c->v[field];
	if (!(v & mask))
		return RULE_PASS;
	if (((mask + 1) & mask) == 0) {
		check_hint(c, "align %s to %llu bytes (e.g. 0x%llx), or clear %s",
		           field_name(field), (unsigned long long)(mask + 1),
		           (unsigned long long)(v & ~mask), bit_name(ctl, bit));
		return check_fail(
		    c, field,
		    "%s = 0x%llx is not %llu-byte aligned (bits 0x%llx must be 0) while "
		    "%s (bit %u of %s) is 1",
		    field_name(field), (unsigned long long)v, (unsigned long long)(mask + 1),
		    (unsigned long long)mask, bit_name(ctl, bit), bit, field_name(ctl_field(ctl)));
	}
	check_hint(c, "clear bits 0x%llx of %s (e.g. 0x%llx)", (unsigned long long)(v & mask),
	           field_name(field), (unsigned long long)(v & ~mask));
	return check_fail(c, field,
	                  "%s = 0x%llx sets reserved bits 0x%llx (bits 0x%llx must be 0) while %s "
	                  "(bit %u of %s) is 1",
	                  field_name(field), (unsigned long long)v, (unsigned long long)(v & mask),
	                  (unsigned long long)mask, bit_name(ctl, bit), bit,
	                  field_name(ctl_field(ctl)));
}

/* Fails an address beyond the physical-address width limit (bits limit and up set). */
static enum rule_result fail_width(struct check_ctx *c, int field, uint64_t addr, unsigned limit)
{
	check_hint(c, "use a physical address below 0x%llx (%u-bit physical-address width) for %s",
	           (unsigned long long)(1ull << limit), limit, field_name(field));
	return check_fail(c, field,
	                  "%s = 0x%llx sets bits at or above bit %u, beyond the processor's "
	                  "physical-address width",
	                  field_name(field), (unsigned long long)addr, limit);
}

/*
 * SDM 27.2.1.1: when a control that uses a structure in memory is 1, the structure's address
 * must not set bits beyond the processor's physical-address width (I/O and MSR bitmaps,
 * virtual-APIC and APIC-access pages, posted-interrupt descriptor, PML buffer, SPPT, EPTP list,
 * VMREAD/VMWRITE bitmaps, #VE information area, PASID directories, HLATP, PID-pointer table).
 */
enum rule_result rule_ctls_addr_width(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = addr_gate(c, arg);
	int field = ADDR_FIELD(arg);
	unsigned limit;
	bool ok;

	if (r != RULE_PASS)
		return r;
	r = phys_check(c, c->v[field], &ok, &limit);
	if (r != RULE_PASS || ok)
		return r;
	return fail_width(c, field, c->v[field], limit);
}

/* Applies an MSR-area rule: the count is not 0 and the address is known. */
static enum rule_result area_gate(struct check_ctx *c, uintptr_t arg)
{
	int count = AREA_COUNT(arg), addr = AREA_ADDR(arg);

	if (!c->known[count])
		return check_unknown_field(c, count);
	if (c->v[count] == 0)
		return RULE_NA;
	if (!c->known[addr])
		return check_unknown_field(c, addr);
	return RULE_PASS;
}

/*
 * SDM 27.2.1.2 / 27.2.1.3: when the VM-exit MSR-store, VM-exit MSR-load or VM-entry MSR-load
 * count is not 0, the lower 4 bits of the area's address must be 0 (16-byte entries).
 */
enum rule_result rule_ctls_area_align(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = area_gate(c, arg);
	int addr = AREA_ADDR(arg);
	uint64_t v = c->v[addr];

	if (r != RULE_PASS)
		return r;
	if (!(v & 0xf))
		return RULE_PASS;
	check_hint(c, "align %s to 16 bytes (e.g. 0x%llx), or set %s to 0", field_name(addr),
	           (unsigned long long)(v & ~0xfull), field_name(AREA_COUNT(arg)));
	return check_fail(c, addr,
	                  "%s = 0x%llx is not 16-byte aligned (bits 3:0 must be 0) with %s = %llu",
	                  field_name(addr), (unsigned long long)v, field_name(AREA_COUNT(arg)),
	                  (unsigned long long)c->v[AREA_COUNT(arg)]);
}

/*
 * SDM 27.2.1.2 / 27.2.1.3: when the count of an MSR area is not 0, its address must not set
 * bits beyond the processor's physical-address width.
 */
enum rule_result rule_ctls_area_width(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = area_gate(c, arg);
	int addr = AREA_ADDR(arg);
	unsigned limit;
	bool ok;

	if (r != RULE_PASS)
		return r;
	r = phys_check(c, c->v[addr], &ok, &limit);
	if (r != RULE_PASS || ok)
		return r;
	return fail_width(c, addr, c->v[addr], limit);
}

/*
 * SDM 27.2.1.2 / 27.2.1.3: when the count of an MSR area is not 0, the address of its last
 * byte (address + count * 16 - 1, computed without truncation) must not set bits beyond the
 * processor's physical-address width.
 */
enum rule_result rule_ctls_area_last(struct check_ctx *c, uintptr_t arg)
{
	enum rule_result r = area_gate(c, arg);
	int addr = AREA_ADDR(arg), count = AREA_COUNT(arg);
	uint64_t base = c->v[addr], span = c->v[count] * 16 - 1, last;
	unsigned limit;
	bool ok;

	if (r != RULE_PASS)
		return r;
	if (base > ~0ull - span) {
		check_hint(c,
		           "lower %s or %s so that the area ends below the physical-address width",
		           field_name(addr), field_name(count));
		return check_fail(c, addr,
		                  "the MSR area at %s = 0x%llx with %s = %llu entries runs past "
		                  "2^64",
		                  field_name(addr), (unsigned long long)base, field_name(count),
		                  (unsigned long long)c->v[count]);
	}
	last = base + span;
	r = phys_check(c, last, &ok, &limit);
	if (r != RULE_PASS || ok)
		return r;
	check_hint(c,
	           "lower %s or %s so that the last byte (address + count * 16 - 1) is below "
	           "0x%llx",
	           field_name(addr), field_name(count), (unsigned long long)(1ull << limit));
	return check_fail(c, addr,
	                  "the last byte of the MSR area (%s = 0x%llx, %s = %llu) is at 0x%llx, "
	                  "beyond the %u-bit physical-address width",
	                  field_name(addr), (unsigned long long)base, field_name(count),
	                  (unsigned long long)c->v[count], (unsigned long long)last, limit);
}
